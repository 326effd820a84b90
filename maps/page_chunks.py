"""The map page's text chunks: popup text and search text of a few rows at a time,
as column-oriented JSON or plain text, gzip-compressed and base64-encoded.

A chunk's cells are written once per distinct value of a column (a column of a million
incidents holds a few thousand) and joined in Arrow a group of chunks at a time; the
chunks are compressed on worker threads (zlib lets go of the GIL). The page decodes a
chunk with the browser's ``DecompressionStream`` only when one of its rows is opened,
searched or exported (see :mod:`maps.columns`, which lays out the tables' columns).
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from maps.arrow_text import distinct_texts

#: The text columns the page's search box looks in (beside place names and sources).
#: Each text chunk's values of these go into a chunk of their own, so a search decodes
#: only the text it searches (a fifth to a half of the popup text), never the rest.
SEARCH_COLUMNS = ("evidence", "place_name", "title", "casualty_text", "claimed_by")
#: A search chunk is plain text, not JSON: its columns' values, column after column,
#: each ended by NUL, a missing value written as SOH. The page searches the chunk as one
#: lowered text (no parsing), and splits it for a popup. A value's own NUL or SOH (never
#: meaningful in report text) is sent as U+FFFD.
SEARCH_SEPARATOR = "\x00"
SEARCH_MISSING = "\x01"

_GZIP_LEVEL = 6


def gzip_b64(data: str | bytes) -> str:
    """Text or bytes gzip-compressed (no timestamp: the page is deterministic), as base64."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return base64.b64encode(gzip.compress(raw, compresslevel=_GZIP_LEVEL, mtime=0)).decode("ascii")


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_values(column: pd.Series) -> np.ndarray:
    """A column as an object array with every missing value ``None`` (for JSON)."""
    values = column.to_numpy(dtype=object, copy=True)
    missing = pd.isna(column).to_numpy()
    if missing.dtype == bool and missing.ndim == 1:
        values[missing] = None
    return values


def _search_text(column: pd.Series) -> np.ndarray:
    """A searched column's values as the text a search chunk holds (see
    :data:`SEARCH_SEPARATOR`): missing ones as SOH, NUL and SOH in values as U+FFFD."""
    missing = pd.isna(column).to_numpy()
    text = column.astype(object).where(~missing, "").astype(str)
    for mark in (SEARCH_SEPARATOR, SEARCH_MISSING):
        text = text.str.replace(mark, "\ufffd", regex=False)
    values = text.to_numpy(dtype=object)
    values[missing] = SEARCH_MISSING
    return values


def _search_chunks(
    frame: pd.DataFrame, columns: list[str], order: np.ndarray, rows: int
) -> list[str]:
    """The search chunks of ``rows`` rows at a time, compressed on worker threads (as
    :func:`_chunks`): each column's values as :func:`_search_text` writes them, each
    distinct value once, joined in Arrow a group of chunks at a time."""
    if not columns:
        return []

    texts_of = [_rows_texts(frame[name], _search_value, SEARCH_MISSING) for name in columns]

    def bodies(taken: np.ndarray, offsets: pa.Array) -> list[str]:
        parts = []
        for rows_texts in texts_of:
            texts = rows_texts(taken)
            parts.append(pc.binary_join(pa.ListArray.from_arrays(offsets, texts), SEARCH_SEPARATOR))
        parts.append(pa.scalar("", pa.string()))  # the separator after the last column
        return pc.binary_join_element_wise(*parts, SEARCH_SEPARATOR).to_pylist()

    return _compressed_groups(bodies, order, rows)


def _search_value(value: Any) -> str:
    """A present value as a search chunk holds it (see :func:`_search_text`)."""
    text = str(value)
    for mark in (SEARCH_SEPARATOR, SEARCH_MISSING):
        text = text.replace(mark, "\ufffd")
    return text


#: ``json.dumps`` with the chunks' options, made once (dumps builds an encoder per call).
_CHUNK_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_cell(value: Any) -> str:
    """A present value as JSON, as :func:`_json` writes it inside a chunk."""
    return encode_basestring(value) if type(value) is str else _CHUNK_JSON.encode(value)


def _series_texts(series: pd.Series, text: Callable[[Any], str], missing: str) -> pa.Array:
    """``text(value)`` of each cell of ``series`` (``missing`` where it is missing, as
    ``pd.isna`` tells), as an Arrow string array, each distinct value converted once."""
    values: Any = series.array
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories.to_numpy(dtype=object)
        codes = series.cat.codes.to_numpy()
        distinct = [text(value) for value in categories]
    elif isinstance(series.dtype, pd.ArrowDtype) and pa.types.is_list(series.dtype.pyarrow_dtype):
        column = pa.chunked_array(values.__arrow_array__())
        return distinct_texts(column, text, missing)
    else:
        if series.dtype.kind == "f":  # by bits: 0.0 and -0.0 are written apart
            numbers = series.to_numpy()
            codes, uniques = pd.factorize(numbers.view(np.int64))
            codes = np.where(np.isnan(numbers), -1, codes)
            firsts = uniques.view(np.float64)
        else:
            try:
                codes, firsts = pd.factorize(values, use_na_sentinel=True)
            except TypeError:  # unhashable cells (lists): one at a time
                missing_cells = pd.isna(series).to_numpy()
                cells = series.to_numpy(dtype=object)
                texts = [
                    missing if m else text(v) for v, m in zip(cells, missing_cells, strict=True)
                ]
                return pa.array(texts, type=pa.string())
        distinct = [text(value) for value in np.asarray(firsts, dtype=object)]
    dictionary = pa.array([*distinct, missing], type=pa.string())
    return dictionary.take(pa.array(np.where(codes < 0, len(distinct), codes), type=pa.int64()))


