"""Working days per UK nation, against dates worked out by hand from a printed calendar.

Each expected value below was counted on a calendar, not computed: the comment gives the count.
Weekdays used: 2026-04-03 Fri (Good Friday), 2026-04-06 Mon (Easter Monday), 2026-12-25 Fri,
2026-12-26 Sat, 2027-01-01 Fri, 2027-01-02 Sat, 2027-12-25 Sat, 2027-12-26 Sun, 2028-01-01 Sat,
2028-01-02 Sun, 2028-02-29 Tue, 2026-11-30 Mon, 2026-03-17 Tue, 2026-07-12 Sun.
"""

from __future__ import annotations

from datetime import date

import pytest

from participation.timetable import rules
from participation.timetable.rules import NATIONS, TimetableError, WorkingCalendar

D = date.fromisoformat


@pytest.mark.parametrize(
    ("nation", "day", "working", "why"),
    [
        # Easter 2026
        ("ENG", "2026-04-02", True, "Maundy Thursday is an ordinary working day"),
        ("ENG", "2026-04-03", False, "Good Friday"),
        ("ENG", "2026-04-06", False, "Easter Monday, England"),
        ("WLS", "2026-04-06", False, "Easter Monday, Wales shares England's bank holidays"),
        ("NIR", "2026-04-06", False, "Easter Monday, Northern Ireland"),
        ("SCT", "2026-04-03", False, "Good Friday is a Scottish bank holiday"),
        ("SCT", "2026-04-06", True, "Scotland has no Easter Monday bank holiday"),
        ("ENG", "2026-04-07", True, "Tuesday after Easter"),
        # Christmas 2026: Fri 25, Sat 26 -> Boxing Day substitute Mon 28
        ("ENG", "2026-12-24", True, "Christmas Eve is not a bank holiday"),
        ("ENG", "2026-12-25", False, "Christmas Day, a Friday"),
        ("ENG", "2026-12-26", False, "Boxing Day, a Saturday"),
        ("ENG", "2026-12-28", False, "Monday substitute for Boxing Day"),
        ("SCT", "2026-12-28", False, "Scotland too takes the Boxing Day substitute"),
        ("ENG", "2026-12-29", True, "Tuesday 29 December is a working day"),
        # Christmas 2027: Sat 25, Sun 26 -> substitutes Mon 27 and Tue 28
        ("ENG", "2027-12-24", True, "Friday before Christmas"),
        ("ENG", "2027-12-27", False, "Monday substitute for Christmas Day"),
        ("ENG", "2027-12-28", False, "Tuesday substitute for Boxing Day"),
        ("NIR", "2027-12-28", False, "same substitutes in Northern Ireland"),
        ("ENG", "2027-12-29", True, "Wednesday 29 December"),
        # New Year 2026/2027 and Scotland's 2 January
        ("ENG", "2027-01-01", False, "New Year's Day, a Friday"),
        ("ENG", "2026-01-02", True, "2 January is not a holiday in England"),
        ("SCT", "2026-01-02", False, "2 January, a Friday in 2026, is a Scottish bank holiday"),
        ("ENG", "2027-01-04", True, "England: Monday 4 January 2027 is a working day"),
        ("SCT", "2027-01-04", False, "Scotland: 2 Jan 2027 is a Saturday -> substitute Mon 4"),
        ("SCT", "2027-01-05", True, "Scotland: Tuesday 5 January 2027"),
        # New Year 2028: Sat 1, Sun 2
        ("ENG", "2028-01-03", False, "substitute for New Year's Day (Saturday)"),
        ("ENG", "2028-01-04", True, "England has no 2 January holiday to substitute"),
        ("SCT", "2028-01-04", False, "Scotland: substitute for 2 January (Sunday)"),
        # Leap year 2028
        ("ENG", "2028-02-29", True, "29 February 2028 is a Tuesday"),
        # St Andrew's Day, Scotland only
        ("SCT", "2026-11-30", False, "St Andrew's Day, a Monday"),
        ("ENG", "2026-11-30", True, "not a holiday in England"),
        ("SCT", "2027-11-30", False, "St Andrew's Day, a Tuesday"),
        # St Patrick's Day and 12 July, Northern Ireland only
        ("NIR", "2026-03-17", False, "St Patrick's Day, a Tuesday"),
        ("ENG", "2026-03-17", True, "not a holiday in England"),
        ("NIR", "2026-07-13", False, "12 July 2026 is a Sunday -> substitute Monday 13"),
        ("ENG", "2026-07-13", True, "not a holiday in England"),
        ("NIR", "2027-07-12", False, "Battle of the Boyne, a Monday"),
        # Weekends and an ordinary bank holiday
        ("ENG", "2026-05-25", False, "Spring bank holiday"),
        ("ENG", "2026-05-23", False, "a Saturday"),
        ("ENG", "2026-05-24", False, "a Sunday"),
    ],
)
def test_is_working_day(nation: rules.Nation, day: str, working: bool, why: str) -> None:
    assert WorkingCalendar(nation).is_working_day(D(day)) is working, why


