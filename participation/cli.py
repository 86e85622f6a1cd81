"""Commands: `flask --app participation <command>`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app

from . import migrate
from .accounts import service as accounts
from .db import db
from .models import Role

ROLE_NAMES = [role.value for role in Role]
ROOT = Path(__file__).resolve().parent.parent


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(create_user)
    app.cli.add_command(demo)
    app.cli.add_command(translate)
    from .audit.cli import audit_group
    from .backup import backup_command, restore_command
    from .records.cli import records_group
    from .timetable.cli import timetable_command
    from .views.cli import media_group, media_sweep, worker_command

    for command in (
        audit_group,
        backup_command,
        restore_command,
        records_group,
        media_group,
        worker_command,
        timetable_command,
    ):
        app.cli.add_command(command)
    # The daily clean-up after interrupted writes, by its short name too: `flask sweep` is
    # `flask media sweep`.
    app.cli.add_command(media_sweep, "sweep")


@click.group("db", help="Create or change the database tables.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Bring the database up to the newest schema.")
@click.argument("revision", default="heads")
def db_upgrade(revision: str) -> None:
    migrate.upgrade(current_app._get_current_object(), revision)  # type: ignore[attr-defined]
    click.echo("Database is up to date.")


@db_group.command("downgrade", help="Step the schema back to REVISION.")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    migrate.downgrade(current_app._get_current_object(), revision)  # type: ignore[attr-defined]


@db_group.command("revision", help="Write a new migration from the models (for developers).")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    migrate.revision(current_app._get_current_object(), message)  # type: ignore[attr-defined]


@click.command("create-user", help="Create a staff account (for a real deployment's first admin).")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLE_NAMES), required=True)
@click.option("--name", required=True, help="The person's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, name: str, password_stdin: bool) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    session = db.session()
    try:
        staff = accounts.create_staff(
            session, email=email, name=name, role=Role(role), password=password
        )
    except accounts.AccountError as error:
        session.rollback()
        raise click.ClickException(f"{error.field}: {error.message}") from None
    session.commit()
    click.echo(f"Created {staff.role.value} {staff.name} <{staff.email}>.")


@click.command("demo", help="Load a fictional council to try the app with (safe to run twice).")
def demo() -> None:
    from .demo import DEMO_PASSWORD, load_demo

    sign_ins = load_demo(db.session())
    click.echo("Demo sign-ins (all fictional), password for every one: " + DEMO_PASSWORD)
    for role, email, name in sign_ins:
        click.echo(f"  {role:<14} {email:<40} {name}")
    from .demo import DEMO_TOTP_SECRET

    click.echo(
        "IROs, managers and administrators also need a code from an authenticator app set up "
        f"with the demo key {DEMO_TOTP_SECRET}, or from: .venv/bin/python -c "
        f"\"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\""
    )


@click.group("translate", help="Extract, update and compile the translation catalogs.")
def translate() -> None:
    pass


def _pybabel(*args: str) -> None:
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), *args], check=True, cwd=ROOT)


@translate.command("update", help="Extract the strings and update every catalog.")
def translate_update() -> None:
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "-o",
        "translations/messages.pot",
        ".",
    )
    _pybabel(
        "update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching"
    )


@translate.command("compile", help="Compile every catalog for the app to use.")
def translate_compile() -> None:
    _pybabel("compile", "-d", "translations", "--statistics")


@translate.command("init", help="Start a catalog for a new language.")
@click.argument("language")
def translate_init(language: str) -> None:
    _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", language)
