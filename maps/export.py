"""GIS exports of the incident and place tables, written atomically and deterministically.

Three formats leave the tool, each for a different reader:

GeoJSON (``incidents.geojson``, ``places.geojson``)
    RFC 7946 FeatureCollections written by our own code with :mod:`json`, so the same
    table always gives the same bytes: lon/lat rounded to 7 decimals (about 1 cm),
    polygon exteriors counter-clockwise and holes clockwise, no ``crs`` member, one
    feature per line sorted by id, properties in column order. Unmapped rows keep a
    ``null`` geometry rather than being dropped.
GeoPackage (``incidents.gpkg``)
    One layer per table, written by GDAL through pyogrio. GeoPackage has no
    time-zone-aware field type, so each local time column becomes two fields: a real
    DateTime in UTC (``time_start_utc``) and the local ISO 8601 text
    (``time_start_local``). GDAL stamps ``gpkg_contents.last_change`` with the
    current time; we pin it (``OGR_CURRENT_DATE``) so two writes of the same tables
    are byte-identical.
ACLED-like CSV (``incidents.csv``)
    The columns analysts know from ACLED (see :func:`acled_csv` for the conventions),
    with every text cell that a spreadsheet would run as a formula defused.

:func:`write_outputs` writes a whole set of files all-or-nothing, so a failed
rebuild never leaves a half-new output folder or destroys the previous map.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import hashlib
import io
import json
import math
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from geopandas import GeoDataFrame
from shapely.geometry import mapping as geometry_mapping
from shapely.geometry import polygon as shapely_polygon
from shapely.geometry.base import BaseGeometry

from geo.errors import OutputError
from geo.resources import read_json_resource
from incidents.events import group_events

#: Decimal places kept in coordinates: 1e-7 degree is about 1 cm, far below any
#: location we can claim, and RFC 7946 recommends no more than six or seven.
COORDINATE_DECIMALS = 7

#: Incident columns holding local times as ISO 8601 strings with an offset.
TIME_COLUMNS = ("time_start", "time_end")
#: Incident columns that are integers even when some rows have no value.
INCIDENT_INTEGER_COLUMNS = ("evidence_start", "evidence_end", "killed", "injured")
#: Place columns that are integers.
PLACE_INTEGER_COLUMNS = ("mention_count",)

#: ``gpkg_contents.last_change`` of every GeoPackage we write, unless the
#: reproducible-builds variable ``SOURCE_DATE_EPOCH`` names another moment.
DEFAULT_GPKG_TIMESTAMP = "2000-01-01T00:00:00.000Z"

#: Files SQLite may leave beside a database it was writing when it failed.
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")

#: Prefix of the hidden folder :func:`write_outputs` stages files in.
STAGING_PREFIX = ".incident-map-staging-"

ContentWriter = Callable[[Path], None]


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
    frame = _in_wgs84(gdf)
    if id_column not in frame.columns:
        msg = f"cannot write GeoJSON: the table has no {id_column!r} column for feature ids"
        raise OutputError(msg)
    geometry_name = frame.geometry.name
    property_columns = [column for column in frame.columns if column != geometry_name]
    values = {column: frame[column].tolist() for column in property_columns}
    if lists_as_json:
        property_columns, values = _lists_as_json(property_columns, values, id_column)
    geometries = list(frame.geometry)
    feature_ids = _feature_ids(frame[id_column].tolist(), id_column)

    lines = []
    for row, feature_id in enumerate(feature_ids):
        properties = {
            str(column): _json_value(values[column][row], column=column, feature_id=feature_id)
            for column in property_columns
        }
        feature = {
            "type": "Feature",
            "id": feature_id,
            "geometry": _geometry_json(geometries[row], feature_id=feature_id),
            "properties": properties,
        }
        lines.append((_id_sort_key(feature_id), _dump_json(feature, feature_id=feature_id)))
    lines.sort(key=lambda pair: pair[0])
    if not lines:
        return '{"type":"FeatureCollection","features":[]}\n'
    body = ",\n".join(line for _, line in lines)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


#: Suffix of the JSON-text twin of a list or mapping column.
JSON_SUFFIX = "_json"
#: Columns of our tables that hold lists or mappings, so they are written as such
#: (with their ``_json`` twin) even when no row has a value: an empty build keeps
#: the same fields.
LIST_COLUMNS = frozenset(
    {"actors", "sources", "incident_ids", "event_types", "claims", "reasons", "alternatives"}
)


def _holds_structures(column: Any, values: Sequence[Any]) -> bool:
    return column in LIST_COLUMNS or any(map(_is_structured, values))


def _is_structured(value: Any) -> bool:
    return isinstance(value, (list, tuple, np.ndarray, Mapping))


def _lists_as_json(
    columns: Sequence[Any], values: Mapping[Any, list[Any]], id_column: str
) -> tuple[list[Any], dict[Any, list[Any]]]:
    """Columns with each list or mapping column ``x`` replaced by ``x_json`` (JSON text)."""
    out_columns: list[Any] = []
    out_values: dict[Any, list[Any]] = {}
    ids = values.get(id_column) or [None] * len(next(iter(values.values()), []))
    for column in columns:
        if str(column).endswith(JSON_SUFFIX) or not _holds_structures(column, values[column]):
            out_columns.append(column)
            out_values[column] = values[column]
            continue
        name = f"{column}{JSON_SUFFIX}"
        out_columns.append(name)
        out_values[name] = [
            _json_text(value, column, row_id)
            for value, row_id in zip(values[column], ids, strict=True)
        ]
    return out_columns, out_values


def events_geojson(events: GeoDataFrame) -> str:
    """The event table as GeoJSON, one Point feature (or null geometry) per event;
    ``sources``, ``incident_ids``, ``claims``, ... as JSON text (``sources_json``)."""
    return geodataframe_to_geojson(events, id_column="event_id")


def incidents_geojson(incidents: GeoDataFrame) -> str:
    """The incident table as GeoJSON, one Point feature (or null geometry) per incident.

    Times are normalised to ISO 8601 with their +03:00 offset (GDAL then reads them as
    DateTime), counts stay integers even when the column came as floats, and the
    ``lat``/``lon`` properties are rounded like the coordinates.
    """
    return geodataframe_to_geojson(_normalised_incidents(incidents), id_column="incident_id")


def places_geojson(places: GeoDataFrame) -> str:
    """The place table as GeoJSON: zones and areas as Polygons, bridges as LineStrings,
    gates and buildings as Points."""
    frame = _with_integer_columns(places, PLACE_INTEGER_COLUMNS, id_column="place_id")
    return geodataframe_to_geojson(frame, id_column="place_id")


def _in_wgs84(gdf: GeoDataFrame) -> GeoDataFrame:
    """The frame in lon/lat; a frame without a CRS is taken to be lon/lat already."""
    try:
        gdf.geometry  # noqa: B018 (raises when there is no active geometry column)
    except AttributeError as exc:
        msg = "cannot export a table without a geometry column"
        raise OutputError(msg) from exc
    if gdf.crs is None:
        return gdf.set_crs(4326)
    if gdf.crs.to_epsg() == 4326:
        return gdf
    return gdf.to_crs(4326)


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


def _is_missing(value: Any) -> bool:
    """True for None, pandas NA/NaT and float NaN; never for lists or arrays."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def _json_value(value: Any, *, column: object, feature_id: object) -> Any:
    """A cell as a plain JSON value (see :func:`geodataframe_to_geojson`)."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            msg = (
                f"cannot write {column!r} of {feature_id!r}: the time {value} has no UTC "
                "offset, so readers could not tell which moment it is"
            )
            raise OutputError(msg)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_value(item, column=column, feature_id=feature_id) for item in value]
    if isinstance(value, Mapping):
        return {
            str(key): _json_value(item, column=column, feature_id=feature_id)
            for key, item in value.items()
        }
    msg = f"cannot write {column!r} of {feature_id!r}: {type(value).__name__} has no JSON form"
    raise OutputError(msg)


def _dump_json(document: Any, *, feature_id: object) -> str:
    try:
        return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
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
    if geometry is None or _is_missing(geometry) or geometry.is_empty:
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
        return [_round_coordinate(number) for number in coordinates]
    return [_rounded_coordinates(part) for part in coordinates]


def _round_coordinate(number: float) -> float:
    rounded = round(float(number), COORDINATE_DECIMALS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def _normalised_incidents(incidents: GeoDataFrame) -> GeoDataFrame:
    """Incidents with integer counts, offset-carrying ISO times and rounded lat/lon."""
    frame = _with_integer_columns(incidents, INCIDENT_INTEGER_COLUMNS, id_column="incident_id")
    ids = frame["incident_id"].tolist() if "incident_id" in frame.columns else [None] * len(frame)
    for column in TIME_COLUMNS:
        if column in frame.columns:
            times = _local_times(frame[column].tolist(), ids, column)
            frame[column] = pd.Series(
                [None if time is None else time.isoformat() for time in times],
                index=frame.index,
                dtype=object,
            )
    for column in ("lat", "lon"):
        if column in frame.columns:
            frame[column] = pd.Series(
                [None if _is_missing(v) else _round_coordinate(v) for v in frame[column]],
                index=frame.index,
                dtype="Float64",
            )
    return frame


def _with_integer_columns(
    gdf: GeoDataFrame, columns: Sequence[str], *, id_column: str
) -> GeoDataFrame:
    """A copy whose count columns are nullable integers (a float 3.0 would read as Real)."""
    frame = gdf.copy()
    for column in columns:
        if column not in frame.columns:
            continue
        try:
            frame[column] = frame[column].astype("Int64")
        except (TypeError, ValueError) as exc:
            msg = f"cannot export {id_column} table: column {column!r} holds non-integers ({exc})"
            raise OutputError(msg) from exc
    return frame


def _local_times(
    values: Sequence[Any], ids: Sequence[Any], column: str
) -> list[dt.datetime | None]:
    """Parse ISO 8601 local times; each must carry its UTC offset."""
    times: list[dt.datetime | None] = []
    for value, row_id in zip(values, ids, strict=True):
        if _is_missing(value):
            times.append(None)
            continue
        if isinstance(value, dt.datetime):
            time = value
        elif isinstance(value, str):
            try:
                time = dt.datetime.fromisoformat(value)
            except ValueError as exc:
                msg = f"incident {row_id}: {column} {value!r} is not an ISO 8601 time"
                raise OutputError(msg) from exc
        else:
            msg = f"incident {row_id}: {column} is a {type(value).__name__}, not an ISO 8601 time"
            raise OutputError(msg)
        if time.tzinfo is None or time.utcoffset() is None:
            msg = f"incident {row_id}: {column} {value!s} has no UTC offset (expected +03:00)"
            raise OutputError(msg)
        times.append(time)
    return times


# ------------------------------------------------------------------------ GeoPackage

#: GeoPackage version written: 1.2 is what Debian stable's GDAL 3.6 writes and
#: validates; 1.4 (newer GDAL's default) makes GDAL 3.6 warn and its validator fail.
GPKG_VERSION = "1.2"
#: Layers whose rows have mixed geometry types, split into one layer per type.
SPLIT_LAYERS = ("places",)
#: The layers a split layer becomes: suffix -> geometry type, fixed even when empty
#: (lines and polygons are promoted to their multi type, so one type fits all rows).
SPLIT_TYPES = {"point": "Point", "line": "MultiLineString", "polygon": "MultiPolygon"}
#: Geometry type of known layers, fixed even when a build has no rows.
LAYER_GEOMETRY_TYPES = {"incidents": "Point", "events": "Point"}
_GEOMETRY_FAMILY = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "LinearRing": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}
#: Field names of the UTC twins of the local time columns (short enough for a
#: Shapefile's 10 characters, so truncation never makes ``time_start`` the UTC one).
UTC_NAMES = {"time_start": "utc_start", "time_end": "utc_end"}


def geopackage_layers(layers: Mapping[str, GeoDataFrame]) -> dict[str, tuple[GeoDataFrame, str]]:
    """The layers :func:`write_geopackage` writes: name -> (frame, geometry type).

    A layer of :data:`SPLIT_LAYERS` becomes ``<name>_point``, ``<name>_line`` and
    ``<name>_polygon`` (rows without geometry go with the points); the others keep
    their name, with the type of :data:`LAYER_GEOMETRY_TYPES`, else the one type of
    their rows, else ``Unknown``.
    """
    out: dict[str, tuple[GeoDataFrame, str]] = {}
    for name, frame in layers.items():
        if name in SPLIT_LAYERS:
            families = [
                "point" if g is None or g.is_empty else _GEOMETRY_FAMILY.get(g.geom_type, "point")
                for g in frame.geometry
            ]
            for suffix, geometry_type in SPLIT_TYPES.items():
                mask = [family == suffix for family in families]
                part = frame[mask] if len(frame) else frame
                out[f"{name}_{suffix}"] = (part, geometry_type)
            continue
        types = {g.geom_type for g in frame.geometry if g is not None and not g.is_empty}
        default = LAYER_GEOMETRY_TYPES.get(name)
        out[name] = (frame, default or (types.pop() if len(types) == 1 else "Unknown"))
    return out


def write_geopackage(layers: Mapping[str, GeoDataFrame], path: str | Path) -> None:
    """Write each frame as a layer of one GeoPackage, in EPSG:4326, atomically.

    The file is GeoPackage :data:`GPKG_VERSION`, so GDAL 3.6 (Debian stable) and
    current GDAL both read and validate it cleanly. Layers and their fixed geometry
    types are those of :func:`geopackage_layers` (``places`` split by type). Fields
    are those of :func:`flat_table`: local times as ISO text beside a UTC DateTime
    (``utc_start``), lists as JSON text (``actors_json``).
    ``gpkg_contents.last_change`` is pinned to ``SOURCE_DATE_EPOCH`` if set, else to
    :data:`DEFAULT_GPKG_TIMESTAMP`, so identical tables give identical bytes. The
    file is built beside ``path`` and moved into place only when complete.

    GDAL configuration is process-wide: do not write GeoPackages from two threads.

    Raises
    ------
    OutputError
        Naming ``path`` if the tables cannot be converted or the file not written.
    """
    path = Path(path)
    if not layers:
        msg = "no layers to write to the GeoPackage"
        raise OutputError(msg, path=path)
    _check_layer_names(layers, path)
    if not path.parent.is_dir():
        msg = "the folder to write the GeoPackage in does not exist"
        raise OutputError(msg, path=path)
    written = geopackage_layers(layers)
    _check_layer_names(written, path)
    frames = {
        name: (_flat_frame(frame, name, path), geometry_type)
        for name, (frame, geometry_type) in written.items()
    }
    timestamp = _gpkg_timestamp()
    temporary = path.parent / f".{path.stem}.{secrets.token_hex(6)}.tmp.gpkg"
    try:
        with _gdal_config({"OGR_CURRENT_DATE": timestamp}):
            for index, (name, (frame, geometry_type)) in enumerate(frames.items()):
                pyogrio.write_dataframe(
                    frame,
                    temporary,
                    layer=name,
                    driver="GPKG",
                    geometry_type=geometry_type,
                    promote_to_multi=geometry_type.startswith("Multi"),
                    dataset_options={"VERSION": GPKG_VERSION} if index == 0 else None,
                )
        _fsync_file(temporary)
        temporary.replace(path)
    except OSError as exc:
        raise _output_error(path, exc) from exc
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        msg = f"GDAL could not write the GeoPackage: {exc}"
        raise OutputError(msg, path=path) from exc
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{end}") for end in SQLITE_SIDE_FILES)):
            _remove_quietly(leftover)
    _fsync_directory(path.parent)


def write_flatgeobuf(
    frame: GeoDataFrame, path: str | Path, *, geometry_type: str = "Point"
) -> None:
    """Write one table as a FlatGeobuf file (with its spatial index), atomically.

    Fields as in the GeoPackage (:func:`flat_table`), so GDAL 3.6, which cannot
    write list fields to FlatGeobuf, reads and converts it as it is; the geometry
    type is fixed even when the table is empty.

    Raises
    ------
    OutputError
        Naming ``path`` if the table cannot be converted or the file not written.
    """
    path = Path(path)
    if not path.parent.is_dir():
        msg = "the folder to write the FlatGeobuf file in does not exist"
        raise OutputError(msg, path=path)
    flat = _flat_frame(frame, path.stem, path)
    temporary = path.parent / f".{path.stem}.{secrets.token_hex(6)}.tmp.fgb"
    try:
        pyogrio.write_dataframe(
            flat, temporary, layer=path.stem, driver="FlatGeobuf", geometry_type=geometry_type
        )
        _fsync_file(temporary)
        temporary.replace(path)
    except OSError as exc:
        raise _output_error(path, exc) from exc
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        msg = f"GDAL could not write the FlatGeobuf file: {exc}"
        raise OutputError(msg, path=path) from exc
    finally:
        _remove_quietly(temporary)
    _fsync_directory(path.parent)


def incidents_geoparquet(incidents: GeoDataFrame, path: str | Path) -> None:
    """Write the incidents as GeoParquet (``incidents.parquet``), atomically.

    For DuckDB, dask-geopandas, Sedona and pandas: WKB points in EPSG:4326 with the
    GeoParquet metadata, lists as real list columns (and their ``_json`` text twins,
    as in the other formats), local times as ISO text beside ``utc_start`` and
    ``utc_end`` timestamps in UTC, counts as nullable integers.

    Raises
    ------
    OutputError
        Naming ``path`` if the table cannot be converted or the file not written.
    """
    path = Path(path)
    if not path.parent.is_dir():
        msg = "the folder to write the GeoParquet file in does not exist"
        raise OutputError(msg, path=path)
    frame = _normalised_incidents(_in_wgs84(incidents)).reset_index(drop=True)
    geometry_name = frame.geometry.name
    ids = frame["incident_id"].tolist()
    columns: dict[str, Any] = {}
    for column in frame.columns:
        series = frame[column]
        if column == geometry_name:
            continue
        if series.dtype == object and _holds_structures(column, series):
            columns[column] = pd.Series(
                [None if _is_missing(v) else [str(x) for x in v] for v in series], dtype=object
            )
            columns[f"{column}{JSON_SUFFIX}"] = pd.Series(
                [_json_text(v, column, i) for v, i in zip(series, ids, strict=True)], dtype=object
            )
            continue
        columns[column] = series
        if column in TIME_COLUMNS:
            times = _local_times(series.tolist(), ids, column)
            columns[UTC_NAMES[column]] = _utc_series(times)
    table = GeoDataFrame(columns, geometry=frame.geometry.values, crs=4326)
    temporary = path.parent / f".{path.stem}.{secrets.token_hex(6)}.tmp.parquet"
    try:
        table.to_parquet(temporary, index=False, compression="zstd", write_covering_bbox=False)
        _fsync_file(temporary)
        temporary.replace(path)
    except OSError as exc:
        raise _output_error(path, exc) from exc
    except (ValueError, TypeError, ImportError) as exc:
        msg = f"could not write the GeoParquet file: {exc}"
        raise OutputError(msg, path=path) from exc
    finally:
        _remove_quietly(temporary)
    _fsync_directory(path.parent)


def _check_layer_names(layers: Mapping[str, Any], path: Path) -> None:
    """Layer names must be non-empty and distinct ignoring case (as SQLite tables are)."""
    folded: set[str] = set()
    for name in layers:
        if not isinstance(name, str) or not name.strip():
            msg = f"a GeoPackage layer needs a non-empty name, not {name!r}"
            raise OutputError(msg, path=path)
        if name.casefold() in folded:
            msg = f"two GeoPackage layers would be named {name!r} (names ignore case)"
            raise OutputError(msg, path=path)
        folded.add(name.casefold())


def flat_table(gdf: GeoDataFrame, layer: str = "table") -> GeoDataFrame:
    """A copy of ``gdf`` holding only field types every GDAL driver stores faithfully.

    - local time columns (``time_start``, ``time_end`` and any time-zone-aware
      datetime column) stay ISO 8601 text with their offset under their name, and get
      a UTC DateTime twin (``utc_start``, ``utc_end``, else ``<name>_utc``); a
      Shapefile, which only has dates, then keeps the local text whole and turns only
      the UTC twin into a (UTC) date;
    - list and mapping columns become ``<name>_json``, JSON text;
    - counts are nullable integers, never reals.
    """
    return _flat_frame(gdf, layer, None)


def _utc_series(times: Sequence[dt.datetime | None]) -> pd.Series:
    utc = [None if time is None else time.astimezone(dt.UTC) for time in times]
    return pd.Series(pd.to_datetime(utc, utc=True), dtype="datetime64[ms, UTC]")


def _flat_frame(gdf: GeoDataFrame, layer: str, path: Path | None) -> GeoDataFrame:
    frame = _in_wgs84(gdf).reset_index(drop=True)
    geometry_name = frame.geometry.name
    id_column = next((c for c in frame.columns if str(c).endswith("_id")), None)
    ids = frame[id_column].tolist() if id_column is not None else list(range(len(frame)))
    columns: dict[str, Any] = {}
    for column in frame.columns:
        series = frame[column]
        if column == geometry_name:
            columns[column] = series
        elif column in TIME_COLUMNS or isinstance(series.dtype, pd.DatetimeTZDtype):
            try:
                times = _local_times(series.tolist(), ids, str(column))
            except OutputError as exc:
                msg = f"layer {layer}: {exc.message}"
                raise OutputError(msg, path=path) from exc
            columns[column] = pd.Series(
                [None if time is None else time.isoformat() for time in times], dtype=object
            )
            columns[UTC_NAMES.get(str(column), f"{column}_utc")] = _utc_series(times)
        elif series.dtype == object and _holds_structures(column, series):
            columns[f"{column}{JSON_SUFFIX}"] = pd.Series(
                [
                    _json_text(value, column, row_id)
                    for value, row_id in zip(series, ids, strict=True)
                ],
                dtype=object,
            )
        elif column in INCIDENT_INTEGER_COLUMNS or column in PLACE_INTEGER_COLUMNS:
            try:
                columns[column] = series.astype("Int64")
            except (TypeError, ValueError) as exc:
                msg = f"layer {layer}: column {column!r} holds non-integers ({exc})"
                raise OutputError(msg, path=path) from exc
        else:
            columns[column] = series
    return GeoDataFrame(columns, geometry=geometry_name, crs=4326)


def _json_text(value: Any, column: object, row_id: object) -> str | None:
    if _is_missing(value):
        return None
    return json.dumps(_json_value(value, column=column, feature_id=row_id), ensure_ascii=False)


def _gpkg_timestamp() -> str:
    """The moment to record as the GeoPackage's last change (see :func:`write_geopackage`)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        return DEFAULT_GPKG_TIMESTAMP
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        msg = f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970"
        raise OutputError(msg) from exc
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@contextlib.contextmanager
def _gdal_config(options: Mapping[str, str]) -> Iterator[None]:
    """Set GDAL configuration options for the duration of a block, then restore them."""
    previous = {name: pyogrio.get_gdal_config_option(name) for name in options}
    pyogrio.set_gdal_config_options(dict(options))
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


