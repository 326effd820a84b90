"""The map page: layers, popups, escaping, offline assets, determinism (no browser)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon

from gazetteer.model import Gazetteer, Place
from geo.errors import OutputError
from incidents.events import EVENT_COLUMNS, group_events
from incidents.model import INCIDENT_COLUMNS
from maps import render_map
from maps.assets import html_text, js_literal, leaflet_css, leaflet_js, safe_href
from maps.render import (
    _CONTEXT_LABEL_JS,
    _EVENT_BIND_JS,
    _EVENT_POINT_JS,
    _INCIDENT_BIND_JS,
    _PLACE_BIND_JS,
    _STYLE_FROM_PROPERTIES_JS,
    build_map,
    event_popup_html,
    event_records,
    event_style,
    fan_ranks,
    finish_map,
    format_when,
    incident_popup_html,
    incident_records,
    load_styles,
)
from maps.timeline import TIME_CONTROL_JS, replay_span, time_window

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


# ---------------------------------------------------------------- parsing the page


@dataclass
class ParsedPage:
    html: str
    sources: list[dict[str, Any]]
    payloads: dict[str, dict[str, Any]]
    overlay_names: list[str]
    fit_bounds: list[list[float]] | None
    panel: str
    events_layer: str | None
    time: dict[str, Any]

    def event_features(self) -> list[dict[str, Any]]:
        if self.events_layer is None:
            return []
        return self.payloads.get(self.events_layer, {"features": []})["features"]

    def features(self, source: str) -> list[dict[str, Any]]:
        entry = next(s for s in self.sources if s["source"] == source)
        return self.payloads.get(entry["layer"], {"features": []})["features"]

    def all_incident_features(self) -> list[dict[str, Any]]:
        return [f for s in self.sources for f in self.features(s["source"])]


_SOURCE_ENTRY = re.compile(r'\{source:(".*?"),group:("\w+"),count:(\d+),layer:(\w+)\}')
_ADD_DATA = re.compile(r"^\s*(\w+)\.addData\(JSON\.parse\((\".*\")\)\);$", re.MULTILINE)
_OVERLAYS = re.compile(r"overlays :  \{(.*?)\},\n", re.DOTALL)
_OVERLAY_KEY = re.compile(r'^\s*(".*") : \w+,$', re.MULTILINE)
_FIT = re.compile(r"\.fitBounds\(\s*(\[\[.*?\]\])", re.DOTALL)
_PANEL = re.compile(r"div\.innerHTML = (\".*?\");\n")
_EVENTS = re.compile(r"var events = (?:null|\{count:\d+,layer:(\w+)\});")
_TIME = re.compile(r"IncidentMapTime\.install\(map, groups, (\{.*?\}), keepOnTop\);")


def parse_page(page: str) -> ParsedPage:
    own = page.replace(leaflet_js(), "")
    sources = [
        {
            "source": json.loads(m.group(1)),
            "group": json.loads(m.group(2)),
            "count": int(m.group(3)),
            "layer": m.group(4),
        }
        for m in _SOURCE_ENTRY.finditer(own)
    ]
    payloads = {m.group(1): json.loads(json.loads(m.group(2))) for m in _ADD_DATA.finditer(own)}
    overlays = _OVERLAYS.search(own)
    names = [json.loads(k) for k in _OVERLAY_KEY.findall(overlays.group(1))] if overlays else []
    fit = _FIT.search(own)
    panel = _PANEL.search(own)
    events = _EVENTS.search(own)
    time = _TIME.search(own)
    assert events is not None, "the page hook is missing"
    assert time is not None, "the time control is missing"
    return ParsedPage(
        html=page,
        sources=sources,
        payloads=payloads,
        overlay_names=names,
        fit_bounds=json.loads(fit.group(1)) if fit else None,
        panel=json.loads(panel.group(1)) if panel else "",
        events_layer=events.group(1),
        time=json.loads(time.group(1)),
    )


@pytest.fixture(scope="module")
def page() -> ParsedPage:
    return parse_page(
        render_map(make_incidents(standard_rows()), make_places(), gazetteer=small_gazetteer())
    )


# ---------------------------------------------------------------- determinism, offline


def test_same_input_gives_the_same_document() -> None:
    incidents, places, gazetteer = make_incidents(standard_rows()), make_places(), small_gazetteer()
    first = render_map(incidents, places, gazetteer=gazetteer)
    second = render_map(incidents, places, gazetteer=gazetteer)
    assert first == second
    assert not re.search(r"[0-9a-f]{32}", first), "a random folium element id leaked"


def test_row_order_does_not_change_the_layout(page: ParsedPage) -> None:
    reordered = parse_page(
        render_map(
            make_incidents(list(reversed(standard_rows()))),
            make_places(),
            gazetteer=small_gazetteer(),
        )
    )
    fans = {
        f["properties"]["incident_id"]: f["properties"]["fan"] for f in page.all_incident_features()
    }
    fans_reordered = {
        f["properties"]["incident_id"]: f["properties"]["fan"]
        for f in reordered.all_incident_features()
    }
    assert fans == fans_reordered


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


def test_the_only_web_addresses_are_the_tile_template_and_report_links(page: ParsedPage) -> None:
    outside_leaflet = page.html.replace(leaflet_js(), "").replace(leaflet_css(), "")
    urls = set(re.findall(r"https?://[^\s\"'\\)]+", outside_leaflet))
    assert urls == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://example.org/story"}


# ---------------------------------------------------------------- layers


def test_one_overlay_per_source_grouped_news_then_social(page: ParsedPage) -> None:
    assert [(s["source"], s["group"]) for s in page.sources] == [
        ("Kurdistan 24", "news"),
        ("RT", "news"),
        ("@someone_posting", "social"),
    ]
    assert len(page.overlay_names) == 4
    assert ">Places<" in page.overlay_names[0]
    assert 'data-im-group="places"' in page.overlay_names[0]
    for name, source in zip(page.overlay_names[1:], page.sources, strict=True):
        assert f">{source['source']}<" in name
        assert f'data-im-group="{source["group"]}"' in name


def test_every_mapped_incident_is_drawn_once_and_unmapped_ones_are_not(page: ParsedPage) -> None:
    ids = [f["properties"]["incident_id"] for f in page.all_incident_features()]
    assert sorted(ids) == [f"inc-{n:010d}" for n in range(1, 6)]
    assert {s["source"]: s["count"] for s in page.sources} == {
        "Kurdistan 24": 2,
        "RT": 2,
        "@someone_posting": 1,
    }


def test_markers_keep_the_true_position(page: ParsedPage) -> None:
    for feature in page.all_incident_features():
        lon, lat = feature["geometry"]["coordinates"]
        assert (lat, lon) == (feature["properties"]["lat"], feature["properties"]["lon"])


def test_incidents_at_one_place_get_distinct_fan_ranks_across_sources(page: ParsedPage) -> None:
    at_gate = [
        f["properties"]
        for f in page.all_incident_features()
        if (f["properties"]["lat"], f["properties"]["lon"]) == GATE
    ]
    assert sorted(p["fan"] for p in at_gate) == [0, 1, 2]
    assert {p["source"] for p in at_gate} == {"Kurdistan 24", "RT"}


def test_fan_ranks_follow_the_keys_and_skip_unmapped() -> None:
    a, b = (33.3, 44.4), (33.2, 44.3)
    ranks = fan_ranks([a, None, a, b, a], ["c", "x", "a", "z", "b"])
    assert ranks == [(2, 3), None, (0, 3), (0, 1), (1, 3)]


def test_incident_style_comes_from_the_data_file(page: ParsedPage) -> None:
    colours = {
        f["properties"]["event_type"]: f["properties"]["style"]["fillColor"]
        for f in page.all_incident_features()
    }
    for event_type, colour in colours.items():
        assert colour == load_styles()["event_types"][event_type]["colour"]
    live_fire = next(
        f for f in page.all_incident_features() if f["properties"]["event_type"] == "live_fire"
    )
    assert live_fire["properties"]["style"]["dashArray"], "a zone-level place is drawn dashed"


def test_unknown_event_type_gets_the_fallback_colour() -> None:
    label, colour = event_style("something_new")
    assert (label, colour) == ("something new", load_styles()["unknown_event_type"]["colour"])


def test_context_is_drawn_from_the_gazetteer_without_points(page: ParsedPage) -> None:
    context = [
        p
        for p in page.payloads.values()
        if any(f["properties"].get("label") == "Tigris" for f in p["features"])
    ]
    assert len(context) == 1
    ids = [f["properties"]["place_id"] for f in context[0]["features"]]
    assert ids == ["west_district", "green_zone", "tigris", "test_bridge"]
    labels = {f["properties"]["place_id"]: f["properties"]["label"] for f in context[0]["features"]}
    assert labels["west_district"] == "West &lt;img src=x onerror=alert(1)&gt;"
    assert labels["test_bridge"] is None


def test_places_layer_has_areas_points_and_uncertainty_circles(page: ParsedPage) -> None:
    place_payloads = [
        p
        for p in page.payloads.values()
        if any(f["properties"].get("place_id") == "rel:south:green_zone" for f in p["features"])
    ]
    assert len(place_payloads) == 1
    features = place_payloads[0]["features"]
    assert [f["properties"]["place_id"] for f in features] == [
        "green_zone",
        "rel:south:green_zone",
        "test_gate",
    ]
    derived = features[1]["properties"]
    assert derived["style"] == load_styles()["places"]["derived"]
    assert "derived area" in derived["popup"]
    circles = [
        p
        for p in page.payloads.values()
        if p["features"]
        and p["features"][0]["properties"].get("style") == load_styles()["places"]["uncertainty"]
    ]
    assert len(circles) == 1
    (circle,) = circles[0]["features"]
    assert circle["properties"]["place_id"] == "test_gate"
    ring = Polygon(circle["geometry"]["coordinates"][0])
    # 300 m around the gate: about 0.0027 degrees of latitude either side.
    assert ring.bounds[3] - ring.bounds[1] == pytest.approx(2 * 300 / 110_900, rel=0.02)


def test_opens_on_the_incidents(page: ParsedPage) -> None:
    (south, west), (north, east) = page.fit_bounds
    assert (south, north) == (SOUTH_GATE[0], GATE[0])
    assert (west, east) == (SOUTH_GATE[1], GATE[1])


def test_opens_on_the_green_zone_when_nothing_is_mapped() -> None:
    rows = [incident_row(1, position=None, place_id=None, place_name=None)]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    west, south, east, north = GREEN_ZONE.bounds
    assert parsed.fit_bounds == [[south, west], [north, east]]
    assert "not mapped: 1" in parsed.panel
    assert parsed.all_incident_features() == []


def test_empty_tables_render() -> None:
    empty_places = make_places().iloc[0:0]
    parsed = parse_page(render_map(make_incidents([]), empty_places, gazetteer=small_gazetteer()))
    assert parsed.sources == []
    assert "not mapped: 0" in parsed.panel
    assert "0 incidents mapped" in parsed.panel


def test_missing_columns_are_reported() -> None:
    incidents = make_incidents(standard_rows()).drop(columns=["evidence", "via"])
    with pytest.raises(OutputError, match="via, evidence"):
        render_map(incidents, make_places(), gazetteer=small_gazetteer())


def test_other_crs_is_reprojected() -> None:
    incidents = make_incidents(standard_rows()).to_crs(32638)
    parsed = parse_page(
        render_map(incidents, make_places().to_crs(32638), gazetteer=small_gazetteer())
    )
    lats = sorted({f["properties"]["lat"] for f in parsed.all_incident_features()})
    assert lats == pytest.approx([SOUTH_GATE[0], GATE[0]], abs=1e-6)


# ---------------------------------------------------------------- legend, popups


def test_legend_counts_types_and_lists_unmapped(page: ParsedPage) -> None:
    assert "5 incidents mapped" in page.panel
    assert "not mapped: 1" in page.panel
    assert "Crowds pushed against the barrier at the gate (case 6)." in page.panel
    for event_type in ("clash", "tear_gas", "water_cannon", "live_fire", "stone_throwing"):
        assert load_styles()["event_types"][event_type]["label"] in page.panel
    assert "Arson" not in page.panel.split("not mapped")[0], "unmapped types are not in the key"


def test_popup_has_what_an_analyst_needs(page: ParsedPage) -> None:
    props = next(
        f["properties"]
        for f in page.all_incident_features()
        if f["properties"]["incident_id"] == "inc-0000000001"
    )
    popup = props["popup"]
    for expected in (
        "Clash",
        "2021-11-05 15:00–18:00 (UTC+03:00)",
        "part of day",
        "Test Gate",
        "precision: estimated",
        "±300 m",
        "resolved by: gazetteer alias",
        "from the sentence",
        "33.32340, 44.40310",
        "shared by 3 incidents",
        "Kurdistan 24",
        "protesters",
        "Crowds pushed against the barrier at the gate (case 1).",
        '<a href="https://example.org/story" target="_blank" rel="noopener noreferrer">k24.txt</a>',
        "inc-0000000001",
    ):
        assert expected in popup, expected


def test_popup_shows_the_casualty_claim_with_claimant_and_status() -> None:
    record = incident_row(
        1,
        event_type="casualties",
        killed=1,
        injured=125,
        casualty_text="one dead and 125 hurt",
        claimed_by="the health ministry",
        claim_status="official",
    ) | {"position": GATE}
    popup = incident_popup_html(record)
    for expected in (
        "killed: 1",
        "injured: 125",
        "one dead and 125 hurt",
        "the health ministry",
        "official",
    ):
        assert expected in popup


def test_popup_of_a_social_post_names_the_account_and_outlet(page: ParsedPage) -> None:
    (feature,) = page.features("@someone_posting")
    popup = feature["properties"]["popup"]
    assert "@someone_posting" in popup
    assert "via <bdi>Kurdistan 24</bdi>" in popup
    assert "social-media post" in popup
    assert '<blockquote dir="auto"' in popup
    assert ARABIC in popup


@pytest.mark.parametrize(
    ("time_start", "time_end", "precision", "expected"),
    [
        (
            "2021-11-05T15:00:00+03:00",
            "2021-11-05T18:00:00+03:00",
            "part_of_day",
            "2021-11-05 15:00–18:00 (UTC+03:00)",
        ),
        (
            "2021-11-05T23:00:00+03:00",
            "2021-11-06T01:00:00+03:00",
            "hour",
            "2021-11-05 23:00–2021-11-06 01:00 (UTC+03:00)",
        ),
        ("2021-11-05T16:00:00+03:00", None, "hour", "2021-11-05 16:00 (UTC+03:00)"),
        ("2021-11-05T00:00:00+03:00", "2021-11-06T00:00:00+03:00", "day", "2021-11-05"),
        (None, None, "unknown", "2021-11-05"),
        ("not a time", None, "hour", "2021-11-05"),
    ],
)
def test_format_when(
    time_start: str | None, time_end: str | None, precision: str, expected: str
) -> None:
    assert format_when("2021-11-05", time_start, time_end, precision) == expected


def test_format_when_without_any_date() -> None:
    assert format_when(None, None, None, "unknown") == "date unknown"


def test_format_when_month_precision_shows_the_month() -> None:
    assert format_when(None, "2021-10-10T00:00:00+03:00", None, "month") == "2021-10"
    assert format_when("2021-10-10", None, None, "month") == "2021-10"


def test_actors_given_as_one_string_are_not_split_into_letters() -> None:
    rows = [incident_row(1, actors="Riot police")]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    (feature,) = parsed.all_incident_features()
    assert "<th>Actors</th><td><bdi>Riot police</bdi></td>" in feature["properties"]["popup"]


def test_place_popup_gives_a_point_its_coordinates(page: ParsedPage) -> None:
    gate = next(
        f["properties"]
        for p in page.payloads.values()
        for f in p["features"]
        if f["properties"].get("place_id") == "test_gate" and "popup" in f["properties"]
    )
    assert f"{GATE[0]:.5f}, {GATE[1]:.5f}" in gate["popup"]
    assert "mentions" in gate["popup"].lower()


def test_the_bundled_gazetteer_is_the_default_context(gazetteer: Gazetteer) -> None:
    parsed = parse_page(render_map(make_incidents(standard_rows()), make_places()))
    context_ids = {
        f["properties"]["place_id"]
        for p in parsed.payloads.values()
        for f in p["features"]
        if "label" in f["properties"]
    }
    drawn_kinds = {gazetteer[i].kind for i in context_ids}
    assert {"zone", "river", "bridge", "district"} <= drawn_kinds
    assert context_ids <= set(gazetteer)


# ---------------------------------------------------------------- hostile reports


HOSTILE_VALUES = [
    HOSTILE_SCRIPT,
    HOSTILE_IMG,
    HOSTILE_TEMPLATE,
    "javascript:alert(1)",
    "\"quoted\" 'single'",
    "&amp;",
    ARABIC,
]


@pytest.fixture(scope="module")
def hostile_page() -> ParsedPage:
    hostile = " ".join(HOSTILE_VALUES)
    rows = [
        incident_row(
            1,
            source=f"{HOSTILE_IMG} outlet {HOSTILE_TEMPLATE}",
            evidence=hostile,
            place_name=HOSTILE_SCRIPT,
            url="javascript:alert(1)",
            actors=[HOSTILE_IMG],
            via=HOSTILE_TEMPLATE,
            casualty_text=HOSTILE_SCRIPT,
            claimed_by=HOSTILE_IMG,
            claim_status="claimed",
            report=f"reports/{HOSTILE_IMG}.txt",
        ),
        incident_row(2, position=None, evidence=hostile, source="@" + HOSTILE_TEMPLATE),
    ]
    places = make_places(
        [
            {
                "place_id": "hostile",
                "name": HOSTILE_SCRIPT,
                "name_ar": HOSTILE_IMG,
                "kind": "gate",
                "precision": "estimated",
                "uncertainty_m": 100.0,
                "coordinate_basis": "estimate",
                "source": HOSTILE_TEMPLATE,
                "mention_count": 1,
                "derived": False,
                "description": hostile,
                "geometry": Point(44.39, 33.31),
            }
        ]
    )
    return parse_page(
        render_map(make_incidents(rows), places, gazetteer=small_gazetteer(), title=HOSTILE_SCRIPT)
    )


def test_hostile_text_never_reaches_the_page_raw(hostile_page: ParsedPage) -> None:
    for raw in (HOSTILE_SCRIPT, HOSTILE_IMG, "{{ 7*7 }}", "{% raw %}", "onerror=alert(1)>"):
        assert raw not in hostile_page.html


def test_template_syntax_in_reports_is_not_evaluated(hostile_page: ParsedPage) -> None:
    (feature,) = hostile_page.all_incident_features()
    popup = feature["properties"]["popup"]
    assert "&#123;&#123; 7*7 &#125;&#125; &#123;% raw %&#125; &#123;# note" in popup
    assert html.unescape(popup).count("{{ 7*7 }}") == 3  # source, via and evidence
    assert "49" not in html.unescape(popup)


def test_popup_escapes_every_report_value(hostile_page: ParsedPage) -> None:
    (feature,) = hostile_page.all_incident_features()
    popup = feature["properties"]["popup"]
    assert "<script" not in popup
    assert "<img" not in popup
    assert "javascript:" not in re.findall(r'href="([^"]*)"', popup)
    assert 'href="' not in popup, "a javascript: url must not become a link"
    text = html.unescape(re.sub(r"<[^>]+>", "", popup))
    for value in HOSTILE_VALUES:
        assert value in text, value
    assert html.unescape(feature["properties"]["tooltip"]).count(HOSTILE_IMG) == 1


def test_layer_names_are_escaped(hostile_page: ParsedPage) -> None:
    names = " ".join(hostile_page.overlay_names)
    assert "<img" not in names
    assert "&lt;img src=x onerror=alert(1)&gt; outlet &#123;&#123; 7*7 &#125;&#125;" in names


def test_place_popups_and_legend_are_escaped(hostile_page: ParsedPage) -> None:
    place_popups = [
        f["properties"]["popup"]
        for p in hostile_page.payloads.values()
        for f in p["features"]
        if f["properties"].get("place_id") == "hostile" and "popup" in f["properties"]
    ]
    assert len(place_popups) == 1
    assert "<script" not in place_popups[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in place_popups[0]
    assert "<script" not in hostile_page.panel
    assert "<img" not in hostile_page.panel
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in hostile_page.html


def test_script_snippets_are_inert_for_jinja() -> None:
    for code in (
        _STYLE_FROM_PROPERTIES_JS,
        _INCIDENT_BIND_JS,
        _PLACE_BIND_JS,
        _CONTEXT_LABEL_JS,
        _EVENT_BIND_JS,
        _EVENT_POINT_JS,
    ):
        assert not re.search(r"\{[{%#]", code.js_code)


# ---------------------------------------------------------------- embedding helpers


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_js_literal_round_trips_and_hides_markup(value: Any) -> None:
    literal = js_literal(value)
    assert json.loads(literal) == value
    assert not set(literal) & set("<>&'\u2028\u2029")
    assert not re.search(r"\{[{%#]", literal)


def test_js_literal_writes_non_finite_numbers_as_null() -> None:
    assert js_literal([float("nan"), float("inf"), 1.5]) == "[null,null,1.5]"


def test_js_literal_rejects_other_objects() -> None:
    with pytest.raises(TypeError, match="set"):
        js_literal({1, 2})


def test_html_text_escapes_markup_quotes_and_braces() -> None:
    assert html_text("<a href='x'>{{ y }}</a> & \"z\"") == (
        "&lt;a href=&#x27;x&#x27;&gt;&#123;&#123; y &#125;&#125;&lt;/a&gt; &amp; &quot;z&quot;"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("  https://example.org/x  ", "https://example.org/x"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//example.org/protocol-relative", None),
        ("reports/local.txt", None),
        ("https://", None),
        ("https://exa mple.org", None),
        ("https://example.org/\nx", None),
        (None, None),
    ],
)
def test_safe_href(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_build_map_can_be_extended_before_rendering() -> None:
    doc = build_map(make_incidents(standard_rows()), make_places(), gazetteer=small_gazetteer())
    doc.panel_sections.append("<p>extra section</p>")
    parsed = parse_page(finish_map(doc))
    assert parsed.panel.endswith("<p>extra section</p>")


# ---------------------------------------------------------------- events layer


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


def event_feature(parsed: ParsedPage, number: int) -> dict[str, Any]:
    return next(
        f["properties"]
        for f in parsed.event_features()
        if f["properties"]["event_id"] == f"evt-{number:012d}"
    )


def incident_properties(parsed: ParsedPage, number: int) -> dict[str, Any]:
    return next(
        f["properties"]
        for f in parsed.all_incident_features()
        if f["properties"]["incident_id"] == f"inc-{number:010d}"
    )


def test_no_events_layer_without_events(page: ParsedPage) -> None:
    assert page.events_layer is None
    assert not any('data-im-group="events"' in name for name in page.overlay_names)
    assert "Events" not in page.panel
    assert all(f["properties"]["event_id"] is None for f in page.all_incident_features())


def test_no_events_layer_for_an_empty_event_table() -> None:
    empty = make_events([event_row(1, ["inc-0000000001"])]).iloc[0:0]
    parsed = parse_page(
        render_map(
            make_incidents(standard_rows()),
            make_places(),
            events=empty,
            gazetteer=small_gazetteer(),
        )
    )
    assert parsed.events_layer is None


def test_events_overlay_is_listed_last_in_its_own_group(events_page: ParsedPage) -> None:
    assert len(events_page.overlay_names) == 5
    last = events_page.overlay_names[-1]
    assert 'data-im-group="events"' in last
    assert 'data-im-title="Events"' in last
    assert ">Events<" in last
    assert '<span class="im-count">2</span>' in last, "two of the three events have a place"


def test_one_ring_per_event_with_a_place(events_page: ParsedPage) -> None:
    features = events_page.event_features()
    assert [f["properties"]["event_id"] for f in features] == [
        "evt-000000000001",
        "evt-000000000002",
    ]
    gate, south = (f["geometry"]["coordinates"] for f in features)
    assert (gate[1], gate[0]) == GATE
    assert (south[1], south[0]) == SOUTH_GATE
    assert "events not mapped: 1" in events_page.panel
    assert "Events" in events_page.panel


def test_event_ring_grows_with_independent_sources_and_marks_contradictions(
    events_page: ParsedPage,
) -> None:
    rules = load_styles()["event_marker"]
    contradicted, plain = event_feature(events_page, 1), event_feature(events_page, 2)
    assert contradicted["contradicted"] is True
    assert contradicted["style"] == {
        **rules["contradicted_style"],
        "radius": rules["radius_px"] + rules["per_source_px"],
    }
    assert contradicted["style"]["dashArray"], "a contradicted event is drawn dashed"
    assert plain["style"] == {**rules["style"], "radius": rules["radius_px"]}
    assert plain["style"]["color"] != contradicted["style"]["color"]
    crowded = make_events([event_row(1, ["inc-0000000001"], n_independent_sources=40)])
    (record,) = event_records(crowded)
    parsed = parse_page(
        render_map(
            make_incidents(standard_rows()),
            make_places(),
            events=crowded,
            gazetteer=small_gazetteer(),
        )
    )
    assert event_feature(parsed, 1)["style"]["radius"] == rules["max_radius_px"]
    assert record["position"] == GATE


def test_event_popup_gives_every_sources_account(events_page: ParsedPage) -> None:
    popup = event_feature(events_page, 2)["popup"]
    text = html.unescape(re.sub(r"<[^>]+>", " ", popup))
    for expected in (
        "Crowds pushed against the barrier at the gate (case 4).",
        ARABIC,
        "@someone_posting",
        "via",
        "Kurdistan 24",
        "RT",
        "Live fire",
        "Stone throwing",
        "2021-11-05 15:00–18:00 (UTC+03:00)",
        "2 sources (1 independent)",
        "South Gate",
        "evt-000000000002",
    ):
        assert expected in text, expected
    assert "Casualty claims" not in text
    assert "claims contradict" not in text
    # Sources are listed in the event's order, each with its sentences under it.
    assert text.index("RT") < text.index("@someone_posting")


def test_event_popup_puts_claims_side_by_side_never_averaged(events_page: ParsedPage) -> None:
    popup = event_feature(events_page, 1)["popup"]
    assert "claims contradict" in popup
    claims_table = popup.split('<table class="im-claims">')[1].split("</table>")[0]
    rows = [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", claims_table)
        if "<td" in row
    ]
    assert rows == [
        ["a militia spokesman", "4", "–", "claimed", "Kurdistan 24"],
        ["the interior ministry", "0", "–", "denied", "RT"],
        ["RT (own figure)", "2", "30", "unconfirmed", "RT"],
    ]
    for wording in ("four died", "nobody died", "two dead, 30 hurt"):
        assert f"“<bdi>{wording}</bdi>”" in claims_table
    for number in (1, 2, 3):
        assert f"(case {number})." in popup


def test_event_popup_notes_members_missing_from_the_table() -> None:
    (record,) = event_records(make_events([event_row(1, ["inc-0000000001", "inc-missing"])]))
    members = [r for r in incident_records(make_incidents(standard_rows())) if r["incident_id"]
               == "inc-0000000001"]  # fmt: skip
    popup = event_popup_html(record, members)
    assert "1 member incident(s) not in the incident table" in popup
    assert "(case 1)." in popup


def test_incident_popup_names_its_event(events_page: ParsedPage) -> None:
    props = incident_properties(events_page, 2)
    assert props["event_id"] == "evt-000000000001"
    assert "<th>Event</th><td><bdi>Clash at the test gate (event 1)</bdi>" in props["popup"]
    assert 'data-im-event="evt-000000000001"' in props["popup"]
    assert "every account (3)" in props["popup"]


def test_incident_popup_shows_a_bare_event_id_without_the_event_table() -> None:
    incidents = make_incidents(standard_rows())
    incidents["event_id"] = "evt-known-only-by-id"
    parsed = parse_page(render_map(incidents, make_places(), gazetteer=small_gazetteer()))
    props = incident_properties(parsed, 1)
    assert props["event_id"] == "evt-known-only-by-id"
    assert "evt-known-only-by-id" in props["popup"]
    assert "data-im-event" not in props["popup"], "no event ring to open"


def test_event_table_read_back_from_a_file_is_understood() -> None:
    # As a GeoPackage or CSV gives it back: lists as JSON text, the flag as an integer.
    row = event_row(
        1,
        ["ignored"],
        sources=json.dumps(["Kurdistan 24"]),
        claims=json.dumps([claim("Kurdistan 24", None, "claimed", killed=1)]),
        contradicted=0,
    )
    row["incident_ids"] = json.dumps(["inc-0000000001"])
    frame = pd.DataFrame([row], columns=list(EVENT_COLUMNS))  # no geometry: lat/lon are used
    (record,) = event_records(frame)
    assert record["incident_ids"] == ["inc-0000000001"]
    assert record["sources"] == ["Kurdistan 24"]
    assert record["claims"][0]["killed"] == 1
    assert record["contradicted"] is False
    assert record["position"] == GATE


def test_event_table_without_required_columns_is_reported() -> None:
    events = make_events(standard_events()).drop(columns=["incident_ids"])
    with pytest.raises(OutputError, match="incident_ids"):
        render_map(
            make_incidents(standard_rows()),
            make_places(),
            events=events,
            gazetteer=small_gazetteer(),
        )


def test_events_from_the_grouping_rules_render() -> None:
    incidents = make_incidents(standard_rows())
    events = group_events(incidents, gazetteer=small_gazetteer())
    parsed = parse_page(
        render_map(incidents, make_places(), events=events, gazetteer=small_gazetteer())
    )
    located = int(events["lat"].notna().sum())
    assert located >= 1
    assert len(parsed.event_features()) == located
    popups = " ".join(f["properties"]["popup"] for f in parsed.event_features())
    # Every mapped incident's sentence is behind some ring (the fifth is the Arabic one).
    for number in range(1, 5):
        assert f"(case {number})." in popups
    assert ARABIC in popups


def test_page_with_events_is_deterministic_and_independent_of_row_order() -> None:
    incidents, places, gazetteer = make_incidents(standard_rows()), make_places(), small_gazetteer()
    events = make_events(standard_events())
    first = render_map(incidents, places, events=events, gazetteer=gazetteer)
    assert first == render_map(incidents, places, events=events, gazetteer=gazetteer)
    assert not re.search(r"[0-9a-f]{32}", first), "a random folium element id leaked"
    shuffled = make_events(list(reversed(standard_events())))
    reordered = parse_page(render_map(incidents, places, events=shuffled, gazetteer=gazetteer))
    original = parse_page(first)
    assert {
        f["properties"]["event_id"]: (f["properties"]["fan"], f["properties"]["popup"])
        for f in original.event_features()
    } == {
        f["properties"]["event_id"]: (f["properties"]["fan"], f["properties"]["popup"])
        for f in reordered.event_features()
    }


def test_events_at_one_place_are_fanned_apart() -> None:
    events = make_events([event_row(2, ["inc-0000000001"]), event_row(1, ["inc-0000000002"])])
    parsed = parse_page(
        render_map(
            make_incidents(standard_rows()),
            make_places(),
            events=events,
            gazetteer=small_gazetteer(),
        )
    )
    assert {
        f["properties"]["event_id"]: f["properties"]["fan"] for f in parsed.event_features()
    } == {
        "evt-000000000001": 0,
        "evt-000000000002": 1,
    }


# ---------------------------------------------------------------- hostile events


@pytest.fixture(scope="module")
def hostile_events_page() -> ParsedPage:
    hostile = " ".join(HOSTILE_VALUES)
    rows = [
        incident_row(
            1,
            source=f"{HOSTILE_IMG} outlet",
            via=HOSTILE_TEMPLATE,
            evidence=hostile,
            place_name=HOSTILE_SCRIPT,
            url="javascript:alert(1)",
            report=f"reports/{HOSTILE_IMG}.txt",
        ),
        incident_row(2, source="@" + HOSTILE_TEMPLATE, source_type="social", evidence=hostile),
    ]
    events = [
        event_row(
            1,
            ["inc-0000000001", "inc-0000000002"],
            event_types=["clash", HOSTILE_SCRIPT],
            place_name=HOSTILE_SCRIPT,
            place_id=HOSTILE_IMG,
            geo_precision=HOSTILE_TEMPLATE,
            sources=[f"{HOSTILE_IMG} outlet", "@" + HOSTILE_TEMPLATE],
            claims=[
                claim(f"{HOSTILE_IMG} outlet", HOSTILE_SCRIPT, "claimed", killed=3, text=hostile),
                claim("@" + HOSTILE_TEMPLATE, HOSTILE_IMG, HOSTILE_TEMPLATE, injured=5),
            ],
            contradicted=True,
            summary=hostile,
        )
    ]
    return parse_page(
        render_map(
            make_incidents(rows),
            make_places(),
            events=make_events(events),
            gazetteer=small_gazetteer(),
        )
    )


def test_hostile_event_text_never_reaches_the_page_raw(hostile_events_page: ParsedPage) -> None:
    for raw in (HOSTILE_SCRIPT, HOSTILE_IMG, "{{ 7*7 }}", "{% raw %}", "onerror=alert(1)>"):
        assert raw not in hostile_events_page.html


def test_event_popup_escapes_evidence_sources_and_claimants(
    hostile_events_page: ParsedPage,
) -> None:
    (feature,) = hostile_events_page.event_features()
    popup = feature["properties"]["popup"]
    assert "<script" not in popup
    assert "<img" not in popup
    assert re.findall(r'href="([^"]*)"', popup) == ["https://example.org/story"], (
        "a javascript: url must not become a link"
    )
    assert "49" not in html.unescape(popup), "template syntax must not be evaluated"
    text = html.unescape(re.sub(r"<[^>]+>", "", popup))
    for value in HOSTILE_VALUES:
        assert value in text, value
    assert text.count(HOSTILE_SCRIPT) >= 3  # evidence, claimant, place name
    assert f"{HOSTILE_IMG} outlet" in text
    assert "@" + HOSTILE_TEMPLATE in text
    tooltip = html.unescape(feature["properties"]["tooltip"])
    assert HOSTILE_SCRIPT in tooltip
    assert "<script" not in feature["properties"]["tooltip"]


def test_incident_popup_escapes_its_event_summary(hostile_events_page: ParsedPage) -> None:
    props = incident_properties(hostile_events_page, 1)
    event_line = props["popup"].split("<th>Event</th>")[1]
    assert "<script" not in event_line
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in event_line


# ---------------------------------------------------------------- time control


TIME = {"utc_offset_minutes": 180, "open_window_minutes": 60}


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
            "2021-11-05T16:00:00+03:00",
            None,
            "hour",
            ("2021-11-05T16:00:00+03:00", "2021-11-05T17:00:00+03:00"),
        ),
        (  # a naive time is Baghdad time
            None,
            "2021-11-05T16:00:00",
            "2021-11-05T16:30:00",
            "hour",
            ("2021-11-05T16:00:00+03:00", "2021-11-05T16:30:00+03:00"),
        ),
        (  # day precision is the whole local day, whatever the times say
            "2021-11-05",
            "2021-11-05T15:00:00+03:00",
            "2021-11-05T16:00:00+03:00",
            "day",
            ("2021-11-05T00:00:00+03:00", "2021-11-06T00:00:00+03:00"),
        ),
        (
            None,
            "2021-11-05T00:00:00+03:00",
            "2021-11-06T00:00:00+03:00",
            "day",
            ("2021-11-05T00:00:00+03:00", "2021-11-06T00:00:00+03:00"),
        ),
        (
            "2021-11-06",
            None,
            None,
            "unknown",
            ("2021-11-06T00:00:00+03:00", "2021-11-07T00:00:00+03:00"),
        ),
        (None, None, None, "unknown", None),
        (None, "not a time", None, "hour", None),
    ],
)
def test_time_window(
    date: str | None,
    start: str | None,
    end: str | None,
    precision: str,
    expected: tuple[str, str] | None,
) -> None:
    window = time_window(date, start, end, precision, **TIME)
    assert window == (None if expected is None else (ms(expected[0]), ms(expected[1])))


def test_replay_span_covers_the_clock_times() -> None:
    day = (ms("2021-11-05T00:00:00+03:00"), ms("2021-11-06T00:00:00+03:00"))
    morning = (ms("2021-11-05T10:00:00+03:00"), ms("2021-11-05T11:00:00+03:00"))
    evening = (ms("2021-11-05T18:00:00+03:00"), ms("2021-11-05T22:10:00+03:00"))
    span = replay_span(
        [(day, False), (morning, True), (None, False), (evening, True)],
        step_minutes=15,
        max_steps=200,
    )
    assert span is not None
    assert (span.start, span.end, span.step) == (morning[0], evening[1], 15 * 60_000)
    assert span.steps == 49  # 12 h 10 min in quarter hours, rounded up
    only_days = replay_span([(day, False)], step_minutes=15, max_steps=200)
    assert only_days is not None
    assert (only_days.start, only_days.end) == day
    assert replay_span([(None, False)], step_minutes=15, max_steps=200) is None


def test_replay_span_coarsens_its_step_to_stay_under_max_steps() -> None:
    week = (ms("2021-11-01T00:00:00+03:00"), ms("2021-11-08T00:00:00+03:00"))
    span = replay_span([(week, True)], step_minutes=15, max_steps=100)
    assert span is not None
    assert span.step % (15 * 60_000) == 0
    assert span.steps <= 100
    assert span.start + span.steps * span.step >= span.end


def test_markers_carry_their_time_windows(events_page: ParsedPage) -> None:
    props = incident_properties(events_page, 1)
    assert (props["t0"], props["t1"]) == (
        ms("2021-11-05T15:00:00+03:00"),
        ms("2021-11-05T18:00:00+03:00"),
    )
    gate = event_feature(events_page, 1)
    assert (gate["t0"], gate["t1"]) == (props["t0"], props["t1"])
    assert events_page.time == {
        "span": {
            "start": ms("2021-11-05T15:00:00+03:00"),
            "end": ms("2021-11-05T18:00:00+03:00"),
            "step": 15 * 60_000,
            "steps": 12,
        },
        "offsetMinutes": 180,
        "zoneLabel": "Baghdad",
        "playIntervalMs": load_styles()["time"]["play_interval_ms"],
    }
    assert "var IncidentMapTime" in events_page.html


def test_unknown_times_have_no_window_and_no_span_without_times() -> None:
    rows = [incident_row(1, date=None, time_start=None, time_end=None, time_precision="unknown")]
    parsed = parse_page(
        render_map(make_incidents(rows), make_places(), gazetteer=small_gazetteer())
    )
    (feature,) = parsed.all_incident_features()
    assert (feature["properties"]["t0"], feature["properties"]["t1"]) == (None, None)
    assert parsed.time["span"] is None


def test_time_script_is_fixed_text() -> None:
    assert "TimestampedGeoJson" not in TIME_CONTROL_JS
    assert not re.search(r"https?://", TIME_CONTROL_JS)
    assert "innerHTML" not in TIME_CONTROL_JS, "the control writes text, never markup"
