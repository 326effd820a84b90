"""Validate a gazetteer: the rules a curated place list must keep.

:func:`gazetteer.model.read_gazetteer_file` only refuses what cannot be read.
This module checks what reads fine but would mislead: duplicate ids, unsourced
coordinates, broken or swapped geometries, a gate far from its zone, a bridge that
does not reach the river, dangling or circular ``part_of`` links and names shared
by two places. It returns problems instead of raising, so one run lists them all.

Geometry types allowed per kind (see :data:`GEOMETRY_TYPES_BY_KIND`):

==========================================  =====================================
kind                                        geometry
==========================================  =====================================
zone                                        Polygon, MultiPolygon
city, governorate, district, town,          Polygon, MultiPolygon, or a Point with
neighbourhood, area                         an uncertainty_m of at least 400 m (a
                                            smaller radius is a warning)
park, compound, square, building,           Point, Polygon, MultiPolygon
monument, market, mosque, shrine, church,
hospital, university, ministry, government,
hotel, airport, base, palace, prison,
embassy, stadium
gate                                        Point
bridge                                      LineString, MultiLineString, or a
                                            Point; either must reach a river
street, river, canal                        LineString, MultiLineString, or a
                                            Point with a radius (a street need
                                            not cross the river)
==========================================  =====================================

Run ``python -m gazetteer.check FILE [--with-bundled]`` to check a file by hand.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import shapely
import shapely.ops
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from gazetteer.model import KINDS, Gazetteer, Place, read_gazetteer_file
from gazetteer.pack import Pack, bundled_pack, load_pack
from geo.crs import CrsId, distance_m, to_metric
from geo.errors import GazetteerError

Severity = Literal["error", "warning"]


#: Geometry types each kind must have (anything else is an error).
_AREA = frozenset({"Polygon", "MultiPolygon", "Point"})
_LINEAR = frozenset({"LineString", "MultiLineString", "Point"})
#: Kinds that are areas: a Point is accepted for them with a radius, else with a warning.
AREA_KINDS = frozenset({"city", "governorate", "district", "town", "neighbourhood", "area"})
#: Kinds of buildings and sites: a point or an outline.
SITE_KINDS = frozenset(
    {
        "park", "compound", "square", "building", "monument", "market", "mosque", "shrine",
        "church", "hospital", "university", "ministry", "government", "hotel", "airport",
        "base", "palace", "prison", "embassy", "stadium",
    }
)  # fmt: skip
GEOMETRY_TYPES_BY_KIND: Mapping[str, frozenset[str]] = {
    "zone": frozenset({"Polygon", "MultiPolygon"}),
    **dict.fromkeys(AREA_KINDS, _AREA),
    **dict.fromkeys(SITE_KINDS, _AREA),
    "gate": frozenset({"Point"}),
    "bridge": _LINEAR,
    "river": _LINEAR,
    "canal": _LINEAR,
    "street": _LINEAR,
}
#: A Point stands for an area when its uncertainty radius is at least this.
AREA_POINT_MIN_RADIUS_M = 400.0
#: A gate further than this from its zone's edge is misplaced.
GATE_MAX_DISTANCE_M = 500.0
_POLYGON_TYPES = frozenset({"Polygon", "MultiPolygon"})
_LINE_TYPES = frozenset({"LineString", "MultiLineString"})
#: Step used to sample the outline of a geometry that leaves its parent.
_SAMPLE_STEP_M = 25.0
_DEFAULT_ORIGIN = "<places>"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a gazetteer, tied to the entry and file it is in."""

    place_id: str | None
    severity: Severity
    message: str
    origin: str

    def __str__(self) -> str:
        entry = f"entry '{self.place_id}': " if self.place_id is not None else ""
        return f"{self.origin}: {entry}{self.message}"


def _problem(place: Place, severity: Severity, message: str) -> Problem:
    return Problem(place.id, severity, message, place.origin or _DEFAULT_ORIGIN)


def _usable(geometry: BaseGeometry | None) -> bool:
    """True when a geometry is present, non-empty and valid."""
    return geometry is not None and not geometry.is_empty and geometry.is_valid


