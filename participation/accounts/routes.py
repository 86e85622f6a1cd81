"""Staff sign-in (password, then the second factor), sign-out, and the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

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
from flask import session as cookie_session
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from ..audit.web import audit
from ..db import db
from ..forms import rerender_on_timeout
from ..models import utcnow
from ..security.access import public, staff
from ..security.principal import StaffPrincipal
from ..security.throttle import address_and_account, attempts_limit
from . import second_factor, service
from .forms import (
    ChangePasswordForm,
    KnownAsForm,
    LanguageForm,
    RecoveryCodeForm,
    SecurityCodeForm,
    SignInForm,
)
from .login import StaffUser
from .pending import is_pending, signing_in_staff, staff_signing_in

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an absolute URL or a "//host" one.

    Browsers and werkzeug drop tabs and newlines from a URL and read "\\" as "/", so
    "/\t/evil.example" would leave as "//evil.example": a link with any of them is refused, and
    what is left must have no scheme and no host once parsed."""
    if not target or not target.startswith("/") or "\\" in target:
        return None
    if any(ord(character) <= 0x20 or ord(character) == 0x7F for character in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


def _next() -> str | None:
    return safe_next(request.args.get("next"))


def _start_session(signed_in: service.SignedIn) -> None:
    """Put a (new) server session in this browser's cookie; nothing from before survives."""
    cookie_session.clear()
    login_user(StaffUser(signed_in.staff, signed_in.auth_session, signed_in.token))


def _audit_account(
    action: str, member: StaffPrincipal, *, outcome: str = "ok", detail: str = ""
) -> None:
    """An audit event about a staff member's own account, done by them (pending or not)."""
    audit(
        action,
        subject_type="staff",
        subject_id=member.staff.public_id,
        outcome=outcome,
        detail=detail,
        actor=member.actor,
    )


# --- Password --------------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@rerender_on_timeout
@attempts_limit("SIGN_IN_ADDRESS_ATTEMPTS")
@attempts_limit("SIGN_IN_ATTEMPTS", key_func=address_and_account)
def sign_in() -> str | Response:
    if isinstance(g.principal, StaffPrincipal):
        return redirect(url_for("pages.home"))
    if is_pending():
        return redirect(url_for("accounts.second_factor_code", next=_next()))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("accounts/sign_in.html", form=form)
    try:
        signed_in = service.sign_in(db.session(), form.email.data or "", form.password.data or "")
    except service.SignInFailed as failed:
        known = failed.staff.public_id if failed.staff else None
        kind = "staff" if failed.staff else None
        audit(
            "sign-in", subject_type=kind, subject_id=known, outcome="refused", detail=failed.reason
        )
        if failed.reason == "locked-now":
            audit(
                "lock-out",
                subject_type=kind,
                subject_id=known,
                outcome="refused",
                detail="password",
            )
        # One message whatever the reason, so it never tells whether an account exists.
        form.password.errors = [
            _(
                "The email address or password is not right, or the account is locked for a "
                "while. Check them and try again."
            )
        ]
        return render_template("accounts/sign_in.html", form=form)
    _start_session(signed_in)
    member = StaffPrincipal(signed_in.staff, signed_in.auth_session)
    session = db.session()
    pending = second_factor.needs_second_factor(session, member.staff, member.auth_session)
    _audit_account("sign-in", member, detail="second-factor-next" if pending else "")
    if not pending:
        return redirect(_next() or url_for("pages.home"))
    if not second_factor.is_enrolled(session, member.staff):
        # A new secret at every sign-in: a set-up code glimpsed earlier is worth nothing.
        second_factor.start_enrolment(session, member.staff)
        return redirect(url_for("accounts.set_up_second_factor", next=_next()))
    return redirect(url_for("accounts.second_factor_code", next=_next()))


@bp.route("/sign-out", methods=["POST"])
@staff_signing_in
def sign_out() -> Response:
    member = signing_in_staff()
    assert member is not None
    service.sign_out(db.session(), member.auth_session)
    _audit_account("sign-out", member)
    logout_user()
    cookie_session.clear()
    # The flash cookie would be cleared with the rest, so the notice travels in the address.
    response = redirect(url_for("accounts.sign_in") + "?signed-out=1")
    # Shared tablets: leave nothing of this person's in the browser.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


# --- Second factor ---------------------------------------------------------------------------


def _refusal_message(refused: second_factor.SecondFactorError, recovery: bool = False) -> str:
    if refused.reason in ("locked", "locked-now") and refused.locked_until is not None:
        return _(
            "There have been too many wrong codes, so codes are not accepted until %(time)s. "
            "Try again then, or ask an administrator for help.",
            time=format_datetime(refused.locked_until, "HH:mm"),
        )
    if refused.reason == "reused-code":
        return _("That code has been used already. Wait for your app to show a new one.")
    if recovery:
        return _("The recovery code is not right, or it has been used already.")
    return _("The security code is not right. Check your authenticator app and try again.")


def _audit_refusal(
    member: StaffPrincipal, method: str, refused: second_factor.SecondFactorError
) -> None:
    _audit_account("second-factor", member, outcome="refused", detail=f"{method}:{refused.reason}")
    if refused.reason == "locked-now":
        _audit_account("lock-out", member, outcome="refused", detail="second-factor")


def _finish_sign_in(member: StaffPrincipal, method: str) -> Response:
    """The second factor is given: a new session token, then on to where they were going."""
    _audit_account("second-factor", member, detail=method)
    _start_session(service.renew_session(db.session(), member.auth_session, "second-factor-given"))
    return redirect(_next() or url_for("pages.home"))


def _pending_enrolled() -> StaffPrincipal | Response:
    """The pending staff member who has an app to give a code from; otherwise where to go."""
    member = signing_in_staff()
    assert member is not None
    if not is_pending():
        return redirect(_next() or url_for("pages.home"))
    if not second_factor.is_enrolled(db.session(), member.staff):
        return redirect(url_for("accounts.set_up_second_factor", next=_next()))
    return member


@bp.route("/second-factor", methods=["GET", "POST"])
@staff_signing_in
@rerender_on_timeout
@attempts_limit("SECOND_FACTOR_ATTEMPTS")
def second_factor_code() -> str | Response:
    member = _pending_enrolled()
    if isinstance(member, Response):
        return member
    form = SecurityCodeForm()
    if form.validate_on_submit():
        try:
            second_factor.verify_code(
                db.session(), member.staff, member.auth_session, form.code.data or ""
            )
        except second_factor.SecondFactorError as refused:
            _audit_refusal(member, "security-code", refused)
            form.code.errors = [_refusal_message(refused)]
        else:
            return _finish_sign_in(member, "security-code")
    return render_template("accounts/second_factor.html", form=form, next=_next())


@bp.route("/second-factor/recovery-code", methods=["GET", "POST"])
@staff_signing_in
@rerender_on_timeout
@attempts_limit("SECOND_FACTOR_ATTEMPTS")
def second_factor_recovery() -> str | Response:
    member = _pending_enrolled()
    if isinstance(member, Response):
        return member
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        try:
            left = second_factor.use_recovery_code(
                db.session(), member.staff, member.auth_session, form.code.data or ""
            )
        except second_factor.SecondFactorError as refused:
            _audit_refusal(member, "recovery-code", refused)
            form.code.errors = [_refusal_message(refused, recovery=True)]
        else:
            _audit_account("recovery-code-used", member)
            response = _finish_sign_in(member, "recovery-code")
            flash(
                _(
                    "You signed in with a recovery code. You have %(left)d left: set up your "
                    "authenticator app again or make new codes on your account page.",
                    left=left,
                ),
                "success",
            )
            return response
    return render_template("accounts/recovery_code.html", form=form, next=_next())


@bp.route("/second-factor/set-up", methods=["GET", "POST"])
@staff_signing_in
@rerender_on_timeout
def set_up_second_factor() -> str | Response:
    member = signing_in_staff()
    assert member is not None
    session = db.session()
    if is_pending() and second_factor.is_enrolled(session, member.staff):
        # Never on the password alone: replacing an app needs a code from the old one first.
        return redirect(url_for("accounts.second_factor_code", next=_next()))
    secret = second_factor.pending_secret(session, member.staff)
    form = SecurityCodeForm()
    if secret is not None and form.validate_on_submit():
        try:
            codes = second_factor.confirm_enrolment(
                session, member.staff, member.auth_session, form.code.data or ""
            )
        except second_factor.SecondFactorError as refused:
            _audit_refusal(member, "set-up", refused)
            form.code.errors = [_refusal_message(refused)]
        else:
            _audit_account("second-factor-set-up", member)
            _start_session(
                service.renew_session(session, member.auth_session, "second-factor-set-up")
            )
            return render_template(
                "accounts/recovery_codes.html", codes=codes, next=_next() or url_for("pages.home")
            )
    qr = None
    if secret is not None:
        uri = second_factor.provisioning_uri(
            member.staff, secret, current_app.config["SERVICE_NAME"]
        )
        qr = second_factor.qr_svg(uri, _("QR code for your authenticator app to scan"))
    return render_template(
        "accounts/set_up_second_factor.html",
        form=form,
        qr=qr,
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)] if secret else [],
        required=second_factor.required_for(member.staff),
        pending=is_pending(),
        next=_next(),
    )


