"""The scrutiny performance report: rolling 12-month blocks per borough, printable and as CSV."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from casework.access import allow
from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.formatting import datetime_uk
from casework.reports import performance as queries
from casework.reports.periods import Block, Month, PeriodError, last_complete_month
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


def _end(text: str, latest: Month) -> Month:
    month = Month.parse(text)
    if month > latest:
        raise PeriodError(f"The report covers complete months only: choose {latest.label} or earlier")
    return month


def _borough_items(code: str | None) -> list[dict]:
    user = current_user._get_current_object()
    items = []
    if user.borough_id is None:
        items.append(
            {"value": ALL, "text": "All boroughs, and the partnership total", "selected": code == ALL}
        )
    items += [
        {"value": b.code, "text": b.name, "selected": b.code == code} for b in reportable_boroughs(user)
    ]
    return items


@bp.route("/reports/performance")
@allow(Role.MANAGER)
def performance():
    user = current_user._get_current_object()
    now = utcnow()
    latest_complete = last_complete_month(now)
    errors: dict[str, str] = {}
    choice = end = None
    try:
        choice = choose_borough(user, request.args.get("borough"), default_all=True)
    except OutOfScope:
        abort(404)
    except ParameterError as problem:
        errors["borough"] = str(problem)
    end_text = request.args.get("end", "").strip()
    try:
        end = _end(end_text, latest_complete) if end_text else latest_complete
    except PeriodError as problem:
        errors["end"] = str(problem)
    want_csv = request.args.get("format") == "csv"
    if errors or choice is None or end is None:
        if want_csv:
            return error_text(errors)
        page = render_template(
            "reports/performance.html",
            report=None,
            errors=errors,
            error_list=error_list(errors),
            borough_items=_borough_items(request.args.get("borough")),
            end_items=month_items(end, latest_complete),
        )
        return page, 400
    boroughs = [choice.borough] if choice.borough is not None else reportable_boroughs(user)
    report = queries.performance_report(boroughs, Block.ending(end), with_total=choice.borough is None)
    if want_csv:
        rows = queries.csv_rows(report, datetime_uk(now))
        return csv_download(rows, f"performance-{choice.code}-{end.iso}.csv")
    return render_template(
        "reports/performance.html",
        report=report,
        errors={},
        choice=choice,
        borough_items=_borough_items(choice.code),
        end_items=month_items(end, latest_complete),
        csv_href=url_for(".performance", borough=choice.code, end=end.iso, format="csv"),
        format_value=queries.format_value,
        format_change=queries.format_change,
        generated=datetime_uk(now),
    )
