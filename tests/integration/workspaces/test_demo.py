"""The demo council's workspaces: Jay's two monthly summaries and draft report, Mia's circulated
decisions for "you said, we did"; loading twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from participation.demo import load_demo
from participation.models import (
    AuthSession,
    Child,
    KeyworkerReport,
    Milestone,
    MonthlySummary,
    ReviewDecision,
    ReviewOutcome,
    SentReportVersion,
)
from participation.workspaces.outcomes import service as outcomes


def counts(session):
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (MonthlySummary, KeyworkerReport, ReviewDecision, ReviewOutcome)
    }


def test_the_demo_workspaces_load_once(session):
    load_demo(session)
    first = counts(session)
    assert first == {
        "MonthlySummary": 2,
        "KeyworkerReport": 1,
        # Mia's three (one told to her in person), and one for each earlier circulated review
        "ReviewDecision": 6,
        "ReviewOutcome": 4,  # Mia's last review in full, and each earlier circulated one
    }
    load_demo(session)
    assert counts(session) == first
    # The keyworker's report is started as Tom would start it, without a session being kept.
    assert session.scalar(select(func.count()).select_from(AuthSession)) == 0


def test_every_review_shown_as_circulated_has_its_outcome_and_code(session):
    load_demo(session)
    circulated = session.scalars(
        select(Milestone).where(
            Milestone.name == "decisions-circulated", Milestone.done_on.is_not(None)
        )
    ).all()
    assert circulated
    for task in circulated:
        outcome = session.scalar(
            select(ReviewOutcome).where(ReviewOutcome.review_id == task.review_id)
        )
        assert outcome is not None and outcome.code is not None, task.review_id
        assert outcome.circulated_at is not None
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    report = session.scalar(select(KeyworkerReport))
    assert report.child_id == jay.id and not report.shared
    assert session.scalar(select(func.count()).select_from(SentReportVersion)) == 0
    mia = session.scalar(select(Child).where(Child.preferred_name == "Mia"))
    assert [d.child_text for d in outcomes.child_decisions(session, mia)] == [
        "You will keep living at Willow House.",
        "Priya will find you swimming lessons.",
    ]
    # The one told in person is not on her tablet; Priya's record of telling her is.
    _review, decided = outcomes.team_decisions(session, mia)
    told = [d for d in decided if d.in_person]
    assert len(told) == 1 and told[0].told_by.email == "priya.shah@example.org"
    assert told[0].teller_staff == told[0].told_by and told[0].told_on is not None
