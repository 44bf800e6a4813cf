"""Demo cases for `make run`: a few dozen realistic cases, made through the real case services.

Every case is logged, triaged, assigned, investigated, cleared and closed by `casework.cases.services`,
so its history is the history the product itself would write. The services read the time through
`services.utcnow`; while the demo is written that clock is set to each step's moment, so cases, events,
notes and references carry dates spread over the last twelve months (and the reports have figures).

The cases are seeded once: if any case exists, none is added (and none at all with the setting
DEMO_CASES false, which the benchmark uses). Seeding is deterministic: `random.Random` with a fixed seed
for the content and a second one for the times, so the same cases, people and notes come out whatever
the day and hour of seeding; only their dates move with "now". Street names are real streets of
Dartford and Gravesham; house numbers, postcode units and people are made up (phone numbers are in
Ofcom's range kept for drama, e-mail addresses at example.com).
"""

from __future__ import annotations

import io
import random
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import func, select, text

from casework.auth import services as accounts
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services
from casework.cases.categories import DEFAULT_CASE_TYPES, FLYTIP_SIZES, LAND_TYPES, label
from casework.cases.evidence_files import CheckedFile, check_upload
from casework.cases.incident_models import ClearanceCost, Incident
from casework.cases.location import normalise_postcode, resolve_point
from casework.cases.models import Case, CaseType, Priority
from casework.cases.party_models import Person
from casework.cases.workflow import TransitionInput
from casework.extensions import db
from casework.places.models import Borough, Ward

SEED = 2026

# ---- national proportions (DOMAIN.md; Defra flytipping statistics for England) ----------------------
# Shared with bench/generate.py. Small van 31% and car boot or less 27% of incidents; 37% on highways;
# household waste (black bags and other household waste) 62%.

FLYTIP_SIZE_SHARES: dict[str, float] = {
    "single_bag": 0.05,
    "single_item": 0.15,
    "car_boot": 0.27,
    "small_van": 0.31,
    "transit_van": 0.16,
    "tipper_lorry": 0.05,
    "significant": 0.01,
}
LAND_TYPE_SHARES: dict[str, float] = {
    "highway": 0.37,
    "footpath": 0.16,
    "back_alley": 0.10,
    "railway": 0.01,
    "council_land": 0.12,
    "agricultural": 0.03,
    "private_residential": 0.11,
    "commercial": 0.04,
    "watercourse": 0.01,
    "other": 0.05,
}
MAIN_WASTE_SHARES: dict[str, float] = {
    "other_household": 0.45,
    "bags_household": 0.17,
    "construction": 0.09,
    "other_commercial": 0.08,
    "green": 0.05,
    "other": 0.045,
    "bags_commercial": 0.03,
    "white_goods": 0.02,
    "other_electrical": 0.02,
    "tyres": 0.02,
    "vehicle_parts": 0.01,
    "asbestos": 0.005,
    "chemical": 0.005,
    "clinical": 0.003,
    "animal_carcass": 0.002,
}
SECOND_WASTE_CHANCE = 0.3  # share of incidents with a second waste type

# ---- reference data the demo needs ------------------------------------------------------------------

CASE_TYPES = DEFAULT_CASE_TYPES
PRIORITIES = [
    (1, "Violent crime including domestic abuse"),
    (2, "Persistent anti-social behaviour and environmental crime"),
    (3, "Preventing offending and reducing re-offending"),
    (4, "Protecting vulnerable people"),
]
CLEARANCE_COSTS = {
    "single_bag": Decimal("30.00"),
    "single_item": Decimal("55.00"),
    "car_boot": Decimal("95.00"),
    "small_van": Decimal("180.00"),
    "transit_van": Decimal("350.00"),
    "tipper_lorry": Decimal("750.00"),
    "significant": Decimal("3000.00"),
}
# (email, name, borough code): officers besides the one per borough that casework.demo seeds.
EXTRA_OFFICERS = [
    ("hannah.clarke@demo.test", "Hannah Clarke", "DAR"),
    ("marek.nowak@demo.test", "Marek Nowak", "DAR"),
    ("gurpreet.sandhu@demo.test", "Gurpreet Sandhu", "GRA"),
    ("ellie.barnes@demo.test", "Ellie Barnes", "GRA"),
]
MANAGER_EMAILS = {"DAR": "manager.dartford@demo.test", "GRA": "manager.gravesham@demo.test"}
PARTNERSHIP_MANAGER = "manager@demo.test"

# ---- places: (street, postcode sector, latitude, longitude) per ward --------------------------------

