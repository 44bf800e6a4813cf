"""Admin settings for the case lists that are data: clearance costs, case types, priorities."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from casework.auth.roles import Role
from casework.cases import services, settings_services
from casework.cases.categories import FLYTIP_SIZES
from casework.cases.incident_models import ClearanceCost
from casework.cases.models import CaseType, Priority
from casework.extensions import db
from tests.builders import make_user
from tests.cases.builders import make_case, make_case_types
from tests.conftest import csrf_token

PAGES = [
    "/admin/settings",
    "/admin/settings/clearance-costs",
    "/admin/settings/case-types",
    "/admin/settings/case-types/new",
    "/admin/settings/priorities",
    "/admin/settings/priorities/new",
]


@pytest.fixture
def admin(app, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


def post(client, path: str, data: dict, token_from: str | None = None):
    token = csrf_token(client, token_from or path)
    return client.post(path, data={**data, "csrf_token": token})


def error_summary(page: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def costs() -> dict[str, Decimal]:
    return {row.size: row.cost for row in db.session.scalars(select(ClearanceCost))}


# ---- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.PARTNER])
def test_only_administrators_may_open_or_post_settings(app, client, login, role):
    kind = make_case_types()["graffiti"]
    priority = Priority(number=1, name="Violent crime")
    db.session.add(priority)
    db.session.commit()
    login(make_user(role))
    pages = [*PAGES, f"/admin/settings/case-types/{kind.id}", f"/admin/settings/priorities/{priority.id}"]
    for path in pages:
        assert client.get(path).status_code == 403, path
    # A real token (from the sign-out form), so that a refusal is not a CSRF failure.
    token = csrf_token(client, "/home")
    posts = [
        "/admin/settings/clearance-costs",
        "/admin/settings/case-types/new",
        "/admin/settings/priorities/new",
        f"/admin/settings/case-types/{kind.id}",
        f"/admin/settings/case-types/{kind.id}/active",
        f"/admin/settings/priorities/{priority.id}",
        f"/admin/settings/priorities/{priority.id}/active",
    ]
    for path in posts:
        data = {"csrf_token": token, "active": "0", "name": "Changed", "group": "asb", "number": "5"}
        assert client.post(path, data=data).status_code == 403, path
    db.session.refresh(kind)
    db.session.refresh(priority)
    assert kind.active and kind.name == "Graffiti" and kind.group == "environmental"
    assert priority.active and (priority.number, priority.name) == (1, "Violent crime")
    assert settings_services.clearance_costs() == {}


def test_signed_out_people_are_sent_to_sign_in(app, client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path


def test_the_services_refuse_anyone_but_an_administrator(app):
    officer = make_user(Role.OFFICER)
    kind = make_case_types()["graffiti"]
    with pytest.raises(services.NotAllowed):
        settings_services.save_clearance_costs(officer, {"single_bag": Decimal(10)})
    with pytest.raises(services.NotAllowed):
        settings_services.add_case_type(officer, "Trolleys", "environmental")
    with pytest.raises(services.NotAllowed):
        settings_services.set_case_type_active(officer, kind, False)
    with pytest.raises(services.NotAllowed):
        settings_services.add_priority(officer, 1, "Violent crime")
    assert costs() == {} and kind.active


def test_the_index_links_every_settings_page_and_navigation_shows_it(app, client, admin):
    page = client.get("/admin/settings").get_data(as_text=True)
    for path in [*PAGES[1:3], "/admin/settings/priorities"]:
        assert f'href="{path}"' in page
    assert "Settings" in page and 'href="/admin/settings"' in page


# ---- clearance costs ---------------------------------------------------------------------------


def test_clearance_costs_page_has_one_money_input_per_size(app, client, admin):
    db.session.add(ClearanceCost(size="small_van", cost=Decimal("120.00")))
    db.session.commit()
    page = client.get("/admin/settings/clearance-costs").get_data(as_text=True)
    for code, label in FLYTIP_SIZES:
        assert f'name="cost_{code}"' in page
        assert f'for="cost_{code}"' in page and label in page
    assert page.count("govuk-input__prefix") == len(FLYTIP_SIZES)
    assert re.search(
        r'name="cost_small_van"[^>]*value="120.00"|value="120.00"[^>]*name="cost_small_van"', page
    )


def test_saving_clearance_costs_sets_the_default_for_new_flytips(app, client, admin):
    data = {f"cost_{code}": "" for code, _ in FLYTIP_SIZES}
    data.update(cost_single_bag="25", cost_small_van="£1,250.50", cost_car_boot=" 80.5 ")
    response = post(client, "/admin/settings/clearance-costs", data)
    assert response.status_code == 302
    assert costs() == {
        "single_bag": Decimal("25.00"),
        "small_van": Decimal("1250.50"),
        "car_boot": Decimal("80.50"),
    }
    assert "Clearance costs saved" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert services.default_clearance_cost("small_van") == Decimal("1250.50")
    case = make_case()  # a small van load by default
    assert case.incidents[0].flytip.clearance_cost == Decimal("1250.50")


def test_blanking_a_cost_removes_that_default(app, client, admin):
    db.session.add_all(
        [
            ClearanceCost(size="single_bag", cost=Decimal(5)),
            ClearanceCost(size="significant", cost=Decimal(900)),
        ]
    )
    db.session.commit()
    data = {f"cost_{code}": "" for code, _ in FLYTIP_SIZES} | {"cost_single_bag": "6"}
    assert post(client, "/admin/settings/clearance-costs", data).status_code == 302
    assert costs() == {"single_bag": Decimal("6.00")}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "must be an amount in pounds and pence"),
        ("-5", "must be £0 or more"),
        ("12.345", "no more than 2 decimal places"),
        ("2000000", "must be £1,000,000 or less"),
        ("1e5", "must be an amount in pounds and pence"),
        ("NaN", "must be an amount in pounds and pence"),
        ("12.", "must be an amount in pounds and pence"),
    ],
)
def test_bad_costs_are_refused_with_a_clear_message_and_nothing_is_saved(app, client, admin, typed, message):
    db.session.add(ClearanceCost(size="single_bag", cost=Decimal(5)))
    db.session.commit()
    data = {f"cost_{code}": "10" for code, _ in FLYTIP_SIZES} | {"cost_tipper_lorry": typed}
    response = post(client, "/admin/settings/clearance-costs", data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    summary = error_summary(page)
    assert message in summary.replace("&#163;", "£") and 'href="#cost_tipper_lorry"' in summary
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page
    assert costs() == {"single_bag": Decimal("5.00")}  # nothing saved half-way


def test_a_cost_for_an_unknown_size_or_out_of_range_is_refused_by_the_service(app):
    admin = make_user(Role.ADMIN)
    with pytest.raises(settings_services.SettingsError):
        settings_services.save_clearance_costs(admin, {"juggernaut": Decimal(1)})
    with pytest.raises(settings_services.SettingsError):
        settings_services.save_clearance_costs(admin, {"single_bag": Decimal(1), "single_item": Decimal(-1)})
    assert costs() == {}


# ---- case types --------------------------------------------------------------------------------


def test_case_types_are_listed_with_their_group_and_status(app, client, admin):
    make_case_types()
    page = client.get("/admin/settings/case-types").get_data(as_text=True)
    assert "10 case types" in page
    for name in ("Flytipping", "Graffiti", "ASB: personal"):
        assert name in page
    assert "Anti-social behaviour" in page and "Other environmental crime" in page


def test_adding_a_case_type_makes_its_code_from_the_name(app, client, admin):
    make_case_types()
    response = post(
        client,
        "/admin/settings/case-types/new",
        {"name": "  Abandoned   trolleys ", "group": "environmental"},
    )
    assert response.status_code == 302
    added = db.session.scalar(select(CaseType).where(CaseType.code == "abandoned_trolleys"))
    assert added.name == "Abandoned trolleys" and added.group == "environmental" and added.active
    assert added.sort_order > max(
        t.sort_order for t in db.session.scalars(select(CaseType)) if t is not added
    )
    assert "Abandoned trolleys" in client.get("/admin/settings/case-types").get_data(as_text=True)


def test_codes_stay_unique_and_never_change_on_rename(app, client, admin):
    first = settings_services.add_case_type(admin, "Shopping trolleys", "environmental")
    response = post(
        client, f"/admin/settings/case-types/{first.id}", {"name": "Trolleys", "group": "environmental"}
    )
    assert response.status_code == 302
    second = settings_services.add_case_type(admin, "Shopping trolleys!", "environmental")
    db.session.refresh(first)
    assert (first.code, first.name) == ("shopping_trolleys", "Trolleys")
    assert second.code == "shopping_trolleys_2"
    assert settings_services.code_for("ASB: personal") == "asb_personal"
    assert len(settings_services.code_for("x" * 80)) == 40


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "group": "asb"}, "name", "Enter the name of the case type"),
        ({"name": "Graffiti", "group": "asb"}, "name", "There is already a case type called Graffiti"),
        ({"name": "graffiti ", "group": "asb"}, "name", "There is already a case type called Graffiti"),
        ({"name": "!!!", "group": "asb"}, "name", "at least one letter or number"),
        ({"name": "x" * 101, "group": "asb"}, "name", "100 characters or fewer"),
        ({"name": "Trolleys"}, "group", "Select the group"),
        ({"name": "Trolleys", "group": "weather"}, "group", "Not a valid choice"),
    ],
)
def test_bad_case_types_are_refused_clearly(app, client, admin, data, field, message):
    make_case_types()
    response = post(client, "/admin/settings/case-types/new", data)
    assert response.status_code == 200
    summary = error_summary(response.get_data(as_text=True))
    assert message in summary and f'href="#{field}' in summary
    assert db.session.scalar(select(CaseType).where(CaseType.name.in_(["Trolleys", "!!!"]))) is None
    assert len(db.session.scalars(select(CaseType)).all()) == 10


def test_renaming_to_another_types_name_is_refused(app, client, admin):
    kinds = make_case_types()
    response = post(
        client,
        f"/admin/settings/case-types/{kinds['noise'].id}",
        {"name": "Littering", "group": "environmental"},
    )
    assert response.status_code == 200
    assert "There is already a case type called Littering" in error_summary(response.get_data(as_text=True))
    db.session.refresh(kinds["noise"])
    assert kinds["noise"].name == "Noise"


def test_the_group_can_change_only_while_no_case_uses_the_type(app, client, admin):
    kinds = make_case_types()
    response = post(
        client, f"/admin/settings/case-types/{kinds['noise'].id}", {"name": "Noise", "group": "asb"}
    )
    assert response.status_code == 302
    assert kinds["noise"].group == "asb"
    make_case(code="graffiti")
    page = client.get(f"/admin/settings/case-types/{kinds['graffiti'].id}").get_data(as_text=True)
    assert "cannot change once cases use this type" in page and 'name="group" value="environmental"' in page
    with pytest.raises(settings_services.SettingsError, match="cannot change"):
        settings_services.update_case_type(admin, kinds["graffiti"], "Graffiti", "flytipping")
    db.session.refresh(kinds["graffiti"])
    assert kinds["graffiti"].group == "environmental"
    rename = post(
        client,
        f"/admin/settings/case-types/{kinds['graffiti'].id}",
        {"name": "Graffiti and tags", "group": "environmental"},
    )
    assert rename.status_code == 302 and kinds["graffiti"].name == "Graffiti and tags"


def test_deactivating_and_activating_a_case_type(app, client, admin):
    kinds = make_case_types()
    path = f"/admin/settings/case-types/{kinds['noise'].id}"
    response = post(client, path + "/active", {"active": "0"}, token_from=path)
    assert response.status_code == 302
    db.session.refresh(kinds["noise"])
    assert not kinds["noise"].active
    assert "Deactivated" in client.get("/admin/settings/case-types").get_data(as_text=True)
    with pytest.raises(services.CaseError):  # no longer offered for new cases
        make_case(code="noise")
    assert post(client, path + "/active", {"active": "1"}, token_from=path).status_code == 302
    db.session.refresh(kinds["noise"])
    assert kinds["noise"].active


def test_the_last_active_case_type_cannot_be_deactivated(app, client, admin):
    only = settings_services.add_case_type(admin, "Flytipping", "flytipping")
    path = f"/admin/settings/case-types/{only.id}"
    response = post(client, path + "/active", {"active": "0"}, token_from=path)
    assert response.status_code == 302
    assert "At least one case type must stay active" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.refresh(only)
    assert only.active


def test_unknown_case_types_and_bad_switches(app, client, admin):
    kinds = make_case_types()
    assert client.get("/admin/settings/case-types/999999").status_code == 404
    path = f"/admin/settings/case-types/{kinds['noise'].id}"
    assert post(client, path + "/active", {"active": "maybe"}, token_from=path).status_code == 400
    assert client.post(path + "/active", data={"active": "0"}).status_code == 400  # no CSRF token
    db.session.refresh(kinds["noise"])
    assert kinds["noise"].active


# ---- priorities --------------------------------------------------------------------------------


def test_adding_renaming_and_renumbering_priorities(app, client, admin):
    assert (
        post(client, "/admin/settings/priorities/new", {"number": "2", "name": "Persistent ASB"}).status_code
        == 302
    )
    assert (
        post(client, "/admin/settings/priorities/new", {"number": " 1 ", "name": "Violent crime"}).status_code
        == 302
    )
    page = client.get("/admin/settings/priorities").get_data(as_text=True)
    assert page.index("Violent crime") < page.index("Persistent ASB")
    second = db.session.scalar(select(Priority).where(Priority.number == 2))
    path = f"/admin/settings/priorities/{second.id}"
    response = post(client, path, {"number": "3", "name": "Persistent anti-social behaviour"})
    assert response.status_code == 302
    db.session.refresh(second)
    assert (second.number, second.name) == (3, "Persistent anti-social behaviour")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"number": "", "name": "Violence"}, "number", "Enter the priority number"),
        ({"number": "one", "name": "Violence"}, "number", "whole number from 1 to 99"),
        ({"number": "0", "name": "Violence"}, "number", "whole number from 1 to 99"),
        ({"number": "100", "name": "Violence"}, "number", "whole number from 1 to 99"),
        ({"number": "-1", "name": "Violence"}, "number", "whole number from 1 to 99"),
        ({"number": "1", "name": "Reoffending"}, "number", "Priority 1 is already"),
        ({"number": "2", "name": "   "}, "name", "Enter the name"),
        ({"number": "2", "name": "x" * 201}, "name", "200 characters or fewer"),
    ],
)
def test_bad_priorities_are_refused_clearly(app, client, admin, data, field, message):
    settings_services.add_priority(admin, 1, "Violent crime")
    response = post(client, "/admin/settings/priorities/new", data)
    assert response.status_code == 200
    summary = error_summary(response.get_data(as_text=True))
    assert message in summary and f'href="#{field}"' in summary
    assert [p.name for p in settings_services.priorities()] == ["Violent crime"]


def test_renumbering_onto_another_priority_is_refused(app, client, admin):
    settings_services.add_priority(admin, 1, "Violent crime")
    second = settings_services.add_priority(admin, 2, "Persistent ASB")
    response = post(
        client, f"/admin/settings/priorities/{second.id}", {"number": "1", "name": "Persistent ASB"}
    )
    assert response.status_code == 200
    assert "Priority 1 is already" in error_summary(response.get_data(as_text=True))
    db.session.refresh(second)
    assert second.number == 2


def test_deactivating_and_activating_a_priority(app, client, admin):
    priority = settings_services.add_priority(admin, 1, "Violent crime")
    path = f"/admin/settings/priorities/{priority.id}"
    assert post(client, path + "/active", {"active": "0"}, token_from=path).status_code == 302
    db.session.refresh(priority)
    assert not priority.active
    assert "Deactivated" in client.get("/admin/settings/priorities").get_data(as_text=True)
    assert post(client, path + "/active", {"active": "1"}, token_from=path).status_code == 302
    db.session.refresh(priority)
    assert priority.active
    assert client.get("/admin/settings/priorities/999999").status_code == 404
