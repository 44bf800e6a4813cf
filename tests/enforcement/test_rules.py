"""The kinds' own rules: FPN amounts, ladder advice, carrier numbers, publication, history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from casework.enforcement import services
from casework.enforcement.models import EnforcementAction, WasteCarrierCheck
from casework.extensions import db
from tests.enforcement.builders import NOW, cpw, fpn, history, prosecution, world


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(call, *args, **kwargs) -> services.EnforcementError:
    with pytest.raises(services.EnforcementError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value


def test_an_fpn_over_the_legal_maximum_is_refused_with_a_clear_message(app):
    w = world("flytipping")
    error = _refused(fpn, w, amount="1000.01", early=None)
    assert error.field == "amount"
    assert error.message == (
        "The amount must be no more than £1,000.00, the legal maximum for Flytipping (EPA 1990 s.33)"
    )
    assert _count(EnforcementAction) == 0
    assert fpn(w, amount="1000", early=None).amount == Decimal("1000.00")  # the maximum itself is allowed


@pytest.mark.parametrize(
    ("offence", "maximum"),
    [("household_duty_of_care", "600"), ("littering", "500"), ("cpn_breach", "100")],
)
def test_each_offence_has_its_own_maximum(app, offence, maximum):
    w = world("flytipping")
    assert _refused(fpn, w, offence=offence, amount=str(Decimal(maximum) + 1), early=None).field == "amount"
    assert fpn(w, offence=offence, amount=maximum, early=None).status == "issued"


def test_the_maximum_comes_from_configuration(app):
    app.config["FPN_MAXIMUMS"] = {**app.config["FPN_MAXIMUMS"], "littering": 150}
    w = world("flytipping")
    assert "£150.00" in _refused(fpn, w, offence="littering", amount="200", early=None).message


def test_the_early_amount_must_be_less_than_the_amount(app):
    w = world("flytipping")
    error = _refused(fpn, w, amount="400", early="400")
    assert error.field == "early_amount" and "less than the full amount (£400.00)" in error.message


def test_a_blank_amount_takes_the_councils_usual_amounts(app):
    w = world("flytipping")
    action = fpn(w, offence="littering", amount=None, early=None)
    assert (action.amount, action.early_amount) == (Decimal("150.00"), Decimal("100.00"))


def test_kind_specific_fields_are_required(app):
    w = world()
    no_date = services.ActionInput(
        kind="cpw", issued_on=date(2027, 1, 13), person_id=w.person.id, requirements="Stop it"
    )
    assert _refused(services.record_action, w.officer, w.case, no_date, now=NOW).field == "compliance_date"
    before = services.ActionInput(
        kind="cpw",
        issued_on=date(2027, 1, 13),
        person_id=w.person.id,
        compliance_date=date(2027, 1, 13),
        requirements="Stop it",
    )
    assert (
        "after the date it was issued"
        in _refused(services.record_action, w.officer, w.case, before, now=NOW).message
    )
    future = services.ActionInput(kind="warning_letter", issued_on=date(2027, 1, 14))
    assert _refused(services.record_action, w.officer, w.case, future, now=NOW).field == "issued_on"
    no_court = services.ActionInput(
        kind="prosecution", issued_on=date(2027, 1, 4), person_id=w.person.id, offence="flytipping"
    )
    assert _refused(services.record_action, w.officer, w.case, no_court, now=NOW).field == "court"
    stranger = services.ActionInput(kind="warning_letter", issued_on=date(2027, 1, 4), person_id=999999)
    assert _refused(services.record_action, w.officer, w.case, stranger, now=NOW).field == "person_id"


def test_ladder_advice_warns_when_a_step_is_skipped_but_allows_it(app):
    w = world()
    assert services.ladder_advice(w.case, "cpn", w.person.id) == (
        "No Community Protection Warning has been recorded for this person; a CPN normally follows a CPW. "
        "You can still record it."
    )
    cpn = services.record_action(
        w.officer,
        w.case,
        services.ActionInput(
            kind="cpn",
            issued_on=date(2027, 1, 13),
            person_id=w.person.id,
            compliance_date=date(2027, 2, 1),
            requirements="Clear the garden",
        ),
        now=NOW,
    )
    assert cpn.status == "issued"
    cpw(w)
    assert services.ladder_advice(w.case, "cpn", w.person.id) is None
    assert services.ladder_advice(w.case, "fpn", w.person.id) is None  # no usual earlier step


@pytest.mark.parametrize("number", ["CBDU123456", "cbdu 123456", "CBDL12345", "CBDU1"])
def test_good_carrier_numbers_are_kept_in_the_registers_form(app, number):
    w = world("flytipping")
    tier = "upper" if "u" in number.lower()[:4] else "lower"
    check = services.record_carrier_check(
        w.officer,
        w.case,
        services.CarrierCheckInput(number, tier, "not_registered", date(2027, 1, 13), "Man with a van"),
        now=NOW,
    )
    assert check.registration_number == number.replace(" ", "").upper()
    assert "checked on the register: not registered" in history(w.case, "waste_carrier")[-1].summary


@pytest.mark.parametrize("number", ["", "123456", "CBDX123456", "CBDU", "CBDU12345678", "WEX123456"])
def test_bad_carrier_numbers_are_refused(app, number):
    w = world("flytipping")
    error = _refused(
        services.record_carrier_check,
        w.officer,
        w.case,
        services.CarrierCheckInput(number, "upper", "registered", date(2027, 1, 13)),
        now=NOW,
    )
    assert error.field == "registration_number" and "CBDU123456" in error.message
    assert _count(WasteCarrierCheck) == 0


def test_the_tier_must_match_the_number(app):
    w = world("flytipping")
    error = _refused(
        services.record_carrier_check,
        w.officer,
        w.case,
        services.CarrierCheckInput("CBDL12345", "upper", "registered", date(2027, 1, 13)),
        now=NOW,
    )
    assert error.field == "tier" and "lower tier" in error.message


def _convicted(w, outcome="guilty_plea"):
    action = prosecution(w)
    return services.record_outcome(
        w.officer, action, outcome, date(2027, 1, 12), Decimal("660"), Decimal("350"), now=NOW
    )


def test_only_proved_outcomes_can_be_published(app):
    w = world("flytipping")
    action = prosecution(w)
    assert (
        "guilty plea or conviction" in _refused(services.publish, w.manager, action, False, now=NOW).message
    )
    services.record_outcome(w.officer, action, "not_guilty", date(2027, 1, 12), now=NOW)
    assert _refused(services.publish, w.manager, action, False, now=NOW).field == "submit"
    assert action.published_at is None


def test_a_name_is_published_only_when_confirmed(app):
    w = world("flytipping")
    action = _convicted(w)
    assert (
        _refused(services.publish, w.manager, action, False, "Sam Smith", now=NOW).field == "name_confirmed"
    )
    services.publish(w.manager, action, False, "", now=NOW)
    assert action.published_at == NOW and action.public_name is None
    services.unpublish(w.manager, action, now=NOW)
    services.publish(w.manager, action, True, "  Sam   Smith ", now=NOW)
    assert action.public_name == "Sam Smith"


def test_unpublishing_takes_the_name_off_too(app):
    w = world("flytipping")
    action = _convicted(w, "convicted")
    services.publish(w.manager, action, True, "Sam Smith", now=NOW)
    services.unpublish(w.manager, action, now=NOW)
    assert action.published_at is None and action.public_name is None
    assert [e.kind for e in history(w.case)][-2:] == ["enforcement_published", "enforcement_unpublished"]


def test_officers_cannot_publish(app):
    w = world("flytipping")
    action = _convicted(w)
    with pytest.raises(services.NotAllowed):
        services.publish(w.officer, action, False, now=NOW)


def test_a_published_result_cannot_be_changed_to_one_not_proved(app):
    w = world("flytipping")
    action = _convicted(w)
    services.publish(w.manager, action, False, now=NOW)
    assert (
        _refused(services.record_outcome, w.officer, action, "withdrawn", date(2027, 1, 12), now=NOW).field
        == "outcome"
    )


def test_a_prosecution_result_records_fine_and_costs_and_concludes(app):
    w = world("flytipping")
    action = _convicted(w)
    assert (action.status, action.fine, action.costs) == ("concluded", Decimal("660"), Decimal("350"))
    assert "Guilty plea, fine £660.00, costs £350.00" in history(w.case)[-1].summary
    services.record_hearing(w.officer, action, date(2027, 1, 20), now=NOW)
    assert action.details["hearings"] == ["2027-01-20", "2027-02-01"]


def test_every_change_is_in_the_case_history(app):
    w = world("flytipping")
    action = fpn(w)
    services.record_payment(w.officer, action, date(2027, 1, 13), Decimal("250"), now=NOW)
    kinds = [e.kind for e in history(w.case)]
    assert kinds == ["enforcement_recorded", "enforcement_paid"]
    assert history(w.case)[0].actor_id == w.officer.id


def test_other_boroughs_officers_cannot_record_on_the_case(app):
    from tests.cases.builders import gravesham, officer_in

    w = world()
    outsider = officer_in(gravesham())
    with pytest.raises(services.NotAllowed):
        services.record_action(
            outsider, w.case, services.ActionInput(kind="warning_letter", issued_on=date(2027, 1, 4)), now=NOW
        )
    assert _count(EnforcementAction) == 0


def test_nothing_new_on_a_closed_case(app):
    from casework.cases import services as case_services
    from casework.cases.workflow import TransitionInput

    w = world()
    case_services.fire(w.manager, w.case, "close", None, TransitionInput(outcome="resolved"))
    error = _refused(
        services.record_action,
        w.officer,
        w.case,
        services.ActionInput(kind="warning_letter", issued_on=date(2027, 1, 4)),
        now=NOW,
    )
    assert "closed" in error.message


def test_time_is_london_for_today(app):
    # 00:30 on 1 July in London is still 30 June in UTC: a date of 1 July is "today", not the future.
    w = world()
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    action = services.record_action(
        w.officer, w.case, services.ActionInput(kind="warning_letter", issued_on=date(2026, 7, 1)), now=late
    )
    assert action.issued_on == date(2026, 7, 1)


def test_the_fpn_figures_can_be_set_from_the_environment_as_json():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "CASEWORK_FPN_MAXIMUMS": json.dumps({"littering": 150}),
        "CASEWORK_FPN_AMOUNTS": json.dumps({"littering": [80, 50]}),
    }
    code = "import json, config; print(json.dumps([config.Config.FPN_MAXIMUMS, config.Config.FPN_AMOUNTS]))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    maximums, amounts = json.loads(out.stdout)
    assert maximums["littering"] == 150 and maximums["flytipping"] == 1000  # merged, not replaced
    assert amounts["littering"] == [80, 50]
