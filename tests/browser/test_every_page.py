"""Every page, for everyone: with the demo council loaded, sign in as each role and as a child (Jay,
handed the tablet and opening his space with his pictures), and visit every page each can reach:
the links followed breadth-first from their landing page, and every GET route in the URL map with
its parameters filled from the demo's ids. On every page that answers 200 with HTML:

- axe (WCAG 2.2 AA tags) finds nothing at tablet portrait, tablet landscape and phone sizes;
- and the checks axe cannot make (at tablet portrait unless said): every form control has a real
  label (not a placeholder or title); `aria-haspopup` only where ARIA allows it; on child pages,
  every target at least 44x44 CSS px (links inside running text excepted, as WCAG 2.5.8 allows);
  no sideways scrolling at 320 CSS px; nothing clipped at 200% text; and a visible focus
  indicator, never hidden under a sticky or fixed bar, on the first focusable elements.

Each URL is loaded once per person; the viewport is resized between the checks, not reloaded.
Every route a person may use (by its own access declaration) is visited with the demo's values;
links are then followed breadth-first to every *kind* of page (route and query parameters) not
visited yet. The same page with other ids (the thirteen tasks of each review, every child's
record) is not opened again: following all of them took over ten minutes here, for the same
templates. The pages seen are written to test-results/pages-visited.txt (and any faults to
test-results/pages-problems.txt), and their number must not fall below FLOORS.

In CI (which runs the suite on SQLite and on PostgreSQL) the people are shared out between the two
databases, each person's pages crawled on one; on a developer's machine everyone is crawled. What
the crawl checks is what the browser shows, the same from either database; that every page
renders on both is the access matrix's to check (tests/integration/security), for every route
and every kind of person.

200% text: Playwright's `add_style_tag` puts an inline <style> in the page, which our CSP
(`style-src 'self'`, rightly) refuses. What is used instead is the browser's own default text size
(CDP `Page.setFontSizes`, standard 16 -> 32 px): exactly what a reader's "text size" setting does,
and since every size in our CSS is in rem or em it all doubles.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Page,
    ViewportSize,
    expect,
)
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

from participation import clock
from participation.audit import search as audit_search
from participation.audit import service as audit_service
from participation.audit.service import Actor
from participation.child import service as space_service
from participation.db import db
from participation.demo import DEMO_PASSWORD, load_demo
from participation.i18n import LANGUAGE_COOKIE
from participation.models import (
    Audience,
    AuditEvent,
    Child,
    Home,
    Milestone,
    NetworkPerson,
    ReviewDecision,
    Role,
    SignificantEvent,
    StaffMember,
)
from participation.pages import accessibility as statement
from participation.planning import service as planning_service
from participation.planning.steps import SLUGS
from participation.security.access import CHILD, CHILD_SESSION, CHILD_SESSION_OR_404, PUBLIC
from participation.sharing.state import AUDIENCES
from participation.workspaces.keyworker import service as keyworker
from participation.worry import service as worry
from tests.browser.conftest import VIEWPORTS, WCAG_TAGS, sign_in
from tests.integration.sharing.helpers import make_item, share

TOM = "tom.evans@example.org"
DANIEL = "daniel.hughes@example.org"
PEOPLE = {
    # Who visits, and the demo account that signs in (Tom hands the tablet to Jay).
    "visitor": None,
    # Daniel, IRO, between his password and his security code: the second-factor pages.
    "signing in": DANIEL,
    "keyworker": TOM,
    "social worker": "grace.okafor@example.org",
    "IRO": DANIEL,
    "manager": "helen.murray@example.org",
    "admin": "sam.patel@example.org",
    "child": TOM,
}
STAFF_ROLES = {
    "keyworker": Role.KEYWORKER,
    "social worker": Role.SOCIAL_WORKER,
    "IRO": Role.IRO,
    "manager": Role.MANAGER,
    "admin": Role.ADMIN,
}
CODE = ["Star", "Fish", "Car"]

# GET routes whose URL parameters nothing in the demo can fill. The test asserts this is exactly
# the set of unfillable routes, so a new route with a new kind of parameter has to be given a
# demo value in the `demo` fixture or be added here, with its reason, on purpose.
SKIPPED_ROUTES = {
    # A personal link's token is a secret shown once when it is made; only its hash is kept, and
    # opening it would turn this browser into the child's locked space. Covered by
    # tests/integration/child/ (and the page it leads to, /me/unlock, is checked below).
    "/link/<token>",
    # Style sheets, scripts and pictures: files, not pages.
    "/static/<path:filename>",
    # A photo held for a form between tries: a picture, not a page, and only the session that
    # sent it sees it (tests/integration/views/test_held_files.py; the browser test in
    # test_views.py sees it shown on the form).
    "/held/<held_id>",
    "/me/held/<held_id>",
}

# Pages that were there when this test was written (measured, per person). The app only grows:
# a smaller number means pages stopped being reachable, or the crawl stopped reaching them.
FLOORS = {
    "visitor": 2,
    "signing in": 3,
    "keyworker": 24,
    "social worker": 21,
    "IRO": 24,
    "manager": 24,
    "admin": 30,
    "child": 31,
}
# In CI, the people whose pages are crawled on SQLite; the others' on PostgreSQL (measured here:
# 113 s and 117 s of the 230 s the crawl takes).
PEOPLE_ON_SQLITE = frozenset({"visitor", "keyworker", "social worker", "child"})
# Kinds of page before and after staff sign in, in each language other than English (measured).
STAFF_LANGUAGE_FLOOR = 55

# Files and media are not pages: they are fetched (to see they are not a server error) but not
# opened as pages, and links to them are not followed.
DOWNLOAD = re.compile(r"(\.(pdf|csv|zip)|/pdf)$")
MEDIA = re.compile(r"^/(me/)?media/|^/static/")
NOT_FOLLOWED = re.compile(r"^/(sign-out|me/give-back|me/lock)$")
SAME_KIND = 1
SIZES: dict[str, ViewportSize] = {
    name: {"width": size["width"], "height": size["height"]} for name, size in VIEWPORTS.items()
}
TABLET_PORTRAIT = SIZES["tablet-portrait"]
NARROWEST: ViewportSize = {"width": 320, "height": 740}
FOCUS_STOPS = 15


# --- The demo council, and a value for every kind of URL parameter --------------------------------


@pytest.fixture
def demo(app: Flask) -> dict[str, list[str]]:
    """The demo council, with Jay's picture code set, a photo among his views (shared with his
    IRO) and his keyworker report shared with him and sent, so that every page has something to
    show. Returns, for each URL parameter name, the demo values to fill it with."""
    session = db.session()
    load_demo(session)
    jay = session.scalar(select(Child).where(Child.preferred_name == "Jay"))
    mia = session.scalar(select(Child).where(Child.preferred_name == "Mia"))
    tom = session.scalar(select(StaffMember).where(StaffMember.email == TOM))
    assert jay is not None and mia is not None and tom is not None
    space_service.set_picture_code(session, jay, ["star", "fish", "car"], tom)
    review = planning_service.planned_review(jay)
    assert review is not None
    photo = make_item(
        session,
        jay,
        review,
        "My den in the garden.",
        photos=1,
        storage=app.extensions["media_storage"],
        photo_size=(640, 480),
    )
    share(session, photo, Audience.IRO)
    report_review = keyworker.report_review(jay)
    assert report_review is not None
    report = keyworker.find_report(session, report_review)
    assert report is not None
    keyworker.share_with_child(session, report, tom, today=clock.today())
    keyworker.send_report(session, report, tom, keyworker.recipients(jay), today=clock.today())
    session.commit()
    # A worry Tom has recorded what he did about, and one still open: the banner on his and
    # Grace's pages, its own page, and the list on Jay's record are crawled too.
    dealt_with = worry.raise_worry(session, jay, "I don't like it when they shout")
    worry.acknowledge(session, dealt_with, tom, "Talked with Jay after school; told the manager.")
    worry.raise_worry(session, jay, "")
    # More than a page of the audit record, whoever is crawled before the administrator (in CI,
    # half the people are crawled on each database): its older and newer pages are pages too.
    events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    tom_acts = Actor("staff", tom.public_id, tom.role.value)
    for _ in range(audit_search.PAGE_SIZE + 1 - events):
        audit_service.record(
            app.extensions["database"].engine,
            tom_acts,
            "sign-in",
            subject_type="staff",
            subject_id=tom_acts.id,
        )
    held = keyworker.last_held_review(mia)
    assert held is not None
    decision = session.scalar(select(ReviewDecision).where(ReviewDecision.review_id == held.id))
    person = session.scalar(select(NetworkPerson).where(NetworkPerson.child_id == jay.id))
    event = session.scalar(select(SignificantEvent).where(SignificantEvent.child_id == jay.id))
    home = jay.home
    milestone = session.scalar(
        select(Milestone).where(Milestone.review_id == review.id, Milestone.name == "consult-child")
    )
    assert decision and person and event and isinstance(home, Home) and milestone
    values = {
        # Jay: the child with the most to show (plan, views, report, summaries, an event).
        "public_id": [jay.public_id],
        "child_id": [jay.public_id],
        # His next review (pack, plan, meeting the child) and Mia's last one (decisions made).
        "review_id": [review.public_id, held.public_id],
        "decision_id": [decision.public_id],
        # A wish of Jay's plan, by its subject: its answer's address, opened, leads to the plan.
        "subject": ["venue"],
        "name": [milestone.name],
        "event_id": [event.public_id],
        "person_id": [person.public_id],
        "home_id": [home.public_id],
        "staff_id": [tom.public_id],
        "kind": ["children", "staff"],
        "summary_id": [keyworker.summaries_for(session, jay)[0].public_id],
        "version_id": [keyworker.sent_for_child(session, jay)[0].public_id],
        "item_id": [photo.public_id],
        "media_id": [photo.media[0].public_id],
        "variant": ["thumb"],
        "topic": ["living-here"],
        "step": list(SLUGS),
        "audience": [audience.value for audience in AUDIENCES],
    }
    db.session.remove()
    return values


PARAMETER = re.compile(r"<(?:[^>]*:)?(\w+)>")


def get_routes(app: Flask) -> list[str]:
    return sorted({rule.rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())})


def unfillable(app: Flask, names: set[str]) -> set[str]:
    return {rule for rule in get_routes(app) if not set(PARAMETER.findall(rule)) <= names}


def may_use(app: Flask, principal: str, endpoint: str) -> bool:
    """Whether the route's own access declaration (security.access) lets this person in."""
    access = getattr(app.view_functions[endpoint], "access", None)
    if access == PUBLIC:
        return True
    if principal == "child":
        return access in (CHILD, CHILD_SESSION, CHILD_SESSION_OR_404)
    if principal == "signing in":
        return endpoint.startswith("accounts.")
    return isinstance(access, frozenset) and STAFF_ROLES.get(principal) in access


