"""Read aloud on a device with no voice for the page's language: the same button plays audio
made on the server, by keyboard alone; or says plainly that there is none.

Headless Chromium has no speech voices, which is exactly this case; the init script makes sure
of it on a machine whose Chromium finds some (through speech-dispatcher).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from participation.child import service as space_service
from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, StaffMember
from tests.browser.conftest import axe_violations, sign_in

NO_VOICES = "window.speechSynthesis && (window.speechSynthesis.getVoices = () => []);"


@pytest.fixture
def jay(app):
    session = db.session()
    load_demo(session)
    child = session.query(Child).filter_by(preferred_name="Jay").one()
    keyworker = session.query(StaffMember).filter_by(email="tom.evans@example.org").one()
    space_service.set_picture_code(session, child, ["star", "fish", "car"], keyworker)
    db.session.remove()
    return child


@pytest.fixture
def cache(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "READ_ALOUD_CACHE", str(tmp_path / "read-aloud"))


def open_space(page: Page, child) -> None:
    page.add_init_script(NO_VOICES)
    sign_in(page, "tom.evans@example.org", DEMO_PASSWORD)
    page.goto(f"/children/{child.public_id}")
    page.get_by_role("button", name="Hand the tablet to Jay").click()
    for name in ["Star", "Fish", "Car"]:
        page.get_by_role("button", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's page")


def spoken(post_data: str | None) -> str:
    """The words a read-aloud request sent for speech (each piece's "text" form field)."""
    return " ".join(
        part.split("\r\n\r\n", 1)[1].split("\r\n--", 1)[0]
        for part in (post_data or "").split('name="text"')[1:]
    )


def tab_to_read_aloud(page: Page) -> None:
    """Press Tab until the page's read-aloud button has the focus."""
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('#read-aloud button.read-aloud')"):
            return
    raise AssertionError("Tab never reached the read-aloud button")


def test_the_button_plays_server_audio_by_keyboard(page: Page, jay, cache):
    open_space(page, jay)
    button = page.get_by_role("button", name="Read this page to me")
    expect(button).to_be_visible()
    tab_to_read_aloud(page)
    with page.expect_response("**/me/read-aloud") as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "audio/ogg"
    expect(button).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        """() => { const a = document.querySelector('audio.read-aloud-audio');
                   return a.src.startsWith('blob:') && a.readyState >= 2 && a.duration > 1
                       && !a.paused; }"""
    )
    # Paused and carried on with a button as big as the others, by keyboard too: the browser's
    # own audio controls were about 30 px, too small for a child's finger (QA).
    pause = page.locator("#read-aloud .read-aloud-pause")
    expect(pause).to_have_text("Pause")
    box = pause.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44
    pause.focus()
    page.keyboard.press("Enter")
    expect(pause).to_have_text("Carry on")
    assert page.evaluate("document.querySelector('audio.read-aloud-audio').paused")
    page.keyboard.press("Enter")
    expect(pause).to_have_text("Pause")
    page.wait_for_function("() => !document.querySelector('audio.read-aloud-audio').paused")
    assert axe_violations(page) == []
    # Still readable under a finger: a tablet keeps :hover after a tap, and the hover's pale
    # background beat the pressed one, white words on it (QA).
    button.hover()
    assert axe_violations(page) == []
    # Pressing again stops it; the button keeps the focus.
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(pause).to_be_hidden()
    assert page.evaluate("document.activeElement.matches('#read-aloud button.read-aloud')")
    expect(page.locator(".read-aloud-status").first).to_have_text("")


def test_a_language_with_no_voice_anywhere_offers_no_read_aloud(
    page: Page, app, jay, cache, monkeypatch
):
    """Pashto: no voice on this device and none in espeak-ng. The button used to answer with a
    written message, no help to the child who cannot read and pressed it (QA): it is not
    offered. (Whether its catalog is compiled or not, the page's lang is what decides.)"""
    monkeypatch.setitem(app.config["LANGUAGES"], "ps", ("پښتو", "rtl"))
    open_space(page, jay)
    page.context.add_cookies([{"name": "lang", "value": "ps", "url": page.url}])
    page.reload()
    assert page.evaluate("document.documentElement.lang") == "ps"
    assert page.get_attribute("#read-aloud", "data-server-voice") == "no"
    # Once the tablet's voices are known (1.5 s at most): none, and the button stays hidden.
    expect(page.locator("#read-aloud")).to_have_attribute("data-voice", "none")
    expect(page.locator("#read-aloud button.read-aloud")).to_be_hidden()
    # In English, on the same device, it is offered (espeak-ng reads English).
    page.context.add_cookies([{"name": "lang", "value": "en", "url": page.url}])
    page.reload()
    expect(page.locator("#read-aloud button.read-aloud")).to_be_visible()
    assert axe_violations(page) == []


def test_reading_a_page_says_which_choices_are_ticked(page: Page, jay, cache):
    """Every option was read alike, chosen or not: a child who cannot read never heard what
    they had chosen (QA). A ticked choice is followed by "you chose this"."""
    open_space(page, jay)
    page.goto("/me/plan/food-and-drink")
    page.get_by_label("Pizza").check()
    with page.expect_request("**/me/read-aloud") as asked:
        page.get_by_role("button", name="Read this page to me").click()
    text = spoken(asked.value.post_data)
    assert "Pizza (you chose this)" in text
    assert "Fruit (you chose this)" not in text and "Fruit" in text


def test_one_question_can_be_read_on_its_own(page: Page, jay, cache):
    """The page's button read every question and button in one go (QA): each question has its
    own, which reads that question and its choices only."""
    open_space(page, jay)
    page.goto("/me/plan/food-and-drink")
    food = page.locator("fieldset#food")
    with page.expect_request("**/me/read-aloud") as asked:
        food.get_by_role("button", name="Read this to me").click()
    text = asked.value.post_data or ""
    assert "Pizza" in text and "Save and go on" not in text and "Read this to me" not in text
    assert axe_violations(page) == []


def test_the_numbers_to_call_are_read_digit_by_digit(page: Page, jay, cache):
    """ "999" was read "nine hundred and ninety-nine" on the "I'm worried" page: a child who
    cannot read heard a number nobody dials. The numbers are read as a child would press
    them."""
    open_space(page, jay)
    page.goto("/me/worried")
    with page.expect_request("**/me/read-aloud") as asked:
        page.get_by_role("button", name="Read this page to me").click()
    text = spoken(asked.value.post_data)
    assert "call 9, 9, 9." in text
    assert "free on 0 8 0 0, 1 1 1 1." in text
    assert "999" not in text
    # On screen they are as written.
    expect(page.get_by_text("call 999", exact=False).first).to_be_visible()
