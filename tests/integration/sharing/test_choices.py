"""A child chooses who can see each thing: explained first, recorded as new versions, bad
forms refused with nothing changed, withdrawals stopping every later sight."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.models import (
    AgeBand,
    Audience,
    AuditEvent,
    ChildSpace,
    Share,
    ShareDecision,
    ShareRecordChanged,
    SharingExplained,
)
from tests.support import factories

from .helpers import make_item, share


def _shares(session):
    session.expire_all()
    return list(session.scalars(select(Share).order_by(Share.id)))


def _understand(on_tablet):
    page = on_tablet.client.get("/me/sharing/what-it-means")
    assert page.status_code == 200
    return on_tablet.post("/me/sharing/what-it-means")


def test_the_explanation_comes_before_the_first_share(on_tablet, team, session):
    item = make_item(session, team.child, team.review, "My room")
    response = on_tablet.client.get(f"/me/views/items/{item.public_id}/sharing")
    assert response.status_code == 302
    assert "/me/sharing/what-it-means" in response.headers["Location"]
    page = on_tablet.client.get(response.headers["Location"]).text
    # Mia is 12 here (the 8-12 words), and the one exception is said.
    assert "adults have to act to keep you safe" in page
    assert "I understand" in page
    assert session.scalars(select(SharingExplained)).all() == []  # GET never writes
    done = on_tablet.post(
        f"/me/sharing/what-it-means?next=/me/views/items/{item.public_id}/sharing"
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/me/views/items/{item.public_id}/sharing")
    rows = session.scalars(select(SharingExplained)).all()
    assert [row.band for row in rows] == [AgeBand.MIDDLE]
    assert on_tablet.client.get(f"/me/views/items/{item.public_id}/sharing").status_code == 200


def test_a_new_age_band_shows_the_explanation_again(on_tablet, team, session):
    item = make_item(session, team.child, team.review, "My room")
    _understand(on_tablet)
    space = session.scalar(select(ChildSpace).where(ChildSpace.child_id == team.child.id))
    space.age_band_override = AgeBand.OLDER
    session.commit()
    response = on_tablet.client.get(f"/me/views/items/{item.public_id}/sharing")
    assert response.status_code == 302
    page = on_tablet.client.get(response.headers["Location"]).text
    assert "The one exception" in page


def test_nothing_is_pre_selected_and_both_choices_weigh_the_same(on_tablet, team, session):
    item = make_item(session, team.child, team.review, "My room")
    _understand(on_tablet)
    page = on_tablet.client.get(f"/me/views/items/{item.public_id}/sharing").text
    assert "checked" not in page
    # 4 audiences x (share, private), the same button; the choice on now (private) is marked.
    assert page.count('class="button share-button"') == 4
    assert page.count('class="button share-button share-current"') == 4
    assert page.count('value="private" class="button share-button share-current"') == 4
    assert "Keep it private from my IRO" in page and "Share with my IRO" in page
    assert "Only you can see this." in page
    # Each with a drawing, for a child who cannot read: an eye to share, a padlock to keep; and
    # the padlock beside each "Private." too.
    assert page.count("img/sharing/can-see.svg") == 4 and page.count("img/sharing/only-me.svg") >= 8


def test_each_audience_is_named_as_the_child_knows_them(on_tablet, team, session):
    """ "My keyworker" is Kim, "My IRO" is Daniel: the child sees who will see it."""
    from participation.models import StaffMember

    session.get(StaffMember, team.iro.id).known_as = "Daniel"
    session.commit()
    item = make_item(session, team.child, team.review, "My room")
    _understand(on_tablet)
    page = on_tablet.client.get(f"/me/views/items/{item.public_id}/sharing").text
    cards = page.split('<li class="card share-choice" id="share-')[1:]
    names = {card.split('"', 1)[0]: card for card in cards}  # audience -> its card
    assert '<p class="share-names"><bdi>Kim Keyworker</bdi></p>' in names["keyworker"]
    assert '<p class="share-names"><bdi>Grace Okafor</bdi></p>' in names["social-worker"]
    assert '<p class="share-names"><bdi>Daniel</bdi></p>' in names["iro"]
    assert "Hughes" not in page
    assert "share-names" not in names["meeting"]


def test_a_job_nobody_has_just_now_is_said_before_the_child_shares(on_tablet, team, session):
    """Between social workers: sharing waits for whoever starts, and the child is told so
    rather than shown a card with nobody's name on it (QA)."""
    from participation.models import Assignment

    for assignment in session.scalars(
        select(Assignment).where(Assignment.staff_id == team.social_worker.id)
    ):
        assignment.active = False
    session.commit()
    item = make_item(session, team.child, team.review, "My room")
    _understand(on_tablet)
    page = on_tablet.client.get(f"/me/views/items/{item.public_id}/sharing").text
    cards = page.split('<li class="card share-choice" id="share-')[1:]
    names = {card.split('"', 1)[0]: card for card in cards}
    nobody = "Nobody has this job for you just now."
    assert nobody in names["social-worker"] and "Grace" not in page
    assert "Share with my social worker" in names["social-worker"]  # still theirs to choose
    assert all(nobody not in names[a] for a in ("keyworker", "iro", "meeting"))


