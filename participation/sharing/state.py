"""The current state of a child's sharing choices, worked out from the versioned `Share` rows.

Pure rules over rows: no request, no Flask. `security.policy` asks these questions (and is the
only caller that turns them into "may see"); the sharing and pack pages use them for words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from ..models import Audience, Item, Share, ShareDecision

# The order the child meets them in, on every page.
AUDIENCES: tuple[Audience, ...] = (
    Audience.KEYWORKER,
    Audience.SOCIAL_WORKER,
    Audience.IRO,
    Audience.MEETING,
)
AUDIENCE_BY_VALUE = {audience.value: audience for audience in AUDIENCES}

Current = Mapping[Audience, Share]


def item_subject(item: Item) -> str:
    return f"item:{item.id}"


def plan_subject(review_id: int, section: str) -> str:
    return f"plan:{review_id}:{section}"


def reaches(shared_with: Audience, reader: Audience) -> bool:
    """Does something shared with `shared_with` reach `reader`? "Everyone at my meeting" reaches
    the keyworker, social worker and IRO too (they are at the meeting); nothing else spreads."""
    return shared_with == reader or shared_with == Audience.MEETING


def latest_shares(
    session: Session, subject_keys: Iterable[str]
) -> dict[str, dict[Audience, Share]]:
    """subject key -> audience -> the latest Share row (the current decision), in one query."""
    keys = sorted(set(subject_keys))
    if not keys:
        return {}
    newest = (
        select(Share.subject_key, Share.audience, func.max(Share.version).label("version"))
        .where(Share.subject_key.in_(keys))
        .group_by(Share.subject_key, Share.audience)
        .subquery()
    )
    rows = session.scalars(
        select(Share).where(
            tuple_(Share.subject_key, Share.audience, Share.version).in_(
                select(newest.c.subject_key, newest.c.audience, newest.c.version)
            )
        )
    )
    found: dict[str, dict[Audience, Share]] = {key: {} for key in keys}
    for row in rows:
        found[row.subject_key][row.audience] = row
    return found


def ever_reached(session: Session, subject_keys: Iterable[str], reader: Audience) -> set[str]:
    """The subject keys, of those given, that some choice (the latest or an earlier one) shared
    with an audience reaching `reader`: what that reader may have seen at some time."""
    keys = sorted(set(subject_keys))
    if not keys:
        return set()
    return set(
        session.scalars(
            select(Share.subject_key)
            .where(
                Share.subject_key.in_(keys),
                Share.decision == ShareDecision.SHARED,
                Share.audience.in_([a for a in AUDIENCES if reaches(a, reader)]),
            )
            .distinct()
        )
    )


def shared_with(current: Current) -> set[Audience]:
    """The audiences the child chose to share with (as chosen, before "reaches")."""
    return {a for a, row in current.items() if row.decision == ShareDecision.SHARED}


def who_can_see(current: Current) -> set[Audience]:
    """Every audience that can see the subject now, "everyone at my meeting" spread out."""
    chosen = shared_with(current)
    return {reader for reader in AUDIENCES if any(reaches(a, reader) for a in chosen)}


def visible_to(current: Current, reader: Audience) -> bool:
    return reader in who_can_see(current)


def version_of(current: Current, audience: Audience) -> int:
    """The version a form must carry to change this choice (0: never chosen)."""
    row = current.get(audience)
    return row.version if row is not None else 0
