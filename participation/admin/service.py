"""The records an administrator keeps: homes, children, staff accounts, who works with which
child, and the people in each child's life.

Managers may read the lists (they oversee the council); only administrators change anything.
Services take plain values and a database session and know nothing of the request. What a
person entered that breaks a rule comes back as `Invalid`: every field at fault at once, each
with a code the pages (and the CSV import report) turn into words. A child's record changed by
someone else since the page was loaded is `Conflict`: nothing is overwritten.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from .. import mail, phone
from ..accounts import service as accounts
from ..models import (
    CASEWORK_ROLES,
    Assignment,
    Child,
    EventKind,
    Home,
    HomeKind,
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
from ..security.principal import end_sessions
from ..text import kept_line, kept_words
from ..timetable import service as timetable
from ..timetable.rules import TimetableError, TimetablePolicy, WorkingCalendar

PER_PAGE: Final = 50
NAME_MAX: Final = 200
PREFERRED_NAME_MAX: Final = 100
LANGUAGE_MAX: Final = 100
RELATIONSHIP_MAX: Final = 100
LONG_TEXT_MAX: Final = 2000
EMAIL_MAX: Final = 320
LOCAL_PART_MAX: Final = 64  # before the "@" (RFC 5321): no mail server takes a longer one
# Children and care leavers are reviewed up to 25; an older date of birth is a typing mistake.
OLDEST_AGE: Final = 25

# Which kind of home each placement type lives in.
HOME_KIND_FOR: Final[dict[PlacementType, HomeKind]] = {
    PlacementType.RESIDENTIAL: HomeKind.CHILDRENS_HOME,
    PlacementType.FOSTER: HomeKind.FOSTER_FAMILY,
}
# A child has one allocated social worker and one IRO at a time; keyworkers may share a child.
ONE_AT_A_TIME: Final = (Role.SOCIAL_WORKER, Role.IRO)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# --- problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """One thing wrong with one field: a code (the page words it) and values for the words."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


class Invalid(ValueError):
    """What was entered breaks these rules: field name -> issue."""

    def __init__(self, issues: Mapping[str, Issue]) -> None:
        super().__init__(", ".join(f"{name}: {issue.code}" for name, issue in issues.items()))
        self.issues = dict(issues)


class Conflict(Exception):
    """The record was changed by someone else since the page showing it was loaded."""


class Refused(Exception):
    """An action that cannot be done to this record as it stands (a code the page words)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, Any] = params


class _Issues:
    """Collects the first issue of each field; a field already found wrong elsewhere (a date
    that was not a date) gets no more."""

    def __init__(self, already_wrong: Iterable[str] = ()) -> None:
        self.found: dict[str, Issue] = {}
        self.skip = set(already_wrong)

    def add(self, name: str, code: str, /, **params: object) -> None:
        if name not in self.skip and name not in self.found:
            self.found[name] = Issue(code, params)

    def ok(self, *names: str) -> bool:
        return not any(name in self.found or name in self.skip for name in names)

    def raise_any(self) -> None:
        if self.found:
            raise Invalid(self.found)


def clean_line(value: str | None) -> str:
    """A one-line value as stored: no control characters, no surrounding spaces."""
    return kept_line(value)


def clean_text(value: str | None) -> str:
    """A multi-line value as stored: line breaks kept, other control characters removed."""
    return kept_words(value)


def name_key(name: str) -> str:
    """How two names compare: case, accents' composed forms and spacing do not count."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _text(issues: _Issues, name: str, value: str, limit: int, *, required: bool = True) -> None:
    if required and not value:
        issues.add(name, "required")
    elif len(value) > limit:
        issues.add(name, "too-long", max=limit)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- homes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeValues:
    name: str
    kind: str | None
    address: str
    alert_email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class HomeRow:
    home: Home
    children: int


def homes(session: Session) -> list[HomeRow]:
    """Every home, active ones first, with how many looked-after children live there."""
    counts = dict(
        session.execute(
            select(Child.home_id, func.count(Child.id))
            .where(Child.left_care_on.is_(None), Child.home_id.is_not(None))
            .group_by(Child.home_id)
        ).all()
    )
    rows = session.scalars(select(Home).order_by(Home.active.desc(), Home.name, Home.id))
    return [HomeRow(home, counts.get(home.id, 0)) for home in rows]


def home_by_public_id(session: Session, public_id: str) -> Home | None:
    """The home with this public id, open or closed; None if there is none."""
    return session.scalar(select(Home).where(Home.public_id == public_id[:32]))


def all_homes(session: Session) -> list[Home]:
    """Every home, open or closed, by name (for filters)."""
    return list(session.scalars(select(Home).order_by(Home.name, Home.id)))


def active_homes(session: Session) -> list[Home]:
    """The open homes, by name: where a child may be placed."""
    return list(session.scalars(select(Home).where(Home.active.is_(True)).order_by(Home.name)))


