"""The cards on a child's own page (My page), read in one query.

My page is the page children open most. Each of its cards needs one small fact from its own
area: how far the plan has got (planning), how many things the child has said (views), whether
the IRO has read them (sharing), whether the keyworker's report is there to read and how many
decisions came back from the last review (workspaces). Asked for one at a time, each card's
helper loading rows to count them, those facts took nine queries and most of the page's cost
(benchmarks/rps_bench.py). Here each area gives its fact as a column from its own service, so
the rule stays where it belongs, and they are read in a single SELECT; the templates show what
comes back.

No Flask here: the caller passes the session and the child.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.orm import Session

from ..models import Child, ChildSpace, utcnow
from ..planning import service as planning
from ..sharing import service as sharing
from ..views import service as views
from ..workspaces.keyworker import service as keyworker
from ..workspaces.outcomes import service as outcomes
from . import service as space_service

_CHILD: BindParameter[int] = bindparam("child_id")
_PLANNED: BindParameter[int] = bindparam("planned_review_id")  # the meeting planned (or None)
_REPORTED: BindParameter[int] = bindparam("report_review_id")  # what the report is for (or None)
_TOLD: BindParameter[datetime] = bindparam("people_told_at")  # when they last heard who is new
_DECISIONS, _UNANSWERED = outcomes.decision_count_columns(_CHILD)
# Built once: building a statement costs SQLAlchemy more than running this one.
_CARDS = select(
    planning.steps_done_column(_PLANNED),
    views.items_count_column(_CHILD),
    sharing.iro_read_review_column(_CHILD),
    keyworker.report_shared_column(_REPORTED),
    _DECISIONS,
    _UNANSWERED,
    space_service.new_people_column(_CHILD, _TOLD),
)


@dataclass(frozen=True)
class Cards:
    """What the cards on My page say."""

    plan: planning.Progress | None  # None: no meeting is being planned
    views: int
    iro_has_read: bool
    report_shared: bool
    decisions: int  # of the last review whose decisions were circulated
    unanswered: int
    new_people: bool  # someone took up a role with the child since they were last told


def read_cards(session: Session, child: Child, space: ChildSpace) -> Cards:
    """Everything the cards on the child's own page show, in one query."""
    planned = planning.planned_review(child)
    reported = keyworker.report_review(child)
    steps, said, read_review, shared, decisions, unanswered, new = session.execute(
        _CARDS,
        {
            "child_id": child.id,
            "planned_review_id": planned.id if planned else None,
            "report_review_id": reported.id if reported else None,
            # Never told: not in their space yet, so nobody is news.
            "people_told_at": space.people_told_at or utcnow(),
        },
    ).one()
    return Cards(
        plan=planning.progress_of(steps) if planned is not None else None,
        views=int(said or 0),
        iro_has_read=sharing.read_is_current(read_review, planned),
        report_shared=bool(shared),
        decisions=int(decisions or 0),
        unanswered=int(unanswered or 0),
        new_people=bool(new),
    )
