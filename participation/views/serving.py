"""Sending a stored photo or video to the browser: streamed, with byte ranges, locked down.

Range requests let a tablet's video player start at once and seek; the file is read in
chunks as the response is written, so a video is never held whole in memory. The headers
make the response inert whatever its bytes: no caching, no type sniffing, a sandbox CSP (an
SVG or HTML file that slipped through would run nothing), and a file name the server made.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response
from werkzeug.http import parse_range_header

from ..media.storage import Storage

CHUNK = 256 * 1024
MEDIA_CSP = "default-src 'none'; sandbox"


def _chunks(storage: Storage, key: str, start: int, end: int) -> Iterator[bytes]:
    """Bytes [start, end) of a stored object, a chunk at a time."""
    handle = storage.open(key)
    try:
        if handle.seekable():
            handle.seek(start)
            position = start
            while position < end:
                chunk = handle.read(min(CHUNK, end - position))
                if not chunk:
                    return
                position += len(chunk)
                yield chunk
            return
    finally:
        handle.close()
    # A store whose streams cannot seek (S3): ask it for each chunk's range instead.
    position = start
    while position < end:
        chunk = storage.read_range(key, position, min(position + CHUNK, end))
        if not chunk:
            return
        position += len(chunk)
        yield chunk


def _headers(response: Response, content_type: str, filename: str) -> Response:
    response.headers["Content-Type"] = content_type
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    return response


def media_response(
    storage: Storage,
    key: str,
    *,
    content_type: str,
    filename: str,
    range_header: str | None,
    if_range: str | None = None,
) -> Response:
    """The whole object (200), one byte range of it (206), or 416 for a range it cannot meet.

    `filename` must be made by the server (it is not escaped). Several ranges at once are
    answered with the whole object (allowed, and no browser asks for them); an If-Range the
    server cannot check (it sends no validators) also gets the whole object, as HTTP says.
    """
    length = storage.size(key)
    start, end, status = 0, length, 200
    if range_header is not None and not if_range:
        parsed = parse_range_header(range_header)
        if parsed is None:
            if range_header.strip().lower().startswith("bytes"):
                return _unsatisfiable(length, content_type, filename)
        elif parsed.units == "bytes" and len(parsed.ranges) == 1:
            found = _resolve(parsed.ranges[0], length)
            if found is None:
                return _unsatisfiable(length, content_type, filename)
            start, end = found
            status = 206
    response = Response(_chunks(storage, key, start, end), status=status, direct_passthrough=True)
    response.headers["Content-Length"] = str(end - start)
    if status == 206:
        response.headers["Content-Range"] = f"bytes {start}-{end - 1}/{length}"
    return _headers(response, content_type, filename)


def _resolve(wanted: tuple[int, int | None], length: int) -> tuple[int, int] | None:
    """[start, end) for one parsed range, or None when it asks for nothing that is there.

    A suffix range ("the last N bytes") longer than the object means the whole object.
    """
    first, stop = wanted
    if first < 0:
        return (max(0, length + first), length) if length else None
    if first >= length:
        return None
    return first, min(stop if stop is not None else length, length)


def _unsatisfiable(length: int, content_type: str, filename: str) -> Response:
    response = Response(b"", status=416)
    response.headers["Content-Range"] = f"bytes */{length}"
    _headers(response, content_type, filename)
    # The body is empty: say so rather than claim it is a photo or video.
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response
