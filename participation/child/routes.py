"""A child's own space: opening it (hand-over, personal link, picture code) and "My page".

Staff routes sit beside the child's record; child routes live under /me.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
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
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from .. import clock
from ..accounts.routes import safe_next
from ..audit.service import Actor
from ..audit.web import audit
from ..caseload.service import child_by_public_id, load_reviews, next_review
from ..cookies import keep_on_device
from ..db import db
from ..extensions import limiter
from ..forms import rerender_on_timeout
from ..i18n import remember_language
from ..models import AgeBand, Child, ChildSpace, PersonalLink, Role, utcnow
from ..security.access import child, child_session, public, staff
from ..security.policy import can_view_child
from ..security.throttle import attempts_limit, not_a_try
from ..templating import day_in_words
from ..timetable.service import meeting_countdown
from . import service
from .forms import AgeBandForm, DisplayForm, PictureCodeForm, SpaceLanguageForm
from .page_cards import read_cards
from .pictures import PICTURE_FILES, PICTURES
from .session import ADULT_LANGUAGE_KEY, CHILD_TOKEN_KEY

bp = Blueprint("child", __name__)

DEVICE_COOKIE = "device"
PROGRESS_KEY = "code_progress"
SUPPORTING_ROLES = (Role.KEYWORKER, Role.SOCIAL_WORKER)


def _staff_child(public_id: str) -> Child:
    """The child named in the URL, if this staff member works with them; otherwise 404."""
    db_session = db.session()
    found = child_by_public_id(db_session, public_id)
    if found is None or not can_view_child(db_session, g.principal, found):
        g.denied = "child"
        abort(404)
    return found


# --- Staff: setting up and handing over ---------------------------------------------------


@bp.route("/children/<public_id>/picture-code", methods=["GET", "POST"])
@staff(*SUPPORTING_ROLES)
@rerender_on_timeout
def picture_code(public_id: str) -> str | Response:
    the_child = _staff_child(public_id)
    form = PictureCodeForm()
    if form.validate_on_submit():
        try:
            service.set_picture_code(db.session(), the_child, form.sequence(), g.principal.staff)
        except service.SpaceError:
            form.first.errors = [_("Choose three or four pictures.")]
        else:
            audit("set-picture-code", subject_type="child", subject_id=the_child.public_id)
            if request.form.get("then") == "hand-over":
                # Chosen with the child beside them: straight on to their space, one step.
                return _open_space(the_child)
            flash(_("%(name)s's picture code is ready.", name=the_child.preferred_name), "success")
            return redirect(url_for("caseload.child_record", public_id=public_id))
    return render_template(
        "child/staff_picture_code.html", child=the_child, form=form, pictures=PICTURE_FILES
    )


def left_care_words(the_child: Child) -> str:
    return _(
        "%(name)s left care on %(date)s, so their own space is closed: it cannot be opened on a "
        "tablet or by a link. What they said stays on their record.",
        name=the_child.preferred_name,
        date=day_in_words(the_child.left_care_on) if the_child.left_care_on else "",
    )


@bp.route("/children/<public_id>/hand-over", methods=["POST"])
@staff(*SUPPORTING_ROLES)
def hand_over(public_id: str) -> Response:
    return _open_space(_staff_child(public_id))


def _open_space(the_child: Child) -> Response:
    """The staff member signs out here and the child's space opens at its picture-code page."""
    public_id = the_child.public_id
    try:
        opened = service.hand_over(
            db.session(), g.principal.auth_session, g.principal.staff, the_child
        )
    except service.SpaceError as error:
        if error.code == "left-care":
            flash(left_care_words(the_child), "error")
            return redirect(url_for("caseload.child_record", public_id=public_id))
        flash(_("Choose a picture code with %(name)s first.", name=the_child.preferred_name))
        return redirect(url_for("child.picture_code", public_id=public_id))
    audit("hand-over", subject_type="child", subject_id=the_child.public_id)
    adult_language = str(get_locale())
    logout_user()
    session.clear()
    session[CHILD_TOKEN_KEY] = opened.token
    session[ADULT_LANGUAGE_KEY] = adult_language
    response = redirect(url_for("child.unlock"))
    language = service.space_for(db.session(), the_child).language
    if language is not None and language in current_app.config["LANGUAGES"]:
        # The picture-code page, which a child who cannot read gets through alone, in the
        # language of their space, not the one the adult signed in with (the switcher still
        # changes it: it is the device's language until the space opens).
        remember_language(response, language)
    return response


