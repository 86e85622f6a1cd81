"""Photos and videos are served only through the authorised route: to the child who owns them
(later, to those the child shares with), with locked-down headers and byte ranges."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.models import AuditEvent, MediaFile, Role
from participation.views import serving
from tests.support import factories
from tests.support.child_fixtures import CODE

from .conftest import clip_bytes, jpeg_bytes, read


@pytest.fixture
def mias_media(views, session, media_dir):
    """Mia's photo and video (both ready)."""
    views.add(
        text="Me",
        photos=[(jpeg_bytes(tmp=media_dir), "a.jpg")],
        video=(clip_bytes(media_dir, seconds=2.0), "v.mp4"),
    )
    session.expire_all()
    photo, video = session.scalars(select(MediaFile).order_by(MediaFile.id)).all()
    assert photo.ready and video.ready
    return {"photo": photo, "video": video}


EXPECTED = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Accept-Ranges": "bytes",
}


def _headers_are_locked_down(response, content_type: str, filename: str) -> None:
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f'inline; filename="{filename}"'


def test_the_child_gets_her_photo_thumbnail_video_and_poster(views, mias_media, store):
    photo, video = mias_media["photo"], mias_media["video"]
    day = photo.created_at.strftime("%Y-%m-%d")
    cases = [
        (f"/me/media/{photo.public_id}", photo.storage_key, "image/jpeg", f"photo-{day}.jpg"),
        (f"/me/media/{photo.public_id}/thumb", photo.thumb_key, "image/jpeg", f"thumb-{day}.jpg"),
        (f"/me/media/{video.public_id}", video.storage_key, "video/mp4", f"video-{day}.mp4"),
        (f"/me/media/{video.public_id}/poster", video.thumb_key, "image/jpeg", f"poster-{day}.jpg"),
    ]
    for url, key, content_type, filename in cases:
        response = views.client.get(url)
        assert response.status_code == 200, url
        _headers_are_locked_down(response, content_type, filename)
        assert response.data == read(store, key)
        assert response.headers["Content-Length"] == str(len(response.data))


def test_variants_that_do_not_exist_are_404(views, mias_media):
    photo, video = mias_media["photo"], mias_media["video"]
    assert views.client.get(f"/me/media/{photo.public_id}/poster").status_code == 404
    assert views.client.get(f"/me/media/{video.public_id}/thumb").status_code == 404
    assert views.client.get(f"/me/media/{photo.public_id}/original").status_code == 404
    assert views.client.get("/me/media/no-such-thing").status_code == 404


