"""The build's summary of its spill, read a batch at a time (maps/spill_summary.py),
against the whole-table way it replaced (kept here as the reference): the same
sources, types, incident and report counts, the same order, whatever the batches;
and what it keeps across batches does not grow with the incidents."""

from __future__ import annotations

import gc
import weakref

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.pipeline import INCIDENT_ORDER
from incidents.spill import INCIDENT_SCHEMA, SpillWriter
from maps.build import sources_csv
from maps.spill_summary import SUMMARY_READ, SourceRow, summarise_batches, summarise_spill

READ_SCHEMA = pa.schema([INCIDENT_SCHEMA.field(name) for name in SUMMARY_READ])


def reference_sources(table: pa.Table) -> list[SourceRow]:
    """The whole table sorted into the build's order and grouped by source in pandas
    (the build's summary until 2026-12-02)."""
    table = table.select([*INCIDENT_ORDER, "source", "source_type"])
    table = table.sort_by([(name, "ascending") for name in INCIDENT_ORDER])
    frame = pd.DataFrame(
        {
            name: pd.Series(pd.arrays.ArrowExtensionArray(table.column(name).combine_chunks()))
            for name in ("incident_id", "source", "source_type", "report")
        }
    )
    if frame.empty:
        return []
    grouped = frame.groupby("source", sort=True).agg(
        source_type=("source_type", "first"),
        incidents=("incident_id", "size"),
        reports=("report", "nunique"),
    )
    grouped = grouped.reset_index()
    order = sorted(
        range(len(grouped)), key=lambda i: (-grouped["incidents"][i], grouped["source"][i])
    )
    grouped = grouped.iloc[order].reset_index(drop=True)
    return [
        SourceRow(str(row.source), row.source_type, int(row.incidents), int(row.reports))
        for row in grouped.itertuples(index=False)
    ]


def reference_mapped(table: pa.Table) -> int:
    import pyarrow.compute as pc

    lat = table.column("lat")
    return int(pc.sum(pc.and_(pc.is_valid(lat), pc.invert(pc.is_nan(lat)))).as_py() or 0)


def in_batches(table: pa.Table, rows: int) -> list[pa.RecordBatch]:
    return table.to_batches(max_chunksize=rows) if table.num_rows else []


_TEXT = st.sampled_from(["a", "b", "B", "ä", "a b", "", "=1", "z" * 5])
_ROW = st.fixed_dictionaries(
    {
        "report": st.one_of(st.none(), st.sampled_from(["r1.txt", "r2.txt", "r10.txt", "ر.txt"])),
        "evidence_start": st.one_of(st.none(), st.integers(-3, 40)),
        "event_type": st.one_of(st.none(), st.sampled_from(["attack", "clash", "arrest"])),
        "incident_id": st.one_of(st.none(), st.sampled_from(["i1", "i2", "i10", "i2b"])),
        "source": st.one_of(st.none(), _TEXT),
        "source_type": st.one_of(st.none(), st.sampled_from(["news", "social", "ngo"])),
        "lat": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=32)),
    }
)


def _with_a_type_per_source(rows: list[dict]) -> list[dict]:
    """Every source given at least one typed row (as a report's always are): a source
    with no type at all is written as pandas' missing value by the reference, an empty
    cell here."""
    typed = {row["source"] for row in rows if row["source_type"] is not None}
    extra = [
        {**row, "source_type": "news"}
        for row in rows
        if row["source"] is not None and row["source"] not in typed
    ]
    return rows + extra


@settings(max_examples=150, derandomize=True, deadline=None)
@given(rows=st.lists(_ROW, max_size=40), batch=st.integers(1, 9))
def test_the_same_sources_as_the_whole_table_whatever_the_batches(rows, batch):
    table = pa.Table.from_pylist(_with_a_type_per_source(rows), schema=READ_SCHEMA)
    summary = summarise_batches(iter(in_batches(table, batch)))
    expected = reference_sources(table)
    assert summary.sources == expected
    assert sources_csv(summary.sources) == sources_csv(expected)
    assert summary.incidents == table.num_rows
    assert summary.mapped == reference_mapped(table)


