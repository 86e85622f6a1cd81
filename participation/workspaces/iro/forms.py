"""Forms of the IRO's pages. Several share the outcome page, each with its own prefix."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired

from ...forms import KEEP_THIS_DATE, FormKeyField
from ...timetable.forms import DayField, RecordHeldForm, TimetableDateForm
from .words import CODES, IN_MEETING, KINDS, MEETING_WAYS, OWNERS, PRESENCE, VIEWS_AWAY

E = TypeVar("E", bound=StrEnum)
INVALID_DATE = _l("Enter a real date, for example 2026-11-23")


def _choices(labels: Mapping[E, LazyString]) -> list[SelectChoice]:
    return [SelectChoice(code.value, words) for code, words in labels.items()]


class MeetingForm(FlaskForm):
    met_on = DayField(_l("When"), invalid=INVALID_DATE, required=_l("Enter the date"))
    way = RadioField(_l("How"), choices=_choices(MEETING_WAYS), validate_choice=False)
    note = TextAreaField(_l("A note for the record (optional)"))


class VersionedForm(FlaskForm):
    version = HiddenField()


class TakingPartForm(VersionedForm):
    presence = RadioField(
        _l("Did the child come to the review?"), choices=_choices(PRESENCE), validate_choice=False
    )
    in_meeting = RadioField(
        _l("If they came: how did they take part?"),
        choices=_choices(IN_MEETING),
        validate_choice=False,
    )
    views_away = RadioField(
        _l("If they did not come: how were their views heard?"),
        choices=_choices(VIEWS_AWAY),
        validate_choice=False,
    )


class CodeForm(VersionedForm):
    code = RadioField(_l("Participation code"), choices=_choices(CODES), validate_choice=False)
    note = TextAreaField(_l("Why a different code from the one suggested"))


class DecisionForm(VersionedForm, TimetableDateForm):
    kind = RadioField(_l("Decision or action"), choices=_choices(KINDS), validate_choice=False)
    text = TextAreaField(_l("In plain words"))
    child_text = TextAreaField(_l("For the child, in words they will understand"))
    in_person = BooleanField(_l("Tell the child in person, not on their tablet"))
    teller_staff = SelectField(_l("Who will tell them"), validate_choice=False)
    owner = RadioField(_l("Whose it is"), choices=_choices(OWNERS), validate_choice=False)
    owner_staff = SelectField(_l("Member of staff"), validate_choice=False)
    owner_name = StringField(_l("Their name"))
    due_on = DayField(_l("Due by"), invalid=INVALID_DATE)
    keep_date = BooleanField(KEEP_THIS_DATE)
    warned_day = HiddenField()
    form_key = FormKeyField()

    day_name = "due_on"
    # Asked, not refused: an action for a children's home may well be due at a weekend.
    not_working_means = _l("Check the date: whoever does it may not be working then.")


class CirculateForm(TimetableDateForm):
    """Circulating records the review as held if it is not yet: the same "Keep this date" as
    recording it held on the timetable, for the same days (the timetable's service asks)."""

    held_on = DayField(_l("The day the review was held"), invalid=INVALID_DATE)
    keep_date = BooleanField(KEEP_THIS_DATE)
    warned_day = HiddenField()
    # Circulating cannot be undone and the child reads the words at once: one press made it
    # happen (QA), so the IRO says first that they checked.
    checked = BooleanField(
        _l("I have checked each decision, and the words for the child"),
        validators=[
            InputRequired(
                message=_l("Tick the box once you have checked each decision and the words.")
            )
        ],
    )

    day_name = "held_on"
    not_working_means = RecordHeldForm.not_working_means


class DoneForm(FlaskForm):
    """Marking an action done, on the page that asks first: a few words for the child."""

    note = TextAreaField(_l("What to tell the child (optional)"))
    back = HiddenField()


class RemoveForm(VersionedForm):
    """ "Remove it" on the page that asks first. The decision's version is the confirmation: a
    post without it (a one-click button on an old page) only asks, and one from before a change
    asks again."""
