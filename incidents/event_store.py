"""The event rows of a build's pieces kept for the next build, never trusted blindly.

A type group's incidents are cut into pieces of consecutive days where nothing can
join across the cut (:func:`incidents.event_parts.day_pieces`, at every valid cut), so
a piece's events are made from its own rows and nothing else: the same rows give the
same event rows. A rebuild takes the rows of every piece whose inputs did not change
from the last build's store and groups only the others.

A piece is keyed by a SHA-256 of exactly what its events are made from: every column
the grouping reads (:data:`incidents.events.REQUIRED_COLUMNS` and the optional ones
present), value by value for the piece's rows in the spill's order, its type group,
and the versions the result cache's keys use (:func:`incidents.cache.analysis_version`:
the code and data of ``geo``, ``gazetteer`` and ``incidents``, and the gazetteer). An
entry is the piece's event rows as JSON in one zstd frame, stored with the SHA-256 of
the payload; it names its format and its key, and its rows must name, together, exactly
the piece's incidents, each event with the id its members give. An entry that fails any
check is ignored and its piece grouped again.

The store is one SQLite file beside the result cache. A build reads the previous one
and writes a new one in its staging folder (the entries it used and those it made),
which replaces the previous one only with the outputs: written whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from incidents.cache import CorruptEntryError, pack_body, unpack_body
from incidents.event_items import IncidentColumns
from incidents.events import EVENT_COLUMNS, event_id_for

#: The store's file, beside the result cache's.
PIECES_FILE = "events.sqlite"
#: Bumped when an entry's format changes.
PIECE_FORMAT = 1
#: Bytes of each value's hash in a piece's key.
_VALUE_HASH = 16
_SIZE = struct.Struct("<Q")
_SCHEMA = "CREATE TABLE IF NOT EXISTS pieces (key TEXT PRIMARY KEY, digest BLOB, payload BLOB)"


@dataclass(frozen=True)
class PieceReuse:
    """What a build's grouping needs to reuse pieces: the last build's store (None when
    there is none) and the analysis version its keys are made with."""

    previous: Path | None
    version: str


@dataclass
class PieceEntries:
    """What a part of the grouping did with the store: the keys it took rows from
    (``used``) and the entries it made (``made``: key -> payload)."""

    used: list[str]
    made: dict[str, bytes]


# ----------------------------------------------------------------------------- keys


def _value_hashes(values: Sequence[Any]) -> np.ndarray:
    """A 16-byte hash of each value (of its ``repr``, which tells text, numbers and None
    apart), as rows of a ``uint8`` array."""
    out = bytearray()
    blake2b = hashlib.blake2b
    for value in values:
        text = repr(value).encode("utf-8", "surrogatepass")
        out += blake2b(text, digest_size=_VALUE_HASH).digest()
    return np.frombuffer(bytes(out), dtype=np.uint8).reshape(-1, _VALUE_HASH)


def piece_keys(
    version: str,
    columns: IncidentColumns,
    names: Sequence[str],
    groups: Sequence[str],
    of_piece: np.ndarray,
) -> list[str]:
    """The key of each piece (``groups``: the type group of each; ``of_piece``: the piece
    of each row of ``columns``, numbers from 0): a SHA-256 of ``version``, the column
    ``names``, the group, and every value of those columns in the piece's rows, in the
    spill's order."""
    present = [name for name in names if name in columns]
    head = f"pieces {PIECE_FORMAT}\0{version}\0{','.join(present)}\0".encode()
    order = np.argsort(of_piece, kind="stable")  # each piece's rows together, in order
    counts = np.bincount(of_piece, minlength=len(groups)).tolist()
    ends = np.cumsum(counts).tolist()
    digests = []
    for group, count in zip(groups, counts, strict=True):
        digest = hashlib.sha256(head)
        digest.update(f"{group}\0{count}\0".encode("utf-8", "surrogatepass"))
        digests.append(digest)
    for name in present:
        # Code -1 (missing) takes the last distinct value, None: its hash too.
        values = _value_hashes(columns.distinct(name))[columns.codes(name)[order]]
        view = memoryview(values.reshape(-1))
        start = 0
        for digest, end in zip(digests, ends, strict=True):
            digest.update(view[start * _VALUE_HASH : end * _VALUE_HASH])
            start = end
    return [digest.hexdigest() for digest in digests]


# -------------------------------------------------------------------------- entries


