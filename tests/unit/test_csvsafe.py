"""Every CSV the app writes is safe to open in a spreadsheet: no cell runs as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from participation.csvsafe import csv_text, neutralise


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+SUM(A1:A2)", "'+SUM(A1:A2)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ('=HYPERLINK("http://example.org","x")', '\'=HYPERLINK("http://example.org","x")'),
        ("Dean Clarke", "Dean Clarke"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(cell, written):
    assert neutralise(cell) == written


def test_rows_are_quoted_csv_with_every_cell_neutralised():
    text = csv_text([["Name", "Note"], ["=1+1", 'He said "hi", then left'], ["Nan", "-"]])
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Name", "Note"], ["'=1+1", 'He said "hi", then left'], ["Nan", "'-"]]
