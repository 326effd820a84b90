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

**Clustering** is agglomerative, in a fixed order, with a cap that stops chains.
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

**Undated incidents** (``date`` null) are placed after all dated ones. One joins
an event by type and place only when nothing contradicts: the compatible events
(preferring those with a member at its very place) must all lie on one day, and
its own time window, if it has one, must overlap. Otherwise it joins or starts
an undated event.

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
ties the three together).

**Claims.** Every casualty figure of the members, side by side, never averaged.
Claimants are compared by name after the aliases and noise words of the rules
(``Iraq's Health Ministry`` is the ``Health Ministry``); a claim without a claimant
is that source's own. ``contradicted`` is true when two claims from different
claimants disagree on the killed or on the injured (figures after "at least"
or vague words are minimums, figures after "about" carry a tolerance, and
figures about a part of the people, such as policemen or a faction's own
members, only disagree with a total when they exceed it), or when a denial meets
a claim of deaths or injuries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from gazetteer.geoparse import Geoparser
from gazetteer.model import Gazetteer, Place, load_gazetteer
from gazetteer.normalize import normalize_name
from geo.crs import WGS84, distance_m
from geo.errors import IncidentMapperError
from geo.relative import radius_m
from geo.resources import read_json_resource
from incidents.model import Incident
from incidents.pipeline import analyse_report, incidents_frame
from incidents.reports import read_report
from incidents.timeref import BAGHDAD
from incidents.vocabulary import incident_vocabulary

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_TARGETS",
    "ClaimRules",
    "EventRules",
    "EventScores",
    "evaluate_events",
    "gold_incidents_frame",
    "group_events",
    "incident_event_ids",
    "load_event_rules",
]

RULES_FILE = "event_rules.json"
_BUNDLED_ORIGIN = f"incidents/data/{RULES_FILE}"

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
    "n_incidents",
    "n_sources",
    "n_independent_sources",
    "sources",
    "incident_ids",
    "claims",
    "contradicted",
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
#: Time precisions, finest first.
PRECISIONS = ("hour", "part_of_day", "day", "month", "unknown")
_SUB_DAY = frozenset({"hour", "part_of_day"})
_RELATIVE_PREFIX = "rel:"


# ----------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class ClaimRules:
    """How casualty claims are compared (``claims`` in ``event_rules.json``).

    Every phrase is stored normalised (:func:`~gazetteer.normalize.normalize_name`).
    """

    claimant_aliases: tuple[tuple[str, tuple[str, ...]], ...]
    """(canonical claimant, phrases naming it), in file order."""
    claimant_noise_words: frozenset[str]
    lower_bound_words: tuple[str, ...]
    approximate_words: tuple[str, ...]
    approximate_tolerance: float
    vague_words: tuple[str, ...]
    subgroups: tuple[tuple[str, tuple[str, ...]], ...]
    """(group name, words), first match wins."""


@dataclass(frozen=True)
class EventRules:
    """Every setting of the event grouping, from ``incidents/data/event_rules.json``.

    Use :func:`load_event_rules`; the file documents each setting.
    """

    threshold_m: float
    """Distance within which two places are always compatible, by default."""
    group_threshold_m: Mapping[str, float]
    """The same, for type groups with their own value."""
    time_slack: dt.timedelta
    type_groups: Mapping[str, str]
    """Event type -> type group, for types not grouped by their family."""
    context_place_bases: frozenset[str]
    shared_neighbour: bool
    """Whether two places adjacent to one same place are compatible."""
    area_kinds: frozenset[str]
    """Gazetteer kinds that are areas, to which a place known only by context is widened."""
    elsewhere_place_bases: frozenset[str]
    claims: ClaimRules

    def threshold_for(self, group: str) -> float:
        """The distance threshold of one type group, in metres."""
        return self.group_threshold_m.get(group, self.threshold_m)

    def group_of(self, event_type: str) -> str:
        """The type group of an event type: its override, else its family, else itself."""
        if event_type in self.type_groups:
            return self.type_groups[event_type]
        known = incident_vocabulary().types.get(event_type)
        return known.family if known is not None else event_type


def _rules_error(message: str, origin: str) -> IncidentMapperError:
    return IncidentMapperError(message, path=origin)


def _section(data: Mapping[str, Any], key: str, origin: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        msg = f"'{key}' must be an object"
        raise _rules_error(msg, origin)
    return value


def _number(value: Any, where: str, origin: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        msg = f"{where} must be a non-negative number, got {value!r}"
        raise _rules_error(msg, origin)
    return float(value)


def _phrases(value: Any, where: str, origin: str) -> tuple[str, ...]:
    if isinstance(value, Mapping):
        value = value.get("values")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where} must be a list of strings"
        raise _rules_error(msg, origin)
    return tuple(dict.fromkeys(p for p in (normalize_name(v) for v in value) if p))


def _identifiers(value: Any, where: str, origin: str) -> frozenset[str]:
    """Names of values in the incident table or the gazetteer, kept as written."""
    if isinstance(value, Mapping):
        value = value.get("values")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where} must be a list of strings"
        raise _rules_error(msg, origin)
    return frozenset(v.strip() for v in value if v.strip())


def _flag(value: Any, where: str, origin: str) -> bool:
    if isinstance(value, Mapping):
        value = value.get("value")
    if not isinstance(value, bool):
        msg = f"{where} must be true or false"
        raise _rules_error(msg, origin)
    return value


def _entries(section: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in section.items() if not k.startswith("_")]


