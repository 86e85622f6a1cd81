"""The workspaces in the demo council: Jay's keyworker has written two monthly summaries and
started the report for his next review (a draft, not yet shared with him); Mia's last review has
a decision and an action, circulated, for her "you said, we did".

Loading it twice changes nothing: each part is only added when it is not there yet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..models import (
    AuthSession,
    Child,
    DecisionKind,
    DecisionOwner,
    InMeeting,
    Milestone,
    MonthlySummary,
    ParticipationCode,
    Presence,
    ReportSection,
    Review,
    ReviewDecision,
    ReviewOutcome,
    SessionKind,
    StaffMember,
)
from ..security.principal import StaffPrincipal
from .iro import codes
from .iro.service import CIRCULATED
from .keyworker import service as keyworker

JAY_MONTHS: tuple[dict[ReportSection, str], ...] = (
    {
        ReportSection.HOME: "Settled well into his new room; has put his posters up. Some "
        "arguments with another young person about the Xbox rota.",
        ReportSection.EDUCATION: "Attendance 96%. Moved to sit at the front in maths, which "
        "is helping.",
        ReportSection.HEALTH: "Dentist check-up done. Sleeping better.",
        ReportSection.FAMILY_TIME: "Saw Dad twice; Shanice visited once. Both visits went well.",
        ReportSection.ACTIVITIES: "Asked about the football club at school.",
        ReportSection.WELLBEING: "Mostly calm and cheerful. One upset evening after a phone "
        "call, talked it through with staff.",
        ReportSection.PROGRESS: "Cooking tea with staff once a week.",
    },
    {
        ReportSection.HOME: "Helped plan the house bonfire night. Xbox rota agreed at the "
        "house meeting.",
        ReportSection.EDUCATION: "Three-day exclusion after a fight at lunchtime; back at school "
        "and keen to put it right.",
        ReportSection.HEALTH: "No concerns.",
        ReportSection.FAMILY_TIME: "Saw Dad every other Saturday.",
        ReportSection.ACTIVITIES: "Started football club on Tuesdays.",
        ReportSection.WELLBEING: "Upset and angry around the exclusion; calmer since starting "
        "football.",
        ReportSection.PROGRESS: "Made his own packed lunch all week.",
    },
)


def _months_before(today: date, count: int) -> list[date]:
    months = []
    month = today.replace(day=1)
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return list(reversed(months))


def _staff(session: Session, email: str) -> StaffMember | None:
    return session.scalar(select(StaffMember).where(StaffMember.email == email))


def _child(session: Session, name: str) -> Child | None:
    return session.scalar(select(Child).where(Child.preferred_name == name))


def add_demo_workspaces(session: Session, today: date) -> None:
    """Jay's summaries and draft report, Mia's circulated decisions (each once)."""
    _add_jay(session, today)
    _add_mia(session)
    _add_past_outcomes(session)


def _add_jay(session: Session, today: date) -> None:
    jay = _child(session, "Jay")
    tom = _staff(session, "tom.evans@example.org")
    if jay is None or tom is None:
        return
    has_summaries = session.scalar(
        select(MonthlySummary.id).where(MonthlySummary.child_id == jay.id).limit(1)
    )
    if has_summaries is None:
        for month, texts in zip(_months_before(today, 2), JAY_MONTHS, strict=True):
            session.add(
                MonthlySummary(
                    child_id=jay.id,
                    month=month,
                    written_by_id=tom.id,
                    updated_by_id=tom.id,
                    **{section.column: text for section, text in texts.items()},
                )
            )
        session.flush()
    review = keyworker.report_review(jay)
    if review is None or keyworker.find_report(session, review) is not None:
        return
    # Tom starts the report as he would on the page; this session is never stored.
    principal = StaffPrincipal(tom, AuthSession(kind=SessionKind.STAFF, staff_id=tom.id))
    keyworker.start_report(session, principal, jay, review, lambda m: m.strftime("%B %Y"))


def _add_mia(session: Session) -> None:
    mia = _child(session, "Mia")
    priya = _staff(session, "priya.shah@example.org")
    daniel = _staff(session, "daniel.hughes@example.org")
    if mia is None or priya is None or daniel is None:
        return
    review = keyworker.last_held_review(mia)
    if review is None or review.held_on is None:
        return
    if session.scalar(select(ReviewOutcome.id).where(ReviewOutcome.review_id == review.id)):
        return
    circulated = datetime.combine(review.held_on + timedelta(days=3), time(10), UTC)
    session.add(
        ReviewOutcome(
            review_id=review.id,
            presence=Presence.ATTENDED_PART,
            in_meeting=InMeeting.SPOKE,
            code=ParticipationCode.PN1,
            suggested_code=ParticipationCode.PN1,
            suggestion_basis=InMeeting.SPOKE.value,
            confirmed_by_id=daniel.id,
            confirmed_at=circulated,
            circulated_at=circulated,
            circulated_by_id=daniel.id,
        )
    )
    for kind, text, child_text, owner, due in (
        (
            DecisionKind.DECISION,
            "Mia continues to live at Willow House; the plan is working well.",
            "You will keep living at Willow House.",
            None,
            None,
        ),
        (
            DecisionKind.ACTION,
            "Keyworker to find swimming lessons for Mia near Willow House.",
            "Priya will find you swimming lessons.",
            priya,
            review.held_on + timedelta(weeks=8),
        ),
    ):
        session.add(
            ReviewDecision(
                review_id=review.id,
                kind=kind,
                text=text,
                child_text=child_text,
                owner=DecisionOwner.STAFF if owner else None,
                owner_staff_id=owner.id if owner else None,
                due_on=due,
                created_by_id=daniel.id,
                created_at=circulated,
                updated_at=circulated,
            )
        )
    # News told in person, and the keyworker's record that she told Mia (README: "told in
    # person"): the team sees how it went; Mia's tablet never shows it.
    told_on = min(review.held_on + timedelta(days=4), clock.today())
    session.add(
        ReviewDecision(
            review_id=review.id,
            kind=DecisionKind.DECISION,
            text="Family time with Dad moves to once a month while he is in hospital.",
            child_text="Dad is poorly and in hospital, so you will see him once a month for now.",
            in_person=True,
            teller_staff_id=priya.id,
            told_on=told_on,
            told_by_id=priya.id,
            told_note="Mia was sad, then asked if she could send Dad a card. We made one together.",
            created_by_id=daniel.id,
            created_at=circulated,
            updated_at=circulated,
        )
    )
    session.flush()


def _add_past_outcomes(session: Session) -> None:
    """Every earlier review whose decisions the demo shows as circulated has the outcome that
    says so (how the child took part, the code, when it went out) and a decision: otherwise the
    task list says "circulated" while the IRO's workspace and the SSDA903 export say no code was
    recorded, and the outcome page had nothing that was circulated."""
    circulated = session.execute(
        select(Review, Milestone)
        .join(Milestone, Milestone.review_id == Review.id)
        .where(
            Review.held_on.is_not(None),
            Milestone.name == CIRCULATED,
            Milestone.done_on.is_not(None),
        )
    ).all()
    for review, task in circulated:
        if session.scalar(select(ReviewOutcome.id).where(ReviewOutcome.review_id == review.id)):
            continue
        assert review.held_on is not None and task.done_on is not None
        came = codes.TakingPart(Presence.ATTENDED, InMeeting.SPOKE)
        suggestion = codes.suggest(review.child.age_on(review.held_on), came)
        at = datetime.combine(task.done_on, time(10), UTC)
        session.add(
            ReviewOutcome(
                review_id=review.id,
                presence=came.presence,
                in_meeting=came.in_meeting,
                code=suggestion.code,
                suggested_code=suggestion.code,
                suggestion_basis=suggestion.basis,
                confirmed_by_id=task.done_by_id,
                confirmed_at=at,
                circulated_at=at,
                circulated_by_id=task.done_by_id,
            )
        )
        # Circulated with a decision, as the app requires (QA: "circulated" with none).
        if task.done_by_id is not None:
            session.add(
                ReviewDecision(
                    review_id=review.id,
                    kind=DecisionKind.DECISION,
                    text=f"{review.child.preferred_name} stays where they live now; the plan "
                    "is working.",
                    child_text="You will keep living where you live now.",
                    created_by_id=task.done_by_id,
                    created_at=at,
                    updated_at=at,
                )
            )
    session.flush()
