"""Template helpers shared by every page."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Hashable, Mapping
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Flask, g, request
from flask.sansio.blueprints import BlueprintSetupState
from flask_babel import format_date, format_datetime, format_time, get_locale

from .i18n import page_language
from .labels import TEMPLATE_GLOBALS
from .security.headers import csp_nonce

# Enough for every link of a busy server's pages; past it the cache starts again.
URL_CACHE_SIZE = 4096


def cached_url_for(app: Flask) -> Callable[..., str]:
    """`url_for` for templates, remembering what it built.

    A page builds a dozen or more links, the same ones on every page (the header, the footer),
    and werkzeug builds each one afresh. A link depends only on its endpoint and values, the
    app's mount point (SCRIPT_NAME) and, for a relative endpoint, the blueprint; a static file's
    link also on the file's fingerprint, which is looked up every time (a changed file gets a new
    link at once). Anything unusual (`_external`, `_anchor`, ...) is built as usual."""
    built: dict[Hashable, str] = {}
    static_version = app.extensions["static_files"].version

    def url_for(endpoint: str, **values: Any) -> str:
        if any(name.startswith("_") for name in values):
            return app.url_for(endpoint, **values)
        extra: str | None = None
        if endpoint.startswith("."):
            extra = request.blueprint
        elif endpoint == "static":
            extra = static_version(str(values.get("filename")))
        try:
            key = (endpoint, request.script_root, extra, frozenset(values.items()))
        except TypeError:  # a value that cannot be a key (a list, say)
            return app.url_for(endpoint, **values)
        found = built.get(key)
        if found is None:
            if len(built) >= URL_CACHE_SIZE:
                built.clear()
            found = built[key] = app.url_for(endpoint, **values)
        return found

    return url_for


def template_globals(blueprint: Blueprint, values: Mapping[str, Any]) -> None:
    """Names every template may use (labels, helpers), from an area's blueprint.

    Jinja globals, not a context processor: a context processor runs and is merged into the
    context of every page the app renders, these are looked up only where a template uses them,
    and imported macros see them too. Two areas giving one name would be a silent clash: it fails
    when the app is made."""

    def register(state: BlueprintSetupState) -> None:
        taken = values.keys() & state.app.jinja_env.globals.keys()
        if taken:
            raise RuntimeError(f"template names given twice: {sorted(taken)}")
        state.app.jinja_env.globals.update(values)

    blueprint.record_once(register)


def in_digits(text: str) -> str:
    """`text` with the reader's own digits (participation/digits.py)."""
    table = page_language().digits
    return text.translate(table) if table else text


def _english() -> bool:
    return str(get_locale()).startswith("en")


def when_in_words(value: datetime | None) -> str:
    """A moment, in the reader's language and digits ("Wednesday 25 November 2026, 06:25")."""
    if value is None:
        return ""
    if _english():
        return format_datetime(value, "EEEE d MMMM y, HH:mm")
    return in_digits(f"{format_date(value, 'full')} {format_time(value, 'short')}")


def day_in_words(value: date | datetime | None) -> str:
    """A date in words for the reader's language: "Monday 7 December 2026" (the `day` filter;
    for a flash message too)."""
    if value is None:
        return ""
    # English is British here ("Monday 7 December 2026"); other languages use their own
    # order and names from CLDR, and their own digits (Babel writes Latin ones).
    return in_digits(format_date(value, "EEEE d MMMM y" if _english() else "full"))


def direction_of(text: str | None) -> str:
    """ "ltr" or "rtl" from the first letter that has a direction, as dir="auto" decides in a
    browser; "auto" with none. For words typed by people (English in an Arabic PDF, say):
    WeasyPrint does not work dir="auto" out, and gave every English sentence on a right-to-left
    page its full stop at the start (QA)."""
    for character in text or "":
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "auto"


def init_templating(app: Flask) -> None:
    from .security.access import here  # imported here: access imports the models' world

    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["this_page"] = here
    app.jinja_env.globals["url_for"] = cached_url_for(app)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.add_template_filter(day_in_words, "day")
    app.add_template_filter(direction_of, "direction")
    # A time of day as the UK writes it ("15:00"), in the reader's digits.
    app.add_template_filter(lambda value: in_digits(f"{value:%H:%M}"), "clock")

    app.add_template_filter(when_in_words, "when")
    # A bare number in the reader's digits ("۴." in Persian), where no sentence carries it.
    app.add_template_filter(lambda value: in_digits(str(value)), "digits")

    @app.context_processor
    def _principal() -> dict[str, object]:
        return {"principal": g.get("principal"), "service_name": app.config["SERVICE_NAME"]}
