"""Staff see a child's plan beside the arrangements, answer each wish (with a reason written for
the child), set the venue and time, and tick the checklist for the day."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from participation import clock
from participation.models import (
    AuditEvent,
    Child,
    ClosureDay,
    DayChecklistItem,
    DecisionOutcome,
    MeetingPlan,
    Milestone,
    PlanDecision,
    PlanInvitee,
    Review,
    Role,
    StaffMember,
    Wish,
)
from participation.models.review import LONDON
from participation.planning import service
from participation.timetable import service as timetable
from participation.timetable.rules import WorkingCalendar
from tests.conftest import csrf_from
from tests.support import factories


@pytest.fixture
def plan(session, family, mia):
    """Mia's plan as she left it: Mum for part of it, a quiet room, pizza, home after school."""
    # Re-read: requests made before this (a hand-over) end the thread's session.
    mia = session.get(Child, mia.id)
    review = session.get(Review, family["review"].id)
    answers = {"place": "home", "times": ["after-school"], "avoid": ""}
    service.save_step(session, mia, review, "where-and-when", answers, 0, finish=True)
    service.save_step(
        session,
        mia,
        review,
        "food-and-drink",
        {"food": ["pizza"], "diet": "No nuts"},
        0,
        finish=True,
    )
    service.save_step(
        session,
        mia,
        review,
        "the-room",
        {"room": ["quiet", "pet"], "break_signal": "Red card", "bring_who": "Biscuit the dog"},
        0,
        finish=True,
    )
    service.save_people(
        session,
        mia,
        review,
        [service.WishAnswer(f"person-{family['mum'].public_id}", "part", "The start", "")],
        0,
        finish=True,
    )
    found = session.scalar(select(MeetingPlan).where(MeetingPlan.child_id == mia.id))
    return found


def mum_invitee(session, plan):
    session.expire_all()
    return session.scalar(select(PlanInvitee).where(PlanInvitee.plan_id == plan.id))


def family_name(session, plan) -> str:
    """The name the staff page gives Mum's card."""
    invitee = mum_invitee(session, plan)
    return invitee.network_person.name


def audit_actions(session):
    session.expire_all()
    return [
        (e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


def test_staff_see_each_wish_beside_the_arrangement_and_the_view_is_audited(
    client, auth, session, plan, mia, keyworker
):
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia.public_id}").text
    assert "Mia has done 4 of 6 parts." in record
    assert "wishes are waiting for an answer" in record
    page = client.get(f"/children/{mia.public_id}/plan")
    assert page.status_code == 200
    text = page.text
    assert "Mia&#39;s meeting plan" in text or "Mia's meeting plan" in text
    assert "Kelly" in text and "Just for part of it" in text and "The start" in text
    assert "My home" in text and "After school" in text
    assert "Pizza" in text and "No nuts" in text
    assert "Red card" in text
    assert "Answer this wish" in text
    assert "Save venue and time" in text
    assert "Biscuit the dog" in text  # the checklist says what to get ready
    actions = audit_actions(session)
    assert ("view-meeting-plan", "") in actions
    # Never the content of the plan in the audit record.
    assert not any("Kelly" in detail or "pizza" in detail for _a, detail in actions)


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.IRO])
def test_other_caseworkers_with_the_child_see_it_too(client, auth, session, plan, mia, role):
    worker = factories.make_staff(session, role)
    factories.assign(session, worker, mia)
    session.commit()
    auth.sign_in(worker)
    assert client.get(f"/children/{mia.public_id}/plan").status_code == 200


def test_staff_from_another_caseload_get_not_found(client, auth, session, plan, mia):
    stranger = factories.make_staff(session, Role.KEYWORKER)
    session.commit()
    auth.sign_in(stranger)
    assert client.get(f"/children/{mia.public_id}/plan").status_code == 404
    token = csrf_from(client.get("/accessibility").text)
    for path in ("plan/answers/food", "plan/arrangement", "plan/checklist"):
        response = client.post(f"/children/{mia.public_id}/{path}", data={"csrf_token": token})
        assert response.status_code == 404, path
    assert client.get("/children/not-a-child/plan").status_code == 404
    assert session.scalar(select(PlanDecision)) is None