def _check_home(session: Session, values: HomeValues, home: Home | None) -> HomeValues:
    issues = _Issues()
    name = clean_line(values.name)
    address = clean_text(values.address)
    _text(issues, "name", name, NAME_MAX)
    if issues.ok("name"):
        # Homes are few, and the CSV import finds a child's home by its name: names are unique
        # however they are written.
        clash = [
            other
            for other in session.execute(select(Home.id, Home.name)).all()
            if name_key(other.name) == name_key(name) and (home is None or other.id != home.id)
        ]
        if clash:
            issues.add("name", "duplicate", name=clash[0].name)
    if values.kind not in {kind.value for kind in HomeKind}:
        issues.add("kind", "required")
    elif home is not None and values.kind != home.kind.value:
        # Children placed here by a placement of the other kind: every later save of their
        # records would be refused (QA). Their placements change first.
        placed = session.scalars(
            select(Child.preferred_name)
            .where(Child.home_id == home.id, Child.left_care_on.is_(None))
            .where(
                Child.placement_type.in_(
                    [p for p, kind in HOME_KIND_FOR.items() if kind.value != values.kind]
                )
            )
            .order_by(Child.preferred_name)
        ).all()
        if placed:
            issues.add("kind", "children-placed", names=", ".join(placed), count=len(placed))
    _text(issues, "address", address, LONG_TEXT_MAX, required=False)
    alert_email = clean_line(values.alert_email)
    if len(alert_email) > EMAIL_MAX:
        issues.add("alert_email", "too-long", max=EMAIL_MAX)
    elif alert_email and not mail.looks_like_address(alert_email):
        issues.add("alert_email", "invalid")
    number = clean_line(values.phone)
    if len(number) > phone.PHONE_MAX:
        issues.add("phone", "too-long", max=phone.PHONE_MAX)
    elif number:
        # Kept as the UK writes it, so every page and email shows it the same way.
        number = phone.written(number) or ""
        if not number:
            issues.add("phone", "invalid")
    issues.raise_any()
    return HomeValues(name, values.kind, address, alert_email, number)


def create_home(session: Session, values: HomeValues) -> Home:
    """Add a home. Raises Invalid."""
    clean = _check_home(session, values, None)
    home = Home(
        name=clean.name,
        kind=HomeKind(clean.kind or ""),
        address=clean.address,
        alert_email=clean.alert_email,
        phone=clean.phone,
        active=True,
    )
    session.add(home)
    session.flush()
    return home


def update_home(session: Session, home: Home, values: HomeValues) -> list[str]:
    """Change a home; returns the names of the fields that changed. Raises Invalid."""
    clean = _check_home(session, values, home)
    changed = []
    for name, value in (
        ("name", clean.name),
        ("kind", HomeKind(clean.kind or "")),
        ("address", clean.address),
        ("alert_email", clean.alert_email),
        ("phone", clean.phone),
    ):
        if getattr(home, name) != value:
            setattr(home, name, value)
            changed.append(name)
    session.flush()
    return changed


def set_home_active(session: Session, home: Home, active: bool) -> None:
    """Deactivate a home no looked-after child lives in any more (raises Refused otherwise), or
    bring one back. An inactive home is kept for the record but offered for no new placement."""
    if not active:
        living = session.scalar(
            select(func.count(Child.id)).where(
                Child.home_id == home.id, Child.left_care_on.is_(None)
            )
        )
        if living:
            raise Refused("home-has-children", count=living, name=home.name)
    home.active = active
    session.flush()


# --- children ----------------------------------------------------------------------------------

CHILD_STATUSES: Final = ("looked-after", "left-care", "all")


@dataclass(frozen=True)
class ChildValues:
    """A child's record as entered (dates already read; None when empty or not a date)."""

    legal_name: str
    preferred_name: str
    date_of_birth: date | None
    first_language: str
    communication_needs: str
    became_looked_after: date | None
    placement_type: str | None
    home: Home | None
    placement_start: date | None
    left_care_on: date | None


@dataclass(frozen=True)
class HeldRange:
    """The first and last reviews already held for a child (None for a new child)."""

    first: date | None = None
    last: date | None = None


def held_range(session: Session, child: Child) -> HeldRange:
    """The days the child's first and last reviews were held (the dates must fit around them)."""
    first, last = session.execute(
        select(func.min(Review.held_on), func.max(Review.held_on)).where(
            Review.child_id == child.id, Review.status == ReviewStatus.HELD
        )
    ).one()
    return HeldRange(first, last)


