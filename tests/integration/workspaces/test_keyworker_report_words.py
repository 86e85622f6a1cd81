"""Nothing a keyworker types into the report is lost, and what is shared or sent is what they see:
Share and Send post the words on the page and save them first (with Save's checks: too long, a
stale page, a timed-out page keep every word and share or send nothing). And a report whose
review was recorded held before it was sent stays in reach: finished and sent late, on the
record of its own review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.models import (
    Audience,
    Child,
    KeyworkerReport,
    ReportSection,
    SentReportVersion,
)
from participation.timetable import service as timetable
from participation.workspaces.keyworker import service

from .conftest import TODAY, milestone, next_review
from .report_page import post_action, press, read_report_form, report_url

TOO_LONG = "x" * (service.REPORT_TEXT_MAX + 1)


@pytest.fixture
def kim(desk, team):
    return desk.sign_in(team["keyworker"])


@pytest.fixture
def report(session, kim, jay):
    kim.post(f"{report_url(jay)}/start")
    found = session.scalar(select(KeyworkerReport))
    assert found is not None
    return found


def fresh(session, report) -> KeyworkerReport:
    session.expire_all()
    found = session.get(KeyworkerReport, report.id)
    assert found is not None
    return found


def home_of(session, report) -> str:
    return service.sections_of(fresh(session, report))[ReportSection.HOME].keyworker_text


def sent_count(session) -> int:
    return session.scalar(select(func.count()).select_from(SentReportVersion)) or 0


def flashed(desk, response) -> str:
    """The page the redirect leads to, with what was flashed."""
    assert response.status_code == 302, response.status_code
    return desk.get(response.headers["Location"]).text


# --- Share and Send save what is typed first -----------------------------------------------------


def test_words_typed_then_share_are_saved_and_shared(session, kim, jay, report):
    pressed = press(kim, jay, "Share with Jay", home_keyworker="Jay cooked tea for everyone.")
    page = flashed(kim, pressed)
    assert "The report is saved." in page and "Shared with Jay." in page
    assert "Jay cooked tea for everyone." in page
    now = fresh(session, report)
    assert home_of(session, report) == "Jay cooked tea for everyone."
    assert now.shared_revision == now.revision
    shown = service.report_for_child(session, session.get(Child, jay.id))
    assert shown is not None
    assert service.sections_of(shown)[ReportSection.HOME].keyworker_text == (
        "Jay cooked tea for everyone."
    )


def test_too_long_words_with_share_stay_on_the_page_and_nothing_is_shared(
    session, kim, jay, report
):
    pressed = press(
        kim, jay, "Share with Jay", home_keyworker=TOO_LONG, health_keyworker="Dentist in May."
    )
    assert pressed.status_code == 200
    assert "That is too long" in pressed.text
    assert TOO_LONG in pressed.text and "Dentist in May." in pressed.text
    # Pressed again from the page that came back, shortened: saved and shared.
    form = read_report_form(pressed.text)
    assert form.fields["health_keyworker"] == "Dentist in May."
    assert fresh(session, report).shared_at is None
    assert home_of(session, report) == ""
    share = next(to for words, to in form.buttons.items() if words.startswith("Share"))
    again = kim.post(share, {**form.fields, "home_keyworker": "Shorter."})
    assert "Shared with Jay." in flashed(kim, again)
    assert home_of(session, report) == "Shorter."
    now = fresh(session, report)
    assert now.shared_revision == now.revision


def test_share_from_a_stale_page_keeps_the_words_and_shares_nothing(session, kim, jay, report):
    stale = read_report_form(kim.get(report_url(jay)).text)
    press(kim, jay, "Save the report", home_keyworker="Saved by someone else.")
    share = next(to for words, to in stale.buttons.items() if words.startswith("Share"))
    pressed = kim.post(share, {**stale.fields, "home_keyworker": "My words."})
    assert pressed.status_code == 409
    assert "Someone else saved this report a moment ago" in pressed.text
    assert "My words." in pressed.text and "Saved by someone else." in pressed.text
    assert home_of(session, report) == "Saved by someone else."
    assert fresh(session, report).shared_at is None


def test_share_pressed_twice_shares_once_with_no_false_conflict(session, kim, jay, report):
    """The second press carried the old version: "Someone else saved this report a moment
    ago", though nobody had and the share had worked (QA). The same words overwrite nothing."""
    page = read_report_form(kim.get(report_url(jay)).text)
    share = next(to for words, to in page.buttons.items() if words.startswith("Share"))
    sent = {**page.fields, "home_keyworker": "Settled in well."}
    first = kim.post(share, sent)
    again = kim.post(share, sent)
    assert first.status_code == again.status_code == 302
    assert "Someone else saved" not in flashed(kim, again)
    assert home_of(session, report) == "Settled in well."
    assert fresh(session, report).shared_at is not None


