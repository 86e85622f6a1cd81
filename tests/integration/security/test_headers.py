"""Response headers, asserted exactly."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from participation.security.headers import camera_allowed

CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' blob: data:; media-src 'self' blob:; font-src 'self'; connect-src 'self'; "
    "form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()"
CAMERA = "camera=(self), microphone=(self), geolocation=(), payment=(), usb=(), display-capture=()"


def _nonce(response) -> str:
    match = re.search(r"'nonce-([A-Za-z0-9_-]+)'", response.headers["Content-Security-Policy"])
    assert match
    return match.group(1)


@pytest.mark.parametrize("path", ["/sign-in", "/accessibility", "/no-such-page"])
def test_every_page_gets_the_exact_security_headers(client, path):
    response = client.get(path)
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP.format(nonce=_nonce(response))
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Permissions-Policy"] == PERMISSIONS
    assert headers["Cache-Control"] == "no-store"
    # Development and tests run over plain HTTP: no HSTS there.
    assert "Strict-Transport-Security" not in headers


def test_each_response_has_its_own_nonce_and_every_script_carries_it(client, auth, keyworker):
    first, second = client.get("/sign-in"), client.get("/sign-in")
    assert _nonce(first) != _nonce(second)
    auth.sign_in(keyworker)
    page = client.get("/my-children")
    nonce = _nonce(page)
    scripts = re.findall(r"<script[^>]*>", page.text)
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_hsts_when_cookies_are_secure(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = client.get("/sign-in")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_static_files_may_be_cached_but_are_still_locked_down(client):
    response = client.get("/static/css/app.css")
    response.close()
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_sign_out_clears_the_browsers_site_data(client, auth, keyworker):
    auth.sign_in(keyworker)
    response = auth.sign_out()
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_a_route_can_allow_the_camera_and_only_that_route():
    from participation.security.headers import init_headers

    app = Flask(__name__)
    app.config.update(SESSION_COOKIE_SECURE=False)
    init_headers(app)

    @app.route("/upload")
    @camera_allowed
    def upload() -> str:
        return "upload"

    @app.route("/other")
    def other() -> str:
        return "other"

    client = app.test_client()
    assert client.get("/upload").headers["Permissions-Policy"] == CAMERA
    assert client.get("/other").headers["Permissions-Policy"] == PERMISSIONS


def test_camera_allowed_keeps_the_views_access_declaration():
    from participation.models import Role
    from participation.security.access import staff

    @camera_allowed
    @staff(Role.KEYWORKER)
    def view() -> str:
        return ""

    assert view.access == frozenset({Role.KEYWORKER})
