"""A worry is emailed at once to the child's adults, the home's shift and, out of office hours,
the council's duty team: through a real mail server (aiosmtpd) on loopback, by the real task
queue (immediate in tests). The emails say who and when, never what the child wrote."""

from __future__ import annotations

import html
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, time
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from participation.config import ConfigError
from participation.models import HomeKind, Role, StaffMember, WorryAlert, WorryMessage
from participation.worry import outbox, routes, service
from tests.conftest import Auth
from tests.support import factories
from tests.support.child_fixtures import CODE, Tablet

WEDNESDAY_MORNING = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 11:00 in London, a working day
SATURDAY_EVENING = datetime(2026, 11, 28, 20, 30, tzinfo=UTC)
WORDS = "Someone at school keeps taking my phone"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailServer:
    """A real SMTP server on loopback that keeps what it is sent."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[tuple[list[str], Message]] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted"

    def start(self) -> MailServer:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> Message:
        found = [message for rcpt, message in self.received if address in rcpt]
        assert len(found) == 1, f"{len(found)} emails to {address}"
        return found[0]


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer(_free_port()).start()
    yield server
    server.stop()


def _mail_app(make_app, app, port: int, **more):
    return make_app(
        {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "MEDIA_STORAGE": app.config["MEDIA_STORAGE"],
            "TASK_QUEUE": "memory://",
            "MAIL_SERVER": f"127.0.0.1:{port}",
            "MAIL_FROM": "My Review <no-reply@council.example>",
            "MAIL_SECURITY": "none",
            **more,
        }
    )


@pytest.fixture
def oak_lodge_mia(session, mia_with_code, keyworker):
    """Mia at Oak Lodge, whose office inbox is told; her keyworker and social worker."""
    home = factories.make_home(
        session, "Oak Lodge", alert_email="office@oaklodge.example", phone="0161 496 0456"
    )
    mia_with_code.home_id = home.id
    social_worker = factories.make_staff(
        session, Role.SOCIAL_WORKER, name="Grace Okafor", email="grace@council.example"
    )
    factories.assign(session, social_worker, mia_with_code)
    session.commit()
    return mia_with_code


def _press(mail_app, child, keyworker, note: str, **choices: str):
    client = mail_app.test_client()
    tablet = Tablet(client, Auth(client))
    tablet.hand_over(keyworker, child)
    tablet.tap(CODE)
    page = client.get("/me/worried").text
    return client, page, tablet.post("/me/worried", note=note, **choices)


def test_a_worry_is_emailed_to_each_adult_and_the_home_with_no_words_of_the_child(
    app, make_app, mail_server, session, oak_lodge_mia, keyworker, monkeypatch
):
    monkeypatch.setattr(routes, "utcnow", lambda: WEDNESDAY_MORNING)
    mail_app = _mail_app(
        make_app, app, mail_server.port, WORRY_OUT_OF_HOURS_EMAIL="duty@council.example"
    )
    _client, before, done = _press(mail_app, oak_lodge_mia, keyworker, WORDS)
    # Told before pressing, and after: the adults working at the home today. In office hours
    # the duty team is not emailed, and the child is not told it is.
    # Who reads their words, and who is only told that they pressed.
    assert (
        f"Only <bdi>{keyworker.name_for_children}</bdi>, <bdi>Grace Okafor</bdi> can read what "
        "you write. The others are told that you pressed the button"
    ) in html.unescape(before)
    for page in (before, done.text):
        assert "the adults working at your home" in page
        assert "work at night and at weekends" not in page
    assert {rcpt[0] for rcpt, _message in mail_server.received} == {
        keyworker.email,
        "grace@council.example",
        "office@oaklodge.example",
    }
    to_keyworker = mail_server.to(keyworker.email)
    body = to_keyworker.get_payload(decode=True).decode()
    assert "Mia" not in to_keyworker["Subject"]  # the subject shows on a locked phone
    assert to_keyworker["Auto-Submitted"] == "auto-generated"
    alert = session.scalar(select(WorryAlert))
    assert f"http://localhost/worries/{alert.public_id}" in body
    assert "Mia, who lives at Oak Lodge, pressed “I'm worried”" in body
    assert "Oak Lodge (the staff on shift)" in body and "Grace Okafor (social worker)" in body
    assert f"{keyworker.name} (keyworker)" not in body  # the reader is not "also told"
    to_home = mail_server.to("office@oaklodge.example").get_payload(decode=True).decode()
    assert "/worries/" not in to_home  # a link the shift's inbox could not open
    for _rcpt, message in mail_server.received:
        assert WORDS not in message.get_payload(decode=True).decode()
    rows = session.scalars(select(WorryMessage)).all()
    assert len(rows) == 3 and all(row.sent_at and row.attempts == 1 for row in rows)


def test_out_of_hours_the_duty_team_is_emailed_and_the_child_is_told_so(
    app, make_app, mail_server, session, oak_lodge_mia, keyworker, monkeypatch
):
    monkeypatch.setattr(routes, "utcnow", lambda: SATURDAY_EVENING)
    mail_app = _mail_app(
        make_app, app, mail_server.port, WORRY_OUT_OF_HOURS_EMAIL="duty@council.example"
    )
    grace = session.scalar(select(StaffMember).where(StaffMember.name == "Grace Okafor"))
    _client, before, _done = _press(mail_app, oak_lodge_mia, keyworker, "", talk_to=grace.public_id)
    assert "the council's social workers who work at night and at weekends" in before
    duty = mail_server.to("duty@council.example").get_payload(decode=True).decode()
    assert "Mia, who lives at Oak Lodge" in duty and "Oak Lodge (the staff on shift)" in duty
    assert "The out-of-hours team" not in duty  # the reader is not "also told"
    # Whom she would like to come: the shift and the duty team can send the right person.
    assert "They would like to talk with Grace Okafor." in duty
    # The duty team does not know the home: the number to ring it. The home is not told its own.
    assert "Oak Lodge's phone: 0161 496 0456" in duty
    to_home = mail_server.to("office@oaklodge.example").get_payload(decode=True).decode()
    assert "0161 496 0456" not in to_home


def test_a_mail_server_that_is_down_loses_nothing_and_the_email_goes_later(
    app, make_app, session, oak_lodge_mia, keyworker, monkeypatch
):
    monkeypatch.setattr(routes, "utcnow", lambda: WEDNESDAY_MORNING)
    port = _free_port()  # nothing listens there yet
    mail_app = _mail_app(make_app, app, port, WORRY_OUT_OF_HOURS_PHONE="+44 161 496 0999")
    _client, _before, done = _press(mail_app, oak_lodge_mia, keyworker, WORDS)
    assert "Thank you for telling us" in done.text  # the child never waits on the mail server
    session.expire_all()
    rows = session.scalars(select(WorryMessage)).all()
    assert len(rows) == 3 and all(row.sent_at is None and row.failure for row in rows)
    # Said first on the staff page, as something to do (QA: nothing said the shift did not know).
    staff = mail_app.test_client()
    Auth(staff).sign_in(keyworker)
    assert "Some emails about it have not gone" in staff.get("/my-children").text
    alert = session.scalar(select(WorryAlert))
    page = " ".join(html.unescape(staff.get(f"/worries/{alert.public_id}").text).split())
    assert "Not told yet: " in page and "Oak Lodge (the staff on shift)" in page
    assert "Phone them." in page
    # The numbers to ring are on the page, as links a work phone dials (the duty team's written
    # the UK way, however it was set).
    raw = staff.get(f"/worries/{alert.public_id}").text
    words = " ".join(re.sub(r"<[^>]+>", "", html.unescape(raw)).split())
    assert "Where Mia lives, Oak Lodge: 0161 496 0456" in words
    assert "The out-of-hours team: 0161 496 0999" in words
    assert 'href="tel:+44-161-496-0456"' in raw and 'href="tel:+44-161-496-0999"' in raw
    server = MailServer(port).start()
    try:
        box = outbox.Outbox(
            mail_app.extensions["database_engine"], outbox.mail.settings_from(mail_app.config)
        )
        # The check every few minutes: the whole outbox of the last day.
        assert outbox.send_waiting(box) == (3, 0)
        assert outbox.send_waiting(box) == (0, 0)  # sent once, never twice
    finally:
        server.stop()
    assert len(server.received) == 3
    session.expire_all()
    assert all(row.sent_at and not row.failure for row in session.scalars(select(WorryMessage)))


def test_the_staff_page_says_which_emails_went(
    app, make_app, mail_server, session, oak_lodge_mia, keyworker, monkeypatch
):
    monkeypatch.setattr(routes, "utcnow", lambda: WEDNESDAY_MORNING)
    mail_app = _mail_app(make_app, app, mail_server.port)
    _press(mail_app, oak_lodge_mia, keyworker, WORDS)
    staff = mail_app.test_client()
    Auth(staff).sign_in(keyworker)
    alert = session.scalar(select(WorryAlert))
    page = staff.get(f"/worries/{alert.public_id}").text
    assert WORDS in page
    assert "Oak Lodge (the staff on shift): sent at" in page


def test_without_a_mail_server_nobody_is_emailed_and_the_child_is_not_told_they_are(
    client, auth, session, oak_lodge_mia, keyworker
):
    tablet = Tablet(client, auth)
    tablet.hand_over(keyworker, oak_lodge_mia)
    tablet.tap(CODE)
    assert "working at your home" not in client.get("/me/worried").text
    tablet.post("/me/worried", note="")
    assert session.scalars(select(WorryMessage)).all() == []


def test_foster_carers_are_named_as_such(session, mia, keyworker):
    home = factories.make_home(
        session, "The Ahmeds", kind=HomeKind.FOSTER_FAMILY, alert_email="ahmeds@example.org"
    )
    mia.home_id = home.id
    session.commit()
    told = service.emailed(
        session, mia, [keyworker], service.Alerting(emails=True), WEDNESDAY_MORNING
    )
    assert [(t.who, t.kind) for t in told][-1] == ("The Ahmeds (the foster carers)", "carers")


@pytest.mark.parametrize(
    ("moment", "outside"),
    [
        (WEDNESDAY_MORNING, False),
        (datetime(2026, 11, 25, 8, 59, tzinfo=UTC), True),  # before 09:00
        (datetime(2026, 11, 25, 17, 0, tzinfo=UTC), True),  # 17:00: closed
        (datetime(2026, 7, 1, 15, 30, tzinfo=UTC), False),  # 16:30 in London (summer time)
        (datetime(2026, 7, 1, 16, 30, tzinfo=UTC), True),  # 17:30 in London
        (SATURDAY_EVENING, True),
        (datetime(2026, 12, 28, 11, 0, tzinfo=UTC), True),  # Boxing Day's substitute bank holiday
    ],
)
def test_office_hours_follow_london_time_and_the_working_calendar(session, moment, outside):
    assert service.out_of_hours(session, service.Alerting(), moment) is outside


@pytest.mark.parametrize(
    "config",
    [
        {"MAIL_SERVER": "mail.council.example"},  # no port
        {"MAIL_SERVER": "mail.council.example:25"},  # no sender
        {"MAIL_SERVER": "mail:25", "MAIL_FROM": "a@b.example", "MAIL_SECURITY": "tls1"},
    ],
)
def test_mail_settings_that_cannot_work_stop_the_app_starting(config):
    with pytest.raises(ConfigError):
        outbox.mail.settings_from(config)


def test_a_duty_phone_that_is_not_a_number_stops_the_app_starting(app, make_app):
    with pytest.raises(ConfigError, match="WORRY_OUT_OF_HOURS_PHONE"):
        _mail_app(make_app, app, _free_port(), WORRY_OUT_OF_HOURS_PHONE="the duty team")


def test_office_hours_and_the_duty_address_are_checked():
    assert outbox.office_hours("08:45-17:15") == (time(8, 45), time(17, 15))
    for wrong in ("9-5", "17:00-09:00", ""):
        with pytest.raises(ConfigError):
            outbox.office_hours(wrong)
