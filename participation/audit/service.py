"""Writing and checking the hash-chained audit record.

Each event stores the hash of the one before it; `prev_hash` is unique, so two writers racing
for the same predecessor cannot fork the chain: the loser retries on the new head. Events are
written in their own short transaction so that a refused or failed action is still recorded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import AuditEvent, utcnow

GENESIS = "0" * 64
_FIELDS = (
    "at",
    "actor_kind",
    "actor_id",
    "actor_role",
    "action",
    "subject_type",
    "subject_id",
    "outcome",
    "remote_addr",
    "detail",
)


@dataclass(frozen=True)
class Actor:
    """Who did something: kind is staff, child, system or anonymous; id is a public id."""

    kind: str
    id: str | None = None
    role: str | None = None


ANONYMOUS = Actor("anonymous")
SYSTEM = Actor("system")


def _digest(prev_hash: str, values: dict[str, str | None]) -> str:
    payload = json.dumps(values, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _values(event: AuditEvent) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for name in _FIELDS:
        value = getattr(event, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    return values


def record(
    engine: Engine,
    actor: Actor,
    action: str,
    *,
    subject_type: str | None = None,
    subject_id: str | None = None,
    outcome: str = "ok",
    remote_addr: str | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event. `detail` is a short code or label, never a child's words or media."""
    for _attempt in range(20):
        with Session(engine, expire_on_commit=False) as session:
            head = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
            event = AuditEvent(
                at=utcnow().replace(microsecond=0),
                actor_kind=actor.kind,
                actor_id=actor.id,
                actor_role=actor.role,
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                outcome=outcome,
                remote_addr=remote_addr,
                detail=detail[:200],
                prev_hash=head.hash if head else GENESIS,
            )
            event.hash = _digest(event.prev_hash, _values(event))
            session.add(event)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                continue
            return event
    raise RuntimeError("could not append to the audit chain")


def verify_chain(session: Session) -> tuple[bool, int, int | None]:
    """Walk the chain in order. Returns (intact, events checked, id of the first bad event)."""
    prev = GENESIS
    count = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        if event.prev_hash != prev or _digest(prev, _values(event)) != event.hash:
            return False, count, event.id
        prev = event.hash
        count += 1
    return True, count, None
