"""The keyworker's records: monthly summaries, the report for the review and the team's action
notes after it.

The report follows the West Sussex keyworker guide: started from the monthly summaries since the
last review and from what the child shared with the keyworker; edited; shared with the child, who
can agree, disagree or add words of their own to each section; then sent to the social worker and
IRO as a dated, locked version (``SentReportVersion``, never changed). Edits after that change
the draft; sending again adds a new version. Sharing and sending mark the review's milestones.

Services take the database session and plain values; they flush and leave committing to the
caller. Errors in what someone entered are ``InputProblem``; a form loaded before someone else
saved is ``VersionConflict``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from difflib import SequenceMatcher
from typing import Any, Final

from sqlalchemy import ColumnElement, Exists, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ...models import (
    Audience,
    Child,
    ChildReportResponse,
    Item,
    KeyworkerReport,
    KeyworkerReportSection,
    MonthlySummary,
    ReportReaction,
    ReportSection,
    Review,
    ReviewStatus,
    Role,
    SentReportVersion,
    Share,
    StaffMember,
    TeamActionNote,
    utcnow,
)
from ...models.review import LONDON
from ...security.policy import (
    audience_of,
    items_ever_visible_to_audience,
    items_visible_to_audience,
    split_for_report,
)
from ...security.principal import StaffPrincipal
from ...timetable import service as timetable
from ..common import (
    NOTE_MAX,
    TEXT_MAX,
    InputProblem,
    VersionConflict,
    check_version,
    clean_text,
    mark_milestone,
)

SECTIONS: Final = tuple(ReportSection)
COMMENT_MAX: Final = 2000
# A report section holds several months of summaries: more room than one summary box.
REPORT_TEXT_MAX: Final = TEXT_MAX * 4
PREFILL_MAX: Final = 10**7
SHARED_MILESTONE: Final = "keyworker-report-shared-with-child"
_ONE_DAY: Final = timedelta(days=1)
SENT_MILESTONE: Final = "keyworker-report-sent"

# Where what a child said about a topic of "My views" goes in the report.
TOPIC_SECTIONS: Final[dict[str, ReportSection]] = {
    "living-here": ReportSection.HOME,
    "school": ReportSection.EDUCATION,
    "health-and-feelings": ReportSection.HEALTH,
    "family-and-friends": ReportSection.FAMILY_TIME,
    "things-i-enjoy": ReportSection.ACTIVITIES,
    "worries-house": ReportSection.WELLBEING,
    "worries": ReportSection.WELLBEING,
    "who-i-am": ReportSection.WELLBEING,
    "good-things": ReportSection.PROGRESS,
    "dreams": ReportSection.PROGRESS,
    "my-future": ReportSection.PROGRESS,
    "what-id-change": ReportSection.PROGRESS,
}


def month_start(day: date) -> date:
    return day.replace(day=1)


def section_texts(
    posted: Mapping[ReportSection, str | None], field: Callable[[ReportSection], str]
) -> dict[ReportSection, str]:
    """Each section's words, cleaned (InputProblem on the section's field if too long)."""
    return {section: clean_text(posted.get(section), field(section)) for section in SECTIONS}


# --- monthly summaries -----------------------------------------------------------------------


def summaries_for(session: Session, child: Child) -> list[MonthlySummary]:
    """The child's monthly summaries, newest month first."""
    return list(
        session.scalars(
            select(MonthlySummary)
            .where(MonthlySummary.child_id == child.id)
            .options(
                selectinload(MonthlySummary.written_by), selectinload(MonthlySummary.updated_by)
            )
            .order_by(MonthlySummary.month.desc())
        )
    )


def find_summary(session: Session, child: Child, public_id: str) -> MonthlySummary | None:
    """One of this child's summaries (None for anyone else's)."""
    return session.scalar(
        select(MonthlySummary).where(
            MonthlySummary.public_id == public_id, MonthlySummary.child_id == child.id
        )
    )


def months_to_write(session: Session, child: Child, today: date, count: int = 13) -> list[date]:
    """The months a summary can be written for: this month and the ones before it, back to the
    month the child became looked after (at most ``count``), newest first, but not those that
    have one already (offered, they were refused only once written: QA)."""
    written = set(
        session.scalars(select(MonthlySummary.month).where(MonthlySummary.child_id == child.id))
    )
    first = month_start(child.became_looked_after)
    month = month_start(today)
    months: list[date] = []
    while month >= first and len(months) < count:
        if month not in written:
            months.append(month)
        month = month_start(month.replace(day=1) - _ONE_DAY)
    return months


