"""A keyworker hands the tablet over; the child opens their space with their picture code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from participation.child import service as space_service
from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, StaffMember
from tests.browser.conftest import VIEWPORTS, axe_violations, sign_in

CODE = ["Star", "Fish", "Car"]


@pytest.fixture
def jay(app):
    session = db.session()
    load_demo(session)
    child = session.query(Child).filter_by(preferred_name="Jay").one()
    keyworker = session.query(StaffMember).filter_by(email="tom.evans@example.org").one()
    space_service.set_picture_code(session, child, ["star", "fish", "car"], keyworker)
    db.session.remove()
    return child


def hand_over(page: Page, child) -> None:
    sign_in(page, "tom.evans@example.org", DEMO_PASSWORD)
    page.goto(f"/children/{child.public_id}")
    page.get_by_role("button", name="Hand the tablet to Jay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Jay")


def small_targets(page: Page) -> list[str]:
    """Every link, button and form control on the page that is smaller than 44x44 CSS px."""
    return page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea, label.card')]
            .filter(e => e.offsetParent !== null && !e.closest('.site-footer, .skip-link'))
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width < 44 || r.height < 44)
            .map(([e, r]) => `${e.tagName} "${(e.innerText || e.value || '').trim()}" `
                             + `${r.width}x${r.height}`)"""
    )