@pytest.mark.parametrize(
    ("nation", "start", "n", "expected"),
    [
        # Thu 2 Apr 2026 +1: Fri 3 Good Friday, Sat, Sun, Mon 6 Easter Monday -> Tue 7
        ("ENG", "2026-04-02", 1, "2026-04-07"),
        # Scotland works on Easter Monday
        ("SCT", "2026-04-02", 1, "2026-04-06"),
        # and back: Tue 7 -1 skips Mon 6, Sun, Sat, Fri 3 -> Thu 2
        ("ENG", "2026-04-07", -1, "2026-04-02"),
        ("SCT", "2026-04-07", -1, "2026-04-06"),
        # Thu 24 Dec 2026 +1: Fri 25, Sat 26, Sun 27, Mon 28 (substitute) -> Tue 29
        ("ENG", "2026-12-24", 1, "2026-12-29"),
        # +3: Tue 29 (1), Wed 30 (2), Thu 31 (3)
        ("ENG", "2026-12-24", 3, "2026-12-31"),
        # Thu 31 Dec 2026 +1 across the year end: Fri 1 Jan, Sat, Sun -> Mon 4 Jan
        ("ENG", "2026-12-31", 1, "2027-01-04"),
        # Scotland: Fri 1, Sat 2, Sun 3, Mon 4 (substitute for 2 Jan) -> Tue 5
        ("SCT", "2026-12-31", 1, "2027-01-05"),
        # Mon 4 Jan 2027 -1 (England) back across the year end: Fri 1 holiday -> Thu 31 Dec
        ("ENG", "2027-01-04", -1, "2026-12-31"),
        # Fri 24 Dec 2027 +1: Sat 25, Sun 26, Mon 27, Tue 28 substitutes -> Wed 29
        ("ENG", "2027-12-24", 1, "2027-12-29"),
        ("ENG", "2027-12-29", -1, "2027-12-24"),
        # Wed 29 Dec 2027 +3: Thu 30 (1), Fri 31 (2), Sat 1, Sun 2, Mon 3 (substitute), Tue 4 (3)
        ("ENG", "2027-12-29", 3, "2028-01-04"),
        # Scotland also loses Tue 4 (2 January substitute): Wed 5 is the third
        ("SCT", "2027-12-29", 3, "2028-01-05"),
        # Leap year: Fri 25 Feb 2028 +2: Mon 28 (1), Tue 29 (2); +3 -> Wed 1 March
        ("ENG", "2028-02-25", 2, "2028-02-29"),
        ("ENG", "2028-02-25", 3, "2028-03-01"),
        ("ENG", "2028-03-01", -1, "2028-02-29"),
        # St Andrew's Day: Fri 27 Nov 2026 +1 -> Mon 30 in England, Tue 1 Dec in Scotland
        ("ENG", "2026-11-27", 1, "2026-11-30"),
        ("SCT", "2026-11-27", 1, "2026-12-01"),
        # St Patrick's Day: Mon 16 Mar 2026 +1 -> Wed 18 in Northern Ireland
        ("NIR", "2026-03-16", 1, "2026-03-18"),
        ("ENG", "2026-03-16", 1, "2026-03-17"),
        # 12 July 2026 (Sunday): Fri 10 +1 -> Mon 13 is the substitute -> Tue 14
        ("NIR", "2026-07-10", 1, "2026-07-14"),
        ("ENG", "2026-07-10", 1, "2026-07-13"),
        # n == 0 is the day itself, even on a holiday
        ("ENG", "2026-12-25", 0, "2026-12-25"),
        # from a holiday, counting starts with the next day: Fri 25 Dec +1 -> Tue 29
        ("ENG", "2026-12-25", 1, "2026-12-29"),
        # and backwards from a holiday: Fri 25 Dec -1 -> Thu 24
        ("ENG", "2026-12-25", -1, "2026-12-24"),
        # 20 working days: Thu 10 Dec 2026 -> Fri 11 (1), 14-18 (6), 21-24 (10), 29-31 (13),
        # 4-8 Jan (18), Mon 11 (19), Tue 12 (20)
        ("ENG", "2026-12-10", 20, "2027-01-12"),
    ],
)
def test_add_working_days(nation: rules.Nation, start: str, n: int, expected: str) -> None:
    assert WorkingCalendar(nation).add_working_days(D(start), n) == D(expected)


