"""The one place that decides who may see what.

Views, media downloads, packs and exports all ask here; nothing else re-derives the rule.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from ..models import Assignment, Child, Role
from .principal import ChildPrincipal, Principal, StaffPrincipal

# Managers oversee every child in the council; admins keep the records (names, homes, staff) but
# are not caseworkers.
COUNCIL_WIDE = (Role.MANAGER, Role.ADMIN)


def children_visible_to(principal: StaffPrincipal) -> Select[Child]:
    """A query for the children whose records this staff member may open."""
    query = select(Child)
    if principal.role in COUNCIL_WIDE:
        return query
    return query.where(
        exists().where(
            Assignment.child_id == Child.id,
            Assignment.staff_id == principal.staff.id,
            Assignment.active.is_(True),
        )
    )


def can_view_child(session: Session, principal: Principal, child: Child) -> bool:
    """May this principal open this child's record (or, for a child, their own space)?"""
    if isinstance(principal, ChildPrincipal):
        return principal.child.id == child.id
    if not isinstance(principal, StaffPrincipal):
        return False
    if principal.role in COUNCIL_WIDE:
        return True
    return bool(
        session.scalar(
            select(
                exists().where(
                    Assignment.child_id == child.id,
                    Assignment.staff_id == principal.staff.id,
                    Assignment.active.is_(True),
                )
            )
        )
    )
