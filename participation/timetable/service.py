"""The review timetable kept in the database: review due dates, milestones, significant events,
and the dashboards built on them.

The dates themselves come only from ``rules.py``; this module stores them, so that a dashboard
over thousands of children can filter, count and sort in SQL with a fixed number of queries.
Services take a database session and plain values and know nothing of the request. Errors in what
a person typed are ``InputError`` (a field and a code the page turns into words); a record
changed by someone else since the page was loaded is ``TimetableConflict``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final, NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true
from sqlalchemy.orm import Session, aliased, selectinload

from ..models import (
    CASEWORK_ROLES,
    OPEN_REVIEW,
    Assignment,
    Child,
    ClosureDay,
    CouncilSettings,
    EventDecision,
    EventKind,
    Home,
    Milestone,
    PlacementType,
    Review,
    ReviewStatus,
    Role,
    SignificantEvent,
    StaffMember,
    utcnow,
)
from ..models.review import LONDON, Lateness, lateness, meeting_day
from ..security.policy import child_is_visible, visible_child_ids
from ..security.principal import StaffPrincipal
from ..text import kept_words
from .elsewhere import done_elsewhere
from .rules import (
    AFTER_MEETING_TASKS,
    BEFORE_MEETING_TASKS,
    NATIONS,
    MilestoneStatus,
    Nation,
    TimetableError,
    TimetablePolicy,
    WorkingCalendar,
    milestone_status,
    milestones_for_review,
    missed,
    review_schedule,
)

log = logging.getLogger(__name__)

# A milestone is "due soon" within this many working days (a council dashboard setting).
SOON_WORKING_DAYS: Final = 5
MILESTONES_PER_PAGE: Final = 50
REVIEWS_SHOWN: Final = 25
EVENTS_SHOWN: Final = 20
NOTE_MAX: Final = 500
CLOSURE_REASON_MAX: Final = 200
# A review recorded as held more than this many days before the day its meeting was arranged
# for is probably a typing mistake: the IRO is asked to confirm the date.
HELD_WELL_BEFORE_MEETING: Final = timedelta(days=7)
# A task recorded as done more than this long before its due date is probably a typing mistake
# (most often the year): the person is asked to confirm the date. Staff in children's homes work
# weekends and bank holidays, so a task done on one is not asked about.
DONE_WELL_BEFORE_DUE: Final = timedelta(weeks=8)

STATUS_FILTERS: Final = (
    "outstanding",
    "overdue",
    "due-today",
    "due-soon",
    "upcoming",
    "missed",
    "done",
    "done-late",
    "all",
)
OWNER_FILTERS: Final = ("everyone", "mine")
# Review windows offered on the dashboards, in days ahead.
WINDOWS: Final = (28, 91, 182)

_STATUS_RANK: Final[dict[str, int]] = {
    "overdue": 0,
    "due-today": 1,
    "due-soon": 2,
    "upcoming": 3,
    "missed": 4,
    "done": 5,
}


class InputError(ValueError):
    """Something a person entered breaks a rule. ``field`` is the form field at fault, ``code``
    says which rule (the page words it), ``params`` fill in the message (dates, names)."""

    def __init__(self, field: str, code: str, **params: Any) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
        self.params = params


class TimetableConflict(Exception):
    """The record was changed by someone else since the page showing it was loaded."""


class RecordedElsewhere(Exception):
    """The task is marked done by the work on a page of its own (``elsewhere.DONE_ELSEWHERE``):
    it is not marked done, or put back to not done, by hand. Nothing was changed."""


class DayWarning(StrEnum):
    """Why a day someone entered may be a typing mistake."""

    WEEKEND = "weekend"
    BANK_HOLIDAY = "bank-holiday"
    CLOSURE_DAY = "closure-day"
    WELL_BEFORE_MEETING = "well-before-meeting"  # a review held: see HELD_WELL_BEFORE_MEETING
    PAST = "past"  # a closure day: due dates already passed may move
    AFTER_DUE = "after-due"  # a meeting day: the review would be out of time
    WELL_BEFORE_DUE = "well-before-due"  # a task done: see DONE_WELL_BEFORE_DUE
    OVERDUE_AT_ONCE = "overdue-at-once"  # a review brought forward: tasks due before today
    MEETING_AFTER = "meeting-after"  # a review brought forward: its meeting is after the date
    NIGHT = "night"  # a meeting's start time: at night, often "3:00" typed for 3 p.m.


class DayToConfirm(Exception):
    """The day entered may be a mistake (``warnings`` say why, ``params`` fill in their dates
    and counts): nothing was changed. The page asks the person to confirm the day, then calls
    again without asking (``confirmed=True``)."""

    def __init__(self, warnings: Sequence[DayWarning], **params: date | int) -> None:
        super().__init__(", ".join(warnings))
        self.warnings = list(warnings)
        self.params = params


def _ask(confirmed: bool, warnings: Sequence[DayWarning], **params: date | int) -> None:
    """Raise DayToConfirm unless the day was confirmed or there is nothing to warn about."""
    if warnings and not confirmed:
        raise DayToConfirm(warnings, **params)


def not_working(calendar: WorkingCalendar, day: date) -> list[DayWarning]:
    """Why ``day`` may be a mistake because it is not a working day (empty on a working day)."""
    because = calendar.closed_because(day)
    return [] if because is None else [DayWarning(because)]


def _clean(text: str, field: str, limit: int = NOTE_MAX) -> str:
    """Staff words as stored: no control characters (PostgreSQL refuses NUL), trimmed, and no
    longer than ``limit`` (InputError on ``field`` otherwise)."""
    text = kept_words(text)
    if len(text) > limit:
        raise InputError(field, "note-too-long", max=limit)
    return text


# --- the council's calendar and policy ------------------------------------------------------


@lru_cache(maxsize=16)
def _calendar(nation: Nation, closures: frozenset[date]) -> WorkingCalendar:
    # One calendar per (nation, closure days) for the life of the process: it caches each year's
    # working days as they are first needed, so later requests count days without rebuilding.
    return WorkingCalendar(nation, closures)


def _council(session: Session) -> tuple[str, bool]:
    row = session.execute(
        select(CouncilSettings.nation, CouncilSettings.first_review_from_new_placement)
        .order_by(CouncilSettings.id)
        .limit(1)
    ).first()
    if row is None:
        return "ENG", False
    return row[0], bool(row[1])


def calendar_for(session: Session) -> WorkingCalendar:
    """The council's working calendar: its nation's bank holidays and its own closure days.

    Two small queries; the calendar itself is shared between requests while they are unchanged.
    Raises TimetableError (field ``nation``) if the stored nation is not one of ENG, WLS, SCT, NIR.
    """
    nation, _from_placement = _council(session)
    closures = frozenset(session.scalars(select(ClosureDay.day)))
    if nation not in NATIONS:
        raise TimetableError("nation", f"Nation {nation!r} is not one of {', '.join(NATIONS)}")
    return _calendar(nation, closures)


def policy_for(session: Session) -> TimetablePolicy:
    """The council's timetable policy: the statutory defaults and the council's own settings."""
    _nation, from_placement = _council(session)
    return TimetablePolicy(first_review_from_new_placement=from_placement)


def soon_until(calendar: WorkingCalendar, today: date) -> date:
    """The last day a milestone counts as "due soon" (see ``rules.milestone_status``): anything
    due before the (SOON_WORKING_DAYS + 1)-th working day after today."""
    return calendar.add_working_days(today, SOON_WORKING_DAYS + 1) - timedelta(days=1)


def status_of(
    calendar: WorkingCalendar,
    due: date,
    done_on: date | None,
    today: date,
    *,
    name: str = "",
    held_on: date | None = None,
) -> str:
    """A milestone's status today, by the rules (done, missed, overdue, due-today, due-soon,
    upcoming). `name` and `held_on` (the task's name, its review's meeting day) tell a task
    missed by a meeting already held (rules.missed); without them it is judged by dates alone,
    which is right for a review not held yet."""
    status: MilestoneStatus = milestone_status(
        due,
        done_on,
        today,
        soon_working_days=SOON_WORKING_DAYS,
        calendar=calendar,
        was_missed=missed(name, done_on, held_on),
    )
    return status


# --- keeping reviews and milestones up to date ----------------------------------------------


def _open_reviews(child: Child) -> tuple[list[Review], list[Review]]:
    """The child's held reviews and the ones still to come, in order; cancelled ones left out."""
    live = [
        r
        for r in sorted(child.reviews, key=lambda r: r.number)
        if r.status != ReviewStatus.CANCELLED
    ]
    held = [r for r in live if r.held_on is not None]
    pending = [r for r in live if r.held_on is None]
    return held, pending


