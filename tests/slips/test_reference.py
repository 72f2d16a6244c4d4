"""The slip's reference: derivable, decodable, short, and not guessable. No app, no database."""

from __future__ import annotations

import random
import re

from app.slips.reference import ALPHABET, distribution_of, slip_reference


def test_a_reference_reads_back_to_its_distribution_from_the_first_id_to_the_last() -> None:
    for distribution_id in (1, 2, 3, 1000, 123_456, 2**31 - 1):
        reference = slip_reference("key", distribution_id)
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", reference)
        assert distribution_of("key", reference) == distribution_id


def test_a_reference_read_out_loosely_is_still_found() -> None:
    reference = slip_reference("key", 42)
    loose = reference.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert distribution_of("key", loose) == 42


def test_neighbouring_distributions_get_unrelated_references() -> None:
    first, second = slip_reference("key", 500), slip_reference("key", 501)
    assert sum(a == b for a, b in zip(first, second, strict=True)) <= 4


def test_another_key_gives_other_references_and_reads_none_of_these() -> None:
    reference = slip_reference("key", 7)
    assert slip_reference("other", 7) != reference
    assert distribution_of("other", reference) != 7


def test_made_up_references_are_almost_never_taken() -> None:
    rng = random.Random(18)
    guesses = [
        "".join(rng.choice(ALPHABET[:4]) + "".join(rng.choices(ALPHABET, k=9)))
        for _ in range(20_000)
    ]
    taken = sum(distribution_of("key", guess) is not None for guess in guesses)
    assert taken <= 3  # one in 65,536 on average: the 16-bit tag


def test_garbage_is_no_reference() -> None:
    for text in ("", "ABC", "Z" * 10, "!!!!!-?????", "5901234123457", "Ж" * 10, "1" * 4000):
        assert distribution_of("key", text) is None
