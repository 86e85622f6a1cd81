from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import NoLongerThan, language_choices
from ..models.people import KNOWN_AS_LENGTH


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address")), Length(max=320)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class SecurityCodeForm(FlaskForm):
    code = StringField(
        _l("Security code"),
        validators=[
            DataRequired(_l("Enter the 6-digit security code from your authenticator app")),
            Length(max=32, message=_l("Enter the 6-digit security code")),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
            "autocapitalize": "off",
        },
    )


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        _l("Recovery code"),
        validators=[
            DataRequired(_l("Enter one of your recovery codes")),
            Length(max=64, message=_l("Enter a recovery code, like abcd-efgh-jkmn")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password")),
            Length(min=12, message=_l("The new password must be at least 12 characters long")),
            Length(max=1024, message=_l("The new password must be at most 1024 characters long")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language for these pages"), validate_choice=True)

    def __init__(self, languages: dict[str, tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.language.choices = language_choices(languages, _l("The language my browser asks for"))


class KnownAsForm(FlaskForm):
    known_as = StringField(
        _l("What children call you"),
        validators=[
            NoLongerThan(
                KNOWN_AS_LENGTH, _l("What children call you must be 60 characters or fewer")
            )
        ],
        render_kw={"autocomplete": "nickname", "spellcheck": "false"},
    )
