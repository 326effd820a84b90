"""map.html in headless Chromium, offline, used as an analyst would: click points and
rings, toggle sources in the panel, filter, search, drag the time slider and use the
keyboard, follow a shared link, open the table and export, resize to a phone.

What is drawn is read from the page API (``window.incidentMap``) and, where the
pixels are the truth (rings, density), from the layer's canvas.

Needs Debian's Chromium at /usr/bin/chromium; without it these tests fail
(they never skip), saying how to install it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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

from incidents.vocabulary import type_label
from maps import render_map
from maps.assets import load_styles

pytestmark = pytest.mark.browser

PWN_IMG = '<img src=x onerror="window.__pwned=1">'
PWN_SCRIPT = "<script>window.__pwned=1</script>"
PWN_SOURCE = '<img src=x onerror="window.__pwned=2"></script><script>window.__pwned=6</script>@x'
HOSTILE_EVIDENCE = f"{PWN_IMG}{PWN_SCRIPT} {{{{ 7*7 }}}} and the gate burned"
FAR_GATE = (33.3105, 44.3850)


def ids(*numbers: int) -> list[str]:
    return [f"inc-{n:010d}" for n in numbers]


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
MAPPED = ids(1, 2, 3, 4, 5, 6, 7)

GATE_EVENT, SOUTH_EVENT, FAR_EVENT, LOST_EVENT = (f"evt-{n:012d}" for n in (1, 2, 3, 4))
EVENTS = [
    event_row(
        1,
        ids(1, 2, 3, 4),
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
    event_row(2, ids(5, 6), position=SOUTH_GATE, n_sources=2, sources=["RT", "@someone_posting"]),
    event_row(3, ids(7), position=FAR_GATE, summary=HOSTILE_EVIDENCE),
    event_row(4, ids(8), position=None, place_id=None, place_name=None),
]


def write_map(
    folder: Path,
    rows: list[dict[str, Any]],
    events: list[dict[str, Any]] | None = None,
    **extra_columns: list[Any],
) -> Path:
    frame = make_incidents(rows)
    for name, values in extra_columns.items():
        frame[name] = values
    page = render_map(
        frame,
        make_places(),
        events=make_events(events) if events is not None else None,
        gazetteer=small_gazetteer(),
        title="</title><script>window.__pwned=5</script>",
    )
    path = folder / "map.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_map(tmp_path_factory.mktemp("map"), ROWS, EVENTS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_browser() as chromium:
        yield chromium


@pytest.fixture
def session(browser: Browser, map_file: Path) -> Iterator[PageSession]:
    with open_page(browser, map_file) as opened:
        yield opened


def drawn(session: PageSession) -> list[str]:
    return sorted(session.page.evaluate("() => window.incidentMap.drawnIds()"))


def drawn_events(session: PageSession) -> list[str]:
    return sorted(session.page.evaluate("() => window.incidentMap.eventIds()"))


def zoom_to(session: PageSession, position: tuple[float, float], zoom: int) -> None:
    session.page.evaluate(
        "([lat, lon, z]) => window.incidentMap.map.setView([lat, lon], z, {animate: false})",
        [position[0], position[1], zoom],
    )


def close_popup(session: PageSession) -> None:
    """Close the open popup and wait until it is gone: Leaflet fades a closed popup out
    for 200 ms, and a click in that time lands on its tip, not on the map."""
    session.page.evaluate("() => window.incidentMap.map.closePopup()")
    session.page.locator(".leaflet-popup").wait_for(state="detached", timeout=5_000)


def click_incident(session: PageSession, incident_id: str) -> str:
    """Click an incident's dot on the canvas and return the popup's text."""
    lat, lon = session.page.evaluate(
        """(id) => { const s = window.incidentMap.state, i = s.inc.indexOf(id);
        return [s.inc.columns.lat[i], s.inc.columns.lon[i]]; }""",
        incident_id,
    )
    close_popup(session)
    zoom_to(session, (lat, lon), 17)
    x, y = session.page.evaluate("(id) => window.incidentMap.screenPoint(id)", incident_id)
    session.page.mouse.click(x, y)
    popup = session.page.locator(".leaflet-popup-content .im-incident")
    popup.wait_for(state="visible", timeout=5_000)
    return popup.inner_text()


def click_ring(session: PageSession, event_id: str, position: tuple[float, float]) -> str:
    """Click the top of an event's ring and return the popup's text."""
    close_popup(session)
    zoom_to(session, position, 17)
    x, y, radius = session.page.evaluate("(id) => window.incidentMap.ringPoint(id)", event_id)
    session.page.mouse.click(x, y - radius)
    popup = session.page.locator(".leaflet-popup-content .im-event")
    popup.wait_for(state="visible", timeout=5_000)
    return popup.inner_text()


def source_checkbox(session: PageSession, source: str) -> Locator:
    row = session.page.locator(".im-sources label.im-check").filter(
        has=session.page.locator(".im-name", has_text=source)
    )
    matches = [r for r in row.all() if r.locator(".im-name").inner_text() == source]
    assert len(matches) == 1, f"no single sources-panel row for {source!r}"
    return matches[0].locator("input[type=checkbox]")


def layer_checkbox(session: PageSession, name: str) -> Locator:
    label = session.page.locator(".leaflet-control-layers-overlays label").filter(
        has=session.page.locator(".im-layer", has_text=name)
    )
    assert label.count() == 1, f"no single layer-control entry for {name!r}"
    return label.locator("input[type=checkbox]")


# ---------------------------------------------------------------- opening, layers, sources


def test_opens_offline_without_errors(session: PageSession) -> None:
    assert session.console_errors == []
    assert session.page_errors == []
    assert session.blocked_requests == [], "the page tried to reach the network"
    assert session.page.title() == "</title><script>window.__pwned=5</script>"
    assert drawn(session) == MAPPED
    assert drawn_events(session) == [GATE_EVENT, SOUTH_EVENT, FAR_EVENT]


def test_the_page_announces_its_first_drawing_and_its_readiness(
    browser: Browser, map_file: Path
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(
            """window.__heard = [];
            ['incidentmap:drawn', 'incidentmap:ready'].forEach(name => window.addEventListener(
              name, e => window.__heard.push([name, e.detail === window.incidentMap,
                                             window.incidentMap.ready])));"""
        )
        page.goto(map_file.resolve().as_uri())
        page.wait_for_function("() => window.__heard.length === 2", timeout=15_000)
        assert page.evaluate("() => window.__heard") == [
            ["incidentmap:drawn", True, False],
            ["incidentmap:ready", True, True],
        ]
    finally:
        context.close()


def test_the_layer_control_keeps_basemaps_and_a_few_overlays(session: PageSession) -> None:
    control = session.page.locator(".leaflet-control-layers")
    names = control.locator(".leaflet-control-layers-overlays .im-layer").all_inner_texts()
    assert names == ["Places", "Incidents", "Events"]
    bases = control.locator(".leaflet-control-layers-base label").all_inner_texts()
    assert [b.strip() for b in bases] == [
        "Plain background (offline)",
        "OpenStreetMap (needs internet)",
    ]


def test_the_sources_panel_groups_and_counts_the_sources(session: PageSession) -> None:
    groups = session.page.locator(".im-source-group")
    assert groups.locator(".im-group-title").all_inner_texts() == ["News outlets", "Social media"]
    news = groups.nth(0).locator(".im-name").all_inner_texts()
    social = groups.nth(1).locator(".im-name").all_inner_texts()
    assert news == ["Kurdistan 24", "RT"]
    assert social == [PWN_SOURCE, "@someone_posting"]
    counts = groups.nth(0).locator(".im-check .im-count").all_inner_texts()
    assert counts == ["2", "3"]  # the unmapped Kurdistan 24 incident is not counted


def test_unchecking_a_source_in_the_panel_hides_exactly_its_incidents(session: PageSession) -> None:
    box = source_checkbox(session, "RT")
    box.uncheck()
    assert drawn(session) == ids(1, 2, 6, 7)
    # The event of RT's sit-in stays: its other member (the post) is still shown.
    assert drawn_events(session) == [GATE_EVENT, SOUTH_EVENT, FAR_EVENT]
    source_checkbox(session, "@someone_posting").uncheck()
    assert drawn_events(session) == [GATE_EVENT, FAR_EVENT]
    box.check()
    assert drawn(session) == ids(1, 2, 3, 4, 5, 7)


def test_all_and_none_work_per_group_and_follow_the_source_search(session: PageSession) -> None:
    social = session.page.locator(".im-source-group[data-group=social]")
    social.locator(".im-none").click()
    assert drawn(session) == ids(1, 2, 3, 4, 5)
    social.locator(".im-all").click()
    assert drawn(session) == MAPPED
    search = session.page.locator(".im-source-search")
    search.fill("someone")
    session.page.wait_for_function(
        "() => [...document.querySelectorAll('.im-sources .im-check')]"
        ".filter(r => r.style.display !== 'none').length === 1"
    )
    visible = [
        r.inner_text()
        for r in session.page.locator(".im-sources .im-check .im-name").all()
        if r.is_visible()
    ]
    assert visible == ["@someone_posting"]
    social.locator(".im-none").click()
    assert drawn(session) == ids(1, 2, 3, 4, 5, 7), "none acts on what the search shows"


def test_set_sources_from_the_api_matches_the_panel(session: PageSession) -> None:
    session.page.evaluate("() => window.incidentMap.setSources({'Kurdistan 24': false})")
    assert drawn(session) == ids(3, 4, 5, 6, 7)
    assert not source_checkbox(session, "Kurdistan 24").is_checked()


def test_unchecking_places_keeps_incidents_and_the_incidents_layer_hides_them(
    session: PageSession,
) -> None:
    layer_checkbox(session, "Places").uncheck()
    assert drawn(session) == MAPPED
    layer_checkbox(session, "Places").check()
    assert "Canisters landed among the crowd" in click_incident(session, "inc-0000000002")
    layer_checkbox(session, "Incidents").uncheck()
    assert drawn(session) == []
    layer_checkbox(session, "Incidents").check()
    assert drawn(session) == MAPPED


def test_places_without_a_shown_incident_leave_the_map(browser: Browser, tmp_path: Path) -> None:
    rows = [
        incident_row(31, source="Kurdistan 24", evidence="Stones at the gate."),
        incident_row(
            32,
            source="RT",
            place_id="green_zone",
            place_name="Green Zone",
            position=(33.3105, 44.3850),
            evidence="Sirens in the zone.",
        ),
        incident_row(
            33,
            source="RT",
            place_id="rel:south:green_zone",
            place_name="south of the Green Zone",
            position=(33.285, 44.395),
            event_type="tear_gas",
            evidence="Gas south of the zone.",
        ),
    ]
    path = write_map(tmp_path, rows)
    with open_page(browser, path) as session:
        every = ["green_zone", "rel:south:green_zone", "test_gate"]
        shown = "() => window.incidentMap.placeIds()"
        assert session.page.evaluate(shown) == every
        source_checkbox(session, "RT").uncheck()
        assert session.page.evaluate(shown) == ["test_gate"]
        # The gate's point and its uncertainty circle go together.
        gate_shapes = """() => { let n = 0; window.incidentMap.places.eachLayer(g => g.eachLayer(
            s => { if (s.feature.properties.place_id === 'test_gate' && s._map) { n++; } }));
            return n; }"""
        assert session.page.evaluate(gate_shapes) == 2
        session.page.locator(".im-sources label.im-check input").first.uncheck()
        assert drawn(session) == []
        assert session.page.evaluate(shown) == []
        assert session.page.evaluate(gate_shapes) == 0
        session.page.locator(".im-filters .im-facet label.im-check").filter(
            has_text="Tear gas"
        ).locator("input").uncheck()
        source_checkbox(session, "RT").check()
        assert session.page.evaluate(shown) == ["green_zone"]
        session.page.locator(".im-filters .im-facet label.im-check").filter(
            has_text="Tear gas"
        ).locator("input").check()
        session.page.locator(".im-sources label.im-check input").first.check()
        assert session.page.evaluate(shown) == every
        assert session.page_errors == []


# ---------------------------------------------------------------- points, rings, popups


def test_incidents_at_one_place_are_fanned_apart_and_each_is_clickable(
    session: PageSession,
) -> None:
    zoom_to(session, GATE, 17)
    points = [
        session.page.evaluate("(id) => window.incidentMap.screenPoint(id)", i)
        for i in ids(1, 2, 3, 4)
    ]
    for k, a in enumerate(points):
        for b in points[k + 1 :]:
            assert ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 >= 15
    text = click_incident(session, "inc-0000000004")
    assert "Shots were heard near the gate." in text
    assert type_label("live_fire") in text
    assert f"{GATE[0]:.5f}, {GATE[1]:.5f}" in text
    assert "shared by 4 incidents" in text


def test_the_popup_has_what_an_analyst_needs(session: PageSession) -> None:
    text = click_incident(session, "inc-0000000006")
    for expected in (
        "Stone-throwing",
        "ACLED: Violent demonstration / Riots",
        "2021-11-05 15:00–18:00 (UTC+03:00)",
        "precision: part of day",
        "Test Gate",
        "@someone_posting",
        "via Kurdistan 24",
        "social-media post",
        "k24.txt",
        "حجارة تتطاير قرب الجسر",
        "inc-0000000006",
    ):
        assert expected in text, expected
    link = session.page.locator(".leaflet-popup-content a")
    assert link.get_attribute("href") == "https://example.org/story"
    assert link.get_attribute("rel") == "noopener noreferrer"


def ring_pixels(session: PageSession, event_id: str) -> list[list[int]]:
    return session.page.evaluate(
        """(id) => {
          const api = window.incidentMap, box = api.map.getContainer().getBoundingClientRect();
          const [x, y, r] = api.ringPoint(id), out = [];
          for (let k = 0; k < 72; k++) {
            const a = k * Math.PI / 36;
            out.push(api.pixel(x - box.left + r * Math.cos(a), y - box.top + r * Math.sin(a)));
          }
          return out;
        }""",
        event_id,
    )


def test_a_contradicted_event_is_drawn_with_a_dashed_red_ring(session: PageSession) -> None:
    red = load_styles()["event_marker"]["contradicted_style"]["color"]
    target = tuple(int(red[i : i + 2], 16) for i in (1, 3, 5))

    def is_red(pixel: list[int]) -> bool:
        return pixel[3] > 200 and all(abs(a - b) <= 24 for a, b in zip(pixel, target, strict=False))

    zoom_to(session, GATE, 16)
    contradicted = ring_pixels(session, GATE_EVENT)
    red_points = sum(is_red(p) for p in contradicted)
    assert red_points >= 24, "the ring of a contradicted event is red"
    assert red_points <= 60, "and dashed: gaps show what lies under it"
    zoom_to(session, SOUTH_GATE, 16)
    plain = ring_pixels(session, SOUTH_EVENT)
    assert not any(is_red(p) for p in plain)
    assert sum(p[3] > 200 and max(p[:3]) < 90 for p in plain) >= 50, "a plain ring is dark"


def test_clicking_an_event_ring_opens_every_sources_account(session: PageSession) -> None:
    text = click_ring(session, GATE_EVENT, GATE)
    for row in ROWS[:4]:
        assert row["evidence"] in text
    for expected in ("Kurdistan 24", "RT", "2 sources (2 independent)", "contradict"):
        assert expected in text
    for expected in ("a faction's spokesman", "the ministry", "three dead", "no one died"):
        assert expected in text


def test_an_incident_inside_a_ring_stays_clickable_and_opens_its_event(
    session: PageSession,
) -> None:
    text = click_incident(session, "inc-0000000001")
    assert "Stones flew over the barrier at the gate." in text
    assert "Clash at the test gate (event 1)" in text
    session.page.locator(".leaflet-popup-content .im-event-link").click()
    popup = session.page.locator(".leaflet-popup-content .im-event")
    popup.wait_for(state="visible", timeout=5_000)
    assert "Shots were heard near the gate." in popup.inner_text()


def test_clicking_the_map_away_from_incidents_opens_nothing(session: PageSession) -> None:
    zoom_to(session, GATE, 17)
    box = session.page.locator(".leaflet-container").bounding_box()
    point = {"x": box["width"] - 60, "y": box["height"] - 60}
    assert not session.page.evaluate("(p) => window.incidentMap.hitAt(p)", point)
    session.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    # A popup would be built from a decoded chunk: give the page two frames to show one.
    session.page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )
    assert session.page.locator(".leaflet-popup-content .im-popup").count() == 0


def test_open_popup_by_id_and_the_key_counts_what_is_not_mapped(session: PageSession) -> None:
    node_text = session.page.evaluate(
        "async () => (await window.incidentMap.openPopup('inc-0000000005')).textContent"
    )
    assert "Sit-in" in node_text
    session.page.locator(".im-key > summary").click()
    key = session.page.locator(".im-key").inner_text()
    assert "not mapped: 1" in key
    assert "events not mapped: 1" in key
    assert "casualty claims contradict" in key


def test_hostile_report_does_not_run_and_is_shown_as_text(session: PageSession) -> None:
    text = click_incident(session, "inc-0000000007")
    for hostile in (
        PWN_IMG,
        PWN_SCRIPT,
        "{{ 7*7 }}",
        PWN_SOURCE,
        '<svg onload="window.__pwned=3">',
    ):
        assert hostile in text
    assert "not a web link: javascript:window.__pwned=4" in text
    assert session.page.locator(".leaflet-popup-content a[href^='javascript']").count() == 0
    event_text = click_ring(session, FAR_EVENT, FAR_GATE)
    for hostile in (PWN_IMG, PWN_SCRIPT, "{{ 7*7 }}", PWN_SOURCE):
        assert hostile in event_text
    session.page.locator(".im-key > summary").click()
    session.page.locator(".im-unmapped summary").first.click()
    session.page.locator(".im-unmapped li").first.wait_for(timeout=5_000)
    assert PWN_IMG in session.page.locator("details.im-unmapped").inner_text()
    # No element was made from the text (checked below), so no handler can run later.
    session.page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )
    assert session.page.evaluate("() => window.__pwned") is None
    assert (
        session.page.locator(".im-side img, .im-side script:not([type]), .im-side svg").count() == 0
    )
    assert session.console_errors == []
    assert session.page_errors == []


def test_screenshot_helper_writes_a_png(browser: Browser, map_file: Path, tmp_path: Path) -> None:
    png = screenshot(map_file, tmp_path / "map.png", viewport=(800, 600), browser=browser)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(data[16:20], "big") == 800


# ---------------------------------------------------------------- filters and search


def test_type_filter_hides_a_type_and_counts_follow(session: PageSession) -> None:
    types = session.page.locator(".im-filters .im-check")
    clash = types.filter(has_text="Clash").first
    clash.locator("input").uncheck()
    assert drawn(session) == ids(2, 3, 4, 5, 6, 7)
    counts = session.page.evaluate("() => window.incidentMap.counts()")
    assert counts["types"]["clash"] == 1, "an unchecked type still says what it would add"
    assert counts["sources"]["Kurdistan 24"] == 1
    assert counts["precisions"] == {"estimated": 5, "zone": 1}
    session.page.evaluate("() => window.incidentMap.setFilter({precisions: ['zone']})")
    assert drawn(session) == ids(5)
    assert (
        session.page.locator(".im-filters .im-check")
        .filter(has_text="zone")
        .locator("input")
        .is_checked()
    )


def test_search_finds_place_names_and_evidence(session: PageSession) -> None:
    search = session.page.locator(".im-search")
    search.fill("hose truck")
    session.page.wait_for_function(
        "() => window.incidentMap.drawnIds().length === 1", timeout=5_000
    )
    assert drawn(session) == ids(3)
    assert "1 match" in session.page.locator(".im-search-note").inner_text()
    count = session.page.evaluate("async () => window.incidentMap.search('south gate')")
    assert count == 0
    # A place is found by its name: inc-7 is at the test gate too, named otherwise.
    session.page.evaluate("async () => window.incidentMap.search('test gate')")
    assert drawn(session) == ids(1, 2, 3, 4, 5, 6, 7)
    session.page.evaluate("async () => window.incidentMap.search('')")
    assert drawn(session) == MAPPED


def test_typing_in_the_search_box_finds_evidence_in_every_chunk_and_text_column(
    browser: Browser, tmp_path: Path
) -> None:
    # 2,500 rows: three text chunks. The word is in the evidence, the claimant and the
    # casualty text, in any case; one evidence has a line break and a NUL in it (the rows
    # after it must stay where they are), one text a letter whose lower case is longer.
    rows = [incident_row(k) for k in range(1, 2501)]
    rows[6]["evidence"] = "A Molotov cocktail hit the wall."
    rows[1499]["claimed_by"] = "the MOLOTOV brigade"
    rows[2399]["evidence"] = "First line,\nthen a molotov\x00 and more."
    rows[2401]["casualty_text"] = "İki killed by a molotov"
    path = write_map(tmp_path, rows)
    with open_page(browser, path) as session:
        page = session.page
        search = page.locator(".im-search")
        search.click()
        search.press_sequentially("Molotov", delay=40)
        note = page.locator(".im-search-note")
        page.wait_for_function(
            "() => document.querySelector('.im-search-note').textContent === '4 matches'",
            timeout=10_000,
        )
        assert drawn(session) == ids(7, 1500, 2400, 2402)
        # Narrowing the query as one types on narrows the matches.
        search.press_sequentially(" cocktail", delay=40)
        page.wait_for_function(
            "() => document.querySelector('.im-search-note').textContent === '1 match'",
            timeout=10_000,
        )
        assert drawn(session) == ids(7)
        # The popup of the row with the NUL shows its text (the NUL as U+FFFD).
        search.press("Control+a")
        search.press_sequentially("then a MOLOTOV", delay=20)
        page.wait_for_function(
            "() => window.incidentMap.state.search.query === 'then a MOLOTOV'"
            " && document.querySelector('.im-search-note').textContent === '1 match'",
            timeout=10_000,
        )
        assert drawn(session) == ids(2400)
        text = page.evaluate(
            "async () => (await window.incidentMap.openPopup('inc-0000002400')).textContent"
        )
        assert "then a molotov\ufffd and more." in text
        # Emptying the box shows everything again.
        search.press("Control+a")
        search.press("Backspace")
        page.wait_for_function(
            "() => window.incidentMap.drawnIds().length === 2500", timeout=10_000
        )
        assert note.inner_text() == ""
        assert session.page_errors == []


# ---------------------------------------------------------------- statuses


def test_other_statuses_are_a_layer_off_by_default(browser: Browser, tmp_path: Path) -> None:
    rows = [
        incident_row(1, evidence="It happened."),
        incident_row(2, evidence="A strike was threatened.", event_type="call_to_escalate"),
        incident_row(3, evidence="Police denied firing.", position=SOUTH_GATE),
    ]
    path = write_map(tmp_path, rows, status=["happened", "threatened", "denied"])
    with open_page(browser, path) as session:
        assert drawn(session) == ids(1)
        names = session.page.locator(".leaflet-control-layers-overlays .im-layer").all_inner_texts()
        assert "Not known to have happened" in names
        layer_checkbox(session, "Not known to have happened").check()
        assert drawn(session) == ids(1, 2, 3)
        session.page.locator(".im-filters .im-check").filter(has_text="denied").locator(
            "input"
        ).uncheck()
        assert drawn(session) == ids(1, 2)
        assert "Status" in click_incident(session, "inc-0000000002")
        assert session.page_errors == []


# ---------------------------------------------------------------- time

MORNING, EVENING, UNKNOWN, ALL_DAY = ids(11, 12, 13, 14)
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
    return write_map(tmp_path_factory.mktemp("time-map"), TIME_ROWS, TIME_EVENTS)


@pytest.fixture
def time_session(browser: Browser, time_map_file: Path) -> Iterator[PageSession]:
    with open_page(browser, time_map_file) as opened:
        yield opened


def set_time(session: PageSession, when: str | None) -> None:
    session.page.evaluate("(t) => window.incidentMap.setTime(t)", when)


def now_text(session: PageSession) -> str:
    return session.page.locator(".im-time-now").inner_text()


def test_moving_the_time_shows_incidents_and_events_in_their_window(
    time_session: PageSession,
) -> None:
    assert drawn(time_session) == [MORNING, EVENING, UNKNOWN]
    set_time(time_session, HALF_PAST_TEN)
    assert drawn(time_session) == [MORNING, UNKNOWN]
    assert drawn_events(time_session) == [MORNING_EVENT, UNKNOWN_EVENT]
    set_time(time_session, SEVEN_PM)
    assert drawn(time_session) == [EVENING, UNKNOWN]
    assert drawn_events(time_session) == [EVENING_EVENT, UNKNOWN_EVENT]
    set_time(time_session, "2021-11-05T22:00:00+03:00")  # windows end before their end time
    assert drawn(time_session) == [UNKNOWN]
    set_time(time_session, None)
    assert drawn(time_session) == [MORNING, EVENING, UNKNOWN]


def test_the_slider_moves_any_number_of_times_by_drag(time_session: PageSession) -> None:
    slider = time_session.page.locator(".im-time-slider")
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    seen = []
    # Drag to the morning, to the evening, back to the morning, to the end.
    for fraction in (0.05, 0.75, 0.05, 0.75, 0.99):
        x = box["x"] + box["width"] * fraction
        start = slider.evaluate("s => s.getBoundingClientRect().left") + 8
        current = float(slider.input_value())
        thumb = start + (box["width"] - 16) * current / float(slider.get_attribute("max"))
        time_session.page.mouse.move(thumb, y)
        time_session.page.mouse.down()
        time_session.page.mouse.move(x, y, steps=5)
        time_session.page.mouse.up()
        seen.append((now_text(time_session), drawn(time_session)))
    assert seen[0][1] == [MORNING, UNKNOWN]
    assert seen[1][1] == [EVENING, UNKNOWN]
    assert seen[2][1] == [MORNING, UNKNOWN], "a second and third move are followed"
    assert seen[3][1] == [EVENING, UNKNOWN]
    assert seen[4][1] == [EVENING, UNKNOWN] or seen[4][1] == [UNKNOWN]
    assert len({text for text, _ in seen[:2]}) == 2


def test_the_slider_follows_the_keyboard_and_clicks(time_session: PageSession) -> None:
    slider = time_session.page.locator(".im-time-slider")
    box = slider.bounding_box()
    time_session.page.mouse.click(box["x"] + 10, box["y"] + box["height"] / 2)
    assert now_text(time_session) == "10:00 Fri 5 Nov 2021"
    for expected in ("10:15", "10:30", "10:45", "11:00"):
        slider.press("ArrowRight")
        assert now_text(time_session).startswith(expected)
    assert drawn(time_session) == [UNKNOWN]  # the morning window ended at 11:00
    slider.press("ArrowLeft")
    assert drawn(time_session) == [MORNING, UNKNOWN]
    slider.press("End")
    assert now_text(time_session).startswith("21:45")
    assert drawn(time_session) == [EVENING, UNKNOWN]
    slider.press("Home")
    assert now_text(time_session).startswith("10:00")
    # A click on the track after keys still moves it.
    time_session.page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
    assert drawn(time_session) == [EVENING, UNKNOWN]


def test_time_and_sources_work_together(time_session: PageSession) -> None:
    set_time(time_session, SEVEN_PM)
    source_checkbox(time_session, "Evening Post").uncheck()
    assert drawn(time_session) == []
    set_time(time_session, HALF_PAST_TEN)
    assert drawn(time_session) == [MORNING]
    source_checkbox(time_session, "Evening Post").check()
    assert drawn(time_session) == [MORNING, UNKNOWN]
    layer_checkbox(time_session, "Events").uncheck()
    set_time(time_session, SEVEN_PM)
    assert drawn_events(time_session) == []
    layer_checkbox(time_session, "Events").check()
    assert drawn_events(time_session) == [EVENING_EVENT, UNKNOWN_EVENT]


@pytest.mark.parametrize("viewer_zone", ["America/Los_Angeles", "Asia/Tokyo"])
def test_the_control_shows_baghdad_time_wherever_it_is_viewed(
    browser: Browser, time_map_file: Path, viewer_zone: str
) -> None:
    with open_page(browser, time_map_file, timezone_id=viewer_zone) as session:
        control = session.page.locator(".im-time")
        assert "1 with unknown time always shown" in control.inner_text()
        assert now_text(session) == "All times"
        slider = control.locator("input[type=range]")
        assert slider.get_attribute("max") == "47"  # 10:00 to 22:00 in quarter hours
        slider.fill("2")
        assert now_text(session) == "10:30 Fri 5 Nov 2021"
        zone = control.locator(".im-time-zone").inner_text()
        assert "Baghdad" in zone
        assert "UTC+03:00" in zone
        assert "2 of 3 incidents, 2 of 3 events" in control.inner_text()
        scale = control.locator(".im-time-scale span").all_inner_texts()
        assert scale == ["10:00 Fri 5 Nov", "21:45 Fri 5 Nov"]
        set_time(session, SEVEN_PM)
        assert now_text(session) == "19:00 Fri 5 Nov 2021"
        assert slider.input_value() == "36"
        control.get_by_role("button", name="All times").click()
        assert now_text(session) == "All times"
        assert session.page.evaluate("() => window.incidentMap.getTime()") is None
        assert session.console_errors == []


def test_play_replays_and_pause_keeps_the_moment(time_session: PageSession) -> None:
    play = time_session.page.locator(".im-time-play")
    play.click()
    time_session.page.wait_for_function(
        "() => window.incidentMap.getTime() !== null && window.incidentMap.playing()",
        timeout=5_000,
    )
    assert "Pause" in play.inner_text()
    started = time_session.page.evaluate("() => window.incidentMap.getTime()")
    time_session.page.wait_for_function(
        "(t) => window.incidentMap.getTime() > t", arg=started, timeout=5_000
    )
    play.click()
    assert not time_session.page.evaluate("() => window.incidentMap.playing()")
    assert "Play" in play.inner_text()
    now = time_session.page.evaluate("() => window.incidentMap.getTime()")
    # An observation window, not a race: were the timer still running, two of its
    # intervals would move the time, however slow the machine.
    time_session.page.wait_for_timeout(load_styles()["time"]["play_interval_ms"] * 2)
    assert time_session.page.evaluate("() => window.incidentMap.getTime()") == now
    # After a pause the slider still moves where it is put.
    slider = time_session.page.locator(".im-time-slider")
    slider.fill("36")
    assert drawn(time_session) == [EVENING, UNKNOWN]
    slider.fill("2")
    assert drawn(time_session) == [MORNING, UNKNOWN]


def test_the_histogram_shows_incidents_over_time(time_session: PageSession) -> None:
    bars = time_session.page.evaluate(
        """() => { const c = document.querySelector('.im-histogram');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const cols = new Array(c.width).fill(0);
        for (let x = 0; x < c.width; x++) { for (let y = 0; y < c.height; y++) {
          if (d[(y * c.width + x) * 4 + 3] > 0) { cols[x] = 1; } } }
        return cols; }"""
    )
    width = len(bars)
    # The morning (10:00-11:00: the first 4 of 48 steps) and the evening (18:00-22:00) have bars.
    assert any(bars[: width * 4 // 48])
    assert any(bars[width * 33 // 48 :])
    assert not any(bars[width * 6 // 48 : width * 30 // 48]), "nothing happened at midday"


def test_day_mode_for_days_of_data_shows_day_precision_incidents(
    browser: Browser, tmp_path: Path
) -> None:
    rows = [
        *TIME_ROWS[:2],
        incident_row(
            14,
            source="Weekly",
            date="2021-11-08",
            time_start=None,
            time_end=None,
            time_precision="day",
            evidence="Sometime on Monday, a march.",
        ),
        incident_row(
            15,
            source="Weekly",
            date="2021-11-10",
            time_start=None,
            time_end=None,
            time_precision="day",
            evidence="On Wednesday, a sit-in.",
        ),
    ]
    path = write_map(tmp_path, rows)
    with open_page(browser, path) as session:
        assert session.page.evaluate("() => window.incidentMap.timeMode()") == "day"
        slider = session.page.locator(".im-time-slider")
        assert slider.get_attribute("max") == "5"  # Fri 5 to Wed 10 November
        slider.fill("0")
        assert now_text(session) == "Fri 5 Nov 2021"
        assert drawn(session) == ids(11, 12)
        slider.press("ArrowRight")
        slider.press("ArrowRight")
        slider.press("ArrowRight")
        assert now_text(session) == "Mon 8 Nov 2021"
        assert drawn(session) == ids(14)
        slider.press("End")
        assert drawn(session) == ids(15)
        # By the clock instead: the day-precision incident shows all day long.
        session.page.locator("input[name=im-time-mode][value=clock]").check()
        set_time(session, "2021-11-08T13:00:00+03:00")
        assert drawn(session) == ids(14)
        session.page.evaluate("() => window.incidentMap.setFilter({from: '2021-11-09'})")
        set_time(session, None)
        assert drawn(session) == ids(15)
        assert session.page_errors == []


def drag_slider_to(session: PageSession, fraction: float) -> None:
    """Drag the time slider's thumb from where it stands to ``fraction`` of the track."""
    slider = session.page.locator(".im-time-slider")
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    current = float(slider.input_value())
    thumb = box["x"] + 8 + (box["width"] - 16) * current / float(slider.get_attribute("max"))
    session.page.mouse.move(thumb, y)
    session.page.mouse.down()
    session.page.mouse.move(box["x"] + 8 + (box["width"] - 16) * fraction, y, steps=5)
    session.page.mouse.up()


