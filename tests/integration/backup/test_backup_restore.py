"""Backup and restore: a restore into an empty database matches the original row for row and
file for file. On SQLite always; on PostgreSQL too when TEST_DATABASE_URL is set."""

from __future__ import annotations

import json
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from alembic import command
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from participation import backup, migrate
from participation.audit.service import SYSTEM, record, verify_chain
from participation.db import db
from participation.media.storage import FolderStorage, new_key
from participation.models import Role
from tests.support import factories


@pytest.fixture
def council(app, session, tmp_path) -> dict[str, str]:
    """Some of everything, and a few media files; returns the media keys and their hashes."""
    home = factories.make_home(session, name="Willow House")
    for n in range(3):
        child = factories.make_child(session, home=home, preferred_name=f"Child {n}")
        keyworker = factories.make_staff(session, Role.KEYWORKER)
        factories.assign(session, keyworker, child)
        factories.make_review(session, child, 1)
        factories.make_person(session, child, name=f"Carer {n}")
    factories.make_staff(session, Role.ADMIN)
    session.commit()
    for n in range(4):
        record(db.engine, SYSTEM, "tick", detail=str(n))
    store = FolderStorage(Path(app.config["MEDIA_STORAGE"]))
    for kind in ("photo", "thumb", "video"):
        source = tmp_path / f"{kind}.bin"
        source.write_bytes(secrets.token_bytes(2048))
        store.put(new_key(kind), source)
    # A leftover of an interrupted write: never backed up.
    (Path(app.config["MEDIA_STORAGE"]) / ".tmp-leftover.part").write_bytes(b"half a file")
    return {key: store.sha256(key) for key in store.keys()}  # noqa: SIM118


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        return backup.row_counts(engine)
    finally:
        engine.dispose()


def _migrate(url: str) -> None:
    """Make the tables in an empty database, as `flask db upgrade` would (without a second app)."""
    command.upgrade(migrate.alembic_config(SimpleNamespace(config={"DATABASE_URL": url})), "heads")


def _chain(url: str) -> tuple[bool, int, int | None]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return verify_chain(session)
    finally:
        engine.dispose()


def _restored_media(folder: Path) -> dict[str, str]:
    store = FolderStorage(folder)
    return {key: store.sha256(key) for key in store.keys()}  # noqa: SIM118


def test_backup_then_restore_into_an_empty_sqlite_database(app, council, tmp_path):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the SQLite round trip runs when the suite runs on SQLite")
    dest = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    source_counts = _counts(app.config["DATABASE_URL"])
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["media"]["files"] == council
    assert stat.S_IMODE(dest.stat().st_mode) == 0o700
    assert stat.S_IMODE((dest / "database.sqlite3").stat().st_mode) == 0o600

    target = f"sqlite:///{tmp_path / 'restored.db'}"
    media = tmp_path / "restored-media"
    outcome = backup.restore(dest, target, str(media))
    assert _counts(target) == source_counts
    assert outcome.rows == source_counts
    assert _restored_media(media) == council
    assert _chain(target) == _chain(app.config["DATABASE_URL"])
    assert _chain(target)[0]


def test_restore_into_a_migrated_empty_database_and_never_over_data(app, council, tmp_path):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the SQLite round trip runs when the suite runs on SQLite")
    dest = tmp_path / "backup"
    backup.backup(app.config["DATABASE_URL"], app.config["MEDIA_STORAGE"], dest)
    target = f"sqlite:///{tmp_path / 'migrated.db'}"
    _migrate(target)
    assert backup.database_is_empty(target)
    backup.restore(dest, target, str(tmp_path / "m"))
    with pytest.raises(backup.BackupError, match="already holds data"):
        backup.restore(dest, target, str(tmp_path / "m2"))
    with pytest.raises(backup.BackupError, match="media folder"):
        backup.restore(dest, f"sqlite:///{tmp_path / 'another.db'}", str(tmp_path / "m"))
    backup.restore(dest, target, str(tmp_path / "m"), force=True)
    assert _counts(target) == _counts(app.config["DATABASE_URL"])


def test_the_restore_command_refuses_a_database_with_data(app, council, tmp_path):
    dest = tmp_path / "backup"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
    refused = runner.invoke(args=["restore", str(dest)])
    assert refused.exit_code != 0
    assert "already holds data" in refused.output


def test_a_changed_backup_is_refused_before_anything_is_touched(app, council, tmp_path):
    dest = tmp_path / "backup"
    backup.backup(app.config["DATABASE_URL"], app.config["MEDIA_STORAGE"], dest)
    key = next(iter(council))
    copy = dest / "media" / key
    copy.write_bytes(copy.read_bytes()[:-1] + b"!")
    target_media = tmp_path / "restored-media"
    target = (
        f"sqlite:///{tmp_path / 'restored.db'}"
        if app.config["DATABASE_URL"].startswith("sqlite")
        else app.config["DATABASE_URL"]
    )
    with pytest.raises(backup.BackupError, match="does not match"):
        backup.restore(dest, target, str(target_media), force=True)
    assert not target_media.exists() or not any(target_media.rglob("*.*"))


def test_an_unfinished_backup_has_no_manifest_and_cannot_be_restored(tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "database.sqlite3").write_bytes(b"")
    with pytest.raises(backup.BackupError, match="not a finished backup"):
        backup.restore(tmp_path / "backup", f"sqlite:///{tmp_path / 'x.db'}", str(tmp_path))


def test_a_backup_never_writes_into_a_folder_with_things_in_it(app, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("mine")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "full")])
    assert result.exit_code != 0 and "not an empty folder" in result.output


def test_media_in_s3_are_left_to_the_buckets_own_backup(app, tmp_path):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite only")
    outcome = backup.backup(
        app.config["DATABASE_URL"], "s3://bucket?endpoint=http://127.0.0.1:9", tmp_path / "b"
    )
    assert outcome.media_files == 0 and "S3 bucket" in outcome.media_note


@pytest.fixture
def empty_postgres_database(app) -> Iterator[str]:
    url = app.config["DATABASE_URL"]
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL round trip: set TEST_DATABASE_URL")
    name = f"restore_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_then_restore_into_an_empty_postgresql_database(
    app, council, tmp_path, empty_postgres_database
):
    dest = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    assert (dest / "database.pgdump").stat().st_size > 0
    source_counts = _counts(app.config["DATABASE_URL"])
    media = tmp_path / "restored-media"
    backup.restore(dest, empty_postgres_database, str(media))
    assert _counts(empty_postgres_database) == source_counts
    assert _restored_media(media) == council
    assert _chain(empty_postgres_database) == _chain(app.config["DATABASE_URL"])
    # The restored audit record is still append-only.
    engine = create_engine(empty_postgres_database)
    try:
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events"))
    finally:
        engine.dispose()


def test_pg_tools_are_found_for_the_server_version():
    if not any(Path(p).exists() for p in ("/usr/bin/pg_dump", "/usr/lib/postgresql")):
        pytest.skip("no PostgreSQL client tools here")
    path = backup.find_pg_binary("pg_dump", 9)
    assert os.access(path, os.X_OK)
    with pytest.raises(backup.BackupError, match="No pg_dump"):
        backup.find_pg_binary("pg_dump", 999)
