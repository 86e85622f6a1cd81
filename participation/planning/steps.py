"""The six steps of "Planning my meeting", and the words a child sees for every choice.

Children's words only: "my meeting", "family time", never "LAC", "placement" or "care plan".
Every choice has an icon and words (icons are never alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..models import (
    AgeBand,
    Answer,
    Attendance,
    Chairing,
    ChecklistCode,
    DecisionOutcome,
    DecisionTopic,
    Food,
    MeetingTime,
    NetworkRole,
    Place,
    Role,
    RoomNeed,
    Wish,
)


@dataclass(frozen=True)
class Step:
    slug: str
    title: LazyString
    # The plan's columns this step answers (who-comes answers people, my-plan answers nothing).
    fields: tuple[str, ...]
    # What a staff answer to this step is about, if anything.
    topic: DecisionTopic | None = None


WHO_COMES = "who-comes"
TAKING_PART = "taking-part"
WHERE_AND_WHEN = "where-and-when"
FOOD_AND_DRINK = "food-and-drink"
THE_ROOM = "the-room"
MY_PLAN = "my-plan"

STEPS: tuple[Step, ...] = (
    Step(WHO_COMES, _l("Who I'd like to come"), (), DecisionTopic.WHO),
    Step(
        TAKING_PART,
        _l("How I'll take part"),
        (
            "attendance",
            "attendance_parts",
            "chairing",
            "meet_iro_first",
            "meet_iro_when",
            "advocate",
            "interpreter",
            "interpreter_language",
            "communication",
        ),
        DecisionTopic.TAKING_PART,
    ),
    Step(WHERE_AND_WHEN, _l("Where and when"), ("place", "place_other", "times", "avoid")),
    Step(FOOD_AND_DRINK, _l("Food and drink"), ("food", "food_other", "diet"), DecisionTopic.FOOD),
    Step(
        THE_ROOM,
        _l("The room"),
        ("room", "seating", "break_signal", "bring_who", "room_other"),
        DecisionTopic.ROOM,
    ),
    Step(MY_PLAN, _l("My meeting plan"), ()),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
SLUGS = tuple(step.slug for step in STEPS)

# How much a child may write in each box. Over the limit, the words stay on the page and the child
# is asked kindly to make it shorter; nothing is cut off.
TEXT_LIMITS: dict[str, int] = {
    "attendance_parts": 500,
    "meet_iro_when": 300,
    "interpreter_language": 100,
    "communication": 500,
    "place_other": 300,
    "avoid": 500,
    "food_other": 300,
    "diet": 500,
    "seating": 300,
    "break_signal": 300,
    "bring_who": 300,
    "room_other": 500,
    "part": 300,
    "why": 500,
    "new_name": 100,
    "new_who": 100,
    "reason": 500,
    "venue": 300,
}

# Columns holding one code, and the allowlist each code must come from.
SINGLE_CHOICES: dict[str, type[StrEnum]] = {
    "attendance": Attendance,
    "chairing": Chairing,
    "meet_iro_first": Answer,
    "advocate": Answer,
    "interpreter": Answer,
    "place": Place,
}
# Columns holding a list of codes.
MULTI_CHOICES: dict[str, type[StrEnum]] = {
    "times": MeetingTime,
    "food": Food,
    "room": RoomNeed,
}


@dataclass(frozen=True)
class Choice:
    """One choice card: the stored code, the words, and the picture beside them."""

    code: str
    words: LazyString
    icon: str  # a path under static/


def _plan_icon(name: str) -> str:
    return f"img/plan/{name}.svg"


WISHES: tuple[Choice, ...] = (
    Choice(Wish.YES, _l("Yes please"), _plan_icon("yes")),
    Choice(Wish.PART, _l("Just for part of it"), _plan_icon("part")),
    Choice(Wish.WRITTEN, _l("Send their thoughts in writing"), _plan_icon("written")),
    Choice(Wish.NO, _l("No thanks"), _plan_icon("no")),
    Choice(Wish.UNSET, _l("I'm not sure yet"), _plan_icon("not-sure")),
)
# The IRO always comes and chairs (unless the child co-chairs): no "No thanks" for them, and
# no "in writing" either, since they run the meeting.
IRO_WISHES: tuple[Choice, ...] = tuple(
    choice for choice in WISHES if choice.code not in (Wish.NO, Wish.WRITTEN)
)

ATTENDANCE: tuple[Choice, ...] = (
    Choice(Attendance.ALL, _l("Come to all of it"), _plan_icon("all")),
    Choice(Attendance.SOME, _l("Come to some of it"), _plan_icon("part")),
    Choice(Attendance.VIEWS_ONLY, _l("Not come, but send my views"), _plan_icon("views")),
)
CHAIRING: tuple[Choice, ...] = (
    Choice(Chairing.IRO, _l("My IRO runs it"), _plan_icon("iro")),
    Choice(Chairing.CO_CHAIR, _l("I run it with my IRO"), _plan_icon("co-chair")),
    Choice(Chairing.CHAIR, _l("I run it myself"), _plan_icon("chair")),
)
ANSWERS: tuple[Choice, ...] = (
    Choice(Answer.YES, _l("Yes"), _plan_icon("yes")),
    Choice(Answer.NO, _l("No"), _plan_icon("no")),
    Choice(Answer.NOT_SURE, _l("Not sure"), _plan_icon("not-sure")),
)
PLACES: tuple[Choice, ...] = (
    Choice(Place.HOME, _l("My home"), _plan_icon("home")),
    Choice(Place.SCHOOL, _l("My school"), _plan_icon("school")),
    Choice(Place.ELSEWHERE, _l("Somewhere else"), _plan_icon("elsewhere")),
)
TIMES: tuple[Choice, ...] = (
    Choice(MeetingTime.AFTER_SCHOOL, _l("After school"), _plan_icon("after-school")),
    Choice(MeetingTime.WEEKEND, _l("At the weekend"), _plan_icon("weekend")),
    Choice(MeetingTime.HOLIDAYS, _l("In the school holidays"), _plan_icon("holidays")),
    Choice(MeetingTime.MORNING, _l("In the morning"), _plan_icon("morning")),
    Choice(MeetingTime.AFTERNOON, _l("In the afternoon"), _plan_icon("afternoon")),
)
FOOD: tuple[Choice, ...] = tuple(
    Choice(code, words, f"img/food/{code.value}.svg")
    for code, words in (
        (Food.FRUIT, _l("Fruit")),
        (Food.BISCUITS, _l("Biscuits")),
        (Food.SANDWICHES, _l("Sandwiches")),
        (Food.CRISPS, _l("Crisps")),
        (Food.PIZZA, _l("Pizza")),
        (Food.WATER, _l("Water")),
        (Food.JUICE, _l("Juice")),
        (Food.HOT_CHOCOLATE, _l("Hot chocolate")),
    )
)
ROOM: tuple[Choice, ...] = (
    Choice(RoomNeed.QUIET, _l("A quiet room"), _plan_icon("quiet")),
    Choice(RoomNeed.SOFT_LIGHTS, _l("Lights not too bright"), _plan_icon("soft-lights")),
    Choice(RoomNeed.NEAR_DOOR, _l("Sit near the door"), _plan_icon("near-door")),
    Choice(RoomNeed.NEXT_TO_SOMEONE, _l("Sit next to someone I choose"), _plan_icon("next-to")),
    Choice(RoomNeed.BREAKS, _l("Breaks when I need them"), _plan_icon("breaks")),
    Choice(RoomNeed.FIDGET, _l("Fidget things to hold"), _plan_icon("fidget")),
    Choice(RoomNeed.MUSIC, _l("Some music"), _plan_icon("music")),
    Choice(RoomNeed.PET, _l("Bring a pet"), _plan_icon("pet")),
    Choice(RoomNeed.PERSON, _l("Bring someone with me"), _plan_icon("person")),
)

CHOICES: dict[str, tuple[Choice, ...]] = {
    "attendance": ATTENDANCE,
    "chairing": CHAIRING,
    "meet_iro_first": ANSWERS,
    "advocate": ANSWERS,
    "interpreter": ANSWERS,
    "place": PLACES,
    "times": TIMES,
    "food": FOOD,
    "room": ROOM,
}


def choice_for(field: str, code: str | None) -> Choice | None:
    """The choice card a stored code was chosen on (None when nothing is chosen)."""
    if not code:
        return None
    choices = WISHES if field == "wish" else CHOICES[field]
    for choice in choices:
        if choice.code == code:
            return choice
    return None


# Words that go with one choice, and say nothing once another is chosen: "Where else" after the
# child picked "My home" again would reach the IRO as a reason the child took back (QA). They are
# kept (a child who changes back finds them as typed) and shown nowhere while the choice is
# otherwise; with nothing chosen they stand.
ONLY_WITH: dict[str, tuple[str, frozenset[str]]] = {
    "attendance_parts": ("attendance", frozenset({Attendance.SOME.value})),
    "meet_iro_when": ("meet_iro_first", frozenset({Answer.YES.value, Answer.NOT_SURE.value})),
    "interpreter_language": ("interpreter", frozenset({Answer.YES.value})),
    "place_other": ("place", frozenset({Place.ELSEWHERE.value})),
}


def answer_in_effect(plan: object, field: str) -> object:
    """A plan's answer as it stands: None for words that went with a choice no longer made."""
    value = getattr(plan, field)
    rule = ONLY_WITH.get(field)
    if rule is None or not value:
        return value
    chosen = getattr(plan, rule[0])
    return value if chosen is None or str(chosen.value) in rule[1] else None


