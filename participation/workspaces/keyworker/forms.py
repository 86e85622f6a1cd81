"""Forms of the keyworker's pages and of the child's answers to the report.

No ``maxlength`` on any box: the browser would cut off what someone pastes without a word. The
service checks the length and the page keeps the words and says what is too long.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import ValidationError

from ...forms import FormKeyField
from ...models import ReportReaction, ReportSection
from .words import CHILD_REACTIONS, STAFF_TITLES


class VersionedForm(FlaskForm):
    # The record's version when the page was loaded: a save from an older page is told.
    version = HiddenField()


def text_digest(text: str | None) -> str:
    """A short fingerprint of a box's words as loaded (line ends and outer spaces aside, as the
    browser and clean_text change them): enough to tell whether they were changed on the page."""
    words = (text or "").replace("\r\n", "\n").strip()
    return hashlib.sha256(words.encode()).hexdigest()[:16]


class LoadedTexts(VersionedForm):
    """A form of several boxes of words. ``loaded`` holds each box's words as the page was
    loaded (text_digest, in text_fields order): when someone else saved meanwhile, the boxes
    this page did not change take their words (see keyworker.routes._take_theirs)."""

    loaded = HiddenField()

    @staticmethod
    def text_fields() -> list[str]:
        raise NotImplementedError

    def remember_loaded(self, saved: Mapping[str, str]) -> None:
        self.loaded.data = ",".join(text_digest(saved.get(name)) for name in self.text_fields())

    def unchanged_since_loaded(self) -> list[str]:
        """The boxes whose words are as the page loaded them (none if that is not known)."""
        loaded = (self.loaded.data or "").split(",")
        names = self.text_fields()
        if len(loaded) != len(names):
            return []
        return [
            name
            for name, was in zip(names, loaded, strict=True)
            if text_digest(self[name].data) == was
        ]


class MonthlySummaryForm(LoadedTexts):
    """The month (when writing a new one) and a box per section."""

    month = SelectField(_l("Month"), validate_choice=False)
    form_key = FormKeyField()

    @staticmethod
    def text_fields() -> list[str]:
        return [section.column for section in ReportSection]

    def texts(self) -> dict[ReportSection, str | None]:
        return {section: self[section.column].data for section in ReportSection}


for _section in ReportSection:
    setattr(MonthlySummaryForm, _section.column, TextAreaField(STAFF_TITLES[_section]))


class ReportForm(LoadedTexts):
    """Per section, what the keyworker says and what the child says. The labels of the child's
    boxes are given the child's name by the page."""

    @staticmethod
    def text_fields() -> list[str]:
        """The names of the boxes, two per section."""
        return [
            f"{section.column}_{who}" for section in ReportSection for who in ("keyworker", "child")
        ]

    def texts(self) -> dict[ReportSection, tuple[str | None, str | None]]:
        return {
            section: (
                self[f"{section.column}_keyworker"].data,
                self[f"{section.column}_child"].data,
            )
            for section in ReportSection
        }

    def name_the_child(self, label: str) -> None:
        for section in ReportSection:
            self[f"{section.column}_child"].label.text = label


for _section in ReportSection:
    setattr(ReportForm, f"{_section.column}_keyworker", TextAreaField(_l("Keyworker says")))
    setattr(ReportForm, f"{_section.column}_child", TextAreaField(_l("The child says")))


class ReportActionForm(FlaskForm):
    """Start the report: a button. (Share and send post the ``ReportForm``, words and all, so
    what is shared or sent is what the keyworker sees on the page.)"""


class ActionNoteForm(FlaskForm):
    text = TextAreaField(_l("Note for the team"))


class OptionalRadioField(RadioField):
    """A radio group that may be left empty (neither choice is made for the child)."""

    def pre_validate(self, form: Any) -> None:
        value = getattr(self, "data", None)
        if value in (None, ""):
            self.data = None
            return
        if value not in {choice.value for choice in self.iter_choices()}:
            raise ValidationError(_l("Please choose again."))


class ResponseForm(VersionedForm):
    """The child's answer to one section of the report."""

    reaction = OptionalRadioField(
        _l("What do you think about this part?"),
        choices=[SelectChoice(r.value, CHILD_REACTIONS[r]) for r in ReportReaction],
    )
    comment = TextAreaField(_l("Anything you want to add? You don't have to."))
