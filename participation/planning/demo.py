"""A plan half made, for the demo council: Jay (11) has chosen who comes, how he takes part and
where and when; food and the room are still to do; his social worker has answered one wish.

Loading it twice changes nothing: an existing plan is left as it is.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Answer,
    Attendance,
    Chairing,
    Child,
    DecisionOutcome,
    DecisionTopic,
    MeetingPlan,
    MeetingTime,
    Place,
    PlanDecision,
    PlanInvitee,
    Role,
    StaffMember,
    Wish,
    utcnow,
)
from . import service, steps

# (name in Jay's network, or the staff role) -> (wish, which part, why)
JAY_WISHES: dict[str | Role, tuple[Wish, str, str]] = {
    "Dean Clarke": (
        Wish.PART,
        "The start, to hear how I'm doing",
        "I want my dad to hear the good stuff",
    ),
    "Shanice Clarke": (Wish.YES, "", ""),
    "Mr Osei": (Wish.WRITTEN, "", "It's weird having teachers at home"),
    "Marcus Reid": (Wish.YES, "", "He's on my side"),
    Role.KEYWORKER: (Wish.YES, "", ""),
    Role.SOCIAL_WORKER: (Wish.YES, "", ""),
    Role.IRO: (Wish.YES, "", ""),
}


def add_demo_plan(session: Session) -> None:
    """Give Jay a partly filled plan for his next meeting (once)."""
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    review = service.planned_review(jay) if jay else None
    if jay is None or review is None or service.find_plan(session, review) is not None:
        return
    plan = MeetingPlan.blank(jay, review)
    plan.version = 1
    plan.attendance = Attendance.ALL
    plan.chairing = Chairing.CO_CHAIR
    plan.meet_iro_first = Answer.YES
    plan.meet_iro_when = "After football on a Tuesday"
    plan.advocate = Answer.NO
    plan.interpreter = Answer.NO
    plan.place = Place.HOME
    plan.times = [MeetingTime.AFTER_SCHOOL.value]
    plan.avoid = "Not on Thursdays, that's football"
    plan.steps_done = [steps.WHO_COMES, steps.TAKING_PART, steps.WHERE_AND_WHEN]
    plan.step_versions = {steps.WHO_COMES: 1, steps.TAKING_PART: 1, steps.WHERE_AND_WHEN: 1}
    session.add(plan)
    position = 0
    for person in jay.network:
        if person.name in JAY_WISHES:
            wish, part, why = JAY_WISHES[person.name]
            position += 1
            plan.invitees.append(
                PlanInvitee(
                    network_person_id=person.id,
                    wish=wish,
                    part=part,
                    why=why,
                    position=position,
                )
            )
    for assignment in jay.assignments:
        if assignment.active and assignment.role in JAY_WISHES:
            wish, part, why = JAY_WISHES[assignment.role]
            position += 1
            plan.invitees.append(
                PlanInvitee(
                    staff_id=assignment.staff_id,
                    staff_role=assignment.role,
                    wish=wish,
                    position=position,
                )
            )
    session.flush()
    social_worker = session.scalar(
        select(StaffMember).where(StaffMember.email == "grace.okafor@example.org")
    )
    dad = next(
        (i for i in plan.invitees if i.network_person and i.network_person.name == "Dean Clarke"),
        None,
    )
    if social_worker is not None and dad is not None:
        plan.decisions.append(
            PlanDecision(
                topic=DecisionTopic.WHO,
                subject=service.subject_for(DecisionTopic.WHO, dad),
                invitee=dad,
                outcome=DecisionOutcome.CHANGED,
                reason_for_child=(
                    "Your dad can't get to Oak Lodge that day, so he will join on a video call "
                    "for the start of your meeting."
                ),
                answered_wish=dad.wish.value,
                decided_by_id=social_worker.id,
                decided_at=utcnow(),
            )
        )
