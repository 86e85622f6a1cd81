"""The statutory timetable of a child's Looked After Review, as pure functions.

Sources, cited on each function:

- The Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959): reg 2(1)
  defines a working day (not a Saturday, Sunday, Christmas Day, Good Friday or a bank holiday under
  the Banking and Financial Dealings Act 1971); reg 33 sets when reviews are due.
- A council's Looked After Reviews procedure (Bexley, in ``/work/shared/seeds``): sections 5, 6, 8,
  12 and 13 give the working-day timescales before and after the meeting and the adjournment rule.
- A residential keyworker practice guide (West Sussex, in ``/work/shared/seeds``): the first review
  within 20 working days of a new placement; the keyworker report shared with the child, then sent
  to the social worker and IRO; the IRO meeting the child before the review.

Nothing here knows about Flask or the database: callers pass dates in and get dates back.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Final, Literal

import holidays

Nation = Literal["ENG", "WLS", "SCT", "NIR"]
NATIONS: Final[tuple[Nation, ...]] = ("ENG", "WLS", "SCT", "NIR")
NATION_NAMES: Final[Mapping[Nation, str]] = MappingProxyType(
    {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
)

Phase = Literal["before", "after"]
MilestoneStatus = Literal["done", "missed", "overdue", "due-today", "due-soon", "upcoming"]
# Why a day is not a working day (see WorkingCalendar.closed_because).
ClosedBecause = Literal["weekend", "bank-holiday", "closure-day"]

# The milestones and who owns them, in the order the brief lists them. Ties in date keep this order.
BEFORE_MEETING: Final[tuple[tuple[str, str], ...]] = (
    ("consult-child", "social-worker"),
    ("invitations-sent", "social-worker"),
    ("iro-meets-child", "iro"),
    ("keyworker-report-shared-with-child", "keyworker"),
    ("keyworker-report-sent", "keyworker"),
    ("child-views-ready", "keyworker"),
    ("social-worker-documents", "social-worker"),
)
AFTER_MEETING: Final[tuple[tuple[str, str], ...]] = (
    ("decisions-circulated", "iro"),
    ("manager-considers-decisions", "manager"),
    ("care-plan-updated", "social-worker"),
    ("full-record", "iro"),
    ("record-distributed", "iro"),
)

BEFORE_MEETING_TASKS: Final = frozenset(name for name, _owner in BEFORE_MEETING)
AFTER_MEETING_TASKS: Final = frozenset(name for name, _owner in AFTER_MEETING)

_ONE_DAY: Final = timedelta(days=1)
_NO_DATES: Final[Mapping[int, date]] = MappingProxyType({})


class TimetableError(ValueError):
    """A date or setting that breaks the timetable rules.

    ``field`` names the input at fault (``"held"``, ``"left_care"``, ``"nation"`` ...) so a form or
    a command line can put the message next to it; ``message`` is plain English and names the field.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@lru_cache(maxsize=1024)
def _bank_holidays(nation: Nation, year: int) -> frozenset[date]:
    # Shared by every WorkingCalendar of the nation: building one year costs about a millisecond,
    # and dashboards build calendars per request. holidays.UK includes the substitute ("observed")
    # days, e.g. Boxing Day 2026 (a Saturday) is taken on Monday 28 December.
    return frozenset(holidays.UK(subdiv=nation, years=year))


