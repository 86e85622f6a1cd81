"""A PDF's text as a reader would copy it (poppler's pdftotext, as CI installs it)."""

from __future__ import annotations

import subprocess


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