@bp.route("/children/<public_id>/unlock-space", methods=["POST"])
@staff(*SUPPORTING_ROLES)
def unlock_space(public_id: str) -> Response:
    the_child = _staff_child(public_id)
    service.unlock_space(db.session(), service.space_for(db.session(), the_child))
    audit("unlock-child-space", subject_type="child", subject_id=the_child.public_id)
    flash(_("%(name)s can use their picture code again.", name=the_child.preferred_name), "success")
    return redirect(url_for("caseload.child_record", public_id=public_id))


@bp.route("/children/<public_id>/age-band", methods=["POST"])
@staff(*SUPPORTING_ROLES)
def age_band(public_id: str) -> Response:
    the_child = _staff_child(public_id)
    form = AgeBandForm()
    band = (form.band.data or "").strip()
    # Optional() lets blank-looking values through unchecked, so check against the bands here.
    if form.validate_on_submit() and band in {"", *(b.value for b in AgeBand)}:
        space = service.space_for(db.session(), the_child)
        space.age_band_override = AgeBand(band) if band else None
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("caseload.child_record", public_id=public_id))


@bp.route("/children/<public_id>/space-language", methods=["POST"])
@staff(*SUPPORTING_ROLES)
def space_language(public_id: str) -> Response:
    """The language the child's pages open in (a child who reads Dari opens them in Dari, with
    no English page to get through first); the child can change it at the foot of any page."""
    the_child = _staff_child(public_id)
    form = SpaceLanguageForm(current_app.config["LANGUAGES"])
    if form.validate_on_submit():
        service.space_for(db.session(), the_child).language = form.language.data or None
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("caseload.child_record", public_id=public_id, _anchor="space-title"))


@bp.route("/children/<public_id>/personal-links", methods=["POST"])
@staff(*SUPPORTING_ROLES)
def create_link(public_id: str) -> str | Response:
    the_child = _staff_child(public_id)
    try:
        link, token = service.create_personal_link(db.session(), the_child, g.principal.staff)
    except service.SpaceError:  # left care: the record says why there is no button
        return redirect(url_for("caseload.child_record", public_id=public_id))
    audit("create-personal-link", subject_type="child", subject_id=the_child.public_id)
    # Shown once, on this response only; it is stored as a hash.
    return render_template(
        "child/staff_link_created.html",
        child=the_child,
        link=link,
        url=url_for("child.open_link", token=token, _external=True),
    )


@bp.route("/children/<public_id>/personal-links/<link_id>/revoke", methods=["POST"])
@staff(*SUPPORTING_ROLES)
def revoke_link(public_id: str, link_id: str) -> Response:
    the_child = _staff_child(public_id)
    link = db.session.scalar(
        select(PersonalLink).where(
            PersonalLink.public_id == link_id, PersonalLink.child_id == the_child.id
        )
    )
    if link is None:
        abort(404)
    service.revoke_personal_link(db.session(), link)
    audit("revoke-personal-link", subject_type="child", subject_id=the_child.public_id)
    flash(_("The link no longer works."), "success")
    return redirect(url_for("caseload.child_record", public_id=public_id))


@dataclass
class SpacePanel:
    """What a child's record shows about their own space."""

    can_support: bool
    space: ChildSpace
    links: list[PersonalLink]
    age_band_form: AgeBandForm
    language_form: SpaceLanguageForm


def space_panel(the_child: Child) -> SpacePanel:
    db_session = db.session()
    space = service.space_for(db_session, the_child)
    form = AgeBandForm(formdata=None, band=space.age_band_override or "")
    language = space.language if space.language in current_app.config["LANGUAGES"] else ""
    return SpacePanel(
        can_support=g.principal.role in SUPPORTING_ROLES,
        space=space,
        links=service.live_links(db_session, the_child),
        age_band_form=form,
        language_form=SpaceLanguageForm(
            current_app.config["LANGUAGES"], formdata=None, language=language
        ),
    )


