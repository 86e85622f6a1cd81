from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from tests.browser.conftest import VIEWPORTS, axe_violations, sign_in


@pytest.fixture
def demo(app):
    load_demo(db.session())
    db.session.remove()


def test_demo_keyworker_signs_in_and_sees_their_children(page: Page, demo):
    sign_in(page, "tom.evans@example.org", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("My children")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Jay")
    expect(table).to_contain_text("Sami")
    expect(table).not_to_contain_text("Mia")
    page.get_by_role("link", name="Jay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out")


LANDINGS = [
    (None, "/sign-in"),
    ("priya.shah@example.org", "/my-children"),
    ("grace.okafor@example.org", "/my-children"),
    ("daniel.hughes@example.org", "/my-children"),
    ("helen.murray@example.org", "/council"),
    ("sam.patel@example.org", "/admin/"),
    (None, "/accessibility"),
    (None, "/no-such-page"),
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_axe_finds_nothing_on_sign_in_and_landing_pages(page: Page, demo, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    found = {}
    for email, path in LANDINGS:
        if email:
            sign_in(page, email, DEMO_PASSWORD)
        response = page.goto(path)
        assert response is not None
        assert response.status == (404 if path == "/no-such-page" else 200), path
        violations = axe_violations(page)
        if violations:
            found[path + (f" as {email}" if email else "")] = violations
        # Nothing may scroll sideways at phone width: tables scroll inside their own box.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"], f"{path} scrolls sideways ({width}px)"
        if email:
            page.get_by_role("button", name="Sign out").click()
    assert found == {}
