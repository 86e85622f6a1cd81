"""A council big enough to load: the demo council plus generated homes, children and staff.

`prepare(env, sizes)` migrates the database named by env["DATABASE_URL"], loads the demo council
(as `flask demo` does) and adds, with bulk inserts and a fixed random seed:

- `sizes.children` children in `sizes.homes` homes, each with their reviews (the last one held,
  the next one planned) and the statutory milestones of both, some done, some overdue;
- keyworkers, social workers and IROs, each child assigned to one of each; managers and
  administrators. IROs, managers and administrators have their own authenticator secret;
- for the first `sizes.tablets` children, a picture code (the same for all, so that one
  argon2 hash serves) and, for every other one of them, a personal link.

It returns (and the runner writes to a JSON file for the locustfile) what the simulated users
need: the shared password and picture code, the tablets (child, keyworker, link) and the staff
accounts with the children and packs they may open. Every name is invented.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from benchmarks import demo_site
from participation import clock

PASSWORD = "load test password, not secret"
PICTURE_CODE = ["sun", "boat", "apple"]
DOMAIN = "load.example.org"


@dataclass(frozen=True)
class Sizes:
    children: int = 2000
    homes: int = 40
    keyworkers: int = 80
    social_workers: int = 40
    iros: int = 20
    managers: int = 5  # each simulated manager or administrator signs in to an account of
    admins: int = 5  # their own: an authenticator code is accepted only once
    tablets: int = 160  # children with a picture code, one per simulated tablet


def prepare(env: dict[str, str], sizes: Sizes | None = None) -> dict[str, Any]:
    """Migrate, load the demo council and the generated one; return the load plan."""
    sizes = sizes or Sizes()
    from participation import create_app, migrate
    from participation.db import db
    from participation.demo import load_demo

    with demo_site.environment(env):
        app = create_app()
    migrate.upgrade(app)
    # A request context: some demo data is worded through the translations, which ask for one.
    with app.test_request_context():
        session = db.session()
        load_demo(session)
        plan = _generate(session, sizes, clock.today())
        db.session.remove()
    engine = app.extensions["database"].engine
    if engine is not None:
        engine.dispose()
    return plan


def _generate(session: Any, sizes: Sizes, today: date) -> dict[str, Any]:
    import pyotp
    from sqlalchemy import insert, select

    from participation.accounts.passwords import hash_password
    from participation.accounts.second_factor import enrol_with_secret
    from participation.child import service as space_service
    from participation.models import (
        Assignment,
        Child,
        ChildSpace,
        Home,
        HomeKind,
        Milestone,
        PlacementType,
        Review,
        ReviewStatus,
        Role,
        StaffMember,
        utcnow,
    )
    from participation.models.base import new_public_id
    from participation.timetable.rules import (
        WorkingCalendar,
        milestones_for_review,
        review_schedule,
    )

    rng = random.Random(7)
    calendar = WorkingCalendar("ENG")
    now = utcnow()
    password_hash = hash_password(PASSWORD)
    conn = session.connection()

    conn.execute(
        insert(Home),
        [
            {
                "public_id": new_public_id(),
                "name": f"Load home {n:03d}",
                "kind": HomeKind.CHILDRENS_HOME,
                "address": f"{n} Test Street, Northbrook",
                "active": True,
            }
            for n in range(sizes.homes)
        ],
    )
    home_ids = list(
        session.scalars(select(Home.id).where(Home.name.like("Load home %")).order_by(Home.id))
    )

    counts = {
        Role.KEYWORKER: sizes.keyworkers,
        Role.SOCIAL_WORKER: sizes.social_workers,
        Role.IRO: sizes.iros,
        Role.MANAGER: sizes.managers,
        Role.ADMIN: sizes.admins,
    }
    staff_rows: list[dict[str, Any]] = [
        {
            "public_id": new_public_id(),
            "email": f"{role.value}-{n:03d}@{DOMAIN}",
            "name": f"Load {role.value} {n:03d}",
            "role": role,
            "password_hash": password_hash,
            "active": True,
            "created_at": now,
            "password_changed_at": now,
            "failed_sign_ins": 0,
        }
        for role, count in counts.items()
        for n in range(count)
    ]
    conn.execute(insert(StaffMember), staff_rows)
    staff = {
        email: (staff_id, role)
        for staff_id, email, role in session.execute(
            select(StaffMember.id, StaffMember.email, StaffMember.role).where(
                StaffMember.email.like(f"%@{DOMAIN}")
            )
        )
    }
    by_role: dict[Role, list[str]] = defaultdict(list)
    for row in staff_rows:
        by_role[row["role"]].append(row["email"])

    child_rows = []
    for n in range(sizes.children):
        became = today - timedelta(days=rng.randint(60, 900))
        child_rows.append(
            {
                "public_id": new_public_id(),
                "legal_name": f"Load Child {n:05d}",
                "preferred_name": f"Child {n:05d}",
                "date_of_birth": today - timedelta(days=rng.randint(8 * 365, 16 * 365)),
                "first_language": "English",
                "communication_needs": "",
                "became_looked_after": became,
                "placement_start": became,
                "placement_type": PlacementType.RESIDENTIAL,
                "home_id": home_ids[n % sizes.homes],
                "created_at": now,
                "version": 1,
            }
        )
    conn.execute(insert(Child), child_rows)
    children = session.execute(
        select(Child.id, Child.public_id, Child.became_looked_after)
        .where(Child.legal_name.like("Load Child %"))
        .order_by(Child.id)
    ).all()

    workers_of: list[dict[Role, str]] = []
    assignments = []
    reviews = []
    for index, (child_id, _public_id, became) in enumerate(children):
        mine = {
            role: by_role[role][index % counts[role]]
            for role in (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
        }
        workers_of.append(mine)
        assignments += [
            {
                "staff_id": staff[email][0],
                "child_id": child_id,
                "role": role,
                "active": True,
                "created_at": now,
            }
            for role, email in mine.items()
        ]
        first = review_schedule(calendar, became, [], today=today)[0].due
        held = [first] if first < today - timedelta(days=2) else []
        schedule = review_schedule(calendar, became, held, today=today, count=len(held) + 1)
        for due in schedule[: len(held) + 1]:
            reviews.append(
                {
                    "public_id": new_public_id(),
                    "child_id": child_id,
                    "number": due.number,
                    "due_on": due.due,
                    "venue": "",
                    "status": ReviewStatus.HELD if due.held else ReviewStatus.PLANNED,
                    "held_on": due.held,
                    "version": 1,
                }
            )
    conn.execute(insert(Assignment), assignments)
    conn.execute(insert(Review), reviews)
    child_ids = [row[0] for row in children]
    review_rows = session.execute(
        select(
            Review.id,
            Review.public_id,
            Review.child_id,
            Review.number,
            Review.due_on,
            Review.held_on,
        ).where(Review.child_id >= child_ids[0])
    ).all()
    planned: dict[int, str] = {}
    milestones = []
    for review_id, public_id, child_id, number, due_on, held_on in review_rows:
        if held_on is None:
            planned[child_id] = public_id
        for task in milestones_for_review(calendar, number, held_on or due_on, held_on):
            done = task.due < today and rng.random() < 0.8
            milestones.append(
                {
                    "review_id": review_id,
                    "name": task.name,
                    "owner_role": Role(task.owner),
                    "due_on": task.due,
                    "done_on": task.due if done else None,
                    "note": "",
                    "version": 1,
                }
            )
    for start in range(0, len(milestones), 5000):
        conn.execute(insert(Milestone), milestones[start : start + 5000])

    # Authenticator secrets for the roles that must give a second factor.
    secrets_of: dict[str, str] = {}
    for email, (staff_id, role) in staff.items():
        if role in (Role.IRO, Role.MANAGER, Role.ADMIN):
            member = session.get(StaffMember, staff_id)
            secrets_of[email] = pyotp.random_base32()
            enrol_with_secret(session, member, secrets_of[email])

    # Tablets: one picture code hash for all (argon2 is slow on purpose), links for half.
    first_child = session.get(Child, children[0][0])
    first_keyworker = session.get(StaffMember, staff[workers_of[0][Role.KEYWORKER]][0])
    space_service.set_picture_code(session, first_child, PICTURE_CODE, first_keyworker)
    code_hash = session.scalar(
        select(ChildSpace.picture_code_hash).where(ChildSpace.child_id == first_child.id)
    )
    conn = session.connection()
    conn.execute(
        insert(ChildSpace),
        [
            {
                "child_id": child_id,
                "picture_code_hash": code_hash,
                "picture_code_length": len(PICTURE_CODE),
                "picture_code_set_by_id": staff[workers_of[index][Role.KEYWORKER]][0],
                "picture_code_set_at": now,
                "failed_attempts": 0,
                "text_size": "normal",
                "high_contrast": False,
                "calm_colours": False,
                "easy_read": False,
                "reduce_motion": False,
                "version": 1,
            }
            for index, (child_id, _p, _b) in enumerate(children[1 : sizes.tablets], 1)
        ],
    )
    tablets = []
    for index, (child_id, public_id, _became) in enumerate(children[: sizes.tablets]):
        keyworker_email = workers_of[index][Role.KEYWORKER]
        token = None
        if index % 2 == 1:
            the_child = session.get(Child, child_id)
            keyworker = session.get(StaffMember, staff[keyworker_email][0])
            _link, token = space_service.create_personal_link(session, the_child, keyworker)
        tablets.append(
            {
                "child": public_id,
                "keyworker": keyworker_email,
                "link": token,
                "iro": workers_of[index][Role.IRO],
            }
        )
    session.commit()

    # What each staff account may open: a few of its children, and (IROs) the packs of the
    # tablet children, where the photos the children share will show up.
    opens: dict[str, list[str]] = defaultdict(list)
    packs: dict[str, list[list[str]]] = defaultdict(list)
    for index, (child_id, public_id, _became) in enumerate(children):
        for role, email in workers_of[index].items():
            if len(opens[email]) < 5:
                opens[email].append(public_id)
            if role == Role.IRO and index < sizes.tablets and child_id in planned:
                packs[email].append([public_id, planned[child_id]])
    accounts = [
        {
            "email": email,
            "role": role.value,
            "totp": secrets_of.get(email),
            "children": opens.get(email, []),
            "packs": packs.get(email, []),
        }
        for email, (_id, role) in sorted(staff.items())
    ]
    return {
        "password": PASSWORD,
        "picture_code": PICTURE_CODE,
        "tablets": tablets,
        "staff": accounts,
        "sizes": {
            "children": sizes.children + 4,  # and the demo council's four
            "milestones": len(milestones),
            "staff": len(staff_rows) + 7,
        },
    }
