"""Making a child's items (with photos in the media store) and sharing choices, for the sharing
and pack tests. Items are made as rows directly: the views area's own tests cover uploads."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

from participation.media.storage import Storage, new_key
from participation.models import (
    Audience,
    Child,
    Item,
    ItemKind,
    MediaFile,
    MediaKind,
    MediaStatus,
    Review,
    ShareDecision,
)
from participation.sharing import service as sharing_service


def jpeg(size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (200, 60, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _put(storage: Storage, kind: str, body: bytes) -> str:
    key = new_key(kind)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "object"
        path.write_bytes(body)
        storage.put(key, path)
    return key


def make_item(
    session: Session,
    child: Child,
    review: Review | None,
    text: str,
    *,
    topic: str = "living-here",
    photos: int = 0,
    storage: Storage | None = None,
    photo_size: tuple[int, int] = (64, 48),
) -> Item:
    item = Item(
        child_id=child.id,
        review_id=review.id if review else None,
        topic=topic,
        kind=ItemKind.PHOTO if photos and not text else ItemKind.TEXT,
        text=text,
    )
    session.add(item)
    session.flush()
    for _number in range(photos):
        assert storage is not None
        body = jpeg(photo_size)
        item.media.append(
            MediaFile(
                kind=MediaKind.PHOTO,
                status=MediaStatus.READY,
                storage_key=_put(storage, "photo", body),
                thumb_key=_put(
                    storage,
                    "thumb",
                    jpeg((max(32, photo_size[0] // 4), max(24, photo_size[1] // 4))),
                ),
                width=photo_size[0],
                height=photo_size[1],
                size_bytes=len(body),
            )
        )
    session.commit()
    return item


def share(session: Session, item: Item, audience: Audience, shared: bool = True) -> None:
    subject = sharing_service.item_choice(item)
    now = sharing_service.current(session, subject).get(audience)
    sharing_service.decide(
        session,
        subject,
        audience,
        ShareDecision.SHARED if shared else ShareDecision.PRIVATE,
        loaded_version=now.version if now else 0,
        words_shown="test",
    )
