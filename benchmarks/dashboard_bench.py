"""Timetable dashboards benchmark: time per page and SQL queries as the council grows tenfold.

Run with `python benchmarks/dashboard_bench.py`. It builds a council in a temporary SQLite
database (bulk inserts, a fixed random seed): first 500 children with 5,000 milestones, then
5,000 children with 50,000 milestones. A keyworker, a social worker and an IRO each work with a
tenth of the children (50, then 500); the manager sees them all. Each dashboard is fetched
through the Flask test client, signed in as that person: one warm-up, then the median of 5.
The SQL statements of one request are counted with a `before_cursor_execute` listener.

Targets: each page under 150 ms at 5,000 children, and the query count the same at both sizes
(it must not grow with the caseload). `run()` returns rows {"name", "value", "unit", "target"}
for `python -m benchmarks`.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a script: make the project importable without installing it.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, insert, inspect, select, update

from participation import clock, create_app, migrate
from participation.accounts.passwords import hash_password
from participation.db import db
from participation.models import (
    Assignment,
    Child,
    CouncilSettings,
    Home,
    HomeKind,
    Milestone,
    PlacementType,
    Review,
    ReviewStatus,
    Role,
    StaffMember,
    utcnow,
)
from participation.models.base import new_public_id
from participation.timetable.rules import WorkingCalendar, milestones_for_review, review_schedule

SIZES = (500, 5000)
MILESTONES_PER_CHILD = 10
CASELOAD_SHARE = 10  # each caseworker works with one child in this many
HOMES = 50
TARGET_MS = 150.0
REPEATS = 5
PASSWORD = "benchmark password, not secret"
PAGES = [
    # (who, path)
    (Role.KEYWORKER, "/timetable"),
    (Role.SOCIAL_WORKER, "/timetable"),
    (Role.IRO, "/timetable?owner=mine&status=all"),
    (Role.MANAGER, "/council/timetable"),
    (Role.MANAGER, "/council/timetable?status=overdue"),
    # Each role's own list of its children: the caseload's pages, not only the timetable's.
    (Role.KEYWORKER, "/my-children"),
    (Role.KEYWORKER, "/keyworker"),
    (Role.SOCIAL_WORKER, "/social-worker"),
    (Role.IRO, "/iro"),
    (Role.MANAGER, "/council"),
]
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def build(engine: Engine, children: int, today: date, seed: int = 3) -> dict[Role, str]:
    """Fill an empty, migrated database; return the email address of each benchmark user."""
    rng = random.Random(seed)
    calendar = WorkingCalendar("ENG")
    password_hash = hash_password(PASSWORD)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(insert(CouncilSettings), [{"name": "Benchmark Council", "nation": "ENG"}])
        conn.execute(
            insert(Home),
            [
                {
                    "public_id": new_public_id(),
                    "name": f"Home {n:03d}",
                    "kind": HomeKind.CHILDRENS_HOME,
                    "address": "",
                    "active": True,
                }
                for n in range(HOMES)
            ],
        )
        home_ids = list(conn.scalars(select(Home.id).order_by(Home.id)))
        emails = {role: f"{role.value}@bench.example.org" for role in Role}
        conn.execute(
            insert(StaffMember),
            [
                {
                    "public_id": new_public_id(),
                    "email": email,
                    "name": f"Bench {role.value}",
                    "role": role,
                    "password_hash": password_hash,
                    "active": True,
                    "created_at": now,
                    "failed_sign_ins": 0,
                }
                for role, email in emails.items()
            ],
        )
        staff_ids: dict[Role, int] = dict(
            conn.execute(select(StaffMember.role, StaffMember.id)).all()  # type: ignore[arg-type]
        )
        child_rows = []
        for n in range(children):
            became = today - timedelta(days=rng.randint(40, 700))
            child_rows.append(
                {
                    "public_id": new_public_id(),
                    "legal_name": f"Bench Child {n:05d}",
                    "preferred_name": f"Child {n:05d}",
                    "date_of_birth": date(2010, 1, 1) + timedelta(days=rng.randint(0, 4000)),
                    "first_language": "English",
                    "communication_needs": "",
                    "became_looked_after": became,
                    "placement_type": PlacementType.RESIDENTIAL,
                    "home_id": home_ids[n % HOMES],
                    "created_at": now,
                    "version": 1,
                }
            )
        conn.execute(insert(Child), child_rows)
        children_by_id = conn.execute(
            select(Child.id, Child.became_looked_after).order_by(Child.id)
        ).all()
        assignments = []
        reviews = []
        for index, (child_id, became) in enumerate(children_by_id):
            if index % CASELOAD_SHARE == 0:
                assignments += [
                    {"staff_id": staff_ids[role], "child_id": child_id, "role": role}
                    for role in (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
                ]
            first = review_schedule(calendar, became, [], today=today)[0].due
            held = [first] if first < today - timedelta(days=2) else []
            schedule = review_schedule(calendar, became, held, today=today, count=len(held) + 1)
            for due in schedule[: len(held) + 1]:
                reviews.append(
                    {
                        "public_id": new_public_id(),
                        "child_id": child_id,
                        "number": due.number,
                        "due_on": due.due,
                        "venue": "",
                        "status": ReviewStatus.HELD if due.held else ReviewStatus.PLANNED,
                        "held_on": due.held,
                        "version": 1,
                    }
                )
        for row in assignments:
            row.update(active=True, created_at=now)
        conn.execute(insert(Assignment), assignments)
        conn.execute(insert(Review), reviews)
        milestones = []
        reviews_of: dict[int, list[tuple[int, int, date, date | None]]] = defaultdict(list)
        for review_id, child_id, number, due_on, held_on in conn.execute(
            select(Review.id, Review.child_id, Review.number, Review.due_on, Review.held_on)
        ):
            reviews_of[child_id].append((review_id, number, due_on, held_on))
        for child_reviews in reviews_of.values():
            # Ten a child: the five after the last review held and the first five before the
            # next one, or ten of the next one's when none has been held.
            share = MILESTONES_PER_CHILD // len(child_reviews)
            for review_id, number, due_on, held_on in child_reviews:
                tasks = milestones_for_review(calendar, number, held_on or due_on, held_on)
                chosen = [t for t in tasks if t.phase == ("after" if held_on else "before")]
                chosen += [t for t in tasks if t not in chosen]
                for task in chosen[:share]:
                    done = task.due < today and rng.random() < 0.7
                    milestones.append(
                        {
                            "review_id": review_id,
                            "name": task.name,
                            "owner_role": Role(task.owner),
                            "due_on": task.due,
                            "done_on": task.due if done else None,
                            "note": "",
                            "version": 1,
                        }
                    )
        conn.execute(insert(Milestone), milestones)
    return emails


def _sign_in(app: Flask, engine: Engine, email: str) -> FlaskClient:
    client = app.test_client()
    token = CSRF.search(client.get("/sign-in").get_data(as_text=True))
    assert token, "no CSRF token on the sign-in page"
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    if response.headers.get("Location", "").startswith("/second-factor"):
        # Roles asked for a second factor: mark the session as having given it, as the test
        # suite does (the benchmark measures the dashboards, not the sign-in).
        columns = {c["name"] for c in inspect(engine).get_columns("auth_sessions")}
        if "second_factor_at" in columns:
            from participation.models import AuthSession

            with engine.begin() as conn:
                conn.execute(
                    update(AuthSession)
                    .where(AuthSession.ended_at.is_(None))
                    .values(second_factor_at=utcnow())
                )
    return client


def _measure(client: FlaskClient, engine: Engine, path: str) -> tuple[float, int]:
    assert client.get(path).status_code == 200, path  # warm-up
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statistics.median(times), len(statements)


def measure_size(children: int, today: date) -> dict[tuple[Role, str], tuple[float, int]]:
    """Build a council of ``children`` and measure every dashboard page."""
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app(
            {
                "DATABASE_URL": url,
                "MEDIA_STORAGE": str(Path(folder) / "media"),
                "TASK_QUEUE": f"sqlite:///{Path(folder) / 'tasks.db'}",
                "RATELIMIT_ENABLED": False,
            }
        )
        app.instance_path = folder
        migrate.upgrade(app)
        engine = db.engine
        assert engine is not None
        emails = build(engine, children, today)
        results = {}
        clients: dict[Role, FlaskClient] = {}
        for role, path in PAGES:
            if role not in clients:
                clients[role] = _sign_in(app, engine, emails[role])
            results[(role, path)] = _measure(clients[role], engine, path)
        engine.dispose()
        return results


def run() -> list[dict[str, object]]:
    """Measure each dashboard at 500 and 5,000 children; rows for `python -m benchmarks`."""
    today = clock.today()
    sizes = {size: measure_size(size, today) for size in SIZES}
    small, large = SIZES
    rows: list[dict[str, object]] = []
    for role, path in PAGES:
        page = f"{role.value} {path}"
        for size in SIZES:
            ms, _queries = sizes[size][(role, path)]
            rows.append(
                {
                    "name": f"{page} @{size:,} children",
                    "value": round(ms, 1),
                    "unit": "ms",
                    "target": f"< {TARGET_MS:.0f} ms" if size == large else "",
                }
            )
        few, many = sizes[small][(role, path)][1], sizes[large][(role, path)][1]
        rows.append(
            {
                "name": f"{page} SQL queries {small:,} -> {large:,}",
                "value": f"{few} -> {many}",
                "unit": "queries",
                "target": "the same at both sizes",
            }
        )
    return rows


def main() -> int:
    rows = run()
    width = max(len(str(row["name"])) for row in rows)
    print(f"{'measure':<{width}} {'value':>12} {'unit':<8} target")
    failed = False
    for row in rows:
        print(f"{row['name']!s:<{width}} {row['value']!s:>12} {row['unit']!s:<8} {row['target']}")
        if row["unit"] == "ms" and row["target"] and float(str(row["value"])) >= TARGET_MS:
            failed = True
        if row["unit"] == "queries":
            few, many = str(row["value"]).split(" -> ")
            failed = failed or few != many
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
