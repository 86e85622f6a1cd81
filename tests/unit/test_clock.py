"""The app's day is the UK's day, and a test run can hold it."""

from __future__ import annotations

from datetime import date, datetime

from participation import clock


def test_today_is_the_uk_day_and_can_be_held() -> None:
    held = clock.today()  # the suite holds the day it started on (tests/conftest.py)
    try:
        clock.pin_today(None)
        before = datetime.now(clock.UK).date()
        assert clock.today() in (before, datetime.now(clock.UK).date())
        clock.pin_today(date(2026, 6, 30))
        assert clock.today() == date(2026, 6, 30)
    finally:
        clock.pin_today(held)
