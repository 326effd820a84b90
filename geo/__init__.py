"""Geometry and spatial reasoning shared by the gazetteer, the incidents and the maps.

Everything here works on shapely geometries in WGS84 (EPSG:4326, lon/lat order) at
its edges and does metric work in the projected CRS the active pack chose from its
area (``geo.crs.metric_crs_for``: the UTM zone of its centre, EPSG:32638 for
Baghdad), so distances and buffers are in metres.
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
