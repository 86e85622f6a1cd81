from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, delete, select, text, update
from sqlalchemy.exc import DBAPIError

from participation.audit.service import SYSTEM, Actor, record, verify_chain
from participation.db import db
from participation.models import AuditEvent


@contextmanager
def append_only_lifted(conn: Connection) -> Iterator[None]:
    """What someone with raw access to the database could do: take the trigger off for a while."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        yield
        conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        return
    triggers = conn.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": "audit_events"},
    ).all()
    for name, _sql in triggers:
        conn.execute(text(f"DROP TRIGGER {name}"))
    yield
    for _name, sql in triggers:
        conn.execute(text(sql))


def test_chain_verifies_and_detects_tampering(app, session):
    engine = db.engine
    for n in range(5):
        record(engine, Actor("staff", f"id{n}", "iro"), "view-item", subject_id=f"s{n}")
    assert verify_chain(session) == (True, 5, None)
    third = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[2]
    session.remove()
    with engine.begin() as conn, append_only_lifted(conn):
        conn.execute(update(AuditEvent).where(AuditEvent.id == third.id).values(actor_id="someone"))
    intact, checked, bad = verify_chain(session)
    assert not intact and checked == 2 and bad == third.id


def test_a_removed_event_breaks_the_chain(app, session):
    engine = db.engine
    for n in range(4):
        record(engine, SYSTEM, "tick", detail=str(n))
    second = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[1]
    session.remove()
    with engine.begin() as conn, append_only_lifted(conn):
        conn.execute(delete(AuditEvent).where(AuditEvent.id == second.id))
    intact, checked, bad = verify_chain(session)
    assert not intact and checked == 1 and bad == second.id + 1


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(actor_id="someone"),
        update(AuditEvent).values(hash="0" * 64),
        delete(AuditEvent),
    ],
    ids=["update-actor", "update-hash", "delete"],
)
def test_the_database_refuses_to_change_or_remove_events(app, session, statement):
    record(db.engine, SYSTEM, "tick")
    session.remove()
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(statement)
    assert verify_chain(session) == (True, 1, None)


def test_concurrent_writers_keep_one_chain(app, session):
    from concurrent.futures import ThreadPoolExecutor

    engine = db.engine
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: record(engine, SYSTEM, "tick", detail=str(n)), range(40)))
    assert verify_chain(session) == (True, 40, None)
