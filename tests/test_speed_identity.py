"""The fast paths give what the plain code they replace gave.

Each optimisation of the per-report analysis keeps a plain reference version of
what it replaced here, and a property check that both agree on any input.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_strategies import report_texts

from gazetteer.normalize import _fold_char, normalize_with_offsets
from incidents import timeref

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


@IDENTITY_SETTINGS
@given(
    st.one_of(
        report_texts(max_pieces=6, max_free_text=30),
        st.text(
            alphabet=st.sampled_from("0123456789٣٠ :.-/apm Friday March 2024 at الساعة"),
            max_size=40,
        ),
    )
)
def test_time_scan_screen_drops_no_match(text: str) -> None:
    """Skipping the digit-bound time patterns on sentences without a digit finds the same
    expressions as running every pattern."""
    screened = timeref._scan_uncached(text, timeref._vocabulary())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timeref, "_DIGIT_PATTERNS", frozenset())
        assert timeref._scan_uncached(text, timeref._vocabulary()) == screened


def test_time_patterns_screened_for_digits_need_one() -> None:
    """Each screened pattern finds nothing in digit-free text full of time words."""
    vocab = timeref._vocabulary()
    words = " ".join(
        [*vocab.months, *vocab.weekdays, *vocab.relatives, *vocab.parts, *vocab.arabic_hours,
         *vocab.am_words, *vocab.pm_words, "at", "o'clock", "noon", "GMT", "hours"]
    )  # fmt: skip
    for name in timeref._DIGIT_PATTERNS:
        assert vocab.patterns[name].search(words) is None, name
