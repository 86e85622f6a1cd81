"""The staff second factor: a code from an authenticator app (TOTP), or a one-time recovery code.

IROs, managers and administrators must have one; everyone else may. A session opened with the
password alone is "second factor pending" on the server (`AuthSession.second_factor_at` is
empty) and reaches nothing but the second-factor pages until a code is given.

No Flask here: routes pass plain values and the database session.
"""

from __future__ import annotations

import hmac
import secrets
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import AuthSession, RecoveryCode, Role, SecondFactor, StaffMember, utcnow
from ..security.principal import end_sessions
from .passwords import hash_password, verify_password
from .service import end_other_sessions

REQUIRED_FOR = frozenset({Role.IRO, Role.MANAGER, Role.ADMIN})
# Every MAX_FAILURES wrong codes in a row lock the second factor; each lock is twice as long as
# the one before (15 minutes, 30, an hour...) up to a day, so guessing never gets far.
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)
RECOVERY_CODE_COUNT = 10
# Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i).
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_LENGTH = 12  # about 59 bits each
# A password-only session must give its second factor within this time or start again.
PENDING_FOR = timedelta(minutes=10)


class SecondFactorError(ValueError):
    """A code that cannot be accepted. `reason` is a short code for the page and the audit record:
    wrong-code, reused-code, locked, locked-now, no-set-up, not-enrolled."""

    def __init__(self, reason: str, locked_until: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.locked_until = locked_until


def required_for(staff: StaffMember) -> bool:
    """Whether this staff member's role must use a second factor."""
    return staff.role in REQUIRED_FOR


def factor_for(session: Session, staff: StaffMember) -> SecondFactor | None:
    """The staff member's second-factor row, if they have ever started setting one up."""
    return session.scalar(select(SecondFactor).where(SecondFactor.staff_id == staff.id))


def is_enrolled(session: Session, staff: StaffMember) -> bool:
    """Whether the staff member has a confirmed authenticator app."""
    factor = factor_for(session, staff)
    return factor is not None and factor.enrolled


def needs_second_factor(session: Session, staff: StaffMember, auth_session: AuthSession) -> bool:
    """Whether this session has still to give a second factor before it may do anything."""
    if auth_session.second_factor_at is not None:
        return False
    return required_for(staff) or is_enrolled(session, staff)


def pending_too_long(
    session: Session, staff: StaffMember, auth_session: AuthSession, now: datetime
) -> bool:
    """A session left waiting for its second factor longer than PENDING_FOR (sessions of staff
    who use no second factor never wait, so never time out this way)."""
    return (
        auth_session.second_factor_at is None
        and now - auth_session.created_at > PENDING_FOR
        and needs_second_factor(session, staff, auth_session)
    )


def normalise_digits(code: str) -> str:
    """Keep only the digits of a typed code, as ASCII: spaces and dashes go, and digits typed in
    another script (Arabic-Indic, Persian, full-width) count as the same digits."""
    return "".join(str(int(ch)) for ch in code if ch.isdecimal())


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())


def start_enrolment(session: Session, staff: StaffMember) -> str:
    """Make a new secret to set up (or replace) the authenticator app; return it.

    A confirmed secret stays in force until a code from the new one is entered.
    """
    factor = factor_for(session, staff)
    if factor is None:
        factor = SecondFactor(staff_id=staff.id, failed_attempts=0)
        session.add(factor)
    factor.pending_secret = pyotp.random_base32()
    session.commit()
    return factor.pending_secret


def pending_secret(session: Session, staff: StaffMember) -> str | None:
    """The secret being set up, if a set-up is in progress."""
    factor = factor_for(session, staff)
    return factor.pending_secret if factor is not None else None


def provisioning_uri(staff: StaffMember, secret: str, issuer: str) -> str:
    """The otpauth:// address that authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=staff.email, issuer_name=issuer)


def qr_svg(data: str, label: str) -> str:
    """`data` as a QR code in inline SVG, made here (no outside service), with no style attributes
    (the CSP forbids them), a white background for scanners, and `label` as its accessible name."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
    )
    root = image.get_image()
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("width", "240")
    root.set("height", "240")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("focusable", "false")
    root.set("class", "qr-code")
    for element in root.iter():
        element.attrib.pop("id", None)
        element.attrib.pop("style", None)
    return ET.tostring(root, encoding="unicode")


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is, within one step either side (clocks drift)."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    found = None
    for step in (current - 1, current, current + 1):
        # Compare every candidate, in constant time, so timing says nothing about which matched.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def _check_not_locked(factor: SecondFactor, now: datetime) -> None:
    if factor.locked_until is not None and factor.locked_until > now:
        raise SecondFactorError("locked", factor.locked_until)


