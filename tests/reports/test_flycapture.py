"""The Flycapture return on a hand-built month: every expected figure is worked out here by hand.

July 2026 in Dartford (British Summer Time, so London is UTC+1):
  #1 reported 30 June 23:30 UTC = 1 July 00:30 London: small van, highway, other household;
     cleared by the council for £180.00
  #2 10 July: car boot, highway, black bags household + other household (two waste types);
     cleared by the contractor for £95.00
  #3 12 July, a repeat report on #2's case: car boot, highway, green; cleared by the council, £60.50
  #4 15 July: small van, footpath, construction; cleared by the landowner (its £180 is not the council's)
  #5 20 July: single item, council land, white goods; not cleared yet
  #6 31 July 22:30 UTC = 23:30 London: transit van, back alleyway, other household; council, £350.00
  #7 25 July: significant, agricultural, asbestos + construction; cleared by the council, £3,000.00
Not counted: 31 July 23:30 UTC (1 August in London), 30 June 22:30 UTC (30 June in London), a July
flytip closed as a duplicate, and a July flytip in Gravesham.

By hand: 7 incidents. Highway: small van 1, car boot 2 (total 3); footpath small van 1; council land
single item 1; back alleyway transit van 1; agricultural significant 1. Sizes: single item 1, car boot 2,
small van 2, transit van 1, significant 1. Waste: other household 3, construction 2, black bags
household 1, green 1, white goods 1, asbestos 1 (9 in all; 2 incidents with two types). Clearance cost
180 + 95 + 60.50 + 350 + 3000 = £3,685.50 over 5 incidents; 1 by the landowner; 1 not cleared.
Enforcement on Dartford flytipping cases issued in July: investigation 1 (31 July), warning letter 1,
statutory notices 2 (s.34 and s.71), FPN 1, prosecution 1 = 6. FPNs paid in July: the July FPN (£500)
and a June FPN paid on 2 July (£400) = 2, £900.00.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.reports.flycapture import flycapture_return
from casework.reports.periods import Month, last_complete_month
from casework.reports.report_params import BoroughChoice
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, manager_in, officer_in
from tests.reports.builders import action, add_flytip, clear, close, log_case, log_flytip, utc

JULY = Month(2026, 7)
SIZES = ["Single black bag", "Single item", "Car boot or less", "Small van load", "Transit van load"]
SIZES += ["Tipper lorry load", "Significant / multi loads"]


@pytest.fixture
def july(app):
    """The hand-built month; returns the boroughs."""
    dar, gra = dartford(), gravesham()
    officer, manager = officer_in(dar), manager_in(dar)
    one = log_flytip(officer, dar, utc(2026, 6, 30, 23, 30), "small_van", "highway", ("other_household",))
    clear(officer, one, date(2026, 7, 2), "council", "180.00")
    two = log_flytip(
        officer, dar, utc(2026, 7, 10, 9), "car_boot", "highway", ("bags_household", "other_household")
    )
    three = add_flytip(officer, two.case, utc(2026, 7, 12, 14), "car_boot", "highway", ("green",))
    clear(officer, two, date(2026, 7, 11), "contractor", "95.00")
    clear(officer, three, date(2026, 7, 13), "council", "60.50")
    four = log_flytip(officer, dar, utc(2026, 7, 15, 10), "small_van", "footpath", ("construction",))
    clear(officer, four, date(2026, 7, 16), "landowner", "180.00")
    log_flytip(officer, dar, utc(2026, 7, 20, 8), "single_item", "council_land", ("white_goods",))
    six = log_flytip(
        officer, dar, utc(2026, 7, 31, 22, 30), "transit_van", "back_alley", ("other_household",)
    )
    clear(officer, six, date(2026, 8, 1), "council", "350.00")
    seven = log_flytip(
        officer, dar, utc(2026, 7, 25, 7), "significant", "agricultural", ("asbestos", "construction")
    )
    clear(officer, seven, date(2026, 7, 28), "council", "3000.00")
    # Not July in London, a duplicate, and another borough:
    august = log_flytip(officer, dar, utc(2026, 7, 31, 23, 30), "tipper_lorry", "railway", ("tyres",))
    log_flytip(officer, dar, utc(2026, 6, 30, 22, 30), "single_bag", "watercourse", ("clinical",))
    duplicate = log_flytip(officer, dar, utc(2026, 7, 16, 9), "small_van", "highway", ("other_household",))
    close(manager, duplicate.case, utc(2026, 7, 17, 9), "duplicate", original=four.case)
    log_flytip(officer_in(gra), gra, utc(2026, 7, 18, 9), "small_van", "highway", ("tyres",))

    flytip_case, noise_case = one.case, log_case(officer, dar, "noise", utc(2026, 7, 2, 9))
    action(flytip_case, "investigation", date(2026, 7, 31))
    action(flytip_case, "warning_letter", date(2026, 7, 5))
    action(flytip_case, "s34_notice", date(2026, 7, 6))
    action(four.case, "s71_notice", date(2026, 7, 7))
    action(
        flytip_case,
        "fpn",
        date(2026, 7, 3),
        amount=Decimal("1000"),
        paid_on=date(2026, 7, 20),
        paid_amount=Decimal("500"),
    )
    action(
        flytip_case,
        "fpn",
        date(2026, 6, 28),
        amount=Decimal("400"),
        paid_on=date(2026, 7, 2),
        paid_amount=Decimal("400"),
    )
    action(seven.case, "prosecution", date(2026, 7, 15))
    action(flytip_case, "cpw", date(2026, 7, 8))  # not a Flycapture category
    action(noise_case, "fpn", date(2026, 7, 9))  # not a flytipping case
    action(flytip_case, "fpn", date(2026, 7, 10), status="draft")  # never issued
    action(flytip_case, "warning_letter", date(2026, 8, 1))  # August
    action(august.case, "warning_letter", date(2026, 6, 30))  # June
    return dar, gra


def test_the_return_counts_the_hand_built_month(july):
    dar, _gra = july
    report = flycapture_return(BoroughChoice(dar), JULY, utc(2026, 11, 26, 9))

    assert report.complete
    assert [label for _code, label in report.sizes] == SIZES
    matrix = {row.label: list(row.counts) for row in report.land_rows}
    assert matrix["Highway"] == [0, 0, 2, 1, 0, 0, 0]
    assert matrix["Footpath / bridleway"] == [0, 0, 0, 1, 0, 0, 0]
    assert matrix["Council land"] == [0, 1, 0, 0, 0, 0, 0]
    assert matrix["Back alleyway"] == [0, 0, 0, 0, 1, 0, 0]
    assert matrix["Agricultural"] == [0, 0, 0, 0, 0, 0, 1]
    assert matrix["Railway"] == matrix["Watercourse / bank"] == [0] * 7
    assert report.size_totals == [0, 1, 2, 2, 1, 0, 1]
    assert report.total_incidents == 7

    waste = {line.label: line.count for line in report.waste_rows if line.count}
    assert waste == {
        "Other household waste": 3,
        "Construction / demolition / excavation": 2,
        "Black bags - household": 1,
        "Green": 1,
        "White goods": 1,
        "Asbestos": 1,
    }
    assert report.waste_total == 9 and report.multi_waste_incidents == 2

    clearance = {row.label: row for row in report.clearance_rows}
    assert clearance["Car boot or less"].cost == Decimal("155.50")
    assert clearance["Small van load"].incidents == 2 and clearance["Small van load"].cost == Decimal(
        "180.00"
    )
    assert clearance["Small van load"].cleared_by_landowner == 1
    assert clearance["Single item"].not_cleared == 1 and clearance["Single item"].cost == Decimal("0.00")
    assert report.clearance_cost == Decimal("3685.50")
    assert (report.cleared_by_council, report.cleared_by_landowner, report.not_cleared) == (5, 1, 1)

    actions = {line.label: line.count for line in report.action_rows}
    assert actions == {
        "Investigation": 1,
        "Warning letter": 1,
        "Statutory notice": 2,
        "Fixed penalty notice": 1,
        "Duty of care inspection": 0,
        "Stop and search": 0,
        "Vehicle seized": 0,
        "Formal caution": 0,
        "Injunction": 0,
        "Prosecution": 1,
    }
    assert report.actions_total == 6
    assert (report.fpns_issued, report.fpns_paid, report.fpn_amount_paid) == (1, 2, Decimal("900.00"))


def test_the_neighbouring_months_get_the_incidents_july_left_out(july):
    dar, _gra = july
    now = utc(2026, 11, 26, 9)
    august = flycapture_return(BoroughChoice(dar), Month(2026, 8), now)
    june = flycapture_return(BoroughChoice(dar), Month(2026, 6), now)

    assert august.total_incidents == 1
    assert {row.label: row.total for row in august.land_rows}["Railway"] == 1
    assert [line.label for line in august.action_rows if line.count] == ["Warning letter"]
    assert june.total_incidents == 1
    assert {row.label: row.total for row in june.land_rows}["Watercourse / bank"] == 1
    assert {line.label: line.count for line in june.action_rows}["Fixed penalty notice"] == 1


def test_all_boroughs_add_gravesham_s_flytip(july):
    report = flycapture_return(BoroughChoice(None), JULY, utc(2026, 11, 26, 9))
    assert report.total_incidents == 8
    assert report.actions_total == 6


def test_a_month_still_running_says_so(july):
    dar, _gra = july
    assert not flycapture_return(BoroughChoice(dar), JULY, utc(2026, 7, 20, 9)).complete


# ---- the page and the CSV -----------------------------------------------------------------------


def _sections(text: str) -> dict[str, list[list[str]]]:
    """The CSV's tables, by their title row."""
    sections: dict[str, list[list[str]]] = {}
    current = "header"
    for row in csv.reader(io.StringIO(text)):
        if row and row[0].startswith("Table "):
            current = row[0]
            sections[current] = []
        elif row:
            sections.setdefault(current, []).append(row)
    return sections


