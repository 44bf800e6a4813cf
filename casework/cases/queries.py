"""Reading cases: the queue (filters, sorting, pagination, counts), "my cases", search and CSV rows.

Every query here is limited by `scope.case_scope(user)` in its WHERE clause, so what a user may
see is decided by the database query, never by hiding links.

Performance: open cases are a small part of all cases once years have closed, so two partial indexes
cover them (WHERE state <> 'closed'): `ix_cases_open_type` (borough, type, created, id, then the other
filter columns) and `ix_cases_open_recent` (created, id, then the filter columns). The common view (one
borough, open, one type, newest first, 50 rows) is an ordered index scan stopped after 50 rows, and
its counts per state are one GROUP BY answered by an index-only scan of the matching open cases.
Filter values are turned into ids in Python (types, boroughs) so no join is needed to filter. Views
over closed cases (status=closed or all) read the full-table indexes and cost more at scale. The
"overdue" and "due soon" filters are EXISTS probes into the partial index of open deadlines
(case_id, due_at), one index lookup per candidate case, and the page's "Due" column is one grouped
query over the page's case ids on the same index.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, literal, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import workflow
from casework.cases.categories import FLYTIP_SIZES, LAND_TYPES, WASTE_TYPES, label
from casework.cases.incident_models import Incident
from casework.cases.location import LocationError, normalise_postcode
from casework.cases.models import Case, CaseType, Priority
from casework.cases.party_models import CaseParty, Person
from casework.cases.scope import case_scope
from casework.db_types import utcnow
from casework.deadlines.models import Deadline
from casework.deadlines.queries import due_soon_clause, overdue_case_ids_clause
from casework.extensions import db
from casework.formatting import london
from casework.places.models import Borough, Ward

PAGE_SIZE = 50
SEARCH_LIMIT = 50
MINE_LIMIT = 200

ALL_STATES = frozenset(state.code for state in workflow.STATES)
CLOSED_STATES = ALL_STATES - workflow.OPEN_STATES
STATE_ORDER = {state.code: number for number, state in enumerate(workflow.STATES)}

STATUSES: tuple[tuple[str, str], ...] = (
    ("open", "Open cases"),
    ("closed", "Closed cases"),
    ("all", "Open and closed cases"),
)
STATUS_STATES = {"open": workflow.OPEN_STATES, "closed": CLOSED_STATES, "all": ALL_STATES}

SORTS: tuple[tuple[str, str], ...] = (
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("updated", "Recently updated"),
    ("reference", "Reference"),
    ("state", "State"),
)
TRUTHY = frozenset({"1", "y", "yes", "on", "true"})

DUE_SOON_WORKING_DAYS = 2
DUES: tuple[tuple[str, str], ...] = (
    ("", "Any"),
    ("overdue", "Overdue"),
    ("soon", f"Due within {DUE_SOON_WORKING_DAYS} working days"),
)


# ---- what a user may filter by -------------------------------------------------------------------


@dataclass
class FilterChoices:
    """The values this user may filter the queue by: only boroughs, wards and officers in scope."""

    boroughs: list[Borough]
    wards: list[Ward]
    officers: list[User]
    priorities: list[Priority]
    types: list[CaseType]

    @property
    def partnership_wide(self) -> bool:
        return len(self.boroughs) > 1


def filter_choices(user: User) -> FilterChoices:
    """Boroughs, wards, officers, priorities and case types offered to `user` as filters."""
    boroughs = select(Borough).order_by(Borough.name)
    wards = (
        select(Ward).options(joinedload(Ward.borough)).join(Ward.borough).order_by(Borough.name, Ward.name)
    )
    officers = select(User).where(User.role.in_([Role.OFFICER.value, Role.MANAGER.value])).order_by(User.name)
    if user.borough_id is not None:
        boroughs = boroughs.where(Borough.id == user.borough_id)
        wards = wards.where(Ward.borough_id == user.borough_id)
        officers = officers.where(or_(User.borough_id == user.borough_id, User.borough_id.is_(None)))
    return FilterChoices(
        boroughs=list(db.session.scalars(boroughs)),
        wards=list(db.session.scalars(wards)),
        officers=list(db.session.scalars(officers)),
        priorities=list(db.session.scalars(select(Priority).order_by(Priority.number))),
        types=list(db.session.scalars(select(CaseType).order_by(CaseType.sort_order, CaseType.name))),
    )


# ---- the filter --------------------------------------------------------------------------------


@dataclass
class QueueFilter:
    """The queue's filter, sort and page, as read from (and written back to) the query string."""

    states: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    borough: str | None = None
    ward: int | None = None
    officer: int | None = None
    unassigned: bool = False
    priority: int | None = None
    due: str | None = None  # "overdue" or "soon" (due within DUE_SOON_WORKING_DAYS, not yet overdue)
    status: str = "open"
    sort: str = "newest"
    page: int = 1
    # Resolved from the codes above by parse_filter, so queries filter on ids without joins.
    type_ids: list[int] = field(default_factory=list)
    borough_id: int | None = None

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for this filter (defaults left out), with `changes` applied."""
        merged = replace(self, **changes)
        args: dict[str, Any] = {
            "status": merged.status if merged.status != "open" else None,
            "state": merged.states or None,
            "type": merged.types or None,
            "borough": merged.borough,
            "ward": merged.ward,
            "officer": merged.officer,
            "unassigned": "1" if merged.unassigned else None,
            "priority": merged.priority,
            "due": merged.due,
            "sort": merged.sort if merged.sort != "newest" else None,
            "page": merged.page if merged.page != 1 else None,
        }
        return {key: value for key, value in args.items() if value is not None}

    @property
    def listed_states(self) -> frozenset[str]:
        """The states whose cases are listed: the chosen states, or else those of the status."""
        return frozenset(self.states) if self.states else STATUS_STATES[self.status]

    @property
    def counted_states(self) -> frozenset[str]:
        """The states counted: the status's states plus any chosen outside it (the state filter itself
        is left out, so the counts show what choosing another state would give)."""
        return STATUS_STATES[self.status] | frozenset(self.states)

    @property
    def is_filtered(self) -> bool:
        return bool(self.to_args(page=1, sort="newest"))


def _one_int(args: Mapping[str, Any], name: str, problems: list[str], what: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        problems.append(f"The {what} filter was ignored: “{raw[:40]}” is not one you can choose")
        return None
    return int(raw)


def parse_filter(args, choices: FilterChoices) -> tuple[QueueFilter, list[str]]:
    """Read a QueueFilter from query arguments (a MultiDict); values that are not valid for this user
    are ignored and described in the returned problems, so a bad bookmark never fails."""
    problems: list[str] = []
    result = QueueFilter()

    status = (args.get("status") or "open").strip()
    if status in STATUS_STATES:
        result.status = status
    else:
        problems.append("The open or closed filter was ignored: choose open, closed or all")

    for raw in args.getlist("state"):
        if raw in ALL_STATES and raw not in result.states:
            result.states.append(raw)
        elif raw and raw not in ALL_STATES:
            problems.append(f"The state filter “{raw[:40]}” was ignored: it is not a state")

    type_ids = {t.code: t.id for t in choices.types}
    for raw in args.getlist("type"):
        if raw in type_ids and raw not in result.types:
            result.types.append(raw)
            result.type_ids.append(type_ids[raw])
        elif raw and raw not in type_ids:
            problems.append(f"The type filter “{raw[:40]}” was ignored: it is not a case type")

    borough = (args.get("borough") or "").strip().upper()
    borough_ids = {b.code: b.id for b in choices.boroughs}
    if borough in borough_ids:
        result.borough, result.borough_id = borough, borough_ids[borough]
    elif borough:
        problems.append(f"The borough filter “{borough[:10]}” was ignored: it is not a borough you work in")

    ward = _one_int(args, "ward", problems, "ward")
    if ward is not None and ward not in {w.id for w in choices.wards}:
        problems.append("The ward filter was ignored: it is not a ward you work in")
        ward = None
    result.ward = ward

    result.unassigned = (args.get("unassigned") or "").strip().lower() in TRUTHY
    officer = _one_int(args, "officer", problems, "officer")
    if officer is not None and officer not in {u.id for u in choices.officers}:
        problems.append("The officer filter was ignored: choose an officer who works in your area")
        officer = None
    if officer is not None and result.unassigned:
        problems.append("The officer filter was ignored because you asked for unassigned cases")
        officer = None
    result.officer = officer

    priority = _one_int(args, "priority", problems, "priority")
    if priority is not None and priority not in {p.id for p in choices.priorities}:
        problems.append("The priority filter was ignored: it is not a priority")
        priority = None
    result.priority = priority

    due = (args.get("due") or "").strip().lower()
    if due in dict(DUES) and due:
        result.due = due
    elif due and due != "any":
        problems.append(
            f"The deadline filter “{due[:20]}” was ignored: choose overdue "
            f"or due within {DUE_SOON_WORKING_DAYS} working days"
        )

    sort = (args.get("sort") or "newest").strip()
    if sort in dict(SORTS):
        result.sort = sort
    else:
        problems.append(f"The sort order “{sort[:20]}” was ignored: cases are shown newest first")

    raw_page = (args.get("page") or "1").strip()
    result.page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 1_000_000 else 1
    if result.page == 1 and raw_page != "1":
        problems.append("The page number was ignored: showing the first page")
    return result, problems


# ---- the queue ---------------------------------------------------------------------------------


def _state_clause(codes: frozenset[str]) -> ColumnElement[bool] | None:
    """A WHERE clause for `codes`, written to match the partial index for the common 'open' case."""
    if codes >= ALL_STATES:
        return None
    if codes == workflow.OPEN_STATES and frozenset({"closed"}) == CLOSED_STATES:
        # Inlined, not a bound parameter, so that PostgreSQL matches the partial indexes
        # (WHERE state <> 'closed') even when it plans a prepared statement generically.
        return Case.state != literal("closed", literal_execute=True)
    if codes == workflow.OPEN_STATES:
        return Case.state.not_in(sorted(CLOSED_STATES))
    return Case.state.in_(sorted(codes))


def due_clauses(due: str | None, now: datetime) -> list[ColumnElement[bool]]:
    """The conditions of the deadline filter at `now`: "soon" leaves out overdue cases, so that the
    two choices never list the same case."""
    if due == "overdue":
        return [overdue_case_ids_clause(now)]
    if due == "soon":
        return [due_soon_clause(now, DUE_SOON_WORKING_DAYS), ~overdue_case_ids_clause(now)]
    return []


def _base_clauses(user: User, f: QueueFilter, now: datetime | None = None) -> list[ColumnElement[bool]]:
    """Every condition of the filter except the states (scope first); `now` times the deadline filter."""
    clauses: list[ColumnElement[bool]] = [case_scope(user)]
    if f.borough_id is not None:
        clauses.append(Case.borough_id == f.borough_id)
    if len(f.type_ids) == 1:
        clauses.append(Case.case_type_id == f.type_ids[0])
    elif f.type_ids:
        clauses.append(Case.case_type_id.in_(f.type_ids))
    if f.ward is not None:
        clauses.append(Case.ward_id == f.ward)
    if f.unassigned:
        clauses.append(Case.assigned_to_id.is_(None))
    elif f.officer is not None:
        clauses.append(Case.assigned_to_id == f.officer)
    if f.priority is not None:
        clauses.append(Case.priority_id == f.priority)
    if f.due:
        clauses.extend(due_clauses(f.due, now or utcnow()))
    return clauses


def _where(select_: Select, clauses: list[ColumnElement[bool]], states: frozenset[str]) -> Select:
    state = _state_clause(states)
    return select_.where(*clauses, *([state] if state is not None else []))


def state_counts(user: User, f: QueueFilter, now: datetime | None = None) -> dict[str, int]:
    """Cases per state for the filter without its state choice: one GROUP BY query."""
    query = _where(select(Case.state, func.count()), _base_clauses(user, f, now), f.counted_states)
    found = dict(db.session.execute(query.group_by(Case.state)).tuples().all())
    return {
        state.code: found.get(state.code, 0) for state in workflow.STATES if state.code in f.counted_states
    }


def _ordering(sort: str) -> tuple:
    if sort == "oldest":
        return (Case.created_at.asc(), Case.id.asc())
    if sort == "updated":
        return (Case.updated_at.desc(), Case.id.desc())
    if sort == "reference":
        return (Case.reference.asc(),)
    if sort == "state":
        return (
            case(STATE_ORDER, value=Case.state, else_=len(STATE_ORDER)),
            Case.created_at.desc(),
            Case.id.desc(),
        )
    return (Case.created_at.desc(), Case.id.desc())


def _list_options() -> tuple:
    """Load what a case list shows with the cases themselves (no query per row)."""
    return (
        joinedload(Case.case_type),
        joinedload(Case.ward),
        joinedload(Case.borough),
        joinedload(Case.assigned_to),
        joinedload(Case.priority),
    )


@dataclass(frozen=True)
class NextDue:
    """A case's earliest open deadline, for the queue's "Due" column."""

    due_at: datetime
    overdue: bool


def next_due(case_ids: list[int], now: datetime) -> dict[int, NextDue]:
    """The earliest open deadline of each of these cases (those with one), in one grouped query."""
    if not case_ids:
        return {}
    query = (
        select(Deadline.case_id, func.min(Deadline.due_at))
        .where(Deadline.case_id.in_(case_ids), Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None))
        .group_by(Deadline.case_id)
    )
    return {case_id: NextDue(due_at, due_at <= now) for case_id, due_at in db.session.execute(query)}


@dataclass
class QueuePage:
    """One page of the queue with its counts and each listed case's earliest open deadline."""

    cases: list[Case]
    counts: dict[str, int]
    total: int
    page: int
    pages: int
    due: dict[int, NextDue] = field(default_factory=dict)

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last_number(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def queue_page(user: User, f: QueueFilter, now: datetime | None = None) -> QueuePage:
    """The page of cases the filter asks for (a page past the end shows the last page), at `now`."""
    now = now or utcnow()
    counts = state_counts(user, f, now)
    total = sum(count for code, count in counts.items() if code in f.listed_states)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(f.page, pages)
    cases: list[Case] = []
    if total:
        query = _where(select(Case), _base_clauses(user, f, now), f.listed_states)
        query = query.options(*_list_options()).order_by(*_ordering(f.sort))
        cases = list(db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    due = next_due([c.id for c in cases], now)
    return QueuePage(cases=cases, counts=counts, total=total, page=page, pages=pages, due=due)


def page_numbers(page: int, pages: int) -> list[int | None]:
    """Page numbers for the GOV.UK pagination component: first, last, and around the current page,
    with None for an ellipsis."""
    wanted = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


# ---- my cases and the home pages -------------------------------------------------------------------


def _mine(user: User) -> Select:
    return _where(select(Case), [case_scope(user), Case.assigned_to_id == user.id], workflow.OPEN_STATES)


def my_open_cases(user: User, limit: int = MINE_LIMIT) -> list[Case]:
    """The user's open assigned cases, most recently updated first."""
    query = _mine(user).options(*_list_options()).order_by(Case.updated_at.desc(), Case.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def my_open_count(user: User) -> int:
    """How many open cases are assigned to the user."""
    return db.session.scalar(_mine(user).with_only_columns(func.count(), maintain_column_froms=True)) or 0


def open_unassigned_count(user: User) -> int:
    """Open cases in the user's scope with nobody assigned."""
    query = _where(
        select(func.count()).select_from(Case),
        [case_scope(user), Case.assigned_to_id.is_(None)],
        workflow.OPEN_STATES,
    )
    return db.session.scalar(query) or 0


# ---- search ------------------------------------------------------------------------------------

REFERENCE_RE = re.compile(r"^[A-Z]{2,5}-\d{4}-\d{1,6}$")


@dataclass
class SearchResults:
    """What a search found: cases the user may see and people on those cases."""

    query: str
    cases: list[Case]
    people: list[Person]
    postcode: str | None = None
    more_cases: bool = False
    more_people: bool = False


def exact_reference(user: User, query: str) -> Case | None:
    """The visible case whose reference is exactly `query` (any letter case, spaces and leading zeros
    of the number ignored), if any."""
    reference = re.sub(r"\s+", "", query).upper()
    if not REFERENCE_RE.match(reference):
        return None
    prefix, year, number = reference.split("-")
    reference = f"{prefix}-{year}-{int(number):05d}"  # DAR-2026-42 is DAR-2026-00042
    return db.session.scalar(select(Case).where(case_scope(user), Case.reference == reference))


def _people_matching(query: str) -> ColumnElement[bool] | None:
    words = [word for word in re.split(r"[\s,]+", query) if word]
    conditions: list[ColumnElement[bool]] = []
    if words:
        # Every word must be part of the first or last name ("jo smith", "smith jo").
        conditions.append(_all_words_in_name(words))
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 6 and len(digits) >= len(query.replace(" ", "")) - 2:
        conditions.append(func.replace(Person.phone, " ", "").contains(digits, autoescape=True))
    if "@" in query or "." in query:
        conditions.append(Person.email.icontains(query.strip(), autoescape=True))
    return or_(*conditions) if conditions else None


def _all_words_in_name(words: list[str]) -> ColumnElement[bool]:
    return and_(
        *(
            or_(
                Person.first_name.icontains(word, autoescape=True),
                Person.last_name.icontains(word, autoescape=True),
            )
            for word in words
        )
    )


def _matching_case_ids(query: str, postcode: str | None, person_match: ColumnElement[bool] | None) -> Select:
    """Ids of cases matching the query, one branch per kind of match so that each uses its own index
    (or scan) instead of one OR across tables; branches that cannot match are left out."""
    branches: list[Select] = []
    if postcode:
        branches.append(select(Incident.case_id).where(Incident.postcode == postcode))
    elif re.fullmatch(r"[A-Za-z]{1,2}\d[A-Za-z\d]?", query):  # an outward code: DA1, DA11
        branches.append(select(Incident.case_id).where(Incident.postcode.startswith(query.upper() + " ")))
    compact = re.sub(r"\s+", "", query).upper()
    looks_like_reference = re.search(r"\d", compact) and re.fullmatch(r"[A-Z0-9-]+", compact)
    if looks_like_reference and not postcode:
        branches.append(select(Case.id).where(Case.reference.contains(compact, autoescape=True)))
    if not postcode and len(query) >= 3:
        branches.append(select(Incident.case_id).where(Incident.address.icontains(query, autoescape=True)))
    if person_match is not None:
        branches.append(
            select(CaseParty.case_id).join(Person, Person.id == CaseParty.person_id).where(person_match)
        )
    return (
        union(*branches) if len(branches) > 1 else branches[0] if branches else select(Case.id).where(false())
    )


def search(user: User, query: str) -> SearchResults:
    """Cases by reference (exact or partial), postcode, address or person; people by name, phone or
    e-mail who appear on a case the user may see."""
    query = query.strip()[:100]
    try:
        postcode = normalise_postcode(query)
    except LocationError:
        postcode = None
    person_match = _people_matching(query)
    cases_query = (
        select(Case)
        .where(case_scope(user), Case.id.in_(_matching_case_ids(query, postcode, person_match)))
        .options(*_list_options())
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(SEARCH_LIMIT + 1)
    )
    cases = list(db.session.scalars(cases_query))
    people: list[Person] = []
    if person_match is not None:
        visible_parts = (
            select(CaseParty.person_id).join(Case, Case.id == CaseParty.case_id).where(case_scope(user))
        )
        people_query = (
            select(Person)
            .where(person_match, Person.id.in_(visible_parts))
            .order_by(Person.last_name, Person.first_name, Person.id)
            .limit(SEARCH_LIMIT + 1)
        )
        people = list(db.session.scalars(people_query))
    return SearchResults(
        query=query,
        cases=cases[:SEARCH_LIMIT],
        people=people[:SEARCH_LIMIT],
        postcode=postcode,
        more_cases=len(cases) > SEARCH_LIMIT,
        more_people=len(people) > SEARCH_LIMIT,
    )


def person_parts(user: User, person_id: int) -> tuple[Person, list[CaseParty]] | None:
    """A person and their parts on cases the user may see; None when they are on none of them."""
    person = db.session.get(Person, person_id)
    if person is None:
        return None
    query = (
        select(CaseParty)
        .join(Case, Case.id == CaseParty.case_id)
        .where(CaseParty.person_id == person_id, case_scope(user))
        .options(joinedload(CaseParty.case).options(*_list_options()))
        .order_by(Case.created_at.desc(), CaseParty.id)
    )
    parts = list(db.session.scalars(query).unique())
    return (person, parts) if parts else None


# ---- CSV export --------------------------------------------------------------------------------

CSV_HEADER = [
    "Reference",
    "Type",
    "State",
    "Outcome",
    "Borough",
    "Ward",
    "Assigned officer",
    "Priority",
    "Created",
    "Updated",
    "Address",
    "Postcode",
    "Easting",
    "Northing",
    "Flytip size",
    "Land type",
    "Waste types",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell as text, with a leading quote when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _london_iso(value: datetime | None) -> str:
    local = london(value)
    return local.isoformat(timespec="seconds") if local else ""


def _csv_row(case_: Case) -> list[str]:
    first = case_.incidents[0] if case_.incidents else None
    flytip = first.flytip if first is not None else None
    row = [
        case_.reference,
        case_.case_type.name,
        workflow.state_label(case_.state),
        workflow.outcome_label(case_.outcome),
        case_.borough.name,
        case_.ward.name if case_.ward else "",
        case_.assigned_to.name if case_.assigned_to else "",
        str(case_.priority) if case_.priority else "",
        _london_iso(case_.created_at),
        _london_iso(case_.updated_at),
        first.address if first else "",
        first.postcode if first else "",
        first.easting if first else "",
        first.northing if first else "",
        label(FLYTIP_SIZES, flytip.size) if flytip else "",
        label(LAND_TYPES, flytip.land_type) if flytip else "",
        "; ".join(label(WASTE_TYPES, code) for code in flytip.waste_types) if flytip else "",
    ]
    return [safe_cell(value) for value in row]


def export_rows(
    user: User, f: QueueFilter, batch: int = 500, *, now: datetime | None = None
) -> Iterator[list[str]]:
    """The header and one row per case matching the filter at `now` (every page), fetched in batches."""
    yield CSV_HEADER
    query = _where(select(Case), _base_clauses(user, f, now), f.listed_states)
    query = query.options(
        *_list_options(), selectinload(Case.incidents).selectinload(Incident.flytip)
    ).order_by(*_ordering(f.sort))
    for case_ in db.session.scalars(query.execution_options(yield_per=batch)):
        yield _csv_row(case_)
