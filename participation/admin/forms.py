"""Forms of the administration pages, and the words for the rules the service checks.

The service checks every rule (the CSV import uses the same ones); the forms read what was typed
(a date that is not a date is said here) and put the service's issues next to their fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from ..forms import FormKeyField
from ..labels import HOME_KINDS, ROLES
from ..models import CASEWORK_ROLES, HomeKind, NetworkRole, PlacementType, Role
from ..timetable.forms import DayField
from .service import Issue

NETWORK_ROLES: dict[NetworkRole, LazyString] = {
    NetworkRole.PARENT: _l("Parent"),
    NetworkRole.CARER: _l("Carer"),
    NetworkRole.TEACHER: _l("Teacher"),
    NetworkRole.HEALTH: _l("Health (nurse, doctor)"),
    NetworkRole.INDEPENDENT_VISITOR: _l("Independent visitor"),
    NetworkRole.PERSONAL_ADVISER: _l("Personal adviser"),
    NetworkRole.ADVOCATE: _l("Advocate"),
    NetworkRole.OTHER: _l("Someone else"),
}

PLACEMENT_CHOICES: dict[PlacementType, LazyString] = {
    PlacementType.RESIDENTIAL: _l("Residential (a children's home)"),
    PlacementType.FOSTER: _l("Foster care (a foster family)"),
}


class Required:
    """Marks a field as required (the page says so) while the service checks the rule."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


# --- the words for the service's issues ---------------------------------------------------------