def child_issues(
    values: ChildValues,
    today: date,
    *,
    held: HeldRange = HeldRange(),
    already_wrong: Iterable[str] = (),
    home_unknown: bool = False,
) -> tuple[ChildValues, dict[str, Issue]]:
    """Check a child's record against the rules; return it cleaned, and the issues by field.

    `already_wrong` names fields the caller found wrong already (a date that was not a date):
    they get no second message, and rules that need them are skipped. `home_unknown` says a
    home was named that does not exist (or is no longer active).
    """
    issues = _Issues(already_wrong)
    clean = ChildValues(
        legal_name=clean_line(values.legal_name),
        preferred_name=clean_line(values.preferred_name),
        date_of_birth=values.date_of_birth,
        first_language=clean_line(values.first_language),
        communication_needs=clean_text(values.communication_needs),
        became_looked_after=values.became_looked_after,
        placement_type=values.placement_type,
        home=values.home,
        placement_start=values.placement_start,
        left_care_on=values.left_care_on,
    )
    _text(issues, "legal_name", clean.legal_name, NAME_MAX)
    _text(issues, "preferred_name", clean.preferred_name, PREFERRED_NAME_MAX)
    _text(issues, "first_language", clean.first_language, LANGUAGE_MAX)
    _text(issues, "communication_needs", clean.communication_needs, LONG_TEXT_MAX, required=False)

    born = clean.date_of_birth
    if born is None:
        issues.add("date_of_birth", "required")
    elif born > today:
        issues.add("date_of_birth", "future")
    elif born < _years_before(today, OLDEST_AGE + 1):
        issues.add("date_of_birth", "too-old", years=OLDEST_AGE)

    became = clean.became_looked_after
    if became is None:
        issues.add("became_looked_after", "required")
    elif born is not None and issues.ok("date_of_birth") and became < born:
        issues.add("became_looked_after", "before-birth", date=born)
    elif became > today:
        issues.add("became_looked_after", "future")
    elif held.first is not None and became > held.first:
        issues.add("became_looked_after", "after-review", date=held.first)

    placement: PlacementType | None = None
    if clean.placement_type in {kind.value for kind in PlacementType}:
        placement = PlacementType(clean.placement_type or "")
    else:
        issues.add("placement_type", "required")

    if home_unknown:
        issues.add("home", "unknown")
    elif clean.home is None:
        if clean.left_care_on is None and issues.ok("left_care_on"):
            issues.add("home", "required")
    elif placement is not None and clean.home.kind != HOME_KIND_FOR[placement]:
        issues.add(
            "home",
            "not-foster" if placement == PlacementType.FOSTER else "not-residential",
            name=clean.home.name,
        )

    start_ok = became is not None and issues.ok("became_looked_after")
    if clean.placement_start is not None:
        if start_ok and became is not None and clean.placement_start < became:
            issues.add("placement_start", "before-looked-after", date=became)
        elif clean.placement_start > today:
            issues.add("placement_start", "future")

    left = clean.left_care_on
    if left is not None:
        if start_ok and became is not None and left < became:
            issues.add("left_care_on", "before-looked-after", date=became)
        elif left > today:
            issues.add("left_care_on", "future")
        elif held.last is not None and left < held.last:
            issues.add("left_care_on", "before-review", date=held.last)
    return clean, issues.found


def duplicate_child(
    session: Session, legal_name: str, born: date, except_id: int | None = None
) -> Child | None:
    """Another child with the same legal name (as `name_key` compares) and date of birth."""
    key = name_key(legal_name)
    for other in session.scalars(select(Child).where(Child.date_of_birth == born)):
        if other.id != except_id and name_key(other.legal_name) == key:
            return other
    return None


def _check_child(
    session: Session,
    values: ChildValues,
    today: date,
    child: Child | None,
    already_wrong: Iterable[str],
    home_unknown: bool,
) -> ChildValues:
    held = held_range(session, child) if child is not None else HeldRange()
    clean, found = child_issues(
        values, today, held=held, already_wrong=already_wrong, home_unknown=home_unknown
    )
    wrong = set(found) | set(already_wrong)
    if clean.date_of_birth is not None and not wrong & {"legal_name", "date_of_birth"}:
        other = duplicate_child(
            session, clean.legal_name, clean.date_of_birth, child.id if child else None
        )
        if other is not None:
            found["legal_name"] = Issue(
                "duplicate", {"name": other.legal_name, "date": other.date_of_birth}
            )
    if found or already_wrong:
        raise Invalid(found)
    return clean


def _apply(child: Child, values: ChildValues) -> list[str]:
    changed = []
    for name in (
        "legal_name",
        "preferred_name",
        "date_of_birth",
        "first_language",
        "communication_needs",
        "became_looked_after",
        "placement_start",
        "left_care_on",
    ):
        value = getattr(values, name)
        if getattr(child, name) != value:
            setattr(child, name, value)
            changed.append(name)
    placement = PlacementType(values.placement_type or "")
    if child.placement_type != placement:
        child.placement_type = placement
        changed.append("placement_type")
    home_id = values.home.id if values.home is not None else None
    if child.home_id != home_id:
        child.home_id = home_id
        child.home = values.home
        changed.append("home")
    return changed


