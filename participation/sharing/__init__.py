"""Sharing: the child decides, item by item and plan section by plan section, who may see it."""

from __future__ import annotations

from flask import Flask


def init_sharing(app: Flask) -> None:
    """The child's sharing pages and the staff review pack."""
    from ..pack.routes import bp as pack_bp
    from .routes import bp

    app.register_blueprint(bp)
    app.register_blueprint(pack_bp)
