"""The result cache: a report's analysis kept between builds, never trusted blindly.

An entry is keyed by a hash of everything the analysis depends on: the report's
bytes, its path (incident ids derive from it), its manifest row, and the
versions of the code and data that analyse it (:func:`analysis_version`: the
package version, every source and data file of ``geo``, ``gazetteer`` and
``incidents``, and the gazetteer in use). Change any of them and the entry is
simply not found.

The cache is one SQLite file in the output folder. A build copies it to its
staging folder, looks its reports up there in bulk, adds the entries of the
reports it analysed and drops those it did not use; the copy replaces the old
file only once the outputs are written: a failed build leaves the cache as it
was, and the cache never grows past the reports of the last build. An entry holds
the report's spill rows as Arrow record batches of the spill's own schemas, so a
hit is appended to the spill without a Python object per row. Each entry carries
a SHA-256 of its payload and names its own key and path, and its batches are
read against the spill's schemas and validated before use: a corrupt entry, or a
corrupt file, is ignored and the report analysed again.

Beside the file, a build keeps the spill it wrote and an index of it
(:mod:`incidents.spill_reuse`): the next build takes the rows of the reports it holds
from there, a run of consecutive reports at a time, and reads their entries only when
the kept spill does not check.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import shutil
import sqlite3
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import pyarrow as pa
from shapely.geometry.base import BaseGeometry

from gazetteer.model import Gazetteer
from incidents.digests import file_digest
from incidents.engine import ReportOutcome
from incidents.pipeline import Problem
from incidents.report_files import ReportMetadata
from incidents.spill import INCIDENT_SCHEMA, PLACE_SCHEMA
from incidents.spill_reuse import KeptSpill

#: The cache's folder in an output folder, and its file.
CACHE_FOLDER = ".incident-map-cache"
CACHE_FILE = "results.sqlite"
#: Bumped when the entry format changes (2: columns instead of rows of objects; 3:
#: Arrow record batches instead of JSON; 4: zstd instead of zlib).
FORMAT = 4
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
# An entry is one payload: a 4-byte length, a small JSON header (format, key, path, the
# schemas' fingerprint, the problems, the sizes of the two messages), then the report's
# incident rows and place rows as two Arrow IPC record-batch messages of the spill's own
# schemas, compressed together (one zstd frame, level 1: as small as zlib's fastest level,
# about three times faster to make and to read). A hit is decoded to two record
# batches (no Python object per row) and appended to the spill as they are.


def _schema_fingerprint(*schemas: pa.Schema) -> str:
    text = "\n".join(schema.to_string(show_schema_metadata=False) for schema in schemas)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


SCHEMAS = _schema_fingerprint(INCIDENT_SCHEMA, PLACE_SCHEMA)
_HEADER_SIZE = struct.Struct("<I")
_HEADER_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class CachedOutcome:
    """A report's analysis as the cache keeps it: its spill rows as record batches."""

    path: str
    incidents: pa.RecordBatch
    places: pa.RecordBatch
    problems: list[Problem] = field(default_factory=list)


@dataclass
class SpilledOutcome:
    """A report's analysis as the last build's kept spill holds it: where its rows are
    there, (first row, rows) in the incident and the place file
    (:mod:`incidents.spill_reuse`)."""

    path: str
    incidents: tuple[int, int]
    places: tuple[int, int]
    problems: list[Problem] = field(default_factory=list)


def outcome_batches(outcome: ReportOutcome) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """An outcome's incident and place rows as record batches of the spill's schemas."""
    if outcome.batches is not None:  # from a worker process, as messages
        incidents, places = outcome.batches
        return (
            pa.ipc.read_record_batch(pa.py_buffer(incidents), INCIDENT_SCHEMA),
            pa.ipc.read_record_batch(pa.py_buffer(places), PLACE_SCHEMA),
        )
    return (
        pa.RecordBatch.from_pylist(outcome.incidents, schema=INCIDENT_SCHEMA),
        pa.RecordBatch.from_pylist(outcome.places, schema=PLACE_SCHEMA),
    )


