"""A columnar spill of per-report results: Arrow record batches in Parquet files.

A build of 100,000 reports cannot keep 100,000 results (and their dataclasses) in
memory. Each result is turned into plain rows as it comes
(:func:`incident_rows`, :func:`place_rows`), the rows are appended to a
:class:`SpillWriter`, which writes them to disk one record batch at a time, and
every output is made from the spilled columns afterwards
(:func:`read_spilled_incidents`, :func:`read_spilled_places`).

The same row form is what worker processes, dask workers and the result cache
hand back, so a result reaches the spill the same way whatever computed it.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import ctypes.util
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from gazetteer.mentions import PlaceMention
from incidents.model import INCIDENT_COLUMNS, Incident

_STRING = pa.string()

#: Arrow types of the incident columns that are not text.
_INCIDENT_TYPES: Mapping[str, pa.DataType] = {
    "actors": pa.list_(pa.string()),
    "uncertainty_m": pa.float64(),
    "evidence_start": pa.int64(),
    "evidence_end": pa.int64(),
    "killed": pa.int64(),
    "injured": pa.int64(),
    "lat": pa.float64(),
    "lon": pa.float64(),
}

#: The spilled incident table: :data:`incidents.model.INCIDENT_COLUMNS`, typed.
INCIDENT_SCHEMA = pa.schema(
    [pa.field(name, _INCIDENT_TYPES.get(name, _STRING)) for name in INCIDENT_COLUMNS]
)

#: One row per place located in a report: how often, and its first mention there.
PLACE_SCHEMA = pa.schema(
    [
        pa.field("place_id", _STRING),
        pa.field("mentions", pa.int64()),
        pa.field("text", _STRING),
        pa.field("place_name", _STRING),
        pa.field("precision", _STRING),
        pa.field("uncertainty_m", pa.float64()),
        pa.field("resolved_by", _STRING),
        pa.field("anchor_id", _STRING),
        pa.field("geometry", pa.binary()),
    ]
)

#: Rows buffered before a record batch is written.
BATCH_ROWS = 8192


def incident_rows(incidents: Iterable[Incident]) -> list[dict[str, Any]]:
    """Incidents as spill rows (the documented columns; ``actors`` a list)."""
    return [incident.as_record() for incident in incidents]


def place_rows(mentions: Iterable[PlaceMention]) -> list[dict[str, Any]]:
    """The located places of one report's mentions: a count and the first mention of each."""
    rows: dict[str, dict[str, Any]] = {}
    for mention in mentions:
        if not mention.is_location or mention.place_id is None:
            continue
        row = rows.get(mention.place_id)
        if row is not None:
            row["mentions"] += 1
            continue
        rows[mention.place_id] = {
            "place_id": mention.place_id,
            "mentions": 1,
            "text": mention.text,
            "place_name": mention.place_name,
            "precision": mention.precision,
            "uncertainty_m": mention.uncertainty_m,
            "resolved_by": mention.resolved_by,
            "anchor_id": mention.anchor_id,
            "geometry": mention.geometry.wkb if mention.geometry is not None else None,
        }
    return list(rows.values())