@bp.app_context_processor
def _child_page_context() -> dict[str, object]:
    principal = g.get("principal")
    if principal is None or principal.kind != "child":
        return {}
    return {
        "space": principal.space,
        "idle_lock_seconds": int(current_app.config["CHILD_IDLE_LOCK"].total_seconds()),
    }


# --- Getting into the child's space ----------------------------------------------------------


@bp.route("/link/<token>")
@public
@limiter.limit("20 per hour")
def open_link(token: str) -> tuple[str, int] | Response:
    device = request.cookies.get(DEVICE_COOKIE) or secrets.token_urlsafe(24)
    try:
        opened = service.open_personal_link(db.session(), token, device)
    except service.SpaceError as error:
        # Nothing is kept from a refused opening (and SQLite would keep the audit record's
        # own connection waiting on a write left open here).
        db.session.rollback()
        audit("open-personal-link", outcome="refused", detail=error.code)
        return render_template("child/link_problem.html", problem=error.code), 404
    opened_child = opened.auth_session.child
    audit(
        "open-personal-link",
        subject_type="child",
        subject_id=opened_child.public_id if opened_child else None,
    )
    session.clear()
    session[CHILD_TOKEN_KEY] = opened.token
    response = redirect(url_for("child.unlock"))
    keep_on_device(response, DEVICE_COOKIE, device, days=400)
    return response


def _session_key() -> str:
    # A whole children's home shares one address, so taps are counted per child session; the
    # space itself locks after a few wrong codes whatever the address.
    row = g.get("locked_child_session")
    return f"child-session:{row.id}" if row is not None else request.remote_addr or "unknown"


@dataclass(frozen=True)
class _Tapped:
    """A code page's taps after this request: the dots to fill, and the code's check once its
    last picture was tapped (None before)."""

    progress: list[str]
    result: service.CodeResult | None = None


def _tap(key: str, space: ChildSpace, *, may_tap: bool = True) -> _Tapped:
    """This request's tap on a code page (a picture, or "start again"), counted in the session
    under `key`, one page at a time (the pictures are buttons: no script needed). Once the whole
    code is tapped it is checked (a wrong one counts towards the space's rest) and the count
    starts again."""
    progress = [p for p in session.get(key, []) if p in PICTURES]
    if request.method == "POST":
        if request.form.get("again"):
            progress = []
        elif request.form.get("pick") in PICTURES and may_tap:
            progress = [*progress, request.form["pick"]][: space.picture_code_length]
    if len(progress) < space.picture_code_length:
        if request.method == "POST":
            session[key] = progress
        # Only a whole code is a try: counting each tap, a child who took many breaks was told
        # "Too many tries" with the right pictures (QA).
        not_a_try()
        return _Tapped(progress)
    session.pop(key, None)
    return _Tapped([], service.check_picture_code(db.session(), space, progress))


@bp.route("/me/unlock", methods=["GET", "POST"])
@child_session
@attempts_limit("PICTURE_CODE_ATTEMPTS", key_func=_session_key)
def unlock() -> str | Response:
    row = g.get("locked_child_session")
    if row is None:  # already open
        return redirect(url_for("child.my_page"))
    db_session = db.session()
    space = service.space_for(db_session, row.child)
    tapped = _tap(PROGRESS_KEY, space, may_tap=space.locked_at is None)
    message = None
    if tapped.result is not None:
        if tapped.result == service.CodeResult.RIGHT:
            resume = service.unlock_session(db_session, row)
            # As the child (the space was locked: nobody was signed in), with who set the code
            # it was opened with: whoever sets a code can open the space with it.
            setter = space.picture_code_set_by
            audit(
                "unlock-space",
                subject_type="child",
                subject_id=row.child.public_id,
                actor=Actor("child", row.child.public_id, "child"),
                detail=(
                    "code chosen by the child"
                    if space.picture_code_own_at
                    else f"code set by {setter.public_id}"
                    if setter
                    else ""
                ),
            )
            target = safe_next(request.args.get("next")) or safe_next(resume)
            return redirect(target or url_for("child.my_page"))
        audit(
            "unlock-space",
            subject_type="child",
            subject_id=row.child.public_id,
            outcome="refused",
            detail=tapped.result.value,
        )
        message = "locked" if tapped.result == service.CodeResult.LOCKED else "wrong"
    return render_template(
        "child/unlock.html",
        child=row.child,
        space=space,
        progress=tapped.progress,
        pictures=PICTURES,
        picture_files=PICTURE_FILES,
        message=message or ("locked" if space.locked_at else None),
        tries_left=service.MAX_WRONG_CODES - space.failed_attempts,
        unlocking=True,
    )


