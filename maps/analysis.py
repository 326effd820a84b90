"""The analysis phase of a build: every report listed, looked up in the result cache
(:mod:`incidents.cache`) or analysed (in this process, in worker processes or on a dask
cluster: :mod:`incidents.engine`), and its rows appended, in the order the reports were
listed, to the build's columnar spill (:mod:`incidents.spill`)."""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from gazetteer.geoparse import Geoparser
from gazetteer.model import Gazetteer
from incidents.cache import (
    CachedOutcome,
    ResultCache,
    SpilledOutcome,
    entry_key,
    gazetteer_digest,
    outcome_batches,
)
from incidents.engine import (
    DaskEngine,
    ProcessEngine,
    ReportOutcome,
    ReportTask,
    analyse_task,
    default_jobs,
)
from incidents.pipeline import (
    STDIN_NAME,
    Problem,
    split_stdin,
)
from incidents.report_files import Manifest, iter_report_files
from incidents.reports import REPORT_MAX_BYTES
from incidents.spill import SpillWriter
from incidents.spill_reuse import INDEX_FILE, IndexedSpill
from maps import outputs
from maps.build_summary import BuildSummary

#: With ``jobs=None`` (as many as there are cores), fewer reports to analyse than
#: this are analysed in this process: starting workers would cost more.
AUTO_PARALLEL_MIN = 64
#: Reports listed, looked up in the cache and analysed per round.
ROUND = 2048


def content_key(version: str, task: ReportTask) -> str | None:
    """The cache key of a report file, or None when it is not a plain readable file
    (the analysis then says why, and nothing is cached)."""
    if task.data is not None:
        return entry_key(version, task.path, task.metadata, task.data)
    try:
        # Stat first: opening a named pipe would wait for a writer.
        status = os.stat(task.path)  # noqa: PTH116 - no Path object per report
        if not stat.S_ISREG(status.st_mode) or status.st_size > REPORT_MAX_BYTES:
            return None
        with open(task.path, "rb") as handle:  # noqa: PTH123 - no Path object per report
            data = handle.read()
    except OSError:
        return None
    return entry_key(version, task.path, task.metadata, data)


def list_reports(
    inputs: Sequence[str | Path],
    summary: BuildSummary,
    *,
    manifest: Manifest | None,
    stdin: bytes | None,
) -> list[ReportTask | Problem]:
    """Every report to read, in order, or the problem that stops it being read."""
    if manifest is not None:
        # A row for a missing file loses nothing the build was given: a warning.
        summary.problems.extend(
            Problem(p.path or manifest.path, p.message, line=p.line, severity="warning")
            for p in manifest.problems
        )
    listed: list[ReportTask | Problem] = []
    runs = split_stdin(inputs) if stdin is not None else [list(inputs)]
    for run in runs:
        if run is None:
            listed.append(ReportTask(STDIN_NAME, None, data=stdin))
            continue
        for path, error in iter_report_files(run):
            if error is not None:
                listed.append(Problem.from_error(error, fallback_path=path))
            else:
                metadata = manifest.lookup(path) if manifest is not None else None
                listed.append(ReportTask(path, metadata))
    return listed


def analyse_into_spill(
    listed: Sequence[ReportTask | Problem],
    keys: Sequence[str | None],
    staging: Path,
    summary: BuildSummary,
    *,
    gazetteer: Gazetteer,
    cache: ResultCache | None,
    jobs: int | None,
    scheduler: str | None,
    on_report: Callable[[], None] | None,
    say: Callable[[str], None],
) -> None:
    """Look up, analyse and spill every listed report (``keys``: their cache keys), in
    order.

    The reports the cache has no entry for are known before any entry is read (one
    query over the keys), and handed to where they are analysed at once: worker
    processes compute them while this process reads and spills the cached ones.
    """
    engine: ReportEngine = ReportEngine(gazetteer, jobs=jobs, scheduler=scheduler, say=say)
    try:
        kept = cache.present([key for key in keys if key]) if cache is not None else set()
        engine.start(
            [
                item
                for item, key in zip(listed, keys, strict=True)
                if isinstance(item, ReportTask) and (key is None or key not in kept)
            ],
            reading=len(kept),
            batches=cache is not None,
        )
        kept_spill = cache.kept_spill if cache is not None else None
        with SpillWriter(staging / "spill") as writer:
            spill = IndexedSpill(writer, kept_spill)
            for start in range(0, len(listed), ROUND):
                items, round_keys = listed[start : start + ROUND], keys[start : start + ROUND]
                outcomes = engine.outcomes(items, round_keys, cache)
                for key, item in zip(round_keys, outcomes, strict=True):
                    if on_report is not None:
                        on_report()
                    if isinstance(item, Problem):
                        summary.reports_failed += 1
                        summary.problems.append(item)
                        continue
                    if isinstance(item, SpilledOutcome):
                        summary.reports_read += 1
                        problems = [problem.to_json() for problem in item.problems]
                        spill.add_kept(key, item.incidents, item.places, problems)
                    elif isinstance(item, CachedOutcome):
                        summary.reports_read += 1
                        problems = [problem.to_json() for problem in item.problems]
                        spill.add_cached(key, item.incidents, item.places, problems)
                    elif item.read:
                        summary.reports_read += 1
                        if item.run is not None:
                            spill.add_batches(*item.run)
                        elif item.batches is not None:
                            spill.add_batches(*outcome_batches(item))
                        else:
                            spill.add(item.incidents, item.places)
                    else:
                        summary.reports_failed += 1
                        if item.run is not None:  # the rows of the reads after it
                            spill.add_batches(*item.run)
                    summary.problems.extend(item.problems)
            spill.flush()
        engine.close()
        if cache is not None:
            spill.index.write(staging / INDEX_FILE, staging / "spill")
    except BaseException:
        engine.terminate()
        if cache is not None:
            cache.discard()
        raise
    if cache is not None:
        cache.close()
    summary.jobs = engine.jobs
    if cache is not None:
        summary.reused = cache.hits
        say(
            f"cache: {cache.hits} of {summary.reports_read} reports reused"
            f" ({cache.from_spill} from the last build's spill)"
        )
        if cache.corrupt:
            say(f"cache: {cache.corrupt} corrupt entries ignored, their reports analysed again")
        if cache.unreadable:
            say("cache: the cache file could not be read; it is rebuilt")