def add_summary(
    session: Session,
    child: Child,
    staff: StaffMember,
    month: date,
    posted: Mapping[ReportSection, str | None],
    *,
    today: date,
) -> MonthlySummary:
    """Write the summary of one month (one per child per month)."""
    month = month_start(month)
    if month > month_start(today):
        raise InputProblem("month", "month-future")
    if month < month_start(child.became_looked_after):
        raise InputProblem("month", "month-unknown")
    texts = section_texts(posted, lambda s: s.column)
    if not any(texts.values()):
        raise InputProblem(SECTIONS[0].column, "empty")
    exists = session.scalar(
        select(MonthlySummary.id).where(
            MonthlySummary.child_id == child.id, MonthlySummary.month == month
        )
    )
    if exists is not None:
        raise InputProblem("month", "month-exists")
    summary = MonthlySummary(
        child_id=child.id,
        month=month,
        written_by_id=staff.id,
        updated_by_id=staff.id,
        **{section.column: text for section, text in texts.items()},
    )
    session.add(summary)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Written for the same month on another device a moment ago.
        raise InputProblem("month", "month-exists") from None
    return summary


def change_summary(
    session: Session,
    summary: MonthlySummary,
    staff: StaffMember,
    posted: Mapping[ReportSection, str | None],
    loaded_version: int | None,
) -> bool:
    """Save changed words (False when nothing changed). VersionConflict if someone saved the
    summary since this form was loaded."""
    check_version(summary.version, loaded_version)
    texts = section_texts(posted, lambda s: s.column)
    if not any(texts.values()):
        raise InputProblem(SECTIONS[0].column, "empty")
    if all(summary.text_for(section) == text for section, text in texts.items()):
        return False
    for section, text in texts.items():
        setattr(summary, section.column, text)
    summary.updated_at = utcnow()
    summary.updated_by_id = staff.id
    session.flush()
    return True


# --- the report: where it starts from ----------------------------------------------------------


def held_reviews(child: Child) -> list[Review]:
    """The reviews held, from the child's loaded reviews (no query)."""
    return [r for r in child.reviews if r.held_on is not None and r.status == ReviewStatus.HELD]


def last_held_review(child: Child) -> Review | None:
    """The most recent review held (None before the first)."""
    held = held_reviews(child)
    return max(held, key=lambda r: r.number) if held else None


def report_review(child: Child) -> Review | None:
    """The review a report is written for now: the child's next review."""
    return timetable.next_review(child)


def not_sent(report: KeyworkerReport) -> bool:
    """Whether the report's words as they are now were never sent (never sent at all, or
    changed since the last version sent)."""
    latest = report.sent_versions[-1] if report.sent_versions else None
    return latest is None or latest.revision != report.revision


def held_reports_not_sent(session: Session, child: Child) -> list[KeyworkerReport]:
    """The child's reports for reviews already held whose words were not sent (``not_sent``),
    oldest review first: work the keyworker can still finish and send late."""
    rows = session.scalars(
        select(KeyworkerReport)
        .join(Review, KeyworkerReport.review_id == Review.id)
        .where(
            KeyworkerReport.child_id == child.id,
            Review.status == ReviewStatus.HELD,
            Review.held_on.is_not(None),
        )
        .options(selectinload(KeyworkerReport.sent_versions))
        .order_by(Review.number)
    )
    return [report for report in rows if not_sent(report)]


def report_to_show(
    session: Session, child: Child, number: int | None = None
) -> tuple[Review | None, KeyworkerReport | None]:
    """The review the keyworker's report page is about, and its report (None before it is
    started).

    ``number`` is the review the page was showing: the next review, or one already held that has
    a report (so a save, share or send acts on the report the keyworker was looking at, even if
    the IRO recorded its review held meanwhile). Without it (or with any other number): the next
    review; but while that one's report is not started, the latest held review whose report
    was not sent, so a keyworker finds the report they were writing when the review was held.
    """
    upcoming = report_review(child)
    if number is not None:
        if upcoming is not None and upcoming.number == number:
            return upcoming, find_report(session, upcoming)
        held = next(
            (
                r
                for r in child.reviews
                if r.number == number and r.status == ReviewStatus.HELD and r.held_on is not None
            ),
            None,
        )
        found = find_report(session, held) if held is not None else None
        if held is not None and found is not None:
            return held, found
    report = find_report(session, upcoming) if upcoming is not None else None
    if report is None:
        unsent = held_reports_not_sent(session, child)
        if unsent:
            return unsent[-1].review, unsent[-1]
    return upcoming, report


