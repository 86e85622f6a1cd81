"""Recording audit events from a request: the actor and address come from the request itself."""

from __future__ import annotations

from flask import current_app, g, request

from .service import ANONYMOUS, Actor, record


def audit(
    action: str,
    *,
    subject_type: str | None = None,
    subject_id: str | None = None,
    outcome: str = "ok",
    detail: str = "",
    actor: Actor | None = None,
) -> None:
    """Append an event for the current request's principal (or the given actor)."""
    principal = g.get("principal")
    record(
        current_app.extensions["database"].engine,
        actor or (principal.actor if principal is not None else ANONYMOUS),
        action,
        subject_type=subject_type,
        subject_id=subject_id,
        outcome=outcome,
        remote_addr=request.remote_addr,
        detail=detail,
    )
