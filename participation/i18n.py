"""Which language a page is in, and its text direction.

An explicit choice wins (the child's or staff member's saved language, then the language cookie set
by the switcher), then the browser's Accept-Language, then English.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from babel.support import Translations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.wrappers import Response

from .cookies import keep_on_device
from .digits import DigitTable, localise, table_for
from .extensions import babel

LANGUAGE_COOKIE = "lang"


def supported() -> dict[str, tuple[str, str]]:
    languages: dict[str, tuple[str, str]] = current_app.config["LANGUAGES"]
    return languages


def remember_language(response: Response, code: str) -> None:
    """The language for pages with nobody signed in on this device (sign-in, the picture code)."""
    keep_on_device(response, LANGUAGE_COOKIE, code, days=365)


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


class PageLanguage(NamedTuple):
    locale: object
    translations: Translations
    digits: DigitTable | None  # see participation/digits.py


def page_language() -> PageLanguage:
    """This request's catalog and digits, looked up once. They are kept with the locale they are
    for, so that force_locale() and refresh() still change the language of what follows at once.

    Read straight from Flask-Babel's own per-request namespace (one lookup of `g`), where
    get_locale() would look `g` up three times for each of a page's few dozen strings."""
    babel_ctx = g.get("_flask_babel")
    locale = getattr(babel_ctx, "babel_locale", None)
    found: PageLanguage | None = getattr(babel_ctx, "page_language", None)
    if found is None or locale is None or found.locale is not locale:
        locale = get_locale()  # chooses the language on a request's first string
        found = PageLanguage(locale, get_translations(), table_for(str(locale)))
        babel_ctx = g.get("_flask_babel")
        if babel_ctx is not None:
            babel_ctx.page_language = found
    return found


def page_translations() -> Translations:
    return page_language().translations


def _formatted(
    context: Context, text: str, variables: Mapping[str, Any], digits: DigitTable | None
) -> str:
    """As Jinja's new-style gettext formats: the words are our catalog's, so Markup when the
    template escapes; the variables are escaped by `%`. Numbers in the reader's digits."""
    if variables:
        text, variables = localise(text, variables, digits)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704
    # No `%` formatting of a string that has no variables and no `%`: the result is the same
    # (new-style strings always go through `%`).
    return text % variables if variables or "%" in text else text


# The page's language, given to every template rendered for a request (_language_context): read
# from the template's own context, a string costs no lookup of `g` at all. Macros imported without
# the context, and templates rendered outside a request, look it up (page_language).
PAGE_LANGUAGE_KEY = "_page_language"


def _language_of(context: Context) -> PageLanguage:
    found = context.get(PAGE_LANGUAGE_KEY)
    return found if isinstance(found, PageLanguage) else page_language()


@pass_context
def _gettext(context: Context, string: str, /, **variables: Any) -> str:
    """Jinja's new-style gettext, minus its costs: the catalog found once a page (see
    page_language), and no second `context.call`."""
    language = _language_of(context)
    return _formatted(context, language.translations.ugettext(string), variables, language.digits)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    language = _language_of(context)
    text: str = language.translations.ungettext(singular, plural, num)
    return _formatted(context, text, variables, language.digits)


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
    # The two that nearly every string goes through, done the same way at a fraction of the cost
    # (a child's page has a few dozen). `_` is an alias that would look `gettext` up again on
    # every call; nothing here overrides `gettext` in a template, so it points straight at it.
    app.jinja_env.globals.update(gettext=_gettext, ngettext=_ngettext, _=_gettext)

    @app.context_processor
    def _language_context() -> dict[str, object]:
        return {
            PAGE_LANGUAGE_KEY: page_language(),
            "current_language": str(get_locale()),
            "text_direction": text_direction(),
            "languages": supported(),
        }
