"""Builders for the dashboard tests: a hand-made data set at a fixed moment, and a reader of the page's
tables (the numbers a manager reads)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest

from casework.auth.models import User
from casework.cases.models import Case
from casework.deadlines.models import Deadline
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.places.models import Borough
from tests.cases.builders import dartford, gravesham, make_case, officer_in

# A Wednesday in November 2026, 10:00 in London (GMT). "Last 12 months" is December 2025 to November
# 2026; this financial year began on 1 April 2026.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now(monkeypatch) -> datetime:
    """The dashboard and the case queue both see NOW as the current time."""
    import casework.cases.views.queue as queue_views
    import casework.reports.views.dashboard as dashboard_views

    monkeypatch.setattr(dashboard_views, "utcnow", lambda: NOW)
    monkeypatch.setattr(queue_views, "utcnow", lambda: NOW)
    return NOW


def ward(borough: Borough, name: str) -> int:
    return next(w.id for w in borough.wards if w.name == name)


def add_case(
    borough: Borough,
    *,
    code: str = "flytipping",
    state: str = "new",
    ward_name: str | None = None,
    reported_at: datetime = NOW - timedelta(days=1),
    postcode: str = "DA1 1DR",
    actor: User | None = None,
) -> Case:
    """A case logged through the services, then put in `state` with its incident reported at `reported_at`
    (the dashboard only reads; how a case got to its state does not matter to it)."""
    ward_id = ward(borough, ward_name) if ward_name else borough.wards[0].id
    case = make_case(
        actor or officer_in(borough), code=code, borough=borough, ward_id=ward_id, postcode=postcode
    )
    case.state = state
    if state == "closed":
        case.outcome, case.closed_at = "resolved", reported_at + timedelta(days=3)
    case.incidents[0].reported_at = reported_at
    db.session.commit()
    return case


def add_deadline(
    case: Case,
    kind: str,
    due_at: datetime,
    *,
    met_at: datetime | None = None,
    cancelled_at: datetime | None = None,
) -> Deadline:
    row = Deadline(
        case_id=case.id,
        kind=kind,
        label=kind,
        started_at=due_at - timedelta(days=5),
        due_at=due_at,
        met_at=met_at,
        cancelled_at=cancelled_at,
    )
    db.session.add(row)
    db.session.commit()
    return row


def add_action(
    case: Case, kind: str, status: str, issued_on: date, outcome: str | None = None
) -> EnforcementAction:
    """An enforcement action written directly (the enforcement area's services are built alongside)."""
    row = EnforcementAction(case_id=case.id, kind=kind, status=status, issued_on=issued_on, outcome=outcome)
    db.session.add(row)
    db.session.commit()
    return row


def utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Seeded:
    dartford: Borough
    gravesham: Borough
    cases: dict[str, Case] = field(default_factory=dict)


def seed() -> Seeded:
    """The data set the counting tests read (the figures they expect are written next to each test).

    Dartford (wards Swanscombe, Temple Hill, Town):
      open cases: flytipping new x2, flytipping under investigation x1, graffiti triaged x1; three closed.
      deadlines: flytip A overdue (triage, due yesterday); flytip B due tomorrow (triage);
        triage met on time and met late in October; review met on time; a triage deadline cancelled
        before it fell due (not counted); one met in November 2025 (before the last 12 months).
      incidents: Town (DA1 1DR) 4 Oct, 20 Oct, 31 Oct 23:30 UTC, 10 Nov 2026; Temple Hill 1 Dec 2025
        00:30 London and 15 Jul 2026; Swanscombe 30 Nov 2025 (before the period).
      enforcement: FPNs paid (May), unpaid (June), issued (1 Nov 2026) and one from 20 Nov 2025;
        prosecutions guilty plea (April) and not guilty (Sept); a warning letter; a draft FPN.
    Gravesham (wards Chalk, Riverside):
      open cases: flytipping new x2, noise triaged x1; deadlines: triage met late (October);
      incidents: Riverside x2 in November 2026 (DA11 0AA); enforcement: one CPW.
    """
    dar, gra = dartford(), gravesham()
    s = Seeded(dar, gra)
    c = s.cases
    c["a"] = add_case(dar, ward_name="Town", reported_at=utc(2026, 10, 4))
    c["b"] = add_case(dar, ward_name="Town", reported_at=utc(2026, 10, 20))
    c["c"] = add_case(
        dar, state="under_investigation", ward_name="Town", reported_at=utc(2026, 10, 31, 23, 30)
    )
    c["d"] = add_case(dar, code="graffiti", state="triaged", ward_name="Town", reported_at=utc(2026, 11, 10))
    # 1 December 2025 00:30 in London is 00:30 UTC (GMT): December, the first month of the period.
    c["e"] = add_case(
        dar, state="closed", ward_name="Temple Hill", reported_at=utc(2025, 12, 1, 0, 30), postcode="DA2 6AA"
    )
    # 15 July 2026 23:30 UTC is 16 July 00:30 in London (BST): still July either way.
    c["f"] = add_case(
        dar, state="closed", ward_name="Temple Hill", reported_at=utc(2026, 7, 15, 23, 30), postcode="DA2 6AB"
    )
    c["g"] = add_case(
        dar,
        state="closed",
        ward_name="Swanscombe",
        reported_at=utc(2025, 11, 30, 23, 30),
        postcode="DA10 0AA",
    )

    add_deadline(c["a"], "triage", NOW - timedelta(days=1))
    add_deadline(c["b"], "triage", NOW + timedelta(days=1))
    add_deadline(c["c"], "triage", utc(2026, 10, 10), met_at=utc(2026, 10, 9))
    add_deadline(c["d"], "triage", utc(2026, 10, 1), met_at=utc(2026, 10, 3))
    add_deadline(c["d"], "review", utc(2026, 10, 20), met_at=utc(2026, 10, 20))
    add_deadline(c["e"], "triage", utc(2026, 11, 1), cancelled_at=utc(2026, 10, 30))
    add_deadline(c["e"], "review", utc(2025, 11, 10), met_at=utc(2025, 11, 15))

    add_action(c["a"], "fpn", "paid", date(2026, 5, 1))
    add_action(c["a"], "fpn", "unpaid", date(2026, 6, 1))
    add_action(c["b"], "fpn", "issued", date(2026, 11, 1))
    add_action(c["b"], "fpn", "paid", date(2025, 11, 20))
    add_action(c["c"], "prosecution", "concluded", date(2026, 4, 10), outcome="guilty_plea")
    add_action(c["c"], "prosecution", "concluded", date(2026, 9, 10), outcome="not_guilty")
    add_action(c["d"], "warning_letter", "issued", date(2026, 8, 1))
    add_action(c["d"], "fpn", "draft", date(2026, 11, 2))

    c["h"] = add_case(gra, ward_name="Riverside", reported_at=utc(2026, 11, 2), postcode="DA11 0AA")
    c["i"] = add_case(gra, ward_name="Riverside", reported_at=utc(2026, 11, 3), postcode="DA11 0AA")
    c["j"] = add_case(gra, code="noise", state="triaged", ward_name="Chalk", reported_at=utc(2024, 1, 5))
    add_deadline(c["j"], "triage", utc(2026, 10, 5), met_at=utc(2026, 10, 7))
    add_action(c["h"], "cpw", "issued", date(2026, 10, 1))
    return s


# ---- reading the page ------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Collects each <table id=...>: its caption and its rows of cell texts (header cells included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict] = {}
        self._table: dict | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False
        self._hidden = 0  # depth inside a visually hidden span (text for screen readers only)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._hidden or "govuk-visually-hidden" in (attrs.get("class") or ""):
            self._hidden += tag == "span"
        if tag == "table":
            self._table = {"caption": "", "rows": []}
            self.tables[attrs.get("id") or f"table-{len(self.tables)}"] = self._table
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if self._hidden and tag == "span":
            self._hidden -= 1
        if tag == "table":
            self._table = None
        elif tag == "caption":
            self._in_caption = False
        elif tag == "tr" and self._row is not None and self._table is not None:
            self._table["rows"].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None

    def handle_data(self, data):
        if self._hidden:
            return
        if self._in_caption and self._table is not None:
            self._table["caption"] += data.strip()
        elif self._cell is not None:
            self._cell.append(data)


class Page:
    """The dashboard page as a manager reads it."""

    def __init__(self, html: str) -> None:
        self.html = html
        parser = _Tables()
        parser.feed(html)
        self.tables = parser.tables

    def table(self, table_id: str) -> dict[str, dict[str, str]]:
        """{row heading: {column heading: cell text}}; visually hidden link texts are kept out."""
        rows = self.tables[table_id]["rows"]
        header = rows[0]
        return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows[1:]}

    def text(self) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.html))


def read(client, path: str = "/dashboard") -> Page:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return Page(response.get_data(as_text=True))
