"""The map at scale: ours vs ``GeoDataFrame.explore()`` vs the lean folium way, in one run.

Builds, for 10,000 / 100,000 / 1,000,000 synthetic incidents with realistic popup
text (a sentence of evidence, place, source, report, url, casualty claim), three
pages of the same points:

* **ours**: :func:`maps.render.render_map` (one canvas layer fed with columns);
* **explore**: ``GeoDataFrame.explore()`` with a popup of every column;
* **lean folium**: a ``folium.GeoJson`` of canvas circle markers with a
  ``GeoJsonPopup`` of the popup fields (what a careful folium user writes).

Each is opened offline in headless Chromium (the CDN scripts folium links are
replaced by the same Leaflet, inlined, so every page can load); printed: page
size, time to interactive (navigation start to the first popup open), the JS
heap after a garbage collection, for ours the time of a search over the evidence, and
at 1,000,000 the redraw time of a source toggle, a time step and a filter change (after
that garbage collection: the first change after one is the slowest); then the ratios
and the targets.
A page that does not become interactive within the timeout is reported as such.
The load average is printed before and after: on this shared 2-core machine it
decides the timings more than the code does.

``explore()`` needs matplotlib and mapclassify (``pip install -e '.[bench]'``).

Run: ``.venv/bin/python benchmarks/bench_map.py [--sizes 10000,100000,1000000]
[--timeout 120] [--skip-others-above 100000] [--marks]`` (``--marks``: also the medians
of our page's start-up marks, where the time to the first popup goes). The machine is
shared: figures are noisy, so each timing is the median of ``--repeat`` page loads.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser import launch_browser  # noqa: E402

from incidents.model import INCIDENT_COLUMNS  # noqa: E402
from maps.assets import leaflet_css, leaflet_js, script_tag, style_tag  # noqa: E402
from maps.render import render_map  # noqa: E402

TARGETS = {
    100_000: {"interactive_s": 0.5, "page_mb": 12, "vs_lean": 8},
    1_000_000: {"interactive_s": 2.0, "page_mb": 120, "heap_mb": 400, "redraw_ms": 50},
}
SUBJECTS = [
    "Protesters",
    "Riot police",
    "Supporters of the coalition",
    "Security forces",
    "A crowd of several hundred",
    "Young men",
    "Members of the armed faction",
    "Demonstrators",
    "Police units",
    "Residents",
    "Tribal fighters",
    "Masked men",
]
VERBS = [
    "threw stones at",
    "fired tear gas near",
    "set fire to tyres beside",
    "marched towards",
    "blocked the road at",
    "exchanged fire close to",
    "gathered outside",
    "stormed",
    "used water cannon on the crowd at",
    "shot into the air near",
    "closed",
    "rallied in front of",
]
PLACES = [
    ("green_zone", "the Green Zone", 33.3076, 44.3953),
    ("tahrir", "Tahrir Square", 33.3340, 44.4020),
    ("jumhuriya", "the Jumhuriya Bridge", 33.3260, 44.4040),
    ("planning_gate", "the Ministry of Planning gate", 33.3234, 44.4031),
    ("sinak", "the Sinak Bridge", 33.3330, 44.4100),
    ("khilani", "Khilani Square", 33.3370, 44.4130),
    ("sadr_city", "Sadr City", 33.3900, 44.4600),
    ("karrada", "Karrada", 33.3000, 44.4300),
    ("mansour", "Mansour", 33.3200, 44.3400),
    ("kadhimiya", "Kadhimiya", 33.3800, 44.3400),
    ("adhamiya", "Adhamiya", 33.3700, 44.3800),
    ("dora", "Dora", 33.2500, 44.3900),
]
DETAILS = [
    "witnesses said",
    "according to a police source",
    "the ministry said later",
    "in the late afternoon",
    "after Friday prayers",
    "as night fell",
    "for the second day",
    "despite a curfew",
    "while helicopters circled overhead",
    "before the crowd dispersed",
]
TYPES = [
    "clash",
    "tear_gas",
    "stone_throwing",
    "live_fire",
    "arson",
    "protest",
    "sit_in",
    "deployment",
    "casualties",
    "water_cannon",
    "barricade",
    "gate_closure",
]
ACLED = {"clash": ("Riots", "Violent demonstration"), "protest": ("Protests", "Peaceful protest")}
STATUSES = ["happened"] * 17 + ["reported", "announced", "threatened"]
PRECISIONS = ["exact", "estimated", "zone", "relative", "district", "city"]
POPUP_FIELDS = ["event_type", "date", "place_name", "source", "evidence", "casualty_text", "url"]


def synthetic_incidents(n: int, *, seed: int = 7, n_sources: int = 5000) -> gpd.GeoDataFrame:
    """``n`` incidents over a year around Baghdad, built column-wise."""
    rng = np.random.default_rng(seed)
    pick = lambda values, size=n: np.asarray(values, dtype=object)[  # noqa: E731
        rng.integers(0, len(values), size)
    ]
    place_index = rng.integers(0, len(PLACES), n)
    places = pd.DataFrame(PLACES, columns=["id", "name", "lat", "lon"])
    exact = rng.random(n) < 0.6
    lat = places["lat"].to_numpy()[place_index] + np.where(exact, 0, rng.normal(0, 0.03, n))
    lon = places["lon"].to_numpy()[place_index] + np.where(exact, 0, rng.normal(0, 0.03, n))
    place_names = places["name"].to_numpy(dtype=object)[place_index]
    numbers = rng.integers(2, 400, n).astype(str)
    evidence = (
        pd.Series(pick(SUBJECTS))
        + " "
        + pd.Series(pick(VERBS))
        + " "
        + pd.Series(place_names)
        + ", "
        + pd.Series(pick(DETAILS))
        + "; about "
        + numbers
        + " people were there."
    )
    start = pd.Timestamp("2019-01-01T00:00:00+03:00") + pd.to_timedelta(
        rng.integers(0, 365 * 24 * 60, n), unit="min"
    )
    precision = pick(["hour"] * 12 + ["part_of_day"] * 4 + ["day"] * 3 + ["unknown"])
    end = start + pd.to_timedelta(rng.integers(1, 6, n), unit="h")
    unknown = precision == "unknown"
    source_number = rng.zipf(1.3, n) % n_sources
    social = source_number % 3 == 0
    source = np.where(
        social, "@account_" + source_number.astype(str), "Outlet " + source_number.astype(str)
    )
    types = pick(TYPES)
    killed = np.where(types == "casualties", rng.integers(0, 30, n), -1)
    ids = pd.Series(rng.integers(0, 2**48, n)).map("{:012x}".format)
    frame = pd.DataFrame(
        {
            "incident_id": "inc-" + ids,
            "event_type": types,
            "sub_event_type": pd.Series(types).map(lambda t: ACLED.get(t, ("", "Mob violence"))[1]),
            "acled_event_type": pd.Series(types).map(lambda t: ACLED.get(t, ("Riots", ""))[0]),
            "actors": pd.Series(pick(SUBJECTS)),
            "date": np.where(unknown, None, start.strftime("%Y-%m-%d")),
            "time_start": np.where(unknown, None, start.strftime("%Y-%m-%dT%H:%M:%S+03:00")),
            "time_end": np.where(unknown, None, end.strftime("%Y-%m-%dT%H:%M:%S+03:00")),
            "time_precision": precision,
            "place_id": places["id"].to_numpy(dtype=object)[place_index],
            "place_name": place_names,
            "geo_precision": np.where(exact, "exact", pick(PRECISIONS)),
            "uncertainty_m": np.where(exact, 50.0, 800.0),
            "resolved_by": "name",
            "place_basis": pick(["sentence", "paragraph", "report_focus"]),
            "source": source,
            "source_type": np.where(social, "social", "news"),
            "via": None,
            "report": "reports/r" + (np.arange(n) // 10).astype(str) + ".txt",
            "url": "https://news.example.org/story/" + (np.arange(n) // 10).astype(str),
            "title": "Story " + (np.arange(n) // 10).astype(str),
            "evidence": evidence,
            "evidence_start": 0,
            "evidence_end": evidence.str.len(),
            "killed": pd.array(np.where(killed >= 0, killed, None), dtype="Int64"),
            "injured": pd.array([None] * n, dtype="Int64"),
            "casualty_text": np.where(
                killed >= 0, "at least " + killed.astype(str) + " dead", None
            ),
            "claimed_by": np.where(killed >= 0, "a hospital source", None),
            "claim_status": np.where(killed >= 0, "claimed", None),
            "lat": lat,
            "lon": lon,
            "status": pick(STATUSES),
            "weapon": np.where(killed >= 0, "car bomb", None),
            "target": np.where(killed >= 0, "market", None),
            "scope": np.where(killed >= 0, "incident", None),
        }
    )
    frame["event_id"] = "evt-" + (pd.Series(np.arange(n)) // 5).map("{:012d}".format)
    frame["actors"] = frame["actors"].map(lambda a: [a])
    missing = [c for c in INCIDENT_COLUMNS if c not in frame.columns]
    assert not missing, f"synthetic incidents lack {missing}"
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def synthetic_events(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One event per five consecutive incidents (ids, place and time of the first)."""
    grouped = incidents.groupby("event_id", sort=True)
    first = grouped.first()
    members = grouped["incident_id"].agg(list)
    sources = grouped["source"].agg(lambda s: sorted(set(s)))
    n_sources = sources.map(len)
    events = pd.DataFrame(
        {
            "event_id": first.index,
            "family": "confrontation",
            "event_types": grouped["event_type"].agg(lambda s: sorted(set(s))).to_numpy(),
            "date": first["date"].to_numpy(),
            "time_start": first["time_start"].to_numpy(),
            "time_end": first["time_end"].to_numpy(),
            "time_precision": first["time_precision"].to_numpy(),
            "place_id": first["place_id"].to_numpy(),
            "place_name": first["place_name"].to_numpy(),
            "geo_precision": first["geo_precision"].to_numpy(),
            "uncertainty_m": first["uncertainty_m"].to_numpy(),
            "n_incidents": members.map(len).to_numpy(),
            "n_sources": n_sources.to_numpy(),
            "n_independent_sources": n_sources.to_numpy(),
            "sources": sources.to_numpy(),
            "incident_ids": members.to_numpy(),
            "claims": [[] for _ in range(len(first))],
            "contradicted": (np.arange(len(first)) % 17) == 0,
            "lat": first["lat"].to_numpy(),
            "lon": first["lon"].to_numpy(),
            "summary": "Clash at " + first["place_name"].astype(str).to_numpy(),
        }
    )
    return gpd.GeoDataFrame(
        events, geometry=gpd.points_from_xy(events["lon"], events["lat"]), crs="EPSG:4326"
    )


