""" "You said, we did" at /me/you-said-we-did: the decisions and actions of the child's last review
in their own words, and whether each one happened, in the child's own answer. And, for the
child's team, the record that a decision to be told in person was told."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ... import clock
from ...audit.web import audit
from ...child.session import held_here, saved_here
from ...db import db
from ...forms import CHILD_TOO_LONG, apply_errors, rerender_on_timeout
from ...labels import CHILD_ROLES
from ...models import Child, ReviewDecision, Role
from ...security.access import child, holds_answers_for, staff
from ...security.policy import may_record_told
from ..common import InputProblem, VersionConflict
from ..iro.words import problem
from ..web import loaded_version, not_found, visible_child
from . import service
from .forms import HAPPENED_ICONS, HappenedForm, ProgressForm, ToldForm

bp = Blueprint("outcomes", __name__)

ResponseLike = str | Response | tuple[str, int]
# Answers posted but not saved, to show again as the child typed them, by decision.
Shown = dict[str, HappenedForm]


def _forms(decisions: list[ReviewDecision], shown: Shown) -> dict[str, HappenedForm]:
    forms = {}
    for decision in decisions:
        if decision.public_id in shown:
            forms[decision.public_id] = shown[decision.public_id]
            continue
        follow_up = decision.follow_up
        forms[decision.public_id] = HappenedForm(
            formdata=None,
            prefix=f"d-{decision.public_id}",
            data={
                "version": str(follow_up.version if follow_up else 0),
                "happened": follow_up.answer.value if follow_up else None,
                "words": follow_up.words if follow_up else "",
            },
        ).for_decision(decision.kind)
    return forms


def _errors(
    decisions: list[ReviewDecision], forms: dict[str, HappenedForm]
) -> list[tuple[str, str]]:
    """The summary at the top of the page: each problem, with its decision, linked to its box."""
    found: list[tuple[str, str]] = []
    timed_out = False
    for decision in decisions:
        for field in forms[decision.public_id]:
            if not field.errors:
                continue
            if field.short_name == "csrf_token":
                timed_out = True
            else:
                found.append((field.id, f"{decision.words_for_child} {field.errors[0]}"))
    if timed_out:
        message = _(
            "This page timed out, so nothing was saved yet. Your answers are still here: check "
            "them and press the button again."
        )
        found.insert(0, ("", message))
    return found


def _render(
    shown: Shown | None = None,
    *,
    conflict: str | None = None,
    status: int = 200,
    decisions: list[ReviewDecision] | None = None,
    kept: bool = False,
) -> ResponseLike:
    session = db.session()
    the_child = g.principal.child
    if decisions is None:
        decisions = service.child_decisions(session, the_child)
    forms = _forms(decisions, shown or {})
    page = render_template(
        "workspaces/child/you_said_we_did.html",
        child=the_child,
        review=service.last_circulated_review(session, the_child),
        decisions=decisions,
        forms=forms,
        errors=_errors(decisions, forms),
        icons=HAPPENED_ICONS,
        owner_roles={a.staff_id: CHILD_ROLES[a.role] for a in the_child.assignments if a.active},
        conflict=conflict,
        kept=kept,
    )
    return (page, status) if status != 200 else page


def _kept(decisions: list[ReviewDecision], kept: MultiDict[str, str]) -> Shown:
    """The answers held from before a break that differ from what is saved (the page is one
    form, so the answers left as they were come too: those are not "kept", they are saved)."""
    shown: Shown = {}
    for decision in decisions:
        prefix = f"d-{decision.public_id}"
        if f"{prefix}-version" not in kept:
            continue  # a decision added since the answers were held: shown as it is
        kept[f"{prefix}-csrf_token"] = kept["csrf_token"]  # a fresh one (held_here)
        form = HappenedForm(formdata=kept, prefix=prefix).for_decision(decision.kind)
        if service.differs(decision, form.happened.data, form.words.data):
            shown[decision.public_id] = form
    return shown


@bp.route("/me/you-said-we-did")
@child
def you_said_we_did() -> ResponseLike:
    kept = held_here()
    if kept is None:
        return _render()
    decisions = service.child_decisions(db.session(), g.principal.child)
    shown = _kept(decisions, kept)
    if not shown:
        saved_here()  # nothing held differs from what is saved now: nothing to keep
    return _render(shown, decisions=decisions, kept=bool(shown))


def _posted(decisions: list[ReviewDecision], pressed: str) -> Shown:
    """The answers to save: the one whose "Save my answer" was pressed, and every other one the
    child changed. The page is one form, so words typed under another decision come too and are
    never lost; answers left as they were are not saved again."""
    posted: Shown = {}
    for decision in decisions:
        prefix = f"d-{decision.public_id}"
        if decision.public_id != pressed and f"{prefix}-version" not in request.form:
            continue
        form = HappenedForm(prefix=prefix).for_decision(decision.kind)
        if decision.public_id == pressed or service.differs(
            decision, form.happened.data, form.words.data
        ):
            posted[decision.public_id] = form
    return posted


def _problem(error: InputProblem) -> str:
    if error.code == "needed":
        return _("Choose one of the answers.")
    return str(CHILD_TOO_LONG)


@bp.route("/me/you-said-we-did/<decision_id>", methods=["POST"])
@child
# Held for the page, the only address here a child can open (a decision's takes posts only).
@holds_answers_for("outcomes.you_said_we_did")
@rerender_on_timeout
def answer(decision_id: str) -> ResponseLike:
    session = db.session()
    decisions = service.child_decisions(session, g.principal.child)
    by_id = {decision.public_id: decision for decision in decisions}
    if decision_id not in by_id:
        not_found("child-decision")
    posted = _posted(decisions, decision_id)
    saved = 0
    try:
        for public_id, form in posted.items():
            if not form.validate_on_submit():
                continue
            try:
                service.answer(
                    session,
                    by_id[public_id],
                    form.happened.data,
                    form.words.data,
                    loaded_version(form.version.data),
                )
            except InputProblem as error:
                # Raised before anything changes: the other answers can still be saved.
                apply_errors(form, {error.field: _problem(error)})
            else:
                saved += 1
    except (VersionConflict, StaleDataError):
        # Nothing is saved: every answer comes back as typed, to check against what is there now.
        session.rollback()
        session.expire_all()
        now = {d.public_id: d for d in service.child_decisions(session, g.principal.child)}
        for public_id, form in posted.items():
            follow_up = now[public_id].follow_up if public_id in now else None
            form.version.data = str(follow_up.version if follow_up else 0)
        message = _(
            "This was changed on another tablet a moment ago. Your answer is still here: check "
            "it and save again."
        )
        return _render(posted, conflict=message, status=409)
    session.commit()
    # What was on the page is sent (the page is one form): what was held for it is not needed.
    # Answers not saved (a box too long) are on the page again, and a break holds them again.
    if not g.get("csrf_timed_out"):  # only a page of this sitting may write
        saved_here(url_for("outcomes.you_said_we_did"))
    if saved:
        flash(_("Thank you. The person who runs your meeting will see your answer."), "success")
    not_saved = {public_id: form for public_id, form in posted.items() if form.errors}
    if not_saved:
        return _render(not_saved)
    return redirect(url_for("outcomes.you_said_we_did", _anchor=f"decision-{decision_id}"))


# --- told in person (staff) ----------------------------------------------------------------------


@bp.route("/children/<child_id>/decisions/<decision_id>/told", methods=["GET", "POST"])
@staff(Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
@rerender_on_timeout
def record_told(child_id: str, decision_id: str) -> ResponseLike:
    """Whoever told the child a decision in person records the day and how it went."""
    the_child = visible_child(child_id)
    session = db.session()
    if not may_record_told(session, g.principal, the_child):
        not_found("team")
    found = service.told_in_person(session, the_child, decision_id)
    if found is None:
        not_found("decision")
    form = ToldForm()
    conflict = False
    if request.method == "GET":
        form.told_on.data = found.told_on or clock.today()
        form.note.data = found.told_note
        form.on_tablet.data = found.tablet_text is not None
        # The IRO's note of what to say is a start for the child's own copy.
        form.tablet_text.data = found.tablet_text or found.child_text
    elif form.validate_on_submit():
        try:
            service.record_told(
                session,
                found,
                g.principal.staff,
                form.told_on.data,
                form.note.data,
                loaded_version(form.version.data),
                today=clock.today(),
                tablet_text=form.tablet_text.data if form.on_tablet.data else None,
            )
            session.commit()
        except InputProblem as error:
            session.rollback()
            apply_errors(form, {error.field: problem(error.code, **error.params)})
        except VersionConflict:
            session.rollback()
            session.expire_all()
            conflict = True
        else:
            on_tablet = found.tablet_text is not None
            audit(
                "record-decision-told",
                subject_type="child",
                subject_id=the_child.public_id,
                detail=f"decision {found.public_id}" + ("; on their tablet" if on_tablet else ""),
            )
            name = the_child.preferred_name
            flash(
                _("Recorded: %(name)s has been told. It is on their tablet now.", name=name)
                if on_tablet
                else _("Recorded: %(name)s has been told.", name=name),
                "success",
            )
            return _back_to_record(the_child)
    return _decision_page("workspaces/told.html", the_child, found, form, conflict)


def _back_to_record(the_child: Child) -> Response:
    return redirect(
        url_for("caseload.child_record", public_id=the_child.public_id, _anchor="decisions")
    )


def _decision_page(
    template: str, the_child: Child, found: ReviewDecision, form: FlaskForm, conflict: bool
) -> ResponseLike:
    # The version shown is the one the answers will be checked against: after a conflict, the
    # one saved now (the page shows it), so that saving again is a choice made knowing it.
    form.version.data = str(found.version)
    page = render_template(template, child=the_child, decision=found, form=form, conflict=conflict)
    return (page, 409) if conflict else page


# --- an action's owner says how it is going (staff) ---------------------------------------------


@bp.route("/children/<child_id>/decisions/<decision_id>/progress", methods=["GET", "POST"])
@staff(Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
@rerender_on_timeout
def record_progress(child_id: str, decision_id: str) -> ResponseLike:
    """The owner of an action says it is done, or how it is going: only the IRO could mark it
    done, and the owner had nowhere to tell them but outside the app (QA)."""
    the_child = visible_child(child_id)
    session = db.session()
    found = service.owned_action(session, the_child, decision_id, g.principal.staff)
    if found is None:
        not_found("decision")
    form = ProgressForm()
    conflict = False
    if request.method == "GET":
        # Nothing chosen until they say: a preset "done" would be one press from a wrong one.
        form.done.data = (
            None if found.progress_at is None else ("yes" if found.progress_done_on else "no")
        )
        form.done_on.data = found.progress_done_on or clock.today()
        form.note.data = found.progress_note
    elif form.validate_on_submit():
        done = {"yes": True, "no": False}.get(form.done.data or "")
        try:
            service.record_progress(
                session,
                found,
                g.principal.staff,
                form.done_on.data,
                form.note.data,
                loaded_version(form.version.data),
                done=done,
                today=clock.today(),
            )
            session.commit()
        except InputProblem as error:
            session.rollback()
            if error.field:
                apply_errors(form, {error.field: problem(error.code, **error.params)})
            else:  # the IRO marked it done meanwhile: the page says so, the words stay
                session.expire_all()
                conflict = True
        except VersionConflict:
            session.rollback()
            session.expire_all()
            conflict = True
        else:
            said = "done" if done else "not yet"
            audit(
                "record-action-progress",
                subject_type="child",
                subject_id=the_child.public_id,
                detail=f"decision {found.public_id}; {said}",
            )
            name = the_child.preferred_name
            flash(
                _(
                    "Thank you: the IRO sees that it is done, and marks it done for %(name)s.",
                    name=name,
                )
                if done
                else _("Thank you: the IRO sees how it is going."),
                "success",
            )
            return _back_to_record(the_child)
    return _decision_page("workspaces/progress.html", the_child, found, form, conflict)
