"""The council's retention rules, applied by a command (``flask records retention``), never by
a page: once a child has left care for long enough,

- what they never shared (never chose to show anyone) is deleted, words and files;
- what they shared is first written to the case record (a zip per child, the same format as a
  subject access export but holding only those things), then deleted here.

The record of their sharing choices stays (it says who saw what, and when), as do the audit
events. Running it twice does nothing the second time. ``today`` is a parameter so the rules are
tested with a fixed date, and a dry run says what would happen without doing it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.service import SYSTEM, record
from ..media.storage import Storage
from ..models import Child, Item, Share, ShareDecision
from ..views import service as views_service
from . import export


@dataclass(frozen=True)
class Rules:
    """How long after leaving care each kind of thing is kept, in months."""

    private_months: int
    shared_months: int
    case_record_dir: Path


@dataclass
class ChildOutcome:
    child: Child
    private_deleted: list[str] = field(default_factory=list)
    shared_exported: list[str] = field(default_factory=list)
    case_record: Path | None = None


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return day.replace(
        year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1])
    )


def _due(child: Child, months: int, today: date) -> bool:
    return child.left_care_on is not None and add_months(child.left_care_on, months) <= today


def apply(
    session: Session, storage: Storage, rules: Rules, today: date, *, dry_run: bool = False
) -> list[ChildOutcome]:
    """Apply the rules to every child who has left care; returns what was (or would be) done."""
    outcomes = []
    leavers = session.scalars(
        select(Child).where(Child.left_care_on.is_not(None)).order_by(Child.id)
    ).all()
    for child in leavers:
        items = session.scalars(
            select(Item)
            .where(Item.child_id == child.id, Item.deleted_at.is_(None))
            .order_by(Item.id)
        ).all()
        ever_shared = set(
            session.scalars(
                select(Share.item_id).where(
                    Share.child_id == child.id,
                    Share.item_id.is_not(None),
                    Share.decision == ShareDecision.SHARED,
                )
            )
        )
        outcome = ChildOutcome(child)
        private, shared = [], []
        if _due(child, rules.private_months, today):
            private = [item for item in items if item.id not in ever_shared]
        if _due(child, rules.shared_months, today):
            shared = [item for item in items if item.id in ever_shared]
        outcome.private_deleted = [item.public_id for item in private]
        outcome.shared_exported = [item.public_id for item in shared]
        if shared:
            name = f"{child.public_id}-{today.isoformat()}.zip"
            outcome.case_record = rules.case_record_dir / name
            if not dry_run:
                _export(session, storage, child, shared, outcome.case_record, today)
        for item in private + shared:
            public_id = item.public_id
            if not dry_run:
                views_service.delete_item(session, storage, item)
                record(
                    session.get_bind(),  # type: ignore[arg-type]
                    SYSTEM,
                    "retention-delete-item",
                    subject_type="view-item",
                    subject_id=public_id,
                    detail="shared" if public_id in outcome.shared_exported else "private",
                )
        if outcome.private_deleted or outcome.shared_exported:
            outcomes.append(outcome)
    return outcomes


def _export(
    session: Session, storage: Storage, child: Child, items: list[Item], path: Path, today: date
) -> None:
    """Write the case-record zip whole, then move it into place: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".zip.partial")
    records = export.collect(session, child, only_items=[item.id for item in items])
    with partial.open("wb") as out:
        export.write_zip(records, storage, out, today)
    partial.replace(path)
    record(
        session.get_bind(),  # type: ignore[arg-type]
        SYSTEM,
        "retention-export-case-record",
        subject_type="child",
        subject_id=child.public_id,
        detail=f"{len(items)} items",
    )
