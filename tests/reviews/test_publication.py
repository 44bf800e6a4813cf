"""The yearly publication table: applications received in a 12-month window and what became of them."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from casework.db_types import utcnow
from casework.reviews import queries, services
from tests.builders import make_agency
from tests.cases.builders import dartford, gravesham, manager_in, officer_in
from tests.reviews.builders import apply, at, victim_case


def reviewed(officer, received: date, *, met: bool = True, recommendations: int = 0):
    """An application received on `received`, its threshold decided and (when met) reviewed."""
    case = victim_case(officer, officer.borough, reported=received)
    application = apply(officer, case, received)
    services.acknowledge(officer, application, received, at(received))
    # One report each: a manager decides the threshold met on the potential harm.
    services.decide_threshold(manager_in(officer.borough), application, met, "Harm", received, at(received))
    if met:
        services.record_meeting(officer, application, received, "Outcome", at(received))
        agency = make_agency()
        for number in range(recommendations):
            services.add_recommendation(
                officer, application, f"Do {number}", agency.id, received, at(received)
            )
    return application


@pytest.fixture
def figures(app):
    dar, gra = officer_in(dartford()), officer_in(gravesham())
    reviewed(dar, date(2027, 3, 31), recommendations=5)  # the day before the window
    reviewed(dar, date(2027, 4, 1), recommendations=2)  # its first day
    reviewed(dar, date(2027, 10, 12), met=False)
    reviewed(dar, date(2028, 3, 31), recommendations=1)  # its last day
    reviewed(dar, date(2028, 4, 1), recommendations=5)  # the day after
    reviewed(gra, date(2027, 6, 1), recommendations=3)
    apply(gra, victim_case(gra, gra.borough, reported=date(2027, 7, 1), first_name="Gil"), date(2027, 7, 1))
    return dar, gra


def test_the_figures_count_the_12_months_from_the_first_month_inclusive(figures):
    dar_figures = queries.publication_figures(date(2027, 4, 1), date(2028, 3, 31), figures[0].borough_id)

    assert dar_figures == queries.PublicationFigures(
        applications=3, threshold_met=2, reviews_held=2, recommendations_made=3
    )


def test_the_window_is_12_calendar_months_and_defaults_to_the_last_complete_12(app):
    assert queries.publication_window("2027-04", date(2028, 5, 2)) == (date(2027, 4, 1), date(2028, 3, 31))
    assert queries.publication_window(None, date(2026, 11, 26)) == (date(2025, 11, 1), date(2026, 10, 31))
    assert queries.publication_window("2027-13", date(2028, 5, 2)) is None
    assert queries.publication_window("April", date(2028, 5, 2)) is None


def test_a_partnership_manager_sees_each_borough_and_the_total(login, client, figures):
    login(manager_in(None))
    page = client.get("/case-reviews/publication?start=2027-04").get_data(as_text=True)

    assert "1 April 2027 to 31 March 2028" in page
    rows = queries.publication_table(manager_in(None), date(2027, 4, 1), date(2028, 3, 31))
    assert [(r.name, r.figures.applications, r.figures.recommendations_made) for r in rows] == [
        ("Dartford", 3, 3),
        ("Gravesham", 2, 3),
        ("Total", 5, 6),
    ]


def test_the_csv_has_a_row_per_borough_and_the_total(login, client, figures):
    login(manager_in(None))
    response = client.get("/case-reviews/publication.csv?start=2027-04")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "Period",
        "Area",
        "Applications",
        "Threshold met",
        "Reviews held",
        "Recommendations made",
    ]
    assert rows[1:] == [
        ["2027-04-01 to 2028-03-31", "Dartford", "3", "2", "2", "3"],
        ["2027-04-01 to 2028-03-31", "Gravesham", "2", "1", "1", "3"],
        ["2027-04-01 to 2028-03-31", "Total", "5", "3", "3", "6"],
    ]


def test_a_borough_user_sees_only_their_borough(login, client, figures):
    login(figures[1])
    rows = list(
        csv.reader(
            io.StringIO(client.get("/case-reviews/publication.csv?start=2027-04").get_data(as_text=True))
        )
    )

    assert [row[1] for row in rows[1:]] == ["Gravesham"]


def test_a_start_that_is_not_a_month_is_explained(login, client, figures):
    login(figures[0])
    response = client.get("/case-reviews/publication?start=2027-13")

    assert response.status_code == 400
    assert "Enter the first month as a year and month, like 2026-04" in response.get_data(as_text=True)
    assert client.get("/case-reviews/publication.csv?start=nonsense").status_code == 400
    assert client.get("/case-reviews/publication").status_code == 200
    assert utcnow()  # the default window is the last complete 12 months (see the window test)
