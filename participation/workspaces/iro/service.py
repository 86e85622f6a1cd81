"""The IRO's records of a review: meeting the child beforehand, how the child took part and the
participation code confirmed for it, the decisions and actions, and their circulation.

Meeting the child marks ``iro-meets-child`` done; circulating marks ``decisions-circulated`` done
and, if the review was not yet recorded as held, records it through the timetable's own
``record_held`` (which works out the next review). No Flask here: callers pass the session and
plain values, and commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ...models import (
    Child,
    DecisionKind,
    DecisionOwner,
    InMeeting,
    IroChildMeeting,
    MeetingPlan,
    MeetingWay,
    ParticipationCode,
    Presence,
    Review,
    ReviewDecision,
    ReviewOutcome,
    ReviewStatus,
    Role,
    StaffMember,
    ViewsAway,
    utcnow,
)
from ...timetable import service as timetable
from ..common import (
    NAME_MAX,
    NOTE_MAX,
    InputProblem,
    VersionConflict,
    check_version,
    clean_text,
    mark_milestone,
)
from . import codes

MEETS_CHILD: Final = "iro-meets-child"
CIRCULATED: Final = "decisions-circulated"
DECISION_MAX: Final = 2000


def review_day(review: Review) -> date:
    """The day of the review: when it was held, or the day it is planned for."""
    return review.held_on or review.meeting_date


def in_scope(review: Review) -> bool:
    """Reviews the IRO works on here: the child's next review, or one already held."""
    if review.status == ReviewStatus.CANCELLED:
        return False
    upcoming = timetable.next_review(review.child)
    return review.held_on is not None or (upcoming is not None and upcoming.id == review.id)


# --- meeting the child before the review --------------------------------------------------------


def meetings_for(session: Session, review: Review) -> list[IroChildMeeting]:
    """The IRO's meetings with the child for this review, latest first."""
    return list(
        session.scalars(
            select(IroChildMeeting)
            .where(IroChildMeeting.review_id == review.id)
            .options(selectinload(IroChildMeeting.recorded_by))
            .order_by(IroChildMeeting.met_on.desc(), IroChildMeeting.id.desc())
        )
    )


def record_meeting(
    session: Session,
    review: Review,
    staff: StaffMember,
    met_on: date,
    way: MeetingWay | str,
    note: str | None,
    *,
    today: date,
) -> IroChildMeeting:
    """Record meeting the child (or the child choosing not to): when, and how. The first one
    marks the review's ``iro-meets-child`` milestone done on that day."""
    try:
        way = MeetingWay(way)
    except ValueError:
        raise InputProblem("way", "needed") from None
    if met_on > today:
        raise InputProblem("met_on", "future")
    if met_on < review.child.became_looked_after:
        raise InputProblem("met_on", "before-looked-after")
    if review.held_on is not None and met_on > review.held_on:
        raise InputProblem("met_on", "after-review")
    meeting = IroChildMeeting(
        review_id=review.id,
        met_on=met_on,
        way=way,
        note=clean_text(note, "note", NOTE_MAX),
        recorded_by_id=staff.id,
    )
    session.add(meeting)
    session.flush()
    mark_milestone(session, review, MEETS_CHILD, staff, met_on, today=today)
    return meeting


# --- how the child took part, and the code ------------------------------------------------------


def outcome_for(session: Session, review: Review) -> ReviewOutcome | None:
    return session.scalar(select(ReviewOutcome).where(ReviewOutcome.review_id == review.id))


def _outcome_to_save(session: Session, review: Review) -> ReviewOutcome:
    outcome = outcome_for(session, review)
    if outcome is None:
        outcome = ReviewOutcome(review_id=review.id)
        session.add(outcome)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            raise VersionConflict from None
    return outcome


@dataclass(frozen=True)
class Participation:
    """How the child took part (recorded, or from their plan until it is), the suggested code
    and the code confirmed (if any)."""

    recorded: codes.TakingPart
    shown: codes.TakingPart
    from_plan: bool
    age: int
    suggestion: codes.Suggestion
    outcome: ReviewOutcome | None

    @property
    def version(self) -> int:
        return self.outcome.version if self.outcome is not None else 0


def participation(session: Session, review: Review) -> Participation:
    """Everything the IRO's page shows about the child's participation in ``review``."""
    outcome = outcome_for(session, review)
    recorded = codes.TakingPart(
        outcome.presence if outcome else None,
        outcome.in_meeting if outcome else None,
        outcome.views_away if outcome else None,
    )
    plan = session.scalar(select(MeetingPlan).where(MeetingPlan.review_id == review.id))
    shown, from_plan = codes.combine(recorded, codes.from_plan(plan))
    age = review.child.age_on(review_day(review))
    return Participation(recorded, shown, from_plan, age, codes.suggest(age, shown), outcome)


