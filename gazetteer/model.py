"""Gazetteer entries and the loader for gazetteer files.

A gazetteer file is a GeoJSON FeatureCollection, one Feature per place, so a GIS
user can open and edit it in QGIS. Properties of each feature:

``id``                 stable identifier (also the Feature ``id``)
``name``, ``name_ar``  the English and Arabic names shown to users
``kind``               one of :data:`KINDS` (zone, gate, building, bridge, street, market...)
``aliases``            English spelling variants and transliterations
``aliases_ar``         Arabic variants
``historic_names``     former names (any script): they match, and the match says so
``label_point``        optional [lon, lat] where a mention of an outline or line is placed
``part_of``            id of the containing place (a gate is part of the Green Zone)
``adjacent_to``        ids of neighbouring places
``coordinate_basis``   ``published``, ``derived``, ``estimate`` or ``not_located``
``uncertainty_m``      radius in metres within which the place is believed to lie
``confidence``         the source's confidence in words
``source``             where the coordinates come from (required)
``notes``              what is estimated, and traps to avoid
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.errors import GazetteerError

if TYPE_CHECKING:
    from gazetteer.pack import Pack

#: Kinds of place a gazetteer entry may be.
KINDS = frozenset(
    {
        "zone",
        "gate",
        "building",
        "bridge",
        "square",
        "district",
        "neighbourhood",
        "city",
        "river",
        "park",
        "monument",
        "compound",
        # the whole city (scripts/import_research_places.py)
        "governorate",
        "town",
        "street",
        "canal",
        "market",
        "mosque",
        "shrine",
        "church",
        "hospital",
        "university",
        "ministry",
        "government",
        "hotel",
        "airport",
        "base",
        "palace",
        "prison",
        "embassy",
        "stadium",
        "area",
    }
)
#: How an entry's coordinates were obtained, best first.
COORDINATE_BASES = ("published", "derived", "estimate", "not_located")

#: The bundled pack's curated landmarks (its place files are listed in data/pack.json).
BUNDLED_GAZETTEER = "baghdad.geojson"
#: The rest of the city, imported from the research list by scripts/import_research_places.py.
BUNDLED_CITY_GAZETTEER = "baghdad_places.geojson"


@dataclass(frozen=True)
class Place:
    """One gazetteer entry: a named place with its geometry and provenance."""

    id: str
    name: str
    kind: str
    geometry: BaseGeometry | None
    source: str
    coordinate_basis: str
    uncertainty_m: float
    name_ar: str | None = None
    aliases: tuple[str, ...] = ()
    aliases_ar: tuple[str, ...] = ()
    part_of: str | None = None
    adjacent_to: tuple[str, ...] = ()
    historic_names: tuple[str, ...] = ()
    label_point: tuple[float, float] | None = None
    """[lon, lat] a mention of the place is drawn at, when not its representative point."""
    confidence: str = ""
    notes: str = ""
    origin: str = field(default="", compare=False)
    """The file the entry was read from, for messages."""

    @property
    def all_names(self) -> tuple[str, ...]:
        """Every name the place goes by, English and Arabic."""
        names = [self.name, *self.aliases]
        if self.name_ar:
            names.append(self.name_ar)
        names.extend(self.aliases_ar)
        names.extend(self.historic_names)
        return tuple(dict.fromkeys(n for n in names if n))

    @property
    def estimated(self) -> bool:
        """True when the coordinates are an estimate rather than published or derived."""
        return self.coordinate_basis in ("estimate", "not_located")

    @property
    def lat_lon(self) -> tuple[float, float] | None:
        """A representative point inside the geometry, as (lat, lon)."""
        if self.geometry is None or self.geometry.is_empty:
            return None
        if self.label_point is not None:
            return (round(self.label_point[1], 7), round(self.label_point[0], 7))
        if self.geometry.geom_type == "Point":
            point = self.geometry
        else:
            point = self.geometry.representative_point()
        return (round(point.y, 7), round(point.x, 7))


def _tuple_of_str(value: Any, *, key: str, where: str, origin: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"entry {where}: '{key}' must be a list of strings, got {value!r}"
        raise GazetteerError(msg, path=origin)
    return tuple(v.strip() for v in value if v.strip())


def place_from_feature(feature: Mapping[str, Any], *, origin: str, index: int) -> Place:
    """Build a :class:`Place` from one GeoJSON feature, with messages naming the entry."""
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        msg = f"feature #{index} is not a GeoJSON Feature object"
        raise GazetteerError(msg, path=origin)
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        msg = f"feature #{index}: 'properties' must be an object"
        raise GazetteerError(msg, path=origin)
    place_id = props.get("id", feature.get("id"))
    where = f"'{place_id}'" if isinstance(place_id, str) else f"#{index}"
    if not isinstance(place_id, str) or not place_id.strip():
        msg = f"feature #{index} has no 'id'; give every entry a unique id string"
        raise GazetteerError(msg, path=origin)
    name = props.get("name")
    if not isinstance(name, str) or not name.strip():
        msg = f"entry {where} has no 'name'"
        raise GazetteerError(msg, path=origin)
    kind = props.get("kind")
    if kind not in KINDS:
        msg = f"entry {where}: kind {kind!r} is not one of {', '.join(sorted(KINDS))}"
        raise GazetteerError(msg, path=origin)
    basis = props.get("coordinate_basis", "estimate")
    if basis not in COORDINATE_BASES:
        msg = (
            f"entry {where}: coordinate_basis {basis!r} is not one of {', '.join(COORDINATE_BASES)}"
        )
        raise GazetteerError(msg, path=origin)
    raw_geometry = feature.get("geometry")
    geometry: BaseGeometry | None = None
    if raw_geometry is not None:
        try:
            geometry = shape(raw_geometry)
        except Exception as exc:
            msg = f"entry {where}: geometry cannot be read ({exc})"
            raise GazetteerError(msg, path=origin) from exc
    elif basis != "not_located":
        msg = f"entry {where} has no geometry; set coordinate_basis to 'not_located' if unknown"
        raise GazetteerError(msg, path=origin)
    uncertainty = props.get("uncertainty_m")
    if (
        not isinstance(uncertainty, int | float)
        or isinstance(uncertainty, bool)
        or not math.isfinite(uncertainty)
        or uncertainty < 0
    ):
        msg = f"entry {where}: 'uncertainty_m' must be a non-negative number of metres"
        raise GazetteerError(msg, path=origin)
    part_of = props.get("part_of")
    if part_of is not None and not isinstance(part_of, str):
        msg = f"entry {where}: 'part_of' must be an entry id or null"
        raise GazetteerError(msg, path=origin)
    name_ar = props.get("name_ar")
    if name_ar is not None and not isinstance(name_ar, str):
        msg = f"entry {where}: 'name_ar' must be a string or null"
        raise GazetteerError(msg, path=origin)
    label = props.get("label_point")
    if label is not None and not (
        isinstance(label, list)
        and len(label) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in label)
    ):
        msg = f"entry {where}: 'label_point' must be [lon, lat] or null"
        raise GazetteerError(msg, path=origin)
    return Place(
        id=place_id.strip(),
        name=name.strip(),
        kind=kind,
        geometry=geometry,
        source=str(props.get("source") or "").strip(),
        coordinate_basis=basis,
        uncertainty_m=float(uncertainty),
        name_ar=name_ar.strip() if name_ar else None,
        aliases=_tuple_of_str(props.get("aliases"), key="aliases", where=where, origin=origin),
        aliases_ar=_tuple_of_str(
            props.get("aliases_ar"), key="aliases_ar", where=where, origin=origin
        ),
        part_of=part_of or None,
        adjacent_to=_tuple_of_str(
            props.get("adjacent_to"), key="adjacent_to", where=where, origin=origin
        ),
        historic_names=_tuple_of_str(
            props.get("historic_names"), key="historic_names", where=where, origin=origin
        ),
        label_point=(float(label[0]), float(label[1])) if label is not None else None,
        confidence=str(props.get("confidence") or ""),
        notes=str(props.get("notes") or ""),
        origin=origin,
    )


class _NotJsonNumberError(ValueError):
    """``NaN`` or ``Infinity``: Python's json reads them, but JSON has no such numbers."""


