"""Forms for producing letters and editing their wording."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from casework.letters.wording import MAX_BODY, MAX_TITLE


class ProduceForm(FlaskForm):
    """A button that produces one letter (its CSRF token is the whole form)."""


class WordingForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="Printed in bold above the wording, for example “Community Protection Warning”.",
        validators=[
            InputRequired(message="Enter the letter's title"),
            Length(max=MAX_TITLE, message=f"The title must be {MAX_TITLE} characters or fewer"),
        ],
    )
    body = TextAreaField(
        "Wording",
        widget=GovTextArea(),
        description=(
            "Start a line with “## ” for a heading and with “- ” for a bullet point; leave a blank line "
            "between paragraphs. Placeholders such as {{ recipient_name }} are filled in from the case."
        ),
        validators=[
            InputRequired(message="Enter the wording of the letter"),
            Length(max=MAX_BODY, message=f"The wording must be {MAX_BODY:,} characters or fewer"),
        ],
    )
    version = HiddenField()
    preview = SubmitField("Preview", widget=GovSubmitInput())
    submit = SubmitField("Save wording", widget=GovSubmitInput())
