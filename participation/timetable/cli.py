"""``flask timetable``: print a child's review timetable from the command line.

The command knows only the rules module, so it runs (and is tested) without the app or a
database; the app registers it with ``app.cli.add_command(timetable_command)``.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import click

from participation import clock
from participation.timetable.rules import (
    NATION_NAMES,
    NATIONS,
    MilestoneDue,
    Nation,
    ReviewDue,
    TimetableError,
    WorkingCalendar,
    review_schedule,
    schedule_milestones,
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# TimetableError.field -> the option a user typed, so the message points at it.
_OPTION_FOR_FIELD = {
    "became_looked_after": "--became-looked-after",
    "held": "--held",
    "nation": "--nation",
    "today": "--today",
}


class IsoDate(click.ParamType):
    """A date written YYYY-MM-DD, and nothing looser (no 20260101, no week dates)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if not _ISO_DATE.fullmatch(text):
            self.fail(f"{text!r} is not a date written YYYY-MM-DD", param, ctx)
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(f"{text!r} is not a real date", param, ctx)


class NationCode(click.ParamType):
    """ENG, WLS, SCT or NIR, in any case."""

    name = "|".join(NATIONS)

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Nation:
        text = str(value).strip().upper()
        for code in NATIONS:
            if code == text:
                return code
        names = ", ".join(f"{code} ({NATION_NAMES[code]})" for code in NATIONS)
        self.fail(f"{value!r} is not one of {names}", param, ctx)


def _as_json(nation: Nation, reviews: list[ReviewDue], milestones: list[MilestoneDue]) -> str:
    return json.dumps(
        {
            "nation": nation,
            "reviews": [
                {
                    "number": review.number,
                    "due": review.due.isoformat(),
                    "held": review.held.isoformat() if review.held else None,
                }
                for review in reviews
            ],
            "milestones": [
                {
                    "review": milestone.review,
                    "name": milestone.name,
                    "owner": milestone.owner,
                    "due": milestone.due.isoformat(),
                    "phase": milestone.phase,
                }
                for milestone in milestones
            ],
        },
        indent=2,
    )


def _as_table(
    nation: Nation, today: date, reviews: list[ReviewDue], milestones: list[MilestoneDue]
) -> str:
    name_width = max(len(milestone.name) for milestone in milestones)
    lines = [f"Review timetable, {NATION_NAMES[nation]} working days (today {today.isoformat()})"]
    for review in reviews:
        held = f"held {review.held.isoformat()}" if review.held else "not held yet"
        lines.append("")
        lines.append(f"Review {review.number}: due {review.due.isoformat()}, {held}")
        for milestone in milestones:
            if milestone.review == review.number:
                lines.append(
                    f"  {milestone.due.isoformat()}  {milestone.phase:<6}  "
                    f"{milestone.name:<{name_width}}  {milestone.owner}"
                )
    return "\n".join(lines)


@click.command("timetable")
@click.option(
    "--became-looked-after",
    "became_looked_after",
    type=IsoDate(),
    required=True,
    help="The day the child became looked after.",
)
@click.option(
    "--nation",
    type=NationCode(),
    default="ENG",
    show_default=True,
    help="Whose bank holidays count: England, Wales, Scotland or Northern Ireland.",
)
@click.option(
    "--held",
    type=IsoDate(),
    multiple=True,
    help="The day a review was held; repeat for each review, oldest first.",
)
@click.option(
    "--today",
    type=IsoDate(),
    default=None,
    hidden=True,
    help="Work as if today were this day (for tests).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def timetable_command(
    became_looked_after: date,
    nation: Nation,
    held: tuple[date, ...],
    today: date | None,
    as_json: bool,
) -> None:
    """Show when a child's Looked After Reviews are due, and the tasks before and after each."""
    on = today or clock.today()
    try:
        calendar = WorkingCalendar(nation)
        reviews = review_schedule(calendar, became_looked_after, list(held), today=on)
        milestones = schedule_milestones(calendar, reviews, became_looked_after=became_looked_after)
    except TimetableError as error:
        option = _OPTION_FOR_FIELD.get(error.field, "--" + error.field.replace("_", "-"))
        raise click.BadParameter(error.message, param_hint=f"'{option}'") from None
    if as_json:
        click.echo(_as_json(nation, reviews, milestones))
    else:
        click.echo(_as_table(nation, on, reviews, milestones))