def _recompute(
    session: Session,
    child: Child,
    today: date,
    calendar: WorkingCalendar | None = None,
    policy: TimetablePolicy | None = None,
) -> None:
    """Work the child's review dates and tasks out again; a history the rules refuse (which
    `child_issues` should already have caught) is a problem with the dates entered."""
    try:
        timetable.recompute_child(session, child, today, calendar=calendar, policy=policy)
    except TimetableError as error:
        name = {"left_care": "left_care_on", "placement_start": "placement_start"}.get(
            error.field, "became_looked_after"
        )
        raise Invalid({name: Issue("timetable", {"reason": error.message})}) from error


def create_child(
    session: Session,
    values: ChildValues,
    today: date,
    *,
    already_wrong: Iterable[str] = (),
    home_unknown: bool = False,
) -> Child:
    """Add a child and work out their review timetable. Raises Invalid (every field at fault)."""
    clean = _check_child(session, values, today, None, already_wrong, home_unknown)
    return add_checked_child(session, clean, today)


def add_checked_child(
    session: Session,
    clean: ChildValues,
    today: date,
    *,
    calendar: WorkingCalendar | None = None,
    policy: TimetablePolicy | None = None,
) -> Child:
    """Add a child whose record `child_issues` (and the duplicate check) found good, and work
    out their review timetable. For many children, pass the council's calendar and policy."""
    child = Child(
        legal_name=clean.legal_name,
        preferred_name=clean.preferred_name,
        date_of_birth=clean.date_of_birth,
        first_language=clean.first_language,
        communication_needs=clean.communication_needs,
        became_looked_after=clean.became_looked_after,
        placement_type=PlacementType(clean.placement_type or ""),
        home=clean.home,
        placement_start=clean.placement_start,
        left_care_on=clean.left_care_on,
    )
    session.add(child)
    _keep_placements(child, moved=True)
    session.flush()
    _recompute(session, child, today, calendar, policy)
    return child


def _keep_placements(child: Child, *, moved: bool) -> None:
    """Keep the child's placement rows in step with their record: a move ends the current row
    the day the new placement starts and begins another; any other change to where they live
    corrects the current row (a wrong start, a home entered later, leaving care)."""
    rows = child.placements
    current = rows[-1] if rows else None
    if moved or current is None:
        if current is not None and current.ended_on is None:
            current.ended_on = child.placement_start
        rows.append(Placement(placement_type=child.placement_type))
        current = rows[-1]
    elif len(rows) > 1 and rows[-2].ended_on == current.started_on:
        rows[-2].ended_on = child.placement_start  # a corrected start: the last one ended then
    current.home = child.home
    current.placement_type = child.placement_type
    current.started_on = child.placement_start
    current.ended_on = child.left_care_on


def update_child(
    session: Session,
    child: Child,
    values: ChildValues,
    today: date,
    *,
    loaded_version: int | None,
    already_wrong: Iterable[str] = (),
    home_unknown: bool = False,
    acting: StaffMember | None = None,
) -> list[str]:
    """Change a child's record and work their timetable out again; return the names of the
    fields that changed. A move to another home needs its own placement start, and is recorded
    as a significant event (by ``acting``) for the IRO to consider. Raises Conflict when the
    record changed since `loaded_version` was read (the database refuses a racing save too:
    StaleDataError), Invalid for the rules."""
    if loaded_version != child.version:
        raise Conflict
    clean = _check_child(session, values, today, child, already_wrong, home_unknown)
    before = child.home
    moved = (
        before is not None
        and clean.home is not None
        and clean.home.id != before.id
        and child.left_care_on is None
        and clean.left_care_on is None
    )
    if moved and clean.home:
        # A move is a new placement: its own start, not the old one carried over (QA: "Oak
        # Lodge, since January" for a move made that day), and not before the last one.
        if clean.placement_start is None or clean.placement_start == child.placement_start:
            raise Invalid({"placement_start": Issue("moved", {"home": clean.home.name})})
        if child.placement_start and clean.placement_start < child.placement_start:
            raise Invalid(
                {"placement_start": Issue("before-last-move", {"date": child.placement_start})}
            )
    changed = _apply(child, clean)
    if changed:
        _keep_placements(child, moved=moved)
        session.flush()
        if moved and acting is not None and before is not None and clean.home is not None:
            # A change of placement may mean an earlier review: the IRO is asked to consider it,
            # as for any significant event (QA: nothing was recorded).
            timetable.record_event(
                session,
                child,
                acting,
                EventKind.PLACEMENT_CHANGE,
                min(clean.placement_start or today, today),
                f"Moved from {before.name} to {clean.home.name} (recorded on the child's record).",
                today=today,
            )
        _recompute(session, child, today)
    return changed


@dataclass(frozen=True)
class ChildFilters:
    search: str = ""
    home: str = ""  # a home's public id
    status: str = "looked-after"
    page: int = 1