# ------------------------------------------------------------------------------ CSV


def neutralise_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would really evaluate as a formula.

    Excel, LibreOffice and Google Sheets evaluate a cell that starts with ``=``; one
    that starts with ``+`` or ``-`` unless it is just a number; one that starts with
    ``@`` when a formula follows (a function call, a reference, an operator), and
    OWASP adds a leading tab or carriage return. An account name such as
    ``@handle`` (or ``@handle said``) is not a formula and stays as written, and so
    do ``-5`` and ``+3``, which a spreadsheet reads as the numbers they are.
    """
    if not text:
        return text
    first = text[0]
    if first in "=\t\r":
        return "'" + text
    if first in "+-":
        return text if _PLAIN_NUMBER.fullmatch(text) else "'" + text
    if first == "@":
        return "'" + text if _FORMULA_AFTER_AT.search(text[1:]) else text
    return text


#: ``+3``, ``-1.5``, ``-10%``: numbers a spreadsheet shows as such.
_PLAIN_NUMBER = re.compile(r"[+-]\d+(?:[.,]\d+)*%?")
#: What turns ``@...`` into a formula: a call, a range or sheet reference, an operator.
_FORMULA_AFTER_AT = re.compile(
    r"^\s*[A-Za-z_][\w.]*\s*\(|^\s*[A-Za-z]{1,3}\$?\d+\b|^\s*[-+=(]|[|!]"
)


def _csv_text(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


#: Columns of ``incidents.csv``: our incident fields under our own names. Where ours
#: would share a name with an ACLED column of another meaning, the CSV renames it:
#: ``event_type`` -> ``incident_type`` (ours: clash, tear_gas, ...),
#: ``time_precision`` -> ``time_granularity`` (words, not ACLED's 1-3) and
#: ``geo_precision`` -> ``place_precision`` (words, not ACLED's 1-3).
INCIDENT_CSV_COLUMNS = (
    "incident_id",
    "event_id",
    "incident_type",
    "acled_event_type",
    "sub_event_type",
    "status",
    "actors_json",
    "date",
    "time_start",
    "time_end",
    "time_granularity",
    "place_id",
    "place_name",
    "place_precision",
    "uncertainty_m",
    "resolved_by",
    "place_basis",
    "lat",
    "lon",
    "source",
    "source_type",
    "via",
    "report",
    "url",
    "evidence",
    "evidence_start",
    "evidence_end",
    "killed",
    "injured",
    "casualty_text",
    "claimed_by",
    "claim_status",
    "scope",
    "weapon",
    "target",
)
_CSV_RENAMED = {
    "incident_type": "event_type",
    "time_granularity": "time_precision",
    "place_precision": "geo_precision",
}
#: Columns an incident table must have for :func:`incidents_csv` (the rest may be absent).
INCIDENT_CSV_REQUIRED = ("incident_id", "event_type", "date", "time_start", "source")


def incidents_csv(incidents: GeoDataFrame) -> str:
    """``incidents.csv``: one row per incident, every field, under our own names.

    Columns :data:`INCIDENT_CSV_COLUMNS`, rows sorted by ``incident_id``; columns the
    table does not have (``status``, ``weapon`` ... from newer extractors, ``event_id``
    before grouping) are left blank. Lists are JSON text (``actors_json``), times ISO
    8601 with their offset, evidence verbatim with line breaks collapsed; text a
    spreadsheet would evaluate is defused (:func:`neutralise_formula`). ACLED's own
    format, one row per event, is :func:`acled_events_csv`.

    Raises
    ------
    OutputError
        If a required column is missing or a time cannot be read.
    """
    missing = [c for c in INCIDENT_CSV_REQUIRED if c not in incidents.columns]
    if missing:
        msg = f"cannot write the CSV: the incident table lacks {', '.join(missing)}"
        raise OutputError(msg)
    frame = _normalised_incidents(incidents)
    ids = [str(i) for i in frame["incident_id"]]
    cells: dict[str, list[str]] = {}
    for column in INCIDENT_CSV_COLUMNS:
        source = _CSV_RENAMED.get(column, column)
        if column == "actors_json":
            source = "actors"
        if source not in frame.columns:
            cells[column] = [""] * len(frame)
            continue
        values = frame[source].tolist()
        if column == "actors_json":
            cells[column] = [_json_cell(v, "actors", i) for v, i in zip(values, ids, strict=True)]
        elif column in ("lat", "lon"):
            cells[column] = [_decimal_text(None if _is_missing(v) else v) for v in values]
        else:
            cells[column] = [_plain_cell(v) for v in values]
    order = sorted(range(len(frame)), key=lambda index: ids[index])
    rows = [[cells[column][index] for column in INCIDENT_CSV_COLUMNS] for index in order]
    return _csv_text(rows, INCIDENT_CSV_COLUMNS)


def acled_csv(incidents: GeoDataFrame) -> str:
    """The per-incident CSV under its former name: the same as :func:`incidents_csv`.

    Kept so callers of the old name go on writing ``incidents.csv``; the file in
    ACLED's own format is :func:`acled_events_csv`.
    """
    return incidents_csv(incidents)


def _plain_cell(value: Any) -> str:
    """A value as CSV text: numbers as written, text on one line and defused."""
    if _is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return "" if not math.isfinite(number) else repr(round(number, 3)).removesuffix(".0")
    if isinstance(value, (list, tuple, np.ndarray, Mapping)):
        return neutralise_formula(_json_text(value, "", "") or "")
    return neutralise_formula(" ".join(str(value).split()))


def _json_cell(value: Any, column: str, row_id: str) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        value = [value]
    return neutralise_formula(_json_text(value, column, row_id) or "")


# ------------------------------------------------------------------------ ACLED CSV

#: ``acled.csv``'s columns: ACLED's own, in the codebook's order.
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
#: The dtypes an ACLED user loads ``acled.csv`` with (``pandas.read_csv(dtype=...)``,
#: ``parse_dates=["event_date"]``); the tests load it exactly so.
ACLED_DTYPES = {
    "event_id_cnty": "string",
    "year": "Int64",
    "time_precision": "Int64",
    "disorder_type": "string",
    "event_type": "string",
    "sub_event_type": "string",
    "actor1": "string",
    "assoc_actor_1": "string",
    "inter1": "Int64",
    "actor2": "string",
    "assoc_actor_2": "string",
    "inter2": "Int64",
    "interaction": "Int64",
    "civilian_targeting": "string",
    "iso": "Int64",
    "region": "string",
    "country": "string",
    "admin1": "string",
    "admin2": "string",
    "admin3": "string",
    "location": "string",
    "latitude": "float64",
    "longitude": "float64",
    "geo_precision": "Int64",
    "source": "string",
    "source_scale": "string",
    "notes": "string",
    "fatalities": "Int64",
    "tags": "string",
    "timestamp": "Int64",
}


@cache
def _acled_rules() -> dict[str, Any]:
    return read_json_resource("maps", "acled.json")


def acled_events_csv(incidents: GeoDataFrame, events: GeoDataFrame | None = None) -> str:
    """``acled.csv``: the events in ACLED's own format, one row per event.

    Columns :data:`ACLED_COLUMNS` in the codebook's order, with ACLED's codes (the
    mapping is data: ``maps/data/acled.json``):

    - an event is a row when ACLED would code it: it has a day and a place, its
      types map to an ACLED sub-event type (a call to escalate does not), and not
      every member is only announced, threatened or denied (``status``, when the
      table has it); the others stay in ``events.geojson``;
    - ``event_type``/``sub_event_type`` are the members' most severe (the table's
      ``acled_event_type``/``sub_event_type`` when present, else our type's);
    - ``actor1``/``actor2`` with ``inter1``/``inter2`` codes and the two-digit
      ``interaction`` (lower code first; ``60`` protesters alone); demonstrators are
      named as ACLED names them (``Protesters (Iraq)``, ``Rioters (Iraq)``);
    - ``time_precision`` 1 (day known), 2 (week), 3 (month); ``geo_precision`` 1
      (a place in the town), 2 (near a place), 3 (region or country);
    - ``fatalities`` is the most conservative credible figure: each claimant's
      highest figure, then the lowest across claimants, a denial counting as none,
      0 when nobody reports deaths; every claim is listed in ``notes``
      (``2 killed according to @account; Health Ministry: none``);
    - ``event_id_cnty`` is ``IRQ`` and a number derived from our ``event_id`` (given
      at the end of the notes, to join back); ``timestamp`` is the build's
      reproducible time (``SOURCE_DATE_EPOCH``, else 2000-01-01).

    ``events`` is the event table of ``incidents`` (:func:`incidents.events.group_events`);
    it is computed with the bundled gazetteer when not given.
    """
    if events is None:
        events = group_events(incidents)
    rules = _acled_rules()
    by_id = _incident_lookup(incidents)
    timestamp = str(int(dt.datetime.fromisoformat(_gpkg_timestamp()).timestamp()))
    rows = []
    seen_ids: set[str] = set()
    for event in events.to_dict("records"):
        row = _acled_event_row(event, by_id, rules)
        if row is None:
            continue
        if row["event_id_cnty"] in seen_ids:  # two hashes alike in 15 digits: keep both
            row["event_id_cnty"] += "-" + str(event["event_id"])
        seen_ids.add(row["event_id_cnty"])
        row["timestamp"] = timestamp
        rows.append(row)
    rows.sort(key=lambda r: (r["event_date"], r["event_id_cnty"]))
    return _csv_text([[r[c] for c in ACLED_COLUMNS] for r in rows], ACLED_COLUMNS)


def _incident_lookup(incidents: GeoDataFrame) -> dict[str, dict[str, Any]]:
    wanted = [
        c
        for c in (
            "incident_id", "event_type", "acled_event_type", "sub_event_type", "actors",
            "status", "source_type", "scope",
        )
        if c in incidents.columns
    ]  # fmt: skip
    records = incidents[wanted].to_dict("records")
    return {
        str(r["incident_id"]): {k: None if _is_missing(v) else v for k, v in r.items()}
        for r in records
    }


def _acled_event_row(
    event: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]], rules: Mapping[str, Any]
) -> dict[str, str] | None:
    day = event.get("date")
    lat, lon = event.get("lat"), event.get("lon")
    if _is_missing(day) or _is_missing(lat) or _is_missing(lon):
        return None
    members = [by_id[i] for i in event["incident_ids"] if i in by_id]
    not_happened = set(rules["not_happened"]["values"])
    if members and all(m.get("status") in not_happened for m in members):
        return None
    coded = [_acled_type(m, rules) for m in members if m.get("status") not in not_happened]
    coded = [c for c in coded if c is not None]
    if not coded:
        return None
    ranks = rules["sub_event_rank"]
    event_type, sub_event_type = max(coded, key=lambda c: (ranks.get(c[1], 0), c))
    disorder = rules["disorder_type"].get(sub_event_type) or rules["disorder_type"][
        "by_event_type"
    ].get(event_type, "")
    actor1, assoc1, inter1, actor2, assoc2, inter2, others = _acled_actors(
        members, event_type, sub_event_type, rules
    )
    interaction = ""
    if inter1:
        codes = sorted(int(c) for c in (inter1, inter2) if c)
        interaction = f"{codes[0]}{codes[1]}" if len(codes) == 2 else f"{codes[0]}0"
    country = rules["country"]
    place_name = event.get("place_name")
    location = country["city"]
    if place_name and str(place_name) != country["city"]:
        location = f"{country['city']} - {' '.join(str(place_name).split())}"
    fatalities, claim_notes = _fatalities(event.get("claims") or [], rules)
    digest = hashlib.sha1(str(event["event_id"]).encode(), usedforsecurity=False).hexdigest()
    digits = int(digest[:12], 16)
    sources = [str(s) for s in event.get("sources") or []]
    social = {m.get("source_type") for m in members} == {"social"}
    notes = _acled_notes(event, claim_notes, others)
    text = {
        "event_id_cnty": f"{country['iso3']}{digits}",
        "event_date": str(day),
        "disorder_type": disorder,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": actor1,
        "assoc_actor_1": assoc1,
        "actor2": actor2,
        "assoc_actor_2": assoc2,
        "civilian_targeting": (
            "Civilian targeting" if sub_event_type in rules["civilian_targeting"]["values"] else ""
        ),
        "region": country["region"],
        "country": country["country"],
        "admin1": country["admin1"],
        "admin2": "",
        "admin3": "",
        "location": location,
        "source": "; ".join(sources),
        "source_scale": "New media" if social else "",
        "notes": notes,
        "tags": "",
    }
    row = {column: neutralise_formula(value) for column, value in text.items()}
    row.update(
        year=str(dt.date.fromisoformat(str(day)).year),
        time_precision=str(rules["precision"]["time"].get(str(event.get("time_precision")), 1)),
        inter1=inter1,
        inter2=inter2,
        interaction=interaction,
        iso=str(country["iso"]),
        latitude=_decimal_text(lat),
        longitude=_decimal_text(lon),
        geo_precision=str(rules["precision"]["geo"].get(str(event.get("geo_precision")), 3)),
        fatalities=str(fatalities),
    )
    return row


def _acled_type(member: Mapping[str, Any], rules: Mapping[str, Any]) -> tuple[str, str] | None:
    """(ACLED event type, sub-event type) of one incident, or None when ACLED codes none."""
    if member.get("acled_event_type") and member.get("sub_event_type"):
        return str(member["acled_event_type"]), str(member["sub_event_type"])
    mapped = rules["types"].get(str(member.get("event_type")))
    return (mapped[0], mapped[1]) if mapped else None


def _acled_actors(
    members: Sequence[Mapping[str, Any]], event_type: str, sub_event_type: str,
    rules: Mapping[str, Any],
) -> tuple[str, str, str, str, str, str, list[str]]:  # fmt: skip
    """actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2 and the uncoded names."""
    names: list[str] = []
    for member in members:
        for actor in _actor_list(member.get("actors")):
            if actor not in names:
                names.append(actor)
    codes = rules["actors"]
    demonstrators = rules["demonstrators"].get(event_type)
    crowd = [n for n in names if codes.get(n) in (5, 6)]
    state = [n for n in names if codes.get(n) == 1]
    others = [n for n in names if n not in codes]
    sides: list[tuple[str, str, str]] = []  # (actor, associated actors, inter code)
    if demonstrators is not None:
        name, code = demonstrators
        generic = {"Protesters", name}
        assoc = "; ".join(n for n in crowd if n not in generic)
        sides.append((name, assoc, str(code)))
    elif crowd:
        sides.append((crowd[0], "; ".join(crowd[1:]), str(codes[crowd[0]])))
    if state:
        sides.append((state[0], "; ".join(state[1:]), "1"))
    if sub_event_type == "Excessive force against protesters":
        sides.reverse()  # the force that used it first, as ACLED orders them
    sides = sides[:2]
    while len(sides) < 2:
        sides.append(("", "", ""))
    (actor1, assoc1, inter1), (actor2, assoc2, inter2) = sides
    return actor1, assoc1, inter1, actor2, assoc2, inter2, others


def _fatalities(
    claims: Sequence[Mapping[str, Any]], rules: Mapping[str, Any]
) -> tuple[int, list[str]]:
    """The most conservative credible death toll, and every claim as a note."""
    credible = set(rules["credible_claim_status"]["values"])
    per_claimant: dict[str, int] = {}
    notes: list[str] = []
    for claim in claims:
        who = str(claim.get("claimed_by") or claim.get("source") or "unknown")
        key = str(claim.get("claimant") or who)
        status = claim.get("claim_status")
        killed = claim.get("killed")
        killed = None if _is_missing(killed) else int(killed)
        injured = claim.get("injured")
        injured = None if _is_missing(injured) else int(injured)
        according = who if claim.get("source") in (None, who) else f"{who} (in {claim['source']})"
        if status == "denied" and not killed:
            notes.append(f"{according}: none")
            per_claimant[key] = min(per_claimant.get(key, 0), 0)
            continue
        parts = []
        if killed is not None:
            parts.append(f"{killed} killed")
        if injured is not None:
            parts.append(f"{injured} injured")
        if not parts:
            continue
        wording = claim.get("casualty_text")
        said = (
            f' ("{" ".join(str(wording).split())}")' if wording and not _is_missing(wording) else ""
        )
        qualifier = f", {status}" if status and status not in ("claimed", "official") else ""
        notes.append(f"{' and '.join(parts)} according to {according}{said}{qualifier}")
        if killed is not None and status in credible:
            per_claimant[key] = max(per_claimant.get(key, killed), killed)
    fatalities = min(per_claimant.values()) if per_claimant else 0
    return fatalities, notes


def _acled_notes(
    event: Mapping[str, Any], claim_notes: Sequence[str], others: Sequence[str]
) -> str:
    summary = " ".join(str(event.get("summary") or "").split())
    parts = [summary + "." if summary and not summary.endswith(".") else summary]
    if claim_notes:
        parts.append("Casualties: " + "; ".join(claim_notes) + ".")
    if others:
        parts.append("Also named: " + "; ".join(others) + ".")
    parts.append(f"[incident-mapper {event['event_id']}]")
    return " ".join(p for p in parts if p)


def _actor_list(actors: Any) -> list[str]:
    if actors is None or _is_missing(actors):
        return []
    if isinstance(actors, str):
        return [actors]
    return [str(actor) for actor in actors if not _is_missing(actor)]


def _decimal_text(number: Any) -> str:
    """A coordinate with at most 7 decimals and no exponent; blank when missing."""
    if number is None or _is_missing(number) or not math.isfinite(float(number)):
        return ""
    text = f"{round(float(number), COORDINATE_DECIMALS):.{COORDINATE_DECIMALS}f}"
    text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# ------------------------------------------------------------------- build outputs

#: The files :func:`extra_outputs` adds to a build, in order.
EXTRA_OUTPUT_FILES = ("acled.csv", "incidents.fgb", "events.fgb", "incidents.parquet")


def extra_outputs(
    incidents: GeoDataFrame, events: GeoDataFrame
) -> dict[str, bytes | str | ContentWriter]:
    """The build's files in ACLED's format, FlatGeobuf and GeoParquet, for
    :func:`write_outputs`: ``acled.csv`` (:func:`acled_events_csv`), ``incidents.fgb``
    and ``events.fgb`` (:func:`write_flatgeobuf`), ``incidents.parquet``
    (:func:`incidents_geoparquet`)."""
    return {
        "acled.csv": acled_events_csv(incidents, events),
        "incidents.fgb": lambda path: write_flatgeobuf(incidents, path),
        "events.fgb": lambda path: write_flatgeobuf(events, path),
        "incidents.parquet": lambda path: incidents_geoparquet(incidents, path),
    }


# ------------------------------------------------------------------- atomic writing


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old file or the new one.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    file is renamed over ``path`` (a rename within one file system is atomic).

    Raises
    ------
    OutputError
        Naming ``path`` when the folder is missing or unwritable or the disk is full;
        ``path`` is then untouched and no temporary file is left behind.
    """
    path = Path(path)
    try:
        _write_via_temporary(path, data)
    except OSError as exc:
        raise _output_error(path, exc) from exc
    _fsync_directory(path.parent)


