"""POST /me/read-aloud: the words of a child page as audio, for a device with no voice of its own.

Only for an unlocked child session; the language is the page's (the same choice that rendered
the page), never one the request names. Answers the audio, or JSON with a plain message.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from pathlib import Path

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from ..security.access import child_session_or_not_found
from ..security.principal import ChildPrincipal
from ..security.throttle import attempts_limit
from ..templating import template_globals
from . import service

log = logging.getLogger(__name__)

bp = Blueprint("readaloud", __name__)


def _session_key() -> str:
    # Per child session: every tablet in a children's home shares one address. The token hash,
    # not the row id, so that ids reused after a clean database never share a count.
    principal = g.get("principal")
    row = principal.auth_session if isinstance(principal, ChildPrincipal) else None
    row = row or g.get("locked_child_session")
    if row is not None:
        return f"read-aloud:{row.token_hash[:32]}"
    return request.remote_addr or "unknown"


def cache_settings() -> service.Cache:
    config = current_app.config
    folder = config.get("READ_ALOUD_CACHE") or Path(current_app.instance_path, "read-aloud")
    return service.Cache(
        folder=Path(folder),
        max_bytes=int(config.get("READ_ALOUD_CACHE_MB", 200)) * 1024 * 1024,
        max_age_seconds=int(config.get("READ_ALOUD_CACHE_DAYS", 30)) * 24 * 3600,
        secret=hashlib.sha256(b"read-aloud\0" + str(config["SECRET_KEY"]).encode()).digest(),
    )


def owner_tag(child_public_id: str) -> str:
    """A child's tag in the cache's file names: keyed, so a name does not say whose it is."""
    secret = cache_settings().secret
    return hmac.new(secret, child_public_id.encode(), hashlib.sha256).hexdigest()[:16]


def _owner() -> str:
    principal = g.get("principal")
    row = principal.auth_session if isinstance(principal, ChildPrincipal) else None
    row = row or g.get("locked_child_session")
    child = row.child if row is not None else None
    return owner_tag(child.public_id) if child is not None else ""


def forget_child(child_public_id: str) -> None:
    """Forget the audio of a child's pages on this server (they deleted something it may have
    read out). Other servers' copies age out within a day (Cache.owner_max_age_seconds)."""
    try:
        service.forget_owner(cache_settings(), owner_tag(child_public_id))
    except OSError:
        log.exception("Could not forget a child's read-aloud audio")


def no_voice_message() -> str:
    return _(
        "There is no reading voice for this language yet. Ask the adult with you to read it to you."
    )


def failed_message() -> str:
    return _("The reading voice is not working just now. Try again, or ask the adult with you.")


def has_reading_voice(language: str) -> bool:
    """Can the server read this language aloud? When neither it nor the tablet can, the
    pages offer no "Read this page to me" (child.js): a child who cannot read pressed it and
    got a written message (QA: Pashto, Tigrinya)."""
    binary = current_app.config.get("ESPEAK_NG", service.ESPEAK)
    return service.voice_for(language, binary) is not None


template_globals(bp, {"has_reading_voice": has_reading_voice})


# A child session, locked or not: the picture-code page is read aloud too (a child who cannot
# read is told what to tap). It speaks only what it is sent, in the page's language.
@bp.route("/me/read-aloud", methods=["POST"])
@child_session_or_not_found
@attempts_limit("READ_ALOUD_LIMIT", key_func=_session_key)
def read_aloud() -> ResponseReturnValue:
    try:
        audio = service.speak(
            request.form.get("text", ""),
            str(get_locale()),
            cache_settings(),
            audio_format=request.form.get("format", service.DEFAULT_FORMAT),
            binary=current_app.config.get("ESPEAK_NG", service.ESPEAK),
            owner=_owner(),
        )
    except service.ReadAloudError as error:
        if error.code == "no-voice":
            return jsonify(available=False, message=no_voice_message()), 404
        if error.code == "too-long":
            message = _("This is too long to read aloud in one go. Try a shorter part.")
            return jsonify(available=True, message=message), 413
        if error.code == "empty":
            return jsonify(available=True, message=_("There are no words here to read.")), 400
        log.error("Read-aloud audio could not be made: %s", error)
        return jsonify(available=True, message=failed_message()), 503
    try:
        # At most a few hundred KB of Opus or MP3: read whole, so no file stays open.
        body = audio.path.read_bytes()
    except FileNotFoundError:  # pruned by another worker in between: rare; try again
        return jsonify(available=True, message=failed_message()), 503
    # Never kept by the browser (security.headers sends no-store), nosniff as every response.
    return Response(body, mimetype=audio.mimetype)
