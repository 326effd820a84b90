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
from incidents import time_phrases

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


def _time_words() -> list[str]:
    vocab = time_phrases.time_vocabulary()
    words = [*vocab.months, *vocab.weekdays, *vocab.relatives, *vocab.parts, *vocab.backgrounds]
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
