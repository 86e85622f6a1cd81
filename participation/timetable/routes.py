"""The timetable pages: what is due (for each role, and across the council), marking a milestone
done, significant events and the IRO's decision, recording a review as held, and the council's
working-day settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from .. import clock
from ..accounts.routes import safe_next
from ..audit.web import audit
from ..db import db
from ..forms import apply_errors, rerender_on_timeout
from ..labels import ROLES
from ..models import Child, EventDecision, EventKind, Milestone, Review, Role, SignificantEvent
from ..security.access import here, staff
from ..security.policy import (
    TIMETABLE_WORKERS,
    can_view_child,
    may_complete_milestone,
    may_consider_events,
    may_open_timetable,
    may_read_event_note,
    may_record_held_review,
)
from ..templating import template_globals
from . import service
from .elsewhere import DONE_WITH_THE_PLAN, done_elsewhere
from .forms import (
    AdjournForm,
    ClosureDayForm,
    ConsiderEventForm,
    DashboardFiltersForm,
    MarkDoneForm,
    MarkNotDoneForm,
    NationForm,
    RecordEventForm,
    RecordHeldForm,
    RemoveClosureDayForm,
    TimetableDateForm,
    input_error_message,
    written_day,
)
from .labels import TEMPLATE_GLOBALS, milestone_label

bp = Blueprint("timetable", __name__)

CASEWORK = (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
# The same roles as `may_open_timetable`, which the child record's links ask.
WORKING_WITH_CHILDREN = TIMETABLE_WORKERS


template_globals(bp, TEMPLATE_GLOBALS)


def _not_found(reason: str) -> Any:
    g.denied = reason
    abort(404)


def _visible_child(child: Child | None) -> Child:
    """The child, if this staff member may see them; otherwise the page does not exist."""
    if child is None or not can_view_child(db.session(), g.principal, child):
        _not_found("child")
    assert child is not None
    return child


def _conflict_message() -> str:
    return _(
        "Someone else just changed this. It is shown below as it is now: check it and try again."
    )


# --- dashboards ----------------------------------------------------------------------------


def _filters() -> tuple[service.Filters, DashboardFiltersForm]:
    """The filters in the address (a GET form). Anything not valid falls back to its default."""
    form = DashboardFiltersForm(formdata=request.args)
    form.validate()
    # A home chosen in the address is checked against the homes this person may see, later.
    form.home.validate_choice = False

    def valid(name: str, default: Any) -> Any:
        field = getattr(form, name)
        return default if field.errors or field.data in (None, "") else field.data

    status = valid("status", "outstanding")
    owner = valid("owner", "everyone")
    window = valid("window", "")
    page = valid("page", 1)
    home = (request.args.get("home") or "")[:32]
    worker = (request.args.get("worker") or "")[:32]  # checked against the manager's list
    filters = service.Filters(
        status=status if status in service.STATUS_FILTERS else "outstanding",
        owner=owner if owner in service.OWNER_FILTERS else "everyone",
        home=home,
        worker=worker,
        window=int(window) if window.isdigit() and int(window) in service.WINDOWS else None,
        page=page if isinstance(page, int) and page >= 1 else 1,
    )
    return filters, form


def _render_dashboard(template: str) -> str:
    filters, form = _filters()
    board = service.dashboard(db.session(), g.principal, clock.today(), filters)
    form.home.choices = [
        SelectChoice("", _("All homes")),
        *(SelectChoice(public_id, name) for public_id, name in board.homes),
    ]
    form.home.data = board.filters.home
    form.worker.choices = [
        SelectChoice("", _("Everyone")),
        *(
            SelectChoice(public_id, f"{name} ({ROLES[role]})")
            for public_id, name, role in board.workers
        ),
    ]
    form.worker.data = board.filters.worker
    form.status.data = board.filters.status
    form.owner.data = board.filters.owner
    form.window.data = str(board.filters.window or "")
    args = {
        key: value
        for key, value in (
            ("status", board.filters.status),
            ("owner", board.filters.owner),
            ("home", board.filters.home),
            ("worker", board.filters.worker),
            ("window", board.filters.window),
        )
        if value
    }
    return render_template(
        template,
        board=board,
        filters_form=form,
        filter_args=args,
        # Each task links to its page with the way back to these filters (quoted once here).
        back_to="?" + urlencode({"next": here()}),
        # "Mark done" only where the milestone page offers it (not for a task done elsewhere).
        can_complete=lambda row: (
            may_complete_milestone(g.principal, row.owner_role) and done_elsewhere(row.name) is None
        ),
        work_page=_work_page,
        may_consider=may_consider_events(g.principal),
    )


def _work_page(row: Any) -> tuple[str, str] | None:
    """For a dashboard row of a task done on its own page (timetable.elsewhere) that this person
    may open: that page's address and its button's words, so the list leads straight there
    (QA: "View", then the task page, then "Go to meeting the child", then the form)."""
    where = done_elsewhere(row.name)
    if where is None or not where.may_open(g.principal):
        return None
    args = {"review_id": row.review_id} if where.names == "review" else {"public_id": row.child_id}
    return url_for(where.endpoint, **args), str(where.go)


def child_timetable_context(child: Child) -> dict[str, Any]:
    """What the child's record shows of their timetable, and which actions this person has."""
    principal = g.principal
    return {
        "timetable": service.child_timetable(db.session(), child, clock.today()),
        "timetable_can": {
            "record_held": may_record_held_review(principal),
            "record_event": may_open_timetable(principal),
            # Administrators open the record too, but not its tasks and events: no links to 404s.
            "open": may_open_timetable(principal),
        },
    }


