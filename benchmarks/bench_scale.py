"""From a thousand reports to a hundred thousand: throughput and peak memory of
``incident-map build`` (not part of the suite), beside two anchors on the same corpus.

The corpus: reports of about 1.2 KB made from the bundled example reports
(``examples/reports``, written for this project), each with another outlet, a
date between 2023 and 2025, and its places swapped for other gazetteer places, so
no two reports are the same text.

For each size (``--sizes``, default 1000,10000,100000) it runs, each in a fresh
child process so the memory figure is that run's own:

cold-1     a build with --jobs 1 and no cache
cold-2     a build with --jobs 2 and no cache
incr-auto  a cache-warm build after adding 10 reports (jobs as the CLI's default: one
           per core, and this process alone for so few): only the 10 are analysed;
           then the same build once more ("unchanged"), which finds its outputs in place

and prints reports/s, seconds, peak RSS of the build process and the memory of all its
processes (the workers included: the sum of their RSS, and of their PSS, which counts a
page shared by forked processes once), with the time of each phase, and the ratios the issue
sets targets for. The anchors, measured on the same reports in this process:

analysis   analyse_report alone (read, geoparse, extract), one core
spacy      spaCy's PhraseMatcher over the gazetteer's names (names only), one core
aho        a bare Aho-Corasick scan (pyahocorasick) over the same names, one core

Figures depend on the machine's load: say how busy it was with them.

``--spill DIR`` measures only what a build does after the analysis, on a spill kept
from an earlier build (``incidents.parquet`` and ``places.parquet``, or
``spill-incidents.parquet`` and ``spill-places.parquet``): grouping the events, then
each output file, one after another in one fresh process, with the peak RSS of each
step on its own (the analysis of 100,000 reports takes an hour on 2 cores; this takes
minutes), and the grouping time against its target.

Usage::

    .venv/bin/python benchmarks/bench_scale.py                       # every size
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000,10000
    .venv/bin/python benchmarks/bench_scale.py --sizes 100000 --modes cold-2 --keep DIR
    .venv/bin/python benchmarks/bench_scale.py --spill DIR                # after the analysis
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

EXAMPLES = REPO / "examples" / "reports"
#: Targets of issue 13.
TARGET_BUILD_PER_S = 1000.0
TARGET_ANALYSIS_PER_S = 1500.0
TARGET_PARALLEL = 1.8
TARGET_INCREMENTAL = 20.0
TARGET_PEAK_MB_100K = 1536.0
TARGET_GROUPING_S_1M = 60.0
ADDED = 10

OUTLETS = [
    "Harbor Wire", "Tigris Daily", "Desert Radio", "Capital Monitor", "River Post",
    "Evening Ledger", "Open Square News", "Mesopotamia Desk", "Bridge Bulletin",
    "Citizen Watch", "Rafidain Times", "North Gate Press",
]  # fmt: skip


def _place_names() -> list[str]:
    from gazetteer.model import load_gazetteer

    gazetteer = load_gazetteer()
    return sorted(
        place.name
        for place in gazetteer.values()
        if place.kind
        in {"square", "bridge", "gate", "building", "monument", "compound", "park", "district"}
    )


def _paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for paragraph in text.split("\n\n"):
            paragraph = paragraph.strip()
            # The reports' own inline date lines stay out: each report gets its own date.
            paragraph = re.sub(r"^date \d{4}-\d{2}-\d{2}\s*", "", paragraph)
            if paragraph:
                paragraphs.append(paragraph)
    return paragraphs


def write_corpus(folder: Path, count: int, *, seed: int = 1, start: int = 0) -> int:
    """``count`` reports of about 1.2 KB in ``folder``; returns the bytes written."""
    rng = random.Random(seed)
    paragraphs = _paragraphs()
    names = _place_names()
    known = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    total = 0
    for number in range(start, start + count):
        day = rng.randrange(3 * 365)
        year, remainder = 2023 + day // 365, day % 365
        month, mday = 1 + remainder // 31 % 12, 1 + remainder % 28
        body: list[str] = []
        size = 0
        while size < 1100:
            paragraph = rng.choice(paragraphs)
            paragraph = known.sub(lambda _m: rng.choice(names), paragraph)
            body.append(paragraph)
            size += len(paragraph) + 2
        # The examples tell of 2021; generated reports keep out of 2016-2022 altogether.
        body = [re.sub(r"\b20(1[6-9]|2[0-2])\b", str(year), part) for part in body]
        text = (
            f"source: {rng.choice(OUTLETS)}\ndate: {year}-{month:02d}-{mday:02d}\n"
            f"title: Report {number}\n\n" + "\n\n".join(body) + "\n"
        )
        data = text.encode("utf-8")
        (folder / f"r{number:06d}.txt").write_bytes(data)
        total += len(data)
    return total


# ------------------------------------------------------------------ child runs


def child(args: argparse.Namespace) -> dict[str, object]:
    """One build in this (fresh) process; incremental runs build once untimed first."""
    from maps.build import build

    corpus, out = Path(args.corpus), Path(args.out)
    phases: list[tuple[str, float, float]] = []

    def log(message: str) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        phases.append((message, time.perf_counter() - started, peak))
        # As it happens, so a run stopped later still tells how far it got.
        print(f"phase {time.perf_counter() - started:.1f} s, peak {peak:.0f} MB: {message}")
        sys.stdout.flush()

    started = time.perf_counter()
    # "auto" is the CLI's default (no --jobs): one worker per core.
    jobs = None if args.jobs == 0 else args.jobs
    summary = build([corpus], out, jobs=jobs, use_cache=args.mode == "incremental", log=log)
    seconds = time.perf_counter() - started
    marks = {message.split()[0]: (at, peak) for message, at, peak in phases}
    analysed_at, analysis_peak = marks.get("grouping", (seconds, 0.0))
    outputs_at = marks.get("writing", (seconds, 0.0))[0]
    return {
        "analysis_seconds": analysed_at,
        "analysis_peak_mb": analysis_peak,
        "events_seconds": outputs_at - analysed_at,
        "outputs_seconds": seconds - outputs_at,
        "seconds": seconds,
        "reports": summary.reports_read,
        "reused": summary.reused,
        "incidents": summary.incidents,
        "events": summary.events,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    """Start this process's peak resident size (VmHWM) again from its current size."""
    Path("/proc/self/clear_refs").write_text("5")