PLACES: dict[str, dict[str, list[tuple[str, str, float, float]]]] = {
    "DAR": {
        "Brent": [
            ("Brent Lane, Dartford", "DA1 1Q", 51.4387, 0.2268),
            ("Princes Road, Dartford", "DA1 1R", 51.4362, 0.2231),
        ],
        "Bridge": [
            ("Galleon Boulevard, Crossways", "DA2 6Q", 51.4597, 0.2448),
            ("Bob Dunn Way, Dartford", "DA1 5T", 51.4560, 0.2270),
        ],
        "Darenth": [
            ("Darenth Road South, Darenth", "DA2 7Q", 51.4245, 0.2433),
            ("Green Street Green Road, Darenth", "DA2 8D", 51.4150, 0.2550),
        ],
        "Greenhithe and Knockhall": [
            ("London Road, Greenhithe", "DA9 9E", 51.4505, 0.2815),
            ("Knockhall Road, Greenhithe", "DA9 9E", 51.4478, 0.2884),
        ],
        "Joyden's Wood": [
            ("Summerhouse Drive, Joyden's Wood", "DA2 7P", 51.4290, 0.1745),
            ("Tile Kiln Lane, Joyden's Wood", "DA2 7N", 51.4330, 0.1700),
        ],
        "Stone House": [
            ("London Road, Stone", "DA2 6A", 51.4466, 0.2575),
            ("Stone Place Road, Stone", "DA9 9B", 51.4495, 0.2640),
        ],
        "Swanscombe": [
            ("High Street, Swanscombe", "DA10 0A", 51.4478, 0.3100),
            ("Galley Hill Road, Swanscombe", "DA10 0A", 51.4530, 0.3160),
            ("Craylands Lane, Swanscombe", "DA10 0L", 51.4440, 0.3050),
        ],
        "Temple Hill": [
            ("St Edmunds Road, Temple Hill", "DA1 5N", 51.4560, 0.2330),
            ("Temple Hill Square, Dartford", "DA1 5H", 51.4535, 0.2345),
        ],
        "Town": [
            ("Lowfield Street, Dartford", "DA1 1H", 51.4430, 0.2165),
            ("Hythe Street, Dartford", "DA1 1B", 51.4480, 0.2150),
            ("Spital Street, Dartford", "DA1 2D", 51.4458, 0.2125),
        ],
        "West Hill": [
            ("West Hill, Dartford", "DA1 2E", 51.4452, 0.2040),
            ("Shepherds Lane, Dartford", "DA1 2N", 51.4410, 0.2030),
        ],
        "Wilmington, Sutton-at-Hone and Hawley": [
            ("Common Lane, Wilmington", "DA2 7B", 51.4310, 0.1990),
            ("Hawley Road, Wilmington", "DA2 7R", 51.4240, 0.2150),
        ],
    },
    "GRA": {
        "Chalk": [
            ("Lower Higham Road, Chalk", "DA12 2N", 51.4370, 0.4130),
            ("Church Lane, Chalk", "DA12 2N", 51.4335, 0.4160),
        ],
        "Coldharbour and Perry Street": [
            ("Perry Street, Northfleet", "DA11 8R", 51.4375, 0.3470),
            ("Coldharbour Road, Northfleet", "DA11 8A", 51.4300, 0.3520),
        ],
        "Denton": [
            ("Milton Road, Gravesend", "DA12 2P", 51.4420, 0.3820),
            ("Mark Lane, Gravesend", "DA12 2Q", 51.4455, 0.3920),
        ],
        "Higham and Shorne": [
            ("The Street, Shorne", "DA12 3E", 51.4135, 0.4290),
            ("Gravesend Road, Shorne", "DA12 3J", 51.4175, 0.4170),
        ],
        "Istead Rise, Cobham and Luddesdown": [
            ("Downs Road, Istead Rise", "DA13 9H", 51.3985, 0.3450),
            ("The Street, Cobham", "DA12 3B", 51.3905, 0.4005),
        ],
        "Meopham North": [
            ("Wrotham Road, Meopham", "DA13 0E", 51.3820, 0.3555),
            ("Longfield Road, Meopham", "DA13 0J", 51.3860, 0.3450),
        ],
        "Northfleet and Springhead": [
            ("The Hill, Northfleet", "DA11 9E", 51.4455, 0.3330),
            ("Stonebridge Road, Northfleet", "DA11 9B", 51.4480, 0.3220),
        ],
        "Painters Ash": [
            ("Hall Road, Northfleet", "DA11 8S", 51.4270, 0.3380),
            ("Vale Road, Northfleet", "DA11 8B", 51.4290, 0.3400),
        ],
        "Riverside": [
            ("Harmer Street, Gravesend", "DA12 2A", 51.4435, 0.3705),
            ("West Street, Gravesend", "DA11 0B", 51.4445, 0.3660),
            ("Queen Street, Gravesend", "DA12 2E", 51.4432, 0.3695),
        ],
        "Singlewell": [
            ("Singlewell Road, Gravesend", "DA11 7P", 51.4240, 0.3740),
            ("Thong Lane, Gravesend", "DA12 4L", 51.4180, 0.3890),
        ],
        "Westcourt": [
            ("Valley Drive, Gravesend", "DA12 5R", 51.4330, 0.3860),
            ("Kitchener Avenue, Gravesend", "DA12 5H", 51.4310, 0.3820),
        ],
        "Woodlands": [
            ("Old Road East, Gravesend", "DA12 1N", 51.4370, 0.3760),
            ("Whitehill Road, Gravesend", "DA12 5P", 51.4280, 0.3730),
        ],
    },
}
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters the inward code may end with

# Where on a street a flytip lies, by land type ({n} a house number, {street} the street).
FLYTIP_SPOTS = {
    "highway": "Verge outside {n} {street}",
    "footpath": "Footpath off {street}, near number {n}",
    "back_alley": "Alleyway behind {n}-{n2} {street}",
    "railway": "Railway embankment by {street}",
    "council_land": "Council garages behind {n} {street}",
    "agricultural": "Field gateway on {street}",
    "private_residential": "Front garden of {n} {street}",
    "commercial": "Service yard behind {n} {street}",
    "watercourse": "Stream bank off {street}",
    "other": "Land next to {n} {street}",
}
WASTE_PHRASES = {
    "animal_carcass": "a dead fox in a bin bag",
    "green": "garden cuttings and soil",
    "vehicle_parts": "car bumpers and a gearbox",
    "white_goods": "a fridge freezer",
    "other_electrical": "a broken television and a microwave",
    "tyres": "a stack of tyres",
    "asbestos": "broken corrugated sheets that may be asbestos",
    "clinical": "sharps and used dressings",
    "construction": "rubble, plasterboard and bags of builders' waste",
    "bags_commercial": "black bags of shop waste",
    "bags_household": "black bags of household rubbish",
    "chemical": "drums of what looks like engine oil",
    "other_household": "a mattress, a sofa and household rubbish",
    "other_commercial": "cardboard and pallets from a business",
    "other": "mixed waste",
}

DESCRIPTIONS = {
    "littering": [
        "Litter dropped outside the takeaway every evening; the bin overflows by ten o'clock.",
        "Cans and food packaging thrown from cars at the junction; the verge is covered.",
        "Cigarette ends and coffee cups left at the bus stop by people waiting for the school bus.",
    ],
    "graffiti": [
        "Tags sprayed along the underpass wall and on two utility boxes overnight.",
        "Offensive graffiti on the side wall of the community centre, visible from the play area.",
        "Graffiti on the bus shelter and the back of the shop fronts; same tag as last month.",
    ],
    "fly_posting": [
        "Posters for a club night pasted on the lamp columns and utility boxes along the street.",
        "Fly-posters for a cash-for-cars business cable-tied to railings and road signs.",
    ],
    "abandoned_vehicle": [
        "Silver hatchback with flat tyres and a smashed rear window, not moved for three weeks.",
        "White van, untaxed, parked across the dropped kerb; residents say it has not moved since spring.",
        "Burnt-out car left in the lay-by overnight.",
    ],
    "dog_fouling": [
        "Dog fouling on the path to the primary school every morning; a dog walker seen not picking up.",
        "Dog mess all over the playing field; children's football sessions have been cancelled.",
    ],
    "noise": [
        "Loud music from the flat above until 3am most weekends; the caller has a young baby.",
        "Dog barking for hours every day while the owners are out at work.",
        "Car meets in the car park late at night: revving engines and music until the early hours.",
        "Building work starting at 6am on weekdays and on Sundays.",
    ],
    "asb_personal": [
        "Neighbour shouting abuse at the resident and her children; eggs thrown at the front window.",
        "Older man targeted by youths who knock on his door and run off, and have taken his post.",
        "Resident called names because of his disability when he goes to the shop; now afraid to go out.",
        "Threats made to the caller over a parking dispute; tyres of her car let down twice.",
    ],
    "asb_nuisance": [
        "Group of youths gathering by the shops, riding e-bikes on the pavement and intimidating shoppers.",
        "People drinking in the park in the evenings, leaving bottles and urinating in the bushes.",
        "Drug dealing suspected from a car that parks in the street every evening.",
        "Fireworks let off in the street late at night, frightening residents and pets.",
    ],
    "asb_environmental": [
        "Rear garden of a rented house full of rubbish attracting rats; neighbours complain of the smell.",
        "Shopping trolleys and furniture dumped in the front garden of a house of multiple occupation.",
        "Bonfires of household waste most evenings; smoke fills the neighbouring gardens.",
    ],
}