def save_taking_part(
    session: Session,
    review: Review,
    presence: str | None,
    in_meeting: str | None,
    views_away: str | None,
    loaded_version: int | None,
) -> ReviewOutcome:
    """Record whether the child came and how they took part (or had their views heard)."""
    current = outcome_for(session, review)
    check_version(current.version if current else 0, loaded_version)
    try:
        chosen = Presence(presence or "")
    except ValueError:
        raise InputProblem("presence", "needed") from None
    how: InMeeting | None = None
    away: ViewsAway | None = None
    if chosen == Presence.DID_NOT_ATTEND:
        try:
            away = ViewsAway(views_away or "")
        except ValueError:
            raise InputProblem("views_away", "needs-how-away") from None
    else:
        try:
            how = InMeeting(in_meeting or "")
        except ValueError:
            raise InputProblem("in_meeting", "needs-how-attended") from None
    outcome = _outcome_to_save(session, review)
    outcome.presence, outcome.in_meeting, outcome.views_away = chosen, how, away
    outcome.updated_at = utcnow()
    session.flush()
    return outcome


def confirm_code(
    session: Session,
    review: Review,
    staff: StaffMember,
    code: str | None,
    note: str | None,
    loaded_version: int | None,
) -> ReviewOutcome:
    """The IRO confirms the participation code: the code stored (and reported) is theirs. A code
    other than the one suggested needs a few words saying why."""
    current = participation(session, review)
    check_version(current.version, loaded_version)
    try:
        chosen = ParticipationCode(code or "")
    except ValueError:
        raise InputProblem("code", "needed") from None
    why = clean_text(note, "note", NOTE_MAX)
    if chosen != current.suggestion.code and not why:
        raise InputProblem("note", "needs-note")
    outcome = _outcome_to_save(session, review)
    outcome.code = chosen
    outcome.suggested_code = current.suggestion.code
    outcome.suggestion_basis = current.suggestion.basis
    outcome.code_note = why
    outcome.confirmed_by_id = staff.id
    outcome.confirmed_at = utcnow()
    outcome.updated_at = utcnow()
    session.flush()
    return outcome


# --- decisions and actions -----------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInput:
    """A decision or action as entered on the IRO's form."""

    kind: str | None
    text: str | None
    child_text: str | None
    owner: str | None = None
    owner_staff: str | None = None  # a staff member's public id
    owner_name: str | None = None
    due_on: date | None = None


def staff_on_case(child: Child) -> list[tuple[StaffMember, Role]]:
    """The staff who work with the child (possible owners of an action), by role then name."""
    order = {Role.KEYWORKER: 0, Role.SOCIAL_WORKER: 1, Role.IRO: 2}
    return [
        (a.staff, a.role)
        for a in sorted(child.assignments, key=lambda a: (order.get(a.role, 3), a.staff.name, a.id))
        if a.active and a.staff.active
    ]


def decisions_for(session: Session, review: Review) -> list[ReviewDecision]:
    """The review's decisions and actions, in the order they were recorded."""
    return list(
        session.scalars(
            select(ReviewDecision)
            .where(ReviewDecision.review_id == review.id)
            .options(
                selectinload(ReviewDecision.owner_staff), selectinload(ReviewDecision.follow_up)
            )
            .order_by(ReviewDecision.created_at, ReviewDecision.id)
        )
    )


def find_decision(session: Session, review: Review, public_id: str) -> ReviewDecision | None:
    """One of this review's decisions (None for anyone else's)."""
    return session.scalar(
        select(ReviewDecision).where(
            ReviewDecision.public_id == public_id, ReviewDecision.review_id == review.id
        )
    )


def circulated(session: Session, review: Review) -> bool:
    outcome = outcome_for(session, review)
    return outcome is not None and outcome.circulated_at is not None


def _not_circulated(session: Session, review: Review) -> None:
    if circulated(session, review):
        raise InputProblem("text", "circulated")


