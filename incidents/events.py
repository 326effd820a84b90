"""Group incidents from several reports and sources into events.

An *incident* is one report's sentence about one thing (Reuters says police fired
tear gas at the Planning gate). An *event* is the thing itself, however many
outlets and posts describe it. :func:`group_events` turns the incident table into
an event table, one row per event, with every source and every casualty claim of
its members kept side by side.

The rules (all settings live in ``incidents/data/event_rules.json``, loaded into
:class:`EventRules`):

**Type.** Incidents only group within one *type group*: their family in
``incident_types.json`` (confrontation, protest, security_measure), with casualty
reports in the confrontation they come from, and each response type (an inquiry
ordered, a call to escalate) a group of its own.

**Place.** Two places are compatible when they are the same gazetteer place or
share an anchor (``rel:near:X`` anchors on ``X``), when one is part of the other
(at any depth of ``part_of``), when they are adjacent (``adjacent_to`` either
way) or, with ``shared_neighbour``, both adjacent to one place (the two ends of a
bridge), or when the metric distance between their points is at most
``max(threshold_m, uncertainty_a + uncertainty_b)``. Two kinds of place are widened to
the smallest gazetteer *area* (``area_kinds``: zone, district, city) containing
them before any test: a place taken from the report's main subject rather than
from the sentence (``place_basis`` in ``context_place_bases``), which says what
the report is about, not where this happened; and a gazetteer entry without
coordinates of its own (an unlocated gate), which is only known as its zone.

**Time.** Two incidents are compatible in time when their windows overlap once
widened by ``time_slack_minutes``; a dated incident without a time has the whole
local day as its window, so unknown times are compatible with anything on the
same day. Windows of different days only meet when both are finer than a day.

**Clustering** is agglomerative, in a fixed order, with a cap that stops chains
(:mod:`incidents.grouping` applies it through a time and grid index, never all pairs).
Dated, placed incidents come first, tightest place first (smallest
``uncertainty_m``), so that every event starts from its most precise place, its
*anchor*. An incident joins an event only if its place is compatible with the
event's anchor (not merely with some member: points 400 m apart in a row do not
chain into one blob) and its time with one of the event's members. When it
could join several events it joins the one anchored at its own place; else, if
its place and an event's anchor contain one another (``part_of``) and that
anchor contains the anchors of other candidates, the one containing the most
(the zone-wide event is the home of a report naming only the zone or the city);
else it starts an event of its own rather than guess a site.

**Undated incidents** (``date`` null) are placed after all dated ones, and join
only when place and content agree tightly: an event with a member at the very same
gazetteer place and of the same event type (``undated`` in the rules), and only when
all such events lie on one day. Otherwise an undated incident joins undated
incidents of the same place and type, or starts an event of its own.

**Incidents without a place** form events of their own unless a time finer than
a day links them to exactly one placed event of their type group on that day.
Unplaced incidents of one type group join each other when they come from one
sentence, or when they name the same place outside the gazetteer
(``place_name``) on the same day (or one has no day). Those whose sentence names
a place outside the gazetteer (``place_basis`` in ``elsewhere_place_bases``)
never join a placed event.

**Sources.** ``sources`` lists the distinct sources. Two sources are *dependent*
when a social post (``source_type`` social) of one was embedded by the other (its
``via``) and both are sources of the event; ``n_independent_sources`` counts the
groups of sources that these links connect (an account embedded by two outlets
ties the three together). An unknown source (``unknown_sources`` in the rules: a
report named after its file because it names no source) is never independent
corroboration: it is counted in ``n_unknown_sources`` and not in
``n_independent_sources``.

**Place of the event.** The place most members support, with the spread: a member
supports a candidate place (one of the members' places) when it is that place, lies
within it (``part_of``) or within its uncertainty radius. The tightest candidate that
more than half of the placed members support is the event's place; when none has a
majority, the one with the most support (then the tightest). ``place_support`` says
how many members support it and ``spread_m`` how far the farthest member's point
lies from it, so a 42-incident event is not pinned on one post's gate.

**Reasons.** ``reasons`` lists why members were joined (same place as the anchor,
within the distance threshold, overlapping times, same day, ...) with their counts.

**Claims.** Every casualty figure of the members, side by side, never averaged, and
whether they contradict each other (:mod:`incidents.event_claims`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from gazetteer.model import Gazetteer, load_gazetteer
from geo.crs import WGS84
from geo.errors import IncidentMapperError
from incidents.event_claims import ClaimReader, claims_contradict
from incidents.event_items import PRECISIONS, SUB_DAY, IncidentColumns, Item, read_items
from incidents.event_places import GroupPlace, PlaceRelations
from incidents.event_rules import (
    ClaimRules,
    EventRules,
    load_event_rules,
    parse_event_rules,
)
from incidents.grouping import REASON_TEXT, GroupedEvent, cluster
from incidents.timeref import local_zone
from incidents.vocabulary import incident_vocabulary, type_label

__all__ = [
    "EVENT_COLUMNS",
    "ClaimRules",
    "EventRules",
    "event_id_column",
    "event_rows",
    "events_frame",
    "group_events",
    "incident_event_ids",
    "load_event_rules",
    "parse_event_rules",
]

#: Columns of the event table, in order (plus ``geometry``).
EVENT_COLUMNS = (
    "event_id",
    "family",
    "event_types",
    "date",
    "time_start",
    "time_end",
    "time_precision",
    "place_id",
    "place_name",
    "geo_precision",
    "uncertainty_m",
    "place_support",
    "spread_m",
    "n_incidents",
    "n_sources",
    "n_independent_sources",
    "n_unknown_sources",
    "sources",
    "incident_ids",
    "claims",
    "contradicted",
    "reasons",
    "lat",
    "lon",
    "summary",
)
#: Incident columns :func:`group_events` reads.
REQUIRED_COLUMNS = (
    "incident_id",
    "event_type",
    "date",
    "time_start",
    "time_end",
    "time_precision",
    "place_id",
    "place_name",
    "geo_precision",
    "uncertainty_m",
    "place_basis",
    "source",
    "source_type",
    "via",
    "report",
    "evidence_start",
    "killed",
    "injured",
    "casualty_text",
    "claimed_by",
    "claim_status",
    "lat",
    "lon",
)
#: Incident columns read when present (added by newer extractors); absent means unknown.
OPTIONAL_COLUMNS = ("status", "scope", "source_origin")
#: Integer columns of the event table.
_COUNT_COLUMNS = (
    "n_incidents", "n_sources", "n_independent_sources", "n_unknown_sources", "place_support",
)  # fmt: skip
_EVALUATION_NAMES = frozenset(
    {"EVENT_TARGETS", "EventScores", "evaluate_events", "gold_incidents_frame", "read_gold_events"}
)


def __getattr__(name: str) -> Any:
    """The evaluation API, kept importable from here (it lives in incidents.event_evaluation)."""
    if name in _EVALUATION_NAMES:
        from incidents import event_evaluation

        return getattr(event_evaluation, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


# ----------------------------------------------------------------------------- sources


def _source_counts(
    names: Sequence[str],
    origins: Sequence[Any],
    source_types: Sequence[Any],
    vias: Sequence[Any],
    rules: EventRules,
) -> tuple[list[str], int, int]:
    """(distinct sources, independent ones, unknown ones) of an event, from its members'
    ``source`` (as text), ``source_origin``, ``source_type`` and ``via``.

    Each embedded post is merged into the outlet that embedded it; an unknown source
    (see ``unknown_sources`` in the rules, or ``source_origin`` = ``filename``) is
    never independent corroboration.
    """
    sources = list(dict.fromkeys(names))
    unknown = {
        name
        for name, origin in zip(names, origins, strict=True)
        if rules.is_unknown_source(name) or origin == "filename"
    }
    known = [s for s in sources if s not in unknown]
    parent = {s: s for s in known}
    if len(parent) <= 1:
        return sources, len(parent), len(unknown)

    def find(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for source, source_type, via in zip(names, source_types, vias, strict=True):
        if source in parent and source_type == "social" and via is not None and str(via) in parent:
            a, b = find(source), find(str(via))
            if a != b:
                parent[max(a, b)] = min(a, b)
    return sources, len({find(s) for s in known}), len(unknown)


def _member_values(columns: IncidentColumns, name: str, positions: np.ndarray) -> list[Any]:
    """The values of column ``name`` at ``positions`` (None when missing or absent), as
    :meth:`IncidentColumns.get` gives them one at a time."""
    if name not in columns:
        return [None] * len(positions)
    values = columns.distinct(name)
    return [values[code] for code in columns.codes(name)[positions].tolist()]


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


# ----------------------------------------------------------------------------- event rows


def event_id_for(incident_ids: Iterable[str]) -> str:
    """A stable event id, derived from the sorted ids of its incidents."""
    digest = hashlib.sha1("\n".join(sorted(incident_ids)).encode("utf-8"), usedforsecurity=False)
    return f"evt-{digest.hexdigest()[:12]}"


def _supports(relations: PlaceRelations, candidate: GroupPlace, member: GroupPlace) -> bool:
    """Whether a member's place backs ``candidate`` as the event's place."""
    if relations.encloses(candidate, member):
        return True
    return relations.distance(candidate, member) <= candidate.uncertainty_m


def event_place(
    members: Sequence[Item], relations: PlaceRelations
) -> tuple[GroupPlace | None, int, float | None]:
    """(place, members supporting it, spread in metres) of an event (module docstring)."""
    placed = [m for m in members if m.place is not None and m.own_place is not None]
    if not placed:
        return None, 0, None
    # The place a member stands for: its own, unless it is only known as its container.
    places = [m.own_place if m.place is m.own_place else m.place for m in placed]
    distinct: dict[str, GroupPlace] = {}
    for place in places:  # type: ignore[assignment]
        key = place.place_id  # type: ignore[union-attr]
        if key not in distinct or place.uncertainty_m < distinct[key].uncertainty_m:  # type: ignore[union-attr]
            distinct[key] = place  # type: ignore[assignment]
    counts = Counter(p.place_id for p in places)  # type: ignore[union-attr]
    scored = []
    for candidate in distinct.values():
        support = sum(
            n for other, n in counts.items() if _supports(relations, candidate, distinct[other])
        )
        scored.append((support, candidate))
    majority = [s for s in scored if 2 * s[0] > len(places)]

    def tie_break(scored_place: tuple[int, GroupPlace]) -> tuple[Any, ...]:
        support, place = scored_place
        derived = place.place_id != place.base  # a gazetteer entry before an area made from it
        return (-support, -counts[place.place_id], derived, place.place_id)

    if majority:
        support, best = min(majority, key=lambda s: (s[1].uncertainty_m, *tie_break(s)))
    else:
        support, best = min(scored, key=lambda s: (-s[0], s[1].uncertainty_m, *tie_break(s)))
    spread = max(math.hypot(p.x - best.x, p.y - best.y) for p in distinct.values())
    return best, support, round(spread, 1)


def _iso_local(seconds: float, zone: ZoneInfo) -> str:
    """A UTC moment as local ISO 8601 in ``zone``, at that moment's offset."""
    return dt.datetime.fromtimestamp(seconds, tz=zone).isoformat()


