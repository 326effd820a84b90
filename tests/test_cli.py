"""The ``incident-map`` command end to end: in-process with click's CliRunner, and a
few real runs of the installed ``.venv/bin/incident-map`` script.

What a user sees matters here: exit codes (0 all used, 1 something failed, 2 a
usage mistake), one line per problem naming the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from console import SCRIPT, run_command
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


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_REPORT, encoding="utf-8")
    (folder / "other.txt").write_text(OTHER_REPORT, encoding="utf-8")
    return folder


def run_script(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed console script as a user would, with a deadline."""
    return run_command(*args, cwd=cwd)


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


# --------------------------------------------------------------------------- conventions


def run_input(*args: object, cwd: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    return run_command(*args, cwd=cwd, stdin=stdin)


def test_dash_reads_a_report_from_standard_input(tmp_path: Path) -> None:
    completed = run_input("extract", "--nl", "-", cwd=tmp_path, stdin=GOOD_REPORT)
    assert completed.returncode == 0, completed.stderr
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [(r["event_type"], r["place_id"]) for r in records] == good_incidents()
    assert {r["report"] for r in records} == {"<stdin>"}
    built = run_input("build", "-", "--out", "map", "-q", cwd=tmp_path, stdin=GOOD_REPORT)
    assert built.returncode == 0, built.stderr
    assert list(incidents_by_report(tmp_path / "map")) == ["<stdin>"]


def test_nl_gives_one_json_object_per_line(reports: Path) -> None:
    result = invoke("geocode", "--nl", reports / "good.txt", reports / "other.txt")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) > 2
    assert {Path(r["report"]).name for r in records} == {"good.txt", "other.txt"}
    extracted = invoke("extract", "--nl", reports / "good.txt")
    assert [json.loads(line)["event_type"] for line in extracted.stdout.splitlines()] == [
        event_type for event_type, _ in good_incidents()
    ]


def test_build_json_quiet_and_verbose(reports: Path, tmp_path: Path) -> None:
    result = build(reports, out=tmp_path / "map", extra=("--json",))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["reports_read"] == 2
    assert summary["errors"] == 0
    assert {s["source"] for s in summary["top_sources"]} == {"Test Wire", "Test Radio"}
    assert str(tmp_path / "map" / "map.html") in summary["outputs"]
    quiet = build(reports, out=tmp_path / "map", extra=("-q",))
    assert quiet.exit_code == 0
    assert quiet.stdout == ""
    assert quiet.stderr == ""
    verbose = build(reports, out=tmp_path / "map", extra=("-v",))
    assert verbose.exit_code == 0
    assert "nothing changed since the last build" in verbose.stderr
    assert "reports read: 2" in verbose.stdout


