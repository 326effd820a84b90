"""Derived geometries for relative place expressions ("south of", "near", "outside").

Analysts write "an area to the south of the Green Zone" or "near Tahrir Square".
Such a phrase names no landmark of its own, so we derive the area it most
plausibly means from the anchor's geometry, in metres (in the pack's metric CRS,
``crs``), and say how uncertain it is. The distances are deliberately conservative and documented
here, in one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from shapely import Polygon
from shapely.geometry.base import BaseGeometry

from geo.crs import CrsId, to_metric, to_wgs84

Relation = Literal[
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "near", "outside", "inside",
]  # fmt: skip

#: Bearing of each compass relation, degrees clockwise from north.
BEARINGS: dict[str, float] = {
    "north": 0.0,
    "northeast": 45.0,
    "east": 90.0,
    "southeast": 135.0,
    "south": 180.0,
    "southwest": 225.0,
    "west": 270.0,
    "northwest": 315.0,
}
#: How far beyond the anchor "south of X" reaches, in metres.
DIRECTION_REACH_M = 1500.0
#: Half-width of the wedge of a compass relation, degrees.
DIRECTION_HALF_ANGLE = 45.0
#: Radius of "near X" around the anchor, in metres.
NEAR_M = 400.0
#: Depth of the band "outside X" / "in front of X", in metres.
OUTSIDE_M = 300.0


@dataclass(frozen=True)
class DerivedArea:
    """An area derived from an anchor geometry and a relation."""

    geometry: BaseGeometry
    """The area, WGS84."""
    point: tuple[float, float]
    """A representative point inside the area, (lat, lon)."""
    uncertainty_m: float
    """Radius around :attr:`point` that covers the area."""


def radius_m(geometry: BaseGeometry, *, crs: CrsId, around: BaseGeometry | None = None) -> float:
    """Distance in metres (measured in ``crs``) from a point (default: the
    representative point) to the farthest part of ``geometry``: the radius of a
    circle that covers it."""
    metric = to_metric(geometry, crs=crs)
    centre = to_metric(around, crs=crs) if around is not None else metric.representative_point()
    return float(centre.hausdorff_distance(metric)) if not metric.is_empty else 0.0


def _wedge(centre_x: float, centre_y: float, bearing: float, reach: float) -> Polygon:
    steps = 12
    points = [(centre_x, centre_y)]
    for i in range(steps + 1):
        angle = math.radians(bearing - DIRECTION_HALF_ANGLE + 2 * DIRECTION_HALF_ANGLE * i / steps)
        points.append((centre_x + reach * math.sin(angle), centre_y + reach * math.cos(angle)))
    return Polygon(points)


def derive_area(
    anchor: BaseGeometry, relation: Relation, *, crs: CrsId, anchor_uncertainty_m: float = 0.0
) -> DerivedArea:
    """The area that ``relation`` to ``anchor`` describes.

    Parameters
    ----------
    anchor
        The named place's geometry, WGS84.
    relation
        A compass direction, ``near``, ``outside`` or ``inside``.
    crs
        The metric CRS to work in (the pack's ``metric_crs``): its grid north is
        close to true north only near the area it was chosen for.
    anchor_uncertainty_m
        How uncertain the anchor itself is; it widens the derived area.
    """
    metric = to_metric(anchor, crs=crs)
    if relation == "inside":
        area = metric if metric.area > 0 else metric.buffer(max(anchor_uncertainty_m, 50.0))
    elif relation == "near":
        area = metric.buffer(NEAR_M + anchor_uncertainty_m)
    elif relation == "outside":
        outer = metric.buffer(OUTSIDE_M + anchor_uncertainty_m)
        area = outer.difference(metric) if metric.area > 0 else outer
    elif relation in BEARINGS:
        centre = metric.centroid
        extent = radius_m(anchor, crs=crs, around=to_wgs84(centre, crs=crs))
        reach = extent + DIRECTION_REACH_M + anchor_uncertainty_m
        wedge = _wedge(centre.x, centre.y, BEARINGS[relation], reach)
        area = wedge.difference(metric) if metric.area > 0 else wedge
        ring = metric.buffer(DIRECTION_REACH_M + anchor_uncertainty_m)
        area = area.intersection(ring)
    else:
        known = ", ".join([*sorted(BEARINGS), "near", "outside", "inside"])
        msg = f"unknown relation {relation!r}; expected one of {known}"
        raise ValueError(msg)
    point = area.representative_point()
    uncertainty = float(point.hausdorff_distance(area))
    wgs = to_wgs84(area, crs=crs)
    wgs_point = to_wgs84(point, crs=crs)
    return DerivedArea(
        geometry=wgs,
        point=(round(wgs_point.y, 7), round(wgs_point.x, 7)),
        uncertainty_m=round(uncertainty, 1),
    )
