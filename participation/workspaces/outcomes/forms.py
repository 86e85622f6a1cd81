"""The child's answer to "did it happen?" for one decision of their last review; and, for
staff, the record that a decision was told to the child in person."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, TextAreaField

from ...forms import CHILD_COUNT, CHILD_TOO_LONG, NoLongerThan
from ...models import DecisionKind, Happened
from ...timetable.forms import DayField
from ..iro.forms import INVALID_DATE
from .service import WORDS_MAX

HAPPENED_WORDS = {
    Happened.YES: _l("Yes, it happened"),
    Happened.NOT_YET: _l("Not yet"),
    Happened.NO: _l("No, it didn't happen"),
}
HAPPENED_ICONS = {
    Happened.YES.value: "img/plan/yes.svg",
    Happened.NOT_YET.value: "img/plan/not-sure.svg",
    Happened.NO.value: "img/plan/no.svg",
}


# A decision that goes on ("You will keep living at Willow House") is not something that
# happened once: the child is asked whether it is so, in those words.
ONGOING_QUESTION = _l("Is it like this now?")
ONGOING_WORDS = {
    Happened.YES: _l("Yes, it is"),
    Happened.NOT_YET: _l("Not yet"),
    Happened.NO: _l("No, it isn't"),
}


class HappenedForm(FlaskForm):
    version = HiddenField()
    happened = RadioField(
        _l("Did this happen?"),
        choices=[SelectChoice(h.value, words) for h, words in HAPPENED_WORDS.items()],
        validate_choice=False,
    )
    # Over the limit: how long it may be and how long it is (QA: the only child's box that did
    # not say), and the words stay.
    words = TextAreaField(
        _l("Want to say more? You don't have to."),
        validators=[NoLongerThan(WORDS_MAX, CHILD_TOO_LONG, CHILD_COUNT)],
    )

    def for_decision(self, kind: DecisionKind) -> HappenedForm:
        """Asked in the words for its kind: an action happened or not; a decision is so or not."""
        if kind == DecisionKind.DECISION:
            self.happened.label.text = str(ONGOING_QUESTION)
            self.happened.choices = [
                SelectChoice(h.value, words) for h, words in ONGOING_WORDS.items()
            ]
        return self


class ToldForm(FlaskForm):
    """Staff: the day a decision was told to the child in person, and a note for the team."""

    version = HiddenField()
    told_on = DayField(_l("The day they were told"), invalid=INVALID_DATE)
    note = TextAreaField(_l("How it went (optional)"))
    # Now that they know, the child may want to keep it on their tablet: theirs to choose.
    on_tablet = BooleanField(_l("They want to keep it on their tablet"))
    tablet_text = TextAreaField(_l("Words for their tablet"))


class ProgressForm(FlaskForm):
    """Staff: the owner of an action says it is done (and when) or not yet, for the IRO."""

    version = HiddenField()
    done = RadioField(
        _l("Is it done?"),
        choices=[
            SelectChoice("yes", _l("Yes, it is done")),
            SelectChoice("no", _l("Not yet")),
        ],
        validate_choice=False,
    )
    done_on = DayField(_l("The day it was done"), invalid=INVALID_DATE)
    note = TextAreaField(_l("A note for the IRO (optional)"))
