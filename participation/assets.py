"""Lean static files for cheap tablets on weak wifi: fingerprinted URLs, long cache lifetimes and
compression, without touching a template.

- Every `url_for('static', filename=...)` gets `?v=<first 10 hex of the file's SHA-256>`. The hash
  is computed on first use. In development it is kept until the file's size or modification time
  changes, so a changed file gets a new URL at once; in production (STATIC_FILES_FIXED) it is
  kept until the server restarts, as a deploy does, which saves a stat per link (a child's page
  has a dozen).
- A static response asked for with the file's current `v` may be kept for a year and never
  revalidated (`immutable`); any other static response (no `v`, or an old one during a deploy)
  only for a few minutes. Pages themselves stay `no-store` (security/headers.py).
- Static responses never carry the session cookie nor `Vary: Cookie` (see _StaticWithoutSession).
- Static text files (CSS, JS, SVG, JSON...) over 1 KB are sent gzipped to clients that accept it,
  with `Vary: Accept-Encoding`. Media (photos, video) are never compressed (they already are), nor
  is anything marked `no-transform`.

Why pages (HTML) are NOT compressed here - BREACH:
  compressing a response that holds a secret together with anything an attacker can choose lets
  an attacker who sees the encrypted sizes recover the secret a character at a time. Our pages
  hold both: the CSRF token (Flask-WTF's token is NOT masked per render: its payload is the same
  raw session token on every page, only the timestamp and signature change) and a child's
  personal details; and a child page echoes its own URL, query string included, into the "Take a
  break" form, which is exactly the reflected input BREACH needs. SameSite=Lax cookies make the
  attack harder but not impossible (top-level navigations carry the cookie). Random padding only
  multiplies the number of requests an attacker needs, so we do not rely on it. A child's page
  weighs a few KB of HTML, well inside the 60 KB budget uncompressed, and the CSS and JavaScript
  that make up most of the weight are compressed and cached for a year. So the app compresses
  static files only, and a reverse proxy in front should not gzip `text/html` either (or do so
  only with its own BREACH mitigation).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
from dataclasses import dataclass, replace
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.security import safe_join

VERSION_ARG = "v"
VERSION_LENGTH = 10
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"
# Below this, gzip's own header and the CPU cost outweigh what it saves.
MIN_COMPRESS_BYTES = 1024
# Text that compresses well. Images other than SVG, audio and video are already compressed.
COMPRESSIBLE_TYPES = frozenset(
    {
        "text/css",
        "text/javascript",
        "application/javascript",
        "text/plain",
        "text/html",
        "text/xml",
        "application/xml",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    }
)


@dataclass(frozen=True)
class _Entry:
    path: str
    stamp: tuple[int, int]  # (mtime_ns, size): the cached values are good while it is unchanged
    version: str
    gzipped: bytes | None = None


class StaticFiles:
    """Hashes (and gzipped copies) of the files in one static folder, made on first use."""

    def __init__(self, folder: str, *, watch: bool = True) -> None:
        self.folder = folder
        self.watch = watch  # False: files do not change while the server runs
        self._entries: dict[str, _Entry] = {}

    def _entry(self, filename: str) -> _Entry | None:
        if not self.watch and filename in self._entries:
            return self._entries[filename]
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            info = os.stat(path)  # one stat a URL: a few microseconds
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        stamp = (info.st_mtime_ns, info.st_size)
        entry = self._entries.get(filename)
        if entry is None or entry.stamp != stamp:
            with open(path, "rb") as handle:
                data = handle.read()
            entry = _Entry(path, stamp, hashlib.sha256(data).hexdigest()[:VERSION_LENGTH])
            self._entries[filename] = entry
        return entry

    def version(self, filename: str) -> str | None:
        """The file's fingerprint, or None when there is no such file."""
        found = self._entry(filename)
        return found.version if found else None

    def size(self, filename: str) -> int | None:
        found = self._entry(filename)
        return found.stamp[1] if found else None

    def gzipped(self, filename: str) -> bytes | None:
        """The file gzipped at the highest level (once; it is cached with its hash)."""
        entry = self._entry(filename)
        if entry is None:
            return None
        if entry.gzipped is None:
            with open(entry.path, "rb") as handle:
                # mtime=0: the same file always gives the same bytes, on every server.
                packed = gzip.compress(handle.read(), compresslevel=9, mtime=0)
            entry = replace(entry, gzipped=packed)
            self._entries[filename] = entry
        return entry.gzipped


def _accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def _compress(response: Response, files: StaticFiles, filename: str) -> Response:
    """Swap a static file's body for its gzipped copy when the client accepts it."""
    if response.status_code != 200 or "Content-Encoding" in response.headers:
        return response
    if response.mimetype not in COMPRESSIBLE_TYPES:
        return response
    size = files.size(filename)
    if size is None or size <= MIN_COMPRESS_BYTES:
        return response
    # The body depends on Accept-Encoding whether or not this client gets it gzipped.
    response.vary.add("Accept-Encoding")
    if not _accepts_gzip():
        return response
    packed = files.gzipped(filename)
    if packed is None or len(packed) >= size:
        return response
    body = response.response
    close = getattr(body, "close", None)
    if close is not None:
        close()  # the open static file Flask was about to stream
    response.direct_passthrough = False
    response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        # A different representation needs a different validator; answer 304 for it too.
        response.set_etag(f"{etag}-gzip", weak=bool(weak))
        response.make_conditional(request.environ)
    return response


class _StaticWithoutSession(SecureCookieSessionInterface):
    """Static files are the same for everyone, so their responses never carry the session.

    Without this, the principal lookup that runs before every request reads the session, and
    Flask then adds `Vary: Cookie` to a file cached for a year (browsers would fetch it again
    whenever the session cookie changes) and sometimes a `Set-Cookie` to a `public` response.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_assets(app: Flask) -> None:
    """Fingerprinted static URLs, their cache lifetimes, and compression of static text files."""
    files = StaticFiles(
        app.static_folder or "static",
        watch=not app.config.get("STATIC_FILES_FIXED"),
    )
    app.extensions["static_files"] = files
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = _StaticWithoutSession()

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static" or VERSION_ARG in values or "filename" not in values:
            return
        version = files.version(str(values["filename"]))
        if version is not None:
            values[VERSION_ARG] = version

    @app.after_request
    def _static_caching(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = str((request.view_args or {}).get("filename", ""))
        current = files.version(filename)
        asked = request.args.get(VERSION_ARG)
        # Something before us asked that the body be left exactly as it is: keep that promise.
        no_transform = bool(response.cache_control.no_transform)
        cache = LONG_CACHE if current is not None and asked == current else SHORT_CACHE
        response.headers["Cache-Control"] = f"{cache}, no-transform" if no_transform else cache
        return response if no_transform else _compress(response, files, filename)
