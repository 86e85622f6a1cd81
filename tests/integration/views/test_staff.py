"""A keyworker writes down what a child says, with the child: it is the child's, and private to
the child like everything else they say."""

from __future__ import annotations

import io

from sqlalchemy import select

from participation.models import AuditEvent, Item, ItemAuthor, MediaFile, Role
from tests.conftest import csrf_from
from tests.support import factories
from tests.support.child_fixtures import CODE

from .conftest import jpeg_bytes


def _write(client, child, **data):
    page = client.get(f"/children/{child.public_id}/views/write")
    assert page.status_code == 200
    photos = data.pop("photos", [])
    form = {"csrf_token": csrf_from(page.text), **data}
    form["photos"] = [(io.BytesIO(content), name) for content, name in photos]
    return client.post(
        f"/children/{child.public_id}/views/write", data=form, content_type="multipart/form-data"
    )


def test_a_keyworker_writes_down_what_the_child_says(
    client, auth, session, mia_with_code, keyworker, store, media_dir, tablet
):
    auth.sign_in(keyworker)
    page = client.get(f"/children/{mia_with_code.public_id}/views/write").text
    assert "Living here" in page and "Very happy" in page
    response = _write(
        client,
        mia_with_code,
        topic="living-here",
        text="Mia said she loves the garden.",
        feeling="5",
        photos=[(jpeg_bytes(tmp=media_dir), "garden.jpg")],
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/children/{mia_with_code.public_id}"
    item = session.scalar(select(Item))
    assert item.author == ItemAuthor.KEYWORKER_WITH_CHILD and item.written_by_id == keyworker.id
    assert item.child_id == mia_with_code.id and len(item.photos) == 1
    record = client.get(f"/children/{mia_with_code.public_id}").text
    assert "Only Mia can see it until they choose to share it." in record
    # The keyworker cannot see it afterwards: it is Mia's.
    assert "loves the garden" not in record
    assert client.get(f"/media/{item.photos[0].public_id}").status_code == 404
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "write-view-item-with-child")
    )
    assert event.actor_id == keyworker.public_id and event.subject_id == item.public_id
    assert "garden" not in event.detail
    # Mia sees it in her own space, with who wrote it down.
    auth.sign_out()
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    shown = tablet.client.get(f"/me/views/items/{item.public_id}").text
    assert "Mia said she loves the garden." in shown
    assert "Written by Kim Keyworker with Mia" in shown


def test_a_topic_must_be_chosen_and_words_kept(client, auth, session, mia, keyworker, store):
    auth.sign_in(keyworker)
    response = _write(client, mia, text="Words to keep")
    assert response.status_code == 200
    assert "Choose the topic it is about." in response.text and "Words to keep" in response.text
    assert session.scalars(select(Item)).all() == []


def test_the_write_page_does_not_reveal_topics_with_private_items(
    client, auth, session, mia, keyworker, store
):
    from participation.models import ViewsSettings

    session.add(Item(child_id=mia.id, topic="worries", kind="text", text="private"))
    session.add(ViewsSettings(child_id=mia.id, topics=["school"]))
    session.commit()
    auth.sign_in(keyworker)
    page = client.get(f"/children/{mia.public_id}/views/write").text
    assert 'value="school"' in page and 'value="worries"' not in page
    assert "private" not in page


def test_a_refused_photo_keeps_the_keyworkers_words(client, auth, session, mia, keyworker, store):
    auth.sign_in(keyworker)
    response = _write(
        client,
        mia,
        topic="school",
        text="Mia likes maths",
        photos=[(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.jpg")],
    )
    assert response.status_code == 200
    assert "Mia likes maths" in response.text
    assert session.scalars(select(MediaFile)).all() == [] and list(store.keys()) == []


def test_social_workers_choose_topics_but_do_not_write(client, auth, session, mia):
    social_worker = factories.make_staff(session, Role.SOCIAL_WORKER)
    factories.assign(session, social_worker, mia)
    session.commit()
    auth.sign_in(social_worker)
    assert client.get(f"/children/{mia.public_id}/views/topics").status_code == 200
    assert client.get(f"/children/{mia.public_id}/views/write").status_code == 404
