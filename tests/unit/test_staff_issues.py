"""A staff account's email address: a local part no mail server takes is refused (QA: 300
characters before the "@" were accepted)."""

from __future__ import annotations

import pytest

from participation.admin.service import StaffValues, staff_issues


@pytest.mark.parametrize(
    ("email", "refused"),
    [
        ("kim@council.gov.uk", False),
        ("k" * 64 + "@council.gov.uk", False),
        ("k" * 65 + "@council.gov.uk", True),
        ("k" * 300 + "@council.gov.uk", True),
        ("no-at-sign.council.gov.uk", True),
    ],
)
def test_the_part_before_the_at_is_64_characters_at_most(email, refused):
    _clean, issues = staff_issues(StaffValues("Kim Keyworker", email, "keyworker"))
    assert ("email" in issues) is refused
