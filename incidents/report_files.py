"""Finding report files and reading the manifest that describes them.

A folder is walked for report files (:data:`REPORT_SUFFIXES`) in name order; a
manifest CSV (``path,source,url,date,title``) gives each file what is known of it
from outside its text, as :class:`ReportMetadata`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import ManifestError, ReportError

#: File suffixes taken from a folder; files named directly are taken whatever their suffix.
REPORT_SUFFIXES = (".txt", ".text", ".html", ".htm")
#: Suffixes of saved web pages: a page's ``NAME_files`` folder of assets beside it is skipped.
HTML_SUFFIXES = (".html", ".htm")
#: A date as ISO writes it, ``YYYY-MM-DD`` (manifests, headers, page metadata).
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class ReportMetadata:
    """What is known about a report from outside its text (a manifest row)."""

    source: str | None = None
    url: str | None = None
    date: dt.date | None = None
    title: str | None = None


@dataclass(frozen=True)
class Manifest:
    """A manifest read from CSV: metadata per report file, and rows that need a look.

    ``entries`` is keyed by resolved absolute paths; ``problems`` holds the rows
    that are usable but point at files that do not exist.
    """

    path: str
    entries: Mapping[Path, ReportMetadata] = field(default_factory=dict)
    problems: tuple[ManifestError, ...] = ()

    def lookup(self, report_path: str | Path) -> ReportMetadata | None:
        """The metadata for ``report_path`` (any spelling of it), or None."""
        return self.entries.get(Path(report_path).resolve())


# --------------------------------------------------------------------------- manifest


def read_manifest(path: str | Path) -> Manifest:
    """Read a manifest CSV (``path,source,url,date,title``) into a :class:`Manifest`.

    ``path`` is required; the other columns are optional and empty cells mean
    unknown. Relative paths resolve against the manifest's folder. Rows naming
    files that do not exist are kept and reported in ``Manifest.problems``.

    Raises
    ------
    ManifestError
        The file cannot be read, has no ``path`` column, or a row is malformed:
        an empty path, a date not ``YYYY-MM-DD``, too many cells, or the same
        file named twice (both lines are named).
    """
    shown = str(path)
    try:
        content = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        msg = f"cannot read the manifest: {error.strerror or error}"
        raise ManifestError(msg, path=shown) from None
    except UnicodeDecodeError as error:
        msg = f"the manifest is not UTF-8 (byte offset {error.start}); re-save it as UTF-8"
        raise ManifestError(msg, path=shown) from None
    folder = Path(path).parent
    reader = csv.reader(io.StringIO(content, newline=""))
    header = next(reader, None)
    if header is None:
        msg = "the manifest is empty; it needs a header line: path,source,url,date,title"
        raise ManifestError(msg, path=shown, line=1)
    columns = [name.strip().lower() for name in header]
    if "path" not in columns:
        msg = f"the manifest has no 'path' column (its header is {','.join(header)!r})"
        raise ManifestError(msg, path=shown, line=1)

    entries: dict[Path, ReportMetadata] = {}
    first_lines: dict[Path, int] = {}
    problems: list[ManifestError] = []
    line_number = reader.line_num + 1
    for row in reader:
        row_line, line_number = line_number, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            msg = (
                f"the row has {len(row)} cells but the header names {len(columns)}; "
                "quote cells that contain commas"
            )
            raise ManifestError(msg, path=shown, line=row_line)
        cells = {name: cell.strip() for name, cell in zip(columns, row, strict=False)}
        report_path, metadata = _manifest_row(cells, folder, shown, row_line)
        if report_path in first_lines:
            msg = (
                f"lines {first_lines[report_path]} and {row_line} both describe "
                f"{cells['path']!r}; keep one"
            )
            raise ManifestError(msg, path=shown, line=row_line)
        first_lines[report_path] = row_line
        entries[report_path] = metadata
        if not report_path.is_file():
            msg = f"{cells['path']!r} does not exist (looked for {report_path})"
            problems.append(ManifestError(msg, path=shown, line=row_line))
    return Manifest(path=shown, entries=entries, problems=tuple(problems))


def _manifest_row(
    cells: Mapping[str, str], folder: Path, shown: str, line_number: int
) -> tuple[Path, ReportMetadata]:
    """One manifest row as the resolved report path and its metadata."""
    if not cells.get("path"):
        msg = "the row has no path"
        raise ManifestError(msg, path=shown, line=line_number)
    date = None
    if cells.get("date"):
        iso = ISO_DATE.fullmatch(cells["date"])
        try:
            date = dt.date(int(iso[1]), int(iso[2]), int(iso[3])) if iso else None
        except ValueError:
            date = None
        if date is None:
            msg = f"the date {cells['date']!r} is not a date; YYYY-MM-DD expected"
            raise ManifestError(msg, path=shown, line=line_number)
    metadata = ReportMetadata(
        source=cells.get("source") or None,
        url=cells.get("url") or None,
        date=date,
        title=cells.get("title") or None,
    )
    return (folder / cells["path"]).resolve(), metadata


# --------------------------------------------------------------------------- finding files


def iter_report_files(
    inputs: Iterable[str | Path],
) -> Iterator[tuple[str, ReportError | None]]:
    """The report files named by ``inputs``, each with None or the error that stops it.

    Files named directly are taken whatever their suffix; folders are walked
    recursively in name order for files with a :data:`REPORT_SUFFIXES` suffix,
    skipping hidden files and folders, the ``NAME_files`` folder a browser saves
    beside a ``NAME.html`` page, and not going round symlink loops. Paths come back as
    given or joined onto what was given, not resolved, so users recognise them.
    A missing input, an unreadable folder or a folder without reports yields an
    error item instead of raising; a file reached twice is yielded once.
    """
    seen_files: set[str] = set()
    for given in inputs:
        shown = str(given)
        if not os.path.lexists(shown):
            yield (
                printable_path(shown),
                ReportError("no such file or folder", path=printable_path(shown)),
            )
        elif Path(shown).is_dir():
            found_any = False
            for found, error in _walk_folder(shown, set(), seen_files):
                found_any = found_any or error is None or error.message == _NAME_NOT_UTF8
                yield found, error
            if not found_any:
                msg = f"the folder holds no report files ({', '.join(REPORT_SUFFIXES)})"
                yield shown, ReportError(msg, path=shown)
        elif _first_visit(shown, seen_files) is not None:
            yield _checked_name(shown)


def _walk_folder(
    folder: str, seen_folders: set[str], seen_files: set[str]
) -> Iterator[tuple[str, ReportError | None]]:
    """Report files under ``folder`` and its subfolders, in name order."""
    real_folder = _first_visit(folder, seen_folders)
    if real_folder is None:
        return
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        msg = f"cannot list the folder: {error.strerror or error}"
        yield folder, ReportError(msg, path=folder)
        return
    names = {entry.name.lower() for entry in entries}
    base = str(Path(folder))
    prefix = "" if base == "." else base if base.endswith(os.sep) else base + os.sep
    real_prefix = real_folder if real_folder.endswith(os.sep) else real_folder + os.sep
    for entry in entries:
        if entry.name.startswith("."):
            continue
        joined = prefix + entry.name  # str(Path(folder) / entry.name), without a Path each
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
            is_link = entry.is_symlink()
        except OSError:
            continue
        if is_dir and not _saved_page_assets(entry.name, names):
            yield from _walk_folder(joined, seen_folders, seen_files)
        elif is_file and entry.name.lower().endswith(REPORT_SUFFIXES):
            # A file that is no symlink is where its folder really is: no resolving it.
            real = None if is_link else real_prefix + entry.name
            if _first_visit(joined, seen_files, real) is not None:
                yield _checked_name(joined)


_NAME_NOT_UTF8 = "the file name is not valid UTF-8; rename the file (or its folder) and try again"


def printable_path(path: str) -> str:
    """``path`` with bytes that are not UTF-8 (kept by Python as lone surrogates)
    shown as ``\\xNN``, so it can be printed and written out."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def _checked_name(path: str) -> tuple[str, ReportError | None]:
    """``path`` and None, or its printable form and the error refusing it: a name
    that is not UTF-8 cannot be written into UTF-8 outputs (GeoJSON, CSV, HTML)."""
    shown = printable_path(path)
    if shown == path:
        return path, None
    return shown, ReportError(_NAME_NOT_UTF8, path=shown)


def _saved_page_assets(folder_name: str, names_beside: set[str]) -> bool:
    """True for the ``NAME_files`` folder a browser saves beside ``NAME.html``: its
    pages are adverts and widgets, not reports."""
    stem = folder_name.lower().removesuffix("_files")
    return stem != folder_name.lower() and any(
        stem + suffix in names_beside for suffix in HTML_SUFFIXES
    )


def _first_visit(path: str, seen: set[str], real: str | None = None) -> str | None:
    """Record ``path`` resolved (``real``, when the caller knows it) in ``seen``; its
    resolved form, or None if it was there already."""
    resolved = real if real is not None else os.path.realpath(path)
    if resolved in seen:
        return None
    seen.add(resolved)
    return resolved
