"""A child's own page with every card on it (planning, views, sharing, the keyworker's report,
"you said, we did"), and how many SQL statements it and a keyworker's landing page make.

My page is the page children open most and the one measured against a bare Flask app
(benchmarks/rps_bench.py, ../shared/quality-bar.md). The statement counts are pinned exactly:
a new query on these pages should be a decision, so change the number here on purpose (and say
why), never by accident. Each count is also checked not to grow with what the child has made or
how big the caseload is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from participation.models import (
    Audience,
    DecisionFollowUp,
    DecisionKind,
    Happened,
    Item,
    ItemKind,
    KeyworkerReport,
    PackRead,
    ReviewDecision,
    ReviewOutcome,
    Role,
)
from participation.planning import service as planning
from tests.support import factories
from tests.support.queries import count_statements

from .conftest import next_review

# The child's session with the child and their space (1), the child's reviews (1), and every
# card's facts together (1: participation/child/page_cards.py).
MY_PAGE_STATEMENTS = 3
# The staff session with the staff member (1), their second factor (1), the caseload (children,
# their reviews and homes, overdue counts, the council's settings and closure days, the totals
# per home: 7), the totals of the keyworker's own tasks (1), what reviews left them to do (1)
# and the worry alerts in the header (1).
KEYWORKER_LANDING_STATEMENTS = 12


@pytest.fixture
def grow(session, jay, team) -> Callable[[int], None]:
    """Give Jay `n` more of everything his page counts: things said, decisions of his last
    review (every other one answered), and reads of his pack by his IRO."""
    last_held = jay.reviews[1]

    def add(n: int) -> None:
        upcoming = next_review(session, jay)
        for number in range(n):
            session.add(Item(child_id=jay.id, topic="school", kind=ItemKind.TEXT, text="Maths"))
            decision = ReviewDecision(
                review_id=last_held.id,
                kind=DecisionKind.DECISION,
                text=f"Decision {number}.",
                child_text=f"Decision {number}, in Jay's words.",
                created_by_id=team["iro"].id,
            )
            if number % 2:
                decision.follow_up = DecisionFollowUp(answer=Happened.YES)
            session.add(decision)
            session.add(
                PackRead(
                    child_id=jay.id,
                    review_id=upcoming.id,
                    audience=Audience.IRO,
                    staff_id=team["iro"].id,
                    contents=[],
                )
            )
        session.commit()

    return add


@pytest.fixture
def full_page(session, jay, team, desk, tablet, grow):
    """Jay on the tablet, with something on every card of his page."""
    from participation.child import service as space_service
    from tests.support.child_fixtures import CODE

    upcoming = next_review(session, jay)
    plan = planning.plan_to_save(session, jay, upcoming)
    plan.steps_done = ["who-comes"]
    keyworker = team["keyworker"]
    session.add(
        KeyworkerReport(
            child_id=jay.id,
            review_id=upcoming.id,
            shared_at=datetime.now(UTC),
            shared_revision=1,
            started_by_id=keyworker.id,
            updated_by_id=keyworker.id,
        )
    )
    session.add(
        ReviewOutcome(
            review_id=jay.reviews[1].id,
            circulated_at=datetime.now(UTC),
            circulated_by_id=team["iro"].id,
        )
    )
    session.commit()
    grow(2)
    space_service.set_picture_code(session, jay, CODE, keyworker)
    desk.hand_over(tablet, jay)
    return tablet


def test_every_card_says_what_the_child_has_done(session, full_page):
    page = full_page.client.get("/me").text
    assert "1 of 6 parts done" in page
    assert "You have said 2 things." in page
    assert "Your IRO has read your views." in page
    assert "report-card-title" in page and 'href="/me/report"' in page
    assert "2 things were agreed at your last meeting." in page
    assert "Tell us if they happened." in page  # one of the two is not answered yet


def test_the_cards_leave_out_what_is_not_there_yet(session, jay, full_page):
    session.query(DecisionFollowUp).delete()
    session.query(ReviewDecision).delete()
    session.query(KeyworkerReport).update({KeyworkerReport.shared_at: None})
    session.commit()
    page = full_page.client.get("/me").text
    assert "you-said-card-title" not in page and "report-card-title" not in page
    decision = ReviewDecision(
        review_id=jay.reviews[1].id,
        kind=DecisionKind.DECISION,
        text="Jay stays at the home.",
        child_text="You will keep living where you live now.",
        created_by_id=factories.make_staff(session, name="Another IRO").id,
        follow_up=DecisionFollowUp(answer=Happened.YES),
    )
    session.add(decision)
    session.commit()
    page = full_page.client.get("/me").text
    assert "1 thing was agreed at your last meeting." in page
    assert "Tell us if they happened." not in page  # every one answered


def test_my_page_makes_a_fixed_number_of_statements(full_page, grow):
    first = count_statements(full_page.client, "/me")
    assert first == MY_PAGE_STATEMENTS, (
        f"/me made {first} SQL statements, not {MY_PAGE_STATEMENTS}: see this module's docstring"
    )
    grow(10)
    assert count_statements(full_page.client, "/me") == first


def test_a_keyworkers_landing_page_makes_a_fixed_number_of_statements(
    session, desk, jay, zoe, team
):
    keyworker = team["keyworker"]
    desk.sign_in(keyworker)
    first = count_statements(desk.client, "/my-children")
    assert first == KEYWORKER_LANDING_STATEMENTS, (
        f"/my-children made {first} SQL statements, not {KEYWORKER_LANDING_STATEMENTS}: see "
        "this module's docstring"
    )
    for number in range(10):
        home = factories.make_home(session, f"Home {number}")
        child = factories.make_child(session, home, preferred_name=f"Child {number}")
        factories.make_review(session, child)
        factories.assign(session, keyworker, child)
    session.commit()
    assert count_statements(desk.client, "/my-children") == first


def test_the_child_is_told_when_someone_new_takes_up_a_role(session, jay, team, full_page):
    """A new keyworker read what Jay had shared with "my keyworker" before, and Jay was never
    told (QA). My page says who is new and what they can see, until Jay says "OK"; it takes
    one statement more only while someone is new."""
    from tests.conftest import csrf_from

    page = full_page.client.get("/me").text
    assert "Someone new is helping you" not in page
    newcomer = factories.make_staff(session, Role.KEYWORKER, name="Priya Shah")
    factories.assign(session, newcomer, jay)
    session.commit()
    page = full_page.client.get("/me").text
    assert "Someone new is helping you" in page
    assert "<bdi>Priya Shah</bdi> is your keyworker now." in page
    assert "that includes things you shared before" in page
    assert count_statements(full_page.client, "/me") == MY_PAGE_STATEMENTS + 1
    said = full_page.client.post("/me/new-people/seen", data={"csrf_token": csrf_from(page)})
    assert said.status_code == 302
    assert "Someone new is helping you" not in full_page.client.get("/me").text
    assert count_statements(full_page.client, "/me") == MY_PAGE_STATEMENTS


def test_someone_whose_account_was_disabled_is_not_news(session, jay, team, full_page):
    """Assigned, then the account disabled: they read nothing, so they are not named (QA)."""
    newcomer = factories.make_staff(session, Role.KEYWORKER, name="Kim Lee")
    factories.assign(session, newcomer, jay)
    newcomer.active = False
    session.commit()
    page = full_page.client.get("/me").text
    assert "Someone new is helping you" not in page and "Kim Lee" not in page


def test_a_childs_first_people_are_not_news_however_early_their_space_was_made(
    session, jay, team, desk, tablet
):
    """QA: the picture code was set (making the space) before the social worker and IRO were
    assigned; on the child's first visit My page said they were new and could see "things you
    shared before". Nobody is news until the child has been in their space."""
    from participation.child import service as space_service
    from tests.support.child_fixtures import CODE

    space_service.set_picture_code(session, jay, CODE, team["keyworker"])
    factories.assign(session, factories.make_staff(session, Role.IRO, name="Iris Iro"), jay)
    session.commit()
    desk.hand_over(tablet, jay)
    assert "Someone new is helping you" not in tablet.client.get("/me").text
