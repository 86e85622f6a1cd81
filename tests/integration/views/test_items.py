"""A child adds, changes and deletes what they say: words, a feeling, photos, a video."""

from __future__ import annotations

import io

import av
import pytest
from sqlalchemy import select

from participation.models import Item, ItemAuthor, ItemKind, MediaFile, MediaStatus
from tests.conftest import csrf_from
from tests.unit.media.conftest import SECRET_MAKE, SECRET_MODEL, is_bluish, is_reddish, pixel

from .conftest import clip_bytes, image_of, jpeg_bytes, read, version_from


def _item(session, item_id) -> Item:
    session.expire_all()
    return session.scalar(select(Item).where(Item.public_id == item_id))


def test_a_child_says_something_in_words(views, session, mia_with_code):
    response = views.add(text="I like my room.\nIt has stars on the ceiling.", feeling="5")
    item_id = views.item_id(response)
    item = _item(session, item_id)
    assert item.child_id == mia_with_code.id
    assert item.kind == ItemKind.TEXT and item.feeling == 5
    assert item.author == ItemAuthor.CHILD and item.written_by_id is None
    page = views.client.get(f"/me/views/items/{item_id}").text
    assert "It has stars on the ceiling." in page
    assert "Very happy" in page and "Written by Mia" in page
    assert "Only you can see this." in page
    topic = views.client.get("/me/views/living-here").text
    assert "I like my room." in topic


def test_a_feeling_on_its_own_is_something_said(views, session):
    item_id = views.item_id(views.add(feeling="2"))
    assert _item(session, item_id).kind == ItemKind.FEELING


@pytest.mark.parametrize("nothing", ["   ", "\u200b\u200b", "\ufeff \u2060"])
def test_nothing_at_all_is_not_saved(views, session, nothing):
    # Zero-width characters only made a thing that looked empty, blank in the pack (QA).
    response = views.add(text=nothing)
    assert response.status_code == 200
    assert "Write something, choose a face, or add a photo or video first." in response.text
    assert session.scalars(select(Item)).all() == []


def test_words_over_the_limit_stay_on_the_page(views, session):
    long_words = "I have a lot to say. " * 300
    response = views.add(text=long_words)
    assert response.status_code == 200
    assert "say the rest in a new one" in response.text
    assert "I have a lot to say. I have a lot to say." in response.text
    assert "maxlength" not in response.text
    assert session.scalars(select(Item)).all() == []


def test_a_photo_is_cleaned_before_it_is_stored(views, session, store, media_dir):
    photo = jpeg_bytes((640, 480), metadata=True, tmp=media_dir)
    item_id = views.item_id(views.add(text="My bike", photos=[(photo, "IMG_0001.JPG")]))
    item = _item(session, item_id)
    assert item.kind == ItemKind.MIXED
    (media,) = item.media
    assert media.status == MediaStatus.READY
    stored = read(store, media.storage_key)
    assert SECRET_MAKE.encode() not in stored and SECRET_MODEL.encode() not in stored
    image = image_of(stored)
    # Orientation 6 applied: the landscape pixels are now upright (portrait), and nothing rides
    # along: no EXIF (so no GPS), no ICC profile, no comment.
    assert image.size == (480, 640)
    assert not image.getexif() and "icc_profile" not in image.info and "exif" not in image.info
    assert media.sha256 == store.sha256(media.storage_key) and media.size_bytes == len(stored)
    thumb = image_of(read(store, media.thumb_key))
    assert max(thumb.size) <= 400
    assert "IMG_0001" not in media.storage_key


def test_several_photos_at_once(views, session, media_dir):
    photos = [(jpeg_bytes((320 + n, 240), tmp=media_dir), f"p{n}.jpg") for n in range(3)]
    item = _item(session, views.item_id(views.add(photos=photos)))
    assert item.kind == ItemKind.PHOTO and len(item.photos) == 3