def fill(values: dict[str, str], parameter: re.Match[str]) -> str:
    return quote(values[parameter.group(1)], safe="")


def route_urls(app: Flask, principal: str, values: dict[str, list[str]]) -> list[str]:
    """Every GET route this person may use, each parameter filled with every demo value for it."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.rule in SKIPPED_ROUTES:
            continue
        if not may_use(app, principal, rule.endpoint):
            continue
        names = PARAMETER.findall(rule.rule)
        for combination in itertools.product(*(values[name] for name in names)):
            filled = dict(zip(names, combination, strict=True))
            urls.append(PARAMETER.sub(partial(fill, filled), rule.rule))
    return urls


def test_the_skipped_routes_are_exactly_those_nothing_can_fill(
    app: Flask, demo: dict[str, list[str]]
) -> None:
    assert unfillable(app, set(demo)) == SKIPPED_ROUTES
    assert all(demo.values()), "a parameter with no demo value to fill it"


# --- What is checked on every page --------------------------------------------------------------

AXE_RUN = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
    });
    return results.violations.map(v =>
        `axe ${v.id}: ${v.help} ${JSON.stringify(v.nodes.slice(0, 3).map(n => n.target))}`);
}"""

# One pass at tablet portrait: labels, aria-haspopup, and on child pages (the ones made for
# children, body.child) target sizes.
STATIC_CHECKS = """() => {
    const problems = [];
    const childPage = document.body.classList.contains("child");
    const name = e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}`
        + `${e.name ? "[name=" + e.name + "]" : ""}`
        + ` "${(e.innerText || e.value || "").trim().slice(0, 30)}"`;
    const shown = e => e.getClientRects().length > 0
        && getComputedStyle(e).visibility !== "hidden";

    // A real label: <label for>, a wrapping <label>, or aria-labelledby naming something with
    // text. Not a placeholder, a title or an aria-label alone.
    const unlabelled = ["hidden", "submit", "button", "reset", "image"];
    for (const e of document.querySelectorAll("input, select, textarea")) {
        if (e.tagName === "INPUT" && unlabelled.includes(e.type)) continue;
        const byLabel = [...(e.labels || [])].some(l => l.textContent.trim());
        const ids = (e.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
        const byIds = ids.length > 0 && ids.every(id => document.getElementById(id))
            && ids.some(id => document.getElementById(id).textContent.trim());
        if (!byLabel && !byIds) problems.push(`no real label: ${name(e)}`);
    }

    // aria-haspopup only on roles that support it (WAI-ARIA 1.2), with a value it allows.
    const popupRoles = ["application", "button", "combobox", "gridcell", "link", "menuitem",
        "menuitemcheckbox", "menuitemradio", "row", "slider", "tab", "textbox", "treeitem"];
    const popupValues = ["false", "true", "menu", "listbox", "tree", "grid", "dialog"];
    const implicitRole = e => {
        const tag = e.tagName.toLowerCase();
        if (tag === "button" || tag === "summary") return "button";
        if (tag === "a" && e.hasAttribute("href")) return "link";
        if (tag === "select") return e.multiple || e.size > 1 ? "listbox" : "combobox";
        if (tag === "textarea") return "textbox";
        if (tag === "input") {
            if (["button", "submit", "reset", "image"].includes(e.type)) return "button";
            if (["text", "email", "tel", "url", "search", ""].includes(e.type))
                return e.hasAttribute("list") ? "combobox" : "textbox";
            if (e.type === "range") return "slider";
        }
        return "";
    };
    for (const e of document.querySelectorAll("[aria-haspopup]")) {
        const role = (e.getAttribute("role") || "").trim().split(/\\s+/)[0] || implicitRole(e);
        const value = e.getAttribute("aria-haspopup").trim();
        if (!popupRoles.includes(role) || !popupValues.includes(value))
            problems.push(`aria-haspopup="${value}" not allowed on role "${role}": ${name(e)}`);
    }

    // Child pages: 44x44 CSS px targets. A link inside running text (a sentence around it) is
    // excepted, as WCAG 2.5.8 allows.
    if (childPage) {
        const inRunningText = e => {
            if (e.tagName !== "A" || getComputedStyle(e).display !== "inline") return false;
            const block = e.parentElement;
            return block.textContent.trim().length > e.textContent.trim().length;
        };
        for (const e of document.querySelectorAll(
                "a[href], button, input:not([type=hidden]), select, textarea, summary")) {
            if (!shown(e) || inRunningText(e)) continue;
            // A control drawn inside its label (a choice card) is as big as the card.
            const target = (e.tagName === "INPUT" && e.closest("label")) || e;
            const r = target.getBoundingClientRect();
            if (r.width < 44 || r.height < 44)
                problems.push(`target under 44x44: ${name(e)} ${Math.round(r.width)}`
                    + `x${Math.round(r.height)}`);
        }
    }
    return problems;
}"""

