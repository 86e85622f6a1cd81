"""What the accessibility statement says about how the service was tested, in one place.

The figures are the ones the browser tests measured on the day named here; the crawl test in
tests/browser/test_every_page.py fails if it reaches fewer pages than the statement claims, so
the statement cannot promise more than is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

# The day the statement was last checked against the test results.
STATEMENT_DATE = date(2026, 11, 24)
AXE_CORE_VERSION = "4.12.1"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
VIEWPORTS = ((810, 1080), (1080, 810), (360, 740))


@dataclass(frozen=True)
class Crawl:
    """Pages the browser test reached and checked, for one kind of user."""

    who: object  # a lazy string: the kind of user
    key: str  # the name the crawl test uses
    pages: int


# From the crawl's own list of pages visited (test-results/pages-visited.txt) on STATEMENT_DATE:
# each kind of page once per person (a route with its query names), at all three sizes.
CRAWLS: tuple[Crawl, ...] = (
    Crawl(_l("a child (their own pages, opened with their picture code)"), "child", 31),
    Crawl(_l("a keyworker"), "keyworker", 24),
    Crawl(_l("a social worker"), "social worker", 21),
    Crawl(_l("an Independent Reviewing Officer"), "IRO", 24),
    Crawl(_l("a manager"), "manager", 24),
    Crawl(_l("an administrator"), "admin", 30),
    Crawl(_l("someone signing in, before and after their password"), "signing in", 3),
    Crawl(_l("someone not signed in"), "visitor", 2),
)

KNOWN_ISSUES = (
    _l(
        "The Welsh, Arabic, Persian, Pashto, Tigrinya and Albanian translations were drafted "
        "without a fluent speaker and have not yet been checked by one. Some words may be "
        "wrong or hard to understand. An administrator can see each translation's state."
    ),
    _l(
        "Reading a page aloud uses the tablet's own voice. Where it has none for the language, "
        "the service makes the sound itself for English, Welsh, Arabic, Persian and Albanian, "
        "but it has no voice for Pashto or Tigrinya yet: it says so plainly."
    ),
    _l(
        "Videos that children record themselves have no captions or transcript. A child can "
        "add words beside a video, and staff can ask the child what it shows."
    ),
    _l(
        "The easier-to-read font covers languages written in Latin letters. Other scripts "
        "keep the usual font, with the extra spacing."
    ),
    _l(
        "The service has not yet been tested by disabled children or staff, or by a manual "
        "audit with screen readers. Automated tests cannot find every problem."
    ),
)
