"""Settings for each environment.

Values come from the environment so that one build runs anywhere; the defaults are the embedded
single-process set-up (an SQLite file and a media folder in the instance folder).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

LANGUAGES = {
    # code: (name in its own language, text direction)
    "en": ("English", "ltr"),
    "cy": ("Cymraeg", "ltr"),
    "ar": ("العربية", "rtl"),
    "fa": ("فارسی", "rtl"),
    "ps": ("پښتو", "rtl"),
    "ti": ("ትግርኛ", "ltr"),
    "sq": ("Shqip", "ltr"),
}


class ConfigError(RuntimeError):
    """The app was started with settings it cannot safely run with."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def base_settings(instance_path: str) -> dict[str, Any]:
    """Settings shared by every environment."""
    instance = Path(instance_path)
    return {
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'participation.db'}"
        ),
        "MEDIA_STORAGE": os.environ.get("MEDIA_STORAGE", str(instance / "media")),
        # Retention once a child has left care (flask records retention): months until what
        # they never shared is deleted, and until what they shared is written to the case
        # record (CASE_RECORD_DIR, a zip per child) and deleted here.
        "RETENTION_PRIVATE_MONTHS": int(os.environ.get("RETENTION_PRIVATE_MONTHS", "12")),
        "RETENTION_SHARED_MONTHS": int(os.environ.get("RETENTION_SHARED_MONTHS", "12")),
        "CASE_RECORD_DIR": os.environ.get("CASE_RECORD_DIR", str(instance / "case-record")),
        "TASK_QUEUE": os.environ.get("TASK_QUEUE", f"sqlite:///{instance / 'tasks.db'}"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # How many proxies in front of the app set X-Forwarded-For/-Proto (0: none). Behind one,
        # without this every request seems to come from the proxy: the limits on guessing would
        # count the whole council as one address.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "RATELIMIT_HEADERS_ENABLED": False,
        "BABEL_TRANSLATION_DIRECTORIES": "../translations",
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "LANGUAGES": LANGUAGES,
        "SERVICE_NAME": "My Review",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_NAME": "__Host-session"
        if _bool("SESSION_COOKIE_SECURE", True)
        else "session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # Staff sessions end after this long without a request, and after the absolute limit anyway.
        "STAFF_IDLE_TIMEOUT": timedelta(minutes=int(os.environ.get("STAFF_IDLE_MINUTES", "30"))),
        "STAFF_ABSOLUTE_TIMEOUT": timedelta(
            hours=int(os.environ.get("STAFF_ABSOLUTE_HOURS", "10"))
        ),
        # While someone types into a staff form, their page says so this often (staff.js), so
        # writing a long report is not "idle"; well inside the idle timeout.
        "STAFF_TYPING_PING_SECONDS": 240,
        # Staff pages warn this long before an idle session ends and offer "Stay signed in"
        # (WCAG 2.2.1: a time limit is announced, with at least 20 seconds to extend it).
        "STAFF_TIMEOUT_WARNING_SECONDS": 120,
        # A child session on a shared tablet is locked (not ended) after a few idle minutes; the
        # server session itself lasts a working day so that unlocking brings the child back.
        "CHILD_SESSION_IDLE_TIMEOUT": timedelta(hours=2),
        # After this long with no request the child's space asks for the picture code again (the
        # page warns first and offers "I'm still here").
        "CHILD_IDLE_LOCK": timedelta(minutes=int(os.environ.get("CHILD_IDLE_LOCK_MINUTES", "10"))),
        "CHILD_SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=10),
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 4,
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "210")) * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 500 * 1024,
        # The key that seals staff authenticator secrets in the database (security/sealed.py);
        # unset: derived from SECRET_KEY. Older keys, comma separated, still open what they sealed.
        "SECOND_FACTOR_KEY": os.environ.get("SECOND_FACTOR_KEY") or None,
        "SECOND_FACTOR_OLD_KEYS": os.environ.get("SECOND_FACTOR_OLD_KEYS") or None,
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        # Limits on guessing (security/throttle.py), as limits strings ("N per M minutes"): per
        # address for passwords and second-factor codes, per child session for picture codes.
        "SIGN_IN_ATTEMPTS": os.environ.get("SIGN_IN_ATTEMPTS", "10 per 15 minutes"),
        "SIGN_IN_ADDRESS_ATTEMPTS": os.environ.get(
            "SIGN_IN_ADDRESS_ATTEMPTS", "100 per 15 minutes"
        ),
        "SECOND_FACTOR_ATTEMPTS": os.environ.get("SECOND_FACTOR_ATTEMPTS", "10 per 15 minutes"),
        "PICTURE_CODE_ATTEMPTS": os.environ.get("PICTURE_CODE_ATTEMPTS", "30 per 15 minutes"),
        # Read-aloud audio made on the server (participation/readaloud): requests per child
        # session, and the cache (None: instance/read-aloud) with its size and age limits.
        "READ_ALOUD_LIMIT": os.environ.get("READ_ALOUD_LIMIT", "30 per minute; 300 per hour"),
        "READ_ALOUD_CACHE": os.environ.get("READ_ALOUD_CACHE") or None,
        "READ_ALOUD_CACHE_MB": int(os.environ.get("READ_ALOUD_CACHE_MB", "200")),
        "READ_ALOUD_CACHE_DAYS": int(os.environ.get("READ_ALOUD_CACHE_DAYS", "30")),
        "ESPEAK_NG": os.environ.get("ESPEAK_NG", "espeak-ng"),
        "SHOW_PLACEMENT_ADDRESS_IN_PACK": _bool("SHOW_PLACEMENT_ADDRESS_IN_PACK", False),
        # Email, for one thing only: telling people at once that a child pressed "I'm worried"
        # (participation/mail.py). MAIL_SERVER is host:port; unset, nothing is emailed and the
        # alerts wait on staff pages (the admin overview says so).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        # starttls, ssl (implicit TLS, port 465) or none (a relay on the same machine only).
        "MAIL_SECURITY": os.environ.get("MAIL_SECURITY", "starttls"),
        # The council's out-of-hours (emergency duty) team, emailed when a worry is raised
        # outside office hours: evenings, weekends, bank holidays and closure days.
        "WORRY_OUT_OF_HOURS_EMAIL": os.environ.get("WORRY_OUT_OF_HOURS_EMAIL", ""),
        # Their phone, on the staff worry page: for an email to them that did not go.
        "WORRY_OUT_OF_HOURS_PHONE": os.environ.get("WORRY_OUT_OF_HOURS_PHONE", ""),
        "OFFICE_HOURS": os.environ.get("OFFICE_HOURS", "09:00-17:00"),
        "HSTS_SECONDS": 63072000,
        # True: the static folder does not change while the server runs (a deploy restarts it),
        # so each file's fingerprint is worked out once (participation/assets.py).
        "STATIC_FILES_FIXED": False,
    }


