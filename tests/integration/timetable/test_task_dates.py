"""Dates on a task and on a review brought forward that cannot be right are refused, keeping what
was typed; dates that may be a typing mistake are saved only once "Keep this date" is ticked; a
task marked done by mistake is put back to not done (audited), except a task the app marks done
itself on the page where its work is done."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from participation.models import (
    AuditEvent,
    EventDecision,
    Milestone,
    Review,
    Role,
    SignificantEvent,
)
from participation.timetable import service
from participation.timetable.rules import WorkingCalendar, milestones_for_review
from tests.conftest import csrf_from

from .conftest import task

ENG = WorkingCalendar("ENG")


def audit_details(session, action) -> list[str]:
    return list(session.scalars(select(AuditEvent.detail).where(AuditEvent.action == action)))


def written(day: date) -> str:
    """A date as the pages write it: Saturday 21 November 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def keep_box(html: str) -> str:
    """The "Keep this date" checkbox's tag ("" when there is none)."""
    start = html.find('id="keep_date"')
    if start == -1:
        return ""
    return html[html.rindex("<input", 0, start) : html.index(">", start) + 1]


def summary(html: str) -> str:
    return html[html.index('id="error-summary"') : html.index("<h1")]


def _two_reviews_held(make_child, today):
    """A child whose reviews 1 and 2 were held 280 and 150 days ago: review 3 comes next."""
    return make_child(
        became=today - timedelta(days=300),
        held=[today - timedelta(days=280), today - timedelta(days=150)],
        name="Olly",
    )


def _post_done(client, session, child, name, done_on: str, **extra: str):
    """Open the task's page and mark it done on ``done_on`` (as typed)."""
    milestone = task(session, child, name)
    url = f"/reviews/{milestone.review.public_id}/milestones/{name}"
    version = str(milestone.version)
    page = client.get(url)
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.text), "done_on": done_on, "version": version, **extra}
    return client.post(url, data=data)


# --- done dates that cannot be right ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "which", "message"),
    [
        ("consult-child", "future", "Date it was done must be today or in the past"),
        (
            "consult-child",
            "before-looked-after",
            "Date it was done must be on or after the day the child became looked after",
        ),
        (
            "consult-child",
            "before-previous-review",
            "Date it was done must be on or after the day the review before this one (review 2) "
            "was held ({held})",
        ),
        (
            "care-plan-updated",
            "before-held",
            "Date it was done must be on or after the day this review was held ({held}): this "
            "task comes after the meeting",
        ),
    ],
)
def test_a_done_date_that_cannot_be_right_is_refused_keeping_what_was_typed(
    client, auth, session, people, make_child, today, name, which, message
):
    child = _two_reviews_held(make_child, today)
    second_held = today - timedelta(days=150)
    typed = {
        "future": today + timedelta(days=1),
        "before-looked-after": child.became_looked_after - timedelta(days=1),
        # Review 3's task, done before review 2 was held.
        "before-previous-review": second_held - timedelta(days=10),
        # Review 2's task after its meeting, done before the meeting.
        "before-held": second_held - timedelta(days=5),
    }[which]
    auth.sign_in(people[Role.MANAGER])  # a manager marks anyone's task done

    response = _post_done(
        client, session, child, name, typed.isoformat(), note="Sent by email to all"
    )
    assert response.status_code == 200
    assert "<title>Error:" in response.text
    wanted = message.format(held=written(second_held))
    assert f'<a href="#done_on">{wanted}' in summary(response.text)
    assert f'value="{typed.isoformat()}"' in response.text  # the date typed stays
    assert "Sent by email to all</textarea>" in response.text  # and so does the note
    assert keep_box(response.text) == ""  # refused: no "Keep this date" lets it through
    session.expire_all()
    assert task(session, child, name).done_on is None
    assert audit_details(session, "milestone-done") == []


