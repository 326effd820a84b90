"""Names as reports misspell them: spelling variants, Arabic forms and feature-noun typos.

The exact pass (:mod:`gazetteer.name_matching`) finds names as the gazetteer writes
them. This pass adds the names it missed: Latin spellings that reduce to a name's
spelling key (Kadhimiya, Kazimiyah; :mod:`gazetteer.variants`), Arabic names with
other proclitics, hamza or ta marbuta, the name a feature noun introduces ("the
shrine of Musa al Kadhim") and a misspelt feature noun after "the" ("the sqaure").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from gazetteer.name_matching import NameHit
from gazetteer.normalize import arabic_proclitics, normalize_name
from gazetteer.variants import (
    ARABIC_FUZZY_MIN_LETTERS,
    ARABIC_SHORT_KEY_LETTERS,
    ARTICLES,
    MAX_SPAN_WORDS,
    MIN_KEY_LETTERS,
    NISBA_ENDING,
    OPTIONAL_KINDS,
    SHORT_KEY_LETTERS,
    NameKey,
    SpanScanner,
    VariantCandidate,
    VariantIndex,
    arabic_light_form,
    arabic_name_key,
    arabic_shapes_agree,
    arabic_spelling,
    arabic_stop_words,
    arabic_word_key,
    english_stop_words,
    first_vowel,
    fold_word,
    name_key,
    sentence_initial,
)

#: A word of Arabic letters in normalised text.
_ARABIC_WORD = re.compile("[\u0620-\u064a\u066e-\u06d3]+")


#: A word after "the" in normalised text: where a misspelt feature noun is looked for
#: (the boundary before "the" checked apart, so the search runs on the literal "the ").
_DEFINITE_WORD = re.compile(r"the ([a-z]{5,})\b")


#: A single name word this long with the nisba ending is read by its key even when the
#: key is short (Saidiyah, key "sdy"): English names of that length reduce to short keys
#: too (Russell, Kennedy, Giuliani), but not with that ending.
LONG_WORD_LETTERS = 7


def _long_nisba(folded: str) -> bool:
    return len(folded) >= LONG_WORD_LETTERS and NISBA_ENDING.search(folded) is not None


#: Feature nouns shorter than this are never read through a typo ("hotle" is no hotel).
_TYPO_MIN_LETTERS = 6


def _norm_index(offsets: list[int], original: int) -> int:
    """The first normalised index at or after an original text index."""
    return bisect_left(offsets, original)


def _one_word_with_article(name: str, article: str) -> bool:
    """A gazetteer name of one word written with the article (الكرادة, not مجلس النواب)."""
    words = normalize_name(name).split()
    return len(words) == 1 and words[0].startswith(article)


#: The longest name the exact pass can match, in characters: a hit starting further
#: back than this before a span cannot reach into it.
_LONGEST_HIT = 200


def _overlapping(
    hits: Sequence[NameHit], starts: Sequence[int], start: int, end: int
) -> list[NameHit]:
    """The hits (sorted by start, with ``starts``) that overlap ``[start, end)``.

    Looks only from ``start - _LONGEST_HIT`` up to ``end``, so a long report is
    searched in time linear in its length, not in its length times its hits.
    """
    found = []
    for i in range(bisect_left(starts, start - _LONGEST_HIT), len(hits)):
        hit = hits[i]
        if hit.start >= end:
            break
        if start < hit.end:
            found.append(hit)
    return found


class VariantMatching:
    """The variant passes of a :class:`~gazetteer.geoparse.Geoparser`.

    A base of the geoparser beside :class:`~gazetteer.name_matching.NameMatching`,
    whose :meth:`_hits` calls these passes after the exact one.
    """

    # ------------------------------------------------------------ variant spellings
    @cached_property
    def _variant_index(self) -> VariantIndex:
        """The spelling key of every Latin-script gazetteer name (gazetteer/variants.py)."""
        return self._latin_index(loose=False)

    @cached_property
    def _noun_name_index(self) -> VariantIndex:
        """The same keys, with titles left out and hyphens read as spaces ("Imam Musa
        al-Kadhim shrine" is also "Musa al Kadhim"): for the name a noun introduces ("the
        shrine of Musa al Kadhim"), whose noun already says what kind of place it is."""
        return self._latin_index(loose=True)

    def _latin_index(self, *, loose: bool) -> VariantIndex:
        vocab = self.vocabulary
        honorifics = vocab.honorifics if loose else frozenset()
        names = []
        for place in self.gazetteer.values():
            for name in place.all_names:
                keys = []
                forms = (name, name.replace("-", " ")) if loose else (name,)
                for written in dict.fromkeys(forms):
                    words = [vocab.abbreviations.get(w, w) for w in map(fold_word, written.split())]
                    words = [w for part in words for w in part.split() if w]
                    if words:
                        key = name_key(words, vocab.generic_words, honorifics)
                        if key not in keys:
                            keys.append(key)
                names.extend((place.id, name, key) for key in keys)
        return VariantIndex(names)

    @cached_property
    def _arabic_variant_index(self) -> VariantIndex:
        """The spelling key of every Arabic-script gazetteer name (gazetteer/variants.py)."""
        generic = self.vocabulary.arabic_generic_words
        names = []
        for place in self.gazetteer.values():
            for name in place.all_names:
                if name.isascii():
                    continue
                words = normalize_name(name).split()
                if words:
                    names.append((place.id, name, arabic_name_key(words, generic)))
        return VariantIndex(names, fuzzy_min=ARABIC_FUZZY_MIN_LETTERS)

    @cached_property
    def _arabic_variant_patterns(self) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
        """Two regexes over normalised text that find where an Arabic variant may start: a
        generic word (a glued proclitic allowed; group 2 the word), and a word with the
        article whose letters spell, with any long vowels between them, the key of a one-word
        gazetteer name (group 1 the word from its article)."""
        spelling = arabic_spelling()
        vowels = "".join(sorted(spelling.long_vowels))
        proclitics = "|".join(sorted(map(re.escape, arabic_proclitics()), key=len, reverse=True))
        generic = "|".join(
            sorted(map(re.escape, self.vocabulary.arabic_generic_words), key=len, reverse=True)
        )
        generic_pattern = re.compile(f"(?<!\\S)((?:{proclitics})?)({generic})(?!\\S)")
        keys = set()
        for place in self.gazetteer.values():
            for name in place.all_names:
                if not name.isascii() and _one_word_with_article(name, spelling.article):
                    key = arabic_word_key(normalize_name(name))
                    if len(key) > ARABIC_SHORT_KEY_LETTERS:
                        keys.add(key)
        if not keys:
            return generic_pattern, None
        final = "".join(sorted(spelling.final_dropped))
        spelled = "|".join(
            f"{re.escape(key[0])}+"
            + "".join(f"[{vowels}]*{re.escape(c)}+" for c in key[1:])
            + f"[{vowels}]*"
            for key in sorted(keys)
        )
        article_pattern = re.compile(
            f"(?<!\\S)(?:{proclitics})?({re.escape(spelling.article)}(?:{spelled})[{final}]?)"
            "(?!\\S)"
        )
        return generic_pattern, article_pattern

    @cached_property
    def _arabic_stretches(self) -> re.Pattern[str]:
        """Stretches of normalised text made of the letters the two Arabic patterns match
        (words of them, single spaces between): every match of either lies in one, so they
        are searched there only, not over a report's other script."""
        spelling = arabic_spelling()
        letters = set(spelling.article) | spelling.long_vowels | spelling.final_dropped
        for word in (*arabic_proclitics(), *self.vocabulary.arabic_generic_words):
            letters.update(word)
        for place in self.gazetteer.values():
            for name in place.all_names:
                if not name.isascii() and _one_word_with_article(name, spelling.article):
                    letters.update(normalize_name(name))
        letters.discard(" ")
        word = "[" + "".join(sorted(map(re.escape, letters))) + "]+"
        return re.compile(f"{word}(?: {word})*")

    def _arabic_matches(self, pattern: re.Pattern[str], norm: str) -> Iterator[re.Match[str]]:
        """``pattern.finditer(norm)``, searched in the Arabic stretches only (each with the
        character after it, which the pattern's look-ahead reads)."""
        size = len(norm)
        for stretch in self._arabic_stretches.finditer(norm):
            yield from pattern.finditer(norm, stretch.start(), min(size, stretch.end() + 1))

    def _arabic_name_part(self, name: str) -> list[str]:
        """A normalised Arabic name's words without its generic word (جسر السنك: السنك)."""
        words = normalize_name(name).split()
        if len(words) >= 2 and words[0] in self.vocabulary.arabic_generic_words:
            return words[1:]
        return words

    def _bare_arabic_generic(self, word: str) -> str | None:
        """The generic word a normalised word is, a glued proclitic aside (بساحة: ساحة)."""
        generic = self.vocabulary.arabic_generic_words
        if word in generic:
            return word
        for proclitic in arabic_proclitics():
            if word.startswith(proclitic) and word[len(proclitic) :] in generic:
                return word[len(proclitic) :]
        return None

    def _with_arabic_variants(
        self, text: str, norm: str, offsets: list[int], hits: list[NameHit]
    ) -> list[NameHit]:
        """Add the Arabic-script names the exact pass missed, matched by their spelling key.

        Tried only on the words after a generic word whose kind fits the entry (قاعدة
        فكتوريا for معسكر فكتوري: a base), and on single words written with the article
        that are not ordinary Arabic words and name an entry written without a generic word.
        A variant never outranks an exact name: a span an exact match overlaps is left alone.
        """
        generic_pattern, article_pattern = self._arabic_variant_patterns
        if not _ARABIC_WORD.search(norm):
            return hits
        exact = sorted(
            (h for h in hits if h.category not in ("feature", "relation")), key=lambda h: h.start
        )
        exact_starts = [h.start for h in exact]
        index = self._arabic_variant_index
        article = arabic_spelling().article
        stop = arabic_stop_words()
        taken: list[NameHit] = []

        def take(nstart: int, nend: int, candidates: list, words: list[str]) -> bool:
            start, end = offsets[nstart], offsets[nend - 1] + 1
            if _overlapping(exact, exact_starts, start, end) or any(
                t.start < end and start < t.end for t in taken
            ):
                return False
            best = min(c.distance for c in candidates)
            candidates = [c for c in candidates if c.distance == best]
            ids = tuple(dict.fromkeys(c.place_id for c in candidates))
            taken.append(
                NameHit(
                    nstart, nend, start, end, "place", ids,
                    key="".join(arabic_word_key(w) for w in words),
                    matched_name=candidates[0].name, via="variant",
                )
            )  # fmt: skip
            return True

        # the words after a generic word (found by one regex pass, in C)
        for match in self._arabic_matches(generic_pattern, norm):
            generic = match.group(2)
            following = []
            previous = match.end()
            for word in _ARABIC_WORD.finditer(norm, match.end(), match.end() + 120):
                if (
                    norm[previous : word.start()] != " "
                    or text[offsets[previous - 1] + 1 : offsets[word.start()]].strip()
                ):
                    break  # a comma, a full stop or another script ends the name
                following.append(word)
                previous = word.end()
                if len(following) == 3:
                    break
            for n in range(len(following), 0, -1):
                words = [w.group() for w in following[:n]]
                key = "".join(arabic_word_key(w) for w in words)
                if len(key) < MIN_KEY_LETTERS:
                    continue
                candidates = [
                    c for c in index.lookup(key)
                    if self._generic_fits(generic, c.place_id)
                    and arabic_shapes_agree(words, self._arabic_name_part(c.name), strict=False)
                ]  # fmt: skip
                if candidates and any(w in stop for w in words):
                    # an ordinary word: read as the name only up to the article and a
                    # final ه or ا (شارع شعب, قاعدة فكتوريا), never by its inner vowels
                    light = [arabic_light_form(w) for w in words]
                    candidates = [
                        c for c in candidates
                        if light == list(map(arabic_light_form, self._arabic_name_part(c.name)))
                    ]  # fmt: skip
                if candidates and take(match.start(2), following[n - 1].end(), candidates, words):
                    break
        # a word with the article alone, spelled like a one-word name (a regex per key)
        if article_pattern is not None:
            for match in self._arabic_matches(article_pattern, norm):
                word, bare = match.group(), match.group(1)
                if bare in stop or word in stop:
                    continue
                candidates = [
                    c for c in index.lookup(arabic_word_key(bare))
                    if not c.distance and _one_word_with_article(c.name, article)
                    and arabic_shapes_agree([bare], [normalize_name(c.name)], strict=True)
                ]  # fmt: skip
                if candidates:
                    take(match.start(1), match.end(), candidates, [bare])
        if not taken:
            return hits
        taken.sort(key=lambda t: t.start)
        taken_starts = [t.start for t in taken]
        kept = []
        for hit in hits:
            k = bisect_left(taken_starts, hit.end)
            if not k or taken[k - 1].end <= hit.start:
                kept.append(hit)
        return sorted([*kept, *taken], key=lambda h: h.start)

    def _same_generic_words(self, written: str, name: str) -> bool:
        """True when ``written`` has the generic words of the gazetteer name ``name``."""
        generic = self.vocabulary.generic_words

        def generics(text: str) -> set[str]:
            return {w for w in map(fold_word, text.replace("-", " ").split()) if w in generic}

        return generics(written) == generics(name)

    def _name_words_of(self, name: str) -> tuple[str, ...]:
        """A gazetteer name's folded words, without articles and generic words."""
        vocab = self.vocabulary
        words = [
            vocab.abbreviations.get(w, w) for w in map(fold_word, name.replace("-", " ").split())
        ]
        return tuple(w for w in words if w and w not in vocab.generic_words and w not in ARTICLES)

    @cached_property
    def _scanner(self) -> SpanScanner:
        return SpanScanner(self.vocabulary.generic_words, self.vocabulary.abbreviations)

    @cached_property
    def _noun_typos(self) -> dict[str, str]:
        """Misspellings of the English feature nouns of six letters or more ('sqaure',
        'hopsital', 'brige'): two letters swapped or one left out, never an English word
        (the wordfreq stop list of :func:`~gazetteer.variants.english_stop_words`: 'place'
        is no palace, 'capita' no capital)
        -> the noun's ``kind:number``."""
        english = english_stop_words()
        nouns: dict[str, str] = {}
        for kind, forms in self.vocabulary.feature_nouns.items():
            for number, words in forms.items():
                for word in words:
                    if word.isascii() and word.isalpha() and len(word) >= _TYPO_MIN_LETTERS:
                        nouns[word] = f"{kind}:{number}"
        typos: dict[str, str] = {}
        for word, value in nouns.items():
            swapped = {
                word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)
            }
            dropped = {word[:i] + word[i + 1 :] for i in range(len(word))}
            for typo in (swapped | dropped) - {word}:
                if typo in nouns or typo in english:
                    continue
                typos[typo] = value if typos.get(typo, value) == value else ""
        return {typo: value for typo, value in typos.items() if value}

    def _with_noun_typos(
        self, text: str, norm: str, offsets: list[int], hits: list[NameHit]
    ) -> list[NameHit]:
        """Add a misspelt feature noun after 'the' ('In one corner of the sqaure'): real
        copy keeps the outlet's typos, and the noun still refers to the place in play."""
        typos = self._noun_typos
        found = []
        for match in _DEFINITE_WORD.finditer(norm):
            value = typos.get(match.group(1))
            if value is None:
                continue
            before = match.start() - 1
            if before >= 0 and (norm[before].isalnum() or norm[before] == "_"):
                continue  # "bathe": no word "the" (what \b before it would say)
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

    def _with_variants(self, text: str, offsets: list[int], hits: list[NameHit]) -> list[NameHit]:
        """Add the romanised names the exact pass missed, matched by their spelling key.

        A variant never outranks an exact name: a span that an exact name covers is taken
        only when it is longer and written with a generic word ("Baghdad Int'l Airport"
        over "Baghdad"). Guards: a capitalised name word that is not an ordinary English
        word, a key of at least three letters, and for keys of up to four letters (Senk) an
        article or a generic word written with it.

        What a span names depends on its words alone, so it is worked out once per run of
        name words (:meth:`_run_variants`); here only what depends on the text around it
        is decided: a sentence-initial single word, an exact name over it, a span taken.
        """
        exact: list[NameHit] | None = None
        exact_starts: list[int] = []
        taken: list[NameHit] = []
        for offset, run in self._scanner.runs(text):
            for variant in self._run_variants(run):
                start, end = offset + variant.start, offset + variant.end
                if taken and start < taken[-1].end:
                    continue
                if variant.initial_matters and sentence_initial(text, start):
                    continue
                if exact is None:
                    exact = sorted(
                        (h for h in hits if h.category not in ("feature", "relation")),
                        key=lambda h: h.start,
                    )
                    exact_starts = [h.start for h in exact]
                overlapping = _overlapping(exact, exact_starts, start, end)
                if overlapping and not (
                    variant.key.kinds
                    and all(start <= h.start and h.end <= end for h in overlapping)
                    and all(h.end - h.start < end - start for h in overlapping)
                ):
                    continue
                taken.append(
                    NameHit(
                        _norm_index(offsets, start), _norm_index(offsets, end), start, end,
                        "place", variant.ids, key=variant.key.key,
                        matched_name=variant.matched_name, via=variant.via,
                    )
                )  # fmt: skip
        if not taken:
            return hits
        # taken spans never overlap one another: the one starting last before a hit's end
        # is the only one that can overlap it
        taken_starts = [t.start for t in taken]
        kept = []
        for hit in hits:
            i = bisect_left(taken_starts, hit.end)
            if not i or taken[i - 1].end <= hit.start:
                kept.append(hit)
        return sorted([*kept, *taken], key=lambda h: h.start)

    @cached_property
    def _run_variants(self) -> Callable[[str], tuple[RunVariant, ...]]:
        """:meth:`_variants_of_run`, remembered per run (bounded: names recur in a batch)."""
        return lru_cache(maxsize=_RUN_CACHE_SIZE)(self._variants_of_run)

    def _variants_of_run(self, run: str) -> tuple[RunVariant, ...]:
        """The spans of one run of name words that name gazetteer entries by their spelling
        key, whatever the text around the run; in the scanner's order (by start, longest
        first), offsets into the run.

        Every span of up to :data:`MAX_SPAN_WORDS` words whose name words are all
        capitalised is looked up by its spelling key, in one walk: the spans from one word
        are grown a word at a time (a lower-case name word ends them all), their keys
        joined from each word's key, and a span is made into a :class:`NameKey` only once
        its key is found in the index (:meth:`_key_lookup`).
        """
        tokens = self._scanner.tokens(run)
        if not any(t.capitalised and not t.generic and not t.article for t in tokens):
            return ()
        found: list[RunVariant] = []
        count = len(tokens)
        lookup = self._key_lookup
        for i in range(count):
            first = tokens[i]
            if first.article and i + 1 < count and tokens[i + 1].generic:
                continue
            grown: list[tuple[int, str, frozenset[str], bool, int]] = []
            kinds: set[str] = set()
            article = False
            key = ""
            names = 0
            for j in range(i, min(count, i + MAX_SPAN_WORDS)):
                token = tokens[j]
                if token.generic:
                    kinds.add(token.generic)
                if token.article:
                    article = True
                    continue  # no span ends on an article
                if not token.generic:
                    if not token.capitalised:
                        break  # every name word of a span is capitalised
                    names += 1
                    key += token.key
                if names:
                    grown.append((j, key, frozenset(kinds), article, names))
            for j, key, kinds_, article_, names_ in reversed(grown):
                if len(key) < MIN_KEY_LETTERS:
                    continue
                if (
                    len(key) <= SHORT_KEY_LETTERS
                    and not (kinds_ or article_)
                    and not (names_ == 1 and _long_nisba(tokens[j].folded))
                ):
                    continue
                candidates = lookup(key)
                if not candidates:
                    continue
                name_tokens = [t for t in tokens[i : j + 1] if not t.generic and not t.article]
                words = tuple(t.folded for t in name_tokens)
                name_key = NameKey(key, kinds_, article_, first_vowel(words[0]))
                start, end = first.start, tokens[j].end
                named = self._named_among(candidates, run[start:end], name_key, words)
                if named is not None:
                    ids, matched, via = named
                    initial_matters = name_tokens[0] is first and names_ == 1 and not kinds_
                    found.append(
                        RunVariant(start, end, name_key, ids, matched, via, initial_matters)
                    )
        return tuple(found)

    @cached_property
    def _key_lookup(self) -> Callable[[str], tuple[VariantCandidate, ...]]:
        """``self._variant_index.lookup``, remembered per key (bounded: the keys of the
        words of a batch's runs)."""
        index = self._variant_index

        def lookup(key: str) -> tuple[VariantCandidate, ...]:
            return tuple(index.lookup(key))

        return lru_cache(maxsize=_KEY_CACHE_SIZE)(lookup)

    def _named_among(
        self,
        candidates: Sequence[VariantCandidate],
        written: str,
        key: NameKey,
        words: tuple[str, ...],
    ) -> tuple[tuple[str, ...], str | None, str] | None:
        """``(entry ids, the name matched or None, how)`` for a span written ``written``
        whose key and name words are ``key`` and ``words``, among the entries its key
        names (``candidates``); None when it names none of them."""
        if key.kinds:
            candidates = [
                c for c in candidates
                if c.kinds & key.kinds or any(self._fits(c.place_id, kind) for kind in key.kinds)
            ]  # fmt: skip
        else:
            candidates = [c for c in candidates if c.kinds <= OPTIONAL_KINDS]
            if len(key.key) <= SHORT_KEY_LETTERS:
                candidates = [c for c in candidates if c.vowel == key.vowel]
        if not candidates:
            return None
        if not key.kinds:
            stop = english_stop_words()
            if all(word in stop for word in words):
                return None
        # a name written with the same generic words first (Suspension Bridge: the bridge,
        # not the Suspension Bridge gate), then the closest key
        candidates.sort(key=lambda c: (c.kinds != key.kinds, c.distance))
        if key.kinds and not self._same_generic_words(written, candidates[0].name):
            # "the Kadhimiya neighbourhood" reads as the alias "Kadhimiya District" (both words
            # say a neighbourhood) but is written with another generic word: an entry of the
            # kind itself (the neighbourhood), if the key names one, before the qadaa
            own = [
                c for c in candidates
                if self.gazetteer[c.place_id].kind in key.kinds
                and c.distance <= candidates[0].distance
            ]  # fmt: skip
            candidates = own + [c for c in candidates if c not in own]
        best_kinds, best = candidates[0].kinds, candidates[0].distance
        candidates = [c for c in candidates if c.kinds == best_kinds]
        ids = tuple(dict.fromkeys(c.place_id for c in candidates if c.distance == best))
        matched: str | None = next(c.name for c in candidates if c.distance == best)
        via = "variant"
        if best == 0 and words == self._name_words_of(matched):
            written_words = written.replace("-", " ").split()
            if any(fold_word(w) in self.vocabulary.abbreviations for w in written_words):
                via = "abbreviation"  # "Tahrir Sq": the name, its generic word abbreviated
            else:
                matched = None  # the name as the gazetteer spells it, with a generic word
        return ids, matched, via


@dataclass(frozen=True, slots=True)
class RunVariant:
    """A span of a run of name words that names gazetteer entries by its spelling key."""

    start: int
    end: int
    key: NameKey
    ids: tuple[str, ...]
    matched_name: str | None
    via: str
    initial_matters: bool
    """A single name word without a generic word, first in the span: at a sentence's
    start its capital proves nothing and the span is not taken."""


#: Runs of name words whose variants are remembered, per geoparser.
_RUN_CACHE_SIZE = 32768
#: Spelling keys whose look-up in the variant index is remembered, per geoparser.
_KEY_CACHE_SIZE = 32768
