"""From report files (or texts) to incident and place tables.

The batch is streamed: each report is read, geoparsed and mined on its own
(:func:`analyse_report` is pure and can be handed to a parallel engine), and a
report that fails becomes a :class:`Problem` while the others go on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from gazetteer.geoparse import Geoparser, PlaceMention
from gazetteer.model import Gazetteer, load_gazetteer
from gazetteer.normalize import normalize_with_offsets
from geo.crs import WGS84
from geo.errors import IncidentMapperError, ReportError
from incidents.extract import extract_incidents, structural_spans
from incidents.model import INCIDENT_COLUMNS, Incident, Report
from incidents.report_files import Manifest, ReportMetadata, iter_report_files
from incidents.report_text import decode_report, html_report_text, looks_like_html
from incidents.reports import HTML_NOTE, REPORT_MAX_BYTES, parse_report, read_report
from incidents.spill import PLACE_SCHEMA, incident_rows, incidents_table, place_rows


@dataclass(frozen=True)
class Problem:
    """Something that went wrong with one input; the batch goes on without it."""

    path: str
    message: str
    line: int | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"

    @classmethod
    def from_error(cls, error: IncidentMapperError, *, fallback_path: str) -> Problem:
        return cls(path=error.path or fallback_path, message=error.message, line=error.line)

    def to_json(self) -> list[Any]:
        """The problem as JSON values ``[path, message, line, severity]`` (the result
        cache and the build record keep problems so)."""
        return [self.path, self.message, self.line, self.severity]

    @classmethod
    def from_json(cls, values: Any) -> Problem:
        """The problem :meth:`to_json` gave; raises ValueError or TypeError if
        ``values`` is not one."""
        path, message, line, severity = values
        return cls(
            str(path),
            str(message),
            line=None if line is None else int(line),
            severity=str(severity),
        )


@dataclass(frozen=True)
class ReportResult:
    """One report with its place mentions and incidents."""

    report: Report
    mentions: tuple[PlaceMention, ...]
    incidents: tuple[Incident, ...]


def analyse_report(report: Report, geoparser: Geoparser) -> ReportResult:
    """Geoparse a parsed report and extract its incidents (pure, no I/O).

    The pack travels as data with the geoparser's gazetteer
    (``geoparser.gazetteer.pack``: time zone, country, metric CRS, vocabulary), so
    a worker process or a dask worker analyses with the same pack as the caller.
    """
    normalized = normalize_with_offsets(report.text)  # once, for both readers
    mentions = tuple(
        geoparser.parse(report.text, non_locations=structural_spans(report), normalized=normalized)
    )
    incidents = tuple(
        extract_incidents(report, mentions, pack=geoparser.gazetteer.pack, normalized=normalized)
    )
    return ReportResult(report, mentions, incidents)


#: The input name that stands for standard input, and the name its report gets.
STDIN = "-"
STDIN_NAME = "<stdin>"


def report_from_bytes(
    data: bytes, *, path: str = STDIN_NAME, metadata: ReportMetadata | None = None
) -> Report:
    """Decode and parse a report given as bytes (standard input), as a file would be."""
    if len(data) > REPORT_MAX_BYTES:
        msg = (
            f"is more than the {REPORT_MAX_BYTES // 2**20} MiB a report may be; "
            "split it into several reports"
        )
        raise ReportError(msg, path=path)
    text = decode_report(data, path=path)
    if not looks_like_html(text):
        return parse_report(text, path=path, metadata=metadata)
    report = parse_report(html_report_text(text, path=path), path=path, metadata=metadata)
    return replace(report, notes=(HTML_NOTE, *report.notes))


def split_stdin(inputs: Iterable[str | Path]) -> list[list[str | Path] | None]:
    """The inputs in runs of paths, with None where ``-`` (standard input) stands."""
    runs: list[list[str | Path] | None] = []
    for given in inputs:
        if str(given) == STDIN:
            runs.append(None)
        elif runs and runs[-1] is not None:
            runs[-1].append(given)
        else:
            runs.append([given])
    return runs


def iter_reports(
    inputs: Iterable[str | Path],
    *,
    manifest: Manifest | None = None,
    stdin: bytes | None = None,
) -> Iterator[Report | Problem]:
    """Read every report the inputs name (files or folders), one at a time.

    ``-`` among the inputs stands for ``stdin``, the bytes of a report read from
    standard input (named :data:`STDIN_NAME`).
    """
    if stdin is not None and any(str(i) == STDIN for i in inputs):
        for run in split_stdin(inputs):
            if run is None:
                try:
                    yield report_from_bytes(stdin)
                except IncidentMapperError as exc:
                    yield Problem.from_error(exc, fallback_path=STDIN_NAME)
            else:
                yield from iter_reports(run, manifest=manifest)
        return
    for path, error in iter_report_files(inputs):
        if error is not None:
            yield Problem.from_error(error, fallback_path=path)
            continue
        metadata = manifest.lookup(path) if manifest is not None else None
        try:
            yield read_report(path, metadata=metadata)
        except IncidentMapperError as exc:
            yield Problem.from_error(exc, fallback_path=path)


def analyse_reports(
    inputs: Iterable[str | Path],
    *,
    gazetteer: Gazetteer | None = None,
    manifest: Manifest | None = None,
    geoparser: Geoparser | None = None,
    stdin: bytes | None = None,
) -> Iterator[ReportResult | Problem]:
    """Stream results for every report the inputs name; failures come as problems.

    ``-`` among the inputs stands for ``stdin`` (see :func:`iter_reports`).
    """
    geoparser = geoparser or Geoparser(gazetteer or load_gazetteer())
    for item in iter_reports(inputs, manifest=manifest, stdin=stdin):
        if isinstance(item, Problem):
            yield item
            continue
        yield analyse_report(item, geoparser)
        for note in item.notes:
            yield Problem(path=item.path, message=note, severity="warning")


def analyse_text(
    text: str,
    *,
    name: str = "<text>",
    source: str | None = None,
    date: dt.date | None = None,
    url: str | None = None,
    geoparser: Geoparser | None = None,
) -> ReportResult:
    """Analyse a report given as a string, with optional metadata."""
    geoparser = geoparser or Geoparser(load_gazetteer())
    metadata = ReportMetadata(source=source, url=url, date=date)
    return analyse_report(parse_report(text, path=name, metadata=metadata), geoparser)


def incidents_from_text(
    text: str,
    *,
    name: str = "<text>",
    source: str | None = None,
    date: dt.date | None = None,
    url: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> gpd.GeoDataFrame:
    """One call from a report's text to its incident GeoDataFrame (EPSG:4326)."""
    geoparser = Geoparser(gazetteer or load_gazetteer())
    result = analyse_text(text, name=name, source=source, date=date, url=url, geoparser=geoparser)
    return incidents_frame(result.incidents)


