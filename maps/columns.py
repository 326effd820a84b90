"""The incident and event tables as the map page's columns: typed arrays and text chunks.

The page never receives one object per incident. Each table becomes

* **numeric columns**, one typed array each, base64 in the page: ``lon``/``lat``
  (Float32), ``t0``/``t1`` (Uint32 minutes since the epoch; unknown times are
  ``UNKNOWN_TIME``), and small integer codes (source, type, status, precision,
  place, event) into **dictionaries** that are sent once;
* **text chunks**: the popup text of ``chunk_rows`` rows at a time, as column-
  oriented JSON, gzip-compressed; the page decodes a chunk with the browser's
  ``DecompressionStream`` only when one of its rows is opened, searched or
  exported;
* the **ids** as one compressed newline-separated blob.

(The text chunks themselves are made by :mod:`maps.page_chunks`.)

Rows are sorted by start time (unknown times last, then by id), so a time window
is an index range found by binary search. Everything here works on whole columns
(numpy/pandas); nothing loops over incidents in Python.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from incidents.vocabulary import type_acled_event_type, type_label
from maps.arrow_text import rows_bytes
from maps.page_chunks import (
    SEARCH_COLUMNS,
    _popup_chunks,
    _search_chunks,
    gzip_b64,
)
from maps.timeline import CLOCK_PRECISIONS, window_minutes, zone_offsets

#: ``t0`` of an incident whose time is unknown (always shown, sorted last).
UNKNOWN_TIME = 2**32 - 1
#: Statuses in their display order; a missing status means ``happened``.
STATUS_ORDER = ("happened", "reported", "announced", "threatened", "denied")
HAPPENED = "happened"
#: Geo precisions from the sharpest to the vaguest.
PRECISION_ORDER = ("exact", "estimated", "zone", "relative", "district", "city", "country")
#: Source groups of the sources panel, in order.
SOURCE_GROUPS = ("news", "social", "unattributed")

#: Bits of the ``flags`` column.
FLAG_UNMAPPED = 1
FLAG_VAGUE = 2
FLAG_CLOCK = 4
FLAG_UNKNOWN_TIME = 8
#: ``time_start`` (``time_end``) is the window's start (end) written in the page's offset,
#: ``YYYY-MM-DDTHH:MM:SS+HH:MM``: the page writes it back from ``t0`` (``t1``) instead of
#: carrying the text (a fifth of the popup text at scale).
FLAG_START_FROM_T0 = 32
FLAG_END_FROM_T1 = 64

#: Incident columns sent as codes or numbers, never as popup text.
_CODED = frozenset(
    {"incident_id", "event_id", "lat", "lon", "source", "event_type", "status", "geometry"}
)


def type_style(event_type: str, styles: dict[str, Any]) -> tuple[str, str]:
    """The label and colour an incident type is drawn with: the label from the incident
    vocabulary (:func:`incidents.vocabulary.type_label`, the one place labels are made),
    the colour from ``styles.json`` (every type of the vocabulary has one; a grey for a type
    from elsewhere)."""
    rule = styles["event_types"].get(event_type)
    colour = rule["colour"] if rule else styles["unknown_event_type"]["colour"]
    return type_label(event_type), colour


def _text_column(frame: pd.DataFrame, name: str, *, blank_is_missing: bool = False) -> pd.Series:
    """A text column (object dtype) with missing values and empty strings as None (and
    whitespace-only ones with ``blank_is_missing``, for the columns that become codes);
    an absent column is all None."""
    if name not in frame.columns:
        return pd.Series(None, index=frame.index, dtype="object")
    column = frame[name].astype(object)
    keep = column.notna().to_numpy() & (column != "").to_numpy()
    if blank_is_missing and keep.any():
        keep &= column.where(keep, "x").astype(str).str.strip().ne("").to_numpy()
    return column.where(keep, None)


def _ordered_codes(values: pd.Series, order: Sequence[str] = ()) -> tuple[np.ndarray, list[str]]:
    """Codes into a dictionary: the names of ``order`` first (when present), then the
    others alphabetically (case-insensitive)."""
    uniques = pd.unique(values.to_numpy(dtype=object))
    present = set(uniques)
    first = [v for v in order if v in present]
    rest = sorted((v for v in present if v not in set(first)), key=lambda v: (v.casefold(), v))
    dictionary = first + rest
    codes = pd.Categorical(values, categories=dictionary).codes.astype(np.int64)
    return codes, dictionary


def _code_array(codes: np.ndarray, size: int) -> np.ndarray:
    return codes.astype(np.uint8 if size <= 255 else np.uint16 if size <= 65535 else np.uint32)


def point_columns(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) per row as float64 (NaN where not mappable), from the geometry
    (a representative point for lines and areas), else from ``lon``/``lat``."""
    n = len(frame)
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        series = frame.geometry
        if series.crs is not None and series.crs.to_epsg() != 4326:
            series = series.to_crs(4326)
        geoms = np.asarray(series.values, dtype=object)
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        points = np.full(n, None, dtype=object)
        points[present] = shapely.point_on_surface(geoms[present])
        lon = np.full(n, np.nan)
        lat = np.full(n, np.nan)
        lon[present] = shapely.get_x(points[present])
        lat[present] = shapely.get_y(points[present])
    else:
        lon = pd.to_numeric(frame.get("lon", pd.Series(np.nan, index=frame.index)), errors="coerce")
        lat = pd.to_numeric(frame.get("lat", pd.Series(np.nan, index=frame.index)), errors="coerce")
        lon, lat = lon.to_numpy(float, copy=True), lat.to_numpy(float, copy=True)
    bad = ~(np.isfinite(lon) & np.isfinite(lat)) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    lon[bad] = np.nan
    lat[bad] = np.nan
    return lon, lat


