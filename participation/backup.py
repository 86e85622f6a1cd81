"""Backing up and restoring the database and the media together.

A backup is a folder that only its owner can read (it holds every child's record):

    manifest.json        what is in it: the database file and its SHA-256, the rows in each
                         table, and the SHA-256 of every media file (written last, so a backup
                         cut short has none and cannot be restored)
    database.sqlite3     SQLite: a consistent copy made with SQLite's online backup
    database.pgdump      PostgreSQL: `pg_dump --format=custom`, from the same snapshot that
                         the row counts were taken in
    media/<key>          every finished file in the media folder (temporary leftovers are not)

Media kept in an S3 bucket are not copied: back the bucket up with the provider's own tools
(versioning or replication) at the same time; the manifest says so.

The database is copied before the media, so a file deleted in between (a child deleting an item)
is missing rather than brought back by a restore, and a file added in between is an unused extra.

Restore checks every hash before touching anything, refuses a database or media folder that
already holds data unless forced, and checks the row counts afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from glob import glob
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine, create_engine, inspect, make_url, text

from .audit.service import SYSTEM, record

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
_CHUNK = 1024 * 1024
# Bookkeeping rather than data: a database holding only these counts as empty.
_NOT_DATA = frozenset({"alembic_version"})


class BackupError(RuntimeError):
    """A backup or restore that cannot be done safely; the message says why."""


@dataclass(frozen=True)
class Outcome:
    """What a backup or restore covered."""

    folder: Path
    database: str
    rows: dict[str, int]
    media_files: int
    media_note: str


# --- Small helpers -------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's content, as lowercase hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_durably(src: Path, dest: Path) -> str:
    """Copy to a temp name beside `dest`, fsync, rename; return the SHA-256 of what was copied."""
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=dest.parent)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            while chunk := inp.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, dest)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(dest.parent)
    return digest.hexdigest()


def _write_json(path: Path, value: dict[str, Any]) -> None:
    temp = path.with_name(f".tmp-{path.name}")
    with temp.open("w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    temp.chmod(0o600)
    os.replace(temp, path)
    _fsync_dir(path.parent)


def _dialect(database_url: str) -> str:
    name = make_url(database_url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups are made of SQLite and PostgreSQL databases, not {name}.")
    return name


def _media_folder(media_storage: str) -> Path | None:
    """The media folder, or None when media are kept in an S3 bucket."""
    if media_storage.startswith("s3://"):
        return None
    if media_storage.startswith("file://"):
        return Path(media_storage.removeprefix("file://"))
    return Path(media_storage)


def _media_keys(root: Path) -> list[str]:
    """Finished media files under `root` (never temp files from an interrupted write)."""
    if not root.exists():
        return []
    from .media.storage import FolderStorage

    return list(FolderStorage(root).keys())


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the database (bookkeeping tables included)."""
    with engine.connect() as conn:
        return _count_rows(conn)


def _count_rows(conn: Any) -> dict[str, int]:
    counts = {}
    for name in sorted(inspect(conn).get_table_names()):
        quoted = conn.dialect.identifier_preparer.quote(name)
        counts[name] = int(conn.execute(text(f"SELECT COUNT(*) FROM {quoted}")).scalar_one())  # noqa: S608
    return counts


