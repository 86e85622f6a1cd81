"""A review still to be held is late once its due date has gone by or its meeting is set after."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from participation.models import Lateness, Review, ReviewStatus

TODAY = date(2026, 11, 24)
DUE = date(2026, 12, 10)


@pytest.mark.parametrize(
    ("due_on", "meeting", "expected"),
    [
        (DUE, None, None),  # no meeting set yet: on time until the due date
        (DUE, datetime(2026, 12, 10, 16, tzinfo=UTC), None),  # on the day it is due
        (DUE, datetime(2026, 12, 11, 9, tzinfo=UTC), Lateness.MEETING_AFTER_DUE),
        (TODAY, None, None),  # due today: not late yet
        (date(2026, 11, 23), None, Lateness.PAST_DUE),
        # Past its due date, whatever is arranged.
        (date(2026, 11, 23), datetime(2026, 12, 1, 16, tzinfo=UTC), Lateness.PAST_DUE),
        # 23:30 UTC on 10 December is 23:30 in London too (winter): still the due day.
        (DUE, datetime(2026, 12, 10, 23, 30, tzinfo=UTC), None),
    ],
)
def test_lateness_of_a_review_still_to_be_held(due_on, meeting, expected):
    review = Review(due_on=due_on, scheduled_at=meeting, status=ReviewStatus.PLANNED)
    assert review.lateness(TODAY) == expected


def test_the_meeting_day_is_the_day_in_england():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time): a day after it was due.
    review = Review(
        due_on=date(2027, 6, 30),
        scheduled_at=datetime(2027, 6, 30, 23, 30, tzinfo=UTC),
        status=ReviewStatus.PLANNED,
    )
    assert review.meeting_date == date(2027, 7, 1)
    assert review.lateness(date(2027, 6, 1)) == Lateness.MEETING_AFTER_DUE


@pytest.mark.parametrize("status", [ReviewStatus.HELD, ReviewStatus.CANCELLED])
def test_a_review_held_or_cancelled_is_never_late(status):
    review = Review(due_on=date(2026, 1, 5), status=status)
    assert review.lateness(TODAY) is None


def test_an_adjourned_review_past_its_due_date_is_late():
    review = Review(due_on=date(2026, 11, 2), status=ReviewStatus.ADJOURNED)
    assert review.lateness(TODAY) == Lateness.PAST_DUE