def test_a_manager_reads_the_plan_but_cannot_answer(client, auth, session, plan, mia):
    manager = factories.make_staff(session, Role.MANAGER)
    session.commit()
    auth.sign_in(manager)
    page = client.get(f"/children/{mia.public_id}/plan").text
    assert "You can read this plan" in page
    assert "Answer this wish" not in page
    assert "Save venue and time" not in page
    token = csrf_from(page)
    response = client.post(
        f"/children/{mia.public_id}/plan/answers/food",
        data={"csrf_token": token, "food-outcome": "agreed"},
    )
    assert response.status_code == 404
    assert session.scalar(select(PlanDecision)) is None


def test_an_administrator_does_not_see_plans(client, auth, session, plan, mia):
    admin = factories.make_staff(session, Role.ADMIN)
    session.commit()
    auth.sign_in(admin)
    assert client.get(f"/children/{mia.public_id}/plan").status_code == 404


def test_a_child_session_cannot_reach_the_staff_plan_pages(planner, client, on_tablet, plan):
    response = client.get(f"/children/{on_tablet.public_id}/plan")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    token = csrf_from(client.get("/me/plan/who-comes").text)
    response = client.post(
        f"/children/{on_tablet.public_id}/plan/answers/food",
        data={"csrf_token": token, "food-outcome": "agreed"},
    )
    assert response.status_code == 401


def answer(client, mia, subject, outcome, reason="", version="0"):
    page = client.get(f"/children/{mia.public_id}/plan").text
    return client.post(
        f"/children/{mia.public_id}/plan/answers/{subject}",
        data={
            f"{subject}-csrf_token": csrf_from(page),
            f"{subject}-version": version,
            f"{subject}-outcome": outcome,
            f"{subject}-reason": reason,
        },
    )


def test_a_wish_not_met_needs_a_reason_written_for_the_child(
    client, auth, session, plan, mia, social_worker
):
    auth.sign_in(social_worker)
    subject = f"who-{mum_invitee(session, plan).public_id}"
    refused = answer(client, mia, subject, "not-possible")
    assert refused.status_code == 200
    assert "Write a reason the child can read" in refused.text
    # Which of the page's many answers it is about, and the address it leaves is the plan's.
    assert f"{family_name(session, plan)}: Write a reason the child can read" in refused.text
    reload = client.get(f"/children/{mia.public_id}/plan/answers/{subject}")
    assert reload.status_code == 302
    assert reload.headers["Location"].endswith(f"/plan#decision-{subject}")
    assert "<title>Error:" in refused.text
    assert session.scalar(select(PlanDecision)) is None

    saved = answer(client, mia, subject, "changed", "Your mum will join by video for the start.")
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/plan#decision-{subject}")
    decision = session.scalar(select(PlanDecision))
    assert decision.outcome == DecisionOutcome.CHANGED
    assert decision.decided_by_id == social_worker.id
    assert decision.answered_wish == "part"
    assert ("answer-plan-wish", "who") in audit_actions(session)
    page = client.get(f"/children/{mia.public_id}/plan").text
    assert f'id="decision-{subject}"' in page
    assert "Agreed with a change" in page
    assert "Your mum will join by video for the start." in page


def test_topic_answers_and_agreeing_needs_no_reason(client, auth, session, plan, mia, keyworker):
    auth.sign_in(keyworker)
    assert answer(client, mia, "food", "agreed").status_code == 302
    assert (
        answer(client, mia, "room", "not-possible", "No pets at the council office.").status_code
        == 302
    )
    decisions = {d.subject: d for d in session.scalars(select(PlanDecision))}
    assert decisions["food"].outcome == DecisionOutcome.AGREED
    assert decisions["room"].reason_for_child == "No pets at the council office."


def test_an_unknown_or_unanswerable_subject_is_not_found(
    client, auth, session, plan, mia, keyworker
):
    auth.sign_in(keyworker)
    assert answer(client, mia, "who-guess", "agreed").status_code == 404
    assert answer(client, mia, "who", "agreed").status_code == 404
    assert answer(client, mia, "weather", "agreed").status_code == 404
    # Another child's person on this child's address.
    other = factories.make_child(session)
    factories.assign(session, keyworker, other)
    review = factories.make_review(session, other)
    session.commit()
    other_plan = service.plan_to_save(session, other, review)
    other_plan.invitees.append(PlanInvitee(name="Friend", wish=Wish.YES, position=1))
    session.commit()
    subject = f"who-{other_plan.invitees[0].public_id}"
    assert answer(client, mia, subject, "agreed").status_code == 404
    assert session.scalar(select(PlanDecision)) is None


