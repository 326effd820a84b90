"""Relative places: "south of Tahrir Square", "40 km north of Baghdad", "near the
embassy". A relation word before a resolved place derives an area from it
(:func:`geo.relative.derive_area`) with the relation as its precision."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from shapely.geometry.base import BaseGeometry

from gazetteer.mentions import (
    SENTENCE_BREAKS,
    PlaceMention,
    extend_back_over_words,
    sentence_start_before,
)
from gazetteer.model import Place
from gazetteer.name_matching import NameHit
from gazetteer.normalize import normalize_name
from geo.relative import BEARINGS, DerivedArea, derive_area

#: "40km", "about 60 miles (100 km)", "نحو 40 كم", written before a compass relation.
_DISTANCE_BEFORE = re.compile(
    r"(?:(?:about|some|nearly|around|roughly|نحو|حوالي|قرابة)\s+)?\d[\d,.]*\s*"
    r"(?:(?:km|kilometres|kilometers|kilometre|kilometer|miles|mile|mi)\b|كم|كيلومترا?ت?|ميلا?)"
    r"(?:\s*\([^)]{0,20}\))?\s*$"
)


#: "About a mile away", "some 500 meters away": a distance from a place not named again
#: (never "... away from X", which names its anchor).
_DISTANCE_AWAY = re.compile(
    r"\b(?:(?:about|some|nearly|roughly|around|almost|only|just)\s+)?"
    r"(?P<count>an?|one|two|three|four|five|half\s+a|\d[\d,.]*)\s+"
    r"(?P<unit>miles?|km|kilometres?|kilometers?|metres?|meters?|yards?)\s+away\b(?!\s+from)",
    re.IGNORECASE,
)
_COUNTS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0}
_UNIT_M = {"mile": 1609.0, "km": 1000.0, "kilometre": 1000.0, "kilometer": 1000.0,
           "metre": 1.0, "meter": 1.0, "yard": 0.914}  # fmt: skip


def distances_away(text: str) -> list[tuple[int, int, float]]:
    """``(start, end, metres)`` of every "about a mile away" in ``text``."""
    found = []
    for match in _DISTANCE_AWAY.finditer(text):
        count = match.group("count").casefold()
        if count.startswith("half"):
            number = 0.5
        else:
            number = _COUNTS.get(count) or float(count.replace(",", ""))
        unit = match.group("unit").casefold().rstrip("s")
        found.append((match.start(), match.end(), number * _UNIT_M[unit]))
    return found


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


def _relation_label(name: str) -> str:
    return {"near": "near", "outside": "outside", "inside": "inside"}.get(name, f"{name} of")


class RelativePlaces:
    """The relation rules of :class:`gazetteer.geoparse.Geoparser` (a mixin)."""

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
        if any(c in SENTENCE_BREAKS or c == "," for c in gap_original):
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
                start = extend_back_over_words(text, start, len(lead_in.split()))
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
        ) in self.vocabulary.sentence_opening_relations and not sentence_start_before(text, start):
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

    def _distance_away(
        self, text: str, span: tuple[int, int, float], in_play: Sequence[str]
    ) -> PlaceMention | None:
        """ "About a mile away, two roadside bombs...": near the place in play, within the
        distance the text gives. The anchor is the latest site or district in play: a
        distance is not measured from a city, a river or a walled zone named in passing
        (context.json ``distance_anchor_skip_kinds``)."""
        start, end, metres = span
        anchor = next(
            (
                p
                for p in reversed(in_play)
                if p in self.gazetteer
                and self.gazetteer[p].kind not in self.vocabulary.distance_anchor_skip_kinds
            ),
            None,
        )
        if anchor is None:
            return None
        mention = self._place_mention(text, start, end, anchor, resolved_by="the place in play")
        if mention.geometry is None:
            return None
        near = self._relative(mention, ("near", start), text)
        reach = metres + (self.gazetteer[anchor].uncertainty_m or 0.0)
        return replace(
            near,
            uncertainty_m=round(max(near.uncertainty_m or 0.0, reach), 1),
            resolved_by=f"{metres:.0f} m away from the place in play",
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
