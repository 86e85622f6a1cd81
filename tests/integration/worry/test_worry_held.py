"""Words typed on "I'm worried" and sent as the space locked (child.js sends them after locking,
on "Take a break" or the idle lock; or "Tell them now" pressed on a page left open) are held,
never sent: nobody is told, and the page shows them again after the picture code, saying that
nobody has been told yet. Sending them then tells the adults and lets go of what was held."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from participation.models import AuditEvent, HeldAnswers, Role, WorryAlert
from tests.conftest import csrf_from
from tests.support import factories
from tests.support.child_fixtures import CODE, Tablet

NOTE = "Someone at school keeps taking my things.\nI don't like it."
NOT_TOLD = "Nobody has been told yet"


def _on_tablet(client, auth, child, keyworker) -> Tablet:
    tablet = Tablet(client, auth)
    tablet.hand_over(keyworker, child)
    tablet.tap(CODE)
    return tablet


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def _lock_and_send(client, tablet, note):
    """As child.js does: the lock first (with the page to come back to), then the worry form."""
    page = client.get("/me/worried").text
    token = csrf_from(page)
    locked = client.post("/me/lock", data={"csrf_token": token, "resume": "/me/worried?"})
    assert locked.headers["Location"] == "/me/unlock"
    return client.post("/me/worried", data={"csrf_token": token, "note": note})


def test_words_sent_as_the_space_locked_are_held_and_not_sent(
    client, auth, session, mia_with_code, keyworker
):
    tablet = _on_tablet(client, auth, mia_with_code, keyworker)
    sent = _lock_and_send(client, tablet, NOTE)
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/me/unlock")
    # Held, not sent: no alert, no audit of one, and nothing on the keyworker's pages.
    assert _count(session, WorryAlert) == 0
    raised = select(AuditEvent).where(AuditEvent.action == "worry-raised")
    assert session.scalars(raised).all() == []
    held = session.scalars(select(HeldAnswers)).all()
    assert [(row.child_id, row.path) for row in held] == [(mia_with_code.id, "/me/worried")]
    assert ["note", NOTE] in held[0].answers
    assert not any(name == "csrf_token" for name, _value in held[0].answers)

    # The picture code comes back to the page, with the words and the notice.
    back = tablet.tap(CODE)
    assert back.headers["Location"].startswith("/me/worried")
    page = html.unescape(client.get("/me/worried").text)
    assert f">\n{NOTE}</textarea>" in page
    assert "What you wrote before your break is kept for you." in page
    assert NOT_TOLD in page and "they are told when you press “Tell them now”." in page
    assert _count(session, WorryAlert) == 0  # showing it again sends nothing either

    # Sent now: the adults are told, and nothing is held any more.
    done = tablet.post("/me/worried", note=NOTE)
    assert "Thank you for telling us" in done.text
    assert _count(session, WorryAlert) == 1
    assert session.scalar(select(WorryAlert)).note == NOTE.strip()
    assert _count(session, HeldAnswers) == 0
    again = html.unescape(client.get("/me/worried").text)
    assert NOTE not in again and NOT_TOLD not in again


def test_tell_them_now_pressed_after_the_idle_lock_tells_nobody_and_says_so(
    client, auth, session, mia_with_code, keyworker
):
    """No script (or a page left open): the button pressed with nothing typed, the space locked
    meanwhile. Nobody is told; after the code the child reads that nobody has been told yet."""
    tablet = _on_tablet(client, auth, mia_with_code, keyworker)
    _lock_and_send(client, tablet, "")
    assert _count(session, WorryAlert) == 0
    tablet.tap(CODE)
    page = html.unescape(client.get("/me/worried").text)
    assert NOT_TOLD in page and "What you wrote before your break" not in page


def test_nothing_held_the_page_is_as_it_was(client, auth, session, mia_with_code, keyworker):
    _on_tablet(client, auth, mia_with_code, keyworker)
    page = html.unescape(client.get("/me/worried").text)
    assert '<textarea id="note" name="note" rows="4">\n</textarea>' in page
    assert NOT_TOLD not in page
    assert "data-hold-on-lock" in page


def test_a_post_with_a_bad_token_to_a_locked_space_holds_nothing(
    client, auth, session, mia_with_code, keyworker
):
    tablet = _on_tablet(client, auth, mia_with_code, keyworker)
    tablet.post("/me/lock")
    client.post("/me/worried", data={"csrf_token": "x", "note": "Sent from another site"})
    assert _count(session, HeldAnswers) == 0
    assert _count(session, WorryAlert) == 0


def test_a_new_sitting_never_opens_on_a_held_worry(client, auth, session, mia_with_code, keyworker):
    """The adult who hands the tablet over sees the first page, and a worry not yet sent may be
    about them: a new sitting opens where it would have (the child finds the words on "I'm
    worried", as before)."""
    tablet = _on_tablet(client, auth, mia_with_code, keyworker)
    _lock_and_send(client, tablet, NOTE)
    tablet.tap(CODE)
    tablet.post("/me/give-back")
    tablet.hand_over(keyworker, mia_with_code)
    opened = tablet.tap(CODE)
    assert not opened.headers["Location"].startswith("/me/worried")
    assert NOTE in html.unescape(client.get("/me/worried").text)


def test_who_they_chose_to_talk_to_is_held_with_the_words(
    client, auth, session, mia_with_code, keyworker
):
    social_worker = factories.make_staff(session, Role.SOCIAL_WORKER, name="Grace Okafor")
    factories.assign(session, social_worker, mia_with_code)
    session.commit()
    tablet = _on_tablet(client, auth, mia_with_code, keyworker)
    page = client.get("/me/worried").text
    token = csrf_from(page)
    client.post("/me/lock", data={"csrf_token": token, "resume": "/me/worried?"})
    client.post(
        "/me/worried",
        data={"csrf_token": token, "note": NOTE, "talk_to": social_worker.public_id},
    )
    assert _count(session, WorryAlert) == 0
    tablet.tap(CODE)
    page = client.get("/me/worried").text
    assert _checked(page, social_worker.public_id)  # their choice is kept too


def _checked(page: str, value: str) -> bool:
    return any(
        "checked" in tag and f'value="{value}"' in tag for tag in re.findall(r"<input[^>]*>", page)
    )
