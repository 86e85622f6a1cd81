"""What the workspaces put on other areas' pages: a panel on the child's record (staff). Templates
call this helper; it works out only what the person looking may see. (The cards on the child's
own page are read with the others, in child/page_cards.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import g

from .. import clock
from ..db import db
from ..models import Child, KeyworkerReport, Review, ReviewDecision, Role, SentReportVersion
from ..security.policy import (
    audience_of,
    can_view_action_notes,
    may_keep_keyworker_records,
    may_prepare_invitations,
    may_read_pack,
    may_read_sent_keyworker_report,
    may_record_review_outcome,
    may_record_told,
)
from ..security.principal import StaffPrincipal
from .keyworker import service as keyworker
from .outcomes import service as outcomes


@dataclass(frozen=True)
class RecordPanel:
    """The review work this member of staff can open for one child."""

    role: Role
    next_review: Review | None
    last_held: Review | None
    report: KeyworkerReport | None
    sent: list[SentReportVersion]
    keyworker: bool
    iro: bool
    invitations: bool
    action_notes: bool
    pack: bool


def record_panel(child: Child) -> RecordPanel | None:
    """For the child's record: links to the keyworker's, IRO's and social worker's pages."""
    principal = g.get("principal")
    if not isinstance(principal, StaffPrincipal):
        return None
    session = db.session()
    review = keyworker.report_review(child)
    is_keyworker = may_keep_keyworker_records(principal)
    audience = audience_of(principal)
    return RecordPanel(
        role=principal.role,
        next_review=review,
        last_held=keyworker.last_held_review(child),
        report=keyworker.find_report(session, review) if is_keyworker and review else None,
        sent=(
            keyworker.sent_for_child(session, child)
            if may_read_sent_keyworker_report(principal)
            else []
        ),
        keyworker=is_keyworker,
        iro=may_record_review_outcome(principal),
        invitations=may_prepare_invitations(principal),
        action_notes=can_view_action_notes(session, principal, child),
        pack=review is not None
        and audience is not None
        and may_read_pack(session, principal, child, review, audience),
    )


def decisions_panel(child: Child) -> tuple[Review | None, list[ReviewDecision], bool]:
    """For the child's record: the last circulated review's decisions and actions, for staff
    (the record page has checked they may see the child), and whether this person may record
    that the child was told one in person."""
    principal = g.get("principal")
    if not isinstance(principal, StaffPrincipal):
        return None, [], False
    session = db.session()
    review, decided = outcomes.team_decisions(session, child)
    return review, decided, may_record_told(session, principal, child)


def decisions_to_consider(review: Review) -> list[ReviewDecision]:
    """For the team manager's task "considers the decisions": the review's circulated decisions
    on the task's own page (QA: the manager had to find them on the child's record)."""
    if not isinstance(g.get("principal"), StaffPrincipal):
        return []
    return outcomes.circulated_for_team(db.session(), review)


@dataclass(frozen=True)
class Yours:
    """For a landing page: what reviews left this person to do, and (an IRO) how many
    decisions and actions need their attention (None for anyone else)."""

    from_reviews: outcomes.YoursFromReviews
    flagged: int | None
    today: date


def yours_panel(count_flags: bool = True) -> Yours | None:
    """``count_flags`` False where the page lists the flags itself (the IRO's workspace): they
    are not read twice."""
    principal = g.get("principal")
    if not isinstance(principal, StaffPrincipal):
        return None
    session = db.session()
    today = clock.today()
    flagged = None
    if count_flags and may_record_review_outcome(principal):
        flagged = len(outcomes.flagged(session, principal, today))
    return Yours(outcomes.yours_from_reviews(session, principal.staff), flagged, today)


def template_helpers() -> dict[str, Any]:
    return {
        "workspace_record_panel": record_panel,
        "review_decisions_panel": decisions_panel,
        "yours_panel": yours_panel,
        "decisions_to_consider": decisions_to_consider,
    }