def test_keyworker_and_child_choose_the_code_by_its_pictures(browser, base_url, app):
    """The code is chosen from the drawings the child will tap, not from lists of words."""
    session = db.session()
    load_demo(session)
    db.session.remove()
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    sign_in(page, "tom.evans@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name=re.compile("Jay")).first.click()
    page.get_by_role("link", name="Choose a picture code with Jay").click()
    # Saved too soon: each missing picture is named, and what was chosen stays chosen.
    first = page.get_by_role("group", name="First picture")
    first.get_by_role("radio", name="Boat").tap()
    page.get_by_role("button", name="Save the picture code").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the second picture")
    expect(page.get_by_role("group", name="First picture").get_by_label("Boat")).to_be_checked()
    assert axe_violations(page) == []
    for group, picture in zip(["Second picture", "Third picture"], ["Moon", "Boat"], strict=True):
        page.get_by_role("group", name=group).get_by_role("radio", name=picture).tap()
    images = page.get_by_role("group", name="Third picture").locator("img")
    expect(images).to_have_count(12)
    page.get_by_role("button", name="Save the picture code").click()
    expect(page.get_by_role("status")).to_contain_text("Jay's picture code is ready.")
    page.get_by_role("button", name="Hand the tablet to Jay").click()
    for name in ["Boat", "Moon", "Boat"]:
        page.get_by_role("button", name=name, exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's page")
    context.close()


def test_child_opens_their_space_by_tapping_pictures(browser, base_url, jay):
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over(page, jay)
    # The staff pages are out of reach now.
    page.goto("/my-children")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto("/me/unlock")
    for name in CODE:
        page.get_by_role("button", name=name, exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's page")
    expect(page.get_by_text("My meeting is in")).to_be_visible()
    assert small_targets(page) == []
    context.close()


def test_wrong_code_gets_a_kind_message(page: Page, jay):
    hand_over(page, jay)
    for name in ["Sun", "Sun", "Sun"]:
        page.get_by_role("button", name=name, exact=True).click()
    # (The read-aloud bar has a status line of its own: this page can be read aloud too.)
    expect(page.get_by_role("status").filter(has_text="That wasn't quite right")).to_be_visible()
    expect(page.get_by_role("button", name="Read this page to me")).to_be_visible()


def test_keyboard_alone_opens_the_space(page: Page, jay):
    hand_over(page, jay)
    for done, name in enumerate(CODE[:-1], start=1):
        page.get_by_role("button", name=name, exact=True).focus()
        page.keyboard.press("Enter")
        # Each picture is sent to the server, which answers with the page again: wait for it
        # before the next (focusing on the old page, the next press could be lost; it was once).
        expect(page.locator(".code-progress")).to_contain_text(f"{done} of {len(CODE)} chosen")
    page.get_by_role("button", name=CODE[-1], exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's page")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_axe_finds_nothing_on_the_child_space(page: Page, jay, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    hand_over(page, jay)
    found = {"unlock": axe_violations(page)}
    assert small_targets(page) == []
    for name in CODE:
        page.get_by_role("button", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's page")
    found["my page"] = axe_violations(page)
    assert small_targets(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"]
    assert found == {"unlock": [], "my page": []}


def test_each_display_choice_shows_at_once_and_saving_keeps_it(page: Page, jay):
    """A child who cannot read the choices sees what each does before saving it."""
    hand_over(page, jay)
    for name in CODE:
        page.get_by_role("button", name=name, exact=True).click()
    page.get_by_role("link", name="How my pages look").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How my pages look")
    body = page.locator("body")
    usual = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")

    page.get_by_label("Bigger").check()
    page.get_by_label("Strong colours: black, white and yellow").check()
    page.get_by_label("More space between words, and letters that are easier to read").check()
    for name in ("text-larger", "high-contrast", "easy-read"):
        expect(body).to_have_class(re.compile(rf"\b{name}\b"))
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > usual
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    # The easier font's style sheet, sent only once chosen, arrives and is used.
    page.wait_for_function(
        "f => getComputedStyle(document.body).fontFamily !== f", arg=font, timeout=5000
    )

    # Not saved: the next page looks as before.
    page.get_by_role("link", name="Back to my page").click()
    expect(body).not_to_have_class(re.compile(r"high-contrast"))
    page.get_by_role("link", name="How my pages look").click()
    page.get_by_label("Strong colours: black, white and yellow").check()
    page.get_by_role("button", name="Save how it looks").click()
    page.get_by_role("link", name="Back to my page").click()
    expect(body).to_have_class(re.compile(r"\bhigh-contrast\b"))
    # Every word on the page stays readable, the header's own buttons too (they were black on
    # black), and a button pressed on a tablet keeps its colours (its :hover state stays).
    assert axe_violations(page) == []
    lock = page.get_by_role("button", name="Take a break")
    lock.hover()
    assert readable(lock)


def shown_as(child, **choices) -> None:
    """Save the child's display choices ("How my pages look") straight into their space."""
    session = db.session()
    space = space_service.space_for(session, session.get(Child, child.id))
    for name, value in choices.items():
        setattr(space, name, value)
    session.commit()
    db.session.remove()


def style(locator, name: str) -> str:
    return locator.evaluate(f"e => getComputedStyle(e).{name}")


def drawn_apart(one, other, name: str = "backgroundColor") -> bool:
    return style(one, name) != style(other, name)


def readable(locator) -> bool:
    """Its words are not the colour they are drawn on."""
    return style(locator, "color") != style(locator, "backgroundColor")


def font_px(locator) -> float:
    return float(style(locator, "fontSize").removesuffix("px"))


def test_with_strong_colours_what_the_brand_colour_drew_still_shows(page: Page, jay):
    """Strong colours turn the brand colour black: what was drawn in it vanished on black (QA):
    the picture-code dots, the plan's progress, the step you are on; a pressed photo button and
    a focused link went black or yellow on their own colour; delete looked like keep."""
    shown_as(jay, high_contrast=True)
    hand_over(page, jay)
    for name in CODE:
        page.get_by_role("button", name=name, exact=True).click()
    body = page.locator("body")
    fill, bar = page.locator(".progress-fill").first, page.locator(".progress-bar").first
    assert drawn_apart(fill, bar)

    page.goto("/me/plan/who-comes")
    current = page.locator('.plan-steps a[aria-current="step"]')
    assert drawn_apart(current, page.locator(".plan-steps a:not([aria-current])").first)
    assert readable(current)

    link = page.get_by_role("link", name="Accessibility statement")
    page.keyboard.press("Tab")
    link.focus()
    assert link.evaluate("e => e.matches(':focus-visible')")
    assert readable(link)

    page.goto("/me/views/school/add")
    picker = page.locator(".file-picker.enhanced > label").first
    page.locator("#photos").hover()  # the unseen input lies over the label (views.js)
    assert readable(picker)

    page.goto("/me/worried")
    tell = page.get_by_role("button", name="Tell them now")
    back = page.get_by_role("link", name="Go back to my page")
    assert drawn_apart(tell, back)

    page.get_by_role("button", name="Take a break").click()
    page.get_by_role("button", name=CODE[0], exact=True).click()
    dot = page.locator(".dot.filled").first
    assert drawn_apart(dot, body)
    assert style(page.locator(".dot:not(.filled)").first, "borderTopColor") != style(
        body, "backgroundColor"
    )


def test_strong_and_calm_colours_together_can_be_read(page: Page, jay):
    """Both ticked: calm's background came after strong colours' and left white words on
    near white, on every page (QA)."""
    shown_as(jay, high_contrast=True, calm_colours=True)
    hand_over(page, jay)
    for name in CODE:
        page.get_by_role("button", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's page")
    assert axe_violations(page) == []
    assert style(page.locator("body"), "backgroundColor") == "rgb(0, 0, 0)"


def test_in_windows_high_contrast_the_code_dots_fill(browser, base_url, jay):
    """Forced colours drop backgrounds: the filled dots looked empty (QA)."""
    context = browser.new_context(base_url=base_url, forced_colors="active")
    page = context.new_page()
    hand_over(page, jay)
    page.get_by_role("button", name=CODE[0], exact=True).click()
    # As drawn on the screen: the computed style keeps the colours forced colours replaced.
    filled, empty = page.locator(".dot.filled").first, page.locator(".dot:not(.filled)").first
    assert middle_pixel(filled) != middle_pixel(empty)
    context.close()


def middle_pixel(locator) -> tuple[int, ...]:
    import io

    from PIL import Image

    shot = Image.open(io.BytesIO(locator.screenshot())).convert("RGB")
    return tuple(shot.getpixel((shot.width // 2, shot.height // 2)))


def test_bigger_words_make_the_whole_page_bigger(page: Page, jay):
    """Only the body text grew: step names and small print stayed small and some headings ended
    smaller than the words under them (QA). The page grows from its root now."""
    shown_as(jay, text_size="larger")
    hand_over(page, jay)
    for name in CODE:
        page.get_by_role("button", name=name, exact=True).click()
    page.goto("/me/plan/who-comes")
    words = font_px(page.locator("body"))
    assert words == pytest.approx(1.7 * 16, abs=0.1)  # as before
    assert font_px(page.locator("h1")) > words
    assert font_px(page.locator(".plan-steps a").first) >= 16 * 1.36
    assert font_px(page.get_by_role("button", name="Save and go on")) >= words
