"""The server-drawn SVG charts: well-formed, labelled for screen readers, readable without colour."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from casework.reports import charts
from casework.reports.charts import Bar, bar_chart, column_chart
from casework.reports.dashboard import period_for

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own drawing


def texts(root: ElementTree.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{NS}text")]


def test_bar_chart_is_labelled_and_writes_each_value_on_its_bar():
    chart = bar_chart(
        "c1",
        "Open cases by type",
        "Flytipping: 12; Graffiti: 3.",
        [Bar("Flytipping", 12), Bar("Graffiti", 3)],
    )
    root = parse(chart.svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc" == f"{chart.title_id} {chart.desc_id}"
    assert root.find(f"{NS}title").text == "Open cases by type"
    assert root.find(f"{NS}desc").text == "Flytipping: 12; Graffiti: 3."
    assert texts(root) == ["Flytipping", "12", "Graffiti", "3"]
    widths = [float(rect.get("width")) for rect in root.iter(f"{NS}rect")]
    assert abs(widths[0] - 4 * widths[1]) < 0.5  # lengths in proportion (coordinates to 0.1)


def test_text_is_escaped_and_the_markup_stays_well_formed():
    chart = bar_chart(
        "c2", 'A <b> & "c"', "desc </desc><script>", [Bar("<script>alert(1)</script>", 1, "1 & more")]
    )
    root = parse(chart.svg)
    assert "<script" not in chart.svg
    assert root.find(f"{NS}title").text == 'A <b> & "c"'
    assert texts(root)[0] == "<script>alert(1)</script>"  # as text, not as an element
    assert texts(root)[1] == "1 & more"


def test_zero_and_empty_charts_draw_without_dividing_by_zero():
    assert parse(bar_chart("z", "t", "d", [Bar("None", 0)]).svg).find(f"{NS}rect") is None
    assert parse(bar_chart("e", "t", "d", []).svg).get("role") == "img"
    assert parse(column_chart("m", "t", "d", [Bar("Jan", 0), Bar("Feb", 0)]).svg) is not None
    assert parse(column_chart("n", "t", "d", []).svg) is not None


def test_percentages_use_a_fixed_scale_and_show_their_text():
    chart = bar_chart(
        "p", "t", "d", [Bar("Triage", 50, "50% (2 of 4)"), Bar("Review", 100, "100% (1 of 1)")], maximum=100
    )
    root = parse(chart.svg)
    first, second = (float(rect.get("width")) for rect in root.iter(f"{NS}rect"))
    assert abs(second - 2 * first) < 0.2
    assert "50% (2 of 4)" in texts(root)


def test_column_chart_writes_month_and_year_under_columns():
    root = parse(
        column_chart(
            "m", "Incidents per month", "d", [Bar("Dec\n2025", 4), Bar("Jan\n2026", 2), Bar("Feb", 0)]
        ).svg
    )
    assert texts(root) == ["4", "Dec", "2025", "2", "Jan", "2026", "0", "Feb"]


def test_long_labels_are_shortened_in_the_drawing_only():
    name = "Wilmington, Sutton-at-Hone and Hawley"
    root = parse(bar_chart("w", "t", f"{name}: 3.", [Bar(name, 3)]).svg)
    assert texts(root)[0].endswith("…") and len(texts(root)[0]) <= charts.LABEL_CHARS
    assert root.find(f"{NS}desc").text == f"{name}: 3."


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_colours_contrast_at_least_3_to_1_with_white_and_no_inline_styles():
    svg = bar_chart("c", "t", "d", [Bar("A", 1)]).svg + column_chart("d", "t", "d", [Bar("A", 1)]).svg
    colours = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', svg))
    assert colours
    for colour in colours:
        assert (1.05) / (_luminance(colour) + 0.05) >= 3, colour
    assert "style=" not in svg
    assert 'font-family="arial, sans-serif"' in svg


@given(st.lists(st.tuples(st.text(max_size=60), st.integers(min_value=0, max_value=10**7)), max_size=15))
def test_any_labels_and_values_give_well_formed_svg(rows):
    # XML 1.0 cannot hold most control characters at all; the app's labels never contain them.
    clean = [("".join(ch for ch in label if ch.isprintable()), value) for label, value in rows]
    bars = [Bar(label, value) for label, value in clean]
    for chart in (bar_chart("h", "t", "d", bars), column_chart("k", "t", "d", bars)):
        root = parse(chart.svg)
        assert len(list(root.iter(f"{NS}rect"))) == sum(1 for _, value in clean if value > 0)


# ---- the periods the charts cover ------------------------------------------------------------------


def test_last_12_months_end_with_the_current_london_month():
    # In November London is on GMT: 00:30 UTC on 1 November is 00:30 on 1 November in London.
    period = period_for("12m", datetime(2026, 11, 1, 0, 30, tzinfo=UTC))
    assert [m.label for m in (period.months[0], period.months[-1])] == ["December 2025", "November 2026"]
    # 31 May 2026 23:30 UTC is 1 June 00:30 in London (BST): June is the current month.
    period = period_for("12m", datetime(2026, 5, 31, 23, 30, tzinfo=UTC))
    assert period.months[-1].label == "June 2026"
    assert period.start == datetime(2025, 6, 30, 23, 0, tzinfo=UTC)  # 1 July 2025 00:00 BST


def test_financial_years_run_april_to_march():
    march = datetime(2027, 3, 15, 12, tzinfo=UTC)
    assert period_for("fy", march).months[0].first_day == date(2026, 4, 1)
    assert len(period_for("fy", march).months) == 12
    april = datetime(2027, 4, 2, 12, tzinfo=UTC)
    assert [m.label for m in period_for("fy", april).months] == ["April 2027"]
    last = period_for("last_fy", april)
    assert (last.months[0].label, last.months[-1].label, last.end_day) == (
        "April 2026",
        "March 2027",
        date(2027, 4, 1),
    )