def _placed(geometry: BaseGeometry | None, area: BaseGeometry) -> bool:
    """True when a geometry can take part in checks between places.

    A geometry outside the area is already reported; measuring it against other
    places would only add noise.
    """
    return _usable(geometry) and area.covers(geometry)


def _first_coordinate(geometry: BaseGeometry) -> tuple[float, float]:
    x, y = shapely.get_coordinates(geometry)[0]
    return float(x), float(y)


def _describe_area(area: BaseGeometry) -> str:
    min_lon, min_lat, max_lon, max_lat = area.bounds
    return f"lon {min_lon:g} to {max_lon:g}, lat {min_lat:g} to {max_lat:g}"


# --------------------------------------------------------------------- per entry


def _check_source(place: Place) -> Iterable[Problem]:
    if not place.source.strip():
        yield _problem(
            place, "error", "has no 'source'; say where its coordinates (or its name) come from"
        )


def _check_geometry_validity(place: Place) -> Iterable[Problem]:
    geometry = place.geometry
    if geometry is None:
        if place.coordinate_basis != "not_located":
            yield _problem(
                place,
                "error",
                "has no geometry; set coordinate_basis to 'not_located' if it is unknown",
            )
        return
    if place.coordinate_basis == "not_located":
        yield _problem(
            place,
            "warning",
            "coordinate_basis is 'not_located' but it has a geometry; "
            "use 'estimate' if you placed it yourself",
        )
    if geometry.is_empty:
        yield _problem(place, "error", f"its {geometry.geom_type} geometry is empty")
        return
    if not geometry.is_valid:
        reason = explain_validity(geometry)
        hint = (
            "; a polygon's outline must not cross itself"
            if "self-intersection" in reason.casefold()
            else ""
        )
        yield _problem(place, "error", f"invalid {geometry.geom_type} geometry: {reason}{hint}")


def _check_geometry_type(place: Place) -> Iterable[Problem]:
    allowed = GEOMETRY_TYPES_BY_KIND.get(place.kind)
    if allowed is None:
        known = ", ".join(sorted(KINDS))
        yield _problem(place, "error", f"kind {place.kind!r} is not one of {known}")
        return
    if place.geometry is None:
        return
    geom_type = place.geometry.geom_type
    if geom_type not in allowed:
        wanted = " or ".join(sorted(allowed - {"Point"} if place.kind in AREA_KINDS else allowed))
        yield _problem(place, "error", f"a {place.kind} needs a {wanted} geometry, got {geom_type}")
    elif (
        place.kind in AREA_KINDS
        and geom_type == "Point"
        and place.uncertainty_m < AREA_POINT_MIN_RADIUS_M
    ):
        yield _problem(
            place,
            "warning",
            f"a {place.kind} given as a Point with a radius under "
            f"{AREA_POINT_MIN_RADIUS_M:g} m; draw an outline, even an estimated one, "
            "or give the uncertainty_m that covers it, so that 'in this place' has an extent",
        )


def _check_orientation(place: Place) -> Iterable[Problem]:
    geometry = place.geometry
    if not _usable(geometry) or geometry.geom_type not in _POLYGON_TYPES:
        return
    polygons = getattr(geometry, "geoms", [geometry])
    if any(not polygon.exterior.is_ccw for polygon in polygons):
        yield _problem(
            place,
            "warning",
            "a polygon's outer ring runs clockwise; GeoJSON (RFC 7946) wants it counter-clockwise",
        )


def _check_in_area(place: Place, area: BaseGeometry) -> Iterable[Problem]:
    geometry = place.geometry
    if not _usable(geometry) or area.covers(geometry):
        return
    swapped = shapely.transform(geometry, lambda coords: coords[:, ::-1])
    x, y = _first_coordinate(geometry)
    if area.covers(swapped):
        yield _problem(
            place,
            "error",
            f"looks like lat/lon are swapped: GeoJSON wants [lon, lat], "
            f"so [{x:.5f}, {y:.5f}] should probably be [{y:.5f}, {x:.5f}]",
        )
    else:
        yield _problem(
            place,
            "error",
            f"lies outside the expected area ({_describe_area(area)}), "
            f"e.g. at [{x:.5f}, {y:.5f}]; check its coordinates",
        )


