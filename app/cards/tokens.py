"""Card tokens and card numbers: pure functions, no database.

The QR holds ``AD1-`` and a token of 160 bits: HMAC-SHA256(CARD_KEY, the card's random nonce),
base32. The database keeps the nonce and the SHA-256 of the token, so a stolen copy of the
database cannot make a working card, while the app (which knows CARD_KEY) can print the
current card again at any time. CARD_KEY is not SECRET_KEY: rotating one does not void the other.

The card number is for typing by hand: nine random digits and a Damm check digit, which
catches every single wrong digit and every swap of two neighbours. Digits read the same on a
Romanian, Ukrainian or English keyboard layout.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

QR_PREFIX = "AD1-"
TOKEN_LENGTH = 32  # base32 characters of 5 bits: 160 bits
CARD_NUMBER_DIGITS = 10

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

# A keyboard-wedge scanner types key positions: on a Ukrainian or Russian layout the letters
# of "AD1-..." arrive as Cyrillic letters. This maps each back to the Latin key it sits on.
_LATIN_KEYS = "qwertyuiopasdfghjklzxcvbnm"
_KEY_PAIRS = {
    "uk": "йцукенгшщзфівапролдячсмить",
    "ru": "йцукенгшщзфывапролдячсмить",
}
_CYRILLIC_KEYS = {
    ord(cyrillic): latin
    for layout in _KEY_PAIRS.values()
    for pair in zip(layout + layout.upper(), _LATIN_KEYS + _LATIN_KEYS.upper(), strict=True)
    for cyrillic, latin in [pair]
}


def new_nonce() -> bytes:
    return secrets.token_bytes(16)


def derive_token(card_key: str, nonce: bytes) -> str:
    digest = hmac.new(card_key.encode(), b"aiddesk-card-v1:" + nonce, hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def qr_text(token: str) -> str:
    return QR_PREFIX + token


def damm_digit(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return interim


def new_card_number() -> str:
    body = f"{secrets.randbelow(10**9):09d}"
    return body + str(damm_digit(body))


def format_card_number(number: str) -> str:
    return f"{number[:4]} {number[4:8]} {number[8:]}"


@dataclass(frozen=True)
class Scan:
    """What a scanned or typed text is. ``kind``: qr, number, bad_number or not_a_card."""

    kind: str
    value: str = ""


_TOKEN = re.compile(rf"^[A-Z2-7]{{{TOKEN_LENGTH}}}$")


def read_scan(text: str) -> Scan:
    """Tell a card's QR text or typed card number from anything else."""
    cleaned = text.strip().translate(_CYRILLIC_KEYS).upper()
    if cleaned.startswith(QR_PREFIX):
        token = cleaned[len(QR_PREFIX) :]
        return Scan("qr", token) if _TOKEN.match(token) else Scan("not_a_card")
    digits = re.sub(r"[\s-]", "", cleaned)
    if digits.isascii() and digits.isdigit() and len(digits) == CARD_NUMBER_DIGITS:
        if damm_digit(digits) == 0:
            return Scan("number", digits)
        return Scan("bad_number", digits)
    return Scan("not_a_card")
