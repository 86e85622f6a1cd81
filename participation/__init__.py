"""My Review: a child in care takes part in their own Looked After Review."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

from . import config as settings
from .accounts import passwords
from .security import sealed


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, commands. Nothing else."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    env = "testing" if test_config is not None else os.environ.get("APP_ENV", "development")
    app.config.update(settings.settings_for(env, app.instance_path))
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    logging.basicConfig(level=logging.INFO)

    from .accounts.login import init_login
    from .assets import init_assets
    from .db import db
    from .errors import init_errors
    from .extensions import csrf, limiter
    from .i18n import init_i18n
    from .security.headers import init_headers
    from .security.requests import init_request_guards
    from .templating import init_templating

    passwords.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])
    sealed.configure(
        app.config["SECRET_KEY"],
        app.config.get("SECOND_FACTOR_KEY"),
        app.config.get("SECOND_FACTOR_OLD_KEYS"),
    )
    db.init_app(app)
    # The principal must be known before CSRF is checked, so the timed-out page can re-render.
    init_login(app)
    init_request_guards(app)  # before CSRF reads the body: only forms get that far
    csrf.init_app(app)
    limiter.init_app(app)
    init_i18n(app)
    init_headers(app)
    init_assets(app)
    init_templating(app)
    init_errors(app)

    from .accounts.routes import bp as accounts_bp
    from .admin.routes import bp as admin_bp
    from .caseload.routes import bp as caseload_bp
    from .child.routes import bp as child_bp
    from .pages.routes import bp as pages_bp
    from .planning.routes import bp as planning_bp
    from .timetable.routes import bp as timetable_bp
    from .worry.routes import bp as worry_bp

    for blueprint in (
        pages_bp,
        accounts_bp,
        caseload_bp,
        admin_bp,
        child_bp,
        timetable_bp,
        planning_bp,
    ):
        app.register_blueprint(blueprint)
    from .audit.routes import bp as audit_bp

    app.register_blueprint(audit_bp)
    app.register_blueprint(worry_bp)
    from .records.routes import bp as records_bp

    app.register_blueprint(records_bp)
    from .readaloud.routes import bp as readaloud_bp

    app.register_blueprint(readaloud_bp)
    from .views import init_views
    from .workspaces import init_workspaces

    init_views(app)
    init_workspaces(app)
    from .worry.outbox import init_outbox

    init_outbox(app)  # on the views' task queue
    from .sharing import init_sharing

    init_sharing(app)

    from .cli import register_commands

    register_commands(app)
    return app