INVESTIGATION_NOTES = {
    "flytipping": [
        "Visited the site and searched the waste: a letter addressed to a house nearby was in one of the "
        "bags. Photographed and kept as evidence.",
        "Site visit: nothing in the waste to identify who left it. Knocked on four doors; nobody saw "
        "a vehicle.",
        "Checked the CCTV covering the lane: a white Transit-type van was seen at 23:40 the night before, "
        "the plate partly legible. Keeper check requested from the DVLA.",
        "Contacted the landowner and reminded them that waste on private land is theirs to clear; offered "
        "the council's paid clearance.",
    ],
    "littering": [
        "Patrolled the parade at lunchtime on two days; most litter comes from the takeaway. "
        "Asked the manager to put a bin outside."
    ],
    "graffiti": [
        "Logged the tag in the graffiti register: the same tag appears at three other sites in the ward.",
        "Asked the contractor to remove the offensive wording within 24 hours, as the policy requires.",
    ],
    "fly_posting": [
        "The posters name the venue; wrote to the promoter asking for them to come down within 7 days."
    ],
    "abandoned_vehicle": [
        "DVLA check: untaxed since March, no SORN. Notice fixed to the windscreen giving 7 days "
        "before removal."
    ],
    "dog_fouling": [
        "Early-morning patrol on the school route; spoke to two dog walkers and handed out bags. Signs "
        "requested for the lamp columns."
    ],
    "noise": [
        "Diary sheets sent to the complainant. Recordings from the noise app show music audible in the "
        "bedroom after midnight on three nights."
    ],
    "asb_personal": [
        "Visited the victim at home with a PCSO; completed the risk assessment questionnaire (medium risk).",
        "Spoke to the housing officer: the tenancy agreement covers nuisance to neighbours.",
    ],
    "asb_nuisance": [
        "Joint patrol with Kent Police on Friday evening: a group of eight moved on, three names taken."
    ],
    "asb_environmental": [
        "Visited the property: rear garden full of bagged waste and an old sofa, signs of rats. "
        "Spoke to the tenant and the letting agent."
    ],
}
ENFORCEMENT_NOTES = {
    "flytipping": [
        "Fixed penalty notice of £1,000 issued for unlawful deposit (EPA 1990 s.33); £500 if paid "
        "within 10 days.",
        "Household duty of care FPN of £600 issued (EPA 1990 s.34(2A)): the householder paid a man with "
        "a van who is not a registered waste carrier.",
        "Section 71 notice served on the keeper of the van, asking for the details of the journey "
        "that night.",
    ],
    "littering": ["Fixed penalty notice of £150 issued for littering."],
    "graffiti": ["Community Protection Warning issued to the identified tagger."],
    "fly_posting": ["Removal notice served on the promoter under the Town and Country Planning Act 1990."],
    "abandoned_vehicle": ["Removal notice fixed to the vehicle; it will be removed after 7 days."],
    "dog_fouling": ["Fixed penalty notice of £100 issued under the Public Spaces Protection Order."],
    "noise": ["Noise abatement notice served (EPA 1990 s.80)."],
    "asb_personal": ["Community Protection Warning issued, with a compliance date 14 days ahead."],
    "asb_nuisance": ["Acceptable Behaviour Contract signed at a meeting with the subject and a parent."],
    "asb_environmental": ["Community Protection Warning issued: clear the garden within 21 days."],
}
PROSECUTION_NOTE = (
    "The fixed penalty was not paid. File passed to Legal Services; a summons for the offence under EPA 1990 "
    "s.33 has been issued."
)
COMPLIANCE_NOTES = [
    "Compliance check booked for the date in the notice.",
    "FPN unpaid after 14 days; reminder sent. Prosecution review if still unpaid.",
    "Revisited: partly complied with. Will check again next week.",
]
PANEL_REASONS = {
    "flytipping": "Repeat offender across both boroughs: for the environmental enforcement tasking group.",
    "asb_personal": "High-risk victim; the behaviour continued despite a Community Protection Warning.",
    "asb_nuisance": "Needs a joined-up response from the police, the housing provider and youth services.",
}
PANEL_NOTE = (
    "Discussed at the Community Safety Multi-Agency Panel: Kent Police to add the address to patrol plans; "
    "the housing provider to visit within 10 working days."
)
CLOSURE_NOTES = {
    "resolved": "No further reports for four weeks after the notice and the complainant is satisfied.",
    "prosecuted": "Convicted at Medway Magistrates' Court: fined £1,200 and ordered to pay the council's "
    "costs of £850. Press release sent to the communications team to publicise the result.",
    "no_further_action": "The complainant does not want action taken and there have been no further reports.",
    "insufficient_evidence": "No witnesses and nothing to identify who was responsible: not enough evidence "
    "to take this further.",
    "not_our_responsibility": "The vehicle is on private land (a retail park car park): a matter for the "
    "landowner. Caller told.",
}
RESTRICTED_NOTES = [
    "Kent Police intelligence (shared under the information-sharing agreement): the subject is linked to "
    "other flytips in the area. Not to be disclosed to the complainant.",
    "Safeguarding: the victim disclosed abuse by a former partner; referred to the domestic abuse "
    "one-stop shop with her consent.",
    "The subject has a learning disability; involve his support worker in any contact.",
    "The housing provider is considering a notice of seeking possession; not to be shared with the "
    "subject yet.",
]
DECLINE_REASON = "Check with the complainant that the problem has stopped before we close this."
REOPEN_REASON = "The complainant reports that it has started again at the same place."

FIRST_NAMES = [
    "Amelia", "Oliver", "Priya", "George", "Chloe", "Mohammed", "Sophie", "Jack", "Aisha", "Harry", "Emily",
    "Kwame", "Grace", "Daniel", "Olivia", "Tomasz", "Jessica", "Ryan", "Fatima", "Liam", "Megan", "Connor",
    "Sandeep", "Holly", "Callum", "Agnieszka", "Bethany", "Dylan", "Zainab", "Kieran", "Maureen", "Terry",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Patel", "Jones", "Williams", "Taylor", "Brown", "Khan", "Evans", "Wilson", "Thomas",
    "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
    "Wood", "Harris", "Kowalski", "Martin", "Jackson", "Clarke", "Mensah", "Singh", "Turner", "Hill",
    "Cooper",
]  # fmt: skip

# ---- the plan: which cases, in which states -----------------------------------------------------------

