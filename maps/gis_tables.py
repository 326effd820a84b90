"""The GIS files' incident tables made in Arrow, a record batch at a time.

``incidents.gpkg``, ``incidents.fgb`` (GDAL's Arrow writer) and ``incidents.parquet``
take the id-sorted or build-ordered incident file a batch at a time. The row-by-row
way made each batch a GeoDataFrame, then its flat frame (:func:`maps.gis_files._flat_frame`,
:func:`maps.gis_files._geoparquet_frame`), then an Arrow table: a Python object per
cell. Here each column of the batch is converted in Arrow, every distinct value (a
time, a list of actors, a coordinate) by the same rules as the frames use, once.

The table's schema (types and the pandas and GeoParquet metadata a file keeps) is
the one the frame way gives; it is made from a few rows of the first batch (the first
with and without a value in each column: what the types are inferred from), so each
batch is cast to exactly it and the files are byte for byte those of the frame way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from geopandas import GeoDataFrame

from incidents.model import INCIDENT_COLUMNS
from maps.arrow_text import distinct_texts
from maps.tables import (
    JSON_SUFFIX,
    LIST_COLUMNS,
    TIME_COLUMNS,
    json_text,
    local_time_texts,
    local_times,
    round_coordinate,
)

#: Field names of the UTC twins of the local time columns (as :mod:`maps.gis_files`).
UTC_NAMES = {"time_start": "utc_start", "time_end": "utc_end"}
#: The build's frame of one batch (:func:`maps.outputs._with_event_ids`).
FrameOf = Callable[[pa.Table], GeoDataFrame]


def schema_rows(table: pa.Table) -> pa.Table:
    """The rows of ``table`` a frame's types are inferred from: the first row, and in
    each column the first row with a value and the first without."""
    rows = {0} if len(table) else set()
    for column in table.itercolumns():
        valid = pc.is_valid(column)
        if pa.types.is_floating(column.type):
            valid = pc.and_(valid, pc.invert(pc.is_nan(column)))
        for mask in (valid, pc.invert(valid)):
            found = pc.indices_nonzero(mask)
            if len(found):
                rows.add(found[0].as_py())
    return table.take(pa.array(sorted(rows), type=pa.int64()))


def _distinct_values(
    column: pa.Array | pa.ChunkedArray, convert: Callable[[list[Any]], pa.Array]
) -> pa.Array:
    """``convert`` (Python values -> an Arrow array) of the distinct values of ``column``,
    taken for every row (null where the cell is null)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    return convert(encoded.dictionary.to_pylist()).take(encoded.indices)


def _local_texts(column: pa.Array, name: str) -> pa.Array:
    def convert(values: list[Any]) -> pa.Array:
        texts = local_time_texts(values, local_times(values, [None] * len(values), name))
        return pa.array(texts, type=pa.string())

    return _distinct_values(column, convert)


def _utc_times(column: pa.Array, name: str) -> pa.Array:
    """The UTC instants of local ISO times, as :func:`maps.gis_files._utc_series` makes them."""
    from maps.gis_files import _utc_series

    def convert(values: list[Any]) -> pa.Array:
        times = local_times(values, [None] * len(values), name)
        return pa.array(_utc_series(times))

    return _distinct_values(column, convert)


def _actors_json(column: pa.Array) -> pa.Array:
    missing = "\x00missing"
    texts = distinct_texts(column, lambda v: json_text(v, "actors", None) or missing, missing)
    return pc.if_else(pc.equal(texts, missing), pa.scalar(None, pa.string()), texts)


def _without_nan(column: pa.Array) -> pa.Array:
    """A float column with NaN as null (as a frame's NaN becomes in Arrow)."""
    return pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)


def _rounded(column: pa.Array) -> pa.Array:
    def convert(values: list[Any]) -> pa.Array:
        return pa.array(
            [None if math.isnan(v) else round_coordinate(v) for v in values], type=pa.float64()
        )

    return _distinct_values(pc.fill_null(column, math.nan), convert)


