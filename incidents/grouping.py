"""Which incidents are one event: the indexed clustering behind ``group_events``.

The rules are described in :mod:`incidents.events` and set in ``event_rules.json``;
this module applies them without comparing all pairs, so a million incidents group
in well under a minute on one core:

- incidents are read column by column into compact records (times as UTC seconds,
  days as ordinals, coordinates projected once, in one vectorised call, to the
  pack's metric CRS, in metres);
- events are indexed by type group and local day, and within a day by a grid of
  :data:`CELL_M` metre cells holding their anchor, with a list of wide anchors (zones,
  cities) and a map from gazetteer id for places related in the gazetteer however
  far apart; a dated incident looks only at events of its day and the days either
  side, in the cells its compatibility radius reaches;
- each event keeps the union of its members' time windows (sorted, merged), so the
  "overlaps some member" test is a binary search, not a scan of the members.

The result is exactly that of testing every event in creation order, which is what
keeps the grouping independent of row order and stable across versions.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
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

#: Side of the grid cells events are indexed in, in metres.
CELL_M = 500.0
#: Anchors less certain than this are kept in a per-day list rather than in the grid.
WIDE_M = 800.0
#: A day with at most this many events of a type group is scanned whole.
SMALL_BUCKET = 48
#: A query reaching more cells than this scans the occupied cells instead.
MAX_CELLS = 81

#: Why an incident joined an event: the keys of :attr:`GroupedEvent.reasons`.
REASON_TEXT = {
    "first": "first report (the anchor)",
    "same_place": "same place as the anchor",
    "nested_place": "place contains or lies within the anchor's",
    "adjacent_place": "place adjacent to the anchor's in the gazetteer",
    "near_place": "place within the distance threshold of the anchor",
    "time_overlap": "time window overlaps a member's (with the slack)",
    "same_day": "same day, no time of day to compare",
    "undated_same_place_type": "undated: same place and type as members on that one day",
    "undated_together": "undated: same place and type as other undated reports",
    "placeless_time": "no place: its time links it to the one placed event then",
    "placeless_sentence": "no place: same sentence as a member",
    "placeless_name": "no place: names the same place outside the gazetteer",
}


# ----------------------------------------------------------------------------- items


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
    order: tuple[Any, ...] = ()
    """(report, evidence_start, event_type, incident_id): the order members are listed in."""

    def __post_init__(self) -> None:
        self.order = (self.report, self.evidence_start, self.event_type, self.incident_id)

    @property
    def has_window(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def sub_day(self) -> bool:
        return self.precision in SUB_DAY

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
    def from_parquet(cls, path: str | Path, names: Sequence[str]) -> IncidentColumns:
        """The columns ``names`` of a Parquet file (those it has), read one at a time, so
        only the codes and one column are ever in memory."""
        file = pq.ParquetFile(path)
        parts: list[IncidentColumns] = []
        for name in names:
            if name in file.schema_arrow.names:
                table = file.read(columns=[name], use_threads=False)
                parts.append(cls.from_table(table, [name]))
                del table
        codes = {k: v for part in parts for k, v in part._codes.items()}
        values = {k: v for part in parts for k, v in part._values.items()}
        return cls(codes, values, file.metadata.num_rows)

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
def _day_start_seconds(day: int, timezone: str) -> float:
    zone = local_zone(timezone)
    start = dt.datetime.combine(dt.date.fromordinal(day), dt.time(0), tzinfo=zone)
    return start.timestamp()


def day_bounds(day: dt.date, *, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """The local day as a window, midnight to midnight, in the pack's ``timezone``."""
    zone = local_zone(timezone)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


_OFFSET = r"(?:[Zz]|[+-]\d\d(?::?\d\d)?)$"


def _seconds(columns: IncidentColumns, column: str, timezone: str) -> list[float | None]:
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


def _days(columns: IncidentColumns) -> list[int | None]:
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
    days = _days(columns)
    starts = _seconds(columns, "time_start", pack.timezone)
    ends = _seconds(columns, "time_end", pack.timezone)
    ids = [None if v is None else str(v) for v in columns.distinct("incident_id")]
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
                    start = _day_start_seconds(day, pack.timezone)
                    end = _day_start_seconds(day + 1, pack.timezone)
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


# ----------------------------------------------------------------------------- events


