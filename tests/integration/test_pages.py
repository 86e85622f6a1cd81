from __future__ import annotations

from pathlib import Path

from participation.models import Role
from tests.support import factories


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Traceback" not in response.text


def test_another_caseloads_child_is_a_404(client, auth, session, keyworker):
    other = factories.make_child(session)
    session.commit()
    auth.sign_in(keyworker)
    response = client.get(f"/children/{other.public_id}")
    assert response.status_code == 404


def test_own_child_record_shows_reviews_and_network(client, auth, session, keyworker):
    child = factories.make_child(session, preferred_name="Jay")
    factories.assign(session, keyworker, child)
    factories.make_review(session, child, 1)
    factories.make_person(session, child, name="Dean Clarke", relationship_to_child="Dad")
    session.commit()
    auth.sign_in(keyworker)
    page = client.get(f"/children/{child.public_id}").text
    assert "Review 1" in page and "Dean Clarke" in page


def test_ids_in_urls_are_not_guessable(session):
    child = factories.make_child(session)
    assert len(child.public_id) >= 22 and not child.public_id.isdigit()


def test_crash_shows_a_friendly_page_without_a_trace(app, monkeypatch):
    from participation.caseload import service

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(service, "caseload_page", boom)
    app.test_client_class = None
    client = app.test_client()
    staff = factories.make_staff(app.extensions["database"].session(), Role.MANAGER)
    app.extensions["database"].session.commit()
    from tests.conftest import Auth

    Auth(client).sign_in(staff)
    response = client.get("/council")
    assert response.status_code == 500
    assert "secret internal detail" not in response.text
    assert "Sorry, something went wrong" in response.text


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_language_choice_is_remembered(app, monkeypatch, client):
    monkeypatch.setitem(app.config["LANGUAGES"], "cy", ("Cymraeg", "ltr"))
    page = client.get("/sign-in").text
    from tests.conftest import csrf_from

    response = client.post(
        "/language", data={"language": "cy", "next": "/sign-in", "csrf_token": csrf_from(page)}
    )
    assert response.headers["Location"] == "/sign-in"
    assert 'lang="cy"' in client.get("/sign-in").text


def test_only_languages_with_a_catalog_are_offered(app, client):
    page = client.get("/sign-in").text
    for code in app.config["ALL_LANGUAGES"]:
        offered = f'value="{code}"' in page
        assert offered == (code in app.config["LANGUAGES"]), code
    assert 'lang="en"' in client.get("/sign-in", headers={"Accept-Language": "ps"}).text


def test_right_to_left_languages_set_dir(app, monkeypatch, client):
    monkeypatch.setitem(app.config["LANGUAGES"], "ar", ("العربية", "rtl"))
    page = client.get("/sign-in", headers={"Accept-Language": "ar"}).text
    assert 'lang="ar" dir="rtl"' in page


def test_accessibility_statement_is_public_and_in_the_model_form(client):
    page = client.get("/accessibility")
    assert page.status_code == 200
    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Technical information about this service",
        "Compliance status",
        "Non-accessible content",
        "How we tested this service",
    ):
        assert heading in page.text
    assert "400%" in page.text
    # The real results: the engine, the sizes, and the pages the browser crawl checked.
    from participation.pages import accessibility as statement

    assert f"axe-core {statement.AXE_CORE_VERSION}" in page.text
    import axe_playwright_python

    bundled = next(Path(axe_playwright_python.__file__).parent.rglob("axe.min.js"))
    assert f"axe v{statement.AXE_CORE_VERSION}" in bundled.read_text()[:500]  # the one we run
    assert "810 \u00d7 1080, 1080 \u00d7 810, 360 \u00d7 740" in page.text
    assert "a keyworker: 24 pages" in page.text and "a child" in page.text
    assert "have not yet been checked by one" in page.text  # the translations, honestly


def test_every_page_links_the_accessibility_statement(client):
    for path in ("/sign-in", "/accessibility", "/no-such-page"):
        assert 'href="/accessibility"' in client.get(path).text
