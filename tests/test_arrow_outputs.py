"""The outputs made in Arrow give the bytes of the row-by-row writers, on hostile cells.

``incidents.geojson``/``incidents.csv`` lines (:mod:`maps.incident_text`), the GIS
files' flat tables (:mod:`maps.gis_tables`) and the map's chunk cells
(:func:`maps.page_chunks._series_texts`) are compared with what the frame way makes of the
same rows: quotes, commas, line breaks, control characters, formulas, non-ASCII text,
missing and empty lists, NaN, infinity and -0.0.
"""

from __future__ import annotations

import csv
import io
import json
import math
from json.encoder import encode_basestring  # type: ignore[attr-defined]

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from incidents.spill import INCIDENT_SCHEMA
from maps import page_chunks as page_columns
from maps.arrow_text import (
    csv_field,
    distinct_texts,
    json_strings_kept,
    rows_bytes,
    strictly_increasing,
)
from maps.csv_files import incident_csv_rows
from maps.export import geojson_feature_lines
from maps.gis_files import _arrow_layer_table, _flat_frame, _geoparquet_frame, _typed_nulls
from maps.gis_tables import arrow_flat_table, fast_path_fits, point_wkb, schema_rows
from maps.incident_text import (
    SPLIT_SPACES,
    _csv_string,
    _csv_strings_kept,
    csv_rows,
    geojson_lines,
)
from maps.outputs import _integer_values, _with_event_ids

HOSTILE = [
    'say "hello", then\nleave',
    "=SUM(A1:A2)",
    "@handle said",
    "-5",
    "tab\tand\rreturn \x07 bell \x1f unit",
    "بغداد — الجسر",
    "",
    "  spaced   out  ",
    "back\\slash / slash",
    "\u2028line separator\x85next",
]


def _table(rows: int = 12) -> pa.Table:
    """Incident rows in the build's order (``report``, ``evidence_start``, ...), ids
    increasing, every column holding something awkward somewhere."""
    data: dict[str, list] = {name: [None] * rows for name in INCIDENT_SCHEMA.names}
    for row in range(rows):
        text = HOSTILE[row % len(HOSTILE)]
        data["incident_id"][row] = f"inc-{row:04d}"
        data["report"][row] = f"r{row:03d}.txt"
        data["event_type"][row] = ["clash", "protest", text][row % 3]
        data["evidence"][row] = text if row % 4 else None
        data["title"][row] = HOSTILE[(row + 3) % len(HOSTILE)]
        data["source"][row] = ["Tigris Daily", "@someone", text][row % 3]
        data["date"][row] = "2024-03-0" + str(1 + row % 5) if row % 6 else None
        data["time_start"][row] = [
            "2024-03-01T10:00:00+03:00", "2024-03-02T08:30+03:00", None, "2024-03-05T00:00:00Z",
        ][row % 4]  # fmt: skip
        data["time_end"][row] = "2024-03-01T12:00:00+03:00" if row % 2 else None
        data["actors"][row] = [None, [], ["Protesters"], ["", "=x"], ['a "b"', "ç"]][row % 5]
        data["lat"][row] = [33.3123456789, None, float("nan"), 33.0, -0.0, float("inf")][row % 6]
        data["lon"][row] = [44.4123456789, 44.0, None, float("nan"), 0.0, 44.5][row % 6]
        data["uncertainty_m"][row] = [None, 12.3456, -0.0, float("nan"), 1e21, 250.0][row % 6]
        data["killed"][row] = [None, 0, 3, 12][row % 4]
        data["evidence_start"][row] = row * 10
    table = pa.table(data, schema=INCIDENT_SCHEMA)
    events = pa.array([f"evt-{row % 3}" if row % 5 else None for row in range(rows)])
    return table.append_column("event_id", events)


def test_geojson_lines_are_the_frame_writers() -> None:
    table = _table()
    lines = geojson_lines(table)
    assert lines is not None
    expected = [
        line for _, line in geojson_feature_lines(_with_event_ids(table), id_column="incident_id")
    ]
    assert lines.to_pylist() == expected
    assert rows_bytes(lines, ",\n") == ",\n".join(expected).encode("utf-8")


