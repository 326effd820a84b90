"""The ``incident-map`` command: a thin shell over the library functions.

Every command turns our own errors into a one-line message naming the file (and
line), never a traceback; per-report problems are listed and the batch goes on,
and the exit code is 1 when anything failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from geo.errors import IncidentMapperError

F = TypeVar("F", bound=Callable[..., Any])


def _user_errors(command: F) -> F:
    """Report our errors as ``Error: file:line: message`` with exit code 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except IncidentMapperError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


gazetteer_option = click.option(
    "--gazetteer",
    "gazetteer_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A gazetteer GeoJSON that extends the bundled one (entries with the same id replace it).",
)
replace_option = click.option(
    "--replace-gazetteer",
    is_flag=True,
    help="Use the --gazetteer file alone instead of extending the bundled gazetteer.",
)
manifest_option = click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV with columns path,source,url,date,title describing the reports.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")


def _gazetteer(path: Path | None, replace: bool, *, checked: bool = False):
    """The gazetteer to use; ``checked`` refuses a user's file with errors (see
    :func:`gazetteer.check.load_checked_gazetteer`) and prints its warnings."""
    from gazetteer.check import load_checked_gazetteer
    from gazetteer.model import load_gazetteer

    if replace and path is None:
        msg = "--replace-gazetteer needs --gazetteer FILE"
        raise click.UsageError(msg)
    if not checked:
        return load_gazetteer(path, extend=not replace)
    gazetteer, warnings = load_checked_gazetteer(path, extend=not replace)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    return gazetteer


def _manifest(path: Path | None, *, echo: bool = True):
    if path is None:
        return None
    from incidents.reports import read_manifest

    manifest = read_manifest(path)
    for problem in manifest.problems if echo else ():
        click.echo(f"warning: {problem}", err=True)
    return manifest


def _echo_json(records: list[dict[str, Any]]) -> None:
    click.echo(json.dumps(records, ensure_ascii=False, indent=2))


def _analysed(
    reports: tuple[str, ...], gazetteer_path, replace, manifest_path, failures: list[Any]
) -> Iterator[Any]:
    """Each report's result; problems are printed as they come and errors kept in ``failures``."""
    from incidents.pipeline import ReportResult, analyse_reports

    gazetteer = _gazetteer(gazetteer_path, replace, checked=True)
    manifest = _manifest(manifest_path)
    for item in analyse_reports(reports, gazetteer=gazetteer, manifest=manifest):
        if isinstance(item, ReportResult):
            yield item
            continue
        click.echo(str(item), err=True)
        if item.severity == "error":
            failures.append(item)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="incident-mapper")
def cli() -> None:
    """Turn news reports into a geolocated, timestamped, sourced incident map."""


@cli.command()
@click.argument("reports", nargs=-1, required=True)
@json_option
@manifest_option
@gazetteer_option
@replace_option
@_user_errors
def geocode(reports, as_json, manifest_path, gazetteer_path, replace_gazetteer) -> None:
    """List every place mention in REPORTS (files or folders) and how it was resolved."""
    failures: list[Any] = []
    records: list[dict[str, Any]] = []
    for item in _analysed(reports, gazetteer_path, replace_gazetteer, manifest_path, failures):
        for mention in item.mentions:
            record = {"report": item.report.path, **mention.as_record()}
            if as_json:
                records.append(record)
            else:
                where = f"{mention.place_id or mention.place_name or '-'}"
                precision = mention.precision or "-"
                click.echo(
                    f"{item.report.path}:{mention.start}-{mention.end}\t{mention.text!r}\t"
                    f"{mention.role}\t{where}\t{precision}\t{mention.resolved_by}"
                    f"{_mention_detail(mention)}"
                )
    if as_json:
        _echo_json(records)
    sys.exit(1 if failures else 0)


def _mention_detail(mention: Any) -> str:
    """What a reader needs beyond resolved_by: the name a variant matched, a historic name,
    why a mention stays unresolved."""
    parts = []
    if mention.matched_name and not mention.historic:
        how = "abbreviation of" if mention.resolved_by == "abbreviation" else "spelling of"
        parts.append(f"{how} {mention.matched_name!r}")
    if mention.historic:
        parts.append(f"historic name {mention.matched_name!r}")
    if mention.note:
        parts.append(mention.note)
    return "\t" + "; ".join(parts) if parts else ""


@cli.command()
@click.argument("reports", nargs=-1, required=True)
@json_option
@manifest_option
@gazetteer_option
@replace_option
@_user_errors
def extract(reports, as_json, manifest_path, gazetteer_path, replace_gazetteer) -> None:
    """Print the incidents found in REPORTS (files or folders)."""
    failures: list[Any] = []
    incidents = [
        incident
        for item in _analysed(reports, gazetteer_path, replace_gazetteer, manifest_path, failures)
        for incident in item.incidents
    ]
    if as_json:
        _echo_json([i.as_record() for i in incidents])
    else:
        for i in incidents:
            casualties = ""
            if i.killed is not None or i.injured is not None:
                casualties = (
                    f" killed={i.killed} injured={i.injured} by={i.claimed_by} ({i.claim_status})"
                )
            day = i.date or "????-??-??"
            click.echo(
                f"{i.incident_id}  {i.event_type:<16} {day} {i.time_precision:<11} "
                f"{(i.place_name or 'not placed'):<40} {i.geo_precision or '-':<9} {i.source}"
                f"{' via ' + i.via if i.via else ''}{casualties}"
            )
        click.echo(f"{len(incidents)} incidents", err=True)
    sys.exit(1 if failures else 0)


@cli.group()
def gazetteer() -> None:
    """See and validate the gazetteer (bundled, or extended with --gazetteer)."""