def test_a_video_is_got_ready_by_the_worker(views, session, store, media_dir):
    clip = clip_bytes(media_dir, metadata={"title": "Secret title", "location": "+51.5-000.1/"})
    item_id = views.item_id(views.add(text="My dance", video=(clip, "dance.mp4")))
    item = _item(session, item_id)
    (media,) = item.videos
    # Tests run the queue immediately: the real task has already run.
    assert media.status == MediaStatus.READY, media.failure_reason
    assert media.raw_key is None and media.attempts == 1
    assert list(store.keys("incoming/")) == []
    with av.open(io.BytesIO(read(store, media.storage_key))) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert "title" not in container.metadata and "location" not in container.metadata
    poster = image_of(read(store, media.thumb_key))
    assert poster.size[0] > 0
    page = views.client.get(f"/me/views/items/{item_id}").text
    assert f'src="/me/media/{media.public_id}"' in page
    assert f'poster="/me/media/{media.public_id}/poster"' in page


def test_a_video_waiting_for_the_worker_says_so(views, session, app, media_dir, monkeypatch):
    queue = app.extensions["views_queue"]
    monkeypatch.setattr(queue, "task", lambda media_id: None)  # the worker has not run yet
    clip = clip_bytes(media_dir)
    item_id = views.item_id(views.add(video=(clip, "clip.mov")))
    (media,) = _item(session, item_id).videos
    assert media.status == MediaStatus.PROCESSING and media.raw_key.startswith("incoming/")
    page = views.client.get(f"/me/views/items/{item_id}").text
    assert "Getting your video ready…" in page
    assert f"/me/views/items/{item_id}/status" in page
    status = views.client.get(f"/me/views/items/{item_id}/status")
    assert status.json == {"processing": 1}
    # Nothing is served before it is ready; the raw upload never is.
    assert views.client.get(f"/me/media/{media.public_id}").status_code == 404


def test_the_keyworker_who_handed_over_can_have_written_it_down(views, session, keyworker):
    page = views.client.get("/me/views/living-here/add").text
    assert "Kim Keyworker wrote down what I said" in page
    # A drawing for each answer, for a child who cannot read the words.
    assert "img/plan/person.svg" in page and "img/sharing/keyworker.svg" in page
    item_id = views.item_id(views.add(text="I want a dog", author="keyworker-with-child"))
    item = _item(session, item_id)
    assert item.author == ItemAuthor.KEYWORKER_WITH_CHILD and item.written_by_id == keyworker.id
    shown = views.client.get(f"/me/views/items/{item_id}").text
    assert "Written by Kim Keyworker with Mia" in shown


def test_a_child_changes_their_words_and_adds_a_photo(views, session, media_dir):
    item_id = views.item_id(views.add(text="School is OK"))
    response = views.change(
        item_id,
        text="School is good now",
        feeling="4",
        photos=[(jpeg_bytes(tmp=media_dir), "class.jpg")],
    )
    assert views.item_id(response) == item_id
    item = _item(session, item_id)
    assert item.text == "School is good now" and item.feeling == 4
    assert item.kind == ItemKind.MIXED and len(item.photos) == 1 and item.version == 2


def test_taking_a_photo_away_deletes_the_stored_files(views, session, store, media_dir):
    photos = [
        (jpeg_bytes(tmp=media_dir), "a.jpg"),
        (jpeg_bytes((300, 300), tmp=media_dir), "b.jpg"),
    ]
    item_id = views.item_id(views.add(text="Us", photos=photos))
    first, second = _item(session, item_id).photos
    gone = first.stored_keys()
    response = views.change(item_id, text="Us", remove=[first.public_id])
    assert response.status_code == 302
    item = _item(session, item_id)
    assert [m.public_id for m in item.photos] == [second.public_id]
    assert not any(store.exists(key) for key in gone)
    assert views.client.get(f"/me/media/{first.public_id}").status_code == 404


def test_only_one_video_per_thing(views, session, media_dir):
    clip = clip_bytes(media_dir)
    item_id = views.item_id(views.add(video=(clip, "a.mp4")))
    response = views.change(item_id, video=(clip, "b.mp4"))
    assert response.status_code == 200
    assert "You can add one video to each thing" in response.text
    assert len(_item(session, item_id).videos) == 1


