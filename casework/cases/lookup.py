"""Finding a case for a request: scoped by the user, 404 for what they may not see."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from casework.cases.models import Case
from casework.cases.scope import case_scope
from casework.extensions import db


def visible_cases() -> Select[tuple[Case]]:
    """SELECT of the cases the signed-in user may see."""
    return select(Case).where(case_scope(current_user))


def case_or_404(reference: str) -> Case:
    """The case with this reference, if the signed-in user may see it; otherwise 404.

    A case out of scope answers 404, not 403, so references cannot be probed.
    """
    case = db.session.scalar(visible_cases().where(Case.reference == reference.strip().upper()))
    if case is None:
        abort(404)
    return case
