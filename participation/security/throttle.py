"""Limits on guessing from one address: passwords, second-factor codes, picture codes.

The counters live in RATELIMIT_STORAGE_URI: `memory://` is enough for one process; with several
workers or servers use `redis://...` so that they all count together. These limits work beside
the per-account locks (accounts.service, accounts.second_factor): the lock stops guessing at one
account from many addresses, the limit stops one address trying many accounts.

Use on a view, below its access decorator:

    @bp.route("/me/unlock", methods=["GET", "POST"])
    @child_session
    @rerender_on_timeout
    @attempts_limit("PICTURE_CODE_ATTEMPTS")
    def unlock(): ...

Only failed POSTs count (a success answers with a redirect): a children's home or an office is
one address for everyone in it, and ten colleagues signing in at a shift change are not an
attack. For the same reason a password is limited per address and account typed, with a much
higher limit for the address as a whole: ten typos by ten colleagues refused every right
password in the building for a quarter of an hour (QA). A request that tried nothing (a picture
tapped before the code is whole) says so with `not_a_try()`. A refused request gets the styled
"Too many tries" page (429).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Response, current_app, g, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address

from ..audit.web import audit
from ..extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])

# Used when the setting is not in the app's config. A limits string: "N per M minutes".
DEFAULT_LIMITS = {
    "SIGN_IN_ATTEMPTS": "10 per 15 minutes",  # one address, one account typed
    "SIGN_IN_ADDRESS_ATTEMPTS": "100 per 15 minutes",  # one address, any accounts
    "SECOND_FACTOR_ATTEMPTS": "10 per 15 minutes",
    # A children's home is one address for every child and tablet in it, so more room here; the
    # child's own space locks after a few wrong codes anyway.
    "PICTURE_CODE_ATTEMPTS": "30 per 15 minutes",
}


def limit_for(setting: str) -> str:
    """The limits string in force for `setting` (read at each request, so it can be changed)."""
    return str(current_app.config.get(setting) or DEFAULT_LIMITS.get(setting, "10 per 15 minutes"))


def attempts_limit(setting: str, *, key_func: Callable[[], str] | None = None) -> Callable[[F], F]:
    """Limit POSTs to the decorated view to `limit_for(setting)`, per client address unless
    `key_func` says otherwise (for example a device cookie). Each view counts separately."""
    return cast(
        Callable[[F], F],
        limiter.limit(
            lambda: limit_for(setting),
            methods=["POST"],
            key_func=key_func,
            deduct_when=_failed,
            on_breach=_record_breach,
        ),
    )


def address_and_account() -> str:
    """The client's address with the account typed (hashed: a counter's key is not a place
    for an email address)."""
    typed = request.form.get("email", "").strip().casefold()
    return f"{get_remote_address()}/{hashlib.sha256(typed.encode()).hexdigest()[:16]}"


def not_a_try() -> None:
    """This request tried nothing that a limit is about (a picture tapped before the code is
    whole, "start again"): it does not count, whatever it answers."""
    g.throttle_not_a_try = True


def _failed(response: Response) -> bool:
    """A try that did not get in: every answer but a redirect onwards."""
    if g.get("throttle_not_a_try"):
        return False
    return not 300 <= response.status_code < 400


def _record_breach(limit: RequestLimit) -> None:
    # Many tries from one address is what an attack looks like: keep it in the audit record.
    audit(
        "throttled",
        subject_type="url",
        outcome="429",
        detail=f"{request.endpoint or request.path} {limit.limit}",
    )