def parse_event_rules(data: Any, *, origin: str) -> EventRules:
    """Build :class:`EventRules` from the parsed JSON of a rules file."""
    if not isinstance(data, Mapping):
        msg = "an event rules file must be a JSON object"
        raise _rules_error(msg, origin)
    thresholds = _section(data, "threshold_m", origin)
    default = _number(thresholds.get("default"), "threshold_m.default", origin)
    group_thresholds = {
        k: _number(v, f"threshold_m.{k}", origin) for k, v in _entries(thresholds) if k != "default"
    }
    slack = _number(
        _section(data, "time_slack_minutes", origin).get("value"), "time_slack_minutes", origin
    )
    groups = {}
    for event_type, group in _entries(_section(data, "type_groups", origin)):
        if not isinstance(group, str) or not group:
            msg = f"type_groups.{event_type} must be a group name"
            raise _rules_error(msg, origin)
        groups[event_type] = group
    claims = _section(data, "claims", origin)
    aliases = tuple(
        (normalize_name(name), _phrases(phrases, f"claims.claimant_aliases.{name}", origin))
        for name, phrases in _entries(_section(claims, "claimant_aliases", origin))
    )
    subgroups = tuple(
        (name, _phrases(words, f"claims.subgroups.{name}", origin))
        for name, words in _entries(_section(claims, "subgroups", origin))
    )
    claim_rules = ClaimRules(
        claimant_aliases=aliases,
        claimant_noise_words=frozenset(
            _phrases(claims.get("claimant_noise_words"), "claims.claimant_noise_words", origin)
        ),
        lower_bound_words=_phrases(
            claims.get("lower_bound_words"), "claims.lower_bound_words", origin
        ),
        approximate_words=_phrases(
            claims.get("approximate_words"), "claims.approximate_words", origin
        ),
        approximate_tolerance=_number(
            claims.get("approximate_tolerance"), "claims.approximate_tolerance", origin
        ),
        vague_words=_phrases(claims.get("vague_words"), "claims.vague_words", origin),
        subgroups=subgroups,
    )
    return EventRules(
        threshold_m=default,
        group_threshold_m=MappingProxyType(group_thresholds),
        time_slack=dt.timedelta(minutes=slack),
        type_groups=MappingProxyType(groups),
        context_place_bases=_identifiers(
            data.get("context_place_bases"), "context_place_bases", origin
        ),
        area_kinds=_identifiers(data.get("area_kinds"), "area_kinds", origin),
        shared_neighbour=_flag(data.get("shared_neighbour"), "shared_neighbour", origin),
        elsewhere_place_bases=_identifiers(
            data.get("elsewhere_place_bases"), "elsewhere_place_bases", origin
        ),
        claims=claim_rules,
    )


@cache
def _bundled_rules() -> EventRules:
    return parse_event_rules(read_json_resource("incidents", RULES_FILE), origin=_BUNDLED_ORIGIN)


def load_event_rules(path: str | Path | None = None) -> EventRules:
    """The bundled event rules, or those of a user's rules file (same format)."""
    if path is None:
        return _bundled_rules()
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        msg = "event rules file not found"
        raise IncidentMapperError(msg, path=path) from exc
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise IncidentMapperError(msg, path=path, line=exc.lineno) from exc
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"event rules file cannot be read: {exc}"
        raise IncidentMapperError(msg, path=path) from exc
    return parse_event_rules(data, origin=str(path))


# ----------------------------------------------------------------------------- places


@dataclass(frozen=True)
class _Place:
    """A place as the grouping sees it."""

    place_id: str
    base: str
    """The gazetteer id the place is (or is anchored on, for ``rel:...`` places)."""
    lat: float
    lon: float
    uncertainty_m: float
    name: str | None
    precision: str | None


def _base_id(place_id: str) -> str:
    if place_id.startswith(_RELATIVE_PREFIX):
        return place_id.split(":", 2)[-1]
    return place_id


class _Geometry:
    """Place relations and metric distances, cached for one grouping run."""

    def __init__(self, gazetteer: Gazetteer, *, shared_neighbour: bool = False):
        self.gazetteer = gazetteer
        self.shared_neighbour = shared_neighbour
        self._distances: dict[tuple[float, float, float, float], float] = {}
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._neighbours: dict[str, tuple[str, ...]] = {}

    def ancestors(self, base: str) -> tuple[str, ...]:
        if base not in self._ancestors:
            known = base in self.gazetteer
            self._ancestors[base] = self.gazetteer.ancestors(base) if known else ()
        return self._ancestors[base]

    def neighbours(self, base: str) -> tuple[str, ...]:
        if base not in self._neighbours:
            known = base in self.gazetteer
            self._neighbours[base] = self.gazetteer.neighbours(base) if known else ()
        return self._neighbours[base]

    def distance(self, a: _Place, b: _Place) -> float:
        key = (a.lat, a.lon, b.lat, b.lon) if (a.lat, a.lon) <= (b.lat, b.lon) else (
            b.lat, b.lon, a.lat, a.lon
        )  # fmt: skip
        if key not in self._distances:
            self._distances[key] = distance_m(Point(a.lon, a.lat), Point(b.lon, b.lat))
        return self._distances[key]

    def related(self, a: _Place, b: _Place) -> bool:
        """Same place or anchor, one part of the other, adjacent, or (when the rules say
        so) both adjacent to one place, as the two ends of a bridge are."""
        if (
            a.base == b.base
            or a.base in self.ancestors(b.base)
            or b.base in self.ancestors(a.base)
            or b.base in self.neighbours(a.base)
        ):
            return True
        return self.shared_neighbour and not set(self.neighbours(a.base)).isdisjoint(
            self.neighbours(b.base)
        )

    def compatible(self, a: _Place, b: _Place, threshold_m: float) -> bool:
        """Whether two places may be where one event happened."""
        if self.related(a, b):
            return True
        return self.distance(a, b) <= max(threshold_m, a.uncertainty_m + b.uncertainty_m)

    def encloses(self, outer: _Place, inner: _Place) -> bool:
        """Whether ``outer`` is ``inner``'s place or one of its containing places."""
        return outer.base == inner.base or outer.base in self.ancestors(inner.base)

    def nested(self, a: _Place, b: _Place) -> bool:
        """Whether one of two places contains the other (by ``part_of``)."""
        return self.encloses(a, b) or self.encloses(b, a)

    def area_of(self, place: _Place, area_kinds: frozenset[str]) -> _Place:
        """The smallest area (a place of one of ``area_kinds``) that is or contains ``place``.

        ``place`` itself when it is an area already, or when no located area contains it.
        """
        for area_id in (place.base, *self.ancestors(place.base)):
            area = self.gazetteer.get(area_id)
            if area is None or area.kind not in area_kinds:
                continue
            if area_id == place.base:
                return place
            if area.lat_lon is None or area.geometry is None:
                continue
            lat, lon = area.lat_lon
            extent = radius_m(area.geometry, around=Point(lon, lat))
            return _Place(
                place_id=area.id,
                base=area.id,
                lat=lat,
                lon=lon,
                uncertainty_m=round(max(area.uncertainty_m, extent, place.uncertainty_m), 1),
                name=area.name,
                precision=_precision_of(area),
            )
        return place

    def is_located(self, place: _Place) -> bool:
        """False for a gazetteer entry without coordinates of its own (placed at its container)."""
        entry = self.gazetteer.get(place.base)
        return entry is None or (
            entry.geometry is not None and entry.coordinate_basis != "not_located"
        )


