"""Pages that send only when the child presses ("I'm worried", "You said, we did") keep what was
typed or chosen across a break: child.js locks the space first, then sends the page's form,
which the server holds (never sends or saves), and the page shows it again after the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from participation.child import service as space_service
from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, DecisionFollowUp, HeldAnswers, StaffMember, WorryAlert
from tests.browser.conftest import VIEWPORTS, sign_in
from tests.unit.media.conftest import two_colour

CODE = ["Star", "Fish", "Car"]
KEYWORKERS = {"Jay": "tom.evans@example.org", "Mia": "priya.shah@example.org"}
NOTE = "Someone keeps taking my things at school."
NOT_TOLD = "Nobody has been told yet"


def _with_code(name: str) -> Child:
    session = db.session()
    load_demo(session)
    child = session.query(Child).filter_by(preferred_name=name).one()
    keyworker = session.query(StaffMember).filter_by(email=KEYWORKERS[name]).one()
    space_service.set_picture_code(session, child, ["star", "fish", "car"], keyworker)
    db.session.remove()
    return child


@pytest.fixture
def jay(app) -> Child:
    return _with_code("Jay")


@pytest.fixture
def mia(app) -> Child:
    """Mia's last review's decisions are circulated in the demo: "You said, we did" asks her."""
    return _with_code("Mia")


def _count(model: type) -> int:
    try:
        return db.session().scalar(select(func.count()).select_from(model)) or 0
    finally:
        db.session.remove()


@pytest.fixture
def tablet(browser, base_url):
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    yield context.new_page()
    context.close()


def _hand_over_and_unlock(page: Page, child: Child) -> None:
    name = child.preferred_name
    sign_in(page, KEYWORKERS[name], DEMO_PASSWORD)
    page.goto(f"/children/{child.public_id}")
    page.get_by_role("button", name=f"Hand the tablet to {name}").click()
    _tap_code(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{name}'s page")


def _tap_code(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/me/unlock"))
    for picture in CODE:
        page.get_by_role("button", name=picture, exact=True).tap()


@pytest.mark.parametrize("how", ["take-a-break", "idle"])
def test_a_worry_note_typed_before_a_break_is_there_after_it_and_not_sent(
    tablet: Page, app, jay, how
):
    page = tablet
    _hand_over_and_unlock(page, jay)
    if how == "idle":
        page.clock.install()  # the page's clock only: the server keeps real time
    page.goto("/me/worried")
    page.get_by_label("Do you want to say anything?").fill(NOTE)
    if how == "idle":
        page.clock.fast_forward(app.config["CHILD_IDLE_LOCK"].total_seconds() * 1000 - 30_000)
        expect(page.get_by_text("Everything you did is kept.")).to_be_visible()
        page.clock.fast_forward(60_000)
    else:
        page.get_by_role("button", name="Take a break").tap()
    _tap_code(page)
    expect(page).to_have_url(re.compile(r"/me/worried\??$"))
    expect(page.get_by_label("Do you want to say anything?")).to_have_value(NOTE)
    expect(page.get_by_role("status").filter(has_text=NOT_TOLD)).to_be_visible()
    assert _count(WorryAlert) == 0  # held, never sent
    page.get_by_role("button", name="Tell them now").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    assert _count(WorryAlert) == 1
    assert _count(HeldAnswers) == 0


def test_giving_the_tablet_back_holds_nothing(tablet: Page, jay):
    """Giving the tablet back ends the sitting: the worry page's words are not held for it."""
    page = tablet
    _hand_over_and_unlock(page, jay)
    page.goto("/me/worried")
    page.get_by_label("Do you want to say anything?").fill(NOTE)
    page.get_by_role("button", name="Give the tablet back").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert _count(HeldAnswers) == 0 and _count(WorryAlert) == 0