# "<field>.<code>" first, then "<code>" alone.
MESSAGES: dict[str, LazyString] = {
    "legal_name.required": _l("Enter the child's legal name"),
    "legal_name.too-long": _l("Legal name must be %(max)d characters or fewer"),
    "legal_name.duplicate": _l("There is already a child called %(name)s born on %(date)s"),
    "preferred_name.required": _l("Enter the name the child likes to be called"),
    "preferred_name.too-long": _l("Preferred name must be %(max)d characters or fewer"),
    "date_of_birth.required": _l("Enter the date of birth"),
    "date_of_birth.future": _l("Date of birth must be today or in the past"),
    "date_of_birth.too-old": _l(
        "Date of birth must be in the last %(years)d years: check the year"
    ),
    "first_language.required": _l("Enter the child's first language"),
    "first_language.too-long": _l("First language must be %(max)d characters or fewer"),
    "communication_needs.too-long": _l("Communication needs must be %(max)d characters or fewer"),
    "became_looked_after.required": _l("Enter the date the child became looked after"),
    "became_looked_after.before-birth": _l(
        "Date became looked after must be on or after the date of birth (%(date)s)"
    ),
    "became_looked_after.future": _l("Date became looked after must be today or in the past"),
    "became_looked_after.after-review": _l(
        "Date became looked after must be on or before the first review held (%(date)s)"
    ),
    "placement_type.required": _l("Choose the placement type"),
    "home.required": _l("Choose the home the child lives in"),
    "home.unknown": _l("Choose one of the homes listed"),
    "home.unknown-name": _l("No open home is called %(value)s: check the name on the homes page"),
    "home.not-foster": _l(
        "%(name)s is a children's home: a foster placement needs a foster family"
    ),
    "home.not-residential": _l(
        "%(name)s is a foster family: a residential placement needs a children's home"
    ),
    "placement_start.before-looked-after": _l(
        "Placement start must be on or after the date the child became looked after (%(date)s)"
    ),
    "placement_start.future": _l("Placement start must be today or in the past"),
    "placement_start.moved": _l(
        "Give the day they moved to %(home)s: a new home is a new placement, with its own start"
    ),
    "placement_start.before-last-move": _l(
        "Placement start cannot be before the start of the placement before it (%(date)s)"
    ),
    "left_care_on.before-looked-after": _l(
        "Left care date must be on or after the date the child became looked after (%(date)s)"
    ),
    "left_care_on.future": _l("Left care date must be today or in the past"),
    "left_care_on.before-review": _l(
        "Left care date must be on or after the last review held (%(date)s)"
    ),
    "timetable": _l("The review timetable cannot follow these dates: %(reason)s"),
    # homes
    "name.required": _l("Enter the name"),
    "name.too-long": _l("Name must be %(max)d characters or fewer"),
    "name.duplicate": _l("There is already a home called %(name)s"),
    "name.person-listed": _l("%(name)s (%(relationship)s) is on the list already"),
    "kind.required": _l("Choose whether it is a children's home or a foster family"),
    "kind.children-placed": _l(
        "%(names)s live here with a placement of the other kind: change their placements "
        "first, then the kind of home"
    ),
    "address.too-long": _l("Address must be %(max)d characters or fewer"),
    # staff
    "email.required": _l("Enter the email address"),
    "email.too-long": _l("Email address must be %(max)d characters or fewer"),
    "email.invalid": _l("Enter an email address in the right format, like name@council.gov.uk"),
    "email.duplicate": _l("There is already an account for %(email)s"),
    "alert_email.too-long": _l("Email address must be %(max)d characters or fewer"),
    "alert_email.invalid": _l(
        "Enter an email address in the right format, like oaklodge@provider.org.uk"
    ),
    "phone.too-long": _l("Phone number must be %(max)d characters or fewer"),
    "phone.invalid": _l("Enter a phone number in the right format, like 0161 496 0123"),
    "role.required": _l("Choose a role"),
    "role.own-role": _l("You cannot change your own role: ask another administrator"),
    "role.has-assignments": _l(
        "%(name)s still works with %(count)d children in their present role: end those "
        "assignments first"
    ),
    "password.required": _l("Enter a temporary password"),
    "password.too-short": _l("The password must be at least %(min)d characters long"),
    "password.too-long": _l("The password must be at most %(max)d characters long"),
    "password.too-simple": _l(
        "That password is one of the first anyone would try (a common word, a run like 1234, or "
        "one thing repeated): choose another"
    ),
    "password.like-email": _l("The password must not be their email address, or contain it"),
    "password.same-as-before": _l("The new password must be different from the one they have"),
    "account": _l("%(reason)s"),
    # assignments
    "staff.required": _l("Choose a member of staff"),
    "staff.unknown": _l("Choose a member of staff from the list"),
    "staff.disabled": _l("%(name)s's account is disabled"),
    "staff.already": _l("%(name)s already works with %(child)s in this role"),
    "role.mismatch": _l("%(name)s's role is %(role)s: choose that role, or someone else"),
    "role.taken": _l("%(child)s's %(role)s is already %(name)s: end that assignment first"),
    # network people
    "relationship_to_child.required": _l(
        "Enter how the child describes them, like Mum or My football coach"
    ),
    "relationship_to_child.too-long": _l(
        "How the child describes them must be %(max)d characters or fewer"
    ),
    # the CSV import
    "required": _l("This column is empty: it must have a value"),
    "too-long": _l("Too long: at most %(max)d characters"),
    "formula": _l(
        "Starts with %(start)s, which a spreadsheet would run as a formula: remove it, or "
        "write the text another way"
    ),
    "bad-date": _l("%(value)s is not a date: write dates like 2014-06-01 or 01/06/2014"),
    "unknown-placement": _l("%(value)s is not a placement type: write residential or foster"),
    "unknown-role": _l(
        "%(value)s is not a role: write keyworker, social-worker, iro, manager or admin"
    ),
    "duplicate-in-file": _l("The same %(what)s as row %(row)d"),
    "extra-cells": _l("This row has more cells than the file has columns"),
    "control-characters": _l("Contains characters that are not text (a NUL or similar)"),
    # the file as a whole
    "file.required": _l("Choose a CSV file"),
    "file.too-big": _l("The file is bigger than %(max)s: split it into smaller files"),
    "file.empty": _l("The file is empty"),
    "file.no-rows": _l("The file has its column names but no rows under them"),
    "file.not-utf8": _l(
        "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”."
    ),
    "file.not-csv": _l("The file is not a CSV file that can be read"),
    "file.not-csv-row": _l("The file cannot be read as CSV from row %(row)d (a stray quote?)"),
    "file.semicolons": _l(
        "The columns are separated by semicolons: save the file with commas between columns"
    ),
    "file.repeated-columns": _l("These columns appear more than once: %(columns)s"),
    "file.unknown-columns": _l(
        "These columns are not ones this import takes: %(columns)s. Start from the template."
    ),
    "file.missing-columns": _l("These columns are missing: %(columns)s"),
    "file.too-many-rows": _l("The file has more than %(max)d rows: split it into smaller files"),
    "file.not-checked": _l(
        "This is not the file the dry run checked: check this file first, then import it"
    ),
}

