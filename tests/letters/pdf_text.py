"""Reading the text a PDF draws, without a PDF library: enough to check what a letter says."""

from __future__ import annotations

import re
import zlib

STREAM_RE = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
SHOW_RE = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")


def pdf_text(data: bytes) -> str:
    """The strings a PDF's pages show, joined by spaces (Windows-1252 as fpdf2's built-in fonts write)."""
    assert data.startswith(b"%PDF-"), "not a PDF"
    assert data.rstrip().endswith(b"%%EOF"), "PDF is cut short"
    shown: list[str] = []
    for match in STREAM_RE.finditer(data):
        try:
            content = zlib.decompress(match.group(1))
        except zlib.error:
            content = match.group(1)
        for text in SHOW_RE.findall(content):
            unescaped = re.sub(rb"\\(.)", rb"\1", text)
            shown.append(unescaped.decode("windows-1252"))
    return " ".join(" ".join(shown).split())
