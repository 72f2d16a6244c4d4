"""The optional photo of the head of household, for the card (AID_PHOTOS=1).

Taken with the desk's webcam or given as a file, with the person's recorded photo consent
(households.vulnerability). What is kept is a new picture drawn from the upload: re-encoded
as JPEG by Pillow, at most MAX_SIDE pixels a side, with no EXIF or other metadata (where and
when it was taken, the camera), in AID_PHOTO_DIR outside static/, served only to signed-in
desk users. Withdrawing the consent deletes it.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.db import DbSession
from app.errors import NotFound, ValidationFailed
from app.households.models import Household, Member
from app.households.vulnerability import standing_consents

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Checked from the header, before a pixel is decoded: a 12-megapixel phone photo passes, a
# 6000 x 6000 PNG of 120 KB (420 MB once drawn) does not.
MAX_PIXELS = 16_000_000
MAX_SIDE = 600
FORMATS = ("JPEG", "PNG", "WEBP")  # no other Pillow plugin sees the upload (EPS runs Ghostscript)


def reencode(data: bytes) -> bytes:
    """A clean JPEG of the picture: upright, at most MAX_SIDE a side, without metadata."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            {"photo": _l("at most %(n)s MB", n=MAX_UPLOAD_BYTES // 1024 // 1024)}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        with image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationFailed({"photo": _l("the picture is too large")})
            image.thumbnail((MAX_SIDE, MAX_SIDE))  # a JPEG is decoded at the smaller size
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except UnidentifiedImageError:
        raise ValidationFailed({"photo": _l("a JPEG, PNG or WebP picture")}) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed({"photo": _l("the picture is too large")}) from None
    except (OSError, ValueError):
        raise ValidationFailed({"photo": _l("not a picture that can be read")}) from None
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)  # pixels only: nothing of the upload's metadata comes along
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _head(session: DbSession, household_id: int) -> Member:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(_l("No household %(household_id)s.", household_id=household_id))
    return household.head


def save_photo(session: DbSession, household_id: int, data: bytes, *, photo_dir: str) -> Member:
    """Keep a photo of the household's head, replacing any; needs their photo consent."""
    head = _head(session, household_id)
    if "photo" not in standing_consents(session, [head.id])[head.id]:
        raise ValidationFailed({"photo": _l("a photo needs the person's consent: record it first")})
    jpeg = reencode(data)
    folder = Path(photo_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.jpg"  # not the person's id: a listing tells nothing
    temporary = folder / f".{name}.tmp"
    temporary.write_bytes(jpeg)
    os.replace(temporary, folder / name)
    old, head.photo = head.photo, name
    session.flush()
    if old:
        delete_photo_file(photo_dir, old)
    return head


def delete_photo_file(photo_dir: str, name: str) -> None:
    """Remove a photo's file (erasure, withdrawn consent, a newer photo)."""
    if name and "/" not in name and not name.startswith("."):
        (Path(photo_dir) / name).unlink(missing_ok=True)


def remove_photo(session: DbSession, member_id: int, *, photo_dir: str) -> None:
    member = session.get(Member, member_id)
    if member is not None and member.photo:
        name, member.photo = member.photo, None
        session.flush()
        delete_photo_file(photo_dir, name)


def photo_path(session: DbSession, household_id: int, *, photo_dir: str) -> Path:
    head = _head(session, household_id)
    path = Path(photo_dir) / head.photo if head.photo else None
    if path is None or not path.is_file():
        raise NotFound(_l("No photo."))
    return path