def find_report(session: Session, review: Review) -> KeyworkerReport | None:
    return session.scalar(
        select(KeyworkerReport)
        .where(KeyworkerReport.review_id == review.id)
        .options(
            selectinload(KeyworkerReport.sections),
            selectinload(KeyworkerReport.responses),
            selectinload(KeyworkerReport.sent_versions),
        )
    )


@dataclass(frozen=True)
class Sources:
    """What a new report starts from: monthly summaries since the last review and what the
    child shared with the people the report goes to since then; and what the child shared with
    the keyworker alone, which it does not start from."""

    since: date | None
    summaries: list[MonthlySummary]
    items: list[Item]
    kept_back: list[Item]


def report_sources(session: Session, principal: StaffPrincipal, child: Child) -> Sources:
    """The monthly summaries since the month of the last review held (all of them before the
    first review), oldest first; and the child's items this keyworker may quote, made since
    the last review, oldest first."""
    last = last_held_review(child)
    since = last.held_on if last is not None else None
    query = select(MonthlySummary).where(MonthlySummary.child_id == child.id)
    if since is not None:
        query = query.where(MonthlySummary.month >= month_start(since))
    summaries = list(session.scalars(query.order_by(MonthlySummary.month)))
    quotable, kept_back = _items_to_quote(session, principal, child, since)
    return Sources(since, summaries, quotable, kept_back)


def _items_to_quote(
    session: Session, principal: StaffPrincipal, child: Child, since: date | None
) -> tuple[list[Item], list[Item]]:
    """The child's items with words made since the day given, oldest first, as
    `policy.split_for_report` splits them: what the report may quote, and what it may not."""
    items = select(Item).where(Item.child_id == child.id, Item.deleted_at.is_(None))
    if since is not None:
        start = datetime.combine(since, time(0), LONDON).astimezone(UTC)
        items = items.where(Item.created_at >= start)
    with_words = [
        item
        for item in session.scalars(items.order_by(Item.created_at, Item.id))
        if item.text.strip()
    ]
    return split_for_report(session, principal, child, with_words)


def section_of(item: Item) -> ReportSection:
    """The part of the report a thing the child said belongs in, by its topic."""
    return TOPIC_SECTIONS.get(item.topic, ReportSection.PROGRESS)


@dataclass(frozen=True)
class SinceStarted:
    """For a report already started: what to offer to add, and how much it may not quote."""

    offered: list[Item]
    kept_back: int  # shared with the keyworker, not with the report's readers (not offered)
    # Each part's monthly summaries written or changed since the start, oldest month first.
    summaries: dict[ReportSection, list[MonthlySummary]]


def new_since_started(
    session: Session, principal: StaffPrincipal, child: Child, report: KeyworkerReport
) -> SinceStarted:
    """What the child said that the report may quote, and that they wrote, changed or shared
    with the report's readers after the report was started, and that is not in it word for
    word: a report started early otherwise never learns of it (QA). Things the report started
    from and the keyworker then cut or summarised are not offered again. With it, how many
    things since the last review the report may not quote: the page says so, as before the
    start (QA: after the start nothing said it)."""
    last = last_held_review(child)
    since = last.held_on if last is not None else None
    quotable, kept_back = _items_to_quote(session, principal, child, since)
    started = report.created_at
    shared_since = set(
        session.scalars(
            select(Share.item_id).where(
                Share.item_id.in_([item.id for item in quotable]), Share.decided_at > started
            )
        )
    )
    rows = sections_of(report)
    found = []
    for item in quotable:
        if item.updated_at <= started and item.id not in shared_since:
            continue
        row = rows.get(section_of(item))
        if row is not None and item.text.strip() in row.child_text:
            continue
        found.append(item)
    return SinceStarted(found, len(kept_back), _summaries_since(session, child, report, since))


