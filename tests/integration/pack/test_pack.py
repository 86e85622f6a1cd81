"""The review pack: only what was shared, for each audience; reading, marking read, the PDF;
every staff view audited; other people's children, reviews and packs are 404s."""

from __future__ import annotations

import contextlib
import html
import re
import subprocess
import zlib

import pytest
from sqlalchemy import select

from participation.models import Audience, AuditEvent, PackRead, Role
from participation.pack import service as pack_service
from participation.sharing import service as sharing_service
from tests.integration.sharing.helpers import make_item, share
from tests.support import factories
from tests.support.pdf import pdf_text
from tests.support.queries import count_statements


def _url(team, tail: str = "") -> str:
    return f"/children/{team.child.public_id}/reviews/{team.review.public_id}/pack{tail}"


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams opened (the catalog sits in an object stream)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"".join(parts)


def _events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_iro_reads_only_what_was_shared_with_them(team, session, store, staff_client):
    shared = make_item(session, team.child, team.review, "Zebra marker", photos=1, storage=store)
    private = make_item(session, team.child, team.review, "Walrus marker", photos=1, storage=store)
    to_kw = make_item(session, team.child, team.review, "Otter marker")
    share(session, shared, Audience.IRO)
    share(session, to_kw, Audience.KEYWORKER)
    iro = staff_client(team.iro)
    page = iro.get(_url(team))
    assert page.status_code == 200
    assert "Zebra marker" in page.text
    assert "Walrus marker" not in page.text and "Otter marker" not in page.text
    assert iro.get(f"/media/{shared.media[0].public_id}/thumb").status_code == 200
    assert iro.get(f"/media/{private.media[0].public_id}/thumb").status_code == 404
    assert iro.get(f"/media/{private.media[0].public_id}").status_code == 404
    # Audited: the pack, the item read, the photo seen; never the words.
    assert [e.detail for e in _events(session, "read-review-pack")] == ["iro"]
    assert [e.subject_id for e in _events(session, "read-shared-item")] == [shared.public_id]
    assert _events(session, "view-media")
    for event in session.scalars(select(AuditEvent)):
        assert "marker" not in (event.detail or "").lower()


def test_the_meeting_pack_is_the_same_builder_with_its_own_audience(team, session, staff_client):
    for_iro = make_item(session, team.child, team.review, "Heron marker")
    for_all = make_item(session, team.child, team.review, "Badger marker")
    share(session, for_iro, Audience.IRO)
    share(session, for_all, Audience.MEETING)
    keyworker = staff_client(team.keyworker)
    page = keyworker.get(_url(team, "/meeting")).text
    assert "Badger marker" in page and "Heron marker" not in page
    # The keyworker's own pack: everything for everyone at the meeting reaches them too.
    own = keyworker.get(_url(team)).text
    assert "Badger marker" in own and "Heron marker" not in own
    iro_pack = staff_client(team.iro).get(_url(team)).text
    assert "Badger marker" in iro_pack and "Heron marker" in iro_pack


def test_a_withdrawal_stops_every_later_sight(team, session, store, staff_client):
    item = make_item(session, team.child, team.review, "Falcon marker", photos=1, storage=store)
    share(session, item, Audience.IRO)
    iro = staff_client(team.iro)
    assert "Falcon marker" in iro.get(_url(team)).text
    share(session, item, Audience.IRO, shared=False)
    assert "Falcon marker" not in iro.get(_url(team)).text
    assert iro.get(f"/media/{item.media[0].public_id}/thumb").status_code == 404
    pdf = iro.get(_url(team, "/pdf"))
    assert (
        b"Falcon"
        not in subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True
        ).stdout
    )


def test_the_child_sees_who_read_their_things(team, session, staff_client, on_tablet):
    item = make_item(session, team.child, team.review, "Lynx marker")
    share(session, item, Audience.IRO)
    iro = staff_client(team.iro)
    iro.get(_url(team))
    page = on_tablet.client.get("/me/who-has-seen").text
    assert "Read by Daniel Hughes (your IRO)" in page
    # Withdrawn now: still shown as read, as it was.
    share(session, item, Audience.IRO, shared=False)
    page = on_tablet.client.get("/me/who-has-seen").text
    assert "Read by Daniel Hughes (your IRO)" in page and "Only you can see this." in page


def test_marking_read_tells_the_child(team, session, staff_client, on_tablet):
    item = make_item(session, team.child, team.review, "Puffin marker")
    share(session, item, Audience.IRO)
    assert "Your IRO has read your views" not in on_tablet.client.get("/me").text
    iro = staff_client(team.iro)
    page = iro.get(_url(team)).text
    from tests.conftest import csrf_from

    done = iro.post(_url(team, "/read"), data={"csrf_token": csrf_from(page)})
    assert done.status_code == 302
    [read] = session.scalars(select(PackRead)).all()
    assert read.audience == Audience.IRO and read.staff_id == team.iro.id
    assert read.contents == [{"subject": f"item:{item.public_id}", "version": item.version}]
    assert "Your IRO has read your views" in on_tablet.client.get("/me").text
    assert _events(session, "mark-review-pack-read")


