"""Caseload lists: the children a staff member works with, and their next reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..models import OPEN_REVIEW, Child, Lateness, Placement, Review
from ..models.review import meeting_day
from ..security.policy import children_visible_to
from ..security.principal import StaffPrincipal
from ..timetable.service import Overdue, overdue_by_child


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    age: int
    home_name: str
    next_review: Review | None
    # How many of the child's review tasks are overdue (see participation.timetable), and how
    # many of them are the reader's role's.
    overdue: int = 0
    overdue_yours: int = 0
    late: Lateness | None = None  # the next review's, if it is out of time


# Built once: the statement for load_reviews.
_REVIEWS_OF_CHILD = (
    select(Review).where(Review.child_id == bindparam("child_id")).order_by(Review.number)
)


def load_reviews(session: Session, child: Child) -> None:
    """Fill `child.reviews` (same rows, same order) with one prebuilt query.

    For My page, the page children open most: it reads the reviews on every visit, and
    SQLAlchemy's lazy loader spends about twice as long getting ready as this query takes to
    run (benchmarks/rps_bench.py). Everything that reads `child.reviews` then works as usual."""
    rows = session.scalars(_REVIEWS_OF_CHILD, {"child_id": child.id}).all()
    set_committed_value(child, "reviews", list(rows))


def next_review(child: Child) -> Review | None:
    """The first review still to come (planned, or adjourned to another day), by number: the
    same review the timetable works from (timetable.service.next_review)."""
    for review in child.reviews:  # by number (the relationship's order)
        if review.status in OPEN_REVIEW and review.held_on is None:
            return review
    return None


def _row(child: Child, today: date, overdue: dict[int, Overdue]) -> CaseloadRow:
    upcoming = next_review(child)
    late_tasks = overdue.get(child.id, Overdue(0, 0))
    return CaseloadRow(
        child=child,
        age=child.age_on(today),
        home_name=child.home.name if child.home else "",
        next_review=upcoming,
        overdue=late_tasks.all,
        overdue_yours=late_tasks.yours,
        late=upcoming.lateness(today) if upcoming else None,
    )


def caseload(session: Session, principal: StaffPrincipal, today: date) -> list[CaseloadRow]:
    """The children this staff member may see, soonest review first. A fixed number of queries."""
    query = (
        children_visible_to(principal)
        .where(Child.left_care_on.is_(None))
        .options(selectinload(Child.home), selectinload(Child.reviews))
    )
    overdue = overdue_by_child(session, principal, today)
    rows = [_row(child, today, overdue) for child in session.scalars(query)]
    rows.sort(
        key=lambda r: (
            r.next_review.meeting_date if r.next_review else date.max,
            r.child.preferred_name,
        )
    )
    return rows


COUNCIL_PAGE_SIZE = 50


@dataclass(frozen=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    total: int
    page: int
    pages: int
    start: int = 0  # how many rows come before this page's


def caseload_page(
    session: Session, principal: StaffPrincipal, today: date, page: int, per_page: int
) -> CaseloadPage:
    """One page of `caseload`, in the same order, for lists that grow to thousands (the
    council's). The order is worked out from two columns per child, so only the children shown
    are loaded with their homes and reviews: a fixed number of queries, and little memory."""
    first_planned = (
        select(Review.child_id, func.min(Review.number).label("number"))
        .where(Review.status.in_(OPEN_REVIEW), Review.held_on.is_(None))
        .group_by(Review.child_id)
        .subquery()
    )
    visible = children_visible_to(principal).where(Child.left_care_on.is_(None)).subquery()
    keys = list(
        session.execute(
            select(visible.c.id, visible.c.preferred_name, Review.scheduled_at, Review.due_on)
            .outerjoin(first_planned, first_planned.c.child_id == visible.c.id)
            .outerjoin(
                Review,
                (Review.child_id == visible.c.id) & (Review.number == first_planned.c.number),
            )
        )
    )

    # A child with no review still to come (no due date) sorts last.
    keys.sort(key=lambda k: (meeting_day(k.due_on or date.max, k.scheduled_at), k.preferred_name))
    pages, page, start = _page(len(keys), page, per_page)
    shown = [k.id for k in keys[start : start + per_page]]
    children = {
        child.id: child
        for child in session.scalars(
            select(Child)
            .where(Child.id.in_(shown))
            .options(selectinload(Child.home), selectinload(Child.reviews))
        )
    }
    overdue = overdue_by_child(session, principal, today)
    rows = [_row(children[child_id], today, overdue) for child_id in shown]
    return CaseloadPage(rows, len(keys), page, pages, start)


# A workspace's cards for this many children at a time: past it a page is slow to build and to
# read (measured: benchmarks/dashboard_bench.py), and what needs attention is said first anyway.
WORKSPACE_PAGE_SIZE = 50


def _page(total: int, page: int, per_page: int) -> tuple[int, int, int]:
    """How many pages, the page asked for within them, and the index of its first row."""
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    return pages, page, (page - 1) * per_page


def page_of(rows: list[CaseloadRow], page: int, per_page: int | None = None) -> CaseloadPage:
    """One page of a caseload already loaded whole: for a workspace, which says first what
    needs attention across all the children and then shows a page of them."""
    per_page = per_page or WORKSPACE_PAGE_SIZE
    pages, page, start = _page(len(rows), page, per_page)
    return CaseloadPage(rows[start : start + per_page], len(rows), page, pages, start)


def child_by_public_id(session: Session, public_id: str) -> Child | None:
    return session.scalar(select(Child).where(Child.public_id == public_id))


def reviews_for(session: Session, child: Child) -> list[Review]:
    return list(
        session.scalars(select(Review).where(Review.child_id == child.id).order_by(Review.number))
    )


# England's measure of placement stability counts the children with three or more placements in
# a year: the child's record says so, for the review to consider.
UNSTABLE_PLACEMENTS = 3
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class PlacementHistory:
    rows: list[Placement]  # the newest first
    in_last_year: int  # placements the child lived in at some time in the last 365 days

    @property
    def unstable(self) -> bool:
        return self.in_last_year >= UNSTABLE_PLACEMENTS


def placement_history(session: Session, child: Child, today: date) -> PlacementHistory:
    """Where the child has lived, and how many places in the last year. One query."""
    rows = list(
        session.scalars(
            select(Placement)
            .where(Placement.child_id == child.id)
            .options(selectinload(Placement.home))
            .order_by(Placement.id.desc())
        )
    )
    since = today - YEAR
    in_year = sum(
        1
        for row in rows
        if (row.ended_on is None or row.ended_on >= since)
        and (row.started_on is None or row.started_on <= today)
    )
    return PlacementHistory(rows, in_year)
