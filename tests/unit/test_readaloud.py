"""The read-aloud service's own rules: text, voices, the cache's bounds."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from participation.readaloud import service

LISTING = """Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  ar              --/M      Arabic             sem/ar
 5  cy              --/M      Welsh              cel/cy
 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 5  en-us           --/M      English_(America)  gmw/en-US            (en 3)
"""


def test_the_voice_list_is_read_from_espeak_ng_s_columns():
    assert service.parse_voices(LISTING) == {"ar", "cy", "en-gb", "en-us"}
    assert service.parse_voices("") == frozenset()


def test_text_is_normalised_to_one_form():
    messy = "  Hello,\u00a0 Jay.\r\n\r\n\tMy   page \x07\n\u200bWhat [[do]] you think?  "
    assert service.normalise(messy) == "Hello, Jay.\nMy page\nWhat [ [do]] you think?"
    # Persian keeps its zero-width non-joiner; composed and decomposed letters are one text.
    wants = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want"
    assert service.normalise(wants) == wants
    assert service.normalise("Cafe\u0301") == service.normalise("Café")


def test_six_thousand_characters_pass_and_one_more_is_refused(monkeypatch, tmp_path):
    reached: list[int] = []

    def stop(binary, voice, words, wav):
        reached.append(len(words))
        raise service.ReadAloudError("failed", "stopped by the test")

    monkeypatch.setattr(service, "_run_espeak", stop)
    cache = service.Cache(tmp_path)
    with pytest.raises(service.ReadAloudError) as failed:
        service.speak("a" * service.MAX_CHARS, "en", cache)
    assert failed.value.code == "failed"
    assert reached == [6000]
    with pytest.raises(service.ReadAloudError) as refused:
        service.speak("a" * (service.MAX_CHARS + 1), "en", cache)
    assert refused.value.code == "too-long"
    assert reached == [6000]
    assert list(tmp_path.iterdir()) == []  # nothing half-made left behind


def _entry(folder: Path, name: str, size: int, age: float) -> Path:
    path = folder / name
    path.write_bytes(b"x" * size)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_the_cache_keeps_under_its_size_least_recently_used_out_first(tmp_path):
    oldest = _entry(tmp_path, "a.ogg", 400, age=300)
    middle = _entry(tmp_path, "b.ogg", 400, age=200)
    newest = _entry(tmp_path, "c.ogg", 400, age=100)
    assert service.prune(service.Cache(tmp_path, max_bytes=900)) == 1
    assert not oldest.exists()
    assert middle.exists() and newest.exists()
    # The entry just written is never the one removed, however old its neighbours think it is.
    assert service.prune(service.Cache(tmp_path, max_bytes=100), keep=middle) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.ogg"]


def test_the_cache_forgets_old_entries_and_crash_leftovers(tmp_path):
    old = _entry(tmp_path, "old.ogg", 10, age=40 * 24 * 3600)
    fresh = _entry(tmp_path, "fresh.ogg", 10, age=60)
    leftover = _entry(tmp_path, f"{service.TEMP_PREFIX}abc.ogg", 10, age=3600)
    writing = _entry(tmp_path, f"{service.TEMP_PREFIX}def.ogg", 10, age=5)
    assert service.prune(service.Cache(tmp_path)) == 2
    assert not old.exists() and not leftover.exists()
    assert fresh.exists() and writing.exists()


def test_the_file_name_depends_on_voice_words_format_and_secret():
    ogg, mp3 = service.FORMATS["ogg"], service.FORMATS["mp3"]
    key = service.cache_key(b"s", "en-gb", "Hello", ogg)
    assert key == service.cache_key(b"s", "en-gb", "Hello", ogg)
    others = {
        service.cache_key(b"t", "en-gb", "Hello", ogg),
        service.cache_key(b"s", "cy", "Hello", ogg),
        service.cache_key(b"s", "en-gb", "Hello!", ogg),
        service.cache_key(b"s", "en-gb", "Hello", mp3),
    }
    assert key not in others and len(others) == 4


def test_without_opus_or_mp3_encoders_the_audio_is_wav(monkeypatch, tmp_path):
    monkeypatch.setattr(service, "_encoders", {"libopus": False, "libmp3lame": False})
    assert service.usable_format("ogg").name == "wav"
    assert service.usable_format("mp3").name == "wav"
    audio = service.speak("Hello.", "en", service.Cache(tmp_path))
    assert audio.mimetype == "audio/wav"
    assert audio.path.read_bytes()[:4] == b"RIFF"
