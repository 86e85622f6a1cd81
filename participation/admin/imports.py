"""Importing children and staff accounts from a CSV file, with a dry run.

`check` reads the file (UTF-8, with or without the byte order mark Excel writes; at most
`MAX_ROWS` rows of at most `MAX_BYTES` in all) with the standard `csv` module, straight from the
uploaded file on disk, and checks every row by the same rules as the pages (`service`), plus
what only a file can get wrong: a column missing or unknown, a date that is not a date, a home or
role that does not exist, the same child or email twice in the file or already in the database,
and a cell a spreadsheet would run as a formula (`=cmd|' /C calc'!A0`, or one starting with
``+``, ``-``, ``@``, a tab or a line break): refused here as input, as `csvsafe` neutralises
them in every file the app writes. `import_checked` then adds every row in the caller's one
transaction, or, if anything fails, nothing: it is only called when `check` found no problem.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import IO, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..accounts.service import normalise_email
from ..csvsafe import FORMULA_STARTS
from ..models import Child, Home, PlacementType, StaffMember
from ..timetable import service as timetable
from . import service
from .service import ChildValues, Issue, StaffValues

MAX_BYTES: Final = 2 * 1024 * 1024
MAX_ROWS: Final = 5000
# A report longer than this helps nobody: fix these and check again.
MAX_PROBLEMS: Final = 1000
_IN_CHUNKS: Final = 500

# Control characters other than the line breaks a quoted cell may hold.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportKind(StrEnum):
    CHILDREN = "children"
    STAFF = "staff"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool  # the column must be in the file (its cells may still be empty)
    date: bool = False


COLUMNS: Final[dict[ImportKind, tuple[Column, ...]]] = {
    ImportKind.CHILDREN: (
        Column("legal_name", True),
        Column("preferred_name", True),
        Column("date_of_birth", True, date=True),
        Column("became_looked_after", True, date=True),
        Column("placement_type", True),
        Column("home", True),
        Column("placement_start", False, date=True),
        Column("left_care_on", False, date=True),
        Column("first_language", False),
        Column("communication_needs", False),
    ),
    ImportKind.STAFF: (
        Column("name", True),
        Column("email", True),
        Column("role", True),
    ),
}


@dataclass(frozen=True)
class RowProblem:
    """One problem in one cell: the spreadsheet's row number (the header is row 1), the column,
    and what is wrong."""

    row: int
    column: str
    issue: Issue


@dataclass
class Checked:
    """What a dry run found: problems with the whole file, problems with rows, and the rows
    ready to import when there are none."""

    kind: ImportKind
    rows: int = 0
    file_issues: list[Issue] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0
    children: list[ChildValues] = field(default_factory=list)
    staff: list[StaffValues] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_issues and not self.problem_count and self.rows > 0

    @property
    def bad_rows(self) -> int:
        return len({problem.row for problem in self.problems})

    def add(self, row: int, column: str, issue: Issue) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(row, column, issue))


class _FileProblem(Exception):
    def __init__(self, *issues: Issue) -> None:
        super().__init__(", ".join(issue.code for issue in issues))
        self.issues = list(issues)


def _problem(code: str, **params: object) -> _FileProblem:
    return _FileProblem(Issue(code, params))


def template(kind: ImportKind) -> list[list[str]]:
    """The rows of an empty template: just the column names."""
    return [[column.name for column in COLUMNS[kind]]]


def _header_name(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").split())


def _read(stream: IO[bytes], kind: ImportKind) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows as (row number, column -> cell), blank rows left out. Raises
    _FileProblem for the file as a whole."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
        except csv.Error:
            raise _problem("not-csv") from None
        if header is None or not any(cell.strip() for cell in header):
            raise _problem("empty")
        names = [_header_name(cell) for cell in header]
        known = {column.name for column in COLUMNS[kind]}
        if len(names) == 1 and ";" in header[0]:
            raise _problem("semicolons")
        repeated = sorted({name for name in names if name and names.count(name) > 1})
        if repeated:
            raise _problem("repeated-columns", columns=", ".join(repeated))
        unknown = [
            cell.strip()
            for cell, name in zip(header, names, strict=True)
            if name and name not in known
        ]
        missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in names]
        issues = []
        if unknown:
            issues.append(Issue("unknown-columns", {"columns": ", ".join(unknown)}))
        if missing:
            issues.append(Issue("missing-columns", {"columns": ", ".join(missing)}))
        if issues:
            raise _FileProblem(*issues)
        number = 1
        try:
            for cells in reader:
                number += 1
                if number - 1 > MAX_ROWS:
                    raise _problem("too-many-rows", max=MAX_ROWS)
                if not any(cell.strip() for cell in cells):
                    continue
                values = dict.fromkeys(names, "")
                values.update(zip(names, cells, strict=False))
                values.pop("", None)  # a column with no name, empty in every row is harmless
                if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                    values["__extra__"] = "yes"
                yield number, values
        except csv.Error:
            raise _problem("not-csv-row", row=number + 1) from None
    except UnicodeDecodeError:
        raise _problem("not-utf8") from None
    finally:
        text.detach()


def _date(value: str) -> date | None:
    """A date written 2014-06-01 (ISO) or 01/06/2014 (as UK spreadsheets save them)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _formula_start(value: str) -> str | None:
    if value.startswith(FORMULA_STARTS):
        return value[0]
    stripped = value.lstrip(" ")
    return stripped[0] if stripped.startswith(FORMULA_STARTS) else None


