"""The ``incident-map`` command: a thin shell over the library functions.

Every command turns our own errors into a one-line message naming the file (and
line), never a traceback; per-report problems are listed and the batch goes on,
and the exit code is 1 when anything failed, 2 for a usage mistake, 130 after
Ctrl-C and 143 after SIGTERM (the build's staging folder is removed either way).
``-`` as a report reads one report from standard input.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from geo.errors import IncidentMapperError

F = TypeVar("F", bound=Callable[..., Any])


#: Exit codes after Ctrl-C and SIGTERM, as shells report a process killed by them.
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


def _user_errors(command: F) -> F:
    """Report our errors as ``Error: file:line: message`` with exit code 1; Ctrl-C
    exits 130 once the command has cleaned up (never click's "Aborted!" and 1)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except IncidentMapperError as exc:
            raise click.ClickException(str(exc)) from exc
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]


def _terminate(signum: int, _frame: Any) -> None:
    """SIGTERM unwinds like an exception, so every ``finally`` cleans up on the way out."""
    raise SystemExit(128 + signum)


gazetteer_option = click.option(
    "--gazetteer",
    "gazetteer_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A gazetteer GeoJSON that adds places to the pack's (entries with the same id replace "
    "them); refused when it lies outside the pack's area.",
)
replace_option = click.option(
    "--replace-gazetteer",
    is_flag=True,
    help="Use the --gazetteer file alone instead of extending the pack's places.",
)
pack_option = click.option(
    "--pack",
    "pack_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="A gazetteer pack folder (pack.json + places.geojson) for another city "
    "[default: the bundled Baghdad pack].",
)
manifest_option = click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV with columns path,source,url,date,title describing the reports.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
nl_option = click.option(
    "--nl", "as_lines", is_flag=True, help="Print one JSON object per line (for jq, streaming)."
)
quiet_option = click.option(
    "-q", "--quiet", is_flag=True, help="Print only errors (and what was asked for)."
)
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Say what is being done.")


def reading_options(command: F) -> F:
    """The options of the commands that read reports and print what they found
    (``geocode``, ``extract``): output format, manifest, gazetteer, pack, quiet."""
    options = [json_option, nl_option, manifest_option, gazetteer_option, replace_option]
    options += [pack_option, quiet_option]
    for option in reversed(options):
        command = option(command)
    return command


def _gazetteer(
    path: Path | None, replace: bool, *, checked: bool = False, pack: Path | None = None
):
    """The gazetteer to use, of the bundled pack or of ``pack``; ``checked`` refuses a
    user's file or pack with errors (see :func:`gazetteer.check.load_checked_gazetteer`)
    and prints its warnings. A ``--gazetteer`` file outside the pack's area is refused
    either way."""
    from gazetteer.check import load_checked_gazetteer, refuse_outside_pack
    from gazetteer.model import load_gazetteer, read_gazetteer_file

    if replace and path is None:
        msg = "--replace-gazetteer needs --gazetteer FILE"
        raise click.UsageError(msg)
    if not checked:
        gazetteer = load_gazetteer(path, extend=not replace, pack=pack)
        if path is not None:
            refuse_outside_pack(path, read_gazetteer_file(path), gazetteer.pack)
        return gazetteer
    gazetteer, warnings = load_checked_gazetteer(path, extend=not replace, pack=pack)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    return gazetteer


def _manifest(path: Path | None, *, echo: bool = True):
    if path is None:
        return None
    from incidents.report_files import read_manifest

    manifest = read_manifest(path)
    for problem in manifest.problems if echo else ():
        click.echo(f"warning: {problem}", err=True)
    return manifest


def _echo_json(records: Any) -> None:
    click.echo(json.dumps(records, ensure_ascii=False, indent=2))


def _echo_line(record: dict[str, Any]) -> None:
    click.echo(json.dumps(record, ensure_ascii=False, separators=(",", ":")))


def _stdin_report(reports: tuple[str, ...]) -> bytes | None:
    """The bytes of standard input when ``-`` is among the reports (read once)."""
    from incidents.pipeline import STDIN

    if STDIN not in reports:
        return None
    if reports.count(STDIN) > 1:
        msg = "'-' (standard input) can be given only once"
        raise click.UsageError(msg)
    return click.get_binary_stream("stdin").read()


