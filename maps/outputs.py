"""Every output of a build written from the spill: one task per file, each reading
the spilled columns itself, so the tasks run in this process or side by side in
worker processes, and no process holds a whole output in memory.

:func:`prepare_inputs` runs once, after the events are grouped: it writes the
incident table with each incident's ``event_id``, sorted by ``incident_id`` in row
groups of :data:`BATCH_ROWS` (the order every per-incident file is written in),
and the event, place and gazetteer tables, into the staging folder. Each task
(:func:`write_output`) then makes one file from them:

- ``incidents.geojson``, ``incidents.csv``, the ``incidents`` layer of
  ``incidents.gpkg``, ``incidents.fgb`` and ``incidents.parquet`` stream the
  id-sorted file a batch at a time (GDAL's Arrow writer for the GIS files);
- ``map.html`` and ``acled.csv``, which need every incident at once, read the
  table whole; the event and place files are a fraction of the incidents.

Whatever runs them, a task gives the same bytes: the files depend only on the
prepared inputs.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gazetteer.model import Gazetteer
from incidents.model import INCIDENT_COLUMNS
from incidents.pipeline import (
    _FLOAT_COLUMNS,
    _INTEGER_COLUMNS,
    INCIDENT_ORDER,
    incidents_frame_from_table,
)
from incidents.spill import SpillWriter, read_columns, release_memory
from maps.acled_csv import (
    ACLED_INCIDENT_COLUMNS,
    IncidentLookup,
    acled_csv_text,
    acled_rows,
)
from maps.export import places_geojson, write_geojson_file
from maps.gis_files import (
    FrameLater,
    incidents_geoparquet,
    write_flatgeobuf,
    write_geopackage,
)
from maps.gis_tables import TableBatches
from maps.incident_text import write_incidents_csv, write_incidents_geojson
from maps.render import assemble_map, map_pieces, map_styles, page_incidents
from maps.writer_memory import (
    DEFAULT_MEMORY_LIMIT_MB,
    WORKER_IMPORTS_MB,
    next_task,
    task_estimates,
    task_order,
    writers_budget,
)

#: Incidents per batch of the streamed files (and per row group of the sorted spill).
BATCH_ROWS = 65_536

#: The prepared incidents: sorted by ``incident_id`` (the GeoJSON and CSV order), and
#: in the build's order (:data:`incidents.pipeline.INCIDENT_ORDER`: the GIS files').
BY_ID = "incidents-by-id.parquet"
IN_ORDER = "incidents-in-order.parquet"

#: The files :func:`write_output` makes, the slowest first (so two workers finish
#: together more often).
TASK_FILES = (
    "incidents.csv",
    "incidents.gpkg",
    "incidents.geojson",
    "map.html",
    "incidents.fgb",
    "acled.csv",
    "events.geojson",
    "incidents.parquet",
    "events.fgb",
    "places.geojson",
)


@dataclass(frozen=True)
class OutputInputs:
    """Where a build's prepared tables are (see :func:`prepare_inputs`)."""

    folder: Path
    title: str
    incidents: int
    unplaced: bool
    """Whether some incident has no place (FlatGeobuf's index cannot hold it)."""
    bounds: tuple[float, float, float, float] | None
    """Lon/lat min and max of the placed incidents; None when none is placed."""

    @property
    def by_id(self) -> Path:
        return self.folder / BY_ID

    @property
    def in_order(self) -> Path:
        return self.folder / IN_ORDER

    def load(self, name: str) -> Any:
        with (self.folder / f"{name}.pickle").open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own file, written by this build