def _time_fields(
    members: Sequence[Item], zone: ZoneInfo
) -> tuple[str | None, str | None, str, str | None]:
    """The event's window, its precision and its local day.

    The window is the union of the members' windows finer than a day when there are
    any (a day-long window from another report adds nothing to "17:40" and "late
    afternoon"), else the union of their day windows, so an event of day-precision
    reports still has a start and an end.
    """
    days = [m.day for m in members if m.day is not None]
    day = dt.date.fromordinal(min(days)).isoformat() if days else None
    timed = [m for m in members if m.has_window]
    fine = [m for m in timed if m.precision in SUB_DAY]
    chosen = fine or timed
    if not chosen:
        return None, None, "unknown", day
    if fine:
        precision = "hour" if all(m.precision == "hour" for m in fine) else "part_of_day"
    else:
        rank = {p: i for i, p in enumerate(PRECISIONS)}
        coarsest = max(rank.get(m.precision, len(PRECISIONS) - 1) for m in chosen)
        precision = PRECISIONS[coarsest]
    start = min(m.start for m in chosen)  # type: ignore[type-var]
    end = max(m.end for m in chosen)  # type: ignore[type-var]
    return _iso_local(start, zone), _iso_local(end, zone), precision, day  # type: ignore[arg-type]


@cache
def _families() -> frozenset[str]:
    return frozenset(t.family for t in incident_vocabulary().types.values())


