"""A few things said, for the demo council: Jay (11) has said something about living here and
school, one of them written down by his keyworker with him. Private to Jay, like everything a
child says, so staff signing in to the demo will not see them; Jay will, on the tablet.

Loading it twice changes nothing: a child who has said anything is left as they are.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Child, Item, ItemAuthor, ItemKind, StaffMember
from . import service

JAY_SAYS = (
    (
        "living-here",
        "I like my room now I've got my posters up. The rota for the Xbox is unfair.",
        4,
    ),
    ("school", "Maths is better since I sit at the front. I want to do the football club.", 3),
)


def add_demo_views(session: Session) -> None:
    """Give Jay something said in "My views" (once)."""
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    if jay is None or service.count_items(session, jay):
        return
    keyworker = session.scalar(
        select(StaffMember).where(StaffMember.email == "tom.evans@example.org")
    )
    for number, (topic, text, feeling) in enumerate(JAY_SAYS):
        written_by = keyworker if number == 1 and keyworker is not None else None
        session.add(
            Item(
                child_id=jay.id,
                topic=topic,
                kind=ItemKind.TEXT,
                text=text,
                feeling=feeling,
                author=ItemAuthor.KEYWORKER_WITH_CHILD if written_by else ItemAuthor.CHILD,
                written_by_id=written_by.id if written_by else None,
            )
        )
