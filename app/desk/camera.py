"""Reading a card's QR from a camera frame, on the server: the desk page sends frames, so no
third-party JavaScript runs in the browser."""

from __future__ import annotations

import io

import zxingcpp
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from app.errors import DomainError

MAX_PIXELS = 4_000_000  # a 1080p frame is 2 million; anything far larger is not a frame


class BadFrame(DomainError):
    code = "bad_frame"
    status = 422


def read_qr(frame: bytes) -> str | None:
    """The text of the first QR code in a JPEG or PNG frame, or None if there is none."""
    try:
        with Image.open(io.BytesIO(frame)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise BadFrame(_l("The frame is too large; send at most 2000 x 2000 pixels."))
            image.load()
            gray = image.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise BadFrame(_l("The frame is not a JPEG or PNG image.")) from exc
    for barcode in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode):
        if barcode.valid and barcode.text:
            return barcode.text
    return None
