"""The sweeper clears what interrupted writes leave behind, and nothing else."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from participation import sweep
from participation.db import db
from participation.media.storage import FolderStorage, new_key

HOUR = 60 * 60


@pytest.fixture
def no_references(monkeypatch):
    # Areas register where their media keys are used when the app starts; start from none.
    monkeypatch.setattr(sweep, "_references", [])


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _store_file(store: FolderStorage, tmp_path: Path, kind: str = "photo") -> str:
    source = tmp_path / f"{kind}-{time.monotonic_ns()}.bin"
    source.write_bytes(b"finished")
    return store.put(new_key(kind), source).key


def test_old_temp_files_go_and_young_ones_and_finished_files_stay(app, tmp_path, no_references):
    root = tmp_path / "media"
    store = FolderStorage(root)
    finished = _store_file(store, tmp_path)
    _age(root / finished, 5 * HOUR)
    old = root / "photo" / ".tmp-abc.part"
    old.write_bytes(b"half")
    _age(old, 2 * HOUR)
    young = root / "photo" / ".tmp-def.part"
    young.write_bytes(b"still writing")
    result = sweep.sweep_folder(db.session(), root, HOUR)
    # With no area saying which files are used, finished files are never touched.
    assert result.temp_files_removed == 1 and not result.orphans_checked
    assert not old.exists() and young.exists() and store.exists(finished)


def test_orphans_go_only_when_an_area_says_which_files_are_used(app, tmp_path, no_references):
    root = tmp_path / "media"
    store = FolderStorage(root)
    used, orphan, fresh_orphan = (_store_file(store, tmp_path) for _ in range(3))
    for key in (used, orphan):
        _age(root / key, 2 * HOUR)
    sweep.register_media_references(lambda session: [used])
    result = sweep.sweep_folder(db.session(), root, HOUR)
    assert result.orphans_checked and result.orphans_removed == 1
    assert store.exists(used) and not store.exists(orphan)
    # A file younger than the grace period may belong to a row about to be committed.
    assert store.exists(fresh_orphan)


def test_the_sweep_command(app, tmp_path, monkeypatch, no_references):
    monkeypatch.setitem(app.config, "MEDIA_STORAGE", str(tmp_path / "media"))
    leftover = tmp_path / "media" / ".tmp-x.part"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")
    _age(leftover, 2 * HOUR)
    result = app.test_cli_runner().invoke(args=["sweep", "--older-than-minutes", "60"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 temporary files." in result.output and not leftover.exists()
    monkeypatch.setitem(app.config, "MEDIA_STORAGE", "s3://bucket")
    s3 = app.test_cli_runner().invoke(args=["sweep"])
    assert s3.exit_code == 0 and "S3" in s3.output
