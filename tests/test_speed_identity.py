"""The fast paths give what the plain code they replace gave.

Each optimisation of the per-report analysis keeps a plain reference version of
what it replaced here, and a property check that both agree on any input.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_strategies import report_texts

from gazetteer import variants
from gazetteer.geoparse import Geoparser
from gazetteer.model import load_gazetteer
from gazetteer.normalize import (
    IGNORECASE_PARTNERS,
    _fold_char,
    normalize_name,
    normalize_with_offsets,
)
from geo.errors import OutputError
from incidents import casualty_words, time_phrases, time_terms, triggers
from incidents.casualties import find_casualty_claims
from incidents.claimants import find_claimants
from incidents.time_screens import ARABIC_MARKS
from maps import csv_files, export, gis_files, tables

IDENTITY_SETTINGS = settings(max_examples=400, deadline=None, derandomize=True, database=None)

#: Characters whose folding is not one character, mixed into free text.
AWKWARD = "ﬁﻻßİ\u0651\u064e\u0640\u200c\ufeff’—  \t\n-"


def reference_normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The per-character loop :func:`normalize_with_offsets` replaced."""
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        ascii_folded = char.lower() if char.isalnum() else " "
        folded = ascii_folded if char.isascii() else _fold_char(char)
        for c in folded:
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
            offsets.append(index)
    return "".join(out), offsets


@IDENTITY_SETTINGS
@given(
    st.one_of(
        report_texts(max_pieces=8, max_free_text=30),
        st.text(alphabet=st.sampled_from(AWKWARD + "ab Z9المنطقة"), max_size=40),
        st.text(max_size=60),
    )
)
def test_normalize_with_offsets_is_the_per_character_loop(text: str) -> None:
    norm, offsets = reference_normalize_with_offsets(text)
    assert normalize_with_offsets(text) == (norm, offsets)
    assert normalize_with_offsets(text, 1000) == (norm, [o + 1000 for o in offsets])
    assert normalize_name(text) == norm.strip()


