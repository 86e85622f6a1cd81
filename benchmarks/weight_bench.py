"""Page weight: every child page fetched by a real browser, bytes over the wire and requests.

The child pages are found in the app's url map: GET routes whose view declares `access` "child"
(the child's unlocked space) or "child-session" (the picture-code page of a locked space). Routes
with URL parameters are skipped (and listed) until there is demo data to fill them from.

The app (production settings, the demo council in a temporary folder) is served by werkzeug in a
thread on 127.0.0.1; Debian's Chromium loads each page through Playwright in a fresh context
(cold cache) with the cookie of a child whose keyworker handed over. Bytes are what Chromium
reports over the network (CDP Network.loadingFinished encodedDataLength, i.e. after
compression), bodies alone against the target and with headers beside it. Any request to another
origin is counted (target 0). A second visit in the same context shows what caching leaves.

Lighthouse (npm package, mobile profile, performance only) scores /me when node and npm are there:
it is installed once into LIGHTHOUSE_DIR (default: <tmp>/my-review-lighthouse); when it cannot
run, the row says why instead of a number.

Targets (../shared/quality-bar.md): under 60 KB a page, no third-party requests; Lighthouse
performance at least 95.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import demo_site

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TARGET_BYTES = 60_000
TARGET_LIGHTHOUSE = 95
LIGHTHOUSE_VERSION = "12.8.2"
LIGHTHOUSE_DIR = Path(
    os.environ.get("LIGHTHOUSE_DIR", Path(tempfile.gettempdir()) / "my-review-lighthouse")
)
CHILD_ACCESS = ("child", "child-session")
SETTLE_MS = 500  # after "load", for anything the page's script fetches


@dataclass
class ChildPage:
    path: str
    access: str


@dataclass
class Weight:
    body_bytes: int = 0
    wire_bytes: int = 0  # bodies and headers
    requests: int = 0
    other_origin: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    final_url: str = ""
    status: int = 0


def child_pages(app: Any) -> tuple[list[ChildPage], list[str]]:
    """(pages to weigh, routes skipped because they need URL parameters)."""
    pages, skipped = [], []
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if access not in CHILD_ACCESS or "GET" not in (rule.methods or ()):
            continue
        if rule.arguments:
            skipped.append(rule.rule)
        else:
            pages.append(ChildPage(rule.rule, str(access)))
    return sorted(pages, key=lambda p: p.path), sorted(skipped)


@contextmanager
def serve(app: Any) -> Iterator[str]:
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def weigh(context: Any, url: str) -> Weight:
    """Load `url` in `context` and add up what came over the network."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    weight = Weight()
    headers_at: dict[str, int] = {}
    base = _origin(url)

    def sent(event: dict[str, Any]) -> None:
        target = event["request"]["url"]
        if urlsplit(target).scheme in ("http", "https", "ws", "wss"):
            weight.requests += 1
            if _origin(target) != base:
                weight.other_origin.append(target)

    def received(event: dict[str, Any]) -> None:
        headers_at[event["requestId"]] = int(event["response"].get("encodedDataLength") or 0)

    def finished(event: dict[str, Any]) -> None:
        total = int(event["encodedDataLength"])  # 0 when it came from the cache
        weight.wire_bytes += total
        if total:
            weight.body_bytes += max(0, total - headers_at.get(event["requestId"], 0))

    def failed(event: dict[str, Any]) -> None:
        weight.failed.append(event.get("errorText", "failed"))

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)
    response = page.goto(url, wait_until="load")
    page.wait_for_timeout(SETTLE_MS)
    weight.final_url = page.url
    weight.status = response.status if response else 0
    page.close()
    return weight


