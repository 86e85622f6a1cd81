"""Choosing who can see one thing, in a real browser: the page shows the thing itself (the
feeling face, the words, the caption, the photo and the video's still, small), so a child who
cannot read can tell what they are about to share. axe finds nothing at three sizes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, axe_violations
from tests.browser.test_views import (  # noqa: F401 - fixtures imported for this module
    hand_over_and_unlock,
    jay,
    jays_things,
    made,
    pictures_shown,
    small_targets,
)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_thing_is_shown_above_the_choices(browser, base_url, jay, jays_things, viewport):  # noqa: F811
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[viewport], has_touch=True)
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto(f"/me/views/items/{jays_things['item']}/sharing")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see this?")
    thing = page.locator("section[aria-labelledby='what-title']")
    expect(thing.get_by_text("Football and my bike")).to_be_visible()
    expect(thing.get_by_text("At the park")).to_be_visible()
    expect(thing.locator(".feeling-shown")).to_contain_text("Very happy")
    pictures = thing.locator(".item-photos img, .item-poster img, .feeling-shown img")
    expect(pictures).to_have_count(3)
    assert pictures_shown(page, pictures), "the face, photo or video still was not shown"
    expect(thing.get_by_role("img", name="Photo 1: At the park")).to_be_visible()
    expect(thing.get_by_role("img", name="A still from my video")).to_be_visible()
    # Small, as in the list of items: the choices stay near the top of the page.
    for box in thing.locator(".item-photos img, .item-poster img").evaluate_all(
        "all => all.map(i => i.getBoundingClientRect().width)"
    ):
        assert 0 < box <= 160
    expect(page.get_by_role("button", name="Share with my IRO", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    assert small_targets(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"]
    context.close()


def test_which_choice_is_on_is_shown_not_only_said(browser, base_url, jay, jays_things):  # noqa: F811
    """Both buttons looked the same whatever was chosen: only a line of words said which was
    on, which a child who cannot read could not tell (QA). The state is drawn (an eye or a
    padlock, as on the buttons) and its button is ringed and ticked, both the same size."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto(f"/me/views/items/{jays_things['item']}/sharing")
    card = page.locator(".share-choice").filter(has_text="Share with my IRO")
    share = card.get_by_role("button", name="Share with my IRO", exact=True)
    private = card.locator("button[value=private]")

    def on(button) -> bool:
        return button.evaluate("b => getComputedStyle(b).boxShadow !== 'none'")

    icon = card.locator(".share-state-icon")
    assert not on(share) and on(private)
    expect(private.locator("img.share-tick")).to_have_count(1)
    expect(share.locator("img.share-tick")).to_have_count(0)
    expect(icon).to_have_attribute("src", re.compile("only-me"))
    assert share.bounding_box()["height"] == private.bounding_box()["height"]
    share.click()
    card = page.locator(".share-choice").filter(has_text="Share with my IRO")
    share = card.get_by_role("button", name="Share with my IRO", exact=True)
    assert on(share) and not on(card.locator("button[value=private]"))
    expect(card.locator(".share-state-icon")).to_have_attribute("src", re.compile("can-see"))
    assert axe_violations(page) == []
    context.close()
