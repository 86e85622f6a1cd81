from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.caseload.service import next_review
from participation.demo import WRITTEN_ON, load_demo
from participation.models import Assignment, Child, Home, NetworkPerson, Review, StaffMember


def _counts(session):
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Home, Child, StaffMember, Assignment, NetworkPerson, Review)
    }


def test_demo_loads_a_council_and_twice_changes_nothing(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "priya.shah@example.org" in first.output and "my-review-demo" in first.output
    counts = _counts(session)
    assert counts["Home"] == 3 and counts["Child"] == 4 and counts["StaffMember"] == 7
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert _counts(session) == counts
    ages = sorted(c.preferred_name for c in session.scalars(select(Child)))
    assert ages == ["Jay", "Leo", "Mia", "Sami"]
    # Every child has exactly one review still to come.
    for child in session.scalars(select(Child)):
        planned = [r for r in child.reviews if r.held_on is None]
        assert len(planned) == 1


@pytest.mark.parametrize(
    "later", [timedelta(days=1), timedelta(weeks=30, days=4), timedelta(weeks=160)]
)
def test_the_demo_looks_the_same_whenever_it_is_loaded(session, later):
    """Its dates move on with the calendar: the same ages, every next review due soon, none late."""
    today = WRITTEN_ON + later
    load_demo(session, today=today)
    children = {child.preferred_name: child for child in session.scalars(select(Child))}
    assert {name: child.age_on(today) for name, child in children.items()} == {
        "Mia": 6,
        "Jay": 11,
        "Sami": 15,
        "Leo": 9,
    }
    for child in children.values():
        upcoming = next_review(child)
        assert upcoming is not None, child.preferred_name
        assert today < upcoming.due_on < today + timedelta(days=70), child.preferred_name
        assert upcoming.lateness(today) is None, child.preferred_name


def test_loading_the_demo_again_weeks_later_adds_nothing(session):
    load_demo(session, today=WRITTEN_ON)
    counts = _counts(session)
    load_demo(session, today=WRITTEN_ON + timedelta(weeks=5))
    assert _counts(session) == counts


def test_create_user_reads_the_password_from_stdin(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "Ada@Example.org",
            "--role",
            "iro",
            "--name",
            "Ada Lovelace",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    staff = session.scalar(select(StaffMember).where(StaffMember.email == "ada@example.org"))
    assert staff is not None and staff.role.value == "iro"
    assert staff.password_hash.startswith("$argon2id$")


def test_create_user_refuses_a_short_password_and_a_duplicate(app, session):
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["create-user", "x@example.org", "--role", "admin", "--name", "X", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    ok = ["create-user", "y@example.org", "--role", "admin", "--name", "Y", "--password-stdin"]
    assert runner.invoke(args=ok, input="a long enough password\n").exit_code == 0
    again = runner.invoke(args=ok, input="a long enough password\n")
    assert again.exit_code != 0 and "already an account" in again.output


def test_create_user_refuses_an_unknown_role(app):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "z@example.org",
            "--role",
            "wizard",
            "--name",
            "Z",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code != 0
