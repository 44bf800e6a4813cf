"""The workflow drawn on the server, from the same tables the services enforce (casework/cases/workflow.py).

The help page (/help/workflow) shows an inline SVG made here and, as its text alternative, tables of
the states and transitions described in plain English. Nothing here is hand-drawn: states are laid
out in the order of `workflow.STATES`, and each transition of `workflow.TRANSITIONS` becomes one
labelled connector, so adding a state or a transition to the tables changes the page by itself.

Layout: the states sit in one row. Each transition is a "lane": a horizontal line above the row
(when every source comes before the target) or below it (otherwise), with a short vertical stub from
each source box and an arrow down (or up) into the target box. Lanes are packed into levels so that
no two lanes, nor their labels, overlap on one level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from casework.auth.roles import Role
from casework.cases import workflow
from casework.cases.categories import TYPE_GROUPS, label

# Plain-English conditions for each guard of the workflow. A guard missing here is described by the
# first line of its docstring, or failing that by its name, so a new guard never breaks the page.
GUARD_TEXT: dict[object, str] = {
    workflow.outcome_given: "An outcome is chosen.",
    workflow.duplicate_names_original: (
        "When the outcome is “duplicate”, the original case is named: another case in the same borough."
    ),
    workflow.officer_assigned: "The case is assigned to an officer.",
    workflow.reason_given: "A reason is given (it is kept in the case history).",
}

# Short role names for the diagram's arrows; the tables use Role.label.
SHORT_ROLE = {Role.OFFICER: "officer", Role.MANAGER: "manager", Role.PARTNER: "partner", Role.ADMIN: "admin"}


def _flytip_text() -> str:
    exempt = " or ".join(f"“{workflow.outcome_label(code).lower()}”" for code in sorted(_exempt_outcomes()))
    group = label(TYPE_GROUPS, "flytipping").lower()
    text = f"For a {group} case, the clearance of every flytip (date and who cleared it) is recorded"
    return f"{text}, unless the outcome is {exempt}." if exempt else f"{text}."


def _exempt_outcomes() -> frozenset[str]:
    return workflow.OUTCOMES_WITHOUT_CLEARANCE


def describe_guard(guard: workflow.Guard) -> str:
    """A guard's condition in plain English."""
    if guard is workflow.flytip_cleared:
        return _flytip_text()
    if guard in GUARD_TEXT:
        return GUARD_TEXT[guard]
    doc = (getattr(guard, "__doc__", None) or "").strip()
    if doc:
        return doc.splitlines()[0]
    name = getattr(guard, "__name__", "condition").replace("_", " ").strip()
    return name[:1].upper() + name[1:] + "."


def describe_roles(roles: Iterable[Role], short: bool = False) -> str:
    """Who may fire a transition, in the order of the Role enum: 'Enforcement officer or Manager'."""
    names = [SHORT_ROLE[role] if short else role.label for role in Role if role in set(roles)]
    if not names:
        return "nobody"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _labels(codes: Iterable[str]) -> list[str]:
    wanted = set(codes)
    known = [state.label for state in workflow.STATES if state.code in wanted]
    return known + sorted(code for code in wanted if code not in {s.code for s in workflow.STATES})


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def describe_sources(sources: Iterable[str]) -> str:
    """The states a transition starts from: a list, or 'Any open state (except ...)' when shorter."""
    sources = frozenset(sources)
    open_states = frozenset(state.code for state in workflow.STATES if state.is_open)
    if sources == open_states and len(sources) > 2:
        return "Any open state"
    missing = open_states - sources
    if sources < open_states and len(sources) > 2 and len(missing) <= 2:
        return "Any open state except " + " and ".join(_labels(missing))
    return _join(_labels(sources)) if sources else "nowhere"


@dataclass(frozen=True)
class TransitionRow:
    """One transition as the help page's table shows it."""

    name: str
    label: str
    sources: str
    target: str
    roles: str
    conditions: list[str]
    description: str


