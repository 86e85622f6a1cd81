"""The page choosing who can see one thing shows the thing itself, as the child's own item page
does: the feeling face with its words, the words, the caption, photo thumbnails and the video's
still. A child who cannot read, or has several photos, can tell what they are about to share."""

from __future__ import annotations

import re

from participation.models import ItemKind, MediaFile, MediaKind, MediaStatus
from tests.support.queries import count_statements

from .helpers import _put, jpeg, make_item


def _understand(on_tablet):
    assert on_tablet.client.get("/me/sharing/what-it-means").status_code == 200
    return on_tablet.post("/me/sharing/what-it-means")


def _sharing_page(on_tablet, item) -> str:
    response = on_tablet.client.get(f"/me/views/items/{item.public_id}/sharing")
    assert response.status_code == 200
    return response.text


def _img(page: str, src: str) -> str:
    found = re.search(rf'<img src="{re.escape(src)}"[^>]*>', page)
    assert found, f"no picture {src} on the page"
    return found.group(0)


def _face(page: str) -> str:
    found = re.search(
        r'<p class="feeling-shown"><img src="/static/img/feelings/([a-z-]+)\.svg', page
    )
    assert found, "no feeling face on the page"
    return found.group(1)


def test_the_photos_feeling_and_caption_are_shown(on_tablet, team, session, store):
    item = make_item(session, team.child, team.review, "", photos=2, storage=store)
    item.kind = ItemKind.MIXED
    item.feeling = 4
    item.caption = "Me and Biscuit in the garden"
    item.media.append(
        MediaFile(
            kind=MediaKind.VIDEO,
            status=MediaStatus.READY,
            storage_key=_put(store, "video", b"not really a video"),
            thumb_key=_put(store, "poster", jpeg((160, 120))),
            width=160,
            height=120,
        )
    )
    session.commit()
    _understand(on_tablet)
    page = _sharing_page(on_tablet, item)

    # The feeling: the face drawing, and its words beside it.
    assert _face(page) == "happy"
    assert "How I feel:" in page and "<strong>Happy</strong>" in page
    assert '<p class="item-caption">Me and Biscuit in the garden</p>' in page
    # Not "2 photos or videos": each photo as a small picture, named as on the item page.
    assert "photos or videos" not in page
    photos = [m for m in item.media if m.kind == MediaKind.PHOTO]
    for number, photo in enumerate(photos, 1):
        url = f"/me/media/{photo.public_id}/thumb"
        img = _img(page, url)
        assert f'alt="Photo {number}: Me and Biscuit in the garden"' in img
        # Small, as in the list of items (the photo is 64 x 48).
        assert 'width="144" height="108"' in img
        answer = on_tablet.client.get(url)
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "image/jpeg"
    # The full-size photo is not what the page shows.
    assert f'src="/me/media/{photos[0].public_id}"' not in page
    video = next(m for m in item.media if m.kind == MediaKind.VIDEO)
    poster = f"/me/media/{video.public_id}/poster"
    assert 'alt="A still from my video"' in _img(page, poster)
    assert on_tablet.client.get(poster).status_code == 200
    # The choices are still there below it.
    assert page.index("Me and Biscuit") < page.index("Choose for each person")
    assert page.count('class="button share-button') == 8


def test_a_feeling_on_its_own_shows_the_face(on_tablet, team, session):
    item = make_item(session, team.child, team.review, "")
    item.kind = ItemKind.FEELING
    item.feeling = 1
    session.commit()
    _understand(on_tablet)
    page = _sharing_page(on_tablet, item)
    assert _face(page) == "very-sad"
    assert "<strong>Very sad</strong>" in page


def test_the_words_are_shown_as_the_child_wrote_them(on_tablet, team, session):
    item = make_item(session, team.child, team.review, "I like my room.\nIt is blue.")
    _understand(on_tablet)
    page = _sharing_page(on_tablet, item)
    assert '<p class="item-text" dir="auto">I like my room.\nIt is blue.</p>' in page
    assert "How I feel:" not in page


def test_more_photos_ask_the_database_no_more(on_tablet, team, session, store):
    one = make_item(session, team.child, team.review, "One", photos=1, storage=store)
    many = make_item(session, team.child, team.review, "Many", photos=6, storage=store)
    many.feeling = 3
    many.caption = "All of them"
    session.commit()
    _understand(on_tablet)
    client = on_tablet.client
    assert count_statements(client, f"/me/views/items/{many.public_id}/sharing") == (
        count_statements(client, f"/me/views/items/{one.public_id}/sharing")
    )
