"""The map page without a browser: the data it carries, escaping, offline assets,
determinism, the static files."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib import resources
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon

from gazetteer.model import Gazetteer, Place
from geo.errors import OutputError
from incidents.events import EVENT_COLUMNS, group_events
from incidents.model import INCIDENT_COLUMNS
from incidents.vocabulary import incident_vocabulary
from maps import render_map
from maps.assets import (
    data_tag,
    html_text,
    js_literal,
    json_tag,
    leaflet_css,
    leaflet_js,
    load_styles,
    safe_href,
)
from maps.columns import _iso_minutes
from maps.page_elements import STATIC_SCRIPTS, STATIC_STYLES
from maps.place_layers import place_popup_html
from maps.render import (
    build_map,
    event_style,
    finish_map,
)
from maps.timeline import (
    calendar_span,
    replay_span,
    time_window,
    window_minutes,
    zone_offsets,
)

# ---------------------------------------------------------------- synthetic data

GREEN_ZONE = Polygon(
    [(44.379, 33.2895), (44.4027, 33.3232), (44.411, 33.314), (44.411, 33.306), (44.392, 33.295)]
)
GATE = (33.3234, 44.4031)  # (lat, lon)
SOUTH_GATE = (33.2971, 44.4000)

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TEMPLATE = "{{ 7*7 }} {% raw %} {# note"
ARABIC = "اشتباكات قرب البوابة"


def small_gazetteer() -> Gazetteer:
    """A hand-drawn stand-in for the bundled gazetteer (rough shapes, not survey data)."""
    return Gazetteer(
        [
            Place(
                id="green_zone",
                name="Green Zone",
                kind="zone",
                geometry=GREEN_ZONE,
                source="sketch for tests",
                coordinate_basis="estimate",
                uncertainty_m=300,
            ),
            Place(
                id="tigris",
                name="Tigris",
                kind="river",
                geometry=LineString([(44.37, 33.36), (44.404, 33.3255), (44.412, 33.30)]),
                source="sketch for tests",
                coordinate_basis="estimate",
                uncertainty_m=100,
            ),
            Place(
                id="test_bridge",
                name="Test Bridge",
                kind="bridge",
                geometry=LineString([(44.4059, 33.3261), (44.4031, 33.3234)]),
                source="sketch for tests",
                coordinate_basis="estimate",
                uncertainty_m=50,
            ),
            Place(
                id="west_district",
                name=f"West {HOSTILE_IMG}",
                kind="district",
                geometry=Polygon([(44.36, 33.28), (44.40, 33.28), (44.40, 33.33), (44.36, 33.34)]),
                source="sketch for tests",
                coordinate_basis="estimate",
                uncertainty_m=1000,
            ),
            Place(
                id="test_gate",
                name="Test Gate",
                kind="gate",
                geometry=Point(GATE[1], GATE[0]),
                source="sketch for tests",
                coordinate_basis="estimate",
                uncertainty_m=300,
            ),
        ]
    )


def incident_row(number: int, **overrides: Any) -> dict[str, Any]:
    """One incident with plausible values; ``position=None`` makes it unmapped."""
    lat, lon = overrides.pop("position", GATE) or (None, None)
    row: dict[str, Any] = dict.fromkeys(INCIDENT_COLUMNS)
    row.update(
        incident_id=f"inc-{number:010d}",
        event_type="clash",
        sub_event_type="Violent demonstration",
        acled_event_type="Riots",
        actors=["protesters", "security forces"],
        date="2021-11-05",
        time_start="2021-11-05T15:00:00+03:00",
        time_end="2021-11-05T18:00:00+03:00",
        time_precision="part_of_day",
        place_id="test_gate",
        place_name="Test Gate",
        geo_precision="estimated",
        uncertainty_m=300.0,
        resolved_by="gazetteer alias",
        place_basis="sentence",
        source="Kurdistan 24",
        source_type="news",
        report="reports/k24.txt",
        url="https://example.org/story",
        evidence=f"Crowds pushed against the barrier at the gate (case {number}).",
        evidence_start=10,
        evidence_end=60,
        lat=lat,
        lon=lon,
    )
    row.update(overrides)
    return row


def make_incidents(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=list(INCIDENT_COLUMNS))
    for column in ("killed", "injured"):
        frame[column] = frame[column].astype("Int64")
    geometry = [
        Point(r["lon"], r["lat"]) if r["lat"] is not None and r["lon"] is not None else None
        for r in rows
    ]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def make_places(extra: list[dict[str, Any]] | None = None) -> gpd.GeoDataFrame:
    rows = [
        {
            "place_id": "green_zone",
            "name": "Green Zone",
            "name_ar": "المنطقة الخضراء",
            "kind": "zone",
            "precision": "zone",
            "uncertainty_m": 300.0,
            "coordinate_basis": "estimate",
            "source": "sketch for tests",
            "mention_count": 4,
            "derived": False,
            "description": None,
            "geometry": GREEN_ZONE,
        },
        {
            "place_id": "test_gate",
            "name": "Test Gate",
            "name_ar": None,
            "kind": "gate",
            "precision": "estimated",
            "uncertainty_m": 300.0,
            "coordinate_basis": "estimate",
            "source": "sketch for tests",
            "mention_count": 3,
            "derived": False,
            "description": None,
            "geometry": Point(GATE[1], GATE[0]),
        },
        {
            "place_id": "rel:south:green_zone",
            "name": "south of the Green Zone",
            "name_ar": None,
            "kind": "zone",
            "precision": "relative",
            "uncertainty_m": 800.0,
            "coordinate_basis": "derived",
            "source": "derived from the wording",
            "mention_count": 1,
            "derived": True,
            "description": "A band south of the zone's edge.",
            "geometry": Polygon([(44.38, 33.28), (44.41, 33.28), (44.41, 33.29), (44.38, 33.29)]),
        },
        *(extra or []),
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def event_row(number: int, incident_ids: list[str], **overrides: Any) -> dict[str, Any]:
    """One event (columns of ``incidents.events.EVENT_COLUMNS``); ``position=None``: no place."""
    lat, lon = overrides.pop("position", GATE) or (None, None)
    row: dict[str, Any] = dict.fromkeys(EVENT_COLUMNS)
    row.update(
        event_id=f"evt-{number:012d}",
        family="confrontation",
        event_types=["clash"],
        date="2021-11-05",
        time_start="2021-11-05T15:00:00+03:00",
        time_end="2021-11-05T18:00:00+03:00",
        time_precision="part_of_day",
        place_id="test_gate",
        place_name="Test Gate",
        geo_precision="estimated",
        uncertainty_m=300.0,
        n_incidents=len(incident_ids),
        n_sources=1,
        n_independent_sources=1,
        sources=["Kurdistan 24"],
        incident_ids=incident_ids,
        claims=[],
        contradicted=False,
        lat=lat,
        lon=lon,
        summary=f"Clash at the test gate (event {number})",
    )
    row.update(overrides)
    return row


def make_events(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    geometry = [
        Point(r["lon"], r["lat"]) if r["lat"] is not None and r["lon"] is not None else None
        for r in rows
    ]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def claim(source: str, claimed_by: str | None, status: str, **figures: Any) -> dict[str, Any]:
    return {
        "incident_id": None,
        "killed": figures.get("killed"),
        "injured": figures.get("injured"),
        "claimed_by": claimed_by,
        "claimant": claimed_by,
        "claim_status": status,
        "source": source,
        "casualty_text": figures.get("text"),
    }


def standard_events() -> list[dict[str, Any]]:
    """The incidents of :func:`standard_rows` as three events: the gate (two outlets whose
    casualty claims contradict), the south gate (an account embedded by an outlet), and
    one without a place."""
    return [
        event_row(
            1,
            ["inc-0000000001", "inc-0000000002", "inc-0000000003"],
            event_types=["clash", "tear_gas", "water_cannon"],
            n_sources=2,
            n_independent_sources=2,
            sources=["Kurdistan 24", "RT"],
            claims=[
                claim("Kurdistan 24", "a militia spokesman", "claimed", killed=4, text="four died"),
                claim("RT", "the interior ministry", "denied", killed=0, text="nobody died"),
                claim("RT", None, "unconfirmed", killed=2, injured=30, text="two dead, 30 hurt"),
            ],
            contradicted=True,
        ),
        event_row(
            2,
            ["inc-0000000004", "inc-0000000005"],
            event_types=["live_fire", "stone_throwing"],
            position=SOUTH_GATE,
            place_id="south_gate",
            place_name="South Gate",
            n_sources=2,
            n_independent_sources=1,
            sources=["RT", "@someone_posting"],
        ),
        event_row(
            3,
            ["inc-0000000006"],
            event_types=["arson"],
            position=None,
            place_id=None,
            place_name=None,
            time_start=None,
            time_end=None,
            time_precision="day",
        ),
    ]


def standard_rows() -> list[dict[str, Any]]:
    """Three incidents at one gate (two sources), one elsewhere, a social post, an unmapped one."""
    return [
        incident_row(1, event_type="clash"),
        incident_row(2, event_type="tear_gas"),
        incident_row(3, event_type="water_cannon", source="RT"),
        incident_row(
            4, event_type="live_fire", source="RT", position=SOUTH_GATE, geo_precision="zone"
        ),
        incident_row(
            5,
            event_type="stone_throwing",
            source="@someone_posting",
            source_type="social",
            via="Kurdistan 24",
            position=SOUTH_GATE,
            evidence=ARABIC,
        ),
        incident_row(6, event_type="arson", position=None, place_id=None, place_name=None),
    ]


# ---------------------------------------------------------------- reading the page

_DATA = re.compile(
    r'<script type="(application/json|text/plain)" id="(im-[\w-]+)">(.*?)</script>', re.S
)
_ADD_DATA = re.compile(r"^\s*(\w+)\.addData\(JSON\.parse\((\".*\")\)\);$", re.MULTILINE)
_FIT = re.compile(r"\.fitBounds\(\s*(\[\[.*?\]\])", re.DOTALL)
_KINDS = {"f4": "<f4", "u1": "u1", "u2": "<u2", "u4": "<u4", "i4": "<i4"}


def gunzip(text: str) -> bytes:
    return gzip.decompress(base64.b64decode(text))


@dataclass
class Table:
    """One table as the page has it: columns, text rows and ids, in page order."""

    arrays: dict[str, np.ndarray]
    rows: list[dict[str, Any]]
    ids: list[str]

    def row(self, ident: str) -> dict[str, Any]:
        return self.rows[self.ids.index(ident)]

    def at(self, ident: str, column: str) -> Any:
        return self.arrays[column][self.ids.index(ident)]


@dataclass
class ParsedPage:
    html: str
    config: dict[str, Any]
    incidents: Table
    events: Table
    payloads: dict[str, dict[str, Any]]
    fit_bounds: list[list[float]] | None

    @property
    def mapped_ids(self) -> list[str]:
        flags = self.incidents.arrays["flags"]
        return sorted(i for i, f in zip(self.incidents.ids, flags, strict=True) if not f & 1)


def _table(
    elements: dict[str, str], prefix: str, meta: dict[str, Any], layout: list[dict[str, Any]]
) -> Table:
    text = elements.get(f"im-{prefix}-arrays")
    packed = base64.b64decode(text) if text else b""
    arrays = {
        entry["name"]: np.frombuffer(
            packed, dtype=_KINDS[entry["kind"]], count=entry["length"], offset=entry["offset"]
        )
        for entry in layout
    }
    rows: list[dict[str, Any]] = []
    n_chunks = -(-meta["n"] // meta["chunkRows"]) if meta["n"] else 0
    assert f"im-{prefix}-c{n_chunks}" not in elements
    searched = meta.get("searchColumns", [])
    assert f"im-{prefix}-s{n_chunks}" not in elements
    for k in range(n_chunks):
        columns = json.loads(gunzip(elements[f"im-{prefix}-c{k}"]))
        # The searched columns come in a chunk of their own, just after.
        if searched:
            # Plain text: each column's values in turn, each ended by NUL, missing as SOH.
            values = gunzip(elements[f"im-{prefix}-s{k}"]).decode().split("\x00")
            size = min(meta["chunkRows"], meta["n"] - k * meta["chunkRows"])
            assert len(values) == len(searched) * size + 1
            assert values[-1] == ""
            assert not set(searched) & set(columns)
            for c, name in enumerate(searched):
                part = values[c * size : (c + 1) * size]
                columns[name] = [None if v == "\x01" else v for v in part]
        else:
            assert f"im-{prefix}-s{k}" not in elements
        names = list(columns)
        rows.extend(
            dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)
        )
    raw = gunzip(elements[f"im-{prefix}-ids"]) if elements.get(f"im-{prefix}-ids") else b""
    form = meta.get("idForm")
    if form:  # a common prefix, then hexadecimal digits as bytes
        width = form["hexDigits"] // 2
        ids = [form["prefix"] + raw[k : k + width].hex() for k in range(0, len(raw), width)]
    else:
        ids = raw.decode().split("\n") if meta["n"] else []
    assert len(rows) == len(ids) == meta["n"]
    # As the page does: a time_start/time_end sent as a flag is the window at +03:00, a
    # place_id left out is its code's.
    flags = arrays.get("flags")
    for i, row in enumerate(rows):
        if prefix == "inc" and "place_id" in row and row["place_id"] is None:
            row["place_id"] = meta["places"][arrays["place"][i]] or None
        for flag, name, minutes in ((32, "time_start", "t0"), (64, "time_end", "t1")):
            if flags is not None and flags[i] & flag and prefix == "inc":
                assert row[name] is None
                end = arrays["t0"][i] + (arrays["dur"][i] if minutes == "t1" else 0)
                moment = dt.datetime.fromtimestamp(
                    int(end) * 60, dt.timezone(dt.timedelta(hours=3))
                )
                row[name] = moment.isoformat()
    return Table(arrays=arrays, rows=rows, ids=ids)


def parse_page(page: str) -> ParsedPage:
    elements = {m.group(2): m.group(3) for m in _DATA.finditer(page)}
    config = json.loads(elements["im-config"])
    own = page.replace(leaflet_js(), "")
    payloads = {m.group(1): json.loads(json.loads(m.group(2))) for m in _ADD_DATA.finditer(own)}
    fit = _FIT.search(own)
    return ParsedPage(
        html=page,
        config=config,
        incidents=_table(elements, "inc", config["incidents"], config["incidentArrays"]),
        events=_table(elements, "evt", config["events"], config["eventArrays"]),
        payloads=payloads,
        fit_bounds=json.loads(fit.group(1)) if fit else None,
    )


@pytest.fixture(scope="module")
def page() -> ParsedPage:
    return parse_page(
        render_map(make_incidents(standard_rows()), make_places(), gazetteer=small_gazetteer())
    )


@pytest.fixture(scope="module")
def events_page() -> ParsedPage:
    return parse_page(
        render_map(
            make_incidents(standard_rows()),
            make_places(),
            events=make_events(standard_events()),
            gazetteer=small_gazetteer(),
        )
    )


# ---------------------------------------------------------------- determinism, offline


def test_same_input_gives_the_same_document() -> None:
    incidents = make_incidents(standard_rows())
    events = make_events(standard_events())
    first = render_map(incidents, make_places(), events=events, gazetteer=small_gazetteer())
    second = render_map(incidents, make_places(), events=events, gazetteer=small_gazetteer())
    assert first == second


def test_row_order_does_not_change_the_page() -> None:
    rows = standard_rows()
    events = make_events(standard_events())
    first = render_map(
        make_incidents(rows), make_places(), events=events, gazetteer=small_gazetteer()
    )
    random.Random(3).shuffle(rows)
    shuffled = render_map(
        make_incidents(rows), make_places(), events=events, gazetteer=small_gazetteer()
    )
    assert first == shuffled


@pytest.mark.parametrize("word", ["cdn", "unpkg", "jsdelivr", "googleapis", "bootstrapcdn"])
def test_no_cdn_is_named(page: ParsedPage, word: str) -> None:
    assert word not in page.html


def test_nothing_is_loaded_from_the_web(page: ParsedPage) -> None:
    lowered = page.html.lower()
    assert 'src="http' not in lowered
    assert 'href="http' not in lowered
    assert not re.search(r"<script[^>]*\bsrc=", page.html, re.IGNORECASE)
    assert not re.search(r"<link[^>]*stylesheet", page.html, re.IGNORECASE)
    assert "jquery" not in lowered
    assert "awesome-markers" not in lowered
    assert "url(images/" not in page.html
    assert "sourceMappingURL" not in page.html


def test_leaflet_is_inlined(page: ParsedPage) -> None:
    assert leaflet_js() in page.html
    assert leaflet_css() in page.html
    assert 'version="1.9' in leaflet_js()
    assert leaflet_css().count("data:image/png;base64,") == 3


def test_the_only_web_address_in_the_page_text_is_the_tile_template(page: ParsedPage) -> None:
    # Report links travel compressed, and become links only in the browser (http(s) only).
    outside_leaflet = page.html.replace(leaflet_js(), "").replace(leaflet_css(), "")
    urls = set(re.findall(r"https?://[^\s\"'\\)]+", outside_leaflet))
    assert urls == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
    assert page.incidents.row("inc-0000000001")["url"] == "https://example.org/story"


# ---------------------------------------------------------------- the page's script and styles


def test_the_page_script_and_styles_are_package_files(page: ParsedPage) -> None:
    for name in (*STATIC_SCRIPTS, *STATIC_STYLES):
        text = resources.files("maps").joinpath("static", name).read_text(encoding="utf-8")
        assert text.strip() in page.html, name
    assert "IncidentMap.install(" in page.html


def test_the_page_script_passes_node_check() -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed to check the page script (apt-get install nodejs)"
    for name in STATIC_SCRIPTS:
        path = resources.files("maps").joinpath("static", name)
        completed = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
        assert completed.returncode == 0, f"{name}: {completed.stderr}"


def test_python_hands_the_page_data_not_code() -> None:
    source = resources.files("maps").joinpath("render.py").read_text(encoding="utf-8")
    assert "function (" not in source
    assert "function(" not in source


# ---------------------------------------------------------------- incidents as columns


def test_every_mapped_incident_is_in_the_columns_and_unmapped_ones_are_flagged(
    page: ParsedPage,
) -> None:
    assert page.mapped_ids == [f"inc-{n:010d}" for n in range(1, 6)]
    assert page.incidents.at("inc-0000000006", "flags") & 1
    assert page.config["unmapped"] == 1


def test_rows_are_sorted_by_start_time_unknown_last() -> None:
    rows = [
        incident_row(
            1, time_start="2021-11-05T18:00:00+03:00", time_end=None, time_precision="hour"
        ),
        incident_row(2, date=None, time_start=None, time_end=None, time_precision="unknown"),
        incident_row(
            3, time_start="2021-11-05T09:00:00+03:00", time_end=None, time_precision="hour"
        ),
    ]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    assert parsed.incidents.ids == ["inc-0000000003", "inc-0000000001", "inc-0000000002"]
    t0 = parsed.incidents.arrays["t0"]
    assert t0[0] < t0[1] < t0[2] == 2**32 - 1


def test_positions_are_the_true_positions(page: ParsedPage) -> None:
    lat = page.incidents.at("inc-0000000004", "lat")
    lon = page.incidents.at("inc-0000000004", "lon")
    assert abs(lat - SOUTH_GATE[0]) < 1e-5
    assert abs(lon - SOUTH_GATE[1]) < 1e-5


def test_sources_are_grouped_news_social_unattributed() -> None:
    rows = [
        *standard_rows(),
        incident_row(9, source="unattributed (notes.txt)"),
        incident_row(10, source=None),
    ]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    meta = parsed.config["incidents"]
    assert list(zip(meta["sources"], meta["sourceGroups"], strict=True)) == [
        ("Kurdistan 24", "news"),
        ("RT", "news"),
        ("@someone_posting", "social"),
        ("unattributed (notes.txt)", "unattributed"),
        ("unknown source", "unattributed"),
    ]
    source = parsed.incidents.at("inc-0000000003", "source")
    assert meta["sources"][source] == "RT"


def test_types_carry_label_colour_and_acled_type(page: ParsedPage) -> None:
    types = {t["name"]: t for t in page.config["incidents"]["types"]}
    label, colour = event_style("tear_gas")
    assert types["tear_gas"] == {
        "name": "tear_gas",
        "label": label,
        "colour": colour,
        "acled": "Riots",
    }
    order = [t["name"] for t in page.config["incidents"]["types"]]
    known = list(load_styles()["event_types"])
    assert order == sorted(order, key=known.index)


def test_every_incident_type_has_a_colour_of_its_own() -> None:
    """Every type the vocabulary can give an incident is drawn in its own colour, none in
    the grey kept for types from elsewhere: a legend of bombings, rockets and raids all
    in one grey tells them apart by nothing."""
    styles = load_styles()
    colours = {name: rule["colour"].lower() for name, rule in styles["event_types"].items()}
    assert set(incident_vocabulary().types) <= set(colours)
    assert len(set(colours.values())) == len(colours)
    assert styles["unknown_event_type"]["colour"].lower() not in colours.values()


def test_a_type_whose_incidents_carry_no_acled_type_is_grouped_by_the_vocabulary() -> None:
    """A second type told in a sentence whose event another type codes ('water cannons and
    tear gas') carries no ACLED type of its own: the legend still puts it under the ACLED
    type the vocabulary codes it as, not under 'Other'."""
    rows = [
        incident_row(1, event_type="water_cannon", acled_event_type="Protests"),
        incident_row(2, event_type="tear_gas", acled_event_type=None, sub_event_type=None),
        incident_row(3, event_type="casualties", acled_event_type=None, sub_event_type=None),
    ]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    acled = {t["name"]: t["acled"] for t in parsed.config["incidents"]["types"]}
    assert acled == {"water_cannon": "Protests", "tear_gas": "Protests", "casualties": None}


def test_unknown_event_type_gets_the_fallback_colour() -> None:
    label, colour = event_style("something_new")
    assert label == "Something new"
    assert colour == load_styles()["unknown_event_type"]["colour"]


def test_status_and_other_new_columns_are_used_when_present() -> None:
    rows = [
        incident_row(1, status="threatened", weapon="rocket", target="embassy", title="A title"),
        incident_row(2, status=None),
        incident_row(3, status="Denied"),
    ]
    frame = make_incidents(rows)
    for column in ("status", "weapon", "target", "title"):
        frame[column] = [r.get(column) for r in rows]
    parsed = parse_page(render_map(frame, make_places(), gazetteer=small_gazetteer()))
    meta = parsed.config["incidents"]
    assert meta["statuses"] == ["happened", "threatened", "denied"]
    statuses = {i: meta["statuses"][parsed.incidents.at(i, "status")] for i in parsed.incidents.ids}
    assert statuses == {
        "inc-0000000001": "threatened",
        "inc-0000000002": "happened",
        "inc-0000000003": "denied",
    }
    row = parsed.incidents.row("inc-0000000001")
    assert (row["weapon"], row["target"], row["title"]) == ("rocket", "embassy", "A title")


def test_a_table_without_the_new_columns_is_all_happened(page: ParsedPage) -> None:
    assert page.config["incidents"]["statuses"] == ["happened"]
    assert "status" not in page.config["incidents"]["textColumns"]


def test_times_in_the_page_offset_come_as_flags_and_others_as_text() -> None:
    rows = [
        incident_row(1),  # 2021-11-05T15:00:00+03:00 to 18:00: the window itself
        incident_row(2, time_start="2021-11-05T12:00:00Z", time_end="2021-11-05T15:00:00Z"),
        incident_row(3, time_start="2021-11-05T15:00:30+03:00", time_end=None),
    ]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    flags = {i: parsed.incidents.at(i, "flags") for i in parsed.incidents.ids}
    assert flags["inc-0000000001"] & 32
    assert flags["inc-0000000001"] & 64
    assert not flags["inc-0000000002"] & (32 | 64)  # the same instants, written otherwise
    assert not flags["inc-0000000003"] & (32 | 64)
    for row in rows:  # what the page rebuilds is the text given
        got = parsed.incidents.row(row["incident_id"])
        assert (got["time_start"], got["time_end"]) == (row["time_start"], row["time_end"])
    assert parsed.incidents.rows[0]["time_start"] == "2021-11-05T15:00:00+03:00"


@pytest.mark.parametrize(
    ("ids", "form"),
    [
        (["inc-4ab5e2a6155f", "inc-0f84e962a103"], {"prefix": "inc-", "hexDigits": 12}),
        (["inc-0000000001", "inc-0000000013"], {"prefix": "inc-00000000", "hexDigits": 2}),
        (["inc-00ab", "inc-00AB"], None),  # upper-case digits would not come back the same
        (["inc-1", "inc-22"], None),
        (["حادث-0a", "حادث-1b"], None),  # the page writes the prefix out as ASCII
        (["report 1 / a", "report 1 / b"], None),
    ],
)
def test_ids_go_as_bytes_when_they_are_hex_digits_after_a_prefix(
    ids: list[str], form: dict[str, Any] | None
) -> None:
    rows = [incident_row(k, incident_id=ident) for k, ident in enumerate(ids, start=1)]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    assert parsed.config["incidents"]["idForm"] == form
    assert sorted(parsed.incidents.ids) == sorted(ids)


def test_the_times_the_page_rebuilds_take_the_zones_offset_at_each_moment() -> None:
    winter, summer = (
        ms("2021-01-15T12:00:00+02:00") // 60000,
        ms("2021-07-15T12:00:00+03:00") // 60000,
    )
    zone = zone_offsets("Asia/Beirut", winter, summer + 1)
    text = _iso_minutes(np.array([winter, summer, np.nan]), zone)
    assert text.tolist() == ["2021-01-15T12:00:00+02:00", "2021-07-15T12:00:00+03:00", ""]


def test_a_place_id_is_sent_once_as_a_code() -> None:
    rows = [incident_row(1), incident_row(2, place_id=None), incident_row(3, place_id=" ")]
    page = render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    elements = {m.group(2): m.group(3) for m in _DATA.finditer(page)}
    sent = json.loads(gunzip(elements["im-inc-c0"]))["place_id"]
    assert sent == [None, None, " "]  # the first comes from its code
    parsed = parse_page(page)
    assert parsed.incidents.row("inc-0000000001")["place_id"] == "test_gate"
    assert parsed.incidents.row("inc-0000000002")["place_id"] is None
    assert parsed.incidents.row("inc-0000000003")["place_id"] == " "


def test_popup_text_keeps_every_value_verbatim(page: ParsedPage) -> None:
    row = page.incidents.row("inc-0000000005")
    assert row["evidence"] == ARABIC
    assert row["via"] == "Kurdistan 24"
    assert row["actors"] == ["protesters", "security forces"]
    assert row["killed"] is None
    assert row["uncertainty_m"] == 300.0


def test_vague_places_are_flagged(page: ParsedPage) -> None:
    assert page.incidents.at("inc-0000000004", "flags") & 2
    assert not page.incidents.at("inc-0000000001", "flags") & 2


def test_context_is_drawn_from_the_gazetteer_without_points(page: ParsedPage) -> None:
    contexts = [
        p for p in page.payloads.values() if any("label" in f["properties"] for f in p["features"])
    ]
    assert len(contexts) == 1
    features = contexts[0]["features"]
    ids = [f["properties"]["place_id"] for f in features]
    assert ids == ["west_district", "green_zone", "tigris", "test_bridge"]
    assert all(f["geometry"]["type"] != "Point" for f in features)
    labels = {f["properties"]["place_id"]: f["properties"]["label"] for f in features}
    assert labels["west_district"] == html_text(f"West {HOSTILE_IMG}")
    assert labels["test_bridge"] is None
    # Each label has its point: the middle of a river, inside an area.
    at = {f["properties"]["place_id"]: f["properties"]["label_at"] for f in features}
    assert at["test_bridge"] is None
    gazetteer = small_gazetteer()
    for place_id in ("west_district", "green_zone"):
        lat, lon = at[place_id]
        assert gazetteer[place_id].geometry.contains(Point(lon, lat))
    lat, lon = at["tigris"]
    assert gazetteer["tigris"].geometry.distance(Point(lon, lat)) < 1e-6


def test_the_text_follows_the_start_up_script_so_the_map_draws_first(page: ParsedPage) -> None:
    html = page.html
    start = html.rindex("IncidentMap.install(")
    assert html.index('id="im-inc-arrays"') < start
    assert html.index('id="im-evt-arrays"') < start
    assert start < html.index('id="im-inc-c0"') < html.index('id="im-inc-ids"')
    assert html.rstrip().endswith("</html>")


def test_places_layer_has_areas_points_and_uncertainty_circles(page: ParsedPage) -> None:
    with_popups = [
        f for p in page.payloads.values() for f in p["features"] if "popup" in f["properties"]
    ]
    kinds = [(f["properties"]["place_id"], f["geometry"]["type"]) for f in with_popups]
    assert kinds == [
        ("green_zone", "Polygon"),
        ("rel:south:green_zone", "Polygon"),
        ("test_gate", "Point"),
    ]
    circles = [
        f
        for p in page.payloads.values()
        for f in p["features"]
        if "popup" not in f["properties"] and "label" not in f["properties"]
    ]
    assert [c["properties"]["place_id"] for c in circles] == ["test_gate"]
    assert circles[0]["geometry"]["type"] == "Polygon"


def test_place_popup_gives_a_point_its_coordinates() -> None:
    html_popup = place_popup_html(
        {"place_id": "test_gate", "name": "Test Gate", "geometry": Point(GATE[1], GATE[0])}
    )
    assert f"{GATE[0]:.5f}, {GATE[1]:.5f}" in html_popup


def test_opens_on_the_incidents(page: ParsedPage) -> None:
    (south, west), (north, east) = page.fit_bounds
    assert south <= SOUTH_GATE[0] <= north
    assert south <= GATE[0] <= north
    assert west <= GATE[1] <= east
    assert west <= SOUTH_GATE[1] <= east


def test_one_far_incident_among_many_does_not_shrink_the_opening_view() -> None:
    rows = [incident_row(k, position=(GATE[0] + k * 1e-5, GATE[1])) for k in range(60)]
    rows.append(incident_row(99, position=(33.9, 44.9)))
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    (_south, _west), (north, east) = parsed.fit_bounds
    assert north < 33.33
    assert east < 44.41
    assert "inc-0000000099" in parsed.mapped_ids


def test_opens_on_the_green_zone_when_nothing_is_mapped() -> None:
    rows = [incident_row(1, position=None)]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    west, south, east, north = GREEN_ZONE.bounds
    assert parsed.fit_bounds == [[south, west], [north, east]]
    assert parsed.mapped_ids == []


def test_empty_tables_render() -> None:
    empty = make_incidents([])
    places = gpd.GeoDataFrame({"place_id": []}, geometry=[], crs="EPSG:4326")
    parsed = parse_page(render_map(empty, places, gazetteer=small_gazetteer()))
    assert parsed.incidents.ids == []
    assert parsed.config["time"]["clock"] is None


def test_missing_columns_are_reported() -> None:
    frame = make_incidents(standard_rows()).drop(columns=["source", "evidence"])
    with pytest.raises(OutputError, match="source, evidence"):
        render_map(frame, make_places(), gazetteer=small_gazetteer())


def test_other_crs_is_reprojected() -> None:
    incidents = make_incidents(standard_rows()).to_crs(32638)
    parsed = parse_page(render_map(incidents, make_places(), gazetteer=small_gazetteer()))
    assert abs(parsed.incidents.at("inc-0000000001", "lat") - GATE[0]) < 1e-5


def test_the_bundled_gazetteer_is_the_default_context() -> None:
    parsed = parse_page(render_map(make_incidents(standard_rows()), make_places()))
    ids = {f["properties"]["place_id"] for p in parsed.payloads.values() for f in p["features"]}
    assert "green_zone" in ids
    assert "tigris" in ids


def test_build_map_can_be_extended_before_rendering() -> None:
    doc = build_map(make_incidents(standard_rows()), make_places(), gazetteer=small_gazetteer())
    folium.Marker([33.3, 44.4]).add_to(doc.map)
    page = finish_map(doc)
    assert "L.marker" in page


# ---------------------------------------------------------------- hostile text


@pytest.fixture(scope="module")
def hostile_page() -> ParsedPage:
    rows = [
        incident_row(
            1,
            source=f"{HOSTILE_SCRIPT} {HOSTILE_TEMPLATE}",
            evidence=f"{HOSTILE_IMG} {HOSTILE_TEMPLATE}",
            place_name=HOSTILE_SCRIPT,
            url="javascript:alert(1)",
            title=HOSTILE_TEMPLATE,
        )
    ]
    return parse_page(
        render_map(
            make_incidents(rows),
            make_places(),
            gazetteer=small_gazetteer(),
            title=f"{HOSTILE_SCRIPT}{HOSTILE_TEMPLATE}",
        )
    )


def test_hostile_text_never_reaches_the_page_raw(hostile_page: ParsedPage) -> None:
    outside_leaflet = hostile_page.html.replace(leaflet_js(), "")
    assert HOSTILE_SCRIPT not in outside_leaflet
    assert HOSTILE_IMG not in outside_leaflet
    assert "<script>alert" not in outside_leaflet


def test_template_syntax_in_reports_is_not_evaluated(hostile_page: ParsedPage) -> None:
    meta = hostile_page.config["incidents"]
    assert meta["sources"] == [f"{HOSTILE_SCRIPT} {HOSTILE_TEMPLATE}"]
    assert hostile_page.config["title"] == f"{HOSTILE_SCRIPT}{HOSTILE_TEMPLATE}"
    assert hostile_page.incidents.rows[0]["evidence"] == f"{HOSTILE_IMG} {HOSTILE_TEMPLATE}"
    title = re.search(r"<title>(.*?)</title>", hostile_page.html).group(1)
    assert title == html_text(f"{HOSTILE_SCRIPT}{HOSTILE_TEMPLATE}")


def test_place_popups_and_labels_are_escaped() -> None:
    html_popup = place_popup_html({"place_id": "x", "name": HOSTILE_IMG, "source": HOSTILE_SCRIPT})
    assert HOSTILE_IMG not in html_popup
    assert HOSTILE_SCRIPT not in html_popup
    assert html_text(HOSTILE_IMG) in html_popup


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=10,
    )
)
def test_js_literal_round_trips(value: Any) -> None:
    assert json.loads(js_literal(value)) == value


@given(st.text())
def test_js_literal_strings_hide_markup_and_template_characters(value: str) -> None:
    text = js_literal(value)
    assert json.loads(text) == value
    for char in "<>&'{}\u2028\u2029":
        assert char not in text


@given(st.dictionaries(st.text(), st.text() | st.integers(), max_size=5))
def test_json_tag_round_trips_and_cannot_close_its_element(value: dict[str, Any]) -> None:
    tag = json_tag("im-test", value)
    inner = tag.removeprefix('<script type="application/json" id="im-test">').removesuffix(
        "</script>"
    )
    assert "<" not in inner
    assert ">" not in inner
    assert json.loads(inner) == value


def test_data_tag_takes_only_base64() -> None:
    assert (
        data_tag("im-x", "QUJD\nREVG") == '<script type="text/plain" id="im-x">QUJD\nREVG</script>'
    )
    with pytest.raises(ValueError, match="base64"):
        data_tag("im-x", "</script><script>alert(1)</script>")
    with pytest.raises(ValueError, match="element id"):
        data_tag('x"><b', "QUJD")


def test_js_literal_writes_non_finite_numbers_as_null() -> None:
    assert js_literal([float("nan"), float("inf")]) == "[null,null]"


def test_js_literal_rejects_other_objects() -> None:
    with pytest.raises(TypeError):
        js_literal(object())


def test_html_text_escapes_markup_quotes_and_braces() -> None:
    assert html_text("<a href=\"x\" title='y'>{{z}}</a>&") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&#123;&#123;z&#125;&#125;&lt;/a&gt;&amp;"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org", "http://example.org"),
        ("  https://example.org/b  ", "https://example.org/b"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("data:text/html,x", None),
        ("//example.org", None),
        ("https://", None),
        ("https://exa mple.org", None),
        ("java\tscript:x", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected


# ---------------------------------------------------------------- events


def test_no_events_without_an_event_table(page: ParsedPage) -> None:
    assert page.events.ids == []
    assert set(page.incidents.arrays["event"].tolist()) == {-1}


def test_no_events_for_an_empty_event_table() -> None:
    parsed = parse_page(
        render_map(
            make_incidents(standard_rows()),
            make_places(),
            events=make_events([]),
            gazetteer=small_gazetteer(),
        )
    )
    assert parsed.events.ids == []


def test_every_event_is_in_the_columns_and_placeless_ones_are_flagged(
    events_page: ParsedPage,
) -> None:
    events = events_page.events
    assert sorted(events.ids) == [f"evt-{n:012d}" for n in (1, 2, 3)]
    assert events.at("evt-000000000003", "flags") & 1
    assert events_page.config["eventsMapped"] == 2


def test_each_incident_points_at_its_event(events_page: ParsedPage) -> None:
    events, incidents = events_page.events, events_page.incidents
    owner = {
        i: events.ids[e] for i, e in zip(incidents.ids, incidents.arrays["event"], strict=True)
    }
    assert owner["inc-0000000001"] == owner["inc-0000000003"] == "evt-000000000001"
    assert owner["inc-0000000005"] == "evt-000000000002"
    assert owner["inc-0000000006"] == "evt-000000000003"


def test_event_ring_grows_with_independent_sources_and_marks_contradictions(
    events_page: ParsedPage,
) -> None:
    rules = load_styles()["event_marker"]
    events = events_page.events
    assert events.at("evt-000000000001", "radius") == rules["radius_px"] + rules["per_source_px"]
    assert events.at("evt-000000000002", "radius") == rules["radius_px"]
    assert events.at("evt-000000000001", "flags") & 16
    assert not events.at("evt-000000000002", "flags") & 16
    assert events_page.config["styles"]["events"]["contradicted_style"]["dash"] == [7.0, 5.0]


def test_event_text_keeps_claims_side_by_side(events_page: ParsedPage) -> None:
    row = events_page.events.row("evt-000000000001")
    claimants = [c["claimed_by"] for c in row["claims"]]
    assert claimants == ["a militia spokesman", "the interior ministry", None]
    assert [c["killed"] for c in row["claims"]] == [4, 0, 2]
    assert row["sources"] == ["Kurdistan 24", "RT"]
    assert "incident_ids" not in row


def test_event_table_read_back_from_a_file_is_understood() -> None:
    events = make_events(standard_events())
    for column in ("incident_ids", "sources", "event_types", "claims"):
        events[column] = events[column].map(json.dumps)
    incidents = make_incidents(standard_rows()).drop(columns=[])
    parsed = parse_page(
        render_map(incidents, make_places(), events=events, gazetteer=small_gazetteer())
    )
    owner = dict(zip(parsed.incidents.ids, parsed.incidents.arrays["event"], strict=True))
    assert parsed.events.ids[owner["inc-0000000002"]] == "evt-000000000001"


def test_event_table_without_required_columns_is_reported() -> None:
    events = make_events(standard_events()).drop(columns=["incident_ids"])
    with pytest.raises(OutputError, match="incident_ids"):
        render_map(make_incidents(standard_rows()), make_places(), events=events)


def test_events_from_the_grouping_rules_render() -> None:
    incidents = make_incidents(standard_rows())
    events = group_events(incidents, gazetteer=small_gazetteer())
    parsed = parse_page(
        render_map(incidents, make_places(), events=events, gazetteer=small_gazetteer())
    )
    assert len(parsed.events.ids) == len(events)
    assert (parsed.incidents.arrays["event"][np.array(parsed.incidents.ids) != ""] >= 0).all()


# ---------------------------------------------------------------- time


def ms(iso: str) -> int:
    return int(pd.Timestamp(iso).timestamp() * 1000)


@pytest.mark.parametrize(
    ("date", "start", "end", "precision", "expected"),
    [
        (
            "2021-11-05",
            "2021-11-05T15:00:00+03:00",
            "2021-11-05T18:00:00+03:00",
            "part_of_day",
            ("2021-11-05T15:00:00+03:00", "2021-11-05T18:00:00+03:00"),
        ),
        (
            "2021-11-05",
            "2021-11-05T15:00:00+03:00",
            None,
            "hour",
            ("2021-11-05T15:00:00+03:00", "2021-11-05T16:00:00+03:00"),
        ),
        (
            "2021-11-05",
            "2021-11-05T15:00:00",
            None,
            "hour",
            ("2021-11-05T15:00:00+03:00", "2021-11-05T16:00:00+03:00"),
        ),
        (
            "2021-11-05",
            "2021-11-05T15:00:00+03:00",
            "2021-11-05T14:00:00+03:00",
            "hour",
            ("2021-11-05T15:00:00+03:00", "2021-11-05T16:00:00+03:00"),
        ),
        (
            "2021-11-05",
            "2021-11-05T15:00:00+03:00",
            "2021-11-05T18:00:00+03:00",
            "day",
            ("2021-11-05T00:00:00+03:00", "2021-11-06T00:00:00+03:00"),
        ),
        (
            None,
            "2021-11-05T01:00:00+03:00",
            None,
            "day",
            ("2021-11-05T00:00:00+03:00", "2021-11-06T00:00:00+03:00"),
        ),
        (
            "2021-11-05",
            None,
            None,
            "month",
            ("2021-11-05T00:00:00+03:00", "2021-11-06T00:00:00+03:00"),
        ),
        (
            "2021-11-05",
            "2021-11-05T15:00:00Z",
            None,
            "hour",
            ("2021-11-05T15:00:00Z", "2021-11-05T16:00:00Z"),
        ),
        (None, None, None, "unknown", None),
        ("not a date", "not a time", None, "hour", None),
    ],
)
def test_time_window_and_its_column_form_agree(
    date: str | None,
    start: str | None,
    end: str | None,
    precision: str,
    expected: tuple[str, str] | None,
) -> None:
    window = time_window(
        date, start, end, precision, timezone="Asia/Baghdad", open_window_minutes=60
    )
    assert window == (None if expected is None else (ms(expected[0]), ms(expected[1])))
    column = pd.Series([date], dtype=object)
    t0, t1 = window_minutes(
        column,
        pd.Series([start], dtype=object),
        pd.Series([end], dtype=object),
        pd.Series([precision], dtype=object),
        timezone="Asia/Baghdad",
        open_window_minutes=60,
    )
    if expected is None:
        assert np.isnan(t0[0])
        assert np.isnan(t1[0])
    else:
        assert (t0[0], t1[0]) == (ms(expected[0]) // 60000, ms(expected[1]) // 60000)


def test_replay_span_covers_the_clock_times() -> None:
    span = replay_span(
        [
            ((ms("2021-11-05T10:00:00+03:00"), ms("2021-11-05T11:00:00+03:00")), True),
            ((ms("2021-11-05T18:00:00+03:00"), ms("2021-11-05T22:00:00+03:00")), True),
            ((ms("2021-11-05T00:00:00+03:00"), ms("2021-11-06T00:00:00+03:00")), False),
            (None, False),
        ],
        step_minutes=15,
        max_steps=192,
    )
    assert span is not None
    assert span.start == ms("2021-11-05T10:00:00+03:00")
    assert span.step == 15 * 60_000
    assert span.steps == 48


def test_replay_span_coarsens_its_step_to_stay_under_max_steps() -> None:
    span = replay_span([((0, 7 * 24 * 3600_000), True)], step_minutes=15, max_steps=192)
    assert span is not None
    assert span.steps <= 192
    assert span.step % (15 * 60_000) == 0


def test_the_page_gets_both_slider_modes_for_days_of_data() -> None:
    rows = [
        incident_row(
            1,
            time_start="2021-11-05T10:00:00+03:00",
            time_end="2021-11-05T11:00:00+03:00",
            time_precision="hour",
        ),
        incident_row(2, date="2021-11-09", time_start=None, time_end=None, time_precision="day"),
    ]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    time = parsed.config["time"]
    assert time["clock"] == {
        "start": ms("2021-11-05T10:00:00+03:00") // 60000,
        "step": 15,
        "steps": 4,
    }
    assert time["days"] == {
        "start": ms("2021-11-05T00:00:00+03:00") // 60000,
        "step": 1440,
        "steps": 5,
    }
    assert time["defaultMode"] == "day"
    assert time["months"] is None
    assert time["years"] is None


def test_months_and_years_are_local_calendar_periods() -> None:
    start = ms("2008-12-31T23:30:00+03:00") // 60000
    end = ms("2010-02-01T00:00:00+03:00") // 60000  # the end is open: January is the last
    months = calendar_span(start, end, unit="month", timezone="Asia/Baghdad")
    assert months["steps"] == 14  # December 2008 to January 2010
    assert months["start"] == ms("2008-12-01T00:00:00+03:00") // 60000
    assert months["bounds"][1] == ms("2009-01-01T00:00:00+03:00") // 60000
    assert months["bounds"][-1] == ms("2010-02-01T00:00:00+03:00") // 60000
    years = calendar_span(start, end, unit="year", timezone="Asia/Baghdad")
    assert years["bounds"] == [
        ms(f"{y}-01-01T00:00:00+03:00") // 60000 for y in (2008, 2009, 2010, 2011)
    ]
    with pytest.raises(ValueError, match="no calendar unit 'week'"):
        calendar_span(start, end, unit="week", timezone="Asia/Baghdad")


@pytest.mark.parametrize(
    ("days", "modes", "default"),
    [
        (5, {"clock", "days"}, "day"),
        (150, {"clock", "days", "months"}, "day"),
        (400, {"clock", "days", "months"}, "month"),
        (3650, {"clock", "days", "months", "years"}, "month"),
        (7300, {"clock", "days", "months", "years"}, "year"),
    ],
)
def test_a_long_collection_opens_on_the_finest_period_that_fits(
    days: int, modes: set[str], default: str
) -> None:
    first = dt.date(2004, 1, 1)
    rows = [
        incident_row(n, date=str(day), time_start=None, time_end=None, time_precision="day")
        for n, day in enumerate((first, first + dt.timedelta(days=days - 1)), start=1)
    ]
    rows.append(
        incident_row(
            3,
            time_start="2004-01-01T10:00:00+03:00",
            time_end="2004-01-01T11:00:00+03:00",
            time_precision="hour",
        )
    )
    time = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    ).config["time"]
    offered = {k for k in ("clock", "days", "months", "years") if time[k] is not None}
    assert offered == modes
    assert time["defaultMode"] == default


def test_one_day_of_data_replays_by_the_clock(page: ParsedPage) -> None:
    time = page.config["time"]
    assert time["days"] is None
    assert time["defaultMode"] == "clock"
    assert time["clock"]["steps"] == 12  # 15:00 to 18:00 in quarter hours


def test_unknown_times_are_flagged_and_always_known_to_the_page() -> None:
    rows = [incident_row(1, date=None, time_start=None, time_end=None, time_precision="unknown")]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    assert parsed.incidents.arrays["flags"][0] & 8
    assert parsed.config["time"]["clock"] is None


def test_the_searched_text_comes_in_chunks_of_its_own_as_plain_text() -> None:
    rows = [
        incident_row(1, evidence="Stones\x00flew\x01 at the gate.", title=None),
        incident_row(2, evidence="Shots at the gate.", title="Night of the gates"),
    ]
    page = render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    elements = {m.group(2): m.group(3) for m in _DATA.finditer(page)}
    meta = parse_page(page).config["incidents"]
    assert meta["searchColumns"] == [
        "evidence",
        "place_name",
        "title",
        "casualty_text",
        "claimed_by",
    ]
    popup = json.loads(gunzip(elements["im-inc-c0"]))
    assert not set(meta["searchColumns"]) & set(popup)
    assert {"url", "report", "source_type"} <= set(popup)
    # Column after column, each value ended by NUL, a missing one SOH; a value's own NUL
    # and SOH are U+FFFD (the page splits the text at NUL).
    text = gunzip(elements["im-inc-s0"]).decode()
    assert text.split("\x00") == [
        "Stones\ufffdflew\ufffd at the gate.",
        "Shots at the gate.",
        "Test Gate",
        "Test Gate",
        "\x01",
        "Night of the gates",
        *["\x01"] * 4,  # no casualty text, no claimant
        "",
    ]
    # The chunk follows its popup chunk, before the next one's.
    assert page.index('id="im-inc-c0"') < page.index('id="im-inc-s0"')
