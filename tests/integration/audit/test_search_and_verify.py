"""The administrators' audit search and the `audit verify` command."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from participation.audit import search
from participation.audit.service import SYSTEM, Actor, record
from participation.db import db
from participation.models import Role
from tests.integration.test_audit import append_only_lifted
from tests.support import factories


@pytest.fixture
def admin(session):
    staff = factories.make_staff(session, Role.ADMIN)
    session.commit()
    return staff


def _events(count: int, **kwargs) -> None:
    for n in range(count):
        record(
            db.engine,
            Actor("staff", kwargs.get("actor", "actor1"), "iro"),
            "view-item",
            subject_type="child",
            subject_id=kwargs.get("subject", f"child{n % 2}"),
        )


def test_only_administrators_see_the_audit_record(client, auth, session, keyworker):
    manager = factories.make_staff(session, Role.MANAGER)
    session.commit()
    for person in (keyworker, manager):
        auth.sign_in(person)
        assert client.get("/admin/audit").status_code == 404
        auth.sign_out()
    assert client.get("/admin/audit").headers["Location"].startswith("/sign-in")


def test_admin_searches_by_actor_action_subject_and_outcome(client, auth, admin):
    _events(3)
    record(db.engine, Actor("staff", "other", "keyworker"), "hand-over", subject_id="child9")
    record(db.engine, SYSTEM, "sign-in", outcome="refused", detail="wrong-password")
    auth.sign_in(admin)
    page = client.get("/admin/audit").text
    assert "Audit record" in page and "view-item" in page and "hand-over" in page
    by_subject = client.get("/admin/audit?subject_id=child9").text
    assert "<td>hand-over</td>" in by_subject and "<td>view-item</td>" not in by_subject
    by_actor = client.get("/admin/audit?actor_id=actor1&action=view-item").text
    assert by_actor.count("<td>view-item</td>") == 3 and "<td>hand-over</td>" not in by_actor
    refused = client.get("/admin/audit?outcome=refused").text
    assert "<td>wrong-password</td>" in refused and "<td>view-item</td>" not in refused
    # The form is labelled and GET: searching changes nothing.
    assert 'method="get"' in page and '<label for="actor_id"' in page


def test_search_by_date_uses_whole_uk_days(session):
    assert search.start_of_day(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert search.start_of_day(date(2026, 12, 1)) == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    _events(2)
    today = datetime.now(UTC).date()
    found = search.search(session, search.AuditFilters(from_day=today, to_day=today))
    assert len(found.events) == 2
    none = search.search(session, search.AuditFilters(to_day=date(2020, 1, 1)))
    assert none.events == []


def test_a_bad_date_range_is_explained(client, auth, admin):
    auth.sign_in(admin)
    page = client.get("/admin/audit?from_day=2026-05-02&to_day=2026-05-01")
    assert page.status_code == 200
    assert "<title>Error: Audit record" in page.text and 'href="#to_day"' in page.text
    nonsense = client.get("/admin/audit?from_day=yesterday")
    assert 'href="#from_day"' in nonsense.text


def test_pages_of_events_go_back_and_forth(session):
    _events(7)
    first = search.search(session, search.AuditFilters(), page_size=3)
    assert not first.has_newer and first.has_older
    second = search.search(session, search.AuditFilters(), before=first.events[-1].id, page_size=3)
    third = search.search(session, search.AuditFilters(), before=second.events[-1].id, page_size=3)
    assert len(third.events) == 1 and not third.has_older and third.has_newer
    back = search.search(session, search.AuditFilters(), after=third.events[0].id, page_size=3)
    assert [e.id for e in back.events] == [e.id for e in second.events]
    ids = [e.id for page in (first, second, third) for e in page.events]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 7


def test_the_page_links_to_older_events_keeping_the_filters(client, auth, admin):
    _events(60, actor="busy")
    auth.sign_in(admin)
    page = client.get("/admin/audit?actor_id=busy").text
    assert page.count("<td>view-item</td>") == search.PAGE_SIZE
    assert "Older events" in page and "actor_id=busy" in page.split("Older events")[0][-300:]


def test_viewing_the_record_is_recorded(client, auth, session, admin):
    auth.sign_in(admin)
    client.get("/admin/audit?subject_id=child1")
    found = search.search(session, search.AuditFilters(action="view-audit-record"))
    assert found.events and found.events[0].detail == "subject=child1"


def test_verify_says_intact_with_the_count(app):
    _events(4)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.strip() == "intact, 4 events"


def test_verify_names_the_first_bad_event_and_fails(app, session):
    _events(4)
    engine = db.engine
    with engine.begin() as conn:
        third = conn.execute(
            text("SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET 2")
        ).scalar()
        with append_only_lifted(conn):
            conn.execute(
                text("UPDATE audit_events SET detail = 'edited' WHERE id = :id"), {"id": third}
            )
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at event {third}" in result.output


def test_events_show_who_the_staff_and_children_are_by_name(client, auth, session, admin):
    """The record keeps ids only; the page puts the names beside them (two queries a page)."""
    iro = factories.make_staff(session, Role.IRO, name="Ruth Bennett")
    child = factories.make_child(session, preferred_name="Sami")
    session.commit()
    record(
        db.engine,
        Actor("staff", iro.public_id, "iro"),
        "read-shared-item",
        subject_type="child",
        subject_id=child.public_id,
    )
    auth.sign_in(admin)
    page = client.get(f"/admin/audit?actor_id={iro.public_id}").text
    assert "<strong>Ruth Bennett</strong>" in page and "<strong>Sami</strong>" in page
    assert f'actor_id={iro.public_id}">{iro.public_id}</a>' in page
