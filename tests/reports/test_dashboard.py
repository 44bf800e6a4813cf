"""The managers' dashboard: the figures a manager reads, in their scope, on a hand-made data set."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from casework.auth.roles import Role
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, manager_in, officer_in
from tests.conftest import sign_in
from tests.reports.dashboard_builders import frozen_now, read, seed  # noqa: F401 - frozen_now is a fixture

pytestmark = pytest.mark.usefixtures("frozen_now")


# ---- what a Dartford manager reads -------------------------------------------------------------


def test_open_cases_by_state_and_by_type_with_overdue_and_due_soon(app, login):
    s = seed()
    page = read(login(manager_in(s.dartford)))
    states = page.table("open-states-table")
    assert states["New"]["Cases"] == "2"
    assert states["Triaged"]["Cases"] == "1"
    assert states["Under investigation"]["Cases"] == "1"
    assert states["Closure requested"]["Cases"] == "0"
    assert states["All open cases"]["Cases"] == "4"
    assert "Closed" not in states
    types = page.table("open-types-table")
    assert types["Flytipping"] == {"Open": "3", "Overdue": "1", "Due soon": "1"}
    assert types["Graffiti"] == {"Open": "1", "Overdue": "0", "Due soon": "0"}
    assert types["All types"] == {"Open": "4", "Overdue": "1", "Due soon": "1"}
    assert "Noise" not in types  # Gravesham's noise case is not in a Dartford manager's figures


def test_each_open_figure_links_to_the_queue_listing_as_many_cases(app, login):
    s = seed()
    client = login(manager_in(s.dartford))
    page = read(client)
    links = re.findall(r'href="(/cases\?[^"]+)">(\d+)<span class="govuk-visually-hidden">', page.html)
    assert len(links) >= 8
    for href, number in links:
        queue = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        listed = re.search(r"Showing [\d,]+ to [\d,]+ of ([\d,]+) case", queue)
        assert listed and listed.group(1) == number, href


def test_headline_overdue_and_due_soon_agree_with_the_queue(app, login):
    s = seed()
    client = login(manager_in(s.dartford))
    html = read(client).html
    overdue = client.get("/cases?due=overdue").get_data(as_text=True)
    soon = client.get("/cases?due=soon").get_data(as_text=True)
    assert "of 1 case" in overdue and "of 1 case" in soon
    assert 'href="/cases?due=overdue">overdue' in html
    figures = re.findall(r'govuk-!-font-weight-bold">([\d,]+)</span>', html)
    assert figures[:3] == ["4", "1", "1"]  # open, overdue, due soon


def test_service_level_compliance_by_kind_over_the_last_12_months(app, login):
    s = seed()
    page = read(login(manager_in(s.dartford)))
    table = page.table("compliance-table")
    # Triage: met on time in October, met late in October, and the one due yesterday still not met.
    # The cancelled one (cancelled before it fell due) and the review met in November 2025 do not count.
    assert table["Triage"] == {
        "Met on time": "1",
        "Met late": "1",
        "Missed, not met yet": "1",
        "Total": "3",
        "On time": "33%",
    }
    assert table["Review the case"]["On time"] == "100%"
    assert table["All deadlines"]["Total"] == "4"
    assert table["All deadlines"]["On time"] == "50%"
    assert "50% of 4 deadlines met on time" in page.text()


def test_incidents_per_ward_per_month_in_london_months(app, login):
    s = seed()
    page = read(login(manager_in(s.dartford)))
    months = page.table("incident-months-table")
    assert (next(iter(months)), list(months)[-1]) == ("December 2025", "November 2026")
    # 31 October 23:30 UTC is still 31 October in London (GMT); 30 November 2025 is before the period.
    assert months["October 2026"]["Incidents"] == "3"
    assert months["November 2026"]["Incidents"] == "1"
    assert months["December 2025"]["Incidents"] == "1"
    assert months["July 2026"]["Incidents"] == "1"
    wards = page.table("incident-wards-table")
    assert wards["Town"]["Total"] == "4"
    assert wards["Temple Hill"]["Total"] == "2"
    assert wards["Swanscombe"]["Total"] == "0"  # every ward is listed, even with none
    assert wards["Town"]["Oct"] == "3"
    assert set(wards) == {"Swanscombe", "Temple Hill", "Town"}
    assert "6 incidents reported in the last 12 months" in page.text()


def test_hotspots_are_postcodes_with_several_incidents_in_the_last_90_days(app, login):
    s = seed()
    page = read(login(manager_in(s.dartford)))
    spots = page.table("hotspots-table")
    assert list(spots) == ["DA1 1DR"]
    assert spots["DA1 1DR"]["Incidents"] == "4"
    assert spots["DA1 1DR"]["Ward"] == "Town"
    assert 'href="/search?q=DA1+1DR"' in page.html


def test_enforcement_issued_in_the_period_by_kind_and_status(app, login):
    s = seed()
    page = read(login(manager_in(s.dartford)))
    table = page.table("enforcement-table")
    # The FPN of 20 November 2025 is before the last 12 months; the draft is not counted.
    assert table["Fixed penalty notice"] == {
        "Issued": "1",
        "Paid": "1",
        "Unpaid": "1",
        "Concluded": "0",
        "Total": "3",
    }
    assert table["Prosecution"]["Concluded"] == "2"
    assert table["Warning letter"]["Issued"] == "1"
    assert "Community Protection Warning" not in table  # Gravesham's
    text = page.text()
    assert "6 actions issued" in text
    assert "Fixed penalty notices: 3 issued, 1 paid, 1 unpaid" in text
    assert "Prosecutions: 2, of which 1 proved" in text


def test_financial_year_periods(app, login):
    s = seed()
    client = login(manager_in(s.dartford))
    this_year = read(client, "/dashboard?period=fy")
    assert "in this financial year (April 2026 to November 2026)" in this_year.text()
    assert next(iter(this_year.table("incident-months-table"))) == "April 2026"
    assert this_year.table("enforcement-table")["Fixed penalty notice"]["Total"] == "3"
    last_year = read(client, "/dashboard?period=last_fy")
    assert "in the last financial year (April 2025 to March 2026)" in last_year.text()
    assert last_year.table("enforcement-table")["Fixed penalty notice"] == {"Paid": "1", "Total": "1"}
    assert last_year.table("incident-months-table")["November 2025"]["Incidents"] == "1"
    assert last_year.table("compliance-table")["Review the case"]["Met late"] == "1"


# ---- scope -----------------------------------------------------------------------------------------


def test_gravesham_manager_sees_only_gravesham(app, login):
    s = seed()
    page = read(login(manager_in(s.gravesham)))
    assert page.table("open-types-table")["All types"]["Open"] == "3"
    assert page.table("compliance-table")["All deadlines"]["Total"] == "1"
    assert set(page.table("incident-wards-table")) == {"Chalk", "Riverside"}
    assert list(page.table("hotspots-table")) == ["DA11 0AA"]
    assert list(page.table("enforcement-table")) == ["Community Protection Warning"]
    assert 'id="borough"' not in page.html  # no borough to choose


def test_borough_manager_cannot_look_at_another_borough(app, login):
    s = seed()
    page = read(login(manager_in(s.dartford)), "/dashboard?borough=GRA")
    assert page.table("open-types-table")["All types"]["Open"] == "4"
    assert "The borough filter “GRA” was ignored" in page.text()


def test_partnership_manager_sees_both_and_can_filter_by_borough(app, login):
    seed()
    client = login(manager_in(None))
    both = read(client)
    assert both.table("open-types-table")["All types"]["Open"] == "7"
    assert both.table("open-types-table")["Noise"]["Open"] == "1"
    assert both.table("compliance-table")["All deadlines"]["Total"] == "5"
    assert len(both.table("incident-wards-table")) == 5
    assert list(both.table("hotspots-table")) == ["DA1 1DR", "DA11 0AA"]
    assert "All boroughs" in both.text()
    gravesham_only = read(client, "/dashboard?borough=GRA")
    assert gravesham_only.table("open-types-table")["All types"]["Open"] == "3"
    assert '<option value="GRA" selected>' in gravesham_only.html
    # The queue links keep the borough, so the queue lists the same cases.
    assert (
        'href="/cases?borough=GRA&amp;due=overdue"' in gravesham_only.html
        or gravesham_only.table("open-types-table")["All types"]["Overdue"] == "0"
    )
    assert 'href="/cases?borough=GRA"' in gravesham_only.html


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PARTNER, Role.ADMIN])
def test_other_roles_are_refused(app, login, role):
    borough = dartford()
    user = officer_in(borough) if role == Role.OFFICER else make_user(role)
    response = login(user).get("/dashboard")
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


# ---- charts ----------------------------------------------------------------------------------------

CHART_TABLES = {
    "chart-open-states": "open-states-table",
    "chart-open-types": "open-types-table",
    "chart-compliance": "compliance-table",
    "chart-incident-months": "incident-months-table",
    "chart-incident-wards": "incident-wards-table",
    "chart-enforcement": "enforcement-table",
}


def test_every_chart_is_well_formed_accessible_svg_with_its_table(app, login):
    seed()
    page = read(login(manager_in(None)))
    svgs = re.findall(r"<svg .*?</svg>", page.html, flags=re.S)
    assert len(svgs) == len(CHART_TABLES)
    for svg in svgs:
        root = ElementTree.fromstring(svg)  # noqa: S314 - our own page; well-formed XML, or this raises
        chart_id = root.get("id")
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{ns}title").get("id") == title_id and root.find(f"{ns}title").text
        assert root.find(f"{ns}desc").get("id") == desc_id and root.find(f"{ns}desc").text
        assert CHART_TABLES[chart_id] in page.tables
        assert page.tables[CHART_TABLES[chart_id]]["caption"]
        assert "style=" not in svg and "<script" not in svg
    assert "Flytipping: 5" in page.html  # the open-by-type chart's description carries the numbers


# ---- empty data and bad input -----------------------------------------------------------------------


def test_no_data_shows_sensible_messages(app, login):
    page = read(login(manager_in(dartford())))
    text = page.text()
    assert "There are no open cases." in text
    assert "No deadlines were met or missed in this period." in text
    assert "No incidents were reported in the last 12 months" in text
    assert "No postcode had more than one incident reported in the last 90 days." in text
    assert "No enforcement actions were issued in the last 12 months" in text
    assert "<svg" not in page.html


def test_one_figure_alone_does_not_divide_by_zero(app, login):
    borough = gravesham()
    from tests.reports.dashboard_builders import NOW, add_case, add_deadline

    case = add_case(borough, state="triaged", reported_at=NOW)
    add_deadline(case, "triage", NOW.replace(day=2), cancelled_at=NOW.replace(day=1))  # not counted
    page = read(login(manager_in(borough)))
    assert "No deadlines were met or missed in this period." in page.text()
    assert page.table("open-types-table")["All types"]["Open"] == "1"


@pytest.mark.parametrize(
    "query",
    [
        "period=forever",
        "period=",
        "borough=XX",
        "borough=%3Cscript%3E",
        "period=12m&borough=DAR&borough=GRA",
        "period=%00&borough=%FF",
        "period=" + "9" * 5000,
    ],
)
def test_bad_filter_input_is_ignored_with_a_message_never_a_500(app, login, query):
    seed()
    response = login(manager_in(None)).get(f"/dashboard?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html
    assert "Last 12 months" in html


# ---- links to the other reports ---------------------------------------------------------------------


def test_links_to_the_flycapture_return_and_the_performance_report(app, login):
    s = seed()
    html = read(login(manager_in(s.dartford))).html
    assert 'href="/reports/flycapture?borough=DAR&amp;month=2026-10"' in html
    assert 'href="/reports/performance?borough=DAR"' in html
    other = app.test_client()
    assert sign_in(other, manager_in(None).email).status_code == 302
    everyone = read(other).html
    assert "Flycapture return for October 2026" in everyone
    assert 'href="/reports/flycapture?borough=all&amp;month=2026-10"' in everyone
    assert 'href="/reports/performance?borough=all"' in everyone
