"""Workflow actions and flytip clearance through the case page's views: guards, refusals, stale versions."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from casework.cases import services, workflow
from casework.cases.incident_models import ClearanceCost
from casework.extensions import db
from tests.cases.builders import dartford, gravesham, make_case, manager_in, officer_in
from tests.cases.case_page_helpers import as_user, case_url, post, reload

STALE = "This case changed since you opened it"


def _fire(client, case, name: str, data: dict | None = None, version: int | None = None):
    payload = {"version": case.version if version is None else version, **(data or {})}
    return post(client, case_url(case, f"/transition/{name}"), payload, case_url(case))


def _clear(officer, case) -> None:
    for incident in case.incidents:
        services.record_clearance(officer, incident, date.today(), "council", None, case.version)


def _history(case) -> list[str]:
    return [event.kind for event in reload(case).events]


# ---- firing -------------------------------------------------------------------------------------


def test_officer_triages_from_the_page_and_history_records_it(app, client):
    officer = officer_in(dartford())
    case = make_case(officer)
    response = _fire(as_user(client, officer), case, "triage")
    assert response.status_code == 302 and response.headers["Location"].endswith(case_url(case))
    case = reload(case)
    assert case.state == "triaged"
    event = case.events[0]
    assert event.kind == "transition:triage" and event.actor_id == officer.id
    assert event.before["state"] == "new" and event.after["state"] == "triaged"
    page = client.get(case_url(case)).get_data(as_text=True)
    assert "case " + case.reference + " is now triaged" in page  # the flash message
    assert "Triage: New to Triaged" in page


def test_transition_needing_input_shows_its_form(app, client):
    borough = dartford()
    case = make_case(borough=borough)
    as_user(client, manager_in(borough))
    page = client.get(case_url(case, "/transition/close")).get_data(as_text=True)
    for code, label in workflow.OUTCOMES:
        assert f'value="{code}"' in page and label in page
    assert 'name="duplicate_of"' in page and 'name="reason"' not in page
    assert f'name="version" type="hidden" value="{case.version}"' in page
    services.fire(
        manager_in(borough), case, "close", case.version, workflow.TransitionInput("not_our_responsibility")
    )
    page = client.get(case_url(case, "/transition/reopen")).get_data(as_text=True)
    assert 'name="reason"' in page and 'name="outcome"' not in page


def test_manager_closes_a_cleared_flytip(app, client):
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    case = make_case(officer)
    _clear(officer, case)
    response = _fire(as_user(client, manager), case, "close", {"outcome": "resolved"})
    assert response.status_code == 302
    case = reload(case)
    assert case.state == "closed" and case.outcome == "resolved" and case.closed_at is not None
    assert _history(case)[0] == "transition:close"


def test_request_and_approve_closure_keeps_the_proposed_outcome(app, client):
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    case = make_case(officer, code="graffiti")
    _fire(as_user(client, officer), case, "request_closure", {"outcome": "no_further_action"})
    case = reload(case)
    assert case.state == "closure_requested" and case.requested_outcome == "no_further_action"
    as_user(client, manager)
    form = client.get(case_url(case, "/transition/approve_closure")).get_data(as_text=True)
    assert re.search(r'value="no_further_action"\s+checked', form)
    _fire(client, case, "approve_closure", {"outcome": "no_further_action"})
    assert reload(case).state == "closed"


def test_reason_is_required_and_recorded(app, client):
    borough = dartford()
    manager = manager_in(borough)
    case = make_case(borough=borough, code="noise")
    services.fire(manager, case, "close", case.version, workflow.TransitionInput("resolved"))
    as_user(client, manager)
    missing = _fire(client, case, "reopen", {"reason": "   "})
    assert missing.status_code == 200 and "Enter the reason" in missing.get_data(as_text=True)
    assert reload(case).state == "closed"
    _fire(client, case, "reopen", {"reason": "The graffiti is back"})
    case = reload(case)
    assert case.state == "under_investigation" and case.outcome is None
    assert case.events[0].after["reason"] == "The graffiti is back"


# ---- refusals -----------------------------------------------------------------------------------


def test_officer_cannot_close_or_reopen_even_by_posting(app, client):
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    case = make_case(officer, code="graffiti")
    as_user(client, officer)
    events = _history(case)
    assert _fire(client, case, "close", {"outcome": "resolved"}).status_code == 403
    assert client.get(case_url(case, "/transition/close")).status_code == 403
    assert reload(case).state == "new" and _history(case) == events
    services.fire(manager, case, "close", case.version, workflow.TransitionInput("resolved"))
    case, events = reload(case), _history(case)
    assert _fire(client, case, "reopen", {"reason": "Please"}).status_code == 403
    assert reload(case).state == "closed" and _history(case) == events


def test_unknown_action_is_404(app, client):
    officer = officer_in(dartford())
    case = make_case(officer)
    assert _fire(as_user(client, officer), case, "explode").status_code == 404


def test_action_not_possible_in_this_state_is_explained(app, client):
    borough = dartford()
    case = make_case(borough=borough)
    as_user(client, manager_in(borough))
    page = client.get(case_url(case, "/transition/approve_closure"))
    assert page.status_code == 200
    assert "You cannot approve closure now: the case is new" in page.get_data(as_text=True)
    response = _fire(client, case, "approve_closure", {"outcome": "resolved"})
    assert "That action is not possible for this case now" in response.get_data(as_text=True)
    assert reload(case).state == "new"


def test_guard_without_a_field_is_shown_on_the_form(app, client):
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer)
    services.fire(officer, case, "triage", case.version)
    response = _fire(as_user(client, officer), reload(case), "investigate")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and "Assign the case to an officer first" in html
    assert reload(case).state == "triaged"


def test_closing_a_flytip_without_clearance_shows_the_guard(app, client):
    borough = dartford()
    case = make_case(borough=borough)
    response = _fire(as_user(client, manager_in(borough)), case, "close", {"outcome": "resolved"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Record the clearance of the flytip (date and who cleared it) before closing the case" in html
    assert (
        'href="#outcome"' in html
    )  # the error summary links to the outcome (another outcome may not need it)
    assert re.search(r'value="resolved"\s+checked', html)  # what was chosen is kept
    assert reload(case).state == "new"


def test_missing_outcome_is_named(app, client):
    borough = dartford()
    case = make_case(borough=borough, code="littering")
    response = _fire(as_user(client, manager_in(borough)), case, "close", {})
    assert "Select an outcome" in response.get_data(as_text=True)
    response = _fire(client, case, "close", {"outcome": "vanished"})
    assert "Select an outcome" in response.get_data(as_text=True)
    assert reload(case).state == "new"


# ---- duplicates ---------------------------------------------------------------------------------


def test_closing_as_duplicate_needs_an_existing_original(app, client):
    borough = dartford()
    manager = manager_in(borough)
    original = make_case(borough=borough, code="graffiti")
    case = make_case(borough=borough, code="graffiti")
    as_user(client, manager)

    missing = _fire(client, case, "close", {"outcome": "duplicate", "duplicate_of": ""}).get_data(
        as_text=True
    )
    assert "Enter the reference of the case this duplicates" in missing and 'href="#duplicate_of"' in missing

    unknown = _fire(client, case, "close", {"outcome": "duplicate", "duplicate_of": "dar-2001-00077"})
    assert "No case found with reference DAR-2001-00077" in unknown.get_data(as_text=True)
    assert 'value="dar-2001-00077"' in unknown.get_data(as_text=True)  # the typed reference is kept

    itself = _fire(client, case, "close", {"outcome": "duplicate", "duplicate_of": case.reference})
    assert "A case cannot be a duplicate of itself" in itself.get_data(as_text=True)
    assert reload(case).state == "new"

    done = _fire(
        client, case, "close", {"outcome": "duplicate", "duplicate_of": f" {original.reference.lower()} "}
    )
    assert done.status_code == 302
    case = reload(case)
    assert case.state == "closed" and case.outcome == "duplicate" and case.duplicate_of_id == original.id


def test_original_in_a_borough_the_user_cannot_see_is_not_found(app, client):
    borough = dartford()
    elsewhere = make_case(borough=gravesham(), code="graffiti", postcode="DA11 0AA")
    case = make_case(borough=borough, code="graffiti")
    response = _fire(
        as_user(client, manager_in(borough)),
        case,
        "close",
        {"outcome": "duplicate", "duplicate_of": elsewhere.reference},
    )
    assert f"No case found with reference {elsewhere.reference}" in response.get_data(as_text=True)
    # a partnership manager sees both, and the workflow keeps duplicates within one borough
    response = _fire(
        as_user(client, manager_in(None)),
        case,
        "close",
        {"outcome": "duplicate", "duplicate_of": elsewhere.reference},
    )
    assert "The original case must be in the same borough" in response.get_data(as_text=True)
    assert reload(case).state == "new"


# ---- optimistic locking -------------------------------------------------------------------------


def test_stale_close_says_the_case_changed_and_keeps_what_was_typed(app, client):
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    original = make_case(borough=borough, code="graffiti")
    case = make_case(officer, code="graffiti")
    as_user(client, manager)
    seen = case.version
    client.get(case_url(case, "/transition/close"))  # the manager opens the form...
    services.fire(officer, case, "triage", case.version)  # ...and meanwhile the officer triages the case
    typed = {"outcome": "duplicate", "duplicate_of": original.reference}
    response = _fire(client, case, "close", typed, version=seen)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert STALE in html and 'href="#case-details"' in html
    assert re.search(r'value="duplicate"\s+checked', html) and f'value="{original.reference}"' in html
    assert "Triaged" in html  # the latest state is shown
    case = reload(case)
    assert case.state == "triaged" and _history(case).count("transition:close") == 0
    assert f'name="version" type="hidden" value="{case.version}"' in html
    # sending the same form again, now with the latest version, works
    assert _fire(client, case, "close", typed).status_code == 302
    assert reload(case).state == "closed"


def test_stale_reason_is_kept(app, client):
    borough = dartford()
    manager = manager_in(borough)
    case = make_case(borough=borough, code="noise")
    services.fire(manager, case, "close", case.version, workflow.TransitionInput("resolved"))
    seen = reload(case).version
    services.fire(manager, case, "reopen", case.version, workflow.TransitionInput(reason="Other tab"))
    response = _fire(
        as_user(client, manager), case, "reopen", {"reason": "Neighbours complain again"}, version=seen
    )
    html = response.get_data(as_text=True)
    assert (
        STALE in html and "The reason you wrote was not saved" in html and "Neighbours complain again" in html
    )
    assert "You cannot reopen case now" in html  # it is open again: the button is not offered twice
    assert _history(case).count("transition:reopen") == 1


def test_second_click_of_a_direct_action_is_stale(app, client):
    officer = officer_in(dartford())
    case = make_case(officer)
    seen = case.version
    as_user(client, officer)
    assert _fire(client, case, "triage", version=seen).status_code == 302
    again = _fire(client, case, "triage", version=seen)
    assert again.status_code == 409 and STALE in again.get_data(as_text=True)
    assert _history(case).count("transition:triage") == 1


def test_missing_version_is_treated_as_stale(app, client):
    officer = officer_in(dartford())
    case = make_case(officer)
    response = post(as_user(client, officer), case_url(case, "/transition/triage"), {}, case_url(case))
    assert response.status_code == 409 and reload(case).state == "new"


# ---- flytip clearance ---------------------------------------------------------------------------


def _clearance_url(case) -> str:
    return case_url(case, f"/incidents/{case.incidents[0].id}/clearance")


def _date(value: date) -> dict:
    return {"cleared_on": [str(value.day), str(value.month), str(value.year)]}


def test_clearance_form_defaults_the_cost_and_records_it(app, client):
    db.session.add(ClearanceCost(size="small_van", cost=Decimal("185.00")))
    db.session.commit()
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer)
    as_user(client, officer)
    page = client.get(_clearance_url(case)).get_data(as_text=True)
    assert 'value="185.00"' in page and "Small van load" in page
    yesterday = date.today() - timedelta(days=1)
    data = {**_date(yesterday), "cleared_by": "contractor", "cost": "£1,200.5", "version": case.version}
    response = post(client, _clearance_url(case), data, case_url(case))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"#incident-{case.incidents[0].id}"
    )
    flytip = reload(case).incidents[0].flytip
    assert (flytip.cleared_on, flytip.cleared_by, flytip.clearance_cost) == (
        yesterday,
        "contractor",
        Decimal("1200.50"),
    )
    assert _history(case)[0] == "clearance_recorded"
    text = client.get(case_url(case)).get_data(as_text=True)
    assert "by the contractor" in text and "£1,200.50" in text


def test_clearance_errors_are_clear_and_nothing_is_saved(app, client):
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer)
    as_user(client, officer)
    cases = [
        ({"cleared_by": "council"}, "Enter the date the flytip was cleared"),
        (
            {"cleared_on": ["31", "2", "2026"], "cleared_by": "council"},
            "Enter the date it was cleared as a real date",
        ),
        ({"cleared_on": ["1", "1"], "cleared_by": "council"}, "Enter the date it was cleared as a real date"),
        (
            {**_date(date.today() + timedelta(days=2)), "cleared_by": "council"},
            "must be today or in the past",
        ),
        ({**_date(date.today())}, "Select who cleared the flytip"),
        ({**_date(date.today()), "cleared_by": "the fairies"}, "Select who cleared the flytip"),
        ({**_date(date.today()), "cleared_by": "council", "cost": "lots"}, "Enter the cost in pounds"),
        ({**_date(date.today()), "cleared_by": "council", "cost": "-5"}, "Enter the cost in pounds"),
    ]
    for data, message in cases:
        response = post(client, _clearance_url(case), {**data, "version": case.version}, case_url(case))
        assert response.status_code == 200, data
        html = response.get_data(as_text=True)
        assert message in html and "There is a problem" in html, data
    assert reload(case).incidents[0].flytip.cleared_on is None
    assert "clearance_recorded" not in _history(case)


def test_stale_clearance_keeps_what_was_typed(app, client):
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer)
    seen = case.version
    services.fire(officer, case, "triage", case.version)
    data = {**_date(date.today()), "cleared_by": "landowner", "cost": "99", "version": seen}
    response = post(as_user(client, officer), _clearance_url(case), data, case_url(case))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and STALE in html
    assert re.search(r'value="landowner"\s+checked', html) and 'value="99.00"' in html
    assert reload(case).incidents[0].flytip.cleared_on is None


def test_clearance_of_another_case_incident_is_404(app, client):
    borough = dartford()
    officer = officer_in(borough)
    case, other = make_case(officer), make_case(officer)
    as_user(client, officer)
    assert client.get(case_url(case, f"/incidents/{other.incidents[0].id}/clearance")).status_code == 404
    not_flytip = make_case(officer, code="graffiti")
    assert (
        client.get(case_url(not_flytip, f"/incidents/{not_flytip.incidents[0].id}/clearance")).status_code
        == 404
    )