def _analysed(
    reports: tuple[str, ...],
    gazetteer_path,
    replace,
    manifest_path,
    failures: list[Any],
    *,
    quiet: bool = False,
    pack: Path | None = None,
) -> Iterator[Any]:
    """Each report's result; problems are printed as they come and errors kept in ``failures``."""
    from incidents.pipeline import ReportResult, analyse_reports

    gazetteer = _gazetteer(gazetteer_path, replace, checked=True, pack=pack)
    manifest = _manifest(manifest_path)
    stdin = _stdin_report(reports)
    for item in analyse_reports(reports, gazetteer=gazetteer, manifest=manifest, stdin=stdin):
        if isinstance(item, ReportResult):
            yield item
            continue
        if item.severity == "error" or not quiet:
            click.echo(str(item), err=True)
        if item.severity == "error":
            failures.append(item)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(None, "-V", "--version", package_name="incident-mapper")
def cli() -> None:
    """Turn news reports into a geolocated, timestamped, sourced incident map."""


@cli.command(short_help="Every place mention in reports and how it was resolved.")
@click.argument("reports", nargs=-1, required=True)
@reading_options
@_user_errors
def geocode(
    reports, as_json, as_lines, manifest_path, gazetteer_path, replace_gazetteer, pack_dir, quiet
) -> None:
    """List every place mention in REPORTS (files or folders; - for standard input)
    and how it was resolved."""
    failures: list[Any] = []
    records: list[dict[str, Any]] = []
    analysed = _analysed(
        reports,
        gazetteer_path,
        replace_gazetteer,
        manifest_path,
        failures,
        quiet=quiet,
        pack=pack_dir,
    )
    for item in analysed:
        for mention in item.mentions:
            record = {"report": item.report.path, **mention.as_record()}
            if as_lines:
                _echo_line(record)
            elif as_json:
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


@cli.command(short_help="The incidents found in reports.")
@click.argument("reports", nargs=-1, required=True)
@reading_options
@_user_errors
def extract(
    reports, as_json, as_lines, manifest_path, gazetteer_path, replace_gazetteer, pack_dir, quiet
) -> None:
    """Print the incidents found in REPORTS (files or folders; - for standard input)."""
    failures: list[Any] = []
    analysed = _analysed(
        reports,
        gazetteer_path,
        replace_gazetteer,
        manifest_path,
        failures,
        quiet=quiet,
        pack=pack_dir,
    )
    if as_lines:
        for item in analysed:
            for incident in item.incidents:
                _echo_line(incident.as_record())
        sys.exit(1 if failures else 0)
    incidents = [incident for item in analysed for incident in item.incidents]
    if as_json:
        _echo_json([i.as_record() for i in incidents])
    else:
        for incident in incidents:
            click.echo(incident.describe())
        if not quiet:
            click.echo(f"{len(incidents)} incidents", err=True)
    sys.exit(1 if failures else 0)


@cli.group(short_help="See and validate the gazetteer.")
def gazetteer() -> None:
    """See and validate the gazetteer (the pack's, or extended with --gazetteer)."""


@gazetteer.command("list")
@gazetteer_option
@replace_option
@pack_option
@click.option("--json", "as_json", is_flag=True, help="Print the entries as one JSON array.")
@_user_errors
def gazetteer_list(gazetteer_path, replace_gazetteer, pack_dir, as_json) -> None:
    """One line per entry: id, kind, coordinate basis, name."""
    places = _gazetteer(gazetteer_path, replace_gazetteer, pack=pack_dir)
    if as_json:
        _echo_json(
            [
                {
                    "id": place.id,
                    "kind": place.kind,
                    "coordinate_basis": place.coordinate_basis,
                    "lat_lon": place.lat_lon,
                    "name": place.name,
                    "name_ar": place.name_ar,
                    "part_of": place.part_of,
                    "uncertainty_m": place.uncertainty_m,
                }
                for place in places.values()
            ]
        )
        return
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
@pack_option
@_user_errors
def gazetteer_show(place_id, gazetteer_path, replace_gazetteer, pack_dir) -> None:
    """Everything the gazetteer holds on one entry, as JSON."""
    places = _gazetteer(gazetteer_path, replace_gazetteer, pack=pack_dir)
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
@pack_option
@_user_errors
def gazetteer_check(gazetteer_path, replace_gazetteer, pack_dir) -> None:
    """Validate the gazetteer: ids, geometries, sources, parents and neighbours, within
    the pack's area."""
    from gazetteer.check import check_places
    from gazetteer.model import read_gazetteer_file
    from gazetteer.pack import load_pack

    pack, pack_places = load_pack(pack_dir)
    places = [] if replace_gazetteer else pack_places
    if gazetteer_path is not None:
        user = read_gazetteer_file(gazetteer_path)
        user_ids = {p.id for p in user}
        places = [p for p in places if p.id not in user_ids] + user
    problems = check_places(places, pack=pack)
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{len(places)} entries checked: {errors} errors, {warnings} warnings", err=True)
    sys.exit(1 if errors else 0)


