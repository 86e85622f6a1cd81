"""The timetable pages: dashboards, marking done, significant events, held reviews, settings."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update

from participation.models import (
    AuditEvent,
    ClosureDay,
    CouncilSettings,
    EventDecision,
    Milestone,
    Review,
    ReviewStatus,
    Role,
    SignificantEvent,
)
from participation.models.review import LONDON
from participation.timetable import service
from participation.timetable.rules import WorkingCalendar
from tests.conftest import csrf_from
from tests.support import factories
from tests.support.queries import count_statements

ENG = WorkingCalendar("ENG")
SCT = WorkingCalendar("SCT")


def task(session, child, name):
    return session.scalar(
        select(Milestone)
        .join(Review, Milestone.review_id == Review.id)
        .where(Review.child_id == child.id, Milestone.name == name)
        .order_by(Review.number.desc())
    )


def audited(session, action):
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


# --- dashboards ----------------------------------------------------------------------------


def test_social_worker_sees_their_childrens_tasks_overdue_first(
    client, auth, session, people, make_child, today
):
    make_child(became=today - timedelta(days=45), name="Olly")
    make_child(became=today - timedelta(days=2), name="Fay")
    make_child(name="Stranger", staff=[])
    auth.sign_in(people[Role.SOCIAL_WORKER])
    page = client.get("/timetable")
    assert page.status_code == 200
    text = page.text
    assert "<h1>What is due</h1>" in text
    assert "Olly" in text and "Fay" in text and "Stranger" not in text
    table = text[text.index('id="tasks"') :]
    assert table.index("Overdue") < table.index("Upcoming") if "Upcoming" in table else True
    assert "Consult the child about who comes and where" in text
    assert 'class="table-scroll" tabindex="0" role="region"' in text
    # Every filter control has a real label.
    for name in ("status", "owner", "home", "window"):
        assert f'<label for="{name}"' in text


def test_a_task_done_on_its_own_page_leads_straight_there(
    client, auth, session, people, make_child, today
):
    """QA: the IRO's "IRO meets the child" took "View", the task page, "Go to meeting the
    child", then the form. The list leads to the page where it is done; the others' tasks
    still lead to the task page."""
    child = make_child(became=today - timedelta(days=5), name="Olly")
    review = child.reviews[0]
    auth.sign_in(people[Role.IRO])
    page = client.get("/timetable?owner=mine").text
    meeting = f'<a href="/reviews/{review.public_id}/meeting-the-child">Go to meeting the child'
    assert meeting in page
    everyone = client.get("/timetable?owner=everyone").text
    # The social worker's invitations: not the IRO's page to open, so the task page.
    assert f"/reviews/{review.public_id}/milestones/invitations-sent?next=" in everyone
    assert '/invitations"' not in everyone


def test_filters_by_status_owner_home_and_window(client, auth, session, people, make_child, today):
    willow = factories.make_home(session, "Willow House")
    oak = factories.make_home(session, "Oak Lodge")
    make_child(became=today - timedelta(days=45), name="Olly", home=willow)
    make_child(became=today - timedelta(days=100), held=[today - timedelta(days=8)], home=oak)
    auth.sign_in(people[Role.SOCIAL_WORKER])
    overdue = client.get("/timetable?status=overdue").text
    assert "Olly" in overdue and "Upcoming</span>" not in overdue
    mine = client.get("/timetable?owner=mine&status=all").text
    assert "Send invitations and consultation papers" in mine
    assert "IRO meets the child" not in mine
    home = client.get(f"/timetable?home={oak.public_id}&status=all").text
    assert "Olly" not in home
    # The first review of Olly is due within four weeks; the other child's next is months away.
    window = client.get("/timetable?window=28&status=all").text
    assert "Olly" in window
    # Nonsense in the address falls back to the defaults, and is never an error page.
    odd = client.get("/timetable?status=everything&owner=x&window=5&page=-3&home=nope")
    assert odd.status_code == 200 and "Olly" in odd.text


def test_counts_link_to_the_status(client, auth, session, people, make_child, today):
    make_child(became=today - timedelta(days=45), name="Olly")
    auth.sign_in(people[Role.KEYWORKER])
    text = client.get("/timetable").text
    board = service.dashboard(
        session,
        _principal(people[Role.KEYWORKER]),
        today,
        service.Filters(),
    )
    assert f'<span class="count">{board.counts.overdue}</span> overdue' in text
    assert "/timetable?status=overdue" in text


def _principal(staff):
    from participation.security.principal import StaffPrincipal

    return StaffPrincipal(staff, None)  # type: ignore[arg-type]


def test_manager_sees_the_whole_council_by_home(client, auth, session, people, make_child, today):
    willow = factories.make_home(session, "Willow House")
    make_child(became=today - timedelta(days=45), name="Olly", home=willow, staff=[])
    auth.sign_in(people[Role.MANAGER])
    text = client.get("/council/timetable").text
    assert "What is due across the council" in text
    assert "By home" in text and "Willow House" in text and "Olly" in text


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.KEYWORKER, "/council/timetable"),
        (Role.SOCIAL_WORKER, "/council/timetable"),
        (Role.IRO, "/council/timetable"),
        (Role.ADMIN, "/timetable"),
        (Role.ADMIN, "/council/timetable"),
        (Role.MANAGER, "/timetable"),
        (Role.KEYWORKER, "/admin/timetable"),
        (Role.MANAGER, "/admin/timetable"),
    ],
)
def test_dashboards_and_settings_are_for_their_roles_only(client, auth, people, role, path):
    auth.sign_in(people[role])
    assert client.get(path).status_code == 404


def test_signed_out_is_sent_to_sign_in(client, people):
    response = client.get("/timetable")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_landing_pages_link_to_the_dashboards(client, auth, people, make_child, today):
    make_child(became=today - timedelta(days=45), name="Olly", staff=[people[Role.IRO]])
    auth.sign_in(people[Role.IRO])
    text = client.get("/my-children").text
    assert "What is due" in text and 'href="/timetable"' in text and "overdue" in text
    # Two counts, each named for what it counts: the IRO's own tasks (as the header's "What is
    # due" opens on) and every role's (QA: one unnamed count differed from the other page's).
    summary = text[text.index('id="due-summary-title"') :].split("</section>")[0]
    mine, everyone = summary.split("<p>")[1:]
    assert "Your review timetable tasks:" in mine and 'href="/timetable?owner=mine"' in mine
    assert "Every role's review timetable tasks:" in everyone and 'href="/timetable"' in everyone
    counts = [int(re.search(r"(\d+) overdue", part).group(1)) for part in (mine, everyone)]
    assert 0 <= counts[0] <= counts[1] and counts[1] > 0  # the IRO's are some of everyone's
    auth.sign_out()
    auth.sign_in(people[Role.MANAGER])
    council = client.get("/council").text
    assert 'href="/council/timetable"' in council
    assert 'href="/council/timetable?owner=mine"' in council


def _row_of(text: str, name: str) -> str:
    """The table row that names `name` (its link), up to the row's end."""
    start = text.index(f">{name}</a>")
    return text[start : text.index("</tr>", start)]