#: A few reports to analyse (under :data:`AUTO_PARALLEL_MIN`), with more than one job,
#: are analysed by one worker process while this process reads at least this many
#: reports' entries from the cache (the worker's start, a couple of seconds of CPU,
#: then costs no time: the fork server it comes from writes the outputs next).
READ_WHILE_ANALYSING_MIN = 512


class ReportEngine:
    """Where the reports the cache does not have are analysed, in one stream.

    :meth:`start` is given every report expected to be analysed (those with no entry
    in the cache), in order, and starts computing them; :meth:`outcomes` then gives
    each round's outcomes in order, taking the computed ones from that stream. A
    report expected to be found whose entry turns out corrupt is analysed in this
    process.
    """

    def __init__(
        self, gazetteer: Gazetteer, *, jobs: int | None, scheduler: str | None, say: Callable
    ):
        self.gazetteer = gazetteer
        self.requested = jobs
        self.scheduler = scheduler
        self.say = say
        self.jobs = 1
        self._workers: ProcessEngine | DaskEngine | None = None
        self._geoparser: Geoparser | None = None
        self._expected: deque[ReportTask] = deque()
        self._stream: Iterator[ReportOutcome] = iter(())

    def start(self, tasks: list[ReportTask], *, reading: int, batches: bool = False) -> None:
        """Start analysing ``tasks`` (in order), while this process reads ``reading``
        reports' entries from the cache; ``batches``: worker processes send the rows as
        record-batch messages, as the cache keeps them."""
        self._expected = deque(tasks)
        if not tasks:
            return
        if self.scheduler is not None:
            self._workers = DaskEngine(
                self.gazetteer, self.scheduler, fingerprint=gazetteer_digest(self.gazetteer)
            )
            self.jobs = self._workers.jobs
            self.say(f"analysing on the dask cluster at {self.scheduler} ({self.jobs} workers)")
            self._stream = self._workers.map(tasks)
            return
        wanted = self.requested if self.requested is not None else default_jobs()
        few = len(tasks) < AUTO_PARALLEL_MIN
        if few and wanted > 1 and reading >= READ_WHILE_ANALYSING_MIN:
            # A few reports among many cached ones, whatever the jobs asked for: one
            # worker analyses them while this process reads the cache (instead of this
            # process after it, or of more workers each building its geoparser).
            self._workers = ProcessEngine(
                self.gazetteer, 1, tasks, preload=[outputs.__name__], batches=batches
            )
            self.say(f"analysing {len(tasks)} reports in a worker while the cache is read")
            self._stream = self._workers.outcomes()
            return
        if wanted > 1 and not (few and self.requested is None):
            # Said once the workers are all started (this process analyses meanwhile).
            self._workers = ProcessEngine(
                self.gazetteer,
                wanted,
                tasks,
                preload=[outputs.__name__],
                on_ready=lambda: self.say(f"analysing in {wanted} worker processes"),
                batches=batches,
            )
            self.jobs = wanted
            self._stream = self._workers.outcomes()
            return
        self._stream = (analyse_task(task, self._local_geoparser()) for task in tasks)

    def _local_geoparser(self) -> Geoparser:
        if self._geoparser is None:
            self._geoparser = Geoparser(self.gazetteer)
        return self._geoparser

    def outcomes(
        self,
        items: Sequence[ReportTask | Problem],
        keys: Sequence[str | None],
        cache: ResultCache | None,
    ) -> Iterator[ReportOutcome | CachedOutcome | Problem]:
        """One round: cached outcomes and computed ones, in the order of ``items``
        (``keys``: their cache keys)."""
        cached: dict[str, CachedOutcome] = {}
        if cache is not None:
            cached = cache.lookup_many(
                [(key, item.path) for key, item in zip(keys, items, strict=True) if key]  # type: ignore[union-attr]
            )
        for item, key in zip(items, keys, strict=True):
            if isinstance(item, Problem):
                yield item
                continue
            computed = None
            if self._expected and self._expected[0] is item:
                self._expected.popleft()
                computed = next(self._stream)  # taken even if found since: in step
            found = cached.get(key) if key else None
            if found is not None:
                yield found
                continue
            if computed is None:  # its entry was there, but corrupt
                computed = analyse_task(item, self._local_geoparser())
            if cache is not None and key is not None:
                yield cache.store(key, computed) or computed
            else:
                yield computed

    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()

    def terminate(self) -> None:
        if self._workers is not None:
            self._workers.terminate()
