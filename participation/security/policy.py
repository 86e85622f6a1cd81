"""The one place that decides who may see what.

Views, media downloads, packs and exports all ask here; nothing else re-derives the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Select, exists, select, true
from sqlalchemy.orm import Session, object_session

from ..models import (
    Assignment,
    Audience,
    Child,
    EventKind,
    HeldFile,
    Item,
    MediaFile,
    Review,
    Role,
    SignificantEvent,
    StaffMember,
)
from ..sharing import state as sharing_state
from .principal import ChildPrincipal, Principal, StaffPrincipal

# Managers oversee every child in the council; admins keep the records (names, homes, staff) but
# are not caseworkers.
COUNCIL_WIDE = (Role.MANAGER, Role.ADMIN)
# The roles that work on children's cases: every role but the administrator's.
CASEWORK = (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO, Role.MANAGER)
# Whom a child's sharing choice for an audience reaches, by staff role.
ROLE_AUDIENCE = {
    Role.KEYWORKER: Audience.KEYWORKER,
    Role.SOCIAL_WORKER: Audience.SOCIAL_WORKER,
    Role.IRO: Audience.IRO,
}
# Who reads a child's whole meeting plan (the staff plan page): the adults who make the meeting
# happen. The child's sharing choices for the plan decide only what goes in each reader's papers.
PLAN_READERS = CASEWORK
PLAN_READING_AUDIENCES = frozenset(ROLE_AUDIENCE[r] for r in PLAN_READERS if r in ROLE_AUDIENCE)


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


# Who works on a child's review timetable: opens its tasks and significant events, and records
# events. Administrators keep the records but are not caseworkers.
TIMETABLE_WORKERS = CASEWORK


def may_open_timetable(principal: Principal) -> bool:
    """May this staff member open a child's review tasks and significant events (and record
    one)? The timetable's routes and the child record's links both ask here. (Whether they may
    see the child at all is `can_view_child`.)"""
    return isinstance(principal, StaffPrincipal) and principal.role in TIMETABLE_WORKERS


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


# Events that may be about the people who look after the child day to day: their notes are not
# for the home's staff (QA: an allegation against a member of staff at the child's home was read
# by its keyworkers). That the event happened still shows: the timetable needs it.
CONFIDENTIAL_EVENT_KINDS = frozenset({EventKind.SAFEGUARDING_ENQUIRY, EventKind.COMPLAINT})
EVENT_NOTE_READERS = (Role.SOCIAL_WORKER, Role.IRO, Role.MANAGER)


def may_read_event_note(principal: Principal, event: SignificantEvent) -> bool:
    """May this staff member read the note of a significant event? Anyone who may open the
    timetable, but for a safeguarding enquiry or a complaint only the social worker, the IRO,
    managers and whoever recorded it."""
    if not isinstance(principal, StaffPrincipal):
        return False
    if event.kind not in CONFIDENTIAL_EVENT_KINDS:
        return True
    return principal.role in EVENT_NOTE_READERS or event.recorded_by_id == principal.staff.id


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


def audience_of(principal: Principal) -> Audience | None:
    """Which of the child's audiences a staff member reads as: their role's (keyworker, social
    worker, IRO). Managers and administrators are nobody's audience: a child shares with the
    people who work with them."""
    if not isinstance(principal, StaffPrincipal):
        return None
    return ROLE_AUDIENCE.get(principal.role)


def audience_members(child: Child) -> dict[Audience, list[StaffMember]]:
    """Who each of the child's audiences is now, by the rule above (audience_of and
    can_view_child): the active staff working with the child, by their role. The child's
    sharing page names them, so "my keyworker" is Tom, not a job title."""
    members: dict[Audience, list[StaffMember]] = {}
    for assignment in child.assignments:
        staff = assignment.staff
        audience = ROLE_AUDIENCE.get(staff.role)
        if not (assignment.active and staff.active) or audience is None:
            continue
        named = members.setdefault(audience, [])
        if staff not in named:  # one person on the case in two roles is named once
            named.append(staff)
    return members


def items_visible_to_audience(
    session: Session, items: Iterable[Item], audience: Audience
) -> list[Item]:
    """The items, of those given, that `audience` may see now: not deleted, and shared with that
    audience (or with everyone at the meeting) by the latest choice. The review pack is built
    from this, so the pack's property test is a test of this rule."""
    candidates = [item for item in items if item.deleted_at is None]
    current = sharing_state.latest_shares(
        session, (sharing_state.item_subject(item) for item in candidates)
    )
    return [
        item
        for item in candidates
        if sharing_state.visible_to(current[sharing_state.item_subject(item)], audience)
    ]


def items_ever_visible_to_audience(
    session: Session, items: Iterable[Item], audience: Audience
) -> set[int]:
    """The ids of the items, of those given, that `audience` could see at some time, now or
    before the child took them back (deleted ones too). Not a licence to show them: only to
    know which words a reader may have copied somewhere (the keyworker's report)."""
    given = {sharing_state.item_subject(item): item.id for item in items}
    return {given[key] for key in sharing_state.ever_reached(session, given, audience)}


def plan_sections_visible_to_audience(
    session: Session, review: Review, sections: Iterable[str], audience: Audience
) -> list[str]:
    """The sections of the child's meeting plan for `review` shared with `audience`."""
    wanted = list(sections)
    current = sharing_state.latest_shares(
        session, (sharing_state.plan_subject(review.id, section) for section in wanted)
    )
    return [
        section
        for section in wanted
        if sharing_state.visible_to(
            current[sharing_state.plan_subject(review.id, section)], audience
        )
    ]


