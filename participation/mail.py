"""Sending one plain-text email through the council's mail server (SMTP).

The app emails for one reason only: a child pressed "I'm worried" (worry/outbox.py). Settings
come from MAIL_* (config.py) and are checked when the app starts, so a typo shows at deploy
time and not on the evening a child needs someone.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from .config import ConfigError

SECURITY = ("starttls", "ssl", "none")
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    security: str = "starttls"


def settings_from(config: Mapping[str, Any]) -> MailSettings | None:
    """The mail settings, or None when MAIL_SERVER is not set. Raises ConfigError."""
    server = str(config.get("MAIL_SERVER") or "").strip()
    if not server:
        return None
    host, _, port = server.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"MAIL_SERVER must be host:port, not {server!r}.")
    sender = str(config.get("MAIL_FROM") or "").strip()
    if not looks_like_address(sender):
        raise ConfigError("MAIL_FROM must be an email address when MAIL_SERVER is set.")
    security = str(config.get("MAIL_SECURITY") or "starttls").strip().lower()
    if security not in SECURITY:
        raise ConfigError(f"MAIL_SECURITY must be one of {', '.join(SECURITY)}.")
    return MailSettings(
        host=host.strip("[]"),
        port=int(port),
        sender=sender,
        username=str(config.get("MAIL_USERNAME") or ""),
        password=str(config.get("MAIL_PASSWORD") or ""),
        security=security,
    )


_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)


def looks_like_address(text: str) -> bool:
    """One plain address (name@example.org, or "Name <name@example.org>"): no empty part, no
    two dots together, no dot or semicolon at the end (QA: "oak.lodge@example..org" was saved,
    and the mail server was given an empty address). A check for typing mistakes, not a proof
    that the mailbox exists."""
    text = text.strip()
    _name, address = parseaddr(text)
    if not _ADDRESS.fullmatch(address):
        return False
    # Nothing around it but a name: parseaddr forgives a stray ";" that a mail server may not.
    return text == address or text.endswith(f"<{address}>")


def send(settings: MailSettings, to: str, subject: str, body: str) -> None:
    """Send one message. Raises OSError or smtplib.SMTPException when it could not be handed
    to the mail server (the caller keeps it to try again)."""
    if not looks_like_address(to):
        # Kept and shown as not sent, never handed over as an empty address.
        raise ValueError(f"not an email address: {to!r}")
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2].strip(">"))
    # Automatic: an out-of-office reply to an alert helps nobody (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


def failure_text(error: BaseException) -> str:
    """What went wrong, short enough to keep and show to an administrator."""
    if isinstance(error, smtplib.SMTPResponseException):
        said = (
            error.smtp_error.decode("utf-8", "replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return f"{error.smtp_code} {said}"[:300]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the address"
    return f"{type(error).__name__}: {error}"[:300]
