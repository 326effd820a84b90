"""Definite descriptions: "the bridge", "the embassy", "the Green Zone gate on the
Ministry of Planning side". A feature noun resolves only to an entry whose kind fits
it, from the names around it or the places in play in the report; when none fits it
stays a mention with no coordinates (``resolved_by: "unresolved"``)."""

from __future__ import annotations

import re

from gazetteer.mentions import (
    PlaceMention,
    place_precision,
)

#: In-play marker for a definite noun left unresolved ("?embassy"): later nouns of a
#: fitting kind refer to it, not to an older gazetteer entry of that kind.
UNRESOLVED = "?"


#: The note of a definite noun with nothing of its kind in play.
NO_KIND_IN_PLAY = "no {kind} in play: the noun is not mapped to a place of another kind"
#: Nouns of areas and zones: indefinite, they say no more than the city does.
_AREA_NOUN_KINDS = frozenset({"city", "zone", "neighbourhood"})
#: How far ahead (characters) a description may point to the place the report names next.
CATAPHORA_REACH = 1500
#: "a Shi'ite shrine", "a crowded market": an indefinite article and up to two modifiers
#: right before a noun.
_INDEFINITE_BEFORE = re.compile(r"(?:^|[\s(\"“])(?P<article>[Aa]n?)\s+(?:[\w'’-]+\s+){0,2}$")
#: "Baghdad's most elegant neighborhood": a possessive and up to three lowercase words.
_POSSESSIVE_GAP = re.compile(r"['’]s\s+(?:[a-z][a-z-]*\s+){0,3}")


#: In-play marker for "a checkpoint" of a place ("~gate:green_zone"): a later "the
#: checkpoint" is that one.
MEMBER = "~"


def _lowered(precision: str) -> str:
    return "estimated" if precision == "exact" else precision


class DefiniteDescriptions:
    """The description rules of :class:`gazetteer.geoparse.Geoparser` (a mixin)."""

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
        for place_id in self._fitting(kind):
            score = 0
            ancestors = self.gazetteer.ancestors(place_id)
            neighbours = self.gazetteer.neighbours(place_id)
            for named in named_ids:
                if named in neighbours:
                    score += 2
                elif named in ancestors:
                    score += 1
            if score:
                scores[place_id] = score
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

    def _named_next(self, hits: list, after: int, end: int, kind: str) -> str | None:
        """The first entry fitting ``kind`` that the text names after hit ``after`` (and
        within :data:`CATAPHORA_REACH` of ``end``): "a square in central Baghdad ... They
        exploded in Tayaran Square"."""
        for hit in hits[after + 1 :]:
            if hit.start - end > CATAPHORA_REACH:
                return None
            if hit.category != "place":
                continue
            kinds = self.vocabulary.kind_fits.get(kind, (kind,))
            # by its kind only: a street whose name has "market" is no market named next
            fitting = [
                v for v in hit.values if v in self.gazetteer and self.gazetteer[v].kind in kinds
            ]
            if fitting:
                return fitting[0] if len(fitting) == 1 else None
        return None

    def _city_description(
        self, text: str, hits: list, index: int, in_play: list[str]
    ) -> tuple[PlaceMention, int] | None:
        """A noun of a kind that only the city qualifies: "a square in central Baghdad",
        "a Baghdad church", "Baghdad's most elegant neighborhood".

        Such a description points to a place the report names: the one of its kind in
        play (for the possessive, which reads as definite), else the first one of its kind
        named next. Returns the mention and the index of its last hit, or ``None``
        (nothing fits: the city alone is what the words say, as before).
        """
        if index + 1 >= len(hits):
            return None
        first, second = hits[index], hits[index + 1]
        vocab = self.vocabulary
        city_kinds = vocab.city_kinds

        def is_city(hit) -> bool:
            return hit.category == "place" and all(
                v in self.gazetteer and self.gazetteer[v].kind in city_kinds for v in hit.values
            )

        def noun_kind(hit) -> str | None:
            """A singular noun of a site: 'a neighborhood in Baghdad' is vague, the city."""
            if hit.category != "feature":
                return None
            kind, number = hit.values[0].split(":")
            return kind if number == "singular" and kind not in _AREA_NOUN_KINDS else None

        gap = text[first.end : second.start]
        kind = None
        start = first.start
        definite = False
        if noun_kind(first) and is_city(second):
            words = gap.split()
            # "a square in central Baghdad", "a Shi'ite shrine in Baghdad"
            if words[:1] == ["in"] and all(w in vocab.city_qualifiers for w in words[1:]):
                article = _INDEFINITE_BEFORE.search(text, max(0, first.start - 40), first.start)
                if article is not None:
                    kind, start = noun_kind(first), article.start("article")
        elif (
            is_city(first)
            and second.category == "feature"
            and second.values[0].endswith(":singular")
        ):
            if gap == " ":
                # "a Baghdad church"
                article = _INDEFINITE_BEFORE.search(text, max(0, first.start - 40), first.start)
                if article is not None and noun_kind(second):
                    kind, start = noun_kind(second), article.start("article")
            elif _POSSESSIVE_GAP.fullmatch(gap) and not second.values[0].startswith("city:"):
                # "Baghdad's safe zone", "Baghdad's most elegant neighborhood": a possessive
                # reads as definite
                kind, definite = second.values[0].split(":")[0], True
        if kind is None:
            return None
        end = second.end
        entry = None
        resolved_by = "named next"
        if definite:
            entry = next(
                (p for p in reversed(in_play) if p in self.gazetteer and self._fits(p, kind)), None
            )
            resolved_by = "in_play" if entry else resolved_by
        if entry is None:
            entry = self._named_next(hits, index + 1, end, kind)
        if entry is None:
            return None
        mention = self._place_mention(text, start, end, entry, resolved_by=resolved_by)
        return mention, index + 1

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
            or (p.startswith(UNRESOLVED) and p[len(UNRESOLVED) :] in fits)
            or p.startswith(f"{MEMBER}{kind}:")
        ]
        if in_play_kind and in_play_kind[0].startswith(MEMBER):
            # the noun takes up "a checkpoint" of a place named before: that place's
            return self._member_of(text, start, end, kind, in_play_kind[0].split(":", 1)[1])
        in_play_kind = [p for p in in_play_kind if not p.startswith(MEMBER)]
        if in_play_kind and in_play_kind[0].startswith(UNRESOLVED):
            return PlaceMention(
                text=text[start:end], start=start, end=end, role="location", kind=kind,
                resolved_by="unresolved",
                note=f"the {in_play_kind[0][len(UNRESOLVED) :]} named before, which the "
                "gazetteer does not hold",
            )  # fmt: skip
        in_play_kind = [p for p in in_play_kind if not p.startswith(UNRESOLVED)]
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
                note=NO_KIND_IN_PLAY.format(kind=kind),
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
        in_play.append(f"{MEMBER}{kind}:{parent}")
        return [self._member_of(text, start, end, kind, parent)]

    def _member_of(self, text: str, start: int, end: int, kind: str, parent: str) -> PlaceMention:
        return self._place_mention(
            text, start, end, parent, resolved_by="unspecified_member", precision="zone",
            alternatives=tuple(sorted(self._kind_members(kind, parent))),
        )  # fmt: skip