_KIND_PRECISION = {
    "zone": "zone",
    "city": "city",
    "district": "district",
    "neighbourhood": "district",
}


def _precision_of(place: Place) -> str:
    """The geo_precision a gazetteer entry has when an incident is placed at it."""
    if place.kind in _KIND_PRECISION:
        return _KIND_PRECISION[place.kind]
    return "estimated" if place.estimated else "exact"


# ----------------------------------------------------------------------------- items


@dataclass
class _Item:
    """One incident row, read for grouping."""

    position: int
    incident_id: str
    event_type: str
    group: str
    date: dt.date | None
    start: dt.datetime | None
    end: dt.datetime | None
    precision: str
    own_place: _Place | None
    """The place the incident table gives."""
    place: _Place | None
    """The place used for grouping (widened when it only comes from the report's subject)."""
    elsewhere: bool
    place_label: str | None
    """Normalised ``place_name`` of an incident without a place, if the table names one."""
    report: str
    evidence_start: int
    record: dict[str, Any] = field(repr=False)

    @property
    def order(self) -> tuple[Any, ...]:
        return (self.report, self.evidence_start, self.event_type, self.incident_id)

    @property
    def has_window(self) -> bool:
        return self.start is not None and self.end is not None


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value  # NaN


def _clean(value: Any) -> Any:
    if _missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | list | dict):
        return value.item()  # numpy scalar -> Python
    return value


def _parse_time(value: Any, *, column: str, incident_id: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        msg = f"incident {incident_id}: {column} {value!r} is not an ISO 8601 time"
        raise IncidentMapperError(msg) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BAGHDAD)
    return parsed


def _parse_date(value: Any, *, incident_id: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        msg = f"incident {incident_id}: date {value!r} is not YYYY-MM-DD"
        raise IncidentMapperError(msg) from exc


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=BAGHDAD)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=BAGHDAD)


def _read_items(incidents: pd.DataFrame, geometry: _Geometry, rules: EventRules) -> list[_Item]:
    missing = [c for c in REQUIRED_COLUMNS if c not in incidents.columns]
    if missing:
        msg = f"the incident table lacks the column(s) {', '.join(missing)}"
        raise IncidentMapperError(msg)
    ids = [str(i) for i in incidents["incident_id"]]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        msg = f"incident ids must be unique; repeated: {', '.join(duplicates[:5])}"
        raise IncidentMapperError(msg)
    items = []
    for position, row in enumerate(incidents[list(REQUIRED_COLUMNS)].to_dict("records")):
        record = {k: _clean(v) for k, v in row.items()}
        incident_id = str(record["incident_id"])
        date = _parse_date(record["date"], incident_id=incident_id)
        start = _parse_time(record["time_start"], column="time_start", incident_id=incident_id)
        end = _parse_time(record["time_end"], column="time_end", incident_id=incident_id)
        if start is None or end is None:
            start, end = _day_bounds(date) if date is not None else (None, None)
        precision = record["time_precision"] or "unknown"
        own_place = None
        if (
            record["place_id"] is not None
            and record["lat"] is not None
            and record["lon"] is not None
        ):
            own_place = _Place(
                place_id=str(record["place_id"]),
                base=_base_id(str(record["place_id"])),
                lat=float(record["lat"]),
                lon=float(record["lon"]),
                uncertainty_m=float(record["uncertainty_m"] or 0.0),
                name=record["place_name"],
                precision=record["geo_precision"],
            )
        basis = str(record["place_basis"] or "")
        place = own_place
        if own_place is not None and (
            basis in rules.context_place_bases or not geometry.is_located(own_place)
        ):
            place = geometry.area_of(own_place, rules.area_kinds)
        items.append(
            _Item(
                position=position,
                incident_id=incident_id,
                event_type=str(record["event_type"]),
                group=rules.group_of(str(record["event_type"])),
                date=date,
                start=start,
                end=end,
                precision=precision,
                own_place=own_place,
                place=place,
                elsewhere=own_place is None and basis in rules.elsewhere_place_bases,
                place_label=(
                    normalize_name(str(record["place_name"])) or None
                    if own_place is None and record["place_name"] is not None
                    else None
                ),
                report=str(record["report"] or ""),
                evidence_start=int(record["evidence_start"] or 0),
                record=record,
            )
        )
    return items


# ----------------------------------------------------------------------------- clustering


