"""POST /me/read-aloud: a child page's words as audio made by the real espeak-ng (installed by
scripts/install-system-deps.sh), cached, or a plain message when the language has no voice."""

from __future__ import annotations

import io
import json
import os
import re
import time
from pathlib import Path

import av
import pytest

from participation.models import Item, ItemKind
from participation.readaloud import service
from tests.conftest import csrf_from
from tests.support.child_fixtures import CODE

# What Debian's espeak-ng (1.51, bookworm) has for our languages: no Pashto, no Tigrinya.
WITH_VOICE = ["en", "cy", "ar", "fa", "sq"]
WITHOUT_VOICE = ["ps", "ti"]
WORDS = {
    "en": "Hello, Jay.\nMy meeting\nWho would you like to come to your meeting?",
    "cy": "Helo, Jay. Pwy hoffet ti ddod i dy gyfarfod?",
    "ar": "مرحبا. من تريد أن يحضر اجتماعك؟",
    "fa": "سلام. دوست داری چه کسی به جلسه‌ات بیاید؟",
    "sq": "Përshëndetje. Kë do të doje të vinte në takimin tënd?",
    "ps": "سلام. څوک غواړې چې ستا غونډې ته راشي؟",
    "ti": "ሰላም። ናብ ኣኼባኻ መን ክመጽእ ትደሊ?",
}
NAMES = {
    "en": ("English", "ltr"),
    "cy": ("Cymraeg", "ltr"),
    "ar": ("العربية", "rtl"),
    "fa": ("فارسی", "rtl"),
    "ps": ("پښتو", "rtl"),
    "ti": ("ትግርኛ", "ltr"),
    "sq": ("Shqip", "ltr"),
}
NO_VOICE = (
    "There is no reading voice for this language yet. Ask the adult with you to read it to you."
)


@pytest.fixture
def cache(app, monkeypatch, tmp_path) -> Path:
    """A fresh, empty cache folder for this test."""
    folder = tmp_path / "read-aloud"
    monkeypatch.setitem(app.config, "READ_ALOUD_CACHE", str(folder))
    return folder


@pytest.fixture
def every_language(app, monkeypatch):
    """Offer all seven languages, compiled catalog or not (the page's lang is what counts)."""
    for code, about in NAMES.items():
        monkeypatch.setitem(app.config["LANGUAGES"], code, about)


@pytest.fixture
def child_tablet(tablet, keyworker, mia_with_code):
    tablet.hand_over(keyworker, mia_with_code)
    tablet.tap(CODE)
    return tablet


@pytest.fixture
def espeak_runs(monkeypatch) -> list[str]:
    """Count the times espeak-ng really runs (it still runs: this only watches)."""
    runs: list[str] = []
    real = service._run_espeak

    def watched(binary, voice, words, wav):
        runs.append(voice)
        return real(binary, voice, words, wav)

    monkeypatch.setattr(service, "_run_espeak", watched)
    return runs


def read_aloud(client, text: str, **extra: str):
    """Post as child.js does: the form fields, the CSRF token in the X-CSRFToken header."""
    token = csrf_from(client.get("/me").text)
    return client.post(
        "/me/read-aloud", data={"text": text, **extra}, headers={"X-CSRFToken": token}
    )


def decoded(body: bytes) -> tuple[str, float]:
    """The audio codec and duration in seconds, as a player would read them."""
    with av.open(io.BytesIO(body)) as container:
        stream = container.streams.audio[0]
        frames = list(container.decode(stream))
        seconds = sum(frame.samples for frame in frames) / stream.codec_context.sample_rate
        return stream.codec_context.name, seconds


def test_the_voices_offered_are_those_espeak_ng_really_has():
    service.forget_voices()
    assert service.languages_with_voice(list(NAMES)) == WITH_VOICE
    assert service.voice_for("en") == "en-gb"
    for code in WITHOUT_VOICE:
        assert service.voice_for(code) is None