def prepare_inputs(
    folder: Path,
    spill: Path,
    event_of: pa.Array | dict[str, str],
    events: gpd.GeoDataFrame | None,
    places: gpd.GeoDataFrame | None,
    *,
    gazetteer: Gazetteer,
    title: str,
    share: str | None = None,
) -> OutputInputs | None:
    """Write what the output tasks read into ``folder``: the spilled incidents with
    their ``event_id`` (``event_of``: one per spilled row, in the spill's order, or a
    mapping from ``incident_id``) in the build's order and sorted by ``incident_id``,
    and the other tables.

    Only the sort keys are held whole: the orders are computed from them, and each
    sorted file is made from the spill a batch at a time (:func:`_write_permuted`).

    ``share``: what two processes side by side each write: ``"sorted"`` only the two
    sorted incident files (and returns None; ``events`` and ``places`` are not needed),
    ``"rest"`` all the others; None: everything.
    """
    folder.mkdir(parents=True, exist_ok=True)
    source = Path(spill) / SpillWriter.INCIDENTS
    keys_table = read_columns(source, list(INCIDENT_ORDER))
    if isinstance(event_of, dict):
        ids = keys_table.column("incident_id").to_pylist()
        event_of = pa.array([event_of.get(i) for i in ids], type=pa.string())
        del ids
    keys = [(name, "ascending") for name in INCIDENT_ORDER]
    in_order = pc.sort_indices(keys_table.select(list(INCIDENT_ORDER)), sort_keys=keys)
    # Sorting the build's order by id, as the files are read: ids are unique.
    by_id = in_order.take(pc.sort_indices(keys_table.column("incident_id").take(in_order)))
    del keys_table
    if share != "rest":
        # A table small enough to be put in order in memory is read once for both files.
        whole = read_columns(source) if len(in_order) <= IN_MEMORY_ROWS else None
        _write_permuted(source, event_of, in_order, folder / IN_ORDER, whole)
        _write_permuted(source, event_of, by_id, folder / BY_ID, whole)
        del whole
    del in_order, by_id, event_of
    release_memory()
    if share == "sorted":
        return None
    table = read_columns(source, ["lat", "lon"])
    lat, lon = table.column("lat"), table.column("lon")
    placed = pc.and_(pc.is_finite(lat), pc.is_finite(lon))
    count = len(table)
    placed_count = pc.sum(placed).as_py() or 0
    bounds = None
    if placed_count:
        lat_range = pc.min_max(pc.filter(lat, placed)).as_py()
        lon_range = pc.min_max(pc.filter(lon, placed)).as_py()
        bounds = (lon_range["min"], lat_range["min"], lon_range["max"], lat_range["max"])
    del table, lat, lon, placed
    for name, value in (("events", events), ("places", places), ("gazetteer", gazetteer)):
        with (folder / f"{name}.pickle").open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return OutputInputs(
        folder, title, incidents=count, unplaced=placed_count < count, bounds=bounds
    )


#: A table of at most this many rows is put in order in memory; a larger one through
#: bucket files (:func:`_write_permuted`).
IN_MEMORY_ROWS = 4 * BATCH_ROWS
_RANK = "__rank"


