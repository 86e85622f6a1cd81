"""The IRO's pages: meeting the child beforehand, how the child took part with a suggested
participation code that the IRO confirms, decisions and actions with owners and due dates, and
circulating them (the milestone, the review held, the next review from the timetable)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from participation.models import (
    Answer,
    Attendance,
    Child,
    DecisionKind,
    DecisionOwner,
    IroChildMeeting,
    MeetingPlan,
    ParticipationCode,
    Place,
    PlanInvitee,
    ReviewDecision,
    ReviewOutcome,
    ReviewStatus,
    SignificantEvent,
    Wish,
)
from participation.models.review import LONDON
from participation.timetable import service as timetable
from participation.timetable.rules import WorkingCalendar
from participation.workspaces.iro import service as iro

from .conftest import TODAY, audited, milestone, next_review, version_on

ENG = WorkingCalendar("ENG")


@pytest.fixture
def ivy(desk, team):
    return desk.sign_in(team["iro"])


def outcome_url(review):
    return f"/reviews/{review.public_id}/outcome"


# --- meeting the child ------------------------------------------------------------------------


def test_recording_meeting_the_child_marks_the_milestone(session, ivy, jay):
    review = next_review(session, jay)
    url = f"/reviews/{review.public_id}/meeting-the-child"
    page = ivy.get(url)
    assert page.status_code == 200
    # No meeting arranged: the day shown is the due date, and says so (QA: it read as the day).
    if review.scheduled_at is None:
        assert "(the date is not set yet)" in page.text and "due by" in page.text
    future = ivy.post(url, {"met_on": (TODAY + timedelta(days=1)).isoformat(), "way": "video"})
    assert "cannot be in the future" in future.text
    no_way = ivy.post(url, {"met_on": TODAY.isoformat()})
    assert "Choose how you met the child." in no_way.text
    assert session.scalar(select(func.count()).select_from(IroChildMeeting)) == 0
    met = TODAY - timedelta(days=2)
    done = ivy.post(url, {"met_on": met.isoformat(), "way": "in-person", "note": "At home."})
    assert done.status_code == 302
    assert milestone(session, next_review(session, jay), "iro-meets-child").done_on == met
    assert "In person" in ivy.get(url).text
    assert audited(session, "record-iro-meeting-child")


def test_a_meeting_before_the_last_review_was_held_is_refused_with_its_reason(session, ivy, jay):
    review = next_review(session, jay)
    held_before = max(r.held_on for r in jay.reviews if r.held_on)
    url = f"/reviews/{review.public_id}/meeting-the-child"
    day = held_before - timedelta(days=1)
    refused = ivy.post(url, {"met_on": day.isoformat(), "way": "in-person", "note": "Typed."})
    assert refused.status_code == 200
    assert "cannot be before the review before this one was held" in refused.text
    assert "Typed." in refused.text
    assert session.scalar(select(func.count()).select_from(IroChildMeeting)) == 0


def test_the_child_choosing_not_to_meet_is_recorded_too(session, ivy, jay):
    review = next_review(session, jay)
    ivy.post(
        f"/reviews/{review.public_id}/meeting-the-child",
        {"met_on": TODAY.isoformat(), "way": "child-chose-not-to"},
    )
    assert session.scalar(select(IroChildMeeting)).way.value == "child-chose-not-to"


def test_a_meeting_recorded_by_mistake_is_removed_and_the_task_follows(session, ivy, jay, team):
    """QA: "the child chose not to meet" pressed by mistake showed the task done, and could only
    be added to. Before the review, a record is removed; the task counts from the meetings
    left, or is to do again."""
    review = next_review(session, jay)
    url = f"/reviews/{review.public_id}/meeting-the-child"
    met = ENG.last_working_day_on_or_before(TODAY - timedelta(days=3))
    ivy.post(url, {"met_on": met.isoformat(), "way": "child-chose-not-to"})
    ivy.post(url, {"met_on": TODAY.isoformat(), "way": "in-person"})
    assert milestone(session, review, "iro-meets-child").done_on == met
    mistaken = session.scalar(
        select(IroChildMeeting).where(IroChildMeeting.way == "child-chose-not-to")
    )
    page = html.unescape(ivy.get(url).text)
    assert f"/meeting-the-child/{mistaken.public_id}/remove" in page
    removed = ivy.post(f"{url}/{mistaken.public_id}/remove")
    assert removed.status_code == 302
    session.expire_all()
    task = milestone(session, next_review(session, jay), "iro-meets-child")
    assert task.done_on == TODAY
    assert audited(session, "remove-iro-meeting-child")
    last = session.scalar(select(IroChildMeeting))
    ivy.post(f"{url}/{last.public_id}/remove")
    session.expire_all()
    task = milestone(session, next_review(session, jay), "iro-meets-child")
    assert task.done_on is None and task.done_by_id is None
    # Once the review is held, the record stands.
    ivy.post(url, {"met_on": met.isoformat(), "way": "video"})
    kept = session.scalar(select(IroChildMeeting))
    hold(session, jay, team)
    refused = ivy.post(f"{url}/{kept.public_id}/remove", follow_redirects=True)
    assert "The review has been held" in html.unescape(refused.text)
    assert session.scalar(select(func.count()).select_from(IroChildMeeting)) == 1
    assert "/remove" not in ivy.get(url).text


# --- the participation code --------------------------------------------------------------------


def add_plan(session, child, review, **answers):
    plan = MeetingPlan.blank(child, review)
    plan.version = 1
    for name, value in answers.items():
        setattr(plan, name, value)
    session.add(plan)
    session.commit()
    return plan


def held_day() -> date:
    """A recent working day: a day a review may be recorded as held without being asked."""
    return ENG.last_working_day_on_or_before(TODAY - timedelta(days=1))


def hold(session, child, team, day=None):
    """Record the child's next review as held (as on the timetable's page), and return it."""
    review = next_review(session, child)
    timetable.record_held(session, review, day or held_day(), team["iro"], today=TODAY)
    session.commit()
    return review


def test_the_suggestion_starts_from_the_childs_plan_and_the_iro_confirms(session, ivy, jay, team):
    review = next_review(session, jay)
    add_plan(session, jay, review, attendance=Attendance.ALL, advocate=Answer.YES)
    # Before the meeting: the suggestion from the plan, nothing to record yet.
    assert "PN2: attends, an advocate speaks for them" in ivy.get(outcome_url(review)).text
    hold(session, jay, team)
    page = ivy.get(outcome_url(review)).text
    assert "Filled in from Jay&#39;s plan" in page or "Filled in from Jay's plan" in page
    assert "PN2: attends, an advocate speaks for them" in page
    assert session.scalar(select(func.count()).select_from(ReviewOutcome)) == 0  # GET wrote nothing

    saved = ivy.post(
        f"{outcome_url(review)}/taking-part",
        {
            "taking-part-presence": "attended",
            "taking-part-in_meeting": "spoke",
            "taking-part-version": "0",
        },
        prefix="taking-part",
    )
    assert saved.status_code == 302
    page = ivy.get(outcome_url(review)).text
    assert "PN1: attends and speaks for themselves" in page
    version = version_on(page, "code-version")
    different = ivy.post(
        f"{outcome_url(review)}/code",
        {"code-code": "PN3", "code-version": version},
        prefix="code",
    )
    assert "Say why you chose a different code" in different.text
    confirmed = ivy.post(
        f"{outcome_url(review)}/code",
        {
            "code-code": "PN3",
            "code-note": "Used his symbol cards for most of it.",
            "code-version": version,
        },
        prefix="code",
    )
    assert confirmed.status_code == 302
    outcome = session.scalar(select(ReviewOutcome))
    assert outcome.code == ParticipationCode.PN3
    assert outcome.suggested_code == ParticipationCode.PN1
    assert outcome.suggestion_basis == "spoke"
    assert [e.detail for e in audited(session, "confirm-participation-code")] == ["PN3"]


def test_wishes_the_meeting_never_answered_are_put_to_the_iro(session, ivy, jay, team):
    # The next plan starts afresh: without this the child's unanswered wishes went out of sight.
    review = next_review(session, jay)
    plan = add_plan(
        session, jay, review, attendance=Attendance.ALL, food=["pizza"], avoid="Thursdays",
        place=Place.HOME,
    )  # fmt: skip
    plan.invitees.append(PlanInvitee(name="Uncle Bo", wish=Wish.PART, part="The start", position=1))
    session.commit()
    assert "wishes for the meeting had no answer" not in ivy.get(outcome_url(review)).text
    hold(session, jay, team)
    page = ivy.get(outcome_url(review)).text
    notice = page[page.index('id="unanswered"') :].split("Answer them in the decisions")[0]
    assert "5 of Jay's wishes for the meeting had no answer" in notice
    # Where and when are one step: its answers once, under both (QA: the same rows twice).
    assert notice.count("Thursdays") == 1
    assert "Food and drink" in notice and "How they take part" in notice
    # What Jay asked, not only what it was about (QA: names and headings alone).
    assert "Pizza" in notice and "Uncle Bo" in notice and "The start" in notice


def test_a_child_under_four_is_pn0_and_views_only_is_pn5(session, ivy, team):
    from .conftest import _child_with_history

    baby = _child_with_history(session, "Ava", [team["iro"]], born=TODAY - timedelta(days=365 * 3))
    session.commit()
    page = ivy.get(outcome_url(next_review(session, baby))).text
    assert "PN0: under 4 at the time of the review" in page
    teen = _child_with_history(session, "Tia", [team["iro"]], born=date(2010, 1, 1))
    review = next_review(session, teen)
    add_plan(session, teen, review, attendance=Attendance.VIEWS_ONLY)
    assert "PN5: does not attend" in ivy.get(outcome_url(review)).text


def test_taking_part_needs_the_how(session, ivy, jay, team):
    review = hold(session, jay, team)
    response = ivy.post(
        f"{outcome_url(review)}/taking-part",
        {"taking-part-presence": "did-not-attend", "taking-part-version": "0"},
        prefix="taking-part",
    )
    assert response.status_code == 200
    assert "Say how the child&#39;s views were heard" in response.text or (
        "Say how the child's views were heard" in response.text
    )


# --- decisions and actions ---------------------------------------------------------------------


def decision_form(
    kind="action",
    text="Find swimming lessons.",
    child_text="You will start swimming.",
    ask=False,
    **kw,
):
    """A decision form as posted. The due date is one the IRO keeps even if it is not a working
    day (the tests' days count from the real today), unless `ask`: then it is asked about."""
    data = {
        "decision-kind": kind,
        "decision-text": text,
        "decision-child_text": child_text,
    }
    if kw.get("due_on") and not ask:
        kw = {"keep_date": "y", "warned_day": kw["due_on"], **kw}
    data.update({f"decision-{key}": value for key, value in kw.items()})
    return data


def add(desk, review, follow_redirects=False, **data):
    return desk.post(
        f"/reviews/{review.public_id}/decisions",
        decision_form(**data),
        prefix="decision",
        follow_redirects=follow_redirects,
    )


def test_decisions_and_actions_with_owner_and_due_date(session, ivy, jay, team, zoe):
    review = next_review(session, jay)
    due = (TODAY + timedelta(days=60)).isoformat()
    no_owner = add(ivy, review)
    assert "Say whose action it is" in no_owner.text
    no_due = add(ivy, review, owner="child")
    assert "Give the date the action is due by" in no_due.text
    stranger = add(
        ivy, review, owner="staff", owner_staff=team["other_keyworker"].public_id, due_on=due
    )
    assert "Choose someone who works with the child" in stranger.text
    no_child_words = add(ivy, review, child_text="", owner="child", due_on=due)
    assert "Write it for the child too" in no_child_words.text
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 0

    assert (
        add(
            ivy, review, owner="staff", owner_staff=team["keyworker"].public_id, due_on=due
        ).status_code
        == 302
    )
    assert (
        add(
            ivy, review, kind="decision", text="Jay stays at the home.", child_text="You will stay."
        ).status_code
        == 302
    )
    assert (
        add(
            ivy, review, owner="other", owner_name="Dad", due_on=due, text="Dad to call weekly."
        ).status_code
        == 302
    )
    rows = session.scalars(select(ReviewDecision).order_by(ReviewDecision.id)).all()
    assert [r.kind for r in rows] == [
        DecisionKind.ACTION,
        DecisionKind.DECISION,
        DecisionKind.ACTION,
    ]
    assert rows[0].owner_staff_id == team["keyworker"].id
    assert rows[2].owner_name == "Dad"
    page = ivy.get(outcome_url(review)).text
    assert "Kim Keyworker" in page and "Dad to call weekly." in page


def test_add_it_pressed_twice_adds_the_decision_once(session, ivy, jay):
    """Two presses on a slow line stored the decision twice, and the child would read it twice
    in "you said, we did" (QA). The page's key says it is the same press."""
    review = next_review(session, jay)
    page = ivy.get(outcome_url(review)).text
    key = re.search(r'name="decision-form_key" type="hidden" value="([^"]+)"', page).group(1)
    sent = {"kind": "decision", "text": "Jay stays.", "child_text": "You stay.", "form_key": key}
    assert add(ivy, review, **sent).status_code == 302
    assert add(ivy, review, **sent).status_code == 302
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 1
    # The next decision, from the page shown after it, is a new one.
    page = ivy.get(outcome_url(review)).text
    fresh = re.search(r'name="decision-form_key" type="hidden" value="([^"]+)"', page).group(1)
    assert add(ivy, review, **{**sent, "form_key": fresh}).status_code == 302
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 2


def test_a_decision_to_tell_in_person_needs_no_words_for_the_tablet(session, ivy, jay, team):
    review = next_review(session, jay)
    # Without the tick the child's words are needed; with it they are a note, and may be empty.
    assert "Write it for the child too" in add(ivy, review, kind="decision", child_text="").text
    news = {"kind": "decision", "text": "Family time with Dad stops for now.", "child_text": ""}
    # Someone on the team is named to tell them: otherwise it is nobody's job.
    nobody = add(ivy, review, in_person="y", **news)
    assert "Choose who on the child&#39;s team will tell them in person." in nobody.text
    stranger = add(
        ivy, review, in_person="y", teller_staff=team["other_keyworker"].public_id, **news
    )
    assert "Choose who on the child&#39;s team will tell them in person." in stranger.text
    assert session.scalar(select(ReviewDecision)) is None
    told = add(ivy, review, in_person="y", teller_staff=team["social_worker"].public_id, **news)
    assert told.status_code == 302
    row = session.scalar(select(ReviewDecision))
    assert row.in_person and row.child_text == ""
    assert row.teller_staff_id == team["social_worker"].id
    page = ivy.get(outcome_url(review)).text
    assert "Told in person, not on the tablet" in page
    assert f"Told by {team['social_worker'].name}." in page
    # The change page keeps the tick: saving it unchanged does not drop it.
    change = ivy.get(f"/reviews/{review.public_id}/decisions/{row.public_id}").text
    tick = re.search(r'<input[^>]*id="decision-in_person"[^>]*>', change)
    assert tick and " checked" in tick.group(0)
    # The tick comes before the child's words, whose hint depends on it.
    assert change.index('id="decision-in_person"') < change.index('id="decision-child_text"')
    # Un-ticked, nobody is to tell it in person any more.
    ivy.post(
        f"/reviews/{review.public_id}/decisions/{row.public_id}",
        decision_form(
            **{**news, "child_text": "No family time for now."},
            version=str(row.version),
            teller_staff=team["social_worker"].public_id,
        ),
        prefix="decision",
    )
    row = session.get(ReviewDecision, row.id)
    assert (row.in_person, row.teller_staff_id) == (False, None)
    ivy.post(
        f"/reviews/{review.public_id}/decisions/{row.public_id}",
        decision_form(
            **news,
            version=str(row.version),
            in_person="y",
            teller_staff=team["social_worker"].public_id,
        ),
        prefix="decision",
    )
    row = session.get(ReviewDecision, row.id)
    assert (row.in_person, row.teller_staff_id) == (True, team["social_worker"].id)
    # What circulating says counts the one told in person out of "you said, we did".
    add(ivy, review, kind="decision", text="Jay stays.", child_text="You will stay.")
    before = ivy.get(outcome_url(review)).text
    assert "Not the 1 to be told in person: make sure someone tells them." in before
    assert circulate(ivy, review, held_day()).status_code == 302
    after = ivy.get(outcome_url(review)).text
    assert "(not those to be told in person)" in after
    assert "1 is to be told to Jay in person: it is not on their tablet." in after
    # Sentences apart (QA saw "happened.1 is to be told").
    assert "happened. 1 is to be told" in after


def test_a_stale_decision_save_is_told(session, ivy, jay, team):
    review = next_review(session, jay)
    add(ivy, review, owner="child", due_on=(TODAY + timedelta(days=9)).isoformat())
    found = session.scalar(select(ReviewDecision))
    url = f"/reviews/{review.public_id}/decisions/{found.public_id}"
    loaded = version_on(ivy.get(url).text, "decision-version")
    due = (TODAY + timedelta(days=9)).isoformat()
    first = ivy.post(
        url,
        {**decision_form(text="First.", owner="child", due_on=due), "decision-version": loaded},
        prefix="decision",
    )
    assert first.status_code == 302
    second = ivy.post(
        url,
        {**decision_form(text="Second.", owner="child", due_on=due), "decision-version": loaded},
        prefix="decision",
    )
    assert second.status_code == 409
    session.expire_all()
    assert session.get(ReviewDecision, found.id).text == "First."


def test_removing_a_decision_asks_first(session, ivy, jay):
    review = next_review(session, jay)
    add(ivy, review, owner="child", due_on=(TODAY + timedelta(days=9)).isoformat())
    found = session.scalar(select(ReviewDecision))
    url = f"/reviews/{review.public_id}/decisions/{found.public_id}/remove"
    # The outcome page links to the question; it has no one-click removal.
    outcome = ivy.get(outcome_url(review)).text
    assert f'<a href="{url}">Remove' in outcome
    assert f'action="{url}"' not in outcome

    asked = ivy.get(url)
    assert asked.status_code == 200
    assert "<h1>Remove this action?</h1>" in asked.text
    assert "Find swimming lessons." in asked.text
    assert ">Remove it</button>" in asked.text
    assert f'href="{outcome_url(review)}#decisions">Keep it</a>' in asked.text
    # A post without the confirmation (an old page's "Remove") only asks.
    unconfirmed = ivy.post(url)
    assert unconfirmed.status_code == 200 and ">Remove it</button>" in unconfirmed.text
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 1
    assert not audited(session, "remove-review-decision")

    removed = ivy.post(url, {"version": version_on(asked.text)})
    assert removed.status_code == 302
    assert removed.headers["Location"].endswith(f"{outcome_url(review)}#decisions")
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 0
    assert audited(session, "remove-review-decision")


def test_removing_a_decision_changed_meanwhile_asks_again(session, ivy, jay):
    review = next_review(session, jay)
    due = (TODAY + timedelta(days=9)).isoformat()
    add(ivy, review, owner="child", due_on=due)
    found = session.scalar(select(ReviewDecision))
    url = f"/reviews/{review.public_id}/decisions/{found.public_id}/remove"
    loaded = version_on(ivy.get(url).text)
    ivy.post(
        f"/reviews/{review.public_id}/decisions/{found.public_id}",
        {
            **decision_form(text="Swimming on Saturdays.", owner="child", due_on=due),
            "decision-version": version_on(
                ivy.get(f"/reviews/{review.public_id}/decisions/{found.public_id}").text,
                "decision-version",
            ),
        },
        prefix="decision",
    )
    stale = ivy.post(url, {"version": loaded})
    assert stale.status_code == 409
    assert "Swimming on Saturdays." in stale.text and ">Remove it</button>" in stale.text
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 1


def test_circulating_records_the_review_held_and_marks_the_milestone(session, ivy, jay):
    review = next_review(session, jay)
    url = f"/reviews/{review.public_id}/circulate"
    assert "Circulate the decisions</button>" not in ivy.get(outcome_url(review)).text
    nothing = ivy.post(
        url,
        {"circulate-held_on": TODAY.isoformat(), "circulate-checked": "y"},
        prefix="circulate",
        follow_redirects=True,
    )
    assert "Record at least one decision or action" in nothing.text
    add(ivy, review, owner="child", due_on=(TODAY + timedelta(days=30)).isoformat())
    no_date = ivy.post(url, {"circulate-checked": "y"}, prefix="circulate")
    assert "Give the date the review was held" in no_date.text
    held = TODAY - timedelta(days=1)
    while held.weekday() >= 5:
        held -= timedelta(days=1)
    # Not without saying first that the decisions were checked: it cannot be undone.
    unchecked = ivy.post(url, {"circulate-held_on": held.isoformat()}, prefix="circulate")
    assert unchecked.status_code == 200
    assert "Tick the box once you have checked each decision" in unchecked.text
    session.expire_all()
    assert session.get(type(review), review.id).held_on is None
    done = ivy.post(
        url, {"circulate-held_on": held.isoformat(), "circulate-checked": "y"}, prefix="circulate"
    )
    assert done.status_code == 302
    session.expire_all()
    review = session.get(type(review), review.id)
    assert review.held_on == held and review.status == ReviewStatus.HELD
    assert milestone(session, review, "decisions-circulated").done_on == TODAY
    upcoming = next_review(session, jay)
    assert upcoming.number == review.number + 1
    page = ivy.get(outcome_url(review)).text
    assert f"review {upcoming.number}, due by" in page
    # After circulation the decisions are on the record: no adding, changing or removing.
    assert "Add a decision or action" not in page
    refused = add(
        ivy,
        review,
        owner="child",
        due_on=(TODAY + timedelta(days=30)).isoformat(),
        follow_redirects=True,
    )
    assert "can no longer be changed" in refused.text
    kept = session.scalar(select(ReviewDecision))
    remove = f"/reviews/{review.public_id}/decisions/{kept.public_id}/remove"
    asked = ivy.get(remove).text
    assert "can no longer be changed" in asked and "Remove it" not in asked
    ivy.post(remove, {"version": str(kept.version)})
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 1
    assert audited(session, "circulate-review-decisions")


def test_circulating_a_review_already_held_keeps_its_date(session, ivy, jay):
    held = jay.reviews[1]
    add(ivy, held, owner="child", due_on=TODAY.isoformat())
    ivy.post(f"/reviews/{held.public_id}/circulate", {"circulate-checked": "y"}, prefix="circulate")
    session.expire_all()
    assert iro.circulated(session, held)
    assert milestone(session, held, "decisions-circulated").done_on == TODAY


@pytest.mark.parametrize("role", ["keyworker", "social_worker", "manager", "admin", "other_iro"])
def test_iro_pages_are_for_the_childs_iro_only(session, desk, jay, team, role):
    review = next_review(session, jay)
    desk.sign_in(team[role])
    for url in (
        f"/reviews/{review.public_id}/meeting-the-child",
        outcome_url(review),
    ):
        assert desk.get(url).status_code == 404, url
    assert add(desk, review, owner="child", due_on=TODAY.isoformat()).status_code == 404
    if role != "other_iro":
        assert desk.get("/iro").status_code == 404


def test_a_review_of_another_child_is_not_found(session, ivy, zoe):
    assert ivy.get(outcome_url(next_review(session, zoe))).status_code == 404


def test_the_workspace_shows_the_caseload_with_links(session, ivy, jay, zoe):
    page = ivy.get("/iro").text
    assert "Jay" in page and "Zoe" not in page
    assert "IRO meets the child" in page
    assert "/timetable" in page
    assert session.get(Child, jay.id) is not None


def test_a_child_in_foster_care_has_no_keyworker_report_to_wait_for(session, ivy, jay):
    """ "Not sent yet" for a child with no keyworker: a report the IRO would chase that will
    never come (QA)."""
    from participation.models import PlacementType

    assert "Not sent yet" in ivy.get("/iro").text
    session.get(Child, jay.id).placement_type = PlacementType.FOSTER
    session.commit()
    page = ivy.get("/iro").text
    assert "None: in foster care, there is no keyworker" in page and "Not sent yet" not in page


def test_the_last_reviews_report_is_not_shown_as_the_next_ones(session, ivy, jay, team):
    """QA: after review 6 was held, its report read "Version 1, sent ..." beside review 7 for
    months, while the social worker's workspace said the next one was not started."""
    from participation.models import KeyworkerReport, SentReportVersion, utcnow

    review = next_review(session, jay)
    keyworker = team["keyworker"].id
    report = KeyworkerReport(
        child_id=jay.id, review_id=review.id, started_by_id=keyworker, updated_by_id=keyworker
    )
    session.add(report)
    session.flush()
    session.add(
        SentReportVersion(
            report_id=report.id,
            child_id=jay.id,
            review_id=review.id,
            number=1,
            revision=1,
            sent_at=utcnow(),
            sent_by_id=keyworker,
            sections=[],
        )
    )
    session.commit()
    card = ivy.get("/iro").text.split("Keyworker report</dt>")[1].split("</dd>")[0]
    assert "Version 1, sent" in card
    hold(session, jay, team)
    card = ivy.get("/iro").text.split("Keyworker report</dt>")[1].split("</dd>")[0]
    assert "Not sent yet" in card and "Version 1" not in card


def test_a_held_review_without_its_code_or_circulation_is_said_first(session, ivy, jay, team):
    review = hold(session, jay, team)
    page = ivy.get("/iro").text
    waiting = page.split("After a review, still to do")[1].split("</section>")[0]
    assert f'href="/reviews/{review.public_id}/outcome"' in waiting
    assert "confirm the participation code; circulate the decisions" in waiting


# --- what QA found: the day held, due dates, the code before the meeting, every problem at once -


def summary_links(html: str) -> list[str]:
    """The fields the error summary sends the reader to, in order."""
    start = html.index('id="error-summary"')
    return re.findall(r'<a href="#([^"]+)">', html[start : html.index("</ul>", start)])


def written(day: date) -> str:
    """A date as the pages write it: Saturday 21 November 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def circulate(desk, review, held_on: date, **extra: str):
    data = {"circulate-held_on": held_on.isoformat(), "circulate-checked": "y"}
    data.update({f"circulate-{name}": value for name, value in extra.items()})
    return desk.post(f"/reviews/{review.public_id}/circulate", data, prefix="circulate")


def not_held_or_circulated(session, review) -> bool:
    session.expire_all()
    fresh = session.get(type(review), review.id)
    return fresh.held_on is None and not iro.circulated(session, fresh)


def test_circulating_asks_to_keep_a_weekend_as_the_day_held(session, ivy, jay):
    review = next_review(session, jay)
    add(ivy, review, owner="child", due_on=TODAY.isoformat())
    saturday = TODAY - timedelta(days=(TODAY.weekday() - 5) % 7 or 7)

    asked = circulate(ivy, review, saturday)
    assert asked.status_code == 200
    warning = f"{written(saturday)} is a weekend. Reviews are rarely held then: check the date."
    assert warning in asked.text
    assert summary_links(asked.text) == ["circulate-held_on", "circulate-keep_date"]
    assert re.search(r'<label for="circulate-keep_date"[^>]*>Keep this date</label>', asked.text)
    assert f'value="{saturday.isoformat()}"' in asked.text  # the date typed stays
    assert not_held_or_circulated(session, review)
    # A tick given for another date does not keep this one.
    other = circulate(
        ivy,
        review,
        saturday,
        keep_date="y",
        warned_day=(saturday - timedelta(days=7)).isoformat(),
    )
    assert warning in other.text
    assert not_held_or_circulated(session, review)

    kept = circulate(ivy, review, saturday, keep_date="y", warned_day=saturday.isoformat())
    assert kept.status_code == 302
    session.expire_all()
    assert session.get(type(review), review.id).held_on == saturday
    assert iro.circulated(session, review)


def test_circulating_asks_about_a_day_well_before_the_arranged_meeting(session, ivy, jay):
    review = next_review(session, jay)
    meeting = ENG.last_working_day_on_or_before(TODAY)
    review.scheduled_at = datetime.combine(meeting, time(10), LONDON)
    session.commit()
    add(ivy, review, owner="child", due_on=TODAY.isoformat())
    held_on = ENG.last_working_day_on_or_before(meeting - timedelta(days=8))

    asked = circulate(ivy, review, held_on)
    assert asked.status_code == 200
    assert (
        f"{written(held_on)} is more than a week before the day the meeting was arranged for "
        f"({written(meeting)}): check the date."
    ) in asked.text
    assert not_held_or_circulated(session, review)
    kept = circulate(ivy, review, held_on, keep_date="y", warned_day=held_on.isoformat())
    assert kept.status_code == 302
    session.expire_all()
    assert session.get(type(review), review.id).held_on == held_on


def test_an_action_due_in_the_past_is_refused_before_the_review_is_held(session, ivy, jay):
    review = next_review(session, jay)
    for past in (date(2020, 1, 1), TODAY - timedelta(days=1)):
        refused = add(ivy, review, owner="child", due_on=past.isoformat())
        assert refused.status_code == 200
        assert "The due date cannot be in the past." in refused.text
        assert summary_links(refused.text) == ["decision-due_on"]
        # Everything typed stays.
        assert "Find swimming lessons.</textarea>" in refused.text
        assert "You will start swimming.</textarea>" in refused.text
        assert f'value="{past.isoformat()}"' in refused.text
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 0
    assert add(ivy, review, owner="child", due_on=TODAY.isoformat()).status_code == 302
    flags = ivy.get("/iro").text.split('id="flags"')[1].split("</section>")[0]
    assert "0 decisions or actions need attention" in flags and "Overdue" not in flags


def test_the_record_after_a_review_is_said_first_until_done(session, ivy, jay):
    """Writing the full record and sending its copies are the IRO's own tasks after a review:
    they were on the timetable only (QA)."""
    held = [r for r in session.get(Child, jay.id).reviews if r.held_on][-1]
    page = ivy.get("/iro").text
    after = page.split("After a review, still to do")[1].split("</section>")[0]
    link = f'href="/reviews/{held.public_id}/milestones/full-record?next=/iro"'
    assert link in after and "Complete the full review record" in after
    assert "Send copies of the review record" in after
    for name in ("full-record", "record-distributed"):
        milestone(session, held, name).done_on = TODAY
    session.commit()
    page = ivy.get("/iro").text
    assert "Complete the full review record" not in page.split("<h2>Children</h2>")[0]


def saved_earlier(session, review, team, due_on: date) -> ReviewDecision:
    """An action saved on an earlier day, due on a day that has passed since."""
    row = ReviewDecision(
        review_id=review.id,
        kind=DecisionKind.ACTION,
        text="Find swimming lessons.",
        child_text="You will start swimming.",
        owner=DecisionOwner.CHILD,
        due_on=due_on,
        created_by_id=team["iro"].id,
    )
    session.add(row)
    session.commit()
    return row


def test_a_due_date_saved_before_may_stay_while_the_words_change(session, ivy, jay, team):
    review = next_review(session, jay)
    due = TODAY - timedelta(days=3)
    found = saved_earlier(session, review, team, due)
    url = f"/reviews/{review.public_id}/decisions/{found.public_id}"
    version = version_on(ivy.get(url).text, "decision-version")
    moved = ivy.post(
        url,
        {
            **decision_form(owner="child", due_on=(due - timedelta(days=1)).isoformat()),
            "decision-version": version,
        },
        prefix="decision",
    )
    assert "The due date cannot be in the past." in moved.text
    reworded = ivy.post(
        url,
        {
            **decision_form(text="Book swimming lessons.", owner="child", due_on=due.isoformat()),
            "decision-version": version,
        },
        prefix="decision",
    )
    assert reworded.status_code == 302
    session.expire_all()
    assert session.get(ReviewDecision, found.id).text == "Book swimming lessons."


def test_circulating_refuses_a_day_held_after_an_action_was_due(session, ivy, jay, team):
    review = next_review(session, jay)
    held_on = held_day()
    due = held_on - timedelta(days=2)
    saved_earlier(session, review, team, due)
    refused = circulate(ivy, review, held_on)
    assert refused.status_code == 200
    assert f"A decision or action is due before this day ({written(due)})" in refused.text
    assert summary_links(refused.text) == ["circulate-held_on"]
    assert not_held_or_circulated(session, review)


def test_the_code_waits_until_the_review_is_held(session, ivy, jay, team):
    review = next_review(session, jay)
    add_plan(session, jay, review, attendance=Attendance.ALL, advocate=Answer.YES)
    url = outcome_url(review)
    page = ivy.get(url).text
    # The suggestion is useful before the meeting; recording and confirming wait for it.
    assert "PN2: attends, an advocate speaks for them" in page
    assert "Confirm the code</button>" not in page
    assert f'action="{url}/code"' not in page and f'action="{url}/taking-part"' not in page
    assert "Record the review as held first" in page
    assert f'href="/reviews/{review.public_id}/held"' in page
    assert ivy.get(f"/reviews/{review.public_id}/held").status_code == 200

    # A page loaded from elsewhere (or an old one) that posts anyway is told what to do.
    for form, data in (
        ("code", {"code-code": "PN2", "code-version": "0"}),
        (
            "taking-part",
            {
                "taking-part-presence": "attended",
                "taking-part-in_meeting": "spoke",
                "taking-part-version": "0",
            },
        ),
    ):
        refused = ivy.post(f"{url}/{form}", data, prefix=form)
        assert refused.status_code == 302
        assert refused.headers["Location"].endswith(f"{url}#{form}")
        told = ivy.get(url).text
        assert 'class="notice notice-error"' in told
        assert told.count("Record the review as held first") == 2  # the message and the page
    assert session.scalar(select(func.count()).select_from(ReviewOutcome)) == 0
    assert not audited(session, "confirm-participation-code")
    assert not audited(session, "record-child-participation")

    hold(session, jay, team)
    page = ivy.get(url).text
    assert "Confirm the code</button>" in page and "Record the review as held first" not in page
    confirmed = ivy.post(
        f"{url}/code",
        {"code-code": "PN2", "code-version": version_on(page, "code-version")},
        prefix="code",
    )
    assert confirmed.status_code == 302
    assert session.scalar(select(ReviewOutcome)).code == ParticipationCode.PN2


def test_one_submit_shows_every_problem_with_a_decision(session, ivy, jay):
    review = next_review(session, jay)
    url = f"/reviews/{review.public_id}/decisions"
    action = ivy.post(url, {"decision-kind": "action"}, prefix="decision")
    assert summary_links(action.text) == [
        "decision-text",
        "decision-child_text",
        "decision-owner",
        "decision-due_on",
    ]
    nothing = ivy.post(url, {}, prefix="decision")
    assert summary_links(nothing.text) == ["decision-kind", "decision-text", "decision-child_text"]
    # A due date that is not a date (the form's own check) and the service's problems together.
    typed = {"decision-text": "Swimming lessons.", "decision-due_on": "31/01/2027"}
    mixed = ivy.post(url, typed, prefix="decision")
    assert summary_links(mixed.text) == ["decision-kind", "decision-child_text", "decision-due_on"]
    assert "Enter a real date, for example 2026-11-23" in mixed.text
    assert "Swimming lessons.</textarea>" in mixed.text and 'value="31/01/2027"' in mixed.text
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 0


def test_one_submit_shows_every_problem_with_a_change(session, ivy, jay, team):
    review = next_review(session, jay)
    found = saved_earlier(session, review, team, TODAY)
    url = f"/reviews/{review.public_id}/decisions/{found.public_id}"
    version = version_on(ivy.get(url).text, "decision-version")
    emptied = ivy.post(
        url,
        {**decision_form(text="", child_text="", due_on="soon"), "decision-version": version},
        prefix="decision",
    )
    assert summary_links(emptied.text) == [
        "decision-text",
        "decision-child_text",
        "decision-owner",
        "decision-due_on",
    ]
    session.expire_all()
    assert session.get(ReviewDecision, found.id).text == "Find swimming lessons."


def test_one_submit_shows_every_problem_with_the_meeting_and_the_code(session, ivy, jay, team):
    review = next_review(session, jay)
    meeting = f"/reviews/{review.public_id}/meeting-the-child"
    future = (TODAY + timedelta(days=1)).isoformat()
    everything = ivy.post(meeting, {"met_on": future, "note": "x" * 501})
    assert summary_links(everything.text) == ["met_on", "way", "note"]
    assert "x" * 501 in everything.text
    no_day = ivy.post(meeting, {})
    assert summary_links(no_day.text) == ["met_on", "way"]
    assert session.scalar(select(func.count()).select_from(IroChildMeeting)) == 0

    hold(session, jay, team)
    version = version_on(ivy.get(outcome_url(review)).text, "code-version")
    code = ivy.post(
        f"{outcome_url(review)}/code",
        {"code-code": "", "code-note": "y" * 501, "code-version": version},
        prefix="code",
    )
    assert summary_links(code.text) == ["code-code", "code-note"]


def test_a_significant_event_waiting_for_the_iro_is_said_first(session, ivy, jay, zoe, team):
    for child in (jay, zoe):
        timetable.record_event(
            session, child, team["keyworker"], "school-exclusion", TODAY, "", today=TODAY
        )
    session.commit()
    page = ivy.get("/iro").text
    waiting = page.split("1 significant event waits for your decision")[1].split("</section>")[0]
    assert "School exclusion: Jay" in waiting and "Zoe" not in waiting  # another IRO's child
    event = session.scalar(select(SignificantEvent).where(SignificantEvent.child_id == jay.id))
    assert f'href="/significant-events/{event.public_id}?next=/iro"' in waiting
    assert "recorded by Kim Keyworker" in waiting
    # Opened from here, the event's page leads back here too, not only to Jay's record (QA).
    opened = html.unescape(ivy.get(f"/significant-events/{event.public_id}?next=/iro").text)
    assert '<a href="/iro">Back to the IRO workspace</a>' in opened
    assert "Back to Jay's record" in opened
    # A way back elsewhere is refused, the record is still offered.
    url = f"/significant-events/{event.public_id}?next=https://evil.invalid/"
    elsewhere = html.unescape(ivy.get(url).text)
    assert 'href="https://evil.invalid/"' not in elsewhere and "Back to Jay's record" in elsewhere


def test_circulating_says_first_that_the_decisions_cannot_be_changed_after(session, ivy, jay):
    review = next_review(session, jay)
    add(ivy, review, owner="child", due_on=TODAY.isoformat())
    page = ivy.get(outcome_url(review)).text
    before = page.split('id="circulate"')[1].split("</form>")[0]
    assert "After that, they cannot be changed" in before


def test_a_meeting_set_after_the_due_date_shows_on_the_workspaces(session, desk, ivy, jay, team):
    """ "Meeting after its due date" was on the caseload lists but not on the IRO's or the social
    worker's workspace, where they look first (QA)."""
    review = session.get(type(next_review(session, jay)), next_review(session, jay).id)
    late = review.due_on + timedelta(days=7)
    review.scheduled_at = datetime.combine(late, time(14), LONDON)
    session.commit()
    page = ivy.get("/iro").text
    assert "Meeting after its due date" in page and "due by" in page
    desk.sign_in(team["social_worker"])
    assert "Meeting after its due date" in desk.get("/social-worker").text


def test_the_circulated_decisions_download_as_a_record_to_send(session, ivy, jay):
    """Nothing to send to the people at the meeting: the IRO typed the decisions out again
    elsewhere (QA). Once circulated, they download as a PDF record."""
    import subprocess

    review = next_review(session, jay)
    url = f"/reviews/{review.public_id}/decisions.pdf"
    add(ivy, review, owner="child", due_on=(TODAY + timedelta(days=30)).isoformat())
    assert ivy.get(url).status_code == 404  # not before they are circulated
    held = TODAY - timedelta(days=1)
    while held.weekday() >= 5:
        held -= timedelta(days=1)
    assert circulate(ivy, review, held).status_code == 302
    assert url in ivy.get(outcome_url(review)).text
    response = ivy.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "review-decisions-" in response.headers["Content-Disposition"]
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    decision = session.scalar(select(ReviewDecision).where(ReviewDecision.review_id == review.id))
    assert f"Review decisions for {jay.preferred_name}" in text
    assert jay.legal_name in text and decision.text in text
    assert decision.child_text not in text  # the child's words are theirs, on their tablet
    assert audited(session, "download-review-decisions")
    # The facts the team needs with them (QA: the record had none of these).
    after = next_review(session, jay)
    flat = " ".join(text.split())
    assert f"Next review Review {after.number}, due by" in flat
    from participation.models import Presence

    outcome = session.scalar(select(ReviewOutcome))
    outcome.presence, outcome.code = Presence.ATTENDED, ParticipationCode.PN1
    session.commit()
    flat = " ".join(
        subprocess.run(
            ["pdftotext", "-", "-"], input=ivy.get(url).data, capture_output=True, check=True
        )
        .stdout.decode()
        .split()
    )
    assert "Attended the review" in flat and "Participation code PN1" in flat
    # News to be told in person is not on paper for others before the child has been told.
    told = session.get(ReviewDecision, decision.id)
    told.in_person = True
    session.commit()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=ivy.get(url).data, capture_output=True, check=True
    ).stdout.decode()
    assert decision.text not in text and "1 more is to be told to" in " ".join(text.split())


