"""Hostile strings through the whole ``incident-map build`` and into the browser.

Script tags, event-handler attributes, ``javascript:`` addresses, broken HTML and
template syntax go in through report text, report titles, the manifest's source
names, titles and URLs, the gazetteer's names and the map title. The build runs
with sockets disabled; the map it writes is opened in headless Chromium with the
network blocked. Nothing may run (``window.__pwned`` stays undefined), nothing
may log an error, every string must read as text, and every link in a popup must
be http(s).

Needs Debian's Chromium at /usr/bin/chromium; without it these tests fail.
"""

from __future__ import annotations

import csv
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import PageSession, launch_browser, open_page
from click.testing import Result
from playwright.sync_api import Browser
from test_hostile_input import assert_complete_outputs, build

pytestmark = pytest.mark.browser

#: Strings that run script, break out of markup or templates if not escaped.
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "<svg onload=window.__pwned=3>",
    '"><script>window.__pwned=4</script><"',
    "'); window.__pwned=5; ('",
    "</script><script>window.__pwned=6</script>",
    '<a href="javascript:window.__pwned=7">read more</a>',
    "{{ 7*7 }} {% if true %}tpl{% endif %} ${7*7} #{7*7}",
    "<iframe srcdoc='<script>parent.__pwned=8</script>'></iframe>",
    "<!-- an unclosed comment",
    "<style>body{display:none}</style>",
    "<b><i>unclosed tags",
    "&lt;already escaped&gt; &amp;amp; &#60;",
    "`${window.__pwned=9}`",
    "<details open ontoggle=window.__pwned=10>",
    "]]><![CDATA[ x ]]>",
    "\\u003cscript\\u003ewindow.__pwned=11\\u003c/script\\u003e",
    "\u2028\u2029</title>",
    "@ali\u202egpj.exe \u2066isolated\u2069 \u200fmark",
]
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """How the page shows a string: direction controls made visible, never obeyed."""
    return BIDI_CONTROLS.sub(lambda m: f"\u27e8U+{ord(m.group()):04X}\u27e9", text)


#: Report addresses that must never become a link.
HOSTILE_URLS = [
    "javascript:window.__pwned=12",
    "JaVaScRiPt:window.__pwned=13",
    " javascript:window.__pwned=14",
    "java\tscript:window.__pwned=15",
    "data:text/html,<script>window.__pwned=16</script>",
    "vbscript:msgbox(17)",
    "//attacker.example/steal",
    "file:///etc/passwd",
]
#: Report addresses that are links, and must stay inert inside the attribute.
WEB_URLS = [
    'https://example.org/a"><script>window.__pwned=18</script>',
    "http://example.org/q?x=<img src=x onerror=window.__pwned=19>&y='1'",
]
HOSTILE_TITLE = "</title><script>window.__pwned=20</script>{{ title }} {% raw %}"
#: Gazetteer entries named with hostile strings; reports find them by their aliases.
HOSTILE_PLACES = {
    "quince_hall": ("Quince Hall", '<img src=x onerror="window.__pwned=21">'),
    "rowan_hall": ("Rowan Hall", "{{ config }}<script>window.__pwned=22</script>"),
    "medlar_hall": ("Medlar Hall", "<svg/onload=window.__pwned=23>{% for x in y %}"),
}
PLACE_POINTS = {
    "quince_hall": [44.3700, 33.3300],
    "rowan_hall": [44.3550, 33.3200],
    "medlar_hall": [44.4300, 33.2900],
}


