"""A form that comes back with a problem keeps the photos and video that passed the checks:
they are held for the session that sent them, shown again with a "take away" tick, and become
the item's on the next "Save". Nobody else can see them, and the sweeper lets go of them."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta
from html.parser import HTMLParser

from sqlalchemy import select

from participation.child import held as held_answers
from participation.models import AuthSession, HeldFile, Item, MediaFile, MediaKind, utcnow
from participation.records import export
from participation.views import service
from participation.views.cli import sweep_media
from tests.conftest import csrf_from
from tests.support.child_fixtures import CODE
from tests.unit.media.conftest import BAD_TEXT_FILES

from .conftest import _closed, clip_bytes, jpeg_bytes, read

WORDS = "These are my words and they must not get lost"
TOO_LONG = WORDS + " and more" * 600
ADD = "/me/views/living-here/add"
KEPT = "What you chose before is kept here for you. It is saved when you press “Save”."
HELD_THUMB = re.compile(r'<img src="(/me/held/[A-Za-z0-9_-]+)"')


class _HiddenInputs(HTMLParser):
    """Every hidden input of a page's item form, as a browser would send them again."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.found.append((values["name"] or "", values.get("value") or ""))


def hidden_inputs(html: str) -> dict[str, list[str]]:
    parser = _HiddenInputs()
    parser.feed(html)
    sent: dict[str, list[str]] = {}
    for name, value in parser.found:
        sent.setdefault(name, []).append(value)
    return sent


def send_again(client, url: str, page: str, *, photos=(), **fields):
    """Press "Save" again on a page that came back: its hidden inputs (the token, the version,
    the held files) plus `fields` and any photos chosen now."""
    data: dict[str, object] = dict(hidden_inputs(page))
    data.update(fields)
    data["photos"] = [(io.BytesIO(content), name) for content, name in photos]
    return _closed(client.post(url, data=data, content_type="multipart/form-data"))


def _held(session) -> list[HeldFile]:
    session.expire_all()
    return list(session.scalars(select(HeldFile).order_by(HeldFile.id)))


def test_words_too_long_keep_the_photo_and_the_next_save_uses_it(views, session, store, media_dir):
    response = views.add(text=TOO_LONG, photos=[(jpeg_bytes(tmp=media_dir), "ok.jpg")])
    assert response.status_code == 200
    page = response.text.replace("&#39;", "'")
    assert "That's a lot for one" in page and TOO_LONG in page
    assert KEPT in page and "choose them again" not in page
    assert "Take away photo 1" in page
    (held,) = _held(session)
    assert held.kind == MediaKind.PHOTO and session.scalars(select(Item)).all() == []
    thumb = HELD_THUMB.search(page)
    assert thumb and thumb.group(1) == f"/me/held/{held.public_id}"
    picture = views.client.get(thumb.group(1))
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    assert "no-store" in picture.headers["Cache-Control"]
    keys = sorted(store.keys())
    assert len(keys) == 2  # the cleaned photo and its thumbnail, nothing else

    again = send_again(views.client, "/me/views/living-here/add", page, text=WORDS)
    item_id = views.item_id(again)
    session.expire_all()
    item = session.scalar(select(Item).where(Item.public_id == item_id))
    assert item.text == WORDS and len(item.photos) == 1 and item.photos[0].ready
    assert _held(session) == []
    # The same stored files, now the item's: nothing copied, nothing left over.
    assert sorted(store.keys()) == keys == sorted(item.photos[0].stored_keys())


def test_one_bad_photo_among_good_ones_holds_the_good_ones(views, session, store, media_dir):
    good = jpeg_bytes(tmp=media_dir)
    response = views.add(
        text=WORDS, photos=[(good, "a.jpg"), (BAD_TEXT_FILES["svg"], "b.jpg"), (good, "c.jpg")]
    )
    page = response.text.replace("&#39;", "'")
    # By its own name (isolated, for right-to-left pages): the good ones are "photo 1" and
    # "photo 2" in the list kept below.
    assert (
        "The photo called \u2068b.jpg\u2069: We couldn't use that photo. Try a different one."
        in page
    )
    assert "Choose the other photos" not in page and "choose them again" not in page
    assert len(_held(session)) == 2 and len(HELD_THUMB.findall(page)) == 2
    assert len(list(store.keys())) == 4  # two photos and their thumbnails: not the bad one
    assert session.scalars(select(MediaFile)).all() == []

    item_id = views.item_id(send_again(views.client, "/me/views/living-here/add", page))
    session.expire_all()
    assert len(session.scalar(select(Item).where(Item.public_id == item_id)).photos) == 2


