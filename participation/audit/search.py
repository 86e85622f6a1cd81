"""Searching the audit record for the administrators' page. Read-only; no Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, exists, or_, select, union_all
from sqlalchemy.orm import Session

from ..models import (
    AuditEvent,
    Child,
    IroChildMeeting,
    Item,
    KeyworkerReport,
    MediaFile,
    MeetingPlan,
    MonthlySummary,
    NetworkPerson,
    PackSnapshot,
    PersonalLink,
    Review,
    ReviewDecision,
    SentReportVersion,
    SignificantEvent,
    StaffMember,
    TeamActionNote,
    WorryAlert,
)

# What of a child's the record names by its own id (a photo, a review, a pack...): searching
# for the child finds those events too (QA: "who opened this child's photo?" found nothing).
_CHILD_OWNED = (
    MeetingPlan, MonthlySummary, NetworkPerson, PackSnapshot, PersonalLink, Review,
    SentReportVersion, SignificantEvent, KeyworkerReport, TeamActionNote, WorryAlert, Item,
)  # fmt: skip

PAGE_SIZE = 50
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class AuditFilters:
    """What to look for. Empty values match everything; dates are whole days in UK time."""

    actor_id: str = ""
    action: str = ""
    subject_id: str = ""
    outcome: str = ""
    from_day: date | None = None
    to_day: date | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of events, newest first, and whether there are newer or older ones to go to."""

    events: list[AuditEvent]
    has_newer: bool
    has_older: bool


def names_for(session: Session, events: list[AuditEvent]) -> dict[str, str]:
    """Public id -> name, for the staff who acted and the children acted on in `events`: the
    record keeps ids only (names change, and it holds nothing more than it must), the page
    shows who they are. Two queries for a page, whatever its size."""
    people = {e.actor_id for e in events if e.actor_kind == "staff" and e.actor_id}
    people |= {e.subject_id for e in events if e.subject_type == "staff" and e.subject_id}
    children = {e.actor_id for e in events if e.actor_kind == "child" and e.actor_id}
    children |= {e.subject_id for e in events if e.subject_type == "child" and e.subject_id}
    names: dict[str, str] = {}
    for public_id, name, wanted in (
        (StaffMember.public_id, StaffMember.name, people),
        (Child.public_id, Child.preferred_name, children),
    ):
        if wanted:
            found = session.execute(select(public_id, name).where(public_id.in_(wanted)))
            names.update((row[0], row[1]) for row in found)
    return names


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the UK, as an aware datetime (compared with UTC times)."""
    return datetime.combine(day, time(0, 0), LONDON)


def _about(session: Session, subject_id: str) -> ColumnElement[bool]:
    """Events about `subject_id`; for a child's id, about anything of theirs too."""
    child_id = session.scalar(select(Child.id).where(Child.public_id == subject_id))
    if child_id is None:
        return AuditEvent.subject_id == subject_id
    owned = [select(model.public_id).where(model.child_id == child_id) for model in _CHILD_OWNED]
    owned.append(select(MediaFile.public_id).join(Item).where(Item.child_id == child_id))
    for model in (ReviewDecision, IroChildMeeting):
        owned.append(select(model.public_id).join(Review).where(Review.child_id == child_id))
    return or_(AuditEvent.subject_id == subject_id, AuditEvent.subject_id.in_(union_all(*owned)))


def _conditions(session: Session, filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.actor_id:
        conditions.append(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.subject_id:
        conditions.append(_about(session, filters.subject_id))
    if filters.outcome:
        conditions.append(AuditEvent.outcome == filters.outcome)
    if filters.from_day is not None:
        conditions.append(AuditEvent.at >= start_of_day(filters.from_day))
    if filters.to_day is not None:
        conditions.append(AuditEvent.at < start_of_day(filters.to_day + timedelta(days=1)))
    return conditions


def search(
    session: Session,
    filters: AuditFilters,
    *,
    before: int | None = None,
    after: int | None = None,
    page_size: int = PAGE_SIZE,
) -> AuditPage:
    """Events matching `filters`, newest first, a page at a time.

    Pages are keyed by event id (`before`: older than this event; `after`: newer than it), so a
    page stays cheap however deep it is and new events arriving do not shift what is shown.
    """
    conditions = _conditions(session, filters)
    query: Select[AuditEvent] = select(AuditEvent).where(*conditions)
    if after is not None:
        rows = list(
            session.scalars(
                query.where(AuditEvent.id > after).order_by(AuditEvent.id.asc()).limit(page_size)
            )
        )
        rows.reverse()
    else:
        if before is not None:
            query = query.where(AuditEvent.id < before)
        rows = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(page_size)))
    if not rows:
        return AuditPage([], has_newer=False, has_older=False)

    def _any(*more: ColumnElement[bool]) -> bool:
        return bool(session.scalar(select(exists().where(*conditions, *more))))

    return AuditPage(
        rows,
        has_newer=_any(AuditEvent.id > rows[0].id),
        has_older=_any(AuditEvent.id < rows[-1].id),
    )


def known_values(session: Session) -> tuple[list[str], list[str]]:
    """Every action and every outcome recorded so far, for the search form's choices."""
    actions = list(
        session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
    outcomes = list(
        session.scalars(select(AuditEvent.outcome).distinct().order_by(AuditEvent.outcome))
    )
    return actions, outcomes
