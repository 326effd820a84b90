"""Sentence and paragraph spans: one test per rule, English and Arabic."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from growth import assert_linear
from hypothesis import given
from hypothesis import strategies as st

from incidents.sentences import paragraph_spans, split_sentences


def sentences(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """The sentence texts, checking that every span is trimmed and inside the range."""
    spans = split_sentences(text, start, end)
    for span_start, span_end in spans:
        assert start <= span_start < span_end <= (len(text) if end is None else end)
        piece = text[span_start:span_end]
        assert piece == piece.strip()
        assert "\n" not in piece
    return [text[span_start:span_end] for span_start, span_end in spans]


def test_plain_sentences_with_offsets() -> None:
    text = "Crowds gathered at noon.  Police arrived later!  Was anyone hurt? Nobody knows."
    spans = split_sentences(text)
    assert spans == [(0, 24), (26, 47), (49, 65), (66, 79)]
    assert [text[s:e] for s, e in spans] == [
        "Crowds gathered at noon.",
        "Police arrived later!",
        "Was anyone hurt?",
        "Nobody knows.",
    ]


def test_range_limits_and_offsets_index_the_whole_text() -> None:
    text = "Header line\nFirst one here. Second one here.\nTail."
    start = text.index("First")
    end = text.index("\nTail")
    spans = split_sentences(text, start, end)
    assert [text[s:e] for s, e in spans] == ["First one here.", "Second one here."]
    assert spans[0][0] == start


def test_text_without_end_mark_is_one_sentence() -> None:
    assert sentences("  a line with no full stop  ") == ["a line with no full stop"]


def test_blank_and_empty_ranges_give_nothing() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n ") == []
    assert split_sentences("Some text.", 4, 4) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks resumed on Oct. 10 in the capital.", 1),
        ("The vote was held on Nov. 7 after delays.", 1),
        ("A U.S. envoy met the U.N. mission. They spoke for an hour.", 2),
        ("Mr. Hassan and Dr. Karim attended.", 1),
        ("Gen. Rasheed and Lt. Ali gave orders.", 1),
        ("The march went along St. Mark road.", 1),
        ("They met at No. 5 Abu Nuwas street.", 1),
        ("Doors opened at 9 a.m. and closed at 5 p.m. on the same day.", 1),
        ("The crowd left at 6 p.m. Police stayed behind.", 2),
        ("A statement by J. Smith was read aloud.", 1),
        ("Reporter A. B. Karim filed the story.", 1),
    ],
)
def test_abbreviations_and_initials(text: str, expected: int) -> None:
    assert len(sentences(text)) == expected


def test_abbreviation_sentence_ends_where_expected() -> None:
    assert sentences("A U.S. envoy met the U.N. mission. They spoke for an hour.") == [
        "A U.S. envoy met the U.N. mission.",
        "They spoke for an hour.",
    ]


def test_missing_space_between_lower_and_capital_splits() -> None:
    text = "Two guards were wounded.Armed men then fled."
    assert sentences(text) == ["Two guards were wounded.", "Armed men then fled."]


@pytest.mark.parametrize(
    "text",
    [
        "Footage on ExampleNews.com showed smoke.",
        "Footage was posted pic.twitter.com/AbCdEf12 late.",
        "See https://example.org/Live.Feed for updates.",
        "Turnout rose by 1.5 points overall.",
        "The U.S.Embassy statement was short.",
    ],
)
def test_glued_stops_that_are_not_sentence_ends(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("He called it “the last chance.” Then he left.", "He called it “the last chance.”"),
        ('She said "enough." Then she left.', 'She said "enough."'),
        ("They wrote ‘never again.’ Then they left.", "They wrote ‘never again.’"),
        ("The road was closed (for hours.) Then it opened.", "The road was closed (for hours.)"),
    ],
)
def test_closing_quotes_stay_with_their_sentence(text: str, first: str) -> None:
    result = sentences(text)
    assert result == [first, "Then " + text.split("Then ", 1)[1]]


def test_question_inside_quote_followed_by_lowercase_continues() -> None:
    text = "“Why are we waiting?” a man shouted at the others."
    assert sentences(text) == [text]


def test_next_sentence_may_open_with_a_quote() -> None:
    text = "He was angry. “We will return,” he said."
    assert sentences(text) == ["He was angry.", "“We will return,” he said."]


def test_ellipsis_ends_a_sentence_only_before_a_capital() -> None:
    assert sentences("They waited... and waited.") == ["They waited... and waited."]
    assert sentences("They waited... Nobody came.") == ["They waited...", "Nobody came."]
    assert sentences("They waited… Nobody came.") == ["They waited…", "Nobody came."]


def test_mixed_marks_count_as_one_end() -> None:
    assert sentences("Really?! Yes, really.") == ["Really?!", "Yes, really."]


def test_lines_are_always_breaks() -> None:
    text = "A line without a stop\nanother line without one\n\nA third"
    assert sentences(text) == ["A line without a stop", "another line without one", "A third"]


def test_arabic_full_stop_and_question_mark() -> None:
    text = "تجمع المحتجون قرب الجسر. هل أصيب أحد؟ لا أحد يعرف."
    assert sentences(text) == ["تجمع المحتجون قرب الجسر.", "هل أصيب أحد؟", "لا أحد يعرف."]


def test_arabic_semicolon_does_not_end_a_sentence() -> None:
    text = "أغلقت القوات البوابة؛ ثم انسحبت."
    assert sentences(text) == [text]


def test_arabic_glued_stop_between_letters_splits() -> None:
    assert sentences("احترقت الخيام.وانسحبت القوات.") == ["احترقت الخيام.", "وانسحبت القوات."]


def test_arabic_abbreviation_for_doctor() -> None:
    text = "قال د. أحمد إن الجرحى بخير."
    assert sentences(text) == [text]


def test_mixed_arabic_and_english_line() -> None:
    text = "Protesters gathered. تجمع المحتجون."
    assert sentences(text) == ["Protesters gathered.", "تجمع المحتجون."]


def test_paragraph_spans_split_at_blank_lines_only() -> None:
    text = "  First line\nsecond line\n\n \t\nThird paragraph.  \n\n"
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["First line\nsecond line", "Third paragraph."]


def test_paragraph_spans_within_a_range() -> None:
    text = "One.\n\nTwo.\n\nThree."
    start = text.index("Two")
    assert paragraph_spans(text, start) == [(start, start + 4), (text.index("Three"), len(text))]
    assert paragraph_spans(text, 0, 3) == [(0, 3)]


@given(st.text(alphabet=st.sampled_from(list("aB .!?\n\t”'؟ب…-/")), max_size=80))
def test_spans_are_ordered_trimmed_and_within_lines(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        assert "\n" not in text[start:end]
        previous_end = end
    covered = "".join(text[start:end] for start, end in spans)
    assert "".join(covered.split()) == "".join(text.split())


@pytest.mark.parametrize(
    ("unit", "count", "suffix"),
    [
        ("a.", 50_000, ""),
        ("aB.", 40_000, ""),
        ("x", 100_000, ". Next"),
        ("see a.Bc/d ", 10_000, ""),
        (".", 100_000, ""),
        ("” ", 50_000, ""),
    ],
)
def test_adversarial_text_is_read_in_linear_time(unit: str, count: int, suffix: str) -> None:
    def read(text: str) -> None:
        split_sentences(text)
        paragraph_spans(text)

    assert_linear(read, unit, count, suffix=suffix)


def test_caption_lines_are_found_by_their_credit_markers():
    from incidents.sentences import caption_lines

    text = (
        "Iraqis bear a coffin after two bombs went off. Photograph: K. Name/AP\n"
        "A bomb went off in the market.\n"
        "The market before the blast [AFP]\n"
        "FILE PHOTO: Smoke over Baghdad\n"
        "Police released a photo of the suspect.\n"
        "صورة أرشيفية لانفجار سابق"
    )
    found = [text[a:b] for a, b in caption_lines(text)]
    assert found == [
        "Iraqis bear a coffin after two bombs went off. Photograph: K. Name/AP",
        "The market before the blast [AFP]",
        "FILE PHOTO: Smoke over Baghdad",
        "صورة أرشيفية لانفجار سابق",
    ]


def test_a_publication_stamp_is_read_like_a_caption():
    from incidents.sentences import caption_lines

    assert caption_lines("تأريخ النشر: 10:23 - 26 October 2009")
    assert caption_lines("Published: 26 Oct 2009")
    assert not caption_lines("The report was published on Monday.")


def test_captions_with_an_agency_photo_credit_or_a_file_picture_phrase():
    from incidents.sentences import caption_lines

    text = (
        "People gather at the scene of a bombing in Sadr City on Monday. (AP Photo/K. Name)\n"
        "Smoke rises after a rocket attack on the Green Zone in a 2020 file picture.\n"
        "صورة من الأرشيف لانفجار في مدينة الصدر يوم 5 أيار 2021\n"
        "Police released a file photo of the suspect on Monday.\n"
        "A bomb went off in the market (photos below)."
    )
    found = [text[a:b] for a, b in caption_lines(text)]
    assert found == text.splitlines()[:3]


_CAPTION_PIECES = [
    "photo", "Photo: ", "(file photo)", "(AFP photo/ Ali)", "in a 2019 file picture",
    "file photo:", "[Reuters]", "[AFP/Getty]", "REUTERS/A", "صورة ارشيفية", "(أرشيف)",
    "Published: 3", "updated -", "آخر تحديث:", " ", "  ", "\n", "\n\n", "\t", ".", ":", ")",
    "]", "(", "[", "/", "x", "Police", "2021", "image", "credit",
]  # fmt: skip


@given(
    st.lists(st.sampled_from(_CAPTION_PIECES), max_size=14).map("".join),
    st.integers(0, 6),
    st.integers(0, 6),
)
def test_caption_lines_screened_as_the_line_by_line_search(text, cut_start, cut_end):
    """The one search over the stretch never hides a caption line the plain line-by-line
    search (one alternation of every marker) finds; a stretch that may hold no caption
    has none in any paragraph."""
    from incidents.sentences import _line_spans, caption_lines, may_hold_captions, paragraph_spans

    start, end = min(cut_start, len(text)), max(len(text) - cut_end, 0)
    marker = _plain_caption_marker()
    plain = [(a, b) for a, b in _line_spans(text, start, end) if marker.search(text, a, b)]
    assert caption_lines(text, start, end) == plain
    if not may_hold_captions(text, start, end):
        assert not any(caption_lines(text, *p) for p in paragraph_spans(text, start, end))


def _plain_caption_marker() -> re.Pattern[str]:
    """All caption markers as one alternation: the plain reference of the screens."""
    data = json.loads(
        resources.files("incidents").joinpath("data/report_patterns.json").read_text("utf-8")
    )
    markers = data["captions"]["markers"]
    return re.compile("|".join(f"(?:{m})" for m in markers), re.IGNORECASE | re.MULTILINE)
