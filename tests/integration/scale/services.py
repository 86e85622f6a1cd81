"""Real services on loopback for the scale tests: PostgreSQL, Redis, an S3-compatible server,
the video worker and app servers under gunicorn, each in its own process group.

Every process is started with start_new_session=True and stopped by its process group (the
gunicorn master and its workers together), on random free ports, with its output in a log file
that a failing test shows. `Cluster` holds them; its `close()` stops everything, in reverse
order, whatever happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
PG_SCRIPT = ROOT / "scripts" / "pg-throwaway.sh"
BUCKET = "my-review-media"


def postgres_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in (Path("/usr/lib/postgresql/15/bin"), *versions):
        if (folder / "initdb").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def missing() -> list[str]:
    """What this machine lacks to run the services, as install hints."""
    lacks = []
    if postgres_bin() is None:
        lacks.append("PostgreSQL (apt-get install postgresql)")
    if shutil.which("redis-server") is None:
        lacks.append("redis-server (apt-get install redis-server)")
    for tool, extra in (("moto_server", "moto[server]"), ("gunicorn", "gunicorn")):
        if not (BIN / tool).exists():
            lacks.append(f"{tool} ({extra} in .venv: make install)")
    return lacks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    """Until `url` answers (any status below 500); fail early if the process has died."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited ({process.returncode}):\n{tail(log)}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds:.0f} s:\n{tail(log)}")
        time.sleep(0.1)


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited ({process.returncode}):\n{tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing on port {port} within {seconds:.0f} s:\n{tail(log)}")
        time.sleep(0.05)


def tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_groups(processes: list[subprocess.Popen[bytes]], grace: float = 1.0) -> None:
    """SIGTERM each process group, then SIGKILL what has not gone within `grace` seconds."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Workers may outlive a master that has exited: the group goes either way.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)


@dataclass
class Cluster:
    """Everything the two-server test starts; `close()` stops it all."""

    folder: Path
    processes: list[tuple[str, subprocess.Popen[bytes], Path]] = field(default_factory=list)
    pg_folder: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    servers: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        with open(log, "ab") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append((name, process, log))
        return process

    def logs(self) -> str:
        """The end of every process's log, for a failing assertion's message."""
        return "\n".join(f"--- {name}\n{tail(log, 25)}" for name, _p, log in self.processes)

    def close(self) -> None:
        # Throwaway services holding nothing worth keeping: a short grace, then SIGKILL.
        stop_groups([process for _name, process, _log in reversed(self.processes)])
        if self.pg_folder is not None:
            subprocess.run([str(PG_SCRIPT), "stop", str(self.pg_folder)], check=False, timeout=60)
            shutil.rmtree(self.pg_folder, ignore_errors=True)

    # --- the services ------------------------------------------------------------------

    def start_postgres(self) -> str:
        # Directly under /tmp: as root the cluster's folder is handed to the postgres user, who
        # must be able to reach it.
        self.pg_folder = Path(tempfile.mkdtemp(prefix="my-review-scale-pg-", dir="/tmp"))
        done = subprocess.run(
            [str(PG_SCRIPT), "start", str(self.pg_folder), str(free_port())],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            log = tail(self.pg_folder / "server.log")
            raise RuntimeError(f"PostgreSQL did not start: {done.stderr}\n{log}")
        return done.stdout.strip()

    def start_redis(self) -> tuple[str, Callable[[], None]]:
        """Start Redis; returns its URL and a function that waits until it listens."""
        port = free_port()
        binary = shutil.which("redis-server") or "redis-server"
        process = self.spawn(
            "redis",
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            dict(os.environ),
        )  # fmt: skip
        log = self.folder / "redis.log"
        return f"redis://127.0.0.1:{port}", lambda: wait_for_port(port, process, log, 20)

    def start_s3(self) -> tuple[str, Callable[[], None]]:
        """Start moto's S3 server; returns its endpoint and a function that waits for it."""
        port = free_port()
        process = self.spawn(
            "s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], self.base_env()
        )
        endpoint = f"http://127.0.0.1:{port}"
        log = self.folder / "s3.log"
        return endpoint, lambda: wait_for(endpoint + "/moto-api/", process, log, 30)

    def base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TEST_"))}
        env.update(
            PYTHONPATH=str(ROOT),
            # Dummy keys: moto accepts any; no instance metadata is ever asked for.
            AWS_ACCESS_KEY_ID="scale-test",
            AWS_SECRET_ACCESS_KEY="scale-test",
            AWS_EC2_METADATA_DISABLED="true",
        )
        return env

    def configure(self, database_url: str, redis_url: str, s3_endpoint: str) -> None:
        """The settings every app process shares (and each server's own upload folder)."""
        self.env = self.base_env()
        self.env.update(
            APP_ENV="production",
            SECRET_KEY=secrets.token_hex(32),
            SESSION_COOKIE_SECURE="0",  # plain http on loopback
            DATABASE_URL=database_url,
            MEDIA_STORAGE=f"s3://{BUCKET}?endpoint={s3_endpoint}&region=eu-west-2",
            TASK_QUEUE=f"{redis_url}/0",
            RATELIMIT_STORAGE_URI=f"{redis_url}/1",
            # Lower than the space's own rest (five wrong codes): see test_two_servers.py.
            PICTURE_CODE_ATTEMPTS="4 per 15 minutes",
            S3_ENDPOINT=s3_endpoint,
            S3_BUCKET=BUCKET,
        )

    def prepare(self) -> None:
        """Bucket, schema, demo council, picture codes: in a process of its own."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.integration.scale.prepare"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"preparing the shared database failed:\n{done.stderr[-3000:]}")
        self.data = json.loads(done.stdout.strip().splitlines()[-1])

    def start_worker(self) -> None:
        env = {**self.env, "UPLOAD_FOLDER": str(self.folder / "worker-uploads")}
        self.spawn("worker", [str(BIN / "flask"), "--app", "participation", "worker"], env)

    def start_server(self, number: int, workers: int = 2) -> Callable[[], None]:
        """Start an app server; returns a function that waits until it answers."""
        port = free_port()
        env = {**self.env, "UPLOAD_FOLDER": str(self.folder / f"server{number}-uploads")}
        process = self.spawn(
            f"server{number}",
            [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
             "participation:create_app()"],
            env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        self.servers.append(base)
        log = self.folder / f"server{number}.log"
        return lambda: wait_for(base + "/healthz", process, log, 90)
