"""The IRO's pages: their caseload and what needs attention (/iro), meeting the child before a
review, and the review's outcome: how the child took part and the participation code, the
decisions and actions, and circulating them.

IRO-only: a keyworker or social worker asking for any of these gets a 404, as for a child on
someone else's caseload.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ... import clock, sent_once
from ...audit.web import audit
from ...caseload.service import caseload, page_of
from ...db import db
from ...downloads import attachment, name_part
from ...forms import ActionForm, apply_errors, rerender_on_timeout
from ...i18n import text_direction
from ...labels import ROLES
from ...models import (
    Audience,
    IroChildMeeting,
    Milestone,
    Review,
    ReviewDecision,
    Role,
    utcnow,
)
from ...pack import service as packs
from ...pack.routes import STYLESHEET as PACK_STYLESHEET
from ...planning import service as planning
from ...planning import steps as plan_steps
from ...security.access import staff
from ...security.policy import may_record_review_outcome
from ...templating import template_globals, when_in_words
from ...timetable import service as timetable
from ...timetable.forms import input_error_message
from ..common import InputProblem, VersionConflict, milestones_by_review
from ..keyworker import service as keyworker
from ..outcomes import service as outcomes
from ..web import loaded_version, not_found, page_asked, visible_review
from . import service
from .forms import (
    CirculateForm,
    CodeForm,
    DecisionForm,
    DoneForm,
    MeetingForm,
    RemoveForm,
    TakingPartForm,
)
from .words import BASES, CODES, IN_MEETING, KINDS, MEETING_WAYS, PRESENCE, VIEWS_AWAY, problem

bp = Blueprint("iro", __name__)
# The IRO's own tasks after a review besides the code and circulating: the record, and its copies.
RECORD_TASKS = ("full-record", "record-distributed")

ResponseLike = str | Response | tuple[str, int]
FailingForm = tuple[str, Any] | None


template_globals(
    bp,
    {
        "participation_code_label": CODES.__getitem__,
        "meeting_way_label": MEETING_WAYS.__getitem__,
        "presence_label": PRESENCE.__getitem__,
        "in_meeting_label": IN_MEETING.__getitem__,
        "views_away_label": VIEWS_AWAY.__getitem__,
        "decision_kind_label": KINDS.__getitem__,
        "suggestion_basis_label": lambda basis: BASES.get(basis, basis),
    },
)


def _iro_review(review_id: str) -> Review:
    """A review of a child on this IRO's caseload, that they may work on here; else a 404."""
    review = visible_review(review_id)
    if not may_record_review_outcome(g.principal) or not service.in_scope(review):
        not_found("iro-review")
    return review


def _problem(form: Any, error: InputProblem) -> None:
    """Each problem the service found, on its field (InputProblems carries all of them). A step
    refused whatever was typed (NotNow: someone circulated the decisions a moment ago) is said
    at the top of the page."""
    if isinstance(error, service.NotNow):
        flash(problem(error.code), "error")
        return
    found = error.problems if isinstance(error, service.InputProblems) else [error]
    for each in found:
        apply_errors(form, {each.field: problem(each.code, **each.params)})


def _problems_too(form: Any, found: Sequence[InputProblem]) -> None:
    """When the form's own checks failed (a date that is not a date), the service's problems
    with the other fields as well, so that one submit shows them all. A field the form already
    found wrong keeps its own message."""
    for each in found:
        field = getattr(form, each.field, None)
        if field is not None and not field.errors:
            field.errors = [problem(each.code, **each.params)]


def _not_now(review: Review, check: Callable[[], None], anchor: str) -> Response | None:
    """Run the service's ``check`` of whether a step can be taken now, before the form is read:
    a page loaded before (the decisions circulated since, in another tab) may still offer it.
    If it cannot, the outcome page as it is now, saying why (None if it can)."""
    try:
        check()
    except service.NotNow as refused:
        flash(problem(refused.code), "error")
        return _back(review, anchor)
    return None


def _conflict() -> str:
    return _(
        "Someone else saved this a moment ago. It is shown as it is now; your answers are still "
        "in the form: check them and save again."
    )


# --- the IRO's caseload ------------------------------------------------------------------------


