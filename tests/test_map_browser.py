"""map.html in headless Chromium, offline: layers, markers, popups, hostile reports.

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
    incident_row,
    make_incidents,
    make_places,
    small_gazetteer,
)

from maps import render_map

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


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = render_map(
        make_incidents(ROWS),
        make_places(),
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
    assert names == ["Places", *SOURCES]
    headings = overlays.locator(".im-layer-group").all_inner_texts()
    assert [h.casefold() for h in headings] == ["gazetteer", "news outlets", "social media"]


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


def test_clicking_a_fanned_marker_opens_its_popup(session: PageSession) -> None:
    text = open_popup(session, "inc-0000000004")
    assert "Shots were heard near the gate." in text
    assert "Live fire" in text
    assert f"{GATE[0]:.5f}, {GATE[1]:.5f}" in text


def test_legend_counts_unmapped_incidents(session: PageSession) -> None:
    panel = session.page.locator(".im-panel")
    assert "not mapped: 1" in panel.inner_text()


def test_hostile_report_does_not_run_and_is_shown_as_text(session: PageSession) -> None:
    text = open_popup(session, "inc-0000000007")
    assert PWN_IMG in text
    assert PWN_SCRIPT in text
    assert "{{ 7*7 }}" in text
    assert PWN_SOURCE in text
    assert session.page.locator(".leaflet-popup-content a[href^='javascript']").count() == 0
    session.page.locator(".im-unmapped summary").click()
    session.page.wait_for_timeout(100)
    assert session.page.evaluate("() => window.__pwned") is None
    assert session.console_errors == []
    assert session.page_errors == []


def test_screenshot_helper_writes_a_png(browser: Browser, map_file: Path, tmp_path: Path) -> None:
    png = screenshot(map_file, tmp_path / "map.png", viewport=(800, 600), browser=browser)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(data[16:20], "big") == 800
