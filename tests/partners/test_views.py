"""The referral pages over HTTP: the manager's form (with clear messages, never a 500), the list,
and a partner accepting, declining, posting updates and marking actions done."""

from __future__ import annotations

from sqlalchemy import select

from casework.auth.roles import Role
from casework.cases.models import CaseEvent
from casework.extensions import db
from casework.partners.models import Referral
from tests.builders import make_user
from tests.conftest import csrf_token, sign_in
from tests.partners.builders import council, investigated_case, panel, partner_of, police, refer, working_day


def _date(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _refer_data(client, path: str, **fields) -> dict:
    data = {
        "csrf_token": csrf_token(client, path),
        "reason": "Repeat victim",
        "asked": "",
        "sharing": "minimal",
    }
    data.update(fields)
    return data


def test_the_manager_refers_a_case_to_the_panel_through_the_form(app, client):
    case, manager = investigated_case()
    csmap = panel()
    kent_police = police()
    sign_in(client, manager.email)
    path = f"/cases/{case.reference}/refer"

    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Community Safety Multi-Agency Panel" in html and "Kent Police" in html

    due = working_day(4)
    response = client.post(
        path,
        data={
            **_refer_data(client, path, target=f"panel:{csmap.id}", asked="Agree a plan"),
            "action1_agency": str(kent_police.id),
            "action1_description": "Patrol the street",
            "action1_due": _date(due),
        },
    )

    assert response.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert response.headers["Location"] == f"/referrals/{referral.id}"
    assert referral.actions[0].due_on == due and referral.case.state == "referred_to_panel"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Patrol the street" in shown and "Agree a plan" in shown


def test_the_referral_form_explains_what_is_wrong(app, client):
    case, manager = investigated_case()
    csmap = panel(members=[police()])
    outsider = council()
    sign_in(client, manager.email)
    path = f"/cases/{case.reference}/refer"

    cases = [
        ({"target": ""}, "Choose a panel or an agency to refer the case to"),
        ({"target": f"panel:{csmap.id}", "reason": ""}, "Enter the reason for the referral"),
        ({"target": f"panel:{csmap.id}"}, "Enter what is asked, or at least one action"),
        (
            {
                "target": f"panel:{csmap.id}",
                "action1_agency": str(outsider.id),
                "action1_description": "Visit",
            },
            "the agency must be a member of Community Safety Multi-Agency Panel",
        ),
        (
            {"target": f"panel:{csmap.id}", "asked": "x", "due_on": ["31", "2", "2027"]},
            "The due date must be a real date",
        ),
        ({"target": "panel:999999", "asked": "x"}, "Choose an active panel"),
        ({"target": "nonsense", "asked": "x"}, "Choose a panel or an agency"),
    ]
    for fields, message in cases:
        response = client.post(path, data=_refer_data(client, path, **fields))
        assert response.status_code == 400, fields
        html = response.get_data(as_text=True)
        assert "There is a problem" in html and message in html, (fields, message)
    assert db.session.scalar(select(Referral.id)) is None


def test_officers_and_partners_cannot_refer(app, client):
    case, _manager = investigated_case()
    for user in (case.assigned_to, make_user(Role.PARTNER, agency=police())):
        sign_in(client, user.email)
        assert client.get(f"/cases/{case.reference}/refer").status_code == 403
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account/password")})


def test_a_partner_accepts_posts_an_update_and_marks_the_action_done(app, client):
    case, manager = investigated_case()
    kent_police = police()
    referral = refer(
        case, manager, to_agency=kent_police, actions=[(kent_police, "Patrol the street", working_day(3))]
    )
    pc = partner_of(kent_police)
    sign_in(client, pc.email)
    page = f"/referrals/{referral.id}"

    home = client.get("/home").get_data(as_text=True)
    assert case.reference in home and "Patrol the street" in home
    assert client.post(f"{page}/accept", data={"csrf_token": csrf_token(client, page)}).status_code == 302
    empty = client.post(f"{page}/updates", data={"csrf_token": csrf_token(client, page), "body": " "})
    assert empty.status_code == 400 and "Enter the update" in empty.get_data(as_text=True)
    assert (
        client.post(
            f"{page}/updates", data={"csrf_token": csrf_token(client, page), "body": "Patrols booked"}
        ).status_code
        == 302
    )
    action = referral.actions[0]
    done = client.post(
        f"{page}/actions/{action.id}/done",
        data={"csrf_token": csrf_token(client, page), "note": "Done twice"},
    )
    assert done.status_code == 302

    html = client.get(page).get_data(as_text=True)
    assert "Accepted" in html and "Patrols booked" in html and "Done twice" in html
    kinds = set(db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)))
    assert {"referral_accepted", "referral_update", "referral_action_done"} <= kinds


def test_a_partner_declines_with_a_reason(app, client):
    case, manager = investigated_case()
    kent_police = police()
    referral = refer(case, manager, to_agency=kent_police)
    sign_in(client, partner_of(kent_police).email)
    path = f"/referrals/{referral.id}/decline"

    blank = client.post(path, data={"csrf_token": csrf_token(client, path), "reason": ""})
    assert blank.status_code == 400 and "Enter the reason for declining" in blank.get_data(as_text=True)
    assert (
        client.post(
            path, data={"csrf_token": csrf_token(client, path), "reason": "Not a police matter"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == "declined"
    # Answered: the decline page now sends the partner back with a message.
    again = client.get(path)
    assert again.status_code == 302


def test_the_manager_lists_and_closes_referrals(app, client):
    case, manager = investigated_case()
    referral = refer(case, manager, to_agency=police())
    sign_in(client, manager.email)

    assert case.reference in client.get("/referrals").get_data(as_text=True)
    path = f"/referrals/{referral.id}/close"
    assert client.post(path, data={"csrf_token": csrf_token(client, path), "note": ""}).status_code == 400
    assert (
        client.post(path, data={"csrf_token": csrf_token(client, path), "note": "Plan agreed"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == "closed"
    assert case.reference not in client.get("/referrals").get_data(as_text=True)
    assert case.reference in client.get("/referrals?status=all").get_data(as_text=True)


def test_a_manager_of_another_borough_cannot_open_the_referral(app, client):
    from tests.cases.builders import gravesham, manager_in

    case, manager = investigated_case()
    referral = refer(case, manager, to_agency=police())
    sign_in(client, manager_in(gravesham()).email)
    assert client.get(f"/referrals/{referral.id}").status_code == 404
    assert client.get(f"/cases/{case.reference}/refer").status_code == 404
