"""The rules of "Planning my meeting": progress, saving a step safely from two tablets, the people
a child may invite, staff answers and the checklist for the day.

No Flask here: routes pass plain values and the database session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, ScalarSelect, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .. import sent_once
from ..audit.service import Actor
from ..caseload.service import next_review
from ..labels import ROLES
from ..models import (
    AgeBand,
    Answer,
    ChecklistCode,
    Child,
    DayChecklistItem,
    DecisionOutcome,
    DecisionTopic,
    InvitationsSent,
    MeetingPlan,
    NetworkPerson,
    NetworkRole,
    PlanDecision,
    PlanInvitee,
    Review,
    Role,
    RoomNeed,
    StaffMember,
    Wish,
    utcnow,
)
from ..models.review import LONDON, meeting_day
from ..text import kept_words
from ..timetable import service as timetable
from ..timetable.rules import TimetableError
from . import steps
from .steps import (
    MULTI_CHOICES,
    MY_PLAN,
    SINGLE_CHOICES,
    SLUGS,
    STAFF_CARD_ORDER,
    STEP_BY_SLUG,
    TEXT_LIMITS,
    WHO_COMES,
)

# Staff who answer a child's wishes and tick the checklist; managers read the plan only.
ANSWERING_ROLES = (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)


class PlanConflict(Exception):
    """The step was changed elsewhere (another tablet) since this form was loaded."""


class UnknownPerson(LookupError):
    """A posted person is not on this child's plan (tampered, or another child's)."""


class PlanInputError(ValueError):
    """An answer that breaks a rule; `field` and `code` say which and why."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


# --- Progress ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    done_steps: frozenset[str]

    @property
    def complete(self) -> bool:
        return self.done == self.total


def progress(plan: MeetingPlan | None) -> Progress:
    """How many of the six parts the child has finished ("Save and go on"; skipping is not)."""
    return progress_of(plan.steps_done if plan is not None else None)


def progress_of(steps_done: Iterable[str] | None) -> Progress:
    """progress() from a plan's steps_done alone (None: no plan saved yet)."""
    done = frozenset(steps_done or ()) & frozenset(SLUGS)
    return Progress(len(done), len(SLUGS), done)


def steps_done_column(review_id: ColumnElement[int]) -> ScalarSelect[list[str]]:
    """The steps_done of the plan for a review (NULL: no plan yet), as a column for the one
    query of My page (child/page_cards.py)."""
    return (
        select(MeetingPlan.steps_done).where(MeetingPlan.review_id == review_id).scalar_subquery()
    )


def where_to_carry_on(plan: MeetingPlan | None) -> str:
    """The first step not done yet; the summary once everything else is."""
    done = progress(plan).done_steps
    for slug in SLUGS:
        if slug not in done:
            return slug
    return MY_PLAN


def step_after(slug: str) -> str | None:
    index = SLUGS.index(slug)
    return SLUGS[index + 1] if index + 1 < len(SLUGS) else None


def step_before(slug: str) -> str | None:
    index = SLUGS.index(slug)
    return SLUGS[index - 1] if index > 0 else None


# --- Finding the plan --------------------------------------------------------------------


def planned_review(child: Child) -> Review | None:
    """The meeting being planned: the child's next review not yet held."""
    return next_review(child)


# Built once (every step of planning asks for it): building a statement costs SQLAlchemy more
# than running it.
_PLAN_FOR_REVIEW = select(MeetingPlan).where(MeetingPlan.review_id == bindparam("review_id"))


def find_plan(session: Session, review: Review) -> MeetingPlan | None:
    return session.scalar(_PLAN_FOR_REVIEW, {"review_id": review.id})


def plan_or_blank(session: Session, child: Child, review: Review) -> MeetingPlan:
    """The saved plan, or an unsaved empty one to show (reading never writes)."""
    return find_plan(session, review) or MeetingPlan.blank(child, review)


def plan_to_save(session: Session, child: Child, review: Review) -> MeetingPlan:
    """The plan row to write to, made on the child's first answer."""
    plan = find_plan(session, review)
    if plan is not None:
        return plan
    plan = MeetingPlan.blank(child, review)
    plan.version = 1
    session.add(plan)
    try:
        session.flush()
    except IntegrityError:
        # The other tablet made it a moment ago.
        session.rollback()
        found = find_plan(session, review)
        if found is None:
            raise
        return found
    return plan


# --- Answers ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list | tuple):
        return list(value)
    return value


def answers_of(plan: MeetingPlan, slug: str) -> dict[str, Any]:
    """A step's saved answers as plain values (codes as strings), for forms and comparison."""
    return {name: _plain(getattr(plan, name)) for name in STEP_BY_SLUG[slug].fields}