def test_the_day_the_previous_review_was_held_is_a_day_a_task_can_be_done(
    client, auth, session, people, make_child, today
):
    child = _two_reviews_held(make_child, today)
    second_held = today - timedelta(days=150)
    auth.sign_in(people[Role.MANAGER])
    response = _post_done(
        client,
        session,
        child,
        "consult-child",
        second_held.isoformat(),
        # Long before the task is due: asked about, and kept.
        keep_date="y",
        warned_day=second_held.isoformat(),
    )
    assert response.status_code == 302
    session.expire_all()
    assert task(session, child, "consult-child").done_on == second_held


# --- a done date that may be a typing mistake -------------------------------------------------


def test_a_done_date_long_before_the_task_is_due_is_saved_only_once_kept(
    client, auth, session, people, make_child, today
):
    child = _two_reviews_held(make_child, today)
    due = task(session, child, "consult-child").due_on
    early = due - timedelta(weeks=8, days=1)
    assert early > today - timedelta(days=150)  # after review 2 was held: not refused
    auth.sign_in(people[Role.SOCIAL_WORKER])

    asked = _post_done(client, session, child, "consult-child", early.isoformat(), note="Phoned")
    assert asked.status_code == 200
    warning = (
        f"{written(early)} is more than 8 weeks before this task is due ({written(due)}). Tasks "
        "are rarely done that early: check the date, the year especially."
    )
    assert f'<a href="#done_on">{warning}</a>' in summary(asked.text)
    assert '<a href="#keep_date">' in summary(asked.text)
    assert 'type="checkbox"' in keep_box(asked.text) and "checked" not in keep_box(asked.text)
    assert f'name="warned_day" type="hidden" value="{early.isoformat()}"' in asked.text
    assert f'value="{early.isoformat()}"' in asked.text and "Phoned</textarea>" in asked.text
    session.expire_all()
    assert task(session, child, "consult-child").done_on is None

    # A tick given for another date does not keep this one.
    other = early - timedelta(days=7)
    again = _post_done(
        client,
        session,
        child,
        "consult-child",
        early.isoformat(),
        keep_date="y",
        warned_day=other.isoformat(),
    )
    assert again.status_code == 200 and warning in again.text
    session.expire_all()
    assert task(session, child, "consult-child").done_on is None

    kept = _post_done(
        client,
        session,
        child,
        "consult-child",
        early.isoformat(),
        keep_date="y",
        warned_day=early.isoformat(),
    )
    assert kept.status_code == 302
    session.expire_all()
    assert task(session, child, "consult-child").done_on == early
    assert audit_details(session, "milestone-done") == ["consult-child"]


def test_a_task_done_on_a_weekend_is_saved_without_asking(
    client, auth, session, people, make_child, today
):
    # Children's homes work every day of the week: a weekend is not a likely mistake.
    child = make_child(became=today - timedelta(days=60))
    saturday = today - timedelta(days=(today.weekday() - 5) % 7 or 7)
    assert saturday.weekday() == 5 and saturday >= child.became_looked_after
    auth.sign_in(people[Role.KEYWORKER])
    response = _post_done(client, session, child, "child-views-ready", saturday.isoformat())
    assert response.status_code == 302
    session.expire_all()
    assert task(session, child, "child-views-ready").done_on == saturday


def test_a_task_marked_done_by_its_own_page_is_not_asked_about(session, people, make_child, today):
    # The app marks tasks done as their work is done, on the day it is done: nobody is there
    # to tick "Keep this date", and the service asks only when the page says it may.
    child = _two_reviews_held(make_child, today)
    consult = task(session, child, "consult-child")
    early = consult.due_on - timedelta(weeks=9)
    with pytest.raises(service.DayToConfirm):
        service.mark_done(
            session, consult, people[Role.MANAGER], early, today=today, confirmed=False
        )
    service.mark_done(session, consult, people[Role.MANAGER], early, today=today)
    assert consult.done_on == early


# --- bringing a review forward ------------------------------------------------------------------