def test_the_iro_workspace_says_which_packs_have_something_new(team, session, staff_client):
    """The IRO had no sign outside the pack itself that a child had shared more (QA): the
    workspace says, child by child, whether the pack was read and how much is new since."""
    item = make_item(session, team.child, team.review, "Wren marker")
    share(session, item, Audience.IRO)
    iro = staff_client(team.iro)
    assert "not marked as read yet" in iro.get("/iro").text
    reader = session.get(type(team.iro), team.iro.id)
    child, review = (
        session.get(type(team.child), team.child.id),
        session.get(type(team.review), team.review.id),
    )
    pack_service.mark_read(
        session, pack_service.build_pack(session, child, review, Audience.IRO), reader
    )
    assert "Nothing new since you read it" in iro.get("/iro").text
    share(
        session,
        make_item(session, team.child, team.review, "Kept from the IRO"),
        Audience.KEYWORKER,
    )
    assert "Nothing new since you read it" in iro.get("/iro").text  # not theirs to see
    share(session, make_item(session, team.child, team.review, "Lark marker"), Audience.IRO)
    session.expire_all()
    again = session.get(type(item), item.id)
    again.text = "Wren marker, and more"
    session.commit()
    assert "2 things new or changed since you read it" in iro.get("/iro").text
    # Taken back since it was read: what was read can no longer be relied on (QA: "Nothing
    # new since you read it", and the IRO trusted it).
    share(session, session.get(type(item), item.id), Audience.IRO, shared=False)
    page = iro.get("/iro").text
    assert "1 thing taken back since you read it: do not rely on it" in page
    assert "Wren marker" not in page  # a count, never what


def test_the_iro_workspace_counts_new_things_in_the_same_queries_for_more_children(
    team, session, staff_client
):
    """What is new in each pack is worked out for the whole list at once: more children, each
    with things shared and a pack read, make no more statements."""
    share(session, make_item(session, team.child, team.review, "First"), Audience.IRO)
    iro = staff_client(team.iro)
    one = count_statements(iro, "/iro")
    for number in range(3):
        child = factories.make_child(session, preferred_name=f"More{number}")
        factories.assign(session, team.iro, child)
        review = factories.make_review(session, child)
        share(session, make_item(session, child, review, f"More {number}"), Audience.IRO)
        reader = session.get(type(team.iro), team.iro.id)
        pack = pack_service.build_pack(session, child, review, Audience.IRO)
        pack_service.mark_read(session, pack, reader)
    assert "Nothing new since you read it" in iro.get("/iro").text
    assert count_statements(iro, "/iro") == one


def test_a_change_after_reading_is_shown_to_the_reader(team, session, staff_client):
    item = make_item(session, team.child, team.review, "Robin marker")
    share(session, item, Audience.IRO)
    session.refresh(team.iro)
    pack = pack_service.build_pack(session, team.child, team.review, Audience.IRO)
    pack_service.mark_read(session, pack, team.iro)
    iro = staff_client(team.iro)
    assert "Changed since you read it" not in iro.get(_url(team)).text
    session.expire_all()
    again = session.get(type(item), item.id)
    again.text = "Robin marker, and more"
    session.commit()
    page = iro.get(_url(team)).text
    assert "Changed since you read it" in page
    # Said once at the top too: how much there is to read again.
    assert "1 part is new or changed since you last read this pack." in page


def test_a_withdrawal_after_reading_is_counted_for_the_reader_never_shown(
    team, session, staff_client
):
    kept = make_item(session, team.child, team.review, "Heron marker")
    taken = make_item(session, team.child, team.review, "Egret marker")
    for item in (kept, taken):
        share(session, item, Audience.IRO)
    session.refresh(team.iro)
    pack_service.mark_read(
        session, pack_service.build_pack(session, team.child, team.review, Audience.IRO), team.iro
    )
    iro = staff_client(team.iro)
    assert "has taken back" not in iro.get(_url(team)).text
    share(session, taken, Audience.IRO, shared=False)
    page = iro.get(_url(team)).text
    assert "has taken back 1 thing since you last read this pack" in page
    assert "Egret marker" not in page and "Heron marker" in page


def test_a_sent_pack_keeps_a_snapshot_and_shows_what_is_new(team, session, staff_client):
    first = make_item(session, team.child, team.review, "Swan marker")
    share(session, first, Audience.IRO)
    pack_service.send(session, team.child, team.review, team.social_worker)
    later = make_item(session, team.child, team.review, "Crane marker")
    share(session, later, Audience.IRO)
    page = staff_client(team.iro).get(_url(team)).text
    assert page.count("New or changed since the pack was sent") == 1


def test_the_social_worker_sends_the_pack(team, session, staff_client):
    from tests.conftest import csrf_from

    sw = staff_client(team.social_worker)
    page = sw.get(_url(team)).text
    assert sw.post(_url(team, "/send"), data={"csrf_token": csrf_from(page)}).status_code == 302
    assert pack_service.latest_snapshot(session, team.review, Audience.IRO) is not None
    iro = staff_client(team.iro)
    assert iro.post(_url(team, "/send"), data={"csrf_token": csrf_from(page)}).status_code == 404