def test_after_a_save_from_another_tab_saving_again_keeps_both_tabs_words(
    session, kim, jay, report
):
    """Tab A saves Home; tab B, loaded before, changed only Activities and is told someone
    saved. Saving B again put A's Home back to empty (QA): the boxes B left as they were now
    hold A's words, the one B changed still holds B's."""
    tab_b = read_report_form(kim.get(report_url(jay)).text)
    press(kim, jay, "Save the report", home_keyworker="Tab A: settled in.")
    assert home_of(session, report) == "Tab A: settled in."
    save = next(to for words, to in tab_b.buttons.items() if words.startswith("Save"))
    refused = kim.post(save, {**tab_b.fields, "activities_keyworker": "Tab B: football."})
    assert refused.status_code == 409
    assert "The boxes you had not changed now hold their words" in refused.text
    again = read_report_form(refused.text)
    assert again.fields["home_keyworker"] == "Tab A: settled in."
    assert again.fields["activities_keyworker"] == "Tab B: football."
    assert kim.post(save, again.fields).status_code == 302
    sections = service.sections_of(fresh(session, report))
    assert sections[ReportSection.HOME].keyworker_text == "Tab A: settled in."
    assert sections[ReportSection.ACTIVITIES].keyworker_text == "Tab B: football."


def test_where_both_tabs_changed_a_box_the_one_saving_keeps_their_words_and_sees_the_other(
    session, kim, jay, report
):
    tab_b = read_report_form(kim.get(report_url(jay)).text)
    press(kim, jay, "Save the report", home_keyworker="Tab A's words.")
    save = next(to for words, to in tab_b.buttons.items() if words.startswith("Save"))
    refused = kim.post(save, {**tab_b.fields, "home_keyworker": "Tab B's words."})
    assert refused.status_code == 409
    again = read_report_form(refused.text)
    assert again.fields["home_keyworker"] == "Tab B's words."
    assert "Tab A&#39;s words." in refused.text or "Tab A's words." in refused.text  # shown above
    assert home_of(session, report) == "Tab A's words."


def test_a_timed_out_share_keeps_the_words_and_shares_nothing(session, kim, jay, report):
    pressed = press(
        kim, jay, "Share with Jay", home_keyworker="Typed before lunch.", csrf_token="expired"
    )
    assert pressed.status_code == 200
    assert "This page timed out" in pressed.text and "Typed before lunch." in pressed.text
    assert home_of(session, report) == ""
    assert fresh(session, report).shared_at is None


def test_a_share_without_the_words_changes_nothing(session, kim, jay, report):
    """A form that does not carry the boxes (a page from before) must not empty them."""
    press(kim, jay, "Save the report", home_keyworker="Kept.")
    revision = fresh(session, report).revision
    answer = kim.post(f"{report_url(jay)}/share", {"revision": str(revision)})
    assert "This page timed out" in flashed(kim, answer)
    assert home_of(session, report) == "Kept."
    assert fresh(session, report).shared_at is None


def test_words_changed_then_send_are_saved_and_must_be_shared_before_sending(
    session, kim, jay, report
):
    press(kim, jay, "Share with Jay", home_keyworker="First words.")
    pressed = press(kim, jay, "Send the report", home_keyworker="Changed before sending.")
    page = flashed(kim, pressed)
    # Jay has not seen the change: saved (not lost), not sent, and the keyworker is told why.
    assert "The report is saved." in page
    assert "Share this version with the child before you send it." in page
    assert home_of(session, report) == "Changed before sending."
    assert sent_count(session) == 0
    press(kim, jay, "Share the changes with Jay")
    sent = press(kim, jay, "Send the report")
    assert sent.status_code == 302 and "/keyworker-report/sent/" in sent.headers["Location"]
    version = session.scalar(select(SentReportVersion))
    home = next(row for row in version.sections if row["section"] == "home")
    assert home["keyworker"] == "Changed before sending."


def test_send_with_what_was_shared_sends_it(session, kim, jay, report):
    press(kim, jay, "Share with Jay", home_keyworker="As Jay read it.")
    sent = press(kim, jay, "Send the report")
    assert "/keyworker-report/sent/" in sent.headers["Location"]
    version = session.scalar(select(SentReportVersion))
    assert next(r for r in version.sections if r["section"] == "home")["keyworker"] == (
        "As Jay read it."
    )


def test_send_pressed_twice_sends_once_and_the_second_says_where_it_went(session, kim, jay, report):
    """The second press said only "sent already": it was unclear the first had worked (QA)."""
    press(kim, jay, "Share with Jay", home_keyworker="As Jay read it.")
    page = read_report_form(kim.get(report_url(jay)).text)
    send = next(to for words, to in page.buttons.items() if words.startswith("Send"))
    first = kim.post(send, page.fields)
    again = kim.post(send, page.fields)
    assert again.headers["Location"] == first.headers["Location"]
    assert "This version was sent already, as version 1," in flashed(kim, again)
    assert len(session.scalars(select(SentReportVersion)).all()) == 1


