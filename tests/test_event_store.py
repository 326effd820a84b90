"""A rebuild takes the event rows of the pieces that did not change from the last
build's store (``incidents.event_store``): the outputs are those of a cold build, and an
entry that is not what it claims is grouped again, never trusted. No timing here:
``benchmarks/bench_scale.py`` measures."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_hostile_input import GOOD_REPORT, OTHER_REPORT
from test_scale import corpus, outputs, serial  # noqa: F401 - fixtures

from gazetteer.model import load_gazetteer
from incidents.cache import CACHE_FOLDER, RECORD_FILE, pack_body
from incidents.event_items import IncidentColumns
from incidents.event_parts import group_part, read_part_files
from incidents.event_store import (
    PIECES_FILE,
    CorruptPieceError,
    PieceEntries,
    PieceReuse,
    decode_piece,
    encode_piece,
    piece_keys,
)
from incidents.events import EVENT_COLUMNS, event_id_for
from maps import build as build_module
from maps.build import build


@pytest.fixture
def stores(monkeypatch: pytest.MonkeyPatch) -> list[list[PieceEntries]]:
    """What each build (with one process, so in this one) did with the store: the
    entries each part used and made."""
    seen: list[list[PieceEntries]] = []
    real = build_module.write_store

    def watching(target: Path, previous: Path | None, entries: Any) -> tuple[int, int]:
        entries = list(entries)
        seen.append(entries)
        return real(target, previous, entries)

    monkeypatch.setattr(build_module, "write_store", watching)
    return seen


def used_and_made(entries: list[PieceEntries]) -> tuple[set[str], set[str]]:
    return {k for e in entries for k in e.used}, {k for e in entries for k in e.made}


def stored_keys(out: Path) -> set[str]:
    with sqlite3.connect(out / CACHE_FOLDER / PIECES_FILE) as db:
        return {key for (key,) in db.execute("SELECT key FROM pieces")}


def test_a_rebuild_groups_only_the_pieces_that_changed(
    corpus: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
    stores: list[list[PieceEntries]],
) -> None:
    """Reports removed, changed and added: the pieces they touch are grouped again, the
    others taken from the store, and the outputs are those of a cold build (one
    process, every group whole); the store then holds this build's pieces only."""
    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    out = tmp_path / "out"
    build([reports], out, jobs=1)
    used, made = used_and_made(stores[-1])
    assert not used
    assert len(made) > 3
    assert stored_keys(out) == made
    (reports / "good1.txt").unlink()
    sorted(reports.glob("copy0_*"))[0].unlink()
    (reports / "other2.txt").write_text(GOOD_REPORT.replace("Test Wire", "Changed Wire"), "utf-8")
    (reports / "new.txt").write_text(OTHER_REPORT.replace("Test Radio", "New Radio"), "utf-8")
    build([reports], out, jobs=1)
    used, made_again = used_and_made(stores[-1])
    assert used  # some pieces reused,
    assert made_again  # some grouped again
    assert used <= made
    assert stored_keys(out) == used | made_again
    cold = tmp_path / "cold"
    build([reports], cold, jobs=1, use_cache=False)
    assert outputs(out) == outputs(cold)
    # With two processes (the parts grouped in workers), the same.
    (out / CACHE_FOLDER / RECORD_FILE).unlink()
    (reports / "new2.txt").write_text(GOOD_REPORT.replace("Test Wire", "Other Wire"), "utf-8")
    build([reports], out, jobs=2)
    build([reports], cold, jobs=1, use_cache=False)
    assert outputs(out) == outputs(cold)


def _damage(payload: bytes, donor: bytes, damage: str) -> bytes:
    if damage == "flipped-byte":
        return payload[:12] + bytes([payload[12] ^ 0xFF]) + payload[13:]
    if damage == "other-piece":  # a well-formed entry of another piece
        return donor
    (size,) = struct.unpack_from("<Q", payload)
    body = pack_body(b"[" * size)  # the size it claims, but no JSON
    return payload[:8] + body


@pytest.mark.parametrize("damage", ["flipped-byte", "other-piece", "valid-digest-garbage"])
def test_a_corrupt_piece_entry_is_grouped_again(
    corpus: Path,  # noqa: F811 - the fixture
    serial: dict[str, bytes],  # noqa: F811 - the fixture
    tmp_path: Path,
    stores: list[list[PieceEntries]],
    damage: str,
) -> None:
    out = tmp_path / "out"
    build([corpus], out, jobs=1)
    (out / CACHE_FOLDER / RECORD_FILE).unlink()  # else nothing would be rebuilt
    with sqlite3.connect(out / CACHE_FOLDER / PIECES_FILE) as db:
        keys = [k for (k,) in db.execute("SELECT key FROM pieces ORDER BY key")]
        victim, donor = keys[0], keys[1]
        payload, donor_payload = (
            db.execute("SELECT payload FROM pieces WHERE key=?", (key,)).fetchone()[0]
            for key in (victim, donor)
        )
        broken = _damage(payload, donor_payload, damage)
        # The digest fits the damage but for the flipped byte: only the checks can tell.
        digest = hashlib.sha256(payload if damage == "flipped-byte" else broken).digest()
        db.execute("UPDATE pieces SET payload=?, digest=? WHERE key=?", (broken, digest, victim))
    build([corpus], out, jobs=1)
    used, made = used_and_made(stores[-1])
    assert made == {victim}
    assert used == set(keys) - {victim}
    assert outputs(out) == serial
    # The entry is good again.
    (out / CACHE_FOLDER / RECORD_FILE).unlink()
    build([corpus], out, jobs=1)
    assert used_and_made(stores[-1]) == (set(keys), set())


