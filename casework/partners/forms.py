"""Forms of the partners area: referring a case, answering a referral, panels and their meetings."""

from __future__ import annotations

import re
from datetime import datetime, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from casework.cases.forms_log import GovDateField
from casework.formatting import LONDON
from casework.partners.meetings import ATTENDANCE
from casework.partners.services import SHARING_LEVELS, TEXT_LIMIT, ActionInput

ACTION_ROWS = 3
TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def _too_long(what: str, limit: int = TEXT_LIMIT) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


def _area(label: str, what: str, required: str | None = None, **kwargs) -> TextAreaField:
    validators = [InputRequired(message=required)] if required else [Optional()]
    return TextAreaField(label, widget=GovTextArea(), validators=[*validators, _too_long(what)], **kwargs)


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ReferForm(FlaskForm):
    """A manager refers a case: to whom, why, what is asked of which agency, and by when."""

    target = SelectField(
        "Refer to",
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(message="Choose a panel or an agency to refer the case to")],
    )
    reason = _area(
        "Why are you referring the case?",
        "The reason",
        required="Enter the reason for the referral",
        description="This is shown to the panel or agency on the referral page, not in the e-mail.",
    )
    asked = _area(
        "What is asked of the panel or agency?",
        "What is asked",
        description="This goes in the e-mail: do not write anyone's name or address.",
    )
    due_on = GovDateField(
        "Due by (optional)",
        name_in_errors="The due date",
        description="For example, 27 3 2026. Leave it empty to use the latest action's date.",
    )
    sharing = RadioField(
        "How much of the case to share",
        widget=GovRadioInput(),
        choices=[SelectChoice(code, f"{label}: {hint}") for code, label, hint in SHARING_LEVELS],
        validators=[InputRequired(message="Choose how much of the case to share")],
    )
    submit = SubmitField("Refer the case", widget=GovSubmitInput())

    def set_choices(self, panels: list, agencies: list) -> None:
        targets = [SelectChoice("", "Choose a panel or agency")]
        targets += [SelectChoice(f"panel:{p.id}", f"Panel: {p.name}") for p in panels]
        targets += [SelectChoice(f"agency:{a.id}", f"Agency: {a.name}") for a in agencies]
        self.target.choices = targets
        owners = [SelectChoice("", "No action")] + [SelectChoice(str(a.id), a.name) for a in agencies]
        for number in range(1, ACTION_ROWS + 1):
            self[f"action{number}_agency"].choices = owners

    def target_ids(self) -> tuple[int | None, int | None]:
        """(panel id, agency id) from the chosen target."""
        kind, _, value = (self.target.data or "").partition(":")
        if not value.isdigit() or kind not in ("panel", "agency"):
            return None, None
        return (int(value), None) if kind == "panel" else (None, int(value))

    def action_inputs(self) -> list[ActionInput]:
        """The action rows that were filled in (a row with neither agency nor text is skipped)."""
        actions = []
        for number in range(1, ACTION_ROWS + 1):
            agency = self[f"action{number}_agency"].data or ""
            text = (self[f"action{number}_description"].data or "").strip()
            if not agency and not text:
                continue
            actions.append(
                ActionInput(
                    agency_id=int(agency) if agency.isdigit() else 0,
                    description=text,
                    due_on=self[f"action{number}_due"].data,
                    number=number,
                )
            )
        return actions


for _n in range(1, ACTION_ROWS + 1):
    setattr(
        ReferForm,
        f"action{_n}_agency",
        SelectField(f"Action {_n}: agency", widget=GovSelect(), validate_choice=False),
    )
    setattr(
        ReferForm,
        f"action{_n}_description",
        StringField(
            f"Action {_n}: what is asked of the agency",
            widget=GovTextInput(),
            validators=[_too_long(f"Action {_n}")],
        ),
    )
    setattr(
        ReferForm,
        f"action{_n}_due",
        GovDateField(
            f"Action {_n}: due by",
            name_in_errors=f"Action {_n}'s due date",
            description="Leave empty for the usual time for partner actions.",
        ),
    )


class DeclineForm(FlaskForm):
    reason = _area(
        "Why are you declining the referral?", "The reason", required="Enter the reason for declining"
    )
    submit = SubmitField("Decline the referral", widget=GovSubmitInput())


class UpdateForm(FlaskForm):
    body = _area("Post an update", "The update", required="Enter the update")
    submit = SubmitField("Post the update", widget=GovSubmitInput())


class ActionDoneForm(FlaskForm):
    note = StringField(
        "What was done (optional)", widget=GovTextInput(), validators=[Optional(), _too_long("What was done")]
    )
    submit = SubmitField("Mark as done", widget=GovSubmitInput())


