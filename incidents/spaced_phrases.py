"""Text helpers the sentence readers share: a stretch's normalisation cut from the whole
text's, and the search for a phrase between spaces in a run of normalised words.

Kept apart from :mod:`incidents.triggers`, which reads what a sentence tells, as they
know nothing of incidents.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from gazetteer.normalize import folded_char, normalize_with_offsets


def stretch_normalized(
    text: str, start: int, end: int, normalized: tuple[str, list[int]] | None
) -> tuple[str, list[int]]:
    """``normalize_with_offsets(text[start:end], start)``, cut from the whole text's
    normalisation when given.

    Every character folds on its own and a space is dropped only after a space, so the
    whole text's characters from ``[start, end)`` are the stretch's own, except for a
    leading space the whole text may have collapsed into the one before: the cut is
    taken only when the stretch's first character folds to a non-space."""
    if normalized is not None and start < end:
        first = folded_char(text[start])
        if first and first[0] != " ":
            whole, offsets = normalized
            lo, hi = bisect_left(offsets, start), bisect_left(offsets, end)
            return whole[lo:hi], offsets[lo:hi]
    return normalize_with_offsets(text[start:end], start)


@lru_cache(maxsize=64)
def _spaced(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """``" phrase "`` for each phrase, made once per vocabulary list rather than per test."""
    return tuple(f" {phrase} " for phrase in phrases)


@lru_cache(maxsize=64)
def _spaced_search(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One search for any ``" phrase "`` of ``phrases`` (None when there is none): its
    first match starts where the first of them written does."""
    if not phrases:
        return None
    return re.compile("|".join(map(re.escape, _spaced(phrases))))


def first_spaced(text: str, phrases: tuple[str, ...]) -> int:
    """Where the first ``" phrase "`` of ``phrases`` in ``text`` starts, -1 when none is:
    ``min(text.find(p) for p in _spaced(phrases) if p in text)`` in one search."""
    pattern = _spaced_search(phrases)
    found = pattern.search(text) if pattern is not None else None
    return found.start() if found is not None else -1