def words_for(field: str, code: str | None) -> LazyString | None:
    """The child's words for a stored code (None when nothing is chosen)."""
    choice = choice_for(field, code)
    return choice.words if choice is not None else None


# What each person in a child's life does, in a child's words.
NETWORK_ROLE_WORDS: dict[NetworkRole, LazyString] = {
    NetworkRole.PARENT: _l("Part of your family."),
    NetworkRole.CARER: _l("Looks after you at home."),
    NetworkRole.TEACHER: _l("Helps you at school."),
    NetworkRole.HEALTH: _l("Helps you stay healthy."),
    NetworkRole.INDEPENDENT_VISITOR: _l(
        "Visits you and spends time with you. They are on your side."
    ),
    NetworkRole.PERSONAL_ADVISER: _l("Helps you get ready for when you are older."),
    NetworkRole.ADVOCATE: _l("Helps you say what you think, and makes sure you are listened to."),
    NetworkRole.OTHER: _l("Someone in your life."),
}
STAFF_ROLE_NAMES: dict[Role, LazyString] = {
    Role.KEYWORKER: _l("Your keyworker"),
    Role.SOCIAL_WORKER: _l("Your social worker"),
    Role.IRO: _l("Your IRO (Independent Reviewing Officer)"),
}
STAFF_ROLE_WORDS: dict[Role, LazyString] = {
    Role.KEYWORKER: _l("Looks after you at home and helps you get ready for your meeting."),
    Role.SOCIAL_WORKER: _l("Helps make your plan and checks you are safe and happy."),
    Role.IRO: _l("Makes sure your meeting listens to you. They always come."),
}
# A 4-7-year-old reads what an IRO is, rather than what the letters stand for.
YOUNG_STAFF_ROLE_NAMES: dict[Role, LazyString] = {Role.IRO: _l("Your IRO")}
YOUNG_STAFF_ROLE_WORDS: dict[Role, LazyString] = {
    Role.IRO: _l(
        "The grown-up who runs your meeting and makes sure everyone listens to you. "
        "They always come."
    ),
}


