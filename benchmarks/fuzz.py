"""Long fuzz run over reading, analysing and rendering reports (not part of the suite).

Hypothesis draws report-like texts (and raw bytes, and HTML pages) far longer and
for far longer than the unit suite does, and every one goes through
``decode_report``/``html_report_text``, ``parse_report``, ``analyse_report`` and
``render_map``. A failure is any exception other than our own ``ReportError`` for
text we refuse, or a broken promise: a mention span that does not index its text,
evidence that is not a verbatim stretch of the report, a coordinate outside the
gazetteer's area, or ``window.__pwned``-style markup left unescaped in the page.

Each failure is shrunk by hypothesis and printed with its minimal input; the run
then goes on with a new seed until the time is up. Exit status 1 if anything failed.

Usage::

    .venv/bin/python benchmarks/fuzz.py --minutes 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The report-text strategies are shared with the property tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from report_strategies import report_texts as shared_report_texts  # noqa: I001
from gazetteer.geoparse import Geoparser
from gazetteer.model import load_gazetteer
from geo.errors import ReportError
from incidents.pipeline import analyse_report, incidents_frame, places_frame
from incidents.report_files import ReportMetadata
from incidents.report_text import decode_report, html_report_text, looks_like_html
from incidents.reports import parse_report
from maps.render import render_map

AREA = (44.0, 33.0, 44.8, 33.6)
MARKER = "window.__pwned"

report_texts = shared_report_texts(max_pieces=120, max_free_text=40)
report_bytes = st.one_of(
    report_texts.map(lambda t: t.encode("utf-8")),
    report_texts.map(lambda t: t.encode("utf-16")),
    report_texts.map(lambda t: "<!DOCTYPE html><html><body><p>" + t.replace("\n", "<p>")).map(
        lambda t: t.encode("utf-8")
    ),
    st.binary(max_size=400),
)


@dataclass
class Tally:
    """What the run did."""

    tried: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    last_input: bytes = b""


def check_one(data: bytes, geoparser: Geoparser, tally: Tally) -> None:
    """Run one input through every stage and check every promise; raise on a failure."""
    tally.tried += 1
    tally.last_input = data
    try:
        text = decode_report(data, path="fuzz.txt")
        if looks_like_html(text):
            text = html_report_text(text, path="fuzz.html")
        report = parse_report(
            text,
            path="fuzz.txt",
            metadata=ReportMetadata(date=dt.date(2021, 11, 5) if len(data) % 2 else None),
        )
    except ReportError:
        tally.outcomes["refused"] += 1
        return
    result = analyse_report(report, geoparser)
    for mention in result.mentions:
        assert 0 <= mention.start < mention.end <= len(report.text), mention
        assert report.text[mention.start : mention.end] == mention.text, mention
    west, south, east, north = AREA
    for incident in result.incidents:
        span = report.text[incident.evidence_start : incident.evidence_end]
        assert span == incident.evidence, incident.incident_id
        if incident.lat is not None:
            assert south <= incident.lat <= north, incident
            assert west <= incident.lon <= east, incident
    incidents = incidents_frame(result.incidents)
    places = places_frame(result.mentions, geoparser.gazetteer)
    page = render_map(incidents, places, gazetteer=geoparser.gazetteer, title="fuzz")
    for fragment in ("<img src=x onerror", "<script>window.__pwned"):
        assert fragment not in page, f"unescaped {fragment!r} in the page"
    tally.outcomes["with incidents" if result.incidents else "no incidents"] += 1


def run(minutes: float, examples_per_seed: int) -> Tally:
    geoparser = Geoparser(load_gazetteer())
    tally = Tally()
    deadline = time.monotonic() + minutes * 60
    run_seed = 0
    while time.monotonic() < deadline:
        run_seed += 1

        @seed(run_seed)
        @settings(
            max_examples=examples_per_seed,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(data=report_bytes)
        def fuzz(data: bytes) -> None:
            check_one(data, geoparser, tally)

        try:
            fuzz()
        except (HypothesisException, KeyboardInterrupt):
            raise
        except Exception as failure:  # a failure: record the shrunk input and go on
            where = traceback.format_exception(failure)[-1].strip()
            tally.failures.append((where, repr(tally.last_input[:600])))
            print(f"FAILURE (seed {run_seed}): {where}\n  input: {tally.failures[-1][1]}")
        elapsed = minutes * 60 - (deadline - time.monotonic())
        print(f"seed {run_seed}: {tally.tried} inputs tried in {elapsed:.0f} s", flush=True)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="how long to run")
    parser.add_argument("--per-seed", type=int, default=200, help="examples per hypothesis run")
    args = parser.parse_args()
    started = time.monotonic()
    tally = run(args.minutes, args.per_seed)
    seconds = time.monotonic() - started
    print()
    print(f"inputs tried: {tally.tried} in {seconds:.0f} s ({tally.tried / seconds:.1f}/s)")
    for outcome, count in sorted(tally.outcomes.items()):
        print(f"  {outcome}: {count}")
    print(f"failures: {len(tally.failures)}")
    for where, data in tally.failures:
        print(f"  {where}\n    {data}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
