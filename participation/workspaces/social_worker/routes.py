"""The social worker's workspace: each child's next review and what waits on the social worker for
it (the child's wishes to answer, the invitations, the report and Care Plan for the IRO, the
review pack), and a Care Plan still to update after the last review held."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from ... import clock
from ...caseload.service import CaseloadRow, caseload, page_of
from ...db import db
from ...models import Milestone, Role
from ...planning import service as planning
from ...security.access import staff
from ...timetable import service as timetable
from ..invitations import service as invitations
from ..keyworker import service as keyworker
from ..web import page_asked
from . import service

bp = Blueprint("social_worker", __name__)
# Said first on the page: due today or past due.
LATE = frozenset({"overdue", "due-today"})


@bp.route("/social-worker")
@staff(Role.SOCIAL_WORKER)
def workspace() -> str:
    session = db.session()
    day = clock.today()
    rows = caseload(session, g.principal, day)
    found = page_of(rows, page_asked())
    next_ids = [row.next_review.id for row in rows if row.next_review]
    shown_ids = [row.next_review.id for row in found.rows if row.next_review]
    last_held = {row.child.id: keyworker.last_held_review(row.child) for row in rows}
    # Every review held, not only the last: an earlier one's tasks never done are counted as
    # overdue on every dashboard, so they are said here too (QA).
    held = {row.child.id: keyworker.held_reviews(row.child) for row in rows}
    held_ids = [review.id for reviews in held.values() for review in reviews]
    plans = service.plans_by_review(session, next_ids)
    waiting = {review_id: planning.waiting_for_answer(plan) for review_id, plan in plans.items()}
    tasks = service.tasks_by_review(session, next_ids, held_ids)
    next_reviews = [row.next_review for row in rows if row.next_review]
    invitations_changed = invitations.changed_since_sent(session, plans, next_reviews)
    calendar = timetable.calendar_for(session)

    def status(task: Milestone) -> str:
        return timetable.status_of(calendar, task.due_on, task.done_on, day)

    # First on the page, what is late or waits on an answer: the rest is there to look up.
    first: list[tuple[CaseloadRow, int, frozenset[str], list[Milestone]]] = []
    for row in rows:
        reviews = [r for r in (row.next_review, *held[row.child.id]) if r is not None]
        late = [
            task
            for review in reviews
            for task in tasks.get(review.id, [])
            if task.done_on is None and status(task) in LATE
        ]
        answers = waiting.get(row.next_review.id, 0) if row.next_review else 0
        changed = (
            invitations_changed.get(row.next_review.id, frozenset())
            if row.next_review
            else frozenset()
        )
        if answers or changed or late:
            first.append((row, answers, changed, late))
    return render_template(
        "workspaces/social_worker/workspace.html",
        found=found,
        first=first,
        last_held=last_held,
        plans=plans,
        waiting=waiting,
        tasks=tasks,
        invitations_changed=invitations_changed,
        packs=service.packs_sent(session, shown_ids),
        reports=keyworker.reports_by_review(session, shown_ids),
        status=status,
    )
