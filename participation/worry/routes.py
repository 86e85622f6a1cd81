"""The "I'm worried" control on every child page, and the alert on every staff page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import sent_once
from ..audit.web import audit
from ..child.session import held_here, saved_here
from ..db import db
from ..forms import form_key_sent, new_form_key, rerender_on_timeout
from ..models import WorryAlert
from ..security.access import child, holds_answers, staff
from ..security.principal import StaffPrincipal
from ..templating import template_globals
from . import service
from .service import ALERTED_ROLES

bp = Blueprint("worry", __name__)


@bp.route("/me/worried", methods=["GET", "POST"])
@child
@holds_answers
@rerender_on_timeout
def worried() -> str | Response:
    # Sent as the space locked ("Take a break" or the idle lock, with words typed; or "Tell them
    # now" pressed on a page left open): @child holds the note and sends nothing, so nobody is
    # told until the child presses again. The page shows the note again, and says so.
    the_child = g.principal.child
    people = service.who_will_know(db.session(), the_child)
    key = form_key_sent()
    if request.method == "POST" and g.get("csrf_timed_out"):
        # Open too long (or from before a hand-over): nobody is told on a page's old token,
        # and nothing is lost either (QA: a 400 page, the words gone). One more press sends it.
        return render_template(
            "worry/worried.html",
            people=people,
            timed_out=True,
            note=request.form.get("note", ""),
            form_key=key,
        )
    if request.method == "POST":
        note = request.form.get("note", "")
        session = db.session()
        actor = g.principal.actor
        # Pressed twice, or the thank-you page reloaded (the browser sends it again): the
        # adults were told once; the child is thanked again, and nobody is told twice (QA).
        if sent_once.sent_before(session, actor, key) is None:
            try:
                alert = service.raise_worry(session, the_child, note, sent=(actor, key))
            except IntegrityError:
                session.rollback()  # the same press, sent twice at once: the other told them
            else:
                audit("worry-raised", subject_type="worry", subject_id=alert.public_id)
        saved_here()
        return render_template(
            "worry/raised.html", people=people, left_out=service.words_left_out(note)
        )
    kept = held_here()
    return render_template(
        "worry/worried.html",
        people=people,
        kept=kept is not None,
        note=kept.get("note", "") if kept else "",
        form_key=kept.get("form_key") if kept and kept.get("form_key") else new_form_key(),
    )


@bp.route("/worries/<public_id>/acknowledge", methods=["POST"])
@staff(*ALERTED_ROLES)
def acknowledge(public_id: str) -> Response:
    db_session = db.session()
    alert = db_session.scalar(select(WorryAlert).where(WorryAlert.public_id == public_id))
    mine = {a.id for a in service.open_alerts_for(db_session, g.principal.staff)}
    if alert is None or alert.id not in mine:
        abort(404)
    service.acknowledge(db_session, alert, g.principal.staff)
    audit("worry-acknowledged", subject_type="worry", subject_id=alert.public_id)
    flash(_("Thank you. The alert is marked as dealt with."), "success")
    return redirect(url_for("pages.home"))


# The numbers a child may call, each kept left to right inside any sentence (in an Arabic one
# "0800 1111" showed as "1111 0800": QA), for the worry pages and the picture-code page.
PHONE_NUMBERS = {
    "emergency_number": Markup('<bdi dir="ltr">999</bdi>'),
    "childline_number": Markup('<bdi dir="ltr">0800 1111</bdi>'),
}
# The staff alert says when the child's note was cut, so they ask for the rest.
template_globals(bp, {"worry_note_was_cut": service.note_was_cut, **PHONE_NUMBERS})


@bp.app_context_processor
def _open_worries() -> dict[str, object]:
    principal = g.get("principal")
    if not isinstance(principal, StaffPrincipal) or principal.role not in ALERTED_ROLES:
        return {"open_worries": []}
    return {"open_worries": service.open_alerts_for(db.session(), principal.staff)}