@IDENTITY_SETTINGS
@given(
    st.one_of(
        report_texts(max_pieces=8, max_free_text=30),
        st.text(alphabet=st.sampled_from(AWKWARD + 'ab Z9المنطقة"(⑴½'), max_size=40),
        st.text(max_size=60),
    ),
    st.data(),
)
def test_a_paragraph_cut_from_the_report_is_its_own_normalisation(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    whole = normalize_with_offsets(text)
    cut = triggers.stretch_normalized(text, start, end, whole)
    assert cut == normalize_with_offsets(text[start:end], start)


def test_normalize_with_offsets_on_edges() -> None:
    # Long texts take the whole-text path, short ones the per-character one.
    long_texts = ["ﬁ  ﬁ " * 30, "المَنطِقة  الخضـــراء، " * 10, "Tahrir  Square " * 10, "وب" * 40]
    for text in [
        *long_texts,
        "",
        " ",
        "  ",
        "a",
        "A  B",
        "\u0651",
        "\u0651\u0651 a",
        "ﬁ  ﬁ",
        "﻿x",
        "😀 😀",
        "a\ud800 b",
        "\udcff\u0651",
    ]:
        norm, offsets = reference_normalize_with_offsets(text)
        assert normalize_with_offsets(text) == (norm, offsets)
        assert normalize_with_offsets(text, 3) == (norm, [o + 3 for o in offsets])
        assert normalize_name(text) == norm.strip()


def _span_scanners() -> tuple[variants.SpanScanner, variants.SpanScanner]:
    vocab = Geoparser(load_gazetteer()).vocabulary
    grouped = variants.SpanScanner(vocab.generic_words, vocab.abbreviations)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(variants, "_by_first_letter", "|".join)
        plain = variants.SpanScanner(vocab.generic_words, vocab.abbreviations)
    return grouped, plain


_SCANNERS = _span_scanners()
_GENERIC = sorted(_SCANNERS[0].generic)
NAME_PIECES = st.one_of(
    st.sampled_from(_GENERIC),
    st.sampled_from(_GENERIC).map(str.upper),
    st.sampled_from(_GENERIC).map(str.title),
    st.sampled_from(["Al", "al-", "el", "Sadr", "ſtreet", "\u212aarbala", "İn", "-", " ", "’s"]),
    st.text(max_size=6),
)


@IDENTITY_SETTINGS
@given(
    st.one_of(
        report_texts(max_pieces=6, max_free_text=30),
        st.lists(NAME_PIECES, max_size=10).map(" ".join),
        st.lists(NAME_PIECES, max_size=10).map("".join),
    )
)
def test_generic_words_grouped_by_first_letter_find_the_same_runs(text: str) -> None:
    grouped, plain = _SCANNERS
    assert grouped._pattern.pattern != plain._pattern.pattern
    # a run's spans depend only on its words (SpanScanner.tokens), not on the pattern
    assert list(grouped.runs(text)) == list(plain.runs(text))
    assert [(m.start(), m.group()) for m in grouped._pattern.finditer(text)] == [
        (m.start(), m.group()) for m in plain._pattern.finditer(text)
    ]


def _time_words() -> list[str]:
    vocab = time_phrases.time_vocabulary()
    words = {*vocab.months, *vocab.weekdays, *vocab.relatives, *vocab.parts, *vocab.backgrounds}
    # and every phrase a word screen looks for ("into the night", "p.m.", "GMT", "الساعة")
    words.update(w for groups in vocab.screens.values() for group in groups for w in group)
    return sorted(words)


#: Pieces of time-laden text: vocabulary phrases as written in any case, with Arabic marks,
#: and characters that case-insensitive matching pairs with ASCII letters.
TIME_PIECES = st.one_of(
    st.sampled_from(_time_words()),
    st.sampled_from(_time_words()).map(str.upper),
    st.sampled_from(_time_words()).map(str.title),
    st.sampled_from(_time_words()).map(lambda w: "\u064e".join(w)),
    st.sampled_from(
        ["ſunday", "\u212aarbala", "İn", "ın", "’s", " ", "  ", ", ", "3", "10:30", "-"]
    ),
    st.text(max_size=6),
)


@IDENTITY_SETTINGS
@given(
    st.one_of(
        report_texts(max_pieces=6, max_free_text=30),
        st.lists(TIME_PIECES, max_size=8).map(" ".join),
        st.text(
            alphabet=st.sampled_from("0123456789٣٠ :.-/apm Friday March 2024 at الساعة"),
            max_size=40,
        ),
    )
)
def test_time_scan_screens_drop_no_match(text: str) -> None:
    """Skipping the digit-bound time patterns on sentences without a digit, and the
    word-bound ones on sentences without their words, finds the same expressions as
    running every pattern."""
    screened = _scan_or_error(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time_phrases, "_screened_patterns", lambda folded, vocab: frozenset())
        assert _scan_or_error(text) == screened


def _scan_or_error(text: str) -> object:
    # "ſunday" matches the weekday pattern case-insensitively but is no weekday key: the
    # old scan raises KeyError there (reported, left as it is), and the new one must too.
    try:
        return time_phrases._scan_uncached(text, time_phrases.time_vocabulary())
    except KeyError as exc:
        return ("KeyError", exc.args)


def test_time_word_screen_is_on_for_plain_sentences() -> None:
    vocab = time_phrases.time_vocabulary()
    skipped = time_phrases._screened_patterns("Protesters gathered at the gate.", vocab)
    assert {"weekday", "part", "relative", "month_only", "background"} <= skipped
    assert {"extender", "clock_ar"} <= skipped
    # A phrase counts only with all its words: "that" without "day" is no "that day".
    assert "relative" in time_phrases._screened_patterns("He said that police left.", vocab)
    assert "relative" not in time_phrases._screened_patterns("Later that day, 3 left.", vocab)
    assert "date_mdy" not in time_phrases._screened_patterns("On Oct. 10 they voted.", vocab)
    assert "weekday" not in time_phrases._screened_patterns("They met on FRIDAY.", vocab)
    # A letter that case-insensitive matching pairs with an ASCII one turns the screen off.
    assert not time_phrases._screened_patterns("ſunday", vocab) & {"weekday", "part"}


def test_time_patterns_screened_for_digits_need_one() -> None:
    """Each screened pattern finds nothing in digit-free text full of time words."""
    vocab = time_phrases.time_vocabulary()
    words = " ".join(
        [*vocab.months, *vocab.weekdays, *vocab.relatives, *vocab.parts, *vocab.arabic_hours,
         *vocab.am_words, *vocab.pm_words, "at", "o'clock", "noon", "GMT", "hours"]
    )  # fmt: skip
    for name in time_phrases._DIGIT_PATTERNS:
        assert vocab.patterns[name].search(words) is None, name


def _casualty_words() -> list[str]:
    raw = casualty_words._load_raw()
    words: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if not str(key).startswith("_"):
                    collect(item)
        elif isinstance(value, list):
            words.update(w for w in value if isinstance(w, str))

    collect(raw)
    return sorted(words)


#: Pieces of casualty-laden text: every phrase of the casualty vocabulary in any case,
#: with Arabic marks, numbers, and characters case-insensitive matching pairs with ASCII.
CASUALTY_PIECES = st.one_of(
    st.sampled_from(_casualty_words()),
    st.sampled_from(_casualty_words()).map(str.upper),
    st.sampled_from(_casualty_words()).map(str.title),
    st.sampled_from(_casualty_words()).map(lambda w: "\u0651".join(w)),
    st.sampled_from(["3", "12", "two", "ſhot", "\u212ailled", "İnjured", ",", ".", "on Friday"]),
    st.text(max_size=6),
)


def _claims_unscreened(sentence: str) -> object:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(casualty_words.FigureScreen, "may_hold_figures", lambda self, folded: True)
        return find_casualty_claims(sentence, offset=7)


@IDENTITY_SETTINGS
@given(
    st.one_of(
        report_texts(max_pieces=6, max_free_text=30),
        st.lists(CASUALTY_PIECES, max_size=10).map(" ".join),
    )
)
def test_casualty_figure_screen_drops_no_claim(sentence: str) -> None:
    """Skipping sentences without a casualty phrase's word finds the same claims as
    reading every sentence."""
    assert find_casualty_claims(sentence, offset=7) == _claims_unscreened(sentence)


@IDENTITY_SETTINGS
@given(
    st.one_of(
        report_texts(max_pieces=6, max_free_text=30),
        st.lists(CASUALTY_PIECES, max_size=10).map(" ".join),
    )
)
def test_attribution_screen_drops_no_claimant(sentence: str) -> None:
    """Skipping sentences without an attribution cue's word finds the same claimants as
    reading every sentence."""
    screened = find_claimants(sentence)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(casualty_words.FigureScreen, "may_hold_figures", lambda self, folded: True)
        assert find_claimants(sentence) == screened


def test_attribution_screen_is_on_for_plain_sentences() -> None:
    screen = casualty_words.casualty_vocabulary().attribution_screen
    assert screen is not None
    assert not screen.may_hold_figures("Protesters gathered at the gate on Friday.")
    assert screen.may_hold_figures("The ministry SAID two died.")
    assert find_claimants("Iraq's Health Ministry said two people died.")


def test_casualty_figure_screen_is_on_for_plain_sentences() -> None:
    screen = casualty_words.casualty_vocabulary().figure_screen
    assert not screen.may_hold_figures("Protesters gathered at the gate on Friday.")
    assert screen.may_hold_figures("Two protesters were KILLED at the gate.")
    assert screen.may_hold_figures("قُتِلَ متظاهران")
    # A letter that case-insensitive matching pairs with an ASCII one turns the screen off.
    assert screen.may_hold_figures("two \u212aILLED")
    for sentence in ["Three people were killed.", "No one was hurt.", "قتل 5 أشخاص"]:
        assert find_casualty_claims(sentence), sentence


#: Cells of a structured column: lists of texts (repeated, so the memo is used), texts,
#: lists with other values, arrays, missing values.
_ACTOR_TEXTS = st.sampled_from(["Protesters", "Police", "قوات الأمن", "=cmd", "", "a\nb"])
STRUCTURED_CELLS = st.one_of(
    st.lists(_ACTOR_TEXTS, max_size=3),
    st.lists(_ACTOR_TEXTS, max_size=3).map(tuple),
    st.lists(_ACTOR_TEXTS, max_size=3).map(lambda v: np.array(v, dtype=object)),
    _ACTOR_TEXTS,
    st.lists(st.one_of(_ACTOR_TEXTS, st.none(), st.integers(-3, 3), st.floats()), max_size=3),
    st.sampled_from([None, float("nan"), pd.NA]),
)


@IDENTITY_SETTINGS
@given(st.lists(STRUCTURED_CELLS, max_size=12))
def test_json_texts_are_json_text_of_each_cell(values: list[object]) -> None:
    ids = [f"inc-{i}" for i in range(len(values))]
    assert tables.json_texts(values, "actors", ids) == [
        tables.json_text(v, "actors", i) for v, i in zip(values, ids, strict=True)
    ]
    assert csv_files._json_cells(values, "actors", ids) == [
        csv_files._json_cell(v, "actors", i) for v, i in zip(values, ids, strict=True)
    ]


JSON_DOCUMENTS = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
        st.sampled_from(["قوات", "a\u2028b", "\ud800", "é"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=12,
)  # fmt: skip


@IDENTITY_SETTINGS
@given(JSON_DOCUMENTS)
def test_encoders_made_once_write_what_json_dumps_wrote(document: object) -> None:
    assert tables._TEXT_JSON.encode(document) == json.dumps(document, ensure_ascii=False)
    try:
        expected: object = json.dumps(
            document, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        )
    except ValueError:
        expected = ValueError
    try:
        got: object = export._dump_json(document, feature_id="f")
    except OutputError:
        got = ValueError
    assert got == expected


_TIME_VALUES = st.one_of(
    st.sampled_from(
        ["2024-03-01T10:00:00+03:00", "2024-03-01T07:00:00+00:00", "2024-03-01T10:00:00",
         "2024-03-01", "not a time", "2024-03-01T10:00:00+03:00"]
    ),
    st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=3))])),
    st.datetimes(),
    st.sampled_from([None, float("nan"), 5]),
)  # fmt: skip


