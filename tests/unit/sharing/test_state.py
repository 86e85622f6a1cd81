"""The rules of a child's sharing state: latest choice wins, "everyone at my meeting" reaches
the keyworker, social worker and IRO, and nothing else spreads."""

from __future__ import annotations

import pytest

from participation.models import Audience, Share, ShareDecision
from participation.sharing import state


def _row(audience: Audience, decision: ShareDecision, version: int = 1) -> Share:
    return Share(audience=audience, decision=decision, version=version, subject_key="item:1")


def test_nothing_chosen_means_only_me():
    assert state.who_can_see({}) == set()
    assert state.version_of({}, Audience.IRO) == 0


@pytest.mark.parametrize("reader", state.AUDIENCES)
def test_everyone_at_the_meeting_reaches_every_reader(reader):
    assert state.reaches(Audience.MEETING, reader)


@pytest.mark.parametrize(
    ("chosen", "reader"),
    [
        (Audience.IRO, Audience.KEYWORKER),
        (Audience.IRO, Audience.MEETING),
        (Audience.KEYWORKER, Audience.IRO),
        (Audience.SOCIAL_WORKER, Audience.MEETING),
    ],
)
def test_a_share_with_one_person_reaches_nobody_else(chosen, reader):
    assert not state.reaches(chosen, reader)


def test_who_can_see_follows_the_current_choices():
    current = {
        Audience.IRO: _row(Audience.IRO, ShareDecision.SHARED, 2),
        Audience.KEYWORKER: _row(Audience.KEYWORKER, ShareDecision.PRIVATE, 3),
    }
    assert state.who_can_see(current) == {Audience.IRO}
    assert state.version_of(current, Audience.KEYWORKER) == 3


def test_a_withdrawn_meeting_share_leaves_only_the_direct_ones():
    current = {
        Audience.MEETING: _row(Audience.MEETING, ShareDecision.PRIVATE, 2),
        Audience.SOCIAL_WORKER: _row(Audience.SOCIAL_WORKER, ShareDecision.SHARED),
    }
    assert state.who_can_see(current) == {Audience.SOCIAL_WORKER}
    assert state.shared_with(current) == {Audience.SOCIAL_WORKER}


def test_a_meeting_share_is_seen_by_all_four():
    current = {Audience.MEETING: _row(Audience.MEETING, ShareDecision.SHARED)}
    assert state.who_can_see(current) == set(state.AUDIENCES)


def test_subject_keys_name_items_and_plan_sections():
    assert state.plan_subject(7, "taking-part") == "plan:7:taking-part"
