"""The IRO's records of a review: meeting the child beforehand, how the child took part and the
participation code confirmed for it, the decisions and actions, and their circulation.

Meeting the child marks ``iro-meets-child`` done; circulating marks ``decisions-circulated`` done
and, if the review was not yet recorded as held, records it through the timetable's own
``record_held`` (which works out the next review, and asks about a day that may be a typing
mistake as it does everywhere else). How the child took part, and the code, are recorded only
once the review is held: they say what happened at the meeting. No Flask here: callers pass the
session and plain values, and commit.

A form's problems are gathered and raised together (InputProblems), so one submit shows them
all; a step that cannot be taken now whatever is typed raises NotNow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ... import clock
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


class InputProblems(InputProblem):
    """Several things entered break rules (at most one problem per field): ``problems`` has
    them all, so the page can show every one at once. Its own field and code are the first's,
    for callers that only catch InputProblem."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        first = problems[0]
        super().__init__(first.field, first.code, **first.params)
        self.problems = list(problems)


class NotNow(InputProblem):
    """The step cannot be taken now, whatever is typed: the decisions are circulated, there are
    none to circulate, or the review is not recorded as held yet. Not about any one field (the
    page may not even show the form: the post came from a page loaded before)."""

    def __init__(self, code: str) -> None:
        super().__init__("", code)


class _Problems:
    """The problems found with one form so far: each check goes on after a problem, so that
    all of them are reported together (``raise_any``)."""

    def __init__(self) -> None:
        self.found: list[InputProblem] = []

    def add(self, field: str, code: str, **params: object) -> None:
        self.found.append(InputProblem(field, code, **params))

    def text(self, value: str | None, field: str, limit: int) -> str | None:
        """``value`` as stored (``clean_text``), or None if it is too long (noted)."""
        try:
            return clean_text(value, field, limit)
        except InputProblem as problem:
            self.found.append(problem)
            return None

    def raise_any(self) -> None:
        if self.found:
            raise InputProblems(self.found)


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


def _previous_held_on(review: Review) -> date | None:
    previous = timetable.previous_held(review)
    return previous.held_on if previous is not None else None