def _cells(
    checked: Checked, number: int, values: dict[str, str], kind: ImportKind
) -> tuple[dict[str, str], dict[str, date | None], set[str]]:
    """The row's text and dates, and the columns already found wrong (problems recorded)."""
    wrong: set[str] = set()
    if values.pop("__extra__", None):
        checked.add(number, "", Issue("extra-cells"))
    dates: dict[str, date | None] = {}
    for column in COLUMNS[kind]:
        raw = values.get(column.name, "")
        start = _formula_start(raw)
        if start is not None:
            checked.add(number, column.name, Issue("formula", {"start": start}))
            wrong.add(column.name)
        elif _NOT_TEXT.search(raw):
            checked.add(number, column.name, Issue("control-characters"))
            wrong.add(column.name)
        elif column.date:
            try:
                dates[column.name] = _date(raw.strip()) if raw.strip() else None
            except ValueError:
                checked.add(number, column.name, Issue("bad-date", {"value": raw.strip()}))
                wrong.add(column.name)
    return values, dates, wrong


def _in_chunks(values: Iterable[object]) -> Iterator[list[object]]:
    items = list(values)
    for first in range(0, len(items), _IN_CHUNKS):
        yield items[first : first + _IN_CHUNKS]


def _check_children(
    session: Session, checked: Checked, rows: Iterable[tuple[int, dict[str, str]]], today: date
) -> None:
    homes = {
        service.name_key(home.name): home
        for home in session.scalars(select(Home).where(Home.active.is_(True)))
    }
    seen: dict[tuple[str, date], int] = {}
    good: list[tuple[int, ChildValues]] = []
    for number, raw in rows:
        checked.rows += 1
        values, dates, wrong = _cells(checked, number, raw, ImportKind.CHILDREN)
        placement = values.get("placement_type", "").strip().lower()
        if (
            "placement_type" not in wrong
            and placement
            and placement not in {p.value for p in PlacementType}
        ):
            checked.add(number, "placement_type", Issue("unknown-placement", {"value": placement}))
            wrong.add("placement_type")
        home_name = values.get("home", "").strip()
        home = homes.get(service.name_key(home_name)) if home_name else None
        if "home" not in wrong and home_name and home is None:
            checked.add(number, "home", Issue("unknown-name", {"value": home_name}))
            wrong.add("home")
        clean, issues = service.child_issues(
            ChildValues(
                legal_name=values.get("legal_name", ""),
                preferred_name=values.get("preferred_name", ""),
                date_of_birth=dates.get("date_of_birth"),
                first_language=values.get("first_language", "").strip() or "English",
                communication_needs=values.get("communication_needs", ""),
                became_looked_after=dates.get("became_looked_after"),
                placement_type=placement,
                home=home,
                placement_start=dates.get("placement_start"),
                left_care_on=dates.get("left_care_on"),
            ),
            today,
            already_wrong=wrong,
        )
        for column, issue in issues.items():
            checked.add(number, column, issue)
        wrong |= set(issues)
        if clean.date_of_birth is not None and not wrong & {"legal_name", "date_of_birth"}:
            key = (service.name_key(clean.legal_name), clean.date_of_birth)
            if key in seen:
                checked.add(
                    number,
                    "legal_name",
                    Issue("duplicate-in-file", {"what": "child", "row": seen[key]}),
                )
                wrong.add("legal_name")
            else:
                seen[key] = number
        if not wrong:
            good.append((number, clean))
    # Against the database: the children born on the days this file names.
    existing: dict[tuple[str, date], Child] = {}
    for days in _in_chunks({child.date_of_birth for _n, child in good}):
        for child in session.scalars(select(Child).where(Child.date_of_birth.in_(days))):
            existing[(service.name_key(child.legal_name), child.date_of_birth)] = child
    for number, ready in good:
        assert ready.date_of_birth is not None
        other = existing.get((service.name_key(ready.legal_name), ready.date_of_birth))
        if other is not None:
            checked.add(
                number,
                "legal_name",
                Issue("duplicate", {"name": other.legal_name, "date": other.date_of_birth}),
            )
        else:
            checked.children.append(ready)


