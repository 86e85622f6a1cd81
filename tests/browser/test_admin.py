"""An administrator at work in a real browser: signs in with their authenticator code, adds a
home and a child, assigns the child a keyworker, and checks a CSV file before importing it; and
axe finds nothing on any administration page at tablet and phone sizes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, Home, NetworkPerson, StaffMember
from tests.browser.conftest import TABLET_PORTRAIT, VIEWPORTS, axe_violations, sign_in

ADMIN = "sam.patel@example.org"
HEADER = (
    "legal_name,preferred_name,date_of_birth,became_looked_after,placement_type,home,"
    "placement_start,left_care_on,first_language,communication_needs\r\n"
)
BAD_FILE = (
    HEADER
    + "Noah Fielding,Noah,2016-04-02,2026-11-02,residential,Birch House,,,English,\r\n"
    + "Ella Moss,Ella,2014-09-30,2026-11-09,residential,Nowhere House,,,English,\r\n"
    + "=cmd|' /C calc'!A0,Cal,2013-01-01,2026-11-09,residential,Oak Lodge,,,English,\r\n"
).encode()
GOOD_FILE = (
    HEADER + "Noah Fielding,Noah,02/04/2016,02/11/2026,residential,Birch House,,,English,\r\n"
).encode()


@pytest.fixture
def demo(app):
    load_demo(db.session())
    db.session.remove()


def _csv(page: Page, content: bytes) -> None:
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "children.csv", "mimeType": "text/csv", "buffer": content}]
    )


def test_an_admin_adds_a_home_and_a_child_assigns_a_keyworker_and_checks_a_csv(page: Page, demo):
    page.set_viewport_size(TABLET_PORTRAIT)
    # The demo administrator gives a code from their authenticator app (the published demo key).
    sign_in(page, ADMIN, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")

    page.get_by_role("link", name="Homes", exact=True).click()
    page.get_by_role("link", name="Add a home").click()
    page.get_by_label("Name").fill("Birch House")
    page.get_by_label("Children's home").check()
    page.get_by_label("Address").fill("1 Birch Way\nNorthbrook NB4 2ZZ")
    page.get_by_role("button", name="Add the home").click()
    expect(page.get_by_role("status").first).to_contain_text("Home added: Birch House.")
    expect(page.get_by_role("region", name="Homes")).to_contain_text("1 Birch Way")

    page.goto("/admin/children")
    page.get_by_role("link", name="Add a child").click()
    page.get_by_role("button", name="Add the child").click()  # nothing filled in yet
    expect(page).to_have_title(re.compile("^Error: Add a child"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the child's legal name")
    expect(summary).to_contain_text("Choose the home the child lives in")
    page.get_by_label("Legal name").fill("Olivia Grace Bennett")
    page.get_by_label("Preferred name").fill("Liv")
    page.get_by_label("Date of birth").fill("2016-02-29")
    page.get_by_label("Date became looked after").fill("2026-11-02")
    page.get_by_label("Residential (a children's home)").check()
    page.get_by_label("Home", exact=True).select_option(label="Birch House (Children's home)")
    page.get_by_role("button", name="Add the child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Liv")
    expect(page.get_by_role("status").first).to_contain_text("Added Liv.")

    page.get_by_label("Role with the child").select_option("keyworker")
    page.get_by_label("Member of staff").select_option(label="Priya Shah")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Priya Shah now works with Liv as their keyworker."
    )
    expect(page.get_by_role("region", name="Staff who work with Liv")).to_contain_text("Priya Shah")

    page.goto("/admin/children")
    page.get_by_role("link", name="Import children from a CSV file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import children from a CSV file")
    _csv(page, BAD_FILE)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    problems = page.get_by_role("region", name="Problems in the file, row by row")
    expect(problems.locator("tbody tr")).to_have_count(2)
    expect(problems).to_contain_text("No open home is called Nowhere House")
    expect(problems).to_contain_text("which a spreadsheet would run as a formula")

    _csv(page, GOOD_FILE)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        "The dry run found no problems in 1 row"
    )
    _csv(page, GOOD_FILE)
    page.get_by_role("button", name="Import 1 row").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children")
    expect(page.get_by_role("status").first).to_contain_text("Imported 1 child.")
    expect(page.get_by_role("region", name="Children found")).to_contain_text("Noah")


def _admin_pages() -> list[tuple[str, str]]:
    session = db.session()
    mia = session.scalar(select(Child).where(Child.preferred_name == "Mia"))
    oak = session.scalar(select(Home).where(Home.name == "Oak Lodge"))
    priya = session.scalar(select(StaffMember).where(StaffMember.email == "priya.shah@example.org"))
    assert mia is not None and oak is not None and priya is not None
    person = session.scalar(select(NetworkPerson).where(NetworkPerson.child_id == mia.id))
    assert person is not None
    pages = [
        ("overview", "/admin/"),
        ("homes", "/admin/homes"),
        ("new home", "/admin/homes/new"),
        ("a home", f"/admin/homes/{oak.public_id}"),
        ("children", "/admin/children"),
        ("new child", "/admin/children/new"),
        ("a child", f"/admin/children/{mia.public_id}"),
        ("change a child", f"/admin/children/{mia.public_id}/edit"),
        ("new person", f"/admin/children/{mia.public_id}/people/new"),
        ("a person", f"/admin/children/{mia.public_id}/people/{person.public_id}"),
        ("staff", "/admin/staff"),
        ("new staff", "/admin/staff/new"),
        ("a staff member", f"/admin/staff/{priya.public_id}"),
        ("password", f"/admin/staff/{priya.public_id}/password"),
        ("import children", "/admin/imports/children"),
        ("import staff", "/admin/imports/staff"),
        ("export", "/admin/exports/participation-codes"),
    ]
    db.session.remove()
    return pages


def _check(page: Page, width: int, found: dict[str, list[str]], name: str) -> None:
    violations = axe_violations(page)
    if violations:
        found[name] = violations
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls sideways ({scroll}px)"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_axe_finds_nothing_on_the_administration_pages(page: Page, demo, viewport):
    size = VIEWPORTS[viewport]
    page.set_viewport_size(size)
    sign_in(page, ADMIN, DEMO_PASSWORD)
    found: dict[str, list[str]] = {}
    for name, path in _admin_pages():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _check(page, size["width"], found, name)
    # Pages with errors and reports on them.
    page.goto("/admin/children/new")
    page.get_by_role("button", name="Add the child").click()
    expect(page.get_by_role("alert")).to_be_visible()
    _check(page, size["width"], found, "new child with errors")
    page.goto("/admin/imports/children")
    _csv(page, BAD_FILE)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("region", name="Problems in the file, row by row")).to_be_visible()
    _check(page, size["width"], found, "import report")
    page.goto("/admin/exports/participation-codes?start=2023-01-01&end=2026-11-30")
    expect(page.get_by_role("region", name="Reviews and their participation codes")).to_be_visible()
    _check(page, size["width"], found, "export with reviews")
    assert found == {}