SPILLING_BUTTONS = """() => [...document.querySelectorAll(".button, button")]
    .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
    .map(b => (b.innerText || "").trim())"""

# At 200% text: an element that hides its overflow and holds text must not be cut short.
CLIPPED = """() => {
    const problems = [];
    for (const e of document.body.querySelectorAll("*")) {
        const style = getComputedStyle(e);
        const hides = ["hidden", "clip"];
        if (!hides.includes(style.overflowX) && !hides.includes(style.overflowY)) continue;
        if (!e.innerText || !e.innerText.trim()) continue;
        // Text hidden on purpose, for screen readers only, is 1px and clipped by design.
        if (style.clipPath.startsWith("inset(50%") || e.getClientRects().length === 0) continue;
        if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
            problems.push(`clipped at 200% text: ${e.tagName.toLowerCase()}`
                + `${e.className ? "." + String(e.className).split(" ").join(".") : ""}`
                + ` ${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight}`);
    }
    return problems;
}"""

# Before tabbing: how each focusable thing (and its label or card) looks when not focused: its
# outline and its box shadow, the two ways our CSS draws focus.
REMEMBER_UNFOCUSED = """() => {
    const look = e => {
        if (!e) return "";
        const s = getComputedStyle(e);
        const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
            ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : "none";
        return `${outline}|${s.boxShadow}`;
    };
    window.__looks = new Map();
    window.__look = look;
    for (const e of document.querySelectorAll("a[href], button, input, select, textarea, "
            + "summary, [tabindex]")) {
        const label = e.closest("label") || (e.labels && e.labels[0]) || null;
        window.__looks.set(e, [look(e), look(label)]);
    }
}"""

FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) return null;
    const name = `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}`
        + ` "${(e.innerText || e.value || "").trim().slice(0, 30)}"`;
    const label = e.closest("label") || (e.labels && e.labels[0]) || null;
    const before = window.__looks.get(e) || ["", ""];
    const own = window.__look(e);
    // A control drawn by its label (a see-through checkbox over a photo square) shows its focus
    // on the label.
    const style = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    const invisible = parseFloat(style.opacity) === 0 || style.clipPath.startsWith("inset(50%")
        || box.width <= 1 || box.height <= 1;
    const ownChanged = own !== before[0] && !invisible;
    const labelChanged = label !== null && window.__look(label) !== before[1];
    const problems = [];
    if (!ownChanged && !labelChanged) problems.push(`no visible focus: ${name}`);
    // Not hidden under anything: the point at the centre of (one line of) it, within the
    // viewport, is itself, something inside it, or its own label.
    const boxes = [...e.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    const hit = r => {
        const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
        const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
        const there = document.elementFromPoint(x, y);
        return [there, there && (e.contains(there) || (label && label.contains(there)))];
    };
    if (boxes.length && !boxes.some(r => hit(r)[1])) {
        const there = hit(boxes[0])[0];
        problems.push(`focus hidden under ${there ? there.tagName.toLowerCase() + "."
            + there.className : "nothing"}: ${name}`);
    }
    return problems;
}"""


@dataclass
class Crawl:
    """One person's visit: the pages seen, and what was wrong on each."""

    principal: str
    routes: MapAdapter
    page: Page
    cdp: CDPSession
    base_url: str
    queued: set[str] = field(default_factory=set)
    kinds: dict[tuple[str, frozenset[str]], int] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    console: list[str] = field(default_factory=list)
    # The language the pages should be in. In another than English only the checks whose outcome
    # the words can change are made (the English crawl makes the rest).
    language: str = "en"
    # Each route once, whatever its query (see `kind`).
    by_route: bool = False

    def problem_lines(self, prefix: str) -> list[str]:
        return [
            f"{prefix} {url}: {problem}"
            for url, found in self.problems.items()
            for problem in found
        ]

    def local(self, url: str) -> str | None:
        """The path and query of a link on this site, without its fragment; None otherwise."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(self.base_url).netloc:
            return None
        return urlunsplit(("", "", parts.path, parts.query, ""))

    def kind(self, url: str) -> tuple[str, frozenset[str]]:
        """What makes a page different: its route and which query parameters it is given
        (`next=`, where to go after signing in, makes no difference); or, `by_route`, the
        route alone."""
        parts = urlsplit(url)
        try:
            rule, _args = self.routes.match(parts.path, method="GET", return_rule=True)
            route = rule.rule
        except HTTPException:
            route = parts.path
        if self.by_route:
            return route, frozenset()
        return route, frozenset(k for k, _v in parse_qsl(parts.query) if k != "next")

    def run(self, routes: list[str]) -> None:
        """The landing page and every route this person may use (with the demo's values), then,
        breadth-first, the links on every page to a kind of page not visited yet."""
        todo: deque[str] = deque()
        for url in ["/", *routes]:
            self.queue(todo, url, always=True)
        while todo:
            url = todo.popleft()
            path = urlsplit(url).path
            if DOWNLOAD.search(path) or MEDIA.search(path):
                response = self.page.request.get(url, max_redirects=0)
                if response.status >= 500:
                    self.problems[url] = [f"server error {response.status}"]
                continue
            for link in self.visit(url):
                target = urlsplit(link).path
                if not any(p.search(target) for p in (DOWNLOAD, MEDIA, NOT_FOLLOWED)):
                    self.queue(todo, link)
        if self.console:
            self.problems["(after the last page)"] = self.console

    def queue(self, todo: deque[str], url: str, *, always: bool = False) -> None:
        """A link is followed unless its kind of page (the same route with other ids, like the
        thirteen tasks of every review) was visited already: the same template with other data,
        and the time is better spent on the next person. The routes' demo values always are."""
        if url in self.queued:
            return
        kind = self.kind(url)
        if not always and self.kinds.get(kind, 0) >= SAME_KIND:
            return
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.queued.add(url)
        todo.append(url)

    def visit(self, url: str) -> list[str]:
        """Open the page (once), check it if it is a new page, and return the links on it."""
        self.page.set_viewport_size(TABLET_PORTRAIT)
        response = self.page.goto(url)
        assert response is not None, url
        if response.status >= 500:
            self.problems[url] = [f"server error {response.status}"]
            return []
        final = self.local(self.page.url) or url
        _route, keys = self.kind(final)
        counted = urlunsplit(
            (
                "",
                "",
                urlsplit(final).path,
                urlencode([(k, v) for k, v in parse_qsl(urlsplit(final).query) if k in keys]),
                "",
            )
        )
        self.queued.add(final)
        if (
            response.status != 200
            or "text/html" not in response.headers.get("content-type", "")
            or counted in self.visited
        ):
            return []
        self.visited.append(counted)
        self.checked(counted)
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        return [link for link in (self.local(h) for h in hrefs) if link]

    def checked(self, name: str) -> None:
        problems = self.check()
        problems += self.console
        self.console = []
        if problems:
            self.problems[name] = problems

    def check(self) -> list[str]:
        """Everything, on the page as it is now, without reloading it.

        In a language other than English, all but focus: axe (names, lang, dir) at all three
        sizes, real labels and target sizes, the page really in that language, nothing clipped
        at 200% text, no sideways scrolling at 320 CSS px. The English crawl checks focus; the
        words do not move it, and the suite's time is kept in bounds."""
        page = self.page
        page.set_viewport_size(TABLET_PORTRAIT)
        problems = self.axe("tablet-portrait")
        problems += page.evaluate(STATIC_CHECKS)
        words_only = self.language != "en"
        if words_only:
            shown = page.evaluate("document.documentElement.lang")
            if shown != self.language:
                problems.append(f"in {shown!r}, not {self.language!r}")
        else:
            problems += self.focus_problems()
        problems += self.text_200_problems()
        for size in ("tablet-landscape", "phone"):
            page.set_viewport_size(SIZES[size])
            problems += self.axe(size)
        page.set_viewport_size(NARROWEST)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > NARROWEST["width"]:
            problems.append(f"scrolls sideways at 320 px: {width} px wide")
        # A long word wider than its button spills over the edges without any sideways scroll
        # (Welsh "nhudalennau'n", QA).
        for words in page.evaluate(SPILLING_BUTTONS):
            problems.append(f"words spill out of a button at 320 px: {words!r}")
        return problems

    def axe(self, size: str) -> list[str]:
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.evaluate(AXE_SCRIPT)
        return [f"{found} ({size})" for found in self.page.evaluate(AXE_RUN, WCAG_TAGS)]

    def focus_problems(self) -> list[str]:
        """Tab through the first FOCUS_STOPS stops from the top of the page."""
        page = self.page
        page.evaluate(REMEMBER_UNFOCUSED)
        problems: list[str] = []
        for _stop in range(FOCUS_STOPS):
            page.keyboard.press("Tab")
            found = page.evaluate(FOCUSED)
            if found is None:  # past the end of the page
                break
            problems += found
        page.evaluate("document.activeElement && document.activeElement.blur(); scrollTo(0, 0)")
        return problems

    def text_200_problems(self) -> list[str]:
        """The reader's default text size doubled (16 -> 32 px), as a browser setting does."""
        self.cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        try:
            return list(self.page.evaluate(CLIPPED))
        finally:
            self.cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16, "fixed": 13}})


