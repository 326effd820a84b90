"""Table values as every export writes them: missing values, JSON, local times, counts.

Shared by the GeoJSON, GeoPackage/FlatGeobuf/GeoParquet and CSV writers, so the same
cell reads the same in every file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from geopandas import GeoDataFrame

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


#: Suffix of the JSON-text twin of a list or mapping column.
JSON_SUFFIX = "_json"


#: Columns of our tables that hold lists or mappings, so they are written as such
#: (with their ``_json`` twin) even when no row has a value: an empty build keeps
#: the same fields.
LIST_COLUMNS = frozenset(
    {"actors", "sources", "incident_ids", "event_types", "claims", "reasons", "alternatives"}
)


def holds_structures(column: Any, values: Sequence[Any]) -> bool:
    """Whether a column holds lists or mappings (by name for ours, else by its values;
    a column of numbers or of a string dtype never does)."""
    if column in LIST_COLUMNS:
        return True
    dtype = getattr(values, "dtype", None)
    if dtype is not None and not pd.api.types.is_object_dtype(dtype):
        return False
    return any(map(is_structured, values))


def column_values(series: pd.Series) -> list[Any]:
    """A column's cells as Python values (``tolist``); a column held in Arrow memory
    (the build's text columns) converts in Arrow, missing cells as None."""
    if isinstance(series.dtype, pd.ArrowDtype):
        return pa.chunked_array(series.array.__arrow_array__()).to_pylist()
    return series.tolist()


def is_structured(value: Any) -> bool:
    return isinstance(value, (list, tuple, np.ndarray, Mapping))


def in_wgs84(gdf: GeoDataFrame) -> GeoDataFrame:
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


def is_missing(value: Any) -> bool:
    """True for None, pandas NA/NaT and float NaN; never for lists or arrays."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def json_value(value: Any, *, column: object, feature_id: object) -> Any:
    """A cell as a plain JSON value (see :func:`geodataframe_to_geojson`)."""
    if is_missing(value):
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
        return [json_value(item, column=column, feature_id=feature_id) for item in value]
    if isinstance(value, Mapping):
        return {
            str(key): json_value(item, column=column, feature_id=feature_id)
            for key, item in value.items()
        }
    msg = f"cannot write {column!r} of {feature_id!r}: {type(value).__name__} has no JSON form"
    raise OutputError(msg)


def round_coordinate(number: float) -> float:
    rounded = round(float(number), COORDINATE_DECIMALS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def normalised_incidents(incidents: GeoDataFrame) -> GeoDataFrame:
    """Incidents with integer counts, offset-carrying ISO times and rounded lat/lon."""
    frame = with_integer_columns(incidents, INCIDENT_INTEGER_COLUMNS, id_column="incident_id")
    ids = frame["incident_id"].tolist() if "incident_id" in frame.columns else [None] * len(frame)
    for column in TIME_COLUMNS:
        if column in frame.columns:
            values = column_values(frame[column])
            frame[column] = pd.Series(
                local_time_texts(values, local_times(values, ids, column)),
                index=frame.index,
                dtype=object,
            )
    for column in ("lat", "lon"):
        if column in frame.columns:
            frame[column] = pd.Series(
                [None if is_missing(v) else round_coordinate(v) for v in frame[column]],
                index=frame.index,
                dtype="Float64",
            )
    return frame


def with_integer_columns(
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


def local_times(values: Sequence[Any], ids: Sequence[Any], column: str) -> list[dt.datetime | None]:
    """Parse ISO 8601 local times; each must carry its UTC offset.

    Each distinct text is parsed once (a column of a million incidents holds far fewer
    times); equal texts give the same datetime object."""
    times: list[dt.datetime | None] = []
    parsed: dict[str, dt.datetime] = {}
    for value, row_id in zip(values, ids, strict=True):
        if type(value) is str and value in parsed:
            times.append(parsed[value])
            continue
        if is_missing(value):
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
            msg = f"incident {row_id}: {column} {value!s} has no UTC offset (want e.g. +02:00)"
            raise OutputError(msg)
        if type(value) is str:
            parsed[value] = time
        times.append(time)
    return times


def local_time_texts(
    values: Sequence[Any], times: Sequence[dt.datetime | None]
) -> list[str | None]:
    """The ISO 8601 text, offset included, of each of ``times`` (:func:`local_times` of
    ``values``), each distinct text of ``values`` made once."""
    texts: list[str | None] = []
    made: dict[str, str] = {}
    for value, time in zip(values, times, strict=True):
        if time is None:
            texts.append(None)
        elif type(value) is str:
            if value not in made:
                made[value] = time.isoformat()
            texts.append(made[value])
        else:
            texts.append(time.isoformat())
    return texts


def json_text(value: Any, column: object, row_id: object) -> str | None:
    """A cell as JSON text (``json.dumps(..., ensure_ascii=False)`` of its
    :func:`json_value`), None when it is missing.

    A value made only of what JSON holds as it is (text, plain numbers, lists, mappings
    with text keys: an event's claims) is encoded straight away, without the copy
    :func:`json_value` makes of it; the two give the same text.
    """
    if is_missing(value):
        return None
    if _plain_json(value):
        try:
            return _PLAIN_JSON.encode(value)
        except ValueError:  # a NaN or an infinity: null, as json_value makes it
            pass
    return _TEXT_JSON.encode(json_value(value, column=column, feature_id=row_id))


def _plain_json(value: Any) -> bool:
    """Whether ``value`` is made only of str, int, float, bool, None, lists, tuples and
    dicts with str keys (whose JSON is their :func:`json_value`'s).

    Scalars inside a container are checked by their type alone, without a call each (an
    event's claims hold a few hundred thousand of them at scale)."""
    kind = type(value)
    if kind in _PLAIN_SCALARS:
        return True
    if kind is list or kind is tuple:
        for item in value:
            if type(item) not in _PLAIN_SCALARS and not _plain_json(item):
                return False
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return False
            if type(item) not in _PLAIN_SCALARS and not _plain_json(item):
                return False
        return True
    return False


#: The scalar types :func:`_plain_json` takes as they are (exact types, not subclasses).
_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})


#: ``json.dumps(..., ensure_ascii=False)`` made once: dumps builds an encoder per call.
_TEXT_JSON = json.JSONEncoder(ensure_ascii=False)
#: The same for plain values, refusing NaN (which json_value makes null).
_PLAIN_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def strings_key(value: Any) -> tuple[str, ...] | None:
    """``value`` as a tuple when it is a list, tuple or array of plain strings (an
    incident's actors), else None: a key under which its JSON text is kept."""
    if not isinstance(value, (list, tuple, np.ndarray)):
        return None
    try:
        key = tuple(value)
    except TypeError:  # a 0-d array
        return None
    return key if all(type(item) is str for item in key) else None


def json_texts(values: Iterable[Any], column: object, row_ids: Iterable[Any]) -> list[str | None]:
    """:func:`json_text` of each cell of a column, each distinct list of strings (a
    column of a million incidents' actors holds a few hundred) worked out once."""
    memo: dict[tuple[str, ...], str | None] = {}
    texts: list[str | None] = []
    for value, row_id in zip(values, row_ids, strict=True):
        key = strings_key(value)
        if key is None:
            texts.append(json_text(value, column, row_id))
            continue
        if key not in memo:
            memo[key] = _TEXT_JSON.encode(list(key))  # json_value of plain strings: themselves
        texts.append(memo[key])
    return texts


def reproducible_timestamp() -> str:
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


def decimal_text(number: Any) -> str:
    """A coordinate with at most 7 decimals and no exponent; blank when missing."""
    if number is None or is_missing(number) or not math.isfinite(float(number)):
        return ""
    text = f"{round(float(number), COORDINATE_DECIMALS):.{COORDINATE_DECIMALS}f}"
    text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