def _refuse_constant(name: str) -> float:
    raise _NotJsonNumberError(name)


def parse_gazetteer(text: str, *, origin: str) -> list[Place]:
    """Parse the text of a gazetteer file into places, in file order."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise GazetteerError(msg, path=origin, line=exc.lineno) from exc
    except _NotJsonNumberError as exc:
        msg = f"not valid JSON: {exc} is not a number JSON allows; write a plain number"
        raise GazetteerError(msg, path=origin) from None
    except RecursionError:
        msg = "not a gazetteer: its JSON is nested too deeply to read"
        raise GazetteerError(msg, path=origin) from None
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        msg = "a gazetteer must be a GeoJSON FeatureCollection"
        raise GazetteerError(msg, path=origin)
    features = data.get("features")
    if not isinstance(features, list):
        msg = "the FeatureCollection has no 'features' list"
        raise GazetteerError(msg, path=origin)
    return [place_from_feature(f, origin=origin, index=i) for i, f in enumerate(features)]


def read_gazetteer_file(path: str | Path) -> list[Place]:
    """Read the places of one gazetteer file from disk."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        msg = "gazetteer file not found"
        raise GazetteerError(msg, path=path) from exc
    except UnicodeDecodeError as exc:
        msg = f"gazetteer file is not UTF-8 ({exc.reason} at byte {exc.start})"
        raise GazetteerError(msg, path=path) from exc
    except OSError as exc:
        msg = f"gazetteer file cannot be read: {exc.strerror}"
        raise GazetteerError(msg, path=path) from exc
    return parse_gazetteer(text, origin=str(path))


