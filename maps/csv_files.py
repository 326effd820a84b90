"""The CSV file of our own incidents, ``incidents.csv``, and the cell rules every CSV shares.

Cells are made safe for spreadsheets (:func:`neutralise_formula`) and written on one
line; ``acled.csv``, the events in ACLED's own format, is :mod:`maps.acled_csv`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from geopandas import GeoDataFrame

from geo.errors import OutputError
from maps.files import file_written_atomically
from maps.tables import (
    column_values,
    decimal_text,
    is_missing,
    json_text,
    normalised_incidents,
    strings_key,
)

# ------------------------------------------------------------------------------ CSV


def neutralise_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would really evaluate as a formula.

    Excel, LibreOffice and Google Sheets evaluate a cell that starts with ``=``; one
    that starts with ``+`` or ``-`` unless it is just a number; one that starts with
    ``@`` when a formula follows (a function call, a reference, an operator), and
    OWASP adds a leading tab or carriage return. An account name such as
    ``@handle`` (or ``@handle said``) is not a formula and stays as written, and so
    do ``-5`` and ``+3``, which a spreadsheet reads as the numbers they are.
    """
    if not text:
        return text
    first = text[0]
    if first in "=\t\r":
        return "'" + text
    if first in "+-":
        return text if _PLAIN_NUMBER.fullmatch(text) else "'" + text
    if first == "@":
        return "'" + text if _FORMULA_AFTER_AT.search(text[1:]) else text
    return text


#: ``+3``, ``-1.5``, ``-10%``: numbers a spreadsheet shows as such.
_PLAIN_NUMBER = re.compile(r"[+-]\d+(?:[.,]\d+)*%?")
#: What turns ``@...`` into a formula: a call, a range or sheet reference, an operator.
_FORMULA_AFTER_AT = re.compile(
    r"^\s*[A-Za-z_][\w.]*\s*\(|^\s*[A-Za-z]{1,3}\$?\d+\b|^\s*[-+=(]|[|!]"
)


