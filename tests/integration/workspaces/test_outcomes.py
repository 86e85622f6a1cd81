""" "You said, we did": the child sees their last review's decisions in their own words once they
are circulated, says whether each happened; overdue actions and "it didn't happen" are flagged
to the IRO (a count and a list), until the IRO sees the action done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from participation.models import (
    DecisionFollowUp,
    DecisionKind,
    DecisionOwner,
    Happened,
    ReviewDecision,
    ReviewOutcome,
)
from participation.workspaces.outcomes import service as outcomes

from .conftest import TODAY, audited, child_post

CHILD_WORDS = ("placement", "contact", "care plan", "LAC")


@pytest.fixture
def decisions(session, jay, team):
    """Jay's last review (held 100 days ago): a decision and two actions, one overdue."""
    review = jay.reviews[1]
    rows = [
        ReviewDecision(
            review_id=review.id,
            kind=DecisionKind.DECISION,
            text="Jay remains at the home.",
            child_text="You will keep living where you live now.",
            created_by_id=team["iro"].id,
        ),
        ReviewDecision(
            review_id=review.id,
            kind=DecisionKind.ACTION,
            text="Keyworker to arrange swimming lessons.",
            child_text="Kim will find you swimming lessons.",
            owner=DecisionOwner.STAFF,
            owner_staff_id=team["keyworker"].id,
            due_on=TODAY - timedelta(days=10),
            created_by_id=team["iro"].id,
        ),
        ReviewDecision(
            review_id=review.id,
            kind=DecisionKind.ACTION,
            text="Social worker to book the dentist.",
            child_text="Sam will book the dentist for you.",
            owner=DecisionOwner.STAFF,
            owner_staff_id=team["social_worker"].id,
            due_on=TODAY + timedelta(days=30),
            created_by_id=team["iro"].id,
        ),
    ]
    session.add_all(rows)
    session.commit()
    return rows


def circulate(session, review, team):
    session.add(
        ReviewOutcome(
            review_id=review.id, circulated_at=datetime.now(UTC), circulated_by_id=team["iro"].id
        )
    )
    session.commit()


@pytest.fixture
def on_tablet(session, desk, tablet, jay, team):
    from participation.child import service as space_service
    from tests.support.child_fixtures import CODE

    space_service.set_picture_code(session, jay, CODE, team["keyworker"])
    desk.hand_over(tablet, jay)
    return tablet


def test_nothing_shows_before_the_decisions_are_circulated(session, decisions, on_tablet):
    page = on_tablet.client.get("/me/you-said-we-did")
    assert page.status_code == 200
    assert "Nothing here yet" in page.text
    assert "swimming" not in page.text
    assert "you-said-card-title" not in on_tablet.client.get("/me").text
    answer = child_post(
        on_tablet, f"/me/you-said-we-did/{decisions[1].public_id}", "x", happened="yes"
    )
    assert answer.status_code == 404


def test_the_child_sees_each_decision_in_their_words_and_answers(
    session, jay, team, decisions, on_tablet
):
    circulate(session, jay.reviews[1], team)
    page = on_tablet.client.get("/me/you-said-we-did").text
    assert "Kim will find you swimming lessons." in page
    assert "You will keep living where you live now." in page
    assert "Keyworker to arrange swimming lessons." not in page  # staff words stay on staff pages
    assert "Kim Keyworker (your keyworker)" in page
    for word in CHILD_WORDS:
        assert (word if word == "LAC" else word.lower()) not in (
            page if word == "LAC" else page.lower()
        )
    assert "you-said-card-title" in on_tablet.client.get("/me").text
    swim = decisions[1]
    prefix = f"d-{swim.public_id}"
    url = f"/me/you-said-we-did/{swim.public_id}"
    saved = child_post(on_tablet, url, prefix, happened="no", words="Nobody asked.", version="0")
    assert saved.status_code == 302
    stale = child_post(on_tablet, url, prefix, happened="yes", version="0")
    assert stale.status_code == 409
    nothing = child_post(
        on_tablet,
        f"/me/you-said-we-did/{decisions[2].public_id}",
        f"d-{decisions[2].public_id}",
        version="0",
    )
    assert "Choose one of the answers" in nothing.text
    follow_up = session.scalar(select(DecisionFollowUp))
    assert (follow_up.answer, follow_up.words) == (Happened.NO, "Nobody asked.")


def test_overdue_and_didnt_happen_are_flagged_to_the_iro(session, desk, jay, team, decisions):
    circulate(session, jay.reviews[1], team)
    dentist = decisions[2]
    session.add(
        DecisionFollowUp(decision_id=dentist.id, answer=Happened.NO, words="It was cancelled.")
    )
    session.commit()
    flags = outcomes.flagged(session, _principal(session, team["iro"]), TODAY)
    assert {(f.decision.id, f.overdue, f.did_not_happen) for f in flags} == {
        (decisions[1].id, True, False),
        (dentist.id, False, True),
    }
    desk.sign_in(team["iro"])
    page = desk.get("/iro").text
    assert "2 decisions or actions need attention" in page
    assert "Overdue: due by" in page and "Jay says it did not happen" in page
    assert "It was cancelled." in page
    assert audited(session, "view-outcome-flags")
    # The IRO sees the swimming lessons arranged: no longer flagged.
    done = desk.post(
        f"/reviews/{jay.reviews[1].public_id}/decisions/{decisions[1].public_id}/done",
        {"from": "workspace"},
    )
    assert done.status_code == 302
    assert "1 decision or action needs attention" in desk.get("/iro").text
    # The keyworker and another IRO see no flags page at all.
    desk.sign_in(team["other_iro"])
    assert "Jay" not in desk.get("/iro").text
    desk.sign_in(team["keyworker"])
    assert desk.get("/iro").status_code == 404


def test_a_child_saying_it_happened_clears_the_overdue_flag(session, jay, team, decisions):
    circulate(session, jay.reviews[1], team)
    session.add(DecisionFollowUp(decision_id=decisions[1].id, answer=Happened.YES))
    session.commit()
    assert outcomes.flagged(session, _principal(session, team["iro"]), TODAY) == []


def _principal(session, staff):
    from participation.models import AuthSession, SessionKind
    from participation.security.principal import StaffPrincipal

    return StaffPrincipal(session.merge(staff), AuthSession(kind=SessionKind.STAFF))
