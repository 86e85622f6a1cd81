"""The invitation list for a child's next review, built from the child's plan: each person's wish
(come, come for part, send their thoughts in writing, or not come) and the staff answer to it
(agreed, agreed with a change, not possible: with the reason written for the child).

A wish answered "agreed with a change" is invited as agreed (the answer says how). A wish
answered "not possible" turns round: someone the child wanted is not invited, and someone
the child did not want (or wanted in writing only) is invited after all. A wish changed since it
was answered counts as not answered yet. The IRO always comes: they chair the meeting.

No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy.orm import Session

from ...models import (
    Child,
    DecisionOutcome,
    MeetingPlan,
    PlanDecision,
    Review,
    Role,
    StaffMember,
    Wish,
)
from ...planning import service as planning
from ..common import mark_milestone

INVITE: Final = "invite"
INVITE_PART: Final = "invite-part"
WRITTEN: Final = "written"
# "Agreed with a change": what changed is in the answer's own words (written for the child), so
# the list and the letter say "as agreed" rather than guess come, part or writing, which could
# contradict what the child was told.
AS_CHANGED: Final = "as-changed"
NOT_INVITED: Final = "not-invited"
UNDECIDED: Final = "undecided"
SENT_MILESTONE: Final = "invitations-sent"

# The invitation that follows from a wish and the staff answer (None: not answered yet).
_RULES: Final[dict[Wish, dict[DecisionOutcome | None, str]]] = {
    Wish.YES: {
        None: INVITE,
        DecisionOutcome.AGREED: INVITE,
        DecisionOutcome.CHANGED: AS_CHANGED,
        DecisionOutcome.NOT_POSSIBLE: NOT_INVITED,
    },
    Wish.PART: {
        None: INVITE_PART,
        DecisionOutcome.AGREED: INVITE_PART,
        DecisionOutcome.CHANGED: AS_CHANGED,
        DecisionOutcome.NOT_POSSIBLE: NOT_INVITED,
    },
    Wish.WRITTEN: {
        None: WRITTEN,
        DecisionOutcome.AGREED: WRITTEN,
        DecisionOutcome.CHANGED: AS_CHANGED,
        DecisionOutcome.NOT_POSSIBLE: INVITE,
    },
    Wish.NO: {
        None: NOT_INVITED,
        DecisionOutcome.AGREED: NOT_INVITED,
        DecisionOutcome.CHANGED: AS_CHANGED,
        DecisionOutcome.NOT_POSSIBLE: INVITE,
    },
}


def invitation_for(wish: Wish, outcome: DecisionOutcome | None, always_comes: bool) -> str:
    """The invitation for one person, from the child's wish and the staff answer."""
    if always_comes:
        return INVITE
    if wish == Wish.UNSET:
        return UNDECIDED
    return _RULES[wish][outcome]


@dataclass(frozen=True)
class Invitee:
    """One line of the list."""

    name: str
    who: str
    wish: Wish
    part: str
    decision: PlanDecision | None
    answered: bool
    invitation: str
    parental_responsibility: bool
    staff: StaffMember | None
    staff_role: Role | None
    always_comes: bool = False

    @property
    def needs_answer(self) -> bool:
        """A wish staff have not answered yet (or that changed since it was answered)."""
        return self.wish != Wish.UNSET and not self.answered and not self.always_comes

    @property
    def reason(self) -> str:
        return self.decision.reason_for_child if self.decision is not None else ""

    @property
    def invited(self) -> bool:
        return self.invitation in (INVITE, INVITE_PART, WRITTEN, AS_CHANGED)


@dataclass(frozen=True)
class InvitationList:
    review: Review | None
    plan: MeetingPlan | None
    invitees: list[Invitee]

    def staff_in_role(self, role: Role) -> StaffMember | None:
        for invitee in self.invitees:
            if invitee.staff_role == role and invitee.staff is not None:
                return invitee.staff
        return None


def invitation_list(
    session: Session, child: Child, role_words: Callable[[Role], str]
) -> InvitationList:
    """Everyone who may be invited to the child's next review, in the order of the child's plan
    (the people in their life, the professionals, anyone they added), with the invitation that
    follows from the child's wish and the staff answer. ``role_words`` names a staff role."""
    review = planning.planned_review(child)
    if review is None:
        return InvitationList(None, None, [])
    plan = planning.plan_or_blank(session, child, review)
    invitees = []
    for card in planning.people_cards(session, child, plan):
        invitee = card.invitee
        wish = invitee.wish if invitee is not None else Wish.UNSET
        decision = card.decision
        answered = decision is not None and not planning.wish_changed_since(decision)
        outcome = decision.outcome if decision is not None and answered else None
        person = card.network_person
        invitees.append(
            Invitee(
                name=card.name,
                who=role_words(card.staff_role) if card.staff_role else str(card.who),
                wish=wish,
                part=card.part,
                decision=decision if answered else None,
                answered=answered,
                invitation=invitation_for(wish, outcome, card.always_comes),
                parental_responsibility=bool(person and person.parental_responsibility),
                staff=card.staff,
                staff_role=card.staff_role,
                always_comes=card.always_comes,
            )
        )
    return InvitationList(review, plan if plan.id is not None else None, invitees)


def csv_rows(
    invitations: InvitationList,
    words: Callable[[str], str],
    wish_words: Callable[[Wish], str],
    outcome_words: Callable[[DecisionOutcome], str],
    headings: list[str],
) -> list[list[str]]:
    """The list as rows for a CSV file (cells are neutralised by ``csvsafe`` when written)."""
    rows = [headings]
    for invitee in invitations.invitees:
        rows.append(
            [
                invitee.name,
                invitee.who,
                words(invitee.invitation),
                wish_words(invitee.wish),
                invitee.part,
                outcome_words(invitee.decision.outcome) if invitee.decision else "",
                invitee.reason,
                "yes" if invitee.parental_responsibility else "",
            ]
        )
    return rows


def mark_sent(session: Session, review: Review, staff: StaffMember, *, today: date) -> bool:
    """Mark the review's ``invitations-sent`` milestone done today. False if there is no such
    task or it was already done."""
    return mark_milestone(session, review, SENT_MILESTONE, staff, today, today=today)
