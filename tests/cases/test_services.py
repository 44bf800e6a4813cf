"""The case services: logging, references, assignment, clearance, notes, people and evidence."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import func, select

from casework.auth.roles import Role
from casework.cases import services, workflow
from casework.cases.evidence_files import check_upload, path_of
from casework.cases.incident_models import ClearanceCost, Incident
from casework.cases.models import Case, CaseEvent, CaseType
from casework.cases.party_models import CaseParty, Person
from casework.cases.record_models import Evidence, Note
from casework.db_types import utcnow
from casework.extensions import db
from tests.builders import make_user
from tests.cases.builders import incident_input, make_case
from tests.cases.workflow_helpers import event_count, event_kinds, last_event, make_cast, snapshot


@pytest.fixture
def cast(app):
    return make_cast()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def assert_clean() -> None:
    """A refused change leaves nothing pending that a later commit could save by accident."""
    assert not db.session.new and not db.session.dirty and not db.session.deleted


def gravesham_case(cast, **overrides) -> Case:
    return make_case(cast.other_officer, borough=cast.gravesham, postcode="DA11 0AA", **overrides)


# ---- references --------------------------------------------------------------------------------


def test_references_are_per_borough_and_year_and_sequential(app, cast):
    year = utcnow().year
    first, second = make_case(cast.officer), make_case(cast.officer, code="graffiti")
    other = gravesham_case(cast)
    third = make_case(cast.manager, code="noise")
    assert [first.reference, second.reference, third.reference] == [
        f"DAR-{year}-00001", f"DAR-{year}-00002", f"DAR-{year}-00003",
    ]  # fmt: skip
    assert other.reference == f"GRA-{year}-00001"


def test_a_new_year_starts_counting_again(app, cast):
    make_case(cast.officer)
    year = utcnow().year
    assert services.next_reference(cast.dartford.id, "DAR", year + 1) == f"DAR-{year + 1}-00001"
    assert services.next_reference(cast.dartford.id, "DAR", year + 1) == f"DAR-{year + 1}-00002"
    assert services.next_reference(cast.dartford.id, "DAR", year) == f"DAR-{year}-00002"
    db.session.rollback()


def test_a_refused_log_uses_no_number(app, cast):
    with pytest.raises(services.CaseError):
        services.log_incident(
            cast.officer, make_case_type_id("flytipping"), incident_input(cast.dartford, flytip=False)
        )
    assert_clean()
    assert make_case(cast.officer).reference.endswith("-00001")


def make_case_type_id(code: str) -> int:
    return db.session.scalar(select(CaseType.id).where(CaseType.code == code))


# ---- logging -----------------------------------------------------------------------------------


def test_logging_opens_a_new_case_with_its_incident_and_history(app, cast):
    db.session.add(ClearanceCost(size="small_van", cost=Decimal("180.00")))
    db.session.commit()
    reporter = services.PersonInput(first_name="Ada", last_name="Reporter", phone="01322 000000")
    case = services.log_incident(
        cast.officer, make_case_type_id("flytipping"), incident_input(cast.dartford, reporter=reporter)
    )
    assert (case.state, case.version, case.borough_id, case.created_by_id) == (
        "new",
        1,
        cast.dartford.id,
        cast.officer.id,
    )
    assert case.ward_id == cast.dartford.wards[0].id and case.assigned_to_id is None
    assert case.summary == "Flytipping: 1 High Street"
    incident = case.incidents[0]
    assert incident.flytip.size == "small_van" and incident.flytip.clearance_cost == Decimal("180.00")
    assert incident.recorded_by_id == cast.officer.id and incident.reported_at is not None
    assert [(p.role, p.person.full_name) for p in case.parties] == [("complainant", "Ada Reporter")]
    assert event_kinds(case)[:3] == ["created", "incident_added", "party_added"]
    assert case.events[-1].after == {"state": "new"} and case.events[-1].actor_id == cast.officer.id


def test_no_default_cost_means_none(app, cast):
    assert make_case(cast.officer).incidents[0].flytip.clearance_cost is None


@pytest.mark.parametrize("who", ["partner", "admin"])
def test_only_staff_log_incidents(app, cast, who):
    with pytest.raises(services.NotAllowed):
        services.log_incident(
            getattr(cast, who), make_case_type_id("graffiti"), incident_input(cast.dartford, flytip=False)
        )
    assert_clean()
    assert count(Case) == 0


def test_logging_checks_type_details_and_ward(app, cast):
    dar = cast.dartford
    graffiti = db.session.scalar(select(CaseType).where(CaseType.code == "graffiti"))
    graffiti.active = False
    db.session.commit()
    cases = [
        (graffiti.id, incident_input(dar, flytip=False), "case_type_id"),
        (999_999, incident_input(dar, flytip=False), "case_type_id"),
        (make_case_type_id("flytipping"), incident_input(dar, flytip=False), "size"),
        (
            make_case_type_id("noise"),
            incident_input(dar, flytip=False, ward_id=cast.gravesham.wards[0].id),
            "ward_id",
        ),
        (make_case_type_id("noise"), incident_input(dar, flytip=False, ward_id=999_999), "ward_id"),
    ]
    for type_id, data, field in cases:
        with pytest.raises(services.CaseError) as raised:
            services.log_incident(cast.officer, type_id, data)
        assert raised.value.field == field
        assert_clean()
    assert count(Case) == 0 and count(CaseEvent) == 0 and count(Incident) == 0


def test_a_partnership_manager_logs_in_any_borough(app, cast):
    case = services.log_incident(
        cast.partnership_manager, make_case_type_id("noise"), incident_input(cast.gravesham, flytip=False)
    )
    assert case.borough_id == cast.gravesham.id and case.reference.startswith("GRA-")


def test_flytip_details_are_dropped_for_other_types(app, cast):
    case = services.log_incident(
        cast.officer, make_case_type_id("graffiti"), incident_input(cast.dartford, flytip=True)
    )
    assert case.incidents[0].flytip is None


def test_a_repeat_report_adds_an_incident_to_an_open_case(app, cast):
    case = make_case(cast.officer)
    before = event_count(case, "incident_added")
    incident = services.add_incident(cast.colleague, case, incident_input(cast.dartford, channel="phone"))
    assert len(case.incidents) == 2 and incident.channel == "phone" and incident.flytip is not None
    assert event_count(case, "incident_added") == before + 1
    with pytest.raises(services.NotAllowed):
        services.add_incident(cast.other_officer, case, incident_input(cast.dartford))
    with pytest.raises(services.CaseError, match="size"):
        services.add_incident(cast.officer, case, incident_input(cast.dartford, flytip=False))
    assert_clean()


def test_a_closed_case_takes_no_more_incidents(app, cast):
    case = make_case(cast.officer, code="noise")
    services.fire(cast.manager, case, "close", case.version, workflow.TransitionInput(outcome="resolved"))
    with pytest.raises(services.CaseError, match="closed"):
        services.add_incident(cast.officer, case, incident_input(cast.dartford, flytip=False))
    assert len(case.incidents) == 1


# ---- assignment --------------------------------------------------------------------------------


def test_a_manager_assigns_within_the_borough(app, cast):
    case = make_case(cast.officer)
    services.assign(cast.manager, case, cast.colleague, case.version)
    assert case.assigned_to_id == cast.colleague.id and case.version == 2
    event = last_event(case, "assigned")
    assert (event.kind, event.actor_id, event.before, event.after) == (
        "assigned", cast.manager.id, {"assigned_to": None}, {"assigned_to": cast.colleague.name},
    )  # fmt: skip
    # Partnership-wide staff may be given any borough's case.
    services.assign(cast.manager, case, cast.partnership_manager, case.version)
    services.assign(cast.manager, case, None, case.version)
    assert case.assigned_to_id is None and last_event(case, "assigned").summary == "Unassigned"


def test_assigning_the_same_officer_again_changes_nothing(app, cast):
    case = make_case(cast.officer)
    services.assign(cast.manager, case, cast.officer, case.version)
    before = snapshot(case)
    services.assign(cast.manager, case, cast.officer, case.version)
    assert snapshot(case) == before


def test_nobody_outside_the_borough_or_inactive_can_be_assigned(app, cast):
    case = make_case(cast.officer)
    retired = make_user(Role.OFFICER, borough=cast.dartford)
    retired.active = False
    db.session.commit()
    before = snapshot(case)
    for officer in (cast.other_officer, cast.other_manager, retired, cast.partner, cast.admin):
        with pytest.raises(services.CaseError) as raised:
            services.assign(cast.manager, case, officer, case.version)
        assert raised.value.field == "officer" and type(raised.value) is services.CaseError
        assert_clean()
    assert snapshot(case) == before
    assert cast.other_officer not in services.assignable_officers(cast.dartford.id)
    assert {cast.officer, cast.colleague, cast.manager, cast.partnership_manager} <= set(
        services.assignable_officers(cast.dartford.id)
    )
    assert retired not in services.assignable_officers(None)


def test_an_officer_may_only_take_an_unassigned_case_for_themselves(app, cast):
    case = make_case(cast.officer)
    for officer in (cast.colleague, None):
        with pytest.raises(services.NotAllowed):
            services.assign(cast.officer, case, officer, case.version)
    services.assign(cast.officer, case, cast.officer, case.version)
    assert case.assigned_to_id == cast.officer.id
    for officer in (cast.colleague, None):
        with pytest.raises(services.NotAllowed):
            services.assign(cast.colleague if officer else cast.officer, case, officer or None, case.version)
    with pytest.raises(services.NotAllowed):  # already taken
        services.assign(cast.colleague, case, cast.colleague, case.version)
    assert case.assigned_to_id == cast.officer.id
    assert_clean()


@pytest.mark.parametrize("who", ["other_manager", "other_officer", "partner", "admin"])
def test_users_out_of_scope_cannot_assign(app, cast, who):
    case = make_case(cast.officer)
    user = getattr(cast, who)
    with pytest.raises(services.NotAllowed):
        services.assign(user, case, user, case.version)
    assert case.assigned_to_id is None


def test_bulk_assign_assigns_every_case(app, cast):
    cases = [make_case(cast.officer) for _ in range(3)]
    done = services.bulk_assign(cast.manager, [c.id for c in cases], cast.colleague)
    assert {c.id for c in done} == {c.id for c in cases}
    assert all(c.assigned_to_id == cast.colleague.id for c in cases)
    assert all(event_count(c, "assigned") == 1 for c in cases)


def test_bulk_assign_is_all_or_nothing(app, cast):
    mine = [make_case(cast.officer) for _ in range(2)]
    theirs = gravesham_case(cast)
    ids = [mine[0].id, theirs.id, mine[1].id]
    before = [snapshot(c) for c in (*mine, theirs)]
    with pytest.raises(services.NotAllowed):  # a case of another borough stops the lot
        services.bulk_assign(cast.manager, ids, cast.colleague)
    assert_clean()
    with pytest.raises(services.CaseError) as raised:  # a Dartford officer cannot take the Gravesham case
        services.bulk_assign(cast.partnership_manager, ids, cast.colleague)
    assert raised.value.field == "officer"
    assert_clean()
    db.session.commit()  # nothing half-done may ride along on a later commit
    assert [snapshot(c) for c in (*mine, theirs)] == before


def test_bulk_assign_needs_a_manager_and_real_cases(app, cast):
    case = make_case(cast.officer)
    with pytest.raises(services.NotAllowed):
        services.bulk_assign(cast.officer, [case.id], cast.officer)
    for ids in ([], [999_999], [case.id, 999_999]):
        with pytest.raises(services.CaseError) as raised:
            services.bulk_assign(cast.manager, ids, cast.officer)
        assert raised.value.field == "case_ids"
    assert case.assigned_to_id is None


# ---- clearance ---------------------------------------------------------------------------------


def test_recording_clearance_keeps_the_cost_and_history(app, cast):
    case = make_case(cast.officer)
    incident = case.incidents[0]
    cleared_on = date.today() - timedelta(days=1)
    details = services.record_clearance(
        cast.officer, incident, cleared_on, "contractor", Decimal("95.50"), case.version
    )
    assert (details.cleared_on, details.cleared_by, details.clearance_cost) == (
        cleared_on,
        "contractor",
        Decimal("95.50"),
    )
    assert details.is_cleared and case.version == 2
    event = last_event(case, "clearance_recorded")
    assert event_count(case, "clearance_recorded") == 1 and event.actor_id == cast.officer.id
    assert event.before == {"cleared_on": None, "cleared_by": None, "cost": None}
    assert event.after == {"cleared_on": cleared_on.isoformat(), "cleared_by": "contractor", "cost": "95.50"}


def test_clearance_cost_defaults_from_the_council_table(app, cast):
    case = make_case(cast.officer)  # logged before any cost was set: no cost yet
    db.session.add(ClearanceCost(size="small_van", cost=Decimal("210.00")))
    db.session.commit()
    details = services.record_clearance(
        cast.officer, case.incidents[0], date.today(), "council", None, case.version
    )
    assert details.clearance_cost == Decimal("210.00")
    assert services.default_clearance_cost("small_van") == Decimal("210.00")
    assert services.default_clearance_cost("single_bag") is None


@pytest.mark.parametrize(
    ("cleared_on", "cleared_by", "cost", "field"),
    [
        (date.today() + timedelta(days=2), "council", None, "cleared_on"),
        (date.today(), "the neighbours", None, "cleared_by"),
        (date.today(), "", None, "cleared_by"),
        (date.today(), "council", Decimal("-0.01"), "cost"),
    ],
)
def test_bad_clearance_is_refused_and_changes_nothing(app, cast, cleared_on, cleared_by, cost, field):
    case = make_case(cast.officer)
    before = snapshot(case)
    with pytest.raises(services.CaseError) as raised:
        services.record_clearance(cast.officer, case.incidents[0], cleared_on, cleared_by, cost, case.version)
    assert raised.value.field == field
    assert_clean()
    assert snapshot(case) == before


def test_clearance_needs_a_flytip_and_a_user_who_may_work_the_case(app, cast):
    graffiti = make_case(cast.officer, code="graffiti")
    with pytest.raises(services.CaseError, match="no flytipping details"):
        services.record_clearance(
            cast.officer, graffiti.incidents[0], date.today(), "council", None, graffiti.version
        )
    flytip = make_case(cast.officer)
    for who in (cast.other_officer, cast.partner, cast.admin):
        with pytest.raises(services.NotAllowed):
            services.record_clearance(who, flytip.incidents[0], date.today(), "council", None, flytip.version)
    assert not flytip.incidents[0].flytip.is_cleared


def test_today_means_today_in_london(app, cast, monkeypatch):
    """Just after midnight in summer it is already tomorrow in London but still today in UTC."""
    case = make_case(cast.officer)
    late_evening_utc = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 June in London
    monkeypatch.setattr(services, "utcnow", lambda: late_evening_utc)
    details = services.record_clearance(
        cast.officer, case.incidents[0], date(2026, 6, 2), "council", None, case.version
    )
    assert details.cleared_on == date(2026, 6, 2)
    with pytest.raises(services.CaseError, match="today or in the past"):
        services.record_clearance(
            cast.officer, case.incidents[0], date(2026, 6, 3), "council", None, case.version
        )


# ---- notes -------------------------------------------------------------------------------------


def test_notes_are_added_with_history(app, cast):
    case = make_case(cast.officer)
    note = services.add_note(cast.colleague, case, "  Spoke to the landowner.  ")
    restricted = services.add_note(cast.manager, case, "Suspect known to police", restricted=True)
    assert (
        note.body == "Spoke to the landowner." and not note.restricted and note.author_id == cast.colleague.id
    )
    assert restricted.restricted and last_event(case, "note_added").summary == "Restricted note added"
    assert count(Note) == 2


@pytest.mark.parametrize(
    ("body", "message"), [("", "Enter the note"), (" \n\t", "Enter the note"), ("x" * 10_001, "10,000")]
)
def test_empty_or_huge_notes_are_refused(app, cast, body, message):
    case = make_case(cast.officer)
    with pytest.raises(services.CaseError, match=message) as raised:
        services.add_note(cast.officer, case, body)
    assert raised.value.field == "body"
    assert_clean()
    assert count(Note) == 0


@pytest.mark.parametrize("who", ["other_officer", "other_manager", "partner", "admin"])
def test_users_out_of_scope_cannot_add_notes_people_or_evidence(app, cast, who, png):
    case = make_case(cast.officer)
    user = getattr(cast, who)
    before = snapshot(case)
    with pytest.raises(services.NotAllowed):
        services.add_note(user, case, "Hello")
    with pytest.raises(services.NotAllowed):
        services.add_party(user, case, "witness", new=services.PersonInput(first_name="Wit"))
    with pytest.raises(services.NotAllowed):
        services.add_evidence(user, case, png)
    assert_clean()
    assert snapshot(case) == before and count(Note) == 0 and count(Person) == 0 and count(Evidence) == 0
    assert services.find_case_for(user, case.reference) is None
    assert services.find_case_for(cast.officer, case.reference.lower()) is case


# ---- people ------------------------------------------------------------------------------------


def test_a_person_is_added_and_can_be_linked_to_another_case(app, cast):
    first, second = make_case(cast.officer), make_case(cast.officer, code="noise")
    party = services.add_party(
        cast.officer,
        first,
        "subject",
        new=services.PersonInput(first_name=" Sam ", last_name="Tipper", vulnerabilities=["age", "age"]),
    )
    person = party.person
    assert person.full_name == "Sam Tipper" and person.vulnerabilities == ["age"]
    services.add_party(cast.officer, second, "subject", person=person)
    services.add_party(cast.officer, first, "witness", person=person)  # another part on the same case
    db.session.refresh(person)
    assert sorted((p.case_id, p.role) for p in person.parts) == sorted(
        [(first.id, "subject"), (second.id, "subject"), (first.id, "witness")]
    )
    assert count(Person) == 1 and event_count(first, "party_added") == 2


def test_bad_people_are_refused_and_nothing_is_left_half_saved(app, cast):
    case = make_case(cast.officer)
    with pytest.raises(services.CaseError) as raised:
        services.add_party(cast.officer, case, "witness", new=services.PersonInput(first_name="  "))
    assert raised.value.field == "first_name"
    with pytest.raises(services.CaseError) as raised:
        services.add_party(cast.officer, case, "witness")
    assert raised.value.field == "first_name"
    with pytest.raises(services.CaseError) as raised:
        services.add_party(cast.officer, case, "ringleader", new=services.PersonInput(first_name="Ann"))
    assert raised.value.field == "role"
    assert_clean()
    db.session.commit()
    assert count(Person) == 0 and count(CaseParty) == 0
    party = services.add_party(
        cast.officer, case, "witness", new=services.PersonInput(email="w@example.test")
    )
    with pytest.raises(services.CaseError, match="already on this case"):
        services.add_party(cast.officer, case, "witness", person=party.person)
    assert_clean()
    assert count(CaseParty) == 1


# ---- evidence ----------------------------------------------------------------------------------


@pytest.fixture
def png(app):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    buffer.seek(0)
    return check_upload(buffer, "../../etc/tip photo.png")


def test_evidence_is_stored_under_a_generated_name_with_history(app, cast, png):
    case = make_case(cast.officer)
    services.add_evidence(cast.officer, case, png, description="Bags by the kerb", internal=True)
    evidence = db.session.scalar(select(Evidence))
    assert evidence.original_name == "tip photo.png" and evidence.content_type == "image/png"
    assert evidence.stored_name.endswith(".png") and "tip" not in evidence.stored_name
    assert path_of(evidence.stored_name).read_bytes() == png.data
    assert (
        evidence.internal
        and evidence.size_bytes == len(png.data)
        and evidence.uploaded_by_id == cast.officer.id
    )
    assert (
        event_count(case, "evidence_added") == 1
        and "tip photo.png" in last_event(case, "evidence_added").summary
    )


def test_evidence_of_a_refused_upload_leaves_no_file(app, cast, png, tmp_path):
    case = make_case(cast.officer)
    folder = path_of("x").parent
    before = set(folder.iterdir()) if folder.exists() else set()
    with pytest.raises(services.NotAllowed):
        services.add_evidence(cast.other_officer, case, png)
    after = set(folder.iterdir()) if folder.exists() else set()
    assert after == before


# ---- clearance costs (admins) ------------------------------------------------------------------


def test_clearance_costs_are_set_by_administrators_all_or_nothing(app, cast):
    services.set_clearance_costs(cast.admin, {"single_bag": Decimal("20"), "small_van": Decimal("150")})
    services.set_clearance_costs(cast.admin, {"small_van": Decimal("175")})
    assert services.default_clearance_cost("single_bag") == Decimal("20.00")
    assert services.default_clearance_cost("small_van") == Decimal("175.00")
    with pytest.raises(services.NotAllowed):
        services.set_clearance_costs(cast.manager, {"single_bag": Decimal("1")})
    for bad in (
        {"single_bag": Decimal("1"), "small_van": Decimal("-1")},
        {"single_bag": Decimal("1"), "lorry": Decimal("1")},
    ):
        with pytest.raises(services.CaseError):
            services.set_clearance_costs(cast.admin, bad)
        assert_clean()
    assert services.default_clearance_cost("single_bag") == Decimal("20.00")
