"""Places as event grouping sees them: points in metres and their gazetteer relations.

:class:`PlaceRelations` answers, for one grouping run and with caches, whether two
places may be where one event happened (same place, one part of the other, adjacent,
or within a distance), and lists every gazetteer id related to a place, which is what
lets :mod:`incidents.grouping` index events by place instead of comparing all pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pyproj import Transformer
from shapely.geometry import Point

from gazetteer.model import Gazetteer, Place
from geo.crs import WGS84_EPSG, CrsId, transformer
from geo.relative import radius_m

_RELATIVE_PREFIX = "rel:"


@dataclass(frozen=True, slots=True)
class GroupPlace:
    """A place as the grouping sees it, with its coordinates in the pack's metric CRS."""

    place_id: str
    base: str
    """The gazetteer id the place is (or is anchored on, for ``rel:...`` places)."""
    lat: float
    lon: float
    x: float
    y: float
    uncertainty_m: float
    name: str | None
    precision: str | None


def base_id(place_id: str) -> str:
    """The gazetteer id of a place id (``rel:south:green_zone`` -> ``green_zone``)."""
    if place_id.startswith(_RELATIVE_PREFIX):
        return place_id.split(":", 2)[-1]
    return place_id


def to_metric(crs: CrsId) -> Transformer:
    """The WGS84 -> ``crs`` transformer (the pack's ``metric_crs``), made once per thread."""
    return transformer(WGS84_EPSG, crs)


_KIND_PRECISION = {
    "zone": "zone",
    "city": "city",
    "district": "district",
    "neighbourhood": "district",
}


def precision_of(place: Place) -> str:
    """The geo_precision a gazetteer entry has when an incident is placed at it."""
    if place.kind in _KIND_PRECISION:
        return _KIND_PRECISION[place.kind]
    return "estimated" if place.estimated else "exact"