@bp.route("/second-factor/start", methods=["POST"])
@staff_signing_in
def start_second_factor() -> Response:
    member = signing_in_staff()
    assert member is not None
    session = db.session()
    if is_pending() and second_factor.is_enrolled(session, member.staff):
        return redirect(url_for("accounts.second_factor_code", next=_next()))
    second_factor.start_enrolment(session, member.staff)
    _audit_account("second-factor-set-up-started", member)
    return redirect(url_for("accounts.set_up_second_factor", next=_next()))


# --- Account ---------------------------------------------------------------------------------


def _account_page(
    language_form: LanguageForm | None = None, known_as_form: KnownAsForm | None = None
) -> str:
    member: StaffPrincipal = g.principal
    session = db.session()
    config = current_app.config
    factor = second_factor.factor_for(session, member.staff)
    if language_form is None:
        language_form = LanguageForm(config["LANGUAGES"], language=member.staff.language or "")
    if known_as_form is None:
        known_as_form = KnownAsForm(known_as=member.staff.known_as or "")
    sessions = service.live_sessions(
        session,
        member.staff,
        utcnow(),
        config["STAFF_IDLE_TIMEOUT"],
        config["STAFF_ABSOLUTE_TIMEOUT"],
    )
    return render_template(
        "accounts/account.html",
        form=language_form,
        known_as_form=known_as_form,
        staff=member.staff,
        factor=factor if factor is not None and factor.enrolled else None,
        required=second_factor.required_for(member.staff),
        codes_left=second_factor.recovery_codes_left(session, member.staff),
        sessions=[(row, service.session_handle(row)) for row in sessions],
        current=member.auth_session,
    )


