"""Every file a build writes besides the map, deterministically and all-or-nothing.

This module writes the GeoJSON itself and is the one place the others are imported
from (the names stay stable for callers such as :mod:`maps.build`):

GeoJSON (``incidents.geojson``, ``events.geojson``, ``places.geojson``)
    RFC 7946 FeatureCollections written by our own code with :mod:`json`, so the same
    table always gives the same bytes: lon/lat rounded to 7 decimals (about 1 cm),
    polygon exteriors counter-clockwise and holes clockwise, no ``crs`` member, one
    feature per line sorted by id, properties in column order, lists as JSON text
    (``actors_json``). Unmapped rows keep a ``null`` geometry rather than being dropped.
GeoPackage, FlatGeobuf, GeoParquet (:mod:`maps.gis_files`)
    ``incidents.gpkg`` (GeoPackage 1.2, places split by geometry type),
    ``incidents.fgb``/``events.fgb`` and ``incidents.parquet``.
CSV (:mod:`maps.csv_files`, :mod:`maps.acled_csv`)
    ``incidents.csv``, our per-incident table under our own names, and ``acled.csv``,
    the events in ACLED's own columns and codes; text a spreadsheet would evaluate is
    defused.
All-or-nothing writing (:mod:`maps.files`)
    :func:`write_outputs` writes a whole set of files so that a failed rebuild never
    leaves a half-new output folder or destroys the previous map.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from geopandas import GeoDataFrame
from shapely.geometry import mapping as geometry_mapping
from shapely.geometry import polygon as shapely_polygon
from shapely.geometry.base import BaseGeometry

from geo.errors import OutputError
from maps.acled_csv import ACLED_COLUMNS, ACLED_DTYPES, acled_events_csv
from maps.csv_files import (
    INCIDENT_CSV_COLUMNS,
    acled_csv,
    incidents_csv,
    neutralise_formula,
)
from maps.files import (
    STAGING_PREFIX,
    atomic_write_bytes,
    atomic_write_text,
    file_written_atomically,
    write_outputs,
)
from maps.gis_files import (
    GPKG_VERSION,
    flat_table,
    geopackage_layers,
    incidents_geoparquet,
    write_flatgeobuf,
    write_geopackage,
)
from maps.tables import (
    COORDINATE_DECIMALS,
    DEFAULT_GPKG_TIMESTAMP,
    JSON_SUFFIX,
    PLACE_INTEGER_COLUMNS,
    column_values,
    holds_structures,
    in_wgs84,
    is_missing,
    json_texts,
    json_value,
    normalised_incidents,
    round_coordinate,
    with_integer_columns,
)

__all__ = [
    "ACLED_COLUMNS",
    "ACLED_DTYPES",
    "COORDINATE_DECIMALS",
    "DEFAULT_GPKG_TIMESTAMP",
    "EXTRA_OUTPUT_FILES",
    "GPKG_VERSION",
    "INCIDENT_CSV_COLUMNS",
    "STAGING_PREFIX",
    "acled_csv",
    "acled_events_csv",
    "atomic_write_bytes",
    "atomic_write_text",
    "events_geojson",
    "flat_table",
    "geodataframe_to_geojson",
    "geopackage_layers",
    "incidents_csv",
    "incidents_geojson",
    "incidents_geoparquet",
    "neutralise_formula",
    "places_geojson",
    "write_flatgeobuf",
    "write_geopackage",
    "write_outputs",
]


# --------------------------------------------------------------------------- GeoJSON


def geodataframe_to_geojson(
    gdf: GeoDataFrame, *, id_column: str, lists_as_json: bool = True
) -> str:
    """Serialise a GeoDataFrame as a deterministic RFC 7946 FeatureCollection.

    Every column but the geometry becomes a property, in column order; ``id_column``
    also gives each feature its ``id``, and features are sorted by it so row order
    does not change the bytes. Missing values become ``null``, NumPy scalars plain
    numbers, datetimes ISO 8601 with their offset. Rows without a geometry are kept
    with ``"geometry": null``. With ``lists_as_json`` (the default) a list or mapping
    column ``x`` becomes ``x_json``, its value as JSON text: the flat form every GDAL
    driver keeps (GDAL would read a JSON array of strings as a StringList, which
    Shapefile drops and GDAL 3.6 cannot write to FlatGeobuf at all); otherwise lists
    are JSON arrays.

    Raises
    ------
    OutputError
        If an id is missing or repeated, a time has no UTC offset, or a cell holds
        something JSON cannot represent.
    """
    lines = geojson_feature_lines(gdf, id_column=id_column, lists_as_json=lists_as_json)
    if not lines:
        return EMPTY_FEATURE_COLLECTION
    return FEATURES_HEAD + ",\n".join(line for _, line in lines) + FEATURES_TAIL


#: How :func:`geodataframe_to_geojson` frames its feature lines.
FEATURES_HEAD = '{"type":"FeatureCollection","features":[\n'
FEATURES_TAIL = "\n]}\n"
EMPTY_FEATURE_COLLECTION = '{"type":"FeatureCollection","features":[]}\n'


def geojson_feature_lines(
    gdf: GeoDataFrame,
    *,
    id_column: str,
    lists_as_json: bool = True,
    structured: Sequence[Any] | None = None,
) -> list[tuple[tuple[int, int, str], str]]:
    """The features of :func:`geodataframe_to_geojson`, one JSON line each, with the
    key they are sorted by (sorted), so a file can be written a batch at a time.
    ``structured``: the columns that hold lists or mappings, when the caller knows
    (from the whole table, of which ``gdf`` is a slice)."""
    frame = in_wgs84(gdf)
    if id_column not in frame.columns:
        msg = f"cannot write GeoJSON: the table has no {id_column!r} column for feature ids"
        raise OutputError(msg)
    geometry_name = frame.geometry.name
    property_columns = [column for column in frame.columns if column != geometry_name]
    values = {column: column_values(frame[column]) for column in property_columns}
    if lists_as_json:
        if structured is None:
            structured = [c for c in property_columns if holds_structures(c, frame[c])]
        property_columns, values = _lists_as_json(
            property_columns, values, id_column, structured=structured
        )
    feature_ids = _feature_ids(frame[id_column].tolist(), id_column)
    geometries = _geometries_json(list(frame.geometry), feature_ids)
    names = [str(column) for column in property_columns]
    columns = [_json_column(values[column], column, feature_ids) for column in property_columns]

    lines = []
    for feature_id, geometry, *cells in zip(feature_ids, geometries, *columns, strict=True):
        feature = {
            "type": "Feature",
            "id": feature_id,
            "geometry": geometry,
            "properties": dict(zip(names, cells, strict=True)),
        }
        lines.append((_id_sort_key(feature_id), _dump_json(feature, feature_id=feature_id)))
    lines.sort(key=lambda pair: pair[0])
    return lines


def write_geojson_batches(
    frames: Iterable[GeoDataFrame], path: str | Path, *, id_column: str
) -> None:
    """:func:`geodataframe_to_geojson` of the concatenated ``frames``, written to
    ``path`` (atomically) a batch at a time: the same bytes, without the whole text
    in memory. The frames must come in id order (each batch's ids after the last
    batch's), as the spill's id-sorted file gives them.

    Raises
    ------
    OutputError
        If the batches are not in id order or share an id, or a feature cannot be
        written (see :func:`geodataframe_to_geojson`).
    """
    path = Path(path)
    with (
        file_written_atomically(path, what="GeoJSON file") as temporary,
        temporary.open("w", encoding="utf-8", newline="") as handle,
    ):
        last: tuple[int, int, str] | None = None
        for frame in frames:
            lines = geojson_feature_lines(frame, id_column=id_column)
            if not lines:
                continue
            if last is not None and lines[0][0] <= last:
                msg = (
                    f"cannot write GeoJSON: the {id_column} {lines[0][0][2] or lines[0][0][1]!r}"
                    " comes twice or out of order"
                )
                raise OutputError(msg, path=path)
            handle.write(FEATURES_HEAD if last is None else ",\n")
            handle.write(",\n".join(line for _, line in lines))
            last = lines[-1][0]
        handle.write(EMPTY_FEATURE_COLLECTION if last is None else FEATURES_TAIL)


#: Rows of a table whose GeoJSON lines are made at a time by :func:`write_geojson_file`.
SLICE_ROWS = 2048


def write_geojson_file(gdf: GeoDataFrame, path: str | Path, *, id_column: str) -> None:
    """:func:`geodataframe_to_geojson` of ``gdf`` written to ``path`` (atomically) a slice
    of :data:`SLICE_ROWS` features at a time, in id order: the same bytes, without the
    whole text (nor every row's JSON values) in memory at once.

    Raises
    ------
    OutputError
        As :func:`geodataframe_to_geojson`.
    """
    path = Path(path)
    frame = in_wgs84(gdf)
    if id_column not in frame.columns:
        msg = f"cannot write GeoJSON: the table has no {id_column!r} column for feature ids"
        raise OutputError(msg)
    feature_ids = _feature_ids(frame[id_column].tolist(), id_column)
    keys = [_id_sort_key(feature_id) for feature_id in feature_ids]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    del feature_ids, keys
    geometry_name = frame.geometry.name
    structured = [c for c in frame.columns if c != geometry_name and holds_structures(c, frame[c])]
    with (
        file_written_atomically(path, what="GeoJSON file") as temporary,
        temporary.open("w", encoding="utf-8", newline="") as handle,
    ):
        if not order:
            handle.write(EMPTY_FEATURE_COLLECTION)
            return
        handle.write(FEATURES_HEAD)
        for start in range(0, len(order), SLICE_ROWS):
            part = frame.iloc[order[start : start + SLICE_ROWS]]
            lines = geojson_feature_lines(part, id_column=id_column, structured=structured)
            handle.write((",\n" if start else "") + ",\n".join(line for _, line in lines))
        handle.write(FEATURES_TAIL)


def _json_column(values: Sequence[Any], column: object, feature_ids: Sequence[Any]) -> list[Any]:
    """:func:`json_value` of each cell of a column, each distinct plain value worked
    out once (a column of a million incidents holds a few hundred types or places)."""
    memo: dict[tuple[type, Any], Any] = {}
    out: list[Any] = []
    for value, feature_id in zip(values, feature_ids, strict=True):
        try:
            key = (value.__class__, value)
            if key in memo:
                out.append(memo[key])
                continue
        except TypeError:  # a list or mapping: not hashable
            out.append(json_value(value, column=column, feature_id=feature_id))
            continue
        converted = memo[key] = json_value(value, column=column, feature_id=feature_id)
        out.append(converted)
    return out


def _geometries_json(geometries: Sequence[Any], feature_ids: Sequence[Any]) -> list[Any]:
    """:func:`_geometry_json` of each geometry; plain 2D points (every incident and
    event) straight from their coordinates, in one pass."""
    array = np.empty(len(geometries), dtype=object)
    array[:] = [None if g is None or is_missing(g) else g for g in geometries]
    points = (shapely.get_type_id(array) == 0) & ~shapely.has_z(array) & ~shapely.is_empty(array)
    xs, ys = shapely.get_x(array), shapely.get_y(array)
    out: list[Any] = []
    for index, geometry in enumerate(array):
        if not points[index]:
            out.append(_geometry_json(geometry, feature_id=feature_ids[index]))
        elif math.isfinite(xs[index]) and math.isfinite(ys[index]):
            coordinates = [round_coordinate(xs[index]), round_coordinate(ys[index])]
            out.append({"type": "Point", "coordinates": coordinates})
        else:
            out.append(None)  # POINT (NaN NaN): a row built from missing lat/lon
    return out


def _lists_as_json(
    columns: Sequence[Any],
    values: Mapping[Any, list[Any]],
    id_column: str,
    *,
    structured: Sequence[Any] | None = None,
) -> tuple[list[Any], dict[Any, list[Any]]]:
    """Columns with each list or mapping column ``x`` replaced by ``x_json`` (JSON text);
    ``structured``: those columns, when the caller knows (from their dtypes)."""
    out_columns: list[Any] = []
    out_values: dict[Any, list[Any]] = {}
    ids = values.get(id_column) or [None] * len(next(iter(values.values()), []))
    for column in columns:
        holds = (
            column in structured
            if structured is not None
            else holds_structures(column, values[column])
        )
        if str(column).endswith(JSON_SUFFIX) or not holds:
            out_columns.append(column)
            out_values[column] = values[column]
            continue
        name = f"{column}{JSON_SUFFIX}"
        out_columns.append(name)
        out_values[name] = json_texts(values[column], column, ids)
    return out_columns, out_values


def events_geojson(events: GeoDataFrame) -> str:
    """The event table as GeoJSON, one Point feature (or null geometry) per event;
    ``sources``, ``incident_ids``, ``claims``, ... as JSON text (``sources_json``)."""
    return geodataframe_to_geojson(events, id_column="event_id")


def incidents_geojson(incidents: GeoDataFrame) -> str:
    """The incident table as GeoJSON, one Point feature (or null geometry) per incident.

    Times are normalised to ISO 8601 with their local offset (GDAL then reads them as
    DateTime), counts stay integers even when the column came as floats, and the
    ``lat``/``lon`` properties are rounded like the coordinates.
    """
    return geodataframe_to_geojson(normalised_incidents(incidents), id_column="incident_id")


def places_geojson(places: GeoDataFrame) -> str:
    """The place table as GeoJSON: zones and areas as Polygons, bridges as LineStrings,
    gates and buildings as Points."""
    frame = with_integer_columns(places, PLACE_INTEGER_COLUMNS, id_column="place_id")
    return geodataframe_to_geojson(frame, id_column="place_id")


def _feature_ids(raw_ids: Sequence[Any], id_column: str) -> list[str | int]:
    """Feature ids as JSON strings or integers, checked to be present and unique."""
    feature_ids: list[str | int] = []
    seen: set[str | int] = set()
    for raw in raw_ids:
        if isinstance(raw, str):
            feature_id: str | int = str(raw)
        elif isinstance(raw, (int, np.integer)) and not isinstance(raw, (bool, np.bool_)):
            feature_id = int(raw)
        else:
            msg = f"cannot write GeoJSON: a row has no usable {id_column} ({raw!r})"
            raise OutputError(msg)
        if feature_id in seen:
            msg = f"cannot write GeoJSON: two rows share the {id_column} {feature_id!r}"
            raise OutputError(msg)
        seen.add(feature_id)
        feature_ids.append(feature_id)
    return feature_ids


def _id_sort_key(feature_id: str | int) -> tuple[int, int, str]:
    """Integers before strings, each in natural order."""
    if isinstance(feature_id, int):
        return (0, feature_id, "")
    return (1, 0, feature_id)


#: ``json.dumps`` with the features' options, made once (dumps builds an encoder per call).
_FEATURE_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _dump_json(document: Any, *, feature_id: object) -> str:
    try:
        return _FEATURE_JSON.encode(document)
    except ValueError as exc:
        msg = f"cannot write feature {feature_id!r}: it holds a coordinate that is not a number"
        raise OutputError(msg) from exc


def _orient_polygons(geometry: BaseGeometry) -> BaseGeometry:
    """Exteriors counter-clockwise, holes clockwise (RFC 7946 section 3.1.6)."""
    orient_polygons = getattr(shapely, "orient_polygons", None)  # shapely >= 2.1
    if orient_polygons is not None:
        return orient_polygons(geometry, exterior_cw=False)
    if geometry.geom_type == "Polygon":
        return shapely_polygon.orient(geometry, sign=1.0)
    if geometry.geom_type in {"MultiPolygon", "GeometryCollection"}:
        return type(geometry)([_orient_polygons(part) for part in geometry.geoms])
    return geometry


def _geometry_json(geometry: BaseGeometry | None, *, feature_id: object) -> Any:
    """A GeoJSON geometry object, or None for rows that are not mapped."""
    if geometry is None or is_missing(geometry) or geometry.is_empty:
        return None
    if geometry.geom_type == "Point" and not all(math.isfinite(c) for c in geometry.coords[0]):
        return None  # POINT (NaN NaN): a row built from missing lat/lon is not mapped
    return _rounded_geometry(geometry_mapping(_orient_polygons(geometry)))


def _rounded_geometry(geometry: Mapping[str, Any]) -> dict[str, Any]:
    if geometry["type"] == "GeometryCollection":
        parts = [_rounded_geometry(part) for part in geometry["geometries"]]
        return {"type": "GeometryCollection", "geometries": parts}
    return {"type": geometry["type"], "coordinates": _rounded_coordinates(geometry["coordinates"])}


def _rounded_coordinates(coordinates: Any) -> Any:
    """Nested coordinate tuples as lists, every number rounded to 7 decimals."""
    if coordinates and isinstance(coordinates[0], (int, float, np.number)):
        return [round_coordinate(number) for number in coordinates]
    return [_rounded_coordinates(part) for part in coordinates]


# ------------------------------------------------------------------- build outputs

#: The files a build writes beside the map, GeoJSON, GeoPackage and CSV, in order.
EXTRA_OUTPUT_FILES = ("acled.csv", "incidents.fgb", "events.fgb", "incidents.parquet")
