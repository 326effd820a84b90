"""Vocabulary phrases as lookup keys and regex sources, for matching on folded text.

The time vocabulary (:mod:`incidents.time_phrases`) and the casualty vocabulary
(:mod:`incidents.casualty_words`) spell their phrases once in their data files; a phrase
becomes a key (folded, lower case, Arabic marks gone: :func:`phrase_key`) and a regex
source that allows marks after every Arabic letter and any white space between words
(:func:`term_pattern`). The checks of ``time_expressions.json`` name it in their errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from gazetteer.normalize import IGNORECASE_PARTNERS
from geo.resources import DataChecks, bundled_origin
from incidents.time_screens import ARABIC_MARKS

DATA_FILE = "time_expressions.json"

#: The shared validators (geo.resources), bound to this file: errors name it and the section.
CHECKS = DataChecks(bundled_origin("incidents", DATA_FILE))

_MARKS_CLASS = "[\u0640\u064b-\u0652]*"
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")


def phrase_key(text: str, table: Mapping[int, str]) -> str:
    """A lookup key for a matched phrase: folded, lower case, marks and extra spaces gone.

    The same few phrases ("Friday", "p.m.") are matched again and again: their keys are
    remembered per table (see :func:`phrase_memo`)."""
    memo = phrase_memo(table, _KEYS)
    key = memo.get(text)
    if key is None:
        folded = text.translate(table).translate(IGNORECASE_PARTNERS).lower()
        folded = "".join(ch for ch in folded if ch not in ARABIC_MARKS)
        key = " ".join(folded.split())
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[text] = key
    return key


#: The most phrase keys remembered per table before the memo starts afresh.
_MEMO_SIZE = 8192
#: Tables (by id, held so the id stays theirs) -> their memo of phrase keys.
_KEYS: dict[int, tuple[Mapping[int, str], dict[str, str]]] = {}


def phrase_memo(
    table: Mapping[int, str], memos: dict[int, tuple[Mapping[int, str], dict[str, str]]]
) -> dict[str, str]:
    """The memo of ``table`` in ``memos``: a pure function of a phrase and a table,
    remembered per table."""
    known = memos.get(id(table))
    if known is None or known[0] is not table:
        if len(memos) > 64:
            memos.clear()
        known = memos[id(table)] = (table, {})
    return known[1]


def word_screen_key(text: str, table: Mapping[int, str]) -> str:
    """The words :func:`term_pattern` matches for ``text``, as one lower-case string (a
    word screen looks for them in folded, lower-cased, mark-free text)."""
    return phrase_key(text, table)


def spelled(terms: Iterable[str], table: Mapping[int, str]) -> frozenset[str]:
    """What :func:`term_pattern` matches for each term of an alternation (the phrases a
    word screen looks for)."""
    return frozenset(phrase_key(phrase_key(t, table), table) for t in terms if t.strip())


def term_pattern(term: str, table: Mapping[int, str]) -> str:
    """Regex source for one vocabulary phrase, to be matched on folded text.

    Spaces match any run of white space, and every Arabic letter may be followed by
    diacritics or tatweel. Each quantifier applies to a single character class that
    cannot overlap its neighbours, so matching stays linear on hostile input.
    """
    folded = phrase_key(term, table)
    parts: list[str] = []
    for word in folded.split(" "):
        pieces = []
        for ch in word:
            pieces.append(re.escape(ch))
            if _ARABIC_LETTER.match(ch):
                pieces.append(_MARKS_CLASS)
        parts.append("".join(pieces))
    return r"\s+".join(parts)


def alternation(terms: Iterable[str], table: Mapping[int, str]) -> str:
    """Alternation of phrases, longest first so that "late afternoon" beats "afternoon"."""
    unique = sorted({phrase_key(t, table) for t in terms if t.strip()}, key=lambda t: (-len(t), t))
    if not unique:
        msg = "a vocabulary list is empty; add at least one word"
        raise CHECKS.error(msg)
    return "|".join(term_pattern(t, table) for t in unique)


def prefix_alternation(terms: Iterable[str], table: Mapping[int, str]) -> str:
    """Alternation of prefixes with the separator they need ("mid-" needs none)."""
    pieces = []
    for term in sorted({phrase_key(t, table) for t in terms}, key=lambda t: (-len(t), t)):
        separator = r"\s*" if term.endswith("-") else r"\s+"
        pieces.append(term_pattern(term, table) + separator)
    return "|".join(pieces)


def hour_value(value: object, where: str) -> float:
    """An hour of the data file (0 to 48: 28 is 04:00 the next day), or an error naming
    ``where``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 48:
        msg = f"expected an hour from 0 to 48, got {value!r}"
        raise CHECKS.error(msg, where)
    return float(value)