def encode_piece(key: str, rows: Sequence[dict[str, Any]]) -> bytes:
    """A piece's event rows as an entry's payload: its size, then one zstd frame of JSON
    naming the format and the key."""
    body = json.dumps(
        {
            "format": PIECE_FORMAT,
            "key": key,
            "rows": [[row[name] for name in EVENT_COLUMNS] for row in rows],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8", "surrogatepass")
    return _SIZE.pack(len(body)) + pack_body(body)


class CorruptPieceError(ValueError):
    """A store entry that does not decode to the event rows of the piece it claims."""


_TEXT = (str, type(None))
_NUMBER = (int, float, type(None))
_CLAIM_KEYS = (
    "incident_id", "killed", "injured", "claimed_by", "claimant", "claim_status", "source",
    "casualty_text",
)  # fmt: skip
_KINDS: dict[str, Any] = {
    "event_id": str, "family": str, "event_types": list, "date": _TEXT, "time_start": _TEXT,
    "time_end": _TEXT, "time_precision": str, "place_id": _TEXT, "place_name": _TEXT,
    "geo_precision": _TEXT, "uncertainty_m": _NUMBER, "place_support": int,
    "spread_m": _NUMBER, "n_incidents": int, "n_sources": int, "n_independent_sources": int,
    "n_unknown_sources": int, "sources": list, "incident_ids": list, "claims": list,
    "contradicted": bool, "reasons": list, "lat": _NUMBER, "lon": _NUMBER, "summary": str,
}  # fmt: skip
_TEXT_LISTS = ("event_types", "sources", "incident_ids", "reasons")
assert tuple(_KINDS) == EVENT_COLUMNS


_CHECKED = tuple(_KINDS.items())


def _row(values: Any) -> dict[str, Any]:
    """One event row of an entry, its values' kinds checked."""
    if not isinstance(values, list) or len(values) != len(EVENT_COLUMNS):
        msg = "an event row of another length"
        raise CorruptPieceError(msg)
    for value, (name, kind) in zip(values, _CHECKED, strict=True):
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            msg = f"an event's {name} of the wrong kind"
            raise CorruptPieceError(msg)
    row = dict(zip(EVENT_COLUMNS, values, strict=True))
    for name in _TEXT_LISTS:
        if not all(isinstance(v, str) for v in row[name]):
            msg = f"an event's {name} that are not all text"
            raise CorruptPieceError(msg)
    for claim in row["claims"]:
        if not isinstance(claim, dict) or tuple(claim) != _CLAIM_KEYS:
            msg = "an event's claim of another form"
            raise CorruptPieceError(msg)
    ids = row["incident_ids"]
    if row["n_incidents"] != len(ids) or row["event_id"] != event_id_for(ids):
        msg = "an event whose id or count is not its members'"
        raise CorruptPieceError(msg)
    return row


def decode_piece(key: str, payload: bytes, incident_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The event rows of the entry ``payload``, checked to be those of the piece ``key``
    whose incidents are ``incident_ids``; raises :class:`CorruptPieceError` if not."""
    try:
        (size,) = _SIZE.unpack_from(payload)
        body = unpack_body(payload[_SIZE.size :], size)
        entry = json.loads(body.to_pybytes().decode("utf-8", "surrogatepass"))
    except (CorruptEntryError, ValueError, struct.error, OSError, TypeError, RecursionError) as exc:
        # RecursionError: JSON nested deeper than Python's stack.
        msg = f"the entry does not decode: {exc}"
        raise CorruptPieceError(msg) from exc
    if not isinstance(entry, dict) or entry.get("format") != PIECE_FORMAT:
        msg = "the entry is of another format"
        raise CorruptPieceError(msg)
    if entry.get("key") != key or not isinstance(entry.get("rows"), list):
        msg = "the entry belongs to another piece"
        raise CorruptPieceError(msg)
    rows = [_row(values) for values in entry["rows"]]
    members = sorted(i for row in rows for i in row["incident_ids"])
    if members != sorted(incident_ids):
        msg = "the entry's events are not of the piece's incidents"
        raise CorruptPieceError(msg)
    return rows


# ---------------------------------------------------------------------------- store


def read_entries(file: Path | None, keys: Sequence[str]) -> dict[str, bytes]:
    """The payloads of ``keys`` in the store ``file`` (read only) whose SHA-256 matches
    the one stored with them; nothing when the file is absent or not a store."""
    if file is None or not keys or not file.is_file():
        return {}
    found: dict[str, bytes] = {}
    try:
        db = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    try:
        db.execute("CREATE TEMP TABLE wanted (key TEXT PRIMARY KEY)")
        db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((k,) for k in keys))
        rows = db.execute(
            "SELECT pieces.key, digest, payload FROM wanted JOIN pieces USING (key)"
        ).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        db.close()
    for key, digest, payload in rows:
        if isinstance(payload, bytes) and hashlib.sha256(payload).digest() == digest:
            found[key] = payload
    return found


def write_store(
    target: Path, previous: Path | None, entries: Iterable[PieceEntries]
) -> tuple[int, int]:
    """Write the store of a build at ``target``: the entries of ``previous`` its parts
    used, and those they made; returns how many of each. A previous store that cannot
    be read adds nothing (its pieces are grouped again next time)."""
    used: set[str] = set()
    made: dict[str, bytes] = {}
    for part in entries:
        used.update(part.used)
        made.update(part.made)
    target.unlink(missing_ok=True)
    db = sqlite3.connect(target.resolve().as_uri(), uri=True)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(_SCHEMA)
        if previous is not None and previous.is_file() and used - made.keys():
            with contextlib.suppress(sqlite3.Error):
                db.execute("ATTACH DATABASE ? AS old", (f"{previous.resolve().as_uri()}?mode=ro",))
                db.execute("CREATE TEMP TABLE kept (key TEXT PRIMARY KEY)")
                db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", ((k,) for k in used))
                db.execute(
                    "INSERT OR IGNORE INTO pieces SELECT p.key, p.digest, p.payload "
                    "FROM kept JOIN old.pieces AS p USING (key)"
                )
        db.executemany(
            "INSERT OR REPLACE INTO pieces VALUES (?, ?, ?)",
            ((key, hashlib.sha256(payload).digest(), payload) for key, payload in made.items()),
        )
        db.commit()
    finally:
        db.close()
    return len(used - made.keys()), len(made)
