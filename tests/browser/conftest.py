"""Browser tests: the real app served on loopback, driven in Debian's Chromium by Playwright.

In CI a missing Chromium fails the run; on a developer's machine the browser tests are skipped
with a message saying how to install it.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
TABLET_PORTRAIT = {"width": 810, "height": 1080}
TABLET_LANDSCAPE = {"width": 1080, "height": 810}
PHONE = {"width": 360, "height": 740}
VIEWPORTS = {
    "tablet-portrait": TABLET_PORTRAIT,
    "tablet-landscape": TABLET_LANDSCAPE,
    "phone": PHONE,
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: run scripts/install-system-deps.sh as root"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def bodies_closed_here(app: WSGIApplication) -> WSGIApplication:
    """`app` with each response's body read and closed before werkzeug's server gets it.

    When a browser drops a connection (a page left while its icon loads), werkzeug's
    development server fails reading the socket after the response and never closes the
    response, so a static file stays open until garbage collection warns of it, in whichever
    test runs then. The app's own responses are unchanged; they are just not streamed."""

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, bodies_closed_here(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """Every page fails its test on a CSP violation or a request to another origin."""
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            problems.append(message.text)

    def on_request(request: Any) -> None:
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            problems.append(f"request to another origin: {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    yield page
    assert problems == []


def axe_violations(page: Page) -> list[str]:
    """Run axe with the WCAG 2.2 AA tags; return readable violations (empty when clean)."""
    from axe_playwright_python.sync_playwright import Axe

    # A click that sends a form returns once the answer starts to arrive; axe run then can find
    # the new document still empty ("Cannot read properties of null", seen once in CI).
    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    found = []
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"]][:3]
        found.append(f"{violation['id']}: {violation['help']} {targets}")
    # Text the same colour as its background is left "to review" by axe, not failed (it cannot
    # tell hidden text from a mistake), and so it went unseen: black words on black buttons
    # with strong colours. Visible text on this app's pages is never meant to be hidden so.
    for review in results.response["incomplete"]:
        if review["id"] != "color-contrast":
            continue
        same = [
            node["target"]
            for node in review["nodes"]
            if any(check.get("data", {}).get("messageKey") == "equalRatio" for check in node["any"])
        ]
        if same:
            found.append(f"color-contrast: text the colour of its background {same[:3]}")
    return found


def sign_in(page: Page, email: str, password: str, totp_secret: str | None = None) -> None:
    """Sign in through the real form; when a security code is asked for, give one made from
    `totp_secret` (the demo accounts' published key unless told otherwise)."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if urlsplit(page.url).path == "/second-factor":
        from participation.demo import DEMO_TOTP_SECRET

        give_security_code(page, totp_secret or DEMO_TOTP_SECRET)


def give_security_code(page: Page, secret: str) -> None:
    """Type what an authenticator app would show. A code is accepted once, so if this one was
    used a moment ago (the same account signing in twice within 30 seconds), wait for the next."""
    for _attempt in range(2):
        page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        if urlsplit(page.url).path != "/second-factor":
            return
        time.sleep(30 - time.time() % 30 + 0.5)
    raise AssertionError("the security code was refused twice")
