"""The child's choice of who comes to talk, and the staff form that records what was done."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired

from ..forms import NoLongerThan
from .service import ACTION_LIMIT


class ActionTakenForm(FlaskForm):
    action_taken = TextAreaField(
        _l("What did you do?"),
        validators=[
            DataRequired(_l("Say in a few words what you did, for the child's record")),
            NoLongerThan(ACTION_LIMIT, _l("What you did must be 5,000 characters or fewer")),
        ],
        render_kw={"rows": 5},
    )


class TalkToForm(FlaskForm):
    """Part of the child's "I'm worried" page (its note and key are read from the page itself):
    whom they would like to come and talk with them. Nothing is chosen at first, and leaving it
    is fine: "any of them" takes a choice back."""

    class Meta:
        csrf = False  # the page's own token is checked for the whole form

    talk_to = RadioField(
        _l("Who would you like to come and talk with you? You don't have to choose."),
        choices=[],
        validate_choice=False,
    )

    def offer(self, people: list[tuple[str, str]]) -> None:
        """`people`: (public id, the name the child knows them by), as the page lists them."""
        self.talk_to.choices = [*people, ("", str(_l("Any of them")))]
