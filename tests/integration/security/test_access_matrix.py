"""The access matrix: every route in the url map x every kind of person x whose record it is.

Each route's address is filled in with child A's records ("own") and, when it names a child's
record, also with child B's ("other"); with A's child or review and B's thing under it
("mixed", when it names two); and with the item A keeps private ("private", for items and
photos). Then each of ten people asks for it (GET) and posts to it (POST, with a valid CSRF
token and an otherwise empty form).

`MAY` says, for every endpoint, who may use it, by the person's relation to the record:
"keyworker" means *the child's own* keyworker, so KA asking for child B's record is nobody to
it and gets a 404, like staff whose role the page is not for. Anything not yours is a 404; on
staff pages a child's space or nobody signed in is sent to sign in (GET) or refused with 401
(POST), as `security.access` does; a mixed address is nobody's.

A refused request must change nothing in the database (audit records aside: refusals are
audited) and show nothing of the record's child. An allowed GET must answer as `MAY` says; an
allowed POST (an empty form) must not be a 404 or a crash. No page shows staff the words a child
kept private, nor anyone on one child's side anything of the other child's.

The world is built once for the module (tests/support/access_world.py); a request that changes
it is undone at once, so every cell starts from the same council and any cell runs alone.
A new route fails `test_every_route_is_in_the_table` until someone says here who may use it.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from participation import create_app
from participation.child.session import CHILD_TOKEN_KEY
from participation.db import db
from participation.security.access import CHILD, CHILD_SESSION, CHILD_SESSION_OR_404, PUBLIC
from tests.conftest import Auth, csrf_from
from tests.support.access_world import (
    Side,
    Snapshot,
    World,
    WriteWatch,
    build_world,
    empty_tables,
    staff_member,
)
from tests.support.child_fixtures import CODE, Tablet

# --- who asks -------------------------------------------------------------------------------------

# A person's relation to a record, as the table below uses it.
THE_CHILD = "child"
KEYWORKER = "keyworker"
SOCIAL_WORKER = "social-worker"
IRO = "iro"
MANAGER = "manager"
ADMIN = "admin"
ANYONE = "anyone"  # public pages
STAFF = (KEYWORKER, SOCIAL_WORKER, IRO, MANAGER, ADMIN)


@dataclass(frozen=True)
class Who:
    name: str
    kind: str  # "child", "staff" or "anonymous"
    relation: str | None  # what they are to the records of their own side
    side: str | None  # "a" or "b": whose team they are on; None: the whole council, or nobody


PEOPLE = (
    Who("child", "child", THE_CHILD, "a"),
    Who("other-child", "child", THE_CHILD, "b"),  # a child from another home
    Who("keyworker", "staff", KEYWORKER, "a"),
    Who("other-keyworker", "staff", KEYWORKER, "b"),
    Who("social-worker", "staff", SOCIAL_WORKER, "a"),
    Who("iro", "staff", IRO, "a"),
    Who("other-iro", "staff", IRO, "b"),
    Who("manager", "staff", MANAGER, None),
    Who("admin", "staff", ADMIN, None),
    Who("anonymous", "anonymous", None, None),
)


# --- who may use what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class May:
    """Who may GET and who may POST an endpoint, and what an allowed GET answers."""

    get: frozenset[str] = frozenset()
    post: frozenset[str] = frozenset()
    status: int | Mapping[str, int] = 200  # by person kind when it depends on who asks
    data: Mapping[str, str] = field(default_factory=dict)  # sent by an allowed POST
    query: str = ""

    def form_data(self, side: Side) -> dict[str, str]:
        return {name: value.format(**asdict(side)) for name, value in self.data.items()}

    def get_status(self, who: Who) -> int:
        if isinstance(self.status, int):
            return self.status
        return self.status.get(who.kind, self.status.get("*", 200))


def read(*who: str, status: int | Mapping[str, int] = 200, query: str = "") -> May:
    """A page (GET only)."""
    return May(get=frozenset(who), status=status, query=query)


def write(*who: str, data: Mapping[str, str] | None = None) -> May:
    """An action (POST only)."""
    return May(post=frozenset(who), data=data or {})


def form(
    *who: str, post: tuple[str, ...] | None = None, status: int | Mapping[str, int] = 200
) -> May:
    """A page with its form: the same people GET and POST unless `post` says otherwise."""
    return May(get=frozenset(who), post=frozenset(who if post is None else post), status=status)


MAY: dict[str, May] = {
    # --- for everyone -----------------------------------------------------------------------------
    "static": read(ANYONE),
    "pages.home": read(ANYONE, status=302),  # sends each person to their own start page
    "pages.accessibility": read(ANYONE),
    "pages.healthz": read(ANYONE),
    "pages.choose_language": write(ANYONE),
    "accounts.sign_in": form(ANYONE, status={"staff": 302, "*": 200}),
    "child.open_link": read(ANYONE, status=302),  # the token is the credential
    # --- staff: signing in and their own account ------------------------------------------------
    "accounts.second_factor_code": form(*STAFF, status=302),  # already given: on to the start
    "accounts.second_factor_recovery": form(*STAFF, status=302),
    "accounts.set_up_second_factor": form(*STAFF),
    "accounts.start_second_factor": write(*STAFF),
    "accounts.sign_out": write(*STAFF),
    "accounts.account": read(*STAFF),
    "accounts.account_language": write(*STAFF),
    "accounts.account_known_as": write(*STAFF, data={"known_as": "Tom"}),
    "accounts.still_here": write(*STAFF),
    "accounts.change_password": form(*STAFF),
    "accounts.new_recovery_codes": write(*STAFF),
    "accounts.end_session": write(*STAFF, data={"handle": "others"}),
    # --- staff start pages --------------------------------------------------------------------
    "caseload.my_children": read(KEYWORKER, SOCIAL_WORKER, IRO),
    "caseload.council": read(MANAGER),
    "keyworker.workspace": read(KEYWORKER),
    "iro.workspace": read(IRO),
    "social_worker.workspace": read(SOCIAL_WORKER),
    "timetable.dashboard": read(KEYWORKER, SOCIAL_WORKER, IRO),
    "timetable.council_dashboard": read(MANAGER),
    "timetable.dashboard_for_role": read(KEYWORKER, SOCIAL_WORKER, IRO, MANAGER, status=302),
    # --- administration (managers read the lists and the export) ------------------------------
    "admin.overview": read(MANAGER, ADMIN),
    "admin.homes": read(MANAGER, ADMIN),
    "admin.children": form(MANAGER, ADMIN),  # a name searched for is posted
    "admin.staff_list": form(MANAGER, ADMIN),
    "admin.languages": read(MANAGER, ADMIN),
    "admin.export_codes": read(MANAGER, ADMIN),
    "admin.export_codes_csv": read(MANAGER, ADMIN, query="?start=2026-01-01&end=2026-12-31"),
    "admin.new_home": form(ADMIN),
    "admin.edit_home": form(ADMIN),
    "admin.deactivate_home": write(ADMIN),
    "admin.reactivate_home": write(ADMIN),
    "admin.new_child": form(ADMIN),
    "admin.child": read(ADMIN),
    "admin.edit_child": form(ADMIN),
    "admin.assign": write(ADMIN),
    "admin.end_assignment": write(ADMIN, data={"staff": "{keyworker}", "role": KEYWORKER}),
    "admin.new_person": form(ADMIN),
    "admin.edit_person": form(ADMIN),
    "admin.deactivate_person": write(ADMIN),
    "admin.reactivate_person": write(ADMIN),
    "admin.new_staff": form(ADMIN),
    "admin.edit_staff": form(ADMIN),
    "admin.disable_staff": write(ADMIN),
    "admin.hand_over_children": write(ADMIN),
    "admin.enable_staff": write(ADMIN),
    "admin.reset_password": form(ADMIN),
    "admin.reset_second_factor": write(ADMIN),
    "admin.import_csv": form(ADMIN),
    "admin.import_template": read(ADMIN),
    "audit.search_page": read(ADMIN),
    "records.subject_access": form(ADMIN),
    "timetable.settings": form(ADMIN),
    "timetable.add_closure_day": write(ADMIN),
    "timetable.remove_closure_day": write(ADMIN),
    # --- a child's record: the staff on the case (managers and admins as the policy says) ----
    "caseload.child_record": read(KEYWORKER, SOCIAL_WORKER, IRO, MANAGER, ADMIN),
    "child.picture_code": form(KEYWORKER, SOCIAL_WORKER),
    "child.hand_over": write(KEYWORKER, SOCIAL_WORKER),
    "child.unlock_space": write(KEYWORKER, SOCIAL_WORKER),
    "child.age_band": write(KEYWORKER, SOCIAL_WORKER),
    "child.space_language": write(KEYWORKER, SOCIAL_WORKER, data={"language": ""}),
    "child.create_link": write(KEYWORKER, SOCIAL_WORKER),
    "child.revoke_link": write(KEYWORKER, SOCIAL_WORKER),
    "views.staff_topics": form(KEYWORKER, SOCIAL_WORKER),
    "views.staff_write": form(KEYWORKER),
    # A photo the child shared with everyone at the meeting: the staff who work with the child;
    # managers and administrators are nobody's audience.
    "views.media": read(KEYWORKER, SOCIAL_WORKER, IRO),
    # A photo held between tries of a form is only the sending session's, and nobody here has
    # sent one: a 404 even for those the route is for (test_held_files.py has the sender).
    "views.staff_held": read(KEYWORKER, status=404),
    "planning.staff_plan": read(KEYWORKER, SOCIAL_WORKER, IRO, MANAGER),
    "planning.decide": form(KEYWORKER, SOCIAL_WORKER, IRO, status=302),
    "planning.arrangement": write(KEYWORKER, SOCIAL_WORKER, IRO),
    "planning.tick_checklist": write(KEYWORKER, SOCIAL_WORKER, IRO),
    "pack.read": read(KEYWORKER, SOCIAL_WORKER, IRO),
    "pack.pdf": read(KEYWORKER, SOCIAL_WORKER, IRO),
    "pack.mark_read": write(KEYWORKER, SOCIAL_WORKER, IRO),
    "pack.send": form(KEYWORKER, SOCIAL_WORKER),
    "keyworker.summaries": read(KEYWORKER),
    "keyworker.summary": form(KEYWORKER),
    "keyworker.new_summary": form(KEYWORKER),
    "keyworker.report": form(KEYWORKER),
    "keyworker.start_report": write(KEYWORKER),
    "keyworker.share_report": write(KEYWORKER),
    "keyworker.send_report": write(KEYWORKER),
    "keyworker.add_words": write(KEYWORKER),
    "keyworker.sent_report": read(KEYWORKER, SOCIAL_WORKER, IRO, MANAGER),
    "keyworker.action_notes": form(KEYWORKER, SOCIAL_WORKER, IRO, post=(KEYWORKER,)),
    "invitations.invitation_list": read(SOCIAL_WORKER, MANAGER),
    "invitations.invitation_csv": read(SOCIAL_WORKER, MANAGER),
    "invitations.letters": read(SOCIAL_WORKER, MANAGER),
    "invitations.mark_sent": write(SOCIAL_WORKER, MANAGER),
    "iro.meeting": form(IRO),
    "iro.remove_meeting": write(IRO),
    "iro.outcome": read(IRO),
    "iro.taking_part": write(IRO),
    "iro.confirm_code": write(IRO),
    "iro.add_decision": write(IRO),
    "iro.change_decision": form(IRO),
    "iro.remove_decision": form(IRO),  # asks first (GET), removes on the confirmed POST
    "iro.action_done": form(IRO),
    "iro.circulate": write(IRO),
    "iro.decisions_record": read(IRO),  # the last review's, circulated
    # The milestone used is "child-views-ready": the keyworker's to mark done (or a manager's).
    "timetable.milestone": form(KEYWORKER, SOCIAL_WORKER, IRO, MANAGER, post=(KEYWORKER, MANAGER)),
    "timetable.mark_not_done": write(KEYWORKER, MANAGER),
    "timetable.record_held": form(IRO, MANAGER),
    "timetable.record_adjourned": form(IRO, MANAGER),
    "timetable.record_event": form(KEYWORKER, SOCIAL_WORKER, IRO, MANAGER),
    "timetable.significant_event": form(KEYWORKER, SOCIAL_WORKER, IRO, MANAGER, post=(IRO,)),
    "worry.alert": form(KEYWORKER, SOCIAL_WORKER),
    # --- the child's own space --------------------------------------------------------------------
    "child.unlock": form(THE_CHILD, status=302),  # already unlocked: on to My page
    "child.lock": write(THE_CHILD),
    "child.give_back": write(THE_CHILD),
    "child.still_here": write(THE_CHILD),
    "child.people_seen": write(THE_CHILD),
    "readaloud.read_aloud": write(THE_CHILD),  # an empty text: 400
    "child.my_page": read(THE_CHILD),
    "child.display": form(THE_CHILD),
    "child.own_picture_code": form(THE_CHILD),
    "views.my_views": read(THE_CHILD),
    "views.topic": read(THE_CHILD),
    "views.add": form(THE_CHILD),
    "views.item": read(THE_CHILD),
    "views.item_status": read(THE_CHILD),
    "views.change": form(THE_CHILD),
    "views.delete": form(THE_CHILD),
    "views.hide": form(THE_CHILD),
    "views.my_media": read(THE_CHILD),
    "views.my_held": read(THE_CHILD, status=404),  # (as views.staff_held)
    "sharing.item": form(THE_CHILD),
    "sharing.plan": form(THE_CHILD),
    "sharing.preview": read(THE_CHILD),
    "sharing.explained": form(THE_CHILD),
    "sharing.who_has_seen": read(THE_CHILD),
    "planning.start": read(THE_CHILD, status=302),  # to the step to carry on from
    "planning.step": form(THE_CHILD),
    "keyworker.my_report": read(THE_CHILD),
    "keyworker.respond": write(THE_CHILD),
    "worry.worried": form(THE_CHILD),
    "outcomes.you_said_we_did": read(THE_CHILD),
    "outcomes.answer": write(THE_CHILD),
    # Whoever on the child's team told them a decision in person (not council-wide staff).
    "outcomes.record_told": form(KEYWORKER, SOCIAL_WORKER, IRO),
    # The owner of an action says how it is going (here the child's keyworker owns it).
    "outcomes.record_progress": form(KEYWORKER),
}


# --- filling in addresses -------------------------------------------------------------------------

# URL values that name something of one child's (so the route gets an "other" variant too).
CHILDS_RECORDS: dict[str, str] = {
    "public_id": "child",
    "child_id": "child",
    "home_id": "home",
    "person_id": "person",
    "review_id": "review",
    "decision_id": "decision",
    "meeting_id": "iro_meeting",
    "version_id": "sent_report",
    "summary_id": "summary",
    "link_id": "link",
    "event_id": "event",
    "media_id": "media",
    "item_id": "item",
    "token": "link_token",
}
# Where an endpoint's value means something else than the name says.
OVERRIDES: dict[tuple[str, str], str] = {
    ("worry.alert", "public_id"): "worry",
    # The child answers "did it happen?" for a decision of the last review, once circulated.
    ("outcomes.answer", "decision_id"): "circulated_decision",
    ("outcomes.record_told", "decision_id"): "told_decision",
    ("outcomes.record_progress", "decision_id"): "owned_action",
    ("iro.decisions_record", "review_id"): "held_review",
}
# The "private" variant: the item the child keeps to themselves, and its photo.
PRIVATE = {"item": "private_item", "media": "private_media"}
# Values that are not anybody's records.
FIXED: dict[str, str] = {
    "filename": "css/app.css",
    "kind": "children",
    "subject": "food",
    "name": "child-views-ready",
    "variant": "thumb",
    "topic": "living-here",
    "step": "where-and-when",
    "section": "home",
    "audience": "iro",
    "held_id": "nothing-held-here",
}
PLACEHOLDER = re.compile(r"<(?:[^<>]*:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: tuple[str, ...]
    access: Any
    label: str  # the endpoint, and which of its rules when it has several

    @property
    def names(self) -> list[str]:
        return PLACEHOLDER.findall(self.rule)

    @property
    def records(self) -> list[str]:
        """The values in the address that name one child's records, in order."""
        return [name for name in self.names if name in CHILDS_RECORDS]

    @property
    def variants(self) -> tuple[str | None, ...]:
        """Whose records to fill the address with: child A's ("own"), child B's ("other"); A's
        child or review with B's thing under it ("mixed"); A's private item ("private")."""
        if not self.records:
            return (None,)
        found: tuple[str | None, ...] = ("own", "other")
        if len(self.records) > 1:
            found += ("mixed",)
        if {"item_id", "media_id"} & set(self.records):
            found += ("private",)
        return found

    def url(self, world: World, variant: str | None) -> str:
        global_values = {"staff_id": world.spare_staff, "day": world.closure_day}
        records = self.records

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            side: Side = world.b if variant == "other" else world.a
            if variant == "mixed" and name in records[1:]:
                side = world.b
            attribute = OVERRIDES.get((self.endpoint, name)) or CHILDS_RECORDS.get(name)
            if attribute is None:
                return global_values.get(name) or FIXED[name]
            if variant == "private":
                attribute = PRIVATE.get(attribute, attribute)
            return str(getattr(side, attribute))

        return PLACEHOLDER.sub(value, self.rule) + MAY[self.endpoint].query


