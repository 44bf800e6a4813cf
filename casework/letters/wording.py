"""The wording of letters: placeholders, their checking and filling, and the default wording.

Wording is plain text that a council edits. Placeholders are written `{{ recipient_name }}` and must
be one of PLACEHOLDERS: nothing else is evaluated, so wording can never run code or reach data that
is not given to it. A line starting "## " is a heading, lines starting "- " are a bulleted list, and
a blank line separates paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# name -> what it stands for (shown to administrators beside the wording).
PLACEHOLDERS: dict[str, str] = {
    "recipient_name": "the name of the person the action is against",
    "recipient_address": "their address, over several lines",
    "council_name": "the council of the case's borough",
    "partnership_name": "the community safety partnership",
    "case_reference": "the case reference, such as DAR-2026-00042",
    "notice_reference": "the reference of this notice (case reference and action number)",
    "letter_date": "the date the letter is produced",
    "officer_name": "the name of the officer producing the letter",
    "issued_on": "the date the action was issued",
    "compliance_date": "the date by which the recipient must comply",
    "conduct": "the conduct complained of, as recorded on the action, else the first report's description",
    "requirements": "what the recipient must do or stop doing",
    "offence": "the offence of a fixed penalty notice",
    "amount": "the fixed penalty amount",
    "early_amount": "the reduced amount for early payment",
    "early_payment_offer": "a sentence offering the reduced amount, or nothing when none is offered",
    "payment_due": "the date by which the fixed penalty must be paid",
    "incident_address": "where the case's first incident happened",
}

PLACEHOLDER_RE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
NAME_RE = re.compile(r"^[a-z_]+$")
MAX_BODY = 20_000
MAX_TITLE = 200


class WordingError(ValueError):
    """Wording that cannot be saved, with a message for the page and the field it concerns."""

    def __init__(self, message: str, field: str = "body") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def placeholders_in(text: str) -> list[str]:
    """The placeholder names used in `text`, in order of first use."""
    found: list[str] = []
    for match in PLACEHOLDER_RE.finditer(text):
        name = match.group(1).strip()
        if name not in found:
            found.append(name)
    return found


def check_wording(text: str, field: str = "body") -> None:
    """Raise WordingError when `text` has an unknown or badly written placeholder."""
    unknown = [name for name in placeholders_in(text) if name not in PLACEHOLDERS]
    if unknown:
        shown = ", ".join("{{ " + name + " }}" for name in unknown)
        raise WordingError(
            f"{shown} {'is not a placeholder' if len(unknown) == 1 else 'are not placeholders'} "
            "this letter can fill in. Use only the placeholders listed on this page",
            field,
        )
    leftover = PLACEHOLDER_RE.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        raise WordingError(
            "A placeholder is not closed: write each one with two braces on both sides, like "
            "{{ recipient_name }}",
            field,
        )


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each placeholder with its value (plain text; escaping is the renderer's job)."""
    return PLACEHOLDER_RE.sub(lambda match: values.get(match.group(1).strip(), ""), text)


@dataclass(frozen=True)
class Block:
    """A piece of a letter's body: a heading, a paragraph (lines kept) or a bulleted list."""

    kind: str  # heading, paragraph, bullets
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """Split filled-in wording into headings, paragraphs and bulleted lists."""
    found: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        paragraph: list[str] = []
        bullets: list[str] = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("## "):
                _flush(found, paragraph, bullets)
                found.append(Block("heading", (stripped[3:].strip(),)))
            elif stripped.startswith("- "):
                if paragraph:
                    _flush(found, paragraph, [])
                bullets.append(stripped[2:].strip())
            else:
                if bullets:
                    _flush(found, [], bullets)
                paragraph.append(stripped)
        _flush(found, paragraph, bullets)
    return found


def _flush(found: list[Block], paragraph: list[str], bullets: list[str]) -> None:
    if paragraph:
        found.append(Block("paragraph", tuple(paragraph)))
        paragraph.clear()
    if bullets:
        found.append(Block("bullets", tuple(bullets)))
        bullets.clear()


@dataclass(frozen=True)
class DefaultWording:
    """A letter's code, the action kinds it serves, and its default title and body."""

    code: str
    kinds: tuple[str, ...]
    title: str
    body: str


WORDING_DIR = Path(__file__).resolve().parent / "default_wording"
# (code, action kinds it serves, title); the default wording is in default_wording/<code>.txt.
_DEFAULTS = (
    ("warning_letter", ("warning_letter",), "Warning letter"),
    ("cpw", ("cpw",), "Community Protection Warning"),
    ("cpn", ("cpn",), "Community Protection Notice"),
    ("fpn", ("fpn",), "Fixed Penalty Notice"),
    ("s34_notice", ("s34_notice",), "Notice to produce waste transfer documents"),
)
DEFAULT_WORDING: tuple[DefaultWording, ...] = tuple(
    DefaultWording(code, kinds, title, (WORDING_DIR / f"{code}.txt").read_text(encoding="utf-8").strip())
    for code, kinds, title in _DEFAULTS
)

# The button that produces each letter on the case page.
BUTTON_TEXT = {
    "warning_letter": "Produce warning letter",
    "cpw": "Produce CPW letter",
    "cpn": "Produce CPN letter",
    "fpn": "Produce FPN letter",
    "s34_notice": "Produce s.34 notice",
}

WORDING_BY_CODE: dict[str, DefaultWording] = {item.code: item for item in DEFAULT_WORDING}


def letters_for_kind(kind: str) -> list[DefaultWording]:
    """The letters an enforcement action of this kind can produce."""
    return [item for item in DEFAULT_WORDING if kind in item.kinds]