def clean_answers(slug: str, posted: Mapping[str, Any]) -> dict[str, Any]:
    """Check a step's answers against the allowlists and limits; return them ready to store.

    Forms check first and speak to the child; this is the rule itself, so nothing that breaks it
    is ever stored whatever the caller. Raises PlanInputError."""
    clean: dict[str, Any] = {}
    for name in STEP_BY_SLUG[slug].fields:
        value = posted.get(name)
        if name in SINGLE_CHOICES:
            if value in (None, ""):
                clean[name] = None
                continue
            try:
                clean[name] = SINGLE_CHOICES[name](value).value
            except ValueError:
                raise PlanInputError(name, "not-a-choice") from None
        elif name in MULTI_CHOICES:
            allowed = MULTI_CHOICES[name]
            values = list(value or [])
            if any(v not in {m.value for m in allowed} for v in values):
                raise PlanInputError(name, "not-a-choice")
            clean[name] = [m.value for m in allowed if m.value in values]
        else:
            text = kept_words(value)
            if len(text) > TEXT_LIMITS[name]:
                raise PlanInputError(name, "too-long")
            clean[name] = text
    return clean


def _stored(plan: MeetingPlan, name: str, value: Any) -> Any:
    if name in SINGLE_CHOICES:
        return None if value is None else SINGLE_CHOICES[name](value)
    return value


@dataclass(frozen=True)
class Saver:
    """Who is saving: the child themself, or a member of staff beside them."""

    staff_id: int | None = None


CHILD = Saver()


def _touch(plan: MeetingPlan, slug: str, by: Saver, key: str | None) -> None:
    versions = dict(plan.step_versions or {})
    versions[slug] = versions.get(slug, 0) + 1
    plan.step_versions = versions
    saved_with = dict(plan.step_saved_with or {})
    if key:
        saved_with[slug] = key
    else:
        saved_with.pop(slug, None)
    plan.step_saved_with = saved_with
    plan.updated_at = utcnow()
    plan.updated_by_child = by.staff_id is None
    plan.updated_by_staff_id = by.staff_id


def _clash(plan: MeetingPlan, slug: str, loaded_version: int, key: str | None) -> bool:
    """Did another page save this step since the form was loaded? Not when the page that saved
    it last is this one: that was its own save, whose answer never reached it (weak wifi)."""
    own = bool(key) and (plan.step_saved_with or {}).get(slug) == key
    return plan.step_version(slug) != loaded_version and not own


def _mark_done(plan: MeetingPlan, slug: str) -> bool:
    if slug in (plan.steps_done or []):
        return False
    plan.steps_done = [s for s in SLUGS if s in {*(plan.steps_done or []), slug}]
    return True


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError:
        # Both tablets passed the step check at the same instant; the database saw it.
        session.rollback()
        raise PlanConflict from None


def save_step(
    session: Session,
    child: Child,
    review: Review,
    slug: str,
    posted: Mapping[str, Any],
    loaded_version: int,
    *,
    finish: bool,
    by: Saver = CHILD,
    key: str | None = None,
) -> MeetingPlan:
    """Save one step's answers (not the people: see `save_people`).

    `loaded_version` is the step's version the form was loaded with. If the step changed since
    (another tablet) and these answers differ from what is saved now, nothing is written and
    PlanConflict is raised, so no answer is silently overwritten. `finish` marks the step done.
    `key`: the page's own (see _clash).
    """
    answers = clean_answers(slug, posted)
    existing = find_plan(session, review)
    current = existing or MeetingPlan.blank(child, review)
    changed = answers != answers_of(current, slug)
    if changed and _clash(current, slug, loaded_version, key):
        raise PlanConflict
    if not changed and not (finish and slug not in (current.steps_done or [])):
        return current
    plan = existing or plan_to_save(session, child, review)
    if changed:
        for name, value in answers.items():
            setattr(plan, name, _stored(plan, name, value))
        _touch(plan, slug, by, key)
    if finish and _mark_done(plan, slug) and not changed:
        plan.updated_at = utcnow()
    _commit(session)
    return plan


# --- People -------------------------------------------------------------------------------


