"""Reading news reports: text to a :class:`~incidents.model.Report`.

Decoding the file and reading saved web pages is :mod:`incidents.report_text`;
finding files and reading the manifest is :mod:`incidents.report_files`.

Offsets
    Every offset here (``Report.body_start``, the spans of segments and of the
    dateline) indexes the *decoded text*: the file decoded from UTF-8 or UTF-16,
    its byte-order mark dropped and its ``\\r\\n`` and ``\\r`` line ends turned into
    ``\\n``. :attr:`Report.text` is that text, header lines included.

What a report may start with
    (a) an inline date, ``date 2021-11-05``, possibly after spaces, with the body
    going on on the same line; (b) a header block of ``key: value`` lines (keys
    ``source``, ``url``, ``date``, ``title`` and the synonyms in
    ``data/report_patterns.json``, any case) ended by a blank line; (c) neither.
    A header may be followed by an inline date. The body is what comes after.

    The body may open with a dateline, ``CITY (Outlet) –``, ``CITY, Nov. 5
    (Outlet) -``, ``CITY (Outlet):`` or ``CITY —``, or have one on a line after a
    headline and a byline (short lines with no sentence punctuation at their end):
    it says where the report was filed, not where anything happened, so no segment
    covers it. Nor do the lines above it: the first is the report's title when the
    manifest and the header give none (a headline retells the lede in other words).

Where the source and date come from
    Field by field, the first that has one: the manifest (the ``metadata``
    argument), the header, the inline date line (date only), the dateline's
    outlet (source only), the file name (source only, ``unattributed (name)``).
    A dateline with a date (``BAGHDAD, Nov 7, 2023 (Reuters) -``) dates a report
    that has no other; one whose day lies up to three days before the date used
    (``BAGHDAD, Nov 7 -`` published Nov 8) dates the prose instead: wire copy
    counts its weekdays from the dateline.

Embedded posts
    News pages flatten embedded tweets to ``post text pic.twitter.com/AbC — Name
    (@handle) November 5, 2021``. Each becomes a ``social`` segment whose source
    is the ``@handle``, dated by the post and ``via`` the report's source. The
    post text starts at the start of its paragraph (after any earlier post on it);
    when that is longer than a post can be, the paragraph holds outlet prose too
    and the post is only its last sentence. ``author_start`` is where
    the post's trailer begins: its link (pic.twitter.com, t.co, a status link)
    when one stands right before the dash, else the dash. The link is kept as
    ``post_url`` and so never read as incident text. The stretches between posts
    are ``news`` segments of the report's own source.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from geo.errors import ReportError
from incidents.model import Dateline, Report
from incidents.report_files import ISO_DATE, ReportMetadata
from incidents.report_patterns import date_from_words, report_patterns
from incidents.report_posts import body_segments, find_posts, find_thread_posts
from incidents.report_text import decode_report, html_report_text, looks_like_html

_T = TypeVar("_T")

HTML_NOTE = "read as an HTML page: only its visible text is used"
#: Largest report file read: news reports are rarely over 1 MiB, and a file
#: far larger than this is more likely a mistake than a report.
REPORT_MAX_BYTES = 100 * 2**20
#: Said of a report with no date of its own: only a sentence stating its year dates an incident.
_UNKNOWN_TIME_NOTE = "incidents keep an unknown time unless the text gives a date with its year"
NO_DATE_NOTE = f"no date in the report, its header or the manifest: {_UNKNOWN_TIME_NOTE}"

#: Header lines read at most before deciding the text has no header block.
_MAX_HEADER_LINES = 12

#: A header line: a key of letters (any script; ``_``, ``-`` or one space inside, "تاريخ
#: النشر"), a colon, its value.
_HEADER_LINE = re.compile(
    r"[ \t]*(?P<key>[^\W\d_][^\W\d]{0,29}(?:[ -][^\W\d_][^\W\d]{0,29})?)[ \t]*:[ \t]*(?P<value>.*)"
)
_INLINE_DATE = re.compile(
    r"\s*date[ \t]*:?[ \t]+(?P<value>\d{4}-\d{1,2}-\d{1,2})(?![\d-])", re.IGNORECASE
)


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class _Header:
    """What the top of a report says about it, and where its body starts."""

    fields: Mapping[str, str]
    date: dt.date | None
    inline_date: dt.date | None
    body_start: int
    notes: tuple[str, ...]


def parse_report(text: str, *, path: str, metadata: ReportMetadata | None = None) -> Report:
    """Read a decoded report into a :class:`Report`: metadata, dateline, segments.

    Pure: ``path`` only names the report (and gives the file-name fallback
    source). The rules are in the module docstring.

    Raises
    ------
    ReportError
        The text is empty, or holds a header and nothing else.
    """
    metadata = metadata or ReportMetadata()
    if not text.strip():
        msg = "report is empty"
        raise ReportError(msg, path=path)
    header = _read_top(text)
    notes = list(header.notes)
    if header.body_start >= len(text):
        msg = "report has a header but no text after it"
        raise ReportError(msg, path=path)

    dateline = _read_dateline(text, header.body_start) or _dateline_after_headline(
        text, header.body_start
    )
    prose_start = dateline.end if dateline is not None else header.body_start

    source, source_origin = _pick(
        (metadata.source, "manifest"),
        (header.fields.get("source"), "header"),
        (dateline.outlet if dateline else None, "dateline"),
    )
    if source is None:
        source, source_origin = f"unattributed ({_file_name(path)})", "filename"
        notes.append(f"no source in the manifest, a header or a dateline: attributed to {source!r}")
    date_candidates = (
        (metadata.date, "manifest"),
        (header.date, "header"),
        (header.inline_date, "inline"),
        (dateline.date if dateline else None, "dateline"),
    )
    date, date_origin = _pick(*date_candidates)
    dated = _dateline_day(dateline, date)
    if dated is not None:
        # Wire copy counts its weekdays from the dateline ("BAGHDAD, Nov 7 (Reuters) -").
        date, date_origin = dated, "dateline"
    if date is None:
        date_origin = "none"
        notes.append(_no_date_note(dateline))
    elif date_origin == "dateline" and dated is None:
        notes.append(f"dated {date.isoformat()} by its dateline: no date in the manifest or header")
    notes.extend(
        f"the {origin} date {other} differs from the {date_origin} date {date}, which is used"
        for other, origin in date_candidates
        if other is not None and other != date
    )

    threads = find_thread_posts(text, prose_start)
    posts = sorted(
        [*threads, *find_posts(text, prose_start, notes, skip=threads)], key=lambda p: p.start
    )
    segments = body_segments(text, prose_start, posts, source=source, date=date)
    return Report(
        path=path,
        text=text,
        source=source,
        source_origin=source_origin,
        date=date,
        date_origin=date_origin,
        body_start=header.body_start,
        segments=segments,
        url=_pick((metadata.url, "manifest"), (header.fields.get("url"), "header"))[0],
        title=_pick(
            (metadata.title, "manifest"),
            (header.fields.get("title"), "header"),
            (_headline(text, header.body_start, dateline), "headline"),
        )[0],
        dateline=dateline,
        notes=tuple(notes),
    )


def read_report(path: str | Path, *, metadata: ReportMetadata | None = None) -> Report:
    """Read, decode and parse the report file at ``path``.

    ``Report.path`` is ``str(path)``, as given, so users recognise it.

    Raises
    ------
    ReportError
        The file cannot be read, is not a regular file, is larger than
        :data:`REPORT_MAX_BYTES`, is not text, or is empty (an HTML page: has
        no visible text).
    """
    shown = str(path)
    try:
        status = Path(path).stat()
        if stat.S_ISDIR(status.st_mode):
            msg = "is a folder, not a report file"
            raise ReportError(msg, path=shown)
        if not stat.S_ISREG(status.st_mode):
            # A pipe or a device would block the build or never end (/dev/zero).
            msg = "is not a regular file (a pipe, socket or device); save the report to a file"
            raise ReportError(msg, path=shown)
        if status.st_size > REPORT_MAX_BYTES:
            msg = (
                f"is {status.st_size / 2**20:.0f} MiB, more than the "
                f"{REPORT_MAX_BYTES // 2**20} MiB a report may be; split it into several reports"
            )
            raise ReportError(msg, path=shown)
        data = Path(path).read_bytes()
    except IsADirectoryError:
        msg = "is a folder, not a report file"
        raise ReportError(msg, path=shown) from None
    except OSError as error:
        msg = f"cannot read the report: {error.strerror or error}"
        raise ReportError(msg, path=shown) from None
    text = decode_report(data, path=shown)
    if not looks_like_html(text):
        return parse_report(text, path=shown, metadata=metadata)
    report = parse_report(html_report_text(text, path=shown), path=shown, metadata=metadata)
    return replace(report, notes=(HTML_NOTE, *report.notes))


def _pick(*candidates: tuple[_T | None, str]) -> tuple[_T | None, str]:
    """The first candidate value that is set, with its origin (or None, "none")."""
    for value, origin in candidates:
        if value is not None:
            return value, origin
    return None, "none"


def _file_name(path: str) -> str:
    """The last part of ``path``, whichever separator it uses."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _read_top(text: str) -> _Header:
    """Read the header block and the inline date line, if any, and find the body."""
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    notes: list[str] = []
    position = 0
    block = _header_block(text)
    if block is not None:
        lines, position = block
        for line_number, key, value in lines:
            name = report_patterns().header_keys.get(key)
            if name is None or not value:
                continue
            if name in fields:
                notes.append(f"line {line_number}: a second {key!r} in the header is ignored")
                continue
            fields[name] = value
            field_lines[name] = line_number

    header_date = None
    if "date" in fields:
        header_date = _parse_date_text(fields["date"])
        if header_date is None:
            notes.append(
                f"line {field_lines['date']}: the header date {fields['date']!r} is not a "
                "date (YYYY-MM-DD expected); it is ignored"
            )

    inline_date = None
    inline = _INLINE_DATE.match(text, position)
    if inline is not None:
        inline_date = _parse_date_text(inline["value"])
        if inline_date is None:
            line_number = text.count("\n", 0, inline.start("value")) + 1
            notes.append(
                f"line {line_number}: the date {inline['value']!r} is not a date "
                "(YYYY-MM-DD expected); it is ignored"
            )
        position = inline.end()

    while position < len(text) and text[position].isspace():
        position += 1
    return _Header(fields, header_date, inline_date, position, tuple(notes))


