"""Properties that hold for any input, checked with hypothesis.

Any text in gives no crash; every place mention's span indexes its own words;
every incident's evidence is a verbatim stretch of its report; every coordinate
that leaves the tool lies in the gazetteer's area; the same input always gives the
same bytes out. Examples are drawn from report-like fragments (place names,
trigger words, dates, embedded-post trailers, headers, Arabic, invisible and bidi
characters) mixed with arbitrary text. Runs are derandomised, so the suite is
repeatable.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_strategies import FRAGMENTS
from report_strategies import report_texts as strategies_report_texts
from shapely.geometry import box
from test_hostile_input import GOOD_REPORT, OTHER_REPORT

from gazetteer.geoparse import Geoparser
from geo.errors import ReportError
from incidents.model import Report
from incidents.pipeline import analyse_report, incidents_frame, places_frame
from incidents.report_files import ReportMetadata
from incidents.report_text import decode_report, html_report_text, looks_like_html
from incidents.reports import parse_report
from maps.build import OUTPUT_FILES, build

#: The gazetteer's area: every coordinate written must lie in it.
AREA = box(44.0, 33.0, 44.8, 33.6)

report_texts = strategies_report_texts(max_pieces=30, max_free_text=12)

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _parsed(text: str, date: dt.date | None) -> Report | None:
    """The parsed report, or None when the text is refused (and may be)."""
    refused: ReportError | None = None
    try:
        return parse_report(
            text, path="generated.txt", metadata=ReportMetadata(source="Gen", date=date)
        )
    except ReportError as error:
        refused = error
    assert "empty" in refused.message or "no text after it" in refused.message, refused.message
    return None


def _check_mentions(report: Report, mentions: Any) -> None:
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(report.text)
        assert report.text[mention.start : mention.end] == mention.text


def _check_incidents(report: Report, incidents: Any) -> None:
    for incident in incidents:
        start, end = incident.evidence_start, incident.evidence_end
        assert 0 <= start < end <= len(report.text)
        assert report.text[start:end] == incident.evidence
        assert incident.report == report.path
        if incident.lat is not None or incident.lon is not None:
            assert AREA.covers(box(incident.lon, incident.lat, incident.lon, incident.lat)), (
                f"{incident.place_id} at lat {incident.lat}, lon {incident.lon} is outside"
            )


@PROPERTY_SETTINGS
@given(text=report_texts, date=st.sampled_from([None, dt.date(2021, 11, 5)]))
def test_any_report_text_keeps_every_promise(
    geoparser: Geoparser, text: str, date: dt.date | None
) -> None:
    """No crash; spans index their text; evidence is verbatim; coordinates in the area."""
    report = _parsed(text, date)
    if report is None:
        return
    result = analyse_report(report, geoparser)
    _check_mentions(report, result.mentions)
    _check_incidents(report, result.incidents)
    frames = [incidents_frame(result.incidents), places_frame(result.mentions, geoparser.gazetteer)]
    for frame in frames:
        shapes = [g for g in frame.geometry if g is not None and not g.is_empty]
        assert all(AREA.covers(shape) for shape in shapes)


@PROPERTY_SETTINGS
@given(text=report_texts)
def test_reading_a_report_twice_gives_the_same_result(geoparser: Geoparser, text: str) -> None:
    report = _parsed(text, None)
    if report is None:
        return
    first, second = analyse_report(report, geoparser), analyse_report(report, geoparser)
    assert [i.as_record() for i in first.incidents] == [i.as_record() for i in second.incidents]
    assert [m.as_record() for m in first.mentions] == [m.as_record() for m in second.mentions]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(data=st.binary(max_size=300) | report_texts.map(lambda t: t.encode("utf-16")))
def test_any_bytes_are_decoded_or_refused_with_a_reason(data: bytes) -> None:
    try:
        text = decode_report(data, path="bytes.txt")
    except ReportError as error:
        text, refused = "", error
    if not text:
        assert refused.path == "bytes.txt"
        assert refused.message
        return
    assert text.strip()
    assert "\r" not in text
    assert not text.startswith("\ufeff")


HTML_PIECES = [
    "<html>",
    "<body>",
    "<p>",
    "</p>",
    "<br>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<svg>",
    "</svg>",
    "<a href='x'>",
    '<meta property="og:site_name" content="',
    '">',
    "<title>",
    "</title>",
    "&amp;",
    "&#x27;",
    "&",
    "<",
    ">",
    "'",
    '"',
    "Police fired tear gas on the Jumhuriya Bridge.",
]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    page=st.lists(st.one_of(st.sampled_from(HTML_PIECES), st.text(max_size=8)), max_size=40).map(
        lambda parts: "<!DOCTYPE html>" + "".join(parts)
    )
)
def test_any_html_page_is_read_or_refused(page: str) -> None:
    assert looks_like_html(page)
    try:
        text = html_report_text(page, path="page.html")
    except ReportError as error:
        text, refused = "", error
    if not text:
        assert "no visible text" in refused.message
        return
    assert text == text.strip()
    assert "\n\n\n" not in text
    parse_report(text, path="page.html")


# --------------------------------------------------------------------------- builds


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    examples = Path(__file__).resolve().parents[1] / "examples" / "reports"
    for path in examples.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "good.txt").write_text(GOOD_REPORT, encoding="utf-8")
    (folder / "other.txt").write_text(OTHER_REPORT, encoding="utf-8")
    (folder / "mixed.txt").write_text(
        "".join(FRAGMENTS[i % len(FRAGMENTS)] + " " for i in range(0, 400, 7)), encoding="utf-8"
    )
    return folder


def test_rebuilding_gives_byte_identical_outputs(corpus: Path, tmp_path: Path) -> None:
    first = build([corpus], tmp_path / "first")
    second = build([corpus], tmp_path / "second")
    assert first.incidents == second.incidents > 20
    for name in OUTPUT_FILES:
        one = (tmp_path / "first" / name).read_bytes()
        two = (tmp_path / "second" / name).read_bytes()
        assert one == two, f"{name} differs between two builds of the same reports"


def test_built_coordinates_lie_in_the_area(corpus: Path, tmp_path: Path) -> None:
    import json

    summary = build([corpus], tmp_path / "out")
    assert summary.mapped > 0
    for name in ("incidents.geojson", "places.geojson", "events.geojson"):
        document = json.loads((tmp_path / "out" / name).read_text(encoding="utf-8"))
        for feature in document["features"]:
            if feature["geometry"] is None:
                continue
            for lon, lat in _points(feature["geometry"]["coordinates"]):
                assert 44.0 <= lon <= 44.8, f"{name} {feature['id']}: lon {lon}"
                assert 33.0 <= lat <= 33.6, f"{name} {feature['id']}: lat {lat}"


def _points(coordinates: Any) -> list[tuple[float, float]]:
    if coordinates and isinstance(coordinates[0], int | float):
        return [(coordinates[0], coordinates[1])]
    return [point for part in coordinates for point in _points(part)]