# --------------------------------------------------------------------- across entries


def _check_unique_ids(places: Sequence[Place]) -> Iterable[Problem]:
    first_index: dict[str, int] = {}
    for index, place in enumerate(places):
        if place.id in first_index:
            yield _problem(
                place,
                "error",
                f"duplicate id (entries #{first_index[place.id]} and #{index}); "
                "every entry needs its own id",
            )
        else:
            first_index[place.id] = index


def _check_references(places: Sequence[Place], by_id: Mapping[str, Place]) -> Iterable[Problem]:
    for place in places:
        if place.part_of is not None and place.part_of not in by_id:
            yield _problem(place, "error", f"part_of '{place.part_of}' is not the id of any entry")
        for neighbour in place.adjacent_to:
            if neighbour == place.id:
                yield _problem(place, "warning", "adjacent_to names the entry itself")
            elif neighbour not in by_id:
                yield _problem(
                    place, "error", f"adjacent_to '{neighbour}' is not the id of any entry"
                )


def _check_part_of_cycles(places: Sequence[Place], by_id: Mapping[str, Place]) -> Iterable[Problem]:
    order = {place.id: index for index, place in reversed(list(enumerate(places)))}
    settled: set[str] = set()
    for place in places:
        path: list[str] = []
        current: str | None = place.id
        while current is not None and current in by_id and current not in settled:
            if current in path:
                cycle = path[path.index(current) :]
                start = min(range(len(cycle)), key=lambda i: order[cycle[i]])
                cycle = cycle[start:] + cycle[:start]
                chain = " -> ".join([*cycle, cycle[0]])
                yield _problem(
                    by_id[cycle[0]],
                    "error",
                    f"part_of cycle: {chain}; a place cannot contain itself",
                )
                break
            path.append(current)
            current = by_id[current].part_of
        settled.update(path)


def _overshoot_m(child: BaseGeometry, parent: BaseGeometry, crs: CrsId) -> float:
    """How far, in metres, a WGS84 geometry reaches outside a WGS84 polygon."""
    child_m = to_metric(child, crs=crs)
    parent_m = to_metric(parent, crs=crs)
    if parent_m.covers(child_m):
        return 0.0
    outside = shapely.segmentize(child_m.difference(parent_m), _SAMPLE_STEP_M)
    points = shapely.points(shapely.get_coordinates(outside))
    return float(max(shapely.distance(points, parent_m), default=0.0))


def _check_containment(
    places: Sequence[Place], by_id: Mapping[str, Place], area: BaseGeometry, crs: CrsId
) -> Iterable[Problem]:
    for place in places:
        parent = by_id.get(place.part_of) if place.part_of else None
        if parent is None or parent.id == place.id:
            continue
        if not (_placed(place.geometry, area) and _placed(parent.geometry, area)):
            continue
        if parent.geometry.geom_type not in _POLYGON_TYPES:
            continue
        if place.kind == "gate" and parent.kind == "zone":
            continue  # gates sit on the perimeter: see _check_gates
        overshoot = _overshoot_m(place.geometry, parent.geometry, crs)
        if overshoot > place.uncertainty_m:
            yield _problem(
                place,
                "error",
                f"lies {overshoot:.0f} m outside '{parent.id}', the place it is part_of, more "
                f"than its uncertainty_m of {place.uncertainty_m:g}; "
                "fix its coordinates or its part_of",
            )


