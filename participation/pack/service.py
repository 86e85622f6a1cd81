"""The review pack: what one audience may read for one review, built from the child's current
sharing choices through `security.policy` (the one decision point), and nothing else.

One builder makes every pack: the IRO's, the one for everyone at the meeting, and the one the
child previews ("See what my IRO will see" renders the IRO's pack with the same template). The
PDF is the same page rendered by WeasyPrint, with photos read straight from the media store.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from .. import clock
from ..child import service as space_service
from ..downloads import name_part
from ..media.storage import Storage
from ..models import (
    Audience,
    Child,
    ChildSpace,
    Item,
    MediaFile,
    MeetingPlan,
    PackRead,
    PackSnapshot,
    ParticipationCode,
    ReportReaction,
    Review,
    Role,
    SentReportVersion,
    StaffMember,
)
from ..models.review import LONDON
from ..planning import service as planning_service
from ..planning import steps
from ..security import policy
from ..sharing.service import SHAREABLE_SECTIONS
from ..views import topics
from ..workspaces.iro import codes
from ..workspaces.keyworker.words import CHILD_REACTIONS, STAFF_TITLES

STORE_SCHEME = "store:"


@dataclass
class TopicGroup:
    code: str
    title: LazyString
    items: list[Item]


@dataclass
class Pack:
    """Everything one pack shows. Templates get only this."""

    child: Child
    review: Review
    audience: Audience
    meeting_date: date
    address: str | None
    plan: MeetingPlan | None
    sections: list[steps.Step]
    cards: list[planning_service.PersonCard]
    topics: list[TopicGroup]
    taking_part_shared: bool
    suggested_code: ParticipationCode | None
    keyworker_report: Any = None
    # Subjects new or changed since the baseline the reader last had (their read, or the send).
    changed: set[str] = field(default_factory=set)
    baseline: str | None = None  # "read" or "sent"
    # How many things the reader had that the child has since taken back: a count, never what.
    withdrawn: int = 0

    # Staff answers to the child's wishes, by subject (the template shows those of the sections
    # shared): in staff words for the readers, in the child's for their preview.
    @property
    def answers(self) -> dict[str, planning_service.AnswerForChild]:
        return planning_service.answers_shown(self.plan, to_child=False)

    @property
    def answers_for_child(self) -> dict[str, planning_service.AnswerForChild]:
        return planning_service.answers_shown(self.plan, to_child=True)

    @property
    def meeting_time(self) -> time | None:
        """The meeting's start, London time, once it is arranged."""
        when = self.review.scheduled_at
        return when.astimezone(LONDON).time() if when is not None else None

    @property
    def items(self) -> list[Item]:
        return [item for group in self.topics for item in group.items]

    def media(self) -> list[MediaFile]:
        return [m for item in self.items for m in item.media if m.ready]


class ReportSource:
    """Where the keyworker report comes from (the workspaces area), if it is installed."""

    @staticmethod
    def find(session: Session, review: Review, audience: Audience) -> Any:
        """The report as ``audience`` may read it (the child's words they still share)."""
        try:
            module = importlib.import_module("participation.workspaces.keyworker.service")
        except ImportError:
            return None
        finder: Callable[[Session, Review, Audience], Any] | None = getattr(
            module, "keyworker_report_for_pack", None
        )
        return finder(session, review, audience) if finder is not None else None


def pack_items(session: Session, child: Child, review: Review) -> list[Item]:
    """The child's items for this review, and those made when no review was planned since the
    review before it was held (they are for the next one; QA: one from long ago was in every
    pack after), oldest first."""
    before = session.scalar(
        select(func.max(Review.held_on)).where(
            Review.child_id == child.id, Review.number < review.number
        )
    )
    unplanned: ColumnElement[bool] = Item.review_id.is_(None)
    if before is not None:
        since = datetime.combine(before, time(0), LONDON).astimezone(UTC)
        unplanned = and_(unplanned, Item.created_at >= since)
    return list(
        session.scalars(
            select(Item)
            .where(
                Item.child_id == child.id,
                Item.deleted_at.is_(None),
                or_(Item.review_id == review.id, unplanned),
            )
            .options(selectinload(Item.media), selectinload(Item.written_by))
            .order_by(Item.created_at, Item.id)
        )
    )


