"""Data for the timetable tests: a council, staff in every role, children with histories.

Dates are counted from the real today, and expectations come from the rules module, so the tests
mean the same on any day of the year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from participation import clock
from participation.models import (
    Child,
    CouncilSettings,
    Home,
    Milestone,
    PlacementType,
    Review,
    ReviewStatus,
    Role,
    StaffMember,
)
from participation.timetable import service
from tests.support import factories

TODAY = clock.today()


def task(session: Session, child: Child, name: str) -> Milestone:
    """The child's task ``name`` of their latest review that has one."""
    found = session.scalar(
        select(Milestone)
        .join(Review, Milestone.review_id == Review.id)
        .where(Review.child_id == child.id, Milestone.name == name)
        .order_by(Review.number.desc())
    )
    assert found is not None, name
    return found


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def council(session: Session) -> CouncilSettings:
    settings = CouncilSettings(name="Testshire County Council", nation="ENG")
    session.add(settings)
    session.commit()
    return settings


@pytest.fixture
def people(session: Session, council: CouncilSettings) -> dict[Role, StaffMember]:
    """One member of staff in each role."""
    staff = {
        role: factories.make_staff(session, role, name=f"{role.value.title()} Person")
        for role in Role
    }
    session.commit()
    return staff


ChildMaker = Callable[..., Child]


@pytest.fixture
def make_child(session: Session, people: dict[Role, StaffMember]) -> ChildMaker:
    """A looked-after child with held reviews, assigned to `staff` (default: the keyworker,
    social worker and IRO), their timetable recomputed."""

    def make(
        *,
        became: date | None = None,
        held: Sequence[date] = (),
        staff: Sequence[StaffMember] | None = None,
        home: Home | None = None,
        placement: PlacementType = PlacementType.RESIDENTIAL,
        name: str | None = None,
    ) -> Child:
        extra = {"preferred_name": name} if name else {}
        child = factories.make_child(
            session,
            home=home,
            became_looked_after=became or TODAY - timedelta(days=30),
            placement_type=placement,
            **extra,
        )
        for number, day in enumerate(held, start=1):
            factories.make_review(
                session, child, number, due_on=day, status=ReviewStatus.HELD, held_on=day
            )
        workers = (
            staff
            if staff is not None
            else [people[Role.KEYWORKER], people[Role.SOCIAL_WORKER], people[Role.IRO]]
        )
        for member in workers:
            factories.assign(session, member, child)
        session.expire(child, ["reviews"])
        service.recompute_child(session, child, TODAY)
        session.commit()
        return child

    return make
