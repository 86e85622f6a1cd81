"""Review pack PDF benchmark: a pack with 30 shared items, 10 of them with a photo.

Run with `python benchmarks/pack_bench.py`. It makes a child, an IRO and a review in a temporary
SQLite database, 30 items across the topics (10 with a 1600x1200 photo and its thumbnail in a
temporary media store), each shared with the IRO; then builds the IRO's pack and renders it to
PDF with WeasyPrint (photos read from the store) the way the download route does: one warm-up,
then the median of 3. Target: under 2 s. `run()` returns rows {"name", "value", "unit",
"target"} for `python -m benchmarks`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template

from participation import create_app, migrate
from participation.db import db
from participation.models import (
    Assignment,
    Audience,
    Child,
    Home,
    HomeKind,
    PlacementType,
    Review,
    ReviewStatus,
    Role,
    StaffMember,
)
from participation.pack import routes as pack_routes
from participation.pack import service as pack_service
from tests.integration.sharing.helpers import make_item, share

TOPICS = ("living-here", "family-and-friends", "school", "health-and-feelings", "things-i-enjoy")
ITEMS, PHOTOS, ROUNDS = 30, 10, 3


def _pack_world(folder: Path) -> tuple[Any, int, int]:
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "MEDIA_STORAGE": str(folder / "media"),
            "TASK_QUEUE": f"sqlite:///{folder / 'tasks.db'}",
        }
    )
    migrate.upgrade(app)
    with app.app_context():
        session = db.session()
        home = Home(name="Willow House", kind=HomeKind.CHILDRENS_HOME)
        session.add(home)
        session.flush()
        child = Child(
            legal_name="Bench Child",
            preferred_name="Mia",
            date_of_birth=date(2014, 6, 1),
            became_looked_after=date(2025, 1, 6),
            placement_type=PlacementType.RESIDENTIAL,
            home_id=home.id,
        )
        iro = StaffMember(email="iro@example.org", name="An IRO", role=Role.IRO, password_hash="x")
        session.add_all([child, iro])
        session.flush()
        session.add(Assignment(staff_id=iro.id, child_id=child.id, role=Role.IRO))
        review = Review(child_id=child.id, number=1, due_on=date(2026, 12, 14))
        review.status = ReviewStatus.PLANNED
        session.add(review)
        session.commit()
        storage = app.extensions["media_storage"]
        for number in range(ITEMS):
            item = make_item(
                session,
                child,
                review,
                f"Item {number}: what I think about this, in a few sentences of my own words. " * 3,
                topic=TOPICS[number % len(TOPICS)],
                photos=1 if number < PHOTOS else 0,
                storage=storage,
                photo_size=(1600, 1200),
            )
            share(session, item, Audience.IRO)
        ids = (child.id, review.id)
        db.session.remove()
    return app, *ids


def _render(app: Any, child_id: int, review_id: int) -> tuple[float, int]:
    with app.test_request_context("/"):
        session = db.session()
        child = session.get(Child, child_id)
        review = session.get(Review, review_id)
        assert child is not None and review is not None
        started = time.perf_counter()
        pack = pack_service.build_pack(session, child, review, Audience.IRO)
        html = render_template(
            "pack/pdf.html",
            pack=pack,
            media_url=pack_service.store_url,
            **pack_service.template_context(),
        )
        body = pack_service.render_pdf(
            html, pack.media(), app.extensions["media_storage"], pack_routes.STYLESHEET
        )
        elapsed = time.perf_counter() - started
        db.session.remove()
    return elapsed, len(body)


def run() -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as folder:
        app, child_id, review_id = _pack_world(Path(folder))
        _render(app, child_id, review_id)  # warm-up: imports, fonts
        times = []
        size = 0
        for _round in range(ROUNDS):
            elapsed, size = _render(app, child_id, review_id)
            times.append(elapsed)
        app.extensions["database_engine"].dispose()
    return [
        {
            "name": f"pack PDF, {ITEMS} items, {PHOTOS} photos (median of {ROUNDS})",
            "value": statistics.median(times),
            "unit": "s",
            "target": "< 2 s",
        },
        {"name": "pack PDF size", "value": size, "unit": "bytes", "target": ""},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
