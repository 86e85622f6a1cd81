"""Right to left: in Arabic a child's page and a staff page say `<html lang="ar" dir="rtl">` and
the layout mirrors (the CSS uses logical properties only: tests/meta/test_css.py). Arabic is
offered only when its catalog is compiled (translations/ar/LC_MESSAGES/messages.mo); without it
these tests are skipped and say so.

Everything is found by id, class or value, not by words: the words are in Arabic."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, ViewportSize, expect
from sqlalchemy import select

from participation.child import service as space_service
from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, StaffMember
from tests.browser.conftest import sign_in

TOM = "tom.evans@example.org"
TABLET_PORTRAIT: ViewportSize = {"width": 810, "height": 1080}


@pytest.fixture
def jay(app: Flask) -> str:
    if "ar" not in app.config["LANGUAGES"]:
        pytest.skip("no Arabic catalog compiled: pybabel compile -d translations")
    session = db.session()
    load_demo(session)
    child = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    tom = session.scalar(select(StaffMember).where(StaffMember.email == TOM))
    assert child is not None and tom is not None
    space_service.set_picture_code(session, child, ["star", "fish", "car"], tom)
    public_id = child.public_id
    db.session.remove()
    return public_id


def choose_arabic(page: Page) -> None:
    """With the language switch at the foot of every page."""
    page.locator("#language-choice").select_option("ar")
    with page.expect_navigation():
        page.locator(".language-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")


def edges(page: Page, selector: str) -> dict[str, float]:
    """Where an element is: its distance from the left and from the right of the window."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    width = page.evaluate("document.documentElement.clientWidth")
    return {"left": box["x"], "right": width - (box["x"] + box["width"]), "width": box["width"]}


def assert_right_to_left(page: Page) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    # The service's name starts the header: on the right.
    name = edges(page, ".service-name")
    assert name["right"] < name["left"], name
    assert name["right"] < 40, name


def test_a_staff_page_in_arabic_reads_right_to_left(page: Page, jay: str) -> None:
    page.set_viewport_size(TABLET_PORTRAIT)
    sign_in(page, TOM, DEMO_PASSWORD)
    page.goto(f"/children/{jay}/keyworker-report")
    choose_arabic(page)
    assert_right_to_left(page)
    # The "Back to Jay's record" link starts the page: at its right edge.
    back = edges(page, "main .back a")
    assert back["right"] < back["left"] and back["right"] < 60, back
    # A field's label sits over its right-hand end.
    label = edges(page, "#section-home label")
    assert label["right"] < label["left"], label


def test_a_child_page_in_arabic_reads_right_to_left(page: Page, jay: str) -> None:
    page.set_viewport_size(TABLET_PORTRAIT)
    sign_in(page, TOM, DEMO_PASSWORD)
    page.goto(f"/children/{jay}")
    page.locator(f"form[action='/children/{jay}/hand-over'] button").click()
    for picture in ("star", "fish", "car"):
        with page.expect_navigation():
            page.locator(f"button[name=pick][value={picture}]").click()
    assert page.url.endswith("/me")
    choose_arabic(page)
    assert_right_to_left(page)
    # Jay's plan is part made: its progress bar fills from the right.
    bar = edges(page, ".plan-card .progress-bar")
    fill = edges(page, ".plan-card .progress-fill")
    assert 0 < fill["width"] < bar["width"], (bar, fill)
    assert abs(fill["right"] - bar["right"]) <= 1, (bar, fill)
    assert fill["left"] > bar["left"] + 1, (bar, fill)
    # And on the next page, the "Back to my page" button is at the right edge.
    page.goto("/me/views")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    back = edges(page, "main .back a")
    assert back["right"] < back["left"] and back["right"] < 60, back
