""" "You said, we did": after the decisions of a review are circulated, the child sees each one in
their own words and says whether it happened; actions that are overdue, or that the child says
did not happen, are flagged to the IRO.

No Flask here: callers pass the session and plain values, and commit.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ...models import (
    Child,
    DecisionFollowUp,
    DecisionKind,
    Happened,
    Review,
    ReviewDecision,
    ReviewOutcome,
    StaffMember,
    utcnow,
)
from ...security.policy import child_is_visible
from ...security.principal import StaffPrincipal
from ..common import InputProblem, VersionConflict, check_version, clean_text
from ..iro.service import DECISION_MAX, NotNow

WORDS_MAX: Final = 1000
TOLD_NOTE_MAX: Final = 1000
# News to be told in person and still not told this long after the decisions were circulated is
# flagged to the IRO: the child may be the last to hear it, or not hear it at all.
TELL_WITHIN: Final = timedelta(days=7)


def _last_circulated(child_id: int | ColumnElement[int]) -> Select[Review]:
    return (
        select(Review)
        .join(ReviewOutcome, ReviewOutcome.review_id == Review.id)
        .where(Review.child_id == child_id, ReviewOutcome.circulated_at.is_not(None))
        .order_by(Review.number.desc())
        .limit(1)
    )


def last_circulated_review(session: Session, child: Child) -> Review | None:
    """The child's most recent review whose decisions have been circulated."""
    return session.scalar(_last_circulated(child.id))


def _on_the_tablet() -> ColumnElement[bool]:
    """The decisions the child's pages show: not those to be told in person (ReviewDecision),
    unless they have been told and wanted to keep it on their tablet (record_told)."""
    return or_(ReviewDecision.in_person.is_(false()), ReviewDecision.tablet_text.is_not(None))


def decision_count_columns(
    child_id: ColumnElement[int],
) -> tuple[ScalarSelect[int], ScalarSelect[int]]:
    """How many decisions child_decisions lists and how many of them the child has not answered
    yet, as two columns for the one query of My page (child/page_cards.py)."""
    review_id = _last_circulated(child_id).with_only_columns(Review.id).scalar_subquery()
    decisions = select(func.count(ReviewDecision.id)).where(
        ReviewDecision.review_id == review_id, _on_the_tablet()
    )
    unanswered = decisions.outerjoin(
        DecisionFollowUp, DecisionFollowUp.decision_id == ReviewDecision.id
    ).where(DecisionFollowUp.id.is_(None))
    return decisions.scalar_subquery(), unanswered.scalar_subquery()


def _circulated(session: Session, review: Review, *, for_the_child: bool) -> list[ReviewDecision]:
    query = select(ReviewDecision).where(ReviewDecision.review_id == review.id)
    if for_the_child:
        query = query.where(_on_the_tablet())
    else:  # the team sees who is to tell the child in person, and who did; what owners said
        query = query.options(
            selectinload(ReviewDecision.teller_staff),
            selectinload(ReviewDecision.told_by),
            selectinload(ReviewDecision.progress_by),
        )
    return list(
        session.scalars(
            query.options(
                selectinload(ReviewDecision.follow_up), selectinload(ReviewDecision.owner_staff)
            ).order_by(ReviewDecision.created_at, ReviewDecision.id)
        )
    )


def child_decisions(session: Session, child: Child) -> list[ReviewDecision]:
    """The decisions and actions of the child's last circulated review, with their answers;
    not those the child is to be told in person."""
    review = last_circulated_review(session, child)
    return _circulated(session, review, for_the_child=True) if review else []


def circulated_for_team(session: Session, review: Review) -> list[ReviewDecision]:
    """The decisions and actions of ``review`` once circulated (none before), for staff: those
    to be told in person too."""
    circulated = session.scalar(
        select(ReviewOutcome.id).where(
            ReviewOutcome.review_id == review.id, ReviewOutcome.circulated_at.is_not(None)
        )
    )
    return _circulated(session, review, for_the_child=False) if circulated else []