def _spill_file(spill: Path, name: str) -> Path:
    """``spill/name`` or ``spill/spill-name``, a spill file (not a build's GeoParquet
    output, which is also called ``incidents.parquet``)."""
    import pyarrow.parquet as pq

    for candidate in (spill / name, spill / f"spill-{name}"):
        if candidate.exists() and b"geo" not in (pq.read_schema(candidate).metadata or {}):
            return candidate
    msg = (
        f"{spill} holds no spill ({name} or spill-{name}, as incidents/spill.py writes them "
        "in a build's staging folder): a build's output folder holds its GeoParquet, not "
        "the spill; copy the staging folder's spill/ files while a build writes its outputs"
    )
    raise SystemExit(msg)


def spill_child(spill: Path, only: set[str] | None = None) -> list[dict[str, object]]:
    """What a build does after the analysis, step by step, on a kept spill (this process);
    of the output files, only those of ``only`` when given (the others are left empty)."""
    from gazetteer.model import load_gazetteer
    from incidents.spill import SpillWriter
    from maps import build as build_module
    from maps import outputs

    gazetteer = load_gazetteer()
    steps: list[dict[str, object]] = []
    started = [time.perf_counter(), time.process_time()]

    def step(name: str) -> None:
        steps.append(
            {
                "step": name,
                "seconds": time.perf_counter() - started[0],
                "cpu_seconds": time.process_time() - started[1],
                "peak_mb": _status_mb("VmHWM"),
                "after_mb": _status_mb("VmRSS"),
            }
        )
        print(f"step {json.dumps(steps[-1])}", file=sys.stderr, flush=True)
        _reset_peak()
        started[:] = [time.perf_counter(), time.process_time()]

    write_output = outputs.write_output

    def timed_write(name: str, inputs: object, target: Path) -> None:
        if only is not None and name not in only:
            target.write_bytes(b"")
            return
        write_output(name, inputs, target)  # type: ignore[arg-type]
        step(name)

    outputs.write_output = timed_write  # type: ignore[assignment]
    prepare_inputs = build_module.prepare_inputs

    def timed_prepare(*args: object, **kwargs: object) -> object:
        step("events (grouped, ids, places)")
        prepared = prepare_inputs(*args, **kwargs)  # type: ignore[arg-type]
        step("inputs prepared (sorted files)")
        return prepared

    build_module.prepare_inputs = timed_prepare  # type: ignore[assignment]

    def log(message: str) -> None:
        if message.startswith("grouping"):
            step("summary columns read")

    with tempfile.TemporaryDirectory(prefix="bench-spill-") as work:
        staging = Path(work) / "staging"
        (staging / "spill").mkdir(parents=True)
        for name in (SpillWriter.INCIDENTS, SpillWriter.PLACES):
            shutil.copy(_spill_file(spill, name), staging / "spill" / name)
        step("start (imports, gazetteer)")
        summary = build_module.BuildSummary()
        build_module._write_from_spill(
            staging, Path(work) / "out", summary, gazetteer=gazetteer, title="bench",
            jobs=1, say=log,
        )  # fmt: skip
    steps.append({"step": "total", "incidents": summary.incidents, "events": summary.events})
    return steps


