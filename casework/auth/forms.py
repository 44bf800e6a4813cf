"""Sign-in and password forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, Field, PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from casework.auth.passwords import password_problem


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter your password"),
            Length(max=256, message="Password must be 256 characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _acceptable_password(form: FlaskForm, field: Field) -> None:
    # The service checks again (with the user's e-mail); checking here shows every error at once.
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _new_password_field() -> PasswordField:
    return PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. A few unrelated words make a good password.",
        validators=[InputRequired(message="Enter a new password"), _acceptable_password],
    )


def _confirm_field() -> PasswordField:
    return PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )


class SetPasswordForm(FlaskForm):
    password = _new_password_field()
    confirm = _confirm_field()
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    # Fields are declared in page order, which is also the order of the error summary.
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    password = _new_password_field()
    confirm = _confirm_field()
    submit = SubmitField("Save password", widget=GovSubmitInput())
