"""Deadlines on the case page and the queue's "overdue" and "due within 2 working days" filters.

Cases are logged through the real services, so their deadlines come from the default service-level
policies (added back here: the test app empties every table after each test).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from casework.cases import queries
from casework.cases.models import Case
from casework.db_types import utcnow
from casework.deadlines.calendar import current_calendar
from casework.deadlines.models import Deadline
from casework.extensions import db
from casework.formatting import LONDON, date_uk, datetime_uk
from tests.cases.builders import dartford, gravesham, make_case, manager_in, officer_in
from tests.conftest import sign_in
from tests.deadlines.builders import default_policies

REFERENCE_RE = r"[A-Z]{3}-\d{4}-\d{5}"
OVERDUE_TAG = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'


# ---- helpers -------------------------------------------------------------------------------------


def open_deadlines_of(case: Case) -> list[Deadline]:
    db.session.expire_all()
    query = select(Deadline).where(
        Deadline.case_id == case.id, Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(Deadline.due_at, Deadline.id)))


def move_due(case: Case, due_at: datetime, kind: str | None = None, **values) -> None:
    """Set the due time of the case's open deadlines (of one kind, or all) in the database."""
    query = update(Deadline).where(
        Deadline.case_id == case.id, Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None)
    )
    if kind is not None:
        query = query.where(Deadline.kind == kind)
    db.session.execute(query.values(due_at=due_at, **values))
    db.session.commit()


def working_days_ahead(days: int) -> datetime:
    """The end of the working day `days` working days after today, as the policies time deadlines."""
    return current_calendar().due_after_working_days(utcnow(), days)


