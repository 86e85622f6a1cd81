"""What the workspace areas share: input errors with a field and a code, the stale-save rule, the
clean-up of staff and child words, and marking a review's milestone done when its work is done.

No Flask here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Milestone, Review, StaffMember
from ..text import kept_words
from ..timetable import service as timetable

TEXT_MAX: Final = 4000
NOTE_MAX: Final = 500
NAME_MAX: Final = 200


class InputProblem(ValueError):
    """Something entered breaks a rule: ``field`` is the form field at fault, ``code`` which
    rule (the page puts it into words), ``params`` fill in the message."""

    def __init__(self, field: str, code: str, **params: Any) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
        self.params = params


class VersionConflict(Exception):
    """Someone else saved this since the page was loaded; nothing was written."""


def clean_text(text: str | None, field: str, limit: int = TEXT_MAX) -> str:
    """Words as stored: no control characters (PostgreSQL refuses NUL), line ends kept, trimmed,
    and no longer than ``limit`` (InputProblem ``too-long`` on ``field`` otherwise)."""
    cleaned = kept_words(text)
    if len(cleaned) > limit:
        raise InputProblem(field, "too-long", max=limit)
    return cleaned


def check_version(current: int, loaded: int | None) -> None:
    """VersionConflict unless the page was loaded with the version saved now."""
    if loaded is None or loaded != current:
        raise VersionConflict


def mark_milestone(
    session: Session, review: Review, name: str, staff: StaffMember, on: date, *, today: date
) -> bool:
    """Mark the review's milestone ``name`` done by ``staff`` on ``on``, through the timetable
    (which moves any deadlines that follow from it). Nothing happens if the review has no such
    milestone (a child in foster care has no keyworker tasks) or it is already done. True when
    it was marked now."""
    milestone = timetable.milestone_for(session, review, name)
    if milestone is None or milestone.done_on is not None:
        return False
    timetable.mark_done(session, milestone, staff, on, today=today)
    return True


def milestones_by_review(
    session: Session, review_ids: Sequence[int], names: Sequence[str]
) -> dict[tuple[int, str], Milestone]:
    """(review id, milestone name) -> the milestone, for the reviews and names given (one
    query, whatever the caseload)."""
    if not review_ids:
        return {}
    rows = session.scalars(
        select(Milestone).where(Milestone.review_id.in_(review_ids), Milestone.name.in_(names))
    )
    return {(row.review_id, row.name): row for row in rows}
