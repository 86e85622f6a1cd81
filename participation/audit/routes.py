"""The administrators' page for searching the audit record. It shows who did what and when;
there is no content to show, because none is ever recorded."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from werkzeug.datastructures import MultiDict

from ..db import db
from ..models import Role
from ..security.access import staff
from . import search
from .forms import AuditSearchForm
from .web import audit

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _positive_int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@bp.route("")
@staff(Role.ADMIN)
def search_page() -> str:
    session = db.session()
    actions, outcomes = search.known_values(session)
    wanted = MultiDict(
        (key, value) for key, value in request.args.items(multi=True) if key in _FORM_FIELDS
    )
    form = AuditSearchForm(actions, outcomes, formdata=wanted if wanted else None)
    page = None
    if not wanted or form.validate():
        filters = search.AuditFilters(
            actor_id=(form.actor_id.data or "").strip(),
            action=form.action.data or "",
            subject_id=(form.subject_id.data or "").strip(),
            outcome=form.outcome.data or "",
            from_day=form.from_day.data,
            to_day=form.to_day.data,
        )
        page = search.search(
            session, filters, before=_positive_int("before"), after=_positive_int("after")
        )
        # Looking at the record is itself recorded: ids and action names only.
        audit(
            "view-audit-record",
            detail=";".join(
                f"{name}={value}"
                for name, value in (
                    ("actor", filters.actor_id),
                    ("action", filters.action),
                    ("subject", filters.subject_id),
                    ("outcome", filters.outcome),
                )
                if value
            ),
        )
    filters_in_links = {key: value for key, value in wanted.items() if value}
    names = search.names_for(session, page.events) if page is not None else {}
    return render_template(
        "audit/search.html", form=form, page=page, filters=filters_in_links, names=names
    )


_FORM_FIELDS = frozenset({"actor_id", "action", "subject_id", "outcome", "from_day", "to_day"})
