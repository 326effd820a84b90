"""A rebuild takes its cached reports' rows from the last build's kept spill
(:mod:`incidents.spill_reuse`), and gives the bytes of a cold build whatever was added,
removed or reordered; a kept spill or index that does not check is not used, and the
entries are read instead."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_hostile_input import GOOD_REPORT, OTHER_REPORT
from test_scale import corpus, outputs  # noqa: F401 - the fixture

from incidents.cache import CACHE_FOLDER, RECORD_FILE
from incidents.spill_reuse import INDEX_FILE, KEPT_FILES, KeptSpill
from maps.build import build


def _rebuild_messages(reports: list[Path] | Path, out: Path, **options: object) -> list[str]:
    # Without the record of the last build, a rebuild of the same reports finds its
    # outputs in place and reads nothing at all.
    (out / CACHE_FOLDER / RECORD_FILE).unlink(missing_ok=True)
    messages: list[str] = []
    build(reports if isinstance(reports, list) else [reports], out, log=messages.append, **options)
    return messages


def _cache_message(messages: list[str]) -> str:
    (line,) = [m for m in messages if m.startswith("cache:") and "reused" in m]
    return line


def test_a_rebuild_after_adding_and_removing_reports_takes_the_rows_from_the_kept_spill(
    corpus: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    out = tmp_path / "out"
    build([reports], out, jobs=1)
    kept = KeptSpill.open(out / CACHE_FOLDER)
    assert kept is not None
    assert len(kept.keys()) == 28  # every report read; not the broken one
    (reports / "good3.txt").unlink()
    (reports / "aa_new.txt").write_text(OTHER_REPORT.replace("Test Radio", "New Radio"), "utf-8")
    (reports / "zz_new.txt").write_text(GOOD_REPORT.replace("Test Wire", "New Wire"), "utf-8")
    messages = _rebuild_messages(reports, out, jobs=2)
    assert "27 of 29 reports reused (27 from the last build's spill)" in _cache_message(messages)
    build([reports], tmp_path / "cold", jobs=1, use_cache=False)
    assert outputs(out) == outputs(tmp_path / "cold")
    # The spill kept now is this build's: a third build takes every report from it.
    messages = _rebuild_messages(reports, out, jobs=1)
    assert "29 of 29 reports reused (29 from the last build's spill)" in _cache_message(messages)
    assert outputs(out) == outputs(tmp_path / "cold")


def test_reports_listed_in_another_order_give_the_outputs_of_that_order(
    corpus: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows kept in one order, asked for in another: in row groups of a few reports,
    rounds of four reports and no rows to spare but the rounds' ends, the rounds of
    reports far apart in the kept files read the entries, those of neighbours take
    slices; the outputs are those of a cold build in the new order."""
    monkeypatch.setattr("incidents.spill.BATCH_ROWS", 40)
    monkeypatch.setattr("maps.analysis.ROUND", 4)
    monkeypatch.setattr("incidents.spill_reuse.SCATTER_LIMIT", 0)
    files = sorted(corpus.glob("*.txt"))
    out = tmp_path / "out"
    build(files, out, jobs=1)
    shuffled = files[:12] + [files[12 + (n * 5) % 17] for n in range(17)]
    assert sorted(shuffled) == files
    messages = _rebuild_messages(shuffled, out, jobs=1)
    line = _cache_message(messages)
    assert "28 of 28 reports reused" in line
    from_spill = int(line.split("(")[1].split()[0])
    assert 0 < from_spill < 28, line  # some rounds scattered, some not
    build(shuffled, tmp_path / "cold", jobs=1, use_cache=False)
    assert outputs(out) == outputs(tmp_path / "cold")


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _edit_index(folder: Path, edit: str) -> None:
    path = folder / INDEX_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    body = document["body"]
    if edit == "counts":  # its own digest no longer fits
        body["incidents"][1][0] += 1
    elif edit == "not-json":
        path.write_text('{"body": ', encoding="utf-8")
        return
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize(
    "damage", ["incident-file", "place-file", "index-counts", "index-not-json", "file-gone"]
)
def test_a_damaged_kept_spill_is_not_used_and_the_entries_are_read(
    corpus: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
    damage: str,
) -> None:
    out = tmp_path / "out"
    build([corpus], out, jobs=1)
    cache = out / CACHE_FOLDER
    if damage == "incident-file":
        _flip_a_byte(cache / KEPT_FILES["incidents"])
    elif damage == "place-file":
        _flip_a_byte(cache / KEPT_FILES["places"])
    elif damage == "file-gone":
        (cache / KEPT_FILES["incidents"]).unlink()
    else:
        _edit_index(cache, damage.removeprefix("index-"))
    assert KeptSpill.open(cache) is None
    messages = _rebuild_messages(corpus, out, jobs=1)
    assert "28 of 28 reports reused (0 from the last build's spill)" in _cache_message(messages)
    build([corpus], tmp_path / "cold", jobs=1, use_cache=False)
    assert outputs(out) == outputs(tmp_path / "cold")
    # The build kept a good spill again.
    assert KeptSpill.open(cache) is not None


def test_a_build_without_the_cache_keeps_no_spill(
    corpus: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    build([corpus], out, jobs=1, use_cache=False)
    assert not (out / CACHE_FOLDER).exists()
