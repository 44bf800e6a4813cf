"""Producing letters and notices, and editing their wording."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casework.access import allow, public
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import evidence_files
from casework.cases.lookup import case_or_404
from casework.cases.models import Case
from casework.cases.scope import can_work
from casework.cases.services import NotAllowed
from casework.enforcement import queries as enforcement_queries
from casework.enforcement.models import EnforcementAction
from casework.letters import queries, services
from casework.letters.forms import ProduceForm, WordingForm
from casework.letters.models import Letter
from casework.letters.wording import BUTTON_TEXT, PLACEHOLDERS, WORDING_BY_CODE, WordingError, blocks, fill

bp = Blueprint("letters", __name__)

STAFF = (Role.OFFICER, Role.MANAGER)


def _me() -> User:
    return current_user._get_current_object()


def _back(case: Case, action: EnforcementAction) -> ResponseReturnValue:
    """Back where the button was: the action's own page, or its card on the case page."""
    if request.form.get("back") == "action" and "enforcement.action" in current_app.view_functions:
        return redirect(url_for("enforcement.action", reference=case.reference, action_id=action.id))
    return redirect(url_for("cases.view", reference=case.reference) + f"#action-{action.id}")


@dataclass(frozen=True)
class ActionLetters:
    """What the case page shows for an action: the letters it can produce, those already produced."""

    options: list[tuple[str, str]]  # (button text, produce URL)
    produced: list[Letter]


@bp.app_template_global("action_letters")
def action_letters(action: EnforcementAction, case: Case) -> ActionLetters | None:
    """For templates/letters/_action_letters.html: None when the user may not produce letters."""
    if not current_user.is_authenticated or not can_work(current_user, case) or action.case_id != case.id:
        return None
    options = [
        (
            BUTTON_TEXT.get(code, "Produce letter"),
            url_for("letters.produce", reference=case.reference, action_id=action.id, code=code),
        )
        for code in services.letter_codes_for(action)
    ]
    return ActionLetters(options, queries.letters_for_action(action))


bp.add_app_template_global(blocks, "letter_blocks")


# ---- letters on a case -------------------------------------------------------------------------


@bp.route("/cases/<reference>/actions/<int:action_id>/letters/<code>", methods=["POST"])
@allow(*STAFF)
def produce(reference: str, action_id: int, code: str):
    """Produce a letter for an enforcement action, then show it."""
    case = case_or_404(reference)
    action = enforcement_queries.action_or_404(case, action_id)
    if not ProduceForm().validate_on_submit():
        abort(400)
    try:
        letter = services.produce_letter(_me(), case, action, code)
    except NotAllowed:
        abort(403)
    except services.LetterError as error:
        flash(error.message, "error")
        return _back(case, action)
    flash(f"{letter.title} produced and saved to the case's evidence.", "success")
    return redirect(url_for("letters.letter", reference=case.reference, letter_id=letter.id))


@bp.route("/cases/<reference>/letters/<int:letter_id>")
@allow(*STAFF)
def letter(reference: str, letter_id: int):
    """A produced letter, ready to print."""
    case = case_or_404(reference)
    found = queries.letter_or_404(case, letter_id)
    return render_template("letters/letter.html", case=case, letter=found)


@bp.route("/cases/<reference>/letters/<int:letter_id>/pdf")
@allow(*STAFF)
def letter_pdf(reference: str, letter_id: int):
    """A produced letter's PDF, as saved to the case's evidence."""
    case = case_or_404(reference)
    found = queries.letter_or_404(case, letter_id)
    path = evidence_files.path_of(found.evidence.stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=request.args.get("download") == "1",
        download_name=f"{found.heading.get('notice_reference') or case.reference}.pdf",
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/letters/letter.css")
@public
def stylesheet():
    """The letter's own styles, screen and print (the CSP admits no inline styles)."""
    return render_template("letters/letter.css"), 200, {"Content-Type": "text/css; charset=utf-8"}


# ---- wording (administrators) ------------------------------------------------------------------


@bp.route("/admin/settings/letters")
@allow(Role.ADMIN)
def templates():
    return render_template("letters/templates.html", templates=services.ensure_templates())


@bp.route("/admin/settings/letters/<code>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_template(code: str):
    if code not in WORDING_BY_CODE:
        abort(404)
    services.ensure_templates()
    template = queries.template_or_404(code)
    form = WordingForm(data={"title": template.title, "body": template.body, "version": template.version})
    preview = None
    if form.validate_on_submit():
        try:
            if form.preview.data:
                title, body = services.check_template(form.title.data, form.body.data)
                preview = (fill(title, services.sample_values()), fill(body, services.sample_values()))
            else:
                changed = services.save_wording(
                    _me(), template, form.title.data, form.body.data, _int(form.version.data)
                )
                flash(
                    f"{template.title}: wording saved as version {template.version}. Letters already "
                    "produced keep the wording they were made with."
                    if changed
                    else "No changes to save.",
                    "success",
                )
                return redirect(url_for("letters.templates"))
        except WordingError as error:
            form[error.field].errors = [*form[error.field].errors, error.message]
    return render_template(
        "letters/template_form.html",
        form=form,
        template=template,
        preview=preview,
        sample=services.sample_values(),
        placeholders=PLACEHOLDERS,
        default=WORDING_BY_CODE[code],
    )


@bp.route("/admin/settings/letters/<code>/versions/<int:number>")
@allow(Role.ADMIN)
def template_version(code: str, number: int):
    template = queries.template_or_404(code)
    version = queries.version_or_404(template, number)
    return render_template("letters/template_version.html", template=template, version=version)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None