class WorkingCalendar:
    """Working days of one UK nation: not a weekend, a bank holiday or a council closure day.

    Rule: CPPCR (England) Regulations 2010 reg 2(1), "working day"; the bank holidays (with their
    substitute days) come from the ``holidays`` package for the nation, because England and
    Wales, Scotland and Northern Ireland differ. ``closures`` are extra days the council's
    offices are shut.
    Bank holidays are loaded one year at a time, when first needed, and cached.
    """

    __slots__ = ("_closed_by_year", "_statutory", "_working_by_year", "closures", "nation")

    def __init__(self, nation: Nation, closures: Iterable[date] = ()) -> None:
        if nation not in NATIONS:
            raise TimetableError(
                "nation",
                f"Nation {nation!r} is not one of {', '.join(NATIONS)} "
                "(England, Wales, Scotland, Northern Ireland)",
            )
        days: set[date] = set()
        for closure in closures:
            if isinstance(closure, datetime) or not isinstance(closure, date):
                raise TimetableError("closures", f"Closure day {closure!r} is not a date")
            days.add(closure)
        self.nation: Nation = nation
        self.closures: frozenset[date] = frozenset(days)
        self._closed_by_year: dict[int, frozenset[date]] = {}
        self._working_by_year: dict[int, tuple[int, ...]] = {}
        self._statutory: WorkingCalendar | None = None

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.nation!r}, closures={sorted(self.closures)!r})"

    def _closed(self, year: int) -> frozenset[date]:
        closed = self._closed_by_year.get(year)
        if closed is None:
            closed = _bank_holidays(self.nation, year).union(
                day for day in self.closures if day.year == year
            )
            self._closed_by_year[year] = closed
        return closed

    def _working_days(self, year: int) -> tuple[int, ...]:
        # The ordinals of the year's working days, in order.
        days = self._working_by_year.get(year)
        if days is None:
            if not date.min.year <= year <= date.max.year:
                raise TimetableError("date", "Counting working days leaves the calendar")
            closed = {day.toordinal() for day in self._closed(year)}
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            # Ordinal 1 (1 January of year 1) was a Monday, so (ordinal - 1) % 7 is the weekday.
            days = tuple(o for o in range(first, last + 1) if (o - 1) % 7 < 5 and o not in closed)
            self._working_by_year[year] = days
        return days

    def is_working_day(self, d: date) -> bool:
        """True when ``d`` is a working day: Monday to Friday, not a bank holiday of the nation
        (substitute days included) and not a council closure day. Source: CPPCR 2010 reg 2(1)."""
        if d.weekday() >= 5:
            return False
        closed = self._closed_by_year.get(d.year)
        if closed is None:
            closed = self._closed(d.year)
        return d not in closed

    def closed_because(self, d: date) -> ClosedBecause | None:
        """Why ``d`` is not a working day: a weekend, else a council closure day, else a bank
        holiday of the nation; None on a working day."""
        if self.is_working_day(d):
            return None
        if d.weekday() >= 5:
            return "weekend"
        return "closure-day" if d in self.closures else "bank-holiday"

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (``n > 0``), before ``d`` (``n < 0``), or ``d``
        itself (``n == 0``). ``d`` is never counted, so the result is a working day whenever
        ``n != 0``. Rule: "within N working days of" / "at least N working days before" in the
        Bexley procedure (sections 5, 6, 8, 12, 13) and CPPCR 2010 reg 33(1)."""
        if n == 0:
            return d
        # Index into each year's sorted working days instead of stepping day by day: dashboards
        # ask for thousands of these per page.
        year = d.year
        days = self._working_days(year)
        if n > 0:
            position = bisect_right(days, d.toordinal()) + n - 1
            while position >= len(days):
                position -= len(days)
                year += 1
                days = self._working_days(year)
        else:
            position = bisect_left(days, d.toordinal()) + n
            while position < 0:
                year -= 1
                days = self._working_days(year)
                position += len(days)
        return date.fromordinal(days[position])

    def within_working_days(self, d: date, n: int) -> date:
        """The day something due "within ``n`` working days of" ``d`` is due by (``n > 0``):
        counted in the law's working days (weekends and the nation's bank holidays), then moved
        earlier off a council closure day. A closure day never makes a deadline later than the
        law's (QA: the record was due to be sent on 24 December by law, on 29 December with
        the council's Christmas Eve closure counted); counting back (``add_working_days`` with
        ``n < 0``), closures only make deadlines earlier, which is safe."""
        if not self.closures:
            return self.add_working_days(d, n)
        if self._statutory is None:
            self._statutory = WorkingCalendar(self.nation)
        return self.last_working_day_on_or_before(self._statutory.add_working_days(d, n))

    def last_working_day_on_or_before(self, d: date) -> date:
        """``d`` if it is a working day, else the nearest working day before it. Rule: a review
        due "not more than" N months after the last one must be held by then, so a deadline on a
        weekend or bank holiday moves earlier, never later (CPPCR 2010 reg 33(2))."""
        try:
            while not self.is_working_day(d):
                d -= _ONE_DAY
        except OverflowError:
            raise TimetableError(
                "date", "No working day before the start of the calendar"
            ) from None
        return d

    def next_working_day_on_or_after(self, d: date) -> date:
        """``d`` if it is a working day, else the nearest working day after it (CPPCR 2010
        reg 2(1) working days)."""
        try:
            while not self.is_working_day(d):
                d += _ONE_DAY
        except OverflowError:
            raise TimetableError("date", "No working day after the end of the calendar") from None
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days fall after ``a`` up to and including ``b``; negative (the same
        count, negated) when ``b`` is before ``a``. For a working day ``a``,
        ``working_days_between(a, add_working_days(a, n)) == n``. Source: CPPCR 2010 reg 2(1)."""
        if b < a:
            return -self.working_days_between(b, a)
        count = _weekdays_up_to(b) - _weekdays_up_to(a)
        for year in range(a.year, b.year + 1):
            for closed in self._closed(year):
                if a < closed <= b and closed.weekday() < 5:
                    count -= 1
        return count


