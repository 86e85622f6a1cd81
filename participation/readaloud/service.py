"""Speech made on the server with espeak-ng, encoded compactly and cached on disk.

Plain values in, a file path out: nothing here knows about requests. The route decides the
language (the page's) and the cache folder (the instance folder's) and passes them in.

- Which of our languages have a voice is asked of `espeak-ng --voices` once per process; a
  language is offered only if that list really has it (on Debian's espeak-ng 1.51: English, Welsh,
  Arabic, Persian and Albanian; not Pashto or Tigrinya).
- espeak-ng is run with an argument list (never a shell), the text on stdin (so text starting
  with "-" is words, not options) and a timeout.
- The WAV it writes is encoded with PyAV: Opus in Ogg when the build has the encoder, MP3 for
  browsers that cannot play Ogg Opus, WAV only when neither encoder exists.
- The cache is a flat folder of files named by a SHA-256 of (secret, voice, text, settings),
  written to a temp name, fsynced and renamed; it is kept under a size and an age, least
  recently used first out. The files can hold a child's own words: owner-only permissions.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import av

log = logging.getLogger(__name__)

MAX_CHARS: Final = 6000
ESPEAK: Final = "espeak-ng"
ESPEAK_TIMEOUT_SECONDS: Final = 60
# Words per minute (espeak-ng's default is 175: a little slower for children), and lines shorter
# than this many characters end a clause, so headings and button labels get a pause.
SPEED_WPM: Final = 150
LINE_BREAK_CHARS: Final = 10000
# Bump when the way audio is made changes, so old cache entries are not served.
CACHE_VERSION: Final = 1
TEMP_PREFIX: Final = ".tmp-"
# A temp file older than this was left by a crash, not by a request still writing it.
STALE_TEMP_SECONDS: Final = 15 * 60

# Our language codes -> espeak-ng languages to try, best first. A code not listed tries itself.
# Pashto (ps) and Tigrinya (ti) have no espeak-ng voice; Amharic shares Tigrinya's script but is
# another language, so it is deliberately not offered for it.
VOICE_CANDIDATES: Final[dict[str, tuple[str, ...]]] = {
    "en": ("en-gb", "en", "en-us"),
}


@dataclass(frozen=True)
class AudioFormat:
    name: str
    extension: str
    mimetype: str
    container: str
    codec: str
    sample_rate: int
    bit_rate: int
    options: tuple[tuple[str, str], ...] = ()


FORMATS: Final[dict[str, AudioFormat]] = {
    # Opus at 16 kbit/s mono is clear for synthetic speech and the smallest of the three. The
    # lowest encoder complexity measured the fastest here and, at this rate, no bigger (about
    # 2 KB a second of speech; 0.25 s of CPU for a minute).
    "ogg": AudioFormat(
        "ogg", "ogg", "audio/ogg", "ogg", "libopus", 24000, 16000, (("compression_level", "0"),)
    ),
    # For browsers without Ogg Opus (older Safari on iPads): about 4 KB a second.
    "mp3": AudioFormat("mp3", "mp3", "audio/mpeg", "mp3", "libmp3lame", 22050, 32000),
    # No encoding at all: only when the PyAV build has neither encoder (about 44 KB a second).
    "wav": AudioFormat("wav", "wav", "audio/wav", "wav", "pcm_s16le", 22050, 0),
}
DEFAULT_FORMAT: Final = "ogg"


class ReadAloudError(Exception):
    """Audio cannot be made. `code`: empty, too-long, no-voice or failed."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclass(frozen=True)
class Audio:
    path: Path
    mimetype: str
    from_cache: bool


# --- Voices -------------------------------------------------------------------------------

_voices_lock = threading.Lock()
_voices: dict[str, frozenset[str]] = {}


def installed_voices(binary: str = ESPEAK) -> frozenset[str]:
    """The languages espeak-ng says it has (asked once per process; empty if it is missing)."""
    with _voices_lock:
        if binary not in _voices:
            _voices[binary] = _ask_for_voices(binary)
        return _voices[binary]


def forget_voices() -> None:
    """Ask espeak-ng again next time (tests; an upgrade without a restart)."""
    with _voices_lock:
        _voices.clear()