def test_too_long_words_with_send_stay_on_the_page_and_nothing_is_sent(session, kim, jay, report):
    press(kim, jay, "Share with Jay", home_keyworker="Shared words.")
    pressed = press(
        kim, jay, "Send the report", home_keyworker=TOO_LONG, health_keyworker="New words."
    )
    assert pressed.status_code == 200
    assert "That is too long" in pressed.text
    assert TOO_LONG in pressed.text and "New words." in pressed.text
    assert sent_count(session) == 0
    assert home_of(session, report) == "Shared words."


# --- a review held before its report was sent -----------------------------------------------------


def hold(session, child, team) -> int:
    """The IRO records the child's next review held yesterday; its number."""
    review = next_review(session, child)
    timetable.record_held(session, review, TODAY - timedelta(days=1), team["iro"], today=TODAY)
    session.commit()
    return review.number


def test_a_held_reviews_unsent_report_is_shown_and_can_be_sent_late(session, kim, jay, team):
    kim.post(f"{report_url(jay)}/start")
    press(kim, jay, "Save the report", home_keyworker="Half written on Monday.")
    number = hold(session, jay, team)
    upcoming = next_review(session, jay)
    assert upcoming.number == number + 1

    page = kim.get(report_url(jay)).text
    assert f"Keyworker report for review {number}" in page
    assert "has been held; this report for it was not sent." in page
    assert "Half written on Monday." in page
    assert f"Go on to the report for review {upcoming.number}" in page
    # Jay cannot read it on his page any more: it is not offered to share, and cannot be.
    assert "Share with Jay" not in page
    refused = post_action(kim, jay, "share")
    assert "can no longer read this report" in flashed(kim, refused)

    sent = press(kim, jay, "Send the report", home_keyworker="Finished on Friday.")
    assert "/keyworker-report/sent/" in sent.headers["Location"]
    version = session.scalar(select(SentReportVersion))
    held = session.get(type(upcoming), version.review_id)
    assert held.number == number
    assert next(r for r in version.sections if r["section"] == "home")["keyworker"] == (
        "Finished on Friday."
    )
    assert version.shared_with_child_at is None
    sent_page = kim.get(sent.headers["Location"]).text
    assert "Finished on Friday." in sent_page
    # The late send is on the held review's timetable, not the next one's.
    assert milestone(session, held, "keyworker-report-sent").done_on == TODAY
    assert milestone(session, upcoming, "keyworker-report-sent").done_on is None
    assert service.keyworker_report_for_pack(session, held, Audience.IRO).sent.id == version.id

    # Sent: the page goes on to the next review's report.
    after = kim.get(report_url(jay)).text
    assert f"Keyworker report for review {upcoming.number}" in after
    assert "Start the report" in after and "not sent for reviews already held" not in after


def test_once_the_next_report_is_started_the_unsent_one_is_linked(session, kim, jay, team):
    kim.post(f"{report_url(jay)}/start")
    press(kim, jay, "Save the report", home_keyworker="Draft for the held review.")
    number = hold(session, jay, team)
    upcoming = next_review(session, jay)
    page = kim.get(report_url(jay)).text
    go_on = f"{report_url(jay)}?review={upcoming.number}"
    assert go_on in page
    start_page = kim.get(go_on).text
    assert "Start the report" in start_page
    assert f"{report_url(jay)}?review={number}" in start_page  # the unsent one, listed
    kim.post(f"{report_url(jay)}/start?review={upcoming.number}")
    assert session.scalar(select(func.count()).select_from(KeyworkerReport)) == 2

    page = kim.get(report_url(jay)).text
    assert f"Keyworker report for review {upcoming.number}" in page
    assert "Reports not sent for reviews already held" in page
    older = kim.get(f"{report_url(jay)}?review={number}").text
    assert f"Keyworker report for review {number}" in older
    assert "Draft for the held review." in older
    press(
        kim,
        jay,
        "Save the report",
        url=f"{report_url(jay)}?review={number}",
        home_keyworker="Still mine to finish.",
    )
    drafts = {
        r.review.number: service.sections_of(r)[ReportSection.HOME].keyworker_text
        for r in session.scalars(select(KeyworkerReport))
    }
    assert drafts[number] == "Still mine to finish."
    assert drafts[upcoming.number] != "Still mine to finish."


def test_words_saved_after_the_review_was_held_go_to_its_report(session, kim, jay, team):
    """The page was loaded before the IRO recorded the review held: Save still saves there."""
    kim.post(f"{report_url(jay)}/start")
    loaded = read_report_form(kim.get(report_url(jay)).text)
    number = hold(session, jay, team)
    save = next(to for words, to in loaded.buttons.items() if words.startswith("Save"))
    saved = kim.post(save, {**loaded.fields, "home_keyworker": "Typed during the meeting."})
    assert "The report is saved." in flashed(kim, saved)
    report = session.scalar(select(KeyworkerReport))
    assert report.review.number == number
    assert home_of(session, report) == "Typed during the meeting."
