"""Forms for finding cases: queue filters (GET, so they can be bookmarked), bulk assignment, search."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from casework.cases import workflow
from casework.cases.forms_case import choices as _choices
from casework.cases.queries import DUES, SORTS, STATUSES, FilterChoices, QueueFilter


class QueueFilterForm(FlaskForm):
    """The queue's filters; rendered from a parsed QueueFilter, submitted by GET (no CSRF needed).

    No submit field: the page draws a plain button so that no `submit=` lands in bookmarked addresses.
    """

    class Meta:
        csrf = False

    status = RadioField("Open or closed", widget=GovRadioInput(), choices=_choices(STATUSES))
    state = SelectMultipleField(
        "State",
        widget=GovCheckboxesInput(),
        choices=_choices((state.code, state.label) for state in workflow.STATES),
        description="Choosing states overrides open or closed.",
    )
    type = SelectMultipleField("Type of case", widget=GovCheckboxesInput())
    borough = SelectField("Borough", widget=GovSelect())
    ward = SelectField("Ward", widget=GovSelect())
    officer = SelectField("Assigned to", widget=GovSelect())
    unassigned = BooleanField("Only cases nobody is assigned to", widget=GovCheckboxInput())
    priority = SelectField("Priority", widget=GovSelect())
    due = RadioField(
        "Deadlines",
        widget=GovRadioInput(),
        choices=_choices(DUES),
        description=f"{DUES[2][1]} leaves out cases that are already overdue.",
    )
    sort = SelectField("Sort by", widget=GovSelect(), choices=_choices(SORTS))

    @classmethod
    def for_filter(cls, f: QueueFilter, choices: FilterChoices) -> QueueFilterForm:
        """The form showing `f`, offering only `choices` (what the user may filter by)."""
        form = cls(
            formdata=None,
            status=f.status,
            state=f.states,
            type=f.types,
            borough=f.borough or "",
            ward=str(f.ward or ""),
            officer=str(f.officer or ""),
            unassigned=f.unassigned,
            priority=str(f.priority or ""),
            due=f.due or "",
            sort=f.sort,
        )
        form.type.choices = _choices((t.code, t.name) for t in choices.types)
        form.borough.choices = _choices([("", "Any borough")] + [(b.code, b.name) for b in choices.boroughs])
        several = choices.partnership_wide
        form.ward.choices = _choices(
            [("", "Any ward")]
            + [(str(w.id), f"{w.name} ({w.borough.name})" if several else w.name) for w in choices.wards]
        )
        form.officer.choices = _choices(
            [("", "Anyone")]
            + [(str(u.id), u.name if u.active else f"{u.name} (deactivated)") for u in choices.officers]
        )
        form.priority.choices = _choices(
            [("", "Any priority")] + [(str(p.id), str(p)) for p in choices.priorities]
        )
        return form


class OfficerField(SelectField):
    """A select of officers whose error, when the value is not offered, says what to do."""

    def pre_validate(self, form) -> None:
        if self.data and self.data not in {str(choice.value) for choice in self.choices}:
            raise ValidationError("Select an officer who works on these cases")


def _some_cases(form, field) -> None:
    if not field.data:
        raise ValidationError("Select the cases to assign")


class BulkAssignForm(FlaskForm):
    """Assign the cases ticked in the queue to one officer."""

    case_ids = SelectMultipleField("Cases", coerce=int, validate_choice=False, validators=[_some_cases])
    officer = OfficerField(
        "Assign selected cases to",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the officer to assign the cases to")],
    )
    back = HiddenField()
    submit = SubmitField("Assign selected cases", widget=GovSubmitInput())

    def set_officers(self, officers) -> None:
        """Offer these officers (active ones only: nobody assigns work to a deactivated account)."""
        self.officer.choices = _choices(
            [("", "Select an officer")] + [(str(u.id), u.name) for u in officers if u.active]
        )


class SearchForm(FlaskForm):
    """The search box (GET)."""

    class Meta:
        csrf = False

    q = SearchField(
        "Search cases and people",
        widget=GovTextInput(),
        description="A case reference, postcode, part of an address, or a person's name, phone or email.",
        validators=[Length(max=100, message="Search for 100 characters or fewer")],
    )