@dataclass(frozen=True)
class StateRow:
    """One state as the help page's table shows it."""

    code: str
    label: str
    description: str
    is_open: bool
    is_initial: bool
    leads_to: list[str]


def transition_rows() -> list[TransitionRow]:
    """Every transition of the table, described for people."""
    return [
        TransitionRow(
            name=t.name,
            label=t.label,
            sources=describe_sources(t.sources),
            target=_labels([t.target])[0],
            roles=describe_roles(t.roles),
            conditions=[describe_guard(guard) for guard in t.guards],
            description=t.description,
        )
        for t in workflow.TRANSITIONS
    ]


def state_rows() -> list[StateRow]:
    """Every state of the table, with where a case can go from it."""
    return [
        StateRow(
            code=state.code,
            label=state.label,
            description=state.description,
            is_open=state.is_open,
            is_initial=state.code == workflow.INITIAL_STATE,
            leads_to=[
                f"{t.label} ({_labels([t.target])[0]})"
                for t in workflow.TRANSITIONS
                if state.code in t.sources
            ],
        )
        for state in workflow.STATES
    ]


# ---- drawing -----------------------------------------------------------------------------------

FONT = 14  # transition labels
STATE_FONT = 15
CHAR_W = 0.56  # rough width of an Arial character, in ems: enough to keep labels apart
BOX_W, BOX_H, GAP = 112, 60, 22
MARGIN, START_W = 16, 46
FIRST_GAP, LEVEL_PITCH, LABEL_H = 22, 42, 36
INK, LINE, BOX_FILL, CLOSED_FILL = "#0b0c0c", "#505a5f", "#f3f2f1", "#dedede"


@dataclass
class _Lane:
    transition: workflow.Transition
    sources: list[int]
    target: int
    above: bool
    lines: tuple[str, str]
    level: int = 0
    ports: dict[tuple[int, str], float] = field(default_factory=dict)  # (box, "source"/"target") -> x

    @property
    def boxes(self) -> list[int]:
        return sorted({*self.sources, self.target})

    @property
    def span(self) -> int:
        return self.boxes[-1] - self.boxes[0]

    def label_x(self) -> float:
        return (_centre(self.boxes[0]) + _centre(self.boxes[-1])) / 2

    def extent(self) -> tuple[float, float]:
        width = max(len(line) for line in self.lines) * FONT * CHAR_W + 12
        middle = self.label_x()
        return min(_left(self.boxes[0]), middle - width / 2), max(
            _left(self.boxes[-1]) + BOX_W, middle + width / 2
        )


def _left(index: int) -> float:
    return MARGIN + START_W + index * (BOX_W + GAP)


def _centre(index: int) -> float:
    return _left(index) + BOX_W / 2


def _lanes(index: dict[str, int]) -> list[_Lane]:
    lanes = []
    for transition in workflow.TRANSITIONS:
        if transition.target not in index:
            continue
        sources = sorted(index[code] for code in transition.sources if code in index)
        if not sources:
            continue
        target = index[transition.target]
        mark = "*" if transition.guards else ""
        lines = (transition.label + mark, f"({describe_roles(transition.roles, short=True)})")
        lanes.append(_Lane(transition, sources, target, all(s < target for s in sources), lines))
    return lanes


def _pack(lanes: list[_Lane]) -> int:
    """Give each lane the lowest level where it overlaps nothing; returns the number of levels."""
    taken: list[list[tuple[float, float]]] = []
    for lane in sorted(lanes, key=lambda lane: lane.span):
        low, high = lane.extent()
        for level, spans in enumerate(taken):
            if all(high + 6 < a or low - 6 > b for a, b in spans):
                lane.level = level
                spans.append((low, high))
                break
        else:
            lane.level = len(taken)
            taken.append([(low, high)])
    return len(taken)


