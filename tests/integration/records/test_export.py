"""The subject access export: everything about one child (and nothing about another), with the
media as stored and a readable page; administrators only; the download is audited."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from participation.models import Audience, AuditEvent, Base, Role
from participation.records import export
from tests.conftest import csrf_from
from tests.integration.sharing.helpers import make_item, share
from tests.support import factories


def _url(child) -> str:
    return f"/admin/children/{child.public_id}/records"


def _download(client, child) -> zipfile.ZipFile:
    page = client.get(_url(child))
    assert page.status_code == 200
    token = csrf_from(page.text)
    # It says who asked for it first (the download holds what the child kept private).
    asked = client.post(_url(child), data={"csrf_token": token})
    assert asked.status_code == 200 and "Say who asked for these records" in asked.text
    response = client.post(
        _url(child), data={"csrf_token": token, "reason": "Subject access request, 20 Nov"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.data
    response.close()  # as a server does once it has sent the body: the spooled file is closed
    return zipfile.ZipFile(io.BytesIO(body))


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_the_export_holds_everything_about_the_child_and_nothing_else(
    team, session, store, staff_client
):
    private = make_item(session, team.child, team.review, "Kept to myself", photos=1, storage=store)
    shared = make_item(session, team.child, team.review, "Told my IRO")
    share(session, shared, Audience.IRO)
    other = factories.make_child(session, preferred_name="Sam")
    make_item(session, other, None, "Sam's words")
    admin = factories.make_staff(session, Role.ADMIN, name="Ada Admin")
    session.commit()
    staff_client(team.iro).get(
        f"/children/{team.child.public_id}/reviews/{team.review.public_id}/pack"
    )

    archive = _download(staff_client(admin), team.child)
    data = json.loads(archive.read("records.json"))
    tables = data["tables"]
    assert [row["public_id"] for row in tables["children"]] == [team.child.public_id]
    assert {row["text"] for row in tables["view_items"]} == {"Kept to myself", "Told my IRO"}
    assert [row["audience"] for row in tables["shares"]] == ["iro"]
    assert {row["role"] for row in tables["assignments"]} >= {"keyworker", "iro"}
    assert tables.get("reviews")
    # Staff named, not just numbered; no secret of any kind.
    assert any(row.get("staff_name") == "Daniel Hughes" for row in tables["assignments"])
    assert not {k for k in _keys(data) if any(s in k for s in export.SECRET_COLUMNS)}
    # Who read the shared item is there (from the audit), never its content.
    reads = [e for e in tables["audit_events"] if e["action"] == "read-shared-item"]
    assert [(e["who"], e["subject_id"]) for e in reads] == [("Daniel Hughes", shared.public_id)]
    # The photo, byte for byte.
    [(media_id, name)] = data["media"].items()
    stored = private.media[0]
    assert media_id == stored.public_id
    assert hashlib.sha256(archive.read(name)).hexdigest() == store.sha256(stored.storage_key)
    page = archive.read("index.html").decode()
    assert "Kept to myself" in page and f'src="{name}"' in page and "Daniel Hughes" in page
    assert "http" not in page.replace("http-equiv", "")  # nothing from outside the zip
    assert "Sam" not in json.dumps(data) and "Sam's words" not in page
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "export-child-records"))
    assert event.subject_id == team.child.public_id
    assert event.detail == "Subject access request, 20 Nov"


@pytest.mark.parametrize("role", [Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO, Role.MANAGER])
def test_only_administrators_export(team, session, staff_client, role):
    member = factories.make_staff(session, role, name="Not Admin")
    session.commit()
    client = staff_client(member)
    assert client.get(_url(team.child)).status_code == 404
    page = client.get("/accessibility").text
    assert client.post(_url(team.child), data={"csrf_token": csrf_from(page)}).status_code == 404


def test_every_table_about_a_child_is_exported_or_left_out_for_a_reason():
    tables = Base.metadata.tables
    reach = {"children"}
    grew = True
    while grew:
        grew = False
        for table in tables.values():
            if table.name in reach:
                continue
            if any(
                key.column.table.name in reach - {"staff_members"} for key in table.foreign_keys
            ):
                reach.add(table.name)
                grew = True
    exported = {table.name for table, _column in export.child_tables()}
    assert reach - {"children"} == exported | set(export.NOT_EXPORTED)