TYPE_COUNTS = {
    "flytipping": 21,
    "littering": 4,
    "graffiti": 5,
    "fly_posting": 2,
    "abandoned_vehicle": 3,
    "dog_fouling": 4,
    "noise": 4,
    "asb_personal": 4,
    "asb_nuisance": 4,
    "asb_environmental": 3,
}
# (state, outcome, variant, how many): every state, closed with every outcome.
STATE_COUNTS = [
    ("new", None, "", 6),
    ("triaged", None, "", 5),
    ("under_investigation", None, "", 5),
    ("under_investigation", None, "declined", 1),
    ("under_investigation", None, "reopened", 1),
    ("enforcement_action", None, "", 4),
    ("awaiting_compliance", None, "", 4),
    ("referred_to_panel", None, "", 3),
    ("closure_requested", None, "", 4),
    ("closed", "resolved", "", 10),
    ("closed", "prosecuted", "", 2),
    ("closed", "no_further_action", "", 3),
    ("closed", "insufficient_evidence", "", 3),
    ("closed", "not_our_responsibility", "", 1),
    ("closed", "duplicate", "", 2),
]
# Some states only make sense for some types; these pairs are placed first.
FIXED_PAIRS = [
    ("closed", "prosecuted", "flytipping"),
    ("closed", "prosecuted", "flytipping"),
    ("closed", "duplicate", "flytipping"),
    ("closed", "duplicate", "flytipping"),
    ("closed", "not_our_responsibility", "abandoned_vehicle"),
    ("referred_to_panel", None, "asb_personal"),
    ("referred_to_panel", None, "asb_nuisance"),
    ("referred_to_panel", None, "flytipping"),
]
# How long ago (days) cases now in each state were opened.
AGE_DAYS = {
    "new": (0.1, 6),
    "triaged": (1, 12),
    "under_investigation": (10, 120),
    "enforcement_action": (20, 150),
    "awaiting_compliance": (30, 200),
    "referred_to_panel": (25, 200),
    "closure_requested": (20, 90),
    "closed": (35, 362),
}
# How long each step takes after the one before (hours, low and high).
STEP_HOURS = {
    "triage": (1, 30),
    "assign": (0.2, 24),
    "clear": (20, 96),
    "investigate": (2, 72),
    "party": (1, 48),
    "note": (4, 96),
    "restricted": (4, 96),
    "photo": (1, 24),
    "incident": (48, 336),
    "enforce": (72, 336),
    "letter": (0.1, 2),
    "await": (2, 48),
    "prosecute": (240, 720),
    "compliance": (72, 240),
    "refer": (72, 480),
    "panel_note": (72, 240),
    "request_closure": (48, 480),
    "approve": (4, 96),
    "close": (24, 240),
    "decline": (4, 48),
    "reopen": (72, 720),
    "closure_note": (0.05, 1),
}
CHANNELS = {
    "flytipping": (["officer_observed", "web_form", "fixmystreet", "phone", "email"], [30, 20, 20, 20, 10]),
    "asb_personal": (["phone", "in_person", "partner", "email"], [50, 20, 20, 10]),
    "asb_nuisance": (["phone", "partner", "web_form", "email"], [40, 30, 20, 10]),
    "default": (["phone", "web_form", "fixmystreet", "email", "officer_observed"], [30, 25, 20, 15, 10]),
}
PHOTO_TYPES = {"flytipping", "graffiti", "abandoned_vehicle", "fly_posting", "littering", "asb_environmental"}


