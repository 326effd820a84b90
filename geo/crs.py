"""Coordinate reference systems and the transforms between them.

Geometries are WGS84 lon/lat at every edge. Metric work (distances, buffers,
wedges) runs in a projected CRS chosen from the area a gazetteer pack covers
(:func:`metric_crs_for`): the UTM zone of the area's centre, or, where UTM does
not serve (near the poles, an area wider than a zone), an azimuthal equidistant
projection centred on the area. No CRS is fixed here: the caller passes the one
its pack chose.

The transforms run on the hot path (every place mention, every distance), so no
pyproj object is made, hashed or turned into WKT per call: the transformers are
built once per process (and per thread, since a :class:`pyproj.Transformer` must
not be shared between threads) and looked up by their CRS identifiers.
"""

from __future__ import annotations

import math
import threading

import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

#: A CRS as a user or a pack writes it: an EPSG code or any string pyproj reads
#: ("EPSG:32636", "+proj=aeqd +lat_0=... +lon_0=... +units=m").
CrsId = int | str

#: EPSG code of geographic coordinates as RFC 7946 and Leaflet want them (lon/lat).
WGS84_EPSG = 4326
#: Geographic coordinates as RFC 7946 and Leaflet want them (lon/lat order).
WGS84 = CRS.from_epsg(WGS84_EPSG)

#: UTM is used up to this latitude (its defined range stops at 84 N / 80 S).
UTM_MAX_LAT = 80.0
#: An area wider than this (degrees of longitude) gets an equidistant projection, not UTM.
UTM_MAX_SPAN = 6.0

_local = threading.local()


def metric_crs_for(bounds: tuple[float, float, float, float]) -> str:
    """The metric CRS for an area given as (min_lon, min_lat, max_lon, max_lat).

    The UTM zone of the area's centre (north or south), e.g. ``"EPSG:32638"`` for
    Baghdad and ``"EPSG:32636"`` for Beirut; an azimuthal equidistant projection
    centred on the area when UTM would distort it (beyond 80 degrees of latitude,
    or an area wider than one 6-degree zone).
    """
    min_lon, min_lat, max_lon, max_lat = bounds
    lon = (min_lon + max_lon) / 2
    lat = (min_lat + max_lat) / 2
    if abs(lat) <= UTM_MAX_LAT and max_lon - min_lon <= UTM_MAX_SPAN:
        zone = min(60, math.floor((lon + 180.0) / 6.0) + 1)
        return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"
    return (
        f"+proj=aeqd +lat_0={round(lat, 6)} +lon_0={round(lon, 6)} "
        "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def transformer(source: CrsId, target: CrsId) -> Transformer:
    """The lon/lat-ordered transformer between two CRSs, built once per thread."""
    cache: dict[tuple[CrsId, CrsId], Transformer] | None = getattr(_local, "transformers", None)
    if cache is None:
        cache = _local.transformers = {}
    key = (source, target)
    found = cache.get(key)
    if found is None:
        found = cache[key] = Transformer.from_crs(source, target, always_xy=True)
    return found


def _project(geometry: BaseGeometry, projection: Transformer) -> BaseGeometry:
    if isinstance(geometry, Point) and not geometry.is_empty:
        # Most geometries on the hot path are points: skip shapely's array round trip.
        x, y = projection.transform(geometry.x, geometry.y)
        return Point(x, y)
    return shapely.transform(geometry, projection.transform, interleaved=False)


def to_metric(geometry: BaseGeometry, *, crs: CrsId) -> BaseGeometry:
    """Project a WGS84 geometry to the metric CRS ``crs`` (a pack's ``metric_crs``)."""
    return _project(geometry, transformer(WGS84_EPSG, crs))


def to_wgs84(geometry: BaseGeometry, *, crs: CrsId) -> BaseGeometry:
    """Project a geometry in the metric CRS ``crs`` back to WGS84 lon/lat."""
    return _project(geometry, transformer(crs, WGS84_EPSG))


def distance_m(a: BaseGeometry, b: BaseGeometry, *, crs: CrsId) -> float:
    """Shortest distance in metres between two WGS84 geometries, measured in ``crs``."""
    return float(to_metric(a, crs=crs).distance(to_metric(b, crs=crs)))