def test_a_late_review_is_flagged_wherever_staff_see_it(
    client, auth, session, people, make_child, today
):
    # Olly's first review was due within 20 working days of coming into care: long gone by.
    olly = make_child(became=today - timedelta(days=60), name="Olly")
    # Fay's is still to come, but her meeting has been set for a week after it is due.
    fay = make_child(became=today - timedelta(days=2), name="Fay")
    due = fay.reviews[0].due_on
    fay.reviews[0].scheduled_at = datetime.combine(due + timedelta(days=7), time(16), LONDON)
    service.recompute_child(session, fay, today)
    # Nat's is on time.
    make_child(became=today - timedelta(days=2), name="Nat")
    session.commit()
    auth.sign_in(people[Role.SOCIAL_WORKER])

    caseload = client.get("/my-children").text
    assert "Past its due date" in _row_of(caseload, "Olly")
    assert "Meeting after its due date" in _row_of(caseload, "Fay")
    nat = _row_of(caseload, "Nat")
    assert "Past its due date" not in nat and "Meeting after its due date" not in nat

    reviews = client.get("/timetable").text
    reviews = reviews[reviews.index('id="next-reviews"') :]
    assert "Past its due date" in _row_of(reviews, "Olly")
    assert "Meeting after its due date" in _row_of(reviews, "Fay")

    record = client.get(f"/children/{olly.public_id}").text
    assert "Review 1 is late: it had to be held by" in record
    record = client.get(f"/children/{fay.public_id}").text
    assert "The meeting is set for after the day review 1 is due by." in record
    assert f"Bring it forward to {due:%A} {due.day} {due:%B %Y} or before" in record


def test_get_pages_never_write(client, auth, session, people, make_child, app, today):
    from sqlalchemy import event

    from participation.db import db

    child = make_child(became=today - timedelta(days=45))
    auth.sign_in(people[Role.SOCIAL_WORKER])
    writes = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and any(
            table in statement for table in ("milestones", "reviews", "significant_events")
        ):
            writes.append(statement)

    review = child.reviews[0]
    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        for path in (
            "/timetable",
            f"/children/{child.public_id}",
            f"/reviews/{review.public_id}/milestones/consult-child",
            f"/children/{child.public_id}/significant-events/new",
        ):
            assert client.get(path).status_code == 200, path
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    assert writes == []


# --- the query count does not grow with the caseload ---------------------------------------


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.KEYWORKER, "/timetable"),
        (Role.IRO, "/timetable?status=all&owner=mine"),
        (Role.MANAGER, "/council/timetable"),
        (Role.MANAGER, "/council"),
        (Role.SOCIAL_WORKER, "/my-children"),
    ],
)
def test_query_count_is_fixed_as_the_caseload_grows(
    client, auth, session, people, make_child, today, role, path
):
    homes = [factories.make_home(session, f"Home {n}") for n in range(3)]

    def add(count, offset):
        for n in range(count):
            child = make_child(
                became=today - timedelta(days=20 + 7 * (n + offset)),
                home=homes[n % 3],
                name=f"Child {n + offset}",
            )
            if n % 4 == 0:
                service.record_event(
                    session, child, people[Role.KEYWORKER], "missing", today, "", today=today
                )
        session.commit()

    add(5, 0)
    auth.sign_in(people[role])
    small = count_statements(client, path)
    add(45, 5)
    large = count_statements(client, path)
    assert small == large, (small, large)


# --- marking a milestone done --------------------------------------------------------------


def _milestone_page(client, review_id, name, **query):
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return client.get(f"/reviews/{review_id}/milestones/{name}{suffix}")


def _consult(session, child):
    """The address and version of the child's consult-child milestone (read before any request:
    each request ends the shared session, leaving loaded rows detached)."""
    consult = task(session, child, "consult-child")
    return consult.review.public_id, consult.version