def development_settings(instance_path: str) -> dict[str, Any]:
    """Local development: a secret key kept in the instance folder, plain-http cookies."""
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    settings = base_settings(instance_path)
    settings.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or key_file.read_text().strip(),
        SESSION_COOKIE_SECURE=_bool("SESSION_COOKIE_SECURE", False),
    )
    settings["SESSION_COOKIE_NAME"] = (
        "session" if not settings["SESSION_COOKIE_SECURE"] else "__Host-session"
    )
    return settings


def testing_settings(instance_path: str) -> dict[str, Any]:
    """Tests: a throwaway database chosen by the suite, cheap password hashing, no rate limits."""
    settings = base_settings(instance_path)
    settings.update(
        TESTING=True,
        SECRET_KEY="test-secret-key-not-for-production",  # noqa: S106 - tests only
        SESSION_COOKIE_SECURE=False,
        SESSION_COOKIE_NAME="session",
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST=64,
        RATELIMIT_ENABLED=False,
    )
    return settings


def production_settings(instance_path: str) -> dict[str, Any]:
    """Production refuses to start without a real secret key."""
    key = os.environ.get("SECRET_KEY", "")
    if len(key) < 32:
        raise ConfigError(
            "SECRET_KEY must be set to at least 32 random characters in production "
            '(for example: python -c "import secrets; print(secrets.token_hex(32))").'
        )
    settings = base_settings(instance_path)
    settings["SECRET_KEY"] = key
    settings["STATIC_FILES_FIXED"] = _bool("STATIC_FILES_FIXED", True)
    return settings


def settings_for(env: str, instance_path: str) -> dict[str, Any]:
    """Pick the settings for APP_ENV: development (default), testing or production."""
    makers = {
        "development": development_settings,
        "testing": testing_settings,
        "production": production_settings,
    }
    if env not in makers:
        raise ConfigError(f"APP_ENV must be one of {', '.join(makers)}, not {env!r}.")
    return makers[env](instance_path)