def test_a_share_is_recorded_with_the_words_shown(on_tablet, team, session):
    item = make_item(session, team.child, team.review, "My room")
    _understand(on_tablet)
    response = on_tablet.post(
        f"/me/views/items/{item.public_id}/sharing", audience="iro", decision="shared", version="0"
    )
    assert response.status_code == 302
    # Back at the card chosen on, whose buttons are heard with the state they change.
    assert response.headers["Location"].endswith("#share-iro")
    page = on_tablet.client.get(response.headers["Location"]).text
    assert 'id="share-iro-state"' in page
    assert page.count('aria-describedby="share-iro-state"') == 2
    [row] = _shares(session)
    assert (row.audience, row.decision, row.version) == (Audience.IRO, ShareDecision.SHARED, 1)
    assert row.decided_by_child and row.decided_by_staff_id is None
    assert "the person who runs my meeting" in row.words_shown
    page = on_tablet.client.get(f"/me/views/items/{item.public_id}").text
    assert "Who can see this:" in page and "my IRO" in page
    topic = on_tablet.client.get("/me/views/living-here").text
    assert "my IRO" in topic
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "share-choice")).all()
    assert [(e.subject_id, e.detail) for e in events] == [(item.public_id, "iro:shared")]


def test_changing_your_mind_adds_a_version_and_withdraws(on_tablet, team, session):
    item = make_item(session, team.child, team.review, "My room")
    _understand(on_tablet)
    url = f"/me/views/items/{item.public_id}/sharing"
    on_tablet.post(url, audience="iro", decision="shared", version="0")
    on_tablet.post(url, audience="iro", decision="private", version="1")
    rows = _shares(session)
    assert [(r.version, r.decision, r.withdrawal) for r in rows] == [
        (1, ShareDecision.SHARED, False),
        (2, ShareDecision.PRIVATE, True),
    ]
    assert "Only you can see this." in on_tablet.client.get(url).text


def test_keeping_it_from_someone_who_sees_it_through_the_meeting_says_so(on_tablet, team, session):
    """ "Keep it private from my keyworker" while it goes to everyone at the meeting: the keyworker
    is at the meeting, so the child is told they still see it, and how to stop that (QA found
    "My keyworker will not see this." here, with the item still in the keyworker's pack)."""
    item = make_item(session, team.child, team.review, "About home")
    _understand(on_tablet)
    url = f"/me/views/items/{item.public_id}/sharing"
    on_tablet.post(url, audience="keyworker", decision="shared", version="0")
    on_tablet.post(url, audience="meeting", decision="shared", version="0")
    on_tablet.post(url, audience="keyworker", decision="private", version="1")
    page = on_tablet.client.get(url).text
    assert "My keyworker will not see this." not in page
    assert "My keyworker can still see this, because it goes to everyone at my meeting" in page
    assert _shares(session)[-1].words_shown.startswith("My keyworker can still see this")
    # Once it no longer goes to the meeting, the keyworker's choice holds: private.
    on_tablet.post(url, audience="meeting", decision="private", version="1")
    assert "It will not go to everyone at my meeting." in on_tablet.client.get(url).text


