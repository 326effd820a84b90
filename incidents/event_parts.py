"""Grouping a build's events in several processes: the type groups shared out.

Events never join across type groups (:mod:`incidents.events`): each group's
incidents are clustered alone, from nothing but their own rows. So a build's
incidents can be grouped in ``parts`` processes side by side, each reading from the
spill only the rows of its share of the groups (:func:`group_part`), and the event
table made from all the parts' rows (:func:`incidents.events.events_frame`) is the
one a single process makes, byte for byte: it is sorted by a total order, so the
order the parts come in does not matter.

The groups are shared out by their number of incidents (:func:`plan_parts`, the
largest first, each to the part with the fewest so far); every part computes the
same plan from the ``event_type`` column, so nothing but the part's number is sent.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gazetteer.model import Gazetteer
from incidents.event_items import IncidentColumns
from incidents.event_places import PlaceRelations
from incidents.event_rules import EventRules, load_event_rules
from incidents.events import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    check_columns,
    check_unique_ids,
    event_rows,
)


def plan_parts(sizes: Mapping[str, int], parts: int) -> list[list[str]]:
    """The type groups of each of ``parts`` parts, balanced by their sizes: the largest
    group first, each to the part with the fewest incidents so far (the first such
    part on a tie); groups of equal size in name order."""
    loads = [0] * parts
    plan: list[list[str]] = [[] for _ in range(parts)]
    for group, size in sorted(sizes.items(), key=lambda entry: (-entry[1], entry[0])):
        part = min(range(parts), key=lambda k: (loads[k], k))
        plan[part].append(group)
        loads[part] += size
    return plan


def row_groups(path: str | Path, rules: EventRules) -> tuple[list[str], np.ndarray]:
    """The type groups of a Parquet incident file (in name order) and, for each row,
    the index of its group among them."""
    column = pq.ParquetFile(path).read(columns=["event_type"], use_threads=False).column(0)
    encoded = pc.dictionary_encode(column.combine_chunks())
    del column
    types = [str(v) for v in encoded.dictionary.to_pylist()]
    names = sorted({rules.group_of(t) for t in types})
    of_type = np.array([names.index(rules.group_of(t)) for t in types], dtype=np.int64)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return names, of_type[codes] if len(of_type) else np.zeros(len(codes), dtype=np.int64)


def part_rows(path: str | Path, part: int, parts: int, rules: EventRules) -> np.ndarray:
    """The row numbers (ascending) of the incidents of ``part`` (of ``parts``)."""
    names, groups = row_groups(path, rules)
    sizes = dict(zip(names, np.bincount(groups, minlength=len(names)).tolist(), strict=True))
    mine = [names.index(group) for group in plan_parts(sizes, parts)[part]]
    return np.flatnonzero(np.isin(groups, mine))


def group_part(
    path: str | Path,
    part: int,
    parts: int,
    target: str | Path,
    *,
    gazetteer: Gazetteer,
    rules: EventRules | None = None,
) -> int:
    """Group the incidents of ``part`` (of ``parts``) of the Parquet incident file ``path``
    (a build's spill) and write their event rows (:func:`incidents.events.event_rows`)
    to ``target``, a pickle; returns how many.

    Only the part's rows of the grouping's columns are read. Raises what
    :func:`incidents.events.group_events` raises on those rows (a problem in another
    part's rows is that part's to find).
    """
    rules = rules or load_event_rules()
    names = pq.ParquetFile(path).schema_arrow.names
    check_columns(names)
    rows = part_rows(path, part, parts, rules)
    wanted = [n for n in names if n in {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS}]
    found: list[dict[str, Any]] = []
    if len(rows):
        columns = IncidentColumns.from_parquet(path, wanted, rows)
        check_unique_ids(columns)
        relations = PlaceRelations(gazetteer, shared_neighbour=rules.shared_neighbour)
        found = event_rows(columns, relations, rules)
        del columns
    with Path(target).open("wb") as handle:
        pickle.dump(found, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return len(found)


def read_parts(targets: Sequence[str | Path]) -> list[dict[str, Any]]:
    """The event rows the parts wrote (:func:`group_part`), all together; the files are
    removed once read."""
    rows: list[dict[str, Any]] = []
    for target in targets:
        with Path(target).open("rb") as handle:
            rows.extend(pickle.load(handle))  # noqa: S301 - written by this build's parts
        Path(target).unlink()
    return rows
