"""A child says they are worried or do not feel safe: the adults who must act are told at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .. import sent_once
from ..audit.service import Actor
from ..models import Assignment, Child, Role, StaffMember, WorryAlert, utcnow

# A note is kept whole up to this many characters (some 3,500 words: more than a worried child
# types). A longer one is cut, never refused: a worry must reach the adults whatever its length,
# and the child is told to say the rest in person.
NOTE_LIMIT = 20000
CUT_MARK = "…"
# The people told straight away: those who know the child and can act today.
ALERTED_ROLES = (Role.KEYWORKER, Role.SOCIAL_WORKER)


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


def raise_worry(
    session: Session,
    child: Child,
    note: str = "",
    *,
    sent: tuple[Actor, str | None] | None = None,
) -> WorryAlert:
    """Record the alert. It appears at once on every page of the staff who will know.
    `sent`: who pressed, and the page's key (sent_once), kept in the same commit.

    A note longer than NOTE_LIMIT is kept as far as it fits, ending with CUT_MARK (see
    note_was_cut): the alert is raised all the same."""
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        note = note[: NOTE_LIMIT - len(CUT_MARK)] + CUT_MARK
    alert = WorryAlert(child_id=child.id, note=note)
    session.add(alert)
    if sent is not None:
        session.flush()
        sent_once.remember(session, sent[0], sent[1], alert.public_id)
    session.commit()
    return alert


def words_left_out(note: str) -> str:
    """The end of the child's note that raise_worry could not keep ("" when all of it fits),
    shown back to the child so they can tell their adult the rest."""
    note = note.strip()
    if len(note) <= NOTE_LIMIT:
        return ""
    return note[NOTE_LIMIT - len(CUT_MARK) :]


def note_was_cut(alert: WorryAlert) -> bool:
    """True when the child wrote more than the alert could keep (raise_worry cut it)."""
    # Without a column for it, the cut shows by its shape: a note the child typed themselves
    # that ends this way at exactly this length is rare, and the only effect is a prompt to ask.
    return len(alert.note) == NOTE_LIMIT and alert.note.endswith(CUT_MARK)


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
