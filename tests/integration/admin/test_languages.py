"""The languages page: each catalog's completeness counted from the catalog itself, and an honest
"not yet" for catalogs no fluent speaker has checked."""

from __future__ import annotations

import pytest

from participation.models import Role
from tests.support import factories


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_administrators_and_managers_see_each_catalog(client, auth, session, role):
    member = factories.make_staff(session, role)
    session.commit()
    auth.sign_in(member)
    page = client.get("/admin/languages")
    assert page.status_code == 200
    text = page.text
    for name in ("Cymraeg", "العربية", "فارسی", "پښتو", "ትግርኛ", "Shqip"):
        assert name in text
    assert 'lang="ar" dir="rtl"' in text
    assert text.count("Not yet") == 6  # nobody fluent has checked them: said plainly
    assert "Drafted by an AI model" in text
    assert 'href="/admin/languages"' in client.get("/admin/").text


def test_caseworkers_do_not_find_it(client, auth, session, keyworker):
    auth.sign_in(keyworker)
    assert client.get("/admin/languages").status_code == 404
