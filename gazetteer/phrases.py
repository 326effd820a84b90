"""Multi-pattern phrase matching on normalised text, in one pass.

Used for gazetteer names and for every other vocabulary (incident triggers,
actors): an Aho-Corasick automaton over the normalised phrases, token boundaries
respected (Arabic proclitics such as و or ب may be glued in front), the longest
match winning where matches overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

from gazetteer.normalize import (
    arabic_enclitics,
    arabic_proclitics,
    is_arabic_letter,
    normalize_name,
    normalize_with_offsets,
)

T = TypeVar("T")


# Not frozen: a frozen dataclass's __init__ costs about 4x a plain one, and tens of
# matches are made per paragraph. Hashable and compared by value all the same; treat
# it as immutable.
@dataclass(unsafe_hash=True, slots=True)
class PhraseMatch(Generic[T]):
    """A phrase found in a text: spans in the normalised and in the original text."""

    nstart: int
    nend: int
    start: int
    end: int
    key: str
    value: T

    @property
    def length(self) -> int:
        return self.nend - self.nstart


class PhraseMatcher(Generic[T]):
    """Finds phrases of a vocabulary in texts.

    Parameters
    ----------
    phrases
        ``(phrase, value)`` pairs; a phrase listed twice keeps every value.
    """

    def __init__(self, phrases: Iterable[tuple[str, T]]):
        table: dict[str, list[T]] = {}
        for phrase, value in phrases:
            key = normalize_name(phrase)
            if key:
                values = table.setdefault(key, [])
                if value not in values:
                    values.append(value)
        self._automaton = ahocorasick.Automaton()
        for key, values in table.items():
            self._automaton.add_word(key, (key, tuple(values)))
        self._empty = not table
        if not self._empty:
            self._automaton.make_automaton()

    def candidates(self, norm: str, offsets: list[int]) -> Iterator[PhraseMatch[T]]:
        """Every match on token boundaries, overlapping ones included."""
        for nstart, nend, key, values in self.spans(norm):
            for value in values:
                yield PhraseMatch(nstart, nend, offsets[nstart], offsets[nend - 1] + 1, key, value)

    def spans(self, norm: str) -> Iterator[tuple[int, int, str, tuple[T, ...]]]:
        """``(nstart, nend, key, values)`` of every match on token boundaries, in the
        automaton's order: :meth:`candidates` without a match object per value."""
        if self._empty:
            return
        size = len(norm)
        for last, (key, values) in self._automaton.iter(norm):
            nstart, nend = last - len(key) + 1, last + 1
            # The common cases inline: a space (or the text's edge) on both sides; a
            # glued Arabic clitic only ever next to an Arabic letter (U+0600 and above).
            if (
                nend < size
                and norm[nend] != " "
                and (norm[last] < "\u0600" or not ends_on_boundary(norm, nend))
            ):
                continue
            if (
                nstart
                and norm[nstart - 1] != " "
                and (norm[nstart] < "\u0600" or not starts_on_boundary(norm, nstart))
            ):
                continue
            yield nstart, nend, key, values

    def find(self, text: str) -> list[PhraseMatch[T]]:
        """Non-overlapping matches in ``text``, longest first where they overlap."""
        norm, offsets = normalize_with_offsets(text)
        return longest_matches(self.candidates(norm, offsets))


def starts_on_boundary(norm: str, start: int) -> bool:
    """True when ``norm[start:]`` begins a token (allowing glued Arabic proclitics)."""
    if start == 0 or norm[start - 1] == " ":
        return True
    if not is_arabic_letter(norm[start]):
        return False
    word_start = norm.rfind(" ", 0, start) + 1
    return norm[word_start:start] in arabic_proclitics()


def ends_on_boundary(norm: str, end: int) -> bool:
    """True when a match ending at ``end`` ends a token (allowing Arabic pronoun suffixes)."""
    if end >= len(norm) or norm[end] == " ":
        return True
    if not is_arabic_letter(norm[end - 1]):
        return False
    word_end = norm.find(" ", end)
    rest = norm[end:] if word_end < 0 else norm[end:word_end]
    return rest in arabic_enclitics()


def longest_matches(
    matches: Iterable[PhraseMatch[T]], *, rank: Callable[[PhraseMatch[T]], int] | None = None
) -> list[PhraseMatch[T]]:
    """Keep the longest of overlapping matches, in text order.

    Ties between equally long matches go to the lowest ``rank``.
    """
    ordered = sorted(matches, key=lambda m: (-m.length, m.nstart, rank(m) if rank else 0))
    taken: list[PhraseMatch[T]] = []
    covered: set[int] = set()
    for match in ordered:
        span = range(match.nstart, match.nend)
        if covered.isdisjoint(span):
            taken.append(match)
            covered.update(span)
    taken.sort(key=lambda m: m.nstart)
    return taken
