"""A child's page stays light: under 60 KB over the wire, HTML + CSS + JS + images, nothing from
another origin. Fast (the Flask test client, no browser); benchmarks/weight_bench.py measures
the same in Chromium.

Bytes are counted as the server sends them to a client that accepts gzip: static text gzipped,
the page itself as it is (pages are not compressed: BREACH, see participation/assets.py), which
is stricter than gzipping everything. The child's own photos and videos are not counted.
"""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from participation.child import service as space_service
from participation.models import StaffMember
from tests.conftest import Auth, csrf_from
from tests.support import factories

BUDGET_BYTES = 60_000
CODE = ["star", "fish", "car"]
ORIGIN = "http://localhost"  # the test client's
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
# (tag, attribute) pairs that make a browser fetch something, or send the page's data elsewhere.
FETCHING = {
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
}
# Not fetched when the page loads, but must not send the child's data to another site either.
SENDING = {("form", "action"), ("button", "formaction"), ("input", "formaction")}
NOT_FETCHED_LINKS = {"canonical", "alternate", "author", "help", "license", "next", "prev"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and set((values.get("rel") or "").split()) <= NOT_FETCHED_LINKS:
            return
        for name, value in attrs:
            if (tag, name) in SENDING and value:
                self.targets.append(value)
            if (tag, name) in FETCHING and value:
                if name == "srcset":
                    self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
                else:
                    self.urls.append(value)
        if values.get("style"):
            self.urls += _css_urls(values["style"] or "")


def _css_urls(css: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(css)]


def _is_off_origin(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return False
    return bool(parts.netloc) and f"{parts.scheme or 'http'}://{parts.netloc}" != ORIGIN


@dataclass
class PageWeight:
    total: int = 0
    parts: dict[str, int] = field(default_factory=dict)
    off_origin: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return ", ".join(f"{url} {size:,}" for url, size in self.parts.items())


def _childs_own_media(app: Flask, path: str) -> bool:
    """Photos and videos the child added (served by a media route) are outside the budget."""
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path)
    except Exception:  # not a route: it is fetched and counted (as a 404)
        return False
    return "media" in str(endpoint)


def weigh(client: FlaskClient, path: str) -> PageWeight:
    """The page at `path` and everything it (and its CSS) makes a browser fetch."""
    app = client.application
    weight = PageWeight()
    page = client.get(path, headers=GZIP)
    assert page.status_code == 200, f"{path} answered {page.status_code}"
    weight.parts[path] = len(page.get_data())
    parser = _References()
    parser.feed(page.get_data(as_text=True))
    weight.off_origin += [url for url in parser.targets if _is_off_origin(url)]
    queue = [urljoin(path, url) for url in parser.urls]
    seen = {path}
    while queue:
        url = queue.pop(0)
        if _is_off_origin(url):
            weight.off_origin.append(url)
            continue
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or url in seen:
            continue
        seen.add(url)
        if _childs_own_media(app, parts.path):
            continue
        with client.get(url, headers=GZIP) as response:
            body = response.get_data()
            weight.parts[url] = len(body)
            if response.mimetype == "text/css":
                packed = response.headers.get("Content-Encoding") == "gzip"
                text = (gzip.decompress(body) if packed else body).decode()
                queue += [urljoin(url, found) for found in _css_urls(text)]
    weight.total = sum(weight.parts.values())
    return weight


def _child_at_tablet(client: FlaskClient, auth: Auth, session, keyworker: StaffMember) -> None:
    """The keyworker hands the tablet over and the child taps their picture code."""
    child = factories.make_child(session, preferred_name="Mia")
    factories.assign(session, keyworker, child)
    session.commit()
    space_service.set_picture_code(session, child, CODE, keyworker)
    auth.sign_in(keyworker)
    record = client.get(f"/children/{child.public_id}").text
    client.post(f"/children/{child.public_id}/hand-over", data={"csrf_token": csrf_from(record)})
    for picture in CODE:
        page = client.get("/me/unlock").text
        client.post("/me/unlock", data={"pick": picture, "csrf_token": csrf_from(page)})


def test_the_childs_page_is_under_60_kb_and_all_from_this_site(client, auth, session, keyworker):
    _child_at_tablet(client, auth, session, keyworker)
    weight = weigh(client, "/me")
    assert weight.off_origin == []
    assert len(weight.parts) >= 3, f"expected the page, its CSS and its JS: {weight.describe()}"
    assert weight.total < BUDGET_BYTES, f"{weight.total:,} bytes: {weight.describe()}"


# --- The check itself can fail ---------------------------------------------------------------


@pytest.fixture
def heavy_app(tmp_path: Path) -> Flask:
    (tmp_path / "photo.png").write_bytes(os.urandom(70_000))
    (tmp_path / "site.css").write_text("body { background: url('photo.png') }")
    app = Flask(__name__, static_folder=str(tmp_path), static_url_path="/static")

    @app.get("/heavy")
    def heavy() -> str:
        return '<link rel="stylesheet" href="/static/site.css"><p>Hello</p>'

    @app.get("/elsewhere")
    def elsewhere() -> str:
        return (
            '<link rel="canonical" href="https://example.org/ok">'
            '<script src="https://cdn.example.com/lib.js"></script>'
            '<form action="https://forms.example.com/send" method="post"></form>'
            '<img srcset="/static/photo.png 1x, //images.example.net/a.png 2x" alt="">'
        )

    return app


def test_the_check_counts_what_the_css_pulls_in(heavy_app: Flask) -> None:
    weight = weigh(heavy_app.test_client(), "/heavy")
    assert "/static/photo.png" in weight.parts
    assert weight.total > BUDGET_BYTES


def test_the_check_finds_other_origins(heavy_app: Flask) -> None:
    weight = weigh(heavy_app.test_client(), "/elsewhere")
    assert sorted(weight.off_origin) == [
        "//images.example.net/a.png",
        "https://cdn.example.com/lib.js",
        "https://forms.example.com/send",
    ]
