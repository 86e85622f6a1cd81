"""The database: one engine per app, one scoped session per request or command.

Plain SQLAlchemy 2.0 (no Flask-SQLAlchemy) keeps the models fully typed and lets services take a
`Session` argument that tests can hand them directly.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite leaves foreign keys off unless asked, and WAL lets readers go on while a tablet saves.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite made safe for several threads and processes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """Holds the engine and the request-scoped session."""

    def __init__(self) -> None:
        self._factory = sessionmaker(expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self._factory)
        self.engine: Engine | None = None

    def init_app(self, app: Flask) -> None:
        app.extensions["database"] = self
        app.extensions["database_engine"] = make_engine(app.config["DATABASE_URL"])
        self.use(app)

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

    def use(self, app: Flask) -> None:
        """Bind the shared session to `app`'s engine.

        A process serves one app; only tests make a second one, and they call this to go back.
        """
        self.session.remove()
        self.engine = app.extensions["database_engine"]
        self._factory.configure(bind=self.engine)


db = Database()
