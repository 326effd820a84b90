"""How much memory each output task's writer needs, and which tasks may run side by side.

A build writes its outputs in worker processes side by side (:class:`maps.outputs.
OutputWriters`). At a million incidents some writers need most of a gigabyte (the map,
``acled.csv``, which hold every incident at once), so two of them side by side, beside
the build's own process, would take more than the build may use. Each task's peak is
estimated from the number of incidents (:data:`TASK_MEMORY`, measured), and a task
starts beside the running ones only when the sum of their estimates fits the budget;
a task that does not fit even alone runs alone. Pure functions: the scheduler in
:mod:`maps.outputs` asks :func:`next_task` each time a worker is free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MemoryCost:
    """A writer's expected peak memory, in MB, beyond what its process shares with the
    fork server (the imports): ``base_mb`` plus ``per_million_mb`` per million
    incidents."""

    base_mb: float
    per_million_mb: float

    def at(self, incidents: int) -> float:
        return self.base_mb + self.per_million_mb * max(0, incidents) / 1_000_000


#: The memory the whole build may use by default, in MB (all its processes, PSS):
#: issue 13's target for a build of 100,000 reports.
DEFAULT_MEMORY_LIMIT_MB = 1536

#: What an output worker shares with the fork server it is forked from (the imports of
#: :mod:`maps.outputs`): a fresh process's VmRSS after those imports, 174-177 MB. The
#: fork server holds it once for all its workers.
WORKER_IMPORTS_MB = 176

#: Each task's peak beyond :data:`WORKER_IMPORTS_MB`, measured: every writer alone in a
#: fresh process (VmHWM less the imports), from the prepared inputs of the kept spills
#: of 125,436 incidents (10,000 generated reports) and 1,035,798 incidents (100,000),
#: 2026-12-02 00:38-00:42 UTC; a line through the two, with 5% more, rounded up to
#: 10 MB (a base of at least half the smaller figure, so a writer whose memory barely
#: grows is not expected to need nothing). Peak VmHWM (MB, imports included) at the two
#: sizes in the comments; the README ("Large collections") has the table.
TASK_MEMORY: dict[str, MemoryCost] = {
    "map.html": MemoryCost(110, 480),  # 332 / 742
    "acled.csv": MemoryCost(70, 630),  # 300 / 846
    "incidents.csv": MemoryCost(230, 40),  # 396 / 427
    "incidents.gpkg": MemoryCost(260, 170),  # 442 / 589
    "incidents.geojson": MemoryCost(260, 50),  # 426 / 468
    "incidents.fgb": MemoryCost(260, 140),  # 433 / 554
    "events.geojson": MemoryCost(70, 330),  # 273 / 558
    "incidents.parquet": MemoryCost(250, 90),  # 423 / 501
    "events.fgb": MemoryCost(40, 350),  # 240 / 542
    "places.geojson": MemoryCost(20, 0),  # 185 / 185
}

#: Each of the two processes that prepare the writers' inputs side by side (one the two
#: sorted incident files, :func:`maps.build.write_sorted`, the other the event table and
#: the rest, :func:`maps.build.group_and_prepare`), beyond the shared imports. Measured as
#: PSS, sampled every 0.5 s in cold ``--jobs 2`` builds, 2026-12-02 05:25-05:40 UTC, when
#: both made the event table and one wrote only the file sorted by id (not measured again
#: since): 298-304 MB each at 125,439 incidents, 828-832 MB each at 1,248,350; a line
#: through the two, with 5% more.
PREPARE_MEMORY = MemoryCost(200, 500)

#: A task not in :data:`TASK_MEMORY` (none today) is assumed to need this much.
UNKNOWN_TASK = MemoryCost(300, 1000)


def task_estimates(names: Sequence[str], incidents: int) -> dict[str, float]:
    """Each task's expected peak (MB beyond the shared imports) at ``incidents``."""
    return {name: TASK_MEMORY.get(name, UNKNOWN_TASK).at(incidents) for name in names}


def writers_budget(limit_mb: float, others_mb: float) -> float:
    """What the writers may use together (MB beyond their shared imports): the build's
    limit less what the other processes hold (the build's own, the fork server's
    imports)."""
    return max(0.0, limit_mb - others_mb)


def prepare_side_by_side(incidents: int, budget: float) -> bool:
    """Whether the writers' inputs may be prepared in two processes side by side: when
    both fit ``budget`` (:func:`writers_budget`) together; else one process prepares
    them all, as slowly as before but in half the memory."""
    return 2 * PREPARE_MEMORY.at(incidents) <= budget


def task_order(tasks: Sequence[str], estimates: Mapping[str, float], budget: float) -> list[str]:
    """The order the tasks are taken in: as given (the slowest first) when any two fit
    the budget together, so nothing ever waits; else the largest first, so that a task
    that fits only beside a small one starts while small ones are left to go beside it
    (at a million incidents ``acled.csv`` beside ``incidents.geojson`` and
    ``incidents.csv``, instead of alone at the end)."""
    largest = sorted((estimates[name] for name in tasks), reverse=True)[:2]
    if len(largest) < 2 or sum(largest) <= budget:
        return list(tasks)
    return sorted(tasks, key=lambda name: -estimates[name])  # stable: ties as given


def next_task(
    left: Sequence[str],
    running: Sequence[str],
    estimates: Mapping[str, float],
    budget: float,
) -> str | None:
    """The task to start now beside ``running``, or None to wait for one of them.

    The first of ``left`` (in their order: the slowest first) whose estimate fits the
    budget with those of the running tasks; when nothing runs, the first of ``left``,
    whatever it needs (a task over the budget runs alone)."""
    if not left:
        return None
    if not running:
        return left[0]
    used = sum(estimates[name] for name in running)
    for name in left:
        if used + estimates[name] <= budget:
            return name
    return None


def rounds(
    tasks: Sequence[str],
    estimates: Mapping[str, float],
    budget: float,
    workers: int,
    durations: Mapping[str, float] | None = None,
) -> list[tuple[str, ...]]:
    """What runs together when the tasks are run by :func:`next_task` with ``workers``
    workers, each task taking its ``durations`` (1 each when not given): the set of
    tasks running after each start, in order. For tests and for the benchmark's plan;
    the scheduler itself decides as tasks end."""
    durations = durations or {}
    left = list(tasks)
    running: dict[str, float] = {}  # name -> when it ends, in the order they started
    now = 0.0
    together: list[tuple[str, ...]] = []
    while left or running:
        while len(running) < max(1, workers):
            name = next_task(left, list(running), estimates, budget)
            if name is None:
                break
            left.remove(name)
            running[name] = now + durations.get(name, 1.0)
            together.append(tuple(running))
        first = min(running, key=running.__getitem__)  # the first of those ending first
        now = running.pop(first)
    return together


__all__ = [
    "DEFAULT_MEMORY_LIMIT_MB",
    "TASK_MEMORY",
    "WORKER_IMPORTS_MB",
    "MemoryCost",
    "next_task",
    "rounds",
    "task_estimates",
    "task_order",
    "writers_budget",
]