def _count_failure(session: Session, factor: SecondFactor, reason: str, now: datetime) -> None:
    factor.failed_attempts += 1
    if factor.failed_attempts % MAX_FAILURES == 0:
        doublings = min(factor.failed_attempts // MAX_FAILURES - 1, 7)
        factor.locked_until = now + min(LOCK_FOR * 2**doublings, LONGEST_LOCK)
        session.commit()
        raise SecondFactorError("locked-now", factor.locked_until)
    session.commit()
    raise SecondFactorError(reason)


def _accept(factor: SecondFactor, auth_session: AuthSession, now: datetime) -> None:
    factor.failed_attempts = 0
    factor.locked_until = None
    auth_session.second_factor_at = now


def confirm_enrolment(
    session: Session,
    staff: StaffMember,
    auth_session: AuthSession,
    code: str,
    now: datetime | None = None,
) -> list[str]:
    """Finish setting up: `code` must come from the new secret. Returns fresh recovery codes.

    The new secret replaces any old one, the old recovery codes stop working, this session counts
    as having given its second factor, and every other session of the account is ended (a reset
    usually means a lost or replaced phone).
    """
    now = now or utcnow()
    factor = factor_for(session, staff)
    if factor is None or factor.pending_secret is None:
        raise SecondFactorError("no-set-up")
    step = _matching_step(factor.pending_secret, normalise_digits(code), now)
    if step is None:
        raise SecondFactorError("wrong-code")
    factor.secret = factor.pending_secret
    factor.pending_secret = None
    factor.confirmed_at = now
    factor.last_used_step = step
    _accept(factor, auth_session, now)
    end_other_sessions(session, staff, auth_session, reason="second-factor-changed", now=now)
    codes = _replace_recovery_codes(session, staff)
    session.commit()
    return codes


def verify_code(
    session: Session,
    staff: StaffMember,
    auth_session: AuthSession,
    code: str,
    now: datetime | None = None,
) -> None:
    """Accept a code from the authenticator app for this session, or raise SecondFactorError.

    Each code is accepted once: a code from the same or an earlier time step is refused.
    """
    now = now or utcnow()
    factor = factor_for(session, staff)
    if factor is None or factor.secret is None:
        raise SecondFactorError("not-enrolled")
    _check_not_locked(factor, now)
    digits = normalise_digits(code)
    step = _matching_step(factor.secret, digits, now) if len(digits) == 6 else None
    if step is None:
        _count_failure(session, factor, "wrong-code", now)
        return
    if factor.last_used_step is not None and step <= factor.last_used_step:
        _count_failure(session, factor, "reused-code", now)
        return
    factor.last_used_step = step
    _accept(factor, auth_session, now)
    session.commit()


def use_recovery_code(
    session: Session,
    staff: StaffMember,
    auth_session: AuthSession,
    code: str,
    now: datetime | None = None,
) -> int:
    """Accept a recovery code once for this session; return how many are left.

    Wrong recovery codes count towards the same lock as wrong app codes.
    """
    now = now or utcnow()
    factor = factor_for(session, staff)
    if factor is None or factor.secret is None:
        raise SecondFactorError("not-enrolled")
    _check_not_locked(factor, now)
    typed = normalise_recovery_code(code)
    unused = list(
        session.scalars(
            select(RecoveryCode).where(
                RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None)
            )
        )
    )
    match = None
    if len(typed) == _RECOVERY_LENGTH:
        for row in unused:
            if verify_password(row.code_hash, typed):
                match = row
    if match is None:
        _count_failure(session, factor, "wrong-code", now)
        return len(unused)
    match.used_at = now
    _accept(factor, auth_session, now)
    session.commit()
    return len(unused) - 1


def recovery_codes_left(session: Session, staff: StaffMember) -> int:
    """How many unused recovery codes the staff member has."""
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _replace_recovery_codes(session: Session, staff: StaffMember) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        session.add(RecoveryCode(staff_id=staff.id, code_hash=hash_password(raw)))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def new_recovery_codes(session: Session, staff: StaffMember) -> list[str]:
    """Replace the staff member's recovery codes with ten new ones and return them (shown once)."""
    if not is_enrolled(session, staff):
        raise SecondFactorError("not-enrolled")
    codes = _replace_recovery_codes(session, staff)
    session.commit()
    return codes


def remove_second_factor(session: Session, staff: StaffMember) -> int:
    """For an administrator when someone has lost their phone and their recovery codes: forget
    the authenticator app and recovery codes and end every session. Returns sessions ended.

    If the role requires a second factor, the next sign-in sets a new one up.
    """
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    session.execute(delete(SecondFactor).where(SecondFactor.staff_id == staff.id))
    ended = end_sessions(session, staff_id=staff.id, reason="second-factor-removed")
    session.commit()
    return ended


def enrol_with_secret(
    session: Session, staff: StaffMember, secret: str, now: datetime | None = None
) -> None:
    """Set a known secret as confirmed, without recovery codes. Only for the fictional demo
    accounts, whose secret is published so that anyone trying the app can sign in."""
    factor = factor_for(session, staff)
    if factor is None:
        factor = SecondFactor(staff_id=staff.id, failed_attempts=0)
        session.add(factor)
    if factor.secret != secret:
        factor.secret = secret
        factor.pending_secret = None
        factor.confirmed_at = now or utcnow()
        factor.last_used_step = None
    session.flush()
