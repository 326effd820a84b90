"""Which incidents are one event: the indexed clustering behind ``group_events``.

The rules are described in :mod:`incidents.events` and set in ``event_rules.json``;
this module applies them without comparing all pairs, so a million incidents group
in well under a minute on one core:

- incidents are read column by column into compact records
  (:mod:`incidents.event_items`: times as UTC seconds, days as ordinals, coordinates
  projected once, in one vectorised call, to the pack's metric CRS, in metres);
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
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from incidents.event_items import Item
from incidents.event_places import GroupPlace, PlaceRelations
from incidents.event_rules import EventRules

#: Side of the grid cells events are indexed in, in metres.
CELL_M = 500.0
#: Anchors less certain than this are kept in a per-day list rather than in the grid.
WIDE_M = 800.0
#: A day with at most this many events of a type group is scanned whole.
SMALL_BUCKET = 48
#: A query reaching more cells than this scans the occupied cells instead.
MAX_CELLS = 81

_INDEX = attrgetter("index")

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
        counts = self.reasons
        for reason in reasons:  # as Counter.update, without its checks
            counts[reason] += 1
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

    def _nearby(self, item: Item, threshold: float, related: frozenset[str]) -> list[GroupedEvent]:
        """Every event of ``item``'s group whose anchor might be compatible, days either side
        (an event may be listed more than once); ``threshold`` is the group's distance
        threshold and ``related`` the gazetteer ids related to the item's place."""
        place = item.place
        assert place is not None
        assert item.day is not None
        radius = max(threshold, place.uncertainty_m + WIDE_M)
        reach = math.ceil(radius / CELL_M)
        cx, cy = _cell(place)
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
        day, sub = item.day, item.sub_day
        bisect_right = bisect.bisect_right
        found = []
        # dict.fromkeys: each event once, where it is first listed.
        for event in dict.fromkeys(self._nearby(item, threshold, related)):
            anchor = event.anchor
            if anchor.base not in related:  # type: ignore[union-attr]
                limit = pu + anchor.uncertainty_m  # type: ignore[union-attr]
                if limit < threshold:
                    limit = threshold
                dx, dy = px - anchor.x, py - anchor.y  # type: ignore[union-attr]
                if dx * dx + dy * dy > limit * limit:
                    continue
            if lo is not None and not event.unwindowed:
                # _meets, inline: a member's window meets the item's, with the slack.
                for (sub_day, member_day), union in event.windows.items():
                    if day is None or member_day is None or member_day == day or (sub_day and sub):
                        i = bisect_right(union.starts, hi) - 1
                        if i >= 0 and union.ends[i] >= lo:
                            break
                else:
                    continue
            found.append(event)
        found.sort(key=_INDEX)
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
        # Per distinct anchor: 0 unless it and the place nest (part_of), else how many
        # other candidates' anchors it is or contains.
        inside_of: dict[str, int] = {}
        umbrellas = []
        for event in candidates:
            outer = event.anchor.base  # type: ignore[union-attr]
            inside = inside_of.get(outer)
            if inside is None:
                inside = 0
                if relations.nested_bases(outer, place.base):
                    enclosed = relations.enclosed_by(outer) & bases.keys()
                    inside = sum(bases[base] for base in enclosed) - 1  # itself
                inside_of[outer] = inside
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
