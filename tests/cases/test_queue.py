"""The case queue: filters, bookmarkable addresses, sorting, pagination, counts, bulk assignment, My cases."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casework.cases import queries, services, workflow
from casework.cases.models import Case, Priority
from casework.extensions import db
from tests.builders import make_user
from tests.cases.builders import (
    case_type,
    dartford,
    gravesham,
    incident_input,
    make_case,
    manager_in,
    officer_in,
)
from tests.conftest import csrf_token, sign_in

REFERENCE_RE = re.compile(r"[A-Z]{3}-\d{4}-\d{5}")


def named(user, name: str):
    user.name = name
    db.session.commit()
    return user


def references(html: str) -> list[str]:
    """Case references in the queue table, in order (each appears in its row's link)."""
    table = html.split('class="govuk-table app-case-table"', 1)[-1] if "app-case-table" in html else ""
    found = re.findall(r'class="govuk-link" href="/cases/([A-Z]{3}-\d{4}-\d{5})"', table)
    return list(dict.fromkeys(found))


def close(manager, case: Case) -> Case:
    given = workflow.TransitionInput(outcome="not_our_responsibility")
    return services.fire(manager, case, "close", case.version, given)


def client_for(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def page_for(user, **args) -> queries.QueuePage:
    from werkzeug.datastructures import MultiDict

    current, problems = queries.parse_filter(MultiDict(args), queries.filter_choices(user))
    assert problems == []
    return queries.queue_page(user, current)


@pytest.fixture
def world(app):
    """Two boroughs, their staff and a spread of cases."""
    dar, gra = dartford(), gravesham()
    w = {
        "dar": dar,
        "gra": gra,
        "manager": named(manager_in(dar), "Mona Manager"),
        "partnership": named(manager_in(None), "Pat Partnership"),
        "ann": named(officer_in(dar), "Ann Officer"),
        "bob": named(officer_in(dar), "Bob Officer"),
        "gus": named(officer_in(gra), "Gus Officer"),
    }
    return w


# ---- filters -----------------------------------------------------------------------------------


def test_each_filter_narrows_the_queue(world):
    dar, manager, ann = world["dar"], world["manager"], world["ann"]
    priority = Priority(number=2, name="Persistent ASB and environmental crime")
    db.session.add(priority)
    db.session.commit()
    flytip = make_case(ann)
    graffiti = make_case(ann, code="graffiti")
    in_temple_hill = make_case(ann, ward_id=dar.wards[1].id)
    with_priority = services.log_incident(
        ann, case_type("noise").id, incident_input(dar, flytip=False), priority.id
    )
    triaged = services.fire(manager, make_case(ann), "triage", None)
    assigned = services.assign(manager, make_case(ann), ann, None)
    closed = close(manager, make_case(ann))
    other_borough = make_case(world["gus"], borough=world["gra"], postcode="DA11 0AA")

    def refs(**args) -> set[str]:
        return {c.reference for c in page_for(manager, **args).cases}

    everything_open = {flytip, graffiti, in_temple_hill, with_priority, triaged, assigned}
    assert refs() == {c.reference for c in everything_open}
    assert other_borough.reference not in refs()
    assert refs(type="graffiti") == {graffiti.reference}
    assert refs(type=["graffiti", "noise"]) == {graffiti.reference, with_priority.reference}
    assert refs(state="triaged") == {triaged.reference}
    assert refs(ward=str(dar.wards[1].id)) == {in_temple_hill.reference}
    assert refs(officer=str(ann.id)) == {assigned.reference}
    assert assigned.reference not in refs(unassigned="1")
    assert len(refs(unassigned="1")) == len(everything_open) - 1
    assert refs(priority=str(priority.id)) == {with_priority.reference}
    assert refs(status="closed") == {closed.reference}
    assert refs(status="all") == {c.reference for c in everything_open | {closed}}
    assert refs(state="closed") == {closed.reference}  # choosing states overrides open/closed


def test_borough_filter_for_a_partnership_manager(world):
    dar_case = make_case(world["ann"])
    gra_case = make_case(world["gus"], borough=world["gra"], postcode="DA11 0AA")
    partnership = world["partnership"]
    assert {c.reference for c in page_for(partnership).cases} == {dar_case.reference, gra_case.reference}
    assert [c.reference for c in page_for(partnership, borough="GRA").cases] == [gra_case.reference]
    assert [c.reference for c in page_for(partnership, borough="dar").cases] == [dar_case.reference]


def test_a_borough_manager_cannot_filter_to_another_borough(world, app):
    make_case(world["gus"], borough=world["gra"], postcode="DA11 0AA")
    client = client_for(app, world["manager"])
    page = client.get(f"/cases?borough=GRA&ward={world['gra'].wards[0].id}").get_data(as_text=True)
    assert "not a borough you work in" in page
    assert "not a ward you work in" in page
    assert references(page) == []


def test_filters_are_query_parameters_so_the_queue_can_be_bookmarked(world, app):
    dar, ann = world["dar"], world["ann"]
    wanted = make_case(ann, ward_id=dar.wards[2].id)
    make_case(ann, code="graffiti", ward_id=dar.wards[2].id)
    make_case(ann, ward_id=dar.wards[0].id)
    client = client_for(app, world["manager"])
    url = f"/cases?type=flytipping&ward={dar.wards[2].id}&unassigned=1&sort=oldest"
    page = client.get(url).get_data(as_text=True)
    assert references(page) == [wanted.reference]
    # The filter form shows what the address asked for, and is a GET form back to /cases.
    assert re.search(r'<form method="get" action="/cases"', page)
    assert re.search(r'value="flytipping"\s+checked', page)
    assert re.search(rf'<option value="{dar.wards[2].id}" selected>', page)
    assert re.search(r'<option value="oldest" selected>', page)


def test_bad_filter_values_are_ignored_with_a_message_never_a_500(world, app):
    make_case(world["ann"])
    client = client_for(app, world["manager"])
    for query in (
        "ward=abc",
        "page=-1",
        "page=abc",
        "page=99999999999999999999",
        "sort=drop",
        "sort=created_at;DROP TABLE cases",
        "state=nonsense",
        "type=nope",
        "officer=1e9",
        "priority=%00",
        "status=maybe",
        "borough=%27%20OR%201=1",
        "ward=999999",
        "officer=999999",
    ):
        response = client.get(f"/cases?{query}")
        assert response.status_code == 200, query
        assert "could not be used" in response.get_data(as_text=True), query
        assert len(references(response.get_data(as_text=True))) == 1, query


# ---- sorting, pagination, counts ---------------------------------------------------------------


def test_sorting(world):
    manager, ann = world["manager"], world["ann"]
    first, second, third = make_case(ann), make_case(ann, code="graffiti"), make_case(ann)
    services.fire(manager, first, "triage", first.version)
    services.assign(manager, second, ann, second.version)

    def order(sort: str) -> list[str]:
        return [c.reference for c in page_for(manager, sort=sort).cases]

    assert order("newest") == [third.reference, second.reference, first.reference]
    assert order("oldest") == [first.reference, second.reference, third.reference]
    assert order("reference") == sorted([first.reference, second.reference, third.reference])
    assert order("updated") == [second.reference, first.reference, third.reference]
    # Workflow order: new before triaged; within a state, newest first.
    assert order("state") == [third.reference, second.reference, first.reference]


def test_55_cases_make_two_pages_of_50_and_5(world, app):
    ann = world["ann"]
    made = [make_case(ann).reference for _ in range(55)]
    client = client_for(app, world["manager"])
    first = client.get("/cases").get_data(as_text=True)
    assert references(first) == list(reversed(made))[:50]
    assert "Showing 1 to 50 of 55 cases" in first
    assert 'class="govuk-pagination' in first and 'href="/cases?page=2"' in first
    second = client.get("/cases?page=2").get_data(as_text=True)
    assert references(second) == list(reversed(made))[50:]
    assert "Showing 51 to 55 of 55 cases" in second
    assert 'href="/cases"' in second  # the previous page drops page=1 from the address
    # A page past the end shows the last page rather than nothing.
    assert references(client.get("/cases?page=7").get_data(as_text=True)) == list(reversed(made))[50:]


def test_pagination_keeps_the_filter(world, app):
    for _ in range(51):
        make_case(world["ann"], code="graffiti")
    page = client_for(app, world["manager"]).get("/cases?type=graffiti&sort=oldest").get_data(as_text=True)
    assert 'href="/cases?type=graffiti&amp;sort=oldest&amp;page=2"' in page


def test_page_numbers_for_the_pagination_component():
    assert queries.page_numbers(1, 1) == [1]
    assert queries.page_numbers(1, 3) == [1, 2, 3]
    assert queries.page_numbers(5, 10) == [1, None, 4, 5, 6, None, 10]
    assert queries.page_numbers(10, 10) == [1, None, 9, 10]


def test_counts_per_state_leave_out_the_state_filter(world, app):
    manager, ann = world["manager"], world["ann"]
    cases = [make_case(ann) for _ in range(5)]
    for case in cases[:2]:
        services.fire(manager, case, "triage", case.version)
    close(manager, cases[4])
    make_case(ann, code="graffiti")  # another type: not counted under type=flytipping

    page = page_for(manager, type="flytipping", state="new")
    assert page.counts == {
        "new": 2,
        "triaged": 2,
        "under_investigation": 0,
        "enforcement_action": 0,
        "awaiting_compliance": 0,
        "referred_to_panel": 0,
        "closure_requested": 0,
    }
    assert page.total == 2 and len(page.cases) == 2
    assert page_for(manager, type="flytipping", status="all").counts["closed"] == 1
    html = client_for(app, manager).get("/cases?type=flytipping&state=new").get_data(as_text=True)
    assert 'href="/cases?state=triaged&amp;type=flytipping">Triaged' in html


def test_counts_are_one_group_by_query_and_the_page_has_no_n_plus_1(world, app):
    from sqlalchemy import event

    for officer in (world["ann"], world["bob"]):
        for _ in range(6):
            services.assign(world["manager"], make_case(officer), officer, None)
    client = client_for(app, world["manager"])
    client.get("/cases")  # warm up
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/cases").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    case_selects = [s for s in statements if "FROM cases" in s]
    assert len([s for s in case_selects if "GROUP BY" in s]) == 1
    # counts + the page; the filter choices and the signed-in user add a few small fixed queries
    assert len(case_selects) == 2, case_selects
    assert len(statements) <= 12, statements


# ---- bulk assignment ---------------------------------------------------------------------------


def _assign(client, case_ids, officer_id, back: str = ""):
    token = csrf_token(client, "/cases")
    data = {
        "csrf_token": token,
        "case_ids": [str(i) for i in case_ids],
        "officer": str(officer_id),
        "back": back,
    }
    return client.post("/cases/assign", data=data)


def _assignees(cases) -> list[int | None]:
    db.session.expire_all()
    return [db.session.get(Case, c.id).assigned_to_id for c in cases]


def test_a_manager_assigns_three_cases_at_once(world, app):
    ann = world["ann"]
    cases = [make_case(ann, code="graffiti") for _ in range(3)]
    untouched = make_case(ann, code="graffiti")
    client = client_for(app, world["manager"])
    response = _assign(client, [c.id for c in cases], ann.id, back="type=graffiti&unassigned=1&sort=oldest")
    assert response.status_code == 302
    assert response.headers["Location"] == "/cases?type=graffiti&unassigned=1&sort=oldest"
    assert _assignees(cases) == [ann.id] * 3
    assert _assignees([untouched]) == [None]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 cases assigned to Ann Officer" in page
    assert references(page) == [untouched.reference]


def test_bulk_assign_changes_nothing_when_one_case_is_not_allowed(world, app):
    ann = world["ann"]
    mine = [make_case(ann), make_case(ann)]
    theirs = make_case(world["gus"], borough=world["gra"], postcode="DA11 0AA")
    client = client_for(app, world["manager"])
    response = _assign(client, [mine[0].id, theirs.id, mine[1].id], ann.id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "You cannot change this case" in page
    assert _assignees([*mine, theirs]) == [None, None, None]
    events = db.session.scalars(select(Case).where(Case.assigned_to_id.is_not(None))).all()
    assert events == []


def test_bulk_assign_to_an_officer_of_another_borough_is_refused(world, app):
    ann = world["ann"]
    cases = [make_case(ann), make_case(ann)]
    # A partnership manager is offered every officer; the service refuses the wrong borough.
    client = client_for(app, world["partnership"])
    page = _assign(client, [c.id for c in cases], world["gus"].id).get_data(as_text=True)
    assert "Gus Officer does not work in Dartford" in page
    assert _assignees(cases) == [None, None]
    # A Dartford manager is not even offered Gravesham's officers.
    page = _assign(client_for(app, world["manager"]), [c.id for c in cases], world["gus"].id).get_data(
        as_text=True
    )
    assert "Select an officer who works on these cases" in page
    assert _assignees(cases) == [None, None]


def test_bulk_assign_with_nothing_selected_says_so_and_keeps_the_filter(world, app):
    make_case(world["ann"])
    make_case(world["ann"], code="graffiti")
    client = client_for(app, world["manager"])
    response = _assign(client, [], world["ann"].id, back="type=graffiti")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Select the cases to assign" in page and 'href="#case_ids"' in page
    assert len(references(page)) == 1  # still the graffiti-only queue


def test_bulk_assign_re_ticks_the_selection_after_an_error(world, app):
    case = make_case(world["ann"])
    client = client_for(app, world["manager"])
    page = _assign(client, [case.id], "").get_data(as_text=True)
    assert "Select the officer to assign the cases to" in page
    assert re.search(rf'value="{case.id}"\s*checked', page)


def test_officers_cannot_bulk_assign_and_see_no_selection_boxes(world, app):
    case = make_case(world["ann"])
    client = client_for(app, world["ann"])
    page = client.get("/cases").get_data(as_text=True)
    assert case.reference in page and 'name="case_ids"' not in page
    token = csrf_token(client, "/cases")  # the sign-out form in the header carries one
    response = client.post(
        "/cases/assign",
        data={"csrf_token": token, "case_ids": [str(case.id)], "officer": str(world["ann"].id)},
    )
    assert response.status_code == 403
    assert _assignees([case]) == [None]


def test_bulk_assign_back_address_cannot_redirect_elsewhere(world, app):
    case = make_case(world["ann"])
    client = client_for(app, world["manager"])
    response = _assign(client, [case.id], world["ann"].id, back="//evil.example/&next=http://evil.example")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/cases")


# ---- my cases ----------------------------------------------------------------------------------


def test_my_cases_lists_my_open_assigned_cases(world, app):
    manager, ann, bob = world["manager"], world["ann"], world["bob"]
    mine = services.assign(manager, make_case(ann, code="graffiti"), ann, None)
    closed = close(manager, services.assign(manager, make_case(ann), ann, None))
    bobs = services.assign(manager, make_case(ann), bob, None)
    nobody = make_case(ann)
    page = client_for(app, ann).get("/cases/mine").get_data(as_text=True)
    assert mine.reference in page and "Graffiti" in page and "New" in page
    for other in (closed, bobs, nobody):
        assert other.reference not in page
    assert f'href="/cases/{mine.reference}"' in page
    assert "1 open case assigned to you" in page


def test_my_cases_empty_state(world, app):
    page = client_for(app, world["bob"]).get("/cases/mine").get_data(as_text=True)
    assert "You have no open cases assigned to you." in page


def test_home_pages_show_real_figures(world, app):
    manager, ann = world["manager"], world["ann"]
    services.assign(manager, make_case(ann), ann, None)
    make_case(ann)
    make_case(world["gus"], borough=world["gra"], postcode="DA11 0AA")
    officer_home = client_for(app, ann).get("/home").get_data(as_text=True)
    assert "1 open case</a>" in officer_home
    manager_home = client_for(app, manager).get("/home").get_data(as_text=True)
    assert "1 open case nobody is assigned to" in manager_home  # Gravesham's is out of scope
    assert 'href="/cases?unassigned=1"' in manager_home
    assert 'href="/cases?state=new"' in manager_home


def test_partner_and_admin_homes_do_not_break(world, app):
    from casework.auth.roles import Role

    for role in (Role.ADMIN, Role.PARTNER):
        assert client_for(app, make_user(role)).get("/home").status_code == 200
