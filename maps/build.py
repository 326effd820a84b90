"""The main job: reports in, one map and GIS files out (``incident-map build``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gazetteer.geoparse import Geoparser, PlaceMention
from gazetteer.model import Gazetteer, load_gazetteer
from geo.errors import ReportError
from incidents.events import group_events, incident_event_ids
from incidents.model import Incident
from incidents.pipeline import (
    Problem,
    ReportResult,
    analyse_report,
    incidents_frame,
    iter_reports,
    places_frame,
)
from incidents.reports import Manifest, iter_report_files
from maps.export import (
    acled_csv,
    geodataframe_to_geojson,
    incidents_geojson,
    places_geojson,
    write_geopackage,
    write_outputs,
)
from maps.render import render_map

#: The files a build writes, in the order they are listed to the user.
OUTPUT_FILES = (
    "map.html",
    "incidents.geojson",
    "events.geojson",
    "places.geojson",
    "incidents.gpkg",
    "incidents.csv",
)


@dataclass
class BuildSummary:
    """What a build read, found and wrote."""

    reports_read: int = 0
    reports_failed: int = 0
    incidents: int = 0
    mapped: int = 0
    sources: list[str] = field(default_factory=list)
    places: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when any input could not be used."""
        return any(p.severity == "error" for p in self.problems)


def count_reports(inputs: Iterable[str | Path]) -> int:
    """How many report files the inputs name (for a progress bar)."""
    return sum(1 for _, error in iter_report_files(inputs) if error is None)


def build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    gazetteer: Gazetteer | None = None,
    manifest: Manifest | None = None,
    title: str = "incident-mapper",
    on_report: Callable[[], None] | None = None,
) -> BuildSummary:
    """Read every report, extract incidents and write the map and GIS files.

    Outputs are written all together or not at all (see
    :func:`maps.export.write_outputs`); a report that cannot be read is listed
    in the summary's problems and the others go on.

    Raises
    ------
    ReportError
        When not a single report could be read (nothing is written then).
    OutputError
        When the outputs cannot be written (earlier outputs are left as they were).
    """
    inputs = list(inputs)
    gazetteer = gazetteer or load_gazetteer()
    geoparser = Geoparser(gazetteer)
    summary = BuildSummary()
    incidents: list[Incident] = []
    located: list[PlaceMention] = []
    if manifest is not None:
        summary.problems.extend(
            Problem.from_error(p, fallback_path=manifest.path) for p in manifest.problems
        )
    for item in iter_reports(inputs, manifest=manifest):
        if on_report is not None:
            on_report()
        if isinstance(item, Problem):
            summary.reports_failed += 1
            summary.problems.append(item)
            continue
        result: ReportResult = analyse_report(item, geoparser)
        summary.reports_read += 1
        summary.problems.extend(Problem(item.path, note, severity="warning") for note in item.notes)
        incidents.extend(result.incidents)
        located.extend(m for m in result.mentions if m.is_location)
    if summary.reports_read == 0:
        msg = "no report could be read, so nothing was written"
        raise ReportError(msg, path=", ".join(str(i) for i in inputs) or None)

    incident_table = incidents_frame(incidents)
    event_table = group_events(incident_table, gazetteer=gazetteer)
    # The event each incident belongs to, so GIS users can join the two layers.
    by_incident = incident_event_ids(incident_table, event_table)
    incident_table["event_id"] = incident_table["incident_id"].map(by_incident)
    place_table = places_frame(located, gazetteer)
    html = render_map(
        incident_table, place_table, events=event_table, gazetteer=gazetteer, title=title
    )
    summary.outputs = write_outputs(
        out_dir,
        {
            "map.html": html,
            "incidents.geojson": incidents_geojson(incident_table),
            "events.geojson": geodataframe_to_geojson(event_table, id_column="event_id"),
            "places.geojson": places_geojson(place_table),
            "incidents.gpkg": lambda path: write_geopackage(
                {"incidents": incident_table, "events": event_table, "places": place_table}, path
            ),
            "incidents.csv": acled_csv(incident_table),
        },
    )
    summary.events = len(event_table)
    summary.incidents = len(incident_table)
    summary.mapped = int(incident_table["lat"].notna().sum())
    summary.sources = sorted(set(incident_table["source"]))
    summary.places = len(place_table)
    return summary