def test_csv_rows_are_the_frame_writers() -> None:
    table = _table()
    lines = csv_rows(table)
    assert lines is not None
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerows(
        incident_csv_rows(_with_event_ids(table))
    )
    assert rows_bytes(lines).decode("utf-8") == buffer.getvalue()


def test_batches_out_of_order_or_with_bad_times_go_the_row_by_row_way() -> None:
    table = _table()
    shuffled = table.take(pa.array([1, 0, *range(2, len(table))]))
    assert geojson_lines(shuffled) is None
    assert csv_rows(shuffled) is None
    bad = table.set_column(
        table.schema.get_field_index("time_start"),
        "time_start",
        pa.array(["not a time"] * len(table)),
    )
    assert csv_rows(bad) is None


@pytest.mark.parametrize("geoparquet", [False, True])
def test_flat_tables_are_the_frame_ways(geoparquet: bool) -> None:
    from geopandas.io.arrow import _geopandas_to_arrow

    table = _table()
    assert fast_path_fits(table)
    frame = _with_event_ids(table)
    if geoparquet:
        made = _geopandas_to_arrow(_geoparquet_frame(frame), index=False, write_covering_bbox=False)
        expected = made.cast(_typed_nulls(made.schema))
        schema_made = _geopandas_to_arrow(
            _geoparquet_frame(_with_event_ids(schema_rows(table))), index=False,
            write_covering_bbox=False,
        )  # fmt: skip
        schema = _typed_nulls(schema_made.schema)
    else:
        expected = _arrow_layer_table(_flat_frame(frame, "incidents", None))
        schema = _arrow_layer_table(
            _flat_frame(_with_event_ids(schema_rows(table)), "t", None)
        ).schema
    assert schema == expected.schema
    assert arrow_flat_table(table, schema, geoparquet=geoparquet).equals(expected.cast(schema))


def test_lists_with_missing_items_are_not_taken_by_the_fast_path() -> None:
    table = _table()
    actors = pa.array([["a", None]] * len(table), type=pa.list_(pa.string()))
    table = table.set_column(table.schema.get_field_index("actors"), "actors", actors)
    assert not fast_path_fits(table)


def test_point_wkb_is_shapelys() -> None:
    import shapely

    lon = pa.array([44.5, None, float("nan"), float("inf"), -0.0])
    lat = pa.array([33.25, 33.0, 33.0, 1.0, 0.0])
    wkb = point_wkb(lon, lat).to_pylist()
    for index, (x, y) in enumerate(zip(lon.to_pylist(), lat.to_pylist(), strict=True)):
        if x is None or math.isnan(x):
            assert wkb[index] is None
        else:
            assert wkb[index] == shapely.to_wkb(shapely.Point(x, y))


def test_distinct_texts_of_lists_tell_empty_missing_and_separator_apart() -> None:
    column = pa.array(
        [None, [], [""], ["", ""], ["a\x00b"], ["a", "b"], ["a", "b"], ["ab"]],
        type=pa.list_(pa.string()),
    )
    texts = distinct_texts(column, json.dumps, "null").to_pylist()
    assert texts == ["null" if v is None else json.dumps(v) for v in column.to_pylist()]


def test_csv_field_quotes_as_the_csv_module() -> None:
    for cell in [*HOSTILE, "a,b", '"', "plain", "x\n"]:
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerow([cell, "z"])
        assert f"{csv_field(cell)},z\n" == buffer.getvalue()


def test_strictly_increasing_ids() -> None:
    assert strictly_increasing(pa.array(["a", "b", "c"]))
    assert not strictly_increasing(pa.array(["a", "a"]))
    assert not strictly_increasing(pa.array(["b", "a"]))
    assert not strictly_increasing(pa.array(["a", None]))