@dataclass
class PersonCard:
    """One person the child may invite, with their current wish if the child has chosen."""

    key: str
    kind: str  # person, staff or other
    name: str
    who: str | LazyString  # "Dad", "Your social worker", "My football coach"
    about: LazyString  # what they do, in a child's words
    always_comes: bool = False
    invitee: PlanInvitee | None = None
    network_person: NetworkPerson | None = None
    staff: StaffMember | None = None
    staff_role: Role | None = None

    @property
    def name_for_children(self) -> str:
        """The name on the child's own pages: what they call a member of staff (staff pages
        keep the full name)."""
        return self.staff.name_for_children if self.staff else self.name

    @property
    def who_for_staff(self) -> str | LazyString:
        """What they are to the child on staff pages: a member of staff's role in the
        profession's words ("IRO", not "Your IRO"), anyone else as the child described them."""
        return ROLES[self.staff_role] if self.staff_role else self.who

    @property
    def known_by_relation(self) -> bool:
        """Does a young child know this person first by what they are to them ("Mum", "Nan")?
        Family and carers, or anyone described in one word; not a teacher or a nurse, whom
        children know by name ("Mrs Lewis")."""
        person = self.network_person
        if person is None or not str(self.who).strip():
            return False
        if person.role in (NetworkRole.PARENT, NetworkRole.CARER):
            return True
        return person.role == NetworkRole.OTHER and len(str(self.who).split()) == 1

    def called(self, young: bool) -> str:
        """What the child's page calls this person in a question: "Mum" for a young child who
        knows her so, as the card's heading does (QA: "Would you like Kelly Thompson to come?"
        under a card saying "Mum"), else their name."""
        return str(self.who) if young and self.known_by_relation else self.name_for_children

    @property
    def picture(self) -> str:
        """A drawing for the card (static path), so a child who cannot read finds people by
        kind: family, home, school, their keyworker, social worker, IRO."""
        if self.staff_role is not None:
            return steps.STAFF_PICTURES.get(self.staff_role, steps.PERSON_PICTURE)
        if self.network_person is not None:
            return steps.NETWORK_PICTURES.get(self.network_person.role, steps.PERSON_PICTURE)
        return steps.PERSON_PICTURE

    @property
    def wish(self) -> str:
        return self.invitee.wish.value if self.invitee else Wish.UNSET.value

    @property
    def part(self) -> str:
        return self.invitee.part if self.invitee else ""

    @property
    def why(self) -> str:
        return self.invitee.why if self.invitee else ""

    @property
    def why_was_for(self) -> str:
        """The wish the reason was written beside, when the child has changed the wish since
        and not the reason ("" otherwise, or when not known)."""
        invitee = self.invitee
        if invitee is None or not invitee.why or not invitee.why_wish:
            return ""
        return invitee.why_wish if invitee.why_wish != invitee.wish.value else ""

    @property
    def decision(self) -> PlanDecision | None:
        return self.invitee.decision if self.invitee else None

    @property
    def allowed_wishes(self) -> tuple[str, ...]:
        choices = steps.IRO_WISHES if self.always_comes else steps.WISHES
        return tuple(choice.code for choice in choices)


def people_cards(
    session: Session, child: Child, plan: MeetingPlan, band: AgeBand | None = None
) -> list[PersonCard]:
    """The people on the child's "who I'd like to come" step, in order: the people in their
    life, then the professionals who work with them, then anyone the child added. With the
    child's `band`, professionals are described in words for their age."""
    invitees = list(plan.invitees) if plan.id is not None else []
    by_person = {i.network_person_id: i for i in invitees if i.network_person_id is not None}
    by_staff = {(i.staff_id, i.staff_role): i for i in invitees if i.staff_id is not None}
    cards = []
    for person in child.network:
        if not person.active:
            continue
        cards.append(
            PersonCard(
                key=f"person-{person.public_id}",
                kind="person",
                name=person.name,
                who=person.relationship_to_child,
                about=steps.NETWORK_ROLE_WORDS[person.role],
                invitee=by_person.get(person.id),
                network_person=person,
            )
        )
    assignments = sorted(
        (a for a in child.assignments if a.active and a.role in STAFF_CARD_ORDER),
        key=lambda a: (STAFF_CARD_ORDER.index(a.role), a.id),
    )
    for assignment in assignments:
        member = assignment.staff
        if not member.active:
            continue
        who, about = steps.staff_card_words(assignment.role, band)
        cards.append(
            PersonCard(
                key=f"staff-{member.public_id}-{assignment.role.value}",
                kind="staff",
                name=member.name,
                who=who,
                about=about,
                always_comes=assignment.role == Role.IRO,
                invitee=by_staff.get((member.id, assignment.role)),
                staff=member,
                staff_role=assignment.role,
            )
        )
    for invitee in invitees:
        if invitee.kind == "other":
            cards.append(
                PersonCard(
                    key=f"other-{invitee.public_id}",
                    kind="other",
                    name=invitee.name,
                    who=invitee.described_as,
                    about=steps.SOMEONE_ELSE_WORDS,
                    invitee=invitee,
                )
            )
    return cards


@dataclass(frozen=True)
class WishAnswer:
    key: str
    wish: str
    part: str = ""
    why: str = ""
    remove: bool = False


@dataclass(frozen=True)
class NewPerson:
    name: str
    described_as: str = ""


