"""Words for the report's sections: the profession's on staff pages, a child's on /me/report
("family time", never "contact"; "where I live", never "placement")."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ...models import ReportReaction, ReportSection

STAFF_TITLES: dict[ReportSection, LazyString] = {
    ReportSection.HOME: _l("Home"),
    ReportSection.EDUCATION: _l("Education"),
    ReportSection.HEALTH: _l("Health"),
    ReportSection.FAMILY_TIME: _l("Family time"),
    ReportSection.ACTIVITIES: _l("Activities"),
    ReportSection.WELLBEING: _l("Wellbeing and behaviour"),
    ReportSection.PROGRESS: _l("Progress"),
}

STAFF_HINTS: dict[ReportSection, LazyString] = {
    ReportSection.HOME: _l(
        "Life at the home: routines, relationships with staff and other young people."
    ),
    ReportSection.EDUCATION: _l("School or college: attendance, learning, the PEP."),
    ReportSection.HEALTH: _l("Physical and emotional health, appointments, the Health Plan."),
    ReportSection.FAMILY_TIME: _l("Time with family and friends, and how it went."),
    ReportSection.ACTIVITIES: _l("Clubs, hobbies, trips, things they enjoy."),
    ReportSection.WELLBEING: _l(
        "How they have been feeling, and behaviour, in words that keep their dignity."
    ),
    ReportSection.PROGRESS: _l("The main changes and progress since the last review."),
}

CHILD_TITLES: dict[ReportSection, LazyString] = {
    ReportSection.HOME: _l("Where I live"),
    ReportSection.EDUCATION: _l("School and learning"),
    ReportSection.HEALTH: _l("Health"),
    ReportSection.FAMILY_TIME: _l("Family time"),
    ReportSection.ACTIVITIES: _l("Things I do"),
    ReportSection.WELLBEING: _l("How I'm feeling"),
    ReportSection.PROGRESS: _l("How I'm getting on"),
}

STAFF_REACTIONS: dict[ReportReaction, LazyString] = {
    ReportReaction.AGREE: _l("Agrees"),
    ReportReaction.DISAGREE: _l("Disagrees"),
}

CHILD_REACTIONS: dict[ReportReaction, LazyString] = {
    ReportReaction.AGREE: _l("I agree"),
    ReportReaction.DISAGREE: _l("I don't agree"),
}

CHILD_REACTION_ICONS: dict[str, str] = {
    ReportReaction.AGREE.value: "img/plan/yes.svg",
    ReportReaction.DISAGREE.value: "img/plan/no.svg",
}

PROBLEMS: dict[str, LazyString] = {
    "too-long": _l("That is too long: keep it under %(max)d characters."),
    "empty": _l("Write something in at least one section."),
    "month-exists": _l("There is already a summary for that month: change that one instead."),
    "month-future": _l("Choose this month or one before it."),
    "month-unknown": _l("Choose a month from the list."),
    "not-shared": _l("Share this version with the child before you send it."),
    "taken-back": _l(
        "Something in the child's words in this report is not shared with everyone who reads "
        "it: take it out before you send it (the report shows where)."
    ),
    "already-sent": _l(
        "This version has been sent already. Change the report to send a new version."
    ),
    "already-shared": _l("This version is already shared with the child."),
    "review-held": _l(
        "The review has been held, so the child can no longer read this report on their own page."
    ),
    "no-review": _l("There is no review coming up to write a report for."),
    "empty-note": _l("Write the note first."),
    "nothing-said": _l("Choose “I agree” or “I don't agree”, or write something."),
}


def problem(code: str, **params: object) -> str:
    """The words for a service's InputProblem code."""
    message = PROBLEMS.get(code)
    return str(message) % params if message is not None and params else str(message or code)
