"""Coordinate reference systems and the transforms between them."""

from __future__ import annotations

from functools import cache

import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

#: Geographic coordinates as RFC 7946 and Leaflet want them (lon/lat order).
WGS84 = CRS.from_epsg(4326)
#: UTM zone 38N: metres, accurate to well under 0.1 % across Baghdad.
METRIC = CRS.from_epsg(32638)


@cache
def _transformer(source: CRS, target: CRS) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def to_metric(geometry: BaseGeometry) -> BaseGeometry:
    """Project a WGS84 geometry to UTM 38N metres."""
    return shapely.transform(geometry, _transformer(WGS84, METRIC).transform, interleaved=False)


def to_wgs84(geometry: BaseGeometry) -> BaseGeometry:
    """Project a UTM 38N geometry back to WGS84 lon/lat."""
    return shapely.transform(geometry, _transformer(METRIC, WGS84).transform, interleaved=False)


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Shortest distance in metres between two WGS84 geometries."""
    return float(to_metric(a).distance(to_metric(b)))