@bp.route("/me/lock", methods=["POST"])
@child_session
def lock() -> Response:
    row = g.principal.auth_session if g.principal.kind == "child" else g.locked_child_session
    service.lock_session(db.session(), row, safe_next(request.form.get("resume")))
    # Said on the picture page: it came with no word of a break, as if something went wrong (QA).
    flash(
        _(
            "You are on a break. Everything you did is kept. When you are ready, tap your "
            "pictures to come back."
        ),
        "success",
    )
    return redirect(url_for("child.unlock"))


@bp.route("/me/still-here", methods=["POST"])
@child
def still_here() -> tuple[str, int]:
    # The request itself is what counts: it marks the session as in use.
    return "", 204


@bp.route("/me/give-back", methods=["POST"])
@child_session
def give_back() -> Response:
    row = g.principal.auth_session if g.principal.kind == "child" else g.locked_child_session
    name = row.child.preferred_name
    service.end_child_session(db.session(), row, "given-back")
    audit("give-back", subject_type="child", subject_id=row.child.public_id)
    adult_language = str(session.get(ADULT_LANGUAGE_KEY, ""))
    session.clear()
    # "kept": words too long to save are held for the child's next sitting (child/held.py).
    # Said in the child's language; the sign-in page that follows is in the adult's.
    if row.personal_link_id is not None:
        # Their own phone, opened with their link: nobody to give it back to.
        flash(
            _(
                "Thank you, %(name)s. Everything you did is kept. To come back, open your link "
                "again.",
                name=name,
            ),
            "success",
        )
    else:
        flash(_("Thank you, %(name)s. Everything you did is kept.", name=name), "success")
    response = redirect(url_for("accounts.sign_in"))
    if adult_language in current_app.config["LANGUAGES"]:
        remember_language(response, adult_language)
    # A shared tablet: nothing of the child's stays in the browser. Not "cookies": the session
    # cookie is emptied above, and the thank-you travels in it.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


# --- My page ------------------------------------------------------------------------------


@bp.route("/me")
@child
def my_page() -> str:
    principal = g.principal
    today = clock.today()
    session = db.session()
    load_reviews(session, principal.child)
    cards = read_cards(session, principal.child, principal.space)
    return render_template(
        "child/my_page.html",
        child=principal.child,
        band=service.age_band(principal.child, principal.space, today),
        next_review=next_review(principal.child),
        countdown=meeting_countdown(principal.child, today),
        today=today,
        cards=cards,
        code_change=service.code_change_to_tell(principal.space, utcnow()),
        # Who is new is read only when someone is: My page keeps its few queries.
        new_people=service.new_people(session, principal.child, principal.space)
        if cards.new_people
        else [],
    )


@bp.route("/me/new-people/seen", methods=["POST"])
@child
def people_seen() -> Response:
    service.people_told(db.session(), g.principal.space)
    return redirect(url_for("child.my_page"))


# --- My picture code: the child chooses new pictures on their own ---------------------------

OWN_CODE_PROGRESS = "own_code_progress"
# When the child last tapped their code on that page (seconds since the epoch), and which code
# it was (service.code_stamp): new pictures are taken for a while after it, for that code only
# (not after an adult set another), and not from whoever finds the tablet open much later. Long
# enough to choose slowly: a tablet left alone locks sooner (CHILD_IDLE_LOCK).
OWN_CODE_CHECKED = "own_code_checked"
OWN_CODE_FRESH = timedelta(minutes=30)


