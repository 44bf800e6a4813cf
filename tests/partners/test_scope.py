"""What a partner user can open (issue 4 item 11): only cases referred to their agency or to a panel
it sits on, only the shared parts, and every opening recorded. Staff URLs refuse partners (403);
the partner's own URLs answer 404 for a case that is not referred to them."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from casework.auth.roles import Role
from casework.cases import services as case_services
from casework.cases.evidence_files import check_upload
from casework.cases.lookup import visible_cases
from casework.cases.models import Case, CaseEvent
from casework.cases.scope import can_see, can_work, case_scope
from casework.cases.workflow import TransitionInput
from casework.deadlines.services import open_rows
from casework.extensions import db
from casework.partners import services
from casework.partners.models import PartnerCaseView
from tests.cases.case_page_helpers import image_bytes
from tests.conftest import csrf_token, sign_in
from tests.partners.builders import (
    SUSPECT,
    VICTIM,
    council,
    fire_service,
    investigated_case,
    panel,
    partner_of,
    police,
    refer,
    working_day,
)

PUBLIC_NOTE = "Joint patrol booked with the neighbourhood team for Friday"
RESTRICTED_NOTE = "Safeguarding: the victim disclosed abuse by a former partner"


def _with_records(case, officer):
    """A note of each kind and evidence of each kind on the case; returns (shared, internal) evidence."""
    case_services.add_note(officer, case, PUBLIC_NOTE)
    case_services.add_note(officer, case, RESTRICTED_NOTE, restricted=True)
    shared = check_upload(io.BytesIO(image_bytes()), "street-photo.png")
    internal = check_upload(io.BytesIO(image_bytes()), "police-intelligence.png")
    case_services.add_evidence(officer, case, shared, "The alley at night")
    case_services.add_evidence(officer, case, internal, "Intelligence report", internal=True)
    evidence = sorted(case.evidence, key=lambda item: item.id)
    return evidence[0], evidence[1]


@pytest.fixture
def world(app):
    """A case referred to Kent Police (with notes and evidence) and an unreferred case, both in Dartford."""
    referred, manager = investigated_case()
    officer = referred.assigned_to
    shared, internal = _with_records(referred, officer)
    unreferred, _ = investigated_case(code="asb_nuisance")
    _with_records(unreferred, unreferred.assigned_to)
    kent_police = police()
    referral = refer(
        referred, manager, to_agency=kent_police, actions=[(kent_police, "Patrol", working_day(3))]
    )
    return {
        "referred": referred,
        "unreferred": unreferred,
        "manager": manager,
        "referral": referral,
        "shared": shared,
        "internal": internal,
        "pc": partner_of(kent_police),
        "unreferred_evidence": unreferred.evidence[0],
    }


def _views(case) -> int:
    return db.session.scalar(
        select(func.count()).select_from(PartnerCaseView).where(PartnerCaseView.case_id == case.id)
    )


def test_a_partner_cannot_open_an_unreferred_case_its_evidence_or_its_history(app, client, world):
    sign_in(client, world["pc"].email)
    case, item = world["unreferred"], world["unreferred_evidence"]

    assert client.get(f"/shared/cases/{case.reference}").status_code == 404
    assert client.get(f"/shared/cases/{case.reference}/evidence/{item.id}").status_code == 404
    # The staff pages (the case with its history, its files, the exports) refuse partners outright.
    for url in (
        f"/cases/{case.reference}",
        f"/cases/{case.reference}/evidence/{item.id}",
        f"/cases/{world['referred'].reference}",
        f"/cases/{world['referred'].reference}/evidence/{world['shared'].id}",
        "/cases",
        "/cases/export.csv",
        "/search?q=Quarrington",
    ):
        assert client.get(url).status_code == 403, url
    # Evidence of the referred case cannot be fetched through the unreferred one, or the reverse.
    assert client.get(f"/shared/cases/{case.reference}/evidence/{world['shared'].id}").status_code == 404
    assert client.get(f"/shared/cases/{world['referred'].reference}/evidence/{item.id}").status_code == 404
    assert _views(case) == 0


def test_the_scope_rule_in_queries_and_on_one_case_agree(app, world):
    pc = world["pc"]
    visible = set(db.session.scalars(select(Case.reference).where(case_scope(pc))))
    assert visible == {world["referred"].reference}
    assert can_see(pc, world["referred"]) and not can_see(pc, world["unreferred"])
    assert not can_work(pc, world["referred"])  # partners never change a case
    outsider = partner_of(council())
    assert db.session.scalars(select(Case.id).where(case_scope(outsider))).all() == []


def test_a_partner_sees_only_the_shared_parts_and_each_opening_is_recorded(app, client, world):
    sign_in(client, world["pc"].email)
    case = world["referred"]

    first = client.get(f"/shared/cases/{case.reference}")
    second = client.get(f"/shared/cases/{case.reference.lower()}")

    assert first.status_code == 200 and second.status_code == 200
    page = first.get_data(as_text=True)
    assert case.reference in page and case.summary in page and "1 High Street" in page  # incident location
    assert PUBLIC_NOTE in page and RESTRICTED_NOTE not in page
    assert "street-photo.png" in page and "police-intelligence.png" not in page
    assert VICTIM.last_name not in page and SUSPECT.last_name not in page  # minimal sharing: no names
    assert "2 people are recorded on this case" in page
    assert _views(case) == 2
    viewed = list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "partner_viewed")
        )
    )
    assert [event.summary for event in viewed] == [f"Viewed by {world['pc'].name} (Kent Police)"] * 2
    assert all(event.actor_id == world["pc"].id for event in viewed)


def test_shared_evidence_downloads_and_is_recorded_but_internal_evidence_is_404(app, client, world):
    sign_in(client, world["pc"].email)
    case = world["referred"]

    shared = client.get(f"/shared/cases/{case.reference}/evidence/{world['shared'].id}")
    internal = client.get(f"/shared/cases/{case.reference}/evidence/{world['internal'].id}")

    assert shared.status_code == 200 and shared.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "no-store" in shared.headers["Cache-Control"]
    assert internal.status_code == 404
    row = db.session.scalar(select(PartnerCaseView).where(PartnerCaseView.case_id == case.id))
    assert row.what == f"evidence:{world['shared'].id}" and row.user_id == world["pc"].id
    assert (
        db.session.scalar(
            select(CaseEvent.summary).where(CaseEvent.case_id == case.id, CaseEvent.kind == "partner_viewed")
        )
        == f"Evidence street-photo.png opened by {world['pc'].name} (Kent Police)"
    )


@pytest.mark.parametrize(
    ("sharing", "shown", "hidden"),
    [
        (
            "standard",
            [VICTIM.last_name, SUSPECT.last_name, "Complainant or victim"],
            [VICTIM.address, VICTIM.phone],
        ),
        ("full", [VICTIM.last_name, VICTIM.address, VICTIM.phone], []),
    ],
)
def test_people_are_shown_as_far_as_the_sharing_level_allows(app, client, sharing, shown, hidden):
    case, manager = investigated_case()
    kent_police = police()
    refer(case, manager, to_agency=kent_police, sharing=sharing)
    sign_in(client, partner_of(kent_police).email)

    page = client.get(f"/shared/cases/{case.reference}").get_data(as_text=True)

    assert all(text in page for text in shown), sharing
    assert not any(text in page for text in hidden), sharing


def test_partners_of_a_panel_member_see_its_referrals_and_others_do_not(app, client):
    case, manager = investigated_case()
    kfrs, kent_police = fire_service(), police()
    referral = refer(case, manager, to_panel=panel(members=[kent_police, kfrs]))
    member, outsider = partner_of(kfrs), partner_of(council())

    sign_in(client, member.email)
    assert client.get(f"/shared/cases/{case.reference}").status_code == 200
    assert client.get(f"/referrals/{referral.id}").status_code == 200
    assert case.reference in client.get("/referrals").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account/password")})

    sign_in(client, outsider.email)
    assert client.get(f"/shared/cases/{case.reference}").status_code == 404
    assert client.get(f"/referrals/{referral.id}").status_code == 404
    token = csrf_token(client, "/account/password")
    assert client.post(f"/referrals/{referral.id}/accept", data={"csrf_token": token}).status_code == 404
    assert case.reference not in client.get("/referrals").get_data(as_text=True)


def test_access_ends_when_the_referral_is_declined_or_closed(app, client, world):
    pc, case = world["pc"], world["referred"]
    services.decline(pc, world["referral"], "Not for us")
    sign_in(client, pc.email)

    assert client.get(f"/shared/cases/{case.reference}").status_code == 404
    assert client.get(f"/shared/cases/{case.reference}/evidence/{world['shared'].id}").status_code == 404
    # The referral itself stays in the agency's list (with its answer), not the case.
    assert client.get(f"/referrals/{world['referral'].id}").status_code == 200


def test_an_administrator_or_officer_never_reaches_the_partner_view(app, client, world):
    from tests.builders import make_user

    for user in (make_user(Role.ADMIN), world["referred"].assigned_to):
        sign_in(client, user.email)
        assert client.get(f"/shared/cases/{world['referred'].reference}").status_code == 403
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account/password")})


def test_visible_cases_for_a_partner_follow_the_same_rule(app, world):
    from flask_login import login_user

    with app.test_request_context():
        login_user(world["pc"])
        assert [c.reference for c in db.session.scalars(visible_cases())] == [world["referred"].reference]


def test_closing_the_case_ends_its_referrals_and_the_partners_access(app, client, world):
    case, referral, manager = world["referred"], world["referral"], world["manager"]
    sign_in(client, world["pc"].email)
    assert client.get(f"/shared/cases/{case.reference}").status_code == 200

    given = TransitionInput(outcome="resolved")
    case_services.fire(manager, case, "close", case.version, given)

    db.session.refresh(referral)
    assert referral.status == "closed" and referral.close_note == "The case was closed."
    assert [action.status for action in referral.actions] == ["cancelled"]
    assert not [row for row in open_rows(case) if row.referral_id == referral.id]
    assert any(event.summary == "Referral to Kent Police closed with the case" for event in case.events)
    assert client.get(f"/shared/cases/{case.reference}").status_code == 404
