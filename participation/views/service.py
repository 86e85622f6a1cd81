"""The rules of "My views": topics chosen for a child, items and their photos and videos.

Files before rows: every photo or video is put into the media store first and the rows that
point at it are committed afterwards. If the commit fails the new files are deleted again at
once, and if even that fails (the process dies) `flask media sweep` removes files no row points
at. Deleting goes the other way round: rows first, then files. So a row never points at a file
that is not there, and a file without a row is only ever a leftover.

No Flask here: routes pass plain values, the database session and the media store.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..caseload.service import next_review
from ..media.processing import Region, hide_regions
from ..media.storage import Storage, new_key
from ..models import (
    AgeBand,
    AuthSession,
    Child,
    HeldFile,
    Item,
    ItemAuthor,
    ItemKind,
    MediaFile,
    MediaKind,
    MediaStatus,
    PackRead,
    PackSnapshot,
    Share,
    StaffMember,
    ViewsSettings,
    utcnow,
)
from ..sharing.service import seen_by_staff
from ..text import kept_words
from . import topics
from .uploads import Prepared

log = logging.getLogger(__name__)

TEXT_LIMIT = 4000
CAPTION_LIMIT = 200
MAX_PHOTOS = 10
MAX_VIDEOS = 1
FEELINGS = (1, 2, 3, 4, 5)
GRID_COLUMNS = 4
MAX_GRID_ROWS = 6
# How long a photo or video chosen on a form that came back with a problem is held for the
# next try, at most (and never past the end of the session that sent it).
HOLD_FOR = timedelta(days=1)


class ViewsError(ValueError):
    """Something the child or keyworker asked for that cannot be done; `code` says what."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


class ItemConflict(Exception):
    """The item changed (another tablet) since this form was loaded; nothing was saved."""


class MadeAlready(Exception):
    """A new thing's page sent the same first save twice at once: the other sending made
    `item` (see made_with)."""

    def __init__(self, item: Item) -> None:
        super().__init__(item.public_id)
        self.item = item


class StoreFailed(Exception):
    """The media store could not take a file; nothing was saved."""


@dataclass(frozen=True)
class Words:
    """What a form says about an item, apart from its files."""

    text: str = ""
    caption: str = ""
    feeling: int | None = None
    author: ItemAuthor = ItemAuthor.CHILD
    written_by: StaffMember | None = None


# --- Topics -------------------------------------------------------------------------------


def settings_for(session: Session, child: Child) -> ViewsSettings | None:
    """The keyworker's topic choice for this child, if they made one (reading never writes)."""
    return session.scalar(select(ViewsSettings).where(ViewsSettings.child_id == child.id))


def chosen_topics(session: Session, child: Child, band: AgeBand) -> list[str]:
    """The topics the child is offered: the keyworker's choice, or the usual for their band."""
    settings = settings_for(session, child)
    if settings is None or settings.topics is None:
        return topics.usual(band)
    offered = {topic.code for topic in topics.offered(band)}
    return [code for code in settings.topics if code in offered]


def visible_topics(session: Session, child: Child, band: AgeBand) -> list[str]:
    """Chosen topics, plus any topic the child has already said something in (a topic the
    keyworker took away must not hide the child's own words from them)."""
    shown = set(chosen_topics(session, child, band)) | set(counts_by_topic(session, child))
    return [topic.code for topic in topics.TOPICS if topic.code in shown]


def set_topics(
    session: Session,
    child: Child,
    band: AgeBand,
    codes: Iterable[str] | None,
    staff: StaffMember,
    loaded_version: int | None,
) -> ViewsSettings:
    """Keep the keyworker's choice (None: back to the usual topics for the child's age)."""
    choice = None if codes is None else topics.checked_choice(codes, band)
    settings = settings_for(session, child)
    if settings is None:
        settings = ViewsSettings(child_id=child.id)
        session.add(settings)
    elif loaded_version is not None and settings.version != loaded_version:
        raise ItemConflict
    settings.topics = choice
    settings.updated_by_id = staff.id
    settings.updated_at = utcnow()
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise ItemConflict from None
    return settings


# --- Reading -------------------------------------------------------------------------------


def _live_items(child: Child) -> Select[Item]:
    return select(Item).where(Item.child_id == child.id, Item.deleted_at.is_(None))


