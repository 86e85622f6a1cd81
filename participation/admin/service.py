"""What an administrator looks after: homes, children and staff accounts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import Child, Home, StaffMember


@dataclass(frozen=True)
class Overview:
    homes: list[tuple[Home, int]]
    children: list[Child]
    staff: list[StaffMember]


def overview(session: Session) -> Overview:
    """Homes with how many children live there, every child, every staff account."""
    counts = dict(
        session.execute(
            select(Child.home_id, func.count(Child.id))
            .where(Child.left_care_on.is_(None))
            .group_by(Child.home_id)
        ).all()
    )
    homes = list(session.scalars(select(Home).order_by(Home.name)))
    children = list(
        session.scalars(
            select(Child).options(selectinload(Child.home)).order_by(Child.preferred_name)
        )
    )
    staff = list(session.scalars(select(StaffMember).order_by(StaffMember.name)))
    return Overview([(home, counts.get(home.id, 0)) for home in homes], children, staff)
