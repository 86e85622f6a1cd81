"""A child's own space: how it is opened (picture code, personal links), display choices, and
answers held for a page until it is saved."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, HasPublicId, Timestamp, UTCDateTime, str_enum
from .people import Child, StaffMember


class AgeBand(StrEnum):
    """Wording bands used by council consultation forms."""

    YOUNG = "4-7"
    MIDDLE = "8-12"
    OLDER = "13+"


class ChildSpace(Base):
    """One row per child: their picture code and the choices that shape their pages."""

    __tablename__ = "child_spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), unique=True)
    # argon2 hash of the picture sequence; the pictures themselves are never stored in clear.
    picture_code_hash: Mapped[str | None] = mapped_column(String(200))
    picture_code_length: Mapped[int] = mapped_column(Integer, default=3)
    picture_code_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    picture_code_set_at: Mapped[datetime | None]
    # Set when a code was given in place of one the child had: told to the child (CODE_CHANGE_TOLD).
    picture_code_replaced_at: Mapped[datetime | None]
    # When the child chose their own pictures, in their space with no adult knowing them; None
    # once an adult sets a code again. The fields above stay: they say who set one before.
    picture_code_own_at: Mapped[datetime | None]
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Locked after too many wrong codes, until a keyworker unlocks it (never on a timer: a child
    # should not be able to guess again and again by waiting).
    locked_at: Mapped[datetime | None]
    age_band_override: Mapped[AgeBand | None] = mapped_column(str_enum(AgeBand))
    language: Mapped[str | None] = mapped_column(String(8))
    text_size: Mapped[str] = mapped_column(String(8), default="normal")  # normal, large, larger
    high_contrast: Mapped[bool] = mapped_column(Boolean, default=False)
    calm_colours: Mapped[bool] = mapped_column(Boolean, default=False)
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)  # more spacing, easier font
    reduce_motion: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # When the child was last told who works with them (My page's "new people" card); set when
    # they first open their space (whoever works with them then is not news), None before.
    people_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    child: Mapped[Child] = relationship()
    picture_code_set_by: Mapped[StaffMember | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class PersonalLink(HasPublicId, Base):
    """A link an older child uses on their own device; bound to that device on first use."""

    __tablename__ = "personal_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[Timestamp]
    expires_at: Mapped[datetime]
    device_hash: Mapped[str | None] = mapped_column(String(64))
    bound_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    child: Mapped[Child] = relationship()
    created_by: Mapped[StaffMember] = relationship()


class SessionVia(StrEnum):
    HAND_OVER = "hand-over"
    PERSONAL_LINK = "personal-link"


class HeldAnswers(Base):
    """What a child had on a page when a save as they went was refused (words too long for their
    box): held for the child, so that a break, giving the tablet back or the idle lock does not
    lose them. The page shows them again, with what to change, the next time the child opens it
    in their space, on any sitting (child/held.py).

    Only the child's own space shows them (never staff, never the pack); a save of the page lets
    go of them, and `flask sweep` deletes them once they are HOLD_FOR old.
    """

    __tablename__ = "held_answers"
    __table_args__ = (UniqueConstraint("child_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    # The page's address: the same page, opened again by the child, gets them back.
    path: Mapped[str] = mapped_column(String(300))
    # The form as it was sent: [name, value] pairs, in order (a name can come more than once).
    answers: Mapped[list[list[str]]] = mapped_column(JSON)
    created_at: Mapped[Timestamp] = mapped_column(index=True)
