"""Finding, in one text, every name, noun and relation word the geoparser resolves.

One Aho-Corasick pass over the normalised text finds every gazetteer name,
organisation, world place, feature noun ("gate", "bridge") and relation phrase
("south of"); matches must sit on token boundaries and the longest wins. Arabic
names after another generic word of their kind, "X's Y" containers and "the Iraqi
capital" are found here too; misspelt names are the next pass's
(:mod:`gazetteer.variant_matching`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from shapely.geometry import Point

from gazetteer.check import SITE_KINDS
from gazetteer.normalize import arabic_proclitics, glued, normalize_name
from gazetteer.phrases import PhraseMatcher


# Not frozen, as PhraseMatch: a frozen dataclass's __init__ costs several times a plain
# one's, and tens of hits are made per report. Hashable and compared by value all the
# same; treat it as immutable.
@dataclass(unsafe_hash=True, slots=True)
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
    the geoparser, and gives it :meth:`_hits`, the raw matches of one text, after the
    variant passes of its sibling base :class:`~gazetteer.variant_matching.VariantMatching`.
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
        nouns = self._common_nouns
        for world in self._world.values():
            phrases.extend(
                (name, ("world", world.key))
                for name in world.names
                if normalize_name(name) not in nouns
            )
        for kind, forms in self.vocabulary.feature_nouns.items():
            for number, words in forms.items():
                phrases.extend((word, ("feature", f"{kind}:{number}")) for word in words)
        for relation, words in self.vocabulary.relations.items():
            phrases.extend((word, ("relation", relation)) for word in words)
        return PhraseMatcher(phrases)

    @cached_property
    def _common_nouns(self) -> frozenset[str]:
        """The feature nouns and generic words, normalised, with and without the Arabic
        article: a world name spelled as one ("مدينه", a spelling of Medina, is "city") is
        never looked for."""
        vocab = self.vocabulary
        words = [
            *(w for forms in vocab.feature_nouns.values() for ws in forms.values() for w in ws),
            *vocab.generic_words,
            *vocab.arabic_generic_words,
        ]
        found = {normalize_name(w) for w in words}
        found.update(w[2:] for w in list(found) if w.startswith("ال") and len(w) > 3)
        return frozenset(found)

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
        for nstart, nend, key, values in self._matcher.spans(norm):
            start, end = offsets[nstart], offsets[nend - 1] + 1
            checked, fits = "", False  # whether the text fits a category, asked once per match
            for category, value in values:
                named_start, named_nstart = start, nstart
                if category == "arabic_specific":
                    named_nstart = self._arabic_generic_start(norm, nstart, value)
                    if named_nstart is None:
                        continue
                    category, named_start = "place", offsets[named_nstart]
                    if (named_nstart, nend) in exact_places:
                        continue  # the name as the gazetteer writes it: an exact match
                    generic_named[(named_nstart, nend)] = self._arabic_specific_parts[value][0]
                    if not self._text_fits(text, named_start, end, key, category):
                        continue
                else:
                    if category == "place":
                        exact_places.add((nstart, nend))
                        generic_named.pop((nstart, nend), None)
                    if category != checked:
                        checked, fits = category, self._text_fits(text, start, end, key, category)
                    if not fits:
                        continue
                grouped.setdefault((named_nstart, nend, category), []).append(value)
                spans[(named_nstart, nend)] = (named_start, end, key)
        self._bare_article_names(norm, grouped)
        # the longest of overlapping matches, ties to the lower category rank (as
        # phrases.longest_matches, without a match object each)
        ranked = sorted(
            (ns - ne, ns, _CATEGORY_RANK[category], ne, category, values)
            for (ns, ne, category), values in grouped.items()
        )
        covered: set[int] = set()
        hits = []
        for _, ns, _, ne, category, values in ranked:
            if covered.isdisjoint(range(ns, ne)):
                covered.update(range(ns, ne))
                start, end, key = spans[(ns, ne)]
                place = category == "place"
                hits.append(
                    NameHit(
                        ns, ne, start, end, category, tuple(values), key=key,
                        matched_name=generic_named.get((ns, ne)) if place else None,
                        via="generic word" if place else "",
                    )
                )  # fmt: skip
        hits.sort(key=lambda h: h.nstart)
        hits = self._with_variants(text, offsets, hits)
        hits = self._with_noun_typos(text, norm, offsets, hits)
        hits = self._home_capital(text, self._with_arabic_variants(text, norm, offsets, hits))
        return self._city_area_of(text, hits)

    def _bare_article_names(
        self, norm: str, grouped: dict[tuple[int, int, str], list[str]]
    ) -> None:
        """Leave a name to the world place it also names when the gazetteer's places of it
        are of a kind written with the article and none is before it ("in Diyala": the
        governorate; "the Diyala": the river)."""
        kinds = self.vocabulary.article_kinds
        for ns, ne, _ in [key for key in grouped if key[2] == "world"]:
            places = grouped.get((ns, ne, "place"))
            if not places:
                continue
            before = norm[max(0, ns - 40) : ns].split()  # not the whole text before it
            if before and before[-1] in self.vocabulary.articles:
                continue
            kept = [p for p in places if self.gazetteer[p].kind not in kinds]
            if kept:
                grouped[(ns, ne, "place")] = kept
            else:
                del grouped[(ns, ne, "place")]

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

    def _fits(self, place_id: str, noun_kind: str) -> bool:
        """True when the entry is of a kind the noun may stand for, or its name has the noun.

        Worked out once per entry and noun (:meth:`_fits_plainly`): the descriptions ask
        it of every entry."""
        memo = self._fits_memo
        fits = memo.get((place_id, noun_kind))
        if fits is None:
            fits = memo[(place_id, noun_kind)] = self._fits_plainly(place_id, noun_kind)
        return fits

    @cached_property
    def _fits_memo(self) -> dict[tuple[str, str], bool]:
        # bounded: one per entry and noun kind
        return {}

    def _fitting(self, noun_kind: str) -> tuple[str, ...]:
        """The ids of the entries the noun may stand for, in the gazetteer's order."""
        fitting = self._fitting_memo.get(noun_kind)
        if fitting is None:
            fitting = self._fitting_memo[noun_kind] = tuple(
                p.id for p in self.gazetteer.values() if self._fits(p.id, noun_kind)
            )
        return fitting

    @cached_property
    def _fitting_memo(self) -> dict[str, tuple[str, ...]]:
        # bounded: one per noun kind
        return {}

    def _fits_plainly(self, place_id: str, noun_kind: str) -> bool:
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

    def _text_fits(self, text: str, start: int, end: int, key: str, category: str) -> bool:
        """True when the words ``text[start:end]`` can be a match of ``category``: written
        as its names are (:meth:`_case_fits`), and no outlet or world name across a comma
        ("في بغداد، اليوم" is not "Baghdad Today")."""
        written = text[start:end]
        if (
            category == "world"
            and _HAMZA_LETTERS.intersection(written)
            and key not in self._hamza_world_keys
        ):
            return False  # "وأن" (and that) is not Van, "بأنه" not Baneh: written without hamza
        return _written_fits(written, key, category)

    @cached_property
    def _hamza_world_keys(self) -> frozenset[str]:
        """The keys of the world names that some spelling writes with a hamza: a word the
        text writes with one matches only those (normalisation folds hamza away, for the
        many texts that leave it out)."""
        return frozenset(
            normalize_name(name)
            for world in self._world.values()
            for name in world.names
            if _HAMZA_LETTERS.intersection(name)
        )

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