def _ask_for_voices(binary: str) -> frozenset[str]:
    path = shutil.which(binary)
    if path is None:
        log.warning("%s is not installed: no read-aloud audio from the server", binary)
        return frozenset()
    try:
        listing = subprocess.run(
            [path, "--voices"],
            capture_output=True,
            check=True,
            timeout=ESPEAK_TIMEOUT_SECONDS,
            stdin=subprocess.DEVNULL,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("%s --voices failed: %s", binary, error)
        return frozenset()
    return parse_voices(listing)


def parse_voices(listing: str) -> frozenset[str]:
    """The language column of `espeak-ng --voices` (after the header line)."""
    found = set()
    for line in listing.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 2:
            found.add(fields[1].lower())
    return frozenset(found)


def voice_for(language: str, binary: str = ESPEAK) -> str | None:
    """The espeak-ng voice for one of our language codes, or None when there is none."""
    installed = installed_voices(binary)
    for candidate in VOICE_CANDIDATES.get(language, (language,)):
        if candidate in installed:
            return candidate
    return None


def languages_with_voice(languages: list[str], binary: str = ESPEAK) -> list[str]:
    return [code for code in languages if voice_for(code, binary)]


# --- Text ---------------------------------------------------------------------------------

_SPACES = re.compile(r"[^\S\n]+")
_LINES = re.compile(r"\s*\n\s*")


_JOINERS = frozenset("\u200c\u200d")  # they shape Persian and Arabic words: kept


def _clean(ch: str) -> str:
    category = unicodedata.category(ch)
    if ch == "\n" or ch in _JOINERS or category[0] != "C":
        return ch
    return "" if category == "Cf" else " "  # invisible formatting goes; controls are spaces


def normalise(text: str) -> str:
    """One form of the words to speak: NFC, no control characters, single spaces, one line per
    line of the page, no blank lines. espeak-ng's phoneme input ("[[...]]") is broken up, so
    whatever the text holds is read as words."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(_clean(ch) for ch in text)
    text = _SPACES.sub(" ", text)
    text = _LINES.sub("\n", text).strip()
    return text.replace("[[", "[ [")


# --- Speaking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cache:
    """Where audio is kept and for how long. `secret` keys the file names."""

    folder: Path
    max_bytes: int = 200 * 1024 * 1024
    max_age_seconds: int = 30 * 24 * 3600
    secret: bytes = b""
    # A child's own pages hold their words: their audio is kept a day at most, and forgotten at
    # once when the child deletes something (forget_owner).
    owner_max_age_seconds: int = 24 * 3600


# An owner's entries are named "<owner tag>-<key>.<ext>"; other entries "<key>.<ext>".
OWNER_SEPARATOR: Final = "-"


def speak(
    text: str,
    language: str,
    cache: Cache,
    *,
    audio_format: str = DEFAULT_FORMAT,
    binary: str = ESPEAK,
    owner: str = "",
) -> Audio:
    """The audio of `text` read in `language`: from the cache, or made now and cached (under
    `owner`, a tag of the child whose page it is, so that it can be forgotten with them).

    Raises ReadAloudError: "empty", "too-long" (over MAX_CHARS once normalised), "no-voice"
    (espeak-ng has none for the language), "failed" (espeak-ng or the encoder failed)."""
    words = normalise(text)
    if not words:
        raise ReadAloudError("empty")
    if len(words) > MAX_CHARS:
        raise ReadAloudError("too-long", f"{len(words)} characters")
    voice = voice_for(language, binary)
    if voice is None:
        raise ReadAloudError("no-voice", language)
    chosen = usable_format(audio_format)
    name = cache_key(cache.secret, voice, words, chosen)
    if owner:
        name = f"{owner}{OWNER_SEPARATOR}{name}"
    target = cache.folder / f"{name}.{chosen.extension}"
    with contextlib.suppress(FileNotFoundError):
        os.utime(target)  # most recently used: pruned last
        return Audio(target, chosen.mimetype, from_cache=True)
    cache.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix="read-aloud-") as work:
        wav = Path(work, "speech.wav")
        _run_espeak(binary, voice, words, wav)
        _encode_atomically(wav, target, chosen)
    prune(cache, keep=target)
    return Audio(target, chosen.mimetype, from_cache=False)


def cache_key(secret: bytes, voice: str, words: str, fmt: AudioFormat) -> str:
    settings = [CACHE_VERSION, voice, SPEED_WPM, LINE_BREAK_CHARS, fmt]
    digest = hashlib.sha256(secret)
    digest.update(json.dumps([settings, words], ensure_ascii=False, default=repr).encode())
    return digest.hexdigest()


_encoders: dict[str, bool] = {}


def usable_format(name: str) -> AudioFormat:
    """`name` if this PyAV build can encode it, else the next that it can (WAV always)."""
    order = [name, DEFAULT_FORMAT, "mp3", "wav"] if name in FORMATS else [DEFAULT_FORMAT, "wav"]
    for candidate in order:
        fmt = FORMATS[candidate]
        if fmt.codec not in _encoders:
            try:
                av.Codec(fmt.codec, "w")
            except Exception:  # any failure means "not in this build"
                _encoders[fmt.codec] = False
            else:
                _encoders[fmt.codec] = True
        if _encoders[fmt.codec]:
            return fmt
    return FORMATS["wav"]


def _run_espeak(binary: str, voice: str, words: str, wav: Path) -> None:
    path = shutil.which(binary)
    if path is None:
        raise ReadAloudError("failed", f"{binary} is not installed")
    command = [
        path,
        "-v",
        voice,
        "-s",
        str(SPEED_WPM),
        "-l",
        str(LINE_BREAK_CHARS),
        "-b",
        "1",  # the input is UTF-8
        "-w",
        str(wav),
        "--stdin",  # the words come on stdin, never as arguments
    ]
    try:
        subprocess.run(
            command,
            input=words.encode("utf-8"),
            capture_output=True,
            check=True,
            timeout=ESPEAK_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as error:
        raise ReadAloudError("failed", "espeak-ng took too long") from error
    except (OSError, subprocess.CalledProcessError) as error:
        raise ReadAloudError("failed", f"espeak-ng: {error}") from error
    if not wav.exists() or wav.stat().st_size <= 44:  # a WAV header and no sound
        raise ReadAloudError("failed", "espeak-ng made no sound")


def _encode_atomically(wav: Path, target: Path, fmt: AudioFormat) -> None:
    handle, temp_name = tempfile.mkstemp(
        prefix=TEMP_PREFIX, suffix=f".{fmt.extension}", dir=target.parent
    )
    os.close(handle)
    temp = Path(temp_name)
    try:
        if fmt.name == "wav":
            shutil.copyfile(wav, temp)
        else:
            _encode(wav, temp, fmt)
        with temp.open("rb") as written:
            os.fsync(written.fileno())
        temp.chmod(0o600)
        os.replace(temp, target)
    except av.FFmpegError as error:
        raise ReadAloudError("failed", f"encoding: {error}") from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _encode(wav: Path, destination: Path, fmt: AudioFormat) -> None:
    with av.open(str(wav)) as source, av.open(str(destination), "w", format=fmt.container) as out:
        stream: Any = out.add_stream(
            fmt.codec, rate=fmt.sample_rate, layout="mono", options=dict(fmt.options)
        )
        stream.bit_rate = fmt.bit_rate
        for frame in source.decode(audio=0):
            frame.pts = None  # the encoder resamples and re-times
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def prune(cache: Cache, keep: Path | None = None) -> int:
    """Remove entries older than the age limit, then the least recently used until the folder
    is under its size; and temp files a crash left. Returns how many files were removed."""
    now = time.time()
    entries = []
    removed = 0
    try:
        listing = list(os.scandir(cache.folder))
    except FileNotFoundError:
        return 0
    for entry in listing:
        try:
            info = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        if not entry.is_file(follow_symlinks=False):
            continue
        age = now - info.st_mtime
        is_temp = entry.name.startswith(TEMP_PREFIX)
        limit = (
            cache.owner_max_age_seconds if OWNER_SEPARATOR in entry.name else cache.max_age_seconds
        )
        if (is_temp and age > STALE_TEMP_SECONDS) or (
            not is_temp and age > limit and entry.path != str(keep)
        ):
            removed += _remove(entry.path)
        elif not is_temp:
            entries.append((info.st_mtime, info.st_size, entry.path))
    total = sum(size for _mtime, size, _path in entries)
    for _mtime, size, path in sorted(entries):
        if total <= cache.max_bytes:
            break
        if path == str(keep):
            continue
        removed += _remove(path)
        total -= size
    return removed


def forget_owner(cache: Cache, owner: str) -> int:
    """Remove every entry made for `owner` (a child deleted something: the audio of pages that
    showed it goes too). Returns how many files were removed."""
    if not owner:
        return 0
    prefix = f"{owner}{OWNER_SEPARATOR}"
    try:
        listing = list(os.scandir(cache.folder))
    except FileNotFoundError:
        return 0
    return sum(_remove(entry.path) for entry in listing if entry.name.startswith(prefix))


def _remove(path: str) -> int:
    try:
        os.unlink(path)
    except FileNotFoundError:  # another worker pruned it first
        return 0
    return 1