def _summaries_since(
    session: Session, child: Child, report: KeyworkerReport, since: date | None
) -> dict[ReportSection, list[MonthlySummary]]:
    """The monthly summaries the report would have started from (since the last review) that
    were written or changed after it was started, by part, where that part's words are not in
    the report's "keyworker says" word for word: a report started early in the cycle otherwise
    never hears of the months after (QA)."""
    query = select(MonthlySummary).where(
        MonthlySummary.child_id == child.id, MonthlySummary.updated_at > report.created_at
    )
    if since is not None:
        query = query.where(MonthlySummary.month >= month_start(since))
    rows = sections_of(report)
    found: dict[ReportSection, list[MonthlySummary]] = {}
    for summary in session.scalars(query.order_by(MonthlySummary.month)):
        for section in SECTIONS:
            text = summary.text_for(section).strip()
            row = rows.get(section)
            if text and (row is None or text not in row.keyworker_text):
                found.setdefault(section, []).append(summary)
    return found


def add_words(
    session: Session, report: KeyworkerReport, staff: StaffMember, item: Item
) -> ReportSection:
    """Add what the child said in ``item`` to its part of the report, after what is there, as
    the report's start would have. InputProblem ``too-long`` when the part would be too long."""
    section = section_of(item)
    row = sections_of(report).get(section)
    if row is None:
        row = KeyworkerReportSection(section=section, keyworker_text="", child_text="")
        report.sections.append(row)
    row.child_text = clean_text(
        _joined([row.child_text, item.text.strip()]),
        f"{section.column}_child",
        REPORT_TEXT_MAX,
    )
    report.revision += 1
    report.updated_at = utcnow()
    report.updated_by_id = staff.id
    session.flush()
    return section


def add_summary_words(
    session: Session,
    report: KeyworkerReport,
    staff: StaffMember,
    summary: MonthlySummary,
    section: ReportSection,
    month_label: Callable[[date], str],
) -> None:
    """Add one part of a monthly summary to the same part's "keyworker says", after what is
    there and labelled with its month, as the report's start would have. InputProblem
    ``too-long`` when the part would be too long."""
    row = sections_of(report).get(section)
    if row is None:
        row = KeyworkerReportSection(section=section, keyworker_text="", child_text="")
        report.sections.append(row)
    row.keyworker_text = clean_text(
        _joined([row.keyworker_text, f"{month_label(summary.month)}: {summary.text_for(section)}"]),
        section.column,
        REPORT_TEXT_MAX,
    )
    report.revision += 1
    report.updated_at = utcnow()
    report.updated_by_id = staff.id
    session.flush()


def _joined(parts: Sequence[str]) -> str:
    return "\n\n".join(part for part in parts if part)


def start_report(
    session: Session,
    principal: StaffPrincipal,
    child: Child,
    review: Review,
    month_label: Callable[[date], str],
) -> KeyworkerReport:
    """Start the report for ``review``, each section prefilled from the monthly summaries
    (labelled by month, with ``month_label``) and from what the child shared with its readers.
    If it was started already (another tab, a double click), that report is returned as it is."""
    existing = find_report(session, review)
    if existing is not None:
        return existing
    sources = report_sources(session, principal, child)
    staff = principal.staff
    report = KeyworkerReport(
        child_id=child.id,
        review_id=review.id,
        revision=1,
        started_by_id=staff.id,
        updated_by_id=staff.id,
    )
    for section in SECTIONS:
        keyworker = [
            f"{month_label(s.month)}: {s.text_for(section)}"
            for s in sources.summaries
            if s.text_for(section)
        ]
        said = [item.text.strip() for item in sources.items if section_of(item) == section]
        report.sections.append(
            KeyworkerReportSection(
                section=section,
                # However long the months make it: the keyworker summarises it before saving.
                keyworker_text=clean_text(_joined(keyworker), section.column, PREFILL_MAX),
                child_text=clean_text(_joined(said), section.column, PREFILL_MAX),
            )
        )
    session.add(report)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        session.expire_all()
        found = find_report(session, review)
        if found is None:
            raise
        return found
    return report


# --- the report: editing, sharing, sending -----------------------------------------------------


def sections_of(report: KeyworkerReport) -> dict[ReportSection, KeyworkerReportSection]:
    return {row.section: row for row in report.sections}


