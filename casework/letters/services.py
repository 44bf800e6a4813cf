"""The only writer of letter templates and produced letters.

A council's wording is data: every save keeps the previous versions, and a produced letter keeps
its own filled-in text (and its PDF as evidence on the case), so a letter already sent never
changes when the wording does.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.cases.scope import can_work
from casework.cases.services import CaseError, NotAllowed, record_event
from casework.db_types import utcnow
from casework.enforcement import kinds
from casework.enforcement.kinds import KIND_BY_CODE
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.formatting import LONDON, date_uk, money
from casework.letters import evidence as generated
from casework.letters.models import Letter, LetterTemplate, LetterTemplateVersion
from casework.letters.pdf import letter_pdf
from casework.letters.wording import (
    MAX_BODY,
    MAX_TITLE,
    WORDING_BY_CODE,
    WordingError,
    check_wording,
    fill,
    letters_for_kind,
    placeholders_in,
)

DEFAULT_COUNCIL_NAME = "{borough} Borough Council"
SHORT_KIND = {"warning_letter": "WL", "cpw": "CPW", "cpn": "CPN", "fpn": "FPN", "s34_notice": "S34"}
# Placeholders a letter can do without: the wording reads well when they are empty.
OPTIONAL = frozenset({"early_payment_offer"})
# What the officer must record before a letter needing the placeholder can be produced.
NEEDS = {
    "recipient_name": "the person the action is against",
    "recipient_address": "that person's address",
    "issued_on": "the date the action was issued",
    "compliance_date": "the compliance date",
    "conduct": "the conduct complained of",
    "requirements": "what the person must do or stop doing",
    "offence": "the offence",
    "amount": "the fixed penalty amount",
    "early_amount": "the early payment amount",
    "payment_due": "the date payment is due",
    "incident_address": "the address of the case's incident",
}
OFFENCE_LABELS = {
    "flytipping": "depositing controlled waste without a permit (Environmental Protection Act 1990, s.33)",
    "household_duty_of_care": (
        "failing in the household waste duty of care (Environmental Protection Act 1990, s.34(2A))"
    ),
    "littering": "leaving litter (Environmental Protection Act 1990, s.87)",
    "business_duty_of_care": (
        "failing in the duty of care for business waste (Environmental Protection Act 1990, s.34)"
    ),
    "waste_receptacles": (
        "failing to comply with a waste receptacles notice (Environmental Protection Act 1990, s.46)"
    ),
    "unregistered_carrier": (
        "carrying controlled waste without registration (Control of Pollution (Amendment) Act 1989, s.1)"
    ),
    "cpn_breach": (
        "failing to comply with a Community Protection Notice (Anti-social Behaviour, Crime and "
        "Policing Act 2014, s.48)"
    ),
}


class LetterError(CaseError):
    """A letter that cannot be produced, with a message for the page."""


# ---- wording -----------------------------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only an administrator can change the wording of letters")


def template_for(code: str) -> LetterTemplate:
    """The council's template for a letter code, created from the default wording when missing."""
    template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.code == code))
    if template is not None:
        return template
    default = WORDING_BY_CODE[code]
    now = utcnow()
    template = LetterTemplate(code=code, title=default.title, body=default.body, version=1, updated_at=now)
    template.versions.append(
        LetterTemplateVersion(version=1, title=default.title, body=default.body, saved_at=now)
    )
    db.session.add(template)
    db.session.flush()
    return template


def current_version(template: LetterTemplate) -> LetterTemplateVersion:
    """The saved version row of the template's current wording."""
    version = db.session.scalar(
        select(LetterTemplateVersion).where(
            LetterTemplateVersion.template_id == template.id,
            LetterTemplateVersion.version == template.version,
        )
    )
    assert version is not None  # every save writes its version row
    return version


def ensure_templates() -> list[LetterTemplate]:
    """Every letter's template (missing ones created from the default wording and committed)."""
    templates = [template_for(code) for code in WORDING_BY_CODE]
    if db.session.new:
        db.session.commit()
    return templates


def check_template(title: str, body: str) -> tuple[str, str]:
    """Checked, trimmed title and body; raises WordingError with the field concerned."""
    title, body = (title or "").strip(), (body or "").replace("\r\n", "\n").strip()
    if not title:
        raise WordingError("Enter the letter's title", "title")
    if len(title) > MAX_TITLE:
        raise WordingError(f"The title must be {MAX_TITLE} characters or fewer", "title")
    if not body:
        raise WordingError("Enter the wording of the letter", "body")
    if len(body) > MAX_BODY:
        raise WordingError(f"The wording must be {MAX_BODY:,} characters or fewer", "body")
    check_wording(title, "title")
    check_wording(body, "body")
    return title, body