def test_range_requests_let_a_video_play_and_seek(views, mias_media, store):
    video = mias_media["video"]
    whole = read(store, video.storage_key)
    length = len(whole)
    url = f"/me/media/{video.public_id}"

    first = views.client.get(url, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.headers["Content-Range"] == f"bytes 0-99/{length}"
    assert first.headers["Content-Length"] == "100" and first.data == whole[:100]
    day = video.created_at.strftime("%Y-%m-%d")
    _headers_are_locked_down(first, "video/mp4", f"video-{day}.mp4")

    middle = views.client.get(url, headers={"Range": f"bytes={length // 2}-"})
    assert middle.status_code == 206 and middle.data == whole[length // 2 :]
    assert middle.headers["Content-Range"] == f"bytes {length // 2}-{length - 1}/{length}"

    tail = views.client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == whole[-10:]

    longer_than_file = views.client.get(url, headers={"Range": f"bytes=-{length * 2}"})
    assert longer_than_file.status_code == 206 and longer_than_file.data == whole

    past_the_end = views.client.get(url, headers={"Range": f"bytes={length}-"})
    assert past_the_end.status_code == 416
    assert past_the_end.headers["Content-Range"] == f"bytes */{length}"
    assert past_the_end.headers["Cache-Control"] == "no-store"

    for nonsense in ("bytes=9-2", "bytes=abc", "bytes=--1"):
        assert views.client.get(url, headers={"Range": nonsense}).status_code == 416, nonsense

    # Units we do not know, several ranges, or an If-Range we cannot check: the whole file.
    for headers in (
        {"Range": "items=0-5"},
        {"Range": "bytes=0-1,5-6"},
        {"Range": "bytes=0-1", "If-Range": '"etag"'},
    ):
        response = views.client.get(url, headers=headers)
        assert response.status_code == 200 and response.data == whole


def test_a_store_that_cannot_seek_is_read_a_range_at_a_time(views, mias_media, store, monkeypatch):
    video = mias_media["video"]
    whole = read(store, video.storage_key)
    opened = store.open

    class NotSeekable:
        def __init__(self, key):
            self.inner = opened(key)

        def seekable(self):
            return False

        def close(self):
            self.inner.close()

    monkeypatch.setattr(store, "open", NotSeekable)
    monkeypatch.setattr(serving, "CHUNK", 1000)
    response = views.client.get(f"/me/media/{video.public_id}", headers={"Range": "bytes=10-4009"})
    assert response.status_code == 206 and response.data == whole[10:4010]


def test_a_video_is_sent_a_chunk_at_a_time(views, mias_media, store, monkeypatch):
    video = mias_media["video"]
    whole = read(store, video.storage_key)
    reads: list[int] = []
    opened = store.open

    class Counting:
        def __init__(self, key):
            self.inner = opened(key)

        def seekable(self):
            return True

        def seek(self, position):
            self.inner.seek(position)

        def read(self, size=-1):
            reads.append(size)
            return self.inner.read(size)

        def close(self):
            self.inner.close()

    monkeypatch.setattr(store, "open", Counting)
    monkeypatch.setattr(serving, "CHUNK", 4096)
    response = views.client.get(f"/me/media/{video.public_id}")
    assert response.data == whole
    # Never asked for more than a chunk: the file is never held whole in memory.
    assert len(reads) > 2 and max(reads) <= 4096 and -1 not in reads


def test_head_requests_send_headers_only(views, mias_media):
    video = mias_media["video"]
    response = views.client.head(f"/me/media/{video.public_id}")
    assert response.status_code == 200 and response.data == b""
    assert int(response.headers["Content-Length"]) > 0


def test_another_childs_media_is_a_404_for_a_child(
    views, mias_media, app, session, keyworker, auth
):
    other = factories.make_child(session, preferred_name="Noah")
    factories.assign(session, keyworker, other)
    session.commit()
    from participation.child import service as space_service

    space_service.set_picture_code(session, other, CODE, keyworker)
    noah_client = app.test_client()
    from tests.conftest import Auth
    from tests.support.child_fixtures import Tablet

    noahs_tablet = Tablet(noah_client, Auth(noah_client))
    noahs_tablet.hand_over(keyworker, other)
    noahs_tablet.tap(CODE)
    assert noah_client.get("/me").status_code == 200
    for media in mias_media.values():
        for url in (f"/me/media/{media.public_id}", f"/me/media/{media.public_id}/thumb"):
            assert noah_client.get(url).status_code == 404
    item_id = session.scalar(select(MediaFile)).item.public_id
    for url in (
        f"/me/views/items/{item_id}",
        f"/me/views/items/{item_id}/change",
        f"/me/views/items/{item_id}/delete",
        f"/me/views/items/{item_id}/status",
        f"/me/views/photos/{mias_media['photo'].public_id}/hide",
    ):
        assert noah_client.get(url).status_code == 404, url
    denied = session.scalars(select(AuditEvent).where(AuditEvent.action == "access-denied")).all()
    assert any(event.actor_kind == "child" for event in denied)


@pytest.mark.parametrize("role", [Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO, Role.MANAGER])
def test_staff_cannot_see_a_childs_private_media(role, mias_media, app, session, mia_with_code):
    staff = factories.make_staff(session, role)
    factories.assign(session, staff, mia_with_code)
    session.commit()
    client = app.test_client()
    from tests.conftest import Auth

    Auth(client).sign_in(staff)
    for media in mias_media.values():
        variant = "thumb" if media.kind.value == "photo" else "poster"
        for url in (f"/media/{media.public_id}", f"/media/{media.public_id}/{variant}"):
            assert client.get(url).status_code == 404, url
        # The child's own URLs are not for staff either.
        assert client.get(f"/me/media/{media.public_id}").status_code == 404
    denied = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "access-denied", AuditEvent.actor_id == staff.public_id
        )
    ).all()
    assert len(denied) >= 6
    assert all("Me" not in (event.detail or "") for event in denied)
    # Each names the file asked for, and a search of the record for the child finds them
    # (QA: refused looks at a child's photo named nothing, so nobody could find them).
    assert {event.subject_id for event in denied} == {m.public_id for m in mias_media.values()}
    from participation.audit import search

    found = search.search(session, search.AuditFilters(subject_id=mia_with_code.public_id))
    assert {e.id for e in denied} <= {e.id for e in found.events}


def test_staff_have_no_page_showing_a_private_item(views, mias_media, app, session, keyworker):
    item_id = session.scalar(select(MediaFile)).item.public_id
    client = app.test_client()
    from tests.conftest import Auth

    Auth(client).sign_in(keyworker)
    for url in (f"/me/views/items/{item_id}", f"/me/views/items/{item_id}/change"):
        assert client.get(url).status_code == 404


def test_signed_out_nobody_gets_media(app, mias_media):
    client = app.test_client()
    for media in mias_media.values():
        assert client.get(f"/me/media/{media.public_id}").status_code == 404
        assert client.get(f"/media/{media.public_id}").status_code == 302  # to sign in


def test_a_deleted_items_media_is_gone(views, mias_media, session):
    from tests.conftest import csrf_from

    from .conftest import version_from

    item_id = session.scalar(select(MediaFile)).item.public_id
    page = views.client.get(f"/me/views/items/{item_id}/delete").text
    views.client.post(
        f"/me/views/items/{item_id}/delete",
        data={"csrf_token": csrf_from(page), "version": version_from(page)},
    )
    for media in mias_media.values():
        assert views.client.get(f"/me/media/{media.public_id}").status_code == 404


def test_the_child_views_pages_use_only_the_authorised_media_urls(views, mias_media):
    item_id = mias_media["photo"].item.public_id
    page = views.client.get(f"/me/views/items/{item_id}").text
    assert "/media/" in page
    assert "instance" not in page and "photo/" not in page and '.jpg"' not in page
