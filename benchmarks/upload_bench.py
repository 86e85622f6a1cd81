"""Upload benchmark: a 200 MB video sent to the real "add something" route, and what it does
to the server's memory.

The app runs in its own process (werkzeug's threaded server, as `flask run` does), with a
child's space already open. The benchmark streams a 200 MB MP4 (a real one-second clip
followed by a 200 MB `free` box, which every MP4 reader skips) as multipart/form-data, from
disk, in 1 MB pieces. Before the upload, the server's peak-RSS counter is reset (writing "5"
to /proc/<pid>/clear_refs sets VmHWM back to the current RSS); after it, VmHWM minus that RSS
is the most memory the upload ever added. One small upload first warms everything up (PyAV,
the templates, the database). Target: under 100 MB (the quality bar's "a 200 MB video upload
never raises the worker's memory by more than 100 MB").

The request does what it does in production: streams the body to a file on disk, checks the
video (type, length, size, first frame), copies it into the media store and commits the rows;
re-encoding is the worker's job and does not run here.

`python -m benchmarks upload` or `python benchmarks/upload_bench.py`; `run()` returns rows
{"name", "value", "unit", "target", "ok"}.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

UPLOAD_BYTES = 200 * 1000 * 1000
RSS_TARGET_MB = 100.0
BOUNDARY = "----my-review-upload-bench"
_PIECE = 1024 * 1024


# --- The server process -----------------------------------------------------------------------


def serve(folder: Path) -> None:
    """Run the app on a free port with a child's space open; print how to reach it."""
    from werkzeug.serving import make_server

    from participation import create_app, migrate
    from participation.accounts.passwords import hash_password
    from participation.child import service as space_service
    from participation.child.session import CHILD_TOKEN_KEY
    from participation.db import db
    from participation.models import (
        Assignment,
        AuthSession,
        Child,
        Home,
        HomeKind,
        PlacementType,
        Role,
        SessionKind,
        StaffMember,
        utcnow,
    )
    from participation.security.principal import new_session_token

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "MEDIA_STORAGE": str(folder / "media"),
            "TASK_QUEUE": f"sqlite:///{folder / 'tasks.db'}",
            # As in production: the upload only queues the video for the worker.
            "TASK_QUEUE_IMMEDIATE": False,
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "RATELIMIT_ENABLED": False,
        }
    )
    app.instance_path = str(folder)
    migrate.upgrade(app)
    session = db.session()
    home = Home(name="Willow House", kind=HomeKind.CHILDRENS_HOME)
    keyworker = StaffMember(
        email="kim@example.org",
        name="Kim Keyworker",
        role=Role.KEYWORKER,
        password_hash=hash_password("not used by the benchmark"),
    )
    session.add_all([home, keyworker])
    session.flush()
    child = Child(
        legal_name="Mia Example",
        preferred_name="Mia",
        date_of_birth=date(2016, 5, 1),
        became_looked_after=date(2025, 1, 6),
        placement_type=PlacementType.RESIDENTIAL,
        home_id=home.id,
    )
    session.add(child)
    session.flush()
    session.add(Assignment(staff_id=keyworker.id, child_id=child.id, role=Role.KEYWORKER))
    session.commit()
    space_service.set_picture_code(session, child, ["star", "fish", "car"], keyworker)
    _token, token_hash = new_session_token()
    staff_session = AuthSession(
        token_hash=token_hash,
        kind=SessionKind.STAFF,
        staff_id=keyworker.id,
        created_at=utcnow(),
        last_seen_at=utcnow(),
    )
    session.add(staff_session)
    session.flush()
    opened = space_service.hand_over(session, staff_session, keyworker, child)
    space_service.unlock_session(session, opened.auth_session)
    cookie = app.session_interface.get_signing_serializer(app).dumps(  # type: ignore[attr-defined]
        {CHILD_TOKEN_KEY: opened.token}
    )
    db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(
        json.dumps(
            {
                "port": server.server_port,
                "cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}",
                "pid": os.getpid(),
            }
        ),
        flush=True,
    )
    server.serve_forever()


