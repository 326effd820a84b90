"""The build's summary of its spill: how many incidents, how many mapped, and every
source with its type, incidents and reports (``sources.csv``, the summary's top sources).

Read a batch of the spill at a time, so what this holds grows with the distinct
sources and (source, report) pairs, not with the incidents: reading the summary's
seven columns whole, sorting them and grouping them in pandas held about 400 MB
more than the analysis at 100,000 reports (1,248,350 incidents), and was the build's
process's peak (746 MB; 368 MB read this way).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from incidents.pipeline import INCIDENT_ORDER
from incidents.spill import SpillWriter

#: The spill's columns the summary reads.
SUMMARY_READ = (*INCIDENT_ORDER, "source", "source_type", "lat")
#: Rows of the spill read at a time.
SUMMARY_BATCH_ROWS = 16_384


@dataclass(frozen=True)
class SourceRow:
    """One source: its type (that of its first incident in the build's order), its
    incidents and its distinct reports."""

    source: str
    source_type: str | None
    incidents: int
    reports: int


@dataclass
class SpillSummary:
    """What the summary needs of the spilled incidents."""

    incidents: int = 0
    mapped: int = 0
    """Incidents with a latitude (not NaN)."""
    sources: list[SourceRow] = field(default_factory=list)
    """Most incidents first, then by name."""


def summarise_spill(folder: str | Path, *, batch_rows: int = SUMMARY_BATCH_ROWS) -> SpillSummary:
    """The summary of the spill in ``folder`` (see :func:`summarise_batches`)."""
    file = pq.ParquetFile(Path(folder) / SpillWriter.INCIDENTS)
    batches = file.iter_batches(
        batch_size=batch_rows, columns=list(SUMMARY_READ), use_threads=False
    )
    return summarise_batches(batches)


def summarise_batches(batches: Iterator[pa.RecordBatch]) -> SpillSummary:
    """The summary of incident batches (the columns of :data:`SUMMARY_READ`), in the
    spill's order.

    The same figures as grouping the whole table by source: rows without a source
    belong to none; a source's type is that of its first row with a type in the
    build's order (:data:`incidents.pipeline.INCIDENT_ORDER` ascending, missing
    values last, ties in the spill's order); its reports are its distinct ``report``
    values.
    """
    summary = SpillSummary()
    counts: dict[str, int] = {}
    firsts: dict[str, tuple[tuple[Any, ...], str]] = {}
    reports = _DistinctPairs()
    for batch in batches:
        table = pa.Table.from_batches([batch])
        summary.incidents += table.num_rows
        lat = table.column("lat")
        mapped = pc.sum(pc.and_(pc.is_valid(lat), pc.invert(pc.is_nan(lat)))).as_py()
        summary.mapped += int(mapped or 0)
        table = table.filter(pc.is_valid(table.column("source")))
        if table.num_rows == 0:
            continue
        for source, count in _counts(table):
            counts[source] = counts.get(source, 0) + count
        reported = table.filter(pc.is_valid(table.column("report")))
        reports.add(reported.group_by(["source", "report"], use_threads=False).aggregate([]))
        for source, key, source_type in _first_types(table):
            best = firsts.get(source)
            if best is None or key < best[0]:
                firsts[source] = (key, source_type)
    per_source = reports.counts()
    rows = [
        SourceRow(
            source,
            firsts[source][1] if source in firsts else None,
            count,
            per_source.get(source, 0),
        )
        for source, count in counts.items()
    ]
    summary.sources = sorted(rows, key=lambda row: (-row.incidents, row.source))
    return summary


def _counts(table: pa.Table) -> Iterator[tuple[str, int]]:
    grouped = table.group_by("source", use_threads=False).aggregate([([], "count_all")])
    return zip(
        grouped.column("source").to_pylist(), grouped.column("count_all").to_pylist(), strict=True
    )


def _first_types(table: pa.Table) -> Iterator[tuple[str, tuple[Any, ...], str]]:
    """Each source's first row with a type in the build's order: (source, its order
    key, its type)."""
    typed = table.filter(pc.is_valid(table.column("source_type")))
    if typed.num_rows == 0:
        return iter(())
    order = pc.sort_indices(typed, sort_keys=[(name, "ascending") for name in INCIDENT_ORDER])
    ranked = pa.table({"source": typed.column("source").take(order)}).append_column(
        "rank", pa.array(range(typed.num_rows), pa.int64())
    )
    first = ranked.group_by("source", use_threads=False).aggregate([("rank", "min")])
    rows = typed.take(order.take(first.column("rank_min"))).to_pylist()
    return (
        (
            row["source"],
            tuple((row[name] is None, row[name]) for name in INCIDENT_ORDER),
            row["source_type"],
        )
        for row in rows
    )


class _DistinctPairs:
    """The distinct reports of each source: a set of report names per source (about
    100 bytes a report), grown from each batch's distinct pairs."""

    def __init__(self) -> None:
        self._reports: dict[str, set[str]] = {}

    def add(self, pairs: pa.Table) -> None:
        """Add the (source, report) pairs of a table of those two columns."""
        sources, reports = pairs.column("source").to_pylist(), pairs.column("report").to_pylist()
        for source, report in zip(sources, reports, strict=True):
            known = self._reports.get(source)
            if known is None:
                known = self._reports[source] = set()
            known.add(report)

    def counts(self) -> dict[str, int]:
        """The number of distinct reports of each source."""
        return {source: len(reports) for source, reports in self._reports.items()}
