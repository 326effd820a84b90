"""Named places the gazetteer lacks, as Arabic copy writes them: after an area word.

Arabic names a neighbourhood with an area word before it ("منطقة الكيارة", "حي
المواصلات") and two or more at once after a dual or a plural ("حيي المواصلات والشرطة
الرابعة": the Muwasalat and Fourth Police neighbourhoods). Where the gazetteer has no
entry the geoparser finds no mention, yet the sentence still names a place of its own:

- an incident told in a clause that names one is there, not at the place another clause
  of the sentence names ("ففي منطقة الكيارة قتل 11 ... بانفجار سيارة مفخخة، فيما أودى
  التفجير الذي ضرب منطقة الداخل بمدينة الصدر ...": two bombings, the first not in Sadr
  City);
- each name after a dual or plural area word is a place of its own, as in a list: the
  bombing told there is one per name.

The area words are the gazetteer's (``arabic_area_words`` and
``arabic_coordinating_generics`` of ``gazetteer/data/context.json``); a name is the
words with the article after one ("الشرطة الرابعة"), and after a dual or plural each
further name is joined by "و" ("والشرطة"). Pure functions over one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from gazetteer.context import context_vocabulary
from gazetteer.normalize import normalize_with_offsets

_ARTICLE = "ال"
_AND = "و"


@dataclass(frozen=True)
class AreaName:
    """A place named after an area word: its span (report offsets) and normalised name."""

    start: int
    end: int
    name: str
    group: int
    """Names after one dual or plural area word share a group."""


@cache
def _area_words() -> tuple[frozenset[str], frozenset[str]]:
    vocab = context_vocabulary()
    several = vocab.arabic_coordinating_generics & vocab.arabic_area_words
    return vocab.arabic_area_words, several


def area_names(
    text: str, offset: int = 0, *, normalized: tuple[str, list[int]] | None = None
) -> list[AreaName]:
    """Every place named after an area word in ``text`` (a sentence starting at
    ``offset`` in the report), known to the gazetteer or not, in text order.

    ``normalized`` is ``normalize_with_offsets(text, offset)`` when the caller has it."""
    if text.isascii():
        return []
    words, several = _area_words()
    norm, offsets = normalized or normalize_with_offsets(text, offset)
    if not any(w in norm for w in words):
        return []  # most sentences: no area word, nothing to read
    tokens = [(m_start, m_start + len(tok), tok) for m_start, tok in _tokens(norm)]

    def _continues(k: int) -> bool:
        """True when token ``k`` goes on the name before it ("الرابعة" in "الشرطة
        الرابعة"): a word with the article, with only spaces before it."""
        between = text[offsets[tokens[k - 1][1] - 1] + 1 - offset : offsets[tokens[k][0]] - offset]
        return tokens[k][2].startswith(_ARTICLE) and not between.strip()

    found: list[AreaName] = []
    i = 0
    while i < len(tokens):
        word = tokens[i][2]
        if word not in words or i + 1 >= len(tokens) or not tokens[i + 1][2].startswith(_ARTICLE):
            i += 1
            continue
        group = i
        j = i + 1
        name_start, name_end = j, j + 1
        while name_end < len(tokens) and _continues(name_end):
            name_end += 1
        found.append(_name(tokens, name_start, name_end, norm, offsets, group))
        j = name_end
        if word in several:
            # "حيي المواصلات والشرطة الرابعة": each name joined by "و" is another
            while j < len(tokens) and tokens[j][2].startswith(_AND + _ARTICLE):
                name_start, name_end = j, j + 1
                while name_end < len(tokens) and _continues(name_end):
                    name_end += 1
                found.append(_name(tokens, name_start, name_end, norm, offsets, group))
                j = name_end
        i = j
    return found


def unlisted(names: Sequence[AreaName], known: Sequence[tuple[int, int]]) -> list[AreaName]:
    """The names that overlap none of the ``known`` spans (the gazetteer's mentions)."""
    return [n for n in names if not any(a < n.end and n.start < b for a, b in known)]


def _name(
    tokens: list[tuple[int, int, str]],
    first: int,
    stop: int,
    norm: str,
    offsets: list[int],
    group: int,
) -> AreaName:
    nstart, nend = tokens[first][0], tokens[stop - 1][1]
    name = norm[nstart:nend]
    if name.startswith(_AND):
        name = name[1:]
    return AreaName(offsets[nstart], offsets[nend - 1] + 1, name, group)


def _tokens(norm: str) -> list[tuple[int, str]]:
    found = []
    start = None
    for i, char in enumerate(norm):
        if char.isspace():
            if start is not None:
                found.append((start, norm[start:i]))
                start = None
        elif start is None:
            start = i
    if start is not None:
        found.append((start, norm[start:]))
    return found
