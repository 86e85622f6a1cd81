"""The demo council shows a newcomer a plan half made: Jay's."""

from __future__ import annotations

from sqlalchemy import select

from participation.demo import load_demo
from participation.models import Child, MeetingPlan, PlanDecision
from participation.planning import service


def test_jay_has_a_plan_partly_made_and_loading_twice_changes_nothing(session):
    load_demo(session)
    load_demo(session)
    plans = list(session.scalars(select(MeetingPlan)))
    assert len(plans) == 1
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    plan = plans[0]
    assert plan.child_id == jay.id
    assert service.progress(plan).done == 3
    assert len(plan.invitees) == 7
    decision = session.scalar(select(PlanDecision))
    assert "video call" in decision.reason_for_child
    assert service.waiting_for_answer(plan) > 0