class IntervalUnion:
    """Disjoint closed intervals, sorted: does any of them meet [lo, hi]?"""

    __slots__ = ("ends", "starts")

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []

    def add(self, start: float, end: float) -> None:
        starts, ends = self.starts, self.ends
        i = bisect.bisect_left(ends, start)  # first interval that may touch
        j = bisect.bisect_right(starts, end)  # past the last one that may touch
        if i < j:
            start = min(start, starts[i])
            end = max(end, ends[j - 1])
        starts[i:j] = [start]
        ends[i:j] = [end]

    def meets(self, lo: float, hi: float) -> bool:
        i = bisect.bisect_right(self.starts, hi) - 1
        return i >= 0 and self.ends[i] >= lo


@dataclass(slots=True, eq=False)
class GroupedEvent:
    """One event being built: its anchor, members and what the index needs."""

    index: int
    group: str
    anchor: GroupPlace | None
    members: list[Item] = field(default_factory=list)
    days: set[int] = field(default_factory=set)
    bases: set[str] = field(default_factory=set)
    unwindowed: int = 0
    windows: dict[tuple[bool, int | None], IntervalUnion] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)
    registered: set[tuple[Any, ...]] = field(default_factory=set)
    """Index entries already made for this event."""

    def add(self, item: Item, *reasons: str) -> None:
        self.members.append(item)
        self.reasons.update(reasons)
        if item.day is not None:
            self.days.add(item.day)
        if item.place is not None:
            self.bases.add(item.place.base)
        if item.start is None or item.end is None:
            self.unwindowed += 1
        else:
            key = (item.sub_day, item.day)
            union = self.windows.get(key)
            if union is None:
                union = self.windows[key] = IntervalUnion()
            union.add(item.start, item.end)

    @property
    def day(self) -> int | None:
        return min(self.days) if self.days else None

    def time_reason(self, item: Item, slack: float) -> str | None:
        """Why ``item`` is compatible in time with some member, or None if it is not.

        The same test as comparing ``item`` with each member: windows overlap once
        widened by the slack, and windows of different days only meet when both
        are finer than a day; an incident without a window fits any time.
        """
        if item.start is None or item.end is None or self.unwindowed:
            return "same_day"
        lo, hi = item.start - slack, item.end + slack
        for (sub_day, day), union in self.windows.items():
            if (
                item.day is None or day is None or day == item.day or (sub_day and item.sub_day)
            ) and union.meets(lo, hi):
                return "time_overlap" if item.sub_day or sub_day else "same_day"
        return None

    def meets_sub_day(self, item: Item, slack: float) -> bool:
        """Whether a dated member finer than a day is compatible in time with ``item``."""
        assert item.start is not None
        assert item.end is not None
        lo, hi = item.start - slack, item.end + slack
        return any(
            sub_day and day is not None and union.meets(lo, hi)
            for (sub_day, day), union in self.windows.items()
        )


@dataclass(slots=True)
class _DayBucket:
    """The events of one type group with a member on one local day."""

    events: list[GroupedEvent] = field(default_factory=list)
    cells: dict[tuple[int, int], list[GroupedEvent]] = field(default_factory=dict)
    wide: list[GroupedEvent] = field(default_factory=list)
    by_base: dict[str, list[GroupedEvent]] = field(default_factory=dict)
    sub_day_start: float = math.inf
    sub_day_end: float = -math.inf
    """Earliest start and latest end of the day's windows finer than a day: only those
    can meet an incident of the day before or after."""


def _cell(place: GroupPlace) -> tuple[int, int]:
    return (math.floor(place.x / CELL_M), math.floor(place.y / CELL_M))


