"""Find every place a report names and resolve it the way an analyst would.

The pipeline has three steps:

1. **match** (:mod:`gazetteer.name_matching`): one Aho-Corasick pass over the
   normalised text finds every gazetteer name, organisation, world place, feature
   noun ("gate", "bridge") and relation phrase ("south of"), and the spelling
   variants; matches must sit on token boundaries and the longest wins;
2. **group**: feature nouns and the names around them form composite descriptions
   ("the Green Zone gate on the Ministry of Planning side");
3. **resolve**: each group becomes a :class:`~gazetteer.mentions.PlaceMention` with
   a role, a place, a precision and the reason it was resolved that way. Names resolve
   here; definite descriptions in :mod:`gazetteer.descriptions`, relations ("south
   of") in :mod:`gazetteer.relations`, and the roles that keep a name off the map
   (datelines, speakers, family names) in :mod:`gazetteer.roles`.

Everything language-specific is in ``data/context.json``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cached_property, lru_cache

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gazetteer.context import ContextVocabulary, context_vocabulary
from gazetteer.descriptions import NO_KIND_IN_PLAY, UNRESOLVED, DefiniteDescriptions
from gazetteer.mentions import (
    SENTENCE_BREAKS,
    PlaceMention,
    as_non_location,
    extend_back_over_words,
    extend_back_to_word,
    extend_mention,
    place_precision,
)
from gazetteer.model import Gazetteer, Place
from gazetteer.name_matching import AREA_NOUNS, NameHit, NameMatching, is_arabic_nisba
from gazetteer.normalize import glued, normalize_name, normalize_with_offsets
from gazetteer.relations import RelativePlaces, distances_away
from gazetteer.roles import MentionRoles, capital_of_context, structural_role
from gazetteer.variant_matching import VariantMatching
from gazetteer.variants import (
    ARTICLES,
    MIN_KEY_LETTERS,
    fold_word,
    name_key,
)
from gazetteer.world import WorldPlace, world_places
from geo.crs import distance_m
from geo.relative import DerivedArea, radius_m

#: How a description that guessed its place from context may be resolved.
_GUESSED = frozenset({"in_play", "in_play_neighbour", "unresolved", "only_of_kind"})
#: ", known by the nickname '", " known as ", ", called ", ", dubbed ": a name given next.
_KNOWN_AS = re.compile(
    r",?\s+(?:(?:known|nicknamed|called|dubbed)(?:\s+(?:by\s+the\s+(?:nickname|name)|as))?)"
    r"\s+[\"'“‘]?"
)

#: How many of the most recent places stay "in play" for definite descriptions.
_IN_PLAY_WINDOW = 30
#: Names read with a noun's kind ("the district of Jihad") remembered per geoparser.
_NAMES_OF_KIND_CACHE_SIZE = 16384


class Geoparser(NameMatching, VariantMatching, MentionRoles, RelativePlaces, DefiniteDescriptions):
    """Finds and resolves place mentions against one gazetteer.

    Build it once per gazetteer (building the automaton takes a moment) and call
    :meth:`parse` for each text.
    """

    def __init__(self, gazetteer: Gazetteer, *, vocabulary: ContextVocabulary | None = None):
        self.gazetteer = gazetteer
        self.vocabulary = vocabulary or context_vocabulary(gazetteer.pack)
        self._crs = gazetteer.pack.metric_crs
        cities = [
            p.geometry
            for p in gazetteer.values()
            if p.kind in ("city", "governorate") and p.geometry is not None
        ]
        home = gazetteer.get(gazetteer.pack.home_city)
        own_names = frozenset(n.casefold() for n in home.all_names) if home else frozenset()
        world = world_places(own_names, gazetteer.pack.country)
        self._world = {w.key: w for w in world if not _inside_any(w, cities)}
        # per-entry figures computed once (bounded: one per entry, or per entry set)
        self._radii: dict[str, float] = {}
        self._points: dict[str, Point] = {}
        self._spreads: dict[tuple[float, float, tuple[str, ...]], float] = {}
        # one per entry and relation, with the geometry object it was derived from
        self._areas: dict[tuple[str, str], tuple[BaseGeometry, DerivedArea]] = {}
        # one per entry, alternatives and precision: what its mentions say (_template)
        self._templates: dict[tuple[str, tuple[str, ...], str | None], tuple[str, dict]] = {}

    # --------------------------------------------------------------- resolution
    def parse(
        self,
        text: str,
        *,
        non_locations: Sequence[tuple[int, int, str]] = (),
        normalized: tuple[str, list[int]] | None = None,
    ) -> list[PlaceMention]:
        """Every place mention in ``text``, resolved, in text order.

        Parameters
        ----------
        text
            The whole text; spans of the result index into it.
        non_locations
            ``(start, end, role)`` spans known from the report's structure to hold
            no incident location: a dateline (``"dateline"``), the author line of
            an embedded post (``"author"``), a header naming the outlet
            (``"organisation"``). Mentions inside them get that role.
        normalized
            ``normalize_with_offsets(text)``, when the caller has it (a report's text
            is normalised once for the geoparser and the incident reader).
        """
        norm, offsets = normalized or normalize_with_offsets(text)
        hits = self._hits(text, norm, offsets)
        mentions: list[PlaceMention] = []
        in_play: list[str] = []
        persons: set[str] = set()
        # "About a mile away": distances from the place in play, in text order with the rest
        away = distances_away(text) if "away" in text else []
        index = 0
        while index < len(hits) or away:
            if away and (index >= len(hits) or away[0][0] < hits[index].start):
                near = self._distance_away(text, away.pop(0), in_play)
                if near is not None and structural_role(near, non_locations) is None:
                    mentions.append(near)
                continue
            hit = hits[index]
            if hit.key == "foreign_capital":
                found = [
                    PlaceMention(
                        text=text[hit.start : hit.end], start=hit.start, end=hit.end,
                        role="outside", kind="city", precision="city",
                        resolved_by="the capital of another country",
                    )
                ]  # fmt: skip
                relation = None
                index += 1
            elif hit.category in ("place", "feature") and (
                described := self._city_description(text, hits, index, in_play)
            ):
                # "a square in central Baghdad ... They exploded in Tayaran Square"
                found = [described[0]]
                relation = self._relation_before(text, norm, hits, index)
                index = described[1] + 1
            elif hit.category in ("place", "feature"):
                group_end = self._group_end(text, norm, hits, index)
                group = hits[index : group_end + 1]
                relation = self._relation_before(text, norm, hits, index)
                found = self._resolve_group(text, norm, group, in_play)
                named = self._known_as(text, hits, group_end)
                if named is not None and len(found) == 1 and found[0].resolved_by in _GUESSED:
                    # "The security checkpoint, known by the nickname 'Assassin's Gate'"
                    noun = found[0]
                    mention = self._name_mention(named, text, in_play)
                    found = [
                        replace(
                            mention, text=noun.text, start=noun.start, end=noun.end,
                            resolved_by="named after it",
                        )
                    ]  # fmt: skip
                abroad = self._abroad_after(text, hits, group_end)
                if abroad is not None and len(found) == 1 and found[0].resolved_by in _GUESSED:
                    # "السفارة العراقية في ستوكهولم", "the Iraqi embassy in Stockholm": a noun
                    # placed in a city or country outside is there, never the one in play
                    noun, place = found[0], hits[abroad]
                    found = [
                        PlaceMention(
                            text=text[noun.start : place.end], start=noun.start, end=place.end,
                            role="outside", kind=noun.kind,
                            resolved_by=f"{_article(noun.kind or 'place')} in a place outside",
                        )
                    ]  # fmt: skip
                    group_end = abroad
                if (
                    len(found) == 1
                    and found[0].resolved_by == "unresolved"
                    and found[0].note == NO_KIND_IN_PLAY.format(kind=found[0].kind)
                    and (later := self._named_next(hits, group_end, found[0].end, found[0].kind))
                ):
                    # "Pilgrims heading for the shrine ... the Al-Kadhimiyah shrine": a definite
                    # noun with nothing of its kind in play means the one the report names next
                    noun = found[0]
                    found = [
                        self._place_mention(
                            text, noun.start, noun.end, later, resolved_by="named next"
                        )
                    ]
                if not found:
                    # "a Shi'ite neighborhood in Baghdad", "the Victory military base at
                    # Baghdad International Airport": the description names no place we know,
                    # the names in it still do
                    found = [
                        self._name_mention(h, text, in_play)
                        for h in group
                        if h.category == "place"
                        and not (
                            any(
                                f.category == "feature"
                                and f.values[0].split(":")[0] not in AREA_NOUNS
                                for f in group
                            )
                            and all(
                                self.gazetteer[v].kind in self.vocabulary.city_kinds
                                for v in h.values
                            )
                        )
                    ]
                index = group_end + 1
            elif hit.category == "relation":
                index += 1
                continue
            else:
                found = [self._resolve_other(hit, text)]
                relation = None
                index += 1
            for mention in found:
                role = structural_role(mention, non_locations)
                named = mention
                mention = self._apply_roles(mention, text, norm, offsets, role)
                if (
                    mention.role == "organisation"
                    and named.place_id
                    and named.kind in self.vocabulary.institution_kinds
                    and not self._foreign_body(named, mentions, text)
                ):
                    # "the embassy's staff said ... the embassy": the body that spoke is
                    # the building a later noun means
                    in_play.append(named.place_id)
                if (
                    mention.resolved_by in ("only_of_kind", "in_play", "in_play_neighbour")
                    and mention.kind in self.vocabulary.city_kinds
                    and hit.category == "feature"
                    and hit.key != "home_capital"
                ):
                    mention = capital_of_context(mention, mentions)
                if (
                    mentions
                    and mentions[-1].role == "dateline"
                    and mention.role in ("location", "outside")
                    and text[mentions[-1].end : mention.start] in (", ", ",")
                ):
                    # "BAGHDAD, Iraq (AP) --": the country is part of the dateline
                    mention = as_non_location(mention, "dateline", "part of the dateline")
                if relation is not None and mention.role == "location" and mention.place_id:
                    mention = self._relative(mention, relation, text, mentions)
                if mention.role == "location" and mention.place_id:
                    in_play.append(mention.anchor_id or mention.place_id)
                    del in_play[:-_IN_PLAY_WINDOW]  # only recent places stay in play
                elif mention.role == "location" and mention.resolved_by == "unresolved":
                    # "the embassy" we could not place: a later "the building" means it too
                    in_play.append(UNRESOLVED + (mention.kind or ""))
                    del in_play[:-_IN_PLAY_WINDOW]
                if mention.role == "location" and self._foreign_body(mention, mentions, text):
                    # "the Iranian Ministry of Foreign Affairs": another country's institution
                    mention = as_non_location(mention, "organisation", "another country's body")
                if mention.role == "person":
                    persons.add(_bare_name(mention.text))
                elif (
                    mention.role == "location"
                    and persons
                    and _bare_name(mention.text) in persons
                    and " " not in mention.text.strip()
                ):
                    # "Iyad Allawi ... Allawi said": the person again, not the place
                    mention = as_non_location(mention, "person", "a person named before")
                mentions.append(mention)
        return mentions

    def _abroad_after(self, text: str, hits: list[NameHit], group_end: int) -> int | None:
        """Index of a world place outside that the description ending at ``group_end`` is
        placed in ('the embassy [Iraqi] in Stockholm'), if any."""
        probe = group_end + 1
        if probe < len(hits) and hits[probe].category == "demonym":
            if text[hits[group_end].end : hits[probe].start].strip():
                return None
            probe += 1  # "السفارة العراقية في ستوكهولم": the embassy's own country between
        if probe >= len(hits) or hits[probe].category != "world":
            return None
        previous = hits[probe - 1]
        gap = text[previous.end : hits[probe].start]
        if gap[:1] != " " or gap[-1:] != " " or gap.strip() not in self.vocabulary.abroad_words:
            return None
        world = self._world.get(hits[probe].values[0])
        return probe if world is not None and not self._is_home_country(world) else None

    def _known_as(self, text: str, hits: list[NameHit], group_end: int) -> NameHit | None:
        """The name a description is given right after it ('..., known as X', 'called X')."""
        if group_end + 1 >= len(hits):
            return None
        nxt = hits[group_end + 1]
        if nxt.category != "place":
            return None
        gap = text[hits[group_end].end : nxt.start]
        return nxt if _KNOWN_AS.fullmatch(gap) else None

    def _foreign_body(
        self, mention: PlaceMention, before: Sequence[PlaceMention], text: str
    ) -> bool:
        """'the Iranian Ministry of Foreign Affairs': an institution right after another
        country's demonym is that country's, not the Baghdad entry."""
        if mention.kind not in self.vocabulary.institution_kinds:
            return False
        if not mention.text[:1].isascii():
            # "وزارة الخارجية السويدية": Arabic puts the country's adjective after the body
            return self._foreign_adjective_after(text, mention.end)
        return bool(
            before
            and before[-1].role == "attribute"
            and before[-1].resolved_by == "demonym"
            and not text[before[-1].end : mention.start].strip(" \u00a0")
            and normalize_name(before[-1].text) not in self.vocabulary.capital_demonyms
        )

    def _foreign_adjective_after(self, text: str, end: int) -> bool:
        """An Arabic adjective of origin right after ``end`` that is not the home one."""
        words = text[end : end + 30].split()
        if not words or text[end : end + 1] != " ":
            return False
        word = words[0].strip(".,،:;؛!؟")
        return (
            is_arabic_nisba(word) and normalize_name(word) not in self.vocabulary.capital_demonyms
        )

    def _group_end(self, text: str, norm: str, hits: list[NameHit], index: int) -> int:
        """Index of the last hit of the composite description starting at ``index``."""
        vocab = self.vocabulary
        end = index
        last = hits[index]
        has_feature = last.category == "feature"
        grouped = False
        probe = index + 1
        while probe < len(hits):
            nxt = hits[probe]
            if nxt.category == "relation" and has_feature and nxt.values[0] == "near":
                # "the gate near the Ministry of Planning": 'near' qualifies the gate.
                gap = text[last.end : nxt.start]
                if gap.strip() or probe + 1 >= len(hits) or hits[probe + 1].category != "place":
                    break
                last = nxt
                probe += 1
                continue
            if nxt.category not in ("place", "feature"):
                break
            if not has_feature and (
                self._is_container(last, nxt, text) or self._is_address(last, nxt, text)
            ):
                # "Baghdad's Green Zone": the city only says where the zone is.
                end, last, probe, grouped = probe, nxt, probe + 1, True
                continue
            gap_original = text[last.end : nxt.start]
            if not SENTENCE_BREAKS.isdisjoint(gap_original) or "," in gap_original:
                break
            words = norm[last.nend : nxt.nstart].split()
            if len(words) > vocab.max_connector_words or any(
                w not in vocab.connectors for w in words
            ):
                break
            if (
                nxt.category == "feature"
                and last.category == "feature"
                and not text[last.end : nxt.start].strip()
            ):
                # "the headquarters compound": two nouns, the last is the head
                end, last, probe = probe, nxt, probe + 1
                continue
            if nxt.category == "feature" and has_feature:
                if (
                    last.category == "feature"
                    and index == end
                    and not nxt.values[0].startswith("city:")
                    and text[last.end : nxt.start].strip() in vocab.abroad_words
                    and _has_arabic_article(text[nxt.start : nxt.end])
                    and _has_arabic_article(text[last.start : last.end])
                ):
                    # "القاعدة العسكرية في المطار": the second noun only says where the
                    # first is; one description, read by the first
                    end, probe = probe, probe + 1
                    break
                break
            if nxt.category == "feature" and nxt.values[0].startswith("city:"):
                break  # "Palestine Street in the capital": the city says where, not what
            if (
                nxt.category == "feature"
                and not has_feature
                and nxt.values[0].split(":")[0] in AREA_NOUNS
                and not any(
                    self.gazetteer[v].kind in vocab.city_kinds
                    for v in last.values
                    if v in self.gazetteer
                )
            ):
                break  # "the Jameela market in the district of Sadr City": a new description
            if not has_feature and nxt.category != "feature":
                # Two names in a row form a description only around a feature noun.
                later = probe + 1
                if later >= len(hits) or hits[later].category != "feature":
                    break
            has_feature = has_feature or nxt.category == "feature"
            end = probe
            last = nxt
            probe += 1
        return end if has_feature or grouped else index

    def _determiner_before(self, norm: str, hit: NameHit) -> str | None:
        words = norm[max(0, hit.nstart - 40) : hit.nstart].split()
        vocab = self.vocabulary
        for word in reversed(words[-2:]):
            if word in vocab.definite:
                return "definite"
            if word in vocab.indefinite:
                return "indefinite"
            if word in vocab.quantity or word.isdigit():
                return "quantity"
        return None

    def _resolve_group(
        self, text: str, norm: str, group: list[NameHit], in_play: list[str]
    ) -> list[PlaceMention]:
        features = [h for h in group if h.category == "feature"]
        names = [h for h in group if h.category == "place"]
        if not features:
            found: list[PlaceMention] = []
            for i, hit in enumerate(names):
                if found and i > 0 and self._is_container(names[i - 1], hit, text):
                    mention = self._name_mention(hit, text, in_play)
                    found[-1] = extend_mention(mention, text, names[i - 1].start, hit.end)
                elif found and i > 0 and self._is_address(names[i - 1], hit, text):
                    # "the Swedish embassy in Baghdad": the city is the site's address
                    found[-1] = extend_mention(found[-1], text, found[-1].start, hit.end)
                else:
                    found.append(self._name_mention(hit, text, in_play))
            return found
        feature = features[0]
        head = feature
        for later in features[1:]:
            if not text[head.end : later.start].strip():
                head = later  # "the headquarters compound" is a compound
        kind, number = head.values[0].split(":")
        start, end = group[0].start, group[-1].end
        named_ids = [self._best_of(h.values, in_play) for h in names]
        determiner = self._determiner_before(norm, group[0])
        if determiner == "definite" and feature is group[0]:
            start = extend_back_to_word(text, start, _DEFINITE_WORDS)
        if feature is group[0] and _capitalised_word_before(text, feature.start):
            # "the Victory military base": a name before the noun, looked up with the noun's
            # kind; "the Education Ministry": a name we do not know, not a description
            named_before = self._name_before_noun(text, feature, kind, feature.end)
            if not named_before:
                return []
            return named_before + [self._name_mention(h, text, in_play) for h in names]
        plural = number == "plural" or determiner in ("quantity", "indefinite")
        if plural and kind not in self.vocabulary.member_kinds:
            # "hospitals in Karrada": the noun names no one place; the names still do
            return [self._name_mention(h, text, in_play) for h in names]
        if plural:
            if determiner in ("quantity", "indefinite") and feature is group[0]:
                start = extend_back_over_words(text, start, 2)
            return self._unspecified_members(text, start, end, kind, named_ids, in_play)
        if named_ids:
            return [self._composite(text, start, end, kind, named_ids, in_play)]
        if (
            not text[head.start : head.start + 1].isupper()
            and self._word_after(norm, group[-1].nend) in self.vocabulary.body_nouns
        ):
            return []  # "the district council", "the city council": a body, not a place
        named_of = _NOUN_OF_NAME.match(text, group[-1].end)
        if named_of:
            # "the northern city of Mosul", "the western district of Jihad": the name that
            # follows says which one; it is never the place of that kind in play
            return [] if kind == "city" else self._noun_of_name(text, start, named_of, kind)
        if determiner == "definite" or _has_arabic_article(text[feature.start : feature.end]):
            if self._word_after(norm, group[-1].nend) in self.vocabulary.reporting_verbs:
                return []  # "the ministry said": an actor, not a place
            if kind in self.vocabulary.nationality_kinds and self._foreign_adjective_after(
                text, end
            ):
                # "السفارة المصرية": the embassy of a country the gazetteer holds none of
                adjective = text[end : end + 40].split()[0].strip(".,،:;؛!؟")
                stop = text.index(adjective, end) + len(adjective)
                return [
                    PlaceMention(
                        text=text[start:stop], start=start, end=stop, role="location",
                        kind=kind, resolved_by="unresolved",
                        note=f"another country's {kind}, which the gazetteer does not hold",
                    )
                ]  # fmt: skip
            mention = self._definite(text, start, end, kind, in_play)
            return [mention] if mention else []
        return []

    def _name_before_noun(
        self, text: str, feature: NameHit, kind: str, end: int
    ) -> list[PlaceMention]:
        """'the Victory military base' is Camp Victory: the capitalised words before the
        noun looked up by their spelling key with the noun's kind."""
        named = _NAME_BEFORE_NOUN.search(text, max(0, feature.start - 60), feature.start)
        if named is None:
            return []
        start = extend_back_to_word(text, named.start("name"), ("the", "The"))
        return self._named_of_kind(text, start, end, named.group("name"), kind)

    def _noun_of_name(
        self, text: str, start: int, named_of: re.Match[str], kind: str
    ) -> list[PlaceMention]:
        """'the district of Jihad' is the Jihad district: the name after 'of' looked up by
        its spelling key with the noun's kind (gazetteer/variants.py)."""
        return self._named_of_kind(text, start, named_of.end("name"), named_of.group("name"), kind)

    def _named_of_kind(
        self, text: str, start: int, end: int, name: str, kind: str
    ) -> list[PlaceMention]:
        """The entry of ``kind`` whose name has the spelling key of ``name``, if any."""
        named = self._entries_named_of_kind(name, kind)
        if named is None:
            return []
        ids, matched = named
        mention = self._place_mention(
            text, start, end, ids[0], resolved_by="variant", alternatives=ids[1:],
            matched_name=matched,
        )  # fmt: skip
        return [mention]

    @cached_property
    def _entries_named_of_kind(
        self,
    ) -> Callable[[str, str], tuple[tuple[str, ...], str] | None]:
        """:meth:`_entries_of_kind_by_key`, remembered per name and kind (bounded)."""
        return lru_cache(maxsize=_NAMES_OF_KIND_CACHE_SIZE)(self._entries_of_kind_by_key)

    def _entries_of_kind_by_key(self, name: str, kind: str) -> tuple[tuple[str, ...], str] | None:
        """``(entry ids, the name matched)`` of the entries of ``kind`` whose name has the
        spelling key of ``name``, closest first; None when there are none."""
        words = name.replace("-", " ").split()
        key = name_key(words, self.vocabulary.generic_words, self.vocabulary.honorifics)
        if len(key.key) < MIN_KEY_LETTERS or key.kinds:
            return None
        candidates = [
            c
            for c in self._noun_name_index.lookup(key.key)
            if kind in c.kinds or self._fits(c.place_id, kind)
        ]
        if not candidates:
            return None
        best = min(c.distance for c in candidates)
        ids = tuple(dict.fromkeys(c.place_id for c in candidates if c.distance == best))
        return ids, next(c.name for c in candidates if c.distance == best)

    @staticmethod
    def _word_after(norm: str, nend: int) -> str:
        words = norm[nend : nend + 40].split()
        return words[0] if words else ""

    def _best_of(self, candidates: tuple[str, ...], in_play: list[str]) -> str:
        """Among entries sharing one name, prefer one related to the places in play."""
        if len(candidates) == 1:
            return candidates[0]
        related = self._related_to_play(in_play)
        for candidate in candidates:
            if candidate in related:
                return candidate
        return candidates[0]

    def _related_to_play(self, in_play: list[str]) -> set[str]:
        related: set[str] = set()
        for place_id in in_play[-10:]:
            if place_id not in self.gazetteer:
                continue
            related.add(place_id)
            related.update(self.gazetteer.ancestors(place_id))
            related.update(self.gazetteer.neighbours(place_id))
            related.update(self.gazetteer.children(place_id))
        return related

    def _name_mention(self, hit: NameHit, text: str, in_play: list[str]) -> PlaceMention:
        place_id = self._best_of(hit.values, in_play)
        alternatives = tuple(v for v in hit.values if v != place_id)
        if hit.matched_name is not None:
            return self._place_mention(
                text, hit.start, hit.end, place_id, resolved_by=hit.via or "variant",
                alternatives=alternatives, matched_name=hit.matched_name,
            )  # fmt: skip
        mention = self._place_mention(
            text, hit.start, hit.end, place_id, resolved_by="name", alternatives=alternatives
        )
        historic = self._historic_names.get((hit.key, place_id))
        if historic is not None:
            return replace(
                mention, resolved_by="historic name", historic=True, matched_name=historic
            )
        return mention

    @cached_property
    def _historic_names(self) -> dict[tuple[str, str], str]:
        """(normalised historic name, entry id) -> the name as the gazetteer writes it."""
        found: dict[tuple[str, str], str] = {}
        for place in self.gazetteer.values():
            for name in place.historic_names:
                found[(normalize_name(name), place.id)] = name
                found[(glued(name), place.id)] = name
        return found

    def _place_mention(
        self,
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
        template = self._templates.get((place_id, alternatives, precision))
        if template is None:
            template = self._templates[(place_id, alternatives, precision)] = self._template(
                place_id, alternatives, precision
            )
        suffix, fields = template
        return PlaceMention(
            text=text[start:end], start=start, end=end, resolved_by=resolved_by + suffix,
            matched_name=matched_name, **fields,
        )  # fmt: skip

    def _template(
        self, place_id: str, alternatives: tuple[str, ...], precision: str | None
    ) -> tuple[str, dict[str, object]]:
        """What a mention of an entry says whatever its words: the ending of its
        ``resolved_by`` and its other fields (worked out once per entry, alternatives and
        precision asked for)."""
        place = self.gazetteer[place_id]
        geometry, located_by = self._located_geometry(place)
        if geometry is None:
            return ", not located", {
                "role": "location", "place_id": place.id, "place_name": place.name,
                "kind": place.kind, "alternatives": alternatives,
            }  # fmt: skip
        point = self._points.get(located_by.id)
        if point is None:
            # once per entry: the label point, the point itself, or a point inside the area
            if located_by.label_point is not None:
                point = Point(located_by.label_point)
            elif geometry.geom_type == "Point":
                point = geometry
            else:
                point = geometry.representative_point()
            self._points[located_by.id] = point
        suffix = ""
        if located_by is not place:
            precision = "zone" if located_by.kind == "zone" else place_precision(located_by)
            suffix = f", placed at {located_by.id}"
        precision = precision or place_precision(place)
        uncertainty = located_by.uncertainty_m
        if geometry.geom_type != "Point":
            uncertainty = max(uncertainty, self._radius_m(located_by.id, geometry))
        if alternatives:
            uncertainty = max(uncertainty, self._spread_m(point, alternatives))
        return suffix, {
            "role": "location",
            "place_id": place.id,
            "place_name": place.name,
            "kind": place.kind,
            "lat": round(point.y, 7),
            "lon": round(point.x, 7),
            "precision": precision,
            "uncertainty_m": round(uncertainty, 1),
            "alternatives": alternatives,
            "geometry": geometry,
            "anchor_id": None,
        }

    def _located_geometry(self, place: Place) -> tuple[BaseGeometry | None, Place]:
        """The place's geometry, or its nearest located ancestor's when it has none."""
        if place.geometry is not None and not place.geometry.is_empty:
            return place.geometry, place
        for ancestor_id in self.gazetteer.ancestors(place.id):
            ancestor = self.gazetteer.get(ancestor_id)
            if ancestor is not None and ancestor.geometry is not None:
                return ancestor.geometry, ancestor
        return None, place

    def _radius_m(self, place_id: str, geometry: BaseGeometry) -> float:
        """The radius that covers an entry's geometry, computed once per entry."""
        cached = self._radii.get(place_id)
        if cached is None:
            cached = self._radii[place_id] = radius_m(geometry, crs=self._crs)
        return cached

    def _spread_m(self, point: Point, alternatives: tuple[str, ...]) -> float:
        key = (point.x, point.y, alternatives)
        cached = self._spreads.get(key)
        if cached is None:
            cached = self._spreads[key] = self._compute_spread_m(point, alternatives)
        return cached

    def _compute_spread_m(self, point: Point, alternatives: tuple[str, ...]) -> float:
        spread = 0.0
        for alternative in alternatives:
            geometry, _ = self._located_geometry(self.gazetteer[alternative])
            if geometry is not None:
                spread = max(spread, distance_m(point, geometry, crs=self._crs))
        return spread

    def _resolve_other(self, hit: NameHit, text: str) -> PlaceMention:
        base = {"text": text[hit.start : hit.end], "start": hit.start, "end": hit.end}
        if hit.category == "organisation":
            return PlaceMention(**base, role="organisation", resolved_by="organisation list")
        if hit.category == "demonym":
            return PlaceMention(**base, role="attribute", resolved_by="demonym")
        world = self._world[hit.values[0]]
        return self._world_mention(world, base)

    def _is_home_country(self, world: WorldPlace) -> bool:
        """True for the pack's own country: a mention of it is not 'outside'."""
        return world.kind == "country" and world.country_code == self.gazetteer.pack.country

    def _world_mention(self, world: WorldPlace, base: dict) -> PlaceMention:
        precision = "city" if world.kind == "city" else "country"
        role = "location" if self._is_home_country(world) else "outside"
        return PlaceMention(
            **base,
            role=role,
            place_id=None,
            place_name=world.name,
            kind=world.kind,
            lat=None,
            lon=None,
            precision=precision,
            resolved_by="world list" if role == "outside" else "world list, country level",
        )


_DEFINITE_WORDS = ("the", "The", "that", "That", "this", "This")
#: "the Victory military base": up to three capitalised name words right before a noun
#: (the noun may be two words).
_NAME_BEFORE_NOUN = re.compile(
    r"(?P<name>(?:(?:al-|Al-|el-)?[A-Z][\w'’-]+\s+){1,3})(?:[a-z]+\s+)?$"
)
#: "the district of Jihad": a noun, then "of" and up to three capitalised name words.
_NOUN_OF_NAME = re.compile(
    r"\s+of\s+(?:the\s+)?(?P<name>(?:al-|Al-|el-)?[A-Z][\w'’-]+"
    r"(?:\s+(?:(?:al|Al|el)[-\s])?[A-Z][\w'’-]+){0,2})"
)


def _article(noun: str) -> str:
    """'an embassy', 'a bridge'."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _bare_name(text: str) -> str:
    """A one-word name without its article, folded: 'al-Obaidi' -> 'obaidi'."""
    words = text.replace("-", " ").split()
    if len(words) > 1 and fold_word(words[0]) in ARTICLES:
        words = words[1:]
    return fold_word(" ".join(words))


def _inside_any(world: WorldPlace, cities: list[BaseGeometry]) -> bool:
    """True for a world city inside one of the gazetteer's own cities (Sadr City in
    Baghdad): such places are left to the gazetteer rather than flagged as outside."""
    if world.lat is None or world.lon is None:
        return False
    point = Point(world.lon, world.lat)
    return any(city.contains(point) for city in cities)


def _capitalised_word_before(text: str, start: int) -> bool:
    """True when the word just before ``start`` is capitalised and not a determiner."""
    words = text[max(0, start - 30) : start].split()
    if not words:
        return False
    word = words[-1]
    if word[-1:] in '.!?:;,)”’"' or text[start - 1 : start] != " ":
        return False  # the previous sentence or clause, not a modifier
    word = word.strip("\"'“‘(")
    return word[:1].isupper() and word.casefold() not in ("the", "a", "an", "this", "that")


def _has_arabic_article(word: str) -> bool:
    return normalize_name(word).startswith("ال")


def geoparse(
    text: str, gazetteer: Gazetteer, *, non_locations: Sequence[tuple[int, int, str]] = ()
) -> list[PlaceMention]:
    """Every place mention in ``text`` resolved against ``gazetteer`` (see :class:`Geoparser`)."""
    return Geoparser(gazetteer).parse(text, non_locations=non_locations)