def lighthouse(url: str, cookie: str) -> tuple[float | str, str]:
    """Lighthouse's mobile performance score for `url`, or why it could not run; and metrics."""
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not (shutil.which("node") and shutil.which("npm")):
            return "not run: node/npm not found", ""
        try:
            subprocess.run(
                ["npm", "install", "--prefix", str(LIGHTHOUSE_DIR), "--no-audit", "--no-fund",
                 f"lighthouse@{LIGHTHOUSE_VERSION}"],
                check=True, capture_output=True, text=True, timeout=240,
            )  # fmt: skip
        except (subprocess.SubprocessError, OSError) as error:
            return f"not run: npm install lighthouse failed ({type(error).__name__})", ""
    with tempfile.TemporaryDirectory(prefix="my-review-lh-") as tmp:
        report = Path(tmp) / "report.json"
        flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
        command = [
            str(binary), url, "--quiet", "--only-categories=performance", "--output=json",
            f"--output-path={report}", f"--chrome-flags={flags}",
            f"--extra-headers={json.dumps({'Cookie': cookie})}",
        ]  # fmt: skip
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        try:
            subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
            data = json.loads(report.read_text())
        except (subprocess.SubprocessError, OSError, ValueError) as error:
            return f"not run: lighthouse failed ({type(error).__name__})", ""
    if data.get("finalDisplayedUrl", url).rstrip("/") != url.rstrip("/"):
        return f"not run: redirected to {data.get('finalDisplayedUrl')}", ""
    score = data["categories"]["performance"]["score"]
    audits = data["audits"]
    metrics = ", ".join(
        f"{name} {audits[key]['displayValue']}"
        for name, key in (
            ("FCP", "first-contentful-paint"),
            ("LCP", "largest-contentful-paint"),
            ("TBT", "total-blocking-time"),
            ("CLS", "cumulative-layout-shift"),
        )
        if key in audits and audits[key].get("displayValue")
    )
    if score is None:
        return "not run: no score (page error)", metrics
    return round(score * 100, 1), metrics


def _page_rows(page: ChildPage, first: Weight, again: Weight | None) -> list[dict[str, Any]]:
    label = page.path + (" (locked)" if page.access == "child-session" else "")
    landed = urlsplit(first.final_url).path
    if landed != page.path:
        label += f" -> {landed}"  # a redirect within the child's space, e.g. to a first step
    lost = landed in ("/sign-in", "/me/unlock") and landed != page.path
    if first.status != 200 or lost:
        return [{"name": f"{label} weight", "value": f"error: {first.status} {first.final_url}",
                 "unit": "", "target": f"< {TARGET_BYTES:,} bytes", "ok": False}]  # fmt: skip
    rows = [
        {"name": f"{label} bytes (bodies)", "value": first.body_bytes, "unit": "bytes",
         "target": f"< {TARGET_BYTES:,}", "ok": first.body_bytes < TARGET_BYTES},
        {"name": f"{label} bytes with headers", "value": first.wire_bytes, "unit": "bytes",
         "target": ""},
        {"name": f"{label} requests", "value": first.requests, "unit": "req", "target": ""},
        {"name": f"{label} other-origin requests", "value": len(first.other_origin),
         "unit": "req", "target": "0", "ok": not first.other_origin},
    ]  # fmt: skip
    if first.failed:
        rows.append({"name": f"{label} failed requests", "value": len(first.failed),
                     "unit": "req", "target": "0", "ok": False})  # fmt: skip
    if again is not None:
        rows.append({"name": f"{label} next visit (cached)", "value": again.wire_bytes,
                     "unit": "bytes", "target": ""})  # fmt: skip
    return rows


def run() -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    rows: list[dict[str, Any]] = []
    with demo_site.demo_site() as site:
        app = demo_site.make_app(site)
        pages, skipped = child_pages(app)
        with serve(app) as base:
            cookies = {
                "child": demo_site.cookie_header(demo_site.sign_in_child(base, site)),
                "child-session": demo_site.cookie_header(
                    demo_site.sign_in_child(base, site, unlock=False)
                ),
            }
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for page in pages:
                        context = browser.new_context(viewport={"width": 800, "height": 1280})
                        name, value = cookies[page.access].split("=", 1)
                        context.add_cookies([{"name": name, "value": value, "url": base}])
                        first = weigh(context, base + page.path)
                        again = weigh(context, base + page.path) if page.access == "child" else None
                        context.close()
                        rows += _page_rows(page, first, again)
                finally:
                    browser.close()
            score, metrics = lighthouse(base + "/me", cookies["child"])
    ok = isinstance(score, float) and score >= TARGET_LIGHTHOUSE
    rows.append({"name": "/me Lighthouse performance (mobile)", "value": score, "unit": "score",
                 "target": f">= {TARGET_LIGHTHOUSE}", "ok": ok})  # fmt: skip
    if metrics:
        rows.append({"name": "/me Lighthouse metrics", "value": metrics, "unit": "", "target": ""})
    if skipped:
        rows.append({"name": "child pages skipped (URL parameters)", "value": ", ".join(skipped),
                     "unit": "", "target": ""})  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