def _routes_of(app: Flask) -> list[Route]:
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))
    shared: dict[str, set[str]] = {}  # the values every rule of an endpoint has
    for rule in rules:
        names = set(PLACEHOLDER.findall(rule.rule))
        shared[rule.endpoint] = shared.get(rule.endpoint, names) & names
    routes = []
    for rule in rules:
        # An endpoint with several rules: say which, by its defaults (pack.read(meeting)) or
        # the value only it has (views.media(variant)).
        extra = [name for name, value in (rule.defaults or {}).items() if value]
        extra += [n for n in PLACEHOLDER.findall(rule.rule) if n not in shared[rule.endpoint]]
        label = rule.endpoint + (f"({','.join(extra)})" if extra else "")
        methods = tuple(m for m in ("GET", "POST") if m in (rule.methods or ()))
        access = getattr(app.view_functions[rule.endpoint], "access", PUBLIC)
        routes.append(Route(rule.endpoint, rule.rule, methods, access, label))
    return routes


def _url_map_now() -> list[Route]:
    """The routes as the app has them, read from an app made only for collecting the tests.

    It is made before the suite's own app (pytest collects every module first); the database
    binding is put back in case an app was already bound.
    """
    bound = db.engine
    with tempfile.TemporaryDirectory() as folder:
        made = create_app(
            {
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'routes.db'}",
                "MEDIA_STORAGE": str(Path(folder) / "media"),
                "TASK_QUEUE": "memory://",
            }
        )
        routes = _routes_of(made)
        made.extensions["database_engine"].dispose()
    if bound is not None:
        db.session.remove()
        db.engine = bound
        db.session.configure(bind=bound)
    return routes


