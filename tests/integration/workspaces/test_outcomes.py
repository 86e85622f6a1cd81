""" "You said, we did": the child sees their last review's decisions in their own words once they
are circulated, says whether each happened; overdue actions and "it didn't happen" are flagged
to the IRO (a count and a list), until the IRO sees the action done."""

from __future__ import annotations

import html
import re
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
from tests.conftest import csrf_from

from .conftest import TODAY, audited, child_post, version_on

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


def test_a_decision_to_tell_in_person_never_reaches_the_tablet(
    session, jay, team, decisions, on_tablet
):
    told = session.get(ReviewDecision, decisions[0].id)
    told.in_person = True
    told.child_text = "Say it at the home, with Kim there."
    session.commit()
    circulate(session, jay.reviews[1], team)
    page = on_tablet.client.get("/me/you-said-we-did").text
    assert "Kim will find you swimming lessons." in page
    assert told.child_text not in page and told.public_id not in page
    # My page counts only what the child can open: two, not three.
    card = on_tablet.client.get("/me").text
    assert "2 things were agreed at your last meeting." in card
    answer = child_post(
        on_tablet, f"/me/you-said-we-did/{told.public_id}", f"d-{told.public_id}", happened="no"
    )
    assert answer.status_code == 404
    assert session.scalar(select(DecisionFollowUp)) is None


def _whole_page(tablet, decisions, typed):
    """What the page's one form posts, as a browser does: every decision's token, version and
    boxes, with what the child typed (`typed`: decision -> fields)."""
    html = tablet.client.get("/me/you-said-we-did").text
    token = csrf_from(tablet.client.get("/accessibility").text)
    data = {}
    for decision in decisions:
        prefix = f"d-{decision.public_id}"
        data[f"{prefix}-csrf_token"] = token
        data[f"{prefix}-version"] = version_on(html, f"{prefix}-version")
        data[f"{prefix}-words"] = ""
        data.update({f"{prefix}-{name}": value for name, value in typed.get(decision, {}).items()})
    return data


def _checked(html, name, value):
    pattern = rf'<input checked id="[^"]+" name="{name}" type="radio" value="{value}">'
    return re.search(pattern, html)


def _answers(session):
    session.expire_all()
    return {
        f.decision_id: (f.answer, f.words, f.version)
        for f in session.scalars(select(DecisionFollowUp))
    }


def test_a_decision_that_goes_on_is_asked_whether_it_is_so(
    session, jay, team, decisions, on_tablet
):
    """ "You will keep living where you live now" did not happen once: is it so?"""
    circulate(session, jay.reviews[1], team)
    page = html.unescape(on_tablet.client.get("/me/you-said-we-did").text)
    ongoing = page.split(decisions[0].child_text)[1].split("</section>")[0]
    assert "Is it like this now?" in ongoing and "Yes, it is" in ongoing
    assert "Did this happen?" not in ongoing
    action = page.split(decisions[1].child_text)[1].split("</section>")[0]
    assert "Did this happen?" in action and "Yes, it happened" in action
    # Answered the same way: the same three answers are stored.
    prefix = f"d-{decisions[0].public_id}"
    url = f"/me/you-said-we-did/{decisions[0].public_id}"
    child_post(on_tablet, url, prefix, happened="no", version="0")
    assert session.scalar(select(DecisionFollowUp)).answer == Happened.NO


def test_the_iro_reads_a_no_to_a_decision_in_the_same_words(session, desk, jay, team, decisions):
    circulate(session, jay.reviews[1], team)
    session.add(DecisionFollowUp(decision_id=decisions[0].id, answer=Happened.NO))
    session.commit()
    desk.sign_in(team["iro"])
    assert "Jay says it is not like this" in html.unescape(desk.get("/iro").text)
    outcome = html.unescape(desk.get(f"/reviews/{jay.reviews[1].public_id}/outcome").text)
    assert "Jay says: It is not like this" in " ".join(outcome.replace("<strong>", "").split())


def test_one_form_for_the_page_each_button_saving_its_decision(
    session, jay, team, decisions, on_tablet
):
    circulate(session, jay.reviews[1], team)
    page = on_tablet.client.get("/me/you-said-we-did").text
    assert page.count('<form method="post" action="/me/you-said-we-did/') == 1
    for decision in decisions:
        assert f'formaction="/me/you-said-we-did/{decision.public_id}"' in page


def test_saving_one_answer_keeps_what_was_typed_under_another(
    session, jay, team, decisions, on_tablet
):
    circulate(session, jay.reviews[1], team)
    home, swim, dentist = decisions
    session.add(DecisionFollowUp(decision_id=dentist.id, answer=Happened.YES, words="Done."))
    session.commit()
    # Answer under the swimming lessons, then press "Save my answer" under the first decision.
    data = _whole_page(
        on_tablet,
        decisions,
        {
            home: {"happened": "yes"},
            swim: {"happened": "no", "words": "Nobody asked me."},
            dentist: {"happened": "yes", "words": "Done."},
        },
    )
    response = on_tablet.client.post(f"/me/you-said-we-did/{home.public_id}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#decision-{home.public_id}")
    saved = _answers(session)
    assert saved[home.id][:2] == (Happened.YES, "")
    assert saved[swim.id][:2] == (Happened.NO, "Nobody asked me.")
    assert saved[dentist.id] == (Happened.YES, "Done.", 1)  # unchanged: not saved again