@bp.route("/iro")
@staff(Role.IRO)
def workspace() -> str:
    session = db.session()
    day = clock.today()
    rows = caseload(session, g.principal, day)
    found = page_of(rows, page_asked())
    shown = found.rows
    next_ids = [row.next_review.id for row in shown if row.next_review]
    last_held = {row.child.id: keyworker.last_held_review(row.child) for row in rows}
    held_ids = [review.id for review in last_held.values() if review is not None]
    calendar = timetable.calendar_for(session)
    flags = outcomes.flagged(session, g.principal, day)
    audit("view-outcome-flags", detail=str(len(flags)))
    by_review = service.outcomes_by_review(session, [*next_ids, *held_ids])
    # A review held whose code is not confirmed, decisions not circulated or record not done:
    # the SSDA903 return, the child's "you said, we did" and the record wait on the IRO, so it
    # is said first, not in the list (the record's tasks were on the timetable only: QA).
    # An earlier review's record tasks never done stay overdue on every count: listed here
    # too, where they are done (QA: "2 overdue", and only the last review shown).
    earlier = [
        review
        for row in rows
        for review in keyworker.held_reviews(row.child)
        if review is not last_held[row.child.id]
    ]
    records = milestones_by_review(
        session, [*held_ids, *(review.id for review in earlier)], RECORD_TASKS
    )

    def still_open(review: Review) -> list[Milestone]:
        return [
            task
            for name in RECORD_TASKS
            if (task := records.get((review.id, name))) is not None and task.done_on is None
        ]

    # (child, review, its outcome, its open record tasks, whether the code and circulation are
    # asked for too: for the last review held only, as reviews from before My Review have none)
    after_review = []
    for row in rows:
        held = last_held[row.child.id]
        if held is None:
            continue
        outcome = by_review.get(held.id)
        open_tasks = still_open(held)
        if not (outcome and outcome.code and outcome.circulated_at) or open_tasks:
            after_review.append((row.child, held, outcome, open_tasks, True))
    for review in sorted(earlier, key=lambda r: (r.child.preferred_name, r.number)):
        if open_tasks := still_open(review):
            after_review.append((review.child, review, None, open_tasks, False))
    # Each may bring the review forward, which only the IRO decides: said first (QA: it was on
    # the timetable only).
    events, event_total = timetable.waiting_events(session, g.principal)
    return render_template(
        "workspaces/iro/workspace.html",
        events=events,
        event_total=event_total,
        found=found,
        last_held=last_held,
        after_review=after_review,
        meets=milestones_by_review(session, next_ids, [service.MEETS_CHILD]),
        outcomes=by_review,
        sent=keyworker.latest_sent_by_review(session, next_ids),
        new_in_pack=packs.new_since_read(
            session,
            [row.next_review for row in shown if row.next_review],
            Audience.IRO,
            g.principal.staff.id,
        ),
        flags=flags,
        status=lambda task: timetable.status_of(calendar, task.due_on, task.done_on, day),
    )


# --- meeting the child before the review ---------------------------------------------------------


@bp.route("/reviews/<review_id>/meeting-the-child", methods=["GET", "POST"])
@staff(Role.IRO)
@rerender_on_timeout
def meeting(review_id: str) -> ResponseLike:
    review = _iro_review(review_id)
    session = db.session()
    form = MeetingForm()
    if request.method == "GET":
        form.met_on.data = clock.today()
    if form.validate_on_submit():
        try:
            service.record_meeting(
                session,
                review,
                g.principal.staff,
                form.met_on.data or clock.today(),
                form.way.data or "",
                form.note.data,
                today=clock.today(),
            )
            session.commit()
        except InputProblem as error:
            session.rollback()
            _problem(form, error)
        except (timetable.InputError, timetable.TimetableConflict, StaleDataError):
            session.rollback()
            flash(_conflict(), "error")
        else:
            audit("record-iro-meeting-child", subject_type="review", subject_id=review.public_id)
            flash(_("Recorded. The task “IRO meets the child” is marked done."), "success")
            return redirect(url_for("iro.meeting", review_id=review_id))
    elif request.method == "POST":
        _problems_too(
            form,
            service.meeting_problems(
                review, form.met_on.data, form.way.data, form.note.data, today=clock.today()
            ),
        )
    return render_template(
        "workspaces/iro/meeting.html",
        review=review,
        child=review.child,
        form=form,
        meetings=service.meetings_for(session, review),
        plan=planning.find_plan(session, review),
    )