def test_a_form_from_before_a_withdrawal_changes_nothing(on_tablet, team, session):
    item = make_item(session, team.child, team.review, "My room")
    _understand(on_tablet)
    url = f"/me/views/items/{item.public_id}/sharing"
    on_tablet.post(url, audience="iro", decision="shared", version="0")
    on_tablet.post(url, audience="iro", decision="private", version="1")
    # The other tablet still shows version 1 and presses "Share".
    stale = on_tablet.post(url, audience="iro", decision="shared", version="1")
    assert stale.status_code == 409
    assert "Nothing has changed" in stale.text
    assert len(_shares(session)) == 2
    assert _shares(session)[-1].decision == ShareDecision.PRIVATE


@pytest.mark.parametrize(
    "fields",
    [
        {"audience": "everyone", "decision": "shared", "version": "0"},
        {"audience": "manager", "decision": "shared", "version": "0"},
        {"audience": "iro", "decision": "maybe", "version": "0"},
        {"audience": "iro", "decision": "shared", "version": "x"},
    ],
)
def test_an_unknown_choice_is_refused_clearly(on_tablet, team, session, fields):
    item = make_item(session, team.child, team.review, "My room")
    _understand(on_tablet)
    response = on_tablet.post(f"/me/views/items/{item.public_id}/sharing", **fields)
    assert response.status_code in (400, 409)
    assert "Nothing has changed" in response.text
    assert _shares(session) == []


def test_another_childs_item_is_not_there(on_tablet, team, session):
    other = factories.make_child(session, preferred_name="Sam")
    theirs = make_item(session, other, None, "Not Mia's")
    _understand(on_tablet)
    url = f"/me/views/items/{theirs.public_id}/sharing"
    assert on_tablet.client.get(url).status_code == 404
    assert on_tablet.post(url, audience="iro", decision="shared", version="0").status_code == 404
    assert _shares(session) == []


def test_a_deleted_item_cannot_be_shared(on_tablet, team, session):
    from participation.models import utcnow

    item = make_item(session, team.child, team.review, "Gone")
    item.deleted_at = utcnow()
    session.commit()
    _understand(on_tablet)
    url = f"/me/views/items/{item.public_id}/sharing"
    assert on_tablet.post(url, audience="iro", decision="shared", version="0").status_code == 404


def test_recorded_choices_are_never_changed(team, session):
    item = make_item(session, team.child, team.review, "My room")
    share(session, item, Audience.IRO)
    row = _shares(session)[0]
    row.decision = ShareDecision.PRIVATE
    with pytest.raises(ShareRecordChanged):
        session.commit()
    session.rollback()
    with pytest.raises(ShareRecordChanged):
        session.delete(row)
        session.flush()
    session.rollback()


def test_an_adult_choosing_for_the_child_must_say_why(team, session):
    from participation.sharing import service

    item = make_item(session, team.child, team.review, "My room")
    subject = service.item_choice(item)
    with pytest.raises(service.SharingError):
        service.decide(
            session,
            subject,
            Audience.IRO,
            ShareDecision.SHARED,
            loaded_version=0,
            words_shown="x",
            by_staff=team.keyworker,
        )
    row = service.decide(
        session,
        subject,
        Audience.IRO,
        ShareDecision.SHARED,
        loaded_version=0,
        words_shown="x",
        by_staff=team.keyworker,
        reason="Mia is 6: we chose together and she pointed to the IRO's picture.",
    )
    assert not row.decided_by_child and row.decided_by_staff_id == team.keyworker.id


