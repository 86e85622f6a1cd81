"""A step whose answers could not be saved as the child went (a box too long) holds them, so a
break or giving the tablet back before the box is made shorter loses nothing: not the long
words, and not the choices made beside them (participation/child/held.py)."""

from __future__ import annotations

import html

from sqlalchemy import delete, select

from participation.models import HeldAnswers
from tests.conftest import csrf_from
from tests.support.child_fixtures import CODE

from .conftest import is_checked, people_on, wishes_form
from .test_child_steps import plan_of

LONG_DIET = "No nuts, and no fish please. " * 20  # over the box's 500 characters


def test_a_step_refused_as_the_child_went_comes_back_with_its_choices(
    planner, tablet, keyworker, session, on_tablet
):
    refused = planner.post(
        "food-and-drink", {"food": ["pizza", "juice"], "diet": LONG_DIET}, autosave=True
    )
    assert refused.status_code == 422
    assert plan_of(session, on_tablet) is None

    tablet.give_back_and_hand_over_again(keyworker, on_tablet)
    page = planner.page("food-and-drink").text
    assert LONG_DIET.strip() in page
    assert is_checked(page, "food", "pizza") and is_checked(page, "food", "juice")
    assert 'aria-invalid="true"' in page and "error-summary" in page

    # Made shorter and saved: the answers are kept, and nothing is held any more.
    saved = planner.post(
        "food-and-drink", {"food": ["pizza", "juice"], "diet": "No nuts"}, go="next"
    )
    assert saved.status_code == 302
    assert plan_of(session, on_tablet).food == ["pizza", "juice"]
    assert session.scalars(select(HeldAnswers)).all() == []
    assert LONG_DIET.strip() not in planner.page("food-and-drink").text


def test_an_autosave_that_worked_lets_go_of_what_was_held(planner, session, on_tablet):
    planner.post("food-and-drink", {"diet": LONG_DIET}, autosave=True)
    assert session.scalars(select(HeldAnswers)).all() != []
    planner.post("food-and-drink", {"diet": "No nuts"}, autosave=True)
    assert session.scalars(select(HeldAnswers)).all() == []
    assert "No nuts" in planner.page("food-and-drink").text


def test_the_people_step_comes_back_with_its_long_why(
    planner, tablet, keyworker, session, on_tablet
):
    page = planner.page("who-comes")
    why = "because " * 80
    data = wishes_form(page.text, {"Kelly": {"wish": "yes", "why": why}})
    refused = planner.post("who-comes", data, page=page, autosave=True)
    assert refused.status_code == 422

    tablet.give_back_and_hand_over_again(keyworker, on_tablet)
    again = planner.page("who-comes").text
    assert why.strip() in again
    assert "Kelly: That" in again  # the error summary names whose box it is


def test_held_cards_that_are_not_the_cards_now_are_let_go(planner, session, on_tablet):
    """Someone was added on another tablet since: the held step would leave their card out."""
    from participation.child import held

    page = planner.page("who-comes")
    data = wishes_form(page.text, {"Kelly": {"wish": "yes", "why": "because " * 80}})
    other = next(index for name, (index, _key) in people_on(page.text).items() if name != "Kelly")
    gone = f"people-{other}-"
    fewer = [(name, value) for name, value in data.items() if not name.startswith(gone)]
    assert any("because" in value for _name, value in fewer)
    held.hold(session, child_id=on_tablet.id, path="/me/plan/who-comes", answers=fewer)
    again = planner.page("who-comes").text
    assert "because because" not in again
    session.expire_all()
    assert session.scalars(select(HeldAnswers)).all() == []


def test_skip_with_a_box_too_long_skips_and_keeps_the_page(planner, session, on_tablet):
    skipped = planner.post("food-and-drink", {"food": ["pizza"], "diet": LONG_DIET}, go="skip")
    assert skipped.headers["Location"] == "/me/plan/the-room"
    assert plan_of(session, on_tablet) is None  # nothing saved yet: the box is still too long
    back = planner.page("food-and-drink").text
    assert LONG_DIET.strip() in back and is_checked(back, "food", "pizza")
    assert 'aria-invalid="true"' in back


def test_answers_sent_as_the_space_locked_come_back_after_the_code(
    planner, tablet, client, session, on_tablet
):
    """No script to save first (or a page left open): "Save and go on" pressed after the space
    locked keeps what was sent, shows it again once the code opens the space, and says it is
    not saved yet."""
    page = planner.page("food-and-drink")
    tablet.post("/me/lock")
    sent = planner.post("food-and-drink", {"food": ["pizza"], "diet": "No nuts"}, page=page)
    assert sent.headers["Location"].startswith("/me/unlock")
    assert plan_of(session, on_tablet) is None
    unlock = sent.headers["Location"]  # the code page, with where to go back to
    for picture in CODE:
        back = client.post(unlock, data={"pick": picture, "csrf_token": csrf_from(page.text)})
    assert back.headers["Location"].startswith("/me/plan/food-and-drink")
    again = html.unescape(planner.page("food-and-drink").text)
    assert "No nuts" in again and is_checked(again, "food", "pizza")
    assert "It is saved when you press “Save and go on”." in again
    # A post to a page that does not show held answers holds nothing.
    tablet.post("/me/lock")
    session.execute(delete(HeldAnswers))
    session.commit()
    tablet.post("/me/how-it-looks", text_size="large")
    assert session.scalars(select(HeldAnswers)).all() == []


def test_a_post_with_a_bad_token_to_a_locked_space_holds_nothing(
    planner, tablet, client, session, on_tablet
):
    tablet.post("/me/lock")
    refused = client.post(
        "/me/plan/food-and-drink", data={"diet": "Sent from another site", "csrf_token": "x"}
    )
    assert refused.status_code in (302, 400)
    assert session.scalars(select(HeldAnswers)).all() == []
