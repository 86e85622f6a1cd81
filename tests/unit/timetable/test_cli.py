"""The ``timetable`` command, run through click's test runner (no app, no database)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from participation.timetable.cli import timetable_command
from participation.timetable.rules import AFTER_MEETING, BEFORE_MEETING

# Became looked after Fri 20 Nov 2026; first review held on its due day, Fri 18 Dec 2026.
KNOWN = ["--became-looked-after", "2026-11-20", "--held", "2026-12-18", "--today", "2027-02-01"]


def run(*args: str) -> Result:
    return CliRunner().invoke(timetable_command, list(args))


def test_json_output_for_a_known_history() -> None:
    result = run(*KNOWN, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)  # exactly one JSON document, nothing else
    assert data["nation"] == "ENG"
    assert data["reviews"] == [
        {"number": 1, "due": "2026-12-18", "held": "2026-12-18"},
        # 18 Dec + 3 months = Thu 18 Mar 2027
        {"number": 2, "due": "2027-03-18", "held": None},
        # 18 Mar + 6 months = Sat 18 Sep 2027 -> Fri 17 Sep
        {"number": 3, "due": "2027-09-17", "held": None},
    ]
    milestones = data["milestones"]
    assert set(milestones[0]) >= {"review", "name", "owner", "due"}
    per_review = {n: [m["name"] for m in milestones if m["review"] == n] for n in (1, 2, 3)}
    every = {name for name, _ in BEFORE_MEETING} | {name for name, _ in AFTER_MEETING}
    assert set(per_review[1]) == every  # held: before and after
    assert set(per_review[2]) == {name for name, _ in BEFORE_MEETING}  # not held: before only
    assert set(per_review[3]) == {name for name, _ in BEFORE_MEETING}
    found = {(m["review"], m["name"]): (m["owner"], m["due"]) for m in milestones}
    # first review: documents 2 working days before Fri 18 Dec -> Wed 16 Dec
    assert found[(1, "social-worker-documents")] == ("social-worker", "2026-12-16")
    # Held Fri 18 Dec: 21-24 Dec, [25, 28], Tue 29 is the 5th working day
    assert found[(1, "decisions-circulated")] == ("iro", "2026-12-29")
    assert found[(1, "record-distributed")] == ("iro", "2027-01-20")
    # second review (Thu 18 Mar 2027): 20 working days back -> Thu 18 Feb; documents 3 -> Mon 15
    assert found[(2, "consult-child")] == ("social-worker", "2027-02-18")
    assert found[(2, "social-worker-documents")] == ("social-worker", "2027-03-15")


def test_nation_is_case_insensitive_and_changes_the_dates() -> None:
    # Became looked after Thu 10 Dec 2026: 20 working days is Tue 12 Jan 2027 in England,
    # Wed 13 Jan in Scotland (Mon 4 Jan is the 2 January substitute there).
    base = ["--became-looked-after", "2026-12-10", "--today", "2026-12-11", "--json"]
    england = json.loads(run(*base).stdout)
    scotland = json.loads(run(*base, "--nation", "sct").stdout)
    assert england["reviews"][0]["due"] == "2027-01-12"
    assert scotland["nation"] == "SCT"
    assert scotland["reviews"][0]["due"] == "2027-01-13"


def test_more_held_reviews_list_one_more_to_come() -> None:
    held = ["--held", "2026-12-18", "--held", "2027-03-18", "--held", "2027-09-17"]
    result = run("--became-looked-after", "2026-11-20", *held, "--today", "2027-10-01", "--json")
    assert result.exit_code == 0, result.stderr
    reviews = json.loads(result.stdout)["reviews"]
    assert [r["number"] for r in reviews] == [1, 2, 3, 4]
    assert reviews[3] == {"number": 4, "due": "2028-03-17", "held": None}


def test_table_lists_reviews_and_every_milestone() -> None:
    result = run(*KNOWN)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Review 1: due 2026-12-18, held 2026-12-18" in out
    assert "Review 2: due 2027-03-18, not held yet" in out
    assert "Review 3: due 2027-09-17, not held yet" in out
    for name, owner in (*BEFORE_MEETING, *AFTER_MEETING):
        assert name in out
        assert owner in out
    # review 1 is held, so its after-meeting tasks are listed under it, before review 2
    section = out[out.index("Review 1:") : out.index("Review 2:")]
    assert "2026-12-29  after   decisions-circulated" in section
    assert "after" not in out[out.index("Review 2:") :]


@pytest.mark.parametrize(
    ("args", "option", "words"),
    [
        (["--became-looked-after", "2026-11-20", "--nation", "UK"], "--nation", ["'UK'"]),
        (
            [
                "--became-looked-after",
                "2026-11-20",
                "--held",
                "2027-01-01",
                "--today",
                "2026-12-01",
            ],
            "--held",
            ["2027-01-01", "in the future"],
        ),
        (
            [
                "--became-looked-after",
                "2026-11-20",
                "--held",
                "2026-11-01",
                "--today",
                "2026-12-01",
            ],
            "--held",
            ["2026-11-01", "before"],
        ),
        (
            ["--became-looked-after", "2026-11-20", "--held", "18/12/2026"],
            "--held",
            ["18/12/2026", "YYYY-MM-DD"],
        ),
        (["--became-looked-after", "2026-02-30"], "--became-looked-after", ["not a real date"]),
        (["--became-looked-after", "20261120"], "--became-looked-after", ["YYYY-MM-DD"]),
        ([], "--became-looked-after", ["Missing"]),
    ],
)
def test_bad_input_names_the_option_and_exits_non_zero(
    args: list[str], option: str, words: list[str]
) -> None:
    result = run(*args)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert option in result.stderr
    for word in words:
        assert word in result.stderr