def incidents_frame(incidents: Iterable[Incident]) -> gpd.GeoDataFrame:
    """Incidents as a GeoDataFrame (EPSG:4326), columns :data:`INCIDENT_COLUMNS`.

    Rows are in a deterministic order (report, then position in the report, then
    type). Incidents without a place have an empty geometry and null lat/lon.
    """
    return incidents_frame_from_table(incidents_table(incident_rows(incidents)))


#: The incident table's row order: report, position in the report, type, id.
INCIDENT_ORDER = ("report", "evidence_start", "event_type", "incident_id")


def incidents_frame_from_table(table: pa.Table, *, compact: bool = False) -> gpd.GeoDataFrame:
    """The incident GeoDataFrame from Arrow columns (:data:`incidents.spill.INCIDENT_SCHEMA`).

    This is how a build makes its table from the spill: the rows are sorted in
    Arrow (the same order as :func:`incidents_frame`, whatever order the reports
    were analysed in) and each column is converted once.

    With ``compact``, text columns stay in Arrow memory (``pd.ArrowDtype(pa.string())``,
    missing values ``pd.NA``) instead of becoming one Python string per cell: a
    fraction of the memory for a million incidents. Without it (the default, and
    what :func:`incidents_frame` gives), text columns are ``object`` with None.

    ``table`` may hold only some of the columns (those of :data:`INCIDENT_ORDER`
    among them): the frame then has those, in the documented order.
    """
    keys = [(name, "ascending") for name in INCIDENT_ORDER]
    order = pc.sort_indices(table.select(list(INCIDENT_ORDER)), sort_keys=keys).to_numpy()
    if not np.array_equal(order, np.arange(len(order))):  # not sorted already: no copy then
        table = table.take(order)
    del order
    names = [name for name in INCIDENT_COLUMNS if name in table.column_names]
    columns: dict[str, Any] = {}
    for name in names:
        column = table.column(name)
        if name in _INTEGER_COLUMNS:
            columns[name] = pd.array(column.to_pylist(), dtype="Int64")
        elif name in _FLOAT_COLUMNS:
            columns[name] = column.to_numpy(zero_copy_only=False).astype("float64")
        elif compact and name != "actors":
            # One chunk (as sorting leaves it) is shared, not copied.
            array = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
            columns[name] = pd.Series(pd.arrays.ArrowExtensionArray(array))
        else:
            # Text (and the actors lists) hold None for missing values, never NaN.
            columns[name] = pd.Series(column.to_pylist(), dtype=object)
        del column
    del table
    frame = pd.DataFrame(columns, columns=names, copy=False)
    lat = frame["lat"].to_numpy()
    lon = frame["lon"].to_numpy()
    placed = ~(np.isnan(lat) | np.isnan(lon))
    geometry = np.full(len(frame), None, dtype=object)
    geometry[placed] = shapely.points(lon[placed], lat[placed])
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=WGS84), crs=WGS84)


