"""With the keyboard alone: Tab, Shift+Tab, Enter, Space and the arrow keys, no mouse and no
`click` or `fill` (text is typed into whatever Tab has reached). Each journey starts from a URL
typed into the address bar, as a keyboard user would, and goes on by keys only:

- a child (Jay, 11) adds something to "My views" (the planning journey has its own keyboard
  test in test_planning.py);
- the child shares one of their views with their IRO, after the page about what sharing means,
  and then keeps it private again;
- a keyworker writes in a section of their report, saves it and shares it with the child.
"""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import delete, select

from participation.child import service as space_service
from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, Item, SharingExplained, StaffMember
from participation.views.demo import JAY_SAYS

TOM = "tom.evans@example.org"
CODE = ["Star", "Fish", "Car"]


@pytest.fixture
def jay(app: Flask) -> dict[str, str]:
    """The demo council; Jay has his picture code, and something said about living here."""
    session = db.session()
    load_demo(session)
    child = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    tom = session.scalar(select(StaffMember).where(StaffMember.email == TOM))
    assert child is not None and tom is not None
    space_service.set_picture_code(session, child, ["star", "fish", "car"], tom)
    item = session.scalar(
        select(Item).where(Item.child_id == child.id, Item.topic == "living-here")
    )
    assert item is not None
    ids = {"child": child.public_id, "item": item.public_id}
    db.session.remove()
    return ids


@pytest.fixture
def jay_new_to_sharing(jay: dict[str, str]) -> dict[str, str]:
    """Jay as before he first chose to share anything: the page about what sharing means comes
    first (the demo has him past it already)."""
    session = db.session()
    session.execute(delete(SharingExplained))
    session.commit()
    db.session.remove()
    return jay


FOCUSED_IS = """([how, match]) => {
    const e = document.activeElement;
    if (!e || e === document.body) return false;
    if (how === "id") return e.id === match;
    if (how === "href") return (e.getAttribute("href") || "").split("?")[0] === match;
    const words = (e.innerText || e.value || "").replace(/\\s+/g, " ").trim();
    return how === "text" ? words === match : words.startsWith(match);
}"""


