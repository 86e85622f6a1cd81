from __future__ import annotations

from sqlalchemy import select, update

from participation.audit.service import SYSTEM, Actor, record, verify_chain
from participation.db import db
from participation.models import AuditEvent


def test_chain_verifies_and_detects_tampering(app, session):
    engine = db.engine
    for n in range(5):
        record(engine, Actor("staff", f"id{n}", "iro"), "view-item", subject_id=f"s{n}")
    assert verify_chain(session) == (True, 5, None)
    third = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[2]
    session.execute(update(AuditEvent).where(AuditEvent.id == third.id).values(actor_id="someone"))
    session.commit()
    intact, checked, bad = verify_chain(session)
    assert not intact and checked == 2 and bad == third.id


def test_concurrent_writers_keep_one_chain(app, session):
    from concurrent.futures import ThreadPoolExecutor

    engine = db.engine
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: record(engine, SYSTEM, "tick", detail=str(n)), range(40)))
    assert verify_chain(session) == (True, 40, None)