def _validate_held(child: Child, previous: Sequence[date], held_on: date, today: date) -> None:
    # The same rules as rules.review_schedule, checked first so each gets a message of its own.
    if held_on > today:
        raise InputError("held_on", "held-future", today=today)
    if held_on < child.became_looked_after:
        raise InputError("held_on", "held-before-looked-after", date=child.became_looked_after)
    if previous and held_on <= previous[-1]:
        raise InputError("held_on", "held-out-of-order", date=previous[-1])
    if child.left_care_on is not None and held_on > child.left_care_on:
        raise InputError("held_on", "held-after-left-care", date=child.left_care_on)


def recompute_child(
    session: Session,
    child: Child,
    today: date,
    *,
    calendar: WorkingCalendar | None = None,
    policy: TimetablePolicy | None = None,
) -> None:
    """Bring one child's reviews and milestones in line with the rules.

    Review due dates are worked out again from the held dates (``rules.review_schedule``); the
    next review is created when missing, keeps a date an IRO brought it forward to, and is
    cancelled if the child left care before it was due. The milestones of the next review and of
    the last one held (and of any review that already has some) are made again from
    ``rules.milestones_for_review``: due dates move, done ones keep who did them and when.
    Raises TimetableError if the child's stored history breaks the rules.
    """
    calendar = calendar or calendar_for(session)
    policy = policy or policy_for(session)
    review_ids = [review.id for review in child.reviews]
    milestones: list[Milestone] = []
    if review_ids:
        milestones = list(
            session.scalars(select(Milestone).where(Milestone.review_id.in_(review_ids)))
        )
    forward = _brought_forward(session, [child.id])
    _recompute(session, child, milestones, forward, calendar, policy, today)


def recompute_all(session: Session, today: date, *, batch: int = 500) -> list[str]:
    """Recompute every child (after the council's nation or closure days change).

    A fixed handful of queries per ``batch`` children. Returns the public ids of children whose
    stored history breaks the rules (left as they were, and logged) - there should be none.
    """
    calendar = calendar_for(session)
    policy = policy_for(session)
    failed: list[str] = []
    ids = list(session.scalars(select(Child.id).order_by(Child.id)))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        children = list(
            session.scalars(
                select(Child).where(Child.id.in_(chunk)).options(selectinload(Child.reviews))
            )
        )
        milestones = list(
            session.scalars(
                select(Milestone)
                .join(Review, Milestone.review_id == Review.id)
                .where(Review.child_id.in_(chunk))
            )
        )
        by_child: dict[int, list[Milestone]] = defaultdict(list)
        review_child = {r.id: c.id for c in children for r in c.reviews}
        for milestone in milestones:
            by_child[review_child[milestone.review_id]].append(milestone)
        forward = _brought_forward(session, chunk)
        for child in children:
            try:
                with session.begin_nested():
                    _recompute(session, child, by_child[child.id], forward, calendar, policy, today)
            except TimetableError as error:
                log.warning("Timetable of child %s not recomputed: %s", child.public_id, error)
                failed.append(child.public_id)
    return failed


def _brought_forward(session: Session, child_ids: Sequence[int]) -> dict[int, date]:
    """Review id -> the earliest date an IRO brought it forward to."""
    rows = session.execute(
        select(SignificantEvent.review_id, func.min(SignificantEvent.brought_forward_to))
        .where(
            SignificantEvent.child_id.in_(child_ids),
            SignificantEvent.decision == EventDecision.BRING_FORWARD,
            SignificantEvent.review_id.is_not(None),
        )
        .group_by(SignificantEvent.review_id)
    )
    return {review_id: day for review_id, day in rows if review_id is not None and day}


def _reinstate_cancelled(child: Child) -> None:
    """Only leaving care cancels a review. In care again (a mistaken date taken away, QA), the
    review comes back as it was, with its meeting, the child's plan and what they shared for
    it: a new empty review in its place left the IRO's pack without the child's views, while
    the child's page still said they were shared."""
    for review in child.reviews:
        if review.status == ReviewStatus.CANCELLED and review.held_on is None:
            review.status = ReviewStatus.ADJOURNED if review.adjourned_on else ReviewStatus.PLANNED


def _recompute(
    session: Session,
    child: Child,
    milestones: Iterable[Milestone],
    forward: dict[int, date],
    calendar: WorkingCalendar,
    policy: TimetablePolicy,
    today: date,
) -> None:
    if child.left_care_on is None:
        _reinstate_cancelled(child)
    held, pending = _open_reviews(child)
    upcoming = pending[0] if pending else None
    adjourned = (
        upcoming.adjourned_on
        if upcoming is not None and upcoming.status == ReviewStatus.ADJOURNED
        else None
    )
    schedule = review_schedule(
        calendar,
        child.became_looked_after,
        [review.held_on for review in held if review.held_on is not None],
        today=today,
        count=len(held) + 1,
        policy=policy,
        left_care=child.left_care_on,
        placement_start=child.placement_start,
        adjourned=adjourned,
    )
    existing: dict[int, dict[str, Milestone]] = defaultdict(dict)
    for milestone in milestones:
        existing[milestone.review_id][milestone.name] = milestone

    for due, review in zip(schedule, held, strict=False):
        if review.due_on != due.due:
            review.due_on = due.due
    if len(schedule) > len(held):
        due_on = schedule[len(held)].due
        # An adjournment sets its own date; otherwise a date an IRO brought the review forward
        # to stands unless the rules now make it due sooner still.
        if upcoming is not None and adjourned is None and upcoming.id in forward:
            due_on = min(due_on, forward[upcoming.id])
        if upcoming is None:
            upcoming = Review(
                child=child,
                number=max((r.number for r in child.reviews), default=0) + 1,
                due_on=due_on,
                status=ReviewStatus.PLANNED,
            )
            session.add(upcoming)
            session.flush()
        elif upcoming.due_on != due_on:
            upcoming.due_on = due_on
    elif upcoming is not None:
        # The child left care before the next review was due: no more reviews (Bexley s.4.2).
        for review in pending:
            review.status = ReviewStatus.CANCELLED
            for milestone in existing.get(review.id, {}).values():
                if milestone.done_on is None:
                    session.delete(milestone)
        upcoming = None

    ordered = held + ([upcoming] if upcoming is not None else [])
    current = {id(held[-1])} if held else set()
    if upcoming is not None:
        current.add(id(upcoming))
    for number, review in enumerate(ordered, start=1):
        if id(review) not in current and review.id not in existing:
            continue  # reviews held before the app knew of them keep no task list
        before = ordered[number - 2] if number > 1 else None
        starts = before.held_on if before is not None else child.became_looked_after
        _sync_milestones(
            session, child, review, number, existing.get(review.id, {}), calendar, policy, starts
        )


