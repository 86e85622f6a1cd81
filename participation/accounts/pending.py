"""Routes for staff who are signing in: password given, second factor maybe still to come.

A session waiting for its second factor is not a principal: `g.principal` stays anonymous, so
every page that does not know about second factors refuses it. Only routes marked here see it,
through `g.pending_staff`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, url_for

from ..models import Role
from ..security.principal import StaffPrincipal

F = TypeVar("F", bound=Callable[..., Any])


def signing_in_staff() -> StaffPrincipal | None:
    """The staff member behind this request, whether or not their second factor is given yet."""
    pending = g.get("pending_staff")
    if isinstance(pending, StaffPrincipal):
        return pending
    principal = g.get("principal")
    return principal if isinstance(principal, StaffPrincipal) else None


def is_pending() -> bool:
    """Whether this request comes from a session still waiting for its second factor."""
    return isinstance(g.get("pending_staff"), StaffPrincipal)


def staff_signing_in(view: F) -> F:
    """Any staff member with a live session, including one whose second factor is still to come.

    For the second-factor pages and sign-out only; declares every staff role to the route meta test.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if signing_in_staff() is None:
            if request.method == "GET":
                return redirect(url_for("accounts.sign_in"))
            abort(401)
        return view(*args, **kwargs)

    wrapped.access = frozenset(Role)  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]
