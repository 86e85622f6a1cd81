"""Pages for everyone: the front door, the accessibility statement, the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..accounts.routes import safe_next
from ..db import db
from ..i18n import remember_language
from ..models import Role
from ..security.access import public
from ..security.principal import ChildPrincipal, StaffPrincipal
from . import accessibility as statement

bp = Blueprint("pages", __name__)

LANDING = {
    Role.KEYWORKER: "caseload.my_children",
    Role.SOCIAL_WORKER: "caseload.my_children",
    Role.IRO: "caseload.my_children",
    Role.MANAGER: "caseload.council",
    Role.ADMIN: "admin.overview",
}


@bp.route("/")
@public
def home() -> Response:
    principal = g.principal
    if isinstance(principal, StaffPrincipal):
        return redirect(url_for(LANDING[principal.role]))
    if isinstance(principal, ChildPrincipal) and "child.my_page" in current_app.view_functions:
        return redirect(url_for("child.my_page"))
    return redirect(url_for("accounts.sign_in"))


@bp.route("/accessibility")
@public
def accessibility() -> str:
    return render_template(
        "pages/accessibility.html",
        statement_date=statement.STATEMENT_DATE,
        known_issues=statement.KNOWN_ISSUES,
        crawls=statement.CRAWLS,
        axe_version=statement.AXE_CORE_VERSION,
        viewports=statement.VIEWPORTS,
    )


@bp.route("/language", methods=["POST"])
@public
def choose_language() -> Response:
    code = request.form.get("language", "")
    target = safe_next(request.form.get("next")) or url_for("pages.home")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        # A choice made while signed in is kept with the person (a child's space or a staff
        # account), so it follows them to another tablet; the cookie covers the sign-in page.
        principal = g.principal
        if isinstance(principal, ChildPrincipal):
            principal.space.language = code
            db.session.commit()
        elif isinstance(principal, StaffPrincipal):
            principal.staff.language = code
            db.session.commit()
        remember_language(response, code)
    return response


@bp.route("/healthz")
@public
def healthz() -> tuple[str, int, dict[str, str]]:
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