def _sync_milestones(
    session: Session,
    child: Child,
    review: Review,
    number: int,
    existing: dict[str, Milestone],
    calendar: WorkingCalendar,
    policy: TimetablePolicy,
    starts: date | None,
) -> None:
    circulated = existing.get("decisions-circulated")
    received = None
    if (
        circulated is not None
        and circulated.done_on is not None
        and review.held_on is not None
        and circulated.done_on >= review.held_on
    ):
        received = circulated.done_on
    meeting = review.held_on or review.meeting_date
    wanted = milestones_for_review(
        calendar,
        number,
        meeting,
        review.held_on,
        policy=policy,
        decisions_received=received,
        starts=starts,
    )
    if child.placement_type == PlacementType.FOSTER:
        # The keyworker tasks come from the residential keyworker guide; children in foster care
        # have no keyworker, so nobody would own them.
        wanted = [item for item in wanted if item.owner != Role.KEYWORKER.value]
    names = set()
    for item in wanted:
        names.add(item.name)
        row = existing.get(item.name)
        if row is None:
            session.add(
                Milestone(
                    review_id=review.id,
                    name=item.name,
                    owner_role=Role(item.owner),
                    due_on=item.due,
                )
            )
            continue
        if row.due_on != item.due:
            row.due_on = item.due
        if row.owner_role != item.owner:
            row.owner_role = Role(item.owner)
    for name, row in existing.items():
        # A task that no longer applies goes, unless it was done: that stays on the record.
        if name not in names and row.done_on is None:
            session.delete(row)


# --- actions --------------------------------------------------------------------------------


def milestone_for(session: Session, review: Review, name: str) -> Milestone | None:
    """One milestone of a review, by name."""
    return session.scalar(
        select(Milestone).where(Milestone.review_id == review.id, Milestone.name == name)
    )


def still_to_do_before(
    session: Session, review: Review, today: date
) -> list[tuple[Milestone, str]]:
    """The tasks before the meeting of `review` that are not done, soonest first, each with its
    status: for the review pack, so that its reader knows what is still to come (the social
    worker's report, the keyworker report...) before they rely on what is there. Empty once
    the review is held."""
    if review.held_on is not None:
        return []
    calendar = calendar_for(session)
    rows = session.scalars(
        select(Milestone)
        .where(
            Milestone.review_id == review.id,
            Milestone.done_on.is_(None),
            Milestone.name.in_(BEFORE_MEETING_TASKS),
        )
        .order_by(Milestone.due_on, Milestone.id)
    )
    return [(row, status_of(calendar, row.due_on, None, today)) for row in rows]


def previous_held(review: Review) -> Review | None:
    """The child's review held before ``review`` (by number), if any."""
    earlier = [
        r
        for r in review.child.reviews
        if r.number < review.number and r.held_on is not None and r.status != ReviewStatus.CANCELLED
    ]
    return max(earlier, key=lambda r: r.number, default=None)


def _validate_done(milestone: Milestone, on: date, today: date) -> None:
    # Days a task cannot have been done on, each with a message of its own.
    review = milestone.review
    child = review.child
    if on > today:
        raise InputError("done_on", "done-future", today=today)
    if on < child.became_looked_after:
        raise InputError("done_on", "done-before-looked-after", date=child.became_looked_after)
    # Tasks that follow the meeting cannot have been done before it was held.
    if milestone.name in AFTER_MEETING_TASKS and review.held_on and on < review.held_on:
        raise InputError("done_on", "done-before-held", date=review.held_on)
    # The tasks of review N are worked out once review N-1 is held: one done before then was
    # done for that review, or the date is wrong.
    previous = previous_held(review)
    if previous is not None and previous.held_on is not None and on < previous.held_on:
        raise InputError(
            "done_on", "done-before-previous-review", number=previous.number, date=previous.held_on
        )


def mark_done(
    session: Session,
    milestone: Milestone,
    staff: StaffMember,
    on: date,
    *,
    today: date,
    version: int | None = None,
    note: str = "",
    confirmed: bool = True,
) -> None:
    """Record that ``staff`` did ``milestone`` on ``on``.

    ``version`` is the milestone's version when the page was loaded: if someone has changed it
    since (or already marked it done), TimetableConflict. The day may not be in the future,
    before the child became looked after, before the review before this one was held, nor (for
    a task after the meeting) before this review was held: InputError on ``done_on``. With
    ``confirmed=False``, a day more than DONE_WELL_BEFORE_DUE before the task's due date raises
    DayToConfirm. Marking the decisions circulated moves the manager's deadline to 5 working
    days after they were received.
    """
    if (version is not None and version != milestone.version) or milestone.done_on is not None:
        raise TimetableConflict
    _validate_done(milestone, on, today)
    note = _clean(note, "note")
    warnings = [DayWarning.WELL_BEFORE_DUE] if on < milestone.due_on - DONE_WELL_BEFORE_DUE else []
    _ask(confirmed, warnings, due=milestone.due_on)
    milestone.done_on = on
    milestone.done_by_id = staff.id
    milestone.note = note
    session.flush()
    if milestone.name == "decisions-circulated":
        recompute_child(session, milestone.review.child, today)


def mark_not_done(
    session: Session, milestone: Milestone, *, version: int | None = None, by_its_work: bool = False
) -> date:
    """Put back a milestone marked done by mistake: who did it, when and their note are cleared,
    so it counts as still to do. Returns the day it had been marked done (for the audit record).

    RecordedElsewhere for a task the app marks done when its work is done: the work stays done,
    so the task does too (``by_its_work``: its own page took the work back, so it is not).
    TimetableConflict if it is not done, or was changed since the page was loaded
    (``version``).
    """
    if done_elsewhere(milestone.name) is not None and not by_its_work:
        raise RecordedElsewhere
    if (version is not None and version != milestone.version) or milestone.done_on is None:
        raise TimetableConflict
    was_done_on = milestone.done_on
    milestone.done_on = None
    milestone.done_by_id = None
    milestone.note = ""
    session.flush()
    return was_done_on


