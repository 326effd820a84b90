"""Find every place a report names and resolve it the way an analyst would.

The pipeline has three steps:

1. **match** (:mod:`gazetteer.name_matching`): one Aho-Corasick pass over the
   normalised text finds every gazetteer name, organisation, world place, feature
   noun ("gate", "bridge") and relation phrase ("south of"), and the spelling
   variants; matches must sit on token boundaries and the longest wins;
2. **group**: feature nouns and the names around them form composite descriptions
   ("the Green Zone gate on the Ministry of Planning side");
3. **resolve**: each group becomes a :class:`PlaceMention` with a role, a place,
   a precision and the reason it was resolved that way.

Everything language-specific is in ``data/context.json``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gazetteer.context import ContextVocabulary, context_vocabulary
from gazetteer.model import Gazetteer, Place
from gazetteer.name_matching import AREA_NOUNS, NameHit, NameMatching, is_arabic_nisba
from gazetteer.normalize import glued, normalize_name, normalize_with_offsets
from gazetteer.variants import (
    ARTICLES,
    MIN_KEY_LETTERS,
    english_stop_words,
    fold_word,
    name_key,
)
from gazetteer.world import WorldPlace, world_places
from geo.crs import distance_m
from geo.relative import BEARINGS, DerivedArea, derive_area, radius_m

#: Roles a mention can have; only ``location`` mentions are ever mapped.
ROLES = ("location", "outside", "dateline", "organisation", "author", "attribute", "person")

#: Precision classes, most precise first.
PRECISIONS = ("exact", "estimated", "zone", "relative", "district", "city", "country")

#: In-play marker for a definite noun left unresolved ("?embassy"): later nouns of a
#: fitting kind refer to it, not to an older gazetteer entry of that kind.
_UNRESOLVED = "?"
#: In-play marker for "a checkpoint" of a place ("~gate:green_zone"): a later "the
#: checkpoint" is that one.
_MEMBER = "~"
#: How a description that guessed its place from context may be resolved.
_GUESSED = frozenset({"in_play", "in_play_neighbour", "unresolved", "only_of_kind"})
#: ", known by the nickname '", " known as ", ", called ", ", dubbed ": a name given next.
_KNOWN_AS = re.compile(
    r",?\s+(?:(?:known|nicknamed|called|dubbed)(?:\s+(?:by\s+the\s+(?:nickname|name)|as))?)"
    r"\s+[\"'“‘]?"
)
_SENTENCE_BREAKS = frozenset(".;!?\n؟؛")

#: How many of the most recent places stay "in play" for definite descriptions.
_IN_PLAY_WINDOW = 30

#: Why a mention inside a structural span is not a location, by the span's role.
_STRUCTURAL_REASONS = {
    "dateline": "where the report was filed (dateline)",
    "author": "part of an embedded post's author line",
    "organisation": "the outlet named in the dateline",
    "header": "part of the report's header",
}


@dataclass(frozen=True)
class PlaceMention:
    """One place mention in a text and what it was resolved to.

    ``text == source_text[start:end]`` always holds.
    """

    text: str
    start: int
    end: int
    role: str
    place_id: str | None = None
    place_name: str | None = None
    kind: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    uncertainty_m: float | None = None
    resolved_by: str = "unresolved"
    alternatives: tuple[str, ...] = ()
    geometry: BaseGeometry | None = field(default=None, compare=False, repr=False)
    anchor_id: str | None = None
    """For relative locations, the gazetteer entry the area is derived from."""
    matched_name: str | None = None
    """The gazetteer name a variant spelling was matched to ("Jumhuriya Bridge" for the
    written "Jamhouriyah Bridge"), or the historic name matched."""
    historic: bool = False
    """True when the text used a former name (Saddam City, Queen Alia Bridge)."""
    note: str | None = None
    """Why a mention is unresolved, or what else to know about its resolution."""

    @property
    def is_location(self) -> bool:
        """True when the mention can place an incident on the map."""
        return self.role == "location" and self.lat is not None

    def as_record(self) -> dict[str, object]:
        """The mention as a JSON-ready dict (geometry left out)."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "place_id": self.place_id,
            "place_name": self.place_name,
            "kind": self.kind,
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
            "uncertainty_m": self.uncertainty_m,
            "role": self.role,
            "resolved_by": self.resolved_by,
            "alternatives": list(self.alternatives),
            "anchor_id": self.anchor_id,
            "matched_name": self.matched_name,
            "historic": self.historic,
            "note": self.note,
        }


def place_precision(place: Place) -> str:
    """The precision class a direct mention of ``place`` has."""
    if place.kind == "zone":
        return "zone"
    if place.kind in _DISTRICT_PRECISION_KINDS:
        return "district"
    if place.kind in ("city", "governorate"):
        return "city"
    return "estimated" if place.estimated else "exact"


#: Kinds whose direct mention places an incident only somewhere in an area or along a line.
_DISTRICT_PRECISION_KINDS = frozenset(
    {"district", "neighbourhood", "town", "area", "river", "canal", "street"}
)


