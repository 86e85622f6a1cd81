"""Which language a page is in, and its text direction.

An explicit choice wins (the child's or staff member's saved language, then the language cookie set
by the switcher), then the browser's Accept-Language, then English.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g, request
from flask_babel import get_locale

from .extensions import babel

LANGUAGE_COOKIE = "lang"


def supported() -> dict[str, tuple[str, str]]:
    languages: dict[str, tuple[str, str]] = current_app.config["LANGUAGES"]
    return languages


def select_locale() -> str:
    languages = supported()
    saved = getattr(g.get("principal"), "language", None)
    if saved in languages:
        return str(saved)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return str(cookie)
    return request.accept_languages.best_match(list(languages)) or "en"


def text_direction() -> str:
    return supported().get(str(get_locale()), ("", "ltr"))[1]


def init_i18n(app: Flask) -> None:
    # Offer only languages whose catalog is compiled: a page marked lang="ar" but written in
    # English would mislead screen readers and the child alike.
    translations = Path(app.root_path, app.config["BABEL_TRANSLATION_DIRECTORIES"])
    app.config["ALL_LANGUAGES"] = app.config["LANGUAGES"]
    app.config["LANGUAGES"] = {
        code: about
        for code, about in app.config["LANGUAGES"].items()
        if code == "en" or (translations / code / "LC_MESSAGES" / "messages.mo").exists()
    }
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _language_context() -> dict[str, object]:
        return {
            "current_language": str(get_locale()),
            "text_direction": text_direction(),
            "languages": supported(),
        }
