"""Words as they are kept, whoever typed them and wherever: one set of rules.

- Control characters other than tab and new line never belong in what anyone writes: PostgreSQL
  refuses NUL outright, and the others print as boxes in a PDF (QA: a child's plan read
  "a▯b▯c" in the IRO's pack).
- Nor do the bidirectional embedding and override characters (U+202A to U+202E): they turn
  the words around them backwards ("abc" then RLO then "exe.txt" reads "abctxt.exe"), in the
  pack and beyond the child's own words (QA). Marks and isolates, which do no such thing, stay.
- Line ends are kept as "\\n", whatever the browser sent.
- Words in which nothing shows (spaces, zero-width and other invisible characters only) are no
  words at all: kept, they made a thing that looked empty and a blank entry in the pack (QA).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
# Characters that show nothing on their own: white space, and the zero-width, joining and
# direction marks, the soft hyphen and the fillers. (Joiners inside an emoji show it: only text
# made of nothing else is blank.)
_SHOWS_NOTHING = re.compile(
    "[\\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)


def without_controls(text: str) -> str:
    """``text`` with its line ends as "\\n" and no control characters but tab and new line."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def shows_nothing(text: str) -> bool:
    """True when nothing in ``text`` would show on the page."""
    return _SHOWS_NOTHING.sub("", text) == ""


def kept_line(text: str | None) -> str:
    """One line as stored (a name, an email): kept_words, with no line breaks or tabs either."""
    return kept_words(_LINE_BREAKS.sub("", text or ""))


def kept_words(text: str | None) -> str:
    """Words as stored: no control characters, trimmed, and "" when nothing in them shows."""
    cleaned = without_controls(text or "").strip()
    return "" if shows_nothing(cleaned) else cleaned
