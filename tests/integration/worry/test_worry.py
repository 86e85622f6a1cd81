from __future__ import annotations

import html

from sqlalchemy import select

from participation.models import AuditEvent, Role, WorryAlert
from participation.worry import service
from tests.conftest import csrf_from
from tests.support import factories
from tests.support.child_fixtures import CODE, Tablet


def _child_signed_in(client, auth, child, keyworker):
    tablet = Tablet(client, auth)
    tablet.hand_over(keyworker, child)
    tablet.tap(CODE)
    return tablet


def test_every_child_page_offers_im_worried(client, auth, mia_with_code, keyworker):
    _child_signed_in(client, auth, mia_with_code, keyworker)
    assert 'href="/me/worried"' in client.get("/me").text


def test_the_phone_numbers_read_left_to_right_in_every_language(
    app, monkeypatch, client, auth, mia_with_code, keyworker
):
    """QA: in an Arabic sentence Childline's "0800 1111" showed as "1111 0800"."""
    monkeypatch.setitem(app.config["LANGUAGES"], "ar", ("العربية", "rtl"))
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    tablet.post("/language", language="ar", next="/me/worried")
    page = client.get("/me/worried").text
    assert 'dir="rtl"' in page
    assert '<bdi dir="ltr" data-say="0 8 0 0, 1 1 1 1">0800 1111</bdi>' in page
    assert '<bdi dir="ltr" data-say="9, 9, 9">999</bdi>' in page


def test_child_sees_who_will_know_then_raises_a_worry(
    client, auth, session, mia_with_code, keyworker
):
    # The child knows the social worker as Grace: that is the name they see.
    social_worker = factories.make_staff(
        session, Role.SOCIAL_WORKER, name="Grace Okafor", known_as="Grace"
    )
    factories.assign(session, social_worker, mia_with_code)
    session.commit()
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    page = client.get("/me/worried").text
    assert "Kim Keyworker" in page and "Grace (" in page and "Okafor" not in page
    done = tablet.post("/me/worried", note="")
    assert "Thank you for telling us" in done.text and "Grace (" in done.text
    alert = session.scalar(select(WorryAlert))
    assert alert.child_id == mia_with_code.id and alert.acknowledged_at is None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "worry-raised"))
    assert event.actor_kind == "child"


def test_a_long_note_still_raises_the_alert_and_the_child_is_told_the_end_did_not_fit(
    client, auth, session, mia_with_code, keyworker
):
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    # Past the limit (some 3,500 words): cut, never refused.
    words = "I am worried because " * 1000 + "and that is the end of what I wanted to say."
    response = tablet.post("/me/worried", note=words)
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "Thank you for telling us" in page
    # At the top, before the list of who was told: the adults know, and the end did not fit.
    told = page.index("Your adults have been told.")
    assert told < page.index("You did the right thing.")
    assert "the end of your words did not fit" in page
    assert "that is the end of what I wanted to say." in page  # shown back: the part left out

    alert = session.scalar(select(WorryAlert))
    assert alert is not None and alert.child_id == mia_with_code.id
    assert len(alert.note) == service.NOTE_LIMIT
    assert alert.note.endswith("…")
    assert alert.note[:-1] == words[: service.NOTE_LIMIT - 1]
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "worry-raised"))


def test_staff_see_that_a_childs_note_was_cut(client, auth, session, mia_with_code, keyworker):
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    tablet.post("/me/worried", note="x" * (service.NOTE_LIMIT + 50))
    tablet.post("/me/give-back")
    auth.sign_in(keyworker)
    page = html.unescape(client.get("/my-children").text)
    assert "A child needs you now" in page
    assert "Their note was too long to keep in full" in page


def test_a_note_that_fits_is_kept_whole_and_not_marked_as_cut(
    client, auth, session, mia_with_code, keyworker
):
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    words = "y" * service.NOTE_LIMIT
    response = tablet.post("/me/worried", note=words)
    assert "Your adults have been told." not in html.unescape(response.text)
    alert = session.scalar(select(WorryAlert))
    assert alert.note == words and not service.note_was_cut(alert)


def test_the_alert_shows_on_every_staff_page_until_acknowledged(
    app, client, auth, session, mia_with_code, keyworker
):
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    tablet.post("/me/worried", note="scared")
    tablet.post("/me/give-back")
    other_keyworker = factories.make_staff(session, Role.KEYWORKER)
    session.commit()

    auth.sign_in(keyworker)
    page = client.get("/my-children").text
    assert "A child needs you now" in page and "scared" in page
    assert "A child needs you now" in client.get("/accessibility").text
    # Who and what they wrote open on request: the page may be open with another child beside.
    closed = page.split('<details class="worry-alert">')[1]
    summary = closed.split("</summary>")[0]
    assert "pressed “I'm worried”" in summary
    assert "Mia" not in summary and "scared" not in summary
    assert "scared" in closed
    alert = session.scalar(select(WorryAlert))
    # Its own page is a press away, without opening the details first (it names nobody).
    after = closed.split("</details>", 1)[1].split("</li>")[0]
    assert f'href="/worries/{alert.public_id}"' in after
    client.post(
        f"/worries/{alert.public_id}",
        data={"csrf_token": csrf_from(page), "action_taken": "Talked with Mia after tea."},
    )
    assert "A child needs you now" not in client.get("/my-children").text

    # Staff who do not work with the child never see it, and cannot acknowledge it.
    other = app.test_client()
    from tests.conftest import Auth

    Auth(other).sign_in(other_keyworker)
    page = other.get("/my-children").text
    assert "needs you now" not in page
    response = other.post(
        f"/worries/{alert.public_id}",
        data={"csrf_token": csrf_from(page), "action_taken": "Not mine to say."},
    )
    assert response.status_code == 404
    assert other.get(f"/worries/{alert.public_id}").status_code == 404