def empty_places() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"place_id": []}, geometry=[], crs="EPSG:4326")


_CDN_SCRIPT = re.compile(r'<script src="https?://[^"]+"></script>\s*')
_CDN_STYLE = re.compile(r'<link rel="stylesheet" href="https?://[^"]+"/?>\s*')


def offline_folium(html: str) -> str:
    """A folium page with its CDN links replaced by the inlined Leaflet (no network)."""
    html = _CDN_SCRIPT.sub("", html)
    html = _CDN_STYLE.sub("", html)
    inline = style_tag(leaflet_css()) + script_tag(leaflet_js())
    return html.replace("<head>", "<head>" + inline, 1)


def lean_folium_page(incidents: gpd.GeoDataFrame) -> str:
    """The lean folium way: one GeoJson of canvas circle markers with a GeoJsonPopup."""
    fmap = folium.Map(location=[33.31, 44.39], zoom_start=12, tiles=None, prefer_canvas=True)
    folium.GeoJson(
        incidents[[*POPUP_FIELDS, "geometry"]],
        marker=folium.CircleMarker(radius=5, fill=True, weight=1),
        popup=folium.GeoJsonPopup(fields=POPUP_FIELDS),
    ).add_to(fmap)
    return offline_folium(fmap.get_root().render())


def explore_page(incidents: gpd.GeoDataFrame) -> str:
    """``GeoDataFrame.explore()`` with a popup of every column."""
    columns = [c for c in incidents.columns if c not in ("actors",)]
    fmap = incidents[columns].explore(popup=True, tiles=None, prefer_canvas=True)
    return offline_folium(fmap.get_root().render())


