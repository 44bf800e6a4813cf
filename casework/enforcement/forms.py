"""Forms of the enforcement pages: the kind chooser, each kind's form, updates, publication, carrier checks.

One action form holds every field; each kind shows (and the service checks) only its own, listed in
KIND_FIELDS. Kind-specific rules live in casework/enforcement/services.py, so a message reaches the
page the same way whichever field it concerns.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from casework.cases.forms_case import DateGiven, GovDateField, MoneyField, choices
from casework.enforcement.kinds import (
    ACTION_KINDS,
    CARRIER_RESULTS,
    CARRIER_TIERS,
    OFFENCES,
    PROSECUTION_OUTCOMES,
)

# The fields each kind's form shows, in order (issued_on and notes are on every form).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "investigation": (),
    "warning_letter": ("person_id",),
    "abc": ("person_id", "requirements", "ends_on"),
    "cpw": ("person_id", "requirements", "compliance_date"),
    "cpn": ("person_id", "requirements", "compliance_date"),
    "fpn": ("person_id", "offence", "amount", "early_amount"),
    "s34_notice": ("person_id", "requirements", "compliance_date"),
    "s46_notice": ("person_id", "requirements", "compliance_date"),
    "s71_notice": ("person_id", "requirements", "compliance_date"),
    "duty_of_care_inspection": ("person_id", "premises"),
    "stop_and_search": ("person_id", "vehicle_registration"),
    "vehicle_seized": ("person_id", "vehicle_registration"),
    "formal_caution": ("person_id", "offence"),
    "injunction": ("person_id", "court", "ends_on"),
    "closure": ("premises", "ends_on"),
    "prosecution": ("person_id", "offence", "court", "hearing_on"),
}
ISSUED_LABELS = {
    "investigation": "When did the investigation start?",
    "duty_of_care_inspection": "When was the inspection?",
    "stop_and_search": "When was the stop?",
    "vehicle_seized": "When was the vehicle seized?",
    "formal_caution": "When was the caution given?",
    "injunction": "When was the injunction granted?",
    "prosecution": "When did proceedings begin (summons or charge)?",
}


class KindForm(FlaskForm):
    """Step 1 of adding an action: which kind."""

    kind = RadioField(
        "What enforcement action are you recording?",
        widget=GovRadioInput(),
        choices=choices([(kind.code, kind.label) for kind in ACTION_KINDS]),
        validators=[InputRequired("Select the kind of enforcement action")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """Step 2: the kind's own fields."""

    issued_on = GovDateField(
        "When was it issued?", description="For example, 27 3 2026", validators=[DateGiven("Enter the date")]
    )
    person_id = SelectField(
        "Who is it against?",
        widget=GovSelect(),
        validate_choice=False,
        description="Only people already on the case are listed: add the person to the case first.",
    )
    requirements = TextAreaField(
        "What must they do or stop doing?",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Keep this to 5,000 characters or fewer")],
    )
    compliance_date = GovDateField(
        "By when must they comply?",
        description="The compliance check falls due on this date",
    )
    offence = RadioField("Offence", widget=GovRadioInput(), choices=choices(OFFENCES), validate_choice=False)
    amount = MoneyField(
        "Amount",
        widget=GovTextInput(),
        description="Leave blank for the council's usual amount for the offence",
    )
    early_amount = MoneyField(
        "Early payment amount",
        widget=GovTextInput(),
        description="Optional: a lower amount if paid early; it must be less than the amount",
    )
    court = StringField(
        "Court",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Keep the court to 200 characters")],
    )
    hearing_on = GovDateField("Date of the first hearing", description="Optional, for example, 27 3 2026")
    vehicle_registration = StringField(
        "Vehicle registration",
        widget=GovTextInput(),
        validators=[Length(max=12, message="Enter a registration like AB12 CDE")],
    )
    premises = StringField(
        "Premises (name and address)",
        widget=GovTextInput(),
        validators=[Length(max=300, message="Keep the premises to 300 characters")],
    )
    ends_on = GovDateField("When does it end?", description="Optional, for example, 27 3 2027")
    notes = TextAreaField(
        "Notes",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Keep the notes to 5,000 characters or fewer")],
    )
    submit = SubmitField("Record action", widget=GovSubmitInput())

    def set_people(self, people: list) -> None:
        self.person_id.choices = choices(
            [("", "Not named / not on the case")] + [(str(p.id), p.full_name) for p in people]
        )

    def person(self) -> int | None:
        try:
            return int(self.person_id.data) if self.person_id.data else None
        except ValueError:
            return None