@dataclass
class _Event:
    index: int
    group: str
    anchor: _Place | None
    members: list[_Item] = field(default_factory=list)
    dates: set[dt.date] = field(default_factory=set)
    bases: set[str] = field(default_factory=set)
    """Gazetteer ids of the members' places."""

    def add(self, item: _Item) -> None:
        self.members.append(item)
        if item.date is not None:
            self.dates.add(item.date)
        if item.place is not None:
            self.bases.add(item.place.base)

    @property
    def day(self) -> dt.date | None:
        return min(self.dates) if self.dates else None


def _time_compatible(a: _Item, b: _Item, slack: dt.timedelta) -> bool:
    if not (a.has_window and b.has_window):
        return True
    if (
        a.date is not None
        and b.date is not None
        and a.date != b.date
        and not (a.precision in _SUB_DAY and b.precision in _SUB_DAY)
    ):
        return False
    return a.start <= b.end + slack and b.start <= a.end + slack  # type: ignore[operator]


class _Clusterer:
    """The agglomerative grouping described in the module docstring."""

    def __init__(self, geometry: _Geometry, rules: EventRules):
        self.geometry = geometry
        self.rules = rules
        self.events: list[_Event] = []
        self.by_group: dict[str, list[_Event]] = {}

    def new_event(self, item: _Item) -> None:
        event = _Event(index=len(self.events), group=item.group, anchor=item.place)
        event.add(item)
        self.events.append(event)
        self.by_group.setdefault(item.group, []).append(event)

    def time_ok(self, item: _Item, event: _Event) -> bool:
        return any(_time_compatible(item, m, self.rules.time_slack) for m in event.members)

    def place_candidates(self, item: _Item) -> list[_Event]:
        assert item.place is not None
        threshold = self.rules.threshold_for(item.group)
        return [
            event
            for event in self.by_group.get(item.group, [])
            if event.anchor is not None
            and self._near_in_days(item, event)
            and self.geometry.compatible(item.place, event.anchor, threshold)
            and self.time_ok(item, event)
        ]

    @staticmethod
    def _near_in_days(item: _Item, event: _Event) -> bool:
        """A cheap first test: a dated incident can only meet events of its day or the next."""
        if item.date is None or not event.dates:
            return True
        return any(abs((item.date - d).days) <= 1 for d in event.dates)

    def choose(self, place: _Place, candidates: Sequence[_Event]) -> _Event | None:
        """The one event a placed incident belongs to, or None when that would be a guess."""
        if not candidates:
            return None
        for event in candidates:
            if event.anchor is not None and event.anchor.base == place.base:
                return event
        if len(candidates) == 1:
            return candidates[0]
        geometry = self.geometry

        def enclosed(event: _Event) -> int:
            return sum(
                geometry.encloses(event.anchor, other.anchor)  # type: ignore[arg-type]
                for other in candidates
                if other is not event
            )

        umbrellas = [
            e
            for e in candidates
            if geometry.nested(e.anchor, place) and enclosed(e) > 0  # type: ignore[arg-type]
        ]
        if not umbrellas:
            return None
        return max(umbrellas, key=lambda e: (enclosed(e), e.anchor.uncertainty_m, -e.index))  # type: ignore[union-attr]

    def add_dated_placed(self, item: _Item) -> None:
        chosen = self.choose(item.place, self.place_candidates(item))  # type: ignore[arg-type]
        if chosen is None:
            self.new_event(item)
        else:
            chosen.add(item)

    def add_undated_placed(self, item: _Item) -> None:
        assert item.place is not None
        candidates = self.place_candidates(item)
        same_place = [e for e in candidates if item.place.base in e.bases]
        tier = same_place or candidates
        dated = [e for e in tier if e.day is not None]
        chosen = None
        if len({e.day for e in dated}) == 1:
            chosen = self.choose(item.place, dated)
        if chosen is None:  # no day, or several: only undated events may take it
            chosen = self.choose(item.place, [e for e in candidates if e.day is None])
        if chosen is None:
            self.new_event(item)
        else:
            chosen.add(item)

    def add_placeless(self, item: _Item) -> None:
        linked: list[_Event] = []
        if not item.elsewhere and item.date is not None and item.precision in _SUB_DAY:
            linked = [
                e
                for e in self.by_group.get(item.group, [])
                if e.anchor is not None
                and any(
                    m.precision in _SUB_DAY
                    and m.date is not None
                    and _time_compatible(item, m, self.rules.time_slack)
                    for m in e.members
                )
            ]
        if len(linked) == 1:
            linked[0].add(item)
            return
        for event in self.by_group.get(item.group, []):
            if event.anchor is None and any(self.same_unmapped(item, m) for m in event.members):
                event.add(item)
                return
        self.new_event(item)

    def same_unmapped(self, a: _Item, b: _Item) -> bool:
        """Two incidents without a place from one sentence, or naming one place outside
        the gazetteer (their ``place_name``) on one day (or with no day to say otherwise)."""
        if (a.report, a.evidence_start) == (b.report, b.evidence_start):
            return a.date == b.date
        same_name = a.place_label is not None and a.place_label == b.place_label
        same_day = a.date == b.date or a.date is None or b.date is None
        return same_name and same_day and _time_compatible(a, b, self.rules.time_slack)


def _cluster(items: list[_Item], geometry: _Geometry, rules: EventRules) -> list[_Event]:
    def tightness(item: _Item) -> tuple[Any, ...]:
        assert item.place is not None
        start = item.start.isoformat() if item.start else ""
        return (item.place.uncertainty_m, str(item.date or ""), start, *item.order)

    clusterer = _Clusterer(geometry, rules)
    placed = [i for i in items if i.place is not None]
    for item in sorted((i for i in placed if i.date is not None), key=tightness):
        clusterer.add_dated_placed(item)
    for item in sorted((i for i in placed if i.date is None), key=tightness):
        clusterer.add_undated_placed(item)
    placeless = [i for i in items if i.place is None]
    for item in sorted(placeless, key=lambda i: (i.date is None, str(i.date or ""), *i.order)):
        clusterer.add_placeless(item)
    return clusterer.events


