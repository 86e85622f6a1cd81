from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField
from wtforms.validators import AnyOf, DataRequired, Optional

from ..forms import language_choices
from ..models import AgeBand
from .pictures import PICTURES

ORDINALS = [_l("First picture"), _l("Second picture"), _l("Third picture"), _l("Fourth picture")]


class PictureCodeForm(FlaskForm):
    """Staff and child choose the code together: three or four pictures in order.

    Radio buttons shown as the pictures themselves (see the template), not lists of words: the
    child chooses, and many children who use the app cannot read yet."""

    first = RadioField(ORDINALS[0], validators=[DataRequired(_l("Choose the first picture"))])
    second = RadioField(ORDINALS[1], validators=[DataRequired(_l("Choose the second picture"))])
    third = RadioField(ORDINALS[2], validators=[DataRequired(_l("Choose the third picture"))])
    fourth = RadioField(ORDINALS[3], validators=[Optional()], default="")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        pictures = [SelectChoice(key, label) for key, label in PICTURES.items()]
        for field in (self.first, self.second, self.third):
            field.choices = pictures
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


class DisplayForm(FlaskForm):
    """How the child's pages look, kept with their space so every tablet shows it their way."""

    text_size = RadioField(
        _l("How big the words are"),
        choices=[
            SelectChoice("normal", _l("Usual size")),
            SelectChoice("large", _l("Big")),
            SelectChoice("larger", _l("Bigger")),
        ],
        # Our own message for a value that is not one of the three, in a child's words.
        validate_choice=False,
        validators=[
            DataRequired(_l("Choose how big the words are")),
            AnyOf(("normal", "large", "larger"), message=_l("Choose how big the words are")),
        ],
    )
    high_contrast = BooleanField(_l("Strong colours: black, white and yellow"))
    calm_colours = BooleanField(_l("Softer, calmer colours"))
    easy_read = BooleanField(_l("More space between words, and letters that are easier to read"))
    reduce_motion = BooleanField(_l("Nothing moving about on the page"))


class SpaceLanguageForm(FlaskForm):
    """The language a child's pages open in, set with them by the adult who supports them (the
    child can still change it at the foot of any page, and that choice is kept instead)."""

    # Its own id: the record page's footer has the reader's own language switcher.
    language = SelectField(_l("Language of their pages"), validate_choice=True, id="space-language")

    def __init__(self, languages: dict[str, tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.language.choices = language_choices(languages, _l("The tablet's language"))
