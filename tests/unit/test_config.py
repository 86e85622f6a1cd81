from __future__ import annotations

import pytest

from participation.config import ConfigError, settings_for


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        settings_for("production", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(ConfigError):
        settings_for("production", str(tmp_path))


def test_production_uses_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    settings = settings_for("production", str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_NAME"] == "__Host-session"


def test_development_keeps_its_secret_key_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = settings_for("development", str(tmp_path))["SECRET_KEY"]
    second = settings_for("development", str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        settings_for("staging-ish", str(tmp_path))


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = settings_for("development", str(tmp_path))
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'participation.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert settings_for("development", str(tmp_path))["DATABASE_URL"].startswith("postgresql")


def test_create_app_with_test_config_is_testing(tmp_path, make_app):
    app = make_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["TESTING"] is True


THROTTLES = (
    "SIGN_IN_ATTEMPTS",
    "SIGN_IN_ADDRESS_ATTEMPTS",
    "SECOND_FACTOR_ATTEMPTS",
    "PICTURE_CODE_ATTEMPTS",
)


@pytest.mark.parametrize("name", THROTTLES)
def test_limits_on_guessing_come_from_the_environment(monkeypatch, tmp_path, name):
    from participation.security.throttle import DEFAULT_LIMITS

    monkeypatch.delenv(name, raising=False)
    # Unset, the setting is the limit the throttle falls back on.
    assert settings_for("development", str(tmp_path))[name] == DEFAULT_LIMITS[name]
    monkeypatch.setenv(name, "3 per minute")
    assert settings_for("development", str(tmp_path))[name] == "3 per minute"
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    assert settings_for("production", str(tmp_path))[name] == "3 per minute"