def test_plan_sections_are_shared_one_by_one(on_tablet, team, session):
    _understand(on_tablet)
    page = on_tablet.client.get("/me/plan/sharing")
    assert page.status_code == 200
    assert "How I&#39;ll take part" in page.text or "How I'll take part" in page.text
    done = on_tablet.post(
        "/me/plan/sharing", section="taking-part", audience="iro", decision="shared", version="0"
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith("#plan-taking-part-iro")
    [row] = _shares(session)
    assert row.plan_section == "taking-part" and row.review_id == team.review.id
    # The adults who plan the meeting see the whole plan anyway: the choice is about their
    # papers, and the page says so rather than "Private. They cannot see it."
    again = on_tablet.client.get("/me/plan/sharing").text
    assert "They cannot see it." not in again and "Keep it private" not in again
    assert "Not in their papers." in again and "In their papers." in again
    assert "so they can see your plan anyway" in again
    # Managers read every plan (and no one's views): the child is told that too.
    assert "The managers check that meetings are planned well. They cannot see your views." in again
    assert again.count("manager") == 2, "named once as a reader, once for what they cannot see"
    bad = on_tablet.post(
        "/me/plan/sharing", section="secret-part", audience="iro", decision="shared", version="0"
    )
    assert bad.status_code == 400 and "Nothing has changed" in bad.text
    assert len(_shares(session)) == 1


def test_staff_cannot_use_the_childs_sharing_pages(client, auth, team, session):
    item = make_item(session, team.child, team.review, "My room")
    auth.sign_in(team.keyworker)
    assert client.get(f"/me/views/items/{item.public_id}/sharing").status_code == 404
    assert client.get("/me/who-has-seen").status_code == 404


def test_the_adult_who_handed_over_can_choose_for_the_child_with_a_reason(on_tablet, team, session):
    item = make_item(session, team.child, team.review, "My room")
    _understand(on_tablet)
    url = f"/me/views/items/{item.public_id}/sharing"
    assert "A grown-up is choosing for me" in on_tablet.client.get(url).text
    page = on_tablet.client.get(f"{url}?for-child=1").text
    assert f"{team.keyworker.name} is pressing the buttons for Mia" in page
    assert page.count(f"Why {team.keyworker.name} is choosing for Mia") == 4

    # No reason: told, nothing recorded, still in the adult's mode.
    refused = on_tablet.post(url, audience="iro", decision="shared", version="0", for_child="1")
    assert refused.status_code == 400
    assert "Please write why you are choosing for Mia. Nothing has changed." in refused.text
    assert f"{team.keyworker.name} is pressing the buttons for Mia" in refused.text
    assert _shares(session) == []

    done = on_tablet.post(
        url,
        audience="iro",
        decision="shared",
        version="0",
        for_child="1",
        reason="Mia is 5 and pointed at her IRO on the picture",
    )
    assert done.status_code == 302 and "for-child=1" in done.headers["Location"]
    [row] = _shares(session)
    assert not row.decided_by_child and row.decided_by_staff_id == team.keyworker.id
    assert row.reason == "Mia is 5 and pointed at her IRO on the picture"
    assert "the person who runs my meeting" in row.words_shown
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "share-choice"))
    assert event.detail == "iro:shared:by-adult" and "pointed" not in (event.detail or "")


def test_no_adult_can_choose_on_a_personal_link(tablet, team, session):
    from participation.child import service as space_service
    from tests.support.child_fixtures import CODE

    item = make_item(session, team.child, team.review, "My room")
    _link, token = space_service.create_personal_link(session, team.child, team.keyworker, days=1)
    tablet.client.get(f"/link/{token}")
    tablet.tap(CODE)
    _understand(tablet)
    url = f"/me/views/items/{item.public_id}/sharing"
    page = tablet.client.get(url)
    assert page.status_code == 200 and "Share with my IRO" in page.text
    assert "A grown-up is choosing for me" not in page.text
    refused = tablet.post(
        url, audience="iro", decision="shared", version="0", for_child="1", reason="because"
    )
    assert refused.status_code == 400
    assert _shares(session) == []


