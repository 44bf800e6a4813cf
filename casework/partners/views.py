"""Referrals: the manager's referral form, the referral list and page, and the partner's view of a
shared case. Panels and meetings are in casework/partners/panel_views.py, on the same blueprint.

Every route finds its records through casework/partners/queries.py, so a referral or case out of the
user's scope answers 404. Changes go through casework/partners/services.py.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from casework.access import allow
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import evidence_files, workflow
from casework.cases.categories import (
    FLYTIP_SIZES,
    LAND_TYPES,
    PARTY_ROLES,
    REPORT_CHANNELS,
    VULNERABILITIES,
    WASTE_TYPES,
    label,
)
from casework.cases.lookup import case_or_404
from casework.cases.record_models import Evidence
from casework.cases.views.case_page import download_name
from casework.db_types import utcnow
from casework.extensions import db
from casework.formatting import LONDON
from casework.partners import queries, services
from casework.partners.forms import (
    ACTION_ROWS,
    ActionDoneForm,
    CloseReferralForm,
    ConfirmForm,
    DeclineForm,
    ReferForm,
    UpdateForm,
)
from casework.partners.models import Agency, Panel, Referral, ReferralAction

bp = Blueprint("partners", __name__)
PARTNER_OR_MANAGER = (Role.PARTNER, Role.MANAGER)


def _me() -> User:
    return current_user._get_current_object()


def _show(form, error: services.ReferralError, default: str) -> None:
    """A refused change: its message on the field it concerns (or a default field)."""
    db.session.rollback()
    name = error.field if error.field and error.field in form else default
    form[name].errors = [*form[name].errors, error.message]


@bp.app_context_processor
def partner_home() -> dict:
    """For the partner's home page: their agency's live referrals and open actions (called lazily)."""

    def home_lists() -> dict:
        user = _me()
        if user.role_enum != Role.PARTNER or user.agency_id is None:
            return {"referrals": [], "actions": []}
        return {
            "referrals": queries.referrals_for(user, "live"),
            "actions": queries.open_actions_for_agency(user.agency_id),
        }

    return {"partner_home_lists": home_lists}


# ---- referring a case (managers) ---------------------------------------------------------------


def _refer_form() -> ReferForm:
    form = ReferForm()
    panels = db.session.scalars(select(Panel).where(Panel.active.is_(True)).order_by(Panel.name)).all()
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)).all()
    form.set_choices(list(panels), list(agencies))
    if not form.is_submitted():
        form.sharing.data = current_app.config.get("REFERRAL_SHARING_DEFAULT", "minimal")
    return form


@bp.route("/cases/<reference>/refer", methods=["GET", "POST"])
@allow(Role.MANAGER)
def refer_case(reference: str) -> ResponseReturnValue:
    """The manager's referral form: to a panel or an agency, with actions and due dates."""
    case = case_or_404(reference)
    form = _refer_form()
    if form.validate_on_submit():
        panel_id, agency_id = form.target_ids()
        data = services.ReferralInput(
            reason=form.reason.data or "",
            asked=form.asked.data or "",
            panel_id=panel_id,
            agency_id=agency_id,
            due_on=form.due_on.data,
            sharing=form.sharing.data,
            actions=form.action_inputs(),
        )
        try:
            referral = services.refer_case(_me(), case, data)
        except services.ReferralError as error:
            _show(form, error, "reason" if error.field != "target" else "target")
        else:
            flash(f"Case {case.reference} referred to {referral.target_name}.", "success")
            return redirect(url_for("partners.referral", referral_id=referral.id))
    status = 400 if form.errors else 200
    return render_template(
        "partners/refer.html", form=form, case=case, action_rows=range(1, ACTION_ROWS + 1), workflow=workflow
    ), status


# ---- the referral list and page ----------------------------------------------------------------


@bp.route("/referrals")
@allow(*PARTNER_OR_MANAGER)
def referrals() -> ResponseReturnValue:
    """Referrals to the partner's agency and panels (or, for managers, on their cases)."""
    shown = "all" if request.args.get("status") == "all" else "live"
    return render_template(
        "partners/referrals.html", referrals=queries.referrals_for(_me(), shown), shown=shown
    )


def _referral_page(referral: Referral, status: int = 200, **forms) -> ResponseReturnValue:
    me = _me()
    form = next((f for f in forms.values() if f is not None and f.errors), None)
    html = render_template(
        "partners/referral.html",
        referral=referral,
        form=form,
        update_form=forms.get("update_form") or UpdateForm(formdata=None),
        done_form=ActionDoneForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
        may_answer=services.may_answer(me, referral),
        may_complete=lambda action: services.may_complete(me, action),
        may_update=referral.is_live
        and (services.partner_may_see(me, referral) or me.role_enum == Role.MANAGER),
        is_manager=me.role_enum == Role.MANAGER,
        sharing_labels={code: name for code, name, _hint in services.SHARING_LEVELS},
        workflow=workflow,
        today=utcnow().astimezone(LONDON).date(),
    )
    return html, status


@bp.route("/referrals/<int:referral_id>")
@allow(*PARTNER_OR_MANAGER)
def referral(referral_id: int) -> ResponseReturnValue:
    """A referral: why, what is asked of whom and by when, updates, and the buttons to answer it."""
    return _referral_page(queries.referral_or_404(_me(), referral_id))


