"""One normalisation for English and Arabic text, shared by names and reports.

Matching happens on normalised text, but users need spans in the text as written.
:func:`normalize_with_offsets` therefore returns, for every normalised character,
the index of the original character it came from.

>>> normalize_name("Baghdad’s  GREEN-Zone")
'baghdad s green zone'
>>> normalize_name("المَنطِقة الخضـــراء")
'المنطقه الخضراء'
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class _Folding:
    remove: frozenset[str]
    replace: dict[str, str]
    proclitics: frozenset[str]
    enclitics: frozenset[str]


@cache
def _folding() -> _Folding:
    data = json.loads(
        resources.files("gazetteer")
        .joinpath("data")
        .joinpath("normalization.json")
        .read_text("utf-8")
    )
    return _Folding(
        remove=frozenset(data["remove"]),
        replace=dict(data["replace"]),
        proclitics=frozenset(data["arabic_proclitics"]),
        enclitics=frozenset(data.get("arabic_enclitics", ())),
    )


@cache
def _fold_char(char: str) -> str:
    folding = _folding()
    if char in folding.remove:
        return ""
    if char in folding.replace:
        return folding.replace[char]
    out = []
    for c in unicodedata.normalize("NFKC", char).casefold():
        if c in folding.remove:
            continue
        c = folding.replace.get(c, c)
        category = unicodedata.category(c)
        if category[0] in "LN":
            out.append(c)
        elif category[0] == "M":
            continue  # combining marks (accents, harakat) carry no identity here
        else:
            out.append(" ")  # punctuation, symbols, spaces, hyphens, apostrophes, '#'
    return "".join(out)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` and map every normalised character back to its source.

    Returns
    -------
    normalised, offsets
        ``offsets[i]`` is the index in ``text`` of the character that produced
        ``normalised[i]``. Runs of separators collapse into one space; leading
        and trailing separators are kept as one space so boundaries stay visible.
    """
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        # Most report text is ASCII, which needs no table look-up.
        ascii_folded = char.lower() if char.isalnum() else " "
        folded = ascii_folded if char.isascii() else _fold_char(char)
        for c in folded:
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
            offsets.append(index)
    return "".join(out), offsets


def normalize_name(name: str) -> str:
    """Normalise a name for comparison: folded, separators as single spaces, trimmed."""
    return normalize_with_offsets(name)[0].strip()


def glued(name: str) -> str:
    """A normalised multi-word name with its spaces removed, as hashtags write it."""
    return normalize_name(name).replace(" ", "")


def is_arabic_letter(char: str) -> bool:
    """True for letters of the Arabic script."""
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"


def arabic_proclitics() -> frozenset[str]:
    """Prefixes written joined to an Arabic word (and-, with-, to-, like-)."""
    return _folding().proclitics


def arabic_enclitics() -> frozenset[str]:
    """Pronoun suffixes written joined to the end of an Arabic word."""
    return _folding().enclitics