def items_for(session: Session, child: Child, topic: str | None = None) -> list[Item]:
    """The child's items (not deleted), newest first, with their media."""
    query = _live_items(child).options(selectinload(Item.media), selectinload(Item.written_by))
    if topic is not None:
        query = query.where(Item.topic == topic)
    return list(session.scalars(query.order_by(Item.created_at.desc(), Item.id.desc())))


def counts_by_topic(session: Session, child: Child) -> dict[str, int]:
    """How many things the child has said in each topic (topics with none are left out)."""
    rows = session.execute(
        select(Item.topic, func.count(Item.id))
        .where(Item.child_id == child.id, Item.deleted_at.is_(None))
        .group_by(Item.topic)
    )
    return {topic: int(count) for topic, count in rows}


def count_items(session: Session, child: Child) -> int:
    """How many things the child has said, in every topic."""
    return int(session.scalar(select(items_count_column(child.id))) or 0)


def items_count_column(child_id: int | ColumnElement[int]) -> ScalarSelect[int]:
    """count_items as a column, for the one query of My page (child/page_cards.py)."""
    return (
        select(func.count(Item.id))
        .where(Item.child_id == child_id, Item.deleted_at.is_(None))
        .scalar_subquery()
    )


def find_item(session: Session, public_id: str) -> Item | None:
    return session.scalar(
        select(Item).where(Item.public_id == public_id).options(selectinload(Item.media))
    )


def find_media(session: Session, public_id: str) -> MediaFile | None:
    return session.scalar(select(MediaFile).where(MediaFile.public_id == public_id))


def media_references(session: Session) -> Iterator[str]:
    """Every media key a row points at (the sweeper deletes stored files not among them)."""
    for table in (MediaFile, HeldFile):
        rows = session.execute(select(table.storage_key, table.thumb_key, table.raw_key))
        for row in rows:
            yield from (key for key in row if key)


# --- Rules for what an item holds ------------------------------------------------------------


def kind_of(text: str, feeling: int | None, photos: int, videos: int) -> ItemKind:
    """What an item holds, from its contents (ViewsError "empty" when it holds nothing)."""
    parts = [bool(kept_words(text)), photos > 0, videos > 0]
    if sum(parts) > 1:
        return ItemKind.MIXED
    if parts[0]:
        return ItemKind.TEXT
    if parts[1]:
        return ItemKind.PHOTO
    if parts[2]:
        return ItemKind.VIDEO
    if feeling is not None:
        return ItemKind.FEELING
    raise ViewsError("empty")


def check_words(words: Words) -> None:
    """The limits every save keeps, whatever the form in front of it checked."""
    if len(words.text.strip()) > TEXT_LIMIT:
        raise ViewsError("too-long", "text")
    if len(words.caption.strip()) > CAPTION_LIMIT:
        raise ViewsError("too-long", "caption")
    if words.feeling is not None and words.feeling not in FEELINGS:
        raise ViewsError("not-a-choice", "feeling")
    if (words.author == ItemAuthor.KEYWORKER_WITH_CHILD) != (words.written_by is not None):
        raise ViewsError("not-a-choice", "author")


def check_contents(words: Words, photos: int, videos: int) -> ItemKind:
    """Check the words and the number of photos and videos an item would end up with."""
    check_words(words)
    if photos > MAX_PHOTOS:
        raise ViewsError("too-many-photos", "photos")
    if videos > MAX_VIDEOS:
        raise ViewsError("one-video", "video")
    return kind_of(words.text, words.feeling, photos, videos)


# --- Files first, then rows ----------------------------------------------------------------


def _forget(storage: Storage, keys: Iterable[str]) -> None:
    """Delete stored files, best effort: what is left is removed by the sweeper."""
    for key in keys:
        try:
            storage.delete(key)
        except Exception:
            log.warning("Could not delete stored media %s; the sweeper will.", key, exc_info=True)


