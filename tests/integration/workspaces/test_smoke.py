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