def test_an_english_page_comes_back_as_opus_audio(client, child_tablet, cache):
    response = read_aloud(client, WORDS["en"])
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data.startswith(b"OggS")
    codec, seconds = decoded(response.data)
    assert codec == "opus"
    assert seconds > 2
    assert len(response.data) < 30_000  # about 5 seconds of speech, compact


@pytest.mark.parametrize("language", WITH_VOICE)
def test_each_language_with_a_voice_is_read_in_it(
    client, child_tablet, cache, every_language, espeak_runs, language
):
    client.set_cookie("lang", language)
    assert f'lang="{language}"' in client.get("/me").text
    response = read_aloud(client, WORDS[language])
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert decoded(response.data)[1] > 1
    assert espeak_runs == [service.voice_for(language)]


def test_browsers_without_ogg_opus_get_mp3(client, child_tablet, cache):
    response = read_aloud(client, WORDS["en"], format="mp3")
    assert response.status_code == 200
    assert response.mimetype == "audio/mpeg"
    assert decoded(response.data)[0].startswith("mp3")  # the decoder is "mp3float"
    # A format the app does not know gets the usual one, not an error.
    assert read_aloud(client, WORDS["en"], format="exe").mimetype == "audio/ogg"


def test_the_same_words_again_come_from_the_cache(client, child_tablet, cache, espeak_runs):
    first = read_aloud(client, WORDS["en"])
    files = list(cache.iterdir())
    assert len(files) == 1
    inode = files[0].stat().st_ino
    # The same words with other spacing are the same words.
    second = read_aloud(
        client, "  Hello,   Jay.\n\n My meeting \nWho would you like to come to your meeting?  "
    )
    assert second.status_code == 200
    assert second.data == first.data
    assert espeak_runs == ["en-gb"]  # espeak-ng ran once
    assert [f.stat().st_ino for f in cache.iterdir()] == [inode]  # the very same file
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    # The file name reveals nothing of the words, nor whose page it was (a keyed tag).
    owner, key = files[0].stem.split("-")
    assert files[0].name.endswith(".ogg") and len(key) == 64 and len(owner) == 16


@pytest.mark.parametrize("language", WITHOUT_VOICE)
def test_a_language_without_a_voice_gets_a_plain_message(
    client, child_tablet, cache, every_language, espeak_runs, language
):
    from flask_babel import force_locale, gettext

    client.set_cookie("lang", language)
    response = read_aloud(client, WORDS[language])
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    with client.application.test_request_context(), force_locale(language):
        in_their_language = gettext(NO_VOICE)  # the English words when there is no catalog
    assert response.get_json() == {"available": False, "message": in_their_language}
    assert espeak_runs == []
    assert not cache.exists()


def test_the_page_carries_the_messages_and_a_status_region(client, child_tablet):
    page = client.get("/me").text
    assert 'data-url="/me/read-aloud"' in page
    assert f'data-no-voice="{NO_VOICE}"' in page
    assert '<p class="read-aloud-status" role="status"></p>' in page


def test_too_long_a_text_is_refused_clearly(client, child_tablet, cache, espeak_runs):
    response = read_aloud(client, "word " * 1500)  # 7,500 characters
    assert response.status_code == 413
    assert response.get_json() == {
        "available": True,
        "message": "This is too long to read aloud in one go. Try a shorter part.",
    }
    assert espeak_runs == []


def test_no_words_are_refused_clearly(client, child_tablet, cache):
    response = read_aloud(client, " \n\t ")
    assert response.status_code == 400
    assert response.get_json()["message"] == "There are no words here to read."


@pytest.mark.parametrize(
    "text",
    [
        "-w /tmp/evil.wav --compile=en -x",
        "--stdout; touch {marker}",
        "$(touch {marker}) `touch {marker}` | touch {marker} && touch {marker} > {marker}",
        "[[h@l'oU]] <speak><audio src='file:///etc/passwd'/></speak> %s %n \\x00",
    ],
)
def test_hostile_text_is_spoken_not_run(client, child_tablet, cache, tmp_path, text):
    marker = tmp_path / "ran"
    response = read_aloud(client, text.replace("{marker}", str(marker)))
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert decoded(response.data)[1] > 1  # the words were read out
    assert not marker.exists()
    assert not Path("/tmp/evil.wav").exists()


