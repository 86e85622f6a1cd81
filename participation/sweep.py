"""Clearing up after interrupted writes: `flask --app participation sweep`.

Media are written to a temporary name, flushed to disk and renamed; the row that points at a file
is committed only after that. A crash in between leaves either a temporary file (never listed,
never served) or a finished file no row points at. This command removes the first kind once they
are old enough not to be a write still in progress. Finding the second kind needs the rows that
point at media: areas that store media register a function naming the keys they use with
`register_media_references`, and orphans older than the grace period are then removed too.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from .db import db

# Returns every media key that rows in the database point at.
MediaReferences = Callable[[Session], Iterable[str]]
_references: list[MediaReferences] = []


def register_media_references(source: MediaReferences) -> None:
    """Tell the sweeper where media keys are used (once per area that stores media)."""
    if source not in _references:
        _references.append(source)


@dataclass(frozen=True)
class SweepResult:
    temp_files_removed: int
    orphans_removed: int
    orphans_checked: bool


def sweep_folder(
    session: Session, root: Path, older_than_seconds: float, now: float | None = None
) -> SweepResult:
    """Remove temp leftovers (and, when references are registered, unreferenced files) older
    than `older_than_seconds` from the media folder `root`."""
    from .media.storage import FolderStorage

    store = FolderStorage(root)
    removed_temp = store.sweep_temp(older_than_seconds)
    if not _references:
        return SweepResult(removed_temp, 0, orphans_checked=False)
    used: set[str] = set()
    for source in _references:
        used.update(source(session))
    cutoff = (now if now is not None else time.time()) - older_than_seconds
    orphans = 0
    for key in store.keys():  # noqa: SIM118 - a media store, not a dict
        # Young files may belong to a row about to be committed: leave them for the next sweep.
        if key not in used and os.stat(root / key).st_mtime < cutoff:
            store.delete(key)
            orphans += 1
    return SweepResult(removed_temp, orphans, orphans_checked=True)


@click.command("sweep", help="Remove media left behind by interrupted uploads.")
@click.option(
    "--older-than-minutes",
    type=click.IntRange(min=5),
    default=60,
    show_default=True,
    help="Only files untouched for this long (a slow upload may still be writing).",
)
@with_appcontext
def sweep_command(older_than_minutes: int) -> None:
    storage = str(current_app.config["MEDIA_STORAGE"])
    if storage.startswith("s3://"):
        # An S3 PUT is atomic: an interrupted upload leaves nothing in the bucket.
        click.echo("Media are in S3: uploads there leave no temporary files.")
        return
    root = Path(storage.removeprefix("file://"))
    result = sweep_folder(db.session(), root, older_than_minutes * 60)
    click.echo(f"Removed {result.temp_files_removed} temporary files.")
    if result.orphans_checked:
        click.echo(f"Removed {result.orphans_removed} files no record points at.")