def run_spill(spill: Path, timeout: float, only: str | None) -> list[dict[str, object]]:
    """The steps of :func:`spill_child` in a fresh process; each is shown as it ends."""
    command = [sys.executable, __file__, "--child", "--spill", str(spill)]
    if only:
        command += ["--outputs", only]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    errors = []
    for line in process.stderr:
        if line.startswith("step "):
            row = json.loads(line[5:])
            print(f"  ... {row['step']} ({row['cpu_seconds']:.1f} s CPU)", flush=True)
        else:
            errors.append(line)
    stdout, _ = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise RuntimeError(f"the run from {spill} failed:\n{''.join(errors)[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def report_spill(spill: Path, timeout: float, only: str | None = None) -> int:
    print(f"after the analysis, from {spill}: one process, each step's own peak; load {_load()}")
    steps = run_spill(spill, timeout, only)
    total = steps.pop()
    print(f"{'step':<30} {'seconds':>8} {'CPU s':>7} {'peak MB':>8} {'after MB':>9}")
    for row in steps:
        print(
            f"{row['step']:<30} {row['seconds']:>8.1f} {row['cpu_seconds']:>7.1f} "
            f"{row['peak_mb']:>8.0f} {row['after_mb']:>9.0f}"
        )
    incidents = int(total["incidents"])  # type: ignore[call-overload]
    peak = max(float(row["peak_mb"]) for row in steps)  # type: ignore[arg-type]
    grouping = next(r for r in steps if str(r["step"]).startswith("events"))
    per_million = float(grouping["cpu_seconds"]) * 1_000_000 / max(incidents, 1)  # type: ignore[arg-type]
    print(f"\n{incidents} incidents, {total['events']} events; load {_load()}")
    print(
        f"  events, ids and inputs: {grouping['cpu_seconds']:.1f} s CPU, "
        f"{per_million:.1f} s per 1,000,000 incidents (target {TARGET_GROUPING_S_1M:.0f}: "
        f"{_verdict(per_million <= TARGET_GROUPING_S_1M)})"
    )
    print(
        f"  peak RSS after the analysis {peak:.0f} MB (target <= {TARGET_PEAK_MB_100K:.0f} "
        f"at 100,000 reports: {_verdict(peak <= TARGET_PEAK_MB_100K)})"
    )
    return 0


def run_child(corpus: Path, out: Path, mode: str, jobs: int, timeout: float) -> dict:
    command = [
        sys.executable, __file__, "--child", "--corpus", str(corpus), "--out", str(out),
        "--mode", mode, "--jobs", str(jobs),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    tree_peak = tree_pss_peak = 0.0
    while process.poll() is None:
        time.sleep(0.5)
        rss, pss = _tree_memory_mb(process.pid)
        tree_peak = max(tree_peak, rss)
        tree_pss_peak = max(tree_pss_peak, pss)
        if rss > MEMORY_GUARD_MB or time.monotonic() - started > timeout:
            process.kill()
            stdout, _ = process.communicate()
            why = f"RSS {rss:.0f} MB" if rss > MEMORY_GUARD_MB else f"{timeout:.0f} s"
            reached = "; ".join(line for line in stdout.splitlines() if line.startswith("phase"))
            return {
                "stopped": f"stopped after {time.monotonic() - started:.0f} s at {why} "
                f"(all processes peaked at {tree_peak:.0f} MB); reached: {reached}"
            }
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{mode} --jobs {jobs} failed:\n{stderr[-3000:]}")
    row = json.loads(stdout.strip().splitlines()[-1])
    row["tree_peak_mb"] = tree_peak
    row["tree_pss_peak_mb"] = tree_pss_peak
    row["load"] = _load()
    return row


#: A build past this resident size (all its processes) is stopped: the machine is shared.
MEMORY_GUARD_MB = 8192.0


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _pss_mb(pid: int) -> float:
    """The proportional set size: resident pages, each shared page divided among the
    processes that share it (forked workers share the pages of their parent)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _tree_memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory of ``pid`` and all its descendants (the fork server's workers too):
    the sum of their RSS (shared pages counted in each) and of their PSS (counted once)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(_rss_mb(p) for p in tree), sum(_pss_mb(p) for p in tree)


# --------------------------------------------------------------------- anchors


def anchors(corpus: Path, limit: int) -> dict[str, float | None]:
    """Reports/s of the analysis alone, spaCy's PhraseMatcher and a bare Aho-Corasick scan."""
    import ahocorasick

    from gazetteer.geoparse import Geoparser
    from gazetteer.model import load_gazetteer
    from incidents.pipeline import analyse_report
    from incidents.reports import read_report

    paths = sorted(corpus.glob("*.txt"))[:limit]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    gazetteer = load_gazetteer()
    names = sorted({n for place in gazetteer.values() for n in place.all_names})
    figures: dict[str, float | None] = {}

    geoparser = Geoparser(gazetteer)
    started = time.perf_counter()
    for path in paths:
        analyse_report(read_report(path), geoparser)
    figures["analysis"] = len(paths) / (time.perf_counter() - started)

    automaton = ahocorasick.Automaton()
    for name in names:
        automaton.add_word(name.lower(), name)
    automaton.make_automaton()
    started = time.perf_counter()
    found = 0
    for text in texts:
        found += sum(1 for _ in automaton.iter(text.lower()))
    figures["aho"] = len(texts) / (time.perf_counter() - started)

    try:
        import spacy
        from spacy.matcher import PhraseMatcher
    except ImportError:
        figures["spacy"] = None
    else:
        nlp = spacy.blank("en")
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        matcher.add("PLACE", [nlp.make_doc(name) for name in names])
        started = time.perf_counter()
        for text in texts:
            matcher(nlp.make_doc(text))
        figures["spacy"] = len(texts) / (time.perf_counter() - started)
    return figures


# ------------------------------------------------------------------------ main


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="report counts")
    parser.add_argument("--timeout", type=float, default=7200.0, help="seconds per build")
    parser.add_argument("--modes", default="cold-1,cold-2,incr-auto", help="runs per size")
    parser.add_argument("--anchor-reports", type=int, default=2000, help="reports for anchors")
    parser.add_argument("--keep", help="keep the corpora under this folder")
    parser.add_argument("--spill", help="only what follows the analysis, from this kept spill")
    parser.add_argument("--outputs", help="with --spill: only these output files (a,b,...)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.spill:
            only = set(args.outputs.split(",")) if args.outputs else None
            print(json.dumps(spill_child(Path(args.spill), only)))
        else:
            print(json.dumps(child(args)))
        return 0
    if args.spill:
        return report_spill(Path(args.spill), args.timeout, args.outputs)

    sizes = [int(s) for s in args.sizes.split(",")]
    modes = args.modes.split(",")
    root = Path(args.keep or tempfile.mkdtemp(prefix="bench-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"machine: {len(os.sched_getaffinity(0))} cores; load {_load()}")
    print(
        f"{'reports':>8} {'run':<10} {'seconds':>9} {'reports/s':>10} {'incidents':>10} "
        f"{'events':>7} {'reused':>7} {'peak MB':>8} {'all RSS/PSS MB':>15}  "
        "analysis s (MB) / events s / outputs s  load"
    )
    results: dict[tuple[int, str], dict] = {}
    anchor_figures: dict[str, float | None] = {}
    try:
        for size in sizes:
            corpus = root / f"corpus-{size}"
            if not corpus.is_dir():
                corpus.mkdir()
                write_corpus(corpus, size)
            if not anchor_figures:
                anchor_figures = anchors(corpus, args.anchor_reports)
            for mode in modes:
                run, jobs_text = mode.split("-")
                jobs = 0 if jobs_text == "auto" else int(jobs_text)
                out = root / f"out-{size}-{mode}"
                shutil.rmtree(out, ignore_errors=True)
                work = corpus
                if run == "incr":  # its own copy: the run adds reports to a cached build
                    work = root / f"corpus-{size}-incr"
                    shutil.rmtree(work, ignore_errors=True)
                    shutil.copytree(corpus, work)
                    warm = run_child(work, out, "incremental", jobs, args.timeout)
                    if "stopped" in warm:
                        print(f"{size:>8} {mode:<7} warm-up {warm['stopped']}", flush=True)
                        continue
                    results[(size, "warm")] = warm
                    _print_row(size, "cold+cache", warm)
                    write_corpus(work, ADDED, seed=99, start=10_000_000)
                row = run_child(
                    work, out, "incremental" if run == "incr" else "cold", jobs, args.timeout
                )
                if "stopped" in row:
                    print(f"{size:>8} {mode:<7} {row['stopped']}", flush=True)
                    continue
                results[(size, mode)] = row
                _print_row(size, mode, row)
                if run == "incr":  # once more, nothing changed: nothing should be written
                    same = run_child(work, out, "incremental", jobs, args.timeout)
                    if "stopped" not in same:
                        results[(size, "unchanged")] = same
                        _print_row(size, "unchanged", same)
                shutil.rmtree(out, ignore_errors=True)
                if run == "incr":
                    shutil.rmtree(work, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print(f"\nanchors on {args.anchor_reports} of the same reports, one core (load {_load()}):")
    for name in ("analysis", "spacy", "aho"):
        value = anchor_figures.get(name)
        shown = "not installed" if value is None else f"{value:,.0f} reports/s"
        print(f"  {name:<9} {shown}")
    print("\ntargets (issue 13):")
    for size in sizes:
        cold1, cold2, incr = (results.get((size, m)) for m in ("cold-1", "cold-2", "incr-auto"))
        if cold1:
            rate = cold1["reports"] / cold1["seconds"]
            line = f"  {size:>7}: build {rate:,.0f} reports/s on one core (target 1,000: "
            line += f"{_verdict(rate >= TARGET_BUILD_PER_S)})"
            for name in ("spacy", "aho"):
                anchor = anchor_figures.get(name)
                if anchor:
                    line += f"; {rate / anchor:.3f}x {name}"
            print(line)
        if cold1 and cold2:
            speedup = cold1["seconds"] / cold2["seconds"]
            print(
                f"  {size:>7}: --jobs 2 {speedup:.2f}x --jobs 1 "
                f"(target {TARGET_PARALLEL}: {_verdict(speedup >= TARGET_PARALLEL)})"
            )
        cold2 = cold2 or results.get((size, "warm"))
        if cold2 and incr:
            ratio = cold2["seconds"] / incr["seconds"]
            print(
                f"  {size:>7}: incremental (+{ADDED} reports) {ratio:.1f}x faster than cold "
                f"(target {TARGET_INCREMENTAL:.0f}: {_verdict(ratio >= TARGET_INCREMENTAL)})"
            )
        same = results.get((size, "unchanged"))
        if cold2 and same:
            print(
                f"  {size:>7}: unchanged rebuild {same['seconds']:.1f} s, "
                f"{cold2['seconds'] / same['seconds']:.0f}x faster than cold"
            )
        runs = [r for r in (cold1, cold2, incr) if r]
        if runs and size >= 100_000:
            # The build's own peak and the sum over all its processes (workers too, sampled
            # twice a second) of their PSS, shared pages counted once: the larger decides.
            # (The RSS sum, printed beside it, counts the pages a forked worker shares with
            # the process it was forked from in each.)
            peak = max(max(r["peak_mb"], r["tree_pss_peak_mb"]) for r in runs)
            print(
                f"  {size:>7}: peak {peak:.0f} MB, the build's RSS or all processes' PSS "
                f"(target <= {TARGET_PEAK_MB_100K:.0f}: {_verdict(peak <= TARGET_PEAK_MB_100K)})"
            )
    analysis = anchor_figures.get("analysis")
    if analysis:
        print(
            f"  analysis alone {analysis:,.0f} reports/s on one core (target 1,500: "
            f"{_verdict(analysis >= TARGET_ANALYSIS_PER_S)})"
        )
    return 0


def _print_row(size: int, mode: str, row: dict) -> None:
    rate = row["reports"] / row["seconds"]
    print(
        f"{size:>8} {mode:<10} {row['seconds']:>9.1f} {rate:>10.1f} "
        f"{row['incidents']:>10} {row['events']:>7} {row['reused']:>7} "
        f"{row['peak_mb']:>8.0f} {row['tree_peak_mb']:>7.0f}/{row['tree_pss_peak_mb']:<7.0f}  "
        f"{row['analysis_seconds']:.1f} ({row['analysis_peak_mb']:.0f}) / "
        f"{row['events_seconds']:.1f} / {row['outputs_seconds']:.1f}  load {row['load']}",
        flush=True,
    )


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    sys.exit(main())
