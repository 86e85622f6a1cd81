"""Hostile and random input to every form: never a 500, never a stack trace.

Every POST route in the url map is found, then exercised as someone who may use it: the demo
council is loaded, each kind of user walks the pages they can reach, and every form found there
gives the real URL and field names to post to. Hypothesis then posts mangled versions of it:
control characters, right-to-left overrides, NUL bytes, 100 KB strings, numbers where words go
and words where numbers go, invalid UTF-8, files where text goes, JSON instead of a form,
missing fields, duplicated fields, unknown fields, and a CSRF token that is valid, missing or
wrong. A route no walk reaches is still posted to with made-up URL values (it must answer 404,
not crash) and is listed in the output, so new routes show up here without anyone asking.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from participation.accounts import second_factor
from participation.db import db
from participation.demo import load_demo
from participation.models import AuthSession, Child, Role, SessionKind, StaffMember, utcnow
from participation.security.access import PUBLIC
from participation.security.principal import new_session_token
from tests.conftest import csrf_from
from tests.support import factories

# The same examples on every run, so a failure here is never a fluke; set ROBUSTNESS_EXAMPLES
# higher for a longer hunt (and ROBUSTNESS_RANDOM=1 for new examples each time).
MAX_EXAMPLES = int(os.environ.get("ROBUSTNESS_EXAMPLES", "20"))
DERANDOMIZE = not os.environ.get("ROBUSTNESS_RANDOM")
PAGES_PER_WALK = 150
DEMO_STAFF = {
    Role.KEYWORKER: "tom.evans@example.org",
    Role.SOCIAL_WORKER: "grace.okafor@example.org",
    Role.IRO: "daniel.hughes@example.org",
    Role.MANAGER: "helen.murray@example.org",
    Role.ADMIN: "sam.patel@example.org",
}
DEMO_CHILD = "Jay"  # Tom Evans is his keyworker
PICTURES = ["star", "fish", "car"]

NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e",  # right-to-left override
    "\u202egnp.exe",
    "\u200f\u200e\u2066\u2069",
    "\ufeff",
    "\r\n\r\n",
    "\t\x0b\x0c\x1b[31m",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "../../../etc/passwd",
    "%00%0a",
    "{{ 7*7 }}",
    "-1",
    "0",
    "1e308",
    "99999999999999999999999999",
    "NaN",
    "true",
    "[]",
    "{}",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "😀" * 20,
    "ٱلسَّلَامُ عَلَيْكُمْ",
    "x" * 100_000,
]


def text_values() -> st.SearchStrategy[str | bytes]:
    return st.one_of(
        st.sampled_from(NASTY_STRINGS),
        st.text(max_size=40),  # every code point but surrogates, control characters included
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.just(b"\xff\xfe\x00\xc3("),  # not UTF-8
    )


KEEP, DROP = "keep", "drop"


@dataclass
class Form:
    """A form as a page offers it: where it posts and the fields with their values."""

    url: str
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Payload:
    changes: dict[str, Any]
    extras: list[tuple[str, str | bytes]]
    csrf: str
    encoding: str


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str | None, list[tuple[str, str]]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self._form = []
            self.forms.append((a.get("action") or None, self._form))
        elif self._form is not None and tag in ("input", "button", "textarea") and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox") and "checked" not in a and tag == "input":
                if not any(name == a["name"] for name, _ in self._form):
                    self._form.append((a["name"], a.get("value", "on")))
                return
            self._form.append((a["name"], a.get("value", "")))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None and self._select_value is None:
            self._select_value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.append((self._select, self._select_value or ""))
            self._select = None


@dataclass
class Principal:
    """Someone to post as, and how to make a fresh session for them on a new client."""

    name: str
    login: Callable[[FlaskClient], None]
    start: str = "/"


def _staff_login(staff_id: int, second_factor_given: bool = True) -> Callable[[FlaskClient], None]:
    def login(client: FlaskClient) -> None:
        token, token_hash = new_session_token()
        now = utcnow()
        session = db.session()
        session.add(
            AuthSession(
                token_hash=token_hash,
                kind=SessionKind.STAFF,
                staff_id=staff_id,
                created_at=now,
                last_seen_at=now,
                second_factor_at=now if second_factor_given else None,
            )
        )
        session.commit()
        with client.session_transaction() as cookie:
            cookie["_user_id"] = token
            cookie["_fresh"] = True

    return login


def _child_login(
    child_id: int, keyworker_id: int, unlocked: bool = True
) -> Callable[[FlaskClient], None]:
    from participation.child import service as space
    from participation.child.session import CHILD_TOKEN_KEY

    def login(client: FlaskClient) -> None:
        session = db.session()
        child = session.get(Child, child_id)
        keyworker = session.get(StaffMember, keyworker_id)
        assert child is not None and keyworker is not None
        # A fresh code each time: wrong picks posted by earlier examples may have locked it.
        space.set_picture_code(session, child, PICTURES, keyworker)
        _unused, token_hash = new_session_token()
        staff_session = AuthSession(
            token_hash=token_hash,
            kind=SessionKind.STAFF,
            staff_id=keyworker.id,
            last_seen_at=utcnow(),
            second_factor_at=utcnow(),
        )
        session.add(staff_session)
        session.flush()
        opened = space.hand_over(session, staff_session, keyworker, child)
        if unlocked:
            space.unlock_session(session, opened.auth_session)
        session.commit()
        with client.session_transaction() as cookie:
            cookie[CHILD_TOKEN_KEY] = opened.token

    return login


def _principals() -> list[Principal]:
    session = db.session()
    staff = {
        role: session.scalar(select(StaffMember).where(StaffMember.email == email))
        for role, email in DEMO_STAFF.items()
    }
    newcomer = factories.make_staff(session, Role.ADMIN, name="New Admin")
    session.commit()
    second_factor.start_enrolment(session, newcomer)
    child = session.scalar(select(Child).where(Child.preferred_name == DEMO_CHILD))
    assert child is not None and all(staff.values())
    principals = [
        Principal("anonymous", lambda client: None, "/sign-in"),
        Principal(
            "IRO waiting for their code",
            _staff_login(staff[Role.IRO].id, second_factor_given=False),
            "/second-factor",
        ),
        Principal(
            "admin setting up their app",
            _staff_login(newcomer.id, second_factor_given=False),
            "/second-factor/set-up",
        ),
        Principal("child", _child_login(child.id, staff[Role.KEYWORKER].id), "/me"),
        Principal(
            "child on a locked tablet",
            _child_login(child.id, staff[Role.KEYWORKER].id, unlocked=False),
            "/me/unlock",
        ),
    ]
    principals += [Principal(role.value, _staff_login(member.id)) for role, member in staff.items()]
    return principals


def _plain_client(app: Flask) -> FlaskClient:
    # Not the page-checking client: this test is about crashes, and walks pages of every area.
    return FlaskClient(app, app.response_class, use_cookies=True)


def _match(app: Flask, url: str, method: str) -> tuple[str, dict[str, Any]] | None:
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(urlsplit(url).path, method=method)
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None


def _walk(app: Flask, principal: Principal) -> dict[str, Form]:
    """The POST forms this principal meets on the pages they can reach, by endpoint."""
    client = _plain_client(app)
    principal.login(client)
    forms: dict[str, Form] = {}
    # From their start page, then every page whose address needs no values filled in.
    plain = [
        r.rule for r in app.url_map.iter_rules() if "GET" in (r.methods or ()) and not r.arguments
    ]
    queue, seen = deque([principal.start, "/", *sorted(plain)]), set()
    while queue and len(seen) < PAGES_PER_WALK:
        url = queue.popleft()
        if url in seen or not url.startswith("/") or url.startswith(("//", "/static/")):
            continue
        seen.add(url)
        response = client.get(url, follow_redirects=True)
        if response.mimetype != "text/html":
            continue
        parser = _PageParser()
        parser.feed(response.get_data(as_text=True))
        page_url = response.request.path + (
            f"?{response.request.query_string.decode()}" if response.request.query_string else ""
        )
        for action, fields in parser.forms:
            target = action or page_url
            matched = _match(app, target, "POST")
            if matched and matched[0] not in forms:
                forms[matched[0]] = Form(target, [f for f in fields if f[0] != "csrf_token"])
        for link in parser.links:
            link = link.split("#")[0]
            if link and _match(app, link, "GET"):
                queue.append(link)
    return forms


def _may_use(access: Any, principal: Principal) -> bool:
    if access == PUBLIC:
        return True
    if isinstance(access, frozenset):
        return (
            principal.name in {role.value for role in access}
            or "waiting" in principal.name
            or ("setting up" in principal.name)
        )
    return principal.name.startswith("child")


def _payloads(form: Form) -> st.SearchStrategy[Payload]:
    names = sorted({name for name, _ in form.fields})
    change = st.one_of(
        st.just(KEEP),
        st.just(DROP),
        text_values(),
        st.lists(text_values(), min_size=2, max_size=3),  # the field sent more than once
    )
    return st.builds(
        Payload,
        changes=st.fixed_dictionaries(dict.fromkeys(names, change)),
        extras=st.lists(st.tuples(st.text(min_size=1, max_size=12), text_values()), max_size=2),
        csrf=st.sampled_from(["valid"] * 6 + ["missing", "wrong", "twice"]),
        encoding=st.sampled_from(["form"] * 5 + ["multipart-with-file", "json"]),
    )


def _body(form: Form, payload: Payload, token: str) -> MultiDict[str, Any]:
    data: MultiDict[str, Any] = MultiDict()
    for name, value in form.fields:
        change = payload.changes.get(name, KEEP)
        if change == DROP:
            continue
        for one in change if isinstance(change, list) else [value if change == KEEP else change]:
            data.add(name, one)
    for name, value in payload.extras:
        data.add(name, value)
    if payload.csrf in ("valid", "twice"):
        data.add("csrf_token", token)
    if payload.csrf == "twice":
        data.add("csrf_token", "not-the-token")
    elif payload.csrf == "wrong":
        data.add("csrf_token", token[::-1])
    return data


def _post(client: FlaskClient, form: Form, payload: Payload, token: str):
    data = _body(form, payload, token)
    if payload.encoding == "json":
        as_text = {k: v.decode("latin-1") if isinstance(v, bytes) else v for k, v in data.items()}
        return client.post(
            form.url,
            data=json.dumps(as_text),
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
    if payload.encoding == "multipart-with-file" and data:
        first = next(iter(data.keys()))
        if first != "csrf_token":
            data.setlist(first, [(io.BytesIO(b"<html>not a photo</html>"), "evil.jpg.html")])
        return client.post(form.url, data=data, content_type="multipart/form-data")
    return client.post(form.url, data=data)


def _check(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.mimetype in ("application/zip", "application/pdf", "text/csv"):
        return  # a download the form was for: binary, and never an error page
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and 'File "/' not in body, f"{what}: a stack trace"
    if response.mimetype == "text/html" and body and not 300 <= response.status_code < 400:
        assert body.lstrip().lower().startswith("<!doctype html>"), f"{what}: not our page"


def _placeholder_url(app: Flask, endpoint: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "no-such-thing", rule.rule)


@pytest.fixture
def council(app):
    load_demo(db.session())
    db.session.remove()


def test_every_form_survives_hostile_input(app, council, capsys):
    principals = _principals()
    met = {p.name: _walk(app, p) for p in principals}
    post_rules = sorted(
        {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    )
    plan: list[tuple[str, Principal, Form]] = []
    unreached = []
    for endpoint in post_rules:
        access = getattr(app.view_functions[endpoint], "access", None)
        choice = next(
            (
                (p, met[p.name][endpoint])
                for p in principals
                if endpoint in met[p.name] and _may_use(access, p)
            ),
            None,
        )
        if choice is None:
            unreached.append(endpoint)
            who = next((p for p in principals if _may_use(access, p)), principals[0])
            choice = (who, Form(_placeholder_url(app, endpoint)))
        plan.append((endpoint, *choice))
    with capsys.disabled():
        print(f"\nrobustness: {len(plan)} POST routes, {MAX_EXAMPLES} examples each")
        if unreached:
            print(f"  reached by no walk (posted with made-up URL values): {unreached}")
    assert len(unreached) < len(plan) / 2, f"too few forms were found: {unreached}"

    failures = {}
    for endpoint, principal, form in plan:
        try:
            _fuzzer(app, endpoint, principal, form)()
        except Exception as error:  # one failure, or several (an ExceptionGroup)
            # Hypothesis has shrunk each to the smallest payload that fails: keep them to show.
            parts = list(getattr(error, "exceptions", [error]))
            failures[endpoint] = " | ".join(
                f"{type(part).__name__}: {str(part)[:300]} "
                + " ".join(n for n in getattr(part, "__notes__", []) if "Payload(" in n)
                for part in parts
            )[:3000]
    assert failures == {}


def _fuzzer(app: Flask, endpoint: str, principal: Principal, form: Form) -> Callable[[], None]:
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=DERANDOMIZE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(payload=_payloads(form))
    def post_something(payload: Payload) -> None:
        client = _plain_client(app)
        principal.login(client)
        token = csrf_from(client.get("/accessibility").text)
        response = _post(client, form, payload, token)
        _check(response, f"{endpoint} as {principal.name}")

    return post_something


def test_a_form_over_the_size_limit_gets_the_styled_413(client):
    token = csrf_from(client.get("/sign-in").text)
    response = client.post(
        "/sign-in",
        data={"email": "a@example.org", "password": "x" * (600 * 1024), "csrf_token": token},
    )
    assert response.status_code == 413
    assert "Traceback" not in response.text and "too big" in response.text


def test_control_characters_in_the_sign_in_form_are_just_a_wrong_password(client, session):
    staff = factories.make_staff(session)
    session.commit()
    token = csrf_from(client.get("/sign-in").text)
    response = client.post(
        "/sign-in",
        data=MultiDict(
            [
                ("email", staff.email + "\u202e\x1b\r\n"),
                ("email", "second@example.org"),
                ("password", "\x07" * 10),
                ("csrf_token", token),
            ]
        ),
    )
    assert response.status_code == 200
    assert "The email address or password is not right" in response.text


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/sign-in", {"email": "a@example.org", "password": "x", "x\x00": "1"}),
        ("get", "/sign-in?next=%00", None),
        ("get", "/children/abc%00def", None),
    ],
)
def test_a_nul_character_in_an_address_or_a_name_is_refused_before_the_database_sees_it(
    client, method, path, data
):
    # PostgreSQL cannot hold or compare a NUL; no form of ours has one in a field's name.
    if data is not None:
        data = {**data, "csrf_token": csrf_from(client.get("/sign-in").text)}
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 400
    assert "Something in the request was not right" in response.text


def test_json_and_stray_files_are_refused_before_any_form_reads_them(client, auth, keyworker):
    auth.sign_in(keyworker)
    token = csrf_from(client.get("/account").text)
    as_json = client.post(
        "/account/language",
        data=json.dumps({"language": ["cy"]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert as_json.status_code == 415
    a_file = client.post(
        "/account/language",
        data={"language": (io.BytesIO(b"cy"), "cy.txt"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert a_file.status_code == 400


def test_pending_sessions_expire_like_others(app, session):
    # The robustness walk makes sessions straight in the database; make sure such a session
    # really is refused once old, as a signed-in one would be.
    staff = factories.make_staff(session, Role.IRO)
    session.commit()
    client = _plain_client(app)
    _staff_login(staff.id, second_factor_given=False)(client)
    row = session.scalars(select(AuthSession).where(AuthSession.staff_id == staff.id)).one()
    row.created_at = utcnow() - second_factor.PENDING_FOR - timedelta(minutes=1)
    session.commit()
    assert client.get("/second-factor").headers["Location"] == "/sign-in"
