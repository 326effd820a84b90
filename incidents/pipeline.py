"""From report files (or texts) to incident and place tables.

The batch is streamed: each report is read, geoparsed and mined on its own
(:func:`analyse_report` is pure and can be handed to a parallel engine), and a
report that fails becomes a :class:`Problem` while the others go on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from gazetteer.geoparse import Geoparser, PlaceMention
from gazetteer.model import Gazetteer, load_gazetteer
from geo.crs import WGS84
from geo.errors import IncidentMapperError
from incidents.extract import extract_incidents, structural_spans
from incidents.model import INCIDENT_COLUMNS, Incident, Report
from incidents.reports import Manifest, ReportMetadata, iter_report_files, parse_report, read_report


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


@dataclass(frozen=True)
class ReportResult:
    """One report with its place mentions and incidents."""

    report: Report
    mentions: tuple[PlaceMention, ...]
    incidents: tuple[Incident, ...]


def analyse_report(report: Report, geoparser: Geoparser) -> ReportResult:
    """Geoparse a parsed report and extract its incidents (pure, no I/O)."""
    mentions = tuple(geoparser.parse(report.text, non_locations=structural_spans(report)))
    incidents = tuple(extract_incidents(report, mentions))
    return ReportResult(report, mentions, incidents)


def iter_reports(
    inputs: Iterable[str | Path], *, manifest: Manifest | None = None
) -> Iterator[Report | Problem]:
    """Read every report the inputs name (files or folders), one at a time."""
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
) -> Iterator[ReportResult | Problem]:
    """Stream results for every report the inputs name; failures come as problems."""
    geoparser = geoparser or Geoparser(gazetteer or load_gazetteer())
    for item in iter_reports(inputs, manifest=manifest):
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
    records = [i.as_record() for i in incidents]
    records.sort(
        key=lambda r: (r["report"], r["evidence_start"], r["event_type"], r["incident_id"])
    )
    frame = pd.DataFrame.from_records(records, columns=list(INCIDENT_COLUMNS))
    # Text columns hold None for missing values (never NaN); numbers get nullable types.
    frame = frame.astype(object).where(frame.notna(), None)
    for column in ("killed", "injured", "evidence_start", "evidence_end"):
        frame[column] = frame[column].astype("Int64")
    for column in ("lat", "lon", "uncertainty_m"):
        frame[column] = frame[column].astype("float64")
    geometry = [
        Point(lon, lat) if pd.notna(lat) and pd.notna(lon) else None
        for lat, lon in zip(frame["lat"], frame["lon"], strict=True)
    ]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84)


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
    counts: dict[str, int] = {}
    first: dict[str, PlaceMention] = {}
    for mention in mentions:
        if not mention.is_location or mention.place_id is None:
            continue
        counts[mention.place_id] = counts.get(mention.place_id, 0) + 1
        first.setdefault(mention.place_id, mention)
    rows = []
    for place_id in sorted(counts):
        mention = first[place_id]
        place = gazetteer.get(place_id)
        if place is not None:
            rows.append(
                {
                    "place_id": place_id,
                    "name": place.name,
                    "name_ar": place.name_ar,
                    "kind": place.kind,
                    "precision": mention.precision,
                    "uncertainty_m": place.uncertainty_m,
                    "coordinate_basis": place.coordinate_basis,
                    "source": place.source,
                    "mention_count": counts[place_id],
                    "derived": False,
                    "description": place.notes or None,
                    "geometry": place.geometry if place.geometry is not None else mention.geometry,
                }
            )
        else:
            anchor = gazetteer.get(mention.anchor_id or "")
            rows.append(
                {
                    "place_id": place_id,
                    "name": mention.place_name,
                    "name_ar": None,
                    "kind": "derived",
                    "precision": mention.precision,
                    "uncertainty_m": mention.uncertainty_m,
                    "coordinate_basis": "derived",
                    "source": f"derived from {anchor.id}: {anchor.source}" if anchor else "derived",
                    "mention_count": counts[place_id],
                    "derived": True,
                    "description": f"area for '{mention.text}' ({mention.resolved_by})",
                    "geometry": mention.geometry,
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