def test_a_good_photo_beside_a_refused_video_is_held(views, session, store, media_dir):
    response = views.add(
        text=WORDS,
        photos=[(jpeg_bytes(tmp=media_dir), "ok.jpg")],
        video=(clip_bytes(media_dir, "voice.mp4", vcodec=None), "v.mp4"),
    )
    page = response.text
    assert "That file has sound but no pictures." in page
    assert "choose them again" not in page
    (held,) = _held(session)
    assert held.kind == MediaKind.PHOTO
    # The child can try another video beside the held photo.
    assert 'name="video"' in page


def test_a_held_video_is_kept_and_goes_to_the_worker_on_save(views, session, store, media_dir):
    clip = clip_bytes(media_dir, "ok.mp4")
    response = views.add(text=TOO_LONG, video=(clip, "ok.mp4"))
    page = response.text
    (held,) = _held(session)
    assert held.kind == MediaKind.VIDEO and held.raw_key and not held.storage_key
    assert "Take away the video" in page
    assert 'name="video"' not in page  # one video to each thing: this one is kept
    item_id = views.item_id(send_again(views.client, "/me/views/living-here/add", page, text="Hi"))
    session.expire_all()
    (video,) = session.scalar(select(Item).where(Item.public_id == item_id)).videos
    assert video.ready and video.storage_key and video.raw_key is None  # the worker ran
    assert _held(session) == []


def test_too_many_photos_are_all_held_and_one_can_be_taken_away(views, session, store, media_dir):
    photo = jpeg_bytes(tmp=media_dir)
    response = views.add(text=WORDS, photos=[(photo, f"p{n}.jpg") for n in range(11)])
    page = response.text.replace("&#39;", "'")
    assert "That's a lot of photos! You can add up to 10 to each thing." in page
    held = _held(session)
    assert len(held) == 11 and "Take away photo 11" in page
    taken = held[-1]

    again = send_again(views.client, "/me/views/living-here/add", page, remove=[taken.public_id])
    item_id = views.item_id(again)
    session.expire_all()
    assert len(session.scalar(select(Item).where(Item.public_id == item_id)).photos) == 10
    assert _held(session) == []
    assert not set(taken.stored_keys()) & set(store.keys())  # let go of at once


def test_taking_away_a_held_photo_on_a_page_that_comes_back_again(views, session, store, media_dir):
    response = views.add(text=TOO_LONG, photos=[(jpeg_bytes(tmp=media_dir), "ok.jpg")])
    (held,) = _held(session)
    page = send_again(
        views.client, "/me/views/living-here/add", response.text, text=TOO_LONG,
        remove=[held.public_id],
    ).text  # fmt: skip
    assert "That's a lot for one" in page.replace("&#39;", "'")
    assert _held(session) == [] and list(store.keys()) == []
    assert KEPT not in page and held.public_id not in page


def test_changing_an_item_holds_a_new_photo_when_the_words_are_too_long(
    views, session, store, media_dir
):
    photo = jpeg_bytes(tmp=media_dir)
    item_id = views.item_id(views.add(text="Old words", photos=[(photo, "a.jpg")]))
    url = f"/me/views/items/{item_id}/change"
    response = views.change(item_id, text=TOO_LONG, photos=[(photo, "b.jpg")])
    page = response.text
    assert "Take away photo 1" in page and "Take away photo 2" in page  # its own, then held
    assert len(_held(session)) == 1
    send_again(views.client, url, page, text="New words")
    session.expire_all()
    item = session.scalar(select(Item).where(Item.public_id == item_id))
    assert item.text == "New words" and len(item.photos) == 2 and _held(session) == []