def test_a_store_that_is_not_a_database_is_rebuilt(
    corpus: Path,  # noqa: F811 - the fixture
    serial: dict[str, bytes],  # noqa: F811 - the fixture
    tmp_path: Path,
    stores: list[list[PieceEntries]],
) -> None:
    out = tmp_path / "out"
    build([corpus], out, jobs=1)
    keys = stored_keys(out)
    (out / CACHE_FOLDER / RECORD_FILE).unlink()
    (out / CACHE_FOLDER / PIECES_FILE).write_bytes(b"no database" * 100)
    build([corpus], out, jobs=1)
    assert used_and_made(stores[-1]) == (set(), keys)
    assert outputs(out) == serial
    assert stored_keys(out) == keys


def test_no_cache_writes_no_store(corpus: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "out"
    build([corpus], out, jobs=1, use_cache=False)
    assert not (out / CACHE_FOLDER).exists()


# ----------------------------------------------------------------------- entries


@pytest.fixture(scope="module")
def grouped(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:  # noqa: F811
    """A build's spill and its rows and entries grouped in one part."""
    out = tmp_path_factory.mktemp("spilled")
    kept: dict[str, Path] = {}
    real = build_module._write_from_spill

    def keeping(staging: Path, *args: Any, **kwargs: Any) -> None:
        kept["spill"] = out / "incidents.parquet"
        shutil.copy(staging / "spill" / "incidents.parquet", kept["spill"])
        real(staging, *args, **kwargs)

    patch = pytest.MonkeyPatch()
    patch.setattr(build_module, "_write_from_spill", keeping)
    try:
        build([corpus], out / "out", jobs=1, use_cache=False)
    finally:
        patch.undo()
    target = out / "part.pickle"
    group_part(kept["spill"], 0, 1, target, gazetteer=load_gazetteer(), reuse=PieceReuse(None, "v"))
    return kept["spill"], read_part_files([target])


def test_an_entry_gives_back_its_rows_exactly(grouped: tuple[Path, Any]) -> None:
    """Every piece's rows round-trip through its entry with the same values and kinds
    (int stays int, float float, a claim's keys in order)."""
    _, (rows, entries) = grouped
    by_id = {row["event_id"]: row for row in rows}
    decoded = []
    for key, payload in entries[0].made.items():
        first = decode_piece(key, payload, _members_of(payload, key))
        decoded.extend(first)
    assert len(decoded) == len(rows)
    for row in decoded:
        original = by_id[row["event_id"]]
        assert list(row) == list(EVENT_COLUMNS)
        for name in EVENT_COLUMNS:
            assert row[name] == original[name] or (row[name] != row[name])  # NaN
            assert type(row[name]) is type(original[name]), name


def _members_of(payload: bytes, key: str) -> list[str]:
    rows = decode_piece_unchecked(payload)
    return [i for row in rows for i in row[EVENT_COLUMNS.index("incident_ids")]]


def decode_piece_unchecked(payload: bytes) -> list[list[Any]]:
    import json

    from incidents.cache import unpack_body

    (size,) = struct.unpack_from("<Q", payload)
    return json.loads(unpack_body(payload[8:], size).to_pybytes())["rows"]


def test_an_entry_refuses_to_be_another_piece(grouped: tuple[Path, Any]) -> None:
    _, (rows, _) = grouped
    row = rows[0]
    members = list(row["incident_ids"])
    payload = encode_piece("k", [row])
    assert decode_piece("k", payload, members)[0] == row
    with pytest.raises(CorruptPieceError, match="another piece"):
        decode_piece("other", payload, members)
    with pytest.raises(CorruptPieceError, match="not of the piece"):
        decode_piece("k", payload, [*members, "inc-extra"])
    wrong_id = {**row, "event_id": "evt-000000000000"}
    with pytest.raises(CorruptPieceError, match="id or count"):
        decode_piece("k", encode_piece("k", [wrong_id]), members)
    wrong_kind = {**row, "n_sources": "3"}
    with pytest.raises(CorruptPieceError, match="n_sources"):
        decode_piece("k", encode_piece("k", [wrong_kind]), members)
    with pytest.raises(CorruptPieceError, match="decode"):
        decode_piece("k", payload[:-5], members)
    assert row["event_id"] == event_id_for(members)


def test_a_pieces_key_changes_with_any_of_its_values(grouped: tuple[Path, Any]) -> None:
    spill, _ = grouped
    columns = IncidentColumns.from_parquet(spill, ["incident_id", "event_type", "killed"])
    size = len(columns)
    of_piece = np.zeros(size, dtype=np.int64)
    of_piece[size // 2 :] = 1
    names = ["incident_id", "event_type", "killed"]
    keys = piece_keys("v", columns, names, ["g", "g"], of_piece)
    assert len(set(keys)) == 2
    assert piece_keys("v", columns, names, ["g", "g"], of_piece) == keys  # stable
    assert piece_keys("w", columns, names, ["g", "g"], of_piece) != keys  # the version
    assert piece_keys("v", columns, names, ["h", "g"], of_piece)[1] == keys[1]  # its group
    assert piece_keys("v", columns, names, ["h", "g"], of_piece)[0] != keys[0]
    moved = of_piece.copy()
    moved[size // 2] = 0  # one row more in the first piece, one less in the second
    assert set(piece_keys("v", columns, names, ["g", "g"], moved)).isdisjoint(keys)
    fewer = piece_keys("v", columns, names[:2], ["g", "g"], of_piece)
    assert set(fewer).isdisjoint(keys)  # the columns read are part of it