class PlaceRelations:
    """Gazetteer relations and metric distances, cached for one grouping run."""

    def __init__(self, gazetteer: Gazetteer, *, shared_neighbour: bool = False):
        self.gazetteer = gazetteer
        self.shared_neighbour = shared_neighbour
        self._ancestors: dict[str, frozenset[str]] = {}
        self._neighbours: dict[str, frozenset[str]] = {}
        self._related: dict[str, frozenset[str]] = {}
        self._areas: dict[str, tuple[Any, ...] | None] = {}
        self._located: dict[str, bool] = {}
        self._descendants: dict[str, set[str]] | None = None
        self._enclosed: dict[str, frozenset[str]] = {}

    def ancestors(self, base: str) -> frozenset[str]:
        found = self._ancestors.get(base)
        if found is None:
            known = base in self.gazetteer
            found = frozenset(self.gazetteer.ancestors(base)) if known else frozenset()
            self._ancestors[base] = found
        return found

    def neighbours(self, base: str) -> frozenset[str]:
        found = self._neighbours.get(base)
        if found is None:
            known = base in self.gazetteer
            found = frozenset(self.gazetteer.neighbours(base)) if known else frozenset()
            self._neighbours[base] = found
        return found

    def related(self, a: GroupPlace, b: GroupPlace) -> bool:
        """Same place or anchor, one part of the other, adjacent, or (when the rules say
        so) both adjacent to one place, as the two ends of a bridge are."""
        return self.relation(a, b) is not None

    def relation(self, a: GroupPlace, b: GroupPlace) -> str | None:
        """How two places are related in the gazetteer: a key of :data:`REASON_TEXT`."""
        if a.base == b.base:
            return "same_place"
        if a.base in self.ancestors(b.base) or b.base in self.ancestors(a.base):
            return "nested_place"
        neighbours = self.neighbours(a.base)
        if b.base in neighbours:
            return "adjacent_place"
        if self.shared_neighbour and not neighbours.isdisjoint(self.neighbours(b.base)):
            return "adjacent_place"
        return None

    def related_bases(self, base: str) -> frozenset[str]:
        """Every gazetteer id :meth:`related` would accept with ``base`` (for the index)."""
        found = self._related.get(base)
        if found is not None:
            return found
        if self._descendants is None:
            descendants: dict[str, set[str]] = {}
            for place_id in self.gazetteer:
                for ancestor in self.ancestors(place_id):
                    descendants.setdefault(ancestor, set()).add(place_id)
            self._descendants = descendants
        related = {base, *self.ancestors(base), *self._descendants.get(base, ())}
        neighbours = self.neighbours(base)
        related |= neighbours
        if self.shared_neighbour:
            for neighbour in neighbours:
                related |= self.neighbours(neighbour)
        found = frozenset(related)
        self._related[base] = found
        return found

    def enclosed_by(self, outer: str) -> frozenset[str]:
        """``outer`` and every gazetteer id inside it (what :meth:`encloses` accepts)."""
        found = self._enclosed.get(outer)
        if found is None:
            self.related_bases(outer)  # builds the descendants map
            assert self._descendants is not None
            found = frozenset({outer, *self._descendants.get(outer, ())})
            self._enclosed[outer] = found
        return found

    @staticmethod
    def distance(a: GroupPlace, b: GroupPlace) -> float:
        return math.hypot(a.x - b.x, a.y - b.y)

    def compatible(self, a: GroupPlace, b: GroupPlace, threshold_m: float) -> bool:
        """Whether two places may be where one event happened."""
        if math.hypot(a.x - b.x, a.y - b.y) <= max(threshold_m, a.uncertainty_m + b.uncertainty_m):
            return True
        return self.relation(a, b) is not None

    def encloses(self, outer: GroupPlace, inner: GroupPlace) -> bool:
        """Whether ``outer`` is ``inner``'s place or one of its containing places."""
        return outer.base == inner.base or outer.base in self.ancestors(inner.base)

    def nested(self, a: GroupPlace, b: GroupPlace) -> bool:
        """Whether one of two places contains the other (by ``part_of``)."""
        return self.encloses(a, b) or self.encloses(b, a)

    def nested_bases(self, a: str, b: str) -> bool:
        """:meth:`nested` for two places of gazetteer ids ``a`` and ``b``."""
        return a == b or a in self.ancestors(b) or b in self.ancestors(a)

    def area_of(self, place: GroupPlace, area_kinds: frozenset[str]) -> GroupPlace:
        """The smallest area (a place of one of ``area_kinds``) that is or contains ``place``.

        ``place`` itself when it is an area already, or when no located area contains it.
        """
        if place.base not in self._areas:
            self._areas[place.base] = self._find_area(place.base, area_kinds)
        area = self._areas[place.base]
        if area is None:
            return place
        area_id, lat, lon, x, y, extent, name, precision = area
        return GroupPlace(
            place_id=area_id,
            base=area_id,
            lat=lat,
            lon=lon,
            x=x,
            y=y,
            uncertainty_m=round(max(extent, place.uncertainty_m), 1),
            name=name,
            precision=precision,
        )

    def _find_area(self, base: str, area_kinds: frozenset[str]) -> tuple[Any, ...] | None:
        for area_id in (base, *self.gazetteer.ancestors(base)):
            area = self.gazetteer.get(area_id) if area_id in self.gazetteer else None
            if area is None or area.kind not in area_kinds:
                continue
            if area_id == base:
                return None
            if area.lat_lon is None or area.geometry is None:
                continue
            lat, lon = area.lat_lon
            crs = self.gazetteer.pack.metric_crs
            x, y = to_metric(crs).transform(lon, lat)
            extent = max(
                area.uncertainty_m, radius_m(area.geometry, crs=crs, around=Point(lon, lat))
            )
            return (area.id, lat, lon, x, y, extent, area.name, precision_of(area))
        return None

    def is_located(self, base: str) -> bool:
        """False for a gazetteer entry without coordinates of its own (placed at its container)."""
        found = self._located.get(base)
        if found is None:
            entry = self.gazetteer.get(base) if base in self.gazetteer else None
            found = entry is None or (
                entry.geometry is not None and entry.coordinate_basis != "not_located"
            )
            self._located[base] = found
        return found