def test_a_long_worry_reaches_the_adults_whole(client, auth, session, mia_with_code, keyworker):
    """6,000 characters (a 15-year-old's long note) were cut at 1,000; they are kept whole, and
    staff open all of it from the alert on any page."""
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    words = " ".join(f"word{i}" for i in range(1000))  # 6,889 characters
    response = html.unescape(tablet.post("/me/worried", note=words).text)
    assert "did not fit" not in response
    assert session.scalar(select(WorryAlert)).note == words
    tablet.post("/me/give-back")
    auth.sign_in(keyworker)
    page = html.unescape(client.get("/my-children").text)
    assert f"They wrote a long note ({len(words)} characters): read all of it" in page
    assert words in page and "Their note was too long" not in page


def test_a_nul_pasted_into_a_worry_is_taken_out_and_the_worry_sent(
    client, auth, session, mia_with_code, keyworker
):
    """Chromium sends a NUL pasted into a box: the request was refused with a 400 page and the
    worry never sent (QA). The NUL goes (PostgreSQL cannot hold one); the words are sent."""
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    done = tablet.post("/me/worried", note="Someone at school hurts me\x00 please help")
    assert done.status_code == 200 and "Thank you for telling us" in done.text
    alert = session.scalar(select(WorryAlert))
    assert alert is not None and alert.note == "Someone at school hurts me please help"


def test_a_worry_sent_from_a_timed_out_page_keeps_its_words_and_asks_again(
    client, auth, session, mia_with_code, keyworker
):
    """Sent with a page's old token, the worry met an adult's "timed out" page and the words were
    gone (QA). Nobody is told on an old token; the page comes back with the words."""
    _child_signed_in(client, auth, mia_with_code, keyworker)
    response = client.post("/me/worried", data={"csrf_token": "old", "note": "Dad shouted."})
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "nobody has been told yet" in page and "Dad shouted." in page
    assert 'class="child' in page  # the child's own page, with their buttons
    assert session.scalar(select(WorryAlert)) is None


def test_a_worry_pressed_twice_or_reloaded_tells_the_adults_once(
    client, auth, session, mia_with_code, keyworker
):
    """Two presses on slow wifi made two alerts, and reloading the thank-you page (which the
    browser sends again) a third: each needed its own "I have spoken with Mia" (QA)."""
    import re

    _child_signed_in(client, auth, mia_with_code, keyworker)
    page = client.get("/me/worried").text
    key = re.search(r'name="form_key" value="([A-Za-z0-9_-]+)"', page).group(1)
    sent = {"csrf_token": csrf_from(page), "form_key": key, "note": "Someone at school"}
    for _ in range(3):
        done = client.post("/me/worried", data=sent)
        assert "Thank you for telling us" in done.text
    alerts = session.scalars(select(WorryAlert)).all()
    assert [alert.note for alert in alerts] == ["Someone at school"]
    # A new press of the button (a new page) is a new worry.
    again = client.get("/me/worried").text
    fresh = re.search(r'name="form_key" value="([A-Za-z0-9_-]+)"', again).group(1)
    assert fresh != key
    client.post("/me/worried", data={**sent, "csrf_token": csrf_from(again), "form_key": fresh})
    assert len(session.scalars(select(WorryAlert)).all()) == 2


def test_the_child_may_say_who_they_would_like_to_talk_to_and_nothing_is_chosen_for_them(
    app, client, auth, session, mia_with_code, keyworker
):
    social_worker = factories.make_staff(
        session, Role.SOCIAL_WORKER, name="Grace Okafor", known_as="Grace"
    )
    factories.assign(session, social_worker, mia_with_code)
    session.commit()
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    page = html.unescape(client.get("/me/worried").text)
    assert "Who would you like to come and talk with you? You don't have to choose." in page
    assert 'name="talk_to"' in page and "checked" not in page  # nothing chosen for them
    assert f'value="{social_worker.public_id}"' in page and "Any of them" in page

    done = tablet.post("/me/worried", note="", talk_to=social_worker.public_id)
    # The name in its own direction, whatever the sentence's (a child reading Arabic).
    assert "We told them you would like <bdi>Grace</bdi> to come and talk with you." in (
        html.unescape(done.text)
    )
    assert session.scalar(select(WorryAlert)).talk_to_id == social_worker.id
    tablet.post("/me/give-back")
    auth.sign_in(keyworker)
    staff_page = client.get("/my-children").text
    assert "They would like Grace Okafor to come and talk with them." in staff_page


def test_a_choice_of_someone_not_on_the_list_still_raises_the_alert(
    client, auth, session, mia_with_code, keyworker
):
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    done = tablet.post("/me/worried", note="help", talk_to="someone-who-left")
    assert "Thank you for telling us" in done.text
    alert = session.scalar(select(WorryAlert))
    assert alert.note == "help" and alert.talk_to_id is None


def test_back_on_the_page_after_pressing_the_child_is_told_they_told_them(
    client, auth, session, mia_with_code, keyworker
):
    """QA: the thank-you page, reloaded in another language, showed the empty form again, and
    a second press raised the same worry twice."""
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    assert "You told them on" not in client.get("/me/worried").text
    tablet.post("/me/worried", note="scared")
    again = html.unescape(client.get("/me/worried").text)
    assert "You told them on" in again and "They know." in again
