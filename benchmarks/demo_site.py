"""A throwaway copy of the app for benchmarks.

The demo council (migrated and loaded as `flask db upgrade` and `flask demo` do) in an SQLite
file in a temporary folder, production settings over plain http on loopback, and signed-in
children and staff. Used by rps_bench (gunicorn) and weight_bench (a werkzeug server in a
thread). Nothing here touches the project's own instance folder or database: every path the app
writes to comes from the environment and points into the temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "my-review-demo"  # the fictional demo council's published password
KEYWORKER = "tom.evans@example.org"  # Jay (11) and Sami (15) at Oak Lodge
CHILD_NAME = "Jay"
PICTURE_CODE = ["star", "fish", "car"]
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
SESSION_COOKIE = "session"  # the cookie's name when SESSION_COOKIE_SECURE is off


@dataclass(frozen=True)
class DemoSite:
    folder: Path
    env: dict[str, str]  # the whole environment for a server process
    child_public_id: str = ""

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]


def site_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        APP_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_SECURE="0",
        DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        MEDIA_STORAGE=str(folder / "media"),
        TASK_QUEUE=f"sqlite:///{folder / 'tasks.db'}",
        RATELIMIT_STORAGE_URI="memory://",
        PYTHONPATH=str(ROOT),
    )
    return env


@contextlib.contextmanager
def demo_site() -> Iterator[DemoSite]:
    """Migrate and load the demo council into a temporary folder (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="my-review-bench-") as tmp:
        folder = Path(tmp)
        site = DemoSite(folder, site_env(folder))
        yield DemoSite(folder, site.env, load(site))


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """Run in-process code (create_app reads settings from the environment) with `env`."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def make_app(site: DemoSite):  # type: ignore[no-untyped-def]
    from participation import create_app

    with environment(site.env):
        return create_app()


def load(site: DemoSite) -> str:
    """What `flask db upgrade` and `flask demo` do (in this process: it saves two start-ups),
    then Jay's keyworker sets his picture code (the service call the picture-code page makes).

    Returns Jay's public id."""
    from sqlalchemy import select

    from participation import migrate
    from participation.child import service
    from participation.db import db
    from participation.demo import load_demo
    from participation.models import Child, StaffMember

    app = make_app(site)
    migrate.upgrade(app)
    with app.app_context():
        session = db.session()
        load_demo(session)
        child = session.scalar(select(Child).where(Child.preferred_name == CHILD_NAME))
        staff = session.scalar(select(StaffMember).where(StaffMember.email == KEYWORKER))
        assert child is not None and staff is not None, "the demo council has changed"
        service.set_picture_code(session, child, PICTURE_CODE, staff)
        public_id = child.public_id
        db.session.remove()
    engine = app.extensions["database"].engine
    if engine is not None:
        engine.dispose()
    return public_id


def _csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def sign_in_staff(base_url: str, email: str = KEYWORKER) -> requests.Session:
    """A browser-like client signed in through the real sign-in form."""
    client = requests.Session()
    page = client.get(f"{base_url}/sign-in", timeout=10)
    response = client.post(
        f"{base_url}/sign-in",
        data={"email": email, "password": DEMO_PASSWORD, "csrf_token": _csrf(page.text)},
        timeout=30,
    )
    if response.status_code != 200 or "/sign-in" in response.url:
        raise RuntimeError(f"signing in {email} failed ({response.status_code} {response.url})")
    return client


def sign_in_child(base_url: str, site: DemoSite, unlock: bool = True) -> requests.Session:
    """The keyworker hands the tablet over and the child taps their picture code (or, with
    unlock=False, not yet: the space stays locked on its picture-code page)."""
    client = sign_in_staff(base_url)
    public_id = site.child_public_id
    record = client.get(f"{base_url}/children/{public_id}", timeout=10)
    record.raise_for_status()
    client.post(
        f"{base_url}/children/{public_id}/hand-over",
        data={"csrf_token": _csrf(record.text)},
        timeout=10,
    ).raise_for_status()
    if not unlock:
        return client
    for picture in PICTURE_CODE:
        page = client.get(f"{base_url}/me/unlock", timeout=10)
        client.post(
            f"{base_url}/me/unlock",
            data={"pick": picture, "csrf_token": _csrf(page.text)},
            timeout=30,
        ).raise_for_status()
    mine = client.get(f"{base_url}/me", timeout=10, allow_redirects=False)
    if mine.status_code != 200:
        raise RuntimeError(f"the child's page answered {mine.status_code} after the code")
    return client


def cookie_header(client: requests.Session) -> str:
    value = client.cookies.get(SESSION_COOKIE)
    if not value:
        raise RuntimeError("no session cookie after signing in")
    return f"{SESSION_COOKIE}={value}"


def wait_until_up(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.1)
