"""Text files made from Arrow columns: each distinct value written once, rows joined in Arrow.

The per-incident files (``incidents.geojson``, ``incidents.csv``) are a line per
incident, each line the same few dozen cells. A column of a million incidents holds
a few hundred sources, types, places and times, so each distinct value of a column
is written as text once, in Python, by the very function the row-by-row writers
use (:func:`distinct_texts`); Arrow then takes each row's text from those, joins a
row's cells into its line (``binary_join_element_wise``) and the lines into the
bytes of the file, which are written straight from Arrow's buffer. No Python
object, dict or list per incident is made, and the bytes are those of the writers
in :mod:`maps.export` and :mod:`maps.csv_files` (the suite compares them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: A list's cells are keyed by their items joined with this (a list whose items hold it
#: is converted row by row instead, see :func:`distinct_texts`).
_ITEM_SEPARATOR = "\x00"


def distinct_texts(
    column: pa.Array | pa.ChunkedArray,
    text: Callable[[Any], str],
    missing: str,
    *,
    kept: Callable[[pa.Array], pa.Array] | None = None,
    quote: str = "",
) -> pa.Array:
    """``text(value)`` of every cell of ``column`` (``missing`` for a null), as a string
    array, ``text`` called once per distinct value.

    A list column is keyed by its items' text; ``text`` is then given each distinct
    list as a Python list. ``kept``, given the distinct values (a string array), tells
    in Arrow which of them ``text`` leaves as they are but for ``quote`` before and
    after (a boolean array): ``text`` is called only for the others (an id column's
    values are all distinct, and nearly all kept).
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if len(column) == 0:
        return pa.array([], type=pa.string())
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return _distinct_list_texts(column, text, missing)
    encoded = pc.dictionary_encode(column)
    distinct = encoded.dictionary
    if kept is None:
        values = pa.array([text(value) for value in distinct.to_pylist()], type=pa.string())
    else:
        same = pc.fill_null(kept(distinct), False)
        changed = pc.invert(same)
        converted = [text(value) for value in distinct.filter(changed).to_pylist()]
        values = distinct.cast(pa.string())
        if quote:
            values = pc.binary_join_element_wise(quote, values, quote, "")
        values = pc.replace_with_mask(values, changed, pa.array(converted, type=pa.string()))
    dictionary = pa.concat_arrays([values, pa.array([missing], type=pa.string())])
    return dictionary.take(pc.fill_null(encoded.indices, len(values)))


#: A text :func:`json.encoder.encode_basestring` escapes (RE2): a quote, a backslash
#: or a control character; it writes any other between quotes as it is.
_JSON_ESCAPED = r'["\\\x00-\x1f]'


def json_strings_kept(values: pa.Array) -> pa.Array:
    """Which of ``values`` (text) ``encode_basestring`` writes as they are, quoted."""
    return pc.invert(pc.match_substring_regex(values, _JSON_ESCAPED))


def _distinct_list_texts(column: pa.Array, text: Callable[[Any], str], missing: str) -> pa.Array:
    coded = list_codes(column)
    if coded is None:
        values = [missing if v is None else text(v) for v in column.to_pylist()]
        return pa.array(values, type=pa.string())
    codes, distinct = coded
    dictionary = pa.array([*(text(v) for v in distinct[:-1]), missing], type=pa.string())
    return dictionary.take(pa.array(codes))


def list_codes(column: pa.Array) -> tuple[np.ndarray, list[Any]] | None:
    """A list-of-text column as codes (``int32``) into its distinct lists (Python lists,
    in order of first appearance, then None for a missing list), or None when an item
    is missing or holds the key's separator (the caller converts those row by row).

    Lists are keyed by their length and their items joined (an empty list is not a
    list of one empty text), and each distinct key's first list is made once."""
    column = column.cast(pa.list_(pa.string()))
    items = pc.list_flatten(column)
    if items.null_count or pc.any(pc.match_substring(items, _ITEM_SEPARATOR)).as_py():
        return None
    joined = pc.binary_join(column, _ITEM_SEPARATOR)
    lengths = pc.cast(pc.list_value_length(column), pa.string())
    key = pc.binary_join_element_wise(lengths, pc.fill_null(joined, ""), _ITEM_SEPARATOR)
    encoded = pc.dictionary_encode(key)  # a missing list: a missing key
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    distinct, first = np.unique(codes, return_index=True)
    first = first[distinct >= 0]  # each key's first row, in the dictionary's order
    values = column.take(pa.array(first)).to_pylist()
    codes = np.where(codes < 0, len(values), codes).astype(np.int32)
    return codes, [*values, None]


def joined_rows(cells: Sequence[pa.Array | str], separator: str = "") -> pa.Array:
    """Each row's ``cells`` (string arrays, or one text for every row) joined."""
    return pc.binary_join_element_wise(*cells, separator)


def rows_bytes(rows: pa.Array, separator: str = "") -> bytes:
    """The UTF-8 bytes of ``rows`` (a string array without nulls), ``separator`` between
    them, taken from Arrow's buffer: no Python string per row."""
    if len(rows) == 0:
        return b""
    if separator:
        rows = pc.binary_join_element_wise(rows, separator, "")
    rows = rows.cast(pa.string())
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[
        rows.offset : rows.offset + len(rows) + 1
    ]
    data = rows.buffers()[2]
    start, end = int(offsets[0]), int(offsets[-1]) - len(separator.encode("utf-8"))
    return data.slice(start, end - start).to_pybytes() if data is not None else b""


def strictly_increasing(ids: pa.Array) -> bool:
    """Whether ``ids`` (text) are present and each after the one before (UTF-8 order,
    which is Python's order of code points)."""
    if ids.null_count:
        return False
    if len(ids) < 2:
        return True
    return bool(pc.all(pc.greater(ids.slice(1), ids.slice(0, len(ids) - 1))).as_py())


#: Characters that make Python's CSV writer (``QUOTE_MINIMAL``, ``\\n`` line ends) quote
#: a field; a field with none of them is written as it is.
_CSV_SPECIAL = frozenset(',"\r\n')


def csv_field(cell: str) -> str:
    """``cell`` as Python's ``csv.writer`` (``QUOTE_MINIMAL``, ``\\n``) writes it in a
    row of several fields: as it is, or quoted by the writer itself."""
    if not cell or _CSV_SPECIAL.isdisjoint(cell):
        return cell
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerow([cell, ""])
    return buffer.getvalue()[: -len(",\n")]