def new_crawl(
    app: Flask, context: BrowserContext, principal: str, base_url: str, language: str = "en"
) -> Crawl:
    page = context.new_page()
    crawl = Crawl(
        principal,
        app.url_map.bind("127.0.0.1"),
        page,
        context.new_cdp_session(page),
        base_url,
        language=language,
    )

    # As the suite's `page` fixture does: a CSP violation or a request elsewhere is a fault.
    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            crawl.console.append(f"CSP: {message.text}")

    def on_request(request: Any) -> None:
        if not request.url.startswith((base_url, "data:", "blob:", "about:")):
            crawl.console.append(f"request to another origin: {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    return crawl


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """One browser context for everyone (cookies cleared between people); axe is in every page
    from the start, so it is not sent again for each check."""
    made = browser.new_context(base_url=base_url, viewport=TABLET_PORTRAIT)
    made.add_init_script(script=AXE_SCRIPT)
    yield made
    made.close()


def open_jays_space(crawl: Crawl, jay: str, language: str = "en") -> None:
    """Tom hands the tablet to Jay, who opens his space with his pictures. The picture page is a
    child page too: it is checked on the way. In another `language`, the picture page is shown
    in it (the switcher's cookie), and Jay then chooses it with the switcher on his page."""
    page = crawl.page
    sign_in(page, TOM, DEMO_PASSWORD)
    page.goto(f"/children/{jay}")
    page.get_by_role("button", name="Hand the tablet to Jay").click()
    # (In the language Jay chose last: a crawl in another language before this one set it.)
    expect(page).to_have_url(re.compile(r"/me/unlock$"))
    if language != "en":
        page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": page.url}])
        page.reload()
        expect(page.locator("html")).to_have_attribute("lang", language)
    crawl.visited.append("/me/unlock")
    crawl.checked("/me/unlock")
    page.set_viewport_size(TABLET_PORTRAIT)
    for picture in CODE:
        page.locator(f'button[name="pick"][value="{picture.lower()}"]').click()
    expect(page).to_have_url(re.compile(r"/me$"))
    if language != "en":
        # Kept with his space from now on, as the switcher does for a child.
        page.locator("#language-choice").select_option(language)
        page.locator("form.language-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def write_results(name: str, lines: list[str]) -> None:
    """One line each into test-results/`name`, for the person reading a failure."""
    out = Path(__file__).parents[2] / "test-results"
    out.mkdir(exist_ok=True)
    (out / name).write_text("".join(f"{line}\n" for line in lines))


def give_password_only(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert urlsplit(page.url).path == "/second-factor"


def test_every_page_for_everyone_passes_the_checks(
    app: Flask, context: BrowserContext, base_url: str, demo: dict[str, list[str]]
) -> None:
    visited: dict[str, list[str]] = {}
    problems: list[str] = []
    took: dict[str, float] = {}
    people = set(PEOPLE)
    if os.environ.get("CI"):
        people = set(half_here(people, PEOPLE_ON_SQLITE))
    for principal, email in PEOPLE.items():
        if principal not in people:
            continue
        started = time.monotonic()
        context.clear_cookies()
        crawl = new_crawl(app, context, principal, base_url)
        if principal == "child":
            open_jays_space(crawl, demo["public_id"][0])
        elif principal == "signing in":
            give_password_only(crawl.page, DANIEL)
        elif email is not None:
            sign_in(crawl.page, email, DEMO_PASSWORD)
        crawl.run(route_urls(app, principal, demo))
        crawl.page.close()
        visited[principal] = crawl.visited
        problems += crawl.problem_lines(principal)
        took[principal] = time.monotonic() - started

    counts = {principal: len(pages) for principal, pages in visited.items()}
    lines = []
    for principal, pages in visited.items():
        lines += [f"# {principal}: {len(pages)} pages ({took[principal]:.0f} s)", *pages, ""]
    lines.append(f"# total: {sum(counts.values())} pages")
    write_results("pages-visited.txt", lines)
    write_results("pages-problems.txt", problems)

    assert problems == []
    floors = {p: floor for p, floor in FLOORS.items() if p in people}
    fewer = {p: f"{counts[p]} < {floor}" for p, floor in floors.items() if counts[p] < floor}
    assert fewer == {}, "fewer pages reached than before: see test-results/pages-visited.txt"
    # Nor fewer than the accessibility statement says were checked.
    claimed = {crawl.key: crawl.pages for crawl in statement.CRAWLS if crawl.key in people}
    assert {p: n for p, n in claimed.items() if counts.get(p, 0) < n} == {}, counts


# The crawls in other languages check what the words change. To keep CI's time (the suite on
# SQLite and on PostgreSQL, side by side, each leg as long as the other) they are shared out:
# children's pages and staff pages each in half the languages on each database.
ON_POSTGRESQL = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")
# Each half has a right-to-left language; a child reads in the other half of the staff's.
STAFF_LANGUAGES_ON_SQLITE = frozenset({"ar", "cy", "ti"})


def half_here(everything: set[str], on_sqlite: frozenset[str]) -> list[str]:
    """What this leg crawls of `everything`: `on_sqlite` on SQLite, the rest on PostgreSQL
    (checking first that each one named is there, and that each half has some)."""
    assert on_sqlite.issubset(everything), "one of this half is not there to crawl"
    assert 0 < len(on_sqlite) < len(everything), "each database crawls some"
    return sorted((everything - on_sqlite) if ON_POSTGRESQL else on_sqlite)


def languages_here(app: Flask, on_sqlite: frozenset[str]) -> list[str]:
    """The languages other than English this leg crawls (six at least are offered)."""
    others = {language for language in app.config["LANGUAGES"] if language != "en"}
    assert len(others) >= 6, others
    return half_here(others, on_sqlite)


def test_every_child_page_in_every_language(
    app: Flask, context: BrowserContext, base_url: str, demo: dict[str, list[str]]
) -> None:
    """Jay's pages again in each of the other languages: children are the readers who most
    often read another one. What the words can change is checked (see Crawl.check).

    Half the languages on each database (the other half to the staff crawl's): CI runs both."""
    problems: list[str] = []
    reached: dict[str, int] = {}
    all_others = frozenset(app.config["LANGUAGES"]) - {"en"}
    for language in languages_here(app, all_others - STAFF_LANGUAGES_ON_SQLITE):
        context.clear_cookies()
        crawl = new_crawl(app, context, "child", base_url, language)
        open_jays_space(crawl, demo["public_id"][0], language)
        crawl.run(route_urls(app, "child", demo))
        crawl.page.close()
        reached[language] = len(crawl.visited)
        problems += crawl.problem_lines(language)
    write_results("pages-problems-languages.txt", problems)
    assert problems == []
    assert {lang: n for lang, n in reached.items() if n < FLOORS["child"]} == {}, reached


# The display choices a child can make (/me/how-it-looks), shared out between the databases as
# the languages are: each leg crawls every child page with one set of them, all saved at once.
DISPLAY_CHOICES = {
    "sqlite": ("Bigger", "Strong colours: black, white and yellow"),
    "postgresql": (
        "Big",
        "Softer, calmer colours",
        "More space between words, and letters that are easier to read",
        "Nothing moving about on the page",
    ),
}


def test_every_child_page_with_the_display_choices(
    app: Flask, context: BrowserContext, base_url: str, demo: dict[str, list[str]]
) -> None:
    """Jay's pages again as a child who chose how they look: strong colours must keep every
    word readable (axe's colour contrast), bigger text must still fit (reflow, targets)."""
    choices = DISPLAY_CHOICES["postgresql" if ON_POSTGRESQL else "sqlite"]
    context.clear_cookies()
    crawl = new_crawl(app, context, "child", base_url)
    open_jays_space(crawl, demo["public_id"][0])
    page = crawl.page
    page.goto("/me/how-it-looks")
    for label in choices:
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Save how it looks").click()
    expect(page.locator("body")).to_have_class(re.compile(r"\btext-"))
    expect(page.get_by_text("Saved. Your pages look like this now.")).to_be_visible()
    crawl.run(route_urls(app, "child", demo))
    crawl.page.close()
    problems = crawl.problem_lines(" / ".join(choices))
    write_results("pages-problems-display.txt", problems)
    assert problems == []
    assert len(crawl.visited) >= FLOORS["child"], len(crawl.visited)


def test_every_staff_page_in_every_language(
    app: Flask, context: BrowserContext, base_url: str, demo: dict[str, list[str]]
) -> None:
    """Every staff page again in each of the other languages (a Welsh-speaking IRO, say), and the
    pages before signing in. What the words can change is checked (see Crawl.check).

    Each person signs in once and reads in each language in turn (the switcher's cookie), and in
    each language every kind of page is visited once, by the first person who reaches it: the
    pages that differ from role to role by what they offer are checked for every role in
    English; in another language it is the words that change, and they are a page's own.

    Half the languages on each database (STAFF_LANGUAGES_ON_SQLITE): CI runs both."""
    languages = languages_here(app, STAFF_LANGUAGES_ON_SQLITE)
    # Per language: the kinds of page visited and the URLs queued, shared by everyone.
    shared: dict[str, tuple[dict[tuple[str, frozenset[str]], int], set[str]]] = {
        language: ({}, set()) for language in languages
    }
    problems: list[str] = []
    reached = dict.fromkeys(languages, 0)
    visited: list[str] = []
    for principal, email in PEOPLE.items():
        if principal == "child":
            continue
        context.clear_cookies()
        door = context.new_page()
        if principal == "signing in":
            give_password_only(door, DANIEL)
        elif email is not None:
            sign_in(door, email, DEMO_PASSWORD)
        door.close()
        for language in languages:
            context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": base_url}])
            crawl = new_crawl(app, context, principal, base_url, language)
            crawl.kinds, crawl.queued = shared[language]
            # The same staff page filtered or paged otherwise (the audit log by person, say)
            # has the same words; the English crawl checks each.
            crawl.by_route = True
            crawl.run(route_urls(app, principal, demo))
            crawl.page.close()
            reached[language] += len(crawl.visited)
            visited += [f"{language} {principal} {url}" for url in crawl.visited]
            problems += crawl.problem_lines(f"{language} {principal}")
    write_results("pages-visited-staff-languages.txt", visited)
    write_results("pages-problems-staff-languages.txt", problems)
    assert problems == []
    assert {lang: n for lang, n in reached.items() if n < STAFF_LANGUAGE_FLOOR} == {}, reached


# --- The checks themselves find what they are for -------------------------------------------------

FAULTY_PAGE = """<!doctype html><html lang="en"><head><title>Faults</title><style>
  .bar { position: fixed; inset-block-start: 0; inset-inline: 0; block-size: 6rem;
         background: #fff; z-index: 2; }
  .spacer { block-size: 2rem; }
  button.no-ring:focus { outline: none; box-shadow: none; }
  .box { overflow: hidden; block-size: 20px; inline-size: 12rem; }
  .wide { inline-size: 500px; }
</style></head><body class="child">
  <div class="bar">A sticky bar</div>
  <a href="#under" id="under">Hidden under the bar</a>
  <div class="spacer"></div>
  <main>
    <h1>Faults</h1>
    <input id="placeholder-only" placeholder="Your name">
    <div aria-haspopup="true" id="popup-on-a-div">More</div>
    <p><a href="#small" id="small">Tiny</a></p>
    <p>A sentence with <a href="#inline" id="inline">a link in it</a> is fine.</p>
    <button class="no-ring" id="no-ring">No ring</button>
    <div class="box">Words that do not fit once the text is bigger</div>
    <div class="wide">Too wide for a phone</div>
  </main>
</body></html>"""


def test_the_checks_find_what_they_are_for(
    app: Flask, context: BrowserContext, base_url: str
) -> None:
    """So that a pass above means something: each check is shown a page with its fault."""
    crawl = new_crawl(app, context, "test", base_url)
    crawl.page.set_content(FAULTY_PAGE)
    problems = "\n".join(crawl.check())
    crawl.page.close()
    for expected in (
        "no real label: input#placeholder-only",
        'aria-haspopup="true" not allowed on role "": div#popup-on-a-div',
        "target under 44x44: a#small",
        "no visible focus: button#no-ring",
        "focus hidden under div.bar: a#under",
        "clipped at 200% text: div.box",
        "scrolls sideways at 320 px",
    ):
        assert expected in problems
    assert "a#inline" not in problems
