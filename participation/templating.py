"""Template helpers shared by every page."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g
from flask_babel import format_date, format_datetime, format_time, get_locale

from .labels import TEMPLATE_GLOBALS
from .security.headers import csp_nonce


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    def _english() -> bool:
        return str(get_locale()).startswith("en")

    @app.template_filter("day")
    def _day(value: date | datetime | None) -> str:
        """A date in words for the reader's language: "Monday 7 December 2026"."""
        if value is None:
            return ""
        # English is British here ("Monday 7 December 2026"); other languages use their own
        # order, names and digits from CLDR.
        return format_date(value, "EEEE d MMMM y" if _english() else "full")

    @app.template_filter("when")
    def _when(value: datetime | None) -> str:
        if value is None:
            return ""
        if _english():
            return format_datetime(value, "EEEE d MMMM y, HH:mm")
        return f"{format_date(value, 'full')} {format_time(value, 'short')}"

    @app.context_processor
    def _principal() -> dict[str, object]:
        return {"principal": g.get("principal"), "service_name": app.config["SERVICE_NAME"]}
