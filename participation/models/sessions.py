"""Sign-in sessions held on the server, so that any of them can be ended there."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamp, str_enum
from .people import Child, StaffMember

if TYPE_CHECKING:
    from .child_space import ChildSpace


class SessionKind(StrEnum):
    STAFF = "staff"
    CHILD = "child"


class AuthSession(Base):
    """A signed-in browser. The cookie carries a random token; only its hash is stored."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[SessionKind] = mapped_column(str_enum(SessionKind))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id"), index=True)
    created_at: Mapped[Timestamp]
    last_seen_at: Mapped[Timestamp]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(40))
    # Staff: when the second factor was given in this session (None: password only so far).
    second_factor_at: Mapped[datetime | None]
    # Child sessions: opened by a keyworker's hand-over or a personal link, and usable only while
    # unlocked by the picture code. Locking (idle, or "give back") clears unlocked_at but keeps
    # the session, so the child comes back to where they were.
    handed_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    personal_link_id: Mapped[int | None] = mapped_column(ForeignKey("personal_links.id"))
    unlocked_at: Mapped[datetime | None]
    resume_path: Mapped[str | None] = mapped_column(String(300))

    staff: Mapped[StaffMember | None] = relationship(foreign_keys=[staff_id])
    child: Mapped[Child | None] = relationship()
    # The child's space (display choices, language), read with the session and the child in one
    # query on every child request (child/session.py). Read-only: the space has its own rules.
    child_space: Mapped[ChildSpace | None] = relationship(
        primaryjoin="foreign(AuthSession.child_id) == ChildSpace.child_id", viewonly=True
    )