def _family(group: str, members: Sequence[Item]) -> str:
    vocabulary = incident_vocabulary()
    if group in _families():
        return group
    known = vocabulary.types.get(members[0].event_type)
    return known.family if known is not None else group


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _summary(
    types: Sequence[str], place: str | None, day: str | None, n_sources: int, n_independent: int,
    n_incidents: int, contradicted: bool,
) -> str:  # fmt: skip
    """One plain-text line; escaping it for HTML is the renderer's job."""
    labels = [type_label(t) for t in types]
    what = ", ".join(labels[:3]) + (", …" if len(labels) > 3 else "")
    sources = _plural(n_sources, "source")
    if n_independent != n_sources:
        sources += f" ({n_independent} independent)"
    text = (
        f"{what} — {place or 'place unknown'}, {day or 'date unknown'}: "
        f"{_plural(n_incidents, 'incident')} from {sources}"
    )
    return text + ("; casualty claims disagree" if contradicted else "")


def _reasons(event: GroupedEvent) -> list[str]:
    """Why the members were joined, most frequent first, as readable lines."""
    counts = event.reasons
    return [
        f"{REASON_TEXT.get(key, key)} ({counts[key]})"
        for key in sorted(counts, key=lambda k: (k != "first", -counts[k], k))
    ]


