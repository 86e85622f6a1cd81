"""Both stores (a folder, and a real S3-compatible server) behave the same."""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from participation.media.storage import (
    FolderStorage,
    InvalidKey,
    S3Storage,
    Storage,
    new_key,
    storage_from_config,
    validate_key,
)

BAD_KEYS = [
    "",
    "/etc/passwd",
    "../outside.jpg",
    "photo/../../outside.jpg",
    "photo/./x.jpg",
    "photo//x.jpg",
    "photo/x.jpg/",
    "photo\\x.jpg",
    "photo/.tmp-abc.part",
    "photo/.hidden",
    "C:/x.jpg",
    "photo/x y.jpg",
    "photo/%2e%2e/x.jpg",
    "photo/..x.jpg",
    "a" * 600,
]

CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


@pytest.fixture
def s3_client(s3_endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-west-2",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )


@pytest.fixture
def bucket(s3_client: Any) -> str:
    """A fresh bucket per test on the shared server."""
    name = f"my-review-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    return name


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "folder":
        yield FolderStorage(tmp_path / "media")
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        name = request.getfixturevalue("bucket")
        yield S3Storage(name, endpoint_url=endpoint, region="eu-west-2", **CREDENTIALS)


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    """A finished file of about 300 KB with varied bytes."""
    path = tmp_path / "finished.jpg"
    path.write_bytes(os.urandom(300_001))
    return path


def test_store_types_satisfy_the_protocol(store: Storage) -> None:
    assert isinstance(store, Storage)


def test_round_trip(store: Storage, payload: Path) -> None:
    key = new_key("photo")
    data = payload.read_bytes()
    assert not store.exists(key)

    stored = store.put(key, payload)

    assert stored.key == key
    assert stored.size == len(data) == store.size(key)
    assert stored.sha256 == hashlib.sha256(data).hexdigest() == store.sha256(key)
    assert store.exists(key)
    with store.open(key) as fh:
        assert fh.read() == data
    with store.open(key) as fh:  # reads in pieces too
        assert fh.read(10) + fh.read() == data


def test_ranges(store: Storage, payload: Path) -> None:
    key = new_key("video")
    data = payload.read_bytes()
    store.put(key, payload)
    assert store.read_range(key, 0, 1) == data[:1]
    assert store.read_range(key, 1000, 2000) == data[1000:2000]
    assert store.read_range(key, len(data) - 5, len(data)) == data[-5:]
    assert store.read_range(key, len(data) - 5, len(data) + 100) == data[-5:]  # clipped
    assert store.read_range(key, 10, 10) == b""
    assert store.read_range(key, len(data), len(data) + 10) == b""
    with pytest.raises(ValueError):
        store.read_range(key, 10, 5)
    with pytest.raises(ValueError):
        store.read_range(key, -1, 5)


def test_missing_keys(store: Storage) -> None:
    key = new_key("photo")
    assert not store.exists(key)
    store.delete(key)  # no error
    with pytest.raises(FileNotFoundError):
        store.size(key)
    with pytest.raises(FileNotFoundError):
        store.open(key)
    with pytest.raises(FileNotFoundError):
        store.read_range(key, 0, 10)
    with pytest.raises(FileNotFoundError):
        store.sha256(key)


def test_delete_and_list(store: Storage, payload: Path) -> None:
    photos = sorted(new_key("photo") for _ in range(3))
    video = new_key("video")
    for key in [*photos, video]:
        store.put(key, payload)
    assert list(store.keys()) == sorted([*photos, video])
    assert list(store.keys("photo/")) == photos
    assert list(store.keys(photos[0])) == [photos[0]]

    store.delete(photos[1])
    assert not store.exists(photos[1])
    assert list(store.keys("photo/")) == [photos[0], photos[2]]


def test_put_replaces_whole(store: Storage, tmp_path: Path) -> None:
    key = new_key("photo")
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_bytes(b"a" * 1000)
    second.write_bytes(b"b" * 10)
    store.put(key, first)
    store.put(key, second)
    with store.open(key) as fh:
        assert fh.read() == b"b" * 10
    assert store.sha256(key) == hashlib.sha256(b"b" * 10).hexdigest()


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_refused_everywhere(store: Storage, key: str, payload: Path) -> None:
    for call in (
        lambda: store.put(key, payload),
        lambda: store.open(key),
        lambda: store.read_range(key, 0, 1),
        lambda: store.size(key),
        lambda: store.exists(key),
        lambda: store.delete(key),
        lambda: store.sha256(key),
    ):
        with pytest.raises(InvalidKey):
            call()


def test_bad_prefix_is_refused(store: Storage) -> None:
    with pytest.raises(InvalidKey):
        list(store.keys("../"))


def test_new_keys_are_server_made_and_valid() -> None:
    keys = {new_key("photo") for _ in range(1000)}
    assert len(keys) == 1000
    for key in keys:
        assert validate_key(key) == key
        kind, fan, name = key.split("/")
        token, ext = name.split(".")
        assert (kind, ext, len(token), fan) == ("photo", "jpg", 32, token[:2])
        int(token, 16)
    assert new_key("video").endswith(".mp4")
    assert new_key("poster").endswith(".jpg")
    assert new_key("clip", ext="webm").endswith(".webm")
    for bad_kind in ("../x", "Photo", "", "photo/x"):
        with pytest.raises(ValueError):
            new_key(bad_kind)
    with pytest.raises(ValueError):
        new_key("mystery")  # no known extension
    with pytest.raises(ValueError):
        new_key("photo", ext="php/x")


# --- folder-only behaviour ---------------------------------------------------------------


def test_folder_put_is_atomic_and_leaves_no_temp(tmp_path: Path, payload: Path) -> None:
    store = FolderStorage(tmp_path / "media")
    key = new_key("photo")
    store.put(key, payload)
    files = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert [p.relative_to(tmp_path / "media").as_posix() for p in files] == [key]


def test_folder_failed_put_leaves_nothing(tmp_path: Path) -> None:
    store = FolderStorage(tmp_path / "media")
    with pytest.raises(FileNotFoundError):
        store.put(new_key("photo"), tmp_path / "does-not-exist")
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []


def test_sweep_temp_removes_only_stale_temp_files(tmp_path: Path, payload: Path) -> None:
    store = FolderStorage(tmp_path / "media")
    key = new_key("photo")
    store.put(key, payload)
    folder = (tmp_path / "media" / key).parent
    stale = folder / ".tmp-crashed.part"
    fresh = folder / ".tmp-writing-now.part"
    stale.write_bytes(b"half a photo")
    fresh.write_bytes(b"being written")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    old_finished = tmp_path / "media" / key
    os.utime(old_finished, (an_hour_ago, an_hour_ago))  # old, but finished

    assert list(store.keys()) == [key]  # temp files are never listed
    assert store.sweep_temp(older_than_seconds=600) == 1

    assert not stale.exists()
    assert fresh.exists()
    assert old_finished.exists()
    assert store.sweep_temp(older_than_seconds=600) == 0


def test_folder_root_inside_static_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="static"):
        FolderStorage(tmp_path / "static" / "media")


