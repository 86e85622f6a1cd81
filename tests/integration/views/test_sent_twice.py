"""Weak wifi: a save that reached the server but whose answer never reached the tablet is sent
again (the page's autosave tries again, the child presses "Save" again, the browser re-sends).
The page's own key says it is the same save: one thing, one copy of each photo, and no "changed
on another tablet" for a change that was this tablet's own."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from participation.models import Item, MediaFile
from tests.conftest import csrf_from

from .conftest import _closed, jpeg_bytes, version_from

ADD = "/me/views/living-here/add"
KEY_RE = re.compile(r'id="form_key" name="form_key" type="hidden" value="([A-Za-z0-9_-]+)"')


def form_key_from(html: str) -> str:
    match = KEY_RE.search(html)
    assert match, "no form key on the page"
    return match.group(1)


def _items(session) -> list[Item]:
    session.expire_all()
    return list(session.scalars(select(Item).order_by(Item.id)))


def _send(client, url, fields, photos=(), headers=None):
    data = dict(fields)
    data["photos"] = [(io.BytesIO(content), name) for content, name in photos]
    return _closed(
        client.post(url, data=data, content_type="multipart/form-data", headers=headers or {})
    )


def test_save_pressed_twice_makes_one_thing_with_one_photo(views, session, media_dir):
    page = views.client.get(ADD).text
    fields = {"csrf_token": csrf_from(page), "form_key": form_key_from(page), "author": "child"}
    fields["text"] = "My room is nice"
    photo = [(jpeg_bytes(tmp=media_dir), "room.jpg")]
    first = _send(views.client, ADD, fields, photo)
    again = _send(views.client, ADD, fields, photo)
    assert views.item_id(again) == views.item_id(first)
    [item] = _items(session)
    assert item.text == "My room is nice" and len(item.photos) == 1
    assert "Saved" in views.client.get(again.headers["Location"]).text


def test_a_new_photo_sent_with_the_same_save_again_is_kept(views, session, media_dir):
    """Back after a lost answer, another photo chosen, "Save" again: the first photo is not
    kept twice, the new one is kept."""
    page = views.client.get(ADD).text
    fields = {"csrf_token": csrf_from(page), "form_key": form_key_from(page), "text": "Us"}
    first_photo = (jpeg_bytes(tmp=media_dir), "a.jpg")
    _send(views.client, ADD, fields, [first_photo])
    _send(views.client, ADD, fields, [first_photo, (jpeg_bytes((300, 300), tmp=media_dir), "b")])
    [item] = _items(session)
    assert sorted((p.width, p.height) for p in item.photos) == [(300, 300), (640, 480)]


def test_an_autosave_whose_answer_was_lost_saves_into_the_thing_it_made(views, session):
    page = views.client.get(ADD).text
    fields = {"csrf_token": csrf_from(page), "form_key": form_key_from(page)}
    autosave = {"X-Autosave": "1"}
    first = views.client.post(ADD, data={**fields, "text": "Half a tho"}, headers=autosave)
    # The tablet never heard back, so it still sends to the new thing's address.
    second = views.client.post(ADD, data={**fields, "text": "Half a thought"}, headers=autosave)
    assert second.json["saved"] is True and second.json["item"] == first.json["item"]
    [item] = _items(session)
    assert item.text == "Half a thought"


def test_save_after_a_lost_autosave_answer_finishes_the_same_thing(views, session, media_dir):
    page = views.client.get(ADD).text
    fields = {"csrf_token": csrf_from(page), "form_key": form_key_from(page)}
    views.client.post(ADD, data={**fields, "text": "At first"}, headers={"X-Autosave": "1"})
    done = _send(
        views.client, ADD, {**fields, "text": "At last"}, [(jpeg_bytes(tmp=media_dir), "a.jpg")]
    )
    assert done.status_code == 302
    [item] = _items(session)
    assert item.text == "At last" and len(item.photos) == 1


def test_leaving_after_a_lost_answer_saves_into_the_thing(views, session):
    """The words sent as the page goes (views.js's "X-Hold") go into the thing the page made,
    not held for a second one."""
    page = views.client.get(ADD).text
    fields = {"csrf_token": csrf_from(page), "form_key": form_key_from(page)}
    views.client.post(ADD, data={**fields, "text": "One"}, headers={"X-Autosave": "1"})
    views.client.post(
        ADD, data={**fields, "text": "One two"}, headers={"X-Autosave": "1", "X-Hold": "1"}
    )
    [item] = _items(session)
    assert item.text == "One two"
    assert "One two" not in views.client.get(ADD).text  # nothing held for a new thing


def test_a_change_sent_twice_is_not_told_it_was_changed_elsewhere(views, session, media_dir):
    item_id = views.item_id(views.add(text="School is OK"))
    page = views.client.get(f"/me/views/items/{item_id}/change")
    photo = [(jpeg_bytes(tmp=media_dir), "class.jpg")]
    first = views.change(item_id, page=page, text="School is good", photos=photo,
                         form_key=form_key_from(page.text))  # fmt: skip
    again = views.change(item_id, page=page, text="School is good", photos=photo,
                         form_key=form_key_from(page.text))  # fmt: skip
    assert views.item_id(first) == views.item_id(again) == item_id
    [item] = _items(session)
    assert item.text == "School is good" and len(item.photos) == 1
    assert session.scalar(select(func.count(MediaFile.id))) == 1


def test_another_tablets_change_between_is_still_told(views, session):
    item_id = views.item_id(views.add(text="First words"))
    one = views.client.get(f"/me/views/items/{item_id}/change")
    key_one = form_key_from(one.text)
    assert views.change(item_id, page=one, text="Tablet one", form_key=key_one).status_code == 302
    two = views.client.get(f"/me/views/items/{item_id}/change")
    key_two = form_key_from(two.text)
    assert key_one != key_two
    assert views.change(item_id, page=two, text="Tablet two", form_key=key_two).status_code == 302
    # Tablet one's save sent again now would undo tablet two's: it is told instead.
    told = views.change(item_id, page=one, text="Tablet one", form_key=key_one)
    assert told.status_code == 200 and "changed on another tablet" in told.text
    assert _items(session)[0].text == "Tablet two"


def test_a_deleted_thing_is_not_brought_back_by_its_save_sent_again(views, session):
    page = views.client.get(ADD).text
    fields = {"csrf_token": csrf_from(page), "form_key": form_key_from(page), "text": "Gone"}
    item_id = views.item_id(_send(views.client, ADD, fields))
    confirm = views.client.get(f"/me/views/items/{item_id}/delete").text
    views.client.post(
        f"/me/views/items/{item_id}/delete",
        data={"csrf_token": csrf_from(confirm), "version": version_from(confirm)},
    )
    assert _items(session) == []
    again = _send(views.client, ADD, fields)
    assert views.item_id(again) != item_id  # a new thing, as the child asked again


def test_words_typed_after_a_clash_are_held_for_the_page(views, session):
    """Two tablets: the later one's autosave is refused (a clash) and stops; what it typed
    after was lost at the break (QA). It is held for the page as the page goes, and shown with
    the clash to settle, nothing saved over the other tablet's words."""
    item_id = views.item_id(views.add(text="My weekend"))
    url = f"/me/views/items/{item_id}/change"
    one, two = views.client.get(url).text, views.client.get(url).text
    fields = {"csrf_token": csrf_from(one), "version": version_from(one)}
    views.client.post(url, data={**fields, "text": "Tablet one", "form_key": form_key_from(one)},
                      headers={"X-Autosave": "1"})  # fmt: skip
    later = {**fields, "form_key": form_key_from(two), "text": "Tablet two, a long story"}
    assert views.client.post(url, data=later, headers={"X-Autosave": "1"}).status_code == 409
    held = views.client.post(url, data=later, headers={"X-Autosave": "1", "X-Hold": "1"})
    assert held.status_code == 202
    assert _items(session)[0].text == "Tablet one"  # nothing saved over it
    back = views.client.get(url).text
    assert "Tablet two, a long story" in back
    # Saved from there, the clash is shown to settle, both words on the page.
    settled = views.change(item_id, page=views.client.get(url), text="Tablet two, a long story")
    assert "changed on another tablet" in settled.text and "Tablet one" in settled.text
