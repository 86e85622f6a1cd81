"""Answers held between a refused save and the child's next look at the page.

Pages save as the child goes (planning.js, views.js), so a break, giving the tablet back or the
idle lock loses nothing. One case could not be saved: words too long for their box (the page
asks for them shorter and keeps them on screen). Before a lock the page is left, and what was
on it went with it. Now such a refused save holds what was sent, for the child, and the page
shows it again (with what to change) when the child next opens it, on this sitting or a later
one (giving the tablet back ends the sitting; the next one starts on that page). A save of the
page lets go of it.

Held answers are the child's own words, shown only in their own space: never to staff, never
in the pack, and swept away after HOLD_FOR.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import HeldAnswers, utcnow

# Long enough for a break of a few days (locked at bedtime, carried on at the weekend).
HOLD_FOR = timedelta(days=7)
# Far more than any page's boxes allow together; a whole book pasted in is not held.
MOST_HELD = 100_000
# Never held: the form's token belongs to the request that sent it (under a form's prefix too:
# "d-<id>-csrf_token"); "who wrote it down" names the adult who handed the tablet over, and the
# next sitting may be someone else's hand-over.
NOT_HELD = frozenset({"csrf_token", "author"})


def _held_field(name: str) -> bool:
    return name not in NOT_HELD and not name.endswith("-csrf_token")


def hold(session: Session, *, child_id: int, path: str, answers: Iterable[tuple[str, str]]) -> bool:
    """Hold what a page sent, in place of what was held for it before. False when there is
    nothing to hold, or too much: then nothing is held for the page (an older hold would bring
    back words the child has since changed)."""
    pairs = [[name, value] for name, value in answers if _held_field(name)]
    if not pairs or sum(len(name) + len(value) for name, value in pairs) > MOST_HELD:
        let_go(session, child_id=child_id, path=path)
        return False
    for _attempt in range(2):
        row = _find(session, child_id, path)
        if row is None:
            row = HeldAnswers(child_id=child_id, path=path)
            session.add(row)
        row.answers = pairs
        row.created_at = utcnow()  # HOLD_FOR counts from the newest
        try:
            session.commit()
            return True
        except IntegrityError:
            # Two tablets held the same page at once: the other made the row; update it.
            session.rollback()
    return False


def held(session: Session, *, child_id: int, path: str) -> list[tuple[str, str]] | None:
    """What is held for this child's page, or None (nor anything older than HOLD_FOR, whether
    or not the sweep has run)."""
    row = _find(session, child_id, path)
    if row is None or row.created_at < utcnow() - HOLD_FOR:
        return None
    return [(str(name), str(value)) for name, value in row.answers]


# Pages a new sitting never opens on, held or not: the adult who hands the tablet over sees
# the first page, and a worry not yet sent may be about them. The child finds it again there.
NEVER_OPENED_ON = frozenset({"/me/worried"})


def newest_path(session: Session, *, child_id: int) -> str | None:
    """The page the child's newest held answers belong to (a new sitting starts there)."""
    return session.scalar(
        select(HeldAnswers.path)
        .where(
            HeldAnswers.child_id == child_id,
            HeldAnswers.created_at >= utcnow() - HOLD_FOR,
            HeldAnswers.path.not_in(NEVER_OPENED_ON),
        )
        .order_by(HeldAnswers.created_at.desc(), HeldAnswers.id.desc())
        .limit(1)
    )


def let_go(session: Session, *, child_id: int, path: str) -> None:
    """The page was saved: what was held for it is no longer needed. (Looked for first: a
    DELETE, even of nothing, would hold SQLite's write lock until the request ends.)"""
    row = _find(session, child_id, path)
    if row is not None:
        session.delete(row)
        session.commit()


def sweep(session: Session, now: datetime) -> int:
    """Delete the held answers older than HOLD_FOR."""
    result = session.execute(delete(HeldAnswers).where(HeldAnswers.created_at < now - HOLD_FOR))
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _find(session: Session, child_id: int, path: str) -> HeldAnswers | None:
    return session.scalar(
        select(HeldAnswers).where(HeldAnswers.child_id == child_id, HeldAnswers.path == path)
    )
