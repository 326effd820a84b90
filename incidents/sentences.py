"""Paragraph and sentence spans of report text, for English and Arabic news prose.

Every function returns ``(start, end)`` offsets into the text it is given, so a
caller can quote ``text[start:end]`` as evidence and point back into the report.
Spans are trimmed of surrounding whitespace and never cross a line break: news
pages flattened to text put one paragraph on a line, so a line break is at least
a sentence break.

A sentence ends at ``.``, ``!``, ``?``, ``…``, the Arabic question mark ``؟`` or the
Arabic full stop ``۔``, together with any closing quotes or brackets right after
it (``killed.”``), when a space follows and the next word does not start with a
lower-case letter (``“Why stay?” one man asked`` stays one sentence). The Arabic
semicolon ``؛`` joins clauses as ``;`` does and ends nothing. A single full stop
does not end a sentence after a listed abbreviation (``Oct.``, ``U.S.``, ``Gen.``;
``data/abbreviations.json``) or an initial (``J. Smith``). A full stop with no
space after it ends a sentence only between a lower-case and a capital letter
(``killed.Iran-backed``) outside a link, or between two Arabic letters; so
``1.5``, ``IranProtests.com`` and ``pic.twitter.com/x`` stay whole.

Photo captions and file-photo lines (markers in ``data/report_patterns.json``)
are found line by line with :func:`caption_lines`: they tell another moment and
another place, so readers leave them out.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

#: A run of sentence-ending marks; ``?!`` and ``...`` count as one end.
_END_MARKS = re.compile(r"[.!?…؟۔]+")
#: Closing quotes and brackets that belong to the sentence before them.
_CLOSERS = frozenset("\"'’”»)]")
#: Opening quotes and brackets to look past when reading the next word's case.
_OPENERS = frozenset("\"'‘“«([")
#: A line, the largest unit a sentence may span.
_LINE = re.compile(r"[^\n]+")
#: How far back to look for the word an abbreviation is; longer words never match.
_WORD_LOOKBACK = 12
#: How far around a stop to look for signs of a link (``/``, ``@``, ``www.``).
_LINK_LOOKAROUND = 80
_LINK_SIGNS = ("/", "@", "www.")
_ARABIC_RANGES = (
    ("\u0600", "\u06ff"),
    ("\u0750", "\u077f"),
    ("\u08a0", "\u08ff"),
    ("\ufb50", "\ufdff"),
    ("\ufe70", "\ufeff"),
)


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the paragraphs of ``text[start:end]``: runs of non-blank lines.

    A paragraph ends at a blank line (empty or whitespace only); each span is
    trimmed of surrounding whitespace.
    """
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _line_spans(text, start, end):
        if spans and text.count("\n", spans[-1][1], line_start) == 1:
            spans[-1] = (spans[-1][0], line_end)
        else:
            spans.append((line_start, line_end))
    return spans


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text[start:end]``, in order.

    Sentences never cross a line break and are trimmed of surrounding whitespace;
    the rules are in the module docstring.
    """
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _line_spans(text, start, end):
        piece_start = line_start
        for boundary in _sentence_ends(text, line_start, line_end):
            _append_trimmed(spans, text, piece_start, boundary)
            piece_start = boundary
        _append_trimmed(spans, text, piece_start, line_end)
    return spans


def _line_spans(text: str, start: int, end: int | None) -> list[tuple[int, int]]:
    """Trimmed spans of the non-blank lines of ``text[start:end]``."""
    start = max(start, 0)
    end = len(text) if end is None else min(end, len(text))
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, start, end):
        _append_trimmed(spans, text, line.start(), line.end())
    return spans


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Append ``(start, end)`` without its outer whitespace, unless nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def _sentence_ends(text: str, line_start: int, line_end: int) -> list[int]:
    """Offsets right after each sentence end inside one line, before the line's end."""
    ends: list[int] = []
    for marks in _END_MARKS.finditer(text, line_start, line_end):
        after = marks.end()
        while after < line_end and text[after] in _CLOSERS:
            after += 1
        if after >= line_end:
            continue
        if text[after].isspace():
            if _ends_before_space(text, marks, after, line_end):
                ends.append(after)
        elif after == marks.end() and _ends_without_space(text, marks, line_start):
            ends.append(after)
    return ends


