"""How fast incidents group into events (not part of the suite).

Generates N synthetic incidents the way a large collection looks: about 1,000 a day
over as many days as needed, at the bundled gazetteer's places (with a few metres of
jitter), a mix of clock times, parts of the day and day-only dates, 3 % undated,
5 % without a place, from 400 outlets and accounts (some embedded posts, some
unattributed files), a casualty claim on one incident in ten. Each size is grouped
in a fresh child process and timed; the old all-pairs grouping (``incidents/events.py``
at commit :data:`ANCHOR`, read with ``git show``) is timed on the 1,000-incident set
for the ratio. Wall time depends on the machine's load; the CPU time of the grouping
process (one core) is what the target (1,000,000 incidents in <= 60 s) is judged on,
and is steadier on a shared machine, though still not exact.

Usage::

    .venv/bin/python benchmarks/bench_events.py                  # 1k, 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_events.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

#: The last commit with the all-pairs grouping, the anchor of the ratio.
ANCHOR = "a9c5396"
TARGET_S = 60.0
TYPES = ("clash", "tear_gas", "stone_throwing", "protest", "sit_in", "deployment", "casualties")


def synthetic_incidents(n: int, seed: int = 7):
    """N incidents as an incident table (see the module docstring)."""
    from gazetteer.model import load_gazetteer
    from incidents.pipeline import incidents_frame

    gazetteer = load_gazetteer()
    places = [gazetteer.get(i) for i in gazetteer]
    places = [p for p in places if p.lat_lon is not None and p.coordinate_basis != "not_located"]
    rng = random.Random(seed)
    sources = [f"Outlet {i}" for i in range(300)] + [f"@account{i}" for i in range(100)]
    days = max(1, n // 1000)
    first = dt.date(2030, 1, 1)
    records = []
    for index in range(n):
        place = rng.choice(places)
        lat, lon = place.lat_lon
        day = first + dt.timedelta(days=rng.randrange(days))
        roll = rng.random()
        if roll < 0.03:
            date = start = end = None
            precision = "unknown"
        elif roll < 0.55:
            hour = rng.randrange(24)
            begin = dt.datetime.combine(
                day, dt.time(hour), tzinfo=dt.timezone(dt.timedelta(hours=3))
            )
            start, end = begin.isoformat(), (begin + dt.timedelta(hours=1)).isoformat()
            date, precision = day.isoformat(), "hour"
        elif roll < 0.75:
            hour = rng.choice((6, 12, 17, 20))
            begin = dt.datetime.combine(
                day, dt.time(hour), tzinfo=dt.timezone(dt.timedelta(hours=3))
            )
            start, end = begin.isoformat(), (begin + dt.timedelta(hours=4)).isoformat()
            date, precision = day.isoformat(), "part_of_day"
        else:
            date, precision = day.isoformat(), "day"
            begin = dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone(dt.timedelta(hours=3)))
            start, end = begin.isoformat(), (begin + dt.timedelta(days=1)).isoformat()
        placed = rng.random() >= 0.05
        source = rng.choice(sources) if rng.random() > 0.02 else f"unattributed (r{index}.txt)"
        social = source.startswith("@")
        event_type = rng.choice(TYPES)
        claim = event_type == "casualties" or rng.random() < 0.1
        records.append(
            {
                "incident_id": f"i{index:08d}",
                "event_type": event_type,
                "sub_event_type": None,
                "acled_event_type": None,
                "actors": (),
                "date": date,
                "time_start": start,
                "time_end": end,
                "time_precision": precision,
                "place_id": place.id if placed else None,
                "place_name": place.name if placed else None,
                "geo_precision": "estimated" if placed else None,
                "uncertainty_m": float(place.uncertainty_m) if placed else None,
                "resolved_by": "name" if placed else None,
                "place_basis": "sentence" if placed else None,
                "source": source,
                "source_type": "social" if social else "news",
                "via": rng.choice(sources[:300]) if social and rng.random() < 0.5 else None,
                "report": f"r{index // 4}.txt",
                "url": None,
                "evidence": "synthetic",
                "evidence_start": index % 4 * 100,
                "evidence_end": index % 4 * 100 + 50,
                "killed": rng.randrange(5) if claim else None,
                "injured": rng.randrange(30) if claim else None,
                "casualty_text": "at least" if claim and rng.random() < 0.3 else None,
                "claimed_by": rng.choice(("Health Ministry", None)) if claim else None,
                "claim_status": rng.choice(("official", "claimed")) if claim else None,
                "lat": lat + rng.uniform(-0.0005, 0.0005) if placed else None,
                "lon": lon + rng.uniform(-0.0005, 0.0005) if placed else None,
            }
        )
    from incidents.model import Incident

    return incidents_frame(Incident(**r) for r in records)


def _old_group_events():
    """``group_events`` of the anchor commit, loaded from git into its own module."""
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{ANCHOR}:incidents/events.py"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("old_events", handle.name)
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_events"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.group_events


def run_one(n: int, old: bool) -> dict:
    """Generate, then time the grouping alone (in this process)."""
    from gazetteer.model import load_gazetteer
    from incidents.events import group_events

    frame = synthetic_incidents(n)
    gazetteer = load_gazetteer()
    group = _old_group_events() if old else group_events
    began, cpu = time.perf_counter(), time.process_time()
    events = group(frame, gazetteer=gazetteer)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {"n": n, "old": old, "seconds": seconds, "cpu": cpu, "events": len(events)}


def _child(n: int, old: bool) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(n), *(["--old"] if old else [])],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--old", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.old)))
        return
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    old = _child(1000, old=True)
    print(
        f"old all-pairs grouping, 1,000 incidents: {old['seconds']:.2f} s wall, "
        f"{old['cpu']:.2f} s CPU ({old['events']} events)"
    )
    for n in args.sizes:
        new = _child(n, old=False)
        line = (
            f"indexed grouping, {n:>9,} incidents: {new['seconds']:8.2f} s wall, "
            f"{new['cpu']:8.2f} s CPU ({new['events']:,} events, "
            f"{n / new['cpu']:,.0f} incidents per CPU second)"
        )
        if n == 1000:
            line += f"; {old['cpu'] / new['cpu']:.1f}x less CPU than the old code"
        if n == 1_000_000:
            verdict = "met" if new["cpu"] <= TARGET_S else "MISSED"
            line += f"; target <= {TARGET_S:.0f} s on one core {verdict}"
        print(line, flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f} (a shared machine makes wall time noisy)")


if __name__ == "__main__":
    main()
