"""Who may use each administration page: administrators everything, managers the lists and the
export (read only), everyone else nothing (a 404, as for any page that is not theirs)."""

from __future__ import annotations

import pytest

from participation.models import Role
from tests.conftest import csrf_from
from tests.support import factories

# (method, address with placeholders); {child}, {home}, {person}, {staff} are filled in.
READ_BY_MANAGERS = [
    ("GET", "/admin/"),
    ("GET", "/admin/homes"),
    ("GET", "/admin/children"),
    ("GET", "/admin/staff"),
    ("GET", "/admin/exports/participation-codes"),
    ("GET", "/admin/exports/participation-codes.csv?start=2026-01-01&end=2026-12-31"),
]
ADMIN_ONLY = [
    ("GET", "/admin/homes/new"),
    ("POST", "/admin/homes/new"),
    ("GET", "/admin/homes/{home}"),
    ("POST", "/admin/homes/{home}"),
    ("POST", "/admin/homes/{home}/deactivate"),
    ("POST", "/admin/homes/{home}/reactivate"),
    ("GET", "/admin/children/new"),
    ("POST", "/admin/children/new"),
    ("GET", "/admin/children/{child}"),
    ("GET", "/admin/children/{child}/edit"),
    ("POST", "/admin/children/{child}/edit"),
    ("POST", "/admin/children/{child}/assignments"),
    ("POST", "/admin/children/{child}/assignments/end"),
    ("GET", "/admin/children/{child}/people/new"),
    ("POST", "/admin/children/{child}/people/new"),
    ("GET", "/admin/children/{child}/people/{person}"),
    ("POST", "/admin/children/{child}/people/{person}"),
    ("POST", "/admin/children/{child}/people/{person}/deactivate"),
    ("POST", "/admin/children/{child}/people/{person}/reactivate"),
    ("GET", "/admin/staff/new"),
    ("POST", "/admin/staff/new"),
    ("GET", "/admin/staff/{staff}"),
    ("POST", "/admin/staff/{staff}"),
    ("POST", "/admin/staff/{staff}/disable"),
    ("POST", "/admin/staff/{staff}/enable"),
    ("GET", "/admin/staff/{staff}/password"),
    ("POST", "/admin/staff/{staff}/password"),
    ("POST", "/admin/staff/{staff}/second-factor/reset"),
    ("GET", "/admin/imports/children"),
    ("POST", "/admin/imports/children"),
    ("GET", "/admin/imports/staff"),
    ("GET", "/admin/imports/children/template.csv"),
    ("GET", "/admin/imports/staff/template.csv"),
]


@pytest.fixture
def records(session, people, homes):
    child = factories.make_child(session, home=homes["oak"], preferred_name="Jay")
    # The keyworker works with Jay: even so, the administration pages are not theirs.
    factories.assign(session, people[Role.KEYWORKER], child)
    person = factories.make_person(session, child)
    other = factories.make_staff(session, Role.KEYWORKER, name="Olly Other")
    session.commit()
    return {
        "child": child.public_id,
        "home": homes["oak"].public_id,
        "person": person.public_id,
        "staff": other.public_id,
    }


def _call(client, method: str, url: str, token: str | None = None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token} if token else {})


@pytest.mark.parametrize("role", [Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO])
def test_caseworkers_find_no_administration_page(client, auth, people, records, role):
    auth.sign_in(people[role])
    token = csrf_from(client.get("/accessibility").text)
    for method, url in READ_BY_MANAGERS + ADMIN_ONLY:
        response = _call(client, method, url.format(**records), token)
        assert response.status_code == 404, (role, method, url)


def test_managers_read_the_lists_and_export_but_change_nothing(client, auth, people, records):
    auth.sign_in(people[Role.MANAGER])
    token = csrf_from(client.get("/accessibility").text)
    for method, url in READ_BY_MANAGERS:
        assert _call(client, method, url.format(**records), token).status_code == 200, url
    for method, url in ADMIN_ONLY:
        response = _call(client, method, url.format(**records), token)
        assert response.status_code == 404, (method, url)


def test_administrators_reach_every_page(client, auth, people, records):
    auth.sign_in(people[Role.ADMIN])
    for method, url in READ_BY_MANAGERS + ADMIN_ONLY:
        if method == "GET":
            assert client.get(url.format(**records)).status_code == 200, url


def test_nobody_signed_in_is_sent_to_sign_in_and_may_not_post(client, records):
    for method, url in READ_BY_MANAGERS + ADMIN_ONLY:
        response = _call(client, method, url.format(**records))
        if method == "GET":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/sign-in"), url
        else:
            assert response.status_code in (400, 401), url


def test_unknown_records_are_not_found(admin, records):
    for url in [
        "/admin/homes/no-such-home",
        "/admin/children/no-such-child",
        f"/admin/children/{records['child']}/people/no-such-person",
        "/admin/staff/no-such-person",
        "/admin/imports/homes",
    ]:
        assert admin.get(url).status_code == 404, url


def test_managers_see_no_home_address(client, auth, people, records):
    auth.sign_in(people[Role.MANAGER])
    page = client.get("/admin/homes").text
    assert "Oak Lodge" in page and "3 Oak Road" not in page
    auth.sign_out()
    auth.sign_in(people[Role.ADMIN])
    assert "3 Oak Road" in client.get("/admin/homes").text


def test_the_child_list_links_managers_to_the_record_and_admins_to_its_administration(
    client, auth, people, records
):
    auth.sign_in(people[Role.MANAGER])
    page = client.get("/admin/children").text
    assert f'href="/children/{records["child"]}"' in page
    assert f"/admin/children/{records['child']}" not in page
    auth.sign_out()
    auth.sign_in(people[Role.ADMIN])
    assert f'href="/admin/children/{records["child"]}"' in client.get("/admin/children").text


@pytest.mark.parametrize(
    ("role", "linked"),
    [(Role.ADMIN, True), (Role.MANAGER, True), (Role.KEYWORKER, False), (Role.IRO, False)],
)
def test_the_header_links_administration_for_those_who_may_use_it(
    client, auth, people, records, role, linked
):
    auth.sign_in(people[role])
    page = client.get("/accessibility").text
    assert ('href="/admin/"' in page) is linked
