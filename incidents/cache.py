"""The result cache: a report's analysis kept between builds, never trusted blindly.

An entry is keyed by a hash of everything the analysis depends on: the report's
bytes, its path (incident ids derive from it), its manifest row, and the
versions of the code and data that analyse it (:func:`analysis_version`: the
package version, every source and data file of ``geo``, ``gazetteer`` and
``incidents``, and the gazetteer in use). Change any of them and the entry is
simply not found.

The cache is one SQLite file in the output folder. A build reads the previous
file (read-only) and writes the entries it used into a new file in its staging
folder, which replaces the old one only once the outputs are written: a failed
build leaves the cache as it was, and the cache never grows past the reports of
the last build. Each entry carries a SHA-256 of its payload and its own key, and
is checked against the spill's schema before use: a corrupt entry, or a corrupt
file, is ignored and the report analysed again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import pyarrow as pa
from shapely.geometry.base import BaseGeometry

from gazetteer.model import Gazetteer
from incidents.engine import ReportOutcome
from incidents.pipeline import Problem
from incidents.report_files import ReportMetadata
from incidents.spill import INCIDENT_SCHEMA, PLACE_SCHEMA

#: The cache's folder in an output folder, and its file.
CACHE_FOLDER = ".incident-map-cache"
CACHE_FILE = "results.sqlite"
#: Bumped when the entry format changes (2: columns instead of rows of objects).
FORMAT = 2
#: The packages whose code and data decide a report's analysis.
ANALYSIS_PACKAGES = ("geo", "gazetteer", "incidents")


@cache
def _code_and_data_digest() -> str:
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    try:
        digest.update(metadata.version("incident-mapper").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"not installed")
    for package in ANALYSIS_PACKAGES:
        for name, data in sorted(_package_files(resources.files(package), package)):
            digest.update(f"\n{name} {len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()


def _package_files(folder: Any, prefix: str) -> Iterable[tuple[str, bytes]]:
    for entry in folder.iterdir():
        name = f"{prefix}/{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _package_files(entry, name)
        elif entry.name.endswith((".py", ".json", ".geojson", ".csv", ".txt", ".md")):
            yield name, entry.read_bytes()


def gazetteer_digest(gazetteer: Gazetteer) -> str:
    """A hash of the gazetteer's pack (time zone, country, CRS, vocabulary) and of every
    entry (geometry as WKB), in id order."""
    digest = hashlib.sha256(gazetteer.pack.fingerprint.encode())
    for place_id in sorted(gazetteer):
        place = gazetteer[place_id]
        values = []
        for item in dataclasses.fields(place):
            if not item.compare:
                continue
            value = getattr(place, item.name)
            values.append(value.wkb_hex if isinstance(value, BaseGeometry) else value)
        digest.update(json.dumps(values, ensure_ascii=False, default=str).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def analysis_version(gazetteer: Gazetteer) -> str:
    """What a cached analysis must have been made with to be reused."""
    return hashlib.sha256(
        f"{_code_and_data_digest()} {gazetteer_digest(gazetteer)}".encode()
    ).hexdigest()


def entry_key(version: str, path: str, metadata_row: ReportMetadata | None, data: bytes) -> str:
    """The cache key of one report file's analysis."""
    digest = hashlib.sha256(version.encode())
    row = None if metadata_row is None else dataclasses.asdict(metadata_row)
    digest.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(json.dumps(row, sort_keys=True, default=str).encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


# --------------------------------------------------------------------- encoding
#
# An entry is one zlib-compressed JSON document naming its format, key and path, with the
# incident and place rows in columns (each column's name once, its values in a list):
# half the text of rows of objects, decoded and checked a column at a time.


def _columns(rows: list[dict[str, Any]], names: tuple[str, ...]) -> list[list[Any]]:
    return [[row[name] for row in rows] for name in names]


def encode_outcome(key: str, outcome: ReportOutcome) -> bytes:
    """An outcome as a compressed JSON payload that names its format and its own key."""
    places = _columns(outcome.places, PLACE_SCHEMA_NAMES)
    geometry = PLACE_SCHEMA_NAMES.index("geometry")
    places[geometry] = [None if g is None else g.hex() for g in places[geometry]]
    document = {
        "format": FORMAT,
        "key": key,
        "path": outcome.path,
        "incidents": _columns(outcome.incidents, INCIDENT_SCHEMA_NAMES),
        "places": places,
        "problems": [[p.path, p.message, p.line, p.severity] for p in outcome.problems],
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return zlib.compress(text.encode("utf-8"), 1)


_NONE = type(None)


def _value_types(kind: pa.DataType) -> frozenset[type] | None:
    """The Python types (None's included) a JSON-decoded value of an Arrow type may have;
    None for a list of strings."""
    if pa.types.is_string(kind):
        return frozenset({str, _NONE})
    if pa.types.is_integer(kind):
        return frozenset({int, _NONE})
    if pa.types.is_floating(kind):
        return frozenset({float, int, _NONE})
    if pa.types.is_binary(kind):
        return frozenset({str, _NONE})  # hex text in the entry
    return None


def _checks(schema: pa.Schema) -> tuple[tuple[str, ...], tuple[frozenset[type] | None, ...]]:
    return tuple(schema.names), tuple(_value_types(f.type) for f in schema)


INCIDENT_SCHEMA_NAMES, _INCIDENT_TYPES = _checks(INCIDENT_SCHEMA)
PLACE_SCHEMA_NAMES, _PLACE_TYPES = _checks(PLACE_SCHEMA)


def _rows(
    columns: Any, names: tuple[str, ...], types: tuple[frozenset[type] | None, ...]
) -> list[dict[str, Any]]:
    """Rows from an entry's columns, each value checked to be of its column's type (a
    bool is no number); raises :class:`CorruptEntryError` if they do not fit."""
    if not isinstance(columns, list) or len(columns) != len(names):
        msg = "columns that do not fit the spill's columns"
        raise CorruptEntryError(msg)
    size = len(columns[0]) if columns and isinstance(columns[0], list) else 0
    for values, allowed in zip(columns, types, strict=True):
        if not isinstance(values, list) or len(values) != size:
            msg = "columns of different lengths"
            raise CorruptEntryError(msg)
        if allowed is None:  # lists of strings
            lists = [v for v in values if v is not None]
            fits = all(type(v) is list for v in lists) and all(
                type(item) is str for v in lists for item in v
            )
        else:
            fits = set(map(type, values)) <= allowed
        if not fits:
            msg = "values that do not fit their columns"
            raise CorruptEntryError(msg)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


class CorruptEntryError(ValueError):
    """A cache entry that does not decode to what it claims to be."""


def decode_outcome(key: str, path: str, payload: bytes) -> ReportOutcome:
    """The outcome in ``payload``, checked; raises :class:`CorruptEntryError` if it is not one."""
    try:
        document = json.loads(zlib.decompress(payload).decode("utf-8"))
        if document["format"] != FORMAT:
            msg = "the entry is of another format"
            raise CorruptEntryError(msg)
        if document["key"] != key or document["path"] != path:
            msg = "the entry belongs to another report"
            raise CorruptEntryError(msg)
        incidents = _rows(document["incidents"], INCIDENT_SCHEMA_NAMES, _INCIDENT_TYPES)
        places = _rows(document["places"], PLACE_SCHEMA_NAMES, _PLACE_TYPES)
        for row in places:
            row["geometry"] = bytes.fromhex(row["geometry"]) if row["geometry"] else None
        problems = [
            Problem(str(p), str(m), line=None if line is None else int(line), severity=str(s))
            for p, m, line, s in document["problems"]
        ]
    except CorruptEntryError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, zlib.error) as exc:
        msg = f"the entry does not decode: {type(exc).__name__}"
        raise CorruptEntryError(msg) from exc
    return ReportOutcome(path, read=True, incidents=incidents, places=places, problems=problems)


# ------------------------------------------------------------------------ store


_SCHEMA = "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, digest BLOB, payload BLOB)"


class ResultCache:
    """Read the previous build's entries; write this build's into ``new_file``.

    Parameters
    ----------
    previous_file
        The cache file of the output folder, or None to reuse nothing. A file
        that is not a readable cache is treated as empty.
    new_file
        Where the entries of this build are written (in the staging folder),
        or None to write none.
    """

    def __init__(self, previous_file: Path | None, new_file: Path | None):
        self.hits = 0
        self.corrupt = 0
        self.unreadable = False
        self._previous: sqlite3.Connection | None = None
        if previous_file is not None and previous_file.is_file():
            try:
                uri = f"{previous_file.resolve().as_uri()}?mode=ro"
                self._previous = sqlite3.connect(uri, uri=True)
                self._previous.execute("SELECT count(*) FROM results").fetchone()
            except sqlite3.Error:
                self._drop_previous()
        self._new: sqlite3.Connection | None = None
        if new_file is not None:
            self._new = sqlite3.connect(new_file)
            self._new.execute("PRAGMA journal_mode=OFF")
            self._new.execute("PRAGMA synchronous=OFF")
            self._new.execute(_SCHEMA)
            self._pending = 0

    def _drop_previous(self) -> None:
        self.unreadable = True
        if self._previous is not None:
            with contextlib.suppress(sqlite3.Error):
                self._previous.close()
        self._previous = None

    def _payload(self, key: str) -> bytes | None:
        if self._previous is None:
            return None
        try:
            row = self._previous.execute(
                "SELECT digest, payload FROM results WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.Error:
            self._drop_previous()
            return None
        if row is None:
            return None
        digest, payload = row
        if not isinstance(payload, bytes) or hashlib.sha256(payload).digest() != digest:
            self.corrupt += 1
            return None
        return payload

    def lookup(self, key: str, path: str) -> ReportOutcome | None:
        """The cached outcome for ``key``, or None when absent or not trustworthy."""
        payload = self._payload(key)
        if payload is None:
            return None
        try:
            outcome = decode_outcome(key, path, payload)
        except CorruptEntryError:
            self.corrupt += 1
            return None
        self.hits += 1
        self._write(key, payload)
        return outcome

    def store(self, key: str, outcome: ReportOutcome) -> None:
        """Keep ``outcome`` for the next build (only reports that were read)."""
        if self._new is None or not outcome.read:
            return
        self._write(key, encode_outcome(key, outcome))

    def _write(self, key: str, payload: bytes) -> None:
        if self._new is None:
            return
        self._new.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
            (key, hashlib.sha256(payload).digest(), payload),
        )
        self._pending += 1
        if self._pending >= 2000:
            self._new.commit()
            self._pending = 0

    def close(self) -> None:
        if self._previous is not None:
            self._previous.close()
            self._previous = None
        if self._new is not None:
            self._new.commit()
            self._new.close()
            self._new = None