@bp.route("/account")
@staff()
def account() -> str:
    return _account_page()


@bp.route("/account/language", methods=["POST"])
@staff()
@rerender_on_timeout
def account_language() -> str | Response:
    form = LanguageForm(current_app.config["LANGUAGES"])
    if not form.validate_on_submit():
        return _account_page(form)
    service.set_language(db.session(), g.principal.staff, form.language.data or None)
    flash(_("Your language is saved."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/still-here", methods=["POST"])
@staff()
def still_here() -> Response:
    # Sent by staff.js while someone types, and by "Stay signed in".
    service.mark_in_use(db.session(), g.principal.auth_session, utcnow())
    return Response(status=204)


@bp.route("/account/known-as", methods=["POST"])
@staff()
@rerender_on_timeout
def account_known_as() -> str | Response:
    form = KnownAsForm()
    if not form.validate_on_submit():
        return _account_page(known_as_form=form)
    service.set_known_as(db.session(), g.principal.staff, form.known_as.data or "")
    if g.principal.staff.known_as:
        flash(_("Saved. Children see the name you gave."), "success")
    else:  # left empty: the name they see is the full one (QA: "the name you gave")
        flash(_("Saved. Children see your full name."), "success")
    return redirect(url_for("accounts.account", _anchor="known-as"))


# Why a new password was refused (accounts.service.PasswordRefused), to the person choosing it.
NEW_PASSWORD_RULES = {
    "too-short": _l("The new password must be at least 12 characters long"),
    "too-long": _l("The new password must be at most 1024 characters long"),
    "too-simple": _l(
        "That password is one of the first anyone would try (a common word, a run like 1234, or "
        "one thing repeated): choose another"
    ),
    "like-email": _l("The password must not be your email address, or contain it"),
    "same-as-before": _l("The new password must be different from the one you have now"),
}


@bp.route("/account/password", methods=["GET", "POST"])
@staff()
@rerender_on_timeout
def change_password() -> str | Response:
    member: StaffPrincipal = g.principal
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            renewed = service.change_own_password(
                db.session(),
                member.staff,
                member.auth_session,
                form.current_password.data or "",
                form.new_password.data or "",
            )
        except service.AccountError as error:
            if error.field == "current_password":
                _audit_account("password-change", member, outcome="refused", detail=error.message)
                if error.message == "locked-now":
                    _audit_account("lock-out", member, outcome="refused", detail="password")
                    logout_user()
                    cookie_session.clear()
                    return redirect(url_for("accounts.sign_in"))
                form.current_password.errors = [
                    _("Your current password is not right, or the account is locked for a while.")
                ]
            else:
                code = error.code if isinstance(error, service.PasswordRefused) else "too-short"
                form.new_password.errors = [str(NEW_PASSWORD_RULES[code])]
        else:
            _audit_account("password-change", member)
            _start_session(renewed)
            flash(
                _("Your password is changed. Every other session of yours has been ended."),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/sessions/end", methods=["POST"])
@staff()
def end_session() -> Response:
    member: StaffPrincipal = g.principal
    session = db.session()
    handle = request.form.get("handle", "")
    if handle == "others":
        ended = service.end_other_sessions(
            session, member.staff, member.auth_session, reason="ended-by-owner"
        )
        session.commit()
        _audit_account("sessions-ended", member, detail=f"others:{ended}")
        flash(_("Every other session of yours has been ended."), "success")
        return redirect(url_for("accounts.account"))
    if handle == service.session_handle(member.auth_session):
        # Ending this very session is signing out, which has its own button.
        abort(400)
    if service.end_own_session(session, member.staff, handle) is None:
        g.denied = "session"
        abort(404)
    _audit_account("sessions-ended", member, detail="one")
    flash(_("That session has been ended."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/recovery-codes", methods=["POST"])
@staff()
def new_recovery_codes() -> str | Response:
    member: StaffPrincipal = g.principal
    try:
        codes = second_factor.new_recovery_codes(db.session(), member.staff)
    except second_factor.SecondFactorError:
        return redirect(url_for("accounts.account"))
    _audit_account("recovery-codes-made", member)
    return render_template(
        "accounts/recovery_codes.html", codes=codes, next=url_for("accounts.account")
    )