def _one_at_a_time(values: list[object]) -> object:
    """Times read one value per call: the plain path, no value seen before."""
    try:
        times = [tables.local_times([v], ["inc"], "time_start")[0] for v in values]
    except OutputError as exc:
        return ("error", exc.message.replace("inc ", ""))
    return [
        None if t is None else (t.isoformat(), gis_files._utc_series([t]).tolist()[0])
        for t in times
    ]


def _together(values: list[object]) -> object:
    try:
        times = tables.local_times(values, ["inc"] * len(values), "time_start")
    except OutputError as exc:
        return ("error", exc.message.replace("inc ", ""))
    texts = tables.local_time_texts(values, times)
    utc = gis_files._utc_series(times).tolist()
    return [None if t is None else (t, u) for t, u in zip(texts, utc, strict=True)]


@IDENTITY_SETTINGS
@given(st.lists(_TIME_VALUES, max_size=10))
def test_times_read_once_per_text_are_the_times_read_one_by_one(values: list[object]) -> None:
    assert _together(values) == _one_at_a_time(values)


@IDENTITY_SETTINGS
@given(
    st.one_of(st.text(st.characters(max_codepoint=127), max_size=30), st.text(max_size=30)),
    st.sampled_from(["bundled", "folds-ascii", "deletes-ascii"]),
)
def test_fold_text_of_ascii_is_the_translation(text: str, which: str) -> None:
    table = dict(time_phrases.folding_table())
    if which == "folds-ascii":
        table[ord("a")] = "b"
    elif which == "deletes-ascii":
        table[ord(" ")] = None  # type: ignore[assignment]
    assert time_phrases.fold_text(text, table) == text.translate(table)
    assert time_phrases.fold_text(text) == text.translate(time_phrases.folding_table())


