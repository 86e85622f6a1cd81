"""The pages of one task and of one significant event: tasks the app marks done on their own page
(no bare "Mark done"), links on a child's record only for those who may open them, and notes too
long for the record kept with a message, never cut short by the browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.models import AuditEvent, ClosureDay, Role
from participation.timetable import service
from participation.timetable.elsewhere import DONE_ELSEWHERE
from tests.conftest import csrf_from

from .conftest import task


def audited(session, action) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


# --- tasks marked done on their own page -----------------------------------------------------

# Each task the app marks done itself, who does it, and the page they do it on.
DONE_ON_ITS_PAGE = [
    ("decisions-circulated", Role.IRO, "/reviews/{review}/outcome"),
    ("iro-meets-child", Role.IRO, "/reviews/{review}/meeting-the-child"),
    ("keyworker-report-shared-with-child", Role.KEYWORKER, "/children/{child}/keyworker-report"),
    ("keyworker-report-sent", Role.KEYWORKER, "/children/{child}/keyworker-report"),
    ("invitations-sent", Role.SOCIAL_WORKER, "/children/{child}/invitations"),
]


def _olly(make_child, today):
    """A child whose first review was held three days ago: its tasks after the meeting are open,
    and so are the tasks before the next."""
    return make_child(
        became=today - timedelta(days=100), held=[today - timedelta(days=3)], name="Olly"
    )


def test_the_table_names_every_task_the_app_marks_done_itself():
    assert {name for name, _role, _page in DONE_ON_ITS_PAGE} == set(DONE_ELSEWHERE)


@pytest.mark.parametrize(("name", "role", "page"), DONE_ON_ITS_PAGE)
def test_a_task_done_on_its_own_page_points_there_and_cannot_be_marked_done_here(
    client, auth, session, people, make_child, today, name, role, page
):
    child = _olly(make_child, today)
    milestone = task(session, child, name)
    url = f"/reviews/{milestone.review.public_id}/milestones/{name}"
    there = page.format(review=milestone.review.public_id, child=child.public_id)
    version = milestone.version
    auth.sign_in(people[role])

    shown = client.get(url)
    assert shown.status_code == 200
    assert 'name="done_on"' not in shown.text and ">Mark done<" not in shown.text
    assert "Where this task is done" in shown.text
    assert f'<a class="button" href="{there}">' in shown.text
    # The link opens that page for this child's review.
    assert client.get(there).status_code == 200

    refused = client.post(
        url,
        data={
            "csrf_token": csrf_from(shown.text),
            "done_on": today.isoformat(),
            "version": str(version),
        },
    )
    assert refused.status_code == 409
    assert "cannot be marked done here" in refused.text
    session.expire_all()
    assert task(session, child, name).done_on is None
    assert audited(session, "milestone-done") == 0


def test_the_dashboard_offers_view_not_mark_done_for_a_task_done_elsewhere(
    client, auth, session, people, make_child, today
):
    olly = make_child(became=today - timedelta(days=45), name="Olly")
    auth.sign_in(people[Role.SOCIAL_WORKER])
    board = client.get("/timetable?status=all&owner=mine").text
    rows = re.findall(r"<tr>.*?</tr>", board, re.S)
    invitations = next(row for row in rows if "Send invitations and consultation papers" in row)
    consult = next(row for row in rows if "Consult the child about who comes and where" in row)
    # Straight to the page where it is done (QA: View, the task page, then "Go to ...").
    assert f'href="/children/{olly.public_id}/invitations">Go to the invitations<' in invitations
    assert ">Mark done<" not in invitations
    assert ">Mark done<" in consult


def test_a_manager_is_told_where_but_not_sent_to_a_page_they_cannot_open(
    client, auth, session, people, make_child, today
):
    child = _olly(make_child, today)
    circulated = task(session, child, "decisions-circulated")
    invitations = task(session, child, "invitations-sent")
    outcome = f"/reviews/{circulated.review.public_id}/outcome"
    circulated_url = f"/reviews/{circulated.review.public_id}/milestones/decisions-circulated"
    invitations_url = f"/reviews/{invitations.review.public_id}/milestones/invitations-sent"
    auth.sign_in(people[Role.MANAGER])
    page = client.get(circulated_url).text
    assert "when the IRO circulates the decisions" in page
    assert outcome not in page and 'name="done_on"' not in page
    # The invitations page is a manager's too.
    assert f'href="/children/{child.public_id}/invitations"' in client.get(invitations_url).text


# --- links on a child's record ---------------------------------------------------------------


def _child_with_an_event(session, people, make_child, today):
    child = make_child(became=today - timedelta(days=45), name="Olly")
    service.record_event(session, child, people[Role.KEYWORKER], "missing", today, "", today=today)
    session.commit()
    return child


def test_an_administrator_sees_the_timetable_without_links_they_cannot_open(
    client, auth, session, people, make_child, today
):
    child = _child_with_an_event(session, people, make_child, today)
    auth.sign_in(people[Role.ADMIN])
    record = client.get(f"/children/{child.public_id}")
    assert record.status_code == 200
    assert "Consult the child about who comes and where" in record.text
    assert "Missing from home or care" in record.text
    assert "/milestones/" not in record.text
    assert "/significant-events/" not in record.text


def test_a_keyworker_sees_the_timetable_with_its_links(
    client, auth, session, people, make_child, today
):
    child = _child_with_an_event(session, people, make_child, today)
    auth.sign_in(people[Role.KEYWORKER])
    record = client.get(f"/children/{child.public_id}").text
    links = re.findall(r'href="([^"]+)"', record)
    milestones = [link for link in links if "/milestones/" in link]
    events = [link for link in links if link.startswith("/significant-events/")]
    assert milestones and events
    for link in (milestones[0], events[0]):
        assert client.get(link).status_code == 200, link


# --- notes too long are kept, with a message ---------------------------------------------------


def test_no_box_on_the_timetable_pages_cuts_pasted_text(
    client, auth, session, people, make_child, today
):
    child = _child_with_an_event(session, people, make_child, today)
    consult = task(session, child, "consult-child")
    pages = {
        # The task's owner (its note), anyone working with the child (the event's note), the IRO
        # (the reason for a decision on the event) and the administrator (a closure day's reason).
        Role.SOCIAL_WORKER: [
            f"/reviews/{consult.review.public_id}/milestones/consult-child",
            f"/children/{child.public_id}/significant-events/new",
        ],
        Role.IRO: [],
        Role.ADMIN: ["/admin/timetable"],
    }
    auth.sign_in(people[Role.IRO])
    record = client.get(f"/children/{child.public_id}").text
    pages[Role.IRO] = re.findall(r'href="(/significant-events/[^"]+)"', record)
    assert pages[Role.IRO]
    auth.sign_out()
    for role, urls in pages.items():
        auth.sign_in(people[role])
        for url in urls:
            page = client.get(url)
            assert page.status_code == 200 and re.search(
                r"<(textarea|input)[^>]*(note|reason)", page.text
            ), url
            assert "maxlength" not in page.text, url
        auth.sign_out()


def test_a_task_note_too_long_is_kept_with_a_message(
    client, auth, session, people, make_child, today
):
    child = make_child(became=today - timedelta(days=45))
    consult = task(session, child, "consult-child")
    url = f"/reviews/{consult.review.public_id}/milestones/consult-child"
    version = consult.version
    auth.sign_in(people[Role.SOCIAL_WORKER])
    page = client.get(url)
    long_note = "Talked it through after school. " * 16  # 512 characters
    response = client.post(
        url,
        data={
            "csrf_token": csrf_from(page.text),
            "done_on": today.isoformat(),
            "note": long_note,
            "version": str(version),
        },
    )
    assert response.status_code == 200
    assert "Note must be 500 characters or fewer" in response.text
    assert '<a href="#note">' in response.text
    assert long_note.strip() in response.text
    session.expire_all()
    assert task(session, child, "consult-child").done_on is None


def test_an_event_note_too_long_is_kept_with_a_message(
    client, auth, session, people, make_child, today
):
    child = make_child()
    url = f"/children/{child.public_id}/significant-events/new"
    auth.sign_in(people[Role.KEYWORKER])
    page = client.get(url)
    long_note = "Visits with Mum moved to Saturdays. " * 14  # 504 characters
    response = client.post(
        url,
        data={
            "csrf_token": csrf_from(page.text),
            "kind": "contact-change",
            "occurred_on": today.isoformat(),
            "note": long_note,
        },
    )
    assert response.status_code == 200
    # Its count after it, as its own sentence (the message has no full stop, GOV.UK style).
    assert "Note must be 500 characters or fewer. It has 503 now." in response.text
    assert long_note.strip() in response.text


def test_a_closure_reason_too_long_is_kept_with_a_message(client, auth, session, people, today):
    auth.sign_in(people[Role.ADMIN])
    page = client.get("/admin/timetable")
    reason = "Staff training for the whole council. " * 6  # 228 characters
    monday = today + timedelta(days=(7 - today.weekday()) or 7)
    response = client.post(
        "/admin/timetable/closure-days",
        data={
            "closure-csrf_token": csrf_from(page.text),
            "closure-day": monday.isoformat(),
            "closure-reason": reason,
        },
    )
    assert response.status_code == 200
    assert "Reason must be 200 characters or fewer" in response.text
    assert reason.strip() in response.text
    assert session.scalar(select(func.count()).select_from(ClosureDay)) == 0


def test_a_task_opened_from_the_childs_record_goes_back_there(
    client, auth, session, people, make_child, today
):
    """From the record, the task's page leads back to the record, and so does "Mark done"."""
    child = make_child(became=today - timedelta(days=45))
    auth.sign_in(people[Role.SOCIAL_WORKER])
    record = f"/children/{child.public_id}"
    links = re.findall(r'href="([^"]*/milestones/consult-child[^"]*)"', client.get(record).text)
    assert links, "the record links to the task"
    url = links[0].replace("&amp;", "&")
    page = client.get(url).text
    assert f'<a href="{record}">Back to {child.preferred_name}\'s record</a>' in page
    consult = task(session, child, "consult-child")
    done = client.post(
        url,
        data={
            "csrf_token": csrf_from(page),
            "done_on": today.isoformat(),
            "note": "",
            "version": str(consult.version),
            "next": record,
        },
    )
    assert done.status_code == 302 and done.headers["Location"] == record