def encode_batches(
    key: str,
    path: str,
    incidents: pa.RecordBatch,
    places: pa.RecordBatch,
    problems: Sequence[Problem],
) -> bytes:
    """A report's batches and problems as a payload that names its format and its own key."""
    first, second = incidents.serialize(), places.serialize()
    body = first.to_pybytes() + second.to_pybytes()
    header = {
        "format": FORMAT,
        "key": key,
        "path": path,
        "schemas": SCHEMAS,
        "sizes": [first.size, second.size],
        "problems": [p.to_json() for p in problems],
    }
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _HEADER_SIZE.pack(len(text)) + text + pack_body(body)


def encode_outcome(key: str, outcome: ReportOutcome) -> bytes:
    """An outcome as a payload (see :func:`encode_batches`)."""
    return encode_batches(key, outcome.path, *outcome_batches(outcome), outcome.problems)


class CorruptEntryError(ValueError):
    """A cache entry that does not decode to what it claims to be."""


_ZSTD = pa.Codec("zstd", compression_level=1)
_ZSTD_MAGIC = 0xFD2FB528


def pack_body(body: bytes) -> bytes:
    """An entry's messages compressed: one zstd frame, which names its size."""
    return _ZSTD.compress(body, asbytes=True)


def _frame_content_size(frame: bytes) -> int | None:
    """The size a zstd frame's header says its content has (RFC 8878, 3.1.1.1), or None
    when it is no zstd frame or does not say."""
    if len(frame) < 6 or int.from_bytes(frame[:4], "little") != _ZSTD_MAGIC:
        return None
    descriptor = frame[4]
    if descriptor & 0x08:  # the reserved bit
        return None
    single_segment = bool(descriptor & 0x20)
    start = 5 + (0 if single_segment else 1) + (0, 1, 2, 4)[descriptor & 0x03]
    width = (1 if single_segment else 0, 2, 4, 8)[descriptor >> 6]
    if width == 0 or len(frame) < start + width:
        return None
    size = int.from_bytes(frame[start : start + width], "little")
    return size + 256 if width == 2 else size


def unpack_body(packed: bytes, size: int) -> pa.Buffer:
    """The ``size`` bytes of messages in ``packed``; raises :class:`CorruptEntryError`
    unless they decompress to exactly that many.

    Arrow's codec decompresses into a buffer of the size it is told and does not say
    how much it wrote, so the frame must first say that size itself; zstd then checks
    that the frame's content has the size its header says, and a second frame would
    not fit: every byte of the buffer is written, none is left as it was.
    """
    if size <= 0 or _frame_content_size(packed) != size:
        msg = "the entry's messages are not the size its header says"
        raise CorruptEntryError(msg)
    try:
        return _ZSTD.decompress(packed, decompressed_size=size)
    except OSError as exc:  # zstd's own checks: the content's size, a cut frame
        msg = f"the entry's messages do not decompress: {exc}"
        raise CorruptEntryError(msg) from exc


def _batch(buffer: pa.Buffer, schema: pa.Schema) -> pa.RecordBatch:
    batch = pa.ipc.read_record_batch(buffer, schema)
    if not batch.schema.equals(schema):
        msg = "columns that do not fit the spill's columns"
        raise CorruptEntryError(msg)
    batch.validate(full=True)  # offsets in bounds, text valid UTF-8
    return batch


def decode_outcome(key: str, path: str, payload: bytes) -> CachedOutcome:
    """The outcome in ``payload``, checked; raises :class:`CorruptEntryError` if it is not one."""
    try:
        (size,) = _HEADER_SIZE.unpack_from(payload)
        text = payload[_HEADER_SIZE.size : _HEADER_SIZE.size + size].decode("utf-8")
        header = _HEADER_DECODER.decode(text)
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            msg = "the entry is of another format"
            raise CorruptEntryError(msg)
        if header["key"] != key or header["path"] != path:
            msg = "the entry belongs to another report"
            raise CorruptEntryError(msg)
        if header["schemas"] != SCHEMAS:
            msg = "columns that do not fit the spill's columns"
            raise CorruptEntryError(msg)
        first, second = (int(n) for n in header["sizes"])
        if first < 0 or second < 0:
            msg = "the entry's sizes are negative"
            raise CorruptEntryError(msg)
        body = unpack_body(payload[_HEADER_SIZE.size + size :], first + second)
        incidents = _batch(body.slice(0, first), INCIDENT_SCHEMA)
        places = _batch(body.slice(first, second), PLACE_SCHEMA)
        problems = [Problem.from_json(values) for values in header["problems"]]
    except CorruptEntryError:
        raise
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        struct.error,
    ) as exc:
        # pyarrow's errors (ArrowInvalid, ArrowIOError...) are ValueErrors and OSErrors.
        msg = f"the entry does not decode: {type(exc).__name__}"
        raise CorruptEntryError(msg) from exc
    return CachedOutcome(path, incidents, places, problems)


