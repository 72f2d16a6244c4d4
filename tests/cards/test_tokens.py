import itertools

from app.cards import tokens


def test_token_is_derived_from_key_and_nonce_and_is_160_bits() -> None:
    nonce = tokens.new_nonce()
    token = tokens.derive_token("key", nonce)
    assert token == tokens.derive_token("key", nonce)
    assert token != tokens.derive_token("other key", nonce)
    assert len(token) == 32  # 32 base32 characters = 160 bits


def test_qr_text_reads_back_as_its_token() -> None:
    token = tokens.derive_token("key", tokens.new_nonce())
    assert tokens.read_scan(tokens.qr_text(token)) == tokens.Scan("qr", token)
    assert tokens.read_scan(" " + tokens.qr_text(token).lower() + "\n").value == token


def test_scan_typed_on_a_ukrainian_keyboard_layout_is_understood() -> None:
    token = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    latin_to_ukrainian = str.maketrans("QWERTYUIOPASDFGHJKLZXCVBNM", "ЙЦУКЕНГШЩЗФІВАПРОЛДЯЧСМИТЬ")
    typed = tokens.qr_text(token).translate(latin_to_ukrainian)
    assert typed.startswith("ФВ1-")
    assert tokens.read_scan(typed) == tokens.Scan("qr", token)


def test_card_numbers_carry_a_valid_check_digit() -> None:
    for _ in range(200):
        number = tokens.new_card_number()
        assert len(number) == 10 and number.isdigit()
        assert tokens.read_scan(number).kind == "number"
        assert tokens.read_scan(tokens.format_card_number(number)).value == number


def test_every_single_wrong_digit_is_rejected() -> None:
    number = tokens.new_card_number()
    for position, digit in itertools.product(range(10), "0123456789"):
        if number[position] == digit:
            continue
        typo = number[:position] + digit + number[position + 1 :]
        assert tokens.read_scan(typo).kind == "bad_number"


def test_every_swap_of_neighbouring_digits_is_rejected() -> None:
    number = tokens.new_card_number()
    for i in range(9):
        if number[i] == number[i + 1]:
            continue
        swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        assert tokens.read_scan(swapped).kind == "bad_number"


def test_other_codes_are_not_cards() -> None:
    for text in ("5901234123457", "https://example.org/x", "AD1-short", "", "AD1-" + "1" * 32):
        assert tokens.read_scan(text).kind == "not_a_card"