#: Arabic letters that carry a hamza (folded to bare letters by normalisation).
_HAMZA_LETTERS = frozenset("أإآؤئء")


@lru_cache(maxsize=65536)
def _written_fits(original: str, key: str, category: str) -> bool:
    """:meth:`NameMatching._text_fits` of the words as written (remembered: the same
    names come back report after report)."""
    if not NameMatching._case_fits(original, key, category):
        return False
    return category not in ("organisation", "world") or _NAME_BREAKS.isdisjoint(original)


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
_CONTAINER_GAP = re.compile(r"^(?:['’]s|s['’]|['’])(?:\s+[a-z][a-z-]*){0,2}\s+$")


#: Punctuation no multi-word outlet or world name is written across.
_NAME_BREAKS = frozenset(",،;؛!?؟\n")


#: Prepositions that end the head phrase of an English name ("Green Zone gate at ...").
_HEAD_CUT = frozenset({"of", "at", "from", "near", "on", "by", "in", "to", "facing"})


#: Nouns a name's head word does not make an entry fit: Sadr City is not "the city".
_NO_NAME_HEAD = frozenset({"city", "neighbourhood", "zone", "river"})


def is_arabic_nisba(word: str) -> bool:
    """'السويدية', 'الإيراني': an Arabic adjective of origin (the article, then -ي or -ية);
    after العاصمة it names the country, even when a town shares the spelling."""
    return word.startswith("ال") and word.endswith(("ية", "ي")) and len(word) >= 6