def test_tampered_outcome_is_refused(client, auth, session, plan, mia, keyworker):
    auth.sign_in(keyworker)
    response = answer(client, mia, "food", "maybe")
    assert response.status_code == 200
    assert "Choose one of the answers shown" in response.text
    assert session.scalar(select(PlanDecision)) is None


def test_two_staff_answering_at_once_the_later_is_told(
    client, auth, session, plan, mia, keyworker, social_worker
):
    auth.sign_in(keyworker)
    assert answer(client, mia, "food", "agreed").status_code == 302
    late = answer(client, mia, "food", "not-possible", "No pizza, sorry.", version="0")
    assert late.status_code == 409
    assert "Someone else answered this a moment ago" in late.text
    assert "No pizza, sorry." in late.text
    decision = session.scalar(select(PlanDecision))
    assert decision.outcome == DecisionOutcome.AGREED


def test_the_child_changing_their_mind_shows_on_the_answer(
    client, auth, session, plan, mia, keyworker, family
):
    auth.sign_in(keyworker)
    subject = f"who-{mum_invitee(session, plan).public_id}"
    answer(client, mia, subject, "agreed")
    session.expire_all()
    service.save_people(
        session,
        mia,
        family["review"],
        [service.WishAnswer(f"person-{family['mum'].public_id}", "no")],
        session.get(MeetingPlan, plan.id).step_version("who-comes"),
        finish=True,
    )
    page = client.get(f"/children/{mia.public_id}/plan").text
    assert "Wish changed since this answer" in page
    # The child is not shown the answer to what they asked before (QA: "No thanks" beside
    # "Yes, that's OK"); the pack says it answered an earlier wish.
    decision = session.scalar(select(PlanDecision))
    assert service.for_child(decision) is None
    assert "answered an earlier wish" in str(service.for_staff(decision).said_by)


def test_the_chairs_leave_out_someone_answered_not_possible(
    client, auth, session, plan, mia, keyworker
):
    """The day's checklist still counted a chair for someone staff had said could not come
    (QA)."""
    before = service.coming_count(session.get(MeetingPlan, plan.id))
    auth.sign_in(keyworker)
    subject = f"who-{mum_invitee(session, plan).public_id}"
    answer(client, mia, subject, "not-possible", "Mum is away that week.")
    session.expire_all()
    assert service.coming_count(session.get(MeetingPlan, plan.id)) == before - 1


def test_a_no_turned_into_a_yes_drops_the_reason_for_the_no(
    client, auth, session, plan, mia, keyworker
):
    """Changed to "Agreed", the refusal's reason stayed in its box and was saved with the yes:
    the child read a yes and a no in one sentence (QA). Words written for the yes are kept."""
    auth.sign_in(keyworker)
    subject = f"who-{mum_invitee(session, plan).public_id}"
    answer(client, mia, subject, "not-possible", "Mum has exams that day.")
    answer(client, mia, subject, "agreed", "Mum has exams that day.", version="1")
    session.expire_all()
    decision = session.scalar(select(PlanDecision))
    assert decision.outcome == DecisionOutcome.AGREED and decision.reason_for_child == ""
    answer(client, mia, subject, "agreed", "She will bring cake.", version="2")
    session.expire_all()
    assert session.scalar(select(PlanDecision)).reason_for_child == "She will bring cake."


def arrange(client, mia, **data):
    page = client.get(f"/children/{mia.public_id}/plan").text
    version = page.split(
        'id="arrangement-version" name="arrangement-version" type="hidden" value="'
    )[1].split('"')[0]
    form = {"arrangement-csrf_token": csrf_from(page), "arrangement-version": version}
    form.update({f"arrangement-{k}": v for k, v in data.items()})
    return client.post(f"/children/{mia.public_id}/plan/arrangement", data=form)


def arrange_kept(client, mia, *, venue, day, time, warned=None):
    """The arrangement posted with "Keep this date and time" ticked, for the day and time it
    was warned about (those posted, unless `warned` says another, as "2026-12-05T11:00")."""
    return arrange(
        client, mia, venue=venue, day=day, time=time, keep_date="y",
        warned_day=warned or f"{day}T{time}",
    )  # fmt: skip


ENGLAND = WorkingCalendar("ENG")


