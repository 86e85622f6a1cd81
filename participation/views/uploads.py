"""The one upload path: from the request body to files ready to store.

1. Werkzeug's form parser streams every uploaded file part straight into a named temporary
   file in the upload folder (`UploadRequest`): a 200 MB video never sits in memory, and the
   pipeline gets a real path to read.
2. `prepare` decides what each file is from its content and makes it ready: a photo is cleaned
   at once (fast) into fresh temporary files; a video is only checked (type, length, size,
   resolution, a first frame), since re-encoding it is the worker's job.
3. The service then puts the files into the media store and only afterwards commits the rows
   that point at them (see `service.py`).

Anything refused raises `Refused`, which carries the pipeline's reason and says whether it
was a photo or the video, for the words the child reads. Nothing is stored in that case.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from flask import Flask, Request, current_app
from werkzeug.datastructures import FileStorage

from ..media.processing import (
    TEMP_PREFIX,
    MediaLimits,
    MediaRejected,
    Reason,
    VideoInfo,
    clean_image,
    probe_video,
    sniff,
)

UPLOAD_PREFIX = TEMP_PREFIX + "upload-"
_CHUNK = 1024 * 1024

MediaWhich = Literal["photo", "video"]


def upload_folder(app: Flask) -> Path:
    """Where uploads are spooled: `UPLOAD_FOLDER`, or `uploads` in the instance folder.

    On the same disk as the instance rather than in /tmp, which is often a small RAM disk.
    """
    configured = app.config.get("UPLOAD_FOLDER")
    folder = Path(configured) if configured else Path(app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class UploadsOnDisk:
    """For a request class: uploaded files go straight to named temporary files on disk.

    Werkzeug's default keeps up to 500 KB of each file in memory and then spills to an
    unnamed file; ours writes to disk from the first byte, in the upload folder, and gives the
    pipeline a path. Each file is deleted when the request ends (Flask closes the request's
    files), or by `flask media sweep` if the process died first.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return tempfile.NamedTemporaryFile(
            "wb+", prefix=UPLOAD_PREFIX, suffix=".part", dir=upload_folder(current_app)
        )


def with_uploads_on_disk(request_class: type[Request]) -> type[Request]:
    """The app's request class, with uploads spooled to named files on disk."""
    if issubclass(request_class, UploadsOnDisk):
        return request_class
    return type("UploadRequest", (UploadsOnDisk, request_class), {})


def chosen(files: Sequence[FileStorage] | FileStorage | None) -> list[FileStorage]:
    """The files actually chosen: browsers send an empty part for an empty file input."""
    if files is None:
        return []
    many = [files] if isinstance(files, FileStorage) else list(files)
    return [f for f in many if isinstance(f, FileStorage) and f.filename]


@contextlib.contextmanager
def on_disk(upload: FileStorage, work: Path) -> Iterator[Path]:
    """The uploaded file as a path: the spooled file itself, or a copy made in chunks."""
    stream = upload.stream
    name = getattr(stream, "name", None)
    if isinstance(name, str) and os.path.isfile(name):
        stream.flush()
        yield Path(name)
        return
    # A stream without a file behind it (another request class, a test helper): copy it.
    fd, copy_name = tempfile.mkstemp(prefix=UPLOAD_PREFIX, suffix=".part", dir=work)
    copy = Path(copy_name)
    try:
        with os.fdopen(fd, "wb") as out:
            stream.seek(0)
            shutil.copyfileobj(stream, out, _CHUNK)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


class Refused(Exception):
    """A photo or video the pipeline would not take; nothing was kept."""

    def __init__(self, which: MediaWhich, reason: Reason | str, number: int = 1) -> None:
        super().__init__(f"{which} {number}: {reason}")
        self.which: MediaWhich = which
        self.reason = reason
        self.number = number  # which of the photos (1-based), for the message


@dataclass(frozen=True)
class PreparedPhoto:
    path: Path
    thumb_path: Path
    width: int
    height: int
    sent_sha256: str  # of the file as the tablet sent it (see Item.saved_with)


@dataclass(frozen=True)
class PreparedVideo:
    """A checked, not yet re-encoded video: the uploaded file itself and what the probe saw."""

    path: Path
    extension: str
    info: VideoInfo
    sent_sha256: str


@dataclass
class Prepared:
    photos: list[PreparedPhoto] = field(default_factory=list)
    video: PreparedVideo | None = None

    def __bool__(self) -> bool:
        return bool(self.photos) or self.video is not None

    def counts(self) -> tuple[int, int]:
        """How many photos and videos."""
        return len(self.photos), int(self.video is not None)

    def without(self, sent_before: set[str | None]) -> Prepared:
        """These files but those sent before (a page's own save sent again: see
        Item.saved_with): a photo is not kept twice because the answer to a tablet was lost."""
        photos = [photo for photo in self.photos if photo.sent_sha256 not in sent_before]
        video = self.video
        if video is not None and video.sent_sha256 in sent_before:
            video = None
        return Prepared(photos, video)


_VIDEO_EXTENSIONS = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm"}


def prepare_photo(src: Path, work: Path, limits: MediaLimits, number: int = 1) -> PreparedPhoto:
    """Clean one uploaded photo into fresh files in `work` (Refused if it cannot be used)."""
    dest = work / f"photo-{number}.jpg"
    thumb = work / f"thumb-{number}.jpg"
    try:
        result = clean_image(src, dest, thumb, limits)
    except MediaRejected as rejected:
        raise Refused("photo", rejected.reason, number) from rejected
    return PreparedPhoto(dest, thumb, result.width, result.height, sent_digest(src))


def prepare_video(src: Path, limits: MediaLimits) -> PreparedVideo:
    """Check an uploaded video against the allowlist and the caps (Refused if not)."""
    try:
        sniffed = sniff(src)
        if sniffed.kind != "video":
            raise MediaRejected("not-allowed", sniffed.mime)
        info = probe_video(src, limits)
    except MediaRejected as rejected:
        raise Refused("video", rejected.reason) from rejected
    return PreparedVideo(src, _VIDEO_EXTENSIONS[sniffed.mime], info, sent_digest(src))


def sent_digest(src: Path) -> str:
    """The SHA-256 of a file as it was sent (about 0.3 s for the largest video allowed)."""
    with src.open("rb") as sent:
        return hashlib.file_digest(sent, "sha256").hexdigest()


def work_folder(app: Flask) -> tempfile.TemporaryDirectory[str]:
    """A private folder for one request's cleaned files, removed with everything in it."""
    return tempfile.TemporaryDirectory(prefix=UPLOAD_PREFIX, dir=upload_folder(app))