def test_a_sources_type_is_its_first_in_the_builds_order_not_the_spills():
    rows = [
        # In the spill's order "social" comes first; in the build's order (report,
        # evidence_start, ...) the later row of r1.txt is first, and a missing
        # evidence_start sorts last.
        {"report": "r2.txt", "evidence_start": 0, "source": "S", "source_type": "social"},
        {"report": "r1.txt", "evidence_start": None, "source": "S", "source_type": "ngo"},
        {"report": "r1.txt", "evidence_start": 5, "source": "S", "source_type": "news"},
        {"report": "r1.txt", "evidence_start": 1, "source": "S", "source_type": None},
    ]
    table = pa.Table.from_pylist(
        [{**row, "event_type": "attack", "incident_id": "i", "lat": 1.0} for row in rows],
        schema=READ_SCHEMA,
    )
    for batch in (1, 2, 4):
        (row,) = summarise_batches(iter(in_batches(table, batch))).sources
        assert row == SourceRow("S", "news", 4, 2)
    assert reference_sources(table) == [SourceRow("S", "news", 4, 2)]


def test_the_spill_read_a_batch_at_a_time(tmp_path):
    rows = [
        {
            name: None
            for name in INCIDENT_SCHEMA.names
            if name not in ("report", "incident_id", "source", "source_type", "lat")
        }
        | {
            "report": f"r{n // 3}.txt",
            "incident_id": f"i{n}",
            "source": f"S{n % 4}",
            "source_type": "news",
            "lat": float(n) if n % 5 else None,
            "actors": [],
        }
        for n in range(50)
    ]
    with SpillWriter(tmp_path) as spill:
        for start in range(0, 50, 7):
            spill.add(rows[start : start + 7], [])
    table = pa.Table.from_pylist(rows, schema=INCIDENT_SCHEMA).select(list(SUMMARY_READ))
    summary = summarise_spill(tmp_path, batch_rows=8)
    assert summary.sources == reference_sources(table)
    assert (summary.incidents, summary.mapped) == (50, 40)


def test_no_batch_is_kept_past_its_turn():
    """What the summary holds across batches is counts, types and report names: when
    a batch is asked for, at most the one before it (still named by the loop) is alive,
    however many were read (the summary once held the whole table: about 400 MB at
    100,000 reports)."""
    rows = [
        {
            "report": f"r{n // 4}.txt",
            "evidence_start": n,
            "event_type": "attack",
            "incident_id": f"i{n}",
            "source": f"S{n % 3}",
            "source_type": "news",
            "lat": 1.0,
        }
        for n in range(64)
    ]
    given: list[weakref.ref] = []
    alive_when_asked: list[int] = []

    def batches():
        for start in range(0, len(rows), 8):
            gc.collect()
            alive_when_asked.append(sum(ref() is not None for ref in given))
            batch = pa.RecordBatch.from_pylist(rows[start : start + 8], schema=READ_SCHEMA)
            given.append(weakref.ref(batch))
            yield batch
            del batch

    summary = summarise_batches(batches())
    assert len(given) == 8
    assert alive_when_asked[0] == 0
    assert max(alive_when_asked) <= 1
    assert [(row.source, row.incidents, row.reports) for row in summary.sources] == [
        ("S0", 22, 16),
        ("S1", 21, 16),
        ("S2", 21, 16),
    ]


@pytest.mark.parametrize("rows", [0, 1])
def test_an_empty_spill(rows):
    table = pa.Table.from_pylist(
        [dict.fromkeys(SUMMARY_READ)] * rows,
        schema=READ_SCHEMA,
    )
    summary = summarise_batches(iter(in_batches(table, 4)))
    assert summary.sources == [] == reference_sources(table)
    assert (summary.incidents, summary.mapped) == (rows, 0)
    assert sources_csv(summary.sources) == "source,source_type,incidents,reports\n"