def test_owner_marks_a_milestone_done(client, auth, session, people, make_child, today):
    child = make_child(became=today - timedelta(days=45), name="Olly")
    review_id, version = _consult(session, child)
    auth.sign_in(people[Role.SOCIAL_WORKER])
    page = _milestone_page(client, review_id, "consult-child", next="/timetable")
    assert page.status_code == 200
    assert '<label for="done_on"' in page.text and '<label for="note"' in page.text
    response = client.post(
        f"/reviews/{review_id}/milestones/consult-child",
        data={
            "csrf_token": csrf_from(page.text),
            "done_on": today.isoformat(),
            "note": "Talked it through after school",
            "version": str(version),
            "next": "/timetable",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/timetable"
    session.expire_all()
    done = task(session, child, "consult-child")
    assert done.done_on == today and done.done_by_id == people[Role.SOCIAL_WORKER].id
    assert audited(session, "milestone-done") == 1
    assert "Marked done" in client.get("/timetable").text


def test_someone_else_just_changed_it(client, auth, session, people, make_child, today):
    child = make_child(became=today - timedelta(days=45))
    review_id, stale = _consult(session, child)
    auth.sign_in(people[Role.SOCIAL_WORKER])
    page = _milestone_page(client, review_id, "consult-child")
    # Meanwhile a manager marks it done.
    consult = task(session, child, "consult-child")
    service.mark_done(session, consult, people[Role.MANAGER], today, today=today)
    session.commit()
    response = client.post(
        f"/reviews/{review_id}/milestones/consult-child",
        data={"csrf_token": csrf_from(page.text), "done_on": today.isoformat(), "version": stale},
    )
    assert response.status_code == 200
    assert "Someone else just changed this" in response.text
    session.expire_all()
    assert task(session, child, "consult-child").done_by_id == people[Role.MANAGER].id


def test_a_future_done_date_is_refused_naming_the_field(
    client, auth, session, people, make_child, today
):
    child = make_child(became=today - timedelta(days=45))
    review_id, version = _consult(session, child)
    auth.sign_in(people[Role.SOCIAL_WORKER])
    page = _milestone_page(client, review_id, "consult-child")
    for value, message in [
        ((today + timedelta(days=2)).isoformat(), "Date it was done must be today or in the past"),
        ("31/02/2026", "Date it was done must be a real date"),
        ("", "Enter the date it was done"),
    ]:
        response = client.post(
            f"/reviews/{review_id}/milestones/consult-child",
            data={
                "csrf_token": csrf_from(page.text),
                "done_on": value,
                "version": str(version),
            },
        )
        assert response.status_code == 200
        assert "<title>Error:" in response.text and message in response.text
        assert '<a href="#done_on">' in response.text
    session.expire_all()
    assert task(session, child, "consult-child").done_on is None


def test_only_the_owner_or_a_manager_marks_done(client, auth, session, people, make_child, today):
    child = make_child(became=today - timedelta(days=45))
    review_id, _version = _consult(session, child)
    auth.sign_in(people[Role.KEYWORKER])
    page = _milestone_page(client, review_id, "consult-child")
    assert page.status_code == 200 and 'name="done_on"' not in page.text
    response = client.post(
        f"/reviews/{review_id}/milestones/consult-child",
        data={"csrf_token": csrf_from(page.text), "done_on": today.isoformat()},
    )
    assert response.status_code == 404
    session.expire_all()
    assert task(session, child, "consult-child").done_on is None


def test_another_caseloads_child_is_a_404(client, auth, session, people, make_child, today):
    other = make_child(staff=[people[Role.SOCIAL_WORKER]])
    review = other.reviews[0]
    event = service.record_event(
        session, other, people[Role.SOCIAL_WORKER], "missing", today, "", today=today
    )
    session.commit()
    auth.sign_in(people[Role.KEYWORKER])
    for path in (
        f"/reviews/{review.public_id}/milestones/consult-child",
        f"/children/{other.public_id}/significant-events/new",
        f"/significant-events/{event.public_id}",
        "/reviews/no-such-review/milestones/consult-child",
        f"/reviews/{review.public_id}/milestones/no-such-task",
    ):
        assert client.get(path).status_code == 404, path
    auth.sign_out()
    # An IRO who is not this child's IRO.
    stranger = factories.make_staff(session, Role.IRO)
    session.commit()
    auth.sign_in(stranger)
    assert client.get(f"/reviews/{review.public_id}/held").status_code == 404


# --- significant events and the IRO's decision ---------------------------------------------


def test_keyworker_records_a_significant_event(client, auth, session, people, make_child, today):
    child = make_child(name="Olly")
    auth.sign_in(people[Role.KEYWORKER])
    page = client.get(f"/children/{child.public_id}/significant-events/new")
    assert "Family time change" in page.text and ">Contact" not in page.text
    response = client.post(
        f"/children/{child.public_id}/significant-events/new",
        data={
            "csrf_token": csrf_from(page.text),
            "kind": "contact-change",
            "occurred_on": today.isoformat(),
            "note": "Visits with Mum moved to Saturdays",
        },
    )
    assert response.status_code == 302
    event = session.scalar(select(SignificantEvent))
    assert event.kind.value == "contact-change" and event.decision is None
    assert audited(session, "significant-event-recorded") == 1
    record = client.get(response.headers["Location"]).text
    assert "Waiting for the IRO" in record


def test_a_recorded_move_asks_an_administrator_to_change_the_childs_home(
    client, auth, session, people, make_child, today
):
    """QA: a change of placement recorded as a significant event left the child's home (and
    where a worry is emailed) as it was, and nothing said so."""
    home = factories.make_home(session, "Oak Lodge")
    child = make_child(name="Olly", home=home)
    admin = factories.make_staff(session, Role.ADMIN)
    session.commit()
    auth.sign_in(people[Role.SOCIAL_WORKER])
    page = client.get(f"/children/{child.public_id}/significant-events/new")
    response = client.post(
        f"/children/{child.public_id}/significant-events/new",
        data={
            "csrf_token": csrf_from(page.text),
            "kind": "placement-change",
            "occurred_on": today.isoformat(),
            "note": "Moved to the Ahmeds",
        },
        follow_redirects=True,
    )
    assert "Olly's home in My Review is still Oak Lodge." in html.unescape(response.text)
    auth.sign_out()
    auth.sign_in(admin)
    overview = html.unescape(client.get("/admin/").text)
    assert "Children who moved: their home here is out of date" in overview
    assert f"/admin/children/{child.public_id}/edit" in overview
    # Once the record says they live somewhere from that day on, it is off the list.
    session.get(type(child), child.id).placement_start = today
    session.commit()
    assert "Children who moved" not in client.get("/admin/").text


def test_safeguarding_notes_are_not_for_the_homes_staff(
    client, auth, session, people, make_child, today
):
    """A section 47 note about an allegation against a member of staff at the child's home was
    read by its keyworkers (QA). The event shows; its note only to the social worker, the IRO
    and managers (and whoever wrote it)."""
    child = make_child(name="Olly")
    auth.sign_in(people[Role.SOCIAL_WORKER])
    page = client.get(f"/children/{child.public_id}/significant-events/new")
    client.post(
        f"/children/{child.public_id}/significant-events/new",
        data={
            "csrf_token": csrf_from(page.text),
            "kind": "safeguarding-enquiry",
            "occurred_on": today.isoformat(),
            "note": "Allegation against a member of staff",
        },
    )
    event = session.scalar(select(SignificantEvent))
    url = f"/significant-events/{event.public_id}"
    assert "Allegation against a member of staff" in client.get(url).text
    for role, reads in ((Role.KEYWORKER, False), (Role.IRO, True), (Role.MANAGER, True)):
        auth.sign_out()
        auth.sign_in(people[role])
        shown = client.get(url).text
        assert ("Allegation against a member of staff" in shown) is reads, role
        assert "Safeguarding" in shown
        if not reads:
            assert "Kept for the social worker, the IRO and managers." in shown


@pytest.mark.parametrize(
    ("kind", "occurred", "message", "field"),
    [
        ("missing", "future", "Date it happened must be today or in the past", "occurred_on"),
        ("missing", "before", "on or after the day the child became looked after", "occurred_on"),
        ("dragons", "today", "Choose what happened from the list", "kind"),
        ("", "today", "Choose what happened from the list", "kind"),
    ],
)
def test_bad_significant_events_are_refused(
    client, auth, session, people, make_child, today, kind, occurred, message, field
):
    child = make_child()
    day = {
        "future": today + timedelta(days=1),
        "before": child.became_looked_after - timedelta(days=1),
        "today": today,
    }[occurred]
    auth.sign_in(people[Role.KEYWORKER])
    page = client.get(f"/children/{child.public_id}/significant-events/new")
    response = client.post(
        f"/children/{child.public_id}/significant-events/new",
        data={"csrf_token": csrf_from(page.text), "kind": kind, "occurred_on": day.isoformat()},
    )
    assert response.status_code == 200
    assert message in response.text and f'<a href="#{field}">' in response.text
    assert session.scalar(select(func.count()).select_from(SignificantEvent)) == 0


def _event_for(session, child, people, today):
    event = service.record_event(
        session, child, people[Role.KEYWORKER], "school-exclusion", today, "", today=today
    )
    session.commit()
    return event


def test_an_event_from_before_a_review_held_since_is_offered_as_considered_there(
    client, auth, session, people, make_child, today
):
    """QA: an exclusion a week before review 6 still waited after it, offering to bring review
    7 forward. The page says a review was held since, with "No change" and its reason filled in
    for the IRO to check; an event since the last review is asked about as before."""
    held = today - timedelta(days=60)
    child = make_child(became=today - timedelta(days=200), held=[today - timedelta(days=150), held])
    before = service.record_event(
        session,
        child,
        people[Role.KEYWORKER],
        "school-exclusion",
        held - timedelta(days=7),
        "",
        today=today,
    )
    after = service.record_event(
        session,
        child,
        people[Role.KEYWORKER],
        "missing",
        today - timedelta(days=2),
        "",
        today=today,
    )
    session.commit()
    auth.sign_in(people[Role.IRO])
    page = html.unescape(client.get(f"/significant-events/{before.public_id}").text)
    assert f"Review 2 was held on {held:%A} {held.day} {held:%B %Y}, after this happened" in page
    assert 'checked id="decision-1" name="decision" required type="radio" value="no-change"' in page
    assert f"Considered at review 2, held on {held:%A} {held.day} {held:%B %Y}." in page
    answer = client.post(
        f"/significant-events/{before.public_id}",
        data={
            "csrf_token": csrf_from(page),
            "decision": "no-change",
            "reason": f"Considered at review 2, held on {held:%A} {held.day} {held:%B %Y}.",
            "version": str(before.version),
        },
    )
    assert answer.status_code == 302
    fresh = html.unescape(client.get(f"/significant-events/{after.public_id}").text)
    assert 'id="held-since"' not in fresh and "Considered at review" not in fresh


def test_iro_brings_the_review_forward(client, auth, session, people, make_child, today):
    # Review 3 is due six months after review 2: some way off.
    child = make_child(
        became=today - timedelta(days=200),
        held=[today - timedelta(days=150), today - timedelta(days=60)],
    )
    event = _event_for(session, child, people, today)
    review = service.next_review(child)
    # Far enough ahead that no task is overdue at once: saved without "Keep this date" (for a
    # nearer date see test_task_dates.py).
    new_due = ENG.next_working_day_on_or_after(today + timedelta(days=42))
    auth.sign_in(people[Role.IRO])
    assert "Consider an earlier review" in client.get("/timetable").text
    page = client.get(f"/significant-events/{event.public_id}")
    assert '<label for="new_due"' in page.text
    response = client.post(
        f"/significant-events/{event.public_id}",
        data={
            "csrf_token": csrf_from(page.text),
            "decision": "bring-forward",
            "new_due": new_due.isoformat(),
            "reason": "Exclusion: plan needs looking at",
            "version": str(event.version),
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Review, review.id).due_on == new_due
    assert session.get(SignificantEvent, event.id).decision == EventDecision.BRING_FORWARD
    invitations = task(session, child, "invitations-sent")
    assert invitations.due_on == ENG.add_working_days(new_due, -10)
    assert audited(session, "significant-event-considered") == 1


def test_bringing_a_review_forward_before_its_arranged_meeting_asks_first(
    client, auth, session, people, make_child, today
):
    """It was saved without a word, the meeting still after the new date, and the message said
    the tasks counted from the new date while they counted from the meeting (QA)."""
    child = make_child(
        became=today - timedelta(days=200),
        held=[today - timedelta(days=150), today - timedelta(days=60)],
    )
    event = _event_for(session, child, people, today)
    review = session.get(Review, service.next_review(child).id)
    new_due = ENG.next_working_day_on_or_after(today + timedelta(days=42))
    meeting = ENG.next_working_day_on_or_after(new_due + timedelta(days=7))
    review.scheduled_at = datetime.combine(meeting, time(14), LONDON)
    session.commit()
    auth.sign_in(people[Role.IRO])
    page = client.get(f"/significant-events/{event.public_id}")
    data = {
        "csrf_token": csrf_from(page.text),
        "decision": "bring-forward",
        "new_due": new_due.isoformat(),
        "reason": "Exclusion",
        "version": str(event.version),
    }
    asked = client.post(f"/significant-events/{event.public_id}", data=data)
    assert asked.status_code == 200
    assert (
        "The meeting is arranged for" in asked.text and "Arrange an earlier meeting" in asked.text
    )
    session.expire_all()
    assert session.get(Review, review.id).due_on != new_due
    kept = client.post(
        f"/significant-events/{event.public_id}",
        data={**data, "keep_date": "y", "warned_day": new_due.isoformat()},
        follow_redirects=True,
    )
    assert "Its meeting is still arranged for" in kept.text
    session.expire_all()
    assert session.get(Review, review.id).due_on == new_due


def test_iro_decision_errors_name_the_field(client, auth, session, people, make_child, today):
    child = make_child(became=today - timedelta(days=100), held=[today - timedelta(days=60)])
    event = _event_for(session, child, people, today)
    review = service.next_review(child)
    auth.sign_in(people[Role.IRO])
    page = client.get(f"/significant-events/{event.public_id}")
    cases = [
        ({"decision": "bring-forward", "new_due": ""}, "new_due", "Enter the new date"),
        (
            {
                "decision": "bring-forward",
                "new_due": (review.due_on + timedelta(days=3)).isoformat(),
            },
            "new_due",
            "must be before the date the review is due by now",
        ),
        ({"decision": "no-change", "reason": ""}, "reason", "Enter the reason for making no"),
        ({}, "decision", "Choose whether to bring the review forward"),
    ]
    for data, field, message in cases:
        response = client.post(
            f"/significant-events/{event.public_id}",
            data={"csrf_token": csrf_from(page.text), "version": str(event.version), **data},
        )
        assert response.status_code == 200, data
        assert message in response.text and f'href="#{field}' in response.text, data
    session.expire_all()
    assert session.get(SignificantEvent, event.id).decision is None
    assert session.get(Review, review.id).due_on == review.due_on


def test_only_the_iro_decides(client, auth, session, people, make_child, today):
    child = make_child()
    event = _event_for(session, child, people, today)
    auth.sign_in(people[Role.SOCIAL_WORKER])
    page = client.get(f"/significant-events/{event.public_id}")
    assert page.status_code == 200 and 'name="decision"' not in page.text
    response = client.post(
        f"/significant-events/{event.public_id}",
        data={"csrf_token": csrf_from(page.text), "decision": "no-change", "reason": "x"},
    )
    assert response.status_code == 404


# --- recording a review as held ------------------------------------------------------------


def test_iro_records_the_review_held(client, auth, session, people, make_child, today):
    child = make_child(became=today - timedelta(days=60))
    review = child.reviews[0]
    auth.sign_in(people[Role.IRO])
    record = client.get(f"/children/{child.public_id}").text
    assert f"/reviews/{review.public_id}/held" in record
    page = client.get(f"/reviews/{review.public_id}/held")
    # A working day: it is saved straight away, without "Keep this date".
    held_on = ENG.last_working_day_on_or_before(today - timedelta(days=1))
    response = client.post(
        f"/reviews/{review.public_id}/held",
        data={
            "csrf_token": csrf_from(page.text),
            "held_on": held_on.isoformat(),
            "version": str(review.version),
        },
    )
    # On to what the IRO does next: the decisions and the code (QA: the record, to hunt there).
    assert response.status_code == 302
    assert response.location.endswith(f"/reviews/{review.public_id}/outcome")
    session.expire_all()
    reviews = session.scalars(
        select(Review).where(Review.child_id == child.id).order_by(Review.number)
    ).all()
    assert [(r.number, r.status) for r in reviews] == [
        (1, ReviewStatus.HELD),
        (2, ReviewStatus.PLANNED),
    ]
    assert audited(session, "review-held") == 1


def test_a_held_review_with_every_task_done_is_folded_away(
    client, auth, session, people, make_child, today
):
    child = make_child(became=today - timedelta(days=200), held=[today - timedelta(days=120)])
    held = next(review for review in child.reviews if review.held_on is not None)
    tasks = select(Milestone.id).where(Milestone.review_id == held.id).order_by(Milestone.id)
    last = session.scalars(tasks).all()[-1]
    auth.sign_in(people[Role.SOCIAL_WORKER])

    def folded() -> bool:
        page = client.get(f"/children/{child.public_id}").text
        assert "Tasks for review 1" in page
        return '<details class="done-tasks">' in page

    def done(where) -> None:
        session.execute(update(Milestone).where(where).values(done_on=today - timedelta(days=90)))
        session.commit()

    done(Milestone.id.in_(tasks) & (Milestone.id != last))
    assert not folded(), "a task is still to do: the table stays open"
    done(Milestone.id == last)
    assert folded()


def test_a_task_missed_before_a_held_meeting_is_on_the_record_and_not_chased(
    client, auth, session, people, make_child, today
):
    willow = factories.make_home(session, "Willow House")
    child = make_child(
        became=today - timedelta(days=200), held=[today - timedelta(days=120)], home=willow
    )
    held = next(review for review in child.reviews if review.held_on is not None)
    # Everything done but the IRO's visit before the meeting.
    session.execute(
        update(Milestone)
        .where(Milestone.review_id == held.id, Milestone.name != "iro-meets-child")
        .values(done_on=today - timedelta(days=90))
    )
    session.commit()
    auth.sign_in(people[Role.MANAGER])
    record = client.get(f"/children/{child.public_id}").text
    assert "Missed: not done before the meeting" in record
    # Nothing is left to do in that review, and the fold says what it went without.
    assert "Nothing left to do, 1 task missed before the meeting: show the tasks" in record
    task_page = client.get(f"/reviews/{held.public_id}/milestones/iro-meets-child").text
    assert "it stays on the record as missed, and is no longer chased as overdue" in task_page
    council = client.get("/council/timetable").text
    row = council[council.index('<th scope="row"><a') :].split("</tr>")[0]
    assert "Willow House" in row
    assert "status=missed" in row
    missed = client.get("/council/timetable?status=missed").text
    assert "IRO meets the child" in missed and "Missed: not done before the meeting" in missed
    # None of them is overdue: the table does not say "overdue first" of them.
    assert "Tasks, earliest due first" in missed and "Tasks, overdue first" not in missed
    listed = client.get("/council/timetable").text
    assert "Missed: not done before the meeting" not in listed, "not among the tasks to chase"


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("before", "Date the review was held must be on or after the day the child became"),
        ("future", "Date the review was held must be today or in the past"),
        ("out-of-order", "Date the review was held must be after the review held before it"),
        ("nonsense", "Date the review was held must be a real date"),
    ],
)
def test_bad_held_dates_are_refused_naming_the_field(
    client, auth, session, people, make_child, today, which, message
):
    first = today - timedelta(days=50)
    child = make_child(became=today - timedelta(days=80), held=[first])
    review = service.next_review(child)
    value = {
        "before": (child.became_looked_after - timedelta(days=1)).isoformat(),
        "future": (today + timedelta(days=1)).isoformat(),
        "out-of-order": first.isoformat(),
        "nonsense": "yesterday",
    }[which]
    auth.sign_in(people[Role.IRO])
    page = client.get(f"/reviews/{review.public_id}/held")
    response = client.post(
        f"/reviews/{review.public_id}/held",
        data={"csrf_token": csrf_from(page.text), "held_on": value, "version": review.version},
    )
    assert response.status_code == 200
    assert message in response.text and '<a href="#held_on">' in response.text
    session.expire_all()
    assert session.get(Review, review.id).held_on is None
    assert session.scalar(select(func.count()).select_from(Review)) == 2


def test_keyworker_cannot_record_a_review_held(client, auth, people, make_child):
    review_id = make_child().reviews[0].public_id
    auth.sign_in(people[Role.KEYWORKER])
    assert client.get(f"/reviews/{review_id}/held").status_code == 404


def written(day: date) -> str:
    """A date as the pages write it: Saturday 21 November 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def labelled(name: str, html: str) -> bool:
    """Whether the page labels the box ``name`` "Keep this date"."""
    return re.search(f'<label for="{name}"[^>]*>Keep this date</label>', html) is not None


def keep_box(name: str, html: str) -> str:
    """The "Keep this date" checkbox's tag ("" when there is none)."""
    start = html.find(f'id="{name}"')
    if start == -1:
        return ""
    return html[html.rindex("<input", 0, start) : html.index(">", start) + 1]


def _not_working_held_day(session, which: str, today: date) -> date:
    """A day before today that is a weekend or a bank holiday, or a working day made a closure
    day here."""
    day = today - timedelta(days=1)
    if which == "closure-day":
        day = ENG.last_working_day_on_or_before(day)
        session.add(ClosureDay(day=day, reason="Snow"))
        session.commit()
        return day
    while (day.weekday() >= 5) != (which == "weekend") or ENG.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _post_held(client, review, held_on: date, **extra: str):
    page = client.get(f"/reviews/{review.public_id}/held")
    data = {
        "csrf_token": csrf_from(page.text),
        "held_on": held_on.isoformat(),
        "version": str(review.version),
        **extra,
    }
    return client.post(f"/reviews/{review.public_id}/held", data=data)


def _saved_only_once_kept(client, session, review, held_on: date) -> None:
    """Nothing is saved yet; with "Keep this date" ticked for the same date, it is."""
    session.expire_all()
    assert session.get(Review, review.id).held_on is None
    response = _post_held(client, review, held_on, keep_date="y", warned_day=held_on.isoformat())
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Review, review.id).held_on == held_on


