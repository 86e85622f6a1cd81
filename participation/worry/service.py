"""A child says they are worried or do not feel safe: the adults who must act are told at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import Assignment, Child, Role, StaffMember, WorryAlert, utcnow

NOTE_LIMIT = 1000
# The people told straight away: those who know the child and can act today.
ALERTED_ROLES = (Role.KEYWORKER, Role.SOCIAL_WORKER)


class NoteTooLong(ValueError):
    pass


def who_will_know(session: Session, child: Child) -> list[StaffMember]:
    """The child's keyworker(s) and social worker(s): shown to the child before they press."""
    return list(
        session.scalars(
            select(StaffMember)
            .join(Assignment, Assignment.staff_id == StaffMember.id)
            .where(
                Assignment.child_id == child.id,
                Assignment.active.is_(True),
                Assignment.role.in_(ALERTED_ROLES),
                StaffMember.active.is_(True),
            )
            .order_by(Assignment.role, StaffMember.name)
        )
    )


def raise_worry(session: Session, child: Child, note: str = "") -> WorryAlert:
    """Record the alert. It appears at once on every page of the staff who will know."""
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise NoteTooLong(note)
    alert = WorryAlert(child_id=child.id, note=note)
    session.add(alert)
    session.commit()
    return alert


def open_alerts_for(session: Session, staff: StaffMember) -> list[WorryAlert]:
    """Alerts not yet acknowledged for children this staff member keys or is social worker for."""
    return list(
        session.scalars(
            select(WorryAlert)
            .join(Assignment, Assignment.child_id == WorryAlert.child_id)
            .where(
                WorryAlert.acknowledged_at.is_(None),
                Assignment.staff_id == staff.id,
                Assignment.active.is_(True),
                Assignment.role.in_(ALERTED_ROLES),
            )
            .options(joinedload(WorryAlert.child))
            .order_by(WorryAlert.raised_at)
        )
    )


def acknowledge(session: Session, alert: WorryAlert, staff: StaffMember) -> None:
    """The staff member has spoken with the child and is acting on it."""
    if alert.acknowledged_at is None:
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by_id = staff.id
        session.commit()