def histogram_columns(session: PageSession) -> list[int]:
    """Which pixel columns of the histogram under the slider have a bar."""
    return session.page.evaluate(
        """() => { const c = document.querySelector('.im-histogram');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const cols = new Array(c.width).fill(0);
        for (let x = 0; x < c.width; x++) { for (let y = 0; y < c.height; y++) {
          if (d[(y * c.width + x) * 4 + 3] > 0) { cols[x] = 1; } } }
        return cols; }"""
    )


def _day_row(number: int, day: str, evidence: str) -> dict[str, Any]:
    return incident_row(
        number,
        source="Yearly Review",
        date=day,
        time_start=None,
        time_end=None,
        time_precision="day",
        evidence=evidence,
    )


YEARS_ROWS = [
    _day_row(21, "2005-03-10", "A market was hit in the spring."),
    _day_row(22, "2009-07-01", "A checkpoint came under fire in the summer."),
    _day_row(23, "2013-11-20", "A bridge was closed in the autumn."),
    _day_row(24, "2024-05-05", "A protest filled the square."),
    incident_row(
        25,
        source="Yearly Review",
        time_start="2024-05-05T14:00:00+03:00",
        time_end="2024-05-05T15:00:00+03:00",
        time_precision="hour",
        evidence="Police dispersed the protest in the afternoon.",
    ),
]


