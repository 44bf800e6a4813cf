"""Messages are rendered from templates/emails as plain text and HTML, in plain English, from the
context they are given and nothing else."""

from __future__ import annotations

import re

import pytest

from casework.notifications.render import (
    EMAIL_TEMPLATES,
    TemplateError,
    email_environment,
    link,
    render_message,
)

CONTEXT = {
    "subject": "Case DAR-2026-00042 is due for review on Friday",
    "greeting_name": "Sam",
    "paragraphs": [
        "The review of case DAR-2026-00042 is due on Friday 4 December.",
        "Please review the case and record what happens next.",
    ],
    "link_url": "https://casework.example.gov.uk/cases/DAR-2026-00042",
    "link_text": "Open the case",
}


def test_a_message_has_a_subject_a_plain_text_body_and_an_html_body(app):
    rendered = render_message("notice", CONTEXT)

    assert rendered.subject == CONTEXT["subject"]
    assert rendered.text.startswith(
        "Dear Sam,\n\nThe review of case DAR-2026-00042 is due on Friday 4 December."
    )
    assert "Open the case:\nhttps://casework.example.gov.uk/cases/DAR-2026-00042" in rendered.text
    assert "<" not in rendered.text  # plain text is plain
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in rendered.html
    assert '<a href="https://casework.example.gov.uk/cases/DAR-2026-00042"' in rendered.html
    assert "Please review the case and record what happens next.</p>" in rendered.html
    # Both say who sent it and that replies go nowhere.
    for body in (rendered.text, rendered.html):
        assert "Dartford and Gravesham Community Safety Partnership" in body
        assert "Please do not reply" in body


def test_plain_english_short_sentences_and_no_system_words(app):
    rendered = render_message("notice", CONTEXT)
    text = rendered.text
    words_per_sentence = [len(s.split()) for s in re.split(r"[.!?:]\s", text) if s.strip()]

    assert max(words_per_sentence) <= 25, words_per_sentence
    for jargon in (
        "idempotency",
        "outbox",
        "None",
        "null",
        "undefined",
        "template",
        "Message-ID",
        "{{",
        "{%",
    ):
        assert jargon not in text and jargon not in rendered.html
    assert "\n\n\n\n" not in text  # no gaping holes where optional parts were left out


def test_the_html_version_escapes_what_the_text_version_shows_as_is(app):
    context = {**CONTEXT, "paragraphs": ["Bins & bags <left> by the gate"]}
    rendered = render_message("notice", context)

    assert "Bins & bags <left> by the gate" in rendered.text
    assert "Bins &amp; bags &lt;left&gt; by the gate" in rendered.html


def test_optional_parts_can_be_left_out(app):
    rendered = render_message("notice", {"subject": "Hello", "paragraphs": ["One line."]})
    assert rendered.text.startswith("Hello,\n\nOne line.\n")
    assert "Open it in" not in rendered.text


def test_templates_see_only_their_context_and_safe_names(app):
    globals_ = set(email_environment().globals)

    # No request, signed-in user, session, flashed messages or configuration: a message carries
    # only what its caller put in the context.
    assert globals_.isdisjoint({"request", "session", "current_user", "g", "config", "url_for"})
    assert {"partnership_name", "service_name", "base_url", "link"} <= globals_


def test_a_value_missing_from_the_context_is_an_error_not_a_blank(app):
    with pytest.raises(TemplateError, match="'paragraphs' is undefined"):
        render_message("notice", {"subject": "Hello"})


def test_links_are_absolute_from_the_configured_base_url(mail_app):
    mail_app(SERVER_NAME_FOR_LINKS="https://casework.example.gov.uk/")

    assert link("notifications.message", message_id=7) == "https://casework.example.gov.uk/admin/messages/7"
    assert link("/referrals") == "https://casework.example.gov.uk/referrals"
    rendered = render_message("notice", {"subject": "S", "paragraphs": ["P"], "link_url": link("/referrals")})
    assert "https://casework.example.gov.uk/referrals" in rendered.text


def test_every_message_template_has_a_subject_and_a_plain_text_body():
    names = {p.name.split(".")[0] for p in EMAIL_TEMPLATES.glob("*.txt")} | {
        p.name.split(".")[0] for p in EMAIL_TEMPLATES.glob("*.html")
    }
    names = {n for n in names if not n.startswith("_")}
    assert "notice" in names
    for name in sorted(names):
        assert (EMAIL_TEMPLATES / f"{name}.subject.txt").exists(), f"{name}.subject.txt is missing"
        assert (EMAIL_TEMPLATES / f"{name}.txt").exists(), f"{name}.txt is missing"
