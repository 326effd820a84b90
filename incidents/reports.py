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
import json
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from geo.errors import ReportError
from incidents.model import Dateline, Report, Segment
from incidents.report_files import ISO_DATE, ReportMetadata
from incidents.report_text import decode_report, html_report_text, looks_like_html
from incidents.sentences import paragraph_spans, split_sentences

_T = TypeVar("_T")

HTML_NOTE = "read as an HTML page: only its visible text is used"
#: Largest report file read: news reports are rarely over 1 MiB, and a file
#: far larger than this is more likely a mistake than a report.
REPORT_MAX_BYTES = 100 * 2**20
NO_DATE_NOTE = "no date in the report, its header or the manifest: incidents keep an unknown time"

#: Header lines read at most before deciding the text has no header block.
_MAX_HEADER_LINES = 12
#: How far before ``(@handle)`` to look for the dash and the link of an author line.
_LINK_MAX_CHARS = 200

_HEADER_LINE = re.compile(r"[ \t]*(?P<key>[A-Za-z][A-Za-z_-]{0,29})[ \t]*:[ \t]*(?P<value>.*)")
_INLINE_DATE = re.compile(
    r"\s*date[ \t]*:?[ \t]+(?P<value>\d{4}-\d{1,2}-\d{1,2})(?![\d-])", re.IGNORECASE
)
_POST_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(?:"
    r"pic\.(?:twitter|x)\.com/\w+"
    r"|t\.co/\w+"
    r"|(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/\d+(?:\?[^\s—–]*)?"
    r")"
)
#: Dashes that open a post's author line, preferred in this order when no link shows the way.
_AUTHOR_DASHES = ("—", "–", "--", "-")


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class _Header:
    """What the top of a report says about it, and where its body starts."""

    fields: Mapping[str, str]
    date: dt.date | None
    inline_date: dt.date | None
    body_start: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Post:
    """An embedded post found in the body, before it becomes a segment."""

    start: int
    author_start: int
    end: int
    handle: str
    display_name: str
    date: dt.date | None
    post_url: str | None
    time: dt.datetime | None = None
    via: str | None = None


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

    threads = _find_thread_posts(text, prose_start)
    posts = sorted(
        [*threads, *_find_posts(text, prose_start, notes, skip=threads)], key=lambda p: p.start
    )
    segments = _segments(text, prose_start, posts, source=source, date=date)
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
            name = _patterns().header_keys.get(key)
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
            if key not in _patterns().header_keys and key not in _patterns().ignored_header_keys:
                return None
            lines.append((line_number, key, match["value"].strip()))
        position = line_end + 1
        if line_end == len(text):
            break
    else:
        return None
    if not any(key in _patterns().header_keys for _, key, _ in lines):
        return None
    return lines, min(position, len(text))


def _parse_date_text(value: str) -> dt.date | None:
    """A date written ``YYYY-MM-DD`` or in words (``November 5, 2021``, ``5 نوفمبر 2021``)."""
    value = value.strip()
    try:
        iso = ISO_DATE.fullmatch(value)
        if iso is not None:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        words = _patterns().date_words.fullmatch(value)
        return _date_from_words(words) if words is not None else None
    except ValueError:
        return None


def _date_from_words(match: re.Match[str]) -> dt.date:
    """The date a match of the words-date pattern names; ValueError if impossible."""
    if match["month_a"] is not None:
        month, day, year = match["month_a"], match["day_a"], match["year_a"]
    else:
        month, day, year = match["month_b"], match["day_b"], match["year_b"]
    month_number = _patterns().months[" ".join(month.lower().split())]
    return dt.date(int(year), month_number, int(day))


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
    patterns = _patterns()
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
        "date in the header or the manifest: incidents keep an unknown time"
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
    month = _patterns().months.get(" ".join(name.lower().split()))
    day = int(day_text)
    return (month, day) if month is not None and 1 <= day <= 31 else None