def point_wkb(lon: pa.Array, lat: pa.Array) -> pa.Array:
    """Little-endian 2D WKB points (as ``shapely.to_wkb``), null where ``lon`` or ``lat``
    is missing or NaN."""
    x = pc.fill_null(lon, math.nan).to_numpy(zero_copy_only=False).astype("<f8")
    y = pc.fill_null(lat, math.nan).to_numpy(zero_copy_only=False).astype("<f8")
    records = np.zeros(len(x), dtype=[("order", "u1"), ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")])
    records["order"], records["kind"], records["x"], records["y"] = 1, 1, x, y
    size = records.dtype.itemsize
    offsets = np.arange(len(x) + 1, dtype=np.int32) * size
    placed = ~(np.isnan(x) | np.isnan(y))
    validity = pa.array(placed).buffers()[1] if not placed.all() else None
    return pa.Array.from_buffers(
        pa.binary(), len(x), [validity, pa.py_buffer(offsets), pa.py_buffer(records.tobytes())],
        null_count=int((~placed).sum()),
    )  # fmt: skip


def _columns(table: pa.Table, *, geoparquet: bool) -> dict[str, pa.Array]:
    """The flat columns of one batch, in the frame way's order (see the module docstring)."""
    out: dict[str, pa.Array] = {}
    names = [name for name in INCIDENT_COLUMNS if name in table.column_names]
    for name in names:
        column = table.column(name).combine_chunks()
        if name in TIME_COLUMNS:
            out[name] = _local_texts(column, name)
            out[UTC_NAMES[name]] = _utc_times(column, name)
        elif name in LIST_COLUMNS:
            if geoparquet:
                out[name] = column
            out[f"{name}{JSON_SUFFIX}"] = _actors_json(column)
        elif geoparquet and name in ("lat", "lon"):
            out[name] = _rounded(column)
        elif pa.types.is_floating(column.type):
            out[name] = _without_nan(column)
        else:
            out[name] = column
    geometry = point_wkb(table.column("lon"), table.column("lat"))
    if not geoparquet:
        out["geometry"] = geometry
    if "event_id" in table.column_names:
        out["event_id"] = table.column("event_id").combine_chunks()
    if geoparquet:
        out["geometry"] = geometry
    return out


def fast_path_fits(table: pa.Table) -> bool:
    """Whether a batch's columns are as the build spills them (text, counts, lists of
    text without missing items), so :func:`arrow_flat_table` converts it as the frames do."""
    for name in table.column_names:
        kind = table.schema.field(name).type
        if name in LIST_COLUMNS:
            if not pa.types.is_list(kind) or pc.list_flatten(table.column(name)).null_count:
                return False
        elif name in ("lat", "lon", "uncertainty_m"):
            if not pa.types.is_floating(kind):
                return False
        elif name in ("evidence_start", "evidence_end", "killed", "injured"):
            if not pa.types.is_integer(kind):
                return False
        elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            return False
    return {"lat", "lon", "incident_id"} <= set(table.column_names)


def arrow_flat_table(table: pa.Table, schema: pa.Schema, *, geoparquet: bool) -> pa.Table:
    """One batch's flat table, cast to ``schema`` (the frame way's, see
    :func:`frame_schema`)."""
    columns = _columns(table, geoparquet=geoparquet)
    made = pa.table(list(columns.values()), names=list(columns))
    return made.cast(schema)


@dataclass(frozen=True)
class TableBatches:
    """A layer given as Arrow batches: ``tables()`` gives them afresh on each call, and
    ``frame_of`` makes the build's frame of one (the row-by-row way, for the batches the
    fast path does not fit). Called, it gives those frames (a
    :data:`maps.gis_files.LayerBatches`)."""

    tables: Callable[[], Iterator[pa.Table]]
    frame_of: FrameOf

    def __call__(self) -> Iterator[GeoDataFrame]:
        for table in self.tables():
            yield self.frame_of(table)

    def nonempty(self) -> Iterator[pa.Table]:
        return (table for table in self.tables() if len(table))


__all__ = ["TableBatches", "arrow_flat_table", "fast_path_fits", "point_wkb", "schema_rows"]
