"""Homes: listed, added, changed, closed and opened again; every change audited."""

from __future__ import annotations

from sqlalchemy import select

from participation.models import AuditEvent, Home, HomeKind
from tests.integration.admin.conftest import audit_actions, days_ago, fresh, post_form
from tests.support import factories


def test_an_admin_adds_a_home(admin, session, people):
    response = post_form(
        admin,
        "/admin/homes/new",
        {"name": "  Birch House ", "kind": "childrens-home", "address": "1 Birch Way\r\nNB4 2ZZ"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/homes"
    home = session.scalar(select(Home).where(Home.name == "Birch House"))
    assert home is not None and home.kind == HomeKind.CHILDRENS_HOME and home.active
    assert home.address == "1 Birch Way\nNB4 2ZZ"
    listing = admin.get("/admin/homes").text
    assert "Home added: Birch House." in listing and "1 Birch Way" in listing
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin-home-created"))
    assert event is not None and event.subject_id == home.public_id
    assert "Birch" not in event.detail  # who and what, never what was typed


def test_each_field_of_a_home_is_checked(admin, session, homes):
    page = post_form(admin, "/admin/homes/new", {"name": "", "kind": "", "address": ""})
    assert page.status_code == 200
    assert "Enter the name" in page.text
    assert "Choose whether it is a children&#39;s home or a foster family" in page.text
    assert page.text.count('class="error-message"') == 2
    assert "<title>Error: Add a home" in page.text
    # Names are unique however they are written: the CSV import finds homes by name.
    page = post_form(admin, "/admin/homes/new", {"name": "oak  LODGE", "kind": "childrens-home"})
    assert "There is already a home called Oak Lodge" in page.text
    page = post_form(
        admin, "/admin/homes/new", {"name": "x" * 201, "kind": "foster-family", "address": ""}
    )
    assert "Name must be 200 characters or fewer" in page.text
    assert session.scalar(select(Home).where(Home.name.like("x%"))) is None


def test_an_admin_changes_a_home_and_the_change_is_audited(admin, session, homes):
    oak = homes["oak"]
    url = f"/admin/homes/{oak.public_id}"
    page = admin.get(url).text
    assert 'value="Oak Lodge"' in page and "3 Oak Road" in page
    response = post_form(
        admin, url, {"name": "Oak Lodge", "kind": "childrens-home", "address": "5 Elm Street"}
    )
    assert response.status_code == 302
    assert fresh(session, oak).address == "5 Elm Street"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin-home-changed"))
    assert event.detail == "fields=address"
    # Renaming to another home's name is refused.
    page = post_form(admin, url, {"name": "the adeyemi family", "kind": "childrens-home"})
    assert "There is already a home called The Adeyemi family" in page.text


def test_a_home_does_not_change_kind_under_the_children_placed_there(admin, session, homes):
    """Oak Lodge made a foster family with residential placements in it: every later save of
    those children's records was refused (QA)."""
    oak = homes["oak"]
    factories.make_child(session, home=oak, preferred_name="Jay")
    factories.make_child(session, home=oak, preferred_name="Sami")
    session.commit()
    url = f"/admin/homes/{oak.public_id}"
    page = post_form(admin, url, {"name": "Oak Lodge", "kind": "foster-family", "address": ""})
    assert page.status_code == 200
    assert "Jay, Sami live here with a placement of the other kind" in page.text
    assert fresh(session, oak).kind.value == "childrens-home"
    # Only the kind is held back by them: the address still changes.
    moved = post_form(
        admin, url, {"name": "Oak Lodge", "kind": "childrens-home", "address": "1 Elm"}
    )
    assert moved.status_code == 302


def test_a_home_where_children_live_is_not_closed(admin, session, homes):
    oak = homes["oak"]
    factories.make_child(session, home=oak, preferred_name="Jay")
    factories.make_child(session, home=oak, left_care_on=days_ago(10))
    session.commit()
    response = post_form(
        admin, f"/admin/homes/{oak.public_id}", {}, url=f"/admin/homes/{oak.public_id}/deactivate"
    )
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).text
    assert "1 child still lives at Oak Lodge: record where they live now first." in page
    assert fresh(session, oak).active


def test_an_admin_closes_a_home_and_opens_it_again(admin, session, homes):
    home = homes["adeyemi"]
    url = f"/admin/homes/{home.public_id}"
    response = post_form(admin, url, {}, url=f"{url}/deactivate")
    assert response.headers["Location"] == "/admin/homes"
    assert not fresh(session, home).active
    assert "Closed" in admin.get("/admin/homes").text
    # A closed home is offered for no new child.
    assert "The Adeyemi family" not in admin.get("/admin/children/new").text
    post_form(admin, url, {}, url=f"{url}/reactivate")
    assert fresh(session, home).active
    actions = audit_actions(session)
    assert "admin-home-deactivated" in actions and "admin-home-reactivated" in actions


def test_closing_is_a_post_a_get_changes_nothing(admin, session, homes):
    home = homes["adeyemi"]
    assert admin.get(f"/admin/homes/{home.public_id}/deactivate").status_code == 405
    assert fresh(session, home).active