def test_the_csv_is_laid_out_like_the_defra_return(july, login):
    client = login(manager_in(july[0]))
    response = client.get("/reports/flycapture?borough=DAR&month=2026-07&format=csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="flycapture-DAR-2026-07.csv"' in response.headers["Content-Disposition"]
    sections = _sections(response.get_data(as_text=True))
    header = dict((row[0], row[1]) for row in sections["header"] if len(row) > 1)
    assert header["Borough"] == "Dartford" and header["Month"] == "July 2026"
    assert list(sections) == [
        "header",
        "Table 1: Number of incidents by land type and size",
        "Table 2: Number of incidents by waste type",
        "Table 3: Clearance costs by size",
        "Table 4: Enforcement actions by type",
        "Table 5: Fixed penalty notices",
    ]
    land = sections["Table 1: Number of incidents by land type and size"]
    assert land[0] == ["Land type", *SIZES, "Total"]
    assert [row[0] for row in land[1:-1]][:3] == ["Highway", "Footpath / bridleway", "Back alleyway"]
    assert land[1] == ["Highway", "0", "0", "2", "1", "0", "0", "0", "3"]
    assert land[-1] == ["Total", "0", "1", "2", "2", "1", "0", "1", "7"]
    waste = sections["Table 2: Number of incidents by waste type"]
    assert waste[0] == ["Waste type", "Incidents"] and len(waste) == 1 + 15 + 3
    assert ["Other household waste", "3"] in waste and waste[-1] == ["Total incidents", "7"]
    clearance = sections["Table 3: Clearance costs by size"]
    assert clearance[-1] == ["Total", "7", "5", "3685.50", "1", "1"]
    actions = sections["Table 4: Enforcement actions by type"]
    assert actions[0] == ["Enforcement action", "Number of actions"]
    assert ["Statutory notice", "2"] in actions and actions[-1] == ["Total", "6"]
    fpn = dict((row[0], row[1]) for row in sections["Table 5: Fixed penalty notices"][1:])
    assert fpn == {
        "Fixed penalty notices issued": "1",
        "Fixed penalty notices paid in the month": "2",
        "Amount paid (GBP)": "900.00",
    }


def test_the_page_shows_the_same_tables_with_links(july, login):
    client = login(manager_in(july[0]))
    page = client.get("/reports/flycapture?borough=DAR&month=2026-07").get_data(as_text=True)

    assert '<h1 class="govuk-heading-l">Dartford, July 2026</h1>' in page
    for caption in ("Table 1: Number of incidents by land type and size", "Table 3: Clearance costs by size"):
        assert f'<caption class="govuk-table__caption govuk-table__caption--m">{caption}</caption>' in page
    assert "£3,685.50" in page
    assert "govuk-table__cell--numeric" in page
    assert "/reports/flycapture?borough=DAR&amp;month=2026-07&amp;format=csv" in page
    assert "/reports/flycapture?borough=DAR&amp;month=2026-06" in page
    assert "/reports/flycapture?borough=DAR&amp;month=2026-08" in page
    assert '<option value="2026-07" selected>' in page


def test_a_borough_manager_gets_the_last_complete_month_of_their_borough_by_default(app, login):
    dar = dartford()
    gravesham()
    page = login(manager_in(dar)).get("/reports/flycapture").get_data(as_text=True)
    shown = last_complete_month(utcnow())
    assert f'<h1 class="govuk-heading-l">Dartford, {shown.label}</h1>' in page
    assert f'Next month<span class="govuk-visually-hidden">: {shown.plus(1).label}' in page
    assert '<option value="GRA"' not in page and '<option value="all"' not in page


# ---- who may see it -----------------------------------------------------------------------------


def test_a_borough_manager_cannot_see_another_borough_or_all(app, login):
    dar, _gra = dartford(), gravesham()
    client = login(manager_in(dar))
    assert client.get("/reports/flycapture?borough=GRA&month=2026-07").status_code == 404
    assert client.get("/reports/flycapture?borough=all&month=2026-07").status_code == 404
    assert client.get("/reports/flycapture?borough=GRA&month=2026-07&format=csv").status_code == 404


def test_a_partnership_manager_sees_any_borough_and_all(july, login):
    client = login(manager_in(None))
    gravesham_page = client.get("/reports/flycapture?borough=gra&month=2026-07").get_data(as_text=True)
    assert "Gravesham, July 2026" in gravesham_page
    both = client.get("/reports/flycapture?borough=all&month=2026-07&format=csv").get_data(as_text=True)
    # Gravesham adds one small van load to the seven Dartford incidents.
    assert ["Total", "0", "1", "2", "3", "1", "0", "1", "8"] in list(csv.reader(io.StringIO(both)))


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PARTNER, Role.ADMIN])
def test_officers_partners_and_admins_are_refused(app, login, role):
    dar = dartford()
    user = make_user(role, borough=dar if role == Role.OFFICER else None)
    client = login(user)
    assert client.get("/reports/flycapture").status_code == 403
    assert client.get("/reports/flycapture?format=csv").status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/reports/flycapture")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("borough=DAR&month=2026-13", "The month must be between 01 and 12"),
        ("borough=DAR&month=July", "Enter the month as a year and month, like 2026-07"),
        ("borough=DAR&month=2099-01", "The month cannot be in the future"),
        ("borough=XYZ&month=2026-07", "There is no borough with the code XYZ"),
    ],
)
def test_bad_parameters_are_explained_on_the_page_and_in_csv(app, login, query, message):
    dartford()
    client = login(manager_in(None))
    page = client.get(f"/reports/flycapture?{query}")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "There is a problem" in text and message in text
    assert "Table 1" not in text
    as_csv = client.get(f"/reports/flycapture?{query}&format=csv")
    assert as_csv.status_code == 400 and as_csv.mimetype == "text/plain"
    assert message in as_csv.get_data(as_text=True)