def database_is_empty(database_url: str) -> bool:
    """True when no table but Alembic's bookkeeping holds a row (a new or freshly migrated one)."""
    engine = create_engine(database_url)
    try:
        counts = row_counts(engine)
    finally:
        engine.dispose()
    return all(count == 0 for name, count in counts.items() if name not in _NOT_DATA)


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _sqlite_copy(src: Path, dest: Path) -> None:
    """SQLite's online backup: a consistent copy even while the app is writing."""
    source = sqlite3.connect(src)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _sqlite_counts(path: Path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        return row_counts(engine)
    finally:
        engine.dispose()


# --- PostgreSQL ----------------------------------------------------------------------------


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A connection string for pg_dump/pg_restore and an environment carrying the password
    (never on the command line, where other users of the machine could read it)."""
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return conninfo, env


def _binary_version(path: str) -> int:
    result = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    match = re.search(r"(\d+)(?:\.\d+)?", result.stdout)
    return int(match.group(1)) if match else 0


def find_pg_binary(name: str, server_major: int) -> str:
    """`pg_dump` or `pg_restore` at least as new as the server: Debian's versioned folders
    (/usr/lib/postgresql/<major>/bin) first, newest first, then PATH."""
    candidates = sorted(
        glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(re.sub(r"\D", "", Path(p).parent.parent.name) or 0),
        reverse=True,
    )
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    for candidate in candidates:
        if _binary_version(candidate) >= server_major:
            return candidate
    raise BackupError(
        f"No {name} for PostgreSQL {server_major} or newer was found (looked in "
        "/usr/lib/postgresql/*/bin and PATH). Install the PostgreSQL client tools."
    )


def _server_major(conn: Any) -> int:
    return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def _pg_run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed: {result.stderr.strip()[:2000]}")


def _pg_dump(database_url: str, dest: Path) -> dict[str, int]:
    """Dump with pg_dump from one exported snapshot, counting rows in that same snapshot."""
    conninfo, env = _libpq(database_url)
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                counts = _count_rows(conn)
                binary = find_pg_binary("pg_dump", _server_major(conn))
                _pg_run(
                    [
                        binary,
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={dest}",
                        f"--dbname={conninfo}",
                    ],
                    env,
                )
    finally:
        engine.dispose()
    return counts


def _pg_restore(database_url: str, src: Path) -> None:
    conninfo, env = _libpq(database_url)
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            binary = find_pg_binary("pg_restore", _server_major(conn))
    finally:
        engine.dispose()
    _pg_run(
        [
            binary,
            "--no-owner",
            "--no-privileges",
            # Drop what the dump holds first: the target may already have the (empty) tables.
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(src),
        ],
        env,
    )


# --- Backup and restore --------------------------------------------------------------------


def backup(database_url: str, media_storage: str, dest: Path) -> Outcome:
    """Back up the database and the media folder into `dest`, a new or empty folder."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} already exists and is not an empty folder.")
    dialect = _dialect(database_url)
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    dest.chmod(0o700)

    if dialect == "sqlite":
        source = _sqlite_path(database_url)
        if not source.is_file():
            raise BackupError(f"There is no database at {source}.")
        database_file = dest / SQLITE_FILE
        _sqlite_copy(source, database_file)
        counts = _sqlite_counts(database_file)
    else:
        database_file = dest / PG_FILE
        counts = _pg_dump(database_url, database_file)
    database_file.chmod(0o600)
    with database_file.open("rb") as handle:
        os.fsync(handle.fileno())

    media: dict[str, Any]
    root = _media_folder(media_storage)
    if root is None:
        media = {
            "kind": "s3",
            "files": {},
            "note": "Media are in an S3 bucket: back the bucket up with the provider's tools.",
        }
    else:
        files = {}
        for key in _media_keys(root):
            copy = dest / MEDIA_DIR / key
            files[key] = _copy_durably(root / key, copy)
            copy.chmod(0o600)
        media = {"kind": "folder", "files": files, "note": ""}

    _write_json(
        dest / MANIFEST,
        {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "kind": dialect,
                "file": database_file.name,
                "sha256": sha256_of(database_file),
                "rows": counts,
            },
            "media": media,
        },
    )
    return Outcome(dest, dialect, counts, len(media["files"]), media["note"])


def read_manifest(src: Path) -> dict[str, Any]:
    """The manifest of a backup folder, checked for shape and format."""
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{src} has no {MANIFEST}: it is not a finished backup.")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BackupError(f"{path} cannot be read: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src} is a backup in a format this version cannot restore.")
    return manifest


def verify_backup(src: Path) -> dict[str, Any]:
    """Check the database file and every media file against the manifest's hashes."""
    src = Path(src)
    manifest = read_manifest(src)
    database = manifest["database"]
    database_file = src / str(database["file"])
    if Path(database["file"]).name != database["file"] or not database_file.is_file():
        raise BackupError(f"The database file named in the manifest is missing from {src}.")
    if sha256_of(database_file) != database["sha256"]:
        raise BackupError(f"{database_file} does not match the manifest: it has been changed.")
    media_root = (src / MEDIA_DIR).resolve()
    for key, digest in manifest["media"]["files"].items():
        path = (media_root / key).resolve()
        if not path.is_relative_to(media_root) or not path.is_file():
            raise BackupError(f"The media file {key} is missing from {src}.")
        if sha256_of(path) != digest:
            raise BackupError(f"The media file {key} does not match the manifest.")
    return manifest


