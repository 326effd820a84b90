"""The geoparser's fast paths give what the plain code they replaced gave.

Each shortcut of :meth:`Geoparser.parse` keeps the plain version it replaced here, as
the reference, and a property check that the parser gives the same mentions with
either, on report text and on text dense with names, their misspellings and the
generic words and articles they are written with.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from types import MethodType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_strategies import report_texts
from shapely.geometry import Point

from gazetteer import name_matching, variant_matching, variants
from gazetteer.geoparse import Geoparser
from gazetteer.mentions import PlaceMention, place_precision
from gazetteer.model import load_gazetteer
from gazetteer.name_matching import NameHit
from gazetteer.normalize import normalize_with_offsets
from gazetteer.phrases import (
    PhraseMatch,
    PhraseMatcher,
    ends_on_boundary,
    longest_matches,
    starts_on_boundary,
)
from gazetteer.variant_matching import RunVariant
from gazetteer.variants import (
    _TOKEN,
    ARTICLES,
    MAX_SPAN_WORDS,
    MIN_KEY_LETTERS,
    OPTIONAL_KINDS,
    SHORT_KEY_LETTERS,
    SPACED_ARTICLES,
    NameKey,
    RunToken,
    SpanScanner,
    english_stop_words,
    first_vowel,
    fold_word,
    sentence_initial,
    word_key,
)
from geo.relative import radius_m

IDENTITY_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None)

_GEOPARSER = Geoparser(load_gazetteer())


# ------------------------------------------------------------- plain references
@dataclass(frozen=True)
class TextSpan:
    """A run of words in a text that may be a romanised name."""

    start: int
    end: int
    key: NameKey
    words: tuple[str, ...]
    sentence_initial: bool
    """The span's first name word opens a sentence (its capital proves nothing)."""


def reference_tokens(
    text: str, generic: dict[str, str], abbreviations: dict[str, str]
) -> list[RunToken]:
    """The words of a run as read before :meth:`SpanScanner.tokens` remembered each
    word's facts: every word folded and looked up in place."""
    found = []
    size = len(text)
    for match in _TOKEN.finditer(text):
        word = match.group()
        folded = fold_word(word)
        if not folded or not fold_word(word[0]):
            continue  # Arabic script and others: the normaliser's matching covers them
        folded = abbreviations.get(folded, folded)
        end = match.end()
        hyphen_after = end < size and text[end] in "-‐"
        # "as-Sadr", and spaced only where the sound assimilates: "Ar Rashid", "At Taji"
        assimilated = (
            len(folded) >= 2
            and end + 1 < size
            and text[end] == " "
            and fold_word(text[end + 1 : end + 2]) == folded[1]
        )
        article = folded in SPACED_ARTICLES or (
            folded in ARTICLES and (hyphen_after or assimilated)
        )
        found.append(
            RunToken(
                match.start(), end, folded, word[0].isupper(), generic.get(folded), article,
                word_key(folded),
            )
        )  # fmt: skip
    return found


def reference_run_spans(
    scanner: SpanScanner, run: str
) -> tuple[tuple[int, int, NameKey, tuple[str, ...], bool], ...]:
    """The candidate spans of one run as made before the variants were grown a word at a
    time: ``(start, end, key, name words, first)`` with offsets into the run, ``first``
    when the span opens with a name word; every span of up to ``MAX_SPAN_WORDS`` words."""
    tokens = reference_tokens(run, scanner.generic, scanner.abbreviations)
    if not any(t.capitalised and not t.generic and not t.article for t in tokens):
        return ()
    out = []
    for i in range(len(tokens)):
        if tokens[i].article and i + 1 < len(tokens) and tokens[i + 1].generic:
            continue
        for j in range(min(len(tokens), i + MAX_SPAN_WORDS), i, -1):
            part = tokens[i:j]
            if part[-1].article:
                continue
            names = [t for t in part if not t.generic and not t.article]
            if not names or not all(t.capitalised for t in names):
                continue
            kinds = frozenset(t.generic for t in part if t.generic)
            article = any(t.article and k + 1 < len(part) for k, t in enumerate(part))
            key = "".join(word_key(t.folded) for t in names)
            out.append(
                (
                    part[0].start,
                    part[-1].end,
                    NameKey(key, kinds, article, first_vowel(names[0].folded)),
                    tuple(t.folded for t in names),
                    names[0] is part[0],
                )
            )
    return tuple(out)


