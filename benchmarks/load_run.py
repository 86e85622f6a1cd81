"""Load and soak: the whole app under many simulated users, as a council would run it.

    python -m benchmarks.load_run                 # make load: 100 users for 60 s
    python -m benchmarks.load_run --soak 600      # make soak: 10 minutes, watching memory

Starts, all on loopback and in a temporary folder: a throwaway PostgreSQL cluster
(scripts/pg-throwaway.sh) holding the demo council plus a generated one (benchmarks/load/
council.py: 2,000 children with their reviews and milestones, 150 staff); Redis for the rate-limit
counters and the task queue when `redis-server` is installed (otherwise per-process counters and
an SQLite queue); gunicorn with several sync workers and production settings, told it sits
behind one proxy (TRUSTED_PROXIES=1: each simulated user has its own X-Forwarded-For address).
Then runs locust headless with benchmarks/load/locustfile.py (tablets and staff, 7 to 3), and
prints one table: requests, errors (target 0), requests per second and p50/p95/p99 by kind and
overall, plus the first error messages and any tracebacks in the server's log. Everything started
here is stopped (process groups, the cluster) and the folder removed, whatever happens.

With --soak SECONDS the run lasts that long and the resident memory (RSS) of every gunicorn
worker is sampled every 10 s; the table then shows each worker's average RSS over the first
minute and over the last, and the growth. A worker that restarted is reported as such.

Figures depend on the machine and on what else runs on it: they are for reading, not for tests.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import demo_site
from benchmarks.load import council

ROOT = demo_site.ROOT
BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "benchmarks" / "load" / "locustfile.py"
SAMPLE_EVERY = 10.0  # seconds between RSS samples in a soak


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, seconds: float, process: subprocess.Popen[Any] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {seconds:.0f} s")


def stop_group(process: subprocess.Popen[Any]) -> None:
    """Stop a process started with start_new_session=True, and everything it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster; yields its SQLAlchemy URL."""
    folder = tempfile.mkdtemp(prefix="my-review-load-pg-")
    script = str(ROOT / "scripts" / "pg-throwaway.sh")
    try:
        url = subprocess.run(
            [script, "start", folder, str(free_port())],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
        yield url
    finally:
        subprocess.run([script, "stop", folder], check=False, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def redis(folder: Path) -> Iterator[str | None]:
    """A Redis server with nothing saved to disk, or None when redis-server is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    process = spawn(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        dict(os.environ),
        folder / "redis.log",
    )  # fmt: skip
    try:
        wait_for_port(port, 20, process)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop_group(process)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, log: Path) -> Iterator[tuple[str, int]]:
    """The app under gunicorn (sync workers); yields its base URL and the master's pid."""
    port = free_port()
    process = spawn(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning",
         "participation:create_app()"],
        env,
        log,
    )  # fmt: skip
    try:
        wait_for_port(port, 60, process)
        base = f"http://127.0.0.1:{port}"
        demo_site.wait_until_up(base + "/healthz", 60)
        yield base, process.pid
    finally:
        stop_group(process)


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: the processes whose parent is the master."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            # pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
    return sorted(found)


def rss_kb(pid: int) -> int | None:
    with contextlib.suppress(OSError):
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


@dataclass
class Sampler:
    """Samples every gunicorn worker's RSS each SAMPLE_EVERY seconds, in a thread."""

    master: int
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (t, pid, kB)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    started: float = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            now = time.monotonic() - self.started
            for pid in worker_pids(self.master):
                kb = rss_kb(pid)
                if kb is not None:
                    self.samples.append((now, pid, kb))
            if self._stop.wait(SAMPLE_EVERY):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(SAMPLE_EVERY + 5)