def _rows_texts(
    series: pd.Series, text: Callable[[Any], str], missing: str
) -> Callable[[np.ndarray], pa.Array]:
    """:func:`_series_texts` of the rows ``taken`` of ``series``, as a function of them.
    A column of categories has each category written once for every group of chunks
    (then each group takes its rows' codes); another column is converted a group at a
    time."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return lambda taken: _series_texts(series.iloc[taken], text, missing)
    categories = series.cat.categories.to_numpy(dtype=object)
    dictionary = pa.array([*(text(value) for value in categories), missing], type=pa.string())
    codes = series.cat.codes.to_numpy()
    codes = np.where(codes < 0, len(categories), codes).astype(np.int64)
    return lambda taken: dictionary.take(pa.array(codes[taken]))


#: Chunks made at a time by :func:`_compressed_groups` (their text in Arrow at once).
_GROUP_CHUNKS = 32


def _compressed_groups(
    bodies: Callable[[np.ndarray, pa.Array], list[str]],
    order: np.ndarray,
    rows: int,
    *,
    group: int = _GROUP_CHUNKS,
) -> list[str]:
    """The chunks of ``rows`` rows of ``order``, made ``group`` at a time by
    ``bodies(rows of the group, offsets of its chunks)`` and compressed as
    :func:`_compressed` does."""

    def texts() -> Iterator[str]:
        step = rows * group
        for start in range(0, len(order), step):
            taken = order[start : start + step]
            offsets = pa.array([*range(0, len(taken), rows), len(taken)], type=pa.int32())
            yield from bodies(taken, offsets)

    return _compressed_texts(texts())


def _chunks(frame: pd.DataFrame, columns: list[str], order: np.ndarray, rows: int) -> list[str]:
    """Column-oriented JSON of ``rows`` rows at a time, compressed (one loop per chunk).

    zlib lets go of the GIL, so the chunks are compressed on worker threads while the
    next ones are written as JSON: at a million rows this halves the time on 2 cores.
    """
    # Each chunk's rows are taken from the columns as it is written: a million rows
    # never become a million Python objects per column at once.
    series = [frame[name] for name in columns]

    def body(taken: np.ndarray) -> str:
        return _json(
            {
                name: _json_values(column.iloc[taken]).tolist()
                for name, column in zip(columns, series, strict=True)
            }
        )

    return _compressed(body, order, rows)


def _popup_chunks(
    frame: pd.DataFrame,
    columns: list[str],
    order: np.ndarray,
    rows: int,
    *,
    group: int = _GROUP_CHUNKS,
) -> list[str]:
    """:func:`_chunks` in Arrow: each column's cells written as JSON once per distinct
    value (:func:`_series_texts`), joined into each chunk's arrays and the chunks'
    objects ``group`` chunks at a time. The same text."""
    if not columns:
        return _chunks(frame, columns, order, rows)

    texts_of = [_rows_texts(frame[name], _json_cell, "null") for name in columns]

    def bodies(taken: np.ndarray, offsets: pa.Array) -> list[str]:
        parts: list[Any] = []
        for index, name in enumerate(columns):
            texts = texts_of[index](taken)
            parts.append(("{" if index == 0 else "],") + _json(name) + ":[")
            parts.append(pc.binary_join(pa.ListArray.from_arrays(offsets, texts), ","))
        parts.append("]}")
        return pc.binary_join_element_wise(*parts, "").to_pylist()

    return _compressed_groups(bodies, order, rows, group=group)


def _compressed(body: Callable[[np.ndarray], str], order: np.ndarray, rows: int) -> list[str]:
    """``body`` of each ``rows`` rows of ``order`` in turn, compressed on worker threads
    (zlib lets go of the GIL) with a bounded backlog of text waiting for them."""
    return _compressed_texts(
        body(order[start : start + rows]) for start in range(0, len(order), rows)
    )


def _compressed_texts(texts: Iterable[str]) -> list[str]:
    """Each of ``texts`` compressed (:func:`gzip_b64`) on worker threads, with a bounded
    backlog of text waiting for them."""
    workers = max(1, min(4, os.cpu_count() or 1))
    chunks: list[str] = []
    pending: deque[Future[str]] = deque()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for text in texts:
            pending.append(pool.submit(gzip_b64, text))
            while len(pending) > 2 * workers:
                chunks.append(pending.popleft().result())
        chunks.extend(future.result() for future in pending)
    return chunks
