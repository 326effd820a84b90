"""Arabic cardinal numbers written as words, read for casualty figures.

The words live in ``incidents/data/arabic_numbers.json`` (with where their forms come from);
this module builds one pattern for a whole written number ("خمسة وعشرون", "ثلاثة عشر",
"ثلاثمئة وخمسون", "ثلاثة آلاف") and reads its value. The grammar, from the largest part
down, each part joined to the next by wa- ("and"):

- thousands: ألف, its dual, or a count of 3-10 before آلاف;
- hundreds: مئة, its dual, or a unit of 3-9 before مئة, joined or apart (ثلاثمئة, ثلاث مئة);
- below a hundred: a unit before the teen word (13-19, and أحد عشر, اثنا عشر), a unit and a
  ten (خمسة وعشرون), a ten, ten itself, or a unit.

Vague quantities (عشرات, مئات) are not numbers here: the casualty vocabulary keeps them with
ACLED's conservative figures, as it keeps "dozens".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from geo.resources import DataChecks, bundled_origin, read_json_resource
from incidents.time_phrases import folding_table
from incidents.time_terms import alternation, phrase_key

DATA_FILE = "arabic_numbers.json"

_CHECKS = DataChecks(bundled_origin("incidents", DATA_FILE))

_KINDS = (
    "units",
    "teen_units",
    "ten",
    "tens",
    "hundred",
    "hundred_units",
    "two_hundred",
    "thousand",
    "thousands",
)


@dataclass(frozen=True)
class ArabicNumbers:
    """The compiled Arabic number words: one pattern source and the words' values."""

    pattern: str
    """Regex source (for folded text) of one whole written number, its parts longest first."""
    words: Mapping[str, Mapping[str, int]]
    """Per kind (``units``, ``ten``, ...), folded word -> value."""
    single: Mapping[str, int]
    """The words that are a number on their own (units, ten, tens, hundreds, thousands)."""
    conjunction: str


def _load() -> Mapping[str, object]:
    return read_json_resource("incidents", DATA_FILE)


#: The bundled words compiled per folding table (by identity: tables are built once).
_COMPILED: dict[int, tuple[Mapping[int, str], ArabicNumbers]] = {}


def arabic_numbers(table: Mapping[int, str] | None = None) -> ArabicNumbers:
    """The bundled words compiled for ``table`` (the folding the casualty reader uses)."""
    table = table if table is not None else folding_table()
    held = _COMPILED.get(id(table))
    if held is None or held[0] is not table:
        held = (table, build_arabic_numbers(_load(), table))
        _COMPILED[id(table)] = held
    return held[1]


def build_arabic_numbers(raw: Mapping[str, object], table: Mapping[int, str]) -> ArabicNumbers:
    """Validate the words and build the pattern; errors name the file and the section."""
    words = {k: {phrase_key(w, table): n for w, n in _CHECKS.counts(raw, k, "top").items()}
             for k in _KINDS}  # fmt: skip
    conjunction = _CHECKS.text(raw, "and", "top")

    def alt(*kinds: str) -> str:
        return "(?:" + alternation([w for k in kinds for w in words[k]], table) + ")(?!\\w)"

    wa = rf"\s+{re.escape(phrase_key(conjunction, table))}\s?"
    below_100 = (
        rf"(?:{alt('units', 'teen_units')}\s+{alt('ten')}"
        rf"|(?:{alt('units')}{wa})?{alt('tens')}"
        rf"|{alt('ten')}|{alt('units')})"
    )
    joined_hundred = "(?:" + alternation(list(words["hundred_units"]), table) + ")"
    hundreds = rf"(?:{joined_hundred}\s?{alt('hundred')}|{alt('hundred', 'two_hundred')})"
    below_1000 = rf"(?:{hundreds}(?:{wa}{below_100})?|{below_100})"
    thousands = rf"(?:(?:{alt('units', 'ten')})\s+{alt('thousands')}|{alt('thousand')})"
    pattern = rf"(?:{thousands}(?:{wa}{below_1000})?|{below_1000})"
    single = {w: n for k in ("units", "ten", "tens", "hundred", "two_hundred", "thousand")
              for w, n in words[k].items()}  # fmt: skip
    return ArabicNumbers(pattern, words, single, phrase_key(conjunction, table))


def _tokens(key: str, numbers: ArabicNumbers) -> list[str]:
    """The number words of a folded phrase: wa- taken off, a joined hundred split off."""
    known = {w for kind in numbers.words.values() for w in kind}
    out: list[str] = []
    for token in key.split():
        if token not in known and token.startswith(numbers.conjunction):
            token = token[len(numbers.conjunction) :]
        if token not in known:
            for hundred in numbers.words["hundred"]:
                unit = token[: -len(hundred)]
                if token.endswith(hundred) and unit in numbers.words["hundred_units"]:
                    out += [unit, hundred]
                    break
            else:
                out.append(token)
            continue
        out.append(token)
    return out


def arabic_number_value(text: str, table: Mapping[int, str]) -> int | None:
    """The value of one written Arabic number (a match of the pattern), else None.

    A unit then the teen word adds ten (ثلاثة عشر 13); a unit before مئة multiplies it
    (ثلاثمئة 300); a count before آلاف, or ألف alone, counts thousands; every other word adds
    its value (مئة وخمسة وعشرون 125)."""
    numbers = arabic_numbers(table)
    words = numbers.words
    unit = 0
    tokens = _tokens(phrase_key(text, table), numbers)
    total = group = 0
    previous: str | None = None
    for token in tokens:
        if token in words["ten"] and previous in ("units", "teen_units"):
            group += 10
            previous = "teen"
        elif token in words["hundred"] and previous == "units":
            group = group - unit + unit * 100
            previous = "hundred"
        elif token in words["thousands"] and group:
            total, group, previous = total + group * 1000, 0, "thousand"
        elif token in words["thousand"]:
            total, group, previous = total + words["thousand"][token], 0, "thousand"
        elif token in words["units"]:
            unit = words["units"][token]
            group += unit
            previous = "units"
        elif token in words["teen_units"]:
            unit = words["teen_units"][token]
            group += unit
            previous = "teen_units"
        elif token in numbers.single:
            group += numbers.single[token]
            previous = "other"
        else:
            return None
    return total + group if tokens else None