def reference_spans(scanner: SpanScanner, text: str) -> list[TextSpan]:
    """Every candidate span as found before: the scanner's pattern over the whole text."""
    found = []
    for match in scanner._pattern.finditer(text):
        offset = match.start()
        for start, end, key, words, first in reference_run_spans(scanner, match.group()):
            initial = first and sentence_initial(text, offset + start)
            found.append(TextSpan(offset + start, offset + end, key, words, initial))
    return found


def spans_of_runs(scanner: SpanScanner, text: str) -> list[TextSpan]:
    """Every candidate span of the runs :meth:`SpanScanner.runs` finds, in text order."""
    found = []
    for offset, run in scanner.runs(text):
        for start, end, key, words, first in reference_run_spans(scanner, run):
            initial = first and sentence_initial(text, offset + start)
            found.append(TextSpan(offset + start, offset + end, key, words, initial))
    return found


def _short_unread(key: NameKey, words: tuple[str, ...]) -> bool:
    """A key too short to be read alone: no generic word, no article, and not one long
    word with the nisba ending."""
    return (
        len(key.key) <= SHORT_KEY_LETTERS
        and not (key.kinds or key.has_article)
        and not (len(words) == 1 and variant_matching._long_nisba(words[0]))
    )


def reference_with_variants(
    self: Geoparser, text: str, offsets: list[int], hits: list[NameHit]
) -> list[NameHit]:
    """The variant pass as it was: every candidate span of the text looked up in turn."""
    spans = reference_spans(self._scanner, text)
    if not spans:
        return hits
    exact = sorted(
        (h for h in hits if h.category not in ("feature", "relation")), key=lambda h: h.start
    )
    exact_starts = [h.start for h in exact]
    taken: list[NameHit] = []
    index = self._variant_index
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if taken and span.start < taken[-1].end:
            continue
        key = span.key
        if len(key.key) < MIN_KEY_LETTERS:
            continue
        if _short_unread(key, span.words):
            continue
        if span.sentence_initial and len(span.words) == 1 and not key.kinds:
            continue
        overlapping = variant_matching._overlapping(exact, exact_starts, span.start, span.end)
        if overlapping and not (
            key.kinds
            and all(span.start <= h.start and h.end <= span.end for h in overlapping)
            and all(h.end - h.start < span.end - span.start for h in overlapping)
        ):
            continue
        candidates = index.lookup(key.key)
        if key.kinds:
            candidates = [
                c
                for c in candidates
                if c.kinds & key.kinds or any(self._fits(c.place_id, kind) for kind in key.kinds)
            ]
        else:
            candidates = [c for c in candidates if c.kinds <= OPTIONAL_KINDS]
            if len(key.key) <= SHORT_KEY_LETTERS:
                candidates = [c for c in candidates if c.vowel == key.vowel]
        if not candidates:
            continue
        if not key.kinds and all(word in english_stop_words() for word in span.words):
            continue
        candidates.sort(key=lambda c: (c.kinds != key.kinds, c.distance))
        if key.kinds and not self._same_generic_words(
            text[span.start : span.end], candidates[0].name
        ):
            own = [
                c
                for c in candidates
                if self.gazetteer[c.place_id].kind in key.kinds
                and c.distance <= candidates[0].distance
            ]
            candidates = own + [c for c in candidates if c not in own]
        best_kinds, best = candidates[0].kinds, candidates[0].distance
        candidates = [c for c in candidates if c.kinds == best_kinds]
        ids = tuple(dict.fromkeys(c.place_id for c in candidates if c.distance == best))
        matched = next(c.name for c in candidates if c.distance == best)
        via = "variant"
        if best == 0 and span.words == self._name_words_of(matched):
            written = text[span.start : span.end].replace("-", " ").split()
            if any(fold_word(w) in self.vocabulary.abbreviations for w in written):
                via = "abbreviation"
            else:
                matched = None
        nstart = variant_matching._norm_index(offsets, span.start)
        nend = variant_matching._norm_index(offsets, span.end)
        taken.append(
            NameHit(
                nstart, nend, span.start, span.end, "place", ids,
                key=key.key, matched_name=matched, via=via,
            )
        )  # fmt: skip
    if not taken:
        return hits
    kept = [h for h in hits if not any(t.start < h.end and h.start < t.end for t in taken)]
    return sorted([*kept, *taken], key=lambda h: h.start)


