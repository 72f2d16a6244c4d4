"""Where everything sits on the card: one layout, drawn as a PNG (render.py) and a PDF (pdf.py).

The card is credit-card size, 85.6 x 54 mm. Units here are points (1/72 inch) from the card's
top-left corner; a Line's ``baseline`` is the y of its text's baseline.

What the card shows, and nothing more: a title and two labels in Romanian, Ukrainian and
English, the head's name in Latin letters (and a second line in the native script when it is
known), the card number for typing by hand, and the QR. No document number, no household size,
no health mark, no colour: a lost card tells a finder nothing about the family.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.lib.units import mm

from app.cards.fonts import Weight, text_width
from app.cards.qr import QUIET_MODULES, qr_modules
from app.cards.tokens import format_card_number

CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm

# The QR with its quiet zone fills a 44 mm square at the right: modules of about 1.2 mm,
# which a cheap scanner reads at arm's length. 2 mm of card stays around it for the cut.
QR_BOX = 44 * mm
QR_X = CARD_WIDTH - 2 * mm - QR_BOX
QR_Y = (CARD_HEIGHT - QR_BOX) / 2
LEFT = 4 * mm
TEXT_WIDTH = QR_X - LEFT  # the QR's own quiet zone keeps the text off the symbol

# The head's photo, when the center takes photos (AID_PHOTOS): beside the titles, which end
# about 30 mm from the left, and clear of the QR's quiet zone. Small, but enough to tell the
# holder at the desk.
PHOTO_WIDTH = 8.5 * mm
PHOTO_HEIGHT = 11 * mm
PHOTO_X = QR_X - PHOTO_WIDTH
PHOTO_Y = 2.5 * mm
TITLE = ("Card de beneficiar", "Картка отримувача", "Beneficiary card")
NAME_LABEL = "Nume · Ім’я · Name"
NUMBER_LABEL = "Nr. card · № картки · Card no."
LABEL_GREY = 0.3


@dataclass(frozen=True)
class CardFace:
    """What one card shows. ``native_name`` is the name in its own script, when known."""

    name: str
    number: str
    qr: str
    native_name: str | None = None
    photo: bytes | None = None  # the head's photo (JPEG), when there is one


@dataclass(frozen=True)
class Photo:
    x: float
    y: float
    width: float
    height: float
    jpeg: bytes


@dataclass(frozen=True)
class Line:
    text: str
    x: float
    baseline: float
    size: float
    weight: Weight = "regular"
    grey: float = 0.0  # 0 is black


@dataclass(frozen=True)
class Qr:
    """The QR's square, quiet zone included; ``rows`` hold 1 for a dark module."""

    x: float
    y: float
    size: float
    rows: tuple[bytes, ...]

    @property
    def modules(self) -> int:
        """Modules across, quiet zone included."""
        return len(self.rows) + 2 * QUIET_MODULES

    @property
    def module(self) -> float:
        return self.size / self.modules


@dataclass(frozen=True)
class CardLayout:
    lines: tuple[Line, ...]
    qr: Qr
    photo: Photo | None = None


@cache
def fixed_lines() -> tuple[Line, ...]:
    """The lines every card shares (drawn once per sheet in the PDF)."""
    title = tuple(Line(text, LEFT, 15 + i * 9.5, 8.5, "bold") for i, text in enumerate(TITLE))
    return (
        *title,
        Line(NAME_LABEL, LEFT, 58, 6.5, grey=LABEL_GREY),
        Line(NUMBER_LABEL, LEFT, CARD_HEIGHT - 31, 6.5, grey=LABEL_GREY),
    )


def face_lines(face: CardFace) -> tuple[Line, ...]:
    """The lines that differ from card to card: the name and the number."""
    sizes = (12.0, 11.0, 10.0, 9.0)
    name, size = fit_lines(face.name, "bold", TEXT_WIDTH, sizes, max_lines=2)
    lines = [Line(text, LEFT, 70 + i * size * 1.1, size, "bold") for i, text in enumerate(name)]
    if face.native_name:
        native, native_size = fit_lines(face.native_name, "regular", TEXT_WIDTH, (9.5, 8.5, 7.5))
        top = lines[-1].baseline + native_size * 1.3
        lines += [Line(text, LEFT, top, native_size) for text in native]
    number = format_card_number(face.number)
    (number_text,), number_size = fit_lines(number, "bold", TEXT_WIDTH, (17.0, 15.0, 13.0))
    lines.append(Line(number_text, LEFT, CARD_HEIGHT - 14, number_size, "bold"))
    return tuple(lines)


def qr_box(face: CardFace) -> Qr:
    return Qr(QR_X, QR_Y, QR_BOX, qr_modules(face.qr))


def photo_box(face: CardFace) -> Photo | None:
    if not face.photo:
        return None
    return Photo(PHOTO_X, PHOTO_Y, PHOTO_WIDTH, PHOTO_HEIGHT, face.photo)


def lay_out(face: CardFace) -> CardLayout:
    return CardLayout(
        lines=(*fixed_lines(), *face_lines(face)), qr=qr_box(face), photo=photo_box(face)
    )


def fit_lines(
    text: str, weight: Weight, width: float, sizes: tuple[float, ...], max_lines: int = 1
) -> tuple[tuple[str, ...], float]:
    """``text`` in the largest of ``sizes`` at which it fits ``width`` on one line, else on
    up to ``max_lines`` lines broken at spaces; failing both, one line shrunk to fit."""
    text = " ".join(text.split())
    for size in sizes:
        if text_width(text, weight, size) <= width:
            return (text,), size
    if max_lines > 1:
        for size in sizes:
            lines = _wrap(text, weight, width, size, max_lines)
            if lines:
                return lines, size
    smallest = sizes[-1]
    measured = text_width(text, weight, smallest)
    return (text,), smallest * width / measured if measured else smallest


def _wrap(
    text: str, weight: Weight, width: float, size: float, max_lines: int
) -> tuple[str, ...] | None:
    """Words filled greedily into lines of ``width``; None when they need more lines."""
    lines: list[str] = []
    for word in text.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, weight, size) <= width:
            lines[-1] = candidate
        elif text_width(word, weight, size) <= width:
            lines.append(word)
        else:
            return None
    return tuple(lines) if len(lines) <= max_lines else None