def test_an_answer_chosen_before_a_break_is_there_after_it_and_not_saved(tablet: Page, mia):
    page = tablet
    _hand_over_and_unlock(page, mia)
    page.goto("/me/you-said-we-did")
    answers_before = _count(DecisionFollowUp)
    card = page.locator(".decision-card").nth(1)
    card.get_by_text("No, it didn't happen").click()
    card.get_by_label("Want to say more? You don't have to.").fill("Nobody asked me.")
    page.get_by_role("button", name="Take a break").tap()
    _tap_code(page)
    expect(page).to_have_url(re.compile(r"/me/you-said-we-did\??$"))
    card = page.locator(".decision-card").nth(1)
    expect(card.get_by_label("No, it didn't happen")).to_be_checked()
    expect(card.get_by_label("Want to say more? You don't have to.")).to_have_value(
        "Nobody asked me."
    )
    expect(page.get_by_text("What you chose before your break is kept for you.")).to_be_visible()
    assert _count(DecisionFollowUp) == answers_before  # held, never saved
    card.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("Thank you. The person who runs your meeting")).to_be_visible()
    expect(page.get_by_text("What you chose before your break")).to_be_hidden()
    assert _count(HeldAnswers) == 0


def test_the_idle_warning_says_only_the_words_are_kept_when_a_photo_is_chosen(
    tablet: Page, app, jay, tmp_path: Path
):
    page = tablet
    _hand_over_and_unlock(page, jay)
    page.clock.install()
    page.goto("/me/views/school/add")
    photo = tmp_path / "IMG_0001.jpg"
    two_colour((400, 300)).save(photo, "JPEG")
    page.set_input_files("#photos", str(photo))
    page.wait_for_timeout(300)  # let the page take the file in before its clock jumps
    page.clock.fast_forward(app.config["CHILD_IDLE_LOCK"].total_seconds() * 1000 - 30_000)
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible()
    expect(warning.get_by_text("Your words are kept.")).to_be_visible()
    expect(warning.get_by_text("Press “Save” first")).to_be_visible()
    expect(warning.get_by_text("Everything you did is kept.")).to_be_hidden()
    expect(warning).to_have_attribute(
        "aria-describedby", "idle-warning-text-files idle-warning-files"
    )


def test_someone_typed_under_add_someone_else_is_there_after_a_break(tablet: Page, jay):
    """Not saved as the child types (half a name would be added to their list), so it was lost
    at a break while the page said everything was kept (QA): it is held, and not added."""
    from participation.models import PlanInvitee

    page = tablet
    _hand_over_and_unlock(page, jay)
    page.goto("/me/plan/who-comes")
    page.get_by_label("Their name").fill("Mr Ahmadi")
    page.get_by_label("Who are they to you?").fill("my teacher at the mosque")
    page.get_by_role("button", name="Take a break").tap()
    _tap_code(page)
    expect(page).to_have_url(re.compile(r"/me/plan/who-comes"))
    expect(page.get_by_label("Their name")).to_have_value("Mr Ahmadi")
    expect(page.get_by_label("Who are they to you?")).to_have_value("my teacher at the mosque")
    try:  # held, not added
        added = select(func.count()).where(PlanInvitee.name == "Mr Ahmadi")
        assert db.session().scalar(added) == 0
    finally:
        db.session.remove()
    page.get_by_role("button", name="Add them to my list").tap()
    expect(page.get_by_text("Mr Ahmadi is on your list now.")).to_be_visible()


def test_a_photo_chosen_before_changing_language_is_saved_first(tablet: Page, jay, tmp_path: Path):
    """The language switch leaves the page, like a break: the photo chosen went with it,
    without a word (QA). It is saved first, and the page comes back to the thing."""
    from participation.models import MediaFile

    page = tablet
    _hand_over_and_unlock(page, jay)
    page.goto("/me/views/school/add")
    photo = tmp_path / "IMG_0002.jpg"
    two_colour((400, 300)).save(photo, "JPEG")
    page.set_input_files("#photos", str(photo))
    switch = page.locator("form.language-switch")
    switch.locator("select").select_option("cy")
    switch.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert _count(MediaFile) == 1
    expect(page).to_have_url(re.compile(r"/me/views/items/"))
