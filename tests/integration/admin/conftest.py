"""A council for the administration tests: staff in every role, two homes, and helpers to post
forms as a signed-in person would (the CSRF token read off the page first)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from participation import clock
from participation.models import AuditEvent, CouncilSettings, HomeKind, Role
from tests.conftest import csrf_from
from tests.support import factories

TODAY = clock.today()


@pytest.fixture
def people(session):
    """One member of staff in each role."""
    session.add(CouncilSettings(name="Testshire County Council", nation="ENG"))
    staff = {
        Role.KEYWORKER: factories.make_staff(session, Role.KEYWORKER, name="Kim Keyworker"),
        Role.SOCIAL_WORKER: factories.make_staff(session, Role.SOCIAL_WORKER, name="Sam Social"),
        Role.IRO: factories.make_staff(session, Role.IRO, name="Ivy Iro"),
        Role.MANAGER: factories.make_staff(session, Role.MANAGER, name="Mo Manager"),
        Role.ADMIN: factories.make_staff(session, Role.ADMIN, name="Ada Admin"),
    }
    session.commit()
    return staff


@pytest.fixture
def homes(session, people):
    """Oak Lodge (a children's home) and the Adeyemi family (foster carers)."""
    oak = factories.make_home(session, "Oak Lodge", address="3 Oak Road, Northbrook NB2 7QT")
    adeyemi = factories.make_home(session, "The Adeyemi family")
    adeyemi.kind = HomeKind.FOSTER_FAMILY
    session.commit()
    return {"oak": oak, "adeyemi": adeyemi}


@pytest.fixture
def admin(client, auth, people):
    """The test client, signed in as the administrator."""
    auth.sign_in(people[Role.ADMIN])
    return client


def post_form(client, page_url: str, data: dict, url: str | None = None, **kwargs):
    """Fetch the page, then post `data` with its CSRF token to `url` (the page by default)."""
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    return client.post(url or page_url, data={**data, "csrf_token": csrf_from(page.text)}, **kwargs)


def audit_actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def fresh(session, row):
    """The row as the database has it now (requests end the session the fixtures used)."""
    session.expire_all()
    return session.get(type(row), row.id)
