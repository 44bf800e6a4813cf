"""Forms of the case page: workflow actions, assignment, clearance, notes, people and evidence.

Every form that changes the case itself carries the case's `version` in a hidden field, so that a
change made by someone else since the page was opened is caught (optimistic locking).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from casework.cases import services, workflow
from casework.cases.categories import (
    CLEARED_BY,
    FLYTIP_SIZES,
    LAND_TYPES,
    PARTY_ROLES,
    VULNERABILITIES,
    WASTE_TYPES,
)
from casework.cases.location import LocationError, normalise_postcode
from casework.db_types import utcnow
from casework.formatting import london


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from one of the (code, label) lists of categories or workflow."""
    return [SelectChoice(value, label) for value, label in pairs]


# The hidden version field is never shown; its errors ("this case changed") link to the case's
# details, which the page shows as they are now.
CASE_DETAILS_ID = "case-details"


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year boxes sharing one name) with plain-English errors."""

    def __init__(self, label=None, validators=None, invalid_message: str = "Enter a real date", **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        parts = [str(value).strip() for value in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts  # the widget redraws exactly three boxes, whatever was posted
        if not any(parts):
            self.data = None
            return
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1900:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None


class DateGiven:
    """Ask for a date left blank (a badly written one keeps its own, more useful, message)."""

    field_flags = {"required": True}

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if not any(field.raw_data or []):
            raise StopValidation(self.message)


class MoneyField(StringField):
    """An amount in pounds ('150', '£1,200.50'); `data` is a Decimal, or None when left blank."""

    invalid_message = "Enter the cost in pounds, like 150 or 150.50"

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw_text = raw
        if not raw:
            self.data = None
            return
        cleaned = raw.replace("£", "").replace(",", "").strip()
        if not re.fullmatch(r"\d{1,7}(\.\d{1,2})?", cleaned):
            self.data = None
            raise ValueError(self.invalid_message)
        try:
            self.data = Decimal(cleaned).quantize(Decimal("0.01"))
        except InvalidOperation:
            self.data = None
            raise ValueError(self.invalid_message) from None

    def _value(self) -> str:
        if getattr(self, "raw_text", None) is not None and self.data is None:
            return self.raw_text
        return f"{self.data:.2f}" if self.data is not None else ""


class VersionedForm(FlaskForm):
    """A form that changes the case: it carries the version of the case the user saw."""

    version = HiddenField(id=CASE_DETAILS_ID, render_kw={"id": False})

    def expected_version(self) -> int:
        """The version the user saw (0, never a real version, when the field was missing or mangled)."""
        try:
            return int(self.version.data or 0)
        except ValueError:
            return 0

    def show_changed(self, message: str, latest_version: int) -> None:
        """Say the case changed, and take the latest version so that sending again works."""
        self.version.data = str(latest_version)
        self.version.errors = [message]


class TransitionForm(VersionedForm):
    """Confirm a workflow action, with the outcome, original case and reason it needs."""

    outcome = RadioField(
        "Outcome",
        widget=GovRadioInput(),
        choices=choices(workflow.OUTCOMES),
        validate_choice=False,  # the workflow's guard names a missing or unknown outcome in plain English
    )
    duplicate_of = StringField(
        "Reference of the original case",
        widget=GovTextInput(),
        description="For example, DAR-2026-00042",
        validators=[Length(max=30, message="Enter a case reference, like DAR-2026-00042")],
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="The reason must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class AssignForm(VersionedForm):
    """A manager assigns or reassigns the case."""

    officer = SelectField("Assign to", widget=GovSelect(), coerce=str, validate_choice=False)
    submit = SubmitField("Assign", widget=GovSubmitInput())

    def set_officers(self, officers: list) -> None:
        self.officer.choices = choices(
            [("", "Nobody (unassigned)")] + [(str(o.id), o.name) for o in officers]
        )


class TakeForm(VersionedForm):
    """An officer takes an unassigned case."""

    submit = SubmitField("Take this case", widget=GovSubmitInput())


class ClearanceForm(VersionedForm):
    """When and by whom a flytip was cleared, and what it cost."""

    cleared_on = GovDateField(
        "When was it cleared?",
        description="For example, 27 3 2026",
        invalid_message="Enter the date it was cleared as a real date, like 27 3 2026",
        validators=[DateGiven("Enter the date the flytip was cleared")],
    )
    cleared_by = RadioField(
        "Who cleared it?",
        widget=GovRadioInput(),
        choices=choices(CLEARED_BY),
        validate_choice=False,
        validators=[InputRequired(message="Select who cleared the flytip")],
    )
    cost = MoneyField(
        "Clearance cost in pounds",
        widget=GovTextInput(),
        description="The council's standard cost for this size; change it if it was different.",
    )
    submit = SubmitField("Save clearance", widget=GovSubmitInput())


class FlytipDetailsForm(VersionedForm):
    """Correct a flytip's size, land type and waste types (what the Flycapture return counts)."""

    size = RadioField(
        "Size",
        widget=GovRadioInput(),
        choices=choices(FLYTIP_SIZES),
        validate_choice=False,
        validators=[InputRequired(message="Select the size of the flytip")],
    )
    land_type = SelectField(
        "Land type",
        widget=GovSelect(),
        choices=choices([("", "Select the land type"), *LAND_TYPES]),
        validate_choice=False,
        validators=[InputRequired(message="Select the land type")],
    )
    waste_types = SelectMultipleField(
        "Waste types",
        widget=GovCheckboxesInput(),
        choices=choices(WASTE_TYPES),
        validate_choice=False,
        description="Select all that apply",
    )
    submit = SubmitField("Save flytip details", widget=GovSubmitInput())