def save_report(
    session: Session,
    report: KeyworkerReport,
    staff: StaffMember,
    posted: Mapping[ReportSection, tuple[str | None, str | None]],
    loaded_revision: int | None,
) -> bool:
    """Save the keyworker's changes to each section ("keyworker says", "<child> says"). False
    when nothing changed. VersionConflict if the report was saved since the form was loaded
    and these words differ from it: the same words sent again (a double press on "Share", an
    answer lost) overwrite nothing, and were told "someone else saved this report" (QA)."""
    rows = sections_of(report)
    wanted: dict[ReportSection, tuple[str, str]] = {}
    for section in SECTIONS:
        keyworker, said = posted.get(section, (None, None))
        wanted[section] = (
            clean_text(keyworker, f"{section.column}_keyworker", REPORT_TEXT_MAX),
            clean_text(said, f"{section.column}_child", REPORT_TEXT_MAX),
        )

    def saved(section: ReportSection) -> tuple[str, str]:
        row = rows.get(section)
        return (row.keyworker_text, row.child_text) if row is not None else ("", "")

    if all(saved(section) == words for section, words in wanted.items()):
        return False
    check_version(report.revision, loaded_revision)
    for section, (keyworker, said) in wanted.items():
        row = rows.get(section)
        if row is None:
            row = KeyworkerReportSection(section=section, keyworker_text="", child_text="")
            report.sections.append(row)
        row.keyworker_text, row.child_text = keyworker, said
    report.revision += 1
    report.updated_at = utcnow()
    report.updated_by_id = staff.id
    session.flush()
    return True


def share_with_child(
    session: Session, report: KeyworkerReport, staff: StaffMember, *, today: date
) -> bool:
    """Let the child see this revision of the report at /me/report: the words as they are now,
    kept as shared (QA: the child's page showed every draft saved after the first share, words
    the keyworker had not chosen to show them). The first share marks the milestone done. True
    when the milestone was marked now. Not once the review is held: the child's page then shows
    the next review's report, so the child could not read it."""
    if report.review.held_on is not None:
        raise InputProblem("report", "review-held")
    if report.shared_revision == report.revision:
        raise InputProblem("report", "already-shared")
    for row in report.sections:
        row.shared_keyworker_text = row.keyworker_text
        row.shared_child_text = row.child_text
    report.shared_revision = report.revision
    report.shared_at = utcnow()
    report.shared_by_id = staff.id
    session.flush()
    return mark_milestone(session, report.review, SHARED_MILESTONE, staff, today, today=today)


def snapshot(report: KeyworkerReport) -> list[dict[str, Any]]:
    """Each section as it reads now, with the child's answer to it: what a send locks in."""
    rows = sections_of(report)
    responses = responses_by_section(report)
    result = []
    for section in SECTIONS:
        row = rows.get(section)
        response = responses.get(section)
        words = row.keyworker_text if row else ""
        # An answer to words changed since is not an answer to these (QA: "Agrees" was sent
        # beside words the child never saw). Their own words go, said to be about earlier ones.
        earlier = response is not None and answered_earlier(response, words)
        part: dict[str, Any] = {
            "section": section.value,
            "keyworker": words,
            "child": row.child_text if row else "",
            "reaction": response.reaction.value
            if response and response.reaction and not earlier
            else "",
            "comment": response.comment if response else "",
        }
        if earlier:
            part["earlier"] = True
        result.append(part)
    return result


def answered_earlier(response: ChildReportResponse, words: str) -> bool:
    """Whether the child's answer was to other words than ``words`` (the keyworker's now)."""
    return response.answered_text is not None and response.answered_text.strip() != words.strip()


def changed_since_answered(report: KeyworkerReport) -> set[ReportSection]:
    """The sections the child answered whose words, as shared now, are not those answered: the
    child's page says so, and does not show their old answer as given to the new words."""
    rows = sections_of(report)
    return {
        section
        for section, response in responses_by_section(report).items()
        if section in rows and answered_earlier(response, rows[section].shared_keyworker_text or "")
    }


def recipients(child: Child) -> list[tuple[str, Role]]:
    """Who a sent report goes to: the child's social worker(s) and IRO(s), by name and role."""
    return [
        (a.staff.name, a.role)
        for a in sorted(child.assignments, key=lambda a: (a.role != Role.SOCIAL_WORKER, a.id))
        if a.active and a.staff.active and a.role in (Role.SOCIAL_WORKER, Role.IRO)
    ]


