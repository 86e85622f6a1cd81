"""Review due dates and milestones, against dates counted by hand on a calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from participation.timetable.rules import (
    AFTER_MEETING,
    BEFORE_MEETING,
    DEFAULT_POLICY,
    MilestoneDue,
    ReviewDue,
    TimetableError,
    TimetablePolicy,
    WorkingCalendar,
    add_months_clamped,
    milestone_status,
    milestones_for_review,
    missed,
    review_schedule,
    schedule_milestones,
)

D = date.fromisoformat
ENG = WorkingCalendar("ENG")
SCT = WorkingCalendar("SCT")
FAR_FUTURE = D("2030-01-01")


def dues(reviews: list[ReviewDue]) -> list[tuple[int, str, str | None]]:
    return [(r.number, r.due.isoformat(), r.held.isoformat() if r.held else None) for r in reviews]


# --- add_months_clamped -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 3, "2026-04-30"),  # April has 30 days
        ("2026-08-31", 6, "2027-02-28"),  # 2027 is not a leap year
        ("2027-08-31", 6, "2028-02-29"),  # 2028 is
        ("2026-01-15", 3, "2026-04-15"),  # the day is kept where it exists
        ("2026-11-30", 3, "2027-02-28"),  # across the year end
        ("2026-10-31", 6, "2027-04-30"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2026-05-31", -3, "2026-02-28"),  # backwards too
        ("2026-05-31", 0, "2026-05-31"),
    ],
)
def test_add_months_clamped(start: str, months: int, expected: str) -> None:
    assert add_months_clamped(D(start), months) == D(expected)


# --- review due dates ---------------------------------------------------------------------------


def test_first_review_is_20_working_days_after_becoming_looked_after_across_christmas() -> None:
    # Thu 10 Dec 2026. England: Fri 11 (1), 14-18 (6), 21-24 (10), [25 Fri, 28 Mon substitute],
    # 29-31 (13), [1 Jan], 4-8 Jan (18), Mon 11 (19), Tue 12 Jan (20).
    reviews = review_schedule(ENG, D("2026-12-10"), [], today=D("2026-12-10"))
    assert reviews[0] == ReviewDue(number=1, due=D("2027-01-12"), held=None)
    # Scotland also loses Mon 4 Jan (2 January substitute): 5-8 Jan (17), 11-13 (20).
    assert review_schedule(SCT, D("2026-12-10"), [], today=D("2026-12-10"))[0].due == D(
        "2027-01-13"
    )


def test_default_schedule_lists_three_reviews_from_due_dates() -> None:
    # Fri 20 Nov 2026 + 20 working days = Fri 18 Dec (four clear weeks, no holiday).
    # Review 2: 18 Dec + 3 months = Thu 18 Mar 2027. Review 3: + 6 months = Sat 18 Sep 2027,
    # not a working day -> Fri 17 Sep.
    reviews = review_schedule(ENG, D("2026-11-20"), [], today=D("2026-11-20"))
    assert dues(reviews) == [
        (1, "2026-12-18", None),
        (2, "2027-03-18", None),
        (3, "2027-09-17", None),
    ]


def test_count_and_held_reviews_set_the_length() -> None:
    reviews = review_schedule(ENG, D("2026-11-20"), [], today=D("2026-11-20"), count=5)
    assert [r.number for r in reviews] == [1, 2, 3, 4, 5]
    held = [D("2026-12-18"), D("2027-03-18"), D("2027-09-17")]
    reviews = review_schedule(ENG, D("2026-11-20"), held, today=FAR_FUTURE, count=2)
    # every held review, plus the next one
    assert dues(reviews) == [
        (1, "2026-12-18", "2026-12-18"),
        (2, "2027-03-18", "2027-03-18"),
        (3, "2027-09-17", "2027-09-17"),
        # 17 Sep 2027 + 6 months = Fri 17 Mar 2028
        (4, "2028-03-17", None),
    ]


def test_month_end_clamping_31_january_to_30_april() -> None:
    # Became looked after Mon 6 Jan 2025; first review held early on Fri 31 Jan 2025.
    # 31 Jan + 3 months = 31 Apr, which does not exist -> Wed 30 Apr 2025.
    # Then 30 Apr + 6 months = Thu 30 Oct 2025.
    reviews = review_schedule(ENG, D("2025-01-06"), [D("2025-01-31")], today=D("2025-02-01"))
    assert dues(reviews)[1:] == [(2, "2025-04-30", None), (3, "2025-10-30", None)]


def test_three_month_date_on_a_bank_holiday_moves_to_the_working_day_before() -> None:
    # First review held Tue 6 Jan 2026. + 3 months = Mon 6 Apr 2026, Easter Monday in England:
    # Sun 5, Sat 4, Fri 3 (Good Friday) are not working days either -> Thu 2 Apr.
    england = review_schedule(ENG, D("2025-12-08"), [D("2026-01-06")], today=D("2026-01-07"))
    assert england[1].due == D("2026-04-02")
    # In Scotland Easter Monday is a working day, so the review stays on Mon 6 Apr.
    scotland = review_schedule(SCT, D("2025-12-08"), [D("2026-01-06")], today=D("2026-01-07"))
    assert scotland[1].due == D("2026-04-06")


def test_three_month_date_on_a_weekend_moves_to_the_friday_before() -> None:
    # Held Fri 28 Nov 2025 + 3 months = Sat 28 Feb 2026 -> Fri 27 Feb 2026.
    reviews = review_schedule(ENG, D("2025-11-03"), [D("2025-11-28")], today=D("2025-12-01"))
    assert reviews[1].due == D("2026-02-27")


def test_due_dates_are_recomputed_from_the_actual_held_dates() -> None:
    # Review 1 due Fri 18 Dec 2026 but held late, on Fri 8 Jan 2027.
    # Review 2: 8 Jan + 3 months = Thu 8 Apr 2027 (after Easter 2027: 26 and 29 March).
    # Review 3: 8 Apr + 6 months = Fri 8 Oct 2027.
    reviews = review_schedule(ENG, D("2026-11-20"), [D("2027-01-08")], today=D("2027-01-08"))
    assert dues(reviews) == [
        (1, "2026-12-18", "2027-01-08"),
        (2, "2027-04-08", None),
        (3, "2027-10-08", None),
    ]
    # Review 2 then held early, Mon 1 Mar 2027: review 3 = Wed 1 Sep 2027,
    # review 4 = Wed 1 Mar 2028.
    reviews = review_schedule(
        ENG, D("2026-11-20"), [D("2027-01-08"), D("2027-03-01")], today=D("2027-03-01"), count=4
    )
    assert dues(reviews)[1:] == [
        (2, "2027-04-08", "2027-03-01"),
        (3, "2027-09-01", None),
        (4, "2028-03-01", None),
    ]


def test_adjourned_review_is_due_within_20_working_days_of_the_adjournment() -> None:
    # Review 2 (due Thu 18 Mar 2027) was adjourned that day. Counting 20 working days from it:
    # Fri 19 (1), 22-25 (5), [Fri 26 Good Friday, Mon 29 Easter Monday], 30, 31, 1, 2 Apr (9),
    # 5-9 Apr (14), 12-16 Apr (19), Mon 19 Apr (20).
    # Review 3 then runs 6 months from that due date: Tue 19 Oct 2027.
    reviews = review_schedule(
        ENG,
        D("2026-11-20"),
        [D("2026-12-18")],
        today=D("2027-03-20"),
        adjourned=D("2027-03-18"),
    )
    assert dues(reviews) == [
        (1, "2026-12-18", "2026-12-18"),
        (2, "2027-04-19", None),
        (3, "2027-10-19", None),
    ]


def test_no_review_is_due_after_the_child_leaves_care() -> None:
    history = [D("2026-12-18")]
    reviews = review_schedule(
        ENG, D("2026-11-20"), history, today=D("2027-06-02"), left_care=D("2027-06-01")
    )
    # review 2 (18 Mar 2027) is before leaving; review 3 (17 Sep 2027) is not due any more
    assert dues(reviews) == [(1, "2026-12-18", "2026-12-18"), (2, "2027-03-18", None)]
    # leaving on the due day itself keeps that review
    reviews = review_schedule(
        ENG, D("2026-11-20"), history, today=D("2027-06-02"), left_care=D("2027-03-18")
    )
    assert [r.number for r in reviews] == [1, 2]
    # leaving before the first review is due: nothing is due
    assert (
        review_schedule(ENG, D("2026-11-20"), [], today=D("2026-12-02"), left_care=D("2026-12-01"))
        == []
    )


def test_new_placement_brings_the_next_review_forward_when_the_council_says_so() -> None:
    # Became looked after Mon 5 Jan 2026, first review held Fri 30 Jan; ordinarily review 2 is due
    # 30 Jan + 3 months = Thu 30 Apr 2026. The child moved on Mon 2 Mar 2026; 20 working days
    # from it: 3-6 Mar (4), 9-13 (9), 16-20 (14), 23-27 (19), Mon 30 Mar (20).
    # Review 3 follows 6 months after that due date: Wed 30 Sep 2026.
    history = [D("2026-01-30")]
    moved = D("2026-03-02")
    council = TimetablePolicy(first_review_from_new_placement=True)
    reviews = review_schedule(
        ENG, D("2026-01-05"), history, today=D("2026-03-03"), policy=council, placement_start=moved
    )
    assert dues(reviews)[1:] == [(2, "2026-03-30", None), (3, "2026-09-30", None)]
    # the default policy ignores the placement
    reviews = review_schedule(
        ENG, D("2026-01-05"), history, today=D("2026-03-03"), placement_start=moved
    )
    assert reviews[1].due == D("2026-04-30")
    # a move whose 20 working days end after the ordinary date changes nothing: Mon 20 Apr 2026
    # + 20 working days (May Day 4 May skipped) = Tue 19 May, later than 30 Apr
    reviews = review_schedule(
        ENG,
        D("2026-01-05"),
        history,
        today=D("2026-04-21"),
        policy=council,
        placement_start=D("2026-04-20"),
    )
    assert reviews[1].due == D("2026-04-30")
    # a move before the last review was held was considered at that review
    reviews = review_schedule(
        ENG,
        D("2026-01-05"),
        history,
        today=D("2026-03-03"),
        policy=council,
        placement_start=D("2026-01-20"),
    )
    assert reviews[1].due == D("2026-04-30")


def test_a_council_can_change_the_intervals() -> None:
    strict = replace(DEFAULT_POLICY, first_review_working_days=10, later_review_months=4)
    # Fri 20 Nov 2026 + 10 working days = Fri 4 Dec; + 3 months = Thu 4 Mar 2027;
    # + 4 months = Sun 4 Jul 2027 -> Fri 2 Jul.
    reviews = review_schedule(ENG, D("2026-11-20"), [], today=D("2026-11-20"), policy=strict)
    assert [r.due for r in reviews] == [D("2026-12-04"), D("2027-03-04"), D("2027-07-02")]


@pytest.mark.parametrize("setting", ["consult_child", "later_review_months", "full_record"])
@pytest.mark.parametrize("value", [0, -1])
def test_policy_rejects_settings_below_one(setting: str, value: int) -> None:
    with pytest.raises(TimetableError) as raised:
        TimetablePolicy(**{setting: value})  # type: ignore[arg-type]
    assert raised.value.field == setting


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "kwargs", "field", "words"),
    [
        (["2026-01-05"], {}, "held", ["Held date 2026-01-05", "before", "(2026-02-01)"]),
        (["2026-06-02"], {}, "held", ["Held date 2026-06-02", "future"]),
        (["2026-03-01", "2026-03-01"], {}, "held", ["Held date 2026-03-01", "not after"]),
        (["2026-04-01", "2026-03-01"], {}, "held", ["Held date 2026-03-01", "2026-04-01"]),
        (
            ["2026-03-01"],
            {"left_care": "2026-02-15"},
            "held",
            ["Held date 2026-03-01", "left care"],
        ),
        ([], {"left_care": "2026-01-31"}, "left_care", ["Left care date 2026-01-31", "before"]),
        ([], {"adjourned": "2026-01-31"}, "adjourned", ["Adjourned date 2026-01-31", "before"]),
        ([], {"adjourned": "2026-06-02"}, "adjourned", ["Adjourned date 2026-06-02", "future"]),
        (["2026-03-01"], {"adjourned": "2026-03-01"}, "adjourned", ["last held review"]),
        (
            [],
            {"placement_start": "2026-01-10"},
            "placement_start",
            ["Placement start date 2026-01-10"],
        ),
    ],
)
def test_validation_names_the_field(
    held: list[str], kwargs: dict[str, str], field: str, words: list[str]
) -> None:
    dates = {key: D(value) for key, value in kwargs.items()}
    with pytest.raises(TimetableError) as raised:
        review_schedule(ENG, D("2026-02-01"), [D(h) for h in held], today=D("2026-06-01"), **dates)  # type: ignore[arg-type]
    assert raised.value.field == field
    for word in words:
        assert word in raised.value.message


def test_a_review_held_today_is_allowed() -> None:
    reviews = review_schedule(ENG, D("2026-02-01"), [D("2026-02-01")], today=D("2026-02-01"))
    assert reviews[0].held == D("2026-02-01")


# --- milestones ---------------------------------------------------------------------------------


def named(milestones: list[MilestoneDue]) -> list[tuple[str, str, str, str]]:
    return [(m.name, m.owner, m.due.isoformat(), m.phase) for m in milestones]


def test_milestones_before_a_first_review() -> None:
    # Meeting Fri 18 Dec 2026, England; counting back in working days (no holiday in between):
    # 20 -> Fri 20 Nov; 10 -> Fri 4 Dec; 7 -> Wed 9 Dec; 5 -> Fri 11 Dec; 3 -> Tue 15 Dec;
    # 2 -> Wed 16 Dec (social worker documents before an initial review).
    milestones = milestones_for_review(ENG, 1, D("2026-12-18"), None)
    assert named(milestones) == [
        ("consult-child", "social-worker", "2026-11-20", "before"),
        ("invitations-sent", "social-worker", "2026-12-04", "before"),
        ("keyworker-report-shared-with-child", "keyworker", "2026-12-09", "before"),
        ("iro-meets-child", "iro", "2026-12-11", "before"),
        ("keyworker-report-sent", "keyworker", "2026-12-11", "before"),
        ("child-views-ready", "keyworker", "2026-12-15", "before"),
        ("social-worker-documents", "social-worker", "2026-12-16", "before"),
    ]
    assert all(m.review == 1 for m in milestones)


def test_social_worker_documents_are_due_3_working_days_before_a_later_review() -> None:
    # Same meeting date, review 2: documents 3 working days before -> Tue 15 Dec, the same day
    # as child-views-ready, which is listed first.
    milestones = milestones_for_review(ENG, 2, D("2026-12-18"), None)
    assert [(m.name, m.due.isoformat()) for m in milestones[-2:]] == [
        ("child-views-ready", "2026-12-15"),
        ("social-worker-documents", "2026-12-15"),
    ]


def test_milestones_after_a_held_review_across_christmas() -> None:
    # Held Fri 18 Dec 2026, England. Forward: 21-24 Dec (4), [25, 28], Tue 29 (5) -> decisions;
    # 30, 31 (7), [1 Jan], 4-6 Jan (10) -> Care Plan; 7, 8, 11-13 Jan (15) -> full record;
    # 14, 15, 18-20 Jan (20) -> copies distributed. Manager: 5 working days after the
    # decisions deadline Tue 29 Dec: 30, 31, 4, 5, 6 Jan -> Wed 6 Jan (tie with the Care Plan,
    # listed first).
    milestones = milestones_for_review(ENG, 1, D("2026-12-18"), D("2026-12-18"))
    assert named([m for m in milestones if m.phase == "after"]) == [
        ("decisions-circulated", "iro", "2026-12-29", "after"),
        ("manager-considers-decisions", "manager", "2027-01-06", "after"),
        ("care-plan-updated", "social-worker", "2027-01-06", "after"),
        ("full-record", "iro", "2027-01-13", "after"),
        ("record-distributed", "iro", "2027-01-20", "after"),
    ]
    assert len(milestones) == len(BEFORE_MEETING) + len(AFTER_MEETING)


def test_manager_counts_from_when_the_decisions_were_received() -> None:
    # Decisions received Mon 11 Jan 2027: 12-15 Jan (4), Mon 18 Jan (5). It now sorts after the
    # full record (13 Jan) and before the copies (20 Jan).
    milestones = milestones_for_review(
        ENG, 1, D("2026-12-18"), D("2026-12-18"), decisions_received=D("2027-01-11")
    )
    after = [(m.name, m.due.isoformat()) for m in milestones if m.phase == "after"]
    assert after == [
        ("decisions-circulated", "2026-12-29"),
        ("care-plan-updated", "2027-01-06"),
        ("full-record", "2027-01-13"),
        ("manager-considers-decisions", "2027-01-18"),
        ("record-distributed", "2027-01-20"),
    ]


def test_decisions_received_needs_a_held_review_and_a_later_date() -> None:
    with pytest.raises(TimetableError) as raised:
        milestones_for_review(ENG, 1, D("2026-12-18"), None, decisions_received=D("2027-01-11"))
    assert raised.value.field == "decisions_received"
    with pytest.raises(TimetableError) as raised:
        milestones_for_review(
            ENG, 1, D("2026-12-18"), D("2026-12-18"), decisions_received=D("2026-12-17")
        )
    assert raised.value.field == "decisions_received"


def test_review_number_must_be_positive() -> None:
    with pytest.raises(TimetableError) as raised:
        milestones_for_review(ENG, 0, D("2026-12-18"), None)
    assert raised.value.field == "number"


def test_schedule_milestones_uses_held_then_scheduled_then_due_dates() -> None:
    reviews = [
        ReviewDue(1, D("2026-12-18"), D("2026-12-17")),
        ReviewDue(2, D("2027-03-17"), None),
        ReviewDue(3, D("2027-09-16"), None),
    ]
    milestones = schedule_milestones(ENG, reviews, {1: D("2026-12-18"), 2: D("2027-03-10")})
    by_key = {(m.review, m.name): m.due for m in milestones}
    # review 1 counted from the day it was held, Thu 17 Dec: 2 working days before -> Tue 15
    assert by_key[(1, "social-worker-documents")] == D("2026-12-15")
    assert by_key[(1, "decisions-circulated")] == ENG.add_working_days(D("2026-12-17"), 5)
    # review 2 from its scheduled date Wed 10 Mar 2027: 3 working days before -> Fri 5 Mar
    assert by_key[(2, "social-worker-documents")] == D("2027-03-05")
    # review 3 from its due date Thu 16 Sep 2027: 3 before -> Mon 13 Sep
    assert by_key[(3, "social-worker-documents")] == D("2027-09-13")
    assert [m.review for m in milestones] == [1] * 12 + [2] * 7 + [3] * 7
    assert (2, "decisions-circulated") not in by_key


# --- milestone status ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "done_on", "today", "expected"),
    [
        ("2026-12-29", "2027-01-05", "2027-01-05", "done"),  # done, even late
        ("2026-12-29", None, "2026-12-30", "overdue"),
        ("2026-12-29", None, "2026-12-29", "due-today"),
        # Thu 24 Dec to Tue 29 Dec: one working day away
        ("2026-12-29", None, "2026-12-24", "due-soon"),
        # Tue 29 Dec from Tue 22 Dec: 23, 24, 29 -> 3 working days
        ("2026-12-29", None, "2026-12-22", "due-soon"),
        # Thu 7 Jan 2027 from Thu 24 Dec: 29, 30, 31, 4, 5 (5), 6, 7 -> 7 working days
        ("2027-01-07", None, "2026-12-24", "upcoming"),
        # Thu 31 Dec from Thu 24 Dec: 29, 30, 31 -> 3, soon although a week away
        ("2026-12-31", None, "2026-12-24", "due-soon"),
    ],
)
def test_milestone_status(due: str, done_on: str | None, today: str, expected: str) -> None:
    done = D(done_on) if done_on else None
    assert milestone_status(D(due), done, D(today), calendar=ENG) == expected


def test_milestone_status_soon_window_is_a_setting() -> None:
    # Mon 4 Jan 2027 from Thu 24 Dec 2026: 29, 30, 31, 4 -> 4 working days
    assert milestone_status(D("2027-01-04"), None, D("2026-12-24"), calendar=ENG) == "due-soon"
    assert (
        milestone_status(D("2027-01-04"), None, D("2026-12-24"), calendar=ENG, soon_working_days=3)
        == "upcoming"
    )


@pytest.mark.parametrize(
    ("name", "done_on", "held_on", "expected"),
    [
        # Before the meeting, not done, the meeting held: missed.
        ("iro-meets-child", None, "2026-11-20", True),
        # Done (late or not): done, never missed.
        ("iro-meets-child", "2026-11-24", "2026-11-20", False),
        # The meeting not held yet: still to do.
        ("iro-meets-child", None, None, False),
        # After the meeting: its own deadline, never missed by the meeting.
        ("decisions-circulated", None, "2026-11-20", False),
    ],
)
def test_missed(name: str, done_on: str | None, held_on: str | None, expected: bool) -> None:
    done = D(done_on) if done_on else None
    held = D(held_on) if held_on else None
    assert missed(name, done, held) is expected


def test_a_missed_task_is_missed_whatever_its_due_day_and_done_is_done() -> None:
    # Due long ago, today, or (a meeting held early) still to come: missed all the same.
    for due in ("2026-10-01", "2026-11-24", "2026-12-10"):
        assert (
            milestone_status(D(due), None, D("2026-11-24"), calendar=ENG, was_missed=True)
            == "missed"
        )
    assert (
        milestone_status(
            D("2026-10-01"), D("2026-11-24"), D("2026-11-24"), calendar=ENG, was_missed=True
        )
        == "done"
    )


def test_no_task_of_a_first_review_is_due_before_the_child_came_into_care() -> None:
    """QA: counted back from a first review 20 working days after coming into care, "consult
    the child" was due on (or, across a bank holiday, before) that day: overdue the moment the
    child was added. Tasks before the meeting start no earlier than the child's first working
    day in care (Sami: looked after from Monday 7 September 2026)."""
    came = date(2026, 9, 7)
    reviews = review_schedule(ENG, came, [], today=came)
    tasks = {
        m.name: m.due
        for m in schedule_milestones(ENG, reviews[:1], became_looked_after=came)
        if m.phase == "before"
    }
    assert min(tasks.values()) == came
    # Looked after from a Saturday: the Monday after.
    saturday = date(2026, 9, 5)
    reviews = review_schedule(ENG, saturday, [], today=saturday)
    first = schedule_milestones(ENG, reviews[:1], became_looked_after=saturday)
    assert min(m.due for m in first) == date(2026, 9, 7)
    # A later review's tasks start no earlier than the review before it.
    held = date(2026, 10, 2)
    reviews = review_schedule(ENG, came, [held], today=date(2026, 10, 5), count=2)
    second = [
        m for m in schedule_milestones(ENG, reviews, became_looked_after=came) if m.review == 2
    ]
    assert all(m.due > held for m in second)


def test_a_closure_day_never_makes_a_deadline_later_than_the_law() -> None:
    """QA: a review held on Thursday 26 November 2026 must have its record sent within 20
    working days: 24 December by law. With the council's Christmas Eve closure counted as a day
    off, the page said 29 December, and a record sent late read as on time. Counted forward,
    deadlines are the law's, moved earlier off a closure day; counted back, a closure day moves
    them earlier too."""
    held = date(2026, 11, 26)
    law = {m.name: m.due for m in milestones_for_review(ENG, 2, held, held)}
    assert law["record-distributed"] == date(2026, 12, 24)
    closed = WorkingCalendar("ENG", [date(2026, 12, 24)])
    council = {m.name: m.due for m in milestones_for_review(closed, 2, held, held)}
    assert council["record-distributed"] == date(2026, 12, 23)
    assert all(council[name] <= law[name] for name in law)
    # The first review, 20 working days after coming into care across the closure.
    came = date(2026, 11, 26)
    first_by_law = review_schedule(ENG, came, [], today=came)[0].due
    first = review_schedule(closed, came, [], today=came)[0].due
    assert first <= first_by_law and closed.is_working_day(first)
