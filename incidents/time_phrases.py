"""Find the time expressions of one sentence: dates, weekdays, relative days, parts of
the day, clock times and background phrases, in English and Arabic.

The words live in ``incidents/data/time_expressions.json``, compiled once
(:func:`time_vocabulary`). Matching runs on a *folded* copy of the sentence
(:func:`fold_text`) that has the same length as the original, so every offset found in
it is an offset into the sentence itself. Patterns that cannot match a sentence are
skipped by a digit screen and one Aho-Corasick word screen, so a sentence costs one
pass, not one scan per pattern. :mod:`incidents.timeref` resolves the matches.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal

from geo.resources import read_json_resource
from incidents.time_screens import WordScreen
from incidents.time_sequels import CountedSequels, Sequel, read_sequels
from incidents.time_terms import CHECKS as _CHECKS
from incidents.time_terms import DATA_FILE, spelled
from incidents.time_terms import alternation as _alternation
from incidents.time_terms import hour_value as _hour
from incidents.time_terms import phrase_key as _key
from incidents.time_terms import prefix_alternation as _prefix_alternation

__all__ = [
    "DATA_FILE",
    "Background",
    "Clock",
    "DayPart",
    "RelativeDay",
    "Sequel",
    "TimeHit",
    "fold_text",
    "folding_table",
    "forget_scans",
    "in_comparison_scope",
    "limit_hits",
    "night_into_connectors",
    "scan_time",
    "time_expression_spans",
    "time_vocabulary",
]

_get = _CHECKS.value
_words = _CHECKS.words

_Kind = Literal[
    "date",
    "weekday",
    "relative",
    "part",
    "extender",
    "sequel",
    "clock",
    "month",
    "year",
    "background",
]


#: When two matches have the same length and overlap, the first kind here wins.
_KIND_ORDER: tuple[_Kind, ...] = (
    "date",
    "clock",
    "relative",
    "weekday",
    "extender",
    "sequel",
    "part",
    "month",
    "year",
    "background",
)


@dataclass(frozen=True)
class RelativeDay:
    anchor: Literal["report", "context"]
    day_offset: int
    part: str | None


@dataclass(frozen=True)
class DayPart:
    name: str
    start_hour: float
    end_hour: float


@dataclass(frozen=True)
class Background:
    unit: Literal["month", "year", "week", "span"]
    offset: int


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int
    meridiem: Literal["am", "pm"] | None
    is_24_hour: bool
    approximate: bool
    utc: bool


@dataclass(frozen=True)
class TimeHit:
    kind: _Kind
    start: int
    end: int
    payload: Any
    possessive: bool = False


@dataclass(frozen=True)
class _Vocabulary:
    fold_table: Mapping[int, str]
    gap_days: int
    weekday_gap_days: int
    """A bare weekday names a day of the past week (wire style): it is background only
    further back than this."""
    extender_end_hour: float
    patterns: Mapping[str, re.Pattern[str]]
    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    relatives: Mapping[str, RelativeDay]
    parts: Mapping[str, DayPart]
    parts_by_name: Mapping[str, DayPart]
    backgrounds: Mapping[str, Background]
    arabic_hours: Mapping[str, int]
    am_words: frozenset[str]
    pm_words: frozenset[str]
    comparison_words: frozenset[str] = frozenset()
    """Words opening a comparison ("the deadliest ... since 2008"): see
    :func:`in_comparison_scope`."""
    comparison_openers: frozenset[str] = frozenset()
    comparison_window: int = 0
    limit_before: re.Pattern[str] | None = None
    """Ends where a time is a limit ("until 6am on Sunday"): a limit word, then a connector."""
    limit_join: re.Pattern[str] | None = None
    """What may join two times of one limit ("6am on Sunday")."""
    sequels: Mapping[str, Sequel] = field(default_factory=dict)
    """Folded phrase -> what it says of the time after the inherited one ("hours later")."""
    counted_sequels: CountedSequels = field(
        default_factory=lambda: CountedSequels({}, {}, min_hours=1.0, max_hours=12.0)
    )
    """Stated spans after the inherited time ("2 hours later")."""
    screens: Mapping[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    """Pattern name -> groups of phrases (as the pattern spells them): every match of
    the pattern holds a phrase of each group, so a sentence without one need not run
    it (:class:`~incidents.time_screens.WordScreen`)."""


def fold_text(text: str, table: Mapping[int, str] | None = None) -> str:
    """Fold letter variants and digits one character for one character.

    Arabic hamza and alef forms, taa marbuta and alef maqsura become their plain
    letters, Arabic-Indic digits become ASCII digits and typographic apostrophes a
    plain one, so one spelling in a data file matches them all. The result has the
    same length as ``text``: offsets found in it are offsets into ``text``.
    """
    table = table if table is not None else time_vocabulary().fold_table
    if text.isascii() and _leaves_ascii(table):
        return text  # most report text: the table folds no ASCII character
    return text.translate(table)


_ASCII = "".join(map(chr, range(128)))
#: Tables (by id, held so the id stays theirs) -> whether they leave ASCII text as it is.
_ASCII_KEPT: dict[int, tuple[Mapping[int, str], bool]] = {}


def _leaves_ascii(table: Mapping[int, str]) -> bool:
    known = _ASCII_KEPT.get(id(table))
    if known is None or known[0] is not table:
        known = _ASCII_KEPT[id(table)] = (table, _ASCII.translate(table) == _ASCII)
        if len(_ASCII_KEPT) > 64:
            _ASCII_KEPT.clear()
    return known[1]


def folding_table() -> Mapping[int, str]:
    """The character table :func:`fold_text` applies (from the bundled data file)."""
    return time_vocabulary().fold_table


def _numbered(mapping: Mapping[str, Any], where: str, low: int, high: int) -> dict[int, list[str]]:
    """Read a ``{"1": [...], "2": [...]}`` table whose keys run from low to high."""
    numbered: dict[int, list[str]] = {}
    for key in mapping:
        if key.startswith("_"):
            continue
        if not key.isdigit() or not low <= int(key) <= high:
            msg = f"key '{key}' is not a number from {low} to {high}"
            raise _CHECKS.error(msg, where)
        numbered[int(key)] = _words(mapping, key, where)
    if sorted(numbered) != list(range(low, high + 1)):
        msg = f"expected one entry for every number from {low} to {high}"
        raise _CHECKS.error(msg, where)
    return numbered


def _load_raw() -> dict[str, Any]:
    return read_json_resource("incidents", DATA_FILE)


@lru_cache(maxsize=1)
def time_vocabulary() -> _Vocabulary:
    """Load and compile the bundled vocabulary once per process."""
    return _build_vocabulary(_load_raw())


def _build_vocabulary(raw: Mapping[str, Any]) -> _Vocabulary:
    pairs = _get(_get(raw, "folding", dict, "top"), "pairs", dict, "folding")
    for source, target in pairs.items():
        if len(source) != 1 or not isinstance(target, str) or len(target) != 1:
            msg = f"'{source}' -> {target!r} must map one character to one"
            raise _CHECKS.error(msg, "folding.pairs")
    table = str.maketrans(pairs)

    proclitics = _words(raw, "arabic_proclitics", "top")
    proclitic = "[" + "".join(re.escape(p) for p in proclitics) + "]?"
    gap_days = _get(raw, "background_gap_days", int, "top")

    def bounded(body: str, *, possessive: bool = False) -> str:
        tail = r"(?P<poss>'s)?" if possessive else ""
        return rf"(?<!\w){proclitic}(?:{body}){tail}(?!\w)"

    # months and dates
    months_raw = _numbered(_get(raw, "months", dict, "top"), "months", 1, 12)
    months = {_key(w, table): n for n, ws in months_raw.items() for w in ws}
    month_alt = _alternation(months, table)
    connectors = _alternation(_words(raw, "day_month_connectors", "top"), table)
    year_connectors = _alternation(_words(raw, "year_connectors", "top"), table)
    ordinal = "(?:" + _alternation(_words(raw, "ordinal_suffixes", "top"), table) + ")?"
    year = r"(?P<y>(?:19|20)\d\d)(?!\d)"
    year_tail = rf"(?:,?\s+(?:(?:{year_connectors})\s+)?{year})?"
    day = r"(?P<d>[0-3]?\d)(?!\d)"
    date_mdy = rf"(?<!\w)(?P<m>{month_alt})\s*{day}{ordinal}(?![\w:]){year_tail}"
    date_dmy = (
        rf"(?<![\w.,:/]){day}{ordinal}\s+(?:(?:{connectors})\s+)?"
        rf"{proclitic}(?P<m>{month_alt})(?!\w){year_tail}"
    )
    date_iso = r"(?<![\w./:-])(?P<y>(?:19|20)\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?![\w-])"
    month_prefixes = _prefix_alternation(_words(raw, "month_only_prefixes", "top"), table)
    month_year = (
        rf"(?<!\w)(?:{month_prefixes})?(?P<m>{month_alt})\s+(?:(?:{year_connectors})\s+)?{year}"
    )
    month_only = rf"(?<!\w)(?:{month_prefixes})(?P<m>{month_alt})(?!\w)(?!\s*\d)"
    year_prefixes = _prefix_alternation(_words(raw, "year_prefixes", "top"), table)
    count_nouns_raw = _get(raw, "year_count_nouns", dict, "top")
    count_nouns = _alternation(_words(count_nouns_raw, "words", "year_count_nouns"), table)
    clock_raw = _get(raw, "clock", dict, "top")
    zone_words = _alternation(
        [
            *_words(clock_raw, "utc_suffixes", "clock"),
            *_words(clock_raw, "military_suffixes", "clock"),
        ],
        table,
    )
    bare_year = (
        rf"(?<!\w)(?:{year_prefixes})?(?<![\w.,/:#-])(?P<y>(?:19|20)\d\d)"
        rf"(?![\w%-]|[.,]\d|\s+(?:{count_nouns}|{zone_words})(?!\w))(?P<poss>'s)?"
    )

    # weekdays
    weekdays_raw = _numbered(_get(raw, "weekdays", dict, "top"), "weekdays", 0, 6)
    weekdays = {_key(w, table): n for n, ws in weekdays_raw.items() for w in ws}
    wd_prefix = _alternation(_words(raw, "weekday_prefixes", "top"), table)
    wd_last = _alternation(_words(raw, "weekday_strictly_past_prefixes", "top"), table)
    wd_next = _alternation(_words(raw, "weekday_strictly_future_prefixes", "top"), table)
    wd_next_after = _alternation(_words(raw, "weekday_strictly_future_suffixes", "top"), table)
    weekday_alt = _alternation(weekdays, table)
    wd_ahead = _alternation(_words(raw, "weekday_ahead_prefixes", "top"), table)
    weekday_gap_days = _get(raw, "weekday_background_gap_days", int, "top")
    comparison = _get(raw, "comparison_scope", dict, "top")
    comparison_words = frozenset(
        w.casefold() for w in _words(comparison, "words", "comparison_scope")
    )
    comparison_openers = frozenset(
        w.casefold() for w in _words(comparison, "openers", "comparison_scope")
    )
    comparison_window = _get(comparison, "window", int, "comparison_scope")

    # relative days
    relatives: dict[str, RelativeDay] = {}
    rel_raw = _get(raw, "relative_days", dict, "top")
    for i, entry in enumerate(_get(rel_raw, "entries", list, "relative_days")):
        where = f"relative_days.entries[{i}]"
        anchor = _get(entry, "anchor", str, where)
        if anchor not in ("report", "context"):
            msg = f"expected 'report' or 'context', got '{anchor}'"
            raise _CHECKS.error(msg, where, key="anchor")
        part = entry.get("part")
        rel = RelativeDay(anchor, _get(entry, "day_offset", int, where), part)
        relatives.update({_key(w, table): rel for w in _words(entry, "words", where)})

    # parts of day
    parts: dict[str, DayPart] = {}
    parts_by_name: dict[str, DayPart] = {}
    pod_raw = _get(raw, "parts_of_day", dict, "top")
    for i, entry in enumerate(_get(pod_raw, "entries", list, "parts_of_day")):
        where = f"parts_of_day.entries[{i}]"
        name = _get(entry, "name", str, where)
        start = _hour(entry.get("start_hour"), f"{where}.start_hour")
        end = _hour(entry.get("end_hour"), f"{where}.end_hour")
        if end <= start:
            msg = "end_hour must be after start_hour (use 28 for 04:00 the next day)"
            raise _CHECKS.error(msg, where)
        part = DayPart(name, start, end)
        parts_by_name[name] = part
        parts.update({_key(w, table): part for w in _words(entry, "words", where)})
    # "for Friday" is the coming Friday; "for Friday prayers" names the prayers, not a day ahead
    part_alt = _alternation(parts, table)
    weekday = bounded(
        rf"(?:(?P<last>{wd_last})\s+|(?P<next>{wd_next})\s+"
        rf"|(?P<ahead>{wd_ahead})\s+(?=(?:(?:{wd_prefix})\s+)?(?:{weekday_alt})"
        rf"(?!\w)(?!\s+(?:{part_alt})(?!\w))))?(?:(?:{wd_prefix})\s+)?"
        rf"(?P<w>{weekday_alt})(?:\s+(?P<next_after>{wd_next_after})(?!\w))?",
        possessive=True,
    )
    for rel in relatives.values():
        if rel.part is not None and rel.part not in parts_by_name:
            msg = f"part '{rel.part}' is not a name in parts_of_day"
            raise _CHECKS.error(msg, "relative_days")

    ext_raw = _get(raw, "extenders", dict, "top")
    extender_end = _hour(ext_raw.get("end_hour"), "extenders.end_hour")
    extender = bounded(_alternation(_words(ext_raw, "words", "extenders"), table))

    sequel_words = read_sequels(raw, table, bounded)

    # clock times
    clock_raw = _get(raw, "clock", dict, "top")
    am_words = frozenset(_key(w, table) for w in _words(clock_raw, "am", "clock"))
    pm_words = frozenset(_key(w, table) for w in _words(clock_raw, "pm", "clock"))
    meridiem = _alternation([*am_words, *pm_words], table)
    oclock = _alternation(_words(clock_raw, "oclock", "clock"), table)
    approx = _alternation(_words(clock_raw, "approximate", "clock"), table)
    utc = _alternation(_words(clock_raw, "utc_suffixes", "clock"), table)
    intro = _alternation(_words(clock_raw, "hour_introducers", "clock"), table)
    half = _alternation(_words(clock_raw, "half_past", "clock"), table)
    quarter = _alternation(_words(clock_raw, "quarter_past", "clock"), table)
    hours_raw = _get(clock_raw, "arabic_hour_words", dict, "clock")
    arabic_hours = {
        _key(w, table): _get(hours_raw, w, int, "clock.arabic_hour_words") for w in hours_raw
    }
    approx_group = rf"(?:(?P<approx>{approx})\s+)?"
    utc_tail = rf"(?:\s*(?P<utc>{utc})(?!\w))?"
    clock12 = (
        rf"(?<!\w){approx_group}(?<![\w.:,/])(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<mi>[0-5]\d))?"
        rf"\s*(?:(?P<mer>{meridiem})|\s(?P<oclock>{oclock}))(?!\w){utc_tail}"
    )
    clock_mil = (
        rf"(?<![\w.:,/]){approx_group}(?<![\w.:,/])(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)"
        rf"(?=\s*(?:{zone_words})(?!\w)){utc_tail}"
    )
    clock24 = (
        rf"(?<!\w){approx_group}(?<![\w.:,/])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?![\d:])"
        rf"{utc_tail}"
    )
    bare_intro = _alternation(_words(clock_raw, "bare_hour_introducers", "clock"), table)
    clock_bare = (
        rf"(?<!\w)(?:(?P<approx>{approx})|{bare_intro})\s+(?P<h>1[0-2]|0?[1-9])(?![\w:.,])"
        rf"(?=\s+(?:{_alternation(parts, table)})(?!\w))"
    )
    clock_ar = (
        rf"(?<!\w){approx_group}{proclitic}(?:{intro})\s+"
        rf"(?P<h>\d{{1,2}}(?!\d)|{_alternation(arabic_hours, table)})(?:[:.](?P<mi>[0-5]\d))?"
        rf"(?:\s+(?P<half>{half})|\s+(?P<quarter>{quarter}))?(?!\w){utc_tail}"
    )

    # background periods
    backgrounds: dict[str, Background] = {}
    bg_raw = _get(raw, "background", dict, "top")
    for i, entry in enumerate(_get(bg_raw, "entries", list, "background")):
        where = f"background.entries[{i}]"
        unit = _get(entry, "unit", str, where)
        if unit not in ("month", "year", "week", "span"):
            msg = f"expected month, year, week or span, got '{unit}'"
            raise _CHECKS.error(msg, where, key="unit")
        bg = Background(unit, _get(entry, "offset", int, where))
        backgrounds.update({_key(w, table): bg for w in _words(entry, "words", where)})

    month_words = spelled(months, table)
    screens = {
        "date_mdy": (month_words,),
        "date_dmy": (month_words,),
        "month_year": (month_words,),
        "month_only": (month_words,),
        "weekday": (spelled(weekdays, table),),
        "relative": (spelled(relatives, table),),
        "part": (spelled(parts, table),),
        "background": (spelled(backgrounds, table),),
        "extender": (spelled(_words(ext_raw, "words", "extenders"), table),),
        **sequel_words.screens,
        "clock12": (spelled([*am_words, *pm_words, *_words(clock_raw, "oclock", "clock")], table),),
        "clock_mil": (
            spelled(
                [
                    *_words(clock_raw, "utc_suffixes", "clock"),
                    *_words(clock_raw, "military_suffixes", "clock"),
                ],
                table,
            ),
        ),
        "clock_ar": (spelled(_words(clock_raw, "hour_introducers", "clock"), table),),
        "clock_bare": (spelled(parts, table),),  # its look-ahead: "at 9 in the evening"
    }
    patterns = {
        "date_mdy": date_mdy,
        "date_dmy": date_dmy,
        "date_iso": date_iso,
        "month_year": month_year,
        "month_only": month_only,
        "year": bare_year,
        "weekday": weekday,
        "relative": bounded(rf"(?P<w>{_alternation(relatives, table)})"),
        "part": bounded(rf"(?P<w>{_alternation(parts, table)})"),
        "extender": extender,
        **sequel_words.patterns,
        "clock12": clock12,
        "clock24": clock24,
        "clock_mil": clock_mil,
        "clock_ar": clock_ar,
        "clock_bare": clock_bare,
        "background": bounded(rf"(?P<w>{_alternation(backgrounds, table)})", possessive=True),
    }
    compiled = {name: re.compile(source, re.IGNORECASE) for name, source in patterns.items()}
    limits = _get(raw, "limits", dict, "top")
    limit_connectors = _alternation(_words(limits, "connectors", "limits"), table)
    limit_articles = _alternation(_words(limits, "articles", "limits"), table)
    limit_before = re.compile(
        rf"(?<!\w){proclitic}(?:{_alternation(_words(limits, 'words', 'limits'), table)})"
        rf"\s*(?:(?:{limit_connectors})\s+)?(?:(?:{limit_articles})\s+)?\Z",
        re.IGNORECASE,
    )
    limit_join = re.compile(rf"\s*(?:(?:{limit_connectors})\s+)?", re.IGNORECASE)

    return _Vocabulary(
        limit_before=limit_before,
        limit_join=limit_join,
        fold_table=table,
        gap_days=gap_days,
        weekday_gap_days=weekday_gap_days,
        extender_end_hour=extender_end,
        sequels=sequel_words.sequels,
        counted_sequels=sequel_words.counted,
        patterns=compiled,
        months=months,
        weekdays=weekdays,
        relatives=relatives,
        parts=parts,
        parts_by_name=parts_by_name,
        backgrounds=backgrounds,
        arabic_hours=arabic_hours,
        am_words=am_words,
        pm_words=pm_words,
        comparison_words=comparison_words,
        comparison_openers=comparison_openers,
        comparison_window=comparison_window,
        screens=screens,
    )


#: How many sentences' scans are kept while a report is read: a sentence is scanned by
#: several readers in a row (the report's day, its own time, its casualty figures), so it
#: is read once. :func:`forget_scans` empties the cache after each report.
_SCAN_CACHE_SIZE = 256


_SCAN_CACHE_MAX_CHARS = 200_000


def scan_time(sentence: str, vocab: _Vocabulary) -> tuple[TimeHit, ...]:
    """Every time expression in the sentence, overlaps resolved longest first, in text order."""
    if vocab is time_vocabulary() and len(sentence) <= _SCAN_CACHE_MAX_CHARS:
        return _cached_scan(sentence)
    return tuple(_scan_uncached(sentence, vocab))


@lru_cache(maxsize=_SCAN_CACHE_SIZE)
def _cached_scan(sentence: str) -> tuple[TimeHit, ...]:
    return tuple(_scan_uncached(sentence, time_vocabulary()))


def forget_scans() -> None:
    """Drop the remembered scans: a report reader calls it when a report is done, so
    nothing is carried from one report to the next."""
    _cached_scan.cache_clear()


#: Time patterns every match of which holds a digit (``\d``: any decimal digit).
_DIGIT_PATTERNS = frozenset(
    {"date_mdy", "date_dmy", "date_iso", "month_year", "year", "clock12", "clock24", "clock_mil",
     "clock_bare"}
)  # fmt: skip


_DIGIT = re.compile(r"\d")


def _screened_patterns(folded: str, vocab: _Vocabulary) -> frozenset[str]:
    """The time patterns that cannot match ``folded`` and need not run on it."""
    known = _WORD_SCREENS.get(id(vocab))
    if known is None or known[0] is not vocab:
        known = _WORD_SCREENS[id(vocab)] = (vocab, WordScreen(vocab.screens))
    absent = known[1].absent(folded)
    # Patterns with a mandatory digit (a day, year or hour number) cannot match a
    # sentence without one: most sentences.
    if _DIGIT.search(folded) is None:
        return absent | _DIGIT_PATTERNS
    return absent


def _scan_uncached(sentence: str, vocab: _Vocabulary) -> list[TimeHit]:
    folded = fold_text(sentence, vocab.fold_table)
    table = vocab.fold_table
    hits: list[TimeHit] = []
    screened = _screened_patterns(folded, vocab)
    patterns = vocab.patterns
    for name in _runnable(screened, vocab):
        read = _READERS[name]
        pattern = patterns[name]
        possessive = "poss" in pattern.groupindex
        for m in pattern.finditer(folded):
            found = read(name, m, vocab, table)
            if found is None:
                continue
            poss = possessive and m["poss"] is not None
            end = m.start("poss") if poss else m.end()
            hits.append(TimeHit(found[0], m.start(), end, found[1], poss))
    return _resolve_overlaps(hits) if hits else hits


#: The time patterns in the order their matches are read (ties of the same length and
#: kind at one place go to the first).
_SCAN_ORDER = (
    "date_mdy", "date_dmy", "date_iso", "month_year", "month_only", "year", "weekday",
    "relative", "part", "extender", "sequel", "sequel_counted", "sequel_dual", "background",
    "clock12", "clock24", "clock_mil", "clock_ar", "clock_bare",
)  # fmt: skip
#: Screened sets (few recur) -> the patterns left to run, per vocabulary (by id).
_RUNNABLE: dict[int, tuple[_Vocabulary, dict[frozenset[str], tuple[str, ...]]]] = {}


def _runnable(screened: frozenset[str], vocab: _Vocabulary) -> tuple[str, ...]:
    """The patterns of :data:`_SCAN_ORDER` that ``screened`` leaves to run, in order."""
    known = _RUNNABLE.get(id(vocab))
    if known is None or known[0] is not vocab:
        if len(_RUNNABLE) > 64:
            _RUNNABLE.clear()
        known = _RUNNABLE[id(vocab)] = (vocab, {})
    names = known[1].get(screened)
    if names is None:
        if len(known[1]) > 4096:
            known[1].clear()
        names = known[1][screened] = tuple(n for n in _SCAN_ORDER if n not in screened)
    return names


_Found = tuple[_Kind, object] | None


def _read_date(name: str, m: re.Match[str], vocab: _Vocabulary, table: Mapping[int, str]) -> _Found:
    y = int(m["y"]) if m["y"] else None
    return "date", (y, vocab.months[_key(m["m"], table)], int(m["d"]))


def _read_iso(name: str, m: re.Match[str], vocab: _Vocabulary, table: Mapping[int, str]) -> _Found:
    return "date", (int(m["y"]), int(m["mo"]), int(m["d"]))


def _read_month(
    name: str, m: re.Match[str], vocab: _Vocabulary, table: Mapping[int, str]
) -> _Found:
    year = int(m["y"]) if name == "month_year" else None
    return "month", (year, vocab.months[_key(m["m"], table)])


def _read_year(name: str, m: re.Match[str], vocab: _Vocabulary, table: Mapping[int, str]) -> _Found:
    return "year", int(m["y"])


def _read_weekday(
    name: str, m: re.Match[str], vocab: _Vocabulary, table: Mapping[int, str]
) -> _Found:
    coming = bool(m["next"] or m["next_after"])
    day = vocab.weekdays[_key(m["w"], table)]
    return "weekday", (day, bool(m["last"]), coming, bool(m["ahead"]))


def _read_word(name: str, m: re.Match[str], vocab: _Vocabulary, table: Mapping[int, str]) -> _Found:
    key = _key(m["w"], table)
    if name == "relative":
        return "relative", vocab.relatives[key]
    if name == "part":
        return "part", vocab.parts[key]
    if name == "sequel":
        return "sequel", vocab.sequels[key]
    return "background", vocab.backgrounds[key]


def _read_extender(
    name: str, m: re.Match[str], vocab: _Vocabulary, table: Mapping[int, str]
) -> _Found:
    return "extender", vocab.extender_end_hour


def _read_counted(
    name: str, m: re.Match[str], vocab: _Vocabulary, table: Mapping[int, str]
) -> _Found:
    if name == "sequel_dual":
        sequel = vocab.counted_sequels.dual(m["u"], table)
    else:
        sequel = vocab.counted_sequels.sequel(m["n"], m["u"], table)
    return None if sequel is None else ("sequel", sequel)


def _read_clock_hit(
    name: str, m: re.Match[str], vocab: _Vocabulary, table: Mapping[int, str]
) -> _Found:
    clock = _read_clock(name, m, vocab)
    return None if clock is None else ("clock", clock)


#: Pattern -> what a match of it says: its kind and payload, None for no time.
_READERS = {
    "date_mdy": _read_date, "date_dmy": _read_date, "date_iso": _read_iso,
    "month_year": _read_month, "month_only": _read_month, "year": _read_year,
    "weekday": _read_weekday, "relative": _read_word, "part": _read_word,
    "extender": _read_extender, "sequel": _read_word, "sequel_counted": _read_counted,
    "sequel_dual": _read_counted, "background": _read_word, "clock12": _read_clock_hit,
    "clock24": _read_clock_hit, "clock_mil": _read_clock_hit, "clock_ar": _read_clock_hit,
    "clock_bare": _read_clock_hit,
}  # fmt: skip


def _read_clock(name: str, m: re.Match[str], vocab: _Vocabulary) -> Clock | None:
    groups = m.groupdict()
    raw_hour = groups["h"]
    hour = (
        int(raw_hour)
        if raw_hour.isdigit()
        else vocab.arabic_hours[_key(raw_hour, vocab.fold_table)]
    )
    minute = int(groups["mi"]) if groups.get("mi") else 0
    if groups.get("half"):
        minute = 30
    elif groups.get("quarter"):
        minute = 15
    meridiem: Literal["am", "pm"] | None = None
    if groups.get("mer"):
        meridiem = "am" if _key(groups["mer"], vocab.fold_table) in vocab.am_words else "pm"
    is_24 = name == "clock_mil" or (
        name != "clock12" and raw_hour.isdigit() and (hour >= 13 or raw_hour.startswith("0"))
    )
    if hour > 23:
        return None
    return Clock(hour, minute, meridiem, is_24, bool(groups.get("approx")), bool(groups.get("utc")))


def _resolve_overlaps(hits: list[TimeHit]) -> list[TimeHit]:
    """Keep the longest of overlapping matches (ties by kind), then sort by position."""
    order = {kind: i for i, kind in enumerate(_KIND_ORDER)}
    starts: list[int] = []  # kept spans never overlap, so sorting by start sorts the ends too
    kept: list[TimeHit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), order[h.kind], h.start)):
        index = bisect_right(starts, hit.start)
        if index > 0 and kept[index - 1].end > hit.start:
            continue
        if index < len(kept) and kept[index].start < hit.end:
            continue
        starts.insert(index, hit.start)
        kept.insert(index, hit)
    return kept


#: What ends the reach of a comparison word: a clause's or a sentence's end.
_COMPARISON_STOP = re.compile(r"[;:()\[\].!?؟—–]")
_WORD_EDGES = "\"'“”‘’«»,"


def in_comparison_scope(sentence: str, hit: TimeHit, vocab: _Vocabulary) -> bool:
    """True when the period ``hit`` is the range of a comparison ("the deadliest attack
    in recent months", "the worst bombing since 2008", "أعنف هجوم منذ أشهر"): it opens
    with, or follows, a scope word ("in", "since", "منذ") within a few words after a
    comparison word, so it neither dates the sentence nor makes it background."""
    if not vocab.comparison_words:
        return False
    before = sentence[: hit.start]
    before = before[max((m.end() for m in _COMPARISON_STOP.finditer(before)), default=0) :]
    words = [w.strip(_WORD_EDGES).casefold() for w in before.split()]
    words = [w for w in words if w]
    opening = sentence[hit.start : hit.end].split()[:1]
    opener = (opening and opening[0].casefold() in vocab.comparison_openers) or (
        bool(words) and words[-1] in vocab.comparison_openers
    )
    if not opener:
        return False
    return any(w in vocab.comparison_words for w in words[-vocab.comparison_window :])


def limit_hits(sentence: str, hits: Sequence[TimeHit], vocab: _Vocabulary) -> frozenset[int]:
    """Indices of the ``hits`` that say when something ends ("until 6am on Sunday", "حتى
    الأحد"): after a limit word, or joined by a connector to a time that is."""
    if vocab.limit_before is None or vocab.limit_join is None:
        return frozenset()
    folded = fold_text(sentence, vocab.fold_table)
    limited: set[int] = set()
    for i, hit in enumerate(hits):
        if vocab.limit_before.search(folded, max(0, hit.start - 40), hit.start) or (
            i - 1 in limited and vocab.limit_join.fullmatch(folded, hits[i - 1].end, hit.start)
        ):
            limited.add(i)
    return frozenset(limited)


def time_expression_spans(sentence: str) -> list[tuple[int, int]]:
    """Character spans of every time expression in ``sentence`` (dates, clock times, years...).

    Other readers use it to keep the numbers of a date ("Oct. 10") or a year out of
    their own counts.
    """
    return [(h.start, h.end) for h in scan_time(sentence, time_vocabulary())]


#: Vocabularies (by id, held so the id stays theirs) -> their word screen.
_WORD_SCREENS: dict[int, tuple[_Vocabulary, WordScreen]] = {}


@cache
def night_into_connectors() -> frozenset[str]:
    raw = _get(_load_raw(), "parts_of_day", dict, "top")
    return frozenset(w.casefold() for w in _words(raw, "night_into_connectors", "parts_of_day"))
