"""Risk assessments of ASB victims on a case: the questionnaire, the explanation, first contact.

Every route finds the case through case_or_404 (scoped by the user: out of scope answers 404);
changes go through casework/risk/services.py.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casework.access import allow
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.lookup import case_or_404
from casework.cases.models import Case
from casework.cases.services import StaleCase
from casework.extensions import db
from casework.risk import (
    panel,  # noqa: F401 - registers the case page section
    queries,
    services,
)
from casework.risk import questionnaire as matrix
from casework.risk.forms import AssessmentFormBase, ConfirmForm, form_class

bp = Blueprint("risk", __name__)
STAFF = (Role.OFFICER, Role.MANAGER)


def _me() -> User:
    return current_user._get_current_object()


def _assessable_case(reference: str) -> Case:
    case = case_or_404(reference)
    if not services.is_asb(case):
        abort(404)
    return case


def _show(form: AssessmentFormBase, error: services.RiskError) -> None:
    """A refused assessment: its message on the field it concerns (the victim choice by default)."""
    db.session.rollback()
    name = error.field if error.field and error.field in form else "person_id"
    form[name].errors = [*form[name].errors, error.message]


@bp.route("/cases/<reference>/risk/new", methods=["GET", "POST"])
@allow(*STAFF)
def new(reference: str) -> ResponseReturnValue:
    """The questionnaire: answer every question, add your judgement, and save."""
    case = _assessable_case(reference)
    if not services.may_assess(_me(), case):
        flash("This case is closed: reopen it to reassess the victim.", "important")
        return redirect(url_for("cases.view", reference=case.reference, _anchor="risk"))
    form = form_class(matrix.CURRENT_VERSION)()
    people = services.victims(case)
    form.set_victims(people)
    if people and form.validate_on_submit():
        try:
            assessment = services.assess(_me(), case, form.to_input())
        except StaleCase as error:
            db.session.rollback()
            form.person_id.errors = [*form.person_id.errors, error.message]
        except services.RiskError as error:
            _show(form, error)
        else:
            flash(f"Risk assessed: {matrix.level_label(assessment.level).lower()}.", "success")
            return redirect(url_for("risk.assessment", reference=case.reference, assessment_id=assessment.id))
    previous = queries.latest(case)
    status = 400 if form.errors else 200
    return render_template(
        "risk/assess.html", case=case, form=form, people=people, previous=previous, matrix=matrix
    ), status


@bp.route("/cases/<reference>/risk/<int:assessment_id>")
@allow(*STAFF)
def assessment(reference: str, assessment_id: int) -> ResponseReturnValue:
    """One assessment and how its level was reached: each answer's points, sections and bands."""
    case = _assessable_case(reference)
    found = queries.assessment_or_404(case, assessment_id)
    questionnaire = matrix.QUESTIONNAIRES[found.questionnaire_version]
    return render_template(
        "risk/assessment.html",
        case=case,
        assessment=found,
        questionnaire=questionnaire,
        scored=matrix.score(questionnaire, found.answers),
        is_latest=queries.latest(case) is found,
        effects=queries.effects_of(found),
        may_assess=services.may_assess(_me(), case),
        matrix=matrix,
    )


@bp.route("/cases/<reference>/risk/first-contact", methods=["POST"])
@allow(*STAFF)
def first_contact(reference: str) -> ResponseReturnValue:
    """Record that the high-risk victim has been contacted (meets the first-contact deadline)."""
    case = _assessable_case(reference)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.record_first_contact(_me(), case)
    except services.NotAllowed:
        abort(404)
    except services.RiskError as error:
        flash(error.message, "important")
    else:
        flash("First contact with the victim recorded.", "success")
    return redirect(url_for("cases.view", reference=case.reference, _anchor="risk"))
