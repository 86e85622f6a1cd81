"""Connects Flask-Login and the child session cookie to the server-side sessions.

Flask-Login's user id is the server session token itself, so ending the row on the server ends the
session in the browser at its next request.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import UserMixin, current_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..child.session import CHILD_TOKEN_KEY, load_child_principal
from ..db import db
from ..extensions import login_manager
from ..models import AuthSession, SessionKind, StaffMember, utcnow
from ..security.principal import (
    Anonymous,
    StaffPrincipal,
    live_session,
    record_session_end,
    seconds_left,
)
from . import second_factor

# Every staff page reads the staff member: one query with the session rather than two.
STAFF_LOADS = (joinedload(AuthSession.staff),)


class StaffUser(UserMixin):
    """What Flask-Login holds for a signed-in staff member."""

    def __init__(self, staff: StaffMember, auth_session: AuthSession, token: str) -> None:
        self.staff = staff
        self.auth_session = auth_session
        self._token = token

    def get_id(self) -> str:
        return self._token

    @property
    def is_active(self) -> bool:
        return self.staff.active


@login_manager.user_loader
def _load_staff(token: str) -> StaffUser | None:
    config = current_app.config
    row = live_session(
        db.session(),
        token,
        SessionKind.STAFF,
        utcnow(),
        config["STAFF_IDLE_TIMEOUT"],
        config["STAFF_ABSOLUTE_TIMEOUT"],
        load=STAFF_LOADS,
    )
    if row is None or row.staff is None:
        return None
    if second_factor.pending_too_long(db.session(), row.staff, row, utcnow()):
        # Password given but no second factor for a while: start again from the password.
        row.ended_at = utcnow()
        row.end_reason = "second-factor-timeout"
        db.session.commit()
        record_session_end(db.session(), row, "second-factor-timeout")
        return None
    return StaffUser(row.staff, row, token)


def load_principal() -> None:
    """Work out who is asking, once per request."""
    g.principal = Anonymous()
    if request.endpoint == "static":
        # The app's own CSS, JS and icons are the same for everyone: no session work for them.
        return
    if current_user.is_authenticated:
        staff = StaffPrincipal(current_user.staff, current_user.auth_session)
        if second_factor.needs_second_factor(db.session(), staff.staff, staff.auth_session):
            # Password right, second factor still to come: to every page but the second-factor
            # pages this browser is nobody (see accounts/pending.py).
            g.pending_staff = staff
            return
        g.principal = staff
        return
    if session.get(CHILD_TOKEN_KEY):
        # A child's space on this device: see participation/child/session.py.
        load_child_principal()


# What someone signed in with an administrator's temporary password may do before choosing
# their own: choose it, sign out, keep the session alive while typing, and change language.
TEMPORARY_PASSWORD_MAY = frozenset(
    {
        "accounts.change_password",
        "accounts.sign_out",
        "accounts.still_here",
        "pages.choose_language",
    }
)


def temporary_password_gate() -> Response | None:
    """A password an administrator gave is known to two people: until its holder chooses their
    own, every page leads to "Change your password" (a post elsewhere is refused)."""
    principal = g.get("principal")
    if not isinstance(principal, StaffPrincipal) or not principal.staff.password_temporary:
        return None
    if request.endpoint in TEMPORARY_PASSWORD_MAY or request.endpoint == "static":
        return None
    if request.method not in ("GET", "HEAD"):
        abort(403)
    return redirect(url_for("accounts.change_password"))


def staff_session_left() -> tuple[int, int]:
    """For staff.js's timeout warning: seconds until this staff session ends if left idle, and
    at the latest. Counted from the session's own clock, which is written at most once a minute
    (TOUCH_EVERY), so the page does not promise time the server will not give."""
    principal = g.principal
    config = current_app.config
    return seconds_left(
        principal.auth_session,
        utcnow(),
        config["STAFF_IDLE_TIMEOUT"],
        config["STAFF_ABSOLUTE_TIMEOUT"],
    )


def init_login(app: Flask) -> None:
    app.jinja_env.globals["staff_session_left"] = staff_session_left
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.login_view = "accounts.sign_in"
    app.before_request(load_principal)
    app.before_request(temporary_password_gate)
