"""Files first, then rows: a crash in between leaves no row pointing at nothing, and the sweeper
clears what is left. The video task survives crashes, retries and restarts."""

from __future__ import annotations

import dataclasses
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from participation.media.storage import FolderStorage, new_key
from participation.models import Item, ItemKind, MediaFile, MediaKind, MediaStatus, utcnow
from participation.views import tasks
from participation.views.cli import sweep_media
from participation.views.uploads import UPLOAD_PREFIX

from .conftest import clip_bytes, jpeg_bytes

HOUR = 60 * 60


def _rows(app) -> tuple[int, int]:
    engine = create_engine(app.config["DATABASE_URL"])
    try:
        with Session(engine) as fresh:
            return (
                len(fresh.scalars(select(Item)).all()),
                len(fresh.scalars(select(MediaFile)).all()),
            )
    finally:
        engine.dispose()


def _age(store, key: str, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(store.root / key, (then, then))


def _failing_commit(monkeypatch):
    def boom(self, *args, **kwargs):
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(Session, "commit", boom)


def test_a_failed_commit_takes_the_new_files_out_again(views, app, store, media_dir, monkeypatch):
    photo = jpeg_bytes(tmp=media_dir)
    with monkeypatch.context() as patch:
        _failing_commit(patch)
        response = views.add(text="Hello", photos=[(photo, "a.jpg")])
    assert response.status_code == 500
    assert _rows(app) == (0, 0)
    assert list(store.keys()) == []


def test_a_crash_between_storing_and_committing_is_swept_up(
    views, app, session, store, media_dir, monkeypatch
):
    photo, clip = jpeg_bytes(tmp=media_dir), clip_bytes(media_dir)
    with monkeypatch.context() as patch:
        _failing_commit(patch)
        # The process dies before it can tidy up: deleting fails too.
        patch.setattr(store, "delete", lambda key: (_ for _ in ()).throw(OSError("gone")))
        response = views.add(text="Hello", photos=[(photo, "a.jpg")], video=(clip, "v.mp4"))
    assert response.status_code == 500
    # No row is visible, so nothing points at the leftover files...
    assert _rows(app) == (0, 0)
    leftovers = sorted(store.keys())
    assert [key.split("/")[0] for key in leftovers] == ["incoming", "photo", "thumb"]
    # ...and a finished item saved meanwhile is left alone by the sweeper.
    kept = views.item_id(views.add(text="Kept", photos=[(photo, "b.jpg")]))
    kept_keys = set(store.keys()) - set(leftovers)
    for key in list(store.keys()):
        _age(store, key, 2 * HOUR)
    result = app.test_cli_runner().invoke(args=["media", "sweep", "--older-than-minutes", "60"])
    assert result.exit_code == 0, result.output
    assert "Removed 3 stored files no record points at." in result.output
    assert set(store.keys()) == kept_keys
    assert views.client.get(f"/me/views/items/{kept}").status_code == 200


def test_young_leftovers_are_left_for_the_next_sweep(app, session, store, tmp_path):
    source = tmp_path / "x.jpg"
    source.write_bytes(b"finished")
    key = store.put(new_key("photo"), source).key
    result = sweep_media(session, store, tmp_path / "uploads", HOUR)
    assert result.orphans == 0 and store.exists(key)
    _age(store, key, 2 * HOUR)
    assert sweep_media(session, store, tmp_path / "uploads", HOUR).orphans == 1


def test_the_sweep_clears_interrupted_writes_and_uploads(app, session, store, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / f"{UPLOAD_PREFIX}old-dir").mkdir(parents=True)
    old_upload = uploads / f"{UPLOAD_PREFIX}old.part"
    old_upload.write_bytes(b"half a video")
    young_upload = uploads / f"{UPLOAD_PREFIX}young.part"
    young_upload.write_bytes(b"still arriving")
    half_written = store.root / "photo" / "ab" / ".tmp-x.part"
    half_written.parent.mkdir(parents=True)
    half_written.write_bytes(b"half")
    then = time.time() - 2 * HOUR
    for path in (old_upload, uploads / f"{UPLOAD_PREFIX}old-dir", half_written):
        os.utime(path, (then, then))
    result = sweep_media(session, store, uploads, HOUR)
    assert (result.temp_files, result.upload_leftovers) == (1, 2)
    assert young_upload.exists() and not old_upload.exists() and not half_written.exists()


def _waiting_video(session, store, media_dir, name: str = "v.mp4") -> MediaFile:
    """A video as the upload leaves it: stored raw, its row "processing"."""
    from tests.support import factories

    child = factories.make_child(session)
    raw = media_dir / name
    raw.write_bytes(clip_bytes(media_dir, f"made-{name}"))
    key = store.put(new_key("incoming", "mp4"), raw).key
    media = MediaFile(kind=MediaKind.VIDEO, status=MediaStatus.PROCESSING, raw_key=key)
    session.add(Item(child_id=child.id, topic="school", kind=ItemKind.VIDEO, media=[media]))
    session.commit()
    return media


def _kinds(store) -> list[str]:
    """What the store holds, by the kind part of each key ("video", "poster", ...)."""
    return sorted(key.split("/")[0] for key in list(store.keys()))


def _work(app, store) -> tasks.VideoWork:
    return dataclasses.replace(app.extensions["views_queue"].work, storage=store)


def _reloaded(session, media_id: int) -> MediaFile:
    session.expire_all()
    return session.get(MediaFile, media_id)


def test_a_task_that_crashes_is_retried_and_then_finishes(
    app, session, store, media_dir, monkeypatch
):
    media = _waiting_video(session, store, media_dir)
    real = tasks.transcode_video
    calls = []

    def crash_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the worker fell over")
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "transcode_video", crash_once)
    with pytest.raises(RuntimeError):
        tasks.process_video(_work(app, store), media.id)
    after_crash = _reloaded(session, media.id)
    assert after_crash.status == MediaStatus.PROCESSING and after_crash.attempts == 1
    assert store.exists(after_crash.raw_key)
    assert tasks.process_video(_work(app, store), media.id) == "ready"
    done = _reloaded(session, media.id)
    assert done.status == MediaStatus.READY and done.attempts == 2 and done.raw_key is None
    assert _kinds(store) == ["poster", "video"]
    # Running it again (a duplicate from a restart) changes nothing.
    assert tasks.process_video(_work(app, store), media.id) == "skipped"
    assert _kinds(store) == ["poster", "video"]


