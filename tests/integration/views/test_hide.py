"""Hide part of my photo: tap squares on a grid (no dragging), blur or cover them; done to the
stored photo and its thumbnail, and the unhidden photo is kept nowhere."""

from __future__ import annotations

import re

from PIL import ImageChops, ImageStat
from sqlalchemy import select

from participation.models import Item, MediaFile
from participation.views.service import grid_for, regions_for
from tests.conftest import csrf_from
from tests.unit.media.conftest import noisy

from .conftest import image_of, read, version_from


def _photo_item(views, session, media_dir, size=(800, 800)):
    path = media_dir / "noisy.jpg"
    noisy(size).save(path, "JPEG", quality=90)
    item_id = views.item_id(
        views.add(text="Me and my friend", photos=[(path.read_bytes(), "a.jpg")])
    )
    session.expire_all()
    return session.scalar(select(Item).where(Item.public_id == item_id))


def _hide(views, media, cells, mode="blur", page=None):
    html = (page or views.client.get(f"/me/views/photos/{media.public_id}/hide")).text
    return views.client.post(
        f"/me/views/photos/{media.public_id}/hide",
        data={
            "csrf_token": csrf_from(html),
            "version": version_from(html),
            "cells": [str(c) for c in cells],
            "mode": mode,
        },
    )


def test_the_grid_is_four_across_with_squares_near_square():
    assert grid_for(800, 800) == (4, 4)
    assert grid_for(1600, 900) == (2, 4)
    assert grid_for(900, 1600) == (6, 4)
    assert grid_for(4000, 300) == (1, 4)
    first, last = regions_for([1, 16], 4, 4)
    assert (first.x, first.y, first.w, first.h) == (0, 0, 0.25, 0.25)
    assert (last.x, last.y) == (0.75, 0.75)


def test_the_page_has_numbered_squares_to_tap_and_no_dragging(views, session, media_dir):
    item = _photo_item(views, session, media_dir)
    (media,) = item.photos
    page = views.client.get(f"/me/views/photos/{media.public_id}/hide").text
    boxes = re.findall(
        r'<input class="cell-box" id="cells-(\d+)" name="cells" type="checkbox"', page
    )
    assert [int(n) for n in boxes] == list(range(16))
    assert 'for="cells-0"' in page and "drag" not in page.lower()
    assert "Blur them" in page and "Cover them up" in page


def test_covering_squares_changes_only_them_and_keeps_no_original(views, session, store, media_dir):
    item = _photo_item(views, session, media_dir)
    (media,) = item.photos
    before = image_of(read(store, media.storage_key)).convert("RGB")
    old_keys = media.stored_keys()
    response = _hide(views, media, [1], mode="cover")
    assert response.status_code == 302
    session.expire_all()
    media = session.scalar(select(MediaFile))
    after = image_of(read(store, media.storage_key)).convert("RGB")
    assert after.size == before.size
    # The top-left square is one flat dark colour now.
    square = after.crop((0, 0, 200, 200))
    assert max(ImageStat.Stat(square).stddev) < 3
    # Outside it, the photo is as it was (give or take JPEG re-encoding).
    rest = ImageChops.difference(after.crop((0, 400, 800, 800)), before.crop((0, 400, 800, 800)))
    assert max(ImageStat.Stat(rest).mean) < 4
    # The unhidden photo and its thumbnail are gone from the store; the new thumbnail hides too.
    assert not any(store.exists(key) for key in old_keys)
    thumb = image_of(read(store, media.thumb_key)).convert("RGB")
    assert max(ImageStat.Stat(thumb.crop((0, 0, 90, 90))).stddev) < 3
    assert media.sha256 == store.sha256(media.storage_key)
    assert sorted(store.keys()) == sorted(media.stored_keys())


def test_blurring_makes_the_squares_unrecognisable(views, session, store, media_dir):
    item = _photo_item(views, session, media_dir)
    (media,) = item.photos
    before = image_of(read(store, media.storage_key)).convert("RGB")
    assert _hide(views, media, [6, 7]).status_code == 302
    session.expire_all()
    media = session.scalar(select(MediaFile))
    after = image_of(read(store, media.storage_key)).convert("RGB")
    box = (200, 200, 600, 400)
    assert (
        ImageStat.Stat(after.crop(box)).stddev[0] < ImageStat.Stat(before.crop(box)).stddev[0] / 2
    )


def test_no_squares_chosen_is_a_kind_message(views, session, store, media_dir):
    item = _photo_item(views, session, media_dir)
    (media,) = item.photos
    response = _hide(views, media, [])
    assert response.status_code == 200 and "Tap at least one square to hide." in response.text
    assert _hide(views, media, [99]).status_code == 200  # a square that is not there


def test_a_photo_changed_meanwhile_is_not_hidden_twice_over(views, session, store, media_dir):
    item = _photo_item(views, session, media_dir)
    (media,) = item.photos
    stale = views.client.get(f"/me/views/photos/{media.public_id}/hide")
    assert _hide(views, media, [1]).status_code == 302
    response = _hide(views, media, [2], page=stale)
    assert response.status_code == 200 and "changed on another tablet" in response.text
    session.expire_all()
    assert len(list(store.keys())) == 2  # the hidden photo and its thumbnail, nothing more


def test_only_photos_can_be_hidden(views, session, media_dir):
    from .conftest import clip_bytes

    item_id = views.item_id(views.add(video=(clip_bytes(media_dir), "v.mp4")))
    session.expire_all()
    video = session.scalar(select(MediaFile))
    assert video.item.public_id == item_id
    assert views.client.get(f"/me/views/photos/{video.public_id}/hide").status_code == 404


def test_wide_photos_get_fewer_rows(views, session, media_dir):
    item = _photo_item(views, session, media_dir, size=(1600, 400))
    (media,) = item.photos
    page = views.client.get(f"/me/views/photos/{media.public_id}/hide").text
    assert 'class="hide-cells rows-1"' in page
