"""Words for the IRO's pages (the profession's words) and for the decisions the child reads."""

from __future__ import annotations

from datetime import date

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l

from ...models import (
    DecisionKind,
    DecisionOwner,
    InMeeting,
    MeetingWay,
    ParticipationCode,
    Presence,
    ViewsAway,
)

MEETING_WAYS: dict[MeetingWay, LazyString] = {
    MeetingWay.IN_PERSON: _l("In person"),
    MeetingWay.VIDEO: _l("By video call"),
    MeetingWay.PHONE: _l("By phone"),
    MeetingWay.CHILD_CHOSE_NOT_TO: _l("The child chose not to meet"),
}

PRESENCE: dict[Presence, LazyString] = {
    Presence.ATTENDED: _l("Attended the review"),
    Presence.ATTENDED_PART: _l("Attended part of the review"),
    Presence.DID_NOT_ATTEND: _l("Did not attend"),
}

IN_MEETING: dict[InMeeting, LazyString] = {
    InMeeting.SPOKE: _l("Spoke for themselves"),
    InMeeting.ADVOCATE_SPOKE: _l("An advocate spoke for them"),
    InMeeting.SYMBOLIC: _l("Conveyed their views symbolically (non-verbally)"),
    InMeeting.DID_NOT_CONVEY: _l(
        "Did not speak, convey their views symbolically or ask an advocate"
    ),
}

VIEWS_AWAY: dict[ViewsAway, LazyString] = {
    ViewsAway.BRIEFED: _l(
        "Briefed an advocate or the IRO, or sent their views (text, writing, phone, audio or video)"
    ),
    ViewsAway.FACILITATIVE: _l("Conveyed their views by a facilitative medium"),
    ViewsAway.NOT_CONVEYED: _l("Their views were not conveyed"),
}

CODES: dict[ParticipationCode, LazyString] = {
    ParticipationCode.PN0: _l("PN0: under 4 at the time of the review"),
    ParticipationCode.PN1: _l("PN1: attends and speaks for themselves"),
    ParticipationCode.PN2: _l("PN2: attends, an advocate speaks for them"),
    ParticipationCode.PN3: _l("PN3: attends and conveys views symbolically"),
    ParticipationCode.PN4: _l("PN4: attends but does not speak or convey views"),
    ParticipationCode.PN5: _l(
        "PN5: does not attend, briefs an advocate or the IRO, or sends views"
    ),
    ParticipationCode.PN6: _l("PN6: does not attend, conveys views by a facilitative medium"),
    ParticipationCode.PN7: _l("PN7: does not attend, views not conveyed"),
}

BASES: dict[str, LazyString] = {
    "under-4": _l("The child was under 4 on the day of the review."),
    "needs-presence": _l("Record whether the child attended to get a suggestion."),
    "needs-how": _l("Record how the child took part to get a suggestion."),
    InMeeting.SPOKE.value: _l("Attended and spoke for themselves."),
    InMeeting.ADVOCATE_SPOKE.value: _l("Attended, and an advocate spoke for them."),
    InMeeting.SYMBOLIC.value: _l("Attended and conveyed their views symbolically."),
    InMeeting.DID_NOT_CONVEY.value: _l("Attended but did not speak or convey their views."),
    ViewsAway.BRIEFED.value: _l("Did not attend, but briefed someone or sent their views."),
    ViewsAway.FACILITATIVE.value: _l(
        "Did not attend, but conveyed their views by a facilitative medium."
    ),
    ViewsAway.NOT_CONVEYED.value: _l("Did not attend, and their views were not conveyed."),
}

KINDS: dict[DecisionKind, LazyString] = {
    DecisionKind.DECISION: _l("Decision"),
    DecisionKind.ACTION: _l("Action"),
}

OWNERS: dict[DecisionOwner, LazyString] = {
    DecisionOwner.STAFF: _l("A member of staff on the case"),
    DecisionOwner.CHILD: _l("The child"),
    DecisionOwner.OTHER: _l("Someone else (give their name)"),
}

PROBLEMS: dict[str, LazyString] = {
    "too-long": _l("That is too long: keep it under %(max)d characters."),
    "future": _l("The date cannot be in the future."),
    "before-looked-after": _l("The date cannot be before the child became looked after."),
    "after-review": _l("The date cannot be after the review was held."),
    "before-previous-review": _l(
        "The date cannot be before the review before this one was held (%(date)s)."
    ),
    # Each question says which it is: "Answer this question." alone left the IRO to find it (QA).
    "needs-way": _l("Choose how you met the child."),
    "needs-presence": _l("Say whether the child came to the review."),
    "needs-code": _l("Choose the participation code."),
    "needs-kind": _l("Choose whether it is a decision or an action."),
    "needs-how-attended": _l("Say how the child took part in the meeting."),
    "needs-how-away": _l("Say how the child's views were heard."),
    "needs-note": _l("Say why you chose a different code from the one suggested."),
    "text-needed": _l("Write the decision or action in plain words."),
    "child-text-needed": _l(
        "Write it for the child too, in words they will understand, or tick “Tell the child in "
        "person, not on their tablet”."
    ),
    "owner-needed": _l("Say whose action it is."),
    "owner-unknown": _l("Choose someone who works with the child."),
    "owner-name-needed": _l("Give the name of the person it belongs to."),
    "teller-needed": _l("Choose who on the child's team will tell them in person."),
    "due-needed": _l("Give the date the action is due by."),
    "due-before-review": _l("The due date cannot be before the review."),
    "due-past": _l("The due date cannot be in the past."),
    "due-before-held": _l(
        "A decision or action is due before this day (%(date)s): check the date the review "
        "was held, or change its due date first."
    ),
    "circulated": _l("The decisions have been circulated: they can no longer be changed."),
    "no-decisions": _l("Record at least one decision or action before circulating."),
    "held-needed": _l("Give the date the review was held."),
    "not-this-review": _l("This review is not the child's next one or one already held."),
    # Also the page's own words before the review is held (outcome.html): keep them the same.
    "not-held": _l(
        "Record the review as held first: how the child took part, and the participation code, "
        "are recorded after the meeting. Record it as held from the timetable, or give the day "
        "it was held when you circulate the decisions."
    ),
    "held": _l("The review has been held: what was recorded before it stays on the record."),
    "not-an-action": _l("Only an action can be marked done."),
    "already-done": _l(
        "Someone marked it done a moment ago (perhaps in another tab), so your words were not "
        "saved. They are shown below: say them to the child another way if they still matter."
    ),
    "told-needed": _l("Give the day the child was told."),
    "told-future": _l("The day they were told cannot be in the future."),
    "told-before-review": _l("The day they were told cannot be before the review (%(date)s)."),
    "progress-choose": _l("Choose whether it is done."),
    "progress-needed": _l("Give the day it was done."),
    "progress-future": _l("The day it was done cannot be in the future."),
    "progress-before-review": _l("The day it was done cannot be before the review (%(date)s)."),
    "tablet-words-needed": _l(
        "Write the words for their tablet, or untick the box to keep it off their tablet."
    ),
}


def problem(code: str, **params: object) -> str:
    """The words for a service's InputProblem code, with its dates written out."""
    message = PROBLEMS.get(code)
    if message is None or not params:
        return str(message or code)
    return str(message) % {
        key: format_date(value, "EEEE d MMMM y") if isinstance(value, date) else value
        for key, value in params.items()
    }
