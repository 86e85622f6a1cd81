"""What staff.js adds to staff pages: a form that comes back with a problem puts focus on the list
of problems (a screen reader reads it first; Tab goes on from there), as on the children's pages;
typing keeps the session in use; an idle session is announced before it ends."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from tests.browser.conftest import axe_violations, sign_in

TOM = "tom.evans@example.org"


def test_the_problem_list_has_focus_on_a_staff_form(page: Page, app) -> None:
    load_demo(db.session())
    db.session.remove()
    sign_in(page, TOM, DEMO_PASSWORD)
    page.goto("/account")
    page.get_by_label("What children call you").fill("T" * 61)
    page.get_by_role("button", name="Save the name").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("60 characters or fewer")
    expect(summary).to_be_focused()
    # The words typed are still there to shorten.
    expect(page.get_by_label("What children call you")).to_have_value("T" * 61)


def test_typing_in_a_staff_form_keeps_the_session_in_use(page: Page, app) -> None:
    """Typing is work: the page says so while someone types (not when they don't), so a long
    report being written does not time out as idle."""
    app.config["STAFF_TYPING_PING_SECONDS"] = 1
    load_demo(db.session())
    db.session.remove()
    sign_in(page, TOM, DEMO_PASSWORD)
    page.goto("/account")
    pings: list[str] = []
    page.on("request", lambda r: pings.append(r.method) if "/still-here" in r.url else None)
    page.wait_for_timeout(2500)
    assert pings == []  # nothing typed: nothing sent
    with page.expect_response(lambda r: "/account/still-here" in r.url) as answered:
        page.get_by_label("What children call you").press_sequentially("Tom")
    assert answered.value.status == 204


def _short_idle_timeout(app, monkeypatch) -> None:
    # 8 seconds idle, warned 4 seconds before: the same script and server checks as 30 minutes.
    monkeypatch.setitem(app.config, "STAFF_IDLE_TIMEOUT", timedelta(seconds=8))
    monkeypatch.setitem(app.config, "STAFF_TIMEOUT_WARNING_SECONDS", 4)
    load_demo(db.session())
    db.session.remove()


def test_staff_are_warned_before_an_idle_session_ends_and_can_stay(
    page: Page, app, monkeypatch
) -> None:
    """WCAG 2.2.1: the time limit is announced before it ends, and one press extends it."""
    _short_idle_timeout(app, monkeypatch)
    sign_in(page, TOM, DEMO_PASSWORD)
    page.goto("/account")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=7000)
    expect(dialog).to_contain_text("signed out in 1 minute")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert axe_violations(page) == []
    with page.expect_response(lambda r: "/account/still-here" in r.url) as answered:
        stay.click()
    assert answered.value.status == 204
    expect(dialog).to_be_hidden()
    # Past the first 8 seconds from the page's own request: the session goes on.
    page.wait_for_timeout(5000)
    page.reload()
    assert urlsplit(page.url).path == "/account"


def test_a_warning_left_alone_says_the_session_has_ended(page: Page, app, monkeypatch) -> None:
    _short_idle_timeout(app, monkeypatch)
    sign_in(page, TOM, DEMO_PASSWORD)
    page.goto("/account")
    page.get_by_label("What children call you").fill("Mr Evans")  # typed, then left
    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_be_visible(timeout=12000)
    expect(ended.get_by_role("link", name="Sign in again (opens a new tab)")).to_be_focused()
    ended.get_by_role("button", name="Close").click()
    # What was typed is still on the page to save after signing in again.
    expect(page.get_by_label("What children call you")).to_have_value("Mr Evans")
    page.reload()
    assert urlsplit(page.url).path == "/sign-in"


def test_a_link_to_a_wish_waiting_for_an_answer_opens_its_answer(page: Page, app) -> None:
    """The plan's "waiting for an answer" list leads to each wish with its answer form open:
    the link promised the answer, not a closed "Answer this wish" to find (QA)."""
    load_demo(db.session())
    db.session.remove()
    sign_in(page, "grace.okafor@example.org", DEMO_PASSWORD)
    page.goto("/social-worker")
    page.get_by_role("link", name="waiting for an answer").first.click()
    waiting = page.locator("section.notice").filter(has_text="waiting for an answer")
    link = waiting.get_by_role("link").first
    target = (link.get_attribute("href") or "").split("#")[1]
    answer = page.locator(f"#answer-{target.removeprefix('decision-')}")
    expect(answer).to_be_hidden()  # closed until asked for
    link.click()
    expect(answer).to_be_visible()
    expect(answer.get_by_role("button", name="Save answer")).to_be_visible()
