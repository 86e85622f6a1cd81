"""The timetable kept in the database agrees with the rules, and keeps what staff recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from participation.models import (
    ClosureDay,
    EventDecision,
    EventKind,
    Milestone,
    PlacementType,
    Review,
    ReviewStatus,
    Role,
    SignificantEvent,
)
from participation.models.review import LONDON
from participation.security.principal import StaffPrincipal
from participation.timetable import service
from participation.timetable.rules import (
    TimetableError,
    WorkingCalendar,
    milestone_status,
    milestones_for_review,
    review_schedule,
)

from .conftest import task as task_of

ENG = WorkingCalendar("ENG")


def tasks(session, review):
    return {
        m.name: m
        for m in session.scalars(select(Milestone).where(Milestone.review_id == review.id))
    }


def test_recompute_creates_the_first_review_and_its_milestones_by_the_rules(
    session, make_child, today
):
    child = make_child(became=today - timedelta(days=10))
    [review] = child.reviews
    expected = review_schedule(ENG, child.became_looked_after, [], today=today)[0]
    assert review.number == 1 and review.status == ReviewStatus.PLANNED
    assert review.due_on == expected.due
    wanted = milestones_for_review(ENG, 1, expected.due, None)
    assert {n: m.due_on for n, m in tasks(session, review).items()} == {
        m.name: m.due for m in wanted
    }
    assert tasks(session, review)["consult-child"].owner_role == Role.SOCIAL_WORKER


def test_recompute_twice_changes_nothing(session, make_child, today):
    child = make_child(became=today - timedelta(days=200), held=[today - timedelta(days=170)])
    before = {(m.review_id, m.name, m.due_on) for m in session.scalars(select(Milestone))}
    service.recompute_child(session, child, today)
    session.commit()
    after = {(m.review_id, m.name, m.due_on) for m in session.scalars(select(Milestone))}
    assert before == after
    assert session.scalar(select(func.count()).select_from(Review)) == 2


def test_a_held_review_brings_the_next_one_and_keeps_what_was_done(
    session, make_child, people, today
):
    became = today - timedelta(days=60)
    child = make_child(became=became)
    review = child.reviews[0]
    consult = tasks(session, review)["consult-child"]
    service.mark_done(session, consult, people[Role.SOCIAL_WORKER], became, today=today)
    session.commit()
    held_on = ENG.last_working_day_on_or_before(today - timedelta(days=3))
    service.record_held(session, review, held_on, people[Role.IRO], today=today)
    session.commit()
    first, second = sorted(child.reviews, key=lambda r: r.number)
    assert first.status == ReviewStatus.HELD and first.held_on == held_on
    assert second.status == ReviewStatus.PLANNED
    assert second.due_on == review_schedule(ENG, became, [held_on], today=today)[1].due
    done = tasks(session, first)
    # The before-meeting tasks now count back from the day it was held; what was done stays.
    assert done["consult-child"].done_on == became
    assert done["consult-child"].done_by_id == people[Role.SOCIAL_WORKER].id
    assert done["consult-child"].due_on == ENG.add_working_days(held_on, -20)
    assert done["decisions-circulated"].due_on == ENG.add_working_days(held_on, 5)
    assert set(tasks(session, second)) == {
        "consult-child",
        "invitations-sent",
        "iro-meets-child",
        "keyworker-report-shared-with-child",
        "keyworker-report-sent",
        "child-views-ready",
        "social-worker-documents",
    }


@pytest.mark.parametrize(
    ("held", "code"),
    [
        (lambda child, today: child.became_looked_after - timedelta(days=1), "before"),
        (lambda child, today: today + timedelta(days=1), "future"),
    ],
)
def test_bad_held_dates_are_refused_and_nothing_is_saved(
    session, make_child, people, today, held, code
):
    child = make_child(became=today - timedelta(days=60))
    review = child.reviews[0]
    with pytest.raises(service.InputError) as refused:
        service.record_held(session, review, held(child, today), people[Role.IRO], today=today)
    session.rollback()
    assert refused.value.field == "held_on"
    assert code in refused.value.code
    session.refresh(review)
    assert review.held_on is None and len(child.reviews) == 1


def test_a_held_day_that_may_be_a_mistake_is_asked_about_when_not_confirmed(
    session, make_child, people, today
):
    child = make_child(became=today - timedelta(days=60))
    review = child.reviews[0]
    sunday = today - timedelta(days=today.weekday() + 1)
    with pytest.raises(service.DayToConfirm) as asked:
        service.record_held(session, review, sunday, people[Role.IRO], today=today, confirmed=False)
    assert asked.value.warnings == [service.DayWarning.WEEKEND]
    session.rollback()
    session.refresh(review)
    assert review.held_on is None
    # Confirmed (the default, for callers that ask nobody), the same day is saved.
    service.record_held(session, review, sunday, people[Role.IRO], today=today)
    assert review.held_on == sunday


def test_a_closure_day_that_may_be_a_mistake_is_asked_about_when_not_confirmed(session, today):
    sunday = today - timedelta(days=today.weekday() + 1)
    passed = ENG.last_working_day_on_or_before(today - timedelta(days=1))
    # A day that is not a working day anyway changes nothing: "in the past" is not said too.
    for day, warnings in [(sunday, ["weekend"]), (passed, ["past"])]:
        with pytest.raises(service.DayToConfirm) as asked:
            service.add_closure_day(session, day, "", today, confirmed=False)
        assert asked.value.warnings == warnings
        session.rollback()
    assert session.scalar(select(func.count()).select_from(ClosureDay)) == 0
    ahead = ENG.next_working_day_on_or_after(today + timedelta(days=1))
    service.add_closure_day(session, ahead, "", today, confirmed=False)
    assert session.scalar(select(ClosureDay.day)) == ahead


def test_a_held_date_out_of_order_is_refused(session, make_child, people, today):
    first = today - timedelta(days=100)
    child = make_child(became=today - timedelta(days=130), held=[first])
    upcoming = service.next_review(child)
    assert upcoming is not None
    with pytest.raises(service.InputError) as refused:
        service.record_held(session, upcoming, first, people[Role.IRO], today=today)
    assert (refused.value.field, refused.value.code) == ("held_on", "held-out-of-order")


def test_bring_forward_keeps_the_new_date_through_a_recompute(session, make_child, people, today):
    child = make_child(became=today - timedelta(days=100), held=[today - timedelta(days=60)])
    review = service.next_review(child)
    assert review is not None and review.due_on > today + timedelta(days=14)
    event = service.record_event(
        session, child, people[Role.KEYWORKER], EventKind.MISSING, today, "", today=today
    )
    new_due = ENG.next_working_day_on_or_after(today + timedelta(days=10))
    service.consider_event(
        session,
        event,
        people[Role.IRO],
        EventDecision.BRING_FORWARD,
        today=today,
        new_due=new_due,
    )
    session.commit()
    assert review.due_on == new_due
    assert tasks(session, review)["invitations-sent"].due_on == ENG.add_working_days(new_due, -10)
    service.recompute_child(session, child, today)
    assert review.due_on == new_due
    assert event.decision == EventDecision.BRING_FORWARD and event.considered_by_id


def test_bring_forward_refuses_a_later_date_a_past_date_and_a_holiday(
    session, make_child, people, today
):
    child = make_child(became=today - timedelta(days=100), held=[today - timedelta(days=60)])
    review = service.next_review(child)
    assert review is not None
    event = service.record_event(
        session, child, people[Role.KEYWORKER], EventKind.COMPLAINT, today, "", today=today
    )
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    for new_due, code in [
        (review.due_on + timedelta(days=1), "forward-not-earlier"),
        (today - timedelta(days=1), "forward-past"),
        (saturday, "forward-not-working-day"),
        (None, "forward-required"),
    ]:
        with pytest.raises(service.InputError) as refused:
            service.consider_event(
                session, event, people[Role.IRO], "bring-forward", today=today, new_due=new_due
            )
        assert (refused.value.field, refused.value.code) == ("new_due", code)
    with pytest.raises(service.InputError) as refused:
        service.consider_event(session, event, people[Role.IRO], "no-change", today=today)
    assert (refused.value.field, refused.value.code) == ("reason", "reason-required")
    assert event.decision is None


def test_an_event_is_considered_once(session, make_child, people, today):
    child = make_child()
    event = service.record_event(
        session, child, people[Role.SOCIAL_WORKER], "offending", today, "", today=today
    )
    service.consider_event(
        session, event, people[Role.IRO], "no-change", today=today, reason="Minor, dealt with"
    )
    with pytest.raises(service.TimetableConflict):
        service.consider_event(
            session, event, people[Role.IRO], "no-change", today=today, reason="Again"
        )


def test_significant_events_refuse_future_and_unknown(session, make_child, people, today):
    child = make_child()
    with pytest.raises(service.InputError) as future:
        service.record_event(
            session, child, people[Role.IRO], "missing", today + timedelta(days=1), "", today=today
        )
    assert future.value.field == "occurred_on"
    with pytest.raises(service.InputError) as unknown:
        service.record_event(session, child, people[Role.IRO], "dragons", today, "", today=today)
    assert unknown.value.field == "kind"
    assert session.scalar(select(func.count()).select_from(SignificantEvent)) == 0


def test_mark_done_checks_the_version_and_the_date(session, make_child, people, today):
    child = make_child()
    task = tasks(session, child.reviews[0])["consult-child"]
    with pytest.raises(service.TimetableConflict):
        service.mark_done(
            session, task, people[Role.SOCIAL_WORKER], today, today=today, version=task.version + 1
        )
    with pytest.raises(service.InputError) as future:
        service.mark_done(
            session, task, people[Role.SOCIAL_WORKER], today + timedelta(days=1), today=today
        )
    assert future.value.field == "done_on"
    service.mark_done(session, task, people[Role.SOCIAL_WORKER], today, today=today, note=" ok ")
    assert task.done_on == today and task.note == "ok"
    with pytest.raises(service.TimetableConflict):
        service.mark_done(session, task, people[Role.SOCIAL_WORKER], today, today=today)


def test_decisions_received_late_move_the_managers_deadline(session, make_child, people, today):
    held_on = ENG.last_working_day_on_or_before(today - timedelta(days=30))
    child = make_child(became=held_on - timedelta(days=30), held=[held_on])
    review = child.reviews[0]
    circulated = tasks(session, review)["decisions-circulated"]
    assert tasks(session, review)["manager-considers-decisions"].due_on == ENG.add_working_days(
        circulated.due_on, 5
    )
    received = ENG.last_working_day_on_or_before(today - timedelta(days=2))
    service.mark_done(session, circulated, people[Role.IRO], received, today=today)
    session.commit()
    assert tasks(session, review)["manager-considers-decisions"].due_on == ENG.add_working_days(
        received, 5
    )


def test_children_in_foster_care_have_no_keyworker_tasks(session, make_child, today):
    child = make_child(placement=PlacementType.FOSTER)
    owners = {m.owner_role for m in tasks(session, child.reviews[0]).values()}
    assert Role.KEYWORKER not in owners and Role.SOCIAL_WORKER in owners


def test_leaving_care_cancels_the_next_review(session, make_child, today):
    child = make_child(became=today - timedelta(days=10))
    child.left_care_on = today
    session.flush()
    service.recompute_child(session, child, today)
    session.commit()
    assert child.reviews[0].status == ReviewStatus.CANCELLED
    assert service.next_review(child) is None
    assert session.scalar(select(func.count()).select_from(Milestone)) == 0
    assert service.meeting_countdown(child, today) == service.Countdown(None, None, False)


def test_a_left_care_date_taken_away_brings_the_same_review_back(session, make_child, today):
    """A mistaken "left care" date, then cleared: the review the child planned and shared for
    comes back, not a new empty one (QA: the pack lost the child's views)."""
    child = make_child(became=today - timedelta(days=10))
    review = child.reviews[0]
    review.venue = "The quiet lounge"
    child.left_care_on = today
    session.flush()
    service.recompute_child(session, child, today)
    session.commit()
    assert review.status == ReviewStatus.CANCELLED
    child.left_care_on = None
    session.flush()
    service.recompute_child(session, child, today)
    session.commit()
    assert [r.number for r in child.reviews] == [1]
    assert service.next_review(child) is review and review.status == ReviewStatus.PLANNED
    assert review.venue == "The quiet lounge"
    assert tasks(session, review)  # its task list is back


def test_meeting_countdown_in_days_or_still_being_planned(session, make_child, today):
    child = make_child()
    assert service.meeting_countdown(child, today) == service.Countdown(None, None, True)
    review = child.reviews[0]
    when = datetime.combine(today + timedelta(days=12), time(16, 0), LONDON).astimezone(UTC)
    review.scheduled_at = when
    session.commit()
    assert service.meeting_countdown(child, today) == service.Countdown(12, when, False)
    # A meeting day that has passed without being recorded is not a countdown below zero.
    assert service.meeting_countdown(child, today + timedelta(days=13)).planning


def test_the_council_calendar_has_its_nation_and_closure_days(session, council, today):
    assert service.calendar_for(session).nation == "ENG"
    day = ENG.next_working_day_on_or_after(today + timedelta(days=30))
    session.add(ClosureDay(day=day, reason="Council closure"))
    council.nation = "SCT"
    session.commit()
    calendar = service.calendar_for(session)
    assert calendar.nation == "SCT" and not calendar.is_working_day(day)
    council.nation = "XYZ"
    session.commit()
    with pytest.raises(TimetableError) as refused:
        service.calendar_for(session)
    assert refused.value.field == "nation"


def test_set_nation_refuses_an_unknown_nation(session, council, today):
    with pytest.raises(service.InputError) as refused:
        service.set_nation(session, "Atlantis", today)
    assert refused.value.field == "nation"
    session.rollback()
    assert service.council_nation(session) == "ENG"


def test_a_closure_day_moves_the_dates_of_every_child(session, make_child, today):
    """Tasks counted back from the meeting move earlier over a closure day; the review's own
    date, counted forward in the law's working days, does not move later."""
    child = make_child(became=today - timedelta(days=5))
    review = child.reviews[0]
    before = review.due_on
    invitations = task_of(session, child, "invitations-sent").due_on
    closed = ENG.add_working_days(before, -2)
    service.add_closure_day(session, closed, "Staff training", today)
    session.commit()
    assert review.due_on == before == ENG.add_working_days(child.became_looked_after, 20)
    moved = task_of(session, child, "invitations-sent").due_on
    assert moved == WorkingCalendar("ENG", [closed]).add_working_days(before, -10) < invitations
    service.remove_closure_day(session, closed, today)
    session.commit()
    assert review.due_on == before
    assert task_of(session, child, "invitations-sent").due_on == invitations


def test_sql_status_boundaries_agree_with_the_rules(session, council):
    # Every day for ten weeks across Christmas: the dashboard's SQL boundaries and
    # rules.milestone_status put each due date in the same status.
    calendar = service.calendar_for(session)
    for start in (date(2026, 12, 18), date(2027, 3, 24), date(2026, 5, 1)):
        bounds = service._Bounds(start, service.soon_until(calendar, start))
        for offset in range(-5, 70):
            due = start + timedelta(days=offset)
            by_rules = milestone_status(due, None, start, soon_working_days=5, calendar=calendar)
            if due < bounds.today:
                by_sql = "overdue"
            elif due == bounds.today:
                by_sql = "due-today"
            elif due <= bounds.soon_until:
                by_sql = "due-soon"
            else:
                by_sql = "upcoming"
            assert by_sql == by_rules, (start, due)


def test_dashboard_sorts_overdue_first_and_counts(session, make_child, people, today):
    make_child(became=today - timedelta(days=40), name="Overdue Olly")
    make_child(became=today - timedelta(days=1), name="Fresh Fay")
    principal = StaffPrincipal(people[Role.SOCIAL_WORKER], None)  # type: ignore[arg-type]
    board = service.dashboard(session, principal, today, service.Filters())
    statuses = [row.status for row in board.milestones]
    ranks = [service._STATUS_RANK[s] for s in statuses]
    assert ranks == sorted(ranks) and statuses[0] == "overdue"
    assert board.counts.overdue == statuses.count("overdue")
    assert board.counts.outstanding == board.milestone_total == len(board.milestones)
    mine = service.dashboard(session, principal, today, service.Filters(owner="mine"))
    assert {row.owner_role for row in mine.milestones} == {Role.SOCIAL_WORKER}


def test_control_characters_never_reach_the_database(session, make_child, people, today):
    child = make_child()
    event = service.record_event(
        session, child, people[Role.KEYWORKER], "missing", today, " back\x00 home\x1b ", today=today
    )
    assert event.note == "back home"
    with pytest.raises(service.InputError) as long_note:
        service.record_event(
            session, child, people[Role.KEYWORKER], "missing", today, "x" * 501, today=today
        )
    assert (long_note.value.field, long_note.value.code) == ("note", "note-too-long")


def test_a_task_before_a_meeting_held_is_missed_not_overdue_for_ever(
    session, make_child, people, today
):
    # The IRO never met the child before the meeting. Once the meeting is held that task cannot
    # be done in time: the dashboards stop chasing it as overdue, the timetable keeps it on the
    # record as missed, and a manager can list what reviews went without.
    held_on = ENG.last_working_day_on_or_before(today - timedelta(days=10))
    became = held_on - timedelta(days=40)
    child = make_child(became=became)
    review = child.reviews[0]
    for name, task in tasks(session, review).items():
        if name != "iro-meets-child":
            on = max(task.due_on, became)
            service.mark_done(session, task, people[task.owner_role], on, today=today)
    session.commit()
    principal = StaffPrincipal(people[Role.IRO], None)  # type: ignore[arg-type]
    before = service.dashboard(session, principal, today, service.Filters())
    assert before.counts.overdue == 1 and before.counts.missed == 0
    assert service.overdue_by_child(session, principal, today)[child.id].all == 1

    service.record_held(session, review, held_on, people[Role.IRO], today=today)
    session.commit()
    board = service.dashboard(session, principal, today, service.Filters())
    assert (1, "iro-meets-child") not in {(row.review_number, row.name) for row in board.milestones}
    assert board.counts.missed == 1
    assert board.counts.overdue == sum(1 for row in board.milestones if row.status == "overdue")
    missed_only = service.dashboard(session, principal, today, service.Filters(status="missed"))
    assert [(row.review_number, row.name, row.status) for row in missed_only.milestones] == [
        (1, "iro-meets-child", "missed")
    ]
    assert missed_only.milestone_total == 1
    everything = service.dashboard(session, principal, today, service.Filters(status="all"))
    statuses = [row.status for row in everything.milestones]
    # Still to do first, then missed, then done.
    assert statuses.index("missed") > max(
        i for i, s in enumerate(statuses) if s not in ("missed", "done")
    )
    assert statuses.index("missed") < statuses.index("done")
    assert everything.milestone_total == everything.counts.for_status("all") == len(statuses)
    after = service.overdue_by_child(session, principal, today).get(child.id)
    assert after is None or after.all == sum(
        1 for row in board.milestones if row.status == "overdue"
    )
    shown = service.child_timetable(session, child, today)
    held_view = next(r for r in shown.reviews if r.review.id == review.id)
    assert {view.milestone.name: view.status for view in held_view.milestones}[
        "iro-meets-child"
    ] == "missed"

    # Done after all (late): done, and off the missed list.
    late = tasks(session, review)["iro-meets-child"]
    service.mark_done(session, late, people[Role.IRO], today, today=today)
    session.commit()
    assert service.dashboard(session, principal, today, service.Filters()).counts.missed == 0


def test_the_next_reviews_count_only_my_tasks_when_the_board_shows_mine(
    session, make_child, people, today
):
    """QA: with "Whose tasks: mine", the counts said 0 overdue and the next reviews beside
    them "Jay: 1 overdue" (someone else's task)."""
    make_child(became=today - timedelta(days=40))
    principal = StaffPrincipal(people[Role.SOCIAL_WORKER], None)  # type: ignore[arg-type]
    everyone = service.dashboard(session, principal, today, service.Filters())
    mine = service.dashboard(session, principal, today, service.Filters(owner="mine"))
    assert mine.counts.overdue < everyone.counts.overdue  # others' tasks are late too
    for board in (everyone, mine):
        [row] = board.reviews
        assert row.overdue_tasks == board.counts.overdue


def test_an_earlier_reviews_tasks_still_to_do_are_on_the_childs_timetable(
    session, make_child, people, today
):
    """QA: tasks after review 1 (its record circulated, say) never done were counted overdue
    on every dashboard once review 2 was held, and shown nowhere they could be done."""
    first = ENG.last_working_day_on_or_before(today - timedelta(days=200))
    child = make_child(became=first - timedelta(days=20), held=[first])
    second = next(r for r in child.reviews if r.number == 2)
    held_on = ENG.last_working_day_on_or_before(first + timedelta(days=80))
    service.record_held(session, second, held_on, people[Role.IRO], today=today)
    session.commit()
    shown = service.child_timetable(session, child, today)
    earlier = [item for item in shown.reviews if item.review.number == 1]
    assert len(earlier) == 1
    statuses = {view.status for view in earlier[0].milestones}
    assert "overdue" in statuses and "missed" not in statuses
    assert all(view.milestone.done_on is None for view in earlier[0].milestones)
    principal = StaffPrincipal(people[Role.IRO], None)  # type: ignore[arg-type]
    counted = service.overdue_by_child(session, principal, today)[child.id].all
    on_the_record = sum(
        1 for item in shown.reviews for view in item.milestones if view.status == "overdue"
    )
    assert on_the_record == counted
