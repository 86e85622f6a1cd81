"""The peer for the child's page in rps_bench: a bare Flask app that reads 20 rows through the
SQLAlchemy ORM from an SQLite file and renders them with a template file.

`BARE_DATABASE_URL` names the database; `python -m benchmarks.bare_app URL` (or `prepare(URL)`)
makes its table and 20 rows. Served as `gunicorn benchmarks.bare_app:app`.
"""

from __future__ import annotations

import os
import sys

from flask import Flask, render_template
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

ROWS = 20


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(200))


def prepare(url: str) -> None:
    """Create the table with ROWS rows (once)."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        if session.scalar(select(Item).limit(1)) is None:
            session.add_all(
                Item(name=f"Item {n}", note=f"A short note about item number {n}.")
                for n in range(1, ROWS + 1)
            )
            session.commit()
    engine.dispose()


engine = create_engine(os.environ.get("BARE_DATABASE_URL", "sqlite:///bare.db"))
app = Flask(__name__, template_folder="templates")


@app.get("/")
def items() -> str:
    with Session(engine) as session:
        rows = session.scalars(select(Item).order_by(Item.id).limit(ROWS)).all()
        return render_template("bare_items.html", items=rows)


if __name__ == "__main__":
    prepare(sys.argv[1])