class CloseReferralForm(FlaskForm):
    note = _area("Why is the referral closed?", "The note", required="Enter why the referral is closed")
    submit = SubmitField("Close the referral", widget=GovSubmitInput())


def parse_time(text: str) -> time:
    """'10:30', '10.30', '2pm', '2:30pm', '14:00' to a time; ValueError with a message otherwise."""
    match = TIME_RE.match((text or "").strip())
    if match is None:
        raise ValueError("Enter the time like 10:00 or 2:30pm")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise ValueError("Enter the time like 10:00 or 2:30pm")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError("Enter a real time, like 10:00 or 2:30pm")
    return time(hour, minute)


class MeetingForm(FlaskForm):
    day = GovDateField("Date", name_in_errors="The date", description="For example, 27 3 2026")
    start = StringField(
        "Start time",
        widget=GovTextInput(),
        description="For example, 10:00 or 2:30pm",
        validators=[InputRequired(message="Enter the start time")],
    )
    location = StringField(
        "Where",
        widget=GovTextInput(),
        description="For example, Civic Centre, Committee Room 2, or a video call",
        validators=[InputRequired(message="Enter where the meeting is"), _too_long("Where", 200)],
    )
    submit = SubmitField("Schedule the meeting", widget=GovSubmitInput())

    def validate_start(self, field) -> None:
        try:
            parse_time(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_day(self, field) -> None:
        if field.data is None:
            raise ValidationError("Enter the date of the meeting")

    def starts_at(self) -> datetime:
        """The start as an aware datetime (London time as entered)."""
        return datetime.combine(self.day.data, parse_time(self.start.data), tzinfo=LONDON)


class MeetingStatusForm(FlaskForm):
    status = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class AttendanceForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the person's name"), _too_long("The name", 200)],
    )
    agency_id = SelectField("Agency", widget=GovSelect(), validate_choice=False)
    status = RadioField(
        "Attendance",
        widget=GovRadioInput(),
        choices=[SelectChoice(code, label) for code, label in ATTENDANCE],
        validators=[InputRequired(message="Choose present or sent apologies")],
    )
    submit = SubmitField("Add to attendance", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    referral_id = SelectField("About", widget=GovSelect(), validate_choice=False)
    body = _area("Decision", "The decision", required="Enter the decision")
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class MeetingActionForm(FlaskForm):
    referral_id = SelectField(
        "Referral",
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(message="Choose the referral")],
    )
    agency_id = SelectField(
        "Agency",
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(message="Choose the agency")],
    )
    description = StringField(
        "What the agency is to do",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter what the agency is to do"), _too_long("The action")],
        description="This goes in the e-mail to the agency: do not write anyone's name or address.",
    )
    due_on = GovDateField("Due by", name_in_errors="The due date", description="For example, 27 3 2026")
    submit = SubmitField("Add the action", widget=GovSubmitInput())

    def validate_due_on(self, field) -> None:
        if field.data is None:
            raise ValidationError("Enter the due date")


class PanelForm(FlaskForm):
    members = SelectMultipleField("Member agencies", widget=GovCheckboxesInput(), validate_choice=False)
    chair = SelectField("Chair", widget=GovSelect(), validate_choice=False)
    cadence = StringField(
        "How often it meets",
        widget=GovTextInput(),
        description="For example, Monthly",
        validators=[_too_long("This", 100)],
    )
    cadence_days = StringField(
        "Days between meetings (optional)",
        widget=GovTextInput(),
        description="Used to suggest the next meeting's date. Leave empty for a panel convened as needed.",
    )
    submit = SubmitField("Save the panel", widget=GovSubmitInput())

    def validate_cadence_days(self, field) -> None:
        value = (field.data or "").strip()
        if value and (not value.isdigit() or not 1 <= int(value) <= 366):
            raise ValidationError("Days between meetings must be a whole number from 1 to 366")

    def chair_ids(self) -> tuple[int | None, int | None]:
        kind, _, value = (self.chair.data or "").partition(":")
        if not value.isdigit():
            return None, None
        return (int(value), None) if kind == "user" else (None, int(value))


class ContactForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the contact's name"), _too_long("The name", 200)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the email address"),
            Email(message="Enter an email address like name@example.org"),
            _too_long("The email address", 254),
        ],
    )
    role = StringField(
        "Role (optional)",
        widget=GovTextInput(),
        description="For example, ASB team mailbox",
        validators=[_too_long("The role", 100)],
    )
    submit = SubmitField("Add the contact", widget=GovSubmitInput())