@pytest.mark.parametrize(
    ("which", "words"),
    [
        ("weekend", "a weekend"),
        ("bank-holiday", "a bank holiday"),
        ("closure-day", "a council closure day"),
    ],
)
def test_a_held_date_that_is_not_a_working_day_is_saved_only_once_kept(
    client, auth, session, people, make_child, today, which, words
):
    child = make_child(became=today - timedelta(days=400))
    review = child.reviews[0]
    held_on = _not_working_held_day(session, which, today)
    auth.sign_in(people[Role.IRO])

    response = _post_held(client, review, held_on)
    assert response.status_code == 200
    text = response.text
    warning = f"{written(held_on)} is {words}. Reviews are rarely held then: check the date."
    summary = text[text.index('id="error-summary"') : text.index("<h1")]
    assert f'<a href="#held_on">{warning}</a>' in summary
    assert '<a href="#keep_date">' in summary
    assert labelled("keep_date", text)
    assert 'type="checkbox"' in keep_box("keep_date", text)
    assert f'value="{held_on.isoformat()}"' in text  # the date typed stays
    _saved_only_once_kept(client, session, review, held_on)
    assert audited(session, "review-held") == 1


def test_a_tick_for_another_date_does_not_keep_a_new_one(
    client, auth, session, people, make_child, today
):
    child = make_child(became=today - timedelta(days=60))
    review = child.reviews[0]
    saturday = _not_working_held_day(session, "weekend", today)
    auth.sign_in(people[Role.IRO])
    # Warned about one weekend, the date was changed to another and the box left ticked.
    earlier = (saturday - timedelta(days=7)).isoformat()
    response = _post_held(client, review, saturday, keep_date="y", warned_day=earlier)
    assert response.status_code == 200
    assert f"{written(saturday)} is a weekend." in response.text
    assert "checked" not in keep_box("keep_date", response.text)
    assert f'name="warned_day" type="hidden" value="{saturday.isoformat()}"' in response.text
    session.expire_all()
    assert session.get(Review, review.id).held_on is None


