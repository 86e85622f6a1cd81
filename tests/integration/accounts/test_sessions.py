"""Sessions live on the server: time-outs (with a frozen clock), renewal, revocation, cookies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.accounts import service
from participation.models import AuditEvent, AuthSession, SessionKind, StaffMember, utcnow
from participation.security.principal import TOUCH_EVERY, live_session
from tests.integration.accounts.conftest import current_session
from tests.support import factories

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=10)


@pytest.fixture
def opened(session, keyworker):
    start = utcnow()
    signed = service.sign_in(session, keyworker.email, factories.PASSWORD, now=start)
    return signed, start


def _live(session, token, now):
    return live_session(session, token, SessionKind.STAFF, now, IDLE, ABSOLUTE)


def test_a_session_ends_after_the_idle_time(session, opened):
    signed, start = opened
    assert _live(session, signed.token, start + IDLE - timedelta(seconds=1)) is not None
    # Used just now, so idle time counts from here.
    later = start + IDLE - timedelta(seconds=1) + IDLE + timedelta(seconds=1)
    assert _live(session, signed.token, later) is None
    row = session.get(AuthSession, signed.auth_session.id)
    assert row.end_reason == "idle" and row.ended_at == later
    # Nobody pressed anything, so the audit says why the session ended, and whose it was.
    [ended] = session.scalars(select(AuditEvent).where(AuditEvent.action == "session-ended"))
    assert (ended.actor_id, ended.actor_role, ended.detail) == (
        row.staff.public_id,
        "keyworker",
        "idle",
    )
    # Once ended it stays ended, whatever the clock says.
    assert _live(session, signed.token, start) is None


def test_a_session_ends_after_the_absolute_time_however_busy(session, opened):
    signed, start = opened
    now = start
    while now < start + ABSOLUTE - timedelta(minutes=10):
        now += timedelta(minutes=10)
        assert _live(session, signed.token, now) is not None
    assert _live(session, signed.token, start + ABSOLUTE + timedelta(seconds=1)) is None
    assert session.get(AuthSession, signed.auth_session.id).end_reason == "expired"
    details = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "session-ended")
    ).all()
    assert details == ["expired"]


def test_last_seen_is_written_at_most_once_a_minute(session, opened):
    signed, start = opened
    _live(session, signed.token, start + TOUCH_EVERY - timedelta(seconds=1))
    assert session.get(AuthSession, signed.auth_session.id).last_seen_at == start
    _live(session, signed.token, start + TOUCH_EVERY + timedelta(seconds=1))
    assert session.get(AuthSession, signed.auth_session.id).last_seen_at == (
        start + TOUCH_EVERY + timedelta(seconds=1)
    )


def test_a_disabled_account_ends_its_sessions(session, opened, keyworker):
    signed, start = opened
    service.set_active(session, keyworker, False)
    row = session.get(AuthSession, signed.auth_session.id)
    assert row.end_reason == "account-disabled"
    assert _live(session, signed.token, start) is None
    with pytest.raises(service.SignInFailed) as refused:
        service.sign_in(session, keyworker.email, factories.PASSWORD)
    assert refused.value.reason == "disabled"


def test_a_wrong_token_or_a_child_token_is_no_staff_session(session, opened):
    signed, start = opened
    assert _live(session, signed.token + "x", start) is None
    assert live_session(session, signed.token, SessionKind.CHILD, start, IDLE, ABSOLUTE) is None


def test_every_sign_in_gets_a_new_token_and_the_old_cookie_stops_working(
    app, client, auth, session, keyworker
):
    # Whatever the browser brought with it (a planted cookie) is not carried into the session.
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "planted-by-someone-else"
        cookie["anything"] = "left over"
    auth.sign_in(keyworker)
    with client.session_transaction() as cookie:
        first = dict(cookie)
    assert first["_user_id"] != "planted-by-someone-else" and "anything" not in first
    auth.sign_out()
    auth.sign_in(keyworker)
    with client.session_transaction() as cookie:
        second = dict(cookie)
    assert second["_user_id"] != first["_user_id"]
    replay = app.test_client()
    with replay.session_transaction() as cookie:
        cookie.update(first)
    assert replay.get("/my-children").status_code == 302
    tokens = session.scalars(select(AuthSession.token_hash)).all()
    assert len(set(tokens)) == 2
    # The server keeps only a hash of the token.
    assert first["_user_id"] not in tokens and second["_user_id"] not in tokens


def test_renewing_keeps_the_start_time_so_the_absolute_limit_holds(session, opened):
    signed, start = opened
    renewed = service.renew_session(session, signed.auth_session, now=start + timedelta(hours=9))
    assert renewed.auth_session.created_at == start
    assert renewed.token != signed.token
    assert session.get(AuthSession, signed.auth_session.id).end_reason == "renewed"
    assert _live(session, renewed.token, start + ABSOLUTE + timedelta(seconds=1)) is None


def test_cookies_are_secure_httponly_and_samesite_when_served_over_https(
    app, client, session, keyworker, monkeypatch
):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    from tests.integration.accounts.conftest import sign_in_with_password

    response = sign_in_with_password(client, keyworker)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_ended_session_is_listed_nowhere(session, keyworker):
    now = utcnow()
    first = service.sign_in(session, keyworker.email, factories.PASSWORD, now=now)
    second = service.sign_in(session, keyworker.email, factories.PASSWORD, now=now)
    service.sign_out(session, first.auth_session)
    live = service.live_sessions(session, keyworker, now, IDLE, ABSOLUTE)
    assert [row.id for row in live] == [second.auth_session.id]
    assert (
        service.live_sessions(session, keyworker, now + IDLE + timedelta(seconds=1), IDLE, ABSOLUTE)
        == []
    )
    staff = session.get(StaffMember, keyworker.id)
    assert current_session(session, staff).id == second.auth_session.id