_INTEGER_COLUMNS = frozenset({"killed", "injured", "evidence_start", "evidence_end"})
_FLOAT_COLUMNS = frozenset({"lat", "lon", "uncertainty_m"})


PLACE_COLUMNS = (
    "place_id",
    "name",
    "name_ar",
    "kind",
    "precision",
    "uncertainty_m",
    "coordinate_basis",
    "source",
    "mention_count",
    "derived",
    "description",
)


def places_frame(mentions: Iterable[PlaceMention], gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    """The places the reports locate things at, with their real geometry and counts.

    Gazetteer entries keep their own geometry (the Green Zone polygon, bridge
    lines, gate points); relative locations become derived areas.
    """
    return places_frame_from_table(
        pa.Table.from_pylist(place_rows(mentions), PLACE_SCHEMA), gazetteer
    )


def places_frame_from_table(table: pa.Table, gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    """:func:`places_frame` from spilled place rows (:data:`incidents.spill.PLACE_SCHEMA`).

    Rows are per report; a place's count is the sum over reports and its first
    mention the first row naming it.
    """
    table = table.append_column("row", pa.array(np.arange(len(table), dtype=np.int64)))
    grouped = table.group_by("place_id").aggregate([("mentions", "sum"), ("row", "min")])
    grouped = grouped.sort_by("place_id")
    firsts = table.take(grouped.column("row_min")).to_pylist()
    counts = grouped.column("mentions_sum").to_pylist()
    rows = []
    for first, count in zip(firsts, counts, strict=True):
        place_id = first["place_id"]
        mention_geometry = (
            shapely.from_wkb(first["geometry"]) if first["geometry"] is not None else None
        )
        place = gazetteer.get(place_id)
        if place is not None:
            rows.append(
                {
                    "place_id": place_id,
                    "name": place.name,
                    "name_ar": place.name_ar,
                    "kind": place.kind,
                    "precision": first["precision"],
                    "uncertainty_m": place.uncertainty_m,
                    "coordinate_basis": place.coordinate_basis,
                    "source": place.source,
                    "mention_count": count,
                    "derived": False,
                    "description": place.notes or None,
                    "geometry": place.geometry if place.geometry is not None else mention_geometry,
                }
            )
        else:
            anchor = gazetteer.get(first["anchor_id"] or "")
            rows.append(
                {
                    "place_id": place_id,
                    "name": first["place_name"],
                    "name_ar": None,
                    "kind": "derived",
                    "precision": first["precision"],
                    "uncertainty_m": first["uncertainty_m"],
                    "coordinate_basis": "derived",
                    "source": f"derived from {anchor.id}: {anchor.source}" if anchor else "derived",
                    "mention_count": count,
                    "derived": True,
                    "description": f"area for '{first['text']}' ({first['resolved_by']})",
                    "geometry": mention_geometry,
                }
            )
    frame = pd.DataFrame(rows, columns=[*PLACE_COLUMNS, "geometry"])
    frame["mention_count"] = frame["mention_count"].astype("int64")
    frame["derived"] = frame["derived"].astype(bool)
    frame["uncertainty_m"] = frame["uncertainty_m"].astype("float64")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=WGS84)


def read_incidents(
    inputs: Sequence[str | Path],
    *,
    gazetteer: Gazetteer | None = None,
    manifest: Manifest | None = None,
) -> gpd.GeoDataFrame:
    """One call from report paths to the incident GeoDataFrame.

    Reports that cannot be read are left out; use :func:`analyse_reports` to see
    why.
    """
    gazetteer = gazetteer or load_gazetteer()
    incidents: list[Incident] = []
    for item in analyse_reports(inputs, gazetteer=gazetteer, manifest=manifest):
        if isinstance(item, ReportResult):
            incidents.extend(item.incidents)
    return incidents_frame(incidents)
