"""Shared form helpers."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, ClassVar, TypeVar

from flask import request
from flask_babel import LazyString, format_number
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import ValidationError

from .templating import in_digits

F = TypeVar("F", bound=Callable[..., Any])

# A date that may be a typing mistake is saved only once it is confirmed: the same words on every
# staff form that asks (the meeting day, a review held, a closure day).
KEEP_THIS_DATE = _l("Keep this date")
KEEP_DATE_NEEDED = _l("Check the date: tick “Keep this date” to save it, or choose another date")


def language_choices(
    languages: Mapping[str, tuple[str, str]], default: LazyString
) -> list[tuple[str, Any]]:
    """A language select's choices: `default` (no language chosen: "") first, then each
    language the app offers, by its own name ("Cymraeg", "العربية")."""
    return [("", default)] + [(code, name) for code, (name, _direction) in languages.items()]


# Said after a "too long" message, so the writer knows how much to cut (not a guess).
STAFF_COUNT = _l("It has %(count)s now.")  # staff messages say the limit themselves
CHILD_COUNT = _l("You can use up to %(limit)s letters and spaces. This has %(count)s.")
# Every child's box over its limit says so in these words (then CHILD_COUNT); the words stay.
CHILD_TOO_LONG = _l(
    "That's a bit long. Can you make it shorter? Everything you wrote is still here."
)


class CountedMessage(str):
    """A "too long" message with its count added; `base` is the message without it, so that the
    list of problems can tell two boxes' same message apart from a different one."""

    base: str

    def __new__(cls, text: str, base: str) -> CountedMessage:
        message = super().__new__(cls, text)
        message.base = base
        return message


class NoLongerThan:
    """Like wtforms' Length(max=...), without the `maxlength` attribute it would add: the browser
    would silently cut off what is typed or pasted. Over the limit the words stay and `message`
    asks for them shorter, followed by `count` (the limit and how long it is now). Counts the
    words as the services store them (trimmed)."""

    def __init__(
        self, limit: int, message: LazyString | str, count: LazyString = STAFF_COUNT
    ) -> None:
        self.limit = limit
        self.message = message
        self.count = count

    def __call__(self, form: Any, field: Any) -> None:
        length = len((field.data or "").strip())
        if length > self.limit:
            counted = in_digits(
                str(self.count)
                % {"limit": format_number(self.limit), "count": format_number(length)}
            )
            message = str(self.message)
            # Staff messages follow the GOV.UK style, with no full stop of their own; the count
            # after one needs the sentence ended ("...or fewer. It has 612 now.").
            ended = (
                message if unicodedata.category(message[-1:] or ".")[0] == "P" else message + "."
            )
            raise ValidationError(CountedMessage(f"{ended} {counted}", message))


_FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,32}")


def new_form_key() -> str:
    return secrets.token_urlsafe(16)


def _kept_or_new(sent: str) -> str:
    """A key as sent, or a new one when none or an odd one was sent (a page from before keys:
    saved as it always was)."""
    return sent if _FORM_KEY.fullmatch(sent) else new_form_key()


def form_key_sent() -> str:
    """The key a page sent with its save, as FormKeyField reads it, for a form written by hand
    (a new key on a GET)."""
    return _kept_or_new(request.form.get("form_key", "") if request.method == "POST" else "")


class FormKeyField(HiddenField):
    """A key of its own for each page of a form, made when the page is, and sent with every
    save from it: the same key twice is that page's save sent again (weak wifi lost the answer,
    or a button was pressed twice), not a second thing."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default=new_form_key, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = _kept_or_new(next((v for v in valuelist if isinstance(v, str)), ""))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class KeepDateForm(FlaskForm):
    """A form whose date may be a typing mistake: saved only once "Keep this date" is ticked for
    the date warned about. ``warned_day`` holds that date, so a tick given for one date never
    lets a different one through unseen.

    Each form declares ``keep_date`` and ``warned_day`` after its own fields (the error summary
    lists fields in that order) and names its date field in ``day_name``."""

    day_name: ClassVar[str]
    keep_date: BooleanField
    warned_day: HiddenField
    keep_needed: ClassVar[LazyString] = KEEP_DATE_NEEDED

    def _day_entered(self) -> date | None:
        day: date | None = getattr(self, self.day_name).data
        return day

    def warned_value(self) -> str | None:
        """What a tick of "Keep this date" is for: the date entered (a form may add more)."""
        day = self._day_entered()
        return day.isoformat() if day is not None else None

    def asks_to_keep(self) -> bool:
        """Whether the page offers "Keep this date": the date is the one warned about."""
        value = self.warned_value()
        return value is not None and self.warned_day.data == value

    def date_kept(self) -> bool:
        """Did they tick "Keep this date" for the date they were warned about?"""
        return bool(self.keep_date.data) and self.asks_to_keep()

    def ask_to_keep_date(self) -> None:
        """Ask for "Keep this date" to be ticked for the date entered now."""
        value = self.warned_value()
        assert value is not None
        self.warned_day.data = value
        self.keep_date.data = False
        self.keep_date.errors = [str(self.keep_needed)]


def rerender_on_timeout(view: F) -> F:
    """Mark a form view as safe to show again when its CSRF token has expired.

    The view must only write after `form.validate_on_submit()`; the expired token makes that false,
    so the page comes back with the answers still filled in and a "timed out" message.
    """
    view.rerender_on_timeout = True  # type: ignore[attr-defined]
    return view


def apply_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Attach a service's field errors (field name -> message) to a bound form."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
