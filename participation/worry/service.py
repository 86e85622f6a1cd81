"""A child says they are worried or do not feel safe: the adults who must act are told at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import sent_once
from ..audit.service import Actor
from ..clock import UK
from ..models import (
    Assignment,
    Child,
    Home,
    HomeKind,
    Role,
    StaffMember,
    WorryAlert,
    WorryMessage,
    utcnow,
)
from ..timetable.service import calendar_for

# A note is kept whole up to this many characters (some 3,500 words: more than a worried child
# types). A longer one is cut, never refused: a worry must reach the adults whatever its length,
# and the child is told to say the rest in person.
NOTE_LIMIT = 20000
CUT_MARK = "…"
# The people told straight away: those who know the child and can act today.
ALERTED_ROLES = (Role.KEYWORKER, Role.SOCIAL_WORKER)
# An assignment that makes someone one of those people today: for who is told, whose pages
# show the alert, and who may open it (one rule, so the three never disagree).
_ALERTED = (Assignment.active.is_(True), Assignment.role.in_(ALERTED_ROLES))
# What staff write about what they did: a few lines, kept whole on the child's record.
ACTION_LIMIT = 5000
# The emails are in English, like the council's records they end up in.
_ROLE_WORDS = {Role.KEYWORKER: "keyworker", Role.SOCIAL_WORKER: "social worker"}


@dataclass(frozen=True)
class Alerting:
    """Who beyond My Review's own pages hears of a worry: the council's settings."""

    emails: bool = False  # a mail server is set up
    out_of_hours_email: str = ""
    out_of_hours_phone: str = ""  # as phone.written keeps it
    office_hours: tuple[time, time] = (time(9), time(17))


@dataclass(frozen=True)
class Told:
    """Someone told of a worry by email: `who` as staff pages say it, `kind` one of staff,
    home (the staff on shift), carers (a foster family) or out-of-hours."""

    who: str
    address: str
    kind: str


def out_of_hours(session: Session, alerting: Alerting, moment: datetime) -> bool:
    """True in the evening, at night, at a weekend, on a bank holiday or a closure day."""
    local = moment.astimezone(UK)
    opens, closes = alerting.office_hours
    if not opens <= local.time() < closes:
        return True
    return not calendar_for(session).is_working_day(local.date())


def emailed(
    session: Session, child: Child, people: list[StaffMember], alerting: Alerting, moment: datetime
) -> list[Told]:
    """Who is emailed of a worry the child raises at `moment`: their keyworker(s) and social
    worker(s) (`people`, who_will_know), their home's alert inbox, and the council's
    out-of-hours team outside office hours. Nobody when no mail server is set up."""
    if not alerting.emails:
        return []
    told = [
        Told(
            f"{person.name} ({_ROLE_WORDS.get(person.role, person.role.value)})",
            person.email,
            "staff",
        )
        for person in people
        if person.email
    ]
    home = child.home
    if home is not None and home.active and home.alert_email:
        if home.kind == HomeKind.FOSTER_FAMILY:
            told.append(Told(f"{home.name} (the foster carers)", home.alert_email, "carers"))
        else:
            told.append(Told(f"{home.name} (the staff on shift)", home.alert_email, "home"))
    if alerting.out_of_hours_email and out_of_hours(session, alerting, moment):
        told.append(Told("The out-of-hours team", alerting.out_of_hours_email, "out-of-hours"))
    return told


def who_will_know(session: Session, child: Child) -> list[StaffMember]:
    """The child's keyworker(s) and social worker(s): shown to the child before they press."""
    return list(
        session.scalars(
            select(StaffMember)
            .join(Assignment, Assignment.staff_id == StaffMember.id)
            .where(
                Assignment.child_id == child.id,
                *_ALERTED,
                StaffMember.active.is_(True),
            )
            .order_by(Assignment.role, StaffMember.name)
        )
    )