def atomic_write_text(path: str | Path, text: str) -> None:
    """:func:`atomic_write_bytes` for text, encoded as UTF-8 with line ends as given."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _write_via_temporary(path: Path, data: bytes) -> None:
    temporary = _create_temporary(path)
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        _remove_quietly(temporary)
        raise


def _create_temporary(path: Path) -> Path:
    """Create a new empty hidden sibling of ``path`` with the usual umask permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            os.close(os.open(temporary, flags, 0o666))
        except FileExistsError:
            continue
        return temporary
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(path.parent))


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable; best effort (some systems cannot sync folders)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _output_error(path: Path, exc: BaseException) -> OutputError:
    """An error a user can act on, naming the file that could not be written."""
    code = getattr(exc, "errno", None)
    if isinstance(exc, OutputError):
        message = exc.message
    elif code == errno.ENOSPC:
        message = "no space left on the device; free some space and run again"
    elif code == getattr(errno, "EDQUOT", None):
        message = "disk quota exceeded; free some space and run again"
    elif isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        message = "permission denied; choose an output folder you can write to"
    elif code == errno.EROFS:
        message = "the file system is read-only; choose another output folder"
    elif code == errno.ENOTDIR:
        message = "part of the path is a file, not a folder; choose another output folder"
    elif code == errno.ENOENT:
        message = "the folder does not exist"
    elif isinstance(exc, IsADirectoryError):
        message = "a folder is in the way; move it or choose another output folder"
    else:
        message = f"cannot write: {getattr(exc, 'strerror', None) or exc}"
    return OutputError(message, path=path)


