"""Sequels: phrases that place a sentence some time after the time it inherits.

"hours later", "بعد ساعات" and "shortly afterwards" (the ``sequels`` entries of
``time_expressions.json``), and stated spans read by count, unit and after-word ("two
hours later", "45 minutes afterwards": ``sequels.counted``). :mod:`incidents.time_phrases`
compiles and scans their patterns with the rest of the time vocabulary;
:mod:`incidents.timeref` places the sentence after the inherited time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from incidents.time_terms import CHECKS, alternation, hour_value, phrase_key, spelled


@dataclass(frozen=True)
class Sequel:
    """A phrase placing a sentence some time after the time it inherits ("hours later"):
    at most ``within_hours`` after that time ends, or by the end of its day when None."""

    within_hours: float | None
    after_hours: float | None = None
    """A stated span too long for the same part of the day ("thirty hours later"): the
    sentence is on the day that long after the inherited time starts, the whole day."""


@dataclass(frozen=True)
class CountedSequels:
    """Stated spans that place a sentence after the time it inherits ("2 hours later",
    "twenty minutes later"): each is read as a :class:`Sequel` of that span (at least
    ``min_hours``); a span past ``max_hours`` puts it on the day that long after."""

    numbers: Mapping[str, float]
    units: Mapping[str, float]
    min_hours: float
    max_hours: float
    duals: Mapping[str, float] = field(default_factory=dict)
    """Folded Arabic unit in the dual ("ساعتين") -> the span it states, in hours."""

    def sequel(self, number: str, unit: str, table: Mapping[int, str]) -> Sequel | None:
        """The sequel of a count (digits or a spelled number) of a unit ("two hours")."""
        count = float(number) if number.isdigit() else self.numbers[phrase_key(number, table)]
        return self._after(count * self.units[phrase_key(unit, table)])

    def dual(self, unit: str, table: Mapping[int, str]) -> Sequel | None:
        """The sequel of a unit written in the dual ("بعد ساعتين": two hours)."""
        return self._after(self.duals[phrase_key(unit, table)])

    def _after(self, hours: float) -> Sequel | None:
        if hours <= 0:
            return None
        if hours > self.max_hours:
            return Sequel(None, after_hours=hours)
        return Sequel(max(self.min_hours, hours))


@dataclass(frozen=True)
class SequelWords:
    """The ``sequels`` section read: what each phrase says, and the regex sources and
    word screens of its patterns (by pattern name, in scanning order)."""

    sequels: dict[str, Sequel]
    counted: CountedSequels
    patterns: dict[str, str]
    screens: dict[str, tuple[frozenset[str], ...]]


def read_sequels(
    raw: Mapping[str, Any], table: Mapping[int, str], bounded: Callable[[str], str]
) -> SequelWords:
    """Read the ``sequels`` section of the time vocabulary's data (``raw`` is the whole
    file); ``bounded`` makes a pattern body a whole phrase (word edges, proclitics)."""
    sequels: dict[str, Sequel] = {}
    seq_raw = CHECKS.value(raw, "sequels", dict, "top")
    for i, entry in enumerate(CHECKS.value(seq_raw, "entries", list, "sequels")):
        where = f"sequels.entries[{i}]"
        within = entry.get("within_hours") if isinstance(entry, dict) else None
        within_hours = None if within is None else hour_value(within, f"{where}.within_hours")
        sequels.update(
            {
                phrase_key(w, table): Sequel(within_hours)
                for w in CHECKS.words(entry, "words", where)
            }
        )
    counted = CHECKS.value(seq_raw, "counted", dict, "sequels")
    numbers = _counts(counted, "numbers", table)
    units = _counts(counted, "units", table)
    after = CHECKS.words(counted, "after", "sequels.counted")
    low = hour_value(counted.get("min_hours"), "sequels.counted.min_hours")
    high = hour_value(counted.get("max_hours"), "sequels.counted.max_hours")
    arabic = CHECKS.section(counted, "arabic", "sequels.counted")
    before = CHECKS.words(arabic, "before", "sequels.counted.arabic")
    duals, dual_words = _duals(arabic, table)
    patterns = {
        "sequel": bounded(rf"(?P<w>{alternation(sequels, table)})"),
        "sequel_counted": bounded(
            rf"(?P<n>\d{{1,3}}|{alternation(numbers, table)})\s+"
            rf"(?P<u>{alternation(units, table)})\s+"
            rf"(?:{alternation(after, table)})"
        ),
        "sequel_dual": bounded(
            rf"(?:{alternation(before, table)})\s+(?P<u>{alternation(duals, table)})"
        ),
    }
    screens = {
        "sequel": (spelled(sequels, table),),
        "sequel_counted": (spelled(units, table), spelled(after, table)),
        # every dual holds one without the article
        "sequel_dual": (spelled(before, table), spelled(dual_words, table)),
    }
    counted_sequels = CountedSequels(numbers, units, low, high, duals)
    return SequelWords(sequels, counted_sequels, patterns, screens)


def _duals(
    arabic: Mapping[str, Any], table: Mapping[int, str]
) -> tuple[dict[str, float], list[str]]:
    """Folded Arabic units in the dual, with and without the article -> the span each
    states in hours (twice the singular's), and the duals without the article; from
    ``sequels.counted.arabic``."""
    where = "sequels.counted.arabic"
    units = _counts(arabic, "units", table, where)
    stems = CHECKS.section(arabic, "stem_endings", where)
    for letter, written in stems.items():
        if len(letter) != 1 or not isinstance(written, str) or len(written) != 1:
            msg = f"'{letter}' -> {written!r} must map one letter to one"
            raise CHECKS.error(msg, f"{where}.stem_endings")
    endings = CHECKS.words(arabic, "dual_endings", where)
    article = CHECKS.text(arabic, "article", where)
    duals: dict[str, float] = {}
    words: list[str] = []
    for unit in _unit_words(arabic, where):
        if not unit.strip():
            msg = "a unit must be a word"
            raise CHECKS.error(msg, f"{where}.units")
        stem = unit[:-1] + stems[unit[-1]] if unit[-1] in stems else unit
        for ending in endings:
            words.append(stem + ending)
            for written in (stem + ending, article + stem + ending):
                duals[phrase_key(written, table)] = 2 * units[phrase_key(unit, table)]
    return duals, words


def _unit_words(section: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The words of the object ``units`` of ``section`` as written (not folded)."""
    return {w: v for w, v in CHECKS.section(section, "units", where).items() if w[:1] != "_"}


def _counts(
    counted: Mapping[str, Any],
    key: str,
    table: Mapping[int, str],
    where: str = "sequels.counted",
) -> dict[str, float]:
    """Folded word -> its number more than 0 (a count, or a unit's length in hours), from
    the object ``key`` of ``where`` (the shared checks of :mod:`geo.resources`)."""
    values = {w: v for w, v in CHECKS.section(counted, key, where).items() if w[:1] != "_"}
    counts = {}
    for word, value in values.items():
        number = CHECKS.number(value, f"{where}.{key}.{word}")
        if number == 0:
            msg = "must be more than 0"
            raise CHECKS.error(msg, f"{where}.{key}.{word}")
        counts[phrase_key(word, table)] = number
    if not counts:
        msg = "add at least one word"
        raise CHECKS.error(msg, f"{where}.{key}")
    return counts
