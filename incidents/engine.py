"""Where the per-report work runs: in this process, in worker processes, or on a
dask.distributed cluster, always with the same function and the same results.

:func:`analyse_task` reads one report file and analyses it with
:func:`incidents.pipeline.analyse_report` (pure), and returns a
:class:`ReportOutcome`: plain rows, small and picklable, that a worker can send
back and :class:`incidents.spill.SpillWriter` can append. Every engine yields the
outcomes in the order of the tasks, so the spill, and every output made from it,
is the same byte for byte whatever computed it.

The geoparser (the gazetteer's automaton) is built once per process: in each
worker's initializer, and on a dask worker the first time a partition needs it
(the gazetteer itself is scattered to every worker once).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from gazetteer.geoparse import Geoparser
from gazetteer.model import Gazetteer
from geo.errors import IncidentMapperError
from incidents.pipeline import Problem, analyse_report, report_from_bytes
from incidents.report_files import ReportMetadata
from incidents.reports import read_report
from incidents.spill import INCIDENT_SCHEMA, PLACE_SCHEMA, incident_rows, place_rows


@dataclass(frozen=True)
class ReportTask:
    """One report file to read and analyse, with its manifest metadata."""

    path: str
    metadata: ReportMetadata | None = None
    data: bytes | None = None
    """The report's bytes when it comes from standard input rather than a file."""


@dataclass(frozen=True)
class ReportOutcome:
    """What one report gave: spill rows, and its problems (the read error or its notes).

    From a worker process of a build that keeps its analyses in the result cache, the
    rows come as ``batches`` instead: the incident and place rows as two Arrow IPC
    record-batch messages of the spill's schemas (what the cache keeps), so the build's
    process makes no Python object per row (see :func:`as_batches`).
    """

    path: str
    read: bool
    incidents: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    batches: tuple[bytes, bytes] | None = None
    run: tuple[pa.RecordBatch, pa.RecordBatch] | None = None
    """From a worker process of a build without the result cache: the incident and place
    rows of this report *and of the reports that follow it in its worker's run* (one
    record batch each, of the spill's schemas), on the run's first outcome; the
    others' rows are in it, not in their own outcomes. Appended in the order of the
    outcomes, the rows are those each report's own would give (see :func:`run_outcomes`).
    """


def as_batches(outcome: ReportOutcome) -> ReportOutcome:
    """``outcome`` with its rows as record-batch messages (``batches``) instead of rows."""
    if outcome.batches is not None or not outcome.read:
        return outcome
    incidents = pa.RecordBatch.from_pylist(outcome.incidents, schema=INCIDENT_SCHEMA)
    places = pa.RecordBatch.from_pylist(outcome.places, schema=PLACE_SCHEMA)
    messages = (incidents.serialize().to_pybytes(), places.serialize().to_pybytes())
    return ReportOutcome(outcome.path, True, problems=outcome.problems, batches=messages)


@dataclass(frozen=True)
class _Run:
    """What a worker sends back for a run of consecutive tasks: their paths, whether each
    was read, their problems, and all their rows as two record-batch messages."""

    paths: list[str]
    read: list[bool]
    problems: list[list[Problem]]
    incidents: bytes
    places: bytes


def analyse_run(tasks: Sequence[ReportTask], geoparser: Geoparser) -> _Run:
    """Analyse consecutive tasks and put all their rows into one record batch per table:
    the build's process then appends a run with one step instead of making a row of
    Python objects per incident (what most of its time went on during the analysis)."""
    outcomes = [analyse_task(task, geoparser) for task in tasks]
    incidents = pa.RecordBatch.from_pylist(
        [row for outcome in outcomes for row in outcome.incidents], schema=INCIDENT_SCHEMA
    )
    places = pa.RecordBatch.from_pylist(
        [row for outcome in outcomes for row in outcome.places], schema=PLACE_SCHEMA
    )
    return _Run(
        [outcome.path for outcome in outcomes],
        [outcome.read for outcome in outcomes],
        [outcome.problems for outcome in outcomes],
        incidents.serialize().to_pybytes(),
        places.serialize().to_pybytes(),
    )


def run_outcomes(run: _Run) -> Iterator[ReportOutcome]:
    """The outcomes of a run's tasks, in order: the first carries the run's rows (``run``)."""
    batches = (
        pa.ipc.read_record_batch(pa.py_buffer(run.incidents), INCIDENT_SCHEMA),
        pa.ipc.read_record_batch(pa.py_buffer(run.places), PLACE_SCHEMA),
    )
    for number, (path, read, problems) in enumerate(
        zip(run.paths, run.read, run.problems, strict=True)
    ):
        yield ReportOutcome(path, read, problems=problems, run=batches if number == 0 else None)


