"""Sharing choices for the demo council, so a demo IRO has a pack to read: Jay (11) has had
sharing explained, and has chosen to share what he said about school, and how he will take part
and where and when, with his IRO; what he said about living here stays private to him.

Loading it twice changes nothing: a child who has made any choice is left as they are.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..child import service as space_service
from ..models import Audience, Child, Item, Share, ShareDecision
from ..planning import service as planning_service
from ..planning import steps
from . import service, words


def add_demo_shares(session: Session, today: date) -> None:
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    if jay is None or session.scalar(select(Share.id).where(Share.child_id == jay.id).limit(1)):
        return
    review = planning_service.planned_review(jay)
    space = space_service.space_for(session, jay)
    service.record_understood(session, jay, space_service.age_band(jay, space, today))
    subjects = [
        service.item_choice(item)
        for item in session.scalars(
            select(Item).where(Item.child_id == jay.id, Item.topic == "school")
        )
    ]
    if review is not None:
        subjects += [
            service.plan_choice(jay, review, section)
            for section in (steps.TAKING_PART, steps.WHERE_AND_WHEN)
        ]
    for subject in subjects:
        service.decide(
            session,
            subject,
            Audience.IRO,
            ShareDecision.SHARED,
            loaded_version=0,
            words_shown=str(words.MEANING[(Audience.IRO, ShareDecision.SHARED)]),
        )
