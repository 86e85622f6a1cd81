"""Numbers in the reader's own digits: which languages, and what in a message changes."""

from __future__ import annotations

import pytest

from participation.digits import localise, table_for

PERSIAN = "".join(chr(0x06F0 + n) for n in range(10))  # zero to nine


@pytest.mark.parametrize("language", ["fa", "ps", "fa_IR"])
def test_persian_and_pashto_have_their_own_digits(language: str):
    table = table_for(language)
    assert table is not None
    assert "0123456789".translate(table) == PERSIAN


@pytest.mark.parametrize("language", ["en", "cy", "ar", "ti", "sq", "not-a-language", "None"])
def test_languages_written_with_latin_digits_are_left_alone(language: str):
    # CLDR's default for Arabic itself is Latin digits; Tigrinya, Welsh, Albanian too.
    assert table_for(language) is None


def persian(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", PERSIAN))


def fill(message: str, language: str = "fa", **variables: object) -> str:
    text, filled = localise(message, variables, table_for(language))
    return text % filled


def test_the_numbers_in_a_message_are_written_in_the_readers_digits():
    assert (
        fill("%(done)d of %(total)d chosen", done=2, total=10)
        == f"{persian(2)} of {persian(10)} chosen"
    )
    assert fill("In %(num)s days", num=12) == f"In {persian(12)} days"


def test_what_is_not_a_plain_whole_number_is_left_as_it_is():
    # A code or a name with digits in it, a flag, a number with a width, a percent sign.
    assert fill("Code %(code)s", code="abcd-1234") == "Code abcd-1234"
    assert fill("%(yes)s", yes=True) == "True"
    assert fill("Photo %(n)03d", n=7) == "Photo 007"
    assert fill("%(n)d%% done", n=5) == f"{persian(5)}% done"
    # The same name once plainly and once with a width: kept in Latin digits in both.
    assert fill("%(n)d / %(n)02d", n=3) == "3 / 03"


def test_in_english_nothing_changes():
    assert fill("%(done)d of %(total)d chosen", "en", done=2, total=10) == "2 of 10 chosen"
    text, variables = localise("%(n)d", {"n": 1}, None)
    assert (text, variables) == ("%(n)d", {"n": 1})
