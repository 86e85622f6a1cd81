"""The participation code suggested for a review (SSDA903 PN0-PN7), from the child's age, whether
they came and how they took part; and the first guess from the child's own plan."""

from __future__ import annotations

import pytest

from participation.models import Answer, Attendance, Chairing, MeetingPlan, ParticipationCode
from participation.workspaces.iro import codes
from participation.workspaces.iro.codes import InMeeting, Presence, TakingPart, ViewsAway


@pytest.mark.parametrize(
    ("age", "taking_part", "code"),
    [
        (3, TakingPart(), ParticipationCode.PN0),
        (
            3,
            TakingPart(Presence.DID_NOT_ATTEND, None, ViewsAway.NOT_CONVEYED),
            ParticipationCode.PN0,
        ),
        (
            9,
            TakingPart(Presence.ATTENDED, InMeeting.SPOKE),
            ParticipationCode.PN1,
        ),
        (
            9,
            TakingPart(Presence.ATTENDED_PART, InMeeting.ADVOCATE_SPOKE),
            ParticipationCode.PN2,
        ),
        (
            9,
            TakingPart(Presence.ATTENDED, InMeeting.SYMBOLIC),
            ParticipationCode.PN3,
        ),
        (
            9,
            TakingPart(Presence.ATTENDED, InMeeting.DID_NOT_CONVEY),
            ParticipationCode.PN4,
        ),
        (
            9,
            TakingPart(Presence.DID_NOT_ATTEND, None, ViewsAway.BRIEFED),
            ParticipationCode.PN5,
        ),
        (
            9,
            TakingPart(Presence.DID_NOT_ATTEND, None, ViewsAway.FACILITATIVE),
            ParticipationCode.PN6,
        ),
        (
            9,
            TakingPart(Presence.DID_NOT_ATTEND, None, ViewsAway.NOT_CONVEYED),
            ParticipationCode.PN7,
        ),
        (9, TakingPart(), None),
        (9, TakingPart(Presence.ATTENDED), None),
    ],
)
def test_the_suggested_code_follows_the_ssda903_definitions(age, taking_part, code):
    assert codes.suggest(age, taking_part).code == code


@pytest.mark.parametrize(
    ("attendance", "advocate", "expected"),
    [
        (None, None, TakingPart()),
        (Attendance.ALL, Answer.NO, TakingPart(Presence.ATTENDED, InMeeting.SPOKE)),
        (Attendance.SOME, Answer.YES, TakingPart(Presence.ATTENDED_PART, InMeeting.ADVOCATE_SPOKE)),
        (Attendance.VIEWS_ONLY, None, TakingPart(Presence.DID_NOT_ATTEND, None, ViewsAway.BRIEFED)),
    ],
)
def test_the_plan_gives_a_first_guess(attendance, advocate, expected):
    plan = MeetingPlan(attendance=attendance, advocate=advocate)
    assert codes.from_plan(plan) == expected
    assert codes.from_plan(None) == TakingPart()


@pytest.mark.parametrize("chairing", [Chairing.CO_CHAIR, Chairing.CHAIR])
def test_a_child_who_chairs_speaks_for_themselves_even_with_an_advocate(chairing):
    """QA: "come to some of it", "I run it with my IRO" and an advocate was suggested as PN2
    (an advocate speaks for them)."""
    plan = MeetingPlan(attendance=Attendance.SOME, advocate=Answer.YES, chairing=chairing)
    assert codes.suggest(14, codes.from_plan(plan)).code == ParticipationCode.PN1
    plan.chairing = Chairing.IRO
    assert codes.suggest(14, codes.from_plan(plan)).code == ParticipationCode.PN2


def test_what_the_iro_recorded_wins_over_the_plan():
    recorded = TakingPart(Presence.DID_NOT_ATTEND, None, ViewsAway.NOT_CONVEYED)
    planned = TakingPart(Presence.ATTENDED, InMeeting.SPOKE)
    assert codes.combine(recorded, planned) == (recorded, False)
    assert codes.combine(TakingPart(), planned) == (planned, True)
    assert codes.combine(TakingPart(), TakingPart()) == (TakingPart(), False)


def test_the_suggestion_says_why():
    assert codes.suggest(2, TakingPart()).basis == "under-4"
    assert codes.suggest(10, TakingPart()).basis == "needs-presence"
    assert codes.suggest(10, TakingPart(Presence.ATTENDED)).basis == "needs-how"
    assert codes.suggest(10, TakingPart(Presence.ATTENDED, InMeeting.SYMBOLIC)).basis == "symbolic"


def test_sending_views_that_were_never_shared_is_views_not_conveyed():
    plan = MeetingPlan(attendance=Attendance.VIEWS_ONLY, advocate=Answer.NO)
    assert codes.suggest(12, codes.from_plan(plan)).code == ParticipationCode.PN5
    assert codes.suggest(12, codes.from_plan(plan, views_sent=False)).code == ParticipationCode.PN7
