""" "You said, we did" at /me/you-said-we-did: the decisions and actions of the child's last review
in their own words, and whether each one happened, in the child's own answer."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from ...db import db
from ...forms import apply_errors, rerender_on_timeout
from ...labels import CHILD_ROLES
from ...models import ReviewDecision
from ...security.access import child
from ..common import InputProblem, VersionConflict
from ..web import loaded_version, not_found
from . import service
from .forms import HAPPENED_ICONS, HappenedForm

bp = Blueprint("outcomes", __name__)

ResponseLike = str | Response | tuple[str, int]
Failing = tuple[str, HappenedForm] | None


def _forms(decisions: list[ReviewDecision], failing: Failing) -> dict[str, HappenedForm]:
    forms = {}
    for decision in decisions:
        follow_up = decision.follow_up
        forms[decision.public_id] = HappenedForm(
            formdata=None,
            prefix=f"d-{decision.public_id}",
            data={
                "version": str(follow_up.version if follow_up else 0),
                "happened": follow_up.answer.value if follow_up else None,
                "words": follow_up.words if follow_up else "",
            },
        )
    if failing is not None:
        forms[failing[0]] = failing[1]
    return forms


def _render(
    failing: Failing = None, *, conflict: str | None = None, status: int = 200
) -> ResponseLike:
    session = db.session()
    the_child = g.principal.child
    decisions = service.child_decisions(session, the_child)
    page = render_template(
        "workspaces/child/you_said_we_did.html",
        child=the_child,
        review=service.last_circulated_review(session, the_child),
        decisions=decisions,
        forms=_forms(decisions, failing),
        failing_id=failing[0] if failing else None,
        form=failing[1] if failing else None,
        icons=HAPPENED_ICONS,
        owner_roles={a.staff_id: CHILD_ROLES[a.role] for a in the_child.assignments if a.active},
        conflict=conflict,
    )
    return (page, status) if status != 200 else page


@bp.route("/me/you-said-we-did")
@child
def you_said_we_did() -> ResponseLike:
    return _render()


@bp.route("/me/you-said-we-did/<decision_id>", methods=["POST"])
@child
@rerender_on_timeout
def answer(decision_id: str) -> ResponseLike:
    session = db.session()
    decision = service.find_child_decision(session, g.principal.child, decision_id)
    if decision is None:
        not_found("child-decision")
    form = HappenedForm(prefix=f"d-{decision.public_id}")
    if not form.validate_on_submit():
        return _render((decision.public_id, form))
    try:
        service.answer(
            session,
            decision,
            form.happened.data,
            form.words.data,
            loaded_version(form.version.data),
        )
        session.commit()
    except InputProblem as error:
        session.rollback()
        message = (
            _("Choose one of the answers.")
            if error.code == "needed"
            else _(
                "That's a bit long. Can you make it shorter? Everything you wrote is still here."
            )
        )
        apply_errors(form, {error.field: message})
        return _render((decision.public_id, form))
    except (VersionConflict, StaleDataError):
        session.rollback()
        session.expire_all()
        now = service.find_child_decision(session, g.principal.child, decision_id)
        form.version.data = str(now.follow_up.version if now and now.follow_up else 0)
        message = _(
            "This was changed on another tablet a moment ago. Your answer is still here: check "
            "it and save again."
        )
        return _render((decision.public_id, form), conflict=message, status=409)
    flash(_("Thank you. The person who runs your meeting will see your answer."), "success")
    return redirect(url_for("outcomes.you_said_we_did", _anchor=f"decision-{decision.public_id}"))