def _check_gates(
    places: Sequence[Place], by_id: Mapping[str, Place], area: BaseGeometry, crs: CrsId
) -> Iterable[Problem]:
    for place in places:
        if place.kind != "gate":
            continue
        if place.part_of is None:
            yield _problem(place, "warning", "a gate should be part_of the zone it leads into")
            continue
        zone = by_id.get(place.part_of)
        if zone is None or zone.kind != "zone":
            continue
        if not (_placed(place.geometry, area) and _placed(zone.geometry, area)):
            continue
        if zone.geometry.geom_type not in _POLYGON_TYPES:
            continue
        distance = distance_m(place.geometry, zone.geometry.boundary, crs=crs)
        if distance > GATE_MAX_DISTANCE_M:
            yield _problem(
                place,
                "error",
                f"gate is {distance:.0f} m from the edge of its zone '{zone.id}' "
                f"(at most {GATE_MAX_DISTANCE_M:.0f} m); a gate belongs on the perimeter",
            )


def _check_bridges(places: Sequence[Place], area: BaseGeometry, crs: CrsId) -> Iterable[Problem]:
    """A bridge line must cross a river; a bridge point must lie within its radius of one.

    A river known only as a point counts within the two radii. Where the river's line
    ends before the bridge point, the check cannot be made: a warning says so. Streets,
    canals and other lines need not cross anything.
    """
    bridges = [p for p in places if p.kind == "bridge" and _placed(p.geometry, area)]
    rivers = [p for p in places if p.kind == "river" and _placed(p.geometry, area)]
    if not bridges:
        return
    if not rivers:
        origin = bridges[0].origin or _DEFAULT_ORIGIN
        message = "no entry of kind 'river', so bridges could not be checked against one"
        yield Problem(None, "warning", message, origin)
        return
    lines = [r for r in rivers if r.geometry.geom_type in _LINE_TYPES]
    river_ids = ", ".join(f"'{river.id}'" for river in lines)
    for bridge in bridges:
        geometry = bridge.geometry
        if any(geometry.intersects(river.geometry) for river in lines):
            continue
        if any(
            distance_m(geometry, r.geometry, crs=crs) <= bridge.uncertainty_m + r.uncertainty_m
            for r in rivers
            if r.geometry.geom_type == "Point"
        ):
            continue
        if not lines:
            continue
        nearest_river = min(lines, key=lambda r: distance_m(geometry, r.geometry, crs=crs))
        nearest = distance_m(geometry, nearest_river.geometry, crs=crs)
        if geometry.geom_type != "Point":
            yield _problem(
                bridge,
                "error",
                f"bridge does not cross the river ({river_ids}; nearest {nearest:.0f} m away); "
                "draw the line from bank to bank",
            )
            continue
        if nearest <= bridge.uncertainty_m + nearest_river.uncertainty_m:
            continue
        if _beyond_line_ends(geometry, nearest_river.geometry):
            yield _problem(
                bridge,
                "warning",
                f"bridge point lies beyond the ends of the river line '{nearest_river.id}' "
                f"({nearest:.0f} m from it), so it cannot be checked; extend the river line",
            )
            continue
        yield _problem(
            bridge,
            "warning" if bridge.estimated else "error",
            f"bridge point lies {nearest:.0f} m from the river ({river_ids}), more than its "
            f"uncertainty_m of {bridge.uncertainty_m:g} and the river's together; "
            "move it onto the river",
        )


def _beyond_line_ends(point: BaseGeometry, line: BaseGeometry) -> bool:
    """True when the nearest point of ``line`` to ``point`` is one of the line's ends."""
    parts = getattr(line, "geoms", [line])
    ends = [shapely.Point(part.coords[i]) for part in parts for i in (0, -1)]
    nearest = shapely.ops.nearest_points(line, point)[0]
    return any(nearest.distance(end) < 1e-9 for end in ends)


def _normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_shared_names(places: Sequence[Place]) -> Iterable[Problem]:
    owners: dict[str, list[Place]] = {}
    spelling: dict[str, str] = {}
    for place in places:
        for name in place.all_names:
            key = _normalise_name(name)
            if not key:
                continue
            spelling.setdefault(key, name.strip())
            entries = owners.setdefault(key, [])
            if all(other.id != place.id for other in entries):
                entries.append(place)
    for key, entries in owners.items():
        if len(entries) < 2:
            continue
        quoted = [f"'{entry.id}'" for entry in entries]
        listed = ", ".join(quoted[:-1]) + f" and {quoted[-1]}"
        yield _problem(
            entries[1],
            "warning",
            f"name or alias '{spelling[key]}' is shared by entries {listed}; a mention of it "
            "cannot tell them apart: keep it on the most specific entry or document why",
        )


