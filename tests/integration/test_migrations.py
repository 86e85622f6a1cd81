"""The migrations make the same schema as the models, and upgrade a database that holds data."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import Engine, create_engine, text

from participation import migrate
from participation.db import db
from participation.models import Base


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def database_at(tmp_path: Path, make_app, revision: str) -> tuple[Flask, Engine]:
    """An app and an engine on a new SQLite database migrated only as far as `revision`."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = make_app({"DATABASE_URL": url})
    migrate.upgrade(app, revision)
    return app, create_engine(url)


def test_upgrade_keeps_existing_data(tmp_path, make_app):
    app, engine = database_at(tmp_path, make_app, "0001_foundation")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO homes (public_id, name, kind, address, active) "
                "VALUES ('h1', 'Willow House', 'childrens-home', '', 1)"
            )
        )
    migrate.upgrade(app)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM homes")).scalar_one() == "Willow House"
    engine.dispose()