def suggested_code(
    child: Child,
    review: Review,
    plan: MeetingPlan | None,
    taking_part_shared: bool,
    has_views: bool,
) -> ParticipationCode | None:
    """A first suggestion of the SSDA903 participation code from how the child says they will
    take part, by the same rules the IRO's outcome page uses; the IRO records the real one after
    the meeting. None when there is nothing to go on (the taking-part answers were not shared or
    not given), except PN0 for a child under 4, which needs nothing else."""
    planned = codes.from_plan(plan, views_sent=has_views) if taking_part_shared else None
    age = child.age_on(review.meeting_date)
    return codes.suggest(age, planned or codes.TakingPart()).code


def build_pack(
    session: Session,
    child: Child,
    review: Review,
    audience: Audience,
    *,
    show_address: bool = False,
    reader_id: int | None = None,
) -> Pack:
    """The pack for `audience`: exactly what the child shared with it, by the latest choices."""
    plan = planning_service.find_plan(session, review)
    shown = set(
        policy.plan_sections_visible_to_audience(session, review, SHAREABLE_SECTIONS, audience)
    )
    sections = [step for step in steps.STEPS if step.slug in shown] if plan is not None else []
    items = policy.items_visible_to_audience(session, pack_items(session, child, review), audience)
    space = session.scalar(select(ChildSpace).where(ChildSpace.child_id == child.id))
    band = space_service.age_band(child, space, clock.today())
    groups: list[TopicGroup] = []
    for topic in topics.TOPICS:
        in_topic = [item for item in items if item.topic == topic.code]
        if in_topic:
            groups.append(TopicGroup(topic.code, topics.title_of(topic.code, band), in_topic))
    taking_part = steps.TAKING_PART in {s.slug for s in sections}
    report = ReportSource.find(session, review, audience) if audience != Audience.MEETING else None
    pack = Pack(
        child=child,
        review=review,
        audience=audience,
        # Held: the day it was held (the day planned may have moved: QA).
        meeting_date=review.held_on or review.meeting_date,
        address=(child.home.address or None) if show_address and child.home else None,
        plan=plan,
        sections=sections,
        cards=planning_service.people_cards(session, child, plan)
        if plan is not None and steps.WHO_COMES in shown
        else [],
        topics=groups,
        taking_part_shared=taking_part,
        suggested_code=suggested_code(child, review, plan, taking_part, bool(items)),
        keyworker_report=report,
    )
    _mark_changes(session, pack, reader_id)
    return pack


# The keyworker report's row in a pack's contents; its version starts with the version number.
REPORT = "report"


def contents_of(pack: Pack) -> list[dict[str, Any]]:
    """What a pack holds, as ids and versions (never content): for snapshots and reads."""
    rows: list[dict[str, Any]] = [
        {"subject": f"item:{item.public_id}", "version": item.version} for item in pack.items
    ]
    # Each part by its own version and its answers' (QA: one version for the whole plan marked
    # every shared part "changed" when the child changed a part they kept private).
    rows += [
        {"subject": f"plan:{s.slug}", "version": _part_version(pack, s.slug)} for s in pack.sections
    ]
    report = pack.keyworker_report
    if report is not None:
        # A corrected version sent, or words the child took back since: "changed" too (QA: the
        # IRO's "Nothing new since you read it" while a corrected report had been sent).
        # A digest of the parts as this reader sees them, never their words.
        seen = json.dumps(report.sections, sort_keys=True, default=str).encode()
        digest = hashlib.sha256(seen).hexdigest()[:16]
        rows.append({"subject": REPORT, "version": f"{report.sent.number}:{digest}"})
    return rows


def _part_version(pack: Pack, slug: str) -> str:
    plan = pack.plan
    if plan is None:
        return "0"
    topics = planning_service.STEP_TOPICS.get(slug, ())
    answered = sorted(f"{d.subject}:{d.version}" for d in plan.decisions if d.topic.value in topics)
    return ";".join([str(plan.step_version(slug)), *answered])


def _mark_changes(session: Session, pack: Pack, reader_id: int | None) -> None:
    baseline: PackRead | PackSnapshot | None = None
    kind = None
    if reader_id is not None:
        baseline = session.scalar(
            select(PackRead)
            .where(
                PackRead.review_id == pack.review.id,
                PackRead.audience == pack.audience,
                PackRead.staff_id == reader_id,
            )
            .order_by(PackRead.id.desc())
            .limit(1)
        )
        kind = "read"
    if baseline is None:
        baseline = latest_snapshot(session, pack.review, pack.audience)
        kind = "sent"
    if baseline is None:
        return
    before = {row["subject"]: row["version"] for row in baseline.contents}
    pack.baseline = kind
    now = contents_of(pack)
    pack.changed = {row["subject"] for row in now if before.get(row["subject"]) != row["version"]}
    pack.withdrawn = len(before.keys() - {row["subject"] for row in now})


