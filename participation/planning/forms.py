"""Forms for the child's planning steps and for staff answering the plan.

Messages to the child are kind and say that nothing they wrote is lost. There is no `maxlength`
on any box: a long answer stays on the page and the child is asked to make it shorter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Self

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import CHILD_COUNT, CHILD_TOO_LONG, FormKeyField, KeepDateForm, NoLongerThan
from ..models import AgeBand, DecisionOutcome
from . import steps
from .service import DayWarning
from .steps import TEXT_LIMITS, Choice

TOO_LONG = CHILD_TOO_LONG
NOT_A_CHOICE = _l(
    "Something went wrong with that choice. Please choose again. "
    "Everything else you wrote is still here."
)


def _limit(name: str) -> NoLongerThan:
    return NoLongerThan(TEXT_LIMITS[name], TOO_LONG, CHILD_COUNT)


def choices_of(options: Sequence[Choice]) -> list[SelectChoice]:
    return [SelectChoice(str(option.code), option.words) for option in options]


class KindRadioField(RadioField):
    """A radio group that may be left empty, with a kind message for a value not offered."""

    def pre_validate(self, form: Any) -> None:
        value = getattr(self, "data", None)  # wtforms leaves `data` untyped
        if value in (None, ""):
            self.data = None
            return
        if value not in {choice.value for choice in self.iter_choices()}:
            raise ValidationError(NOT_A_CHOICE)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes: choose as many as you like (rendered as cards on child pages)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        allowed = {choice.value for choice in self.iter_choices()}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(NOT_A_CHOICE)


class StepForm(FlaskForm):
    # The step's version when the page was loaded (the two-tablet check).
    version = HiddenField()
    # This page's own: its save sent again (an answer lost on weak wifi, a double press) is not
    # taken for another tablet's (service.save_step), nor adds a person twice.
    form_key = FormKeyField()
    # Plainer questions for 4-7s (the band the keyworker chose, or the child's age): a field not
    # named here asks every child the same. Its words under the question are in the template.
    young_labels: ClassVar[dict[str, LazyString]] = {}

    def in_words_for(self, band: AgeBand) -> Self:
        if band == AgeBand.YOUNG:
            for name, words in self.young_labels.items():
                getattr(self, name).label.text = words
        return self

    def loaded_version(self) -> int:
        value = self.version.data or ""
        return int(value) if value.isdigit() else -1

    def answers(self, names: Sequence[str]) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in names}


class TakingPartForm(StepForm):
    attendance = KindRadioField(
        _l("Would you like to come to your meeting?"), choices=choices_of(steps.ATTENDANCE)
    )
    attendance_parts = TextAreaField(
        _l("Which parts would you like to come to?"), validators=[_limit("attendance_parts")]
    )
    chairing = KindRadioField(
        _l("Who would you like to run your meeting?"), choices=choices_of(steps.CHAIRING)
    )
    meet_iro_first = KindRadioField(
        _l("Would you like to meet your IRO on your own first?"),
        choices=choices_of(steps.ANSWERS),
    )
    meet_iro_when = StringField(
        _l("When would suit you to meet them?"), validators=[_limit("meet_iro_when")]
    )
    advocate = KindRadioField(_l("Would you like an advocate?"), choices=choices_of(steps.ANSWERS))
    interpreter = KindRadioField(
        _l("Would you like an interpreter?"), choices=choices_of(steps.ANSWERS)
    )
    interpreter_language = StringField(
        _l("Which language?"), validators=[_limit("interpreter_language")]
    )
    communication = TextAreaField(
        _l("What helps you say what you think?"), validators=[_limit("communication")]
    )
    young_labels = {
        "meet_iro_first": _l(
            "Would you like to meet your IRO before the meeting, just you and them?"
        ),
        "advocate": _l("Would you like someone on your side to help you say what you think?"),
        "interpreter": _l("Would you like someone to help with your language?"),
    }


class WhereWhenForm(StepForm):
    place = KindRadioField(
        _l("Where would you like your meeting to be?"), choices=choices_of(steps.PLACES)
    )
    place_other = StringField(_l("Where else?"), validators=[_limit("place_other")])
    times = MultiCheckboxField(
        _l("When would suit you? Choose as many as you like."), choices=choices_of(steps.TIMES)
    )
    avoid = TextAreaField(
        _l("Are there places or times that don't work for you?"), validators=[_limit("avoid")]
    )
    young_labels = {"avoid": _l("Is there a place or a time you don't want?")}


class FoodForm(StepForm):
    food = MultiCheckboxField(
        _l("What would you like to eat and drink? Choose as many as you like."),
        choices=choices_of(steps.FOOD),
    )
    food_other = StringField(_l("Something else?"), validators=[_limit("food_other")])
    diet = TextAreaField(_l("Allergies, or food you don't eat"), validators=[_limit("diet")])
    young_labels = {"diet": _l("Is there any food you can't eat, or don't eat?")}


class RoomForm(StepForm):
    room = MultiCheckboxField(
        _l("What would help you feel comfortable? Choose as many as you like."),
        choices=choices_of(steps.ROOM),
    )
    seating = StringField(_l("Where would you like people to sit?"), validators=[_limit("seating")])
    break_signal = StringField(
        _l("How will you show you need a break?"), validators=[_limit("break_signal")]
    )
    bring_who = StringField(
        _l("Who or what would you like to bring?"), validators=[_limit("bring_who")]
    )
    room_other = TextAreaField(_l("Anything else?"), validators=[_limit("room_other")])
    young_labels = {"room": _l("What would help you feel comfy? Choose as many as you like.")}


class SummaryForm(StepForm):
    pass


class WishForm(Form):
    """One person's card (inside WhoComesForm; the CSRF token is the outer form's)."""

    key = HiddenField()
    wish = KindRadioField(_l("Would you like them to come?"), choices=choices_of(steps.WISHES))
    part = StringField(_l("Which part?"), validators=[_limit("part")])
    why = StringField(_l("Why? You don't have to say."), validators=[_limit("why")])
    remove = BooleanField(_l("Take them off my list"))

    def offer(self, codes: Sequence[str]) -> None:
        """Offer only these wishes (the IRO's card has no "No thanks")."""
        self.wish.choices = [
            SelectChoice(str(c.code), c.words) for c in steps.WISHES if c.code in codes
        ]


class WhoComesForm(StepForm):
    people = FieldList(FormField(WishForm), max_entries=200)
    new_name = StringField(_l("Their name"), validators=[_limit("new_name")])
    new_who = StringField(_l("Who are they to you?"), validators=[_limit("new_who")])


STEP_FORMS: dict[str, type[StepForm]] = {
    steps.TAKING_PART: TakingPartForm,
    steps.WHERE_AND_WHEN: WhereWhenForm,
    steps.FOOD_AND_DRINK: FoodForm,
    steps.THE_ROOM: RoomForm,
}


# --- Staff --------------------------------------------------------------------------------


class DecisionForm(FlaskForm):
    """A staff answer to one wish. Each form on the page has its own prefix (its subject)."""

    version = HiddenField()
    outcome = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice(outcome.value, steps.OUTCOME_LABELS[outcome])
            for outcome in DecisionOutcome
        ],
        # Checked in validate_outcome, with messages that say what to do.
        validate_choice=False,
    )
    reason = TextAreaField(
        _l("What to tell the child"),
        validators=[NoLongerThan(TEXT_LIMITS["reason"], _l("Keep it under 500 characters."))],
    )

    def validate_outcome(self, field: RadioField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose an answer"))
        if field.data not in {outcome.value for outcome in DecisionOutcome}:
            raise ValidationError(_l("Choose one of the answers shown"))

    def validate_reason(self, field: TextAreaField) -> None:
        if (
            self.outcome.data
            and self.outcome.data != DecisionOutcome.AGREED
            and not (field.data or "").strip()
        ):
            raise ValidationError(
                _l("Write a reason the child can read, in words they will understand")
            )

    def loaded_version(self) -> int:
        value = self.version.data or ""
        return int(value) if value.isdigit() else -1


PAST_DAY = _l("Date must be today or later")
DAY_WARNINGS = {
    DayWarning.WEEKEND: _l("%(date)s is a weekend, not a working day."),
    DayWarning.BANK_HOLIDAY: _l("%(date)s is a bank holiday, not a working day."),
    DayWarning.CLOSURE_DAY: _l("%(date)s is a council closure day, not a working day."),
    DayWarning.NIGHT: _l(
        "The meeting would start at %(time)s, at night. Check it is not a mistake for %(other)s."
    ),
    DayWarning.AFTER_DUE: _l(
        "%(date)s is after the date the review is due by (%(due)s): the review would be out "
        "of time."
    ),
    DayWarning.OVERDUE_AT_ONCE: _l(
        "A meeting on %(date)s leaves too little time for what has to happen before it. These "
        "tasks would be overdue at once: %(tasks)s."
    ),
}


class ArrangementForm(KeepDateForm):
    version = HiddenField()
    venue = StringField(
        _l("Where the meeting is"),
        validators=[NoLongerThan(TEXT_LIMITS["venue"], _l("Keep it under 300 characters."))],
    )
    day = DateField(_l("Date"), validators=[Optional()])
    time = TimeField(_l("Start time"), validators=[Optional()])
    # Shown only with a warning about the date or the time (see KeepDateForm).
    keep_date = BooleanField(_l("Keep this date and time"))
    warned_day = HiddenField()

    day_name = "day"
    keep_needed = _l(
        "Check the date and time: tick “Keep this date and time” to save them, or change them"
    )

    def warned_value(self) -> str | None:
        # The time too: a tick given for 03:00 does not let 04:00 through unseen.
        value = super().warned_value()
        if value is None or self.time.data is None:
            return value
        return f"{value}T{self.time.data:%H:%M}"

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() stops a field's own checks when it is empty, so the pair is checked here.
        if valid and bool(self.day.data) != bool(self.time.data):
            if self.day.data:
                self.time.errors = [_l("Enter a start time")]
            else:
                self.day.errors = [_l("Enter a date as well as a time")]
            return False
        return valid

    def loaded_version(self) -> int:
        value = self.version.data or ""
        return int(value) if value.isdigit() else -1


class ChecklistForm(FlaskForm):
    done = MultiCheckboxField(_l("Ready for the day"), validate_choice=False)
    # What was ticked when the page was loaded: only the changes made here are applied.
    loaded = HiddenField()