def test_a_video_that_always_crashes_ends_as_failed(app, session, store, media_dir, monkeypatch):
    media = _waiting_video(session, store, media_dir)

    def crash(*args, **kwargs):
        raise RuntimeError("always")

    monkeypatch.setattr(tasks, "transcode_video", crash)
    for _ in range(tasks.MAX_ATTEMPTS - 1):
        with pytest.raises(RuntimeError):
            tasks.process_video(_work(app, store), media.id)
    assert tasks.process_video(_work(app, store), media.id) == "failed"
    failed = _reloaded(session, media.id)
    assert failed.status == MediaStatus.FAILED and failed.failure_reason == "error"
    assert list(store.keys()) == []


def test_a_video_deleted_while_it_is_got_ready_leaves_nothing(
    app, session, store, media_dir, monkeypatch
):
    media = _waiting_video(session, store, media_dir)
    real = tasks.transcode_video

    def child_deletes_meanwhile(*args, **kwargs):
        result = real(*args, **kwargs)
        engine = create_engine(app.config["DATABASE_URL"])
        with Session(engine) as other:
            other.execute(update(MediaFile).values(raw_key=None, status=MediaStatus.FAILED))
            other.commit()
        engine.dispose()
        return result

    monkeypatch.setattr(tasks, "transcode_video", child_deletes_meanwhile)
    assert tasks.process_video(_work(app, store), media.id) == "skipped"
    assert _kinds(store) == ["incoming"]  # only the raw upload


def test_a_refused_video_is_failed_in_child_words(views, session, store, media_dir, monkeypatch):
    from participation.media.processing import MediaRejected

    def refuse(*args, **kwargs):
        raise MediaRejected("damaged", "frames stop half way")

    monkeypatch.setattr(tasks, "transcode_video", refuse)
    item_id = views.item_id(views.add(video=(clip_bytes(media_dir), "v.mp4")))
    session.expire_all()
    media = session.scalar(select(MediaFile))
    assert media.status == MediaStatus.FAILED and media.failure_reason == "damaged"
    page = views.client.get(f"/me/views/items/{item_id}").text
    assert "That video seems to be broken. Try a different one." in page
    assert list(store.keys()) == []


def test_waiting_tasks_survive_a_restart_and_lost_ones_are_queued_again(
    app, session, store, media_dir, tmp_path, make_app
):
    config = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "MEDIA_STORAGE": str(store.root),
        "TASK_QUEUE": f"sqlite:///{tmp_path / 'tasks.db'}",
        "TASK_QUEUE_IMMEDIATE": False,
    }
    first = make_app(config).extensions["views_queue"]
    assert first.huey.immediate is False
    waiting = _waiting_video(session, store, media_dir, "a.mp4")
    first.queue([waiting.id])
    lost = _waiting_video(session, store, media_dir, "b.mp4")
    # `lost` was taken off the queue by a worker that then died: its row says "processing".
    session.execute(
        update(MediaFile)
        .where(MediaFile.id == lost.id)
        .values(updated_at=utcnow() - timedelta(hours=1))
    )
    session.commit()

    # A new worker process: the same queue file, a fresh huey.
    second = make_app(config).extensions["views_queue"]
    assert second.waiting() == {waiting.id}
    assert second.requeue_stalled(older_than=timedelta(minutes=1)) == 1
    assert second.waiting() == {waiting.id, lost.id}
    while (task := second.huey.dequeue()) is not None:
        second.huey.execute(task)
    assert _reloaded(session, waiting.id).status == MediaStatus.READY
    assert _reloaded(session, lost.id).status == MediaStatus.READY
    assert second.requeue_stalled(older_than=timedelta(0)) == 0