def tab_to(page: Page, how: str, match: str, *, limit: int = 120, back: bool = False) -> None:
    """Press Tab (Shift+Tab with back=True) until the focused element has this id, this href,
    or this text (how="id", "href", "text", or "starts" for text it starts with)."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(FOCUSED_IS, [how, match]):
            return
    raise AssertionError(f"{key} never reached {how}={match!r}")


def press_and_wait(page: Page, key: str = "Enter") -> None:
    """Press a key that follows a link or sends a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in_by_keyboard(page: Page, email: str) -> None:
    page.goto("/sign-in")
    tab_to(page, "id", "email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    press_and_wait(page)  # Enter in the password field sends the form
    expect(page.get_by_role("heading", level=1)).to_have_text("My children")


def open_jays_space_by_keyboard(page: Page, jay: dict[str, str]) -> None:
    """Tom hands the tablet over from Jay's record; Jay keys in his pictures."""
    sign_in_by_keyboard(page, TOM)
    tab_to(page, "href", f"/children/{jay['child']}")
    press_and_wait(page)
    tab_to(page, "text", "Hand the tablet to Jay")
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Jay")
    for picture in CODE:
        tab_to(page, "text", picture)
        press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's page")


def test_a_child_adds_to_their_views_with_the_keyboard_alone(
    page: Page, jay: dict[str, str]
) -> None:
    open_jays_space_by_keyboard(page, jay)
    # The header's buttons show where focus is with the yellow band, not only a dark edge that
    # hardly shows on the header's teal (QA: 2.3:1).
    tab_to(page, "href", "/me")
    ring = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert "rgb(255, 191, 71)" in ring, ring
    tab_to(page, "href", "/me/views")
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My views")
    tab_to(page, "href", "/me/views/school")
    press_and_wait(page)
    tab_to(page, "href", "/me/views/school/add")
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add something")

    tab_to(page, "id", "text")
    page.keyboard.type("I want to join the chess club.")
    # The feelings are radio buttons: Tab reaches the group, Space picks one, the arrow keys
    # move the choice along.
    tab_to(page, "id", "feeling-0")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate("document.activeElement.id")
    assert chosen == "feeling-1"
    expect(page.locator("#feeling-1")).to_be_checked()
    # Past it, then back to it with Shift+Tab: the choice stays.
    page.keyboard.press("Tab")
    tab_to(page, "id", chosen, back=True)
    expect(page.locator("#feeling-1")).to_be_checked()
    tab_to(page, "text", "Save")
    press_and_wait(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("What I said")
    expect(page.get_by_text("I want to join the chess club.")).to_be_visible()
    expect(page.get_by_text("Only you can see this.")).to_be_visible()


def test_a_child_shares_a_view_and_keeps_it_private_again_with_the_keyboard_alone(
    page: Page, jay_new_to_sharing: dict[str, str]
) -> None:
    jay = jay_new_to_sharing
    open_jays_space_by_keyboard(page, jay)
    item = f"/me/views/items/{jay['item']}"
    tab_to(page, "href", "/me/views")
    press_and_wait(page)
    tab_to(page, "href", "/me/views/living-here")
    press_and_wait(page)
    tab_to(page, "href", item)
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What I said")
    expect(page.get_by_text(JAY_SAYS[0][1])).to_be_visible()
    tab_to(page, "href", f"{item}/sharing")
    press_and_wait(page)

    # First, what sharing means.
    expect(page.get_by_role("heading", level=1)).to_have_text("What sharing means")
    tab_to(page, "text", "I understand")
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see this?")

    iro = page.locator("#share-iro")
    expect(iro.locator(".share-state")).to_contain_text("Private.")
    tab_to(page, "text", "Share with my IRO")
    press_and_wait(page, "Space")  # a button: Space presses it too
    expect(iro.locator(".share-state")).to_contain_text("Shared.")

    tab_to(page, "text", "Keep it private from my IRO")
    press_and_wait(page)
    expect(iro.locator(".share-state")).to_contain_text("Private.")

    tab_to(page, "text", "Back to what I said")
    press_and_wait(page)
    expect(page.get_by_text("Only you can see this.")).to_be_visible()


def test_a_keyworker_writes_saves_and_shares_the_report_with_the_keyboard_alone(
    page: Page, jay: dict[str, str]
) -> None:
    sign_in_by_keyboard(page, TOM)
    tab_to(page, "href", f"/children/{jay['child']}")
    press_and_wait(page)
    tab_to(page, "href", f"/children/{jay['child']}/keyworker-report")
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keyworker report for review")

    home = page.locator("#section-home")
    keyworker_says = home.get_by_label("Keyworker says")
    field_id = keyworker_says.get_attribute("id")
    assert field_id
    tab_to(page, "id", field_id)
    page.keyboard.press("Control+End")
    page.keyboard.type("\nJay chose the paint for his room.")
    tab_to(page, "text", "Save the report")
    press_and_wait(page)
    expect(page.get_by_role("status").first).to_contain_text("The report is saved.")
    expect(home.get_by_label("Keyworker says")).to_contain_text("Jay chose the paint for his room.")

    tab_to(page, "text", "Share with Jay")
    press_and_wait(page, "Space")
    expect(page.get_by_role("status").first).to_contain_text("Shared with Jay.")
    expect(page.get_by_text("This version is shared with Jay")).to_be_visible()


def test_a_focused_header_link_is_dark_on_the_focus_colour(page: Page, jay: dict[str, str]) -> None:
    """QA: a staff header link took the yellow focus band but kept its white words (1.6:1)."""
    sign_in_by_keyboard(page, TOM)
    tab_to(page, "href", "/timetable/mine")
    colours = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.color, s.backgroundColor]; })()"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 191, 71)"], colours