# Words the import report uses for what is duplicated.
DUPLICATE_WHAT: dict[str, LazyString] = {
    "child": _l("child (legal name and date of birth)"),
    "email": _l("email address"),
}


def role_words(role: Role) -> str:
    """A role in the middle of a sentence: "social worker", "Independent Reviewing Officer"."""
    label = str(ROLES[role])
    return label if role == Role.IRO else label.lower()


# How the start of a cell that looks like a formula is shown.
FORMULA_STARTS_SHOWN: dict[str, LazyString] = {
    "\t": _l("a tab"),
    "\r": _l("a line break"),
}


def _param(key: str, value: object) -> object:
    if isinstance(value, date):
        return format_date(value, "d MMMM y")
    if isinstance(value, Role):
        return role_words(value)
    if key == "what" and isinstance(value, str):
        return str(DUPLICATE_WHAT[value])
    if key == "start" and isinstance(value, str):
        shown = FORMULA_STARTS_SHOWN.get(value)
        return str(shown) if shown is not None else f"“{value}”"
    if isinstance(value, str) and len(value) > 60:
        return value[:60] + "…"
    return value


def issue_text(name: str, issue: Issue) -> str:
    """The words for one issue with the field or column `name`."""
    message = MESSAGES.get(f"{name}.{issue.code}") or MESSAGES.get(issue.code)
    if message is None:
        raise KeyError(f"no words for {name}.{issue.code}")
    params = {key: _param(key, value) for key, value in issue.params.items()}
    return str(message) % params if params else str(message)


def apply_issues(form: FlaskForm, issues: Mapping[str, Issue]) -> None:
    """Put the service's issues next to their fields (a field keeps the error it has)."""
    for name, issue in issues.items():
        field = getattr(form, name, None)
        if field is not None and not field.errors:
            field.errors = [issue_text(name, issue)]


# --- homes -------------------------------------------------------------------------------------


class HomeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Required()], render_kw={"autocomplete": "off"})
    kind = RadioField(
        _l("Kind of home"),
        choices=[SelectChoice(kind.value, HOME_KINDS[kind]) for kind in HomeKind],
        validators=[Required()],
        validate_choice=False,
    )
    address = TextAreaField(_l("Address"), render_kw={"autocomplete": "off", "rows": 4})
    alert_email = EmailField(
        _l("Email for a child's worries (optional)"),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    phone = TelField(
        _l("Phone number (optional)"),
        render_kw={"autocomplete": "off", "spellcheck": "false", "inputmode": "tel"},
    )


# --- children ----------------------------------------------------------------------------------


def _date_field(label: LazyString, invalid: LazyString, *, required: bool) -> DayField:
    return DayField(
        label,
        invalid=invalid,
        required=None,
        render_kw={"autocomplete": "off", "spellcheck": "false"},
        validators=[Required()] if required else [],
    )


class ChildForm(FlaskForm):
    form_key = FormKeyField()  # a new child's page sent twice makes one child (sent_once)
    legal_name = StringField(_l("Legal name"), validators=[Required()])
    preferred_name = StringField(_l("Preferred name"), validators=[Required()])
    date_of_birth = _date_field(
        _l("Date of birth"),
        _l("Date of birth must be a real date, written like 2014-06-01"),
        required=True,
    )
    first_language = StringField(_l("First language"), validators=[Required()], default="English")
    communication_needs = TextAreaField(_l("Communication needs (optional)"))
    became_looked_after = _date_field(
        _l("Date became looked after"),
        _l("Date became looked after must be a real date, written like 2025-01-06"),
        required=True,
    )
    placement_type = RadioField(
        _l("Placement type"),
        choices=[SelectChoice(kind.value, PLACEMENT_CHOICES[kind]) for kind in PlacementType],
        validators=[Required()],
        validate_choice=False,
    )
    # Offered: the open homes (and the child's own, if it has closed); checked by the service.
    home = SelectField(_l("Home"), validate_choice=False)
    placement_start = _date_field(
        _l("Placement start (optional)"),
        _l("Placement start must be a real date, written like 2025-01-06"),
        required=False,
    )
    left_care_on = _date_field(
        _l("Left care on (optional)"),
        _l("Left care date must be a real date, written like 2026-03-31"),
        required=False,
    )
    version = HiddenField()

    def set_homes(self, homes: list[tuple[str, str, str]]) -> None:
        """Offer these homes: (public id, name, kind label)."""
        self.home.choices = [
            SelectChoice("", _l("Choose a home")),
            *(SelectChoice(public_id, f"{name} ({kind})") for public_id, name, kind in homes),
        ]


class ChildFiltersForm(FlaskForm):
    """The children list's filters (a GET form: no CSRF token, nothing is changed)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name"), render_kw={"autocomplete": "off", "spellcheck": "false"})
    home = SelectField(_l("Home"), choices=[SelectChoice("", _l("All homes"))], default="")
    status = SelectField(
        _l("Show"),
        choices=[
            SelectChoice("looked-after", _l("Children looked after now")),
            SelectChoice("left-care", _l("Children who have left care")),
            SelectChoice("all", _l("Everyone")),
        ],
        default="looked-after",
    )
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(min=1)])

    def set_homes(self, homes: list[tuple[str, str]]) -> None:
        """Offer these homes: (public id, name)."""
        self.home.choices = [
            SelectChoice("", _l("All homes")),
            *(SelectChoice(public_id, name) for public_id, name in homes),
        ]


# --- staff -------------------------------------------------------------------------------------


def _role_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", _l("Choose a role")),
        *(SelectChoice(role.value, ROLES[role]) for role in Role),
    ]


class StaffForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Required()], render_kw={"autocomplete": "off"})
    email = EmailField(
        _l("Email address"),
        validators=[Required()],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )
    role = SelectField(
        _l("Role"), choices=_role_choices(), validators=[Required()], validate_choice=False
    )


class NewStaffForm(StaffForm):
    form_key = FormKeyField()  # sent twice makes one account (sent_once)
    password = PasswordField(
        _l("Temporary password"),
        validators=[Required()],
        render_kw={"autocomplete": "new-password", "spellcheck": "false"},
    )


class PasswordForm(FlaskForm):
    password = PasswordField(
        _l("New temporary password"),
        validators=[Required()],
        render_kw={"autocomplete": "new-password", "spellcheck": "false"},
    )


class StaffFiltersForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Name or email address"), render_kw={"autocomplete": "off", "spellcheck": "false"}
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("", _l("Every role")),
            *(SelectChoice(role.value, ROLES[role]) for role in Role),
        ],
        default="",
    )
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(min=1)])


# --- assignments and network people ------------------------------------------------------------


class AssignForm(FlaskForm):
    role = SelectField(
        _l("Role with the child"),
        choices=[
            SelectChoice("", _l("Choose a role")),
            *(SelectChoice(role.value, ROLES[role]) for role in CASEWORK_ROLES),
        ],
        validators=[Required()],
        validate_choice=False,
    )
    staff = SelectField(_l("Member of staff"), validators=[Required()], validate_choice=False)

    def set_staff(self, people: list[tuple[str, str, Role]]) -> None:
        """Offer these staff: (public id, name, role), grouped by role."""
        self.staff.choices = [
            SelectChoice("", _l("Choose someone")),
            *(
                SelectChoice(public_id, name, optgroup=str(ROLES[role]))
                for public_id, name, role in people
            ),
        ]


class EndAssignmentForm(FlaskForm):
    staff = HiddenField()
    role = HiddenField()


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Required()], render_kw={"autocomplete": "off"})
    relationship_to_child = StringField(_l("How the child describes them"), validators=[Required()])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("", _l("Choose their role")),
            *(SelectChoice(role.value, NETWORK_ROLES[role]) for role in NetworkRole),
        ],
        validators=[Required()],
        validate_choice=False,
    )
    parental_responsibility = BooleanField(_l("Has parental responsibility"))


# --- CSV import and the export ------------------------------------------------------------------


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[Required()], render_kw={"accept": ".csv,text/csv"})
    # The SHA-256 of the file a dry run found good: only that file may then be imported.
    checked = HiddenField()


class ExportForm(FlaskForm):
    """The export's date range (a GET form: nothing is changed)."""

    class Meta:
        csrf = False

    start = DayField(
        _l("Reviews held from"),
        invalid=_l("The 'from' date must be a real date, written like 2026-04-01"),
        required=_l("Enter the first day of the range"),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    end = DayField(
        _l("Reviews held up to"),
        invalid=_l("The 'up to' date must be a real date, written like 2027-03-31"),
        required=_l("Enter the last day of the range"),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