_ORDER = attrgetter("order")
_CLAIM_COLUMNS = ("source", "killed", "injured", "casualty_text", "claimed_by", "claim_status")
#: The incident columns an event row reads of its members.
_MEMBER_COLUMNS = (*_CLAIM_COLUMNS, "source_origin", "source_type", "via")


def _event_row(
    event: GroupedEvent,
    columns: IncidentColumns,
    relations: PlaceRelations,
    rules: EventRules,
    claim_reader: ClaimReader,
) -> dict[str, Any]:
    members = sorted(event.members, key=_ORDER)
    ids = [m.incident_id for m in members]
    counts = Counter(m.event_type for m in members)
    types = sorted(counts, key=lambda t: (-counts[t], t))
    zone = local_zone(relations.gazetteer.pack.timezone)
    start, end, precision, day = _time_fields(members, zone)
    positions = np.fromiter((m.position for m in members), dtype=np.int64, count=len(members))
    values = {name: _member_values(columns, name, positions) for name in _MEMBER_COLUMNS}
    sources, n_independent, n_unknown = _source_counts(
        [str(v) for v in values["source"]],
        values["source_origin"],
        values["source_type"],
        values["via"],
        rules,
    )
    claims = []
    claim_objects = []
    killed, injured, status = values["killed"], values["injured"], values["claim_status"]
    for index, member in enumerate(members):
        if (
            member.event_type != "casualties"
            and killed[index] is None
            and injured[index] is None
            and status[index] is None
        ):
            continue
        record = {name: values[name][index] for name in _CLAIM_COLUMNS}
        claim = claim_reader.read(member, record)
        claim_objects.append(claim)
        claims.append(
            {
                "incident_id": member.incident_id,
                "killed": _int_or_none(record["killed"]),
                "injured": _int_or_none(record["injured"]),
                "claimed_by": record["claimed_by"],
                "claimant": claim.claimant if record["claimed_by"] is not None else None,
                "claim_status": record["claim_status"],
                "source": record["source"],
                "casualty_text": record["casualty_text"],
            }
        )
    contradicted = claims_contradict(claim_objects)
    place, support, spread = event_place(members, relations)
    return {
        "event_id": event_id_for(ids),
        "family": _family(event.group, members),
        "event_types": types,
        "date": day,
        "time_start": start,
        "time_end": end,
        "time_precision": precision,
        "place_id": place.place_id if place else None,
        "place_name": place.name if place else None,
        "geo_precision": place.precision if place else None,
        "uncertainty_m": place.uncertainty_m if place else None,
        "place_support": support,
        "spread_m": spread,
        "n_incidents": len(members),
        "n_sources": len(sources),
        "n_independent_sources": n_independent,
        "n_unknown_sources": n_unknown,
        "sources": sources,
        "incident_ids": ids,
        "claims": claims,
        "contradicted": contradicted,
        "reasons": _reasons(event),
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "summary": _summary(
            types,
            place.name if place else None,
            day,
            len(sources),
            n_independent,
            len(ids),
            contradicted,
        ),
    }


def _typed(frame: pd.DataFrame, lat: Sequence[Any], lon: Sequence[Any]) -> gpd.GeoDataFrame:
    for column in ("lat", "lon", "uncertainty_m", "spread_m"):
        frame[column] = frame[column].astype("float64")
    for column in _COUNT_COLUMNS:
        frame[column] = frame[column].astype("int64")
    frame["contradicted"] = frame["contradicted"].astype(bool)
    xs = np.array([np.nan if v is None else v for v in lon], dtype=float)
    ys = np.array([np.nan if v is None else v for v in lat], dtype=float)
    points = shapely.points(xs, ys)
    points[np.isnan(xs) | np.isnan(ys)] = None
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(points, crs=WGS84), crs=WGS84)


