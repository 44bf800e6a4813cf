"""Forms for managing user accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import EmailField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from casework.auth.roles import ROLE_LABELS

ROLE_HINTS = {
    "officer": "Logs incidents and works cases in their borough",
    "manager": "Allocates and approves; with no borough, a partnership manager for all",
    "partner": "Sees only what is referred to their agency",
    "admin": "Manages accounts and settings",
}


class UserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the person's full name"), Length(max=200)],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter an email address"),
            Email(message="Enter an email address in the correct format, like name@example.org", check_deliverability=False),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(message="Select a role")],
    )
    borough_id = SelectField(
        "Borough",
        widget=GovSelect(),
        description="For officers and managers. Choose 'All boroughs' for partnership-wide staff.",
        coerce=str,
    )
    agency_id = SelectField(
        "Partner agency",
        widget=GovSelect(),
        description="For partner agency users only.",
        coerce=str,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def set_choices(self, boroughs, agencies) -> None:
        self.borough_id.choices = [("", "All boroughs")] + [(str(b.id), b.name) for b in boroughs]
        self.agency_id.choices = [("", "Not a partner user")] + [(str(a.id), a.name) for a in agencies]


class ConfirmForm(FlaskForm):
    """A form with only a CSRF token and a button, for actions like deactivation."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