class Clusterer:
    """The agglomerative grouping described in :mod:`incidents.events`, indexed."""

    def __init__(self, relations: PlaceRelations, rules: EventRules):
        self.relations = relations
        self.rules = rules
        self.slack = rules.time_slack.total_seconds()
        self.events: list[GroupedEvent] = []
        self._days: dict[tuple[str, int], _DayBucket] = {}
        self._undated_key: dict[tuple[Any, ...], list[GroupedEvent]] = {}
        self._sub_day: dict[tuple[str, int], list[GroupedEvent]] = {}
        self._unplaced_sentence: dict[tuple[str, str, int], list[GroupedEvent]] = {}
        self._unplaced_name: dict[tuple[str, str], list[tuple[GroupedEvent, Item]]] = {}
        self._same_place_type: dict[tuple[str, str, str], list[GroupedEvent]] | None = None
        self._one_day_keys: dict[tuple[str, str, str], bool] = {}

    # -- bookkeeping

    def _new_event(self, item: Item, reason: str = "first") -> GroupedEvent:
        event = GroupedEvent(index=len(self.events), group=item.group, anchor=item.place)
        self.events.append(event)
        self._add(event, item, reason)
        return event

    def _add(self, event: GroupedEvent, item: Item, *reasons: str) -> None:
        new_day = item.day is not None and item.day not in event.days
        event.add(item, *reasons)
        if new_day and event.anchor is not None:
            self._register_day(event, item.day)  # type: ignore[arg-type]
        if event.anchor is not None and item.day is not None and item.sub_day and item.has_window:
            day_bucket = self._days[(event.group, item.day)]
            day_bucket.sub_day_start = min(day_bucket.sub_day_start, item.start)  # type: ignore[type-var]
            day_bucket.sub_day_end = max(day_bucket.sub_day_end, item.end)  # type: ignore[type-var]
        if item.day is not None and item.sub_day and item.has_window:
            key = ("sub_day", item.day)
            if key not in event.registered:
                event.registered.add(key)
                self._sub_day.setdefault((event.group, item.day), []).append(event)
        if event.anchor is None:
            key = ("sentence", item.report, item.evidence_start)
            if key not in event.registered:
                event.registered.add(key)
                sentence = (event.group, item.report, item.evidence_start)
                self._unplaced_sentence.setdefault(sentence, []).append(event)
            if item.place_label is not None:
                self._unplaced_name.setdefault((event.group, item.place_label), []).append(
                    (event, item)
                )

    def _register_day(self, event: GroupedEvent, day: int) -> None:
        anchor = event.anchor
        assert anchor is not None
        bucket = self._days.get((event.group, day))
        if bucket is None:
            bucket = self._days[(event.group, day)] = _DayBucket()
        bucket.events.append(event)
        if anchor.uncertainty_m > WIDE_M:
            bucket.wide.append(event)
        else:
            bucket.cells.setdefault(_cell(anchor), []).append(event)
        bucket.by_base.setdefault(anchor.base, []).append(event)

    # -- candidates

    def _nearby(self, item: Item) -> list[GroupedEvent]:
        """Every event of ``item``'s group whose anchor might be compatible, days either side
        (an event may be listed more than once)."""
        place = item.place
        assert place is not None
        assert item.day is not None
        threshold = self.rules.threshold_for(item.group)
        radius = max(threshold, place.uncertainty_m + WIDE_M)
        reach = math.ceil(radius / CELL_M)
        cx, cy = _cell(place)
        related = self.relations.related_bases(place.base)
        found: list[GroupedEvent] = []
        for day in (item.day - 1, item.day, item.day + 1):
            bucket = self._days.get((item.group, day))
            if bucket is None:
                continue
            if day != item.day and not self._reaches(item, bucket, later=day > item.day):
                continue
            if len(bucket.events) <= SMALL_BUCKET:
                found.extend(bucket.events)
                continue
            found.extend(bucket.wide)
            cells = bucket.cells
            if (2 * reach + 1) ** 2 > min(MAX_CELLS, len(cells)):
                for events in cells.values():
                    found.extend(events)
            else:
                for dx in range(-reach, reach + 1):
                    for dy in range(-reach, reach + 1):
                        events = cells.get((cx + dx, cy + dy))
                        if events:
                            found.extend(events)
            by_base = bucket.by_base
            for base in related:
                events = by_base.get(base)
                if events:
                    found.extend(events)
        return found

    def _reaches(self, item: Item, bucket: _DayBucket, *, later: bool) -> bool:
        """Whether an incident may meet an event of the day before or after its own.

        Only when both are finer than a day and their windows overlap with the slack
        (an event there may also have members of the incident's own day: those are
        in the incident's own day's bucket).
        """
        if not item.sub_day or item.start is None or item.end is None:
            return False
        if later:
            return item.end + self.slack >= bucket.sub_day_start
        return item.start - self.slack <= bucket.sub_day_end

    def _candidates(self, item: Item) -> list[GroupedEvent]:
        """Every event ``item`` may join by place and time, oldest first."""
        place = item.place
        assert place is not None
        threshold = self.rules.threshold_for(item.group)
        related = self.relations.related_bases(place.base)
        px, py, pu = place.x, place.y, place.uncertainty_m
        slack = self.slack
        if item.start is None or item.end is None:
            lo = hi = None
        else:
            lo, hi = item.start - slack, item.end + slack
        seen: set[int] = set()
        found = []
        for event in self._nearby(item):
            index = event.index
            if index in seen:
                continue
            seen.add(index)
            anchor = event.anchor
            if anchor.base not in related:  # type: ignore[union-attr]
                limit = pu + anchor.uncertainty_m  # type: ignore[union-attr]
                if limit < threshold:
                    limit = threshold
                dx, dy = px - anchor.x, py - anchor.y  # type: ignore[union-attr]
                if dx * dx + dy * dy > limit * limit:
                    continue
            if not event.unwindowed and not _meets(event.windows, item, lo, hi):
                continue
            found.append(event)
        found.sort(key=lambda event: event.index)
        return found

    def _join_reasons(self, event: GroupedEvent, item: Item) -> tuple[str, str]:
        """Why ``item`` may join ``event``: its place reason, then its time reason."""
        assert item.place is not None
        assert event.anchor is not None
        relation = self.relations.relation(item.place, event.anchor) or "near_place"
        return relation, event.time_reason(item, self.slack) or "same_day"

    def choose(self, place: GroupPlace, candidates: Sequence[GroupedEvent]) -> GroupedEvent | None:
        """The one event a placed incident belongs to, or None when that would be a guess."""
        if not candidates:
            return None
        for event in candidates:
            if event.anchor is not None and event.anchor.base == place.base:
                return event
        if len(candidates) == 1:
            return candidates[0]
        relations = self.relations
        bases = Counter(event.anchor.base for event in candidates)  # type: ignore[union-attr]

        def enclosed(event: GroupedEvent) -> int:
            """How many other candidates' anchors this one's anchor is or contains."""
            outer = event.anchor.base  # type: ignore[union-attr]
            inside = sum(bases[base] for base in relations.enclosed_by(outer) & bases.keys())
            return inside - 1  # itself

        umbrellas = []
        for event in candidates:
            if relations.nested(event.anchor, place):  # type: ignore[arg-type]
                inside = enclosed(event)
                if inside > 0:
                    umbrellas.append((inside, event.anchor.uncertainty_m, -event.index, event))  # type: ignore[union-attr]
        if not umbrellas:
            return None
        return max(umbrellas, key=lambda entry: entry[:3])[3]

    # -- the three passes

    def add_dated_placed(self, item: Item) -> None:
        assert item.place is not None
        chosen = self.choose(item.place, self._candidates(item))
        if chosen is None:
            self._new_event(item)
            return
        self._add(chosen, item, *self._join_reasons(chosen, item))

    def _index_same_place_type(self) -> dict[tuple[str, str, str], list[GroupedEvent]]:
        """Dated events by (group, gazetteer id, type) of their members' own places."""
        index: dict[tuple[str, str, str], list[GroupedEvent]] = {}
        for event in self.events:
            if event.anchor is None or not event.days:
                continue
            for member in event.members:
                if member.place is None:
                    continue
                kind = member.event_type if self.rules.undated_same_type else ""
                listed = index.setdefault((event.group, member.place.base, kind), [])
                if not listed or listed[-1] is not event:
                    listed.append(event)
        for key, events in index.items():  # an event listed once per key
            index[key] = list(dict.fromkeys(events))
        return index

    def _one_day(self, key: tuple[str, str, str]) -> bool:
        """Whether the dated events of a (group, place, type) all lie on one day."""
        found = self._one_day_keys.get(key)
        if found is None:
            days = set()
            for event in self._same_place_type.get(key, ()):  # type: ignore[union-attr]
                days.add(event.day)
                if len(days) > 1:
                    break
            found = self._one_day_keys[key] = len(days) == 1
        return found

    def add_undated_placed(self, item: Item) -> None:
        """An undated incident joins only where place and content agree tightly.

        The events it may join have a member at the very same gazetteer place with
        the same type; they must all lie on one day. Otherwise it joins undated
        reports of the same place and type, or starts an event of its own.
        """
        assert item.place is not None
        if self._same_place_type is None:
            self._same_place_type = self._index_same_place_type()
        kind = item.event_type if self.rules.undated_same_type else ""
        key = (item.group, item.place.base, kind)
        chosen = None
        if self._one_day(key):
            dated = [
                e for e in self._same_place_type.get(key, ())
                if e.time_reason(item, self.slack) is not None
            ]  # fmt: skip
            chosen = self.choose(item.place, dated)
        if chosen is not None:
            self._add(chosen, item, "undated_same_place_type")
            return
        undated = self._undated_key.get(key)
        if undated:
            self._add(undated[0], item, "undated_together")
            return
        self._undated_key[key] = [self._new_event(item)]

    def add_placeless(self, item: Item) -> None:
        if not item.elsewhere and item.day is not None and item.sub_day and item.has_window:
            linked: dict[int, GroupedEvent] = {}
            for day in (item.day - 1, item.day, item.day + 1):
                for event in self._sub_day.get((item.group, day), ()):
                    if event.anchor is not None and event.meets_sub_day(item, self.slack):
                        linked[event.index] = event
                        if len(linked) > 1:
                            break
                if len(linked) > 1:
                    break
            if len(linked) == 1:
                self._add(next(iter(linked.values())), item, "placeless_time")
                return
        best: tuple[int, GroupedEvent, str] | None = None
        for event in self._unplaced_sentence.get(
            (item.group, item.report, item.evidence_start), ()
        ):
            if any(
                (m.report, m.evidence_start) == (item.report, item.evidence_start)
                and m.day == item.day
                for m in event.members
            ) and (best is None or event.index < best[0]):
                best = (event.index, event, "placeless_sentence")
        if item.place_label is not None:
            for event, member in self._unplaced_name.get((item.group, item.place_label), ()):
                if best is not None and event.index >= best[0]:
                    continue
                if self._same_unmapped_name(item, member):
                    best = (event.index, event, "placeless_name")
        if best is not None:
            self._add(best[1], item, best[2])
            return
        self._new_event(item)

    def _same_unmapped_name(self, a: Item, b: Item) -> bool:
        if (a.report, a.evidence_start) == (b.report, b.evidence_start):
            return a.day == b.day
        same_day = a.day == b.day or a.day is None or b.day is None
        return same_day and _time_compatible(a, b, self.slack)


