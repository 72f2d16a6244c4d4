"""The slip as a PDF: a thermal roll 58 or 80 mm wide (as long as the slip), or A6.

Drawn with ReportLab in the card's typeface (app/cards/fonts.py: a font package or the OS's
DejaVu, never a file in this repository), which covers Ukrainian and Romanian letters.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from app.cards.fonts import Weight, pdf_font
from app.slips.lines import SlipText


@dataclass(frozen=True)
class Paper:
    width: float
    height: float | None  # None: a roll, cut after the last line
    margin: float
    size: float  # the body's font size in points


PAPER = {
    "58": Paper(58 * mm, None, 3 * mm, 8),
    "80": Paper(80 * mm, None, 4 * mm, 9.5),
    "a6": Paper(A6[0], A6[1], 8 * mm, 10),
}


@dataclass(frozen=True)
class _Line:
    text: str
    weight: Weight
    size: float
    gap: float = 0.0  # space above the line


def _lines(text: SlipText, paper: Paper) -> list[_Line]:
    body, big = paper.size, paper.size * 1.5
    width = paper.width - 2 * paper.margin
    out: list[_Line] = []

    def add(words: str, weight: Weight = "regular", size: float = body, gap: float = 0) -> None:
        for n, part in enumerate(simpleSplit(words, pdf_font(weight), size, width)):
            out.append(_Line(part, weight, size, gap if n == 0 else 0))

    for title in text.titles:
        add(title, "bold", body * 1.2)
    for n, site in enumerate(text.site):
        add(site, gap=body * 0.6 if n == 0 else 0)
    add(text.when)
    for n, (quantity, names) in enumerate(text.items):
        add(f"{quantity} × {' / '.join(names)}", gap=body * 0.6 if n == 0 else 0)
    for n, line in enumerate(text.nothing):
        add(line, gap=body * 0.6 if n == 0 else 0)
    for n, line in enumerate(text.next_visits):
        add(line, "bold", gap=body * 0.6 if n == 0 else 0)
    add(" / ".join(text.reference_label), gap=body * 0.6)
    add(text.reference, "bold", big)
    for n, line in enumerate(text.keep):
        add(line, size=body * 0.85, gap=body * 0.4 if n == 0 else 0)
    return out


def slip_pdf(text: SlipText, paper_name: str) -> bytes:
    """One page: the slip on the paper named ``58``, ``80`` or ``a6``."""
    paper = PAPER[paper_name]
    lines = _lines(text, paper)
    content = sum(line.size * 1.25 + line.gap for line in lines)
    height = paper.height or content + 2 * paper.margin
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(paper.width, height), invariant=True)
    canvas.setTitle("AidDesk slip")
    canvas.setCreator("AidDesk")
    y = height - paper.margin
    for line in lines:
        y -= line.gap + line.size * 1.25
        canvas.setFont(pdf_font(line.weight), line.size)
        canvas.drawString(paper.margin, y + line.size * 0.25, line.text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
