"""The card as a PNG at 300 dpi, drawn from the layout the PDF uses (layout.py)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageOps

from app.cards.fonts import pil_font
from app.cards.layout import CARD_HEIGHT, CARD_WIDTH, CardFace, CardLayout, Qr, lay_out
from app.cards.qr import QUIET_MODULES

DPI = 300
SCALE = DPI / 72  # pixels a point
WIDTH, HEIGHT = round(CARD_WIDTH * SCALE), round(CARD_HEIGHT * SCALE)


def render_card_png(face: CardFace) -> bytes:
    out = io.BytesIO()
    draw_card(lay_out(face)).save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


def draw_card(layout: CardLayout) -> Image.Image:
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    for line in layout.lines:
        draw.text(
            (line.x * SCALE, line.baseline * SCALE),
            line.text,
            font=pil_font(line.weight, round(line.size * SCALE)),
            fill=round(line.grey * 255),
            anchor="ls",
        )
    symbol = qr_image(layout.qr)
    left = round((layout.qr.x + (layout.qr.size - symbol.width / SCALE) / 2) * SCALE)
    top = round((layout.qr.y + (layout.qr.size - symbol.height / SCALE) / 2) * SCALE)
    image.paste(symbol, (left, top))
    if layout.photo:
        box = layout.photo
        size = (round(box.width * SCALE), round(box.height * SCALE))
        with Image.open(io.BytesIO(box.jpeg)) as photo:
            picture = ImageOps.fit(photo.convert("L"), size, Image.Resampling.LANCZOS)
        image.paste(picture, (round(box.x * SCALE), round(box.y * SCALE)))
    return image


def qr_image(qr: Qr) -> Image.Image:
    """The symbol with its quiet zone, each module a whole number of pixels (sharp edges)."""
    n = len(qr.rows)
    pixels = b"".join(qr.rows).translate(bytes.maketrans(b"\x00\x01", b"\xff\x00"))
    symbol = ImageOps.expand(Image.frombytes("L", (n, n), pixels), QUIET_MODULES, fill=255)
    module_px = max(1, int(qr.module * SCALE))
    return symbol.resize((symbol.width * module_px,) * 2, Image.Resampling.NEAREST)
