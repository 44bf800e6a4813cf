"""The scrutiny performance report on a hand-built data set, its CSV, who may see it and bad input.

The report ends in June 2026: the latest block is July 2025 to June 2026 (London time) and the previous
one July 2024 to June 2025. Expected figures are worked out by hand next to the data that makes them.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.reports.performance import INDICATORS, performance_report
from casework.reports.periods import Block, Month, last_complete_month
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, manager_in, officer_in
from tests.reports.builders import action, application, clearance_deadline, close, log_case, log_flytip, utc

END = Month(2026, 6)


@pytest.fixture
def data(app):
    dar, gra = dartford(), gravesham()
    officer, manager = officer_in(dar), manager_in(dar)
    # Opened 29 June 2025 00:30 London (previous block), closed 1 July 2025 00:30 London (latest): 2 days.
    a = close(manager, log_case(officer, dar, "noise", utc(2025, 6, 28, 23, 30)), utc(2025, 6, 30, 23, 30))
    b = close(manager, log_case(officer, dar, "noise", utc(2026, 1, 10, 9)), utc(2026, 1, 14, 9))  # 4 days
    close(manager, log_case(officer, dar, "noise", utc(2026, 6, 20, 9)), utc(2026, 6, 30, 9))  # 10 days
    d = log_case(officer, dar, "noise", utc(2026, 6, 25, 9))
    close(manager, d, utc(2026, 7, 1, 10))  # closed after the report's end
    close(
        manager, log_case(officer, dar, "noise", utc(2025, 3, 1, 9)), utc(2025, 3, 7, 9)
    )  # previous: 6 days
    duplicate = log_case(officer, dar, "noise", utc(2026, 1, 11, 9))
    close(manager, duplicate, utc(2026, 1, 12, 9), "duplicate", original=b)  # not a closure that counts
    flytip = log_flytip(officer, dar, utc(2026, 2, 1, 9)).case
    # Incidents (and cases opened): latest b, c, d, duplicate, flytip = 5; previous a and the March one = 2.

    for issued, paid in [
        (date(2025, 7, 1), date(2025, 7, 5)),
        (date(2025, 12, 1), date(2025, 12, 3)),
        (date(2026, 3, 1), date(2026, 3, 2)),
        (date(2026, 6, 30), None),
        (date(2025, 6, 30), date(2025, 7, 2)),  # previous block
        (date(2024, 8, 1), None),  # previous block
        (date(2026, 7, 1), None),  # after the end
    ]:
        action(b, "fpn", issued, amount=Decimal("1000"), paid_on=paid)
    action(b, "fpn", date(2026, 3, 3), status="draft")
    action(b, "cpw", date(2026, 2, 1))
    action(b, "warning_letter", date(2026, 2, 2))
    action(b, "cpn", date(2026, 2, 3))
    action(b, "prosecution", date(2026, 2, 10), outcome="guilty_plea", outcome_on=date(2026, 5, 1))
    action(a, "prosecution", date(2025, 5, 1), outcome="convicted", outcome_on=date(2025, 9, 1))

    clearance_deadline(flytip, utc(2026, 2, 3, 17), met_at=utc(2026, 2, 2, 12))  # on time
    clearance_deadline(flytip, utc(2026, 2, 4, 17), met_at=utc(2026, 2, 6, 12))  # late
    clearance_deadline(flytip, utc(2026, 2, 5, 17), cancelled=True)  # left out
    clearance_deadline(flytip, utc(2026, 3, 1, 17))  # never met

    application(dar, date(2025, 10, 1), threshold_met=True, meeting_on=date(2025, 10, 20), recommendations=2)
    application(dar, date(2026, 4, 1), threshold_met=False)
    application(dar, date(2025, 1, 1), threshold_met=True)  # previous block

    gravesham_officer, gravesham_manager = officer_in(gra), manager_in(gra)
    close(
        gravesham_manager, log_case(gravesham_officer, gra, "noise", utc(2026, 3, 1, 9)), utc(2026, 3, 2, 9)
    )
    action(
        gravesham_officer_case := log_case(gravesham_officer, gra, "noise", utc(2026, 3, 4, 9)),
        "fpn",
        date(2026, 3, 5),
    )
    assert gravesham_officer_case.borough_id == gra.id
    return dar, gra


def _lines(scope) -> dict[str, tuple]:
    return {line.indicator.code: (line.previous, line.latest) for line in scope.lines}


def test_the_indicators_over_two_rolling_blocks(data):
    dar, gra = data
    report = performance_report([dar, gra], Block.ending(END), with_total=True)

    assert report.latest.label == "Jul 2025 to Jun 2026" and report.previous.label == "Jul 2024 to Jun 2025"
    assert [scope.name for scope in report.scopes] == ["Dartford", "Gravesham", "Partnership total"]
    dartford_lines = _lines(report.scopes[0])
    assert dartford_lines["incidents"] == (2, 5)
    assert dartford_lines["flytips"] == (0, 1)
    assert dartford_lines["cases_opened"] == (2, 5)
    assert dartford_lines["cases_closed"] == (1, 3)
    assert dartford_lines["median_days"] == (6.0, 4.0)
    assert dartford_lines["mean_days"] == (6.0, 5.3)  # (2 + 4 + 10) / 3
    assert dartford_lines["clearance_due"] == (0, 3)
    assert dartford_lines["clearance_on_time"] == (None, 33.3)
    assert dartford_lines["actions"] == (3, 8)
    assert dartford_lines["family_warnings"] == (0, 2)
    assert dartford_lines["family_notices"] == (0, 1)
    assert dartford_lines["family_fpn"] == (2, 4)
    assert dartford_lines["family_prosecution"] == (1, 1)
    assert dartford_lines["fpns_issued"] == (2, 4)
    assert dartford_lines["fpns_paid"] == (1, 3)
    assert dartford_lines["fpn_paid_rate"] == (50.0, 75.0)
    assert dartford_lines["prosecutions"] == (1, 1)
    assert dartford_lines["prosecutions_proved"] == (0, 2)
    assert dartford_lines["cr_applications"] == (1, 2)
    assert dartford_lines["cr_threshold_met"] == (1, 1)
    assert dartford_lines["cr_reviews_held"] == (0, 1)
    assert dartford_lines["cr_recommendations"] == (0, 2)

    total = _lines(report.scopes[2])
    assert total["incidents"] == (2, 7)  # Gravesham adds two incidents
    assert total["cases_closed"] == (1, 4)
    assert total["median_days"] == (6.0, 3.0)  # the median of 1, 2, 4 and 10 days
    assert total["fpns_issued"] == (2, 5) and total["fpn_paid_rate"] == (50.0, 60.0)


def test_changes_are_shown_in_the_indicator_s_own_unit(data, login):
    client = login(manager_in(None))
    page = client.get("/reports/performance?borough=DAR&end=2026-06").get_data(as_text=True)

    assert "Jul 2024 to Jun 2025" in page and "Jul 2025 to Jun 2026" in page
    assert "4.0 days" in page and "-2.0 days" in page
    assert "75.0%" in page and "+25.0 percentage points" in page
    assert "+3 (+150.0%)" in page  # incidents: 2 to 5
    assert "Partnership total" not in page
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Dartford</caption>' in page
    assert "app-no-print" in page  # the stylesheet hides these when printing


def test_the_csv_has_a_row_per_borough_and_indicator(data, login):
    client = login(manager_in(None))
    response = client.get("/reports/performance?end=2026-06&format=csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="performance-all-2026-06.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header = next(row for row in rows if row and row[0] == "Borough")
    assert header[3:] == [
        "Previous 12 months (Jul 2024 to Jun 2025)",
        "Latest 12 months (Jul 2025 to Jun 2026)",
        "Change",
        "Change (%)",
    ]
    by_key = {(row[0], row[1]): row[2:] for row in rows if len(row) == 7 and row[0] != "Borough"}
    assert by_key[("Dartford", "Median calendar days to close")] == ["days", "6.0", "4.0", "-2.0", ""]
    assert by_key[("Dartford", "Fixed penalty notices issued")] == ["count", "2", "4", "2", "100.0"]
    assert by_key[("Gravesham", "Share of fixed penalty notices paid")] == ["percent", "", "0.0", "", ""]
    assert by_key[("Partnership total", "Cases closed")] == ["count", "1", "4", "3", "300.0"]
    assert len(by_key) == 3 * len(INDICATORS)


def test_the_default_report_ends_with_the_last_complete_month(app, login):
    dartford()
    page = login(manager_in(None)).get("/reports/performance").get_data(as_text=True)
    latest = Block.ending(last_complete_month(utcnow()))
    assert latest.label in page and "Partnership total" in page


# ---- who may see it -----------------------------------------------------------------------------


def test_a_borough_manager_sees_only_their_borough(data, login):
    dar, _gra = data
    client = login(manager_in(dar))
    page = client.get("/reports/performance?end=2026-06").get_data(as_text=True)
    assert ">Dartford</caption>" in page
    assert ">Gravesham</caption>" not in page and "Partnership total" not in page
    assert '<option value="GRA"' not in page
    assert client.get("/reports/performance?borough=GRA").status_code == 404
    assert client.get("/reports/performance?borough=all&format=csv").status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PARTNER, Role.ADMIN])
def test_officers_partners_and_admins_are_refused(app, login, role):
    dar = dartford()
    client = login(make_user(role, borough=dar if role == Role.OFFICER else None))
    assert client.get("/reports/performance").status_code == 403


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("end=2026-13", "The month must be between 01 and 12"),
        ("end=2099-01", "The report covers complete months only"),
        ("borough=NOPE", "There is no borough with the code NOPE"),
    ],
)
def test_bad_parameters_are_explained(app, login, query, message):
    dartford()
    client = login(manager_in(None))
    page = client.get(f"/reports/performance?{query}")
    assert page.status_code == 400 and message in page.get_data(as_text=True)
    assert "There is a problem" in page.get_data(as_text=True)
    as_csv = client.get(f"/reports/performance?{query}&format=csv")
    assert as_csv.status_code == 400 and message in as_csv.get_data(as_text=True)


def test_the_current_month_cannot_end_the_report(app, login):
    dartford()
    current = Month.of(utcnow())
    page = login(manager_in(None)).get(f"/reports/performance?end={current.iso}")
    assert page.status_code == 400 and "complete months only" in page.get_data(as_text=True)