def working_day(after: date) -> date:
    """The first working day after `after` (England's bank holidays)."""
    return ENGLAND.add_working_days(after, 1)


def newly_looked_after(session, mia, family):
    """Mia came into care yesterday, so her first review is due within 20 working days (dates
    count from the real today). Her review's due date, as the timetable works it out."""
    child = session.get(Child, mia.id)
    child.became_looked_after = clock.today() - timedelta(days=1)
    timetable.recompute_child(session, child, clock.today())
    session.commit()
    return session.get(Review, family["review"].id).due_on


def test_staff_set_the_venue_and_time(client, auth, session, plan, mia, keyworker, family):
    auth.sign_in(keyworker)
    due = newly_looked_after(session, mia, family)
    # Far enough ahead for the tasks that count back from it (sooner is asked about).
    day = ENGLAND.add_working_days(clock.today(), 15)
    response = arrange(
        client, mia, venue="Willow House, the quiet room", day=day.isoformat(), time="16:30"
    )
    assert response.status_code == 302
    session.expire_all()
    review = session.get(Review, family["review"].id)
    assert review.venue == "Willow House, the quiet room"
    # 16:30 in London, stored in UTC (an hour apart in summer, none in winter).
    assert review.scheduled_at == datetime.combine(day, time(16, 30), LONDON).astimezone(UTC)
    assert ("set-meeting-arrangement", "") in audit_actions(session)
    # The review's tasks count back from the meeting day, so moving the day moves them.
    before = milestone_days(session, review)
    assert before
    later = working_day(day)
    assert later <= due
    arrange(client, mia, venue="Willow House", day=later.isoformat(), time="16:30")
    assert milestone_days(session, review) != before
    assert "tell everyone invited" not in client.get(f"/children/{mia.public_id}/plan").text
    # Moved after the invitations went: everyone invited has the old day (QA: nothing said).
    from participation.models import Milestone

    sent = session.scalar(
        select(Milestone).where(
            Milestone.review_id == review.id, Milestone.name == "invitations-sent"
        )
    )
    sent.done_on = clock.today()
    session.commit()
    arrange(client, mia, venue="Willow House, the hall", day=later.isoformat(), time="16:30")
    assert "tell everyone invited about this change" in html.unescape(
        client.get(f"/children/{mia.public_id}/plan").text
    )
    # Emptying the date and time takes the meeting off, and the page says what that means.
    arrange(client, mia, venue="Willow House", day="", time="")
    session.expire_all()
    assert session.get(Review, review.id).scheduled_at is None
    page = html.unescape(client.get(f"/children/{mia.public_id}/plan").text)
    assert "The date and time are taken off: the meeting is not arranged" in page
    assert "The venue and time are saved." not in page
    # Emptying the venue box is said too, with what it was (QA: saved without a word, and
    # every invitation letter said "a place to be confirmed").
    arrange(client, mia, venue="  ", day="", time="")
    assert arranged(session, family)[0] == ""
    page = html.unescape(client.get(f"/children/{mia.public_id}/plan").text)
    assert "The venue is taken off (it was “Willow House”)" in page
    assert "notice-warning" in page
    arrange(client, mia, venue="", day="", time="")  # nothing to take off: nothing said
    page = html.unescape(client.get(f"/children/{mia.public_id}/plan").text)
    assert "The venue is taken off" not in page
    # ...and nothing saved is not "saved" (QA: an empty form said "The venue and time are saved").
    assert "Nothing was saved: give the venue, or the day and the time." in page
    assert "The venue and time are saved." not in page
    arrange(client, mia, venue="The library", day="", time="")
    arrange(client, mia, venue="The library", day="", time="")
    page = html.unescape(client.get(f"/children/{mia.public_id}/plan").text)
    assert "Nothing changed: the venue and time are as they were." in page


def milestone_days(session, review):
    session.expire_all()
    return sorted(session.scalars(select(Milestone.due_on).where(Milestone.review_id == review.id)))


def test_a_date_needs_a_time(client, auth, session, plan, mia, keyworker, family):
    auth.sign_in(keyworker)
    response = arrange(client, mia, venue="Home", day="2026-12-10", time="")
    assert response.status_code == 200
    assert "Enter a start time" in response.text
    session.expire_all()
    assert session.get(Review, family["review"].id).venue == ""


