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
import io
import json
import math
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
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

#: Columns of :func:`acled_csv`, in order.
ACLED_COLUMNS = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "incident_id",
    "time_precision",
)
#: Our geo_precision mapped to ACLED's 1/2/3 codes: 1 = the exact spot or a landmark
#: (a gate, a bridge, a building), 2 = a part of the city (a zone, a district, an area
#: relative to a landmark), 3 = only the city or country is known. ACLED has no
#: coarser code, so a country-level location is also 3.
ACLED_GEO_PRECISION = {
    "exact": 1,
    "estimated": 1,
    "zone": 2,
    "relative": 2,
    "district": 2,
    "city": 3,
    "country": 3,
}
#: Incident columns :func:`acled_csv` reads.
ACLED_SOURCE_COLUMNS = (
    "incident_id",
    "event_type",
    "sub_event_type",
    "acled_event_type",
    "actors",
    "date",
    "time_start",
    "time_precision",
    "place_name",
    "geo_precision",
    "source",
    "via",
    "evidence",
    "killed",
    "injured",
    "casualty_text",
    "claimed_by",
    "claim_status",
    "lat",
    "lon",
)
#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a
#: formula (OWASP "CSV injection"); tab and carriage return are on OWASP's list too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

ContentWriter = Callable[[Path], None]


# --------------------------------------------------------------------------- GeoJSON


def geodataframe_to_geojson(gdf: GeoDataFrame, *, id_column: str) -> str:
    """Serialise a GeoDataFrame as a deterministic RFC 7946 FeatureCollection.

    Every column but the geometry becomes a property, in column order; ``id_column``
    also gives each feature its ``id``, and features are sorted by it so row order
    does not change the bytes. Missing values become ``null``, lists JSON arrays,
    NumPy scalars plain numbers, datetimes ISO 8601 with their offset. Rows without a
    geometry are kept with ``"geometry": null``.

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


def write_geopackage(layers: Mapping[str, GeoDataFrame], path: str | Path) -> None:
    """Write each frame as a layer of one GeoPackage, in EPSG:4326, atomically.

    Local time columns (``time_start``, ``time_end`` and any time-zone-aware datetime
    column) become ``<name>_utc`` DateTime fields in UTC and ``<name>_local`` text
    fields keeping the ISO string with its offset; list cells become JSON strings.
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
    frames = {name: _geopackage_frame(frame, name, path) for name, frame in layers.items()}
    timestamp = _gpkg_timestamp()
    temporary = path.parent / f".{path.stem}.{secrets.token_hex(6)}.tmp.gpkg"
    try:
        with _gdal_config({"OGR_CURRENT_DATE": timestamp}):
            for name, frame in frames.items():
                pyogrio.write_dataframe(frame, temporary, layer=name, driver="GPKG")
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


def _check_layer_names(layers: Mapping[str, GeoDataFrame], path: Path) -> None:
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


def _geopackage_frame(gdf: GeoDataFrame, layer: str, path: Path) -> GeoDataFrame:
    """A copy of ``gdf`` holding only types GeoPackage stores faithfully."""
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
            utc = [None if time is None else time.astimezone(dt.UTC) for time in times]
            columns[f"{column}_utc"] = pd.Series(
                pd.to_datetime(utc, utc=True), dtype="datetime64[ms, UTC]"
            )
            columns[f"{column}_local"] = pd.Series(
                [None if time is None else time.isoformat() for time in times], dtype=object
            )
        elif series.dtype == object and any(
            isinstance(value, (list, tuple, np.ndarray, Mapping)) for value in series
        ):
            columns[column] = pd.Series(
                [
                    _json_text(value, column, row_id)
                    for value, row_id in zip(series, ids, strict=True)
                ],
                dtype=object,
            )
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


# ----------------------------------------------------------------------- ACLED CSV


