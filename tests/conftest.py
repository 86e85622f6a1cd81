"""Fixtures for the whole suite.

The database is real: an SQLite file by default, or PostgreSQL when TEST_DATABASE_URL is set
(CI runs both). The schema is made once per run by the Alembic migrations, so the migrations are
tested too, and every table is emptied after each test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from participation import create_app, migrate
from participation.db import db
from participation.models import Base, Role, StaffMember
from tests.support import factories
from tests.support.html_checks import assert_good_page


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def _reset_schema(url: str) -> None:
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    url = _database_url(instance)
    _reset_schema(url)
    application = create_app(
        {
            "DATABASE_URL": url,
            "MEDIA_STORAGE": str(instance / "media"),
            "TASK_QUEUE": f"sqlite:///{instance / 'tasks.db'}",
        }
    )
    application.instance_path = str(instance)
    migrate.upgrade(application)
    # No app context stays pushed: each request must get its own `g`, as in production.
    yield application


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    db.session.remove()
    engine = db.engine
    assert engine is not None
    # Only tables that exist: a model without its migration is caught by test_migrations instead.
    existing = set(inspect(engine).get_table_names())
    names = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in existing]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - our own table names


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    # The scoped proxy, not one Session: requests made by the test client run in this thread and
    # remove the thread's session when they end, so a plain Session held here would be left open
    # (and on PostgreSQL its locks would block the clean-up's TRUNCATE).
    yield db.session  # type: ignore[misc]
    db.session.remove()


class CheckedClient(FlaskClient):
    """A test client that checks every HTML page it fetches."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            assert_good_page(response.get_data(as_text=True), str(args[0] if args else ""))
        return response


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = CheckedClient
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Auth:
    """Signs staff in and out through the real sign-in form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def sign_in(self, staff: StaffMember, password: str = factories.PASSWORD) -> TestResponse:
        page = self.client.get("/sign-in")
        return self.client.post(
            "/sign-in",
            data={
                "email": staff.email,
                "password": password,
                "csrf_token": csrf_from(page.get_data(as_text=True)),
            },
        )

    def sign_out(self) -> TestResponse:
        return self.client.post(
            "/sign-out", data={"csrf_token": csrf_from(self.client.get("/accessibility").text)}
        )


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def keyworker(session: Session) -> StaffMember:
    staff = factories.make_staff(session, Role.KEYWORKER, name="Kim Keyworker")
    session.commit()
    return staff
