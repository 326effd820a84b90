"""The seed-report fixture: skipped with a reason in a fresh clone, required when named.

Runs pytest for real on a one-test file that takes ``seeds_dir``, in a copy of the
conftest placed where no ``../shared`` exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PROBE = "def test_probe(seeds_dir):\n    assert seeds_dir.is_dir()\n"


def run_probe(tmp_path: Path, seeds: str | None) -> subprocess.CompletedProcess[str]:
    clone = tmp_path / "clone"
    (clone / "tests").mkdir(parents=True)
    shutil.copy(TESTS / "conftest.py", clone / "tests" / "conftest.py")
    (clone / "tests" / "test_probe.py").write_text(PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "INCIDENT_MAPPER_SEEDS"}
    if seeds is not None:
        env["INCIDENT_MAPPER_SEEDS"] = seeds
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-ra", "-p", "no:cacheprovider", "tests"],
        cwd=clone, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_absent_seeds_skip_with_a_visible_reason(tmp_path: Path) -> None:
    done = run_probe(tmp_path, None)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
    assert "the real seed reports are not at" in done.stdout
    assert "INCIDENT_MAPPER_SEEDS" in done.stdout


def test_a_named_folder_that_is_missing_fails(tmp_path: Path) -> None:
    done = run_probe(tmp_path, str(tmp_path / "nowhere"))
    assert done.returncode != 0
    assert "does not exist" in done.stdout
    assert "skipped" not in done.stdout


def test_a_named_folder_is_used(tmp_path: Path) -> None:
    seeds = tmp_path / "elsewhere" / "seeds"
    seeds.mkdir(parents=True)
    done = run_probe(tmp_path, str(seeds))
    assert done.returncode == 0, done.stdout
    assert "1 passed" in done.stdout
