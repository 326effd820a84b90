"""Output writers scheduled by the memory they need: which tasks run side by side for a
budget (pure functions of :mod:`maps.writer_memory`), and, through the CLI, the same
files whatever the budget. No timing here: the figures are the benchmarks'."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_hostile_input import GOOD_REPORT, OTHER_REPORT, invoke

from maps.build import OUTPUT_FILES
from maps.outputs import TASK_FILES, OutputWriters
from maps.writer_memory import (
    DEFAULT_MEMORY_LIMIT_MB,
    TASK_MEMORY,
    UNKNOWN_TASK,
    WORKER_IMPORTS_MB,
    MemoryCost,
    next_task,
    prepare_side_by_side,
    rounds,
    task_estimates,
    task_order,
    writers_budget,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "reports"


def test_every_task_has_a_measured_cost() -> None:
    assert set(TASK_MEMORY) == set(TASK_FILES)
    assert all(cost.base_mb >= 0 and cost.per_million_mb >= 0 for cost in TASK_MEMORY.values())


def test_a_cost_grows_with_the_incidents() -> None:
    cost = MemoryCost(100, 500)
    assert cost.at(0) == 100
    assert cost.at(1_000_000) == 600
    assert cost.at(2_000_000) == 1100
    assert task_estimates(["map.html", "x"], 1_000_000) == {
        "map.html": TASK_MEMORY["map.html"].at(1_000_000),
        "x": UNKNOWN_TASK.at(1_000_000),
    }


def test_the_budget_is_the_limit_less_the_other_processes() -> None:
    assert writers_budget(1536, 300 + WORKER_IMPORTS_MB) == 1536 - 300 - WORKER_IMPORTS_MB
    assert writers_budget(100, 300) == 0


def test_the_slowest_task_that_fits_starts() -> None:
    estimates = {"a": 600, "b": 500, "c": 300, "d": 100}
    assert next_task(["a", "b", "c", "d"], [], estimates, 1000) == "a"
    assert next_task(["b", "c", "d"], ["a"], estimates, 1000) == "c"  # b does not fit beside a
    assert next_task(["b", "d"], ["a", "c"], estimates, 1000) == "d"
    assert next_task(["b"], ["a", "c"], estimates, 1000) is None  # wait for one to end
    assert next_task([], ["a"], estimates, 1000) is None


def test_a_task_over_the_budget_runs_alone() -> None:
    estimates = {"big": 5000, "small": 10}
    assert next_task(["big", "small"], [], estimates, 1000) == "big"
    assert next_task(["small"], ["big"], estimates, 1000) is None
    assert rounds(["big", "small"], estimates, 1000, workers=2) == [("big",), ("small",)]


def test_what_runs_together() -> None:
    estimates = {"a": 600, "b": 500, "c": 300, "d": 100}
    durations = {"a": 3, "b": 1, "c": 1, "d": 1}
    # Everything fits two at a time: each worker takes the slowest file left.
    assert rounds("abcd", estimates, 10_000, workers=2, durations=durations) == [
        ("a",),
        ("a", "b"),
        ("a", "c"),
        ("a", "d"),
    ]
    # b never fits beside a: it waits until a ends, and then runs beside nothing else.
    assert rounds("abcd", estimates, 1000, workers=2, durations=durations) == [
        ("a",),
        ("a", "c"),
        ("a", "d"),
        ("b",),
    ]
    # Too small a budget for any pair: one at a time, in order.
    assert rounds("abcd", estimates, 1, workers=2) == [("a",), ("b",), ("c",), ("d",)]
    # One worker: one at a time whatever the budget.
    assert rounds("abcd", estimates, 10_000, workers=1) == [("a",), ("b",), ("c",), ("d",)]


def test_the_largest_go_first_only_when_not_every_pair_fits() -> None:
    estimates = {"slow": 100, "big": 700, "mid": 400, "small": 50}
    tasks = ["slow", "big", "mid", "small"]
    assert task_order(tasks, estimates, 1100) == tasks  # any two fit: as given
    assert task_order(tasks, estimates, 1000) == ["big", "mid", "slow", "small"]
    # The big one then starts first, beside the small ones that fit with it.
    order = task_order(tasks, estimates, 800)
    assert rounds(order, estimates, 800, workers=2, durations={"big": 3}) == [
        ("big",),
        ("big", "slow"),
        ("big", "small"),
        ("mid",),
    ]
    assert task_order(["one"], {"one": 5000}, 10) == ["one"]


def test_at_ten_thousand_reports_every_pair_fits_the_default_budget() -> None:
    """125,436 incidents (10,000 generated reports): the writers run two at a time as
    before, whatever the order (the build's process at about 350 MB)."""
    estimates = task_estimates(TASK_FILES, 125_436)
    budget = writers_budget(DEFAULT_MEMORY_LIMIT_MB, 350 + WORKER_IMPORTS_MB)
    largest = sorted(estimates.values())[-2:]
    assert sum(largest) <= budget
    assert task_order(TASK_FILES, estimates, budget) == list(TASK_FILES)  # slowest first


def test_at_a_million_incidents_the_map_runs_without_a_large_writer_beside_it() -> None:
    estimates = task_estimates(TASK_FILES, 1_250_000)
    budget = writers_budget(DEFAULT_MEMORY_LIMIT_MB, 310 + WORKER_IMPORTS_MB)
    order = task_order(TASK_FILES, estimates, budget)
    assert order[:2] == ["acled.csv", "map.html"]
    for together in rounds(order, estimates, budget, workers=2):
        assert len(together) == 1 or sum(estimates[n] for n in together) <= budget
        if "map.html" in together or "acled.csv" in together:
            assert all(estimates[n] < 400 for n in together if n not in ("map.html", "acled.csv"))


def test_the_inputs_are_prepared_side_by_side_only_when_both_fit() -> None:
    """At 10,000 reports the two preparing processes fit the default budget; at 100,000
    (1,248,350 incidents, each about 830 MB) they do not, and one process does it all."""
    budget = writers_budget(DEFAULT_MEMORY_LIMIT_MB, 350 + WORKER_IMPORTS_MB)
    assert prepare_side_by_side(125_439, budget)
    assert not prepare_side_by_side(1_248_350, budget)
    assert prepare_side_by_side(1_248_350, writers_budget(4096, 350 + WORKER_IMPORTS_MB))
    assert not prepare_side_by_side(1, 0.0)


def test_the_writers_take_the_limit_they_are_given(tmp_path: Path) -> None:
    inputs = object()
    assert OutputWriters(inputs, 2).memory_limit_mb == DEFAULT_MEMORY_LIMIT_MB  # type: ignore[arg-type]
    writers = OutputWriters(inputs, 2, memory_limit_mb=4000)  # type: ignore[arg-type]
    assert writers.memory_limit_mb == 4000
    assert 0 < writers.budget() < 4000 - WORKER_IMPORTS_MB


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    for path in sorted(EXAMPLES.glob("*.txt")):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "good.txt").write_text(GOOD_REPORT, encoding="utf-8")
    (folder / "other.txt").write_text(OTHER_REPORT, encoding="utf-8")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


