"""The card's design: what it shows, where, and in which letters. No app, no database."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics

from app.cards import tokens
from app.cards.fonts import pdf_font, text_width, typeface
from app.cards.layout import (
    CARD_HEIGHT,
    CARD_WIDTH,
    NAME_LABEL,
    NUMBER_LABEL,
    TEXT_WIDTH,
    TITLE,
    CardFace,
    fit_lines,
    lay_out,
)
from app.cards.qr import QUIET_MODULES

MM = 72 / 25.4
LETTERS = "șțăîâȘȚĂÎÂЇЄҐїєґІіЙйЩщЬь’№"


def face(name: str = "Olena Koval", native_name: str | None = None) -> CardFace:
    token = tokens.derive_token("key", tokens.new_nonce())
    return CardFace(
        name=name, number="4720266431", qr=tokens.qr_text(token), native_name=native_name
    )


def texts(card: CardFace) -> list[str]:
    return [line.text for line in lay_out(card).lines]


def test_the_card_is_credit_card_size() -> None:
    assert round(CARD_WIDTH / MM, 2) == 85.6
    assert round(CARD_HEIGHT / MM, 2) == 54.0


def test_the_card_shows_labels_in_three_languages_the_name_and_the_number_only() -> None:
    assert texts(face()) == [*TITLE, NAME_LABEL, NUMBER_LABEL, "Olena Koval", "4720 2664 31"]
    assert "Nume" in NAME_LABEL and "Ім’я" in NAME_LABEL and "Name" in NAME_LABEL
    assert "картки" in NUMBER_LABEL and "Nr." in NUMBER_LABEL and "Card no." in NUMBER_LABEL


def test_the_name_in_its_own_script_is_a_second_line_when_known() -> None:
    lines = lay_out(face(native_name="Олена Коваль")).lines
    latin, native = (
        next(line for line in lines if line.text == t) for t in ("Olena Koval", "Олена Коваль")
    )
    assert native.baseline > latin.baseline
    assert native.size < latin.size


def test_every_line_stays_on_the_card_and_off_the_qr() -> None:
    long = "Oleksandra-Mariia Kovalenko-Shevchenko Ivanivna-Petrenko"
    layout = lay_out(face(long, native_name="Олександра-Марія Коваленко-Шевченко"))
    for line in layout.lines:
        assert line.x + text_width(line.text, line.weight, line.size) <= layout.qr.x + 0.01
        assert line.size <= line.baseline <= CARD_HEIGHT
    assert layout.qr.x + layout.qr.size <= CARD_WIDTH
    assert layout.qr.y >= 0 and layout.qr.y + layout.qr.size <= CARD_HEIGHT


def test_a_long_name_wraps_onto_two_lines_before_it_shrinks() -> None:
    lines, size = fit_lines(
        "Oleksandra-Mariia Kovalenko-Shevchenko", "bold", TEXT_WIDTH, (12, 11, 10, 9), max_lines=2
    )
    assert lines == ("Oleksandra-Mariia", "Kovalenko-Shevchenko")
    assert size >= 9


def test_a_name_too_long_for_two_lines_is_shrunk_onto_one() -> None:
    name = "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    (line,), size = fit_lines(name, "bold", TEXT_WIDTH, (12, 9), max_lines=2)
    assert size < 9
    assert text_width(line, "bold", size) <= TEXT_WIDTH + 0.01


def test_the_qr_has_a_four_module_quiet_zone_and_modules_over_a_millimetre() -> None:
    qr = lay_out(face()).qr
    assert len(qr.rows) == 29  # version 3: the card's text at error correction Q
    assert qr.modules == 29 + 2 * QUIET_MODULES
    assert qr.module / MM > 1.1


def test_the_typeface_has_every_romanian_and_ukrainian_letter() -> None:
    for weight in ("regular", "bold"):
        glyphs = pdfmetrics.getFont(pdf_font(weight)).face.charToGlyph
        assert [c for c in LETTERS if ord(c) not in glyphs] == []


def test_the_font_comes_from_its_package_not_from_this_repository() -> None:
    face = typeface()
    assert face.name == "SourceSansPro"  # font-source-sans-pro is a dependency
    assert "site-packages" in face.regular.resolve().parts


def test_the_card_shows_the_heads_name_in_cyrillic_when_known(api) -> None:  # type: ignore[no-untyped-def]
    from app.cards.layout import face_lines
    from app.cards.sheets import card_face
    from app.extensions import db
    from tests.conftest import member

    desk = api("volunteer")
    head = member(given_name_native="Олена", family_name_native="Коваль")
    household = desk.post("/api/v1/households", json={"members": [head]}).get_json()
    assert household["members"][0]["family_name_native"] == "Коваль"
    with desk.client.application.app_context():
        face = card_face(db.session, household["id"], card_key="test-card-key")
    assert face.native_name == "Олена Коваль"
    assert any("Олена" in line.text for line in face_lines(face))