def _header_block(text: str) -> tuple[list[tuple[int, str, str]], int] | None:
    """The ``key: value`` lines at the top and the offset after the blank line ending them.

    Returns None when the top of the text is not such a block: a line that is not
    ``key: value``, a key that is neither used nor known to be ignorable, no used
    key at all, or no blank line (or end of text) within a few lines.
    """
    lines: list[tuple[int, str, str]] = []
    position = 0
    for line_number in range(1, _MAX_HEADER_LINES + 1):
        line_end = text.find("\n", position)
        if line_end < 0:
            line_end = len(text)
        line = text[position:line_end]
        if not line.strip():
            if lines:
                break
        else:
            match = _HEADER_LINE.fullmatch(line)
            if match is None:
                return None
            key = match["key"].lower()
            if (
                key not in report_patterns().header_keys
                and key not in report_patterns().ignored_header_keys
            ):
                return None
            lines.append((line_number, key, match["value"].strip()))
        position = line_end + 1
        if line_end == len(text):
            break
    else:
        return None
    if not any(key in report_patterns().header_keys for _, key, _ in lines):
        return None
    return lines, min(position, len(text))


def _parse_date_text(value: str) -> dt.date | None:
    """A date written ``YYYY-MM-DD`` or in words (``November 5, 2021``, ``5 نوفمبر 2021``)."""
    value = value.strip()
    try:
        iso = ISO_DATE.fullmatch(value)
        if iso is not None:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        words = report_patterns().date_words.fullmatch(value)
        return date_from_words(words) if words is not None else None
    except ValueError:
        return None


