"""Producing a letter: the case's data in the council's wording, saved as PDF evidence with who and when."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from casework.auth.roles import Role
from casework.cases.evidence_files import path_of
from casework.cases.models import CaseEvent
from casework.cases.services import NotAllowed
from casework.extensions import db
from casework.letters import services
from casework.letters.models import Letter
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, manager_in, officer_in
from tests.letters.builders import action, asb_case, subject
from tests.letters.pdf_text import pdf_text

NOW = datetime(2026, 11, 3, 10, 30, tzinfo=UTC)


@pytest.fixture
def officer(app):
    return officer_in(dartford(), email="olu@example.test")


@pytest.fixture
def case(officer):
    return asb_case(officer)


@pytest.fixture
def person(officer, case):
    return subject(officer, case)


def test_a_cpw_letter_is_saved_as_pdf_evidence_with_who_and_when(officer, case, person):
    cpw = action(case, "cpw", person, officer)

    letter = services.produce_letter(officer, case, cpw, "cpw", now=NOW)

    saved = db.session.get(Letter, letter.id)
    assert saved.generated_by == officer and saved.generated_at == NOW
    assert saved.template_version.version == 1
    evidence = saved.evidence
    assert evidence.case == case and evidence.content_type == "application/pdf" and evidence.internal
    assert evidence.uploaded_by == officer
    data = path_of(evidence.stored_name).read_bytes()
    text = pdf_text(data)
    assert "Community Protection Warning" in text
    assert "Jordan Smith" in text and "3 Mill Road" in text and "DA1 2AB" in text
    assert "16 November 2026" in text  # the compliance date
    assert "Do not play amplified music" in text
    assert "Dartford Borough Council" in text
    assert "3 November 2026" in text  # the letter's date
    assert case.reference in text and officer.name in text
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "letter_produced"))
    assert event.actor == officer and "Community Protection Warning" in event.summary


def test_the_letter_text_is_kept_as_produced(officer, case, person):
    cpw = action(case, "cpw", person, officer)
    letter = services.produce_letter(officer, case, cpw, "cpw", now=NOW)
    assert letter.heading["recipient_name"] == "Jordan Smith"
    assert letter.heading["recipient_address_lines"] == ["3 Mill Road", "Dartford", "DA1 2AB"]
    assert "Do not play amplified music" in letter.body and "{{" not in letter.body


def test_new_wording_changes_new_letters_only(app, officer, case, person):
    cpw = action(case, "cpw", person, officer)
    first = services.produce_letter(officer, case, cpw, "cpw", now=NOW)
    first_pdf = path_of(first.evidence.stored_name).read_bytes()
    admin = make_user(Role.ADMIN, email="admin@example.test")
    template = services.template_for("cpw")
    services.save_wording(admin, template, template.title, "Dear {{ recipient_name }}\n\nNew words.", 1)

    second = services.produce_letter(officer, case, cpw, "cpw", now=NOW)

    assert "New words." in second.body and second.template_version.version == 2
    db.session.expire_all()
    kept = db.session.get(Letter, first.id)
    assert "New words." not in kept.body and kept.template_version.version == 1
    assert path_of(kept.evidence.stored_name).read_bytes() == first_pdf


def test_an_fpn_states_the_amounts_and_the_payment_date(officer, case, person):
    fpn = action(case, "fpn", person, officer)
    text = pdf_text(
        path_of(services.produce_letter(officer, case, fpn, "fpn", now=NOW).evidence.stored_name).read_bytes()
    )
    assert "£100.00" in text and "£75.00" in text and "16 November 2026" in text
    assert "Community Protection Notice" in text  # the offence: breach of a CPN
    assert "within 10 days" in text


def test_the_early_payment_offer_states_the_period_payments_are_accepted_in(app, officer, case, person):
    app.config["FPN_EARLY_PAYMENT_DAYS"] = 14
    fpn = action(case, "fpn", person, officer)
    letter = services.produce_letter(officer, case, fpn, "fpn", now=NOW)
    assert "within 14 days" in letter.body


def test_an_fpn_without_an_early_amount_offers_none(officer, case, person):
    fpn = action(case, "fpn", person, officer, early_amount=None, amount=Decimal("400"), offence="flytipping")
    letter = services.produce_letter(officer, case, fpn, "fpn", now=NOW)
    assert "£400.00" in letter.body and "reduced amount" not in letter.body


def test_missing_data_is_named_and_nothing_is_saved(officer, case, person):
    cpw = action(case, "cpw", person, officer, compliance_date=None, details={})
    with pytest.raises(services.LetterError) as raised:
        services.produce_letter(officer, case, cpw, "cpw", now=NOW)
    assert "the compliance date" in raised.value.message
    assert "what the person must do or stop doing" in raised.value.message
    assert db.session.scalar(select(Letter)) is None and case.evidence == []


def test_a_letter_needs_a_recipient(officer, case):
    warning = action(case, "warning_letter", None, officer)
    with pytest.raises(services.LetterError, match="the person the action is against"):
        services.produce_letter(officer, case, warning, "warning_letter", now=NOW)


def test_an_action_produces_only_its_own_letters(officer, case, person):
    cpw = action(case, "cpw", person, officer)
    assert services.letter_codes_for(cpw) == ["cpw"]
    with pytest.raises(services.LetterError):
        services.produce_letter(officer, case, cpw, "fpn", now=NOW)


def test_a_withdrawn_action_produces_no_letter(officer, case, person):
    cpw = action(case, "cpw", person, officer, status="withdrawn")
    assert services.letter_codes_for(cpw) == []
    with pytest.raises(services.LetterError, match="withdrawn"):
        services.produce_letter(officer, case, cpw, "cpw", now=NOW)


def test_staff_of_another_borough_cannot_produce(officer, case, person):
    cpw = action(case, "cpw", person, officer)
    with pytest.raises(NotAllowed):
        services.produce_letter(officer_in(gravesham()), case, cpw, "cpw", now=NOW)


def test_a_partnership_manager_can_produce(officer, case, person):
    cpw = action(case, "cpw", person, officer)
    manager = manager_in(None)
    letter = services.produce_letter(manager, case, cpw, "cpw", now=NOW)
    assert letter.generated_by == manager and manager.name in letter.body


def test_names_outside_the_pdf_fonts_still_make_a_letter(officer, case):
    person = subject(officer, case, first_name="Łukasz", last_name="Nowak 😀")
    warning = action(case, "warning_letter", person, officer)
    letter = services.produce_letter(officer, case, warning, "warning_letter", now=NOW)
    text = pdf_text(path_of(letter.evidence.stored_name).read_bytes())
    assert "Lukasz Nowak" in text
    assert letter.heading["recipient_name"] == "Łukasz Nowak 😀"  # the HTML letter keeps the real name
