"""Tests for incidents.arabic_numbers: Arabic cardinal numbers written as words, and the
casualty figures they give. Every sentence here is written for these tests."""

from __future__ import annotations

import copy
import re

import pytest

from geo.errors import IncidentMapperError
from incidents.arabic_numbers import (
    _load,
    arabic_number_value,
    arabic_numbers,
    build_arabic_numbers,
)
from incidents.casualties import find_casualty_claims
from incidents.casualty_words import fold_key
from incidents.time_phrases import folding_table

TABLE = folding_table()


def whole_number(text: str) -> str | None:
    """The written number the pattern takes from the start of ``text``, else None."""
    folded = fold_key(text, TABLE)
    m = re.match(rf"(?:{arabic_numbers(TABLE).pattern})(?!\w)", folded)
    return m.group() if m else None


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("ثلاثة", 3),  # masculine
        ("ثلاث", 3),  # feminine
        ("ثلاثةً", 3),  # with tanwin
        ("اثنين", 2),  # dual, accusative-genitive
        ("عشرة", 10),
        ("ثلاثة عشر", 13),  # a unit and the teen word
        ("خمس عشرة", 15),  # feminine teen
        ("أحد عشر", 11),  # 1 and 2 have forms of their own before the teen word
        ("إحدى عشرة", 11),
        ("اثنا عشر", 12),
        ("اثني عشر", 12),
        ("عشرين", 20),
        ("خمسة وعشرون", 25),  # unit and ten joined by wa-
        ("ثلاث وثلاثين", 33),
        ("مئة", 100),
        ("مائة", 100),  # the other hamza spelling
        ("مئتي", 200),  # dual, construct
        ("ثلاثمئة", 300),  # unit and hundred written joined
        ("ثلاث مائة", 300),  # and apart
        ("مئة وخمسة وعشرين", 125),
        ("ثلاثة آلاف", 3000),
        ("ألف ومئتين", 1200),
    ],
)
def test_a_written_number_is_read_whole(words: str, value: int) -> None:
    assert whole_number(words) == fold_key(words, TABLE)
    assert arabic_number_value(words, TABLE) == value


def test_one_alone_is_no_count_and_vague_words_are_no_numbers() -> None:
    """أحد alone means 'one of'; عشرات and مئات are vague quantities, read elsewhere."""
    assert whole_number("أحد المتظاهرين") is None
    assert whole_number("عشرات") is None
    assert whole_number("مئات") is None


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("قتل ثلاثة أشخاص في انفجار.", 3, None),
        ("وأسفر الهجوم عن إصابة خمسة مدنيين.", None, 5),
        ("قتل ثلاثة عشر شخصا في التفجير.", 13, None),
        ("أسفر الانفجار عن مقتل خمسة عشر مدنيا وإصابة عشرين.", 15, 20),
        ("قتل اثنا عشر جنديا.", 12, None),
        ("وقتل أحد عشر شخصا.", 11, None),
        ("أسفر التفجير عن مقتل ثلاثمئة شخص.", 300, None),
        ("وأصيب خمسة وعشرون شخصا.", None, 25),
    ],
)
def test_arabic_number_words_give_casualty_figures(
    sentence: str, killed: int | None, injured: int | None
) -> None:
    (claim,) = find_casualty_claims(sentence)
    assert (claim.killed, claim.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured", "wording"),
    [
        ("وسقط عشرات القتلى في التفجير.", 10, None, "عشرات"),
        ("وأصيب مئات المتظاهرين.", None, 100, "مئات"),
        ("Dozens of people were wounded.", None, 12, "dozens"),
    ],
)
def test_vague_quantities_keep_their_wording_and_the_conservative_figure(
    sentence: str, killed: int | None, injured: int | None, wording: str
) -> None:
    (claim,) = find_casualty_claims(sentence)
    assert (claim.killed, claim.injured) == (killed, injured)
    assert fold_key(wording, TABLE) in fold_key(
        claim.killed_text or claim.injured_text or "", TABLE
    )


def test_a_broken_number_file_names_the_file_and_section() -> None:
    raw = copy.deepcopy(dict(_load()))
    raw["tens"] = "twenty"
    with pytest.raises(IncidentMapperError, match=r"arabic_numbers\.json.*tens"):
        build_arabic_numbers(raw, TABLE)