def team_decisions(session: Session, child: Child) -> tuple[Review | None, list[ReviewDecision]]:
    """The child's last circulated review and all its decisions and actions, those to be told
    in person too: for the staff who work with the child (the owner of an action, whoever is
    to tell the child), who otherwise never saw them. The child's answers are for the IRO
    ("you can tell them if it happened"): callers show those to the IRO only."""
    review = last_circulated_review(session, child)
    return review, (_circulated(session, review, for_the_child=False) if review else [])


def _circulated_one(
    session: Session, child: Child, public_id: str, *conditions: ColumnElement[bool]
) -> ReviewDecision | None:
    """One of the child's circulated decisions or actions, by public id, if ``conditions``."""
    return session.scalar(
        select(ReviewDecision)
        .join(Review, ReviewDecision.review_id == Review.id)
        .join(ReviewOutcome, ReviewOutcome.review_id == Review.id)
        .where(
            ReviewDecision.public_id == public_id,
            Review.child_id == child.id,
            ReviewOutcome.circulated_at.is_not(None),
            *conditions,
        )
    )


def told_in_person(session: Session, child: Child, public_id: str) -> ReviewDecision | None:
    """One of the child's circulated decisions to be told in person (None for anything else)."""
    return _circulated_one(session, child, public_id, ReviewDecision.in_person.is_(True))


def _check_day(
    decision: ReviewDecision, day: date | None, today: date, field: str, prefix: str
) -> None:
    """A day something happened after ``decision``'s review: given, not in the future, not
    before the review was held (InputProblem on ``field``: ``<prefix>-needed``, ``-future`` or
    ``-before-review``)."""
    if day is None:
        raise InputProblem(field, f"{prefix}-needed")
    if day > today:
        raise InputProblem(field, f"{prefix}-future")
    held_on = decision.review.held_on
    if held_on is not None and day < held_on:
        raise InputProblem(field, f"{prefix}-before-review", date=held_on)


def record_told(
    session: Session,
    decision: ReviewDecision,
    staff: StaffMember,
    on: date | None,
    note: str | None,
    loaded_version: int | None,
    *,
    today: date,
    tablet_text: str | None = None,
) -> None:
    """Record that the child was told a decision in person: the day, who told them (``staff``)
    and a note for the team (how they took it, what they asked). Recorded again, it is changed.
    ``tablet_text``: the words for the child's tablet when, now that they know, they want to
    keep it there (to read again, and say whether it happened); None keeps it off.
    InputProblem for a day missing, in the future or before the review, or tablet words given
    as empty; VersionConflict if someone recorded it since the page was loaded."""
    _check_day(decision, on, today, "told_on", "told")
    text = clean_text(note, "note", TOLD_NOTE_MAX)
    words = None if tablet_text is None else clean_text(tablet_text, "tablet_text", DECISION_MAX)
    if words == "":
        raise InputProblem("tablet_text", "tablet-words-needed")
    check_version(decision.version, loaded_version)
    decision.tablet_text = words
    decision.told_on = on
    decision.told_by_id = staff.id
    decision.told_note = text
    decision.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise VersionConflict from None


def owned_action(
    session: Session, child: Child, public_id: str, staff: StaffMember
) -> ReviewDecision | None:
    """One of the child's circulated actions that ``staff`` owns (None for anything else)."""
    return _circulated_one(
        session,
        child,
        public_id,
        ReviewDecision.kind == DecisionKind.ACTION,
        ReviewDecision.owner_staff_id == staff.id,
    )


