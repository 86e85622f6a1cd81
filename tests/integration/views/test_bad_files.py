"""Files a child's tablet might send that cannot be used: each gets its own words, nothing is
stored, and the words the child typed in the same form are still there. (Good files sent beside
a bad one are held for the next try: test_held_files.py.)"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from participation.models import Item, MediaFile
from tests.unit.media.conftest import BAD_TEXT_FILES, write_pixel_bomb_png

from .conftest import clip_bytes, jpeg_bytes

WORDS = "These are my words and they must not get lost"


def _nothing_kept(app, session, store) -> None:
    assert session.scalars(select(Item)).all() == []
    assert session.scalars(select(MediaFile)).all() == []
    assert list(store.keys()) == []
    uploads = Path(app.instance_path) / "uploads"
    assert [p.name for p in uploads.iterdir()] == [] if uploads.exists() else True


def _refused(
    response, message: str, kept: str = "Nothing is saved yet. Your words are still here."
) -> None:
    assert response.status_code == 200
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert message in page, page[page.find("<main") :][:3000]
    assert WORDS in page  # the words typed in the same form are kept
    assert kept in page
    assert "<title>Error:" in page


def _gif(tmp: Path) -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue()


def _truncated_jpeg(tmp: Path) -> bytes:
    whole = jpeg_bytes((800, 600), metadata=True, tmp=tmp)
    return whole[: len(whole) // 2]


def _pixel_bomb(tmp: Path) -> bytes:
    return write_pixel_bomb_png(tmp / "bomb.png").read_bytes()


BAD_PHOTOS = {
    "html renamed as a photo": (lambda tmp: BAD_TEXT_FILES["html"], "We couldn't use that photo."),
    "svg renamed as a photo": (lambda tmp: BAD_TEXT_FILES["svg"], "We couldn't use that photo."),
    "eps renamed as a photo": (lambda tmp: BAD_TEXT_FILES["eps"], "We couldn't use that photo."),
    "php renamed as a photo": (lambda tmp: BAD_TEXT_FILES["php"], "We couldn't use that photo."),
    "zero bytes": (lambda tmp: b"", "That photo was empty."),
    "truncated jpeg": (_truncated_jpeg, "That photo seems to be broken."),
    "pixel bomb": (_pixel_bomb, "That photo is too big for us."),
    "gif": (_gif, "We can't use GIF pictures. Try a photo instead."),
}


@pytest.mark.parametrize("case", sorted(BAD_PHOTOS))
def test_a_bad_photo_is_refused_in_child_words(case, views, app, session, store, media_dir):
    make, message = BAD_PHOTOS[case]
    response = views.add(text=WORDS, photos=[(make(media_dir), "photo.jpg")])
    _refused(response, message)
    _nothing_kept(app, session, store)


def _audio_only(tmp: Path) -> bytes:
    return clip_bytes(tmp, "voice.mp4", vcodec=None)


def _ten_minutes(tmp: Path) -> bytes:
    # 600 plain frames of 64x64 at 1 fps: ten minutes that take a moment to make.
    return clip_bytes(
        tmp, "long.mp4", source="color", size=(64, 64), rate=1, seconds=600, acodec=None
    )


def _huge_resolution(tmp: Path) -> bytes:
    return clip_bytes(tmp, "strip.mp4", size=(5000, 300), rate=1, seconds=1, acodec=None)


def _truncated_video(tmp: Path) -> bytes:
    whole = clip_bytes(tmp, "whole.mp4", seconds=2.0)
    return whole[: len(whole) // 3]


BAD_VIDEOS = {
    "audio only": (_audio_only, "That file has sound but no pictures."),
    "ten minutes long": (_ten_minutes, "That video is too long. Videos can be up to 3 minutes."),
    "huge resolution": (_huge_resolution, "That video is too big for us."),
    "html renamed as a video": (lambda tmp: BAD_TEXT_FILES["html"], "We couldn't use that video."),
    "a photo chosen as a video": (lambda tmp: jpeg_bytes(tmp=tmp), "We couldn't use that video."),
    "zero bytes": (lambda tmp: b"", "That video was empty."),
    "truncated": (_truncated_video, "That video seems to be broken."),
}


@pytest.mark.parametrize("case", sorted(BAD_VIDEOS))
def test_a_bad_video_is_refused_in_child_words(case, views, app, session, store, media_dir):
    make, message = BAD_VIDEOS[case]
    response = views.add(text=WORDS, video=(make(media_dir), "video.mp4"))
    _refused(response, message)
    _nothing_kept(app, session, store)


def test_a_refused_photo_when_changing_keeps_the_new_words(views, session, store, media_dir):
    item_id = views.item_id(views.add(text="Old words"))
    response = views.change(item_id, text=WORDS, photos=[(BAD_TEXT_FILES["php"], "x.jpg")])
    # The thing saved before is still saved: it is this change that is not.
    _refused(
        response,
        "We couldn't use that photo.",
        kept="This change is not saved yet. Your words are still here.",
    )
    assert "Nothing is saved yet" not in response.text
    session.expire_all()
    assert session.scalar(select(Item)).text == "Old words"
    assert list(store.keys()) == []


def test_a_refused_photo_beside_words_already_saved_says_the_words_are_saved(views, session, store):
    """Autosave kept the words as the child typed; the photo chosen with them was refused: the
    words are saved, and the page must not say "This change is not saved yet" of them."""
    item_id = views.item_id(views.add(text=WORDS))
    response = views.change(item_id, text=WORDS, photos=[(BAD_TEXT_FILES["php"], "x.jpg")])
    _refused(
        response,
        "We couldn't use that photo.",
        kept="Your words are saved. The photo or video is not added yet.",
    )
    assert "not saved yet" not in response.text
    session.expire_all()
    assert session.scalar(select(Item)).text == WORDS


def test_a_photo_refused_on_its_own_is_not_asked_for_twice(views, media_dir):
    response = views.add(text=WORDS, photos=[(BAD_TEXT_FILES["php"], "x.jpg")])
    page = response.text.replace("&#39;", "'")
    assert "We couldn't use that photo." in page
    assert "choose them again" not in page


def test_a_body_over_the_cap_gets_the_413_page_in_child_words(
    views, app, session, store, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    response = views.add(text=WORDS, photos=[(b"\xff\xd8" + b"x" * 200_000, "big.jpg")])
    assert response.status_code == 413
    assert "That is too big to send" in response.text
    assert "Nothing was saved" in response.text
    assert session.scalars(select(Item)).all() == []


def test_a_staff_page_over_the_cap_gets_the_413_page(
    client, auth, app, keyworker, mia, store, monkeypatch
):
    auth.sign_in(keyworker)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    response = client.post(
        f"/children/{mia.public_id}/views/write",
        data={"photos": [(io.BytesIO(b"x" * 200_000), "big.jpg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "That file is too big" in response.text


def test_a_mov_with_a_location_is_accepted_and_the_location_is_gone(
    views, session, store, media_dir
):
    import av

    from .conftest import read

    clip = clip_bytes(
        media_dir,
        "trip.mov",
        fmt="mov",
        metadata={"location": "+51.5074-000.1278/", "title": "Secret title"},
    )
    assert b"+51.5074" in clip
    item_id = views.item_id(views.add(video=(clip, "IMG_0002.MOV")))
    session.expire_all()
    media = session.scalar(select(MediaFile))
    assert media.item.public_id == item_id and media.ready
    stored = read(store, media.storage_key)
    assert b"+51.5074" not in stored and b"Secret title" not in stored
    with av.open(io.BytesIO(stored)) as container:
        assert dict(container.metadata).keys() <= {
            "major_brand",
            "minor_version",
            "compatible_brands",
        }
    assert struct.unpack(">I", stored[:4])[0] > 0
