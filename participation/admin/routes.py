"""Administrators' pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template

from ..db import db
from ..models import Role
from ..security.access import staff
from . import service

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@staff(Role.ADMIN)
def overview() -> str:
    return render_template(
        "admin/overview.html", overview=service.overview(db.session()), today=date.today()
    )