def save_wording(
    actor: User, template: LetterTemplate, title: str, body: str, expected_version: int | None
) -> bool:
    """Save new wording as the template's next version; False when nothing changed.

    Raises WordingError for bad wording or when someone else saved a version since the form opened.
    """
    _require_admin(actor)
    title, body = check_template(title, body)
    if expected_version is not None and expected_version != template.version:
        raise WordingError(
            "Someone else saved this letter's wording since you opened it. Check their version below, "
            "then make your changes again",
            "body",
        )
    if title == template.title and body == template.body:
        return False
    now = utcnow()
    template.version += 1
    template.title, template.body, template.updated_by, template.updated_at = title, body, actor, now
    db.session.add(
        LetterTemplateVersion(
            template=template, version=template.version, title=title, body=body, saved_by=actor, saved_at=now
        )
    )
    db.session.commit()
    return True


def sample_values() -> dict[str, str]:
    """Made-up values to preview wording with."""
    return {
        "recipient_name": "Alex Example",
        "recipient_address": "1 Example Street\nDartford\nDA1 1AA",
        "council_name": council_name("Dartford"),
        "partnership_name": current_app.config["PARTNERSHIP_NAME"],
        "case_reference": "DAR-2026-00042",
        "notice_reference": "DAR-2026-00042-CPW7",
        "letter_date": date_uk(datetime.now(LONDON).date()),
        "officer_name": "Sam Officer",
        "issued_on": "2 March 2026",
        "compliance_date": "16 March 2026",
        "conduct": "Playing loud music late at night at 1 Example Street.",
        "requirements": (
            "Stop playing amplified music that can be heard outside your home between 11pm and 7am."
        ),
        "offence": OFFENCE_LABELS["flytipping"],
        "amount": "£400.00",
        "early_amount": "£200.00",
        "early_payment_offer": _early_offer(money(200)),
        "payment_due": "16 March 2026",
        "incident_address": "Land by 3 High Street, Dartford, DA1 1DR",
    }


# ---- producing letters -------------------------------------------------------------------------


def council_name(borough_name: str) -> str:
    """The council of a borough, as letters name it (LETTER_COUNCIL_NAME, '{borough}' filled in)."""
    pattern = current_app.config.get("LETTER_COUNCIL_NAME", DEFAULT_COUNCIL_NAME)
    return pattern.replace("{borough}", borough_name)


def _early_offer(amount: str) -> str:
    # The same period record_payment accepts the early amount in (enforcement.services.amount_owed).
    days = current_app.config["FPN_EARLY_PAYMENT_DAYS"]
    return (
        f"If you pay within {days} days of the date of this notice, you may pay the reduced amount of "
        f"{amount}."
    )


def notice_reference(action: EnforcementAction) -> str:
    """The reference printed on an action's letters, e.g. DAR-2026-00042-CPW7."""
    return f"{action.case.reference}-{SHORT_KIND.get(action.kind, 'EA')}{action.id}"


def address_lines(address: str, postcode: str | None) -> list[str]:
    """An address as separate lines (split at commas and line breaks), with its postcode last."""
    lines = [part.strip() for part in re.split(r"[,\n]", address or "") if part.strip()]
    if postcode and not any(
        postcode.replace(" ", "").upper() in line.replace(" ", "").upper() for line in lines
    ):
        lines.append(postcode)
    return lines


def _detail(action: EnforcementAction, name: str) -> str:
    value = (action.details or {}).get(name)
    if isinstance(value, str) and value.strip():
        return value.strip()
    # Else the first report's own description of the behaviour; officers' notes stay out of letters
    # (they may be internal). The default wording does not use it: check a letter that does.
    if name == "conduct":
        return next((i.description.strip() for i in action.case.incidents if i.description.strip()), "")
    return ""


def _offence(code: str | None) -> str:
    if not code:
        return ""
    return OFFENCE_LABELS.get(code) or dict(kinds.OFFENCES).get(code) or code.replace("_", " ")


def _incident_address(case: Case) -> str:
    for incident in case.incidents:
        lines = address_lines(incident.address, incident.postcode)
        if lines:
            return ", ".join(lines)
    return ""


