"""The words and patterns of ``data/report_patterns.json`` that reading a report uses:
header keys, month names, datelines, post trailers and pasted threads, compiled once."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["ReportPatterns", "date_from_words", "report_patterns"]


@dataclass(frozen=True)
class ReportPatterns:
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
def report_patterns() -> ReportPatterns:
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
    return ReportPatterns(
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


def date_from_words(match: re.Match[str]) -> dt.date:
    """The date a match of the words-date pattern names; ValueError if impossible."""
    if match["month_a"] is not None:
        month, day, year = match["month_a"], match["day_a"], match["year_a"]
    else:
        month, day, year = match["month_b"], match["day_b"], match["year_b"]
    month_number = report_patterns().months[" ".join(month.lower().split())]
    return dt.date(int(year), month_number, int(day))