class _TableWriter:
    """Rows and record batches into one Parquet file, a record batch at a time."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path = path
        self.schema = schema
        self.rows = 0
        self._buffer: list[Mapping[str, Any]] = []
        self._batches: list[pa.RecordBatch] = []
        self._buffered = 0
        self._writer = pq.ParquetWriter(path, schema, compression="zstd")

    def extend(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self._buffer.extend(rows)
        self._grow(len(rows))

    def append(self, rows: pa.RecordBatch | pa.Table) -> None:
        """Append a record batch, or a table, of this table's schema (after the rows
        before it)."""
        self._rows_to_batch()
        if isinstance(rows, pa.Table):
            self._batches.extend(rows.to_batches())
        else:
            self._batches.append(rows)
        self._grow(rows.num_rows)

    def _grow(self, rows: int) -> None:
        self.rows += rows
        self._buffered += rows
        if self._buffered >= BATCH_ROWS:
            self.flush()

    def _rows_to_batch(self) -> None:
        if self._buffer:
            self._batches.append(pa.RecordBatch.from_pylist(self._buffer, schema=self.schema))
            self._buffer = []

    def flush(self) -> None:
        self._rows_to_batch()
        if self._batches:
            table = pa.Table.from_batches(self._batches, schema=self.schema).combine_chunks()
            self._writer.write_table(table, row_group_size=max(1, len(table)))
            self._batches = []
            self._buffered = 0

    def close(self) -> None:
        self.flush()
        self._writer.close()


class SpillWriter:
    """Incident and place rows of a whole batch, streamed into ``folder``.

    Use as a context manager; :meth:`add` takes one report's rows at a time, in
    the batch's order, so the spill's row order is the batch's.
    """

    INCIDENTS = "incidents.parquet"
    PLACES = "places.parquet"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._incidents = _TableWriter(self.folder / self.INCIDENTS, INCIDENT_SCHEMA)
        self._places = _TableWriter(self.folder / self.PLACES, PLACE_SCHEMA)

    def add(
        self, incidents: Sequence[Mapping[str, Any]], places: Sequence[Mapping[str, Any]]
    ) -> None:
        """Append one report's incident rows and place rows."""
        self._incidents.extend(incidents)
        self._places.extend(places)

    def add_batches(
        self, incidents: pa.RecordBatch | pa.Table, places: pa.RecordBatch | pa.Table
    ) -> None:
        """Append one report's incident and place rows as record batches (or tables) of
        the spill's schemas (as the result cache keeps them)."""
        self._incidents.append(incidents)
        self._places.append(places)

    @property
    def incident_count(self) -> int:
        return self._incidents.rows

    @property
    def place_count(self) -> int:
        return self._places.rows

    def close(self) -> None:
        self._incidents.close()
        self._places.close()

    def __enter__(self) -> SpillWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def incidents_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Incident rows as an Arrow table of :data:`INCIDENT_SCHEMA`."""
    return pa.Table.from_pylist(list(rows), schema=INCIDENT_SCHEMA)


def read_spilled_incidents(folder: str | Path, columns: Sequence[str] | None = None) -> pa.Table:
    """The spilled incident table (all columns, or only ``columns``), one chunk per column
    (see :func:`read_columns`)."""
    return read_columns(Path(folder) / SpillWriter.INCIDENTS, columns)


def read_columns(path: str | Path, columns: Sequence[str] | None = None) -> pa.Table:
    """A Parquet file's table (all columns, or those of ``columns`` it has), one chunk
    per column.

    Read a column at a time: reading a million rows at once would hold the decoded
    row groups and the table together, and joining a column's chunks into one (as a
    DataFrame column needs) would copy it while the chunks are held.
    """
    file = pq.ParquetFile(path)
    schema = file.schema_arrow
    wanted = [name for name in schema.names if columns is None or name in columns]
    arrays = []
    for name in wanted:
        column = file.read(columns=[name], use_threads=False).column(0)
        arrays.append(column.combine_chunks() if column.num_chunks != 1 else column.chunk(0))
        del column
    return pa.Table.from_arrays(arrays, schema=pa.schema([schema.field(n) for n in wanted]))


def read_spilled_places(folder: str | Path) -> pa.Table:
    """The spilled place rows, in the batch's order."""
    return pq.read_table(Path(folder) / SpillWriter.PLACES)


def read_spilled_place_firsts(folder: str | Path) -> pa.Table:
    """One row per spilled place: its first row, with ``mentions`` summed over all rows.

    What :func:`incidents.pipeline.places_frame_from_table` makes of the whole place
    table, read in batches: a build of 100,000 reports spills half a million place
    rows (their geometries a good part of them) for a hundred distinct places.
    """
    file = pq.ParquetFile(Path(folder) / SpillWriter.PLACES)
    first: dict[Any, int] = {}
    totals: dict[Any, int] = {}
    offset = 0
    for batch in file.iter_batches(columns=["place_id", "mentions"], batch_size=BATCH_ROWS * 8):
        ids, mentions = batch.column(0).to_pylist(), batch.column(1).to_pylist()
        for row, (place_id, count) in enumerate(zip(ids, mentions, strict=True)):
            if place_id not in first:
                first[place_id] = offset + row
                totals[place_id] = 0
            totals[place_id] += count or 0
        offset += len(ids)
    wanted = sorted(first.values())
    parts = []
    offset = 0
    for batch in file.iter_batches(batch_size=BATCH_ROWS * 8):
        low = bisect.bisect_left(wanted, offset)
        high = bisect.bisect_left(wanted, offset + len(batch))
        if high > low:
            local = pa.array([row - offset for row in wanted[low:high]], type=pa.int64())
            parts.append(batch.take(local))
        offset += len(batch)
    table = pa.Table.from_batches(parts, schema=file.schema_arrow).combine_chunks()
    counts = pa.array([totals[p] for p in table.column("place_id").to_pylist()], pa.int64())
    return table.set_column(table.schema.get_field_index("mentions"), "mentions", counts)


def release_memory() -> None:
    """Give memory freed by a big step back to the system before the next one.

    Arrow keeps freed buffers in its pool and the C allocator keeps freed pages of
    Python's larger objects (lists, dicts) for reuse; neither reuses the other's, so
    after grouping a million incidents, without this, a build's resident size stays
    hundreds of MB above what it holds.
    """
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # glibc only
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
