"""My views in a real browser: a child on a tablet adds words, a photo and a video (and sees
"getting your video ready" turn into the video), choosing photos with a button in their own
language; every views page passes axe at three sizes, with 44 px targets and no sideways
scrolling."""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from participation.child import service as space_service
from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.media.processing import DEFAULT_LIMITS
from participation.models import Audience, Child, Item, MediaFile, StaffMember
from participation.views import service, uploads
from tests.browser.conftest import VIEWPORTS, axe_violations, sign_in
from tests.integration.sharing.helpers import share
from tests.unit.media.conftest import FAST_X264, make_clip, noisy, two_colour

CODE = ["Star", "Fish", "Car"]


@pytest.fixture
def made(tmp_path: Path) -> dict[str, Path]:
    """A phone-sized photo and a tiny video, made by the test."""
    photo = tmp_path / "IMG_0001.jpg"
    two_colour((1200, 900)).save(photo, "JPEG", quality=85)
    video = make_clip(tmp_path / "clip.mp4", size=(320, 240), seconds=1.0, video_options=FAST_X264)
    return {"photo": photo, "video": video}


@pytest.fixture
def jay(app):
    session = db.session()
    load_demo(session)
    child = session.query(Child).filter_by(preferred_name="Jay").one()
    keyworker = session.query(StaffMember).filter_by(email="tom.evans@example.org").one()
    space_service.set_picture_code(session, child, ["star", "fish", "car"], keyworker)
    db.session.remove()
    return child


@contextlib.contextmanager
def worker_not_run_yet(app) -> Iterator[object]:
    """The queue as in production (tasks wait for a worker) until the test runs them."""
    huey = app.extensions["views_queue"].huey
    huey.immediate = False
    try:
        huey.flush()
        yield huey
    finally:
        huey.flush()
        huey.immediate = True


