"""``incidents.geojson`` and ``incidents.csv`` from the id-sorted incident file, a
record batch at a time, in Arrow (:mod:`maps.arrow_text`).

Each batch's lines are exactly those the row-by-row writers give for the same rows
(:func:`maps.export.geojson_feature_lines`, :func:`maps.csv_files.incident_csv_rows`):
every distinct value of a column is written by the same rules, then the rows are
joined in Arrow. A batch the fast path cannot take as it is (an id missing or out of
order, a time that is not ISO 8601) goes through the row-by-row writer, which sorts
it or names the problem as it always has.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from geopandas import GeoDataFrame

from geo.errors import OutputError
from incidents.model import INCIDENT_COLUMNS
from maps.arrow_text import (
    csv_field,
    distinct_texts,
    joined_rows,
    json_strings_kept,
    rows_bytes,
    strictly_increasing,
)
from maps.csv_files import (
    _CSV_RENAMED,
    INCIDENT_CSV_COLUMNS,
    _json_cell,
    _plain_cell,
    incident_csv_rows,
    neutralise_formula,
)
from maps.export import (
    EMPTY_FEATURE_COLLECTION,
    FEATURES_HEAD,
    FEATURES_TAIL,
    geojson_feature_lines,
)
from maps.files import file_written_atomically
from maps.tables import (
    INCIDENT_INTEGER_COLUMNS,
    JSON_SUFFIX,
    LIST_COLUMNS,
    TIME_COLUMNS,
    decimal_text,
    json_text,
    local_time_texts,
    local_times,
    round_coordinate,
)

#: The build's frame of one batch (:func:`maps.outputs._with_event_ids`), for the
#: batches the row-by-row writers take.
FrameOf = Callable[[pa.Table], GeoDataFrame]


def _property_names(table: pa.Table) -> list[str]:
    """The columns of a batch in the frame's order: the documented ones, then ``event_id``."""
    names = [name for name in INCIDENT_COLUMNS if name in table.column_names]
    return names + (["event_id"] if "event_id" in table.column_names else [])


# --------------------------------------------------------------------------- GeoJSON


def _json_number(value: Any) -> str:
    return repr(value) if math.isfinite(value) else "null"


def _json_list(value: Any) -> str:
    return encode_basestring(json_text(value, "actors", None))


def _json_coordinate(value: float) -> str:
    return repr(round_coordinate(value))


#: Rows of a batch joined into text at a time: a batch's cells are made at once (each
#: distinct value once), its lines a slice at a time, so the batch's text is never held
#: two or three times over (lines, lines with their separators, their bytes).
TEXT_SLICE_ROWS = 8192

Cells = list[pa.Array | str]


def _sliced_bytes(
    cells: Cells, rows: int, join: Callable[[Cells], pa.Array], separator: str = ""
) -> Iterator[bytes]:
    """The bytes of ``join`` (the lines, ``separator`` between them) of
    :data:`TEXT_SLICE_ROWS` rows of ``cells`` at a time, in order."""
    for start in range(0, rows, TEXT_SLICE_ROWS):
        part = [c if isinstance(c, str) else c.slice(start, TEXT_SLICE_ROWS) for c in cells]
        yield rows_bytes(join(part), separator)


