"""Small charts drawn on the server as accessible SVG, for the reports' pages.

Each chart is an inline `<svg role="img">` labelled by its own `<title>` and `<desc>`, and the page
shows a table with the same numbers next to it (the chart is for a glance; the table is the record).
Every bar carries its value as text, so no reading depends on colour, and the colours are GOV.UK
palette colours with at least 3:1 contrast against white. Only presentation attributes are used
(`fill=`, `font-family=`): the app's Content Security Policy blocks inline `style` attributes.

The charts scale to the width of their container (`width="100%"` with a viewBox); their text scales
with them, which is why the tables, not the charts, carry the figures for small screens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

FONT = "arial, sans-serif"  # the page's font (no GDS Transport: ARCHITECTURE.md)
TEXT = "#0b0c0c"  # GOV.UK text colour
BAR = "#1d70b8"  # GOV.UK blue: 5.2:1 against white
MUTED = "#505a5f"  # GOV.UK secondary text: 7:1 against white, for the axes

WIDTH = 640
FONT_SIZE = 14
BAR_HEIGHT = 22
ROW_GAP = 10
# Characters of a label kept before it is shortened with an ellipsis (the table has it in full).
LABEL_CHARS = 28
CHAR_WIDTH = 7.2  # an average Arial character at FONT_SIZE, to leave room for labels


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length (`value`) and the text written at its end (`shown`)."""

    label: str
    value: float
    shown: str = ""

    @property
    def text(self) -> str:
        return self.shown or f"{self.value:,.0f}"


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its SVG (safe to put in a page) and the ids of its title and description."""

    svg: Markup
    title_id: str
    desc_id: str


def _attrs(**values: object) -> str:
    """Attributes from keywords: `text_anchor` is written text-anchor, `class_` class; floats shortened."""
    written = {name.rstrip("_").replace("_", "-"): value for name, value in values.items()}
    return " ".join(
        f'{name}="{escape(_number(value) if isinstance(value, float) else str(value))}"'
        for name, value in written.items()
    )


def _tag(name: str, **values: object) -> str:
    return f"<{name} {_attrs(**values)}/>"


def _text(x: float, y: float, words: str, **values: object) -> str:
    return f"<text {_attrs(x=float(x), y=float(y), fill=TEXT, **values)}>{escape(words)}</text>"


def _number(value: float) -> str:
    """Coordinates with at most one decimal place: shorter SVG, the same drawing."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _open_svg(chart_id: str, title: str, description: str, height: float) -> list[str]:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    root = _attrs(
        xmlns="http://www.w3.org/2000/svg",
        id=chart_id,
        class_="app-chart",
        role="img",
        aria_labelledby=f"{title_id} {desc_id}",
        viewBox=f"0 0 {WIDTH} {_number(float(height))}",
        width="100%",
        preserveAspectRatio="xMinYMin meet",
        font_family=FONT,
        font_size=FONT_SIZE,
    )
    return [
        f"<svg {root}>",
        f"<title id={_q(title_id)}>{escape(title)}</title>",
        f"<desc id={_q(desc_id)}>{escape(description)}</desc>",
    ]


def _q(value: str) -> str:
    return f'"{escape(value)}"'


def _done(parts: list[str], chart_id: str) -> Chart:
    parts.append("</svg>")
    # Every text written above went through html.escape, so the markup is safe to put in a page.
    return Chart(Markup("".join(parts)), f"{chart_id}-title", f"{chart_id}-desc")  # noqa: S704


def _scale_top(largest: float) -> float:
    """A round number at least as large as `largest`, for the end of the axis (1 for an empty chart)."""
    if largest <= 0:
        return 1
    step = 1.0
    while step * 10 <= largest:
        step *= 10
    for multiple in (1, 2, 2.5, 5, 10):
        if step * multiple >= largest:
            return step * multiple
    return step * 10


def bar_chart(
    chart_id: str, title: str, description: str, bars: Sequence[Bar], *, maximum: float | None = None
) -> Chart:
    """Horizontal bars, one row per bar, its label on the left and its value written at its end.

    `maximum` fixes the end of the scale (100 for percentages); otherwise it is a round number at
    least as large as the largest bar.
    """
    label_width = min(LABEL_CHARS, max((len(bar.label) for bar in bars), default=0)) * CHAR_WIDTH + 12
    value_width = max((len(bar.text) for bar in bars), default=0) * CHAR_WIDTH + 12
    plot_left, plot_width = label_width, max(80.0, WIDTH - label_width - value_width)
    top = maximum or _scale_top(max((bar.value for bar in bars), default=0))
    height = len(bars) * (BAR_HEIGHT + ROW_GAP) + ROW_GAP
    parts = _open_svg(chart_id, title, description, height)
    parts.append(_tag("line", x1=plot_left, y1=0, x2=plot_left, y2=float(height), stroke=MUTED))
    for row, bar in enumerate(bars):
        y = ROW_GAP + row * (BAR_HEIGHT + ROW_GAP)
        middle = y + BAR_HEIGHT / 2
        length = plot_width * max(0.0, min(bar.value, top)) / top
        parts.append(
            _text(plot_left - 8, middle, _shorten(bar.label), text_anchor="end", dominant_baseline="middle")
        )
        if length > 0:
            parts.append(_tag("rect", x=plot_left, y=float(y), width=length, height=BAR_HEIGHT, fill=BAR))
        parts.append(_text(plot_left + length + 6, middle, bar.text, dominant_baseline="middle"))
    return _done(parts, chart_id)


def column_chart(chart_id: str, title: str, description: str, columns: Sequence[Bar]) -> Chart:
    """Vertical columns (months, in order), each labelled underneath and with its value on top.

    A label may hold a second line after a newline ("Jan\\n2026"): a month and, where it changes, its year.
    """
    plot_top, plot_height, axis_gap = 24.0, 180.0, 8.0
    left = 8.0
    slot = (WIDTH - left) / max(1, len(columns))
    column_width = slot * 0.7
    top = _scale_top(max((column.value for column in columns), default=0))
    baseline = plot_top + plot_height
    height = baseline + axis_gap + FONT_SIZE * 2.5
    parts = _open_svg(chart_id, title, description, height)
    parts.append(_tag("line", x1=left, y1=baseline, x2=float(WIDTH), y2=baseline, stroke=MUTED))
    for number, column in enumerate(columns):
        x = left + number * slot + (slot - column_width) / 2
        centre = x + column_width / 2
        length = plot_height * max(0.0, min(column.value, top)) / top
        if length > 0:
            parts.append(_tag("rect", x=x, y=baseline - length, width=column_width, height=length, fill=BAR))
        parts.append(_text(centre, baseline - length - 6, column.text, text_anchor="middle"))
        for line, words in enumerate(column.label.split("\n")[:2]):
            y = baseline + axis_gap + FONT_SIZE * (1 + line * 1.2)
            parts.append(_text(centre, y, _shorten(words, 9), text_anchor="middle"))
    return _done(parts, chart_id)
