"""Helpers for the sign-in tests: reading codes off the pages as a person would, and making them
with pyotp as their authenticator app would."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from participation.models import AuthSession, Role, StaffMember, utcnow
from tests.conftest import csrf_from
from tests.support import factories
from tests.support.codes import code_from_step_before

SETUP_KEY_RE = re.compile(r'id="setup-key"[^>]*>([A-Z2-7 ]+)</code>')
RECOVERY_RE = re.compile(r"<li><code>([a-z0-9-]{14})</code></li>")


def setup_key(html: str) -> str:
    """The key typed into an authenticator app, read from the set-up page."""
    match = SETUP_KEY_RE.search(html)
    assert match, "no set-up key on the page"
    return match.group(1).replace(" ", "")


def labelled(html: str, field_id: str, label: str) -> bool:
    """Whether the page has a real <label for> naming the field."""
    return re.search(rf'<label for="{field_id}"[^>]*>{re.escape(label)}</label>', html) is not None


def code_for(secret: str, seconds_ago: int = 0) -> str:
    """What the app shows now (or a little while ago: codes are accepted one step either side)."""
    return pyotp.TOTP(secret).at(utcnow() - timedelta(seconds=seconds_ago))


def wrong_code(secret: str) -> str:
    """Six digits that are surely not any code accepted right now."""
    taken = {code_for(secret, seconds) for seconds in (-60, -30, 0, 30, 60)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in taken)


def post_form(client, url: str, data: dict[str, str], page_url: str | None = None):
    """Post a form the way the browser would: with the CSRF token from the page it is on."""
    page = client.get(page_url or url)
    return client.post(url, data={**data, "csrf_token": csrf_from(page.text)})


def sign_in_with_password(client, staff: StaffMember, password: str = factories.PASSWORD):
    return post_form(client, "/sign-in", {"email": staff.email, "password": password})


def current_session(session, staff: StaffMember) -> AuthSession:
    session.expire_all()
    row = session.scalars(
        select(AuthSession)
        .where(AuthSession.staff_id == staff.id, AuthSession.ended_at.is_(None))
        .order_by(AuthSession.id.desc())
    ).first()
    assert row is not None
    return row


def enrol(client, staff: StaffMember) -> tuple[str, list[str]]:
    """Sign in for the first time and set up the app; returns the key and the recovery codes.
    Leaves the browser signed in."""
    response = sign_in_with_password(client, staff)
    assert response.headers["Location"].startswith("/second-factor/set-up")
    key = setup_key(client.get(response.headers["Location"]).text)
    # A code from the step before: the next code asked for is then surely a newer one.
    done = post_form(client, "/second-factor/set-up", {"code": code_from_step_before(key)})
    assert done.status_code == 200, done.text
    return key, RECOVERY_RE.findall(done.text)


@pytest.fixture
def iro(session) -> StaffMember:
    staff = factories.make_staff(session, Role.IRO, name="Ira Officer")
    session.commit()
    return staff
