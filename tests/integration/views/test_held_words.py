"""Words too long to save as the child typed are held, so a break, the idle lock or giving the
tablet back before they are made shorter loses nothing (participation/child/held.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from participation.child import held
from participation.models import HeldAnswers, Item, utcnow
from participation.views.service import TEXT_LIMIT
from tests.conftest import csrf_from
from tests.support import factories

AUTOSAVE = {"X-Autosave": "1"}
LONG = "I want to say this. " * (TEXT_LIMIT // 20 + 5)


def _autosave(client, url, **fields):
    page = client.get(url).text
    return client.post(url, data={"csrf_token": csrf_from(page), **fields}, headers=AUTOSAVE)


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

    # Made shorter and saved: the item is kept, and nothing is held any more.
    response = views.add(text="I want to say this.")
    views.item_id(response)
    assert session.scalars(select(HeldAnswers)).all() == []
    assert LONG.strip() not in views.client.get("/me/views/living-here/add").text


def test_a_change_too_long_to_save_comes_back_instead_of_the_saved_words(views, session):
    item_id = views.item_id(views.add(text="Short and saved"))
    url = f"/me/views/items/{item_id}/change"
    page = views.client.get(url).text
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    refused = views.client.post(
        url,
        data={"csrf_token": csrf_from(page), "text": LONG, "version": version, "author": "child"},
        headers=AUTOSAVE,
    )
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