def meeting_problems(
    review: Review,
    met_on: date | None,
    way: MeetingWay | str | None,
    note: str | None,
    *,
    today: date,
) -> list[InputProblem]:
    """Every problem ``record_meeting`` finds with these answers; nothing is changed. Without a
    day (the form says it is missing or not a date) the other answers are still checked, so
    that one submit shows every problem."""
    problems = _Problems()
    try:
        MeetingWay(way or "")
    except ValueError:
        problems.add("way", "needs-way")
    if met_on is not None:
        if met_on > today:
            problems.add("met_on", "future")
        elif met_on < review.child.became_looked_after:
            problems.add("met_on", "before-looked-after")
        elif review.held_on is not None and met_on > review.held_on:
            problems.add("met_on", "after-review")
        elif (held_before := _previous_held_on(review)) is not None and met_on < held_before:
            # Meeting the child is this review's task: before the last review was held, it
            # was for that one (the timetable refuses the task's date the same way).
            problems.add("met_on", "before-previous-review", date=held_before)
    problems.text(note, "note", NOTE_MAX)
    return problems.found


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
    marks the review's ``iro-meets-child`` milestone done on that day. InputProblems lists
    every problem with the answers."""
    found = meeting_problems(review, met_on, way, note, today=today)
    if found:
        raise InputProblems(found)
    meeting = IroChildMeeting(
        review_id=review.id,
        met_on=met_on,
        way=MeetingWay(way),
        note=clean_text(note, "note", NOTE_MAX),
        recorded_by_id=staff.id,
    )
    session.add(meeting)
    session.flush()
    mark_milestone(session, review, MEETS_CHILD, staff, met_on, today=today)
    return meeting


def remove_meeting(
    session: Session, review: Review, meeting: IroChildMeeting, *, today: date
) -> None:
    """Take back a meeting recorded by mistake (a wrong day, "chose not to" pressed for "in
    person"): QA found no way to. The task "IRO meets the child" then counts from the earliest
    meeting left, or is to do again. NotNow once the review is held: the record stands."""
    if review.held_on is not None or meeting.review_id != review.id:
        raise NotNow("held")
    session.delete(meeting)
    session.flush()
    task = timetable.milestone_for(session, review, MEETS_CHILD)
    if task is None or task.done_on is None:
        return
    left = meetings_for(session, review)
    timetable.mark_not_done(session, task, by_its_work=True)
    if left:
        first = min(left, key=lambda m: (m.met_on, m.id))
        timetable.mark_done(session, task, first.recorded_by, first.met_on, today=today)


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


def participation_open(review: Review) -> None:
    """NotNow until the review is recorded as held: how the child took part, and the code."""
    # They describe the meeting: recorded before it, they would be a guess reported as fact
    # (SSDA903). The suggestion from the child's plan is shown before it all the same.
    if review.held_on is None:
        raise NotNow("not-held")


def save_taking_part(
    session: Session,
    review: Review,
    presence: str | None,
    in_meeting: str | None,
    views_away: str | None,
    loaded_version: int | None,
) -> ReviewOutcome:
    """Record whether the child came and how they took part (or had their views heard). Only
    once the review is recorded as held (NotNow before)."""
    participation_open(review)
    current = outcome_for(session, review)
    check_version(current.version if current else 0, loaded_version)
    try:
        chosen = Presence(presence or "")
    except ValueError:
        raise InputProblem("presence", "needs-presence") from None
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
    other than the one suggested needs a few words saying why. Only once the review is
    recorded as held (NotNow before)."""
    participation_open(review)
    current = participation(session, review)
    check_version(current.version, loaded_version)
    problems = _Problems()
    chosen: ParticipationCode | None = None
    try:
        chosen = ParticipationCode(code or "")
    except ValueError:
        problems.add("code", "needs-code")
    why = problems.text(note, "note", NOTE_MAX)
    if chosen is not None and why == "" and chosen != current.suggestion.code:
        problems.add("note", "needs-note")
    problems.raise_any()
    assert chosen is not None and why is not None
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
    in_person: bool = False  # told to the child in person, not on their tablet
    teller_staff: str | None = None  # told in person: by whom (a staff member's public id)


def staff_on_case(child: Child) -> list[tuple[StaffMember, Role]]:
    """The staff who work with the child (possible owners of an action), by role then name."""
    order = {Role.KEYWORKER: 0, Role.SOCIAL_WORKER: 1, Role.IRO: 2}
    return [
        (a.staff, a.role)
        for a in sorted(child.assignments, key=lambda a: (order.get(a.role, 3), a.staff.name, a.id))
        if a.active and a.staff.active
    ]


def _on_case(child: Child, public_id: str | None) -> StaffMember | None:
    """One of the staff who work with the child, by public id (None for anyone else)."""
    found = [s for s, _role in staff_on_case(child) if public_id and s.public_id == public_id]
    return found[0] if found else None


def decisions_for(session: Session, review: Review) -> list[ReviewDecision]:
    """The review's decisions and actions, in the order they were recorded."""
    return list(
        session.scalars(
            select(ReviewDecision)
            .where(ReviewDecision.review_id == review.id)
            .options(
                selectinload(ReviewDecision.owner_staff),
                selectinload(ReviewDecision.follow_up),
                selectinload(ReviewDecision.teller_staff),
                selectinload(ReviewDecision.told_by),
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


def decisions_open(session: Session, review: Review) -> None:
    """NotNow once the decisions are circulated: from then on they are on the record."""
    if circulated(session, review):
        raise NotNow("circulated")


@dataclass(frozen=True)
class _Decision:
    """A decision or action as it is stored, once its input has no problems."""

    kind: DecisionKind
    text: str
    child_text: str
    owner: DecisionOwner | None
    owner_staff_id: int | None
    owner_name: str
    due_on: date | None
    in_person: bool
    teller_staff_id: int | None


def _read_decision(
    review: Review, data: DecisionInput, *, stored_due: date | None, today: date
) -> tuple[_Decision | None, list[InputProblem]]:
    """The decision as it would be stored, or None and every problem with ``data``.
    ``stored_due`` is the due date saved before (None for a new one)."""
    problems = _Problems()
    kind: DecisionKind | None = None
    try:
        kind = DecisionKind(data.kind or "")
    except ValueError:
        problems.add("kind", "needs-kind")
    text = problems.text(data.text, "text", DECISION_MAX)
    if text == "":
        problems.add("text", "text-needed")
    child_text = problems.text(data.child_text, "child_text", DECISION_MAX)
    # Told in person, the child's words are the IRO's note of what to say (may be left empty).
    if child_text == "" and not data.in_person:
        problems.add("child_text", "child-text-needed")
    owner: DecisionOwner | None = None
    if data.owner:
        try:
            owner = DecisionOwner(data.owner)
        except ValueError:
            problems.add("owner", "owner-needed")
    elif kind == DecisionKind.ACTION:
        problems.add("owner", "owner-needed")
    staff_id: int | None = None
    name: str | None = ""
    if owner == DecisionOwner.STAFF:
        if owner_staff := _on_case(review.child, data.owner_staff):
            staff_id = owner_staff.id
        else:
            problems.add("owner_staff", "owner-unknown")
    elif owner == DecisionOwner.OTHER:
        name = problems.text(data.owner_name, "owner_name", NAME_MAX)
        if name == "":
            problems.add("owner_name", "owner-name-needed")
    # News told in person needs someone to tell it: named now, so that it is nobody's job by
    # default (and the record says who to ask whether the child knows).
    teller_id: int | None = None
    if data.in_person:
        if teller := _on_case(review.child, data.teller_staff):
            teller_id = teller.id
        else:
            problems.add("teller_staff", "teller-needed")
    if data.due_on is None:
        if kind == DecisionKind.ACTION:
            problems.add("due_on", "due-needed")
    elif review.held_on is not None:
        if data.due_on < review.held_on:
            problems.add("due_on", "due-before-review")
    elif data.due_on < today and data.due_on != stored_due:
        # Not held yet: the decisions are made at the meeting, on a day not yet recorded, so
        # today is the earliest a due date can sensibly be (one already passed would be flagged
        # overdue at once). A due date saved before, since passed, may stay while the words
        # are changed; circulating checks every due date against the day it was held.
        problems.add("due_on", "due-past")
    if problems.found:
        return None, problems.found
    assert kind is not None and text and child_text is not None and name is not None
    stored = _Decision(
        kind, text, child_text, owner, staff_id, name, data.due_on, data.in_person, teller_id
    )
    return stored, []


def decision_problems(
    review: Review,
    data: DecisionInput,
    *,
    today: date,
    decision: ReviewDecision | None = None,
) -> list[InputProblem]:
    """Every problem ``add_decision`` (or ``change_decision`` of ``decision``) finds with
    ``data``; nothing is changed. For a page whose own checks already failed (a due date that is
    not a date), so that one submit shows every problem."""
    stored_due = decision.due_on if decision is not None else None
    return _read_decision(review, data, stored_due=stored_due, today=today)[1]


def _apply(
    decision: ReviewDecision,
    review: Review,
    data: DecisionInput,
    today: date,
    calendar: timetable.WorkingCalendar | None,
) -> None:
    """``calendar``: ask about a new due date that is not a working day (DayToConfirm) on it;
    None once the IRO has said to keep the date."""
    read, problems = _read_decision(review, data, stored_due=decision.due_on, today=today)
    if read is None:
        raise InputProblems(problems)
    if calendar is not None and read.due_on is not None and read.due_on != decision.due_on:
        warnings = timetable.not_working(calendar, read.due_on)
        if warnings:
            raise timetable.DayToConfirm(warnings)
    decision.kind = read.kind
    decision.text = read.text
    decision.child_text = read.child_text
    decision.owner = read.owner
    decision.owner_staff_id = read.owner_staff_id
    decision.owner_name = read.owner_name
    decision.due_on = read.due_on
    decision.in_person = read.in_person
    decision.teller_staff_id = read.teller_staff_id


def _stored(decision: ReviewDecision) -> _Decision:
    """What the form changes of a decision, as stored (to tell whether a change changed it)."""
    return _Decision(
        decision.kind,
        decision.text,
        decision.child_text,
        decision.owner,
        decision.owner_staff_id,
        decision.owner_name,
        decision.due_on,
        decision.in_person,
        decision.teller_staff_id,
    )


def add_decision(
    session: Session,
    review: Review,
    staff: StaffMember,
    data: DecisionInput,
    *,
    today: date | None = None,
    confirmed: bool = True,
) -> ReviewDecision:
    """Record a decision or action of the review (before the decisions are circulated: NotNow
    after). InputProblems lists every problem with ``data``. ``today`` is the real today unless
    given. With ``confirmed=False``, a due date that is not a working day raises DayToConfirm
    (nothing is added)."""
    decisions_open(session, review)
    decision = ReviewDecision(review_id=review.id, created_by_id=staff.id)
    decision.review = review
    calendar = None if confirmed else timetable.calendar_for(session)
    _apply(decision, review, data, today or clock.today(), calendar)
    session.add(decision)
    session.flush()
    return decision


def change_decision(
    session: Session,
    decision: ReviewDecision,
    data: DecisionInput,
    loaded_version: int | None,
    *,
    today: date | None = None,
    confirmed: bool = True,
) -> bool:
    """Change a decision or action (before circulation: NotNow after). False if nothing
    changed; VersionConflict if it was saved by someone else since the form was loaded;
    InputProblems lists every problem with ``data``; with ``confirmed=False``, DayToConfirm
    for a new due date that is not a working day (nothing is changed)."""
    review = decision.review
    decisions_open(session, review)
    check_version(decision.version, loaded_version)
    before = _stored(decision)
    calendar = None if confirmed else timetable.calendar_for(session)
    _apply(decision, review, data, today or clock.today(), calendar)
    if _stored(decision) == before:
        return False
    decision.updated_at = utcnow()
    session.flush()
    return True


def remove_decision(session: Session, decision: ReviewDecision) -> None:
    """Take a decision or action off the record (only before circulation)."""
    decisions_open(session, decision.review)
    session.delete(decision)
    session.flush()


def mark_action_done(
    session: Session, decision: ReviewDecision, staff: StaffMember, *, today: date, note: str = ""
) -> None:
    """The IRO has seen an action done: it is no longer flagged, done on the day its owner said
    (or today, if they said nothing); `note` is what the child is
    told about it (in "you said, we did"). NotNow("already-done") if it was marked done since
    the page was loaded (from another tab, say): that note stands, and this one is not saved."""
    if decision.kind != DecisionKind.ACTION:
        raise InputProblem("decision", "not-an-action")
    if decision.done_on is not None:
        raise NotNow("already-done")
    decision.done_note = clean_text(note, "note")
    # The day its owner said it was done, when they did (QA: an action done on time was
    # recorded as done the day the IRO got to it, two months late).
    decision.done_on = decision.progress_done_on or today
    decision.done_by_id = staff.id
    try:
        with session.begin_nested():
            session.flush()
    except StaleDataError:  # marked done in another request this very moment
        raise NotNow("already-done") from None


# --- circulating ---------------------------------------------------------------------------------


def circulation_open(session: Session, review: Review) -> None:
    """NotNow once the decisions are circulated, or while there are none to circulate."""
    decisions_open(session, review)
    if not decisions_for(session, review):
        raise NotNow("no-decisions")


def circulate(
    session: Session,
    review: Review,
    staff: StaffMember,
    held_on: date | None,
    *,
    today: date,
    confirmed: bool = True,
) -> Review | None:
    """Circulate the review's decisions: marks ``decisions-circulated`` done today, records the
    review as held on ``held_on`` first if it was not yet (the timetable's ``record_held``: its
    ``InputError``, ``TimetableConflict`` and, with ``confirmed=False``, ``DayToConfirm`` for a
    day that may be a typing mistake pass through), and from then on the child sees the
    decisions in "you said, we did". Returns the child's next review, as the timetable worked it
    out. NotNow once circulated, or with no decisions (``circulation_open``); an InputProblem
    on ``held_on`` if a decision is due before it."""
    circulation_open(session, review)
    decisions = decisions_for(session, review)
    if review.held_on is None:
        if held_on is None:
            raise InputProblem("held_on", "held-needed")
        # Something due before the meeting it was decided at is a mistake in one date or the
        # other: once the review is held, a due date cannot be set before it either. A day in
        # the future is the timetable's to refuse, in its own words.
        due = sorted(d.due_on for d in decisions if d.due_on is not None and d.due_on < held_on)
        if due and held_on <= today:
            raise InputProblem("held_on", "due-before-held", date=due[0])
        timetable.record_held(session, review, held_on, staff, today=today, confirmed=confirmed)
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