@bp.route("/timetable")
@staff(*CASEWORK)
def dashboard() -> str:
    return _render_dashboard("timetable/dashboard.html")


@bp.route("/council/timetable")
@staff(Role.MANAGER)
def council_dashboard() -> str:
    return _render_dashboard("timetable/council.html")


# --- one milestone -------------------------------------------------------------------------


def _review(public_id: str) -> Review:
    review = db.session().scalar(select(Review).where(Review.public_id == public_id))
    if review is None:
        _not_found("review")
    assert review is not None
    _visible_child(review.child)
    return review


def _task(review_id: str, name: str) -> tuple[Review, Milestone]:
    """The review and its task, if this staff member may see the child; otherwise a 404."""
    review = _review(review_id)
    task = service.milestone_for(db.session(), review, name)
    if task is None:
        _not_found("milestone")
    assert task is not None
    return review, task


def _milestone_page(
    review: Review,
    task: Milestone,
    form: MarkDoneForm,
    *,
    back: str,
    refused: bool = False,
    undo_refused: bool = False,
    conflict: bool = False,
) -> str | tuple[str, int]:
    """A task's page: what it is, and "Mark done" or "Mark as not done" for those who may.
    ``refused``: a "Mark done" (``undo_refused``: a "Mark as not done") posted for a task done on
    its own page, answered 409."""
    may_change = may_complete_milestone(g.principal, task.owner_role)
    elsewhere = done_elsewhere(task.name)
    form.version.data = str(task.version)
    calendar = service.calendar_for(db.session())
    page = render_template(
        "timetable/milestone.html",
        form=form,
        undo_form=MarkNotDoneForm(formdata=None, version=str(task.version), next=back),
        review=review,
        child=review.child,
        task=task,
        status=service.status_of(
            calendar,
            task.due_on,
            task.done_on,
            clock.today(),
            name=task.name,
            held_on=review.held_on,
        ),
        may_complete=may_change and task.done_on is None and elsewhere is None,
        # A task done on its own page stays done: the work it stands for was done there.
        may_undo=may_change and task.done_on is not None and elsewhere is None,
        elsewhere=elsewhere,
        elsewhere_url=(
            url_for(elsewhere.endpoint, **elsewhere.address(review))
            if elsewhere is not None and elsewhere.may_open(g.principal)
            else None
        ),
        refused=refused,
        undo_refused=undo_refused,
        conflict=conflict,
        back=back,
        plan_helps=task.name in DONE_WITH_THE_PLAN,
    )
    return (page, 409) if refused or undo_refused else page


