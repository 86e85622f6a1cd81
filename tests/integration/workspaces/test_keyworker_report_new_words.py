"""The keyworker report after it was started: what the child said, changed or shared with the
report's readers since is offered in its part of the report, a button each, and never what
the report may not quote."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.models import Audience, Item, KeyworkerReport, ReportSection, utcnow
from participation.workspaces.keyworker import service
from tests.integration.sharing.helpers import make_item, share

from .conftest import audited
from .report_page import read_report_form, report_url
from .test_keyworker import REPORT_READERS, said_with_keyworker


@pytest.fixture
def kim(desk, team):
    return desk.sign_in(team["keyworker"])


@pytest.fixture
def started(session, kim, jay, team):
    said_with_keyworker(
        session, jay, team["keyworker"], "school", "I like maths now.", REPORT_READERS
    )
    kim.post(f"/children/{jay.public_id}/keyworker-report/start")
    return session.scalar(select(KeyworkerReport))


def offered(page: str) -> str:
    """The "new since" boxes of a report page, run together ('' when there are none)."""
    marker = "New since you started the report, and not in it"
    return "".join(part.split("</ul>")[0] for part in page.split(marker)[1:])


def add(kim, jay, item_id: str, **typed: str):
    """Press "Add to ..." for one thing, with the words on the page (and any typed)."""
    form = read_report_form(kim.get(report_url(jay)).text)
    where = form.action.replace("/keyworker-report", "/keyworker-report/add-words", 1)
    return kim.post(where, {**form.fields, **typed, "add_item": item_id})


def child_words(session, report, section: ReportSection) -> str:
    session.expire_all()
    return service.sections_of(session.get(KeyworkerReport, report.id))[section].child_text


def test_what_is_shared_after_the_start_is_offered_and_added_with_the_typed_words(
    session, kim, jay, team, started
):
    assert offered(kim.get(report_url(jay)).text) == ""
    bike = said_with_keyworker(
        session, jay, team["keyworker"], "things-i-enjoy", "I want a bike.", REPORT_READERS
    )
    said_with_keyworker(
        session, jay, team["keyworker"], "school", "Only for Kim.", (Audience.KEYWORKER,)
    )
    box = offered(kim.get(report_url(jay)).text)
    assert "I want a bike." in box and f'value="{bike.public_id}"' in box
    assert "Only for Kim." not in box and "I like maths now." not in box
    reply = add(kim, jay, bike.public_id, home_keyworker="Typed just now.")
    assert reply.status_code == 302 and reply.location.endswith("#section-activities")
    assert child_words(session, started, ReportSection.ACTIVITIES) == "I want a bike."
    # What was typed on the page was saved first, as Share and Send do.
    session.expire_all()
    home = service.sections_of(session.get(KeyworkerReport, started.id))[ReportSection.HOME]
    assert home.keyworker_text == "Typed just now."
    page = kim.get(report_url(jay)).text
    assert "Added to “Jay says” in" in page
    assert offered(page) == ""
    assert audited(session, "add-to-keyworker-report")


def test_words_the_child_changed_after_the_start_are_offered_again(session, kim, jay, started):
    item = session.scalar(select(Item).where(Item.text == "I like maths now."))
    item.text = "I like maths and art now."
    item.updated_at = utcnow()  # as views.service.change_item does
    session.commit()
    assert "I like maths and art now." in offered(kim.get(report_url(jay)).text)
    add(kim, jay, item.public_id)
    assert child_words(session, started, ReportSection.EDUCATION) == (
        "I like maths now.\n\nI like maths and art now."
    )


def test_what_the_report_may_not_quote_is_never_added(session, kim, jay, team, started):
    kept = said_with_keyworker(
        session, jay, team["keyworker"], "school", "Only for Kim.", (Audience.KEYWORKER,)
    )
    before = child_words(session, started, ReportSection.EDUCATION)
    page = add(kim, jay, kept.public_id).data.decode()
    assert child_words(session, started, ReportSection.EDUCATION) == before
    follow = kim.get(report_url(jay)).text
    assert "That is not added" in follow and "Only for Kim." not in follow
    assert not page or "Only for Kim." not in page


def test_words_that_would_make_the_part_too_long_are_refused_and_nothing_is_lost(
    session, kim, jay, team, started
):
    long = "a" * (service.REPORT_TEXT_MAX - 5)
    add_to = said_with_keyworker(
        session, jay, team["keyworker"], "school", "One more thing.", REPORT_READERS
    )
    reply = add(kim, jay, add_to.public_id, education_child=long)
    assert reply.status_code == 302
    assert child_words(session, started, ReportSection.EDUCATION) == long  # the typed words kept
    page = kim.get(report_url(jay)).text
    assert "would be longer than" in page and "One more thing." in offered(page)


def test_after_the_start_the_page_still_says_what_it_may_not_quote_and_that_photos_stay_out(
    session, kim, jay, team, started, store
):
    """Before the start the page said how many things were shared with the keyworker alone; after
    it, nothing did (QA). And a thing offered with a photo said nothing of the photo."""
    said_with_keyworker(
        session, jay, team["keyworker"], "school", "Only for Kim.", (Audience.KEYWORKER,)
    )
    child = session.get(type(jay), jay.id)
    pictured = make_item(
        session, child, None, "This is my team.", topic="things-i-enjoy", photos=1, storage=store
    )
    for audience in REPORT_READERS:
        share(session, pictured, audience)
    session.commit()
    page = kim.get(report_url(jay)).text.replace("&#39;", "'")
    assert "1 thing Jay shared with you but not with their social worker and IRO" in page
    box = offered(page)
    assert "This is my team." in box
    assert "It has 1 photo or video too: the report takes its words only." in box


def test_words_the_report_copies_or_offers_are_read_and_can_no_longer_be_deleted(
    session, kim, jay, team, started
):
    """A thing the child deleted stayed in the report and was sent (QA): deleting blanks the
    words, so nothing could find them there any more. Copied in or offered, they are read by
    the keyworker, as in a pack: the child may stop sharing them (which the report follows),
    not delete them."""
    from participation.sharing.service import sights
    from participation.views.service import reached_a_reader

    maths = session.scalar(select(Item).where(Item.text == "I like maths now."))
    assert reached_a_reader(session, maths)
    bike = said_with_keyworker(
        session, jay, team["keyworker"], "things-i-enjoy", "I want a bike.", REPORT_READERS
    )
    assert not reached_a_reader(session, bike)
    assert "I want a bike." in offered(kim.get(report_url(jay)).text)
    assert reached_a_reader(session, bike)
    seen = sights(session, jay)
    assert {bike.public_id, maths.public_id} <= set(seen)


def summaries_offered(page: str) -> str:
    marker = "Monthly summaries since you started the report, and not in it"
    return "".join(part.split("</ul>")[0] for part in page.split(marker)[1:])


def test_a_monthly_summary_written_after_the_start_is_offered_by_part(
    session, kim, jay, team, started
):
    """A report started early in the cycle never heard of the months written after (QA)."""
    from datetime import date

    assert summaries_offered(kim.get(report_url(jay)).text) == ""
    summary = service.add_summary(
        session,
        jay,
        team["keyworker"],
        date.today(),
        {ReportSection.HEALTH: "Saw the dentist.", ReportSection.HOME: "Settled well."},
        today=date.today(),
    )
    session.commit()
    box = summaries_offered(kim.get(report_url(jay)).text)
    assert "Saw the dentist." in box and "Settled well." in box
    form = read_report_form(kim.get(report_url(jay)).text)
    where = form.action.replace("/keyworker-report", "/keyworker-report/add-words", 1)
    reply = kim.post(
        where, {**form.fields, "add_summary": f"{summary.public_id}:{ReportSection.HEALTH.value}"}
    )
    assert reply.status_code == 302 and reply.location.endswith("#section-health")
    session.expire_all()
    rows = service.sections_of(session.get(KeyworkerReport, started.id))
    assert rows[ReportSection.HEALTH].keyworker_text.endswith(": Saw the dentist.")
    page = kim.get(report_url(jay)).text
    assert "Added the summary for" in page
    box = summaries_offered(page)
    assert "Saw the dentist." not in box and "Settled well." in box  # the other part still is
    # A part that was not offered (or a made-up id) is never added.
    form = read_report_form(page)
    refused = kim.post(where, {**form.fields, "add_summary": f"{summary.public_id}:education"})
    assert refused.status_code == 302
    assert "That is not added" in kim.get(report_url(jay)).text
    assert audited(session, "add-to-keyworker-report")