def bundled_places() -> list[Place]:
    """The bundled pack's places: the curated landmarks, then the rest of the city."""
    from gazetteer.pack import bundled_pack_places

    return bundled_pack_places()


class Gazetteer(Mapping[str, Place]):
    """An id-indexed, read-only set of places with their family relations.

    Use :func:`load_gazetteer` to make one. ``pack`` is the pack the places belong
    to (its time zone, country, area, metric CRS and vocabulary travel with the
    gazetteer to every worker); the bundled pack when not given.
    """

    def __init__(self, places: list[Place], *, pack: Pack | None = None):
        if pack is None:
            from gazetteer.pack import bundled_pack

            pack = bundled_pack()
        self.pack = pack
        by_id: dict[str, Place] = {}
        for place in places:
            if place.id in by_id:
                msg = f"duplicate id '{place.id}'; every entry needs its own id"
                raise GazetteerError(msg, path=place.origin or None)
            by_id[place.id] = place
        self._places = by_id
        children: dict[str, list[str]] = {}
        for place in places:
            if place.part_of:
                children.setdefault(place.part_of, []).append(place.id)
        self._children = {k: tuple(v) for k, v in children.items()}
        adjacent: dict[str, list[str]] = {}
        for place in places:
            for other in place.adjacent_to:
                adjacent.setdefault(place.id, []).append(other)
                adjacent.setdefault(other, []).append(place.id)
        self._neighbours = {
            k: tuple(dict.fromkeys(i for i in v if i in by_id and i != k))
            for k, v in adjacent.items()
        }
        kinds: dict[str, list[str]] = {}
        for place in places:
            kinds.setdefault(place.kind, []).append(place.id)
        self._by_kind = {k: tuple(v) for k, v in kinds.items()}
        self._ancestors: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, place_id: str) -> Place:
        return self._places[place_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def children(self, place_id: str) -> tuple[str, ...]:
        """Ids of the places directly ``part_of`` this one."""
        return self._children.get(place_id, ())

    def ancestors(self, place_id: str) -> tuple[str, ...]:
        """Ids of the containing places, nearest first (cycles are cut, not followed)."""
        chain = self._ancestors.get(place_id)
        if chain is None:
            chain = self._chain_of(place_id)
            if place_id in self._places:  # bounded: one per entry
                self._ancestors[place_id] = chain
        return chain

    def _chain_of(self, place_id: str) -> tuple[str, ...]:
        chain: list[str] = []
        current = self._places.get(place_id)
        while current is not None and current.part_of and current.part_of not in chain:
            if current.part_of == place_id:
                break
            chain.append(current.part_of)
            current = self._places.get(current.part_of)
        return tuple(chain)

    def neighbours(self, place_id: str) -> tuple[str, ...]:
        """Ids of places adjacent to this one, in either direction of ``adjacent_to``."""
        if place_id not in self._places:
            raise KeyError(place_id)
        return self._neighbours.get(place_id, ())

    def of_kind(self, kind: str) -> tuple[str, ...]:
        """Ids of the places of one kind, in file order."""
        return self._by_kind.get(kind, ())


def load_gazetteer(
    path: str | Path | None = None, *, extend: bool = True, pack: str | Path | None = None
) -> Gazetteer:
    """Load a pack's gazetteer (the bundled one by default), extended (or replaced)
    by a user's file.

    Parameters
    ----------
    path
        A user's gazetteer GeoJSON. ``None`` loads only the pack's places.
    extend
        With a ``path``: ``True`` adds its entries to the pack's (an entry with the
        same id replaces that entry); ``False`` uses the file alone.
    pack
        A pack folder (:mod:`gazetteer.pack`); ``None`` for the bundled pack.
    """
    from gazetteer.pack import load_pack

    active, pack_places = load_pack(pack)
    if path is None:
        return Gazetteer(pack_places, pack=active)
    user_places = read_gazetteer_file(path)
    if not extend:
        return Gazetteer(user_places, pack=active)
    user_ids = {p.id for p in user_places}
    seen: set[str] = set()
    for place in user_places:
        if place.id in seen:
            msg = f"duplicate id '{place.id}'; every entry needs its own id"
            raise GazetteerError(msg, path=path)
        seen.add(place.id)
    merged = [p for p in pack_places if p.id not in user_ids] + user_places
    return Gazetteer(merged, pack=active)
