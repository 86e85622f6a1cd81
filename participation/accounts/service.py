"""Staff accounts: creating them, signing in and out, their sessions. No Flask request here."""

from __future__ import annotations

import itertools
import re
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


class PasswordRefused(AccountError):
    """A new password breaks a rule; ``code`` says which (pages put it into the reader's words;
    the message is for commands)."""

    RULES = {
        "too-short": f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
        "too-long": "The password must be at most 1024 characters long.",
        "too-simple": "That password is one of the first anyone would try: choose another.",
        "like-email": "The password must not be the email address, or contain it.",
        "same-as-before": "The new password must be different from the one there is now.",
    }

    def __init__(self, code: str) -> None:
        super().__init__("password", self.RULES[code])
        self.code = code


# The words people reach for first (NCSC: refuse the most common choices), with the service's
# own name: a password that is one of these with only digits or symbols around it, or repeated,
# is refused. Everything else long enough goes: no composition rules.
COMMON_WORDS = frozenset(
    (
        *("password", "passw0rd", "qwerty", "qwertyuiop", "asdfgh", "asdfghjkl", "zxcvbnm"),
        *("letmein", "welcome", "iloveyou", "admin", "administrator", "monkey", "dragon"),
        *("football", "sunshine", "princess", "master", "shadow", "baseball", "superman"),
        *("trustno", "abc", "abcdef", "abcdefgh", "changeme", "secret", "myreview", "review"),
        *("council", "social", "socialwork", "keyworker", "children", "summer", "winter"),
        *("autumn", "spring"),
    )
)


def _straight_run(text: str) -> bool:
    """One character over and over, or a run like 123456789012 or abcdefghijkl (either way)."""
    wrap = 10 if text.isdigit() else 0x110000  # ...8901 counts as a run of digits too
    steps = {(ord(b) - ord(a)) % wrap for a, b in itertools.pairwise(text)}
    return len(steps) == 1 and steps <= {0, 1, wrap - 1}


def _repeated_unit(text: str) -> str:
    """The shortest piece ``text`` is made of by repeating it ("abab" -> "ab")."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


# Letters written as digits or symbols inside a word ("p@ssw0rd").
_LEET = str.maketrans("0134@$57", "oieaasst")


def _common_word(lowered: str) -> str:
    """The word a password is made of once the digits and symbols around it go, the ones inside
    it are read as letters, and a repeat is taken once: "P@ssw0rd!2026" -> "password"."""
    core = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered).translate(_LEET)
    return _repeated_unit("".join(ch for ch in core if ch.isalpha()))


def check_password_rules(
    password: str, *, email: str = "", current_hash: str | None = None
) -> None:
    """NCSC-style: long enough, any characters, no composition rules; but not one of the
    commonest choices, not the account's own email, and (changing it) not the password it has
    now. PasswordRefused says which rule."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRefused("too-short")
    if len(password) > 1024:
        raise PasswordRefused("too-long")
    lowered = password.lower()
    if (
        _straight_run(lowered)
        or len(_repeated_unit(lowered)) <= 4
        or _common_word(lowered) in COMMON_WORDS
    ):
        raise PasswordRefused("too-simple")
    local = normalise_email(email).split("@")[0]
    if email and (normalise_email(email) in lowered or (len(local) >= 4 and local in lowered)):
        raise PasswordRefused("like-email")
    if current_hash is not None and verify_password(current_hash, password):
        raise PasswordRefused("same-as-before")


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
    check_password_rules(password, email=email)
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
    check_password_rules(new_password, email=staff.email, current_hash=staff.password_hash)
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
    check_password_rules(new_password, email=staff.email, current_hash=staff.password_hash)
    staff.failed_sign_ins = 0
    staff.password_hash = hash_password(new_password)
    staff.password_changed_at = now
    staff.password_temporary = False
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