@pytest.mark.parametrize(
    "series",
    [
        pd.Series(pd.Categorical(["x", None, 'q"uote', "x", "ç\n"])),
        pd.Series([0.0, -0.0, float("nan"), float("inf"), 1.5]),
        pd.array([1, None, 3, 1, 0], dtype="Int64"),
        pd.Series(["a", None, "", "a", "\x00"], dtype=object),
        pd.Series(pd.arrays.ArrowExtensionArray(pa.array(["a", None, "b", "a", "c"]))),
        pd.Series(
            pd.arrays.ArrowExtensionArray(
                pa.array([["a"], None, [], ["a"], ["b", "c"]], type=pa.list_(pa.string()))
            )
        ),
        pd.Series([["a"], None, [], ["a"], {"k": 1}], dtype=object),
    ],
)
def test_map_chunk_cells_are_the_row_by_row_ones(series: pd.Series) -> None:
    series = pd.Series(series)
    texts = page_columns._series_texts(series, page_columns._json_cell, "null").to_pylist()
    values = page_columns._json_values(series).tolist()
    expected = [page_columns._json(v) for v in values]
    assert texts == expected
    order = np.arange(len(series))
    frame = pd.DataFrame({"c": series})
    assert page_columns._popup_chunks(frame, ["c"], order, 2) == page_columns._chunks(
        frame, ["c"], order, 2
    )


def test_split_spaces_are_the_ones_str_split_takes() -> None:
    spaces = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert spaces == SPLIT_SPACES


def test_csv_strings_kept_as_they_are_are_the_ones_csv_string_keeps() -> None:
    edges = [f"{c}x" for c in "=+-@ \t\r'"] + ["x ", "a  b", "a b", "a,b", 'a"b', "-5", "+3"]
    spaced = [f"a{c}b" for c in SPLIT_SPACES] + [f"{c}a" for c in SPLIT_SPACES]
    values = [*HOSTILE, *edges, *spaced, "plain", "x", None, "ç é", "\x07", "a\x00b"]
    column = pa.array(values, type=pa.string())
    texts = distinct_texts(column, _csv_string, "", kept=_csv_strings_kept).to_pylist()
    assert texts == ["" if v is None else _csv_string(v) for v in values]
    assert all(
        _csv_string(v) == v
        for v, k in zip(values, _csv_strings_kept(column).to_pylist(), strict=True)
        if k
    )
    none_changed = pa.array(["a", "b", "a"])
    assert distinct_texts(none_changed, _csv_string, "", kept=_csv_strings_kept).to_pylist() == [
        "a",
        "b",
        "a",
    ]


def test_map_chunks_of_categories_over_several_groups_are_the_row_by_row_ones() -> None:
    values = ["x", None, 'q"uote', "x", "ç\n", None, "y", "x"]
    categories = ["unused", "y", "ç\n", 'q"uote', "x"]
    series = pd.Series(pd.Categorical(values, categories=categories))
    frame = pd.DataFrame({"c": series, "s": series.astype(object)})
    order = np.array([4, 0, 7, 2, 6, 1, 3, 5])
    for columns in (["c"], ["c", "s"]):
        chunks = page_columns._popup_chunks(frame, columns, order, 2, group=2)
        assert chunks == page_columns._chunks(frame, columns, order, 2)
    searched = page_columns._search_chunks(frame, ["c"], order, 2)
    assert searched == page_columns._search_chunks(
        frame[["s"]].rename(columns={"s": "c"}), ["c"], order, 2
    )


def test_map_integer_columns_are_pandas_own() -> None:
    for column in (
        pa.array([1, None, -3, 0], type=pa.int64()),
        pa.array([None, None], type=pa.null()),
        pa.array([], type=pa.int64()),
        pa.array([7, None], type=pa.int32()),
    ):
        made = _integer_values(column)
        expected = pd.array(column.to_pylist(), dtype="Int64")
        assert made.dtype == expected.dtype
        assert made.equals(expected)


def test_json_strings_kept_are_the_ones_encode_basestring_only_quotes() -> None:
    values = [*HOSTILE, None, "plain", '"', "\\", "\x7f", "\u2028", *map(chr, range(0x20))]
    column = pa.array(values, type=pa.string())
    texts = distinct_texts(
        column, encode_basestring, "null", kept=json_strings_kept, quote='"'
    ).to_pylist()
    assert texts == ["null" if v is None else encode_basestring(v) for v in values]
    kept = json_strings_kept(column).to_pylist()
    assert kept == [None if v is None else encode_basestring(v) == f'"{v}"' for v in values]