def test_a_stale_arrangement_is_not_saved_over_a_newer_one(
    client, auth, session, plan, mia, keyworker, family
):
    auth.sign_in(keyworker)
    page = client.get(f"/children/{mia.public_id}/plan").text
    review = session.get(Review, family["review"].id)
    review.venue = "Changed by someone else"
    session.commit()
    version = page.split(
        'id="arrangement-version" name="arrangement-version" type="hidden" value="'
    )[1].split('"')[0]
    response = client.post(
        f"/children/{mia.public_id}/plan/arrangement",
        data={
            "arrangement-csrf_token": csrf_from(page),
            "arrangement-version": version,
            "arrangement-venue": "My idea",
        },
    )
    assert response.status_code == 409
    assert "Someone else changed the venue or time" in response.text
    assert "My idea" in response.text
    session.expire_all()
    assert session.get(Review, family["review"].id).venue == "Changed by someone else"


def arranged(session, family):
    session.expire_all()
    review = session.get(Review, family["review"].id)
    return review.venue, review.scheduled_at


def test_a_meeting_day_in_the_past_is_refused_and_nothing_typed_is_lost(
    client, auth, session, plan, mia, keyworker, family
):
    auth.sign_in(keyworker)
    newly_looked_after(session, mia, family)
    yesterday = clock.today() - timedelta(days=1)
    response = arrange(client, mia, venue="Willow House", day=yesterday.isoformat(), time="10:15")
    assert response.status_code == 200
    assert "Error:" in response.text.split("</title>")[0]
    assert 'href="#arrangement-day">Date must be today or later</a>' in response.text
    assert 'value="Willow House"' in response.text
    assert f'value="{yesterday.isoformat()}"' in response.text
    assert 'value="10:15"' in response.text
    assert "Keep this date" not in response.text  # refused, not a warning to tick past
    assert arranged(session, family) == ("", None)


def _warned(response):
    assert response.status_code == 200
    assert "Check the date and time: tick “Keep this date and time” to save them" in response.text
    return response.text.split('id="day-warnings"')[1].split("</div>")[0]


def test_a_weekend_is_saved_only_once_staff_keep_the_date(
    client, auth, session, plan, mia, keyworker, family
):
    auth.sign_in(keyworker)
    due = newly_looked_after(session, mia, family)
    saturday = clock.today() + timedelta(days=(5 - clock.today().weekday()) % 7 or 7)
    assert saturday <= due
    response = arrange(client, mia, venue="Willow House", day=saturday.isoformat(), time="11:00")
    warning = _warned(response)
    assert f"Saturday {saturday.day} {saturday:%B %Y} is a weekend, not a working day." in warning
    assert "out of time" not in warning
    assert 'value="Willow House"' in response.text
    assert arranged(session, family) == ("", None)
    # Ticking "Keep this date and time" saves it.
    response = arrange_kept(
        client, mia, venue="Willow House", day=saturday.isoformat(), time="11:00"
    )
    assert response.status_code == 302
    venue, scheduled = arranged(session, family)
    assert venue == "Willow House"
    assert scheduled.astimezone(LONDON).date() == saturday
    # The day now saved is not questioned again when only the venue changes.
    assert (
        arrange(
            client, mia, venue="The library", day=saturday.isoformat(), time="11:00"
        ).status_code
        == 302
    )


def test_a_tick_for_one_date_does_not_keep_another(
    client, auth, session, plan, mia, keyworker, family
):
    auth.sign_in(keyworker)
    due = newly_looked_after(session, mia, family)
    after_due = working_day(due)
    saturday = clock.today() + timedelta(days=(5 - clock.today().weekday()) % 7 or 7)
    response = arrange_kept(
        client,
        mia,
        venue="Home",
        day=after_due.isoformat(),
        time="11:00",
        warned=f"{saturday.isoformat()}T11:00",
    )
    warning = _warned(response)
    assert "is after the date the review is due by" in warning
    assert "the review would be out of time" in warning
    assert arranged(session, family) == ("", None)