def test_words_under_another_decision_with_no_choice_come_back(
    session, jay, team, decisions, on_tablet
):
    circulate(session, jay.reviews[1], team)
    home, swim, _dentist = decisions
    data = _whole_page(
        on_tablet,
        decisions,
        {home: {"happened": "yes"}, swim: {"words": "They forgot."}},
    )
    response = on_tablet.client.post(f"/me/you-said-we-did/{home.public_id}", data=data)
    assert response.status_code == 200
    assert response.text.count('id="error-summary"') == 1
    assert "Kim will find you swimming lessons. Choose one of the answers." in response.text
    assert "They forgot." in response.text
    assert "Thank you. The person who runs your meeting will see your answer." in response.text
    assert {k: v[:2] for k, v in _answers(session).items()} == {home.id: (Happened.YES, "")}


def test_a_timed_out_page_keeps_every_answer_typed(session, jay, team, decisions, on_tablet):
    circulate(session, jay.reviews[1], team)
    home, swim, _dentist = decisions
    data = _whole_page(
        on_tablet, decisions, {home: {"happened": "yes"}, swim: {"words": "Still waiting."}}
    )
    data = {key: ("stale" if key.endswith("csrf_token") else value) for key, value in data.items()}
    response = on_tablet.client.post(f"/me/you-said-we-did/{home.public_id}", data=data)
    assert response.status_code == 200
    assert response.text.count("This page timed out") == 1
    assert _checked(response.text, f"d-{home.public_id}-happened", "yes")
    assert "Still waiting." in response.text
    assert _answers(session) == {}


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
        {"back": "workspace"},
    )
    assert done.status_code == 302 and done.location.endswith("/iro#flags")
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


def test_marking_done_asks_first_and_what_the_iro_says_reaches_the_child(
    session, desk, jay, team, decisions, tablet
):
    """One press beside "Jay says it did not happen" closed it, and the child heard nothing
    back (QA). The page asks first, shows what the child said, and a few words go to them."""
    circulate(session, jay.reviews[1], team)
    dentist = decisions[2]
    session.add(
        DecisionFollowUp(decision_id=dentist.id, answer=Happened.NO, words="It was cancelled.")
    )
    session.commit()
    desk.sign_in(team["iro"])
    flags = desk.get("/iro").text.split('id="flags"')[1]
    url = f"/reviews/{jay.reviews[1].public_id}/decisions/{dentist.public_id}/done"
    assert f'href="{url}?back=workspace"' in flags
    page = desk.get(f"{url}?back=workspace").text
    assert "Mark this action done?" in page and "It was cancelled." in page
    assert "Jay says it has not happened." in page
    assert session.get(type(dentist), dentist.id).done_on is None  # asking wrote nothing
    too_long = desk.post(url, {"back": "workspace", "note": "x" * 20_000})
    assert too_long.status_code == 200 and "x" * 20_000 in too_long.text
    note = "The dentist moved it to 3 December. Kim will take you."
    done = desk.post(url, {"back": "workspace", "note": note})
    assert done.status_code == 302 and done.location.endswith("/iro#flags")
    session.expire_all()
    saved = session.get(type(dentist), dentist.id)
    assert saved.done_on == TODAY and saved.done_note == note
    assert saved.done_by_id == team["iro"].id
    outcome = desk.get(f"/reviews/{jay.reviews[1].public_id}/outcome").text
    assert "(Ivy Iro)" in outcome and note in outcome
    # Jay reads it with the action (the tablet handed to him: the same browser).
    from participation.child import service as space_service
    from tests.support.child_fixtures import CODE

    space_service.set_picture_code(session, session.get(type(jay), jay.id), CODE, team["keyworker"])
    desk.hand_over(tablet, jay)
    child_page = tablet.client.get("/me/you-said-we-did").text
    assert f"Your IRO says: “{note}”" in child_page


def test_marking_done_an_action_told_in_person_asks_for_no_note(
    session, desk, jay, team, decisions
):
    # A note would go to "you said, we did", where this action is not: the page says so instead.
    swim = session.get(ReviewDecision, decisions[1].id)
    swim.in_person = True
    session.commit()
    circulate(session, jay.reviews[1], team)
    desk.sign_in(team["iro"])
    url = f"/reviews/{jay.reviews[1].public_id}/decisions/{swim.public_id}/done"
    page = desk.get(url).text
    assert "Jay is told about this action in person" in page
    assert 'name="note"' not in page
    assert desk.post(url, {}).status_code == 302
    session.expire_all()
    assert session.get(ReviewDecision, swim.id).done_on is not None


def test_the_team_sees_the_circulated_decisions_on_the_record_not_the_childs_answers(
    session, desk, jay, team, decisions
):
    """Only the IRO saw a review's decisions: the keyworker who owned an action, and whoever was
    to tell the child in person, never did (QA). The child's answers stay the IRO's."""
    told = session.get(ReviewDecision, decisions[0].id)
    told.in_person = True
    session.add(DecisionFollowUp(decision_id=decisions[1].id, answer=Happened.NO, words="Nope."))
    session.commit()
    desk.sign_in(team["keyworker"])
    record = desk.get(f"/children/{jay.public_id}").text
    assert "decisions-panel-title" not in record  # not circulated yet
    circulate(session, jay.reviews[1], team)
    record = desk.get(f"/children/{jay.public_id}").text
    panel = record[record.index('id="decisions-panel-title"') :].split("</section>")[0]
    assert "Keyworker to arrange swimming lessons." in panel and "Kim Keyworker" in panel
    assert "To be told to Jay in person" in panel
    assert "Nope." not in record
