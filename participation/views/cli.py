"""Commands for media: `flask --app participation worker` runs the video queue's consumer;
`flask --app participation media sweep` clears what interrupted uploads left behind (and the
answers held for a page that was never saved again, child/held.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from .. import sent_once
from ..child import held
from ..db import db
from ..media.storage import FolderStorage, S3Storage, Storage
from . import service
from .tasks import VideoQueue
from .uploads import UPLOAD_PREFIX, upload_folder

# Stored keys start with these (see media.storage.new_key): the ones this area makes.
OUR_PREFIXES = ("photo/", "thumb/", "poster/", "video/", "incoming/")


@dataclass(frozen=True)
class MediaSweep:
    temp_files: int
    upload_leftovers: int
    orphans: int
    held: int = 0  # files held between tries of a form, let go (see service.sweep_held)


def stored_at(storage: Storage, key: str) -> float | None:
    """When a stored object was written (epoch seconds), or None if the store cannot say."""
    if isinstance(storage, FolderStorage):
        return os.stat(storage.root / key).st_mtime
    if isinstance(storage, S3Storage):
        head = storage.client.head_object(Bucket=storage.bucket, Key=key)
        modified = head.get("LastModified")
        return modified.astimezone(UTC).timestamp() if modified is not None else None
    return None


def _clear_upload_folder(folder: Path, cutoff: float) -> int:
    """Spooled uploads and work folders of requests and tasks that died part-way."""
    removed = 0
    for entry in folder.iterdir():
        if not entry.name.startswith(UPLOAD_PREFIX):
            continue
        with contextlib.suppress(FileNotFoundError):
            if entry.lstat().st_mtime >= cutoff:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink()
            removed += 1
    return removed


def sweep_media(
    session: Session,
    storage: Storage,
    uploads: Path,
    older_than_seconds: float,
    now: float | None = None,
) -> MediaSweep:
    """Remove, once older than the grace period: temporary files of interrupted writes,
    leftover uploads, and stored photos and videos that no row points at (a crash between
    storing a file and committing its row). Anything younger may be a save in progress.
    First, let go of files held for a form whose session has ended or that are a day old."""
    moment = now if now is not None else time.time()
    held = service.sweep_held(session, storage, datetime.fromtimestamp(moment, UTC))
    cutoff = moment - older_than_seconds
    temp = storage.sweep_temp(older_than_seconds) if isinstance(storage, FolderStorage) else 0
    leftovers = _clear_upload_folder(uploads, cutoff) if uploads.is_dir() else 0
    used = set(service.media_references(session))
    orphans = 0
    for prefix in OUR_PREFIXES:
        for key in storage.keys(prefix):
            if key in used:
                continue
            written = stored_at(storage, key)
            if written is not None and written < cutoff:
                storage.delete(key)
                orphans += 1
    return MediaSweep(temp, leftovers, orphans, held)


@click.group("media", help="Look after stored photos and videos.")
def media_group() -> None:
    pass


@media_group.command("sweep", help="Remove media left behind by interrupted uploads.")
@click.option(
    "--older-than-minutes",
    type=click.IntRange(min=5),
    default=60,
    show_default=True,
    help="Only files untouched for this long (a slow upload may still be writing).",
)
@with_appcontext
def media_sweep(older_than_minutes: int) -> None:
    # First, and apart from the media: a store that fails below must not keep the words.
    answers = held.sweep(db.session(), datetime.now(UTC))
    result = sweep_media(
        db.session(),
        current_app.extensions["media_storage"],
        upload_folder(current_app),
        older_than_minutes * 60,
    )
    click.echo(f"Removed {result.temp_files} temporary files.")
    click.echo(f"Removed {result.upload_leftovers} leftover uploads.")
    click.echo(f"Removed {result.orphans} stored files no record points at.")
    click.echo(f"Let go of {result.held} photos and videos held for forms never sent again.")
    # Not media, but the same kind of leftover: answers held for a page never saved again.
    click.echo(f"Let go of {answers} pages of answers held for pages never saved again.")
    forgotten = sent_once.sweep(db.session(), datetime.now(UTC))
    click.echo(f"Forgot {forgotten} keys of forms sent over a week ago.")


@click.command("worker", help="Get children's videos ready (the task queue's consumer).")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True)
@click.option(
    "--worker-type", type=click.Choice(["thread", "process"]), default="thread", show_default=True
)
@with_appcontext
def worker_command(workers: int, worker_type: str) -> None:
    queue: VideoQueue = current_app.extensions["views_queue"]
    if queue.huey.immediate:
        raise click.ClickException("TASK_QUEUE_IMMEDIATE is on: tasks run at once, no worker.")
    # Tasks that were running when a worker stopped were taken off the queue: put them back.
    lost = queue.requeue_stalled(older_than=timedelta(minutes=1))
    if lost:
        click.echo(f"Queued {lost} videos again that a stopped worker had not finished.")
    consumer = queue.huey.create_consumer(
        workers=workers, worker_type=worker_type, periodic=True, check_worker_health=True
    )
    consumer.run()
