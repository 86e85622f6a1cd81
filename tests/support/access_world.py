"""A small council for the access matrix (tests/integration/security/test_access_matrix.py).

Two homes. Child A (home 1) with keyworker KA, social worker SW and IRO A; child B (home 2) with
keyworker KB, their own social worker and IRO B; a manager, an administrator, and a spare
keyworker for the administration pages to act on. Each child has records of every kind a URL
can name: reviews (two held, one coming), a meeting plan with answers, a staff answer and a
shared section, "My views" items with a photo (one shared with everyone at the meeting, one
private), a monthly summary, a keyworker report shared with the child and sent, a team action
note, the IRO's meeting with the child, decisions on the coming review and circulated ones on
the last, a personal link, an open worry alert, a significant event and a sent review pack.

Everything is made through the areas' own services (and the test factories), and the world is
described by plain public ids, never ORM objects: requests end the thread's session, and the
ids stay good for the whole module.

`Snapshot` copies every table but the audit record, to tell whether a request changed anything
and to put the world back as it was after a request that was allowed to change it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Engine, Table, event, inspect, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from participation import clock
from participation.child import service as space_service
from participation.models import (
    Audience,
    AuthSession,
    Base,
    CouncilSettings,
    DecisionOutcome,
    DecisionTopic,
    NetworkRole,
    ReportSection,
    ReviewStatus,
    Role,
    SessionKind,
    ShareDecision,
    StaffMember,
    utcnow,
)
from participation.pack import service as pack_service
from participation.planning import service as planning_service
from participation.security.principal import StaffPrincipal
from participation.sharing import service as sharing_service
from participation.timetable import service as timetable_service
from participation.workspaces.iro import service as iro_service
from participation.workspaces.keyworker import service as keyworker_service
from participation.worry import service as worry_service
from tests.integration.sharing.helpers import make_item
from tests.support import factories
from tests.support.child_fixtures import CODE

# Never compared nor restored: appended to by every request, denied ones included.
AUDIT_TABLE = "audit_events"
# Rewritten by reading a page (at most once a minute): not a change anybody made.
TOUCHED_COLUMN = ("auth_sessions", "last_seen_at")
_TOUCH = re.compile(r"^\s*UPDATE auth_sessions SET last_seen_at=\S+ WHERE ", re.IGNORECASE)
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Side:
    """One child and everything of theirs, as public ids (and a few row ids)."""

    child: str
    child_id: int
    home: str
    keyworker: str
    keyworker_id: int
    social_worker_id: int
    iro_id: int
    review: str  # the coming review
    held_review: str  # the last one held, its decisions circulated
    person: str  # someone in the child's network
    item: str  # a "My views" item with a photo, shared with everyone at the meeting
    media: str  # that item's photo
    private_item: str  # an item with a photo that the child keeps to themselves
    private_media: str
    summary: str  # a monthly summary
    sent_report: str  # the keyworker report as sent
    iro_meeting: str  # the IRO meeting the child before the coming review
    decision: str  # a decision on the coming review (not yet circulated)
    circulated_decision: str  # one on the last review, in "you said, we did"
    told_decision: str  # one on the last review, to be told to the child in person
    owned_action: str  # an action on the last review that the child's keyworker owns
    link: str  # a personal link's public id
    link_token: str  # and the token in its address
    worry: str  # an open "I'm worried" alert
    event: str  # a significant event
    # Words that name this child or say what they said: no page for anyone who does not work
    # with the child may show them.
    markers: tuple[str, ...]
    secret: str  # the words of the private item: no page for any member of staff shows them


@dataclass(frozen=True)
class World:
    a: Side
    b: Side
    manager_id: int
    admin_id: int
    spare_staff: str  # a keyworker with no children, for the staff administration pages
    closure_day: str  # ISO date of a day the offices are closed


# --- building ------------------------------------------------------------------------------------


def _weekday_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _side(session: Session, app: Flask, letter: str, today: date) -> Side:
    storage = app.extensions["media_storage"]
    home = factories.make_home(session, name=f"Home {letter}")
    became = today - timedelta(days=200)
    child = factories.make_child(
        session,
        home=home,
        preferred_name=f"Child{letter}",
        legal_name=f"Legalname {letter}{letter}",
        date_of_birth=date(today.year - 12, 3, 1),
        became_looked_after=became,
    )
    keyworker = factories.make_staff(session, Role.KEYWORKER, name=f"Keyworker {letter}")
    social_worker = factories.make_staff(session, Role.SOCIAL_WORKER, name=f"Social {letter}")
    iro = factories.make_staff(session, Role.IRO, name=f"Iro {letter}")
    for member in (keyworker, social_worker, iro):
        factories.assign(session, member, child)
    held_days = (became + timedelta(days=14), today - timedelta(days=100))
    for number, day in enumerate(held_days, 1):
        factories.make_review(
            session, child, number, due_on=day, status=ReviewStatus.HELD, held_on=day
        )
    person = factories.make_person(
        session,
        child,
        name=f"Parent {letter}",
        relationship_to_child="Mum",
        role=NetworkRole.PARENT,
        parental_responsibility=True,
    )
    session.commit()
    session.expire(child, ["reviews"])
    timetable_service.recompute_child(session, child, today)
    session.commit()
    session.refresh(child)
    review = timetable_service.next_review(child)
    held = max((r for r in child.reviews if r.held_on is not None), key=lambda r: r.number)
    assert review is not None

    # The child's space: a picture code, a personal link, and the sharing explanation read.
    space_service.set_picture_code(session, child, CODE, keyworker)
    link, token = space_service.create_personal_link(session, child, keyworker)
    space = space_service.space_for(session, child)
    sharing_service.record_understood(session, child, space_service.age_band(child, space, today))

    # The meeting plan: answers, a person chosen, a staff answer, a section shared with the IRO.
    planning_service.save_step(
        session,
        child,
        review,
        "where-and-when",
        {"place": "home", "times": ["after-school"], "avoid": ""},
        0,
        finish=True,
    )
    planning_service.save_step(
        session, child, review, "food-and-drink", {"food": ["pizza"], "diet": ""}, 0, finish=True
    )
    plan = planning_service.save_people(
        session,
        child,
        review,
        [planning_service.WishAnswer(f"person-{person.public_id}", "part", "The start", "")],
        0,
        finish=True,
    )
    planning_service.decide(
        session, plan, DecisionTopic.FOOD, None, DecisionOutcome.AGREED, "", social_worker, 0
    )
    sharing_service.decide(
        session,
        sharing_service.plan_choice(child, review, "taking-part"),
        Audience.IRO,
        ShareDecision.SHARED,
        loaded_version=0,
        words_shown="test",
    )

    # My views: one item shared with everyone at the meeting, one private, each with a photo.
    said = f"What {letter} wants everyone to know"
    secret = f"{letter} keeps this secret"
    shared = make_item(session, child, review, said, photos=1, storage=storage)
    sharing_service.decide(
        session,
        sharing_service.item_choice(shared),
        Audience.MEETING,
        ShareDecision.SHARED,
        loaded_version=0,
        words_shown="test",
    )
    private = make_item(session, child, review, secret, photos=1, storage=storage)

    # The keyworker's records: a summary, the report shared with the child and sent, a note.
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    summary = keyworker_service.add_summary(
        session,
        child,
        keyworker,
        last_month,
        {ReportSection.HOME: "Settled in well."},
        today=today,
    )
    session.commit()
    principal = StaffPrincipal(
        keyworker, AuthSession(kind=SessionKind.STAFF, staff_id=keyworker.id)
    )
    report = keyworker_service.start_report(
        session, principal, child, review, lambda month: month.strftime("%B %Y")
    )
    session.commit()
    keyworker_service.share_with_child(session, report, keyworker, today=today)
    session.commit()
    sent = keyworker_service.send_report(
        session, report, keyworker, keyworker_service.recipients(child), today=today
    )
    keyworker_service.add_action_note(session, child, keyworker, "Swimming lessons to book.")
    session.commit()

    # The IRO's records: meeting the child, a decision coming, decisions circulated last time.
    met = iro_service.record_meeting(
        session, review, iro, today - timedelta(days=1), "video", "", today=today
    )
    decision = iro_service.add_decision(
        session,
        review,
        iro,
        iro_service.DecisionInput("decision", "Stays at the home.", "You will stay."),
    )
    before = iro_service.add_decision(
        session,
        held,
        iro,
        iro_service.DecisionInput(
            "action",
            "Keyworker to find swimming lessons.",
            "You will start swimming.",
            owner="child",
            due_on=today + timedelta(days=30),
        ),
    )
    owned = iro_service.add_decision(
        session,
        held,
        iro,
        iro_service.DecisionInput(
            "action",
            "Book the swimming lessons.",
            "Kim will book your swimming lessons.",
            owner="staff",
            owner_staff=keyworker.public_id,
            due_on=today + timedelta(days=20),
        ),
    )
    in_person = iro_service.add_decision(
        session,
        held,
        iro,
        iro_service.DecisionInput(
            "decision",
            "Family time moves to once a month.",
            "",
            in_person=True,
            teller_staff=social_worker.public_id,
        ),
    )
    session.commit()
    iro_service.circulate(session, held, iro, None, today=today)
    session.commit()

    # An open worry, a significant event, and the review pack as sent.
    worry = worry_service.raise_worry(session, child, "I am worried about something.")
    significant = timetable_service.record_event(
        session, child, keyworker, "complaint", today - timedelta(days=2), "", today=today
    )
    session.commit()
    pack_service.send(session, child, review, keyworker, show_address=False)
    session.commit()

    return Side(
        child=child.public_id,
        child_id=child.id,
        home=home.public_id,
        keyworker=keyworker.public_id,
        keyworker_id=keyworker.id,
        social_worker_id=social_worker.id,
        iro_id=iro.id,
        review=review.public_id,
        held_review=held.public_id,
        person=person.public_id,
        item=shared.public_id,
        media=shared.media[0].public_id,
        private_item=private.public_id,
        private_media=private.media[0].public_id,
        summary=summary.public_id,
        sent_report=sent.public_id,
        iro_meeting=met.public_id,
        decision=decision.public_id,
        circulated_decision=before.public_id,
        told_decision=in_person.public_id,
        owned_action=owned.public_id,
        link=link.public_id,
        link_token=token,
        worry=worry.public_id,
        event=significant.public_id,
        markers=(child.preferred_name, child.legal_name, child.public_id, said, secret),
        secret=secret,
    )


def build_world(app: Flask, engine: Engine, today: date | None = None) -> World:
    """Make the council described at the top of this module (in an empty database)."""
    today = today or clock.today()
    with app.app_context(), Session(engine, expire_on_commit=False) as session:
        session.add(CouncilSettings(name="Matrixshire County Council", nation="ENG"))
        closure = _weekday_after(today + timedelta(days=400))
        timetable_service.add_closure_day(session, closure, "Training day", today)
        manager = factories.make_staff(session, Role.MANAGER, name="Mo Manager")
        admin = factories.make_staff(session, Role.ADMIN, name="Ada Admin")
        spare = factories.make_staff(session, Role.KEYWORKER, name="Spare Keyworker")
        session.commit()
        a = _side(session, app, "A", today)
        b = _side(session, app, "B", today)
        return World(
            a=a,
            b=b,
            manager_id=manager.id,
            admin_id=admin.id,
            spare_staff=spare.public_id,
            closure_day=closure.isoformat(),
        )


def staff_member(engine: Engine, staff_id: int) -> StaffMember:
    """A detached copy of a staff member (for signing in)."""
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(StaffMember, staff_id)
        assert found is not None
        session.expunge(found)
        return found


# --- telling whether anything changed, and putting it back -------------------------------------


def _tables(engine: Engine) -> list[Table]:
    existing = set(inspect(engine).get_table_names())
    return [t for t in Base.metadata.sorted_tables if t.name in existing and t.name != AUDIT_TABLE]


Rows = dict[str, list[tuple[Any, ...]]]


def _read(conn: Connection, tables: list[Table]) -> Rows:
    return {
        table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key))]
        for table in tables
    }


def _comparable(rows: Rows, tables: list[Table]) -> Rows:
    """The rows without the column that reading a page may touch."""
    table_name, column = TOUCHED_COLUMN
    by_name = {t.name: t for t in tables}
    if table_name not in by_name:
        return rows
    index = [c.name for c in by_name[table_name].columns].index(column)
    trimmed = dict(rows)
    trimmed[table_name] = [row[:index] + row[index + 1 :] for row in rows[table_name]]
    return trimmed


@dataclass
class Snapshot:
    """Every row of every table but the audit record, to compare with and to restore."""

    engine: Engine
    tables: list[Table] = field(default_factory=list)
    rows: Rows = field(default_factory=dict)

    def take(self) -> None:
        self.tables = _tables(self.engine)
        with self.engine.connect() as conn:
            self.rows = _read(conn, self.tables)

    def differences(self) -> list[str]:
        """The tables whose rows differ from the snapshot now (empty: nothing changed)."""
        with self.engine.connect() as conn:
            now = _read(conn, self.tables)
        before = _comparable(self.rows, self.tables)
        after = _comparable(now, self.tables)
        return [name for name in before if before[name] != after[name]]

    def restore(self) -> None:
        """Put every table back as it was when the snapshot was taken. Sessions alive then are
        marked as seen now, so that nobody's session times out for having been restored."""
        with self.engine.begin() as conn, _triggers_lifted(conn):
            if self.engine.dialect.name == "postgresql":
                # TRUNCATE fires no row triggers (sent reports are locked against DELETE).
                conn.execute(text(f"TRUNCATE {', '.join(t.name for t in self.tables)}"))
            else:
                for table in reversed(self.tables):
                    conn.execute(table.delete())
            for table in self.tables:
                rows = self.rows[table.name]
                if rows:
                    names = [c.name for c in table.columns]
                    conn.execute(
                        table.insert(), [dict(zip(names, row, strict=True)) for row in rows]
                    )
            conn.execute(
                update(AuthSession)
                .where(AuthSession.ended_at.is_(None))
                .values(last_seen_at=utcnow())
            )
        self.take()


class WriteWatch:
    """Notes every statement that writes to the database, except the audit record and the
    "last seen" touch of a session: a cheap first test before comparing whole tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not _WRITE.match(statement) or _TOUCH.match(statement):
            return
        if re.match(rf"^\s*INSERT INTO {AUDIT_TABLE}\b", statement, re.IGNORECASE):
            return
        self.statements.append(statement)

    def __enter__(self) -> WriteWatch:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


@contextmanager
def _triggers_lifted(conn: Connection) -> Iterator[None]:
    """SQLite: without the triggers that refuse DELETE (audit record, sent reports) for a while.
    PostgreSQL's TRUNCATE fires no row triggers, so needs no such step."""
    if conn.dialect.name != "sqlite":
        yield
        return
    triggers = conn.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    ).all()
    for trigger_name, _sql in triggers:
        conn.execute(text(f"DROP TRIGGER {trigger_name}"))
    yield
    for _name, sql in triggers:
        conn.execute(text(sql))


def empty_tables(engine: Engine) -> None:
    """Empty every table, the audit record included (as the suite does after each test)."""
    existing = set(inspect(engine).get_table_names())
    names = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in existing]
    with engine.begin() as conn, _triggers_lifted(conn):
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
            return
        for name in names:
            conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - our own table names
