"""Shared form helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

F = TypeVar("F", bound=Callable[..., Any])

# A date that may be a typing mistake is saved only once it is confirmed: the same words on every
# staff form that asks (the meeting day, a review held, a closure day).
KEEP_THIS_DATE = _l("Keep this date")
KEEP_DATE_NEEDED = _l("Check the date: tick “Keep this date” to save it, or choose another date")


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