def test_a_change_from_another_tablet_holds_the_new_photo(views, session, store, media_dir):
    item_id = views.item_id(views.add(text="First"))
    url = f"/me/views/items/{item_id}/change"
    stale = views.client.get(url)
    views.change(item_id, text="Changed on the other tablet")
    response = views.change(
        item_id, page=stale, text="Mine", photos=[(jpeg_bytes(tmp=media_dir), "a.jpg")]
    )
    page = response.text
    assert "changed on another tablet" in page and KEPT in page
    assert len(_held(session)) == 1
    send_again(views.client, url, page, text="Mine, checked")
    session.expire_all()
    item = session.scalar(select(Item).where(Item.public_id == item_id))
    assert item.text == "Mine, checked" and len(item.photos) == 1


def test_a_page_that_timed_out_holds_nothing_and_asks_for_the_files_again(
    views, session, store, media_dir
):
    response = _closed(
        views.client.post(
            "/me/views/living-here/add",
            data={
                "csrf_token": "expired-token",
                "text": WORDS,
                "photos": [(io.BytesIO(jpeg_bytes(tmp=media_dir)), "a.jpg")],
            },
            content_type="multipart/form-data",
        )
    )
    assert "timed out" in response.text and WORDS in response.text
    assert "Your photos or video were not added yet: choose them again." in response.text
    assert _held(session) == [] and list(store.keys()) == []


def test_only_the_session_that_sent_them_sees_or_uses_held_files(
    views, tablet, client, auth, keyworker, mia_with_code, session, store, media_dir
):
    response = views.add(text=TOO_LONG, photos=[(jpeg_bytes(tmp=media_dir), "ok.jpg")])
    (held,) = _held(session)
    assert views.client.get(f"/me/held/{held.public_id}").status_code == 200
    # The tablet given back: the keyworker signed in on it does not see it...
    views.client.post("/me/give-back", data={"csrf_token": csrf_from(response.text)})
    auth.sign_in(keyworker)
    assert client.get(f"/held/{held.public_id}").status_code == 404
    auth.sign_out()
    # ...nor does Mia in a new session (handed over again).
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    assert tablet.client.get(f"/me/held/{held.public_id}").status_code == 404
    # The page opened in the new session keeps the words, and says the photo must be chosen
    # again rather than that it is kept.
    page = tablet.client.get("/me/views/living-here/add").text
    assert TOO_LONG in page and "choose them again" in page and "Take away photo" not in page
    # Its id sent with a form from the new session is not taken either.
    again = _closed(
        tablet.client.post(
            "/me/views/living-here/add",
            data={"csrf_token": csrf_from(page), "text": WORDS, "held": [held.public_id]},
            content_type="multipart/form-data",
        )
    )
    item_id = views.item_id(again)
    session.expire_all()
    assert session.scalar(select(Item).where(Item.public_id == item_id)).media == []


def test_the_sweeper_lets_go_of_held_files_of_ended_or_old_sessions(
    views, session, store, media_dir, tmp_path
):
    views.add(text=TOO_LONG, photos=[(jpeg_bytes(tmp=media_dir), "ok.jpg")])
    (held,) = _held(session)
    keys = held.stored_keys()
    uploads = tmp_path / "uploads"
    assert sweep_media(session, store, uploads, 3600).held == 0  # its session is still going
    assert set(keys) <= set(store.keys())
    later = (utcnow() + timedelta(days=1, minutes=1)).timestamp()
    assert sweep_media(session, store, uploads, 3600, now=later).held == 1
    assert _held(session) == [] and not set(keys) & set(store.keys())

    views.add(text=TOO_LONG, photos=[(jpeg_bytes(tmp=media_dir), "ok.jpg")])
    (held,) = _held(session)
    session.get(AuthSession, held.auth_session_id).ended_at = utcnow()
    session.commit()
    assert sweep_media(session, store, uploads, 3600).held == 1
    assert _held(session) == []


def _staff_write(client, child, page=None, photos=(), **fields):
    url = f"/children/{child.public_id}/views/write"
    html = page if page is not None else client.get(url).text
    return send_again(client, url, html, photos=photos, **fields)


