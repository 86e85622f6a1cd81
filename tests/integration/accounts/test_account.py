"""The account page: password, second factor, sessions, language."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from participation.accounts import service
from participation.accounts.passwords import verify_password
from participation.models import AuditEvent, AuthSession, StaffMember, utcnow
from participation.security.principal import seconds_left
from tests.conftest import csrf_from
from tests.integration.accounts.conftest import current_session, labelled, post_form
from tests.support import factories

NEW_PASSWORD = "a whole new passphrase"


def _live(session, staff) -> list[AuthSession]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuthSession).where(
                AuthSession.staff_id == staff.id, AuthSession.ended_at.is_(None)
            )
        )
    )


def test_the_account_page_is_linked_from_every_staff_page(client, auth, keyworker):
    auth.sign_in(keyworker)
    assert 'href="/account"' in client.get("/my-children").text
    page = client.get("/account").text
    assert "Your account" in page and "Change your password" in page
    assert labelled(page, "language", "Language for these pages")


def test_changing_the_password_ends_every_other_session_and_renews_this_one(
    app, client, auth, session, keyworker
):
    elsewhere = app.test_client()
    from tests.conftest import Auth

    Auth(elsewhere).sign_in(keyworker)
    auth.sign_in(keyworker)
    before = current_session(session, keyworker).token_hash
    with client.session_transaction() as cookie:
        old_cookie = dict(cookie)
    page = client.get("/account/password").text
    assert labelled(page, "current_password", "Current password")
    assert labelled(page, "new_password", "New password")
    assert 'autocomplete="new-password"' in page
    response = post_form(
        client,
        "/account/password",
        {"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.headers["Location"] == "/account"
    assert "Your password is changed" in client.get("/account").text
    live = _live(session, keyworker)
    assert len(live) == 1 and live[0].token_hash != before
    assert elsewhere.get("/my-children").status_code == 302
    # The cookie this browser had before the change no longer works anywhere.
    stale = app.test_client()
    with stale.session_transaction() as cookie:
        cookie.update(old_cookie)
    assert stale.get("/my-children").status_code == 302
    assert verify_password(session.get(StaffMember, keyworker.id).password_hash, NEW_PASSWORD)
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.action == "password-change", AuditEvent.outcome == "ok")
    )


def test_a_wrong_current_password_is_refused_and_counted(client, auth, session, keyworker):
    auth.sign_in(keyworker)
    response = post_form(
        client,
        "/account/password",
        {"current_password": "not my password", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your current password is not right" in response.text
    assert "<title>Error: Change your password" in response.text
    session.expire_all()
    assert session.get(StaffMember, keyworker.id).failed_sign_ins == 1


def test_guessing_the_current_password_locks_and_ends_the_session(client, auth, session, keyworker):
    auth.sign_in(keyworker)
    for _ in range(service.MAX_FAILURES):
        response = post_form(
            client,
            "/account/password",
            {"current_password": "a wrong guess!", "new_password": NEW_PASSWORD},
        )
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/my-children").status_code == 302
    session.expire_all()
    assert session.get(StaffMember, keyworker.id).locked_until is not None
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.action == "lock-out", AuditEvent.detail == "password")
    )


def test_a_short_new_password_is_refused(client, auth, keyworker):
    auth.sign_in(keyworker)
    response = post_form(
        client,
        "/account/password",
        {"current_password": factories.PASSWORD, "new_password": "short"},
    )
    assert "at least 12 characters" in response.text
    assert 'href="#new_password"' in response.text


def test_ending_one_of_ones_own_sessions(app, client, auth, session, keyworker):
    from tests.conftest import Auth

    elsewhere = app.test_client()
    Auth(elsewhere).sign_in(keyworker)
    auth.sign_in(keyworker)
    page = client.get("/account").text
    assert "This session" in page and page.count('name="handle"') == 2  # one other, and "all"
    other = next(
        row
        for row in _live(session, keyworker)
        if row.token_hash != current_session(session, keyworker).token_hash
    )
    response = post_form(
        client, "/account/sessions/end", {"handle": service.session_handle(other)}, "/account"
    )
    assert response.headers["Location"] == "/account"
    assert elsewhere.get("/my-children").status_code == 302
    assert client.get("/my-children").status_code == 200


def test_ending_every_other_session(app, client, auth, session, keyworker):
    from tests.conftest import Auth

    others = [app.test_client() for _ in range(2)]
    for other in others:
        Auth(other).sign_in(keyworker)
    auth.sign_in(keyworker)
    post_form(client, "/account/sessions/end", {"handle": "others"}, "/account")
    assert [o.get("/my-children").status_code for o in others] == [302, 302]
    assert len(_live(session, keyworker)) == 1


def test_someone_elses_session_cannot_be_ended(app, client, auth, session, keyworker):
    from tests.conftest import Auth

    colleague = factories.make_staff(session)
    session.commit()
    theirs = app.test_client()
    Auth(theirs).sign_in(colleague)
    handle = service.session_handle(current_session(session, colleague))
    auth.sign_in(keyworker)
    response = post_form(client, "/account/sessions/end", {"handle": handle}, "/account")
    assert response.status_code == 404
    assert theirs.get("/my-children").status_code == 200


def test_choosing_ones_own_language(app, monkeypatch, client, auth, session, keyworker):
    # Languages are offered once their catalog is compiled; pretend Welsh's is.
    monkeypatch.setitem(app.config["LANGUAGES"], "cy", ("Cymraeg", "ltr"))
    auth.sign_in(keyworker)
    response = post_form(client, "/account/language", {"language": "cy"}, "/account")
    assert response.headers["Location"] == "/account"
    assert 'lang="cy"' in client.get("/account").text
    assert session.get(StaffMember, keyworker.id).language == "cy"
    post_form(client, "/account/language", {"language": ""}, "/account")
    session.expire_all()
    assert session.get(StaffMember, keyworker.id).language is None


def test_an_unknown_language_is_refused(client, auth, session, keyworker):
    auth.sign_in(keyworker)
    response = post_form(client, "/account/language", {"language": "xx"}, "/account")
    assert response.status_code == 200
    assert "<title>Error: Your account" in response.text
    session.expire_all()
    assert session.get(StaffMember, keyworker.id).language is None


def test_saying_what_children_call_you(client, auth, session, keyworker):
    auth.sign_in(keyworker)
    page = client.get("/account").text
    assert labelled(page, "known_as", "What children call you")
    assert "Leave it empty to show your full name, Kim Keyworker." in page
    response = post_form(client, "/account/known-as", {"known_as": "  Miss   Kim "}, "/account")
    assert response.headers["Location"] == "/account#known-as"
    page = client.get("/account").text
    assert 'value="Miss Kim"' in page and "Children see the name you gave." in page
    assert session.get(StaffMember, keyworker.id).name_for_children == "Miss Kim"
    # Empty: the full name again.
    post_form(client, "/account/known-as", {"known_as": ""}, "/account")
    assert "Children see your full name." in client.get("/account").text
    session.expire_all()
    staff = session.get(StaffMember, keyworker.id)
    assert staff.known_as is None and staff.name_for_children == "Kim Keyworker"


def test_a_name_too_long_for_children_keeps_what_was_typed(client, auth, session, keyworker):
    auth.sign_in(keyworker)
    typed = "K" * 61
    response = post_form(client, "/account/known-as", {"known_as": typed}, "/account")
    assert response.status_code == 200
    assert "What children call you must be 60 characters or fewer" in response.text
    assert f'value="{typed}"' in response.text and 'href="#known_as"' in response.text
    session.expire_all()
    assert session.get(StaffMember, keyworker.id).known_as is None


def test_still_here_while_typing_marks_the_session_in_use(client, auth, session, keyworker):
    auth.sign_in(keyworker)
    token = csrf_from(client.get("/account").text)
    row = current_session(session, keyworker)
    row.last_seen_at = utcnow() - timedelta(minutes=20)
    session.commit()
    answered = client.post("/account/still-here", headers={"X-CSRFToken": token})
    assert answered.status_code == 204
    assert utcnow() - current_session(session, keyworker).last_seen_at < timedelta(minutes=1)
    # Without the page's token it is refused, as any other post.
    assert client.post("/account/still-here").status_code == 400


def test_stay_signed_in_restarts_the_idle_clock_at_once(client, auth, session, keyworker):
    """The session's clock is written at most once a minute on ordinary requests; "Stay signed in"
    restarts it now, so the time the page shows afterwards is the server's."""
    auth.sign_in(keyworker)
    token = csrf_from(client.get("/account").text)
    row = current_session(session, keyworker)
    row.last_seen_at = utcnow() - timedelta(seconds=30)  # inside the once-a-minute touch
    session.commit()
    assert client.post("/account/still-here", headers={"X-CSRFToken": token}).status_code == 204
    assert utcnow() - current_session(session, keyworker).last_seen_at < timedelta(seconds=5)


