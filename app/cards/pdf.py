"""Cards as PDF: one card on a page of card size, or A4 sheets of ten cards with cut marks.

Drawn from the layout the PNG uses (layout.py), in vectors: the QR's modules stay sharp at
any printer's resolution. What every card shares is drawn once per file, as a form that
each card places, so a 2,000-card sheet stays small and quick to make.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.cards.fonts import pdf_font
from app.cards.layout import (
    CARD_HEIGHT,
    CARD_WIDTH,
    CardFace,
    Line,
    Qr,
    face_lines,
    fixed_lines,
    photo_box,
    qr_box,
)
from app.cards.qr import QUIET_MODULES

COLUMNS, ROWS = 2, 5
CARDS_PER_PAGE = COLUMNS * ROWS
PAGE_WIDTH, PAGE_HEIGHT = A4
# The cards touch: one straight cut separates two of them. The block sits in the middle.
SHEET_LEFT = (PAGE_WIDTH - COLUMNS * CARD_WIDTH) / 2
SHEET_TOP = (PAGE_HEIGHT - ROWS * CARD_HEIGHT) / 2
MARK_GAP = 1.5 * mm  # between a cut mark and the card's edge
MARK_LENGTH = 5 * mm
FIXED_FORM = "card-fixed"
_DARK_RUN = re.compile(rb"\x01+")

Progress = Callable[[int], None]


def card_pdf(face: CardFace) -> bytes:
    """One card on a page of its own size, for a card printer or a single reprint."""
    out = io.BytesIO()
    canvas = _canvas(out, (CARD_WIDTH, CARD_HEIGHT))
    _define_fixed_form(canvas)
    _draw_card(canvas, face, 0, 0)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def sheet_pdf(faces: Sequence[CardFace], progress: Progress | None = None) -> bytes:
    """A4 pages of ten cards (two across, five down) with cut marks in the margins.

    ``progress`` is told the number of cards drawn so far, after each card.
    """
    out = io.BytesIO()
    canvas = _canvas(out, A4)
    _define_fixed_form(canvas)
    for start in range(0, len(faces), CARDS_PER_PAGE):
        page = faces[start : start + CARDS_PER_PAGE]
        for i, face in enumerate(page):
            row, column = divmod(i, COLUMNS)
            left = SHEET_LEFT + column * CARD_WIDTH
            bottom = PAGE_HEIGHT - SHEET_TOP - (row + 1) * CARD_HEIGHT
            _draw_card(canvas, face, left, bottom)
            if progress:
                progress(start + i + 1)
        _draw_cut_marks(canvas)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _canvas(out: io.BytesIO, size: tuple[float, float]) -> Canvas:
    # invariant: no timestamp or random file id, so the same cards make the same bytes.
    canvas = Canvas(out, pagesize=size, pageCompression=1, invariant=1)
    canvas.setTitle("AidDesk cards")
    canvas.setCreator("AidDesk")
    return canvas


def _define_fixed_form(canvas: Canvas) -> None:
    canvas.beginForm(FIXED_FORM, 0, 0, CARD_WIDTH, CARD_HEIGHT)
    _draw_lines(canvas, fixed_lines())
    canvas.endForm()


def _draw_card(canvas: Canvas, face: CardFace, left: float, bottom: float) -> None:
    canvas.saveState()
    canvas.translate(left, bottom)
    canvas.doForm(FIXED_FORM)
    _draw_lines(canvas, face_lines(face))
    _draw_qr(canvas, qr_box(face))
    photo = photo_box(face)
    if photo:
        canvas.drawImage(
            ImageReader(io.BytesIO(photo.jpeg)),
            photo.x,
            CARD_HEIGHT - photo.y - photo.height,
            photo.width,
            photo.height,
            preserveAspectRatio=True,
            anchor="c",
        )
    canvas.restoreState()


def _draw_lines(canvas: Canvas, lines: Sequence[Line]) -> None:
    for line in lines:
        canvas.setFillGray(line.grey)
        canvas.setFont(pdf_font(line.weight), line.size)
        canvas.drawString(line.x, CARD_HEIGHT - line.baseline, line.text)


def _draw_qr(canvas: Canvas, qr: Qr) -> None:
    """Dark modules as one path of rectangles, one per run of dark modules in a row.

    One path, so no hairline seams show between neighbouring rectangles on screen. The path
    is written as PDF operators in whole module units: ReportLab's own path object formats
    each number in Python, which took most of a sheet's time.
    """
    module = qr.module
    canvas.saveState()
    # Module coordinates: x across, y down, one unit a module, (0, 0) the symbol's corner.
    canvas.translate(qr.x + QUIET_MODULES * module, CARD_HEIGHT - qr.y - QUIET_MODULES * module)
    canvas.scale(module, -module)
    canvas.setFillGray(0)
    runs = [
        f"{run.start()} {y} {run.end() - run.start()} 1 re"
        for y, row in enumerate(qr.rows)
        for run in _DARK_RUN.finditer(row)
    ]
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()


def _draw_cut_marks(canvas: Canvas) -> None:
    """Short lines in the margins, in line with every edge of the block of cards."""
    canvas.saveState()
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0)
    top = PAGE_HEIGHT - SHEET_TOP
    bottom = top - ROWS * CARD_HEIGHT
    right = SHEET_LEFT + COLUMNS * CARD_WIDTH
    for column in range(COLUMNS + 1):
        x = SHEET_LEFT + column * CARD_WIDTH
        canvas.line(x, top + MARK_GAP, x, top + MARK_GAP + MARK_LENGTH)
        canvas.line(x, bottom - MARK_GAP, x, bottom - MARK_GAP - MARK_LENGTH)
    for row in range(ROWS + 1):
        y = top - row * CARD_HEIGHT
        canvas.line(SHEET_LEFT - MARK_GAP, y, SHEET_LEFT - MARK_GAP - MARK_LENGTH, y)
        canvas.line(right + MARK_GAP, y, right + MARK_GAP + MARK_LENGTH, y)
    canvas.restoreState()
