"""A child plans their meeting in the browser: by touch on a tablet, by keyboard alone, and with
axe finding nothing wrong on any step at tablet and phone sizes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from participation.child import service as space_service
from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, StaffMember
from tests.browser.conftest import VIEWPORTS, axe_violations, sign_in

STEPS = ["who-comes", "taking-part", "where-and-when", "food-and-drink", "the-room", "my-plan"]
CODE = ["Star", "Fish", "Car"]


@pytest.fixture
def demo(app):
    """The demo council; Mia (6, no plan yet) and Jay (11, plan half made) have picture codes."""
    session = db.session()
    load_demo(session)
    children = {}
    for name, keyworker in (("Mia", "priya.shah@example.org"), ("Jay", "tom.evans@example.org")):
        child = session.query(Child).filter_by(preferred_name=name).one()
        staff = session.query(StaffMember).filter_by(email=keyworker).one()
        space_service.set_picture_code(session, child, ["star", "fish", "car"], staff)
        children[name] = (child.public_id, keyworker)
    db.session.remove()
    return children


def open_space(page: Page, demo, name: str, *, how: str = "click") -> None:
    """The keyworker hands the tablet over; the child taps (or keys in) their picture code."""
    public_id, keyworker = demo[name]
    sign_in(page, keyworker, DEMO_PASSWORD)
    page.goto(f"/children/{public_id}")
    page.get_by_role("button", name=f"Hand the tablet to {name}").click()
    for picture in CODE:
        if how == "keyboard":
            tab_to(page, picture, by="text")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            continue
        button = page.get_by_role("button", name=picture, exact=True)
        button.tap() if how == "touch" else button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{name}'s page")


def small_targets(page: Page) -> list[str]:
    """Every visible link, button, form control and choice card under 44x44 CSS px."""
    return page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea, label.card')]
            .filter(e => e.offsetParent !== null && !e.closest('.site-footer, .skip-link'))
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width < 44 || r.height < 44)
            .map(([e, r]) => `${e.tagName}#${e.id} "${(e.innerText || e.value || '').trim()}"`
                + ` ${r.width}x${r.height}`)"""
    )


def card(page: Page, person: str):
    return page.locator("li.person-card").filter(
        has=page.get_by_role("heading", name=person, exact=True)
    )


def test_a_child_plans_their_whole_meeting_by_touch_on_a_tablet(browser, base_url, demo):
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    open_space(page, demo, "Mia", how="touch")
    expect(page.get_by_text("0 of 6 parts done")).to_be_visible()
    page.get_by_role("link", name="Start planning my meeting").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Who I'd like to come")
    # The page's script (deferred) listens for the first choice: on a busy machine the heading
    # is there well before it runs.
    page.wait_for_load_state()
    assert small_targets(page) == []
    # "Which part?" shows once "Just for part of it" is chosen, not under every person.
    expect(card(page, "Mum").get_by_label("Which part?")).to_be_hidden()
    # Mia is six: her family's cards lead with who they are to her.
    card(page, "Mum").get_by_text("Just for part of it", exact=True).tap()
    expect(card(page, "Mum").get_by_label("Which part?")).to_be_visible()
    expect(card(page, "Nan").get_by_label("Which part?")).to_be_hidden()
    # Autosave keeps the choice straight away, quietly.
    expect(page.locator("#autosave-status")).to_have_text("Saved")
    card(page, "Mum").get_by_label("Which part?").tap()
    page.keyboard.type("The start")
    card(page, "Nan").get_by_text("Yes please", exact=True).tap()
    card(page, "Mrs Lewis").get_by_text("Send their thoughts in writing", exact=True).tap()
    card(page, "Nurse Alison").get_by_text("No thanks", exact=True).tap()
    card(page, "Daniel").get_by_text("Yes please", exact=True).tap()
    expect(card(page, "Daniel").get_by_text("No thanks")).to_have_count(0)
    page.get_by_role("button", name="Save and go on").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("How I'll take part")
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()
    assert small_targets(page) == []
    page.get_by_text("Come to all of it", exact=True).tap()
    page.get_by_text("I run it with my IRO", exact=True).tap()
    page.get_by_role("button", name="Save and go on").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Where and when")
    assert small_targets(page) == []
    page.get_by_text("My home", exact=True).tap()
    page.get_by_text("After school", exact=True).tap()
    page.get_by_text("At the weekend", exact=True).tap()
    page.get_by_role("button", name="Save and go on").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Food and drink")
    assert small_targets(page) == []
    page.get_by_text("Pizza", exact=True).tap()
    page.get_by_text("Hot chocolate", exact=True).tap()
    # Mia is six: the plainer question for 4-7s.
    page.get_by_label("Is there any food you can't eat, or don't eat?").tap()
    page.keyboard.type("No nuts")
    page.get_by_role("button", name="Save and go on").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("The room")
    assert small_targets(page) == []
    page.get_by_text("A quiet room", exact=True).tap()
    page.get_by_text("Fidget things to hold", exact=True).tap()
    page.get_by_label("How will you show you need a break?").tap()
    page.keyboard.type("I hold up my star card")
    page.get_by_role("button", name="Save and go on").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("My meeting plan")
    assert small_targets(page) == []
    summary = page.locator("#my-plan-summary")
    for words in (
        "Kelly Thompson",
        "Just for part of it",
        "The start",
        "I run it with my IRO",
        "After school, At the weekend",
        "Pizza, Hot chocolate",
        "No nuts",
        "I hold up my star card",
    ):
        expect(summary).to_contain_text(words)
    # Going back to change something, then forward again.
    page.get_by_role("link", name="Change Food and drink").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Food and drink")
    page.wait_for_load_state()
    page.get_by_text("Fruit", exact=True).tap()
    expect(page.locator("#autosave-status")).to_have_text("Saved")
    page.get_by_role("link", name="Back").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where and when")
    page.get_by_role("link", name="My meeting plan", exact=True).tap()
    expect(summary).to_contain_text("Fruit, Pizza, Hot chocolate")
    page.get_by_role("button", name="This is my plan").tap()
    expect(page.get_by_text("6 of 6 parts done")).to_be_visible()
    context.close()