def acled_csv(incidents: GeoDataFrame) -> str:
    """The incidents as an ACLED-like CSV (UTF-8 text, ``\\n`` line ends, sorted by id).

    Conventions:

    - ``event_date`` is the local day as ``YYYY-MM-DD`` (from ``date``, else from
      ``time_start``); blank when unknown.
    - ``event_type`` is the ACLED type when we have one, else our own event type.
    - ``actor1``/``actor2`` are the first two actors; any others are listed in notes.
    - ``geo_precision`` uses ACLED's codes (:data:`ACLED_GEO_PRECISION`): 1 exact
      spot or landmark, 2 part of the city, 3 city or country; blank if unmapped.
    - ``source`` is the outlet or ``@handle``, with ``via <outlet>`` for embedded posts.
    - ``notes`` is the evidence sentence (whitespace collapsed to single spaces), then
      the casualty claim (figures, wording, who claims it, its status).
    - ``fatalities`` is the killed figure, or 0 when none is reported, as ACLED does:
      0 means "no deaths reported", not "no deaths".
    - Text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a
      leading apostrophe so a spreadsheet shows them instead of running a formula
      (an account name ``@handle`` is therefore written ``'@handle``). Numbers we
      format ourselves (coordinates, codes, counts) are never altered.

    Raises
    ------
    OutputError
        If a column is missing or a date or time cannot be read.
    """
    missing = [column for column in ACLED_SOURCE_COLUMNS if column not in incidents.columns]
    if missing:
        msg = f"cannot write the CSV: the incident table lacks {', '.join(missing)}"
        raise OutputError(msg)
    frame = _normalised_incidents(incidents)
    columns = {column: frame[column].tolist() for column in ACLED_SOURCE_COLUMNS}
    order = sorted(range(len(frame)), key=lambda index: str(columns["incident_id"][index]))
    rows = [
        _acled_row({column: columns[column][index] for column in ACLED_SOURCE_COLUMNS})
        for index in order
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(ACLED_COLUMNS)
    for row in rows:
        writer.writerow([row[column] for column in ACLED_COLUMNS])
    return buffer.getvalue()


def neutralise_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would evaluate as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _acled_row(incident: Mapping[str, Any]) -> dict[str, str]:
    """One CSV row; every cell is already text."""
    value = {key: None if _is_missing(item) else item for key, item in incident.items()}
    incident_id = str(value["incident_id"])
    actors = _actor_list(value["actors"])
    source = str(value["source"] or "")
    if value["via"]:
        source = f"{source} via {value['via']}"
    precision_code = ACLED_GEO_PRECISION.get(str(value["geo_precision"]))
    text_cells = {
        "event_date": _event_date(value["date"], value["time_start"], incident_id),
        "event_type": str(value["acled_event_type"] or value["event_type"] or ""),
        "sub_event_type": str(value["sub_event_type"] or ""),
        "actor1": actors[0] if actors else "",
        "actor2": actors[1] if len(actors) > 1 else "",
        "location": str(value["place_name"] or ""),
        "source": source,
        "notes": _notes(value, actors[2:]),
        "incident_id": incident_id,
        "time_precision": str(value["time_precision"] or ""),
    }
    row = {column: neutralise_formula(text) for column, text in text_cells.items()}
    row["latitude"] = _decimal_text(value["lat"])
    row["longitude"] = _decimal_text(value["lon"])
    row["geo_precision"] = "" if precision_code is None else str(precision_code)
    row["fatalities"] = str(int(value["killed"])) if value["killed"] is not None else "0"
    return row


def _actor_list(actors: Any) -> list[str]:
    if actors is None:
        return []
    if isinstance(actors, str):
        return [actors]
    return [str(actor) for actor in actors if not _is_missing(actor)]


def _event_date(date: Any, time_start: Any, incident_id: str) -> str:
    """The local day as YYYY-MM-DD, formatted here rather than by GDAL."""
    if isinstance(date, dt.datetime):
        return date.date().isoformat()
    if isinstance(date, dt.date):
        return date.isoformat()
    if isinstance(date, str):
        try:
            return dt.date.fromisoformat(date.strip()).isoformat()
        except ValueError as exc:
            msg = f"incident {incident_id}: date {date!r} is not YYYY-MM-DD"
            raise OutputError(msg) from exc
    if isinstance(time_start, str):
        return dt.datetime.fromisoformat(time_start).date().isoformat()
    return ""


def _decimal_text(number: Any) -> str:
    """A coordinate with at most 7 decimals and no exponent; blank when missing."""
    if number is None or not math.isfinite(float(number)):
        return ""
    text = f"{round(float(number), COORDINATE_DECIMALS):.{COORDINATE_DECIMALS}f}"
    text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _notes(incident: Mapping[str, Any], other_actors: Sequence[str]) -> str:
    """Evidence sentence, casualty claim and extra actors, on one line."""
    parts = [" ".join(str(incident["evidence"] or "").split())]
    claim = []
    if incident["killed"] is not None:
        claim.append(f"killed {int(incident['killed'])}")
    if incident["injured"] is not None:
        claim.append(f"injured {int(incident['injured'])}")
    if incident["casualty_text"]:
        claim.append(f'wording "{" ".join(str(incident["casualty_text"]).split())}"')
    if incident["claimed_by"]:
        claim.append(f"by {incident['claimed_by']}")
    if incident["claim_status"]:
        claim.append(f"status {incident['claim_status']}")
    if claim:
        parts.append("Claim: " + "; ".join(claim) + ".")
    if other_actors:
        parts.append("Also involved: " + "; ".join(other_actors) + ".")
    return " | ".join(part for part in parts if part)


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
