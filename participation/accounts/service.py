"""Staff accounts: creating them, signing in and out, their sessions. No Flask request here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AuthSession, Role, SessionKind, StaffMember, utcnow
from ..security.principal import end_sessions, new_session_token
from .passwords import hash_password, needs_rehash, verify_password

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A request about an account that cannot be done; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class SignInFailed(Exception):
    """Wrong email or password, or the account is locked or disabled: one message for all."""

    def __init__(self, reason: str, staff: StaffMember | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.staff = staff


@dataclass(frozen=True)
class SignedIn:
    staff: StaffMember
    token: str
    auth_session: AuthSession


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> StaffMember | None:
    return session.scalar(
        select(StaffMember).where(func.lower(StaffMember.email) == normalise_email(email))
    )


def check_password_rules(password: str) -> None:
    """NCSC-style: long enough, any characters, no composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "password", f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
        )
    if len(password) > 1024:
        raise AccountError("password", "The password must be at most 1024 characters long.")


def create_staff(
    session: Session, *, email: str, name: str, role: Role, password: str
) -> StaffMember:
    """Add a staff member. Raises AccountError for a taken email or a weak password."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise AccountError(
            "email", "Enter an email address in the right format, like name@council.gov.uk."
        )
    if not name.strip():
        raise AccountError("name", "Enter the staff member's name.")
    check_password_rules(password)
    if find_by_email(session, email) is not None:
        raise AccountError("email", f"There is already an account for {email}.")
    staff = StaffMember(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
    )
    session.add(staff)
    session.flush()
    return staff


def sign_in(session: Session, email: str, password: str, now: datetime | None = None) -> SignedIn:
    """Check the password and open a server-side session. Raises SignInFailed."""
    now = now or utcnow()
    staff = find_by_email(session, email)
    ok = verify_password(staff.password_hash if staff else None, password)
    if staff is None:
        raise SignInFailed("unknown-email")
    if staff.locked_until is not None and staff.locked_until > now:
        raise SignInFailed("locked", staff)
    if not ok:
        staff.failed_sign_ins += 1
        reason = "wrong-password"
        if staff.failed_sign_ins >= MAX_FAILURES:
            staff.locked_until = now + LOCK_FOR
            staff.failed_sign_ins = 0
            reason = "locked-now"
        session.commit()
        raise SignInFailed(reason, staff)
    if not staff.active:
        raise SignInFailed("disabled", staff)
    staff.failed_sign_ins = 0
    staff.locked_until = None
    if needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    token, token_hash = new_session_token()
    row = AuthSession(
        token_hash=token_hash,
        kind=SessionKind.STAFF,
        staff_id=staff.id,
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.commit()
    return SignedIn(staff, token, row)


def sign_out(session: Session, auth_session: AuthSession) -> None:
    """End one session on the server."""
    auth_session.ended_at = utcnow()
    auth_session.end_reason = "signed-out"
    session.commit()


def set_active(session: Session, staff: StaffMember, active: bool) -> None:
    """Enable or disable an account; disabling ends every session it has."""
    staff.active = active
    if not active:
        end_sessions(session, staff_id=staff.id, reason="account-disabled")
    session.commit()


def change_password(session: Session, staff: StaffMember, new_password: str) -> None:
    """Set a new password and end every session the old one opened."""
    check_password_rules(new_password)
    staff.password_hash = hash_password(new_password)
    staff.password_changed_at = utcnow()
    end_sessions(session, staff_id=staff.id, reason="password-changed")
    session.commit()


def _open_session(
    session: Session, staff: StaffMember, now: datetime, **values: object
) -> tuple[str, AuthSession]:
    token, token_hash = new_session_token()
    row = AuthSession(
        token_hash=token_hash,
        kind=SessionKind.STAFF,
        staff_id=staff.id,
        last_seen_at=now,
        **values,
    )
    session.add(row)
    return token, row


def renew_session(
    session: Session, old: AuthSession, reason: str = "renewed", now: datetime | None = None
) -> SignedIn:
    """Swap this browser's session for a new one with a new token (after the second factor or a
    password change), so that a token seen before the change is worth nothing after it.

    The new session keeps the old one's start time, so renewing never stretches the absolute
    time-out, and keeps its second factor.
    """
    now = now or utcnow()
    staff = old.staff
    if staff is None:
        raise ValueError("only staff sessions are renewed")
    token, row = _open_session(
        session,
        staff,
        now,
        created_at=old.created_at,
        second_factor_at=old.second_factor_at,
    )
    old.ended_at = now
    old.end_reason = reason
    session.commit()
    return SignedIn(staff, token, row)


def end_other_sessions(
    session: Session,
    staff: StaffMember,
    keep: AuthSession,
    reason: str,
    now: datetime | None = None,
) -> int:
    """End every live session of `staff` except `keep`; return how many were ended."""
    now = now or utcnow()
    rows = session.scalars(
        select(AuthSession).where(
            AuthSession.staff_id == staff.id,
            AuthSession.ended_at.is_(None),
            AuthSession.id != keep.id,
        )
    ).all()
    for row in rows:
        row.ended_at = now
        row.end_reason = reason
    return len(rows)


def change_own_password(
    session: Session,
    staff: StaffMember,
    auth_session: AuthSession,
    current_password: str,
    new_password: str,
    now: datetime | None = None,
) -> SignedIn:
    """Change one's own password. Ends every other session and renews this one.

    A wrong current password counts towards the same lock as a wrong password at sign-in, and the
    session that locks the account is ended, so a borrowed session cannot be used to guess.
    Raises AccountError (field "current_password" or "new_password").
    """
    now = now or utcnow()
    if staff.locked_until is not None and staff.locked_until > now:
        raise AccountError("current_password", "locked")
    if not verify_password(staff.password_hash, current_password):
        staff.failed_sign_ins += 1
        reason = "wrong-password"
        if staff.failed_sign_ins >= MAX_FAILURES:
            staff.locked_until = now + LOCK_FOR
            staff.failed_sign_ins = 0
            auth_session.ended_at = now
            auth_session.end_reason = "locked"
            reason = "locked-now"
        session.commit()
        raise AccountError("current_password", reason)
    check_password_rules(new_password)
    staff.failed_sign_ins = 0
    staff.password_hash = hash_password(new_password)
    staff.password_changed_at = now
    end_other_sessions(session, staff, auth_session, reason="password-changed", now=now)
    return renew_session(session, auth_session, reason="password-changed", now=now)


def live_sessions(
    session: Session,
    staff: StaffMember,
    now: datetime,
    idle: timedelta,
    absolute: timedelta,
) -> list[AuthSession]:
    """The staff member's sessions that are still usable, newest first."""
    rows = session.scalars(
        select(AuthSession)
        .where(AuthSession.staff_id == staff.id, AuthSession.ended_at.is_(None))
        .order_by(AuthSession.last_seen_at.desc(), AuthSession.id.desc())
    ).all()
    return [
        row for row in rows if now - row.last_seen_at <= idle and now - row.created_at <= absolute
    ]


