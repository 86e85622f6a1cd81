"""Caseload lists: the children a staff member works with, and their next reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Child, Review, ReviewStatus
from ..security.policy import children_visible_to
from ..security.principal import StaffPrincipal
from ..timetable.service import overdue_by_child


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    age: int
    home_name: str
    next_review: Review | None
    # How many of the child's review tasks are overdue (see participation.timetable).
    overdue: int = 0


def next_review(child: Child) -> Review | None:
    """The first review not yet held, adjourned or cancelled."""
    for review in child.reviews:
        if review.status == ReviewStatus.PLANNED:
            return review
    return None


def caseload(session: Session, principal: StaffPrincipal, today: date) -> list[CaseloadRow]:
    """The children this staff member may see, soonest review first. A fixed number of queries."""
    query = (
        children_visible_to(principal)
        .where(Child.left_care_on.is_(None))
        .options(selectinload(Child.home), selectinload(Child.reviews))
    )
    overdue = overdue_by_child(session, principal, today)
    rows = []
    for child in session.scalars(query):
        rows.append(
            CaseloadRow(
                child=child,
                age=child.age_on(today),
                home_name=child.home.name if child.home else "",
                next_review=next_review(child),
                overdue=overdue.get(child.id, 0),
            )
        )
    rows.sort(
        key=lambda r: (
            r.next_review.meeting_date if r.next_review else date.max,
            r.child.preferred_name,
        )
    )
    return rows


def child_by_public_id(session: Session, public_id: str) -> Child | None:
    return session.scalar(select(Child).where(Child.public_id == public_id))


def reviews_for(session: Session, child: Child) -> list[Review]:
    return list(
        session.scalars(select(Review).where(Review.child_id == child.id).order_by(Review.number))
    )
