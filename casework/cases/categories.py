"""National categories (Defra Flycapture / WasteDataFlow) and the fixed lists of the case file.

These follow the national return, so they are code; what each council changes (case types, CSP
priorities, clearance costs) is data in the database.
"""

from __future__ import annotations

# Flycapture sizes, in the return's order: (code, label)
FLYTIP_SIZES: tuple[tuple[str, str], ...] = (
    ("single_bag", "Single black bag"),
    ("single_item", "Single item"),
    ("car_boot", "Car boot or less"),
    ("small_van", "Small van load"),
    ("transit_van", "Transit van load"),
    ("tipper_lorry", "Tipper lorry load"),
    ("significant", "Significant / multi loads"),
)

LAND_TYPES: tuple[tuple[str, str], ...] = (
    ("highway", "Highway"),
    ("footpath", "Footpath / bridleway"),
    ("back_alley", "Back alleyway"),
    ("railway", "Railway"),
    ("council_land", "Council land"),
    ("agricultural", "Agricultural"),
    ("private_residential", "Private / residential"),
    ("commercial", "Commercial / industrial"),
    ("watercourse", "Watercourse / bank"),
    ("other", "Other (unidentified)"),
)

WASTE_TYPES: tuple[tuple[str, str], ...] = (
    ("animal_carcass", "Animal carcass"),
    ("green", "Green"),
    ("vehicle_parts", "Vehicle parts"),
    ("white_goods", "White goods"),
    ("other_electrical", "Other electrical"),
    ("tyres", "Tyres"),
    ("asbestos", "Asbestos"),
    ("clinical", "Clinical"),
    ("construction", "Construction / demolition / excavation"),
    ("bags_commercial", "Black bags - commercial"),
    ("bags_household", "Black bags - household"),
    ("chemical", "Chemical drums, oil, fuel"),
    ("other_household", "Other household waste"),
    ("other_commercial", "Other commercial waste"),
    ("other", "Other (unidentified)"),
)

CLEARED_BY: tuple[tuple[str, str], ...] = (
    ("council", "Council"),
    ("contractor", "Contractor"),
    ("landowner", "Landowner"),
)

REPORT_CHANNELS: tuple[tuple[str, str], ...] = (
    ("phone", "Phone"),
    ("web_form", "Web form"),
    ("email", "Email"),
    ("in_person", "In person"),
    ("officer_observed", "Observed by an officer"),
    ("partner", "Partner agency"),
    ("fixmystreet", "FixMyStreet"),
)

PARTY_ROLES: tuple[tuple[str, str], ...] = (
    ("complainant", "Complainant or victim"),
    ("witness", "Witness"),
    ("subject", "Subject or suspect"),
    ("waste_carrier", "Waste carrier"),
    ("landowner", "Landowner"),
)

VULNERABILITIES: tuple[tuple[str, str], ...] = (
    ("age", "Elderly or a child"),
    ("disability", "Physical disability"),
    ("mental_health", "Mental health"),
    ("learning_disability", "Learning disability"),
    ("isolation", "Lives alone or isolated"),
    ("repeat_victim", "Repeat victim"),
    ("language", "Needs an interpreter"),
    ("other", "Other vulnerability"),
)

# The case types a new installation starts with (the first migration holds its own frozen copy);
# councils add, rename or retire types as data afterwards. (code, name, group)
DEFAULT_CASE_TYPES: tuple[tuple[str, str, str], ...] = (
    ("flytipping", "Flytipping", "flytipping"),
    ("littering", "Littering", "environmental"),
    ("graffiti", "Graffiti", "environmental"),
    ("fly_posting", "Fly-posting", "environmental"),
    ("abandoned_vehicle", "Abandoned vehicle", "environmental"),
    ("dog_fouling", "Dog fouling", "environmental"),
    ("noise", "Noise", "environmental"),
    ("asb_personal", "ASB: personal", "asb"),
    ("asb_nuisance", "ASB: nuisance", "asb"),
    ("asb_environmental", "ASB: environmental", "asb"),
)

# Case type groups, for the list of case types held as data.
TYPE_GROUPS: tuple[tuple[str, str], ...] = (
    ("flytipping", "Flytipping"),
    ("environmental", "Other environmental crime"),
    ("asb", "Anti-social behaviour"),
)


def label(pairs: tuple[tuple[str, str], ...], code: str | None) -> str:
    """The label of a code in one of the lists above ('' for none)."""
    return dict(pairs).get(code or "", code or "")
