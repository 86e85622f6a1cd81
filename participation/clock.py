"""What day it is, for the whole app: the day in the UK, where reviews, due dates and working
days are counted. A server's own clock is often UTC, an hour behind the UK all summer: between
midnight and 1 a.m. a review due "today" would still be "tomorrow".

One place also lets a test run hold the day it started on: a run that crosses midnight would
otherwise compare dates it worked out before midnight with pages made after it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")

_pinned: date | None = None


def today() -> date:
    """Today in the UK."""
    return _pinned or datetime.now(UK).date()


def pin_today(day: date | None) -> None:
    """Hold today() at `day`; None follows the clock again."""
    global _pinned
    _pinned = day
