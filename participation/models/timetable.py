"""The review timetable: each review's milestones, and the significant events that may bring a
review forward.

Due dates are worked out by ``participation.timetable.rules`` and stored so that dashboards can
filter and count them in SQL; ``participation.timetable.service`` keeps them up to date.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, HasPublicId, Timestamp, str_enum
from .people import Child, Role, StaffMember
from .review import Review


class EventKind(StrEnum):
    """Things that happen in a child's life that may mean an earlier review (domain.md)."""

    CARE_PLAN_CHANGE = "care-plan-change"
    DECISIONS_NOT_CARRIED_OUT = "decisions-not-carried-out"
    CONTACT_CHANGE = "contact-change"
    CHANGE_OF_SOCIAL_WORKER = "change-of-social-worker"
    SAFEGUARDING_ENQUIRY = "safeguarding-enquiry"
    COMPLAINT = "complaint"
    PLACEMENT_CHANGE = "placement-change"
    BIRTH_FAMILY_EVENT = "birth-family-event"
    OFFENDING = "offending"
    SCHOOL_EXCLUSION = "school-exclusion"
    MISSING = "missing"
    SERIOUS_HEALTH_EVENT = "serious-health-event"
    OTHER = "other"


class EventDecision(StrEnum):
    """The IRO's answer to a significant event."""

    BRING_FORWARD = "bring-forward"
    NO_CHANGE = "no-change"


class Milestone(Base):
    """One task of one review (``consult-child``, ``decisions-circulated`` ...) and its due day."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("review_id", "name", name="uq_milestone_review_name"),
        # A caseload's dashboard starts from its reviews: this index finds (and counts, without
        # reading the table) each review's tasks not done and overdue; with the name, told apart
        # from those missed (timetable.rules.missed).
        Index(
            "ix_milestones_review_id_done_on_due_on_name", "review_id", "done_on", "due_on", "name"
        ),
        # The council's dashboard lists the tasks not done by due day and stops at a page
        # (done_on IS NULL ORDER BY due_on): this index gives that order.
        Index("ix_milestones_done_on_due_on", "done_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"))
    # One of the names in rules.BEFORE_MEETING and rules.AFTER_MEETING.
    name: Mapped[str] = mapped_column(String(48))
    owner_role: Mapped[Role] = mapped_column(str_enum(Role))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    # A few words from the member of staff who marked it done ("sent by email to all").
    note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    review: Mapped[Review] = relationship()
    done_by: Mapped[StaffMember | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class SignificantEvent(HasPublicId, Base):
    """Something significant in a child's life, recorded by staff, for the IRO to consider."""

    __tablename__ = "significant_events"
    __table_args__ = (Index("ix_significant_events_child_id_decision", "child_id", "decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    occurred_on: Mapped[date] = mapped_column(Date)
    # Staff words, kept short: the case record holds the detail.
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    recorded_at: Mapped[Timestamp]
    considered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    considered_at: Mapped[datetime | None]
    decision: Mapped[EventDecision | None] = mapped_column(str_enum(EventDecision))
    # Why the IRO decided as they did (required for "no change").
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    # A review brought forward: which one, and the new date it is due by. Kept here so that
    # recomputing the timetable from held dates keeps the earlier date.
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    brought_forward_to: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    child: Mapped[Child] = relationship()
    recorded_by: Mapped[StaffMember] = relationship(foreign_keys=[recorded_by_id])
    considered_by: Mapped[StaffMember | None] = relationship(foreign_keys=[considered_by_id])
    review: Mapped[Review | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