@IDENTITY_SETTINGS
@given(
    st.lists(st.one_of(TIME_PIECES, CASUALTY_PIECES), max_size=3).map(" ".join),
    st.sampled_from(["bundled", "folds-ascii"]),
)
def test_phrase_keys_remembered_are_the_keys_made_afresh(text: str, which: str) -> None:
    """The memo of phrase keys gives what folding the phrase again gives, per table."""
    table = dict(time_phrases.folding_table())
    if which == "folds-ascii":
        table[ord("a")] = "b"
    plain_fold = " ".join(text.translate(table).translate(IGNORECASE_PARTNERS).lower().split())
    plain_key = " ".join("".join(ch for ch in plain_fold if ch not in ARABIC_MARKS).split())
    for _ in range(2):  # made, then remembered
        assert casualty_words.fold_key(text, table) == plain_fold
        assert time_terms.phrase_key(text, table) == plain_key


_TRIGGER_LISTS = ("generic_after", "habitual", "partitives", "summary_determiners",
                  "not_armed_after", "denied_role")  # fmt: skip


def _trigger_list_words() -> list[str]:
    from incidents.vocabulary import incident_vocabulary

    vocabulary = incident_vocabulary()
    return sorted({w for name in _TRIGGER_LISTS for w in getattr(vocabulary, name)})


@IDENTITY_SETTINGS
@given(
    st.lists(
        st.one_of(st.sampled_from(_trigger_list_words()), st.sampled_from([" ", "x", "one"])),
        max_size=8,
    ).map(lambda words: " " + " ".join(words) + " "),
    st.sampled_from(_TRIGGER_LISTS),
)
def test_one_search_for_spaced_phrases_finds_the_first_as_finds_did(text: str, name: str) -> None:
    from incidents.vocabulary import incident_vocabulary

    phrases = getattr(incident_vocabulary(), name)
    found = [text.find(p) for p in triggers._spaced(phrases) if p in text]
    assert triggers.first_spaced(text, phrases) == (min(found) if found else -1)
    assert triggers.first_spaced(text, ()) == -1


@IDENTITY_SETTINGS
@given(st.text(alphabet=st.sampled_from("\"“”«»'ab ,-]^\\"), max_size=30))
def test_quote_marks_are_found_where_the_character_loop_found_them(text: str) -> None:
    from incidents import placing

    quotes = placing.placing_vocabulary().quotes
    for marks in (quotes, "-]^\\", ""):
        pattern = placing._quote_marks(marks)
        found = [m.start() for m in pattern.finditer(text)] if pattern is not None else []
        assert found == [i for i, c in enumerate(text) if c in marks]
