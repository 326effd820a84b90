"""Geoparser throughput and set-up time, now against a baseline commit, in one run.

    .venv/bin/python benchmarks/bench_geoparse.py [--baseline COMMIT] [--rounds N]

The baseline's tree is exported with ``git archive`` to a temporary folder and timed in a
subprocess with the same Python; then the working tree is timed the same way. Texts: the
bundled examples, the written evaluation set and, when present, the seed reports in
``../shared/seeds`` (read, never copied), repeated ``--rounds`` times. Prints reports/s,
gazetteer load and automaton build times, and the now/baseline ratios. The machine is
shared: run it twice and read the ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = "a9c5396"  # main before issue 10 (37 places, no variants)

_TIMER = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
texts = [Path(p).read_text(encoding="utf-8", errors="replace") for p in json.loads(sys.argv[2])]
rounds = int(sys.argv[3])
t0 = time.perf_counter()
from gazetteer.model import load_gazetteer
from gazetteer.geoparse import Geoparser
gazetteer = load_gazetteer()
t1 = time.perf_counter()
parser = Geoparser(gazetteer)
parser.parse("Tahrir Square")
t2 = time.perf_counter()
for text in texts:
    parser.parse(text)
best = float("inf")
for _ in range(rounds):
    start = time.perf_counter()
    for text in texts:
        parser.parse(text)
    best = min(best, time.perf_counter() - start)
print(json.dumps({"places": len(gazetteer), "load_s": t1 - t0, "build_s": t2 - t1,
                  "reports_per_s": len(texts) / best, "chars": sum(map(len, texts))}))
"""


def _texts() -> list[str]:
    paths = sorted((REPO / "examples" / "reports").glob("*.txt"))
    paths += sorted((REPO / "evaluation" / "reports").glob("*.txt"))
    paths += sorted((REPO / "evaluation" / "real" / "reports").glob("*.txt"))
    seeds = REPO.parent.parent / "shared" / "seeds"
    if seeds.is_dir():
        paths += sorted(p for p in seeds.iterdir() if p.is_file())
    return [str(p) for p in paths]


def _time(tree: Path, texts: list[str], rounds: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _TIMER, str(tree), json.dumps(texts), str(rounds)],
        capture_output=True, text=True, check=True, cwd=tree,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = _texts()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "baseline.tar"
        subprocess.run(
            ["git", "archive", "--format=tar", "-o", str(archive), args.baseline],
            cwd=REPO, check=True,
        )  # fmt: skip
        tree = Path(tmp) / "baseline"
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter="data")
        before = _time(tree, texts, args.rounds)
    now = _time(REPO, texts, args.rounds)
    print(f"texts: {len(texts)} ({now['chars']:,} characters), best of {args.rounds} rounds")
    print(f"{'':24}{'baseline ' + args.baseline:>20}{'now':>12}{'ratio':>9}")
    for key, label in (
        ("places", "gazetteer places"),
        ("load_s", "gazetteer load (s)"),
        ("build_s", "automaton build (s)"),
        ("reports_per_s", "geoparse reports/s"),
    ):
        ratio = now[key] / before[key] if before[key] else float("nan")
        print(f"{label:24}{before[key]:>20.3f}{now[key]:>12.3f}{ratio:>9.2f}")
    change = now["reports_per_s"] / before["reports_per_s"] - 1
    verdict = "ok" if change >= -0.20 else "SLOWER than the 20% budget"
    print(f"throughput change: {change:+.1%} ({verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
