"""Who I'd like to come: a card per person in the child's life and per professional, "someone
else", and a child only ever reaching their own people."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from participation.models import (
    DecisionOutcome,
    DecisionTopic,
    MeetingPlan,
    PlanInvitee,
    Role,
    StaffMember,
    Wish,
)
from participation.planning import service
from tests.conftest import Auth, csrf_from
from tests.support import factories

from .conftest import is_checked, key_from, people_on, wishes_form


def invitees(session, child):
    session.expire_all()
    plan = session.scalar(select(MeetingPlan).where(MeetingPlan.child_id == child.id))
    if plan is None:
        return {}
    return {(i.network_person or i.staff or i).name: i for i in plan.invitees}


def test_a_card_for_each_person_and_professional_with_what_they_do(planner, social_worker):
    page = planner.page("who-comes").text
    # The people in the child's life first, then keyworker, social worker and IRO.
    assert list(people_on(page)) == [
        "Kelly",
        "Jean",
        "Kim Keyworker",
        social_worker.name,
        "Ivy Iro",
    ]
    assert "Part of your family." in page
    assert "Your keyworker" in page
    assert "Your social worker" in page
    assert "Makes sure your meeting listens to you. They always come." in page
    assert "Would you like Kelly to come?" in page
    for words in (
        "Yes please",
        "Just for part of it",
        "Send their thoughts in writing",
        "No thanks",
    ):
        assert words in page
    # No word a child would not use.
    for jargon in ("LAC", "placement", "contact", "care plan"):
        assert jargon not in page


def test_the_why_on_a_staff_members_card_says_they_can_read_it(planner, social_worker):
    """QA: a reason written about a social worker was read by her, and nothing said so."""
    page = html.unescape(planner.page("who-comes").text)
    assert f"{social_worker.name_for_children} can read this too." in page
    assert "Kelly can read this too." not in page  # family do not read the plan


def test_the_iro_card_has_no_no_thanks(planner):
    page = planner.page("who-comes").text
    index, _key = people_on(page)["Ivy Iro"]
    iro_card = page.split(f'id="people-{index}-key-name"')[1].split("</li>")[0]
    assert "They always come" in iro_card
    # So the question is how much of it, not whether they come.
    assert "Would you like Ivy Iro there for all of it?" in iro_card
    assert "Would you like Ivy Iro to come?" not in iro_card
    assert 'value="no"' not in iro_card
    assert 'value="written"' not in iro_card
    assert 'value="yes"' in iro_card


def test_wishes_are_saved_and_shown_again(planner, session, on_tablet):
    page = planner.page("who-comes")
    data = wishes_form(
        page.text,
        {
            "Kelly": {"wish": "part", "part": "The start", "why": "I miss her"},
            "Jean": {"wish": "written"},
            "Ivy Iro": {"wish": "yes"},
        },
    )
    response = planner.post("who-comes", data, page=page, go="next")
    assert response.headers["Location"] == "/me/plan/taking-part"
    saved = invitees(session, on_tablet)
    assert saved["Kelly"].wish == Wish.PART
    assert saved["Kelly"].part == "The start"
    assert saved["Kelly"].why == "I miss her"
    assert saved["Jean"].wish == Wish.WRITTEN
    assert saved["Ivy Iro"].staff_role == Role.IRO
    # Nobody the child did not choose for gets a row.
    assert set(saved) == {"Kelly", "Jean", "Ivy Iro"}
    again = planner.page("who-comes").text
    index, _key = people_on(again)["Kelly"]
    assert is_checked(again, f"people-{index}-wish", "part")
    assert "I miss her" in again


def test_no_thanks_for_the_iro_is_refused_kindly(planner, session, on_tablet):
    page = planner.page("who-comes")
    data = wishes_form(page.text, {"Ivy Iro": {"wish": "no"}, "Kelly": {"wish": "yes"}})
    response = planner.post("who-comes", data, page=page, go="next")
    assert response.status_code == 200
    assert "Something went wrong with that choice" in response.text
    assert 'href="#people-' in response.text  # the summary links to the card
    assert invitees(session, on_tablet) == {}


def test_an_over_long_why_keeps_the_words(planner, session, on_tablet):
    page = planner.page("who-comes")
    why = "because " * 80
    data = wishes_form(page.text, {"Kelly": {"wish": "yes", "why": why}})
    response = planner.post("who-comes", data, page=page, go="next")
    assert response.status_code == 200
    assert "Kelly: That" in response.text
    assert why.strip() in response.text
    assert invitees(session, on_tablet) == {}


def test_someone_else_is_added_and_can_be_taken_off_the_list(planner, session, on_tablet, client):
    page = planner.page("who-comes")
    data = wishes_form(page.text, {"Kelly": {"wish": "yes"}})
    response = planner.post(
        "who-comes",
        {**data, "new_name": "Coach Dan", "new_who": "My football coach"},
        page=page,
        go="add",
    )
    assert response.headers["Location"] == "/me/plan/who-comes#someone-else"
    added = client.get("/me/plan/who-comes").text
    # Said next to the button, where the page comes back to, not above the fold.
    someone_else = added.split('id="someone-else"')[1]
    assert "Coach Dan is on your list now" in someone_else
    assert added.count("Coach Dan is on your list now") == 1
    assert "My football coach" in added
    assert "Take them off my list" in added
    saved = invitees(session, on_tablet)
    assert saved["Kelly"].wish == Wish.YES  # the rest of the page was saved too
    assert saved["Coach Dan"].described_as == "My football coach"

    index, _key = people_on(added)["Coach Dan"]
    data = wishes_form(added, {"Kelly": {"wish": "yes"}})
    data[f"people-{index}-remove"] = "y"
    planner.post("who-comes", data, page=client.get("/me/plan/who-comes"), go="next")
    assert "Coach Dan" not in invitees(session, on_tablet)


def test_adding_someone_needs_their_name(planner, session, on_tablet):
    page = planner.page("who-comes")
    response = planner.post(
        "who-comes", {**wishes_form(page.text, {}), "new_who": "My friend"}, page=page, go="add"
    )
    assert response.status_code == 200
    assert "Write their name" in response.text
    assert "My friend" in response.text


def test_a_name_typed_then_save_and_go_on_adds_them_too(planner, session, on_tablet, client):
    page = planner.page("who-comes")
    data = wishes_form(page.text, {"Kelly": {"wish": "yes"}})
    response = planner.post(
        "who-comes",
        {**data, "new_name": "Coach Dan", "new_who": "My football coach"},
        page=page,
        go="next",
    )
    assert response.headers["Location"] == "/me/plan/taking-part"
    assert "Coach Dan is on your list now" in client.get("/me/plan/taking-part").text
    saved = invitees(session, on_tablet)
    assert saved["Kelly"].wish == Wish.YES
    assert saved["Coach Dan"].described_as == "My football coach"


def test_a_name_typed_then_skip_adds_them_too(planner, session, on_tablet):
    page = planner.page("who-comes")
    response = planner.post(
        "who-comes", {**wishes_form(page.text, {}), "new_name": "Aunty Bee"}, page=page, go="skip"
    )
    assert response.status_code == 302
    assert "Aunty Bee" in invitees(session, on_tablet)


def test_someone_to_add_with_a_problem_keeps_the_words_whichever_button(
    planner, session, on_tablet
):
    page = planner.page("who-comes")
    too_long = "my friend from school " * 10
    response = planner.post(
        "who-comes",
        {**wishes_form(page.text, {}), "new_name": "Sam", "new_who": too_long},
        page=page,
        go="next",
    )
    assert response.status_code == 200
    assert "a bit long" in response.text
    assert 'value="Sam"' in response.text
    assert too_long.strip() in response.text
    assert invitees(session, on_tablet) == {}

    # Words about someone with no name are not dropped either.
    response = planner.post(
        "who-comes", {**wishes_form(page.text, {}), "new_who": "My friend"}, page=page, go="next"
    )
    assert response.status_code == 200
    assert "Write their name" in response.text
    assert 'id="error-summary"' in response.text  # at the top, linked to the box
    assert "My friend" in response.text


def test_enter_in_a_box_with_no_one_to_add_just_saves(planner, session, on_tablet):
    page = planner.page("who-comes")
    data = wishes_form(page.text, {"Jean": {"wish": "yes"}})
    response = planner.post("who-comes", data, page=page, go="add")
    assert response.headers["Location"] == "/me/plan/who-comes#someone-else"
    assert invitees(session, on_tablet)["Jean"].wish == Wish.YES
    # Saved, and how to add someone (the button may have been pressed with no name written).
    after = planner.page("who-comes").text
    assert "Saved. To add someone, write their name" in after.split('id="someone-else"')[1]


def test_a_person_from_another_childs_plan_is_not_found(planner, session, on_tablet, keyworker):
    other = factories.make_child(session, preferred_name="Other")
    factories.assign(session, keyworker, other)
    their_person = factories.make_person(session, other, name="Their Mum")
    review = factories.make_review(session, other)
    session.commit()
    plan = service.plan_to_save(session, other, review)
    plan.invitees.append(PlanInvitee(name="Their Friend", position=1))
    session.commit()
    friend_id = plan.invitees[0].public_id

    page = planner.page("who-comes")
    for key in (f"person-{their_person.public_id}", f"other-{friend_id}", "person-guess"):
        data = {"people-0-key": key, "people-0-wish": "yes"}
        assert planner.post("who-comes", data, page=page, go="next").status_code == 404
    # Taking a network person (not someone the child added) off the list is refused too.
    data = wishes_form(page.text, {"Kelly": {"wish": "yes", "remove": "y"}})
    assert planner.post("who-comes", data, page=page, go="next").status_code == 404
    assert invitees(session, on_tablet) == {}
    session.expire_all()
    assert [i.name for i in session.get(MeetingPlan, plan.id).invitees] == ["Their Friend"]


def test_autosave_of_wishes_answers_json_and_never_adds_or_removes(planner, session, on_tablet):
    page = planner.page("who-comes")
    data = wishes_form(page.text, {"Kelly": {"wish": "no"}})
    response = planner.post("who-comes", {**data, "new_name": "Not yet"}, page=page, autosave=True)
    assert response.status_code == 200
    assert response.json["saved"] is True
    saved = invitees(session, on_tablet)
    assert set(saved) == {"Kelly"}
    plan = saved["Kelly"].plan
    assert plan.steps_done == []


def test_two_tablets_choosing_for_the_same_person(planner, session, on_tablet):
    page = planner.page("who-comes")
    planner.post("who-comes", wishes_form(page.text, {"Kelly": {"wish": "yes"}}), page=page)
    response = planner.post(
        "who-comes", wishes_form(page.text, {"Kelly": {"wish": "no"}}), page=page, go="next"
    )
    assert response.status_code == 409
    assert "This was changed on another tablet" in response.text
    now = response.text.split("What it says now")[1].split("Your answer is below")[0]
    assert "Kelly" in now and "Yes please" in now
    assert invitees(session, on_tablet)["Kelly"].wish == Wish.YES


def test_staff_answers_show_on_the_cards_in_a_childs_words(
    planner, session, on_tablet, social_worker
):
    page = planner.page("who-comes")
    planner.post("who-comes", wishes_form(page.text, {"Kelly": {"wish": "yes"}}), page=page)
    kelly = invitees(session, on_tablet)["Kelly"]
    service.decide(
        session,
        kelly.plan,
        DecisionTopic.WHO,
        kelly,
        DecisionOutcome.CHANGED,
        "Your mum will join on a video call.",
        social_worker,
        0,
    )
    page = planner.page("who-comes").text
    assert "Your social worker said:" in page
    assert "Yes, but a bit differently." in page
    assert "Your mum will join on a video call." in page
    summary = planner.page("my-plan").text
    assert "Your social worker said:" in summary
    assert "Your mum will join on a video call." in summary


def test_typed_words_on_my_plan_keep_their_own_direction_and_stay_escaped(planner):
    """In an Arabic page, "I <3 my dad." must read as typed: isolated (<bdi>), and still text."""
    page = planner.page("who-comes")
    data = wishes_form(
        page.text, {"Kelly": {"wish": "part", "part": "The start.", "why": "I <3 my dad."}}
    )
    planner.post("who-comes", data, page=page, go="next")
    plan = planner.page("my-plan").text
    assert "<bdi>I &lt;3 my dad.</bdi>" in plan
    assert "<bdi>The start.</bdi>" in plan
    assert "<bdi>Kelly" in plan


def test_the_child_sees_staff_by_the_name_they_call_them_with_a_picture(
    app, planner, session, on_tablet, keyworker, mia
):
    session.get(StaffMember, keyworker.id).known_as = "Kim"
    session.commit()
    page = planner.page("who-comes")
    names = people_on(page.text)
    assert "Kim" in names and "Kim Keyworker" not in names
    assert "Would you like Kim to come?" in page.text
    # Each card has a drawing of who it is (decorative: the heading says it).
    index, _key = names["Kim"]
    kim_card = page.text.split(f'id="people-{index}-key-name"')[0].rsplit("<li", 1)[1]
    assert 'src="/static/img/sharing/keyworker.svg' in kim_card and 'alt=""' in kim_card
    kelly_index, _key = names["Kelly"]
    kelly_card = page.text.split(f'id="people-{kelly_index}-key-name"')[0].rsplit("<li", 1)[1]
    assert "img/topics/family-and-friends.svg" in kelly_card

    planner.post("who-comes", wishes_form(page.text, {"Kim": {"wish": "yes"}}), page=page)
    assert "<bdi>Kim</bdi>" in planner.page("my-plan").text
    # Staff pages keep the full name from the staff list.
    staff_client = app.test_client()
    Auth(staff_client).sign_in(keyworker)
    staff_page = staff_client.get(f"/children/{mia.public_id}/plan").text
    assert "Kim Keyworker" in staff_page


def test_a_name_in_which_nothing_shows_adds_nobody(planner, session, on_tablet):
    """A name of zero-width spaces added someone with an invisible name (QA)."""
    page = planner.page("who-comes")
    response = planner.post(
        "who-comes",
        {**wishes_form(page.text, {}), "new_name": "\u200b\u200b", "new_who": "My coach"},
        page=page,
        go="next",
    )
    assert response.status_code == 200
    assert "Write their name, then press" in response.text
    assert invitees(session, on_tablet) == {}


def test_add_them_pressed_twice_adds_them_once_and_is_no_clash(planner, session, on_tablet):
    """The second press carried the old version: "changed on another tablet", and saving
    again as it asked added the person a second time (QA)."""
    page = planner.page("who-comes")
    data = {**wishes_form(page.text, {}), "new_name": "Uncle Bo", "form_key": key_from(page.text)}
    first = planner.post("who-comes", data, page=page, go="add")
    again = planner.post("who-comes", data, page=page, go="add")
    assert first.status_code == again.status_code == 302
    invitees(session, on_tablet)  # read afresh
    plan = session.scalar(select(MeetingPlan).where(MeetingPlan.child_id == on_tablet.id))
    assert [i.name for i in plan.invitees].count("Uncle Bo") == 1


def test_the_answers_about_where_and_when_say_which_is_which(
    planner, session, on_tablet, social_worker
):
    """Two boxes alike, "Your social worker said: ...", and the child could not tell which
    was about the place and which about the time (QA)."""
    from participation.planning.service import plan_or_blank

    planner.post("where-and-when", {"place": "home", "avoid": "Thursdays"}, go="next")
    plan = plan_or_blank(session, on_tablet, planner_review(session, on_tablet))
    for topic, words in ((DecisionTopic.VENUE, "At home."), (DecisionTopic.TIME, "After school.")):
        service.decide(session, plan, topic, None, DecisionOutcome.CHANGED, words, social_worker, 0)
    for page in (planner.page("where-and-when").text, planner.page("my-plan").text):
        assert "<strong>Where:</strong> <strong>Your social worker said:</strong>" in page
        assert "<strong>When:</strong> <strong>Your social worker said:</strong>" in page


def planner_review(session, child):
    from participation.models import MeetingPlan

    return session.scalar(select(MeetingPlan).where(MeetingPlan.child_id == child.id)).review


def test_a_reason_left_from_an_earlier_wish_is_said_to_be_older_on_staff_pages(
    planner, session, on_tablet, client, keyworker
):
    """QA: "I miss her" written beside "Yes please", then the wish changed to "No thanks" and the
    reason left as it was: staff read it as the reason for "No thanks"."""
    for wish in ("yes", "no"):  # the wish changed, the reason left as it was
        page = planner.page("who-comes")
        planner.post(
            "who-comes",
            wishes_form(page.text, {"Kelly": {"wish": wish, "why": "I miss her"}}),
            page=page,
            go="next",
        )
    assert invitees(session, on_tablet)["Kelly"].why_wish == "yes"
    # The child's own summary is as they left it.
    mine = html.unescape(client.get("/me/plan/my-plan").text)
    assert "I miss her" in mine and "written when their wish was" not in mine
    client.post("/me/give-back", data={"csrf_token": csrf_from(client.get("/me").text)})
    Auth(client).sign_in(keyworker)
    staff = " ".join(
        html.unescape(client.get(f"/children/{on_tablet.public_id}/plan").text).split()
    )
    assert "Why: I miss her (written when their wish was “Yes please”)" in re.sub(
        r"<[^>]+>", "", staff
    )
