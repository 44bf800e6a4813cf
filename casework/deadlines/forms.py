"""Forms for the deadline admin pages and the digest setting on the account page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import Field, HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from casework.cases.categories import TYPE_GROUPS
from casework.cases.forms_log import GovDateField
from casework.cases.models import CaseType, Priority
from casework.cases.workflow import STATES
from casework.deadlines.admin import PolicyInput
from casework.deadlines.models import ServiceLevelPolicy
from casework.deadlines.policies import (
    KINDS,
    RISKS,
    RUNGS,
    UNITS,
    Duration,
    PolicyError,
    format_durations,
    parse_durations,
    parse_ladder,
)

ANY = ""
EVENT = ""


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ClosureDayForm(FlaskForm):
    day = GovDateField("Date", name_in_errors="The date", description="For example, 29 12 2026")
    reason = StringField(
        "Reason",
        widget=GovTextInput(),
        description="For example, “Christmas closure”.",
        validators=[Length(max=200, message="The reason must be 200 characters or fewer")],
    )
    submit = SubmitField("Add closure day", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ActiveForm(FlaskForm):
    """A button that switches a policy on ('1') or off ('0')."""

    active = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Confirm", widget=GovSubmitInput())

    def validate_active(self, field: Field) -> None:
        if field.data not in ("0", "1"):
            raise ValidationError("Choose to activate or deactivate")


class DigestForm(FlaskForm):
    digest = RadioField(
        "Daily deadline e-mail",
        widget=GovRadioInput(),
        choices=_choices([("on", "Send me the daily e-mail"), ("off", "Do not send it")]),
        description="Each working morning: what is due today and what is overdue on your cases.",
        validators=[InputRequired(message="Select whether you want the daily e-mail")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


def _parsed(parse):
    def check(form: FlaskForm, field: Field) -> None:
        try:
            parse(field.data or "")
        except PolicyError as error:
            raise ValidationError(error.message) from None

    return check


def _whole_number(form: FlaskForm, field: Field) -> None:
    text = (field.data or "").strip()
    if not text.isdigit() or int(text) < 1:
        raise ValidationError("The deadline must be a whole number of working days or hours, like 5")
    if int(text) > 9999:
        raise ValidationError("The deadline must be 9999 or fewer")


RUNG_HINT = (
    "In order, separated by commas. Rungs: "
    + ", ".join(code for code, _ in RUNGS)
    + ", panel:<code> (for example panel:csmap, last only)."
)


class PolicyForm(FlaskForm):
    kind = SelectField(
        "Deadline",
        widget=GovSelect(),
        choices=_choices((k.code, k.label) for k in KINDS),
        validate_choice=False,
    )
    applies_to = SelectField(
        "Cases",
        widget=GovSelect(),
        validate_choice=False,
        description="The most specific policy that matches a case wins.",
    )
    risk = SelectField(
        "Risk", widget=GovSelect(), choices=_choices([(ANY, "Any risk"), *RISKS]), validate_choice=False
    )
    priority_id = SelectField("Community safety priority", widget=GovSelect(), validate_choice=False)
    state = SelectField(
        "Started by",
        widget=GovSelect(),
        validate_choice=False,
        description="The state whose start begins the clock; leaving that state meets it.",
    )
    duration_value = StringField(
        "Deadline",
        widget=GovTextInput(),
        validators=[_whole_number],
        description="A whole number, for example 5",
    )
    duration_unit = RadioField(
        "Counted in",
        widget=GovRadioInput(),
        choices=_choices(UNITS),
        validate_choice=False,
        validators=[
            InputRequired(message="Select working days or working hours"),
            AnyOf([code for code, _ in UNITS], message="Select working days or working hours"),
        ],
    )
    reminders = StringField(
        "Reminders before the deadline",
        widget=GovTextInput(),
        validators=[_parsed(parse_durations)],
        description="Separated by commas, for example “2 working days, 4 working hours”. "
        "Leave empty for none.",
    )
    ladder = StringField(
        "Escalation ladder", widget=GovTextInput(), validators=[_parsed(parse_ladder)], description=RUNG_HINT
    )
    description = StringField(
        "Note (optional)",
        widget=GovTextInput(),
        validators=[Length(max=300, message="The note must be 300 characters or fewer")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def set_choices(self, case_types: list[CaseType], priorities: list[Priority]) -> None:
        self.applies_to.choices = _choices(
            [
                (ANY, "Any case"),
                *[(f"group:{code}", f"Any {name.lower()} case") for code, name in TYPE_GROUPS],
                *[(f"type:{t.id}", t.name) for t in case_types],
            ]
        )
        self.priority_id.choices = _choices(
            [(ANY, "Any priority"), *[(str(p.id), str(p)) for p in priorities]]
        )
        self.state.choices = _choices(
            [(EVENT, "An event (not a state)"), *[(s.code, s.label) for s in STATES if s.is_open]]
        )

    def fill(self, policy: ServiceLevelPolicy) -> None:
        """Show a stored policy."""
        self.kind.data = policy.kind
        if policy.case_type_id is not None:
            self.applies_to.data = f"type:{policy.case_type_id}"
        else:
            self.applies_to.data = f"group:{policy.case_type_group}" if policy.case_type_group else ANY
        self.risk.data = policy.risk or ANY
        self.priority_id.data = str(policy.priority_id) if policy.priority_id else ANY
        self.state.data = policy.state or EVENT
        self.duration_value.data = str(policy.duration_value)
        self.duration_unit.data = policy.duration_unit
        self.reminders.data = format_durations(policy.reminder_leads or [])
        self.ladder.data = ", ".join(policy.ladder or [])
        self.description.data = policy.description

    def to_input(self) -> PolicyInput:
        """The validated form as a PolicyInput (call after validate_on_submit)."""
        applies = self.applies_to.data or ANY
        group = applies.removeprefix("group:") if applies.startswith("group:") else None
        type_id = _int(applies.removeprefix("type:")) if applies.startswith("type:") else None
        if applies.startswith("type:") and type_id is None:
            raise PolicyError("Select the cases from the list", "applies_to")
        priority = self.priority_id.data or ANY
        if priority and _int(priority) is None:
            raise PolicyError("Select a priority from the list", "priority_id")
        return PolicyInput(
            kind=self.kind.data or "",
            duration=Duration(int(self.duration_value.data.strip()), self.duration_unit.data),
            case_type_group=group,
            case_type_id=type_id,
            risk=self.risk.data or None,
            priority_id=_int(priority) if priority else None,
            state=self.state.data or None,
            reminder_leads=parse_durations(self.reminders.data or ""),
            ladder=parse_ladder(self.ladder.data or ""),
            description=(self.description.data or "").strip(),
        )


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None