class _Clock:
    """The time the case services see while the demo history is written."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def _services_clock(clock: _Clock) -> Iterator[None]:
    """Let the services stamp each step with its own moment, so the history reads as it happened."""
    real = services.utcnow
    services.utcnow = clock
    try:
        yield
    finally:
        services.utcnow = real


@contextmanager
def _quick_sqlite_commits() -> Iterator[None]:
    """The services commit every step; on SQLite, skip the disk flush per commit while seeding.

    In WAL mode, synchronous=NORMAL still keeps the database consistent; at worst the last few
    commits before a power cut are lost, which is harmless for demo data.
    """
    if db.engine.dialect.name != "sqlite":
        yield
        return
    db.session.execute(text("PRAGMA synchronous=NORMAL"))
    try:
        yield
    finally:
        db.session.execute(text("PRAGMA synchronous=FULL"))


@contextmanager
def demo_clock(now: datetime) -> Iterator[_Clock]:
    """For other areas' demo seeders: the services' clock (set `.now` per step) and quick commits."""
    clock = _Clock(now)
    with _services_clock(clock), _quick_sqlite_commits():
        yield clock


@dataclass
class _Plan:
    """One demo case to make: its type, borough, where, when, and the state it should end in."""

    type_code: str
    state: str
    outcome: str | None
    variant: str
    borough: str
    age: float  # days since the case was opened
    created: datetime | None = None  # set from `age` once the plan is complete
    ward: str = ""
    place: tuple[str, str, float, float] = ("", "", 0.0, 0.0)
    original: _Plan | None = None
    case: Case | None = None


# ---- entry point -----------------------------------------------------------------------------------


def seed_demo_cases(boroughs: dict[str, Borough], added: dict[str, int], now: datetime | None = None) -> None:
    """Add the demo officers, case types, priorities, clearance costs and, once, the demo cases.

    `added` counts what was added, by kind (for the seed-demo command's message). With the setting
    DEMO_CASES false only the people and settings are added (the benchmark makes its own cases).
    The cases' dates count back from `now` (default: the current time).
    """
    if not current_app.config.get("DEMO_ALLOWED"):
        from casework.demo import DemoRefused

        raise DemoRefused("Demo data is never seeded under the Production configuration.")
    added["users"] = added.get("users", 0) + _seed_officers(boroughs)
    added["case types"] = _seed_case_types()
    added["priorities"] = _seed_priorities()
    added["clearance costs"] = _seed_clearance_costs()
    db.session.commit()
    # DEMO_CASES off: people and settings only (bench/generate.py fills the cases itself).
    if not current_app.config.get("DEMO_CASES", True) or db.session.scalar(
        select(func.count()).select_from(Case)
    ):
        added["cases"] = 0
        return
    added["cases"] = _DemoWriter(boroughs, random.Random(SEED), now).write()  # noqa: S311 - demo data, not secrets


def _seed_officers(boroughs: dict[str, Borough]) -> int:
    password = current_app.config["DEMO_PASSWORD"]
    count = 0
    for email, name, code in EXTRA_OFFICERS:
        if code not in boroughs or db.session.scalar(select(User.id).where(User.email == email)):
            continue
        details = accounts.AccountDetails(
            email=email, name=name, role=Role.OFFICER, borough_id=boroughs[code].id
        )
        accounts.create_user(details, password=password)
        count += 1
    return count


def _seed_case_types() -> int:
    existing = set(db.session.scalars(select(CaseType.code)))
    missing = [(order, row) for order, row in enumerate(CASE_TYPES) if row[0] not in existing]
    for order, (code, name, group) in missing:
        db.session.add(CaseType(code=code, name=name, group=group, sort_order=order, active=True))
    return len(missing)


def _seed_priorities() -> int:
    existing = set(db.session.scalars(select(Priority.number)))
    missing = [(number, name) for number, name in PRIORITIES if number not in existing]
    for number, name in missing:
        db.session.add(Priority(number=number, name=name, active=True))
    return len(missing)


def _seed_clearance_costs() -> int:
    existing = set(db.session.scalars(select(ClearanceCost.size)))
    missing = {size: cost for size, cost in CLEARANCE_COSTS.items() if size not in existing}
    for size, cost in missing.items():
        db.session.add(ClearanceCost(size=size, cost=cost))
    return len(missing)


def weighted(rng: random.Random, shares: dict[str, float]) -> str:
    """One code drawn from a table of shares."""
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def waste_types_for(rng: random.Random) -> list[str]:
    """The waste types of one flytip: a main type and, sometimes, a second one."""
    kinds = [weighted(rng, MAIN_WASTE_SHARES)]
    if rng.random() < SECOND_WASTE_CHANCE:
        kinds.append(weighted(rng, MAIN_WASTE_SHARES))
    return sorted(set(kinds))


# ---- the writer ------------------------------------------------------------------------------------


class _DemoWriter:
    """Makes the planned cases through the services, step by step, on the demo clock."""

    def __init__(self, boroughs: dict[str, Borough], rng: random.Random, now: datetime | None = None) -> None:
        self.rng = rng
        # Times are drawn apart from the content, so the same cases, people and notes come out whatever
        # the time of day the demo is seeded at.
        self.clock_rng = random.Random(rng.random())  # noqa: S311 - demo data, not secrets
        self.boroughs = {code: b for code, b in boroughs.items() if code in PLACES}
        self.real_now = (now or datetime.now(UTC)).replace(microsecond=0)
        self.clock = _Clock(self.real_now)
        self.types = {t.code: t for t in db.session.scalars(select(CaseType))}
        self.priorities = {p.number: p.id for p in db.session.scalars(select(Priority))}
        self.officers = {code: self._officers(b) for code, b in self.boroughs.items()}
        self.managers = {code: self._manager(code, b) for code, b in self.boroughs.items()}
        self.partnership_manager = self._user(PARTNERSHIP_MANAGER)
        self.names = self._name_pool()
        self.shared_person: Person | None = None
        self.shared_uses = 0
        self.count = 0

    # -- people who work the cases

    def _user(self, email: str) -> User | None:
        user = db.session.scalar(select(User).where(User.email == email))
        return user if user is not None and user.active else None

    def _officers(self, borough: Borough) -> list[User]:
        query = select(User).where(
            User.role == Role.OFFICER.value, User.borough_id == borough.id, User.active.is_(True)
        )
        return list(db.session.scalars(query.order_by(User.id)))

    def _manager(self, code: str, borough: Borough) -> User | None:
        manager = self._user(MANAGER_EMAILS.get(code, ""))
        if manager is None:
            query = select(User).where(User.role == Role.MANAGER.value, User.active.is_(True))
            manager = db.session.scalar(query.where(User.borough_id == borough.id).order_by(User.id))
        return manager

    def _manager_for(self, plan: _Plan) -> User:
        borough_manager = self.managers.get(plan.borough)
        if self.partnership_manager is not None and (borough_manager is None or self.rng.random() < 0.2):
            return self.partnership_manager
        assert borough_manager is not None
        return borough_manager

    # -- the plan

    def write(self) -> int:
        """Make every planned case; returns how many were made."""
        usable = [
            code
            for code in self.boroughs
            if self.officers[code] and self._wards(code) and (self.managers[code] or self.partnership_manager)
        ]
        if not usable:
            return 0
        plans = self._plan(usable) + (self._cluster() if "DAR" in usable else [])
        with _services_clock(self.clock), _quick_sqlite_commits():
            for plan in sorted(plans, key=lambda p: -p.age):
                self._play(plan)
        self._date_people()
        return self.count

    def _wards(self, code: str) -> dict[str, Ward]:
        wards = {ward.name: ward for ward in self.boroughs[code].wards}
        return {name: wards[name] for name in PLACES[code] if name in wards}

    def _plan(self, boroughs: list[str]) -> list[_Plan]:
        rng = self.rng
        types = [code for code, n in TYPE_COUNTS.items() for _ in range(n) if code in self.types]
        states = [(state, outcome, variant) for state, outcome, variant, n in STATE_COUNTS for _ in range(n)]
        pairs: list[tuple[str, str | None, str, str]] = []
        for state, outcome, type_code in FIXED_PAIRS:
            if type_code in types and (state, outcome, "") in states:
                types.remove(type_code)
                states.remove((state, outcome, ""))
                pairs.append((state, outcome, "", type_code))
        rng.shuffle(types)
        rng.shuffle(states)
        pairs += [(s, o, v, t) for (s, o, v), t in zip(states, types, strict=False)]
        ages = self._ages([state for state, _o, _v, _t in pairs])
        plans = []
        for index, (state, outcome, variant, type_code) in enumerate(pairs):
            borough = boroughs[index % len(boroughs)]
            ward = rng.choice(sorted(self._wards(borough)))
            place = rng.choice(PLACES[borough][ward])
            plans.append(
                _Plan(type_code, state, outcome, variant, borough, ages[index], ward=ward, place=place)
            )
        self._pick_originals(plans)
        for plan in plans:
            plan.created = self._reported_at(plan.age)
        return plans

    def _cluster(self) -> list[_Plan]:
        """Three fresh, unassigned flytips in one Dartford ward, for a manager to assign at once."""
        places = PLACES["DAR"]
        ward = next((name for name in sorted(self._wards("DAR")) if len(places[name]) >= 3), None)
        if ward is None:
            return []
        plans = [
            _Plan("flytipping", "new", None, "", "DAR", age, ward=ward, place=place)
            for age, place in zip((0.4, 1.2, 2.1), places[ward][:3], strict=False)
        ]
        for plan in plans:
            plan.created = self._reported_at(plan.age)
        return plans

    def _ages(self, states: list[str]) -> list[float]:
        """Days since each case was opened: spread evenly over its state's range, so every month has cases."""
        slots: dict[str, list[int]] = {}
        for state in states:
            slots.setdefault(state, [])
        for state, taken in slots.items():
            taken.extend(range(states.count(state)))
            self.rng.shuffle(taken)
        ages = []
        for state in states:
            low, high = AGE_DAYS[state]
            slot = slots[state].pop()
            ages.append(low + (slot + self.rng.random()) * (high - low) / states.count(state))
        return ages

    def _pick_originals(self, plans: list[_Plan]) -> None:
        """A duplicate repeats an earlier flytip in its borough: same street, a day or two later."""
        for plan in [p for p in plans if p.outcome == "duplicate"]:
            candidates = [
                p
                for p in plans
                if p.borough == plan.borough
                and p.type_code == plan.type_code
                and p.outcome != "duplicate"
                and p.age > 30
            ]
            if not candidates:
                plan.outcome = "no_further_action"
                continue
            plan.original = self.rng.choice(candidates)
            plan.ward, plan.place = plan.original.ward, plan.original.place
            plan.age = plan.original.age - self.rng.uniform(3, 40) / 24

    # -- times

    def _reported_at(self, age_days: float) -> datetime:
        """When a report came in `age_days` ago, moved into 7am to 10pm (keeping the order of reports)."""
        moment = self.real_now - timedelta(days=age_days)
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        moment = midnight + timedelta(hours=7) + (moment - midnight) * (15 / 24)
        return min(moment, self.real_now - timedelta(minutes=30))

    def _working_time(self, moment: datetime) -> datetime:
        """Staff act in working hours on weekdays."""
        if moment.hour >= 17:
            moment = (moment + timedelta(days=1)).replace(
                hour=self.clock_rng.randint(8, 12), minute=self.clock_rng.randint(0, 59)
            )
        elif moment.hour < 8:
            moment = moment.replace(hour=self.clock_rng.randint(8, 12), minute=self.clock_rng.randint(0, 59))
        while moment.weekday() >= 5:
            moment += timedelta(days=1)
        return moment

    def _at(self, step: str) -> datetime:
        """Move the clock on by the step's usual duration (never past the real now)."""
        low, high = STEP_HOURS[step]
        moment = self._working_time(self.clock.now + timedelta(hours=self.clock_rng.uniform(low, high)))
        self.clock.now = min(moment, self.real_now - timedelta(minutes=5))
        return self.clock.now

    # -- one case

    def _play(self, plan: _Plan) -> None:
        assert plan.created is not None
        self.clock.now = plan.created
        officer = self.rng.choice(self.officers[plan.borough])
        case = self._log(plan, officer)
        plan.case = case
        self.count += 1
        manager = self._manager_for(plan)
        for step in self._steps(plan):
            self._do(step, plan, case, officer, manager)
        db.session.commit()

    def _steps(self, plan: _Plan) -> list[str]:
        flytip = plan.type_code == "flytipping"
        clear = ["clear"] if flytip else []
        if plan.state == "new":
            return ["note"] if self.rng.random() < 0.3 else []
        if plan.outcome == "duplicate":
            return ["close"]
        if plan.outcome == "not_our_responsibility":
            return ["triage", "close"]
        start = ["triage"]
        if plan.state == "triaged":
            return start + (["assign"] if self.rng.random() < 0.4 else []) + (clear if plan.age > 3 else [])
        work = ["triage", "assign", *clear, "investigate", "party", "note"]
        if self.rng.random() < 0.3:
            work.append("restricted")
        repeat = (
            ["incident", *clear]
            if plan.type_code in {"noise", "asb_personal", "asb_nuisance"}
            or (flytip and self.rng.random() < 0.15)
            else []
        )
        endings = {
            "under_investigation": {
                "": [*repeat, "note"],
                "declined": ["request_closure", "decline", "note"],
                "reopened": ["request_closure", "approve", "reopen", "incident", "note"],
            }[plan.variant],
            "enforcement_action": [*repeat, "enforce", "letter"],
            "awaiting_compliance": ["enforce", "letter", "await", "compliance"],
            "referred_to_panel": [*repeat, "refer", "panel_note"],
            "closure_requested": [*repeat, "request_closure"],
            "closed": self._closing(plan, repeat),
        }
        return work + endings[plan.state]

    def _closing(self, plan: _Plan, repeat: list[str]) -> list[str]:
        if plan.outcome == "prosecuted":
            return ["enforce", "letter", "await", "compliance", "prosecute", "request_closure", "approve"]
        if plan.outcome == "resolved" and self.rng.random() < 0.5:
            return [*repeat, "enforce", "letter", "await", "request_closure", "approve"]
        if plan.outcome == "no_further_action":
            return ["close"]
        return [*repeat, "request_closure", "approve"]

    def _do(self, step: str, plan: _Plan, case: Case, officer: User, manager: User) -> None:
        actions: dict[str, Callable[[], object]] = {
            "triage": lambda: services.fire(self._staff(officer, manager), case, "triage", None),
            "assign": lambda: services.assign(manager, case, officer, None),
            "clear": lambda: self._clear(case, officer),
            "investigate": lambda: services.fire(officer, case, "investigate", None),
            "party": lambda: self._parties(plan, case, officer),
            "note": lambda: self._note(case, officer, INVESTIGATION_NOTES[plan.type_code]),
            "restricted": lambda: services.add_note(
                officer, case, self.rng.choice(RESTRICTED_NOTES), restricted=True
            ),
            "incident": lambda: self._repeat_incident(plan, case, officer),
            "enforce": lambda: self._enforce(plan, case, officer),
            "prosecute": lambda: self._prosecute(case, officer),
            "letter": lambda: services.add_evidence(officer, case, self._letter(plan), "Notice as served"),
            "await": lambda: services.fire(officer, case, "await_compliance", None),
            "compliance": lambda: services.add_note(officer, case, self.rng.choice(COMPLIANCE_NOTES)),
            "refer": lambda: self._refer(plan, case, manager),
            "panel_note": lambda: services.add_note(manager, case, PANEL_NOTE),
            "request_closure": lambda: self._request_closure(plan, case, officer),
            "approve": lambda: self._approve(plan, case, manager),
            "close": lambda: self._close(plan, case, manager),
            "decline": lambda: services.fire(
                manager, case, "decline_closure", None, TransitionInput(reason=DECLINE_REASON)
            ),
            "reopen": lambda: services.fire(
                manager, case, "reopen", None, TransitionInput(reason=REOPEN_REASON)
            ),
        }
        if step == "clear" and not self._uncleared(case):
            return
        self._at(step)
        actions[step]()

    def _staff(self, officer: User, manager: User) -> User:
        return manager if self.rng.random() < 0.5 else officer

    # -- logging

    def _log(self, plan: _Plan, officer: User) -> Case:
        case_type = self.types[plan.type_code]
        data = self._incident(plan, reported=self.clock.now)
        return services.log_incident(officer, case_type.id, data, priority_id=self._priority(plan))

    def _priority(self, plan: _Plan) -> int | None:
        if plan.state == "new" and self.rng.random() < 0.5:
            return None
        if plan.type_code == "asb_personal":
            number = 1 if self.rng.random() < 0.3 else 4
        elif plan.type_code == "asb_nuisance" and self.rng.random() < 0.3:
            number = 3
        else:
            number = 2
        return self.priorities.get(number)

    def _incident(self, plan: _Plan, reported: datetime, repeat: bool = False) -> services.IncidentInput:
        rng = self.rng
        street, sector, lat, lng = plan.place
        channels, weights = CHANNELS.get(plan.type_code, CHANNELS["default"])
        channel = rng.choices(channels, weights=weights)[0]
        flytip = self._flytip(reported) if plan.type_code == "flytipping" else None
        number = rng.randint(1, 140)
        if flytip is not None:
            address = FLYTIP_SPOTS[flytip.land_type].format(
                n=number, n2=number + 2 * rng.randint(3, 8), street=street
            )
            description = self._flytip_description(flytip)
        else:
            address = f"{number} {street}" if rng.random() < 0.6 else f"Outside {number} {street}"
            description = rng.choice(DESCRIPTIONS[plan.type_code])
        point = resolve_point(
            round(lat + rng.uniform(-0.0015, 0.0015), 6),
            round(lng + rng.uniform(-0.002, 0.002), 6),
            None,
            None,
        )
        assert point is not None
        ward = self._wards(plan.borough)[plan.ward]
        photos = []
        if plan.type_code in PHOTO_TYPES and (
            channel in {"officer_observed", "fixmystreet", "web_form"} or rng.random() < 0.3
        ):
            photos.append(self._photo(plan.type_code, reported, point.latitude, point.longitude, flytip))
        return services.IncidentInput(
            channel=channel,
            ward_id=ward.id,
            occurred_at=reported - timedelta(hours=rng.uniform(0.5, 20)),
            reported_at=reported,
            description=description,
            address=address,
            postcode=self._postcode(sector),
            latitude=point.latitude,
            longitude=point.longitude,
            easting=point.easting,
            northing=point.northing,
            flytip=flytip,
            reporter=self._reporter(plan, channel, street, sector, repeat),
            photos=photos,
        )

    def _postcode(self, sector: str) -> str | None:
        unit = f"{sector}{self.rng.choice(POSTCODE_UNIT_LETTERS)}"
        return normalise_postcode(unit)

    def _flytip(self, reported: datetime) -> services.FlytipInput:
        rng = self.rng
        waste = waste_types_for(rng)
        found = rng.random() < 0.25
        return services.FlytipInput(
            size=weighted(rng, FLYTIP_SIZE_SHARES),
            land_type=weighted(rng, LAND_TYPE_SHARES),
            waste_types=waste,
            evidence_found=found,
            evidence_description="Envelope with a name and address in one of the bags" if found else "",
            clearance_requested_on=reported.date(),
        )

    def _flytip_description(self, flytip: services.FlytipInput) -> str:
        what = " and ".join(WASTE_PHRASES[kind] for kind in flytip.waste_types)
        size = label(FLYTIP_SIZES, flytip.size)
        where = label(LAND_TYPES, flytip.land_type).lower()
        return f"{size}: {what}, dumped on {where} land."

    # -- people

    def _name_pool(self) -> list[tuple[str, str]]:
        names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
        self.rng.shuffle(names)
        return names

    def _person(
        self, street: str, sector: str, vulnerable: list[str] | None = None, born: date | None = None
    ) -> services.PersonInput:
        first, last = self.names.pop()
        rng = self.rng
        return services.PersonInput(
            first_name=first,
            last_name=last,
            phone=f"07700 900{rng.randrange(1000):03d}",  # Ofcom's range for drama: never a real line
            email=f"{first}.{last}@example.com".lower() if rng.random() < 0.6 else "",
            address=f"{rng.randint(1, 140)} {street}",
            postcode=self._postcode(sector),
            date_of_birth=born,
            vulnerabilities=vulnerable or [],
            vulnerability_notes="Lives alone; finds phone calls hard." if vulnerable else "",
        )

    def _reporter(
        self, plan: _Plan, channel: str, street: str, sector: str, repeat: bool
    ) -> services.PersonInput | None:
        if plan.type_code == "asb_personal":  # the victim, already on the case when they report again
            if repeat:
                return None
            vulnerable = self.rng.sample(
                ["age", "isolation", "mental_health", "disability", "repeat_victim"], 2
            )
            return self._person(street, sector, vulnerable=vulnerable)
        if channel in {"officer_observed", "partner"}:
            return None
        if channel == "fixmystreet" and self.rng.random() < 0.5:
            return None
        return self._person(street, sector)

    def _parties(self, plan: _Plan, case: Case, officer: User) -> None:
        street, sector, _lat, _lng = plan.place
        rng = self.rng
        if plan.type_code in {"asb_personal", "asb_nuisance", "noise", "asb_environmental"}:
            dob = date(self.real_now.year - rng.randint(16, 55), rng.randint(1, 12), rng.randint(1, 28))
            services.add_party(officer, case, "subject", new=self._person(street, sector, born=dob))
        if plan.type_code == "flytipping":
            self._flytip_parties(plan, case, officer)
        if rng.random() < 0.25:
            self._at("party")
            services.add_party(officer, case, "witness", new=self._person(street, sector))

    def _flytip_parties(self, plan: _Plan, case: Case, officer: User) -> None:
        street, sector, _lat, _lng = plan.place
        details = case.incidents[0].flytip
        if details is not None and details.land_type in {"private_residential", "agricultural", "commercial"}:
            services.add_party(officer, case, "landowner", new=self._person(street, sector))
        if plan.state in {"enforcement_action", "awaiting_compliance"} or plan.outcome == "prosecuted":
            self._at("party")
            if self.shared_person is None or self.shared_uses >= 2:
                party = services.add_party(officer, case, "waste_carrier", new=self._person(street, sector))
                self.shared_person = party.person if self.shared_person is None else self.shared_person
            else:  # the same unregistered carrier turns up on a second case
                services.add_party(officer, case, "waste_carrier", person=self.shared_person)
            self.shared_uses += 1
        elif details is not None and details.evidence_found:
            self._at("party")
            services.add_party(officer, case, "subject", new=self._person(street, sector))

    def _date_people(self) -> None:
        """People were added on the demo clock; their own created date follows their first case."""
        for person in db.session.scalars(select(Person)):
            if person.parts:
                person.created_at = min(part.added_at for part in person.parts)
        db.session.commit()

    # -- steps

    def _note(self, case: Case, officer: User, texts: list[str]) -> None:
        services.add_note(officer, case, self.rng.choice(texts))

    def _uncleared(self, case: Case) -> list[Incident]:
        return [i for i in case.incidents if i.flytip is not None and not i.flytip.is_cleared]

    def _clear(self, case: Case, officer: User) -> None:
        for incident in self._uncleared(case):
            details = incident.flytip
            assert details is not None
            if details.land_type in {"private_residential", "agricultural", "commercial"}:
                by = "landowner"
            else:
                by = "council" if self.rng.random() < 0.55 else "contractor"
            cost = (
                None if "asbestos" not in details.waste_types else (details.clearance_cost or Decimal(0)) * 3
            )
            cleared_on = min(
                self.clock.now.date(), incident.reported_at.date() + timedelta(days=self.rng.randint(1, 5))
            )
            services.record_clearance(officer, incident, cleared_on, by, cost, None)
            if self.rng.random() < 0.3:
                photo = self._photo("cleared", self.clock.now, incident.latitude, incident.longitude, None)
                services.add_evidence(officer, case, photo, "Site after clearance")

    def _repeat_incident(self, plan: _Plan, case: Case, officer: User) -> None:
        if not case.is_open:
            return
        services.add_incident(officer, case, self._incident(plan, self.clock.now, repeat=True))

    def _enforce(self, plan: _Plan, case: Case, officer: User) -> None:
        services.fire(officer, case, "take_enforcement_action", None)
        self._note(case, officer, ENFORCEMENT_NOTES[plan.type_code])

    def _prosecute(self, case: Case, officer: User) -> None:
        services.fire(officer, case, "take_enforcement_action", None)
        services.add_note(officer, case, PROSECUTION_NOTE)

    def _refer(self, plan: _Plan, case: Case, manager: User) -> None:
        reason = PANEL_REASONS.get(plan.type_code, PANEL_REASONS["asb_nuisance"])
        services.fire(manager, case, "refer_to_panel", None, TransitionInput(reason=reason))

    def _closing_outcome(self, plan: _Plan) -> str:
        if plan.outcome:
            return plan.outcome
        return "resolved" if self.rng.random() < 0.7 else "no_further_action"

    def _request_closure(self, plan: _Plan, case: Case, officer: User) -> None:
        services.fire(
            officer, case, "request_closure", None, TransitionInput(outcome=self._closing_outcome(plan))
        )

    def _approve(self, plan: _Plan, case: Case, manager: User) -> None:
        outcome = case.requested_outcome or self._closing_outcome(plan)
        services.fire(manager, case, "approve_closure", None, TransitionInput(outcome=outcome))
        self._closure_note(outcome, case, manager)

    def _close(self, plan: _Plan, case: Case, manager: User) -> None:
        outcome = plan.outcome or "no_further_action"
        original = plan.original.case if plan.original is not None else None
        services.fire(manager, case, "close", None, TransitionInput(outcome=outcome, duplicate_of=original))
        self._closure_note(outcome, case, manager)

    def _closure_note(self, outcome: str, case: Case, manager: User) -> None:
        if outcome in CLOSURE_NOTES:
            self._at("closure_note")
            services.add_note(manager, case, CLOSURE_NOTES[outcome])

    # -- files

    def _photo(
        self,
        scene: str,
        when: datetime,
        lat: float | None,
        lng: float | None,
        flytip: services.FlytipInput | None,
    ) -> CheckedFile:
        """A small phone-style JPEG of the scene, with the place and time in its EXIF like a phone's."""
        image = draw_scene(self.rng, scene, flytip.waste_types if flytip else [])
        exif = Image.Exif()
        exif[0x8769] = {36867: when.strftime("%Y:%m:%d %H:%M:%S")}
        if lat is not None and lng is not None:
            exif[0x8825] = {1: "N", 2: _dms(lat), 3: "E" if lng >= 0 else "W", 4: _dms(abs(lng))}
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=70, exif=exif)
        buffer.seek(0)
        return check_upload(buffer, f"IMG_{when:%Y%m%d_%H%M%S}.jpg")

    def _letter(self, plan: _Plan) -> CheckedFile:
        """A one-page PDF of the notice served."""
        page = Image.new("RGB", (420, 595), "white")
        draw = ImageDraw.Draw(page)
        borough = self.boroughs[plan.borough].name
        lines = [
            f"{borough} Borough Council",
            "",
            "NOTICE",
            "",
            *textwrap.wrap(ENFORCEMENT_NOTES[plan.type_code][0], 55),
        ]
        for row, line in enumerate(lines):
            draw.text((30, 40 + row * 18), line, fill="black")
        buffer = io.BytesIO()
        page.save(buffer, "PDF")
        buffer.seek(0)
        return check_upload(buffer, "notice-served.pdf")


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return (float(degrees), float(minutes), seconds)


