"""What axe cannot see in our style sheets (the faults of the council page in ../shared/seeds)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = sorted((Path(__file__).parents[2] / "static" / "css").glob("*.css"))


@pytest.mark.parametrize("path", CSS, ids=lambda p: p.name)
def test_font_sizes_are_relative(path: Path) -> None:
    # Absolute units stop the reader's own text size from working.
    absolute = re.findall(r"font(?:-size)?\s*:[^;]*\d(?:px|pt)\b", path.read_text())
    assert absolute == []


@pytest.mark.parametrize("path", CSS, ids=lambda p: p.name)
def test_no_text_is_inserted_by_css(path: Path) -> None:
    # Text in ::before/::after is invisible to some screen readers and cannot be translated.
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    inserted = [
        m.group(0)
        for m in re.finditer(r"::?(?:before|after)[^{]*\{[^}]*content\s*:\s*([^;}]*)", css)
        if m.group(1).strip() not in ('""', "''", "none")
    ]
    assert inserted == []


def test_there_are_style_sheets_to_check() -> None:
    assert CSS, "no CSS found: the checks above would pass vacuously"