def test_a_staff_page_says_how_long_its_session_has_left(client, app, auth, session, keyworker):
    auth.sign_in(keyworker)
    client.get("/account")
    row = current_session(session, keyworker)
    row.last_seen_at = utcnow() - timedelta(seconds=50)  # not touched again by the next page
    row.created_at = utcnow() - app.config["STAFF_ABSOLUTE_TIMEOUT"] + timedelta(hours=1)
    session.commit()
    page = client.get("/account").text
    idle = int(re.search(r'data-idle-left="(\d+)"', page)[1])
    absolute = int(re.search(r'data-absolute-left="(\d+)"', page)[1])
    full = app.config["STAFF_IDLE_TIMEOUT"].total_seconds()
    assert full - 60 <= idle <= full - 50  # counted from the server's clock, not the page's
    assert 3590 <= absolute <= 3600
    # The warning's words are on the page for the script to show.
    assert "You will be signed out soon" in page and "Stay signed in" in page


def test_seconds_left_is_the_sooner_of_the_two_limits() -> None:
    now = utcnow()
    row = AuthSession(last_seen_at=now, created_at=now - timedelta(hours=9, minutes=50))
    idle, absolute = seconds_left(row, now, timedelta(minutes=30), timedelta(hours=10))
    assert (idle, absolute) == (600, 600)
    idle, absolute = seconds_left(
        row, now + timedelta(hours=1), timedelta(minutes=30), timedelta(hours=10)
    )
    assert (idle, absolute) == (0, 0)


