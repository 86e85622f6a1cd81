"""Requests per second: the signed-in child's page against a bare Flask app, side by side.

Both run under gunicorn with 2 sync workers on 127.0.0.1, side by side, and are loaded with
`wrk -t2 -c20` after a short warm-up, taking turns: ROUNDS rounds of ROUND_SECONDS seconds for
each page. On a machine shared with other work the load from elsewhere comes and goes; measured
one after the other, a burst of it would fall on whichever page was being measured at the time
(runs minutes apart, of nearly the same code, gave 0.17 and 1.2), while in turns it falls on
each page alike. Each page's rate is its mean over the rounds; each round's ratio is shown too.

- bare: benchmarks/bare_app.py, 20 rows via the SQLAlchemy ORM from SQLite into a template file;
- /me: the real app (production settings, demo council in an SQLite file in a temporary folder),
  with the session cookie of a child whose keyworker handed over and who tapped their picture code;
- /my-children: the same app, a signed-in keyworker's landing page.

Each page's SQL statements are counted too (in this process, on the same database): the tests
pin them, and a change in the count explains a change in the rate.

Target (../shared/quality-bar.md): the child's page at least half the bare app's rate. Every
response is checked by a wrk Lua script: a redirect (to the unlock page, say) counts as an error,
so a lost session cannot pass for speed. Without wrk, a bounded Python load generator (threads,
keep-alive) runs instead and the rows say so; its own CPU use lowers every figure.

Run: `python -m benchmarks rps` (about 60 s). Loopback only; every process started here is
stopped (its whole process group) before run() returns.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bare_app, demo_site

ROUNDS = 4  # the pages take turns, ROUNDS times...
ROUND_SECONDS = 3  # ...for this long each: 12 s of measured load per page
WARM_UP = 2
THREADS = 2
CONNECTIONS = 20
WORKERS = 2
TARGET_RATIO = 0.5
ROOT = demo_site.ROOT
GUNICORN = Path(sys.executable).parent / "gunicorn"

# Counts every response that is not a 200 across wrk's threads (wrk itself counts only >= 400).
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("NOT200 %d\\n", total))
  io.write(string.format("P50US %d\\nP99US %d\\n", latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Load:
    rps: float
    requests: int
    not_ok: int  # responses other than 200, plus socket errors
    p50_ms: float
    p99_ms: float
    tool: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str]) -> Iterator[str]:
    """`gunicorn app_spec` with 2 sync workers on a free loopback port, stopped afterwards."""
    port = free_port()
    command = [
        str(GUNICORN),
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app_spec,
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: the master and its workers
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        demo_site.wait_until_up(base + "/", 30)
        yield base
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _wrk(url: str, cookie: str | None, seconds: int, script: Path) -> Load:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    out = done.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    not200 = re.search(r"NOT200 (\d+)", out)
    if not (rps and total and not200):
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(n) for n in errors.groups()) if errors else 0
    p50 = re.search(r"P50US (\d+)", out)
    p99 = re.search(r"P99US (\d+)", out)
    return Load(
        rps=float(rps.group(1)),
        requests=int(total.group(1)),
        not_ok=int(not200.group(1)) + socket_errors,
        p50_ms=int(p50.group(1)) / 1000 if p50 else float("nan"),
        p99_ms=int(p99.group(1)) / 1000 if p99 else float("nan"),
        tool="wrk",
    )


def _python_load(url: str, cookie: str | None, seconds: int) -> Load:
    """A bounded stand-in for wrk: CONNECTIONS threads with keep-alive connections."""
    match = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    assert match, url
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    headers = {"Cookie": cookie} if cookie else {}
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"ok": 0, "bad": 0}

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=5)
        mine: list[float] = []
        ok = bad = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok, bad = (ok + 1, bad) if response.status == 200 else (ok, bad + 1)
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=5)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            counts["ok"] += ok
            counts["bad"] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 10)
    elapsed = time.monotonic() - started
    latencies.sort()
    total = counts["ok"] + counts["bad"]

    def pct(p: float) -> float:
        return latencies[int(p * (len(latencies) - 1))] * 1000 if latencies else float("nan")

    return Load(total / elapsed, total, counts["bad"], pct(0.5), pct(0.99), "python threads")


def load(url: str, cookie: str | None, script: Path, seconds: int) -> Load:
    if shutil.which("wrk"):
        return _wrk(url, cookie, seconds, script)
    return _python_load(url, cookie, seconds)


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    cookie: str | None


def in_turns(pages: list[Page], script: Path) -> dict[str, list[Load]]:
    """Warm every page up, then load them in turns, ROUNDS times; each page's rounds in order."""
    for page in pages:
        load(page.url, page.cookie, script, WARM_UP)
    rounds: dict[str, list[Load]] = {page.name: [] for page in pages}
    for _ in range(ROUNDS):
        for page in pages:
            rounds[page.name].append(load(page.url, page.cookie, script, ROUND_SECONDS))
    return rounds