@bp.route("/reviews/<review_id>/milestones/<name>", methods=["GET", "POST"])
@staff(*WORKING_WITH_CHILDREN)
@rerender_on_timeout
def milestone(review_id: str, name: str) -> str | Response | tuple[str, int]:
    session = db.session()
    review, task = _task(review_id, name)
    may_complete = may_complete_milestone(g.principal, task.owner_role)
    elsewhere = done_elsewhere(task.name)
    form = MarkDoneForm()
    conflict = False
    refused = False
    if request.method == "POST":
        if not may_complete:
            _not_found("milestone-owner")
        if elsewhere is not None:
            # Marked done only by doing the work on its own page (see timetable.elsewhere).
            refused = True
        elif form.validate_on_submit():
            outcome = _saved(
                form,
                task,
                lambda: service.mark_done(
                    session,
                    task,
                    g.principal.staff,
                    _entered(form.done_on.data),
                    today=clock.today(),
                    version=_int(form.version.data),
                    note=form.note.data or "",
                    confirmed=form.date_kept(),
                ),
            )
            conflict = outcome == "conflict"
            if outcome == "saved":
                audit(
                    "milestone-done",
                    subject_type="review",
                    subject_id=review.public_id,
                    detail=task.name,
                )
                flash(
                    _(
                        "Marked done: %(task)s for %(name)s.",
                        task=milestone_label(task.name),
                        name=review.child.preferred_name,
                    ),
                    "success",
                )
                return redirect(
                    safe_next(form.next.data) or url_for("timetable.dashboard_for_role")
                )
    else:
        form.done_on.data = clock.today()
        form.next.data = safe_next(request.args.get("next")) or ""
    return _milestone_page(
        review,
        task,
        form,
        back=safe_next(form.next.data) or url_for("timetable.dashboard_for_role"),
        refused=refused,
        conflict=conflict,
    )


@bp.route("/reviews/<review_id>/milestones/<name>/not-done", methods=["POST"])
@staff(*WORKING_WITH_CHILDREN)
def mark_not_done(review_id: str, name: str) -> str | Response | tuple[str, int]:
    """Put a task marked done by mistake back to not done (the same people as mark it done)."""
    session = db.session()
    review, task = _task(review_id, name)
    if not may_complete_milestone(g.principal, task.owner_role):
        _not_found("milestone-owner")
    form = MarkNotDoneForm()
    if not form.validate_on_submit():
        abort(400)
    back = safe_next(form.next.data) or ""
    try:
        was_done_on = service.mark_not_done(session, task, version=_int(form.version.data))
        session.commit()
    except service.RecordedElsewhere:
        session.rollback()
        return _page_after_undo_refused(review, task, back, undo_refused=True)
    except (service.TimetableConflict, StaleDataError):
        session.rollback()
        session.refresh(task)
        return _page_after_undo_refused(review, task, back, conflict=True)
    audit(
        "milestone-not-done",
        subject_type="review",
        subject_id=review.public_id,
        detail=f"{task.name} was-done-on={was_done_on.isoformat()}",
    )
    flash(
        _(
            "Marked as not done: %(task)s for %(name)s. Mark it done again, with the right "
            "date, once it is done.",
            task=milestone_label(task.name),
            name=review.child.preferred_name,
        ),
        "success",
    )
    # Back to the task, to mark it done with the right date when there is one.
    return redirect(
        url_for(
            "timetable.milestone", review_id=review.public_id, name=task.name, next=back or None
        )
    )


def _page_after_undo_refused(
    review: Review,
    task: Milestone,
    back: str,
    *,
    undo_refused: bool = False,
    conflict: bool = False,
) -> str | tuple[str, int]:
    # The task's page as a GET would show it (nothing posted to its own form), and why.
    form = MarkDoneForm(formdata=None, done_on=clock.today(), next=back)
    return _milestone_page(
        review,
        task,
        form,
        back=back or url_for("timetable.dashboard_for_role"),
        undo_refused=undo_refused,
        conflict=conflict,
    )


