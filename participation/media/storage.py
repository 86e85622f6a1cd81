"""Where finished media files live: a folder on disk, or an S3-compatible bucket.

Both stores speak the same small `Storage` protocol. Keys are made by the server
(`new_key`), never from an uploaded file name, and every key is validated so that no caller
can reach outside the store (no "..", no absolute paths, no hidden names). A put is atomic:
readers see the whole file under its key or nothing.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final, Protocol, cast, runtime_checkable
from urllib.parse import parse_qs, unquote, urlsplit

from .processing import TEMP_PREFIX

_CHUNK: Final = 1024 * 1024

# A key is one or more "/"-separated segments of letters, digits, ".", "_" and "-", each
# starting with a letter or digit. That rules out "", ".", "..", hidden and temp names
# (".tmp-..."), absolute paths, backslashes, drive letters and anything needing escaping.
_SEGMENT: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_MAX_KEY: Final = 512

_KIND: Final = re.compile(r"[a-z][a-z0-9-]{0,31}")
_EXT: Final = re.compile(r"[a-z0-9]{1,8}")
_EXTENSIONS: Final[dict[str, str]] = {
    "photo": "jpg",
    "thumb": "jpg",
    "poster": "jpg",
    "video": "mp4",
}


class InvalidKey(ValueError):
    """A key that could point outside the store or is otherwise malformed."""


def validate_key(key: str) -> str:
    """Return `key` unchanged if it is a safe storage key, else raise InvalidKey."""
    if not isinstance(key, str) or not key or len(key) > _MAX_KEY:
        raise InvalidKey(f"bad key: {key!r}")
    for segment in key.split("/"):
        if not _SEGMENT.fullmatch(segment) or ".." in segment:
            raise InvalidKey(f"bad key: {key!r}")
    return key


def _validate_prefix(prefix: str) -> str:
    # A prefix is a key, a key followed by "/", or empty (everything).
    if prefix == "":
        return prefix
    validate_key(prefix.removesuffix("/"))
    return prefix


def new_key(kind: str, ext: str | None = None) -> str:
    """A fresh, unguessable key such as "photo/3f/3f9a...e1.jpg".

    128 random bits from `secrets`; the first two hex digits make a fan-out folder so no
    directory grows huge. The extension comes from `kind` ("photo", "thumb", "poster" ->
    jpg, "video" -> mp4) unless `ext` is given. Nothing of the uploaded name is used.
    """
    if not _KIND.fullmatch(kind):
        raise ValueError(f"bad kind: {kind!r}")
    extension = ext if ext is not None else _EXTENSIONS.get(kind)
    if extension is None or not _EXT.fullmatch(extension):
        raise ValueError(f"no or bad extension for kind {kind!r}: {ext!r}")
    token = secrets.token_hex(16)
    return f"{kind}/{token[:2]}/{token}.{extension}"


@dataclass(frozen=True)
class StoredObject:
    """What a put stored: the key, its size in bytes and the SHA-256 of its content (hex)."""

    key: str
    size: int
    sha256: str


@runtime_checkable
class Storage(Protocol):
    """The operations the app needs from a media store.

    Missing keys raise FileNotFoundError (except `exists` and `delete`); malformed keys
    raise InvalidKey. `read_range(key, start, end)` returns bytes [start, end) - `end` is
    exclusive, like a slice - clipped to the object's size.
    """

    def put(self, key: str, src: Path) -> StoredObject:
        """Copy the finished file `src` in under `key`, atomically."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the object; the caller closes it."""
        ...

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of the object, for HTTP range requests."""
        ...

    def size(self, key: str) -> int:
        """The object's size in bytes."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; no error if it is already gone."""
        ...

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every stored key starting with `prefix`, in sorted order."""
        ...

    def sha256(self, key: str) -> str:
        """The SHA-256 of the object's content, as lowercase hex."""
        ...


def _check_range(start: int, end: int) -> None:
    if start < 0 or end < start:
        raise ValueError(f"bad range: {start}..{end}")