def _gazetteer() -> str:
    features = []
    for place_id, (alias, hostile) in HOSTILE_PLACES.items():
        properties = {
            "id": place_id,
            "name": hostile,
            "name_ar": hostile,
            "kind": "building",
            "aliases": [alias],
            "coordinate_basis": "estimate",
            "uncertainty_m": 150,
            "source": f"placed for the tests {hostile}",
            "confidence": hostile,
            "notes": hostile,
        }
        geometry = {"type": "Point", "coordinates": PLACE_POINTS[place_id]}
        features.append(
            {"type": "Feature", "id": place_id, "properties": properties, "geometry": geometry}
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _report(number: int, hostile: str) -> str:
    alias = list(HOSTILE_PLACES.values())[number % len(HOSTILE_PLACES)][0]
    return (
        f"title: {hostile}\ndate: 2021-11-05\n\n"
        f"Riot police fired tear gas at Quince Hall and the Jumhuriya Bridge, {hostile} on Friday."
        f"\n\nLater protesters threw stones at {alias} {hostile}.\n"
    )


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, list[str]]:
    """Build the hostile corpus with every socket refused; return the map, the result
    and the network attempts made."""
    root = tmp_path_factory.mktemp("hostile")
    reports = root / "reports"
    reports.mkdir()
    rows = []
    urls = HOSTILE_URLS + WEB_URLS
    for number, hostile in enumerate(HOSTILE):
        name = f"r{number:02d}.txt"
        (reports / name).write_text(_report(number, hostile), encoding="utf-8")
        source = f"#{number} {hostile}"
        rows.append([f"reports/{name}", source, urls[number % len(urls)], "2021-11-05", hostile])
    manifest = root / "manifest.csv"
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "source", "url", "date", "title"])
        writer.writerows(rows)
    gazetteer = root / "places.geojson"
    gazetteer.write_text(_gazetteer(), encoding="utf-8")

    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args)[:200])
        msg = "the network is disabled for this test"
        raise OSError(msg)

    out = root / "map"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "socket", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        result = build(
            reports,
            out=out,
            extra=(
                "--manifest",
                manifest,
                "--gazetteer",
                gazetteer,
                "--title",
                HOSTILE_TITLE,
            ),
        )
    return out, result, attempts


def test_the_build_needs_no_network(hostile_build: tuple[Path, Result, list[str]]) -> None:
    out, result, attempts = hostile_build
    assert result.exit_code == 0, result.output
    assert attempts == []
    assert_complete_outputs(out)
    page = (out / "map.html").read_text(encoding="utf-8")
    assert re.search(r"<script[^>]+src=[\"']?(?:https?:)?//", page) is None
    assert re.search(r"<link[^>]+href=[\"']?(?:https?:)?//", page) is None


def test_every_hostile_string_reaches_the_data_verbatim(
    hostile_build: tuple[Path, Result, list[str]],
) -> None:
    out, _, _ = hostile_build
    rows = [f["properties"] for f in features(out / "incidents.geojson")]
    evidence = "\n".join(row["evidence"] for row in rows)
    sources = {row["source"] for row in rows}
    for number, hostile in enumerate(HOSTILE):
        assert hostile in evidence, f"{hostile!r} is missing from the evidence"
        assert f"#{number} {hostile}" in sources
    places = {row["place_id"]: row["place_name"] for row in rows if row["place_id"]}
    for place_id, (_, hostile) in HOSTILE_PLACES.items():
        assert places[place_id] == hostile