def _json_strings(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Each text of ``column`` as a JSON string (``null`` when missing), those with
    nothing to escape quoted in Arrow."""
    return distinct_texts(column, encode_basestring, "null", kept=json_strings_kept, quote='"')


def geojson_lines(table: pa.Table) -> pa.Array | None:
    """The feature lines of one id-sorted batch (those of
    :func:`maps.export.geojson_feature_lines` of its frame), or None when its ids are
    missing or not in order."""
    cells = geojson_cells(table)
    return None if cells is None else joined_rows(cells)


def geojson_cells(table: pa.Table) -> Cells | None:
    """The cells of :func:`geojson_lines` (each a string array or a text for every row),
    not yet joined, or None."""
    ids = table.column("incident_id").combine_chunks()
    if not pa.types.is_string(ids.type) or not strictly_increasing(ids):
        return None
    id_texts = _json_strings(ids)
    cells: list[pa.Array | str] = ['{"type":"Feature","id":', id_texts]
    lon = pc.fill_null(table.column("lon").combine_chunks(), math.nan)
    lat = pc.fill_null(table.column("lat").combine_chunks(), math.nan)
    point = joined_rows(
        [
            '{"type":"Point","coordinates":[',
            distinct_texts(lon, _json_coordinate, "null"),
            ",",
            distinct_texts(lat, _json_coordinate, "null"),
            "]}",
        ]
    )
    finite = pc.and_(pc.is_finite(lon), pc.is_finite(lat))
    cells += [',"geometry":', pc.if_else(finite, point, "null"), ',"properties":{']
    for index, name in enumerate(_property_names(table)):
        column = table.column(name)
        if name in LIST_COLUMNS:
            key, texts = f"{name}{JSON_SUFFIX}", distinct_texts(column, _json_list, "null")
        elif pa.types.is_floating(column.type):
            key, texts = name, distinct_texts(column, _json_number, "null")
        elif pa.types.is_integer(column.type):
            key, texts = name, distinct_texts(column, str, "null")
        elif pa.types.is_string(column.type) or pa.types.is_null(column.type):
            key, texts = name, _json_strings(column.cast(pa.string()))
        else:
            return None
        cells += [("," if index else "") + encode_basestring(key) + ":", texts]
    cells.append("}}")
    return cells


def write_incidents_geojson(tables: Iterable[pa.Table], path: Path, frame_of: FrameOf) -> None:
    """``incidents.geojson`` of the id-sorted batches ``tables``, written atomically: the
    bytes :func:`maps.export.write_geojson_batches` writes of their frames.

    Raises
    ------
    OutputError
        If a batch's ids come twice or out of order, or a feature cannot be written.
    """
    with (
        file_written_atomically(path, what="GeoJSON file") as temporary,
        temporary.open("wb") as handle,
    ):
        last: str | None = None
        for table in tables:
            if len(table) == 0:
                continue
            cells = geojson_cells(table)
            parts: Iterable[bytes]
            if cells is None:
                pairs = geojson_feature_lines(frame_of(table), id_column="incident_id")
                first_id, last_id = pairs[0][0][2] or pairs[0][0][1], pairs[-1][0][2]
                parts = [",\n".join(line for _, line in pairs).encode("utf-8")]
            else:
                ids = table.column("incident_id")
                first_id, last_id = ids[0].as_py(), ids[len(ids) - 1].as_py()
                parts = _sliced_bytes(cells, len(table), joined_rows, ",\n")
            if last is not None and (not isinstance(first_id, str) or first_id <= last):
                msg = (
                    f"cannot write GeoJSON: the incident_id {first_id!r} comes twice or out"
                    " of order"
                )
                raise OutputError(msg, path=path)
            handle.write(FEATURES_HEAD.encode() if last is None else b",\n")
            for index, data in enumerate(parts):
                handle.write(b",\n" + data if index else data)
            del cells, parts
            last = last_id
        handle.write((EMPTY_FEATURE_COLLECTION if last is None else FEATURES_TAIL).encode())


# ------------------------------------------------------------------------------- CSV


def _csv_plain(value: Any) -> str:
    return csv_field(_plain_cell(value))


#: First characters after which :func:`maps.csv_files.neutralise_formula` may change a cell.
_FORMULA_STARTS = frozenset("=+-@\t\r")


def _csv_string(value: str) -> str:
    """:func:`_csv_plain` of a text: on one line, defused, quoted when it must be."""
    text = " ".join(value.split())
    if text and text[0] in _FORMULA_STARTS:
        text = neutralise_formula(text)
    return csv_field(text)


#: The characters ``str.split()`` takes for spaces (``str.isspace``), the suite checks.
SPLIT_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: A text :func:`_csv_string` may change (RE2): a space other than `` ``, a comma or a
#: quote anywhere, a space at either end or two together, or a first character after
#: which :func:`maps.csv_files.neutralise_formula` may change it.
_CSV_STRING_CHANGES = (
    "[" + "".join(f"\\x{{{ord(c):x}}}" for c in SPLIT_SPACES if c != " ") + ',"]|^[ =+\\-@]| $|  '
)


def _csv_strings_kept(values: pa.Array) -> pa.Array:
    """Which of ``values`` :func:`_csv_string` leaves as they are (in Arrow)."""
    return pc.invert(pc.match_substring_regex(values, _CSV_STRING_CHANGES))


def _csv_actors(value: Any) -> str:
    return csv_field(_json_cell(value, "actors", ""))


def _csv_coordinate(value: float) -> str:
    return "" if not math.isfinite(value) else csv_field(decimal_text(round_coordinate(value)))


def _csv_time(column: str) -> Callable[[Any], str]:
    def text(value: Any) -> str:
        [local] = local_time_texts([value], local_times([value], [None], column))
        return csv_field(_plain_cell(local))

    return text


def csv_rows(table: pa.Table) -> pa.Array | None:
    """The lines (each ended by ``\\n``) of one id-sorted batch of ``incidents.csv``, as
    :func:`maps.csv_files.incident_csv_rows` gives them, or None when its ids are missing
    or out of order or a cell cannot be made (the row-by-row writer says why)."""
    cells = csv_cells(table)
    return None if cells is None else _csv_lines(cells)


def _csv_lines(cells: Cells) -> pa.Array:
    return joined_rows([joined_rows(cells, ","), "\n"])


def csv_cells(table: pa.Table) -> Cells | None:
    """The cells of :func:`csv_rows`, not yet joined, or None."""
    ids = table.column("incident_id").combine_chunks()
    if not pa.types.is_string(ids.type) or not strictly_increasing(ids):
        return None
    names = table.column_names
    cells: list[pa.Array | str] = []
    try:
        for column in INCIDENT_CSV_COLUMNS:
            source = "actors" if column == "actors_json" else _CSV_RENAMED.get(column, column)
            if source not in names:
                cells.append("")
                continue
            values = table.column(source)
            if column == "actors_json":
                text: Callable[[Any], str] = _csv_actors
            elif column in ("lat", "lon"):
                values, text = pc.fill_null(values, math.nan), _csv_coordinate
            elif column in TIME_COLUMNS:
                text = _csv_time(column)
            elif column in INCIDENT_INTEGER_COLUMNS and not pa.types.is_integer(values.type):
                return None
            elif pa.types.is_string(values.type):
                cells.append(distinct_texts(values, _csv_string, "", kept=_csv_strings_kept))
                continue
            else:
                text = _csv_plain
            cells.append(distinct_texts(values, text, ""))
    except OutputError:
        return None
    return cells


def write_incidents_csv(tables: Iterable[pa.Table], path: Path, frame_of: FrameOf) -> None:
    """``incidents.csv`` of the id-sorted batches ``tables``, written atomically: the bytes
    :func:`maps.csv_files.write_incidents_csv_batches` writes of their frames.

    Raises
    ------
    OutputError
        If the batches are out of id order, or a cell cannot be written.
    """
    import csv
    import io

    header = io.StringIO()
    csv.writer(header, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerow(
        INCIDENT_CSV_COLUMNS
    )
    with (
        file_written_atomically(path, what="CSV file") as temporary,
        temporary.open("wb") as handle,
    ):
        handle.write(header.getvalue().encode("utf-8"))
        last: str | None = None
        for table in tables:
            cells = csv_cells(table) if len(table) else None
            parts: Iterable[bytes]
            if cells is None:
                rows = incident_csv_rows(frame_of(table))
                if not rows:
                    continue
                first, final = rows[0][0], rows[-1][0]
                buffer = io.StringIO()
                csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerows(rows)
                parts = [buffer.getvalue().encode("utf-8")]
            else:
                ids = table.column("incident_id")
                first = _plain_cell(ids[0].as_py())
                final = _plain_cell(ids[len(ids) - 1].as_py())
                parts = _sliced_bytes(cells, len(table), _csv_lines)
            if last is not None and first <= last:
                msg = f"cannot write the CSV: incident {first!r} comes twice or out of order"
                raise OutputError(msg, path=path)
            for data in parts:
                handle.write(data)
            del cells, parts
            last = final
