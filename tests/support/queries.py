"""Counting the SQL statements a page makes, for the tests that pin those counts."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event

from participation.db import db


def count_statements(client: FlaskClient, path: str) -> int:
    """How many SQL statements one GET of `path` makes, after one GET to warm up (the first may
    touch the sign-in session). The counted request must answer 200."""
    client.get(path)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    assert db.engine is not None
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, (path, response.status_code)
    return len(statements)
