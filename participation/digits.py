"""Numbers in the reader's own digits.

Persian and Pashto are written with their own digits (۰۱۲۳۴۵۶۷۸۹): CLDR's default numbering system
for both is "arabext". Babel knows which system a language uses but writes dates and numbers with
Latin digits whatever it is, and `%(num)d` in a message does the same. Here the digits of what
we show are changed for the languages whose default system is not Latin: the numbers put into
messages, and dates and times as filters format them. Only text a person reads: a number in an
attribute a script reads, a link or a code (a recovery code, say) is never changed.

No Flask here: the caller says which language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from babel import Locale, UnknownLocaleError

# The zero of each numbering system the app's languages, or likely next ones, use by default
# (CLDR numberingSystems.xml: the ten digits follow it in Unicode).
ZEROS = {
    "arab": "\u0660",  # Arabic-Indic
    "arabext": "\u06f0",  # Extended Arabic-Indic: Persian, Pashto, Urdu
    "beng": "\u09e6",  # Bengali
    "deva": "\u0966",  # Devanagari
    "mymr": "\u1040",  # Myanmar
}
# From each Latin digit (its code point) to the reader's own, for str.translate.
DigitTable = dict[int, int]
# A named placeholder: its name, its flags and width (if any), and its conversion.
PLACEHOLDER = re.compile(r"%\((\w+)\)([^a-zA-Z%]*)([a-zA-Z])")


@functools.cache
def table_for(language: str) -> DigitTable | None:
    """The translation table from Latin digits to `language`'s own, or None for Latin."""
    try:
        system = Locale.parse(language).default_numbering_system
    except (UnknownLocaleError, ValueError):
        return None
    zero = ZEROS.get(system)
    if zero is None:
        return None
    return str.maketrans("0123456789", "".join(chr(ord(zero) + n) for n in range(10)))


def localise(
    message: str, variables: Mapping[str, Any], table: DigitTable | None
) -> tuple[str, Mapping[str, Any]]:
    """The message and variables to format (`message % variables`), with the whole numbers among
    the variables in the table's digits.

    `%(name)d` becomes `%(name)s` so that the number can be given as text; other variables (a
    name, a code) are left as they are. The caller formats, so that a template's message can be
    made Markup first and its variables escaped."""
    if table is None or not variables:
        return message, variables
    found = PLACEHOLDER.findall(message)
    # Only a number written plainly (`%(n)d`, `%(n)s`): one with a width or flags is left in
    # Latin digits rather than lose its format.
    plain = {name for name, _flags, _kind in found} - {
        name for name, flags, kind in found if flags or kind not in "ds"
    }
    numbers = {
        name: str(value).translate(table)
        for name, value in variables.items()
        if name in plain and isinstance(value, int) and not isinstance(value, bool)
    }
    if not numbers:
        return message, variables
    as_text = PLACEHOLDER.sub(
        lambda m: f"%({m.group(1)})s" if m.group(1) in numbers else m.group(0), message
    )
    return as_text, {**variables, **numbers}
