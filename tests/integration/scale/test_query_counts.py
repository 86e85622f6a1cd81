"""Every staff dashboard makes as many SQL statements for 30 children as for 3 (no N+1).

The children are given what the dashboards show about them: a held review with its outcome and
decisions, the next review with its milestones and meeting plan, monthly summaries, a keyworker
report started, a significant event, a worry, a photo shared with the team; and the council
grows with them (homes, staff, audit events), so that the admin lists grow too. Each page is
fetched once to warm up (the first request may touch the sign-in session), then counted.

Speed is measured by `make bench` and `make load`, not here.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from participation import clock
from participation.audit.service import ANONYMOUS, SYSTEM, record
from participation.models import (
    Audience,
    AuthSession,
    CouncilSettings,
    DecisionKind,
    DecisionOwner,
    Home,
    MonthlySummary,
    ParticipationCode,
    Presence,
    ReviewDecision,
    ReviewOutcome,
    ReviewStatus,
    Role,
    SessionKind,
    WorryAlert,
)
from participation.planning import service as planning
from participation.security.principal import StaffPrincipal
from participation.timetable import service as timetable
from participation.workspaces.keyworker import service as keyworker
from tests.integration.sharing.helpers import make_item, share
from tests.support import factories
from tests.support.queries import count_statements

TODAY = clock.today()
SMALL, LARGE = 3, 30

DASHBOARDS = [
    (Role.KEYWORKER, "/my-children"),
    (Role.KEYWORKER, "/keyworker"),
    (Role.KEYWORKER, "/timetable"),
    (Role.SOCIAL_WORKER, "/my-children"),
    (Role.SOCIAL_WORKER, "/timetable?owner=mine&status=all"),
    (Role.SOCIAL_WORKER, "/social-worker"),
    (Role.IRO, "/my-children"),
    (Role.IRO, "/iro"),
    (Role.IRO, "/timetable?status=overdue"),
    (Role.MANAGER, "/council"),
    (Role.MANAGER, "/council/timetable"),
    (Role.MANAGER, "/council/timetable?status=overdue"),
    (Role.ADMIN, "/admin/"),
    (Role.ADMIN, "/admin/homes"),
    (Role.ADMIN, "/admin/children"),
    (Role.ADMIN, "/admin/children?status=left"),
    (Role.ADMIN, "/admin/staff"),
    (Role.ADMIN, "/admin/staff?role=keyworker"),
    (Role.ADMIN, "/admin/audit"),
    (Role.ADMIN, "/admin/audit?outcome=refused"),
]


class Council:
    """A council that can be made to grow, a child at a time."""

    def __init__(self, session: Session) -> None:
        self.session = session
        session.add(CouncilSettings(name="Growing County Council", nation="ENG"))
        self.team = {role: factories.make_staff(session, role) for role in Role}
        session.commit()
        self.children = 0
        self.homes: list[Home] = []

    def grow_to(self, count: int) -> None:
        while self.children < count:
            self._add_child(self.children)
            self.children += 1
        self.session.commit()

    def _add_child(self, n: int) -> None:
        session, team = self.session, self.team
        if n % 3 == 0:
            self.homes.append(factories.make_home(session, f"Home {n // 3}"))
            # More staff as the council grows: the admin lists grow too.
            factories.make_staff(session, Role.KEYWORKER, name=f"Extra Keyworker {n}")
        became = TODAY - timedelta(days=200 + 5 * n)
        child = factories.make_child(
            session,
            home=self.homes[-1],
            became_looked_after=became,
            preferred_name=f"Child {n:02d}",
        )
        held_on = became + timedelta(days=20)
        held = factories.make_review(
            session, child, 1, due_on=held_on, status=ReviewStatus.HELD, held_on=held_on
        )
        for role in (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO):
            factories.assign(session, team[role], child)
        session.expire(child, ["reviews"])
        timetable.recompute_child(session, child, TODAY)
        self._workspace(child, held)
        if n % 3 == 1:
            timetable.record_event(
                session, child, team[Role.KEYWORKER], "missing", TODAY, "", today=TODAY
            )
            session.add(WorryAlert(child_id=child.id, note="I had a bad dream"))
        if n % 3 == 2:
            child.left_care_on = TODAY - timedelta(days=1)  # the "left care" list grows too
        coming = timetable.next_review(child)
        if coming is not None:  # a meeting plan with a wish for staff to answer
            planning.save_step(
                session, child, coming, "food-and-drink", {"food": ["pizza"]}, 0, finish=True
            )
        item = make_item(session, child, timetable.next_review(child), f"My words {n}")
        share(session, item, Audience.IRO)
        share(session, item, Audience.KEYWORKER)
        session.flush()
        engine = session.get_bind()
        record(engine, ANONYMOUS, "sign-in", outcome="refused")  # type: ignore[arg-type]
        record(engine, SYSTEM, "view-child", subject_type="child", subject_id=child.public_id)  # type: ignore[arg-type]

    def _workspace(self, child: object, held: object) -> None:
        session, team = self.session, self.team
        iro, kw = team[Role.IRO], team[Role.KEYWORKER]
        for months_ago in (1, 2):
            month = (TODAY.replace(day=1) - timedelta(days=28 * months_ago)).replace(day=1)
            session.add(
                MonthlySummary(
                    child_id=child.id,  # type: ignore[attr-defined]
                    month=month,
                    home="Settled.",
                    written_by_id=kw.id,
                    updated_by_id=kw.id,
                )
            )
        circulated = datetime.combine(held.held_on + timedelta(days=3), time(10), UTC)  # type: ignore[attr-defined]
        session.add(
            ReviewOutcome(
                review_id=held.id,  # type: ignore[attr-defined]
                presence=Presence.ATTENDED_PART,
                code=ParticipationCode.PN1,
                confirmed_by_id=iro.id,
                confirmed_at=circulated,
                circulated_at=circulated,
                circulated_by_id=iro.id,
            )
        )
        for kind in (DecisionKind.DECISION, DecisionKind.ACTION):
            session.add(
                ReviewDecision(
                    review_id=held.id,  # type: ignore[attr-defined]
                    kind=kind,
                    text="To carry on.",
                    child_text="You carry on.",
                    owner=DecisionOwner.STAFF if kind == DecisionKind.ACTION else None,
                    owner_staff_id=kw.id if kind == DecisionKind.ACTION else None,
                    due_on=TODAY + timedelta(days=30) if kind == DecisionKind.ACTION else None,
                    created_by_id=iro.id,
                    created_at=circulated,
                    updated_at=circulated,
                )
            )
        session.flush()
        review = keyworker.report_review(child)  # type: ignore[arg-type]
        if review is not None:
            principal = StaffPrincipal(kw, AuthSession(kind=SessionKind.STAFF, staff_id=kw.id))
            keyworker.start_report(session, principal, child, review, lambda m: m.isoformat())  # type: ignore[arg-type]


@pytest.fixture
def council(session: Session) -> Council:
    return Council(session)


@pytest.mark.parametrize("role", sorted({role for role, _path in DASHBOARDS}))
def test_dashboards_ask_the_database_as_often_for_30_children_as_for_3(
    client: FlaskClient,
    auth: object,
    council: Council,
    role: Role,
) -> None:
    # One council per role, grown once: every one of that role's dashboards is counted at both
    # sizes (building 30 children is what takes the time here).
    paths = [path for who, path in DASHBOARDS if who == role]
    council.grow_to(SMALL)
    auth.sign_in(council.team[role])  # type: ignore[attr-defined]
    small = {path: count_statements(client, path) for path in paths}
    council.grow_to(LARGE)
    large = {path: count_statements(client, path) for path in paths}
    grew = {path: (small[path], large[path]) for path in paths if small[path] != large[path]}
    assert not grew, f"statements for {SMALL} and for {LARGE} children, as {role.value}: {grew}"
