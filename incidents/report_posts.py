"""The embedded posts of a report's body and the segments they cut it into.

A flattened embedded post (``text pic.twitter.com/AbC — Name (@handle) November 5, 2021``)
and the posts of a pasted X/Twitter thread become ``social`` segments; the stretches
between them are ``news`` segments of the report's own source (see :mod:`incidents.reports`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from incidents.model import Segment
from incidents.report_patterns import date_from_words, report_patterns
from incidents.sentences import paragraph_spans, split_sentences

__all__ = ["Post", "body_segments", "find_posts", "find_thread_posts"]

#: How far before ``(@handle)`` to look for the dash and the link of an author line.
_LINK_MAX_CHARS = 200

_POST_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(?:"
    r"pic\.(?:twitter|x)\.com/\w+"
    r"|t\.co/\w+"
    r"|(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/\d+(?:\?[^\s—–]*)?"
    r")"
)
#: Dashes that open a post's author line, preferred in this order when no link shows the way.
_AUTHOR_DASHES = ("—", "–", "--", "-")


@dataclass(frozen=True)
class Post:
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


def find_posts(
    text: str, prose_start: int, notes: list[str], *, skip: Sequence[Post] = ()
) -> list[Post]:
    """The embedded posts of the body, in order; adds a note for an impossible post date.

    Trailers inside ``skip`` (posts of a pasted thread) are left alone.
    """
    posts: list[Post] = []
    if text.find("(@", prose_start) < 0:
        return posts  # most reports: no trailer (it opens with "(@"), so no post
    floor = prose_start
    for trailer in report_patterns().post_trailer.finditer(text, prose_start):
        if trailer.start() < floor or any(p.start <= trailer.start() < p.end for p in skip):
            continue
        author = _author_line(text, floor, trailer.start())
        if author is None:
            continue
        author_start, name, post_url = author
        try:
            date = date_from_words(trailer)
        except ValueError:
            date = None
            line_number = text.count("\n", 0, trailer.start("date")) + 1
            notes.append(
                f"line {line_number}: the post date {trailer['date']!r} is not a date; "
                "the post keeps an unknown date"
            )
        posts.append(
            Post(
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
    lookback = report_patterns().post_name_max_chars + _LINK_MAX_CHARS
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
    if not name or len(name) > report_patterns().post_name_max_chars:
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
    if text_end - start <= report_patterns().post_text_max_chars:
        return start
    return split_sentences(text, start, text_end)[-1][0]


def body_segments(
    text: str, prose_start: int, posts: list[Post], *, source: str, date: dt.date | None
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


def find_thread_posts(text: str, prose_start: int) -> list[Post]:
    """The posts of a pasted X/Twitter thread (rules in ``threads`` of report_patterns.json).

    A handle line becomes a post of its own with no readable text (so it is never
    read as prose); each post runs from the end of its handle line or of the
    previous post's time line to the end of its own time line, which is its author
    line. Without a time line, the post after a handle line ends with its paragraph.
    """
    if text.find("@", prose_start) < 0:
        return []  # most reports: no handle line (it holds an @), so no post
    patterns = report_patterns()
    posts: list[Post] = []
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
) -> Post:
    return Post(
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
        day = date_from_words(match)
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
