"""Cards drawn as PDF and PNG, read back as a printer and a scanner would. No database."""

from __future__ import annotations

import io

from PIL import Image

from app.cards import tokens
from app.cards.layout import CardFace, lay_out
from app.cards.pdf import card_pdf, sheet_pdf
from app.cards.render import DPI, render_card_png
from tests.cards.conftest import page_qr_codes, page_sizes_mm, page_texts, read_qr_codes

A4 = (210.0, 297.0)


def faces(n: int) -> list[CardFace]:
    names = [
        "Olena Koval",
        "Ștefan Țăran",
        "Їжак Єва Ґанок",
        "Oleksandra-Mariia Kovalenko-Shevchenko",
    ]
    return [
        CardFace(
            name=names[i % len(names)],
            number=tokens.new_card_number(),
            qr=tokens.qr_text(tokens.derive_token("key", tokens.new_nonce())),
        )
        for i in range(n)
    ]


def test_a_card_pdf_is_one_page_of_85_6_by_54_mm() -> None:
    (card,) = faces(1)
    data = card_pdf(card)
    assert data.startswith(b"%PDF-")
    assert page_sizes_mm(data) == [(85.6, 54.0)]
    assert page_qr_codes(data, dpi=300) == [[card.qr]]


def test_the_pdf_carries_the_layout_as_text_in_every_script() -> None:
    card = CardFace(
        name="Ștefan Țăran", number="4720266431", qr=faces(1)[0].qr, native_name="Штефан Царан"
    )
    (text,) = page_texts(card_pdf(card))
    for line in lay_out(card).lines:
        assert line.text in text


def test_a_sheet_of_100_cards_is_10_a4_pages_of_ten_readable_cards() -> None:
    cards = faces(100)
    data = sheet_pdf(cards)
    assert page_sizes_mm(data) == [A4] * 10
    read = page_qr_codes(data)
    assert [len(page) for page in read] == [10] * 10
    for page, expected in zip(read, (cards[i : i + 10] for i in range(0, 100, 10)), strict=True):
        assert sorted(page) == sorted(card.qr for card in expected)


def test_a_last_page_holds_what_is_left() -> None:
    cards = faces(13)
    read = page_qr_codes(sheet_pdf(cards))
    assert [len(page) for page in read] == [10, 3]


def test_a_sheet_tells_its_progress_card_by_card() -> None:
    told: list[int] = []
    sheet_pdf(faces(12), told.append)
    assert told == list(range(1, 13))


def test_the_same_cards_make_the_same_bytes() -> None:
    cards = faces(3)
    assert sheet_pdf(cards) == sheet_pdf(cards)


def test_the_card_png_is_300_dpi_credit_card_size_and_its_qr_reads() -> None:
    (card,) = faces(1)
    png = render_card_png(card)
    image = Image.open(io.BytesIO(png))
    assert image.size == (1011, 638)
    assert round(image.info["dpi"][0]) == DPI
    assert read_qr_codes(image) == [card.qr]
