"""``flask records export`` (a subject access zip from the command line) and
``flask records retention`` (the council's retention rules; run it daily from cron)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .. import clock
from ..db import db
from ..models import Child
from . import export, retention


@click.group(
    "records", cls=AppGroup, help="A child's records: subject access export and retention."
)
def records_group() -> None:
    pass


@records_group.command("export", help="Write everything held about one child to a zip.")
@click.argument("public_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(public_id: str, out: Path) -> None:
    session = db.session()
    child = session.scalar(select(Child).where(Child.public_id == public_id))
    if child is None:
        raise click.ClickException(f"No child with the id {public_id}.")
    with out.open("wb") as target:
        export.write_zip(
            export.collect(session, child),
            current_app.extensions["media_storage"],
            target,
            clock.today(),
        )
    click.echo(f"Wrote {out}")


@records_group.command("retention", help="Apply the retention rules to children who left care.")
@click.option("--dry-run", is_flag=True, help="Say what would be done, and do nothing.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Apply the rules as on this day (for checking them); default today.",
)
def retention_command(dry_run: bool, today: object) -> None:
    config = current_app.config
    rules = retention.Rules(
        private_months=config["RETENTION_PRIVATE_MONTHS"],
        shared_months=config["RETENTION_SHARED_MONTHS"],
        case_record_dir=Path(config["CASE_RECORD_DIR"]),
    )
    day = today.date() if hasattr(today, "date") else clock.today()
    outcomes = retention.apply(
        db.session(), current_app.extensions["media_storage"], rules, day, dry_run=dry_run
    )
    verb = "Would delete" if dry_run else "Deleted"
    for outcome in outcomes:
        click.echo(
            f"{outcome.child.public_id}: {verb} {len(outcome.private_deleted)} never-shared and "
            f"{len(outcome.shared_exported)} shared things"
            + (f" (shared ones written to {outcome.case_record})" if outcome.case_record else "")
        )
    if not outcomes:
        click.echo("Nothing is due.")