def raise_worry(
    session: Session,
    child: Child,
    note: str = "",
    *,
    sent: tuple[Actor, str | None] | None = None,
    talk_to: StaffMember | None = None,
    tell: Sequence[Told] = (),
    link: Callable[[WorryAlert], str] | None = None,
) -> WorryAlert:
    """Record the alert. It appears at once on every page of the staff who will know.
    `sent`: who pressed, and the page's key (sent_once), kept in the same commit.
    `talk_to`: the adult the child would like to come and talk with them, if they chose.
    `tell` (from emailed): an email for each, written now and sent by the task queue (outbox);
    `link`: the staff page of the alert, for the emails to staff.

    A note longer than NOTE_LIMIT is kept as far as it fits, ending with CUT_MARK (see
    note_was_cut): the alert is raised all the same."""
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        note = note[: NOTE_LIMIT - len(CUT_MARK)] + CUT_MARK
    alert = WorryAlert(
        child_id=child.id,
        note=note,
        raised_at=utcnow(),
        talk_to_id=talk_to.id if talk_to is not None else None,
    )
    session.add(alert)
    session.flush()
    page = link(alert) if link is not None else ""
    for told in tell:
        session.add(
            WorryMessage(
                alert_id=alert.id,
                who=told.who,
                address=told.address,
                subject=EMAIL_SUBJECT,
                body=email_body(child, alert, told, tell, page, talk_to),
            )
        )
    if sent is not None:
        sent_once.remember(session, sent[0], sent[1], alert.public_id)
    session.commit()
    return alert


EMAIL_SUBJECT = "My Review: a child pressed “I'm worried”"


def email_body(
    child: Child,
    alert: WorryAlert,
    told: Told,
    everyone: Sequence[Told],
    link: str,
    talk_to: StaffMember | None = None,
) -> str:
    """The email: who and when, what to do, who else knows. Never what the child wrote (an
    email is copied and forwarded beyond the people the child was told of): that is read in
    My Review by their keyworker and social worker. The child's name is not in the subject,
    which shows on a locked phone."""
    when = alert.raised_at.astimezone(UK)
    where = f", who lives at {child.home.name}," if child.home is not None else ""
    lines = [
        f"{child.preferred_name}{where} pressed “I'm worried” in My Review at "
        f"{when:%H:%M} on {when:%A} {when.day} {when:%B %Y}.",
        "",
        "Please make sure someone talks with them as soon as possible, and follow your "
        "safeguarding procedure.",
        "",
    ]
    if child.home is not None and child.home.phone and told.kind not in ("home", "carers"):
        # The duty team at night knows neither the child nor the home: the number to ring.
        lines += [f"{child.home.name}'s phone: {child.home.phone}", ""]
    if talk_to is not None:
        lines += [f"They would like to talk with {talk_to.name}.", ""]
    if told.kind == "staff":
        lines += [
            "Anything they wrote is in My Review, not in this email. Read it, and record what "
            "you did so that the others know:",
            link,
        ]
    else:
        lines.append(
            "Anything they wrote is in My Review, not in this email, for their keyworker and "
            "social worker."
        )
    others = [other for other in everyone if other != told]
    if others:
        lines += ["", "Also told:"]
        lines += [f"- {other.who}" for other in others]
    lines += ["", "This email was sent by My Review. Replies are not read."]
    return "\n".join(lines)


def words_left_out(note: str) -> str:
    """The end of the child's note that raise_worry could not keep ("" when all of it fits),
    shown back to the child so they can tell their adult the rest."""
    note = note.strip()
    if len(note) <= NOTE_LIMIT:
        return ""
    return note[NOTE_LIMIT - len(CUT_MARK) :]


def note_was_cut(alert: WorryAlert) -> bool:
    """True when the child wrote more than the alert could keep (raise_worry cut it)."""
    # Without a column for it, the cut shows by its shape: a note the child typed themselves
    # that ends this way at exactly this length is rare, and the only effect is a prompt to ask.
    return len(alert.note) == NOTE_LIMIT and alert.note.endswith(CUT_MARK)


