"""Loading a child's session for a request, locking it when the tablet has been left idle, and
holding a page's answers that a save as the child went could not keep (held.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import current_app, g, request, session
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from .. import clock
from ..db import db
from ..models import AgeBand, AuthSession, SessionKind, utcnow
from ..security.access import here
from ..security.principal import ChildPrincipal, end_reason, live_session
from . import held, service

CHILD_TOKEN_KEY = "child_token"  # noqa: S105 - a session key name, not a secret
# This device's space was closed because the child left care (until another space opens here).
CLOSED_LEFT_CARE_KEY = "closed_left_care"
# The language of the adult who handed the tablet over: theirs again once it is given back (QA:
# a keyworker who reads no Arabic came back to a sign-in page and dashboard in Arabic).
ADULT_LANGUAGE_KEY = "adult_language"
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
        token = session.pop(CHILD_TOKEN_KEY, None)
        if end_reason(db_session, token, SessionKind.CHILD) == "left-care":
            # Closed for good: the closed page must not say an adult can open it again (QA).
            session[CLOSED_LEFT_CARE_KEY] = True
        return
    idle_for = now - row.last_seen_at
    if row.unlocked_at is not None and idle_for > config["CHILD_IDLE_LOCK"]:
        # Left alone too long on a shared tablet: lock, and come back here after the code.
        service.lock_session(db_session, row, here() if request.method == "GET" else None)
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
    return service.age_band(principal.child, principal.space, clock.today())


def hold_this_page(form: FlaskForm, instead: Mapping[str, Sequence[str]] | None = None) -> None:
    """A save was refused (words too long for a box): hold what this page sent, so a lock, a
    break or giving the tablet back before they fix it loses nothing; with the values
    `instead` of those sent for some names (the photos held for the page now). Not when the
    page's token had run out: holding is writing, and only a page of this sitting may write."""
    if g.get("csrf_timed_out") or (form.meta.csrf and form.csrf_token.errors):
        return
    replaced = instead or {}
    answers = [(k, v) for k, v in request.form.items(multi=True) if k not in replaced]
    answers += [(name, value) for name, values in replaced.items() for value in values]
    held.hold(db.session(), child_id=g.principal.child.id, path=request.path, answers=answers)


def held_here() -> MultiDict[str, str] | None:
    """What is held for this page of the child's, as form data to build the page's form from
    (with a fresh token), or None."""
    pairs = held.held(db.session(), child_id=g.principal.child.id, path=request.path)
    if pairs is None:
        return None
    formdata = MultiDict(pairs)
    formdata["csrf_token"] = generate_csrf()
    return formdata


def held_for_here() -> bool:
    """Is anything held for this page of the child's?"""
    return held.held(db.session(), child_id=g.principal.child.id, path=request.path) is not None


def saved_here(path: str | None = None) -> None:
    """This page (or `path`) was saved, emptied or is gone: let go of anything held for it."""
    held.let_go(db.session(), child_id=g.principal.child.id, path=path or request.path)