@cli.group(short_help="Check a gazetteer pack (another city).")
def pack() -> None:
    """Gazetteer packs: a folder with pack.json (name, timezone, country, home_city,
    languages; optional area, metric_crs, map_home, vocabulary) and places.geojson."""


def _pack_record(found: Any) -> dict[str, Any]:
    return {
        "name": found.name,
        "timezone": found.timezone,
        "country": found.country,
        "country_name": found.country_name,
        "home_city": found.home_city,
        "languages": list(found.languages),
        "area": list(found.area),
        "metric_crs": found.metric_crs,
        "map_home": dict(found.map_home),
        "places_files": list(found.places_files),
    }


@pack.command("check")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the pack and its problems as JSON.")
@_user_errors
def pack_check(folder, as_json) -> None:
    """Validate the pack in FOLDER: pack.json's keys, then its places as 'gazetteer
    check' does, within the pack's area. Exits 1 when anything is an error."""
    from gazetteer.check import check_pack

    found, problems = check_pack(folder)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if as_json:
        _echo_json(
            {
                "pack": _pack_record(found) if found is not None else None,
                "problems": [
                    {"severity": p.severity, "place_id": p.place_id, "message": str(p)}
                    for p in problems
                ],
                "errors": errors,
                "warnings": warnings,
            }
        )
        sys.exit(1 if errors else 0)
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}")
    if found is not None:
        west, south, east, north = found.area
        home = found.map_home
        click.echo(
            f"pack {found.name}: {found.timezone}, {found.country} ({found.country_name}), "
            f"home city {found.home_city}, languages {', '.join(found.languages)}\n"
            f"  area lon {west:g} to {east:g}, lat {south:g} to {north:g}; metric CRS "
            f"{found.metric_crs}; map opens at {home['centre'][0]:g}, {home['centre'][1]:g} "
            f"(zoom {home['zoom']})"
        )
    click.echo(f"{folder}: {errors} errors, {warnings} warnings", err=True)
    sys.exit(1 if errors else 0)


#: Above this many reports, build shows a progress bar (on a terminal).
PROGRESS_THRESHOLD = 20
#: Sources and warnings the build's summary names; the rest are in the output folder.
SUMMARY_SOURCES = 10
SUMMARY_WARNINGS = 20


def _out_folder(_ctx: click.Context, _param: click.Parameter, value: str) -> Path:
    if not value.strip():
        msg = "is empty; name the folder to write the map and files into"
        raise click.BadParameter(msg)
    return Path(value)