def _entered(value: date | None) -> date:
    # A required date field after validate_on_submit() always holds a date.
    assert value is not None
    return value


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/timetable/mine")
@staff(*WORKING_WITH_CHILDREN)
def dashboard_for_role() -> Response:
    """The right dashboard for whoever is asking (a manager's covers the council), opened on
    their own role's tasks: the header's "What is due" asks what is due for me (everyone's is
    one choice away)."""
    if g.principal.role == Role.MANAGER:
        return redirect(url_for("timetable.council_dashboard"))
    return redirect(url_for("timetable.dashboard", owner="mine"))


# --- reviews held --------------------------------------------------------------------------


def _saved(form: TimetableDateForm, row: object | None, save: Callable[[], object]) -> str:
    """Run `save` (a service call about `row`: a review, a task, an event; None for a closure
    day) and commit: "saved", "conflict" (someone else changed the row: it is shown again as it
    is now), or "again" with the form's problems set (a date to confirm, or an input error on
    its field)."""
    session = db.session()
    try:
        save()
        session.commit()
    except service.DayToConfirm as asked:
        session.rollback()
        form.ask_to_keep(asked)
    except service.InputError as error:
        session.rollback()
        apply_errors(form, {error.field: input_error_message(error)})
    except (service.TimetableConflict, StaleDataError):
        session.rollback()
        if row is not None:
            session.refresh(row)
        return "conflict"
    else:
        return "saved"
    return "again"


@bp.route("/reviews/<review_id>/held", methods=["GET", "POST"])
@staff(Role.IRO, Role.MANAGER)
@rerender_on_timeout
def record_held(review_id: str) -> str | Response:
    session = db.session()
    review = _review(review_id)
    if not may_record_held_review(g.principal) or review.held_on is not None:
        _not_found("review-held")
    form = RecordHeldForm()
    outcome = ""
    if form.validate_on_submit():
        outcome = _saved(
            form,
            review,
            lambda: service.record_held(
                session,
                review,
                _entered(form.held_on.data),
                g.principal.staff,
                today=clock.today(),
                version=_int(form.version.data),
                confirmed=form.date_kept(),
            ),
        )
    if outcome == "saved":
        audit("review-held", subject_type="review", subject_id=review.public_id)
        flash(_("Review %(number)d recorded as held.", number=review.number), "success")
        if g.principal.role == Role.IRO and "iro.outcome" in current_app.view_functions:
            # What the IRO does next: the decisions, how the child took part, the code.
            return redirect(url_for("iro.outcome", review_id=review.public_id))
        return redirect(url_for("caseload.child_record", public_id=review.child.public_id))
    form.version.data = str(review.version)
    return render_template(
        "timetable/record_held.html",
        form=form,
        review=review,
        child=review.child,
        conflict=outcome == "conflict",
    )


@bp.route("/reviews/<review_id>/adjourned", methods=["GET", "POST"])
@staff(Role.IRO, Role.MANAGER)
@rerender_on_timeout
def record_adjourned(review_id: str) -> str | Response:
    """The IRO adjourned the meeting (once, for at most 20 working days): what was missing, the
    effect of the wait on the child, and the day it must now be held by. Once adjourned, the
    page shows the record instead of the form."""
    session = db.session()
    review = _review(review_id)
    if not may_record_held_review(g.principal) or review.held_on is not None:
        _not_found("review-held")
    form = AdjournForm()
    outcome = ""
    if review.adjourned_on is None and form.validate_on_submit():
        outcome = _saved(
            form,
            review,
            lambda: service.adjourn(
                session,
                review,
                _entered(form.adjourned_on.data),
                g.principal.staff,
                form.why.data or "",
                form.child_effect.data or "",
                today=clock.today(),
                version=_int(form.version.data),
                confirmed=form.date_kept(),
            ),
        )
    if outcome == "saved":
        audit("review-adjourned", subject_type="review", subject_id=review.public_id)
        flash(
            _(
                "Review %(number)d adjourned. It must now be held by %(date)s: arrange the "
                "meeting again, and let everyone invited know.",
                number=review.number,
                date=written_day(review.due_on),
            ),
            "success",
        )
        return redirect(
            url_for("caseload.child_record", public_id=review.child.public_id, _anchor="timetable")
        )
    if request.method == "GET" and review.adjourned_on is None:
        form.adjourned_on.data = form.adjourned_on.data or clock.today()
    form.version.data = str(review.version)
    return render_template(
        "timetable/record_adjourned.html",
        form=form,
        adjourn_days=service.policy_for(session).adjourn_max_working_days,
        review=review,
        child=review.child,
        conflict=outcome == "conflict",
    )


