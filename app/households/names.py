"""Names as search keys: the same person however the name was spelt.

A Ukrainian name reaches the desk in Cyrillic (Юлія Жук), in the national Latin of the
passport (KMU 2010: Yuliia Zhuk), in an older passport's Latin (Iuliia), or in the Russian
spelling of a Soviet-era document (Yuliya, Julia). Each spelling is folded to a skeleton: Latin
letters only, with the parts where the transliteration tables disagree (iu/yu/ju, ia/ya/ja,
kh/h, g/h, y/i, doubled letters) folded together, so all of them meet on one key ("ulia zuk").
Pure: no database.
"""

from __future__ import annotations

import re
import unicodedata

from translitua import (
    RussianInternationalPassport,
    UkrainianKMU,
    UkrainianPassport2007,
    translit,
)

# Tables a Ukrainian or Russian name has been written with in documents people carry.
TABLES = (UkrainianKMU, UkrainianPassport2007, RussianInternationalPassport)
# Applied in order: consonant clusters, then y and j as i, doubled letters, then the glides
# (iu, ia, ie, io) that one table writes with i, another with y or j and a third not at all.
_CLUSTERS = {
    "shch": "sc", "sch": "sc", "tch": "c", "zh": "z", "kh": "h", "ts": "c", "tz": "c",
    "ch": "c", "sh": "s", "ck": "k", "ph": "f", "g": "h", "w": "v", "x": "ks", "q": "k",
    "y": "i", "j": "i",
}  # fmt: skip
_GLIDES = {"iu": "u", "ia": "a", "ie": "e", "io": "o"}
_CLUSTER = re.compile("|".join(sorted(_CLUSTERS, key=len, reverse=True)))
_GLIDE = re.compile("|".join(_GLIDES))
_REPEATS = re.compile(r"(.)\1+")
_CYRILLIC = re.compile(r"[Ѐ-ӿ]")
MAX_KEY = 60


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def latin_spellings(name: str) -> set[str]:
    """The name as written in Latin letters: itself, or each table's transliteration."""
    if has_cyrillic(name):
        return {translit(name, table) for table in TABLES}
    return {name}


def skeleton(word: str) -> str:
    """One word folded to its skeleton: ``Yuliia``, ``Iuliia``, ``Julia`` → ``ulia``."""
    plain = unicodedata.normalize("NFKD", word.lower())
    letters = "".join(ch for ch in plain if "a" <= ch <= "z")
    folded = _REPEATS.sub(r"\1", _CLUSTER.sub(lambda m: _CLUSTERS[m.group(0)], letters))
    return _GLIDE.sub(lambda m: _GLIDES[m.group(0)], folded)[:MAX_KEY]


def words(text: str) -> list[str]:
    # An apostrophe is part of a word (Мар'яна); hyphens and spaces part words.
    return [w for w in re.split(r"[\s,.-]+", text) if w]


def name_keys(*names: str | None) -> set[str]:
    """Every skeleton of every word of the names, in every spelling."""
    keys: set[str] = set()
    for name in names:
        for spelling in latin_spellings(name or ""):
            keys.update(k for k in (skeleton(w) for w in words(spelling)) if k)
    return keys


def key_pair(first: str, second: str) -> str:
    """Two different keys as one: the smaller first, a space (below every letter) between."""
    return f"{first} {second}" if first < second else f"{second} {first}"


def key_pairs(keys: set[str]) -> set[str]:
    """Every pair of two different keys of a name: "olena kovalenko" for Olena Kovalenko."""
    return {key_pair(a, b) for a in keys for b in keys if a < b}


def query_keys(text: str) -> list[set[str]]:
    """For each word of a search, the skeletons it may stand for (one per spelling)."""
    found = []
    for word in words(text):
        keys = {skeleton(w) for spelling in latin_spellings(word) for w in words(spelling)}
        keys.discard("")
        if keys:
            found.append(keys)
    return found


def folded_name(*names: str | None) -> str:
    """The whole name as one skeleton string, to compare two people's names."""
    return " ".join(skeleton(w) for n in names if n for w in words(sorted(latin_spellings(n))[0]))
