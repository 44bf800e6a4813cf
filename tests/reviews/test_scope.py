"""Who sees which applications: officers and managers by borough, partnership managers all, others none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.reviews import services
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, manager_in, officer_in
from tests.conftest import csrf_token
from tests.reviews.builders import apply, victim_case


def today() -> date:
    return services.london_today(utcnow())


@pytest.fixture
def two(app):
    """An application in each borough."""
    dar, gra = dartford(), gravesham()
    dar_officer, gra_officer = officer_in(dar), officer_in(gra)
    dar_app = apply(dar_officer, victim_case(dar_officer, dar, reported=today()), today())
    gra_app = apply(gra_officer, victim_case(gra_officer, gra, reported=today(), first_name="Gita"), today())
    return {"dar": dar_app, "gra": gra_app, "dar_officer": dar_officer, "gra_officer": gra_officer}


def test_an_officer_sees_only_their_boroughs_applications(login, two):
    client = login(two["dar_officer"])
    page = client.get("/case-reviews").get_data(as_text=True)

    assert two["dar"].reference in page and two["gra"].reference not in page
    assert client.get(f"/case-reviews/{two['dar'].reference}").status_code == 200
    assert client.get(f"/case-reviews/{two['gra'].reference}").status_code == 404


def test_out_of_scope_changes_answer_404_and_change_nothing(login, two):
    client = login(two["dar_officer"])
    ref = two["gra"].reference
    token = csrf_token(client, "/case-reviews")
    day = [str(today().day), str(today().month), str(today().year)]

    assert (
        client.post(f"/case-reviews/{ref}/acknowledge", data={"day": day, "csrf_token": token}).status_code
        == 404
    )
    assert client.post(f"/case-reviews/{ref}/close", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/case-reviews/new?case={two['gra'].case.reference}").status_code == 404
    assert two["gra"].status == "received"


def test_a_borough_manager_sees_their_borough_and_a_partnership_manager_all(login, client, two):
    login(manager_in(gravesham()))
    page = client.get("/case-reviews").get_data(as_text=True)
    assert two["gra"].reference in page and two["dar"].reference not in page

    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/case-reviews")})
    login(manager_in(None))
    page = client.get("/case-reviews").get_data(as_text=True)
    assert two["gra"].reference in page and two["dar"].reference in page


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ADMIN])
def test_partners_and_admins_see_no_case_reviews(login, client, two, role):
    login(make_user(role))

    for path in ("/case-reviews", f"/case-reviews/{two['dar'].reference}", "/case-reviews/publication"):
        assert client.get(path).status_code == 403


def test_signed_out_users_are_sent_to_sign_in(client, two):
    response = client.get("/case-reviews")

    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_service_refuses_an_officer_of_another_borough(two):
    with pytest.raises(services.ReviewError):
        services.acknowledge(two["gra_officer"], two["dar"], today(), utcnow())


def test_a_case_has_one_application_under_way_at_a_time(two):
    case = two["dar"].case
    with pytest.raises(services.ReviewError, match="already has a case review under way"):
        apply(two["dar_officer"], case, today())


def test_the_finished_list_shows_closed_applications(login, two):
    services.close(two["dar_officer"], two["dar"], utcnow())
    client = login(two["dar_officer"])

    assert two["dar"].reference not in client.get("/case-reviews").get_data(as_text=True)
    assert two["dar"].reference in client.get("/case-reviews?show=all").get_data(as_text=True)


def test_references_count_per_borough_and_year(two):
    received = today() - timedelta(days=1) if today().timetuple().tm_yday > 1 else today()
    services.close(two["dar_officer"], two["dar"], utcnow())
    second = apply(two["dar_officer"], two["dar"].case, received)

    assert two["dar"].reference == f"CR-DAR-{today().year}-001"
    assert second.reference == f"CR-DAR-{received.year}-00{2 if received.year == today().year else 1}"


def test_a_row_of_another_application_is_not_found_through_this_one(login, two):
    client = login(two["dar_officer"])
    ref = two["dar"].reference
    token = csrf_token(client, "/case-reviews")
    other = two["gra"].complaints[0]

    removing = client.post(f"/case-reviews/{ref}/complaints/{other.id}/remove", data={"csrf_token": token})
    assert removing.status_code == 404
    assert client.get(f"/case-reviews/{ref}/recommendations/999999/complete").status_code == 404
    assert client.get(f"/case-reviews/{ref}/appeals/999999/decide").status_code == 404
    assert other in two["gra"].complaints
