"""Forms of the Open311 admin pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from casework.cases.categories import REPORT_CHANNELS
from casework.cases.forms_case import choices


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ClientForm(FlaskForm):
    name = StringField(
        "Client name",
        widget=GovTextInput(),
        filters=[_strip],
        description="For example, FixMyStreet or Dartford council website",
        validators=[
            DataRequired(message="Enter the client's name"),
            Length(max=100, message="The client's name must be 100 characters or fewer"),
        ],
    )
    channel = RadioField(
        "How do its reports reach the council?",
        choices=choices(REPORT_CHANNELS),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Select the channel the client's reports come through")],
    )
    boroughs = SelectMultipleField(
        "Boroughs it reports for",
        coerce=int,
        widget=GovCheckboxesInput(),
        description="Leave all unticked for every borough: each report goes to the borough of its location",
    )
    submit = SubmitField("Add client", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """Only a CSRF token and a button: issue or revoke a key."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
