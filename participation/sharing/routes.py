"""The child's sharing pages: choosing who can see each thing (items and meeting plan
sections), the explanation shown first, "See what my IRO will see", and "Who has seen my
things". Who may see what is decided in `security.policy`; these pages record the choices."""

from __future__ import annotations

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
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..audit.web import audit
from ..child.session import child_band
from ..db import db
from ..forms import rerender_on_timeout
from ..models import Audience, Item, Review, ShareDecision, StaffMember
from ..pack import service as pack_service
from ..planning import service as planning_service
from ..planning import steps
from ..security import policy
from ..security.access import child
from ..security.principal import ChildPrincipal
from ..templating import template_globals
from ..views import service as views_service
from ..views import topics
from ..views.forms import FEELING_FACES, feeling_words
from . import service, state, words
from .forms import ChoiceForm, UnderstoodForm

bp = Blueprint("sharing", __name__)
ResponseLike = str | Response | tuple[str | Response, int]
ICONS = {
    "only-me": "img/sharing/only-me.svg",
    Audience.KEYWORKER: "img/sharing/keyworker.svg",
    Audience.SOCIAL_WORKER: "img/sharing/social-worker.svg",
    Audience.IRO: "img/plan/iro.svg",
    Audience.MEETING: "img/sharing/meeting.svg",
}


def _not_found(reason: str) -> Any:
    g.denied = reason
    abort(404)


# --- Helpers for the views pages (who can see this) -----------------------------------------


def _sharing_icon(key: str) -> str:
    return ICONS.get(key, ICONS["only-me"])


def _who_sees(item: Item) -> list[Audience]:
    """The audiences that can see an item now, in the usual order (loaded once per page)."""
    known = g.get("sharing_who")
    if known is None or item.id not in known:
        the_child = item.child
        items = views_service.items_for(db.session(), the_child)
        known = service.choices_for_items(db.session(), [*items, item])
        g.sharing_who = known
    return [a for a in state.AUDIENCES if a in known.get(item.id, set())]


template_globals(
    bp,
    {
        "who_sees": _who_sees,
        "sharing_icon": _sharing_icon,
        "audience_name": words.AUDIENCE_NAME.__getitem__,
    },
)


def _iro_has_read() -> Any:
    principal = g.get("principal")
    if not isinstance(principal, ChildPrincipal):
        return None
    review = planning_service.planned_review(principal.child)
    read = service.iro_read(db.session(), principal.child)
    if read is None or not service.read_is_current(read.review_id, review):
        return None
    return read


# --- The explanation, first ------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/me/") and not target.startswith("//"):
        return target
    return url_for("sharing.who_has_seen")


@bp.route("/me/sharing/what-it-means", methods=["GET", "POST"])
@child
@rerender_on_timeout
def explained() -> ResponseLike:
    band = child_band()
    form = UnderstoodForm()
    target = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        service.record_understood(db.session(), g.principal.child, band)
        audit(
            "sharing-explained",
            subject_type="child",
            subject_id=g.principal.child.public_id,
            detail=band.value,
        )
        return redirect(target)
    return render_template("sharing/explain.html", band=band, form=form, target=target)


def _must_explain() -> Response | None:
    if service.has_understood(db.session(), g.principal.child, child_band()):
        return None
    return redirect(url_for("sharing.explained", next=request.path))


# --- Choosing for one item --------------------------------------------------------------------


def _own_item(item_id: str) -> Item:
    found = views_service.find_item(db.session(), item_id)
    if found is None or not policy.can_view_item(g.principal, found):
        _not_found("item")
    assert found is not None
    return found


def _parse(form: ChoiceForm) -> tuple[Audience, ShareDecision] | None:
    audience = state.AUDIENCE_BY_VALUE.get(form.audience.data or "")
    try:
        decision = ShareDecision(form.decision.data or "")
    except ValueError:
        return None
    if audience is None:
        return None
    return audience, decision