def _meets(
    windows: Mapping[tuple[bool, int | None], IntervalUnion],
    item: Item,
    lo: float | None,
    hi: float | None,
) -> bool:
    """:meth:`GroupedEvent.time_reason` is not None, for an event with every member timed."""
    if lo is None or hi is None:
        return True
    day, sub = item.day, item.sub_day
    for (sub_day, member_day), union in windows.items():
        if day is None or member_day is None or member_day == day or (sub_day and sub):
            starts = union.starts
            i = bisect.bisect_right(starts, hi) - 1
            if i >= 0 and union.ends[i] >= lo:
                return True
    return False


def _time_compatible(a: Item, b: Item, slack: float) -> bool:
    if not (a.has_window and b.has_window):
        return True
    if a.day is not None and b.day is not None and a.day != b.day and not (a.sub_day and b.sub_day):
        return False
    return a.start <= b.end + slack and b.start <= a.end + slack  # type: ignore[operator]


def cluster(items: list[Item], relations: PlaceRelations, rules: EventRules) -> list[GroupedEvent]:
    """Group items into events: dated placed first (tightest place first), then undated
    placed, then those without a place. The result does not depend on the items' order."""

    def tightness(item: Item) -> tuple[Any, ...]:
        assert item.place is not None
        return (item.place.uncertainty_m, item.day or 0, item.start or 0.0, *item.order)

    clusterer = Clusterer(relations, rules)
    placed = [i for i in items if i.place is not None]
    for item in sorted((i for i in placed if i.day is not None), key=tightness):
        clusterer.add_dated_placed(item)
    for item in sorted((i for i in placed if i.day is None), key=tightness):
        clusterer.add_undated_placed(item)
    placeless = [i for i in items if i.place is None]
    for item in sorted(placeless, key=lambda i: (i.day is None, i.day or 0, *i.order)):
        clusterer.add_placeless(item)
    return clusterer.events
