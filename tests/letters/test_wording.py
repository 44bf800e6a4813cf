"""Wording: placeholders are checked against the list, filled as plain text, and laid out in blocks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.letters.wording import (
    DEFAULT_WORDING,
    PLACEHOLDERS,
    WordingError,
    blocks,
    check_wording,
    fill,
    placeholders_in,
)


def test_every_default_wording_uses_only_known_placeholders():
    for wording in DEFAULT_WORDING:
        check_wording(wording.title)
        check_wording(wording.body)
        assert "recipient_name" in placeholders_in(wording.body)
        assert "officer_name" in placeholders_in(wording.body)


def test_the_statutory_letters_cite_their_law_and_rights():
    text = {wording.code: wording.body for wording in DEFAULT_WORDING}
    assert "section 43" in text["cpw"] and "{{ compliance_date }}" in text["cpw"]
    assert "21 days" in text["cpn"] and "magistrates' court" in text["cpn"]
    assert "14 days" in text["fpn"] and "prosecut" in text["fpn"] and "{{ amount }}" in text["fpn"]
    assert "section 34" in text["s34_notice"] and "waste transfer note" in text["s34_notice"]


def test_an_unknown_placeholder_is_named_in_the_error():
    with pytest.raises(WordingError) as raised:
        check_wording("Dear {{ recipient_name }}, you owe {{ fine_total }}")
    assert "{{ fine_total }}" in raised.value.message
    assert raised.value.field == "body"


def test_code_in_a_placeholder_is_refused_not_run():
    with pytest.raises(WordingError) as raised:
        check_wording("{{ config.SECRET_KEY }} {{ ''.__class__ }}")
    assert "not placeholders" in raised.value.message


def test_an_unclosed_placeholder_is_refused():
    with pytest.raises(WordingError, match="not closed"):
        check_wording("Dear {{ recipient_name }} by {{ compliance_date")


def test_fill_puts_in_values_as_plain_text():
    text = fill(
        "Dear {{recipient_name}}, by {{ compliance_date }}.",
        {
            "recipient_name": "<b>Jo</b> {{ officer_name }}",
            "compliance_date": "1 May 2026",
        },
    )
    # Values are never filled again, and markup stays text for the renderer to escape.
    assert text == "Dear <b>Jo</b> {{ officer_name }}, by 1 May 2026."


def test_blocks_read_headings_bullets_and_paragraphs():
    found = blocks("Dear Jo\n\n## What you must do\n- stop\n- tidy up\nThanks\n\nYours\nSam")
    assert [(b.kind, b.lines) for b in found] == [
        ("paragraph", ("Dear Jo",)),
        ("heading", ("What you must do",)),
        ("bullets", ("stop", "tidy up")),
        ("paragraph", ("Thanks",)),
        ("paragraph", ("Yours", "Sam")),
    ]


@given(st.text(max_size=200))
def test_checking_any_text_either_passes_or_gives_a_wording_error(text):
    try:
        check_wording(text)
    except WordingError as error:
        assert error.message
    else:
        assert all(name in PLACEHOLDERS for name in placeholders_in(text))