#: Lines a pasted report may open with before its dateline (a headline, a byline, a date).
_LINES_BEFORE_DATELINE = 3
#: No longer than a headline: a longer first line is a paragraph, and no dateline follows it.
_HEADLINE_MAX_CHARS = 200
#: A line ending so is a sentence of prose, not a headline or a byline.
_SENTENCE_END = (".", "!", "?", "؟", ":", "…")


def _dateline_after_headline(text: str, body_start: int) -> Dateline | None:
    """The dateline that opens a line after a headline (and a byline) at ``body_start``.

    Copy pasted from a news page often keeps its headline, and perhaps a byline or a
    date line, above ``BAGHDAD, Jan 4, 2024 (Wire) -``. Only short lines that end
    without a sentence's punctuation are passed over, at most
    :data:`_LINES_BEFORE_DATELINE` of them.
    """
    position = body_start
    for _ in range(_LINES_BEFORE_DATELINE):
        line_end = text.find("\n", position)
        if line_end < 0:
            return None
        line = text[position:line_end].strip()
        if len(line) > _HEADLINE_MAX_CHARS or line.endswith(_SENTENCE_END):
            return None
        position = line_end + 1
        while position < len(text) and text[position].isspace():
            position += 1
        dateline = _read_dateline(text, position)
        if dateline is not None:
            return dateline
    return None


