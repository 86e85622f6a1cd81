"""The keyworker's monthly summaries and report: written, built from the summaries and from what
the child shared, edited (a stale save is told), shared with the child, answered by the child,
sent as a locked version; and who may see each page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from participation.db import db
from participation.models import (
    Audience,
    ChildReportResponse,
    Item,
    ItemAuthor,
    ItemKind,
    KeyworkerReport,
    LockedRecord,
    Milestone,
    MonthlySummary,
    ReportReaction,
    ReportSection,
    Review,
    Role,
    SentReportVersion,
    ShareDecision,
    TeamActionNote,
)
from participation.sharing import service as sharing
from participation.workspaces.keyworker import service
from tests.conftest import csrf_from
from tests.support.child_fixtures import CODE
from tests.support.pdf import pdf_text

from .conftest import TODAY, audited, child_post, milestone, next_review, version_on
from .report_page import post_action

SECTIONS = [section.column for section in ReportSection]


def summary_data(month, **texts):
    data = {"month": month.isoformat()}
    for column in SECTIONS:
        data[column] = texts.get(column, "")
    return data


def this_month():
    return TODAY.replace(day=1)


def last_month():
    return (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def kim(desk, team):
    return desk.sign_in(team["keyworker"])


def write_summary(desk, child, month, **texts):
    return desk.post(
        f"/children/{child.public_id}/monthly-summaries/new", summary_data(month, **texts)
    )


# --- monthly summaries ---------------------------------------------------------------------------


def test_keyworker_writes_and_lists_monthly_summaries(session, kim, jay):
    response = write_summary(kim, jay, last_month(), home="Settled in well.", health="Dentist ok.")
    assert response.status_code == 302
    write_summary(kim, jay, this_month(), education="Good week at school.")
    page = kim.get(f"/children/{jay.public_id}/monthly-summaries").text
    # Newest month first.
    assert page.index(this_month().strftime("%B")) < page.index(last_month().strftime("%B"))
    rows = session.scalars(select(MonthlySummary).order_by(MonthlySummary.month)).all()
    assert [r.home for r in rows] == ["Settled in well.", ""]
    assert audited(session, "write-monthly-summary")


def test_one_summary_per_month_and_not_for_the_future(session, kim, jay):
    write_summary(kim, jay, this_month(), home="First.")
    again = write_summary(kim, jay, this_month(), home="Second.")
    assert again.status_code == 200
    assert "There is already a summary for that month" in again.text
    assert again.text.count("<title>Error:") == 1
    future = (this_month() + timedelta(days=40)).replace(day=1)
    later = write_summary(kim, jay, future, home="Soon.")
    assert "Choose this month or one before it" in later.text
    empty = write_summary(kim, jay, last_month())
    assert "Write something in at least one section" in empty.text
    assert session.scalar(select(func.count()).select_from(MonthlySummary)) == 1
    # The month written is no longer offered (QA: offered, and refused only once written).
    offered = kim.get(f"/children/{jay.public_id}/monthly-summaries/new").text
    assert f'value="{this_month().isoformat()}"' not in offered
    assert f'value="{last_month().isoformat()}"' in offered


def test_save_pressed_twice_keeps_the_summary_under_its_month_once(session, kim, jay):
    """The second press said "already a summary for that month" and took the month off the
    list; pressing again saved the words under another month (QA)."""
    import re

    page = kim.get(f"/children/{jay.public_id}/monthly-summaries/new").text
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)
    sent = {**summary_data(last_month(), home="Went well."), "form_key": key}
    first = kim.post(f"/children/{jay.public_id}/monthly-summaries/new", sent)
    again = kim.post(f"/children/{jay.public_id}/monthly-summaries/new", sent)
    assert first.status_code == again.status_code == 302
    assert "There is already" not in kim.get(again.location).text
    rows = session.scalars(select(MonthlySummary)).all()
    assert [(r.month, r.home) for r in rows] == [(last_month(), "Went well.")]


def test_with_every_month_written_the_new_summary_page_says_so(session, kim, jay):
    from participation.models import Child

    child = session.get(Child, jay.id)
    child.became_looked_after = TODAY  # one month to write for: this one
    session.commit()
    write_summary(kim, jay, this_month(), home="First.")
    page = kim.get(f"/children/{jay.public_id}/monthly-summaries/new").text
    assert "Every month there can be a summary for has one." in page
    assert "Save the summary" not in page


def test_a_stale_summary_save_is_told_and_overwrites_nothing(session, kim, jay):
    write_summary(kim, jay, this_month(), home="Version one.")
    found = session.scalar(select(MonthlySummary))
    url = f"/children/{jay.public_id}/monthly-summaries/{found.public_id}"
    first_tablet = kim.get(url).text
    loaded = version_on(first_tablet)
    ok = kim.post(url, {**summary_data(this_month(), home="Version two."), "version": loaded})
    assert ok.status_code == 302
    stale = kim.post(url, {**summary_data(this_month(), home="Version three."), "version": loaded})
    assert stale.status_code == 409
    assert "Someone else saved this a moment ago" in stale.text
    assert "Version two." in stale.text and "Version three." in stale.text
    session.expire_all()
    assert session.get(MonthlySummary, found.id).home == "Version two."


def test_summary_text_that_is_too_long_stays_on_the_page(session, kim, jay):
    response = write_summary(kim, jay, this_month(), home="x" * 4001)
    assert response.status_code == 200
    assert "keep it under 4000 characters" in response.text
    assert "x" * 4001 in response.text


# --- the report -----------------------------------------------------------------------------------


def said_with_keyworker(session, child, staff, topic, words, shared_with=()):
    """Words a keyworker wrote down with the child, shared by the child with `shared_with`."""
    item = Item(
        child_id=child.id,
        topic=topic,
        kind=ItemKind.TEXT,
        text=words,
        author=ItemAuthor.KEYWORKER_WITH_CHILD,
        written_by_id=staff.id,
    )
    session.add(item)
    session.commit()
    for audience in shared_with:
        sharing.decide(
            session,
            sharing.item_choice(item),
            audience,
            ShareDecision.SHARED,
            loaded_version=0,
            words_shown="shared",
        )
    return item


# The keyworker writing the report, and everyone it is sent to.
REPORT_READERS = (Audience.KEYWORKER, Audience.SOCIAL_WORKER, Audience.IRO)


def test_the_report_starts_from_summaries_since_the_last_review_and_what_the_child_shared(
    session, kim, jay, team
):
    long_ago = jay.reviews[0].held_on.replace(day=1)
    session.add(
        MonthlySummary(
            child_id=jay.id,
            month=long_ago,
            home="Before the last review.",
            written_by_id=team["keyworker"].id,
            updated_by_id=team["keyworker"].id,
        )
    )
    session.commit()
    write_summary(kim, jay, last_month(), home="Settled in well.", activities="Football.")
    said_with_keyworker(
        session, jay, team["keyworker"], "school", "I like maths now.", shared_with=REPORT_READERS
    )
    said_with_keyworker(
        session, jay, team["keyworker"], "health", "Everyone at my meeting.", (Audience.MEETING,)
    )
    # Shared with the keyworker alone, or with the IRO but not the social worker: the report
    # goes to both, so neither is copied in (the page says how many were left out).
    said_with_keyworker(
        session, jay, team["keyworker"], "school", "Only for Kim.", (Audience.KEYWORKER,)
    )
    said_with_keyworker(
        session,
        jay,
        team["keyworker"],
        "family",
        "Kim and my IRO.",
        (Audience.KEYWORKER, Audience.IRO),
    )
    said_with_keyworker(session, jay, team["keyworker"], "school", "Not shared at all.")
    said_with_keyworker(session, jay, team["other_keyworker"], "school", "Someone else's notes.")
    session.add(
        Item(child_id=jay.id, topic="living-here", kind=ItemKind.TEXT, text="My own secret.")
    )
    session.commit()
    page = kim.get(f"/children/{jay.public_id}/keyworker-report").text
    assert "1 monthly summary" in page
    assert "2 things Jay shared with you, their social worker and their IRO" in page
    assert "2 things Jay shared with you but not with their social worker and IRO" in page
    assert (
        session.scalar(select(func.count()).select_from(KeyworkerReport)) == 0
    )  # GET wrote nothing
    kim.post(f"/children/{jay.public_id}/keyworker-report/start")
    report = session.scalar(select(KeyworkerReport))
    sections = service.sections_of(report)
    assert "Settled in well." in sections[ReportSection.HOME].keyworker_text
    assert "Before the last review." not in sections[ReportSection.HOME].keyworker_text
    assert sections[ReportSection.ACTIVITIES].keyworker_text.endswith("Football.")
    assert sections[ReportSection.EDUCATION].child_text == "I like maths now."
    everything = " ".join(s.child_text for s in report.sections)
    assert "Everyone at my meeting." in everything
    for kept in ("Only for Kim", "Kim and my IRO", "Not shared", "secret", "Someone else"):
        assert kept not in everything
    page = kim.get(f"/children/{jay.public_id}/keyworker-report").text
    assert "Jay says" in page and "Keyworker says" in page
    assert audited(session, "view-keyworker-report")


def start(desk, child):
    desk.post(f"/children/{child.public_id}/keyworker-report/start")
    return db.session.scalar(select(KeyworkerReport))


def report_data(**sections):
    data = {}
    for column in SECTIONS:
        keyworker, child = sections.get(column, ("", ""))
        data[f"{column}_keyworker"] = keyworker
        data[f"{column}_child"] = child
    return data


def test_a_stale_report_save_is_told_and_overwrites_nothing(session, kim, jay):
    report = start(kim, jay)
    url = f"/children/{jay.public_id}/keyworker-report"
    loaded = version_on(kim.get(url).text)
    assert kim.post(url, {**report_data(home=("Mine.", "")), "version": loaded}).status_code == 302
    stale = kim.post(url, {**report_data(home=("Theirs.", "")), "version": loaded})
    assert stale.status_code == 409
    assert "Mine." in stale.text and "Theirs." in stale.text
    session.expire_all()
    assert (
        service.sections_of(session.get(KeyworkerReport, report.id))[
            ReportSection.HOME
        ].keyworker_text
        == "Mine."
    )


def share(desk, child):
    """Press Share on the report page (it posts the report's form, words and all)."""
    return post_action(desk, child, "share")


def send(desk, child):
    """Press Send on the report page (posted even when the page shows no Send button)."""
    return post_action(desk, child, "send")


@pytest.fixture
def jay_with_code(session, jay, team):
    from participation.child import service as space_service

    space_service.set_picture_code(session, jay, CODE, team["keyworker"])
    return jay


def test_share_with_the_child_then_they_answer_then_send_a_locked_version(
    session, desk, tablet, jay_with_code, team
):
    jay = jay_with_code
    desk.sign_in(team["keyworker"])
    start(desk, jay)
    url = f"/children/{jay.public_id}/keyworker-report"
    desk.post(
        url,
        {
            **report_data(home=("Jay has settled in.", "I like my room.")),
            "version": version_on(desk.get(url).text),
        },
    )
    # Not shared yet: sending is refused, and the child has nothing to read.
    refused = send(desk, jay)
    assert refused.status_code == 302
    assert session.scalar(select(func.count()).select_from(SentReportVersion)) == 0
    assert share(desk, jay).status_code == 302
    review = next_review(session, jay)
    assert milestone(session, review, "keyworker-report-shared-with-child").done_on == TODAY
    assert audited(session, "share-keyworker-report")
    # Sending straight after sharing left Jay no time to answer (QA): the page says so.
    assert "Jay has not answered any part yet. If you send it now" in html.unescape(
        desk.get(url).text
    )

    desk.hand_over(tablet, jay)
    mine = tablet.client.get("/me/report")
    assert mine.status_code == 200
    assert "Jay has settled in." in mine.text and "I like my room." in mine.text
    assert "You said" in mine.text
    # Children's words: never the jargon young people in care asked us not to use.
    for word in ("placement", "contact", "care plan"):
        assert word not in mine.text.lower()
    assert "LAC" not in mine.text
    answered = child_post(
        tablet,
        "/me/report/home",
        "home",
        reaction="disagree",
        comment="I want a bigger room.",
        version="0",
    )
    assert answered.status_code == 302
    stale = child_post(tablet, "/me/report/home", "home", reaction="agree", version="0")
    assert stale.status_code == 409
    response = session.scalar(select(ChildReportResponse))
    assert (response.reaction, response.comment) == (
        ReportReaction.DISAGREE,
        "I want a bigger room.",
    )
    tablet.post("/me/give-back")
    desk.sign_in(team["keyworker"])
    page = desk.get(url).text
    assert "What Jay thinks" in page and "I want a bigger room." in page
    assert "Jay has answered 1 part. What they said is sent with the report." in page
    assert send(desk, jay).status_code == 302
    sent = session.scalar(select(SentReportVersion))
    assert sent.number == 1 and sent.sent_by_id == team["keyworker"].id
    home = next(row for row in sent.sections if row["section"] == "home")
    assert home == {
        "section": "home",
        "keyworker": "Jay has settled in.",
        "child": "I like my room.",
        "reaction": "disagree",
        "comment": "I want a bigger room.",
    }
    assert "Sam Social" in sent.sent_to and "Ivy Iro" in sent.sent_to
    assert milestone(session, review, "keyworker-report-sent").done_on == TODAY
    assert [e.detail for e in audited(session, "send-keyworker-report")] == ["version 1"]
    # The pack says what Jay thought of the part, not only his comment (QA: "disagree" was
    # sent and then shown nowhere in the pack, on screen or on paper).
    desk.sign_in(team["iro"])
    pack_url = f"/children/{jay.public_id}/reviews/{review.public_id}/pack"
    pack = html.unescape(desk.get(pack_url).text)
    assert "Jay does not agree with this part." in pack and "I want a bigger room." in pack
    assert "Jay does not agree with this part." in pdf_text(desk.get(pack_url + "/pdf").data)
    desk.sign_in(team["keyworker"])
    # Sending again unchanged is refused.
    send(desk, jay)
    assert session.scalar(select(func.count()).select_from(SentReportVersion)) == 1

    # A later edit is a new draft; the sent version does not change; sending again is version 2.
    desk.post(
        url,
        {
            **report_data(home=("Changed after sending.", "")),
            "version": version_on(desk.get(url).text),
        },
    )
    share(desk, jay)
    send(desk, jay)
    session.expire_all()
    versions = session.scalars(select(SentReportVersion).order_by(SentReportVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert next(r for r in versions[0].sections if r["section"] == "home")["keyworker"] == (
        "Jay has settled in."
    )
    assert service.keyworker_report_for_pack(session, review, Audience.IRO).sent.number == 2


def test_a_sent_version_cannot_be_changed_or_deleted(session, kim, jay, team):
    report = start(kim, jay)
    share(kim, jay)
    send(kim, jay)
    sent = session.scalar(select(SentReportVersion))
    sent.sent_to = "someone else"
    with pytest.raises(LockedRecord):
        session.flush()
    session.rollback()
    sent = session.scalar(select(SentReportVersion))
    session.delete(sent)
    with pytest.raises(LockedRecord):
        session.flush()
    session.rollback()
    # The database refuses too, whoever asks.
    with pytest.raises(DatabaseError):
        session.execute(text("UPDATE sent_report_versions SET sent_to = 'x'"))
    session.rollback()
    with pytest.raises(DatabaseError):
        session.execute(text("DELETE FROM sent_report_versions"))
    session.rollback()
    assert session.scalar(select(SentReportVersion)).report_id == report.id


def test_the_social_worker_and_iro_read_the_sent_version_and_not_the_draft(
    session, desk, jay, team, zoe
):
    desk.sign_in(team["keyworker"])
    start(desk, jay)
    share(desk, jay)
    send(desk, jay)
    sent = session.scalar(select(SentReportVersion))
    sent_url = f"/children/{jay.public_id}/keyworker-report/sent/{sent.public_id}"
    for reader in ("social_worker", "iro", "manager"):
        desk.sign_in(team[reader])
        page = desk.get(sent_url)
        assert page.status_code == 200, reader
        assert "Locked" in page.text
        assert desk.get(f"/children/{jay.public_id}/keyworker-report").status_code == 404
        record = desk.get(f"/children/{jay.public_id}").text
        assert "Keyworker report as sent: version 1" in record
    assert len(audited(session, "view-sent-keyworker-report")) == 3
    desk.sign_in(team["admin"])
    assert desk.get(sent_url).status_code == 404
    desk.sign_in(team["other_iro"])
    assert desk.get(sent_url).status_code == 404
    # Another child's id with this version: not found.
    desk.sign_in(team["iro"])
    assert (
        desk.get(f"/children/{zoe.public_id}/keyworker-report/sent/{sent.public_id}").status_code
        == 404
    )


def test_another_keyworkers_child_is_not_found(desk, jay, zoe, team):
    desk.sign_in(team["keyworker"])
    for url in (
        f"/children/{zoe.public_id}/monthly-summaries",
        f"/children/{zoe.public_id}/monthly-summaries/new",
        f"/children/{zoe.public_id}/keyworker-report",
        f"/children/{zoe.public_id}/action-notes",
    ):
        assert desk.get(url).status_code == 404, url
    assert desk.post(f"/children/{zoe.public_id}/keyworker-report/start").status_code == 404
    assert write_summary(desk, zoe, this_month(), home="x").status_code == 404


@pytest.mark.parametrize("role", ["social_worker", "iro", "manager", "admin"])
def test_only_keyworkers_keep_the_keyworker_records(desk, jay, team, role):
    desk.sign_in(team[role])
    for url in (
        f"/children/{jay.public_id}/monthly-summaries",
        f"/children/{jay.public_id}/keyworker-report",
        "/keyworker",
    ):
        assert desk.get(url).status_code == 404, url


def test_the_child_sees_nothing_before_it_is_shared(session, desk, tablet, jay_with_code, team):
    desk.sign_in(team["keyworker"])
    start(desk, jay_with_code)
    desk.hand_over(tablet, jay_with_code)
    page = tablet.client.get("/me/report")
    assert "There is nothing to read yet" in page.text
    assert child_post(tablet, "/me/report/home", "home", reaction="agree").status_code == 404
    assert "My keyworker's report" not in tablet.client.get("/me").text


# --- action notes ------------------------------------------------------------------------------


def test_action_notes_are_for_the_team_on_the_case(session, desk, jay, team):
    desk.sign_in(team["keyworker"])
    url = f"/children/{jay.public_id}/action-notes"
    assert (
        desk.post(
            url, {"text": "Tell the weekend team: family time moves to Saturdays."}
        ).status_code
        == 302
    )
    note = session.scalar(select(TeamActionNote))
    assert note.review_id == jay.reviews[1].id  # the last review held
    for role in ("social_worker", "iro"):
        desk.sign_in(team[role])
        page = desk.get(url)
        assert page.status_code == 200 and "Saturdays" in page.text
        assert desk.post(url, {"text": "Mine"}).status_code == 404
    for role in ("manager", "admin", "other_keyworker"):
        desk.sign_in(team[role])
        assert desk.get(url).status_code == 404, role
    assert audited(session, "view-action-notes")


def test_the_workspace_lists_the_keyworkers_children_with_their_tasks(session, kim, jay, zoe):
    page = kim.get("/keyworker").text
    assert "Jay" in page and "Zoe" not in page
    assert "Share the keyworker report with the child" in page
    assert "Start a consultation with Jay" in page
    assert f"/children/{jay.public_id}/hand-over" in page
    assert f"/children/{jay.public_id}/views/write" in page
    assert "/timetable" in page


def test_who_it_was_sent_to_is_read_in_the_readers_language(app, session, desk, jay, team):
    """The roles are kept as codes with the names, not as the sender's words."""
    from flask_babel import force_locale

    from participation.labels import ROLES
    from participation.models import Role

    desk.sign_in(team["keyworker"])
    start(desk, jay)
    share(desk, jay)
    send(desk, jay)
    sent = session.scalar(select(SentReportVersion))
    assert sent.recipients == [
        {"name": team["social_worker"].name, "role": "social-worker"},
        {"name": team["iro"].name, "role": "iro"},
    ]
    desk.sign_in(team["iro"])
    url = f"/children/{jay.public_id}/keyworker-report/sent/{sent.public_id}"
    with app.test_request_context(), force_locale("cy"):
        iro_in_welsh = str(ROLES[Role.IRO])
    assert iro_in_welsh != "Independent Reviewing Officer"
    welsh = desk.get(url, headers={"Accept-Language": "cy"}).text
    assert f"{team['iro'].name} ({iro_in_welsh})" in welsh
    assert "Independent Reviewing Officer" not in welsh


def take_back(session, item, audience):
    """The child makes ``item`` private from ``audience`` again."""
    subject = sharing.item_choice(session.get(Item, item.id))
    now = sharing.current(session, subject).get(audience)
    sharing.decide(
        session,
        subject,
        audience,
        ShareDecision.PRIVATE,
        loaded_version=now.version if now else 0,
        words_shown="private",
    )


def test_words_the_child_took_back_are_not_sent_and_leave_packs_made_after(
    session, desk, jay, team
):
    """Words copied into "Jay says" while shared, then taken back, were sent to the social
    worker and IRO and stayed in every pack (QA): the report page says so, it cannot be sent
    with them, and a report sent before shows them only to readers Jay still shares them with."""
    words = "I worry about moving school in January."
    item = said_with_keyworker(
        session, jay, team["keyworker"], "school", words, shared_with=REPORT_READERS
    )
    desk.sign_in(team["keyworker"])
    report = start(desk, jay)
    assert any(words in row.child_text for row in report.sections)
    share(desk, jay)
    assert send(desk, jay).status_code == 302
    sent = session.scalar(select(SentReportVersion))
    sent_url = f"/children/{jay.public_id}/keyworker-report/sent/{sent.public_id}"
    # Taken back from the IRO only: the IRO no longer reads it; the social worker still does.
    take_back(session, item, Audience.IRO)
    desk.sign_in(team["iro"])
    page = desk.get(sent_url).text
    assert words not in page and "Some of what Jay said here is not shared with you" in page
    review = session.get(Review, sent.review_id)
    pack = desk.get(f"/children/{jay.public_id}/reviews/{review.public_id}/pack").text
    assert "Keyworker report" in pack
    assert words not in pack
    desk.sign_in(team["social_worker"])
    assert words in desk.get(sent_url).text
    # A manager reads the keyworker's words, not Jay's (Jay is told managers cannot).
    desk.sign_in(team["manager"])
    page = desk.get(sent_url).text
    assert words not in page and "it is not shown to managers" in page
    # The report page says where the words are, and the report is not sent with them.
    desk.sign_in(team["keyworker"])
    url = f"/children/{jay.public_id}/keyworker-report"
    page = desk.get(url).text
    assert (
        "Something in “Jay says” is not shared with everyone who reads the report"
        in html.unescape(page)
    )
    refused = send(desk, jay)
    assert "is not shared with everyone who reads it" in desk.get(refused.location).text
    assert session.scalar(select(func.count()).select_from(SentReportVersion)) == 1


def test_a_private_thing_the_child_wrote_alone_is_never_named_to_the_keyworker(
    session, desk, jay, team
):
    """QA: Tom wrote in "Jay says" what Jay told him in person, alike to a thing Jay had written
    alone and shared with nobody (or with the IRO only): the page said Jay had "taken back"
    something and quoted Jay's private item whole, and the report could not be sent."""
    private = "I like my room now I've got my posters up. The rota for the Xbox is unfair."
    for shared_with in ((), (Audience.IRO,)):
        session.add(
            Item(child_id=jay.id, topic="home", kind=ItemKind.TEXT, text=private + str(shared_with))
        )
    session.commit()
    desk.sign_in(team["keyworker"])
    start(desk, jay)
    url = f"/children/{jay.public_id}/keyworker-report"
    page = desk.get(url).text
    told = "I like my room now I got my posters up, the Xbox rota is unfair"
    saved = desk.post(url, {**report_data(home=("", told)), "version": version_on(page)})
    page = html.unescape(desk.get(saved.location if saved.status_code == 302 else url).text)
    assert 'id="taken-back"' not in page
    assert "The rota for the Xbox is unfair" not in page
    share(desk, jay)
    assert send(desk, jay).status_code == 302
    assert session.scalar(select(func.count()).select_from(SentReportVersion)) == 1


def test_the_page_names_the_reports_own_paragraph_not_the_childs_item(session, desk, jay, team):
    words = "I worry about moving school in January"
    item = said_with_keyworker(
        session, jay, team["keyworker"], "school", words, shared_with=REPORT_READERS
    )
    desk.sign_in(team["keyworker"])
    start(desk, jay)
    url = f"/children/{jay.public_id}/keyworker-report"
    page = desk.get(url).text
    tidied = report_data(education=("", "I worry about moving school."))
    desk.post(url, {**tidied, "version": version_on(page)})
    # Taken back from everyone, the keyworker too: its words are not shown again.
    for audience in REPORT_READERS:
        take_back(session, item, audience)
    notice = html.unescape(desk.get(url).text).split('id="taken-back"')[1].split("</div>")[0]
    assert "“I worry about moving school.”" in notice
    assert "in January" not in notice


@pytest.mark.parametrize(
    "paragraph",
    [
        "i dont sleep well at night",  # as copied in
        "I dont sleep well at night.",  # a capital and a full stop (QA)
        "I don't sleep well.",  # a word cut, an apostrophe added (QA)
        "Jay says: i dont sleep well at night",  # words put before it
    ],
)
def test_words_the_child_said_are_known_once_tidied(paragraph):
    """QA: tidying the child's words (a capital, a full stop, one word cut) let words they took
    back be sent and read: a tidied paragraph is still theirs."""
    from participation.workspaces.keyworker.service import _said_in

    part = f"Jay is doing well at school.\n\n{paragraph}\n\nHe wants more football."
    assert _said_in("i dont sleep well at night", part)


@pytest.mark.parametrize(
    ("said", "paragraph"),
    [
        ("i dont sleep well at night", "Jay is doing well at school."),
        ("ok", "no"),  # short words are alike by chance only
        ("I like football", "He wants more football and to see his dad at weekends."),
    ],
)
def test_other_words_are_not_taken_for_what_the_child_said(said, paragraph):
    from participation.workspaces.keyworker.service import _said_in

    assert not _said_in(said, paragraph)


def test_tidied_words_the_child_took_back_are_not_sent(session, desk, jay, team):
    words = "I worry about moving school in January"
    item = said_with_keyworker(
        session, jay, team["keyworker"], "school", words, shared_with=REPORT_READERS
    )
    desk.sign_in(team["keyworker"])
    start(desk, jay)
    url = f"/children/{jay.public_id}/keyworker-report"
    page = desk.get(url).text
    # The keyworker tidies Jay's words: a full stop, and "in January" cut.
    tidied = report_data(education=("", "I worry about moving school."))
    desk.post(url, {**tidied, "version": version_on(page)})
    share(desk, jay)
    take_back(session, item, Audience.IRO)
    refused = send(desk, jay)
    assert "is not shared with everyone who reads it" in desk.get(refused.location).text
    assert session.scalar(select(func.count()).select_from(SentReportVersion)) == 0


def test_the_child_reads_the_report_as_shared_and_an_old_answer_is_not_sent_as_new(
    session, desk, tablet, jay_with_code, team
):
    """QA: words saved after the first share reached the child's tablet before the keyworker
    shared them; and Jay's "I agree" to earlier words was sent beside words he never saw."""
    jay = jay_with_code
    desk.sign_in(team["keyworker"])
    start(desk, jay)
    url = f"/children/{jay.public_id}/keyworker-report"

    def write(words):
        desk.post(url, {**report_data(home=(words, "")), "version": version_on(desk.get(url).text)})

    write("HOMEv1: Jay is settled.")
    share(desk, jay)
    desk.hand_over(tablet, jay)
    assert "HOMEv1" in tablet.client.get("/me/report").text
    child_post(tablet, "/me/report/home", "home", reaction="agree", comment="", version="0")
    agreed = re.compile(r'<input checked[^>]*name="home-reaction"[^>]*value="agree"')
    assert agreed.search(tablet.client.get("/me/report").text)
    tablet.post("/me/give-back")
    desk.sign_in(team["keyworker"])
    write("HOMEv2 DRAFT: concerns to talk over with the social worker first.")
    desk.hand_over(tablet, jay)
    mine = tablet.client.get("/me/report").text
    assert "HOMEv1" in mine and "HOMEv2" not in mine  # saved, not shared: not Jay's to read
    tablet.post("/me/give-back")
    desk.sign_in(team["keyworker"])
    share(desk, jay)
    desk.hand_over(tablet, jay)
    mine = html.unescape(tablet.client.get("/me/report").text)
    assert "HOMEv2" in mine and "changed this part after you answered" in mine
    assert not agreed.search(mine)  # not ticked for words Jay has not answered
    tablet.post("/me/give-back")
    desk.sign_in(team["keyworker"])
    assert send(desk, jay).status_code == 302
    home = next(
        p for p in session.scalar(select(SentReportVersion)).sections if p["section"] == "home"
    )
    assert home["reaction"] == "" and home["earlier"] is True
    desk.sign_in(team["iro"])
    review = session.get(Review, session.scalar(select(SentReportVersion)).review_id)
    pack = html.unescape(
        desk.get(f"/children/{jay.public_id}/reviews/{review.public_id}/pack").text
    )
    assert "Jay answered an earlier version of this part" in pack
    assert "Jay agrees with this part." not in pack


def test_saving_a_summary_again_after_a_clash_keeps_a_colleagues_other_changes(session, kim, jay):
    """QA: two tabs; the second saved only "Family time", was told of the clash, saved again as
    asked, and put back the old "Health" over the first tab's change. The boxes the page left
    alone take the words saved now, as the report's do."""
    write_summary(kim, jay, this_month(), home="Home.", health="Health v1.")
    found = session.scalar(select(MonthlySummary))
    url = f"/children/{jay.public_id}/monthly-summaries/{found.public_id}"
    tab_two = kim.get(url).text
    loaded = re.search(r'name="loaded" type="hidden" value="([^"]*)"', tab_two).group(1)
    ok = kim.post(url, {**summary_data(this_month(), home="Home.", health="Health v2."),
                        "version": version_on(kim.get(url).text)})  # fmt: skip
    assert ok.status_code == 302
    clash = kim.post(
        url,
        {**summary_data(this_month(), home="Home.", health="Health v1.", family_time="Saw Nan."),
         "version": version_on(tab_two), "loaded": loaded},
    )  # fmt: skip
    assert clash.status_code == 409
    again = {
        "version": version_on(clash.text),
        "loaded": re.search(r'name="loaded" type="hidden" value="([^"]*)"', clash.text).group(1),
        "month": this_month().isoformat(),
    }
    for column in SECTIONS:
        match = re.search(rf'<textarea[^>]*name="{column}"[^>]*>([^<]*)</textarea>', clash.text)
        again[column] = html.unescape(match.group(1)).lstrip("\r\n") if match else ""
    assert again["health"] == "Health v2." and again["family_time"] == "Saw Nan."
    assert kim.post(url, again).status_code == 302
    session.expire_all()
    saved = session.get(MonthlySummary, found.id)
    assert (saved.health, saved.family_time) == ("Health v2.", "Saw Nan.")


def test_the_workspace_says_overdue_tasks_are_for_any_review_and_which_are_yours(session, kim, jay):
    """QA: "2 overdue tasks" on the next review's line, for an earlier review's tasks and
    the IRO's, read as the next review's own."""
    late = session.scalars(
        select(Milestone)
        .join(Review, Milestone.review_id == Review.id)
        .where(Review.child_id == jay.id, Milestone.done_on.is_(None))
        .where(Milestone.owner_role == Role.IRO)
    ).first()
    assert late is not None
    late.due_on = TODAY - timedelta(days=3)
    session.commit()
    page = " ".join(kim.get("/keyworker").text.split())
    assert "Overdue tasks, any review" in page
    assert f'href="/children/{jay.public_id}#timetable"' in page
    assert "of them yours)" in page  # "(none of them yours)", or how many


def test_a_corrected_report_sent_after_the_iro_read_the_pack_is_new_to_them(
    session, desk, jay, team
):
    """QA: the IRO's workspace said "Nothing new since you read it" while a corrected keyworker
    report had been sent after they read the pack."""
    url = f"/children/{jay.public_id}/keyworker-report"
    desk.sign_in(team["keyworker"])
    start(desk, jay)
    desk.post(
        url,
        {**report_data(home=("Jay is settled.", "")), "version": version_on(desk.get(url).text)},
    )
    share(desk, jay)
    send(desk, jay)
    review = next_review(session, jay)
    pack_url = f"/children/{jay.public_id}/reviews/{review.public_id}/pack"
    desk.sign_in(team["iro"])
    page = desk.get(pack_url).text
    desk.post(f"{pack_url}/read", data={"csrf_token": csrf_from(page)})
    assert "Nothing new since you read it" in desk.get("/iro").text

    desk.sign_in(team["keyworker"])
    desk.post(
        url,
        {
            **report_data(home=("Jay is settled. Correction: he moved school.", "")),
            "version": version_on(desk.get(url).text),
        },
    )
    share(desk, jay)
    send(desk, jay)
    desk.sign_in(team["iro"])
    workspace = desk.get("/iro").text
    assert "the keyworker report changed since you read it" in workspace
    assert "Nothing new since you read it" not in workspace
    pack = desk.get(pack_url).text
    report = pack[pack.index('id="pack-report-title"') :]
    assert "Changed since you read it" in report[:600]
    # Read again: nothing new.
    desk.post(f"{pack_url}/read", data={"csrf_token": csrf_from(pack)})
    assert "Nothing new since you read it" in desk.get("/iro").text
