"""Where a child's page spends its time: server time per request, measured in one process.

rps_bench says how many requests a second each page gets under gunicorn; this says what each
layer of the child's page costs, without the server, the network or the load generator: the
WSGI app is called directly, thousands of times, with the child's session cookie, on the same
demo database, and the best of three runs is kept (less noise from other work on the machine).

- bare: the peer of rps_bench (20 ORM rows into a template), called the same way;
- a word, no session: a route that returns one word, before anyone signs in;
- a word, child's session: the same with the child's cookie (session row, child, space);
- the child layout: an empty child page (header, read-aloud bar, forms, footer);
- /me: the child's own page.

Run: `python -m benchmarks request_cost` (about 40 s).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.test import EnvironBuilder

from benchmarks import bare_app, demo_site, rps_bench

CALLS = 2000
RUNS = 3
WARM_UP = 300


def caller(app: Any, path: str, cookie: str | None) -> Callable[[], bytes]:
    """One request to `app` for `path`, straight through WSGI; fails on anything but a 200."""
    environ = EnvironBuilder(path=path, headers={"Cookie": cookie} if cookie else {}).get_environ()

    def call() -> bytes:
        statuses: list[str] = []
        body = app(dict(environ), lambda status, headers, exc_info=None: statuses.append(status))
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        if not statuses or not statuses[0].startswith("200"):
            raise RuntimeError(f"{path} answered {statuses[:1]}")
        return data

    return call


def per_request_ms(call: Callable[[], bytes]) -> float:
    for _ in range(WARM_UP):
        call()
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(CALLS):
            call()
        best = min(best, (time.perf_counter() - started) / CALLS * 1000)
    return best


def _layers(app: Any) -> None:
    """Routes that stop at each layer of a child's page (this process only)."""
    from flask import render_template

    from participation.security.access import child, public

    def word() -> str:
        return "ok"

    def child_word() -> str:
        return "ok"

    def layout() -> str:
        return render_template("child/base.html")

    app.add_url_rule("/_cost/word", "cost_word", public(word))
    app.add_url_rule("/_cost/child-word", "cost_child_word", child(child_word))
    app.add_url_rule("/_cost/layout", "cost_layout", child(layout))


def run() -> list[dict[str, Any]]:
    from sqlalchemy import create_engine

    with (
        tempfile.TemporaryDirectory(prefix="my-review-cost-") as tmp,
        demo_site.demo_site() as site,
    ):
        # The child's cookie, got the way a tablet gets it: through a real server.
        with rps_bench.gunicorn("participation:create_app()", site.env) as base:
            cookie = demo_site.cookie_header(demo_site.sign_in_child(base, site))
        with demo_site.environment(site.env):
            app = demo_site.make_app(site)
        _layers(app)
        url = f"sqlite:///{Path(tmp) / 'bare.db'}"
        bare_app.prepare(url)
        bare_app.engine = create_engine(url)
        try:
            bare = per_request_ms(caller(bare_app.app, "/", None))
            layers = [
                ("a word, no session", "/_cost/word", None),
                ("a word, child's session", "/_cost/child-word", cookie),
                ("the child layout", "/_cost/layout", cookie),
                ("child /me", "/me", cookie),
            ]
            figures = [(name, per_request_ms(caller(app, path, c))) for name, path, c in layers]
        finally:
            bare_app.engine.dispose()
            app.extensions["database_engine"].dispose()
    rows: list[dict[str, Any]] = [
        {"name": "bare Flask, 20 ORM rows", "value": round(bare, 3), "unit": "ms/req",
         "target": "peer (in process)"}
    ]  # fmt: skip
    for name, ms in figures:
        rows.append(
            {"name": name, "value": round(ms, 3), "unit": "ms/req",
             "target": f"{ms / bare:.1f} x bare", "ratio": bare / ms}
        )  # fmt: skip
    return rows


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    for row in run():
        print(row)
