"""`flask --app participation audit verify`: check the hash chain of the audit record."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..db import db
from .service import verify_chain


@click.group("audit", help="The audit record.")
def audit_group() -> None:
    pass


@audit_group.command("verify", help="Check that no audit event has been changed or removed.")
@with_appcontext
def verify_command() -> None:
    intact, count, bad = verify_chain(db.session())
    if intact:
        click.echo(f"intact, {count} events")
        return
    click.echo(
        f"broken at event {bad}: it was changed, or an event before it was removed or changed "
        f"({count} events before it are intact)",
        err=True,
    )
    raise SystemExit(1)
