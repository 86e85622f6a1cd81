"""Which language a page is in, and its text direction.

An explicit choice wins (the child's or staff member's saved language, then the language cookie set
by the switcher), then the browser's Accept-Language, then English.
"""

from __future__ import annotations

from pathlib import Path

from babel.support import Translations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations

from .extensions import babel

LANGUAGE_COOKIE = "lang"


def supported() -> dict[str, tuple[str, str]]:
    languages: dict[str, tuple[str, str]] = current_app.config["LANGUAGES"]
    return languages


def select_locale() -> str | None:
    if not has_request_context():
        # A command (`flask demo` storing the words a choice showed): the default language.
        return None
    languages = supported()
    saved = getattr(g.get("principal"), "language", None)
    if saved in languages:
        return str(saved)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return str(cookie)
    return request.accept_languages.best_match(list(languages)) or "en"


def page_translations() -> Translations:
    """This request's catalog, looked up once. It is kept with the locale it is for, so that
    force_locale() and refresh() still change the language of what follows at once."""
    locale = get_locale()
    found: tuple[object, Translations] | None = g.get("_page_translations")
    if found is None or found[0] is not locale:
        found = g._page_translations = (locale, get_translations())
    return found[1]


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
    # Flask-Babel finds the catalog again for every string (the domain, the locale written out
    # as text, several lookups of `g`), and a child's page has a few dozen strings: templates
    # find it once per page instead (page_translations). The i18n extension adds the method.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # `_` is an alias that looks `gettext` up again on every call; nothing here overrides
    # `gettext` in a template, so point `_` straight at it.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]

    @app.context_processor
    def _language_context() -> dict[str, object]:
        return {
            "current_language": str(get_locale()),
            "text_direction": text_direction(),
            "languages": supported(),
        }
