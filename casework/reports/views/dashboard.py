"""The managers' dashboard: figures in the manager's scope, each chart beside a table of its numbers."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from casework.access import allow
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.queries import DUE_SOON_WORKING_DAYS
from casework.db_types import utcnow
from casework.places.models import Borough
from casework.reports import dashboard as report
from casework.reports.charts import Bar, Chart, bar_chart, column_chart
from casework.reports.dashboard import Dashboard, DashboardFilter
from casework.reports.periods import last_complete_month
from casework.reports.report_params import reportable_boroughs
from casework.reports.views import bp


@bp.route("/dashboard")
@allow(Role.MANAGER)
def dashboard():
    user: User = current_user._get_current_object()
    boroughs = reportable_boroughs(user)
    current, problems = report.parse_filter(request.args, boroughs)
    figures = report.build(user, current, utcnow())
    return render_template(
        "reports/dashboard.html",
        d=figures,
        current=current,
        problems=problems,
        boroughs=boroughs,
        periods=report.PERIODS,
        scope_name=_scope_name(user, current, boroughs),
        charts=_charts(figures),
        queue_args={"borough": current.borough} if current.borough else {},
        due_soon_days=DUE_SOON_WORKING_DAYS,
        hotspot_days=report.HOTSPOT_DAYS,
        other_reports=_other_reports(current, figures, boroughs),
    )


def _scope_name(user: User, f: DashboardFilter, boroughs: list[Borough]) -> str:
    if user.borough_id is not None:
        return boroughs[0].name if boroughs else ""
    chosen = [b.name for b in boroughs if b.code == f.borough]
    return chosen[0] if chosen else "All boroughs"


def _other_reports(f: DashboardFilter, d: Dashboard, boroughs: list[Borough]) -> list[tuple[str, str]]:
    """Links to the section's other reports for the same borough, or for the whole partnership
    ("all") when the dashboard shows every borough."""
    borough = f.borough or (boroughs[0].code if len(boroughs) == 1 else "all")
    last_month = last_complete_month(d.now)
    return [
        (
            f"Flycapture return for {last_month.label}",
            url_for("reports.flycapture", borough=borough, month=last_month.iso),
        ),
        ("Performance report for the scrutiny committee", url_for("reports.performance", borough=borough)),
    ]


def _figures(bars: list[Bar]) -> str:
    return "; ".join(f"{bar.label}: {bar.text}" for bar in bars) + "."


def _charts(d: Dashboard) -> dict[str, Chart]:
    """The dashboard's charts; each has a table with the same numbers on the page."""
    period = d.period.lower_label
    by_state = [Bar(state.label, d.open.state_total(state.code)) for state in d.open.states]
    by_type = [Bar(row.name, row.total) for row in d.open.rows]
    compliance = [
        Bar(row.label, row.percent or 0, f"{row.percent}% ({row.on_time} of {row.total})")
        for row in d.compliance
    ]
    totals = list(zip(d.incidents.months, d.incidents.month_totals, strict=True))
    # Under each column its month, and its year under the first column and under each January.
    months = [
        Bar(f"{m.first_day:%b}" + (f"\n{m.first_day:%Y}" if n == 0 or m.first_day.month == 1 else ""), total)
        for n, (m, total) in enumerate(totals)
    ]
    month_text = [Bar(m.label, total) for m, total in totals]
    wards = [Bar(row.name, row.total) for row in d.incidents.busiest]
    kinds = [Bar(row.label, row.total) for row in d.enforcement.rows]
    return {
        "by_state": bar_chart("chart-open-states", "Open cases by state", _figures(by_state), by_state),
        "by_type": bar_chart("chart-open-types", "Open cases by type", _figures(by_type), by_type),
        "compliance": bar_chart(
            "chart-compliance",
            f"Deadlines met on time, {period}",
            "Per cent met on time, per kind of deadline. " + _figures(compliance),
            compliance,
            maximum=100,
        ),
        "months": column_chart(
            "chart-incident-months", f"Incidents reported per month, {period}", _figures(month_text), months
        ),
        "wards": bar_chart(
            "chart-incident-wards",
            f"Busiest wards, {period}",
            f"The {len(wards)} wards with the most incidents. " + _figures(wards),
            wards,
        ),
        "enforcement": bar_chart(
            "chart-enforcement", f"Enforcement actions issued, {period}", _figures(kinds), kinds
        ),
    }
