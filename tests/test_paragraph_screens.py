"""The screens that skip a search give what the search gave.

A phrase of repetition is looked for after a trigger only when its words are in the
paragraph and the reach after it (:meth:`incidents.triggers.TextReader._habitual`); a
report is read for thread posts and post trailers only when it holds an ``@``
(:mod:`incidents.report_posts`).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gazetteer.normalize import normalize_name
from incidents import triggers
from incidents.report_patterns import report_patterns
from incidents.report_posts import find_thread_posts
from incidents.spaced_phrases import first_spaced


def _plain_habitual(reader: triggers.TextReader, match) -> bool:
    """The search as it was before the screen."""
    vocab = reader.vocabulary
    if not vocab.habitual:
        return False
    after = reader.text[match.end : match.end + 120]
    stop = triggers._HABIT_STOP.search(after)
    clause = normalize_name(after[: stop.start()] if stop else after).split()
    lead = len(" ".join(clause[: vocab.habitual_window]))
    reach = " " + " ".join(clause) + " "
    return 0 <= first_spaced(reach, vocab.habitual) <= lead


_WORDS = st.sampled_from(
    ["militants", "attacked", "the", "post", "again", "and", "time", "after", "over",
     "repeatedly", "bombed", "a", "car", "bomb", "هاجموه", "مرارا", "وتكرارا", "مرات",
     "عديده", ",", ".", "\n\n", "\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=30), st.integers(0, 30))
def test_the_habit_screen_answers_as_the_search(words: list[str], cut: int) -> None:
    text = " ".join(words)
    end = len(" ".join(words[:cut])) or len(text)
    reader = triggers.TextReader(text, 0, end)
    for match in reader.matches:
        assert reader._habitual(match) == _plain_habitual(reader, match)


def test_a_phrase_of_repetition_past_the_paragraph_end_is_still_read() -> None:
    text = "Militants attacked the checkpoint\n\nagain and again, officials said."
    first = text.index("\n")
    assert not triggers.TextReader(text, 0, first).sentence(0, first).triggers
    alone = "Militants attacked the checkpoint"
    assert triggers.TextReader(alone, 0, len(alone)).sentence(0, len(alone)).triggers


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab @()·:12 \tPM\n"), max_size=60))
def test_no_handle_line_or_trailer_without_an_at_sign(line: str) -> None:
    patterns = report_patterns()
    if "@" not in line:
        assert patterns.handle_line.match(line) is None
    if "(@" not in line:
        assert patterns.post_trailer.search(line) is None


def test_thread_posts_after_the_prose_start_are_found() -> None:
    text = "Intro line.\n\nAli @ali_news\nA blast in Karrada.\n9:41 PM · Jan 5, 2024\n"
    assert find_thread_posts(text, 0)
    assert find_thread_posts(text, text.index("A blast")) == []
