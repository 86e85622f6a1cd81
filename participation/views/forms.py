"""Forms for "My views": an item (words, a feeling, photos, a video), hiding part of a photo,
and the keyworker's choice of topics.

Messages to the child are kind and say that nothing they wrote is lost. No box has a
`maxlength`: the browser would silently cut what a child types or pastes; over the limit the
words stay on the page and the child is asked to make them shorter.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import CHILD_COUNT, CHILD_TOO_LONG, FormKeyField, NoLongerThan
from ..models import AgeBand
from ..text import without_controls
from . import service

TOO_LONG = CHILD_TOO_LONG
# A thing said can be split: the page invites "as much or as little as you like", so when one is
# too long the way on is a second one, not cutting what the child wanted to say.
ITEM_TOO_LONG = _l(
    "That's a lot for one. You can make it shorter, or say the rest in a new one. "
    "Everything you wrote is still here."
)
NOT_A_CHOICE = _l(
    "Something went wrong with that choice. Please choose again. "
    "Everything else you wrote is still here."
)


class _Words:
    """Text fields that only ever hold text: a file or anything else sent here is ignored."""

    data: Any

    def process_formdata(self, valuelist: list[Any]) -> None:
        texts = [value for value in valuelist if isinstance(value, str)]
        self.data = without_controls(texts[0]) if texts else ""


class WordsField(_Words, TextAreaField):
    pass


class LineField(_Words, StringField):
    pass


class OptionalRadioField(RadioField):
    """A radio group that may be left empty, with a kind message for a value not offered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type = "RadioField"  # components/fields.html draws it as a radio group

    def process_formdata(self, valuelist: list[Any]) -> None:
        texts = [value for value in valuelist if isinstance(value, str)]
        self.data = texts[0] if texts else None

    def pre_validate(self, form: Any) -> None:
        value = getattr(self, "data", None)
        if value in (None, ""):
            self.data = None
            return
        if value not in {choice.value for choice in self.iter_choices()}:
            raise ValidationError(NOT_A_CHOICE)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes: choose as many as you like."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [value for value in valuelist if isinstance(value, str)]

    def pre_validate(self, form: Any) -> None:
        allowed = {choice.value for choice in self.iter_choices()}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(NOT_A_CHOICE)


class VersionField(HiddenField):
    """The version of the row when the page was loaded (the two-tablet check)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        texts = [value for value in valuelist if isinstance(value, str)]
        self.data = texts[0] if texts else ""

    def loaded(self) -> int | None:
        value = self.data if isinstance(self.data, str) else str(self.data or "")
        return int(value) if value.isdigit() and len(value) < 10 else None


# More than an item may hold, so that "too many photos" can be seen and put right; a bound on
# what one sending may ask the database for.
MAX_HELD = 50


class HeldField(Field):
    """The photos and videos held from an earlier try of this form (see HeldFile), as hidden
    inputs carrying their ids. Which of them are really this sitting's is the route's question."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        ids = [value for value in valuelist if isinstance(value, str) and 0 < len(value) <= 32]
        self.data = ids[:MAX_HELD]

    def ids(self) -> list[str]:
        return list(self.data or [])

    def __call__(self, **kwargs: Any) -> Markup:
        name = escape(self.name)
        return Markup("").join(
            Markup('<input type="hidden" name="{}" value="{}">').format(name, value)
            for value in self.ids()
        )


# --- The feelings scale: faces, always with words -------------------------------------------

FEELING_WORDS: dict[int, LazyString] = {
    1: _l("Very sad"),
    2: _l("Sad"),
    3: _l("In the middle"),
    4: _l("Happy"),
    5: _l("Very happy"),
}
FEELING_WORDS_OLDER: dict[int, LazyString] = {
    1: _l("Really bad"),
    2: _l("Not good"),
    3: _l("OK"),
    4: _l("Good"),
    5: _l("Really good"),
}
FEELING_FACES = {1: "very-sad", 2: "sad", 3: "middle", 4: "happy", 5: "very-happy"}


def feeling_words(band: AgeBand) -> dict[int, LazyString]:
    return FEELING_WORDS_OLDER if band == AgeBand.OLDER else FEELING_WORDS


def feeling_choices(band: AgeBand) -> list[SelectChoice]:
    return [SelectChoice(str(value), words) for value, words in feeling_words(band).items()]


# --- An item -------------------------------------------------------------------------------

AUTHOR_CHILD = "child"
AUTHOR_KEYWORKER = "keyworker-with-child"