ROUTES = _url_map_now()


# --- what each cell expects ---------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    label: str  # for the test id: "200", "302", "404", "401", "sign-in", "allowed"
    allowed: bool
    status: int | None = None  # exact status, when there is one
    sign_in: bool = False  # a redirect to the sign-in page


def relation(who: Who, route: Route, variant: str | None) -> str | None:
    """What `who` is to the record the address names (or their role, if it names none)."""
    if who.kind == "anonymous" or variant == "mixed":
        return None  # nobody's: a mixed address names records of two children
    if variant is None or (who.side is None and variant != "private"):
        return who.relation
    if variant == "private" and who.kind != "child":
        return None  # the child has shared it with nobody
    owner = "b" if variant == "other" else "a"
    return who.relation if who.side == owner else None


def expect(route: Route, method: str, who: Who, variant: str | None) -> Expect:
    may = MAY[route.endpoint]
    allowed_people = may.get if method == "GET" else may.post
    mine = relation(who, route, variant)
    if ANYONE in allowed_people or (mine is not None and mine in allowed_people):
        if method == "GET":
            status = may.get_status(who)
            return Expect(str(status), True, status)
        return Expect("allowed", True)
    if route.access == CHILD_SESSION:
        # The picture-code pages: anyone but a child in their space is sent to sign in.
        return Expect("sign-in", False, 302, sign_in=True)
    if isinstance(route.access, frozenset) and who.kind != "staff":
        # Staff pages: a child's space or nobody signed in must sign in (GET) or is refused.
        if method == "GET":
            return Expect("sign-in", False, 302, sign_in=True)
        return Expect("401", False, 401)
    assert route.access in (CHILD, CHILD_SESSION_OR_404) or isinstance(route.access, frozenset)
    return Expect("404", False, 404)


