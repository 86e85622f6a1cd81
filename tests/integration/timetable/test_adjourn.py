"""An IRO adjourns a review: once, for no more than 20 working days (Bexley s.8), saying what
was missing and the effect of the wait on the child. The review is then due within the 20
working days, its meeting is to be arranged again, and every page naming the child's next
review names the same one."""

from __future__ import annotations

import html
import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from participation.caseload import service as caseload
from participation.models import AuditEvent, Child, Review, ReviewStatus, Role, StaffMember
from participation.models.review import LONDON
from participation.timetable import service
from participation.timetable.rules import WorkingCalendar
from tests.conftest import csrf_from

ENG = WorkingCalendar("ENG")
WHY = "The social worker's report and the health assessment were not ready."
EFFECT = "Mia was upset to wait again and wants it soon. Her mum agreed to a new date."


@pytest.fixture
def met_today(session, make_child, today):
    """A child whose second review met on the last working day (the meeting was arranged)."""
    child = make_child(became=today - timedelta(days=120), held=[today - timedelta(days=60)])
    review = caseload.next_review(child)
    assert review is not None
    met = ENG.last_working_day_on_or_before(today)
    review.scheduled_at = datetime.combine(met, time(15), LONDON)
    review.venue = "Willow House"
    session.commit()
    return child, review, met


def _adjourn(client, review, **data):
    page = client.get(f"/reviews/{review.public_id}/adjourned")
    assert page.status_code == 200
    return client.post(
        f"/reviews/{review.public_id}/adjourned",
        data={"csrf_token": csrf_from(page.text), "version": str(review.version), **data},
    )


def test_the_iro_adjourns_and_the_review_is_due_within_twenty_working_days(
    client, auth, session, people, met_today
):
    child, review, met = met_today
    auth.sign_in(people[Role.IRO])
    record = client.get(f"/children/{child.public_id}").text
    assert f"/reviews/{review.public_id}/adjourned" in record
    # The held page offers it too, for the IRO who came to record the meeting.
    assert (
        f"/reviews/{review.public_id}/adjourned"
        in client.get(f"/reviews/{review.public_id}/held").text
    )
    answer = _adjourn(client, review, adjourned_on=met.isoformat(), why=WHY, child_effect=EFFECT)
    assert answer.status_code == 302 and answer.location.endswith("#timetable")
    session.expire_all()
    review = session.get(Review, review.id)
    assert review.status == ReviewStatus.ADJOURNED
    assert review.adjourned_on == met and review.adjourned_by_id == people[Role.IRO].id
    assert review.adjourned_why == WHY and review.adjourned_child_effect == EFFECT
    assert review.due_on == ENG.add_working_days(met, 20)
    # To be arranged again (the invitations workspace then says the meeting moved); where it
    # was, and everything planned for it, stay.
    assert review.scheduled_at is None and review.venue == "Willow House"
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "review-adjourned")
        )
        == 1
    )
    flashed = html.unescape(client.get(answer.location).text)
    assert f"It must now be held by {ENG.add_working_days(met, 20):%A} " in flashed
    assert "Adjourned on " in flashed and "so it must be held by" in flashed


def test_every_page_names_the_adjourned_review_as_the_next_one(
    client, auth, session, people, met_today
):
    """The caseload counted only planned reviews: an adjourned one vanished from "next
    review" on the dashboards while the timetable still worked from it."""
    child, review, met = met_today
    auth.sign_in(people[Role.KEYWORKER])
    # Signing in ended the test's session: the rows again, in this one.
    review = session.get(Review, review.id)
    iro = session.get(StaffMember, people[Role.IRO].id)
    service.adjourn(session, review, met, iro, WHY, EFFECT, today=met)
    session.commit()
    session.expire_all()
    child = session.get(Child, child.id)
    assert review.status == ReviewStatus.ADJOURNED
    assert caseload.next_review(child).id == service.next_review(child).id == review.id
    due = review.due_on
    mine = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(client.get("/my-children").text)).split())
    assert f"{due:%A} {due.day} {due:%B %Y} latest date: not arranged yet" in mine


