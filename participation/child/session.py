"""Loading a child's session for a request, and locking it when the tablet has been left idle."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, request, session
from sqlalchemy.orm import joinedload

from ..db import db
from ..models import AgeBand, AuthSession, SessionKind, utcnow
from ..security.principal import ChildPrincipal, live_session
from . import service

CHILD_TOKEN_KEY = "child_token"  # noqa: S105 - a session key name, not a secret
# Every child page reads the child and their space (display choices, language): one query with
# the session rather than three.
CHILD_LOADS = (joinedload(AuthSession.child), joinedload(AuthSession.child_space))


def load_child_principal() -> None:
    """Set g.principal to the child when their space is unlocked; else note the locked session."""
    config = current_app.config
    db_session = db.session()
    now = utcnow()
    row = live_session(
        db_session,
        session[CHILD_TOKEN_KEY],
        SessionKind.CHILD,
        now,
        config["CHILD_SESSION_IDLE_TIMEOUT"],
        config["CHILD_SESSION_ABSOLUTE_TIMEOUT"],
        touch=False,
        load=CHILD_LOADS,
    )
    if row is None or row.child is None:
        session.pop(CHILD_TOKEN_KEY, None)
        return
    idle_for = now - row.last_seen_at
    if row.unlocked_at is not None and idle_for > config["CHILD_IDLE_LOCK"]:
        # Left alone too long on a shared tablet: lock, and come back here after the code.
        service.lock_session(
            db_session, row, request.full_path if request.method == "GET" else None
        )
    if row.unlocked_at is None:
        g.locked_child_session = row
        return
    if idle_for.total_seconds() > 30:
        row.last_seen_at = now
        db_session.commit()
    space = row.child_space or service.space_for(db_session, row.child)
    g.principal = ChildPrincipal(row.child, row, space)


def child_band() -> AgeBand:
    """The wording band of the child signed in on this device, today (see service.age_band)."""
    principal: ChildPrincipal = g.principal
    return service.age_band(principal.child, principal.space, date.today())
