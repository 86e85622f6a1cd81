"""The participation codes of reviews held, for the SSDA903 return.

One row per review held in a date range: the child (legal name, date of birth, and a stable
reference, the child's public id), the day the review was held and the participation code
(PN0-PN7) the IRO confirmed for it; empty where the IRO has not confirmed one yet. The CSV goes
through `csvsafe`, like every CSV the app writes: a name typed as ``=HYPERLINK(...)`` arrives in
the spreadsheet as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..csvsafe import csv_text
from ..models import Child, Review, ReviewOutcome, ReviewStatus

HEADER: Final = (
    "child_reference",
    "legal_name",
    "date_of_birth",
    "review_date",
    "participation_code",
)


@dataclass(frozen=True)
class CodeRow:
    child_reference: str
    legal_name: str
    date_of_birth: date
    review_date: date
    code: str  # "" until the IRO confirms one


def financial_year(today: date) -> tuple[date, date]:
    """The SSDA903 year so far: from the last 1 April to today."""
    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return start, today


def participation_codes(session: Session, start: date, end: date) -> list[CodeRow]:
    """Every review held from `start` to `end` (both included), by day, then child. One query."""
    rows = session.execute(
        select(
            Child.public_id,
            Child.legal_name,
            Child.date_of_birth,
            Review.held_on,
            ReviewOutcome.code,
        )
        .join(Child, Review.child_id == Child.id)
        .outerjoin(
            ReviewOutcome,
            and_(
                ReviewOutcome.review_id == Review.id,
                ReviewOutcome.confirmed_at.is_not(None),
            ),
        )
        .where(
            Review.status == ReviewStatus.HELD,
            Review.held_on.is_not(None),
            Review.held_on >= start,
            Review.held_on <= end,
        )
        .order_by(Review.held_on, Child.legal_name, Child.id)
    )
    return [
        CodeRow(public_id, name, born, held, code.value if code is not None else "")
        for public_id, name, born, held, code in rows
        if held is not None  # always, by the query
    ]


def csv_for(rows: Sequence[CodeRow]) -> str:
    """The export as CSV text (with a byte order mark, so that Excel reads it as UTF-8)."""
    return "\ufeff" + csv_text(
        [
            HEADER,
            *(
                (
                    row.child_reference,
                    row.legal_name,
                    row.date_of_birth.isoformat(),
                    row.review_date.isoformat(),
                    row.code,
                )
                for row in rows
            ),
        ]
    )