def letter_values(actor: User, action: EnforcementAction, today: date) -> dict[str, str]:
    """Every placeholder's value for a letter about `action` produced by `actor` on `today`."""
    case, person = action.case, action.person
    lines = address_lines(person.address, person.postcode) if person else []
    early = money(action.early_amount) if action.early_amount is not None else ""
    return {
        "recipient_name": person.full_name.strip() if person else "",
        "recipient_address": "\n".join(lines),
        "council_name": council_name(case.borough.name),
        "partnership_name": current_app.config["PARTNERSHIP_NAME"],
        "case_reference": case.reference,
        "notice_reference": notice_reference(action),
        "letter_date": date_uk(today),
        "officer_name": actor.name,
        "issued_on": date_uk(action.issued_on),
        "compliance_date": date_uk(action.compliance_date),
        "conduct": _detail(action, "conduct"),
        "requirements": _detail(action, "requirements"),
        "offence": _offence(action.offence),
        "amount": money(action.amount),
        "early_amount": early,
        "early_payment_offer": _early_offer(early) if early else "",
        "payment_due": date_uk(action.payment_due),
        "incident_address": _incident_address(case),
    }


def missing_for(template: LetterTemplate, values: dict[str, str]) -> list[str]:
    """What must be recorded before this letter can be produced (empty when nothing)."""
    used = placeholders_in(template.title + "\n" + template.body)
    return [NEEDS.get(name, name) for name in used if name not in OPTIONAL and not values.get(name)]


def letter_codes_for(action: EnforcementAction) -> list[str]:
    """The codes of the letters this action can produce (none once it is withdrawn)."""
    if action.status == "withdrawn":
        return []
    return [item.code for item in letters_for_kind(action.kind)]


def _check_produce(actor: User, case: Case, action: EnforcementAction, code: str) -> None:
    if not can_work(actor, case):
        raise NotAllowed("You cannot produce letters for this case")
    if action.case_id != case.id:
        raise LetterError("That enforcement action is not on this case")
    if action.status == "withdrawn":
        raise LetterError("This action was withdrawn: no letter can be produced for it")
    if code not in letter_codes_for(action):
        kind = KIND_BY_CODE.get(action.kind)
        raise LetterError(f"A {kind.label if kind else action.kind} cannot produce that letter")


def _heading(values: dict[str, str], case: Case) -> dict[str, Any]:
    keys = ("council_name", "partnership_name", "recipient_name", "letter_date", "case_reference")
    heading: dict[str, Any] = {key: values[key] for key in keys}
    heading["notice_reference"] = values["notice_reference"]
    heading["recipient_address_lines"] = (
        values["recipient_address"].split("\n") if values["recipient_address"] else []
    )
    heading["officer_name"] = values["officer_name"]
    heading["borough"] = case.borough.name
    return heading


def produce_letter(
    actor: User, case: Case, action: EnforcementAction, code: str, now: datetime | None = None
) -> Letter:
    """Produce a letter for an enforcement action from the council's current wording.

    Saves its PDF as evidence on the case and the letter (who, when, which wording version, its
    frozen text) with a history event, in one transaction. Raises LetterError (with what to record
    first) or NotAllowed.
    """
    _check_produce(actor, case, action, code)
    now = now or utcnow()
    template = template_for(code)
    values = letter_values(actor, action, now.astimezone(LONDON).date())
    missing = missing_for(template, values)
    if missing:
        raise LetterError(
            f"Before producing the {template.title.lower()}, record {_and_list(missing)} on the action"
        )
    title, body, heading = fill(template.title, values), fill(template.body, values), _heading(values, case)
    pdf = letter_pdf(title, heading, body)
    file_name = f"{title} {values['notice_reference']}.pdf"
    evidence = generated.add_generated_pdf(
        actor, case, pdf, file_name, f"{title} for {values['recipient_name']}, produced by {actor.name}", now
    )
    stored_name = evidence.stored_name
    letter = Letter(
        case=case,
        action=action,
        code=code,
        template_version=current_version(template),
        title=title,
        heading=heading,
        body=body,
        evidence=evidence,
        generated_by=actor,
        generated_at=now,
    )
    db.session.add(letter)
    event = record_event(
        case,
        actor,
        "letter_produced",
        f"{title} produced for {values['recipient_name']} ({values['notice_reference']})",
        after={"letter": code, "action_id": action.id, "wording_version": template.version},
    )
    event.at = now
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        generated.discard_file(stored_name)
        raise
    return letter


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
