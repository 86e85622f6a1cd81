"""Throttling per address (Flask-Limiter) beside the per-account locks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.accounts import second_factor
from participation.extensions import limiter
from participation.models import AuditEvent, Role
from participation.security.throttle import DEFAULT_LIMITS, limit_for
from tests.conftest import csrf_from
from tests.integration.accounts.conftest import post_form, sign_in_with_password, wrong_code
from tests.support import factories

ELSEWHERE = {"REMOTE_ADDR": "192.0.2.44"}


@pytest.fixture
def low_limits(app, monkeypatch):
    # On, whatever an app made by another test (make_app) may have switched off.
    monkeypatch.setattr(limiter, "enabled", True)
    limiter.reset()
    monkeypatch.setitem(app.config, "SIGN_IN_ATTEMPTS", "3 per hour")
    monkeypatch.setitem(app.config, "SECOND_FACTOR_ATTEMPTS", "3 per hour")
    yield
    limiter.reset()


def _wrong_sign_in(client, staff, **kwargs):
    page = client.get("/sign-in", **kwargs)
    return client.post(
        "/sign-in",
        data={"email": staff.email, "password": "wrong!", "csrf_token": csrf_from(page.text)},
        **kwargs,
    )


def test_too_many_sign_in_tries_from_one_address_get_the_styled_429(
    app, client, session, keyworker, low_limits, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGN_IN_ADDRESS_ATTEMPTS", "3 per hour")
    others = [factories.make_staff(session) for _ in range(4)]
    session.commit()
    # Different accounts each time: the per-account lock never comes into it.
    statuses = [_wrong_sign_in(client, staff).status_code for staff in others]
    assert statuses == [200, 200, 200, 429]
    refused = _wrong_sign_in(client, keyworker)
    assert refused.status_code == 429
    assert "Too many tries" in refused.text and "Traceback" not in refused.text
    # Looking at the page is not a try, and another address is counted on its own.
    assert client.get("/sign-in").status_code == 200
    assert _wrong_sign_in(client, keyworker, environ_base=ELSEWHERE).status_code == 200
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.action == "throttled", AuditEvent.outcome == "429")
    )


def test_only_failed_sign_ins_count_so_a_shift_change_is_not_refused(app, session, low_limits):
    """One address for a whole children's home: colleagues who sign in are not counted."""
    team = [factories.make_staff(session) for _ in range(5)]
    session.commit()
    for member in team:
        client = app.test_client()
        page = client.get("/sign-in")
        signed_in = client.post(
            "/sign-in",
            data={
                "email": member.email,
                "password": factories.PASSWORD,
                "csrf_token": csrf_from(page.text),
            },
        )
        assert signed_in.status_code == 302, member.email
    client = app.test_client()
    statuses = [_wrong_sign_in(client, team[0]).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_colleagues_typos_do_not_refuse_a_right_password_from_the_same_address(
    app, session, low_limits
):
    """Ten wrong passwords from one address refused every right one there for a quarter of an
    hour (QA): a children's home is one address. Tries count per address and account typed;
    the address as a whole has a much higher limit."""
    team = [factories.make_staff(session) for _ in range(6)]
    session.commit()
    client = app.test_client()
    assert [_wrong_sign_in(client, member).status_code for member in team[:5]] == [200] * 5
    page = client.get("/sign-in")
    signed_in = client.post(
        "/sign-in",
        data={
            "email": team[5].email,
            "password": factories.PASSWORD,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert signed_in.status_code == 302
    # One account guessed at from one address is still refused after its few tries (the
    # email as typed: case and spaces do not make it another account).
    guesser = app.test_client()
    email = team[5].email  # whose right password, above, was not counted
    tries = [email, f" {email.upper()} ", email, email]
    page = guesser.get("/sign-in")
    statuses = [
        guesser.post(
            "/sign-in",
            data={"email": typed, "password": "wrong!", "csrf_token": csrf_from(page.text)},
        ).status_code
        for typed in tries
    ]
    assert statuses == [200, 200, 200, 429]


def test_second_factor_tries_are_limited_too(app, session, low_limits):
    iro = factories.make_staff(session, Role.IRO)
    second_factor.enrol_with_secret(session, iro, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    session.commit()
    client = app.test_client()
    sign_in_with_password(client, iro)
    codes = [wrong_code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")] * 4
    statuses = [post_form(client, "/second-factor", {"code": c}).status_code for c in codes]
    assert statuses == [200, 200, 200, 429]
    recovery = post_form(client, "/second-factor/recovery-code", {"code": "abcd-efgh-jkmn"})
    assert recovery.status_code == 200  # its own count


def test_limits_come_from_the_settings_or_the_defaults(app, monkeypatch):
    with app.test_request_context():
        monkeypatch.delitem(app.config, "PICTURE_CODE_ATTEMPTS", raising=False)
        assert limit_for("PICTURE_CODE_ATTEMPTS") == DEFAULT_LIMITS["PICTURE_CODE_ATTEMPTS"]
        monkeypatch.setitem(app.config, "PICTURE_CODE_ATTEMPTS", "2 per minute")
        assert limit_for("PICTURE_CODE_ATTEMPTS") == "2 per minute"


def test_the_limiter_shares_its_counts_through_the_configured_store(app, low_limits):
    # memory:// in tests; redis://... when RATELIMIT_STORAGE_URI says so (several workers).
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert type(limiter.storage).__name__ == "MemoryStorage"


def test_a_redis_store_is_understood_for_several_workers():
    # RATELIMIT_STORAGE_URI=redis://host:6379/1 is what a deployment with several workers sets;
    # the redis client is installed and the URI is accepted without reaching a server.
    from limits.storage import storage_from_string

    assert type(storage_from_string("redis://127.0.0.1:1/1")).__name__ == "RedisStorage"