def _apply(decision: ReviewDecision, review: Review, data: DecisionInput) -> None:
    try:
        kind = DecisionKind(data.kind or "")
    except ValueError:
        raise InputProblem("kind", "needed") from None
    text = clean_text(data.text, "text", DECISION_MAX)
    if not text:
        raise InputProblem("text", "text-needed")
    child_text = clean_text(data.child_text, "child_text", DECISION_MAX)
    if not child_text:
        raise InputProblem("child_text", "child-text-needed")
    owner: DecisionOwner | None = None
    if data.owner:
        try:
            owner = DecisionOwner(data.owner)
        except ValueError:
            raise InputProblem("owner", "owner-needed") from None
    if owner is None and kind == DecisionKind.ACTION:
        raise InputProblem("owner", "owner-needed")
    staff_id: int | None = None
    name = ""
    if owner == DecisionOwner.STAFF:
        found = [s for s, _role in staff_on_case(review.child) if s.public_id == data.owner_staff]
        if not found:
            raise InputProblem("owner_staff", "owner-unknown")
        staff_id = found[0].id
    elif owner == DecisionOwner.OTHER:
        name = clean_text(data.owner_name, "owner_name", NAME_MAX)
        if not name:
            raise InputProblem("owner_name", "owner-name-needed")
    if data.due_on is None and kind == DecisionKind.ACTION:
        raise InputProblem("due_on", "due-needed")
    if data.due_on is not None and review.held_on is not None and data.due_on < review.held_on:
        raise InputProblem("due_on", "due-before-review")
    decision.kind = kind
    decision.text = text
    decision.child_text = child_text
    decision.owner = owner
    decision.owner_staff_id = staff_id
    decision.owner_name = name
    decision.due_on = data.due_on


def add_decision(
    session: Session, review: Review, staff: StaffMember, data: DecisionInput
) -> ReviewDecision:
    """Record a decision or action of the review (before the decisions are circulated)."""
    _not_circulated(session, review)
    decision = ReviewDecision(review_id=review.id, created_by_id=staff.id)
    decision.review = review
    _apply(decision, review, data)
    session.add(decision)
    session.flush()
    return decision


def change_decision(
    session: Session,
    decision: ReviewDecision,
    data: DecisionInput,
    loaded_version: int | None,
) -> bool:
    """Change a decision or action (before circulation). False if nothing changed;
    VersionConflict if it was saved by someone else since the form was loaded."""
    review = decision.review
    _not_circulated(session, review)
    check_version(decision.version, loaded_version)
    before = (
        decision.kind,
        decision.text,
        decision.child_text,
        decision.owner,
        decision.owner_staff_id,
        decision.owner_name,
        decision.due_on,
    )
    _apply(decision, review, data)
    after = (
        decision.kind,
        decision.text,
        decision.child_text,
        decision.owner,
        decision.owner_staff_id,
        decision.owner_name,
        decision.due_on,
    )
    if before == after:
        return False
    decision.updated_at = utcnow()
    session.flush()
    return True


def remove_decision(session: Session, decision: ReviewDecision) -> None:
    """Take a decision or action off the record (only before circulation)."""
    _not_circulated(session, decision.review)
    session.delete(decision)
    session.flush()


def mark_action_done(
    session: Session, decision: ReviewDecision, staff: StaffMember, *, today: date
) -> None:
    """The IRO has seen an action done: it is no longer flagged."""
    if decision.kind != DecisionKind.ACTION:
        raise InputProblem("decision", "not-an-action")
    if decision.done_on is not None:
        return
    decision.done_on = today
    decision.done_by_id = staff.id
    session.flush()


# --- circulating ---------------------------------------------------------------------------------


def circulate(
    session: Session,
    review: Review,
    staff: StaffMember,
    held_on: date | None,
    *,
    today: date,
) -> Review | None:
    """Circulate the review's decisions: marks ``decisions-circulated`` done today, records the
    review as held on ``held_on`` first if it was not yet (the timetable's ``record_held``: its
    ``InputError`` and ``TimetableConflict`` pass through), and from then on the child sees the
    decisions in "you said, we did". Returns the child's next review, as the timetable worked it
    out."""
    _not_circulated(session, review)
    if not decisions_for(session, review):
        raise InputProblem("held_on", "no-decisions")
    if review.held_on is None:
        if held_on is None:
            raise InputProblem("held_on", "held-needed")
        timetable.record_held(session, review, held_on, staff, today=today)
    outcome = _outcome_to_save(session, review)
    outcome.circulated_at = utcnow()
    outcome.circulated_by_id = staff.id
    outcome.updated_at = utcnow()
    session.flush()
    mark_milestone(session, review, CIRCULATED, staff, today, today=today)
    return timetable.next_review(review.child)


# --- the IRO's caseload ------------------------------------------------------------------------


def outcomes_by_review(session: Session, review_ids: Sequence[int]) -> dict[int, ReviewOutcome]:
    """Review id -> its outcome record (one query)."""
    if not review_ids:
        return {}
    rows = session.scalars(select(ReviewOutcome).where(ReviewOutcome.review_id.in_(review_ids)))
    return {row.review_id: row for row in rows}
