"""Read the time one sentence states, in the pack's local time (``zone``).

The words (month and weekday names, parts of the day, relative days, background
phrases) live in ``incidents/data/time_expressions.json``, in English and Arabic, and
are found by :mod:`incidents.time_phrases`; this module only turns those matches into
a :class:`~incidents.model.TimeRef`. It never looks at the clock of the machine it
runs on: every date is read from the text, the report date or the inherited context.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

from incidents.model import TimeRef
from incidents.time_phrases import (
    Background,
    Clock,
    DayPart,
    RelativeDay,
    Sequel,
    TimeHit,
    _Vocabulary,
    in_comparison_scope,
    limit_hits,
    night_into_connectors,
    scan_time,
    time_vocabulary,
)

__all__ = [
    "day_window",
    "days_named",
    "joins_night",
    "local_zone",
    "resolve_time",
    "tells_a_sequel",
]


@cache
def local_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (a pack's ``timezone``), made once per process."""
    return ZoneInfo(name)


#: A clock time before this hour, read with a part of day starting at _NIGHT_FROM or
#: later, falls in the early hours of the next day.
_EARLY_HOURS_END = 5
_NIGHT_FROM = 18
_DAY_KINDS = frozenset({"date", "weekday", "relative"})
_PERIOD_KINDS = frozenset({"month", "year", "background"})


# --------------------------------------------------------------------------- text helpers


# --------------------------------------------------------------------------- data loading


# --------------------------------------------------------------------------- scanning


"""Longer texts are scanned each time: the cache holds at most 256 x 200,000 characters
(a report of up to 256 sentences has each scanned once)."""


# --------------------------------------------------------------------------- resolving


@dataclass(frozen=True)
class _Day:
    date: dt.date | None
    background: bool
    hit: TimeHit | None
    part: str | None = None


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def day_window(
    date: dt.date, *, zone: ZoneInfo, text: str | None = None, background: bool = False
) -> TimeRef:
    """The whole local day in ``zone``: 00:00 to the next day's 00:00 (exclusive),
    precision "day"."""
    start = _midnight(date, zone)
    return TimeRef(
        date=date,
        start=start,
        end=start + dt.timedelta(days=1),
        precision="day",
        background=background,
        text=text,
    )


def _is_background(first: dt.date, last: dt.date, report_date: dt.date | None, gap: int) -> bool:
    """True when the span [first, last] lies wholly more than ``gap`` days from the report date."""
    if report_date is None:
        return False
    slack = dt.timedelta(days=gap)
    return last < report_date - slack or first > report_date + slack