def test_the_decisions_record_numbers_them_as_the_iros_page_does(session, ivy, jay):
    """With the first to be told in person first, the record numbered the second "1." where
    the IRO's page says 2 (QA: "action 4" meant two things)."""
    import subprocess

    review = next_review(session, jay)
    for _ in range(2):
        add(ivy, review, owner="child", due_on=(TODAY + timedelta(days=30)).isoformat())
    held = TODAY - timedelta(days=1)
    while held.weekday() >= 5:
        held -= timedelta(days=1)
    assert circulate(ivy, review, held).status_code == 302
    first, _second = session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.review_id == review.id)
        .order_by(ReviewDecision.id)
    ).all()
    first.in_person = True
    session.commit()
    url = f"/reviews/{review.public_id}/decisions.pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=ivy.get(url).data, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"2\.\s*Action:", text) and not re.search(r"1\.\s*Action:", text), text
    # In Persian, the numbers in Persian digits, as every other number on its pages (QA).
    from participation.models import Role, StaffMember

    session.scalar(select(StaffMember).where(StaffMember.role == Role.IRO)).language = "fa"
    session.commit()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=ivy.get(url).data, capture_output=True, check=True
    ).stdout.decode()
    assert "۲" in text and not re.search(r"2\.\s", text)
    assert "<h3>\u06f1. " in ivy.get(outcome_url(review)).text  # Persian one


