"""Pictures carry meaning for a child who cannot read: each topic and each person a thing can be
shared with has a picture of its own (the three houses were one house three times; the
keyworker and the social worker one person twice)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from participation.sharing.routes import ICONS
from participation.views.topics import TOPICS

STATIC = Path(__file__).resolve().parents[2] / "static"


def _digest(relative: str) -> str:
    return hashlib.sha256((STATIC / relative).read_bytes()).hexdigest()


def test_every_topic_has_a_picture_of_its_own():
    pictures = {topic.code: f"img/topics/{topic.code}.svg" for topic in TOPICS}
    for path in pictures.values():
        assert (STATIC / path).is_file(), path
    digests = [_digest(path) for path in pictures.values()]
    assert len(set(digests)) == len(digests)
    houses = [topic.code for topic in TOPICS if topic.house]
    assert len(houses) == 3


def test_everyone_a_thing_can_be_shared_with_has_a_picture_of_their_own():
    digests = [_digest(path) for path in ICONS.values()]
    assert len(set(digests)) == len(digests) == len(ICONS)
