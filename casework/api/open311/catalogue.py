"""The services offered over Open311: the council's active case types, and the attributes of each.

Case types are data (the council keeps the list), so the services follow them; the attributes are the
Flycapture questions a member of the public can answer, taken from the national lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from casework.cases.categories import FLYTIP_SIZES, LAND_TYPES, TYPE_GROUPS, WASTE_TYPES, label
from casework.cases.models import CaseType
from casework.extensions import db

# Words people search for, by case type code; types a council adds later simply have none.
KEYWORDS: dict[str, str] = {
    "flytipping": "fly tipping, dumped rubbish, dumping, waste, bags, mattress, sofa",
    "littering": "litter, rubbish, cigarette ends",
    "graffiti": "graffiti, tag, vandalism, paint",
    "fly_posting": "fly posting, posters, stickers, flyers",
    "abandoned_vehicle": "abandoned car, vehicle, untaxed, dumped car",
    "dog_fouling": "dog mess, dog poo, fouling",
    "noise": "noise, loud music, party, barking",
    "asb_personal": "harassment, intimidation, threats, anti-social behaviour",
    "asb_nuisance": "nuisance, gangs, drinking, drugs, anti-social behaviour",
    "asb_environmental": "vandalism, damage, anti-social behaviour",
}
DESCRIPTIONS: dict[str, str] = {
    "flytipping": "Rubbish or waste dumped on land or the highway.",
    "asb_personal": "Behaviour aimed at you or your family.",
    "asb_nuisance": "Behaviour that causes trouble or annoyance to the community.",
    "asb_environmental": "Behaviour that harms the surroundings, such as vandalism.",
}


@dataclass(frozen=True)
class Attribute:
    """An Open311 attribute: a question with a fixed list of answers."""

    code: str
    datatype: str  # singlevaluelist or multivaluelist
    required: bool
    order: int
    description: str
    datatype_description: str
    values: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.values)

    @property
    def multiple(self) -> bool:
        return self.datatype == "multivaluelist"


FLYTIP_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        "size", "singlevaluelist", True, 1, "How much has been dumped?", "Choose one size.", FLYTIP_SIZES
    ),
    Attribute(
        "waste",
        "multivaluelist",
        True,
        2,
        "What kind of waste is it?",
        "Choose one or more types of waste.",
        WASTE_TYPES,
    ),
    Attribute(
        "land_type",
        "singlevaluelist",
        False,
        3,
        "Where is it?",
        "Choose one, if you know; an officer checks it.",
        LAND_TYPES,
    ),
)
LAND_TYPE_UNKNOWN = "other"  # "Other (unidentified)" until an officer checks the site


def attributes_for(case_type: CaseType) -> tuple[Attribute, ...]:
    """The attributes asked for a case type (flytipping types have the Flycapture questions)."""
    return FLYTIP_ATTRIBUTES if case_type.is_flytipping else ()


def active_services() -> list[CaseType]:
    """The case types offered as services, in the council's order."""
    query = select(CaseType).where(CaseType.active.is_(True)).order_by(CaseType.sort_order, CaseType.name)
    return list(db.session.scalars(query))


def service_by_code(code: str) -> CaseType | None:
    """An active case type by its code, or None."""
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(CaseType).where(CaseType.code == code, CaseType.active.is_(True)))


def group_label(case_type: CaseType) -> str:
    return label(TYPE_GROUPS, case_type.group)


def service_entry(case_type: CaseType) -> dict:
    """One service as GeoReport v2 lists it."""
    return {
        "service_code": case_type.code,
        "service_name": case_type.name,
        "description": DESCRIPTIONS.get(case_type.code, f"Report {case_type.name.lower()}."),
        "metadata": bool(attributes_for(case_type)),
        "type": "realtime",
        "keywords": KEYWORDS.get(case_type.code, ""),
        "group": group_label(case_type),
    }


def definition_entry(case_type: CaseType) -> dict:
    """A service definition: its attributes, in order."""
    return {
        "service_code": case_type.code,
        "attributes": [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description,
                "order": attribute.order,
                "description": attribute.description,
                "values": [{"key": key, "name": name} for key, name in attribute.values],
            }
            for attribute in attributes_for(case_type)
        ],
    }
