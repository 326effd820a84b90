"""Finding, in one text, every name, noun and relation word the geoparser resolves.

One Aho-Corasick pass over the normalised text finds every gazetteer name,
organisation, world place, feature noun ("gate", "bridge") and relation phrase
("south of"); matches must sit on token boundaries and the longest wins. Spelling
variants (:mod:`gazetteer.variants`), Arabic names after another generic word of
their kind, "X's Y" containers and "the Iraqi capital" are found here too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from shapely.geometry import Point

from gazetteer.check import SITE_KINDS
from gazetteer.normalize import arabic_proclitics, glued, normalize_name
from gazetteer.phrases import PhraseMatch, PhraseMatcher, longest_matches
from gazetteer.variants import (
    ARABIC_FUZZY_MIN_LETTERS,
    ARABIC_SHORT_KEY_LETTERS,
    ARTICLES,
    MIN_KEY_LETTERS,
    OPTIONAL_KINDS,
    SHORT_KEY_LETTERS,
    SpanScanner,
    VariantIndex,
    arabic_light_form,
    arabic_name_key,
    arabic_shapes_agree,
    arabic_spelling,
    arabic_stop_words,
    arabic_word_key,
    english_stop_words,
    fold_word,
    name_key,
)


@dataclass(frozen=True)
class NameHit:
    """A raw match on the normalised text, with its span in the original text."""

    nstart: int
    nend: int
    start: int
    end: int
    category: str  # place, organisation, world, demonym, feature, relation
    values: tuple[str, ...]
    """Entry ids (place), world keys (world), feature kind and number, relation name."""
    key: str = ""
    """The normalised phrase matched (for a variant, the spelling key)."""
    matched_name: str | None = None
    """For a variant spelling: the gazetteer name whose key it shares."""
    via: str = ""
    """'variant' or 'abbreviation' for a match by spelling key."""

    @property
    def length(self) -> int:
        return self.nend - self.nstart


class NameMatching:
    """Where the names, nouns and relation words a geoparser resolves occur in a text.

    A base of :class:`~gazetteer.geoparse.Geoparser`: it needs ``gazetteer``,
    ``vocabulary`` and ``_world`` (the world places outside the gazetteer) set by
    the geoparser, and gives it :meth:`_hits`, the raw matches of one text.
    """

    # ------------------------------------------------------------------ matching
    @cached_property
    def _matcher(self) -> PhraseMatcher[tuple[str, str]]:
        """One automaton over every phrase the resolver cares about, tagged by category."""
        phrases: list[tuple[str, tuple[str, str]]] = []
        for place in self.gazetteer.values():
            for name in place.all_names:
                phrases.append((name, ("place", place.id)))
                if " " in normalize_name(name):
                    phrases.append((glued(name), ("place", place.id)))
        for place_id, (_, rest) in self._arabic_specific_parts.items():
            for part in rest:
                phrases.append((part, ("arabic_specific", place_id)))
        phrases.extend((org, ("organisation", org)) for org in self.vocabulary.organisations)
        for country, words in self.vocabulary.demonyms.items():
            phrases.extend((word, ("demonym", country)) for word in words)
        for world in self._world.values():
            phrases.extend((name, ("world", world.key)) for name in world.names)
        for kind, forms in self.vocabulary.feature_nouns.items():
            for number, words in forms.items():
                phrases.extend((word, ("feature", f"{kind}:{number}")) for word in words)
        for relation, words in self.vocabulary.relations.items():
            phrases.extend((word, ("relation", relation)) for word in words)
        return PhraseMatcher(phrases)

    @cached_property
    def _arabic_specific_parts(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Entry id -> (its Arabic name, the specific parts of its Arabic names that open
        with a generic word): حي الأمين gives الأمين, جسر السنك gives السنك."""
        generic = self.vocabulary.arabic_generic_words
        found: dict[str, tuple[str, tuple[str, ...]]] = {}
        for place in self.gazetteer.values():
            names = [n for n in place.all_names if not n.isascii()]
            rest = []
            for name in names:
                words = normalize_name(name).split()
                if len(words) >= 2 and words[0] in generic:
                    part = " ".join(words[1:])
                    if len(part.replace(" ", "")) >= 4:
                        rest.append(part)
            if rest:
                found[place.id] = (names[0], tuple(dict.fromkeys(rest)))
        return found

    def _arabic_generic_start(self, norm: str, nstart: int, place_id: str) -> int | None:
        """Where the generic word before an Arabic specific part starts, when one that fits
        the entry is written there (ميدان بيروت, منطقة الأمين, جسري الجمهورية والسنك)."""
        vocab = self.vocabulary
        word_start = norm.rfind(" ", 0, nstart) + 1
        glued_to = norm[word_start:nstart]
        before = norm[max(0, word_start - 60) : word_start].split()
        if glued_to:  # "والسنك": the second of two names after a dual or a plural
            if glued_to != "و" or not before:
                return None
            for back, word in enumerate(reversed(before[-4:])):
                if (
                    word in vocab.arabic_coordinating_generics
                    and back >= 1
                    and self._generic_fits(word, place_id)
                ):
                    return nstart
            return None
        if not before:
            return None
        word = before[-1]
        # a glued proclitic before the generic word (وشارع, بساحة) is fine
        bare = next(
            (word[len(p) :] for p in sorted(arabic_proclitics(), key=len, reverse=True)
             if word.startswith(p) and word[len(p) :] in vocab.arabic_generic_words),
            word,
        )  # fmt: skip
        if bare not in vocab.arabic_generic_words or not self._generic_fits(bare, place_id):
            return None
        return norm.rfind(word, 0, word_start) + len(word) - len(bare)

    def _generic_fits(self, word: str, place_id: str) -> bool:
        vocab = self.vocabulary
        if word in vocab.arabic_area_words and self.gazetteer[place_id].kind in (
            vocab.kind_fits.get("neighbourhood", ()) | {"street", "square", "market"}
        ):
            return True
        return self._fits(place_id, vocab.arabic_generic_words[word])

    def _hits(self, text: str, norm: str, offsets: list[int]) -> list[NameHit]:
        grouped: dict[tuple[int, int, str], list[str]] = {}
        spans: dict[tuple[int, int], tuple[int, int, str]] = {}
        generic_named: dict[tuple[int, int], str] = {}
        exact_places: set[tuple[int, int]] = set()
        for match in self._matcher.candidates(norm, offsets):
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
                c in _NAME_BREAKS for c in text[match.start : match.end]
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
        chosen = longest_matches(matches, rank=lambda m: _CATEGORY_RANK[m.value[0]])
        hits = [
            NameHit(
                m.nstart,
                m.nend,
                m.start,
                m.end,
                m.value[0],
                m.value[1],
                key=m.key,
                matched_name=generic_named.get((m.nstart, m.nend))
                if m.value[0] == "place"
                else None,
                via="generic word" if m.value[0] == "place" else "",
            )
            for m in chosen
        ]
        hits = self._with_variants(text, offsets, hits)
        hits = self._with_noun_typos(text, norm, offsets, hits)
        hits = self._home_capital(text, self._with_arabic_variants(text, norm, offsets, hits))
        return self._city_area_of(text, hits)

    def _city_area_of(self, text: str, hits: list[NameHit]) -> list[NameHit]:
        """'the Baghdad district of Sadr City', "Baghdad's impoverished Shi'ite neighborhood
        of Sadr City": one mention of the place the area noun introduces."""
        out: list[NameHit] = []
        i = 0
        while i < len(hits):
            window = hits[i : i + 3]
            if (
                len(window) == 3
                and window[0].category == "place"
                and all(
                    v in self.gazetteer and self.gazetteer[v].kind in self.vocabulary.city_kinds
                    for v in window[0].values
                )
                and window[1].category == "feature"
                and window[1].values[0].split(":")[0] in AREA_NOUNS
                and window[2].category == "place"
                and _CITY_AREA_GAP.match(text[window[0].end : window[1].start])
                and _AREA_OF_GAP.match(text[window[1].end : window[2].start])
            ):
                last = window[2]
                out.append(replace(last, nstart=window[0].nstart, start=window[0].start))
                i += 3
                continue
            if (
                len(window) >= 2
                and window[1].category == "place"
                and self._is_container(window[0], window[1], text)
                and all(
                    v in self.gazetteer and self.gazetteer[v].kind in self.vocabulary.city_kinds
                    for v in window[0].values
                )
            ):
                # "Baghdad's northern Shaab district": the city only says where
                out.append(replace(window[1], nstart=window[0].nstart, start=window[0].start))
                i += 2
                continue
            out.append(hits[i])
            i += 1
        return out

    def _home_capital(self, text: str, hits: list[NameHit]) -> list[NameHit]:
        """'the Iraqi capital', 'العاصمة العراقية': one city noun that names the home city."""
        out: list[NameHit] = []
        demonyms = self.vocabulary.capital_demonyms
        home_country = self.gazetteer.pack.country
        i = 0
        while i < len(hits):
            hit = hits[i]
            nxt = hits[i + 1] if i + 1 < len(hits) else None
            if nxt is not None and not text[hit.end : nxt.start].strip():
                pair = (hit, nxt)
                demonym = next((h for h in pair if h.category == "demonym"), None)
                city = next(
                    (h for h in pair if h.category == "feature" and h.values[0] == "city:singular"),
                    None,
                )
                country = next((h for h in pair if h.category == "world"), None)
                foreign = city is not None and (
                    (
                        demonym is not None
                        and normalize_name(text[demonym.start : demonym.end]) not in demonyms
                    )
                    or (
                        country is not None
                        and self._world[country.values[0]].country_code != home_country
                        and (
                            self._world[country.values[0]].kind == "country"
                            or is_arabic_nisba(text[country.start : country.end])
                        )
                    )
                )
                if foreign:
                    # "the Iranian capital", "العاصمة السويدية": another country's capital
                    out.extend(replace(h, key="foreign_capital") if h is city else h for h in pair)
                    i += 2
                    continue
                if (
                    demonym is not None
                    and city is not None
                    and normalize_name(text[demonym.start : demonym.end]) in demonyms
                ):
                    if demonym is hit:  # "the Iraqi capital": one description
                        out.append(
                            replace(
                                city,
                                nstart=hit.nstart,
                                nend=nxt.nend,
                                start=hit.start,
                                end=nxt.end,
                                key="home_capital",
                            )
                        )
                    else:  # "العاصمة العراقية": the noun, then its adjective
                        out.extend((replace(city, key="home_capital"), demonym))
                    i += 2
                    continue
            out.append(hit)
            i += 1
        return out

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
        for match in generic_pattern.finditer(norm):
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
            for match in article_pattern.finditer(norm):
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

    def _fits(self, place_id: str, noun_kind: str) -> bool:
        """True when the entry is of a kind the noun may stand for, or its name has the noun."""
        place = self.gazetteer[place_id]
        if place.kind in self.vocabulary.kind_fits.get(noun_kind, (noun_kind,)):
            return True
        return noun_kind not in _NO_NAME_HEAD and noun_kind in self._name_nouns.get(place_id, ())

    @cached_property
    def _name_nouns(self) -> dict[str, frozenset[str]]:
        """For each entry, the noun kinds that head its own names: "Ministry of Planning" is
        a ministry, "US Embassy" an embassy; "Suspension Bridge gate" is a gate, not a bridge.

        The head is the word before "of", else the last word (English); the first word
        (Arabic, which puts the head first).
        """
        words: dict[str, str] = dict(self.vocabulary.generic_words)
        for kind, forms in self.vocabulary.feature_nouns.items():
            for word in forms.get("singular", ()):
                words.setdefault(word, kind)
                if word.startswith("ال"):
                    words.setdefault(word[2:], kind)
        found: dict[str, frozenset[str]] = {}
        for place in self.gazetteer.values():
            nouns = set()
            for name in place.all_names:
                parts = normalize_name(name).split()
                if not parts:
                    continue
                if not name.isascii():
                    head = parts[0]
                else:
                    cut = next((i for i, w in enumerate(parts) if i and w in _HEAD_CUT), len(parts))
                    head = parts[cut - 1]
                if head in words:
                    nouns.add(words[head])
            if nouns:
                found[place.id] = frozenset(nouns)
        return found

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
        """
        spans = self._scanner.spans(text)
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
            if len(key.key) <= SHORT_KEY_LETTERS and not (key.kinds or key.has_article):
                continue
            if span.sentence_initial and len(span.words) == 1 and not key.kinds:
                continue
            overlapping = _overlapping(exact, exact_starts, span.start, span.end)
            if overlapping and not (
                key.kinds
                and all(span.start <= h.start and h.end <= span.end for h in overlapping)
                and all(h.end - h.start < span.end - span.start for h in overlapping)
            ):
                continue
            candidates = index.lookup(key.key)
            if key.kinds:
                candidates = [
                    c for c in candidates
                    if c.kinds & key.kinds
                    or any(self._fits(c.place_id, kind) for kind in key.kinds)
                ]  # fmt: skip
            else:
                candidates = [c for c in candidates if c.kinds <= OPTIONAL_KINDS]
                if len(key.key) <= SHORT_KEY_LETTERS:
                    candidates = [c for c in candidates if c.vowel == key.vowel]
            if not candidates:
                continue
            if not key.kinds:
                stop = english_stop_words()
                if all(word in stop for word in span.words):
                    continue
            # a name written with the same generic words first (Suspension Bridge: the bridge,
            # not the Suspension Bridge gate), then the closest key
            candidates.sort(key=lambda c: (c.kinds != key.kinds, c.distance))
            best_kinds, best = candidates[0].kinds, candidates[0].distance
            candidates = [c for c in candidates if c.kinds == best_kinds]
            ids = tuple(dict.fromkeys(c.place_id for c in candidates if c.distance == best))
            matched = next(c.name for c in candidates if c.distance == best)
            via = "variant"
            if best == 0 and span.words == self._name_words_of(matched):
                written = text[span.start : span.end].replace("-", " ").split()
                if any(fold_word(w) in self.vocabulary.abbreviations for w in written):
                    via = "abbreviation"  # "Tahrir Sq": the name, its generic word abbreviated
                else:
                    matched = None  # the name as the gazetteer spells it, with a generic word
            nstart = _norm_index(offsets, span.start)
            nend = _norm_index(offsets, span.end)
            taken.append(
                NameHit(
                    nstart, nend, span.start, span.end, "place", ids,
                    key=key.key, matched_name=matched, via=via,
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

    @staticmethod
    def _case_fits(original: str, key: str, category: str) -> bool:
        """Latin proper names from lists must look like proper names in the text."""
        if not original[:1].isascii() or category in ("feature", "relation"):
            return True
        if category in ("world", "organisation", "demonym"):
            if not original[:1].isupper():
                return False
            if category == "organisation" and any(
                w[:1].islower() and not w.startswith(("al-", "el-", "ad-", "as-", "ash-"))
                for w in original.split()[1:]
                if len(w) > 3
            ):
                return False  # "in central Baghdad today": not the outlet Baghdad Today
            if len(key) <= 3:
                return original.replace(".", "").isupper()
            return True
        if len(key) <= 3:  # short gazetteer aliases such as "IZ"
            return original.isupper()
        return True

    def _is_container(self, first: NameHit, second: NameHit, text: str) -> bool:
        """True for "X's Y" where X contains Y (Baghdad's Green Zone)."""
        if first.category != "place" or second.category != "place":
            return False
        if not _CONTAINER_GAP.match(text[first.end : second.start]):
            return False
        return any(
            container in self.gazetteer.ancestors(member) or self._covers(container, member)
            for container in first.values
            for member in second.values
        )

    def _is_address(self, first: NameHit, second: NameHit, text: str) -> bool:
        """True for "Y in X" where X is a city that contains the site Y ("the Swedish
        embassy in Baghdad"): the city is the site's address, not a second place."""
        if first.category != "place" or second.category != "place":
            return False
        gap = text[first.end : second.start]
        if gap[:1] != " " or gap[-1:] != " " or gap.strip() not in self.vocabulary.address_words:
            return False
        cities = self.vocabulary.city_kinds
        if not all(v in self.gazetteer and self.gazetteer[v].kind in cities for v in second.values):
            return False
        if any(self.gazetteer[v].kind not in SITE_KINDS for v in first.values):
            return False  # "Karkh in Baghdad": two areas, each a mention
        return any(
            city in self.gazetteer.ancestors(site) or self._covers(city, site)
            for city in second.values
            for site in first.values
        )

    def _covers(self, container_id: str, member_id: str) -> bool:
        """True when a city's outline covers the member's point (part_of may be unset when an
        imported outline reaches past the city's estimated one)."""
        container = self.gazetteer.get(container_id)
        member = self.gazetteer.get(member_id)
        if container is None or member is None or container.kind not in self.vocabulary.city_kinds:
            return False
        if container.geometry is None or member.lat_lon is None:
            return False
        lat, lon = member.lat_lon
        # the city outline is an estimate: its own uncertainty radius counts as inside
        reach = container.uncertainty_m / 111_000
        return container.geometry.buffer(reach).covers(Point(lon, lat))


#: A word of Arabic letters in normalised text.
_ARABIC_WORD = re.compile("[\u0620-\u064a\u066e-\u06d3]+")


#: Nouns of areas: after a name they start a description of their own.
AREA_NOUNS = frozenset({"neighbourhood", "city"})


#: Between the area noun and the place it introduces.
_AREA_OF_GAP = re.compile(r"^\s+of\s+(?:the\s+)?$")


_CATEGORY_RANK = {
    "organisation": 0,
    "place": 1,
    "world": 2,
    "demonym": 3,
    "relation": 4,
    "feature": 5,
}


#: Between a city and an area noun: nothing, or a possessive and up to three words.
_CITY_AREA_GAP = re.compile(r"^(?:\s+|['’]s(?:\s+[\w'’-]+){0,3}\s+)$")


#: "Baghdad's Green Zone", "Baghdad's heavily fortified Green Zone": a possessive and at
#: most two lower-case words between a container and what it contains.
#: A word after "the" in normalised text: where a misspelt feature noun is looked for.
_DEFINITE_WORD = re.compile(r"\bthe ([a-z]{5,})\b")
#: Feature nouns shorter than this are never read through a typo ("hotle" is no hotel).
_TYPO_MIN_LETTERS = 6
_CONTAINER_GAP = re.compile(r"^(?:['’]s|s['’]|['’])(?:\s+[a-z][a-z-]*){0,2}\s+$")


#: Prepositions that end the head phrase of an English name ("Green Zone gate at ...").
_HEAD_CUT = frozenset({"of", "at", "from", "near", "on", "by", "in", "to", "facing"})


#: Punctuation no multi-word outlet or world name is written across.
_NAME_BREAKS = frozenset(",،;؛!?؟\n")


#: Nouns a name's head word does not make an entry fit: Sadr City is not "the city".
_NO_NAME_HEAD = frozenset({"city", "neighbourhood", "zone", "river"})


def is_arabic_nisba(word: str) -> bool:
    """'السويدية', 'الإيراني': an Arabic adjective of origin (the article, then -ي or -ية);
    after العاصمة it names the country, even when a town shares the spelling."""
    return word.startswith("ال") and word.endswith(("ية", "ي")) and len(word) >= 6


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
