"""The app's day is the UK's day, and a test run can hold it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from participation import clock


class _LateOnMidsummerNight(datetime):
    """23:30 UTC on 30 June: already 1 July in the UK (BST)."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return datetime(2026, 6, 30, 23, 30, tzinfo=UTC).astimezone(tz)


def test_today_is_the_uk_day_and_can_be_held(monkeypatch: pytest.MonkeyPatch) -> None:
    held = clock.today()  # the suite holds the day it started on (tests/conftest.py)
    monkeypatch.setattr(clock, "datetime", _LateOnMidsummerNight)
    try:
        clock.pin_today(None)
        assert clock.today() == date(2026, 7, 1)  # a UTC server would say 30 June
        clock.pin_today(date(2026, 6, 30))
        assert clock.today() == date(2026, 6, 30)
    finally:
        clock.pin_today(held)