def combined(rounds: list[Load]) -> Load:
    """The rounds of one page as one: mean rate (the rounds are equally long), all requests and
    errors, the median p50 and the worst p99."""
    return Load(
        rps=statistics.fmean(r.rps for r in rounds),
        requests=sum(r.requests for r in rounds),
        not_ok=sum(r.not_ok for r in rounds),
        p50_ms=statistics.median(r.p50_ms for r in rounds),
        p99_ms=max(r.p99_ms for r in rounds),
        tool=rounds[0].tool,
    )


def _rows(name: str, result: Load, target: str, **extra: Any) -> list[dict[str, Any]]:
    tool = "" if result.tool == "wrk" else f" [{result.tool}: wrk not found]"
    return [
        {"name": f"{name} rps{tool}", "value": round(result.rps, 1), "unit": "req/s",
         "target": target, **extra},
        {"name": f"{name} p50 / p99", "value": f"{result.p50_ms:.1f} / {result.p99_ms:.1f}",
         "unit": "ms", "target": ""},
        {"name": f"{name} not 200", "value": result.not_ok, "unit": "resp",
         "target": f"0 of {result.requests}"},
    ]  # fmt: skip


def statements(site: demo_site.DemoSite, path: str, cookie: str) -> int:
    """How many SQL statements one request for `path` makes, counted in this process against the
    same database (after one request to warm up, as the tests that pin these counts do)."""
    from sqlalchemy import event

    app = demo_site.make_app(site)
    engine = app.extensions["database"].engine
    client = app.test_client(use_cookies=False)  # the Cookie header as given, as wrk sends it
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])  # (conn, cursor, statement, ...)

    client.get(path, headers={"Cookie": cookie})
    event.listen(engine, "before_cursor_execute", count)
    try:
        status = client.get(path, headers={"Cookie": cookie}).status_code
    finally:
        event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    if status != 200:
        raise RuntimeError(f"{path} answered {status} when counting its statements")
    return len(seen)


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="my-review-rps-") as tmp:
        script = Path(tmp) / "count.lua"
        script.write_text(WRK_SCRIPT)

        bare_url = f"sqlite:///{Path(tmp) / 'bare.db'}"
        bare_app.prepare(bare_url)
        bare_env = {**os.environ, "BARE_DATABASE_URL": bare_url, "PYTHONPATH": str(ROOT)}
        with (
            gunicorn("benchmarks.bare_app:app", bare_env) as bare_base,
            demo_site.demo_site() as site,
            gunicorn("participation:create_app()", site.env) as base,
        ):
            child = demo_site.cookie_header(demo_site.sign_in_child(base, site))
            keyworker = demo_site.cookie_header(demo_site.sign_in_staff(base))
            rounds = in_turns(
                [
                    Page("bare", bare_base + "/", None),
                    Page("me", base + "/me", child),
                    Page("mine", base + "/my-children", keyworker),
                ],
                script,
            )
            me_statements = statements(site, "/me", child)
            mine_statements = statements(site, "/my-children", keyworker)

    bare, me, mine = (combined(rounds[name]) for name in ("bare", "me", "mine"))
    rows += _rows("bare Flask, 20 ORM rows", bare, "peer")
    ratio = me.rps / bare.rps if bare.rps else 0.0
    pairs = zip(rounds["me"], rounds["bare"], strict=True)
    each = [m.rps / b.rps if b.rps else 0.0 for m, b in pairs]
    rows += _rows("child /me (signed in)", me, f">= {TARGET_RATIO} x bare", ratio=ratio)
    rows.append(
        {"name": "child /me / bare", "value": round(ratio, 3), "unit": "ratio",
         "target": f">= {TARGET_RATIO}", "ok": ratio >= TARGET_RATIO and me.not_ok == 0}
    )  # fmt: skip
    rows.append(
        {"name": "child /me / bare, each round", "value": " ".join(f"{r:.2f}" for r in each),
         "unit": "ratio", "target": ""}
    )  # fmt: skip
    pinned = "fixed: tests/integration/workspaces/test_my_page.py"
    rows.append(
        {"name": "child /me SQL statements", "value": me_statements, "unit": "queries",
         "target": pinned}
    )  # fmt: skip
    rows += _rows("keyworker /my-children", mine, "", ratio=mine.rps / bare.rps if bare.rps else 0)
    rows.append(
        {"name": "keyworker /my-children / bare",
         "value": round(mine.rps / bare.rps if bare.rps else 0.0, 3), "unit": "ratio",
         "target": ""}
    )  # fmt: skip
    rows.append(
        {"name": "keyworker /my-children SQL statements", "value": mine_statements,
         "unit": "queries", "target": pinned}
    )  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
