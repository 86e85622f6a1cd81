"""What staff.js adds to staff pages: a form that comes back with a problem puts focus on the list
of problems (a screen reader reads it first; Tab goes on from there), as on the children's pages;
typing keeps the session in use."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from tests.browser.conftest import sign_in

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
