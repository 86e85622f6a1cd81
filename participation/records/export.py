"""Everything the app holds about one child, as a zip: ``records.json`` (every row, by table),
``media/`` (the photos and videos as stored) and ``index.html`` (the same, readable, with no
outside assets), for a subject access request or for the case record.

Which rows belong to a child is worked out from the schema, not listed by hand: a table belongs
to the child through a ``child_id`` column, or through a parent that does (a review, a meeting
plan, a report, an item, a decision). A new table is therefore exported without anyone
remembering to add it; ``NOT_EXPORTED`` names the few left out on purpose, and why.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import IO, Any

from flask import current_app, has_request_context, render_template
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from ..media.storage import Storage
from ..models import AuditEvent, Base, Child, HeldFile, MediaFile, StaffMember

# Tables with a path to a child that are left out, and why. Everything else is exported.
NOT_EXPORTED: dict[str, str] = {
    "auth_sessions": "sign-in sessions on a device: technical, and hold session tokens",
    "personal_links": "links to open the child's space: hold a token that opens it",
}
# What the child has not saved yet (answers held over a break or a refused save, a week at most;
# photos held between tries, a day at most) is theirs and is held now, so a subject access
# request gets it. The copy for the case record does not: nobody but the child sees it.
NOT_IN_CASE_RECORD = frozenset({"held_answers", "held_files"})
# Columns never exported, wherever they are: they would let someone act as the child or staff.
SECRET_COLUMNS = ("hash", "token", "secret", "picture_code")
# How each parent key reaches the child's rows: the column, and the parent table it points to.
PARENT_KEYS = {
    "review_id": "reviews",
    "plan_id": "meeting_plans",
    "report_id": "keyworker_reports",
    "item_id": "view_items",
    "decision_id": "review_decisions",
    # The emails telling people of a child's worry: part of the safeguarding record.
    "alert_id": "worry_alerts",
}


@dataclass
class ChildRecords:
    """One child's rows, table by table (each row a dict of plain JSON values)."""

    child: Child
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # (file, name in the zip): the items' photos and videos, and the files held for a form
    media: list[tuple[MediaFile | HeldFile, str]] = field(default_factory=list)
    only_shared: bool = False


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _secret(column: str) -> bool:
    return any(part in column for part in SECRET_COLUMNS)


def child_tables() -> list[tuple[Table, str]]:
    """Every table that belongs to a child, with the column that says whose it is; parents
    come before their children so their ids are known when the children are read."""
    found: list[tuple[Table, str]] = []
    known = {"children"}
    pending = [t for t in Base.metadata.sorted_tables if t.name != "children"]
    for table in pending:
        if "child_id" in table.c and table.name not in NOT_EXPORTED:
            found.append((table, "child_id"))
            known.add(table.name)
    for table in pending:
        if table.name in known or table.name in NOT_EXPORTED:
            continue
        for column, parent in PARENT_KEYS.items():
            if column in table.c and parent in known:
                found.append((table, column))
                known.add(table.name)
                break
    return found


def _staff_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(StaffMember.id, StaffMember.name)).all())


def _rows(
    session: Session, table: Table, where: Any, names: dict[int, str]
) -> list[dict[str, Any]]:
    staff_columns = {
        column.name
        for column in table.c
        for key in column.foreign_keys
        if key.column.table.name == "staff_members"
    }
    rows = []
    for row in session.execute(select(table).where(where).order_by(*table.primary_key)):
        values = {k: _plain(v) for k, v in row._mapping.items() if not _secret(k)}
        for column in staff_columns:
            if values.get(column) is not None:
                values[f"{column.removesuffix('_id')}_name"] = names.get(values[column])
        rows.append(values)
    return rows


