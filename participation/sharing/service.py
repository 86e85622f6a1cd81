"""The rules of sharing: recording a choice (a new version, never an edit), the explanation a
child reads first, and who has seen the child's things (from the audit record)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import (
    AgeBand,
    Audience,
    AuditEvent,
    Child,
    Item,
    MediaFile,
    PackRead,
    Review,
    Share,
    ShareDecision,
    SharingExplained,
    StaffMember,
)
from ..planning import steps
from . import state

SHAREABLE_SECTIONS: tuple[str, ...] = (
    steps.WHO_COMES,
    steps.TAKING_PART,
    steps.WHERE_AND_WHEN,
    steps.FOOD_AND_DRINK,
    steps.THE_ROOM,
)
# Audit actions that are a staff member looking at a child's item or its photos and videos.
SEEING_ACTIONS = ("read-shared-item", "view-media")


class SharingError(Exception):
    """A choice that cannot be made; `code` says why in a word the pages put into words."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class StaleChoice(SharingError):
    """The form was made before the choice last changed: nothing is changed."""

    def __init__(self) -> None:
        super().__init__("stale")


@dataclass(frozen=True)
class Subject:
    """What a choice is about: one item, or one section of the plan for one review."""

    child: Child
    key: str
    item: Item | None = None
    review: Review | None = None
    section: str | None = None


def item_choice(item: Item) -> Subject:
    return Subject(child=item.child, key=state.item_subject(item), item=item)


def plan_choice(child: Child, review: Review, section: str) -> Subject:
    if section not in SHAREABLE_SECTIONS or review.child_id != child.id:
        raise SharingError("unknown-section")
    return Subject(
        child=child, key=state.plan_subject(review.id, section), review=review, section=section
    )


def current(session: Session, subject: Subject) -> dict[Audience, Share]:
    """Audience -> the latest choice for this subject."""
    return state.latest_shares(session, [subject.key])[subject.key]


