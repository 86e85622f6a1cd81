"""Flask extensions, created unbound so that create_app() can configure them."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from flask_babel import Babel, Domain, get_locale
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .digits import DigitTable, localise, table_for


def reader_digits() -> DigitTable | None:
    """The digits of this request's language (None for Latin, and outside a request)."""
    locale = get_locale()
    return table_for(str(locale)) if locale is not None else None


class DigitsDomain(Domain):
    """Flask-Babel's messages, with the numbers put into them in the reader's own digits (see
    participation/digits.py). For the messages made in Python: flashes, form errors; templates
    have their own quicker gettext (participation/i18n.py) that does the same."""

    def _fill(self, text: str, variables: dict[str, Any]) -> str:
        if not variables:
            return text
        text, filled = localise(text, variables, reader_digits())
        return text % filled

    def gettext(self, string: str, **variables: Any) -> str:
        return self._fill(self.get_translations().ugettext(string), variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return self._fill(self.get_translations().ungettext(singular, plural, num), variables)

    def pgettext(self, context: str, string: str, **variables: Any) -> str:
        return self._fill(self.get_translations().upgettext(context, string), variables)

    def npgettext(
        self, context: str, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        text = self.get_translations().unpgettext(context, singular, plural, num)
        return self._fill(text, variables)


class DigitsBabel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return DigitsDomain(domain=self.domain)


babel = DigitsBabel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Limits are declared on the routes that need them (sign-in, picture codes); nothing by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
