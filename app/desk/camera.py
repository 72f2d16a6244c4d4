"""Reading a card's QR from a camera frame, on the server: the desk page sends frames, so no
third-party JavaScript runs in the browser."""

from __future__ import annotations

import io
import warnings

import zxingcpp
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from app.errors import DomainError

MAX_PIXELS = 4_000_000  # a 1080p frame is 2 million; anything far larger is not a frame
# Only these plugins of Pillow see a frame: others (EPS runs Ghostscript) never do.
FORMATS = ("JPEG", "PNG", "WEBP")


class BadFrame(DomainError):
    code = "bad_frame"
    status = 422


def read_qr(frame: bytes) -> str | None:
    """The text of the first QR code in a JPEG, PNG or WebP frame, or None if there is none.
    The frame's size is checked from its header, before it is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(frame), formats=FORMATS)
        with image:
            if image.width * image.height > MAX_PIXELS:
                raise BadFrame(_l("The frame is too large; send at most 2000 x 2000 pixels."))
            image.load()
            gray = image.convert("L")
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise BadFrame(_l("The frame is not a JPEG, PNG or WebP image.")) from exc
    for barcode in zxingcpp.read_barcodes(
        gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    ):
        if barcode.valid and barcode.text:
            return barcode.text
    return None