def _minutes(frame: pd.DataFrame, time_rules: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(t0, t1) of each row (:func:`maps.timeline.window_minutes`), worked out once per
    distinct (date, time_start, time_end, time_precision): a million incidents hold a
    few thousand, and each row's window depends on its own four values only."""
    names = [n for n in ("date", "time_start", "time_end", "time_precision") if n in frame]
    if len(frame) and names:
        key = np.zeros(len(frame), dtype=np.int64)
        for name in names:
            codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
            key, _ = pd.factorize(key * (len(uniques) + 1) + (codes + 1))
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        if len(first) < len(frame):
            t0, t1 = _window_minutes(frame[names].iloc[first], time_rules)
            inverse = inverse.reshape(-1)
            return t0[inverse], t1[inverse]
    return _window_minutes(frame, time_rules)


def _window_minutes(
    frame: pd.DataFrame, time_rules: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    t0, t1 = window_minutes(
        _text_column(frame, "date"),
        _text_column(frame, "time_start"),
        _text_column(frame, "time_end"),
        _text_column(frame, "time_precision"),
        timezone=str(time_rules["timezone"]),
        open_window_minutes=int(time_rules["open_window_minutes"]),
    )
    return t0, t1


@dataclass
class PageColumns:
    """One table ready for the page: metadata (JSON), typed arrays and text chunks."""

    meta: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    chunks: list[str] = field(default_factory=list)
    #: Chunk k's searched text columns (``meta["searchColumns"]``), apart from its other
    #: popup text so that a search reads only these (see :data:`SEARCH_COLUMNS`).
    search_chunks: list[str] = field(default_factory=list)
    ids: str = ""
    order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: The rows' ids (text, "" for a missing one) in page order, for the events' members;
    #: dropped once they are looked up (see :func:`maps.render.assemble_map`).
    row_ids: pa.Array | None = None

    def array_meta(self) -> list[dict[str, Any]]:
        """Where each column lies in :meth:`packed`: name, typed-array kind (``f4``,
        ``u1``, ``u2``, ``u4``, ``i4``), byte offset (a multiple of 8) and length."""
        layout, offset = [], 0
        for name, array in self.arrays.items():
            kind = array.dtype.str.lstrip("<>|=")
            layout.append({"name": name, "kind": kind, "offset": offset, "length": len(array)})
            offset += -(-array.nbytes // 8) * 8
        return layout

    def packed(self) -> str:
        """Every column's little-endian bytes in one buffer (8-byte aligned), as base64.

        Not compressed: the page decodes it in one synchronous call
        (``Uint8Array.fromBase64``) while its parser waits, where an inflate through
        ``DecompressionStream`` is asynchronous and shares the main thread with the
        parser reading the rest of the page (several times slower at start-up). Numbers
        compress poorly anyway (2.5 MB of columns gzip to 1.0 MB at 100,000 incidents)."""
        parts = []
        for array in self.arrays.values():
            data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
            parts.append(data + b"\0" * (-len(data) % 8))
        return base64.b64encode(b"".join(parts)).decode("ascii")


def incident_columns(
    incidents: pd.DataFrame,
    *,
    styles: dict[str, Any],
    chunk_rows: int = 1000,
) -> PageColumns:
    """Encode the incident table for the page (see the module docstring).

    Parameters
    ----------
    incidents
        Columns of :data:`incidents.model.INCIDENT_COLUMNS` (``status``,
        ``acled_event_type``, ``title`` ... used when present) plus ``geometry``
        and optionally ``event_id``.
    styles
        ``maps/data/styles.json``.
    chunk_rows
        Rows per compressed popup-text chunk. A popup decodes one chunk of incidents
        and one of events on its click path (1,000 rows: ~370 kB of JSON at the
        benchmark's text; 2,000 rows took twice as long to inflate and parse), while a
        search or an export reads every chunk, where fewer, larger chunks save calls.
    """
    n = len(incidents)
    lon, lat = point_columns(incidents)
    t0, t1 = _minutes(incidents, styles["time"])
    ids = _id_texts(incidents, "incident_id")
    known = ~np.isnan(t0)
    order = _time_order(np.where(known, t0, float(UNKNOWN_TIME)), ids)

    source = _text_column(incidents, "source", blank_is_missing=True).fillna("unknown source")
    source_codes, sources = _ordered_codes(source)
    social = (_text_column(incidents, "source_type") == "social").fillna(False).to_numpy(bool)
    is_social = np.bincount(source_codes, weights=social, minlength=len(sources))
    totals = np.bincount(source_codes, minlength=len(sources))
    unattributed = np.array(
        [s == "unknown source" or s.casefold().startswith("unattributed") for s in sources],
        dtype=bool,
    )
    groups = np.where(unattributed, 2, np.where(is_social * 2 > totals, 1, 0))
    # Re-code so sources are ordered by group, then name.
    rank = np.lexsort((np.arange(len(sources)), groups))
    recode = np.empty(len(sources), dtype=np.int64)
    recode[rank] = np.arange(len(sources))
    source_codes = recode[source_codes]
    sources = [sources[i] for i in rank]
    groups = groups[rank]
    del source, social

    known_types = list(styles["event_types"])
    type_codes, types = _ordered_codes(
        _text_column(incidents, "event_type", blank_is_missing=True).fillna("unknown"), known_types
    )
    acled = _text_column(incidents, "acled_event_type")
    acled_by_type = (
        pd.DataFrame({"t": type_codes, "a": acled.to_numpy(dtype=object)})
        .dropna()
        .groupby("t")["a"]
        .agg(lambda s: s.value_counts().index[0])
    )
    del acled
    status_codes, statuses = _ordered_codes(
        _text_column(incidents, "status", blank_is_missing=True)
        .fillna(HAPPENED)
        .astype(str)
        .str.casefold(),
        STATUS_ORDER,
    )
    precision_codes, precisions = _ordered_codes(
        _text_column(incidents, "geo_precision", blank_is_missing=True).fillna("unknown"),
        PRECISION_ORDER,
    )
    place_id = _text_column(incidents, "place_id", blank_is_missing=True)
    place_codes, places = _ordered_codes(place_id.fillna(""))
    place_names = (
        pd.DataFrame(
            {"c": place_codes, "n": _text_column(incidents, "place_name").to_numpy(dtype=object)}
        )
        .dropna()
        .groupby("c")["n"]
        .first()
    )
    del place_id

    vague = set(styles["vague_place"]["geo_precisions"])
    precision_text = _text_column(incidents, "geo_precision", blank_is_missing=True)
    clock = _text_column(incidents, "time_precision").isin(CLOCK_PRECISIONS).to_numpy(bool)
    flags = (
        np.where(np.isnan(lon), FLAG_UNMAPPED, 0)
        | np.where(precision_text.isin(vague).to_numpy(bool), FLAG_VAGUE, 0)
        | np.where(clock, FLAG_CLOCK, 0)
        | np.where(known, 0, FLAG_UNKNOWN_TIME)
    ).astype(np.uint8)
    del precision_text

    # The page's zone table (the same call as the page's time config makes).
    all_range = _range(t0[known], t1[known])
    zone = zone_offsets(str(styles["time"]["timezone"]), *(all_range or (0, 0)))
    start_text = _text_column(incidents, "time_start")
    end_text = _text_column(incidents, "time_end")
    from_t0 = known & (start_text.to_numpy(dtype=object) == _iso_minutes(t0, zone))
    from_t1 = known & (end_text.to_numpy(dtype=object) == _iso_minutes(t1, zone))
    flags |= np.where(from_t0, FLAG_START_FROM_T0, 0).astype(np.uint8)
    flags |= np.where(from_t1, FLAG_END_FROM_T1, 0).astype(np.uint8)
    # Text the page rebuilds from its columns is left out of the popup chunks: a
    # time_start/time_end that is the window (flags above), a place_id that is its code's.
    rebuilt: dict[str, pd.Series] = {}
    if {"time_start", "time_end"} <= set(incidents.columns):
        rebuilt["time_start"] = start_text.where(~from_t0, None)
        rebuilt["time_end"] = end_text.where(~from_t1, None)
    if "place_id" in incidents.columns:
        place_text = _text_column(incidents, "place_id")
        same = place_text.to_numpy(dtype=object) == np.asarray(places, dtype=object)[place_codes]
        rebuilt["place_id"] = place_text.where(~same, None)
        del place_text, same
    del start_text, end_text, from_t0, from_t1
    text_frame = incidents.assign(**rebuilt) if rebuilt else incidents
    t0_out = np.where(known, t0, UNKNOWN_TIME).astype(np.uint32)
    t1_out = np.where(known, t1, UNKNOWN_TIME).astype(np.uint32)
    arrays = {
        "lon": lon.astype(np.float32),
        "lat": lat.astype(np.float32),
        "t0": t0_out,
        "dur": _duration(t0_out, t1_out, known),
        "source": _code_array(source_codes, len(sources)),
        "type": _code_array(type_codes, len(types)),
        "status": _code_array(status_codes, len(statuses)),
        "precision": _code_array(precision_codes, len(precisions)),
        "place": _code_array(place_codes, len(places)),
        "flags": flags,
    }
    arrays = {name: array[order] for name, array in arrays.items()}
    durations = (t1_out.astype(np.int64) - t0_out.astype(np.int64))[known]
    text_columns = [c for c in incidents.columns if c not in _CODED]
    search_columns = [c for c in SEARCH_COLUMNS if c in text_columns]
    popup_columns = [c for c in text_columns if c not in search_columns]
    types_meta = []
    for code, name in enumerate(types):
        label, colour = type_style(name, styles)
        # what its incidents are coded as; where none is (a second type told in a sentence
        # whose event another type codes), what the vocabulary codes the type as
        acled = acled_by_type.get(code) or type_acled_event_type(name)
        types_meta.append({"name": name, "label": label, "colour": colour, "acled": acled})
    row_ids = ids.take(pa.array(order, type=pa.int64()))
    del ids
    id_blob, id_form = _id_blob(row_ids)
    meta = {
        "n": n,
        "idForm": id_form,
        "chunkRows": chunk_rows,
        "textColumns": text_columns,
        "searchColumns": search_columns,
        "sources": sources,
        "sourceGroups": [SOURCE_GROUPS[g] for g in groups.tolist()],
        "types": types_meta,
        "statuses": statuses,
        "precisions": precisions,
        "places": places,
        "placeNames": [place_names.get(code) for code in range(len(places))],
        "knownTimes": int(known.sum()),
        "maxDuration": int(durations.max()) if durations.size else 0,
        "clockRange": _range(t0[known & clock], t1[known & clock]),
        "allRange": _range(t0[known], t1[known]),
        "bounds": _bounds(lon, lat),
    }
    return PageColumns(
        meta=meta,
        arrays=arrays,
        chunks=_popup_chunks(text_frame, popup_columns, order, chunk_rows),
        search_chunks=_search_chunks(text_frame, search_columns, order, chunk_rows),
        ids=id_blob,
        order=order,
        row_ids=row_ids,
    )


def _id_texts(frame: pd.DataFrame, name: str) -> pa.Array:
    """A column of ids as Arrow text, a missing one as "": the text the page's order and
    id list are made of (a million ids: no Python string each)."""
    if name in frame.columns:
        dtype = frame[name].dtype
        if isinstance(dtype, pd.ArrowDtype) and pa.types.is_string(dtype.pyarrow_dtype):
            column = pa.chunked_array(frame[name].array.__arrow_array__()).combine_chunks()
            return pc.fill_null(column, "")
    values = _text_column(frame, name).fillna("").astype(str).to_numpy(dtype=object)
    return pa.array(values, type=pa.string())


def _time_order(start: np.ndarray, ids: pa.Array) -> np.ndarray:
    """Row numbers by ``start``, then by id (text in code point order, as UTF-8 bytes
    sort), ties in row order: the page's order."""
    if len(ids) == 0:
        return np.zeros(0, dtype=np.int64)
    keys = pa.table({"start": pa.array(start, type=pa.float64()), "id": ids})
    order = pc.sort_indices(keys, sort_keys=[("start", "ascending"), ("id", "ascending")])
    return order.to_numpy().astype(np.int64)


def _id_blob(ids: pa.Array | np.ndarray) -> tuple[str, dict[str, Any] | None]:
    """The ids in page order, compressed: as bytes when every id is one common prefix
    and hexadecimal digits of one even length (``inc-4ab5e2a6155f``: 6 bytes instead of
    12 characters), else as newline-separated text. Returns (base64, how the page reads
    it: ``{"prefix", "hexDigits"}`` or ``None`` for text). Worked out in Arrow."""
    if not isinstance(ids, pa.Array):
        text = pd.Series(ids, dtype=object).fillna("").astype(str)
        ids = pa.array(text.to_numpy(dtype=object), type=pa.string())
    if len(ids):
        bounds = pc.min_max(ids).as_py()  # the prefix all share is theirs
        low, high = bounds["min"], bounds["max"]
        size = next(
            (k for k, (a, b) in enumerate(zip(low, high, strict=False)) if a != b),
            min(len(low), len(high)),
        )
        size -= (len(low) - size) % 2  # an even number of digits: whole bytes
        prefix = low[: max(size, 0)]
        # Every id starts with the prefix (it lies between the least and the greatest).
        rest = pc.utf8_slice_codeunits(ids, len(prefix)) if prefix else ids
        width = len(rest[0].as_py())
        if (
            width
            and prefix.isascii()
            and width % 2 == 0
            and pc.all(pc.equal(pc.utf8_length(rest), width)).as_py()
            and pc.all(pc.match_substring_regex(rest, "^[0-9a-f]+$")).as_py()
        ):
            packed = bytes.fromhex(rows_bytes(rest).decode("ascii"))
            return gzip_b64(packed), {"prefix": prefix, "hexDigits": width}
    return gzip_b64(rows_bytes(ids, "\n")), None


def _iso_minutes(minutes: np.ndarray, zone: dict[str, Any]) -> np.ndarray:
    """Minutes since the epoch as local ISO 8601 text, each at the zone's offset then
    (``zone``: :func:`maps.timeline.zone_offsets`, the table the page has), as in
    ``2021-11-05T15:00:00+03:00``; empty text where a value is NaN."""
    if minutes.size == 0:
        return np.zeros(0, dtype=object)
    # Each distinct minute is written once (a million incidents share a few thousand):
    # no text per row but the references.
    distinct, inverse = np.unique(minutes, return_inverse=True)
    if len(distinct) < len(minutes):
        return _iso_minutes(distinct, zone)[inverse.reshape(-1)]
    known = ~np.isnan(minutes)
    whole = np.where(known, minutes, 0).astype(np.int64)
    changes = np.asarray(zone["changes"], dtype=np.int64).reshape(-1, 2)
    offsets = np.concatenate([[int(zone["initial"])], changes[:, 1]])
    offset = offsets[np.searchsorted(changes[:, 0], whole, side="right")]
    text = np.datetime_as_string((whole + offset).astype("datetime64[m]"), unit="s").astype(object)
    hours, mins = np.divmod(np.abs(offset), 60)
    sign = np.where(offset < 0, "-", "+").astype(object)
    suffix = sign + np.char.zfill(hours.astype(str), 2).astype(object) + ":"
    text = text + suffix + np.char.zfill(mins.astype(str), 2).astype(object)
    text[~known] = ""
    return text


def _duration(t0: np.ndarray, t1: np.ndarray, known: np.ndarray) -> np.ndarray:
    """``t1 - t0`` in minutes (0 for unknown times), in the smallest unsigned type."""
    duration = np.where(known, t1.astype(np.int64) - t0.astype(np.int64), 0)
    biggest = int(duration.max()) if duration.size else 0
    return duration.astype(np.uint16 if biggest <= 65535 else np.uint32)


#: With this many mapped rows or more, a few incidents placed far from all the others
#: (a city-level place, a typo) do not set the opening view: see :func:`_bounds`.
_ROBUST_BOUNDS_FROM = 50
#: The full extent is used unless it is this many times the central 96% in a dimension.
_OUTLIER_STRETCH = 3.0


def _bounds(lon: np.ndarray, lat: np.ndarray) -> list[list[float]] | None:
    """[[south, west], [north, east]] to open on (full precision), or None when nothing
    is mapped: every mapped row, unless there are many and the 2nd-98th percentiles
    span less than a third of the full extent, then those percentiles, padded by a
    quarter of their size on each side."""
    mapped = ~np.isnan(lon)
    if not mapped.any():
        return None
    lats, lons = lat[mapped], lon[mapped]
    south, north, west, east = lats.min(), lats.max(), lons.min(), lons.max()
    if lats.size >= _ROBUST_BOUNDS_FROM:
        low_lat, high_lat = np.percentile(lats, [2, 98])
        low_lon, high_lon = np.percentile(lons, [2, 98])
        pad_lat = max(high_lat - low_lat, 1e-3) * 0.25
        pad_lon = max(high_lon - low_lon, 1e-3) * 0.25
        core_lat, core_lon = high_lat - low_lat + 2 * pad_lat, high_lon - low_lon + 2 * pad_lon
        if north - south > _OUTLIER_STRETCH * core_lat or east - west > _OUTLIER_STRETCH * core_lon:
            south, north = max(south, low_lat - pad_lat), min(north, high_lat + pad_lat)
            west, east = max(west, low_lon - pad_lon), min(east, high_lon + pad_lon)
    return [
        [round(float(south), 7), round(float(west), 7)],
        [round(float(north), 7), round(float(east), 7)],
    ]


def _range(start: np.ndarray, end: np.ndarray) -> list[int] | None:
    if start.size == 0:
        return None
    return [int(start.min()), int(end.max())]


def _members(
    members: pd.Series, incident_ids_sorted: pa.Array | np.ndarray, position: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(the page position of the event, the page row of the incident) of each member
    found among the incidents, in the order of the events' lists. The ids are looked up
    in Arrow (a million members: no hash table of Python strings); lists of anything
    but text take the pandas way."""
    try:
        lists = pa.array(members.tolist(), type=pa.list_(pa.string()))
        ids = (
            incident_ids_sorted
            if isinstance(incident_ids_sorted, pa.Array)
            else pa.array(incident_ids_sorted, type=pa.string())
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        exploded = members.reset_index(drop=True).explode().dropna()
        owner = position[exploded.index.to_numpy(dtype=np.int64)]
        if isinstance(incident_ids_sorted, pa.Array):
            incident_ids_sorted = incident_ids_sorted.to_numpy(zero_copy_only=False)
        member_rows = pd.Index(incident_ids_sorted).get_indexer(exploded.astype(str))
        keep = member_rows >= 0
        return owner[keep], member_rows[keep]
    flat = pc.list_flatten(lists)
    owner = position[pc.list_parent_indices(lists).to_numpy()]
    member_rows = pc.fill_null(pc.index_in(flat, value_set=ids), -1).to_numpy()
    keep = member_rows >= 0  # a missing id (None) is in no incident's row either
    return owner[keep], member_rows[keep].astype(np.int64)


def event_columns(
    events: pd.DataFrame | None,
    incident_ids_sorted: pa.Array | np.ndarray,
    incident_event_ids: np.ndarray,
    *,
    styles: dict[str, Any],
    chunk_rows: int = 1000,
) -> tuple[PageColumns, np.ndarray]:
    """Encode the event table, and the event index of each (sorted) incident (-1: none).

    Parameters
    ----------
    events
        :func:`incidents.events.group_events` output (``event_id`` and
        ``incident_ids`` required), or ``None``.
    incident_ids_sorted
        The incident ids (text) in page order.
    incident_event_ids
        Each incident's ``event_id`` in page order (None/NaN when none).
    """
    n_incidents = len(incident_ids_sorted)
    if events is None or len(events) == 0:
        return PageColumns(meta={"n": 0, "chunkRows": chunk_rows, "textColumns": []}), np.full(
            n_incidents, -1, dtype=np.int32
        )
    n = len(events)
    lon, lat = point_columns(events)
    t0, t1 = _minutes(events, styles["time"])
    known = ~np.isnan(t0)
    event_ids = _text_column(events, "event_id").fillna("").to_numpy(dtype=object)
    order = np.lexsort((event_ids.astype(str), np.where(known, t0, float(UNKNOWN_TIME))))
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)

    event_of = np.full(n_incidents, -1, dtype=np.int64)
    named = pd.Index(event_ids.astype(str)).get_indexer(
        pd.Series(incident_event_ids, dtype="object").fillna("").astype(str)
    )
    event_of[named >= 0] = position[named[named >= 0]]
    del named
    unset = event_of < 0
    if unset.any():
        # An incident whose event_id names no event: the event that lists it as a member
        # (the id lists exploded and looked up among the incidents; only then: a million
        # members looked up cost more than every other column of the events).
        members = events["incident_ids"].map(
            lambda v: (
                list(v)
                if isinstance(v, list | tuple | np.ndarray)
                else json.loads(v)
                if isinstance(v, str)
                else []
            )
        )
        owner, member_rows = _members(members, incident_ids_sorted, position)
        if member_rows.size:
            fallback = np.full(n_incidents, -1, dtype=np.int64)
            fallback[member_rows] = owner
            event_of[unset] = fallback[unset]

    independent = pd.to_numeric(
        events.get("n_independent_sources", pd.Series(1, index=events.index)), errors="coerce"
    ).fillna(1)
    contradicted = (
        events.get("contradicted", pd.Series(False, index=events.index))
        .fillna(False)
        .astype(bool)
        .to_numpy()
    )
    rules = styles["event_marker"]
    radius = np.minimum(
        rules["max_radius_px"],
        rules["radius_px"] + rules["per_source_px"] * np.maximum(0, independent.to_numpy() - 1),
    )
    flags = (
        np.where(np.isnan(lon), FLAG_UNMAPPED, 0) | np.where(known, 0, FLAG_UNKNOWN_TIME)
    ).astype(np.uint8) | np.where(contradicted, 16, 0).astype(np.uint8)
    arrays = {
        "lon": lon.astype(np.float32),
        "lat": lat.astype(np.float32),
        "t0": np.where(known, t0, UNKNOWN_TIME).astype(np.uint32),
        "dur": _duration(
            np.where(known, t0, 0).astype(np.uint32),
            np.where(known, t1, 0).astype(np.uint32),
            known,
        ),
        "radius": radius.astype(np.uint8),
        "flags": flags,
    }
    arrays = {name: array[order] for name, array in arrays.items()}
    text_columns = [
        c for c in events.columns if c not in {"geometry", "incident_ids", "lat", "lon"}
    ]
    id_blob, id_form = _id_blob(event_ids[order])
    meta = {"n": n, "idForm": id_form, "chunkRows": chunk_rows, "textColumns": text_columns}
    page = PageColumns(
        meta=meta,
        arrays=arrays,
        # A chunk at a time: an event's text (its claims, its reasons) is long.
        chunks=_popup_chunks(events, text_columns, order, chunk_rows, group=1),
        ids=id_blob,
        order=order,
    )
    return page, event_of.astype(np.int32)