def _store(storage: Storage, prepared: Prepared) -> tuple[list[MediaFile], list[str]]:
    """Put every prepared file into the store; return the new rows (not yet added) and keys."""
    rows: list[MediaFile] = []
    keys: list[str] = []
    try:
        for photo in prepared.photos:
            key, thumb_key = new_key("photo"), new_key("thumb")
            stored = storage.put(key, photo.path)
            keys.append(key)
            storage.put(thumb_key, photo.thumb_path)
            keys.append(thumb_key)
            rows.append(
                MediaFile(
                    kind=MediaKind.PHOTO,
                    status=MediaStatus.READY,
                    storage_key=key,
                    thumb_key=thumb_key,
                    width=photo.width,
                    height=photo.height,
                    size_bytes=stored.size,
                    sha256=stored.sha256,
                    sent_sha256=photo.sent_sha256,
                )
            )
        if prepared.video is not None:
            video = prepared.video
            # The raw upload waits under a private key for the worker; it is never served.
            raw_key = new_key("incoming", video.extension)
            stored = storage.put(raw_key, video.path)
            keys.append(raw_key)
            rows.append(
                MediaFile(
                    kind=MediaKind.VIDEO,
                    status=MediaStatus.PROCESSING,
                    raw_key=raw_key,
                    width=video.info.width,
                    height=video.info.height,
                    duration_seconds=video.info.duration_seconds,
                    size_bytes=stored.size,
                    sent_sha256=video.sent_sha256,
                )
            )
    except Exception as error:
        _forget(storage, keys)
        raise StoreFailed from error
    return rows, keys


def _commit_or_forget(session: Session, storage: Storage, new_keys: list[str]) -> None:
    """Commit; if that fails, take the new files out of the store again."""
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        _forget(storage, new_keys)
        raise ItemConflict from None
    except BaseException:
        session.rollback()
        _forget(storage, new_keys)
        raise


def _clean(text: str) -> str:
    return kept_words(text)


def file_counts(kinds: Iterable[MediaKind], photos: int = 0, videos: int = 0) -> tuple[int, int]:
    """How many photos and videos an item would hold: the files it keeps or is given (their
    kinds), and `photos` and `videos` more."""
    listed = list(kinds)
    return listed.count(MediaKind.PHOTO) + photos, listed.count(MediaKind.VIDEO) + videos


def _take_held(session: Session, held: Sequence[HeldFile]) -> list[MediaFile]:
    """The item's rows for files held from an earlier try; the held rows go in the same commit
    (the stored files stay where they are: one commit moves them from held to the item's)."""
    for row in held:
        session.delete(row)
    return [row.for_item() for row in held]


def made_with(session: Session, child: Child, key: str | None) -> Item | None:
    """The child's thing made by the new thing's page with this `key`, if that page's save
    already made one: weak wifi lost the answer and the page sent it again, or "Save" was
    pressed twice. What the page sends is then a change to that thing, never a second one."""
    if not key:
        return None
    return session.scalar(
        select(Item).where(
            Item.child_id == child.id, Item.made_with == key, Item.deleted_at.is_(None)
        )
    )


def saved_last_by(item: Item, key: str | None) -> bool:
    """Was `item` last saved by the page with this `key`? Then a save from that page whose
    version is older is its own earlier save sent again (its answer lost), not a change made
    on another tablet meanwhile."""
    return bool(key) and item.saved_with == key


def add_item(
    session: Session,
    storage: Storage,
    *,
    child: Child,
    topic: str,
    words: Words,
    prepared: Prepared,
    held: Sequence[HeldFile] = (),
    key: str | None = None,
) -> Item:
    """Store a new item for the child (private to them), its files first, then its rows.
    Files `held` from an earlier try of the form become the item's, before the new ones.
    `key`: the page's own (see made_with).

    Raises ViewsError for words or contents that break a rule and StoreFailed when the store
    would not take a file; nothing is kept in either case. MadeAlready when the same page's
    save made the item meanwhile (this sending's files are not kept).
    """
    if topic not in topics.TOPIC_BY_CODE:
        raise ViewsError("no-such-topic")
    photos, videos = file_counts((f.kind for f in held), *prepared.counts())
    kind = check_contents(words, photos, videos)
    rows, keys = _store(storage, prepared)
    rows = _take_held(session, held) + rows
    review = next_review(child)
    item = Item(
        child_id=child.id,
        review_id=review.id if review is not None else None,
        topic=topic,
        kind=kind,
        text=_clean(words.text),
        caption=_clean(words.caption),
        feeling=words.feeling,
        author=words.author,
        written_by_id=words.written_by.id if words.written_by else None,
        media=rows,
        made_with=key,
        saved_with=key,
    )
    session.add(item)
    try:
        _commit_or_forget(session, storage, keys)
    except IntegrityError:
        made = made_with(session, child, key)
        if made is None:
            raise
        raise MadeAlready(made) from None
    return item


