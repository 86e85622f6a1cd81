"""Staff pages of the review pack: reading it on the web (with "Mark as read"), its PDF, and
sending it (a snapshot per audience, so readers can be shown what changed).

The pack for a reader's own audience (keyworker, social worker, IRO) is at .../pack; the one
for everyone at the meeting at .../pack/meeting. Every view and download is audited, item by
item, without content; the photos come through the policy-checked media route (also audited).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from .. import clock
from ..audit.web import audit
from ..caseload.service import child_by_public_id
from ..db import db
from ..downloads import attachment
from ..forms import rerender_on_timeout
from ..i18n import text_direction
from ..models import Audience, Child, MeetingPlan, Review, Role, utcnow
from ..planning import service as planning
from ..security import policy
from ..security.access import staff
from ..sharing.forms import UnderstoodForm
from ..templating import when_in_words
from ..timetable import service as timetable
from . import service

bp = Blueprint("pack", __name__)
READERS = (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
ResponseLike = str | Response
SENDERS = (Role.KEYWORKER, Role.SOCIAL_WORKER)
STYLESHEET = Path(__file__).resolve().parent.parent.parent / "static" / "css" / "pack.css"
BASE = "/children/<public_id>/reviews/<review_id>/pack"


def _not_found(reason: str) -> Any:
    g.denied = reason
    abort(404)


def _find(public_id: str, review_id: str, meeting: bool) -> tuple[Child, Review, Audience]:
    """The child, review and audience of the pack asked for, or a 404 (audited as denied)."""
    session = db.session()
    the_child = child_by_public_id(session, public_id)
    review = session.scalar(select(Review).where(Review.public_id == review_id))
    audience = Audience.MEETING if meeting else policy.audience_of(g.principal)
    if (
        the_child is None
        or review is None
        or audience is None
        or not policy.may_read_pack(session, g.principal, the_child, review, audience)
    ):
        _not_found("pack")
    assert the_child is not None and review is not None and audience is not None
    return the_child, review, audience


def _build(the_child: Child, review: Review, audience: Audience) -> service.Pack:
    return service.build_pack(
        db.session(),
        the_child,
        review,
        audience,
        show_address=bool(current_app.config.get("SHOW_PLACEMENT_ADDRESS_IN_PACK")),
        reader_id=g.principal.staff.id,
    )


def _audit_reading(action: str, pack: service.Pack) -> None:
    audit(
        action, subject_type="review", subject_id=pack.review.public_id, detail=pack.audience.value
    )
    for item in pack.items:
        audit(
            "read-shared-item",
            subject_type="view-item",
            subject_id=item.public_id,
            detail=pack.audience.value,
        )


def _still_to_do(review: Review, plan: MeetingPlan | None) -> dict[str, Any]:
    """What the pack's pages say is still to come before the meeting: the tasks not done, and
    the child's wishes about it that wait for an answer (pack/_still_to_do.html)."""
    return {
        "still_to_do": timetable.still_to_do_before(db.session(), review, clock.today()),
        "wishes_waiting": planning.waiting_for_answer(plan)
        if plan is not None and review.held_on is None
        else 0,
    }


def _staff_media_url(media: Any, variant: str | None = None) -> str:
    return url_for("views.media", media_id=media.public_id, variant=variant)


@bp.route(BASE, defaults={"meeting": False})
@bp.route(f"{BASE}/meeting", defaults={"meeting": True})
@staff(*READERS)
def read(public_id: str, review_id: str, meeting: bool) -> str:
    the_child, review, audience = _find(public_id, review_id, meeting)
    pack = _build(the_child, review, audience)
    _audit_reading("read-review-pack", pack)
    return render_template(
        "pack/read.html",
        pack=pack,
        meeting=meeting,
        media_url=_staff_media_url,
        last_read=service.last_read(db.session(), review, audience),
        can_send=g.principal.role in SENDERS,
        sent=service.latest_snapshot(db.session(), review, audience),
        form=UnderstoodForm(),
        **_still_to_do(review, pack.plan),
        **service.template_context(),
    )


@bp.route(f"{BASE}/pdf", defaults={"meeting": False})
@bp.route(f"{BASE}/meeting/pdf", defaults={"meeting": True})
@staff(*READERS)
def pdf(public_id: str, review_id: str, meeting: bool) -> Response:
    the_child, review, audience = _find(public_id, review_id, meeting)
    pack = _build(the_child, review, audience)
    html = render_template(
        "pack/pdf.html",
        pack=pack,
        media_url=service.store_url,
        **service.template_context(),
    )
    body = service.render_pdf(
        html,
        pack.media(),
        current_app.extensions["media_storage"],
        STYLESHEET,
        language=str(get_locale()),
        rtl=text_direction() == "rtl",
        made=_("Made %(when)s", when=when_in_words(utcnow())),
    )
    _audit_reading("download-review-pack", pack)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment(service.pdf_filename(pack))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(f"{BASE}/read", methods=["POST"], defaults={"meeting": False})
@bp.route(f"{BASE}/meeting/read", methods=["POST"], defaults={"meeting": True})
@staff(*READERS)
@rerender_on_timeout
def mark_read(public_id: str, review_id: str, meeting: bool) -> Response:
    the_child, review, audience = _find(public_id, review_id, meeting)
    if UnderstoodForm().validate_on_submit():
        pack = _build(the_child, review, audience)
        service.mark_read(db.session(), pack, g.principal.staff)
        audit(
            "mark-review-pack-read",
            subject_type="review",
            subject_id=review.public_id,
            detail=audience.value,
        )
        flash(
            _(
                "Marked as read. %(name)s will see that you have read it.",
                name=the_child.preferred_name,
            ),
            "success",
        )
    return redirect(url_for("pack.read", public_id=public_id, review_id=review_id, meeting=meeting))


@bp.route(f"{BASE}/send", methods=["GET", "POST"])
@staff(*SENDERS)
@rerender_on_timeout
def send(public_id: str, review_id: str) -> ResponseLike:
    the_child, review, own = _find(public_id, review_id, False)
    if request.method == "GET":
        # Asked first, with what each reader's pack holds and what is still to come: one tap
        # sent a pack that held nothing, before the keyworker report was written (QA).
        session = db.session()
        show_address = bool(current_app.config.get("SHOW_PLACEMENT_ADDRESS_IN_PACK"))
        packs = [
            service.build_pack(session, the_child, review, audience, show_address=show_address)
            for audience in service.SENT_TO
        ]
        return render_template(
            "pack/send.html",
            child=the_child,
            review=review,
            packs=packs,
            readers=service.readers(the_child),
            sent=service.latest_snapshot(session, review, Audience.IRO),
            form=UnderstoodForm(),
            pack_for=service.PACK_FOR,
            own=own,
            **_still_to_do(review, packs[0].plan),
        )
    if UnderstoodForm().validate_on_submit():
        service.send(
            db.session(),
            the_child,
            review,
            g.principal.staff,
            show_address=bool(current_app.config.get("SHOW_PLACEMENT_ADDRESS_IN_PACK")),
        )
        audit("send-review-pack", subject_type="review", subject_id=review.public_id)
        flash(
            _("The pack is sent. Readers will be shown anything that changes from now on."),
            "success",
        )
    return redirect(url_for("pack.read", public_id=public_id, review_id=review_id, meeting=False))