def _choose(
    subject: service.Subject,
    form: ChoiceForm,
    subject_type: str,
    subject_id: str,
    part: str = "",
) -> tuple[str, int] | None:
    """Record the posted choice. Returns a problem to show and its status (nothing changed), or
    None."""
    unclear = _("We could not tell who you meant. Nothing has changed. Please choose again.")
    parsed = _parse(form)
    if parsed is None:
        return unclear, 400
    audience, decision = parsed
    loaded = form.loaded_version()
    adult = _helping_adult() if form.for_child.data else None
    if form.for_child.data and adult is None:
        return unclear, 400
    reason = (form.reason.data or "").strip()[:REASON_LENGTH]
    meaning = words.MEANING[(audience, decision)]
    still_sees = words.STILL_SEES_THROUGH_MEETING.get(audience)
    if (
        decision == ShareDecision.PRIVATE
        and still_sees is not None
        and Audience.MEETING in state.shared_with(service.current(db.session(), subject))
    ):
        meaning = still_sees
    try:
        service.decide(
            db.session(),
            subject,
            audience,
            decision,
            loaded_version=-1 if loaded is None else loaded,
            words_shown=str(meaning),
            by_staff=adult,
            reason=reason,
        )
    except service.StaleChoice:
        return _(
            "This choice was changed a moment ago, maybe on another tablet. Here is how it is "
            "now. Nothing has changed: choose again if you want to."
        ), 409
    except service.SharingError:
        return _(
            "Please write why you are choosing for %(name)s. Nothing has changed.",
            name=g.principal.child.preferred_name,
        ), 400
    audit(
        "share-choice",
        subject_type=subject_type,
        subject_id=subject_id,
        # The audit's subject id holds one public id; a plan section is named in the detail,
        # and so is a choice an adult made for the child (never the reason: that stays on the row).
        detail=f"{part + ':' if part else ''}{audience.value}:{decision.value}"
        + (":by-adult" if adult else ""),
    )
    flash(str(meaning), "success")
    return None


REASON_LENGTH = 500


def _helping_adult() -> StaffMember | None:
    """The member of staff who handed this tablet to the child, still active: the only adult
    who may press the sharing buttons for the child. A personal link has no such adult."""
    staff_id = g.principal.auth_session.handed_over_by_id
    if staff_id is None:
        return None
    found = db.session().get(StaffMember, staff_id)
    return found if found is not None and found.active else None


def _adult_mode(form: ChoiceForm) -> StaffMember | None:
    """Is the page in "a grown-up is choosing for me" mode (asked for, or kept after a post)?"""
    wanted = request.args.get("for-child") == "1" or bool(form.for_child.data)
    return _helping_adult() if wanted else None


def _keep(form: ChoiceForm) -> dict[str, Any]:
    """After a choice an adult made for the child, the page stays in that mode."""
    return {"for-child": "1"} if form.for_child.data else {}


def _rows(current: dict[Audience, Any]) -> list[dict[str, Any]]:
    """One row per audience for the choosing page: its words, icon, state and version, and who
    it is now, by the names the child calls them."""
    sees = state.who_can_see(current)
    chosen = state.shared_with(current)
    members = policy.audience_members(g.principal.child)
    return [
        {
            "audience": audience,
            "title": words.AUDIENCE_TITLE[audience],
            "names": [staff.name_for_children for staff in members.get(audience, [])],
            # Everyone at the meeting is not one job: it is never "nobody".
            "nobody": audience != Audience.MEETING and not members.get(audience),
            "icon": ICONS[audience],
            "share": words.SHARE_BUTTON[audience],
            "private": words.PRIVATE_BUTTON[audience],
            "can_see": audience in sees,
            "chosen": audience in chosen,
            # Seen only because it went to everyone at the meeting.
            "through_meeting": audience in sees and audience not in chosen,
            "version": state.version_of(current, audience),
            # Sees the whole meeting plan anyway, as one of the adults who plan the meeting.
            "plans": audience in policy.PLAN_READING_AUDIENCES,
        }
        for audience in state.AUDIENCES
    ]