# ---------------------------------------------------------------- output folder


def write_outputs(
    out_dir: str | Path, files: Mapping[str, bytes | str | ContentWriter]
) -> list[Path]:
    """Write a set of output files into ``out_dir`` all-or-nothing.

    ``files`` maps file names to their content: bytes, text (written as UTF-8), or a
    callable that writes the file at the path it is given (the GeoPackage writer).
    Everything is first rendered into a hidden staging folder inside ``out_dir``;
    only when every file succeeded are they moved into place with :func:`os.replace`.
    If a move fails midway the files already moved are put back, so the folder ends
    as it was. The staging folder is always removed.

    Returns
    -------
    list of Path
        The written files, in the order of ``files``.

    Raises
    ------
    OutputError
        If ``out_dir`` is a file, cannot be created or written, or any file fails
        (disk full, permission denied): the message names the file, and every
        output that existed before is left untouched (a folder created for the
        outputs is removed again).
    """
    out_dir = Path(out_dir)
    names = list(files)
    _check_output_names(names)
    created = not out_dir.exists()
    _prepare_directory(out_dir)
    try:
        _write_staged(out_dir, files)
    except BaseException:
        if created:  # a folder made for outputs that never came is not left behind
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise
    _fsync_directory(out_dir)
    return [out_dir / name for name in names]


