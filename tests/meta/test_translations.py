"""Every string in every language: the template is up to date with the code, and each catalog
translates every entry, with nothing fuzzy and every placeholder kept. `make translations`
updates the catalogs after strings change; then each new entry needs its translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from participation import catalogs
from participation.config import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "translations"
TRANSLATED = [code for code in LANGUAGES if code != catalogs.SOURCE_LANGUAGE]


def _ids(path: Path) -> set[tuple[str | None, str]]:
    catalog = catalogs.read_catalog(path)
    return {
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog
        if message.id
    }


def test_the_template_has_every_string_in_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    keywords = ["-k", "_l", "-k", "lazy_gettext"]  # as `flask translate update` extracts
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", *keywords, "-o", str(fresh), "."],
        cwd=ROOT,
        check=True,
    )
    missing = _ids(fresh) - _ids(FOLDER / "messages.pot")
    assert not missing, f"run `make translations`: {sorted(missing, key=str)[:10]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_entry_is_translated(code: str) -> None:
    po = FOLDER / code / "LC_MESSAGES" / "messages.po"
    assert po.exists(), f"no catalog for {code}"
    catalog = catalogs.read_catalog(po, code)
    expected = _ids(FOLDER / "messages.pot")
    assert expected <= _ids(po), f"{code}: run `make translations`"
    untranslated = [m.id for m in catalog if m.id and not catalogs.is_translated(m)]
    assert untranslated == [], f"{code}: {len(untranslated)} missing or fuzzy: {untranslated[:5]}"
    problems = [(m.id, errors) for m, errors in catalog.check() if errors]
    assert problems == [], f"{code}: placeholders differ: {problems[:5]}"


def test_every_language_says_whether_a_fluent_speaker_reviewed_it() -> None:
    review = catalogs.reviews(FOLDER)
    assert set(review) == set(TRANSLATED)
    for code, about in review.items():
        assert isinstance(about.get("reviewed_by_fluent_speaker"), bool), code
        if about["reviewed_by_fluent_speaker"]:
            assert about.get("reviewer"), f"{code}: a review names who reviewed it, and when"
        else:
            assert about.get("drafted"), f"{code}: say how it was drafted"
