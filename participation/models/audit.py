"""The audit record: append-only and hash-chained. Who did what, when; never the content."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamp


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[Timestamp] = mapped_column(index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))  # staff, child, system, anonymous
    actor_id: Mapped[str | None] = mapped_column(String(32), index=True)  # a public id, not a name
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # Indexed for the audit page: its outcome filter, and the outcomes offered in its form.
    outcome: Mapped[str] = mapped_column(String(16), default="ok", index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(200), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
