"""map.html in headless Chromium, offline: layers, markers, popups, events, the time
control, hostile reports.

Needs Debian's Chromium at /usr/bin/chromium; without it these tests fail
(they never skip), saying how to install it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import PageSession, launch_browser, open_page, screenshot
from playwright.sync_api import Browser, Locator
from test_map_render import (
    GATE,
    SOUTH_GATE,
    claim,
    event_row,
    incident_row,
    make_events,
    make_incidents,
    make_places,
    small_gazetteer,
)

from maps import render_map
from maps.render import load_styles

pytestmark = pytest.mark.browser

PWN_IMG = '<img src=x onerror="window.__pwned=1">'
PWN_SCRIPT = "<script>window.__pwned=1</script>"
PWN_SOURCE = '<img src=x onerror="window.__pwned=2"></script><script>window.__pwned=6</script>@x'
HOSTILE_EVIDENCE = f"{PWN_IMG}{PWN_SCRIPT} {{{{ 7*7 }}}} and the gate burned"
FAR_GATE = (33.3105, 44.3850)

ROWS = [
    # Four incidents at one gate, from two outlets: a fan.
    incident_row(1, event_type="clash", evidence="Stones flew over the barrier at the gate."),
    incident_row(
        2, event_type="tear_gas", evidence="Canisters landed among the crowd at the gate."
    ),
    incident_row(
        3, event_type="water_cannon", source="RT", evidence="A hose truck pushed them back."
    ),
    incident_row(
        4, event_type="live_fire", source="RT", evidence="Shots were heard near the gate."
    ),
    incident_row(5, event_type="sit_in", source="RT", position=SOUTH_GATE, geo_precision="zone"),
    incident_row(
        6,
        event_type="stone_throwing",
        source="@someone_posting",
        source_type="social",
        via="Kurdistan 24",
        position=SOUTH_GATE,
        evidence="حجارة تتطاير قرب الجسر",
    ),
    incident_row(
        7,
        event_type="arson",
        source=PWN_SOURCE,
        source_type="social",
        position=FAR_GATE,
        evidence=HOSTILE_EVIDENCE,
        place_name='<svg onload="window.__pwned=3">',
        url="javascript:window.__pwned=4",
        claimed_by=PWN_IMG,
        casualty_text=PWN_SCRIPT,
    ),
    incident_row(8, position=None, place_id=None, place_name=None, evidence=PWN_IMG),
]
# News outlets first, then accounts, each alphabetical ("<" sorts before "@").
SOURCES = ["Kurdistan 24", "RT", PWN_SOURCE, "@someone_posting"]
MAPPED = 7

GATE_EVENT, SOUTH_EVENT, FAR_EVENT, LOST_EVENT = (f"evt-{n:012d}" for n in (1, 2, 3, 4))
EVENTS = [
    event_row(
        1,
        [f"inc-{n:010d}" for n in (1, 2, 3, 4)],
        event_types=["clash", "tear_gas", "water_cannon", "live_fire"],
        n_sources=2,
        n_independent_sources=2,
        sources=["Kurdistan 24", "RT"],
        claims=[
            claim("Kurdistan 24", "a faction's spokesman", "claimed", killed=3, text="three dead"),
            claim("RT", "the ministry", "denied", killed=0, text="no one died"),
        ],
        contradicted=True,
    ),
    event_row(
        2,
        ["inc-0000000005", "inc-0000000006"],
        position=SOUTH_GATE,
        n_sources=2,
        sources=["RT", "@someone_posting"],
    ),
    event_row(3, ["inc-0000000007"], position=FAR_GATE, summary=HOSTILE_EVIDENCE),
    event_row(4, ["inc-0000000008"], position=None, place_id=None, place_name=None),
]


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = render_map(
        make_incidents(ROWS),
        make_places(),
        events=make_events(EVENTS),
        gazetteer=small_gazetteer(),
        title="</title><script>window.__pwned=5</script>",
    )
    path = tmp_path_factory.mktemp("map") / "map.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_browser() as chromium:
        yield chromium


@pytest.fixture
def session(browser: Browser, map_file: Path) -> Iterator[PageSession]:
    with open_page(browser, map_file) as opened:
        yield opened


DRAWN_MARKERS_JS = """
() => {
  const found = [];
  window.__incidentMap.map.eachLayer(layer => {
    if (layer.feature && layer.feature.properties.incident_id) {
      found.push(layer.feature.properties.incident_id);
    }
  });
  return found.sort();
}
"""

DRAWN_EVENTS_JS = """
() => {
  const found = [];
  window.__incidentMap.map.eachLayer(layer => {
    const p = layer.feature ? layer.feature.properties : {};
    if (p.event_id && !p.incident_id) {
      found.push(p.event_id);
    }
  });
  return found.sort();
}
"""

RING_POINT_JS = """
([eventId, zoom]) => {
  const hook = window.__incidentMap;
  const ring = hook.events.markers.find(m => m.feature.properties.event_id === eventId);
  if (zoom !== null) {
    hook.map.setView(ring.getLatLng(), zoom, {animate: false});
  }
  const point = hook.map.latLngToContainerPoint(ring.getLatLng());
  const box = hook.map.getContainer().getBoundingClientRect();
  return [box.left + point.x, box.top + point.y, ring.getRadius()];
}
"""

# The colours drawn on the map's canvas at 72 points along an event's ring.
RING_PIXELS_JS = """
(eventId) => {
  const hook = window.__incidentMap;
  const ring = hook.events.markers.find(m => m.feature.properties.event_id === eventId);
  const renderer = ring._renderer, ctx = renderer._ctx, min = renderer._bounds.min;
  const scale = ctx.canvas.width / renderer._bounds.getSize().x;
  const found = [];
  for (let k = 0; k < 72; k++) {
    const a = k * Math.PI / 36;
    const x = (ring._point.x + ring._radius * Math.cos(a) - min.x) * scale;
    const y = (ring._point.y + ring._radius * Math.sin(a) - min.y) * scale;
    found.push(Array.from(ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data));
  }
  return found;
}
"""

MARKER_POINT_JS = """
([incidentId, zoom]) => {
  const hook = window.__incidentMap;
  let target = null;
  hook.sources.forEach(s => s.layer.eachLayer(m => {
    if (m.feature.properties.incident_id === incidentId) { target = m; }
  }));
  if (zoom !== null) {
    hook.map.setView(target.getLatLng(), zoom, {animate: false});
  }
  const point = hook.map.latLngToContainerPoint(target.getLatLng());
  const box = hook.map.getContainer().getBoundingClientRect();
  return [box.left + point.x, box.top + point.y];
}
"""


def open_popup(session: PageSession, incident_id: str) -> str:
    """Click an incident's marker on the canvas and return the popup's text."""
    x, y = session.page.evaluate(MARKER_POINT_JS, [incident_id, 17])
    # setView moved the map and re-fanned the markers; read the position again.
    x, y = session.page.evaluate(MARKER_POINT_JS, [incident_id, None])
    session.page.mouse.click(x, y)
    popup = session.page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    return popup.inner_text()


def overlay_checkbox(session: PageSession, source: str) -> Locator:
    name = session.page.locator(".im-layer", has_text=re.compile("^" + re.escape(source) + "$"))
    label = session.page.locator(".leaflet-control-layers-overlays label").filter(has=name)
    assert label.count() == 1, f"no single layer-control entry for {source!r}"
    return label.locator("input[type=checkbox]")


def test_opens_offline_without_errors(session: PageSession) -> None:
    assert session.console_errors == []
    assert session.page_errors == []
    assert session.blocked_requests == [], "the page tried to reach the network"
    assert session.page.title() == "</title><script>window.__pwned=5</script>"


def test_layer_control_lists_every_source_in_groups(session: PageSession) -> None:
    overlays = session.page.locator(".leaflet-control-layers-overlays")
    names = overlays.locator(".im-layer").all_inner_texts()
    assert names == ["Places", *SOURCES, "Events"]
    headings = overlays.locator(".im-layer-group").all_inner_texts()
    assert [h.casefold() for h in headings] == [
        "gazetteer",
        "news outlets",
        "social media",
        "events",
    ]


def test_every_mapped_incident_is_drawn(session: PageSession) -> None:
    drawn = session.page.evaluate(DRAWN_MARKERS_JS)
    assert drawn == [f"inc-{n:010d}" for n in range(1, MAPPED + 1)]
    counts = session.page.evaluate("() => window.__incidentMap.sources.map(s => s.count)")
    assert sum(counts) == MAPPED


def test_markers_at_one_place_are_fanned_apart(session: PageSession) -> None:
    points = [session.page.evaluate(MARKER_POINT_JS, [f"inc-{n:010d}", None]) for n in (1, 2, 3, 4)]
    for i, a in enumerate(points):
        for b in points[i + 1 :]:
            assert ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 >= 15


def test_unchecking_a_source_hides_exactly_its_markers(session: PageSession) -> None:
    checkbox = overlay_checkbox(session, "RT")
    checkbox.uncheck()
    drawn = session.page.evaluate(DRAWN_MARKERS_JS)
    assert drawn == [f"inc-{n:010d}" for n in (1, 2, 6, 7)]
    checkbox.check()
    assert len(session.page.evaluate(DRAWN_MARKERS_JS)) == MAPPED


def test_unchecking_places_keeps_incidents(session: PageSession) -> None:
    checkbox = overlay_checkbox(session, "Places")
    checkbox.uncheck()
    assert len(session.page.evaluate(DRAWN_MARKERS_JS)) == MAPPED
    checkbox.check()
    # Places come back underneath: a marker is still what a click on it hits.
    assert "Canisters landed among the crowd" in open_popup(session, "inc-0000000002")


def open_event_popup(session: PageSession, event_id: str) -> str:
    """Click the top of an event's ring and return the popup's text."""
    session.page.evaluate(RING_POINT_JS, [event_id, 17])
    x, y, radius = session.page.evaluate(RING_POINT_JS, [event_id, None])
    session.page.mouse.click(x, y - radius)
    popup = session.page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    return popup.inner_text()


def test_one_ring_is_drawn_per_event_with_a_place(session: PageSession) -> None:
    located = [e["event_id"] for e in EVENTS if e["lat"] is not None]
    assert session.page.evaluate(DRAWN_EVENTS_JS) == sorted(located)
    assert session.page.evaluate("() => window.__incidentMap.events.count") == len(located)
    assert LOST_EVENT not in located


def test_a_contradicted_event_is_drawn_with_a_dashed_red_ring(session: PageSession) -> None:
    red = load_styles()["event_marker"]["contradicted_style"]["color"]
    target = tuple(int(red[i : i + 2], 16) for i in (1, 3, 5))

    def is_red(pixel: list[int]) -> bool:
        return pixel[3] > 200 and all(abs(a - b) <= 24 for a, b in zip(pixel, target, strict=False))

    session.page.evaluate(RING_POINT_JS, [GATE_EVENT, 16])
    contradicted = session.page.evaluate(RING_PIXELS_JS, GATE_EVENT)
    red_points = sum(is_red(p) for p in contradicted)
    assert red_points >= 24, "the ring of a contradicted event is red"
    assert red_points <= 60, "and dashed: gaps show what lies under it"
    session.page.evaluate(RING_POINT_JS, [SOUTH_EVENT, 16])
    plain = session.page.evaluate(RING_PIXELS_JS, SOUTH_EVENT)
    assert not any(is_red(p) for p in plain)
    assert sum(p[3] > 200 and max(p[:3]) < 90 for p in plain) >= 60, "a plain ring is dark"


def test_clicking_an_event_opens_every_sources_account(session: PageSession) -> None:
    text = open_event_popup(session, GATE_EVENT)
    for row in ROWS[:4]:
        assert row["evidence"] in text
    for expected in ("Kurdistan 24", "RT", "2 sources (2 independent)", "claims contradict"):
        assert expected in text
    assert "a faction's spokesman" in text
    assert "the ministry" in text
    assert "three dead" in text
    assert "no one died" in text


def test_an_incident_inside_a_ring_stays_clickable(session: PageSession) -> None:
    # inc-1 is drawn on the event's own point, at the centre of its ring.
    text = open_popup(session, "inc-0000000001")
    assert "Stones flew over the barrier at the gate." in text
    assert "Clash at the test gate (event 1)" in text


def test_an_incident_popup_opens_its_events_popup(session: PageSession) -> None:
    open_popup(session, "inc-0000000002")
    session.page.locator(".leaflet-popup-content .im-event-link").click()
    popup = session.page.locator(".leaflet-popup-content .im-event")
    popup.wait_for(state="visible", timeout=5_000)
    text = popup.inner_text()
    assert "Shots were heard near the gate." in text
    assert "Canisters landed among the crowd at the gate." in text


def test_clicking_a_fanned_marker_opens_its_popup(session: PageSession) -> None:
    text = open_popup(session, "inc-0000000004")
    assert "Shots were heard near the gate." in text
    assert "Live fire" in text
    assert f"{GATE[0]:.5f}, {GATE[1]:.5f}" in text


def test_legend_counts_unmapped_incidents_and_events(session: PageSession) -> None:
    panel = session.page.locator(".im-legend-panel").inner_text()
    assert "not mapped: 1" in panel
    assert "events not mapped: 1" in panel
    assert "casualty claims contradict" in panel


def test_hostile_report_does_not_run_and_is_shown_as_text(session: PageSession) -> None:
    text = open_popup(session, "inc-0000000007")
    assert PWN_IMG in text
    assert PWN_SCRIPT in text
    assert "{{ 7*7 }}" in text
    assert PWN_SOURCE in text
    assert session.page.locator(".leaflet-popup-content a[href^='javascript']").count() == 0
    event_text = open_event_popup(session, FAR_EVENT)
    assert PWN_IMG in event_text
    assert PWN_SCRIPT in event_text
    assert "{{ 7*7 }}" in event_text
    assert PWN_SOURCE in event_text
    session.page.locator(".im-unmapped summary").first.click()
    session.page.wait_for_timeout(100)
    assert session.page.evaluate("() => window.__pwned") is None
    assert session.console_errors == []
    assert session.page_errors == []


def test_screenshot_helper_writes_a_png(browser: Browser, map_file: Path, tmp_path: Path) -> None:
    png = screenshot(map_file, tmp_path / "map.png", viewport=(800, 600), browser=browser)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(data[16:20], "big") == 800


# ---------------------------------------------------------------- time control

MORNING, EVENING, UNKNOWN = "inc-0000000011", "inc-0000000012", "inc-0000000013"
TIME_ROWS = [
    incident_row(
        11,
        source="Morning Wire",
        time_start="2021-11-05T10:00:00+03:00",
        time_end="2021-11-05T11:00:00+03:00",
        time_precision="hour",
        evidence="Police lines formed at the gate before noon.",
    ),
    incident_row(
        12,
        event_type="arson",
        source="Evening Post",
        position=SOUTH_GATE,
        time_start="2021-11-05T18:00:00+03:00",
        time_end="2021-11-05T22:00:00+03:00",
        time_precision="part_of_day",
        evidence="A tent was set alight after dark.",
    ),
    incident_row(
        13,
        event_type="sit_in",
        source="Evening Post",
        position=FAR_GATE,
        date=None,
        time_start=None,
        time_end=None,
        time_precision="unknown",
        evidence="A crowd sat down on the road at some point.",
    ),
]
TIME_EVENTS = [
    event_row(
        11,
        [MORNING],
        time_start="2021-11-05T10:00:00+03:00",
        time_end="2021-11-05T11:00:00+03:00",
        sources=["Morning Wire"],
    ),
    event_row(
        12,
        [EVENING],
        position=SOUTH_GATE,
        time_start="2021-11-05T18:00:00+03:00",
        time_end="2021-11-05T22:00:00+03:00",
        sources=["Evening Post"],
        contradicted=True,
    ),
    event_row(
        13,
        [UNKNOWN],
        position=FAR_GATE,
        date=None,
        time_start=None,
        time_end=None,
        time_precision="unknown",
        sources=["Evening Post"],
    ),
]
MORNING_EVENT, EVENING_EVENT, UNKNOWN_EVENT = (f"evt-{n:012d}" for n in (11, 12, 13))
HALF_PAST_TEN = "2021-11-05T10:30:00+03:00"
SEVEN_PM = "2021-11-05T19:00:00+03:00"


@pytest.fixture(scope="module")
def time_map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = render_map(
        make_incidents(TIME_ROWS),
        make_places(),
        events=make_events(TIME_EVENTS),
        gazetteer=small_gazetteer(),
    )
    path = tmp_path_factory.mktemp("time-map") / "map.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.fixture
def time_session(browser: Browser, time_map_file: Path) -> Iterator[PageSession]:
    with open_page(browser, time_map_file) as opened:
        yield opened


def set_time(session: PageSession, when: str | None) -> None:
    session.page.evaluate("(t) => window.__incidentMap.setTime(t)", when)


def visible(session: PageSession) -> dict[str, int]:
    return session.page.evaluate("() => window.__incidentMap.visibleCounts().sources")


def test_time_map_opens_without_errors(time_session: PageSession) -> None:
    assert time_session.console_errors == []
    assert time_session.page_errors == []
    assert time_session.blocked_requests == []
    assert time_session.page.locator(".im-time").count() == 1


def test_moving_the_time_shows_incidents_and_events_in_their_window(
    time_session: PageSession,
) -> None:
    everything = [MORNING, EVENING, UNKNOWN]
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == everything
    set_time(time_session, HALF_PAST_TEN)
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == [MORNING, UNKNOWN]
    assert time_session.page.evaluate(DRAWN_EVENTS_JS) == [MORNING_EVENT, UNKNOWN_EVENT]
    set_time(time_session, SEVEN_PM)
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == [EVENING, UNKNOWN]
    assert time_session.page.evaluate(DRAWN_EVENTS_JS) == [EVENING_EVENT, UNKNOWN_EVENT]
    assert visible(time_session) == {"Evening Post": 2, "Morning Wire": 0}
    set_time(time_session, "2021-11-05T22:00:00+03:00")  # windows end before their end time
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == [UNKNOWN]
    set_time(time_session, None)
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == everything
    assert len(time_session.page.evaluate(DRAWN_EVENTS_JS)) == 3


def test_time_filter_and_source_toggles_work_together(time_session: PageSession) -> None:
    evening = overlay_checkbox(time_session, "Evening Post")
    set_time(time_session, SEVEN_PM)
    evening.uncheck()
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == []
    # Moving the time never puts back a source the user unchecked.
    set_time(time_session, HALF_PAST_TEN)
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == [MORNING]
    assert not evening.is_checked()
    assert visible(time_session) == {"Evening Post": 0, "Morning Wire": 1}
    # Checked again while a time is set: only its markers of that time come back.
    evening.check()
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == [MORNING, UNKNOWN]
    assert visible(time_session) == {"Evening Post": 1, "Morning Wire": 1}
    morning = overlay_checkbox(time_session, "Morning Wire")
    morning.uncheck()
    set_time(time_session, None)
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == [EVENING, UNKNOWN]
    morning.check()
    assert time_session.page.evaluate(DRAWN_MARKERS_JS) == [MORNING, EVENING, UNKNOWN]
    assert time_session.page_errors == []


def test_unchecked_events_stay_hidden_while_the_time_moves(time_session: PageSession) -> None:
    events = overlay_checkbox(time_session, "Events")
    events.uncheck()
    set_time(time_session, SEVEN_PM)
    assert time_session.page.evaluate(DRAWN_EVENTS_JS) == []
    events.check()
    assert time_session.page.evaluate(DRAWN_EVENTS_JS) == [EVENING_EVENT, UNKNOWN_EVENT]


@pytest.mark.parametrize("viewer_zone", ["America/Los_Angeles", "Asia/Tokyo"])
def test_the_control_shows_baghdad_time_wherever_it_is_viewed(
    browser: Browser, time_map_file: Path, viewer_zone: str
) -> None:
    with open_page(browser, time_map_file, timezone_id=viewer_zone) as session:
        control = session.page.locator(".im-time")
        assert "1 with unknown time always shown" in control.inner_text()
        assert control.locator(".im-time-now").inner_text() == "All times"
        # The slider runs from 10:00 to 22:00 in quarter hours: position 2 is 10:30.
        slider = control.locator("input[type=range]")
        assert slider.get_attribute("max") == "47"
        slider.fill("2")
        assert control.locator(".im-time-now").inner_text() == "10:30 Fri 5 Nov 2021"
        assert "Baghdad" in control.locator(".im-time-zone").inner_text()
        assert "UTC+03:00" in control.locator(".im-time-zone").inner_text()
        assert "2 of 3 incidents, 2 of 3 events" in control.inner_text()
        assert session.page.evaluate(DRAWN_MARKERS_JS) == [MORNING, UNKNOWN]
        scale = control.locator(".im-time-scale span").all_inner_texts()
        assert scale == ["10:00 Fri 5 Nov", "21:45 Fri 5 Nov"]
        set_time(session, SEVEN_PM)
        assert control.locator(".im-time-now").inner_text() == "19:00 Fri 5 Nov 2021"
        assert slider.input_value() == "36"
        control.get_by_role("button", name="All times").click()
        assert control.locator(".im-time-now").inner_text() == "All times"
        assert session.page.evaluate("() => window.__incidentMap.getTime()") is None
        assert session.page.evaluate(DRAWN_MARKERS_JS) == [MORNING, EVENING, UNKNOWN]
        assert session.console_errors == []


def test_play_replays_from_the_start_and_pauses(time_session: PageSession) -> None:
    start = time_session.page.evaluate("() => window.__incidentMap.time.span.start")
    play = time_session.page.locator(".im-time-play")
    play.click()
    time_session.page.wait_for_function(
        f"() => window.__incidentMap.getTime() > {start}", timeout=5_000
    )
    assert time_session.page.evaluate("() => window.__incidentMap.time.playing()")
    assert "Pause" in play.inner_text()
    play.click()
    assert not time_session.page.evaluate("() => window.__incidentMap.time.playing()")
    assert "Play" in play.inner_text()
    now = time_session.page.evaluate("() => window.__incidentMap.getTime()")
    time_session.page.wait_for_timeout(load_styles()["time"]["play_interval_ms"] * 2)
    assert time_session.page.evaluate("() => window.__incidentMap.getTime()") == now