def record_event(
    session: Session,
    child: Child,
    staff: StaffMember,
    kind: EventKind | str,
    occurred_on: date,
    note: str,
    *,
    today: date,
) -> SignificantEvent:
    """Record a significant event in the child's life for their IRO to consider."""
    try:
        kind = EventKind(kind)
    except ValueError:
        raise InputError("kind", "kind-unknown") from None
    if occurred_on > today:
        raise InputError("occurred_on", "occurred-future", today=today)
    if occurred_on < child.became_looked_after:
        raise InputError(
            "occurred_on", "occurred-before-looked-after", date=child.became_looked_after
        )
    note = _clean(note, "note")
    event = SignificantEvent(
        child_id=child.id,
        kind=kind,
        occurred_on=occurred_on,
        note=note,
        recorded_by_id=staff.id,
    )
    session.add(event)
    session.flush()
    return event


def held_since(child: Child, day: date) -> Review | None:
    """The latest review held on or after ``day``, if any: one that could consider what
    happened that day."""
    held, _pending = _open_reviews(child)
    after = [r for r in held if r.held_on is not None and r.held_on >= day]
    return after[-1] if after else None


def next_review(child: Child) -> Review | None:
    """The child's next review: the first one not held, adjourned or planned, not cancelled."""
    _held, pending = _open_reviews(child)
    return pending[0] if pending else None


def bring_forward(
    session: Session,
    review: Review,
    new_due: date,
    staff: StaffMember,
    *,
    today: date,
    event: SignificantEvent,
    reason: str = "",
    confirmed: bool = True,
) -> None:
    """The IRO brings ``review`` forward to ``new_due`` because of ``event``; its milestones are
    worked out again from the new date.

    The new date must be a working day, not in the past, and before the date the review is due
    now (``InputError`` on ``new_due`` otherwise). With ``confirmed=False``, a date that makes
    tasks of the review overdue at once (not done, and now due before today) raises
    DayToConfirm with their ``count``.
    """
    if review.held_on is not None or review.status not in OPEN_REVIEW:
        raise TimetableConflict
    calendar = calendar_for(session)
    if new_due < today:
        raise InputError("new_due", "forward-past", today=today)
    if new_due >= review.due_on:
        raise InputError("new_due", "forward-not-earlier", date=review.due_on)
    if not calendar.is_working_day(new_due):
        raise InputError("new_due", "forward-not-working-day")
    reason = _clean(reason, "reason")
    overdue = _overdue_tasks(session, review, today)
    # Which tasks the new date makes overdue is for recompute_child to say (the one place
    # that works out due dates): it is asked in a savepoint, given up if the IRO is to confirm.
    with session.begin_nested():
        event.decision = EventDecision.BRING_FORWARD
        event.review_id = review.id
        event.brought_forward_to = new_due
        event.decision_note = reason
        event.considered_by_id = staff.id
        event.considered_at = utcnow()
        session.flush()
        recompute_child(session, review.child, today, calendar=calendar)
        session.flush()
        newly = _overdue_tasks(session, review, today) - overdue
        warnings = [DayWarning.OVERDUE_AT_ONCE] if newly else []
        # The meeting arranged already is not moved with it: out of time unless it is (QA: it
        # was saved without a word, and the tasks still counted from the meeting).
        meeting = meeting_after(review, new_due)
        if meeting is not None:
            warnings.append(DayWarning.MEETING_AFTER)
        _ask(confirmed, warnings, count=len(newly), meeting=meeting or new_due)


def meeting_after(review: Review, day: date) -> date | None:
    """The day of ``review``'s arranged meeting, if it is after ``day`` (None otherwise)."""
    if review.scheduled_at is None:
        return None
    meeting = meeting_day(review.due_on, review.scheduled_at)
    return meeting if meeting > day else None


def overdue_if_met_on(session: Session, review: Review, day: date, today: date) -> list[str]:
    """The names of ``review``'s tasks, not done and not overdue now, that a meeting on ``day``
    would make due before today: invitations needing ten working days' notice, say (QA: a
    meeting moved three days ahead made five tasks overdue without a word). Worked out by
    recompute_child, the one place that knows due dates, in a savepoint that is given up."""
    before = _overdue_tasks(session, review, today)
    saved = review.scheduled_at
    start = saved.astimezone(LONDON).time() if saved is not None else time(12)
    nested = session.begin_nested()
    try:
        review.scheduled_at = datetime.combine(day, start, LONDON).astimezone(UTC)
        session.flush()
        recompute_child(session, review.child, today)
        session.flush()
        newly = _overdue_tasks(session, review, today) - before
    except TimetableError:
        newly = set()  # a history that breaks the rules: the timetable pages say so
    finally:
        nested.rollback()
    return sorted(newly)


def _overdue_tasks(session: Session, review: Review, today: date) -> set[str]:
    """The names of the review's tasks not done and due before today."""
    return set(
        session.scalars(
            select(Milestone.name).where(
                Milestone.review_id == review.id,
                Milestone.done_on.is_(None),
                Milestone.due_on < today,
            )
        )
    )


def consider_event(
    session: Session,
    event: SignificantEvent,
    staff: StaffMember,
    decision: EventDecision | str,
    *,
    today: date,
    new_due: date | None = None,
    reason: str = "",
    version: int | None = None,
    confirmed: bool = True,
) -> None:
    """The IRO's decision on a significant event: bring the next review forward to ``new_due``
    (see ``bring_forward``, whose DayToConfirm passes through with ``confirmed=False``), or no
    change (``reason`` required). An event is considered once (TimetableConflict after)."""
    if (version is not None and version != event.version) or event.decision is not None:
        raise TimetableConflict
    try:
        decision = EventDecision(decision)
    except ValueError:
        raise InputError("decision", "decision-unknown") from None
    reason = _clean(reason, "reason")
    if decision == EventDecision.NO_CHANGE:
        if not reason:
            raise InputError("reason", "reason-required")
        event.decision = decision
        event.decision_note = reason
        event.considered_by_id = staff.id
        event.considered_at = utcnow()
        session.flush()
        return
    review = next_review(event.child)
    if review is None:
        raise InputError("new_due", "no-review")
    if new_due is None:
        raise InputError("new_due", "forward-required")
    bring_forward(
        session,
        review,
        new_due,
        staff,
        today=today,
        event=event,
        reason=reason,
        confirmed=confirmed,
    )


def record_held(
    session: Session,
    review: Review,
    held_on: date,
    staff: StaffMember,
    *,
    today: date,
    version: int | None = None,
    confirmed: bool = True,
) -> None:
    """Record the day ``review`` was held; the next review and the after-meeting milestones
    follow from it. Only the child's next review can be held, on a day not in the future, not
    before the child became looked after and after the review held before it.

    With ``confirmed=False``, a day that is probably a typing mistake raises DayToConfirm: not a
    working day (reviews are rarely held then), or more than HELD_WELL_BEFORE_MEETING before the
    day the meeting was arranged for."""
    if (version is not None and version != review.version) or review.held_on is not None:
        raise TimetableConflict
    child = review.child
    held, pending = _open_reviews(child)
    if not pending or pending[0].id != review.id:
        raise InputError("held_on", "not-next-review")
    previous = [r.held_on for r in held if r.held_on is not None]
    _validate_held(child, previous, held_on, today)
    calendar = calendar_for(session)
    policy = policy_for(session)
    # The rules have the last word, before anything is changed.
    try:
        review_schedule(
            calendar,
            child.became_looked_after,
            [*previous, held_on],
            today=today,
            policy=policy,
            left_care=child.left_care_on,
            placement_start=child.placement_start,
        )
    except TimetableError as error:
        raise InputError("held_on", "rules", message=error.message) from None
    warnings = not_working(calendar, held_on)
    if review.scheduled_at is not None and held_on < review.meeting_date - HELD_WELL_BEFORE_MEETING:
        warnings.append(DayWarning.WELL_BEFORE_MEETING)
    _ask(confirmed, warnings, meeting=review.meeting_date)
    review.held_on = held_on
    review.status = ReviewStatus.HELD
    session.flush()
    recompute_child(session, child, today, calendar=calendar, policy=policy)


