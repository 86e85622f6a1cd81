from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Optional

from ..models import AgeBand
from .pictures import PICTURES

ORDINALS = [_l("First picture"), _l("Second picture"), _l("Third picture"), _l("Fourth picture")]


class PictureCodeForm(FlaskForm):
    """Staff and child choose the code together: three or four pictures in order."""

    first = SelectField(ORDINALS[0], validators=[DataRequired(_l("Choose the first picture"))])
    second = SelectField(ORDINALS[1], validators=[DataRequired(_l("Choose the second picture"))])
    third = SelectField(ORDINALS[2], validators=[DataRequired(_l("Choose the third picture"))])
    fourth = SelectField(ORDINALS[3], validators=[Optional()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        pictures = [SelectChoice(key, label) for key, label in PICTURES.items()]
        for field in (self.first, self.second, self.third):
            field.choices = [SelectChoice("", _l("Choose…")), *pictures]
        self.fourth.choices = [SelectChoice("", _l("No fourth picture")), *pictures]

    def sequence(self) -> list[str]:
        return [f.data for f in (self.first, self.second, self.third, self.fourth) if f.data]


class AgeBandForm(FlaskForm):
    band = RadioField(
        _l("Which words suit this child best?"),
        choices=[
            SelectChoice("", _l("Match their age")),
            SelectChoice(AgeBand.YOUNG.value, _l("Ages 4 to 7: very simple words and pictures")),
            SelectChoice(AgeBand.MIDDLE.value, _l("Ages 8 to 12")),
            SelectChoice(AgeBand.OLDER.value, _l("Ages 13 and over")),
        ],
        validators=[Optional()],
        default="",
    )