def _write_staged(out_dir: Path, files: Mapping[str, bytes | str | ContentWriter]) -> None:
    """Render every file into a staging folder in ``out_dir``, then move them all in."""
    names = list(files)
    for name in names:
        if (out_dir / name).is_dir():
            msg = "a folder of this name is in the way; move it or choose another output folder"
            raise OutputError(msg, path=out_dir / name)
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except OSError as exc:
        raise _output_error(out_dir, exc) from exc
    try:
        for name, content in files.items():
            _render(staging / name, content, final=out_dir / name)
        _commit(staging, out_dir, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_output_names(names: Sequence[str]) -> None:
    """Output names are plain file names: no folders, no escaping ``out_dir``."""
    for name in names:
        separators = {"/", os.sep, os.altsep or "/"}
        if (
            not isinstance(name, str)
            or name in {"", ".", ".."}
            or any(separator in name for separator in separators)
            or name.startswith(STAGING_PREFIX)
        ):
            msg = f"output names must be plain file names, not {name!r}"
            raise ValueError(msg)


def _prepare_directory(out_dir: Path) -> None:
    """Create ``out_dir`` if needed and check it is a folder we may write in."""
    if out_dir.exists() and not out_dir.is_dir():
        msg = "exists and is not a folder; choose another output folder"
        raise OutputError(msg, path=out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        msg = "exists and is not a folder; choose another output folder"
        raise OutputError(msg, path=out_dir) from exc
    except OSError as exc:
        raise _output_error(out_dir, exc) from exc
    if not os.access(out_dir, os.W_OK | os.X_OK):
        msg = "the output folder is not writable; choose another or fix its permissions"
        raise OutputError(msg, path=out_dir)


def _render(target: Path, content: bytes | str | ContentWriter, *, final: Path) -> None:
    """Write one file into the staging folder; errors name its final path."""
    try:
        if isinstance(content, str):
            _write_via_temporary(target, content.encode("utf-8"))
        elif isinstance(content, (bytes, bytearray, memoryview)):
            _write_via_temporary(target, bytes(content))
        elif callable(content):
            content(target)
            if not target.is_file():
                msg = "the writer for this file did not produce it"
                raise OutputError(msg, path=final)
            _fsync_file(target)
        else:
            msg = f"cannot write {final.name}: content must be bytes, str or a callable"
            raise TypeError(msg)
    except OSError as exc:
        raise _output_error(final, exc) from exc


def _commit(staging: Path, out_dir: Path, names: Sequence[str]) -> None:
    """Move staged files into ``out_dir``; on failure restore what was there."""
    try:
        backups = Path(tempfile.mkdtemp(prefix="previous-", dir=staging))
    except OSError as exc:
        raise _output_error(out_dir, exc) from exc
    moved: list[tuple[Path, Path | None]] = []
    for name in names:
        target = out_dir / name
        try:
            backup = None
            if target.exists() or target.is_symlink():
                backup = backups / name
                _preserve(target, backup)
            (staging / name).replace(target)
        except OSError as exc:
            _roll_back(moved)
            raise _output_error(target, exc) from exc
        moved.append((target, backup))


def _preserve(target: Path, backup: Path) -> None:
    """Keep the previous file: a hard link when possible (no copy), else a copy."""
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, backup, follow_symlinks=False)


def _roll_back(moved: Sequence[tuple[Path, Path | None]]) -> None:
    """Undo moves already made, newest first (best effort)."""
    for target, backup in reversed(moved):
        with contextlib.suppress(OSError):
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                backup.replace(target)