def may_read_pack(
    session: Session, principal: Principal, child: Child, review: Review, audience: Audience
) -> bool:
    """May this principal read the review pack made for `audience`? The child may see every
    pack of their own (to see what others will see). Staff: the pack for their own audience, or
    the one for everyone at the meeting, of a review of a child on their caseload."""
    if review.child_id != child.id:
        return False
    if isinstance(principal, ChildPrincipal):
        return principal.child.id == child.id
    own = audience_of(principal)
    if own is None or audience not in (own, Audience.MEETING):
        return False
    return can_view_child(session, principal, child)


def can_view_item(principal: Principal, item: Item) -> bool:
    """May this principal see one of a child's "My views" items (its words, photos, video)?

    Everything a child makes is private to them until they choose otherwise: the child who owns
    it, and the staff they shared it with (by their latest choice, never a withdrawn one), while
    the staff member still works with the child. Never once deleted. Not their keyworker just
    because the keyworker wrote the words down with the child: those are the child's words.
    """
    if item.deleted_at is not None:
        return False
    if isinstance(principal, ChildPrincipal):
        return principal.child.id == item.child_id
    audience = audience_of(principal)
    session = object_session(item)
    if audience is None or session is None:
        return False
    if not items_visible_to_audience(session, [item], audience):
        return False
    return can_view_child(session, principal, item.child)


def can_view_media(principal: Principal, media_file: MediaFile) -> bool:
    """May this principal see a stored photo or video? Exactly when they may see its item."""
    return can_view_item(principal, media_file.item)


def can_view_held(principal: Principal, held: HeldFile) -> bool:
    """May this principal see a photo held between tries of a form? Only the sitting that sent
    it (the same child session, or the same keyworker's session): it belongs to no item yet, so
    no sharing choice reaches it, and the same person signed in elsewhere does not see it."""
    if not isinstance(principal, (ChildPrincipal, StaffPrincipal)):
        return False
    return held.auth_session_id == principal.auth_session.id


def can_change_item(principal: Principal, item: Item) -> bool:
    """May this principal change or delete an item? Only the child who owns it, while it is
    theirs alone (the sharing area adds: and not yet shared into a review pack)."""
    return isinstance(principal, ChildPrincipal) and can_view_item(principal, item)


# --- Staff workspaces: the keyworker report, review outcomes, invitations ------------------


def may_keep_keyworker_records(principal: Principal) -> bool:
    """Monthly summaries, the keyworker report while it is a draft, and the action notes after a
    review are the keyworker's work: only keyworkers write them, and only they read the drafts
    (the social worker and IRO get the report when it is sent). Whether they may see the child
    at all is `can_view_child`."""
    return isinstance(principal, StaffPrincipal) and principal.role == Role.KEYWORKER


def may_read_sent_keyworker_report(principal: Principal) -> bool:
    """A sent keyworker report (and the child's comments sent with it) goes to the social worker
    and the IRO; keyworkers and managers may read it too. Not administrators: they keep the
    records, they are not caseworkers. (Plus `can_view_child`, for the child in question.)"""
    return isinstance(principal, StaffPrincipal) and principal.role in CASEWORK


# Who reads a sent keyworker report (workspaces/keyworker/service.recipients, and their packs).
REPORT_READERS = (Audience.SOCIAL_WORKER, Audience.IRO)


def split_for_report(
    session: Session, principal: Principal, child: Child, items: Sequence[Item]
) -> tuple[list[Item], list[Item]]:
    """Of the child's `items`, what a keyworker's report may start from (as "<child> says") and
    what it may not although the keyworker sees it.

    It may quote only what the keyworker may see (as `can_view_item`) that the child also shared
    with everyone the report is sent to, the social worker and the IRO: "my keyworker can see
    this" must not reach the IRO's pack by way of the report. Words the keyworker wrote down
    with the child are the child's, shared as the child chooses, like any other item. The rest
    that the keyworker sees is named on the report page, so they can ask the child, not copy it.
    """
    if not may_keep_keyworker_records(principal) or not can_view_child(session, principal, child):
        return [], []
    audience = audience_of(principal)
    if audience is None:
        return [], []
    seen = items_visible_to_audience(
        session, [i for i in items if i.child_id == child.id], audience
    )
    readers = [{i.id for i in items_visible_to_audience(session, seen, a)} for a in REPORT_READERS]
    quotable = {item.id for item in seen if all(item.id in ids for ids in readers)}
    return (
        [item for item in seen if item.id in quotable],
        [item for item in seen if item.id not in quotable],
    )


def _on_the_case(session: Session, principal: Principal, child: Child) -> bool:
    """Staff with an active assignment to the child: not the child, and not staff who see the
    whole council without working on the case."""
    if not isinstance(principal, StaffPrincipal) or principal.role in COUNCIL_WIDE:
        return False
    return can_view_child(session, principal, child)


def can_view_action_notes(session: Session, principal: Principal, child: Child) -> bool:
    """The keyworker's action notes after a review are for the team on the child's case (not
    the review pack)."""
    return _on_the_case(session, principal, child)


def may_record_told(session: Session, principal: Principal, child: Child) -> bool:
    """Whoever on the child's team told them a decision in person records it (the one the IRO
    named is away, say, and someone else tells them)."""
    return _on_the_case(session, principal, child)


def may_record_review_outcome(principal: Principal) -> bool:
    """The IRO records meeting the child, how the child took part (the participation code), the
    decisions and actions of the review and their circulation, and sees the ones flagged as
    overdue or not done."""
    return isinstance(principal, StaffPrincipal) and principal.role == Role.IRO


def may_prepare_invitations(principal: Principal) -> bool:
    """The social worker (or a manager) sends the invitations: the list, its CSV and letters."""
    return isinstance(principal, StaffPrincipal) and principal.role in (
        Role.SOCIAL_WORKER,
        Role.MANAGER,
    )
