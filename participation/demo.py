"""A believable, clearly fictional council to try the app with. Loading it twice changes nothing.

Every name here is invented; email addresses use the reserved example.org domain.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock
from .accounts.passwords import hash_password
from .accounts.second_factor import REQUIRED_FOR, enrol_with_secret
from .models import (
    Assignment,
    Child,
    ClosureDay,
    CouncilSettings,
    EventKind,
    Home,
    HomeKind,
    Milestone,
    NetworkPerson,
    NetworkRole,
    Placement,
    PlacementType,
    Review,
    ReviewStatus,
    Role,
    SignificantEvent,
    StaffMember,
    utcnow,
)
from .planning.demo import add_demo_plan
from .sharing.demo import add_demo_shares
from .timetable import service as timetable
from .timetable.rules import WorkingCalendar, review_schedule
from .views.demo import add_demo_views
from .workspaces.demo import add_demo_workspaces

T = TypeVar("T")

DEMO_PASSWORD = "my-review-demo"  # noqa: S105 - printed for the fictional demo accounts only
# The demo IRO, manager and administrator must give a second factor; this published key (base32)
# is already set up for them. Add it to any authenticator app, or see README "Demo sign-ins".
DEMO_TOTP_SECRET = "MYREVIEWDEMOONLYNOTFORREALUSE234"  # noqa: S105 - fictional accounts only
LONDON = ZoneInfo("Europe/London")

STAFF = [
    # (email, name, role)
    ("priya.shah@example.org", "Priya Shah", Role.KEYWORKER),
    ("tom.evans@example.org", "Tom Evans", Role.KEYWORKER),
    ("grace.okafor@example.org", "Grace Okafor", Role.SOCIAL_WORKER),
    ("daniel.hughes@example.org", "Daniel Hughes", Role.IRO),
    ("ruth.bennett@example.org", "Ruth Bennett", Role.IRO),
    ("helen.murray@example.org", "Helen Murray", Role.MANAGER),
    ("sam.patel@example.org", "Sam Patel", Role.ADMIN),
]

# What the children call the staff who work with them (set on each one's account page).
KNOWN_AS = {
    "priya.shah@example.org": "Priya",
    "tom.evans@example.org": "Tom",
    "grace.okafor@example.org": "Grace",
    "daniel.hughes@example.org": "Daniel",
    "ruth.bennett@example.org": "Ruth",
}

# Name, kind, address, and the inbox a child's worry is emailed to (for whoever is on shift).
HOMES = [
    (
        "Willow House",
        HomeKind.CHILDRENS_HOME,
        "12 Willow Lane, Northbrook NB1 4AA",
        "willow.house@example.org",
        "0161 496 0123",
    ),
    (
        "Oak Lodge",
        HomeKind.CHILDRENS_HOME,
        "3 Oak Road, Northbrook NB2 7QT",
        "oak.lodge@example.org",
        "0161 496 0456",
    ),
    (
        "The Adeyemi family",
        HomeKind.FOSTER_FAMILY,
        "8 Meadow Close, Northbrook NB3 1JP",
        "",
        "0161 496 0789",
    ),
]


@dataclass(frozen=True)
class DemoChild:
    legal_name: str
    preferred_name: str
    born: date
    home: str
    placement: PlacementType
    became_looked_after: date
    placement_start: date
    first_language: str
    communication_needs: str
    keyworker: str | None
    iro: str
    held: tuple[date, ...]
    network: tuple[tuple[str, str, NetworkRole, bool], ...]
    # Where they lived before (home, type, from, until), the oldest first.
    earlier: tuple[tuple[str, PlacementType, date, date], ...] = ()


CHILDREN = [
    DemoChild(
        "Amelia Rose Thompson",
        "Mia",
        date(2020, 3, 14),
        "Willow House",
        PlacementType.RESIDENTIAL,
        date(2025, 10, 6),
        date(2025, 10, 6),
        "English",
        "Likes pictures to help her choose. Needs time to answer.",
        "priya.shah@example.org",
        "daniel.hughes@example.org",
        (date(2025, 11, 3), date(2026, 2, 2), date(2026, 7, 27)),
        (
            ("Kelly Thompson", "Mum", NetworkRole.PARENT, True),
            ("Jean Thompson", "Nan", NetworkRole.OTHER, False),
            ("Mrs Lewis", "My teacher", NetworkRole.TEACHER, False),
            ("Nurse Alison", "School nurse", NetworkRole.HEALTH, False),
        ),
    ),
    DemoChild(
        "Jayden Marcus Clarke",
        "Jay",
        date(2015, 7, 2),
        "Oak Lodge",
        PlacementType.RESIDENTIAL,
        date(2025, 1, 13),
        date(2025, 6, 2),
        "English",
        "",
        "tom.evans@example.org",
        "daniel.hughes@example.org",
        (
            date(2025, 2, 7),
            date(2025, 5, 6),
            date(2025, 11, 3),
            date(2026, 4, 30),
            date(2026, 6, 26),
        ),
        (
            ("Dean Clarke", "Dad", NetworkRole.PARENT, True),
            ("Shanice Clarke", "My sister", NetworkRole.OTHER, False),
            ("Mr Osei", "Head of year", NetworkRole.TEACHER, False),
            ("Marcus Reid", "Independent visitor", NetworkRole.INDEPENDENT_VISITOR, False),
        ),
        (("Willow House", PlacementType.RESIDENTIAL, date(2025, 1, 13), date(2025, 6, 2)),),
    ),
    DemoChild(
        "Samir Haidari",
        "Sami",
        date(2011, 9, 20),
        "Oak Lodge",
        PlacementType.RESIDENTIAL,
        date(2026, 9, 7),
        date(2026, 9, 7),
        "Dari",
        "Speaks Dari and some English. Needs a Dari interpreter for meetings.",
        "tom.evans@example.org",
        "ruth.bennett@example.org",
        (date(2026, 10, 2),),
        (
            ("Farid Haidari", "My uncle (in Kabul, by video)", NetworkRole.OTHER, False),
            ("Ms Khan", "ESOL teacher", NetworkRole.TEACHER, False),
            ("Joe Martin", "My advocate", NetworkRole.ADVOCATE, False),
        ),
    ),
    DemoChild(
        "Leo James Wright",
        "Leo",
        date(2017, 5, 11),
        "The Adeyemi family",
        PlacementType.FOSTER,
        date(2023, 4, 3),
        date(2023, 4, 3),
        "English",
        "Autistic: prefers a quiet room and a visual timetable.",
        None,
        "daniel.hughes@example.org",
        (
            date(2023, 4, 28),
            date(2023, 7, 25),
            date(2024, 1, 23),
            date(2024, 7, 18),
            date(2025, 1, 16),
            date(2025, 7, 10),
            date(2026, 1, 8),
            date(2026, 6, 25),
        ),
        (
            ("Bola Adeyemi", "My foster mum", NetworkRole.CARER, False),
            ("Tunde Adeyemi", "My foster dad", NetworkRole.CARER, False),
            ("Sarah Wright", "Mum", NetworkRole.PARENT, True),
            ("Dr Patel", "My doctor", NetworkRole.HEALTH, False),
        ),
    ),
]


# The children's dates above were written in the week of this day. Loaded later, they move on
# by whole weeks (so weekdays stay), and the demo looks as it did then: the same ages, reviews
# due soon rather than long past, the same tasks overdue or due soon.
WRITTEN_ON = date(2026, 11, 23)


def moved_on(spec: DemoChild, today: date) -> DemoChild:
    """`spec` with its dates moved on by the whole weeks from WRITTEN_ON to `today`."""
    weeks = timedelta(weeks=(today - WRITTEN_ON).days // 7)
    return replace(
        spec,
        born=spec.born + weeks,
        became_looked_after=spec.became_looked_after + weeks,
        placement_start=spec.placement_start + weeks,
        held=tuple(day + weeks for day in spec.held),
        earlier=tuple(
            (home, kind, start + weeks, end + weeks) for home, kind, start, end in spec.earlier
        ),
    )


def _get_or_add(session: Session, model: type[T], defaults: dict[str, object], **keys: object) -> T:
    row = session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys, **defaults)
        session.add(row)
        session.flush()
    return row


def load_demo(session: Session, today: date | None = None) -> list[tuple[str, str, str]]:
    """Load the demo council; return the sign-ins as (role, email, name)."""
    today = today or clock.today()
    if session.scalar(select(CouncilSettings)) is None:
        session.add(CouncilSettings(name="Northbrook Borough Council (demo)", nation="ENG"))
    # The council's offices close on Christmas Eve: not a working day for the timetable.
    for year in (today.year, today.year + 1):
        eve = date(year, 12, 24)
        if eve.weekday() < 5:
            _get_or_add(session, ClosureDay, {"reason": "Council offices closed"}, day=eve)
    staff = {}
    for email, name, staff_role in STAFF:
        staff[email] = _get_or_add(
            session,
            StaffMember,
            {
                "name": name,
                "known_as": KNOWN_AS.get(email),
                "role": staff_role,
                "password_hash": hash_password(DEMO_PASSWORD),
                "password_changed_at": utcnow(),
            },
            email=email,
        )
        if staff_role in REQUIRED_FOR:
            enrol_with_secret(session, staff[email], DEMO_TOTP_SECRET)
    homes = {
        name: _get_or_add(
            session,
            Home,
            {"kind": kind, "address": address, "alert_email": email, "phone": phone},
            name=name,
        )
        for name, kind, address, email, phone in HOMES
    }
    calendar = WorkingCalendar("ENG")
    social_worker = staff["grace.okafor@example.org"]
    for spec in (moved_on(written, today) for written in CHILDREN):
        child = _get_or_add(
            session,
            Child,
            {
                "preferred_name": spec.preferred_name,
                "home_id": homes[spec.home].id,
                "placement_type": spec.placement,
                "became_looked_after": spec.became_looked_after,
                "placement_start": spec.placement_start,
                "first_language": spec.first_language,
                "communication_needs": spec.communication_needs,
                "date_of_birth": spec.born,
            },
            # Not by date of birth too: loaded again in a later week, the dates have moved on.
            legal_name=spec.legal_name,
        )
        workers = [(social_worker, Role.SOCIAL_WORKER), (staff[spec.iro], Role.IRO)]
        if spec.keyworker:
            workers.append((staff[spec.keyworker], Role.KEYWORKER))
        for member, work_role in workers:
            _get_or_add(
                session, Assignment, {}, staff_id=member.id, child_id=child.id, role=work_role
            )
        for name, relationship, role, responsibility in spec.network:
            _get_or_add(
                session,
                NetworkPerson,
                {
                    "relationship_to_child": relationship,
                    "role": role,
                    "parental_responsibility": responsibility,
                },
                child_id=child.id,
                name=name,
            )
        if not child.placements:
            for home, kind, start, end in spec.earlier:
                child.placements.append(
                    Placement(home=homes[home], placement_type=kind, started_on=start, ended_on=end)
                )
            child.placements.append(
                Placement(
                    home_id=child.home_id,
                    placement_type=child.placement_type,
                    started_on=child.placement_start,
                )
            )
        _add_reviews(session, calendar, child, spec, today)
        session.flush()
        timetable.recompute_child(session, child, today)
        _complete_past_tasks(session, child, spec, staff, today)
    _add_event(session, staff, today)
    session.flush()
    add_demo_plan(session)
    add_demo_views(session)
    session.flush()
    add_demo_shares(session, today)
    add_demo_workspaces(session, today)
    session.commit()
    return [(member.role.value, member.email, member.name) for member in staff.values()]


def _add_reviews(
    session: Session, calendar: WorkingCalendar, child: Child, spec: DemoChild, today: date
) -> None:
    """The held reviews, and the next one due, worked out by the statutory rules."""
    schedule = review_schedule(
        calendar, spec.became_looked_after, list(spec.held), today=today, count=len(spec.held) + 1
    )
    for due in schedule[: len(spec.held) + 1]:
        existing = session.scalar(
            select(Review).where(Review.child_id == child.id, Review.number == due.number)
        )
        if existing is not None:
            continue
        review = Review(
            child_id=child.id,
            number=due.number,
            due_on=due.due,
            status=ReviewStatus.HELD if due.held else ReviewStatus.PLANNED,
            held_on=due.held,
        )
        if due.held:
            review.venue = "At home"
        elif spec.preferred_name == "Jay":
            # Jay's next meeting already has a time: after school in two weeks, before it is due.
            day = min(today + timedelta(days=14), due.due)
            review.scheduled_at = datetime.combine(day, time(16, 0), LONDON).astimezone(UTC)
            review.venue = "Oak Lodge, the quiet lounge"
        session.add(review)


# Tasks left undone on purpose, so that the dashboards have something overdue to show.
LEFT_UNDONE = {
    ("Jay", 6, "consult-child"),
    ("Sami", 1, "full-record"),
    ("Sami", 1, "record-distributed"),
    # Before a meeting since held: "Missed" on the timetable, not overdue for ever.
    ("Sami", 1, "iro-meets-child"),
}


def _complete_past_tasks(
    session: Session, child: Child, spec: DemoChild, staff: dict[str, StaffMember], today: date
) -> None:
    """Every task due before today was done on its due day by its owner, except LEFT_UNDONE."""
    owners = {
        Role.SOCIAL_WORKER: staff["grace.okafor@example.org"],
        Role.IRO: staff[spec.iro],
        Role.MANAGER: staff["helen.murray@example.org"],
    }
    if spec.keyworker:
        owners[Role.KEYWORKER] = staff[spec.keyworker]
    session.flush()
    tasks = session.execute(
        select(Milestone, Review.number)
        .join(Review, Milestone.review_id == Review.id)
        .where(
            Review.child_id == child.id,
            Milestone.done_on.is_(None),
            Milestone.due_on < today,
        )
    )
    for task, number in tasks:
        if (spec.preferred_name, number, task.name) in LEFT_UNDONE or task.owner_role not in owners:
            continue
        task.done_on = task.due_on
        task.done_by_id = owners[task.owner_role].id


def _add_event(session: Session, staff: dict[str, StaffMember], today: date) -> None:
    """One significant event waiting for the IRO: Jay was excluded from school for three days."""
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    if jay is None:
        return
    _get_or_add(
        session,
        SignificantEvent,
        {
            "occurred_on": max(jay.became_looked_after, today - timedelta(days=6)),
            "note": "Fixed-term exclusion, 3 days, after a fight at lunchtime. Back at school now.",
            "recorded_by_id": staff["tom.evans@example.org"].id,
        },
        child_id=jay.id,
        kind=EventKind.SCHOOL_EXCLUSION,
    )