def draw_scene(rng: random.Random, scene: str, waste_types: list[str]) -> Image.Image:
    """A simple picture of the scene: ground, a wall or the sky, and shapes for what is there."""
    image = Image.new("RGB", (480, 360), (176, 196, 214))
    draw = ImageDraw.Draw(image)
    ground = (96, 128, 70) if rng.random() < 0.5 else (110, 110, 112)
    draw.rectangle((0, 200, 480, 360), fill=ground)
    if scene == "flytipping":
        _draw_waste(rng, draw, waste_types)
    elif scene == "graffiti":
        _draw_wall(draw)
        for _ in range(6):
            points = [(rng.randint(20, 460), rng.randint(30, 190)) for _ in range(5)]
            draw.line(points, fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)), width=6)
    elif scene == "abandoned_vehicle":
        draw.rounded_rectangle((110, 170, 370, 260), radius=25, fill=(170, 170, 175))
        draw.rectangle((160, 130, 320, 180), fill=(140, 160, 180))
        for x in (160, 320):
            draw.ellipse((x - 28, 235, x + 28, 291), fill=(25, 25, 25))
    elif scene == "fly_posting":
        draw.rectangle((200, 90, 280, 300), fill=(80, 90, 80))
        for row in range(3):
            colour = (rng.randint(150, 255), rng.randint(0, 200), rng.randint(0, 120))
            draw.rectangle((205, 100 + row * 60, 275, 150 + row * 60), fill=colour)
    elif scene == "cleared":
        draw.rectangle((0, 200, 480, 360), fill=(100, 100, 104))
    else:
        for _ in range(14):
            x, y = rng.randint(10, 460), rng.randint(220, 340)
            draw.rectangle((x, y, x + rng.randint(6, 18), y + rng.randint(4, 10)), fill=(230, 230, 230))
    return image