def test_no_address_unless_the_council_allows_it(app, team, session, staff_client, monkeypatch):
    team.child.home.address = "12 Hidden Lane"
    session.commit()
    iro = staff_client(team.iro)
    assert "12 Hidden Lane" not in iro.get(_url(team)).text
    monkeypatch.setitem(app.config, "SHOW_PLACEMENT_ADDRESS_IN_PACK", True)
    assert "12 Hidden Lane" in iro.get(_url(team)).text


def test_the_pdf_is_tagged_with_its_language_and_audited(team, session, store, staff_client):
    item = make_item(session, team.child, team.review, "Kestrel marker", photos=2, storage=store)
    share(session, item, Audience.IRO)
    response = staff_client(team.iro).get(_url(team, "/pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "Kestrel marker" in text and "Review pack for Mia" in text
    # When it was made, at the foot of the page: paper outlives the page (QA: a printed copy
    # could not be checked against the pack as it is now).
    # The space after the comma too (a CSS escape took it).
    assert re.search(r"Made \w+day \d+ \w+ \d{4}, \d\d:\d\d", text)
    info = subprocess.run(
        ["pdfinfo", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "Tagged:          yes" in info
    images = subprocess.run(
        ["pdfimages", "-list", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert len(images.strip().splitlines()) == 2 + 2  # two header lines, two photos
    assert b"/Lang (en)" in _inflated(response.data)
    assert [e.detail for e in _events(session, "download-review-pack")] == ["iro"]


def test_the_keyworker_report_is_in_the_pack_when_there_is_one(
    team, session, staff_client, monkeypatch
):
    from datetime import UTC, datetime
    from types import SimpleNamespace

    report = SimpleNamespace(
        sent_at=datetime(2026, 11, 1, tzinfo=UTC),
        sections=[
            {"section": "home", "keyworker": "Settled and happy", "child": "", "comment": ""},
            {"section": "education", "keyworker": "", "child": "I like art", "comment": ""},
            {"section": "health", "keyworker": "", "child": "", "comment": ""},
        ],
    )
    report.sections[0]["keyworker"] = "September 2026: Settled.\n\nOctober 2026: Settled and happy"
    monkeypatch.setattr(pack_service.ReportSource, "find", staticmethod(lambda s, r, a: report))
    page = staff_client(team.iro).get(_url(team)).text
    assert "Keyworker report" in page and "Settled and happy" in page
    # Month by month, on lines of their own: on screen and on paper (they ran together).
    assert '<p class="pre-line" dir="ltr">September 2026: Settled.\n\nOctober 2026' in page
    pdf = staff_client(team.iro).get(_url(team, "/pdf")).data
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "September 2026: Settled.\n" in text and "Settled. October" not in text
    # The report form's own headings; a section with nothing in it is left out.
    assert "<h3>Education</h3>" in page and "I like art" in page
    assert "<h3>Health</h3>" not in page
    meeting = staff_client(team.keyworker).get(_url(team, "/meeting")).text
    assert "Settled and happy" not in meeting


def test_the_participation_code_follows_the_shared_taking_part(
    team, session, staff_client, on_tablet
):
    from participation.models import Attendance
    from participation.planning import service as planning_service

    plan = planning_service.plan_to_save(session, team.child, team.review)
    plan.attendance = Attendance.VIEWS_ONLY
    session.commit()
    iro = staff_client(team.iro)
    assert "PN5" not in iro.get(_url(team)).text
    subject = sharing_service.plan_choice(team.child, team.review, "taking-part")
    from participation.models import ShareDecision

    sharing_service.decide(
        session, subject, Audience.IRO, ShareDecision.SHARED, loaded_version=0, words_shown="x"
    )
    item = make_item(session, team.child, team.review, "Wren marker")
    share(session, item, Audience.IRO)
    page = iro.get(_url(team)).text
    assert "PN5" in page
    # The child's preview says what the code means, in their words.
    preview = html.unescape(on_tablet.client.get("/me/sharing/preview/iro").text)
    assert "you send what you think, or tell someone to say it." in preview
    assert "PN5" not in preview


@pytest.mark.parametrize("tail", ["", "/meeting", "/pdf", "/meeting/pdf"])
def test_other_peoples_packs_are_not_there(team, session, staff_client, tail):
    item = make_item(session, team.child, team.review, "Secret marker")
    share(session, item, Audience.MEETING)
    other_iro = factories.make_staff(session, Role.IRO)
    other_keyworker = factories.make_staff(session, Role.KEYWORKER)
    elsewhere = factories.make_child(session, preferred_name="Leo")
    factories.assign(session, other_keyworker, elsewhere)
    factories.assign(session, other_iro, elsewhere)
    their_review = factories.make_review(session, elsewhere)
    manager = factories.make_staff(session, Role.MANAGER)
    session.commit()
    for stranger in (other_iro, other_keyworker, manager):
        response = staff_client(stranger).get(_url(team, tail))
        assert response.status_code == 404, stranger.role
    # A review that is not this child's, even for someone on both caseloads.
    mixed = f"/children/{team.child.public_id}/reviews/{their_review.public_id}/pack{tail}"
    assert staff_client(team.iro).get(mixed).status_code == 404
    denied = session.scalars(select(AuditEvent).where(AuditEvent.outcome != "ok")).all()
    assert denied  # refusals are recorded too


def test_the_child_previews_exactly_the_iros_pack(team, session, store, staff_client, on_tablet):
    shared = make_item(session, team.child, team.review, "Beaver marker", photos=1, storage=store)
    shared.feeling = 5
    session.commit()
    make_item(session, team.child, team.review, "Moth marker")
    share(session, shared, Audience.IRO)
    preview = on_tablet.client.get("/me/sharing/preview/iro").text
    # The feeling as on the child's own pages: the face, not "5 of 5".
    assert "img/feelings/very-happy.svg" in preview and "5 of 5" not in preview
    assert "Beaver marker" in preview and "Moth marker" not in preview
    assert f"/me/media/{shared.media[0].public_id}/thumb" in preview
    # The same things, in the child's words: no "Due by", no PN codes, no "this pack".
    for staff_words in ("Due by", "Suggested participation code", "this pack"):
        assert staff_words not in preview, staff_words
    assert not re.search(r"PN\d: ", preview)  # (not "PN": a random id may hold those letters)
    assert "My meeting" in preview and "Written by me" in preview
    # Not "anything not here is private": the planners see the plan anyway.
    assert "Things you made that are not here stay private." in preview
    assert "Anything not here is private" not in preview
    iro_page = staff_client(team.iro).get(_url(team)).text
    assert "Suggested participation code" in iro_page and "Due by" in iro_page
    # The code is said about the child: their preview says what it means, in their words.
    assert "none yet" in iro_page
    assert "After your meeting, your IRO writes down how you took part" in preview
    assert "Feeling: 5 of 5" in iro_page
    assert on_tablet.client.get("/me/sharing/preview/nobody").status_code == 404


def test_the_reading_view_links_to_its_own_pack(team, session, staff_client):
    page = staff_client(team.iro).get(_url(team)).text
    assert f'action="{_url(team, "/read")}"' in page
    assert f'href="{_url(team, "/pdf")}"' in page
    meeting = staff_client(team.iro).get(_url(team, "/meeting")).text
    assert f'action="{_url(team, "/meeting/read")}"' in meeting
    assert f'href="{_url(team, "/meeting/pdf")}"' in meeting


def test_making_a_pdf_leaves_the_upload_checks_strict(team, session, store, staff_client):
    # WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on when imported; uploads rely on it off.
    from PIL import ImageFile

    item = make_item(session, team.child, team.review, "Gull marker", photos=1, storage=store)
    share(session, item, Audience.IRO)
    assert staff_client(team.iro).get(_url(team, "/pdf")).status_code == 200
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_childs_record_and_the_iro_workspace_link_to_the_pack(team, session, staff_client):
    pack = _url(team)
    for member in (team.keyworker, team.social_worker, team.iro):
        record = staff_client(member).get(f"/children/{team.child.public_id}").text
        assert f'href="{pack}"' in record, member
    assert f'href="{pack}"' in staff_client(team.iro).get("/iro").text
    other_iro = factories.make_staff(session, Role.IRO, name="Someone Else")
    assert f'href="{pack}"' not in staff_client(other_iro).get("/iro").text


def test_the_pack_is_in_its_readers_language_and_the_childs_words_stay_theirs(
    team, session, store, staff_client
):
    item = make_item(session, team.child, team.review, "Kestrel marker", photos=1, storage=store)
    share(session, item, Audience.IRO)
    team.iro.language = "ar"
    session.commit()
    iro = staff_client(team.iro)
    page = iro.get(_url(team)).text
    assert '<html lang="ar" dir="rtl">' in page
    assert "Review pack for Mia" not in page  # the page is in Arabic...
    assert "Kestrel marker" in page  # ...and Mia's words are as she wrote them
    pdf = iro.get(_url(team, "/pdf")).data
    assert b"/Lang (ar)" in _inflated(pdf)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Kestrel marker" in text and "Review pack for Mia" not in text


def test_dates_are_written_the_readers_way(team, session, staff_client):
    from datetime import date

    team.review.scheduled_at = None
    team.review.due_on = date(2026, 12, 7)
    session.commit()
    english = staff_client(team.iro).get(_url(team)).text
    assert "Monday 7 December 2026" in english
    session.get(type(team.iro), team.iro.id).language = "cy"
    session.commit()
    welsh = staff_client(team.iro).get(_url(team)).text
    assert "Dydd Llun, 7 Rhagfyr 2026" in welsh


def test_the_cover_says_when_the_day_is_only_when_the_review_is_due(team, session, staff_client):
    """No date set yet: the due day is not the meeting's day, and the cover says so."""
    from datetime import UTC, date, datetime

    team.review.scheduled_at = None
    team.review.due_on = date(2026, 12, 7)
    session.commit()
    page = staff_client(team.iro).get(_url(team)).text
    assert "Due by" in page and "(the date is not set yet)" in page and "Review date" not in page
    session.get(type(team.review), team.review.id).scheduled_at = datetime(
        2026, 12, 3, 15, 30, tzinfo=UTC
    )
    session.commit()
    page = staff_client(team.iro).get(_url(team)).text
    assert "Review date" in page and "Thursday 3 December 2026" in page
    assert "not set yet" not in page
    # Held on another day than planned: the day it was held (QA: the planned day stayed).
    review = session.get(type(team.review), team.review.id)
    review.held_on = date(2026, 12, 2)
    session.commit()
    page = staff_client(team.iro).get(_url(team)).text
    assert "Wednesday 2 December 2026" in page and "Thursday 3 December 2026" not in page


def _pdf_pages(pdf: bytes, first: int, last: int | None = None) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(first), "-l", str(last or first), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def _long_pack(session, team) -> None:
    """Enough shared with everyone at the meeting to fill three pages or more."""
    for number in range(12):
        item = make_item(session, team.child, team.review, f"Long marker {number}. " * 40)
        share(session, item, Audience.MEETING)


@pytest.mark.parametrize(
    ("tail", "for_whom"),
    [("/pdf", "For: the IRO only."), ("/meeting/pdf", "For: everyone at the meeting.")],
)
def test_every_page_of_the_pdf_says_whose_pack_it_is_and_who_it_is_for(
    team, session, staff_client, tail, for_whom
):
    _long_pack(session, team)
    pdf = staff_client(team.iro).get(_url(team, tail)).data
    pages = int(re.search(r"Pages:\s+(\d+)", _pdf_info(pdf)).group(1))
    assert pages >= 3
    first = _pdf_pages(pdf, 1)
    assert for_whom in first
    # The cover flows on into the pack: page 1 is not left nearly empty.
    assert "How Mia will take part" in first and "Long marker 0" in first
    for page in range(2, pages + 1):
        text = _pdf_pages(pdf, page)
        assert "Review pack for Mia" in text, page
        assert for_whom in text, page
        assert f"Page {page} of {pages}" in text, page


def _pdf_info(pdf: bytes) -> str:
    return subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_pdf_title_names_its_audience(team, session, staff_client):
    iro = staff_client(team.iro)
    assert "Title:           Review pack for Mia, for the IRO only" in _pdf_info(
        iro.get(_url(team, "/pdf")).data
    )
    assert "Title:           Review pack for Mia, for everyone at the meeting" in _pdf_info(
        iro.get(_url(team, "/meeting/pdf")).data
    )


def test_the_reading_view_says_who_the_pack_is_for_in_staff_words(team, session, staff_client):
    assert "For: the IRO only." in staff_client(team.iro).get(_url(team)).text
    keyworker = staff_client(team.keyworker)
    assert "For: the keyworker only." in keyworker.get(_url(team)).text
    assert "For: everyone at the meeting." in keyworker.get(_url(team, "/meeting")).text


def test_the_page_numbers_follow_the_translation_whatever_it_holds(
    team, session, staff_client, monkeypatch
):
    # A translation may turn the numbers round, and hold quotes or markup: still one footer.
    monkeypatch.setattr(pack_service, "PAGE_NUMBER", 'Tudalen %(pages)s\\"%(page)s" </style> ٢')
    _long_pack(session, team)
    pdf = staff_client(team.iro).get(_url(team, "/pdf")).data
    pages = re.search(r"Pages:\s+(\d+)", _pdf_info(pdf)).group(1)
    footer = "".join(_pdf_pages(pdf, 2).split())  # pdftotext spaces the words its own way
    assert f'Tudalen{pages}\\"2"</style>٢' in footer


def test_the_pdf_download_names_the_child_and_the_audience(team, session, staff_client):
    iro = staff_client(team.iro)
    for_iro = iro.get(_url(team, "/pdf")).headers["Content-Disposition"]
    for_meeting = iro.get(_url(team, "/meeting/pdf")).headers["Content-Disposition"]
    assert for_iro == 'attachment; filename="review-pack-mia-iro-2026-12-14.pdf"'
    assert for_meeting == 'attachment; filename="review-pack-mia-meeting-2026-12-14.pdf"'
    own = staff_client(team.keyworker).get(_url(team, "/pdf")).headers["Content-Disposition"]
    assert own == 'attachment; filename="review-pack-mia-keyworker-2026-12-14.pdf"'
    # Another child on the same day, with a name outside ASCII: a plain name and the real one.
    zoe = factories.make_child(session, preferred_name="Zoë Anne")
    factories.assign(session, team.iro, zoe)
    review = factories.make_review(session, zoe)
    session.commit()
    theirs = iro.get(f"/children/{zoe.public_id}/reviews/{review.public_id}/pack/pdf")
    assert theirs.headers["Content-Disposition"] == (
        'attachment; filename="review-pack-zoe-anne-iro-2026-12-14.pdf"; '
        "filename*=UTF-8''review-pack-zo%C3%AB-anne-iro-2026-12-14.pdf"
    )
    layla = factories.make_child(session, preferred_name="ليلى")
    factories.assign(session, team.iro, layla)
    review = factories.make_review(session, layla)
    session.commit()
    hers = iro.get(f"/children/{layla.public_id}/reviews/{review.public_id}/pack/pdf")
    assert hers.headers["Content-Disposition"] == (
        'attachment; filename="review-pack-iro-2026-12-14.pdf"; '
        "filename*=UTF-8''review-pack-%D9%84%D9%8A%D9%84%D9%89-iro-2026-12-14.pdf"
    )


def _margin_words(pdf: bytes, page: int) -> tuple[list[tuple[float, str]], list[str]]:
    """The words in the top margin of `page` (with their left edges), and in its bottom margin
    (A4: 842pt high; the margins are 18mm and 20mm)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    top = [(float(x), word) for x, y, word in words if float(y) < 50]
    bottom = [word for _x, y, word in words if float(y) > 790]
    return top, bottom


def test_the_running_header_and_page_numbers_follow_the_readers_language(
    team, session, staff_client
):
    _long_pack(session, team)
    team.iro.language = "fa"
    session.commit()
    english = staff_client(team.keyworker).get(_url(team, "/pdf")).data
    top, bottom = _margin_words(english, 2)
    assert next(x for x, word in top if word == "Mia") < 297
    assert "2" in bottom
    persian = staff_client(team.iro).get(_url(team, "/pdf")).data
    top, bottom = _margin_words(persian, 2)
    # Right to left: the pack's title (with Mia's name) is on the right, where reading starts...
    assert next(x for x, word in top if word == "Mia") > 297
    # ...and the pages are numbered in the Persian digits the rest of the pack uses.
    assert "۲" in bottom and "2" not in bottom


def test_the_reader_is_told_what_is_still_to_do_before_the_meeting(team, session, staff_client):
    """The pack says what is not there yet (the social worker's report, the keyworker report),
    with whose task it is and a link to it; not in the PDF, which is what the pack holds."""
    from participation import clock
    from participation.models import Milestone
    from participation.timetable import service as timetable

    timetable.recompute_child(session, team.child, clock.today())
    session.commit()
    iro = staff_client(team.iro)
    page = iro.get(_url(team)).text
    to_do = page.split("Still to do before the meeting")[1].split("</section>")[0]
    assert "Send the social worker&#39;s report and Care Plan to the IRO" in to_do
    assert "(Social worker)" in to_do and "(Keyworker)" in to_do
    task_url = f"/reviews/{team.review.public_id}/milestones/social-worker-documents"
    link = f'href="{task_url}?next=/children/'
    assert link in to_do
    assert "Circulate the review decisions" not in to_do  # after the meeting
    pdf = iro.get(_url(team, "/pdf")).data
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    assert "Mia" in text.stdout.decode() and "Still to do" not in text.stdout.decode()
    session.expire_all()
    for task in session.scalars(select(Milestone).where(Milestone.review_id == team.review.id)):
        if task.name != "social-worker-documents":
            task.done_on = clock.today()
    session.commit()
    to_do = iro.get(_url(team)).text.split("Still to do before the meeting")[1]
    assert link in to_do and "milestones/consult-child" not in to_do
    # Marked done from the pack, the social worker comes back to the pack.
    social_worker = staff_client(team.social_worker)
    page = social_worker.get(f"{task_url}?next={_url(team)}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page)
    assert token and version, page
    done = social_worker.post(
        task_url,
        data={
            "csrf_token": token.group(1),
            "version": version.group(1),
            "done_on": clock.today().isoformat(),
            "next": _url(team),
        },
    )
    assert done.status_code == 302 and done.location.endswith(_url(team))
    assert "Still to do before the meeting" not in iro.get(_url(team)).text


def test_sending_asks_first_with_what_each_pack_holds(team, session, staff_client):
    from tests.conftest import csrf_from

    shared = make_item(session, team.child, team.review, "Kestrel marker")
    share(session, shared, Audience.IRO)
    sw = staff_client(team.social_worker)
    read = sw.get(_url(team)).text
    assert f'href="{_url(team, "/send")}"' in read
    page = sw.get(_url(team, "/send"))
    assert page.status_code == 200
    assert pack_service.latest_snapshot(session, team.review, Audience.IRO) is None  # asked only
    text = html.unescape(page.text)
    rows = {row.split("</th>")[0].split(">")[-1]: row for row in text.split('<th scope="row">')[1:]}
    assert "Daniel Hughes" in rows["the IRO only"]
    assert "Nothing shared yet" in rows["everyone at the meeting"]
    assert "Grace Okafor" in rows["the social worker only"]
    assert "Nothing shared yet" in rows["the social worker only"]  # their own pack
    # What the child shared with the IRO alone is not counted for the social worker (QA): it
    # would tell them the child said something to someone else.
    assert "1 thing" not in text and "not shown to you" in rows["the IRO only"]
    assert "Not sent yet" in rows["the IRO only"]  # the keyworker report
    sent = sw.post(_url(team, "/send"), data={"csrf_token": csrf_from(page.text)})
    assert sent.status_code == 302
    assert pack_service.latest_snapshot(session, team.review, Audience.IRO) is not None
    assert "It was last sent" in sw.get(_url(team, "/send")).text
    # The IRO reads the pack; only the keyworker and social worker send it.
    assert staff_client(team.iro).get(_url(team, "/send")).status_code in (403, 404)


def test_the_childs_wishes_waiting_for_an_answer_are_still_to_do(team, session, staff_client):
    from participation.planning import service as planning

    planning.save_step(
        session, team.child, team.review, "food-and-drink", {"food": ["pizza"]}, 0, finish=True
    )
    page = staff_client(team.iro).get(_url(team)).text
    to_do = page.split("Still to do before the meeting")[1].split("</section>")[0]
    assert "1 of Mia's wishes about the meeting is waiting for an answer" in to_do
    assert f'href="/children/{team.child.public_id}/plan"' in to_do
    send_page = staff_client(team.social_worker).get(_url(team, "/send")).text
    assert "wishes about the meeting is waiting" in send_page


def test_things_said_with_no_review_planned_go_to_the_next_review_only(team, session):
    """Something said when no review was planned was in every later review's pack (QA): it
    goes to the review after it, not to the ones after that."""
    from datetime import UTC, date, datetime

    from participation.models import Item, ReviewStatus
    from tests.support import factories

    child, first = team.child, team.review
    early = make_item(session, child, None, "Said before the first review")
    share(session, early, Audience.IRO)
    assert early.public_id in _items_in(session, team, first)
    first.held_on = date(2026, 12, 2)
    first.status = ReviewStatus.HELD
    second = factories.make_review(session, child, number=2, due_on=date(2027, 6, 2))
    session.commit()
    later = make_item(session, child, None, "Said after the first review")
    share(session, later, Audience.IRO)
    session.get(Item, later.id).created_at = datetime(2026, 12, 10, 12, tzinfo=UTC)
    session.get(Item, early.id).created_at = datetime(2026, 11, 20, 12, tzinfo=UTC)
    session.commit()
    in_second = _items_in(session, team, second)
    assert later.public_id in in_second and early.public_id not in in_second


def _items_in(session, team, review) -> set[str]:
    pack = pack_service.build_pack(session, team.child, review, Audience.IRO)
    return {item.public_id for item in pack.items}


def test_emoji_in_the_childs_words_reach_the_pdf(team, session, staff_client):
    """They printed as empty boxes: no font on the server had them (QA: "□□□□ no nuts □").
    scripts/install-system-deps.sh installs one; the pack's fonts fall back to it."""
    item = make_item(session, team.child, team.review, "👨\u200d👩\u200d👧\u200d👦 no nuts 🥜")
    share(session, item, Audience.IRO)
    pdf = staff_client(team.iro).get(_url(team, "/pdf")).data
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    assert b"Emoji" in fonts.stdout
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    assert "🥜" in text.stdout.decode()


def test_the_people_in_the_pack_are_named_in_staff_words(team, session, staff_client, on_tablet):
    """The IRO's own pack said "Ruth Bennett, Your IRO": the child's words, in staff papers
    (QA). Staff read the role; the child's preview still says "Your IRO"."""
    from participation.models import Child, Review, ShareDecision
    from participation.planning import service as planning_service

    child, review = session.get(Child, team.child.id), session.get(Review, team.review.id)
    plan = planning_service.plan_or_blank(session, child, review)
    cards = planning_service.people_cards(session, child, plan)
    iro_card = next(card for card in cards if card.staff_role == Role.IRO)
    planning_service.save_people(
        session,
        child,
        review,
        [planning_service.WishAnswer(iro_card.key, "yes")],
        0,
        finish=True,
    )
    subject = sharing_service.plan_choice(child, review, "who-comes")
    sharing_service.decide(
        session, subject, Audience.IRO, ShareDecision.SHARED, loaded_version=0, words_shown="x"
    )
    page = re.sub(r"<[^>]+>", "", html.unescape(staff_client(team.iro).get(_url(team)).text))
    assert f"{team.iro.name} \u2013 Independent Reviewing Officer" in page
    assert "Your IRO" not in page
    preview = html.unescape(on_tablet.client.get("/me/sharing/preview/iro").text)
    assert "Your IRO" in preview


def _share_part(session, team, section):
    from participation.models import ShareDecision

    subject = sharing_service.plan_choice(team.child, team.review, section)
    sharing_service.decide(
        session, subject, Audience.IRO, ShareDecision.SHARED, loaded_version=0, words_shown="x"
    )


def test_the_pack_shows_the_answer_to_a_wish_and_where_and_when_it_is(
    team, session, staff_client, on_tablet
):
    """The pack showed "Where: the youth centre" and not that it had been turned down, nor the
    venue and time arranged (QA): the IRO works from the printed pack."""
    from datetime import UTC, datetime

    from participation.models import Child, DecisionOutcome, DecisionTopic, Review, StaffMember
    from participation.planning import service as planning_service

    child, review = session.get(Child, team.child.id), session.get(Review, team.review.id)
    planning_service.save_step(
        session, child, review, "where-and-when",
        {"place": "elsewhere", "place_other": "the youth centre on Park Road"}, 0, finish=True,
    )  # fmt: skip
    plan = planning_service.find_plan(session, review)
    planning_service.decide(
        session, plan, DecisionTopic.VENUE, None, DecisionOutcome.NOT_POSSIBLE,
        "It is closed in the evenings.", session.get(StaffMember, team.keyworker.id), 0,
    )  # fmt: skip
    review.scheduled_at = datetime(2026, 12, 15, 16, 0, tzinfo=UTC)
    review.venue = "Oak Lodge, quiet lounge"
    session.commit()
    _share_part(session, team, "where-and-when")
    page = re.sub(r"<[^>]+>", "", html.unescape(staff_client(team.iro).get(_url(team)).text))
    assert "the youth centre on Park Road" in page
    assert f"{team.keyworker.name} answered: Not possible. It is closed" in page
    assert "Tuesday 15 December 2026, 16:00" in page and "Oak Lodge, quiet lounge" in page
    pdf = pdf_text(staff_client(team.iro).get(_url(team, "/pdf")).data)
    assert "Not possible." in pdf and "Oak Lodge, quiet lounge" in pdf
    # The child's preview says it in their words.
    preview = html.unescape(on_tablet.client.get("/me/sharing/preview/iro").text)
    assert "Your keyworker said:" in preview and "Not this time, sorry." in preview


def _plan_step(session, team, slug: str, answers: dict) -> None:
    """The child saves one step of their plan, from the version saved now."""
    from participation.models import Child, Review
    from participation.planning import service as planning_service

    child, review = session.get(Child, team.child.id), session.get(Review, team.review.id)
    plan = planning_service.find_plan(session, review)
    version = plan.step_version(slug) if plan is not None else 0
    planning_service.save_step(session, child, review, slug, answers, version, finish=True)


def _iro_read_the_pack(session, team, staff_client):
    """The IRO marks the pack read, as it is now; their client."""
    session.refresh(team.iro)
    pack = pack_service.build_pack(session, team.child, team.review, Audience.IRO)
    pack_service.mark_read(session, pack, team.iro)
    return staff_client(team.iro)


def test_a_change_to_a_part_kept_private_does_not_mark_the_shared_parts(
    team, session, staff_client
):
    """One version for the whole plan marked every shared part "changed" when the child changed
    only a part they had kept private (QA), and hinted that they had."""
    _plan_step(session, team, "food-and-drink", {"food": ["pizza"]})
    _share_part(session, team, "food-and-drink")
    iro = _iro_read_the_pack(session, team, staff_client)
    assert "Changed since you read it" not in iro.get(_url(team)).text
    _plan_step(session, team, "the-room", {"room": ["quiet"]})
    assert "Changed since you read it" not in iro.get(_url(team)).text
    _plan_step(session, team, "food-and-drink", {"food": ["pizza", "fruit"]})
    assert "Changed since you read it" in iro.get(_url(team)).text


def test_english_words_in_an_arabic_pdf_keep_their_full_stop_at_the_end(
    team, session, store, staff_client
):
    """QA: in an Arabic or Farsi PDF every English sentence read ".Maths is better since I sit
    at the front": a right-to-left page put the full stop at the start. The child's and the
    keyworker's words take their own direction, decided from the words (WeasyPrint does not
    work out dir="auto")."""
    item = make_item(session, team.child, team.review, "Maths is better since I sit at the front.")
    share(session, item, Audience.IRO)
    team.iro.language = "ar"
    session.commit()
    iro = staff_client(team.iro)
    text = pdf_text(iro.get(_url(team, "/pdf")).data)
    assert "Maths is better since I sit at the front." in text
    assert ".Maths" not in text
    page = iro.get(_url(team)).text
    assert '<p class="item-text" dir="ltr">Maths is better' in page


def test_a_change_to_how_the_child_takes_part_is_marked_for_the_reader(team, session, staff_client):
    """QA: every shared part of the plan was marked when changed but "How Mia will take part"."""
    _plan_step(session, team, "taking-part", {"attendance": "all"})
    _share_part(session, team, "taking-part")
    iro = _iro_read_the_pack(session, team, staff_client)
    assert "Changed since you read it" not in iro.get(_url(team)).text
    _plan_step(session, team, "taking-part", {"attendance": "views-only"})
    section = (
        iro.get(_url(team)).text.split('id="pack-taking-part-title"')[1].split("</section>")[0]
    )
    assert "Changed since you read it" in section
