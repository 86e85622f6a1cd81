"""Properties of the timetable that must hold for any history, in every nation."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from participation.timetable.rules import (
    AFTER_MEETING,
    BEFORE_MEETING,
    NATIONS,
    TimetablePolicy,
    WorkingCalendar,
    add_months_clamped,
    milestones_for_review,
    review_schedule,
    schedule_milestones,
)

CALENDARS = {nation: WorkingCalendar(nation) for nation in NATIONS}
LISTED = [name for name, _ in BEFORE_MEETING] + [name for name, _ in AFTER_MEETING]

calendars = st.sampled_from(NATIONS).map(CALENDARS.__getitem__)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
offsets = st.integers(min_value=1, max_value=40)


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    """A child's history: when they became looked after, reviews held, maybe a move or a
    leaving date, and today's date after all of it."""
    start = draw(days)
    held: list[date] = []
    day = start
    for gap in draw(st.lists(st.integers(min_value=0, max_value=250), max_size=5)):
        day = day + timedelta(days=gap)
        if not held or day > held[-1]:
            held.append(day)
    last = held[-1] if held else start
    today = last + timedelta(days=draw(st.integers(min_value=0, max_value=200)))
    placement = draw(st.none() | st.integers(min_value=1, max_value=400))
    left = draw(st.none() | st.integers(min_value=0, max_value=900))
    adjourn = draw(st.booleans()) and today > last
    return {
        "became_looked_after": start,
        "held": held,
        "today": today,
        "count": draw(st.integers(min_value=1, max_value=6)),
        "policy": TimetablePolicy(first_review_from_new_placement=draw(st.booleans())),
        "placement_start": None if placement is None else start + timedelta(days=placement),
        "left_care": None if left is None else last + timedelta(days=left),
        "adjourned": today if adjourn else None,
    }


@settings(deadline=None, max_examples=150)
@given(calendar=calendars, history=histories())
def test_every_deadline_is_a_working_day(
    calendar: WorkingCalendar, history: dict[str, Any]
) -> None:
    reviews = review_schedule(
        calendar,
        history["became_looked_after"],
        history["held"],
        today=history["today"],
        count=history["count"],
        policy=history["policy"],
        left_care=history["left_care"],
        placement_start=history["placement_start"],
        adjourned=history["adjourned"],
    )
    held = history["held"]
    assert [r.held for r in reviews[: len(held)]] == held
    assert [r.number for r in reviews] == list(range(1, len(reviews) + 1))
    if history["left_care"] is None:
        assert len(reviews) >= max(history["count"], len(held) + 1)
    else:
        assert all(r.held or r.due <= history["left_care"] for r in reviews)
    for review in reviews:
        assert calendar.is_working_day(review.due), review
    for milestone in schedule_milestones(calendar, reviews, policy=history["policy"]):
        assert calendar.is_working_day(milestone.due), milestone


@settings(deadline=None, max_examples=200)
@given(calendar=calendars, meeting=days, number=st.integers(1, 9), late=st.integers(0, 30))
def test_milestones_fall_before_the_meeting_and_after_it_in_the_listed_order(
    calendar: WorkingCalendar, meeting: date, number: int, late: int
) -> None:
    held = meeting + timedelta(days=late)
    milestones = milestones_for_review(calendar, number, meeting, held)
    before = [m for m in milestones if m.phase == "before"]
    after = [m for m in milestones if m.phase == "after"]
    assert sorted(m.name for m in before) == sorted(name for name, _ in BEFORE_MEETING)
    assert all(m.due < meeting for m in before)
    assert all(m.due > held for m in after)
    # after the meeting the default timescales keep the order they are listed in
    assert [m.name for m in after] == [name for name, _ in AFTER_MEETING]
    # the whole list is in date order; on the same day, in the listed order
    keys = [(m.due, LISTED.index(m.name)) for m in milestones]
    assert keys == sorted(keys)
    # social worker documents: 2 working days before a first review, 3 before a later one
    documents = next(m for m in before if m.name == "social-worker-documents")
    assert calendar.add_working_days(meeting, -2 if number == 1 else -3) == documents.due


@settings(deadline=None, max_examples=200)
@given(calendar=calendars, day=days, n=st.integers(min_value=-60, max_value=60))
def test_add_working_days_round_trips_from_a_working_day(
    calendar: WorkingCalendar, day: date, n: int
) -> None:
    start = calendar.next_working_day_on_or_after(day)
    there = calendar.add_working_days(start, n)
    assert calendar.add_working_days(there, -n) == start
    assert calendar.working_days_between(start, there) == n
    if n:
        assert calendar.is_working_day(there)
        assert (there > start) == (n > 0)


@settings(deadline=None, max_examples=200)
@given(
    calendar=calendars,
    a=days,
    span=st.integers(min_value=-80, max_value=80),
    closures=st.lists(days, max_size=5),
)
def test_working_days_between_counts_day_by_day(
    calendar: WorkingCalendar, a: date, span: int, closures: list[date]
) -> None:
    council = WorkingCalendar(calendar.nation, closures=closures)
    b = a + timedelta(days=span)
    low, high = min(a, b), max(a, b)
    counted = sum(
        council.is_working_day(low + timedelta(days=i)) for i in range(1, (high - low).days + 1)
    )
    assert council.working_days_between(a, b) == (counted if b >= a else -counted)
    for closure in closures:
        assert not council.is_working_day(closure)


@settings(deadline=None, max_examples=200)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), months=offsets)
def test_add_months_clamped_keeps_the_day_when_it_exists(day: date, months: int) -> None:
    for step in (months, -months):
        moved = add_months_clamped(day, step)
        assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == step
        last = monthrange(moved.year, moved.month)[1]
        assert moved.day == min(day.day, last)
        if day.day <= last:
            assert moved.day == day.day


def step_by_step(calendar: WorkingCalendar, day: date, n: int) -> date:
    """The rule read literally: walk one day at a time, counting working days."""
    step = timedelta(days=1 if n > 0 else -1)
    while n:
        day += step
        if calendar.is_working_day(day):
            n -= 1 if n > 0 else -1
    return day


@settings(deadline=None, max_examples=200)
@given(
    calendar=calendars,
    day=days,
    n=st.integers(min_value=-300, max_value=300),
    closures=st.lists(days, max_size=5),
)
def test_add_working_days_agrees_with_walking_day_by_day(
    calendar: WorkingCalendar, day: date, n: int, closures: list[date]
) -> None:
    council = WorkingCalendar(calendar.nation, closures=closures)
    assert council.add_working_days(day, n) == step_by_step(council, day, n)
