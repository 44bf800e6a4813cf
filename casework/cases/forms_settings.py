"""Forms for the admin settings: clearance costs, case types and CSP priorities."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import Field, HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from casework.cases import settings_services
from casework.cases.categories import FLYTIP_SIZES, TYPE_GROUPS
from casework.cases.forms_case import choices


def _money(what: str):
    def check(form: FlaskForm, field: Field) -> None:
        try:
            settings_services.parse_money(field.data, what)
        except settings_services.SettingsError as error:
            raise ValidationError(error.message) from None

    return check


class _CostsBase(FlaskForm):
    submit = SubmitField("Save costs", widget=GovSubmitInput())

    def cost_fields(self) -> list[Field]:
        return [self[f"cost_{code}"] for code, _ in FLYTIP_SIZES]

    def costs(self) -> dict[str, Decimal | None]:
        """The costs as entered, size code -> amount (None where left blank). Call after validation."""
        return {code: settings_services.parse_money(self[f"cost_{code}"].data) for code, _ in FLYTIP_SIZES}


def clearance_costs_form(current: dict[str, Decimal], **kwargs) -> _CostsBase:
    """A form with one money input per Flycapture size, filled with the current costs."""
    fields = {
        f"cost_{code}": StringField(
            name,
            widget=GovTextInput(),
            validators=[_money(f"The cost of clearing a {name.lower()}")],
        )
        for code, name in FLYTIP_SIZES
    }
    form_class = type("ClearanceCostsForm", (_CostsBase,), fields)
    data = {f"cost_{code}": f"{cost:.2f}" for code, cost in current.items()}
    return form_class(data=data, **kwargs)


_NAME_LENGTH = "The name must be {} characters or fewer"


class CaseTypeForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        description="As officers will see it when they log an incident, for example “Abandoned trolleys”.",
        validators=[
            InputRequired(message="Enter the name of the case type"),
            Length(max=100, message=_NAME_LENGTH.format(100)),
        ],
    )
    group = RadioField(
        "Group",
        widget=GovRadioInput(),
        choices=choices(TYPE_GROUPS),
        description="Flytipping cases record Flycapture details and need clearance before closing.",
        validators=[InputRequired(message="Select the group the case type belongs to")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class PriorityForm(FlaskForm):
    number = StringField(
        "Number",
        widget=GovTextInput(),
        description="Its number in the partnership's strategy, from 1 to 99.",
        validators=[InputRequired(message="Enter the priority number")],
    )
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the name of the priority"),
            Length(max=200, message=_NAME_LENGTH.format(200)),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_number(self, field: Field) -> None:
        try:
            settings_services.parse_number(field.data)
        except settings_services.SettingsError as error:
            raise ValidationError(error.message) from None


class ActiveForm(FlaskForm):
    """A button that switches a list entry on or off ('1' activates, '0' deactivates)."""

    active = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Confirm", widget=GovSubmitInput())

    def validate_active(self, field: Field) -> None:
        if field.data not in ("0", "1"):
            raise ValidationError("Choose to activate or deactivate")
