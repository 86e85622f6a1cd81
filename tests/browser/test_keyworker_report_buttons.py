"""In a real browser with JavaScript off: a keyworker types into the report and presses "Share with
Jay" without saving first. The button posts the report's form (it names the form and its own
address), so the words are saved and shared, not lost."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, KeyworkerReport, ReportSection
from participation.workspaces.keyworker import service as keyworker
from tests.browser.conftest import VIEWPORTS, sign_in

TOM = "tom.evans@example.org"
TYPED = "Jay made pancakes for the whole house on Sunday."


def open_report(browser: Browser, base_url: str, public_id: str) -> tuple[BrowserContext, Page]:
    """Tom's browser with JavaScript off, on the child's keyworker report."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-landscape"], java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, TOM, DEMO_PASSWORD)
    page.goto(f"/children/{public_id}/keyworker-report")
    return context, page


def test_share_without_saving_first_keeps_and_shares_the_words(
    app, browser: Browser, base_url: str
) -> None:
    session = db.session()
    load_demo(session)
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    assert jay is not None
    public_id, child_id = jay.public_id, jay.id
    db.session.remove()

    context, page = open_report(browser, base_url, public_id)
    home = page.locator("#section-home")
    home.get_by_label("Keyworker says").fill(TYPED)
    page.get_by_role("button", name="Share with Jay").click()
    expect(page.get_by_role("status").first).to_contain_text("The report is saved.")
    expect(page.locator("main")).to_contain_text("Shared with Jay.")
    expect(page.locator("#section-home").get_by_label("Keyworker says")).to_have_value(TYPED)
    context.close()

    session = db.session()
    report = session.scalar(select(KeyworkerReport).where(KeyworkerReport.child_id == child_id))
    assert report is not None
    assert keyworker.sections_of(report)[ReportSection.HOME].keyworker_text == TYPED
    assert report.shared_revision == report.revision
    db.session.remove()


def test_adding_what_the_child_shared_since_the_start_keeps_the_typed_words(
    app, browser: Browser, base_url: str
) -> None:
    from participation.models import Audience, Item, ItemKind, ShareDecision
    from participation.sharing import service as sharing

    session = db.session()
    load_demo(session)
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    assert jay is not None
    public_id, child_id = jay.public_id, jay.id
    new = Item(child_id=child_id, topic="things-i-enjoy", kind=ItemKind.TEXT, text=SAID)
    session.add(new)
    session.commit()
    for audience in (Audience.KEYWORKER, Audience.SOCIAL_WORKER, Audience.IRO):
        sharing.decide(
            session, sharing.item_choice(new), audience, ShareDecision.SHARED,
            loaded_version=0, words_shown="shared",
        )  # fmt: skip
    db.session.remove()

    context, page = open_report(browser, base_url, public_id)
    page.locator("#section-home").get_by_label("Keyworker says").fill(TYPED)
    activities = page.locator("#section-activities")
    activities.get_by_role("button", name="Add to “Jay says”").click()
    expect(page.locator("main")).to_contain_text("Added to “Jay says”")
    expect(page.locator("#section-activities").get_by_label("Jay says")).to_have_value(SAID)
    expect(page.locator("#section-home").get_by_label("Keyworker says")).to_have_value(TYPED)
    expect(page.locator(".new-words")).to_have_count(0)
    context.close()


SAID = "I joined the football team on Saturdays."