def _back(referral: Referral, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("partners.referral", referral_id=referral.id, _anchor=anchor))


@bp.route("/referrals/<int:referral_id>/accept", methods=["POST"])
@allow(Role.PARTNER)
def accept(referral_id: int) -> ResponseReturnValue:
    referral = queries.referral_or_404(_me(), referral_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.accept(_me(), referral)
    except services.ReferralError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(f"You accepted the referral of case {referral.case.reference}.", "success")
    return _back(referral)


@bp.route("/referrals/<int:referral_id>/decline", methods=["GET", "POST"])
@allow(Role.PARTNER)
def decline(referral_id: int) -> ResponseReturnValue:
    referral = queries.referral_or_404(_me(), referral_id)
    form = DeclineForm()
    if not services.may_answer(_me(), referral) or referral.status != "open":
        flash("This referral has already been answered.", "error")
        return _back(referral)
    if form.validate_on_submit():
        try:
            services.decline(_me(), referral, form.reason.data or "")
        except services.ReferralError as error:
            _show(form, error, "reason")
        else:
            flash(f"You declined the referral of case {referral.case.reference}.", "success")
            return _back(referral)
    return render_template("partners/decline.html", form=form, referral=referral), 400 if form.errors else 200


@bp.route("/referrals/<int:referral_id>/updates", methods=["POST"])
@allow(*PARTNER_OR_MANAGER)
def post_update(referral_id: int) -> ResponseReturnValue:
    referral = queries.referral_or_404(_me(), referral_id)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            services.post_update(_me(), referral, form.body.data or "")
        except services.ReferralError as error:
            _show(form, error, "body")
        else:
            flash("Your update was posted.", "success")
            return _back(referral, "updates")
    return _referral_page(referral, 400, update_form=form)


@bp.route("/referrals/<int:referral_id>/actions/<int:action_id>/done", methods=["POST"])
@allow(*PARTNER_OR_MANAGER)
def action_done(referral_id: int, action_id: int) -> ResponseReturnValue:
    referral = queries.referral_or_404(_me(), referral_id)
    action = db.session.get(ReferralAction, action_id)
    if action is None or action.referral_id != referral.id:
        abort(404)
    form = ActionDoneForm()
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0] if form.errors else "Try again.", "error")
        return _back(referral, "actions")
    try:
        services.complete_action(_me(), action, form.note.data or "")
    except services.ReferralError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(f"Action marked as done: {action.description}", "success")
    return _back(referral, "actions")


@bp.route("/referrals/<int:referral_id>/close", methods=["GET", "POST"])
@allow(Role.MANAGER)
def close(referral_id: int) -> ResponseReturnValue:
    referral = queries.referral_or_404(_me(), referral_id)
    form = CloseReferralForm()
    if form.validate_on_submit():
        try:
            services.close_referral(_me(), referral, form.note.data or "")
        except services.ReferralError as error:
            _show(form, error, "note")
        else:
            flash("The referral is closed.", "success")
            return _back(referral)
    return render_template("partners/close.html", form=form, referral=referral), 400 if form.errors else 200


# ---- the partner's view of a shared case -------------------------------------------------------

LISTS = {
    "channel": REPORT_CHANNELS,
    "role": PARTY_ROLES,
    "size": FLYTIP_SIZES,
    "land_type": LAND_TYPES,
    "waste_type": WASTE_TYPES,
    "vulnerability": VULNERABILITIES,
}
SHARING_ORDER = {code: rank for rank, code in enumerate(services.SHARING_CODES)}


def _widest(referrals: list[Referral]) -> str:
    return max((r.sharing for r in referrals), key=lambda code: SHARING_ORDER.get(code, 0), default="minimal")


@bp.route("/shared/cases/<reference>")
@allow(Role.PARTNER)
def shared_case(reference: str) -> ResponseReturnValue:
    """The parts of a case shared with the partner's agency; each opening is recorded."""
    case, referrals = queries.shared_case_or_404(_me(), reference)
    services.record_view(_me(), case, referrals[0] if referrals else None)
    sharing = _widest(referrals)
    return render_template(
        "partners/shared_case.html",
        case=case,
        referrals=referrals,
        sharing=sharing,
        notes=[note for note in case.notes if not note.restricted],
        evidence=[item for item in case.evidence if not item.internal],
        parties=sorted(case.parties, key=lambda p: (p.role, p.id)),
        workflow=workflow,
        label=label,
        lists=LISTS,
        labels_of=lambda kind, codes: ", ".join(label(LISTS[kind], code) for code in codes or []),
    )


@bp.route("/shared/cases/<reference>/evidence/<int:evidence_id>")
@allow(Role.PARTNER)
def shared_evidence(reference: str, evidence_id: int) -> ResponseReturnValue:
    """A shared case's evidence file (never one marked internal); the opening is recorded."""
    case, referrals = queries.shared_case_or_404(_me(), reference)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.case_id != case.id or item.internal:
        abort(404)
    path = evidence_files.path_of(item.stored_name)
    if not path.is_file():
        abort(404)
    services.record_view(
        _me(),
        case,
        referrals[0] if referrals else None,
        f"evidence:{item.id}",
        f"Evidence {item.original_name}",
    )
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=not item.is_image,
        download_name=download_name(item),
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


from casework.partners import panel_views  # noqa: E402, F401  (routes on this blueprint)
