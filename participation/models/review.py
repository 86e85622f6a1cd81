"""Reviews: the meetings in a child's sequence."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, HasPublicId, str_enum
from .people import Child, StaffMember

LONDON = ZoneInfo("Europe/London")


class ReviewStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    ADJOURNED = "adjourned"
    CANCELLED = "cancelled"


# A review still to come: planned, or adjourned to another day. One rule for every page that
# names a child's next review (caseload, timetable, the child's own page).
OPEN_REVIEW = (ReviewStatus.PLANNED, ReviewStatus.ADJOURNED)


def meeting_day(due_on: date, scheduled_at: datetime | None) -> date:
    """The day a meeting is planned for: the day set (in England), or the due date until one is."""
    if scheduled_at is None:
        return due_on
    return scheduled_at.astimezone(LONDON).date()


class Lateness(StrEnum):
    """Why a review still to be held is out of time (the regulations' "within" limits)."""

    PAST_DUE = "past-due"  # its due date has gone by
    MEETING_AFTER_DUE = "meeting-after-due"  # its meeting is set for after its due date


def lateness(due_on: date, meeting_on: date, today: date) -> Lateness | None:
    """For a review not yet held: out of time already, or arranged to be; None when on time."""
    if due_on < today:
        return Lateness.PAST_DUE
    if meeting_on > due_on:
        return Lateness.MEETING_AFTER_DUE
    return None


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
    # The IRO may adjourn a review once, for at most 20 working days (Bexley s.8): the day the
    # meeting met and was adjourned, who adjourned it, what was missing, and the effect of the
    # wait on the child (what they and their family said). The review is then due within the
    # 20 working days (timetable.rules.review_schedule).
    adjourned_on: Mapped[date | None] = mapped_column(Date)
    adjourned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    adjourned_why: Mapped[str] = mapped_column(Text, default="")
    adjourned_child_effect: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    child: Mapped[Child] = relationship(back_populates="reviews")
    adjourned_by: Mapped[StaffMember | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def meeting_date(self) -> date:
        return meeting_day(self.due_on, self.scheduled_at)

    def lateness(self, today: date) -> Lateness | None:
        """See `lateness`; None once the review is held or cancelled."""
        if self.status in (ReviewStatus.HELD, ReviewStatus.CANCELLED):
            return None
        return lateness(self.due_on, self.meeting_date, today)