@dataclass(frozen=True)
class Cell:
    route: Route
    method: str
    who: Who
    variant: str | None  # see Route.variants; None for an address naming no record
    expected: Expect

    @property
    def id(self) -> str:
        whose = f"{self.who.name}/{self.variant}" if self.variant else self.who.name
        return f"{self.method} {self.route.label}[{whose}] -> {self.expected.label}"


def _cells() -> list[Cell]:
    cells = []
    for route in ROUTES:
        if route.endpoint not in MAY:
            continue  # test_every_route_is_in_the_table says so
        for method in route.methods:
            for variant in route.variants:
                for who in PEOPLE:
                    cells.append(
                        Cell(route, method, who, variant, expect(route, method, who, variant))
                    )
    return cells


CELLS = _cells()


# --- the council, the people, and asking --------------------------------------------------------


class Matrix:
    """The world, a signed-in browser per person (made when first needed), and the requests."""

    def __init__(self, app: Flask, world: World) -> None:
        assert db.engine is not None
        self.app = app
        self.world = world
        self.engine = db.engine
        self.snapshot = Snapshot(self.engine)
        self.snapshot.take()
        self.clients: dict[str, FlaskClient] = {}
        self.tokens: dict[str, str] = {}
        self.made = 0

    # People ------------------------------------------------------------------------------------

    def _staff_id(self, who: Who) -> int:
        if who.name == "manager":
            return self.world.manager_id
        if who.name == "admin":
            return self.world.admin_id
        side = self.world.b if who.side == "b" else self.world.a
        return {
            KEYWORKER: side.keyworker_id,
            SOCIAL_WORKER: side.social_worker_id,
            IRO: side.iro_id,
        }[str(who.relation)]

    def _new_client(self) -> FlaskClient:
        # Not the page-checking client: this test is about who gets in, not how pages look.
        client = FlaskClient(self.app, self.app.response_class, use_cookies=True)
        self.made += 1
        # An address of its own, so that no throttle counts another person's requests.
        client.environ_base["REMOTE_ADDR"] = f"10.77.{self.made // 250}.{self.made % 250 + 1}"
        return client

    def client(self, who: Who) -> FlaskClient:
        if who.name in self.clients:
            return self.clients[who.name]
        client = self._new_client()
        if who.kind == "staff":
            Auth(client).sign_in(staff_member(self.engine, self._staff_id(who)))
            assert not client.get("/account").headers.get("Location"), f"{who.name} signed in"
        elif who.kind == "child":
            side = self.world.b if who.side == "b" else self.world.a
            tablet = Tablet(client, Auth(client))
            tablet.hand_over(
                staff_member(self.engine, side.keyworker_id),
                SimpleNamespace(public_id=side.child),
            )
            tablet.tap(CODE)
            assert client.get("/me").status_code == 200, f"{who.name} on the tablet"
        self.clients[who.name] = client
        self.tokens[who.name] = csrf_from(client.get("/accessibility").text)
        # Signing in writes sessions: the world to compare with and go back to includes them.
        self.snapshot.take()
        return client

    def _identity(self, client: FlaskClient) -> tuple[Any, Any]:
        cookie = client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return None, None
        serializer = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
        data = serializer.loads(cookie.value)
        return data.get("_user_id"), data.get(CHILD_TOKEN_KEY)

    # Asking ----------------------------------------------------------------------------------

    def ask(self, cell: Cell) -> tuple[str, TestResponse, list[str]]:
        """Make the cell's request; return the address, the response and the tables it changed
        (which are then put back as they were)."""
        client = self.client(cell.who)
        url = cell.route.url(self.world, cell.variant)
        before = self._identity(client)
        with WriteWatch(self.engine) as watch:
            if cell.method == "GET":
                response = client.get(url)
            else:
                data = {"csrf_token": self.tokens[cell.who.name]}
                if cell.expected.allowed:
                    side = self.world.b if cell.variant == "other" else self.world.a
                    data.update(MAY[cell.route.endpoint].form_data(side))
                response = client.post(url, data=data)
            response.get_data()  # the whole body, so that a streamed file is read and closed
            response.close()
        changed = self.snapshot.differences() if watch.statements else []
        if self._identity(client) != before:
            # Signed out, handed over, opened a link: this browser is someone else now.
            del self.clients[cell.who.name]
            del self.tokens[cell.who.name]
        elif client.get_cookie(self.app.config["SESSION_COOKIE_NAME"]) is not None:
            # A notice left for the next page ("Saved", "X no longer works with Y") is for the
            # page the redirect goes to, which is not asked for here: not for the next cell.
            with client.session_transaction() as cookie:
                cookie.pop("_flashes", None)
        if changed:
            self.snapshot.restore()
        return url, response, changed