def client_for(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def deadlines_section(html: str) -> str:
    match = re.search(r'<section class="app-case-deadlines".*?</section>', html, re.S)
    assert match, "no deadlines section on the page"
    return match.group(0)


def open_deadlines_table(html: str) -> str:
    """The open deadlines table of the section (not the earlier ones in the details)."""
    section = deadlines_section(html)
    match = re.search(r'<table class="govuk-table app-deadlines-table">.*?</table>', section, re.S)
    return match.group(0) if match else ""


def queue_references(html: str) -> list[str]:
    table = html.split('class="govuk-table app-case-table"', 1)[-1] if "app-case-table" in html else ""
    found = re.findall(rf'class="govuk-link" href="/cases/({REFERENCE_RE})"', table)
    return list(dict.fromkeys(found))


def csv_references(response) -> list[str]:
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    return [row["Reference"] for row in csv.DictReader(io.StringIO(text))]


@pytest.fixture
def staff(app):
    default_policies()
    dar = dartford()
    return {"dar": dar, "officer": officer_in(dar), "manager": manager_in(dar)}


@pytest.fixture
def three_cases(staff):
    """An overdue case, one due within two working days and one due later, all in Dartford."""
    officer, dar = staff["officer"], staff["dar"]
    overdue, soon, later = (make_case(officer, borough=dar) for _ in range(3))
    far = utcnow() + timedelta(days=40)
    for case in (overdue, soon, later):
        move_due(case, far)
    move_due(overdue, utcnow() - timedelta(days=5), kind="acknowledge")
    move_due(soon, working_days_ahead(1), kind="triage")
    return {"overdue": overdue, "soon": soon, "later": later}


# ---- the rows the services write -----------------------------------------------------------------


def test_logging_a_flytip_starts_its_deadlines_from_the_service_levels(staff):
    case = make_case(staff["officer"], borough=staff["dar"])
    rows = open_deadlines_of(case)
    assert {"acknowledge", "triage", "clear_flytip"} <= {row.kind for row in rows}
    assert all(row.due_at > row.started_at for row in rows)


# ---- the case page -------------------------------------------------------------------------------


def test_case_page_shows_each_deadline_with_its_due_time_and_working_days_left(staff, app):
    case = make_case(staff["officer"], borough=staff["dar"])
    due = working_days_ahead(8)
    move_due(case, due, kind="triage")
    rows = {row.kind: row for row in open_deadlines_of(case)}

    html = client_for(app, staff["officer"]).get(f"/cases/{case.reference}").get_data(as_text=True)

    table = open_deadlines_table(html)
    for row in rows.values():
        assert row.label in table
        assert datetime_uk(row.due_at) in table
    triage = re.search(rf"<th[^>]*>{rows['triage'].label}</th>(.*?)</tr>", table, re.S).group(1)
    assert datetime_uk(due) in triage
    assert "8 working days left" in triage
    assert "If missed: The assigned officer" in triage
    assert "Overdue" not in table
    assert f"Deadlines ({len(rows)} open)" in html


def test_a_deadline_moved_into_the_past_is_shown_overdue(staff, app):
    case = make_case(staff["officer"], borough=staff["dar"])
    move_due(case, utcnow() + timedelta(days=40))
    late = datetime(2020, 3, 2, 17, 0, tzinfo=LONDON)  # a Monday, long ago
    move_due(case, late, kind="acknowledge", escalation_level=2)
    label = next(row.label for row in open_deadlines_of(case) if row.kind == "acknowledge")

    html = client_for(app, staff["officer"]).get(f"/cases/{case.reference}").get_data(as_text=True)

    table = open_deadlines_table(html)
    row = re.search(rf"<th[^>]*>{label}</th>(.*?)</tr>", table, re.S).group(1)
    assert OVERDUE_TAG in row
    assert re.search(r"\d+ working days overdue", row)
    assert datetime_uk(late) in row
    assert "Escalated 2 times, last to: The managers of the case&#39;s borough" in row
    assert "Next step: The partnership managers" in row
    assert table.count("Overdue") == 1  # only the late deadline
    assert "1 overdue)" in html
    # Overdue deadlines come first (soonest first).
    assert table.index(label) < min(
        table.index(r.label) for r in open_deadlines_of(case) if r.kind != "acknowledge"
    )


def test_a_case_without_open_deadlines_says_so_and_lists_the_finished_ones(staff, app):
    case = make_case(staff["officer"], borough=staff["dar"])
    db.session.execute(
        update(Deadline).where(Deadline.case_id == case.id).values(met_at=utcnow(), end_note="done early")
    )
    db.session.commit()

    html = client_for(app, staff["officer"]).get(f"/cases/{case.reference}").get_data(as_text=True)

    section = deadlines_section(html)
    assert "There are no open deadlines on this case." in section
    assert "Earlier deadlines (" in section
    assert "done early" in section


# ---- the queue -----------------------------------------------------------------------------------


def test_queue_overdue_filter_lists_only_overdue_cases(three_cases, staff, app):
    client = client_for(app, staff["manager"])
    html = client.get("/cases?due=overdue").get_data(as_text=True)
    assert queue_references(html) == [three_cases["overdue"].reference]
    assert OVERDUE_TAG in html
    acknowledge = next(row for row in open_deadlines_of(three_cases["overdue"]) if row.kind == "acknowledge")
    assert f"Was due {date_uk(acknowledge.due_at)}" in html
    assert "leaves out cases that are already overdue" in html
    assert re.search(r'value="overdue"[^>]*checked', html)
    assert "export.csv?due=overdue" in html
    assert "could not be used" not in html


def test_queue_due_soon_filter_lists_only_cases_due_within_two_working_days(three_cases, staff, app):
    html = client_for(app, staff["manager"]).get("/cases?due=soon").get_data(as_text=True)
    assert queue_references(html) == [three_cases["soon"].reference]
    assert OVERDUE_TAG not in html
    assert date_uk(working_days_ahead(1)) in html  # its "Due" column


def test_a_case_that_is_overdue_is_not_also_listed_as_due_soon(three_cases, staff, app):
    overdue = three_cases["overdue"]
    move_due(overdue, working_days_ahead(1), kind="triage")  # overdue, and another deadline due soon
    client = client_for(app, staff["manager"])
    assert overdue.reference in queue_references(client.get("/cases?due=overdue").get_data(as_text=True))
    assert overdue.reference not in queue_references(client.get("/cases?due=soon").get_data(as_text=True))


def test_unfiltered_queue_lists_every_case_with_its_next_due_date(three_cases, staff, app):
    html = client_for(app, staff["manager"]).get("/cases").get_data(as_text=True)
    assert sorted(queue_references(html)) == sorted(case.reference for case in three_cases.values())
    assert html.count(OVERDUE_TAG) == 1
    assert '<th scope="col" class="govuk-table__header">Due</th>' in html
    assert re.search(r'value=""[^>]*checked', html)  # "Any" is chosen


@pytest.mark.parametrize("value", ["x", "late", "<script>"])
def test_a_bad_due_value_is_ignored_with_a_warning(three_cases, staff, app, value):
    response = client_for(app, staff["manager"]).get("/cases", query_string={"due": value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Some filters in the address could not be used" in html
    assert "The deadline filter" in html and "was ignored" in html
    assert "<script>" not in html.split("Some filters", 1)[1].split("</ul>", 1)[0]
    assert len(queue_references(html)) == 3


def test_due_filter_combines_with_the_other_filters_and_the_counts(three_cases, staff, app):
    manager = staff["manager"]
    client = client_for(app, manager)
    assert queue_references(client.get("/cases?due=overdue&type=graffiti").get_data(as_text=True)) == []
    assert queue_references(client.get("/cases?due=overdue&status=closed").get_data(as_text=True)) == []
    officer = staff["officer"].id
    html = client.get(f"/cases?due=overdue&officer={officer}").get_data(as_text=True)
    assert queue_references(html) == []  # logged, not assigned

    choices = queries.filter_choices(manager)
    current, problems = queries.parse_filter(MultiDict({"due": "overdue"}), choices)
    assert problems == [] and current.due == "overdue"
    assert current.to_args() == {"due": "overdue"}
    now = utcnow()
    assert queries.queue_page(manager, current, now=now).counts["new"] == 1
    assert queries.state_counts(manager, queries.QueueFilter(), now)["new"] == 3
    soon, _ = queries.parse_filter(MultiDict({"due": "soon"}), choices)
    assert queries.queue_page(manager, soon, now=now).counts["new"] == 1


def test_the_filters_are_timed_by_the_now_they_are_given(three_cases, staff):
    manager = staff["manager"]
    current, _ = queries.parse_filter(MultiDict({"due": "overdue"}), queries.filter_choices(manager))
    in_a_year = utcnow() + timedelta(days=365)
    page = queries.queue_page(manager, current, now=in_a_year)
    assert page.total == 3
    assert all(page.due[case.id].overdue for case in page.cases)


def test_due_filter_is_limited_to_the_users_scope(three_cases, staff, app):
    gra = gravesham()
    elsewhere = make_case(officer_in(gra), borough=gra)
    move_due(elsewhere, utcnow() - timedelta(days=5))
    html = client_for(app, staff["manager"]).get("/cases?due=overdue").get_data(as_text=True)
    assert queue_references(html) == [three_cases["overdue"].reference]


# ---- the CSV export ----------------------------------------------------------------------------


def test_csv_export_respects_the_due_filter(three_cases, staff, app):
    client = client_for(app, staff["manager"])
    assert csv_references(client.get("/cases/export.csv?due=overdue")) == [three_cases["overdue"].reference]
    assert csv_references(client.get("/cases/export.csv?due=soon")) == [three_cases["soon"].reference]
    assert len(csv_references(client.get("/cases/export.csv?due=nonsense"))) == 3
