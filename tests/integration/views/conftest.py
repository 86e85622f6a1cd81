"""Fixtures for "My views": Mia on a tablet with her picture code, a fresh media store for each
test, and photos and videos made by the tests themselves (no media files live in the repo)."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from participation.media.storage import FolderStorage
from tests.conftest import csrf_from
from tests.support.child_fixtures import CODE
from tests.unit.media.conftest import FAST_X264, make_clip, two_colour, write_jpeg_with_metadata

VERSION_RE = re.compile(r'id="version" name="version" type="hidden" value="(-?\d*)"')
ITEM_URL = re.compile(r"/me/views/items/([A-Za-z0-9_-]+)$")


def version_from(html: str) -> str:
    match = VERSION_RE.search(html)
    assert match, "no version on the page"
    return match.group(1)


def jpeg_bytes(size: tuple[int, int] = (640, 480), *, metadata: bool = False, tmp: Path) -> bytes:
    """A photo as a camera would send it (with EXIF, GPS and orientation when `metadata`)."""
    path = tmp / f"photo-{size[0]}x{size[1]}.jpg"
    if metadata:
        write_jpeg_with_metadata(path, size, orientation=6)
    else:
        two_colour(size).save(path, "JPEG", quality=85)
    return path.read_bytes()


def clip_bytes(tmp: Path, name: str = "clip.mp4", **kwargs: Any) -> bytes:
    """A short video made with FFmpeg's test sources."""
    kwargs.setdefault("video_options", FAST_X264)
    kwargs.setdefault("size", (160, 120))
    kwargs.setdefault("seconds", 1.0)
    return make_clip(tmp / name, **kwargs).read_bytes()


@pytest.fixture
def store(app, tmp_path, monkeypatch) -> Iterator[FolderStorage]:
    """A media store of the test's own, for the routes and the video task alike."""
    fresh = FolderStorage(tmp_path / "media")
    queue = app.extensions["views_queue"]
    monkeypatch.setitem(app.extensions, "media_storage", fresh)
    monkeypatch.setattr(queue, "work", dataclasses.replace(queue.work, storage=fresh))
    yield fresh


@pytest.fixture
def media_dir(tmp_path) -> Path:
    folder = tmp_path / "made"
    folder.mkdir()
    return folder


def _closed(response):
    """Close the request body the test client made: over 500 KB it is a temporary file that
    nothing else closes (a ResourceWarning, an error under filterwarnings=error)."""
    body = response.request.environ.get("wsgi.input")
    if body is not None:
        body.close()
    return response


class ChildViews:
    """Mia on the tablet, using My views through its real forms."""

    def __init__(self, client):
        self.client = client

    def add(self, topic: str = "living-here", *, photos=(), video=None, headers=None, **fields):
        page = self.client.get(f"/me/views/{topic}/add")
        assert page.status_code == 200, page.status_code
        data: dict[str, Any] = {"csrf_token": csrf_from(page.text), "author": "child"}
        data.update(fields)
        data["photos"] = [(io.BytesIO(content), name) for content, name in photos]
        if video is not None:
            data["video"] = (io.BytesIO(video[0]), video[1])
        return _closed(
            self.client.post(
                f"/me/views/{topic}/add",
                data=data,
                content_type="multipart/form-data",
                headers=headers or {},
            )
        )

    def change(self, item_id: str, *, photos=(), video=None, page=None, headers=None, **fields):
        html = (page or self.client.get(f"/me/views/items/{item_id}/change")).text
        data: dict[str, Any] = {"csrf_token": csrf_from(html), "version": version_from(html)}
        topic = re.search(r'name="topic" value="([^"]*)"', html)
        if topic:  # as a browser posts every hidden field of the form
            data["topic"] = topic.group(1)
        data.update(fields)
        data["photos"] = [(io.BytesIO(content), name) for content, name in photos]
        if video is not None:
            data["video"] = (io.BytesIO(video[0]), video[1])
        return _closed(
            self.client.post(
                f"/me/views/items/{item_id}/change",
                data=data,
                content_type="multipart/form-data",
                headers=headers or {},
            )
        )

    @staticmethod
    def item_id(response) -> str:
        assert response.status_code == 302, response.status_code
        match = ITEM_URL.search(response.headers["Location"])
        assert match, response.headers["Location"]
        return match.group(1)


@pytest.fixture
def views(tablet, mia_with_code, keyworker, store) -> ChildViews:
    """Mia's keyworker hands her the tablet and she taps her picture code."""
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    return ChildViews(tablet.client)


def image_of(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def read(store, key: str) -> bytes:
    with store.open(key) as handle:
        return handle.read()
