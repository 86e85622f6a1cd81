"""Factory functions for test data: each makes a valid row with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy.orm import Session

from participation.accounts.passwords import hash_password
from participation.models import (
    Assignment,
    Child,
    Home,
    HomeKind,
    NetworkPerson,
    NetworkRole,
    Placement,
    PlacementType,
    Review,
    ReviewStatus,
    Role,
    StaffMember,
)

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_home(session: Session, name: str | None = None, **kw: object) -> Home:
    kw.setdefault("kind", HomeKind.CHILDRENS_HOME)
    home = Home(name=name or f"Home {next(_counter)}", **kw)
    session.add(home)
    session.flush()
    return home


def make_staff(
    session: Session, role: Role = Role.KEYWORKER, email: str | None = None, **kw: object
) -> StaffMember:
    n = next(_counter)
    staff = StaffMember(
        email=email or f"staff{n}@example.org",
        name=kw.pop("name", f"Staff Member {n}"),
        role=role,
        password_hash=hash_password(str(kw.pop("password", PASSWORD))),
        **kw,
    )
    session.add(staff)
    session.flush()
    return staff


def make_child(session: Session, home: Home | None = None, **kw: object) -> Child:
    n = next(_counter)
    values: dict[str, object] = {
        "legal_name": f"Test Child {n}",
        "preferred_name": f"Child{n}",
        "date_of_birth": date(2014, 6, 1),
        "became_looked_after": date(2025, 1, 6),
        "placement_type": PlacementType.RESIDENTIAL,
        "home_id": (home or make_home(session)).id,
    }
    values.update(kw)
    child = Child(**values)
    # As the admin area records it: where the child lives now is their first placement.
    child.placements.append(
        Placement(
            home_id=child.home_id,
            placement_type=child.placement_type,
            started_on=child.placement_start,
            ended_on=child.left_care_on,
        )
    )
    session.add(child)
    session.flush()
    return child


def assign(
    session: Session, staff: StaffMember, child: Child, role: Role | None = None
) -> Assignment:
    assignment = Assignment(staff_id=staff.id, child_id=child.id, role=role or staff.role)
    session.add(assignment)
    session.flush()
    return assignment


def make_review(session: Session, child: Child, number: int = 1, **kw: object) -> Review:
    values: dict[str, object] = {"due_on": date(2026, 12, 14), "status": ReviewStatus.PLANNED}
    values.update(kw)
    review = Review(child_id=child.id, number=number, **values)
    session.add(review)
    session.flush()
    return review


def make_person(session: Session, child: Child, **kw: object) -> NetworkPerson:
    values: dict[str, object] = {
        "name": f"Person {next(_counter)}",
        "relationship_to_child": "Aunt",
        "role": NetworkRole.OTHER,
    }
    values.update(kw)
    person = NetworkPerson(child_id=child.id, **values)
    session.add(person)
    session.flush()
    return person