def _place_ports(lanes: list[_Lane], count: int) -> None:
    """Spread the stubs along each box edge so that lanes nest instead of crossing at the box."""
    for above in (True, False):
        for box in range(count):
            users = []
            for lane in (lane for lane in lanes if lane.above == above and box in lane.boxes):
                others = [b for b in lane.boxes if b != box]
                if others and all(b < box for b in others):
                    order = (0, lane.level)
                elif others and all(b > box for b in others):
                    order = (2, -lane.level)
                else:
                    order = (1, lane.level)
                if box in lane.sources:
                    users.append((order, 0, lane, "source"))
                if box == lane.target:
                    users.append((order, 1, lane, "target"))
            users.sort(key=lambda item: (item[0], item[1]))
            for position, (_, _, lane, kind) in enumerate(users, start=1):
                lane.ports[(box, kind)] = _left(box) + position * BOX_W / (len(users) + 1)


def _attrs(**values: object) -> str:
    return " ".join(
        f'{key.rstrip("_").replace("_", "-")}="{escape(str(value))}"' for key, value in values.items()
    )


def _text(x: float, y: float, lines: list[str], size: int, bold: bool = False, backed: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    back = ""
    if backed:  # a white card behind a label, so the lines crossing it pass underneath
        width = max(len(line) for line in lines) * size * CHAR_W + 8
        top = y - size * 0.95
        height = size * 1.15 * (len(lines) - 1) + size * 1.3
        back = (
            f'<rect x="{x - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
            'fill="#ffffff"/>'
        )
    spans = "".join(
        f"<tspan {_attrs(x=f'{x:.1f}', dy=0 if i == 0 else round(size * 1.15))}>{escape(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return back + (
        f'<text {_attrs(x=f"{x:.1f}", y=f"{y:.1f}")} font-size="{size}" text-anchor="middle" fill="{INK}"'
        f"{weight}>{spans}</text>"
    )


def _wrap(text: str, width: float, size: int) -> list[str]:
    per_line = max(4, int(width / (size * CHAR_W)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class Drawing:
    """The SVG markup and its natural size."""

    svg: str
    width: int
    height: int


def draw(id_prefix: str = "workflow", fit_width: int | None = None) -> Drawing:
    """The workflow as an SVG document; `fit_width` makes it shrink to its container when wider.

    The SVG carries role="img" with a <title> and <desc> (aria-labelledby), so screen readers
    announce it as one image; the help page gives the full text alternative in tables.
    """
    states = list(workflow.STATES)
    index = {state.code: i for i, state in enumerate(states)}
    lanes = _lanes(index)
    levels_above = _pack([lane for lane in lanes if lane.above])
    levels_below = _pack([lane for lane in lanes if not lane.above])
    _place_ports(lanes, len(states))

    band_above = FIRST_GAP + (levels_above - 1) * LEVEL_PITCH + LABEL_H if levels_above else 0
    band_below = FIRST_GAP + (levels_below - 1) * LEVEL_PITCH + LABEL_H if levels_below else 0
    box_top = MARGIN + band_above
    box_bottom = box_top + BOX_H
    legend_y = box_bottom + band_below + 26
    width = int(_left(len(states) - 1) + BOX_W + MARGIN) if states else 2 * MARGIN + START_W
    height = int(legend_y + MARGIN)

    def lane_y(lane: _Lane) -> float:
        if lane.above:
            return box_top - FIRST_GAP - lane.level * LEVEL_PITCH
        return box_bottom + FIRST_GAP + lane.level * LEVEL_PITCH

    parts: list[str] = []
    marker = f"{id_prefix}-arrow"
    parts.append(
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        'markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{INK}"/>'
        "</marker></defs>"
    )
    labels: list[str] = []
    for lane in lanes:
        y = lane_y(lane)
        edge = box_top if lane.above else box_bottom
        xs = sorted(lane.ports.values())
        group = [f'<g class="workflow-transition" data-transition="{escape(lane.transition.name)}">']
        group.append(
            f'<path d="M{xs[0]:.1f},{y:.1f} H{xs[-1]:.1f}" stroke="{LINE}" stroke-width="2" fill="none"/>'
        )
        for (_, kind), x in sorted(lane.ports.items(), key=lambda item: item[0][1]):
            if kind == "source":
                group.append(
                    f'<path d="M{x:.1f},{edge:.1f} V{y:.1f}" stroke="{LINE}" stroke-width="2" fill="none"/>'
                )
                if xs[0] < x < xs[-1]:
                    group.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{LINE}"/>')
            else:
                group.append(
                    f'<path d="M{x:.1f},{y:.1f} V{edge:.1f}" stroke="{INK}" stroke-width="2" fill="none" '
                    f'marker-end="url(#{marker})"/>'
                )
        group.append("</g>")
        parts.append("".join(group))
        text_y = y - 6 - FONT * 1.15 if lane.above else y + FONT + 4
        labels.append(_text(lane.label_x(), text_y, list(lane.lines), FONT, backed=True))
    parts.extend(labels)  # labels last, so lines pass behind them

    for i, state in enumerate(states):
        x = _left(i)
        fill = BOX_FILL if state.is_open else CLOSED_FILL
        box = [f'<g class="workflow-state" data-state="{escape(state.code)}">']
        box.append(
            f'<rect x="{x:.1f}" y="{box_top:.1f}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" '
            f'stroke="{INK}" stroke-width="2"/>'
        )
        if not state.is_open:  # a double border marks where cases finish
            box.append(
                f'<rect x="{x + 4:.1f}" y="{box_top + 4:.1f}" width="{BOX_W - 8}" height="{BOX_H - 8}" '
                f'rx="4" fill="none" stroke="{INK}" stroke-width="1"/>'
            )
        lines = _wrap(state.label, BOX_W - 14, STATE_FONT)
        first = box_top + BOX_H / 2 - (len(lines) - 1) * STATE_FONT * 0.575 + STATE_FONT * 0.35
        box.append(_text(x + BOX_W / 2, first, lines, STATE_FONT, bold=True))
        box.append("</g>")
        parts.append("".join(box))

    if workflow.INITIAL_STATE in index:
        target = _left(index[workflow.INITIAL_STATE])
        mid = box_top + BOX_H / 2
        parts.append(
            f'<g class="workflow-start"><circle cx="{MARGIN + 6}" cy="{mid:.1f}" r="6" fill="{INK}"/>'
            f'<path d="M{MARGIN + 12},{mid:.1f} H{target:.1f}" stroke="{INK}" stroke-width="2" '
            f'marker-end="url(#{marker})"/>'
            f'<text x="{MARGIN}" y="{mid - 14:.1f}" font-size="13" fill="{INK}">Start</text></g>'
        )
    legend = (
        "* only when its conditions are met (see the table of transitions). "
        "A double border marks a state where a case is finished."
    )
    parts.append(f'<text x="{MARGIN}" y="{legend_y:.1f}" font-size="13" fill="{INK}">{escape(legend)}</text>')

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    size = 'width="100%"' if fit_width and width > fit_width else f'width="{width}" height="{height}"'
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" {size} role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="Arial, Helvetica, sans-serif" '
        'class="app-workflow">'
        f'<title id="{title_id}">The case workflow</title>'
        f'<desc id="{desc_id}">{escape(_summary(states, lanes))}</desc>'
    )
    return Drawing(head + "".join(parts) + "</svg>", width, height)


def _summary(states: list[workflow.State], lanes: list[_Lane]) -> str:
    start = _labels([workflow.INITIAL_STATE])[0] if workflow.INITIAL_STATE in {s.code for s in states} else ""
    finish = _join([s.label for s in states if not s.is_open]) if any(not s.is_open for s in states) else ""
    text = f"A diagram of {len(states)} states and {len(lanes)} actions that move a case between them."
    if start:
        text += f" Every case starts as {start}"
        text += f" and finishes as {finish}." if finish else "."
    return (
        text + " Each arrow is labelled with the action and who may take it; the tables below say the same."
    )
