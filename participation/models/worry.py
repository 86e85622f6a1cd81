""" "I'm worried / I don't feel safe": a child's alert to the adults who look after them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
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
    # Who the child would like to come and talk with them, if they chose (one of the adults they
    # were told would know): None when they left it open.
    talk_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    acknowledged_at: Mapped[datetime | None]
    # What the staff member who spoke with the child did, in their words: the child's record
    # keeps it, so the others who were told know the worry was acted on, and how.
    action_taken: Mapped[str] = mapped_column(Text, default="")

    child: Mapped[Child] = relationship()
    acknowledged_by: Mapped[StaffMember | None] = relationship(foreign_keys=[acknowledged_by_id])
    talk_to: Mapped[StaffMember | None] = relationship(foreign_keys=[talk_to_id])
    messages: Mapped[list[WorryMessage]] = relationship(
        back_populates="alert", order_by="WorryMessage.id"
    )


class WorryMessage(Base):
    """An email telling someone of a worry: written when the child presses, sent by the task
    queue (an outbox, so a mail server that is down delays it and loses nothing). The body
    names the child and says when, never what the child wrote: that stays in My Review."""

    __tablename__ = "worry_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("worry_alerts.id"), index=True)
    # Who it is for, as the staff page and the child's page say it ("Tom Evans (keyworker)").
    who: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Why the last try failed, as the mail server said it (never the message).
    failure: Mapped[str] = mapped_column(String(300), default="")

    alert: Mapped[WorryAlert] = relationship(back_populates="messages")
