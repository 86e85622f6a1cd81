"""The workspaces show their children a page at a time, soonest review first, and still say
first what needs attention across all of them (benchmarks/dashboard_bench.py measured a page of
500 children's cards at over 300 ms)."""

from __future__ import annotations

import pytest

from participation.caseload import service as caseload

from .conftest import _child_with_history


@pytest.fixture
def three(session, team, jay):
    """Jay and two more on the same staff's caseload; two children to a page."""
    on_case = [team["keyworker"], team["social_worker"], team["iro"]]
    others = [_child_with_history(session, name, on_case) for name in ("Kai", "Lou")]
    session.commit()
    return [jay, *others]


@pytest.fixture(autouse=True)
def two_to_a_page(monkeypatch):
    monkeypatch.setattr(caseload, "WORKSPACE_PAGE_SIZE", 2)


def cards(page: str) -> list[str]:
    """The children's names on the cards, in order."""
    return [
        part.split("</a>")[0].rsplit(">", 1)[1]
        for part in page.split('<li class="workspace-child">')[1:]
    ]


@pytest.mark.parametrize(
    ("role", "path", "says"),
    [
        ("keyworker", "/keyworker", "You are keyworker for 3 children."),
        ("social_worker", "/social-worker", "You are the social worker for 3 children."),
        ("iro", "/iro", "You are the IRO for 3 children."),
    ],
)
def test_a_workspace_shows_its_children_a_page_at_a_time(desk, team, three, role, path, says):
    desk.sign_in(team[role])
    first = desk.get(path).text
    second = desk.get(f"{path}?page=2").text
    assert says in first and says in second
    assert "Children 1 to 2 of 3, soonest review first." in first
    assert "Children 3 to 3 of 3, soonest review first." in second
    assert f'href="{path}?page=2"' in first and f'href="{path}?page=1"' in second
    shown = cards(first) + cards(second)
    assert len(cards(first)) == 2 and sorted(shown) == ["Jay", "Kai", "Lou"]
    # A page past the last is the last.
    assert cards(desk.get(f"{path}?page=9").text) == cards(second)


def test_what_needs_attention_covers_every_page(desk, team, three):
    """Each child's last review was held with no code: the IRO is told of all three on the
    first page, though it shows two cards."""
    desk.sign_in(team["iro"])
    page = desk.get("/iro").text
    after = page.split("After a review, still to do")[1].split("</section>")[0]
    assert all(name in after for name in ("Jay", "Kai", "Lou"))
    assert len(cards(page)) == 2
    # And the social worker of all three late Care Plans (each last review's), on the first.
    desk.sign_in(team["social_worker"])
    page = desk.get("/social-worker").text
    first = page.split("Waiting on you now")[1].split("</section>")[0]
    assert all(name in first for name in ("Jay", "Kai", "Lou"))
    assert len(cards(page)) == 2
