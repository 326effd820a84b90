"""Extraction throughput against a baseline commit, in one run (not part of the suite).

Runs the same cases on the code of a baseline commit (checked out with ``git
archive`` into a temporary folder) and on the working tree, each in a fresh child
process, and prints both figures and their ratio:

reports   reports/s over the bundled reports (evaluation/, evaluation/real/ when
          present, examples/), read from memory, repeated ``--passes`` times:
          parse + geoparse + extract, i.e. what ``incident-map extract`` does
extract   the same reports, geoparsed beforehand: incident extraction alone
          (``extract_incidents``), reports/s
long      one report of ``--megabytes`` MB made of those reports' bodies, one
          after the other (many casualty claims and claimants): time (split into
          reading + geoparsing and incident extraction) and peak RSS

Usage::

    .venv/bin/python benchmarks/bench_extract.py                     # baseline a9c5396
    .venv/bin/python benchmarks/bench_extract.py --baseline main --megabytes 5

Figures on a shared 2-core machine are noisy: ``reports`` alternates baseline and
working tree ``--repeat`` times and shows the best of each; still, run twice before
reading much into a ratio below 10 %.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANCHOR = "a9c5396"
"""The commit issue 11's work started from."""


def corpus_texts(root: Path) -> list[str]:
    folders = [root / "evaluation" / "reports", root / "evaluation" / "real" / "reports"]
    folders.append(root / "examples" / "reports")
    return [
        path.read_text(encoding="utf-8")
        for folder in folders
        if folder.is_dir()
        for path in sorted(folder.glob("*.txt"))
    ]


def child(code_root: str, case: str, passes: int, megabytes: float) -> None:
    """Run one case on the code under ``code_root`` and print a JSON line."""
    import resource
    import time

    sys.path.insert(0, code_root)
    import incidents.extract as extract_module
    from gazetteer.geoparse import Geoparser
    from gazetteer.model import load_gazetteer
    from incidents.pipeline import analyse_report
    from incidents.reports import parse_report

    assert extract_module.__file__.startswith(code_root), extract_module.__file__
    texts = corpus_texts(ROOT)
    geoparser = Geoparser(load_gazetteer())
    if case == "reports":
        for text in texts[:3]:  # warm caches (vocabularies, automata)
            analyse_report(parse_report(text, path="warm.txt"), geoparser)
        began = time.perf_counter()
        n = incidents = 0
        for _ in range(passes):
            for i, text in enumerate(texts):
                result = analyse_report(parse_report(text, path=f"r{i}.txt"), geoparser)
                n += 1
                incidents += len(result.incidents)
        seconds = time.perf_counter() - began
        out = {"reports_per_s": n / seconds, "reports": n, "incidents": incidents}
    elif case == "extract":
        from incidents.extract import extract_incidents, structural_spans

        parsed = []
        for i, text in enumerate(texts):
            report = parse_report(text, path=f"r{i}.txt")
            parsed.append(
                (report, geoparser.parse(report.text, non_locations=structural_spans(report)))
            )
        extract_incidents(*parsed[0])  # warm the vocabularies
        began = time.perf_counter()
        n = incidents = 0
        for _ in range(passes):
            for report, mentions in parsed:
                incidents += len(extract_incidents(report, mentions))
                n += 1
        seconds = time.perf_counter() - began
        out = {"reports_per_s": n / seconds, "reports": n, "incidents": incidents}
    else:
        bodies = [t.split("\n\n", 1)[-1] for t in texts]
        target = int(megabytes * 2**20)
        parts: list[str] = ["date: 2024-01-05\nsource: Bench Wire\n\n"]
        size = 0
        while size < target:
            for body in bodies:
                parts.append(body.strip() + "\n\n")
                size += len(body.encode("utf-8"))
        text = "".join(parts)
        from incidents.extract import extract_incidents, structural_spans

        began = time.perf_counter()
        report = parse_report(text, path="long.txt")
        mentions = geoparser.parse(report.text, non_locations=structural_spans(report))
        geoparsed = time.perf_counter()
        found = extract_incidents(report, mentions)
        seconds = time.perf_counter() - began
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out = {
            "seconds": seconds,
            "read_and_geoparse_s": geoparsed - began,
            "extract_s": seconds - (geoparsed - began),
            "peak_rss_mb": peak_mb,
            "megabytes": len(text.encode("utf-8")) / 2**20,
            "incidents": len(found),
        }
    print(json.dumps(out))


def run_case(code_root: Path, case: str, args: argparse.Namespace) -> dict | None:
    command = [sys.executable, __file__, "--child", str(code_root), case]
    command += ["--passes", str(args.passes), "--megabytes", str(args.megabytes)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=args.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _best(results: list[dict | None], case: str) -> dict | None:
    """The best of repeated runs (the least disturbed by other load)."""
    done = [r for r in results if r]
    if not done:
        return None
    if case in ("reports", "extract"):
        return max(done, key=lambda r: r["reports_per_s"])
    return min(done, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=["reports", "long"])
    parser.add_argument("--baseline", default=ANCHOR, help="commit to compare with")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument(
        "--repeat", type=int, default=3, help="alternating runs of 'reports'; the best is shown"
    )
    parser.add_argument("--child", nargs=2, metavar=("CODE_ROOT", "CASE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.passes, args.megabytes)
        return
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as folder:
        archive = Path(folder) / "baseline.tar"
        subprocess.run(
            ["git", "-C", str(ROOT), "archive", "-o", str(archive), args.baseline], check=True
        )
        code = Path(folder) / "code"
        with tarfile.open(archive) as tar:
            tar.extractall(code, filter="data")
        for case in args.cases:
            rounds = args.repeat if case in ("reports", "extract") else 1
            befores, afters = [], []
            for _ in range(rounds):  # alternate, so load changes hit both alike
                befores.append(run_case(code, case, args))
                afters.append(run_case(ROOT, case, args))
            before, after = _best(befores, case), _best(afters, case)
            print(f"{case}: baseline {args.baseline} {before}")
            print(f"{case}: working tree   {after}")
            if before and after:
                if case in ("reports", "extract"):
                    ratio = after["reports_per_s"] / before["reports_per_s"]
                    print(f"{case}: throughput ratio (working / baseline) {ratio:.2f}")
                else:
                    ratio = after["seconds"] / before["seconds"]
                    print(f"{case}: time ratio (working / baseline) {ratio:.2f}")


if __name__ == "__main__":
    main()