class ItemForm(FlaskForm):
    """What a child says: words, a feeling, photos, a video, a caption, who wrote it down."""

    text = WordsField(
        _l("What would you like to say?"),
        validators=[NoLongerThan(service.TEXT_LIMIT, ITEM_TOO_LONG, CHILD_COUNT)],
    )
    feeling = OptionalRadioField(_l("How do you feel about it?"), choices=[])
    photos = MultipleFileField(_l("Add photos"), render_kw={"accept": "image/*", "multiple": True})
    video = FileField(_l("Add a video"), render_kw={"accept": "video/*"})
    caption = LineField(
        _l("What is in your photo or video? (You don't have to say.)"),
        validators=[NoLongerThan(service.CAPTION_LIMIT, TOO_LONG, CHILD_COUNT)],
    )
    author = OptionalRadioField(_l("Who wrote this down?"), choices=[])
    remove = MultiCheckboxField(_l("Take away"), choices=[])
    held = HeldField()
    version = VersionField()
    form_key = FormKeyField()

    def set_up(
        self,
        band: AgeBand,
        keyworker_name: str | None,
        media: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Choices that depend on the child: feeling words for their age, whether a keyworker
        can have written it down (only when one handed the tablet over), what can be removed."""
        self.feeling.choices = feeling_choices(band)
        if keyworker_name:
            self.author.choices = [
                SelectChoice(AUTHOR_CHILD, _l("Me")),
                SelectChoice(
                    AUTHOR_KEYWORKER,
                    _l("%(name)s wrote down what I said", name=keyworker_name),
                ),
            ]
        else:
            del self.author
        self.remove.choices = [SelectChoice(value, label) for value, label in media]

    def feeling_value(self) -> int | None:
        value = self.feeling.data
        return int(value) if isinstance(value, str) and value.isdigit() else None

    def by_keyworker(self) -> bool:
        return "author" in self._fields and self.author.data == AUTHOR_KEYWORKER


def _staff_too_long(limit: int) -> LazyString:
    """A keyworker's page has staff words: the limit, then (NoLongerThan) how long it is now."""
    return _l("That is too long: keep it under %(max)d characters.", max=limit)


class StaffItemForm(FlaskForm):
    """A keyworker writing down what a child says, with the child, for one of their topics."""

    topic = OptionalRadioField(_l("Which topic is it about?"), choices=[])
    text = WordsField(
        _l("What did they say?"),
        validators=[NoLongerThan(service.TEXT_LIMIT, _staff_too_long(service.TEXT_LIMIT))],
    )
    feeling = OptionalRadioField(_l("How do they feel about it?"), choices=[])
    photos = MultipleFileField(_l("Add photos"), render_kw={"accept": "image/*", "multiple": True})
    video = FileField(_l("Add a video"), render_kw={"accept": "video/*"})
    caption = LineField(
        _l("What is in the photo or video? (optional)"),
        validators=[NoLongerThan(service.CAPTION_LIMIT, _staff_too_long(service.CAPTION_LIMIT))],
    )
    remove = MultiCheckboxField(_l("Take away"), choices=[])
    held = HeldField()

    def set_up(
        self,
        band: AgeBand,
        topic_choices: list[SelectChoice],
        media: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.feeling.choices = feeling_choices(band)
        self.topic.choices = topic_choices
        self.remove.choices = [SelectChoice(value, label) for value, label in media]

    def feeling_value(self) -> int | None:
        value = self.feeling.data
        return int(value) if isinstance(value, str) and value.isdigit() else None


class HideForm(FlaskForm):
    """Squares of a photo to blur or cover, tapped on a grid (no dragging)."""

    cells = MultiCheckboxField(_l("Tap the squares to hide"), choices=[])
    mode = OptionalRadioField(
        _l("How should they be hidden?"),
        choices=[
            SelectChoice("blur", _l("Blur them")),
            SelectChoice("cover", _l("Cover them up")),
        ],
        default="blur",
    )
    version = VersionField()

    def set_up(self, squares: int) -> None:
        self.cells.choices = [SelectChoice(str(n), str(n)) for n in range(1, squares + 1)]

    def chosen_cells(self) -> list[int]:
        return [int(value) for value in self.cells.data or [] if value.isdigit()]


class DeleteForm(FlaskForm):
    version = VersionField()


class TopicsForm(FlaskForm):
    """The keyworker's choice of topics for one child."""

    usual = BooleanField(_l("Use the usual topics for their age"))
    topics = MultiCheckboxField(_l("Topics to show"), choices=[])
    version = VersionField()
