"""A child's own space on a shared tablet: hand-over, picture codes, personal links, locking.

No Flask here: routes pass plain values and the database session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import BindParameter, ColumnElement, Exists, exists, select, update
from sqlalchemy.orm import Session, joinedload

from ..accounts.passwords import hash_password, verify_password
from ..models import (
    CASEWORK_ROLES,
    AgeBand,
    Assignment,
    AuthSession,
    Child,
    ChildSpace,
    PersonalLink,
    Role,
    SessionKind,
    StaffMember,
    utcnow,
)
from ..security.principal import hash_token, new_session_token
from . import held
from .pictures import PICTURES

MAX_WRONG_CODES = 5
CODE_LENGTHS = (3, 4, 5)
LINK_DAYS = 7


class SpaceError(ValueError):
    """Something about a child's space that cannot be done; `code` says what, for the page."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CodeResult(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"
    LOCKED = "locked"


def space_for(session: Session, child: Child) -> ChildSpace:
    """The child's space row, made on first use."""
    space = session.scalar(select(ChildSpace).where(ChildSpace.child_id == child.id))
    if space is None:
        space = ChildSpace(child_id=child.id)
        session.add(space)
        session.flush()
    return space


def age_band(child: Child, space: ChildSpace | None, today: date) -> AgeBand:
    """The wording band: the keyworker's choice if set, otherwise from the child's age."""
    if space is not None and space.age_band_override is not None:
        return space.age_band_override
    age = child.age_on(today)
    if age <= 7:
        return AgeBand.YOUNG
    if age <= 12:
        return AgeBand.MIDDLE
    return AgeBand.OLDER


def _code_text(sequence: list[str]) -> str:
    return "|".join(sequence)


def validate_sequence(sequence: list[str]) -> None:
    if len(sequence) not in CODE_LENGTHS:
        raise SpaceError("code-length")
    if any(picture not in PICTURES for picture in sequence):
        raise SpaceError("unknown-picture")


def set_picture_code(
    session: Session, child: Child, sequence: list[str], staff: StaffMember
) -> ChildSpace:
    """Keep a new picture code (chosen by the child with their keyworker) and unlock the space.

    Whoever sets the code can open the space with it; a code given in place of one the child
    had is therefore told to the child (code_change_to_tell)."""
    validate_sequence(sequence)
    space = space_for(session, child)
    if space.picture_code_hash is not None:
        space.picture_code_replaced_at = utcnow()
    space.picture_code_hash = hash_password(_code_text(sequence))
    space.picture_code_length = len(sequence)
    space.picture_code_set_by_id = staff.id
    space.picture_code_set_at = utcnow()
    space.picture_code_own_at = None
    space.failed_attempts = 0
    space.locked_at = None
    session.commit()
    return space


def choose_own_picture_code(session: Session, space: ChildSpace, sequence: list[str]) -> None:
    """The child chooses new pictures on their own, in their open space, after tapping the code
    they have (the route checks it): from then on no adult knows the code. Who set a code before
    stays known, and a new code an adult gave is still told (code_change_to_tell): choosing
    pictures cannot make that notice go away unseen."""
    validate_sequence(sequence)
    space.picture_code_hash = hash_password(_code_text(sequence))
    space.picture_code_length = len(sequence)
    space.picture_code_own_at = utcnow()
    space.failed_attempts = 0
    session.commit()


def code_stamp(space: ChildSpace) -> str:
    """Which code the space has now, as a stamp to compare later (its last change): a check of
    the code is good only for the code it checked, not one an adult set since."""
    changes = [at for at in (space.picture_code_set_at, space.picture_code_own_at) if at]
    return max(changes).isoformat() if changes else ""


# How long a child's own page tells them that an adult gave them a new picture code.
CODE_CHANGE_TOLD = timedelta(days=14)


@dataclass(frozen=True)
class CodeChange:
    by: StaffMember | None
    on: datetime
    own_since: datetime | None = None  # the child chose their own pictures after it


def code_change_to_tell(space: ChildSpace, now: datetime) -> CodeChange | None:
    """The adult who gave the child a new picture code in place of their old one, and when,
    for CODE_CHANGE_TOLD afterwards: a change the child did not ask for should not go unseen
    (an adult who sets a code can open the space with it). Nothing for a first code."""
    changed = space.picture_code_replaced_at
    if changed is None or now - changed > CODE_CHANGE_TOLD:
        return None
    own = space.picture_code_own_at
    return CodeChange(space.picture_code_set_by, changed, own if own and own > changed else None)


