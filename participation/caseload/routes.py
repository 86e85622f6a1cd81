"""Staff landing pages: my children, the whole council, one child's record."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from sqlalchemy.orm import Session

from .. import clock
from ..admin.forms import ChildFiltersForm
from ..admin.service import all_homes
from ..audit.web import audit
from ..child.routes import space_panel
from ..db import db
from ..models import Role
from ..planning.routes import record_panel
from ..security.access import staff
from ..security.policy import can_view_child
from ..timetable.routes import child_timetable_context
from ..timetable.service import Counts, Filters, calendar_for, due_counts
from ..worry import service as worry_service
from . import service

bp = Blueprint("caseload", __name__)


def _due(session: Session) -> dict[str, Counts]:
    """What is due for the landing page: this person's own tasks (as the header's "What is due"
    opens on), and every role's tasks for the same children, each said for what it is: one
    unnamed count beside another was two different answers to one question (QA)."""
    today = clock.today()
    calendar = calendar_for(session)
    return {
        "due": due_counts(session, g.principal, today, calendar=calendar),
        "due_mine": due_counts(session, g.principal, today, Filters(owner="mine"), calendar),
    }


@bp.route("/my-children")
@staff(Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
def my_children() -> str:
    session = db.session()
    rows = service.caseload(session, g.principal, clock.today())
    return render_template("caseload/my_children.html", rows=rows, **_due(session))


@bp.route("/council")
@staff(Role.MANAGER)
def council() -> str:
    session = db.session()
    page = request.args.get("page", 1, type=int) or 1
    found = service.caseload_page(
        session, g.principal, clock.today(), page, service.COUNCIL_PAGE_SIZE
    )
    # Hundreds of children in review order: a manager looking for one by name or home is sent
    # to the searchable children list (the name is posted there, never put in an address).
    find = ChildFiltersForm(formdata=None)
    find.set_homes([(home.public_id, home.name) for home in all_homes(session)])
    return render_template(
        "caseload/council.html", rows=found.rows, found=found, find=find, **_due(session)
    )


@bp.route("/children/<public_id>")
@staff()
def child_record(public_id: str) -> str:
    session = db.session()
    child = service.child_by_public_id(session, public_id)
    if child is None or not can_view_child(session, g.principal, child):
        g.denied = "child"
        abort(404)
    audit("view-child-record", subject_type="child", subject_id=child.public_id)
    return render_template(
        "caseload/child_record.html",
        child=child,
        age=child.age_on(clock.today()),
        reviews=service.reviews_for(session, child),
        placements=service.placement_history(session, child, clock.today()),
        space_panel=space_panel(child),
        plan_panel=record_panel(child),
        worries=worry_service.alerts_of(session, child)
        if worry_service.alerted_for(session, g.principal.staff, child.id)
        else None,
        **child_timetable_context(child),
    )