@pytest.fixture(autouse=True)
def _clean_tables() -> Iterator[None]:
    """Overrides the suite's: the world lives for the whole module (`matrix` empties it)."""
    yield


@pytest.fixture(scope="module")
def matrix(app: Flask) -> Iterator[Matrix]:
    assert db.engine is not None
    empty_tables(db.engine)
    world = build_world(app, db.engine)
    try:
        yield Matrix(app, world)
    finally:
        db.session.remove()
        empty_tables(db.engine)


# --- the tests -----------------------------------------------------------------------------------


def test_every_route_is_in_the_table(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - MAY.keys()) == [], "routes nobody has said who may use"
    assert sorted(MAY.keys() - endpoints) == [], "entries for routes that no longer exist"
    wrong = []
    for route in _routes_of(app):
        may = MAY[route.endpoint]
        if bool(may.get) != ("GET" in route.methods) or bool(may.post) != ("POST" in route.methods):
            wrong.append(f"{route.label} {route.rule} is {'/'.join(route.methods)}")
    assert wrong == [], "the table's methods differ from the routes'"


def test_the_matrix_covers_the_url_map_of_the_app_under_test(app: Flask) -> None:
    # The cells were made from an app made while collecting: the same routes as the suite's.
    assert [(r.endpoint, r.rule, r.methods) for r in _routes_of(app)] == [
        (r.endpoint, r.rule, r.methods) for r in ROUTES
    ]
    labels = [route.label for route in ROUTES]
    assert len(labels) == len(set(labels)), "two rules of an endpoint with the same label"


