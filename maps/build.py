"""The main job: reports in, one map and GIS files out (``incident-map build``).

A build streams: the report files are listed, each report's analysis is taken
from the result cache (:mod:`incidents.cache`) or computed (in this process, in
worker processes, or on a dask cluster: :mod:`incidents.engine`), and its rows
are appended to a columnar spill (:mod:`incidents.spill`) in a staging folder.
Nothing per report stays in memory; every output is then made from the
spilled columns. The output folder is locked while a build runs
(:mod:`maps.outdir`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from gazetteer.model import Gazetteer, load_gazetteer
from geo.errors import IncidentMapperError, OutputError, ReportError
from incidents.cache import (
    CACHE_FILE,
    CACHE_FOLDER,
    RECORD_FILE,
    ResultCache,
    analysis_version,
    fresh_record,
    inputs_digest,
    write_record,
)
from incidents.engine import (
    ReportTask,
    default_jobs,
)
from incidents.event_items import IncidentColumns
from incidents.event_parts import (
    event_ids_file,
    group_part,
    read_part_event_ids,
    read_part_files,
)
from incidents.event_store import PIECES_FILE, PieceReuse, write_store
from incidents.events import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    check_unique_ids,
    event_id_column,
    events_frame,
    group_events,
)
from incidents.model import INCIDENT_COLUMNS
from incidents.pipeline import (
    Problem,
    places_frame_from_table,
)
from incidents.report_files import Manifest, printable_path
from incidents.spill import (
    SpillWriter,
    read_spilled_incidents,
    read_spilled_place_firsts,
    release_memory,
)
from incidents.spill_reuse import INDEX_FILE, KEPT_FILES, SPILL_FILES, KeptSpill
from maps import outputs
from maps.analysis import analyse_into_spill, content_key, list_reports
from maps.build_summary import BuildSummary
from maps.export import EXTRA_OUTPUT_FILES, neutralise_formula
from maps.files import MADE_TOGETHER, write_outputs
from maps.outdir import OutputLock, make_staging, remove_stale_staging
from maps.outputs import OutputWriters, prepare_inputs
from maps.spill_summary import SourceRow, summarise_spill
from maps.writer_memory import prepare_side_by_side

#: The files a build writes, in the order they are listed to the user.
OUTPUT_FILES = (
    "map.html",
    "incidents.geojson",
    "events.geojson",
    "places.geojson",
    "incidents.gpkg",
    "incidents.csv",
    *EXTRA_OUTPUT_FILES,
    "sources.csv",
    "problems.txt",
)

#: The incident columns the events are grouped from (every column
#: :func:`incidents.events.group_events` reads).
GROUPING_COLUMNS = [
    name for name in INCIDENT_COLUMNS if name in {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS}
]
#: With ``jobs=None``, fewer incidents than this are written out in this process.
AUTO_PARALLEL_MIN_INCIDENTS = 2000


def check_output_folder(out_dir: str | Path) -> None:
    """Refuse, before any report is read, an output folder that cannot be one.

    :func:`maps.export.write_outputs` checks again when it writes; this only
    spares a long build that could never be written.

    Raises
    ------
    OutputError
        ``out_dir`` is a file, lies under a file, has a name that is not UTF-8
        (GDAL cannot write there), or its nearest existing folder cannot be
        written to.
    """
    out_dir = Path(out_dir)
    if printable_path(str(out_dir)) != str(out_dir):
        msg = "the output folder's name is not valid UTF-8; choose another name"
        raise OutputError(msg, path=printable_path(str(out_dir)))
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        msg = "is a file, not a folder; choose another output folder"
        raise OutputError(msg, path=existing)
    if not os.access(existing, os.W_OK | os.X_OK):
        msg = "the output folder is not writable; choose another or fix its permissions"
        raise OutputError(msg, path=existing)


def build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    gazetteer: Gazetteer | None = None,
    manifest: Manifest | None = None,
    title: str = "incident-mapper",
    on_report: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    on_stage: Callable[[str, int | None], None] | None = None,
    on_output: Callable[[str], None] | None = None,
    jobs: int | None = 1,
    scheduler: str | None = None,
    use_cache: bool = True,
    clear_cache: bool = False,
    log: Callable[[str], None] | None = None,
    stdin: bytes | None = None,
    memory_limit_mb: float | None = None,
) -> BuildSummary:
    """Read every report, extract incidents and write the map and GIS files.

    Outputs are written all together or not at all (see
    :func:`maps.export.write_outputs`); a report that cannot be read is listed
    in the summary's problems and the others go on. Whatever ``jobs``,
    ``scheduler`` and the cache, the same reports give byte-identical outputs.

    Parameters
    ----------
    on_report, on_total
        Progress: called once per report listed, and once with the number of
        reports once they are listed.
    on_stage, on_output
        Progress after the reports: ``on_stage("events", None)`` as the events
        start being grouped, ``on_stage("outputs", n)`` before the ``n`` files
        made from the spill are written, and ``on_output(name)`` as each of them is
        (from another thread when workers write them). A build that finds its
        outputs in place calls neither.
    jobs
        Worker processes for the analysis; 1 analyses in this process; None
        uses every core (and this process alone for a few reports).
    scheduler
        The address of a dask.distributed scheduler (``tcp://host:8786``) to
        analyse the reports on instead; the files must be readable by the
        workers at the same paths.
    use_cache, clear_cache
        Reuse and keep analyses in the output folder's cache
        (:mod:`incidents.cache`); ``clear_cache`` empties it first.
    log
        Where to say what the build does (for ``-v``).
    stdin
        The bytes of a report read from standard input: ``-`` among the inputs
        stands for it (named ``<stdin>``).
    memory_limit_mb
        The memory (MB, all processes) the output writers are scheduled to keep the
        build under (:class:`maps.outputs.OutputWriters`); None:
        :data:`maps.writer_memory.DEFAULT_MEMORY_LIMIT_MB`. The outputs are the same
        whatever it is.

    Worker processes come from a fork server, which imports the calling script
    as ``multiprocessing`` does: a script that calls ``build(jobs=2)`` needs the
    usual ``if __name__ == "__main__":`` guard.

    Raises
    ------
    ReportError
        When not a single report could be read (nothing is written then).
    OutputError
        When the outputs cannot be written (earlier outputs are left as they were),
        or another build holds the output folder; an output folder that is a file
        or not writable is refused before any report is read.
    """
    if str(out_dir) == "":
        msg = "the output folder's name is empty; name a folder (--out DIR)"
        raise OutputError(msg)
    check_output_folder(out_dir)
    out_dir = Path(out_dir)
    inputs = list(inputs)
    gazetteer = gazetteer or load_gazetteer()
    say = log or (lambda _message: None)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"cannot create the output folder: {exc.strerror or exc}"
        raise OutputError(msg, path=out_dir) from exc
    lock = OutputLock(out_dir)
    staging: Path | None = None
    try:
        lock.acquire()
        for stale in remove_stale_staging(out_dir):
            say(f"removed {stale.name}, left by a build that was stopped")
        cache_folder = out_dir / CACHE_FOLDER
        if clear_cache and (cache_folder.exists() or cache_folder.is_symlink()):
            _remove(cache_folder)
            say("cache cleared")
        staging = make_staging(out_dir)
        summary = BuildSummary()
        listed = list_reports(inputs, summary, manifest=manifest, stdin=stdin)
        if on_total is not None:
            on_total(len(listed))
        version = analysis_version(gazetteer) if use_cache else ""
        keys = [
            content_key(version, item) if use_cache and isinstance(item, ReportTask) else None
            for item in listed
        ]
        digest = (
            _inputs_digest(version, title, listed, keys, summary.problems) if use_cache else None
        )
        kept = _unchanged(cache_folder, digest, out_dir)
        if kept is not None:
            for _item in listed:
                if on_report is not None:
                    on_report()
            say("nothing changed since the last build: its outputs are in place (checked)")
            return kept
        analyse_into_spill(
            listed,
            keys,
            staging,
            summary,
            gazetteer=gazetteer,
            cache=ResultCache(
                cache_folder / CACHE_FILE, staging / CACHE_FILE, KeptSpill.open(cache_folder)
            )
            if use_cache
            else None,
            jobs=jobs,
            scheduler=scheduler,
            on_report=on_report,
            say=say,
        )
        if summary.reports_read == 0:
            reasons = "".join(f"\n  {p}" for p in summary.problems if p.severity == "error")
            msg = f"no report could be read, so nothing was written:{reasons}"
            raise ReportError(msg, path=", ".join(printable_path(str(i)) for i in inputs) or None)
        _write_from_spill(
            staging,
            out_dir,
            summary,
            gazetteer=gazetteer,
            title=title,
            jobs=_output_jobs(jobs, scheduler),
            say=say,
            memory_limit_mb=memory_limit_mb,
            reuse=_piece_reuse(cache_folder, version) if use_cache else None,
            on_stage=on_stage,
            on_output=on_output,
        )
        if use_cache:
            if digest is not None:
                write_record(staging / RECORD_FILE, digest, summary.outputs, _as_record(summary))
            _keep_cache(staging, cache_folder, say)
        return summary
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        lock.release()
        if created:  # a folder made for outputs that never came is not left behind
            with contextlib.suppress(OSError):
                out_dir.rmdir()


def _output_jobs(jobs: int | None, scheduler: str | None) -> int | None:
    """Processes that write the outputs: as many as analyse (None: this machine's
    cores when there is enough to write, as for a cluster build, written here)."""
    if jobs is None or scheduler is not None:
        return None
    return max(1, jobs)


def _piece_reuse(cache_folder: Path, version: str) -> PieceReuse:
    """The grouping's reuse of the last build's event pieces (:mod:`incidents.event_store`)."""
    previous = cache_folder / PIECES_FILE
    return PieceReuse(previous if previous.is_file() else None, version)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _keep_cache(staging: Path, cache_folder: Path, say: Callable[[str], None]) -> None:
    """Put this build's cache (and its record, when it has one) in place of the previous
    ones. The outputs are written by now: a cache that cannot be kept only costs the next
    build time."""
    try:
        if cache_folder.is_symlink() or (cache_folder.exists() and not cache_folder.is_dir()):
            _remove(cache_folder)
        cache_folder.mkdir(exist_ok=True)
        (cache_folder / RECORD_FILE).unlink(missing_ok=True)
        (cache_folder / PIECES_FILE).unlink(missing_ok=True)
        (cache_folder / INDEX_FILE).unlink(missing_ok=True)
        (staging / CACHE_FILE).replace(cache_folder / CACHE_FILE)
        if (staging / INDEX_FILE).is_file():
            # The spill the index describes, and then the index.
            for name, kept in KEPT_FILES.items():
                (staging / "spill" / SPILL_FILES[name]).replace(cache_folder / kept)
            (staging / INDEX_FILE).replace(cache_folder / INDEX_FILE)
        if (staging / PIECES_FILE).is_file():
            (staging / PIECES_FILE).replace(cache_folder / PIECES_FILE)
        if (staging / RECORD_FILE).is_file():
            (staging / RECORD_FILE).replace(cache_folder / RECORD_FILE)
    except OSError as exc:
        say(f"cache not kept ({exc.strerror or exc}): the next build analyses every report")


def _inputs_digest(
    version: str,
    title: str,
    listed: Sequence[ReportTask | Problem],
    keys: Sequence[str | None],
    problems: Sequence[Problem],
) -> str | None:
    """What the outputs of a build depend on (see :func:`incidents.cache.inputs_digest`),
    or None when a listed report is not a plain readable file (its problem is made again)."""
    parts = [title, *(str(p) for p in problems)]
    for item, key in zip(listed, keys, strict=True):
        if isinstance(item, Problem):
            parts.append(f"{item.severity} {item}")
        elif key is None:
            return None
        else:
            parts.append(key)
    return inputs_digest(version, parts)


def _as_record(summary: BuildSummary) -> dict[str, Any]:
    """A summary as JSON values (for the build record)."""
    return {
        "reports_read": summary.reports_read,
        "reports_failed": summary.reports_failed,
        "incidents": summary.incidents,
        "mapped": summary.mapped,
        "sources": summary.sources,
        "source_counts": summary.source_counts,
        "places": summary.places,
        "events": summary.events,
        "problems": [p.to_json() for p in summary.problems],
        "outputs": [path.name for path in summary.outputs],
    }


def _unchanged(cache_folder: Path, digest: str | None, out_dir: Path) -> BuildSummary | None:
    """The summary of the last build when nothing it depends on changed and its outputs
    are all in place, byte for byte; else None."""
    if digest is None or not (cache_folder / CACHE_FILE).is_file():
        return None
    record = fresh_record(cache_folder / RECORD_FILE, digest, out_dir)
    if record is None:
        return None
    try:
        return BuildSummary(
            reports_read=int(record["reports_read"]),
            reports_failed=int(record["reports_failed"]),
            incidents=int(record["incidents"]),
            mapped=int(record["mapped"]),
            sources=[str(s) for s in record["sources"]],
            source_counts=[(str(s), int(n)) for s, n in record["source_counts"]],
            reused=int(record["reports_read"]),
            places=int(record["places"]),
            events=int(record["events"]),
            problems=[Problem.from_json(values) for values in record["problems"]],
            outputs=[out_dir / str(name) for name in record["outputs"]],
        )
    except (KeyError, TypeError, ValueError):
        return None


def _write_from_spill(
    staging: Path,
    out_dir: Path,
    summary: BuildSummary,
    *,
    gazetteer: Gazetteer,
    title: str,
    jobs: int | None,
    say: Callable[[str], None],
    memory_limit_mb: float | None = None,
    reuse: PieceReuse | None = None,
    on_stage: Callable[[str, int | None], None] | None = None,
    on_output: Callable[[str], None] | None = None,
) -> None:
    """Make every output from the spilled columns and move them into ``out_dir``
    (``on_stage``, ``on_output``: progress, as :func:`build` describes them).

    The events are grouped and the output tasks' inputs prepared
    (:func:`group_and_prepare`; with ``jobs`` over 1 in a process of its own), then
    each output is written by its own task from them (:mod:`maps.outputs`), in ``jobs``
    processes side by side. With ``reuse``, the event rows of the pieces that did not
    change since the last build are taken from its store, and the store of this build
    is written to ``staging`` (:mod:`incidents.event_store`).
    """
    # The summary, read a batch at a time; the grouping reads its own columns, a column
    # at a time into compact codes: the evidence, titles and links, a good part of the
    # table, are read by the output tasks themselves.
    spill = staging / "spill"
    spilled = summarise_spill(spill)
    summary.incidents, summary.mapped = spilled.incidents, spilled.mapped
    release_memory()  # the batches' buffers, kept by Arrow's pool
    if jobs is None:
        jobs = default_jobs() if summary.incidents >= AUTO_PARALLEL_MIN_INCIDENTS else 1
    say(f"grouping {summary.incidents} incidents into events")
    if on_stage is not None:
        on_stage("events", None)
    if jobs > 1:
        # In processes of their own, which give back all they held when they end: the
        # build's process stays as small as it was while the output workers write.
        inputs, summary.events, summary.places, pieces = _group_in_parts(
            staging,
            gazetteer=gazetteer,
            title=title,
            jobs=jobs,
            reuse=reuse,
            incidents=summary.incidents,
            memory_limit_mb=memory_limit_mb,
        )
    else:
        inputs, summary.events, summary.places, pieces = group_and_prepare(
            staging, gazetteer=gazetteer, title=title, reuse=reuse
        )
    if pieces is not None:
        say(f"events: {pieces[0]} of {sum(pieces)} pieces reused from the last build")
    release_memory()
    say("writing the outputs" + (f", {jobs} at a time" if jobs > 1 else ""))
    from_summary = {
        "sources.csv": sources_csv(spilled.sources),
        "problems.txt": problems_text(summary.problems),
    }
    made = tuple(name for name in OUTPUT_FILES if name not in from_summary)
    if on_stage is not None:
        on_stage("outputs", len(made))
    summary.outputs = write_outputs(
        out_dir,
        {**dict.fromkeys(made, MADE_TOGETHER), **from_summary},
        make=OutputWriters(inputs, jobs, memory_limit_mb=memory_limit_mb, on_written=on_output),
    )
    summary.sources = sorted(row.source for row in spilled.sources)
    summary.source_counts = [(row.source, row.incidents) for row in spilled.sources]


def _group_in_parts(
    staging: Path,
    *,
    gazetteer: Gazetteer,
    title: str,
    jobs: int,
    incidents: int,
    reuse: PieceReuse | None = None,
    memory_limit_mb: float | None = None,
) -> tuple[outputs.OutputInputs, int, int, tuple[int, int] | None]:
    """:func:`group_and_prepare` with the events grouped in ``jobs`` processes side by
    side, each a share of the type groups (:func:`incidents.event_parts.group_part`),
    then the table made and the inputs prepared in two processes side by side (one
    writes the two sorted incident files, from the event ids the parts wrote) when both
    fit the memory limit (:func:`maps.writer_memory.prepare_side_by_side`), else in one
    process: the same events, ids and files as one process makes.

    A problem in the incidents (a time that is not ISO 8601, a repeated id) is named as
    the one-process grouping names it: that grouping is then run, and raises it.
    """
    source = staging / "spill" / SpillWriter.INCIDENTS
    folder = staging / "event-parts"
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / f"part-{part}.pickle" for part in range(jobs)]
    try:
        _in_processes(
            [
                (group_part, (source, part, jobs, target), {"gazetteer": gazetteer, "reuse": reuse})
                for part, target in enumerate(targets)
            ]
        )
    except IncidentMapperError:
        return _in_a_process(group_and_prepare, staging, gazetteer=gazetteer, title=title)
    # The inputs, from the parts' rows: when two processes fit the memory limit side by
    # side, one writes the two sorted incident files and the other all the rest (and this
    # build's store of pieces, with ``reuse``); else one process writes them all.
    prepare = {"gazetteer": gazetteer, "title": title, "parts": targets, "reuse": reuse}
    if prepare_side_by_side(incidents, outputs.memory_budget(memory_limit_mb)):
        calls = [
            (group_and_prepare, (staging,), {**prepare, "sorted_files": False}),
            (write_sorted, (staging,), {"gazetteer": gazetteer, "parts": targets}),
        ]
    else:
        calls = [(group_and_prepare, (staging,), prepare)]
    made = _in_processes(calls)[0]
    for target in targets:
        target.unlink()
        event_ids_file(target).unlink()
    return made


def group_and_prepare(
    staging: Path,
    *,
    gazetteer: Gazetteer,
    title: str,
    parts: Sequence[Path] | None = None,
    reuse: PieceReuse | None = None,
    sorted_files: bool = True,
) -> tuple[outputs.OutputInputs, int, int, tuple[int, int] | None]:
    """Group the spilled incidents into events and prepare the output tasks' inputs in
    ``staging / "outputs"`` (:func:`maps.outputs.prepare_inputs`); returns them with the
    number of events and of places, and, with ``reuse``, of the pieces whose event rows
    were reused and of those grouped.

    The events are grouped from the whole incident table, read a column at a time into
    compact codes, and the table is then let go; or, given ``parts``, made from the
    event rows that many processes grouped (:func:`incidents.event_parts.group_part`),
    whose files are left for the caller to remove. With ``reuse``, the pieces that did
    not change since the last build are not grouped again (in this process when
    ``parts`` is None) and this build's store of pieces is written to ``staging``.
    Without ``sorted_files`` the two sorted incident files are left out
    (:func:`write_sorted` writes them, in another process).
    """
    spill = staging / "spill"
    made_here = parts is None and reuse is not None
    if made_here:
        folder = staging / "event-parts"
        folder.mkdir(parents=True, exist_ok=True)
        parts = [folder / "part-0.pickle"]
        group_part(spill / SpillWriter.INCIDENTS, 0, 1, parts[0], gazetteer=gazetteer, reuse=reuse)
    event_table, event_of, pieces = _events_and_ids(
        staging, gazetteer, parts, reuse=reuse, keep=not made_here
    )
    place_table = places_frame_from_table(read_spilled_place_firsts(spill), gazetteer)
    inputs = prepare_inputs(
        staging / "outputs", spill, event_of, event_table, place_table, gazetteer=gazetteer,
        title=title, share=None if sorted_files else "rest",
    )  # fmt: skip
    assert inputs is not None
    return inputs, len(event_table), len(place_table), pieces


def write_sorted(staging: Path, *, gazetteer: Gazetteer, parts: Sequence[Path]) -> None:
    """The share of :func:`group_and_prepare` (given ``parts``, without ``sorted_files``)
    leaves out: the incidents in the build's order and sorted by id, with their events'
    ids (as the parts wrote them: no event table is made here)."""
    source = staging / "spill" / SpillWriter.INCIDENTS
    event_of = read_part_event_ids(parts, pq.ParquetFile(source).metadata.num_rows, keep=True)
    prepare_inputs(
        staging / "outputs", staging / "spill", event_of, None, None,
        gazetteer=gazetteer, title="", share="sorted",
    )  # fmt: skip


def _events_and_ids(
    staging: Path,
    gazetteer: Gazetteer,
    parts: Sequence[Path] | None,
    *,
    reuse: PieceReuse | None = None,
    keep: bool = True,
) -> tuple[pd.DataFrame, pa.Array, tuple[int, int] | None]:
    """The event table (grouped here, or made from ``parts``, whose files are removed
    unless ``keep``), the event of each spilled incident, in the spill's order (so GIS
    users can join the two layers: from the incidents' ids, or as the parts wrote it),
    and, with ``reuse``, the pieces reused and grouped (this build's store of pieces
    written to ``staging``)."""
    spill = staging / "spill"
    incident_ids = read_spilled_incidents(spill, columns=["incident_id"]).column("incident_id")
    pieces = None
    if parts is None:
        columns = IncidentColumns.from_parquet(spill / SpillWriter.INCIDENTS, GROUPING_COLUMNS)
        event_table = group_events(columns, gazetteer=gazetteer)
        del columns
        event_of = event_id_column(incident_ids, event_table)
    else:
        # Each part checked its own ids, and its events against its incidents.
        check_unique_ids(pa.table({"incident_id": incident_ids}))
        event_of = read_part_event_ids(parts, len(incident_ids), keep=keep)
        rows, entries = read_part_files(parts, keep=keep)
        if reuse is not None:
            pieces = write_store(staging / PIECES_FILE, reuse.previous, entries)
        del entries
        event_table = events_frame(rows)
        del rows
    del incident_ids
    release_memory()
    return event_table, event_of, pieces


def _in_a_process(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` in a worker process of its own (from the fork server
    the analysis used, whose imports are loaded), which ends with it; its exception is
    raised here, and a build stopped meanwhile stops it too."""
    return _in_processes([(function, args, kwargs)])[0]


def _in_processes(
    calls: Sequence[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]],
) -> list[Any]:
    """Each ``function(*args, **kwargs)`` of ``calls`` in a worker process of its own, all
    side by side (as :func:`_in_a_process`); their values in order. The first exception
    to come is raised here, once the others are stopped."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([outputs.__name__])
    # A pool of one per call, closed as soon as its call is done: its process then ends
    # and gives its memory back while the others work.
    pools = [context.Pool(1, initializer=outputs.ignore_interrupt) for _ in calls]
    try:
        pending = [
            pool.apply_async(function, args, kwargs)
            for pool, (function, args, kwargs) in zip(pools, calls, strict=True)
        ]
        done: set[int] = set()
        while len(done) < len(pending):
            for number, result in enumerate(pending):
                if number not in done and result.ready():
                    result.get()  # raises its exception, if any
                    pools[number].close()
                    done.add(number)
            waiting = [result for result in pending if not result.ready()]
            if waiting:
                waiting[0].wait(0.2)
        values = [result.get() for result in pending]
    except BaseException:
        for pool in pools:
            pool.terminate()
        for pool in pools:
            pool.join()
        raise
    for pool in pools:
        pool.join()
    return values


def sources_csv(sources: Sequence[SourceRow]) -> str:
    """``sources.csv``: the full list behind the summary's top sources."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["source", "source_type", "incidents", "reports"])
    for row in sources:
        source = neutralise_formula(row.source)
        writer.writerow([source, row.source_type, row.incidents, row.reports])
    return buffer.getvalue()


def problems_text(problems: Sequence[Problem]) -> str:
    """``problems.txt``: every problem of the build, one line each."""
    errors = sum(p.severity == "error" for p in problems)
    lines = [f"# {errors} errors, {len(problems) - errors} warnings"]
    lines.extend(str(problem) for problem in problems)
    return "\n".join(lines) + "\n"