def test_staff_and_nobody_get_a_404(client, auth, keyworker, cache):
    token = csrf_from(client.get("/sign-in").text)
    nobody = client.post("/me/read-aloud", data={"text": "hi"}, headers={"X-CSRFToken": token})
    assert nobody.status_code == 404
    auth.sign_in(keyworker)
    token = csrf_from(client.get("/accessibility").text)
    staff = client.post("/me/read-aloud", data={"text": "hi"}, headers={"X-CSRFToken": token})
    assert staff.status_code == 404
    assert not cache.exists()


def test_the_picture_code_page_can_be_read_aloud(client, child_tablet, cache):
    """A locked space still reads aloud: the picture-code page tells a child who cannot read
    what to tap. (Nothing else of the space opens: tests/integration/child.)"""
    child_tablet.post("/me/lock")
    page = client.get("/me/unlock").text
    assert "Read this page to me" in page and "How my pages look" not in page
    token = csrf_from(page)
    response = client.post("/me/read-aloud", data={"text": "hi"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.mimetype == "audio/ogg"
    assert client.get("/me").headers["Location"].startswith("/me/unlock")


def test_without_the_csrf_token_nothing_is_made(client, child_tablet, cache):
    response = client.post("/me/read-aloud", data={"text": "hi"})
    assert response.status_code == 400
    assert not cache.exists()


def test_many_requests_from_one_session_are_throttled(
    app, client, child_tablet, cache, monkeypatch
):
    monkeypatch.setitem(app.config, "READ_ALOUD_LIMIT", "2 per minute")
    assert read_aloud(client, "One.").status_code == 200
    assert read_aloud(client, "Two.").status_code == 200
    assert read_aloud(client, "Three.").status_code == 429


def test_without_espeak_ng_the_plain_message_is_given(
    app, client, child_tablet, cache, monkeypatch
):
    monkeypatch.setitem(app.config, "ESPEAK_NG", "no-such-espeak-ng")
    response = read_aloud(client, WORDS["en"])
    assert response.status_code == 404
    assert json.loads(response.data)["available"] is False


def test_deleting_a_thing_forgets_the_audio_of_the_childs_pages(
    client, child_tablet, cache, session, mia_with_code
):
    """The audio of a page can hold the child's words: when they delete something, the audio of
    their pages goes too (other entries stay). A child's audio is kept a day at most anyway."""
    item = Item(child_id=mia_with_code.id, topic="school", kind=ItemKind.TEXT, text="My secret.")
    session.add(item)
    session.commit()
    assert read_aloud(client, f"My secret. {WORDS['en']}").status_code == 200
    # An entry of no child's (made before owners were kept apart) stays.
    (cache / f"{'0' * 64}.ogg").write_bytes(b"audio")
    confirm = client.get(f"/me/views/items/{item.public_id}/delete").text
    version = re.search(r'name="version"[^>]*value="([^"]+)"', confirm)[1]
    deleted = client.post(
        f"/me/views/items/{item.public_id}/delete",
        data={"csrf_token": csrf_from(confirm), "version": version},
    )
    assert deleted.status_code == 302
    assert [f.name for f in cache.iterdir()] == ["0" * 64 + ".ogg"]


def test_a_childs_audio_is_pruned_after_a_day(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    childs, other = folder / f"{'a' * 16}-{'b' * 64}.ogg", folder / f"{'c' * 64}.ogg"
    for path in (childs, other):
        path.write_bytes(b"audio")
        two_days_ago = time.time() - 2 * 24 * 3600
        os.utime(path, (two_days_ago, two_days_ago))
    assert service.prune(service.Cache(folder)) == 1
    assert [f.name for f in folder.iterdir()] == [other.name]