def hand_over_and_unlock(page: Page, child) -> None:
    sign_in(page, "tom.evans@example.org", DEMO_PASSWORD)
    page.goto(f"/children/{child.public_id}")
    page.get_by_role("button", name="Hand the tablet to Jay").click()
    for name in CODE:
        page.get_by_role("button", name=name, exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jay's page")


def pictures_shown(page: Page, pictures: Locator) -> bool:
    """True once every picture `pictures` finds has loaded as a real image (within 10 s).
    Polled from here: wait_for_function's string predicate is eval'd in the page, which our CSP
    (rightly) forbids."""
    for _ in range(100):
        if pictures.evaluate_all("all => all.every(i => i.complete && i.naturalWidth > 0)"):
            return True
        page.wait_for_timeout(100)
    return False


def small_targets(page: Page) -> list[str]:
    """Every link, button and form control on the page smaller than 44x44 CSS px."""
    return page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea, label.card')]
            .filter(e => e.offsetParent !== null && !e.closest('.site-footer, .skip-link'))
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width < 44 || r.height < 44)
            .map(([e, r]) => `${e.tagName} ${e.name || ''} "${(e.innerText || '').trim()}" `
                             + `${r.width}x${r.height}`)"""
    )


def test_a_child_adds_words_a_photo_and_a_video_on_a_tablet(browser, base_url, app, jay, made):
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)

    page.get_by_role("link", name="See and add to my views").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("My views")
    page.get_by_role("link", name="Living here").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Living here")

    # Words and a feeling.
    page.get_by_role("link", name="Add something").tap()
    page.get_by_label("What would you like to say?").fill("I like the garden here.")
    page.get_by_text("Happy", exact=True).tap()
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What I said")
    expect(page.get_by_text("I like the garden here.")).to_be_visible()
    expect(page.get_by_text("Only you can see this.")).to_be_visible()

    # A photo, from the tablet's camera or gallery.
    page.goto("/me/views/living-here/add")
    expect(page.locator("#photos")).to_have_attribute("accept", "image/*")
    page.set_input_files("#photos", str(made["photo"]))
    page.get_by_label("What is in your photo or video? (You don't have to say.)").fill("My den")
    page.get_by_role("button", name="Save").tap()
    photo = page.get_by_role("img", name="Photo 1: My den")
    expect(photo).to_be_visible()
    # Loaded through the authorised route, as a real picture.
    assert pictures_shown(page, photo), "the photo never loaded through the media route"

    # A video: first "getting your video ready", then the video itself.
    with worker_not_run_yet(app) as huey:
        page.goto("/me/views/living-here/add")
        page.set_input_files("#video", str(made["video"]))
        page.get_by_role("button", name="Save").tap()
        expect(page.get_by_text("Getting your video ready…")).to_be_visible()
        task = huey.dequeue()  # the worker picks it up...
        assert task is not None
        huey.execute(task)
        # ...and the page notices by itself (views.js), without the child doing anything.
        video = page.locator("video.item-video")
        expect(video).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Getting your video ready…")).to_have_count(0)
    assert (
        page.evaluate(
            """() => new Promise(done => {
            const v = document.querySelector('video.item-video');
            if (v.readyState >= 1) return done(v.duration);
            v.addEventListener('loadedmetadata', () => done(v.duration));
            v.addEventListener('error', () => done(-1));
        })"""
        )
        != -1
    )
    poster = page.evaluate("document.querySelector('video.item-video').poster")
    assert "/me/media/" in poster and poster.endswith("/poster")
    # Named for a screen reader, and played with a big button (QA: "video", and ~30 px controls).
    expect(video).to_have_attribute("aria-label", "Your video")
    watch = page.get_by_role("button", name="Watch the video")
    box = watch.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44
    watch.tap()
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    assert small_targets(page) == []
    context.close()


def test_the_photo_button_speaks_the_childs_language_and_shows_what_was_chosen(
    browser, base_url, jay, made, tmp_path
):
    """The browser's own file button says "Choose Files" in the browser's language; a child
    reading Welsh taps a button in Welsh instead, and sees the photos chosen before saving."""
    welsh = Translations.load(str(Path(__file__).parents[2] / "translations"), ["cy"])
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.locator("#language-choice").select_option("cy")
    page.locator("form.language-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")

    page.goto("/me/views/things-i-enjoy/add")
    button = page.locator('label[for="photos"]')
    expect(button).to_have_text(welsh.gettext("Add photos"))
    chosen = page.locator("#photos-chosen")
    expect(chosen).to_have_text(welsh.gettext("Nothing chosen yet."))
    # The input lies unseen over its label: a tap on the button is a tap on the input.
    assert page.locator("#photos").evaluate("e => getComputedStyle(e).opacity") == "0"
    second = tmp_path / "IMG_0002.jpg"
    two_colour((900, 1200)).save(second, "JPEG", quality=85)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    with page.expect_file_chooser() as chooser:
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    chooser.value.set_files([made["photo"], second])
    expect(chosen).to_contain_text(welsh.gettext("You chose:"))
    expect(chosen.locator("li")).to_have_count(2)
    pictures = chosen.locator("img")
    expect(pictures).to_have_count(2)
    assert pictures_shown(page, pictures), "the photos chosen were not shown"
    # Focus on the unseen input shows on the button.
    page.locator("#photos").focus()
    assert button.evaluate("e => getComputedStyle(e).boxShadow") != "none"
    assert axe_violations(page) == []
    assert small_targets(page) == []

    page.get_by_role("button", name=welsh.gettext("Save")).tap()
    expect(page).to_have_url(re.compile(r"/me/views/items/"))
    expect(page.locator(".item-photo img")).to_have_count(2)
    context.close()


def test_the_words_and_the_good_photo_are_kept_when_a_file_is_refused(
    browser, base_url, jay, made, tmp_path
):
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    fake = tmp_path / "holiday.jpg"
    fake.write_text("<html><script>alert(1)</script></html>")
    page.goto("/me/views/school/add")
    page.get_by_label("What would you like to say?").fill("Please keep these words")
    page.set_input_files("#photos", [made["photo"], str(fake)])
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_role("heading", level=2, name="There is a problem")).to_be_visible()
    expect(page.get_by_label("What would you like to say?")).to_have_value(
        "Please keep these words"
    )
    expect(
        page.get_by_text(
            "The photo called \u2068holiday.jpg\u2069: We couldn't use that photo."
        ).first
    ).to_be_visible()
    # The good photo is kept, shown, and can be taken away: it need not be chosen again.
    expect(page.get_by_text("What you chose before is kept here for you.")).to_be_visible()
    kept = page.locator(".current-media img")
    expect(kept).to_have_count(1)
    assert pictures_shown(page, kept), "the kept photo was not shown"
    expect(page.get_by_label("Take away photo 1")).not_to_be_checked()
    # A screen reader hears that it is kept, with the group, not only a sighted child.
    expect(page.locator("fieldset.current-media")).to_have_accessible_description(
        re.compile(r"^What you chose before is kept here for you\.")
    )
    assert axe_violations(page) == []
    assert small_targets(page) == []
    page.get_by_role("button", name="Save").tap()
    expect(page).to_have_url(re.compile(r"/me/views/items/"))
    expect(page.locator(".item-photo img")).to_have_count(1)
    expect(page.get_by_text("Please keep these words")).to_be_visible()
    context.close()


@pytest.fixture
def jays_things(app, jay, made) -> dict[str, str]:
    """A photo item and a video item (ready) for the pages that show them."""
    session = db.session()
    child = session.get(Child, jay.id)
    storage = app.extensions["media_storage"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        prepared = uploads.Prepared(
            photos=[uploads.prepare_photo(made["photo"], work, DEFAULT_LIMITS)],
            video=uploads.prepare_video(made["video"], DEFAULT_LIMITS),
        )
        item = service.add_item(
            session,
            storage,
            child=child,
            topic="things-i-enjoy",
            words=service.Words(text="Football and my bike", caption="At the park", feeling=5),
            prepared=prepared,
        )
    app.extensions["views_queue"].queue(service.processing_videos(item))
    session.expire_all()
    item = session.get(Item, item.id)
    photo = next(m for m in item.media if m.kind.value == "photo")
    video = next(m for m in item.media if m.kind.value == "video")
    assert session.get(MediaFile, video.id).ready
    ids = {"item": item.public_id, "photo": photo.public_id}
    db.session.remove()
    return ids


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_axe_finds_nothing_on_the_views_pages(browser, base_url, jay, jays_things, viewport):
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[viewport], has_touch=True)
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    item, photo = jays_things["item"], jays_things["photo"]
    pages = {
        "my views": "/me/views",
        "topic": "/me/views/things-i-enjoy",
        "add": "/me/views/things-i-enjoy/add",
        "item": f"/me/views/items/{item}",
        "change": f"/me/views/items/{item}/change",
        "delete": f"/me/views/items/{item}/delete",
        "hide part of a photo": f"/me/views/photos/{photo}/hide",
    }
    found = {}
    for name, url in pages.items():
        page.goto(url)
        page.wait_for_load_state("load")
        problems = axe_violations(page) + [f"small: {t}" for t in small_targets(page)]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > VIEWPORTS[viewport]["width"]:
            problems.append(f"scrolls sideways: {width}px")
        found[name] = problems
    # An error page too: a refused save, with its summary.
    page.goto("/me/views/things-i-enjoy/add")
    page.get_by_role("button", name="Save").click()
    # The answer is a new page: axe run before it arrives finds no document (CI saw it once).
    expect(page.locator("#error-summary")).to_be_visible()
    # The keyboard and a screen reader start at the list of problems (child.js, every child page).
    expect(page.locator("#error-summary")).to_be_focused()
    found["add, with a problem"] = axe_violations(page) + small_targets(page)
    assert found == {name: [] for name in found}
    context.close()


def test_hiding_squares_needs_only_taps(browser, base_url, app, jay, jays_things):
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto(f"/me/views/photos/{jays_things['photo']}/hide")
    page.get_by_label("Square 1", exact=True).tap()
    page.get_by_label("Square 6", exact=True).tap()
    expect(page.get_by_label("Square 1", exact=True)).to_be_checked()
    page.get_by_label("Cover them up").tap()
    page.get_by_role("button", name="Hide them").tap()
    expect(page.get_by_text("Those parts of your photo are hidden now.")).to_be_visible()
    context.close()


def test_in_arabic_square_one_is_still_the_photos_top_left(
    browser, base_url, app, jay, jays_things
):
    """The squares followed the page's direction, so in Arabic square 1 was drawn top right
    while the server covers the top left: the child hid the wrong part (QA). The photo is
    not mirrored, and neither are its squares."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.locator("#language-choice").select_option("ar")
    page.locator("form.language-switch button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(f"/me/views/photos/{jays_things['photo']}/hide")
    photo = page.locator(".hide-grid img").bounding_box()
    first = page.locator(".hide-cell").nth(0).bounding_box()
    second = page.locator(".hide-cell").nth(1).bounding_box()
    assert photo and first and second
    assert abs(first["x"] - photo["x"]) < 2 and abs(first["y"] - photo["y"]) < 2
    assert second["x"] > first["x"]
    context.close()


def items_saying(child, words: str) -> list[Item]:
    """The child's items whose words contain `words`, read fresh from the database."""
    session = db.session()
    try:
        return list(
            session.scalars(
                select(Item).where(Item.child_id == child.id, Item.text.contains(words))
            )
        )
    finally:
        db.session.remove()


def photos_of_the_one_item(child, words: str) -> int:
    """How many photos the child's one item saying exactly `words` has (it must be one item)."""
    [saved] = items_saying(child, words)
    assert saved.text == words
    session = db.session()
    try:
        return len(session.get(Item, saved.id).photos)
    finally:
        db.session.remove()


def unlock_again(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/me/unlock"))
    for name in CODE:
        page.get_by_role("button", name=name, exact=True).tap()


@pytest.mark.parametrize("saved_first", [True, False], ids=["after-a-save", "straight-away"])
def test_words_typed_before_take_a_break_are_there_after_it(browser, base_url, jay, saved_first):
    """Whether autosave had already made the item ("Saved", the address is its change page) or
    not yet, the words typed just before "Take a break" are saved, once, and the child comes
    back to them."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/views/living-here/add")
    words = page.get_by_label("What would you like to say?")
    if saved_first:
        words.fill("My room is cosy")
        expect(page.locator("#autosave-status")).to_have_text("Saved")
        expect(page).to_have_url(re.compile(r"/me/views/items/[^/]+/change$"))
        words.press_sequentially(" and warm")  # more, then the break at once
    else:
        words.fill("My room is cosy and warm")
    page.get_by_role("button", name="Take a break").tap()

    unlock_again(page)
    expect(page).to_have_url(re.compile(r"/me/views/items/[^/]+/change$"))
    expect(page.get_by_label("What would you like to say?")).to_have_value(
        "My room is cosy and warm"
    )
    saved = items_saying(jay, "My room is cosy")
    assert [item.text for item in saved] == ["My room is cosy and warm"]
    context.close()


def test_a_face_tapped_on_a_new_thing_waits_for_words_or_save(browser, base_url, jay):
    """A face tapped while looking made a new thing at once, and Back did not take it away
    (QA). A new thing is saved as it goes only once it has words; the face goes with them."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    session = db.session()
    try:
        before = session.scalar(select(func.count(Item.id)).where(Item.child_id == jay.id))
    finally:
        db.session.remove()
    page.goto("/me/views/health-and-feelings/add")
    page.get_by_label("Sad", exact=True).check()
    page.wait_for_timeout(3000)  # longer than the pause autosave waits for
    expect(page).to_have_url(re.compile(r"/me/views/health-and-feelings/add$"))
    session = db.session()
    try:
        after = session.scalar(select(func.count(Item.id)).where(Item.child_id == jay.id))
    finally:
        db.session.remove()
    assert after == before
    page.get_by_label("What would you like to say?").fill("A hard week at school")
    expect(page.locator("#autosave-status")).to_have_text("Saved")
    expect(page).to_have_url(re.compile(r"/me/views/items/[^/]+/change$"))
    saved = items_saying(jay, "A hard week at school")
    assert len(saved) == 1 and saved[0].feeling == 2
    context.close()


def test_a_face_alone_chosen_before_take_a_break_is_kept(browser, base_url, jay):
    """Not saved as it goes without words, a face is still saved by a break: it must not go."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/views/health-and-feelings/add")
    page.get_by_label("Happy", exact=True).check()
    page.get_by_role("button", name="Take a break").tap()
    unlock_again(page)
    expect(page).to_have_url(re.compile(r"/me/views/items/[^/]+/change$"))
    expect(page.get_by_label("Happy", exact=True)).to_be_checked()
    context.close()


def test_a_photo_chosen_before_take_a_break_is_saved_with_the_words(browser, base_url, jay, made):
    """Autosave carries words only: a photo chosen and not saved went with the break (QA). It is
    saved first, as "Save" would, and the child comes back to the thing they made."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/views/school/add")
    page.get_by_label("What would you like to say?").fill("My art project")
    page.set_input_files("#photos", str(made["photo"]))
    page.get_by_role("button", name="Take a break").tap()

    unlock_again(page)
    assert photos_of_the_one_item(jay, "My art project") == 1
    expect(page).not_to_have_url(re.compile(r"/add$"))
    expect(page.get_by_text("My art project").first).to_be_visible()
    context.close()


def upload_at(cdp, bytes_a_second: float) -> None:
    """Chromium sends at most `bytes_a_second` (-1: as fast as it can), as on slow wifi."""
    conditions = {"offline": False, "latency": 0, "downloadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", conditions | {"uploadThroughput": bytes_a_second})


def test_a_photo_still_on_its_way_on_slow_wifi_is_waited_for_before_the_break(
    browser, base_url, jay, tmp_path: Path
):
    """The break waited 4 s for a chosen photo or video, then locked: leaving the page cut off
    a video still being sent on slow wifi, and it was lost. It waits while the sending moves,
    with the page covered by how far it has got (it may have been left open), then locks."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/views/school/add")
    page.get_by_label("What would you like to say?").fill("My model volcano")
    photo = tmp_path / "IMG_0002.jpg"
    noisy((1200, 900)).save(photo, "JPEG", quality=95)  # noise: about a megabyte
    page.set_input_files("#photos", str(photo))
    # About 8 s to send it, twice the break's usual wait for a save.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    upload_at(cdp, photo.stat().st_size / 8)
    page.get_by_role("button", name="Take a break").tap()
    cover = page.locator("#saving-first")
    expect(cover.get_by_role("heading", name="Saving your photo or video first")).to_be_focused()
    expect(page.get_by_label("What would you like to say?")).to_be_hidden()  # covered
    # A child who cannot read can still hear it; a link away would cut the photo off.
    expect(page.get_by_role("button", name="Read this page to me")).to_be_visible()
    expect(page.get_by_role("link", name="How my pages look")).to_be_hidden()

    expect(page).to_have_url(re.compile(r"/me/unlock"), timeout=30_000)
    upload_at(cdp, -1)  # as fast as it goes again
    unlock_again(page)
    assert photos_of_the_one_item(jay, "My model volcano") == 1
    context.close()


def test_words_typed_just_before_giving_the_tablet_back_are_saved(browser, base_url, jay):
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/views/school/add")
    page.get_by_label("What would you like to say?").fill("Maths is my best lesson")
    page.get_by_role("button", name="Give the tablet back").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("Everything you did is kept")).to_be_visible()
    saved = items_saying(jay, "Maths is my best")
    assert [item.text for item in saved] == ["Maths is my best lesson"]
    context.close()


def test_take_a_break_and_give_back_work_without_javascript(browser, base_url, jay):
    context = browser.new_context(
        base_url=base_url,
        viewport=VIEWPORTS["tablet-portrait"],
        has_touch=True,
        java_script_enabled=False,
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/views/school")
    # Read-aloud needs a script: without one its buttons were shown (a .button's display beat
    # the hidden attribute) and did nothing when tapped.
    expect(page.get_by_role("button", name="Read this page to me")).to_be_hidden()
    expect(page.get_by_role("button", name="Read this to me")).to_be_hidden()
    page.get_by_role("button", name="Take a break").tap()
    unlock_again(page)
    expect(page).to_have_url(re.compile(r"/me/views/school\??$"))
    page.get_by_role("button", name="Give the tablet back").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("Everything you did is kept")).to_be_visible()
    context.close()


def test_words_typed_before_the_idle_lock_are_there_after_it(browser, base_url, app, jay):
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.clock.install()  # the page's clock only: the server keeps real time
    page.goto("/me/views/family-and-friends/add")
    page.get_by_label("What would you like to say?").fill("I see Nan on Sundays")
    # The child puts the tablet down: the warning, then the lock, with no one pressing anything.
    page.clock.fast_forward(app.config["CHILD_IDLE_LOCK"].total_seconds() * 1000 - 30_000)
    expect(page.get_by_role("button", name="I'm still here")).to_be_visible()
    page.clock.fast_forward(60_000)
    unlock_again(page)
    expect(page).to_have_url(re.compile(r"/me/views/items/[^/]+/change$"))
    expect(page.get_by_label("What would you like to say?")).to_have_value("I see Nan on Sundays")
    assert [item.text for item in items_saying(jay, "I see Nan")] == ["I see Nan on Sundays"]
    context.close()


def test_words_too_long_to_save_are_there_after_the_idle_lock(browser, base_url, app, jay):
    """Words over the limit cannot be saved as the child types; the lock still loses nothing:
    they come back, with the kind message asking for them shorter."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.clock.install()
    page.goto("/me/views/family-and-friends/add")
    long_words = "I miss my brother and I want to see him more. " * 100
    page.get_by_label("What would you like to say?").fill(long_words)
    # So many words scroll the box, and a scroll counts as the child being there: let it land
    # (in real time) before the page's clock jumps, or it would land after and reset the wait.
    page.wait_for_timeout(500)
    page.clock.fast_forward(app.config["CHILD_IDLE_LOCK"].total_seconds() * 1000 - 30_000)
    expect(page.get_by_role("button", name="I'm still here")).to_be_visible()
    page.clock.fast_forward(60_000)
    unlock_again(page)
    expect(page).to_have_url(re.compile(r"/me/views/family-and-friends/add$"))
    expect(page.get_by_label("What would you like to say?")).to_have_value(long_words)
    expect(page.get_by_text("That's a lot for one").first).to_be_visible()
    assert items_saying(jay, "I miss my brother") == []
    # Made shorter: saved as they type, and the problem goes from the page with it.
    page.get_by_label("What would you like to say?").fill("I miss my brother.")
    page.clock.fast_forward(3_000)
    expect(page.locator("#autosave-status")).to_have_text("Saved")
    expect(page.locator("#error-summary")).to_be_hidden()
    expect(page.get_by_text("That's a lot for one")).to_be_hidden()  # by the box too
    assert [item.text for item in items_saying(jay, "I miss my brother")] == ["I miss my brother."]
    context.close()


def test_the_preview_of_a_shared_photo_fits_a_phone(browser, base_url, jay, jays_things):
    """ "See what my IRO will see" with a photo shared: the thumbnail fits, nothing scrolls
    sideways (the pack's photo rules were in its print style sheet only)."""
    session = db.session()
    item = session.scalar(select(Item).where(Item.public_id == jays_things["item"]))
    share(session, item, Audience.IRO)
    db.session.remove()
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS["phone"], has_touch=True)
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/sharing/preview/iro")
    expect(page.locator(".pack-photos img")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"], f"the preview scrolls sideways ({width}px)"
    context.close()


def test_the_idle_warning_stays_where_the_child_has_scrolled_to(browser, base_url, app, jay):
    """Shown at the top of the page, the warning's focus scrolled the page there; the scroll
    counted as the child being there and hid it again at once, and the focus was lost (QA).
    It shows over the page, keeps the focus until answered, and gives it back afterwards."""
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS["phone"], has_touch=True)
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.clock.install()
    page.goto("/me/plan/food-and-drink")
    box = page.get_by_label("Allergies, or food you don't eat")
    box.scroll_into_view_if_needed()
    box.focus()
    page.keyboard.type("Nuts")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 100
    page.clock.fast_forward(app.config["CHILD_IDLE_LOCK"].total_seconds() * 1000 - 30_000)
    still = page.get_by_role("button", name="I'm still here")
    expect(still).to_be_visible()
    expect(still).to_be_focused()
    page.clock.fast_forward(3_000)
    expect(still).to_be_visible()
    assert page.evaluate("window.scrollY") == scrolled
    page.keyboard.press("Enter")
    expect(still).to_be_hidden()
    expect(box).to_be_focused()
    expect(box).to_have_value("Nuts")  # the Enter was the button's, not a new line in the box
    context.close()