def send_report(
    session: Session,
    report: KeyworkerReport,
    staff: StaffMember,
    recipients: Sequence[tuple[str, Role]],
    *,
    today: date,
    principal: StaffPrincipal | None = None,
) -> SentReportVersion:
    """Send the report to the social worker and IRO: a new dated, locked version holding the
    words and the child's answers as they are now. Only the revision shared with the child can
    be sent (the guide: shared with the child, then sent), and not twice unchanged. The first
    send marks the milestone done (of the report's own review, late or not).

    A report for a review already held can be sent without sharing it first: it can no longer
    be shared (``share_with_child``), and a late report on the record is better than none. The
    sent version then says it was not shared with the child. With the sender's ``principal``,
    not while "<child> says" holds words the child has taken back (``taken_back``)."""
    shared = report.shared_revision == report.revision
    if not shared and report.review.held_on is None:
        raise InputProblem("report", "not-shared")
    if principal is not None:
        texts = {row.section: row.child_text for row in report.sections}
        if taken_back(session, principal, report.child, texts):
            raise InputProblem("report", "taken-back")
    sections = snapshot(report)
    latest = report.sent_versions[-1] if report.sent_versions else None
    if latest is not None and latest.sections == sections:
        raise InputProblem("report", "already-sent")
    number = (
        session.scalar(
            select(func.max(SentReportVersion.number)).where(
                SentReportVersion.report_id == report.id
            )
        )
        or 0
    ) + 1
    version = SentReportVersion(
        report=report,
        child_id=report.child_id,
        review_id=report.review_id,
        number=number,
        revision=report.revision,
        sent_at=utcnow(),
        sent_by_id=staff.id,
        sent_to=clean_text("; ".join(name for name, _role in recipients), "report", NOTE_MAX * 2),
        recipients=[{"name": name, "role": role.value} for name, role in recipients],
        shared_with_child_at=report.shared_at if shared else None,
        sections=sections,
    )
    session.add(version)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Sent from another tab at the same moment.
        raise VersionConflict from None
    mark_milestone(session, report.review, SENT_MILESTONE, staff, today, today=today)
    return version


def find_sent(session: Session, child: Child, public_id: str) -> SentReportVersion | None:
    """One of this child's sent versions (None for anyone else's)."""
    return session.scalar(
        select(SentReportVersion)
        .where(SentReportVersion.public_id == public_id, SentReportVersion.child_id == child.id)
        .options(selectinload(SentReportVersion.sent_by))
    )


def sent_for_child(session: Session, child: Child) -> list[SentReportVersion]:
    """Every version of every report sent for this child, newest first."""
    return list(
        session.scalars(
            select(SentReportVersion)
            .where(SentReportVersion.child_id == child.id)
            .options(selectinload(SentReportVersion.sent_by))
            .order_by(SentReportVersion.sent_at.desc(), SentReportVersion.id.desc())
        )
    )


def latest_sent_by_review(
    session: Session, review_ids: Sequence[int]
) -> dict[int, SentReportVersion]:
    """Review id -> the latest version of its report that was sent (one query). By review, not
    by child: the last review's report read as the next one's for months after it (QA)."""
    if not review_ids:
        return {}
    latest = (
        select(func.max(SentReportVersion.id))
        .where(SentReportVersion.review_id.in_(review_ids))
        .group_by(SentReportVersion.review_id)
    )
    rows = session.scalars(select(SentReportVersion).where(SentReportVersion.id.in_(latest)))
    return {row.review_id: row for row in rows}


def reports_by_review(session: Session, review_ids: Sequence[int]) -> dict[int, KeyworkerReport]:
    """Review id -> its report with its sent versions, for the reviews given (two queries)."""
    if not review_ids:
        return {}
    rows = session.scalars(
        select(KeyworkerReport)
        .where(KeyworkerReport.review_id.in_(review_ids))
        # The workspace says when each was last sent: not a query per report.
        .options(selectinload(KeyworkerReport.sent_versions))
    )
    return {row.review_id: row for row in rows}


