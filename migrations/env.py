"""Alembic environment: the URL comes from the app's settings (see participation/migrate.py)."""

from __future__ import annotations

from alembic import context

from participation.db import make_engine
from participation.models import Base

config = context.config
target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Batch mode alters a SQLite table by copying it and dropping the old one: with
            # foreign keys checked (participation.db turns them on) the drop fails as soon as
            # another table points at one of its rows. Off for the migrations (it is a no-op
            # inside a transaction, hence first), and the whole database checked afterwards.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        # Batch mode lets SQLite alter tables by copying them; PostgreSQL alters in place.
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    # Stop and say so, rather than carry on with a database that is wrong.
                    raise RuntimeError(f"a migration left rows pointing nowhere: {broken[:5]}")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
