"""What the social worker's workspace reads, for a whole caseload at once.

The social worker answers the child's wishes about their meeting, sends the invitations, sends
their report and the Care Plan to the IRO, sends the review pack and updates the Care Plan
after the meeting. Each function here reads one of those for every child in one query (or two,
with what it loads along), so the page asks the database as often for 5 children as for 50.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ...models import Audience, MeetingPlan, Milestone, PackSnapshot, Role
from ...timetable.rules import AFTER_MEETING

# The social worker's own tasks, from the timetable (timetable/rules.py): the ones before a
# meeting for the next review, the one after it for the last one held.
OWNER = Role.SOCIAL_WORKER
AFTER = [name for name, _owner in AFTER_MEETING]


def plans_by_review(session: Session, review_ids: Sequence[int]) -> dict[int, MeetingPlan]:
    """Review id -> the child's meeting plan with the people and the answers given (three
    queries), enough for `planning.service.waiting_for_answer` without another."""
    if not review_ids:
        return {}
    rows = session.scalars(
        select(MeetingPlan)
        .where(MeetingPlan.review_id.in_(review_ids))
        .options(selectinload(MeetingPlan.invitees), selectinload(MeetingPlan.decisions))
    )
    return {row.review_id: row for row in rows}


def tasks_by_review(
    session: Session, coming: Sequence[int], held: Sequence[int]
) -> dict[int, list[Milestone]]:
    """Review id -> the social worker's tasks, soonest first (one query): all of them for the
    reviews `coming`, and for those `held` the ones after the meeting that are not done yet.
    A task before a meeting already held and never marked done stays on the timetable, but
    here it would only hide what can still be done."""
    if not coming and not held:
        return {}
    found: dict[int, list[Milestone]] = defaultdict(list)
    for row in session.scalars(
        select(Milestone)
        .where(
            Milestone.owner_role == OWNER,
            or_(
                Milestone.review_id.in_(coming),
                Milestone.review_id.in_(held)
                & Milestone.name.in_(AFTER)
                & Milestone.done_on.is_(None),
            ),
        )
        .order_by(Milestone.due_on, Milestone.id)
    ):
        found[row.review_id].append(row)
    return found


def packs_sent(session: Session, review_ids: Sequence[int]) -> dict[int, PackSnapshot]:
    """Review id -> when its review pack was last sent (the IRO's copy; one query)."""
    if not review_ids:
        return {}
    latest = (
        select(func.max(PackSnapshot.id))
        .where(PackSnapshot.review_id.in_(review_ids), PackSnapshot.audience == Audience.IRO)
        .group_by(PackSnapshot.review_id)
    )
    rows = session.scalars(select(PackSnapshot).where(PackSnapshot.id.in_(latest)))
    return {row.review_id: row for row in rows}