def _clean_wish(card: PersonCard, answer: WishAnswer) -> tuple[str, str, str]:
    if answer.wish not in card.allowed_wishes:
        raise PlanInputError("wish", "not-a-choice")
    part, why = kept_words(answer.part), kept_words(answer.why)
    if len(part) > TEXT_LIMITS["part"]:
        raise PlanInputError("part", "too-long")
    if len(why) > TEXT_LIMITS["why"]:
        raise PlanInputError("why", "too-long")
    return answer.wish, part, why


def save_people(
    session: Session,
    child: Child,
    review: Review,
    answers: Iterable[WishAnswer],
    loaded_version: int,
    *,
    finish: bool,
    add: NewPerson | None = None,
    by: Saver = CHILD,
    key: str | None = None,
    sender: Actor | None = None,
) -> MeetingPlan:
    """Save the child's wish for each person, take off anyone they added and no longer want on
    the list, and add someone else. `key` and `sender`: the page's own and who sent it; a page
    adds its person once, however many times its press is sent (sent_once).

    Every posted key must be one of this child's cards, else UnknownPerson (a tampered form or
    another child's person: the route answers 404). Two-tablet rule as in `save_step`."""
    adding_as = f"{key}:add" if key else None
    if add is not None and sender is not None and sent_once.sent_before(session, sender, adding_as):
        add = None  # "Add them to my list" pressed twice: they are on the list already (QA)
    existing = find_plan(session, review)
    current = existing or MeetingPlan.blank(child, review)
    cards = {card.key: card for card in people_cards(session, child, current)}
    answers = list(answers)
    wanted: list[tuple[PersonCard, tuple[str, str, str], bool]] = []
    for answer in answers:
        card = cards.get(answer.key)
        if card is None:
            raise UnknownPerson(answer.key)
        if answer.remove and card.kind != "other":
            raise UnknownPerson(answer.key)
        wanted.append((card, _clean_wish(card, answer), answer.remove))
    if add is not None:
        name, described = kept_words(add.name), kept_words(add.described_as)
        if not name:
            raise PlanInputError("new_name", "needed")
        if len(name) > TEXT_LIMITS["new_name"]:
            raise PlanInputError("new_name", "too-long")
        if len(described) > TEXT_LIMITS["new_who"]:
            raise PlanInputError("new_who", "too-long")
    changed = add is not None or any(
        remove or values != (card.wish, card.part, card.why) for card, values, remove in wanted
    )
    if changed and _clash(current, WHO_COMES, loaded_version, key):
        raise PlanConflict
    if not changed and not (finish and WHO_COMES not in (current.steps_done or [])):
        return current
    plan = existing or plan_to_save(session, child, review)
    if changed:
        position = max((i.position for i in plan.invitees), default=0)
        for card, (wish, part, why), remove in wanted:
            invitee = card.invitee
            if remove:
                if invitee is not None:
                    if invitee.decision is not None:
                        plan.decisions.remove(invitee.decision)
                    plan.invitees.remove(invitee)
                continue
            if invitee is None:
                if (wish, part, why) == (Wish.UNSET.value, "", ""):
                    continue
                position += 1
                invitee = PlanInvitee(
                    network_person_id=card.network_person.id if card.network_person else None,
                    staff_id=card.staff.id if card.staff else None,
                    staff_role=card.staff_role,
                    position=position,
                )
                plan.invitees.append(invitee)
            if why != invitee.why or not why:
                invitee.why_wish = wish if why else ""
            invitee.wish = Wish(wish)
            invitee.part = part
            invitee.why = why
        if add is not None:
            added = PlanInvitee(
                name=kept_words(add.name),
                described_as=kept_words(add.described_as),
                position=position + 1,
            )
            plan.invitees.append(added)
            if sender is not None:
                session.flush()
                sent_once.remember(session, sender, adding_as, added.public_id)
        _touch(plan, WHO_COMES, by, key)
    if finish and _mark_done(plan, WHO_COMES) and not changed:
        plan.updated_at = utcnow()
    _commit(session)
    return plan


# --- Staff answers ------------------------------------------------------------------------


def may_answer(role: Role) -> bool:
    """Keyworkers, social workers and IROs answer a child's wishes; managers only read."""
    return role in ANSWERING_ROLES


def subject_for(topic: DecisionTopic, invitee: PlanInvitee | None = None) -> str:
    if topic == DecisionTopic.WHO:
        if invitee is None:
            raise ValueError("an answer about who comes needs the person")
        return f"who-{invitee.public_id}"
    return topic.value


# Which staff answers belong to each step of the plan.
STEP_TOPICS: dict[str, tuple[str, ...]] = {
    steps.WHO_COMES: (DecisionTopic.WHO.value,),
    steps.TAKING_PART: (DecisionTopic.TAKING_PART.value,),
    steps.WHERE_AND_WHEN: (DecisionTopic.VENUE.value, DecisionTopic.TIME.value),
    steps.FOOD_AND_DRINK: (DecisionTopic.FOOD.value,),
    steps.THE_ROOM: (DecisionTopic.ROOM.value,),
}