def _check_staff(
    session: Session, checked: Checked, rows: Iterable[tuple[int, dict[str, str]]]
) -> None:
    seen: dict[str, int] = {}
    good: list[tuple[int, StaffValues]] = []
    for number, raw in rows:
        checked.rows += 1
        values, _dates, wrong = _cells(checked, number, raw, ImportKind.STAFF)
        role = values.get("role", "").strip().lower()
        if "role" not in wrong and role and not service.is_role(role):
            checked.add(number, "role", Issue("unknown-role", {"value": role}))
            wrong.add("role")
        clean, issues = service.staff_issues(
            StaffValues(values.get("name", ""), values.get("email", ""), role)
        )
        for column, issue in issues.items():
            if column not in wrong:
                checked.add(number, column, issue)
                wrong.add(column)
        if "email" not in wrong:
            if clean.email in seen:
                checked.add(
                    number,
                    "email",
                    Issue("duplicate-in-file", {"what": "email", "row": seen[clean.email]}),
                )
                wrong.add("email")
            else:
                seen[clean.email] = number
        if not wrong:
            good.append((number, clean))
    taken: set[str] = set()
    for emails in _in_chunks({member.email for _n, member in good}):
        taken.update(
            normalise_email(email)
            for email in session.scalars(
                select(StaffMember.email).where(func.lower(StaffMember.email).in_(emails))
            )
        )
    for number, member in good:
        if member.email in taken:
            checked.add(number, "email", Issue("duplicate", {"email": member.email}))
        else:
            checked.staff.append(member)


def check(session: Session, kind: ImportKind, stream: IO[bytes], today: date) -> Checked:
    """The dry run: read and check every row; change nothing."""
    checked = Checked(kind)
    rows = _read(stream, kind)
    try:
        if kind == ImportKind.CHILDREN:
            _check_children(session, checked, rows, today)
        else:
            _check_staff(session, checked, rows)
    except _FileProblem as problem:
        checked.file_issues.extend(problem.issues)
    # Problems found against the database come after the pass over the file: in row order.
    checked.problems.sort(key=lambda problem: problem.row)
    if not checked.file_issues and checked.rows == 0:
        checked.file_issues.append(Issue("no-rows"))
    return checked


def import_checked(session: Session, checked: Checked, today: date) -> int:
    """Add every row of a file `check` found good, in the caller's transaction (which commits
    all of them, or rolls back all of them). Returns how many were added."""
    if not checked.ok:
        raise ValueError("only a file with no problems is imported")
    if checked.kind == ImportKind.CHILDREN:
        calendar = timetable.calendar_for(session)
        policy = timetable.policy_for(session)
        for child in checked.children:
            service.add_checked_child(session, child, today, calendar=calendar, policy=policy)
        session.flush()
        return len(checked.children)
    for member in checked.staff:
        service.add_checked_staff(session, member)
    session.flush()
    return len(checked.staff)
