import io

import qrcode
from PIL import EpsImagePlugin, Image, ImageDraw

from tests.conftest import member


def photo_of(text: str) -> bytes:
    """A camera-like frame: a grey desk, the card's QR somewhere on it, saved as JPEG."""
    frame = Image.new("RGB", (960, 720), (120, 118, 110))
    draw = ImageDraw.Draw(frame)
    for x in range(0, 960, 37):
        draw.line([(x, 0), (x + 200, 720)], fill=(135, 130, 125), width=3)
    code = qrcode.make(text, border=4).get_image().convert("RGB").resize((300, 300))
    frame.paste(code, (420, 250))
    out = io.BytesIO()
    frame.save(out, format="JPEG", quality=80)
    return out.getvalue()


def test_a_frame_with_a_card_is_read_and_then_scans_like_the_scanner(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member())
    client = login("volunteer")
    answer = client.post(
        "/desk/decode", data=photo_of(household["card"]["qr"]), content_type="image/jpeg"
    )
    assert answer.status_code == 200
    text = answer.get_json()["text"]
    assert text == household["card"]["qr"]
    assert 'data-state="eligible"' in client.post("/desk/check", data={"scan": text}).text


def test_a_frame_without_a_code_reads_nothing(login) -> None:  # type: ignore[no-untyped-def]
    frame = Image.new("RGB", (640, 480), (200, 200, 200))
    out = io.BytesIO()
    frame.save(out, format="PNG")
    answer = login("volunteer").post("/desk/decode", data=out.getvalue(), content_type="image/png")
    assert answer.get_json() == {"text": None}


def test_garbage_and_huge_frames_are_refused_with_a_message(login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    garbage = client.post("/desk/decode", data=b"not an image", content_type="image/jpeg")
    assert garbage.status_code == 422 and garbage.get_json()["error"] == "bad_frame"
    huge = io.BytesIO()
    Image.new("L", (4000, 3000), 255).save(huge, format="PNG", optimize=True)
    answer = client.post("/desk/decode", data=huge.getvalue(), content_type="image/png")
    assert answer.status_code == 422


def test_a_frame_is_read_only_by_the_jpeg_png_and_webp_readers(login, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An EPS "frame" never reaches Pillow's EPS reader (it runs Ghostscript where installed)."""
    opened: list[object] = []
    eps_open = EpsImagePlugin.EpsImageFile._open
    monkeypatch.setattr(
        EpsImagePlugin.EpsImageFile, "_open", lambda self: opened.append(self) or eps_open(self)
    )
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n%%EndComments\nshowpage\n"
    answer = login("volunteer").post("/desk/decode", data=eps, content_type="image/jpeg")
    assert answer.status_code == 422 and answer.get_json()["error"] == "bad_frame"
    assert answer.get_json()["message"] == "The frame is not a JPEG, PNG or WebP image."
    assert opened == []
