"""Getting a child's video ready, off the request path: the task queue and its one task.

The queue is huey: an SQLite file by default (`TASK_QUEUE=sqlite:///...`), Redis when several
servers share the work (`redis://...`). Tasks waiting in either survive a restart. A task that
fails with an unexpected error is retried; one cut short by a crash (the worker killed while it
ran) is put back in the queue when a worker starts, and by a check every few minutes, because
the row still says "processing". The task is safe to run twice: only the first to finish
changes the row, and the other deletes what it made. Each start is counted on the row, so a
video that crashes the worker every time ends as "failed" instead of looping for ever.

Tests run with `immediate=True` (huey's own switch): the real task code runs at once, in the
request that queued it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from ..media.processing import DEFAULT_LIMITS, MediaLimits, MediaRejected, transcode_video
from ..media.storage import Storage, new_key
from ..models import MediaFile, MediaKind, MediaStatus, utcnow
from .uploads import UPLOAD_PREFIX, upload_folder

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_DELAY_SECONDS = 30
# A video still "processing" this long after its task last started has lost its task.
STALLED_AFTER = timedelta(minutes=20)
FAILED_ERROR = "error"  # the failure reason when the worker itself kept failing


def make_huey(url: str, *, immediate: bool) -> Huey:
    """A huey instance for the `TASK_QUEUE` setting (sqlite:///path, redis://..., memory://)."""
    parts = urlsplit(url)
    name = "my-review"
    if parts.scheme == "sqlite":
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else ""
        if not path:
            raise ValueError(f"TASK_QUEUE needs a file: {url!r}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=path, immediate=immediate, results=False)
    if parts.scheme in ("redis", "rediss"):
        return RedisHuey(name, url=url, immediate=immediate, results=False)
    if parts.scheme == "memory":
        return MemoryHuey(name, immediate=immediate, results=False)
    raise ValueError(f"unsupported TASK_QUEUE: {url!r}")


@dataclass(frozen=True)
class VideoWork:
    """What the task needs, captured when the app is made (no Flask globals in the task)."""

    engine: Engine
    storage: Storage
    limits: MediaLimits
    work_root: Path


def _finish(session: Session, media_id: int, raw_key: str, values: dict[str, Any]) -> bool:
    """Change the row only if it still waits for this very upload; True if it did."""
    result = session.execute(
        update(MediaFile)
        .where(
            MediaFile.id == media_id,
            MediaFile.status == MediaStatus.PROCESSING,
            MediaFile.raw_key == raw_key,
        )
        .values(updated_at=utcnow(), **values)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0))


def _forget(storage: Storage, *keys: str) -> None:
    for key in keys:
        try:
            storage.delete(key)
        except Exception:
            log.warning("Could not delete stored media %s; the sweeper will.", key, exc_info=True)


def _fail(work: VideoWork, session: Session, media_id: int, raw_key: str, reason: str) -> None:
    values = {"status": MediaStatus.FAILED, "failure_reason": reason, "raw_key": None}
    if _finish(session, media_id, raw_key, values):
        _forget(work.storage, raw_key)


def process_video(work: VideoWork, media_id: int) -> str:
    """Re-encode one uploaded video and its poster; mark the row ready or failed.

    Returns what happened ("ready", "failed", or "skipped" when there was nothing to do).
    Unexpected errors propagate so that the queue retries, until MAX_ATTEMPTS.
    """
    with Session(work.engine) as session:
        media = session.get(MediaFile, media_id)
        if media is None or media.status != MediaStatus.PROCESSING or not media.raw_key:
            return "skipped"
        if media.kind != MediaKind.VIDEO:
            return "skipped"
        raw_key = media.raw_key
        media.attempts += 1
        media.updated_at = utcnow()
        attempts = media.attempts
        session.commit()
        if attempts > MAX_ATTEMPTS:
            _fail(work, session, media_id, raw_key, FAILED_ERROR)
            return "failed"
        try:
            return _transcode(work, session, media_id, raw_key)
        except Exception:
            if attempts >= MAX_ATTEMPTS:
                log.exception("Video %s failed %s times; giving up.", media_id, attempts)
                session.rollback()
                _fail(work, session, media_id, raw_key, FAILED_ERROR)
                return "failed"
            raise


def _transcode(work: VideoWork, session: Session, media_id: int, raw_key: str) -> str:
    work.work_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=UPLOAD_PREFIX, dir=work.work_root) as folder:
        here = Path(folder)
        src = here / "upload"
        try:
            with work.storage.open(raw_key) as stored, src.open("wb") as out:
                shutil.copyfileobj(stored, out, 1024 * 1024)
        except FileNotFoundError:
            # Deleted meanwhile (the child deleted the item): nothing to do.
            _fail(work, session, media_id, raw_key, FAILED_ERROR)
            return "skipped"
        out_mp4, poster = here / "video.mp4", here / "poster.jpg"
        try:
            result = transcode_video(src, out_mp4, poster, work.limits)
        except MediaRejected as rejected:
            _fail(work, session, media_id, raw_key, rejected.reason)
            return "failed"
        video_key, poster_key = new_key("video"), new_key("poster")
        stored_video = work.storage.put(video_key, out_mp4)
        try:
            work.storage.put(poster_key, poster)
        except BaseException:
            _forget(work.storage, video_key)
            raise
    values = {
        "status": MediaStatus.READY,
        "storage_key": video_key,
        "thumb_key": poster_key,
        "raw_key": None,
        "width": result.width,
        "height": result.height,
        "duration_seconds": result.duration_seconds,
        "size_bytes": stored_video.size,
        "sha256": stored_video.sha256,
        "failure_reason": None,
    }
    try:
        finished = _finish(session, media_id, raw_key, values)
    except BaseException:
        session.rollback()
        _forget(work.storage, video_key, poster_key)
        raise
    if not finished:
        # Deleted meanwhile, or another run got there first: keep nothing of ours.
        _forget(work.storage, video_key, poster_key)
        return "skipped"
    _forget(work.storage, raw_key)
    return "ready"


