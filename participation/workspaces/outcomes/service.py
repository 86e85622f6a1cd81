""" "You said, we did": after the decisions of a review are circulated, the child sees each one in
their own words and says whether it happened; actions that are overdue, or that the child says
did not happen, are flagged to the IRO.

No Flask here: callers pass the session and plain values, and commit.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ...models import (
    Child,
    DecisionFollowUp,
    DecisionKind,
    Happened,
    Review,
    ReviewDecision,
    ReviewOutcome,
    utcnow,
)
from ...security.policy import child_is_visible
from ...security.principal import StaffPrincipal
from ..common import InputProblem, VersionConflict, check_version, clean_text

WORDS_MAX: Final = 1000


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
    """The decisions the child's pages show: not those to be told in person (ReviewDecision)."""
    return ReviewDecision.in_person.is_(false())


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


def team_decisions(session: Session, child: Child) -> tuple[Review | None, list[ReviewDecision]]:
    """The child's last circulated review and all its decisions and actions, those to be told
    in person too: for the staff who work with the child (the owner of an action, whoever is
    to tell the child), who otherwise never saw them. The child's answers are for the IRO
    ("you can tell them if it happened"): callers show those to the IRO only."""
    review = last_circulated_review(session, child)
    return review, (_circulated(session, review, for_the_child=False) if review else [])


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


def flagged(
    session: Session, principal: StaffPrincipal, today: date, child: Child | None = None
) -> list[Flag]:
    """Circulated decisions of the children this person sees (or of one child) that need
    attention: actions past their due date that nobody marked done and the child has not said
    happened, and anything the child says did not happen (unless the IRO marked it done since).
    Most overdue first. One query."""
    reply = DecisionFollowUp.answer
    overdue = and_(
        ReviewDecision.kind == DecisionKind.ACTION,
        ReviewDecision.due_on < today,
        or_(reply.is_(None), reply != Happened.YES),
    )
    query = (
        select(ReviewDecision, Review, Child, reply)
        .join(Review, ReviewDecision.review_id == Review.id)
        .join(Child, Review.child_id == Child.id)
        .join(ReviewOutcome, ReviewOutcome.review_id == Review.id)
        .outerjoin(DecisionFollowUp, DecisionFollowUp.decision_id == ReviewDecision.id)
        .where(
            child_is_visible(principal),
            Child.left_care_on.is_(None),
            ReviewOutcome.circulated_at.is_not(None),
            ReviewDecision.done_on.is_(None),
            or_(overdue, reply == Happened.NO),
        )
        .options(selectinload(ReviewDecision.follow_up), selectinload(ReviewDecision.owner_staff))
        .order_by(ReviewDecision.due_on, Child.preferred_name, ReviewDecision.id)
    )
    if child is not None:
        query = query.where(Child.id == child.id)
    flags = []
    for decision, review, who, said in session.execute(query):
        late = (
            decision.kind == DecisionKind.ACTION
            and decision.due_on is not None
            and decision.due_on < today
            and said != Happened.YES
        )
        flags.append(Flag(decision, who, review, late, said == Happened.NO))
    return flags