@gazetteer.command("list")
@gazetteer_option
@replace_option
@_user_errors
def gazetteer_list(gazetteer_path, replace_gazetteer) -> None:
    """One line per entry: id, kind, coordinate basis, name."""
    places = _gazetteer(gazetteer_path, replace_gazetteer)
    for place in places.values():
        located = place.lat_lon
        where = f"{located[0]:.5f},{located[1]:.5f}" if located else "not located"
        click.echo(
            f"{place.id:<34} {place.kind:<13} {place.coordinate_basis:<11} {where:<20} {place.name}"
        )


@gazetteer.command("show")
@click.argument("place_id")
@gazetteer_option
@replace_option
@_user_errors
def gazetteer_show(place_id, gazetteer_path, replace_gazetteer) -> None:
    """Everything the gazetteer holds on one entry, as JSON."""
    places = _gazetteer(gazetteer_path, replace_gazetteer)
    if place_id not in places:
        msg = f"no entry '{place_id}'; 'incident-map gazetteer list' shows the ids"
        raise click.ClickException(msg)
    place = places[place_id]
    record = {
        "id": place.id,
        "name": place.name,
        "name_ar": place.name_ar,
        "kind": place.kind,
        "aliases": list(place.aliases),
        "aliases_ar": list(place.aliases_ar),
        "part_of": place.part_of,
        "adjacent_to": list(place.adjacent_to),
        "children": list(places.children(place.id)),
        "lat_lon": place.lat_lon,
        "geometry": place.geometry.wkt if place.geometry is not None else None,
        "coordinate_basis": place.coordinate_basis,
        "uncertainty_m": place.uncertainty_m,
        "confidence": place.confidence,
        "source": place.source,
        "notes": place.notes,
    }
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


@gazetteer.command("check")
@gazetteer_option
@replace_option
@_user_errors
def gazetteer_check(gazetteer_path, replace_gazetteer) -> None:
    """Validate the gazetteer: ids, geometries, sources, parents and neighbours."""
    from gazetteer.check import check_places
    from gazetteer.model import bundled_places, read_gazetteer_file

    places = [] if replace_gazetteer else bundled_places()
    if gazetteer_path is not None:
        user = read_gazetteer_file(gazetteer_path)
        user_ids = {p.id for p in user}
        places = [p for p in places if p.id not in user_ids] + user
    problems = check_places(places)
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{len(places)} entries checked: {errors} errors, {warnings} warnings", err=True)
    sys.exit(1 if errors else 0)


#: Above this many reports, build shows a progress bar (on a terminal).
PROGRESS_THRESHOLD = 20


@cli.command()
@click.argument("reports", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for map.html, incidents/events/places.geojson, incidents.gpkg, incidents.csv.",
)
@manifest_option
@gazetteer_option
@replace_option
@click.option("--title", default="incident-mapper", help="Title shown on the map.")
@_user_errors
def build(reports, out_dir, manifest_path, gazetteer_path, replace_gazetteer, title) -> None:
    """Build the layered map and GIS files from REPORTS (files or folders)."""
    from maps.build import build as build_outputs
    from maps.build import count_reports

    gazetteer = _gazetteer(gazetteer_path, replace_gazetteer, checked=True)
    # The build lists the manifest's problems with the others.
    manifest = _manifest(manifest_path, echo=False)
    total = count_reports(reports)
    progress = None
    if total > PROGRESS_THRESHOLD and sys.stderr.isatty():
        from tqdm import tqdm

        progress = tqdm(total=total, unit="report", file=sys.stderr)
    try:
        summary = build_outputs(
            reports,
            out_dir,
            gazetteer=gazetteer,
            manifest=manifest,
            title=title,
            on_report=progress.update if progress is not None else None,
        )
    finally:
        if progress is not None:
            progress.close()
    for problem in summary.problems:
        click.echo(str(problem), err=True)
    errors = sum(p.severity == "error" for p in summary.problems)
    click.echo(
        f"reports read: {summary.reports_read}, failed: {summary.reports_failed}\n"
        f"incidents: {summary.incidents} ({summary.mapped} mapped)\n"
        f"sources: {len(summary.sources)} ({', '.join(summary.sources)})\n"
        f"events: {summary.events}\n"
        f"places: {summary.places}\n"
        f"problems: {errors} errors, {len(summary.problems) - errors} warnings\n"
        f"wrote: {', '.join(str(p) for p in summary.outputs)}"
    )
    sys.exit(1 if summary.failed else 0)


@cli.command()
@click.argument(
    "folder", default="evaluation", type=click.Path(file_okay=False, exists=True, path_type=Path)
)
@click.option("--misses", is_flag=True, help="Also list every mention and incident scored wrong.")
@gazetteer_option
@replace_option
@_user_errors
def evaluate(folder, misses, gazetteer_path, replace_gazetteer) -> None:
    """Score geoparsing and incident extraction on an annotated FOLDER.

    Exits 1 when a score is below its target.
    """
    from incidents.evaluation import evaluate_folder

    result = evaluate_folder(folder, _gazetteer(gazetteer_path, replace_gazetteer))
    click.echo(f"reports: {result.reports}")
    width = max(22, *(len(name) + 1 for name in result.scores))
    for name, value in result.scores.items():
        target = f"  (target {result.targets[name]})" if name in result.targets else ""
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        click.echo(f"{name:<{width}} {shown}{target}")
    if misses:
        for line in result.misses:
            click.echo(f"miss: {line}")
    failed = result.below_targets()
    for line in failed:
        click.echo(f"below target: {line}", err=True)
    sys.exit(1 if failed else 0)


def main() -> None:
    """Console-script entry point."""
    cli()