# Both measures run from the page's first moment (an init script), so no page waits
# for its "load" event: each is timed from navigation start to its first popup open.
# The page says it is done with a console message, which Python waits for: polling
# with page.wait_for_function would inject Playwright's script into the page, 15-25 ms
# of the page's main thread inside the measured time (seen in a trace), for every page.
DONE_MESSAGE = "incident-mapper-bench:done"
FIRST_POPUP_FOLIUM_JS = """
(() => {
  const DONE = 'incident-mapper-bench:done';
  // folium builds its map in the page's last script: look once the document is read.
  document.addEventListener('DOMContentLoaded', () => setTimeout(async () => {
    const maps = Object.values(window).filter(v => window.L && v instanceof L.Map);
    let target = null;
    // The first layer with a popup: a marker, or the GeoJSON group whose popup opens on
    // its first feature (as a click on that feature would).
    const walk = layer => {
      if (target) { return; }
      if (layer.getPopup && layer.getPopup()) { target = layer; return; }
      if (layer.eachLayer) { layer.eachLayer(walk); }
    };
    maps.forEach(m => m.eachLayer(walk));
    if (!target) { window.__benchPopup = [-1]; console.debug(DONE); return; }
    target.openPopup();
    await new Promise(r => requestAnimationFrame(r));
    const open = document.querySelector('.leaflet-popup-content') !== null;
    window.__benchPopup = [open ? performance.now() : -1];
    console.debug(DONE);
  }, 0));
})();
"""

