"""Words as kept (participation/text.py): one set of rules for everything anyone types."""

from __future__ import annotations

import pytest

from participation.text import kept_words, shows_nothing, without_controls


def test_control_characters_go_and_line_ends_become_new_lines():
    assert without_controls("a\x01b\x1bc\x0bd\x7fe\x00") == "abcde"
    assert without_controls("one\r\ntwo\rthree\tfour") == "one\ntwo\nthree\tfour"


@pytest.mark.parametrize(
    "blank", ["", "   ", "\u200b", "\u200b\u200c\u200d\ufeff", "\u2060 \u00ad", "\u202e", "\u3164"]
)
def test_words_in_which_nothing_shows_are_no_words(blank):
    assert shows_nothing(blank) and kept_words(blank) == ""


@pytest.mark.parametrize(
    "words", ["a", "👨\u200d👩\u200d👧", "مرحبا", "ሰላም", "I'm OK\u200b", "\u200bhi"]
)
def test_words_that_show_are_kept_trimmed(words):
    assert not shows_nothing(words)
    assert kept_words(f"  {words}\n") == words


def test_overrides_that_turn_words_around_go_and_marks_stay():
    assert kept_words("abc\u202eexe.txt") == "abcexe.txt"
    assert kept_words("\u202aa\u202bb\u202cc\u202dd") == "abcd"
    assert kept_words("مرحبا\u200f hello \u2067x\u2069") == "مرحبا\u200f hello \u2067x\u2069"


def test_a_line_keeps_no_breaks_or_tabs():
    from participation.text import kept_line

    assert kept_line(" Kim\tKey\r\nworker\u202e ") == "KimKeyworker"
    assert kept_line("\u200b\n") == ""
