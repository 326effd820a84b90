"""The last build's spill, kept beside the result cache so its reports' rows are reused
as slices instead of decoded entry by entry.

A build with the cache leaves, with the cache file, the spill it wrote (the incident
and place files of :mod:`incidents.spill`) and an index of it: for each report whose
rows the cache keeps, its cache key, where its incident and place rows start in the
files, how many there are, and its problems. The next build takes a hit's rows from
those files: the rows a round of reports needs are read a row group at a time, in the
files' order, and each report gets zero-copy slices of them. No payload is
decompressed, hashed or parsed per report, and no Python object is made per row.

Nothing is trusted blindly. The index names the SHA-256 and the row count of both
files, and a SHA-256 of its own content; the files' schemas must be the spill's. A
file that does not match, or an index that does not add up, is set aside and the
entries are read from the cache file instead (:class:`incidents.cache.ResultCache`).
When a round's reports lie scattered over the files (a build listing the same
reports in another order), reading their row groups would cost more than the entries:
that round reads the entries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from incidents.digests import file_digest
from incidents.spill import BATCH_ROWS as SPILL_BATCH_ROWS
from incidents.spill import INCIDENT_SCHEMA, PLACE_SCHEMA, SpillWriter

#: The index and the two kept files, in the cache's folder (and a build's staging folder).
INDEX_FILE = "spill-index.json"
KEPT_FILES = {"incidents": "spill-incidents.parquet", "places": "spill-places.parquet"}
#: What the spill's files are called, in the spill's folder.
SPILL_FILES = {"incidents": SpillWriter.INCIDENTS, "places": SpillWriter.PLACES}
SCHEMAS = {"incidents": INCIDENT_SCHEMA, "places": PLACE_SCHEMA}
#: Bumped when the index changes its form.
FORMAT = 1
#: A round reads its rows from the kept files only when the row groups it must read
#: hold at most this many times the rows it needs (plus two row groups, for the
#: round's ends); otherwise it reads the entries.
SCATTER_LIMIT = 4


@dataclass
class SpillIndex:
    """Where each cached report's rows are in a spill, gathered as the spill is written
    (:meth:`add`, in the spill's order) and written beside it (:meth:`write`)."""

    keys: list[str] = field(default_factory=list)
    incident_starts: list[int] = field(default_factory=list)
    incident_counts: list[int] = field(default_factory=list)
    place_starts: list[int] = field(default_factory=list)
    place_counts: list[int] = field(default_factory=list)
    problems: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(
        self,
        key: str,
        incidents: tuple[int, int],
        places: tuple[int, int],
        problems: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Report ``key``'s rows: (first row, rows) in each file, and its problems (JSON)."""
        self.keys.append(key)
        self.incident_starts.append(incidents[0])
        self.incident_counts.append(incidents[1])
        self.place_starts.append(places[0])
        self.place_counts.append(places[1])
        if problems:
            self.problems[key] = list(problems)

    def write(self, target: Path, spill_folder: Path) -> None:
        """The index of the spill in ``spill_folder`` (whole: its files are closed), as
        ``target``."""
        files = {}
        for name, file_name in SPILL_FILES.items():
            path = spill_folder / file_name
            files[name] = {
                "sha256": file_digest(path),
                "rows": pq.ParquetFile(path).metadata.num_rows,
            }
        body = {
            "format": FORMAT,
            "files": files,
            "keys": self.keys,
            "incidents": [self.incident_starts, self.incident_counts],
            "places": [self.place_starts, self.place_counts],
            "problems": self.problems,
        }
        document = {"body": body, "sha256": _content_sha256(body)}
        target.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")


def _content_sha256(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _KeptFile:
    """One kept file: its row groups' first rows, each report's (start, count), and the
    last row groups read (runs of rows come in the file's order, mostly)."""

    RECENT = 2

    def __init__(
        self, file: pq.ParquetFile, schema: pa.Schema, starts: np.ndarray, counts: np.ndarray
    ):
        self.file = file
        self.schema = schema
        sizes = [file.metadata.row_group(g).num_rows for g in range(file.num_row_groups)]
        self.group_starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        """The first row of each row group, and the number of rows last."""
        self.starts = starts
        self.counts = counts
        self._recent: dict[int, pa.Table] = {}

    def _groups_of(self, start: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        first = np.searchsorted(self.group_starts, start, side="right") - 1
        last = np.searchsorted(self.group_starts, start + count - 1, side="right") - 1
        return first, last

    def scattered(self, positions: np.ndarray) -> bool:
        """Whether the row groups holding the rows of the reports at ``positions`` hold
        far more rows than they (:data:`SCATTER_LIMIT`)."""
        held = self.counts[positions] > 0
        starts, counts = self.starts[positions][held], self.counts[positions][held]
        if not len(starts):
            return False
        first, last = self._groups_of(starts, counts)
        spans = [np.arange(a, b + 1) for a, b in zip(first.tolist(), last.tolist(), strict=True)]
        groups = np.unique(np.concatenate(spans))
        sizes = np.diff(self.group_starts)
        largest = int(sizes.max(initial=0))
        return int(sizes[groups].sum()) > SCATTER_LIMIT * int(counts.sum()) + 2 * largest

    def rows(self, start: int, count: int) -> pa.Table:
        """Rows ``start`` to ``start + count`` of the file."""
        if count == 0:
            return self.schema.empty_table()
        first, last = (int(g) for g in self._groups_of(np.array(start), np.array(count)))
        parts = [self._row_group(group) for group in range(first, last + 1)]
        table = parts[0] if len(parts) == 1 else pa.concat_tables(parts)
        return table.slice(start - int(self.group_starts[first]), count)

    def _row_group(self, group: int) -> pa.Table:
        table = self._recent.get(group)
        if table is None:
            table = self.file.read_row_group(group, use_threads=False)
            table = table.replace_schema_metadata(None)  # the spill's schemas have none
            while len(self._recent) >= self.RECENT:
                del self._recent[next(iter(self._recent))]
            self._recent[group] = table
        return table


class KeptSpill:
    """The last build's kept spill, checked (:meth:`open`); its reports' rows by key."""

    def __init__(self, keys: list[str], files: dict[str, _KeptFile], problems: dict[str, Any]):
        self._position = {key: number for number, key in enumerate(keys)}
        self._files = files
        self._problems = problems

    @classmethod
    def open(cls, folder: Path) -> KeptSpill | None:
        """The spill kept in ``folder`` when it is there and checks; else None."""
        try:
            document = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
            body = document["body"]
            if document["sha256"] != _content_sha256(body) or body["format"] != FORMAT:
                return None
            keys = [str(key) for key in body["keys"]]
            files = {}
            for name, file_name in KEPT_FILES.items():
                kept = cls._kept_file(folder / file_name, body, name, len(keys))
                if kept is None:
                    return None
                files[name] = kept
            problems = body["problems"]
            if not isinstance(problems, dict):
                return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # pyarrow's errors (ArrowInvalid, ArrowIOError...) are ValueErrors and OSErrors.
            return None
        return cls(keys, files, problems)

    @staticmethod
    def _kept_file(path: Path, body: dict[str, Any], name: str, reports: int) -> _KeptFile | None:
        described = body["files"][name]
        if file_digest(path) != described["sha256"]:
            return None
        file = pq.ParquetFile(path)
        rows = file.metadata.num_rows
        if rows != described["rows"] or not file.schema_arrow.equals(SCHEMAS[name]):
            return None
        starts, counts = (np.asarray(values, dtype=np.int64) for values in body[name])
        if len(starts) != reports or len(counts) != reports:
            return None
        if (counts < 0).any() or (starts < 0).any() or (starts + counts > rows).any():
            return None
        return _KeptFile(file, SCHEMAS[name], starts, counts)

    def __contains__(self, key: str) -> bool:
        return key in self._position

    def keys(self) -> set[str]:
        return set(self._position)

    def problems(self, key: str) -> list[dict[str, Any]]:
        """The problems (JSON) of report ``key``."""
        return list(self._problems.get(key, ()))

    def rows_of(self, keys: Sequence[str]) -> list[tuple[tuple[int, int], tuple[int, int]]] | None:
        """Where the rows of each of ``keys`` (all in this spill) are, (start, count) in
        the incident file and in the place file, or None when they lie too scattered over
        the files to be read from them (see the module docstring)."""
        positions = np.array([self._position[key] for key in keys], dtype=np.int64)
        if any(kept.scattered(positions) for kept in self._files.values()):
            return None
        incidents, places = self._files["incidents"], self._files["places"]
        return [
            ((i_start, i_count), (p_start, p_count))
            for i_start, i_count, p_start, p_count in zip(
                incidents.starts[positions].tolist(),
                incidents.counts[positions].tolist(),
                places.starts[positions].tolist(),
                places.counts[positions].tolist(),
                strict=True,
            )
        ]

    def rows(self, name: str, start: int, count: int) -> pa.Table:
        """Rows ``start`` to ``start + count`` of the kept ``name`` file ("incidents" or
        "places")."""
        return self._files[name].rows(start, count)


class IndexedSpill:
    """A build's spill being written, with the index of its cached reports' rows
    (:class:`SpillIndex`), taking the rows of the last build's ``kept`` spill a run at
    a time: the rows of consecutive reports that follow each other in the kept files
    too are read and appended together (up to about ``limit`` incident rows), a slice
    per run, not per report. Everything else goes through :meth:`add_batches` and
    :meth:`add`, after the pending run."""

    def __init__(self, spill: SpillWriter, kept: KeptSpill | None, limit: int = SPILL_BATCH_ROWS):
        self.spill = spill
        self.kept = kept
        self.limit = limit
        self.index = SpillIndex()
        self._run: list[int] | None = None  # incident start, end, place start, end

    def add_kept(
        self,
        key: str | None,
        incidents: tuple[int, int],
        places: tuple[int, int],
        problems: Sequence[dict[str, Any]],
    ) -> None:
        """Append a report's rows from the kept spill, (start, count) in its incident and
        place files (indexed under ``key`` unless None)."""
        if self.kept is None:
            msg = "rows from a kept spill, but this build has none"
            raise ValueError(msg)
        run = self._run
        pending = (0, 0) if run is None else (run[1] - run[0], run[3] - run[2])
        if key is not None:
            self.index.add(
                key,
                (self.spill.incident_count + pending[0], incidents[1]),
                (self.spill.place_count + pending[1], places[1]),
                problems,
            )
        follows = run is not None and (incidents[0], places[0]) == (run[1], run[3])
        if run is not None and follows and run[1] - run[0] < self.limit:
            run[1] += incidents[1]
            run[3] += places[1]
            return
        self.flush()
        self._run = [incidents[0], incidents[0] + incidents[1], places[0], places[0] + places[1]]

    def add_cached(
        self,
        key: str | None,
        incidents: pa.RecordBatch,
        places: pa.RecordBatch,
        problems: Sequence[dict[str, Any]],
    ) -> None:
        """Append a report's rows as the result cache keeps them (indexed under ``key``
        unless None)."""
        self.flush()
        if key is not None:
            self.index.add(
                key,
                (self.spill.incident_count, incidents.num_rows),
                (self.spill.place_count, places.num_rows),
                problems,
            )
        self.spill.add_batches(incidents, places)

    def add_batches(self, incidents: pa.RecordBatch, places: pa.RecordBatch) -> None:
        """Append rows that are not indexed (see :meth:`SpillWriter.add_batches`)."""
        self.flush()
        self.spill.add_batches(incidents, places)

    def add(
        self, incidents: Sequence[Mapping[str, Any]], places: Sequence[Mapping[str, Any]]
    ) -> None:
        """Append rows that are not indexed (see :meth:`SpillWriter.add`)."""
        self.flush()
        self.spill.add(incidents, places)

    def flush(self) -> None:
        """Append the pending run of kept rows."""
        if self._run is None or self.kept is None:
            return
        i_start, i_end, p_start, p_end = self._run
        self._run = None
        self.spill.add_batches(
            self.kept.rows("incidents", i_start, i_end - i_start),
            self.kept.rows("places", p_start, p_end - p_start),
        )