# --- The client ---------------------------------------------------------------------------


def _clip() -> bytes:
    """One second of FFmpeg's test picture as H.264 in MP4."""
    import io

    import av

    out_buffer = io.BytesIO()
    with av.open(out_buffer, "w", format="mp4") as out:
        stream: Any = out.add_stream("libx264", rate=25, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        with av.open("testsrc2=size=320x240:rate=25:duration=1", format="lavfi") as src:
            for frame in src.decode(video=0):
                out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return out_buffer.getvalue()


def make_video(path: Path, total_bytes: int) -> Path:
    """A valid one-second MP4 padded to `total_bytes` with a trailing `free` box."""
    data = _clip()
    padding = total_bytes - len(data)
    with path.open("wb") as out:
        out.write(data)
        # A 64-bit size box: size 1, type "free", then the real size.
        out.write(struct.pack(">I4sQ", 1, b"free", padding))
        zeros = bytes(_PIECE)
        left = padding - 16
        while left > 0:
            out.write(zeros[: min(left, _PIECE)])
            left -= min(left, _PIECE)
    return path


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _get(port: int, path: str, cookie: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read().decode()
    set_cookie = response.getheader("Set-Cookie") or ""
    conn.close()
    return response.status, body, set_cookie.split(";")[0] or cookie


def _post_video(port: int, cookie: str, video: Path) -> tuple[int, str]:
    """Post the add form with the video, streaming the file from disk."""
    status, page, cookie = _get(port, "/me/views/living-here/add", cookie)
    assert status == 200, status
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "no CSRF token"
    fields = {"csrf_token": match.group(1), "text": "A long video", "author": "child"}
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="video"; '
        f'filename="{video.name}"\r\nContent-Type: video/mp4\r\n\r\n'
    )
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    length = len(head.encode()) + video.stat().st_size + len(tail)

    def body() -> Iterator[bytes]:
        yield head.encode()
        with video.open("rb") as handle:
            while piece := handle.read(_PIECE):
                yield piece
        yield tail

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request(
        "POST",
        "/me/views/living-here/add",
        body=body(),
        headers={
            "Cookie": cookie,
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(length),
        },
    )
    response = conn.getresponse()
    response.read()
    location = response.getheader("Location") or ""
    conn.close()
    return response.status, location


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as name:
        folder = Path(name)
        small = make_video(folder / "small.mp4", 2 * 1000 * 1000)
        big = make_video(folder / "big.mp4", UPLOAD_BYTES)
        root = Path(__file__).resolve().parent.parent
        server = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "serve", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
            text=True,
        )
        try:
            assert server.stdout is not None
            ready = json.loads(server.stdout.readline())
            port, cookie, pid = ready["port"], ready["cookie"], ready["pid"]
            warm_status, _ = _post_video(port, cookie, small)
            assert warm_status == 302, f"warm-up upload answered {warm_status}"
            before = _status(pid)
            _reset_peak(pid)
            baseline = _status(pid)["VmRSS"]
            started = time.perf_counter()
            status, location = _post_video(port, cookie, big)
            seconds = time.perf_counter() - started
            after = _status(pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert status == 302 and "/me/views/items/" in location, f"upload answered {status}"
    rise_mb = (after["VmHWM"] - baseline) / 1024
    return [
        {
            "name": "200 MB video upload: server memory rise (peak)",
            "value": round(rise_mb, 1),
            "unit": "MB",
            "target": f"< {RSS_TARGET_MB:.0f} MB",
            "ok": rise_mb < RSS_TARGET_MB,
        },
        {
            "name": "200 MB video upload: server RSS before",
            "value": round(before["VmRSS"] / 1024, 1),
            "unit": "MB",
            "target": "",
            "ok": True,
        },
        {
            "name": "200 MB video upload: time (loopback)",
            "value": round(seconds, 2),
            "unit": "s",
            "target": "",
            "ok": True,
        },
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(Path(sys.argv[2]))
    else:
        for row in run():
            print(f"{row['name']}: {row['value']} {row['unit']} (target {row['target']})")
