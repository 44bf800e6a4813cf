"""Risk assessments: the only code that writes them and sets a case's risk.

`assess` checks who may assess, scores the answers on the current questionnaire, writes the
assessment, sets `case.risk` to its level with an entry in the case history, and then does what the
level sets off, all in one transaction:

- every level: the previous reassessment deadline is met and a new one starts, timed by the
  `risk_reassessment` service level of the new level (high 10, medium 20, standard 40 working days);
- becoming high: the first-contact clock starts, open deadlines that a high-risk service level now
  times (a review every 5 working days instead of 10) are brought forward, and the case is referred
  to the Community Safety Multi-Agency Panel (setting RISK_PANEL_CODE, default "csmap") unless it
  already has a live referral there.

The referral does not move the case to "Referred to panel": that transition is a manager's
decision, and the officer who assessed the victim keeps working the case (on to enforcement). The
panel gets the referral, its members are e-mailed and its panel-review clock runs until it decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from casework.auth.models import User
from casework.cases.models import Case
from casework.cases.party_models import Person
from casework.cases.scope import can_work
from casework.cases.services import StaleCase, record_event, set_risk
from casework.db_types import utcnow
from casework.deadlines import policies
from casework.deadlines import services as deadlines
from casework.deadlines.models import Deadline
from casework.extensions import db
from casework.formatting import date_uk
from casework.risk import questionnaire as matrix
from casework.risk.models import RiskAssessment

TEXT_LIMIT = 5000
VICTIM_ROLE = "complainant"  # PARTY_ROLES: "Complainant or victim"
DEFAULT_PANEL = "csmap"


class RiskError(ValueError):
    """An assessment that cannot be saved, with a message for the page and the field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(RiskError):
    """The user may not assess this case."""


@dataclass
class AssessmentInput:
    """An assessment as the officer gave it. `level` empty means the level the answers score."""

    person_id: int | None
    answers: dict[str, str] = field(default_factory=dict)
    judgement: str = ""
    level: str | None = None
    level_reason: str = ""


# ---- reading -----------------------------------------------------------------------------------


def is_asb(case: Case) -> bool:
    """True for the cases a victim risk assessment is for (case types of the ASB group)."""
    return case.case_type is not None and case.case_type.group == "asb"


def may_assess(user: User, case: Case) -> bool:
    """True when `user` may assess the victims of `case` (staff who may work it; open ASB cases)."""
    return is_asb(case) and case.is_open and can_work(user, case)


def victims(case: Case) -> list[Person]:
    """The people on the case as complainant or victim, in the order they were added."""
    parts = sorted((p for p in case.parties if p.role == VICTIM_ROLE), key=lambda p: (p.added_at, p.id or 0))
    return [part.person for part in parts]


def panel_code() -> str:
    """The panel a high-risk case is referred to."""
    return current_app.config.get("RISK_PANEL_CODE", DEFAULT_PANEL)


# ---- assessing ---------------------------------------------------------------------------------


def assess(actor: User, case: Case, data: AssessmentInput, now: datetime | None = None) -> RiskAssessment:
    """Assess a victim's risk on the case, set the case's risk and what the level sets off; commit.

    Raises NotAllowed for someone who may not work the case or a case that is not an open ASB case,
    and RiskError for a missing victim, answer, judgement or reason (nothing is saved then).
    """
    now = now or utcnow()
    _check_case(actor, case)
    person = _victim(case, data.person_id)
    questionnaire = matrix.current()
    try:
        scored = matrix.score(questionnaire, data.answers)
    except matrix.Unanswered as missing:
        question = questionnaire.question(missing.codes[0])
        raise RiskError(f"Answer the question: {question.text}", missing.codes[0]) from None
    level, reason = _level(scored, data)
    judgement = _text(data.judgement, "your professional judgement", "judgement")
    before = case.risk
    assessment = RiskAssessment(
        case=case,
        person=person,
        questionnaire_version=questionnaire.version,
        answers={q.code: data.answers[q.code] for q in questionnaire.questions},
        section_scores=scored.sections,
        total_score=scored.total,
        computed_level=scored.level,
        level=level,
        level_reason=reason,
        judgement=judgement,
        previous_level=before,
        assessed_by=actor,
        assessed_at=now,
    )
    try:
        with db.session.no_autoflush:
            db.session.add(assessment)
            set_risk(case, level, now)
            _record(actor, case, assessment, questionnaire, before, now)
            _set_off(actor, case, assessment, before, now)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleCase() from None
    return assessment


def _check_case(actor: User, case: Case) -> None:
    if not can_work(actor, case):
        raise NotAllowed("You cannot change this case")
    if not is_asb(case):
        raise NotAllowed("Only anti-social behaviour cases have a victim risk assessment")
    if not case.is_open:
        raise NotAllowed("This case is closed: reopen it to reassess the victim")