# --- significant events --------------------------------------------------------------------


@bp.route("/children/<child_id>/significant-events/new", methods=["GET", "POST"])
@staff(*WORKING_WITH_CHILDREN)
@rerender_on_timeout
def record_event(child_id: str) -> str | Response:
    session = db.session()
    child = _visible_child(session.scalar(select(Child).where(Child.public_id == child_id)))
    form = RecordEventForm()
    if form.validate_on_submit():
        try:
            event = service.record_event(
                session,
                child,
                g.principal.staff,
                form.kind.data or "",
                _entered(form.occurred_on.data),
                form.note.data or "",
                today=clock.today(),
            )
            session.commit()
        except service.InputError as error:
            session.rollback()
            apply_errors(form, {error.field: input_error_message(error)})
        else:
            audit(
                "significant-event-recorded",
                subject_type="child",
                subject_id=child.public_id,
                detail=event.kind.value,
            )
            flash(
                _(
                    "Significant event recorded. %(name)s's IRO will consider whether to bring "
                    "the review forward.",
                    name=child.preferred_name,
                ),
                "success",
            )
            if event.kind == EventKind.PLACEMENT_CHANGE:
                # The home on the record is an administrator's to change: until then the
                # placement history is wrong and a worry goes to the old home (QA).
                flash(
                    _(
                        "%(name)s's home in My Review is still %(home)s. An administrator changes "
                        "it: the move is listed for them on the administration page.",
                        name=child.preferred_name,
                        home=child.home.name if child.home else _("not recorded"),
                    ),
                    "warning",
                )
            return redirect(url_for("caseload.child_record", public_id=child.public_id))
    return render_template("timetable/record_event.html", form=form, child=child)


@bp.route("/significant-events/<event_id>", methods=["GET", "POST"])
@staff(*WORKING_WITH_CHILDREN)
@rerender_on_timeout
def significant_event(event_id: str) -> str | Response:
    session = db.session()
    event = session.scalar(select(SignificantEvent).where(SignificantEvent.public_id == event_id))
    if event is None:
        _not_found("significant-event")
    assert event is not None
    child = _visible_child(event.child)
    may_decide = may_consider_events(g.principal) and event.decision is None
    form = ConsiderEventForm()
    # A review held since it happened has most likely taken it into account: said, and the
    # decision and reason filled in for the IRO to check (QA: a week-old exclusion waited, after
    # the review that discussed it, to bring forward the review six months on).
    held_since = service.held_since(child, event.occurred_on)
    if may_decide and held_since is not None and request.method == "GET":
        form.decision.data = EventDecision.NO_CHANGE.value
        form.reason.data = _(
            "Considered at review %(number)d, held on %(date)s.",
            number=held_since.number,
            date=written_day(held_since.held_on or event.occurred_on),
        )
    conflict = False
    if request.method == "POST":
        if not may_consider_events(g.principal):
            _not_found("significant-event-decision")
        if event.decision is not None:
            conflict = True
        elif form.validate_on_submit():
            outcome = _saved(
                form,
                event,
                lambda: service.consider_event(
                    session,
                    event,
                    g.principal.staff,
                    form.decision.data or "",
                    today=clock.today(),
                    new_due=form.new_due.data,
                    reason=form.reason.data or "",
                    version=_int(form.version.data),
                    confirmed=form.date_kept(),
                ),
            )
            conflict = outcome == "conflict"
            if outcome == "saved":
                audit(
                    "significant-event-considered",
                    subject_type="child",
                    subject_id=child.public_id,
                    detail=event.decision.value if event.decision else "",
                )
                late_meeting = (
                    service.meeting_after(event.review, event.brought_forward_to)
                    if event.brought_forward_to is not None and event.review is not None
                    else None
                )
                if late_meeting is not None:
                    flash(
                        _(
                            "The review is brought forward. Its meeting is still arranged for "
                            "%(date)s, after the new date: arrange an earlier one, and the "
                            "tasks will count back from it.",
                            date=written_day(late_meeting),
                        ),
                        "success",
                    )
                elif event.brought_forward_to is not None:
                    flash(
                        _(
                            "The review is brought forward and its tasks are worked out again "
                            "from the new date."
                        ),
                        "success",
                    )
                else:
                    flash(_("Decision recorded: no change to the review date."), "success")
                return redirect(url_for("caseload.child_record", public_id=child.public_id))
    form.version.data = str(event.version)
    return render_template(
        "timetable/significant_event.html",
        form=form,
        event=event,
        child=child,
        next_review=service.next_review(child),
        held_since=held_since,
        may_decide=may_decide and event.decision is None,
        may_read_note=may_read_event_note(g.principal, event),
        conflict=conflict,
        # Opened from the IRO's workspace or a list of what is due: back there too (QA: only
        # the child's record was offered).
        back=safe_next(request.args.get("next")),
    )


