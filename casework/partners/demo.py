"""Demo data of the partners area: agency contacts, the panels' members and chairs, open referrals
on the demo cases (one to each panel and one straight to Kent Police) and two coming meetings.

Called at the end of casework.demo.seed_demo, after the cases exist. Idempotent: contacts are added
when missing, a panel's members and chair only when it has none, and the referrals and meetings
only when there are none at all. Referrals are made through the real services, some dated a few
days back, so within minutes of `make run` the sweep reminds an agency of an action that is nearly
due and escalates an overdue one to the panel chair, and the coming meeting's agenda is e-mailed.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from casework.auth.models import User
from casework.cases.models import Case, CaseEvent, CaseType
from casework.db_types import utcnow
from casework.deadlines.calendar import current_calendar
from casework.extensions import db
from casework.formatting import LONDON
from casework.partners import meetings, services
from casework.partners.models import Agency, Panel, PanelMeeting, Referral
from casework.partners.services import ActionInput, ReferralInput

# Contacts per agency short name: (name, e-mail, role). Example domains only: nothing is delivered.
CONTACTS: dict[str, list[tuple[str, str, str]]] = {
    "DBC": [("Dartford Community Safety Unit", "csu@dartford.council.example", "Team mailbox")],
    "GBC": [("Gravesham Community Safety Unit", "csu@gravesham.council.example", "Team mailbox")],
    "KCC": [("KCC Community Safety", "community.safety@kent.council.example", "Team mailbox")],
    "Police": [
        ("Kent Police ASB team", "asb@kent.police.example", "ASB team mailbox"),
        ("Inspector Dana Reeve", "dana.reeve@kent.police.example", "Community safety inspector"),
    ],
    "KFRS": [("KFRS Community Safety", "community.safety@kent.fire.example", "Team mailbox")],
    "Probation": [("Probation, North Kent", "north.kent@probation.example", "Team mailbox")],
    "ICB": [("ICB Safeguarding", "safeguarding@dgs.icb.example", "Safeguarding lead")],
    "OPCC": [("OPCC Partnerships", "partnerships@kent.pcc.example", "Partnerships officer")],
}
# Panel code: (member agency short names, chair's e-mail: a demo manager).
PANEL_SETUP: dict[str, tuple[list[str], str]] = {
    "csmap": (["DBC", "GBC", "KCC", "Police", "KFRS", "Probation", "ICB"], "manager@demo.test"),
    "asb_case_review": (["DBC", "GBC", "Police", "KCC"], "manager.dartford@demo.test"),
    "env_tasking": (["DBC", "GBC", "KCC", "Police"], "manager.gravesham@demo.test"),
}
REFERRER = "manager@demo.test"


def seed_demo_partners(agencies: dict[str, Agency], added: dict[str, int]) -> None:
    """Add the partners area's demo data that is missing; `added` counts what was added."""
    added["panels"] = len(meetings.seed_panels())
    added["agency contacts"] = sum(
        services.seed_contacts(agencies[short], rows) for short, rows in CONTACTS.items() if short in agencies
    )
    db.session.flush()
    added["panel members"] = _set_up_panels(agencies)
    db.session.commit()
    referrer = db.session.scalar(select(User).where(User.email == REFERRER, User.active.is_(True)))
    if referrer is None or db.session.scalar(select(func.count()).select_from(Referral)):
        added["referrals"] = 0
        return
    added["referrals"] = _DemoReferrals(referrer, agencies).write()
    added["panel meetings"] = _meetings(referrer) if added["referrals"] else 0


def _set_up_panels(agencies: dict[str, Agency]) -> int:
    count = 0
    for code, (members, chair_email) in PANEL_SETUP.items():
        panel = db.session.scalar(select(Panel).where(Panel.code == code))
        if panel is None:
            continue
        if not panel.members:
            panel.members = [agencies[short] for short in members if short in agencies]
            count += len(panel.members)
        if panel.chair_user_id is None and panel.chair_contact_id is None:
            panel.chair_user = db.session.scalar(select(User).where(User.email == chair_email))
    return count


