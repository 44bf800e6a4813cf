"""Reading letters and their wording: scoped to the case the user has already opened."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from casework.cases.models import Case
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.letters.models import Letter, LetterTemplate, LetterTemplateVersion


def letters_for_action(action: EnforcementAction) -> list[Letter]:
    """The letters produced for an action, newest first."""
    query = (
        select(Letter)
        .where(Letter.action_id == action.id)
        .order_by(Letter.generated_at.desc(), Letter.id.desc())
    )
    return list(db.session.scalars(query))


def letter_or_404(case: Case, letter_id: int) -> Letter:
    """A letter of this case (the case already scoped to the user), or 404."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.case_id != case.id:
        abort(404)
    return letter


def template_or_404(code: str) -> LetterTemplate:
    """The template with this code, or 404."""
    template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.code == code))
    return template or abort(404)


def version_or_404(template: LetterTemplate, number: int) -> LetterTemplateVersion:
    """One saved version of a template's wording, or 404."""
    query = select(LetterTemplateVersion).where(
        LetterTemplateVersion.template_id == template.id, LetterTemplateVersion.version == number
    )
    return db.session.scalar(query) or abort(404)