def stalled_videos(session: Session, older_than: timedelta) -> list[int]:
    """Videos still "processing" whose task last started (or was queued) before the cut-off."""
    cutoff = utcnow() - older_than
    return list(
        session.scalars(
            select(MediaFile.id).where(
                MediaFile.status == MediaStatus.PROCESSING,
                MediaFile.kind == MediaKind.VIDEO,
                MediaFile.updated_at < cutoff,
            )
        )
    )


@dataclass
class VideoQueue:
    """The app's task queue and the one task it runs."""

    huey: Huey
    work: VideoWork
    task: Callable[[int], Any] | None = None

    def queue(self, media_ids: list[int]) -> None:
        """Queue videos for the worker. A queue that is down is logged, not fatal: the rows
        stay "processing" and are queued again by the stalled-video check."""
        assert self.task is not None, "init_queue registers the task"
        for media_id in media_ids:
            try:
                self.task(media_id)
            except Exception:
                log.exception("Could not queue video %s; it will be queued again later.", media_id)

    def waiting(self) -> set[int]:
        """Ids of videos whose task is waiting in the queue right now."""
        ids = set()
        for task in self.huey.pending():
            if task.name == "process_video" and task.args:
                ids.add(int(task.args[0]))
        return ids

    def requeue_stalled(self, older_than: timedelta = STALLED_AFTER) -> int:
        """Queue again every video whose task was lost (a crash, a queue that was down)."""
        with Session(self.work.engine) as session:
            stalled = set(stalled_videos(session, older_than))
        lost = sorted(stalled - self.waiting())
        self.queue(lost)
        return len(lost)


def init_queue(app: Flask, storage: Storage) -> VideoQueue:
    """Make the app's queue from TASK_QUEUE (immediate in tests) and register the tasks."""
    immediate = bool(app.config.get("TASK_QUEUE_IMMEDIATE", app.testing))
    huey = make_huey(str(app.config["TASK_QUEUE"]), immediate=immediate)
    work = VideoWork(
        engine=app.extensions["database_engine"],
        storage=storage,
        limits=app.config.get("MEDIA_LIMITS") or DEFAULT_LIMITS,
        work_root=upload_folder(app),
    )

    queue = VideoQueue(huey, work)

    @huey.task(retries=MAX_ATTEMPTS - 1, retry_delay=RETRY_DELAY_SECONDS, name="process_video")
    def process_video_task(media_id: int) -> str:
        return process_video(queue.work, media_id)

    queue.task = process_video_task

    @huey.periodic_task(crontab(minute="*/5"), name="requeue_stalled_videos")
    def requeue_stalled_task() -> int:
        return queue.requeue_stalled()

    return queue
