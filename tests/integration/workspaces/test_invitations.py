"""The social worker's invitation list: built from the child's wishes and staff answers (with
their reasons), as CSV with spreadsheet formulas neutralised, as letters to print, and marking
the invitations sent."""

from __future__ import annotations

import csv
import html
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from participation.models import Assignment, Child, DecisionOutcome, Review, Role, Wish
from participation.planning import service as planning
from participation.planning import steps
from participation.workspaces.invitations import service as invitations
from tests.support import factories

from .conftest import TODAY, audited, milestone, next_review


@pytest.mark.parametrize(
    ("wish", "outcome", "invitation"),
    [
        (Wish.YES, None, "invite"),
        (Wish.YES, DecisionOutcome.AGREED, "invite"),
        (Wish.YES, DecisionOutcome.CHANGED, "as-changed"),
        (Wish.PART, DecisionOutcome.CHANGED, "as-changed"),
        (Wish.NO, DecisionOutcome.CHANGED, "as-changed"),
        (Wish.YES, DecisionOutcome.NOT_POSSIBLE, "not-invited"),
        (Wish.PART, DecisionOutcome.AGREED, "invite-part"),
        (Wish.PART, DecisionOutcome.NOT_POSSIBLE, "not-invited"),
        (Wish.WRITTEN, None, "written"),
        (Wish.WRITTEN, DecisionOutcome.NOT_POSSIBLE, "invite"),
        (Wish.NO, DecisionOutcome.AGREED, "not-invited"),
        (Wish.NO, DecisionOutcome.NOT_POSSIBLE, "invite"),
        (Wish.UNSET, None, "undecided"),
    ],
)
def test_the_invitation_follows_the_wish_and_the_staff_answer(wish, outcome, invitation):
    assert invitations.invitation_for(wish, outcome, always_comes=False) == invitation


def test_the_iro_always_comes():
    assert invitations.invitation_for(Wish.UNSET, None, always_comes=True) == "invite"


@pytest.fixture
def wishes(session, jay, team):
    """Jay would like Dad for part of it and Nan not to come; his social worker said Nan must be
    invited. A third person's name is a spreadsheet formula."""
    child = session.get(Child, jay.id)
    sneaky = factories.make_person(
        session, child, name="=cmd|' /C calc'!A0", relationship_to_child="@friend"
    )
    session.commit()
    review = next_review(session, child)
    people = {p.name: p for p in child.network}
    planning.save_people(
        session,
        child,
        review,
        [
            planning.WishAnswer(f"person-{people['Dean Clarke'].public_id}", "part", "The start"),
            planning.WishAnswer(f"person-{people['Jean Clarke'].public_id}", "no", "", "Too noisy"),
            planning.WishAnswer(f"person-{sneaky.public_id}", "yes"),
        ],
        0,
        finish=True,
    )
    plan = planning.find_plan(session, review)
    nan = next(i for i in plan.invitees if i.network_person_id == people["Jean Clarke"].id)
    planning.decide(
        session,
        plan,
        planning.DecisionTopic.WHO,
        nan,
        DecisionOutcome.NOT_POSSIBLE,
        "Nan has a right to be asked, but she can come just for the start.",
        team["social_worker"],
        0,
    )
    return review


def test_the_list_shows_each_wish_answer_and_reason(session, desk, jay, team, wishes):
    desk.sign_in(team["social_worker"])
    page = desk.get(f"/children/{jay.public_id}/invitations").text
    assert "Invite for part of the meeting" in page
    assert "Nan has a right to be asked" in page
    assert "Not answered yet" in page  # Dad's wish has no staff answer yet
    assert "parental responsibility" in page
    assert "Too noisy" not in page  # the child's reasons stay in their plan
    assert audited(session, "view-invitation-list")


