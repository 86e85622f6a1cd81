"""The keyworker report from start to end in the browser: a keyworker writes a monthly summary,
builds the report from it, shares it with the child (the tablet handed over and opened with the
picture code), the child disagrees with a part and says why, the keyworker signs in again and
sends it, and the IRO (with their second factor) reads the sent, locked version and then the review
pack it is part of, and marks the pack read. Then axe on every
workspace page, for every role, at tablet portrait, tablet landscape and phone sizes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from participation import clock
from participation.child import service as space_service
from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import AuthSession, Child, KeyworkerReport, SessionKind, StaffMember
from participation.security.principal import StaffPrincipal
from participation.workspaces.keyworker import service as keyworker
from tests.browser.conftest import VIEWPORTS, axe_violations, sign_in

CODE = ["Star", "Fish", "Car"]
TOM = "tom.evans@example.org"
GRACE = "grace.okafor@example.org"
DANIEL = "daniel.hughes@example.org"


def _demo() -> dict[str, str]:
    session = db.session()
    load_demo(session)
    ids = {}
    for name, keyworker_email in (("Jay", TOM), ("Mia", "priya.shah@example.org")):
        child = session.scalar(select(Child).where(Child.preferred_name == name))
        staff = session.scalar(select(StaffMember).where(StaffMember.email == keyworker_email))
        assert child is not None and staff is not None
        space_service.set_picture_code(session, child, ["star", "fish", "car"], staff)
        ids[name] = child.public_id
    return ids


@pytest.fixture
def fresh_jay(app) -> str:
    """The demo council with Jay's draft report taken away, so the test builds it."""
    ids = _demo()
    session = db.session()
    for report in session.scalars(select(KeyworkerReport)):
        session.delete(report)
    session.commit()
    db.session.remove()
    return ids["Jay"]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_keyworker_report_from_summary_to_the_iro(page: Page, fresh_jay: str):
    jay = fresh_jay
    month = clock.today().strftime("%B %Y")
    sign_in(page, TOM, DEMO_PASSWORD)

    # A monthly summary for this month.
    page.goto(f"/children/{jay}/monthly-summaries/new")
    page.get_by_label("Month").select_option(label=month)
    page.get_by_label("Home", exact=True).fill("Planned the house bonfire night with staff.")
    page.get_by_role("button", name="Save the summary").click()
    expect(page.get_by_role("status")).to_contain_text(f"Summary for {month} saved.")

    # The report starts from it; the keyworker adds what Jay said.
    page.goto(f"/children/{jay}/keyworker-report")
    page.get_by_role("button", name="Start the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keyworker report for review")
    home = page.locator("#section-home")
    expect(home.get_by_label("Keyworker says")).to_contain_text("bonfire night")
    home.get_by_label("Jay says").fill("I like my room now my posters are up.")
    page.get_by_role("button", name="Save the report").click()
    expect(page.get_by_role("status")).to_contain_text("The report is saved.")
    page.get_by_role("button", name="Share with Jay").click()
    expect(page.get_by_role("status")).to_contain_text("Shared with Jay.")

    # A consultation: the tablet goes to Jay, who opens his space with his pictures.
    page.goto("/keyworker")
    page.get_by_role("button", name="Start a consultation with Jay").click()
    for picture in CODE:
        page.get_by_role("button", name=picture, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's page")
    page.get_by_role("link", name="Read it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My keyworker's report")
    part = page.locator("#section-home")
    expect(part).to_contain_text("I like my room now my posters are up.")
    part.get_by_text("I don't agree").click()
    part.get_by_label("Anything you want to add?").fill("I want a bigger room.")
    part.get_by_role("button", name="Save what I think").click()
    # The flashed notice (child pages also have the read-aloud bar's own status region).
    expect(page.locator("main .notice[role=status]")).to_contain_text(
        "Tom will see what you think."
    )
    page.get_by_role("button", name="Give the tablet back").click()

    # The keyworker signs in again, sees Jay's answer, and sends the report.
    sign_in(page, TOM, DEMO_PASSWORD)
    page.goto(f"/children/{jay}/keyworker-report")
    expect(page.locator("#section-home .child-response")).to_contain_text("I want a bigger room.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyworker report, version 1")
    sign_out(page)

    # The IRO, with their security code, reads the sent version: locked, Jay's words with it.
    sign_in(page, DANIEL, DEMO_PASSWORD)
    page.goto("/iro")
    page.get_by_role("link", name="Version 1, sent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyworker report, version 1")
    expect(page.get_by_text("Locked: this is the report exactly as it was sent.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("I want a bigger room.")
    expect(page.locator("main")).to_contain_text("Disagrees")
    expect(page.get_by_role("button", name="Send the report")).to_have_count(0)

    # And in the review pack, from the IRO's workspace: the report as sent, beside Jay's words.
    page.goto("/iro")
    page.get_by_role("link", name="Read Jay's review pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review pack for Jay")
    report = page.locator("section[aria-labelledby=pack-report-title]")
    expect(report.get_by_role("heading", name="Keyworker report")).to_be_visible()
    expect(report).to_contain_text("bonfire night")
    expect(report).to_contain_text("I like my room now my posters are up.")
    expect(report).to_contain_text("I want a bigger room.")
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("Last marked as read by Daniel Hughes")).to_be_visible()


# --- axe on every page ---------------------------------------------------------------------------


@pytest.fixture
def everything(app) -> dict[str, str]:
    """The demo council with Jay's report shared and sent (and his Mia's decisions circulated,
    as the demo has them): every workspace page has something to show."""
    ids = _demo()
    session = db.session()
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    mia = session.scalar(select(Child).where(Child.preferred_name == "Mia"))
    tom = session.scalar(select(StaffMember).where(StaffMember.email == TOM))
    assert jay is not None and mia is not None and tom is not None
    review = keyworker.report_review(jay)
    assert review is not None
    report = keyworker.find_report(session, review)
    if report is None:
        principal = StaffPrincipal(tom, AuthSession(kind=SessionKind.STAFF))
        report = keyworker.start_report(session, principal, jay, review, str)
    if not report.shared:
        keyworker.share_with_child(session, report, tom, today=clock.today())
        keyworker.send_report(session, report, tom, keyworker.recipients(jay), today=clock.today())
    session.commit()
    summary = keyworker.summaries_for(session, jay)[0]
    held = keyworker.last_held_review(mia)
    assert held is not None
    sent = keyworker.sent_for_child(session, jay)[0]
    ids.update(
        summary=summary.public_id,
        review=review.public_id,
        mia_held=held.public_id,
        sent=sent.public_id,
    )
    db.session.remove()
    return ids


def _axe_everywhere(page: Page, urls: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for url in urls:
        for name, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            problems = axe_violations(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > size["width"]:
                problems.append(f"scrolls sideways: {width} px wide")
            if problems:
                found[f"{url} at {name}"] = problems
    return found


def test_axe_finds_nothing_on_the_staff_workspace_pages(page: Page, everything):
    jay, mia = everything["Jay"], everything["Mia"]
    found = {}
    sign_in(page, TOM, DEMO_PASSWORD)
    found.update(
        _axe_everywhere(
            page,
            [
                "/keyworker",
                f"/children/{jay}",
                f"/children/{jay}/monthly-summaries",
                f"/children/{jay}/monthly-summaries/new",
                f"/children/{jay}/monthly-summaries/{everything['summary']}",
                f"/children/{jay}/keyworker-report",
                f"/children/{jay}/keyworker-report/sent/{everything['sent']}",
                f"/children/{jay}/action-notes",
            ],
        )
    )
    sign_out(page)
    sign_in(page, GRACE, DEMO_PASSWORD)
    found.update(
        _axe_everywhere(
            page,
            [f"/children/{jay}/invitations", f"/children/{jay}/invitations/letters"],
        )
    )
    sign_out(page)
    sign_in(page, DANIEL, DEMO_PASSWORD)
    found.update(
        _axe_everywhere(
            page,
            [
                "/iro",
                f"/children/{mia}",
                f"/reviews/{everything['review']}/meeting-the-child",
                f"/reviews/{everything['review']}/outcome",
                f"/reviews/{everything['mia_held']}/outcome",
            ],
        )
    )
    assert found == {}


def small_targets(page: Page) -> list[str]:
    """Every visible link, button and form control on a child page under 44x44 CSS px."""
    return page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea, label.card')]
            .filter(e => e.offsetParent !== null && !e.closest('.site-footer, .skip-link'))
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width < 44 || r.height < 44)
            .map(([e, r]) => `${e.tagName}#${e.id} "${(e.innerText || e.value || '').trim()}"`
                + ` ${r.width}x${r.height}`)"""
    )


@pytest.mark.parametrize(
    ("child", "keyworker_email", "url"),
    [("Jay", TOM, "/me/report"), ("Mia", "priya.shah@example.org", "/me/you-said-we-did")],
)
def test_axe_finds_nothing_on_the_child_pages(page: Page, everything, child, keyworker_email, url):
    sign_in(page, keyworker_email, DEMO_PASSWORD)
    page.goto(f"/children/{everything[child]}")
    page.get_by_role("button", name=f"Hand the tablet to {child}").click()
    for picture in CODE:
        page.get_by_role("button", name=picture, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{child}'s page")
    found = _axe_everywhere(page, ["/me", url])
    targets = {}
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.goto(url)
        small = small_targets(page)
        if small:
            targets[name] = small
    assert found == {}
    assert targets == {}


def test_an_answer_typed_under_one_decision_is_saved_with_another(page: Page, everything):
    """The page is one form: pressing "Save my answer" under one decision keeps (and saves) what
    the child typed under another."""
    sign_in(page, "priya.shah@example.org", DEMO_PASSWORD)
    page.goto(f"/children/{everything['Mia']}")
    page.get_by_role("button", name="Hand the tablet to Mia").click()
    for picture in CODE:
        page.get_by_role("button", name=picture, exact=True).click()
    page.goto("/me/you-said-we-did")
    home, swimming = page.locator(".decision-card").nth(0), page.locator(".decision-card").nth(1)
    swimming.get_by_text("No, it didn't happen").click()
    swimming.get_by_label("Want to say more? You don't have to.").fill("Nobody asked me.")
    home.get_by_text("Yes, it is").click()  # living at home goes on: "Is it like this now?"
    home.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("Thank you. The person who runs your meeting")).to_be_visible()
    page.reload()
    swimming = page.locator(".decision-card").nth(1)
    expect(swimming.get_by_label("Want to say more? You don't have to.")).to_have_value(
        "Nobody asked me."
    )
    expect(swimming.get_by_label("No, it didn't happen")).to_be_checked()
    expect(page.locator(".decision-card").nth(0).get_by_label("Yes, it is")).to_be_checked()
