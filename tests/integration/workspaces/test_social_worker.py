"""The social worker's workspace: what is late or waits on an answer first, then each child's
next review with the social worker's own tasks, the pack and the keyworker report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.models import Child, Milestone, NetworkPerson, Review, Role
from participation.planning import service as planning
from participation.timetable import service as timetable

from .conftest import TODAY, next_review
from .test_iro import held_day

BACK = "?next=/social-worker"


@pytest.fixture
def sue(desk, team):
    return desk.sign_in(team["social_worker"])


def wish_about_dad(session, jay):
    child = session.get(Child, jay.id)
    review = session.get(Review, next_review(session, jay).id)
    dad = session.scalar(select(NetworkPerson).where(NetworkPerson.name == "Dean Clarke"))
    planning.save_people(
        session, child, review, [planning.WishAnswer(f"person-{dad.public_id}", "no", "", "")],
        0, finish=True,
    )  # fmt: skip


def set_task(session, review_id: int, name: str, **values: object) -> None:
    """Change a task the way the timetable would have (read afresh: a request ends the
    thread's session)."""
    session.expire_all()
    task = session.scalar(
        select(Milestone).where(Milestone.review_id == review_id, Milestone.name == name)
    )
    for key, value in values.items():
        setattr(task, key, value)
    session.commit()


def last_held(session, jay) -> Review:
    session.expire_all()
    return [r for r in session.get(Child, jay.id).reviews if r.held_on][-1]


@pytest.fixture
def care_plan_done(session, jay):
    set_task(session, last_held(session, jay).id, "care-plan-updated", done_on=TODAY)


def first_section(page: str) -> str:
    return page.split("Waiting on you now")[1].split("</section>")[0]


def test_the_header_links_to_the_workspace_for_social_workers_only(desk, sue, team, jay):
    assert 'href="/social-worker"' in sue.get("/my-children").text
    assert sue.get("/social-worker").status_code == 200
    for role in ("keyworker", "iro", "manager"):
        desk.sign_in(team[role])
        assert 'href="/social-worker"' not in desk.get("/accessibility").text
        assert desk.get("/social-worker").status_code in (403, 404)


def test_the_caseload_is_the_social_workers_own(sue, jay, zoe, care_plan_done):
    page = sue.get("/social-worker").text
    assert "Jay" in page and "Zoe" not in page
    assert "You are the social worker for 1 child." in page
    assert "Jay has not started it yet" in page
    assert "Waiting on you now" not in page  # nothing late, nothing to answer


def test_a_wish_waiting_for_an_answer_is_said_first_and_goes_once_answered(
    session, sue, jay, care_plan_done
):
    wish_about_dad(session, jay)
    page = sue.get("/social-worker").text
    assert "1 wish about the meeting waiting for an answer" in first_section(page)
    assert "1 wish waiting for an answer" in page
    assert f'href="/children/{jay.public_id}/plan"' in first_section(page)
    plan = planning.find_plan(session, next_review(session, jay))
    invitee = next(p for p in plan.invitees if p.wish.value == "no")
    subject = f"who-{invitee.public_id}"
    reply = sue.post(
        f"/children/{jay.public_id}/plan/answers/{subject}",
        {f"{subject}-outcome": "agreed", f"{subject}-version": "0"},
        prefix=subject,
    )
    assert reply.status_code == 302, reply.text
    page = sue.get("/social-worker").text
    assert "Waiting on you now" not in page
    assert "Every wish has an answer" in page


def test_each_task_links_to_its_page_and_a_late_one_is_said_first(session, sue, jay):
    review = next_review(session, jay)
    tasks = session.scalars(
        select(Milestone).where(
            Milestone.review_id == review.id, Milestone.owner_role == Role.SOCIAL_WORKER
        )
    ).all()
    assert {t.name for t in tasks} == {
        "consult-child",
        "invitations-sent",
        "social-worker-documents",
    }
    page = sue.get("/social-worker").text
    for task in tasks:
        # Marking it done there comes back here.
        assert f'href="/reviews/{review.public_id}/milestones/{task.name}{BACK}"' in page
    assert "IRO meets the child" not in page  # the IRO's, on the IRO's workspace
    set_task(session, review.id, "consult-child", due_on=TODAY - timedelta(days=3))
    first = first_section(sue.get("/social-worker").text)
    assert "Consult the child about who comes and where (overdue)" in first
    assert f'href="/reviews/{review.public_id}/milestones/consult-child{BACK}"' in first
    assert "Jay" in first


def test_the_care_plan_after_the_last_review_shows_until_done(session, sue, jay):
    held = last_held(session, jay)
    page = sue.get("/social-worker").text
    assert "Update the Care Plan (overdue)" in first_section(page)
    assert f'href="/reviews/{held.public_id}/milestones/care-plan-updated{BACK}"' in page
    # The tasks before that meeting, never marked done, stay on the timetable, not here.
    assert f"/reviews/{held.public_id}/milestones/consult-child" not in page
    set_task(session, held.id, "care-plan-updated", done_on=TODAY)
    assert "Update the Care Plan" not in sue.get("/social-worker").text


def test_the_pack_and_the_report_say_whether_they_were_sent(session, sue, jay):
    page = sue.get("/social-worker").text
    card = page.split("Review pack</dt>")[1].split("</div>")[0]
    assert "Not sent yet" in card
    review = next_review(session, jay)
    sue.post(f"/children/{jay.public_id}/reviews/{review.public_id}/pack/send", {})
    card = sue.get("/social-worker").text.split("Review pack</dt>")[1].split("</div>")[0]
    assert "Sent" in card and "Not sent yet" not in card


def test_what_waits_reads_as_separate_links(session, sue, jay, care_plan_done):
    wish_about_dad(session, jay)
    review = next_review(session, jay)
    set_task(session, review.id, "consult-child", due_on=TODAY - timedelta(days=3))
    set_task(session, review.id, "invitations-sent", due_on=TODAY - timedelta(days=2))
    first = first_section(sue.get("/social-worker").text)
    # Two links with nothing between them read as one (trim_blocks ate the line's end).
    assert first.count("</a>; <a") == 2, first
    page = sue.get("/social-worker").text
    assert "Jay's invitations" in page and "Read Jay's review pack" in page


def test_an_earlier_reviews_care_plan_never_updated_is_said_first_too(session, sue, jay, team):
    """QA: once a later review was held, the earlier one's care plan task (never marked done)
    still counted as overdue everywhere, and the workspace looked only at the last review."""
    earlier = last_held(session, jay)
    review = session.get(Review, next_review(session, jay).id)
    timetable.record_held(session, review, held_day(), team["iro"], today=TODAY)
    session.commit()
    first = first_section(sue.get("/social-worker").text)
    assert f'href="/reviews/{earlier.public_id}/milestones/care-plan-updated{BACK}"' in first
    set_task(session, earlier.id, "care-plan-updated", done_on=TODAY)
    page = sue.get("/social-worker").text
    assert f"/reviews/{earlier.public_id}/milestones/care-plan-updated" not in page
