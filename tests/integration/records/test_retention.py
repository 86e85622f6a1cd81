"""Retention once a child has left care, on a fixed date: never-shared things deleted after their
time; shared things written to the case record and then deleted; the record of choices and the
audit kept; a dry run changes nothing; a second run does nothing."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from participation.models import Audience, AuditEvent, Item, Share
from participation.records import retention
from tests.integration.sharing.helpers import make_item, share

LEFT = date(2026, 1, 31)


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield


def _world(team, session, store):
    team.child.left_care_on = LEFT
    session.commit()
    private = make_item(session, team.child, team.review, "Never shown", photos=1, storage=store)
    shared = make_item(session, team.child, team.review, "Shown to my IRO", photos=1, storage=store)
    share(session, shared, Audience.IRO)
    taken_back = make_item(session, team.child, team.review, "Shown then taken back")
    share(session, taken_back, Audience.IRO)
    share(session, taken_back, Audience.IRO, shared=False)
    return private, shared, taken_back


def _live(session):
    session.expire_all()
    return {i.text for i in session.scalars(select(Item).where(Item.deleted_at.is_(None)))}


def test_month_arithmetic_keeps_to_the_end_of_short_months():
    assert retention.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert retention.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert retention.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_the_rules_on_a_fixed_date(team, session, store, tmp_path):
    private, shared, taken_back = _world(team, session, store)
    private_keys = [k for m in private.media for k in m.stored_keys()]
    shared_keys = [k for m in shared.media for k in m.stored_keys()]
    rules = retention.Rules(private_months=6, shared_months=12, case_record_dir=tmp_path / "cr")

    # The day before six months: nothing is due.
    assert retention.apply(session, store, rules, date(2026, 7, 30)) == []
    # Six months on: what was never shared goes, words and files.
    [first] = retention.apply(session, store, rules, date(2026, 7, 31))
    assert first.private_deleted == [private.public_id] and first.shared_exported == []
    assert _live(session) == {"Shown to my IRO", "Shown then taken back"}
    assert not any(store.exists(k) for k in private_keys)
    assert all(store.exists(k) for k in shared_keys)

    # A dry run at twelve months says what it would do and does nothing.
    [dry] = retention.apply(session, store, rules, date(2027, 1, 31), dry_run=True)
    assert set(dry.shared_exported) == {shared.public_id, taken_back.public_id}
    assert _live(session) == {"Shown to my IRO", "Shown then taken back"}
    assert not (tmp_path / "cr").exists()

    # Twelve months on: what was shared goes to the case record, then goes from here.
    [second] = retention.apply(session, store, rules, date(2027, 1, 31))
    assert second.case_record == tmp_path / "cr" / f"{team.child.public_id}-2027-01-31.zip"
    with zipfile.ZipFile(second.case_record) as archive:
        data = json.loads(archive.read("records.json"))
        assert data["only_shared_items"] is True
        texts = {row["text"] for row in data["tables"]["view_items"]}
        assert texts == {"Shown to my IRO", "Shown then taken back"}
        assert len(data["media"]) == 1
        assert "Never shown" not in archive.read("index.html").decode()
    assert _live(session) == set()
    assert not any(store.exists(k) for k in shared_keys)
    assert list((tmp_path / "cr").glob("*.partial")) == []
    # The record of choices stays, and so does the audit.
    assert len(session.scalars(select(Share)).all()) == 3
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("retention-delete-item") == 3
    assert actions.count("retention-export-case-record") == 1

    # Again: nothing to do.
    assert retention.apply(session, store, rules, date(2027, 6, 1)) == []


def test_children_still_in_care_are_never_touched(team, session, store, tmp_path):
    make_item(session, team.child, team.review, "Still here")
    rules = retention.Rules(private_months=0, shared_months=0, case_record_dir=tmp_path)
    assert retention.apply(session, store, rules, date(2099, 1, 1)) == []
    assert _live(session) == {"Still here"}


def test_the_command(app, team, session, store, tmp_path, monkeypatch):
    _world(team, session, store)
    monkeypatch.setitem(app.config, "CASE_RECORD_DIR", str(tmp_path / "cr"))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["records", "retention", "--dry-run", "--today", "2027-02-01"])
    assert dry.exit_code == 0, dry.output
    assert "Would delete 1 never-shared and 2 shared things" in dry.output
    assert len(_live(session)) == 3
    done = runner.invoke(args=["records", "retention", "--today", "2027-02-01"])
    assert "Deleted 1 never-shared and 2 shared things" in done.output
    assert _live(session) == set()
    again = runner.invoke(args=["records", "retention", "--today", "2027-02-01"])
    assert "Nothing is due." in again.output


def test_the_export_command(app, team, session, store, tmp_path):
    make_item(session, team.child, team.review, "Mine")
    out = tmp_path / "mia.zip"
    result = app.test_cli_runner().invoke(
        args=["records", "export", team.child.public_id, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        assert "Mine" in archive.read("index.html").decode()
    missing = app.test_cli_runner().invoke(args=["records", "export", "nope", "--out", str(out)])
    assert missing.exit_code != 0 and "No child with the id nope" in missing.output