# What the IRO writes when adjourning: why, and the effect of waiting on the child.
ADJOURN_WORDS_MAX: Final = 2000


def adjourn(
    session: Session,
    review: Review,
    adjourned_on: date,
    staff: StaffMember,
    why: str,
    child_effect: str,
    *,
    today: date,
    version: int | None = None,
    confirmed: bool = True,
) -> date:
    """The IRO adjourned ``review``'s meeting on ``adjourned_on`` (Bexley s.8: once, for no more
    than 20 working days, when the council has not given enough to consider). Returns the day
    it must now be held by, ``adjourn_max_working_days`` after, as the timetable works it out.

    ``why``: what was missing. ``child_effect``: the effect of waiting on the child, and what
    they (and their carers and parents) said. Both are needed: the procedure asks the IRO to
    weigh them. The meeting's day is cleared (it is to be arranged again, and the invitations
    say so); its place and everything planned and shared for it stay.

    Raises InputError (``adjourned_on``: once only, the day's rules as for a review held;
    ``why``/``child_effect``: empty or too long), TimetableConflict, and with ``confirmed=False``
    DayToConfirm for a day that is not a working day."""
    if (version is not None and version != review.version) or review.held_on is not None:
        raise TimetableConflict
    if review.adjourned_on is not None:
        raise InputError("adjourned_on", "adjourned-once", date=review.adjourned_on)
    child = review.child
    held, pending = _open_reviews(child)
    if not pending or pending[0].id != review.id:
        raise InputError("adjourned_on", "not-next-review-adjourn")
    previous = [r.held_on for r in held if r.held_on is not None]
    if adjourned_on > today:
        raise InputError("adjourned_on", "adjourned-future")
    if adjourned_on < child.became_looked_after:
        raise InputError(
            "adjourned_on", "adjourned-before-looked-after", date=child.became_looked_after
        )
    if previous and adjourned_on <= previous[-1]:
        raise InputError("adjourned_on", "adjourned-out-of-order", date=previous[-1])
    why = _clean(why, "why", ADJOURN_WORDS_MAX)
    child_effect = _clean(child_effect, "child_effect", ADJOURN_WORDS_MAX)
    if not why:
        raise InputError("why", "adjourned-why-required")
    if not child_effect:
        raise InputError("child_effect", "adjourned-effect-required")
    calendar = calendar_for(session)
    policy = policy_for(session)
    try:
        schedule = review_schedule(
            calendar,
            child.became_looked_after,
            previous,
            today=today,
            count=len(previous) + 1,
            policy=policy,
            left_care=child.left_care_on,
            placement_start=child.placement_start,
            adjourned=adjourned_on,
        )
    except TimetableError as error:
        raise InputError("adjourned_on", "rules", message=error.message) from None
    _ask(confirmed, not_working(calendar, adjourned_on))
    review.adjourned_on = adjourned_on
    review.adjourned_by_id = staff.id
    review.adjourned_why = why
    review.adjourned_child_effect = child_effect
    review.status = ReviewStatus.ADJOURNED
    review.scheduled_at = None
    session.flush()
    recompute_child(session, child, today, calendar=calendar, policy=policy)
    return schedule[len(previous)].due


def set_nation(session: Session, nation: str, today: date) -> None:
    """Change the nation whose bank holidays the council keeps, and recompute every child."""
    if nation not in NATIONS:
        raise InputError("nation", "nation-unknown")
    settings = session.scalar(select(CouncilSettings).order_by(CouncilSettings.id).limit(1))
    if settings is None:
        raise InputError("nation", "no-council")
    if settings.nation == nation:
        return
    settings.nation = nation
    session.flush()
    recompute_all(session, today)


CLOSURE_YEARS_AHEAD: Final = 5


def add_closure_day(
    session: Session, day: date, reason: str, today: date, *, confirmed: bool = True
) -> ClosureDay:
    """Add a day the council's offices are closed; every child's dates are recomputed.

    With ``confirmed=False``, DayToConfirm for a day that is already not a working day (adding
    it changes nothing) or a working day in the past (due dates that have passed may move). Both
    stay possible: a snow day is recorded after the fact."""
    reason = _clean(reason, "reason", CLOSURE_REASON_MAX)
    # A closure day matters to reviews of the last year or the next few: year 1 or 9999 is a
    # typing mistake (QA), not a day to keep.
    if (
        not today.replace(year=today.year - 1, day=1)
        <= day
        <= today.replace(year=today.year + CLOSURE_YEARS_AHEAD, day=28)
    ):
        raise InputError("day", "closure-far", years=CLOSURE_YEARS_AHEAD)
    if session.scalar(select(ClosureDay).where(ClosureDay.day == day)) is not None:
        raise InputError("day", "closure-exists", date=day)
    # A day that is not a working day anyway changes nothing, in the past or not.
    warnings = not_working(calendar_for(session), day)
    if not warnings and day < today:
        warnings.append(DayWarning.PAST)
    _ask(confirmed, warnings)
    closure = ClosureDay(day=day, reason=reason)
    session.add(closure)
    session.flush()
    recompute_all(session, today)
    return closure


def remove_closure_day(session: Session, day: date, today: date) -> bool:
    """Remove a closure day (False if there was none); every child's dates are recomputed."""
    closure = session.scalar(select(ClosureDay).where(ClosureDay.day == day))
    if closure is None:
        return False
    session.delete(closure)
    session.flush()
    recompute_all(session, today)
    return True


def closure_days(session: Session) -> list[ClosureDay]:
    """Every closure day, soonest first."""
    return list(session.scalars(select(ClosureDay).order_by(ClosureDay.day)))


def council_nation(session: Session) -> str:
    """The council's nation code (ENG, WLS, SCT or NIR)."""
    return _council(session)[0]