def run_locust(
    base: str, plan: Path, results: Path, users: int, seconds: int, spawn_rate: float, folder: Path
) -> float:
    """Run locust headless; returns the seconds it ran for."""
    env = {**os.environ, "LOAD_PLAN": str(plan), "LOAD_RESULTS": str(results),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    command = [
        str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", base,
        "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
        "--stop-timeout", "10", "--only-summary", "--csv", str(folder / "locust"),
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    started = time.monotonic()
    with open(folder / "locust.log", "wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                       timeout=seconds + 180, check=True)  # fmt: skip
    return time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def print_table(results: dict[str, Any], seconds: float, users: int, folder: Path) -> int:
    times: dict[str, list[float]] = results["times"]
    errors: dict[str, int] = results["errors"]
    everything = [t for values in times.values() for t in values]
    print(f"{'kind':<10} {'requests':>9} {'errors':>7} {'req/s':>8} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")  # fmt: skip
    rows = [(kind, times[kind], errors.get(kind, 0)) for kind in sorted(times)]
    rows.append(("overall", everything, sum(errors.values())))
    for kind, values, failed in rows:
        print(
            f"{kind:<10} {len(values):>9,} {failed:>7} {len(values) / seconds:>8.1f} "
            f"{percentile(values, 0.50):>8.0f} {percentile(values, 0.95):>8.0f} "
            f"{percentile(values, 0.99):>8.0f}"
        )
    print(f"({users} users for {seconds:.0f} s; kinds: sign-in = staff sign-in with argon2; "
          "child = a child's pages; save = a child's answers and choices; upload = a view with "
          "a photo; staff = dashboards and records; pack = an IRO reading a review pack; "
          "media = photos)")  # fmt: skip
    failures = folder / "locust_failures.csv"
    if failures.exists():
        with open(failures) as fh:
            for row in list(csv.DictReader(fh))[:10]:
                print(f"  error x{row['Occurrences']}: {row['Method']} {row['Name']}: "
                      f"{row['Error'][:200]}")  # fmt: skip
    return sum(errors.values())


def server_problems(log: Path) -> list[str]:
    if not log.exists():
        return []
    lines = log.read_text(errors="replace").splitlines()
    return [line for line in lines if "Traceback" in line or " ERROR" in line or "CRITICAL" in line]


def print_memory(samples: list[tuple[float, int, int]], seconds: float) -> None:
    by_pid: dict[int, list[tuple[float, int]]] = {}
    for t, pid, kb in samples:
        by_pid.setdefault(pid, []).append((t, kb))
    end = max((t for t, _pid, _kb in samples), default=0.0)
    print(f"\nWorker memory (RSS sampled every {SAMPLE_EVERY:.0f} s over {seconds:.0f} s)")
    print(f"{'worker pid':<11} {'samples':>7} {'first min MB':>13} {'last min MB':>12} "
          f"{'growth MB':>10} {'max MB':>7}")  # fmt: skip
    total_first = total_last = 0.0
    for pid, points in sorted(by_pid.items()):
        first = [kb for t, kb in points if t <= 60]
        last = [kb for t, kb in points if t >= end - 60]
        lived = points[0][0] <= 60 and points[-1][0] >= end - 60
        if not first or not last or not lived:
            print(f"{pid:<11} {len(points):>7}  (did not live through the run: restarted)")
            continue
        a, b = sum(first) / len(first) / 1024, sum(last) / len(last) / 1024
        total_first, total_last = total_first + a, total_last + b
        peak = max(kb for _t, kb in points) / 1024
        print(f"{pid:<11} {len(points):>7} {a:>13.1f} {b:>12.1f} {b - a:>+10.1f} {peak:>7.1f}")
    print(f"{'all':<11} {'':>7} {total_first:>13.1f} {total_last:>12.1f} "
          f"{total_last - total_first:>+10.1f}")  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--soak", type=int, metavar="SECONDS", help="a soak run, memory sampled")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started a second")
    parser.add_argument("--children", type=int, default=council.Sizes.children)
    parser.add_argument("--keep", action="store_true", help="keep the folder (logs, CSV)")
    args = parser.parse_args(argv)
    seconds = args.soak or args.duration
    if not shutil.which("initdb") and not Path("/usr/lib/postgresql/15/bin/initdb").exists():
        print("PostgreSQL is needed (Debian: apt-get install postgresql).", file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="my-review-load-"))
    status = 0
    try:
        with postgres() as database_url, redis(folder) as redis_url:
            env = demo_site.site_env(folder)
            env.update(
                DATABASE_URL=database_url,
                UPLOAD_FOLDER=str(folder / "uploads"),
                TASK_QUEUE=f"{redis_url}/0" if redis_url else f"sqlite:///{folder / 'tasks.db'}",
                RATELIMIT_STORAGE_URI=f"{redis_url}/1" if redis_url else "memory://",
                TRUSTED_PROXIES="1",
            )
            started = time.monotonic()
            plan = council.prepare(env, council.Sizes(children=args.children))
            plan_file = folder / "plan.json"
            plan_file.write_text(json.dumps(plan))
            sizes = plan["sizes"]
            print(f"# council: {sizes['children']:,} children, {sizes['milestones']:,} "
                  f"milestones, {sizes['staff']} staff, ready in "
                  f"{time.monotonic() - started:.0f} s; PostgreSQL, "
                  f"{'Redis' if redis_url else 'no Redis'}, gunicorn {args.workers} sync "
                  "workers", file=sys.stderr)  # fmt: skip
            server_log = folder / "gunicorn.log"
            with gunicorn(env, args.workers, server_log) as (base, master):
                sampler = Sampler(master)
                if args.soak:
                    sampler.start()
                results_file = folder / "results.json"
                ran = run_locust(base, plan_file, results_file, args.users, seconds,
                                 args.spawn_rate, folder)  # fmt: skip
                sampler.stop()
            results = json.loads(results_file.read_text())
            errors = print_table(results, min(ran, float(seconds)), args.users, folder)
            problems = server_problems(server_log)
            print(f"server log: {len(problems)} tracebacks or errors")
            for line in problems[:5]:
                print(f"  {line[:200]}")
            if args.soak:
                print_memory(sampler.samples, seconds)
            status = 1 if errors or problems else 0
    finally:
        if args.keep:
            print(f"# kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
