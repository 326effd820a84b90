"""The map's time control: replay incidents and events over local time.

Python decides *when* each marker is shown; the page only compares numbers.
Every incident and event gets a window ``[t0, t1)`` in milliseconds since the
epoch (absolute instants, so neither the machine building the page nor the one
viewing it can shift them), or no window when its time is unknown:

* a window finer than a day (``hour``, ``part_of_day``) is its
  ``time_start``/``time_end``; a start without an end lasts
  ``open_window_minutes`` (``maps/data/styles.json``);
* precision ``day`` is the whole local day of its date, whatever the times say
  (local midnight to local midnight in the pack's time zone, so a day that
  changes to or from summer time lasts 23 or 25 hours);
* a date without a usable time is that whole day too;
* nothing at all is an unknown time: such markers are always shown.

The slider runs over :func:`replay_span`, the span of the windows finer than a
day (the reported hours), or of the day windows when no incident has a clock
time. At slider time ``t`` a marker is shown when ``t0 <= t < t1``.

The page (``maps/static/im_core.js``) receives the windows as minutes since the
epoch, rows sorted by ``t0``, so the incidents of a moment or of a day are an
index range found by binary search. :func:`window_minutes` computes the windows
of a whole table at once (the same rules as :func:`time_window`, column-wise).
Naive times are local time in the pack's zone at that moment's offset, and the
page is given the zone's offset changes over the data (:func:`zone_offsets`) so
it writes each moment with its own offset (UTC+02:00 in a Beirut winter,
UTC+03:00 in its summer).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

#: Time precisions whose window is a clock time rather than a whole day or more.
CLOCK_PRECISIONS = frozenset({"hour", "part_of_day"})
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)
_DAY = dt.timedelta(days=1)

Window = tuple[int, int]


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _epoch_ms(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // _MS


def _parse_moment(value: str | None, zone: dt.tzinfo) -> dt.datetime | None:
    """An aware datetime from ISO 8601 text; naive text is read in ``zone``."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def time_window(
    date: str | None,
    time_start: str | None,
    time_end: str | None,
    precision: str | None,
    *,
    timezone: str,
    open_window_minutes: int,
) -> Window | None:
    """When a marker is shown, as ``(t0, t1)`` milliseconds since the epoch.

    Parameters
    ----------
    date
        The local day, ``YYYY-MM-DD``, or ``None``.
    time_start, time_end
        ISO 8601 times (with an offset; naive ones are read as local time).
    precision
        ``hour``, ``part_of_day``, ``day``, ``month`` or ``unknown``.
    timezone
        The pack's IANA zone, for days and naive times (``Asia/Beirut``).
    open_window_minutes
        How long an incident with a start but no (later) end lasts.

    Returns
    -------
    tuple of int or None
        ``None`` when the time is unknown: the marker is then always shown.
    """
    zone = _zone(timezone)
    start = _parse_moment(time_start, zone)
    end = _parse_moment(time_end, zone)
    day = _parse_day(date)
    if precision == "day" and day is None and start is not None:
        day = start.astimezone(zone).date()
    if precision == "day" or (start is None and day is not None):
        if day is None:
            return None
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        after = dt.datetime.combine(day + _DAY, dt.time(0), tzinfo=zone)
        return _epoch_ms(midnight), _epoch_ms(after)
    if start is None:
        return None
    if end is None or end <= start:
        end = start + dt.timedelta(minutes=open_window_minutes)
    return _epoch_ms(start), _epoch_ms(end)


@dataclass(frozen=True)
class ReplaySpan:
    """What the slider covers: ``steps`` positions ``start + k * step`` (ms)."""

    start: int
    end: int
    step: int
    steps: int

    def as_config(self) -> dict[str, int]:
        """The span for the page script."""
        return {"start": self.start, "end": self.end, "step": self.step, "steps": self.steps}


