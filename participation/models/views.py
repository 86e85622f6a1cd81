"""My views: what a child says about their life, by topic, as words, photos and video.

Everything here is the child's and private to them until the child shares it (the sharing
area adds Share rows; `security.policy.can_view_item` is the only gate). A deleted item keeps
only its bare row (topic, dates, `deleted_at`) so that history elsewhere can say "deleted"; its
words, feeling and files are gone.

The topics themselves are a catalogue in code (`participation.views.topics`); only the
keyworker's choice of topics for one child is stored.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, HasPublicId, Timestamp, str_enum
from .people import Child, StaffMember
from .review import Review


class ItemKind(StrEnum):
    """What an item holds, for lists and for the pack. Worked out from its contents."""

    TEXT = "text"
    PHOTO = "photo"
    VIDEO = "video"
    MIXED = "mixed"  # more than one of words, photos and a video
    FEELING = "feeling"  # only a face on the feelings scale


class ItemAuthor(StrEnum):
    """Who put the words down. Either way they are the child's words."""

    CHILD = "child"
    KEYWORKER_WITH_CHILD = "keyworker-with-child"


class MediaKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"


class MediaStatus(StrEnum):
    PROCESSING = "processing"  # a video waiting for (or in) the worker
    READY = "ready"
    FAILED = "failed"  # `failure_reason` says why, in a code the pages put into words


class ViewsSettings(Base):
    """The keyworker's choice of topics for one child (no row: the usual ones for their age)."""

    __tablename__ = "views_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), unique=True)
    # Topic codes from the catalogue, in catalogue order; None means "the usual for their age".
    topics: Mapped[list[str] | None] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    updated_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(Integer, default=1)

    child: Mapped[Child] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Item(HasPublicId, Base):
    """One thing a child says for a topic: words, a feeling, photos and/or a video."""

    __tablename__ = "view_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    # The review it is for: the child's next planned review when it was made (None if none).
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), index=True)
    topic: Mapped[str] = mapped_column(String(40))
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind))
    text: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(String(300), default="")
    feeling: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[ItemAuthor] = mapped_column(str_enum(ItemAuthor), default=ItemAuthor.CHILD)
    # The keyworker who wrote the child's words down (only with KEYWORKER_WITH_CHILD).
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    deleted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Weak wifi: a save that reached the server but whose answer did not reach the tablet is
    # sent again. Each page of the form carries a key of its own (forms.FormKeyField): the key of
    # the "add" page that made this item, and of the page that saved it last, tell a page's own
    # save sent twice from a second thing or a change from another tablet. Cleared on delete.
    made_with: Mapped[str | None] = mapped_column(String(32))
    saved_with: Mapped[str | None] = mapped_column(String(32))

    child: Mapped[Child] = relationship()
    review: Mapped[Review | None] = relationship()
    written_by: Mapped[StaffMember | None] = relationship()
    media: Mapped[list[MediaFile]] = relationship(
        back_populates="item", order_by="MediaFile.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("feeling IS NULL OR (feeling BETWEEN 1 AND 5)", name="feeling_scale"),
        CheckConstraint(
            "(author = 'child' AND written_by_id IS NULL) OR "
            "(author = 'keyworker-with-child' AND written_by_id IS NOT NULL)",
            name="author_named",
        ),
        UniqueConstraint("child_id", "made_with", name="uq_view_items_made_with"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def photos(self) -> list[MediaFile]:
        return [m for m in self.media if m.kind == MediaKind.PHOTO]

    @property
    def videos(self) -> list[MediaFile]:
        return [m for m in self.media if m.kind == MediaKind.VIDEO]


class StoredFile:
    """What a stored photo or video is, whether it is an item's (MediaFile) or held for a form
    (HeldFile): keys into the media store, never a file name, and what the checks measured."""

    kind: Mapped[MediaKind] = mapped_column(str_enum(MediaKind))
    storage_key: Mapped[str | None] = mapped_column(String(512), unique=True)
    # The photo's thumbnail, or the video's poster frame.
    thumb_key: Mapped[str | None] = mapped_column(String(512), unique=True)
    raw_key: Mapped[str | None] = mapped_column(String(512), unique=True)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # The file as the tablet sent it: the same photo sent twice by one page is kept once.
    sent_sha256: Mapped[str | None] = mapped_column(String(64))

    def stored_keys(self) -> list[str]:
        """Every stored object this row points at."""
        return [k for k in (self.storage_key, self.thumb_key, self.raw_key) if k]

    def stored_values(self) -> dict[str, object]:
        """These columns' values, to make the other kind of row for the same stored files."""
        return {name: getattr(self, name) for name in STORED_FILE_COLUMNS}


# The mixin's columns, in order (its annotations are exactly its columns).
STORED_FILE_COLUMNS = tuple(StoredFile.__annotations__)


class MediaFile(HasPublicId, StoredFile, Base):
    """A photo or video of an item, as stored.

    A photo is stored cleaned at once (`storage_key`, thumbnail in `thumb_key`). A video is kept
    raw under `raw_key` (a private incoming key, never served) while `status` is PROCESSING; the
    worker then stores the clean MP4 in `storage_key` and its poster in `thumb_key`, and deletes
    the raw file.
    """

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("view_items.id"), index=True)
    status: Mapped[MediaStatus] = mapped_column(str_enum(MediaStatus))
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    # How many times the worker has started on this video (a crash loop ends as "failed").
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]

    item: Mapped[Item] = relationship(back_populates="media")

    @property
    def ready(self) -> bool:
        return self.status == MediaStatus.READY


class HeldFile(HasPublicId, StoredFile, Base):
    """A photo or video that passed every check on a form that came back with a problem (words
    too long, another file refused, no topic chosen): stored as it would be for an item, and held
    for the sitting that sent it, so the child does not have to find and choose it again.

    Only the session that sent it sees it (`security.policy.can_view_held`). Saving the form
    turns it into the item's MediaFile (the stored files stay where they are); otherwise
    `flask sweep` deletes it once its session has ended or it is a day old.
    """

    __tablename__ = "held_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    auth_session_id: Mapped[int] = mapped_column(ForeignKey("auth_sessions.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    created_at: Mapped[Timestamp] = mapped_column(index=True)

    @classmethod
    def holding(cls, media: MediaFile, *, auth_session_id: int, child_id: int) -> HeldFile:
        """Hold a stored file that is not (yet) any item's."""
        return cls(auth_session_id=auth_session_id, child_id=child_id, **media.stored_values())

    def for_item(self) -> MediaFile:
        """The item's row for this file: the same stored files, ready to show (a photo) or
        waiting for the worker (a video, stored raw like any new upload)."""
        status = MediaStatus.READY if self.kind == MediaKind.PHOTO else MediaStatus.PROCESSING
        return MediaFile(status=status, **self.stored_values())