@bp.route("/reviews/<review_id>/meeting-the-child/<meeting_id>/remove", methods=["POST"])
@staff(Role.IRO)
def remove_meeting(review_id: str, meeting_id: str) -> ResponseLike:
    """Take back a meeting recorded by mistake, before the review is held."""
    review = _iro_review(review_id)
    session = db.session()
    if not ActionForm().validate_on_submit():
        not_found("iro-meeting-form")
    found = session.scalar(
        select(IroChildMeeting).where(
            IroChildMeeting.public_id == meeting_id, IroChildMeeting.review_id == review.id
        )
    )
    if found is None:
        not_found("iro-meeting")
    try:
        service.remove_meeting(session, review, found, today=clock.today())
        session.commit()
    except InputProblem as error:
        session.rollback()
        flash(problem(error.code), "error")
    else:
        audit("remove-iro-meeting-child", subject_type="review", subject_id=review.public_id)
        flash(
            _("Removed. The task “IRO meets the child” counts from the meetings left."), "success"
        )
    return redirect(url_for("iro.meeting", review_id=review_id))


# --- the outcome of a review --------------------------------------------------------------------


def _owner_choices(review: Review) -> list[SelectChoice]:
    return [
        SelectChoice("", _("Choose someone")),
        *(
            SelectChoice(member.public_id, f"{member.name} ({ROLES[role]})")
            for member, role in service.staff_on_case(review.child)
        ),
    ]


def _decision_data(decision: ReviewDecision) -> dict[str, Any]:
    return {
        "version": str(decision.version),
        "kind": decision.kind.value,
        "text": decision.text,
        "child_text": decision.child_text,
        "owner": decision.owner.value if decision.owner else None,
        "owner_staff": decision.owner_staff.public_id if decision.owner_staff else "",
        "owner_name": decision.owner_name,
        "due_on": decision.due_on,
        "in_person": decision.in_person,
        "teller_staff": decision.teller_staff.public_id if decision.teller_staff else "",
    }


def _decision_form(
    review: Review, *, posted: bool, decision: ReviewDecision | None = None
) -> DecisionForm:
    """The posted form, or one filled in from ``decision`` (blank without one)."""
    if posted:
        form = DecisionForm(prefix="decision")
    else:
        data = _decision_data(decision) if decision is not None else {}
        form = DecisionForm(formdata=None, prefix="decision", data=data)
    form.owner_staff.choices = form.teller_staff.choices = _owner_choices(review)
    return form


def _decision_input(form: DecisionForm) -> service.DecisionInput:
    return service.DecisionInput(
        kind=form.kind.data,
        text=form.text.data,
        child_text=form.child_text.data,
        owner=form.owner.data,
        owner_staff=form.owner_staff.data,
        owner_name=form.owner_name.data,
        due_on=form.due_on.data,
        in_person=bool(form.in_person.data),
        teller_staff=form.teller_staff.data,
    )


def _render_outcome(
    review: Review, failing: FailingForm = None, *, conflict: str | None = None, status: int = 200
) -> ResponseLike:
    session = db.session()
    part = service.participation(session, review)
    shown = part.shown
    forms: dict[str, Any] = {
        "taking_part": TakingPartForm(
            formdata=None,
            prefix="taking-part",
            data={
                "version": str(part.version),
                "presence": shown.presence.value if shown.presence else None,
                "in_meeting": shown.in_meeting.value if shown.in_meeting else None,
                "views_away": shown.views_away.value if shown.views_away else None,
            },
        ),
        "code": CodeForm(
            formdata=None,
            prefix="code",
            data={
                "version": str(part.version),
                "code": (part.outcome.code.value if part.outcome and part.outcome.code else None)
                or (part.suggestion.code.value if part.suggestion.code else None),
                "note": part.outcome.code_note if part.outcome else "",
            },
        ),
        "decision": _decision_form(review, posted=False),
        "circulate": CirculateForm(formdata=None, prefix="circulate", data={"held_on": None}),
    }
    if failing is not None:
        forms[failing[0]] = failing[1]
    page = render_template(
        "workspaces/iro/outcome.html",
        review=review,
        child=review.child,
        part=part,
        decisions=service.decisions_for(session, review),
        unanswered=planning.unanswered_at_meeting(session, review),
        words=plan_steps.words_for,  # the child's plan in words (planning/_summary.html)
        is_working_day=timetable.calendar_for(session).is_working_day,
        labels=plan_steps,
        circulated=part.outcome is not None and part.outcome.circulated_at is not None,
        next_review=timetable.next_review(review.child),
        flags=outcomes.flagged(session, g.principal, clock.today(), review.child),
        forms=forms,
        form=failing[1] if failing else None,
        conflict=conflict,
        done_form=DoneForm(formdata=None),
    )
    return (page, status) if status != 200 else page