def _headline(text: str, body_start: int, dateline: Dateline | None) -> str | None:
    """The first line above a dateline that does not open the body: the report's headline."""
    if dateline is None or dateline.start <= body_start:
        return None
    return text[body_start : dateline.start].strip().split("\n", 1)[0].strip() or None


def _read_dateline(text: str, body_start: int) -> Dateline | None:
    """The dateline at ``body_start``, if the body opens with one.

    A city in capitals (``BAGHDAD —``) may stand alone before a dash, never before a
    colon, which opens too many ordinary sentences (``WARNING: ...``). A city written in
    lower case (``Baghdad, Nov 7 (Reuters) -``) or in Arabic (``بغداد - 3 آذار/مارس:``,
    ``بغداد (رويترز) -``) needs a date or an outlet (named with a capital, when in
    Latin letters) to be a dateline: ``Baghdad (city of peace) –`` is prose.
    """
    patterns = report_patterns()
    match = patterns.dateline.match(text, body_start) or patterns.arabic_dateline.match(
        text, body_start
    )
    if match is None:
        return None
    found = match.groupdict()
    city_start, city_end = match.span("city")
    while city_end > city_start and text[city_end - 1] in ".-'’":
        city_end -= 1
    city = text[city_start:city_end]
    if sum(char.isalpha() for char in city) < 2 or city.upper() in patterns.not_cities:
        return None
    outlet, outlet_start, outlet_end = None, None, None
    if found["outlet"] is not None and found["outlet"].strip():
        outlet = found["outlet"].strip()
        outlet_start = match.start("outlet") + found["outlet"].index(outlet)
        outlet_end = outlet_start + len(outlet)
    month_day = _dateline_month_day(found)
    if not city.isupper():
        named = outlet is not None and (outlet[:1].isupper() or not outlet[:1].isascii())
        if month_day is None and not named:
            return None
    elif outlet is None and found["separator"] == ":":
        return None
    year = found.get("dl_year") or found.get("dl_year2")
    return Dateline(
        start=match.start(),
        end=match.end(),
        city=city,
        city_start=city_start,
        city_end=city_end,
        outlet=outlet,
        outlet_start=outlet_start,
        outlet_end=outlet_end,
        month_day=month_day,
        year=int(year) if year else None,
    )


#: English month names for notes (never the locale's).
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _no_date_note(dateline: Dateline | None) -> str:
    """The note of a report with no date; it names a dateline's day that lacks its year."""
    if dateline is None or dateline.month_day is None:
        return NO_DATE_NOTE
    month, day = dateline.month_day
    return (
        f"the dateline gives {_MONTH_NAMES[month - 1]} {day} but no year, and there is no "
        f"date in the header or the manifest: {_UNKNOWN_TIME_NOTE}"
    )


#: How many days before the publication date a dateline's day may lie to date the prose.
_DATELINE_LAG_DAYS = 3


def _dateline_day(dateline: Dateline | None, published: dt.date | None) -> dt.date | None:
    """The dateline's day, year from ``published``, when it lies a few days before it."""
    if dateline is None or dateline.month_day is None or published is None:
        return None
    for year in (published.year, published.year - 1):
        try:
            day = dt.date(year, *dateline.month_day)
        except ValueError:
            continue
        if 0 < (published - day).days <= _DATELINE_LAG_DAYS:
            return day
    return None


def _dateline_month_day(found: Mapping[str, str | None]) -> tuple[int, int] | None:
    """The month and day a dateline gives (``BAGHDAD, Nov 7 (Reuters) -``), if any;
    ``found`` is its match's groups."""
    name = found.get("dl_month") or found.get("dl_month2")
    day_text = found.get("dl_day") or found.get("dl_day2")
    if not name or not day_text:
        return None
    month = report_patterns().months.get(" ".join(name.lower().split()))
    day = int(day_text)
    return (month, day) if month is not None and 1 <= day <= 31 else None
