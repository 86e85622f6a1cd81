"""The invitation list for a child's next review, built from the child's plan: each person's wish
(come, come for part, send their thoughts in writing, or not come) and the staff answer to it
(agreed, agreed with a change, not possible: with the reason written for the child).

A wish answered "agreed with a change" is invited as agreed (the answer says how). A wish
answered "not possible" turns round: someone the child wanted is not invited, and someone
the child did not want (or wanted in writing only) is invited after all. A wish changed since it
was answered counts as not answered yet. The IRO always comes: they chair the meeting.

Marking the invitations sent keeps the list as it was (`InvitationsSent`): a wish or an answer
that changes someone's invitation afterwards is shown as a change to send, until the changes are
marked sent too.

No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import (
    Assignment,
    Child,
    DecisionOutcome,
    DecisionTopic,
    InvitationsSent,
    MeetingPlan,
    NetworkPerson,
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


def answer_in_effect(decision: PlanDecision | None) -> DecisionOutcome | None:
    """The staff answer that decides an invitation: None when there is none, or when the child
    changed their wish since (it counts as not answered yet)."""
    if decision is None or planning.wish_changed_since(decision):
        return None
    return decision.outcome


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

    key: str  # the person's card on the child's plan (planning.PersonCard.key)
    invitee_id: int | None  # their line on the plan, once the child has chosen
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
        outcome = answer_in_effect(decision)
        answered = outcome is not None
        person = card.network_person
        invitees.append(
            Invitee(
                key=card.key,
                invitee_id=invitee.id if invitee is not None else None,
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


INVITED: Final = frozenset({INVITE, INVITE_PART, WRITTEN, AS_CHANGED})


def _sent_line(invitee: Invitee) -> dict[str, Any]:
    return {
        "key": invitee.key,
        "invitee": invitee.invitee_id,
        "name": invitee.name,
        # The role's code for staff, shown in the reader's language; a family member or someone
        # the child added as the child described them.
        "who": "" if invitee.staff_role else invitee.who,
        "role": invitee.staff_role.value if invitee.staff_role else None,
        "invitation": invitee.invitation,
        "part": invitee.part if invitee.invitation == INVITE_PART else "",
    }


def mark_sent(
    session: Session, invitations: InvitationList, staff: StaffMember, *, today: date
) -> bool:
    """Mark the review's ``invitations-sent`` milestone done today and keep the list as sent.
    Once it is done, marking again keeps the list as it is now only when it changed since (the
    changes were sent). False when there was nothing to mark."""
    review = invitations.review
    assert review is not None
    first = mark_milestone(session, review, SENT_MILESTONE, staff, today, today=today)
    if (
        not first
        and not changes_since_sent(invitations, last_sent(session, review))
        and meeting_moved(review, last_sent(session, review)) is None
    ):
        return False
    session.add(
        InvitationsSent(
            review_id=review.id,
            sent_on=today,
            sent_by_id=staff.id,
            lines=[_sent_line(invitee) for invitee in invitations.invitees],
            meeting=_meeting_of(review),
        )
    )
    return True


def _meeting_of(review: Review) -> dict[str, Any]:
    at = review.scheduled_at
    return {"at": at.astimezone(UTC).isoformat() if at else None, "venue": review.venue}


@dataclass(frozen=True)
class MeetingMoved:
    """The meeting's time or place is not what the invitations said (None: not set then)."""

    at_before: datetime | None
    venue_before: str
    at_now: datetime | None
    venue_now: str


def meeting_moved(review: Review, sent: InvitationsSent | None) -> MeetingMoved | None:
    """How the meeting changed since the invitations were marked sent; None when it did not
    (or they were not sent, or were sent before the meeting was kept with them). A time first
    set after they were sent counts: the letters said only when it was due."""
    if sent is None or sent.says_meeting_is(review.scheduled_at, review.venue) in (None, True):
        return None
    said = sent.meeting_as_sent()
    assert said is not None
    return MeetingMoved(said[0], said[1], review.scheduled_at, review.venue)


