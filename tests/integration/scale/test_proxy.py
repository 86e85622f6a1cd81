"""Behind the council's proxy (TRUSTED_PROXIES), a request's address is the client's, so the
limits on guessing count each client on its own; without the setting, X-Forwarded-For is ignored
(a client reaching the app directly must not choose its own address)."""

from __future__ import annotations

from flask import request

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def _seen(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    with client:
        client.get("/healthz", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"})
        return request.remote_addr, request.scheme


def _settings(tmp_path, **extra):  # type: ignore[no-untyped-def]
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'proxy.db'}",
        "MEDIA_STORAGE": str(tmp_path / "media"),
        "TASK_QUEUE": "memory://",
        **extra,
    }


def test_one_trusted_proxy_gives_the_clients_address(make_app, tmp_path):
    app = make_app(_settings(tmp_path, TRUSTED_PROXIES=1))
    assert _seen(app) == ("203.0.113.7", "https")


def test_without_the_setting_forwarded_headers_are_ignored(make_app, tmp_path):
    app = make_app(_settings(tmp_path))
    assert _seen(app) == ("10.0.0.2", "http")