def test_a_held_date_well_before_the_arranged_day_is_saved_only_once_kept(
    client, auth, session, people, make_child, today
):
    child = make_child(became=today - timedelta(days=90))
    review = child.reviews[0]
    meeting = ENG.last_working_day_on_or_before(today)
    review.scheduled_at = datetime.combine(meeting, time(10), LONDON)
    session.commit()
    held_on = ENG.last_working_day_on_or_before(meeting - timedelta(days=8))
    auth.sign_in(people[Role.IRO])

    response = _post_held(client, review, held_on)
    assert response.status_code == 200
    assert (
        f"{written(held_on)} is more than a week before the day the meeting was arranged for "
        f"({written(meeting)}): check the date."
    ) in response.text
    _saved_only_once_kept(client, session, review, held_on)


# --- the council's working days ------------------------------------------------------------


def test_admin_sets_the_nation_and_closure_days(client, auth, session, people, make_child, today):
    child = make_child(became=today - timedelta(days=5))
    due_before = child.reviews[0].due_on
    auth.sign_in(people[Role.ADMIN])
    page = client.get("/admin/timetable")
    assert page.status_code == 200 and '<label for="nation-nation"' in page.text
    response = client.post(
        "/admin/timetable",
        data={"nation-csrf_token": csrf_from(page.text), "nation-nation": "SCT"},
    )
    assert response.status_code == 302
    assert session.scalar(select(CouncilSettings.nation)) == "SCT"
    # A working day in Scotland now, not in the past: it is added straight away.
    closed = SCT.next_working_day_on_or_after(today)
    response = client.post(
        "/admin/timetable/closure-days",
        data={
            "closure-csrf_token": csrf_from(page.text),
            "closure-day": closed.isoformat(),
            "closure-reason": "Staff training",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.scalar(select(ClosureDay.day)) == closed
    assert session.get(Review, child.reviews[0].id).due_on > due_before
    listing = client.get("/admin/timetable").text
    assert "Staff training" in listing
    response = client.post(
        f"/admin/timetable/closure-days/{closed.isoformat()}/remove",
        data={"csrf_token": csrf_from(listing)},
    )
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(ClosureDay)) == 0
    assert audited(session, "closure-day-removed") == 1


def test_an_unknown_nation_is_refused_and_nothing_saved(client, auth, session, people):
    auth.sign_in(people[Role.ADMIN])
    page = client.get("/admin/timetable")
    response = client.post(
        "/admin/timetable",
        data={"nation-csrf_token": csrf_from(page.text), "nation-nation": "XYZ"},
    )
    assert response.status_code == 200
    assert "Nation must be England, Wales, Scotland or Northern Ireland" in response.text
    assert '<a href="#nation-nation">' in response.text
    assert session.scalar(select(CouncilSettings.nation)) == "ENG"


def test_a_repeated_closure_day_is_refused(client, auth, session, people, today):
    closed = ENG.next_working_day_on_or_after(today + timedelta(days=1))
    service.add_closure_day(session, closed, "Staff training", today)
    session.commit()
    auth.sign_in(people[Role.ADMIN])
    page = client.get("/admin/timetable")
    response = client.post(
        "/admin/timetable/closure-days",
        data={"closure-csrf_token": csrf_from(page.text), "closure-day": closed.isoformat()},
    )
    assert response.status_code == 200 and "is already on the list" in response.text
    assert '<a href="#closure-day">' in response.text
    assert session.scalar(select(func.count()).select_from(ClosureDay)) == 1


@pytest.mark.parametrize("year", [1, 9999])
def test_a_closure_day_in_a_year_far_away_is_refused(client, auth, session, people, today, year):
    """Year 1 and year 9999 were accepted (QA): a typing mistake, not a day to keep."""
    auth.sign_in(people[Role.ADMIN])
    page = client.get("/admin/timetable")
    response = client.post(
        "/admin/timetable/closure-days",
        data={
            "closure-csrf_token": csrf_from(page.text),
            "closure-day": date(year, 6, 1).isoformat(),
        },
    )
    assert response.status_code == 200 and "check the year" in response.text
    assert session.scalar(select(func.count()).select_from(ClosureDay)) == 0


def _closure_day(which: str, today: date) -> date:
    if which == "weekend":
        return today + timedelta(days=(5 - today.weekday()) % 7 or 7)  # the next Saturday
    return ENG.last_working_day_on_or_before(today - timedelta(days=1))


@pytest.mark.parametrize(
    ("which", "warning"),
    [
        ("weekend", "is a weekend. It is not a working day already: adding it changes nothing."),
        ("past", "has passed. Adding it may move due dates that have already passed"),
    ],
)
def test_a_weekend_or_past_closure_day_is_added_once_kept(
    client, auth, session, people, today, which, warning
):
    day = _closure_day(which, today)
    auth.sign_in(people[Role.ADMIN])
    page = client.get("/admin/timetable")
    typed = {
        "closure-csrf_token": csrf_from(page.text),
        "closure-day": day.isoformat(),
        "closure-reason": "Snow",
    }
    response = client.post("/admin/timetable/closure-days", data=typed)
    assert response.status_code == 200
    text = response.text
    assert f"{written(day)} {warning}" in text
    # Announced at the top, linked to the date and to a real, labelled checkbox.
    summary = text[text.index('id="error-summary"') : text.index("<h1")]
    assert '<a href="#closure-day">' in summary and '<a href="#closure-keep_date">' in summary
    assert "tick “Keep this date” to save it" in summary
    assert labelled("closure-keep_date", text)
    assert keep_box("closure-keep_date", text) and "checked" not in keep_box(
        "closure-keep_date", text
    )
    # What was typed is still there; the day warned about goes back with the form.
    assert f'value="{day.isoformat()}"' in text and 'value="Snow"' in text
    assert f'name="closure-warned_day" type="hidden" value="{day.isoformat()}"' in text
    assert session.scalar(select(func.count()).select_from(ClosureDay)) == 0

    kept = {**typed, "closure-keep_date": "y", "closure-warned_day": day.isoformat()}
    assert client.post("/admin/timetable/closure-days", data=kept).status_code == 302
    assert session.scalar(select(ClosureDay.day)) == day
    assert audited(session, "closure-day-added") == 1


def test_a_future_working_closure_day_is_added_straight_away(client, auth, session, people, today):
    day = ENG.next_working_day_on_or_after(today + timedelta(days=1))
    auth.sign_in(people[Role.ADMIN])
    page = client.get("/admin/timetable")
    response = client.post(
        "/admin/timetable/closure-days",
        data={"closure-csrf_token": csrf_from(page.text), "closure-day": day.isoformat()},
    )
    assert response.status_code == 302
    assert session.scalar(select(ClosureDay.day)) == day


def test_a_timed_out_form_comes_back_with_the_answers(
    client, auth, session, people, make_child, today
):
    child = make_child(became=today - timedelta(days=45))
    review_id, version = _consult(session, child)
    auth.sign_in(people[Role.SOCIAL_WORKER])
    response = client.post(
        f"/reviews/{review_id}/milestones/consult-child",
        data={
            "csrf_token": "expired",
            "done_on": today.isoformat(),
            "note": "Kept after the time-out",
            "version": str(version),
        },
    )
    assert response.status_code == 200
    assert "This page timed out" in response.text and "Kept after the time-out" in response.text
    session.expire_all()
    assert task(session, child, "consult-child").done_on is None


def test_the_header_leads_staff_to_what_is_due(client, auth, people):
    auth.sign_in(people[Role.KEYWORKER])
    assert 'href="/timetable/mine"' in client.get("/my-children").text
    # Opened on their own role's tasks: "what is due" for me (everyone's is one choice away).
    assert client.get("/timetable/mine").headers["Location"] == "/timetable?owner=mine"
    auth.sign_out()
    auth.sign_in(people[Role.ADMIN])
    assert 'href="/admin/timetable"' in client.get("/admin/").text


def test_the_council_list_comes_in_pages_in_the_caseload_order(
    client, auth, session, people, make_child, today, monkeypatch
):
    from participation.caseload import service as caseload_service
    from participation.security.principal import StaffPrincipal

    monkeypatch.setattr(caseload_service, "COUNCIL_PAGE_SIZE", 2)
    for number, became in enumerate((400, 30, 200, 90, 10)):
        make_child(became=today - timedelta(days=became), name=f"Child {number}")
    session.commit()
    manager = people[Role.MANAGER]
    everyone = caseload_service.caseload(session, StaffPrincipal(manager, None), today)
    order = [row.child.preferred_name for row in everyone]
    auth.sign_in(manager)
    first = client.get("/council").text
    assert "5 children are looked after." in first and "Page 1 of 3" in first
    seen = []
    for page in (1, 2, 3):
        text = client.get(f"/council?page={page}").text
        seen += [name for name in order if f">{name}<" in text]
    assert seen == order  # every child once, soonest review first, across the pages
    assert "Page 3 of 3" in client.get("/council?page=99").text  # past the end: the last page


def test_my_children_says_how_many_overdue_tasks_are_the_readers_own(
    client, auth, session, people, make_child, today
):
    """Red "2 overdue" on a keyworker's list were the social worker's tasks (QA): the list says
    how many are the reader's role's, in the same one query."""
    child = make_child(name="Ren", became=today)  # nothing overdue yet
    for name in ("consult-child", "invitations-sent", "keyworker-report-sent"):
        task(session, child, name).due_on = today - timedelta(days=3)
    session.commit()
    auth.sign_in(people[Role.KEYWORKER])
    row = _row_of(client.get("/my-children").text, "Ren")
    assert "3 overdue" in row and "1 of them for your role" in row
    auth.sign_out()
    auth.sign_in(people[Role.IRO])
    row = _row_of(client.get("/my-children").text, "Ren")
    assert "3 overdue" in row and "none for your role" in row


def _row_of(page: str, name: str) -> str:
    start = page.index(f">{name}</a>")
    return page[start : page.index("</tr>", start)]


def test_the_consult_the_child_task_leads_to_the_meeting_plan(
    client, auth, session, people, make_child
):
    """The social worker's "consult the child" was a date box and nothing else (QA): the child's
    meeting plan, with the wishes waiting for an answer, is one link from it."""
    child = make_child(name="Ren")
    review = child.reviews[-1]
    auth.sign_in(people[Role.SOCIAL_WORKER])
    plan = f"/children/{child.public_id}/plan"
    page = html.unescape(client.get(f"/reviews/{review.public_id}/milestones/consult-child").text)
    assert f'href="{plan}"' in page and "Ren's meeting plan: what they asked for" in page
    assert client.get(plan).status_code == 200
    other = client.get(f"/reviews/{review.public_id}/milestones/keyworker-report-sent").text
    assert f'href="{plan}"' not in other


def test_a_task_done_after_its_due_day_says_it_was_late(
    client, auth, session, people, make_child, today
):
    """Done late read as plain "Done" (QA): a manager checking compliance could not see a
    visit made a week late. The lists say how late, and "Done late" lists only those."""
    child = make_child(became=today - timedelta(days=200), held=[today - timedelta(days=120)])
    held = next(review for review in child.reviews if review.held_on is not None)
    late = session.scalars(
        select(Milestone).where(Milestone.review_id == held.id).order_by(Milestone.id)
    ).all()
    for milestone in late:
        milestone.done_on = milestone.due_on  # on time
    late[0].done_on = late[0].due_on + timedelta(days=5)
    session.commit()
    auth.sign_in(people[Role.MANAGER])
    record = client.get(f"/children/{child.public_id}").text
    assert record.count("Done 5 days late") == 1
    done = client.get("/council/timetable?status=done").text
    assert done.count("Done 5 days late") == 1
    only_late = client.get("/council/timetable?status=done-late").text
    assert "1 task matches the filters." in only_late and "Done 5 days late" in only_late
    assert "Tasks, earliest due first" in only_late
    # Each home's count links to its list.
    council = client.get("/council/timetable").text
    assert "status=done-late" in council and ">1</a>" in council.split("status=done-late")[1][:200]


def test_the_record_and_an_event_lead_back(client, auth, session, people, make_child, today):
    """No way back from a child's record or a significant event but the browser's (QA)."""
    child = make_child(staff=[people[Role.SOCIAL_WORKER], people[Role.IRO]])
    event = service.record_event(
        session, child, people[Role.SOCIAL_WORKER], "missing", today, "", today=today
    )
    session.commit()
    auth.sign_in(people[Role.IRO])
    assert (
        '<p class="back"><a href="/my-children">Back to my children</a>'
        in client.get(f"/children/{child.public_id}").text
    )
    page = client.get(f"/significant-events/{event.public_id}").text
    assert f'href="/children/{child.public_id}#timetable">Back to {child.preferred_name}' in page
    auth.sign_out()
    auth.sign_in(people[Role.MANAGER])
    assert (
        '<a href="/council">Back to the council' in client.get(f"/children/{child.public_id}").text
    )


def test_a_manager_sees_one_workers_children(client, auth, session, people, make_child, today):
    """The council's tasks could be filtered by home, not by worker: a manager could not see
    one social worker's or IRO's caseload (QA)."""
    other_sw = factories.make_staff(session, Role.SOCIAL_WORKER, name="Olu Other")
    session.commit()
    make_child(name="Aria", staff=[other_sw])
    make_child(name="Bilal")
    auth.sign_in(people[Role.MANAGER])
    every = client.get("/council/timetable").text
    assert "Aria" in every and "Bilal" in every
    assert 'id="worker"' in every and "Olu Other (Social worker)" in every
    one = client.get(f"/council/timetable?worker={other_sw.public_id}&status=all").text
    assert "Aria" in one and "Bilal" not in one
    assert f'<option selected value="{other_sw.public_id}">' in one
    # Not one of the council's workers: everyone, as with an unknown home.
    unknown = client.get("/council/timetable?worker=nobody").text
    assert "Aria" in unknown and "Bilal" in unknown
    # A disabled account is no longer one to choose (QA).
    session.get(type(other_sw), other_sw.id).active = False
    session.commit()
    assert "Olu Other" not in client.get("/council/timetable").text
    # Casework staff see their own children only: no such filter for them.
    auth.sign_out()
    auth.sign_in(people[Role.SOCIAL_WORKER])
    assert 'id="worker"' not in client.get("/timetable").text


def test_the_council_list_finds_a_child_by_name_without_putting_it_in_the_address(
    client, auth, session, people, make_child, today
):
    """Hundreds of children in review order and no way to find one (QA): the council list has
    a name and home search, posted to the searchable children list (a name typed never goes in
    the address), whose rows lead a manager to the child's record."""
    from tests.conftest import csrf_from

    wanted = make_child(name="Zainab", became=today)
    make_child(name="Oliver", became=today)
    session.commit()
    auth.sign_in(people[Role.MANAGER])
    page = client.get("/council").text
    assert '<form method="post" action="/admin/children"' in page and 'name="q"' in page
    found = client.post("/admin/children", data={"csrf_token": csrf_from(page), "q": "zain"})
    assert found.status_code == 200
    assert f'href="/children/{wanted.public_id}">Zainab<' in found.text
    assert ">Oliver<" not in found.text


def test_a_refused_look_at_a_childs_pages_records_whose_they_were(
    client, auth, session, people, make_child, today
):
    """An admin looking into someone opening a child's record they should not could not find
    it: "access-denied" said only the address's pattern (QA). It names the child asked for."""
    from sqlalchemy import select

    from participation.models import AuditEvent
    from tests.support import factories

    child = make_child(name="Mia", became=today)
    stranger = factories.make_staff(session, Role.KEYWORKER)
    session.commit()
    auth.sign_in(stranger)
    assert client.get(f"/children/{child.public_id}").status_code == 404
    assert client.get(f"/children/{child.public_id}/plan").status_code == 404
    denied = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "access-denied", AuditEvent.actor_id == stranger.public_id
        )
    ).all()
    assert [(e.subject_type, e.subject_id) for e in denied] == [("child", child.public_id)] * 2
