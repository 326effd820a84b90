"""Grouping a build's events in several processes: the type groups shared out.

Events never join across type groups (:mod:`incidents.events`): each group's
incidents are clustered alone, from nothing but their own rows. So a build's
incidents can be grouped in ``parts`` processes side by side, each reading from the
spill only the rows of its share of the groups (:func:`group_part`), and the event
table made from all the parts' rows (:func:`incidents.events.events_frame`) is the
one a single process makes, byte for byte: it is sorted by a total order, so the
order the parts come in does not matter.

A large type group is also cut into pieces of consecutive days, where nothing can
join across the cut (:func:`day_pieces`): a dated incident only looks at events of its
own day and, when its time is finer than a day and near enough, the days either side.
So where every window finer than a day up to one day ends, with the slack, before
every such window from the next day on starts, and the group has no undated incident
(those look at every day), the days before and after the cut are grouped alone with
the same result. The pieces are shared out by their number of incidents
(:func:`plan_parts`, the largest first, each to the part with the fewest so far);
every part computes the same plan from the spill's type and time columns, so nothing
but the part's number is sent.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from gazetteer.model import Gazetteer
from geo.errors import IncidentMapperError
from incidents.event_items import (
    SUB_DAY,
    IncidentColumns,
    day_ordinals,
    day_start_seconds,
    utc_seconds,
)
from incidents.event_places import PlaceRelations
from incidents.event_rules import EventRules, load_event_rules
from incidents.event_store import (
    CorruptPieceError,
    PieceEntries,
    PieceReuse,
    decode_piece,
    encode_piece,
    piece_keys,
    read_entries,
)
from incidents.events import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    check_columns,
    check_unique_ids,
    event_rows,
)
from incidents.spill import release_memory

#: A large type group is cut into pieces of about a part's share of the incidents
#: divided by this, so the pieces can be shared out evenly.
PIECES_PER_PART = 4


@dataclass(frozen=True)
class Piece:
    """The incidents of one type group, on the days ``first_day`` to ``last_day``
    (ordinals) or, with both None, all of them."""

    group: str
    size: int
    first_day: int | None = None
    last_day: int | None = None


def plan_parts(pieces: Sequence[Piece], parts: int) -> list[list[Piece]]:
    """The pieces of each of ``parts`` parts, balanced by their sizes: the largest piece
    first, each to the part with the fewest incidents so far (the first such part on a
    tie); pieces of equal size in group and day order."""
    loads = [0] * parts
    plan: list[list[Piece]] = [[] for _ in range(parts)]
    order = sorted(pieces, key=lambda p: (-p.size, p.group, p.first_day or 0))
    for piece in order:
        part = min(range(parts), key=lambda k: (loads[k], k))
        plan[part].append(piece)
        loads[part] += piece.size
    return plan


@dataclass
class _Rows:
    """What the plan reads of every row: its type group, its day (-1: undated) and its
    window when finer than a day (NaN otherwise), as :func:`read_items` makes them."""

    groups: list[str]
    group: np.ndarray
    day: np.ndarray
    start: np.ndarray
    end: np.ndarray


def _read_rows(path: str | Path, rules: EventRules, timezone: str) -> _Rows:
    columns = IncidentColumns.from_parquet(path, _PLAN_COLUMNS)
    types = [str(v) for v in columns.distinct("event_type")]
    groups = sorted({rules.group_of(t) for t in types})
    of_type = np.array([groups.index(rules.group_of(t)) for t in types] or [0], dtype=np.int64)
    days = [-1 if d is None else d for d in day_ordinals(columns)]
    day = np.array(days, dtype=np.int64)[columns.codes("date")]
    starts = np.array(
        [np.nan if v is None else v for v in utc_seconds(columns, "time_start", timezone)]
    )
    ends = np.array(
        [np.nan if v is None else v for v in utc_seconds(columns, "time_end", timezone)]
    )
    fine = np.array([(v or "unknown") in SUB_DAY for v in columns.distinct("time_precision")])
    start = starts[columns.codes("time_start")]
    end = ends[columns.codes("time_end")]
    # A dated incident without both times has its whole local day (read_items).
    whole_day = (np.isnan(start) | np.isnan(end)) & (day >= 0)
    if whole_day.any():
        firsts = {d: day_start_seconds(d, timezone) for d in np.unique(day[whole_day]).tolist()}
        nexts = {d: day_start_seconds(d + 1, timezone) for d in firsts}
        start[whole_day] = [firsts[d] for d in day[whole_day].tolist()]
        end[whole_day] = [nexts[d] for d in day[whole_day].tolist()]
    coarse = ~fine[columns.codes("time_precision")] | (day < 0)
    start[coarse] = np.nan
    end[coarse] = np.nan
    return _Rows(groups, of_type[columns.codes("event_type")], day, start, end)


#: The columns the plan reads.
_PLAN_COLUMNS = ("event_type", "date", "time_start", "time_end", "time_precision")


def day_pieces(
    group: str, day: np.ndarray, start: np.ndarray, end: np.ndarray, slack: float, target: int
) -> list[Piece]:
    """One type group's incidents (their days, -1 for undated, and their windows finer
    than a day, NaN for the others) cut into pieces of consecutive days of about
    ``target`` incidents, only where nothing can join across the cut (module
    docstring); the whole group as one piece when it has undated incidents."""
    if len(day) <= target or (day < 0).any():
        return [Piece(group, len(day))]
    days, inverse, counts = np.unique(day, return_inverse=True, return_counts=True)
    ends = np.full(len(days), -np.inf)
    starts = np.full(len(days), np.inf)
    timed = ~np.isnan(start)
    np.maximum.at(ends, inverse[timed], end[timed])
    np.minimum.at(starts, inverse[timed], start[timed])
    ended = np.maximum.accumulate(ends)  # the latest end up to each day
    begun = np.minimum.accumulate(starts[::-1])[::-1]  # the earliest start from each day
    pieces = []
    first, size = 0, 0
    for k in range(len(days)):
        size += int(counts[k])
        last = k == len(days) - 1
        cut = not last and (days[k + 1] > days[k] + 1 or ended[k] + slack < begun[k + 1])
        if last or (size >= target and cut):
            pieces.append(Piece(group, size, int(days[first]), int(days[k])))
            first, size = k + 1, 0
    if len(pieces) == 1:
        return [Piece(group, len(day))]
    return pieces


def _pieces(rows: _Rows, rules: EventRules, target: int) -> list[Piece]:
    """Every type group's pieces of about ``target`` incidents (1: cut at every valid
    cut), in group order."""
    slack = rules.time_slack.total_seconds()
    pieces = []
    for number, group in enumerate(rows.groups):
        of_group = rows.group == number
        if of_group.any():
            pieces.extend(
                day_pieces(
                    group, rows.day[of_group], rows.start[of_group], rows.end[of_group],
                    slack, target,
                )
            )  # fmt: skip
    return pieces


def _piece_of_rows(rows: _Rows, pieces: Sequence[Piece]) -> np.ndarray:
    """The number (in ``pieces``, a group's pieces together in day order, as
    :func:`_pieces` gives them) of the piece each row is in."""
    of = np.full(len(rows.day), -1, dtype=np.int64)
    number = 0
    while number < len(pieces):
        group = pieces[number].group
        count = 1
        while number + count < len(pieces) and pieces[number + count].group == group:
            count += 1
        taken = np.flatnonzero(rows.group == rows.groups.index(group))
        if pieces[number].first_day is None:
            of[taken] = number
        else:
            firsts = np.array([p.first_day for p in pieces[number : number + count]])
            of[taken] = number + np.searchsorted(firsts, rows.day[taken], side="right") - 1
        number += count
    return of


def part_rows(
    path: str | Path, part: int, parts: int, rules: EventRules, gazetteer: Gazetteer
) -> np.ndarray:
    """The row numbers (ascending) of the incidents of ``part`` (of ``parts``)."""
    if parts == 1:
        return np.arange(pq.ParquetFile(path).metadata.num_rows, dtype=np.int64)
    rows = _read_rows(path, rules, gazetteer.pack.timezone)
    target = max(1, -(-len(rows.day) // (parts * PIECES_PER_PART)))
    pieces = _pieces(rows, rules, target)
    mine = np.zeros(len(rows.day), dtype=bool)
    for piece in plan_parts(pieces, parts)[part]:
        taken = rows.group == rows.groups.index(piece.group)
        if piece.first_day is not None:
            taken &= (rows.day >= piece.first_day) & (rows.day <= piece.last_day)
        mine |= taken
    return np.flatnonzero(mine)


def group_part(
    path: str | Path,
    part: int,
    parts: int,
    target: str | Path,
    *,
    gazetteer: Gazetteer,
    rules: EventRules | None = None,
    reuse: PieceReuse | None = None,
) -> int:
    """Group the incidents of ``part`` (of ``parts``) of the Parquet incident file ``path``
    (a build's spill) and write their event rows (:func:`incidents.events.event_rows`)
    to ``target``, a pickle, and the event id of each of its rows beside it
    (:func:`read_part_event_ids`); returns how many event rows.

    Only the part's rows of the grouping's columns are read. With ``reuse``, the
    incidents are cut at every valid cut and each piece's rows are taken from the last
    build's store when its key is there and its entry checks (:mod:`incidents.event_store`);
    only the other pieces are grouped, and their entries are written with the rows
    (:func:`read_part_files`). Raises what :func:`incidents.events.group_events` raises
    on those rows (a problem in another part's rows is that part's to find).
    """
    rules = rules or load_event_rules()
    names = pq.ParquetFile(path).schema_arrow.names
    check_columns(names)
    wanted = [n for n in names if n in {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS}]
    entries = PieceEntries([], {})
    if reuse is None:
        rows = part_rows(path, part, parts, rules, gazetteer)
        of_piece = pieces = None
    else:
        plan = _read_rows(path, rules, gazetteer.pack.timezone)
        pieces = _pieces(plan, rules, 1)
        mine = {id(p) for p in plan_parts(pieces, parts)[part]}
        numbers = [n for n, p in enumerate(pieces) if id(p) in mine]
        of_all = _piece_of_rows(plan, pieces)
        rows = np.flatnonzero(np.isin(of_all, numbers))
        of_piece = of_all[rows]
        del plan, of_all
    found: list[dict[str, Any]] = []
    event_of = pa.array([], type=pa.string())
    if len(rows):
        columns = IncidentColumns.from_parquet(path, wanted, rows)
        # Each column was read whole, then the part's rows taken: give that back (each
        # part would otherwise keep the largest column's worth in Arrow's pool).
        release_memory()
        check_unique_ids(columns)
        relations = PlaceRelations(gazetteer, shared_neighbour=rules.shared_neighbour)
        if reuse is None or pieces is None or of_piece is None:
            found = event_rows(columns, relations, rules)
        else:
            found = _reused_or_grouped(columns, relations, rules, pieces, of_piece, reuse, entries)
        event_of = event_ids_of_rows(columns, found)
        del columns
    with Path(target).open("wb") as handle:
        pickle.dump((found, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
    with event_ids_file(target).open("wb") as handle:
        pickle.dump((rows, event_of), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return len(found)


def event_ids_file(target: str | Path) -> Path:
    """Where :func:`group_part` writes the event id of each of its rows, beside ``target``."""
    return Path(target).with_suffix(".event-ids")


def event_ids_of_rows(columns: IncidentColumns, rows: Sequence[dict[str, Any]]) -> pa.Array:
    """The event id of each row of ``columns``, in order, from the event ``rows`` made of
    them. Raises :class:`~geo.errors.IncidentMapperError` if an incident is in no event
    or in several (as :func:`incidents.events.event_id_column` does), or an event names
    an incident that is not one of them."""
    ids = columns.distinct("incident_id")
    position = {str(ids[code]): n for n, code in enumerate(columns.codes("incident_id").tolist())}
    owner: list[str | None] = [None] * len(columns)
    for row in rows:
        event_id = row["event_id"]
        for member in row["incident_ids"]:
            at = position.get(member)
            if at is None:
                msg = f"event {event_id} names incident {member}, which is not in its part"
                raise IncidentMapperError(msg)
            if owner[at] is not None:
                msg = f"incident {member} is in two events ({owner[at]}, {event_id})"
                raise IncidentMapperError(msg)
            owner[at] = event_id
    lost = [n for n, event_id in enumerate(owner) if event_id is None]
    if lost:
        first = str(ids[columns.codes("incident_id")[lost[0]]])
        msg = f"{len(lost)} incident(s) are in no event, e.g. {first}; regroup the events"
        raise IncidentMapperError(msg)
    return pa.array(owner, type=pa.string())


def _reused_or_grouped(
    columns: IncidentColumns,
    relations: PlaceRelations,
    rules: EventRules,
    pieces: Sequence[Piece],
    of_piece: np.ndarray,
    reuse: PieceReuse,
    entries: PieceEntries,
) -> list[dict[str, Any]]:
    """The event rows of a part's pieces (``of_piece``: the piece of each row of
    ``columns``): each piece's from the store when its entry is there and checks, the
    others grouped (together: nothing joins across a piece's cut) and their entries
    added to ``entries``."""
    numbers, local = np.unique(of_piece, return_inverse=True)  # the part's pieces, from 0
    local = np.asarray(local, dtype=np.int64).reshape(-1)
    order = np.argsort(local, kind="stable")  # each piece's rows, in the spill's order
    ends = np.cumsum(np.bincount(local, minlength=len(numbers))).tolist()
    positions = [order[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]
    keys = piece_keys(
        reuse.version,
        columns,
        [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS],
        [pieces[n].group for n in numbers.tolist()],
        local,
    )
    stored = read_entries(reuse.previous, keys)
    ids = columns.distinct("incident_id")
    id_codes = columns.codes("incident_id")
    found: list[dict[str, Any]] = []
    missing: list[int] = []
    for index, key in enumerate(keys):
        payload = stored.get(key)
        if payload is not None:
            members = [str(ids[c]) for c in id_codes[positions[index]].tolist()]
            try:
                found.extend(decode_piece(key, payload, members))
            except CorruptPieceError:
                pass
            else:
                entries.used.append(key)
                continue
        missing.append(index)
    if missing:
        grouped_rows = np.sort(np.concatenate([positions[i] for i in missing]))
        made = event_rows(columns, relations, rules, grouped_rows)
        piece_at = np.full(len(of_piece), -1, dtype=np.int64)
        for index in missing:
            piece_at[positions[index]] = index
        row_of = {str(ids[id_codes[r]]): int(r) for r in grouped_rows.tolist()}
        by_piece: dict[int, list[dict[str, Any]]] = {index: [] for index in missing}
        for event in made:
            by_piece[int(piece_at[row_of[event["incident_ids"][0]]])].append(event)
        for index, events in by_piece.items():
            entries.made[keys[index]] = encode_piece(keys[index], events)
        found.extend(made)
    return found


def read_part_event_ids(
    targets: Sequence[str | Path], size: int, *, keep: bool = False
) -> pa.Array:
    """The event id of each of the ``size`` rows of the spill, in its order, from what the
    parts wrote beside ``targets`` (:func:`group_part`): no event table needed. Those
    files are removed once read, unless ``keep``. Raises
    :class:`~geo.errors.IncidentMapperError` if the parts' rows are not every row once."""
    rows: list[np.ndarray] = []
    event_ids: list[pa.Array] = []
    for target in targets:
        path = event_ids_file(target)
        with path.open("rb") as handle:
            part_rows, part_ids = pickle.load(handle)  # noqa: S301 - this build's parts wrote it
        rows.append(np.asarray(part_rows, dtype=np.int64))
        event_ids.append(part_ids)
        if not keep:
            path.unlink()
    every = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    order = np.argsort(every, kind="stable")
    if not np.array_equal(every[order], np.arange(size, dtype=np.int64)):
        msg = "the parts' incidents are not the spill's, each once; regroup the events"
        raise IncidentMapperError(msg)
    return pa.concat_arrays(event_ids or [pa.array([], type=pa.string())]).take(pa.array(order))


def read_part_files(
    targets: Sequence[str | Path], *, keep: bool = False
) -> tuple[list[dict[str, Any]], list[PieceEntries]]:
    """The event rows the parts wrote (:func:`group_part`), all together, and what each
    did with the store of pieces; the files are removed once read, unless ``keep``."""
    rows: list[dict[str, Any]] = []
    entries: list[PieceEntries] = []
    for target in targets:
        with Path(target).open("rb") as handle:
            found, part_entries = pickle.load(handle)  # noqa: S301 - this build's parts wrote it
        rows.extend(found)
        entries.append(part_entries)
        if not keep:
            Path(target).unlink()
    return rows, entries
