"""The subject access export: an administrator downloads everything held about one child."""

from __future__ import annotations

import tempfile
from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, send_file
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .. import clock
from ..audit.web import audit
from ..caseload.service import child_by_public_id
from ..db import db
from ..models import Child, Role
from ..security.access import staff
from . import export

IN_MEMORY = 16 * 1024 * 1024
REASON_MAX = 300
bp = Blueprint("records", __name__, url_prefix="/admin/children/<child_id>/records")


class ExportForm(FlaskForm):
    """A POST with its CSRF token: the download is an action worth auditing, not a link. It
    holds what the child kept private, so it says who asked for it: the audit keeps the words
    (QA: one click, and no reason)."""

    reason = StringField(
        _l("Who asked for it, and when"),
        validators=[
            DataRequired(_l("Say who asked for these records, and when")),
            Length(max=REASON_MAX, message=_l("Keep it under %(max)d characters")),
        ],
    )


def _child(child_id: str) -> Child:
    found = child_by_public_id(db.session(), child_id)
    if found is None:
        g.denied = "child"
        abort(404)
    return found


@bp.route("", methods=["GET", "POST"])
@staff(Role.ADMIN)
def subject_access(child_id: str) -> Any:
    child = _child(child_id)
    form = ExportForm()
    session = db.session()
    if form.validate_on_submit():
        records = export.collect(session, child)
        # Kept in memory up to 16 MB, then on disk. A small export is answered from memory and
        # its file closed here; a big one is streamed and closed when the server has sent it.
        spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115
        export.write_zip(records, current_app.extensions["media_storage"], spool, clock.today())
        size = spool.tell()
        spool.seek(0)
        audit(
            "export-child-records",
            subject_type="child",
            subject_id=child.public_id,
            detail=(form.reason.data or "").strip(),
        )
        name = f"records-{child.public_id}-{clock.today().isoformat()}.zip"
        response: Response
        if size <= IN_MEMORY:
            with spool:
                body = spool.read()
            response = Response(body, mimetype="application/zip")
            response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        else:
            response = send_file(
                spool, mimetype="application/zip", as_attachment=True, download_name=name
            )
        response.headers["Cache-Control"] = "no-store"
        return response
    records = export.collect(session, child)
    return render_template(
        "records/subject_access.html",
        child=child,
        form=form,
        counts={table: len(rows) for table, rows in records.tables.items() if rows},
        media=len(records.media),
        left_out=export.NOT_EXPORTED,
    )