def _ends_before_space(text: str, marks: re.Match[str], after: int, line_end: int) -> bool:
    """Whether end marks followed by a space end a sentence."""
    following = _next_word_char(text, after, line_end)
    if following is None:
        return False
    if following.islower():
        return False
    if marks.group() != ".":
        return True
    word = _word_before(text, marks.start())
    return word not in _never_end() and not _is_initial(word)


def _ends_without_space(text: str, marks: re.Match[str], line_start: int) -> bool:
    """Whether end marks glued to the next word still end a sentence (a lost space)."""
    if marks.start() == line_start:
        return False
    before = text[marks.start() - 1]
    after = text[marks.end()]
    if _word_before(text, marks.start()) in _never_end():
        return False
    if _is_arabic_letter(before) and _is_arabic_letter(after):
        return True
    if marks.group() != "." or not (before.islower() and after.isupper()):
        return False
    return not _inside_link(text, marks.start())


def _next_word_char(text: str, start: int, end: int) -> str | None:
    """The first character after ``start`` that is neither a space nor an opening quote."""
    for index in range(start, end):
        char = text[index]
        if not char.isspace() and char not in _OPENERS:
            return char
    return None


def _word_before(text: str, stop: int) -> str:
    """The word (letters, inner stops and hyphens) right before the stop at ``stop``,
    with the stop; words longer than any abbreviation come back cut and match nothing."""
    index = stop
    limit = max(stop - _WORD_LOOKBACK, 0)
    while index > limit and (text[index - 1].isalpha() or text[index - 1] in ".-"):
        index -= 1
    return text[index:stop] + "."


def _is_initial(word: str) -> bool:
    """Whether ``word`` is a single capital letter with its stop (the J. of J. Smith)."""
    return len(word) == 2 and word[0].isupper()


def _inside_link(text: str, stop: int) -> bool:
    """Whether the stop at ``stop`` sits in a link or an address (no spaces around it)."""
    left = max(stop - _LINK_LOOKAROUND, 0)
    right = min(stop + _LINK_LOOKAROUND, len(text))
    word_start = stop
    while word_start > left and not text[word_start - 1].isspace():
        word_start -= 1
    word_end = stop
    while word_end < right and not text[word_end].isspace():
        word_end += 1
    word = text[word_start:word_end]
    return any(sign in word for sign in _LINK_SIGNS)


def _is_arabic_letter(char: str) -> bool:
    """Whether ``char`` is a letter of the Arabic script (Arabic has no letter case)."""
    return char.isalpha() and any(low <= char <= high for low, high in _ARABIC_RANGES)


@cache
def _never_end() -> frozenset[str]:
    """Abbreviations after which a full stop does not end a sentence."""
    resource = resources.files("incidents").joinpath("data", "abbreviations.json")
    data = json.loads(resource.read_text(encoding="utf-8"))
    return frozenset(data["never_end"])


@cache
def _caption_markers() -> tuple[re.Pattern[str], ...]:
    """The caption markers, each compiled on its own: one alternation of all of them has
    no literal to skip ahead by and tries every marker at every character; apart, each
    skips to where it can start (same answers: a stretch holds a marker when it holds one
    of them)."""
    data = json.loads(
        resources.files("incidents").joinpath("data/report_patterns.json").read_text("utf-8")
    )
    markers = data["captions"]["markers"]
    return tuple(re.compile(m, re.IGNORECASE | re.MULTILINE) for m in markers)


def _marked(text: str, start: int, end: int) -> bool:
    return any(marker.search(text, start, end) for marker in _caption_markers())


def may_hold_captions(text: str, start: int = 0, end: int | None = None) -> bool:
    """False when no line of ``text[start:end]`` can be a caption: then no paragraph of
    it has one (:func:`caption_lines` of any of them is empty), and a reader need not ask
    paragraph by paragraph. The markers read nothing past a line's end but its spaces."""
    return _marked(text, max(start, 0), len(text) if end is None else end)


def caption_lines(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the lines of ``text[start:end]`` that are photo captions or file-photo lines.

    One search over the whole stretch first: a marker found in a line is found there too
    (the markers read nothing past a line's end but its spaces), so a stretch without
    one, as most are, has no caption line and its lines are not searched one by one."""
    if not may_hold_captions(text, start, end):
        return []
    return [
        (line_start, line_end)
        for line_start, line_end in _line_spans(text, start, end)
        if _marked(text, line_start, line_end)
    ]
