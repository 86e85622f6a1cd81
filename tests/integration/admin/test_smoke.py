from participation.models import Role
from tests.support import factories


def test_pages_render(admin, session, homes):
    child = factories.make_child(session, home=homes["oak"], preferred_name="Jay")
    person = factories.make_person(session, child)
    staff = factories.make_staff(session, Role.KEYWORKER)
    session.commit()
    for url in [
        "/admin/",
        "/admin/homes",
        "/admin/homes/new",
        f"/admin/homes/{homes['oak'].public_id}",
        "/admin/children",
        "/admin/children/new",
        f"/admin/children/{child.public_id}",
        f"/admin/children/{child.public_id}/edit",
        f"/admin/children/{child.public_id}/people/new",
        f"/admin/children/{child.public_id}/people/{person.public_id}",
        "/admin/staff",
        "/admin/staff/new",
        f"/admin/staff/{staff.public_id}",
        f"/admin/staff/{staff.public_id}/password",
        "/admin/imports/children",
        "/admin/imports/staff",
        "/admin/imports/children/template.csv",
        "/admin/exports/participation-codes",
        "/admin/exports/participation-codes.csv?start=2026-01-01&end=2026-12-31",
    ]:
        response = admin.get(url)
        assert response.status_code == 200, url