def replay_span(
    windows: Iterable[tuple[Window | None, bool]],
    *,
    step_minutes: int,
    max_steps: int,
) -> ReplaySpan | None:
    """The span the slider replays, or ``None`` when nothing has a time.

    Parameters
    ----------
    windows
        ``(window, clock)`` per incident: its window and whether it is finer
        than a day. The span runs from the earliest start to the latest end of
        the clock windows, or of all windows when none is a clock window.
    step_minutes
        The finest slider step.
    max_steps
        The step is made a coarser multiple of ``step_minutes`` so that the
        slider never has more positions than this.
    """
    clock, other = [], []
    for window, is_clock in windows:
        if window is not None:
            (clock if is_clock else other).append(window)
    chosen = clock or other
    if not chosen:
        return None
    start = min(w[0] for w in chosen)
    end = max(w[1] for w in chosen)
    unit = step_minutes * 60_000
    units = max(1, math.ceil((end - start) / unit / max(1, max_steps)))
    step = units * unit
    steps = max(1, math.ceil((end - start) / step))
    return ReplaySpan(start=start, end=end, step=step, steps=steps)


_OFFSET_SUFFIX = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"


def _localized(naive: pd.Series, timezone: str) -> pd.Series:
    """Naive local timestamps as UTC ones, at each moment's offset in ``timezone``
    (a repeated autumn hour is read as standard time, a skipped spring one shifted on).

    Where the zone keeps one offset over the values' span (Baghdad since 2008) that
    offset is subtracted; else each distinct value is localised once (a table of a
    million incidents holds a few thousand distinct days)."""
    known = naive.dropna()
    if known.empty:
        return pd.Series(pd.NaT, index=naive.index, dtype="datetime64[ns, UTC]")
    first, last = (int(v.value // 60_000_000_000) for v in (known.min(), known.max()))
    rules = zone_offsets(timezone, first - 1440, last + 1440)
    if not rules["changes"]:
        offset = pd.Timedelta(minutes=int(rules["initial"]))  # type: ignore[call-overload]
        return naive.dt.tz_localize("UTC") - offset
    distinct = pd.DatetimeIndex(known.unique())
    ambiguous = np.zeros(len(distinct), dtype=bool)
    local = distinct.tz_localize(timezone, ambiguous=ambiguous, nonexistent="shift_forward")
    positions = distinct.get_indexer(pd.DatetimeIndex(naive))
    utc = local.tz_convert("UTC")
    out = pd.Series(pd.NaT, index=naive.index, dtype=utc.dtype)
    found = positions >= 0
    out[found] = utc.take(positions[found])
    return out


def _parse_column(values: pd.Series, timezone: str) -> pd.Series:
    """ISO 8601 text as UTC timestamps (NaT when missing or invalid); naive text is
    local time in ``timezone``."""
    text = values.astype("string")
    naive = ~text.str.contains(_OFFSET_SUFFIX, regex=True).fillna(True).astype(bool)
    parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    if naive.any():
        local = pd.to_datetime(text.where(naive), errors="coerce", format="ISO8601")
        if local.dt.tz is not None:  # nothing naive parsed
            local = local.dt.tz_convert(None)
        parsed = parsed.where(~naive, _localized(local, timezone))
    return parsed


def window_minutes(
    date: pd.Series,
    time_start: pd.Series,
    time_end: pd.Series,
    precision: pd.Series,
    *,
    timezone: str,
    open_window_minutes: int,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`time_window` for whole columns, in minutes since the epoch.

    Returns
    -------
    tuple of numpy arrays
        ``(t0, t1)`` as float64 minutes; NaN where the time is unknown.
    """
    start = _parse_column(time_start, timezone)
    end = _parse_column(time_end, timezone)
    day_text = date.astype("string").str.slice(0, 10)
    day = pd.to_datetime(day_text, format="%Y-%m-%d", errors="coerce")
    is_day = (precision.astype("string") == "day").fillna(False).astype(bool)
    undated = is_day & day.isna()
    if undated.any():  # a day-precision time without a date: the local day of its start
        start_day = start[undated].dt.tz_convert(timezone).dt.tz_localize(None).dt.floor("D")
        day = day.copy()
        day[undated] = start_day
    whole_day = is_day | (start.isna() & day.notna())
    day_start = _localized(day, timezone)
    day_end = _localized(day + pd.Timedelta(days=1), timezone)
    end = end.where(end.notna() & (end > start), start + pd.Timedelta(minutes=open_window_minutes))
    t0 = start.where(~whole_day, day_start)
    t1 = end.where(~whole_day, day_end)
    unknown = t0.isna() | t1.isna()

    def minutes(values: pd.Series) -> np.ndarray:
        nanos = values.dt.as_unit("ns").astype("int64", errors="ignore")
        out = np.asarray(pd.to_numeric(nanos, errors="coerce"), dtype=float) / 60e9
        return np.floor(out)

    t0_min = np.where(unknown, np.nan, minutes(t0.fillna(pd.Timestamp(0, tz="UTC"))))
    t1_min = np.where(unknown, np.nan, minutes(t1.fillna(pd.Timestamp(0, tz="UTC"))))
    return t0_min, t1_min


def offset_minutes_at(timezone: str, minute: int) -> int:
    """The UTC offset of ``timezone`` at a moment (minutes since the epoch), in minutes."""
    moment = _EPOCH + dt.timedelta(minutes=minute)
    offset = moment.astimezone(_zone(timezone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def zone_offsets(timezone: str, start: int, end: int) -> dict[str, object]:
    """The zone's offset rules over ``[start, end)`` (minutes since the epoch), as the
    page reads them: ``initial`` (the offset at ``start``) and ``changes``, a list of
    ``[minute, offset]`` from which a new offset holds (a summer-time change).

    The offset is sampled daily and each change found to the minute by bisection, so
    a span of decades costs a few thousand look-ups.
    """
    initial = offset_minutes_at(timezone, start)
    changes: list[list[int]] = []
    current, at = initial, start
    while at < end:
        nxt = min(end, at + 1440)
        value = offset_minutes_at(timezone, nxt)
        if value != current:
            lo, hi = at, nxt  # offset(lo) == current, offset(hi) != current
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset_minutes_at(timezone, mid) == current:
                    lo = mid
                else:
                    hi = mid
            changes.append([hi, offset_minutes_at(timezone, hi)])
            current = changes[-1][1]
        at = nxt
    return {"name": timezone, "initial": initial, "changes": changes}


def replay_span_minutes(
    start: int, end: int, *, step_minutes: int, max_steps: int
) -> dict[str, int]:
    """The clock-mode slider over ``[start, end)`` minutes, as :func:`replay_span` makes it:
    steps of ``step_minutes``, coarsened so there are at most ``max_steps``."""
    units = max(1, math.ceil((end - start) / step_minutes / max(1, max_steps)))
    step = units * step_minutes
    steps = max(1, math.ceil((end - start) / step))
    return {"start": int(start), "step": int(step), "steps": int(steps)}


def day_span(start: int, end: int, *, timezone: str) -> dict[str, int]:
    """The day-mode slider: every local day from the one holding ``start`` to the one
    holding the last minute before ``end`` (minutes since the epoch), in steps of 24 h
    from the first local midnight."""
    offset = offset_minutes_at(timezone, start)
    first = (start + offset) // 1440 * 1440 - offset
    steps = max(1, math.ceil((end - first) / 1440))
    return {"start": int(first), "step": 1440, "steps": int(steps)}


#: Calendar periods a long collection is replayed by, finest first.
CALENDAR_UNITS = ("month", "year")


def calendar_span(start: int, end: int, *, unit: str, timezone: str) -> dict[str, Any]:
    """The slider over local calendar months or years in ``timezone``, from the one
    holding ``start`` to the one holding the last minute before ``end`` (minutes since
    the epoch).

    Periods differ in length, so the page gets their ``bounds``: ``steps + 1`` minutes,
    step ``k`` covering ``[bounds[k], bounds[k + 1])``, each a local midnight at its own
    offset.
    """
    if unit not in CALENDAR_UNITS:
        msg = f"no calendar unit {unit!r}; expected one of {', '.join(CALENDAR_UNITS)}"
        raise ValueError(msg)
    zone = _zone(timezone)
    first = (_EPOCH + dt.timedelta(minutes=start)).astimezone(zone)
    last = (_EPOCH + dt.timedelta(minutes=max(start, end - 1))).astimezone(zone)
    year, month = first.year, first.month if unit == "month" else 1
    starts = []
    while (year, month) <= (last.year, last.month if unit == "month" else 1):
        starts.append((year, month))
        year, month = (year + month // 12, month % 12 + 1) if unit == "month" else (year + 1, 1)
    starts.append((year, month))  # the end of the last period
    bounds = np.array(
        [
            (dt.datetime(y, m, 1, tzinfo=zone) - _EPOCH) // dt.timedelta(minutes=1)
            for y, m in starts
        ],
        dtype=np.int64,
    )
    return {
        "start": int(bounds[0]),
        "steps": len(bounds) - 1,
        "bounds": [int(b) for b in bounds],
    }