def keyworker_report_for_pack(
    session: Session, review: Review, audience: Audience
) -> ReportForReader | None:
    """The keyworker report for the review pack: the latest version sent for ``review`` (None
    if none was sent), as ``audience`` may read it (report_for_reader). A draft is never in a
    pack. The caller decides who may read the pack; the report itself is for staff who may read
    a sent report (``security.policy.may_read_sent_keyworker_report`` and ``can_view_child``)."""
    sent = session.scalar(
        select(SentReportVersion)
        .where(SentReportVersion.review_id == review.id)
        .order_by(SentReportVersion.number.desc())
        .limit(1)
    )
    if sent is None:
        return None
    child = session.get(Child, sent.child_id)
    assert child is not None
    return report_for_reader(session, child, sent, audience)


# --- what the child took back ------------------------------------------------------------------


# How alike a paragraph and a thing the child said must be for the paragraph to be taken for
# it once tidied by the keyworker (a capital, a full stop, a word cut: QA found each let words
# the child took back through). Erring this way hides a paragraph of the child's part too many,
# never shows one the child took back.
ALIKE = 0.75
# Shorter than this, likeness is chance ("ok", "no"): only the same words count.
ALIKE_FROM = 12


def _plain(text: str) -> str:
    """Words as compared: no case, punctuation or spacing differences."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def _paragraph_saying(words: str, text: str) -> str | None:
    """The paragraph of a part of the report that holds a thing the child said, as the
    report's start and "Add to" put it, or tidied since (case, punctuation, a word or two); or,
    long enough not to be chance, anywhere in it. None when no paragraph does."""
    said = _plain(words)
    if not said:
        return None
    for written in text.split("\n\n"):
        paragraph = _plain(written)
        if said == paragraph or (len(said) >= 40 and said in paragraph):
            return written.strip()
        if min(len(said), len(paragraph)) >= ALIKE_FROM and (
            SequenceMatcher(None, said, paragraph, autojunk=False).ratio() >= ALIKE
        ):
            return written.strip()
    return None


def _said_in(words: str, text: str) -> bool:
    """Whether a thing the child said is in a part of the report (see _paragraph_saying)."""
    return _paragraph_saying(words, text) is not None


def _child_words(session: Session, child: Child) -> list[Item]:
    """Everything the child has said in words, deleted things too."""
    return [
        item
        for item in session.scalars(select(Item).where(Item.child_id == child.id))
        if item.text.strip()
    ]


def taken_back(
    session: Session, principal: StaffPrincipal, child: Child, texts: Mapping[ReportSection, str]
) -> list[tuple[ReportSection, str]]:
    """The paragraphs of "<child> says" that the report may not quote, by part: words the
    keyworker could see (copied in while shared, or written down with the child) that the
    child has taken back, deleted, or not shared with everyone who reads the report. The report
    page says so, and the report is not sent with them (QA: they reached the packs).

    Only words the keyworker could have seen count, and the page names the report's own
    paragraph, never the child's item: a private thing the child wrote alone, which the
    keyworker happened to write alike, was quoted back to them whole (QA)."""
    said = _child_words(session, child)
    quotable, _kept = split_for_report(
        session, principal, child, [item for item in said if item.deleted_at is None]
    )
    may = {item.id for item in quotable}
    audience = audience_of(principal)
    known = items_ever_visible_to_audience(session, said, audience) if audience else set()
    known |= {item.id for item in said if item.written_by_id == principal.staff.id}
    found: list[tuple[ReportSection, str]] = []
    for item in said:
        if item.id in may or item.id not in known:
            continue
        for section, text in texts.items():
            paragraph = _paragraph_saying(item.text, text)
            if paragraph is not None and (section, paragraph) not in found:
                found.append((section, paragraph))
    return found


@dataclass(frozen=True)
class ReportForReader:
    """A sent report as one reader may read it: the child's words only where the child still
    shares them with that reader (``taken_back`` on a part that lost some), none for a reader
    the child shares nothing with (a manager)."""

    sent: SentReportVersion
    sections: list[dict[str, Any]]

    @property
    def sent_at(self) -> datetime:
        return self.sent.sent_at


def report_for_reader(
    session: Session, child: Child, sent: SentReportVersion, audience: Audience | None
) -> ReportForReader:
    if audience is None:
        # The child is told managers cannot see their views: their words, and what they
        # thought of each part, are not shown (the keyworker's words are).
        parts = [
            {
                **part,
                "child": "",
                "comment": "",
                "reaction": "",
                "withheld": bool(part.get("child")),
            }
            for part in sent.sections
        ]
        return ReportForReader(sent, parts)
    said = _child_words(session, child)
    live = [item for item in said if item.deleted_at is None]
    shown = {item.id for item in items_visible_to_audience(session, live, audience)}
    hidden = [item.text.strip() for item in said if item.id not in shown]
    parts = []
    for part in sent.sections:
        words = str(part.get("child") or "")
        kept = [p for p in words.split("\n\n") if not any(_said_in(h, p) for h in hidden)]
        left = "\n\n".join(kept).strip()
        parts.append({**part, "child": left, "taken_back": left != words.strip()})
    return ReportForReader(sent, parts)


# --- the child's side ----------------------------------------------------------------------


def report_for_child(session: Session, child: Child) -> KeyworkerReport | None:
    """The report the child may read at /me/report: their next review's, once shared with them."""
    review = report_review(child)
    if review is None:
        return None
    report = find_report(session, review)
    return report if report is not None and report.shared else None