def shown_but_not_theirs(world: World, cell: Cell, response: TestResponse, url: str) -> list[str]:
    """Words on the page that this person should never see: the words of any child's private
    item for staff, anything naming a child of the other side for those who work on one side
    (or are one child), and the record's child on a refusal. The address asked for is left
    out (pages carry it back, in the language switch for one)."""
    kind = response.mimetype or ""
    if not (kind.startswith("text/") or kind.endswith("json")):
        return []
    body = response.get_data(as_text=True)
    for asked in {url, url.split("?")[0], quote(url, safe="")}:
        body = body.replace(asked, "")
    words: list[str] = []
    if cell.who.kind == "staff":
        words += [world.a.secret, world.b.secret]
    if cell.who.side is not None:
        words += (world.a if cell.who.side == "b" else world.b).markers
    if not cell.expected.allowed and cell.variant is not None:
        # A refusal names nothing of the record's child (to anyone not on that child's side:
        # staff see their own children's worries on every page).
        named = {"own": ["a"], "private": ["a"], "other": ["b"]}.get(cell.variant, ["a", "b"])
        for letter in named:
            if cell.who.side != letter:
                words += (world.a if letter == "a" else world.b).markers
    return sorted({word for word in words if word in body})


@pytest.mark.parametrize("cell", CELLS, ids=[cell.id for cell in CELLS])
def test_access(matrix: Matrix, cell: Cell) -> None:
    url, response, changed = matrix.ask(cell)
    status = response.status_code
    where = response.headers.get("Location", "")
    expected = cell.expected
    shown = shown_but_not_theirs(matrix.world, cell, response, url)
    assert shown == [], f"answered {status}, showing {shown}"
    if expected.allowed and cell.method == "POST":
        assert status not in (401, 404, 405) and status < 500, f"allowed, but answered {status}"
        return
    if expected.allowed:
        assert status == expected.status, f"answered {status} {where}".strip()
        return
    assert changed == [], f"refused ({status}), but changed {changed}"
    assert status == expected.status, f"answered {status} {where}".strip()
    if expected.sign_in:
        assert where.startswith("/sign-in"), f"sent to {where}"