def _weekdays_up_to(d: date) -> int:
    # Monday to Friday days from 0001-01-01 (a Monday, ordinal 1) to d inclusive.
    weeks, rest = divmod(d.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def add_months_clamped(d: date, months: int) -> date:
    """``d`` moved by whole calendar months, keeping the day of the month where it exists and
    using the month's last day where it does not: 31 Jan + 3 months = 30 Apr; 31 Aug + 6 months =
    28 Feb (29 Feb in a leap year). Rule: reviews due "not more than three/six months after" the
    previous one (CPPCR 2010 reg 33(2)) - a month later never spills into the month after."""
    index = d.year * 12 + (d.month - 1) + months
    year, month_index = divmod(index, 12)
    if not date.min.year <= year <= date.max.year:
        raise TimetableError(
            "date", f"{d.isoformat()} plus {months} months is outside the calendar"
        )
    month = month_index + 1
    return date(year, month, min(d.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class TimetablePolicy:
    """A council's timetable settings; the defaults are the statutory and procedural ones.

    Reviews: first within ``first_review_working_days`` of becoming looked after, second within
    ``second_review_months`` of the first, then every ``later_review_months`` (CPPCR 2010 reg 33).
    An IRO may adjourn once for no more than ``adjourn_max_working_days`` (Bexley s.8).
    ``first_review_from_new_placement``: the keyworker guide (West Sussex) also expects a review
    within 20 working days of a new placement; councils that follow it switch this on.
    Milestones, in working days before the meeting: consult the child 20, invitations 10 (Bexley
    s.5), social worker documents to the IRO 2 before a first and 3 before a later review (s.6);
    the IRO meeting the child and the keyworker report and child's views (West Sussex guide: no
    number given, these are defaults a council can change). After the meeting: decisions 5, Care
    Plan 10 (s.6), full record 15, copies distributed 20 (s.12), manager considers decisions 5
    working days after receiving them (s.13).
    """

    first_review_working_days: int = 20
    second_review_months: int = 3
    later_review_months: int = 6
    adjourn_max_working_days: int = 20
    first_review_from_new_placement: bool = False
    consult_child: int = 20
    invitations_sent: int = 10
    social_worker_documents_first: int = 2
    social_worker_documents_later: int = 3
    iro_meets_child: int = 5
    keyworker_report_shared_with_child: int = 7
    keyworker_report_sent: int = 5
    child_views_ready: int = 3
    decisions_circulated: int = 5
    care_plan_updated: int = 10
    full_record: int = 15
    record_distributed: int = 20
    manager_considers_decisions: int = 5

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name == "first_review_from_new_placement":
                if not isinstance(value, bool):
                    raise TimetableError(spec.name, f"{spec.name} must be true or false")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise TimetableError(
                    spec.name, f"{spec.name} must be a whole number of at least 1, not {value!r}"
                )


DEFAULT_POLICY: Final = TimetablePolicy()


@dataclass(frozen=True)
class ReviewDue:
    """Review ``number`` (1 = the first review) was or is due on ``due``; ``held`` is the date it
    was held, or None while it has not been."""

    number: int
    due: date
    held: date | None


@dataclass(frozen=True)
class MilestoneDue:
    """One task of one review: ``name`` (e.g. ``consult-child``), its ``owner`` role
    (``social-worker``, ``iro``, ``keyworker``, ``manager``), the working day it is ``due`` by,
    and whether it comes ``before`` or ``after`` the meeting."""

    review: int
    name: str
    owner: str
    due: date
    phase: Phase


def _validate_history(
    became_looked_after: date,
    held: Sequence[date],
    today: date,
    left_care: date | None,
    placement_start: date | None,
    adjourned: date | None,
) -> None:
    start = became_looked_after.isoformat()
    if left_care is not None and left_care < became_looked_after:
        raise TimetableError(
            "left_care",
            f"Left care date {left_care.isoformat()} is before the date the child became "
            f"looked after ({start})",
        )
    previous: date | None = None
    for day in held:
        if day < became_looked_after:
            raise TimetableError(
                "held",
                f"Held date {day.isoformat()} is before the date the child became looked after "
                f"({start})",
            )
        if day > today:
            raise TimetableError(
                "held", f"Held date {day.isoformat()} is in the future (today is {today})"
            )
        if previous is not None and day <= previous:
            raise TimetableError(
                "held",
                f"Held date {day.isoformat()} is not after the review before it "
                f"({previous.isoformat()}): list each review once, in the order held",
            )
        if left_care is not None and day > left_care:
            raise TimetableError(
                "held",
                f"Held date {day.isoformat()} is after the date the child left care "
                f"({left_care.isoformat()})",
            )
        previous = day
    if placement_start is not None and placement_start < became_looked_after:
        raise TimetableError(
            "placement_start",
            f"Placement start date {placement_start.isoformat()} is before the date the child "
            f"became looked after ({start})",
        )
    if adjourned is not None:
        if adjourned < became_looked_after:
            raise TimetableError(
                "adjourned",
                f"Adjourned date {adjourned.isoformat()} is before the date the child became "
                f"looked after ({start})",
            )
        if adjourned > today:
            raise TimetableError(
                "adjourned",
                f"Adjourned date {adjourned.isoformat()} is in the future (today is {today})",
            )
        if previous is not None and adjourned <= previous:
            raise TimetableError(
                "adjourned",
                f"Adjourned date {adjourned.isoformat()} is not after the last held review "
                f"({previous.isoformat()}): only the review not yet held can be adjourned",
            )


def review_schedule(
    calendar: WorkingCalendar,
    became_looked_after: date,
    held: Sequence[date],
    *,
    today: date,
    count: int = 3,
    policy: TimetablePolicy = DEFAULT_POLICY,
    left_care: date | None = None,
    placement_start: date | None = None,
    adjourned: date | None = None,
) -> list[ReviewDue]:
    """Every review already held, then the reviews to come, at least ``max(count, len(held) + 1)``.

    Rules (CPPCR (England) Regulations 2010 reg 33): review 1 is due within 20 working days of the
    day the child became looked after; review 2 not more than 3 months after review 1; each later
    review not more than 6 months after the one before. Months are calendar months clamped at the
    month end; a due date on a weekend or bank holiday moves to the working day before it. Each
    interval runs from the actual held date of the review before (its due date while not held),
    so a late or early review moves everything after it.

    - ``adjourned``: the review not yet held was adjourned that day; it is then due within 20
      working days of it (Bexley procedure s.8: once, for not more than 20 working days).
    - ``placement_start`` with ``policy.first_review_from_new_placement``: the review not yet held
      is also due within 20 working days of a placement that began after the last review held
      (or after the child became looked after), when that is sooner (West Sussex keyworker guide).
    - ``left_care``: no review is due after the child leaves care (Bexley s.4.2: the review is
      cancelled), so reviews not yet held and due after it are left out.

    Raises TimetableError (field ``held``, ``left_care``, ``placement_start`` or ``adjourned``)
    for a held date before becoming looked after, in the future, out of order or after leaving
    care, and for the other dates out of their possible range.
    """
    _validate_history(became_looked_after, held, today, left_care, placement_start, adjourned)
    total = max(count, len(held) + 1)
    last_held = held[-1] if held else None
    reviews: list[ReviewDue] = []
    basis = became_looked_after
    for number in range(1, total + 1):
        if number == 1:
            due = calendar.within_working_days(
                became_looked_after, policy.first_review_working_days
            )
        else:
            months = policy.second_review_months if number == 2 else policy.later_review_months
            due = calendar.last_working_day_on_or_before(add_months_clamped(basis, months))
        held_on = held[number - 1] if number <= len(held) else None
        if number == len(held) + 1:
            # The review not yet held: the only one a new placement or an adjournment can move.
            if (
                policy.first_review_from_new_placement
                and placement_start is not None
                and placement_start > (last_held or became_looked_after)
            ):
                after_move = calendar.within_working_days(
                    placement_start, policy.first_review_working_days
                )
                due = min(due, after_move)
            if adjourned is not None:
                due = calendar.within_working_days(adjourned, policy.adjourn_max_working_days)
        if held_on is None and left_care is not None and due > left_care:
            break
        reviews.append(ReviewDue(number=number, due=due, held=held_on))
        basis = held_on or due
    return reviews


def milestones_for_review(
    calendar: WorkingCalendar,
    number: int,
    meeting_date: date,
    held: date | None,
    *,
    policy: TimetablePolicy = DEFAULT_POLICY,
    decisions_received: date | None = None,
    starts: date | None = None,
) -> list[MilestoneDue]:
    """The tasks of review ``number`` and the working day each is due by, in date order (ties
    keep the order of ``BEFORE_MEETING`` then ``AFTER_MEETING``).

    Before the meeting, counted back in working days from ``meeting_date`` (the date set, or the
    due date while none is): the social worker consults the child 20 and sends invitations 10
    days before (Bexley s.5); the social worker's documents reach the IRO 2 days before a first
    review, 3 before a later one (s.6); the IRO meets the child, the keyworker shares their report
    with the child, sends it, and gets the child's views ready (West Sussex guide; council
    defaults 5, 7, 5, 3). After the meeting, only once ``held`` is known, counted forward from
    it: decisions circulated 5 (Bexley s.12), Care Plan updated 10 (s.6), full record 15 and
    copies distributed 20 (s.12); the manager considers the decisions 5 working days after
    ``decisions_received``, or after the decisions-circulated deadline when not given (s.13).

    ``starts``: the day the review's period began (the child became looked after, for a first
    review; the review before was held, for a later one). No task before the meeting is due
    before it: counted back from a first review 20 working days after coming into care,
    "consult the child" fell on or before that day, overdue from the moment the child was
    added (QA).
    """
    if number < 1:
        raise TimetableError("number", f"Review number {number} must be 1 or more")
    if decisions_received is not None:
        if held is None:
            raise TimetableError(
                "decisions_received",
                "Decisions received date given for a review that has not been held",
            )
        if decisions_received < held:
            raise TimetableError(
                "decisions_received",
                f"Decisions received date {decisions_received.isoformat()} is before the review "
                f"was held ({held.isoformat()})",
            )
    documents = (
        policy.social_worker_documents_first
        if number == 1
        else policy.social_worker_documents_later
    )
    back: dict[str, int] = {
        "consult-child": policy.consult_child,
        "invitations-sent": policy.invitations_sent,
        "iro-meets-child": policy.iro_meets_child,
        "keyworker-report-shared-with-child": policy.keyworker_report_shared_with_child,
        "keyworker-report-sent": policy.keyworker_report_sent,
        "child-views-ready": policy.child_views_ready,
        "social-worker-documents": documents,
    }
    earliest = calendar.next_working_day_on_or_after(starts) if starts is not None else date.min
    result = [
        MilestoneDue(
            review=number,
            name=name,
            owner=owner,
            due=max(calendar.add_working_days(meeting_date, -back[name]), earliest),
            phase="before",
        )
        for name, owner in BEFORE_MEETING
    ]
    if held is not None:
        circulated = calendar.within_working_days(held, policy.decisions_circulated)
        forward: dict[str, date] = {
            "decisions-circulated": circulated,
            "manager-considers-decisions": calendar.within_working_days(
                decisions_received or circulated, policy.manager_considers_decisions
            ),
            "care-plan-updated": calendar.within_working_days(held, policy.care_plan_updated),
            "full-record": calendar.within_working_days(held, policy.full_record),
            "record-distributed": calendar.within_working_days(held, policy.record_distributed),
        }
        result.extend(
            MilestoneDue(review=number, name=name, owner=owner, due=forward[name], phase="after")
            for name, owner in AFTER_MEETING
        )
    # sorted() is stable: milestones due the same day stay in the listed order.
    return sorted(result, key=lambda milestone: milestone.due)


def schedule_milestones(
    calendar: WorkingCalendar,
    reviews: Sequence[ReviewDue],
    scheduled: Mapping[int, date] = _NO_DATES,
    policy: TimetablePolicy = DEFAULT_POLICY,
    *,
    decisions_received: Mapping[int, date] = _NO_DATES,
    became_looked_after: date | None = None,
) -> list[MilestoneDue]:
    """The milestones of every review given, review by review (see ``milestones_for_review``).

    Each review's meeting date is the day it was held when it has been, else its date in
    ``scheduled`` (review number -> meeting date), else its due date. ``decisions_received`` maps a
    review number to the day the manager received its decisions (Bexley s.13). Each review's
    tasks start from ``became_looked_after`` (the first) or the review before it.
    """
    result: list[MilestoneDue] = []
    starts = became_looked_after
    for review in reviews:
        meeting = review.held or scheduled.get(review.number, review.due)
        result.extend(
            milestones_for_review(
                calendar,
                review.number,
                meeting,
                review.held,
                policy=policy,
                decisions_received=decisions_received.get(review.number),
                starts=starts,
            )
        )
        starts = review.held or meeting
    return result


def missed(name: str, done_on: date | None, held_on: date | None) -> bool:
    """A task for before the meeting, not done when the meeting was held: it can no longer be
    done in time, so it is no longer a task to chase ("overdue" for ever would bury what can
    still be done), yet it stays on the review's record as not done before the meeting: the
    IRO's part in quality assurance (Bexley procedure s.14, "Monitoring of Review Decisions")
    is to notice what the child's review went without. Done later, it is done."""
    return done_on is None and held_on is not None and name in BEFORE_MEETING_TASKS


def milestone_status(
    due: date,
    done_on: date | None,
    today: date,
    *,
    soon_working_days: int = 5,
    calendar: WorkingCalendar,
    was_missed: bool = False,
) -> MilestoneStatus:
    """Where a milestone stands today: ``done`` once done (whenever that was); ``missed`` when
    ``was_missed`` (see missed()); else ``overdue`` after its due day, ``due-today`` on it,
    ``due-soon`` when it falls within the next ``soon_working_days`` working days, else
    ``upcoming``. Rule: the timescales are deadlines ("within" / "at least ... before", Bexley
    procedure); "soon" is a council dashboard setting.
    """
    if done_on is not None:
        return "done"
    if was_missed:
        return "missed"
    if today > due:
        return "overdue"
    if today == due:
        return "due-today"
    if calendar.working_days_between(today, due) <= soon_working_days:
        return "due-soon"
    return "upcoming"
