"""Sharing and pack fixtures: Mia, her keyworker, social worker and IRO, her next review, and a
media store per test."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from participation.media.storage import FolderStorage
from participation.models import Role
from tests.support import factories


@pytest.fixture
def store(app, tmp_path, monkeypatch) -> Iterator[FolderStorage]:
    fresh = FolderStorage(tmp_path / "media")
    queue = app.extensions["views_queue"]
    monkeypatch.setitem(app.extensions, "media_storage", fresh)
    monkeypatch.setattr(queue, "work", dataclasses.replace(queue.work, storage=fresh))
    yield fresh


@dataclasses.dataclass
class Team:
    child: object
    review: object
    keyworker: object
    social_worker: object
    iro: object


@pytest.fixture
def team(session, mia_with_code, keyworker) -> Team:
    social_worker = factories.make_staff(session, Role.SOCIAL_WORKER, name="Grace Okafor")
    iro = factories.make_staff(session, Role.IRO, name="Daniel Hughes")
    factories.assign(session, social_worker, mia_with_code)
    factories.assign(session, iro, mia_with_code)
    review = factories.make_review(session, mia_with_code)
    session.commit()
    return Team(mia_with_code, review, keyworker, social_worker, iro)


@pytest.fixture
def staff_client(app):
    """A separate browser for a staff member, signed in (second factor given)."""
    from tests.conftest import Auth

    def make(staff):
        other = app.test_client()
        Auth(other).sign_in(staff)
        return other

    return make


@pytest.fixture
def on_tablet(tablet, team):
    """Mia on the tablet: handed over by her keyworker, her picture code tapped."""
    from tests.support.child_fixtures import CODE

    tablet.hand_over(team.keyworker, team.child)
    tablet.tap(CODE)
    return tablet
