"""Fixtures for planning: Mia with her next meeting, people in her life, her professionals, and a
tablet already handed to her."""

from __future__ import annotations

import re

import pytest

from participation.models import NetworkRole, Role
from tests.conftest import csrf_from
from tests.support import factories
from tests.support.child_fixtures import CODE

VERSION_RE = re.compile(r'id="version" name="version" type="hidden" value="(-?\d*)"')


def key_from(html: str) -> str:
    """The page's own key (forms.FormKeyField), as the browser sends it with every save."""
    found = re.search(r'id="form_key" name="form_key" type="hidden" value="([^"]+)"', html)
    assert found, "no form key on the page"
    return found.group(1)


def version_from(html: str) -> str:
    match = VERSION_RE.search(html)
    assert match, "no version on the page"
    return match.group(1)


@pytest.fixture
def iro(session):
    staff = factories.make_staff(session, Role.IRO, name="Ivy Iro")
    session.commit()
    return staff


@pytest.fixture
def family(session, mia, keyworker, social_worker, iro):
    """Mia's network and professionals, and her next review."""
    factories.assign(session, social_worker, mia)
    factories.assign(session, iro, mia)
    mum = factories.make_person(
        session, mia, name="Kelly", relationship_to_child="Mum", role=NetworkRole.PARENT
    )
    nan = factories.make_person(session, mia, name="Jean", relationship_to_child="Nan")
    review = factories.make_review(session, mia)
    session.commit()
    return {"mum": mum, "nan": nan, "review": review}


class Planner:
    """The child on the tablet, going through their plan."""

    def __init__(self, client):
        self.client = client

    def page(self, step):
        return self.client.get(f"/me/plan/{step}")

    def post(self, step, data, *, page=None, autosave=False, **overrides):
        html = (page or self.page(step)).text
        form = {"csrf_token": csrf_from(html), "version": version_from(html), **data}
        form.update(overrides)
        headers = {"X-Autosave": "1"} if autosave else {}
        return self.client.post(f"/me/plan/{step}", data=form, headers=headers)


@pytest.fixture
def on_tablet(tablet, mia_with_code, keyworker, family):
    """Mia holds the tablet, unlocked."""
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    return mia_with_code


@pytest.fixture
def planner(client, on_tablet):
    return Planner(client)


PEOPLE_KEY_RE = re.compile(
    r'id="people-(\d+)-key" name="people-\d+-key" type="hidden" value="([^"]+)"'
)
PEOPLE_NAME_RE = re.compile(r'<h2 id="people-(\d+)-key-name"><bdi>([^<]+)</bdi></h2>')


def people_on(html: str) -> dict[str, tuple[int, str]]:
    """The cards on the who-comes page: name -> (index, key)."""
    keys = dict(PEOPLE_KEY_RE.findall(html))
    return {name: (int(index), keys[index]) for index, name in PEOPLE_NAME_RE.findall(html)}


def wishes_form(html: str, wishes: dict[str, dict[str, str]]) -> dict[str, str]:
    """Form data for the who-comes step: every card as posted, with `wishes` by person's name."""
    data = {}
    for name, (index, key) in people_on(html).items():
        data[f"people-{index}-key"] = key
        for field, value in wishes.get(name, {}).items():
            data[f"people-{index}-{field}"] = value
    return data


def is_checked(html: str, name: str, value: str) -> bool:
    """Is the choice card `name`=`value` checked on this page?"""
    pattern = (
        rf'<input checked id="[^"]+" name="{re.escape(name)}" '
        rf'type="(?:radio|checkbox)" value="{re.escape(value)}">'
    )
    return re.search(pattern, html) is not None
