"""Coordinate reference systems and the transforms between them.

The transforms run on the hot path (every place mention, every distance), so no
pyproj object is made, hashed or turned into WKT per call: the transformers are
built once per process (and per thread, since a :class:`pyproj.Transformer` must
not be shared between threads) and looked up by EPSG code.
"""

from __future__ import annotations

import threading

import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

#: EPSG code of geographic coordinates as RFC 7946 and Leaflet want them (lon/lat).
WGS84_EPSG = 4326
#: EPSG code of UTM zone 38N: metres, accurate to well under 0.1 % across Baghdad.
METRIC_EPSG = 32638

#: Geographic coordinates as RFC 7946 and Leaflet want them (lon/lat order).
WGS84 = CRS.from_epsg(WGS84_EPSG)
#: UTM zone 38N: metres, accurate to well under 0.1 % across Baghdad.
METRIC = CRS.from_epsg(METRIC_EPSG)

_local = threading.local()


def transformer(source_epsg: int, target_epsg: int) -> Transformer:
    """The lon/lat-ordered transformer between two EPSG codes, built once per thread."""
    cache: dict[tuple[int, int], Transformer] | None = getattr(_local, "transformers", None)
    if cache is None:
        cache = _local.transformers = {}
    key = (source_epsg, target_epsg)
    found = cache.get(key)
    if found is None:
        found = cache[key] = Transformer.from_crs(source_epsg, target_epsg, always_xy=True)
    return found


def _project(geometry: BaseGeometry, projection: Transformer) -> BaseGeometry:
    if isinstance(geometry, Point) and not geometry.is_empty:
        # Most geometries on the hot path are points: skip shapely's array round trip.
        x, y = projection.transform(geometry.x, geometry.y)
        return Point(x, y)
    return shapely.transform(geometry, projection.transform, interleaved=False)


def to_metric(geometry: BaseGeometry) -> BaseGeometry:
    """Project a WGS84 geometry to UTM 38N metres."""
    return _project(geometry, transformer(WGS84_EPSG, METRIC_EPSG))


def to_wgs84(geometry: BaseGeometry) -> BaseGeometry:
    """Project a UTM 38N geometry back to WGS84 lon/lat."""
    return _project(geometry, transformer(METRIC_EPSG, WGS84_EPSG))


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Shortest distance in metres between two WGS84 geometries."""
    return float(to_metric(a).distance(to_metric(b)))
