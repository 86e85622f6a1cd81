"""Static files: fingerprinted URLs, cache lifetimes, compression (participation/assets.py)."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from pathlib import Path

import pytest
from flask import Flask, Response, request, url_for

from participation.assets import LONG_CACHE, SHORT_CACHE, init_assets

STATIC = Path(__file__).resolve().parents[2] / "static"
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _css(size: int) -> bytes:
    rule = b".card { margin: 0 auto; padding: 1rem; border: 2px solid #333; }\n"
    return (rule * (size // len(rule) + 1))[:size]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_bytes(_css(6000))
    (tmp_path / "css" / "tiny.css").write_bytes(b"body { margin: 0 }\n")
    (tmp_path / "css" / "raw.css").write_bytes(_css(3000))
    # A PNG-typed file that would compress very well if anyone (wrongly) tried.
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(8000))
    return tmp_path


@pytest.fixture
def small_app(folder: Path) -> Flask:
    """A bare app with its own static folder, so files can change under it."""
    application = Flask(__name__, static_folder=str(folder), static_url_path="/static")
    init_assets(application)

    @application.after_request  # registered after init_assets, so it runs before its hook
    def _keep_raw_as_is(response: Response) -> Response:
        if request.path.startswith("/static/css/raw.css"):
            response.cache_control.no_transform = True
        return response

    return application


def _static_url(app: Flask, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


def _get(app: Flask, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    with app.test_client().get(url, headers=headers) as response:
        return response.status_code, dict(response.headers), response.get_data()


# --- Fingerprinted URLs ----------------------------------------------------------------------


def test_a_static_url_carries_the_files_hash(small_app: Flask, folder: Path) -> None:
    digest = hashlib.sha256((folder / "css" / "site.css").read_bytes()).hexdigest()[:10]
    assert _static_url(small_app, "css/site.css") == f"/static/css/site.css?v={digest}"


def test_the_url_changes_when_the_file_changes(small_app: Flask, folder: Path) -> None:
    before = _static_url(small_app, "css/site.css")
    assert _static_url(small_app, "css/site.css") == before  # stable while the file is
    path = folder / "css" / "site.css"
    path.write_bytes(path.read_bytes() + b"a { color: #000 }\n")
    after = _static_url(small_app, "css/site.css")
    assert after != before
    assert after.startswith("/static/css/site.css?v=")


def test_in_production_a_files_hash_is_worked_out_once(folder: Path) -> None:
    """STATIC_FILES_FIXED (production): a deploy restarts the server, so the static folder is
    not looked at again for each link; a file changed under a running server keeps its URL."""
    application = Flask(__name__, static_folder=str(folder), static_url_path="/static")
    application.config["STATIC_FILES_FIXED"] = True
    init_assets(application)
    digest = hashlib.sha256((folder / "css" / "site.css").read_bytes()).hexdigest()[:10]
    assert _static_url(application, "css/site.css") == f"/static/css/site.css?v={digest}"
    path = folder / "css" / "site.css"
    path.write_bytes(path.read_bytes() + b"a { color: #000 }\n")
    assert _static_url(application, "css/site.css") == f"/static/css/site.css?v={digest}"
    assert _static_url(application, "css/nothing.css") == "/static/css/nothing.css"


def test_production_settings_fix_the_static_folder(monkeypatch, tmp_path: Path) -> None:
    from participation.config import base_settings, production_settings

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    assert production_settings(str(tmp_path))["STATIC_FILES_FIXED"] is True
    assert base_settings(str(tmp_path))["STATIC_FILES_FIXED"] is False


def test_a_missing_file_gets_no_version(small_app: Flask) -> None:
    assert _static_url(small_app, "css/nothing.css") == "/static/css/nothing.css"


def test_every_static_url_on_a_real_page_is_versioned(client) -> None:
    page = client.get("/sign-in").text
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert urls, "the page references no static files"
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{10}$", url), url


# --- Cache lifetimes -------------------------------------------------------------------------


def test_a_versioned_file_is_cached_for_a_year(client) -> None:
    page = client.get("/sign-in").text
    url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', page)
    assert url
    with client.get(url.group(1)) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == LONG_CACHE
        assert "Pragma" not in response.headers


def test_an_unversioned_or_stale_file_is_cached_briefly(small_app: Flask) -> None:
    for url in ("/static/css/site.css", "/static/css/site.css?v=0123456789"):
        status, headers, _ = _get(small_app, url)
        assert status == 200
        assert headers["Cache-Control"] == SHORT_CACHE


def test_pages_stay_uncached(client) -> None:
    with client.get("/sign-in") as response:
        assert response.headers["Cache-Control"] == "no-store"


def test_static_responses_never_carry_the_session(client) -> None:
    page = client.get("/sign-in").text  # the session now holds a CSRF token
    url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', page)
    assert url
    with client.get(url.group(1)) as response:
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")


# --- Compression -----------------------------------------------------------------------------


def test_css_is_gzipped_and_decodes_to_the_same_bytes(small_app: Flask, folder: Path) -> None:
    status, headers, body = _get(small_app, _static_url(small_app, "css/site.css"), **GZIP)
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert int(headers["Content-Length"]) == len(body)
    assert len(body) < 6000
    assert gzip.decompress(body) == (folder / "css" / "site.css").read_bytes()
    assert headers["Cache-Control"] == LONG_CACHE


def test_the_real_stylesheet_is_gzipped(client) -> None:
    page = client.get("/sign-in").text
    url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', page)
    assert url
    with client.get(url.group(1), headers=GZIP) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.get_data()) == (STATIC / "css" / "app.css").read_bytes()


def test_a_client_that_does_not_accept_gzip_gets_the_file_as_is(
    small_app: Flask, folder: Path
) -> None:
    for headers_sent in ({}, {"Accept-Encoding": "gzip;q=0, identity"}):
        _, headers, body = _get(small_app, "/static/css/site.css", **headers_sent)
        assert "Content-Encoding" not in headers
        assert "Accept-Encoding" in headers["Vary"]
        assert body == (folder / "css" / "site.css").read_bytes()


def test_the_gzipped_copy_has_its_own_etag_and_revalidates(small_app: Flask) -> None:
    url = _static_url(small_app, "css/site.css")
    _, plain, _ = _get(small_app, url)
    _, packed, _ = _get(small_app, url, **GZIP)
    assert packed["ETag"] != plain["ETag"]
    status, _, body = _get(small_app, url, **GZIP, **{"If-None-Match": packed["ETag"]})
    assert status == 304
    assert body == b""


def test_images_are_never_compressed(small_app: Flask, folder: Path) -> None:
    _, headers, body = _get(small_app, "/static/photo.png", **GZIP)
    assert headers["Content-Type"] == "image/png"
    assert "Content-Encoding" not in headers
    assert body == (folder / "photo.png").read_bytes()


def test_small_files_and_no_transform_are_left_alone(small_app: Flask) -> None:
    _, tiny, _ = _get(small_app, "/static/css/tiny.css", **GZIP)
    assert "Content-Encoding" not in tiny
    _, raw, body = _get(small_app, "/static/css/raw.css", **GZIP)
    assert "Content-Encoding" not in raw
    assert "no-transform" in raw["Cache-Control"]
    assert len(body) == 3000


def test_pages_are_not_compressed_because_of_breach(client) -> None:
    # Pages hold the CSRF token and personal data next to text a visitor can choose (the URL is
    # echoed in forms): compressing them would open them to BREACH. See participation/assets.py.
    with client.get("/sign-in?next=/me", headers=GZIP) as response:
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert "csrf_token" in response.text


def test_the_file_on_disk_is_what_the_hash_names(client) -> None:
    page = client.get("/sign-in").text
    for path, version in re.findall(r'"/static/([^"?]+)\?v=([0-9a-f]{10})"', page):
        data = (STATIC / path).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:10] == version, path
        assert os.path.getsize(STATIC / path) == len(data)