def analyse_task(task: ReportTask, geoparser: Geoparser) -> ReportOutcome:
    """Read and analyse one report file; a report that cannot be read is a problem.

    An unexpected failure inside the analysis of one report (a bug) becomes a
    problem naming the report, so one report never sinks a batch of thousands.
    """
    try:
        if task.data is not None:
            report = report_from_bytes(task.data, path=task.path, metadata=task.metadata)
        else:
            report = read_report(task.path, metadata=task.metadata)
    except IncidentMapperError as exc:
        return ReportOutcome(
            task.path, read=False, problems=[Problem.from_error(exc, fallback_path=task.path)]
        )
    try:
        result = analyse_report(report, geoparser)
    except Exception as exc:
        message = (
            f"could not be analysed ({type(exc).__name__}: {exc}); "
            "this is a bug in incident-mapper, please report it with the file"
        )
        return ReportOutcome(task.path, read=False, problems=[Problem(task.path, message)])
    return ReportOutcome(
        task.path,
        read=True,
        incidents=incident_rows(result.incidents),
        places=place_rows(result.mentions),
        problems=[Problem(report.path, note, severity="warning") for note in report.notes],
    )


# ------------------------------------------------------------ worker processes

_WORKER_GEOPARSER: Geoparser | None = None
_WORKER_BATCHES = False
#: Seconds a build waits for its workers to start before going on without waiting.
STARTUP_TIMEOUT = 120.0


def _start_worker(gazetteer: Gazetteer, started: Any, batches: bool = False) -> None:
    """Pool initializer: build the geoparser once; leave Ctrl-C to the parent; say when ready.

    ``batches``: send each outcome's rows as record-batch messages (:func:`as_batches`).
    """
    global _WORKER_GEOPARSER, _WORKER_BATCHES
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_GEOPARSER = Geoparser(gazetteer)
    _WORKER_BATCHES = batches
    with contextlib.suppress(threading.BrokenBarrierError):
        started.wait(timeout=STARTUP_TIMEOUT)


def _analyse_in_worker(tasks: Sequence[ReportTask]) -> list[ReportOutcome] | _Run:
    assert _WORKER_GEOPARSER is not None, "worker started without its initializer"
    if not _WORKER_BATCHES:
        return analyse_run(tasks, _WORKER_GEOPARSER)
    return [as_batches(analyse_task(task, _WORKER_GEOPARSER)) for task in tasks]


class _Pool(multiprocessing.pool.Pool):
    """A process pool whose worker handler thread wakes only when a worker ends or the
    pool changes (as ``ThreadPool``'s does), not at every result that comes: the stock
    one also waits on the result pipe, so it loops while each result is being read,
    which took about 1 s of this process's CPU per 10,000 reports, from the workers."""

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: Tasks a worker analyses per call, whose rows it sends back together.
RUN_TASKS = 32
#: Tasks handed to the workers per ``imap`` call of a stream: the next is handed out
#: before this one is done, so no worker waits at its end, and at most two are in
#: flight, so a build whose process lags keeps at most that many outcomes waiting.
STREAM_SLICE = 512


