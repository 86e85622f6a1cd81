"""My views: what a child says about their life, by topic, in words, photos and video."""

from __future__ import annotations

from flask import Flask


def init_views(app: Flask) -> None:
    """The media store, the video queue, uploads streamed to disk, and the blueprint."""
    from ..media.storage import storage_from_config
    from .routes import bp
    from .tasks import init_queue
    from .uploads import with_uploads_on_disk

    app.request_class = with_uploads_on_disk(app.request_class)
    storage = storage_from_config(str(app.config["MEDIA_STORAGE"]))
    app.extensions["media_storage"] = storage
    app.extensions["views_queue"] = init_queue(app, storage)
    app.register_blueprint(bp)