def open_alerts_for(session: Session, staff: StaffMember) -> list[WorryAlert]:
    """Alerts not yet acknowledged for children this staff member keys or is social worker for."""
    return list(
        session.scalars(
            select(WorryAlert)
            .join(Assignment, Assignment.child_id == WorryAlert.child_id)
            .where(
                WorryAlert.acknowledged_at.is_(None),
                Assignment.staff_id == staff.id,
                *_ALERTED,
            )
            .options(
                joinedload(WorryAlert.child),
                joinedload(WorryAlert.talk_to),
                selectinload(WorryAlert.messages),
            )
            .order_by(WorryAlert.raised_at)
        )
    )


class NothingSaid(ValueError):
    """Marked as dealt with without a word of what was done."""


def acknowledge(session: Session, alert: WorryAlert, staff: StaffMember, action: str) -> bool:
    """The staff member has spoken with the child and says what they did. False when someone
    else recorded it first (theirs stands; the page shows it). Raises NothingSaid."""
    action = action.strip()
    if not action:
        raise NothingSaid()
    # Only if nobody did meanwhile: two of the child's adults may both have the page open.
    done = session.execute(
        update(WorryAlert)
        .where(WorryAlert.id == alert.id, WorryAlert.acknowledged_at.is_(None))
        .values(
            acknowledged_at=utcnow(),
            acknowledged_by_id=staff.id,
            action_taken=action[:ACTION_LIMIT],
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(alert)
    return bool(getattr(done, "rowcount", 0))


def alerted_for(session: Session, staff: StaffMember, child_id: int) -> bool:
    """A child's worries (the alert's page, the list on their record) are for their
    keyworker(s) and social worker(s) of today: the adults the child was told would know."""
    found = session.scalar(
        select(Assignment.id)
        .where(
            Assignment.staff_id == staff.id,
            Assignment.child_id == child_id,
            *_ALERTED,
        )
        .limit(1)
    )
    return found is not None


def alerts_of(session: Session, child: Child) -> list[WorryAlert]:
    """Every worry the child raised, newest first, with who dealt with it and the emails."""
    return list(
        session.scalars(
            select(WorryAlert)
            .where(WorryAlert.child_id == child.id)
            .options(joinedload(WorryAlert.acknowledged_by), selectinload(WorryAlert.messages))
            .order_by(WorryAlert.raised_at.desc(), WorryAlert.id.desc())
        )
    )


@dataclass(frozen=True)
class EmailState:
    """For the administrators' overview: whether worries reach anyone beyond My Review."""

    emails: bool
    failing: int  # emails tried and not sent (the mail server refused, or was down)
    homes_without: int  # open homes with no inbox for a child's worries
    # The first of them by name, for the administrator to open each one from the overview.
    homes_named: tuple[Home, ...] = ()


HOMES_NAMED = 10


def email_state(session: Session, alerting: Alerting) -> EmailState:
    failing = session.scalar(
        select(func.count(WorryMessage.id)).where(
            WorryMessage.sent_at.is_(None), WorryMessage.failure != ""
        )
    )
    without = (Home.active.is_(True), Home.alert_email == "")
    homes_without = session.scalar(select(func.count(Home.id)).where(*without))
    named = session.scalars(select(Home).where(*without).order_by(Home.name).limit(HOMES_NAMED))
    return EmailState(alerting.emails, failing or 0, homes_without or 0, tuple(named))


def raised_lately(session: Session, child: Child, within: timedelta) -> WorryAlert | None:
    """The child's latest worry if raised within `within`: their "I'm worried" page says they
    told them already (QA: the thank-you page reloaded in another language showed the empty
    form, and a second press raised the same worry again)."""
    return session.scalar(
        select(WorryAlert)
        .where(WorryAlert.child_id == child.id, WorryAlert.raised_at > utcnow() - within)
        .order_by(WorryAlert.raised_at.desc())
        .limit(1)
    )
