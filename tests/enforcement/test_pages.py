"""The enforcement pages as people use them: the case page panel, adding actions, updates, the public page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.enforcement import services
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.formatting import LONDON
from tests.builders import make_user
from tests.cases.builders import gravesham, officer_in
from tests.conftest import csrf_token
from tests.enforcement.builders import world


def _today() -> date:
    return utcnow().astimezone(LONDON).date()


def _date(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def _post(client, path: str, data: dict):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def _actions() -> list[EnforcementAction]:
    db.session.expire_all()
    return list(db.session.scalars(select(EnforcementAction).order_by(EnforcementAction.id)))


def test_the_case_page_shows_the_panel_and_the_add_link(app, login):
    w = world()
    client = login(w.officer)
    page = client.get(f"/cases/{w.case.reference}").get_data(as_text=True)
    assert 'id="enforcement-heading"' in page and "No enforcement action has been recorded" in page
    assert 'id="add-enforcement-action"' in page


def test_choosing_a_kind_leads_to_its_form_with_ladder_advice(app, login):
    w = world()
    client = login(w.officer)
    ref = w.case.reference
    response = _post(client, f"/cases/{ref}/enforcement/new", {"kind": "cpn"})
    assert response.status_code == 302 and response.location.endswith(f"/cases/{ref}/enforcement/new/cpn")
    page = client.get(f"/cases/{ref}/enforcement/new/cpn?person_id={w.person.id}").get_data(as_text=True)
    assert 'id="ladder-advice"' in page
    assert (
        "No Community Protection Warning has been recorded for this person; a CPN normally follows a CPW"
        in page
    )
    assert "By when must they comply?" in page and "Offence" not in page


def test_choosing_nothing_says_so(app, login):
    w = world()
    client = login(w.officer)
    response = _post(client, f"/cases/{w.case.reference}/enforcement/new", {})
    assert response.status_code == 400
    assert "Select the kind of enforcement action" in response.get_data(as_text=True)


def test_recording_a_cpw_through_its_form(app, login):
    w = world()
    client = login(w.officer)
    ref = w.case.reference
    comply = _today() + timedelta(days=7)
    response = _post(
        client,
        f"/cases/{ref}/enforcement/new/cpw",
        {
            "issued_on": _date(_today()),
            "person_id": str(w.person.id),
            "requirements": "No loud music after 11pm",
            "compliance_date": _date(comply),
            "notes": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [action] = _actions()
    assert response.location.endswith(f"/cases/{ref}#action-{action.id}")
    assert (action.kind, action.compliance_date, action.person_id) == ("cpw", comply, w.person.id)
    page = client.get(f"/cases/{ref}").get_data(as_text=True)
    assert f'id="action-{action.id}"' in page and "Check compliance" in page
    action_page = client.get(f"/cases/{ref}/enforcement/{action.id}").get_data(as_text=True)
    assert 'id="record-compliance"' in action_page and 'id="next-step-cpn"' in action_page


def test_an_fpn_over_the_maximum_is_refused_on_the_page_keeping_what_was_typed(app, login):
    w = world("flytipping")
    client = login(w.officer)
    response = _post(
        client,
        f"/cases/{w.case.reference}/enforcement/new/fpn",
        {
            "issued_on": _date(_today()),
            "person_id": str(w.person.id),
            "offence": "flytipping",
            "amount": "1,200",
            "early_amount": "",
            "notes": "Seen on camera",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The amount must be no more than £1,000.00, the legal maximum for Flytipping" in page
    assert "govuk-error-summary" in page and 'href="#amount"' in page
    assert "Seen on camera" in page and 'value="1200.00"' in page
    assert _actions() == []


def test_recording_compliance_and_payment_pages(app, login):
    w = world("flytipping")
    action = services.record_action(
        w.officer,
        w.case,
        services.ActionInput(kind="fpn", issued_on=_today(), person_id=w.person.id, offence="littering"),
    )
    client = login(w.officer)
    base = f"/cases/{w.case.reference}/enforcement/{action.id}"
    response = _post(client, f"{base}/payment", {"paid_on": _date(_today()), "paid_amount": "50"})
    assert response.status_code == 400 and "at least £100.00" in response.get_data(as_text=True)
    response = _post(client, f"{base}/payment", {"paid_on": _date(_today()), "paid_amount": "100"})
    assert response.status_code == 302
    assert _actions()[0].status == "paid"
    assert 'id="record-payment"' not in client.get(base).get_data(as_text=True)


def test_a_carrier_check_on_a_flytipping_case(app, login):
    w = world("flytipping")
    client = login(w.officer)
    ref = w.case.reference
    assert 'id="waste-carrier-heading"' in client.get(f"/cases/{ref}").get_data(as_text=True)
    response = _post(
        client,
        f"/cases/{ref}/waste-carrier-checks/new",
        {
            "carrier_name": "A1 Clearances",
            "registration_number": "CBDX99",
            "tier": "upper",
            "result": "not_found",
            "checked_on": _date(_today()),
        },
    )
    assert response.status_code == 400 and "like CBDU123456 or CBDL12345" in response.get_data(as_text=True)
    response = _post(
        client,
        f"/cases/{ref}/waste-carrier-checks/new",
        {
            "carrier_name": "A1 Clearances",
            "registration_number": "cbdu123456",
            "tier": "upper",
            "result": "expired",
            "checked_on": _date(_today()),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{ref}").get_data(as_text=True)
    assert "CBDU123456" in page and "Registration expired" in page


def test_no_carrier_panel_on_an_asb_case(app, login):
    w = world()
    assert 'id="waste-carrier-heading"' not in login(w.officer).get(f"/cases/{w.case.reference}").get_data(
        as_text=True
    )


def _published(w, *, name: bool) -> EnforcementAction:
    action = services.record_action(
        w.officer,
        w.case,
        services.ActionInput(
            kind="prosecution",
            issued_on=_today() - timedelta(days=30),
            person_id=w.person.id,
            offence="flytipping",
            court="Medway Magistrates' Court",
        ),
    )
    services.record_outcome(
        w.officer, action, "guilty_plea", _today() - timedelta(days=1), Decimal("660"), Decimal("350.50")
    )
    return services.publish(w.manager, action, name, "Sam Smith" if name else "")


def test_the_public_page_needs_no_sign_in_and_shows_only_what_it_should(app, client):
    w = world("flytipping")
    _published(w, name=False)
    page = client.get("/prosecutions")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Flytipping" in text and "£660.00" in text and "£350.50" in text
    assert w.case.ward.name in text and "Dartford" in text
    assert "Sam Smith" not in text and "Smith" not in text
    assert "1 High Street" not in text and "DA1 1DR" not in text  # never the address
    assert w.case.reference not in text  # nor the case
    assert "Sign out" not in text


def test_the_public_page_names_only_when_confirmed_and_never_unpublished_or_unproved(app, client):
    w = world("flytipping")
    named = _published(w, name=True)
    hidden = services.record_action(
        w.officer,
        w.case,
        services.ActionInput(
            kind="prosecution",
            issued_on=_today() - timedelta(days=30),
            person_id=w.person.id,
            offence="littering",
            court="Dartford Magistrates' Court",
        ),
    )
    services.record_outcome(
        w.officer, hidden, "convicted", _today(), Decimal("99"), None
    )  # proved, not published
    text = client.get("/prosecutions").get_data(as_text=True)
    assert "Sam Smith" in text and "Littering" not in text
    services.unpublish(w.manager, named)
    text = client.get("/prosecutions").get_data(as_text=True)
    assert "Sam Smith" not in text and "No results have been published yet" in text


def test_a_manager_publishes_from_the_action_page(app, login):
    w = world("flytipping")
    action = services.record_action(
        w.officer,
        w.case,
        services.ActionInput(
            kind="prosecution",
            issued_on=_today() - timedelta(days=30),
            person_id=w.person.id,
            offence="flytipping",
            court="Medway Magistrates' Court",
        ),
    )
    services.record_outcome(w.officer, action, "convicted", _today(), Decimal("400"), Decimal("200"))
    client = login(w.manager)
    base = f"/cases/{w.case.reference}/enforcement/{action.id}"
    assert 'id="publish-result"' in client.get(base).get_data(as_text=True)
    response = _post(client, f"{base}/publish", {"public_name": "Sam Smith"})
    assert response.status_code == 400 and "Confirm the court result is public" in response.get_data(
        as_text=True
    )
    assert _post(client, f"{base}/publish", {"public_name": ""}).status_code == 302
    assert _actions()[0].published_at is not None and _actions()[0].public_name is None
    response = client.post(f"{base}/unpublish", data={"csrf_token": csrf_token(client, base)})
    assert response.status_code == 302 and _actions()[0].published_at is None


def test_officers_cannot_publish(app, login):
    w = world("flytipping")
    action = services.record_action(
        w.officer,
        w.case,
        services.ActionInput(
            kind="prosecution", issued_on=_today(), person_id=w.person.id, offence="flytipping", court="Court"
        ),
    )
    client = login(w.officer)
    base = f"/cases/{w.case.reference}/enforcement/{action.id}"
    assert 'id="publish-result"' not in client.get(base).get_data(as_text=True)
    assert client.get(f"{base}/publish").status_code == 403


def test_another_boroughs_officer_gets_404(app, login):
    w = world()
    action = services.record_action(
        w.officer, w.case, services.ActionInput(kind="warning_letter", issued_on=_today())
    )
    client = login(officer_in(gravesham()))
    ref = w.case.reference
    for path in (
        f"/cases/{ref}/enforcement/new",
        f"/cases/{ref}/enforcement/new/cpw",
        f"/cases/{ref}/enforcement/{action.id}",
        f"/cases/{ref}/waste-carrier-checks/new",
    ):
        assert client.get(path).status_code == 404, path


def test_an_action_of_another_case_gets_404(app, login):
    w = world()
    other = world("flytipping")
    action = services.record_action(
        other.officer, other.case, services.ActionInput(kind="warning_letter", issued_on=_today())
    )
    client = login(w.officer)
    assert client.get(f"/cases/{w.case.reference}/enforcement/{action.id}").status_code == 404


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ADMIN])
def test_partners_and_admins_are_refused(app, login, role):
    w = world()
    client = login(make_user(role))
    assert client.get(f"/cases/{w.case.reference}/enforcement/new").status_code == 403


def test_an_unknown_kind_is_404(app, login):
    w = world()
    assert login(w.officer).get(f"/cases/{w.case.reference}/enforcement/new/arrest").status_code == 404


def test_every_kind_form_renders(app, login):
    from casework.enforcement.kinds import ACTION_KINDS

    w = world()
    client = login(w.officer)
    for kind in ACTION_KINDS:
        response = client.get(f"/cases/{w.case.reference}/enforcement/new/{kind.code}")
        assert response.status_code == 200, kind.code
        assert kind.label in response.get_data(as_text=True)


def test_the_next_step_warns_while_the_earlier_one_waits_for_its_check(app, login):
    w = world()
    cpw_action = services.record_action(
        w.officer,
        w.case,
        services.ActionInput(
            kind="cpw",
            issued_on=_today(),
            person_id=w.person.id,
            compliance_date=_today() + timedelta(days=3),
            requirements="Keep the dog on a lead",
        ),
    )
    client = login(w.officer)
    action_page = client.get(f"/cases/{w.case.reference}/enforcement/{cpw_action.id}").get_data(as_text=True)
    assert "Record a Community Protection Notice for Sam Smith" in action_page
    page = client.get(f"/cases/{w.case.reference}/enforcement/new/cpn?person_id={w.person.id}").get_data(
        as_text=True
    )
    assert 'id="ladder-advice"' not in page and 'id="unchecked-advice"' in page
    assert "has no compliance check recorded yet" in page


def test_every_update_page_opens_and_a_blank_date_is_asked_for(app, login):
    w = world("flytipping")
    client = login(w.manager)

    def make(**kw) -> EnforcementAction:
        data = services.ActionInput(issued_on=_today() - timedelta(days=3), person_id=w.person.id, **kw)
        return services.record_action(w.officer, w.case, data)

    notice = make(
        kind="s34_notice", compliance_date=_today() + timedelta(days=9), requirements="Show the notes"
    )
    penalty = make(kind="fpn", offence="flytipping")
    case_ = make(kind="prosecution", offence="flytipping", court="Medway Magistrates' Court")
    base = f"/cases/{w.case.reference}/enforcement"
    for path in (
        f"{notice.id}/compliance",
        f"{penalty.id}/payment",
        f"{case_.id}/hearing",
        f"{case_.id}/outcome",
        f"{notice.id}/withdraw",
        f"{case_.id}/publish",
    ):
        assert client.get(f"{base}/{path}").status_code == 200, path
    response = _post(client, f"{base}/{case_.id}/hearing", {"court": "Medway Magistrates' Court"})
    assert response.status_code == 400 and "Enter the date of the hearing" in response.get_data(as_text=True)
    assert (
        _post(
            client,
            f"{base}/{case_.id}/hearing",
            {"hearing_on": _date(_today() + timedelta(days=20)), "court": ""},
        ).status_code
        == 302
    )
    page = client.get(f"{base}/{case_.id}").get_data(as_text=True)
    later = _today() + timedelta(days=20)
    assert f"{later.day} {later:%B %Y}" in page


def test_withdrawing_from_the_page(app, login):
    w = world()
    action = services.record_action(
        w.officer, w.case, services.ActionInput(kind="warning_letter", issued_on=_today())
    )
    client = login(w.officer)
    path = f"/cases/{w.case.reference}/enforcement/{action.id}/withdraw"
    response = _post(client, path, {"reason": ""})
    assert response.status_code == 400 and "Enter why it is withdrawn" in response.get_data(as_text=True)
    assert _post(client, path, {"reason": "Sent to the wrong person"}).status_code == 302
    page = client.get(f"/cases/{w.case.reference}/enforcement/{action.id}").get_data(as_text=True)
    assert "Withdrawn" in page and "Sent to the wrong person" in page


def test_anyone_finds_the_published_prosecutions_from_the_footer_of_the_sign_in_page(app, client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/prosecutions">Flytipping prosecutions</a>' in page