def test_folder_symlink_out_of_the_root_is_refused(tmp_path: Path, payload: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "media"
    store = FolderStorage(root)
    (root / "photo").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidKey):
        store.put("photo/ab/abcdef.jpg", payload)
    assert list(outside.rglob("*")) == []


# --- S3-only behaviour -------------------------------------------------------------------


def test_s3_put_records_sha256_and_sends_checksums(
    s3_endpoint: str,
    bucket: str,
    s3_client: Any,
    payload: Path,
) -> None:
    store = S3Storage(bucket, client=s3_client)
    sent: list[dict[str, object]] = []
    s3_client.meta.events.register(
        "before-parameter-build.s3.PutObject", lambda params, **_: sent.append(dict(params))
    )
    key = new_key("photo")
    stored = store.put(key, payload)
    head = s3_client.head_object(Bucket=bucket, Key=key)
    assert head["Metadata"]["sha256"] == stored.sha256
    assert sent and sent[0]["ContentMD5"] and sent[0]["ChecksumSHA256"]


# --- configuration ------------------------------------------------------------------------


def test_storage_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = storage_from_config(f"file://{tmp_path}/a")
    assert isinstance(folder, FolderStorage) and folder.root == tmp_path / "a"

    monkeypatch.chdir(tmp_path)
    relative = storage_from_config("var/media")
    assert isinstance(relative, FolderStorage) and relative.root == tmp_path / "var" / "media"

    with pytest.raises(ValueError):
        storage_from_config("ftp://example.org/media")
    with pytest.raises(ValueError):
        storage_from_config("")
    with pytest.raises(ValueError):
        storage_from_config("s3://?region=eu-west-2")
    with pytest.raises(ValueError):
        storage_from_config("s3://bucket?color=blue")


def test_storage_from_config_s3_works_against_the_server(
    s3_endpoint: str, bucket: str, payload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    store = storage_from_config(f"s3://{bucket}?endpoint={s3_endpoint}&region=eu-west-2")
    assert isinstance(store, S3Storage)
    key = new_key("photo")
    assert store.put(key, payload).size == payload.stat().st_size
    assert store.exists(key)