# ----------------------------------------------------------------------------- sources and claims


def _independent_source_count(members: Sequence[_Item]) -> int:
    """Distinct sources, with each embedded post merged into the outlet that embedded it."""
    sources = {str(m.record["source"]) for m in members}
    parent = {s: s for s in sources}

    def find(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for m in members:
        via = m.record["via"]
        if m.record["source_type"] == "social" and via is not None and str(via) in sources:
            a, b = find(str(m.record["source"])), find(str(via))
            if a != b:
                parent[max(a, b)] = min(a, b)
    return len({find(s) for s in sources})


def _has_phrase(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} "


def claimant_key(claimed_by: str | None, source: str, rules: ClaimRules) -> str:
    """Who a claim comes from, for comparing claims across outlets.

    Aliases map to one name; other names lose the noise words. A claim without a
    claimant is the source's own.
    """
    if claimed_by is None or not normalize_name(claimed_by):
        return f"source:{source}"
    name = normalize_name(claimed_by)
    for canonical, phrases in rules.claimant_aliases:
        if any(_has_phrase(name, p) for p in phrases):
            return canonical
    kept = [w for w in name.split() if w not in rules.claimant_noise_words]
    # Two-word noise entries such as "iraq s" are removed on the joined text.
    joined = " ".join(kept)
    for noise in rules.claimant_noise_words:
        if " " in noise:
            joined = f" {joined} ".replace(f" {noise} ", " ").strip()
    return joined or name


@dataclass(frozen=True)
class _Figure:
    low: float
    high: float


def _figure(value: int | None, text: str, rules: ClaimRules) -> _Figure | None:
    if value is None:
        return None
    if any(_has_phrase(text, w) for w in (*rules.lower_bound_words, *rules.vague_words)):
        return _Figure(float(value), float("inf"))
    if any(_has_phrase(text, w) for w in rules.approximate_words):
        margin = value * rules.approximate_tolerance
        return _Figure(value - margin, value + margin)
    return _Figure(float(value), float(value))


def _subgroup(text: str, claimant: str, rules: ClaimRules) -> str | None:
    for name, words in rules.subgroups:
        if any(_has_phrase(text, w) for w in words):
            return f"{name}:{claimant}" if name == "own_members" else name
    return None


@dataclass(frozen=True)
class _Claim:
    claimant: str
    status: str | None
    killed: _Figure | None
    injured: _Figure | None
    subgroup: str | None
    incident_id: str


def _read_claim(item: _Item, rules: ClaimRules) -> _Claim:
    record = item.record
    text = normalize_name(str(record["casualty_text"] or ""))
    claimant = claimant_key(record["claimed_by"], str(record["source"]), rules)
    return _Claim(
        claimant=claimant,
        status=record["claim_status"],
        killed=_figure(record["killed"], text, rules),
        injured=_figure(record["injured"], text, rules),
        subgroup=_subgroup(text, claimant, rules),
        incident_id=item.incident_id,
    )


def _figures_disagree(
    a: _Figure | None, a_group: str | None, b: _Figure | None, b_group: str | None
) -> bool:
    if a is None or b is None:
        return False
    if a_group == b_group:
        return a.high < b.low or b.high < a.low
    if a_group is None:  # a is about everyone, b about a part of them
        return b.low > a.high
    if b_group is None:
        return a.low > b.high
    return False  # two different parts cannot contradict each other


def _denial_meets_claim(denial: _Claim, other: _Claim) -> bool:
    """A denial (nobody died, no one was hurt) against a claim of deaths or injuries."""
    if denial.status != "denied" or other.status == "denied":
        return False
    pairs = ((denial.killed, other.killed), (denial.injured, other.injured))
    if denial.killed is None and denial.injured is None:  # denied without a figure
        return any(theirs is not None and theirs.high > 0 for _, theirs in pairs)
    return any(
        mine is not None and theirs is not None and theirs.low > mine.high for mine, theirs in pairs
    )


def claims_contradict(claims: Sequence[_Claim]) -> bool:
    """Whether any two claims of one event disagree (see the module docstring)."""
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            if _denial_meets_claim(a, b) or _denial_meets_claim(b, a):
                return True
            if a.claimant == b.claimant:
                continue
            if _figures_disagree(a.killed, a.subgroup, b.killed, b.subgroup):
                return True
            if _figures_disagree(a.injured, a.subgroup, b.injured, b.subgroup):
                return True
    return False


def _is_claim(item: _Item) -> bool:
    record = item.record
    return item.event_type == "casualties" or any(
        record[k] is not None for k in ("killed", "injured", "claim_status")
    )


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


# ----------------------------------------------------------------------------- event rows


def event_id_for(incident_ids: Iterable[str]) -> str:
    """A stable event id, derived from the sorted ids of its incidents."""
    digest = hashlib.sha1("\n".join(sorted(incident_ids)).encode("utf-8"), usedforsecurity=False)
    return f"evt-{digest.hexdigest()[:12]}"


def _representative(event: _Event, geometry: _Geometry, rules: EventRules) -> _Item | None:
    """The member whose place is the tightest one the others are all compatible with."""
    placed = [m for m in event.members if m.place is not None and m.own_place is not None]
    if not placed:
        return None
    direct = [m for m in placed if m.place is m.own_place]
    threshold = rules.threshold_for(event.group)
    for member in sorted(direct or placed, key=lambda m: (m.place.uncertainty_m, *m.order)):  # type: ignore[union-attr]
        if all(
            geometry.compatible(member.place, other.place, threshold)  # type: ignore[arg-type]
            for other in placed
            if other is not member
        ):
            return member
    return min(placed, key=lambda m: (m.place.uncertainty_m, *m.order))  # type: ignore[union-attr]


def _time_fields(members: Sequence[_Item]) -> tuple[str | None, str | None, str, str | None]:
    """The event's window, its precision and its local day.

    The window is the union of the members' windows finer than a day when there are
    any (a day-long window from another report adds nothing to "17:40" and "late
    afternoon"), else the union of their day windows.
    """
    dates = [m.date for m in members if m.date is not None]
    day = min(dates).isoformat() if dates else None
    timed = [m for m in members if m.has_window]
    fine = [m for m in timed if m.precision in _SUB_DAY]
    chosen = fine or timed
    if not chosen:
        return None, None, "unknown", day
    if fine:
        precision = "hour" if all(m.precision == "hour" for m in fine) else "part_of_day"
    else:
        rank = {p: i for i, p in enumerate(PRECISIONS)}
        coarsest = max(rank.get(m.precision, len(PRECISIONS) - 1) for m in chosen)
        precision = PRECISIONS[coarsest]
    start = min(m.start for m in chosen).astimezone(BAGHDAD)  # type: ignore[type-var]
    end = max(m.end for m in chosen).astimezone(BAGHDAD)  # type: ignore[type-var]
    return start.isoformat(), end.isoformat(), precision, day


def _family(group: str, members: Sequence[_Item]) -> str:
    vocabulary = incident_vocabulary()
    families = {t.family for t in vocabulary.types.values()}
    if group in families:
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
    vocabulary = incident_vocabulary()
    labels = [vocabulary.types[t].label if t in vocabulary.types else t for t in types]
    what = ", ".join(labels[:3]) + (", …" if len(labels) > 3 else "")
    sources = _plural(n_sources, "source")
    if n_independent != n_sources:
        sources += f" ({n_independent} independent)"
    text = (
        f"{what} — {place or 'place unknown'}, {day or 'date unknown'}: "
        f"{_plural(n_incidents, 'incident')} from {sources}"
    )
    return text + ("; casualty claims disagree" if contradicted else "")


def _event_row(event: _Event, geometry: _Geometry, rules: EventRules) -> dict[str, Any]:
    members = sorted(event.members, key=lambda m: m.order)
    ids = [m.incident_id for m in members]
    counts = Counter(m.event_type for m in members)
    types = sorted(counts, key=lambda t: (-counts[t], t))
    start, end, precision, day = _time_fields(members)
    sources = list(dict.fromkeys(str(m.record["source"]) for m in members))
    n_independent = _independent_source_count(members)
    claim_members = [m for m in members if _is_claim(m)]
    claim_objects = [_read_claim(m, rules.claims) for m in claim_members]
    claims = [
        {
            "incident_id": m.incident_id,
            "killed": _int_or_none(m.record["killed"]),
            "injured": _int_or_none(m.record["injured"]),
            "claimed_by": m.record["claimed_by"],
            "claimant": c.claimant if m.record["claimed_by"] is not None else None,
            "claim_status": m.record["claim_status"],
            "source": m.record["source"],
            "casualty_text": m.record["casualty_text"],
        }
        for m, c in zip(claim_members, claim_objects, strict=True)
    ]
    contradicted = claims_contradict(claim_objects)
    representative = _representative(event, geometry, rules)
    place = representative.own_place if representative is not None else None
    if representative is not None and representative.place is not representative.own_place:
        place = representative.place  # only known at the level of its container
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
        "n_incidents": len(members),
        "n_sources": len(sources),
        "n_independent_sources": n_independent,
        "sources": sources,
        "incident_ids": ids,
        "claims": claims,
        "contradicted": contradicted,
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


def _empty_events() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})
    return _typed(frame, [])


