"""The demo council's sharing choices: Jay shared what he said about school and two parts of his
plan with his IRO, so the demo IRO has a pack to read; what he said about home stays his."""

from __future__ import annotations

from sqlalchemy import func, select

from participation.demo import load_demo
from participation.models import Audience, Child, Share
from participation.pack import service as pack_service
from participation.planning import service as planning_service


def test_the_demo_iro_reads_only_what_jay_shared(session):
    load_demo(session)
    load_demo(session)
    assert session.scalar(select(func.count()).select_from(Share)) == 3
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    review = planning_service.planned_review(jay)
    pack = pack_service.build_pack(session, jay, review, Audience.IRO)
    said = [item.text for item in pack.items]
    assert said == ["Maths is better since I sit at the front. I want to do the football club."]
    assert [step.slug for step in pack.sections] == ["taking-part", "where-and-when"]
    assert pack_service.build_pack(session, jay, review, Audience.KEYWORKER).items == []