def test_the_csv_neutralises_spreadsheet_formulas(session, desk, jay, team, wishes):
    desk.sign_in(team["social_worker"])
    response = desk.get(f"/children/{jay.public_id}/invitations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    # Named for the child, so two children's lists never overwrite each other.
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="invitations-{jay.preferred_name.lower()}-review-'
        f'{jay.reviews[-1].number}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Name", "Who they are", "Invitation"]
    by_name = {row[0]: row for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in by_name
    assert by_name["'=cmd|' /C calc'!A0"][1] == "'@friend"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert by_name["Jean Clarke"][2] == "Invite"
    assert by_name["Dean Clarke"][2] == "Invite for part of the meeting"
    assert by_name["Dean Clarke"][7] == "yes"
    assert audited(session, "download-invitation-list")


def test_letters_for_the_people_to_invite(session, desk, jay, team, wishes):
    desk.sign_in(team["social_worker"])
    page = desk.get(f"/children/{jay.public_id}/invitations/letters").text
    assert "Dear Dean Clarke," in page and "Dear Jean Clarke," in page
    assert "part of the meeting" in page
    assert "Ivy Iro" in page  # the IRO chairs
    assert "Dear Kim Keyworker" not in page  # staff on the case get no letter
    assert "print-letters" in page


def test_marking_the_invitations_sent_marks_the_milestone(session, desk, jay, team):
    desk.sign_in(team["social_worker"])
    url = f"/children/{jay.public_id}/invitations/sent"
    assert desk.post(url).status_code == 302
    review = next_review(session, jay)
    task = milestone(session, review, "invitations-sent")
    assert (task.done_on, task.done_by_id) == (TODAY, team["social_worker"].id)
    assert desk.post(url).status_code == 302  # twice: nothing changes
    assert len(audited(session, "invitations-sent")) == 1
    assert "Marked sent" in desk.get(f"/children/{jay.public_id}/invitations").text


@pytest.mark.parametrize("role", ["keyworker", "iro", "admin", "other_social_worker"])
def test_invitations_are_for_the_social_worker(session, desk, jay, team, role):
    desk.sign_in(team[role])
    for url in (
        f"/children/{jay.public_id}/invitations",
        f"/children/{jay.public_id}/invitations.csv",
        f"/children/{jay.public_id}/invitations/letters",
    ):
        assert desk.get(url).status_code == 404, url
    assert desk.post(f"/children/{jay.public_id}/invitations/sent").status_code == 404
    assert session.scalar(select(Review).where(Review.child_id == jay.id)) is not None


def test_a_manager_may_send_them_too(desk, jay, team):
    desk.sign_in(team["manager"])
    assert desk.get(f"/children/{jay.public_id}/invitations").status_code == 200


def test_a_wish_agreed_with_a_change_is_invited_as_agreed(session, desk, jay, team, wishes):
    """Dad for the start, agreed with a change (a video call): not a plain "come" in his letter,
    which would contradict what Jay was told."""
    plan = planning.find_plan(session, wishes)
    dad = next(i for i in plan.invitees if i.wish == Wish.PART)  # only Dad is for part
    planning.decide(
        session,
        plan,
        planning.DecisionTopic.WHO,
        dad,
        DecisionOutcome.CHANGED,
        "Your dad will join on a video call for the start.",
        team["social_worker"],
        0,
    )
    desk.sign_in(team["social_worker"])
    listing = html.unescape(desk.get(f"/children/{jay.public_id}/invitations").text)
    assert "Invite as agreed with the change (see the answer)" in listing
    letters = desk.get(f"/children/{jay.public_id}/invitations/letters").text
    dads = letters.split("Dear Dean Clarke,")[1].split("</article>")[0]
    assert "in the way agreed with Jay" in dads
    assert "You are invited to come to the meeting." not in dads
    assert "part of the meeting" not in dads


def _change_wish(session, child, review, key, wish, part=""):
    """The child changes one person's wish on their plan (as from the tablet)."""
    loaded = planning.find_plan(session, review).step_version(steps.WHO_COMES)
    answer = planning.WishAnswer(key, wish, part)
    planning.save_people(session, child, review, [answer], loaded, finish=True)


def test_a_change_after_the_invitations_went_out_waits_until_it_is_sent(
    session, desk, jay, team, wishes
):
    """QA: Jay asked for his dad at the whole meeting after the letters went out, and nobody
    noticed: the list, the letters and the social worker's workspace say so until the change
    is marked sent."""
    desk.sign_in(team["social_worker"])
    url = f"/children/{jay.public_id}/invitations"
    desk.post(f"{url}/sent")
    child = session.get(Child, jay.id)
    people = {p.name: p for p in child.network}
    dad = f"person-{people['Dean Clarke'].public_id}"
    # Not a change to anyone's invitation: the keyworker was not invited and still is not.
    keyworker = f"staff-{team['keyworker'].public_id}-keyworker"
    _change_wish(session, child, wishes, keyworker, "no")
    assert "since the invitations were sent" not in desk.get(url).text
    assert "after the invitations were sent" not in desk.get("/social-worker").text

    _change_wish(session, child, wishes, dad, "yes")
    listing = html.unescape(desk.get(url).text)
    assert "1 change since the invitations were sent" in listing
    assert "was “Invite for part of the meeting: The start”, now “Invite”" in " ".join(
        listing.split()
    )
    assert "Mark the changes as sent" in listing
    workspace = desk.get("/social-worker").text
    assert "who is invited changed after the invitations were sent" in workspace
    assert "Invitations to send again" in workspace
    letters = desk.get(f"{url}/letters?changed=1").text
    assert "Dear Dean Clarke," in letters and "Dear Jean Clarke," not in letters
    assert "Dear Jean Clarke," in desk.get(f"{url}/letters").text

    assert desk.post(f"{url}/sent").status_code == 302
    assert len(audited(session, "invitation-changes-sent")) == 1
    assert "since the invitations were sent" not in desk.get(url).text
    assert "after the invitations were sent" not in desk.get("/social-worker").text
    assert desk.post(f"{url}/sent").status_code == 302  # nothing more to send
    assert len(audited(session, "invitation-changes-sent")) == 1
    assert milestone(session, wishes, "invitations-sent").done_on == TODAY


def test_an_answer_that_turns_an_invitation_round_is_a_change_too(session, desk, jay, team, wishes):
    """Staff saying "not possible" to Dad after the letters went out un-invites him: the list
    says he was invited and no longer is, and the workspace counts it."""
    desk.sign_in(team["social_worker"])
    url = f"/children/{jay.public_id}/invitations"
    desk.post(f"{url}/sent")
    plan = planning.find_plan(session, wishes)
    dad = next(i for i in plan.invitees if i.wish == Wish.PART)
    planning.decide(
        session,
        plan,
        planning.DecisionTopic.WHO,
        dad,
        DecisionOutcome.NOT_POSSIBLE,
        "The court said not this time.",
        team["social_worker"],
        0,
    )
    listing = " ".join(html.unescape(desk.get(url).text).split())
    assert "was “Invite for part of the meeting: The start”, now “Do not invite”" in listing
    assert "Letters for the people now invited" not in listing  # nobody new to write to
    assert "who is invited changed after" in desk.get("/social-worker").text


def test_someone_who_leaves_the_list_after_it_was_sent_is_a_change(
    session, desk, jay, team, wishes
):
    desk.sign_in(team["social_worker"])
    url = f"/children/{jay.public_id}/invitations"
    desk.post(f"{url}/sent")
    child = session.get(Child, jay.id)
    dad = next(p for p in child.network if p.name == "Dean Clarke")
    dad.active = False
    session.commit()
    listing = " ".join(html.unescape(desk.get(url).text).split())
    assert "was “Invite for part of the meeting: The start”, no longer on the list" in listing
    # The workspace says so too (it compared only the child's own choices).
    assert (
        "who is invited changed after the invitations were sent" in desk.get("/social-worker").text
    )


def test_a_new_iro_after_the_invitations_were_sent_is_a_change_on_the_workspace(
    session, desk, jay, team, wishes
):
    desk.sign_in(team["social_worker"])
    url = f"/children/{jay.public_id}/invitations"
    desk.post(f"{url}/sent")
    assert "after the invitations were sent" not in desk.get("/social-worker").text
    old = session.scalar(
        select(Assignment).where(Assignment.child_id == jay.id, Assignment.role == Role.IRO)
    )
    old.active = False
    factories.assign(session, team["other_iro"], session.get(Child, jay.id))
    session.commit()
    assert (
        "who is invited changed after the invitations were sent" in desk.get("/social-worker").text
    )


def test_a_meeting_moved_after_the_invitations_went_out_is_a_change_for_everyone_invited(
    session, desk, jay, team, wishes
):
    """QA: the IRO moved the meeting after the letters went out and nothing said so: everyone
    invited still had the old day. The list, the letters and the workspace say so until the
    change is marked sent."""
    review = session.get(Review, wishes.id)
    review.scheduled_at = datetime(2026, 12, 15, 10, 0, tzinfo=UTC)
    review.venue = "Oak Lodge, the quiet room"
    session.commit()
    desk.sign_in(team["social_worker"])
    url = f"/children/{jay.public_id}/invitations"
    desk.post(f"{url}/sent")
    assert "The meeting changed after" not in desk.get(url).text
    review = session.get(Review, wishes.id)
    review.scheduled_at = datetime(2026, 12, 17, 14, 0, tzinfo=UTC)
    session.commit()

    listing = " ".join(html.unescape(desk.get(url).text).split())
    assert "The meeting changed after the invitations were sent" in listing
    assert "Tuesday 15 December 2026, 10:00, Oak Lodge, the quiet room" in listing
    assert "It is now Thursday 17 December 2026, 14:00, Oak Lodge, the quiet room" in listing
    assert "Mark the changes as sent" in listing
    workspace = desk.get("/social-worker").text
    assert "the meeting changed after the invitations were sent" in workspace
    # Everyone invited gets a letter again, saying what changed.
    letters = " ".join(html.unescape(desk.get(f"{url}/letters?changed=1").text).split())
    assert "Dear Dean Clarke," in letters and "Dear Jean Clarke," in letters
    assert "This letter replaces my earlier one, which said Tuesday 15 December 2026" in letters

    assert desk.post(f"{url}/sent").status_code == 302
    assert len(audited(session, "invitation-changes-sent")) == 1
    assert "The meeting changed after" not in desk.get(url).text
    assert "after the invitations were sent" not in desk.get("/social-worker").text


def test_invitations_sent_before_the_meeting_was_kept_are_not_called_moved(
    session, desk, jay, team, wishes
):
    desk.sign_in(team["social_worker"])
    url = f"/children/{jay.public_id}/invitations"
    desk.post(f"{url}/sent")
    sent = invitations.last_sent(session, session.get(Review, wishes.id))
    sent.meeting = None  # marked sent before this was kept (migration 0034)
    review = session.get(Review, wishes.id)
    review.venue = "Somewhere else"
    session.commit()
    assert "The meeting changed after" not in desk.get(url).text


def test_moving_the_meeting_back_to_what_the_invitations_said_is_no_change(
    session, desk, jay, team, wishes
):
    """QA: moved, then moved back, and the plan still said "tell everyone invited"."""
    from participation.planning import service as planning_service

    review = session.get(Review, wishes.id)
    review.scheduled_at = datetime(2026, 12, 15, 10, 0, tzinfo=UTC)
    session.commit()
    desk.sign_in(team["social_worker"])
    desk.post(f"/children/{jay.public_id}/invitations/sent")
    review = session.get(Review, wishes.id)
    assert planning_service.invitations_sent_on(session, review) is None
    review.scheduled_at = datetime(2026, 12, 16, 10, 0, tzinfo=UTC)
    session.commit()
    assert planning_service.invitations_sent_on(session, review) == TODAY
    review.scheduled_at = datetime(2026, 12, 15, 10, 0, tzinfo=UTC)
    session.commit()
    assert planning_service.invitations_sent_on(session, review) is None