def decisions_by_subject(plan: MeetingPlan) -> dict[str, PlanDecision]:
    return {d.subject: d for d in plan.decisions} if plan.id is not None else {}


def resolve_subject(plan: MeetingPlan, subject: str) -> tuple[DecisionTopic, PlanInvitee | None]:
    """The topic (and person) a subject names, if it belongs to this plan; else UnknownPerson."""
    if subject.startswith("who-"):
        public_id = subject.removeprefix("who-")
        for invitee in plan.invitees:
            if invitee.public_id == public_id and invitee.wish != Wish.UNSET:
                return DecisionTopic.WHO, invitee
        raise UnknownPerson(subject)
    try:
        topic = DecisionTopic(subject)
    except ValueError:
        raise UnknownPerson(subject) from None
    if topic == DecisionTopic.WHO:
        raise UnknownPerson(subject)
    return topic, None


def decide(
    session: Session,
    plan: MeetingPlan,
    topic: DecisionTopic,
    invitee: PlanInvitee | None,
    outcome: DecisionOutcome,
    reason_for_child: str,
    staff: StaffMember,
    loaded_version: int,
) -> PlanDecision:
    """Record (or change) the answer to one wish.

    A wish that is not agreed as asked needs a reason written for the child. `loaded_version`
    is the answer's version when the form was loaded (0 for none): if someone else answered
    meanwhile, PlanConflict."""
    reason = kept_words(reason_for_child)
    if outcome != DecisionOutcome.AGREED and not reason:
        raise PlanInputError("reason", "needed")
    if len(reason) > TEXT_LIMITS["reason"]:
        raise PlanInputError("reason", "too-long")
    subject = subject_for(topic, invitee)
    decision = decisions_by_subject(plan).get(subject)
    if (decision.version if decision else 0) != loaded_version:
        raise PlanConflict
    if decision is None:
        decision = PlanDecision(topic=topic, subject=subject, invitee=invitee)
        plan.decisions.append(decision)
    elif (
        outcome == DecisionOutcome.AGREED
        and decision.outcome != DecisionOutcome.AGREED
        and reason == decision.reason_for_child
    ):
        # A "no" turned into a "yes" with its reason left in the box, untouched: that was why
        # not, and the child read a yes and a no in one sentence (QA). Words changed are kept.
        reason = ""
    decision.outcome = outcome
    decision.reason_for_child = reason
    decision.answered_wish = invitee.wish.value if invitee else ""
    decision.decided_by_id = staff.id
    decision.decided_at = utcnow()
    try:
        session.commit()
    except (StaleDataError, IntegrityError):
        session.rollback()
        raise PlanConflict from None
    return decision


def invitations_sent_on(session: Session, review: Review) -> date | None:
    """The day the review's invitations were marked sent (the timetable's task), if they were
    and they say another time or place than the review has now (QA: moving the meeting back to
    what the letters said was "a change to tell everyone about"). Invitations marked sent
    before the meeting was kept with them are taken to say otherwise."""
    task = timetable.milestone_for(session, review, "invitations-sent")
    if task is None or task.done_on is None:
        return None
    sent = session.scalar(
        select(InvitationsSent)
        .where(InvitationsSent.review_id == review.id)
        .order_by(InvitationsSent.id.desc())
        .limit(1)
    )
    if sent is not None and sent.says_meeting_is(review.scheduled_at, review.venue):
        return None
    return task.done_on


def wish_changed_since(decision: PlanDecision) -> bool:
    """Did the child change their wish after staff answered it?"""
    return decision.invitee is not None and decision.answered_wish != decision.invitee.wish.value


# The parts of the plan (besides each person) that staff answer.
TOPICS = (
    DecisionTopic.VENUE,
    DecisionTopic.TIME,
    DecisionTopic.TAKING_PART,
    DecisionTopic.FOOD,
    DecisionTopic.ROOM,
)


def needs_answer(invitee: PlanInvitee) -> bool:
    """Is the child's wish about this person one for staff to answer? Not when there is none,
    nor "yes" for the IRO: they chair the meeting and always come, so it is already so."""
    if invitee.wish == Wish.UNSET:
        return False
    return not (invitee.staff_role == Role.IRO and invitee.wish == Wish.YES)


def waiting_subjects(plan: MeetingPlan) -> list[str]:
    """The subjects of the child's wishes that have no staff answer yet (or changed since
    answered): each person's first, then the other parts of the plan."""
    decisions = decisions_by_subject(plan)
    waiting = []
    for invitee in plan.invitees:
        if not needs_answer(invitee):
            continue
        subject = subject_for(DecisionTopic.WHO, invitee)
        decision = decisions.get(subject)
        if decision is None or wish_changed_since(decision):
            waiting.append(subject)
    return waiting + [
        topic.value for topic in TOPICS if has_answers(plan, topic) and topic.value not in decisions
    ]