def csv_text(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Rows under a header as CSV text (minimal quoting, ``\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


#: Columns of ``incidents.csv``: our incident fields under our own names. Where ours
#: would share a name with an ACLED column of another meaning, the CSV renames it:
#: ``event_type`` -> ``incident_type`` (ours: clash, tear_gas, ...),
#: ``time_precision`` -> ``time_granularity`` (words, not ACLED's 1-3) and
#: ``geo_precision`` -> ``place_precision`` (words, not ACLED's 1-3).
INCIDENT_CSV_COLUMNS = (
    "incident_id",
    "event_id",
    "incident_type",
    "acled_event_type",
    "sub_event_type",
    "status",
    "actors_json",
    "date",
    "time_start",
    "time_end",
    "time_granularity",
    "place_id",
    "place_name",
    "place_precision",
    "uncertainty_m",
    "resolved_by",
    "place_basis",
    "lat",
    "lon",
    "source",
    "source_type",
    "via",
    "report",
    "title",
    "url",
    "evidence",
    "evidence_start",
    "evidence_end",
    "killed",
    "injured",
    "casualty_text",
    "claimed_by",
    "claim_status",
    "scope",
    "weapon",
    "target",
)
_CSV_RENAMED = {
    "incident_type": "event_type",
    "time_granularity": "time_precision",
    "place_precision": "geo_precision",
}
#: Columns an incident table must have for :func:`incidents_csv` (the rest may be absent).
INCIDENT_CSV_REQUIRED = ("incident_id", "event_type", "date", "time_start", "source")


def incidents_csv(incidents: GeoDataFrame) -> str:
    """``incidents.csv``: one row per incident, every field, under our own names.

    Columns :data:`INCIDENT_CSV_COLUMNS`, rows sorted by ``incident_id``; columns the
    table does not have (``status``, ``weapon`` ... from newer extractors, ``event_id``
    before grouping) are left blank. Lists are JSON text (``actors_json``), times ISO
    8601 with their offset, evidence verbatim with line breaks collapsed; text a
    spreadsheet would evaluate is defused (:func:`neutralise_formula`). ACLED's own
    format, one row per event, is :func:`acled_events_csv`.

    Raises
    ------
    OutputError
        If a required column is missing or a time cannot be read.
    """
    return csv_text(incident_csv_rows(incidents), INCIDENT_CSV_COLUMNS)


def incident_csv_rows(incidents: GeoDataFrame) -> list[list[str]]:
    """The rows of :func:`incidents_csv` (without the header), sorted by ``incident_id``."""
    missing = [c for c in INCIDENT_CSV_REQUIRED if c not in incidents.columns]
    if missing:
        msg = f"cannot write the CSV: the incident table lacks {', '.join(missing)}"
        raise OutputError(msg)
    frame = normalised_incidents(incidents)
    ids = [str(i) for i in frame["incident_id"]]
    cells: dict[str, list[str]] = {}
    for column in INCIDENT_CSV_COLUMNS:
        source = _CSV_RENAMED.get(column, column)
        if column == "actors_json":
            source = "actors"
        if source not in frame.columns:
            cells[column] = [""] * len(frame)
            continue
        values = column_values(frame[source])
        if column == "actors_json":
            cells[column] = _json_cells(values, "actors", ids)
        elif column in ("lat", "lon"):
            cells[column] = [decimal_text(None if is_missing(v) else v) for v in values]
        else:
            cells[column] = _plain_cells(values)
    order = sorted(range(len(frame)), key=ids.__getitem__)
    ordered = [[cells[column][index] for index in order] for column in INCIDENT_CSV_COLUMNS]
    return [list(row) for row in zip(*ordered, strict=True)]


def write_incidents_csv_batches(frames: Iterable[GeoDataFrame], path: str | Path) -> None:
    """:func:`incidents_csv` of the concatenated ``frames``, written to ``path``
    (atomically) a batch at a time: the same bytes, without the whole text in memory.
    The frames must come in ``incident_id`` order, as the spill's id-sorted file
    gives them.

    Raises
    ------
    OutputError
        If the batches are out of id order, or as :func:`incidents_csv`.
    """
    path = Path(path)
    with (
        file_written_atomically(path, what="CSV file") as temporary,
        temporary.open("w", encoding="utf-8", newline="") as handle,
    ):
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(INCIDENT_CSV_COLUMNS)
        last: str | None = None
        for frame in frames:
            rows = incident_csv_rows(frame)
            if rows and last is not None and rows[0][0] <= last:
                msg = f"cannot write the CSV: incident {rows[0][0]!r} comes twice or out of order"
                raise OutputError(msg, path=path)
            writer.writerows(rows)
            if rows:
                last = rows[-1][0]


def acled_csv(incidents: GeoDataFrame) -> str:
    """The per-incident CSV under its former name: the same as :func:`incidents_csv`.

    Kept so callers of the old name go on writing ``incidents.csv``; the file in
    ACLED's own format is :func:`acled_events_csv`.
    """
    return incidents_csv(incidents)


def _plain_cells(values: Sequence[Any]) -> list[str]:
    """:func:`_plain_cell` of each value, each distinct value worked out once (a
    column of a million incidents holds a few hundred sources, types, places)."""
    memo: dict[tuple[type, Any], str] = {}
    cells: list[str] = []
    for value in values:
        try:
            key = (value.__class__, value)
            cell = memo.get(key)
        except TypeError:  # a list: not hashable, rare
            cells.append(_plain_cell(value))
            continue
        if cell is None:
            cell = memo[key] = _plain_cell(value)
        cells.append(cell)
    return cells


def _plain_cell(value: Any) -> str:
    """A value as CSV text: numbers as written, text on one line and defused."""
    if is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return "" if not math.isfinite(number) else repr(round(number, 3)).removesuffix(".0")
    if isinstance(value, (list, tuple, np.ndarray, Mapping)):
        return neutralise_formula(json_text(value, "", "") or "")
    return neutralise_formula(" ".join(str(value).split()))


def _json_cells(values: Sequence[Any], column: str, row_ids: Sequence[str]) -> list[str]:
    """:func:`_json_cell` of each value, each distinct text or list of texts worked out
    once (a text is the list of itself)."""
    memo: dict[tuple[str, ...], str] = {}
    cells: list[str] = []
    for value, row_id in zip(values, row_ids, strict=True):
        key = (value,) if type(value) is str else strings_key(value)
        if key is None:
            cells.append(_json_cell(value, column, row_id))
            continue
        if key not in memo:
            memo[key] = _json_cell(value, column, row_id)
        cells.append(memo[key])
    return cells


def _json_cell(value: Any, column: str, row_id: str) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, str):
        value = [value]
    return neutralise_formula(json_text(value, column, row_id) or "")