@bp.route("/reviews/<review_id>/outcome")
@staff(Role.IRO)
def outcome(review_id: str) -> ResponseLike:
    review = _iro_review(review_id)
    audit("view-review-outcome", subject_type="review", subject_id=review.public_id)
    return _render_outcome(review)


def _back(review: Review, anchor: str) -> Response:
    return redirect(url_for("iro.outcome", review_id=review.public_id, _anchor=anchor))


@bp.route("/reviews/<review_id>/outcome/taking-part", methods=["POST"])
@staff(Role.IRO)
@rerender_on_timeout
def taking_part(review_id: str) -> ResponseLike:
    review = _iro_review(review_id)
    session = db.session()
    if refused := _not_now(review, lambda: service.participation_open(review), "taking-part"):
        return refused
    form = TakingPartForm(prefix="taking-part")
    if not form.validate_on_submit():
        return _render_outcome(review, ("taking_part", form))
    try:
        service.save_taking_part(
            session,
            review,
            form.presence.data,
            form.in_meeting.data,
            form.views_away.data,
            loaded_version(form.version.data),
        )
        session.commit()
    except InputProblem as error:
        session.rollback()
        _problem(form, error)
        return _render_outcome(review, ("taking_part", form))
    except (VersionConflict, StaleDataError):
        session.rollback()
        session.expire_all()
        form.version.data = str(service.participation(session, review).version)
        return _render_outcome(review, ("taking_part", form), conflict=_conflict(), status=409)
    audit("record-child-participation", subject_type="review", subject_id=review.public_id)
    flash(_("Saved. Check the suggested participation code, then confirm it."), "success")
    return _back(review, "code")


@bp.route("/reviews/<review_id>/outcome/code", methods=["POST"])
@staff(Role.IRO)
@rerender_on_timeout
def confirm_code(review_id: str) -> ResponseLike:
    review = _iro_review(review_id)
    session = db.session()
    if refused := _not_now(review, lambda: service.participation_open(review), "code"):
        return refused
    form = CodeForm(prefix="code")
    if not form.validate_on_submit():
        return _render_outcome(review, ("code", form))
    try:
        saved = service.confirm_code(
            session,
            review,
            g.principal.staff,
            form.code.data,
            form.note.data,
            loaded_version(form.version.data),
        )
        session.commit()
    except InputProblem as error:
        session.rollback()
        _problem(form, error)
        return _render_outcome(review, ("code", form))
    except (VersionConflict, StaleDataError):
        session.rollback()
        session.expire_all()
        form.version.data = str(service.participation(session, review).version)
        return _render_outcome(review, ("code", form), conflict=_conflict(), status=409)
    audit(
        "confirm-participation-code",
        subject_type="review",
        subject_id=review.public_id,
        detail=saved.code.value if saved.code else "",
    )
    flash(_("Participation code confirmed."), "success")
    return _back(review, "decisions")


@bp.route("/reviews/<review_id>/decisions", methods=["POST"])
@staff(Role.IRO)
@rerender_on_timeout
def add_decision(review_id: str) -> ResponseLike:
    review = _iro_review(review_id)
    session = db.session()
    if refused := _not_now(review, lambda: service.decisions_open(session, review), "decisions"):
        return refused
    form = _decision_form(review, posted=True)
    if sent_once.sent_before(session, g.principal.actor, form.form_key.data) is not None:
        # "Add it" pressed twice on a slow line: the child would read it twice (QA).
        flash(_("Added."), "success")
        return _back(review, "decisions")
    if not form.validate_on_submit():
        _problems_too(
            form, service.decision_problems(review, _decision_input(form), today=clock.today())
        )
        return _render_outcome(review, ("decision", form))
    try:
        made = service.add_decision(
            session,
            review,
            g.principal.staff,
            _decision_input(form),
            today=clock.today(),
            confirmed=form.date_kept(),
        )
        sent_once.remember(session, g.principal.actor, form.form_key.data, made.public_id)
        session.commit()
    except timetable.DayToConfirm as asked:
        session.rollback()
        form.ask_to_keep(asked)
        return _render_outcome(review, ("decision", form))
    except InputProblem as error:
        session.rollback()
        _problem(form, error)
        return _render_outcome(review, ("decision", form))
    except IntegrityError:
        session.rollback()  # the same press, sent twice at once: the other one added it
        flash(_("Added."), "success")
        return _back(review, "decisions")
    audit("add-review-decision", subject_type="review", subject_id=review.public_id)
    flash(_("Added."), "success")
    return _back(review, "decisions")