def test_last_and_next_working_day() -> None:
    england = WorkingCalendar("ENG")
    # Mon 28 Dec 2026 is the Boxing Day substitute; before it Sun, Sat, Fri 25 -> Thu 24
    assert england.last_working_day_on_or_before(D("2026-12-28")) == D("2026-12-24")
    # Fri 25 Dec: Sat, Sun, Mon 28 closed -> Tue 29
    assert england.next_working_day_on_or_after(D("2026-12-25")) == D("2026-12-29")
    # a working day is its own answer both ways
    assert england.last_working_day_on_or_before(D("2026-12-29")) == D("2026-12-29")
    assert england.next_working_day_on_or_after(D("2026-12-29")) == D("2026-12-29")
    # Scotland, Mon 4 Jan 2027 (2 January substitute) -> back to Thu 31 Dec
    assert WorkingCalendar("SCT").last_working_day_on_or_before(D("2027-01-04")) == D("2026-12-31")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # after Thu 24 Dec up to Thu 31 Dec 2026: Tue 29, Wed 30, Thu 31
        ("2026-12-24", "2026-12-31", 3),
        ("2026-12-31", "2026-12-24", -3),
        ("2026-12-24", "2026-12-24", 0),
        # ... up to Mon 4 Jan 2027: plus Mon 4
        ("2026-12-24", "2027-01-04", 4),
        # a whole ordinary week, Fri to Fri: Mon-Fri
        ("2026-06-05", "2026-06-12", 5),
        # Easter 2026: after Thu 2 Apr up to Tue 7: only Tue 7
        ("2026-04-02", "2026-04-07", 1),
    ],
)
def test_working_days_between(start: str, end: str, expected: int) -> None:
    assert WorkingCalendar("ENG").working_days_between(D(start), D(end)) == expected


def test_closures_are_not_working_days() -> None:
    # The council shuts on Christmas Eve 2026 (a Thursday) and on a Saturday (no effect).
    council = WorkingCalendar("ENG", closures=[D("2026-12-24"), D("2026-12-19")])
    assert not council.is_working_day(D("2026-12-24"))
    # Wed 23 +1: Thu 24 closed, Fri 25, Sat, Sun, Mon 28 -> Tue 29
    assert council.add_working_days(D("2026-12-23"), 1) == D("2026-12-29")
    assert council.add_working_days(D("2026-12-29"), -1) == D("2026-12-23")
    # after Wed 23 up to Thu 31: Tue 29, Wed 30, Thu 31
    assert council.working_days_between(D("2026-12-23"), D("2026-12-31")) == 3
    # another council's calendar (sharing the bank-holiday cache) is not affected
    assert WorkingCalendar("ENG").is_working_day(D("2026-12-24"))
    assert council.closures == frozenset({D("2026-12-24"), D("2026-12-19")})


def test_closure_must_be_a_date() -> None:
    with pytest.raises(TimetableError) as raised:
        WorkingCalendar("ENG", closures=["2026-12-24"])  # type: ignore[list-item]
    assert raised.value.field == "closures"


@pytest.mark.parametrize("nation", ["UK", "GB", "eng", "", "England"])
def test_unknown_nation(nation: str) -> None:
    with pytest.raises(TimetableError) as raised:
        WorkingCalendar(nation)  # type: ignore[arg-type]
    assert raised.value.field == "nation"
    assert repr(nation) in raised.value.message
    assert str(raised.value) == raised.value.message


def test_every_nation_is_accepted() -> None:
    assert [WorkingCalendar(nation).nation for nation in NATIONS] == ["ENG", "WLS", "SCT", "NIR"]


def test_bank_holidays_load_one_year_at_a_time_and_are_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []
    real_uk = rules.holidays.UK

    def counting_uk(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("years"))
        return real_uk(*args, **kwargs)

    rules._bank_holidays.cache_clear()
    monkeypatch.setattr(rules.holidays, "UK", counting_uk)
    first = WorkingCalendar("WLS")
    for offset in range(365):
        first.is_working_day(date.fromordinal(D("2031-01-01").toordinal() + offset))
    assert calls == [2031]  # one load for the whole year
    first.add_working_days(D("2031-12-31"), 1)
    assert calls == [2031, 2032]  # the next year only once reached
    # a second calendar for the same nation reuses the loaded years
    WorkingCalendar("WLS").add_working_days(D("2031-06-01"), 20)
    assert calls == [2031, 2032]
    rules._bank_holidays.cache_clear()
