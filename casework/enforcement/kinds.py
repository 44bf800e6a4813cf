"""The kinds of enforcement action, in the usual order of the ladder, as data.

`flycapture` names the Defra Flycapture enforcement category an action counts under (None: not
returned to Defra); `ladder` is the step's place in the usual escalation order (None: outside the
ladder, such as an investigation or a stop and search). The order is advice, not a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

# Defra Flycapture enforcement categories (DOMAIN.md), in the return's order.
FLYCAPTURE_ACTIONS: tuple[tuple[str, str], ...] = (
    ("investigation", "Investigation"),
    ("warning_letter", "Warning letter"),
    ("statutory_notice", "Statutory notice"),
    ("fixed_penalty_notice", "Fixed penalty notice"),
    ("duty_of_care_inspection", "Duty of care inspection"),
    ("stop_and_search", "Stop and search"),
    ("vehicle_seized", "Vehicle seized"),
    ("formal_caution", "Formal caution"),
    ("injunction", "Injunction"),
    ("prosecution", "Prosecution"),
)


@dataclass(frozen=True)
class ActionKind:
    """One kind of enforcement action."""

    code: str
    label: str
    flycapture: str | None
    ladder: int | None = None


ACTION_KINDS: tuple[ActionKind, ...] = (
    ActionKind("investigation", "Investigation", "investigation"),
    ActionKind("warning_letter", "Warning letter", "warning_letter", 1),
    ActionKind("abc", "Acceptable Behaviour Contract", None, 2),
    ActionKind("cpw", "Community Protection Warning", None, 3),
    ActionKind("cpn", "Community Protection Notice", None, 4),
    ActionKind("fpn", "Fixed penalty notice", "fixed_penalty_notice", 5),
    ActionKind("s34_notice", "Statutory notice: EPA s.34 duty of care", "statutory_notice"),
    ActionKind("s46_notice", "Statutory notice: EPA s.46 waste receptacles", "statutory_notice"),
    ActionKind("s71_notice", "Statutory notice: EPA s.71 information", "statutory_notice"),
    ActionKind("duty_of_care_inspection", "Duty of care inspection", "duty_of_care_inspection"),
    ActionKind("stop_and_search", "Stop and search", "stop_and_search"),
    ActionKind("vehicle_seized", "Vehicle seized", "vehicle_seized"),
    ActionKind("formal_caution", "Formal caution", "formal_caution", 6),
    ActionKind("injunction", "Injunction", "injunction", 7),
    ActionKind("closure", "Closure notice or order", None, 8),
    ActionKind("prosecution", "Prosecution", "prosecution", 9),
)
KIND_BY_CODE: dict[str, ActionKind] = {kind.code: kind for kind in ACTION_KINDS}

# Prosecution outcomes; "proved" ones may be published (casework/enforcement, public /prosecutions).
PROSECUTION_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("guilty_plea", "Guilty plea"),
    ("convicted", "Convicted after trial"),
    ("not_guilty", "Not guilty"),
    ("withdrawn", "Withdrawn"),
    ("adjourned", "Adjourned"),
)
PROVED_OUTCOMES = frozenset({"guilty_plea", "convicted"})

# ---- added by the enforcement area ---------------------------------------------------------------

# Offences an FPN, a caution or a prosecution is for. The FPN ones carry the legal maximum and the
# council's own amounts in configuration (FPN_MAXIMUMS, FPN_AMOUNTS), keyed by these codes.
OFFENCES: tuple[tuple[str, str], ...] = (
    ("flytipping", "Flytipping (EPA 1990 s.33)"),
    ("household_duty_of_care", "Household waste duty of care (EPA 1990 s.34(2A))"),
    ("littering", "Littering (EPA 1990 s.87)"),
    ("cpn_breach", "Breach of a Community Protection Notice (ASBCPA 2014 s.48)"),
    ("business_duty_of_care", "Business waste duty of care (EPA 1990 s.34)"),
    ("waste_receptacles", "Failing to comply with a waste receptacles notice (EPA 1990 s.46)"),
    ("unregistered_carrier", "Carrying waste without registration (COPA 1989 s.1)"),
    ("other", "Other offence"),
)
# Offences in plain words, for the public prosecutions page.
OFFENCE_PLAIN: dict[str, str] = {
    "flytipping": "Flytipping",
    "household_duty_of_care": "Giving household waste to an unlicensed carrier",
    "littering": "Littering",
    "cpn_breach": "Breaching a Community Protection Notice",
    "business_duty_of_care": "Failing in the duty of care for business waste",
    "waste_receptacles": "Failing to comply with a waste receptacles notice",
    "unregistered_carrier": "Carrying waste without a licence",
    "other": "Environmental offence",
}

STATUSES: tuple[tuple[str, str, str], ...] = (  # code, label, GOV.UK tag colour class
    ("issued", "Issued", "govuk-tag--blue"),
    ("complied", "Complied", "govuk-tag--green"),
    ("breached", "Breached", "govuk-tag--red"),
    ("paid", "Paid", "govuk-tag--green"),
    ("unpaid", "Unpaid", "govuk-tag--red"),
    ("concluded", "Concluded", "govuk-tag--grey"),
    ("withdrawn", "Withdrawn", "govuk-tag--grey"),
)
STATUS_LABELS = {code: label for code, label, _ in STATUSES}
STATUS_CLASSES = {code: colour for code, _, colour in STATUSES}

# Kinds with a date by which the person must comply, checked on that date (compliance_check clock).
COMPLIANCE_KINDS = frozenset({"cpw", "cpn", "s34_notice", "s46_notice", "s71_notice"})
# The usual earlier step of a kind: when none is on the case (for the same person), the add page
# advises so, but the step is still allowed (the ladder is advice, not a rule).
USUAL_EARLIER_STEP: dict[str, tuple[str, str]] = {
    "abc": ("warning_letter", "an Acceptable Behaviour Contract normally follows a warning letter"),
    "cpw": ("warning_letter", "a CPW normally follows a warning letter"),
    "cpn": ("cpw", "a CPN normally follows a CPW"),
}

# Waste carrier registration (Environment Agency public register).
CARRIER_TIERS: tuple[tuple[str, str], ...] = (("upper", "Upper tier"), ("lower", "Lower tier"))
CARRIER_RESULTS: tuple[tuple[str, str], ...] = (
    ("registered", "Registered"),
    ("not_registered", "Not registered"),
    ("expired", "Registration expired"),
    ("not_found", "Not found on the register"),
)

# The steps the action page offers next (links to the add page with the person filled in).
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "warning_letter": ("abc", "cpw"),
    "abc": ("cpw",),
    "cpw": ("cpn",),
    "cpn": ("fpn", "prosecution"),
    "fpn": ("prosecution",),
    "s34_notice": ("fpn", "prosecution"),
    "s46_notice": ("fpn", "prosecution"),
    "s71_notice": ("prosecution",),
    "duty_of_care_inspection": ("s34_notice", "fpn"),
    "investigation": ("warning_letter", "fpn"),
    "formal_caution": ("prosecution",),
}


def in_sentence(code: str) -> str:
    """A kind's label for the middle of a sentence: names of orders keep their capitals."""
    label = KIND_BY_CODE[code].label
    return label if code in ("abc", "cpw", "cpn") else label[0].lower() + label[1:]
