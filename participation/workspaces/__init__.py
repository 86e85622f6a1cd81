"""Staff workspaces around a child's review, and what the child sees of them.

One area, five parts, because they share one set of records (``models/workspaces.py``, one
migration), the same helpers (``common.py``, ``web.py``) and one panel on the child's record:

- ``keyworker``: the keyworker's caseload, monthly summaries, the *Keyworker Report for CLA
  review* (built, shared with the child at /me/report, sent as a locked version) and the team's
  action notes after the meeting;
- ``iro``: the IRO's caseload, meeting the child beforehand, how the child took part (the
  participation code), the decisions and actions, circulating them;
- ``outcomes``: "you said, we did" for the child at /me/you-said-we-did, and the actions flagged
  to the IRO as overdue or not done;
- ``invitations``: the social worker's invitation list, as CSV and as letters to print, and
  marking the invitations sent;
- ``social_worker``: the social worker's caseload: the child's wishes waiting for an answer,
  the social worker's tasks, the pack and the report for each next review.

Each part keeps its own routes, forms and service, so no file grows into everything.
"""

from __future__ import annotations

from flask import Flask


def init_workspaces(app: Flask) -> None:
    """Register the five parts and the helpers their panels use in other areas' templates."""
    from .invitations.routes import bp as invitations_bp
    from .iro.routes import bp as iro_bp
    from .keyworker.routes import bp as keyworker_bp
    from .outcomes.routes import bp as outcomes_bp
    from .panels import template_helpers
    from .social_worker.routes import bp as social_worker_bp

    for blueprint in (keyworker_bp, iro_bp, outcomes_bp, invitations_bp, social_worker_bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(template_helpers())