def record_progress(
    session: Session,
    decision: ReviewDecision,
    staff: StaffMember,
    done_on: date | None,
    note: str | None,
    loaded_version: int | None,
    *,
    done: bool | None,
    today: date,
) -> None:
    """The owner of an action says it is done (on ``done_on``) or not yet, with a note for the
    IRO, who marks it done and tells the child. Said again, it is changed. InputProblem for a
    day missing (when done), in the future or before the review; VersionConflict if the action
    changed since the page was loaded; NotNow once the IRO has marked it done. ``done`` None:
    nothing chosen (InputProblem), never taken as either."""
    if decision.done_on is not None:
        raise NotNow("already-done")
    if done is None:
        raise InputProblem("done", "progress-choose")
    text = clean_text(note, "note", TOLD_NOTE_MAX)
    if done:
        _check_day(decision, done_on, today, "done_on", "progress")
    check_version(decision.version, loaded_version)
    decision.progress_done_on = done_on if done else None
    decision.progress_note = text
    decision.progress_by_id = staff.id
    decision.progress_at = decision.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise VersionConflict from None


@dataclass(frozen=True)
class YoursFromReviews:
    """What circulated reviews left one member of staff to do, for their landing pages."""

    to_tell: list[tuple[ReviewDecision, Child]]  # named to tell it in person; not told yet
    actions: list[tuple[ReviewDecision, Child]]  # theirs, not marked done; soonest due first


def yours_from_reviews(session: Session, staff: StaffMember) -> YoursFromReviews:
    """News this person was named to tell a child in person that nobody has recorded telling
    yet, and the actions they own that the IRO has not seen done, of children still in care.
    Nobody else is reminded of either. One query. (The child's answers stay the IRO's: the
    child is told the person who runs the meeting hears them.)"""
    tell = and_(
        ReviewDecision.teller_staff_id == staff.id,
        ReviewDecision.in_person.is_(True),
        ReviewDecision.told_on.is_(None),
    )
    act = and_(
        ReviewDecision.owner_staff_id == staff.id,
        ReviewDecision.kind == DecisionKind.ACTION,
        ReviewDecision.done_on.is_(None),
    )
    found = YoursFromReviews([], [])
    for decision, child, to_tell, to_do in session.execute(
        select(ReviewDecision, Child, tell, act)
        .join(Review, ReviewDecision.review_id == Review.id)
        .join(Child, Review.child_id == Child.id)
        .join(ReviewOutcome, ReviewOutcome.review_id == Review.id)
        .where(
            ReviewOutcome.circulated_at.is_not(None),
            Child.left_care_on.is_(None),
            or_(tell, act),
        )
        .order_by(
            ReviewDecision.due_on.asc().nulls_last(), ReviewOutcome.circulated_at, ReviewDecision.id
        )
    ):
        if to_tell:
            found.to_tell.append((decision, child))
        if to_do:
            found.actions.append((decision, child))
    return found


def differs(decision: ReviewDecision, happened: str | None, words: str | None) -> bool:
    """Whether an answer posted for ``decision`` differs from the one saved (no answer saved yet
    is no choice and no words). The page posts every decision; only changed ones are saved."""
    follow_up = decision.follow_up
    saved = (follow_up.answer.value, follow_up.words or "") if follow_up else (None, "")
    # Compared as they would be stored; too long for storing is a change (answer() says so).
    return (happened or None, clean_text(words, "words", sys.maxsize)) != saved


def answer(
    session: Session,
    decision: ReviewDecision,
    happened: str | None,
    words: str | None,
    loaded_version: int | None,
) -> DecisionFollowUp:
    """Save the child's answer: did it happen (yes, not yet, no), and words of their own.
    ``loaded_version`` is 0 for a first answer; VersionConflict if it was answered meanwhile."""
    try:
        chosen = Happened(happened or "")
    except ValueError:
        raise InputProblem("happened", "needed") from None
    text = clean_text(words, "words", WORDS_MAX)
    follow_up = decision.follow_up
    check_version(follow_up.version if follow_up else 0, loaded_version)
    if follow_up is None:
        follow_up = DecisionFollowUp(answer=chosen, words=text)
        decision.follow_up = follow_up
    else:
        follow_up.answer = chosen
        follow_up.words = text
        follow_up.answered_at = utcnow()
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise VersionConflict from None
    return follow_up