def change_item(
    session: Session,
    storage: Storage,
    item: Item,
    *,
    loaded_version: int | None,
    words: Words,
    prepared: Prepared,
    remove: Sequence[str] = (),
    held: Sequence[HeldFile] = (),
    key: str | None = None,
) -> Item:
    """Save a child's changes to their item: new words, new files (those `held` from an
    earlier try of the form first), files taken away. `key`: the page's own.

    Raises ItemConflict (nothing saved) when the item changed since `loaded_version`, unless
    the page that changed it is this one (saved_last_by): then this is that save sent again,
    and a file it sent before is not kept a second time.
    """
    if saved_last_by(item, key):
        prepared = prepared.without({media.sent_sha256 for media in item.media})
    elif loaded_version is None or item.version != loaded_version:
        raise ItemConflict
    removing = [m for m in item.media if m.public_id in set(remove)]
    keeping = [m for m in item.media if m not in removing]
    kinds = [f.kind for f in keeping] + [f.kind for f in held]
    photos, videos = file_counts(kinds, *prepared.counts())
    kind = check_contents(words, photos, videos)
    old_keys = [key for media in removing for key in media.stored_keys()]
    rows, keys = _store(storage, prepared)
    rows = _take_held(session, held) + rows
    for media in removing:
        item.media.remove(media)
    item.media.extend(rows)
    item.kind = kind
    item.text = _clean(words.text)
    item.caption = _clean(words.caption)
    item.feeling = words.feeling
    item.author = words.author
    item.written_by_id = words.written_by.id if words.written_by else None
    item.updated_at = utcnow()
    item.saved_with = key
    _commit_or_forget(session, storage, keys)
    _forget(storage, old_keys)
    return item


def reached_a_reader(session: Session, item: Item) -> bool:
    """True once the item was in a pack that was sent or read, or anyone on the staff saw it (a
    pack opened and not marked read is still read): it is part of the child's case record then
    (domain: "withdrawal stops future sharing ... it does not unsay what was already read"), so
    the child can stop sharing it but not delete it. Packs keep ids, not words, so a deletion
    would take it out of the record too. A child's packs are few: read them here."""
    if seen_by_staff(session, item):
        return True
    subject = f"item:{item.public_id}"
    for model in (PackSnapshot, PackRead):
        for contents in session.scalars(
            select(model.contents).where(model.child_id == item.child_id)
        ):
            if any(row.get("subject") == subject for row in contents):
                return True
    return False


def delete_item(session: Session, storage: Storage, item: Item) -> None:
    """Delete a private item: its words, feeling and files go for good. The row goes too,
    unless the child once shared it: then the record of their choices (and withdrawals) must
    stay, so a bare row with no content says only that it was deleted, and when."""
    keys = [key for media in item.media for key in media.stored_keys()]
    if session.scalar(select(Share.id).where(Share.item_id == item.id).limit(1)) is None:
        session.delete(item)
    else:
        item.text = ""
        item.caption = ""
        item.feeling = None
        item.media.clear()
        item.made_with = item.saved_with = None
        item.deleted_at = item.updated_at = utcnow()
    session.commit()
    _forget(storage, keys)


# --- Files held between tries of a form --------------------------------------------------------


def hold(
    session: Session, storage: Storage, prepared: Prepared, *, auth_session_id: int, child: Child
) -> list[HeldFile]:
    """Keep the files that passed every check on a form that came back with a problem, for the
    sitting that sent them: stored as for an item (files first, then rows), held for the next
    try. Raises StoreFailed when the store would not take them; nothing is kept then."""
    if not prepared:
        return []
    rows, keys = _store(storage, prepared)
    held = [
        HeldFile.holding(row, auth_session_id=auth_session_id, child_id=child.id) for row in rows
    ]
    session.add_all(held)
    _commit_or_forget(session, storage, keys)
    return held