# --- the council's working days (administrators) -------------------------------------------


def _settings_page(
    nation_form: NationForm, closure_form: ClosureDayForm, posted: FlaskForm | None = None
) -> str:
    session = db.session()
    if not nation_form.is_submitted() or posted is not nation_form:
        nation_form.nation.data = service.council_nation(session)
    return render_template(
        "timetable/settings.html",
        form=posted or nation_form,
        nation_form=nation_form,
        closure_form=closure_form,
        remove_form=RemoveClosureDayForm(),
        closures=service.closure_days(session),
        today=clock.today(),
    )


@bp.route("/admin/timetable", methods=["GET", "POST"])
@staff(Role.ADMIN)
@rerender_on_timeout
def settings() -> str | Response:
    session = db.session()
    nation_form = NationForm(prefix="nation")
    if nation_form.validate_on_submit():
        try:
            service.set_nation(session, nation_form.nation.data or "", clock.today())
            session.commit()
        except service.InputError as error:
            session.rollback()
            apply_errors(nation_form, {error.field: input_error_message(error)})
        else:
            audit("council-nation-changed", subject_type="council", detail=nation_form.nation.data)
            flash(_("Nation saved. Every child's dates are worked out again."), "success")
            return redirect(url_for("timetable.settings"))
    return _settings_page(
        nation_form, ClosureDayForm(prefix="closure", formdata=None), posted=nation_form
    )


@bp.route("/admin/timetable/closure-days", methods=["POST"])
@staff(Role.ADMIN)
@rerender_on_timeout
def add_closure_day() -> str | Response:
    session = db.session()
    form = ClosureDayForm(prefix="closure")
    if form.validate_on_submit():
        saved = _saved(
            form,
            None,
            lambda: service.add_closure_day(
                session,
                _entered(form.day.data),
                form.reason.data or "",
                clock.today(),
                confirmed=form.date_kept(),
            ),
        )
        if saved == "saved":
            audit(
                "closure-day-added",
                subject_type="council",
                detail=form.day.data.isoformat() if form.day.data else "",
            )
            flash(_("Closure day added. Every child's dates are worked out again."), "success")
            return redirect(url_for("timetable.settings"))
    return _settings_page(NationForm(prefix="nation", formdata=None), form, posted=form)


@bp.route("/admin/timetable/closure-days/<day>/remove", methods=["POST"])
@staff(Role.ADMIN)
def remove_closure_day(day: str) -> Response:
    session = db.session()
    form = RemoveClosureDayForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        _not_found("closure-day")
    if not service.remove_closure_day(session, when, clock.today()):
        _not_found("closure-day")
    session.commit()
    audit("closure-day-removed", subject_type="council", detail=when.isoformat())
    flash(_("Closure day removed. Every child's dates are worked out again."), "success")
    return redirect(url_for("timetable.settings"))