def _iro_decision(review: Review, decision_id: str) -> ReviewDecision:
    found = service.find_decision(db.session(), review, decision_id)
    if found is None:
        not_found("review-decision")
    return found


@bp.route("/reviews/<review_id>/decisions/<decision_id>", methods=["GET", "POST"])
@staff(Role.IRO)
@rerender_on_timeout
def change_decision(review_id: str, decision_id: str) -> ResponseLike:
    review = _iro_review(review_id)
    session = db.session()
    found = _iro_decision(review, decision_id)
    if request.method == "POST" and (
        refused := _not_now(review, lambda: service.decisions_open(session, review), "decisions")
    ):
        return refused
    form = _decision_form(review, posted=request.method == "POST", decision=found)
    conflict = False
    if form.validate_on_submit():
        try:
            changed = service.change_decision(
                session,
                found,
                _decision_input(form),
                loaded_version(form.version.data),
                today=clock.today(),
                confirmed=form.date_kept(),
            )
            session.commit()
        except timetable.DayToConfirm as asked:
            session.rollback()
            form.ask_to_keep(asked)
        except InputProblem as error:
            session.rollback()
            _problem(form, error)
        except (VersionConflict, StaleDataError):
            session.rollback()
            session.refresh(found)
            form.version.data = str(found.version)
            conflict = True
        else:
            if changed:
                audit("change-review-decision", subject_type="review", subject_id=review.public_id)
            flash(_("Saved.") if changed else _("Nothing was changed."), "success")
            return _back(review, "decisions")
    elif request.method == "POST":
        _problems_too(
            form,
            service.decision_problems(
                review, _decision_input(form), today=clock.today(), decision=found
            ),
        )
    page = render_template(
        "workspaces/iro/decision.html",
        review=review,
        child=review.child,
        decision=found,
        form=form,
        conflict=_conflict() if conflict else None,
        circulated=service.circulated(session, review),
    )
    return (page, 409) if conflict else page


@bp.route("/reviews/<review_id>/decisions/<decision_id>/remove", methods=["GET", "POST"])
@staff(Role.IRO)
@rerender_on_timeout
def remove_decision(review_id: str, decision_id: str) -> ResponseLike:
    """Asks first ("Remove it" or "Keep it"): there is no undo."""
    review = _iro_review(review_id)
    session = db.session()
    found = _iro_decision(review, decision_id)
    form = RemoveForm()
    changed = False
    if form.validate_on_submit():
        loaded = loaded_version(form.version.data)
        if loaded is not None and loaded != found.version:
            changed = True
        elif loaded is not None:
            try:
                service.remove_decision(session, found)
                session.commit()
            except InputProblem as error:
                session.rollback()
                flash(problem(error.code), "error")
            except StaleDataError:
                session.rollback()
                flash(_conflict(), "error")
            else:
                audit("remove-review-decision", subject_type="review", subject_id=review.public_id)
                flash(_("Removed."), "success")
            return _back(review, "decisions")
    form.version.data = str(found.version)
    page = render_template(
        "workspaces/iro/remove_decision.html",
        review=review,
        child=review.child,
        decision=found,
        form=form,
        changed=changed,
        circulated=service.circulated(session, review),
    )
    return (page, 409) if changed else page


