"""Hostile and broken input through ``incident-map build``: it keeps working, loses
nothing and leaves no half-written output.

Each bad input must give one clear line naming the file (and line), no traceback,
exit code 1 only when something could not be used, the good reports still built,
and an existing map untouched when a build is refused or fails. Every text here is
written for the tests.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import os
import shutil
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from growth import assert_linear

from gazetteer.geoparse import Geoparser
from gazetteer.model import load_gazetteer
from geo.errors import ReportError
from incident_map.cli import cli
from incidents.cache import CACHE_FOLDER
from incidents.pipeline import analyse_report
from incidents.report_text import html_report_text
from incidents.reports import parse_report, read_report
from maps.build import OUTPUT_FILES

# --------------------------------------------------------------------------- helpers

HEADER = "source: Test Wire\ndate: 2021-11-05\n\n"
FIRST = "Riot police fired tear gas at protesters on the Jumhuriya Bridge on Friday afternoon."
SECOND = (
    "Later that evening demonstrators threw stones at the Green Zone gate by the Ministry "
    "of Planning, and security forces answered with water cannon."
)
BODY = f"{FIRST}\n\n{SECOND}\n"
GOOD_REPORT = HEADER + BODY

#: Another good report, at another place.
OTHER_REPORT = (
    "source: Test Radio\ndate: 2021-11-05\n\n"
    "Protesters set fire to tents in Tahrir Square late on Friday night.\n"
)


@functools.cache
def expected_incidents(text: str) -> tuple[tuple[str, str | None], ...]:
    """(event type, place id) of the incidents the library finds in ``text``, in text
    order: what every odd spelling, encoding or wrapping of that text must give too."""
    report = parse_report(text, path="expected.txt")
    result = analyse_report(report, Geoparser(load_gazetteer()))
    rows = sorted(result.incidents, key=lambda i: (i.evidence_start, i.event_type))
    return tuple((i.event_type, i.place_id) for i in rows)


def good_incidents() -> list[tuple[str, str | None]]:
    return list(expected_incidents(GOOD_REPORT))


def test_the_good_reports_have_incidents_at_several_places() -> None:
    """The baseline the other tests compare with is worth comparing with."""
    places = {place for _, place in good_incidents()}
    assert len(good_incidents()) >= 3
    assert {"bridge_jumhuriya", "gz_gate_ministry_of_planning"} <= places
    assert {place for _, place in expected_incidents(OTHER_REPORT)} == {"tahrir_square"}


def invoke(*args: object) -> Result:
    """Run ``incident-map ARGS`` in-process; fail on a traceback instead of a message."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(
            f"incident-map {' '.join(map(str, args))} raised instead of reporting:\n{trace}"
        )
    assert "Traceback" not in result.output
    return result


def build(*inputs: object, out: Path, extra: tuple[object, ...] = ()) -> Result:
    return invoke("build", *inputs, "--out", out, *extra)


def features(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def incidents_by_report(out: Path) -> dict[str, list[tuple[str, str | None]]]:
    """(event type, place id) of each report's incidents, in text order, by file name."""
    found: dict[str, list[tuple[int, str, str | None]]] = {}
    for feature in features(out / "incidents.geojson"):
        props = feature["properties"]
        found.setdefault(Path(props["report"]).name, []).append(
            (props["evidence_start"], props["event_type"], props["place_id"])
        )
    return {
        name: [(kind, place) for _, kind, place in sorted(rows, key=lambda r: (r[0], r[1]))]
        for name, rows in found.items()
    }


def assert_complete_outputs(out: Path) -> None:
    """Every output is there and readable, and no staging or temporary file is left."""
    for name in OUTPUT_FILES:
        assert (out / name).is_file(), f"{name} is missing"
        assert (out / name).stat().st_size > 0
    for name in ("incidents.geojson", "places.geojson"):
        json.loads((out / name).read_text(encoding="utf-8"))
    # The result cache is the one hidden thing a build keeps (no staging, no lock).
    leftovers = sorted(
        p.name for p in out.iterdir() if p.name.startswith(".") and p.name != CACHE_FOLDER
    )
    assert leftovers == [], f"staging or temporary files left behind: {leftovers}"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (names relative to it) with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": error: " in line]