# Ours: as soon as the layer has drawn, open the first drawn incident's popup the way a
# click does (its text chunk is decoded then; the text follows the columns in the page,
# so the map draws before the browser has read all of it). Then the popup of the last
# drawn incident, whose chunk the browser reads last; the ids (for the page API) are
# decoded after that, when the page is idle: "ready" is reported separately.
FIRST_POPUP_OURS_JS = """
(() => {
  const DONE = 'incident-mapper-bench:done';
  // The page announces its first drawing with an event (no polling delay).
  window.addEventListener('incidentmap:drawn', async (e) => {
    const api = e.detail;
    await api.openDrawn(0);
    await new Promise(r => requestAnimationFrame(r));
    const open = document.querySelector('.leaflet-popup-content .im-incident') !== null;
    const first = open ? performance.now() : -1;
    await api.openDrawn(api.state.nVisible - 1);
    await new Promise(r => requestAnimationFrame(r));
    const last = performance.now();
    await api.whenReady;
    window.__benchPopup = [first, api.stats.readyAt, last];
    console.debug(DONE);
  }, {once: true});
})();
"""

assert DONE_MESSAGE in FIRST_POPUP_FOLIUM_JS
assert DONE_MESSAGE in FIRST_POPUP_OURS_JS

REDRAWS_JS = """
() => {
  const api = window.incidentMap, out = {};
  const time = fn => { const t = performance.now(); fn(); return performance.now() - t; };
  const name = api.config.incidents.sources[0];
  out.source_toggle_ms = [time(() => api.setSources({[name]: false})),
                          time(() => api.setSources({[name]: true}))];
  // A time step: the slider from one step to the next, in the page's default mode (a year
  // of data opens by month) and by day.
  const keys = {clock: 'clock', day: 'days', month: 'months', year: 'years'};
  const steps = mode => {
    const span = api.config.time[keys[mode]];
    const at = k => new Date((span.bounds ? span.bounds[k] : span.start + k * span.step) * 60000);
    const k0 = Math.min(100, Math.floor(span.steps / 2));
    api.setTime(at(k0).toISOString());
    return [time(() => api.setTime(at(k0 + 1).toISOString())),
            time(() => api.setTime(at(k0 + 2).toISOString()))];
  };
  const opening = api.timeMode();
  out.step_mode = opening;
  out.time_step_ms = steps(opening);
  if (opening !== 'day' && api.config.time.days) {
    api.setTimeMode('day');
    out.day_step_ms = steps('day');
    api.setTimeMode(opening);
  }
  // Back to all times: a full redraw of every shown incident.
  out.all_times_ms = time(() => api.setTime(null));
  const types = api.config.incidents.types.map(t => t.name);
  out.filter_ms = [time(() => api.setFilter({types: types.slice(1)})),
                   time(() => api.setFilter({types: types}))];
  out.mode = api.drawMode();
  return out;
}
"""


# Search (ours): the whole call, place names then every chunk of searched text, for a
# word no incident has and for a phrase thousands have; then the box emptied again.
SEARCH_JS = """
async () => {
  const api = window.incidentMap, out = {};
  for (const [key, query] of [['absent', 'molotov'], ['common', 'tear gas near']]) {
    const t = performance.now();
    const n = await api.search(query);
    out[key] = [query, n, performance.now() - t];
  }
  await api.search('');
  return out;
}
"""


# The page's start-up milestones (README, "The page API"): ms from navigation start.
MARKS_JS = """
() => performance.getEntriesByType('mark').filter(m => m.name.startsWith('im:'))
  .map(m => [m.name, m.startTime])
"""