def collect(
    session: Session, child: Child, *, only_items: Iterable[int] | None = None
) -> ChildRecords:
    """Read every row about `child`. With `only_items`, the child's "My views" items are limited
    to those ids (the case-record export holds only what the child shared)."""
    names = _staff_names(session)
    records = ChildRecords(child=child, only_shared=only_items is not None)
    children = Base.metadata.tables["children"]
    records.tables["children"] = _rows(session, children, children.c.id == child.id, names)
    ids: dict[str, set[int]] = {"children": {child.id}}
    wanted_items = set(only_items) if only_items is not None else None
    for table, column in child_tables():
        if wanted_items is not None and table.name in NOT_IN_CASE_RECORD:
            continue
        if column == "child_id":
            where = table.c.child_id == child.id
        else:
            where = table.c[column].in_(ids.get(PARENT_KEYS[column], set()))
        if table.name == "view_items" and wanted_items is not None:
            where = where & table.c.id.in_(wanted_items)
        if wanted_items is not None and "item_id" in table.c and column != "item_id":
            where = where & (table.c.item_id.is_(None) | table.c.item_id.in_(wanted_items))
        rows = _rows(session, table, where, names)
        records.tables[table.name] = rows
        ids[table.name] = {row["id"] for row in rows if "id" in row}
    records.tables["audit_events"] = _audit_rows(session, records)
    media: list[MediaFile | HeldFile] = []
    for model in (MediaFile, HeldFile):
        media += session.scalars(
            select(model)
            .where(
                model.id.in_(ids.get(model.__tablename__, set())), model.storage_key.is_not(None)
            )
            .order_by(model.id)
        )
    for file in media:
        key = file.storage_key or ""
        extension = key.rsplit(".", 1)[-1] if "." in key else "bin"
        records.media.append((file, f"media/{file.public_id}.{extension}"))
    return records


def _audit_rows(session: Session, records: ChildRecords) -> list[dict[str, Any]]:
    """Who did what with the child's record and things: events naming the child or one of
    their rows by public id (the audit never holds content, so neither does this)."""
    public_ids = {
        row["public_id"] for rows in records.tables.values() for row in rows if row.get("public_id")
    }
    if not public_ids:
        return []
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_id.in_(sorted(public_ids)))
        .order_by(AuditEvent.id)
    )
    staff = dict(session.execute(select(StaffMember.public_id, StaffMember.name)).all())
    return [
        {
            "at": _plain(event.at),
            "who": staff.get(event.actor_id or "", event.actor_kind)
            if event.actor_kind == "staff"
            else event.actor_kind,
            "role": event.actor_role,
            "action": event.action,
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "outcome": event.outcome,
        }
        for event in events
    ]


def write_zip(records: ChildRecords, storage: Storage, out: IO[bytes], today: date) -> None:
    """Write the zip: JSON, the media files as stored, and the readable page."""
    media_names = {file.id: name for file, name in records.media if isinstance(file, MediaFile)}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        payload = {
            "child": records.child.public_id,
            "exported_on": today.isoformat(),
            "only_shared_items": records.only_shared,
            "tables": records.tables,
            "media": {str(file.public_id): name for file, name in records.media},
        }
        archive.writestr("records.json", json.dumps(payload, indent=2, ensure_ascii=False))
        for file, name in records.media:
            assert file.storage_key is not None
            with storage.open(file.storage_key) as source, archive.open(name, "w") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
        files = records.tables.get("media_files", [])
        items = [
            (row, [media_names.get(m["id"]) for m in files if m["item_id"] == row["id"]])
            for row in records.tables.get("view_items", [])
        ]
        # From a command there is no request: the page is made as for one, in the default language.
        context = nullcontext() if has_request_context() else current_app.test_request_context()
        with context:
            page = render_template(
                "records/export.html", records=records, items=items, today=today, is_image=is_image
            )
        archive.writestr("index.html", page)


def is_image(name: str | None) -> bool:
    return bool(name) and str(name).rsplit(".", 1)[-1].lower() in {"jpg", "jpeg", "png", "webp"}
