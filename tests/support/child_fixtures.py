"""Fixtures for a child's space: a child with a keyworker, a picture code, a tablet to hand over."""

from __future__ import annotations

import pytest

from participation.child import service as space_service
from participation.models import Role
from tests.conftest import csrf_from
from tests.support import factories

CODE = ["star", "fish", "car"]


@pytest.fixture
def mia(session, keyworker):
    child = factories.make_child(session, preferred_name="Mia")
    factories.assign(session, keyworker, child)
    session.commit()
    return child


@pytest.fixture
def mia_with_code(session, mia, keyworker):
    space_service.set_picture_code(session, mia, CODE, keyworker)
    return mia


class Tablet:
    """A tablet on which a keyworker hands over to a child, who then taps their code."""

    def __init__(self, client, auth):
        self.client = client
        self.auth = auth

    def hand_over(self, staff, child):
        self.auth.sign_in(staff)
        page = self.client.get(f"/children/{child.public_id}").text
        return self.client.post(
            f"/children/{child.public_id}/hand-over", data={"csrf_token": csrf_from(page)}
        )

    def tap(self, pictures):
        response = None
        for picture in pictures:
            page = self.client.get("/me/unlock").text
            response = self.client.post(
                "/me/unlock", data={"pick": picture, "csrf_token": csrf_from(page)}
            )
        return response

    def give_back_and_hand_over_again(self, staff, child):
        """The tablet is given back (the sitting ends), then handed over again later."""
        self.post("/me/give-back")
        self.hand_over(staff, child)
        return self.tap(CODE)

    def post(self, path, **data):
        page = self.client.get("/accessibility").text
        return self.client.post(path, data={"csrf_token": csrf_from(page), **data})


@pytest.fixture
def tablet(client, auth):
    return Tablet(client, auth)


@pytest.fixture
def social_worker(session):
    staff = factories.make_staff(session, Role.SOCIAL_WORKER)
    session.commit()
    return staff
