"""Strict response headers: a nonce-based CSP, no caching of personal pages, no framing, no
powerful browser features except the camera where a child adds a photo or video.

The values are fixed strings so that tests can assert them exactly.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, g, request

F = TypeVar("F", bound=Callable[..., Any])


def csp_nonce() -> str:
    """The nonce for this response's scripts (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return str(g.csp_nonce)


def content_security_policy(nonce: str) -> str:
    """The CSP for a page: only this site's own files, scripts only with this response's nonce,
    no inline styles, no plugins, no <base>, never inside a frame."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' blob: data:",
            "media-src 'self' blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


# Every page: no camera, microphone, location or the like, for this site or anything it embeds.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()"
)
# Pages where a child takes a photo or records a video: this site may ask for the camera and the
# microphone (the browser still asks the child); location stays off, so photos carry none.
CAMERA_PERMISSIONS_POLICY = (
    "camera=(self), microphone=(self), geolocation=(), payment=(), usb=(), display-capture=()"
)
REFERRER_POLICY = "no-referrer"
HSTS_TEMPLATE = "max-age={seconds}; includeSubDomains"


def camera_allowed(view: F) -> F:
    """Let this route's page use the camera and microphone (a child's photo or video upload).

    Put it below the access decorator; every other page keeps PERMISSIONS_POLICY.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.camera_allowed = True
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def init_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = REFERRER_POLICY
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = (
            CAMERA_PERMISSIONS_POLICY if g.get("camera_allowed") else PERMISSIONS_POLICY
        )
        # Only when cookies are Secure, i.e. the site is served over HTTPS: HSTS over plain HTTP
        # in development would be ignored by browsers at best, and pin localhost at worst.
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers["Strict-Transport-Security"] = HSTS_TEMPLATE.format(
                seconds=app.config["HSTS_SECONDS"]
            )
        # Everything but the app's own static files is personal or may be: never store it.
        if not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