def test_twenty_years_of_data_replay_by_year_month_and_day(
    browser: Browser, tmp_path: Path
) -> None:
    path = write_map(tmp_path, YEARS_ROWS)
    with open_page(browser, path) as session:
        page = session.page
        modes = page.locator("input[name=im-time-mode]")
        assert [m.get_attribute("value") for m in modes.all()] == ["clock", "day", "month", "year"]
        # Twenty years are twenty steps: the slider opens by year.
        assert page.evaluate("() => window.incidentMap.timeMode()") == "year"
        slider = page.locator(".im-time-slider")
        assert slider.get_attribute("max") == "19"  # 2005 to 2024
        scale = page.locator(".im-time-scale span").all_inner_texts()
        assert scale == ["2005", "2024"]
        # Drag the slider to the end, to the start and back to the end.
        seen = []
        for fraction in (0.99, 0.01, 0.99):
            drag_slider_to(session, fraction)
            seen.append((now_text(session), drawn(session)))
        assert seen == [("2024", ids(24, 25)), ("2005", ids(21)), ("2024", ids(24, 25))]
        # The keyboard walks the years; empty years draw nothing.
        slider.press("Home")
        for _ in range(4):
            slider.press("ArrowRight")
        assert (now_text(session), drawn(session)) == ("2009", ids(22))
        slider.press("ArrowRight")
        assert (now_text(session), drawn(session)) == ("2010", [])
        # The histogram has a bar for each year with incidents and none for the years between.
        bars = histogram_columns(session)
        width = len(bars)
        for year in (2005, 2009, 2013, 2024):
            k = year - 2005
            assert any(bars[width * k // 20 : width * (k + 1) // 20]), year
        assert not any(bars[width * 9 // 20 + 2 : width * 19 // 20 - 2]), "2014-2023 were empty"
        # By month: the slider keeps the moment and steps a month at a time.
        page.locator("input[name=im-time-mode][value=month]").check()
        assert slider.get_attribute("max") == "230"  # March 2005 to May 2024
        assert now_text(session) == "Jan 2010"
        slider.press("End")
        assert (now_text(session), drawn(session)) == ("May 2024", ids(24, 25))
        slider.press("ArrowLeft")
        assert (now_text(session), drawn(session)) == ("Apr 2024", [])
        drag_slider_to(session, 0.0)
        assert (now_text(session), drawn(session)) == ("Mar 2005", ids(21))
        # By day, over seven thousand days: the histogram still shows where they are.
        page.locator("input[name=im-time-mode][value=day]").check()
        slider.press("End")
        assert (now_text(session), drawn(session)) == ("Sun 5 May 2024", ids(24, 25))
        assert sum(histogram_columns(session)) >= 4
        # The period travels in the URL: a new page opens on it.
        page.locator("input[name=im-time-mode][value=year]").check()
        slider.press("Home")
        slider.press("ArrowRight")
        slider.press("ArrowRight")
        slider.press("ArrowRight")
        slider.press("ArrowRight")
        assert now_text(session) == "2009"
        page.wait_for_function(
            """() => new RegExp('t=year:' + window.incidentMap.getTime() / 60000 + '(&|$)')
                .test(location.hash)""",
            timeout=5_000,
        )
        link = page.evaluate("() => location.href")
        assert session.page_errors == []
    with open_page(browser, path) as shared:
        shared.page.goto(link)
        shared.page.wait_for_function(
            "() => window.incidentMap && window.incidentMap.ready", timeout=15_000
        )
        assert shared.page.evaluate("() => window.incidentMap.timeMode()") == "year"
        assert (now_text(shared), drawn(shared)) == ("2009", ids(22))
        # A date range narrows every mode: from 2010 on, by year, 2013 and 2024 remain.
        shared.page.evaluate("() => window.incidentMap.setTime(null)")
        shared.page.locator(".im-dates input").first.fill("2010-01-01")
        assert drawn(shared) == ids(23, 24, 25)
        assert shared.page_errors == []


# ---------------------------------------------------------------- the URL hash


def test_the_view_filters_time_and_sources_travel_in_the_url(
    browser: Browser, map_file: Path, time_map_file: Path
) -> None:
    with open_page(browser, time_map_file) as session:
        zoom_to(session, SOUTH_GATE, 16)
        source_checkbox(session, "Morning Wire").uncheck()
        set_time(session, SEVEN_PM)
        session.page.locator(".im-filters .im-check").filter(has_text="Arson").locator(
            "input"
        ).uncheck()
        session.page.wait_for_function(
            "() => ['v=16/', 'src=', 'type=', 't=clock:'].every(p => location.hash.includes(p))"
        )
        link = session.page.evaluate("() => location.href")
        shown = drawn(session)
        assert shown == [UNKNOWN]
    assert "#" in link
    with open_page(browser, Path(link.split("#")[0].removeprefix("file://"))) as fresh:
        fresh.page.goto(link)
        fresh.page.wait_for_function("() => window.incidentMap && window.incidentMap.ready")
        assert drawn(fresh) == shown
        assert now_text(fresh) == "19:00 Fri 5 Nov 2021"
        assert fresh.page.evaluate("() => window.incidentMap.map.getZoom()") == 16
        assert not source_checkbox(fresh, "Morning Wire").is_checked()
        # Following another link (a hash change) applies it.
        fresh.page.evaluate("() => { location.hash = '#q=tent'; }")
        fresh.page.wait_for_function("() => window.incidentMap.drawnIds().length === 1")
        assert drawn(fresh) == [EVENING]
        assert source_checkbox(fresh, "Morning Wire").is_checked()


# ---------------------------------------------------------------- table and export


def test_the_table_lists_the_shown_incidents_by_time(session: PageSession) -> None:
    session.page.locator(".im-table-button").click()
    rows = session.page.locator(".im-table tbody tr")
    rows.first.wait_for(timeout=5_000)
    assert rows.count() == len(MAPPED)
    assert "7 of 7" in session.page.locator(".im-table-info").inner_text()
    source_checkbox(session, "RT").uncheck()
    session.page.wait_for_function(
        "() => document.querySelectorAll('.im-table tbody tr').length === 4"
    )
    first = rows.first.inner_text()
    session.page.locator(".im-sort").click()
    session.page.wait_for_function(
        "(first) => { const r = document.querySelectorAll('.im-table tbody tr');"
        " return r.length === 4 && r[r.length - 1].innerText === first; }",
        arg=first,
    )
    assert "latest first" in session.page.locator(".im-table-info").inner_text()
    assert rows.last.inner_text() == first
    assert rows.filter(has_text="hose truck").count() == 0
    rows.filter(has_text="Canisters").first.click()
    popup = session.page.locator(".leaflet-popup-content .im-incident")
    popup.wait_for(timeout=5_000)
    assert "Canisters landed" in popup.inner_text()


def test_export_what_i_see_as_geojson_and_csv(session: PageSession) -> None:
    source_checkbox(session, "RT").uncheck()
    with session.page.expect_download() as geojson_download:
        session.page.locator(".im-export-geojson").click()
    data = json.loads(Path(geojson_download.value.path()).read_text(encoding="utf-8"))
    exported = sorted(f["properties"]["incident_id"] for f in data["features"])
    assert exported == ids(1, 2, 6, 7)
    feature = next(
        f for f in data["features"] if f["properties"]["incident_id"] == "inc-0000000007"
    )
    assert feature["properties"]["evidence"] == HOSTILE_EVIDENCE
    # Times the page rebuilds from its columns come out as they went in.
    by_id = {r["incident_id"]: r for r in ROWS}
    for f in data["features"]:
        given = by_id[f["properties"]["incident_id"]]
        assert f["properties"]["time_start"] == given["time_start"]
        assert f["properties"]["time_end"] == given["time_end"]
    assert feature["geometry"]["coordinates"] == pytest.approx([FAR_GATE[1], FAR_GATE[0]], abs=1e-5)
    with session.page.expect_download() as csv_download:
        session.page.locator(".im-export-csv").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    records = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["incident_id"] for r in records) == ids(1, 2, 6, 7)
    # As in incidents.csv, a cell a spreadsheet would run as a formula gets an apostrophe.
    assert {r["source"] for r in records} == {"Kurdistan 24", "'@someone_posting", PWN_SOURCE}


# ---------------------------------------------------------------- density and stacks


def test_many_incidents_zoomed_out_are_a_density_and_points_zoomed_in(
    browser: Browser, tmp_path: Path
) -> None:
    limit = load_styles()["density"]["point_limit"]
    rows = []
    for k in range(limit + 500):
        lat = GATE[0] - 0.02 + (k % 71) * 0.0006
        lon = GATE[1] - 0.02 + (k // 71) * 0.0006
        rows.append(incident_row(1000 + k, position=(lat, lon), source=f"Outlet {k % 7}"))
    path = write_map(tmp_path, rows)
    with open_page(browser, path) as session:
        # Wait on the layer's own state, which must become the density view: read once
        # right after the page opened, it was once still 'points' in a clean-clone CI run.
        session.page.wait_for_function(
            "() => window.incidentMap.drawMode() === 'density'", timeout=5_000
        )
        assert len(drawn(session)) == len(rows)
        box = session.page.locator(".leaflet-container").bounding_box()
        centre = session.page.evaluate(
            "([lat, lon]) => { const p = window.incidentMap.map.latLngToContainerPoint([lat, lon]);"
            " return [p.x, p.y]; }",
            [GATE[0] - 0.0, GATE[1] - 0.0],
        )
        pixel = session.page.evaluate("([x, y]) => window.incidentMap.pixel(x, y)", centre)
        assert pixel[3] > 0, "the hexagons are drawn"
        zoom = session.page.evaluate("() => window.incidentMap.map.getZoom()")
        session.page.mouse.click(box["x"] + centre[0], box["y"] + centre[1])
        # The click zooms in with Leaflet's animation; wait until it has ended, or its end
        # (250 ms later) would put back its own zoom over the one set below.
        session.page.wait_for_function(
            "(z) => window.incidentMap.map.getZoom() > z"
            " && !document.querySelector('.leaflet-zoom-anim')",
            arg=zoom,
            timeout=5_000,
        )
        zoom_to(session, GATE, 18)
        assert session.page.evaluate("() => window.incidentMap.drawMode()") == "points"
        session.page.evaluate("() => window.incidentMap.setSources({'Outlet 0': false})")
        assert len(drawn(session)) == len(rows) - len([k for k in range(len(rows)) if k % 7 == 0])


def open_gate_stack(session: PageSession) -> Locator:
    """Click the stack of incidents at the gate (its first is inc-0000000100) and return
    its popup."""
    zoom_to(session, GATE, 17)
    x, y = session.page.evaluate("(id) => window.incidentMap.screenPoint(id)", "inc-0000000100")
    session.page.mouse.click(x, y)
    stack = session.page.locator(".leaflet-popup-content .im-stack")
    stack.wait_for(timeout=5_000)
    return stack


def test_a_stack_too_big_to_fan_is_counted_and_lists_its_incidents(
    browser: Browser, tmp_path: Path
) -> None:
    size = load_styles()["spread"]["max_fan"] + 5
    rows = [incident_row(100 + k, evidence=f"Report number {k} at the gate.") for k in range(size)]
    path = write_map(tmp_path, rows)
    with open_page(browser, path) as session:
        stack = open_gate_stack(session)
        assert f"{size} incidents at this place" in stack.inner_text()
        stack.locator(".im-stack-item").nth(3).click()
        popup = session.page.locator(".leaflet-popup-content .im-incident")
        popup.wait_for(timeout=5_000)
        assert "Report number" in popup.inner_text()


def test_every_type_label_in_a_stack_list_is_the_vocabulary_label(
    browser: Browser, tmp_path: Path
) -> None:
    """Every type is labelled from the incident vocabulary, whatever styles.json says of
    it: never the lower-case code name ('armed attack')."""
    types = ["armed_attack", "casualties", "car_bomb", "tear_gas", "clash"]
    size = load_styles()["spread"]["max_fan"] + 5
    rows = [
        incident_row(100 + k, event_type=types[k % len(types)], evidence=f"Report {k}.")
        for k in range(size)
    ]
    path = write_map(tmp_path, rows)
    with open_page(browser, path) as session:
        stack = open_gate_stack(session)
        items = stack.locator(".im-stack-item").all_inner_texts()
        shown = {text.split(" \u00b7 ")[0].strip() for text in items}
        assert shown == {type_label(t) for t in types}
        assert all(label[:1].isupper() for label in shown), shown
        assert session.page_errors == []


def test_more_incidents_at_one_place_than_the_density_limit_are_listed_at_the_deepest_zoom(
    browser: Browser, tmp_path: Path
) -> None:
    """A gate with more incidents than the density's point limit: zoomed in as far as
    the map goes, it is a counted stack a click lists, not a density a click cannot
    zoom into."""
    size = load_styles()["density"]["point_limit"] + 50
    rows = [incident_row(100 + k, evidence=f"Report number {k} at the gate.") for k in range(size)]
    path = write_map(tmp_path, rows)
    with open_page(browser, path) as session:
        zoom_to(session, GATE, 16)
        assert session.page.evaluate("() => window.incidentMap.drawMode()") == "density"
        deepest = session.page.evaluate("() => window.incidentMap.map.getMaxZoom()")
        zoom_to(session, GATE, deepest)
        assert session.page.evaluate("() => window.incidentMap.drawMode()") == "points"
        x, y = session.page.evaluate("(id) => window.incidentMap.screenPoint(id)", "inc-0000000100")
        session.page.mouse.click(x, y)
        stack = session.page.locator(".leaflet-popup-content .im-stack")
        stack.wait_for(timeout=5_000)
        text = stack.inner_text()
        assert f"{size} incidents at this place" in text
        assert "The first 500 are listed; the table of shown incidents has them all." in text
        assert stack.locator(".im-stack-item").count() == 500
        assert session.page_errors == []


# ---------------------------------------------------------------- phones


def test_on_a_phone_the_panels_collapse_to_buttons(browser: Browser, map_file: Path) -> None:
    with open_page(browser, map_file, viewport=(390, 844)) as session:
        page = session.page
        assert not page.locator(".im-side").is_visible()
        buttons = page.locator(".im-phone-bar .im-phone-button")
        assert buttons.all_inner_texts() == ["Time", "Filters", "Sources", "Key"]
        # What covers the map: the bar, the zoom buttons, the collapsed layer control.
        covered = 0.0
        for selector in (".im-phone-bar", ".leaflet-control-layers", ".leaflet-control-zoom"):
            box = page.locator(selector).bounding_box()
            covered += box["width"] * box["height"]
        assert covered / (390 * 844) < 0.12, "the map keeps most of the screen"
        assert page.locator(".leaflet-control-layers-toggle").is_visible()
        buttons.filter(has_text="Sources").click()
        assert page.locator(".im-side").is_visible()
        assert page.locator(".im-sources").is_visible()
        assert not page.locator(".im-filters").is_visible()
        box = page.locator(".im-side").bounding_box()
        assert box["height"] <= 0.6 * 844
        source_checkbox(session, "RT").uncheck()
        assert drawn(session) == ids(1, 2, 6, 7)
        buttons.filter(has_text="Sources").click()
        assert not page.locator(".im-side").is_visible()
        text = click_incident(session, "inc-0000000002")
        assert "Canisters landed" in text
        popup = page.locator(".leaflet-popup").bounding_box()
        assert popup["width"] <= 390
        assert session.page_errors == []


def test_resizing_a_desktop_page_to_a_phone_and_back(browser: Browser, map_file: Path) -> None:
    with open_page(browser, map_file) as session:
        page = session.page
        assert page.locator(".im-side").is_visible()
        assert not page.locator(".leaflet-control-layers-toggle").is_visible()
        page.set_viewport_size({"width": 390, "height": 844})
        # The layer control is rebuilt collapsed once the resize settles.
        page.locator(".leaflet-control-layers-toggle").wait_for(state="visible", timeout=5_000)
        assert not page.locator(".im-side").is_visible()
        page.wait_for_function("() => window.incidentMap.map.getSize().x === 390", timeout=5_000)
        # The Filters sheet works on the phone: a type unchecked there is gone from the map.
        page.locator(".im-phone-bar .im-phone-button", has_text="Filters").click()
        page.locator(".im-filters .im-facet label.im-check").filter(has_text="Tear gas").locator(
            "input"
        ).uncheck()
        assert "inc-0000000002" not in drawn(session)
        page.locator(".im-phone-bar .im-phone-button", has_text="Filters").click()
        assert not page.locator(".im-side").is_visible()
        page.set_viewport_size({"width": 1280, "height": 800})
        page.locator(".leaflet-control-layers-toggle").wait_for(state="hidden", timeout=5_000)
        assert page.locator(".im-side").is_visible()
        assert not page.locator(".im-phone-bar").is_visible()
        assert "inc-0000000002" not in drawn(session), "the filter outlives the resize"
        assert session.page_errors == []


def popup_inside_viewport(session: PageSession, width: int, height: int) -> dict[str, float]:
    """The open popup's box, asserted inside the viewport with its close cross (and, on a
    phone, between the buttons at the map's top and the bar of panel buttons)."""
    page = session.page
    bar = page.locator(".im-phone-bar")
    phone = bar.is_visible()
    if phone:
        height = int(bar.bounding_box()["y"])
    box = page.locator(".leaflet-popup").bounding_box()
    cross = page.locator(".leaflet-popup-close-button").bounding_box()
    assert box is not None
    assert cross is not None
    if phone:  # as wide as the map, it keeps below the zoom and layer buttons
        for control in (".leaflet-control-zoom", ".leaflet-control-layers"):
            below = page.locator(control).bounding_box()
            assert below is not None
            assert box["y"] >= below["y"] + below["height"], f"the popup is under {control}"
    for name, b in (("popup", box), ("close cross", cross)):
        assert b["x"] >= 0, f"the {name} overhangs the left edge: {b}"
        assert b["x"] + b["width"] <= width, f"the {name} overhangs the right edge: {b}"
        assert b["y"] >= 0, f"the {name} is cut at the top: {b}"
        assert b["y"] + b["height"] <= height, f"the {name} is cut at the bottom: {b}"
    return box


def test_a_popup_on_a_phone_stays_inside_the_screen_with_its_close_cross(
    browser: Browser, map_file: Path
) -> None:
    with open_page(browser, map_file, viewport=(390, 844)) as session:
        # The longest popup (the hostile row's text), and one at a dot near each edge.
        for incident in ("inc-0000000007", "inc-0000000001", "inc-0000000006"):
            click_incident(session, incident)
            session.page.wait_for_timeout(350)  # Leaflet's pan into view
            box = popup_inside_viewport(session, 390, 844)
            assert box["width"] >= 250, "the popup keeps a readable width"
        # Closing it with the cross works: the cross is really there to be tapped.
        session.page.locator(".leaflet-popup-close-button").click()
        session.page.locator(".leaflet-popup").wait_for(state="detached", timeout=5_000)
        assert session.page_errors == []


def test_a_popup_opened_on_the_desktop_narrows_when_the_window_does(
    browser: Browser, map_file: Path
) -> None:
    with open_page(browser, map_file) as session:
        page = session.page
        click_incident(session, "inc-0000000007")
        wide = page.locator(".leaflet-popup").bounding_box()
        assert wide is not None
        assert wide["width"] > 390, "a desktop popup is wide"
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function("() => window.incidentMap.map.getSize().x === 390", timeout=5_000)
        page.wait_for_timeout(350)
        popup_inside_viewport(session, 390, 844)
        assert "the gate burned" in page.locator(".leaflet-popup-content").inner_text()
        # And it widens again with the window.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.wait_for_function("() => window.incidentMap.map.getSize().x > 390", timeout=5_000)
        page.wait_for_timeout(350)
        box = popup_inside_viewport(session, 1280, 800)
        assert box["width"] == pytest.approx(wide["width"], abs=2)
        assert session.page_errors == []


def test_the_sources_panel_stays_usable_with_5000_sources(browser: Browser, tmp_path: Path) -> None:
    rows = [
        incident_row(
            2000 + k,
            source=f"@account_{k:04d}" if k % 2 else f"Outlet {k:04d}",
            source_type="social" if k % 2 else "news",
            position=(GATE[0] + (k % 50) * 1e-4, GATE[1] + (k // 50) * 1e-4),
        )
        for k in range(5000)
    ]
    path = write_map(tmp_path, rows)
    with open_page(browser, path) as session:
        page = session.page
        groups = page.locator(".im-source-group")
        assert groups.count() == 2
        # Big groups start closed and make their rows only when opened.
        assert page.locator(".im-sources .im-check").count() == 0
        summary = groups.nth(0).locator(".im-count").first.inner_text()
        assert summary == "2500/2500 sources · 2500"
        page.locator(".im-source-search").fill("Outlet 0042")
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.im-sources .im-check'))"
            ".filter(r => r.offsetParent !== null).length === 1"
        )
        source_checkbox(session, "Outlet 0042").uncheck()
        assert len(drawn(session)) == 4999
        assert "inc-0000002042" not in drawn(session)
        groups.nth(1).locator(".im-none").click()  # the search shows no account: none of them
        assert len(drawn(session)) == 4999
        page.locator(".im-source-search").fill("")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.im-sources .im-check')]"
            ".every(r => r.style.display !== 'none')"
        )
        groups.nth(1).locator(".im-none").click()
        assert len(drawn(session)) == 2499
        assert groups.nth(1).locator(".im-count").first.inner_text() == "0/2500 sources · 0"
        assert session.page_errors == []