def waiting_named(plan: MeetingPlan, cards: list[PersonCard]) -> list[tuple[str, str | LazyString]]:
    """waiting_subjects, each with what it is about (the person's name on their card, or the part
    of the plan), in the staff page's order: people first, then the topics."""
    waiting = set(waiting_subjects(plan)) if plan.id else set()
    names = {f"who-{c.invitee.public_id}": c.name for c in cards if c.invitee is not None}
    return [(s, name) for s, name in names.items() if s in waiting] + [
        (topic.value, steps.TOPIC_LABELS[topic]) for topic in TOPICS if topic.value in waiting
    ]


@dataclass(frozen=True)
class Unanswered:
    """One of the child's wishes that had no answer: what it is about, and what they asked
    (a person's card, or the plan step whose answers it is about)."""

    label: str | LazyString
    card: PersonCard | None = None
    step: str | None = None
    count: int = 1  # wishes it stands for (where and when: two, shown together)


@dataclass(frozen=True)
class LeftUnanswered:
    plan: MeetingPlan | None
    wishes: list[Unanswered]

    @property
    def count(self) -> int:
        return sum(wish.count for wish in self.wishes)


def unanswered_at_meeting(session: Session, review: Review) -> LeftUnanswered:
    """The child's wishes for a meeting already held that never got an answer (waiting_named),
    with what the child asked: the next plan starts afresh, so without this they would go out
    of sight, and the child with them; a name alone did not say what to answer (QA). None
    while the meeting is still to come (the staff plan page lists them then)."""
    plan = find_plan(session, review) if review.held_on is not None else None
    if plan is None:
        return LeftUnanswered(None, [])
    cards = people_cards(session, review.child, plan)
    by_subject = {f"who-{c.invitee.public_id}": c for c in cards if c.invitee is not None}
    step_of = {topic: slug for slug, topics in STEP_TOPICS.items() for topic in topics}
    wishes: list[Unanswered] = []
    for subject, label in waiting_named(plan, cards):
        step = step_of.get(subject)
        same_step = next((i for i, w in enumerate(wishes) if step and w.step == step), None)
        if same_step is None:
            wishes.append(Unanswered(label, by_subject.get(subject), step))
        else:
            # Where and when are one step of the plan: its answers once, under both (QA: the
            # same rows twice read as two sets of wishes).
            earlier = wishes[same_step]
            both = f"{earlier.label}, {label}"
            wishes[same_step] = Unanswered(both, None, step, earlier.count + 1)
    return LeftUnanswered(plan, wishes)


def waiting_for_answer(plan: MeetingPlan) -> int:
    """How many of the child's wishes have no staff answer yet (or changed since answered)."""
    return len(waiting_subjects(plan))


def has_answers(plan: MeetingPlan, topic: DecisionTopic) -> bool:
    """Is there anything in the plan for staff to answer on this topic?"""
    fields = {
        DecisionTopic.VENUE: ("place", "place_other"),
        DecisionTopic.TIME: ("times", "avoid"),
        DecisionTopic.TAKING_PART: STEP_BY_SLUG[steps.TAKING_PART].fields,
        DecisionTopic.FOOD: STEP_BY_SLUG[steps.FOOD_AND_DRINK].fields,
        DecisionTopic.ROOM: STEP_BY_SLUG[steps.THE_ROOM].fields,
    }.get(topic, ())
    return any(steps.answer_in_effect(plan, name) for name in fields)


# --- Venue and time -----------------------------------------------------------------------


# Why a meeting day may be a mistake (weekend, bank holiday, closure day, after the due date):
# staff are asked to confirm it before it is saved. One list of reasons for every date staff enter.
DayWarning = timetable.DayWarning


def _saved_day(review: Review) -> date | None:
    if review.scheduled_at is None:
        return None
    return meeting_day(review.due_on, review.scheduled_at)


def _refuse_past(review: Review, day: date | None, today: date) -> None:
    # A meeting in the past makes every task before it overdue. A day saved earlier that has
    # gone by since is left alone, so the venue can still be changed without moving it.
    if day is not None and day < today and day != _saved_day(review):
        raise PlanInputError("day", "past")


# A meeting that starts outside these hours is asked about: a child's review is in the day.
DAYTIME = (time(7, 0), time(21, 0))


@dataclass(frozen=True)
class DayCheck:
    """Why a meeting day (and start) may be a mistake, and the tasks it would make overdue at
    once (their names: OVERDUE_AT_ONCE's), worked out once for the warning and its words."""

    warnings: list[DayWarning]
    late_tasks: list[str] = field(default_factory=list)