@dataclass(frozen=True)
class ChildrenPage:
    children: list[Child]
    total: int
    page: int
    pages: int
    filters: ChildFilters


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def children_page(session: Session, filters: ChildFilters) -> ChildrenPage:
    """A page of children matching the filters, by preferred name. A fixed number of queries."""
    query: Select[Child] = select(Child)
    search = clean_line(filters.search)[:100]
    if search:
        pattern = _like(search.lower())
        query = query.where(
            or_(
                func.lower(Child.legal_name).like(pattern, escape="\\"),
                func.lower(Child.preferred_name).like(pattern, escape="\\"),
            )
        )
    if filters.home:
        query = query.join(Home, Child.home_id == Home.id).where(
            Home.public_id == filters.home[:32]
        )
    if filters.status == "looked-after":
        query = query.where(Child.left_care_on.is_(None))
    elif filters.status == "left-care":
        query = query.where(Child.left_care_on.is_not(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(filters.page, 1), pages)
    rows = session.scalars(
        query.options(selectinload(Child.home))
        .order_by(func.lower(Child.preferred_name), Child.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return ChildrenPage(list(rows), total, page, pages, filters)


def child_by_public_id(session: Session, public_id: str) -> Child | None:
    """The child with this public id, with their home, assignments and network loaded."""
    return session.scalar(
        select(Child)
        .where(Child.public_id == public_id[:32])
        .options(
            selectinload(Child.home),
            selectinload(Child.assignments).selectinload(Assignment.staff),
            selectinload(Child.network),
        )
    )


# --- staff accounts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffValues:
    name: str
    email: str
    role: str | None


@dataclass(frozen=True)
class StaffFilters:
    search: str = ""
    role: str = ""
    page: int = 1


@dataclass(frozen=True)
class StaffPage:
    staff: list[StaffMember]
    total: int
    page: int
    pages: int
    filters: StaffFilters


def staff_page(session: Session, filters: StaffFilters) -> StaffPage:
    """A page of staff accounts matching the filters, by name."""
    query: Select[StaffMember] = select(StaffMember)
    search = clean_line(filters.search)[:100]
    if search:
        pattern = _like(search.lower())
        query = query.where(
            or_(
                func.lower(StaffMember.name).like(pattern, escape="\\"),
                func.lower(StaffMember.email).like(pattern, escape="\\"),
            )
        )
    if is_role(filters.role):
        query = query.where(StaffMember.role == Role(filters.role))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(filters.page, 1), pages)
    rows = session.scalars(
        query.order_by(StaffMember.active.desc(), func.lower(StaffMember.name), StaffMember.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return StaffPage(list(rows), total, page, pages, filters)


def staff_by_public_id(session: Session, public_id: str) -> StaffMember | None:
    """The staff account with this public id, active or not; None if there is none."""
    return session.scalar(select(StaffMember).where(StaffMember.public_id == public_id[:32]))


def is_role(value: str | None) -> bool:
    """Whether `value` names a staff role ("keyworker", "social-worker" ...)."""
    return value in {role.value for role in Role}


def staff_issues(
    values: StaffValues, *, password: str | None = None
) -> tuple[StaffValues, dict[str, Issue]]:
    """The rules for a staff account's name, email, role (and a temporary password, when one is
    given), without the database."""
    issues = _Issues()
    clean = StaffValues(
        clean_line(values.name), accounts.normalise_email(clean_line(values.email)), values.role
    )
    _text(issues, "name", clean.name, NAME_MAX)
    if not clean.email:
        issues.add("email", "required")
    elif len(clean.email) > EMAIL_MAX:
        issues.add("email", "too-long", max=EMAIL_MAX)
    elif not _EMAIL.fullmatch(clean.email) or len(clean.email.partition("@")[0]) > LOCAL_PART_MAX:
        issues.add("email", "invalid")
    if not is_role(clean.role):
        issues.add("role", "required")
    if password is not None:
        if not password:
            issues.add("password", "required")
        elif len(password) < accounts.MIN_PASSWORD_LENGTH:
            issues.add("password", "too-short", min=accounts.MIN_PASSWORD_LENGTH)
        elif len(password) > 1024:
            issues.add("password", "too-long", max=1024)
    return clean, issues.found


def _email_taken(session: Session, email: str, except_id: int | None) -> StaffMember | None:
    other = accounts.find_by_email(session, email)
    return other if other is not None and other.id != except_id else None


def create_staff(session: Session, values: StaffValues, password: str) -> StaffMember:
    """Add a staff account with a temporary password the administrator gives them. Raises
    Invalid. The password is hashed at once and shown nowhere afterwards."""
    clean, found = staff_issues(values, password=password)
    if "email" not in found and _email_taken(session, clean.email, None) is not None:
        found["email"] = Issue("duplicate", {"email": clean.email})
    if found:
        raise Invalid(found)
    try:
        member = accounts.create_staff(
            session,
            email=clean.email,
            name=clean.name,
            role=Role(clean.role or ""),
            password=password,
        )
    except accounts.PasswordRefused as error:  # the rules only the account knows
        raise Invalid({"password": _password_issue(error)}) from error
    except accounts.AccountError as error:  # the same rules, checked again there
        raise Invalid({error.field: Issue("account", {"reason": error.message})}) from error
    member.password_temporary = True  # known to the administrator too: changed at first sign-in
    return member


def _password_issue(error: accounts.PasswordRefused) -> Issue:
    return Issue(error.code, {"min": accounts.MIN_PASSWORD_LENGTH, "max": 1024})


# Like Django's unusable passwords: a value no password hash can match, different per account.
NO_PASSWORD_PREFIX: Final = "!no-password-"  # noqa: S105 - not a password


def has_password(member: StaffMember) -> bool:
    """False for an imported account nobody has given a temporary password yet."""
    return not member.password_hash.startswith(NO_PASSWORD_PREFIX)


def add_checked_staff(session: Session, clean: StaffValues) -> StaffMember:
    """Add an account `staff_issues` (and the duplicate check) found good, with no password:
    it cannot sign in until an administrator gives it a temporary password. (Hashing one per
    row would make a 5,000-row import take minutes; a password in a spreadsheet is worse.)"""
    member = StaffMember(
        email=clean.email,
        name=clean.name,
        role=Role(clean.role or ""),
        password_hash=NO_PASSWORD_PREFIX + secrets.token_urlsafe(16),
        active=True,
    )
    session.add(member)
    return member


def only_one_in_role(session: Session, member: StaffMember) -> list[Child]:
    """The children in care whose only active {keyworker, social worker, IRO} is ``member``
    (counting only colleagues who can sign in): disabled, nobody would do that role's tasks."""
    mine = aliased(Assignment)
    other = aliased(Assignment)
    colleague = aliased(StaffMember)
    covered = (
        select(other.id)
        .join(colleague, colleague.id == other.staff_id)
        .where(
            other.child_id == mine.child_id,
            other.role == mine.role,
            other.active.is_(True),
            other.staff_id != member.id,
            colleague.active.is_(True),
        )
        .exists()
    )
    return list(
        session.scalars(
            select(Child)
            .join(mine, mine.child_id == Child.id)
            .where(
                mine.staff_id == member.id,
                mine.active.is_(True),
                Child.left_care_on.is_(None),
                ~covered,
            )
            .order_by(Child.preferred_name, Child.id)
            .distinct()
        )
    )


def _active_assignments_in_other_roles(session: Session, member: StaffMember, role: Role) -> int:
    return (
        session.scalar(
            select(func.count(Assignment.id)).where(
                Assignment.staff_id == member.id,
                Assignment.active.is_(True),
                Assignment.role != role,
            )
        )
        or 0
    )


def update_staff(
    session: Session, member: StaffMember, values: StaffValues, *, acting: StaffMember
) -> list[str]:
    """Change a staff member's name, email or role; return the fields that changed.

    Nobody changes their own role (an administrator cannot lock themselves out), and a role does
    not change while the person still works with children in their old one. A new role ends
    their sessions: they sign in again, and a role that needs a second factor asks for one.
    Raises Invalid.
    """
    clean, found = staff_issues(values)
    if "email" not in found and _email_taken(session, clean.email, member.id) is not None:
        found["email"] = Issue("duplicate", {"email": clean.email})
    if "role" not in found and clean.role != member.role.value:
        if member.id == acting.id:
            found["role"] = Issue("own-role")
        else:
            count = _active_assignments_in_other_roles(session, member, Role(clean.role or ""))
            if count:
                found["role"] = Issue("has-assignments", {"name": member.name, "count": count})
    if found:
        raise Invalid(found)
    changed = []
    for name, value in (
        ("name", clean.name),
        ("email", clean.email),
        ("role", Role(clean.role or "")),
    ):
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed.append(name)
    if "role" in changed:
        end_sessions(session, staff_id=member.id, reason="role-changed")
    session.flush()
    return changed


def set_staff_active(
    session: Session, member: StaffMember, active: bool, *, acting: StaffMember
) -> None:
    """Disable an account (every session it has ends) or enable it again. Commits. An
    administrator cannot disable their own account (raises Refused)."""
    if not active and member.id == acting.id:
        raise Refused("own-account")
    accounts.set_active(session, member, active)


def locked_until(member: StaffMember, now: datetime) -> datetime | None:
    """Until when the account refuses its password after too many wrong ones (None: it does not)."""
    lock = member.locked_until
    return lock if lock is not None and lock > now else None


def reset_password(session: Session, member: StaffMember, password: str) -> None:
    """Give the staff member a new temporary password; every session they have ends. Commits.
    Raises Invalid."""
    if not password:
        raise Invalid({"password": Issue("required")})
    try:
        accounts.change_password(session, member, password)
    except accounts.PasswordRefused as error:
        raise Invalid({"password": _password_issue(error)}) from error
    # An administrator who gives a new password has checked who is asking: a lock from wrong
    # passwords goes with the old one (QA: the new password was refused for 15 minutes). Known
    # to them both, it lasts until the first sign-in.
    member.locked_until = None
    member.failed_sign_ins = 0
    member.password_temporary = True
    session.commit()


# --- who works with which child ----------------------------------------------------------------


def casework_staff(session: Session) -> list[StaffMember]:
    """Active keyworkers, social workers and IROs: who may be assigned to a child."""
    return list(
        session.scalars(
            select(StaffMember)
            .where(StaffMember.active.is_(True), StaffMember.role.in_(CASEWORK_ROLES))
            .order_by(StaffMember.role, func.lower(StaffMember.name), StaffMember.id)
        )
    )


def assign(session: Session, child: Child, staff_public_id: str, role: str | None) -> Assignment:
    """Assign a member of staff to a child in their own role. An assignment ended before is
    taken up again (one row per person, child and role: the audit record keeps the dates).
    Raises Invalid."""
    issues = _Issues()
    member = staff_by_public_id(session, staff_public_id) if staff_public_id else None
    chosen = Role(role) if role in {r.value for r in CASEWORK_ROLES} else None
    if chosen is None:
        issues.add("role", "required")
    if not staff_public_id:
        issues.add("staff", "required")
    elif member is None or member.role not in CASEWORK_ROLES:
        issues.add("staff", "unknown")
    elif not member.active:
        issues.add("staff", "disabled", name=member.name)
    elif chosen is not None and member.role != chosen:
        issues.add("role", "mismatch", name=member.name, role=member.role)
    issues.raise_any()
    assert member is not None and chosen is not None
    current = [a for a in child.assignments if a.active]
    if any(a.staff_id == member.id and a.role == chosen for a in current):
        raise Invalid(
            {"staff": Issue("already", {"name": member.name, "child": child.preferred_name})}
        )
    if chosen in ONE_AT_A_TIME:
        holder = next((a for a in current if a.role == chosen), None)
        if holder is not None:
            raise Invalid(
                {
                    "role": Issue(
                        "taken",
                        {"child": child.preferred_name, "role": chosen, "name": holder.staff.name},
                    )
                }
            )
    existing = next(
        (a for a in child.assignments if a.staff_id == member.id and a.role == chosen), None
    )
    if existing is not None:
        existing.active = True
        existing.started_at = utcnow()  # taken up again: the child is told, as for anyone new
    else:
        existing = Assignment(staff=member, child=child, role=chosen, active=True)
        session.add(existing)
    session.flush()
    return existing


def colleagues_to_take_over(session: Session, member: StaffMember) -> list[StaffMember]:
    """Who could take over `member`'s children: active staff in the same casework role."""
    if member.role not in CASEWORK_ROLES:
        return []
    return [
        other
        for other in casework_staff(session)
        if other.role == member.role and other.id != member.id
    ]


def caseload_to_hand_over(member: StaffMember) -> list[Assignment]:
    """`member`'s active assignments in their own role, for children still in care."""
    return [
        a
        for a in member.assignments
        if a.active and a.role == member.role and a.child.left_care_on is None
    ]


def hand_over_children(
    session: Session, member: StaffMember, to_public_id: str
) -> tuple[StaffMember, list[Child]]:
    """Every child in care `member` works with in their role goes to a colleague in the same
    role: each assignment ended and the colleague's begun, at once, so no child is left with
    nobody in between (QA: 30 children meant 60 forms, and a gap for each). A child the
    colleague already works with keeps them. Raises Invalid ("staff")."""
    to = staff_by_public_id(session, to_public_id) if to_public_id else None
    if to is None or to not in colleagues_to_take_over(session, member):
        raise Invalid({"staff": Issue("required" if not to_public_id else "unknown", {})})
    moved: list[Child] = []
    for assignment in caseload_to_hand_over(member):
        child = assignment.child
        assignment.active = False
        session.flush()
        has_them = any(a.active and a.staff_id == to.id for a in child.assignments)
        if not has_them:
            assign(session, child, to.public_id, to.role.value)
        moved.append(child)
    return to, sorted(moved, key=lambda child: child.preferred_name)


def end_assignment(
    session: Session, child: Child, staff_public_id: str, role: str | None
) -> Assignment | None:
    """End an active assignment (kept, inactive, for the record); None if there is none."""
    for assignment in child.assignments:
        if (
            assignment.active
            and assignment.role.value == role
            and assignment.staff.public_id == staff_public_id
        ):
            assignment.active = False
            session.flush()
            return assignment
    return None


# --- the people in a child's life --------------------------------------------------------------


@dataclass(frozen=True)
class PersonValues:
    name: str
    relationship_to_child: str
    role: str | None
    parental_responsibility: bool


def _check_person(
    values: PersonValues, child: Child, person: NetworkPerson | None = None
) -> PersonValues:
    issues = _Issues()
    clean = PersonValues(
        clean_line(values.name),
        clean_line(values.relationship_to_child),
        values.role,
        bool(values.parental_responsibility),
    )
    _text(issues, "name", clean.name, NAME_MAX)
    _text(issues, "relationship_to_child", clean.relationship_to_child, RELATIONSHIP_MAX)
    if clean.role not in {role.value for role in NetworkRole}:
        issues.add("role", "required")
    if issues.ok("name") and issues.ok("relationship_to_child"):
        # The same person twice would be two cards for the child to choose for (QA).
        same = [
            other
            for other in child.network
            if other.active
            and other is not person
            and name_key(other.name) == name_key(clean.name)
            and name_key(other.relationship_to_child) == name_key(clean.relationship_to_child)
        ]
        if same:
            issues.add(
                "name",
                "person-listed",
                name=same[0].name,
                relationship=same[0].relationship_to_child,
            )
    issues.raise_any()
    return clean


def add_person(session: Session, child: Child, values: PersonValues) -> NetworkPerson:
    """Add someone in the child's life. Raises Invalid."""
    clean = _check_person(values, child)
    person = NetworkPerson(
        child=child,
        name=clean.name,
        relationship_to_child=clean.relationship_to_child,
        role=NetworkRole(clean.role or ""),
        parental_responsibility=clean.parental_responsibility,
        active=True,
    )
    session.add(person)
    session.flush()
    return person


def update_person(session: Session, person: NetworkPerson, values: PersonValues) -> list[str]:
    """Change someone in the child's life; return the fields that changed. Raises Invalid."""
    clean = _check_person(values, person.child, person)
    changed = []
    for name, value in (
        ("name", clean.name),
        ("relationship_to_child", clean.relationship_to_child),
        ("role", NetworkRole(clean.role or "")),
        ("parental_responsibility", clean.parental_responsibility),
    ):
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    session.flush()
    return changed


def person_by_public_id(child: Child, public_id: str) -> NetworkPerson | None:
    """One of this child's people (never another child's); None if not theirs."""
    return next((p for p in child.network if p.public_id == public_id), None)


# --- the overview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    homes: int
    children: int
    left_care: int
    staff: int
    disabled_staff: int
    # Children in care with nobody active in a role they need, by role: an account disabled (a
    # leaver, at once) or an assignment ended left them with nobody, and nothing said so (QA).
    nobody_in: dict[Role, list[Child]] = field(default_factory=dict)
    # Children whose move staff recorded (a significant event) after the home on their record
    # began: their home here is out of date, and a worry is emailed to the old one (QA).
    moved: list[Child] = field(default_factory=list)


# A child in a children's home has a keyworker; every child a social worker and an IRO.
NEEDED_ROLES = (Role.SOCIAL_WORKER, Role.IRO, Role.KEYWORKER)
SHOWN_WITHOUT = 50  # a long list is a data problem for the import, not a page


def without_anyone_in(session: Session, role: Role) -> list[Child]:
    """Children in care with no active assignment in `role` held by an active account."""
    held = exists().where(
        Assignment.child_id == Child.id,
        Assignment.role == role,
        Assignment.active.is_(True),
        Assignment.staff.has(StaffMember.active.is_(True)),
    )
    query = select(Child).where(Child.left_care_on.is_(None), ~held)
    if role == Role.KEYWORKER:
        query = query.where(Child.placement_type == PlacementType.RESIDENTIAL)
    return list(session.scalars(query.order_by(Child.preferred_name).limit(SHOWN_WITHOUT)))


def overview(session: Session) -> Overview:
    """How many homes, children and staff accounts there are, and who has nobody in a role
    they need, and who moved since their home was recorded (seven small queries)."""
    homes_count = session.scalar(select(func.count(Home.id)).where(Home.active.is_(True))) or 0
    looked_after, left = session.execute(
        select(
            func.count(Child.id).filter(Child.left_care_on.is_(None)),
            func.count(Child.id).filter(Child.left_care_on.is_not(None)),
        )
    ).one()
    active, disabled = session.execute(
        select(
            func.count(StaffMember.id).filter(StaffMember.active.is_(True)),
            func.count(StaffMember.id).filter(StaffMember.active.is_(False)),
        )
    ).one()
    nobody = {role: found for role in NEEDED_ROLES if (found := without_anyone_in(session, role))}
    return Overview(
        homes_count,
        looked_after or 0,
        left or 0,
        active or 0,
        disabled or 0,
        nobody,
        moved_since_recorded(session),
    )


def moved_since_recorded(session: Session) -> list[Child]:
    """Children in care with a placement change recorded as a significant event on a day after
    their present home began on their record (or with no start day recorded): the admin's to
    bring up to date. One query."""
    since = func.coalesce(Child.placement_start, Child.became_looked_after)
    return list(
        session.scalars(
            select(Child)
            .where(
                Child.left_care_on.is_(None),
                exists().where(
                    SignificantEvent.child_id == Child.id,
                    SignificantEvent.kind == EventKind.PLACEMENT_CHANGE,
                    SignificantEvent.occurred_on > since,
                ),
            )
            .order_by(Child.preferred_name, Child.id)
        )
    )
