from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.accounts.routes import safe_next
from participation.models import AuditEvent, AuthSession, Role, StaffMember
from tests.conftest import csrf_from
from tests.support import factories


def test_sign_in_page_has_labelled_fields(client):
    page = client.get("/sign-in").text
    assert '<label for="email"' in page and "Email address" in page
    assert '<label for="password"' in page and "Password" in page
    assert ">Sign in</button>" in page


def test_keyworker_signs_in_and_sees_their_children(client, auth, session, keyworker):
    mine = factories.make_child(session, preferred_name="Mia")
    factories.make_child(session, preferred_name="Someone Else")
    factories.assign(session, keyworker, mine)
    session.commit()
    response = auth.sign_in(keyworker)
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).text
    assert "Mia" in page
    assert "Someone Else" not in page


def test_wrong_password_and_unknown_email_get_the_same_message(client, auth, session, keyworker):
    wrong = auth.sign_in(keyworker, password="not the password at all")
    page = client.get("/sign-in").text
    unknown = client.post(
        "/sign-in",
        data={"email": "nobody@example.org", "password": "whatever", "csrf_token": csrf_from(page)},
    )
    message = "The email address or password is not right"
    assert wrong.status_code == unknown.status_code == 200
    assert message in wrong.text and message in unknown.text
    assert wrong.text.count("There is a problem") == 1
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "sign-in")).all()
    assert [e.outcome for e in events] == ["refused", "refused"]
    assert all("whatever" not in (e.detail or "") for e in events)


def test_repeated_failures_lock_the_account_for_a_while(client, auth, session, keyworker):
    for _ in range(5):
        auth.sign_in(keyworker, password="wrong password here")
    # The right password no longer works while the account is locked.
    response = auth.sign_in(keyworker)
    assert response.status_code == 200
    assert "is locked for a while" in response.text
    assert session.get(StaffMember, keyworker.id).locked_until is not None


def test_sign_out_ends_the_session_on_the_server(client, auth, session, keyworker):
    auth.sign_in(keyworker)
    assert client.get("/my-children").status_code == 200
    response = auth.sign_out()
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    row = session.scalar(select(AuthSession))
    assert row.ended_at is not None and row.end_reason == "signed-out"
    assert client.get("/my-children").status_code == 302


def test_disabling_an_account_ends_its_sessions(client, auth, session, keyworker):
    from participation.accounts.service import set_active

    auth.sign_in(keyworker)
    assert client.get("/my-children").status_code == 200
    set_active(session, session.get(StaffMember, keyworker.id), False)
    assert client.get("/my-children").status_code == 302


def test_expired_csrf_token_keeps_the_answers(client):
    response = client.post("/sign-in", data={"email": "kim@example.org", "password": "secret-pass"})
    assert response.status_code == 200
    assert "This page timed out" in response.text
    assert 'value="kim@example.org"' in response.text
    # The password is never sent back to the browser.
    assert "secret-pass" not in response.text


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/%09/evil.example",  # werkzeug drops the tab from Location: "//evil.example"
        "/%0A/evil.example",  # a newline in a header was a 500
        "/%0D%0A/evil.example",
        "/%20/evil.example",
        "/%5C/evil.example",  # "\\": a browser reads it as "/"
        "/%7F/evil.example",
    ],
)
def test_open_redirect_is_refused(client, auth, session, keyworker, target):
    page = client.get(f"/sign-in?next={target}").text
    response = client.post(
        f"/sign-in?next={target}",
        data={
            "email": keyworker.email,
            "password": factories.PASSWORD,
            "csrf_token": csrf_from(page),
        },
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/children/abc?tab=plan", True),
        ("/me/views?topic=school#top", True),
        ("/\t/evil.example", False),
        ("/x\n", False),
        ("https://evil.example/", False),
        ("/\\evil.example", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_next_keeps_only_paths_on_this_site(target, kept):
    assert safe_next(target) == (target if kept else None)


def test_each_role_lands_on_its_own_page(client, auth, session):
    landing = {
        Role.KEYWORKER: "/my-children",
        Role.SOCIAL_WORKER: "/my-children",
        Role.IRO: "/my-children",
        Role.MANAGER: "/council",
        Role.ADMIN: "/admin/",
    }
    for role, path in landing.items():
        staff = factories.make_staff(session, role)
        session.commit()
        auth.sign_in(staff)
        assert client.get("/").headers["Location"] == path
        assert client.get(path).status_code == 200
        auth.sign_out()


def test_a_page_asked_for_before_signing_in_is_named_without_a_stray_question_mark(client):
    """werkzeug's full_path ends in "?" with no query: "/sign-in?next=/my-children?" (QA)."""
    response = client.get("/my-children")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/my-children"
    with_query = client.get("/council/timetable?status=done")
    assert with_query.headers["Location"] == "/sign-in?next=/council/timetable?status%3Ddone"
    # A query that itself ends in "?" keeps it.
    ends_in_mark = client.get("/council/timetable?q=why?")
    assert ends_in_mark.headers["Location"] == "/sign-in?next=/council/timetable?q%3Dwhy?"