class ComplianceForm(FlaskForm):
    """The compliance check of a warning or notice."""

    result = RadioField(
        "Did they comply?",
        widget=GovRadioInput(),
        choices=choices([("complied", "Yes, they complied"), ("breached", "No, they breached it")]),
        validators=[InputRequired("Select whether they complied")],
    )
    checked_on = GovDateField(
        "When did you check?",
        description="For example, 27 3 2026",
        validators=[DateGiven("Enter the date of the check")],
    )
    note = TextAreaField("What you found", widget=GovTextArea(), validators=[Length(max=2000)])
    submit = SubmitField("Record the check", widget=GovSubmitInput())


class PaymentForm(FlaskForm):
    """An FPN's payment."""

    paid_on = GovDateField(
        "When was it paid?",
        description="For example, 27 3 2026",
        validators=[DateGiven("Enter the date it was paid")],
    )
    paid_amount = MoneyField("Amount paid", widget=GovTextInput())
    submit = SubmitField("Record payment", widget=GovSubmitInput())


class HearingForm(FlaskForm):
    """A prosecution's hearing date."""

    hearing_on = GovDateField(
        "Date of the hearing",
        description="For example, 27 3 2026",
        validators=[DateGiven("Enter the date of the hearing")],
    )
    court = StringField(
        "Court",
        widget=GovTextInput(),
        description="Leave as it is unless the case moved court",
        validators=[Length(max=200)],
    )
    submit = SubmitField("Add hearing", widget=GovSubmitInput())


class OutcomeForm(FlaskForm):
    """A prosecution's result."""

    outcome = RadioField(
        "Result", widget=GovRadioInput(), choices=choices(PROSECUTION_OUTCOMES), validate_choice=False
    )
    outcome_on = GovDateField(
        "Date of the result",
        description="For example, 27 3 2026",
        validators=[DateGiven("Enter the date of the result")],
    )
    fine = MoneyField("Fine", widget=GovTextInput(), description="Leave blank if none")
    costs = MoneyField(
        "Costs awarded to the council", widget=GovTextInput(), description="Leave blank if none"
    )
    submit = SubmitField("Record result", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    """Withdraw an action."""

    reason = TextAreaField("Why is it withdrawn?", widget=GovTextArea(), validators=[Length(max=2000)])
    submit = SubmitField("Withdraw action", widget=GovSubmitInput())


class PublishForm(FlaskForm):
    """A manager publishes a proved prosecution."""

    name_confirmed = BooleanField(
        "I have confirmed the court result, with this name, is public",
        widget=GovCheckboxInput(),
    )
    public_name = StringField(
        "Name to publish",
        widget=GovTextInput(),
        description="Only when confirmed; leave blank to publish without a name",
        validators=[Length(max=200)],
    )
    submit = SubmitField("Publish", widget=GovSubmitInput())


class UnpublishForm(FlaskForm):
    """Take a result off the public page."""

    submit = SubmitField("Unpublish", widget=GovSubmitInput())


class CarrierCheckForm(FlaskForm):
    """A waste carrier check against the Environment Agency register."""

    carrier_name = StringField("Carrier's name", widget=GovTextInput(), validators=[Length(max=200)])
    registration_number = StringField(
        "Registration number",
        widget=GovTextInput(),
        description="As on the Environment Agency register, for example CBDU123456",
        validators=[Length(max=20, message="Enter a registration number like CBDU123456")],
    )
    tier = RadioField("Tier", widget=GovRadioInput(), choices=choices(CARRIER_TIERS), validate_choice=False)
    result = RadioField(
        "Result of the check", widget=GovRadioInput(), choices=choices(CARRIER_RESULTS), validate_choice=False
    )
    checked_on = GovDateField(
        "When did you check?",
        description="For example, 27 3 2026",
        validators=[DateGiven("Enter the date of the check")],
    )
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Length(max=5000)])
    submit = SubmitField("Record check", widget=GovSubmitInput())