def last_sent(session: Session, review: Review | None) -> InvitationsSent | None:
    """The list as it was last marked sent for the review (None: never, or no review)."""
    if review is None:
        return None
    return session.scalar(
        select(InvitationsSent)
        .where(InvitationsSent.review_id == review.id)
        .order_by(InvitationsSent.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Change:
    """Someone whose invitation is not what was sent: `before` and `after` are invitation codes
    (None: not on the list then, or not now)."""

    key: str
    name: str
    who: str
    role: Role | None
    before: str | None
    after: str | None
    part_before: str
    part_after: str

    @property
    def now_invited(self) -> bool:
        return self.after in INVITED


def _what_counts(invitation: str | None, part: str) -> tuple[bool, str, str]:
    """What a change must change to matter: whether invited, how, and for which part. Between
    "do not invite", "no wish yet" and not being on the list nobody is told anything."""
    invited = invitation in INVITED
    return (invited, invitation or "", part) if invited else (False, "", "")


def changes_since_sent(invitations: InvitationList, sent: InvitationsSent | None) -> list[Change]:
    """Each person whose invitation changed since the list was sent, in the list's order (those no
    longer on it last). None when it was never sent."""
    if sent is None:
        return []
    before = {line["key"]: line for line in sent.lines}
    changes = []
    for invitee in invitations.invitees:
        line = before.pop(invitee.key, None)
        was = (line["invitation"], line["part"]) if line else (None, "")
        part = invitee.part if invitee.invitation == INVITE_PART else ""
        if _what_counts(*was) != _what_counts(invitee.invitation, part):
            changes.append(
                Change(
                    invitee.key,
                    invitee.name,
                    "" if invitee.staff_role else invitee.who,
                    invitee.staff_role,
                    was[0],
                    invitee.invitation,
                    was[1],
                    part,
                )
            )
    for line in before.values():  # no longer on the child's list (left their network, say)
        if line["invitation"] in INVITED:
            role = Role(line["role"]) if line["role"] else None
            then = (line["invitation"], None, line["part"], "")
            changes.append(Change(line["key"], line["name"], line["who"], role, *then))
    return changes


@dataclass(frozen=True)
class _StillThere:
    """Who can be on the children's lists today: people in their lives still active, staff
    still working with them (by staff id and role), and each child's IRO's card key."""

    people: set[int]
    staff: set[tuple[int, Role]]
    iro_keys: dict[int, set[str]]


def _still_there(session: Session, child_ids: Collection[int]) -> _StillThere:
    people = set(
        session.scalars(
            select(NetworkPerson.id).where(
                NetworkPerson.child_id.in_(child_ids), NetworkPerson.active.is_(True)
            )
        )
    )
    staff: set[tuple[int, Role]] = set()
    iro_keys: dict[int, set[str]] = {}
    for child_id, staff_id, role, public_id in session.execute(
        select(Assignment.child_id, Assignment.staff_id, Assignment.role, StaffMember.public_id)
        .join(StaffMember, Assignment.staff_id == StaffMember.id)
        .where(
            Assignment.child_id.in_(child_ids),
            Assignment.active.is_(True),
            StaffMember.active.is_(True),
        )
    ):
        staff.add((staff_id, role))
        if role == Role.IRO:
            iro_keys.setdefault(child_id, set()).add(f"staff-{public_id}-{role.value}")
    return _StillThere(people, staff, iro_keys)


def _invited_on_plan(plan: MeetingPlan, there: _StillThere) -> dict[int, tuple[str, str]]:
    """Plan invitee id -> (invitation, part) for each person the plan invites who is still on
    the child's list, from the plan (its people and answers loaded): the same invitations
    `invitation_list` gives them."""
    invited = {}
    decisions = planning.decisions_by_subject(plan)
    for invitee in plan.invitees:
        if invitee.network_person_id is not None and invitee.network_person_id not in there.people:
            continue  # left the child's network: off the list
        if invitee.staff_id is not None and (invitee.staff_id, invitee.staff_role) not in (
            there.staff
        ):
            continue  # no longer works with the child
        decision = decisions.get(planning.subject_for(DecisionTopic.WHO, invitee))
        outcome = answer_in_effect(decision)
        invitation = invitation_for(invitee.wish, outcome, invitee.staff_role == Role.IRO)
        if invitation in INVITED:
            invited[invitee.id] = (invitation, invitee.part if invitation == INVITE_PART else "")
    return invited


def changed_since_sent(
    session: Session, plans: Mapping[int, MeetingPlan], reviews: Collection[Review]
) -> dict[int, frozenset[str]]:
    """Of `reviews`, the ids of those whose invitations were sent and whose meeting moved since
    ("meeting"), or whose plan (review id -> plan with its people and answers, as
    `social_worker.service.plans_by_review` loads them) invites someone differently ("people"):
    three queries, for a workspace. It compares the people the child chose, and the IRO (who
    always comes), with those still on the child's list: someone who left the child's network
    or stopped working with them counts, as on the invitation list itself."""
    by_id = {review.id: review for review in reviews}
    review_ids = list(by_id)
    if not review_ids:
        return {}
    latest = (
        select(func.max(InvitationsSent.id))
        .where(InvitationsSent.review_id.in_(review_ids))
        .group_by(InvitationsSent.review_id)
    )
    changed: dict[int, frozenset[str]] = {}
    there = _still_there(session, {review.child_id for review in reviews})
    for sent in session.scalars(select(InvitationsSent).where(InvitationsSent.id.in_(latest))):
        plan = plans.get(sent.review_id)
        then = {
            line["invitee"]: (line["invitation"], line["part"])
            for line in sent.lines
            if line["invitee"] is not None and line["invitation"] in INVITED
        }
        what = set()
        iro_then = {
            line["key"]
            for line in sent.lines
            if line["role"] == Role.IRO.value and line["invitation"] in INVITED
        }
        iro_now = there.iro_keys.get(by_id[sent.review_id].child_id, set())
        if then != (_invited_on_plan(plan, there) if plan is not None else {}) or (
            iro_then != iro_now
        ):
            what.add("people")
        if meeting_moved(by_id[sent.review_id], sent) is not None:
            what.add("meeting")
        if what:
            changed[sent.review_id] = frozenset(what)
    return changed