def latest_snapshot(session: Session, review: Review, audience: Audience) -> PackSnapshot | None:
    return session.scalar(
        select(PackSnapshot)
        .where(PackSnapshot.review_id == review.id, PackSnapshot.audience == audience)
        .order_by(PackSnapshot.id.desc())
        .limit(1)
    )


# Every audience a pack is sent for, in the order the page that asks before sending lists them.
SENT_TO = (Audience.IRO, Audience.SOCIAL_WORKER, Audience.KEYWORKER, Audience.MEETING)
# The staff readers of each audience's pack, by their role on the child's case.
READER_ROLES = {
    Audience.IRO: Role.IRO,
    Audience.SOCIAL_WORKER: Role.SOCIAL_WORKER,
    Audience.KEYWORKER: Role.KEYWORKER,
}


def readers(child: Child) -> dict[Audience, list[str]]:
    """Audience -> the names of the staff on the child's case who read that pack."""
    on_case = [a for a in sorted(child.assignments, key=lambda a: a.id) if a.active]
    return {
        audience: [a.staff.name for a in on_case if a.role == role and a.staff.active]
        for audience, role in READER_ROLES.items()
    }


def send(
    session: Session, child: Child, review: Review, staff: StaffMember, **build: Any
) -> list[PackSnapshot]:
    """Send the pack: keep a snapshot of what each audience's pack holds now."""
    made = []
    for audience in SENT_TO:
        pack = build_pack(session, child, review, audience, **build)
        snapshot = PackSnapshot(
            child_id=child.id,
            review_id=review.id,
            audience=audience,
            sent_by_id=staff.id,
            contents=contents_of(pack),
        )
        session.add(snapshot)
        made.append(snapshot)
    session.commit()
    return made


def mark_read(session: Session, pack: Pack, staff: StaffMember) -> PackRead:
    """The reader has read the pack as it is now."""
    row = PackRead(
        child_id=pack.child.id,
        review_id=pack.review.id,
        audience=pack.audience,
        staff_id=staff.id,
        contents=contents_of(pack),
    )
    session.add(row)
    session.commit()
    return row