def _write_permuted(
    source: Path, event_of: pa.Array, order: pa.Array, target: Path, whole: pa.Table | None = None
) -> None:
    """The rows of the Parquet file ``source``, with ``event_of`` as their ``event_id``,
    in ``order`` (row numbers of ``source``), written to ``target`` a row group of
    :data:`BATCH_ROWS` at a time (``whole``: its table, already read, when small).

    A large table is never held whole: a first pass reads ``source`` a batch at a
    time and sends each row to the bucket file of the row group it will end in (with
    its place in ``order``); each bucket, a row group's rows, is then sorted on its
    own. The file has the same rows and row groups as taking ``order`` from the whole
    table would give.
    """
    file = pq.ParquetFile(source)
    names = file.schema_arrow.names
    schema = pa.schema([*(file.schema_arrow.field(n) for n in names), ("event_id", event_of.type)])
    rows = len(order)
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        if rows <= IN_MEMORY_ROWS:
            table = (read_columns(source) if whole is None else whole).append_column(
                "event_id", event_of
            )
            if rows == 0:
                writer.write_table(table.slice(0, 0))
            for start in range(0, rows, BATCH_ROWS):
                writer.write_table(table.take(order.slice(start, BATCH_ROWS)))
            return
        rank = np.empty(rows, dtype=np.int64)
        rank[order.to_numpy()] = np.arange(rows, dtype=np.int64)
        buckets = -(-rows // BATCH_ROWS)
        bucket_schema = schema.append(pa.field(_RANK, pa.int64()))
        with tempfile.TemporaryDirectory(prefix="sorting-", dir=target.parent) as work:
            paths = [Path(work) / f"{bucket}.parquet" for bucket in range(buckets)]
            bucket_writers: dict[int, pq.ParquetWriter] = {}
            try:
                offset = 0
                for batch in file.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
                    size = len(batch)
                    ranks = rank[offset : offset + size]
                    table = pa.Table.from_batches([batch]).append_column(
                        "event_id", event_of.slice(offset, size)
                    )
                    table = table.append_column(_RANK, pa.array(ranks))
                    of_bucket = ranks // BATCH_ROWS
                    grouped = np.argsort(of_bucket, kind="stable")
                    counts = np.bincount(of_bucket, minlength=buckets)
                    start = 0
                    for bucket in np.flatnonzero(counts):
                        taken = grouped[start : start + counts[bucket]]
                        start += counts[bucket]
                        if bucket not in bucket_writers:
                            bucket_writers[bucket] = pq.ParquetWriter(
                                paths[bucket], bucket_schema, compression="lz4"
                            )
                        bucket_writers[bucket].write_table(table.take(taken))
                    offset += size
                    del table, batch
            finally:
                for bucket_writer in bucket_writers.values():
                    bucket_writer.close()
            for path in paths:
                part = pq.read_table(path, use_threads=False)
                path.unlink()
                part = part.take(pc.sort_indices(part.column(_RANK)))
                writer.write_table(part.drop_columns([_RANK]))
                del part


# ------------------------------------------------------------------ reading back


def _with_event_ids(table: pa.Table) -> gpd.GeoDataFrame:
    """The build's incident frame (:func:`incidents_frame_from_table`) of ``table``,
    with ``event_id`` as the build sets it."""
    table = _in_build_order(table)
    event_ids = table.column("event_id")
    frame = incidents_frame_from_table(table.drop_columns(["event_id"]), compact=True)
    del table
    values = np.array(event_ids.to_pylist(), dtype=object)
    values[pc.is_null(event_ids).to_numpy(zero_copy_only=False)] = np.nan
    frame["event_id"] = values
    return frame


def _in_build_order(table: pa.Table) -> pa.Table:
    """``table`` sorted as :func:`incidents_frame_from_table` sorts it (not copied when
    it is sorted already, as the build's own file is)."""
    keys = [(name, "ascending") for name in INCIDENT_ORDER]
    order = pc.sort_indices(table.select(list(INCIDENT_ORDER)), sort_keys=keys).to_numpy()
    if np.array_equal(order, np.arange(len(order))):
        return table
    return table.take(order)


def incident_frame(inputs: OutputInputs, columns: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Every incident at once, in the build's order, with its ``event_id``; only
    ``columns`` (with those the order and the geometry need) when given."""
    if columns is not None:
        wanted = {*columns, *INCIDENT_ORDER, "lat", "lon", "event_id"}
        columns = [name for name in pq.read_schema(inputs.in_order).names if name in wanted]
    return _with_event_ids(read_columns(inputs.in_order, columns))


def incident_batches(
    inputs: OutputInputs, *, by_id: bool = False
) -> Callable[[], Iterator[gpd.GeoDataFrame]]:
    """The incidents a batch at a time, in the build's order or (``by_id``) in
    ``incident_id`` order, afresh on each call; at least one batch, empty when there
    are no incidents."""

    def batches() -> Iterator[gpd.GeoDataFrame]:
        file = pq.ParquetFile(inputs.by_id if by_id else inputs.in_order)
        given = False
        for batch in file.iter_batches(batch_size=BATCH_ROWS):
            given = True
            yield _with_event_ids(pa.Table.from_batches([batch]))
        if not given:
            yield _with_event_ids(file.schema_arrow.empty_table())

    return batches


# ------------------------------------------------------------------------- tasks


#: A text column with at most this share of distinct values is given to the map's
#: writer as categories (codes into its distinct values) rather than as text.
CATEGORY_SHARE = 0.25


def map_frame(inputs: OutputInputs) -> pd.DataFrame:
    """Every incident for the map, in the build's order: the values of
    :func:`incident_frame`, held compactly, made a column at a time.

    The map's writer turns text columns into Python objects several at a time (codes,
    dictionaries, times): from categories, each cell is a reference to one of a few
    thousand strings, not a string of its own (a million rows, a dozen columns). So
    each column is read from the sorted file alone and converted at once: a text
    column with few distinct values becomes categories from Arrow's dictionary
    encoding (no Python string per cell, ever), the others stay in Arrow. No
    geometry: the page reads ``lon`` and ``lat``, the values the points are made of.
    """
    file = pq.ParquetFile(inputs.in_order)
    names = [n for n in (*INCIDENT_COLUMNS, "event_id") if n in file.schema_arrow.names]
    columns: dict[str, Any] = {}
    for name in names:
        column = file.read(columns=[name], use_threads=False).column(0).combine_chunks()
        if name in _INTEGER_COLUMNS:
            columns[name] = _integer_values(column)
        elif name in _FLOAT_COLUMNS:
            columns[name] = column.to_numpy(zero_copy_only=False).astype("float64")
        elif name == "actors":  # lists stay in Arrow: the popup chunks write them there
            columns[name] = pd.Series(pd.arrays.ArrowExtensionArray(column))
        else:
            columns[name] = _text_values(column, missing=np.nan if name == "event_id" else None)
        del column
    return pd.DataFrame(columns, columns=names, copy=False)


def _integer_values(column: pa.Array) -> pd.api.extensions.ExtensionArray:
    """An integer column for the map as pandas' ``Int64`` (its values and its mask made
    in NumPy, no Python int per cell); a column of another type as its values are."""
    if not (pa.types.is_integer(column.type) or pa.types.is_null(column.type)):
        return pd.array(column.to_pylist(), dtype="Int64")
    numbers = column.cast(pa.int64())
    values = pc.fill_null(numbers, 1).to_numpy(zero_copy_only=False)
    mask = pc.is_null(numbers).to_numpy(zero_copy_only=False)
    return pd.arrays.IntegerArray(values.astype(np.int64), mask.astype(bool))


def _text_values(column: pa.Array, *, missing: float | None = None) -> pd.Series | pd.Categorical:
    """A text column for the map: categories of plain strings (in order of first
    appearance) when at most :data:`CATEGORY_SHARE` of its values are distinct, else
    Arrow-backed (with ``missing``, a NaN: objects with NaN for missing values, as
    :func:`_with_event_ids` gives ``event_id``)."""
    encoded = pc.dictionary_encode(column)
    if len(encoded.dictionary) > CATEGORY_SHARE * len(column):
        if missing is None:
            return pd.Series(pd.arrays.ArrowExtensionArray(column))
        values = np.array(column.to_pylist(), dtype=object)
        values[pc.is_null(column).to_numpy(zero_copy_only=False)] = missing
        return pd.Series(values, dtype=object)
    codes = pc.fill_null(encoded.indices, -1).to_numpy()
    categories = pd.Index(encoded.dictionary.to_pylist(), dtype=object)
    return pd.Categorical.from_codes(codes, categories=categories)


def _map_html(inputs: OutputInputs, target: Path) -> None:
    gazetteer = inputs.load("gazetteer")
    styles = map_styles(gazetteer)
    incidents = map_frame(inputs)
    release_memory()  # the Arrow columns the categories replaced
    # The incidents' page columns first, then the table is let go before the events are
    # read: the two are never held together.
    page = page_incidents(incidents, styles)
    del incidents
    release_memory()
    events = inputs.load("events")
    doc = assemble_map(
        page,
        inputs.load("places"),
        events=events,
        gazetteer=gazetteer,
        styles=styles,
        title=inputs.title,
    )
    del page, events
    release_memory()
    # Written a piece at a time (folium's page, then each chunk's element): the page is
    # never one string, nor its UTF-8 bytes a second copy.
    with target.open("w", encoding="utf-8", newline="") as handle:
        for piece in map_pieces(doc):
            handle.write(piece)


def incident_tables(inputs: OutputInputs, *, by_id: bool = False) -> Iterator[pa.Table]:
    """The prepared incidents a record batch at a time, as Arrow tables (in the build's
    order, or in ``incident_id`` order with ``by_id``); at least one, empty when there
    are no incidents (as :func:`incident_batches`)."""
    file = pq.ParquetFile(inputs.by_id if by_id else inputs.in_order)
    given = False
    for batch in file.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
        given = True
        yield pa.Table.from_batches([batch])
    if not given:
        yield file.schema_arrow.empty_table()


def _incidents_geojson(inputs: OutputInputs, target: Path) -> None:
    write_incidents_geojson(incident_tables(inputs, by_id=True), target, _with_event_ids)


def _events_geojson(inputs: OutputInputs, target: Path) -> None:
    write_geojson_file(inputs.load("events"), target, id_column="event_id")


def _places_geojson(inputs: OutputInputs, target: Path) -> None:
    target.write_text(places_geojson(inputs.load("places")), encoding="utf-8")


def _geopackage(inputs: OutputInputs, target: Path) -> None:
    layers = {
        "incidents": TableBatches(lambda: incident_tables(inputs), _with_event_ids),
        # Read once the incidents are written: the two are never held together.
        "events": FrameLater(lambda: _released_then(inputs.load, "events")),
        "places": inputs.load("places"),
    }
    write_geopackage(layers, target)


def _released_then(load: Callable[[str], Any], name: str) -> Any:
    """``load(name)``, once the memory freed before is given back (Arrow's pool, malloc):
    a table read after a streamed layer starts from what is held, not from its peak."""
    release_memory()
    return load(name)


def _incidents_csv(inputs: OutputInputs, target: Path) -> None:
    write_incidents_csv(incident_tables(inputs, by_id=True), target, _with_event_ids)


def _acled_csv(inputs: OutputInputs, target: Path) -> None:
    pack = inputs.load("gazetteer").pack
    # The columns it reads, as Arrow: no frame, geometry or text object per incident;
    # only their codes are kept before the events are read, and both are let go
    # before the text is made.
    by_id = IncidentLookup.coded(read_columns(inputs.in_order, ACLED_INCIDENT_COLUMNS))
    release_memory()
    events = inputs.load("events")
    by_id.locate(events["incident_ids"])
    rows = acled_rows(events, by_id, pack=pack)
    del events, by_id
    release_memory()
    text = acled_csv_text(rows)
    del rows
    target.write_text(text, encoding="utf-8")


def _incidents_fgb(inputs: OutputInputs, target: Path) -> None:
    layer = TableBatches(lambda: incident_tables(inputs), _with_event_ids)
    write_flatgeobuf(layer, target, unplaced=inputs.unplaced)


def _events_fgb(inputs: OutputInputs, target: Path) -> None:
    write_flatgeobuf(inputs.load("events"), target)


def _incidents_parquet(inputs: OutputInputs, target: Path) -> None:
    layer = TableBatches(lambda: incident_tables(inputs), _with_event_ids)
    incidents_geoparquet(layer, target, bounds=inputs.bounds)


_TASKS: dict[str, Callable[[OutputInputs, Path], None]] = {
    "map.html": _map_html,
    "incidents.geojson": _incidents_geojson,
    "events.geojson": _events_geojson,
    "places.geojson": _places_geojson,
    "incidents.gpkg": _geopackage,
    "incidents.csv": _incidents_csv,
    "acled.csv": _acled_csv,
    "incidents.fgb": _incidents_fgb,
    "events.fgb": _events_fgb,
    "incidents.parquet": _incidents_parquet,
}
assert set(_TASKS) == set(TASK_FILES)


def write_output(name: str, inputs: OutputInputs, target: Path) -> None:
    """Make the output file ``name`` at ``target`` from the prepared inputs.

    An ``OSError`` (and so an :class:`~geo.errors.OutputError`) leaves with
    ``output_name`` set to ``name``, so :func:`maps.files.write_outputs` can name
    the file a user would look for.
    """
    try:
        _TASKS[name](inputs, target)
    except OSError as exc:
        exc.output_name = name  # type: ignore[attr-defined]
        raise


def _write_in_worker(job: tuple[str, OutputInputs, Path]) -> str:
    name, inputs, target = job
    write_output(name, inputs, target)
    return name


def ignore_interrupt() -> None:
    """A worker's initializer: Ctrl-C is the build's to handle, not the worker's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class OutputWriters:
    """Runs the output tasks: in this process (``jobs`` 1), or in ``jobs`` worker
    processes side by side (from a fork server, as the analysis workers), each file in
    a fresh worker, within a memory limit.

    Each worker takes the next file that fits (the slowest first when any two fit
    together, else the largest first: :func:`~maps.writer_memory.task_order`): a task
    starts beside the running ones only when their expected peaks
    (:mod:`maps.writer_memory`, from the number of incidents) fit the writers' budget,
    what ``memory_limit_mb`` leaves once this process and the fork server's imports are
    counted; a task too large for that runs alone. A fresh process per file (forked
    from the fork server, its imports loaded) starts small and gives back all it held
    when it ends, so no file's writer carries what the files before it left behind.
    The files do not depend on the order.
    """

    def __init__(
        self,
        inputs: OutputInputs,
        jobs: int,
        *,
        memory_limit_mb: float | None = None,
        on_written: Callable[[str], None] | None = None,
    ):
        self.inputs = inputs
        self.jobs = max(1, jobs)
        self.memory_limit_mb = (
            DEFAULT_MEMORY_LIMIT_MB if memory_limit_mb is None else memory_limit_mb
        )
        self.on_written = on_written
        """Called with each file's name once it is written (from a thread of this
        process when workers write them): for a progress display."""

    def budget(self) -> float:
        """What the writers may hold together (MB beyond their shared imports)."""
        return memory_budget(self.memory_limit_mb)

    def __call__(self, targets: Sequence[tuple[str, Path]]) -> None:
        """Write each ``(name, staged path)``; the first failure is raised."""
        ordered = sorted(targets, key=lambda item: TASK_FILES.index(item[0]))
        if self.jobs == 1 or len(ordered) < 2:
            for name, target in ordered:
                write_output(name, self.inputs, target)
                self._written(name)
            return
        paths = dict(ordered)
        estimates = task_estimates(list(paths), self.inputs.incidents)
        budget = self.budget()
        left = task_order(list(paths), estimates, budget)
        running: list[str] = []
        changed = threading.Condition()
        failures: list[BaseException] = []
        stop = threading.Event()

        def take() -> str | None:
            """The next file left that fits beside the running ones (waiting for one
            of them to end when none does); None when there is none left."""
            with changed:
                while not stop.is_set() and left:
                    name = next_task(left, running, estimates, budget)
                    if name is not None:
                        left.remove(name)
                        running.append(name)
                        return name
                    changed.wait(timeout=0.2)
                return None

        def done(name: str) -> None:
            with changed:
                running.remove(name)
                changed.notify_all()

        def feed(pool: Any) -> None:
            """Hand one worker a file, again and again."""
            while (name := take()) is not None:
                job = (name, self.inputs, paths[name])
                result = pool.apply_async(_write_in_worker, (job,))
                try:
                    while not stop.is_set():
                        try:
                            result.get(timeout=0.2)
                            self._written(name)
                            break
                        except multiprocessing.TimeoutError:
                            continue
                        except BaseException as exc:
                            failures.append(exc)
                            stop.set()
                            return
                finally:
                    done(name)

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        workers = min(self.jobs, len(left))
        pool = context.Pool(workers, initializer=ignore_interrupt, maxtasksperchild=1)
        feeders = [threading.Thread(target=feed, args=(pool,), daemon=True) for _ in range(workers)]
        for feeder in feeders:
            feeder.start()
        try:
            for feeder in feeders:
                while feeder.is_alive():  # a timeout, so Ctrl-C is seen here
                    feeder.join(timeout=0.2)
        except BaseException as exc:
            failures.append(exc)
            stop.set()
        for feeder in feeders:
            feeder.join()
        if failures:
            pool.terminate()
            pool.join()
            raise failures[0]
        pool.close()
        pool.join()

    def _written(self, name: str) -> None:
        if self.on_written is not None:
            self.on_written(name)


def memory_budget(memory_limit_mb: float | None) -> float:
    """What worker processes started now may hold together (MB beyond their shared
    imports): ``memory_limit_mb`` (or the default) less this process and the fork
    server's imports."""
    limit = DEFAULT_MEMORY_LIMIT_MB if memory_limit_mb is None else memory_limit_mb
    return writers_budget(limit, _own_memory_mb() + WORKER_IMPORTS_MB)


def _own_memory_mb() -> float:
    """This process's resident memory now, in MB (0 where /proc cannot tell)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


__all__ = [
    "BATCH_ROWS",
    "TASK_FILES",
    "OutputInputs",
    "OutputWriters",
    "ignore_interrupt",
    "incident_batches",
    "incident_frame",
    "prepare_inputs",
    "write_output",
]