def staff_card_words(role: Role, band: AgeBand | None) -> tuple[LazyString, LazyString]:
    """Who a professional is and what they do, on the child's card, in words for their band."""
    if band == AgeBand.YOUNG:
        return (
            YOUNG_STAFF_ROLE_NAMES.get(role, STAFF_ROLE_NAMES[role]),
            YOUNG_STAFF_ROLE_WORDS.get(role, STAFF_ROLE_WORDS[role]),
        )
    return STAFF_ROLE_NAMES[role], STAFF_ROLE_WORDS[role]


# The drawing on each person's card (decorative: the card's heading says who it is).
PERSON_PICTURE = "img/plan/person.svg"
NETWORK_PICTURES: dict[NetworkRole, str] = {
    NetworkRole.PARENT: "img/topics/family-and-friends.svg",
    NetworkRole.CARER: "img/plan/home.svg",
    NetworkRole.TEACHER: "img/plan/school.svg",
    NetworkRole.HEALTH: "img/topics/health-and-feelings.svg",
}
STAFF_PICTURES: dict[Role, str] = {
    Role.KEYWORKER: "img/sharing/keyworker.svg",
    Role.SOCIAL_WORKER: "img/sharing/social-worker.svg",
    Role.IRO: "img/plan/iro.svg",
}