def _own_code_key() -> str:
    return f"child-session:{g.principal.auth_session.id}"


def _own_code_checked(space: ChildSpace) -> bool:
    checked = session.get(OWN_CODE_CHECKED)
    if not isinstance(checked, dict) or checked.get("code") != service.code_stamp(space):
        return False
    at = checked.get("at")
    return isinstance(at, int | float) and time.time() - at < OWN_CODE_FRESH.total_seconds()


@bp.route("/me/picture-code", methods=["GET", "POST"])
@child
@attempts_limit("PICTURE_CODE_ATTEMPTS", key_func=_own_code_key)
def own_picture_code() -> str | Response | tuple[str, int]:
    """An adult who set the code can open the space with it, so the child may choose new
    pictures that only they know: first their code as it is now (as on the unlock page: a
    wrong one counts towards the space's rest), then the new pictures."""
    principal = g.principal
    space = principal.space
    db_session = db.session()
    # Opened from "How my pages look" or from My page: "Back" and the end go where they were.
    came_from = "display" if request.args.get("from") == "display" else None
    back = url_for("child.display") if came_from else url_for("child.my_page")
    if _own_code_checked(space):
        not_a_try()  # choosing new pictures, the code already checked: nothing to guess
        form = PictureCodeForm()
        step = "new"
        if form.validate_on_submit():
            try:
                service.validate_sequence(form.sequence())
            except service.SpaceError:
                form.first.errors = [_("Choose three or four pictures.")]
            else:
                # A mis-tap among the pictures would lock the child out until an adult set a
                # code they know: the child sees the new pictures in order before they count.
                step = "confirm" if request.form.get("confirm") != "change" else "new"
                if request.form.get("confirm") == "yes":
                    service.choose_own_picture_code(db_session, space, form.sequence())
                    session.pop(OWN_CODE_CHECKED, None)
                    audit(
                        "choose-own-picture-code",
                        subject_type="child",
                        subject_id=principal.child.public_id,
                    )
                    flash(_("Your new picture code is saved. Only you know it now."), "success")
                    return redirect(back)
        status = 400 if form.errors else 200
        return render_template(
            "child/own_picture_code.html",
            form=form,
            pictures=PICTURES,
            picture_files=PICTURE_FILES,
            step=step,
            back=back,
        ), status
    message = None
    if request.method == "POST" and "first" in request.form:
        message = "again"  # new pictures sent after OWN_CODE_FRESH: their code first, again
    tapped = _tap(OWN_CODE_PROGRESS, space)
    if tapped.result == service.CodeResult.RIGHT:
        session[OWN_CODE_CHECKED] = {"at": int(time.time()), "code": service.code_stamp(space)}
        return redirect(url_for("child.own_picture_code") + ("?from=display" if came_from else ""))
    if tapped.result is not None:
        audit(
            "choose-own-picture-code",
            subject_type="child",
            subject_id=principal.child.public_id,
            outcome="refused",
            detail=tapped.result.value,
        )
        if tapped.result == service.CodeResult.LOCKED:
            # Too many wrong codes: whoever is tapping may not be the child. The space rests
            # now, not at its next unlock; a keyworker opens it again.
            service.lock_session(db_session, principal.auth_session, None)
            return redirect(url_for("child.unlock"))
        message = "wrong"
    return render_template(
        "child/own_picture_code.html",
        space=space,
        progress=tapped.progress,
        pictures=PICTURES,
        picture_files=PICTURE_FILES,
        message=message,
        tries_left=service.MAX_WRONG_CODES - space.failed_attempts,
        step="check",
        back=back,
    )


@bp.route("/me/how-it-looks", methods=["GET", "POST"])
@child
@rerender_on_timeout
def display() -> str | Response | tuple[str, int]:
    space = g.principal.space
    form = DisplayForm(obj=space)
    if form.validate_on_submit():
        service.save_display(
            db.session(), space, **{name: form[name].data for name in service.DISPLAY_FIELDS}
        )
        flash(_("Saved. Your pages look like this now."), "success")
        return redirect(url_for("child.display"))
    return render_template("child/display.html", form=form), 400 if form.errors else 200
