from __future__ import annotations

from sqlalchemy import select

from participation.models import AuditEvent, Role, WorryAlert
from tests.conftest import csrf_from
from tests.support import factories
from tests.support.child_fixtures import CODE, Tablet


def _child_signed_in(client, auth, child, keyworker):
    tablet = Tablet(client, auth)
    tablet.hand_over(keyworker, child)
    tablet.tap(CODE)
    return tablet


def test_every_child_page_offers_im_worried(client, auth, mia_with_code, keyworker):
    _child_signed_in(client, auth, mia_with_code, keyworker)
    assert 'href="/me/worried"' in client.get("/me").text


def test_child_sees_who_will_know_then_raises_a_worry(
    client, auth, session, mia_with_code, keyworker
):
    social_worker = factories.make_staff(session, Role.SOCIAL_WORKER, name="Grace Okafor")
    factories.assign(session, social_worker, mia_with_code)
    session.commit()
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    page = client.get("/me/worried").text
    assert "Kim Keyworker" in page and "Grace Okafor" in page
    done = tablet.post("/me/worried", note="")
    assert "Thank you for telling us" in done.text and "Grace Okafor" in done.text
    alert = session.scalar(select(WorryAlert))
    assert alert.child_id == mia_with_code.id and alert.acknowledged_at is None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "worry-raised"))
    assert event.actor_kind == "child"


def test_a_long_note_is_kept_and_nothing_raised(client, auth, session, mia_with_code, keyworker):
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    words = "I am worried because " * 100
    response = tablet.post("/me/worried", note=words)
    assert "That&#39;s a bit long" in response.text or "That's a bit long" in response.text
    assert words.strip()[:200] in response.text
    assert session.scalar(select(WorryAlert)) is None


def test_the_alert_shows_on_every_staff_page_until_acknowledged(
    app, client, auth, session, mia_with_code, keyworker
):
    tablet = _child_signed_in(client, auth, mia_with_code, keyworker)
    tablet.post("/me/worried", note="scared")
    tablet.post("/me/give-back")
    other_keyworker = factories.make_staff(session, Role.KEYWORKER)
    session.commit()

    auth.sign_in(keyworker)
    page = client.get("/my-children").text
    assert "A child needs you now" in page and "scared" in page
    assert "A child needs you now" in client.get("/accessibility").text
    alert = session.scalar(select(WorryAlert))
    client.post(f"/worries/{alert.public_id}/acknowledge", data={"csrf_token": csrf_from(page)})
    assert "A child needs you now" not in client.get("/my-children").text

    # Staff who do not work with the child never see it, and cannot acknowledge it.
    other = app.test_client()
    from tests.conftest import Auth

    Auth(other).sign_in(other_keyworker)
    page = other.get("/my-children").text
    assert "needs you now" not in page
    response = other.post(
        f"/worries/{alert.public_id}/acknowledge", data={"csrf_token": csrf_from(page)}
    )
    assert response.status_code == 404
