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
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np


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


def _folded(char: str) -> str:
    # Most report text is ASCII, which needs no table look-up.
    if char.isascii():
        return char.lower() if char.isalnum() else " "
    return _fold_char(char)


class _FoldTable(dict):
    """``str.translate`` table filled on first sight: code point -> folded string."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _folded(chr(code))
        return folded


class _LengthTable(dict):
    """``str.translate`` table: code point -> the length of its folding, as a character."""

    def __missing__(self, code: int) -> str:
        length = self[code] = chr(len(_FOLD[code]))
        return length


_FOLD = _FoldTable()
_LENGTHS = _LengthTable()
#: The folding as a bytes table for ASCII text: letters and digits lower-case, the rest a space.
_ASCII_FOLD = bytes(ord(_folded(chr(code))) for code in range(128)) + bytes(128)
#: For every code point: 1 folds to the one character in :data:`_ONE`, 2 folds to none or
#: several characters, 3 not seen yet. Filled as characters are first seen.
_KIND = np.full(0x110000, 3, dtype=np.uint8)
_ONE = np.zeros(0x110000, dtype=np.uint32)
_SPACE = ord(" ")
_SPACE_RUN = re.compile("  +")


def _code_points(text: str) -> np.ndarray:
    # Lone surrogates (undecodable bytes kept by Python) pass through as themselves.
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _learn(codes: np.ndarray) -> None:
    for code in np.unique(codes[_KIND[codes] == 3]).tolist():
        folded = _folded(chr(code))
        if len(folded) == 1:
            _ONE[code] = ord(folded)
            _KIND[code] = 1
        else:
            _KIND[code] = 2


def _collapsed(
    folded: str, codes: np.ndarray, sources: np.ndarray | None, base: int
) -> tuple[str, list[int]]:
    """``folded`` (code points ``codes``, from ``sources``; None: one each, in order) with
    runs of spaces collapsed to their first."""
    if "  " not in folded:
        offsets = np.arange(base, base + len(folded)) if sources is None else sources + base
        return folded, offsets.tolist()
    space = codes == _SPACE
    kept = np.empty(len(codes), dtype=bool)
    kept[0] = True
    np.logical_not(space[1:] & space[:-1], out=kept[1:])
    offsets = np.flatnonzero(kept) if sources is None else sources[kept]
    if base:
        offsets += base
    return _SPACE_RUN.sub(" ", folded), offsets.tolist()


#: Texts up to this length (names, a few words) fold faster one character at a time
#: than through numpy's fixed cost per call.
_SHORT = 48


def _normalize_short(text: str, base: int) -> tuple[str, list[int]]:
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text, base):
        for c in _FOLD[ord(char)]:
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
            offsets.append(index)
    return "".join(out), offsets


def normalize_with_offsets(text: str, base: int = 0) -> tuple[str, list[int]]:
    """Normalise ``text`` and map every normalised character back to its source.

    Returns
    -------
    normalised, offsets
        ``offsets[i]`` is the index in ``text`` of the character that produced
        ``normalised[i]``. Runs of separators collapse into one space; leading
        and trailing separators are kept as one space so boundaries stay visible.
        ``base`` is added to every offset (the start of ``text`` in a larger text).

    Every character folds on its own, so the work is done over the whole text at
    once (a bytes table for ASCII, code point tables in numpy otherwise) rather than
    by a loop over characters.
    """
    if text.isascii():
        folded = text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
        if "  " not in folded:
            return folded, list(range(base, base + len(folded)))
        return _collapsed(folded, np.frombuffer(folded.encode("ascii"), np.uint8), None, base)
    if len(text) <= _SHORT:
        return _normalize_short(text, base)
    codes = _code_points(text)
    kind = _KIND[codes].max()
    if kind == 3:
        _learn(codes)
        kind = _KIND[codes].max()
    if kind == 1:
        mapped = _ONE[codes]
        return _collapsed(mapped.tobytes().decode("utf-32-le", "surrogatepass"), mapped, None, base)
    # Some characters vanish (harakat, tatweel) or become several (ligatures).
    folded = text.translate(_FOLD)
    lengths = _code_points(text.translate(_LENGTHS))
    sources = np.repeat(np.arange(len(codes)), lengths)
    return _collapsed(folded, _code_points(folded), sources, base)


#: The non-ASCII letters Python's ``re.IGNORECASE`` matches to ASCII ones (long s,
#: Kelvin sign, dotted and dotless i), mapped to them: a key made from a
#: case-insensitive match must fold them too, or "ſunday" matches and then finds
#: no entry. Apply before ``lower()`` (which turns İ into two characters).
IGNORECASE_PARTNERS = str.maketrans({"\u017f": "s", "\u212a": "k", "\u0130": "i", "\u0131": "i"})


def folded_char(char: str) -> str:
    """What one character folds to: empty when it vanishes (a haraka), a space for a
    separator; a text's normalisation opens with its first character's folding."""
    return _FOLD[ord(char)]


def normalize_name(name: str) -> str:
    """Normalise a name for comparison: folded, separators as single spaces, trimmed.

    The text of :func:`normalize_with_offsets`, without the offsets (not needed here):
    every character folded on its own, runs of spaces collapsed."""
    if name.isascii():
        folded = name.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
    else:
        folded = name.translate(_FOLD)
    if "  " in folded:
        folded = _SPACE_RUN.sub(" ", folded)
    return folded.strip()


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
