"""A child's administration page: who works with them (assign in the staff member's own role, end
an assignment and keep it for the record) and the people in their life."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.models import Assignment, AuditEvent, NetworkPerson, NetworkRole, Role
from tests.integration.admin.conftest import audit_actions, fresh, post_form
from tests.support import factories


@pytest.fixture
def jay(session, homes):
    child = factories.make_child(session, home=homes["oak"], preferred_name="Jay")
    session.commit()
    return child


def _assign(client, child, staff_id: str, role: str):
    url = f"/admin/children/{child.public_id}"
    return post_form(client, url, {"staff": staff_id, "role": role}, url=f"{url}/assignments")


def test_the_page_shows_the_record_and_is_audited_as_a_view(admin, session, jay):
    page = admin.get(f"/admin/children/{jay.public_id}").text
    assert "<h1>Jay</h1>" in page and jay.legal_name in page
    assert "Nobody is assigned to Jay yet." in page
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin-view-child"))
    assert event.subject_id == jay.public_id
    # One link to who looked at the child's things (QA: there was none).
    assert f'href="/admin/audit?subject_id={jay.public_id}"' in page


def test_an_admin_assigns_a_keyworker_who_then_sees_the_child(admin, session, people, jay, app):
    keyworker = people[Role.KEYWORKER]
    response = _assign(admin, jay, keyworker.public_id, "keyworker")
    assert response.status_code == 302
    assignment = session.scalar(select(Assignment).where(Assignment.child_id == jay.id))
    assert assignment.staff_id == keyworker.id and assignment.role == Role.KEYWORKER
    assert assignment.active
    page = admin.get(response.headers["Location"]).text
    assert "Kim Keyworker now works with Jay as their keyworker." in page
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin-assignment-added"))
    assert event.detail == f"role=keyworker staff={keyworker.public_id}"

    from tests.conftest import Auth

    other = app.test_client()
    Auth(other).sign_in(keyworker)
    assert other.get(f"/children/{jay.public_id}").status_code == 200


def test_the_role_must_be_the_staff_members_own(admin, session, people, jay):
    page = _assign(admin, jay, people[Role.SOCIAL_WORKER].public_id, "iro").text
    assert "Sam Social&#39;s role is social worker: choose that role, or someone else" in page
    assert "<title>Error: Jay" in page
    page = _assign(admin, jay, "", "").text
    assert "Choose a member of staff" in page and "Choose a role" in page
    # A manager or administrator does not work with named children.
    page = _assign(admin, jay, people[Role.MANAGER].public_id, "keyworker").text
    assert "Choose a member of staff from the list" in page
    assert session.scalar(select(Assignment)) is None


def test_one_iro_at_a_time_and_no_assignment_twice(admin, session, people, jay):
    iro = people[Role.IRO]
    assert _assign(admin, jay, iro.public_id, "iro").status_code == 302
    page = _assign(admin, jay, iro.public_id, "iro").text
    assert "Ivy Iro already works with Jay in this role" in page
    other = factories.make_staff(session, Role.IRO, name="Oscar Other")
    session.commit()
    page = _assign(admin, jay, other.public_id, "iro").text
    assert (
        "Jay&#39;s Independent Reviewing Officer is already Ivy Iro: end that assignment first"
        in page
    )
    # Keyworkers may share a child.
    assert _assign(admin, jay, people[Role.KEYWORKER].public_id, "keyworker").status_code == 302
    second = factories.make_staff(session, Role.KEYWORKER, name="Kai Second")
    session.commit()
    assert _assign(admin, jay, second.public_id, "keyworker").status_code == 302


def test_a_disabled_account_is_not_assigned(admin, session, people, jay):
    keyworker = people[Role.KEYWORKER]
    fresh(session, keyworker).active = False
    session.commit()
    page = _assign(admin, jay, keyworker.public_id, "keyworker").text
    assert "Kim Keyworker&#39;s account is disabled" in page
    assert "Kim Keyworker" not in page.split('id="staff"')[1].split("</select>")[0]
    assert session.scalar(select(Assignment)) is None


def test_ending_an_assignment_keeps_it_and_takes_the_child_off_the_caseload(
    admin, session, people, jay, app
):
    keyworker = people[Role.KEYWORKER]
    assignment = factories.assign(session, keyworker, jay)
    session.commit()
    url = f"/admin/children/{jay.public_id}"
    response = post_form(
        admin,
        url,
        {"staff": keyworker.public_id, "role": "keyworker"},
        url=f"{url}/assignments/end",
    )
    assert response.status_code == 302
    ended = fresh(session, assignment)
    assert ended is not None and not ended.active  # kept for the record
    page = admin.get(url).text
    assert "Assignments that have ended" in page and "Kim Keyworker" in page
    assert "admin-assignment-ended" in audit_actions(session)

    from tests.conftest import Auth

    other = app.test_client()
    Auth(other).sign_in(keyworker)
    assert other.get(f"/children/{jay.public_id}").status_code == 404

    # Assigning them again takes the same record up again.
    assert _assign(admin, jay, keyworker.public_id, "keyworker").status_code == 302
    assert fresh(session, assignment).active
    assert len(session.scalars(select(Assignment)).all()) == 1


def test_ending_an_assignment_that_is_not_there_is_not_found(admin, people, jay):
    url = f"/admin/children/{jay.public_id}"
    response = post_form(
        admin,
        url,
        {"staff": people[Role.IRO].public_id, "role": "iro"},
        url=f"{url}/assignments/end",
    )
    assert response.status_code == 404


# --- the people in the child's life -------------------------------------------------------------


def test_an_admin_adds_changes_and_takes_someone_off_the_list(admin, session, jay):
    url = f"/admin/children/{jay.public_id}/people/new"
    response = post_form(
        admin,
        url,
        {
            "name": "Dean Clarke",
            "relationship_to_child": "Dad",
            "role": "parent",
            "parental_responsibility": "y",
        },
    )
    assert response.status_code == 302
    person = session.scalar(select(NetworkPerson).where(NetworkPerson.child_id == jay.id))
    assert person.name == "Dean Clarke" and person.role == NetworkRole.PARENT
    assert person.parental_responsibility and person.active
    page = admin.get(response.headers["Location"]).text
    assert "Dean Clarke" in page and "Dad" in page

    edit = f"/admin/children/{jay.public_id}/people/{person.public_id}"
    assert 'value="Dad"' in admin.get(edit).text
    response = post_form(
        admin, edit, {"name": "Dean Clarke", "relationship_to_child": "My dad", "role": "parent"}
    )
    assert response.status_code == 302
    changed = fresh(session, person)
    assert changed.relationship_to_child == "My dad" and not changed.parental_responsibility

    post_form(admin, edit, {}, url=f"{edit}/deactivate")
    assert not fresh(session, person).active
    assert "Removed" in admin.get(f"/admin/children/{jay.public_id}").text
    post_form(admin, edit, {}, url=f"{edit}/reactivate")
    assert fresh(session, person).active
    actions = audit_actions(session)
    for action in (
        "admin-network-person-added",
        "admin-network-person-changed",
        "admin-network-person-deactivated",
        "admin-network-person-reactivated",
    ):
        assert action in actions
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "admin-network-person-changed")
    )
    assert (
        event.detail
        == f"person={person.public_id} fields=relationship_to_child,parental_responsibility"
    )


def test_each_field_of_a_person_is_checked(admin, session, jay):
    url = f"/admin/children/{jay.public_id}/people/new"
    page = post_form(admin, url, {"name": "", "relationship_to_child": "", "role": "boss"}).text
    assert "Enter the name" in page
    assert "Enter how the child describes them, like Mum or My football coach" in page
    assert "Choose a role" in page
    assert session.scalar(select(NetworkPerson)) is None


def test_the_same_person_is_not_listed_twice(admin, session, jay):
    """Mum added twice (or "Dr Patel " with a space) made two cards for the child (QA)."""
    url = f"/admin/children/{jay.public_id}/people/new"
    mum = {"name": "Sarah Wright", "relationship_to_child": "Mum", "role": "parent"}
    assert post_form(admin, url, mum).status_code == 302
    again = post_form(
        admin, url, {**mum, "name": " sarah  WRIGHT ", "relationship_to_child": "mum"}
    )
    assert again.status_code == 200
    assert "Sarah Wright (Mum) is on the list already" in again.text
    # Someone else with the same name, in another relationship, is someone else.
    aunt = {**mum, "relationship_to_child": "Aunt", "role": "other"}
    assert post_form(admin, url, aunt).status_code == 302
    assert len(session.scalars(select(NetworkPerson)).all()) == 2


def test_another_childs_person_is_not_found_here(admin, session, jay, homes):
    other = factories.make_child(session, home=homes["oak"])
    person = factories.make_person(session, other)
    session.commit()
    assert (
        admin.get(f"/admin/children/{jay.public_id}/people/{person.public_id}").status_code == 404
    )