def test_a_form_sent_after_the_session_ended_says_how_to_get_the_words_back(
    client, app, auth, session, keyworker
):
    auth.sign_in(keyworker)
    token = csrf_from(client.get("/account").text)
    row = current_session(session, keyworker)
    row.last_seen_at = utcnow() - app.config["STAFF_IDLE_TIMEOUT"] - timedelta(minutes=1)
    session.commit()
    answered = client.post("/account/known-as", data={"csrf_token": token, "known_as": "Kim"})
    assert answered.status_code == 401
    assert "it has not been saved" in answered.text
    assert "Go back a page: what you typed is usually still there" in answered.text


def test_words_sent_after_the_session_ended_are_shown_to_copy(client, auth, session, keyworker):
    """Signed out elsewhere while typing, a keyworker pressed Save: "go back a page" reloaded the
    form empty, since they were signed out, and the note was lost (QA). The page shows it."""
    from participation.security.principal import end_sessions

    auth.sign_in(keyworker)
    token = csrf_from(client.get("/account").text)
    end_sessions(session, staff_id=keyworker.id, reason="signed-out-elsewhere")
    session.commit()
    note = "Jay was quiet after school.\nHe asked about Dad's visit <b>twice</b>."
    response = client.post(
        "/account/language",
        data={
            "csrf_token": token,
            "note": note,
            "version": "3",
            "language": "cy",
            "new_password": "correct horse battery staple",
        },
    )
    assert response.status_code == 401
    assert "copy it before you leave this page" in response.text
    assert "He asked about Dad&#39;s visit &lt;b&gt;twice&lt;/b&gt;." in response.text
    assert response.text.count("<textarea") == 1 and "readonly" in response.text
    assert "horse battery" not in response.text  # a passphrase is never shown back