def _find_posts(
    text: str, prose_start: int, notes: list[str], *, skip: Sequence[_Post] = ()
) -> list[_Post]:
    """The embedded posts of the body, in order; adds a note for an impossible post date.

    Trailers inside ``skip`` (posts of a pasted thread) are left alone.
    """
    posts: list[_Post] = []
    floor = prose_start
    for trailer in _patterns().post_trailer.finditer(text, prose_start):
        if trailer.start() < floor or any(p.start <= trailer.start() < p.end for p in skip):
            continue
        author = _author_line(text, floor, trailer.start())
        if author is None:
            continue
        author_start, name, post_url = author
        try:
            date = _date_from_words(trailer)
        except ValueError:
            date = None
            line_number = text.count("\n", 0, trailer.start("date")) + 1
            notes.append(
                f"line {line_number}: the post date {trailer['date']!r} is not a date; "
                "the post keeps an unknown date"
            )
        posts.append(
            _Post(
                start=_post_text_start(text, floor, author_start),
                author_start=author_start,
                end=trailer.end(),
                handle="@" + trailer["handle"],
                display_name=name,
                date=date,
                post_url=post_url,
            )
        )
        floor = trailer.end()
    return posts


def _author_line(text: str, floor: int, handle_start: int) -> tuple[int, str, str | None] | None:
    """Where the author line ending at ``handle_start`` begins, the display name, the link.

    The author line is ``— Name (@handle)``: its dash stands at a line start or
    after a space and before a space. After a link on the line it is the first
    such dash (the post text may hold dashes of its own, the name rarely); with
    no link, the last em dash, else en dash, else ``--``, else hyphen. None if
    there is no such dash or the name is empty or too long.
    """
    lookback = _patterns().post_name_max_chars + _LINK_MAX_CHARS
    window_start = max(floor, handle_start - lookback)
    line_start = max(text.rfind("\n", window_start, handle_start) + 1, window_start)
    links = list(_POST_LINK.finditer(text, line_start, handle_start))
    if links:
        after_link = links[-1].end()
        firsts = [
            _opening_dashes(text, dash, after_link, handle_start)[:1] for dash in _AUTHOR_DASHES
        ]
        hits = sorted(hit for first in firsts for hit in first)
    else:
        lasts = (
            _opening_dashes(text, dash, line_start, handle_start)[-1:] for dash in _AUTHOR_DASHES
        )
        hits = next((last for last in lasts if last), [])
    if not hits:
        return None
    dash_start, dash_end = hits[0]
    name = text[dash_end:handle_start].strip()
    if not name or len(name) > _patterns().post_name_max_chars:
        return None

    before_dash = dash_start
    while before_dash > floor and text[before_dash - 1].isspace():
        before_dash -= 1
    for link in _POST_LINK.finditer(text, max(floor, before_dash - _LINK_MAX_CHARS), before_dash):
        if link.end() == before_dash:
            url = link.group()
            return link.start(), name, url if url.startswith("http") else "https://" + url
    return dash_start, name, None


