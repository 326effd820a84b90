"""GeoPackage, FlatGeobuf and GeoParquet files, written atomically and deterministically.

Fields every GDAL driver stores faithfully (:func:`flat_table`): local times as ISO
text beside UTC DateTimes, lists as JSON text; geometry types fixed per layer, even
when a build has no rows; the GeoPackage in a version Debian stable's GDAL 3.6
validates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pyogrio.errors
import shapely
from geopandas import GeoDataFrame

from geo.errors import OutputError
from maps.files import SQLITE_SIDE_FILES, file_written_atomically
from maps.gis_tables import TableBatches, arrow_flat_table, fast_path_fits, schema_rows
from maps.tables import (
    INCIDENT_INTEGER_COLUMNS,
    JSON_SUFFIX,
    LIST_COLUMNS,
    PLACE_INTEGER_COLUMNS,
    TIME_COLUMNS,
    column_values,
    holds_structures,
    in_wgs84,
    is_missing,
    json_texts,
    local_time_texts,
    local_times,
    normalised_incidents,
    reproducible_timestamp,
)

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
#: A layer given a batch at a time: a callable that gives its rows as frames, in
#: order, afresh each time it is called (the build's id-sorted spill file).
LayerBatches = Callable[[], Iterable[GeoDataFrame]]


class FrameLater:
    """A layer's frame read only when its turn to be written comes (see
    :func:`write_geopackage`), so a large table is not held while the layers before it
    are written. For a layer of a fixed geometry type (:data:`LAYER_GEOMETRY_TYPES`)
    not split by type; another is read at once."""

    def __init__(self, load: Callable[[], GeoDataFrame]):
        self.load = load


#: What pyogrio raises when GDAL cannot write a table.
_GDAL_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError)


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


def write_geopackage(
    layers: Mapping[str, GeoDataFrame | LayerBatches | FrameLater], path: str | Path
) -> None:
    """Write each frame as a layer of one GeoPackage, in EPSG:4326, atomically.

    A layer may also be given as :data:`LayerBatches` (a callable giving its rows a
    batch at a time, as the build's spill does): it is streamed into the file, never
    held whole, and gives the same bytes as the concatenated frame would; or as a
    :class:`FrameLater`, read when it is written. Each layer is converted just before
    it is written, and let go after.

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
    batched = {name: layer for name, layer in layers.items() if callable(layer)}
    written: dict[str, tuple[Any, str]] = {}
    for name, layer in layers.items():
        if name in batched:
            written[name] = (layer, LAYER_GEOMETRY_TYPES.get(name, "Unknown"))
        elif isinstance(layer, FrameLater):
            if name in LAYER_GEOMETRY_TYPES and name not in SPLIT_LAYERS:
                written[name] = (layer, LAYER_GEOMETRY_TYPES[name])
            else:
                written.update(geopackage_layers({name: layer.load()}))
        else:
            written.update(geopackage_layers({name: layer}))
    _check_layer_names(written, path)

    def converted(name: str, layer: Any) -> Any:
        if isinstance(layer, TableBatches):
            return layer
        if name in batched:
            return _flat_batches(layer, name, path)
        return _flat_frame(layer.load() if isinstance(layer, FrameLater) else layer, name, path)

    timestamp = reproducible_timestamp()
    with (
        file_written_atomically(
            path, what="GeoPackage", library_errors=_GDAL_ERRORS, side_files=SQLITE_SIDE_FILES
        ) as temporary,
        # The whole file is synced once when written (file_written_atomically); SQLite
        # syncing each of its transactions on the way costs 0.1 s a layer for nothing.
        _gdal_config({"OGR_CURRENT_DATE": timestamp, "OGR_SQLITE_SYNCHRONOUS": "OFF"}),
    ):
        for index, name in enumerate(list(written)):
            layer, geometry_type = written.pop(name)
            frame = converted(name, layer)
            del layer
            _write_layer(
                frame,
                temporary,
                layer=name,
                driver="GPKG",
                geometry_type=geometry_type,
                promote_to_multi=geometry_type.startswith("Multi"),
                dataset_options={"VERSION": GPKG_VERSION} if index == 0 else None,
            )
            del frame


def write_flatgeobuf(
    frame: GeoDataFrame | LayerBatches,
    path: str | Path,
    *,
    geometry_type: str = "Point",
    unplaced: bool | None = None,
) -> None:
    """Write one table as a FlatGeobuf file (with its spatial index), atomically.

    ``frame`` may be :data:`LayerBatches`, streamed into the file; ``unplaced`` then
    says whether any row lacks a geometry (GDAL's index cannot hold such a row, so
    the file is written without one), which a stream cannot tell before its end.

    Fields as in the GeoPackage (:func:`flat_table`), so GDAL 3.6, which cannot
    write list fields to FlatGeobuf, reads and converts it as it is; the geometry
    type is fixed even when the table is empty.

    Raises
    ------
    OutputError
        Naming ``path`` if the table cannot be converted or the file not written.
    """
    path = Path(path)
    if isinstance(frame, TableBatches):
        flat: Any = frame
        unplaced = bool(unplaced)
    elif callable(frame):
        flat = _flat_batches(frame, path.stem, path)
        unplaced = bool(unplaced)
    else:
        flat = _flat_frame(frame, path.stem, path)
        # GDAL's packed R-tree cannot hold a feature without geometry (an incident the
        # reports do not place): such a file is written without the index, whole.
        unplaced = bool(flat.geometry.isna().any() or flat.geometry.is_empty.any())
    with file_written_atomically(
        path, what="FlatGeobuf file", library_errors=_GDAL_ERRORS
    ) as temporary:
        _write_layer(
            flat,
            temporary,
            layer=path.stem,
            driver="FlatGeobuf",
            geometry_type=geometry_type,
            layer_options={"SPATIAL_INDEX": "NO"} if unplaced else None,
        )


def incidents_geoparquet(
    incidents: GeoDataFrame | LayerBatches,
    path: str | Path,
    *,
    bounds: tuple[float, float, float, float] | None = None,
) -> None:
    """Write the incidents as GeoParquet (``incidents.parquet``), atomically.

    ``incidents`` may be :data:`LayerBatches`, written a batch at a time (a row
    group each); ``bounds`` (lon/lat min and max of every placed row, None when none
    is) then go in the file's metadata, which a stream cannot know before its end.

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
    if not path.parent.is_dir():  # before the conversion work, not only at the write
        msg = "the folder to write the GeoParquet file in does not exist"
        raise OutputError(msg, path=path)
    if callable(incidents):
        _write_geoparquet_batches(incidents, path, bounds)
        return
    table = _geoparquet_frame(incidents)
    with file_written_atomically(
        path, what="GeoParquet file", library_errors=(ValueError, TypeError, ImportError)
    ) as temporary:
        table.to_parquet(temporary, index=False, compression="zstd", write_covering_bbox=False)


def _geoparquet_frame(incidents: GeoDataFrame) -> GeoDataFrame:
    frame = normalised_incidents(in_wgs84(incidents)).reset_index(drop=True)
    geometry_name = frame.geometry.name
    ids = frame["incident_id"].tolist()
    columns: dict[str, Any] = {}
    for column in frame.columns:
        series = frame[column]
        if column == geometry_name:
            continue
        if holds_structures(column, series):
            values = column_values(series)
            columns[column] = pd.Series(
                [None if is_missing(v) else [str(x) for x in v] for v in values], dtype=object
            )
            columns[f"{column}{JSON_SUFFIX}"] = pd.Series(
                json_texts(values, column, ids), dtype=object
            )
            continue
        columns[column] = series
        if column in TIME_COLUMNS:
            times = local_times(column_values(series), ids, column)
            columns[UTC_NAMES[column]] = _utc_series(times)
    return GeoDataFrame(columns, geometry=frame.geometry.values, crs=4326)


def _write_geoparquet_batches(
    batches: LayerBatches, path: Path, bounds: tuple[float, float, float, float] | None
) -> None:
    """The GeoParquet file a record batch at a time; one batch gives the bytes
    :meth:`GeoDataFrame.to_parquet` gives. With more, each batch is a row group,
    and the file's ``geo`` metadata holds the ``bounds`` of every row."""
    from geopandas.io.arrow import _geopandas_to_arrow  # its exact metadata, per batch

    if isinstance(batches, TableBatches):
        tables = batches.nonempty()
        first_table, second_table = next(tables, None), next(tables, None)
        if first_table is not None and second_table is not None and fast_path_fits(first_table):
            _write_geoparquet_tables(
                batches, itertools.chain([first_table, second_table], tables), path, bounds
            )
            return
    iterator = iter(batches())
    first = next(iterator, None)
    second = next(iterator, None)
    if second is None:  # one batch (or none): exactly what a whole frame gives
        incidents_geoparquet(first if first is not None else GeoDataFrame(), path)
        return
    with file_written_atomically(
        path, what="GeoParquet file", library_errors=(ValueError, TypeError, ImportError)
    ) as temporary:
        writer = None
        try:
            for frame in itertools.chain([first, second], iterator):
                table = _geopandas_to_arrow(
                    _geoparquet_frame(frame), index=False, write_covering_bbox=False
                )
                if writer is None:
                    schema = _with_bounds(_typed_nulls(table.schema), bounds)
                    writer = pq.ParquetWriter(temporary, schema, compression="zstd")
                writer.write_table(table.cast(schema))
        finally:
            if writer is not None:
                writer.close()


def _write_geoparquet_tables(
    layer: TableBatches,
    tables: Iterator[pa.Table],
    path: Path,
    bounds: tuple[float, float, float, float] | None,
) -> None:
    """:func:`_write_geoparquet_batches` of Arrow batches (two or more), each converted in
    Arrow (:func:`maps.gis_tables.arrow_flat_table`) to the table the frame way gives."""
    from geopandas.io.arrow import _geopandas_to_arrow  # its exact metadata

    first = next(tables)
    rows = _geoparquet_frame(layer.frame_of(schema_rows(first)))
    made = _geopandas_to_arrow(rows, index=False, write_covering_bbox=False)
    schema = _with_bounds(_typed_nulls(made.schema), bounds)
    with (
        file_written_atomically(
            path, what="GeoParquet file", library_errors=(ValueError, TypeError, ImportError)
        ) as temporary,
        pq.ParquetWriter(temporary, schema, compression="zstd") as writer,
    ):
        for part in itertools.chain([first], tables):
            if fast_path_fits(part):
                writer.write_table(arrow_flat_table(part, schema, geoparquet=True))
            else:
                frame = _geoparquet_frame(layer.frame_of(part))
                table = _geopandas_to_arrow(frame, index=False, write_covering_bbox=False)
                writer.write_table(table.cast(schema))


def _typed_nulls(schema: pa.Schema) -> pa.Schema:
    """``schema`` with the columns its batch had no value in typed as later batches
    will have them: lists of text for list columns, else text."""
    fields = [
        field.with_type(pa.list_(pa.string()) if field.name in LIST_COLUMNS else pa.string())
        if pa.types.is_null(field.type)
        else field
        for field in schema
    ]
    return pa.schema(fields, metadata=schema.metadata)


def _with_bounds(schema: pa.Schema, bounds: tuple[float, float, float, float] | None) -> pa.Schema:
    """``schema`` whose GeoParquet metadata covers every row (not the first batch)."""
    metadata = dict(schema.metadata or {})
    geo = json.loads(metadata[b"geo"])
    for column in geo["columns"].values():
        column.pop("bbox", None)
        column["geometry_types"] = ["Point"] if bounds is not None else []
        if bounds is not None:
            column["bbox"] = list(bounds)
    metadata[b"geo"] = json.dumps(geo).encode("utf-8")
    return schema.with_metadata(metadata)


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
    # Equal texts share their datetime (see local_times): each is converted once.
    converted: dict[int, dt.datetime] = {}
    utc = []
    for time in times:
        if time is None:
            utc.append(None)
            continue
        if id(time) not in converted:
            converted[id(time)] = time.astimezone(dt.UTC)
        utc.append(converted[id(time)])
    return pd.Series(pd.to_datetime(utc, utc=True), dtype="datetime64[ms, UTC]")


def _flat_frame(gdf: GeoDataFrame, layer: str, path: Path | None) -> GeoDataFrame:
    frame = in_wgs84(gdf).reset_index(drop=True)
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
                values = column_values(series)
                times = local_times(values, ids, str(column))
            except OutputError as exc:
                msg = f"layer {layer}: {exc.message}"
                raise OutputError(msg, path=path) from exc
            columns[column] = pd.Series(local_time_texts(values, times), dtype=object)
            columns[UTC_NAMES.get(str(column), f"{column}_utc")] = _utc_series(times)
        elif holds_structures(column, series):
            columns[f"{column}{JSON_SUFFIX}"] = pd.Series(
                json_texts(column_values(series), column, ids), dtype=object
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


def _flat_batches(batches: LayerBatches, layer: str, path: Path) -> Iterator[GeoDataFrame]:
    for frame in batches():
        yield _flat_frame(frame, layer, path)


def _write_layer(
    frame: GeoDataFrame | Iterable[GeoDataFrame] | TableBatches, path: Path, **options: Any
) -> None:
    """One layer with pyogrio: a frame as it is, batches through GDAL's Arrow writer.

    A single batch is written as the frame it is; more are streamed as Arrow record
    batches (``pyogrio.write_arrow``), converted as ``write_dataframe(use_arrow=True)``
    converts a frame, which writes the same bytes as the frame whole. Arrow batches
    (:class:`~maps.gis_tables.TableBatches`) of more than one are converted in Arrow
    (:func:`maps.gis_tables.arrow_flat_table`) to the same table.
    """
    if isinstance(frame, GeoDataFrame):
        pyogrio.write_dataframe(frame, path, **options)
        return
    if isinstance(frame, TableBatches):
        if _write_table_layer(frame, path, **options):
            return
        frame = _flat_batches(frame, str(options.get("layer")), path)
    iterator = iter(frame)
    first = next(iterator, None)
    second = next(iterator, None)
    if first is None or second is None:
        pyogrio.write_dataframe(first if first is not None else GeoDataFrame(), path, **options)
        return
    geometry_name = first.geometry.name
    schema = _arrow_layer_table(first).schema

    def record_batches() -> Iterator[pa.RecordBatch]:
        for part in itertools.chain([first, second], iterator):
            yield from _arrow_layer_table(part).cast(schema).to_batches()

    options.pop("promote_to_multi", None)  # streamed layers are of points (see callers)
    pyogrio.write_arrow(
        pa.RecordBatchReader.from_batches(schema, record_batches()),
        path,
        geometry_name=geometry_name,
        crs="EPSG:4326",
        **options,
    )


def _write_table_layer(batches: TableBatches, path: Path, **options: Any) -> bool:
    """The layer's Arrow batches converted in Arrow and streamed to GDAL; False (nothing
    written) when there are fewer than two or the first does not fit the fast path."""
    name = str(options.get("layer"))
    iterator = batches.nonempty()
    first = next(iterator, None)
    second = next(iterator, None)
    if first is None or second is None or not fast_path_fits(first):
        return False
    rows = batches.frame_of(schema_rows(first))
    schema = _arrow_layer_table(_flat_frame(rows, name, path)).schema
    geometry_name = rows.geometry.name

    def record_batches() -> Iterator[pa.RecordBatch]:
        for part in itertools.chain([first, second], iterator):
            if fast_path_fits(part):
                table = arrow_flat_table(part, schema, geoparquet=False)
            else:
                flat = _flat_frame(batches.frame_of(part), name, path)
                table = _arrow_layer_table(flat).cast(schema)
            yield from table.to_batches()

    options.pop("promote_to_multi", None)  # streamed layers are of points (see callers)
    pyogrio.write_arrow(
        pa.RecordBatchReader.from_batches(schema, record_batches()),
        path,
        geometry_name=geometry_name,
        crs="EPSG:4326",
        **options,
    )
    return True


def _arrow_layer_table(frame: GeoDataFrame) -> pa.Table:
    """A flat frame as the Arrow table ``pyogrio.write_dataframe(use_arrow=True)`` makes
    of it: geometry as WKB, no index, text that is not all strings as strings, and
    columns of nothing but nulls as text."""
    geometry_name = frame.geometry.name
    data = pd.DataFrame(frame, copy=False)
    data[geometry_name] = shapely.to_wkb(frame.geometry.values._data)
    for name, dtype in data.dtypes.items():
        if name == geometry_name or dtype != "object":
            continue
        if pd.api.types.infer_dtype(data[name]) != "string":
            try:
                pa.Schema.from_pandas(data[[name]])
            except pa.ArrowInvalid:
                data[name] = data[name].astype("string")
    table = pa.Table.from_pandas(data, preserve_index=False)
    for index, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(
                index, field.with_type(pa.string()), table[index].cast(pa.string())
            )
        elif field.name == geometry_name and not pa.types.is_binary(field.type):
            table = table.set_column(
                index, field.with_type(pa.binary()), table[index].cast(pa.binary())
            )
    return table


@contextlib.contextmanager
def _gdal_config(options: Mapping[str, str]) -> Iterator[None]:
    """Set GDAL configuration options for the duration of a block, then restore them."""
    previous = {name: pyogrio.get_gdal_config_option(name) for name in options}
    pyogrio.set_gdal_config_options(dict(options))
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)
