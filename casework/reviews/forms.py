"""Forms of the case review area. Field names match the `field` of the services' ReviewError."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from casework.cases.forms_log import GovDateField
from casework.reviews.services import TEXT_LIMIT

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _area(label: str, what: str, required: str | None = None, **kwargs) -> TextAreaField:
    validators = [InputRequired(message=required)] if required else [Optional()]
    too_long = Length(max=TEXT_LIMIT, message=f"{what} must be {TEXT_LIMIT:,} characters or fewer")
    return TextAreaField(label, widget=GovTextArea(), validators=[*validators, too_long], **kwargs)


def _date(label: str, what: str, **kwargs) -> GovDateField:
    return GovDateField(label, name_in_errors=what, description="For example, 27 3 2026", **kwargs)


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (and, for the prompt, whom it is about)."""

    person_id = HiddenField()
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ApplicationForm(FlaskForm):
    """An application for a case review on the victim's case."""

    victim_person_id = RadioField(
        "Who is the victim?", widget=GovRadioInput(), validate_choice=False, choices=[], coerce=str
    )
    on_behalf = RadioField(
        "Is someone applying on the victim's behalf?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[InputRequired(message="Choose whether someone is applying on the victim's behalf")],
    )
    applicant_name = StringField(
        "Applicant's name (if on the victim's behalf)",
        widget=GovTextInput(),
        validators=[Length(max=200, message="The applicant's name must be 200 characters or fewer")],
    )
    applicant_relationship = StringField(
        "Their relationship to the victim",
        widget=GovTextInput(),
        description="For example, daughter, councillor, support worker",
        validators=[Length(max=100, message="The relationship must be 100 characters or fewer")],
    )
    received_on = _date("Date the application was received", "The date the application was received")
    behaviour = _area(
        "What behaviour is the application about?",
        "The behaviour",
        required="Enter the behaviour the application is about",
    )
    submit = SubmitField("Record the application", widget=GovSubmitInput())


class DayForm(FlaskForm):
    """One step recorded with its date (acknowledgement, outcome letter)."""

    day = _date("Date", "The date")
    submit = SubmitField("Save", widget=GovSubmitInput())


class ComplaintForm(FlaskForm):
    """A complaint the applicant made about the behaviour, to the council or another agency."""

    behaviour_on = _date("When did the behaviour happen?", "The date of the behaviour")
    reported_on = _date("When was it reported?", "The date it was reported")
    reported_to = StringField(
        "Who was it reported to?",
        widget=GovTextInput(),
        description="For example, Kent Police (crime reference 46/12345/26), the housing provider",
        validators=[Length(max=200, message="Who it was reported to must be 200 characters or fewer")],
    )
    description = _area("What was reported? (optional)", "What was reported")
    submit = SubmitField("Add the complaint", widget=GovSubmitInput())


class ThresholdForm(FlaskForm):
    """The threshold decision."""

    met = RadioField(
        "Is the threshold met?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[InputRequired(message="Choose whether the threshold is met")],
    )
    reason = _area("Reason for the decision", "The reason", required="Enter the reason for the decision")
    decided_on = _date("Date of the decision", "The date of the decision")
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class MeetingForm(FlaskForm):
    """The review meeting and its outcome."""

    meeting_on = _date("Date of the review meeting", "The date of the meeting")
    outcome = _area("Outcome of the review", "The outcome", required="Enter the outcome of the review")
    submit = SubmitField("Record the meeting", widget=GovSubmitInput())


class RecommendationForm(FlaskForm):
    """A recommendation of the review."""

    text = _area("Recommendation", "The recommendation", required="Enter the recommendation")
    agency_id = SelectField("Agency responsible", widget=GovSelect(), validate_choice=False, choices=[])
    due_on = _date("Due by", "The due date")
    submit = SubmitField("Add the recommendation", widget=GovSubmitInput())

    def set_agencies(self, agencies: list) -> None:
        self.agency_id.choices = [SelectChoice("", "Choose an agency")] + [
            SelectChoice(str(a.id), a.name) for a in agencies
        ]


class CompleteForm(FlaskForm):
    """A recommendation done."""

    completed_on = _date("Date completed", "The date it was completed")
    note = _area("What was done?", "What was done", required="Enter what was done")
    submit = SubmitField("Mark as complete", widget=GovSubmitInput())


class AppealForm(FlaskForm):
    """An appeal received."""

    against = RadioField(
        "What is the appeal against?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[],
        validators=[InputRequired(message="Choose what the appeal is against")],
    )
    received_on = _date("Date the appeal was received", "The date the appeal was received")
    grounds = _area("Grounds of appeal", "The grounds", required="Enter the grounds of appeal")
    submit = SubmitField("Record the appeal", widget=GovSubmitInput())


class AppealDecisionForm(FlaskForm):
    """The decision on an appeal."""

    upheld = RadioField(
        "Is the appeal upheld?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[InputRequired(message="Choose whether the appeal is upheld")],
    )
    decision = _area("Reasons for the decision", "The reasons", required="Enter the reasons for the decision")
    decided_on = _date("Date of the decision", "The date of the decision")
    submit = SubmitField("Record the decision", widget=GovSubmitInput())
