"""Writing machine-readable zones for the tests, from ICAO 9303's layouts, independently of
the parser (its own check-digit arithmetic), and the hypothesis strategies that draw them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"


def value(ch: str) -> int:
    return ALPHABET.index(ch) if ch != "<" else 0


def check(field: str) -> str:
    return str(sum(value(ch) * (7, 3, 1)[i % 3] for i, ch in enumerate(field)) % 10)


def pad(text: str, width: int) -> str:
    assert len(text) <= width, (text, width)
    return text + "<" * (width - len(text))


@dataclass(frozen=True)
class Doc:
    """The fields of a document, as the MRZ writes them (a state may be ``D<<``)."""

    code: str
    state: str
    number: str
    nationality: str
    birth: date | str  # a date, or the six characters as written (74<<<<)
    sex: str
    expiry: date | str
    family: str
    given: str
    optional: str = ""

    def name(self, width: int) -> str:
        name = self.family.replace(" ", "<")
        if self.given:
            name += "<<" + self.given.replace(" ", "<")
        return pad(name, width)


def yymmdd(day: date | str) -> str:
    return day if isinstance(day, str) else day.strftime("%y%m%d")


def _number_and_optional(doc: Doc, width: int) -> tuple[str, str]:
    """The number field with its check digit, and the optional data: a number longer than
    9 characters goes on in the optional data, after a filler where its check digit was."""
    if len(doc.number) <= 9:
        number = pad(doc.number, 9)
        return number + check(number), pad(doc.optional, width)
    head, tail = doc.number[:9], doc.number[9:]
    return head + "<", pad(tail + check(doc.number) + "<" + doc.optional, width)


def td1(doc: Doc) -> str:
    number, optional = _number_and_optional(doc, 15)
    first = pad(doc.code, 2) + doc.state + number + optional
    birth, expiry = yymmdd(doc.birth), yymmdd(doc.expiry)
    middle = birth + check(birth) + doc.sex + expiry + check(expiry) + doc.nationality
    middle += "<" * 11
    composite = first[5:30] + middle[0:7] + middle[8:15] + middle[18:29]
    return "\n".join((first, middle + check(composite), doc.name(30)))


def _second_line(doc: Doc, number: str) -> str:
    birth, expiry = yymmdd(doc.birth), yymmdd(doc.expiry)
    return number + doc.nationality + birth + check(birth) + doc.sex + expiry + check(expiry)


def td2(doc: Doc) -> str:
    number, optional = _number_and_optional(doc, 7)
    second = _second_line(doc, number) + optional
    composite = second[0:10] + second[13:20] + second[21:35]
    return pad(doc.code, 2) + doc.state + doc.name(31) + "\n" + second + check(composite)


def td3(doc: Doc) -> str:
    personal = pad(doc.optional, 14)
    second = _second_line(doc, pad(doc.number, 9) + check(pad(doc.number, 9)))
    second += personal + check(personal)
    composite = second[0:10] + second[13:20] + second[21:43]
    return pad(doc.code, 2) + doc.state + doc.name(39) + "\n" + second + check(composite)


def mrv_a(doc: Doc) -> str:
    second = _second_line(doc, pad(doc.number, 9) + check(pad(doc.number, 9)))
    return pad(doc.code, 2) + doc.state + doc.name(39) + "\n" + second + pad(doc.optional, 16)


def mrv_b(doc: Doc) -> str:
    second = _second_line(doc, pad(doc.number, 9) + check(pad(doc.number, 9)))
    return pad(doc.code, 2) + doc.state + doc.name(31) + "\n" + second + pad(doc.optional, 8)


# format: (writer, document codes, longest number, longest optional data)
FORMATS = {
    "TD1": (td1, ("I", "ID", "IR", "A", "C"), 22, 0),
    "TD2": (td2, ("I", "ID", "A", "C"), 14, 0),
    "TD3": (td3, ("P", "PP", "PD"), 9, 14),
    "MRV-A": (mrv_a, ("V", "VD"), 9, 16),
    "MRV-B": (mrv_b, ("V", "VC"), 9, 8),
}
STATES = ("UKR", "ROU", "MDA", "POL", "UTO", "D<<")


def words(longest: int, most: int, least: int = 1) -> st.SearchStrategy[str]:
    word = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=longest)
    return st.lists(word, min_size=least, max_size=most).map(" ".join)


@st.composite
def documents(draw: st.DrawFn, fmt: str, today: date, long_numbers: bool = True) -> Doc:
    """A valid document of the format: names that fit the narrowest name field (30), a
    birth date that is not in the future and less than 100 years ago, an expiry date at
    most 20 years ahead and less than 80 years ago (so two-digit years read back alike)."""
    _, codes, longest, optional = FORMATS[fmt]
    longest = longest if long_numbers else 9
    return Doc(
        code=draw(st.sampled_from(codes)),
        state=draw(st.sampled_from(STATES)),
        number=draw(st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=longest)),
        nationality=draw(st.sampled_from(STATES)),
        birth=today - timedelta(days=draw(st.integers(0, 36_500))),
        sex=draw(st.sampled_from("MF<")),
        expiry=today + timedelta(days=draw(st.integers(-29_000, 7_300))),
        family=draw(words(8, 2)),
        given=draw(words(5, 2, least=0)),
        optional=draw(st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", max_size=optional)),
    )
