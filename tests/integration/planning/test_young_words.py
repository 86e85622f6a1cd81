"""A 4-7-year-old's planning steps: plainer questions, and the professionals' words explained
rather than named (the keyworker can choose this band for any child; see child/service.age_band).
Older bands keep the words they had; the answers are the same fields either way."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from participation.models import AgeBand, ChildSpace, MeetingPlan, NetworkRole
from tests.support import factories

YOUNG_TAKING_PART = (
    "Running the meeting means being in charge of it.",
    "Would you like to meet your IRO before the meeting, just you and them?",
    "Would you like someone on your side to help you say what you think?",
    "This person is called an advocate. They are on your side.",
    "Would you like someone to help with your language?",
    "This person is called an interpreter.",
)
OLDER_TAKING_PART = (
    "The person who runs the meeting is called the chair.",
    "Would you like to meet your IRO on your own first?",
    "Would you like an advocate?",
    "Would you like an interpreter?",
)
YOUNG_IRO_CARD = "The grown-up who runs your meeting and makes sure everyone listens to you."
OLDER_IRO_CARD = "Your IRO (Independent Reviewing Officer)"


def in_band(session, child, band):
    space = session.scalar(select(ChildSpace).where(ChildSpace.child_id == child.id))
    space.age_band_override = band
    session.commit()


def text(response):
    assert response.status_code == 200
    return html.unescape(response.text)


def reads_only(planner, these, not_those):
    """The taking-part step has every one of `these` questions and none of `not_those`; the
    IRO's card on the who-comes step says it the same way."""
    (questions, iro_card), (other_questions, other_iro_card) = these, not_those
    page = text(planner.page("taking-part"))
    assert all(words in page for words in questions)
    assert not any(words in page for words in other_questions)
    who = text(planner.page("who-comes"))
    assert iro_card in who
    assert other_iro_card not in who


@pytest.mark.parametrize("band", [AgeBand.MIDDLE, AgeBand.OLDER])
def test_older_children_keep_the_words_for_the_people_who_help(planner, session, on_tablet, band):
    in_band(session, on_tablet, band)
    reads_only(planner, (OLDER_TAKING_PART, OLDER_IRO_CARD), (YOUNG_TAKING_PART, YOUNG_IRO_CARD))


def test_a_young_child_is_told_what_each_person_does(planner, session, on_tablet):
    in_band(session, on_tablet, AgeBand.YOUNG)
    reads_only(planner, (YOUNG_TAKING_PART, YOUNG_IRO_CARD), (OLDER_TAKING_PART, OLDER_IRO_CARD))
    assert "Is there a place or a time you don't want?" in text(planner.page("where-and-when"))
    assert "Is there any food you can't eat, or don't eat?" in text(planner.page("food-and-drink"))
    assert "What would help you feel comfy?" in text(planner.page("the-room"))


def test_a_young_childs_family_cards_lead_with_mum_and_nan(planner, session, on_tablet):
    """A 5-year-old knows "Mum" before "Kelly": the card's heading (which names its choices)
    says who they are to the child, the name under it; older children see the name first."""
    # A teacher is known by name ("Mrs Lewis"), and so is someone described in several words.
    factories.make_person(
        session, on_tablet, name="Mrs Lewis", relationship_to_child="Teacher",
        role=NetworkRole.TEACHER,
    )  # fmt: skip
    factories.make_person(session, on_tablet, name="Sam", relationship_to_child="My football coach")
    session.commit()
    in_band(session, on_tablet, AgeBand.YOUNG)
    page = text(planner.page("who-comes"))
    assert re.search(r"<h2 id=\"[^\"]*-name\"><bdi>Mrs Lewis</bdi></h2>", page)
    assert re.search(r"<h2 id=\"[^\"]*-name\"><bdi>Sam</bdi></h2>", page)
    assert re.search(r"<h2 id=\"[^\"]*-name\"><bdi>Mum</bdi></h2>", page)
    assert '<p class="person-who"><bdi>Kelly</bdi></p>' in page
    assert re.search(r"<h2 id=\"[^\"]*-name\"><bdi>Nan</bdi></h2>", page)
    # The question under the card calls her what the card does (QA: "Would you like Kelly
    # Thompson to come?" under "Mum"), and so does read-aloud, which reads the page.
    assert "Would you like Mum to come?" in page and "Would you like Kelly to come?" not in page
    assert "Would you like Mrs Lewis to come?" in page
    in_band(session, on_tablet, AgeBand.MIDDLE)
    page = text(planner.page("who-comes"))
    assert re.search(r"<h2 id=\"[^\"]*-name\"><bdi>Kelly</bdi></h2>", page)
    assert '<p class="person-who" dir="auto">Mum</p>' in page
    assert "Would you like Kelly to come?" in page


def test_a_young_childs_answers_save_and_a_problem_keeps_their_words(planner, session, on_tablet):
    in_band(session, on_tablet, AgeBand.YOUNG)
    too_long = planner.post("taking-part", {"advocate": "yes", "communication": "x" * 501})
    page = text(too_long)
    assert "That's a bit long." in page
    assert "Would you like someone on your side to help you say what you think?" in page
    assert "x" * 501 in page
    saved = planner.post("taking-part", {"advocate": "yes", "communication": "Pictures"})
    assert saved.status_code == 302
    session.expire_all()
    plan = session.scalar(select(MeetingPlan).where(MeetingPlan.child_id == on_tablet.id))
    assert (plan.advocate, plan.communication) == ("yes", "Pictures")
    assert "Someone on my side (an advocate)" in text(planner.page("my-plan"))