def reference_variant_named(
    self: Geoparser, written: str, key: NameKey, words: tuple[str, ...]
) -> tuple[tuple[str, ...], str | None, str] | None:
    """``(entry ids, the name matched or None, how)`` for a span written ``written``
    whose key and name words are ``key`` and ``words``; None when it names no entry."""
    if len(key.key) < MIN_KEY_LETTERS:
        return None
    if _short_unread(key, words):
        return None
    return self._named_among(self._variant_index.lookup(key.key), written, key, words)


def reference_variants_of_run(self: Geoparser, run: str) -> tuple[RunVariant, ...]:
    """The variants of a run as worked out before: every candidate span of the run
    (:func:`reference_run_spans`) looked up in turn."""
    found = []
    for start, end, key, words, first in reference_run_spans(self._scanner, run):
        named = reference_variant_named(self, run[start:end], key, words)
        if named is not None:
            ids, matched, via = named
            initial_matters = first and len(words) == 1 and not key.kinds
            found.append(RunVariant(start, end, key, ids, matched, via, initial_matters))
    return tuple(found)


def reference_fold_word(word: str) -> str:
    """A word folded as before: decomposed and case-folded whatever its script."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if "a" <= c <= "z")


def reference_candidates(
    matcher: PhraseMatcher, norm: str, offsets: list[int]
) -> Iterator[PhraseMatch]:
    """Every match on token boundaries as the matcher found them: both boundary checks
    asked of every match."""
    for last, (key, values) in matcher._automaton.iter(norm) if not matcher._empty else ():
        nstart, nend = last - len(key) + 1, last + 1
        if ends_on_boundary(norm, nend) and starts_on_boundary(norm, nstart):
            for value in values:
                yield PhraseMatch(nstart, nend, offsets[nstart], offsets[last] + 1, key, value)


def reference_hits(self: Geoparser, text: str, norm: str, offsets: list[int]) -> list[NameHit]:
    """The exact pass as it was: one match object per candidate and value."""
    grouped: dict[tuple[int, int, str], list[str]] = {}
    spans: dict[tuple[int, int], tuple[int, int, str]] = {}
    generic_named: dict[tuple[int, int], str] = {}
    exact_places: set[tuple[int, int]] = set()
    for match in reference_candidates(self._matcher, norm, offsets):
        category, value = match.value
        if category == "arabic_specific":
            nstart = self._arabic_generic_start(norm, match.nstart, value)
            if nstart is None:
                continue
            category = "place"
            match = replace(match, nstart=nstart, start=offsets[nstart])
            if (match.nstart, match.nend) in exact_places:
                continue  # the name as the gazetteer writes it: an exact match
            generic_named[(match.nstart, match.nend)] = self._arabic_specific_parts[value][0]
        elif category == "place":
            exact_places.add((match.nstart, match.nend))
            generic_named.pop((match.nstart, match.nend), None)
        if not self._case_fits(text[match.start : match.end], match.key, category):
            continue
        if category in ("organisation", "world") and any(
            c in name_matching._NAME_BREAKS for c in text[match.start : match.end]
        ):
            continue  # "في بغداد، اليوم": a comma ends a name, it is not "Baghdad Today"
        grouped.setdefault((match.nstart, match.nend, category), []).append(value)
        spans[(match.nstart, match.nend)] = (match.start, match.end, match.key)
    matches = [
        PhraseMatch(
            ns,
            ne,
            spans[(ns, ne)][0],
            spans[(ns, ne)][1],
            spans[(ns, ne)][2],
            (category, tuple(values)),
        )
        for (ns, ne, category), values in grouped.items()
    ]
    chosen = longest_matches(matches, rank=lambda m: name_matching._CATEGORY_RANK[m.value[0]])
    hits = [
        NameHit(
            m.nstart,
            m.nend,
            m.start,
            m.end,
            m.value[0],
            m.value[1],
            key=m.key,
            matched_name=generic_named.get((m.nstart, m.nend)) if m.value[0] == "place" else None,
            via="generic word" if m.value[0] == "place" else "",
        )
        for m in chosen
    ]
    hits = self._with_variants(text, offsets, hits)
    hits = self._with_noun_typos(text, norm, offsets, hits)
    hits = self._home_capital(text, self._with_arabic_variants(text, norm, offsets, hits))
    return self._city_area_of(text, hits)


def reference_place_mention(
    self: Geoparser,
    text: str,
    start: int,
    end: int,
    place_id: str,
    *,
    resolved_by: str,
    alternatives: tuple[str, ...] = (),
    precision: str | None = None,
    matched_name: str | None = None,
) -> PlaceMention:
    """A mention of an entry as it was made: every figure worked out for each mention, the
    name matched set afterwards."""
    mention = _plain_place_mention(
        self, text, start, end, place_id, resolved_by=resolved_by,
        alternatives=alternatives, precision=precision,
    )  # fmt: skip
    return mention if matched_name is None else replace(mention, matched_name=matched_name)


def _plain_place_mention(
    self: Geoparser,
    text: str,
    start: int,
    end: int,
    place_id: str,
    *,
    resolved_by: str,
    alternatives: tuple[str, ...],
    precision: str | None,
) -> PlaceMention:
    place = self.gazetteer[place_id]
    geometry, located_by = self._located_geometry(place)
    if geometry is None:
        return PlaceMention(
            text=text[start:end], start=start, end=end, role="location",
            place_id=place.id, place_name=place.name, kind=place.kind,
            resolved_by=f"{resolved_by}, not located", alternatives=alternatives,
        )  # fmt: skip
    if located_by.label_point is not None:
        point = Point(located_by.label_point)
    elif geometry.geom_type == "Point":
        point = geometry
    else:
        point = geometry.representative_point()
    if located_by is not place:
        precision = "zone" if located_by.kind == "zone" else place_precision(located_by)
        resolved_by = f"{resolved_by}, placed at {located_by.id}"
    precision = precision or place_precision(place)
    uncertainty = located_by.uncertainty_m
    if geometry.geom_type != "Point":
        uncertainty = max(uncertainty, radius_m(geometry, crs=self._crs))
    if alternatives:
        uncertainty = max(uncertainty, self._compute_spread_m(point, alternatives))
    return PlaceMention(
        text=text[start:end], start=start, end=end, role="location", place_id=place.id,
        place_name=place.name, kind=place.kind, lat=round(point.y, 7), lon=round(point.x, 7),
        precision=precision, uncertainty_m=round(uncertainty, 1), resolved_by=resolved_by,
        alternatives=alternatives, geometry=geometry, anchor_id=None,
    )  # fmt: skip


def reference_fits(self: Geoparser, place_id: str, noun_kind: str) -> bool:
    """Whether an entry fits a noun, worked out at each call."""
    return self._fits_plainly(place_id, noun_kind)


def reference_fitting(self: Geoparser, noun_kind: str) -> tuple[str, ...]:
    """The entries fitting a noun: every entry tried."""
    return tuple(p.id for p in self.gazetteer.values() if self._fits_plainly(p.id, noun_kind))


def reference_organisation_prefix(self: Geoparser, lead: str) -> bool:
    """Every organisation prefix tried in turn."""
    return any(
        lead == prefix or lead.endswith(" " + prefix)
        for prefix in self.vocabulary.organisation_prefixes
    )


def reference_entries_named_of_kind(
    self: Geoparser, name: str, kind: str
) -> tuple[tuple[str, ...], str] | None:
    """The entries of a kind named by spelling key, looked up at each call."""
    return self._entries_of_kind_by_key(name, kind)


def reference_noun_typos(
    self: Geoparser, text: str, norm: str, offsets: list[int], hits: list[NameHit]
) -> list[NameHit]:
    """Misspelt nouns after "the" found by the pattern with its word boundary first."""
    found = []
    for match in re.finditer(r"\bthe ([a-z]{5,})\b", norm):
        value = self._noun_typos.get(match.group(1))
        if value is None:
            continue
        nstart, nend = match.start(1), match.end(1)
        if any(h.nstart < nend and nstart < h.nend for h in hits):
            continue
        found.append(
            NameHit(
                nstart, nend, offsets[nstart], offsets[nend - 1] + 1, "feature", (value,),
                key=match.group(1), via="misspelt noun",
            )
        )  # fmt: skip
    if not found:
        return hits
    return sorted([*hits, *found], key=lambda h: h.nstart)


def reference_arabic_matches(
    self: Geoparser, pattern: re.Pattern[str], norm: str
) -> Iterator[re.Match[str]]:
    """An Arabic pattern over the whole normalised text."""
    return pattern.finditer(norm)


# ------------------------------------------------------------------ strategies
def _latin_names() -> list[str]:
    names = {
        name
        for place in _GEOPARSER.gazetteer.values()
        for name in place.all_names
        if name.isascii()
    }
    return sorted(names)


_NAMES = _latin_names()
_ARABIC_NAMES = sorted(
    {n for p in _GEOPARSER.gazetteer.values() for n in p.all_names if not n.isascii()}
)
_GENERIC = sorted(_GEOPARSER.vocabulary.generic_words)


def _misspelt(name: str, data: st.DataObject) -> str:
    """A name as a report may spell it: a letter dropped, doubled or swapped, an ending."""
    how = data.draw(st.sampled_from(["as is", "drop", "double", "swap", "ending", "lower"]))
    if how == "lower" or len(name) < 3:
        return name.lower() if how == "lower" else name
    i = data.draw(st.integers(1, len(name) - 2))
    if how == "drop":
        return name[:i] + name[i + 1 :]
    if how == "double":
        return name[:i] + name[i] + name[i:]
    if how == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if how == "ending":
        return name + data.draw(st.sampled_from(["h", "a", "ah", "iyah", "'s", "s"]))
    return name


_PIECES = st.one_of(
    st.sampled_from(_NAMES),
    st.sampled_from(_GENERIC).map(str.title),
    st.sampled_from(_GENERIC),
    st.sampled_from(["Al", "al-", "el-", "as-", "Ar", "the", "The", "in", "of", "near"]),
    st.sampled_from([". ", ", ", "\n\n", " ", "-", " (", ") ", ": ", "said"]),
    st.text(max_size=6),
)


@st.composite
def name_dense_texts(draw: st.DrawFn) -> str:
    data = draw(st.data())
    pieces = draw(st.lists(_PIECES, max_size=14))
    return " ".join(_misspelt(p, data) if p in _NAMES else p for p in pieces)


#: Text where the automaton finds phrases inside words and next to Arabic clitics.
_GLUED = st.lists(
    st.one_of(
        st.sampled_from(_NAMES),
        st.sampled_from(_ARABIC_NAMES),
        st.sampled_from(sorted(_GEOPARSER.vocabulary.arabic_generic_words)),
        st.sampled_from(["فكتوريا", "الاعظمي", "قاعدة", "x", "3", "الكرادةab"]),
        st.sampled_from(["وبغداد", "بالمنطقة", "الخضراءها", "ساحة", "وساحة", "التحرير", "و"]),
        st.sampled_from(["", " ", "s", "al", "ال", "-", "،", "ـ"]),
    ),
    max_size=10,
).map("".join)

TEXTS = st.one_of(report_texts(max_pieces=6, max_free_text=30), name_dense_texts(), _GLUED)


def _parse(text: str) -> list[tuple[object, ...]]:
    # geometry compares by identity in PlaceMention; its WKB says the same place
    return [
        (m, None if m.geometry is None else m.geometry.wkb)
        for m in _GEOPARSER.parse(text, non_locations=[(0, min(len(text), 12), "dateline")])
    ]


# ---------------------------------------------------------------------- checks
@IDENTITY_SETTINGS
@given(TEXTS)
def test_variants_worked_out_per_run_are_the_variants_of_each_span(text: str) -> None:
    fast = _parse(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_GEOPARSER, "_with_variants", MethodType(reference_with_variants, _GEOPARSER))
        assert _parse(text) == fast


def test_the_variant_pass_finds_names_by_key_and_abbreviation() -> None:
    mentions = _GEOPARSER.parse("They met in Tahrir Sq on Friday, then at al-Kazimiyyah.")
    assert [(m.text, m.resolved_by) for m in mentions] == [
        ("Tahrir Sq", "abbreviation"),
        ("al-Kazimiyyah", "variant"),
    ]


#: Each fast path and the plain version it replaced (patched on the geoparser itself, as
#: a remembered property keeps its value on the instance).
_PLAIN = {
    "_with_variants": reference_with_variants,
    "_hits": reference_hits,
    "_entries_named_of_kind": reference_entries_named_of_kind,
    "_with_noun_typos": reference_noun_typos,
    "_arabic_matches": reference_arabic_matches,
    "_place_mention": reference_place_mention,
    "_fits": reference_fits,
    "_fitting": reference_fitting,
    "_ends_with_organisation_prefix": reference_organisation_prefix,
}


@IDENTITY_SETTINGS
@given(TEXTS, st.sampled_from(sorted(_PLAIN)))
def test_each_fast_path_gives_the_mentions_of_its_plain_version(text: str, name: str) -> None:
    fast = _parse(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_GEOPARSER, name, MethodType(_PLAIN[name], _GEOPARSER))
        assert _parse(text) == fast


@IDENTITY_SETTINGS
@given(TEXTS)
def test_all_fast_paths_together_give_the_mentions_of_the_plain_code(text: str) -> None:
    fast = _parse(text)
    with pytest.MonkeyPatch.context() as patch:
        for name, plain in _PLAIN.items():
            patch.setattr(_GEOPARSER, name, MethodType(plain, _GEOPARSER))
        assert _parse(text) == fast


_PREFIXES = sorted(_GEOPARSER.vocabulary.organisation_prefixes)


@IDENTITY_SETTINGS
@given(st.lists(st.one_of(st.sampled_from(_PREFIXES), st.text(max_size=5)), max_size=4))
def test_organisation_prefix_by_tails_is_every_prefix_tried(words: list[str]) -> None:
    lead = " ".join(words)
    assert _GEOPARSER._ends_with_organisation_prefix(lead) == reference_organisation_prefix(
        _GEOPARSER, lead
    )


@IDENTITY_SETTINGS
@given(TEXTS)
def test_matcher_spans_are_the_candidates_on_token_boundaries(text: str) -> None:
    norm, offsets = normalize_with_offsets(text)
    matcher = _GEOPARSER._matcher
    assert list(matcher.candidates(norm, offsets)) == list(
        reference_candidates(matcher, norm, offsets)
    )


#: Text where runs of name words meet lower-case generic words and articles, hyphens,
#: apostrophes, combining marks and letters of other cases and scripts.
_RUN_PIECES = st.lists(
    st.one_of(
        st.sampled_from(_NAMES),
        st.sampled_from(_GENERIC),
        st.sampled_from(sorted(variants.ARTICLES)),
        st.sampled_from(["Al", "El-", "-", "- ", "‐", "'s", "’", "ʿ", "\u0301", "5", "_"]),
        st.sampled_from(["Ωmega", "Ⓐ", "Éire", "ǅ", "İstanbul", "\u212aarbala", "ſtreet"]),
        st.sampled_from([" ", "  ", ". ", ", ", "\n", "(", "the", "a", "was", "بغداد"]),
        st.text(max_size=4),
    ),
    max_size=16,
)


@IDENTITY_SETTINGS
@given(st.one_of(TEXTS, _RUN_PIECES.map("".join), _RUN_PIECES.map(" ".join)))
def test_runs_scanned_from_upper_case_letters_give_the_spans_of_a_whole_scan(text: str) -> None:
    scanner = _GEOPARSER._scanner
    assert spans_of_runs(scanner, text) == reference_spans(scanner, text)
    runs = list(scanner.runs(text))
    every = [(m.start(), m.group()) for m in scanner._pattern.finditer(text)]
    assert set(runs) <= set(every)
    assert [r for r in every if any(c.isupper() for c in r[1])] == [
        r for r in runs if any(c.isupper() for c in r[1])
    ]


@IDENTITY_SETTINGS
@given(st.one_of(TEXTS, _RUN_PIECES.map("".join), _RUN_PIECES.map(" ".join)))
def test_variants_of_a_run_grown_a_word_at_a_time_are_those_of_each_span(text: str) -> None:
    scanner = _GEOPARSER._scanner
    for _, run in reference_runs(scanner, text):
        assert scanner.tokens(run) == reference_tokens(run, scanner.generic, scanner.abbreviations)
        assert _GEOPARSER._variants_of_run(run) == reference_variants_of_run(_GEOPARSER, run)


@IDENTITY_SETTINGS
@given(st.one_of(st.text(max_size=12), st.text(string.printable, max_size=12), TEXTS))
def test_a_word_folded_by_its_ascii_shortcut_is_folded_as_before(word: str) -> None:
    assert fold_word(word) == reference_fold_word(word)


def reference_runs(scanner: SpanScanner, text: str) -> list[tuple[int, str]]:
    """Every run of the scanner's pattern over the whole text."""
    return [(m.start(), m.group()) for m in scanner._pattern.finditer(text)]


def test_every_upper_case_letter_is_looked_at() -> None:
    """A run holds letters and combining marks only: each upper-case one is a start."""
    letter = re.compile(r"[^\W\d_]|[\u0300-\u036f]")
    missed = [
        hex(code)
        for code in range(0x110000)
        if chr(code).isupper()
        and letter.match(chr(code))
        and not variants._MAY_BE_UPPER.match(chr(code))
    ]
    assert missed == []


def test_a_plain_version_patched_in_is_the_one_used() -> None:
    calls = []

    def plain(self: Geoparser, name: str, kind: str) -> tuple[tuple[str, ...], str] | None:
        calls.append(name)
        return reference_entries_named_of_kind(self, name, kind)

    _GEOPARSER.parse("They gathered in the district of Jihad.")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_GEOPARSER, "_entries_named_of_kind", MethodType(plain, _GEOPARSER))
        _GEOPARSER.parse("They gathered in the district of Jihad.")
    assert calls == ["Jihad"]
