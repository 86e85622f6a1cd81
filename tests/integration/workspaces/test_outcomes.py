""" "You said, we did": the child sees their last review's decisions in their own words once they
are circulated, says whether each happened; overdue actions and "it didn't happen" are flagged
to the IRO (a count and a list), until the IRO sees the action done."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time, timedelta

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


def test_a_child_saying_it_happened_asks_the_iro_to_mark_it_done(
    session, desk, jay, team, decisions
):
    """Not overdue any more, but not dropped either (QA: the owner's page said "Overdue" for
    ever while the IRO's said nothing needed attention): the IRO is asked to mark it done."""
    circulate(session, jay.reviews[1], team)
    session.add(DecisionFollowUp(decision_id=decisions[1].id, answer=Happened.YES))
    session.commit()
    iro = _principal(session, team["iro"])
    [flag] = outcomes.flagged(session, iro, TODAY)
    assert (flag.decision.id, flag.overdue, flag.says_happened) == (decisions[1].id, False, True)
    desk.sign_in(team["iro"])
    page = desk.get("/iro").text
    assert "Jay says it happened: mark it done if it is" in page
    assert "Overdue: due by" not in page  # the flag's own tag (review tasks may be late)
    session.get(ReviewDecision, decisions[1].id).done_on = TODAY
    session.commit()
    assert outcomes.flagged(session, iro, TODAY) == []


def test_an_owner_saying_it_is_done_asks_the_iro_to_mark_it_done(
    session, desk, jay, team, decisions
):
    circulate(session, jay.reviews[1], team)
    action = session.get(ReviewDecision, decisions[1].id)
    action.progress_done_on = TODAY
    action.progress_by_id = team["keyworker"].id
    session.commit()
    [flag] = outcomes.flagged(session, _principal(session, team["iro"]), TODAY)
    assert (flag.overdue, flag.owner_says_done) == (False, True)
    desk.sign_in(team["iro"])
    page = desk.get("/iro").text
    assert f"{team['keyworker'].name} says it is done: mark it done if it is" in page
    # Each tag ends with a space: a screen reader read the next one on in the same word (QA).
    assert "mark it done if it is</span> " in page


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
    # Marked done again from a page loaded before (another tab): not "Marked done", and the
    # words typed there are shown, not dropped (QA).
    other = "Sam booked it for the 3rd."
    again = desk.post(url, {"note": other})
    assert again.status_code == 200 and "Someone marked it done a moment ago" in again.text
    assert "Your words, not saved:" in again.text and other in again.text
    assert "Marked done: it is no longer flagged." not in again.text
    session.expire_all()
    assert session.get(type(dentist), dentist.id).done_note == note
    # Jay reads it with the action (the tablet handed to him: the same browser).
    from participation.child import service as space_service
    from tests.support.child_fixtures import CODE

    space_service.set_picture_code(session, session.get(type(jay), jay.id), CODE, team["keyworker"])
    desk.hand_over(tablet, jay)
    child_page = tablet.client.get("/me/you-said-we-did").text
    assert f"Your IRO says: “<bdi>{note}</bdi>”" in child_page


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


# --- told in person ------------------------------------------------------------------------------


def _to_tell(session, decisions, team, *, days_ago=0):
    """Decision 0 to be told in person by the social worker; circulated ``days_ago``."""
    told = session.get(ReviewDecision, decisions[0].id)
    told.in_person = True
    told.teller_staff_id = team["social_worker"].id
    told.child_text = "Tell Jay at the home, with Kim there."
    review = told.review
    session.add(
        ReviewOutcome(
            review_id=review.id,
            # From the tests' TODAY, not the clock: run across midnight, "8 days ago" from
            # the clock was 7 from TODAY, and the flag was not due yet.
            circulated_at=datetime.combine(TODAY, time(12), UTC) - timedelta(days=days_ago),
            circulated_by_id=team["iro"].id,
        )
    )
    session.commit()
    return told


def test_whoever_tells_the_child_in_person_records_it_for_the_team(
    session, desk, tablet, jay, team, decisions
):
    """Nothing said whether a child was ever told news kept off their tablet (QA): whoever on
    the team told them records the day and how it went, and the team and the IRO see it."""
    told = _to_tell(session, decisions, team)
    url = f"/children/{jay.public_id}/decisions/{told.public_id}/told"
    desk.sign_in(team["keyworker"])  # not the one named: whoever told them records it
    record = desk.get(f"/children/{jay.public_id}").text
    assert "Not told yet" in record and "Sam Social is to tell Jay." in record
    assert url in record and "Record that Jay was told" in record
    page = desk.get(url)
    assert page.status_code == 200 and TODAY.isoformat() in page.text
    version = version_on(page.text)
    # Bad days are refused and the note kept.
    note = "Jay was upset, then asked when they can phone Dad."
    for day, message in [
        ("", "Give the day the child was told."),
        ("not a day", "Enter a real date"),
        ((TODAY + timedelta(days=1)).isoformat(), "cannot be in the future"),
        ((told.review.held_on - timedelta(days=1)).isoformat(), "cannot be before the review"),
    ]:
        refused = desk.post(url, {"told_on": day, "note": note, "version": version})
        assert refused.status_code == 200 and message in refused.text, day
        assert html.escape(note, quote=False) in html.unescape(refused.text)
    session.expire_all()
    assert session.get(ReviewDecision, told.id).told_on is None
    day = TODAY - timedelta(days=1)
    saved = desk.post(url, {"told_on": day.isoformat(), "note": note, "version": version})
    assert saved.status_code == 302 and saved.location.endswith(
        f"/children/{jay.public_id}#decisions"
    )
    session.expire_all()
    row = session.get(ReviewDecision, told.id)
    assert (row.told_on, row.told_by_id, row.told_note) == (day, team["keyworker"].id, note)
    assert len(audited(session, "record-decision-told")) == 1
    record = desk.get(f"/children/{jay.public_id}").text
    assert "Not told yet" not in record and "Kim Keyworker" in record
    assert html.escape(note, quote=False) in html.unescape(record)
    assert "Change what was recorded" in record
    # A second save from the page loaded before the first is refused, and says so.
    stale = desk.post(url, {"told_on": TODAY.isoformat(), "note": "", "version": version})
    assert stale.status_code == 409 and "Someone else recorded this a moment ago" in stale.text
    session.expire_all()
    assert session.get(ReviewDecision, told.id).told_on == day
    # The IRO's outcome page says it too; the child never sees the note or the decision.
    desk.sign_in(team["iro"])
    outcome = desk.get(f"/reviews/{told.review.public_id}/outcome").text
    assert "Told " in outcome and html.escape(note, quote=False) in html.unescape(outcome)
    from participation.child import service as space_service
    from tests.support.child_fixtures import CODE

    space_service.set_picture_code(session, session.get(type(jay), jay.id), CODE, team["keyworker"])
    desk.hand_over(tablet, jay)
    for child_page in ("/me", "/me/you-said-we-did"):
        text = tablet.client.get(child_page).text
        assert note not in html.unescape(text) and told.public_id not in text


def test_only_the_childs_team_records_it_and_only_for_news_told_in_person(
    session, desk, jay, team, decisions
):
    told = _to_tell(session, decisions, team)
    url = f"/children/{jay.public_id}/decisions/{{}}/told"
    # A manager sees the record (the whole council) but is not on the case.
    desk.sign_in(team["manager"])
    assert "Record that Jay was told" not in desk.get(f"/children/{jay.public_id}").text
    assert desk.get(url.format(told.public_id)).status_code == 404
    desk.sign_in(team["other_keyworker"])
    assert desk.get(url.format(told.public_id)).status_code == 404
    desk.sign_in(team["social_worker"])
    assert desk.get(url.format(told.public_id)).status_code == 200
    # A decision on the tablet is not told in person: no page for it.
    assert desk.get(url.format(decisions[1].public_id)).status_code == 404


def test_news_not_told_a_week_after_circulation_is_flagged_to_the_iro(
    session, desk, jay, team, decisions
):
    told = _to_tell(session, decisions, team, days_ago=8)
    flags = outcomes.flagged(session, _principal(session, team["iro"]), TODAY, jay)
    mine = [f for f in flags if f.decision.id == told.id]
    assert len(mine) == 1 and mine[0].not_told and not mine[0].overdue
    desk.sign_in(team["iro"])
    workspace = desk.get("/iro").text
    assert "Not told in person yet" in workspace and "Sam Social is to tell Jay." in workspace
    told = session.get(ReviewDecision, told.id)
    told.told_on = TODAY
    told.told_by_id = team["social_worker"].id
    session.commit()
    flags = outcomes.flagged(session, _principal(session, team["iro"]), TODAY, jay)
    assert told.id not in [f.decision.id for f in flags]


def test_news_to_tell_in_person_is_not_flagged_in_its_first_week(session, jay, team, decisions):
    told = _to_tell(session, decisions, team, days_ago=6)
    flags = outcomes.flagged(session, _principal(session, team["iro"]), TODAY, jay)
    assert told.id not in [f.decision.id for f in flags]


def test_the_one_named_to_tell_the_child_finds_it_on_their_landing_page(
    session, desk, jay, team, decisions
):
    told = _to_tell(session, decisions, team)
    desk.sign_in(team["social_worker"])
    landing = desk.get("/my-children").text
    assert "From reviews: yours to do" in landing
    assert "1 thing to tell a child in person" in landing
    assert "Jay remains at the home." in landing
    url = f"/children/{jay.public_id}/decisions/{told.public_id}/told"
    assert url in landing
    # The others on the team are not named: it is not on their list.
    desk.sign_in(team["keyworker"])
    assert "to tell a child in person" not in desk.get("/my-children").text
    # The social worker's own workspace says it too.
    desk.sign_in(team["social_worker"])
    assert "1 thing to tell a child in person" in desk.get("/social-worker").text
    desk.sign_in(team["keyworker"])
    # Once recorded (by anyone on the team), it is off the list.
    page = desk.get(url).text
    desk.post(url, {"told_on": TODAY.isoformat(), "note": "", "version": version_on(page)})
    desk.sign_in(team["social_worker"])
    assert "to tell a child in person" not in desk.get("/my-children").text


def test_the_owner_of_an_action_finds_it_on_their_landing_pages_until_it_is_done(
    session, desk, jay, team, decisions
):
    """Only the IRO was reminded of an action: the member of staff who owns it never saw it (QA).
    The child's answer stays the IRO's: the child is told the person who runs the meeting hears
    it."""
    circulate(session, jay.reviews[1], team)
    session.add(DecisionFollowUp(decision_id=decisions[1].id, answer=Happened.NO, words="Nope."))
    session.commit()
    desk.sign_in(team["keyworker"])
    for landing in ("/my-children", "/keyworker"):
        page = desk.get(landing).text
        assert "1 action of yours" in page, landing
        section = page[page.index('id="yours-title"') :].split("</section>")[0]
        assert "Keyworker to arrange swimming lessons." in section
        assert "Overdue" in section  # due ten days ago
        assert "Social worker to book the dentist." not in section  # not theirs
        assert "Nope." not in page
    desk.sign_in(team["social_worker"])
    assert "Social worker to book the dentist." in desk.get("/my-children").text
    # Marked done by the IRO, it is off the list.
    swim = session.get(ReviewDecision, decisions[1].id)
    swim.done_on = TODAY
    swim.done_by_id = team["iro"].id
    session.commit()
    desk.sign_in(team["keyworker"])
    assert "yours-title" not in desk.get("/my-children").text


def test_the_iro_landing_page_says_how_many_things_need_attention(
    session, desk, jay, team, decisions
):
    circulate(session, jay.reviews[1], team)
    desk.sign_in(team["iro"])
    landing = desk.get("/my-children").text
    assert "1 decision or action needs your attention" in landing  # the overdue action
    assert "/iro#flags" in landing
    # On the IRO's workspace the flags themselves are shown: not counted twice.
    assert "needs your attention" not in desk.get("/iro").text


def test_the_managers_task_to_consider_the_decisions_shows_them(
    session, desk, jay, team, decisions
):
    """The task page said nothing of the decisions and the outcome page is the IRO's (QA)."""
    from participation.models import Milestone

    review = jay.reviews[1]
    task = session.scalar(
        select(Milestone).where(
            Milestone.review_id == review.id, Milestone.name == "manager-considers-decisions"
        )
    )
    assert task is not None
    url = f"/reviews/{review.public_id}/milestones/manager-considers-decisions"
    desk.sign_in(team["manager"])
    assert "has not circulated this review's decisions yet" in desk.get(url).text
    circulate(session, review, team)
    page = desk.get(url).text
    assert "The decisions to consider" in page
    for decision in decisions:
        assert decision.text in page


def test_an_overdue_action_to_tell_in_person_is_not_yet_untold_in_its_first_week(
    session, jay, team, decisions
):
    """Flagged for being overdue, it said "Not told in person yet" on the day it was circulated
    too (QA): the week to tell the child applies whatever else flags it."""
    told = _to_tell(session, decisions, team, days_ago=2)
    told.kind = DecisionKind.ACTION
    told.due_on = TODAY - timedelta(days=1)
    session.commit()
    flags = outcomes.flagged(session, _principal(session, team["iro"]), TODAY, jay)
    mine = [f for f in flags if f.decision.id == told.id]
    assert len(mine) == 1 and mine[0].overdue and not mine[0].not_told
    outcome_row = session.scalar(
        select(ReviewOutcome).where(ReviewOutcome.review_id == told.review_id)
    )
    outcome_row.circulated_at = datetime.now(UTC) - timedelta(days=8)
    session.commit()
    flags = outcomes.flagged(session, _principal(session, team["iro"]), TODAY, jay)
    mine = [f for f in flags if f.decision.id == told.id]
    assert len(mine) == 1 and mine[0].overdue and mine[0].not_told


TICKED = r'<input[^>]*\bchecked\b[^>]*name="on_tablet"'


def test_once_told_the_child_may_keep_it_on_their_tablet(
    session, desk, tablet, jay, team, decisions
):
    """Told in person, the news never reached the tablet even afterwards (QA): a child could not
    read it again nor say whether it happened. Whoever records telling them may, when the child
    wants it, give words for the tablet; unticked, it goes off the tablet again."""
    from participation.child import service as space_service
    from tests.support.child_fixtures import CODE

    told = _to_tell(session, decisions, team)
    url = f"/children/{jay.public_id}/decisions/{told.public_id}/told"
    space_service.set_picture_code(session, session.get(type(jay), jay.id), CODE, team["keyworker"])

    def on_the_tablet() -> str:
        desk.hand_over(tablet, jay)  # the tablet shares the desk's browser here
        return html.unescape(tablet.client.get("/me/you-said-we-did").text)

    assert told.public_id not in on_the_tablet()
    desk.sign_in(team["social_worker"])
    page = desk.get(url).text
    # The IRO's note of what to say is offered as a start; the box is not ticked.
    assert "Tell Jay at the home, with Kim there." in html.unescape(page)
    assert 'name="on_tablet"' in page and not re.search(TICKED, page)
    day = TODAY.isoformat()
    note = "Jay asked to read it again later."
    form = {"told_on": day, "note": note, "on_tablet": "y", "version": version_on(page)}
    refused = desk.post(url, {**form, "tablet_text": "  "})
    assert refused.status_code == 200 and "Write the words for their tablet" in refused.text
    assert html.escape(note, quote=False) in html.unescape(refused.text)
    session.expire_all()
    assert session.get(ReviewDecision, told.id).told_on is None
    words = "You will see Dad once a month for now, because he is poorly."
    assert desk.post(url, {**form, "tablet_text": words}).status_code == 302
    session.expire_all()
    row = session.get(ReviewDecision, told.id)
    assert row.tablet_text == words and row.child_text == "Tell Jay at the home, with Kim there."
    assert "on their tablet" in audited(session, "record-decision-told")[-1].detail
    record = html.unescape(desk.get(f"/children/{jay.public_id}").text)
    assert "On Jay's tablet now" in record and words in record
    # On the tablet: the child's words, never the IRO's note nor the team's note.
    mine = on_the_tablet()
    assert words in mine and "with Kim there" not in mine and note not in mine
    # Taken off again.
    desk.sign_in(team["social_worker"])
    page = desk.get(url).text
    assert re.search(TICKED, page)
    off = {"told_on": day, "note": note, "tablet_text": words, "version": version_on(page)}
    assert desk.post(url, off).status_code == 302
    session.expire_all()
    assert session.get(ReviewDecision, told.id).tablet_text is None
    assert words not in on_the_tablet()


def test_an_actions_owner_says_it_is_done_and_the_iro_sees_it(session, desk, jay, team, decisions):
    """Only the IRO could mark an action done, and its owner had nowhere to say so: the IRO had
    to be told outside the app and type it in (QA)."""
    circulate(session, jay.reviews[1], team)
    swimming, dentist = decisions[1], decisions[2]
    url = f"/children/{jay.public_id}/decisions/{{}}/progress"
    desk.sign_in(team["social_worker"])
    # Another's action, or a decision, is not theirs to update.
    assert desk.get(url.format(swimming.public_id)).status_code == 404
    assert desk.get(url.format(decisions[0].public_id)).status_code == 404
    landing = desk.get("/my-children").text
    assert url.format(dentist.public_id) in landing and "Say how it is going" in landing
    page = desk.get(url.format(dentist.public_id))
    assert page.status_code == 200
    note = "Booked for 3 December, Mum is taking him."
    # Nothing is chosen for them: a preset "done" would be one press from a wrong one.
    assert not re.search(r'<input[^>]*\bchecked\b[^>]*name="done"', page.text)
    unchosen = desk.post(
        url.format(dentist.public_id),
        {"note": note, "version": version_on(page.text), "done_on": TODAY.isoformat()},
    )
    assert unchosen.status_code == 200 and "Choose whether it is done." in unchosen.text
    form = {"done": "yes", "note": note, "version": version_on(page.text)}
    for day, message in [
        ("", "Give the day it was done."),
        ((TODAY + timedelta(days=1)).isoformat(), "cannot be in the future"),
    ]:
        refused = desk.post(url.format(dentist.public_id), {**form, "done_on": day})
        assert refused.status_code == 200 and message in refused.text
        assert html.escape(note, quote=False) in html.unescape(refused.text)
    saved = desk.post(url.format(dentist.public_id), {**form, "done_on": TODAY.isoformat()})
    assert saved.status_code == 302
    session.expire_all()
    row = session.get(ReviewDecision, dentist.id)
    assert (row.progress_done_on, row.progress_note, row.progress_by_id) == (
        TODAY,
        note,
        team["social_worker"].id,
    )
    assert row.done_on is None  # the IRO marks it done
    assert len(audited(session, "record-action-progress")) == 1
    assert "You said it was done" in desk.get("/my-children").text
    # The IRO sees it beside the action, and on the page that marks it done.
    desk.sign_in(team["iro"])
    done_page = html.unescape(
        desk.get(f"/reviews/{jay.reviews[1].public_id}/decisions/{dentist.public_id}/done").text
    )
    assert "Sam Social says it was done" in done_page and note in done_page
    assert "It is recorded as done on" in done_page
    # Once the IRO has marked it done, nothing more is asked; a page loaded before says so.
    row = session.get(ReviewDecision, dentist.id)
    row.done_on = TODAY
    session.commit()
    desk.sign_in(team["social_worker"])
    late = desk.post(url.format(dentist.public_id), {**form, "done_on": TODAY.isoformat()})
    assert late.status_code == 409 and "The IRO marked it done a moment ago" in late.text


def test_words_too_long_for_an_answer_say_how_long_they_may_be_and_stay(
    session, jay, team, decisions, on_tablet
):
    """The only box on the child's pages that did not say how long it may be (QA)."""
    from participation.workspaces.outcomes.service import WORDS_MAX

    circulate(session, jay.reviews[1], team)
    swim = decisions[1]
    words = "I waited and waited. " * 60
    assert len(words.strip()) > WORDS_MAX
    refused = child_post(
        on_tablet,
        f"/me/you-said-we-did/{swim.public_id}",
        f"d-{swim.public_id}",
        happened="no",
        words=words,
        version="0",
    )
    assert refused.status_code == 200
    page = html.unescape(refused.text)
    assert "That's a bit long" in page and f"You can use up to {WORDS_MAX:,} letters" in page
    assert words.strip() in page
    assert session.scalar(select(DecisionFollowUp)) is None


def test_marking_an_action_done_keeps_the_day_its_owner_gave(session, jay, team, decisions):
    """QA: done on 15 September by its owner, recorded as done the day the IRO got to it."""
    from participation.workspaces.iro import service as iro_service

    circulate(session, jay.reviews[1], team)
    dentist, swimming = decisions[2], decisions[1]
    dentist.progress_done_on = TODAY - timedelta(days=60)
    session.commit()
    iro_service.mark_action_done(session, dentist, team["iro"], today=TODAY)
    iro_service.mark_action_done(session, swimming, team["iro"], today=TODAY)  # owner said nothing
    session.commit()
    assert (dentist.done_on, swimming.done_on) == (TODAY - timedelta(days=60), TODAY)
