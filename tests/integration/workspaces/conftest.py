"""A council for the workspace tests: staff in every role, Jay (11) with two reviews held and his
next one coming, and Zoe on someone else's caseload. Dates count from the real today."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from participation import clock
from participation.models import (
    AuditEvent,
    Child,
    CouncilSettings,
    Milestone,
    NetworkRole,
    Review,
    ReviewStatus,
    Role,
    StaffMember,
)
from participation.timetable import service as timetable
from tests.conftest import csrf_from
from tests.support import factories
from tests.support.child_fixtures import CODE

TODAY = clock.today()


@pytest.fixture
def team(session):
    """One member of staff in each role on Jay's case, and others who are not on it."""
    session.add(CouncilSettings(name="Testshire County Council", nation="ENG"))
    members = {
        "keyworker": factories.make_staff(session, Role.KEYWORKER, name="Kim Keyworker"),
        "social_worker": factories.make_staff(session, Role.SOCIAL_WORKER, name="Sam Social"),
        "iro": factories.make_staff(session, Role.IRO, name="Ivy Iro"),
        "manager": factories.make_staff(session, Role.MANAGER, name="Mo Manager"),
        "admin": factories.make_staff(session, Role.ADMIN, name="Ada Admin"),
        "other_keyworker": factories.make_staff(session, Role.KEYWORKER, name="Olly Other"),
        "other_iro": factories.make_staff(session, Role.IRO, name="Oscar Other"),
        "other_social_worker": factories.make_staff(session, Role.SOCIAL_WORKER, name="Sue Other"),
    }
    session.commit()
    return members


def _child_with_history(session, name, staff, *, born=date(2015, 7, 2)):
    became = TODAY - timedelta(days=200)
    child = factories.make_child(
        session, preferred_name=name, date_of_birth=born, became_looked_after=became
    )
    for number, day in enumerate((became + timedelta(days=14), TODAY - timedelta(days=100)), 1):
        factories.make_review(
            session, child, number, due_on=day, status=ReviewStatus.HELD, held_on=day
        )
    for member in staff:
        factories.assign(session, member, child)
    session.expire(child, ["reviews"])
    timetable.recompute_child(session, child, TODAY)
    return child


@pytest.fixture
def jay(session, team):
    child = _child_with_history(
        session, "Jay", [team["keyworker"], team["social_worker"], team["iro"]]
    )
    factories.make_person(
        session,
        child,
        name="Dean Clarke",
        relationship_to_child="Dad",
        role=NetworkRole.PARENT,
        parental_responsibility=True,
    )
    factories.make_person(session, child, name="Jean Clarke", relationship_to_child="Nan")
    session.commit()
    return child


@pytest.fixture
def zoe(session, team):
    """A child on other staff's caseload."""
    child = _child_with_history(
        session,
        "Zoe",
        [team["other_keyworker"], team["other_social_worker"], team["other_iro"]],
    )
    session.commit()
    return child


def child_keyworker(child) -> StaffMember:
    from participation.db import db

    found = db.session.get(Child, child.id)
    assert found is not None
    return next(a.staff for a in found.assignments if a.role == Role.KEYWORKER)


class Desk:
    """A member of staff at their desk: signs in (and out), reads pages, posts forms."""

    def __init__(self, client, auth):
        self.client = client
        self.auth = auth
        self.who: StaffMember | None = None

    def sign_in(self, staff, password=factories.PASSWORD):
        if self.who is not None:
            self.auth.sign_out()
        self.auth.sign_in(staff, password)
        self.who = staff
        return self

    def hand_over(self, tablet, child):
        """Hand the tablet to the child (signing out first) and let them unlock it."""
        if self.who is not None:
            self.auth.sign_out()
            self.who = None
        tablet.hand_over(child_keyworker(child), child)
        tablet.tap(CODE)

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, data=None, *, prefix=None, **kw):
        """Post a form with a valid CSRF token (under the form's prefix, if it has one)."""
        token = csrf_from(self.client.get("/accessibility").text)
        name = f"{prefix}-csrf_token" if prefix else "csrf_token"
        return self.client.post(url, data={name: token, **(data or {})}, **kw)


@pytest.fixture
def desk(client, auth):
    return Desk(client, auth)


def next_review(session, child) -> Review:
    """The child's next review as the database has it now."""
    fresh = session.get(Child, child.id)
    session.refresh(fresh)
    for review in fresh.reviews:
        session.refresh(review)
    found = timetable.next_review(fresh)
    assert found is not None
    return found


def milestone(session, review, name) -> Milestone:
    found = session.scalar(
        select(Milestone).where(Milestone.review_id == review.id, Milestone.name == name)
    )
    assert found is not None, name
    return found


def audited(session, action) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def version_on(html: str, name: str = "version") -> str:
    """The value of a hidden field on the page (a version or revision)."""
    for pattern in (
        rf'name="{re.escape(name)}" type="hidden" value="(-?\d*)"',
        rf'type="hidden" name="{re.escape(name)}" value="(-?\d*)"',
    ):
        match = re.search(pattern, html)
        if match:
            return match.group(1)
    raise AssertionError(f"no {name} on the page")


def child_post(tablet, url, prefix, **fields):
    """The child on the tablet posts one of the prefixed forms of their page."""
    token = csrf_from(tablet.client.get("/accessibility").text)
    data = {f"{prefix}-csrf_token": token}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return tablet.client.post(url, data=data)
