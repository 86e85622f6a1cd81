"""The social worker's invitations for a child's next review: the list with the child's wishes and
the staff answers, the same as CSV, as letters to print, and marking them sent (the milestone).

Every view and download is audited: the list holds the child's wishes about their family.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from ... import clock
from ...audit.web import audit
from ...csvsafe import csv_text
from ...db import db
from ...downloads import attachment, name_part
from ...labels import ROLES
from ...models import Child, DecisionOutcome, Role, Wish
from ...planning import steps
from ...security.access import staff
from ...security.policy import may_prepare_invitations
from ...templating import template_globals
from ...timetable import service as timetable
from ..web import not_found, visible_child
from . import service

bp = Blueprint("invitations", __name__)

INVITATIONS: dict[str, LazyString] = {
    service.INVITE: _l("Invite"),
    service.INVITE_PART: _l("Invite for part of the meeting"),
    service.WRITTEN: _l("Ask for their views in writing"),
    service.AS_CHANGED: _l("Invite as agreed with the change (see the answer)"),
    service.NOT_INVITED: _l("Do not invite"),
    service.UNDECIDED: _l("No wish yet: decide with the child"),
}
WISHES: dict[Wish, LazyString] = {
    Wish.YES: _l("Come"),
    Wish.PART: _l("Come for part"),
    Wish.WRITTEN: _l("Send their thoughts in writing"),
    Wish.NO: _l("Not come"),
    Wish.UNSET: _l("Not chosen"),
}


template_globals(
    bp, {"invitation_label": INVITATIONS.__getitem__, "invitation_wish_label": WISHES.__getitem__}
)


def _social_worker_child(public_id: str) -> Child:
    found = visible_child(public_id)
    if not may_prepare_invitations(g.principal):
        not_found("invitations")
    return found


def _list(the_child: Child) -> service.InvitationList:
    return service.invitation_list(db.session(), the_child, lambda role: str(ROLES[role]))


@bp.route("/children/<public_id>/invitations")
@staff(Role.SOCIAL_WORKER, Role.MANAGER)
def invitation_list(public_id: str) -> str:
    the_child = _social_worker_child(public_id)
    invitations = _list(the_child)
    task = (
        timetable.milestone_for(db.session(), invitations.review, service.SENT_MILESTONE)
        if invitations.review
        else None
    )
    sent = service.last_sent(db.session(), invitations.review)
    audit("view-invitation-list", subject_type="child", subject_id=the_child.public_id)
    return render_template(
        "workspaces/invitations/list.html",
        child=the_child,
        invitations=invitations,
        task=task,
        sent=sent,
        changes=service.changes_since_sent(invitations, sent),
        moved=service.meeting_moved(invitations.review, sent) if invitations.review else None,
        outcome_label=steps.OUTCOME_SHORT.__getitem__,
        sent_form=FlaskForm(formdata=None),
    )


@bp.route("/children/<public_id>/invitations.csv")
@staff(Role.SOCIAL_WORKER, Role.MANAGER)
def invitation_csv(public_id: str) -> Response:
    the_child = _social_worker_child(public_id)
    invitations = _list(the_child)
    if invitations.review is None:
        not_found("invitations-review")
    headings = [
        _("Name"),
        _("Who they are"),
        _("Invitation"),
        _("The child's wish"),
        _("Which part"),
        _("Staff answer"),
        _("Reason given to the child"),
        _("Parental responsibility"),
    ]
    rows = service.csv_rows(
        invitations,
        lambda code: str(INVITATIONS[code]),
        lambda wish: str(WISHES[wish]),
        lambda outcome: str(steps.OUTCOME_SHORT[DecisionOutcome(outcome)]),
        headings,
    )
    audit("download-invitation-list", subject_type="child", subject_id=the_child.public_id)
    # The byte order mark lets spreadsheet programs read the names as UTF-8.
    body = "\ufeff" + csv_text(rows)
    name = name_part(the_child.preferred_name)
    filename = f"invitations-{name}-review-{invitations.review.number}.csv"
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": attachment(filename)}
    )


@bp.route("/children/<public_id>/invitations/letters")
@staff(Role.SOCIAL_WORKER, Role.MANAGER)
def letters(public_id: str) -> str:
    the_child = _social_worker_child(public_id)
    invitations = _list(the_child)
    invitees = invitations.invitees
    only_changes = request.args.get("changed") == "1"
    sent = service.last_sent(db.session(), invitations.review)
    moved = service.meeting_moved(invitations.review, sent) if invitations.review else None
    if only_changes and moved is None:
        # The letters to send for what changed since the invitations went out, not everyone's
        # (when the meeting moved, everyone invited needs a letter again).
        changed = {c.key for c in service.changes_since_sent(invitations, sent) if c.now_invited}
        invitees = [invitee for invitee in invitees if invitee.key in changed]
    audit("view-invitation-letters", subject_type="child", subject_id=the_child.public_id)
    return render_template(
        "workspaces/invitations/letters.html",
        child=the_child,
        invitations=invitations,
        invitees=invitees,
        only_changes=only_changes,
        moved=moved,
        review=invitations.review,
        social_worker=invitations.staff_in_role(Role.SOCIAL_WORKER),
        iro=invitations.staff_in_role(Role.IRO),
        sender=g.principal.staff,
    )


@bp.route("/children/<public_id>/invitations/sent", methods=["POST"])
@staff(Role.SOCIAL_WORKER, Role.MANAGER)
def mark_sent(public_id: str) -> Response:
    the_child = _social_worker_child(public_id)
    invitations = _list(the_child)
    if invitations.review is None:
        not_found("invitations-review")
    if FlaskForm().validate_on_submit():
        session = db.session()
        # Marked sent before: what is marked now is the changes since.
        changes = service.last_sent(session, invitations.review) is not None
        try:
            marked = service.mark_sent(session, invitations, g.principal.staff, today=clock.today())
            session.commit()
        except (timetable.InputError, timetable.TimetableConflict, StaleDataError):
            session.rollback()
            marked = False
        if marked:
            action = "invitation-changes-sent" if changes else "invitations-sent"
            audit(action, subject_type="child", subject_id=the_child.public_id)
            if changes:
                flash(_("The changes to the invitations were marked as sent today."), "success")
            else:
                flash(_("Invitations marked as sent today."), "success")
        else:
            flash(_("The invitations were already marked as sent."), "success")
    return redirect(url_for("invitations.invitation_list", public_id=public_id))
