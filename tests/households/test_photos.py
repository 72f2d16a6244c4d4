"""The optional photo of the head: consent first, re-encoded without EXIF, served only to
signed-in users, deleted when the consent is withdrawn."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import EpsImagePlugin, Image

from app.errors import ValidationFailed
from app.households.photos import MAX_SIDE, reencode


def picture(size: tuple[int, int] = (1200, 900), fmt: str = "JPEG") -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0132] = "2026:11:22 10:00:00"  # DateTime
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes()) if fmt == "JPEG" else image.save(out, fmt)
    return out.getvalue()


def test_the_photo_is_reencoded_smaller_and_without_exif() -> None:
    original = picture()
    assert b"SecretCam" in original
    clean = reencode(original)
    assert b"SecretCam" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG" and max(image.size) == MAX_SIDE
        assert not image.getexif()


@pytest.mark.parametrize(
    "data", [b"not a picture", b"GIF89a" + b"\x00" * 20, b"\xff\xd8\xff" + b"\x00" * 50]
)
def test_what_is_not_a_picture_is_refused(data: bytes) -> None:
    with pytest.raises(ValidationFailed):
        reencode(data)


@pytest.fixture
def photos_on(app, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "photos"
    app.config.update(AID_PHOTOS=True, AID_PHOTO_DIR=str(folder))
    return folder


def test_a_photo_needs_consent_then_is_kept_served_and_deleted_on_withdrawal(  # type: ignore[no-untyped-def]
    app, login, register, photos_on: Path
) -> None:
    household = register()
    head_id = household["members"][0]["id"]
    desk = login("volunteer")
    path = f"/households/{household['id']}"
    upload = {"photo": (io.BytesIO(picture()), "head.jpg")}
    desk.post(f"{path}/photo", data=upload, content_type="multipart/form-data")
    assert "needs the person" in desk.get(path).text
    assert desk.get(f"{path}/photo.jpg").status_code == 404

    desk.post(f"{path}/members/{head_id}/consents/photo")
    upload = {"photo": (io.BytesIO(picture()), "head.jpg")}
    answer = desk.post(f"{path}/photo", data=upload, content_type="multipart/form-data")
    assert answer.status_code == 302
    files = list(photos_on.iterdir())
    assert len(files) == 1 and re.fullmatch(r"[0-9a-f]{32}\.jpg", files[0].name)  # no id in it
    served = desk.get(f"{path}/photo.jpg")
    assert served.mimetype == "image/jpeg" and served.headers["Cache-Control"] == "no-store"
    assert b"SecretCam" not in served.data
    assert "photo.jpg" in desk.get(path).text

    anonymous = app.test_client().get(f"{path}/photo.jpg")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    desk = login("volunteer")
    desk.post(f"{path}/members/{head_id}/consents/photo/withdraw")
    assert list(photos_on.iterdir()) == []
    assert desk.get(f"{path}/photo.jpg").status_code == 404


def test_photos_are_off_unless_configured(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register()
    desk = login("volunteer")
    assert desk.get(f"/households/{household['id']}/photo.jpg").status_code == 404
    assert 'id="photo"' not in desk.get(f"/households/{household['id']}").text


def test_the_card_carries_the_head_s_photo_beside_its_titles(  # type: ignore[no-untyped-def]
    login, register, photos_on: Path
) -> None:
    from zxingcpp import read_barcodes

    from app.cards.layout import PHOTO_WIDTH, PHOTO_X, PHOTO_Y
    from app.cards.render import SCALE

    household = register()
    head_id = household["members"][0]["id"]
    desk = login("volunteer")
    path = f"/households/{household['id']}"
    without = Image.open(io.BytesIO(desk.get(f"{path}/card.png").data)).convert("L")
    desk.post(f"{path}/members/{head_id}/consents/photo")
    upload = {"photo": (io.BytesIO(picture()), "head.jpg")}
    desk.post(f"{path}/photo", data=upload, content_type="multipart/form-data")

    card = Image.open(io.BytesIO(desk.get(f"{path}/card.png").data)).convert("L")
    middle = (round((PHOTO_X + PHOTO_WIDTH / 2) * SCALE), round((PHOTO_Y + 5) * SCALE))
    assert without.getpixel(middle) == 255  # white card there before
    assert card.getpixel(middle) < 200  # the (orange, here grey) photo now
    assert [r.text for r in read_barcodes(card)] == [household["card"]["qr"]]  # QR untouched
    pdf = desk.get(f"{path}/card.pdf").data
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" in pdf


def test_a_picture_of_too_many_pixels_is_refused_before_it_is_drawn() -> None:
    """6000 x 6000 is 120 KB as a PNG and hundreds of MB once drawn: its header is enough.
    A phone's 12-megapixel photo is still taken."""
    with Image.open(io.BytesIO(reencode(picture((4032, 3024))))) as image:
        assert image.size == (MAX_SIDE, 450)
    out = io.BytesIO()
    Image.new("1", (6000, 6000), 1).save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < 200_000
    with pytest.raises(ValidationFailed) as refused:
        reencode(out.getvalue())
    assert str(refused.value.fields["photo"]) == "the picture is too large"


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n%%EndComments\nshowpage\n"


def test_only_the_jpeg_png_and_webp_readers_see_an_upload(monkeypatch: pytest.MonkeyPatch) -> None:
    """The EPS reader would hand the file to Ghostscript where it is installed."""
    opened: list[object] = []
    eps_open = EpsImagePlugin.EpsImageFile._open
    monkeypatch.setattr(
        EpsImagePlugin.EpsImageFile, "_open", lambda self: opened.append(self) or eps_open(self)
    )
    with pytest.raises(ValidationFailed) as refused:
        reencode(EPS)
    assert str(refused.value.fields["photo"]) == "a JPEG, PNG or WebP picture"
    assert opened == []
