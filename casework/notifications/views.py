"""The outbox for administrators: /admin/messages (list, filter by status), a message, resend."""

from __future__ import annotations

import math

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select

from casework.access import allow
from casework.auth.models import User
from casework.auth.roles import Role
from casework.extensions import db
from casework.notifications import services
from casework.notifications.forms import ResendForm
from casework.notifications.models import OutboxMessage, Status

bp = Blueprint("notifications", __name__, url_prefix="/admin/messages")

PER_PAGE = 50


@bp.route("")
@allow(Role.ADMIN)
def messages() -> ResponseReturnValue:
    problems = []
    status = _status(request.args.get("status", ""), problems)
    page = request.args.get("page", 1, type=int)
    if page < 1:
        problems.append("The page number must be 1 or more; showing page 1.")
        page = 1
    query = services.messages_query(status)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(page, pages)
    rows = db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template(
        "notifications/messages.html",
        messages=rows,
        status=status,
        statuses=list(Status),
        counts=services.status_counts(),
        total=total,
        page=page,
        pages=pages,
        first_number=(page - 1) * PER_PAGE + 1,
        problems=problems,
        pagination=_pagination(status, page, pages),
        resend_form=ResendForm(),
    )


@bp.route("/<int:message_id>")
@allow(Role.ADMIN)
def message(message_id: int) -> ResponseReturnValue:
    row = _message_or_404(message_id)
    resent_by = db.session.get(User, row.resent_by_id) if row.resent_by_id else None
    return render_template(
        "notifications/message.html", message=row, resent_by=resent_by, resend_form=ResendForm()
    )


@bp.route("/<int:message_id>/resend", methods=["POST"])
@allow(Role.ADMIN)
def resend(message_id: int) -> ResponseReturnValue:
    row = _message_or_404(message_id)
    if not ResendForm().validate_on_submit():
        abort(400)
    try:
        services.resend(row.id, current_user._get_current_object())
    except services.OutboxError as error:
        flash(str(error), "error")
    else:
        flash(f"The message to {row.to_address} will be sent again.", "success")
    return redirect(url_for("notifications.message", message_id=row.id))


def _message_or_404(message_id: int) -> OutboxMessage:
    row = db.session.get(OutboxMessage, message_id)
    if row is None:
        abort(404)
    return row


def _status(value: str, problems: list[str]) -> Status | None:
    if not value:
        return None
    try:
        return Status(value)
    except ValueError:
        names = ", ".join(s.value for s in Status)
        problems.append(f"There is no message status {value[:40]!r} (use one of {names}); showing all.")
        return None


def _pagination(status: Status | None, page: int, pages: int) -> dict | None:
    if pages <= 1:
        return None

    def href(number: int) -> str:
        args = {"page": number}
        if status is not None:
            args["status"] = status.value
        return url_for("notifications.messages", **args)

    numbers = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items: list[dict] = []
    for number in numbers:
        if items and number - items[-1].get("number", number) > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page})
    return {
        "items": items,
        "previous": {"href": href(page - 1)} if page > 1 else None,
        "next": {"href": href(page + 1)} if page < pages else None,
    }