def _typed(frame: pd.DataFrame, geometry: list[Point | None]) -> gpd.GeoDataFrame:
    for column in ("lat", "lon", "uncertainty_m"):
        frame[column] = frame[column].astype("float64")
    for column in ("n_incidents", "n_sources", "n_independent_sources"):
        frame[column] = frame[column].astype("int64")
    frame["contradicted"] = frame["contradicted"].astype(bool)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=WGS84), crs=WGS84)


def group_events(
    incidents: gpd.GeoDataFrame,
    *,
    gazetteer: Gazetteer | None = None,
    rules: EventRules | None = None,
) -> gpd.GeoDataFrame:
    """Group an incident table into events, one row per event (EPSG:4326).

    Parameters
    ----------
    incidents
        The incident table (:func:`incidents.pipeline.incidents_frame`), in any
        row order: the result does not depend on it.
    gazetteer
        For ``part_of``/``adjacent_to`` relations; the bundled one by default.
    rules
        The grouping rules; the bundled ``event_rules.json`` by default.

    Returns
    -------
    GeoDataFrame
        Columns :data:`EVENT_COLUMNS` and a Point ``geometry`` (the representative
        place; None when no member has a place). Rows are ordered by date, time,
        family and id. Lists are Python lists and missing text is None; ``lat``,
        ``lon`` and ``uncertainty_m`` are floats (NaN when missing), as in the
        incident table.
    """
    rules = rules or load_event_rules()
    geometry = _Geometry(
        gazetteer if gazetteer is not None else load_gazetteer(),
        shared_neighbour=rules.shared_neighbour,
    )
    items = _read_items(incidents, geometry, rules)
    if not items:
        return _empty_events()
    events = _cluster(items, geometry, rules)
    rows = [_event_row(event, geometry, rules) for event in events]
    rows.sort(
        key=lambda r: (
            r["date"] is None, r["date"] or "", r["time_start"] or "", r["family"],
            r["place_id"] or "", r["event_id"],
        )
    )  # fmt: skip
    frame = pd.DataFrame.from_records(rows, columns=list(EVENT_COLUMNS))
    frame = frame.astype(object).where(frame.notna(), None)
    points = [
        Point(r["lon"], r["lat"]) if r["lat"] is not None and r["lon"] is not None else None
        for r in rows
    ]
    return _typed(frame, points)


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


