"""The rules of planning, without a database: progress, allowlists, limits, staff answers, the
checklist for the day."""

from __future__ import annotations

from datetime import date

import pytest

from participation.models import (
    Answer,
    ChecklistCode,
    Child,
    DecisionOutcome,
    DecisionTopic,
    MeetingPlan,
    PlacementType,
    PlanDecision,
    PlanInvitee,
    Review,
    Role,
    StaffMember,
    Wish,
)
from participation.models.planning import checked_codes
from participation.planning import service, steps
from participation.planning.service import PlanInputError, UnknownPerson


def blank() -> MeetingPlan:
    child = Child(
        id=1,
        legal_name="A Child",
        preferred_name="Ash",
        date_of_birth=date(2015, 1, 1),
        became_looked_after=date(2024, 1, 1),
        placement_type=PlacementType.RESIDENTIAL,
    )
    review = Review(id=1, child_id=1, number=1, due_on=date(2026, 12, 1))
    return MeetingPlan.blank(child, review)


# --- Progress -------------------------------------------------------------------------------


def test_no_plan_means_nothing_done_out_of_six():
    progress = service.progress(None)
    assert (progress.done, progress.total, progress.complete) == (0, 6, False)


def test_progress_counts_finished_steps_once_and_ignores_anything_else():
    plan = blank()
    plan.steps_done = ["food-and-drink", "who-comes", "food-and-drink", "not-a-step"]
    progress = service.progress(plan)
    assert progress.done == 2
    assert progress.done_steps == {"food-and-drink", "who-comes"}


def test_all_six_done_is_complete():
    plan = blank()
    plan.steps_done = list(steps.SLUGS)
    assert service.progress(plan).complete


def test_carry_on_at_the_first_step_not_done_or_the_summary():
    plan = blank()
    assert service.where_to_carry_on(plan) == "who-comes"
    plan.steps_done = ["who-comes", "taking-part", "food-and-drink"]
    assert service.where_to_carry_on(plan) == "where-and-when"
    plan.steps_done = list(steps.SLUGS)
    assert service.where_to_carry_on(plan) == "my-plan"


def test_steps_go_in_order_with_a_way_back():
    assert service.step_before("who-comes") is None
    assert service.step_after("who-comes") == "taking-part"
    assert service.step_before("my-plan") == "the-room"
    assert service.step_after("my-plan") is None


# --- Allowlists and limits -------------------------------------------------------------------


def test_answers_are_cleaned_into_allowlisted_codes_in_a_fixed_order():
    clean = service.clean_answers(
        "where-and-when",
        {"place": "home", "times": ["weekend", "after-school", "weekend"], "avoid": "  Fridays "},
    )
    assert clean == {
        "place": "home",
        "place_other": "",
        "times": ["after-school", "weekend"],
        "avoid": "Fridays",
    }


@pytest.mark.parametrize(
    ("slug", "posted", "field"),
    [
        ("where-and-when", {"place": "the-moon"}, "place"),
        ("where-and-when", {"times": ["midnight"]}, "times"),
        ("food-and-drink", {"food": ["fruit", "wine"]}, "food"),
        ("the-room", {"room": ["quiet", "fireworks"]}, "room"),
        ("taking-part", {"chairing": "mum"}, "chairing"),
    ],
)
def test_a_code_not_on_the_allowlist_is_refused(slug, posted, field):
    with pytest.raises(PlanInputError) as refused:
        service.clean_answers(slug, posted)
    assert (refused.value.field, refused.value.code) == (field, "not-a-choice")


def test_text_over_its_limit_is_refused_not_cut():
    limit = steps.TEXT_LIMITS["diet"]
    assert service.clean_answers("food-and-drink", {"diet": "x" * limit})["diet"] == "x" * limit
    with pytest.raises(PlanInputError) as refused:
        service.clean_answers("food-and-drink", {"diet": "x" * (limit + 1)})
    assert refused.value.code == "too-long"


def test_the_model_itself_refuses_codes_off_the_allowlist():
    plan = blank()
    plan.food = ["water", "pizza", "water"]
    assert plan.food == ["pizza", "water"]
    with pytest.raises(ValueError):
        plan.room = ["quiet", "disco"]
    with pytest.raises(ValueError):
        checked_codes("pizza", steps.MULTI_CHOICES["food"], "food")


def test_every_choice_has_words_and_an_icon_and_every_code_a_choice():
    for field, enum in {**steps.SINGLE_CHOICES, **steps.MULTI_CHOICES}.items():
        choices = steps.CHOICES[field]
        assert {c.code for c in choices} == {m.value for m in enum}, field
        for choice in choices:
            assert str(choice.words)
            assert choice.icon.endswith(".svg")


