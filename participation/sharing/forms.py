"""The sharing forms: one choice (an audience, share or keep private) and "I understand"."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField


class ChoiceForm(FlaskForm):
    """One button press: who (`audience`), what (`decision`), for which version of the choice
    the page was made from (`version`), and for the plan, which `section`."""

    audience = HiddenField()
    decision = HiddenField()
    version = HiddenField()
    section = HiddenField()
    # Set when the adult who handed the tablet over presses the buttons for the child (a young
    # child, or one who asked them to): the choice is then recorded as theirs, with this reason.
    for_child = HiddenField()
    reason = StringField()

    def loaded_version(self) -> int | None:
        try:
            return int(self.version.data or "")
        except ValueError:
            return None


class UnderstoodForm(FlaskForm):
    """ "I understand", after the explanation."""
