"""A produced letter as a PDF, drawn with fpdf2 (pure Python: no system libraries to install).

The built-in PDF fonts (Helvetica) cover Windows-1252, which has £, curly quotes and dashes; any
other character is written without its accent, or as "?", rather than failing the letter.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from casework.letters.wording import blocks

ENCODING = "windows-1252"
LINE = 5.5  # mm between lines of body text
GREY = (80, 90, 95)
# Letters that do not decompose into a plain letter and an accent.
_PLAIN = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "\u0131": "i", "ĸ": "k"})


def printable(text: str) -> str:
    """`text` reduced to what the built-in fonts can draw."""
    out = []
    for char in text.translate(_PLAIN):
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode(ENCODING, "ignore").decode(ENCODING)
            out.append(plain or "?")
    return "".join(out)


class _LetterPDF(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4", unit="mm")
        self.core_fonts_encoding = ENCODING
        self.footer_text = footer_text
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, printable(f"{self.footer_text}   Page {self.page_no()} of {{nb}}"), align="C")


def letter_pdf(title: str, heading: dict[str, Any], body: str) -> bytes:
    """The letter as PDF bytes: letterhead, recipient, date and references, title, then the body."""
    pdf = _LetterPDF(f"Reference {heading.get('notice_reference') or heading.get('case_reference', '')}")
    pdf.set_title(printable(title))
    pdf.set_author(printable(heading.get("council_name", "")))
    pdf.set_creator("casework")
    pdf.add_page()
    _letterhead(pdf, heading)
    _recipient(pdf, heading)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, printable(title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    _body(pdf, body)
    return bytes(pdf.output())


def _letterhead(pdf: FPDF, heading: dict[str, Any]) -> None:
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 8, printable(heading.get("council_name", "")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5, printable(heading.get("partnership_name", "")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(11, 92, 92)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
    pdf.ln(8)


def _recipient(pdf: FPDF, heading: dict[str, Any]) -> None:
    top = pdf.get_y()
    pdf.set_font("Helvetica", size=11)
    lines = [heading.get("recipient_name", ""), *heading.get("recipient_address_lines", [])]
    for line in lines:
        pdf.cell(100, LINE, printable(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_xy(pdf.w - pdf.r_margin - 70, top)
    for label, key in (
        ("Date", "letter_date"),
        ("Our reference", "notice_reference"),
        ("Case", "case_reference"),
    ):
        if heading.get(key):
            pdf.set_x(pdf.w - pdf.r_margin - 70)
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(28, LINE, printable(label))
            pdf.set_font("Helvetica", size=10)
            pdf.cell(42, LINE, printable(heading[key]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(bottom, pdf.get_y()) + 8)


def _body(pdf: FPDF, body: str) -> None:
    for block in blocks(body):
        if block.kind == "heading":
            pdf.ln(1)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 6.5, printable(block.lines[0]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif block.kind == "bullets":
            pdf.set_font("Helvetica", size=11)
            for line in block.lines:
                pdf.set_x(pdf.l_margin + 3)
                pdf.cell(5, LINE, printable("•"))
                pdf.multi_cell(0, LINE, printable(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2.5)
        else:
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(
                0, LINE, printable("\n".join(block.lines)), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.ln(2.5)
