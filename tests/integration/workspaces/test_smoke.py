"""Every workspace page opens for the roles it is for (the checked client validates each)."""

from __future__ import annotations

from participation.demo import DEMO_PASSWORD, load_demo
from participation.models import Child, StaffMember


def test_demo_pages_open(session, desk, client):
    load_demo(session)
    jay = session.query(Child).filter_by(preferred_name="Jay").one()
    mia = session.query(Child).filter_by(preferred_name="Mia").one()
    tom = session.query(StaffMember).filter_by(email="tom.evans@example.org").one()
    daniel = session.query(StaffMember).filter_by(email="daniel.hughes@example.org").one()
    grace = session.query(StaffMember).filter_by(email="grace.okafor@example.org").one()
    desk.sign_in(tom, DEMO_PASSWORD)
    for url in [
        "/keyworker",
        f"/children/{jay.public_id}",
        f"/children/{jay.public_id}/monthly-summaries",
        f"/children/{jay.public_id}/monthly-summaries/new",
        f"/children/{jay.public_id}/keyworker-report",
        f"/children/{jay.public_id}/action-notes",
    ]:
        assert desk.get(url).status_code == 200, url
    desk.sign_in(daniel, DEMO_PASSWORD)
    for url in ["/iro", f"/children/{mia.public_id}"]:
        assert desk.get(url).status_code == 200, url
    desk.sign_in(grace, DEMO_PASSWORD)
    for url in [
        f"/children/{jay.public_id}/invitations",
        f"/children/{jay.public_id}/invitations/letters",
        f"/children/{jay.public_id}/invitations.csv",
    ]:
        assert desk.get(url).status_code == 200, url


def test_each_role_reaches_its_workspace_from_every_page(session, desk):
    """An IRO or keyworker lands on "my children": what waits for them across all their children
    is in their workspace, linked from the header of every page (and only for that role)."""
    load_demo(session)
    by_email = {s.email: s for s in session.query(StaffMember)}
    expected = {
        "tom.evans@example.org": 'href="/keyworker"',
        "daniel.hughes@example.org": 'href="/iro"',
    }
    for email, link in expected.items():
        desk.sign_in(by_email[email], DEMO_PASSWORD)
        for url in ["/my-children", "/timetable", "/account"]:
            header = desk.get(url).text.split("</header>")[0]
            other = next(other for other in expected.values() if other != link)
            assert link in header and other not in header, (email, url)
    desk.sign_in(by_email["grace.okafor@example.org"], DEMO_PASSWORD)
    header = desk.get("/my-children").text.split("</header>")[0]
    assert 'href="/iro"' not in header and 'href="/keyworker"' not in header