def test_bringing_a_review_forward_to_make_tasks_overdue_is_saved_only_once_kept(
    client, auth, session, people, make_child, today
):
    child = make_child(became=today - timedelta(days=100), held=[today - timedelta(days=60)])
    event = service.record_event(
        session, child, people[Role.KEYWORKER], "school-exclusion", today, "", today=today
    )
    session.commit()
    review = service.next_review(child)
    due_before = review.due_on
    consult_before = task(session, child, "consult-child").due_on
    new_due = ENG.next_working_day_on_or_after(today + timedelta(days=3))
    # The tasks the rules give the new date that are due before today (a child in a children's
    # home: the keyworker's tasks count too).
    overdue = sum(1 for item in milestones_for_review(ENG, 2, new_due, None) if item.due < today)
    assert overdue > 1
    url = f"/significant-events/{event.public_id}"
    auth.sign_in(people[Role.IRO])

    def decide(**extra: str):
        page = client.get(url)
        data = {
            "csrf_token": csrf_from(page.text),
            "decision": "bring-forward",
            "new_due": new_due.isoformat(),
            "reason": "Excluded from school",
            "version": str(event.version),
            **extra,
        }
        return client.post(url, data=data)

    asked = decide()
    assert asked.status_code == 200
    warning = (
        f"Bringing the review forward to {written(new_due)} makes {overdue} tasks overdue at "
        "once: they would be due before today. Check the date."
    )
    assert f'<a href="#new_due">{warning}</a>' in summary(asked.text)
    assert '<a href="#keep_date">' in summary(asked.text)
    assert 'type="checkbox"' in keep_box(asked.text)
    assert f'value="{new_due.isoformat()}"' in asked.text
    assert "Excluded from school</textarea>" in asked.text
    assert re.search(r'<input[^>]*\bchecked\b[^>]*value="bring-forward"', asked.text)
    # Nothing was changed: not the event, the review nor its tasks.
    session.expire_all()
    assert session.get(SignificantEvent, event.id).decision is None
    assert session.get(Review, review.id).due_on == due_before
    assert task(session, child, "consult-child").due_on == consult_before
    assert audit_details(session, "significant-event-considered") == []

    kept = decide(keep_date="y", warned_day=new_due.isoformat())
    assert kept.status_code == 302
    session.expire_all()
    assert session.get(SignificantEvent, event.id).decision == EventDecision.BRING_FORWARD
    assert session.get(Review, review.id).due_on == new_due
    late = session.scalar(
        select(func.count())
        .select_from(Milestone)
        .where(
            Milestone.review_id == review.id,
            Milestone.done_on.is_(None),
            Milestone.due_on < today,
        )
    )
    assert late == overdue
    assert len(audit_details(session, "significant-event-considered")) == 1


# --- a task marked done by mistake ------------------------------------------------------------


def _done_by_mistake(session, child, people, today) -> Milestone:
    consult = task(session, child, "consult-child")
    service.mark_done(
        session,
        consult,
        people[Role.SOCIAL_WORKER],
        today - timedelta(days=2),
        today=today,
        note="Wrong child",
    )
    session.commit()
    return consult


def test_a_task_marked_done_by_mistake_is_put_back_to_not_done_and_audited(
    client, auth, session, people, make_child, today
):
    child = make_child(became=today - timedelta(days=45), name="Olly")
    consult = _done_by_mistake(session, child, people, today)
    done_on = consult.done_on
    record = f"/children/{child.public_id}"
    url = f"/reviews/{consult.review.public_id}/milestones/consult-child"
    auth.sign_in(people[Role.SOCIAL_WORKER])

    page = client.get(f"{url}?next={record}")
    assert ">Mark as not done<" in page.text and 'name="done_on"' not in page.text
    assert f'action="{url}/not-done"' in page.text
    response = client.post(
        f"{url}/not-done",
        data={
            "csrf_token": csrf_from(page.text),
            "version": re.search(r'name="version" type="hidden" value="(\d+)"', page.text)[1],
            "next": record,
        },
    )
    # Back to the task, ready to be marked done on the right day, and from there to the record.
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{url}?next=")
    session.expire_all()
    undone = task(session, child, "consult-child")
    assert (undone.done_on, undone.done_by_id, undone.note) == (None, None, "")
    assert audit_details(session, "milestone-not-done") == [
        f"consult-child was-done-on={done_on.isoformat()}"
    ]
    again = client.get(response.headers["Location"])
    assert "Marked as not done: Consult the child about who comes and where for Olly" in again.text
    assert 'name="done_on"' in again.text and ">Mark as not done<" not in again.text
    assert f'href="{record}"' in again.text
    rows = re.findall(r"<tr>.*?</tr>", client.get(record).text, re.S)
    row = next(row for row in rows if "Consult the child about who comes and where" in row)
    assert ">Done<" not in row and written(done_on) not in row