def meeting_day_warnings(
    session: Session, review: Review, day: date, today: date, start: time | None = None
) -> DayCheck:
    """What staff should confirm before ``day`` (and ``start``) is saved as the meeting's: the day
    is not a working day (a weekend, a bank holiday of the council's nation, a council closure
    day; CPPCR 2010 reg 2(1)), or it is after the date the review is due by, so the review would
    be out of time, or it leaves too little time for tasks that count back from it (named in
    ``late_tasks``); or the meeting would start at night (see DAYTIME).

    A day in the past is refused (PlanInputError on ``day``, code ``past``). What is already
    saved is not questioned again."""
    _refuse_past(review, day, today)
    warnings: list[DayWarning] = []
    late: list[str] = []
    if day != _saved_day(review):
        try:
            warnings = timetable.not_working(timetable.calendar_for(session), day)
        except TimetableError:
            # A council with a nation the calendar does not know: the timetable pages say so.
            warnings = []
        if day > review.due_on:
            warnings.append(DayWarning.AFTER_DUE)
        late = timetable.overdue_if_met_on(session, review, day, today)
        if late:
            warnings.append(DayWarning.OVERDUE_AT_ONCE)
    if start is not None and not DAYTIME[0] <= start < DAYTIME[1]:
        saved = review.scheduled_at.astimezone(LONDON) if review.scheduled_at else None
        if saved is None or (saved.date(), saved.time()) != (day, start):
            warnings.append(DayWarning.NIGHT)
    return DayCheck(warnings, late)


def other_half_of_the_day(start: time) -> time:
    """The time twelve hours away: what "3:00" may have been meant as (15:00)."""
    return start.replace(hour=(start.hour + 12) % 24)


def set_arrangement(
    session: Session,
    review: Review,
    venue: str,
    scheduled_at: datetime | None,
    loaded_version: int,
    today: date,
) -> None:
    """Set where and when the meeting is. Stale forms (someone else changed it) raise
    PlanConflict; a new day in the past raises PlanInputError (``day``, ``past``); the review's
    tasks are worked out again from the new date. Check `meeting_day_warnings` with staff first."""
    venue = kept_words(venue)
    if len(venue) > TEXT_LIMITS["venue"]:
        raise PlanInputError("venue", "too-long")
    if scheduled_at is not None and scheduled_at.tzinfo is None:
        raise ValueError("scheduled_at must be timezone-aware")
    _refuse_past(review, meeting_day(review.due_on, scheduled_at) if scheduled_at else None, today)
    if review.version != loaded_version:
        raise PlanConflict
    review.venue = venue
    review.scheduled_at = scheduled_at
    try:
        session.flush()
        try:
            with session.begin_nested():
                # The statutory tasks count back from the meeting day, so they move with it.
                timetable.recompute_child(session, review.child, today)
        except TimetableError:
            # A history that breaks the rules is shown (and fixed) on the timetable pages; the
            # meeting's place and time are still kept.
            pass
        session.commit()
    except StaleDataError:
        session.rollback()
        raise PlanConflict from None


# --- The day ------------------------------------------------------------------------------


@dataclass
class ChecklistLine:
    code: ChecklistCode
    label: LazyString
    details: list[str | LazyString] = field(default_factory=list)
    done: bool = False
    done_by: StaffMember | None = None
    done_at: datetime | None = None


def _words(name: str, codes: Iterable[str]) -> list[str | LazyString]:
    return [w for w in (steps.words_for(name, code) for code in codes) if w is not None]


def coming_count(plan: MeetingPlan) -> int:
    """People the child would like in the room for all or part of it (not counting the child),
    less those staff answered "not possible" (QA: the chairs counted them still)."""
    if plan.id is None:
        return 0

    def turned_down(invitee: PlanInvitee) -> bool:
        answer = invitee.decision
        return (
            answer is not None
            and answer.outcome == DecisionOutcome.NOT_POSSIBLE
            and not wish_changed_since(answer)
        )

    return sum(1 for i in plan.invitees if i.wish in (Wish.YES, Wish.PART) and not turned_down(i))