# --- the child's countdown ------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    """What a child's page says about their next meeting: in ``days`` days, at ``when``; or
    ``planning``: a date is still being planned. All None/False once the child has left care."""

    days: int | None
    when: datetime | None
    planning: bool


def meeting_countdown(child: Child, today: date) -> Countdown:
    """How long until the child's next meeting, for the child's own page.

    Only a meeting with a date set counts down; one due but not yet arranged (or whose day has
    passed without being recorded as held) is "still being planned".
    """
    if not child.still_looked_after:
        return Countdown(None, None, False)
    review = next_review(child)
    if review is None or review.scheduled_at is None or review.meeting_date < today:
        return Countdown(None, None, True)
    return Countdown((review.meeting_date - today).days, review.scheduled_at, False)


# --- one child's timetable ------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone
    status: str


@dataclass(frozen=True)
class ReviewTimetable:
    review: Review
    number: int
    milestones: list[MilestoneView]

    @property
    def finished(self) -> bool:
        """Held, with every task done or missed: nothing left in it for anyone to do."""
        return self.review.held_on is not None and all(
            view.status in ("done", "missed") for view in self.milestones
        )

    @property
    def missed(self) -> int:
        """How many of its tasks were not done before its meeting (rules.missed)."""
        return sum(1 for view in self.milestones if view.status == "missed")


@dataclass(frozen=True)
class ChildTimetable:
    next_review: Review | None
    late: Lateness | None  # of the next review
    reviews: list[ReviewTimetable]
    events: list[SignificantEvent]


def child_timetable(session: Session, child: Child, today: date) -> ChildTimetable:
    """The child's next review and the last one held, with their milestones (soonest first),
    and the significant events recorded (newest first). A fixed number of queries."""
    calendar = calendar_for(session)
    held, pending = _open_reviews(child)
    upcoming = pending[0] if pending else None
    shown = [r for r in (upcoming, held[-1] if held else None) if r is not None]
    # An earlier review's tasks still to do are counted as overdue on every dashboard: they are
    # shown here too, where they are done (QA: "2 overdue", and nowhere to act on them).
    earlier = held[:-1]
    rows = list(
        session.scalars(
            select(Milestone)
            .where(
                or_(
                    Milestone.review_id.in_([r.id for r in shown]),
                    and_(
                        Milestone.review_id.in_([r.id for r in earlier]),
                        Milestone.done_on.is_(None),
                    ),
                )
            )
            .options(selectinload(Milestone.done_by))
            .order_by(Milestone.due_on, Milestone.id)
        )
    )
    held_on = {r.id: r.held_on for r in (*shown, *earlier)}
    by_review: dict[int, list[MilestoneView]] = defaultdict(list)
    for row in rows:
        by_review[row.review_id].append(
            MilestoneView(
                row,
                status_of(
                    calendar,
                    row.due_on,
                    row.done_on,
                    today,
                    name=row.name,
                    held_on=held_on[row.review_id],
                ),
            )
        )
    numbers = {id(r): n for n, r in enumerate(held + pending[:1], start=1)}
    for review in earlier:
        # Only what is still to do, and not what can no longer be done (missed at the meeting).
        by_review[review.id] = [v for v in by_review.get(review.id, []) if v.status != "missed"]
    still_to_do = [r for r in reversed(earlier) if by_review.get(r.id)]
    events = list(
        session.scalars(
            select(SignificantEvent)
            .where(SignificantEvent.child_id == child.id)
            .options(
                selectinload(SignificantEvent.recorded_by),
                selectinload(SignificantEvent.considered_by),
            )
            .order_by(SignificantEvent.occurred_on.desc(), SignificantEvent.id.desc())
        )
    )
    return ChildTimetable(
        next_review=upcoming,
        late=upcoming.lateness(today) if upcoming else None,
        reviews=[
            ReviewTimetable(r, numbers[id(r)], by_review.get(r.id, []))
            for r in (*shown, *still_to_do)
        ],
        events=events,
    )


# --- dashboards -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a dashboard shows: milestones by ``status``, the owner's (``mine``) or everyone's,
    for children in one ``home`` (a public id), whose review is within ``window`` days."""

    status: str = "outstanding"
    owner: str = "everyone"
    home: str = ""
    window: int | None = None
    page: int = 1
    # A manager's: the children of one keyworker, social worker or IRO (a public id), and that
    # person's id once found among those the manager may choose (dashboard()).
    worker: str = ""
    worker_id: int | None = None


@dataclass(frozen=True)
class Counts:
    """How many tasks have each status, the fields in the order of _RANKED; then how many of
    those done were done late."""

    overdue: int = 0
    due_today: int = 0
    due_soon: int = 0
    upcoming: int = 0
    missed: int = 0
    done: int = 0
    done_late: int = 0  # of those done, done after their due day

    @property
    def outstanding(self) -> int:
        return self.overdue + self.due_today + self.due_soon + self.upcoming

    def for_status(self, status: str) -> int:
        """How many milestones a status filter matches."""
        return {
            "outstanding": self.outstanding,
            "overdue": self.overdue,
            "due-today": self.due_today,
            "due-soon": self.due_soon,
            "upcoming": self.upcoming,
            "missed": self.missed,
            "done": self.done,
            "done-late": self.done_late,
            "all": self.outstanding + self.missed + self.done,
        }[status]

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class MilestoneRow:
    name: str
    owner_role: Role
    due_on: date
    done_on: date | None
    done_by: str | None
    status: str
    child_id: str
    child_name: str
    home_name: str
    review_id: str
    review_number: int


@dataclass(frozen=True)
class ReviewRow:
    child_id: str
    child_name: str
    home_name: str
    review_id: str
    number: int
    due_on: date
    scheduled_at: datetime | None
    overdue_tasks: int

    @property
    def meeting_date(self) -> date:
        return meeting_day(self.due_on, self.scheduled_at)

    def lateness(self, today: date) -> Lateness | None:
        return lateness(self.due_on, self.meeting_date, today)


@dataclass(frozen=True)
class EventRow:
    event_id: str
    kind: EventKind
    occurred_on: date
    child_id: str
    child_name: str
    recorded_by: str


@dataclass(frozen=True)
class HomeCounts:
    home_id: str
    name: str
    children: int
    counts: Counts


@dataclass
class Dashboard:
    today: date
    filters: Filters
    counts: Counts
    milestones: list[MilestoneRow]
    milestone_total: int
    pages: int
    reviews: list[ReviewRow]
    more_reviews: bool
    events: list[EventRow]
    event_total: int
    homes: list[tuple[str, str]]
    home_counts: list[HomeCounts] = field(default_factory=list)
    workers: list[tuple[str, str, Role]] = field(default_factory=list)  # a manager's to choose


@dataclass(frozen=True)
class _Home:
    id: int
    public_id: str
    name: str


_RANKED: Final = ("overdue", "due-today", "due-soon", "upcoming", "missed", "done")


@dataclass(frozen=True)
class _Bounds:
    """A status filter or sort in SQL, with the boundaries of rules.milestone_status: before
    today is overdue, today is due today, up to ``soon_until`` is due soon (see soon_until())."""

    today: date
    soon_until: date

    def status(self, name: str) -> ColumnElement[bool]:
        """Needs Review joined (the meeting held or not: rules.missed)."""
        undone = Milestone.done_on.is_(None)
        due = Milestone.due_on
        # Not done, and still to do: not a task for before a meeting already held.
        to_do = and_(undone, _not_missed())
        conditions: dict[str, ColumnElement[bool]] = {
            "all": true(),
            "outstanding": to_do,
            "overdue": and_(to_do, due < self.today),
            "due-today": and_(to_do, due == self.today),
            "due-soon": and_(to_do, due > self.today, due <= self.soon_until),
            "upcoming": and_(to_do, due > self.soon_until),
            "missed": and_(undone, ~_not_missed()),
            "done": Milestone.done_on.is_not(None),
            # Done, but after the due day: what compliance counts as late (labels.days_late).
            "done-late": Milestone.done_on > due,
        }
        return conditions[name]