def _infer_year(month: int, day: int, report_date: dt.date, gap: int) -> dt.date | None:
    """The latest such date on or before the report date (up to ``gap`` days after it)."""
    limit = report_date + dt.timedelta(days=gap)
    for year in range(report_date.year + 1, report_date.year - 9, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return None


def _resolve_day(
    hit: TimeHit,
    report_date: dt.date | None,
    context: TimeRef | None,
    gap: int,
    *,
    forward: bool = False,
    weekday_gap: int | None = None,
) -> _Day | None:
    """The day a date, weekday or relative-day match names; None when the date is impossible."""
    if hit.kind == "date":
        year, month, day = hit.payload
        if year is not None:
            try:
                date = dt.date(year, month, day)
            except ValueError:
                return None
        elif report_date is not None:
            date = _infer_year(month, day, report_date, 366 if forward else gap)
            if date is None:
                return None
        else:
            if not 1 <= month <= 12 or not 1 <= day <= 31:
                return None
            return _Day(None, False, hit)
        return _Day(date, _is_background(date, date, report_date, gap), hit)
    if hit.kind == "weekday":
        weekday, strictly_past, coming, ahead_prefix = hit.payload
        weekday_gap = gap if weekday_gap is None else weekday_gap
        if report_date is None:
            dated = context is not None and context.date is not None
            if dated and context.date.weekday() == weekday and not (coming or strictly_past):
                return _Day(context.date, context.background, hit)  # the dated day, named again
            return _Day(None, False, hit)
        if coming or ((forward or ahead_prefix) and not strictly_past):
            # "next Friday", or a weekday of what is announced: never moved into the past.
            ahead = (weekday - report_date.weekday()) % 7
            if coming and ahead == 0:
                ahead = 7
            date = report_date + dt.timedelta(days=ahead)
            return _Day(date, False, hit)
        back = (report_date.weekday() - weekday) % 7
        if strictly_past and back == 0:
            back = 7
        date = report_date - dt.timedelta(days=back)
        return _Day(date, _is_background(date, date, report_date, weekday_gap), hit)
    rel: RelativeDay = hit.payload
    if rel.anchor == "report":
        if report_date is None:
            return _Day(None, False, hit, rel.part)
        date = report_date + dt.timedelta(days=rel.day_offset)
        return _Day(date, _is_background(date, date, report_date, gap), hit, rel.part)
    if context is None or context.date is None:
        return _Day(None, bool(context and context.background), hit, rel.part)
    date = context.date + dt.timedelta(days=rel.day_offset)
    return _Day(date, context.background, hit, rel.part)


#: Of the days one sentence names, the more explicit wins: "yesterday, Saturday (20 July
#: 2013)" is 20 July however "yesterday" reads against the issue date.
_DAY_RANK = {"date": 0, "weekday": 1, "relative": 2}


def _pick_day(days: Sequence[_Day]) -> _Day | None:
    """The sentence's own day: the most explicit known current day (a date, then a
    weekday, then a relative day, each first in the text), else the first unresolved,
    else background."""
    current = [d for d in days if d.date is not None and not d.background]
    if current:
        return min(current, key=lambda d: _DAY_RANK.get(d.hit.kind if d.hit else "", 3))
    for wanted in (
        lambda d: d.date is None,
        lambda d: True,
    ):
        for day in days:
            if wanted(day):
                return day
    return None


def _clock_offset(clock: Clock, parts: Sequence[DayPart]) -> tuple[float, int | None] | None:
    """Hours after the day's midnight at which the clock time falls, and the part of day
    (its index in ``parts``) that settled am or pm; None when am or pm cannot be known."""
    minutes = clock.minute / 60
    if clock.meridiem == "am":
        return (0 if clock.hour == 12 else clock.hour) + minutes, None
    if clock.meridiem == "pm":
        return (12 if clock.hour == 12 else clock.hour + 12) + minutes, None
    if clock.is_24_hour:
        return clock.hour + minutes, None
    candidates = (clock.hour % 12, clock.hour % 12 + 12)
    for index, part in enumerate(parts):
        for hour in candidates:
            for shifted in (hour, hour + 24):
                if part.start_hour <= shifted + minutes < part.end_hour:
                    return shifted + minutes, index
    return None


def _merge_text(sentence: str, hits: Iterable[TimeHit]) -> str:
    """The matched words, joined where only spaces or commas separate them."""
    spans = sorted({(h.start, h.end) for h in hits})
    pieces: list[list[int]] = []
    for start, end in spans:
        if pieces and not sentence[pieces[-1][1] : start].strip(" ,\t\n"):
            pieces[-1][1] = max(pieces[-1][1], end)
        else:
            pieces.append([start, end])
    return " … ".join(sentence[s:e] for s, e in pieces)


def _period_ref(
    hit: TimeHit, sentence: str, report_date: dt.date | None, gap: int, zone: ZoneInfo
) -> TimeRef:
    """A month, a year or a background phrase ("last month") as a TimeRef."""

    def _midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=zone)

    text = sentence[hit.start : hit.end]
    if hit.kind == "month":
        year, month = hit.payload
        if year is None and report_date is not None:
            first = _infer_year(month, 1, report_date, gap)
            year = first.year if first else None
        if year is None:
            return TimeRef(None, None, None, "unknown", text=text)
        first = dt.date(year, month, 1)
        after = dt.date(year + month // 12, month % 12 + 1, 1)
        last = after - dt.timedelta(days=1)
        background = _is_background(first, last, report_date, gap)
        return TimeRef(first, _midnight(first), _midnight(after), "month", background, text)
    if hit.kind == "year":
        first, after = dt.date(hit.payload, 1, 1), dt.date(hit.payload + 1, 1, 1)
        last = after - dt.timedelta(days=1)
        background = _is_background(first, last, report_date, gap)
        return TimeRef(None, _midnight(first), _midnight(after), "unknown", background, text)
    bg: Background = hit.payload
    if report_date is None or bg.unit in ("week", "span"):
        return TimeRef(None, None, None, "unknown", True, text)
    if bg.unit == "month":
        index = report_date.year * 12 + report_date.month - 1 + bg.offset
        first = dt.date(index // 12, index % 12 + 1, 1)
        after = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1)
        return TimeRef(first, _midnight(first), _midnight(after), "month", True, text)
    year = report_date.year + bg.offset
    start, end = _midnight(dt.date(year, 1, 1)), _midnight(dt.date(year + 1, 1, 1))
    return TimeRef(None, start, end, "unknown", True, text)


def tells_a_sequel(sentence: str) -> bool:
    """True when ``sentence`` places itself after what was told before it ("Hours later",
    "Two days later", "بعد ساعتين"): its time is read from the last time the report told,
    even when that was in an earlier paragraph."""
    return any(hit.kind == "sequel" for hit in scan_time(sentence, time_vocabulary()))


def resolve_time(
    sentence: str,
    *,
    report_date: dt.date | None,
    zone: ZoneInfo,
    context: TimeRef | None = None,
    forward: bool = False,
) -> TimeRef | None:
    """The time ``sentence`` itself states, or None when it states none.

    Parameters
    ----------
    sentence
        One sentence of a report.
    report_date
        The report's publication date (local day), used to place weekdays,
        relative days and dates without a year; None when unknown.
    zone
        The pack's time zone: local times are read in it, at the offset of each
        moment (a winter "9 pm" in Beirut is +02:00, a summer one +03:00).
    context
        The time inherited from the paragraph or the previous sentence. It gives the
        day for "later that evening", or for a part of the day or clock time stated
        without a day.

    Returns
    -------
    TimeRef or None
        Local-day ``date``, aware ``start``/``end`` in ``zone``, the
        ``precision`` and the matched ``text``. ``background`` is True when the
        words place the sentence on another day than the report's (a date more than
        two days away, "last month", "in 2019"): the caller keeps such sentences out
        of the day's incidents. Precision "unknown" keeps the words when the day
        cannot be placed (a weekday without a report date).
    forward
        True for what is announced or threatened: a weekday or a date without a
        year is the next such day, never one in the past. "next Friday" ("الجمعة
        المقبلة") is always ahead.
    """
    vocab = time_vocabulary()
    hits = scan_time(sentence, vocab)
    if not hits:
        return None
    hits = _without_limits(sentence, hits, vocab)
    if not hits:
        return None
    gap = vocab.gap_days
    days = [
        day
        for hit in hits
        if hit.kind in _DAY_KINDS
        and (
            day := _resolve_day(
                hit, report_date, context, gap, forward=forward, weekday_gap=vocab.weekday_gap_days
            )
        )
    ]
    periods = [
        h
        for h in hits
        if h.kind in _PERIOD_KINDS
        and not h.possessive
        and not in_comparison_scope(sentence, h, vocab)
    ]
    parts = [h for h in hits if h.kind == "part"]
    clocks = [h for h in hits if h.kind == "clock"]
    extenders = [h for h in hits if h.kind == "extender"]
    # "hours later": after the inherited time, read only when the day is inherited too
    sequels = [h for h in hits if h.kind == "sequel" and _follows(context, h.payload)]

    chosen = _pick_day(days)
    from_context = False
    if chosen is None:
        if periods:
            return _period_ref(periods[0], sentence, report_date, gap, zone)
        if not (parts or clocks or extenders or sequels):
            return None
        if context is not None and context.date is not None:
            chosen = _Day(context.date, context.background, None)
            from_context = True
        else:
            chosen = _Day(None, False, None)

    if chosen.date is None:
        stated = [h for h in (chosen.hit, *parts[:1], *clocks[:1], *extenders[:1]) if h]
        return TimeRef(
            None, None, None, "unknown", chosen.background, _merge_text(sentence, stated)
        )
    into_next = _night_into_next(sentence, chosen, days, parts)
    window = _window(
        chosen,
        parts,
        clocks,
        extenders,
        context if from_context else None,
        zone,
        into_next,
        sequels if from_context else (),
    )
    if window.used is None:
        return None
    start, end, precision, used = window.start, window.end, window.precision, window.used
    text = _merge_text(sentence, [h for h in (chosen.hit, *used) if h is not None])
    # "after midnight on Friday night" starts on Saturday: the local day is the start's.
    return TimeRef(start.date(), start, end, precision, chosen.background, text)


def _without_limits(
    sentence: str, hits: tuple[TimeHit, ...], vocab: _Vocabulary
) -> tuple[TimeHit, ...]:
    """``hits`` without the limits ("until 6am on Sunday") when every day the sentence
    names is one: then it states no day of its own."""
    limited = limit_hits(sentence, hits, vocab)
    if not limited:
        return hits
    if any(i not in limited for i, h in enumerate(hits) if h.kind in _DAY_KINDS):
        return hits  # "from Tuesday until Thursday": Tuesday is the day
    return tuple(h for i, h in enumerate(hits) if i not in limited)


def _follows(context: TimeRef | None, sequel: Sequel) -> bool:
    """True when ``sequel`` can be read after ``context``: a span of days ("two days
    later") after any dated time, a day included; a shorter one ("hours later") only
    after a time narrower than its day, as it is otherwise within that same day."""
    if sequel.after_hours is None:
        return _narrow(context)
    return _dated(context)


def _dated(context: TimeRef | None) -> bool:
    """True when ``context`` is a dated time with its bounds."""
    return (
        context is not None
        and context.date is not None
        and context.start is not None
        and context.end is not None
    )


def _narrow(context: TimeRef | None) -> bool:
    """True when ``context`` is a dated time narrower than its day (an hour, a part of
    the day): what happened "hours later" is then not at that time."""
    return context is not None and _dated(context) and context.precision in ("hour", "part_of_day")


def _after(
    context: TimeRef, sequel: Sequel, midnight: dt.datetime, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime, Literal["part_of_day", "day"]]:
    """The window of what came ``sequel`` after ``context``: from the inherited start to
    ``within_hours`` after its end, or to the end of its day (never before its end); a
    span too long for that day (``after_hours``) gives the whole day it ends on."""
    assert context.start is not None
    assert context.end is not None
    if sequel.after_hours is not None:
        moment = context.start + dt.timedelta(hours=sequel.after_hours)
        day = _midnight(moment.astimezone(zone).date(), zone)
        return day, day + dt.timedelta(days=1), "day"
    if sequel.within_hours is None:
        end = max(context.end, midnight + dt.timedelta(days=1))
    else:
        end = context.end + dt.timedelta(hours=sequel.within_hours)
    return context.start, end, "part_of_day"


@dataclass(frozen=True)
class _Window:
    start: dt.datetime
    end: dt.datetime
    precision: Literal["hour", "part_of_day", "day"]
    used: tuple[TimeHit, ...] | None
    """The matches the window was read from; None when the sentence gave nothing usable."""


def _night_into_next(
    sentence: str, chosen: _Day, days: Sequence[_Day], parts: Sequence[TimeHit]
) -> bool:
    """True for "ليلة الخميس على الجمعة", "Thursday night into Friday": a day, then the next
    day after a connector, with only a night-time part between them."""
    if chosen.hit is None or chosen.date is None:
        return False
    connectors = night_into_connectors()
    for day in days:
        if day.hit is None or day.date != chosen.date + dt.timedelta(days=1):
            continue
        if day.hit.start < chosen.hit.end:
            continue
        between = sentence[chosen.hit.end : day.hit.start]
        for part in parts:
            if chosen.hit.end <= part.start and part.end <= day.hit.start:
                between = between.replace(sentence[part.start : part.end], " ")
        if between.strip().casefold() in connectors:
            return True
    return False


def joins_night(gap: str) -> bool:
    """True when ``gap`` (text between two time expressions) joins a night to the next day
    ("على", "into"): the two are read together."""
    return gap.strip().casefold() in night_into_connectors()


def _window(
    day: _Day,
    parts: Sequence[TimeHit],
    clocks: Sequence[TimeHit],
    extenders: Sequence[TimeHit],
    context: TimeRef | None,
    zone: ZoneInfo,
    into_next: bool = False,
    sequels: Sequence[TimeHit] = (),
) -> _Window:
    """Narrow a known day to the clock time or part of day the sentence gives.

    A clock time wins over a part of day, which wins over the whole day; an
    extender ("into the night") then stretches the window to midnight. ``context``
    is given only when the day itself came from it, so that "the clashes went on
    into the night" stretches the inherited afternoon, and ``sequels`` ("hours later")
    with it: with no clock time or part of the day of its own, the sentence is then
    after the inherited time, in a wider window (:func:`_after`), not at it.
    """
    vocab = time_vocabulary()
    assert day.date is not None
    midnight = _midnight(day.date, zone)
    cues: list[tuple[TimeHit | None, DayPart]] = [(h, h.payload) for h in parts]
    if day.part is not None:
        cues.append((None, vocab.parts_by_name[day.part]))
    used: list[TimeHit] = []
    precision: Literal["hour", "part_of_day", "day"] = "day"
    start, end = midnight, midnight + dt.timedelta(days=1)

    for hit in clocks:
        clock: Clock = hit.payload
        found = _clock_offset(clock, [part for _, part in cues])
        if found is None:
            continue
        offset, cue_index = found
        if clock.utc:
            # the zone's offset at that moment, not a fixed one: Iraq kept summer time
            # (UTC+4) until 2007, so "1900 GMT" in July 2006 is 23:00 in Baghdad;
            # Beirut is UTC+2 in winter and UTC+3 in summer
            utc = dt.datetime.combine(day.date, dt.time(0), tzinfo=dt.UTC)
            moment = utc + dt.timedelta(hours=offset)
            offset += moment.astimezone(zone).utcoffset().total_seconds() / 3600
        if offset < _EARLY_HOURS_END and any(part.start_hour >= _NIGHT_FROM for _, part in cues):
            offset += 24  # "1 a.m. on Friday night": the early hours after Friday
        start = midnight + dt.timedelta(hours=offset - (0.5 if clock.approximate else 0.0))
        end = start + dt.timedelta(hours=1)
        precision = "hour"
        cue_hit = cues[cue_index][0] if cue_index is not None else None
        used.extend(h for h in (hit, cue_hit) if h is not None)
        break
    if precision == "day" and cues:
        cue_hit, part = cues[0]
        start = midnight + dt.timedelta(hours=part.start_hour)
        end = midnight + dt.timedelta(hours=part.end_hour)
        precision = "part_of_day"
        used.extend(h for h in (cue_hit,) if h is not None)
        if into_next and part.start_hour >= _NIGHT_FROM:
            # the night from one day into the next: until 04:00 of the second day
            end = max(end, midnight + dt.timedelta(hours=24 + _EARLY_HOURS_END - 1))
    if precision == "day" and sequels and context is not None:
        start, end, precision = _after(context, sequels[0].payload, midnight, zone)
        used.append(sequels[0])
    if extenders:
        used.append(extenders[0])
        stretched = midnight + dt.timedelta(hours=vocab.extender_end_hour)
        if precision != "day":
            end = max(end, stretched)
        elif (
            context is not None
            and context.precision in ("hour", "part_of_day")
            and context.start is not None
            and context.date == day.date
        ):
            start, end = context.start, max(stretched, context.end or stretched)
            precision = "part_of_day"
        else:
            night = vocab.parts_by_name.get("night")
            start = midnight + dt.timedelta(hours=night.start_hour if night else 18)
            end, precision = stretched, "part_of_day"
    if not used and day.hit is None:
        return _Window(start, end, precision, None)
    return _Window(start, end, precision, tuple(used))


#: At most this many words between a clock time or a part of the day and the day it is
#: read with ("at 1900 GMT on Thursday", "at dawn on Friday").
_ATTACH_WORDS = 3
_ATTACH_BREAK = re.compile(r"[,;:.!?()\[\]،؛]")


def days_named(
    sentence: str,
    *,
    report_date: dt.date | None,
    zone: ZoneInfo,
    context: TimeRef | None = None,
) -> list[tuple[int, int, TimeRef]]:
    """The dated time expressions of a sentence that names more than one day, with spans.

    "Calm returned on Saturday after Friday's fighting": the fighting is Friday's. A
    clock time or a part of the day names no day of its own: it is read with the day
    written a few words from it ("at 1900 GMT on Thursday", "at dawn on Friday",
    "فجر الجمعة"), and is left out when no day stands that near. Empty when the sentence
    names at most one day (then the whole sentence is read).
    """
    vocab = time_vocabulary()
    spans: list[list[int]] = []
    names_day: list[bool] = []
    for hit in scan_time(sentence, vocab):
        if hit.kind == "sequel":
            continue  # "hours later" names no day, and is read against the sentence's time
        if spans and (
            not sentence[spans[-1][1] : hit.start].strip()
            or joins_night(sentence[spans[-1][1] : hit.start])
        ):
            spans[-1][1] = hit.end  # "Friday" + "evening", "ليلة الخميس" + "على الجمعة"
            names_day[-1] = names_day[-1] or hit.kind in _DAY_KINDS
        else:
            spans.append([hit.start, hit.end])
            names_day.append(hit.kind in _DAY_KINDS)
    if sum(names_day) < 2:
        return []
    days = [span for span, named in zip(spans, names_day, strict=True) if named]
    for span, named in zip(spans, names_day, strict=True):
        if not named:
            _attach(sentence, span, days)
    found = []
    for start, end in days:
        stated = resolve_time(
            sentence[start:end], report_date=report_date, zone=zone, context=context
        )
        if stated is not None and stated.date is not None and not stated.background:
            found.append((start, end, stated))
    return found if len({t.date for _, _, t in found}) > 1 else []


def _attach(sentence: str, span: list[int], days: list[list[int]]) -> None:
    """Widen the day nearest to ``span`` (a clock time, a part of the day) to hold it,
    when only a few words and no punctuation stand between them."""

    def gap(day: list[int]) -> str:
        return sentence[day[1] : span[0]] if day[1] <= span[0] else sentence[span[1] : day[0]]

    near = [d for d in days if not _ATTACH_BREAK.search(gap(d))]
    near = [d for d in near if len(gap(d).split()) <= _ATTACH_WORDS]
    if near:
        day = min(near, key=lambda d: len(gap(d)))
        day[0], day[1] = min(day[0], span[0]), max(day[1], span[1])