def checklist(plan: MeetingPlan) -> list[ChecklistLine]:
    """The keyworker's list for the day, made from the child's plan, with what is ticked."""
    room = set(plan.room or [])
    lines = [
        ChecklistLine(
            ChecklistCode.ROOM,
            steps.CHECKLIST_LABELS[ChecklistCode.ROOM],
            [
                *_words("room", [c for c in plan.room or [] if c in ("quiet", "soft-lights")]),
                *_words("room", [c for c in plan.room or [] if c in ("fidget", "music")]),
                *([plan.room_other] if plan.room_other else []),
            ],
        ),
        ChecklistLine(
            ChecklistCode.CHAIRS,
            steps.CHECKLIST_LABELS[ChecklistCode.CHAIRS],
            [
                _l(
                    "The child, and the %(num)d people they would like there",
                    num=coming_count(plan),
                ),
                *_words(
                    "room", [c for c in plan.room or [] if c in ("near-door", "next-to-someone")]
                ),
                *([plan.seating] if plan.seating else []),
            ],
        ),
        ChecklistLine(
            ChecklistCode.REFRESHMENTS,
            steps.CHECKLIST_LABELS[ChecklistCode.REFRESHMENTS],
            [
                *_words("food", plan.food or []),
                *([plan.food_other] if plan.food_other else []),
                *([plan.diet] if plan.diet else []),
            ],
        ),
        ChecklistLine(
            ChecklistCode.BREAK_SIGNAL,
            steps.CHECKLIST_LABELS[ChecklistCode.BREAK_SIGNAL],
            [
                *([plan.break_signal] if plan.break_signal else []),
                *_words("room", [c for c in plan.room or [] if c == RoomNeed.BREAKS.value]),
            ],
        ),
    ]
    if plan.interpreter == Answer.YES:
        lines.append(
            ChecklistLine(
                ChecklistCode.INTERPRETER,
                steps.CHECKLIST_LABELS[ChecklistCode.INTERPRETER],
                [plan.interpreter_language] if plan.interpreter_language else [],
            )
        )
    if room & {RoomNeed.PET.value, RoomNeed.PERSON.value}:
        lines.append(
            ChecklistLine(
                ChecklistCode.BRINGING,
                steps.CHECKLIST_LABELS[ChecklistCode.BRINGING],
                [plan.bring_who] if plan.bring_who else [],
            )
        )
    ticked = {item.code: item for item in plan.checklist} if plan.id is not None else {}
    for line in lines:
        item = ticked.get(line.code)
        if item is not None:
            line.done, line.done_by, line.done_at = item.done, item.done_by, item.done_at
    return lines


def tick_checklist(
    session: Session,
    plan: MeetingPlan,
    done: set[str],
    loaded_done: set[str],
    staff: StaffMember,
) -> None:
    """Apply what this person ticked or unticked since their page was loaded (`loaded_done`);
    ticks made meanwhile by someone else on other lines are kept."""
    lines = {line.code.value: line for line in checklist(plan)}
    rows = {item.code.value: item for item in plan.checklist}
    now = utcnow()
    for code in lines:
        wanted, before = code in done, code in loaded_done
        if wanted == before:
            continue
        row = rows.get(code)
        if row is None:
            row = DayChecklistItem(code=ChecklistCode(code), done=False)
            plan.checklist.append(row)
        row.done = wanted
        row.done_by_id = staff.id if wanted else None
        row.done_at = now if wanted else None
    session.commit()


# --- What the child sees of staff answers -------------------------------------------------


@dataclass(frozen=True)
class AnswerForChild:
    said_by: LazyString
    outcome: LazyString
    reason: str


def for_child(decision: PlanDecision | None) -> AnswerForChild | None:
    """A staff answer in a child's words: "Your social worker said: Not this time, sorry. ...".
    None when the child changed their wish since: the answer was to something else (QA: "No
    thanks" shown with "Yes, that's OK"), and the wish waits for a new one."""
    if decision is None or wish_changed_since(decision):
        return None
    return AnswerForChild(
        said_by=steps.SAID_BY.get(decision.decided_by.role, steps.SAID_BY_ANYONE),
        outcome=steps.OUTCOME_WORDS[decision.outcome],
        reason=decision.reason_for_child,
    )


def for_staff(decision: PlanDecision) -> AnswerForChild:
    """The same answer in staff words, for the review pack: "Tom Evans answered: Not possible.
    <the reason written for the child>" (QA: the pack showed the child's wish and not what
    was answered, so the IRO could not see it had been turned down)."""
    said_by = (
        _l("%(name)s answered an earlier wish:", name=decision.decided_by.name)
        if wish_changed_since(decision)
        else _l("%(name)s answered:", name=decision.decided_by.name)
    )
    return AnswerForChild(
        said_by=said_by,
        outcome=steps.OUTCOME_SENTENCES[decision.outcome],
        reason=decision.reason_for_child,
    )


def answers_shown(plan: MeetingPlan | None, *, to_child: bool) -> dict[str, AnswerForChild]:
    """Every staff answer in the plan by subject, in the child's words or in staff words."""
    shown: dict[str, AnswerForChild] = {}
    for subject, decision in decisions_by_subject(plan).items() if plan is not None else ():
        answer = for_child(decision) if to_child else for_staff(decision)
        if answer is not None:
            shown[subject] = answer
    return shown
