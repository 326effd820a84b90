"""How fast ``incident-map build`` is, and how much memory it takes (not part of the suite).

Each case runs in a fresh child process, so its peak resident memory
(``resource.getrusage``) is its own, and builds into a temporary folder:

many     N generated reports of a few sentences each (default 1,000)
big      one report of M megabytes (default 50): quiet prose with an incident
         paragraph at its start, middle and end
blob     a report whose middle is one 1 MB line of base64 (a pasted image)
line     a report of one 1 MB line of incident-dense prose (an article with its
         line breaks lost)
dense    incident-dense multi-paragraph prose of growing size, to show how the
         time grows with the length of one report
named    like big, but every quiet sentence names a place (the river, the city),
         at growing sizes (each place mention costs more the longer the report)
real     the bodies of the real-report evaluation set (``evaluation/real/reports``:
         published news reworded sentence by sentence) joined, again and again, into
         one report of growing size: real prose, with its places, dates, figures and
         quotes, as one long dossier

A case still running after ``--timeout`` seconds is stopped and shown as such.

Usage::

    .venv/bin/python benchmarks/bench_build.py                 # every case
    .venv/bin/python benchmarks/bench_build.py many big --megabytes 5
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CASES = ("many", "blob", "dense", "named", "real", "line", "big")
REAL_REPORTS = Path(__file__).resolve().parents[1] / "evaluation" / "real" / "reports"

OUTLETS = [f"Bench Outlet {n}" for n in range(8)]
SUBJECTS = ["Riot police", "Security forces", "Protesters", "Demonstrators", "Supporters"]
ACTIONS = [
    "fired tear gas at the crowd",
    "threw stones at the riot police",
    "set fire to a tent",
    "used water cannon",
    "blocked the road",
    "staged a sit-in",
]
PLACES = [
    "on the Jumhuriya Bridge",
    "at the Green Zone gate by the Ministry of Planning",
    "in Tahrir Square",
    "near the suspension bridge",
    "in Karrada",
    "near the Al-Rasheed Hotel",
]
WHEN = ["on Friday afternoon", "late on Friday night", "at about 3 pm", "on Friday"]
#: Prose that names no place and reports nothing.
QUIET = (
    "Traffic moved slowly while most shops kept their usual hours and families "
    "visited relatives after the weekly market ended. "
)
#: Prose that names places (the river, the city) in every sentence but reports nothing.
NAMED = (
    "Traffic moved slowly along the river road while most shops kept their usual hours "
    "and families visited relatives across the city. "
)


def incident_sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(PLACES)} {rng.choice(WHEN)}."


def dense_text(rng: random.Random, size: int) -> str:
    """Paragraphs of incident sentences, about ``size`` characters in all."""
    paragraphs: list[str] = []
    total = 0
    while total < size:
        paragraph = " ".join(incident_sentence(rng) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def header(rng: random.Random) -> str:
    return f"source: {rng.choice(OUTLETS)}\ndate: 2021-11-05\n\n"


def write_many(folder: Path, count: int) -> int:
    rng = random.Random(1)
    for number in range(count):
        text = header(rng) + dense_text(rng, rng.randint(300, 1500))
        (folder / f"report{number:05d}.txt").write_text(text + "\n", encoding="utf-8")
    return count


def write_big(folder: Path, megabytes: float, prose: str = QUIET) -> int:
    rng = random.Random(2)
    paragraph = (prose * 8).strip()
    repeats = int(megabytes * 1_000_000 / (len(paragraph) + 2) / 2)
    quiet = "\n\n".join([paragraph] * repeats)
    text = "\n\n".join(
        [
            header(rng) + dense_text(rng, 600),
            quiet,
            dense_text(rng, 600),
            quiet,
            dense_text(rng, 600),
        ]
    )
    (folder / "big.txt").write_text(text + "\n", encoding="utf-8")
    return 1


def write_blob(folder: Path) -> int:
    rng = random.Random(3)
    blob = base64.b64encode(rng.randbytes(750_000)).decode("ascii")
    text = header(rng) + dense_text(rng, 800) + "\n" + blob + "\n\n" + dense_text(rng, 800)
    (folder / "blob.txt").write_text(text + "\n", encoding="utf-8")
    return 1


def write_line(folder: Path) -> int:
    rng = random.Random(4)
    text = header(rng) + dense_text(rng, 1_000_000).replace("\n\n", " ")
    (folder / "line.txt").write_text(text + "\n", encoding="utf-8")
    return 1


def write_dense(folder: Path, size: int) -> int:
    rng = random.Random(5)
    (folder / "dense.txt").write_text(header(rng) + dense_text(rng, size) + "\n", "utf-8")
    return 1


def write_real(folder: Path, megabytes: float) -> int:
    """One report of the real reports' bodies (their header lines left out), in file
    order, repeated until it is ``megabytes`` long."""
    bodies = []
    for path in sorted(REAL_REPORTS.glob("*.txt")):
        _, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        bodies.append(body.strip())
    dossier = "\n\n".join(bodies)
    size = int(megabytes * 1_000_000)
    repeats = max(1, round(size / len(dossier.encode("utf-8"))))
    text = "source: Bench Dossier\ndate: 2008-06-17\n\n" + "\n\n".join([dossier] * repeats)
    (folder / "real.txt").write_text(text + "\n", encoding="utf-8")
    return 1


def run_case(case: str, parameter: float) -> dict[str, object]:
    """Generate the input, build it, and measure (in this process)."""
    from maps.build import build

    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        folder = Path(temporary) / "reports"
        folder.mkdir()
        if case == "many":
            reports = write_many(folder, int(parameter))
        elif case == "big":
            reports = write_big(folder, parameter)
        elif case == "named":
            reports = write_big(folder, parameter, NAMED)
        elif case == "real":
            reports = write_real(folder, parameter)
        elif case == "blob":
            reports = write_blob(folder)
        elif case == "line":
            reports = write_line(folder)
        else:
            reports = write_dense(folder, int(parameter))
        size = sum(path.stat().st_size for path in folder.iterdir())
        started = time.perf_counter()
        summary = build([folder], Path(temporary) / "out")
        seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "case": case,
        "reports": reports,
        "megabytes": size / 1e6,
        "seconds": seconds,
        "incidents": summary.incidents,
        "peak_rss_mb": peak_kib / 1024,
    }


def in_child(case: str, parameter: float, timeout: float) -> dict[str, object] | None:
    """Run one case in a fresh interpreter so its memory figure is its own; None if
    it did not finish within ``timeout`` seconds."""
    try:
        completed = subprocess.run(
            [sys.executable, __file__, "--child", case, "--parameter", str(parameter)],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    if completed.returncode != 0:
        msg = f"case {case} failed:\n{completed.stderr[-3000:]}"
        raise RuntimeError(msg)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "cases", nargs="*", help=f"cases to run, of {', '.join(CASES)} (default: all)"
    )
    parser.add_argument("--reports", type=int, default=1000, help="reports in 'many'")
    parser.add_argument("--megabytes", type=float, default=50.0, help="size of 'big'")
    parser.add_argument(
        "--dense-sizes", default="50000,100000,200000,400000", help="characters, for 'dense'"
    )
    parser.add_argument(
        "--named-sizes", default="250000,500000,1000000", help="characters, for 'named'"
    )
    parser.add_argument("--real-sizes", default="0.5,1,2,5", help="megabytes, for 'real'")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per case")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--parameter", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child, args.parameter)))
        return 0
    unknown = sorted(set(args.cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case {', '.join(unknown)}; choose from {', '.join(CASES)}")

    plan: list[tuple[str, float]] = []
    for case in args.cases or CASES:
        if case == "many":
            plan.append((case, args.reports))
        elif case == "big":
            plan.append((case, args.megabytes))
        elif case == "dense":
            plan.extend((case, float(size)) for size in args.dense_sizes.split(","))
        elif case == "named":
            plan.extend((case, int(size) / 1e6) for size in args.named_sizes.split(","))
        elif case == "real":
            plan.extend((case, float(size)) for size in args.real_sizes.split(","))
        else:
            plan.append((case, 0.0))
    print(
        f"{'case':<6} {'reports':>7} {'MB in':>8} {'seconds':>9} {'MB/s':>7} "
        f"{'s/report':>9} {'incidents':>9} {'peak RSS MB':>12}"
    )
    previous: dict[str, tuple[float, float]] = {}
    for case, parameter in plan:
        row = in_child(case, parameter, args.timeout)
        if row is None:
            print(f"{case:<6} {'':>7} {parameter:>8} did not finish in {args.timeout:.0f} s")
            continue
        megabytes, seconds = float(row["megabytes"]), float(row["seconds"])
        line = (
            f"{case:<6} {row['reports']:>7} {megabytes:>8.2f} {seconds:>9.2f} "
            f"{megabytes / seconds:>7.3f} {seconds / int(row['reports']):>9.3f} "
            f"{row['incidents']:>9} {float(row['peak_rss_mb']):>12.0f}"
        )
        if case in previous:
            size_ratio = megabytes / previous[case][0]
            time_ratio = seconds / previous[case][1]
            line += f"   x{size_ratio:.1f} input -> x{time_ratio:.1f} time"
        previous[case] = (megabytes, seconds)
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
