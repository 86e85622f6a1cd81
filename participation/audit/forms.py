from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError


class AuditSearchForm(FlaskForm):
    """A GET form: searching changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    actor_id = StringField(
        _l("Who did it (their id)"),
        validators=[Optional(), Length(max=32, message=_l("An id is at most 32 characters"))],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    action = SelectField(_l("What they did"), validate_choice=False)
    subject_id = StringField(
        _l("What it was about (its id)"),
        validators=[Optional(), Length(max=32, message=_l("An id is at most 32 characters"))],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    outcome = SelectField(_l("Outcome"), validate_choice=False)
    from_day = DateField(
        _l("From (date)"),
        validators=[Optional()],
        format="%Y-%m-%d",
    )
    to_day = DateField(_l("To (date)"), validators=[Optional()], format="%Y-%m-%d")

    def __init__(self, actions: list[str], outcomes: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.action.choices = [("", _l("Anything"))] + [(a, a) for a in actions]
        self.outcome.choices = [("", _l("Any outcome"))] + [(o, o) for o in outcomes]

    def validate_action(self, field: SelectField) -> None:
        if field.data and len(str(field.data)) > 64:
            raise ValidationError(_l("Choose what they did from the list"))

    def validate_outcome(self, field: SelectField) -> None:
        if field.data and len(str(field.data)) > 16:
            raise ValidationError(_l("Choose an outcome from the list"))

    def validate_to_day(self, field: DateField) -> None:
        if field.data and self.from_day.data and field.data < self.from_day.data:
            raise ValidationError(_l("The 'to' date must be the same as or after the 'from' date"))
