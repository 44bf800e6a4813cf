"""The Flycapture return: a page with the Defra tables, and the same tables as CSV."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from casework.access import allow
from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.formatting import datetime_uk
from casework.reports.flycapture import csv_rows, flycapture_return
from casework.reports.periods import Month, PeriodError, last_complete_month
from casework.reports.report_params import (
    ALL,
    OutOfScope,
    ParameterError,
    choose_borough,
    month_items,
    reportable_boroughs,
)
from casework.reports.views import bp
from casework.reports.views.downloads import csv_download, error_list, error_text


def _month(text: str, current: Month) -> Month:
    month = Month.parse(text)
    if month > current:
        raise PeriodError(f"The month cannot be in the future: choose {current.label} or earlier")
    return month


def _borough_items(code: str | None) -> list[dict]:
    user = current_user._get_current_object()
    items = [{"value": b.code, "text": b.name, "selected": b.code == code} for b in reportable_boroughs(user)]
    if user.borough_id is None:
        items.append({"value": ALL, "text": "All boroughs (partnership total)", "selected": code == ALL})
    return items


@bp.route("/reports/flycapture")
@allow(Role.MANAGER)
def flycapture():
    user = current_user._get_current_object()
    now = utcnow()
    current = Month.of(now)
    errors: dict[str, str] = {}
    choice = month = None
    try:
        choice = choose_borough(user, request.args.get("borough"), default_all=False)
    except OutOfScope:
        abort(404)
    except ParameterError as problem:
        errors["borough"] = str(problem)
    month_text = request.args.get("month", "").strip()
    try:
        month = _month(month_text, current) if month_text else last_complete_month(now)
    except PeriodError as problem:
        errors["month"] = str(problem)
    want_csv = request.args.get("format") == "csv"
    if errors or choice is None or month is None:
        if want_csv:
            return error_text(errors)
        return render_template(
            "reports/flycapture.html",
            report=None,
            errors=errors,
            error_list=error_list(errors),
            borough_items=_borough_items(request.args.get("borough")),
            month_items=month_items(month, current),
        ), 400
    report = flycapture_return(choice, month, now)
    if want_csv:
        return csv_download(csv_rows(report, datetime_uk(now)), f"flycapture-{choice.code}-{month.iso}.csv")
    previous, following = month.plus(-1), month.plus(1)
    return render_template(
        "reports/flycapture.html",
        report=report,
        errors={},
        borough_items=_borough_items(choice.code),
        month_items=month_items(month, current),
        csv_href=url_for(".flycapture", borough=choice.code, month=month.iso, format="csv"),
        previous=(previous, url_for(".flycapture", borough=choice.code, month=previous.iso)),
        following=(following, url_for(".flycapture", borough=choice.code, month=following.iso))
        if following <= current
        else None,
        generated=datetime_uk(now),
    )