# --------------------------------------------------------------------- entry points


def check_places(
    places: Sequence[Place], *, area: BaseGeometry | None = None, pack: Pack | None = None
) -> list[Problem]:
    """Check a list of places against every gazetteer rule.

    Parameters
    ----------
    places
        The entries in file order; duplicates are allowed here (and reported).
    area
        Where the places must lie, in WGS84; defaults to the pack's ``area``.
    pack
        The pack the places belong to (its area and metric CRS); the bundled one
        when not given.

    Returns
    -------
    list[Problem]
        Errors and warnings, grouped by rule, in entry order within a rule.
    """
    pack = pack or bundled_pack()
    area = box(*pack.area) if area is None else area
    crs = pack.metric_crs
    by_id: dict[str, Place] = {}
    for place in places:
        by_id.setdefault(place.id, place)
    problems: list[Problem] = list(_check_unique_ids(places))
    for place in places:
        problems.extend(_check_source(place))
        problems.extend(_check_geometry_validity(place))
        problems.extend(_check_geometry_type(place))
        problems.extend(_check_orientation(place))
        problems.extend(_check_in_area(place, area))
    problems.extend(_check_references(places, by_id))
    problems.extend(_check_part_of_cycles(places, by_id))
    problems.extend(_check_containment(places, by_id, area, crs))
    problems.extend(_check_gates(places, by_id, area, crs))
    problems.extend(_check_bridges(places, area, crs))
    problems.extend(_check_shared_names(places))
    return problems


def check_gazetteer_file(
    path: str | Path, *, with_bundled: bool = False, pack: str | Path | None = None
) -> list[Problem]:
    """Read a gazetteer file and check it.

    Parameters
    ----------
    path
        A GeoJSON gazetteer file.
    with_bundled
        Check the file as an extension of the pack's gazetteer (its entries replace
        the pack's with the same id), so links to the pack's ids such as
        ``green_zone`` resolve.
    pack
        The pack folder whose area and places the file is checked against; the
        bundled pack when None.

    Returns
    -------
    list[Problem]
        A file that cannot be read gives a single error naming the file (and line).
    """
    try:
        places = read_gazetteer_file(path)
        active, pack_places = load_pack(pack)
    except GazetteerError as exc:
        origin = exc.path or str(path)
        if exc.line is not None:
            origin = f"{origin}:{exc.line}"
        return [Problem(None, "error", exc.message, origin)]
    if not with_bundled:
        return check_places(places, pack=active)
    user_ids = {place.id for place in places}
    merged = [p for p in pack_places if p.id not in user_ids] + places
    # Only what concerns the user's entries: the pack's own are checked by their own tests.
    return [
        p
        for p in check_places(merged, pack=active)
        if p.place_id in user_ids or p.origin == str(path)
    ]


def check_pack(folder: str | Path) -> tuple[Pack | None, list[Problem]]:
    """Check a pack folder: its pack.json, then its places against the pack's area.

    Returns
    -------
    pack, problems
        The pack (None when pack.json or a places file cannot be read) and every
        problem, the unreadable file as a single error naming it.
    """
    try:
        pack, places = load_pack(folder)
    except GazetteerError as exc:
        origin = exc.path or str(folder)
        if exc.line is not None:
            origin = f"{origin}:{exc.line}"
        return None, [Problem(None, "error", exc.message, origin)]
    return pack, check_places(places, pack=pack)


def outside_pack(places: Sequence[Place], pack: Pack) -> bool:
    """True when a user's file has located places and none of them lies in the pack's area:
    a gazetteer for another city, not a few wrong coordinates."""
    area = box(*pack.area)
    located = [p.geometry for p in places if _usable(p.geometry)]
    if not located or any(area.intersects(g) for g in located):
        return False
    # lat/lon swapped within the area is a mistake the check names entry by entry
    swapped = (shapely.transform(g, lambda coords: coords[:, ::-1]) for g in located)
    return not any(area.intersects(g) for g in swapped)