# --- New people: someone new reads what the child shares with their role -------------------
# Shares are with a role ("my keyworker"), read by whoever holds it; someone new who takes it up
# reads what the child shared before too, and the child was never told (QA). My page says who
# is new since the child last said "OK".


def _new_assignments(
    child_id: ColumnElement[int] | int, told_at: datetime | BindParameter[datetime]
) -> tuple[ColumnElement[bool], ...]:
    return (
        Assignment.child_id == child_id,
        Assignment.active.is_(True),
        Assignment.role.in_(CASEWORK_ROLES),
        Assignment.started_at > told_at,
        # Not someone whose account was disabled since: they read nothing (QA).
        Assignment.staff.has(StaffMember.active.is_(True)),
    )


def new_people_column(child_id: BindParameter[int], told_at: BindParameter[datetime]) -> Exists:
    """Whether anyone took up a role with the child since ``told_at``, as a column for the one
    query of My page (child/page_cards.py)."""
    return exists().where(*_new_assignments(child_id, told_at))


@dataclass(frozen=True)
class NewPerson:
    name: str  # what the child calls them
    role: Role


def new_people(session: Session, child: Child, space: ChildSpace) -> list[NewPerson]:
    """Who took up a role with the child since they were last told, in the order they came."""
    told = space.people_told_at or utcnow()
    rows = session.scalars(
        select(Assignment)
        .where(*_new_assignments(child.id, told))
        .options(joinedload(Assignment.staff))
        .order_by(Assignment.started_at, Assignment.id)
    )
    return [NewPerson(row.staff.name_for_children, row.role) for row in rows]


def people_told(session: Session, space: ChildSpace) -> None:
    """The child has read who is new ("OK"): nobody is news until someone else comes."""
    space.people_told_at = utcnow()
    session.commit()


def check_picture_code(session: Session, space: ChildSpace, sequence: list[str]) -> CodeResult:
    """Check a code. Too many wrong ones lock the space until a keyworker unlocks it."""
    if space.locked_at is not None:
        return CodeResult.LOCKED
    right = all(p in PICTURES for p in sequence) and verify_password(
        space.picture_code_hash, _code_text(sequence)
    )
    if right:
        space.failed_attempts = 0
        session.commit()
        return CodeResult.RIGHT
    space.failed_attempts += 1
    if space.failed_attempts >= MAX_WRONG_CODES:
        space.locked_at = utcnow()
    session.commit()
    return CodeResult.LOCKED if space.locked_at else CodeResult.WRONG


def unlock_space(session: Session, space: ChildSpace) -> None:
    """A keyworker lets the child try their picture code again."""
    space.locked_at = None
    space.failed_attempts = 0
    session.commit()


@dataclass(frozen=True)
class OpenedSpace:
    token: str
    auth_session: AuthSession


def _new_child_session(session: Session, child: Child, **kw: object) -> OpenedSpace:
    token, token_hash = new_session_token()
    now = utcnow()
    row = AuthSession(
        token_hash=token_hash,
        kind=SessionKind.CHILD,
        child_id=child.id,
        created_at=now,
        last_seen_at=now,
        # Words too long to save when the tablet was last given back: straight back to them.
        resume_path=held.newest_path(session, child_id=child.id),
        **kw,
    )
    session.add(row)
    session.commit()
    return OpenedSpace(token, row)


def hand_over(
    session: Session, staff_session: AuthSession, staff: StaffMember, child: Child
) -> OpenedSpace:
    """End the staff member's session on this device and open the child's space (still locked).

    Getting back to staff pages needs the staff password again, so a child cannot wander into
    other children's records.
    """
    if child.left_care_on is not None:
        raise SpaceError("left-care")
    space = space_for(session, child)
    if space.picture_code_hash is None:
        raise SpaceError("no-code")
    staff_session.ended_at = utcnow()
    staff_session.end_reason = "handed-over"
    return _new_child_session(session, child, handed_over_by_id=staff.id)