def _jobs(_ctx: click.Context, _param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 1:
        msg = "must be 1 or more"
        raise click.BadParameter(msg)
    return value


class _Progress:
    """What a build on a terminal shows: a tqdm bar of the reports (reports/s, time
    left) once their number is known, then what comes after them, each stage on a line
    of its own: the events being grouped (the time it has taken so far) and the output
    files being written (so many of so many, the last one named)."""

    #: Seconds between redraws of a stage whose bar does not move by itself.
    TICK = 0.5

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.shown = False
        """Whether the build is large enough for a bar: its stages get one too."""
        self.bar: Any = None
        self._lock = threading.Lock()
        self._ticking: threading.Event | None = None

    def start(self, total: int) -> None:
        if self.enabled and total > PROGRESS_THRESHOLD:
            self.shown = True
            self._open(total=total, unit="report")

    def step(self) -> None:
        if self.bar is not None:
            self.bar.update()

    def stage(self, name: str, total: int | None) -> None:
        """A stage after the reports begins (``total``: its steps, None for none)."""
        if not self.shown:
            return
        self.close()
        if total is None:
            self._open(desc=_STAGE_NAMES.get(name, name), bar_format="{desc}: {elapsed}")
            self._tick()
        else:
            self._open(desc=_STAGE_NAMES.get(name, name), total=total, unit="file")

    def output(self, name: str) -> None:
        """One output file is written (called from the writers' threads)."""
        with self._lock:
            if self.bar is not None:
                self.bar.set_postfix_str(name, refresh=False)
                self.bar.update()

    def close(self) -> None:
        if self._ticking is not None:
            self._ticking.set()
            self._ticking = None
        with self._lock:
            if self.bar is not None:
                self.bar.close()
                self.bar = None

    def _open(self, **options: Any) -> None:
        from tqdm import tqdm

        with self._lock:
            self.bar = tqdm(file=sys.stderr, dynamic_ncols=True, **options)

    def _tick(self) -> None:
        """Redraw the bar every :data:`TICK` seconds until the next stage or the end."""
        stop = self._ticking = threading.Event()
        bar = self.bar

        def redraw() -> None:
            while not stop.wait(self.TICK):
                with self._lock:
                    if self.bar is bar:
                        bar.refresh()

        threading.Thread(target=redraw, name="incident-map progress", daemon=True).start()


_STAGE_NAMES = {"events": "grouping events", "outputs": "writing outputs"}


def _summary_record(summary: Any, out_dir: Path) -> dict[str, Any]:
    errors = sum(p.severity == "error" for p in summary.problems)
    return {
        "reports_read": summary.reports_read,
        "reports_failed": summary.reports_failed,
        "reports_reused": summary.reused,
        "incidents": summary.incidents,
        "mapped": summary.mapped,
        "sources": len(summary.sources),
        "top_sources": [
            {"source": source, "incidents": int(count)}
            for source, count in summary.source_counts[:SUMMARY_SOURCES]
        ],
        "events": summary.events,
        "places": summary.places,
        "errors": errors,
        "warnings": len(summary.problems) - errors,
        "problems": [
            {"path": p.path, "line": p.line, "severity": p.severity, "message": p.message}
            for p in summary.problems
            if p.severity == "error"
        ],
        "outputs": [str(path) for path in summary.outputs],
        "out": str(out_dir),
    }


def _summary_text(summary: Any, out_dir: Path) -> str:
    errors = sum(p.severity == "error" for p in summary.problems)
    shown = summary.source_counts[:SUMMARY_SOURCES]
    if len(summary.source_counts) <= SUMMARY_SOURCES:
        sources = ", ".join(summary.sources)
    else:
        top = ", ".join(f"{source} {count}" for source, count in shown)
        sources = f"top {len(shown)}: {top}; all in {out_dir / 'sources.csv'}"
    return (
        f"reports read: {summary.reports_read}, failed: {summary.reports_failed}\n"
        f"incidents: {summary.incidents} ({summary.mapped} mapped)\n"
        f"sources: {len(summary.sources)} ({sources})\n"
        f"events: {summary.events}\n"
        f"places: {summary.places}\n"
        f"problems: {errors} errors, {len(summary.problems) - errors} warnings\n"
        f"wrote: {', '.join(str(p) for p in summary.outputs)}"
    )


@cli.command(short_help="Build the layered map and GIS files from reports.")
@click.argument("reports", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    required=True,
    callback=_out_folder,
    help="Folder for map.html, the GeoJSON, GeoPackage, CSV and GeoParquet files.",
)
@manifest_option
@gazetteer_option
@replace_option
@pack_option
@click.option("--title", default="incident-mapper", help="Title shown on the map.")
@click.option(
    "-j",
    "--jobs",
    type=int,
    default=None,
    callback=_jobs,
    help="Worker processes for the analysis [default: one per core].",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Analyse on this dask.distributed scheduler's workers instead (pip extra 'dask').",
)
@click.option(
    "--memory-limit",
    "memory_limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="MB",
    help="Keep the whole build's memory (all processes) under this many MB while it"
    " writes its outputs, writing fewer files side by side [default: 1536].",
)
@click.option(
    "--no-cache", is_flag=True, help="Neither reuse nor keep analyses in the output folder."
)
@click.option("--clear-cache", is_flag=True, help="Empty the output folder's cache, then build.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@quiet_option
@verbose_option
@_user_errors
def build(
    reports,
    out_dir,
    manifest_path,
    gazetteer_path,
    replace_gazetteer,
    pack_dir,
    title,
    jobs,
    scheduler,
    memory_limit,
    no_cache,
    clear_cache,
    as_json,
    quiet,
    verbose,
) -> None:
    """Build the layered map and GIS files from REPORTS (files or folders; - for
    standard input).

    Analyses are cached in the output folder (by each report's content, its
    manifest row and the code and data versions), so a rebuild after adding
    reports analyses only the new ones.
    """
    from maps.build import build as build_outputs

    if quiet and verbose:
        msg = "choose -q or -v, not both"
        raise click.UsageError(msg)
    if no_cache and clear_cache:
        msg = "--no-cache and --clear-cache contradict each other; choose one"
        raise click.UsageError(msg)
    gazetteer = _gazetteer(gazetteer_path, replace_gazetteer, checked=True, pack=pack_dir)
    # The build lists the manifest's problems with the others.
    manifest = _manifest(manifest_path, echo=False)
    stdin = _stdin_report(reports)
    progress = _Progress(enabled=not quiet and sys.stderr.isatty())

    def log(message: str) -> None:
        if verbose:
            (progress.bar.write if progress.bar is not None else _echo_err)(message)

    try:
        summary = build_outputs(
            reports,
            out_dir,
            gazetteer=gazetteer,
            manifest=manifest,
            title=title,
            on_report=progress.step,
            on_total=progress.start,
            on_stage=progress.stage,
            on_output=progress.output,
            jobs=jobs,
            scheduler=scheduler,
            use_cache=not no_cache,
            clear_cache=clear_cache,
            log=log,
            stdin=stdin,
            memory_limit_mb=memory_limit,
        )
    finally:
        progress.close()
    warnings_shown = 0
    for problem in summary.problems:
        if problem.severity != "error":
            if quiet:
                continue
            warnings_shown += 1
            if warnings_shown > SUMMARY_WARNINGS:
                continue
        click.echo(str(problem), err=True)
    hidden = warnings_shown - SUMMARY_WARNINGS
    if hidden > 0:
        click.echo(f"... and {hidden} more warnings in {out_dir / 'problems.txt'}", err=True)
    if as_json:
        _echo_json(_summary_record(summary, out_dir))
    elif not quiet:
        click.echo(_summary_text(summary, out_dir))
    sys.exit(1 if summary.failed else 0)


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


def default_evaluation_folder() -> Path:
    """The bundled evaluation set, found beside the package (not the working folder)."""
    return Path(__file__).resolve().parents[1] / "evaluation"


@cli.command(short_help="Score the analysis on an annotated evaluation set.")
@click.argument(
    "folder", required=False, type=click.Path(file_okay=False, exists=True, path_type=Path)
)
@click.option("--misses", is_flag=True, help="Also list every mention and incident scored wrong.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@gazetteer_option
@replace_option
@pack_option
@_user_errors
def evaluate(folder, misses, as_json, gazetteer_path, replace_gazetteer, pack_dir) -> None:
    """Score geoparsing and incident extraction on an annotated FOLDER (default: the
    bundled evaluation/ set, from any working folder).

    Exits 1 when a score is below its target.
    """
    from incidents.evaluation import evaluate_folder

    if folder is None:
        folder = default_evaluation_folder()
        if not (folder / "gold.json").is_file():
            msg = f"{folder}: no bundled evaluation set here; name an evaluation FOLDER"
            raise click.ClickException(msg)
    result = evaluate_folder(folder, _gazetteer(gazetteer_path, replace_gazetteer, pack=pack_dir))
    failed = result.below_targets()
    if as_json:
        _echo_json(
            {
                "folder": str(folder),
                "reports": result.reports,
                "scores": result.scores,
                "targets": {
                    name: result.targets[name] for name in result.scores if name in result.targets
                },
                "below_targets": list(failed),
                **({"misses": list(result.misses)} if misses else {}),
            }
        )
        sys.exit(1 if failed else 0)
    click.echo(f"reports: {result.reports}")
    width = max(22, *(len(name) + 1 for name in result.scores))
    for name, value in result.scores.items():
        target = f"  (target {result.targets[name]})" if name in result.targets else ""
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        click.echo(f"{name:<{width}} {shown}{target}")
    if misses:
        for line in result.misses:
            click.echo(f"miss: {line}")
    for line in failed:
        click.echo(f"below target: {line}", err=True)
    sys.exit(1 if failed else 0)


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    cli()