@pytest.fixture(scope="module")
def previous_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A map built from the good report, to copy before a build that must not touch it."""
    folder = tmp_path_factory.mktemp("previous")
    report = folder / "good.txt"
    report.write_text(GOOD_REPORT, encoding="utf-8")
    out = folder / "map"
    result = build(report, out=out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def existing_map(previous_map: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A copy of ``previous_map`` in this test's folder, with its bytes to compare."""
    out = tmp_path / "existing-map"
    shutil.copytree(previous_map, out)
    return out, snapshot(out)


@pytest.fixture
def good_report(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(GOOD_REPORT, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- reports

#: Reports read as the good report is: only their bytes or characters differ.
SAME_TEXT = {
    "utf8_bom.txt": b"\xef\xbb\xbf" + GOOD_REPORT.encode("utf-8"),
    "utf16_bom_le.txt": b"\xff\xfe" + GOOD_REPORT.encode("utf-16-le"),
    "utf16_bom_be.txt": b"\xfe\xff" + GOOD_REPORT.encode("utf-16-be"),
    "utf16_le.txt": GOOD_REPORT.encode("utf-16-le"),
    "utf16_be.txt": GOOD_REPORT.encode("utf-16-be"),
    "windows.txt": GOOD_REPORT.replace("\n", "\r\n").encode("utf-8"),
    "old_mac.txt": GOOD_REPORT.replace("\n", "\r").encode("utf-8"),
}
#: Reports whose characters differ where a reader sees none, or only decoration.
SAME_PLACES = {
    "bidi.txt": HEADER
    + BODY.replace("Jumhuriya Bridge", "\u2067Jumhuriya Bridge\u2069\u200f").replace(
        "Green Zone", "\u202bGreen Zone\u202c\u200e"
    ),
    "zero_width.txt": HEADER
    + BODY.replace("Jumhuriya Bridge", "Jum\u200dhuriya\u00a0Bridge")
    .replace("Ministry of Planning", "Minis\u00adtry\u00a0of\u200b Planning")
    .replace("Green Zone", "Green\u202fZone\ufeff"),
    "emoji.txt": HEADER
    + "🇮🇶🔥 "
    + BODY.replace("Riot police", "Riot police 👮🏽‍♀️")
    .replace("Bridge", "Bridge 🌉🏳️‍🌈")
    .replace("water cannon", "water cannon 💦🇺🇳"),
    "nesting.txt": HEADER
    + "(" * 4000
    + "[" * 4000
    + "{" * 2000
    + '"' * 3000
    + "'" * 3000
    + "«" * 2000
    + "\n\n"
    + BODY.replace("the Jumhuriya Bridge", "the ((([[Jumhuriya Bridge]])))")
    + ")]}" * 3000
    + "\n",
}
SAVED_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Tear gas and stones at the bridge | Test Wire</title>
<meta property="og:site_name" content="Test Wire">
<meta property="article:published_time" content="2021-11-05T21:40:00+03:00">
<link rel="canonical" href="https://example.org/wire/bridge">
<script>var teaser = "<p>Police fired tear gas in Tahrir Square.</p>";
if (a < b) {{ go(); }}</script>
<style>p {{ color: #222 }}</style>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>A long night by the river</h1>
<p>{FIRST.replace("tear gas", "<b>tear gas</b>")}</p>
<!-- <p>Protesters set fire to tents in Tahrir Square.</p> -->
<p>{SECOND.replace("Green Zone", '<a href="/gz">Green Zone</a>')}</p>
<template><p>Police fired tear gas in Tahrir Square.</p></template>
</article></body></html>
"""


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", GOOD_REPORT)
    return buffer.getvalue()


#: Files refused, each with words its one error line must hold (line given when known).
REFUSED: dict[str, tuple[bytes, str, int | None]] = {
    "empty.txt": (b"", "empty", None),
    "blank.txt": (b" \n\t\r\n   \n", "empty", None),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "PNG", None),
    "scan.txt": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF", None),
    "archive.txt": (_zip_bytes(), "ZIP", None),
    "latin1.txt": (
        "Police arrived.\nThen more.\nCaf\xe9 owners fled.\n".encode("latin-1"),
        "UTF-8",
        3,
    ),
    "binary.txt": (bytes(range(256)) * 4, "binary", None),
    "empty_page.html": (
        b"<!DOCTYPE html><html><head><script>x()</script></head></html>",
        "HTML",
        None,
    ),
    "locked.txt": (GOOD_REPORT.encode("utf-8"), "Permission denied", None),
}
#: Files a folder walk passes over without a word: not reports.
SKIPPED = {
    "photo.png": b"\x89PNG\r\n\x1a\n",
    "notes.pdf": b"%PDF-1.4\n",
    "data.json": b'{"Jumhuriya Bridge": "tear gas"}',
    ".hidden.txt": OTHER_REPORT.encode("utf-8"),
    "page_files/advert.html": b"<html><body>Buy now</body></html>",
    "page_files/tracker.txt": OTHER_REPORT.encode("utf-8"),
}


@pytest.fixture(scope="module")
def mixed_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Result]:
    """One build of a folder holding every kind of report, good, odd and broken.

    Besides the files above: a symlink loop, a subfolder that cannot be listed and
    a file that cannot be read (simulated: the tests run as root).
    """
    root = tmp_path_factory.mktemp("mixed")
    reports = root / "reports"
    reports.mkdir()
    (reports / "good.txt").write_text(GOOD_REPORT, encoding="utf-8")
    (reports / "other.txt").write_text(OTHER_REPORT, encoding="utf-8")
    for name, data in SAME_TEXT.items():
        (reports / name).write_bytes(data)
    for name, text in SAME_PLACES.items():
        (reports / name).write_text(text, encoding="utf-8")
    (reports / "page.html").write_text(SAVED_PAGE, encoding="utf-8")
    for name, (data, _, _) in REFUSED.items():
        (reports / name).write_bytes(data)
    for name, data in SKIPPED.items():
        (reports / name).parent.mkdir(exist_ok=True)
        (reports / name).write_bytes(data)
    (reports / "loop").mkdir()
    (reports / "loop" / "again").symlink_to(reports, target_is_directory=True)
    (reports / "loop" / "self").symlink_to(reports / "loop", target_is_directory=True)
    (reports / "locked_folder").mkdir()
    (reports / "locked_folder" / "inside.txt").write_text(OTHER_REPORT, encoding="utf-8")

    real_read_bytes, real_scandir = Path.read_bytes, os.scandir

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    def scandir(path: Any = ".") -> Any:
        if isinstance(path, str | os.PathLike) and Path(path).name == "locked_folder":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    out = root / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_bytes", read_bytes)
        patch.setattr(os, "scandir", scandir)
        result = build(reports, out=out)
    return reports, out, result


def test_a_folder_of_mixed_reports_is_built_and_fails_only_for_the_broken(
    mixed_build: tuple[Path, Path, Result],
) -> None:
    _, out, result = mixed_build
    assert result.exit_code == 1
    assert_complete_outputs(out)
    expected_errors = len(REFUSED) + 1  # and the folder that cannot be listed
    assert len(error_lines(result)) == expected_errors, result.stderr
    assert f"failed: {expected_errors}" in result.stdout


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_broken_report_gets_one_clear_line(
    mixed_build: tuple[Path, Path, Result], name: str
) -> None:
    reports, _, result = mixed_build
    _, words, line = REFUSED[name]
    where = f"{reports / name}:{line}" if line else str(reports / name)
    mine = [text for text in error_lines(result) if text.startswith(f"{where}: error: ")]
    assert len(mine) == 1, f"no single error line for {where} in:\n{result.stderr}"
    assert words.casefold() in mine[0].casefold()


def test_a_folder_that_cannot_be_listed_is_named(mixed_build: tuple[Path, Path, Result]) -> None:
    reports, _, result = mixed_build
    assert f"{reports / 'locked_folder'}: error: cannot list the folder" in result.stderr


def test_good_reports_lose_nothing(mixed_build: tuple[Path, Path, Result]) -> None:
    _, out, _ = mixed_build
    found = incidents_by_report(out)
    assert found["good.txt"] == good_incidents()
    assert found["other.txt"] == list(expected_incidents(OTHER_REPORT))


@pytest.mark.parametrize("name", sorted(SAME_TEXT))
def test_encodings_and_line_ends_give_the_same_incidents(
    mixed_build: tuple[Path, Path, Result], name: str
) -> None:
    _, out, _ = mixed_build
    evidence = {
        Path(f["properties"]["report"]).name: f["properties"]["evidence"]
        for f in features(out / "incidents.geojson")
        if f["properties"]["event_type"] == "tear_gas"
    }
    assert incidents_by_report(out)[name] == good_incidents()
    assert evidence[name] == evidence["good.txt"] == FIRST


@pytest.mark.parametrize("name", sorted(SAME_PLACES))
def test_invisible_characters_emoji_and_nesting_still_match_places(
    mixed_build: tuple[Path, Path, Result], name: str
) -> None:
    _, out, _ = mixed_build
    assert incidents_by_report(out)[name] == good_incidents()


def test_a_saved_web_page_is_read_as_its_visible_text(
    mixed_build: tuple[Path, Path, Result],
) -> None:
    reports, out, result = mixed_build
    # Script, comment and template text (all about Tahrir Square) is not read.
    assert incidents_by_report(out)["page.html"] == good_incidents()
    page_rows = [
        f["properties"]
        for f in features(out / "incidents.geojson")
        if f["properties"]["report"].endswith("page.html")
    ]
    assert {row["source"] for row in page_rows} == {"Test Wire"}
    assert {row["date"] for row in page_rows} == {"2021-11-05"}
    assert {row["url"] for row in page_rows} == {"https://example.org/wire/bridge"}
    assert all("<" not in row["evidence"] for row in page_rows)
    assert f"{reports / 'page.html'}: warning: read as an HTML page" in result.stderr


def test_files_that_are_not_reports_are_passed_over(mixed_build: tuple[Path, Path, Result]) -> None:
    _, out, result = mixed_build
    for name in SKIPPED:
        assert Path(name).name not in result.stderr
        assert Path(name).name not in incidents_by_report(out)
    assert "inside.txt" not in incidents_by_report(out)


def test_symlink_loops_are_walked_once(mixed_build: tuple[Path, Path, Result]) -> None:
    _, out, result = mixed_build
    reports_read = sum(1 for _ in SAME_TEXT) + len(SAME_PLACES) + 3  # good, other, page
    assert f"reports read: {reports_read}," in result.stdout
    rows = features(out / "incidents.geojson")
    good_rows = [r for r in rows if Path(r["properties"]["report"]).name == "good.txt"]
    assert len(good_rows) == len(good_incidents())


def test_a_pipe_or_device_named_as_a_report_is_refused_not_read(
    tmp_path: Path, good_report: Path
) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = build(fifo, "/dev/zero", good_report, out=tmp_path / "out")
    assert result.exit_code == 1
    assert f"{fifo}: error: is not a regular file" in result.stderr
    assert "/dev/zero: error: is not a regular file" in result.stderr
    assert incidents_by_report(tmp_path / "out")["good.txt"] == good_incidents()


def test_file_names_that_are_not_utf8_are_refused_by_name(tmp_path: Path) -> None:
    # Linux file names are bytes; these cannot be written into UTF-8 outputs.
    reports = tmp_path / "reports"
    reports.mkdir()
    for name in (b"good.txt", b"r\xe9sum\xe9.txt", b"\xff\xfe.txt"):
        (reports / os.fsdecode(name)).write_text(GOOD_REPORT, encoding="utf-8")
    result = build(reports, out=tmp_path / "out")
    assert result.exit_code == 1
    for shown in ("r\\xe9sum\\xe9.txt", "\\xff\\xfe.txt"):
        assert f"{reports}/{shown}: error: the file name is not valid UTF-8" in result.stderr
    assert list(incidents_by_report(tmp_path / "out")) == ["good.txt"]
    bad_out = os.fsdecode(os.fsencode(tmp_path) + b"/out\xff")
    result = build(reports / "good.txt", out=bad_out)
    assert result.exit_code == 1
    assert f"{tmp_path}/out\\xff: the output folder's name is not valid UTF-8" in result.stderr


def test_when_no_report_can_be_read_each_reason_is_given_and_nothing_written(
    tmp_path: Path, existing_map: tuple[Path, dict[str, bytes]]
) -> None:
    out, before = existing_map
    empty, image = tmp_path / "empty.txt", tmp_path / "image.txt"
    empty.write_bytes(b"")
    image.write_bytes(REFUSED["image.txt"][0])
    result = build(empty, image, tmp_path / "missing.txt", out=out)
    assert result.exit_code == 1
    assert "no report could be read" in result.stderr
    assert f"{empty}: error: report is empty" in result.stderr
    assert f"{image}: error: looks like a PNG image" in result.stderr
    assert f"{tmp_path / 'missing.txt'}: error: no such file or folder" in result.stderr
    assert snapshot(out) == before


def test_a_five_megabyte_report_is_read_to_its_last_line(tmp_path: Path) -> None:
    filler = "Traffic moved slowly along the river road while shops stayed open. "
    middle = (filler * 12 + "\n\n") * (5_100_000 // (len(filler) * 12 + 2))
    path = tmp_path / "long.txt"
    path.write_text(HEADER + FIRST + "\n\n" + middle + SECOND + "\n", encoding="utf-8")
    assert path.stat().st_size > 5_000_000
    report = read_report(path)
    last = report.segments[-1]
    assert report.text[last.start : last.end].endswith(SECOND)
    assert report.source == "Test Wire"


def test_a_report_of_one_megabyte_line_is_built_whole(tmp_path: Path) -> None:
    # A pasted blob (an image as base64) of one 1 MB line between two paragraphs.
    import base64
    import random

    blob = base64.b64encode(random.Random(5).randbytes(750_000)).decode("ascii")
    path = tmp_path / "blob.txt"
    path.write_text(f"{HEADER}{FIRST}\n{blob}\n\n{SECOND}\n", encoding="utf-8")
    result = build(path, out=tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert incidents_by_report(tmp_path / "out")["blob.txt"] == good_incidents()


def test_two_thousand_tiny_reports(tmp_path: Path) -> None:
    reports = tmp_path / "many"
    reports.mkdir()
    for number in range(2000):
        text = GOOD_REPORT if number % 500 == 0 else f"{HEADER}Shops on street {number} opened.\n"
        (reports / f"r{number:04d}.txt").write_text(text, encoding="utf-8")
    result = build(reports, out=tmp_path / "out")
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "reports read: 2000, failed: 0" in result.stdout
    found = incidents_by_report(tmp_path / "out")
    assert sorted(found) == [f"r{n:04d}.txt" for n in range(0, 2000, 500)]
    assert all(rows == good_incidents() for rows in found.values())


# --------------------------------------------------------------------------- manifests


def _manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "manifest.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "where", "words"),
    [
        ("file,source\ngood.txt,Wire\n", 1, "no 'path' column"),
        ("", 1, "empty"),
        ("path,date\ngood.txt,2021-11-05\ngood.txt,2021-11-06\n", 3, "lines 2 and 3"),
        ("path,date\ngood.txt,05/11/2021\n", 2, "'05/11/2021' is not a date"),
        ("path,date\ngood.txt,2021-02-30\n", 2, "not a date"),
        ("path,source\ngood.txt,Wire,extra,cells\n", 2, "quote cells that contain commas"),
        ("path,source\n,Wire\n", 2, "no path"),
    ],
    ids=[
        "no-path-column",
        "empty",
        "duplicate-rows",
        "bad-date",
        "impossible-date",
        "extra",
        "no-path",
    ],
)
def test_a_broken_manifest_is_refused_before_anything_is_built(
    tmp_path: Path,
    good_report: Path,
    existing_map: tuple[Path, dict[str, bytes]],
    content: str,
    where: int,
    words: str,
) -> None:
    out, before = existing_map
    manifest = _manifest(tmp_path, content)
    result = build(good_report, out=out, extra=("--manifest", manifest))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {manifest}:{where}: ")
    assert words in result.stderr
    assert snapshot(out) == before


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n\xff\xfe", "path\nrapport_\xe9t\xe9.txt\n".encode("latin-1")]
)
def test_a_manifest_that_is_not_utf8_text_is_refused(
    tmp_path: Path, good_report: Path, data: bytes
) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_bytes(data)
    result = build(good_report, out=tmp_path / "out", extra=("--manifest", manifest))
    assert result.exit_code == 1
    assert f"Error: {manifest}: the manifest is not UTF-8" in result.stderr
    assert not (tmp_path / "out").exists()


def test_manifest_rows_for_missing_files_are_warnings_and_few_columns_do(
    tmp_path: Path, good_report: Path
) -> None:
    manifest = _manifest(
        tmp_path, "path,source\ngood.txt,Manifest Wire\ngone.txt,Nobody\nreports/old.txt,\n"
    )
    result = build(good_report, out=tmp_path / "out", extra=("--manifest", manifest))
    assert result.exit_code == 0, result.output
    assert f"{manifest}:3: warning: 'gone.txt' does not exist" in result.stderr
    assert f"{manifest}:4: warning: 'reports/old.txt' does not exist" in result.stderr
    assert result.stderr.count("does not exist") == 2  # listed once, not twice
    sources = {f["properties"]["source"] for f in features(tmp_path / "out" / "incidents.geojson")}
    assert sources == {"Manifest Wire"}


# --------------------------------------------------------------------------- gazetteers


def _place(
    place_id: str,
    name: str,
    *,
    kind: str = "building",
    geometry: dict[str, Any] | None = None,
    **properties: Any,
) -> dict[str, Any]:
    props = {
        "id": place_id,
        "name": name,
        "kind": kind,
        "coordinate_basis": "estimate",
        "uncertainty_m": 100,
        "source": "placed for the tests",
        **properties,
    }
    return {
        "type": "Feature",
        "id": place_id,
        "properties": props,
        "geometry": geometry or {"type": "Point", "coordinates": [44.3895, 33.3121]},
    }


def _collection(*places: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(places)})


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[44.380, 33.310], [44.385, 33.310], [44.385, 33.315], [44.380, 33.315]]],
}
SQUARE["coordinates"][0].append(SQUARE["coordinates"][0][0])
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[44.380, 33.310], [44.385, 33.315], [44.385, 33.310], [44.380, 33.315]]],
}
BOWTIE["coordinates"][0].append(BOWTIE["coordinates"][0][0])

BROKEN_GAZETTEERS: dict[str, tuple[str, str]] = {
    "invalid-json": ('{"type": "FeatureCollection",\n "features": [}\n', ":2: not valid JSON"),
    "not-a-collection": ("[]", "must be a GeoJSON FeatureCollection"),
    "deep-nesting": ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    "nan": (
        _collection(_place("hall", "Quince Hall")).replace("100", "NaN"),
        "NaN is not a number JSON allows",
    ),
    "unknown-geometry": (
        _collection(_place("hall", "Quince Hall", geometry={"type": "Circle", "radius": 3})),
        "entry 'hall': geometry cannot be read",
    ),
    "wrong-geometry-type": (
        _collection(
            _place(
                "gate_x",
                "Quince Gate",
                kind="gate",
                part_of="green_zone",
                geometry={"type": "LineString", "coordinates": [[44.39, 33.30], [44.40, 33.31]]},
            )
        ),
        "entry 'gate_x': a gate needs a Point geometry, got LineString",
    ),
    "self-intersecting": (
        _collection(_place("square_x", "Quince Square", kind="square", geometry=BOWTIE)),
        "entry 'square_x': invalid Polygon geometry: Self-intersection",
    ),
    "lat-lon-swapped": (
        _collection(
            _place("hall", "Quince Hall", geometry={"type": "Point", "coordinates": [33.31, 44.38]})
        ),
        "entry 'hall': looks like lat/lon are swapped",
    ),
    "duplicate-id": (
        _collection(_place("hall", "Quince Hall"), _place("hall", "Rowan Hall")),
        "entry 'hall': duplicate id",
    ),
    "part-of-cycle": (
        _collection(
            _place("hall_a", "Quince Hall", part_of="hall_b"),
            _place("hall_b", "Rowan Hall", part_of="hall_a"),
        ),
        "part_of cycle: hall_a -> hall_b -> hall_a",
    ),
    "replaces-a-bundled-zone-with-a-point": (
        _collection(_place("green_zone", "Green Zone", kind="zone")),
        "entry 'green_zone': a zone needs a MultiPolygon or Polygon geometry",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_GAZETTEERS))
def test_a_broken_gazetteer_is_refused_with_its_problems_listed(
    tmp_path: Path,
    good_report: Path,
    existing_map: tuple[Path, dict[str, bytes]],
    case: str,
) -> None:
    out, before = existing_map
    content, words = BROKEN_GAZETTEERS[case]
    gazetteer = tmp_path / "places.geojson"
    gazetteer.write_text(content, encoding="utf-8")
    for target in (out, tmp_path / "fresh"):
        result = build(good_report, out=target, extra=("--gazetteer", gazetteer))
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: {gazetteer}")
        assert words in result.stderr, result.stderr
    assert snapshot(out) == before
    assert not (tmp_path / "fresh").exists()


def test_a_gazetteer_that_is_not_utf8_is_refused(tmp_path: Path, good_report: Path) -> None:
    gazetteer = tmp_path / "places.geojson"
    gazetteer.write_bytes(_collection(_place("hall", "Qu\xefnce Hall")).encode("utf-16"))
    result = build(good_report, out=tmp_path / "out", extra=("--gazetteer", gazetteer))
    assert result.exit_code == 1
    assert f"Error: {gazetteer}: gazetteer file is not UTF-8" in result.stderr


def test_a_gazetteer_with_only_warnings_builds_and_says_so(tmp_path: Path) -> None:
    # Two halls sharing an alias: a mention of it cannot tell them apart, but the
    # gazetteer is usable; the build goes on and prints the warning.
    gazetteer = tmp_path / "places.geojson"
    gazetteer.write_text(
        _collection(
            _place("quince_hall", "Quince Hall", aliases=["Orchard Hall"], geometry=SQUARE),
            _place("rowan_hall", "Rowan Hall", aliases=["Orchard Hall"]),
        ),
        encoding="utf-8",
    )
    report = tmp_path / "halls.txt"
    report.write_text(f"{HEADER}Riot police fired tear gas at Quince Hall.\n", "utf-8")
    result = build(report, out=tmp_path / "out", extra=("--gazetteer", gazetteer))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr
    assert "'Orchard Hall' is shared by entries 'quince_hall' and 'rowan_hall'" in result.stderr
    found = incidents_by_report(tmp_path / "out")["halls.txt"]
    assert found
    assert {place for _, place in found} == {"quince_hall"}


# --------------------------------------------------------------------------- output


def test_out_that_is_a_file_is_refused_before_reading(tmp_path: Path, good_report: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("keep me", encoding="utf-8")
    for out in (target, target / "inside"):
        result = build(good_report, out=out)
        assert result.exit_code == 1
        assert f"Error: {target}: is a file, not a folder" in result.stderr
        assert "reports read" not in result.stdout
    assert target.read_text(encoding="utf-8") == "keep me"


def test_unwritable_out_is_refused_before_reading(
    tmp_path: Path, good_report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "locked"
    out.mkdir()
    real_access = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if Path(path) == out and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    calls: list[str] = []
    # the function every engine runs on a report
    monkeypatch.setattr("incidents.engine.analyse_report", lambda *a: calls.append("read") or None)
    result = build(good_report, out=out)
    assert result.exit_code == 1
    assert f"Error: {out}: the output folder is not writable" in result.stderr
    assert calls == []
    assert list(out.iterdir()) == []


def _failing(call: Callable[..., Any], *, after: int, error: OSError) -> Callable[..., Any]:
    """``call``, raising ``error`` from its ``after + 1``-th use on."""
    count = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        if count > after:
            raise error
        return call(*args, **kwargs)

    return wrapper


@pytest.fixture
def rebuilt_with_other_report(tmp_path: Path) -> Path:
    report = tmp_path / "other.txt"
    report.write_text(OTHER_REPORT, encoding="utf-8")
    return report


def test_a_full_disk_leaves_the_existing_map_as_it_was(
    existing_map: tuple[Path, dict[str, bytes]],
    rebuilt_with_other_report: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, before = existing_map
    (out / "my-notes.txt").write_text("not ours", encoding="utf-8")
    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "fsync", _failing(os.fsync, after=2, error=full))
    result = build(rebuilt_with_other_report, out=out)
    assert result.exit_code == 1
    assert "no space left on the device" in result.stderr
    assert result.stderr.startswith(f"Error: {out}/")
    assert snapshot(out) == {**before, "my-notes.txt": b"not ours"}


def test_a_failure_while_moving_outputs_into_place_rolls_back(
    existing_map: tuple[Path, dict[str, bytes]],
    rebuilt_with_other_report: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, before = existing_map
    real_replace = Path.replace

    def replace(self: Path, target: Any) -> Path:
        if Path(target).name == "places.geojson" and Path(target).parent == out:
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    result = build(rebuilt_with_other_report, out=out)
    assert result.exit_code == 1
    assert f"Error: {out / 'places.geojson'}: permission denied" in result.stderr
    assert snapshot(out) == before


def test_a_failed_geopackage_write_leaves_no_partial_output(
    tmp_path: Path, good_report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(
        "maps.outputs.write_geopackage", _failing(lambda *a: None, after=0, error=full)
    )
    out = tmp_path / "out"
    result = build(good_report, out=out)
    assert result.exit_code == 1
    assert f"Error: {out / 'incidents.gpkg'}: no space left on the device" in result.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- time


#: Crafted repetitions that make a careless regular expression backtrack.
ADVERSARIAL = ["a.", "((((", "— (@", "date ", "-", "—", "(@x) ", "1, ", "killed ", "[[", "\"'"]


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_reading_crafted_text_takes_linear_time(geoparser: Any, unit: str) -> None:
    """Ten times the input must not take thirty times as long (a quadratic one takes 100)."""
    repeats = max(1, 1_000 // len(unit))
    assert_linear(
        lambda text: analyse_report(parse_report(text, path="crafted.txt"), geoparser),
        unit,
        repeats * 10,
        prefix="Riot police fired tear gas on the bridge. ",
    )


@pytest.mark.parametrize("unit", [*ADVERSARIAL, "date 2021-11-05 ", "source: x\n"])
def test_reading_the_top_of_crafted_text_takes_linear_time(unit: str) -> None:
    assert_linear(lambda text: parse_report(text, path="crafted.txt"), unit, 200_000)


@pytest.mark.parametrize(
    "unit", ["<a", "</", "<!--", "<a b='", "<svg>", "<p>", "&amp", "<meta content='", "< "]
)
def test_reading_crafted_html_takes_linear_time(unit: str) -> None:
    def read(page: str) -> None:
        # Some of these pages have no visible text left: refused, in time.
        with contextlib.suppress(ReportError):
            html_report_text(page, path="page.html")

    assert_linear(read, unit, 50_000, prefix="<html><body>", suffix=" Riot police fired tear gas.")
