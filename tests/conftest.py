"""Fixtures for the whole suite.

The database is real: an SQLite file by default, or PostgreSQL when TEST_DATABASE_URL is set
(CI runs both). The schema is made once per run by the Alembic migrations, so the migrations are
tested too, and every table is emptied after each test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, text, update
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from participation import clock, create_app, migrate
from participation.db import db
from participation.extensions import limiter
from participation.models import AuthSession, Base, Role, StaffMember, utcnow
from participation.security import sealed
from tests.support import factories
from tests.support.html_checks import assert_good_page

# The whole run is on the day it started (see participation/clock.py): expected dates worked out
# when a module is imported still match the pages after midnight.
clock.pin_today(clock.today())

pytest_plugins = ["tests.support.child_fixtures", "tests.support.sharing_fixtures"]


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
            # Rate limits on, so that throttling is tested as wired; so high that only the tests
            # that lower them (accounts/test_throttling.py) ever meet them.
            "RATELIMIT_ENABLED": True,
            "SIGN_IN_ATTEMPTS": "100000 per minute",
            "SIGN_IN_ADDRESS_ATTEMPTS": "100000 per minute",
            "SECOND_FACTOR_ATTEMPTS": "100000 per minute",
            "PICTURE_CODE_ATTEMPTS": "100000 per minute",
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
            _empty_postgresql(conn, names)
        else:
            # The audit record is append-only (a trigger refuses DELETE): lift it for the clean-up.
            # PostgreSQL's TRUNCATE fires no row triggers, so needs no such step.
            triggers = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            ).all()
            for trigger_name, _sql in triggers:
                conn.execute(text(f"DROP TRIGGER {trigger_name}"))
            for name in names:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - our own table names
            for _name, sql in triggers:
                conn.execute(text(sql))


# The sequences that have handed out an id since they were last reset (a reset sequence shows no
# last_value), with their tables.
_MOVED_SEQUENCES = text(
    """
    SELECT dep.refobjid::regclass::text, cls.oid::regclass::text
    FROM pg_sequences AS seq
    JOIN pg_namespace AS ns ON ns.nspname = seq.schemaname
    JOIN pg_class AS cls ON cls.relname = seq.sequencename AND cls.relnamespace = ns.oid
    JOIN pg_depend AS dep ON dep.objid = cls.oid AND dep.deptype IN ('a', 'i')
    WHERE seq.schemaname = current_schema() AND seq.last_value IS NOT NULL
    """
)
# Tables a trigger keeps append-only (the audit record, sent reports): DELETE fails there,
# TRUNCATE fires no row triggers.
_APPEND_ONLY = text(
    """
    SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger
    WHERE NOT tgisinternal AND (tgtype & 8) <> 0
    """
)


def _empty_postgresql(conn: Any, names: list[str]) -> None:
    """Empty the tables a test used and start their ids from 1 again.

    TRUNCATE ... RESTART IDENTITY CASCADE of every table did this in one statement, but it costs
    PostgreSQL file work for each of some sixty tables, empty or not: 160 ms after each test
    of tests/integration/planning on average (31 ms this way). A test touches a few tables with
    a few rows, which DELETE empties at once: a DELETE for each table it used, besides three
    queries."""
    with_rows = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})"  # noqa: S608 - our own table names
        for name in names
    )
    touched = {row[0] for row in conn.execute(text(with_rows))}
    append_only = {row[0] for row in conn.execute(_APPEND_ONLY)} & touched
    if append_only:
        conn.execute(text(f"TRUNCATE {', '.join(sorted(append_only))} CASCADE"))
    for name in names:  # those that point at others first
        if name in touched and name not in append_only:
            conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - our own table names
    sequences = [sequence for table, sequence in conn.execute(_MOVED_SEQUENCES) if table in names]
    if sequences:
        conn.execute(
            text(
                "SELECT setval(CAST(name AS regclass), 1, false)"
                " FROM unnest(CAST(:names AS text[])) AS name"
            ),
            {"names": sequences},
        )


@pytest.fixture
def make_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Another app with its own settings; the suite's app is bound again afterwards."""
    made: list[Flask] = []

    def make(config: dict[str, Any]) -> Flask:
        other = create_app(config)
        made.append(other)
        return other

    yield make
    # What create_app set for the whole process goes back to the suite's app: the database, the
    # rate limiter (one object for every app; a test app's settings switch it off), the sealing key.
    db.use(app)
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    sealed.configure(
        app.config["SECRET_KEY"],
        app.config.get("SECOND_FACTOR_KEY"),
        app.config.get("SECOND_FACTOR_OLD_KEYS"),
    )
    for other in made:
        other.extensions["database_engine"].dispose()


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


def give_second_factor(staff: StaffMember) -> None:
    """Mark the staff member's sessions that wait for a second factor as having given it."""
    with Session(db.engine) as session:
        session.execute(
            update(AuthSession)
            .where(
                AuthSession.staff_id == staff.id,
                AuthSession.ended_at.is_(None),
                AuthSession.second_factor_at.is_(None),
            )
            .values(second_factor_at=utcnow())
        )
        session.commit()


class Auth:
    """Signs staff in and out through the real sign-in form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def sign_in(
        self, staff: StaffMember, password: str = factories.PASSWORD, second_factor: bool = True
    ) -> TestResponse:
        page = self.client.get("/sign-in")
        response = self.client.post(
            "/sign-in",
            data={
                "email": staff.email,
                "password": password,
                "csrf_token": csrf_from(page.get_data(as_text=True)),
            },
        )
        location = response.headers.get("Location", "")
        if second_factor and location.startswith("/second-factor"):
            # IROs, managers and admins are asked for a second factor next. Tests of other areas
            # skip it here; its own pages are tested in tests/integration/accounts/.
            give_second_factor(staff)
            query = location.partition("?")[2]
            response = self.client.get("/second-factor" + (f"?{query}" if query else ""))
        return response

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