@bp.route("/reviews/<review_id>/decisions/<decision_id>/done", methods=["GET", "POST"])
@staff(Role.IRO)
@rerender_on_timeout
def action_done(review_id: str, decision_id: str) -> ResponseLike:
    """Mark an action done, on a page that asks first, with what the child said about it and
    a few words for them: one press beside "Jay says it did not happen" closed it, and the
    child heard nothing back (QA)."""
    review = _iro_review(review_id)
    session = db.session()
    found = _iro_decision(review, decision_id)
    form = DoneForm()
    if request.method == "GET":
        form.back.data = "workspace" if request.args.get("back") == "workspace" else ""
    elif form.validate_on_submit():
        try:
            service.mark_action_done(
                session, found, g.principal.staff, today=clock.today(), note=form.note.data or ""
            )
            session.commit()
        except InputProblem as error:
            session.rollback()
            _problem(form, error)
        else:
            audit("mark-review-action-done", subject_type="review", subject_id=review.public_id)
            flash(_("Marked done: it is no longer flagged."), "success")
            if form.back.data == "workspace":
                return redirect(url_for("iro.workspace", _anchor="flags"))
            return _back(review, "decisions")
    return render_template(
        "workspaces/iro/action_done.html", review=review, decision=found, form=form
    )


@bp.route("/reviews/<review_id>/circulate", methods=["POST"])
@staff(Role.IRO)
@rerender_on_timeout
def circulate(review_id: str) -> ResponseLike:
    review = _iro_review(review_id)
    session = db.session()
    if refused := _not_now(review, lambda: service.circulation_open(session, review), "circulate"):
        return refused
    form = CirculateForm(prefix="circulate")
    if not form.validate_on_submit():
        return _render_outcome(review, ("circulate", form))
    try:
        upcoming = service.circulate(
            session,
            review,
            g.principal.staff,
            form.held_on.data,
            today=clock.today(),
            confirmed=form.date_kept(),
        )
        session.commit()
    except timetable.DayToConfirm as asked:
        session.rollback()
        form.ask_to_keep(asked)
        return _render_outcome(review, ("circulate", form))
    except InputProblem as error:
        session.rollback()
        _problem(form, error)
        return _render_outcome(review, ("circulate", form))
    except timetable.InputError as error:
        session.rollback()
        apply_errors(form, {"held_on": input_error_message(error)})
        return _render_outcome(review, ("circulate", form))
    except (timetable.TimetableConflict, StaleDataError):
        session.rollback()
        session.expire_all()
        return _render_outcome(review, ("circulate", form), conflict=_conflict(), status=409)
    audit("circulate-review-decisions", subject_type="review", subject_id=review.public_id)
    if upcoming is not None:
        flash(
            _(
                "Decisions circulated. %(name)s can see them in “you said, we did” (not those "
                "to be told in person). The next review is due by %(date)s.",
                name=review.child.preferred_name,
                date=format_date(upcoming.due_on, "EEEE d MMMM y"),
            ),
            "success",
        )
    else:
        flash(_("Decisions circulated."), "success")
    return _back(review, "circulate")


@bp.route("/reviews/<review_id>/decisions.pdf")
@staff(Role.IRO)
def decisions_record(review_id: str) -> Response:
    """The review's decisions and actions as circulated, on paper: the record the IRO sends to
    the people at the meeting (a parent, the carers, the school), who otherwise had it typed out
    again elsewhere (QA). The staff words only: the child's own are on their tablet."""
    review = _iro_review(review_id)
    session = db.session()
    outcome = service.outcome_for(session, review)
    if outcome is None or outcome.circulated_at is None:
        not_found("decisions-record")
    decided = outcomes.circulated_for_team(session, review)
    # News to be told to the child in person is not on paper for others before they know it.
    not_told = [d for d in decided if d.in_person and d.told_on is None]
    html = render_template(
        "workspaces/iro/decisions_record.html",
        review=review,
        child=review.child,
        outcome=outcome,
        # Numbered as on the IRO's page, gaps and all: "action 4" is one thing in both (QA).
        decisions=[(number, d) for number, d in enumerate(decided, 1) if d not in not_told],
        not_told=len(not_told),
        next_review=timetable.next_review(review.child),
    )
    body = packs.render_pdf(
        html,
        [],
        current_app.extensions["media_storage"],
        PACK_STYLESHEET,
        language=str(get_locale()),
        rtl=text_direction() == "rtl",
        made=_("Made %(when)s", when=when_in_words(utcnow())),
    )
    audit("download-review-decisions", subject_type="review", subject_id=review.public_id)
    response = Response(body, mimetype="application/pdf")
    name = name_part(review.child.preferred_name)
    response.headers["Content-Disposition"] = attachment(
        f"review-decisions-{name}-review-{review.number}.pdf"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
