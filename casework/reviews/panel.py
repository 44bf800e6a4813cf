"""The case page's "ASB Case Review" section: the prompt to tell a victim who has reported twice in six
months, when and by whom they were told, and this case's applications."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from casework.auth.models import User
from casework.cases.models import Case, CaseEvent
from casework.cases.panels import CasePanel, case_panel
from casework.cases.party_models import Person
from casework.cases.scope import can_work
from casework.db_types import utcnow
from casework.extensions import db
from casework.reviews import services
from casework.reviews.models import CaseReviewApplication

ANCHOR = "case-review"


@dataclass(frozen=True)
class VictimPrompt:
    """One complainant of the case: their recent reports and whether they were told."""

    person: Person
    reports: int
    due: bool  # reached the number of reports that obliges us to tell them
    told: CaseEvent | None
    applied: bool  # an application names them as the victim: they know


def _told_events(case: Case) -> dict[int, CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == services.TOLD_EVENT)
    found: dict[int, CaseEvent] = {}
    for event in db.session.scalars(query.order_by(CaseEvent.at, CaseEvent.id)):
        person_id = (event.after or {}).get("person_id")
        if isinstance(person_id, int):
            found.setdefault(person_id, event)
    return found


def victim_prompts(case: Case, now: datetime, applicants: Collection[int] = ()) -> list[VictimPrompt]:
    """For each complainant: reports (incidents on any case where they complain) in the window."""
    since = services.prompt_window_start(now)
    needed = int(current_app.config.get("CASE_REVIEW_PROMPT_REPORTS", 2))
    told = _told_events(case)
    prompts = []
    for person in services.complainants(case):
        count = services.reports_since(person.id, since)
        prompts.append(
            VictimPrompt(person, count, count >= needed, told.get(person.id), person.id in applicants)
        )
    return prompts


@case_panel(20)
def case_review_panel(case: Case, user: User) -> CasePanel | None:
    """Shown on ASB cases to staff who may work the case."""
    if case.case_type is None or case.case_type.group != "asb" or not can_work(user, case):
        return None
    applications = db.session.scalars(
        select(CaseReviewApplication)
        .where(CaseReviewApplication.case_id == case.id)
        .order_by(CaseReviewApplication.received_on.desc())
    ).all()
    context = {
        "anchor": ANCHOR,
        "case": case,
        "prompts": victim_prompts(case, utcnow(), {a.victim_person_id for a in applications}),
        "applications": applications,
        "under_way": any(a.status in services.ACTIVE for a in applications),
        "status_labels": services.STATUS_LABELS,
        "window_months": services.rules().window_months,
    }
    return CasePanel("reviews/_case_panel.html", "ASB Case Review", ANCHOR, context)
