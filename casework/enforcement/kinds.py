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