def _hashes(path: Path) -> tuple[int, str, str]:
    """Size, SHA-256 (hex) and MD5 (base64, for S3's Content-MD5) of a file, in one pass."""
    sha = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest(), base64.b64encode(md5.digest()).decode("ascii")


# --------------------------------------------------------------------------------------
# A folder on disk
# --------------------------------------------------------------------------------------


class FolderStorage:
    """Objects as files under `root` (created if missing).

    `root` must not be inside a folder called "static": media are served only through the
    app's authorised handler, never by a static file server.
    """

    def __init__(self, root: Path) -> None:
        root = Path(root).resolve()
        if "static" in root.parts:
            raise ValueError(f"media root must be outside static/: {root}")
        root.mkdir(parents=True, exist_ok=True)
        self.root = root

    def _path(self, key: str) -> Path:
        path = self.root / validate_key(key)
        # Belt and braces: validation already forbids "..", but a symlinked folder inside
        # the root must not lead outside it either.
        if not path.resolve().is_relative_to(self.root):
            raise InvalidKey(f"key escapes the store: {key!r}")
        return path

    def put(self, key: str, src: Path) -> StoredObject:
        """Copy `src` to a temp name beside the target, fsync it, rename it into place."""
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=final.parent)
        temp = Path(temp_name)
        sha = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
                while chunk := inp.read(_CHUNK):
                    sha.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        dir_fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # make the rename itself durable
        finally:
            os.close(dir_fd)
        return StoredObject(key=key, size=size, sha256=sha.hexdigest())

    def open(self, key: str) -> BinaryIO:
        """Open the stored file for reading."""
        return self._path(key).open("rb")

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of the file, clipped to its size."""
        _check_range(start, end)
        with self._path(key).open("rb") as fh:
            fh.seek(start)
            return fh.read(end - start)

    def size(self, key: str) -> int:
        """The file's size in bytes."""
        return self._path(key).stat().st_size

    def exists(self, key: str) -> bool:
        """Whether a finished file is stored under `key`."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        self._path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Stored keys starting with `prefix`, sorted; temp files are never listed."""
        _validate_prefix(prefix)
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [d for d in dirnames if _SEGMENT.fullmatch(d)]
            rel = Path(dirpath).relative_to(self.root)
            for name in filenames:
                if not _SEGMENT.fullmatch(name):
                    continue  # temp files and anything else that is not a key
                key = (rel / name).as_posix()
                if key.startswith(prefix):
                    found.append(key)
        yield from sorted(found)

    def sha256(self, key: str) -> str:
        """SHA-256 of the file's content (hex), read in chunks."""
        sha = hashlib.sha256()
        with self._path(key).open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                sha.update(chunk)
        return sha.hexdigest()

    def sweep_temp(self, older_than_seconds: float) -> int:
        """Remove temp files left by interrupted writes; return how many were removed.

        Only files named with the temp prefix and not modified for `older_than_seconds` are
        touched, so a write in progress is left alone. Finished files are never touched.
        """
        cutoff = time.time() - older_than_seconds
        removed = 0
        for dirpath, _dirnames, filenames in os.walk(self.root):
            for name in filenames:
                if not name.startswith(TEMP_PREFIX):
                    continue
                path = Path(dirpath) / name
                with contextlib.suppress(FileNotFoundError):
                    if path.lstat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
        return removed


# --------------------------------------------------------------------------------------
# An S3-compatible bucket
# --------------------------------------------------------------------------------------


