"""Helpers the workspace routes share: the child or review named in the URL (a 404 unless this
person may see them) and a form's loaded version."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, g, request
from sqlalchemy import select

from ..caseload.service import child_by_public_id
from ..db import db
from ..models import Child, Review
from ..security.policy import can_view_child


def not_found(reason: str) -> NoReturn:
    g.denied = reason
    abort(404)


def visible_child(public_id: str) -> Child:
    """The child named in the URL, if this person may see them; otherwise the page does not
    exist (another caseload's child is a 404)."""
    session = db.session()
    found = child_by_public_id(session, public_id)
    if found is None or not can_view_child(session, g.principal, found):
        not_found("child")
    return found


def visible_review(public_id: str) -> Review:
    """The review named in the URL, if this person may see its child; otherwise a 404."""
    found = db.session().scalar(select(Review).where(Review.public_id == public_id))
    if found is None or not can_view_child(db.session(), g.principal, found.child):
        not_found("review")
    return found


def loaded_version(value: str | None) -> int | None:
    """A hidden version field as a number (None if it was tampered with)."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def page_asked() -> int:
    """The page of a workspace's children asked for (``?page=``): 1 when none, or not a number."""
    return request.args.get("page", 1, type=int) or 1