def test_the_summary_stays_short_with_many_sources(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for number in range(30):
        text = OTHER_REPORT.replace("Test Radio", f"Outlet {number:02d}")
        (folder / f"r{number:02d}.txt").write_text(text, encoding="utf-8")
    result = build(folder, out=tmp_path / "map")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("sources:"))
    assert line.startswith("sources: 30 (top 10: Outlet 00 1, ")
    assert f"all in {tmp_path / 'map' / 'sources.csv'}" in line
    with (tmp_path / "map" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30
    assert rows[0] == {
        "source": "Outlet 00",
        "source_type": "news",
        "incidents": "1",
        "reports": "1",
    }


def test_many_warnings_are_counted_and_kept_in_problems_txt(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for number in range(25):  # no source, no date: two warnings each
        (folder / f"r{number:02d}.txt").write_text("Tear gas in Tahrir Square.\n", "utf-8")
    result = build(folder, out=tmp_path / "map")
    assert result.exit_code == 0, result.output
    assert result.stderr.count(": warning: ") == 20
    assert f"more warnings in {tmp_path / 'map' / 'problems.txt'}" in result.stderr
    listed = (tmp_path / "map" / "problems.txt").read_text(encoding="utf-8").splitlines()
    assert listed[0] == "# 0 errors, 50 warnings"
    assert len(listed) == 51


def test_version_short_and_long(tmp_path: Path) -> None:
    for flag in ("-V", "--version"):
        completed = run_script(flag, cwd=tmp_path)
        assert completed.returncode == 0, completed.stderr
        assert "incident-map, version 0.1.0" in completed.stdout


def test_json_for_gazetteer_list_and_evaluate_from_any_folder(tmp_path: Path) -> None:
    listed = run_script("gazetteer", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)
    assert "green_zone" in {e["id"] for e in entries}
    evaluated = run_script("evaluate", "--json", cwd=tmp_path)  # not the repo folder
    assert evaluated.returncode == 0, evaluated.stderr
    scores = json.loads(evaluated.stdout)
    assert scores["reports"] > 20
    assert scores["below_targets"] == []
    assert scores["folder"] == str(REPO / "evaluation")
    plain = run_script("evaluate", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("reports: ")


def test_an_empty_out_is_refused(reports: Path) -> None:
    for value in ("", "  "):
        result = invoke("build", reports, "--out", value)
        assert result.exit_code == 2
        assert "Invalid value for '--out': is empty" in result.stderr


def test_the_top_level_help_does_not_cut_descriptions(tmp_path: Path) -> None:
    completed = run_script("--help", cwd=tmp_path)
    assert completed.returncode == 0
    commands = completed.stdout.split("Commands:")[1]
    assert "..." not in commands
    for words in (
        "build      Build the layered map and GIS files from reports.",
        "geocode    Every place mention in reports and how it was resolved.",
        "evaluate   Score the analysis on an annotated evaluation set.",
    ):
        assert words in commands


def test_stale_staging_folders_are_removed(reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "map"
    stale = out / ".incident-map-staging-killed"
    (stale / "spill").mkdir(parents=True)
    (stale / "spill" / "incidents.parquet").write_bytes(b"x" * 1000)
    completed = run_script("build", reports, "--out", out, "-v", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "removed .incident-map-staging-killed" in completed.stderr
    assert not stale.exists()
    assert_complete_outputs(out)


def test_a_second_build_into_a_held_folder_is_refused(reports: Path, tmp_path: Path) -> None:
    from maps.outdir import LOCK_FILE, OutputLock

    out = tmp_path / "map"
    out.mkdir()
    with OutputLock(out):
        completed = run_script("build", reports, "--out", out, cwd=tmp_path)
        assert completed.returncode == 1
        assert completed.stderr.strip() == (
            f"Error: {out}: another build (process {os.getpid()}) is writing into this "
            "folder; wait for it to finish or choose another --out"
        )
        assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE]
    assert not (out / LOCK_FILE).exists()
    completed = run_script("build", reports, "--out", out, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize(("sent", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_and_sigterm_stop_a_build_and_clean_up(
    tmp_path: Path, sent: signal.Signals, code: int
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    # Enough reports that the build cannot finish before the signal, even on a loaded
    # machine (400 did, once, at load 15): stopped, it reads only the first few.
    for number in range(5000):
        (folder / f"r{number:04d}.txt").write_text(GOOD_REPORT, encoding="utf-8")
    out = tmp_path / "map"
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen(
        [str(SCRIPT), "build", str(folder), "--out", str(out), "--jobs", "2", "-v"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        # A suite started in the background (``cmd &`` in a script) ignores SIGINT, and
        # so would the build it starts: give it the default, as a terminal does.
        preexec_fn=functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stderr is not None
    said = []
    # Stopped while its workers analyse (they are all started once it says so).
    while not said or "worker processes" not in said[-1]:
        line = process.stderr.readline()
        assert line, f"the build ended first: {said}"
        said.append(line)
    assert list(out.glob(".incident-map-staging-*/spill"))
    process.send_signal(sent)
    _, rest = process.communicate(timeout=60)
    stderr = "".join(said) + rest
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert not out.exists()  # made for this build, and nothing was written: removed


def test_the_package_builds_without_setuptools_warnings(tmp_path: Path) -> None:
    # A copy, so the build leaves nothing in the work tree; no isolation, so no network.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for package in ("geo", "gazetteer", "incidents", "maps", "incident_map"):
        shutil.copytree(
            REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v"]
    completed = subprocess.run(
        [*pip, "--no-index", "-w", str(tmp_path / "wheel"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    output = completed.stdout + completed.stderr
    warnings = [line for line in output.splitlines() if "Warning" in line]
    assert warnings == [], "\n".join(warnings)
    (wheel,) = (tmp_path / "wheel").glob("incident_mapper-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "gazetteer/data/baghdad.geojson" in names
    assert "incidents/data/event_rules.json" in names


def test_a_terminal_gets_a_progress_bar_with_rate_and_time_left(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    folder = tmp_path / "reports"
    folder.mkdir()
    for number in range(30):
        (folder / f"r{number:02d}.txt").write_text(GOOD_REPORT, encoding="utf-8")
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    shown = bytearray()
    try:
        process = subprocess.Popen(
            [str(SCRIPT), "build", str(folder), "--out", str(tmp_path / "map"), "--jobs", "1"],
            stdout=subprocess.PIPE,
            stderr=terminal,
        )
        os.close(terminal)
        with contextlib.suppress(OSError):  # EIO once the build has closed the terminal
            while chunk := os.read(controller, 65536):
                shown.extend(chunk)
        process.communicate(timeout=120)
    finally:
        os.close(controller)
    assert process.returncode == 0
    text = bytes(shown).decode("utf-8", "replace")
    assert "30/30" in text
    assert "report/s" in text
    assert "<00:00" in text or "<" in text.split("30/30")[-1]  # time left
    # After the reports, the stages that follow them, each on its bar, in order.
    after = text.split("30/30")[-1]
    assert "grouping events: 00:0" in after
    written = after.split("grouping events")[-1]
    assert "writing outputs" in written
    assert "10/10" in written  # every file made from the spill, counted as it is written
    assert "file/s" in written or "s/file" in written
    quiet = subprocess.run(
        [str(SCRIPT), "build", str(folder), "--out", str(tmp_path / "map"), "-q"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert quiet.returncode == 0
    assert quiet.stdout == b""