# Casework roles in the order their cards appear, after the people in the child's life.
STAFF_CARD_ORDER = (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
SOMEONE_ELSE_WORDS = _l("Someone you added.")

# "Your social worker said: ..." on the child's pages.
SAID_BY: dict[Role, LazyString] = {
    Role.KEYWORKER: _l("Your keyworker said:"),
    Role.SOCIAL_WORKER: _l("Your social worker said:"),
    Role.IRO: _l("Your IRO said:"),
}
SAID_BY_ANYONE = _l("Someone who helps plan your meeting said:")
OUTCOME_WORDS: dict[DecisionOutcome, LazyString] = {
    DecisionOutcome.AGREED: _l("Yes, that's OK."),
    DecisionOutcome.CHANGED: _l("Yes, but a bit differently."),
    DecisionOutcome.NOT_POSSIBLE: _l("Not this time, sorry."),
}

# Staff words (the profession's words belong on staff pages).
OUTCOME_LABELS: dict[DecisionOutcome, LazyString] = {
    DecisionOutcome.AGREED: _l("Agreed"),
    DecisionOutcome.CHANGED: _l("Agreed with a change (say what, for the child)"),
    DecisionOutcome.NOT_POSSIBLE: _l("Not possible (say why, for the child)"),
}
# An answer as a sentence, after "<name> answered:" in a review pack.
OUTCOME_SENTENCES: dict[DecisionOutcome, LazyString] = {
    DecisionOutcome.AGREED: _l("Agreed."),
    DecisionOutcome.CHANGED: _l("Agreed with a change."),
    DecisionOutcome.NOT_POSSIBLE: _l("Not possible."),
}
OUTCOME_SHORT: dict[DecisionOutcome, LazyString] = {
    DecisionOutcome.AGREED: _l("Agreed"),
    DecisionOutcome.CHANGED: _l("Agreed with a change"),
    DecisionOutcome.NOT_POSSIBLE: _l("Not possible"),
}
TOPIC_LABELS: dict[DecisionTopic, LazyString] = {
    DecisionTopic.WHO: _l("Who comes"),
    DecisionTopic.VENUE: _l("Where"),
    DecisionTopic.TIME: _l("When"),
    DecisionTopic.TAKING_PART: _l("How they take part"),
    DecisionTopic.FOOD: _l("Food and drink"),
    DecisionTopic.ROOM: _l("The room"),
}
CHECKLIST_LABELS: dict[ChecklistCode, LazyString] = {
    ChecklistCode.ROOM: _l("The room is ready"),
    ChecklistCode.CHAIRS: _l("Chairs set out"),
    ChecklistCode.REFRESHMENTS: _l("Food and drink ready"),
    ChecklistCode.BREAK_SIGNAL: _l("Break signal agreed and shared"),
    ChecklistCode.INTERPRETER: _l("Interpreter booked"),
    ChecklistCode.BRINGING: _l("Pet or person coming with the child"),
}
