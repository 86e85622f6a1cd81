"""Forms of the timetable pages, and the words for the service's input errors.

No ``maxlength`` on any box: the browser would cut off what someone pastes without a word. Too
long, the page keeps the words and says what is too long (`NoLongerThan`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, ClassVar

from flask_babel import LazyString, format_date, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, NumberRange, Optional

from ..forms import KEEP_THIS_DATE, KeepDateForm, NoLongerThan
from ..models import EventDecision, EventKind
from .labels import DECISIONS, EVENT_KINDS, NATIONS
from .rules import NATIONS as NATION_CODES
from .service import (
    ADJOURN_WORDS_MAX,
    CLOSURE_REASON_MAX,
    NOTE_MAX,
    DayToConfirm,
    DayWarning,
    InputError,
)


class DayField(DateField):
    """A date (YYYY-MM-DD, as a browser's date picker sends it) with our own words: ``invalid``
    when the text is not a date, ``required`` (if given) when the box is empty."""

    def __init__(
        self,
        label: Any = None,
        *,
        invalid: LazyString,
        required: LazyString | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, **kwargs)
        self.invalid = invalid
        self.required = required
        if required is not None:
            self.flags.required = True

    def process_formdata(self, valuelist: list[Any]) -> None:
        # Errors raised here are kept; a DataRequired validator would clear them.
        text = " ".join(valuelist).strip()
        self.data = None
        if not text:
            if self.required is not None:
                raise ValueError(str(self.required))
            return
        try:
            self.data = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            raise ValueError(str(self.invalid)) from None


# --- the dashboards' filters (a GET form: no CSRF token, nothing is changed) -----------------


class DashboardFiltersForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Show"),
        choices=[
            SelectChoice("outstanding", _l("Everything not done yet")),
            SelectChoice("overdue", _l("Overdue")),
            SelectChoice("due-today", _l("Due today")),
            SelectChoice("due-soon", _l("Due soon (next 5 working days)")),
            SelectChoice("upcoming", _l("Upcoming")),
            SelectChoice("missed", _l("Missed (not done before a meeting held)")),
            SelectChoice("done", _l("Done")),
            SelectChoice("done-late", _l("Done late (after the due date)")),
            SelectChoice("all", _l("Everything")),
        ],
        default="outstanding",
    )
    owner = SelectField(
        _l("Whose tasks"),
        choices=[
            SelectChoice("everyone", _l("Everyone's")),
            SelectChoice("mine", _l("Mine (my role's)")),
        ],
        default="everyone",
    )
    home = SelectField(_l("Home"), choices=[SelectChoice("", _l("All homes"))], default="")
    # A manager's only: the children of one keyworker, social worker or IRO.
    worker = SelectField(_l("Worker"), choices=[SelectChoice("", _l("Everyone"))], default="")
    window = SelectField(
        _l("Review date"),
        choices=[
            SelectChoice("", _l("Any time")),
            SelectChoice("28", _l("In the next 4 weeks")),
            SelectChoice("91", _l("In the next 3 months")),
            SelectChoice("182", _l("In the next 6 months")),
        ],
        default="",
    )
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(min=1)])


# --- a date that may be a typing mistake -----------------------------------------------------

# Why a date may be a mistake. A day that is not a working day is said the same on every form,
# and the form adds what that means for it (``not_working_means``).
NOT_WORKING = {
    DayWarning.WEEKEND: _l("%(date)s is a weekend."),
    DayWarning.BANK_HOLIDAY: _l("%(date)s is a bank holiday."),
    DayWarning.CLOSURE_DAY: _l("%(date)s is a council closure day."),
}
DAY_WARNINGS = {
    # A review held.
    DayWarning.WELL_BEFORE_MEETING: _l(
        "%(date)s is more than a week before the day the meeting was arranged for "
        "(%(meeting)s): check the date."
    ),
    # A task done.
    DayWarning.WELL_BEFORE_DUE: _l(
        "%(date)s is more than 8 weeks before this task is due (%(due)s). Tasks are rarely done "
        "that early: check the date, the year especially."
    ),
    # A review brought forward.
    DayWarning.MEETING_AFTER: _l(
        "The meeting is arranged for %(meeting)s, after %(date)s: the review would be out of "
        "time. Arrange an earlier meeting too."
    ),
    # A closure day.
    DayWarning.PAST: _l(
        "%(date)s has passed. Adding it may move due dates that have already passed: some "
        "tasks may become overdue, or stop being overdue."
    ),
}


class TimetableDateForm(KeepDateForm):
    """A timetable form whose date may be a typing mistake (the service raises DayToConfirm):
    the page says why on the date field. Each form says what a day that is not a working day
    means for it in ``not_working_means``."""

    not_working_means: ClassVar[LazyString]

    def ask_to_keep(self, asked: DayToConfirm) -> None:
        """Say why the date may be wrong (on the date field, so the error summary links to it)
        and ask for "Keep this date" to be ticked for this date."""
        day = getattr(self, self.day_name)
        assert day.data is not None
        params = {"date": day.data, **asked.params}
        day.errors = [" ".join(self._words(warning, params) for warning in asked.warnings)]
        self.ask_to_keep_date()

    def _words(self, warning: DayWarning, params: Mapping[str, Any]) -> str:
        if warning in NOT_WORKING:
            return f"{_filled(NOT_WORKING[warning], params)} {self.not_working_means}"
        if warning == DayWarning.OVERDUE_AT_ONCE:
            # A review brought forward: how many of its tasks it makes overdue.
            return ngettext(
                "Bringing the review forward to %(date)s makes %(num)d task overdue at once: "
                "it would be due before today. Check the date.",
                "Bringing the review forward to %(date)s makes %(num)d tasks overdue at once: "
                "they would be due before today. Check the date.",
                params["count"],
                date=written_day(params["date"]),
            )
        return _filled(DAY_WARNINGS[warning], params)


# --- actions -------------------------------------------------------------------------------


class MarkDoneForm(TimetableDateForm):
    done_on = DayField(
        _l("Date it was done"),
        invalid=_l("Date it was done must be a real date, written like 2026-11-23"),
        required=_l("Enter the date it was done"),
    )
    # Asked for just under the date it is about, and listed after it in the error summary.
    keep_date = BooleanField(KEEP_THIS_DATE)
    warned_day = HiddenField()
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[NoLongerThan(NOTE_MAX, _l("Note must be 500 characters or fewer"))],
    )
    version = HiddenField()
    next = HiddenField()

    day_name = "done_on"
    # No not_working_means: staff in children's homes work weekends and bank holidays, so the
    # service never asks about a task done on one.


class MarkNotDoneForm(FlaskForm):
    """Put a task marked done by mistake back to not done: the version the page showed, and
    where to go back to afterwards."""

    version = HiddenField()
    next = HiddenField()


class RecordEventForm(FlaskForm):
    kind = SelectField(
        _l("What happened"),
        choices=[SelectChoice("", _l("Choose one"))]
        + [SelectChoice(kind.value, EVENT_KINDS[kind]) for kind in EventKind],
        validators=[DataRequired(_l("Choose what happened from the list"))],
        validate_choice=False,  # the service checks the value, with our own message
    )
    occurred_on = DayField(
        _l("Date it happened"),
        invalid=_l("Date it happened must be a real date, written like 2026-11-23"),
        required=_l("Enter the date it happened"),
    )
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[NoLongerThan(NOTE_MAX, _l("Note must be 500 characters or fewer"))],
    )


class ConsiderEventForm(TimetableDateForm):
    decision = RadioField(
        _l("Your decision"),
        choices=[SelectChoice(decision.value, DECISIONS[decision]) for decision in EventDecision],
        validators=[DataRequired(_l("Choose whether to bring the review forward"))],
        validate_choice=False,
    )
    new_due = DayField(
        _l("New due date (if brought forward)"),
        invalid=_l("New due date must be a real date, written like 2026-11-23"),
        validators=[Optional()],
    )
    # Asked for just under the date it is about, and listed after it in the error summary.
    keep_date = BooleanField(KEEP_THIS_DATE)
    warned_day = HiddenField()
    reason = TextAreaField(
        _l("Reason"),
        validators=[NoLongerThan(NOTE_MAX, _l("Reason must be 500 characters or fewer"))],
    )
    version = HiddenField()

    day_name = "new_due"
    # No not_working_means: a new due date that is not a working day is refused outright.


class RecordHeldForm(TimetableDateForm):
    held_on = DayField(
        _l("Date the review was held"),
        invalid=_l("Date the review was held must be a real date, written like 2026-11-23"),
        required=_l("Enter the date the review was held"),
    )
    keep_date = BooleanField(KEEP_THIS_DATE)
    warned_day = HiddenField()
    version = HiddenField()

    day_name = "held_on"
    not_working_means = _l("Reviews are rarely held then: check the date.")


class AdjournForm(TimetableDateForm):
    adjourned_on = DayField(
        _l("Date the meeting was adjourned"),
        invalid=_l("Date the meeting was adjourned must be a real date, written like 2026-11-23"),
        required=_l("Enter the date the meeting was adjourned"),
    )
    keep_date = BooleanField(KEEP_THIS_DATE)
    warned_day = HiddenField()
    why = TextAreaField(
        _l("What was missing"),
        render_kw={"rows": 4},
        validators=[
            NoLongerThan(
                ADJOURN_WORDS_MAX, _l("What was missing must be 2,000 characters or fewer")
            )
        ],
    )
    child_effect = TextAreaField(
        _l("The effect of waiting on the child, and what they and their family said"),
        render_kw={"rows": 4},
        validators=[NoLongerThan(ADJOURN_WORDS_MAX, _l("This must be 2,000 characters or fewer"))],
    )
    version = HiddenField()

    day_name = "adjourned_on"
    not_working_means = _l("Meetings are rarely held then: check the date.")


class NationForm(FlaskForm):
    nation = SelectField(
        _l("Nation"),
        choices=[SelectChoice(code, NATIONS[code]) for code in NATION_CODES],
        validate_choice=False,  # the service refuses an unknown nation, naming the field
    )


class ClosureDayForm(TimetableDateForm):
    day = DayField(
        _l("Closure day"),
        invalid=_l("Closure day must be a real date, written like 2026-12-24"),
        required=_l("Enter the closure day"),
    )
    reason = StringField(
        _l("Reason (optional)"),
        validators=[NoLongerThan(CLOSURE_REASON_MAX, _l("Reason must be 200 characters or fewer"))],
    )
    keep_date = BooleanField(KEEP_THIS_DATE)
    warned_day = HiddenField()

    day_name = "day"
    not_working_means = _l("It is not a working day already: adding it changes nothing.")


class RemoveClosureDayForm(FlaskForm):
    """Only the CSRF token: the day is in the address."""


# --- the service's input errors, in words --------------------------------------------------

INPUT_ERRORS: dict[str, LazyString] = {
    "held-future": _l("Date the review was held must be today or in the past"),
    "held-before-looked-after": _l(
        "Date the review was held must be on or after the day the child became looked after "
        "(%(date)s)"
    ),
    "held-out-of-order": _l(
        "Date the review was held must be after the review held before it (%(date)s)"
    ),
    "held-after-left-care": _l(
        "Date the review was held must be on or before the day the child left care (%(date)s)"
    ),
    "not-next-review": _l("Only the child's next review can be recorded as held"),
    "not-next-review-adjourn": _l("Only the child's next review can be adjourned"),
    "adjourned-once": _l(
        "This review was adjourned already, on %(date)s: a review can be adjourned only once"
    ),
    "adjourned-future": _l("Date the meeting was adjourned must be today or in the past"),
    "adjourned-before-looked-after": _l(
        "Date the meeting was adjourned must be on or after the day the child became looked "
        "after (%(date)s)"
    ),
    "adjourned-out-of-order": _l(
        "Date the meeting was adjourned must be after the review held before it (%(date)s)"
    ),
    "adjourned-why-required": _l("Enter what was missing, so that it can be ready next time"),
    "adjourned-effect-required": _l(
        "Enter the effect of waiting on the child, and what they and their family said"
    ),
    "done-future": _l("Date it was done must be today or in the past"),
    "done-before-looked-after": _l(
        "Date it was done must be on or after the day the child became looked after (%(date)s)"
    ),
    "done-before-previous-review": _l(
        "Date it was done must be on or after the day the review before this one (review "
        "%(number)d) was held (%(date)s)"
    ),
    "done-before-held": _l(
        "Date it was done must be on or after the day this review was held (%(date)s): this "
        "task comes after the meeting"
    ),
    "occurred-future": _l("Date it happened must be today or in the past"),
    "occurred-before-looked-after": _l(
        "Date it happened must be on or after the day the child became looked after (%(date)s)"
    ),
    "kind-unknown": _l("Choose what happened from the list"),
    "note-too-long": _l("This must be %(max)d characters or fewer"),
    "decision-unknown": _l("Choose whether to bring the review forward"),
    "reason-required": _l("Enter the reason for making no change"),
    "no-review": _l("There is no review planned to bring forward"),
    "forward-required": _l("Enter the new date the review is due by"),
    "forward-past": _l("New due date must be today or later"),
    "forward-not-earlier": _l(
        "New due date must be before the date the review is due by now (%(date)s)"
    ),
    "forward-not-working-day": _l(
        "New due date must be a working day, not a weekend, bank holiday or closure day"
    ),
    "nation-unknown": _l("Nation must be England, Wales, Scotland or Northern Ireland"),
    "no-council": _l("Nation cannot be set until the council is set up"),
    "closure-exists": _l("Closure day %(date)s is already on the list"),
    "closure-far": _l(
        "A closure day must be within the last year or the next %(years)d years: check the year"
    ),
}


def written_day(day: date) -> str:
    """A date as the timetable's messages write it: Saturday 21 November 2026."""
    return format_date(day, "EEEE d MMMM y")


def _filled(template: LazyString, params: Mapping[str, Any]) -> str:
    """``template`` with ``params`` filled in, dates written out."""
    if not params:
        return str(template)
    return str(template) % {
        key: written_day(value) if isinstance(value, date) else value
        for key, value in params.items()
    }


def input_error_message(error: InputError) -> str:
    """The words for a service's InputError, with its dates written out."""
    if error.code == "rules":
        # A rule of rules.py that the service did not foresee: its own (English) message.
        return str(error.params.get("message", ""))
    template = INPUT_ERRORS.get(error.code)
    if template is None:
        return error.code
    return _filled(template, error.params)