def test_deleting_an_item_once_shared_keeps_only_the_record_of_choices(on_tablet, team, session):
    from tests.conftest import csrf_from

    item = make_item(session, team.child, team.review, "Told my IRO then changed my mind")
    share(session, item, Audience.IRO)
    share(session, item, Audience.IRO, shared=False)
    confirm = on_tablet.client.get(f"/me/views/items/{item.public_id}/delete").text
    version = confirm.split('name="version" type="hidden" value="')[1].split('"')[0]
    done = on_tablet.client.post(
        f"/me/views/items/{item.public_id}/delete",
        data={"csrf_token": csrf_from(confirm), "version": version},
    )
    assert done.status_code == 302
    session.expire_all()
    kept = session.get(type(item), item.id)
    assert kept is not None and kept.deleted_at is not None and kept.text == ""
    assert [row.version for row in _shares(session)] == [1, 2]


def test_an_item_that_reached_a_reader_is_kept_and_can_only_stop_being_shared(
    on_tablet, team, session
):
    """Domain: shared into a pack, it is part of the case record; taking it back stops future
    sharing and does not unsay what was read. Deleting it would take it out of the record."""
    from participation.pack import service as pack_service
    from tests.conftest import csrf_from

    read = make_item(session, team.child, team.review, "Told my IRO about school")
    only_shared = make_item(session, team.child, team.review, "Shared, nobody read it yet")
    share(session, read, Audience.IRO)
    pack = pack_service.build_pack(session, team.child, team.review, Audience.IRO)
    pack_service.mark_read(session, pack, session.merge(team.iro))
    share(session, only_shared, Audience.IRO)  # after the reading

    url = f"/me/views/items/{read.public_id}/delete"
    page = on_tablet.client.get(url)
    assert page.status_code == 200
    assert "cannot be deleted" in page.text and "Yes, delete it" not in page.text
    assert f'href="/me/views/items/{read.public_id}/sharing"' in page.text
    # A delete sent anyway (an old page, another tablet) changes nothing.
    refused = on_tablet.client.post(url, data={"csrf_token": csrf_from(page.text), "version": "1"})
    assert refused.status_code == 409
    session.expire_all()
    kept = session.get(type(read), read.id)
    assert kept.deleted_at is None and kept.text == "Told my IRO about school"

    # Shared but never sent or read: still the child's to delete.
    other = on_tablet.client.get(f"/me/views/items/{only_shared.public_id}/delete")
    assert "Yes, delete it" in other.text


def test_an_item_staff_saw_without_marking_the_pack_read_is_kept_too(on_tablet, team, session):
    """Reading is reading: a pack opened (the item's words or photos seen, as the audit records
    them) and never marked read puts the item in the record just the same."""
    from participation.audit.service import Actor, record

    seen = make_item(session, team.child, team.review, "My keyworker read this in the pack")
    share(session, seen, Audience.KEYWORKER)
    url = f"/me/views/items/{seen.public_id}/delete"
    assert "Yes, delete it" in on_tablet.client.get(url).text
    keyworker = session.merge(team.keyworker)
    record(
        session.get_bind(),
        Actor("staff", keyworker.public_id, keyworker.role.value),
        "read-shared-item",
        subject_type="view-item",
        subject_id=seen.public_id,
    )
    page = on_tablet.client.get(url)
    assert "cannot be deleted" in page.text and "Yes, delete it" not in page.text


def test_a_thing_made_private_after_it_was_read_does_not_say_nobody_saw_it(
    on_tablet, team, session
):
    """Taking a share back does not unsay what was read: the thing's page said "Nobody else
    can, until you choose to share it" while "Who has seen my things" named the IRO (QA)."""
    from participation.audit.service import Actor, record

    seen = make_item(session, team.child, team.review, "Maths is hard")
    share(session, seen, Audience.IRO)
    url = f"/me/views/items/{seen.public_id}"
    iro = session.merge(team.iro)
    record(
        session.get_bind(),
        Actor("staff", iro.public_id, iro.role.value),
        "read-shared-item",
        subject_type="view-item",
        subject_id=seen.public_id,
    )
    share(session, session.merge(seen), Audience.IRO, shared=False)
    page = on_tablet.client.get(url).text
    assert "Someone saw it before you made it private." in page
    assert "until you choose to share it" not in page
    assert 'href="/me/who-has-seen"' in page
