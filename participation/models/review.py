"""Reviews: the meetings in a child's sequence."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, HasPublicId, str_enum
from .people import Child

LONDON = ZoneInfo("Europe/London")


class ReviewStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    ADJOURNED = "adjourned"
    CANCELLED = "cancelled"


class Review(HasPublicId, Base):
    """One Looked After Review meeting, numbered in the child's sequence."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("child_id", "number", name="uq_review_child_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    scheduled_at: Mapped[datetime | None]
    venue: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[ReviewStatus] = mapped_column(
        str_enum(ReviewStatus), default=ReviewStatus.PLANNED
    )
    held_on: Mapped[date | None] = mapped_column(Date)
    adjourned_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    child: Mapped[Child] = relationship(back_populates="reviews")

    __mapper_args__ = {"version_id_col": version}

    @property
    def meeting_date(self) -> date:
        """The day the meeting is planned for: the scheduled day, or the due date until set."""
        if self.scheduled_at is None:
            return self.due_on
        return self.scheduled_at.astimezone(LONDON).date()