def test_a_review_is_adjourned_once_only(client, auth, session, people, met_today):
    child, review, met = met_today
    service.adjourn(session, review, met, people[Role.IRO], WHY, EFFECT, today=met)
    session.commit()
    with pytest.raises(service.InputError) as error:
        service.adjourn(session, review, met, people[Role.IRO], WHY, EFFECT, today=met)
    assert error.value.code == "adjourned-once"
    # The page shows the record instead of the form, and a post changes nothing.
    auth.sign_in(people[Role.IRO])
    page = html.unescape(client.get(f"/reviews/{review.public_id}/adjourned").text)
    assert WHY in page and EFFECT in page and 'name="why"' not in page
    assert "A review can be adjourned only once." in page
    # And the child's record no longer offers it.
    assert "Adjourn review 2" not in html.unescape(client.get(f"/children/{child.public_id}").text)


def test_both_reasons_are_needed_and_what_was_typed_stays(client, auth, session, people, met_today):
    _child, review, met = met_today
    auth.sign_in(people[Role.IRO])
    answer = html.unescape(
        _adjourn(client, review, adjourned_on=met.isoformat(), why=WHY, child_effect=" ").text
    )
    assert "Enter the effect of waiting on the child" in answer
    assert WHY in answer
    answer = html.unescape(
        _adjourn(client, review, adjourned_on=met.isoformat(), why="", child_effect=EFFECT).text
    )
    assert "Enter what was missing" in answer and EFFECT in answer
    future = _adjourn(
        client,
        review,
        adjourned_on=(met + timedelta(days=3)).isoformat(),
        why=WHY,
        child_effect=EFFECT,
    )
    assert "must be today or in the past" in html.unescape(future.text)
    session.expire_all()
    assert session.get(Review, review.id).adjourned_on is None


def test_a_day_that_is_not_a_working_day_is_asked_about_first(
    client, auth, session, people, met_today, today
):
    _child, review, _met = met_today
    saturday = today - timedelta(days=(today.weekday() - 5) % 7 or 7)
    auth.sign_in(people[Role.IRO])
    answer = _adjourn(
        client, review, adjourned_on=saturday.isoformat(), why=WHY, child_effect=EFFECT
    )
    assert "is a weekend" in html.unescape(answer.text)
    session.expire_all()
    assert session.get(Review, review.id).adjourned_on is None
    kept = _adjourn(
        client,
        review,
        adjourned_on=saturday.isoformat(),
        why=WHY,
        child_effect=EFFECT,
        keep_date="y",
        warned_day=saturday.isoformat(),
    )
    assert kept.status_code == 302
    session.expire_all()
    assert session.get(Review, review.id).due_on == ENG.add_working_days(saturday, 20)


def test_only_the_iro_and_a_manager_adjourn(client, auth, session, people, met_today):
    _child, review, _met = met_today
    for role in (Role.KEYWORKER, Role.SOCIAL_WORKER):
        auth.sign_in(people[role])
        assert client.get(f"/reviews/{review.public_id}/adjourned").status_code == 404
        auth.sign_out()


def test_the_child_is_told_their_meeting_will_carry_on_another_day(
    client, auth, session, people, met_today
):
    from participation.child import service as space_service
    from tests.support.child_fixtures import CODE, Tablet

    child, review, met = met_today
    space_service.set_picture_code(session, child, list(CODE), people[Role.KEYWORKER])
    tablet = Tablet(client, auth)
    tablet.hand_over(people[Role.KEYWORKER], child)
    tablet.tap(CODE)
    assert "carry on another day" not in client.get("/me").text
    service.adjourn(
        session,
        session.get(Review, review.id),
        met,
        session.get(StaffMember, people[Role.IRO].id),
        WHY,
        EFFECT,
        today=met,
    )
    session.commit()
    page = client.get("/me").text
    assert "My meeting will carry on another day." in page
    assert "The date for my meeting is still being planned." in page
