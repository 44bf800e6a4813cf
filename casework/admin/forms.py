"""Forms for managing user accounts."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import EmailField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length

from casework.auth.roles import ROLE_LABELS
from casework.partners.models import Agency
from casework.places.models import Borough

ROLE_HINTS = {
    "officer": "Logs incidents and works cases in their borough",
    "manager": "Allocates and approves; with no borough, a partnership manager for all",
    "partner": "Sees only what is referred to their agency",
    "admin": "Manages accounts and settings",
}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class UserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(message="Enter the person's full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(message="Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
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

    def set_choices(self, boroughs: Iterable[Borough], agencies: Iterable[Agency]) -> None:
        """The boroughs and agencies to choose from (known only at request time)."""
        self.borough_id.choices = [SelectChoice("", "All boroughs")] + [
            SelectChoice(str(b.id), b.name) for b in boroughs
        ]
        self.agency_id.choices = [SelectChoice("", "Not a partner user")] + [
            SelectChoice(str(a.id), a.name) for a in agencies
        ]

    def role_items(self) -> list[dict]:
        """Per-role hints, merged into the radios by position."""
        return [{"hint": {"text": ROLE_HINTS[choice.value]}} for choice in self.role.choices]


class ConfirmForm(FlaskForm):
    """A form with only a CSRF token and a button, for actions like deactivation."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