def test_a_start_time_at_night_is_saved_only_once_staff_keep_it(
    client, auth, session, plan, mia, keyworker, family
):
    """ "3:00" typed for 3 p.m.: the page asks, suggesting 15:00; a tick for 03:00 keeps 03:00
    only, and a time in the day needs nothing."""
    auth.sign_in(keyworker)
    newly_looked_after(session, mia, family)
    day = working_day(clock.today() + timedelta(days=1))
    warning = _warned(arrange(client, mia, venue="Home", day=day.isoformat(), time="03:00"))
    assert "The meeting would start at 03:00, at night" in warning
    assert "a mistake for 15:00" in warning
    assert arranged(session, family) == ("", None)
    late = _warned(arrange(client, mia, venue="Home", day=day.isoformat(), time="22:30"))
    assert "start at 22:30, at night" in late and "a mistake for 10:30" in late
    # A tick given for 03:00 does not let 04:00 through.
    other = arrange_kept(
        client,
        mia,
        venue="Home",
        day=day.isoformat(),
        time="04:00",
        warned=f"{day.isoformat()}T03:00",
    )
    assert "start at 04:00, at night" in _warned(other)
    kept = arrange_kept(client, mia, venue="Home", day=day.isoformat(), time="03:00")
    assert kept.status_code == 302
    assert arranged(session, family)[1].astimezone(LONDON).hour == 3
    # Saved: not asked again when the venue changes; a time in the day needs no tick.
    assert arrange(client, mia, venue="Hall", day=day.isoformat(), time="03:00").status_code == 302
    assert arrange(client, mia, venue="Hall", day=day.isoformat(), time="15:00").status_code == 302


def test_a_bank_holiday_and_a_council_closure_day_need_keeping(
    client, auth, session, plan, mia, keyworker, family
):
    auth.sign_in(keyworker)
    newly_looked_after(session, mia, family)
    day = clock.today() + timedelta(days=1)
    while day.weekday() >= 5 or ENGLAND.is_working_day(day):
        day += timedelta(days=1)
    warning = _warned(arrange(client, mia, venue="Home", day=day.isoformat(), time="11:00"))
    assert "is a bank holiday, not a working day." in warning

    closed = working_day(clock.today())
    session.add(ClosureDay(day=closed, reason="Staff training"))
    session.commit()
    warning = _warned(arrange(client, mia, venue="Home", day=closed.isoformat(), time="11:00"))
    assert "is a council closure day, not a working day." in warning
    assert arranged(session, family) == ("", None)


def test_the_keyworker_ticks_the_checklist_and_others_ticks_are_kept(
    client, auth, session, plan, mia, keyworker, social_worker
):
    auth.sign_in(keyworker)
    page = client.get(f"/children/{mia.public_id}/plan").text
    assert "Pet or person coming with the child: Biscuit the dog" in page
    # Meanwhile, the social worker ticks the chairs on their own device.
    service.tick_checklist(
        session, session.get(MeetingPlan, plan.id), {"chairs"}, set(), social_worker
    )
    response = client.post(
        f"/children/{mia.public_id}/plan/checklist",
        data={
            "checklist-csrf_token": csrf_from(page),
            "checklist-loaded": "",
            "checklist-done": ["room", "refreshments"],
        },
    )
    assert response.status_code == 302
    session.expire_all()
    done = {i.code.value: i for i in session.scalars(select(DayChecklistItem)) if i.done}
    assert set(done) == {"room", "refreshments", "chairs"}
    assert done["room"].done_by_id == keyworker.id
    assert done["chairs"].done_by_id == social_worker.id
    assert ("tick-day-checklist", "") in audit_actions(session)


def test_before_the_child_starts_staff_see_that_and_nothing_is_written(
    client, auth, session, family, mia, keyworker
):
    auth.sign_in(keyworker)
    page = client.get(f"/children/{mia.public_id}/plan").text
    assert "Mia has not started planning yet" in page
    assert session.scalar(select(MeetingPlan)) is None


def test_a_timed_out_form_with_a_prefix_says_so_and_keeps_what_was_typed(
    client, auth, session, plan, mia, keyworker, family
):
    """The summary's timeout line, for forms whose fields carry a prefix too."""
    auth.sign_in(keyworker)
    page = client.get(f"/children/{mia.public_id}/plan").text
    version = page.split(
        'id="arrangement-version" name="arrangement-version" type="hidden" value="'
    )
    response = client.post(
        f"/children/{mia.public_id}/plan/arrangement",
        data={
            "arrangement-csrf_token": "expired",
            "arrangement-version": version[1].split('"')[0],
            "arrangement-venue": "The library, upstairs",
        },
    )
    assert "This page timed out, so nothing was saved yet." in response.text
    assert "The library, upstairs" in response.text and "CSRF" not in response.text


