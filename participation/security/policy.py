"""The one place that decides who may see what.

Views, media downloads, packs and exports all ask here; nothing else re-derives the rule.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, select, true
from sqlalchemy.orm import Session

from ..models import Assignment, Child, Item, MediaFile, Role
from .principal import ChildPrincipal, Principal, StaffPrincipal

# Managers oversee every child in the council; admins keep the records (names, homes, staff) but
# are not caseworkers.
COUNCIL_WIDE = (Role.MANAGER, Role.ADMIN)


def visible_child_ids(principal: StaffPrincipal) -> Select[int] | None:
    """The ids of the children whose records this staff member may open, as a subquery; None
    when they may open every child's (managers and administrators)."""
    if principal.role in COUNCIL_WIDE:
        return None
    return select(Assignment.child_id).where(
        Assignment.staff_id == principal.staff.id, Assignment.active.is_(True)
    )


def child_is_visible(principal: StaffPrincipal) -> ColumnElement[bool]:
    """A condition on `Child` rows: true for the children whose records this staff member may
    open. For queries that join children to other tables (dashboards, counts)."""
    ids = visible_child_ids(principal)
    # IN rather than EXISTS: SQLite then starts from the staff member's assignments, so a
    # caseload's queries cost what the caseload does, not what the council does.
    return true() if ids is None else Child.id.in_(ids)


def children_visible_to(principal: StaffPrincipal) -> Select[Child]:
    """A query for the children whose records this staff member may open."""
    query = select(Child)
    if principal.role in COUNCIL_WIDE:
        return query
    return query.where(child_is_visible(principal))


def may_complete_milestone(principal: Principal, owner_role: Role) -> bool:
    """May this staff member mark a milestone done? Its owner's role does, and a manager may
    on anyone's behalf. (Whether they may see the child at all is `can_view_child`.)"""
    if not isinstance(principal, StaffPrincipal):
        return False
    return principal.role in (owner_role, Role.MANAGER)


def may_consider_events(principal: Principal) -> bool:
    """Only the child's Independent Reviewing Officer decides whether a significant event brings
    the review forward."""
    return isinstance(principal, StaffPrincipal) and principal.role == Role.IRO


def may_record_held_review(principal: Principal) -> bool:
    """The IRO who chaired the review, or a manager, records the day it was held."""
    return isinstance(principal, StaffPrincipal) and principal.role in (Role.IRO, Role.MANAGER)


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


def can_view_item(principal: Principal, item: Item) -> bool:
    """May this principal see one of a child's "My views" items (its words, photos, video)?

    Everything a child makes is private to them: today only the child who owns it, and only
    while it is not deleted. Not their keyworker, not even for words the keyworker wrote down
    with the child: those are the child's words, and the child decides who sees them. The
    sharing area widens this with the child's own choices, here and nowhere else.
    """
    if item.deleted_at is not None:
        return False
    if isinstance(principal, ChildPrincipal):
        return principal.child.id == item.child_id
    return False


def can_view_media(principal: Principal, media_file: MediaFile) -> bool:
    """May this principal see a stored photo or video? Exactly when they may see its item."""
    return can_view_item(principal, media_file.item)


def can_change_item(principal: Principal, item: Item) -> bool:
    """May this principal change or delete an item? Only the child who owns it, while it is
    theirs alone (the sharing area adds: and not yet shared into a review pack)."""
    return isinstance(principal, ChildPrincipal) and can_view_item(principal, item)