def decide(
    session: Session,
    subject: Subject,
    audience: Audience,
    decision: ShareDecision,
    *,
    loaded_version: int,
    words_shown: str,
    by_staff: StaffMember | None = None,
    reason: str = "",
) -> Share:
    """Record a choice as the next version for (subject, audience) and commit it.

    `loaded_version` is the version the child's form was made from (0: no choice yet): if the
    choice changed since, StaleChoice and nothing changes. An adult choosing for the child must
    give a reason. Choosing what is already the case is still recorded (the child chose it).
    """
    now = current(session, subject).get(audience)
    version = now.version if now is not None else 0
    if loaded_version != version:
        raise StaleChoice
    if by_staff is not None and not reason.strip():
        raise SharingError("reason-needed")
    row = Share(
        child_id=subject.child.id,
        subject_key=subject.key,
        item_id=subject.item.id if subject.item else None,
        review_id=subject.review.id if subject.review else None,
        plan_section=subject.section,
        audience=audience,
        decision=decision,
        withdrawal=decision == ShareDecision.PRIVATE
        and now is not None
        and now.decision == ShareDecision.SHARED,
        version=version + 1,
        decided_by_child=by_staff is None,
        decided_by_staff_id=by_staff.id if by_staff else None,
        reason=reason.strip(),
        words_shown=words_shown,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError as error:  # another tablet made the same version a moment ago
        session.rollback()
        raise StaleChoice from error
    return row


def has_understood(session: Session, child: Child, band: AgeBand) -> bool:
    """Has the child said "I understand" to the explanation in this band? (A new band, a new
    explanation: the words change as they grow.)"""
    found = session.scalar(
        select(SharingExplained.id)
        .where(SharingExplained.child_id == child.id, SharingExplained.band == band)
        .limit(1)
    )
    return found is not None


def record_understood(session: Session, child: Child, band: AgeBand) -> SharingExplained:
    """Store that the explanation for `band` was shown and the child said "I understand"."""
    row = SharingExplained(child_id=child.id, band=band)
    session.add(row)
    session.commit()
    return row


def choices_for_items(session: Session, items: Sequence[Item]) -> dict[int, set[Audience]]:
    """Item id -> every audience that can see it now (for "who can see this" in lists)."""
    latest = state.latest_shares(session, (state.item_subject(item) for item in items))
    return {item.id: state.who_can_see(latest[state.item_subject(item)]) for item in items}


@dataclass(frozen=True)
class Sight:
    """One time a staff member looked at one of the child's things."""

    item_id: str
    name: str
    role: str | None
    at: datetime


def _staff_seeing(item_ids: list[str], media_ids: list[str]) -> ColumnElement[bool]:
    """Audit events of staff seeing one of these items (by public id) or their files."""
    return and_(
        AuditEvent.actor_kind == "staff",
        AuditEvent.outcome == "ok",
        AuditEvent.action.in_(SEEING_ACTIONS),
        or_(
            and_(AuditEvent.subject_type == "view-item", AuditEvent.subject_id.in_(item_ids)),
            and_(AuditEvent.subject_type == "media", AuditEvent.subject_id.in_(media_ids or [""])),
        ),
    )


def seen_by_staff(session: Session, item: Item) -> bool:
    """Has anyone on the staff seen this item or its photos and videos (in a pack, say)?"""
    media_ids = [media.public_id for media in item.media]
    found = session.scalar(
        select(AuditEvent.id).where(_staff_seeing([item.public_id], media_ids)).limit(1)
    )
    return found is not None


def sights(session: Session, child: Child) -> dict[str, list[Sight]]:
    """Item public id -> who looked at it (or its photos and videos) and when, newest first,
    from the audit record. Only staff looking; never the child."""
    items = list(session.scalars(select(Item).where(Item.child_id == child.id)))
    if not items:
        return {}
    by_item = {item.public_id: item.public_id for item in items}
    media = session.execute(
        select(MediaFile.public_id, Item.public_id)
        .join(Item, MediaFile.item_id == Item.id)
        .where(Item.child_id == child.id)
    ).all()
    by_media = dict(media)
    events = session.scalars(
        select(AuditEvent)
        .where(_staff_seeing(list(by_item), list(by_media)))
        .order_by(AuditEvent.id.desc())
    )
    staff_ids = set()
    found: list[tuple[str, AuditEvent]] = []
    for event in events:
        item_id = (by_item if event.subject_type == "view-item" else by_media).get(
            event.subject_id or ""
        )
        if item_id is not None:
            found.append((item_id, event))
            staff_ids.add(event.actor_id)
    readers = session.scalars(
        select(StaffMember).where(StaffMember.public_id.in_(list(staff_ids) or [""]))
    )
    # The child reads these: the name they know each adult by.
    names = {staff.public_id: staff.name_for_children for staff in readers}
    result: dict[str, list[Sight]] = {}
    seen: set[tuple[str, str | None, str]] = set()
    for item_id, event in found:
        # One line per person per day is enough for a child to read.
        key = (item_id, event.actor_id, event.at.date().isoformat())
        if key in seen:
            continue
        seen.add(key)
        result.setdefault(item_id, []).append(
            Sight(
                item_id=item_id,
                name=names.get(event.actor_id or "", ""),
                role=event.actor_role,
                at=event.at,
            )
        )
    return result


def iro_read(session: Session, child: Child) -> PackRead | None:
    """The latest time the child's IRO marked a pack of theirs read."""
    return session.scalar(
        select(PackRead)
        .where(PackRead.child_id == child.id, PackRead.audience == Audience.IRO)
        .order_by(PackRead.id.desc())
        .limit(1)
    )


def iro_read_review_column(child_id: ColumnElement[int]) -> ScalarSelect[int]:
    """The review whose pack the child's IRO read last (NULL: none yet), as a column for the
    one query of My page (child/page_cards.py)."""
    return (
        select(PackRead.review_id)
        .where(PackRead.child_id == child_id, PackRead.audience == Audience.IRO)
        .order_by(PackRead.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def read_is_current(read_review_id: int | None, planned: Review | None) -> bool:
    """Whether the IRO's last read tells the child something now: a read of the pack for an
    earlier meeting does not count once the next one is being planned."""
    return read_review_id is not None and (planned is None or read_review_id == planned.id)
