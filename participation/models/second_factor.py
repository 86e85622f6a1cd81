"""Staff second factor: a time-based code from an authenticator app, and one-time recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..security.sealed import Sealed
from .base import Base, Timestamp
from .people import StaffMember


class SecondFactor(Base):
    """One per staff member who has started setting up an authenticator app."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), unique=True)
    # Base32 TOTP secrets. `secret` is the confirmed one; `pending_secret` is being set up and
    # replaces it only once a code made from it has been entered, so a reset cannot lock anyone out.
    # Both are sealed with a key kept outside the database (security/sealed.py).
    secret: Mapped[str | None] = mapped_column(Sealed())
    pending_secret: Mapped[str | None] = mapped_column(Sealed())
    confirmed_at: Mapped[datetime | None]
    # The 30-second time step of the last code accepted: a code is never accepted twice.
    last_used_step: Mapped[int | None] = mapped_column(Integer)
    # Wrong codes since the last right one; every few of them lock the second factor for a while.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]

    staff: Mapped[StaffMember] = relationship()

    @property
    def enrolled(self) -> bool:
        return self.secret is not None


class RecoveryCode(Base):
    """A one-time code for when the authenticator app is lost. Only its argon2 hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[Timestamp]
    used_at: Mapped[datetime | None]
