"""A page's key remembered with what it made; only for the one who sent it; forgotten after a
week."""

from __future__ import annotations

from datetime import timedelta

from participation import sent_once
from participation.audit.service import Actor
from participation.models import utcnow

MIA = Actor("child", "mia")
KIM = Actor("staff", "kim")


def test_a_key_is_remembered_for_its_sender_and_forgotten_after_a_week(session):
    assert sent_once.sent_before(session, MIA, "k" * 22) is None
    sent_once.remember(session, MIA, "k" * 22, "made-1")
    sent_once.remember(session, KIM, None, "never")  # no key: nothing to remember
    session.commit()
    found = sent_once.sent_before(session, MIA, "k" * 22)
    assert found is not None and found.made_id == "made-1"
    assert sent_once.sent_before(session, KIM, "k" * 22) is None
    assert sent_once.sweep(session, utcnow()) == 0
    assert sent_once.sweep(session, utcnow() + timedelta(days=8)) == 1
    assert sent_once.sent_before(session, MIA, "k" * 22) is None
