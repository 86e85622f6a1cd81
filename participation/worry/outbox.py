"""Sending the emails of a worry, off the request path: the child's press never waits for a
mail server, and a mail server that is down delays an email and loses none.

raise_worry writes each email as a row (WorryMessage); the task queue (huey, the same as the
videos', views/tasks.py) sends them: at once after the press, then again every few minutes
while any is still unsent, for a day. Each try first claims the row (its count of attempts
moves on only for the one that claimed it), so two workers do not send the same email twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import time, timedelta

from flask import Flask
from huey import crontab
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from .. import mail, phone
from ..config import ConfigError
from ..models import WorryAlert, WorryMessage, utcnow
from .service import Alerting

log = logging.getLogger(__name__)

# An email not sent within a day is left (the staff page of the alert says it was not sent):
# by then the alert has been on their pages for a working day.
GIVE_UP_AFTER = timedelta(days=1)
RETRY_DELAY_SECONDS = 60


@dataclass(frozen=True)
class Outbox:
    engine: Engine
    settings: mail.MailSettings | None


def send_waiting(outbox: Outbox, alert_id: int | None = None) -> tuple[int, int]:
    """Send the unsent emails (of one alert, or all younger than GIVE_UP_AFTER).
    Returns (sent, failed)."""
    if outbox.settings is None:
        return 0, 0
    sent = failed = 0
    with Session(outbox.engine) as session:
        query = select(WorryMessage.id, WorryMessage.attempts).where(WorryMessage.sent_at.is_(None))
        if alert_id is not None:
            query = query.where(WorryMessage.alert_id == alert_id)
        else:
            query = query.join(WorryAlert).where(WorryAlert.raised_at > utcnow() - GIVE_UP_AFTER)
        for message_id, attempts in session.execute(query.order_by(WorryMessage.id)).all():
            if _send_one(session, outbox.settings, message_id, attempts):
                sent += 1
            else:
                failed += 1
    return sent, failed


def _send_one(session: Session, settings: mail.MailSettings, message_id: int, seen: int) -> bool:
    claimed = session.execute(
        update(WorryMessage)
        .where(
            WorryMessage.id == message_id,
            WorryMessage.attempts == seen,
            WorryMessage.sent_at.is_(None),
        )
        .values(attempts=seen + 1)
    )
    session.commit()
    if not getattr(claimed, "rowcount", 0):
        return True  # another worker has it
    message = session.get_one(WorryMessage, message_id)
    try:
        mail.send(settings, message.address, message.subject, message.body)
    except Exception as error:  # any failure is kept, and tried again
        message.failure = mail.failure_text(error)
        session.commit()
        log.warning("A worry email (%s) was not sent: %s", message_id, message.failure)
        return False
    message.sent_at = utcnow()
    message.failure = ""
    session.commit()
    return True


def office_hours(text: str) -> tuple[time, time]:
    """'09:00-17:00' as two times. Raises ConfigError."""
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise ConfigError(f"OFFICE_HOURS must look like 09:00-17:00, not {text!r}.") from None
    if not opens < closes:
        raise ConfigError("OFFICE_HOURS must open before they close.")
    return opens, closes


def init_outbox(app: Flask) -> None:
    """Check the settings (a mistake stops the app starting) and register the sending task on
    the app's task queue."""
    settings = mail.settings_from(app.config)
    out_of_hours = str(app.config.get("WORRY_OUT_OF_HOURS_EMAIL") or "").strip()
    if out_of_hours and not mail.looks_like_address(out_of_hours):
        raise ConfigError("WORRY_OUT_OF_HOURS_EMAIL must be an email address.")
    number = str(app.config.get("WORRY_OUT_OF_HOURS_PHONE") or "").strip()
    out_of_hours_phone = phone.written(number) if number else ""
    if out_of_hours_phone is None:
        raise ConfigError(f"WORRY_OUT_OF_HOURS_PHONE must be a phone number, not {number!r}.")
    app.extensions["worry_alerting"] = Alerting(
        emails=settings is not None,
        out_of_hours_email=out_of_hours,
        out_of_hours_phone=out_of_hours_phone,
        office_hours=office_hours(str(app.config.get("OFFICE_HOURS") or "09:00-17:00")),
    )
    outbox = Outbox(app.extensions["database_engine"], settings)
    huey = app.extensions["views_queue"].huey

    @huey.task(retries=3, retry_delay=RETRY_DELAY_SECONDS, name="send_worry_emails")
    def send_task(alert_id: int) -> int:
        sent, failed = send_waiting(outbox, alert_id)
        if failed:
            raise RuntimeError(f"{failed} worry email(s) not sent yet")
        return sent

    @huey.periodic_task(crontab(minute="*/5"), name="send_waiting_worry_emails")
    def send_waiting_task() -> int:
        return send_waiting(outbox)[0]

    def queue(alert_id: int) -> None:
        # A queue that is down is logged, not fatal: the rows wait, and the check every few
        # minutes sends them.
        try:
            send_task(alert_id)
        except Exception:
            log.exception("Could not queue the emails of worry %s; they are sent later.", alert_id)

    app.extensions["worry_outbox"] = queue