def _not_missed() -> ColumnElement[bool]:
    """rules.missed() in SQL, the other way round, for a task not done (Review joined)."""
    return or_(Review.held_on.is_(None), Milestone.name.not_in(BEFORE_MEETING_TASKS))


def _window(today: date, days: int | None) -> ColumnElement[bool]:
    """Reviews held already, or meeting (the date set, else the due date) within ``days``."""
    if days is None:
        return true()
    until = today + timedelta(days=days)
    ends = datetime.combine(until + timedelta(days=1), time(0), LONDON).astimezone(UTC)
    return or_(
        Review.held_on.is_not(None),
        and_(Review.scheduled_at.is_(None), Review.due_on <= until),
        Review.scheduled_at < ends,
    )


def _child_scope(
    principal: StaffPrincipal, home: _Home | None, worker_id: int | None = None
) -> list[ColumnElement[bool]]:
    """Looked-after children this staff member may see (in one home, and with one worker on
    their case, when given)."""
    conditions = [child_is_visible(principal), Child.left_care_on.is_(None)]
    if home is not None:
        conditions.append(Child.home_id == home.id)
    if worker_id is not None:
        conditions.append(
            Child.id.in_(
                select(Assignment.child_id).where(
                    Assignment.staff_id == worker_id, Assignment.active.is_(True)
                )
            )
        )
    return conditions


def _milestone_scope(
    principal: StaffPrincipal, filters: Filters, today: date, home: _Home | None
) -> list[ColumnElement[bool]]:
    conditions = _child_scope(principal, home, filters.worker_id)
    conditions += [Review.status != ReviewStatus.CANCELLED, _window(today, filters.window)]
    ids = visible_child_ids(principal)
    if ids is not None:
        # The same rows again, said so that SQLite starts from the caseload's reviews and not
        # from the council's tasks in date order (a caseload's page costs what it holds).
        own = aliased(Review)
        conditions.append(Milestone.review_id.in_(select(own.id).where(own.child_id.in_(ids))))
    if filters.owner == "mine":
        conditions.append(Milestone.owner_role == principal.role)
    return conditions


def _from_milestones(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(Milestone)
        .join(Review, Milestone.review_id == Review.id)
        .join(Child, Review.child_id == Child.id)
    )


def _counts_by_home(
    session: Session,
    principal: StaffPrincipal,
    today: date,
    filters: Filters,
    calendar: WorkingCalendar,
) -> dict[int | None, Counts]:
    """Home id -> the counts by status of the milestones in scope: one query, one pass over
    them, whatever the size of the caseload."""
    bounds = _Bounds(today, soon_until(calendar, today))

    def how_many(name: str) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((bounds.status(name), 1), else_=0)), 0)

    sums = [how_many(name) for name in _RANKED[:-1]]
    rows = session.execute(
        _from_milestones(Child.home_id, *sums, func.count(Milestone.done_on), how_many("done-late"))
        .where(*_milestone_scope(principal, filters, today, None))
        .group_by(Child.home_id)
    )
    return {row[0]: Counts(*(int(value or 0) for value in row[1:])) for row in rows}


def due_counts(
    session: Session,
    principal: StaffPrincipal,
    today: date,
    filters: Filters | None = None,
    calendar: WorkingCalendar | None = None,
) -> Counts:
    """How many of the milestones this staff member sees are overdue, due today, due soon,
    upcoming and done (three queries: two for the calendar, unless it is given, one to count)."""
    filters = filters or Filters()
    calendar = calendar or calendar_for(session)
    by_home = _counts_by_home(session, principal, today, replace(filters, home=""), calendar)
    return sum(by_home.values(), Counts())