def refuse_outside_pack(path: str | Path, places: Sequence[Place], pack: Pack) -> None:
    """Raise a :class:`GazetteerError` naming ``path`` when :func:`outside_pack`."""
    if outside_pack(places, pack):
        msg = (
            f"every entry lies outside the area of the pack '{pack.name}' "
            f"({_describe_area(box(*pack.area))}); --gazetteer adds places to the active "
            "pack, so this file is for another city: make it a pack (pack.json beside it, "
            "see README 'Another city') and give --pack DIR"
        )
        raise GazetteerError(msg, path=path)


#: Errors listed at most in the message of :func:`load_checked_gazetteer`.
MAX_ERRORS_SHOWN = 20


def load_checked_gazetteer(
    path: str | Path | None = None, *, extend: bool = True, pack: str | Path | None = None
) -> tuple[Gazetteer, list[Problem]]:
    """:func:`~gazetteer.model.load_gazetteer`, refusing a user's gazetteer that has errors.

    A gazetteer with a swapped coordinate, a self-intersecting outline or a
    ``part_of`` cycle would put incidents in the wrong place without a word, so
    a build stops and lists what :func:`check_places` found; a file whose places
    all lie outside the pack's area is refused with a message that says so. The
    bundled pack alone (``path`` and ``pack`` None) is checked by its own tests,
    not here; a user's pack folder is checked like a user's file.

    Returns
    -------
    gazetteer, warnings
        The gazetteer and the warnings it passed with.

    Raises
    ------
    GazetteerError
        The file cannot be read, or the places it gives have errors: the message
        lists them, each naming its file and entry.
    """
    active, pack_places = load_pack(pack)
    if path is None and pack is None:
        return Gazetteer(pack_places, pack=active), []
    places = pack_places
    if path is not None:
        user_places = read_gazetteer_file(path)
        refuse_outside_pack(path, user_places, active)
        places = user_places
        if extend:
            user_ids = {place.id for place in user_places}
            places = [p for p in pack_places if p.id not in user_ids] + user_places
    problems = check_places(places, pack=active)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        shown = "".join(f"\n  {problem}" for problem in errors[:MAX_ERRORS_SHOWN])
        more = len(errors) - MAX_ERRORS_SHOWN
        if more > 0:
            shown += f"\n  ... and {more} more"
        count = f"{len(errors)} errors; fix them" if len(errors) > 1 else "an error; fix it"
        replace = "" if extend else " --replace-gazetteer"
        given = f" --pack {pack}" if pack is not None else ""
        if path is not None:
            given += f" --gazetteer {path}{replace}"
        command = f"incident-map gazetteer check{given}"
        if path is None:
            command = f"incident-map pack check {pack}"
        msg = f"the gazetteer has {count} and run again ('{command}' lists every problem):{shown}"
        raise GazetteerError(msg, path=path if path is not None else active.origin)
    warnings = [problem for problem in problems if problem.severity != "error"]
    return Gazetteer(places, pack=active), warnings


def main(argv: Sequence[str] | None = None) -> int:
    """Print the problems of gazetteer files; exit status 1 if any has an error."""
    parser = argparse.ArgumentParser(prog="python -m gazetteer.check", description=main.__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="GeoJSON gazetteer files")
    parser.add_argument(
        "--with-bundled",
        action="store_true",
        help="check each file as an extension of the pack's gazetteer",
    )
    parser.add_argument("--pack", type=Path, help="the pack folder (default: the bundled one)")
    args = parser.parse_args(argv)
    failed = False
    for path in args.files:
        problems = check_gazetteer_file(path, with_bundled=args.with_bundled, pack=args.pack)
        for problem in problems:
            print(f"{problem.severity}: {problem}")
        failed = failed or any(p.severity == "error" for p in problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
