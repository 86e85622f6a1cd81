""" "You said, we did": answers chosen and typed but not saved, sent as the space locked (child.js
sends the page's form after locking, on "Take a break" or the idle lock; or "Save my answer"
pressed on a page left open), are held for the page, never saved. The picture code comes back
to the page, which shows them again and says they are not saved yet; saving lets go of them."""

from __future__ import annotations

import html

from sqlalchemy import select

from participation.models import DecisionFollowUp, Happened, HeldAnswers
from tests.conftest import csrf_from

from . import test_outcomes
from .conftest import CODE, child_keyworker
from .test_outcomes import _answers, _checked, _whole_page, circulate

# The fixtures of "You said, we did": Jay's last review's decisions, and Jay on the tablet.
decisions = test_outcomes.decisions
on_tablet = test_outcomes.on_tablet

PAGE = "/me/you-said-we-did"
KEPT = (
    "What you chose before your break is kept for you. It is saved when you press “Save my answer”."
)
WORDS = "Nobody has asked about swimming yet."


def _held(session):
    session.expire_all()
    return [(row.path, row.answers) for row in session.scalars(select(HeldAnswers))]


def _lock(tablet, resume=PAGE + "?"):
    token = csrf_from(tablet.client.get("/accessibility").text)
    locked = tablet.client.post("/me/lock", data={"csrf_token": token, "resume": resume})
    assert locked.headers["Location"] == "/me/unlock"


def test_an_answer_sent_as_the_space_locked_is_held_not_saved_and_back_after_the_code(
    session, jay, team, decisions, on_tablet
):
    circulate(session, jay.reviews[1], team)
    home, swim, _dentist = decisions
    data = _whole_page(on_tablet, decisions, {swim: {"happened": "no", "words": WORDS}})
    # As child.js does on "Take a break": the lock first, then the page's form to its action.
    _lock(on_tablet)
    sent = on_tablet.client.post(f"{PAGE}/{home.public_id}", data=data)
    assert sent.status_code == 302
    assert sent.headers["Location"] == "/me/unlock?next=/me/you-said-we-did"
    assert _answers(session) == {}  # nothing recorded
    held = _held(session)
    assert [path for path, _answers in held] == [PAGE]  # for the page, not the decision
    assert [f"d-{swim.public_id}-words", WORDS] in held[0][1]
    assert not any(name.endswith("csrf_token") for name, _value in held[0][1])

    back = on_tablet.tap(CODE)
    assert back.headers["Location"] == PAGE
    page = html.unescape(on_tablet.client.get(PAGE).text)
    assert KEPT in page
    assert WORDS in page and _checked(page, f"d-{swim.public_id}-happened", "no")
    assert "data-unsaved" in page  # another break holds them again
    assert _answers(session) == {}  # showing them saves nothing

    # Saved now: recorded, and nothing is held any more.
    saved = on_tablet.client.post(
        f"{PAGE}/{swim.public_id}",
        data=_whole_page(on_tablet, decisions, {swim: {"happened": "no", "words": WORDS}}),
    )
    assert saved.status_code == 302
    assert {k: v[:2] for k, v in _answers(session).items()} == {swim.id: (Happened.NO, WORDS)}
    assert _held(session) == []
    again = html.unescape(on_tablet.client.get(PAGE).text)
    assert KEPT not in again and "data-unsaved" not in again


def test_save_pressed_on_a_page_left_open_comes_back_to_the_page(
    session, jay, team, decisions, on_tablet
):
    """No script: the space locked meanwhile (the idle lock keeps no page to come back to for a
    post). The answer is held, and the code comes back to the page, not to the decision's
    address, which takes posts only."""
    circulate(session, jay.reviews[1], team)
    _home, swim, _dentist = decisions
    data = _whole_page(on_tablet, decisions, {swim: {"happened": "yes"}})
    _lock(on_tablet, resume="")
    sent = on_tablet.client.post(f"{PAGE}/{swim.public_id}", data=data)
    assert sent.headers["Location"] == "/me/unlock?next=/me/you-said-we-did"
    assert _answers(session) == {}
    back = None
    for picture in CODE:
        page = on_tablet.client.get("/me/unlock").text
        back = on_tablet.client.post(
            sent.headers["Location"], data={"pick": picture, "csrf_token": csrf_from(page)}
        )
    assert back.headers["Location"] == PAGE
    page = html.unescape(on_tablet.client.get(PAGE).text)
    assert KEPT in page and _checked(page, f"d-{swim.public_id}-happened", "yes")


def test_a_new_sitting_starts_on_the_page_with_what_was_held(
    session, jay, team, decisions, on_tablet
):
    circulate(session, jay.reviews[1], team)
    home, swim, _dentist = decisions
    data = _whole_page(on_tablet, decisions, {swim: {"words": WORDS}})
    _lock(on_tablet)
    on_tablet.client.post(f"{PAGE}/{home.public_id}", data=data)
    back = on_tablet.give_back_and_hand_over_again(child_keyworker(jay), jay)
    assert back.headers["Location"] == PAGE
    assert WORDS in html.unescape(on_tablet.client.get(PAGE).text)


def test_held_answers_that_are_what_is_saved_are_let_go(session, jay, team, decisions, on_tablet):
    """Saved on another tablet since (or never changed): nothing is "kept", nothing is held."""
    circulate(session, jay.reviews[1], team)
    home, swim, _dentist = decisions
    data = _whole_page(on_tablet, decisions, {swim: {"happened": "yes", "words": WORDS}})
    _lock(on_tablet)
    on_tablet.client.post(f"{PAGE}/{home.public_id}", data=data)
    session.add(DecisionFollowUp(decision_id=swim.id, answer=Happened.YES, words=WORDS))
    session.commit()
    on_tablet.tap(CODE)
    page = html.unescape(on_tablet.client.get(PAGE).text)
    assert KEPT not in page and _checked(page, f"d-{swim.public_id}-happened", "yes")
    assert _held(session) == []


def test_a_post_with_a_bad_token_to_a_locked_space_holds_nothing(
    session, jay, team, decisions, on_tablet
):
    circulate(session, jay.reviews[1], team)
    home, swim, _dentist = decisions
    data = _whole_page(on_tablet, decisions, {swim: {"happened": "no"}})
    data = {key: ("x" if key.endswith("csrf_token") else value) for key, value in data.items()}
    _lock(on_tablet)
    on_tablet.client.post(f"{PAGE}/{home.public_id}", data=data)
    assert _held(session) == [] and _answers(session) == {}
