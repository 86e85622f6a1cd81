"""Names for files staff download (review packs, invitation lists), and the header that gives them.

A name says whose file it is and what it holds, so two children's files never overwrite each
other in a Downloads folder. The child's name keeps its own letters; browsers that only take a
plain ASCII name get one too (RFC 6266 `filename*` carries the name as written).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def name_part(name: str, fallback: str = "child") -> str:
    """`name` for a file name: lower case, its letters and digits kept, anything else "-"."""
    return "-".join(re.findall(r"\w+", name.lower())) or fallback


def ascii_filename(filename: str) -> str:
    """`filename` with accents taken off and any other letter outside ASCII dropped
    ("zoë" becomes "zoe"; a name written only in another script leaves no name part)."""
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9.-]", "-", folded.lower()))


def attachment(filename: str) -> str:
    """A Content-Disposition for a download: a plain ASCII name, and the name as written when
    the two differ."""
    plain = ascii_filename(filename)
    if plain == filename:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
