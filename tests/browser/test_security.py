"""An IRO sets up their authenticator app, then signs in with it; the pages pass axe."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Page, expect

from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Role
from tests.browser.conftest import VIEWPORTS, axe_violations, sign_in
from tests.support import factories
from tests.support.codes import code_from_step_before


@pytest.fixture
def iro_email(app) -> str:
    session = db.session()
    staff = factories.make_staff(session, Role.IRO, name="Ira Officer")
    child = factories.make_child(session, preferred_name="Robin")
    factories.assign(session, staff, child)
    session.commit()
    email = staff.email
    db.session.remove()
    return email


def _check(page: Page, width: int, found: dict[str, list[str]], name: str) -> None:
    violations = axe_violations(page)
    if violations:
        found[name] = violations
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls sideways ({scroll}px)"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_iro_sets_up_the_app_and_signs_in_with_a_code(page: Page, iro_email, viewport):
    size = VIEWPORTS[viewport]
    page.set_viewport_size(size)
    found: dict[str, list[str]] = {}

    sign_in(page, iro_email, factories.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(
        page.get_by_role("img", name="QR code for your authenticator app to scan")
    ).to_be_visible()
    _check(page, size["width"], found, "set-up")
    # "Scanning": read the key as someone typing it into their app would.
    key = page.locator("#setup-key").inner_text().replace(" ", "")
    app_on_phone = pyotp.TOTP(key)
    page.get_by_label("Security code").fill(code_from_step_before(key))
    page.get_by_role("button", name="Finish setting up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    _check(page, size["width"], found, "recovery codes")
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My children")
    expect(page.get_by_role("table")).to_contain_text("Robin")

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    _check(page, size["width"], found, "account")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out")

    page.get_by_label("Email address").fill(iro_email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    _check(page, size["width"], found, "security code")
    page.get_by_role("link", name="I cannot use my app: use a recovery code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Use a recovery code")
    _check(page, size["width"], found, "recovery code")
    page.get_by_role("link", name="Use a code from my app instead").click()
    page.get_by_label("Security code").fill(app_on_phone.now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My children")
    assert found == {}


@pytest.fixture
def demo(app):
    load_demo(db.session())
    db.session.remove()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_audit_record_and_password_pages_pass_axe(page: Page, demo, viewport):
    size = VIEWPORTS[viewport]
    page.set_viewport_size(size)
    found: dict[str, list[str]] = {}
    sign_in(page, "sam.patel@example.org", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    page.goto("/admin/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit record")
    expect(page.get_by_role("table")).to_contain_text("second-factor")
    _check(page, size["width"], found, "audit record")
    page.get_by_label("To (date)").fill("2000-01-01")
    page.get_by_label("From (date)").fill("2001-01-01")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit record")
    expect(page.get_by_role("alert")).to_contain_text("The 'to' date")
    _check(page, size["width"], found, "audit record with an error")
    page.goto("/account/password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    _check(page, size["width"], found, "change password")
    assert found == {}