def test_the_iro_card_offers_no_no_thanks():
    codes = {c.code for c in steps.IRO_WISHES}
    assert Wish.NO not in codes
    assert Wish.YES in codes


def test_every_step_field_is_a_plan_column_with_a_rule():
    for step in steps.STEPS:
        for name in step.fields:
            assert hasattr(MeetingPlan, name)
            assert (
                name in steps.SINGLE_CHOICES
                or name in steps.MULTI_CHOICES
                or name in steps.TEXT_LIMITS
            ), name


# --- Staff answers --------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [DecisionOutcome.CHANGED, DecisionOutcome.NOT_POSSIBLE])
def test_a_wish_not_agreed_needs_a_reason_for_the_child(outcome):
    staff = StaffMember(id=1, role=Role.SOCIAL_WORKER)
    with pytest.raises(PlanInputError) as refused:
        service.decide(None, blank(), DecisionTopic.FOOD, None, outcome, "   ", staff, 0)  # type: ignore[arg-type]
    assert (refused.value.field, refused.value.code) == ("reason", "needed")


def test_a_reason_over_its_limit_is_refused():
    staff = StaffMember(id=1, role=Role.IRO)
    with pytest.raises(PlanInputError):
        service.decide(
            None,  # type: ignore[arg-type]
            blank(),
            DecisionTopic.ROOM,
            None,
            DecisionOutcome.NOT_POSSIBLE,
            "x" * 501,
            staff,
            0,
        )


def test_only_caseworkers_answer():
    assert service.may_answer(Role.KEYWORKER)
    assert service.may_answer(Role.SOCIAL_WORKER)
    assert service.may_answer(Role.IRO)
    assert not service.may_answer(Role.MANAGER)
    assert not service.may_answer(Role.ADMIN)


def test_subjects_name_a_topic_or_a_person_on_this_plan():
    plan = blank()
    mum = PlanInvitee(public_id="abc", wish=Wish.YES, name="")
    undecided = PlanInvitee(public_id="def", wish=Wish.UNSET, name="")
    plan.invitees = [mum, undecided]
    assert service.resolve_subject(plan, "food") == (DecisionTopic.FOOD, None)
    assert service.resolve_subject(plan, "who-abc") == (DecisionTopic.WHO, mum)
    for subject in ("who-def", "who-zzz", "who", "weather"):
        with pytest.raises(UnknownPerson):
            service.resolve_subject(plan, subject)


def test_the_child_reads_an_answer_in_their_own_words():
    decision = PlanDecision(
        outcome=DecisionOutcome.NOT_POSSIBLE,
        reason_for_child="The office is closed on Saturdays.",
        decided_by=StaffMember(role=Role.SOCIAL_WORKER),
    )
    words = service.for_child(decision)
    assert words is not None
    assert str(words.said_by) == "Your social worker said:"
    assert str(words.outcome) == "Not this time, sorry."
    assert words.reason == "The office is closed on Saturdays."
    assert service.for_child(None) is None


def test_a_change_of_mind_after_an_answer_shows():
    invitee = PlanInvitee(wish=Wish.NO)
    decision = PlanDecision(invitee=invitee, answered_wish="yes")
    assert service.wish_changed_since(decision)
    decision.answered_wish = "no"
    assert not service.wish_changed_since(decision)


# --- The day --------------------------------------------------------------------------------


def test_the_checklist_always_has_the_room_chairs_food_and_break_signal():
    codes = [line.code for line in service.checklist(blank())]
    assert codes == [
        ChecklistCode.ROOM,
        ChecklistCode.CHAIRS,
        ChecklistCode.REFRESHMENTS,
        ChecklistCode.BREAK_SIGNAL,
    ]


def test_the_checklist_follows_the_plan():
    plan = blank()
    plan.interpreter = Answer.YES
    plan.interpreter_language = "Dari"
    plan.room = ["quiet", "pet"]
    plan.bring_who = "Biscuit the dog"
    plan.food = ["fruit"]
    plan.diet = "No nuts"
    plan.break_signal = "Red card"
    lines = {line.code: [str(d) for d in line.details] for line in service.checklist(plan)}
    assert lines[ChecklistCode.INTERPRETER] == ["Dari"]
    assert lines[ChecklistCode.BRINGING] == ["Biscuit the dog"]
    assert lines[ChecklistCode.REFRESHMENTS] == ["Fruit", "No nuts"]
    assert lines[ChecklistCode.BREAK_SIGNAL] == ["Red card"]
    assert lines[ChecklistCode.ROOM] == ["A quiet room"]