def report_shared_column(review_id: ColumnElement[int]) -> Exists:
    """Whether report_for_child would find a report for the review given (`report_review`), as
    a column for the one query of My page (child/page_cards.py)."""
    return exists().where(
        KeyworkerReport.review_id == review_id, KeyworkerReport.shared_at.is_not(None)
    )


def responses_by_section(report: KeyworkerReport) -> dict[ReportSection, ChildReportResponse]:
    return {row.section: row for row in report.responses}


def respond(
    session: Session,
    report: KeyworkerReport,
    section: ReportSection,
    reaction: ReportReaction | None,
    comment: str | None,
    loaded_version: int | None,
) -> ChildReportResponse:
    """Save the child's answer to one section: agree, disagree or neither, and their words.
    ``loaded_version`` is 0 for a first answer; VersionConflict if it was answered meanwhile (on
    another tablet)."""
    text = clean_text(comment, "comment", COMMENT_MAX)
    response = responses_by_section(report).get(section)
    check_version(response.version if response else 0, loaded_version)
    row = sections_of(report).get(section)
    answered = (row.shared_keyworker_text or "") if row else ""
    if response is None:
        if reaction is None and not text:
            raise InputProblem("reaction", "nothing-said")
        response = ChildReportResponse(
            section=section, reaction=reaction, comment=text, answered_text=answered
        )
        report.responses.append(response)
    else:
        response.reaction = reaction
        response.comment = text
        response.answered_text = answered
        response.updated_at = utcnow()
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise VersionConflict from None
    return response


# --- action notes after the review ------------------------------------------------------------


def action_notes(session: Session, child: Child) -> list[TeamActionNote]:
    """The keyworker's notes for the team, newest first."""
    return list(
        session.scalars(
            select(TeamActionNote)
            .where(TeamActionNote.child_id == child.id)
            .options(selectinload(TeamActionNote.written_by), selectinload(TeamActionNote.review))
            .order_by(TeamActionNote.created_at.desc(), TeamActionNote.id.desc())
        )
    )


def add_action_note(
    session: Session, child: Child, staff: StaffMember, text: str | None
) -> TeamActionNote:
    """Note something the team must do or know after the review (linked to the last review
    held, or the next one before any was held)."""
    cleaned = clean_text(text, "text", COMMENT_MAX)
    if not cleaned:
        raise InputProblem("text", "empty-note")
    review = last_held_review(child) or report_review(child)
    note = TeamActionNote(
        child_id=child.id,
        review_id=review.id if review else None,
        text=cleaned,
        written_by_id=staff.id,
    )
    session.add(note)
    session.flush()
    return note


# --- the keyworker's caseload ------------------------------------------------------------------


def latest_summary_months(session: Session, child_ids: Sequence[int]) -> dict[int, date]:
    """Child id -> the month of their latest summary (one query)."""
    if not child_ids:
        return {}
    rows = session.execute(
        select(MonthlySummary.child_id, func.max(MonthlySummary.month))
        .where(MonthlySummary.child_id.in_(child_ids))
        .group_by(MonthlySummary.child_id)
    )
    return {row[0]: row[1] for row in rows}
