"""Sharing in a real browser: Jay shares one thing with his IRO and keeps another private,
sees exactly what his IRO will see; the IRO (with a security code) reads the pack and marks it
read; Jay sees "Your IRO has read your views". axe finds nothing at three sizes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from participation.db import db
from participation.demo import DEMO_PASSWORD
from participation.models import SharingExplained
from participation.planning import service as planning_service
from tests.browser.conftest import VIEWPORTS, axe_violations, sign_in
from tests.browser.test_views import hand_over_and_unlock, jay, small_targets  # noqa: F401
from tests.integration.sharing.helpers import make_item


@pytest.fixture
def things(app, jay):  # noqa: F811 - the fixture imported above
    session = db.session()
    child = session.merge(jay)
    review = planning_service.planned_review(child)
    assert review is not None
    # The demo has Jay past the explanation already: this test starts before his first share.
    session.execute(delete(SharingExplained).where(SharingExplained.child_id == child.id))
    shared = make_item(session, child, review, "I like the garden here.")
    private = make_item(session, child, review, "I miss my old school.")
    ids = (shared.public_id, private.public_id, child.public_id, review.public_id)
    db.session.remove()
    return ids


def _axe_everywhere(page: Page, child_page: bool) -> None:
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        assert axe_violations(page) == [], (name, page.url)
        if child_page:
            assert small_targets(page) == [], (name, page.url)


def test_a_child_shares_one_thing_and_the_iro_reads_it(browser, base_url, app, jay, things):  # noqa: F811
    shared_id, private_id, child_id, review_id = things
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)

    page.goto(f"/me/views/items/{shared_id}/sharing")
    expect(page.get_by_role("heading", level=1)).to_have_text("What sharing means")
    _axe_everywhere(page, True)
    page.get_by_role("button", name="I understand").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see this?")
    _axe_everywhere(page, True)
    with page.expect_navigation():
        page.get_by_role("button", name="Share with my IRO", exact=True).tap()
    expect(page.get_by_text("Shared.").first).to_be_visible()

    page.goto(f"/me/views/items/{private_id}/sharing")
    with page.expect_navigation():
        page.get_by_role("button", name="Keep it private from my IRO").tap()
    page.goto(f"/me/views/items/{private_id}")
    expect(page.get_by_text("Only you can see this.")).to_be_visible()

    page.goto("/me")
    page.get_by_role("link", name="See what my IRO will see").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What my IRO will see")
    expect(page.get_by_text("I like the garden here.")).to_be_visible()
    expect(page.get_by_text("I miss my old school.")).to_have_count(0)
    _axe_everywhere(page, True)
    page.goto("/me/who-has-seen")
    _axe_everywhere(page, True)
    page.goto("/me/plan/sharing")
    _axe_everywhere(page, True)

    iro_context = browser.new_context(base_url=base_url, viewport=VIEWPORTS["tablet-landscape"])
    iro = iro_context.new_page()
    sign_in(iro, "daniel.hughes@example.org", DEMO_PASSWORD)
    iro.goto(f"/children/{child_id}/reviews/{review_id}/pack")
    expect(iro.get_by_role("heading", level=1)).to_have_text("Review pack for Jay")
    expect(iro.get_by_text("I like the garden here.")).to_be_visible()
    expect(iro.get_by_text("I miss my old school.")).to_have_count(0)
    _axe_everywhere(iro, False)
    iro.get_by_role("button", name="Mark as read").click()
    expect(iro.get_by_text("Marked as read.")).to_be_visible()

    page.goto("/me")
    expect(page.get_by_text("Your IRO has read your views.")).to_be_visible()
    page.goto("/me/who-has-seen")
    expect(page.get_by_text("Read by Daniel (your IRO)").first).to_be_visible()
    iro_context.close()
    context.close()
