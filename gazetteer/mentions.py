"""A place as a report mentions it (:class:`PlaceMention`) and the small text helpers
the resolvers share: its role, place, precision and the reason it was resolved so."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from shapely.geometry.base import BaseGeometry

from gazetteer.model import Place

#: Roles a mention can have; only ``location`` mentions are ever mapped.
ROLES = ("location", "outside", "dateline", "organisation", "author", "attribute", "person")


#: Precision classes, most precise first.
PRECISIONS = ("exact", "estimated", "zone", "relative", "district", "city", "country")


#: Characters that end a sentence or a clause, in English and Arabic.
SENTENCE_BREAKS = frozenset(".;!?\n؟؛")


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


def sentence_start_before(text: str, index: int) -> bool:
    head = text[max(0, index - 4) : max(0, index)].rstrip(" \"'“‘(")
    return not head or head[-1] in ".!?:\n"


def extend_mention(mention: PlaceMention, text: str, start: int, end: int) -> PlaceMention:
    return replace(mention, text=text[start:end], start=start, end=end)


def as_non_location(mention: PlaceMention, role: str, why: str) -> PlaceMention:
    return replace(
        mention, role=role, lat=None, lon=None, precision=None, uncertainty_m=None,
        geometry=None, resolved_by=f"not a location: {why}",
        place_id=None, place_name=mention.place_name, alternatives=(), note=None,
    )  # fmt: skip


def extend_back_to_word(text: str, start: int, words: tuple[str, ...]) -> int:
    """Move ``start`` back over one preceding word if it is one of ``words``."""
    floor = max(0, start - 40)  # a bounded look-back: no copy of the whole text per mention
    head = text[floor:start].rstrip()
    for word in words:
        if head.endswith(word) and (len(head) == len(word) or not head[-len(word) - 1].isalnum()):
            return floor + len(head) - len(word)
    return start


def extend_back_over_words(text: str, start: int, count: int) -> int:
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
