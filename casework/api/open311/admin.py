"""Admin pages: Open311 clients, their keys (issued once, revoked at once) and the web team's guide."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from casework.access import allow
from casework.api.open311 import services, statuses
from casework.api.open311.blueprint import bp
from casework.api.open311.catalogue import FLYTIP_ATTRIBUTES
from casework.api.open311.forms import ClientForm, ConfirmForm
from casework.api.open311.models import Open311Client, Open311Key
from casework.auth.roles import Role
from casework.cases.categories import REPORT_CHANNELS, label
from casework.extensions import db
from casework.places.models import Borough


def _endpoint_address() -> str:
    return current_app.config["SERVER_NAME_FOR_LINKS"].rstrip("/") + "/open311/v2/"


@bp.route("/admin/open311")
@allow(Role.ADMIN)
def clients() -> ResponseReturnValue:
    found = db.session.scalars(select(Open311Client).order_by(Open311Client.name)).all()
    return render_template(
        "open311/clients.html",
        clients=found,
        confirm=ConfirmForm(),
        endpoint=_endpoint_address(),
        channel_label=lambda code: label(REPORT_CHANNELS, code),
    )


@bp.route("/admin/open311/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_client() -> ResponseReturnValue:
    form = ClientForm()
    boroughs = db.session.scalars(select(Borough).order_by(Borough.name)).all()
    form.boroughs.choices = [(b.id, b.name) for b in boroughs]
    if form.validate_on_submit():
        try:
            client = services.create_client(
                current_user._get_current_object(),
                form.name.data,
                form.channel.data,
                form.boroughs.data or [],
            )
        except services.ClientError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            flash(f"{client.name} added. Issue it a key below.", "success")
            return redirect(url_for("open311.clients", _anchor=f"client-{client.id}"))
    return render_template("open311/client_form.html", form=form)


@bp.route("/admin/open311/<int:client_id>/keys", methods=["POST"])
@allow(Role.ADMIN)
def issue_key(client_id: int) -> ResponseReturnValue:
    client = db.session.get(Open311Client, client_id)
    if client is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    raw = services.issue_key(current_user._get_current_object(), client)
    return render_template("open311/key_issued.html", client=client, key=raw, endpoint=_endpoint_address())


@bp.route("/admin/open311/keys/<int:key_id>/revoke", methods=["POST"])
@allow(Role.ADMIN)
def revoke_key(key_id: int) -> ResponseReturnValue:
    key = db.session.get(Open311Key, key_id)
    if key is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.revoke_key(current_user._get_current_object(), key)
    except services.ClientError as error:
        flash(error.message, "error")
    else:
        flash(
            f"The key starting {key.hint} of {key.client.name} is revoked: it stops working now.", "success"
        )
    return redirect(url_for("open311.clients", _anchor=f"client-{key.client_id}"))


@bp.route("/admin/open311/guide")
@allow(Role.ADMIN)
def guide() -> ResponseReturnValue:
    return render_template(
        "open311/guide.html",
        endpoint=_endpoint_address(),
        mapping=statuses.mapping_rows(),
        flytip_attributes=FLYTIP_ATTRIBUTES,
    )
