"""Geometry and spatial reasoning shared by the gazetteer, the incidents and the maps.

Everything here works on shapely geometries in WGS84 (EPSG:4326, lon/lat order) at
its edges and does metric work in UTM zone 38N (EPSG:32638), the zone Baghdad lies
in, so distances and buffers are in metres.
"""

from geo.errors import (
    GazetteerError,
    IncidentMapperError,
    ManifestError,
    OutputError,
    ReportError,
)

__all__ = [
    "GazetteerError",
    "IncidentMapperError",
    "ManifestError",
    "OutputError",
    "ReportError",
]
