"""How complete each translation catalog is, and whether a fluent speaker has reviewed it: for
the administration page and for the test that fails on a missing or fuzzy entry.

The counts come from the catalogs themselves (translations/<code>/LC_MESSAGES/messages.po);
the review record is translations/reviews.toml, written by people, never inferred.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class CatalogStatus:
    code: str
    name: str
    direction: str
    total: int
    translated: int
    fuzzy: int
    problems: int  # placeholders that do not match the English, and other format errors
    compiled: bool
    reviewed: bool
    review_note: str

    @property
    def missing(self) -> int:
        return self.total - self.translated

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else int(100 * self.translated / self.total)

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.fuzzy == 0 and self.problems == 0


def is_translated(message: Message) -> bool:
    if message.fuzzy:
        return False
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@lru_cache(maxsize=32)
def _counts(path: Path, stamp: float, code: str) -> tuple[int, int, int, int]:
    catalog = read_catalog(path, code)
    messages = [m for m in catalog if m.id]
    problems = sum(1 for _message, errors in catalog.check() if errors)
    return (
        len(messages),
        sum(is_translated(m) for m in messages),
        sum(bool(m.fuzzy) for m in messages),
        problems,
    )


def reviews(folder: Path) -> dict[str, dict[str, object]]:
    path = folder / "reviews.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def status(folder: Path, languages: dict[str, tuple[str, str]]) -> list[CatalogStatus]:
    """One row per language the app knows, English (the source) first."""
    review = reviews(folder)
    rows = []
    for code, (name, direction) in languages.items():
        po = folder / code / "LC_MESSAGES" / "messages.po"
        compiled = (folder / code / "LC_MESSAGES" / "messages.mo").exists()
        if code == SOURCE_LANGUAGE:
            total = _counts(
                folder / "messages.pot", (folder / "messages.pot").stat().st_mtime, code
            )[0]
            rows.append(CatalogStatus(code, name, direction, total, total, 0, 0, True, True, ""))
            continue
        total, translated, fuzzy, problems = (
            _counts(po, po.stat().st_mtime, code) if po.exists() else (0, 0, 0, 0)
        )
        about = review.get(code, {})
        rows.append(
            CatalogStatus(
                code,
                name,
                direction,
                total,
                translated,
                fuzzy,
                problems,
                compiled,
                bool(about.get("reviewed_by_fluent_speaker", False)),
                str(about.get("drafted", about.get("reviewer", ""))),
            )
        )
    return rows
