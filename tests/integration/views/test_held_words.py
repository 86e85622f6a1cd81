"""Words too long to save as the child typed are held, so a break, the idle lock or giving the
tablet back before they are made shorter loses nothing (participation/child/held.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from participation.child import held
from participation.models import HeldAnswers, Item, utcnow
from participation.views.service import TEXT_LIMIT
from participation.views.topics import TOPIC_BY_CODE
from tests.conftest import csrf_from
from tests.support import factories

AUTOSAVE = {"X-Autosave": "1"}
LONG = "I want to say this. " * (TEXT_LIMIT // 20 + 5)


def _autosave(client, url, **fields):
    page = client.get(url).text
    return client.post(url, data={"csrf_token": csrf_from(page), **fields}, headers=AUTOSAVE)


def _saved_then_autosaved(views, text):
    """A thing saved as "Short and saved", then words autosaved on its change page."""
    item_id = views.item_id(views.add(text="Short and saved"))
    url = f"/me/views/items/{item_id}/change"
    page = views.client.get(url).text
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    response = views.client.post(
        url,
        data={"csrf_token": csrf_from(page), "text": text, "version": version},
        headers=AUTOSAVE,
    )
    return item_id, url, version, response


def test_words_too_long_to_save_come_back_after_the_tablet_is_given_back(
    views, tablet, keyworker, mia_with_code, session
):
    refused = _autosave(views.client, "/me/views/living-here/add", text=LONG, author="child")
    assert refused.status_code == 422 and refused.json["saved"] is False
    assert session.scalars(select(Item)).all() == []

    back = tablet.give_back_and_hand_over_again(keyworker, mia_with_code)
    # The new sitting starts where the words are waiting.
    assert back.headers["Location"] == "/me/views/living-here/add"
    page = views.client.get("/me/views/living-here/add").text
    assert LONG.strip() in page
    assert "That&#39;s a lot for one" in page or "That's a lot for one" in page
    # How much to cut, not a guess: the limit and how long it is.
    assert f"You can use up to 4,000 letters and spaces. This has {len(LONG.strip()):,}." in page

    # Made shorter and saved: the item is kept, and nothing is held any more.
    response = views.add(text="I want to say this.")
    views.item_id(response)
    assert session.scalars(select(HeldAnswers)).all() == []
    assert LONG.strip() not in views.client.get("/me/views/living-here/add").text


def test_a_change_too_long_to_save_comes_back_instead_of_the_saved_words(views, session):
    item_id, url, _version, refused = _saved_then_autosaved(views, LONG)
    assert refused.status_code == 422
    again = views.client.get(url).text
    assert LONG.strip() in again and "Short and saved" not in again
    assert 'aria-invalid="true"' in again
    # The saved item is as it was until the child saves.
    assert session.scalar(select(Item)).text == "Short and saved"
    saved = views.change(item_id, text="Shorter now")
    assert saved.status_code == 302
    assert session.scalars(select(HeldAnswers)).all() == []


def test_an_autosave_whose_page_timed_out_holds_nothing(views, session):
    response = views.client.post(
        "/me/views/living-here/add",
        data={"csrf_token": "expired-token", "text": LONG},
        headers=AUTOSAVE,
    )
    assert response.status_code in (400, 422)
    assert session.scalars(select(HeldAnswers)).all() == []


def test_held_words_are_the_childs_own_and_are_swept_after_a_week(session, mia):
    other = factories.make_child(session)
    session.commit()
    path = "/me/views/living-here/add"
    assert held.hold(session, child_id=mia.id, path=path, answers=[("text", "mine")])
    assert held.held(session, child_id=other.id, path=path) is None
    assert held.held(session, child_id=mia.id, path=path) == [("text", "mine")]
    # Too much to hold (a book pasted in) is not held; the page still keeps it on screen.
    assert not held.hold(session, child_id=other.id, path=path, answers=[("text", "x" * 200_000)])
    assert held.sweep(session, utcnow()) == 0
    assert held.sweep(session, utcnow() + held.HOLD_FOR + timedelta(minutes=1)) == 1
    assert held.held(session, child_id=mia.id, path=path) is None


def _held_paths(session) -> list[str]:
    session.expire_all()
    return [row.path for row in session.scalars(select(HeldAnswers))]


def test_a_thing_deleted_lets_go_of_its_held_words(
    views, tablet, keyworker, mia_with_code, session
):
    item_id, url, version, _refused = _saved_then_autosaved(views, LONG)
    assert _held_paths(session) == [url]
    delete_page = views.client.get(f"/me/views/items/{item_id}/delete").text
    views.client.post(
        f"/me/views/items/{item_id}/delete",
        data={"csrf_token": csrf_from(delete_page), "version": version},
    )
    assert _held_paths(session) == []
    # The next sitting starts on My page, not on "We can't find that".
    back = tablet.give_back_and_hand_over_again(keyworker, mia_with_code)
    assert back.headers["Location"] == "/me"


def test_a_page_not_there_any_more_lets_go_of_what_was_held_for_it(views, session, mia_with_code):
    gone = "/me/views/items/not-there-any-more/change"
    held.hold(session, child_id=mia_with_code.id, path=gone, answers=[("text", "words")])
    assert views.client.get(gone).status_code == 404
    assert _held_paths(session) == []


def test_words_taken_away_are_not_brought_back(views, session):
    _autosave(views.client, "/me/views/living-here/add", text=LONG)
    assert _held_paths(session) == ["/me/views/living-here/add"]
    emptied = _autosave(views.client, "/me/views/living-here/add", text="")
    assert emptied.json["saved"] is False
    assert _held_paths(session) == []
    assert LONG.strip() not in views.client.get("/me/views/living-here/add").text


def test_a_change_refused_for_being_empty_is_not_held(views, session):
    _item_id, url, _version, refused = _saved_then_autosaved(views, "")
    assert refused.status_code == 422
    assert _held_paths(session) == []
    assert "Short and saved" in views.client.get(url).text


def test_who_wrote_it_down_is_never_held(session, mia):
    path = "/me/views/living-here/add"
    held.hold(
        session,
        child_id=mia.id,
        path=path,
        answers=[("text", "words"), ("author", "keyworker-with-child")],
    )
    assert held.held(session, child_id=mia.id, path=path) == [("text", "words")]


def test_too_much_to_hold_lets_go_of_an_older_hold(session, mia):
    path = "/me/views/living-here/add"
    held.hold(session, child_id=mia.id, path=path, answers=[("text", "older words")])
    assert not held.hold(session, child_id=mia.id, path=path, answers=[("text", "x" * 200_000)])
    assert held.held(session, child_id=mia.id, path=path) is None


def test_a_hold_older_than_a_week_is_not_shown_even_before_the_sweep(session, mia):
    path = "/me/views/living-here/add"
    held.hold(session, child_id=mia.id, path=path, answers=[("text", "words")])
    row = session.scalar(select(HeldAnswers))
    row.created_at = utcnow() - held.HOLD_FOR - timedelta(minutes=1)
    session.commit()
    assert held.held(session, child_id=mia.id, path=path) is None
    assert held.newest_path(session, child_id=mia.id) is None


def test_two_tablets_holding_the_same_page_at_once_make_one_row(session, mia, monkeypatch):
    """The second finds no row, then meets the first's on commit: it updates that one."""
    path = "/me/views/living-here/add"
    held.hold(session, child_id=mia.id, path=path, answers=[("text", "first tablet")])
    real_find = held._find
    calls = []

    def find_too_early(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_find(*args)

    monkeypatch.setattr(held, "_find", find_too_early)
    assert held.hold(session, child_id=mia.id, path=path, answers=[("text", "second tablet")])
    monkeypatch.undo()
    assert held.held(session, child_id=mia.id, path=path) == [("text", "second tablet")]
    assert len(_held_paths(session)) == 1


def test_words_held_for_a_topic_taken_away_since_can_still_be_saved(views, session, mia_with_code):
    """The keyworker changed Mia's topics (or her wording band) after her words were held: the
    page still opens for them, so they are not lost, and can be saved."""
    hidden = next(
        code
        for code in TOPIC_BY_CODE
        if views.client.get(f"/me/views/{code}/add").status_code == 404
    )
    path = f"/me/views/{hidden}/add"
    held.hold(session, child_id=mia_with_code.id, path=path, answers=[("text", LONG)])
    page = views.client.get(path)
    assert page.status_code == 200 and LONG.strip() in page.text
    saved = views.add(hidden, text="This is what I think")
    assert views.item_id(saved)
    assert _held_paths(session) == []
