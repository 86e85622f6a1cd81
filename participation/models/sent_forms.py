"""Forms already sent: the same page's save sent again (weak wifi lost the answer, a button was
pressed twice, a reload sent it again) is known by the page's key (forms.FormKeyField) and does
not make a second worry, decision, summary or record (participation/sent_once.py)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamp


class SentForm(Base):
    __tablename__ = "sent_forms"

    # Who sent it ("staff:<id>" or "child:<id>"): a key only counts for the one who was given it.
    sender: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The public id of what the first sending made, to show it again (None: nothing to show).
    made_id: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[Timestamp] = mapped_column(index=True)
