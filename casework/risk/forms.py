"""The risk assessment form, built from the questionnaire (one radio group per question)."""

from __future__ import annotations

from functools import cache

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from casework.cases.party_models import Person
from casework.risk import questionnaire as matrix
from casework.risk.services import TEXT_LIMIT, AssessmentInput

SCORED = "scored"


def _too_long(what: str) -> Length:
    return Length(max=TEXT_LIMIT, message=f"{what} must be {TEXT_LIMIT:,} characters or fewer")


class AssessmentFormBase(FlaskForm):
    """The parts every questionnaire version shares: the victim, the judgement and the level."""

    person_id = RadioField(
        "Which victim are you assessing?",
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[InputRequired(message="Select the victim you are assessing")],
    )
    judgement = TextAreaField(
        "Your professional judgement",
        widget=GovTextArea(),
        description="What the victim told you, what worries you, and what should happen next.",
        validators=[InputRequired(message="Enter your professional judgement"), _too_long("Your judgement")],
    )
    level = RadioField(
        "Risk level",
        widget=GovRadioInput(),
        default=SCORED,
        choices=[
            SelectChoice(SCORED, "The level the answers score (recommended)"),
            *[SelectChoice(code, f"{label}, by professional judgement") for code, label in matrix.LEVELS],
        ],
        validate_choice=False,
        validators=[
            InputRequired(message="Select the risk level"),
            AnyOf([SCORED, *matrix.LEVEL_RANK], message="Select the risk level"),
        ],
    )
    level_reason = TextAreaField(
        "Reason for a level other than the scored one",
        widget=GovTextArea(),
        description="Needed when you choose a level: say why it differs from the score.",
        validators=[Optional(), _too_long("The reason")],
    )
    submit = SubmitField("Save the assessment", widget=GovSubmitInput())

    questionnaire: matrix.Questionnaire

    def set_victims(self, people: list[Person]) -> None:
        self.person_id.choices = [SelectChoice(str(person.id), person.full_name) for person in people]
        if len(people) == 1 and not self.person_id.data:
            self.person_id.data = str(people[0].id)

    def to_input(self) -> AssessmentInput:
        person = self.person_id.data or ""
        return AssessmentInput(
            person_id=int(person) if person.isdigit() else None,
            answers={q.code: self[q.code].data for q in self.questionnaire.questions if self[q.code].data},
            judgement=self.judgement.data or "",
            level=None if self.level.data == SCORED else self.level.data,
            level_reason=self.level_reason.data or "",
        )


@cache
def form_class(version: str) -> type[AssessmentFormBase]:
    """The form for a questionnaire version: the shared fields plus one radio group per question."""
    questionnaire = matrix.QUESTIONNAIRES[version]
    fields: dict = {"questionnaire": questionnaire}
    for question in questionnaire.questions:
        codes = [option.code for option in question.options]
        message = f"Answer the question: {question.text}"
        fields[question.code] = RadioField(
            question.text,
            widget=GovRadioInput(),
            description=question.hint,
            choices=[SelectChoice(option.code, option.label) for option in question.options],
            validate_choice=False,
            validators=[InputRequired(message=message), AnyOf(codes, message=message)],
        )
    return type(f"AssessmentForm_{version.replace('.', '_')}", (AssessmentFormBase,), fields)


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
