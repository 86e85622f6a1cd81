"""A child plans their meeting on the tablet: every step saves, skips, goes back, is revisited,
and refuses bad input kindly without losing anything already saved."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participation.models import (
    DecisionOutcome,
    DecisionTopic,
    MeetingPlan,
    Review,
    ReviewStatus,
    StaffMember,
)
from participation.planning import service
from tests.conftest import csrf_from

from .conftest import is_checked, key_from, version_from

STEP_ANSWERS = {
    "taking-part": (
        {
            "attendance": "some",
            "attendance_parts": "Just the start",
            "chairing": "co-chair",
            "meet_iro_first": "yes",
            "meet_iro_when": "After school on Tuesday",
            "advocate": "not-sure",
            "interpreter": "yes",
            "interpreter_language": "Polish",
            "communication": "Pictures help me",
        },
        "where-and-when",
    ),
    "where-and-when": (
        {
            "place": "elsewhere",
            "place_other": "The library",
            "times": ["weekend", "after-school"],
            "avoid": "Not on Thursdays",
        },
        "food-and-drink",
    ),
    "food-and-drink": (
        {"food": ["pizza", "fruit"], "food_other": "Popcorn", "diet": "No nuts"},
        "the-room",
    ),
    "the-room": (
        {
            "room": ["quiet", "breaks", "pet"],
            "seating": "Next to Kim",
            "break_signal": "I hold up a red card",
            "bring_who": "My dog Biscuit",
            "room_other": "A window open",
        },
        "my-plan",
    ),
}


CHOICE_FIELDS = {
    "attendance",
    "chairing",
    "meet_iro_first",
    "advocate",
    "interpreter",
    "place",
    "times",
    "food",
    "room",
}


def plan_of(session, child):
    session.expire_all()
    return session.scalar(select(MeetingPlan).where(MeetingPlan.child_id == child.id))


def test_my_page_shows_how_far_the_child_has_got(planner, client):
    page = client.get("/me").text
    assert "Planning my meeting" in page
    assert "0 of 6 parts done" in page
    assert 'href="/me/plan"' in page
    planner.post("food-and-drink", {"food": ["water"]}, go="next")
    assert "1 of 6 parts done" in client.get("/me").text


def test_plan_link_carries_on_where_the_child_got_to(planner, client):
    assert client.get("/me/plan").headers["Location"] == "/me/plan/who-comes"
    planner.post("who-comes", {}, go="next")
    assert client.get("/me/plan").headers["Location"] == "/me/plan/taking-part"


@pytest.mark.parametrize("step", list(STEP_ANSWERS))
def test_each_step_saves_and_goes_on_then_shows_the_answers_again(
    planner, session, on_tablet, step
):
    answers, next_step = STEP_ANSWERS[step]
    response = planner.post(step, answers, go="next")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/me/plan/{next_step}"
    plan = plan_of(session, on_tablet)
    assert plan.steps_done == [step]
    for name, value in answers.items():
        stored = getattr(plan, name)
        stored = stored.value if hasattr(stored, "value") else stored
        if isinstance(value, list):
            assert sorted(stored) == sorted(value)
        else:
            assert stored == value
    # Coming back, every answer is there to change.
    page = planner.page(step).text
    for name, value in answers.items():
        if name in CHOICE_FIELDS:
            for item in value if isinstance(value, list) else [value]:
                assert is_checked(page, name, item), (name, item)
        else:
            assert value in page


def test_skip_keeps_what_was_written_but_the_step_is_not_done(planner, session, on_tablet, client):
    response = planner.post("food-and-drink", {"food": ["juice"]}, go="skip")
    assert response.headers["Location"] == "/me/plan/the-room"
    plan = plan_of(session, on_tablet)
    assert plan.food == ["juice"]
    assert plan.steps_done == []
    assert "You can come back to this any time" in client.get("/me/plan/the-room").text


def test_back_goes_to_the_step_before_and_the_first_step_back_to_my_page(planner):
    assert '<a class="button secondary" href="/me">Back</a>' in planner.page("who-comes").text
    page = planner.page("where-and-when").text
    assert '<a class="button secondary" href="/me/plan/taking-part">Back</a>' in page
    # The progress list links every step, and marks this one as the current step.
    assert 'href="/me/plan/where-and-when" aria-current="step"' in page
    assert "Step 3 of 6" in page


def test_a_step_can_be_changed_after_it_is_done(planner, session, on_tablet):
    planner.post("food-and-drink", {"food": ["pizza"]}, go="next")
    planner.post("food-and-drink", {"food": ["fruit", "water"]}, go="next")
    plan = plan_of(session, on_tablet)
    assert plan.food == ["fruit", "water"]
    assert plan.steps_done == ["food-and-drink"]


def test_too_long_an_answer_gets_a_kind_message_and_stays_on_the_page(planner, session, on_tablet):
    planner.post("food-and-drink", {"diet": "Vegetarian"}, go="next")
    long_text = "I really like " + "very " * 120 + "long answers"
    response = planner.post("food-and-drink", {"diet": long_text}, go="next")
    assert response.status_code == 200
    assert "a bit long. Can you make it shorter?" in response.text
    assert "Everything you wrote is still here" in response.text
    assert long_text in response.text
    assert "maxlength" not in response.text
    assert response.text.count("<title>Error:") == 1
    # What was saved before is still saved.
    assert plan_of(session, on_tablet).diet == "Vegetarian"


def test_two_boxes_too_long_are_each_named_in_the_list_of_problems(planner):
    long_text = "very " * 120
    response = planner.post(
        "food-and-drink", {"food_other": long_text, "diet": long_text}, go="next"
    )
    summary = response.text.split('id="error-summary"')[1].split("</ul>")[0]
    assert summary.count("a bit long") == 2
    # Each says how long it is; the same message for two boxes still names each box.
    assert "You can use up to 500 letters and spaces. This has 599." in summary
    assert '<span class="error-for">Something else?</span>' in summary
    assert '<span class="error-for">Allergies, or food you don' in summary


def test_one_problem_is_not_named_twice(planner):
    response = planner.post("food-and-drink", {"diet": "very " * 120}, go="next")
    summary = response.text.split('id="error-summary"')[1].split("</ul>")[0]
    assert "error-for" not in summary


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("taking-part", {"attendance": "all-day-long"}),
        ("where-and-when", {"times": ["weekend", "<script>"]}),
        ("food-and-drink", {"food": ["fruit", "beer"]}),
        ("the-room", {"room": ["disco"]}),
    ],
)
def test_a_tampered_choice_gets_a_kind_message_and_nothing_saved_is_lost(
    planner, session, on_tablet, step, data
):
    planner.post("food-and-drink", {"food": ["water"], "diet": "Halal"}, go="next")
    response = planner.post(step, data, go="next")
    assert response.status_code == 200
    assert "Something went wrong with that choice. Please choose again." in response.text
    plan = plan_of(session, on_tablet)
    assert plan.food == ["water"]
    assert plan.diet == "Halal"
    assert plan.steps_done == ["food-and-drink"]


def test_getting_the_steps_never_writes(planner, session, client):
    for step in ("who-comes", "taking-part", "where-and-when", "food-and-drink", "the-room"):
        assert planner.page(step).status_code == 200
    assert planner.page("my-plan").status_code == 200
    client.get("/me/plan")
    assert session.scalar(select(func.count()).select_from(MeetingPlan)) == 0


def test_an_unknown_step_is_not_found(client, on_tablet):
    assert client.get("/me/plan/the-garden").status_code == 404


def test_the_summary_shows_every_choice_with_a_change_link_and_can_be_read_aloud(planner):
    for step, (answers, _next) in STEP_ANSWERS.items():
        planner.post(step, answers, go="next")
    page = planner.page("my-plan").text
    # Each answer with the drawing of the card it was chosen on (a child who cannot read knows
    # it again); the words read the same without them.
    assert page.count('class="said-picture"') >= 10 and "img/plan/quiet.svg" in page
    page = re.sub(r'<img class="said-picture"[^>]*> ', "", page)
    for words in (
        "Come to some of it",
        "I run it with my IRO",
        "Polish",
        "Somewhere else",
        "The library",
        "After school, At the weekend",
        "Fruit, Pizza",
        "Popcorn",
        "No nuts",
        "A quiet room",
        "I hold up a red card",
        "My dog Biscuit",
    ):
        assert words in page, words
    for step in STEP_ANSWERS:
        assert f'href="/me/plan/{step}">Change<span class="visually-hidden">' in page
    assert 'data-read="#my-plan-summary"' in page


def test_words_for_a_choice_taken_back_are_kept_but_shown_nowhere(planner, session):
    """ "Where else: the park cafe, because home is noisy" reached the IRO after the child chose
    "My home" again (QA). The words stay for a child who changes back, and show nowhere else."""
    for step, (answers, _next) in STEP_ANSWERS.items():
        planner.post(step, answers, go="next")
    changed = {
        "taking-part": {"attendance": "all", "meet_iro_first": "no", "interpreter": "no"},
        "where-and-when": {"place": "home"},
    }
    for step, choices in changed.items():
        planner.post(step, {**STEP_ANSWERS[step][0], **choices}, go="next")
    summary = planner.page("my-plan").text
    assert "My home" in summary
    for words in ("The library", "Just the start", "Polish", "After school on Tuesday"):
        assert words not in summary, words
        # Still where the child typed them, should they change back.
    assert "The library" in planner.page("where-and-when").text
    plan = session.scalar(select(MeetingPlan))
    session.refresh(plan)
    assert plan.place_other == "The library"
    assert service.has_answers(plan, DecisionTopic.VENUE)  # "My home" still is one
    # Chosen again, the words are back.
    planner.post("where-and-when", STEP_ANSWERS["where-and-when"][0], go="next")
    assert "The library" in planner.page("my-plan").text


def test_a_list_in_the_plan_is_joined_with_the_readers_comma(app, monkeypatch, planner, tablet):
    """QA: "after school, at weekends" kept the English comma in Arabic, Persian and Pashto."""
    monkeypatch.setitem(app.config["LANGUAGES"], "ar", ("العربية", "rtl"))
    for step, (answers, _next) in STEP_ANSWERS.items():
        planner.post(step, answers, go="next")
    english = planner.page("my-plan").text
    tablet.post("/language", language="ar", next="/me/plan/my-plan")
    arabic = planner.page("my-plan").text
    between = '، <img class="said-picture"'  # between two things chosen, each with its picture
    assert between in arabic and between.replace("،", ",") not in arabic
    assert between.replace("،", ",") in english


def test_this_is_my_plan_finishes_the_last_part(planner, client, session, on_tablet):
    for step, (answers, _next) in STEP_ANSWERS.items():
        planner.post(step, answers, go="next")
    planner.post("who-comes", {}, go="next")
    response = planner.post("my-plan", {}, go="next")
    assert response.headers["Location"] == "/me"
    my_page = client.get("/me").text
    assert "6 of 6 parts done" in my_page
    assert "Carry on planning" not in my_page  # nothing left to carry on with: their plan
    assert '<a class="button" href="/me/plan">My meeting plan</a>' in my_page
    assert client.get("/me/plan").headers["Location"] == "/me/plan/my-plan"
    assert plan_of(session, on_tablet).steps_done == [
        "who-comes",
        "taking-part",
        "where-and-when",
        "food-and-drink",
        "the-room",
        "my-plan",
    ]


def test_with_no_meeting_planned_the_child_is_told_kindly(planner, session, family):
    review = session.get(Review, family["review"].id)
    review.status = ReviewStatus.HELD
    session.commit()
    page = planner.page("who-comes")
    assert page.status_code == 200
    assert "Your next meeting isn" in page.text
    assert planner.page("my-plan").status_code == 200


# --- Autosave -----------------------------------------------------------------------------


def test_autosave_saves_without_finishing_the_step_and_answers_json(planner, session, on_tablet):
    response = planner.post("the-room", {"room": ["music"]}, autosave=True)
    assert response.status_code == 200
    assert response.json == {"saved": True, "version": 1, "message": "Saved"}
    plan = plan_of(session, on_tablet)
    assert plan.room == ["music"]
    assert plan.steps_done == []
    # The next autosave carries the version it was given.
    response = planner.post("the-room", {"room": ["music", "quiet"]}, autosave=True, version="1")
    assert response.json["version"] == 2


def test_autosave_of_a_too_long_answer_is_not_saved_and_says_so(planner, session, on_tablet):
    response = planner.post("the-room", {"room_other": "x" * 501}, autosave=True)
    assert response.status_code == 422
    assert response.json["saved"] is False
    assert plan_of(session, on_tablet) is None


# --- Two tablets --------------------------------------------------------------------------


def test_the_later_of_two_tablets_is_told_and_nothing_is_overwritten(planner, session, on_tablet):
    loaded = planner.page("food-and-drink")  # both tablets load the step at version 0
    assert version_from(loaded.text) == "0"
    first = planner.post("food-and-drink", {"food": ["pizza"]}, page=loaded, go="next")
    assert first.status_code == 302
    second = planner.post(
        "food-and-drink", {"food": ["fruit"], "diet": "Vegan"}, page=loaded, go="next"
    )
    assert second.status_code == 409
    assert "This was changed on another tablet a moment ago" in second.text
    assert "What it says now" in second.text
    # What is saved now is shown, and the later tablet's answer is still in the form.
    now = second.text.split("What it says now")[1].split("Your answer is below")[0]
    assert "Pizza" in now
    assert is_checked(second.text, "food", "fruit")
    assert not is_checked(second.text, "food", "pizza")
    assert "Vegan" in second.text
    plan = plan_of(session, on_tablet)
    assert plan.food == ["pizza"]
    assert plan.diet == ""
    # Saving again from the conflict page (which carries the new version) works.
    again = planner.post(
        "food-and-drink", {"food": ["fruit"], "diet": "Vegan"}, page=second, go="next"
    )
    assert again.status_code == 302
    assert plan_of(session, on_tablet).food == ["fruit"]


def test_a_stale_save_of_the_same_answers_or_of_another_step_is_not_a_clash(planner):
    food = planner.page("food-and-drink")
    room = planner.page("the-room")
    planner.post("food-and-drink", {"food": ["pizza"]}, page=food, go="next")
    # Same answers as now saved: nothing would be lost, so no clash.
    assert (
        planner.post("food-and-drink", {"food": ["pizza"]}, page=food, go="next").status_code == 302
    )
    # Another step saved from a page loaded earlier: no clash either.
    assert planner.post("the-room", {"room": ["quiet"]}, page=room, go="next").status_code == 302


def test_autosave_from_the_later_tablet_gets_a_conflict_in_json(planner):
    loaded = planner.page("food-and-drink")
    planner.post("food-and-drink", {"food": ["pizza"]}, page=loaded, autosave=True)
    response = planner.post("food-and-drink", {"food": ["crisps"]}, page=loaded, autosave=True)
    assert response.status_code == 409
    assert response.json["conflict"] is True
    assert "changed on another tablet" in response.json["message"]
    # Not "here is what it says now": only the button's page shows it (QA).
    assert "press “Save and go on” to see what it says now" in response.json["message"]


def test_a_timed_out_page_keeps_the_answers_and_saves_nothing(planner, session, on_tablet):
    response = planner.post(
        "food-and-drink", {"food": ["crisps"], "diet": "Gluten free"}, csrf_token="expired"
    )
    assert response.status_code == 200
    assert "This page timed out, so nothing was saved yet" in response.text
    assert "Gluten free" in response.text
    assert is_checked(response.text, "food", "crisps")
    assert plan_of(session, on_tablet) is None


def test_a_staff_answer_shows_on_its_step_and_the_summary(planner, session, on_tablet, keyworker):
    planner.post("food-and-drink", {"food": ["pizza"]}, go="next")
    plan = plan_of(session, on_tablet)
    service.decide(
        session,
        plan,
        DecisionTopic.FOOD,
        None,
        DecisionOutcome.NOT_POSSIBLE,
        "The meeting room has no oven, so we will bring sandwiches.",
        session.get(StaffMember, keyworker.id),
        0,
    )
    for step in ("food-and-drink", "my-plan"):
        page = planner.page(step).text
        assert "Your keyworker said:" in page
        assert "Not this time, sorry." in page
        assert "no oven, so we will bring sandwiches" in page
    assert "Your keyworker said:" not in planner.page("the-room").text


def test_typed_words_and_answers_keep_their_own_direction(planner, on_tablet):
    """English typed on an Arabic page (or the other way round) is set out in its own direction:
    the boxes let the browser decide from the words (dir="auto"), the plan's answers are isolated
    (<bdi>) on a line that keeps the page's direction, beside their label."""
    planner.post("taking-part", {"communication": "Pictures help me"})
    page = planner.page("taking-part").text
    assert re.search(r'<textarea[^>]*dir="auto"[^>]*id="communication"', page)
    assert re.search(r'<input[^>]*dir="auto"[^>]*id="interpreter_language"', page)
    assert "<dd><bdi>Pictures help me</bdi></dd>" in planner.page("my-plan").text