class Geoparser(NameMatching):
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
        self._spreads: dict[tuple[float, float, tuple[str, ...]], float] = {}
        # one per entry and relation, with the geometry object it was derived from
        self._areas: dict[tuple[str, str], tuple[BaseGeometry, DerivedArea]] = {}

    # --------------------------------------------------------------- resolution
    def parse(
        self, text: str, *, non_locations: Sequence[tuple[int, int, str]] = ()
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
        """
        norm, offsets = normalize_with_offsets(text)
        hits = self._hits(text, norm, offsets)
        mentions: list[PlaceMention] = []
        in_play: list[str] = []
        persons: set[str] = set()
        index = 0
        while index < len(hits):
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
                role = _structural_role(mention, non_locations)
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
                    mention = _capital_of_context(mention, mentions)
                if (
                    mentions
                    and mentions[-1].role == "dateline"
                    and mention.role in ("location", "outside")
                    and text[mentions[-1].end : mention.start] in (", ", ",")
                ):
                    # "BAGHDAD, Iraq (AP) --": the country is part of the dateline
                    mention = _as_non_location(mention, "dateline", "part of the dateline")
                if relation is not None and mention.role == "location" and mention.place_id:
                    mention = self._relative(mention, relation, text, mentions)
                if mention.role == "location" and mention.place_id:
                    in_play.append(mention.anchor_id or mention.place_id)
                    del in_play[:-_IN_PLAY_WINDOW]  # only recent places stay in play
                elif mention.role == "location" and mention.resolved_by == "unresolved":
                    # "the embassy" we could not place: a later "the building" means it too
                    in_play.append(_UNRESOLVED + (mention.kind or ""))
                    del in_play[:-_IN_PLAY_WINDOW]
                if mention.role == "location" and self._foreign_body(mention, mentions, text):
                    # "the Iranian Ministry of Foreign Affairs": another country's institution
                    mention = _as_non_location(mention, "organisation", "another country's body")
                if mention.role == "person":
                    persons.add(_bare_name(mention.text))
                elif (
                    mention.role == "location"
                    and persons
                    and _bare_name(mention.text) in persons
                    and " " not in mention.text.strip()
                ):
                    # "Iyad Allawi ... Allawi said": the person again, not the place
                    mention = _as_non_location(mention, "person", "a person named before")
                mentions.append(mention)
        return mentions

    def _governs(self, text: str, end: int) -> bool:
        """A verb of government or diplomacy among the few words after a city that opens a
        sentence, before any comma ('Baghdad has held talks', 'Baghdad condemned')."""
        tail = text[end : end + 60]
        cut = min((i for i, c in enumerate(tail) if c in _SENTENCE_BREAKS or c == ","), default=60)
        words = normalize_name(tail[:cut]).split()[:6]
        return any(w in self.vocabulary.government_verbs for w in words)

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
            if not has_feature and self._is_container(last, nxt, text):
                # "Baghdad's Green Zone": the city only says where the zone is.
                end, last, probe, grouped = probe, nxt, probe + 1, True
                continue
            gap_original = text[last.end : nxt.start]
            if any(c in _SENTENCE_BREAKS for c in gap_original) or "," in gap_original:
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
                    found[-1] = _extend(mention, text, names[i - 1].start, hit.end)
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
            start = _extend_back_to_word(text, start, _DEFINITE_WORDS)
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
                start = _extend_back_over_words(text, start, 2)
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
        start = _extend_back_to_word(text, named.start("name"), ("the", "The"))
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
        words = name.replace("-", " ").split()
        key = name_key(words, self.vocabulary.generic_words)
        if len(key.key) < MIN_KEY_LETTERS or key.kinds:
            return []
        candidates = [
            c
            for c in self._variant_index.lookup(key.key)
            if kind in c.kinds or self._fits(c.place_id, kind)
        ]
        if not candidates:
            return []
        best = min(c.distance for c in candidates)
        ids = tuple(dict.fromkeys(c.place_id for c in candidates if c.distance == best))
        matched = next(c.name for c in candidates if c.distance == best)
        mention = self._place_mention(
            text, start, end, ids[0], resolved_by="variant", alternatives=ids[1:]
        )
        return [replace(mention, matched_name=matched)]

    def _speaks(self, text: str, norm: str, offsets: list[int], mention: PlaceMention) -> bool:
        """'the US embassy in Baghdad said', 'according to the health ministry': an
        institution as the source of a statement."""
        vocab = self.vocabulary
        tail = text[mention.end : mention.end + 60]
        # a comma between clauses ends the look, one inside a figure ("1,000 staff") does not
        cut = min(
            (
                i
                for i, c in enumerate(tail)
                if c in _SENTENCE_BREAKS or (c == "," and not tail[i + 1 : i + 2].isdigit())
            ),
            default=len(tail),
        )
        after = normalize_name(tail[:cut]).split()[:5]
        for i, word in enumerate(after):
            if word in vocab.reporting_verbs:
                return True
            if i >= 3 or word in _CLAUSE_WORDS:
                break
        lead = normalize_name(text[max(0, mention.start - 48) : mention.start])
        lead_words = lead.split()
        if (
            lead_words
            and not mention.text[:1].isascii()
            and (
                lead_words[-1] in vocab.reporting_verbs
                or (lead_words[-1][:1] in "وف" and lead_words[-1][1:] in vocab.reporting_verbs)
            )
        ):
            return True  # Arabic puts the verb first: "أعلنت وزارة الدفاع", "واعتبرت السفارة"
        if any(lead == p or lead.endswith(" " + p) for p in vocab.speaker_lead_ins):
            return True  # "a source in the Defence Ministry", "مصدر في وزارة الدفاع"
        for phrase in vocab.according_to:
            at = lead.rfind(phrase)
            if (
                at >= 0
                and (at == 0 or lead[at - 1] == " ")
                and len(lead[at + len(phrase) :].split()) <= 3
            ):
                return True
        return False

    @cached_property
    def _dateline(self) -> re.Pattern[str]:
        return re.compile(self.vocabulary.dateline_pattern)

    def _is_dateline(self, text: str, mention: PlaceMention) -> bool:
        """'BAGHDAD, Aug 4 --' opening a line: a wire dateline the report reader missed."""
        written = mention.text
        if mention.role != "location" or mention.kind not in self.vocabulary.city_kinds:
            return False
        line_start = text.rfind("\n", 0, mention.start) + 1
        line_end = text.find("\n", mention.end)
        if (
            line_end >= 0
            and not text[mention.end : line_end].strip()
            and line_end - line_start <= _SHORT_LINE
            and text[line_start : mention.start].rstrip()[-1:]
            in self.vocabulary.dateline_line_end_separators
        ):
            return True  # "Shafaq News – Baghdad", "Long-Presse / Baghdad"
        if not text[line_start : mention.start].strip() and _PAREN_DATELINE.match(
            text, mention.end, mention.end + 40
        ):
            return True  # "Baghdad (Reuters) -", "بغداد، العراق (CNN) --", "Baghdad ( An"
        if not written.isupper() or len(written) < 4:
            return False
        before = text[line_start : mention.start]
        if before.strip(" \t") and not re.fullmatch(r"\s*[A-Z]+\s*/\s*", before):
            return False  # not the line's first word (or AMMAN/BAGHDAD)
        return self._dateline.match(text, mention.end, mention.end + 60) is not None

    def _is_family_name(self, text: str, mention: PlaceMention) -> bool:
        """'Ahmed al-Obaidi', 'Prime Minister Allawi', 'By Ahmed Rasheed': a one-word place
        name after a title, or after a capitalised given name (not a place word, not an
        ordinary English word), names a person."""
        if mention.role != "location" or " " in mention.text.strip("- "):
            return False
        folded = mention.text.casefold()
        article = folded.startswith(("al-", "el-", "al ", "el "))
        head = text[max(0, mention.start - 30) : mention.start]
        if not head.endswith(" ") or not head.strip():
            return False
        words = head.split()
        previous = words[-1]
        titles = self.vocabulary.person_titles
        if normalize_name(previous) in titles or " ".join(words[-2:]).casefold() in titles:
            return True
        if len(words) >= 2 and normalize_name(words[-2]) == "by" and previous[:1].isupper():
            return True  # a byline: "By Ahmed Rasheed"
        if not previous[:1].isupper() or not previous.isalpha():
            return False
        key = fold_word(previous)
        if key in self.vocabulary.generic_words or key in self._one_word_names:
            return False
        if not article and (key in english_stop_words() or len(key) < 3):
            return False
        if _sentence_start_before(text, mention.start - len(previous) - 1):
            return article and key not in english_stop_words()
        return article or key not in english_stop_words()

    @cached_property
    def _one_word_names(self) -> frozenset[str]:
        """Gazetteer names of one word, folded: 'Karrada al-...' is a place, not a person."""
        return frozenset(
            fold_word(n) for p in self.gazetteer.values() for n in p.all_names if " " not in n
        )

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
            mention = self._place_mention(
                text, hit.start, hit.end, place_id, resolved_by=hit.via or "variant",
                alternatives=alternatives,
            )  # fmt: skip
            return replace(mention, matched_name=hit.matched_name)
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
            uncertainty = max(uncertainty, self._radius_m(located_by.id, geometry))
        if alternatives:
            uncertainty = max(uncertainty, self._spread_m(point, alternatives))
        return PlaceMention(
            text=text[start:end],
            start=start,
            end=end,
            role="location",
            place_id=place.id,
            place_name=place.name,
            kind=place.kind,
            lat=round(point.y, 7),
            lon=round(point.x, 7),
            precision=precision,
            uncertainty_m=round(uncertainty, 1),
            resolved_by=resolved_by,
            alternatives=alternatives,
            geometry=geometry,
            anchor_id=None,
        )

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

    def _kind_members(self, kind: str, parent_id: str) -> list[str]:
        if kind not in self.vocabulary.member_kinds:
            return []
        return [c for c in self.gazetteer.children(parent_id) if self._fits(c, kind)]

    def _composite(
        self, text: str, start: int, end: int, kind: str, named_ids: list[str], in_play: list[str]
    ) -> PlaceMention:
        """A feature noun qualified by names: the most specific entry they describe."""
        named_same_kind = [n for n in named_ids if self._fits(n, kind)]
        if named_same_kind:
            return self._place_mention(text, start, end, named_same_kind[0], resolved_by="name")
        scores: dict[str, int] = {}
        for place in self.gazetteer.values():
            if not self._fits(place.id, kind):
                continue
            score = 0
            ancestors = self.gazetteer.ancestors(place.id)
            neighbours = self.gazetteer.neighbours(place.id)
            for named in named_ids:
                if named in neighbours:
                    score += 2
                elif named in ancestors:
                    score += 1
            if score:
                scores[place.id] = score
        if not scores:
            if self.gazetteer[named_ids[0]].kind in self.vocabulary.city_kinds:
                # "Sweden's embassy in Baghdad": a site the gazetteer does not list
                return PlaceMention(
                    text=text[start:end], start=start, end=end, role="location", kind=kind,
                    resolved_by="unresolved",
                    note=f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind} in "
                    f"{self.gazetteer[named_ids[0]].name} the gazetteer does not list",
                )  # fmt: skip
            # "the gate of X" where X has no such feature: X itself, less precisely.
            return self._place_mention(text, start, end, named_ids[0], resolved_by="name")
        best_score = max(scores.values())
        best = [p for p, s in scores.items() if s == best_score]
        if len(best) == 1 and best_score >= 2:
            return self._place_mention(text, start, end, best[0], resolved_by="composite")
        # Only membership is known ("the gate of the Green Zone"): a definite
        # description among the members, settled by what is in play if possible.
        parent = next((n for n in named_ids if self.gazetteer[n].kind != kind), named_ids[0])
        chosen = self._pick_in_play(best, in_play)
        if chosen is not None:
            alternatives = tuple(p for p in best if p != chosen)
            return self._place_mention(
                text, start, end, chosen, resolved_by="in_play", alternatives=alternatives,
                precision=_lowered(place_precision(self.gazetteer[chosen])),
            )  # fmt: skip
        return self._place_mention(
            text, start, end, parent, resolved_by="unspecified_member", precision="zone",
            alternatives=tuple(sorted(best)),
        )  # fmt: skip

    def _pick_in_play(self, candidates: list[str], in_play: list[str]) -> str | None:
        """The candidate most recently in play, directly or through a neighbour."""
        for place_id in reversed(in_play):
            if place_id in candidates:
                return place_id
        for place_id in reversed(in_play):
            if place_id not in self.gazetteer:
                continue
            near = [c for c in candidates if place_id in self.gazetteer.neighbours(c)]
            if near:
                return near[0]
        return None

    def _definite(
        self, text: str, start: int, end: int, kind: str, in_play: list[str]
    ) -> PlaceMention | None:
        """'the bridge': the place in play whose kind fits the noun, else unresolved.

        Only an entry whose kind fits the noun (``kind_fits``), or whose own name contains
        it, may be meant: 'the embassy' is never the Republican Palace. Nothing fitting in
        play: a location mention with no coordinates (``resolved_by`` 'unresolved').
        """
        fits = self.vocabulary.kind_fits.get(kind, (kind,))
        in_play_kind = [
            p
            for p in dict.fromkeys(reversed(in_play))
            if (p in self.gazetteer and self._fits(p, kind))
            or (p.startswith(_UNRESOLVED) and p[len(_UNRESOLVED) :] in fits)
            or p.startswith(f"{_MEMBER}{kind}:")
        ]
        if in_play_kind and in_play_kind[0].startswith(_MEMBER):
            # the noun takes up "a checkpoint" of a place named before: that place's
            return self._member_of(text, start, end, kind, in_play_kind[0].split(":", 1)[1])
        in_play_kind = [p for p in in_play_kind if not p.startswith(_MEMBER)]
        if in_play_kind and in_play_kind[0].startswith(_UNRESOLVED):
            return PlaceMention(
                text=text[start:end], start=start, end=end, role="location", kind=kind,
                resolved_by="unresolved",
                note=f"the {in_play_kind[0][len(_UNRESOLVED) :]} named before, which the "
                "gazetteer does not hold",
            )  # fmt: skip
        in_play_kind = [p for p in in_play_kind if not p.startswith(_UNRESOLVED)]
        if in_play_kind:
            chosen = in_play_kind[0]
            return self._place_mention(
                text,
                start,
                end,
                chosen,
                resolved_by="in_play",
                alternatives=tuple(in_play_kind[1:]),
            )
        candidates: list[str] = []
        for place_id in dict.fromkeys(reversed(in_play)):
            if place_id not in self.gazetteer:
                continue
            for neighbour in self.gazetteer.neighbours(place_id):
                if self._fits(neighbour, kind) and neighbour not in candidates:
                    candidates.append(neighbour)
        if not candidates:
            for place_id in dict.fromkeys(reversed(in_play)):
                if place_id in self.gazetteer:
                    for member in self._kind_members(kind, place_id):
                        if member not in candidates:
                            candidates.append(member)
        if not candidates:
            only = [p for k in self.vocabulary.kind_fits.get(kind, (kind,))
                    for p in self.gazetteer.of_kind(k)]  # fmt: skip
            if kind in self.vocabulary.unique_fallback_kinds and len(only) == 1:
                return self._place_mention(text, start, end, only[0], resolved_by="only_of_kind")
            return PlaceMention(
                text=text[start:end], start=start, end=end, role="location", kind=kind,
                resolved_by="unresolved",
                note=f"no {kind} in play: the noun is not mapped to a place of another kind",
            )  # fmt: skip
        chosen = candidates[0]
        return self._place_mention(
            text, start, end, chosen, resolved_by="in_play_neighbour",
            alternatives=tuple(candidates[1:]),
            precision=_lowered(place_precision(self.gazetteer[chosen])),
        )  # fmt: skip

    def _unspecified_members(
        self, text: str, start: int, end: int, kind: str, named_ids: list[str], in_play: list[str]
    ) -> list[PlaceMention]:
        """'two separate gates': members of a place, not which ones: the place itself."""
        parents = [n for n in named_ids if self._kind_members(kind, n)]
        if named_ids and not parents:
            # "one of the US Embassy's gates": the gates of a place we know no gates of are
            # at that place, not at the gates of another place in play
            return [
                self._place_mention(
                    text, start, end, named_ids[0], resolved_by="part of the named place"
                )
            ]
        if not parents:
            parents = [
                p for p in reversed(in_play) if p in self.gazetteer and self._kind_members(kind, p)
            ]
            if not parents:
                ancestors = [
                    a
                    for p in reversed(in_play)
                    if p in self.gazetteer
                    for a in self.gazetteer.ancestors(p)
                ]
                parents = [a for a in ancestors if self._kind_members(kind, a)]
        # "a bridge", "checkpoints": some member of the city is no place on a map
        parents = [p for p in parents if self.gazetteer[p].kind not in self.vocabulary.city_kinds]
        if not parents:
            if named_ids:
                return [self._place_mention(text, start, end, named_ids[0], resolved_by="name")]
            return []
        parent = parents[0]
        # "a checkpoint inside the complex ... beside the checkpoint": the same one
        in_play.append(f"{_MEMBER}{kind}:{parent}")
        return [self._member_of(text, start, end, kind, parent)]

    def _member_of(self, text: str, start: int, end: int, kind: str, parent: str) -> PlaceMention:
        return self._place_mention(
            text, start, end, parent, resolved_by="unspecified_member", precision="zone",
            alternatives=tuple(sorted(self._kind_members(kind, parent))),
        )  # fmt: skip

    def _relation_before(
        self, text: str, norm: str, hits: list[NameHit], index: int
    ) -> tuple[str, int] | None:
        """A relation phrase ('south of', 'near') just before the hit at ``index``."""
        if index == 0:
            return None
        previous = hits[index - 1]
        if previous.category != "relation":
            return None
        gap_original = text[previous.end : hits[index].start]
        if any(c in _SENTENCE_BREAKS or c == "," for c in gap_original):
            return None
        words = norm[previous.nend : hits[index].nstart].split()
        vocab = self.vocabulary
        if len(words) > vocab.max_relation_fillers or any(
            w not in vocab.relation_fillers for w in words
        ):
            return None
        start = previous.start
        lead = norm[max(0, previous.nstart - 20) : previous.nstart].rstrip()
        for lead_in in vocab.relation_lead_ins:
            if lead.endswith(lead_in):
                start = _extend_back_over_words(text, start, len(lead_in.split()))
                break
        return previous.values[0], start

    def _relative(
        self,
        mention: PlaceMention,
        relation: tuple[str, int],
        text: str,
        before: Sequence[PlaceMention] = (),
    ) -> PlaceMention:
        name, start = relation
        anchor = self.gazetteer[mention.place_id] if mention.place_id else None
        if anchor is None or mention.geometry is None:
            return mention
        phrase = text[start : mention.start].casefold()
        if normalize_name(
            phrase
        ) in self.vocabulary.sentence_opening_relations and not _sentence_start_before(text, start):
            return mention  # "the unrest spread beyond the capital": it began there
        compass_of = (
            name not in ("near", "inside", "outside")
            and phrase.isascii()
            and phrase.rstrip().endswith(" of")
            and not any(word in phrase for word in ("part", "side", "edge"))
        )
        # Arabic writes "east Baghdad" and "east of Baghdad" alike (شرق بغداد): a compass
        # word before a city is read as the English "east of" is, around the city
        arabic_compass = name in BEARINGS and not phrase.isascii()
        compass_of = compass_of or arabic_compass
        if (
            anchor.kind in self.vocabulary.city_kinds
            and mention.role == "location"
            and (compass_of or name == "outside")
        ):
            # "40 km north of Baghdad", "Diyala province, north of Baghdad": beyond the city
            distance = _DISTANCE_BEFORE.search(text, max(0, start - 40), start)
            if distance is not None:
                start = distance.start()
            if (
                distance is None
                and name != "outside"
                and (arabic_compass or not _outside_named_before(text, start, before))
            ):
                # "in the Shaab district northeast of Baghdad", "a bomb west of Baghdad":
                # somewhere around the city, the nearest the text says
                return replace(
                    mention, text=text[start : mention.end], start=start,
                    resolved_by=f"{mention.resolved_by}, around the city ({name} of it)",
                )  # fmt: skip
            return replace(
                mention, text=text[start : mention.end], start=start, role="outside",
                place_id=None, kind=None, lat=None, lon=None, precision=None,
                uncertainty_m=None, geometry=None, anchor_id=anchor.id, alternatives=(),
                resolved_by=f"relative ({name}) to the city {anchor.name}: outside it",
            )  # fmt: skip
        if name == "inside":
            return replace(
                mention,
                text=text[start : mention.end],
                start=start,
                resolved_by=f"{mention.resolved_by}, inside",
            )
        area = self._derived_area(mention.geometry, name, anchor)
        return replace(
            mention,
            text=text[start : mention.end],
            start=start,
            place_id=f"rel:{name}:{anchor.id}",
            place_name=f"{_relation_label(name)} {anchor.name}",
            kind="derived",
            lat=area.point[0],
            lon=area.point[1],
            precision="relative",
            uncertainty_m=area.uncertainty_m,
            resolved_by=f"relative ({name}) to {mention.resolved_by}",
            geometry=area.geometry,
            anchor_id=anchor.id,
        )

    def _derived_area(self, geometry: BaseGeometry, relation: str, anchor: Place) -> DerivedArea:
        """:func:`geo.relative.derive_area` of an anchor's geometry, computed once per
        geometry object and relation (the gazetteer's geometries recur in every report)."""
        key = (anchor.id, relation)
        cached = self._areas.get(key)
        if cached is not None and cached[0] is geometry:
            return cached[1]
        area = derive_area(
            geometry,
            relation,  # type: ignore[arg-type]
            crs=self._crs,
            anchor_uncertainty_m=anchor.uncertainty_m if geometry.geom_type == "Point" else 0.0,
        )
        self._areas[key] = (geometry, area)
        return area

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

    def _apply_roles(
        self,
        mention: PlaceMention,
        text: str,
        norm: str,
        offsets: list[int],
        structural: str | None,
    ) -> PlaceMention:
        """Give a mention the non-location role its surroundings imply, if any."""
        if structural is not None:
            return _as_non_location(
                mention, structural, _STRUCTURAL_REASONS.get(structural, structural)
            )
        if mention.role not in ("location", "outside"):
            return mention
        vocab = self.vocabulary
        after = text[mention.end : mention.end + 30]
        before = text[max(0, mention.start - 12) : mention.start]
        if (
            mention.kind in vocab.institution_kinds
            and mention.role == "location"
            and self._speaks(text, norm, offsets, mention)
        ):
            return _as_non_location(mention, "organisation", "an institution speaking")
        if mention.kind in vocab.institution_kinds and mention.role == "location":
            lead = normalize_name(text[max(0, mention.start - 30) : mention.start]).split()[-3:]
            if any(word in vocab.blame_verbs for word in lead):
                # "naming the US embassy", "accused the ministry": blamed, an actor
                return _as_non_location(mention, "organisation", "an institution blamed")
        if self._is_dateline(text, mention):
            return _as_non_location(mention, "dateline", _STRUCTURAL_REASONS["dateline"])
        lead = normalize_name(text[max(0, mention.start - 24) : mention.start])
        if lead and any(
            lead == prefix or lead.endswith(" " + prefix) for prefix in vocab.organisation_prefixes
        ):
            # عمليات بغداد, شرطة طوارئ بغداد: the body is named first in Arabic
            return _as_non_location(mention, "organisation", "organisation name")
        if vocab.person_guard and self._is_family_name(text, mention):
            return _as_non_location(
                mention, "person", "a person's name (after a given name or a title)"
            )
        # Iran-backed, Tehran-aligned
        if after[:1] in "-‐–" and after[1:].split(" ")[0:1]:
            word = normalize_name(after[1:].split()[0]) if after[1:].split() else ""
            if word in vocab.attribute_suffixes:
                end = mention.end + 1 + len(after[1:].split()[0])
                return _as_non_location(
                    _extend(mention, text, mention.start, end), "attribute", "allegiance adjective"
                )
        # pro-Iran, anti-Baghdad
        if before.endswith(("-", "‐")):
            word = normalize_name(before[:-1].split()[-1]) if before[:-1].split() else ""
            if word in vocab.attribute_prefixes:
                start = mention.start - 1 - len(before[:-1].split()[-1])
                return _as_non_location(
                    _extend(mention, text, start, mention.end), "attribute", "allegiance adjective"
                )
        # Kurdistan 24, Baghdad Today, IranProtests.com
        if after.startswith(".") and after[1:4].isalpha():
            next_word = after[1:].split()[0] if after[1:].split() else ""
            if normalize_name(next_word.rstrip(".,;:")) in vocab.organisation_suffixes:
                end = mention.end + 1 + len(next_word.rstrip(".,;:"))
                return _as_non_location(
                    _extend(mention, text, mention.start, end), "organisation", "organisation name"
                )
        if after.startswith(" ") and after.split():
            next_words = after.split()
            for size in (2, 1):
                phrase = " ".join(next_words[:size])
                cleaned = phrase.rstrip(".,;:’'\"")
                folded = normalize_name(cleaned)
                if (
                    folded in vocab.organisation_suffixes
                    and cleaned[:1].isupper() | cleaned[:1].isdigit()
                ) or folded in vocab.organisation_suffixes_any_case:
                    end = text.index(cleaned, mention.end) + len(cleaned)
                    return _as_non_location(
                        _extend(mention, text, mention.start, end),
                        "organisation",
                        "organisation name",
                    )
        if after[:2] in ("'s", "’s") and mention.kind in vocab.city_kinds | {"country"}:
            # "Baghdad's Shi'ite-led government": the city's government, an actor
            words = [normalize_name(w.rstrip(".,;:")) for w in after[2:].split()[:3]]
            if any(w in vocab.organisation_suffixes_any_case for w in words):
                return _as_non_location(mention, "organisation", "the government of the place")
        if (
            mention.kind in vocab.city_kinds
            and mention.text[:1].isascii()
            and _sentence_start_before(text, mention.start)
            and self._governs(text, mention.end)
        ):
            # "Baghdad has in recent months held talks with Washington": the government
            return _as_non_location(mention, "organisation", "the city for its government")
        appositive = _APPOSITIVE.match(text, mention.end) if after[:1] == "," else None
        if appositive is not None and any(
            word in vocab.appositive_media_nouns
            for word in normalize_name(appositive.group(1)).split()
        ):
            # "One Baghdad, a widely followed Telegram channel": a medium named after a place
            return _as_non_location(mention, "organisation", "a medium named after the place")
        if mention.kind == "country":
            # Iraq's Health Ministry: a country in the possessive names an institution.
            if after[:2] in ("'s", "’s"):
                return _as_non_location(mention, "attribute", "possessive of an institution")
            # the US diplomatic compound: a country used as an adjective.
            next_word = (
                after[1:].split(maxsplit=1)[0] if after[:1] == " " and after[1:2].isalpha() else ""
            )
            if (
                mention.text[:1].isascii()
                and next_word.isalpha()
                and next_word[:1].islower()
                and normalize_name(next_word) not in vocab.country_locational_followers
            ):
                return _as_non_location(mention, "attribute", "country used as an adjective")
        return mention


#: "40km", "about 60 miles (100 km)", "نحو 40 كم", written before a compass relation.
_DISTANCE_BEFORE = re.compile(
    r"(?:(?:about|some|nearly|around|roughly|نحو|حوالي|قرابة)\s+)?\d[\d,.]*\s*"
    r"(?:(?:km|kilometres|kilometers|kilometre|kilometer|miles|mile|mi)\b|كم|كيلومترا?ت?|ميلا?)"
    r"(?:\s*\([^)]{0,20}\))?\s*$"
)
#: After a city opening a line: an optional country, then an opening parenthesis (the
#: agency of a dateline, even when the page lost it).
_PAREN_DATELINE = re.compile(r"(?:\s*[,،]\s*[^\W\d_][\w ]{1,20}?)?\s*\(")


#: "the city of Mosul", "the northern city of Irbil": the city noun introduces a name.
#: ", a widely followed Telegram channel": an appositive of up to five words after a name.
_APPOSITIVE = re.compile(r",\s+(?:a|an)\s+((?:[\w'’-]+\s+){0,4}[\w'’-]+)")
_DEFINITE_WORDS = ("the", "The", "that", "That", "this", "This")
#: "the Victory military base": up to three capitalised name words right before a noun
#: (the noun may be two words).
_NAME_BEFORE_NOUN = re.compile(
    r"(?P<name>(?:(?:al-|Al-|el-)?[A-Z][\w'’-]+\s+){1,3})(?:[a-z]+\s+)?$"
)
#: "the district of Jihad": a noun, then "of" and up to three capitalised name words.
_NOUN_OF_NAME = re.compile(
    r"\s+of\s+(?:the\s+)?(?P<name>(?:al-|Al-|el-)?[A-Z][\w'’-]+(?:\s+(?:al-?|Al-?)?[A-Z][\w'’-]+){0,2})"
)
#: A dateline line such as "Shafaq News – Baghdad" is short.
_SHORT_LINE = 60
#: Words after an institution that end the clause it could be the subject of.
_CLAUSE_WORDS = frozenset({"and", "or", "where", "when", "while", "near", "as", "but", "after"})


def _outside_named_before(text: str, start: int, before: Sequence[PlaceMention]) -> bool:
    """True when the sentence before ``start`` names a place outside the gazetteer (Diyala
    province, Hilla, Tehran), even as part of an organisation ('Hilla police')."""
    cut = max(text.rfind(c, 0, start) for c in ".!?\n؟")
    for mention in reversed(before):
        if mention.start <= cut:
            break
        if (
            mention.place_id is None
            and mention.kind in ("city", "country", "region")
            and mention.role not in ("location", "dateline")
        ):
            return True
    return False


def _bare_name(text: str) -> str:
    """A one-word name without its article, folded: 'al-Obaidi' -> 'obaidi'."""
    words = text.replace("-", " ").split()
    if len(words) > 1 and fold_word(words[0]) in ARTICLES:
        words = words[1:]
    return fold_word(" ".join(words))


def _sentence_start_before(text: str, index: int) -> bool:
    head = text[max(0, index - 4) : max(0, index)].rstrip(" \"'“‘(")
    return not head or head[-1] in ".!?:\n"


#: How far back a place outside the gazetteer makes "the capital" its capital.
_CAPITAL_CONTEXT_CHARS = 600


def _capital_of_context(mention: PlaceMention, before: list[PlaceMention]) -> PlaceMention:
    """'the capital' just after Tehran, Sweden or Basra is not proof of Baghdad: when the
    last place named before it (within a paragraph's reach) is outside, so is the capital."""
    previous = next((m for m in reversed(before) if m.role in ("location", "outside")), None)
    if (
        previous is None
        or previous.role != "outside"
        or mention.start - previous.end > _CAPITAL_CONTEXT_CHARS
    ):
        return mention
    return replace(
        mention, role="outside", place_id=None, kind=None, lat=None, lon=None,
        precision=None, uncertainty_m=None, geometry=None, alternatives=(),
        resolved_by="unresolved",
        note=f"the city noun follows {previous.text!r}, a place outside the gazetteer: "
        "not proof of the gazetteer's city",
    )  # fmt: skip


def _inside_any(world: WorldPlace, cities: list[BaseGeometry]) -> bool:
    """True for a world city inside one of the gazetteer's own cities (Sadr City in
    Baghdad): such places are left to the gazetteer rather than flagged as outside."""
    if world.lat is None or world.lon is None:
        return False
    point = Point(world.lon, world.lat)
    return any(city.contains(point) for city in cities)


def _lowered(precision: str) -> str:
    return "estimated" if precision == "exact" else precision


def _relation_label(name: str) -> str:
    return {"near": "near", "outside": "outside", "inside": "inside"}.get(name, f"{name} of")


def _extend(mention: PlaceMention, text: str, start: int, end: int) -> PlaceMention:
    return replace(mention, text=text[start:end], start=start, end=end)


def _as_non_location(mention: PlaceMention, role: str, why: str) -> PlaceMention:
    return replace(
        mention, role=role, lat=None, lon=None, precision=None, uncertainty_m=None,
        geometry=None, resolved_by=f"not a location: {why}",
        place_id=None, place_name=mention.place_name, alternatives=(), note=None,
    )  # fmt: skip


def _structural_role(mention: PlaceMention, spans: Sequence[tuple[int, int, str]]) -> str | None:
    for start, end, role in spans:
        if start <= mention.start and mention.end <= end:
            return role
    return None


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


def _extend_back_to_word(text: str, start: int, words: tuple[str, ...]) -> int:
    """Move ``start`` back over one preceding word if it is one of ``words``."""
    floor = max(0, start - 40)  # a bounded look-back: no copy of the whole text per mention
    head = text[floor:start].rstrip()
    for word in words:
        if head.endswith(word) and (len(head) == len(word) or not head[-len(word) - 1].isalnum()):
            return floor + len(head) - len(word)
    return start


def _extend_back_over_words(text: str, start: int, count: int) -> int:
    """Move ``start`` back over up to ``count`` words on the same line."""
    position = start
    for _ in range(count):
        cut = position
        while cut > 0 and text[cut - 1] == " ":
            cut -= 1
        if cut == 0 or not text[cut - 1].isalnum():
            break
        while cut > 0 and (text[cut - 1].isalnum() or text[cut - 1] in "-'"):
            cut -= 1
        position = cut
    return position


def geoparse(
    text: str, gazetteer: Gazetteer, *, non_locations: Sequence[tuple[int, int, str]] = ()
) -> list[PlaceMention]:
    """Every place mention in ``text`` resolved against ``gazetteer`` (see :class:`Geoparser`)."""
    return Geoparser(gazetteer).parse(text, non_locations=non_locations)