class ProcessEngine:
    """Worker processes on this machine, started once per build for one stream of tasks.

    Workers come from a fork server (no fork of a process that runs threads),
    with this module (and ``preload``) preloaded; each builds its own geoparser
    from the gazetteer it is given once. Starting them (the fork server's imports,
    then each worker's geoparser) takes a couple of seconds of CPU, so they are
    started on a thread, which hands them the first tasks as soon as they are up:
    they compute while this process does other work (reads the result cache), and
    if this process asks for outcomes before they are up it analyses the first
    tasks itself. The outcomes are the same, in the order of the tasks, whoever
    computed them.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        jobs: int,
        tasks: Sequence[ReportTask],
        *,
        preload: Sequence[str] = (),
        on_ready: Callable[[], None] | None = None,
        batches: bool = False,
    ):
        context = multiprocessing.get_context("forkserver")
        # The fork server is started once per process: modules later worker pools of
        # the same build need (``preload``, such as the output writers) load once too.
        context.set_forkserver_preload([__name__, *preload])
        self.jobs = jobs
        self.analysed_here = 0
        """Reports this process analysed while the workers started."""
        self._gazetteer = gazetteer
        self._batches = batches
        """The workers send rows as record-batch messages (for the result cache)."""
        self._tasks = tasks
        self._geoparser: Geoparser | None = None
        self._pool: Any = None
        self._failure: BaseException | None = None
        self._lock = threading.Lock()
        self._ready = False
        """Set (under the lock) once the workers are up, or failed to start."""
        self._handed_out = 0
        """Tasks claimed so far: by this process while the workers start, then by them."""
        self._in_flight: deque[Any] = deque()
        self._on_ready = on_ready
        """Called once (in the calling thread) when the workers are all started."""
        self._starter = threading.Thread(
            target=self._start, args=(context,), name="incident-map workers", daemon=True
        )
        self._starter.start()

    def _start(self, context: Any) -> None:
        try:
            started = context.Barrier(self.jobs + 1)
            self._pool = _Pool(
                self.jobs,
                initializer=_start_worker,
                initargs=(self._gazetteer, started, self._batches),
                context=context,
            )
            # Every worker is past its start before work is handed out, so a build stopped
            # later never catches a worker half-started (it would print a traceback).
            with contextlib.suppress(threading.BrokenBarrierError):
                started.wait(timeout=STARTUP_TIMEOUT)
        except BaseException as exc:  # raised in the build's thread, by _started_pool
            self._failure = exc
        with self._lock:
            self._ready = True
            if self._failure is None:
                self._hand_out()
                self._hand_out()

    def _hand_out(self) -> None:
        """Give the workers the next slice of tasks (under the lock, or once started), in
        runs of up to :data:`RUN_TASKS`: shorter as the stream's end nears, so the
        workers end together."""
        start = self._handed_out
        part = self._tasks[start : start + STREAM_SLICE]
        if not part:
            return
        self._handed_out += len(part)
        runs = []
        at = 0
        while at < len(part):
            left = len(self._tasks) - (start + at)
            size = max(1, min(RUN_TASKS, left // (self.jobs * 4)))
            runs.append(part[at : at + size])
            at += size
        self._in_flight.append(self._pool.imap(_analyse_in_worker, runs))

    def _started_pool(self) -> Any:
        self._starter.join()
        if self._failure is not None:
            raise self._failure
        if self._on_ready is not None:
            on_ready, self._on_ready = self._on_ready, None
            on_ready()
        return self._pool

    def outcomes(self) -> Iterator[ReportOutcome]:
        """The outcomes of the tasks, in order (once)."""
        while True:
            with self._lock:
                if self._ready or self._handed_out == len(self._tasks):
                    break
                task = self._tasks[self._handed_out]
                self._handed_out += 1
            if self._geoparser is None:
                self._geoparser = Geoparser(self._gazetteer)
            yield analyse_task(task, self._geoparser)
            self.analysed_here += 1
        self._started_pool()
        self._geoparser = None  # not needed again: the workers are up
        while self._in_flight:
            current = self._in_flight.popleft()
            self._hand_out()
            for sent in current:
                if isinstance(sent, _Run):
                    yield from run_outcomes(sent)
                else:
                    yield from sent

    def close(self) -> None:
        pool = self._started_pool()
        pool.close()
        pool.join()

    def terminate(self) -> None:
        self._starter.join()
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()


# ------------------------------------------------------------------ dask cluster

_DASK_GEOPARSERS: dict[str, Geoparser] = {}


def _analyse_partition(
    tasks: Sequence[ReportTask], gazetteer: Gazetteer, fingerprint: str
) -> list[ReportOutcome]:
    """One dask-bag partition of tasks, on whichever worker runs it."""
    geoparser = _DASK_GEOPARSERS.get(fingerprint)
    if geoparser is None:
        _DASK_GEOPARSERS.clear()
        geoparser = _DASK_GEOPARSERS[fingerprint] = Geoparser(gazetteer)
    return [analyse_task(task, geoparser) for task in tasks]


class DaskEngine:
    """The same tasks on an existing dask.distributed cluster.

    The tasks become a dask bag; its partitions are submitted a window at a
    time and gathered in order, so the cluster never holds more than a few
    partitions of results waiting for this process. The report files must be
    readable at the same paths on the workers (a shared or copied folder).
    """

    def __init__(self, gazetteer: Gazetteer, address: str, *, fingerprint: str):
        try:
            from distributed import Client
        except ImportError as exc:
            msg = (
                "--scheduler needs dask.distributed: pip install 'incident-mapper[dask]' "
                "on this machine and on the workers"
            )
            raise IncidentMapperError(msg) from exc
        try:
            self._client = Client(address, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            msg = f"cannot reach the dask scheduler at {address}: {exc}"
            raise IncidentMapperError(msg) from exc
        workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        self.jobs = workers
        self._fingerprint = fingerprint
        # Shipped once to every worker, not once per task.
        self._gazetteer = self._client.scatter(gazetteer, broadcast=True, hash=False)

    def map(self, tasks: Sequence[ReportTask]) -> Iterator[ReportOutcome]:
        """The outcomes of ``tasks``, in order."""
        if not tasks:
            return
        import dask.bag as db

        size = max(1, min(256, len(tasks) // (self.jobs * 4) or 1))
        bag = db.from_sequence(list(tasks), partition_size=size).map_partitions(
            _analyse_partition, self._gazetteer, self._fingerprint
        )
        partitions = bag.to_delayed()
        window = self.jobs * 3
        pending: deque[Any] = deque()
        submitted = 0
        while submitted < len(partitions) and len(pending) < window:
            pending.append(self._client.compute(partitions[submitted]))
            submitted += 1
        while pending:
            future = pending.popleft()
            outcomes = future.result()
            future.release()
            if submitted < len(partitions):
                pending.append(self._client.compute(partitions[submitted]))
                submitted += 1
            yield from outcomes

    def close(self) -> None:
        self._client.close()

    def terminate(self) -> None:
        self._client.close()