def features(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def opened(
    browser: Browser, hostile_build: tuple[Path, Result, list[str]]
) -> Iterator[tuple[PageSession, list[dict[str, Any]]]]:
    """The hostile map open in Chromium, every popup it holds built and shown once."""
    out, _, _ = hostile_build
    with open_page(browser, out / "map.html") as session:
        count = session.page.evaluate(COLLECT_POPUPS_JS)
        popups = [session.page.evaluate(OPEN_POPUP_JS, index) for index in range(count)]
        for details in session.page.locator("details").all():
            details.evaluate("element => { element.open = true; }")
        session.page.wait_for_timeout(300)
        yield session, popups


COLLECT_POPUPS_JS = """
async () => {
  // Every incident's and event's popup (shown or not: the page builds them from its
  // columns), and every place popup bound to the places layer.
  const api = window.incidentMap, contents = [];
  for (let i = 0; i < api.state.inc.n; i++) { contents.push(await api.incidentElement(i)); }
  for (let j = 0; j < api.state.evt.n; j++) { contents.push(await api.eventElement(j)); }
  const walk = layer => {
    const popup = layer.getPopup ? layer.getPopup() : null;
    if (popup) { contents.push(popup.getContent()); }
    if (layer.eachLayer) { layer.eachLayer(walk); }
  };
  if (api.places) { walk(api.places); }
  window.__popupContents = contents;
  return contents.length;
}
"""

OPEN_POPUP_JS = """
(index) => {
  const map = window.incidentMap.map;
  const popup = L.popup({maxWidth: 400}).setLatLng(map.getCenter())
    .setContent(window.__popupContents[index]).openOn(map);
  const element = popup.getElement().querySelector('.leaflet-popup-content');
  const seen = {
    text: element.textContent,
    hrefs: Array.from(element.querySelectorAll('[href]')).map(a => a.getAttribute('href')),
    scripts: element.querySelectorAll('script, iframe, svg, img, style').length,
  };
  map.closePopup(popup);
  return seen;
}
"""


def test_nothing_runs_and_nothing_fails(
    opened: tuple[PageSession, list[dict[str, Any]]],
) -> None:
    session, popups = opened
    assert len(popups) > len(HOSTILE)
    assert session.page.evaluate("() => window.__pwned") is None
    assert session.page.evaluate("() => window.parent.__pwned") is None
    assert session.console_errors == []
    assert session.page_errors == []
    assert session.blocked_requests == [], "the page tried to reach the network"


def test_hostile_strings_read_as_text_in_popups(
    opened: tuple[PageSession, list[dict[str, Any]]],
) -> None:
    _, popups = opened
    text = "\n".join(popup["text"] for popup in popups)
    for number, hostile in enumerate(HOSTILE):
        assert shown(hostile) in text, f"{hostile!r} is not shown as text"
        assert f"#{number} {shown(hostile)}" in text
    for _, hostile in HOSTILE_PLACES.values():
        assert hostile in text
    assert all(popup["scripts"] == 0 for popup in popups), "markup from the data was rendered"


def test_links_in_popups_are_only_http(opened: tuple[PageSession, list[dict[str, Any]]]) -> None:
    _, popups = opened
    hrefs = [href for popup in popups for href in popup["hrefs"]]
    assert hrefs, "no report link was drawn at all"
    assert all(re.match(r"https?://", href) for href in hrefs), hrefs
    assert set(hrefs) <= set(WEB_URLS)
    text = "\n".join(popup["text"] for popup in popups)
    for url in HOSTILE_URLS:
        assert f"not a web link: {url.strip()}" in " ".join(text.split()) or url.strip() in text


def test_the_page_title_sources_panel_and_table_show_the_strings_as_text(
    opened: tuple[PageSession, list[dict[str, Any]]],
) -> None:
    session, _ = opened
    assert session.page.title() == HOSTILE_TITLE
    assert session.page.locator(".im-head h1").text_content() == HOSTILE_TITLE
    sources = session.page.locator(".im-sources").text_content() or ""
    for number, hostile in enumerate(HOSTILE):
        assert f"#{number} {shown(hostile)}" in sources
    session.page.locator(".im-table-button").click()
    session.page.locator(".im-table tbody tr").first.wait_for(timeout=5_000)
    table = session.page.locator(".im-table").text_content() or ""
    assert any(shown(hostile) in table for hostile in HOSTILE)
    assert "@ali\u27e8U+202E\u27e9gpj.exe" in sources, "a direction override was obeyed"
    panel = session.page.locator(".im-side, .im-drawer")
    assert panel.locator("img, iframe, svg, style, script").count() == 0
    assert session.page.evaluate("() => window.__pwned") is None
    assert session.page_errors == []
