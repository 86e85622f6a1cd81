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


# Physical left/right in a style sheet does not mirror in Arabic, Farsi or Pashto: use the logical
# properties (margin-inline-start, inset-inline-end, text-align: start, float: inline-start...).
PHYSICAL = re.compile(
    r"[{;]\s*(?:(?:margin|padding|border|scroll-margin|scroll-padding)-(?:left|right)[\w-]*"
    r"|border-(?:top|bottom)-(?:left|right)-radius|left|right)\s*:"
    r"|[{;]\s*(?:float|clear|text-align)\s*:\s*(?:left|right)\b"
)
# A four-value margin, padding or inset whose right and left differ is physical too.
VALUE = r"([^;}\s]+)"
FOUR_SIDES = re.compile(
    r"(?<![\w-])(margin|padding|inset)\s*:\s*" + r"\s+".join([VALUE] * 4) + r"\s*(?=[;}!])"
)


@pytest.mark.parametrize("path", CSS, ids=lambda p: p.name)
def test_only_logical_properties_so_right_to_left_mirrors(path: Path) -> None:
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    physical = [m.group(0) for m in PHYSICAL.finditer(css)]
    lopsided = [m.group(0) for m in FOUR_SIDES.finditer(css) if m.group(3) != m.group(5)]
    assert physical + lopsided == []


@pytest.mark.parametrize(
    "rule",
    [
        "a { margin-left: 1rem; }",
        "a { padding-right: 0; }",
        "a { border-left-width: 2px; }",
        "a { border-top-right-radius: 1rem; }",
        "a { position: absolute; left: 0; }",
        "a { right:0 }",
        "a { float: right; }",
        "a { text-align: left; }",
        "a { margin: 0 1rem 0 2rem; }",
    ],
)
def test_the_logical_properties_check_sees_physical_ones(rule: str) -> None:
    found = list(PHYSICAL.finditer(rule)) + [
        m for m in FOUR_SIDES.finditer(rule) if m.group(3) != m.group(5)
    ]
    assert found, rule


@pytest.mark.parametrize(
    "rule",
    [
        "a { margin-inline-start: 1rem; inset-inline-end: 0; text-align: start; }",
        ".left:hover, .right::after { float: inline-start; }",
        "a { padding: 0.5rem 1rem 0; margin: 0 0 1.5rem; inset: 0; }",
        "a { margin: 1rem 2rem 3rem 2rem; border-inline-start: 0.4rem solid; }",
    ],
)
def test_the_logical_properties_check_leaves_logical_ones(rule: str) -> None:
    assert not PHYSICAL.search(rule), rule
    assert all(m.group(3) == m.group(5) for m in FOUR_SIDES.finditer(rule)), rule
