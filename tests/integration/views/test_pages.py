"""Topics by age band, the keyworker's choice of topics, My page's card, and reading never
writing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from participation import clock
from participation.child import service as space_service
from participation.models import (
    AgeBand,
    ChildSpace,
    Item,
    MediaFile,
    PlacementType,
    ViewsSettings,
)
from participation.views import topics
from tests.conftest import csrf_from
from tests.support import factories
from tests.support.child_fixtures import CODE

from .conftest import ChildViews, jpeg_bytes

TODAY = clock.today()


def _born(years: int) -> date:
    return date(TODAY.year - years, 1, 1)  # had their birthday this year already


@pytest.fixture
def child_of(session, keyworker, tablet, store):
    """A child of a given age on the tablet."""

    def make(age: int, placement: PlacementType = PlacementType.RESIDENTIAL) -> ChildViews:
        child = factories.make_child(
            session, preferred_name="Sam", date_of_birth=_born(age), placement_type=placement
        )
        factories.assign(session, keyworker, child)
        session.commit()
        space_service.set_picture_code(session, child, CODE, keyworker)
        tablet.hand_over(keyworker, child)
        tablet.tap(CODE)
        return ChildViews(tablet.client)

    return make


def test_young_children_start_with_the_three_houses(child_of):
    views = child_of(6)
    page = views.client.get("/me/views").text
    assert "My three houses" in page
    for title in ("My house of good things", "My house of worries", "My house of dreams"):
        assert title in page
    assert "Living here" not in page and "Where I live" not in page
    house = views.client.get("/me/views/good-things").text
    assert "What are the good things in your life?" in house


def test_middle_band_topics_say_family_time_never_contact(child_of):
    views = child_of(10)
    page = views.client.get("/me/views").text
    for title in ("Living here", "Family and friends", "School and learning", "Worries"):
        assert title in page
    assert "My future" not in page
    family = views.client.get("/me/views/family-and-friends").text
    assert "family time" in family and "contact" not in family.lower()
    assert views.client.get("/me/views/my-future").status_code == 404


def test_older_children_have_my_future_and_staying_close_from_16(child_of):
    views = child_of(16)
    future = views.client.get("/me/views/my-future").text
    assert "What are your plans and hopes for the future?" in future
    assert "Staying Close" in future


def test_staying_put_for_16_in_foster_care(child_of):
    views = child_of(17, PlacementType.FOSTER)
    assert "Staying Put" in views.client.get("/me/views/my-future").text


def test_thirteen_year_olds_have_my_future_without_staying_put(child_of):
    views = child_of(13)
    future = views.client.get("/me/views/my-future").text
    assert "My future" in future and "Staying" not in future


def test_worries_pages_point_to_the_worried_button(views):
    page = views.client.get("/me/views/worries").text.replace("&#39;", "'")
    assert "If you don't feel safe, press “I'm worried”" in page


def test_every_topic_has_words_for_every_band_it_is_offered_to():
    for topic in topics.TOPICS:
        for band in topic.offered_to:
            page = topics.page_for(topic.code, band, 14)
            assert str(page.title) and str(page.prompt) and page.ideas
            text = " ".join(str(x) for x in (page.title, page.prompt, *page.ideas)).lower()
            assert "contact" not in text and "placement" not in text and "lac" not in text.split()
    assert set(topics.usual(AgeBand.YOUNG)) == set(topics.HOUSES)
    assert "my-future" in topics.usual(AgeBand.OLDER)
    assert "my-future" not in topics.usual(AgeBand.MIDDLE)


def test_the_feelings_scale_is_faces_with_words(views):
    page = views.client.get("/me/views/school/add").text
    for words in ("Very sad", "Sad", "In the middle", "Happy", "Very happy"):
        assert f"<span>{words}</span>" in page
    assert page.count("/static/img/feelings/") == 5
    assert 'accept="image/*"' in page and 'accept="video/*"' in page and "multiple" in page


def test_my_page_card_counts_what_the_child_has_said(views):
    assert "Tell the adults what your life is like." in views.client.get("/me").text
    views.add(text="one")
    views.add("school", text="two")
    page = views.client.get("/me").text
    assert "You have said 2 things." in page and 'href="/me/views"' in page


def _choose_topics(client, child, **data):
    page = client.get(f"/children/{child.public_id}/views/topics")
    return client.post(
        f"/children/{child.public_id}/views/topics",
        data={"csrf_token": csrf_from(page.text), "version": "", **data},
    )


def test_the_keyworker_chooses_the_topics_a_child_sees(client, auth, session, mia, keyworker):
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia.public_id}").text
    assert f"/children/{mia.public_id}/views/topics" in record
    assert f"/children/{mia.public_id}/views/write" in record
    page = client.get(f"/children/{mia.public_id}/views/topics").text
    assert "Use the usual topics for their age" in page
    response = _choose_topics(client, mia, topics=["school", "good-things"])
    assert response.status_code == 302
    settings = session.scalar(select(ViewsSettings))
    assert settings.topics == ["good-things", "school"] and settings.updated_by_id == keyworker.id
    again = _choose_topics(client, mia, usual="y", topics=["school"])
    assert again.status_code == 302
    session.expire_all()
    assert session.scalar(select(ViewsSettings)).topics is None


def test_a_tampered_topic_is_refused(client, auth, session, mia, keyworker):
    auth.sign_in(keyworker)
    response = _choose_topics(client, mia, topics=["school", "my-future"])  # 13+ only
    assert response.status_code == 200 and "There is a problem" in response.text
    assert session.scalar(select(ViewsSettings)) is None


def test_the_child_sees_the_chosen_topics_and_keeps_topics_she_spoke_in(
    views, session, mia_with_code, keyworker
):
    views.add("living-here", text="My room")
    session.add(ViewsSettings(child_id=mia_with_code.id, topics=["school"]))
    session.commit()
    page = views.client.get("/me/views").text
    assert "School and learning" in page
    assert "Living here" in page  # she has said something there
    assert "Worries" not in page
    assert views.client.get("/me/views/worries").status_code == 404


def test_managers_and_iros_cannot_choose_topics_or_write(client, auth, session, mia):
    from participation.models import Role

    for role in (Role.IRO, Role.MANAGER):
        staff = factories.make_staff(session, role)
        factories.assign(session, staff, mia)
        session.commit()
        auth.sign_in(staff)
        assert client.get(f"/children/{mia.public_id}/views/topics").status_code == 404
        assert client.get(f"/children/{mia.public_id}/views/write").status_code == 404
        auth.sign_out()


def test_another_caseloads_child_is_a_404(client, auth, session, keyworker):
    other = factories.make_child(session)
    session.commit()
    auth.sign_in(keyworker)
    assert client.get(f"/children/{other.public_id}/views/topics").status_code == 404
    assert client.get(f"/children/{other.public_id}/views/write").status_code == 404


def _counts(session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Item, MediaFile, ViewsSettings, ChildSpace)
    }


def test_reading_never_writes(views, session, media_dir, app, keyworker):
    item_id = views.item_id(views.add(text="Hi", photos=[(jpeg_bytes(tmp=media_dir), "a.jpg")]))
    media_id = session.scalar(select(MediaFile)).public_id
    before = _counts(session)
    urls = [
        "/me",
        "/me/views",
        "/me/views/living-here",
        "/me/views/school",
        "/me/views/living-here/add",
        f"/me/views/items/{item_id}",
        f"/me/views/items/{item_id}/change",
        f"/me/views/items/{item_id}/delete",
        f"/me/views/items/{item_id}/status",
        f"/me/views/photos/{media_id}/hide",
        f"/me/media/{media_id}",
        f"/me/media/{media_id}/thumb",
    ]
    for url in urls:
        assert views.client.get(url).status_code == 200, url
    assert _counts(session) == before
    session.expire_all()
    assert session.scalar(select(Item)).version == 1


def test_staff_pages_read_without_writing(client, auth, session, keyworker):
    child = factories.make_child(session)  # no child space row yet
    factories.assign(session, keyworker, child)
    session.commit()
    auth.sign_in(keyworker)
    before = _counts(session)
    assert client.get(f"/children/{child.public_id}/views/topics").status_code == 200
    assert client.get(f"/children/{child.public_id}/views/write").status_code == 200
    assert _counts(session) == before