def _empty_events() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})
    return _typed(frame, [], [])


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector, which otherwise rescans every live object again
    and again while millions are made (reference counting still frees them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def group_events(
    incidents: gpd.GeoDataFrame | pa.Table | IncidentColumns,
    *,
    gazetteer: Gazetteer | None = None,
    rules: EventRules | None = None,
) -> gpd.GeoDataFrame:
    """Group an incident table into events, one row per event (EPSG:4326).

    Parameters
    ----------
    incidents
        The incident table (:func:`incidents.pipeline.incidents_frame`, or the same
        columns as an Arrow table, such as a build's columnar spill), in any row order:
        the result does not depend on it. ``status``, ``scope`` and ``source_origin``
        are used when present. Only the columns :data:`REQUIRED_COLUMNS` and
        :data:`OPTIONAL_COLUMNS` are read, into compact codes (4 bytes a cell); they
        may be given as such (:class:`~incidents.event_items.IncidentColumns`, for instance
        read from a Parquet file a column at a time).
    gazetteer
        For ``part_of``/``adjacent_to`` relations, and its pack's time zone (event
        times) and metric CRS (distances); the bundled one by default.
    rules
        The grouping rules; the bundled ``event_rules.json`` by default.

    Returns
    -------
    GeoDataFrame
        Columns :data:`EVENT_COLUMNS` and a Point ``geometry`` (the event's place;
        None when no member has a place). Rows are ordered by date, time, family and
        id. Lists are Python lists and missing text is None; ``lat``, ``lon``,
        ``uncertainty_m`` and ``spread_m`` are floats (NaN when missing), as in the
        incident table.
    """
    rules = rules or load_event_rules()
    if isinstance(incidents, IncidentColumns):
        names: Any = incidents
    elif isinstance(incidents, pa.Table):
        names = incidents.column_names
    else:
        names = incidents.columns
    check_columns(names)
    check_unique_ids(incidents)
    if len(incidents) == 0:
        return _empty_events()
    relations = PlaceRelations(
        gazetteer if gazetteer is not None else load_gazetteer(),
        shared_neighbour=rules.shared_neighbour,
    )
    wanted = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    if isinstance(incidents, IncidentColumns):
        columns = incidents
    elif isinstance(incidents, pa.Table):
        columns = IncidentColumns.from_table(incidents, wanted)
    else:
        columns = IncidentColumns.from_frame(incidents, wanted)
    rows = event_rows(columns, relations, rules)
    del columns
    return events_frame(rows)


def check_columns(names: Any) -> None:
    """Raise :class:`~geo.errors.IncidentMapperError` naming the columns of
    :data:`REQUIRED_COLUMNS` that ``names`` lacks."""
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        msg = f"the incident table lacks the column(s) {', '.join(missing)}"
        raise IncidentMapperError(msg)


def event_rows(
    columns: IncidentColumns,
    relations: PlaceRelations,
    rules: EventRules,
    only: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """The event rows (unsorted) of the incidents of ``columns`` (only of the rows
    ``only``, ascending, when given), a type group at a time.

    Events never join across type groups, so the rows of a table are those of its
    groups' rows taken apart, in any order: :func:`events_frame` sorts them into the
    event table (:mod:`incidents.event_parts` groups them in several processes).
    """
    with _no_cyclic_gc():  # millions of small objects, no cycles: spare the collector
        rows: list[dict[str, Any]] = []
        claim_reader = ClaimReader(rules.claims)
        # Each group is clustered alone, so only one group's items are in memory at a
        # time (the result is the same).
        for group_rows in _rows_by_group(columns, rules):
            if only is not None:
                group_rows = group_rows[np.isin(group_rows, only, assume_unique=True)]
                if not len(group_rows):
                    continue
            items = read_items(columns, relations, rules, group_rows)
            events = cluster(items, relations, rules)
            del items
            rows.extend(
                _event_row(event, columns, relations, rules, claim_reader) for event in events
            )
            del events
        return rows


def events_frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """The event table of :func:`event_rows`' rows (of one table or of its type groups
    taken apart): ordered by date, time, family, place and id, which is a total order
    (an event id is made from its members' ids), so the table does not depend on the
    order the rows come in. Sorts ``rows`` in place."""
    if not rows:
        return _empty_events()
    with _no_cyclic_gc():
        rows.sort(
            key=lambda r: (
                r["date"] is None, r["date"] or "", r["time_start"] or "", r["family"],
                r["place_id"] or "", r["event_id"],
            )
        )  # fmt: skip
        frame = pd.DataFrame.from_records(rows, columns=list(EVENT_COLUMNS))
        frame = frame.astype(object).where(frame.notna(), None)
        return _typed(frame, [r["lat"] for r in rows], [r["lon"] for r in rows])


def _rows_by_group(columns: IncidentColumns, rules: EventRules) -> list[np.ndarray]:
    """The row positions of each type group, largest group last."""
    group_of = np.array(
        [rules.group_of(str(v)) for v in columns.distinct("event_type")], dtype=object
    )
    names, group_codes = np.unique(group_of, return_inverse=True)
    codes = np.asarray(group_codes, dtype=np.int64).reshape(-1)[columns.codes("event_type")]
    parts = [np.flatnonzero(codes == k) for k in range(len(names))]
    return sorted((p for p in parts if len(p)), key=len)


def check_unique_ids(incidents: pd.DataFrame | pa.Table | IncidentColumns) -> None:
    """Raise :class:`~geo.errors.IncidentMapperError` naming repeated incident ids."""
    if isinstance(incidents, IncidentColumns):
        codes = incidents.codes("incident_id")
        if len(incidents.distinct("incident_id")) - 1 == len(codes) or not len(codes):
            return
        distinct = incidents.distinct("incident_id")
        ids = pd.Series([distinct[c] for c in codes.tolist()], dtype=object).astype(str)
    elif isinstance(incidents, pa.Table):
        column = incidents.column("incident_id")
        if pc.count_distinct(column, mode="all").as_py() == len(column):
            return
        ids = pd.Series(column.to_pylist(), dtype=object).astype(str)
    else:
        ids = incidents["incident_id"].astype(str)
    repeated = ids[ids.duplicated(keep=False)]
    if len(repeated):
        duplicates = sorted(set(repeated))
        msg = f"incident ids must be unique; repeated: {', '.join(duplicates[:5])}"
        raise IncidentMapperError(msg)


def incident_event_ids(incidents: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    """The event id of every incident, indexed by ``incident_id`` in the incidents' order.

    Raises :class:`~geo.errors.IncidentMapperError` if an incident is in no event
    or in several, which would mean the events were made from other incidents.
    """
    owner: dict[str, str] = {}
    for event_id, members in zip(events["event_id"], events["incident_ids"], strict=True):
        for incident_id in members:
            if incident_id in owner:
                msg = f"incident {incident_id} is in two events ({owner[incident_id]}, {event_id})"
                raise IncidentMapperError(msg)
            owner[incident_id] = event_id
    ids = [str(i) for i in incidents["incident_id"]]
    lost = [i for i in ids if i not in owner]
    if lost:
        msg = f"{len(lost)} incident(s) are in no event, e.g. {lost[0]}; regroup the events"
        raise IncidentMapperError(msg)
    return pd.Series(
        [owner[i] for i in ids], index=pd.Index(ids, name="incident_id"), name="event_id"
    )


def event_id_column(incident_ids: pa.Array | pa.ChunkedArray, events: pd.DataFrame) -> pa.Array:
    """The event id of every incident of ``incident_ids``, in that order, as Arrow text.

    The columnar form of :func:`incident_event_ids` for a build's spill: a join in Arrow,
    no Python object per incident. Raises the same errors.
    """
    lengths = np.fromiter((len(m) for m in events["incident_ids"]), dtype=np.int64)
    members = pa.array(
        [i for ids in events["incident_ids"] for i in ids],
        type=pa.string(),
        size=int(lengths.sum()),
    )
    if pc.count_distinct(members).as_py() < len(members):
        owner: dict[str, str] = {}
        for event_id, ids in zip(events["event_id"], events["incident_ids"], strict=True):
            for incident_id in ids:
                if incident_id in owner:
                    msg = (
                        f"incident {incident_id} is in two events "
                        f"({owner[incident_id]}, {event_id})"
                    )
                    raise IncidentMapperError(msg)
                owner[incident_id] = event_id
    incident_ids = incident_ids.cast(pa.string())
    found = pc.index_in(incident_ids, value_set=members)
    lost = pc.is_null(found)
    if pc.any(lost).as_py():
        first = pc.filter(incident_ids, lost)
        msg = f"{len(first)} incident(s) are in no event, e.g. {first[0]}; regroup the events"
        raise IncidentMapperError(msg)
    owner_of_member = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    if isinstance(found, pa.ChunkedArray):
        found = found.combine_chunks()
    positions = found.to_numpy()
    event_ids = pa.array(list(events["event_id"]), type=pa.string())
    return event_ids.take(pa.array(owner_of_member[positions]))