def test_the_worker_command_needs_a_real_queue(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code != 0 and "TASK_QUEUE_IMMEDIATE" in result.output


def test_uploads_are_spooled_to_named_files_on_disk(app, views, media_dir, monkeypatch):
    """Werkzeug streams each uploaded file into a named file in the upload folder (never held
    whole in memory), and removes it when the request ends."""
    from participation.views import routes, uploads

    seen: list[tuple[str, bool]] = []
    real = uploads.on_disk

    def spy(upload, work):
        name = getattr(upload.stream, "name", "")
        seen.append((str(name), Path(name).is_file()))
        return real(upload, work)

    monkeypatch.setattr(routes.uploads, "on_disk", spy)
    views.add(text="x", photos=[(jpeg_bytes(tmp=media_dir), "a.jpg")])
    (name, existed), *_ = seen
    folder = Path(app.instance_path) / "uploads"
    assert existed and Path(name).parent == folder and Path(name).name.startswith(UPLOAD_PREFIX)
    assert not Path(name).exists()  # gone with the request
    assert app.config["MAX_FORM_MEMORY_SIZE"] <= 1024 * 1024


def test_the_sweep_finds_orphans_in_an_s3_bucket_too(app, session):
    import boto3
    from moto import mock_aws

    from participation.media.storage import S3Storage

    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-2")
        client.create_bucket(
            Bucket="media", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        bucket = S3Storage("media", client=client)
        source = Path(__file__)
        orphan = bucket.put(new_key("photo"), source).key
        other_area = bucket.put("pack/ab/abcdef.pdf", source).key
        uploads = Path(app.instance_path) / "no-uploads-here"
        assert sweep_media(session, bucket, uploads, HOUR).orphans == 0  # too young
        later = time.time() + 2 * HOUR
        assert sweep_media(session, bucket, uploads, HOUR, now=later).orphans == 1
        assert not bucket.exists(orphan) and bucket.exists(other_area)


@pytest.mark.slow
def test_the_worker_command_runs_waiting_tasks(app, session, store, media_dir, tmp_path, make_app):
    """`flask --app participation worker` in its own process gets a queued video ready."""
    import signal
    import subprocess
    import sys

    config = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "MEDIA_STORAGE": str(store.root),
        "TASK_QUEUE": f"sqlite:///{tmp_path / 'tasks.db'}",
        "TASK_QUEUE_IMMEDIATE": False,
    }
    queue = make_app(config).extensions["views_queue"]
    media = _waiting_video(session, store, media_dir)
    queue.queue([media.id])  # queued before any worker runs: it waits in the file
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "DATABASE_URL": config["DATABASE_URL"],
        "MEDIA_STORAGE": config["MEDIA_STORAGE"],
        "TASK_QUEUE": config["TASK_QUEUE"],
    }
    flask = Path(sys.executable).with_name("flask")
    worker = subprocess.Popen(
        [str(flask), "--app", "participation", "worker", "--workers", "1"],
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if _reloaded(session, media.id).status != MediaStatus.PROCESSING:
                break
            time.sleep(0.25)
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert _reloaded(session, media.id).status == MediaStatus.READY
    assert _kinds(store) == ["poster", "video"]


def test_flask_sweep_is_the_media_sweep(app, tmp_path, monkeypatch):
    """The daily job's short name runs the same sweep: interrupted writes, leftover uploads and
    files no row points at."""
    monkeypatch.setitem(app.extensions, "media_storage", FolderStorage(tmp_path / "media"))
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    half_written = tmp_path / "media" / "photo" / ".tmp-x.part"
    half_written.parent.mkdir(parents=True)
    half_written.write_bytes(b"half")
    then = time.time() - 2 * HOUR
    os.utime(half_written, (then, then))
    short = app.test_cli_runner().invoke(args=["sweep", "--older-than-minutes", "60"])
    assert short.exit_code == 0, short.output
    assert "Removed 1 temporary files." in short.output and not half_written.exists()
    again = app.test_cli_runner().invoke(args=["media", "sweep"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines() == [
        "Removed 0 temporary files.",
        "Removed 0 leftover uploads.",
        "Removed 0 stored files no record points at.",
        "Let go of 0 photos and videos held for forms never sent again.",
        "Let go of 0 pages of answers held for pages never saved again.",
        "Forgot 0 keys of forms sent over a week ago.",
    ]
    assert len(short.output.splitlines()) == 6