class NoteForm(FlaskForm):
    """A note on the case."""

    body = TextAreaField(
        "Add a note",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Enter the note"),
            Length(max=10_000, message="The note must be 10,000 characters or fewer"),
        ],
    )
    restricted = BooleanField("Restricted: council staff only", widget=GovCheckboxInput())
    submit = SubmitField("Add note", widget=GovSubmitInput())


def _postcode(form, field) -> None:
    try:
        normalise_postcode(field.data)
    except LocationError as error:
        raise ValidationError(error.message) from None


def _not_in_future(form, field) -> None:
    if field.data is not None and field.data > london(utcnow()).date():
        raise ValidationError("The date of birth must be in the past")


EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.org"
ROLE_FIELD_ARGS = {
    "label": "Their part in the case",
    "widget": GovRadioInput(),
    "choices": choices(PARTY_ROLES),
    "validate_choice": False,  # the service names an unknown part in plain English
    "validators": [InputRequired(message="Select the person's part in the case")],
}


class PartyForm(FlaskForm):
    """A new person put on the case."""

    role = RadioField(**ROLE_FIELD_ARGS)
    first_name = StringField("First name", widget=GovTextInput(), validators=[Length(max=100)])
    last_name = StringField("Last name", widget=GovTextInput(), validators=[Length(max=100)])
    phone = StringField("Phone number", widget=GovTextInput(), validators=[Length(max=40)])
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Email(message=EMAIL_MESSAGE, check_deliverability=False),
            Length(max=254),
        ],
    )
    address = StringField("Address", widget=GovTextInput(), validators=[Length(max=300)])
    postcode = StringField("Postcode", widget=GovTextInput(), validators=[Length(max=10), _postcode])
    date_of_birth = GovDateField(
        "Date of birth (optional)",
        description="For example, 31 3 1980",
        invalid_message="Enter the date of birth as a real date, like 31 3 1980",
        validators=[_not_in_future],
    )
    vulnerabilities = SelectMultipleField(
        "Vulnerability",
        widget=GovCheckboxesInput(),
        choices=choices(VULNERABILITIES),
        description="Select all that apply.",
    )
    vulnerability_notes = TextAreaField(
        "Notes about the person's needs",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="The notes must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Add person", widget=GovSubmitInput())

    def person_input(self) -> services.PersonInput:
        """What the form holds, for services.add_party."""
        return services.PersonInput(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            phone=self.phone.data or "",
            email=self.email.data or "",
            address=self.address.data or "",
            postcode=normalise_postcode(self.postcode.data),
            date_of_birth=self.date_of_birth.data,
            vulnerabilities=list(self.vulnerabilities.data or []),
            vulnerability_notes=self.vulnerability_notes.data or "",
        )


class LinkPartyForm(FlaskForm):
    """A person already known (found by searching) put on this case too."""

    person_id = HiddenField(render_kw={"id": False})
    role = RadioField(id="link-role", **ROLE_FIELD_ARGS)
    submit = SubmitField("Add to this case", widget=GovSubmitInput())

    def person_number(self) -> int | None:
        try:
            return int(self.person_id.data)
        except (TypeError, ValueError):
            return None


class EvidenceForm(FlaskForm):
    """Upload a photo or document."""

    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A photo (JPEG, PNG or WebP) or a PDF document.",
        validators=[FileRequired(message="Select a file to upload")],
    )
    description = StringField(
        "Description (optional)",
        widget=GovTextInput(),
        validators=[Length(max=500, message="The description must be 500 characters or fewer")],
    )
    internal = BooleanField(
        "Internal only",
        widget=GovCheckboxInput(),
        description="For council staff only: never shared with partner agencies.",
    )
    submit = SubmitField("Upload", widget=GovSubmitInput())
