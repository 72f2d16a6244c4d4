"""The printed card as a PNG: credit-card proportions (85.6 x 54 mm) at 300 dpi."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from app.cards.tokens import format_card_number

DPI = 300
WIDTH, HEIGHT = round(85.6 / 25.4 * DPI), round(54 / 25.4 * DPI)
# Fonts that cover Latin with Romanian diacritics and Cyrillic, from the OS's packages.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


@cache
def _font_path() -> str | None:
    return next((p for p in FONT_CANDIDATES if Path(p).is_file()), None)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def qr_image(text: str, box_size: int = 10) -> Image.Image:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> ImageFont.ImageFont:
    """The largest font up to ``size`` in which ``text`` fits ``width`` pixels."""
    while size > 18:
        font = _font(size)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return _font(size)


def render_card_png(*, head_name: str, card_number: str, qr: str) -> bytes:
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    margin = 40
    code = qr_image(qr)
    side = HEIGHT - 2 * margin + 40  # the QR's own white border is its quiet zone
    code = code.resize((side, side), Image.Resampling.NEAREST)
    image.paste(code, (WIDTH - side - margin + 20, (HEIGHT - side) // 2))
    text_width = WIDTH - side - 2 * margin
    draw.text((margin, margin), "AidDesk", font=_font(44), fill=0)
    draw.text((margin, margin + 60), "Card / Картка / Card", font=_font(26), fill=90)
    draw.text((margin, 230), "Name / Ім'я / Nume", font=_font(26), fill=90)
    name_font = _fit(draw, head_name, text_width, 52)
    draw.text((margin, 265), head_name, font=name_font, fill=0)
    draw.text((margin, HEIGHT - margin - 110), "No. / № / Nr.", font=_font(26), fill=90)
    number = format_card_number(card_number)
    draw.text(
        (margin, HEIGHT - margin - 75), number, font=_fit(draw, number, text_width, 60), fill=0
    )
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()
