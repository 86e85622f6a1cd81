"""The "I'm worried" control on every child page, and the alert on every staff page."""

from __future__ import annotations

from datetime import timedelta

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
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import phone, sent_once
from ..audit.web import audit
from ..child.session import held_here, saved_here
from ..db import db
from ..forms import form_key_sent, new_form_key, rerender_on_timeout
from ..models import WorryAlert, utcnow
from ..security.access import child, holds_answers, staff
from ..security.principal import StaffPrincipal
from ..templating import template_globals
from . import service
from .forms import ActionTakenForm, TalkToForm
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
    # Emailed too (when mail is set up): the staff above, the home's inbox, and out of office
    # hours the council's duty team. The child is told of the last two before pressing.
    tell = service.emailed(
        db.session(), the_child, people, current_app.extensions["worry_alerting"], utcnow()
    )
    also = [told.kind for told in tell if told.kind != "staff"]
    key = form_key_sent()
    kept = held_here() if request.method == "GET" else None
    choice = TalkToForm(formdata=request.form if request.method == "POST" else kept)
    choice.offer([(person.public_id, person.name_for_children) for person in people])
    if request.method == "POST" and g.get("csrf_timed_out"):
        # Open too long (or from before a hand-over): nobody is told on a page's old token,
        # and nothing is lost either (QA: a 400 page, the words gone). One more press sends it.
        return render_template(
            "worry/worried.html",
            people=people,
            also=also,
            choice=choice,
            timed_out=True,
            note=request.form.get("note", ""),
            form_key=key,
        )
    if request.method == "POST":
        note = request.form.get("note", "")
        # Only one of the adults listed; anything else (a page from before someone left) is
        # taken as no choice, and the alert still goes.
        talk_to = next((p for p in people if p.public_id == choice.talk_to.data), None)
        session = db.session()
        actor = g.principal.actor
        # Pressed twice, or the thank-you page reloaded (the browser sends it again): the
        # adults were told once; the child is thanked again, and nobody is told twice (QA).
        if sent_once.sent_before(session, actor, key) is None:
            try:
                alert = service.raise_worry(
                    session,
                    the_child,
                    note,
                    sent=(actor, key),
                    talk_to=talk_to,
                    tell=tell,
                    link=lambda raised: url_for(
                        "worry.alert", public_id=raised.public_id, _external=True
                    ),
                )
            except IntegrityError:
                session.rollback()  # the same press, sent twice at once: the other told them
            else:
                audit("worry-raised", subject_type="worry", subject_id=alert.public_id)
                if tell:
                    current_app.extensions["worry_outbox"](alert.id)
        saved_here()
        return render_template(
            "worry/raised.html",
            people=people,
            also=also,
            talk_to=talk_to,
            left_out=service.words_left_out(note),
        )
    return render_template(
        "worry/worried.html",
        people=people,
        also=also,
        choice=choice,
        told_lately=service.raised_lately(db.session(), the_child, TOLD_LATELY),
        kept=kept is not None,
        note=kept.get("note", "") if kept else "",
        form_key=kept.get("form_key") if kept and kept.get("form_key") else new_form_key(),
    )


@bp.route("/worries/<public_id>", methods=["GET", "POST"])
@staff(*ALERTED_ROLES)
def alert(public_id: str) -> str | Response:
    """The worry as the child raised it, who was told, and what was done: where the banner
    leads, and the one place it is marked as dealt with."""
    db_session = db.session()
    found = db_session.scalar(select(WorryAlert).where(WorryAlert.public_id == public_id))
    if found is None or not service.alerted_for(db_session, g.principal.staff, found.child_id):
        g.denied = "worry"
        abort(404)
    form = ActionTakenForm()
    name = found.child.preferred_name
    if form.validate_on_submit():
        if service.acknowledge(db_session, found, g.principal.staff, form.action_taken.data or ""):
            audit("worry-acknowledged", subject_type="worry", subject_id=found.public_id)
            flash(_("Saved: what you did is on %(name)s's record.", name=name), "success")
        else:
            flash(_("Someone else recorded what they did first: it is below."), "info")
        return redirect(url_for("worry.alert", public_id=public_id))
    if request.method == "GET":
        audit("worry-viewed", subject_type="worry", subject_id=found.public_id)
    alerting: service.Alerting = current_app.extensions["worry_alerting"]
    return render_template(
        "worry/alert.html",
        alert=found,
        form=form,
        out_of_hours_phone=alerting.out_of_hours_phone,
    )


# How long after pressing the page says they told them already.
TOLD_LATELY = timedelta(hours=2)

# The numbers a child may call, each kept left to right inside any sentence (in an Arabic one
# "0800 1111" showed as "1111 0800": QA), for the worry pages and the picture-code page.
# Read aloud digit by digit (data-say, child.js), as a child would dial them.
PHONE_NUMBERS = {
    "emergency_number": Markup('<bdi dir="ltr" data-say="9, 9, 9">999</bdi>'),
    "childline_number": Markup('<bdi dir="ltr" data-say="0 8 0 0, 1 1 1 1">0800 1111</bdi>'),
}
# The staff alert says when the child's note was cut, so they ask for the rest.
template_globals(
    bp, {"worry_note_was_cut": service.note_was_cut, "dial": phone.dial, **PHONE_NUMBERS}
)


@bp.app_context_processor
def _open_worries() -> dict[str, object]:
    principal = g.get("principal")
    if not isinstance(principal, StaffPrincipal) or principal.role not in ALERTED_ROLES:
        return {"open_worries": []}
    return {"open_worries": service.open_alerts_for(db.session(), principal.staff)}
