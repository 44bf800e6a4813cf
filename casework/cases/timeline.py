"""A case's timeline: its history events, incidents and notes merged into one list, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casework.cases.categories import REPORT_CHANNELS, label
from casework.cases.incident_models import Incident
from casework.cases.models import Case, CaseEvent
from casework.cases.record_models import Note

# These events announce a record that the timeline shows in full (the incident, the note), so
# showing the event as well would say the same thing twice.
FOLDED_EVENT_KINDS = frozenset({"incident_added", "note_added"})
KIND_ORDER = {"event": 0, "incident": 1, "note": 2}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: exactly one of `event`, `incident` or `note` is set."""

    at: datetime
    kind: str  # "event", "incident" or "note"
    title: str
    actor: str | None
    event: CaseEvent | None = None
    incident: Incident | None = None
    note: Note | None = None

    @property
    def restricted(self) -> bool:
        return self.note is not None and self.note.restricted

    @property
    def anchor(self) -> str:
        """An id for linking to the entry from elsewhere on the page."""
        record = self.event or self.incident or self.note
        return f"{self.kind}-{record.id if record is not None else 0}"


def _from_event(event: CaseEvent) -> Entry:
    actor = event.actor.name if event.actor else "The system"
    return Entry(at=event.at, kind="event", title=event.summary or event.kind, actor=actor, event=event)


def _from_incident(incident: Incident) -> Entry:
    title = f"Incident reported: {label(REPORT_CHANNELS, incident.channel).lower() or 'channel not known'}"
    actor = incident.recorded_by.name if incident.recorded_by else None
    return Entry(at=incident.reported_at, kind="incident", title=title, actor=actor, incident=incident)


def _from_note(note: Note) -> Entry:
    title = "Restricted note" if note.restricted else "Note"
    actor = note.author.name if note.author else None
    return Entry(at=note.created_at, kind="note", title=title, actor=actor, note=note)


def build_timeline(case: Case) -> list[Entry]:
    """Every event, incident and note of the case, newest first."""
    entries = [_from_event(event) for event in case.events if event.kind not in FOLDED_EVENT_KINDS]
    entries += [_from_incident(incident) for incident in case.incidents]
    entries += [_from_note(note) for note in case.notes]
    return sorted(entries, key=_newest_first, reverse=True)


def _newest_first(entry: Entry) -> tuple[datetime, int, int]:
    # Rows written in one transaction share a timestamp; their ids keep them in the order written.
    record = entry.event or entry.incident or entry.note
    return entry.at, KIND_ORDER[entry.kind], record.id if record is not None else 0