class _BodyReader(io.RawIOBase):
    """Adapt botocore's StreamingBody to a real io stream (readinto, close, buffering)."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._body.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


def _is_missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("404", "NoSuchKey", "NotFound") or status == 404


class S3Storage:
    """Objects in an S3 bucket (AWS, MinIO, or anything S3-compatible).

    Pass a ready `client`, or let one be made from `endpoint_url`, `region` and the keys
    (when the keys are None boto3's usual chain is used: AWS_ACCESS_KEY_ID and friends).
    """

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client(
                "s3",
                endpoint_url=endpoint_url,
                region_name=region,
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                # Path-style addressing works with every S3-compatible server on any host
                # name (virtual hosts need DNS for each bucket).
                config=Config(
                    s3={"addressing_style": "path"} if endpoint_url else {},
                    retries={"max_attempts": 5, "mode": "standard"},
                ),
            )
        self.client = client

    def _head(self, key: str) -> dict[str, Any]:
        try:
            return cast(
                dict[str, Any],
                self.client.head_object(Bucket=self.bucket, Key=validate_key(key)),
            )
        except Exception as exc:
            if _is_missing(exc):
                raise FileNotFoundError(key) from exc
            raise

    def put(self, key: str, src: Path) -> StoredObject:
        """Upload `src` in one PUT (atomic in S3) with Content-MD5 and a SHA-256 checksum.

        The server checks both against what it received; the SHA-256 (hex) is also kept in
        the object's metadata so `sha256()` needs no download.
        """
        validate_key(key)
        size, sha_hex, md5_b64 = _hashes(src)
        with open(src, "rb") as body:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentLength=size,
                ContentMD5=md5_b64,
                ChecksumSHA256=base64.b64encode(bytes.fromhex(sha_hex)).decode("ascii"),
                Metadata={"sha256": sha_hex},
            )
        return StoredObject(key=key, size=size, sha256=sha_hex)

    def open(self, key: str) -> BinaryIO:
        """Stream the object; the caller closes it."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=validate_key(key))
        except Exception as exc:
            if _is_missing(exc):
                raise FileNotFoundError(key) from exc
            raise
        return cast(BinaryIO, io.BufferedReader(_BodyReader(response["Body"]), _CHUNK))

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes [start, end) via an HTTP Range request, clipped to the object's size."""
        _check_range(start, end)
        validate_key(key)
        if end == start:
            self._head(key)  # still report a missing key
            return b""
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=key, Range=f"bytes={start}-{end - 1}"
            )
        except Exception as exc:
            if _is_missing(exc):
                raise FileNotFoundError(key) from exc
            code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
            if code == "InvalidRange":
                return b""  # start is at or past the end of the object
            raise
        with contextlib.closing(response["Body"]) as body:
            return cast(bytes, body.read())

    def size(self, key: str) -> int:
        """The object's size in bytes (a HEAD request)."""
        return int(self._head(key)["ContentLength"])

    def exists(self, key: str) -> bool:
        """Whether the object exists (a HEAD request)."""
        try:
            self._head(key)
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        """Delete the object; S3 does not mind if it is already gone."""
        self.client.delete_object(Bucket=self.bucket, Key=validate_key(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Stored keys starting with `prefix`, in S3's (sorted) listing order."""
        _validate_prefix(prefix)
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield str(item["Key"])

    def sha256(self, key: str) -> str:
        """The SHA-256 recorded at upload; computed by streaming if it is missing."""
        recorded = self._head(key).get("Metadata", {}).get("sha256")
        if recorded:
            return str(recorded)
        sha = hashlib.sha256()
        with self.open(key) as fh:
            while chunk := fh.read(_CHUNK):
                sha.update(chunk)
        return sha.hexdigest()


# --------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------


def storage_from_config(url: str) -> Storage:
    """Make a store from a URL-ish setting.

    - ``file:///srv/my-review/media`` or a plain folder path (relative to the working
      folder) -> FolderStorage;
    - ``s3://bucket?endpoint=http://127.0.0.1:9000&region=eu-west-2`` -> S3Storage, with
      credentials from the usual AWS environment variables.
    """
    if not url:
        raise ValueError("no media storage configured")
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"no bucket in {url!r}")
        query = parse_qs(parts.query)
        unknown = set(query) - {"endpoint", "region"}
        if unknown:
            raise ValueError(f"unknown s3 settings: {sorted(unknown)}")
        return S3Storage(
            parts.netloc,
            endpoint_url=query.get("endpoint", [None])[0],
            region=query.get("region", [None])[0],
        )
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"file URLs must be local: {url!r}")
        return FolderStorage(Path(unquote(parts.path)))
    if parts.scheme == "":
        return FolderStorage(Path(url))
    raise ValueError(f"unsupported media storage: {url!r}")