def _draw_wall(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((0, 0, 480, 210), fill=(150, 75, 60))
    for row in range(0, 210, 20):
        offset = 0 if (row // 20) % 2 else 20
        draw.line((0, row, 480, row), fill=(200, 190, 180), width=2)
        for x in range(offset, 480, 40):
            draw.line((x, row, x, row + 20), fill=(200, 190, 180), width=2)


def _draw_waste(rng: random.Random, draw: ImageDraw.ImageDraw, waste_types: list[str]) -> None:
    for _ in range(rng.randint(3, 7)):  # black bags
        x, y = rng.randint(40, 400), rng.randint(220, 300)
        draw.ellipse((x, y, x + 60, y + 50), fill=(20, 20, 22))
    if "white_goods" in waste_types:
        draw.rectangle((300, 130, 370, 280), fill=(240, 240, 240), outline=(120, 120, 120))
    if "other_household" in waste_types or "construction" in waste_types:
        draw.rectangle((60, 190, 250, 250), fill=(140, 100, 70))  # a sofa or boards
    if "tyres" in waste_types:
        for x in (120, 180):
            draw.ellipse((x, 250, x + 50, 300), outline=(15, 15, 15), width=12)
    if "green" in waste_types:
        draw.ellipse((330, 240, 450, 320), fill=(60, 110, 40))