# ----------------------------------------------------------------------------- evaluation

#: The targets CI holds the bundled evaluation set's events to.
EVENT_TARGETS = {"precision": 0.9, "recall": 0.9, "inflation": 1.1}
GOLD_EVENTS_FILE = "gold_events.json"


@dataclass
class EventScores:
    """Pairwise scores of a grouping against the gold events, with what went wrong.

    Over the gold incidents the pipeline found (matched by file, type and
    evidence), a pair of incidents is *predicted together* when they share a
    predicted event and *truly together* when they share a gold event.
    ``precision`` is the share of predicted-together pairs that are truly together,
    ``recall`` the share of truly-together pairs predicted together, and
    ``inflation`` the number of predicted events holding matched incidents over
    the number of gold events holding them (1.0 is ideal; above it, events are split).
    """

    gold_incidents: int = 0
    matched: int = 0
    predicted_incidents: int = 0
    predicted_events: int = 0
    gold_events: int = 0
    pairs_together: int = 0
    pairs_predicted: int = 0
    pairs_gold: int = 0
    unmatched: list[str] = field(default_factory=list)
    splits: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.pairs_together / self.pairs_predicted if self.pairs_predicted else 1.0

    @property
    def recall(self) -> float:
        return self.pairs_together / self.pairs_gold if self.pairs_gold else 1.0

    @property
    def inflation(self) -> float:
        return self.predicted_events / self.gold_events if self.gold_events else 1.0

    def below_targets(self) -> list[str]:
        """The targets these scores miss, as readable lines."""
        failed = []
        if self.precision < EVENT_TARGETS["precision"]:
            failed.append(f"precision = {self.precision:.3f} (target {EVENT_TARGETS['precision']})")
        if self.recall < EVENT_TARGETS["recall"]:
            failed.append(f"recall = {self.recall:.3f} (target {EVENT_TARGETS['recall']})")
        if self.inflation > EVENT_TARGETS["inflation"]:
            failed.append(f"inflation = {self.inflation:.3f} (target {EVENT_TARGETS['inflation']})")
        return failed

    def __str__(self) -> str:
        lines = [
            f"events: precision {self.precision:.3f}, recall {self.recall:.3f}, "
            f"inflation {self.inflation:.3f} "
            f"({self.predicted_events} predicted vs {self.gold_events} gold events)",
            f"  incidents matched: {self.matched} of {self.gold_incidents} gold "
            f"({self.predicted_incidents} predicted)",
            f"  pairs: {self.pairs_together} right, {self.pairs_predicted} predicted, "
            f"{self.pairs_gold} gold",
        ]
        for title, entries in (("split", self.splits), ("merged", self.merges)):
            lines.extend(f"  {title}: {entry}" for entry in entries)
        failed = self.below_targets()
        lines.append("  targets: " + ("met" if not failed else "MISSED: " + "; ".join(failed)))
        return "\n".join(lines)


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        msg = f"cannot read the {what}: {exc}"
        raise IncidentMapperError(msg, path=path) from exc


GoldKey = tuple[str, str, str]
"""(file, event_type, evidence) of a gold incident."""


def read_gold_events(folder: str | Path, gold: Mapping[str, Any]) -> dict[GoldKey, str]:
    """The gold event name of every gold incident, checked against ``gold.json``.

    Every gold incident must be in exactly one gold event.
    """
    path = Path(folder) / GOLD_EVENTS_FILE
    data = _read_json(path, "gold events")
    known = {
        (report["file"], incident["event_type"], incident.get("evidence") or "")
        for report in gold["reports"]
        for incident in report.get("incidents", [])
    }
    owner: dict[GoldKey, str] = {}
    names: set[str] = set()
    for index, event in enumerate(data.get("events", []) if isinstance(data, Mapping) else []):
        name = event.get("event") if isinstance(event, Mapping) else None
        if not isinstance(name, str) or not name or name in names:
            msg = f"event #{index + 1} needs a unique 'event' name, got {name!r}"
            raise IncidentMapperError(msg, path=path)
        names.add(name)
        for member in event.get("members", []):
            key = (member.get("file"), member.get("event_type"), member.get("evidence"))
            if key not in known:
                msg = f"event {name!r}: member {key} is not an incident of gold.json"
                raise IncidentMapperError(msg, path=path)
            if key in owner:
                msg = f"incident {key} is in two events: {owner[key]!r} and {name!r}"
                raise IncidentMapperError(msg, path=path)
            owner[key] = name
    left_out = sorted(known - set(owner))
    if left_out:
        msg = f"{len(left_out)} gold incident(s) are in no event, e.g. {left_out[0]}"
        raise IncidentMapperError(msg, path=path)
    return owner


def _place_extent(place: Place, gazetteer: Gazetteer) -> tuple[str, float, float, float] | None:
    """(id, lat, lon, uncertainty) of a gazetteer entry; an entry without coordinates
    of its own is placed at its nearest located container, as the geoparser does."""
    for place_id in (place.id, *gazetteer.ancestors(place.id)):
        entry = gazetteer.get(place_id)
        if entry is None or entry.lat_lon is None or entry.geometry is None:
            continue
        lat, lon = entry.lat_lon
        extent = radius_m(entry.geometry, around=Point(lon, lat))
        return entry.id, lat, lon, max(place.uncertainty_m, entry.uncertainty_m, extent)
    return None


