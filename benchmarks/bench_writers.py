"""Each output writer's peak memory alone, against the estimates the build schedules by.

From a kept spill (``spill-incidents.parquet`` and ``spill-places.parquet``, or
``incidents.parquet`` and ``places.parquet``, as ``bench_scale.py --spill`` takes
them), the events are grouped and the output tasks' inputs prepared once
(:func:`maps.build.group_and_prepare`); then every output file is written alone, each in
a fresh process, as a ``--jobs 2`` build's output workers write them. Printed per file:
CPU seconds, peak RSS (VmHWM, the imports included), the peak beyond the imports, and
:data:`maps.writer_memory.TASK_MEMORY`'s estimate at that many incidents (the estimate
should be the larger). Run it at two sizes to refit the coefficients.

Run: ``.venv/bin/python benchmarks/bench_writers.py --spill DIR [--outputs a,b]
[--keep DIR]`` (``--keep``: prepare there once, and reuse it on the next run).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def prepare(spill: Path, folder: Path) -> Path:
    """Group and prepare into ``folder`` (once); the pickled inputs' path."""
    from gazetteer.model import load_gazetteer
    from maps.build import group_and_prepare

    saved = folder / "inputs.pickle"
    if saved.is_file():
        return saved
    staging = folder / "staging"
    (staging / "spill").mkdir(parents=True, exist_ok=True)
    for name in ("incidents.parquet", "places.parquet"):
        source = spill / name if (spill / name).exists() else spill / f"spill-{name}"
        shutil.copy(source, staging / "spill" / name)
    inputs, _events, _places, _pieces = group_and_prepare(
        staging, gazetteer=load_gazetteer(), title="bench"
    )
    saved.write_bytes(pickle.dumps(inputs))
    return saved


def child(saved: Path, name: str, target: Path) -> None:
    """Write one file in this process; print its figures as JSON."""
    from maps.outputs import write_output

    inputs = pickle.loads(saved.read_bytes())  # our own file
    imports = _status_mb("VmHWM")
    started = time.process_time()
    write_output(name, inputs, target)
    figures = {
        "file": name,
        "incidents": inputs.incidents,
        "cpu_s": time.process_time() - started,
        "peak_mb": _status_mb("VmHWM"),
        "imports_mb": imports,
    }
    print(json.dumps(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spill", required=True)
    parser.add_argument("--outputs", help="only these files (a,b,...)")
    parser.add_argument("--keep", help="prepare the inputs here, and reuse them")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], Path(args.child[2]))
        return 0
    from maps.outputs import TASK_FILES
    from maps.writer_memory import TASK_MEMORY, WORKER_IMPORTS_MB

    names = args.outputs.split(",") if args.outputs else list(TASK_FILES)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-writers-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        saved = prepare(Path(args.spill), work)
        print(f"load {os.getloadavg()[0]:.1f}; each file alone in a fresh process")
        print(f"{'file':<20} {'CPU s':>6} {'peak MB':>8} {'beyond imports':>15} {'estimate':>9}")
        for name in names:
            target = work / f"out-{name}"
            done = subprocess.run(
                [sys.executable, __file__, "--spill", args.spill, "--child", str(saved), name,
                 str(target)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            target.unlink(missing_ok=True)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            beyond = row["peak_mb"] - WORKER_IMPORTS_MB
            estimate = TASK_MEMORY[name].at(row["incidents"])
            flag = "" if estimate >= beyond else "  (over the estimate)"
            print(
                f"{name:<20} {row['cpu_s']:>6.1f} {row['peak_mb']:>8.0f} {beyond:>15.0f} "
                f"{estimate:>9.0f}{flag}"
            )
        print(f"{row['incidents']} incidents; load {os.getloadavg()[0]:.1f}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