def last_read(session: Session, review: Review, audience: Audience) -> PackRead | None:
    return session.scalar(
        select(PackRead)
        .where(PackRead.review_id == review.id, PackRead.audience == audience)
        .order_by(PackRead.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class SinceRead:
    """A pack's things since its reader last marked it read."""

    new: int = 0  # new or changed
    taken_back: int = 0  # in the pack as read, not now (the child took them back, or deleted)
    report_read: int | None = None  # the keyworker report's version in the pack as read
    read_at: datetime | None = None

    def report_changed(self, sent: SentReportVersion | None, review_id: int) -> bool:
        """Whether `sent` (the child's latest sent keyworker report) is for this review and was
        not the version in the pack as read. Reads from before the report was kept with them
        compare the times."""
        if sent is None or sent.review_id != review_id:
            return False
        if self.report_read is not None:
            return sent.number != self.report_read
        return self.read_at is not None and sent.sent_at > self.read_at


def new_since_read(
    session: Session, reviews: Sequence[Review], audience: Audience, reader_id: int
) -> dict[int, SinceRead | None]:
    """Review id -> what of the things the child shared in its pack for `audience` is new or
    changed, and how many were taken back, since `reader_id` last marked it read (None: never
    marked read), for a list of children at once in three queries whatever their number: the
    IRO's workspace says where there is something to read without opening every pack (QA), and
    that views read before can no longer be relied on (QA: "Nothing new" after a child took one
    back). Things only, as the pack's own "new or changed" counts them (not the plan's parts)."""
    if not reviews:
        return {}
    wanted = {review.child_id: review.id for review in reviews}
    items = [
        item
        for item in session.scalars(
            select(Item).where(Item.child_id.in_(wanted), Item.deleted_at.is_(None))
        )
        if item.review_id in (None, wanted[item.child_id])
    ]
    read: dict[int, dict[str, Any]] = {}
    reports_read: dict[int, int | None] = {}
    read_at: dict[int, datetime] = {}
    for row in session.scalars(
        select(PackRead)
        .where(
            PackRead.review_id.in_(wanted.values()),
            PackRead.audience == audience,
            PackRead.staff_id == reader_id,
        )
        .order_by(PackRead.id)
    ):
        read[row.review_id] = {entry["subject"]: entry["version"] for entry in row.contents}
        report = read[row.review_id].get(REPORT)
        reports_read[row.review_id] = int(str(report).partition(":")[0]) if report else None
        read_at[row.review_id] = row.read_at
    new: dict[int, int] = {}
    now: dict[int, set[str]] = {}
    for item in policy.items_visible_to_audience(session, items, audience):
        review_id = wanted[item.child_id]
        subject = f"item:{item.public_id}"
        now.setdefault(review_id, set()).add(subject)
        before = read.get(review_id)
        if before is not None and before.get(subject) != item.version:
            new[review_id] = new.get(review_id, 0) + 1
    found: dict[int, SinceRead | None] = dict.fromkeys(wanted.values())
    for review_id, before in read.items():
        gone = {s for s in before if s.startswith("item:")} - now.get(review_id, set())
        found[review_id] = SinceRead(
            new.get(review_id, 0), len(gone), reports_read[review_id], read_at[review_id]
        )
    return found


# --- The PDF ------------------------------------------------------------------------------


def store_url(media: MediaFile, variant: str | None) -> str:
    """How the PDF's page names a photo: read from the store by the PDF maker, never by HTTP."""
    return f"{STORE_SCHEME}{media.public_id}/{variant or 'full'}"


def render_pdf(
    html: str,
    media: Iterable[MediaFile],
    storage: Storage,
    stylesheet: Path,
    *,
    language: str = "en",
    rtl: bool = False,
    made: str = "",
) -> bytes:
    """A pack's page (or another record printed the same way, with no photos) as a tagged PDF
    (PDF/UA-1: language, headings, reading order), with the page's own photos (``media``)
    embedded from the media store and nothing fetched from anywhere else.
    `language` and `rtl` are the page's: they place and number the running header and footer;
    `made` (when it was made, in the reader's words) is at the foot of every page too."""
    from PIL import ImageFile
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    # Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which
    # would let the upload checks accept a broken photo. Our stored photos are whole: keep it off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    keys: dict[str, tuple[str, str]] = {}
    for file in media:
        if file.thumb_key:
            keys[store_url(file, "thumb")] = (file.thumb_key, "image/jpeg")
            keys[store_url(file, "poster")] = (file.thumb_key, "image/jpeg")
        if file.storage_key and file.kind.value == "photo":
            keys[store_url(file, None)] = (file.storage_key, "image/jpeg")

    class StoreFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url not in keys:
                raise ValueError("only the pack's own photos may be fetched")
            key, mime = keys[url]
            handle = storage.open(key)
            try:
                body = handle.read()
            finally:
                handle.close()
            return URLFetcherResponse(url, BytesIO(body), {"Content-Type": mime})

    document = HTML(string=html, base_url="store:/", url_fetcher=StoreFetcher())
    running = CSS(string=page_css(language, rtl=rtl, made=made))
    buffer = BytesIO()
    document.write_pdf(
        buffer,
        stylesheets=[CSS(filename=str(stylesheet)), running],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )
    return buffer.getvalue()


# "Page 2 of 5" at the foot of every page. The page numbers exist only in CSS (counters of the
# paged layout), so the translated words are turned into the margin box's `content`.
PAGE_NUMBER = _l("Page %(page)s of %(pages)s")
# CSS counter styles for the digit systems of participation/digits.py, so the page numbers are
# in the same digits as the rest of the pack.
COUNTER_STYLES = {
    "arab": "arabic-indic",
    "arabext": "persian",
    "beng": "bengali",
    "deva": "devanagari",
    "mymr": "myanmar",
}


def _css_string(text: str) -> str:
    # Every character but letters, digits and spaces as a CSS escape: a translation can hold
    # quotes, backslashes or line breaks and must stay one string literal whatever it holds.
    # Each escape ends with a space, which CSS reads as the escape's end and drops: without it,
    # a space that followed was taken instead ("2026,07:42" at the foot of every page).
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} " for c in text)
    return f'"{escaped}"'


def page_css(language: str = "en", *, rtl: bool = False, made: str = "") -> str:
    """What every page of the PDF carries, as a stylesheet: the pack's title and who it is for
    along the top (taken from the first page by string-set, see static/css/pack.css; the title
    on the reading side, right in a right-to-left language), and "Page N of M" at the foot in
    the reader's words and digits, with `made` on the reading side: paper outlives the page,
    and a page picked up later can be checked against the pack as it is now. Translators may
    put the numbers in either order."""
    try:
        system = Locale.parse(language).default_numbering_system
    except (UnknownLocaleError, ValueError):
        system = "latn"
    style = COUNTER_STYLES.get(system, "decimal")
    parts = re.split(r"(%\((?:page|pages)\)s)", str(PAGE_NUMBER))
    numbers = {"%(page)s": f"counter(page, {style})", "%(pages)s": f"counter(pages, {style})"}
    footer = " ".join(numbers.get(part) or _css_string(part) for part in parts if part)
    start, end = ("right", "left") if rtl else ("left", "right")
    return (
        f"@page {{ @top-{start} {{ content: string(pack-title); }}"
        f" @top-{end} {{ content: string(pack-audience); }}"
        f" @bottom-center {{ content: {footer}; }}"
        f" @bottom-{start} {{ content: {_css_string(made)}; }} }}"
    )


def pdf_filename(pack: Pack) -> str:
    """The PDF's download name: whose pack, for whom and for which meeting, so that packs for
    two children, or for two audiences, never overwrite each other in a Downloads folder. The
    child's name keeps its letters (see participation/downloads.py)."""
    name = name_part(pack.child.preferred_name)
    return f"review-pack-{name}-{pack.audience.value}-{pack.meeting_date.isoformat()}.pdf"


# What a staff reader is told a pack is for (the profession's words; the child's own are in
# sharing/words.py). The same words on the reading view and in the PDF.
PACK_FOR: dict[Audience, LazyString] = {
    Audience.IRO: _l("the IRO only"),
    Audience.KEYWORKER: _l("the keyworker only"),
    Audience.SOCIAL_WORKER: _l("the social worker only"),
    Audience.MEETING: _l("everyone at the meeting"),
}
CODE_WORDS: dict[ParticipationCode, LazyString] = {
    ParticipationCode.PN0: _l("PN0: under 4 at the review"),
    ParticipationCode.PN1: _l("PN1: attends and speaks for themselves"),
    ParticipationCode.PN2: _l("PN2: attends, an advocate speaks for them"),
    ParticipationCode.PN3: _l("PN3: attends and shares views without words"),
    ParticipationCode.PN4: _l("PN4: attends but does not share views"),
    ParticipationCode.PN5: _l("PN5: does not attend, sends views through someone or in writing"),
    ParticipationCode.PN6: _l("PN6: does not attend, shares views another way"),
    ParticipationCode.PN7: _l("PN7: does not attend and views are not shared"),
}


# The same code on the child's own preview, in their words: it is said about them, so they
# may read it, and "a short code" alone told them nothing.
CHILD_CODE_WORDS: dict[ParticipationCode, LazyString] = {
    ParticipationCode.PN0: _l("You were under 4 at the time of your meeting."),
    ParticipationCode.PN1: _l("You come to your meeting and say what you think yourself."),
    ParticipationCode.PN2: _l("You come to your meeting, and someone speaks up for you."),
    ParticipationCode.PN3: _l(
        "You come to your meeting and show what you think in your own way, like pictures or signs."
    ),
    ParticipationCode.PN4: _l(
        "You come to your meeting but don't say what you think there. That's OK too."
    ),
    ParticipationCode.PN5: _l(
        "You don't come to your meeting, but you send what you think, or tell someone to say it."
    ),
    ParticipationCode.PN6: _l(
        "You don't come to your meeting, but you show what you think in your own way."
    ),
    ParticipationCode.PN7: _l(
        "You don't come to your meeting, and you haven't sent what you think."
    ),
}


def template_context() -> dict[str, Any]:
    """What the pack's template needs besides the pack: the words for codes and choices."""
    return {
        "code_words": CODE_WORDS,
        "child_code_words": CHILD_CODE_WORDS,
        "pack_for": PACK_FOR,
        # The report's own headings, as the keyworker wrote under them.
        "report_titles": STAFF_TITLES,
        # What the child thought of each part: "disagree" was sent and then never shown (QA).
        "report_reactions": {
            reaction.value: (CHILD_REACTIONS[reaction], reaction == ReportReaction.AGREE)
            for reaction in ReportReaction
        },
        "words": steps.words_for,
    }
