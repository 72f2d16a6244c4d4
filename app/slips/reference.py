"""A slip's reference: ten characters the family can read out in a complaint.

The reference is the distribution's id (32 bits) and a 16-bit tag, encrypted together with a
keyed Feistel permutation of 48 bits and written in Crockford's base32 (no I, L, O or U; a
letter misread as a digit is read back as that digit). So it is:

- derivable: the app computes it from the id at any time, nothing is stored;
- decodable: the coordinator's look-up decrypts it back to the id, one query, no scan;
- not guessable and not enumerable: without the key, neighbouring ids give unrelated
  references, and a made-up reference passes the tag one time in 65,536.

The key is derived from CARD_KEY with a label of its own
(docs/decisions/0027-slip-reference.md).
"""

from __future__ import annotations

import hashlib
import hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
LENGTH = 10  # 50 bits of base32 hold the 48-bit block
_HALF_BITS = 24
_HALF_MASK = (1 << _HALF_BITS) - 1
_ROUNDS = 4
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _key(card_key: str) -> bytes:
    return hmac.new(card_key.encode(), b"aiddesk-slip-reference-v1", hashlib.sha256).digest()


def _round(key: bytes, number: int, half: int) -> int:
    digest = hmac.new(key, bytes([number]) + half.to_bytes(3, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:3], "big")


def _tag(key: bytes, distribution_id: int) -> int:
    digest = hmac.new(key, b"tag" + distribution_id.to_bytes(4, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:2], "big")


def _encrypt(key: bytes, block: int) -> int:
    left, right = block >> _HALF_BITS, block & _HALF_MASK
    for number in range(_ROUNDS):
        left, right = right, left ^ _round(key, number, right)
    return (left << _HALF_BITS) | right


def _decrypt(key: bytes, block: int) -> int:
    left, right = block >> _HALF_BITS, block & _HALF_MASK
    for number in reversed(range(_ROUNDS)):
        left, right = right ^ _round(key, number, left), left
    return (left << _HALF_BITS) | right


def slip_reference(card_key: str, distribution_id: int) -> str:
    """The reference printed on the slip of this distribution, e.g. ``K7QM2-XHP9R``."""
    if not 0 < distribution_id < 2**32:
        raise ValueError("a distribution id is a positive 32-bit number")
    key = _key(card_key)
    block = _encrypt(key, (distribution_id << 16) | _tag(key, distribution_id))
    text = "".join(ALPHABET[(block >> (5 * i)) & 31] for i in reversed(range(LENGTH)))
    return f"{text[:5]}-{text[5:]}"


def distribution_of(card_key: str, reference: str) -> int | None:
    """The distribution id a reference stands for; None for anything that is not one.

    Spaces, dashes and case are ignored, and O, I and L read as 0, 1 and 1."""
    cleaned = "".join(reference.split()).replace("-", "").upper().translate(_MISREAD)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    block = 0
    for ch in cleaned:
        block = (block << 5) | ALPHABET.index(ch)
    if block >> 48:  # the two spare bits are always zero
        return None
    key = _key(card_key)
    plain = _decrypt(key, block)
    distribution_id, tag = plain >> 16, plain & 0xFFFF
    if distribution_id == 0 or _tag(key, distribution_id) != tag:
        return None
    return distribution_id
