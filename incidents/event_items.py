"""The records events are grouped from: a build's incidents read a column at a time.

:class:`IncidentColumns` holds the columns the grouping reads as ``int32`` codes into
each column's distinct values (4 bytes a cell, no Python object per row), and
:func:`read_items` turns them into :class:`Item` records, a slice of rows at a time:
times as UTC seconds, days as local ordinals, coordinates projected once, in one
vectorised call, to the pack's metric CRS, in metres. :mod:`incidents.grouping`
clusters the items into events.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gazetteer.normalize import normalize_name
from geo.errors import IncidentMapperError
from incidents.event_places import GroupPlace, PlaceRelations, base_id, to_metric
from incidents.event_rules import EventRules
from incidents.timeref import local_zone

#: Time precisions, finest first.
PRECISIONS = ("hour", "part_of_day", "day", "month", "unknown")
SUB_DAY = frozenset({"hour", "part_of_day"})


@dataclass(slots=True)
class Item:
    """One incident row, read for grouping; ``position`` indexes the source columns."""

    position: int
    incident_id: str
    event_type: str
    group: str
    day: int | None
    """Local day as a proleptic ordinal (:meth:`datetime.date.toordinal`)."""
    start: float | None
    end: float | None
    """Window in UTC seconds; a dated incident without a time has its whole local day."""
    precision: str
    own_place: GroupPlace | None
    place: GroupPlace | None
    """The place used for grouping (widened when it only comes from the report's subject)."""
    elsewhere: bool
    place_label: str | None
    report: str
    evidence_start: int
    order: tuple[Any, ...] = field(init=False)
    """(report, evidence_start, event_type, incident_id): the order members are listed in."""
    has_window: bool = field(init=False)
    """Whether it has a time window (``start`` and ``end``)."""
    sub_day: bool = field(init=False)
    """Whether its time is finer than a day (precision ``hour`` or ``part_of_day``)."""

    def __post_init__(self) -> None:
        self.order = (self.report, self.evidence_start, self.event_type, self.incident_id)
        self.has_window = self.start is not None and self.end is not None
        self.sub_day = self.precision in SUB_DAY

    @property
    def date(self) -> dt.date | None:
        return None if self.day is None else dt.date.fromordinal(self.day)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value  # NaN


def column_values(frame: pd.DataFrame, column: str) -> list[Any]:
    """A column as a list of plain Python values, None for every kind of missing."""
    series = frame[column]
    values = series.tolist()
    for index in np.flatnonzero(series.isna().to_numpy()).tolist():
        values[index] = None
    return values


class IncidentColumns:
    """The incident columns grouping reads, compact: per column, ``int32`` codes (one
    per row, 4 bytes) into the list of its distinct values, with None last (code -1)
    for every kind of missing value.

    A million incidents are a few hundred thousand distinct values (ids, times,
    sentences) instead of a Python object per cell; a row is a position.
    """

    __slots__ = ("_codes", "_values", "size")

    def __init__(self, codes: dict[str, np.ndarray], values: dict[str, list[Any]], size: int):
        self._codes = codes
        self._values = values
        self.size = size

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, names: Sequence[str]) -> IncidentColumns:
        """The columns ``names`` of a DataFrame (those it has)."""
        codes: dict[str, np.ndarray] = {}
        values: dict[str, list[Any]] = {}
        for name in names:
            if name not in frame.columns:
                continue
            found, uniques = pd.factorize(frame[name], use_na_sentinel=True)
            codes[name] = np.asarray(found, dtype=np.int32)
            values[name] = [None if _missing(v) else v for v in uniques.tolist()] + [None]
        return cls(codes, values, len(frame))

    @classmethod
    def from_table(cls, table: pa.Table, names: Sequence[str]) -> IncidentColumns:
        """The columns ``names`` of an Arrow table (those it has), NaN as missing."""
        codes: dict[str, np.ndarray] = {}
        values: dict[str, list[Any]] = {}
        for name in names:
            if name not in table.column_names:
                continue
            column = table.column(name)
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
            if pa.types.is_floating(column.type):
                column = pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)
            encoded = pc.dictionary_encode(column)
            codes[name] = encoded.indices.fill_null(-1).to_numpy().astype(np.int32)
            values[name] = [*encoded.dictionary.to_pylist(), None]
            del column, encoded
        return cls(codes, values, len(table))

    @classmethod
    def from_parquet(
        cls, path: str | Path, names: Sequence[str], rows: np.ndarray | None = None
    ) -> IncidentColumns:
        """The columns ``names`` of a Parquet file (those it has), read one at a time, so
        only the codes and one column are ever in memory; only the rows ``rows``
        (ascending row numbers) when given, which are then rows 0, 1, ... of the result."""
        file = pq.ParquetFile(path)
        taken = None if rows is None else pa.array(rows, type=pa.int64())
        parts: list[IncidentColumns] = []
        for name in names:
            if name in file.schema_arrow.names:
                table = file.read(columns=[name], use_threads=False)
                if taken is not None:
                    table = table.take(taken)
                parts.append(cls.from_table(table, [name]))
                del table
        codes = {k: v for part in parts for k, v in part._codes.items()}
        values = {k: v for part in parts for k, v in part._values.items()}
        size = file.metadata.num_rows if rows is None else len(rows)
        return cls(codes, values, size)

    def __contains__(self, name: object) -> bool:
        return name in self._codes

    def __len__(self) -> int:
        return self.size

    def distinct(self, name: str) -> list[Any]:
        """The column's distinct values (None last); :meth:`codes` index into it."""
        return self._values[name]

    def codes(self, name: str) -> np.ndarray:
        return self._codes[name]

    def get(self, name: str, position: int) -> Any:
        """The value of column ``name`` at row ``position`` (None when missing or absent)."""
        values = self._values.get(name)
        return None if values is None else values[self._codes[name][position]]

    def first_row(self, name: str, value_index: int) -> int:
        """The first row whose column ``name`` is its ``value_index``-th distinct value."""
        return int(np.flatnonzero(self._codes[name] == value_index)[0])