@bp.route("/me/views/items/<item_id>/sharing", methods=["GET", "POST"])
@child
@rerender_on_timeout
def item(item_id: str) -> ResponseLike:
    found = _own_item(item_id)
    explain = _must_explain()
    if explain is not None:
        return explain
    subject = service.item_choice(found)
    form = ChoiceForm()
    problem = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            outcome = _choose(subject, form, "view-item", found.public_id)
            if outcome is None:
                return redirect(
                    url_for(
                        "sharing.item",
                        item_id=found.public_id,
                        _anchor=f"share-{form.audience.data}",
                        **_keep(form),
                    )
                )
            problem, status = outcome
        else:
            status = 400
    session = db.session()
    session.expire_all()
    return render_template(
        "sharing/item.html",
        item=found,
        topic_title=topics.title_of(found.topic, child_band()),
        rows=_rows(service.current(session, subject)),
        sights=service.sights(session, g.principal.child).get(found.public_id, []),
        role_words=words.role_words,
        problem=problem,
        form=form,
        adult=_adult_mode(form),
        can_have_adult=_helping_adult() is not None,
        # The thing itself, as on the child's own item page: the face and its words, photos.
        feelings=feeling_words(child_band()),
        faces=FEELING_FACES,
    ), status


# --- Choosing for the meeting plan ---------------------------------------------------------


def _planned() -> Review | None:
    return planning_service.planned_review(g.principal.child)


@bp.route("/me/plan/sharing", methods=["GET", "POST"])
@child
@rerender_on_timeout
def plan() -> ResponseLike:
    review = _planned()
    if review is None:
        return render_template("sharing/plan.html", sections=[], problem=None, form=ChoiceForm())
    explain = _must_explain()
    if explain is not None:
        return explain
    the_child = g.principal.child
    form = ChoiceForm()
    problem = None
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                subject = service.plan_choice(the_child, review, form.section.data or "")
            except service.SharingError:
                problem = _(
                    "We could not tell which part of your plan you meant. Nothing has changed."
                )
                status = 400
            else:
                outcome = _choose(
                    subject, form, "meeting-plan", review.public_id, part=subject.section or ""
                )
                if outcome is None:
                    return redirect(
                        url_for(
                            "sharing.plan",
                            # The card chosen on: keyboard and screen reader go on from there.
                            _anchor=f"plan-{subject.section}-{form.audience.data}",
                            **_keep(form),
                        )
                    )
                problem, status = outcome
    session = db.session()
    sections = []
    for slug in service.SHAREABLE_SECTIONS:
        subject = service.plan_choice(the_child, review, slug)
        sections.append(
            {
                "slug": slug,
                "title": steps.STEP_BY_SLUG[slug].title,
                "rows": _rows(service.current(session, subject)),
            }
        )
    return render_template(
        "sharing/plan.html",
        sections=sections,
        problem=problem,
        form=form,
        adult=_adult_mode(form),
        can_have_adult=_helping_adult() is not None,
    ), status


# --- See what they will see ------------------------------------------------------------------


@bp.route("/me/sharing/preview/<audience>")
@child
def preview(audience: str) -> ResponseLike:
    reader = state.AUDIENCE_BY_VALUE.get(audience)
    if reader is None:
        return _not_found("audience")
    review = _planned()
    the_child = g.principal.child
    if review is None:
        return render_template(
            "sharing/preview.html",
            pack=None,
            reader=reader,
            reader_name=words.AUDIENCE_NAME[reader],
        )
    session = db.session()
    pack = pack_service.build_pack(
        session,
        the_child,
        review,
        reader,
        show_address=bool(current_app.config.get("SHOW_PLACEMENT_ADDRESS_IN_PACK")),
    )
    return render_template(
        "sharing/preview.html",
        pack=pack,
        reader=reader,
        reader_name=words.AUDIENCE_NAME[reader],
        media_url=lambda media, variant=None: url_for(
            "views.my_media", media_id=media.public_id, variant=variant
        ),
        **pack_service.template_context(),
        # Feelings as on the child's own pages: the face and their word, not "4 of 5".
        feelings=feeling_words(child_band()),
        faces=FEELING_FACES,
    )


# --- Who has seen my things ------------------------------------------------------------------


@bp.route("/me/who-has-seen")
@child
def who_has_seen() -> str:
    session = db.session()
    the_child = g.principal.child
    items = views_service.items_for(session, the_child)
    sights = service.sights(session, the_child)
    band = child_band()
    return render_template(
        "sharing/who_has_seen.html",
        rows=[
            {
                "item": it,
                "topic": topics.title_of(it.topic, band),
                "sights": sights.get(it.public_id, []),
            }
            for it in items
        ],
        role_words=words.role_words,
        iro_read=_iro_has_read(),
    )