def test_the_keyworkers_form_speaks_to_staff_about_words_too_long(
    client, auth, session, mia, keyworker
):
    """A staff page: its message in staff words, with the limit and the count (QA: it spoke as
    to a child, of "letters and spaces")."""
    auth.sign_in(keyworker)
    words = "Mia said school is better now. " * 600  # 18,600 characters
    page = _staff_write(client, mia, text=words, topic="living-here").text.replace("&#39;", "'")
    limit = f"{service.TEXT_LIMIT}"
    assert f"That is too long: keep it under {limit} characters. It has 18,599 now." in page
    assert "letters and spaces" not in page and "That's a bit long" not in page
    assert words.strip() in page


def test_the_keyworkers_form_holds_the_photo_when_no_topic_is_chosen(
    client, auth, session, mia, keyworker, store, media_dir
):
    auth.sign_in(keyworker)
    photo = jpeg_bytes(tmp=media_dir)
    response = _staff_write(client, mia, text="Words", photos=[(photo, "a.jpg")])
    page = response.text
    assert "Choose the topic it is about." in page and "choose them again" not in page
    assert "Photos and video kept from the last try" in page
    assert len(_held(session)) == 1
    thumb = re.search(r'<img src="(/held/[A-Za-z0-9_-]+)"', page)
    assert thumb and client.get(thumb.group(1)).status_code == 200
    again = _staff_write(client, mia, page=page, text="Words", topic="living-here")
    assert again.status_code == 302
    session.expire_all()
    item = session.scalar(select(Item))
    assert len(item.photos) == 1 and _held(session) == []
    # Saved, it is the child's: the keyworker's link to the held picture has gone with it.
    assert client.get(thumb.group(1)).status_code == 404


def test_what_is_held_is_in_the_childs_own_export_and_not_the_case_record(
    views, session, store, media_dir, mia_with_code, app
):
    """Held words and photos are the child's data while they are held: a subject access request
    made now gets them. The copy for the case record holds only what the child shared."""
    views.add(text=TOO_LONG, photos=[(jpeg_bytes(tmp=media_dir), "ok.jpg")])
    (held,) = _held(session)
    child = session.get(type(mia_with_code), mia_with_code.id)
    # As a break or a refused autosave holds them (how is tested with child/held.py).
    held_answers.hold(session, child_id=child.id, path=ADD, answers=[("text", TOO_LONG)])

    everything = export.collect(session, child)
    [answers] = everything.tables["held_answers"]
    assert ["text", TOO_LONG] in answers["answers"]
    assert [row["public_id"] for row in everything.tables["held_files"]] == [held.public_id]
    out = io.BytesIO()
    with app.test_request_context():
        export.write_zip(everything, store, out, date(2026, 11, 25))
    archive = zipfile.ZipFile(out)
    data = json.loads(archive.read("records.json"))
    name = data["media"][held.public_id]
    assert archive.read(name) == read(store, held.storage_key)
    page = archive.read("index.html").decode()
    assert "Not saved yet" in page and TOO_LONG in page

    shared_only = export.collect(session, child, only_items=[])
    assert "held_answers" not in shared_only.tables and "held_files" not in shared_only.tables
    assert shared_only.media == []


def test_the_page_opened_again_after_a_refusal_still_has_the_photo(
    views, session, store, media_dir
):
    """Refused (words too long), then the page opened again (Back, a new visit) instead of
    sent again: it said "What you chose before is kept here" and showed the words only, and the
    photo was lost on the next "Save" (QA). It comes back with the words."""
    refused = views.add(text=TOO_LONG, photos=[(jpeg_bytes(tmp=media_dir), "ok.jpg")])
    assert refused.status_code == 200
    (held,) = _held(session)
    again = views.client.get(ADD).text.replace("&#39;", "'")
    assert KEPT in again and TOO_LONG in again
    assert "Take away photo 1" in again
    assert f'name="held" value="{held.public_id}"' in again
    item_id = views.item_id(send_again(views.client, ADD, again, text=WORDS))
    session.expire_all()
    item = session.scalar(select(Item).where(Item.public_id == item_id))
    assert item.text == WORDS and len(item.photos) == 1
    # Saved: nothing is held for the page any more.
    assert "Take away photo" not in views.client.get(ADD).text
