"""The participation code of a review (SSDA903, PN0-PN7), as pure rules.

From the Department for Education's SSDA903 guidance, as summarised in ``domain.md``:

- PN0: the child was under 4 at the time of the review;
- PN1: attends and speaks for themselves;
- PN2: attends, and an advocate speaks for them;
- PN3: attends and conveys their views symbolically (non-verbally);
- PN4: attends but does not speak for themselves, convey views symbolically or ask an advocate;
- PN5: does not attend, but briefs an advocate or the IRO, or sends their views (text, writing,
  phone, audio or video);
- PN6: does not attend, but conveys their views by a facilitative medium;
- PN7: does not attend and their views are not conveyed.

The IRO records whether the child came and how they took part; until they do, the child's own
plan (``MeetingPlan``: come to all or some of it, or send my views; an advocate or not) gives a
first guess. Either way the result is only a suggestion: the IRO confirms the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ...models import (
    Answer,
    Attendance,
    Chairing,
    InMeeting,
    MeetingPlan,
    ParticipationCode,
    Presence,
    ViewsAway,
)

IN_MEETING_CODES: Final[dict[InMeeting, ParticipationCode]] = {
    InMeeting.SPOKE: ParticipationCode.PN1,
    InMeeting.ADVOCATE_SPOKE: ParticipationCode.PN2,
    InMeeting.SYMBOLIC: ParticipationCode.PN3,
    InMeeting.DID_NOT_CONVEY: ParticipationCode.PN4,
}
AWAY_CODES: Final[dict[ViewsAway, ParticipationCode]] = {
    ViewsAway.BRIEFED: ParticipationCode.PN5,
    ViewsAway.FACILITATIVE: ParticipationCode.PN6,
    ViewsAway.NOT_CONVEYED: ParticipationCode.PN7,
}


@dataclass(frozen=True)
class TakingPart:
    """Whether the child came, and how they took part or had their views heard."""

    presence: Presence | None = None
    in_meeting: InMeeting | None = None
    views_away: ViewsAway | None = None

    @property
    def attended(self) -> bool | None:
        if self.presence is None:
            return None
        return self.presence != Presence.DID_NOT_ATTEND


@dataclass(frozen=True)
class Suggestion:
    """A suggested code (None while something is missing) and why: ``basis`` is ``under-4``,
    the InMeeting or ViewsAway value it follows from, or ``needs-presence`` / ``needs-how``."""

    code: ParticipationCode | None
    basis: str


def from_plan(plan: MeetingPlan | None, *, views_sent: bool = True) -> TakingPart:
    """What the child planned: come to all or some of it (with an advocate speaking for them if
    they asked for one), or not come and send their views. ``views_sent`` is False when a child
    who chose "send my views" has not shared any: their views are then not conveyed (PN7)."""
    if plan is None or plan.attendance is None:
        return TakingPart()
    if plan.attendance == Attendance.VIEWS_ONLY:
        away = ViewsAway.BRIEFED if views_sent else ViewsAway.NOT_CONVEYED
        return TakingPart(Presence.DID_NOT_ATTEND, None, away)
    presence = Presence.ATTENDED if plan.attendance == Attendance.ALL else Presence.ATTENDED_PART
    # A child who chairs or co-chairs speaks for themselves, advocate or not: asking for an
    # advocate is not the advocate speaking for them (QA: PN2 was suggested for a co-chair).
    chairs = plan.chairing in (Chairing.CO_CHAIR, Chairing.CHAIR)
    how = (
        InMeeting.ADVOCATE_SPOKE if plan.advocate == Answer.YES and not chairs else InMeeting.SPOKE
    )
    return TakingPart(presence, how, None)


def combine(recorded: TakingPart, planned: TakingPart) -> tuple[TakingPart, bool]:
    """What the IRO recorded, with the plan filling what they have not; and whether any of it
    came from the plan."""
    if recorded.presence is not None:
        return recorded, False
    return planned, planned.presence is not None


def suggest(age_at_review: int, taking_part: TakingPart) -> Suggestion:
    """The participation code that follows from the child's age and how they took part."""
    if age_at_review < 4:
        return Suggestion(ParticipationCode.PN0, "under-4")
    attended = taking_part.attended
    if attended is None:
        return Suggestion(None, "needs-presence")
    if attended:
        if taking_part.in_meeting is None:
            return Suggestion(None, "needs-how")
        return Suggestion(IN_MEETING_CODES[taking_part.in_meeting], taking_part.in_meeting.value)
    if taking_part.views_away is None:
        return Suggestion(None, "needs-how")
    return Suggestion(AWAY_CODES[taking_part.views_away], taking_part.views_away.value)
