"""What a request may carry: a form, or nothing.

Every view here reads HTML forms. A JSON body, or a file posted to a form that takes no files,
would reach the forms as values of the wrong type (a dict, a FileStorage) and could crash them,
so such requests are refused before anything reads them: 415 for a body that is not a form,
400 for a file where none is expected or a NUL character in the address or a field's name, 413
for a body bigger than any form here can be. A NUL in a form's values is taken out (PostgreSQL
refuses to store one, and a browser sends one pasted into a box).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

F = TypeVar("F", bound=Callable[..., Any])

FORM_TYPES = frozenset({"", "application/x-www-form-urlencoded", "multipart/form-data"})
# Room for multipart boundaries and headers around the largest form the settings allow.
_ENVELOPE = 64 * 1024


def accepts_files(view: F) -> F:
    """Mark a view that takes uploaded files (it streams them itself; nothing here reads them)."""
    view.accepts_files = True  # type: ignore[attr-defined]
    return view


def _has_nul(values: MultiDict[str, str]) -> bool:
    def nul(text: object) -> bool:
        return isinstance(text, str) and "\x00" in text

    return any(nul(key) or any(nul(v) for v in vs) for key, vs in values.lists())


def init_request_guards(app: Flask) -> None:
    """Register the check; it must run before CSRF protection reads the form."""

    @app.before_request
    def _only_forms() -> None:
        # No browser sends a NUL character, and PostgreSQL refuses to store or even compare one:
        # turn it away before any query sees it.
        if "\x00" in request.path or _has_nul(request.args):
            abort(400)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if request.mimetype not in FORM_TYPES:
            abort(415)
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "accepts_files", False):
            return
        limit = app.config.get("MAX_FORM_MEMORY_SIZE") or 500 * 1024
        if (request.content_length or 0) > limit + _ENVELOPE:
            abort(413)
        if request.mimetype == "multipart/form-data" and request.files:
            abort(400)
        if _has_nul(request.form):
            # A NUL pasted into a box (Chromium sends it) is never meant: it goes, and the
            # words stay, so that a child's worry is still sent (QA: a 400 page, nothing sent).
            # A field's name with one is no form of ours.
            if any("\x00" in key for key in request.form):
                abort(400)
            request.__dict__["form"] = ImmutableMultiDict(
                [(key, value.replace("\x00", "")) for key, value in request.form.items(multi=True)]
            )
