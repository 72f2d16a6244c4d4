"""The card's typeface, for the PNG (Pillow) and the PDF (ReportLab) alike.

Source Sans Pro comes from its PyPI package (font-source-sans-pro), so no font file lives in
this repository; the OS's DejaVu Sans is the fallback. Both cover the letters the card needs:
Romanian ș ț ă î â and Ukrainian Ї Є Ґ, with their capitals.

Text is measured with ReportLab's metrics and drawn by Pillow without kerning, so a line laid
out once fits the same width in the PNG and in the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

Weight = Literal["regular", "bold"]

_DEJAVU_FOLDERS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
)


@dataclass(frozen=True)
class Typeface:
    name: str
    regular: Path
    bold: Path

    def path(self, weight: Weight) -> Path:
        return self.regular if weight == "regular" else self.bold


def _source_sans() -> Typeface | None:
    try:
        folder = resources.files("font_source_sans_pro") / "files"
    except ModuleNotFoundError:
        return None
    regular = Path(str(folder / "SourceSansPro-Regular.ttf"))
    bold = Path(str(folder / "SourceSansPro-Semibold.ttf"))
    if regular.is_file() and bold.is_file():
        return Typeface("SourceSansPro", regular, bold)
    return None


def _dejavu() -> Typeface | None:
    for folder in map(Path, _DEJAVU_FOLDERS):
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return Typeface("DejaVuSans", regular, bold)
    return None


@cache
def typeface() -> Typeface:
    found = _source_sans() or _dejavu()
    if found is None:
        raise RuntimeError(
            "No font for the card: install the font-source-sans-pro package "
            "(pip install font-source-sans-pro) or the OS's DejaVu fonts."
        )
    return found


@cache
def pdf_font(weight: Weight) -> str:
    """The ReportLab name of the weight, registered on first use."""
    face = typeface()
    name = f"AidDesk-{face.name}-{weight}"
    pdfmetrics.registerFont(TTFont(name, str(face.path(weight))))
    return name


def text_width(text: str, weight: Weight, size: float) -> float:
    """The width of ``text`` in points at ``size`` points."""
    return pdfmetrics.stringWidth(text, pdf_font(weight), size)


@cache
def pil_font(weight: Weight, size_px: int) -> ImageFont.FreeTypeFont:
    # Basic layout: no kerning, like ReportLab, so measured widths hold in both.
    return ImageFont.truetype(
        str(typeface().path(weight)), size_px, layout_engine=ImageFont.Layout.BASIC
    )
