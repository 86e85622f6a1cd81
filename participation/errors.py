"""Error pages in the app's own style. No stack trace ever reaches the browser.

A form posted with a missing or expired CSRF token is shown again with the answers kept: the
view is dispatched once more with the token marked bad, so its form fails validation (nothing is
written) and re-renders what was typed with a "this page timed out" message.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .audit.service import record
from .child import held
from .child.session import CLOSED_LEFT_CARE_KEY
from .db import db

log = logging.getLogger(__name__)

PAGES = {
    400: "errors/400.html",
    401: "errors/401.html",
    404: "errors/404.html",
    405: "errors/405.html",
    413: "errors/413.html",
    429: "errors/429.html",
}
# In the child's own space (their header, read-aloud, their words), for what a child can meet.
CHILD_PAGES = {404: "errors/child/404.html", 500: "errors/child/500.html"}


def _page(code: int, usual: str) -> str:
    principal = g.get("principal")
    if principal is not None and principal.kind == "child":
        return CHILD_PAGES.get(code, usual)
    return usual


def _audit_denied(code: int) -> None:
    principal = g.get("principal")
    if principal is None or (principal.kind == "anonymous" and code == 404 and not g.get("denied")):
        return
    # A child's pages are /children/<id>/... (the admin's too): whose record someone was
    # refused is what an investigation searches for (QA: "About" was empty).
    rule = request.url_rule.rule if request.url_rule else ""
    args = request.view_args or {}
    child_id = args.get("public_id") or args.get("child_id") if "/children/<" in rule else None
    # Elsewhere, the id in the address (a photo's, a review's...): the record's search by a
    # child finds it among their things (audit/search.py), so a refused look at a child's photo
    # is tied to the child (QA: these were recorded with no id at all).
    other = next((str(v) for k, v in args.items() if k.endswith("id") and v), None)
    record(
        current_app.extensions["database"].engine,
        principal.actor,
        "access-denied",
        subject_type="child" if child_id else "url",
        subject_id=str(child_id or other)[:32] if (child_id or other) else None,
        outcome=str(code),
        remote_addr=request.remote_addr,
        detail=f"{request.method} {request.url_rule.rule if request.url_rule else request.path}",
    )


def _let_go_of_held_answers() -> None:
    """A page of the child's that is not there any more (a thing deleted on another tablet, a
    topic the keyworker took away) lets go of what was held for it: each new sitting starts on
    the newest held page (child/held.py), and would otherwise start on "We can't find that"."""
    principal = g.get("principal")
    if principal is None or principal.kind != "child" or request.method != "GET":
        return
    session = db.session()
    try:
        held.let_go(session, child_id=principal.child.id, path=request.path)
    except SQLAlchemyError:
        session.rollback()
        log.exception("Could not let go of held answers for %s", request.path)


# A form's own fields, never anyone's words.
_NOT_WORDS = frozenset({"csrf_token", "version", "revision", "next", "loaded", "go"})
# Never shown back, whatever they hold: a passphrase has spaces too.
_SECRET_PARTS = ("password", "passphrase", "secret", "code", "token")


def typed_words() -> list[str]:
    """The words a form sent that could not be saved (a session that ended while it was open):
    the page shows them to copy, since going back reloads the form empty once signed out (QA:
    a note lost). Only values with a space or a line in them: words, not choices or ids."""
    if request.method != "POST":
        return []
    return [
        value.strip()
        for name, value in request.form.items(multi=True)
        if name not in _NOT_WORDS
        and not any(part in name.lower() for part in _SECRET_PARTS)
        and any(space in value.strip() for space in (" ", "\n"))
    ]


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> ResponseReturnValue:
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "rerender_on_timeout", False):
            g.csrf_timed_out = True
            # The view is ours and synchronous; this re-runs it with the token marked bad. It may
            # still refuse (a 404 for a record that is not yours): answer that as usual.
            try:
                return app.ensure_sync(view)(**(request.view_args or {}))
            except HTTPException as refused:
                return _http(refused)
        return render_template("errors/timeout.html"), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        if code in (401, 404):
            _audit_denied(code)
        if code == 404:
            _let_go_of_held_answers()
        template = PAGES.get(code)
        if code == 404 and g.get("denied") == "not-child":
            # A child's page, with no child's space open: closed for good if they left care.
            left_care = bool(session.get(CLOSED_LEFT_CARE_KEY))
            page = render_template("errors/space_closed.html", left_care=left_care)
            return page, code
        if template is None:
            return render_template(
                "errors/generic.html", code=code, message=gettext("Something went wrong.")
            ), code
        typed = typed_words() if code == 401 else []
        return render_template(_page(code, template), typed=typed), code

    @app.errorhandler(Exception)
    def _crash(error: Exception) -> tuple[str, int]:
        log.exception("Unhandled error on %s %s", request.method, request.path)
        # A failed statement leaves the session unusable until rolled back, and the error page
        # itself reads from it (the page's language): without this it fell to werkzeug's bare
        # English "Internal Server Error" (QA: two "new staff" sent at once).
        db.session.rollback()
        try:
            return render_template(_page(500, "errors/500.html")), 500
        except Exception:
            # The child's layout reads their space; after some crashes the database session
            # cannot. The plain page needs nothing from it.
            log.exception("The child's error page failed too")
            return render_template("errors/500.html"), 500