def test_every_page_says_the_same_about_who_sees_the_plan(client, on_tablet):
    """'Nothing you write here is shared' on My page, 'the people who plan your meeting' on
    others, and a manager reads the plan too: each page now names who sees it, the same way
    (QA)."""
    said = "Your keyworker, social worker and IRO, and their managers,"
    for path in ("/me/plan/who-comes", "/me/plan/my-plan"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert said in page.text.replace("&#39;", "'"), path


def test_answers_are_kept_without_control_characters(planner, session, on_tablet):
    """Stored as typed, they printed as boxes in the IRO's PDF (QA: "a▯b▯c")."""
    planner.post("food-and-drink", {"diet": "a\x01b\x1bc\x0bd\x7fe"}, go="next")
    assert plan_of(session, on_tablet).diet == "abcde"


def test_an_autosave_whose_answer_was_lost_is_no_clash_for_the_next(planner, session, on_tablet):
    """Weak wifi: the first autosave was saved but its answer (the new version) never came
    back; the next one, with the old version, was "changed on another tablet", autosave stopped,
    and what was typed after was lost at the break (QA)."""
    page = planner.page("where-and-when")
    key = key_from(page.text)
    planner.post("where-and-when", {"avoid": "Not on a"}, page=page, autosave=True, form_key=key)
    later = planner.post(
        "where-and-when", {"avoid": "Not on a Friday"}, page=page, autosave=True, form_key=key
    )
    assert later.status_code == 200 and later.json["saved"] is True
    assert plan_of(session, on_tablet).avoid == "Not on a Friday"
    # Another page (another tablet) with the old version is still told.
    other = planner.post("where-and-when", {"avoid": "Mondays"}, page=page, autosave=True)
    assert other.status_code == 409


def test_answers_typed_after_a_clash_are_held_for_the_page(planner, session, on_tablet):
    page = planner.page("where-and-when")
    planner.post("where-and-when", {"avoid": "Mondays"}, page=page, autosave=True)
    clash = planner.post("where-and-when", {"avoid": "Not Friday"}, page=page, autosave=True)
    assert clash.status_code == 409
    held = planner.client.post(
        "/me/plan/where-and-when",
        data={"csrf_token": csrf_from(page.text), "version": "0", "avoid": "Not Friday please"},
        headers={"X-Autosave": "1", "X-Hold": "1"},
    )
    assert held.status_code == 202
    assert plan_of(session, on_tablet).avoid == "Mondays"
    assert "Not Friday please" in planner.page("where-and-when").text
