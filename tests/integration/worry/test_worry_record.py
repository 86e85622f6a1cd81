"""What was done about a worry: recorded by whoever spoke with the child, kept on the child's
record for their keyworker(s) and social worker(s), and for nobody else."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from participation.models import AuditEvent, Home, Role, WorryAlert
from tests.conftest import Auth, csrf_from
from tests.support import factories
from tests.support.child_fixtures import CODE, Tablet

DONE = (
    "Talked with Mia in the garden at 4pm. She is worried about contact on Saturday.\n"
    "Told Sue (DSL)."
)


def _raised(client, auth, child, keyworker, note="scared"):
    tablet = Tablet(client, auth)
    tablet.hand_over(keyworker, child)
    tablet.tap(CODE)
    tablet.post("/me/worried", note=note)
    tablet.post("/me/give-back")


def _other(app, staff):
    other = app.test_client()
    Auth(other).sign_in(staff)
    return other


def test_the_banner_leads_to_the_worry_where_what_was_done_is_recorded(
    app, client, auth, session, mia_with_code, keyworker
):
    social_worker = factories.make_staff(session, Role.SOCIAL_WORKER, name="Grace Okafor")
    factories.assign(session, social_worker, mia_with_code)
    session.commit()
    _raised(client, auth, mia_with_code, keyworker)
    alert = session.scalar(select(WorryAlert))

    auth.sign_in(keyworker)
    home = client.get("/my-children").text
    assert f'href="/worries/{alert.public_id}"' in home
    page = client.get(f"/worries/{alert.public_id}").text
    assert "Mia pressed “I'm worried”" in html.unescape(page) and "scared" in page
    assert "Nobody was emailed: email is not set up for My Review." in page

    # Nothing said of what was done: asked for, and nothing is marked.
    empty = client.post(
        f"/worries/{alert.public_id}", data={"csrf_token": csrf_from(page), "action_taken": "  "}
    )
    assert empty.status_code == 200
    assert "Say in a few words what you did, for the child's record" in html.unescape(empty.text)
    session.expire_all()
    assert session.get(WorryAlert, alert.id).acknowledged_at is None

    done = client.post(
        f"/worries/{alert.public_id}",
        data={"csrf_token": csrf_from(page), "action_taken": DONE},
        follow_redirects=True,
    )
    assert "Saved: what you did is on Mia's record." in html.unescape(done.text)
    assert "Told Sue (DSL)." in done.text and "action_taken" not in done.text  # no form now
    assert f"{keyworker.name} recorded what was done, on" in html.unescape(done.text)
    assert "A child needs you now" not in client.get("/my-children").text

    # The social worker was told too: the alert has gone from their pages, and the child's
    # record says who spoke with Mia and what they did.
    grace = _other(app, social_worker)
    assert "A child needs you now" not in grace.get("/my-children").text
    record = grace.get(f"/children/{mia_with_code.public_id}").text
    assert "Times Mia pressed “I'm worried”" in html.unescape(record)
    assert keyworker.name in record and "Talked with Mia in the garden" in record

    # Recording again (an old page, a second adult) keeps the first account.
    late = grace.post(
        f"/worries/{alert.public_id}",
        data={"csrf_token": csrf_from(record), "action_taken": "I spoke with her too."},
        follow_redirects=True,
    )
    assert "Someone else recorded what they did first" in late.text
    session.expire_all()
    kept = session.get(WorryAlert, alert.id)
    assert kept.action_taken == DONE.strip() and kept.acknowledged_by_id == keyworker.id
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == alert.public_id)
    ).all()
    assert actions.count("worry-acknowledged") == 1 and "worry-viewed" in actions


def test_the_record_of_worries_is_only_for_the_adults_the_child_was_told_would_know(
    app, client, auth, session, mia_with_code, keyworker
):
    iro = factories.make_staff(session, Role.IRO)
    factories.assign(session, iro, mia_with_code)
    manager = factories.make_staff(session, Role.MANAGER)
    session.commit()
    _raised(client, auth, mia_with_code, keyworker, note="the words only her adults read")
    alert = session.scalar(select(WorryAlert))
    for staff in (iro, manager):
        other = _other(app, staff)
        record = other.get(f"/children/{mia_with_code.public_id}").text
        assert "pressed “I'm worried”" not in html.unescape(record)
        assert "the words only her adults read" not in record
        assert other.get(f"/worries/{alert.public_id}").status_code == 404
    auth.sign_in(keyworker)
    record = client.get(f"/children/{mia_with_code.public_id}").text
    assert "Nobody has recorded what they did yet" in record


def _home_poster(session, client):
    """An administrator signed in on `client`; a function posting "Add a home" for Oak Lodge
    with the fields given."""
    admin = factories.make_staff(session, Role.ADMIN)
    session.commit()
    Auth(client).sign_in(admin)
    page = client.get("/admin/homes/new").text

    def new_home(**fields: str):
        return client.post(
            "/admin/homes/new",
            data={
                "csrf_token": csrf_from(page),
                "name": "Oak Lodge",
                "kind": "childrens-home",
                **fields,
            },
        )

    return new_home


def test_a_homes_email_for_worries_is_kept_and_checked(app, session, client):
    post = _home_poster(session, client)

    def new_home(alert_email: str):
        return post(alert_email=alert_email)

    wrong = new_home("office at oaklodge")
    assert "Enter an email address in the right format" in wrong.text
    assert 'value="office at oaklodge"' in wrong.text  # what was typed stays
    # Mistakes a mail server would not take (QA: saved, then sent to an empty address).
    for typo in ("office@oaklodge..example", "office@oaklodge.example.", "office@oaklodge.org;"):
        assert "Enter an email address in the right format" in new_home(typo).text, typo
    new_home("office@oaklodge.example")
    assert session.scalar(select(Home.alert_email)) == "office@oaklodge.example"
    # Without a mail server, the overview says plainly that nobody is emailed.
    assert "A child's worry is not emailed to anyone" in html.unescape(client.get("/admin/").text)


def test_a_homes_phone_is_checked_and_kept_as_the_uk_writes_it(app, session, client):
    post = _home_poster(session, client)

    def new_home(number: str):
        return post(phone=number)

    for wrong in ("ring the office", "0161 496", "999"):
        answer = new_home(wrong)
        assert "Enter a phone number in the right format" in answer.text, wrong
        assert f'value="{wrong}"' in answer.text  # what was typed stays
    new_home("+44 (0)161-4960456")
    assert session.scalar(select(Home.phone)) == "0161 496 0456"
    homes = html.unescape(client.get("/admin/homes").text)
    assert "0161 496 0456" in homes
    assert "No email: nobody on shift is told" in homes


def test_the_overview_names_the_homes_whose_shift_is_not_told(app, make_app, session):
    for n in range(24):
        factories.make_home(session, f"Home {n:02}", alert_email="" if n % 2 else "a@b.example")
    factories.make_home(session, "Closed home", active=False)
    admin = factories.make_staff(session, Role.ADMIN)
    session.commit()
    mail_app = make_app(
        {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "MEDIA_STORAGE": app.config["MEDIA_STORAGE"],
            "MAIL_SERVER": "127.0.0.1:2525",
            "MAIL_FROM": "no-reply@council.example",
        }
    )
    client = mail_app.test_client()
    Auth(client).sign_in(admin)
    page = html.unescape(client.get("/admin/").text)
    notice = page.split('id="homes-without-alert-email"')[1].split("</div>")[0]
    assert "12 open homes have no email for a child's worries" in notice
    # The first ten by name, each a link to put it right; the rest are counted.
    named = [f"Home {n:02}" for n in range(1, 20, 2)]
    assert all(name in notice for name in named) and "Closed home" not in notice
    assert "Home 00" not in notice and "Home 21" not in notice
    assert "2 more: see all homes" in notice
    home = session.scalar(select(Home).where(Home.name == "Home 01"))
    assert f'href="/admin/homes/{home.public_id}"' in notice


def test_the_service_keeps_no_record_without_words_of_what_was_done(
    session, mia_with_code, keyworker
):
    from participation.worry import service

    alert = service.raise_worry(session, mia_with_code, "scared")
    with pytest.raises(service.NothingSaid):
        service.acknowledge(session, alert, keyworker, " \n ")
    assert session.get(WorryAlert, alert.id).acknowledged_at is None
    assert service.acknowledge(session, alert, keyworker, "Spoke with Mia.") is True
    assert service.acknowledge(session, alert, keyworker, "Again.") is False  # the first stands
