"""/admin/calendar and /admin/service-levels: admins only, clear errors, and the changes take effect."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from casework.auth.roles import Role
from casework.deadlines import services
from casework.deadlines.calendar import current_calendar, forget_current_calendar
from casework.deadlines.models import ClosureDay, ServiceLevelPolicy
from casework.extensions import db
from casework.formatting import LONDON
from tests.builders import make_borough, make_user
from tests.cases.builders import make_case
from tests.cases.case_page_helpers import as_user, post
from tests.deadlines.builders import default_policies

PAGES = ["/admin/calendar", "/admin/service-levels", "/admin/service-levels/new", "/admin/service-levels/1"]
POSTS = [
    "/admin/calendar",
    "/admin/calendar/1/remove",
    "/admin/service-levels/new",
    "/admin/service-levels/1/active",
]


@pytest.fixture
def admin_client(app, client):
    default_policies()
    return as_user(client, make_user(Role.ADMIN))


def _page(response) -> str:
    return response.get_data(as_text=True)


def _policy(kind: str, state: str | None = None) -> ServiceLevelPolicy:
    db.session.expire_all()
    query = select(ServiceLevelPolicy).where(
        ServiceLevelPolicy.kind == kind,
        ServiceLevelPolicy.case_type_group.is_(None),
        ServiceLevelPolicy.case_type_id.is_(None),
    )
    if state:
        query = query.where(ServiceLevelPolicy.state == state)
    return db.session.scalars(query.order_by(ServiceLevelPolicy.id)).first()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.PARTNER])
def test_non_admins_are_refused(app, client, role):
    default_policies()
    borough = make_borough() if role in (Role.OFFICER, Role.MANAGER) else None
    as_user(client, make_user(role, borough=borough))
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    for path in POSTS:
        assert post(client, path, {"active": "0"}).status_code == 403, path


def test_the_calendar_lists_bank_holidays_and_closures(admin_client):
    page = _page(admin_client.get("/admin/calendar"))
    assert "Coming bank holidays" in page and "Christmas Day" in page
    assert "The council has no closure days of its own." in page


def test_an_admin_adds_and_removes_a_closure_day(admin_client):
    response = post(
        admin_client, "/admin/calendar", {"day": ["29", "12", "2027"], "reason": "Christmas closure"}
    )
    assert response.status_code == 302
    page = _page(admin_client.get("/admin/calendar"))
    assert "29 December 2027 added as a closure day." in page
    assert "Wednesday 29 December 2027" in page and "Christmas closure" in page
    assert not current_calendar().is_working_day(date(2027, 12, 29))

    closure = db.session.scalar(select(ClosureDay))
    response = post(admin_client, f"/admin/calendar/{closure.id}/remove", token_from="/admin/calendar")
    assert response.status_code == 302
    assert "29 December 2027 is no longer a closure day." in _page(admin_client.get("/admin/calendar"))
    assert db.session.scalar(select(ClosureDay)) is None
    forget_current_calendar()  # this test's own context cached the calendar; a new request would not
    assert current_calendar().is_working_day(date(2027, 12, 29))
    # Removing it again is explained, not an error page.
    response = post(admin_client, f"/admin/calendar/{closure.id}/remove", follow_redirects=True)
    assert "already been removed" in _page(response)


@pytest.mark.parametrize(
    ("day", "reason", "message"),
    [
        (["", "", ""], "Closed", "Enter the date the council is closed"),
        (["31", "2", "2027"], "Closed", "The date must be a real date"),
        (["29", "", "2027"], "Closed", "The date must include a month"),
        (["x", "1", "2027"], "Closed", "The date must be a real date"),
        (["1", "1", "2099"], "Closed", "The date must be within 5 years from now"),
        (["29", "12", "2027"], "", "Enter why the council is closed"),
        (["29", "12", "2027"], "x" * 201, "The reason must be 200 characters or fewer"),
    ],
)
def test_bad_closure_days_get_clear_errors(admin_client, day, reason, message):
    response = post(admin_client, "/admin/calendar", {"day": day, "reason": reason})
    assert response.status_code == 200
    page = _page(response)
    assert message in page and "There is a problem" in page
    assert db.session.scalar(select(ClosureDay)) is None


def test_a_duplicate_closure_day_is_refused_and_a_weekend_warned_about(admin_client):
    post(admin_client, "/admin/calendar", {"day": ["29", "12", "2027"], "reason": "Christmas closure"})
    response = post(admin_client, "/admin/calendar", {"day": ["29", "12", "2027"], "reason": "Again"})
    assert "29 December 2027 is already a closure day" in _page(response)
    response = post(
        admin_client,
        "/admin/calendar",
        {"day": ["1", "1", "2028"], "reason": "New Year"},
        follow_redirects=True,
    )
    page = _page(response)
    assert "1 January 2028 is a Saturday, which is not a working day anyway" in page
    response = post(
        admin_client,
        "/admin/calendar",
        {"day": ["25", "12", "2028"], "reason": "Christmas"},
        follow_redirects=True,
    )
    assert "is a Monday" not in _page(response)
    response = post(
        admin_client,
        "/admin/calendar",
        {"day": ["27", "12", "2027"], "reason": "Xmas"},
        follow_redirects=True,
    )
    assert "already a bank holiday (Christmas Day (observed))" in _page(response)


def test_the_service_levels_page_lists_the_defaults(admin_client):
    page = _page(admin_client.get("/admin/service-levels"))
    assert "Acknowledge the report" in page and "Clear the flytip" in page
    assert "Refer to the Community Safety Multi-Agency Panel" in page
    assert "20 policies" in page


def _form(**changes) -> dict:
    values = {
        "kind": "triage",
        "applies_to": "group:flytipping",
        "risk": "",
        "priority_id": "",
        "state": "new",
        "duration_value": "1",
        "duration_unit": "working_days",
        "reminders": "4 working hours",
        "ladder": "officer_manager, panel:csmap",
        "description": "Flytips are triaged the next working day",
    }
    return {**values, **changes}


def test_an_admin_adds_a_more_specific_policy_and_new_cases_follow_it(admin_client):
    response = post(admin_client, "/admin/service-levels/new", _form())
    assert response.status_code == 302, _page(response)
    added = db.session.scalar(
        select(ServiceLevelPolicy).where(
            ServiceLevelPolicy.case_type_group == "flytipping", ServiceLevelPolicy.kind == "triage"
        )
    )
    assert added.reminder_leads == [{"value": 4, "unit": "working_hours"}]
    assert added.ladder == ["officer_manager", "panel:csmap"]
    page = _page(admin_client.get("/admin/service-levels"))
    assert "Service level saved: Triage, Any flytipping case." in page

    flytip, graffiti = make_case(), make_case(code="graffiti")
    assert services.open_rows(flytip, ["triage"])[0].policy_id == added.id
    assert services.open_rows(flytip, ["triage"])[0].ladder == ["officer_manager", "panel:csmap"]
    assert services.open_rows(graffiti, ["triage"])[0].policy_id == _policy("triage", "new").id != added.id


def test_an_admin_changes_a_policy(admin_client):
    policy = _policy("acknowledge")
    page = _page(admin_client.get(f"/admin/service-levels/{policy.id}"))
    assert 'value="2"' in page and "1 working day" in page
    response = post(
        admin_client,
        f"/admin/service-levels/{policy.id}",
        _form(
            kind="acknowledge",
            applies_to="",
            duration_value="3",
            reminders="1 day, 2 hours",
            ladder="assigned_officer",
        ),
    )
    assert response.status_code == 302, _page(response)
    policy = _policy("acknowledge")
    assert (policy.duration_value, policy.ladder) == (3, ["assigned_officer"])
    assert policy.reminder_leads == [
        {"value": 1, "unit": "working_days"},
        {"value": 2, "unit": "working_hours"},
    ]
    case = make_case(code="graffiti")
    row = services.open_rows(case, ["acknowledge"])[0]
    assert row.due_at.astimezone(LONDON).date() == current_calendar().add_working_days(
        row.started_at.astimezone(LONDON).date(), 3
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration_value": "soon"}, "The deadline must be a whole number of working days or hours"),
        ({"duration_value": "0"}, "The deadline must be a whole number"),
        ({"duration_unit": "weeks"}, "Select working days or working hours"),
        ({"reminders": "the day before"}, "must be a number of working days or hours"),
        (
            {"reminders": "2 working days"},
            "would come before the clock starts: make it shorter than 1 working day",
        ),
        ({"ladder": "panel:csmap, officer_manager"}, "A panel can only be the last rung of the ladder"),
        ({"ladder": "the chief executive"}, "is not a rung of the ladder"),
        ({"applies_to": "type:999"}, "Select a case type from the list"),
        ({"applies_to": "type:abc"}, "Select the cases from the list"),
        ({"risk": "extreme"}, "Select a risk level from the list"),
        ({"state": "closed"}, "Select the state that starts the clock"),
        ({"kind": "nonsense"}, "Select the kind of deadline"),
        ({"duration_value": "300"}, "The deadline must be between 1 working hour and 260 working days"),
        ({"applies_to": "", "duration_value": "5"}, "An active policy already covers exactly these cases"),
    ],
)
def test_bad_policies_get_clear_errors(admin_client, changes, message):
    before = db.session.scalar(select(db.func.count()).select_from(ServiceLevelPolicy))
    response = post(admin_client, "/admin/service-levels/new", _form(**changes))
    assert response.status_code == 200
    page = _page(response)
    assert message in page, page[page.find("govuk-error-summary") :][:1500]
    assert db.session.scalar(select(db.func.count()).select_from(ServiceLevelPolicy)) == before


def test_deactivating_a_policy_stops_its_clocks_and_a_duplicate_cannot_be_reactivated(admin_client):
    policy = _policy("triage", "new")
    response = post(admin_client, f"/admin/service-levels/{policy.id}/active", {"active": "0"})
    assert response.status_code == 302
    assert "Deactivated" in _page(admin_client.get("/admin/service-levels"))
    case = make_case(code="graffiti")
    assert [row.kind for row in services.open_rows(case)] == ["acknowledge"]

    # An identical active policy now exists: the old one cannot come back beside it.
    post(admin_client, "/admin/service-levels/new", _form(applies_to="", duration_value="4"))
    response = post(
        admin_client, f"/admin/service-levels/{policy.id}/active", {"active": "1"}, follow_redirects=True
    )
    assert "Another active policy covers exactly these cases" in _page(response)
    db.session.expire_all()
    assert db.session.get(ServiceLevelPolicy, policy.id).active is False


def test_a_policy_that_does_not_exist_is_not_found(admin_client):
    assert admin_client.get("/admin/service-levels/99999").status_code == 404
    assert post(admin_client, "/admin/service-levels/99999/active", {"active": "0"}).status_code == 404
    assert (
        post(
            admin_client, f"/admin/service-levels/{_policy('acknowledge').id}/active", {"active": "x"}
        ).status_code
        == 400
    )