def _victim(case: Case, person_id: int | None) -> Person:
    found = victims(case)
    if not found:
        raise RiskError("Add the victim to the case (as complainant or victim) before assessing their risk")
    person = next((p for p in found if p.id == person_id), None)
    if person is None:
        raise RiskError("Select the victim you are assessing", "person_id")
    return person


def _text(value: str, what: str, field_name: str, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    if required and not value:
        raise RiskError(f"Enter {what}", field_name)
    if len(value) > TEXT_LIMIT:
        raise RiskError(f"{what[0].upper()}{what[1:]} must be {TEXT_LIMIT:,} characters or fewer", field_name)
    return value


def _level(scored: matrix.Score, data: AssessmentInput) -> tuple[str, str]:
    """The level to set and the reason when it differs from the scored one (raising or lowering)."""
    level = data.level or scored.level
    if level not in matrix.LEVEL_RANK:
        raise RiskError("Select the risk level", "level")
    if level == scored.level:
        return level, ""
    direction = "raising" if matrix.LEVEL_RANK[level] > matrix.LEVEL_RANK[scored.level] else "lowering"
    what = f"the reason for {direction} the level from {matrix.level_label(scored.level).lower()}"
    return level, _text(data.level_reason, what, "level_reason")


def _record(
    actor: User, case: Case, assessment: RiskAssessment, questionnaire, before: str | None, now: datetime
) -> None:
    label = matrix.level_label
    summary = (
        f"Victim risk assessed: {label(assessment.level)} "
        f"(score {assessment.total_score} of {questionnaire.max_total})"
    )
    if assessment.overridden:
        summary += (
            f", set by professional judgement (scored {label(assessment.computed_level).lower()})."
            f" Reason: {assessment.level_reason}"
        )
    if before != assessment.level:
        summary += f". Case risk now {label(assessment.level).lower()} (was {label(before).lower()})"
    event = record_event(
        case,
        actor,
        "risk_assessed",
        summary,
        before={"risk": before},
        after={
            "risk": assessment.level,
            "computed": assessment.computed_level,
            "score": assessment.total_score,
            "version": assessment.questionnaire_version,
        },
    )
    event.at = now


def _set_off(actor: User, case: Case, assessment: RiskAssessment, before: str | None, now: datetime) -> None:
    """What the new level sets off: the reassessment clock, and for a case becoming high the rest."""
    deadlines.meet(case, "risk_reassessment", now, note="victim reassessed")
    deadlines.start_clock(case, "risk_reassessment", now, actor)
    if assessment.level != "high" or before == "high":
        return
    deadlines.start_clock(case, "first_contact", now, actor)
    bring_forward(case, now)
    _refer(case, assessment, now)


# ---- deadlines a higher risk shortens ----------------------------------------------------------


def bring_forward(case: Case, now: datetime) -> list[Deadline]:
    """Bring forward the case's open deadlines that a service level for its new risk now times."""
    reason = f"for a {matrix.level_label(case.risk).lower()}-risk victim"
    return deadlines.bring_forward_for_risk(case, now, reason)


# ---- the panel referral ------------------------------------------------------------------------


def _refer(case: Case, assessment: RiskAssessment, now: datetime) -> None:
    from casework.partners.services import live_referral_to, refer_as_system

    code = panel_code()
    name = policies.panel_name(code)
    if live_referral_to(case, code) is not None:
        summary = f"High-risk victim: the case is already referred to the {name}"
        deadlines.history(case, "risk_panel", summary, now, panel=code)
        return
    reason = (
        f"High-risk ASB victim: the risk assessment of {date_uk(now)} scored {assessment.total_score} "
        f"({matrix.level_label(assessment.computed_level).lower()})"
        + (", raised to high by professional judgement." if assessment.overridden else ".")
    )
    # The case stays where it is (see the module docstring): the officer carries on with it.
    if refer_as_system(case, code, reason, now, moves_case=False) is None:
        summary = f"High-risk victim: refer the case to the {name} (the panel is not set up)"
        deadlines.history(case, "risk_panel", summary, now, panel=code)


# ---- first contact -----------------------------------------------------------------------------


def record_first_contact(actor: User, case: Case, now: datetime | None = None) -> list[Deadline]:
    """Record that the officer has spoken to the high-risk victim: the first-contact deadline is met."""
    now = now or utcnow()
    if not can_work(actor, case):
        raise NotAllowed("You cannot change this case")
    try:
        with db.session.no_autoflush:
            rows = deadlines.meet(case, "first_contact", now, note=f"contact made by {actor.name}")
            if not rows:
                raise RiskError("There is no first contact to record on this case")
            event = record_event(case, actor, "victim_contacted", "First contact made with the victim")
            event.at = now
            case.updated_at = now
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleCase() from None
    return rows