def held_files(
    session: Session, public_ids: Sequence[str], *, auth_session_id: int, child: Child
) -> list[HeldFile]:
    """The files held for this sitting and this child among `public_ids`, in that order. An id of
    anyone else's, or of one swept away meanwhile, is left out."""
    if not public_ids:
        return []
    rows = session.scalars(
        select(HeldFile).where(
            HeldFile.public_id.in_(public_ids),
            HeldFile.auth_session_id == auth_session_id,
            HeldFile.child_id == child.id,
        )
    )
    found = {row.public_id: row for row in rows}
    return [found[public_id] for public_id in dict.fromkeys(public_ids) if public_id in found]


def let_go(session: Session, storage: Storage, held: Sequence[HeldFile]) -> None:
    """Held files nobody wants any more (taken away, or swept): rows first, then files."""
    if not held:
        return
    keys = [key for row in held for key in row.stored_keys()]
    for row in held:
        session.delete(row)
    session.commit()
    _forget(storage, keys)


def sweep_held(session: Session, storage: Storage, now: datetime) -> int:
    """Let go of the held files whose session has ended or that are older than HOLD_FOR."""
    ended = select(AuthSession.id).where(AuthSession.ended_at.is_not(None))
    rows = list(
        session.scalars(
            select(HeldFile).where(
                or_(HeldFile.created_at < now - HOLD_FOR, HeldFile.auth_session_id.in_(ended))
            )
        )
    )
    let_go(session, storage, rows)
    return len(rows)


def processing_videos(item: Item) -> list[int]:
    """Ids of the item's videos still waiting for the worker (to queue after a commit)."""
    return [m.id for m in item.media if m.status == MediaStatus.PROCESSING]


# --- Hide part of a photo -------------------------------------------------------------------


def grid_for(width: int, height: int) -> tuple[int, int]:
    """Rows and columns of the tap grid for a photo: four across, squares as near as can be."""
    rows = round(GRID_COLUMNS * height / max(1, width))
    return max(1, min(MAX_GRID_ROWS, rows)), GRID_COLUMNS


def regions_for(cells: Iterable[int], rows: int, cols: int) -> list[Region]:
    """The photo's regions for numbered grid squares (1 is top-left, counted along each row)."""
    regions = []
    for cell in sorted(set(cells)):
        if not 1 <= cell <= rows * cols:
            raise ViewsError("not-a-choice", "cells")
        row, col = divmod(cell - 1, cols)
        regions.append(Region(col / cols, row / rows, 1 / cols, 1 / rows))
    return regions


def hide_in_photo(
    session: Session,
    storage: Storage,
    media: MediaFile,
    *,
    loaded_version: int | None,
    cells: Iterable[int],
    mode: Literal["blur", "cover"],
    work: Path,
) -> MediaFile:
    """Blur or cover squares of a stored photo. The new photo and thumbnail replace the old
    ones, which are deleted: the unhidden picture is kept nowhere."""
    item = media.item
    if loaded_version is None or item.version != loaded_version:
        raise ItemConflict
    if media.kind != MediaKind.PHOTO or not media.ready or not media.storage_key:
        raise ViewsError("not-a-photo")
    rows, cols = grid_for(media.width or 1, media.height or 1)
    regions = regions_for(cells, rows, cols)
    if not regions:
        raise ViewsError("no-squares", "cells")
    original = work / "original.jpg"
    with storage.open(media.storage_key) as src, original.open("wb") as out:
        shutil.copyfileobj(src, out, 1024 * 1024)
    hidden, thumb = work / "hidden.jpg", work / "hidden-thumb.jpg"
    try:
        result = hide_regions(original, hidden, regions, mode, thumb_dest=thumb)
    finally:
        original.unlink(missing_ok=True)
    key, thumb_key = new_key("photo"), new_key("thumb")
    new_keys: list[str] = []
    try:
        stored = storage.put(key, hidden)
        new_keys.append(key)
        storage.put(thumb_key, thumb)
        new_keys.append(thumb_key)
    except Exception as error:
        _forget(storage, new_keys)
        raise StoreFailed from error
    finally:
        for path in (hidden, thumb):
            with contextlib.suppress(OSError):
                path.unlink()
    old_keys = media.stored_keys()
    media.storage_key, media.thumb_key = key, thumb_key
    media.width, media.height = result.width, result.height
    media.size_bytes, media.sha256 = stored.size, stored.sha256
    media.updated_at = item.updated_at = utcnow()
    _commit_or_forget(session, storage, new_keys)
    _forget(storage, old_keys)
    return media