def test_changing_language_after_the_first_save_comes_back_to_the_words(browser, base_url, jay):
    """The switch still pointed at the empty "add" page it was drawn on: the child thought the
    words were gone and typed them again (QA)."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/views/things-i-enjoy/add")
    page.get_by_label("What would you like to say?").fill("football every saturday")
    expect(page.locator("#autosave-status")).to_have_text("Saved")
    page.locator("#language-choice").select_option("cy")
    page.locator(".language-switch button").click()
    expect(page).to_have_url(re.compile(r"/me/views/items/[^/]+/change$"))
    expect(page.locator("textarea[name=text]")).to_have_value("football every saturday")
    context.close()


def test_the_idle_warnings_button_can_be_seen_at_400_percent_zoom(browser, base_url, app, jay):
    """At 400% zoom on a tablet the panel scrolls, and its only button was below its fold: a
    child saw "Are you still there?" and nothing to press (QA)."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1024, "height": 768}, has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.set_viewport_size({"width": 256, "height": 192})
    page.clock.install()
    page.goto("/me")
    page.clock.fast_forward(app.config["CHILD_IDLE_LOCK"].total_seconds() * 1000 - 30_000)
    still = page.get_by_role("button", name="I'm still here")
    expect(still).to_be_focused()
    expect(still).to_be_in_viewport()
    context.close()