@cache
def day_start_seconds(day: int, timezone: str) -> float:
    zone = local_zone(timezone)
    start = dt.datetime.combine(dt.date.fromordinal(day), dt.time(0), tzinfo=zone)
    return start.timestamp()


def day_bounds(day: dt.date, *, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """The local day as a window, midnight to midnight, in the pack's ``timezone``."""
    zone = local_zone(timezone)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


_OFFSET = r"(?:[Zz]|[+-]\d\d(?::?\d\d)?)$"


def utc_seconds(columns: IncidentColumns, column: str, timezone: str) -> list[float | None]:
    """The distinct ISO 8601 times of ``column`` as UTC seconds (None last, for missing);
    a time without an offset is local time in the pack's ``timezone``, at that moment's
    offset (daylight saving included)."""
    values = columns.distinct(column)
    series = pd.Series([None if v is None else str(v) for v in values], dtype=object)
    present = series.notna()
    if not present.any():
        return [None] * len(values)
    text = series[present].str.strip()
    naive = ~text.str.contains(_OFFSET, regex=True)
    if naive.any():
        zone = local_zone(timezone)
        for position in np.flatnonzero(naive.to_numpy()):
            index = text.index[position]
            try:
                local = dt.datetime.fromisoformat(str(series[index]).strip())
            except ValueError:
                text[index] = "not a time"  # reported below, naming the value
                continue
            text[index] = local.replace(tzinfo=zone).isoformat()
    parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    bad = parsed.isna()
    if bad.any():
        # Distinct values are in the order they first appear: the first row wins.
        index = int(bad[bad].index[0])
        incident_id = columns.get("incident_id", columns.first_row(column, index))
        msg = f"incident {incident_id}: {column} {series[index]!r} is not an ISO 8601 time"
        raise IncidentMapperError(msg)
    nanoseconds = parsed.to_numpy(dtype="datetime64[ns]").astype("int64")
    out: list[float | None] = [None] * len(values)
    for index, value in zip(text.index.tolist(), (nanoseconds / 1e9).tolist(), strict=True):
        out[index] = value
    return out


def day_ordinals(columns: IncidentColumns) -> list[int | None]:
    """The distinct dates of the ``date`` column as proleptic ordinals (None last)."""
    out: list[int | None] = []
    for index, value in enumerate(columns.distinct("date")):
        if value is None:
            out.append(None)
            continue
        try:
            if isinstance(value, dt.datetime):
                day = value.date().toordinal()
            elif isinstance(value, dt.date):
                day = value.toordinal()
            else:
                day = dt.date.fromisoformat(str(value)).toordinal()
        except ValueError as exc:
            incident_id = columns.get("incident_id", columns.first_row("date", index))
            msg = f"incident {incident_id}: date {value!r} is not YYYY-MM-DD"
            raise IncidentMapperError(msg) from exc
        out.append(day)
    return out


#: Rows read into items at a time (the Python lists of codes are this long).
READ_ROWS = 65_536


def read_items(
    columns: IncidentColumns,
    relations: PlaceRelations,
    rules: EventRules,
    rows: np.ndarray | None = None,
) -> list[Item]:
    """Grouping records for the rows ``rows`` (all, by default) of the incident columns.

    Distinct values are converted once (times parsed, days, type groups, place labels),
    and places are made once per distinct place, so items share them.
    """
    pack = relations.gazetteer.pack
    if rows is None:
        rows = np.arange(len(columns), dtype=np.int64)
    days = day_ordinals(columns)
    starts = utc_seconds(columns, "time_start", pack.timezone)
    ends = utc_seconds(columns, "time_end", pack.timezone)
    ids = columns.distinct("incident_id")
    if not all(type(v) is str for v in itertools.islice(ids, len(ids) - 1)):
        ids = [None if v is None else str(v) for v in ids]
    event_types = [str(v) for v in columns.distinct("event_type")]
    groups = [rules.group_of(v) for v in event_types]
    reports = [str(v or "") for v in columns.distinct("report")]
    evidence_starts = [int(v or 0) for v in columns.distinct("evidence_start")]
    time_precisions = [v or "unknown" for v in columns.distinct("time_precision")]
    place_ids = [None if v is None else str(v) for v in columns.distinct("place_id")]
    place_names = columns.distinct("place_name")
    uncertainties = [float(v or 0.0) for v in columns.distinct("uncertainty_m")]
    precisions = columns.distinct("geo_precision")
    bases = [str(v or "") for v in columns.distinct("place_basis")]
    lats = [np.nan if v is None else float(v) for v in columns.distinct("lat")]
    lons = [np.nan if v is None else float(v) for v in columns.distinct("lon")]
    labels: list[str | bool | None] = [False] * len(place_names)
    context_bases, elsewhere_bases = rules.context_place_bases, rules.elsewhere_place_bases
    context = [b in context_bases for b in bases]
    elsewhere = [b in elsewhere_bases for b in bases]
    metric = to_metric(pack.metric_crs)
    places: dict[tuple[int, ...], tuple[GroupPlace, GroupPlace]] = {}
    isfinite = math.isfinite
    names = (
        "incident_id", "date", "time_start", "time_end", "event_type", "report",
        "evidence_start", "time_precision", "place_id", "place_name", "uncertainty_m",
        "geo_precision", "place_basis", "lat", "lon",
    )  # fmt: skip
    items = []
    for first in range(0, len(rows), READ_ROWS):
        part = rows[first : first + READ_ROWS]
        codes = [columns.codes(name)[part].tolist() for name in names]
        for position, i, d, s, e, t, r, ev, tp, pid, pn, u, gp, b, la, lo in zip(
            part.tolist(), *codes, strict=True
        ):
            day = days[d]
            start, end = starts[s], ends[e]
            if start is None or end is None:
                if day is not None:
                    start = day_start_seconds(day, pack.timezone)
                    end = day_start_seconds(day + 1, pack.timezone)
                else:
                    start = end = None
            own_place = place = None
            place_id = place_ids[pid]
            if place_id is not None and isfinite(lats[la]) and isfinite(lons[lo]):
                key = (pid, la, lo, u, pn, gp, b)
                found = places.get(key)
                if found is None:
                    x, y = metric.transform(np.array([lons[lo]]), np.array([lats[la]]))
                    own = GroupPlace(
                        place_id=place_id,
                        base=base_id(place_id),
                        lat=lats[la],
                        lon=lons[lo],
                        x=float(np.asarray(x)[0]),
                        y=float(np.asarray(y)[0]),
                        uncertainty_m=uncertainties[u],
                        name=place_names[pn],
                        precision=precisions[gp],
                    )
                    used = own
                    if context[b] or not relations.is_located(own.base):
                        used = relations.area_of(own, rules.area_kinds)
                    found = places[key] = (own, used)
                own_place, place = found
            label = None
            if own_place is None and place_names[pn] is not None:
                label = labels[pn]
                if label is False:
                    label = labels[pn] = normalize_name(str(place_names[pn])) or None
            items.append(
                Item(
                    position=position,
                    incident_id=ids[i],  # type: ignore[arg-type]
                    event_type=event_types[t],
                    group=groups[t],
                    day=day,
                    start=start,
                    end=end,
                    precision=time_precisions[tp],
                    own_place=own_place,
                    place=place,
                    elsewhere=own_place is None and elsewhere[b],
                    place_label=label,  # type: ignore[arg-type]
                    report=reports[r],
                    evidence_start=evidence_starts[ev],
                )
            )
    return items