def test_a_task_changed_since_the_page_was_loaded_is_not_put_back(
    client, auth, session, people, make_child, today
):
    child = make_child(became=today - timedelta(days=45))
    consult = _done_by_mistake(session, child, people, today)
    url = f"/reviews/{consult.review.public_id}/milestones/consult-child"
    auth.sign_in(people[Role.MANAGER])
    page = client.get(url)
    stale = re.search(r'name="version" type="hidden" value="(\d+)"', page.text)[1]
    # Meanwhile it is put back, and marked done again on another day.
    consult = task(session, child, "consult-child")
    service.mark_not_done(session, consult)
    service.mark_done(session, consult, people[Role.MANAGER], today, today=today)
    session.commit()
    response = client.post(
        f"{url}/not-done", data={"csrf_token": csrf_from(page.text), "version": stale}
    )
    assert response.status_code == 200
    assert "Someone else just changed this" in response.text
    session.expire_all()
    assert task(session, child, "consult-child").done_on == today
    assert audit_details(session, "milestone-not-done") == []


@pytest.mark.parametrize(
    ("role", "may"),
    [
        (Role.SOCIAL_WORKER, True),  # the task's owner
        (Role.MANAGER, True),
        (Role.KEYWORKER, False),
        (Role.IRO, False),
    ],
)
def test_who_may_put_a_task_back_to_not_done(
    client, auth, session, people, make_child, today, role, may
):
    child = make_child(became=today - timedelta(days=45))
    consult = _done_by_mistake(session, child, people, today)
    url = f"/reviews/{consult.review.public_id}/milestones/consult-child"
    auth.sign_in(people[role])
    page = client.get(url)
    assert page.status_code == 200
    assert (">Mark as not done<" in page.text) is may
    response = client.post(f"{url}/not-done", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == (302 if may else 404)
    session.expire_all()
    assert (task(session, child, "consult-child").done_on is None) is may
    assert len(audit_details(session, "milestone-not-done")) == (1 if may else 0)


# The tasks the app marks done itself (timetable.elsewhere), and whose they are.
DONE_ON_ITS_PAGE = [
    ("decisions-circulated", Role.IRO),
    ("iro-meets-child", Role.IRO),
    ("keyworker-report-shared-with-child", Role.KEYWORKER),
    ("keyworker-report-sent", Role.KEYWORKER),
    ("invitations-sent", Role.SOCIAL_WORKER),
]


@pytest.mark.parametrize(("name", "role"), DONE_ON_ITS_PAGE)
def test_a_task_done_on_its_own_page_cannot_be_put_back_here(
    client, auth, session, people, make_child, today, name, role
):
    child = make_child(became=today - timedelta(days=100), held=[today - timedelta(days=3)])
    milestone = task(session, child, name)
    # As its own page does when the work is done.
    service.mark_done(session, milestone, people[role], today, today=today)
    session.commit()
    url = f"/reviews/{milestone.review.public_id}/milestones/{name}"
    auth.sign_in(people[role])

    page = client.get(url)
    assert page.status_code == 200
    assert ">Mark as not done<" not in page.text and "/not-done" not in page.text
    assert "It was recorded there, so it cannot be marked as not done here." in page.text
    assert "Where this task is done" in page.text

    refused = client.post(f"{url}/not-done", data={"csrf_token": csrf_from(page.text)})
    assert refused.status_code == 409
    assert "This task cannot be marked as not done here" in refused.text
    session.expire_all()
    assert task(session, child, name).done_on == today
    assert audit_details(session, "milestone-not-done") == []