def unlock_session(session: Session, auth_session: AuthSession) -> str | None:
    """Mark the child session unlocked; returns where the child was before it locked."""
    auth_session.unlocked_at = utcnow()
    child = auth_session.child
    space = auth_session.child_space or (space_for(session, child) if child else None)
    if space is not None and space.people_told_at is None:
        # Their first time in: the people working with them now are not news (QA: a space made
        # days before, when the code was set, told a new child everyone was new).
        space.people_told_at = auth_session.unlocked_at
    # The idle lock counts from here: left at the last page seen before the break, the first
    # page after the code would count the break as idle and lock again, every time.
    auth_session.last_seen_at = auth_session.unlocked_at
    resume, auth_session.resume_path = auth_session.resume_path, None
    session.commit()
    return resume


def lock_session(session: Session, auth_session: AuthSession, resume_path: str | None) -> None:
    """Lock (not end) a child session: answers stay, the picture code opens it again."""
    auth_session.unlocked_at = None
    if resume_path:
        auth_session.resume_path = resume_path[:300]
    session.commit()


def end_child_session(session: Session, auth_session: AuthSession, reason: str) -> None:
    auth_session.ended_at = utcnow()
    auth_session.end_reason = reason
    session.commit()


def create_personal_link(
    session: Session, child: Child, staff: StaffMember, days: int = LINK_DAYS
) -> tuple[PersonalLink, str]:
    """A new link for the child's own device. The token is shown once and stored only as a hash.
    SpaceError("left-care") for a child no longer looked after: their space is closed."""
    if child.left_care_on is not None:
        raise SpaceError("left-care")
    token = secrets.token_urlsafe(24)
    link = PersonalLink(
        child_id=child.id,
        token_hash=hash_token(token),
        created_by_id=staff.id,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(link)
    session.commit()
    return link, token


def revoke_personal_link(session: Session, link: PersonalLink) -> None:
    """Stop the link, and the child's space on the device already using it: "stopped" means
    nobody can go on from it (a lost phone), not only that it cannot be opened again."""
    now = utcnow()
    link.revoked_at = now
    session.execute(
        update(AuthSession)
        .where(AuthSession.personal_link_id == link.id, AuthSession.ended_at.is_(None))
        .values(ended_at=now, end_reason="link-stopped")
    )
    session.commit()


def device_hash(device_token: str) -> str:
    return hashlib.sha256(("device:" + device_token).encode()).hexdigest()


def open_personal_link(
    session: Session, token: str, device_token: str, now: datetime | None = None
) -> OpenedSpace:
    """Open a child's space from their personal link on their own device.

    The first device to open a link keeps it; any other device is refused.
    """
    now = now or utcnow()
    link = session.scalar(select(PersonalLink).where(PersonalLink.token_hash == hash_token(token)))
    if link is None or link.revoked_at is not None:
        raise SpaceError("link-unknown")
    if link.expires_at <= now:
        raise SpaceError("link-expired")
    if link.child.left_care_on is not None:
        raise SpaceError("left-care")
    if link.device_hash is not None and not secrets.compare_digest(
        link.device_hash, device_hash(device_token)
    ):
        raise SpaceError("link-other-device")
    # Before the link is bound: with no code yet it opens nothing, so it binds no device.
    if space_for(session, link.child).picture_code_hash is None:
        raise SpaceError("no-code")
    if link.device_hash is None:
        link.device_hash = device_hash(device_token)
        link.bound_at = now
    return _new_child_session(session, link.child, personal_link_id=link.id)


def live_links(session: Session, child: Child, now: datetime | None = None) -> list[PersonalLink]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(PersonalLink)
            .where(
                PersonalLink.child_id == child.id,
                PersonalLink.revoked_at.is_(None),
                PersonalLink.expires_at > now,
            )
            .order_by(PersonalLink.created_at.desc())
        )
    )


DISPLAY_FIELDS = ("text_size", "high_contrast", "calm_colours", "easy_read", "reduce_motion")
TEXT_SIZES = ("normal", "large", "larger")


def save_display(session: Session, space: ChildSpace, **settings: object) -> None:
    """Keep how the child wants their pages to look (text size, colours, spacing, motion)."""
    unknown = set(settings) - set(DISPLAY_FIELDS)
    if unknown or settings.get("text_size", "normal") not in TEXT_SIZES:
        raise ValueError(f"not a display setting: {sorted(unknown) or settings['text_size']}")
    for name, value in settings.items():
        setattr(space, name, value if name == "text_size" else bool(value))
    session.commit()