# ------------------------------------------------------------------------ store


_SCHEMA = "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, digest BLOB, payload BLOB)"
# Many keys in one query: a JSON array of them, one parameter (SQLite's json_each).
_PRESENT = "SELECT key FROM results WHERE key IN (SELECT value FROM json_each(?))"
_LOOKUP = "SELECT key, digest, payload FROM results WHERE key IN (SELECT value FROM json_each(?))"


class ResultCache:
    """The previous build's entries, looked up in bulk; this build's kept in ``new_file``.

    The previous file is copied to ``new_file`` (in the staging folder) and used there:
    a hit costs a read of its row, no write; a miss's entry is added; at
    :meth:`close` the entries this build did not use are deleted, so the cache holds
    the reports of the last build only. The output folder's file is never written: a
    failed build leaves it as it was.

    Parameters
    ----------
    previous_file
        The cache file of the output folder, or None to reuse nothing. A file
        that is not a readable cache is treated as empty.
    new_file
        Where the entries of this build are kept (in the staging folder).
    kept_spill
        The last build's spill (:mod:`incidents.spill_reuse`), checked: the reports it
        holds are taken from it as slices, their entries not read.
    """

    def __init__(
        self, previous_file: Path | None, new_file: Path, kept_spill: KeptSpill | None = None
    ):
        self.hits = 0
        self.from_spill = 0
        """Of the hits, those taken from the last build's spill."""
        self.corrupt = 0
        self.unreadable = False
        self._kept_spill = kept_spill
        self._used: set[str] = set()
        self._pending = 0
        self._file = new_file
        self._db = self._open(new_file)
        if previous_file is not None and previous_file.is_file():
            try:
                self._db.close()
                shutil.copyfile(previous_file, new_file)
                self._db = self._open(new_file)
                self._db.execute("SELECT key, digest, payload FROM results LIMIT 1").fetchall()
            except (OSError, sqlite3.Error):
                self._reset()

    def _reset(self) -> None:
        """Start from an empty file: the previous one could not be read (and neither is
        the kept spill used: the cache is rebuilt whole)."""
        self.unreadable = True
        self._kept_spill = None
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._file.unlink(missing_ok=True)
        self._db = self._open(self._file)

    @staticmethod
    def _open(file: Path) -> sqlite3.Connection:
        db = sqlite3.connect(file)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(_SCHEMA)
        return db

    def present(self, keys: Iterable[str]) -> set[str]:
        """The ``keys`` that have an entry or rows in the kept spill, not yet read nor
        checked (one query): the reports a build will have to analyse are known before it
        reads any entry."""
        keys = list(keys)
        spilled = set() if self._kept_spill is None else self._kept_spill.keys()
        try:
            rows = self._db.execute(_PRESENT, (json.dumps(keys),)).fetchall()
        except sqlite3.Error:
            self._reset()
            rows = []
        return {key for (key,) in rows} | spilled.intersection(keys)

    @property
    def kept_spill(self) -> KeptSpill | None:
        return self._kept_spill

    def lookup_many(
        self, wanted: Sequence[tuple[str, str]]
    ) -> dict[str, CachedOutcome | SpilledOutcome]:
        """The trustworthy cached outcomes of ``wanted`` (key, path) pairs, by key: from the
        last build's spill when it holds them all together enough, else from the entries."""
        found: dict[str, CachedOutcome | SpilledOutcome] = dict(self._from_spill(wanted))
        paths = {key: path for key, path in wanted if key not in found}
        if not paths:
            return found
        try:
            rows = self._db.execute(_LOOKUP, (json.dumps(list(paths)),)).fetchall()
        except sqlite3.Error:
            self._reset()
            return found
        for key, digest, payload in rows:
            if key not in paths or key in found:
                continue
            if not isinstance(payload, bytes) or hashlib.sha256(payload).digest() != digest:
                self.corrupt += 1
                continue
            try:
                found[key] = decode_outcome(key, paths[key], payload)
            except CorruptEntryError:
                self.corrupt += 1
                continue
            self.hits += 1
            self._used.add(key)
        return found

    def _from_spill(self, wanted: Sequence[tuple[str, str]]) -> dict[str, SpilledOutcome]:
        spill = self._kept_spill
        held = [] if spill is None else [(key, path) for key, path in wanted if key in spill]
        rows = spill.rows_of([key for key, _ in held]) if spill is not None and held else None
        if rows is None:  # none held, or scattered: the entries are read
            return {}
        found = {}
        for (key, path), (incidents, places) in zip(held, rows, strict=True):
            problems = [Problem.from_json(values) for values in spill.problems(key)]
            found[key] = SpilledOutcome(path, incidents, places, problems)
            self._used.add(key)
        self.hits += len(found)
        self.from_spill += len(found)
        return found

    def lookup(self, key: str, path: str) -> CachedOutcome | SpilledOutcome | None:
        """The cached outcome for ``key``, or None when absent or not trustworthy."""
        return self.lookup_many([(key, path)]).get(key)

    def store(self, key: str, outcome: ReportOutcome) -> CachedOutcome | None:
        """Keep ``outcome`` for the next build (only reports that were read); returns it
        as the cache keeps it, to be spilled as it is."""
        if not outcome.read:
            return None
        incidents, places = outcome_batches(outcome)
        payload = encode_batches(key, outcome.path, incidents, places, outcome.problems)
        self._db.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
            (key, hashlib.sha256(payload).digest(), payload),
        )
        self._used.add(key)
        self._pending += 1
        if self._pending >= 2000:
            self._db.commit()
            self._pending = 0
        return CachedOutcome(outcome.path, incidents, places, list(outcome.problems))

    def discard(self) -> None:
        """Close the file without tidying it (a build that failed: it is removed)."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def close(self) -> None:
        """Drop the entries this build did not use and write the file out."""
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
        db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._used))
        db.execute("DELETE FROM results WHERE key NOT IN (SELECT key FROM used)")
        db.commit()
        free, pages = (
            db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("freelist_count", "page_count")
        )
        # A file a quarter or more of deleted entries is made small again: after a build
        # that replaced every entry (a code change) exactly half is free, and at "more than
        # half" the file stayed twice its size and was copied so by every later build.
        if free * 4 >= pages and free:
            db.execute("VACUUM")
        db.close()


# ----------------------------------------------------------------- build record
#
# A build whose inputs and code are those of the build that wrote the outputs has
# nothing to write: the record names a digest of everything the outputs depend on and
# a SHA-256 of every output file, and is trusted only when both match again.

#: The record of the last build, beside the cache file.
RECORD_FILE = "build.json"
#: The packages whose code and data decide the outputs (the analysis's and the writers').
OUTPUT_PACKAGES = ("maps",)


@cache
def _output_code_digest() -> str:
    digest = hashlib.sha256(_code_and_data_digest().encode())
    for package in OUTPUT_PACKAGES:
        for name, data in sorted(_package_files(resources.files(package), package)):
            digest.update(f"\n{name} {len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()


def inputs_digest(version: str, parts: Iterable[str]) -> str:
    """A digest of a build's inputs: the analysis ``version``, the code and data of the
    output writers, and ``parts`` (the title, every report's cache key in order, the
    problems of the listing), in order."""
    digest = hashlib.sha256(f"{RECORD_FILE} {FORMAT} {version} {_output_code_digest()}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def write_record(file: Path, digest: str, outputs: Sequence[Path], summary: dict[str, Any]) -> None:
    """Record a build's inputs digest, its outputs' SHA-256 and its ``summary`` (JSON)."""
    record = {
        "format": FORMAT,
        "inputs": digest,
        "outputs": {path.name: file_digest(path) for path in outputs},
        "summary": summary,
    }
    file.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def fresh_record(file: Path, digest: str, out_dir: Path) -> dict[str, Any] | None:
    """The summary of the last build when its inputs digest is ``digest`` and every output
    it wrote is still in ``out_dir`` byte for byte (checked, not assumed); else None."""
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
        if record["format"] != FORMAT or record["inputs"] != digest:
            return None
        outputs = record["outputs"]
        if not outputs:
            return None
        for name, sha in outputs.items():
            path = out_dir / name
            if Path(name).name != name or path.is_symlink() or not path.is_file():
                return None
            if file_digest(path) != sha:
                return None
        summary = record["summary"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return summary if isinstance(summary, dict) else None
