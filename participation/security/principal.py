"""Who is making this request: a staff member, a child, or nobody.

The principal is worked out once per request (in `load_principal`) and put on `g.principal`; every
access decision and audit record starts from it.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from ..audit.service import ANONYMOUS, Actor, record
from ..models import AuthSession, Child, ChildSpace, Role, SessionKind, StaffMember, utcnow

# Writing last_seen on every request would turn reads into writes; a minute is precise enough for
# idle time-outs measured in tens of minutes.
TOUCH_EVERY = timedelta(seconds=60)


def new_session_token() -> tuple[str, str]:
    """A fresh random token for the cookie and the hash stored on the server."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class StaffPrincipal:
    staff: StaffMember
    auth_session: AuthSession

    kind = "staff"

    @property
    def role(self) -> Role:
        return self.staff.role

    @property
    def language(self) -> str | None:
        return self.staff.language

    @property
    def actor(self) -> Actor:
        return Actor("staff", self.staff.public_id, self.staff.role.value)


@dataclass
class ChildPrincipal:
    child: Child
    auth_session: AuthSession
    space: ChildSpace

    kind = "child"

    @property
    def language(self) -> str | None:
        return self.space.language

    @property
    def actor(self) -> Actor:
        return Actor("child", self.child.public_id, "child")


@dataclass
class Anonymous:
    kind = "anonymous"

    @property
    def actor(self) -> Actor:
        return ANONYMOUS


Principal = StaffPrincipal | ChildPrincipal | Anonymous


@functools.lru_cache(maxsize=8)
def _session_by_token(load: tuple[ORMOption, ...]) -> Select[AuthSession]:
    # Built once for each caller's `load`: this runs before every request, and building a
    # statement costs SQLAlchemy more than running it.
    return (
        select(AuthSession)
        .where(
            AuthSession.token_hash == bindparam("token_hash"), AuthSession.kind == bindparam("kind")
        )
        .options(*load)
    )


def live_session(
    session: Session,
    token: str,
    kind: SessionKind,
    now: datetime,
    idle: timedelta,
    absolute: timedelta,
    *,
    touch: bool = True,
    load: tuple[ORMOption, ...] = (),
) -> AuthSession | None:
    """The server-side session for `token` if it is still alive; ends it if it has timed out.

    `load`: what the caller reads on every request (its person, say), joined into this query;
    a module constant, so that the statement is built once."""
    row = session.scalar(_session_by_token(load), {"token_hash": hash_token(token), "kind": kind})
    if row is None or row.ended_at is not None:
        return None
    reason = None
    if now - row.last_seen_at > idle:
        reason = "idle"
    elif now - row.created_at > absolute:
        reason = "expired"
    elif row.staff is not None and not row.staff.active:
        reason = "account-disabled"
    elif row.child is not None and row.child.left_care_on is not None:
        # No longer looked after: the space closes on every device at once (QA: a tablet and a
        # phone stayed open after the record said the child had left care).
        reason = "left-care"
    if reason:
        row.ended_at = now
        row.end_reason = reason
        session.commit()
        record_session_end(session, row, reason)
        return None
    if touch and now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        session.commit()
    return row


def end_reason(session: Session, token: str, kind: SessionKind) -> str | None:
    """Why the session for `token` was ended ("idle", "left-care"...), None if it was not (or
    there is none): for the page a closed space shows next."""
    return session.scalar(
        select(AuthSession.end_reason).where(
            AuthSession.token_hash == hash_token(token), AuthSession.kind == kind
        )
    )


def seconds_left(
    row: AuthSession, now: datetime, idle: timedelta, absolute: timedelta
) -> tuple[int, int]:
    """How long until the server ends `row` if nothing more is asked of it, and at the latest
    (its absolute limit), in whole seconds from `now`: what a page tells the person using it."""
    idle_end = row.last_seen_at + idle
    absolute_end = row.created_at + absolute
    return (
        max(0, int((min(idle_end, absolute_end) - now).total_seconds())),
        max(0, int((absolute_end - now).total_seconds())),
    )


def record_session_end(session: Session, row: AuthSession, reason: str) -> None:
    """Audit a session the server ended by itself (idle, too old, account disabled...): nobody
    pressed anything, so no route would record it, yet "why was I signed out?" needs an answer."""
    if row.staff is not None:
        actor = Actor("staff", row.staff.public_id, row.staff.role.value)
    elif row.child is not None:
        actor = Actor("child", row.child.public_id, "child")
    else:
        actor = ANONYMOUS
    record(session.get_bind(), actor, "session-ended", subject_type="session", detail=reason)  # type: ignore[arg-type]


def end_sessions(
    session: Session, *, staff_id: int | None = None, child_id: int | None = None, reason: str
) -> int:
    """End every live session of a staff member or a child (disable, password change, lock)."""
    query = select(AuthSession).where(AuthSession.ended_at.is_(None))
    if staff_id is not None:
        query = query.where(AuthSession.staff_id == staff_id)
    if child_id is not None:
        query = query.where(AuthSession.child_id == child_id)
    rows = list(session.scalars(query))
    now = utcnow()
    for row in rows:
        row.ended_at = now
        row.end_reason = reason
    return len(rows)