# --- flags for the IRO ----------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """A decision or action that needs the IRO's attention, and why."""

    decision: ReviewDecision
    child: Child
    review: Review
    overdue: bool
    did_not_happen: bool
    not_told: bool = False  # to be told in person, and nobody has recorded telling the child
    # An open action the child says happened, or its owner says is done: the IRO's to mark done
    # (the owner's page calls it overdue until then, as it does not show the child's answer).
    says_happened: bool = False
    owner_says_done: bool = False


def flagged(
    session: Session, principal: StaffPrincipal, today: date, child: Child | None = None
) -> list[Flag]:
    """Circulated decisions of the children this person sees (or of one child) that need
    attention: actions past their due date that nobody marked done, that the child has not said
    happened and the owner has not said are done; open actions the child says happened or the
    owner says are done (for the IRO to mark done: QA, the owner's page said "Overdue" while the
    IRO's said nothing needed attention); anything the child says did not happen (unless the
    IRO marked it done since); and news to tell in person that nobody has recorded telling them
    TELL_WITHIN after circulation. Most overdue first. One query."""
    reply = DecisionFollowUp.answer
    action = ReviewDecision.kind == DecisionKind.ACTION
    overdue = and_(
        action,
        ReviewDecision.due_on < today,
        or_(reply.is_(None), reply != Happened.YES),
        ReviewDecision.progress_done_on.is_(None),
    )
    said_done = and_(
        action, or_(reply == Happened.YES, ReviewDecision.progress_done_on.is_not(None))
    )
    circulated_before = datetime.combine(today, time(), UTC) - TELL_WITHIN
    not_told = and_(
        ReviewDecision.in_person.is_(True),
        ReviewDecision.told_on.is_(None),
        ReviewOutcome.circulated_at < circulated_before,
    )
    query = (
        select(ReviewDecision, Review, Child, reply, not_told)
        .join(Review, ReviewDecision.review_id == Review.id)
        .join(Child, Review.child_id == Child.id)
        .join(ReviewOutcome, ReviewOutcome.review_id == Review.id)
        .outerjoin(DecisionFollowUp, DecisionFollowUp.decision_id == ReviewDecision.id)
        .where(
            child_is_visible(principal),
            Child.left_care_on.is_(None),
            ReviewOutcome.circulated_at.is_not(None),
            or_(
                and_(
                    ReviewDecision.done_on.is_(None),
                    or_(overdue, reply == Happened.NO, said_done),
                ),
                not_told,
            ),
        )
        .options(
            selectinload(ReviewDecision.follow_up),
            selectinload(ReviewDecision.owner_staff),
            selectinload(ReviewDecision.teller_staff),
            selectinload(ReviewDecision.progress_by),
        )
        .order_by(ReviewDecision.due_on.asc().nulls_last(), Child.preferred_name, ReviewDecision.id)
    )
    if child is not None:
        query = query.where(Child.id == child.id)
    flags = []
    for decision, review, who, said, untold in session.execute(query):
        open_action = decision.done_on is None and decision.kind == DecisionKind.ACTION
        owner_done = open_action and decision.progress_done_on is not None
        late = (
            open_action
            and decision.due_on is not None
            and decision.due_on < today
            and said != Happened.YES
            and not owner_done
        )
        # From the query, with its week: a decision flagged as overdue in its first week is not
        # yet "not told" (QA: it said so from the day it was circulated).
        flags.append(
            Flag(
                decision,
                who,
                review,
                late,
                decision.done_on is None and said == Happened.NO,
                bool(untold),
                says_happened=open_action and said == Happened.YES,
                owner_says_done=owner_done,
            )
        )
    return flags