def tab_to(page: Page, match: str, *, by: str = "id", limit: int = 150) -> None:
    """Press Tab until the focused element has this id (or this text, by="text")."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """([match, by]) => {
                const e = document.activeElement;
                if (!e) return false;
                if (by === "id") return e.id === match;
                return (e.innerText || e.value || "").trim() === match;
            }""",
            [match, by],
        )
        if found:
            return
    raise AssertionError(f"Tab never reached {match!r}")


def test_a_child_plans_their_whole_meeting_with_the_keyboard_alone(page: Page, demo):
    open_space(page, demo, "Mia", how="keyboard")
    tab_to(page, "Start planning my meeting", by="text")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Who I'd like to come")
    tab_to(page, "people-0-wish-0")  # Kelly: Yes please
    page.keyboard.press("Space")
    tab_to(page, "people-0-why")
    page.keyboard.type("She is my mum")
    tab_to(page, "people-1-wish-0")  # Jean: Yes please
    page.keyboard.press("Space")
    tab_to(page, "new_name")
    page.keyboard.type("Aunty Mo")
    tab_to(page, "Add them to my list", by="text")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Aunty Mo is on your list now.")).to_be_visible()
    tab_to(page, "Save and go on", by="text")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("How I'll take part")
    tab_to(page, "attendance-0")
    page.keyboard.press("Space")
    tab_to(page, "Save and go on", by="text")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Where and when")
    tab_to(page, "place-0")
    page.keyboard.press("Space")
    tab_to(page, "times-0")
    page.keyboard.press("Space")
    tab_to(page, "Save and go on", by="text")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Food and drink")
    tab_to(page, "food-0")
    page.keyboard.press("Space")
    tab_to(page, "food-7")
    page.keyboard.press("Space")
    tab_to(page, "Save and go on", by="text")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("The room")
    tab_to(page, "room-0")
    page.keyboard.press("Space")
    tab_to(page, "break_signal")
    page.keyboard.type("Thumbs down")
    tab_to(page, "Save and go on", by="text")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("My meeting plan")
    summary = page.locator("#my-plan-summary")
    for words in (
        "She is my mum",
        "Aunty Mo",
        "Come to all of it",
        "My home",
        "Fruit, Hot chocolate",
        "Thumbs down",
    ):
        expect(summary).to_contain_text(words)
    tab_to(page, "This is my plan", by="text")
    page.keyboard.press("Enter")
    expect(page.get_by_text("6 of 6 parts done")).to_be_visible()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_axe_finds_nothing_on_any_step(page: Page, demo, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    open_space(page, demo, "Jay")
    found = {}
    for step in STEPS:
        page.goto(f"/me/plan/{step}")
        violations = axe_violations(page)
        if violations:
            found[step] = violations
        assert small_targets(page) == [], step
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"], f"{step} scrolls sideways ({width}px)"
    # A step with a problem to fix is checked too.
    page.goto("/me/plan/food-and-drink")
    page.get_by_label("Something else?").fill("x" * 400)
    page.get_by_role("button", name="Save and go on").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    found["food-and-drink with an error"] = axe_violations(page)
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_axe_finds_nothing_on_the_staff_plan(page: Page, demo, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    public_id, keyworker = demo["Jay"]
    sign_in(page, keyworker, DEMO_PASSWORD)
    page.goto(f"/children/{public_id}/plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's meeting plan")
    expect(page.locator(".plan-decision").filter(has_text="join on a video call")).to_be_visible()
    assert axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"]


@pytest.mark.parametrize("viewport", ["phone", "tablet-portrait"])
def test_one_long_word_wraps_on_my_plan(page: Page, demo, viewport):
    """A child's answer can be one long word (a pasted link, "nooooo..."): it wraps on their plan
    and the page does not scroll sideways."""
    page.set_viewport_size(VIEWPORTS[viewport])
    open_space(page, demo, "Jay")
    page.goto("/me/plan/food-and-drink")
    page.get_by_label("Allergies, or food you don't eat").fill("Nuts" * 110)
    page.get_by_role("button", name="Save and go on").click()
    # Saved first: going straight to another page would cut the save off.
    expect(page.get_by_role("heading", level=1)).to_have_text("The room")
    page.goto("/me/plan/my-plan")
    expect(page.get_by_text("Nuts" * 110)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], f"my plan scrolls sideways ({width}px)"


def test_words_typed_just_before_leaving_the_page_are_kept(page: Page, demo):
    """Words typed in the moment before a reload or the browser's Back were lost: autosave waits
    for a pause in typing (QA). What is not saved yet goes as the page does."""
    open_space(page, demo, "Jay")
    page.goto("/me/plan/food-and-drink")
    page.get_by_label("Allergies, or food you don't eat").press_sequentially("No peanuts")
    page.reload()  # at once: before the pause after typing
    # The save, sent as the page went, may land after the page came back: look again.
    page.wait_for_timeout(500)
    page.reload()
    expect(page.get_by_label("Allergies, or food you don't eat")).to_have_value("No peanuts")


def test_a_long_welsh_heading_in_bigger_words_fits_a_small_screen(page: Page, demo):
    """Welsh, "Bigger" words, 320 px: the heading "Sut mae fy nhudalennau'n edrych" was cut
    off and the page scrolled sideways (QA)."""
    open_space(page, demo, "Jay")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/me/how-it-looks")
    page.get_by_label("Bigger", exact=True).check()
    page.get_by_role("button", name="Save how it looks").click()
    expect(page.get_by_text("Saved. Your pages look like this now.")).to_be_visible()
    page.context.add_cookies([{"name": "lang", "value": "cy", "url": page.url}])
    page.goto("/me/how-it-looks")
    assert page.evaluate("document.documentElement.lang") == "cy"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways ({width}px)"


def test_words_typed_after_a_clash_with_another_tab_are_there_after_a_break(page: Page, demo):
    """Two tabs: the later one's saves stop at the clash, and what it typed after was lost at
    "Take a break" (QA). It is held for the page and shown again, the other tab's kept."""
    open_space(page, demo, "Jay")
    page.goto("/me/plan/food-and-drink")
    other = page.context.new_page()
    other.goto("/me/plan/food-and-drink")
    box = "Allergies, or food you don't eat"
    other.get_by_label(box).fill("From the other tab")
    expect(other.locator("#autosave-status")).to_have_text("Saved")
    page.get_by_label(box).fill("Nuts")
    expect(page.locator("#autosave-status")).to_contain_text("changed on another tablet")
    page.get_by_label(box).press_sequentially(" and sesame")
    other.close()
    page.get_by_role("button", name="Take a break").click()
    expect(page).to_have_url(re.compile(r"/me/unlock"))
    for picture in CODE:
        page.get_by_role("button", name=picture, exact=True).click()
    page.goto("/me/plan/food-and-drink")
    expect(page.get_by_label(box)).to_have_value("Nuts and sesame")
