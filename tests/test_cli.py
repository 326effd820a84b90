"""The ``incident-map`` command end to end: in-process with click's CliRunner, and a
few real runs of the installed ``.venv/bin/incident-map`` script.

What a user sees matters here: exit codes (0 all used, 1 something failed, 2 a
usage mistake), one line per problem naming the file, never a traceback.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_hostile_input import (
    GOOD_REPORT,
    OTHER_REPORT,
    assert_complete_outputs,
    build,
    expected_incidents,
    good_incidents,
    incidents_by_report,
    invoke,
)

from incidents.model import INCIDENT_COLUMNS
from maps.build import OUTPUT_FILES

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SCRIPT = Path(sys.executable).parent / "incident-map"


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_REPORT, encoding="utf-8")
    (folder / "other.txt").write_text(OTHER_REPORT, encoding="utf-8")
    return folder


def run_script(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed console script as a user would, with a deadline."""
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=environment,
        check=False,
    )


# --------------------------------------------------------------------------- CliRunner


def test_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("build", "extract", "geocode", "gazetteer", "evaluate"):
        assert command in result.stdout


def test_build_the_examples_with_their_manifest(tmp_path: Path) -> None:
    out = tmp_path / "map"
    result = build(EXAMPLES / "reports", out=out, extra=("--manifest", EXAMPLES / "manifest.csv"))
    assert result.exit_code == 0, result.output
    assert "reports read: 4, failed: 0" in result.stdout
    assert "problems: 0 errors" in result.stdout
    assert f"wrote: {out / OUTPUT_FILES[0]}" in result.stdout
    assert_complete_outputs(out)
    with (EXAMPLES / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        outlets = {row["source"] for row in csv.DictReader(handle)}
    # Every outlet of the manifest is on the map, directly or as the outlet a post came via.
    found = {
        f["properties"]["via"] or f["properties"]["source"]
        for f in json.loads((out / "incidents.geojson").read_text("utf-8"))["features"]
    }
    assert found == outlets


def test_rebuilding_into_the_same_folder_replaces_the_outputs(
    reports: Path, tmp_path: Path
) -> None:
    out = tmp_path / "map"
    assert build(reports / "good.txt", out=out).exit_code == 0
    assert list(incidents_by_report(out)) == ["good.txt"]
    assert build(reports, out=out).exit_code == 0
    assert sorted(incidents_by_report(out)) == ["good.txt", "other.txt"]
    assert_complete_outputs(out)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("build", "x.txt"), "Missing option '--out'"),
        (("build", "--out", "x"), "Missing argument 'REPORTS...'"),
        (("build", "x.txt", "--out", "o", "--replace-gazetteer"), "--replace-gazetteer needs"),
        (("extract",), "Missing argument 'REPORTS...'"),
        (("frobnicate",), "No such command 'frobnicate'"),
    ],
)
def test_usage_mistakes_exit_2_with_a_hint(args: tuple[str, ...], words: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert words in result.stderr


def test_build_of_nothing_readable_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    result = build(tmp_path / "missing.txt", out=tmp_path / "out")
    assert result.exit_code == 1
    assert f"{tmp_path / 'missing.txt'}: error: no such file or folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_extract_json_gives_every_column(reports: Path) -> None:
    result = invoke("extract", "--json", reports / "good.txt")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [(r["event_type"], r["place_id"]) for r in records] == good_incidents()
    assert all(list(r) == list(INCIDENT_COLUMNS) for r in records)


def test_extract_text_goes_on_past_a_broken_report(reports: Path) -> None:
    (reports / "broken.txt").write_bytes(b"%PDF-1.5\n")
    result = invoke("extract", reports)
    assert result.exit_code == 1
    assert f"{reports / 'broken.txt'}: error: looks like a PDF" in result.stderr
    count = len(good_incidents()) + len(expected_incidents(OTHER_REPORT))
    assert f"{count} incidents" in result.stderr
    for text in (GOOD_REPORT, OTHER_REPORT):
        for event_type, _ in expected_incidents(text):
            assert event_type in result.stdout


def test_geocode_lists_mentions_with_their_spans(reports: Path) -> None:
    result = invoke("geocode", "--json", reports / "good.txt")
    assert result.exit_code == 0, result.output
    text = GOOD_REPORT
    records = json.loads(result.stdout)
    assert {r["place_id"] for r in records} >= {"bridge_jumhuriya", "gz_gate_ministry_of_planning"}
    for record in records:
        assert text[record["start"] : record["end"]] == record["text"]


def test_extract_refuses_a_broken_gazetteer_too(reports: Path, tmp_path: Path) -> None:
    gazetteer = tmp_path / "places.geojson"
    gazetteer.write_text('{"type": "FeatureCollection", "features": [1]}', encoding="utf-8")
    result = invoke("extract", reports, "--gazetteer", gazetteer)
    assert result.exit_code == 1
    assert f"Error: {gazetteer}: feature #0 is not a GeoJSON Feature object" in result.stderr


def test_gazetteer_list_show_and_check() -> None:
    listed = invoke("gazetteer", "list")
    assert listed.exit_code == 0
    assert any(line.startswith("green_zone ") for line in listed.stdout.splitlines())
    shown = invoke("gazetteer", "show", "bridge_jumhuriya")
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["kind"] == "bridge"
    missing = invoke("gazetteer", "show", "no_such_place")
    assert missing.exit_code == 1
    assert "no entry 'no_such_place'" in missing.stderr
    checked = invoke("gazetteer", "check")
    assert checked.exit_code == 0
    assert " 0 errors" in checked.stderr


def test_gazetteer_check_lists_every_error_of_a_user_file(tmp_path: Path) -> None:
    from test_hostile_input import BROKEN_GAZETTEERS

    gazetteer = tmp_path / "places.geojson"
    gazetteer.write_text(BROKEN_GAZETTEERS["part-of-cycle"][0], encoding="utf-8")
    result = invoke("gazetteer", "check", "--gazetteer", gazetteer)
    assert result.exit_code == 1
    assert "error: " in result.stdout
    assert "part_of cycle" in result.stdout


# --------------------------------------------------------------------------- real runs


def test_script_is_installed_and_reports_its_version(tmp_path: Path) -> None:
    completed = run_script("--version", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "version" in completed.stdout


def test_script_builds_the_examples(tmp_path: Path) -> None:
    completed = run_script(
        "build",
        EXAMPLES / "reports",
        "--manifest",
        EXAMPLES / "manifest.csv",
        "--out",
        "map",
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "reports read: 4, failed: 0" in completed.stdout
    assert_complete_outputs(tmp_path / "map")


def test_script_exits_1_for_a_broken_report_and_still_builds(reports: Path, tmp_path: Path) -> None:
    (reports / "broken.txt").write_bytes(b"Caf\xe9\n")
    for number in range(25):  # enough for a progress bar, were stderr a terminal
        (reports / f"more{number:02d}.txt").write_text(OTHER_REPORT, encoding="utf-8")
    completed = run_script("build", "reports", "--out", "map", cwd=reports.parent)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "reports/broken.txt:1: error: not valid UTF-8" in completed.stderr
    assert "%|" not in completed.stderr  # no progress bar into a pipe
    assert "reports read: 27, failed: 1" in completed.stdout
    assert_complete_outputs(reports.parent / "map")


def test_script_refuses_an_output_that_is_a_file(reports: Path, tmp_path: Path) -> None:
    (tmp_path / "map").write_text("mine", encoding="utf-8")
    completed = run_script("build", reports, "--out", "map", cwd=tmp_path)
    assert completed.returncode == 1
    assert completed.stderr.strip() == (
        "Error: map: is a file, not a folder; choose another output folder"
    )
    assert (tmp_path / "map").read_text(encoding="utf-8") == "mine"


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "incident_map", "gazetteer", "show", "tahrir_square"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["id"] == "tahrir_square"