def test_the_files_are_the_same_whatever_the_memory_limit(reports: Path, tmp_path: Path) -> None:
    serial = tmp_path / "serial"
    assert invoke("build", reports, "--out", serial, "--jobs", "1", "--no-cache").exit_code == 0
    expected = _files(serial)
    # 1 MB: every writer alone, one after another, and the inputs prepared by one process;
    # 100,000 MB: two side by side.
    for limit in ("1", "100000"):
        out = tmp_path / f"limit-{limit}"
        result = invoke(
            "build", reports, "--out", out, "--jobs", "2", "--no-cache", "--memory-limit", limit
        )
        assert result.exit_code == 0, result.output
        assert _files(out) == expected


def test_a_memory_limit_must_be_positive(reports: Path, tmp_path: Path) -> None:
    result = invoke("build", reports, "--out", tmp_path / "out", "--memory-limit", "0")
    assert result.exit_code == 2
    assert "--memory-limit" in result.output


def test_the_text_files_joined_a_few_rows_at_a_time_are_the_same(
    reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``incidents.geojson`` and ``incidents.csv`` join a batch's lines a slice at a time
    (:data:`maps.incident_text.TEXT_SLICE_ROWS`): slices of 3 rows in batches of 7 give
    the bytes of one slice per batch."""
    monkeypatch.setattr("maps.outputs.BATCH_ROWS", 7)
    whole = tmp_path / "whole"
    assert invoke("build", reports, "--out", whole, "--jobs", "1", "--no-cache").exit_code == 0
    monkeypatch.setattr("maps.incident_text.TEXT_SLICE_ROWS", 3)
    sliced = tmp_path / "sliced"
    assert invoke("build", reports, "--out", sliced, "--jobs", "1", "--no-cache").exit_code == 0
    text = len((whole / "incidents.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert text > 7 * 2
    for name in ("incidents.geojson", "incidents.csv"):
        assert (sliced / name).read_bytes() == (whole / name).read_bytes()