def dashboard(
    session: Session, principal: StaffPrincipal, today: date, filters: Filters
) -> Dashboard:
    """Everything a dashboard shows for this staff member's children (a manager: the council).

    Milestones matching the filters, overdue first (most overdue first), a page at a time; the
    counts by status; the next reviews, past due first; the significant events waiting for an
    IRO's decision; the homes to filter by; for a manager, the counts for each home. A fixed
    number of SQL queries whatever the caseload: seven, and two more for a manager.
    """
    homes = _homes(session, principal)
    home = next((h for h in homes if h.public_id == filters.home), None)
    # A home this person's children do not live in shows everything rather than nothing.
    filters = replace(filters, home=home.public_id if home else "")
    workers = _workers(session) if principal.role == Role.MANAGER else []
    worker = next((w for w in workers if w[1] == filters.worker), None)
    filters = replace(
        filters, worker=worker[1] if worker else "", worker_id=worker[0] if worker else None
    )
    calendar = calendar_for(session)
    by_home = _counts_by_home(session, principal, today, filters, calendar)
    counts = sum(
        (value for home_id, value in by_home.items() if home is None or home_id == home.id),
        Counts(),
    )
    total = counts.for_status(filters.status)
    pages = max(1, -(-total // MILESTONES_PER_PAGE))
    filters = replace(filters, page=min(max(filters.page, 1), pages))
    result = Dashboard(
        today=today,
        filters=filters,
        counts=counts,
        milestones=_milestone_page(session, principal, today, filters, home, calendar),
        milestone_total=total,
        pages=pages,
        reviews=[],
        more_reviews=False,
        events=[],
        event_total=0,
        homes=[(h.public_id, h.name) for h in homes],
        workers=[(public_id, name, role) for _id, public_id, name, role in workers],
    )
    result.reviews, result.more_reviews = _next_reviews(session, principal, today, filters, home)
    result.events, result.event_total = _waiting_events(session, principal, home, filters.worker_id)
    if principal.role == Role.MANAGER:
        result.home_counts = _home_counts(session, homes, by_home)
    return result


def _milestone_page(
    session: Session,
    principal: StaffPrincipal,
    today: date,
    filters: Filters,
    home: _Home | None,
    calendar: WorkingCalendar,
) -> list[MilestoneRow]:
    bounds = _Bounds(today, soon_until(calendar, today))
    done_by = aliased(StaffMember)
    # Overdue first, most overdue first: among tasks still to do, the statuses follow the due
    # date, so sorting by it is the same as sorting by status (and an index can serve it).
    # Everything: the tasks still to do, then those missed, then those done.
    order: list[Any] = [Milestone.due_on, Child.preferred_name, Milestone.id]
    if filters.status == "all":
        order.insert(
            0, case((bounds.status("outstanding"), 0), (Milestone.done_on.is_(None), 1), else_=2)
        )
    rows = session.execute(
        _from_milestones(
            Milestone.name,
            Milestone.owner_role,
            Milestone.due_on,
            Milestone.done_on,
            done_by.name,
            Child.public_id,
            Child.preferred_name,
            Home.name,
            Review.public_id,
            Review.number,
            Review.held_on,
        )
        .outerjoin(Home, Child.home_id == Home.id)
        .outerjoin(done_by, Milestone.done_by_id == done_by.id)
        .where(*_milestone_scope(principal, filters, today, home), bounds.status(filters.status))
        .order_by(*order)
        .limit(MILESTONES_PER_PAGE)
        .offset((filters.page - 1) * MILESTONES_PER_PAGE)
    )
    return [
        MilestoneRow(
            name=row[0],
            owner_role=row[1],
            due_on=row[2],
            done_on=row[3],
            done_by=row[4],
            status=status_of(calendar, row[2], row[3], today, name=row[0], held_on=row[10]),
            child_id=row[5],
            child_name=row[6],
            home_name=row[7] or "",
            review_id=row[8],
            review_number=row[9],
        )
        for row in rows
    ]


def _next_reviews(
    session: Session,
    principal: StaffPrincipal,
    today: date,
    filters: Filters,
    home: _Home | None,
) -> tuple[list[ReviewRow], bool]:
    """The next REVIEWS_SHOWN reviews, soonest due first (so past due first), with how many of
    their tasks are overdue; and whether there are more."""
    counted = [
        Milestone.review_id == Review.id,
        Milestone.done_on.is_(None),
        Milestone.due_on < today,
    ]
    if filters.owner == "mine":
        # As the counts and the task list above it do (QA: "0 overdue", then "Jay: 1 overdue").
        counted.append(Milestone.owner_role == principal.role)
    overdue = select(func.count(Milestone.id)).where(*counted).correlate(Review).scalar_subquery()
    rows = session.execute(
        select(
            Child.public_id,
            Child.preferred_name,
            Home.name,
            Review.public_id,
            Review.number,
            Review.due_on,
            Review.scheduled_at,
            overdue,
        )
        .select_from(Review)
        .join(Child, Review.child_id == Child.id)
        .outerjoin(Home, Child.home_id == Home.id)
        .where(
            *_child_scope(principal, home, filters.worker_id),
            Review.held_on.is_(None),
            Review.status.in_(OPEN_REVIEW),
            _window(today, filters.window),
        )
        .order_by(Review.due_on, Child.preferred_name, Review.id)
        .limit(REVIEWS_SHOWN + 1)
    ).all()
    reviews = [
        ReviewRow(
            child_id=row[0],
            child_name=row[1],
            home_name=row[2] or "",
            review_id=row[3],
            number=row[4],
            due_on=row[5],
            scheduled_at=row[6],
            overdue_tasks=int(row[7] or 0),
        )
        for row in rows[:REVIEWS_SHOWN]
    ]
    return reviews, len(rows) > REVIEWS_SHOWN


def waiting_events(session: Session, principal: StaffPrincipal) -> tuple[list[EventRow], int]:
    """Significant events of the children this person sees that wait for the IRO's decision,
    oldest first (the first EVENTS_SHOWN), and how many there are: one query."""
    return _waiting_events(session, principal, None)


def _waiting_events(
    session: Session, principal: StaffPrincipal, home: _Home | None, worker_id: int | None = None
) -> tuple[list[EventRow], int]:
    rows = session.execute(
        select(
            SignificantEvent.public_id,
            SignificantEvent.kind,
            SignificantEvent.occurred_on,
            Child.public_id,
            Child.preferred_name,
            StaffMember.name,
            func.count().over(),
        )
        .select_from(SignificantEvent)
        .join(Child, SignificantEvent.child_id == Child.id)
        .join(StaffMember, SignificantEvent.recorded_by_id == StaffMember.id)
        .where(*_child_scope(principal, home, worker_id), SignificantEvent.decision.is_(None))
        .order_by(SignificantEvent.occurred_on, SignificantEvent.id)
        .limit(EVENTS_SHOWN)
    ).all()
    total = rows[0][-1] if rows else 0
    return [EventRow(*row[:-1]) for row in rows], int(total)


def _workers(session: Session) -> list[tuple[int, str, str, Role]]:
    """Everyone a manager may see the children of: keyworkers, social workers and IROs with a
    child on their case now, by name (QA: a manager could not see one worker's caseload)."""
    rows = session.execute(
        select(StaffMember.id, StaffMember.public_id, StaffMember.name, StaffMember.role)
        .where(
            StaffMember.id.in_(select(Assignment.staff_id).where(Assignment.active.is_(True))),
            StaffMember.role.in_(CASEWORK_ROLES),
            StaffMember.active.is_(True),  # a disabled account works with nobody (QA)
        )
        .order_by(StaffMember.name, StaffMember.id)
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def _homes(session: Session, principal: StaffPrincipal) -> list[_Home]:
    """The homes this staff member's children live in (a manager: every active home, and any
    other a looked-after child still lives in)."""
    lived_in = select(Child.home_id).where(
        child_is_visible(principal), Child.left_care_on.is_(None)
    )
    condition: ColumnElement[bool] = Home.id.in_(lived_in)
    if principal.role == Role.MANAGER:
        condition = or_(Home.active.is_(True), condition)
    rows = session.execute(
        select(Home.id, Home.public_id, Home.name).where(condition).order_by(Home.name, Home.id)
    )
    return [_Home(*row) for row in rows]


def _home_counts(
    session: Session, homes: Sequence[_Home], by_home: dict[int | None, Counts]
) -> list[HomeCounts]:
    rows = session.execute(
        select(Child.home_id, func.count(Child.id))
        .where(Child.left_care_on.is_(None))
        .group_by(Child.home_id)
    )
    children = {row[0]: int(row[1]) for row in rows}
    return [
        HomeCounts(
            home.public_id, home.name, int(children.get(home.id, 0)), by_home.get(home.id, Counts())
        )
        for home in homes
    ]


def council_counts(
    session: Session,
    principal: StaffPrincipal,
    today: date,
    filters: Filters | None = None,
) -> list[HomeCounts]:
    """Per home: how many looked-after children live there and how many of their milestones
    are overdue, due today, due soon, upcoming and done. A fixed handful of queries whatever the
    council's size. Only for staff who see the whole council; others get an empty list."""
    if principal.role != Role.MANAGER:
        return []
    filters = filters or Filters()
    calendar = calendar_for(session)
    homes = _homes(session, principal)
    by_home = _counts_by_home(session, principal, today, filters, calendar)
    return _home_counts(session, homes, by_home)


class Overdue(NamedTuple):
    """A child's overdue review tasks: all of them, and how many are the reader's role's."""

    all: int
    yours: int


def overdue_by_child(
    session: Session, principal: StaffPrincipal, today: date
) -> dict[int, Overdue]:
    """Child id -> their overdue milestones, for the children this staff member sees (one
    query). "Yours": a keyworker seeing "3 overdue" in red must be able to tell that none are
    theirs (they are the IRO's and the social worker's) without opening the timetable."""
    rows = session.execute(
        select(
            Review.child_id,
            func.count(Milestone.id),
            func.count(case((Milestone.owner_role == principal.role, Milestone.id))),
        )
        .select_from(Milestone)
        .join(Review, Milestone.review_id == Review.id)
        .join(Child, Review.child_id == Child.id)
        .where(
            child_is_visible(principal),
            Child.left_care_on.is_(None),
            Review.status != ReviewStatus.CANCELLED,
            Milestone.done_on.is_(None),
            Milestone.due_on < today,
            _not_missed(),
        )
        .group_by(Review.child_id)
    )
    return {child_id: Overdue(int(every), int(yours)) for child_id, every, yours in rows}