def _opening_dashes(text: str, dash: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of ``dash`` in ``text[start:end]`` standing alone: after a space or a line
    start, before a space."""
    spans: list[tuple[int, int]] = []
    position = start
    while (index := text.find(dash, position, end)) >= 0:
        after = index + len(dash)
        if (index == 0 or text[index - 1].isspace()) and after < end and text[after] in " \t":
            spans.append((index, after))
        position = after
    return spans


def _post_text_start(text: str, floor: int, author_start: int) -> int:
    """Where a post's text starts: at its paragraph's start, or, when the paragraph
    is longer than any post, at its last sentence (the rest is the outlet's prose)."""
    paragraphs = paragraph_spans(text, floor, author_start)
    if not paragraphs:
        return author_start
    start, text_end = paragraphs[-1]
    if text_end - start <= _patterns().post_text_max_chars:
        return start
    return split_sentences(text, start, text_end)[-1][0]


def _segments(
    text: str, prose_start: int, posts: list[_Post], *, source: str, date: dt.date | None
) -> tuple[Segment, ...]:
    """Cover the body with outlet-prose segments between the post segments."""
    segments: list[Segment] = []
    position = prose_start
    for post in posts:
        segments.extend(_prose_segment(text, position, post.start, source=source, date=date))
        segments.append(
            Segment(
                start=post.start,
                end=post.end,
                source=post.handle,
                source_type="social",
                date=post.date,
                via=post.via or source,
                handle=post.handle,
                display_name=post.display_name,
                post_url=post.post_url,
                author_start=post.author_start,
                time=post.time,
            )
        )
        position = post.end
    segments.extend(_prose_segment(text, position, len(text), source=source, date=date))
    return tuple(segments)


def _prose_segment(
    text: str, start: int, end: int, *, source: str, date: dt.date | None
) -> list[Segment]:
    """The outlet's prose in ``text[start:end]`` as one trimmed segment, or none if blank."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return []
    return [Segment(start=start, end=end, source=source, source_type="news", date=date)]


# --------------------------------------------------------------------------- threads


def _find_thread_posts(text: str, prose_start: int) -> list[_Post]:
    """The posts of a pasted X/Twitter thread (rules in ``threads`` of report_patterns.json).

    A handle line becomes a post of its own with no readable text (so it is never
    read as prose); each post runs from the end of its handle line or of the
    previous post's time line to the end of its own time line, which is its author
    line. Without a time line, the post after a handle line ends with its paragraph.
    """
    patterns = _patterns()
    posts: list[_Post] = []
    handle: str | None = None
    name = ""
    via: str | None = None
    pending_via: str | None = None
    text_start: int | None = None
    marker_start: int | None = None
    previous_blank = True
    position = prose_start
    for raw in text[prose_start:].split("\n"):
        line_start, line_end = position, position + len(raw)
        position = line_end + 1
        line = raw.rstrip("\r")
        if not line.strip():
            if (
                handle is not None
                and text_start is not None
                and text[text_start:line_start].strip()
            ):
                # a post with no time line ends with its paragraph
                posts.append(_thread_post(text_start, line_start, line_start, handle, name, via))
            handle, text_start, previous_blank = None, None, True
            continue
        marker = patterns.repost.match(line) or patterns.quote.match(line)
        if marker is not None:
            who = marker.groupdict().get("who") or marker.groupdict().get("who2")
            pending_via = who.strip() if who else handle
            marker_start = line_start
            text_start, previous_blank = None, False
            continue
        opened = patterns.handle_line.match(line)
        after_marker = marker_start is not None  # "Quote" opening a paragraph
        if opened is not None and (previous_blank or handle is not None or after_marker):
            handle, name = "@" + opened["handle"], (opened["name"] or "").strip()
            via, pending_via = pending_via, None
            opening = marker_start if marker_start is not None else line_start
            posts.append(_thread_post(opening, line_end, opening, handle, name, via))
            marker_start = None
            text_start, previous_blank = line_end + 1, False
            continue
        previous_blank = False
        timed = patterns.thread_time.search(line)
        if timed is not None and handle is not None:
            start = text_start if text_start is not None else line_start
            if line_end - start <= patterns.post_text_max_chars + 80:
                when = _thread_time(timed)
                author_start = line_start + timed.start()
                posts.append(_thread_post(start, line_end, author_start, handle, name, via, when))
                text_start = line_end + 1
    return posts


def _thread_post(
    start: int,
    end: int,
    author_start: int,
    handle: str,
    name: str,
    via: str | None,
    when: dt.datetime | None = None,
) -> _Post:
    return _Post(
        start=start,
        author_start=author_start,
        end=end,
        handle=handle,
        display_name=name,
        date=when.date() if when else None,
        post_url=None,
        time=when,
        via=via,
    )


def _thread_time(match: re.Match[str]) -> dt.datetime | None:
    """A thread time line's local datetime ('9:41 PM · Jan 5, 2024'), naive: the
    analysis reads it in the pack's time zone."""
    try:
        day = _date_from_words(match)
    except ValueError:
        return None
    hour, minute = int(match["th"]), int(match["tm"])
    meridiem = (match["tmer"] or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return dt.datetime.combine(day, dt.time(hour, minute))


# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class _Patterns:
    """The words of ``data/report_patterns.json`` and the patterns built from them."""

    header_keys: Mapping[str, str]
    ignored_header_keys: frozenset[str]
    not_cities: frozenset[str]
    months: Mapping[str, int]
    date_words: re.Pattern[str]
    dateline: re.Pattern[str]
    arabic_dateline: re.Pattern[str]
    post_trailer: re.Pattern[str]
    handle_line: re.Pattern[str]
    thread_time: re.Pattern[str]
    repost: re.Pattern[str]
    quote: re.Pattern[str]
    post_text_max_chars: int
    post_name_max_chars: int


def _words_alt(words: Sequence[str]) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"[ \t]+") for w in sorted(words, key=len, reverse=True)
    )


@cache
def _patterns() -> _Patterns:
    """Load ``data/report_patterns.json`` once and compile its patterns."""
    resource = resources.files("incidents").joinpath("data", "report_patterns.json")
    data = json.loads(resource.read_text(encoding="utf-8"))
    months = {name: number for names in data["months"].values() for name, number in names.items()}
    threads = data["threads"]
    month = "|".join(
        re.escape(name).replace(r"\ ", " ").replace(" ", r"[ \t]+")
        for name in sorted(months, key=len, reverse=True)
    )
    date_words = (
        rf"(?:(?P<month_a>{month})\.?[ \t]+(?P<day_a>\d{{1,2}})[,،]?[ \t]+(?P<year_a>\d{{4}})"
        rf"|(?P<day_b>\d{{1,2}})[ \t]+(?P<month_b>{month})\.?[,،]?[ \t]+(?P<year_b>\d{{4}}))"
        r"(?!\d)"
    )
    city_word = r"[A-Z][A-Za-z'’.\-/]{0,30}"
    arabic_word = r"[\u0621-\u064a\u0640-\u0652]{2,20}"
    arabic_dateline = (
        rf"(?P<city>{arabic_word}(?:[ ]{arabic_word}){{0,2}})"
        rf"(?:[ \t]*[-–—،,/]?[ \t]*(?P<dl_day>\d{{1,2}})[ \t]+(?P<dl_month>{month})"
        rf"(?:[ \t]*[/(][ \t]*(?:{month})[ \t]*\)?)?(?:[,،]?[ \t]+(?P<dl_year>\d{{4}}))?)?"
        r"(?:[ \t]*\((?P<outlet>[^()\n]{1,60})\))?"
        r"[ \t]*(?P<separator>--|[—–-]|:)(?=\s|$)"
    )
    dateline = (
        rf"(?P<city>{city_word}(?:[ ]{city_word}){{0,4}})"
        rf"(?:,[ \t]*(?:(?P<dl_month>(?i:{month}))\.?[ \t]+(?P<dl_day>\d{{1,2}})"
        rf"(?:,?[ \t]+(?P<dl_year>\d{{4}}))?"
        rf"|(?P<dl_day2>\d{{1,2}})[ \t]+(?P<dl_month2>(?i:{month}))\.?"
        rf"(?:,?[ \t]+(?P<dl_year2>\d{{4}}))?"
        r"|[A-Z][A-Za-z]{1,30}(?:[ ][A-Z][A-Za-z]{1,30}){0,3}))?"
        r"(?:[ \t]*\((?P<outlet>[^()\n]{1,60})\))?"
        r"[ \t]*(?P<separator>--|[—–-]|:)(?=\s|$)"
    )
    trailer = rf"\(@(?P<handle>\w{{1,30}})\)[ \t]*(?P<date>{date_words})"
    return _Patterns(
        header_keys=data["header_keys"],
        ignored_header_keys=frozenset(data["ignored_header_keys"]),
        not_cities=frozenset(word.upper() for word in data["dateline_not_cities"]),
        months=months,
        date_words=re.compile(date_words, re.IGNORECASE),
        dateline=re.compile(dateline),
        arabic_dateline=re.compile(arabic_dateline),
        post_trailer=re.compile(trailer, re.IGNORECASE),
        handle_line=re.compile(
            r"[ \t]*(?:(?P<name>[^\n@·|]{1,100}?)[ \t]*)?\(?@(?P<handle>[A-Za-z0-9_]{1,30})\)?"
            r"(?:[ \t]*·[ \t]*[^\n]{1,40})?[ \t]*\Z"
        ),
        thread_time=re.compile(
            r"(?:^|[ \t])(?P<th>\d{1,2}):(?P<tm>\d{2})[ \t]*(?P<tmer>[AaPp]\.?[Mm]\.?)?"
            r"[ \t]*·[ \t]*" + date_words + r"(?:[ \t]*·[^\n]{0,40})?[ \t]*\Z",
            re.IGNORECASE,
        ),
        repost=re.compile(
            rf"[ \t]*(?:(?P<who>[^\n]{{1,100}}?)[ \t]+(?:{_words_alt(threads['repost_after'])})"
            rf"|(?:{_words_alt(threads['repost_before'])})[ \t]+(?P<who2>[^\n]{{1,100}}?))[ \t]*\Z",
            re.IGNORECASE,
        ),
        quote=re.compile(rf"[ \t]*(?:{_words_alt(threads['quote'])})[ \t]*\Z", re.IGNORECASE),
        post_text_max_chars=int(data["post_text_max_chars"]),
        post_name_max_chars=int(data["post_name_max_chars"]),
    )