def test_words_typed_just_before_going_back_are_kept(browser, base_url, jay):
    """A child typed and pressed the browser's Back at once: the words were in nothing (QA).
    They are held for the page as it goes: Forward shows them again, and "Save" makes one
    thing (QA: saved as a thing on leaving, Forward and Save made a second)."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/views/things-i-enjoy")
    page.goto("/me/views/things-i-enjoy/add")
    page.get_by_label("What would you like to say?").press_sequentially("BACKTEST one two")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/me/views/things-i-enjoy$"))
    page.wait_for_timeout(500)  # the keepalive request, sent as the page went, lands
    assert items_saying(jay, "BACKTEST") == []  # held for the page, not made into a thing
    page.go_forward()
    box = page.get_by_label("What would you like to say?")
    expect(box).to_have_value("BACKTEST one two")
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What I said")
    assert [item.text for item in items_saying(jay, "BACKTEST")] == ["BACKTEST one two"]
    context.close()


def test_an_autosave_answer_lost_on_weak_wifi_makes_one_thing(browser, base_url, jay):
    """The first save of a new thing reached the server, but its answer never came back (weak
    wifi): the page still had the new thing's address and sent the next save there, making a
    second thing. Both go into one."""
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS["tablet-portrait"], has_touch=True
    )
    page = context.new_page()
    hand_over_and_unlock(page, jay)
    page.goto("/me/views/things-i-enjoy/add")
    lost: list[str] = []

    def answer_lost(route) -> None:
        if lost:
            route.continue_()
            return
        route.fetch()  # the server gets it and answers...
        lost.append(route.request.url)
        route.abort("internetdisconnected")  # ...and the answer never reaches the tablet

    page.route("**/me/views/things-i-enjoy/add", answer_lost)
    box = page.get_by_label("What would you like to say?")
    box.press_sequentially("WIFITEST swimming")
    expect(page.locator("#autosave-status")).to_have_text(re.compile("Not saved yet"))
    assert lost, "the first save did not go"
    assert len(items_saying(jay, "WIFITEST")) == 1  # the server has it; the tablet does not know
    box.press_sequentially(" and football")
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("What I said")
    assert [item.text for item in items_saying(jay, "WIFITEST")] == [
        "WIFITEST swimming and football"
    ]
    context.close()
