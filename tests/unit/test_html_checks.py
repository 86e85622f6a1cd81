"""The page checks every test relies on must themselves catch what they claim to."""

from __future__ import annotations

from tests.support.html_checks import page_problems

GOOD = """<!doctype html><html lang="en" dir="ltr"><head><meta name="viewport"
content="width=device-width, initial-scale=1"><title>Hello - My Review</title></head><body>
<h1>Hello</h1><label for="a">Name</label><input id="a" name="a"></body></html>"""


def test_a_good_page_passes():
    assert page_problems(GOOD) == []


def test_each_fault_is_caught():
    faults = {
        "two h1": GOOD.replace("<h1>Hello</h1>", "<h1>Hello</h1><h1>Again</h1>"),
        "title": GOOD.replace("<title>Hello", "<title>Other"),
        "lang": GOOD.replace(' lang="en"', ""),
        "dir": GOOD.replace(' dir="ltr"', ""),
        "unclosed": GOOD.replace("</h1>", ""),
        "duplicate id": GOOD.replace('<input id="a"', '<input id="a"><span id="a"></span><i'),
        "label": GOOD.replace('<label for="a">Name</label>', ""),
        "placeholder only": GOOD.replace('<label for="a">Name</label>', "").replace(
            "<input", '<input placeholder="Name"'
        ),
        "script": GOOD.replace("</body>", "<script src=x></script></body>"),
        "handler": GOOD.replace("<h1>", '<h1 onclick="x()">'),
        "style": GOOD.replace("<h1>", '<h1 style="color:red">'),
        "zoom": GOOD.replace("initial-scale=1", "initial-scale=1, maximum-scale=1"),
        "haspopup": GOOD.replace("<h1>", '<h1 aria-haspopup="true">'),
    }
    for name, html in faults.items():
        assert page_problems(html), name
