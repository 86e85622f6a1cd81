""" "I'm worried / I don't feel safe": a child's alert to the adults who look after them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, HasPublicId, Timestamp
from .people import Child, StaffMember


class WorryAlert(HasPublicId, Base):
    """Raised by the child from any of their pages; not a share of any item."""

    __tablename__ = "worry_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    raised_at: Mapped[Timestamp]
    # Optional words from the child, whole (up to worry.service.NOTE_LIMIT). Shown only to the
    # staff who must act on it.
    note: Mapped[str] = mapped_column(Text, default="")
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    acknowledged_at: Mapped[datetime | None]

    child: Mapped[Child] = relationship()
    acknowledged_by: Mapped[StaffMember | None] = relationship()