def restore(src: Path, database_url: str, media_storage: str, force: bool = False) -> Outcome:
    """Restore a backup into the database and media folder given.

    Refuses (BackupError) a backup whose files do not match their hashes, a backup of another
    kind of database, and - unless `force` - a database or media folder that already holds data.
    """
    src = Path(src)
    manifest = verify_backup(src)
    dialect = _dialect(database_url)
    if manifest["database"]["kind"] != dialect:
        raise BackupError(
            f"This is a backup of a {manifest['database']['kind']} database; it cannot be "
            f"restored into {dialect}."
        )
    root = _media_folder(media_storage)
    media_files: dict[str, str] = manifest["media"]["files"]
    if not force:
        if not database_is_empty(database_url):
            raise BackupError(
                "The database already holds data. Restore into an empty database, or use "
                "--force to replace what is there."
            )
        if root is not None and _media_keys(root):
            raise BackupError(
                f"The media folder {root} already holds files. Restore into an empty folder, "
                "or use --force."
            )
    if root is None and media_files:
        raise BackupError("This backup holds media files but media are set to go to S3.")

    database_file = src / str(manifest["database"]["file"])
    if dialect == "sqlite":
        target = _sqlite_path(database_url)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(database_file, target)
    else:
        _pg_restore(database_url, database_file)

    if root is not None:
        from .media.storage import FolderStorage

        store = FolderStorage(root)
        for key, digest in media_files.items():
            try:
                stored = store.put(key, src / MEDIA_DIR / key)
            except ValueError as error:  # InvalidKey: a name that could reach outside the store
                raise BackupError(f"The backup names a media file {key!r}: {error}") from None
            if stored.sha256 != digest:
                raise BackupError(f"The media file {key} changed while it was restored.")

    engine = create_engine(database_url)
    try:
        counts = row_counts(engine)
    finally:
        engine.dispose()
    expected: dict[str, int] = manifest["database"]["rows"]
    if any(counts.get(name) != count for name, count in expected.items()):
        raise BackupError("The restored database does not hold the rows the backup recorded.")
    return Outcome(src, dialect, counts, len(media_files), manifest["media"].get("note", ""))


# --- Commands ------------------------------------------------------------------------------


def manifest_date(src: Path) -> str:
    """When the backup in `src` was made (for the audit record)."""
    return str(read_manifest(src).get("created_at", ""))[:40]


def _summary(verb: str, outcome: Outcome) -> str:
    rows = sum(count for name, count in outcome.rows.items() if name not in _NOT_DATA)
    return (
        f"{verb} {rows} rows in {len(outcome.rows)} tables ({outcome.database}) and "
        f"{outcome.media_files} media files: {outcome.folder}"
    )


@click.command("backup", help="Back up the database and the media into DEST_DIR (new or empty).")
@click.argument("dest_dir", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest_dir: Path) -> None:
    config = current_app.config
    # Recorded first, so that the backup holds the record of its own making.
    record(current_app.extensions["database"].engine, SYSTEM, "backup")
    try:
        outcome = backup(config["DATABASE_URL"], config["MEDIA_STORAGE"], dest_dir)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(_summary("Backed up", outcome))
    if outcome.media_note:
        click.echo(outcome.media_note)


@click.command("restore", help="Restore a backup made by `backup` from SRC_DIR.")
@click.argument("src_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Restore even though the database or media folder already holds data (it is replaced).",
)
@with_appcontext
def restore_command(src_dir: Path, force: bool) -> None:
    config = current_app.config
    current_app.extensions["database"].engine.dispose()
    try:
        outcome = restore(src_dir, config["DATABASE_URL"], config["MEDIA_STORAGE"], force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    record(
        current_app.extensions["database"].engine, SYSTEM, "restore", detail=manifest_date(src_dir)
    )
    click.echo(_summary("Restored", outcome))
    if outcome.media_note:
        click.echo(outcome.media_note)
