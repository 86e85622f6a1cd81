from __future__ import annotations

from sqlalchemy import func, select

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