def marks_line(runs: list[dict[str, Any]]) -> str:
    """The median of each start-up mark over the runs, in time order."""
    names = {name for run in runs for name in run.get("marks", {})}
    medians = {
        name: statistics.median(run["marks"][name] for run in runs if name in run.get("marks", {}))
        for name in names
    }
    return ", ".join(
        f"{name.removeprefix('im:')} {ms:.0f}"
        for name, ms in sorted(medians.items(), key=lambda item: item[1])
    )


def measure(browser: Any, path: Path, *, ours: bool, timeout_s: float) -> dict[str, Any]:
    """Open a page; time to the first popup, JS heap, and (ours) redraw times."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    result: dict[str, Any] = {}
    try:
        page.set_default_timeout(timeout_s * 1000)
        page.add_init_script(FIRST_POPUP_OURS_JS if ours else FIRST_POPUP_FOLIUM_JS)
        with page.expect_console_message(
            lambda message: message.text == DONE_MESSAGE, timeout=timeout_s * 1000
        ):
            page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
        stamps = page.evaluate("() => window.__benchPopup")
        if ours and stamps[0] > 0:
            result["api_ready_s"] = stamps[1] / 1000
            result["last_popup_s"] = stamps[2] / 1000
            result["marks"] = dict(page.evaluate(MARKS_JS))
        result["interactive_s"] = stamps[0] / 1000 if stamps[0] > 0 else None
        cdp = context.new_cdp_session(page)
        cdp.send("HeapProfiler.collectGarbage")
        result["heap_mb"] = cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6
        if ours:
            result["redraw"] = page.evaluate(REDRAWS_JS)
            page.evaluate(
                "() => { const m = window.incidentMap.map;"
                " m.setView([33.3234, 44.4031], 17, {animate: false}); }"
            )
            result["redraw_zoomed"] = page.evaluate(REDRAWS_JS)
            # After the redraws, so that they run as the first changes after the GC.
            result["search"] = page.evaluate(SEARCH_JS)
    except Exception as error:  # a page that never loads is a result, not a crash
        result["error"] = type(error).__name__ + ": " + str(error).splitlines()[0][:120]
    finally:
        context.close()
    return result


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--marks",
        action="store_true",
        help="also print the medians of our page's start-up marks (ms from navigation start)",
    )
    parser.add_argument(
        "--skip-others-above",
        type=int,
        default=100_000,
        help="build explore/lean folium only up to this size (they do not load beyond)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"machine: shared 2-core box, headless Chromium, offline; medians of {args.repeat};"
        f" load average now {os.getloadavg()[0]:.1f}"
    )
    rows = []
    with tempfile.TemporaryDirectory() as folder, launch_browser() as browser:
        for n in sizes:
            started = time.perf_counter()
            incidents = synthetic_incidents(n)
            events = synthetic_events(incidents)
            made = time.perf_counter() - started
            print(f"\n== {n:,} incidents, {len(events):,} events (synthetic data: {made:.1f} s)")
            builders = {
                "ours": lambda i=incidents, e=events: render_map(i, empty_places(), events=e)
            }
            if n <= args.skip_others_above:
                builders["lean folium"] = lambda i=incidents: lean_folium_page(i)
                builders["explore"] = lambda i=incidents: explore_page(i)
            results: dict[str, dict[str, Any]] = {}
            for name, build in builders.items():
                started = time.perf_counter()
                try:
                    html = build()
                except MemoryError:
                    print(f"  {name:12s} build ran out of memory")
                    continue
                build_s = time.perf_counter() - started
                path = Path(folder) / f"{name.replace(' ', '_')}_{n}.html"
                path.write_text(html, encoding="utf-8")
                del html
                size_mb = path.stat().st_size / 1e6
                runs = []
                for _ in range(args.repeat):
                    runs.append(measure(browser, path, ours=name == "ours", timeout_s=args.timeout))
                    if "error" in runs[-1]:  # a page that timed out once is not retried
                        break
                entry = {
                    "build_s": build_s,
                    "page_mb": size_mb,
                    "interactive_s": median_of(runs, "interactive_s"),
                    "heap_mb": median_of(runs, "heap_mb"),
                    "api_ready_s": median_of(runs, "api_ready_s"),
                    "last_popup_s": median_of(runs, "last_popup_s"),
                    "error": next((r["error"] for r in runs if "error" in r), None),
                    "redraw": runs[-1].get("redraw"),
                    "redraw_zoomed": runs[-1].get("redraw_zoomed"),
                    "search": runs[-1].get("search"),
                }
                results[name] = entry
                tti = entry["interactive_s"]
                heap = entry["heap_mb"]
                print(
                    f"  {name:12s} build {build_s:6.1f} s  page {size_mb:8.1f} MB  "
                    f"interactive {f'{tti:.2f} s' if tti else 'never':>9s}  "
                    f"heap {f'{heap:.0f} MB' if heap else '?':>8s}"
                    + (f"  ({entry['error']})" if entry["error"] else "")
                    + (
                        f"  (popup of the last drawn {entry['last_popup_s']:.2f} s,"
                        f" page API ready {entry['api_ready_s']:.2f} s)"
                        if entry.get("api_ready_s")
                        else ""
                    )
                )
                if args.marks and name == "ours":
                    print(f"    start-up marks (median ms): {marks_line(runs)}")
                path.unlink()
            if n > args.skip_others_above:
                print(f"  explore and lean folium not built above {args.skip_others_above:,}")
            ours = results.get("ours", {})
            for other in ("lean folium", "explore"):
                theirs = results.get(other)
                if theirs and ours.get("interactive_s"):
                    if theirs.get("interactive_s"):
                        ratio = theirs["interactive_s"] / ours["interactive_s"]
                        print(f"  ours is {ratio:.1f}x faster to interactive than {other}")
                    else:
                        print(f"  {other} never became interactive within {args.timeout:.0f} s")
                    print(f"  page size: {theirs['page_mb'] / ours['page_mb']:.1f}x of ours")
            if ours.get("search"):
                print(
                    "  search (the whole call, every chunk of searched text): "
                    + ", ".join(
                        f"{q!r} {ms:.0f} ms ({n:,} matches)" for q, n, ms in ours["search"].values()
                    )
                )
            for key in ("redraw", "redraw_zoomed"):
                if ours.get(key):
                    r = ours[key]
                    label = "default view" if key == "redraw" else "zoomed to a gate (z17)"
                    day = (
                        f", a day step {max(r['day_step_ms']):.1f} ms"
                        if r.get("day_step_ms")
                        else ""
                    )
                    print(
                        f"  redraws, {label} ({r['mode']}): source toggle "
                        f"{max(r['source_toggle_ms']):.1f} ms, time step ({r['step_mode']}) "
                        f"{max(r['time_step_ms']):.1f} ms{day}, filter "
                        f"{max(r['filter_ms']):.1f} ms"
                        f" (back to all times {r['all_times_ms']:.1f} ms)"
                    )
            rows.append((n, results))
    print(f"\n== targets (load average now {os.getloadavg()[0]:.1f})")
    ok = True
    for n, results in rows:
        target = TARGETS.get(n)
        ours = results.get("ours")
        if not target or not ours:
            continue
        checks = [("page_mb", ours["page_mb"], target["page_mb"], "MB")]
        checks.append(("interactive_s", ours["interactive_s"] or 1e9, target["interactive_s"], "s"))
        if "heap_mb" in target:
            checks.append(("heap_mb", ours["heap_mb"] or 1e9, target["heap_mb"], "MB"))
        if "redraw_ms" in target and ours.get("redraw"):
            worst = max(
                max(ours[k][m])
                for k in ("redraw", "redraw_zoomed")
                for m in ("source_toggle_ms", "time_step_ms", "day_step_ms", "filter_ms")
                if ours[k].get(m)
            )
            checks.append(("worst redraw_ms", worst, target["redraw_ms"], "ms"))
        lean = results.get("lean folium")
        if "vs_lean" in target and lean:
            ratio = (lean["interactive_s"] or float("inf")) / (ours["interactive_s"] or 1e9)
            checks.append(("x faster than lean", -ratio, -target["vs_lean"], "x"))
        for name, value, limit, unit in checks:
            met = value <= limit
            ok &= met
            shown = -value if name.startswith("x ") else value
            bound = -limit if name.startswith("x ") else limit
            relation = ">=" if name.startswith("x ") else "<="
            print(
                f"  {n:>9,} {name:18s} {shown:8.2f} {unit}  target {relation} {bound:g}"
                f"  {'met' if met else 'NOT MET'}"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