def test_deleting_removes_the_words_and_the_files(views, session, store, media_dir):
    item_id = views.item_id(
        views.add(
            text="A secret",
            feeling="1",
            caption="caption words",
            photos=[(jpeg_bytes(tmp=media_dir), "a.jpg")],
            video=(clip_bytes(media_dir), "v.mp4"),
        )
    )
    keys = [key for media in _item(session, item_id).media for key in media.stored_keys()]
    assert keys and all(store.exists(key) for key in keys)
    confirm = views.client.get(f"/me/views/items/{item_id}/delete")
    assert "gone for good" in confirm.text
    from tests.conftest import csrf_from

    response = views.client.post(
        f"/me/views/items/{item_id}/delete",
        data={"csrf_token": csrf_from(confirm.text), "version": version_from(confirm.text)},
    )
    assert response.status_code == 302
    assert _item(session, item_id) is None  # never shared: the row goes too
    assert session.scalars(select(MediaFile)).all() == []
    assert list(store.keys()) == []
    assert views.client.get(f"/me/views/items/{item_id}").status_code == 404
    assert "A secret" not in views.client.get("/me/views/living-here").text


def test_two_tablets_the_later_save_is_told(views, session):
    item_id = views.item_id(views.add(text="First words"))
    first_page = views.client.get(f"/me/views/items/{item_id}/change")
    second_page = views.client.get(f"/me/views/items/{item_id}/change")
    assert views.change(item_id, page=first_page, text="Tablet one").status_code == 302
    response = views.change(item_id, page=second_page, text="Tablet two")
    assert response.status_code == 200
    assert "changed on another tablet" in response.text
    assert "Tablet one" in response.text and "Tablet two" in response.text  # both shown
    assert _item(session, item_id).text == "Tablet one"  # nothing overwritten
    # Saving again from the page it was told on works.
    assert views.change(item_id, page=response, text="Tablet two").status_code == 302
    assert _item(session, item_id).text == "Tablet two"


def test_words_saved_on_a_tablet_after_the_other_deleted_it_are_kept(views, session):
    item_id = views.item_id(views.add(text="Keep me"))
    change_page = views.client.get(f"/me/views/items/{item_id}/change")
    delete_page = views.client.get(f"/me/views/items/{item_id}/delete").text
    from tests.conftest import csrf_from

    views.client.post(
        f"/me/views/items/{item_id}/delete",
        data={"csrf_token": csrf_from(delete_page), "version": version_from(delete_page)},
    )
    response = views.change(item_id, page=change_page, text="My new words")
    assert response.status_code == 200
    assert "deleted on another tablet" in response.text and "My new words" in response.text
    assert 'action="/me/views/living-here/add"' in response.text


def test_autosave_makes_the_item_then_saves_into_it(views, session):
    page = views.client.get("/me/views/living-here/add").text
    from tests.conftest import csrf_from

    token = csrf_from(page)
    first = views.client.post(
        "/me/views/living-here/add",
        data={"csrf_token": token, "text": "Half a tho"},
        headers={"X-Autosave": "1"},
    )
    assert first.status_code == 200 and first.json["saved"] is True
    item_id = first.json["item"]
    assert first.json["change_url"] == f"/me/views/items/{item_id}/change"
    second = views.client.post(
        first.json["change_url"],
        data={"csrf_token": token, "text": "Half a thought", "version": first.json["version"]},
        headers={"X-Autosave": "1"},
    )
    assert second.json["saved"] is True and second.json["version"] == 2
    assert _item(session, item_id).text == "Half a thought"
    stale = views.client.post(
        first.json["change_url"],
        data={"csrf_token": token, "text": "Old tablet", "version": first.json["version"]},
        headers={"X-Autosave": "1"},
    )
    assert stale.status_code == 409 and stale.json["conflict"] is True
    assert "press “Save” to see what it says now" in stale.json["message"]  # not shown here
    assert _item(session, item_id).text == "Half a thought"


def test_autosave_of_nothing_saves_nothing(views, session):
    page = views.client.get("/me/views/living-here/add").text
    from tests.conftest import csrf_from

    response = views.client.post(
        "/me/views/living-here/add",
        data={"csrf_token": csrf_from(page), "text": ""},
        headers={"X-Autosave": "1"},
    )
    assert response.json["saved"] is False
    assert session.scalars(select(Item)).all() == []