def test_an_action_due_on_a_day_nobody_works_is_asked_about_then_pointed_out(session, ivy, jay):
    """Due on Christmas Day, saved without a word, and the child read "By: Friday 25 December"
    (QA). The IRO is asked to keep the date first (a date may be meant, so not refused), and
    it is said next to the action until the decisions are circulated."""
    review = next_review(session, jay)
    day = TODAY + timedelta(days=30)
    while ENG.is_working_day(day):
        day += timedelta(days=1)
    asked = add(ivy, review, owner="child", due_on=day.isoformat(), ask=True)
    assert asked.status_code == 200
    assert "whoever does it may not be working then" in asked.text
    assert 'name="decision-keep_date"' in asked.text
    assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 0
    # "Keep this date" ticked for that date (as the helper does unless asked): it is added.
    kept = add(ivy, review, owner="child", due_on=day.isoformat())
    assert kept.status_code == 302
    assert "not a working day: check the date" in ivy.get(outcome_url(review)).text
    decision = session.scalar(select(ReviewDecision))
    decision.due_on = ENG.next_working_day_on_or_after(day)
    session.commit()
    assert "not a working day" not in ivy.get(outcome_url(review)).text
    # Moved onto the day nobody works on the change page: asked the same way, nothing saved.
    url = f"/reviews/{review.public_id}/decisions/{decision.public_id}"
    loaded = version_on(ivy.get(url).text, "decision-version")
    form = decision_form(owner="child", due_on=day.isoformat(), ask=True)
    moved = ivy.post(url, {**form, "decision-version": loaded}, prefix="decision")
    assert "whoever does it may not be working then" in moved.text
    session.expire_all()
    assert session.get(ReviewDecision, decision.id).due_on != day


def test_an_earlier_reviews_record_still_to_do_is_listed_too(session, ivy, jay, team):
    """QA: once review 3 was held, review 2's record tasks (never done) still counted as
    overdue everywhere, and the IRO's list showed only review 3."""
    before = [r for r in session.get(Child, jay.id).reviews if r.held_on][-1]
    assert milestone(session, before, "full-record").done_on is None
    hold(session, jay, team)
    page = ivy.get("/iro").text
    after = page.split("After a review, still to do")[1].split("</section>")[0]
    earlier = after.split(f'href="/reviews/{before.public_id}/outcome"')[1].split("</li>")[0]
    assert "Complete the full review record" in earlier
    # Not asked for its code or circulation: reviews before My Review have none to give.
    assert "confirm the participation code" not in earlier
    for name in ("full-record", "record-distributed"):
        milestone(session, before, name).done_on = TODAY
    session.commit()
    after = ivy.get("/iro").text.split("After a review, still to do")[1].split("</section>")[0]
    assert f'href="/reviews/{before.public_id}/outcome"' not in after
