"""Sharing: the child's choice, item by item and plan section by plan section, of who may see it;
and the review pack made from those choices.

A `Share` row is one decision about one subject (an item, or one section of a meeting plan) for
one audience. Rows are never changed or deleted: a new decision inserts the next version, and the
current state is the latest version per subject and audience. No row at all means "only me".

`PackSnapshot` keeps what a sent pack held (ids and versions, never content); `PackRead` keeps
what a reader had in front of them when they marked it read, so that "changed since you read it"
can be shown. Who may see what is decided in `security.policy` and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from .base import Base, HasPublicId, Timestamp, str_enum
from .child_space import AgeBand
from .people import Child, StaffMember
from .review import Review
from .views import Item


class Audience(StrEnum):
    """Who a child may share with. "Only me" is not an audience: it is having no share."""

    KEYWORKER = "keyworker"
    SOCIAL_WORKER = "social-worker"
    IRO = "iro"
    # Everyone at my meeting: the review pack handed round at the meeting. It reaches the
    # keyworker, social worker and IRO too.
    MEETING = "meeting"


class ShareDecision(StrEnum):
    SHARED = "shared"
    PRIVATE = "private"  # kept private, or (after a share) withdrawn


class ShareRecordChanged(Exception):
    """Something tried to change or delete a recorded sharing choice: they are kept as made."""


class Share(Base):
    """One sharing decision: (an item or a plan section) x audience, versioned."""

    __tablename__ = "shares"
    __table_args__ = (
        UniqueConstraint("subject_key", "audience", "version", name="uq_shares_subject_version"),
        CheckConstraint(
            "(item_id IS NOT NULL AND review_id IS NULL AND plan_section IS NULL) OR "
            "(item_id IS NULL AND review_id IS NOT NULL AND plan_section IS NOT NULL)",
            name="one_subject",
        ),
        CheckConstraint(
            "(decided_by_child AND decided_by_staff_id IS NULL) OR "
            "(NOT decided_by_child AND decided_by_staff_id IS NOT NULL AND reason <> '')",
            name="decider_named",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    # "item:<item id>" or "plan:<review id>:<section slug>": one key to find the latest version.
    subject_key: Mapped[str] = mapped_column(String(80), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("view_items.id"), index=True)
    # A section of the meeting plan for this review (a review has one plan). The review, not
    # the plan row, so that a choice can be made before the plan is first saved.
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), index=True)
    plan_section: Mapped[str | None] = mapped_column(String(40))
    audience: Mapped[Audience] = mapped_column(str_enum(Audience))
    decision: Mapped[ShareDecision] = mapped_column(str_enum(ShareDecision))
    # True when this row takes back an earlier share.
    withdrawal: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer)
    decided_by_child: Mapped[bool] = mapped_column(Boolean, default=True)
    # An adult deciding for the child (a young child, say) must give a reason.
    decided_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # The exact words the child was shown when choosing.
    words_shown: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[Timestamp]

    child: Mapped[Child] = relationship()
    item: Mapped[Item | None] = relationship()
    review: Mapped[Review | None] = relationship()
    decided_by_staff: Mapped[StaffMember | None] = relationship()


class SharingExplained(Base):
    """The child read what sharing means, in their age band, and said "I understand"."""

    __tablename__ = "sharing_explained"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    band: Mapped[AgeBand] = mapped_column(str_enum(AgeBand))
    understood_at: Mapped[Timestamp]


class PackSnapshot(HasPublicId, Base):
    """A pack as it was sent to one audience: what was in it (ids and versions), and when."""

    __tablename__ = "pack_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience))
    sent_at: Mapped[Timestamp]
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    # [{"subject": "item:<public id>" | "plan:<section>", "version": n}, ...]
    contents: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    review: Mapped[Review] = relationship()
    sent_by: Mapped[StaffMember] = relationship()


class PackRead(Base):
    """A reader marked a pack as read: who, when, and what it held then."""

    __tablename__ = "pack_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    read_at: Mapped[Timestamp]
    contents: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    staff: Mapped[StaffMember] = relationship()


@event.listens_for(Share, "before_update")
@event.listens_for(Share, "before_delete")
@event.listens_for(PackSnapshot, "before_update")
@event.listens_for(PackSnapshot, "before_delete")
@event.listens_for(PackRead, "before_update")
@event.listens_for(PackRead, "before_delete")
def _kept_as_made(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    raise ShareRecordChanged(f"{type(target).__name__} rows are never changed: add a new one")


__all__ = [
    "Audience",
    "PackRead",
    "PackSnapshot",
    "Share",
    "ShareDecision",
    "ShareRecordChanged",
    "SharingExplained",
]