class _DemoReferrals:
    """Referrals on the demo cases, made by the partnership manager through the services."""

    def __init__(self, referrer: User, agencies: dict[str, Agency]) -> None:
        self.referrer = referrer
        self.agencies = agencies
        self.now = utcnow()
        self.calendar = current_calendar()
        self.panels = {p.code: p for p in db.session.scalars(select(Panel))}
        self.used: set[int] = set()

    def _day(self, working_days: int):
        return self.calendar.add_working_days(self.now.astimezone(LONDON).date(), working_days)

    def _case(self, type_codes: tuple[str, ...], states: tuple[str, ...]) -> Case | None:
        query = (
            select(Case)
            .join(CaseType, CaseType.id == Case.case_type_id)
            .where(CaseType.code.in_(type_codes), Case.state.in_(states), Case.id.not_in(self.used or {0}))
            .order_by(Case.id)
        )
        case = db.session.scalar(query.limit(1))
        if case is not None:
            self.used.add(case.id)
        return case

    def _when(self, case: Case, days_ago: float) -> datetime:
        """A time `days_ago` back, but after everything already in the case's history."""
        latest = db.session.scalar(select(func.max(CaseEvent.at)).where(CaseEvent.case_id == case.id))
        wanted = self.now - timedelta(days=days_ago)
        return min(max(wanted, latest + timedelta(minutes=5)), self.now) if latest else wanted

    def _refer(self, case: Case | None, data: ReferralInput, days_ago: float = 0) -> int:
        if case is None:
            return 0
        services.refer_case(self.referrer, case, data, now=self._when(case, days_ago) if days_ago else None)
        return 1

    def _id(self, short: str) -> int:
        return self.agencies[short].id

    def write(self) -> int:
        """Make the demo referrals; returns how many were made."""
        made = 0
        if "csmap" in self.panels and "Police" in self.agencies:
            case = self._case(("asb_personal",), ("referred_to_panel",))
            council = "DBC" if case is not None and case.borough.code == "DAR" else "GBC"
            made += self._refer(
                case,
                ReferralInput(
                    reason="High-risk victim; the behaviour continued after a Community Protection Warning.",
                    asked="Agree a joint plan to protect the victim and stop the behaviour.",
                    panel_id=self.panels["csmap"].id,
                    actions=[
                        # Overdue already: the sweep escalates it to the panel chair.
                        ActionInput(
                            self._id("Police"),
                            "Add the address to patrol plans for four weeks",
                            self._day(-3),
                        ),
                        # Due soon: the sweep reminds the council's contacts.
                        ActionInput(
                            self._id(council), "Visit the victim with the housing officer", self._day(2)
                        ),
                    ],
                ),
                days_ago=14,
            )
            made += self._refer(
                self._case(("asb_nuisance",), ("referred_to_panel",)),
                ReferralInput(
                    reason="Needs a joined-up response from the police, the housing provider and youth "
                    "services.",
                    asked="Consider the case at the next meeting and agree actions.",
                    panel_id=self.panels["csmap"].id,
                ),
                days_ago=6,
            )
        if "env_tasking" in self.panels and "Police" in self.agencies:
            made += self._refer(
                self._case(("flytipping",), ("referred_to_panel",)),
                ReferralInput(
                    reason="Repeat flytipping by the same van across both boroughs.",
                    asked="Identify the van and plan a joint stop-and-check operation.",
                    panel_id=self.panels["env_tasking"].id,
                    actions=[
                        ActionInput(
                            self._id("Police"), "Check the van's registration against ANPR", self._day(3)
                        )
                    ],
                ),
                days_ago=7,
            )
        if "asb_case_review" in self.panels and "KCC" in self.agencies:
            made += self._refer(
                self._case(("asb_personal", "asb_nuisance"), ("under_investigation", "enforcement_action")),
                ReferralInput(
                    reason="The victim has applied for an ASB Case Review: three reports in six months.",
                    asked="Decide whether the threshold is met and, if so, review the case.",
                    panel_id=self.panels["asb_case_review"].id,
                    actions=[
                        ActionInput(
                            self._id("KCC"),
                            "Send the agency's record of contacts with the victim",
                            self._day(8),
                        )
                    ],
                ),
            )
        if "Police" in self.agencies:
            made += self._refer(
                self._case(
                    ("asb_nuisance", "noise", "asb_environmental", "asb_personal"),
                    ("under_investigation", "enforcement_action", "awaiting_compliance"),
                ),
                ReferralInput(
                    reason="Reports suggest the group is linked to drug dealing in the area.",
                    asked="Share what the police know about the group and patrol the area.",
                    agency_id=self._id("Police"),
                    actions=[
                        ActionInput(
                            self._id("Police"),
                            "Share any reports about the group from the last three months",
                            self._day(1),
                        )
                    ],
                ),
                days_ago=2,
            )
        return made


def _meetings(referrer: User) -> int:
    """A coming meeting of the multi-agency panel (its agenda is due now) and of the tasking group."""
    calendar = current_calendar()
    today = utcnow().astimezone(LONDON).date()
    count = 0
    for code, working_days, where in (
        ("csmap", 2, "Civic Centre, Dartford: Committee Room 2"),
        ("env_tasking", 8, "Civic Centre, Gravesend: Council Chamber"),
    ):
        panel = db.session.scalar(select(Panel).where(Panel.code == code))
        if panel is None or db.session.scalar(
            select(PanelMeeting.id).where(PanelMeeting.panel_id == panel.id)
        ):
            continue
        starts = datetime.combine(calendar.add_working_days(today, working_days), time(10, 0), tzinfo=LONDON)
        meetings.schedule_meeting(referrer, panel, starts, where)
        count += 1
    return count