def test_yes_for_the_iro_needs_no_answer_but_part_of_it_does(
    client, auth, session, plan, mia, keyworker
):
    auth.sign_in(keyworker)
    before = service.waiting_for_answer(session.get(MeetingPlan, plan.id))
    review = session.get(MeetingPlan, plan.id).review
    ivy = session.scalar(select(StaffMember).where(StaffMember.name == "Ivy Iro"))
    iro_key = f"staff-{ivy.public_id}-iro"
    service.save_people(
        session,
        session.get(Child, mia.id),
        review,
        [service.WishAnswer(iro_key, "yes")],
        session.get(MeetingPlan, plan.id).step_versions.get("who-comes", 0),
        finish=True,
    )
    session.expire_all()
    # The IRO chairs the meeting and always comes: "yes" is already so.
    assert service.waiting_for_answer(session.get(MeetingPlan, plan.id)) == before
    page = client.get(f"/children/{mia.public_id}/plan").text
    iro_line = page.split("Ivy Iro")[1].split("</li>")[0]
    assert "nothing to answer" in iro_line and "Answer this wish" not in iro_line
    # Staff read the profession's word for the role, not the child's ("Your IRO").
    assert "Independent Reviewing Officer" in iro_line and "Your IRO" not in iro_line

    service.save_people(
        session,
        session.get(Child, mia.id),
        session.get(MeetingPlan, plan.id).review,
        [service.WishAnswer(iro_key, "part", "Just the end", "")],
        session.get(MeetingPlan, plan.id).step_versions.get("who-comes", 0),
        finish=True,
    )
    session.expire_all()
    assert service.waiting_for_answer(session.get(MeetingPlan, plan.id)) == before + 1


def test_the_wishes_waiting_are_listed_first_each_a_link_to_its_answer(
    client, auth, session, plan, mia, social_worker
):
    auth.sign_in(social_worker)
    page = client.get(f"/children/{mia.public_id}/plan").text
    waiting = page.split('id="waiting-title">')[1].split("</section>")[0]
    subject = f"who-{mum_invitee(session, plan).public_id}"
    links = re.findall(r'<a href="#(decision-[^"]+)">([^<]+)</a>', waiting)
    assert waiting.startswith(f"{len(links)} wishes are waiting for an answer")
    assert links[0][0] == f"decision-{subject}"
    assert [label for _anchor, label in links[1:]] == [
        "Where",
        "When",
        "Food and drink",
        "The room",
    ]
    for anchor, _label in links:
        assert f'id="{anchor}"' in page
    answer(client, mia, subject, "agreed")
    page = client.get(f"/children/{mia.public_id}/plan").text
    assert f'href="#decision-{subject}"' not in page.split('id="waiting-title">')[1]


def _overdue(session, family) -> int:
    session.expire_all()
    return session.scalar(
        select(func.count())
        .select_from(Milestone)
        .where(
            Milestone.review_id == family["review"].id,
            Milestone.done_on.is_(None),
            Milestone.due_on < clock.today(),
        )
    )


def test_a_meeting_too_soon_for_its_notice_names_the_tasks_it_makes_overdue(
    client, auth, session, plan, mia, keyworker, family
):
    """A meeting moved to three working days ahead made five tasks overdue at once, invitations
    needing ten working days' notice among them, with only "saved" said (QA). The page names
    them and asks for the date to be kept, as the timetable's own pages do."""
    auth.sign_in(keyworker)
    newly_looked_after(session, mia, family)
    overdue_now = _overdue(session, family)
    soon = ENGLAND.add_working_days(clock.today(), 3)
    warning = html.unescape(
        _warned(arrange(client, mia, venue="Home", day=soon.isoformat(), time="11:00"))
    )
    assert "leaves too little time for what has to happen before it" in warning
    assert "Send invitations and consultation papers" in warning
    assert arranged(session, family) == ("", None)
    # Nothing was moved while asking: no task is overdue yet.
    assert _overdue(session, family) == overdue_now
    kept = arrange_kept(client, mia, venue="Home", day=soon.isoformat(), time="11:00")
    assert kept.status_code == 302
    # A day far enough ahead needs no tick.
    later = ENGLAND.add_working_days(clock.today(), 15)
    assert (
        arrange(client, mia, venue="Home", day=later.isoformat(), time="11:00").status_code == 302
    )
