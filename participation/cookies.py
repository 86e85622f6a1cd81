"""Cookies that belong to the device rather than a sign-in (its language, a personal link's
device mark): long-lived, never read by scripts, sent only over HTTPS in production."""

from __future__ import annotations

from flask import current_app
from werkzeug.wrappers import Response


def keep_on_device(response: Response, name: str, value: str, *, days: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=60 * 60 * 24 * days,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
