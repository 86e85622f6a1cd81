"""Staff sign-in and sign-out."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from ..audit.web import audit
from ..db import db
from ..extensions import limiter
from ..forms import rerender_on_timeout
from ..security.access import public, staff
from ..security.principal import StaffPrincipal
from . import service
from .forms import SignInForm
from .login import StaffUser

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an absolute URL or a "//host" one."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@rerender_on_timeout
@limiter.limit(lambda: current_app.config["SIGN_IN_ATTEMPTS"], methods=["POST"])
def sign_in() -> str | Response:
    if isinstance(g.principal, StaffPrincipal):
        return redirect(url_for("pages.home"))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("accounts/sign_in.html", form=form)
    try:
        signed_in = service.sign_in(db.session(), form.email.data or "", form.password.data or "")
    except service.SignInFailed as failed:
        audit(
            "sign-in",
            subject_type="staff" if failed.staff else None,
            subject_id=failed.staff.public_id if failed.staff else None,
            outcome="refused",
            detail=failed.reason,
        )
        # One message whatever the reason, so it never tells whether an account exists.
        form.password.errors = [
            _(
                "The email address or password is not right, or the account is locked for a "
                "while. Check them and try again."
            )
        ]
        return render_template("accounts/sign_in.html", form=form)
    # A fresh cookie at every sign-in: nothing from before survives into the new session.
    cookie_session.clear()
    login_user(StaffUser(signed_in.staff, signed_in.auth_session, signed_in.token))
    principal = StaffPrincipal(signed_in.staff, signed_in.auth_session)
    audit(
        "sign-in", subject_type="staff", subject_id=signed_in.staff.public_id, actor=principal.actor
    )
    return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))


@bp.route("/sign-out", methods=["POST"])
@staff()
def sign_out() -> Response:
    principal = g.principal
    service.sign_out(db.session(), principal.auth_session)
    audit("sign-out")
    logout_user()
    cookie_session.clear()
    # The flash cookie would be cleared with the rest, so the notice travels in the address.
    response = redirect(url_for("accounts.sign_in") + "?signed-out=1")
    # Shared tablets: leave nothing of this person's in the browser.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