def test_a_page_that_timed_out_keeps_the_words(views, session, app, monkeypatch):
    response = views.client.post(
        "/me/views/living-here/add",
        data={"csrf_token": "expired-token", "text": "Words from before the break"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Words from before the break" in response.text
    assert "timed out" in response.text
    assert session.scalars(select(Item)).all() == []


def test_photo_pixels_are_upright(views, session, store, media_dir):
    # Left half red, right half blue, saved sideways with orientation 6 (turn 90 clockwise).
    photo = jpeg_bytes((400, 300), metadata=True, tmp=media_dir)
    (media,) = _item(session, views.item_id(views.add(photos=[(photo, "x.jpg")]))).photos
    image = image_of(read(store, media.storage_key)).convert("RGB")
    assert image.size == (300, 400)
    # After turning, red is on top and blue at the bottom.
    assert is_reddish(pixel(image, (150, 40))) and is_bluish(pixel(image, (150, 360)))


def test_going_back_to_a_deleted_thing_stays_in_the_childs_space(views, session):
    """Back after "Delete it" (or an old link): the child's own 'not found', in their words,
    with their header and a big way back to their page, not the adults' page."""
    item_id = views.item_id(views.add(text="Something I will delete"))
    page = views.client.get(f"/me/views/items/{item_id}/delete").text
    done = views.client.post(
        f"/me/views/items/{item_id}/delete",
        data={"csrf_token": csrf_from(page), "version": version_from(page)},
    )
    assert done.status_code == 302
    gone = views.client.get(f"/me/views/items/{item_id}")
    assert gone.status_code == 404
    assert "We can't find that page" in gone.text and "Page not found" not in gone.text
    assert "Take a break" in gone.text and 'class="button big" href="/me"' in gone.text


def test_a_crash_on_a_child_page_says_sorry_in_the_childs_space(views, monkeypatch):
    from participation.child import routes

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(routes, "read_cards", boom)
    page = views.client.get("/me")
    assert page.status_code == 500
    assert "secret internal detail" not in page.text
    assert "It was not your fault" in page.text and "Take a break" in page.text


def test_a_failed_statement_still_gets_the_childs_sorry_page(views, monkeypatch):
    """A statement the database refused leaves the session needing a rollback; the error page
    reads from it (its language, the child's space), and fell to werkzeug's bare English page
    (QA: two "new staff" sent at once)."""
    from sqlalchemy.exc import IntegrityError

    from participation.child import routes
    from participation.db import db
    from participation.models import Home

    def refused(*args, **kwargs):
        session = db.session()
        session.add(Home())  # no name, no kind: the database refuses it
        session.flush()

    monkeypatch.setattr(routes, "read_cards", refused)
    with pytest.raises(IntegrityError):
        refused()
    db.session.rollback()

    monkeypatch.setattr(routes, "read_cards", refused)
    page = views.client.get("/me")
    assert page.status_code == 500
    assert "It was not your fault" in page.text and "Take a break" in page.text


def test_changing_a_shared_thing_says_who_will_see_the_change(views, session, media_dir):
    """QA: "Only you can see what you add" on a thing shared with the IRO, whose pack showed
    the new photo at once. The page and the message say who sees the change."""
    from participation.models import Audience, ShareDecision
    from participation.sharing import service as sharing

    item_id = views.item_id(views.add(text="My room"))
    url = f"/me/views/items/{item_id}/change"
    assert "Only you can see what you add" in views.client.get(url).text
    subject = sharing.item_choice(_item(session, item_id))
    sharing.decide(
        session, subject, Audience.IRO, ShareDecision.SHARED, loaded_version=0, words_shown="x"
    )
    page = views.client.get(url).text
    assert "The people you shared this with will see what you change." in page
    assert "Only you can see what you add" not in page and "my IRO" in page
    response = views.change(item_id, text="My room", photos=[(jpeg_bytes(tmp=media_dir), "a.jpg")])
    told = views.client.get(response.headers["Location"]).text
    assert "The people you shared it with can see the change." in told
    assert "Saved. Only you can see it." not in told
