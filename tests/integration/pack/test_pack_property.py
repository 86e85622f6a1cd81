"""THE key property: for any items and any sharing choices (withdrawals included), each
audience's pack, as HTML and as PDF text, holds exactly the items shared with that audience,
and an item's photo answers 404 to everyone it was not shared with."""

from __future__ import annotations

import secrets

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participation.models import Audience, Role
from participation.sharing import state
from tests.integration.sharing.helpers import make_item, share
from tests.support import factories
from tests.support.pdf import pdf_text

AUDIENCES = list(state.AUDIENCES)
# One item: whether it has a photo, then its choices in order (audience, share or keep private).
ITEM = st.tuples(
    st.booleans(),
    st.lists(st.tuples(st.sampled_from(AUDIENCES), st.booleans()), max_size=5),
)
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _expected(choices: list[tuple[Audience, bool]]) -> set[Audience]:
    """The model: the last choice per audience; "everyone at my meeting" reaches all four."""
    last: dict[Audience, bool] = {}
    for audience, shared in choices:
        last[audience] = shared
    chosen = {a for a, shared in last.items() if shared}
    return {r for r in AUDIENCES if r in chosen or Audience.MEETING in chosen}


def _world(session, store, items):
    team = {
        Audience.KEYWORKER: factories.make_staff(session, Role.KEYWORKER),
        Audience.SOCIAL_WORKER: factories.make_staff(session, Role.SOCIAL_WORKER),
        Audience.IRO: factories.make_staff(session, Role.IRO),
    }
    child = factories.make_child(session)
    for member in team.values():
        factories.assign(session, member, child)
    review = factories.make_review(session, child)
    session.commit()
    made = []
    for has_photo, choices in items:
        marker = f"Mark{secrets.token_hex(4)}"
        item = make_item(
            session, child, review, marker, photos=1 if has_photo else 0, storage=store
        )
        for audience, shared in choices:
            share(session, item, audience, shared)
        made.append((marker, item.media[0].public_id if has_photo else None, _expected(choices)))
    return team, child, review, made


@given(items=st.lists(ITEM, min_size=1, max_size=5))
@SETTINGS
def test_each_pack_holds_exactly_what_was_shared_with_its_audience(
    app, session, store, staff_client, items
):
    team, child, review, made = _world(session, store, items)
    base = f"/children/{child.public_id}/reviews/{review.public_id}/pack"
    clients = {audience: staff_client(member) for audience, member in team.items()}
    readers = [(a, clients[a], base) for a in team] + [
        (Audience.MEETING, clients[Audience.IRO], f"{base}/meeting")
    ]
    for audience, reader, url in readers:
        page = reader.get(url)
        assert page.status_code == 200
        shown = {marker for marker, _media, _who in made if marker in page.text}
        assert shown == {marker for marker, _media, who in made if audience in who}, audience
    for audience, reader in clients.items():
        for _marker, media_id, who in made:
            if media_id is None:
                continue
            status = reader.get(f"/media/{media_id}/thumb").status_code
            assert status == (200 if audience in who else 404), audience


@given(items=st.lists(ITEM, min_size=1, max_size=4))
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_each_pdf_holds_exactly_what_was_shared_with_its_audience(
    app, session, store, staff_client, items
):
    team, child, review, made = _world(session, store, items)
    base = f"/children/{child.public_id}/reviews/{review.public_id}/pack"
    iro = staff_client(team[Audience.IRO])
    for audience, url in ((Audience.IRO, f"{base}/pdf"), (Audience.MEETING, f"{base}/meeting/pdf")):
        response = iro.get(url)
        assert response.status_code == 200
        text = pdf_text(response.data)
        shown = {marker for marker, _media, _who in made if marker in text}
        assert shown == {marker for marker, _media, who in made if audience in who}, audience
