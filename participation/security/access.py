"""Every route declares who may use it. A meta test walks the url map to make sure of it.

Refusals are 404s: a page that is not yours does not exist, so ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

from flask import abort, g, redirect, request, url_for

from ..child import held
from ..db import db
from ..models import Role
from .principal import ChildPrincipal, StaffPrincipal

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
CHILD = "child"
CHILD_SESSION = "child-session"
# A child session, locked or not, and a 404 for anyone else (what the picture-code page uses).
CHILD_SESSION_OR_404 = "child-session-or-404"


def public(view: F) -> F:
    """Anyone may use this route (sign-in, the accessibility statement, error pages)."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def here() -> str:
    """This page's path and query, to come back to: werkzeug's full_path ends in a bare "?"
    when there is no query (QA: "/sign-in?next=/media/...?"), and a query may end in one."""
    return request.full_path if request.query_string else request.path


def staff(*roles: Role) -> Callable[[F], F]:
    """Signed-in staff with one of `roles` (all staff roles when none are named)."""
    allowed = frozenset(roles or Role)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = g.principal
            if not isinstance(principal, StaffPrincipal):
                if request.method == "GET":
                    return redirect(url_for("accounts.sign_in", next=here()))
                abort(401)
            if principal.role not in allowed:
                g.denied = "role"
                abort(404)
            return view(*args, **kwargs)

        wrapped.access = allowed  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def _child_session(view: F, refuse: Callable[[], Any], access: str) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if isinstance(g.principal, ChildPrincipal) or g.get("locked_child_session") is not None:
            return view(*args, **kwargs)
        return refuse()

    wrapped.access = access  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def child_session(view: F) -> F:
    """A child session on this device, locked or not (the picture-code page itself)."""
    return _child_session(view, lambda: redirect(url_for("accounts.sign_in")), CHILD_SESSION)


def _not_a_child() -> NoReturn:
    g.denied = "not-child"
    abort(404)


def child_session_or_not_found(view: F) -> F:
    """Like child_session, for what the picture-code page uses besides itself (reading aloud):
    anyone else gets a 404, as for the child's own pages."""
    return _child_session(view, _not_a_child, CHILD_SESSION_OR_404)


def holds_answers(view: F) -> F:
    """A child's page whose form, sent just as the space locked, is held and shown again once
    the picture code opens it (it reads child.session.held_here). Put it under @child."""
    view.holds_answers = True  # type: ignore[attr-defined]
    return view


def holds_answers_for(endpoint: str) -> Callable[[F], F]:
    """As holds_answers, for a form posted to an address that takes posts only: what it sent is
    held for the page at `endpoint` that shows the form, and the picture code goes back there."""

    def decorate(view: F) -> F:
        view.holds_answers = endpoint  # type: ignore[attr-defined]
        return view

    return decorate


def child(view: F) -> F:
    """An unlocked child session: the child's own space and nothing else."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not isinstance(g.principal, ChildPrincipal):
            locked = g.get("locked_child_session")
            if locked is not None:
                holds = getattr(view, "holds_answers", False)
                back = here()
                # Not when the token was refused: the timeout handler runs the view again
                # (rerender_on_timeout), and only a page of this sitting may write.
                if holds and request.method == "POST" and not g.get("csrf_timed_out"):
                    # Sent as the space locked (with no script to save it first, or a page
                    # left open): held, not lost, for the page that shows the form.
                    page = url_for(holds) if isinstance(holds, str) else request.path
                    held.hold(
                        db.session(),
                        child_id=locked.child_id,
                        path=page,
                        answers=request.form.items(multi=True),
                    )
                    back = page
                # The child's own space is locked: the picture code opens it and comes back.
                return redirect(url_for("child.unlock", next=back))
            _not_a_child()
        return view(*args, **kwargs)

    wrapped.access = CHILD  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]
