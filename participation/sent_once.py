"""A save sent twice makes one thing.

On weak wifi a save can reach the server while its answer never reaches the device; the page
then sends it again, or the person presses the button again, or a reload sends it again. Each
page of a form that makes something carries a key of its own (forms.FormKeyField). The first
sending remembers the key with what it made, in the same commit; a later sending with the same
key from the same person makes nothing and is shown what the first one made.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .audit.service import Actor
from .models import SentForm

# Far longer than any retry; a page left open for a week is sent as new (its token has run out
# long before, so it would be sent again only after the page came back with a fresh one).
KEEP_FOR = timedelta(days=7)


def _sender(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id}"[:40]


class SentBefore:
    """What the first sending of a key made (`made_id`, a public id, or None)."""

    def __init__(self, made_id: str | None) -> None:
        self.made_id = made_id


def sent_before(session: Session, actor: Actor, key: str | None) -> SentBefore | None:
    """The first sending of this page's save, if this is not it."""
    if not key:
        return None
    row = session.get(SentForm, (_sender(actor), key))
    return SentBefore(row.made_id) if row is not None else None


def remember(session: Session, actor: Actor, key: str | None, made_id: str | None) -> None:
    """Keep the key with what its sending made; committed with it (a second sending at the
    same moment then fails on the key, and the caller shows what the first made)."""
    if key:
        session.add(SentForm(sender=_sender(actor), key=key, made_id=made_id))


def sweep(session: Session, now: datetime) -> int:
    """Forget keys older than KEEP_FOR."""
    result = session.execute(delete(SentForm).where(SentForm.sent_at < now - KEEP_FOR))
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