def mark_in_use(session: Session, row: AuthSession, now: datetime) -> None:
    """The person said they are here ("Stay signed in", or typing): restart the idle clock now,
    not at the next once-a-minute touch, so that the time the page then shows is right."""
    row.last_seen_at = now
    session.commit()


def session_handle(row: AuthSession) -> str:
    """A name for one session in a form: part of the token's hash, which cannot be turned back
    into the token, so the page never carries anything that would let someone use the session."""
    return row.token_hash[:16]


def end_own_session(
    session: Session, staff: StaffMember, handle: str, now: datetime | None = None
) -> AuthSession | None:
    """End one of the staff member's own live sessions, named by `session_handle`; None if no
    live session of theirs has that name."""
    if len(handle) != 16:
        return None
    for row in session.scalars(
        select(AuthSession).where(AuthSession.staff_id == staff.id, AuthSession.ended_at.is_(None))
    ):
        if secrets.compare_digest(session_handle(row), handle):
            row.ended_at = now or utcnow()
            row.end_reason = "ended-by-owner"
            session.commit()
            return row
    return None


def set_language(session: Session, staff: StaffMember, code: str | None) -> None:
    """Save the staff member's language (None: follow the browser)."""
    staff.language = code or None
    session.commit()


def set_known_as(session: Session, staff: StaffMember, text: str) -> None:
    """Save what children call the staff member (empty: their full name)."""
    staff.known_as = " ".join(text.split()) or None
    session.commit()
