"""The case page: summary, timeline, people, evidence, the buttons each user gets, assignment and scope."""

from __future__ import annotations

import io
import re

import pytest

from casework.auth.roles import Role
from casework.cases import evidence_files, services, workflow
from casework.cases.models import CaseEvent
from casework.extensions import db
from casework.formatting import datetime_uk
from tests.builders import make_agency, make_user
from tests.cases.builders import dartford, gravesham, make_case, manager_in, officer_in
from tests.cases.case_page_helpers import as_user, case_url, image_bytes, post, reload


def _text(response) -> str:
    """The page's visible text, tags stripped and spaces squeezed, for reading like a user."""
    html = response.get_data(as_text=True)
    main = html[html.find("<main") : html.find("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _buttons(response) -> set[str]:
    """The labels of the workflow buttons in the Actions section."""
    html = response.get_data(as_text=True)
    actions = html[html.find('id="actions"') : html.find("Assigned officer</h3>")]
    labels = re.findall(r'class="govuk-button[ "][^>]*>([^<]+)<', actions)
    return {re.sub(r"\s+", " ", label).strip() for label in labels} - {""}


def _closed(case, manager):
    services.fire(
        manager, case, "close", case.version, workflow.TransitionInput(outcome="not_our_responsibility")
    )
    return case


# ---- what the page shows -------------------------------------------------------------------------


def test_page_shows_summary_timeline_people_and_evidence(app, client):
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer, description="Mattress & <b>sofa</b> dumped")
    services.assign(manager_in(borough), case, officer, case.version)
    services.add_note(officer, case, "Spoke to the neighbour at no. 3")
    services.add_party(
        officer,
        case,
        "witness",
        new=services.PersonInput(
            first_name="Ada", last_name="Lovelace", phone="01322 000000", vulnerabilities=["isolation"]
        ),
    )
    photo = evidence_files.check_upload(
        io.BytesIO(image_bytes("JPEG", gps=(51.4463, 0.2176))), "<img src=x onerror=alert(1)>.jpg"
    )
    services.add_evidence(officer, case, photo, description="Front of the pile")

    page = as_user(client, officer).get(case_url(case))
    assert page.status_code == 200
    html, text = page.get_data(as_text=True), _text(page)

    # summary
    assert f"Case {case.reference}" in text
    assert "govuk-tag--light-blue" in html and "New" in text
    assert "Flytipping" in text and "Dartford" in text and case.ward.name in text
    assert f"Assigned officer {officer.name}" in text
    assert datetime_uk(case.created_at) in text
    # timeline: incident with its location, flytip details and clearance, the note, the history
    assert "Incident reported: observed by an officer" in text
    assert "1 High Street, DA1 1DR" in text and "554203, 174256" in text
    assert "Mattress &amp; &lt;b&gt;sofa&lt;/b&gt; dumped" in html
    assert "Small van load" in text and "Other household waste" in text and "Not recorded yet" in text
    assert "Spoke to the neighbour at no. 3" in text
    assert f"Assigned to {officer.name}" in text and "Case opened: Flytipping" in text
    # people
    for shown in ("Ada Lovelace", "Witness", "01322 000000", "Lives alone or isolated"):
        assert shown in text
    if "cases.person" in app.view_functions:  # the person's page belongs to the search journey
        assert f'href="/people/{case.parties[0].person_id}"' in html
    # evidence: the given name only ever as escaped text; the photo served from the case's URL
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.jpg" in html
    item = case.evidence[0]
    assert f'src="/cases/{case.reference}/evidence/{item.id}"' in html
    assert "Front of the pile" in text and "51.446300, 0.217600" in text
    assert f"by {officer.name}" in text


def _timeline(response) -> list[str]:
    """The text of each timeline entry, top to bottom."""
    html = response.get_data(as_text=True)
    timeline = html[html.index('<ol class="app-timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "<li" + item)).strip()
        for item in timeline.split("<li")[1:]
    ]


def test_timeline_is_newest_first_and_flags_restricted_notes(app, client):
    officer = officer_in(dartford())
    case = make_case(officer)
    services.add_note(officer, case, "First, open note")
    services.add_note(officer, case, "Second, about the suspect", restricted=True)
    entries = _timeline(as_user(client, officer).get(case_url(case)))
    assert len(entries) == 4  # the event, the incident, two notes (their "note added" events fold in)
    assert "Second, about the suspect" in entries[0] and entries[0].startswith("Restricted note Restricted")
    assert "First, open note" in entries[1] and "Restricted" not in entries[1]
    assert entries[2].startswith("Incident reported") and entries[3].startswith("Case opened")


def test_closed_case_shows_outcome_and_its_original(app, client):
    borough = dartford()
    manager = manager_in(borough)
    original = make_case(code="graffiti", borough=borough)
    case = make_case(code="graffiti", borough=borough)
    given = workflow.TransitionInput(outcome="duplicate", duplicate_of=original)
    services.fire(manager, case, "close", case.version, given)
    page = as_user(client, manager).get(case_url(case))
    text, html = _text(page), page.get_data(as_text=True)
    assert "State Closed" in text and "Outcome Duplicate of another case" in text
    assert f'href="/cases/{original.reference}"' in html
    assert "Closed " in text


def test_back_link_and_reference_in_any_case(app, client):
    officer = officer_in(dartford())
    case = make_case(officer)
    page = as_user(client, officer).get(f"/cases/{case.reference.lower()}")
    assert page.status_code == 200
    assert "govuk-back-link" in page.get_data(as_text=True)


# ---- the buttons each user gets ------------------------------------------------------------------


def test_officer_on_a_new_case_sees_triage_and_request_closure_only(app, client):
    officer = officer_in(dartford())
    case = make_case(officer)
    buttons = _buttons(as_user(client, officer).get(case_url(case)))
    assert {"Triage", "Request closure"} <= buttons
    assert not buttons & {"Close case", "Reopen case", "Approve closure"}


def test_manager_on_a_new_case_sees_close(app, client):
    borough = dartford()
    case = make_case(borough=borough)
    buttons = _buttons(as_user(client, manager_in(borough)).get(case_url(case)))
    assert {"Triage", "Close case"} <= buttons
    assert "Request closure" not in buttons and "Reopen case" not in buttons


def test_only_managers_see_reopen_on_a_closed_case(app, client):
    borough = dartford()
    manager, officer = manager_in(borough), officer_in(borough)
    case = _closed(make_case(officer), manager)
    assert _buttons(as_user(client, officer).get(case_url(case))) == set()
    assert _buttons(as_user(client, manager).get(case_url(case))) == {"Reopen case"}


def test_buttons_follow_the_workflow_table_in_every_state(app, client):
    """Whatever the state, the page offers exactly what workflow.available_to says for the role."""
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    case = make_case(officer)
    as_user(client, manager)
    for state in workflow.STATES:
        case.state = state.code  # test set-up only: every state, without walking the workflow
        db.session.commit()
        expected = {t.label for t in workflow.available_to(Role.MANAGER, state.code)}
        assert _buttons(client.get(case_url(case))) == expected, state.code


# ---- assignment ----------------------------------------------------------------------------------


def test_manager_assigns_and_reassigns_from_the_page(app, client):
    borough = dartford()
    manager, first, second = manager_in(borough), officer_in(borough), officer_in(borough)
    case = make_case(first)
    as_user(client, manager)
    page = client.get(case_url(case)).get_data(as_text=True)
    assert f'<option value="{first.id}"' in page and "Nobody (unassigned)" in page
    response = post(
        client, case_url(case, "/assign"), {"officer": first.id, "version": case.version}, case_url(case)
    )
    assert response.status_code == 302
    case = reload(case)
    assert case.assigned_to_id == first.id
    post(client, case_url(case, "/assign"), {"officer": second.id, "version": case.version}, case_url(case))
    assert reload(case).assigned_to_id == second.id
    kinds = [e.summary for e in reload(case).events if e.kind == "assigned"]
    assert kinds == [f"Assigned to {second.name}", f"Assigned to {first.name}"]


def test_manager_cannot_assign_someone_from_another_borough(app, client):
    borough = dartford()
    case = make_case(borough=borough)
    outsider = officer_in(gravesham())
    response = post(
        as_user(client, manager_in(borough)),
        case_url(case, "/assign"),
        {"officer": outsider.id, "version": case.version},
        case_url(case),
    )
    assert response.status_code == 200
    assert "Select an officer from the list" in response.get_data(as_text=True)
    assert reload(case).assigned_to_id is None


def test_officer_takes_an_unassigned_case_but_cannot_assign_others(app, client):
    borough = dartford()
    officer, colleague = officer_in(borough), officer_in(borough)
    case = make_case(colleague)
    as_user(client, officer)
    assert "Take this case" in client.get(case_url(case)).get_data(as_text=True)
    # whatever officer the form names, an officer can only take the case themselves
    post(
        client, case_url(case, "/assign"), {"officer": colleague.id, "version": case.version}, case_url(case)
    )
    case = reload(case)
    assert case.assigned_to_id == officer.id
    assert "Take this case" not in client.get(case_url(case)).get_data(as_text=True)
    as_user(client, colleague)
    refused = post(client, case_url(case, "/assign"), {"version": case.version}, case_url(case))
    assert refused.status_code == 403
    assert reload(case).assigned_to_id == officer.id


def test_stale_assignment_says_the_case_changed_and_keeps_the_choice(app, client):
    borough = dartford()
    manager, first, second = manager_in(borough), officer_in(borough), officer_in(borough)
    case = make_case(first)
    seen_version = case.version
    services.fire(first, case, "triage", case.version)  # someone else acts after the page was opened
    response = post(
        as_user(client, manager),
        case_url(case, "/assign"),
        {"officer": second.id, "version": seen_version},
        case_url(case),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This case changed since you opened it" in html
    assert 'href="#case-details"' in html and 'id="case-details"' in html
    assert re.search(rf'<option value="{second.id}" selected', html)  # the choice is kept
    assert "State Triaged" in _text(response)  # the latest state is shown
    case = reload(case)
    assert case.assigned_to_id is None
    assert f'name="version" type="hidden" value="{case.version}"' in html  # sending again will work


# ---- who may see the page and its actions --------------------------------------------------------


def _case_urls(case, evidence_id: int, incident_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", case_url(case)),
        ("GET", case_url(case, f"/evidence/{evidence_id}")),
        ("GET", case_url(case, "/evidence")),
        ("POST", case_url(case, "/evidence")),
        ("GET", case_url(case, "/transition/triage")),
        ("POST", case_url(case, "/transition/triage")),
        ("GET", case_url(case, "/transition/close")),
        ("POST", case_url(case, "/assign")),
        ("GET", case_url(case, f"/incidents/{incident_id}/clearance")),
        ("POST", case_url(case, f"/incidents/{incident_id}/clearance")),
        ("GET", case_url(case, f"/incidents/{incident_id}/flytip")),
        ("POST", case_url(case, f"/incidents/{incident_id}/flytip")),
        ("POST", case_url(case, "/notes")),
        ("GET", case_url(case, "/parties")),
        ("POST", case_url(case, "/parties")),
        ("POST", case_url(case, "/parties/link")),
    ]


@pytest.fixture
def dartford_case():
    officer = officer_in(dartford())
    case = make_case(officer)
    photo = evidence_files.check_upload(io.BytesIO(image_bytes()), "photo.png")
    services.add_evidence(officer, case, photo)
    return case


def test_officer_of_another_borough_gets_404_everywhere(app, client, dartford_case):
    case = dartford_case
    version, events = case.version, len(case.events)
    as_user(client, officer_in(gravesham()))
    for method, url in _case_urls(case, case.evidence[0].id, case.incidents[0].id):
        data = {
            "version": version,
            "officer": "",
            "body": "x",
            "role": "witness",
            "first_name": "X",
            "person_id": 1,
        }
        response = client.get(url) if method == "GET" else post(client, url, data)
        assert response.status_code == 404, (method, url)
    case = reload(case)
    assert case.version == version and len(case.events) == events


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ADMIN])
def test_partner_and_admin_users_are_refused(app, client, dartford_case, role):
    case = dartford_case
    user = make_user(role, agency=make_agency() if role == Role.PARTNER else None)
    as_user(client, user)
    for method, url in _case_urls(case, case.evidence[0].id, case.incidents[0].id):
        response = client.get(url) if method == "GET" else post(client, url, {"version": case.version})
        assert response.status_code == 403, (method, url)


def test_partnership_manager_sees_every_borough(app, client):
    case = make_case(borough=gravesham(), postcode="DA11 0AA")
    response = as_user(client, manager_in(None)).get(case_url(case))
    assert response.status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(app, client, dartford_case):
    response = client.get(case_url(dartford_case))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_unknown_case_is_404(app, client):
    as_user(client, officer_in(dartford()))
    assert client.get("/cases/DAR-2000-99999").status_code == 404


def test_history_rows_are_only_added(app, client):
    """Working the case from the page appends to its history; nothing there is rewritten."""
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer)
    before = {(e.id, e.summary) for e in case.events}
    as_user(client, officer)
    post(client, case_url(case, "/transition/triage"), {"version": case.version}, case_url(case))
    after = {(e.id, e.summary) for e in db.session.query(CaseEvent).filter_by(case_id=case.id)}
    assert before < after
