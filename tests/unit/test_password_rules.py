"""The rules for a new staff password (accounts.service.check_password_rules): long enough, no
composition rules, but not one of the first choices anyone would try, not the account's email,
and not the password it has now."""

from __future__ import annotations

import pytest

from participation.accounts.passwords import hash_password
from participation.accounts.service import PasswordRefused, check_password_rules

EMAIL = "priya.shah@example.org"


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "my-review-demo",
        "Willow House 4 tea & toast",
        "x7$kQ!m2pL9#",
        "839201746532",  # digits, not a run
        "summer in the hills of wales",  # a common word among others
    ],
)
def test_long_enough_and_not_an_obvious_guess_is_taken(password):
    check_password_rules(password, email=EMAIL)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "too-short"),
        ("x" * 1025, "too-long"),
        ("aaaaaaaaaaaa", "too-simple"),
        ("123456789012", "too-simple"),
        ("210987654321", "too-simple"),
        ("abcdefghijkl", "too-simple"),
        ("abababababab", "too-simple"),
        ("123412341234", "too-simple"),
        ("password1234", "too-simple"),
        ("Passw0rd!!!!2026", "too-simple"),
        ("passwordpassword", "too-simple"),
        ("qwertyuiop12", "too-simple"),
        ("priya.shah@example.org", "like-email"),
        ("I am priya.shah!", "like-email"),
    ],
)
def test_an_obvious_guess_is_refused_with_its_reason(password, code):
    with pytest.raises(PasswordRefused) as refused:
        check_password_rules(password, email=EMAIL)
    assert refused.value.code == code


def test_the_password_there_is_now_is_not_a_new_one():
    now = hash_password("a perfectly good phrase")
    with pytest.raises(PasswordRefused) as refused:
        check_password_rules("a perfectly good phrase", email=EMAIL, current_hash=now)
    assert refused.value.code == "same-as-before"
    check_password_rules("another good phrase here", email=EMAIL, current_hash=now)