def gold_incidents_frame(folder: str | Path, gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    """The gold incidents of ``gold.json`` as an incident table.

    Grouping these instead of the pipeline's incidents measures the grouping rules
    alone, as if extraction were perfect. Gold incidents carry a day but no time,
    and their places are gazetteer entries (a relative place counts by its anchor).
    """
    folder = Path(folder)
    gold = _read_json(folder / "gold.json", "gold annotations")
    incidents = []
    for report in gold["reports"]:
        for index, entry in enumerate(report.get("incidents", [])):
            place = gazetteer.get(entry.get("place_id") or "")
            extent = _place_extent(place, gazetteer) if place is not None else None
            day = entry.get("date")
            start = end = None
            if day:
                bounds = _day_bounds(dt.date.fromisoformat(day))
                start, end = (b.isoformat() for b in bounds)
            source = entry.get("source") or f"unattributed ({report['file']})"
            incidents.append(
                Incident(
                    incident_id=f"gold-{report['file']}-{index:03d}",
                    event_type=entry["event_type"],
                    sub_event_type=None,
                    acled_event_type=None,
                    actors=(),
                    date=day,
                    time_start=start,
                    time_end=end,
                    time_precision="day" if day else "unknown",
                    place_id=place.id if extent else None,
                    place_name=place.name if extent and place else None,
                    geo_precision=entry.get("precision") if extent else None,
                    uncertainty_m=extent[3] if extent else None,
                    resolved_by=None,
                    place_basis="sentence" if extent else None,
                    source=source,
                    source_type="social" if source.startswith("@") else "news",
                    via=None,
                    report=report["file"],
                    url=None,
                    evidence=entry.get("evidence") or "",
                    evidence_start=index,
                    evidence_end=index,
                    killed=entry.get("killed"),
                    injured=entry.get("injured"),
                    casualty_text=entry.get("evidence"),
                    claimed_by=entry.get("claimed_by"),
                    claim_status=entry.get("claim_status"),
                    lat=extent[1] if extent else None,
                    lon=extent[2] if extent else None,
                )
            )
    return incidents_frame(incidents)


def _pipeline_frame(folder: Path, gold: Mapping[str, Any], gazetteer: Gazetteer) -> pd.DataFrame:
    geoparser = Geoparser(gazetteer)
    found = []
    for entry in gold["reports"]:
        report = read_report(folder / "reports" / entry["file"])
        found.extend(analyse_report(report, geoparser).incidents)
    return incidents_frame(found)


def evaluate_events(
    folder: str | Path,
    gazetteer: Gazetteer,
    *,
    rules: EventRules | None = None,
    use_gold_incidents: bool = False,
) -> EventScores:
    """Score event grouping on the evaluation set in ``folder``.

    Runs the pipeline on ``reports/`` (or, with ``use_gold_incidents``, takes the
    incidents of ``gold.json`` as they are), groups the incidents, matches them
    to gold incidents by file, event type and evidence (the gold evidence is a
    substring of the predicted incident's sentence) and compares the grouping
    with ``gold_events.json``.
    """
    folder = Path(folder)
    gold = _read_json(folder / "gold.json", "gold annotations")
    gold_event = read_gold_events(folder, gold)
    if use_gold_incidents:
        frame = gold_incidents_frame(folder, gazetteer)
    else:
        frame = _pipeline_frame(folder, gold, gazetteer)
    events = group_events(frame, gazetteer=gazetteer, rules=rules)
    event_of = incident_event_ids(frame, events)
    scores = EventScores(predicted_incidents=len(frame), gold_incidents=len(gold_event))
    by_file: dict[str, list[tuple[str, str, str]]] = {}
    for incident_id, report, event_type, evidence in zip(
        frame["incident_id"], frame["report"], frame["event_type"], frame["evidence"], strict=True
    ):
        name = str(report).replace("\\", "/").rsplit("/", 1)[-1]
        by_file.setdefault(name, []).append((str(incident_id), str(event_type), str(evidence)))
    matched: list[tuple[GoldKey, str]] = []  # (gold key, predicted event id)
    for report in gold["reports"]:
        pool = list(by_file.get(report["file"], []))
        for entry in report.get("incidents", []):
            key = (report["file"], entry["event_type"], entry.get("evidence") or "")
            pair = next((p for p in pool if p[1] == key[1] and key[2] and key[2] in p[2]), None)
            if pair is None:
                scores.unmatched.append(f"{key[0]}: {key[1]} {key[2]!r}")
                continue
            pool.remove(pair)
            matched.append((key, str(event_of[pair[0]])))
    scores.matched = len(matched)
    scores.predicted_events = len({event for _, event in matched})
    scores.gold_events = len({gold_event[key] for key, _ in matched})
    for i, (key_a, event_a) in enumerate(matched):
        for key_b, event_b in matched[i + 1 :]:
            together = event_a == event_b
            truly = gold_event[key_a] == gold_event[key_b]
            scores.pairs_predicted += together
            scores.pairs_gold += truly
            scores.pairs_together += together and truly
    _explain(matched, gold_event, scores)
    return scores


def _short(key: GoldKey) -> str:
    return f"{key[0][:3]} {key[1]} {key[2][:40]!r}"


def _explain(
    matched: Sequence[tuple[GoldKey, str]], gold_event: Mapping[GoldKey, str], scores: EventScores
) -> None:
    by_gold: dict[str, dict[str, list[GoldKey]]] = {}
    by_predicted: dict[str, dict[str, list[GoldKey]]] = {}
    for key, event in matched:
        by_gold.setdefault(gold_event[key], {}).setdefault(event, []).append(key)
        by_predicted.setdefault(event, {}).setdefault(gold_event[key], []).append(key)
    for name, parts in by_gold.items():
        if len(parts) > 1:
            largest = max(parts.values(), key=len)
            strays = [k for part in parts.values() if part is not largest for k in part]
            scores.splits.append(
                f"{name!r} in {len(parts)} events; apart from the main one: "
                + "; ".join(_short(k) for k in strays)
            )
    for event, parts in by_predicted.items():
        if len(parts) > 1:
            scores.merges.append(
                f"{event} mixes "
                + " + ".join(f"{name!r} ({len(keys)})" for name, keys in parts.items())
            )
