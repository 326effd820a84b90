"""The main job: reports in, one map and GIS files out (``incident-map build``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gazetteer.geoparse import Geoparser, PlaceMention
from gazetteer.model import Gazetteer, load_gazetteer
from geo.errors import OutputError, ReportError
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
from incidents.reports import Manifest, iter_report_files, printable_path
from maps.export import (
    EXTRA_OUTPUT_FILES,
    extra_outputs,
    geodataframe_to_geojson,
    incidents_csv,
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
    *EXTRA_OUTPUT_FILES,
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


def check_output_folder(out_dir: str | Path) -> None:
    """Refuse, before any report is read, an output folder that cannot be one.

    :func:`maps.export.write_outputs` checks again when it writes; this only
    spares a long build that could never be written.

    Raises
    ------
    OutputError
        ``out_dir`` is a file, lies under a file, has a name that is not UTF-8
        (GDAL cannot write there), or its nearest existing folder cannot be
        written to.
    """
    out_dir = Path(out_dir)
    if printable_path(str(out_dir)) != str(out_dir):
        msg = "the output folder's name is not valid UTF-8; choose another name"
        raise OutputError(msg, path=printable_path(str(out_dir)))
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        msg = "is a file, not a folder; choose another output folder"
        raise OutputError(msg, path=existing)
    if not os.access(existing, os.W_OK | os.X_OK):
        msg = "the output folder is not writable; choose another or fix its permissions"
        raise OutputError(msg, path=existing)


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
        When the outputs cannot be written (earlier outputs are left as they were);
        an output folder that is a file or not writable is refused before any
        report is read.
    """
    check_output_folder(out_dir)
    inputs = list(inputs)
    gazetteer = gazetteer or load_gazetteer()
    geoparser = Geoparser(gazetteer)
    summary = BuildSummary()
    incidents: list[Incident] = []
    located: list[PlaceMention] = []
    if manifest is not None:
        # A row for a missing file loses nothing the build was given: a warning.
        summary.problems.extend(
            Problem(p.path or manifest.path, p.message, line=p.line, severity="warning")
            for p in manifest.problems
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
        reasons = "".join(f"\n  {p}" for p in summary.problems if p.severity == "error")
        msg = f"no report could be read, so nothing was written:{reasons}"
        raise ReportError(msg, path=", ".join(printable_path(str(i)) for i in inputs) or None)

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
            "incidents.csv": incidents_csv(incident_table),
            **extra_outputs(incident_table, event_table),
        },
    )
    summary.events = len(event_table)
    summary.incidents = len(incident_table)
    summary.mapped = int(incident_table["lat"].notna().sum())
    summary.sources = sorted(set(incident_table["source"]))
    summary.places = len(place_table)
    return summary
