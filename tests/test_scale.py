"""The scale engine gives the same outputs whatever computes them: one process,
worker processes, a dask cluster, or the result cache; and a cache entry that is
not what it claims is analysed again, never trusted. No timing here: speed and
memory are measured by ``benchmarks/bench_scale.py``.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import struct
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from test_hostile_input import GOOD_REPORT, OTHER_REPORT

from incidents.cache import (
    CACHE_FILE,
    CACHE_FOLDER,
    FORMAT,
    RECORD_FILE,
    CorruptEntryError,
    decode_outcome,
    encode_batches,
    encode_outcome,
    entry_key,
    outcome_batches,
    pack_body,
    unpack_body,
)
from incidents.engine import ReportTask, analyse_run, analyse_task, as_batches, run_outcomes
from incidents.report_files import ReportMetadata
from incidents.spill_reuse import INDEX_FILE
from maps.build import OUTPUT_FILES, build

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "reports"


def outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports of several outlets and places: the examples, twice over with other
    outlets, and the hostile-input tests' good reports."""
    folder = tmp_path_factory.mktemp("corpus")
    for number, path in enumerate(sorted(EXAMPLES.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        (folder / path.name).write_text(text, encoding="utf-8")
        for copy in range(3):
            (folder / f"copy{copy}_{path.name}").write_text(
                f"source: Outlet {number}-{copy}\n\n{text}", encoding="utf-8"
            )
    for copy in range(6):
        (folder / f"good{copy}.txt").write_text(GOOD_REPORT, encoding="utf-8")
        (folder / f"other{copy}.txt").write_text(OTHER_REPORT, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"%PDF-1.5\n")
    return folder


@pytest.fixture(scope="module")
def serial(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("serial") / "out"
    summary = build([corpus], out, jobs=1, use_cache=False)
    assert summary.reports_read == 28
    assert summary.reports_failed == 1
    assert summary.incidents > 50
    assert summary.events > 5
    assert not (out / CACHE_FOLDER).exists()
    return outputs(out)


def test_worker_processes_give_byte_identical_outputs(
    corpus: Path, serial: dict[str, bytes], tmp_path: Path
) -> None:
    summary = build([corpus], tmp_path / "out", jobs=2, use_cache=False)
    assert summary.jobs == 2
    assert outputs(tmp_path / "out") == serial


def test_a_dask_cluster_gives_byte_identical_outputs(
    corpus: Path, serial: dict[str, bytes], tmp_path: Path
) -> None:
    from distributed import LocalCluster  # the test extra installs it: never skipped

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        # The scheduler's HTTP server listens even with no dashboard, on 8787 unless told:
        # a random port, so another cluster on this machine does not make it warn.
        dashboard_address="127.0.0.1:0",
    ) as cluster:
        summary = build(
            [corpus], tmp_path / "out", scheduler=cluster.scheduler_address, use_cache=False
        )
    assert summary.jobs == 2
    assert outputs(tmp_path / "out") == serial


def test_a_rebuild_reuses_every_analysis_and_gives_the_same_outputs(
    corpus: Path, serial: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = build([corpus], out, jobs=1)
    assert first.reused == 0
    assert (out / CACHE_FOLDER / CACHE_FILE).is_file()
    # Without the record of the last build, the rebuild reads every entry (with it, it
    # would find the outputs in place and read none).
    (out / CACHE_FOLDER / RECORD_FILE).unlink()
    second = build([corpus], out, jobs=2)
    assert second.reused == 28  # every report that was read; the broken one is re-read
    assert outputs(out) == serial


def test_a_rebuild_after_removing_changing_and_adding_reports_is_a_cold_build(
    corpus: Path, tmp_path: Path
) -> None:
    """Cached with one process, rebuilt with two after reports went, changed and came:
    the outputs are those of a cold build of what is there now, and the cache holds the
    entries of those reports only."""
    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    out = tmp_path / "out"
    build([reports], out, jobs=1)
    (reports / "good1.txt").unlink()
    sorted(reports.glob("copy0_*"))[0].unlink()
    (reports / "other2.txt").write_text(GOOD_REPORT.replace("Test Wire", "Changed Wire"), "utf-8")
    (reports / "new.txt").write_text(OTHER_REPORT.replace("Test Radio", "New Radio"), "utf-8")
    summary = build([reports], out, jobs=2)
    assert summary.reused == 25  # 28 read before, 2 gone, 1 changed; the new one analysed
    cold = build([reports], tmp_path / "cold", jobs=1, use_cache=False)
    assert outputs(out) == outputs(tmp_path / "cold")
    assert (summary.incidents, summary.events) == (cold.incidents, cold.events)
    with sqlite3.connect(out / CACHE_FOLDER / CACHE_FILE) as db:
        (entries,) = db.execute("SELECT count(*) FROM results").fetchone()
    assert entries == summary.reports_read == 27


def test_after_adding_reports_only_the_new_ones_are_analysed(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    out = tmp_path / "out"
    build([reports], out)
    (reports / "new1.txt").write_text(OTHER_REPORT.replace("Test Radio", "New Radio"), "utf-8")
    (reports / "new2.txt").write_text(GOOD_REPORT.replace("Test Wire", "New Wire"), "utf-8")
    analysed: list[str] = []
    real = analyse_task

    def counting(task: ReportTask, geoparser: object) -> object:
        analysed.append(Path(task.path).name)
        return real(task, geoparser)

    monkeypatch.setattr("maps.analysis.analyse_task", counting)
    summary = build([reports], out, jobs=1)
    assert sorted(analysed) == ["broken.txt", "new1.txt", "new2.txt"]
    assert summary.reused == 28
    cold = build([reports], tmp_path / "cold", use_cache=False)
    assert outputs(out) == outputs(tmp_path / "cold")
    assert summary.incidents == cold.incidents


@pytest.mark.xfail(
    strict=True,
    reason="issue 13's +10 target (a rebuild of 10,000 reports after adding 10 >= 20x faster "
    "than cold) is not met: every output is made again from every incident (here the "
    "writers take 1,064 incident rows for 133 incidents on the rebuild; 11.0 s of writers' "
    "CPU at 10,000 reports), and the rebuild was 3.9x-6.4x faster than cold on 2026-12-03",
)
def test_a_rebuild_after_adding_a_report_remakes_only_the_rows_it_changed(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a timing: the incident rows the output writers take on a rebuild after one
    report was added, which the +10 target needs to be a small share of the table."""
    import maps.outputs

    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    out = tmp_path / "out"
    build([reports], out, jobs=1)
    (reports / "new1.txt").write_text(OTHER_REPORT.replace("Test Radio", "New Radio"), "utf-8")
    taken: list[int] = []
    real = maps.outputs.incident_tables

    def counting(inputs: object, *, by_id: bool = False) -> Iterator[object]:
        for table in real(inputs, by_id=by_id):  # type: ignore[arg-type]
            taken.append(table.num_rows)
            yield table

    monkeypatch.setattr("maps.outputs.incident_tables", counting)
    summary = build([reports], out, jobs=1)
    assert summary.reused == 28
    assert taken, "the writers took no incident rows: the count no longer measures them"
    assert sum(taken) < summary.incidents, (
        f"{sum(taken)} incident rows taken by the writers for {summary.incidents} incidents"
    )


@pytest.mark.parametrize("jobs", [None, 2])
def test_a_few_new_reports_are_analysed_by_a_worker_while_the_cache_is_read(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int | None
) -> None:
    """With jobs as the CLI's default or two asked for, the reports the cache has no
    entry for are known before any entry is read, and one worker process analyses them
    meanwhile (not two, each building its geoparser); the outputs are those of a cold
    build."""
    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    out = tmp_path / "out"
    build([reports], out, jobs=1)
    (reports / "aa_new.txt").write_text(OTHER_REPORT.replace("Test Radio", "New Radio"), "utf-8")
    (reports / "zz_new.txt").write_text(GOOD_REPORT.replace("Test Wire", "New Wire"), "utf-8")
    monkeypatch.setattr("maps.analysis.READ_WHILE_ANALYSING_MIN", 10)
    monkeypatch.setattr("maps.analysis.default_jobs", lambda: 2)
    messages: list[str] = []
    summary = build([reports], out, jobs=jobs, log=messages.append)
    assert any("3 reports in a worker while the cache is read" in m for m in messages), messages
    assert summary.reused == 28
    assert summary.jobs == 1
    build([reports], tmp_path / "cold", jobs=1, use_cache=False)
    assert outputs(out) == outputs(tmp_path / "cold")
    assert build([reports], out, jobs=1).reused == 30


def test_a_corrupt_entry_found_while_workers_analyse_the_new_reports(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry expected to be found whose payload is damaged is analysed again in this
    process, while the workers' stream of new reports stays in step (handed out three
    at a time here, so several slices are in flight)."""
    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    out = tmp_path / "out"
    build([reports], out, jobs=1)
    for number in range(8):
        (reports / f"new{number}.txt").write_text(
            OTHER_REPORT.replace("Test Radio", f"New Radio {number}"), "utf-8"
        )
    with _entries(out) as db:
        (victim,) = db.execute("SELECT key FROM results ORDER BY key LIMIT 1").fetchone()
        db.execute("UPDATE results SET payload=x'00' WHERE key=?", (victim,))
    monkeypatch.setattr("incidents.engine.STREAM_SLICE", 3)
    messages: list[str] = []
    summary = build([reports], out, jobs=2, log=messages.append)
    assert summary.reused == 27
    assert any("1 corrupt entries ignored" in m for m in messages), messages
    build([reports], tmp_path / "cold", jobs=1, use_cache=False)
    assert outputs(out) == outputs(tmp_path / "cold")


def test_workers_hand_out_a_stream_in_slices_and_give_the_same_outputs(
    corpus: Path, serial: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("incidents.engine.STREAM_SLICE", 2)
    monkeypatch.setattr("maps.analysis.ROUND", 5)  # rounds and slices out of step
    summary = build([corpus], tmp_path / "out", jobs=2, use_cache=False)
    assert summary.jobs == 2
    assert outputs(tmp_path / "out") == serial


def test_an_edited_report_is_analysed_again(corpus: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    out = tmp_path / "out"
    build([reports], out)
    (reports / "good0.txt").write_text(OTHER_REPORT, encoding="utf-8")
    summary = build([reports], out)
    assert summary.reused == 27
    build([reports], tmp_path / "cold", use_cache=False)
    assert outputs(out) == outputs(tmp_path / "cold")


def _entries(out: Path) -> sqlite3.Connection:
    # The record of the last build goes: else the next build, whose inputs are those of
    # the last, finds its outputs in place and reads no entry at all; and the index of the
    # kept spill: else the rows are taken from there and no entry is read.
    (out / CACHE_FOLDER / RECORD_FILE).unlink()
    (out / CACHE_FOLDER / INDEX_FILE).unlink()
    return sqlite3.connect(out / CACHE_FOLDER / CACHE_FILE)


@pytest.mark.parametrize("damage", ["flipped-byte", "valid-digest-garbage", "other-report"])
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(
    corpus: Path, serial: dict[str, bytes], tmp_path: Path, damage: str
) -> None:
    out = tmp_path / "out"
    build([corpus], out)
    with _entries(out) as db:
        keys = [k for (k,) in db.execute("SELECT key FROM results ORDER BY key")]
        victim, donor = keys[0], keys[1]
        (payload,) = db.execute("SELECT payload FROM results WHERE key=?", (victim,)).fetchone()
        if damage == "flipped-byte":
            broken = payload[:10] + bytes([payload[10] ^ 0xFF]) + payload[11:]
            db.execute("UPDATE results SET payload=? WHERE key=?", (broken, victim))
        elif damage == "valid-digest-garbage":
            # The entry's own header, then bytes that are no record batches, with a digest
            # that fits them: only the decoding can tell.
            (size,) = struct.unpack_from("<I", payload)
            broken = payload[: 4 + size] + pack_body(b"\x07" * 4000)
            digest = hashlib.sha256(broken).digest()
            db.execute(
                "UPDATE results SET payload=?, digest=? WHERE key=?", (broken, digest, victim)
            )
        else:  # a well-formed entry of another report filed under this key
            (other, digest) = db.execute(
                "SELECT payload, digest FROM results WHERE key=?", (donor,)
            ).fetchone()
            db.execute(
                "UPDATE results SET payload=?, digest=? WHERE key=?", (other, digest, victim)
            )
    messages: list[str] = []
    summary = build([corpus], out, log=messages.append)
    assert summary.reused == 27
    assert any("1 corrupt entries ignored" in m for m in messages), messages
    assert outputs(out) == serial
    # The rebuilt entry is good again: the next build trusts every entry.
    assert build([corpus], out).reused == 28


def test_a_cache_file_that_is_not_a_database_is_rebuilt(
    corpus: Path, serial: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build([corpus], out)
    (out / CACHE_FOLDER / RECORD_FILE).unlink()
    (out / CACHE_FOLDER / CACHE_FILE).write_bytes(b"not a database at all" * 100)
    messages: list[str] = []
    summary = build([corpus], out, log=messages.append)
    assert summary.reused == 0
    assert any("could not be read" in m for m in messages), messages
    assert outputs(out) == serial
    assert build([corpus], out).reused == 28


def test_a_cache_whose_every_entry_was_replaced_does_not_stay_twice_its_size(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build([corpus], out)
    first = (out / CACHE_FOLDER / CACHE_FILE).stat().st_size
    moved = tmp_path / "moved"  # the same reports at other paths: every key is new
    shutil.copytree(corpus, moved)
    assert build([moved], out).reused == 0
    replaced = (out / CACHE_FOLDER / CACHE_FILE).stat().st_size
    assert replaced < first * 1.25, (first, replaced)
    assert build([moved], out).reused == 28


def test_clear_cache_and_no_cache(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([corpus], out)
    before = (out / CACHE_FOLDER / CACHE_FILE).read_bytes()
    assert build([corpus], out, use_cache=False).reused == 0
    assert (out / CACHE_FOLDER / CACHE_FILE).read_bytes() == before  # left alone
    assert build([corpus], out, clear_cache=True).reused == 0
    assert build([corpus], out).reused == 28


def test_an_unchanged_rebuild_leaves_the_outputs_as_they_are(
    corpus: Path, serial: dict[str, bytes], tmp_path: Path
) -> None:
    """Same reports, code and title: nothing is analysed or written, once every output
    is found byte for byte as the last build wrote it; a changed output, title or
    report is built again."""
    out = tmp_path / "out"
    first = build([corpus], out, jobs=1)
    stamps = {name: (out / name).stat().st_mtime_ns for name in OUTPUT_FILES}
    messages: list[str] = []
    again = build([corpus], out, jobs=2, log=messages.append)
    assert any("nothing changed" in m for m in messages), messages
    assert {name: (out / name).stat().st_mtime_ns for name in OUTPUT_FILES} == stamps
    assert again.reused == again.reports_read == first.reports_read
    assert (again.incidents, again.events, again.places) == (
        first.incidents, first.events, first.places
    )  # fmt: skip
    assert (again.problems, again.source_counts) == (first.problems, first.source_counts)
    assert again.outputs == first.outputs
    # An output changed by hand is no longer the last build's: everything is written.
    (out / "incidents.csv").write_text("edited", encoding="utf-8")
    messages.clear()
    build([corpus], out, log=messages.append)
    assert not any("nothing changed" in m for m in messages), messages
    assert outputs(out) == serial
    messages.clear()
    build([corpus], out, title="Another title", log=messages.append)
    assert not any("nothing changed" in m for m in messages), messages
    assert (out / "map.html").read_bytes() != serial["map.html"]
    build([corpus], out)
    assert outputs(out) == serial


def test_the_key_changes_with_everything_the_analysis_depends_on() -> None:
    base = entry_key("v1", "a.txt", None, b"text")
    assert entry_key("v1", "a.txt", None, b"text") == base
    assert entry_key("v2", "a.txt", None, b"text") != base  # code, data or gazetteer
    assert entry_key("v1", "b.txt", None, b"text") != base  # ids derive from the path
    assert entry_key("v1", "a.txt", None, b"text!") != base
    assert entry_key("v1", "a.txt", ReportMetadata(source="Wire"), b"text") != base


def test_an_entry_round_trips_and_refuses_to_be_another_report(
    tmp_path: Path, geoparser: object
) -> None:
    path = tmp_path / "good.txt"
    path.write_text(GOOD_REPORT, encoding="utf-8")
    outcome = analyse_task(ReportTask(str(path)), geoparser)  # type: ignore[arg-type]
    assert outcome.incidents
    assert outcome.places
    payload = encode_outcome("k", outcome)
    cached = decode_outcome("k", str(path), payload)
    assert cached.incidents.to_pylist() == outcome.incidents
    assert cached.places.to_pylist() == outcome.places
    assert cached.problems == outcome.problems
    with pytest.raises(CorruptEntryError):
        decode_outcome("other key", str(path), payload)
    with pytest.raises(CorruptEntryError):
        decode_outcome("k", "elsewhere.txt", payload)


def test_a_workers_rows_as_messages_are_the_rows(tmp_path: Path, geoparser: object) -> None:
    """A worker of a cached build sends its rows as record-batch messages: they read back
    as the batches the rows make, and become the same cache entry."""
    path = tmp_path / "good.txt"
    path.write_text(GOOD_REPORT, encoding="utf-8")
    outcome = analyse_task(ReportTask(str(path)), geoparser)  # type: ignore[arg-type]
    sent = as_batches(outcome)
    assert sent.batches is not None
    assert not sent.incidents
    assert not sent.places
    assert sent.problems == outcome.problems
    for got, want in zip(outcome_batches(sent), outcome_batches(outcome), strict=True):
        assert got.equals(want)
        assert got.num_rows
    assert encode_outcome("k", sent) == encode_outcome("k", outcome)
    unread = analyse_task(ReportTask(str(tmp_path / "missing.txt")), geoparser)  # type: ignore[arg-type]
    assert as_batches(unread) is unread


def test_a_run_of_reports_sends_their_rows_together_in_order(
    tmp_path: Path, geoparser: object
) -> None:
    """A worker of a build without the cache sends a run's rows as one pair of batches,
    on the run's first outcome (here a report that could not be read): appended in the
    order of the outcomes, they are each report's own rows, in order."""
    good, other = tmp_path / "good.txt", tmp_path / "other.txt"
    good.write_text(GOOD_REPORT, encoding="utf-8")
    other.write_text(OTHER_REPORT, encoding="utf-8")
    tasks = [ReportTask(str(p)) for p in (tmp_path / "missing.txt", good, other, good)]
    alone = [analyse_task(task, geoparser) for task in tasks]  # type: ignore[arg-type]
    outcomes = list(run_outcomes(analyse_run(tasks, geoparser)))  # type: ignore[arg-type]
    assert [o.path for o in outcomes] == [o.path for o in alone]
    assert [o.read for o in outcomes] == [False, True, True, True]
    assert [o.problems for o in outcomes] == [o.problems for o in alone]
    assert outcomes[0].run is not None
    assert all(o.run is None and not o.incidents and not o.places for o in outcomes[1:])
    incidents, places = outcomes[0].run
    assert incidents.to_pylist() == [row for o in alone for row in o.incidents]
    assert places.to_pylist() == [row for o in alone for row in o.places]
    assert incidents.num_rows > len(alone[1].incidents)


def test_an_entry_whose_columns_do_not_fit_is_corrupt(tmp_path: Path, geoparser: object) -> None:
    """An entry's header and batches are each checked: another format, other schemas,
    sizes that do not fit its messages, batches of the other table, a cut body, text
    that is not UTF-8 are each a corrupt entry, never trusted."""
    import json

    path = tmp_path / "good.txt"
    path.write_text(GOOD_REPORT, encoding="utf-8")
    outcome = analyse_task(ReportTask(str(path)), geoparser)  # type: ignore[arg-type]
    incidents, places = outcome_batches(outcome)
    assert incidents.num_rows
    assert places.num_rows
    payload = encode_batches("k", str(path), incidents, places, outcome.problems)
    (size,) = struct.unpack_from("<I", payload)
    header = json.loads(payload[4 : 4 + size])
    body = unpack_body(payload[4 + size :], sum(header["sizes"])).to_pybytes()

    def entry(change: object = None, new_body: bytes | None = None) -> bytes:
        copy = json.loads(json.dumps(header))
        if change is not None:
            change(copy)  # type: ignore[operator]
        text = json.dumps(copy).encode()
        packed = pack_body(body if new_body is None else new_body)
        return struct.pack("<I", len(text)) + text + packed

    first, second = header["sizes"]
    swapped = body[first:] + body[:first]
    utf8 = incidents.column(incidents.schema.get_field_index("evidence")).buffers()[2]
    assert utf8 is not None
    at = body.index(utf8.to_pybytes()[:24])  # the evidence text inside the message
    not_utf8 = body[:at] + b"\xff\xfe" + body[at + 2 :]
    for damaged in [
        entry(lambda h: h.__setitem__("format", FORMAT - 1)),
        entry(lambda h: h.__setitem__("schemas", "0" * 16)),
        entry(lambda h: h.__setitem__("sizes", [first - 8, second + 8])),
        entry(lambda h: h.__setitem__("sizes", [second, first]), swapped),
        entry(None, body[:-16]),
        entry(None, body[:-16])[:-8],
        entry(None, not_utf8),
        payload[: 4 + size],
        b"\x00\x01",
    ]:
        with pytest.raises(CorruptEntryError):
            decode_outcome("k", str(path), damaged)
    assert decode_outcome("k", str(path), entry()).incidents.equals(incidents)


def test_an_entry_body_whose_frame_is_not_the_size_claimed_is_corrupt() -> None:
    """The compressed messages must decompress to exactly the size the entry's header
    says, every byte of them written: a frame that says another size, or whose header
    was changed to say the claimed one, a second frame after it, a cut frame or bytes
    that are no zstd frame are each refused."""
    body = bytes(range(256)) * 40
    packed = pack_body(body)
    assert unpack_body(packed, len(body)).to_pybytes() == body
    descriptor = packed[4]
    assert descriptor & 0x20  # a single-segment frame: its size field follows at once
    width = (1, 2, 4, 8)[descriptor >> 6]
    claimed = len(body) + 16
    forged = packed[:5] + (claimed - (256 if width == 2 else 0)).to_bytes(width, "little")
    forged += packed[5 + width :]
    for damaged, size in [
        (packed, len(body) + 1),
        (packed, len(body) - 1),
        (packed, 0),
        (forged, claimed),
        (pack_body(body[:100]) + pack_body(body[100:]), len(body)),
        (packed + pack_body(b"more"), len(body)),
        (packed[:-3], len(body)),
        (b"\x78\x01" + packed[2:], len(body)),
        (packed[:5], len(body)),
    ]:
        with pytest.raises(CorruptEntryError):
            unpack_body(damaged, size)


def test_geoparquet_holds_the_incidents(corpus: Path, tmp_path: Path) -> None:
    import geopandas as gpd

    out = tmp_path / "out"
    summary = build([corpus], out)
    metadata = pq.read_metadata(out / "incidents.parquet").metadata
    assert b"geo" in metadata  # GeoParquet's file metadata
    frame = gpd.read_parquet(out / "incidents.parquet")
    assert len(frame) == summary.incidents
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.notna().sum() == summary.mapped
    assert {"incident_id", "event_id", "evidence", "actors"} <= set(frame.columns)


def test_a_file_in_the_place_of_the_cache_folder_does_not_stop_a_build(
    corpus: Path, serial: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CACHE_FOLDER).write_text("in the way", encoding="utf-8")
    summary = build([corpus], out)
    assert summary.reused == 0
    assert outputs(out) == serial
    assert (out / CACHE_FOLDER / CACHE_FILE).is_file()
    assert build([corpus], out).reused == 28


def test_outputs_streamed_a_few_incidents_at_a_time_hold_the_same(
    corpus: Path, serial: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past one batch the per-incident files are written a batch at a time: the text
    files and the FlatGeobuf give the same bytes, the GeoPackage the same SQL content
    (its pages laid out otherwise) and the GeoParquet the same table and metadata in
    one row group per batch (a column the first batch has no value in is typed as
    the later batches have it)."""
    import sqlite3 as sqlite

    import geopandas as gpd

    monkeypatch.setattr("maps.outputs.BATCH_ROWS", 7)
    out = tmp_path / "out"
    summary = build([corpus], out, jobs=1, use_cache=False)
    assert summary.incidents > 7 * 3
    streamed = outputs(out)
    differ = {"incidents.gpkg", "incidents.parquet"}
    assert {n: v for n, v in streamed.items() if n not in differ} == {
        n: v for n, v in serial.items() if n not in differ
    }
    before = tmp_path / "serial.gpkg"
    before.write_bytes(serial["incidents.gpkg"])
    dumps = [
        "\n".join(sqlite.connect(path).iterdump()) for path in (before, out / "incidents.gpkg")
    ]
    assert dumps[0] == dumps[1]
    whole = tmp_path / "serial.parquet"
    whole.write_bytes(serial["incidents.parquet"])
    assert pq.ParquetFile(out / "incidents.parquet").metadata.num_row_groups > 3
    geo = [pq.read_schema(path).metadata[b"geo"] for path in (out / "incidents.parquet", whole)]
    assert geo[0] == geo[1]
    assert gpd.read_parquet(out / "incidents.parquet").equals(gpd.read_parquet(whole))


def test_sorting_through_bucket_files_gives_the_same_outputs(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table too large to sort in memory goes through one bucket file per row group
    of the sorted files: every output is the same, byte for byte, as sorting in memory
    (batches of 7 incidents, so there are many buckets, most rows in a batch of the
    spill going to another bucket)."""
    monkeypatch.setattr("maps.outputs.BATCH_ROWS", 7)
    in_memory = tmp_path / "in-memory"
    build([corpus], in_memory, jobs=1, use_cache=False)
    monkeypatch.setattr("maps.outputs.IN_MEMORY_ROWS", 0)
    bucketed = tmp_path / "bucketed"
    summary = build([corpus], bucketed, jobs=1, use_cache=False)
    assert summary.incidents > 7 * 3
    assert outputs(bucketed) == outputs(in_memory)
    staged = list(bucketed.glob("**/sorting-*"))
    assert staged == []
