"""Reading reports: decoding, headers, datelines, embedded posts, segments, the
manifest and walking input folders. Every text here is written for the tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from growth import assert_linear
from hypothesis import given
from hypothesis import strategies as st

from geo.errors import ManifestError, ReportError
from incidents.model import Report, Segment
from incidents.report_files import ReportMetadata, iter_report_files, read_manifest
from incidents.report_text import decode_report
from incidents.reports import NO_DATE_NOTE, parse_report, read_report

NOV5 = dt.date(2021, 11, 5)
NOV6 = dt.date(2021, 11, 6)

PROSE = "Security forces closed the bridge on Friday. Smoke rose over the gates."
POST = (
    "Crowds push toward the checkpoint near the bridge pic.twitter.com/Xy12Ab34 "
    "— Sample Reporter (@sample_rep) November 5, 2021"
)
ARABIC_POST = (
    "المحتجون يقتربون من البوابة pic.twitter.com/Qw98Er76 "
    "— مراسل ڪربلاء 🇮🇶✨ (@karbala_news) Nov 5, 2021"
)


def parse(text: str, **kwargs: object) -> Report:
    """Parse ``text`` as report ``r.txt`` and check every span indexes into it."""
    report = parse_report(text, path="reports/r.txt", **kwargs)  # type: ignore[arg-type]
    check_spans(report)
    return report


def check_spans(report: Report) -> None:
    """Segments are in order, inside the body, trimmed, and never overlap."""
    text = report.text
    previous_end = report.body_start
    if report.dateline is not None:
        previous_end = report.dateline.end
    for segment in report.segments:
        assert previous_end <= segment.start < segment.end <= len(text)
        assert text[segment.start : segment.end].strip() == text[segment.start : segment.end]
        if segment.author_start is not None:
            assert segment.start <= segment.author_start < segment.end
        previous_end = segment.end


def segment_texts(report: Report) -> list[str]:
    return [report.text[s.start : s.text_end].strip() for s in report.segments]


def posts(report: Report) -> list[Segment]:
    return [s for s in report.segments if s.is_post]


# --------------------------------------------------------------------------- decoding


def test_decode_utf8_with_and_without_bom() -> None:
    text = "Baghdad بغداد\n"
    assert decode_report(text.encode("utf-8"), path="a.txt") == text
    assert decode_report(b"\xef\xbb\xbf" + text.encode("utf-8"), path="a.txt") == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(encoding: str) -> None:
    text = "Clashes near the gate. اشتباكات قرب البوابة.\n"
    bom = "\ufeff".encode(encoding)
    assert decode_report(bom + text.encode(encoding), path="a.txt") == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text", ["Clashes near the gate on Friday.\n", "اشتباكات قرب البوابة يوم الجمعة في بغداد"]
)
def test_decode_utf16_without_bom(encoding: str, text: str) -> None:
    assert decode_report(text.encode(encoding), path="a.txt") == text


def test_decode_normalises_newlines_and_strips_bom() -> None:
    data = "\ufeffOne line\r\nTwo line\rThree\n".encode()
    assert decode_report(data, path="a.txt") == "One line\nTwo line\nThree\n"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%binary", "a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
    ],
)
def test_decode_refuses_binary_formats(data: bytes, kind: str) -> None:
    with pytest.raises(ReportError, match=f"looks like {kind}.*not a text report") as caught:
        decode_report(data, path="scan.txt")
    assert caught.value.path == "scan.txt"


def test_decode_refuses_nul_bytes_outside_utf16() -> None:
    data = b"text\x00\x01\x02\x00\xff\x00\x00\x07more bytes!"
    with pytest.raises(ReportError, match="binary file"):
        decode_report(data, path="blob.txt")


def test_decode_stray_nul_in_utf8_is_not_taken_for_utf16() -> None:
    data = ("A long enough line of ordinary English text. " * 4).encode() + b"\x00x"
    with pytest.raises(ReportError, match="binary file"):
        decode_report(data, path="odd.txt")


def test_decode_invalid_utf8_names_line_and_offset() -> None:
    data = "first line\r\nsecond line\nthird é".encode("cp1252")
    with pytest.raises(ReportError) as caught:
        decode_report(data, path="old.txt")
    error = caught.value
    offset = data.index(b"\xe9")
    assert error.line == 3
    assert f"byte offset {offset}" in error.message
    assert "re-save it as UTF-8" in error.message
    assert str(error).startswith("old.txt:3: ")


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", "\ufeff \n".encode()])
def test_decode_empty_reports(data: bytes) -> None:
    with pytest.raises(ReportError, match="report is empty"):
        decode_report(data, path="empty.txt")


# --------------------------------------------------------------------------- header forms


def test_inline_date_line_with_body_on_the_same_line() -> None:
    text = "  date 2021-11-06 Protesters gathered at dawn. They stayed."
    report = parse(text)
    assert report.date == NOV6
    assert report.date_origin == "inline"
    assert report.body_start == text.index("Protesters")
    assert segment_texts(report) == ["Protesters gathered at dawn. They stayed."]


def test_inline_date_line_on_its_own_line() -> None:
    text = "date: 2021-11-05\nPolice closed the road."
    report = parse(text)
    assert (report.date, report.date_origin) == (NOV5, "inline")
    assert text[report.body_start :] == "Police closed the road."


def test_header_block() -> None:
    text = (
        "Source: Example Wire\n"
        "URL: https://example.org/story\n"
        "Date: 2021-11-05\n"
        "TITLE: Clashes: what we know\n"
        "\n"
        "Police closed the road."
    )
    report = parse(text)
    assert (report.source, report.source_origin) == ("Example Wire", "header")
    assert (report.date, report.date_origin) == (NOV5, "header")
    assert report.url == "https://example.org/story"
    assert report.title == "Clashes: what we know"
    assert report.body_start == text.index("Police")
    assert report.notes == ()


def test_an_arabic_header_block() -> None:
    text = (
        "العنوان: اشتباكات قرب المنطقة الخضراء\n"
        "المصدر: وكالة مثال\n"
        "تاريخ النشر: 2021-11-05\n"
        "الرابط: https://example.org/ar/story\n"
        "الكاتب: مراسل\n"
        "\n"
        "أغلقت الشرطة الطريق."
    )
    report = parse(text)
    assert (report.source, report.source_origin) == ("وكالة مثال", "header")
    assert (report.date, report.date_origin) == (NOV5, "header")
    assert report.url == "https://example.org/ar/story"
    assert report.title == "اشتباكات قرب المنطقة الخضراء"
    assert report.body_start == text.index("أغلقت")


def test_an_arabic_line_with_a_colon_is_not_a_header() -> None:
    text = "قال مصدر أمني: أغلقت الشرطة الطريق.\n\nوتجمع المتظاهرون."
    report = parse(text)
    assert report.source_origin != "header"
    assert report.body_start == 0


def test_header_date_may_be_written_in_words() -> None:
    report = parse("source: Example Wire\ndate: November 5, 2021\n\nPolice closed the road.")
    assert report.date == NOV5


def test_header_followed_by_inline_date_and_ignorable_keys() -> None:
    text = "source: Example Wire\nauthor: Someone\n\ndate 2021-11-06 Police closed the road."
    report = parse(text)
    assert (report.source, report.date, report.date_origin) == ("Example Wire", NOV6, "inline")
    assert report.body_start == text.index("Police")


def test_bad_header_date_is_a_note_naming_the_line() -> None:
    report = parse("source: Example Wire\ndate: 2021-13-45\n\nPolice closed the road.")
    assert report.date is None
    assert report.date_origin == "none"
    assert any(note.startswith("line 2:") and "2021-13-45" in note for note in report.notes)
    assert NO_DATE_NOTE in report.notes


def test_bad_inline_date_is_a_note_and_the_body_still_starts_after_it() -> None:
    text = "date 2021-02-30 Police closed the road."
    report = parse(text)
    assert report.date is None
    assert any(note.startswith("line 1:") and "2021-02-30" in note for note in report.notes)
    assert report.body_start == text.index("Police")


@pytest.mark.parametrize(
    "text",
    [
        "Baghdad: protesters gathered near the bridge.\n\nMore text.",
        "Source: Example Wire\nPolice closed the road without a blank line.",
        "Source: Example Wire\nHeadline text that is not a key value line\n\nBody.",
        "Warning: heavy smoke over the city\n\nBody.",
    ],
)
def test_lines_that_are_not_a_header_block_are_body(text: str) -> None:
    report = parse(text)
    assert report.source_origin == "filename"
    assert report.body_start == 0


def test_no_header_no_date() -> None:
    text = "\n\n  Police closed the road."
    report = parse(text)
    assert report.body_start == text.index("Police")
    assert report.date is None
    assert NO_DATE_NOTE in report.notes


def test_header_without_body_is_an_error() -> None:
    with pytest.raises(ReportError, match="no text after it"):
        parse_report("source: Example Wire\ndate: 2021-11-05\n\n  \n", path="h.txt")


def test_whitespace_text_is_an_error() -> None:
    with pytest.raises(ReportError, match="report is empty"):
        parse_report(" \n ", path="e.txt")


# --------------------------------------------------------------------------- precedence


HEADED = "source: Header Wire\nurl: https://header.example\ndate: 2021-11-04\n\n"


def test_manifest_wins_over_header_and_notes_the_conflict() -> None:
    metadata = ReportMetadata(source="Manifest News", url="https://m.example", date=NOV5, title="T")
    report = parse(HEADED + "BAGHDAD (Line Agency) — Police closed the road.", metadata=metadata)
    assert (report.source, report.source_origin) == ("Manifest News", "manifest")
    assert (report.date, report.date_origin) == (NOV5, "manifest")
    assert (report.url, report.title) == ("https://m.example", "T")
    assert any("header date 2021-11-04" in note for note in report.notes)


def test_header_wins_over_inline_and_dateline() -> None:
    text = HEADED + "date 2021-11-06 BAGHDAD (Line Agency) — Police closed the road."
    report = parse(text)
    assert (report.source, report.source_origin) == ("Header Wire", "header")
    assert (report.date, report.date_origin) == (dt.date(2021, 11, 4), "header")
    assert report.dateline is not None
    assert report.dateline.outlet == "Line Agency"


def test_manifest_fields_fill_in_one_by_one() -> None:
    metadata = ReportMetadata(source=None, date=NOV6)
    report = parse(HEADED + "Police closed the road.", metadata=metadata)
    assert (report.source_origin, report.date_origin) == ("header", "manifest")
    assert report.url == "https://header.example"


def test_dateline_outlet_is_the_source_without_manifest_or_header() -> None:
    report = parse("date 2021-11-05 BASRA (Gulf Radio) – Police closed the road.")
    assert (report.source, report.source_origin) == ("Gulf Radio", "dateline")
    assert report.notes == ()


def test_file_name_is_the_last_resort_with_a_note() -> None:
    report = parse_report("Police closed the road.", path="in/001_abc.txt")
    assert report.source == "unattributed (001_abc.txt)"
    assert report.source_origin == "filename"
    assert any("unattributed (001_abc.txt)" in note for note in report.notes)
    assert report.segments[0].source == "unattributed (001_abc.txt)"


# --------------------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("opening", "city", "outlet"),
    [
        ("ERBIL (Kurdistan Daily) – ", "ERBIL", "Kurdistan Daily"),
        ("BAGHDAD, Nov. 5 (Wire Service) - ", "BAGHDAD", "Wire Service"),
        ("BAGHDAD, November 5, 2021 (Wire Service) -- ", "BAGHDAD", "Wire Service"),
        ("NAJAF (Shrine TV): ", "NAJAF", "Shrine TV"),
        ("SULAIMANI, Kurdistan Region (Mountain News) — ", "SULAIMANI", "Mountain News"),
        ("NEW YORK ( City Desk ) — ", "NEW YORK", "City Desk"),
        ("AL-KUT (River FM) — ", "AL-KUT", "River FM"),
        ("BAGHDAD — ", "BAGHDAD", None),
    ],
)
def test_datelines(opening: str, city: str, outlet: str | None) -> None:
    text = "date 2021-11-05 " + opening + "Police closed the road."
    report = parse(text)
    dateline = report.dateline
    assert dateline is not None
    assert text[dateline.start : dateline.end] == opening.rstrip()
    assert dateline.city == city
    assert dateline.city_start is not None
    assert text[dateline.city_start : dateline.city_end] == city
    assert dateline.outlet == outlet
    if outlet is not None:
        assert text[dateline.outlet_start : dateline.outlet_end] == outlet
    else:
        assert dateline.outlet_start is None
    assert segment_texts(report) == ["Police closed the road."]


@pytest.mark.parametrize(
    "text",
    [
        "Baghdad (city of peace) – a mixed-case opening is prose.",
        "WARNING: the footage is graphic.",
        "BREAKING — the road is closed.",
        "I — the writer — was there.",
        "Police (riot units) closed the road.",
        "Iraq's capital saw clashes - ERBIL (Agency) – later.",
    ],
)
def test_openings_that_are_not_datelines(text: str) -> None:
    report = parse(text)
    assert report.dateline is None
    assert report.segments[0].start == report.body_start


# --------------------------------------------------------------------------- posts


def test_post_between_prose_paragraphs() -> None:
    text = f"date 2021-11-06 {PROSE}\n\n{POST}\n\nThe gates stayed shut overnight.\n"
    report = parse(text, metadata=ReportMetadata(source="Daily Example"))
    assert [s.source_type for s in report.segments] == ["news", "social", "news"]
    news, post, tail = report.segments
    assert text[news.start : news.end] == PROSE
    assert (news.source, news.date, news.via) == ("Daily Example", NOV6, None)
    assert text[post.start : post.end] == POST
    assert text[post.start : post.text_end] == "Crowds push toward the checkpoint near the bridge "
    assert text[post.author_start : post.end].startswith("pic.twitter.com/Xy12Ab34 — Sample")
    assert post.source == "@sample_rep"
    assert post.handle == "@sample_rep"
    assert post.display_name == "Sample Reporter"
    assert post.source_type == "social"
    assert post.date == NOV5
    assert post.via == "Daily Example"
    assert post.post_url == "https://pic.twitter.com/Xy12Ab34"
    assert text[tail.start : tail.end] == "The gates stayed shut overnight."


def test_arabic_post_with_emoji_name_and_short_month() -> None:
    text = f"{PROSE}\n\n{ARABIC_POST}"
    report = parse(text, metadata=ReportMetadata(source="Daily Example", date=NOV6))
    (post,) = posts(report)
    assert post.display_name == "مراسل ڪربلاء 🇮🇶✨"
    assert post.handle == "@karbala_news"
    assert post.date == NOV5
    assert text[post.start : post.text_end].strip() == "المحتجون يقتربون من البوابة"


@pytest.mark.parametrize("dash", ["—", "–", "-"])
@pytest.mark.parametrize(
    ("link", "url"),
    [
        ("pic.twitter.com/Ab12", "https://pic.twitter.com/Ab12"),
        ("https://t.co/Zz99Yy", "https://t.co/Zz99Yy"),
        ("https://twitter.com/some_one/status/1456789012345678901", None),
        ("x.com/some_one/status/1456789012345678901", None),
        ("", None),
    ],
)
def test_post_links_and_dashes(dash: str, link: str, url: str | None) -> None:
    trailer = f"{link} {dash} Some One (@some_one) Nov 5, 2021".strip()
    text = f"{PROSE}\n\nSmoke seen from the river bank {trailer}\n\nMore prose here."
    report = parse(text)
    (post,) = posts(report)
    assert text[post.start : post.end] == f"Smoke seen from the river bank {trailer}"
    assert text[post.start : post.text_end].strip() == "Smoke seen from the river bank"
    assert post.display_name == "Some One"
    if link:
        assert post.post_url == (url or "https://" + link.removeprefix("https://"))
        assert text[post.author_start :].startswith(link)
    else:
        assert post.post_url is None
        assert text[post.author_start :].startswith(dash + " Some One")


def test_post_text_with_dashes_of_its_own_keeps_them() -> None:
    line = (
        "🚨 - Riot police pull back - crowds advance pic.twitter.com/Q1 "
        "— A - B (@ab) November 5, 2021"
    )
    report = parse(line)
    (post,) = posts(report)
    assert post.display_name == "A - B"
    assert line[post.start : post.text_end].strip() == "🚨 - Riot police pull back - crowds advance"


def test_post_without_link_uses_the_last_em_dash() -> None:
    line = "Crowds advance — and burn tyres — Some One (@some_one) November 5, 2021"
    (post,) = posts(parse(line))
    assert post.display_name == "Some One"
    assert line[post.start : post.text_end].strip() == "Crowds advance — and burn tyres"


def test_post_date_in_day_month_year_and_arabic_digits() -> None:
    line = "تجمع قرب الجسر — حساب ما (@some_acct) ٥ تشرين الثاني ٢٠٢١"
    (post,) = posts(parse(line))
    assert post.date == NOV5
    assert post.display_name == "حساب ما"


def test_post_with_impossible_date_keeps_an_unknown_date_and_a_note() -> None:
    report = parse("Smoke rises pic.twitter.com/Ab — Some One (@one) February 30, 2021")
    (post,) = posts(report)
    assert post.date is None
    assert any("February 30, 2021" in note for note in report.notes)


def test_author_line_on_its_own_line_after_the_post_text() -> None:
    text = "Smoke over the bridge pic.twitter.com/Ab12\n— Some One (@one) November 5, 2021"
    (post,) = posts(parse(text))
    assert post.start == 0
    assert post.post_url == "https://pic.twitter.com/Ab12"
    assert text[post.author_start :].startswith("pic.twitter.com/Ab12\n—")


def test_two_posts_on_one_line() -> None:
    first = "Gates shut pic.twitter.com/A1 — One (@one) November 5, 2021"
    second = "Tents burning pic.twitter.com/B2 — Two (@two) November 5, 2021"
    text = f"{first} {second}"
    report = parse(text)
    assert [text[s.start : s.end] for s in report.segments] == [first, second]


def test_text_after_a_post_on_its_line_is_prose() -> None:
    text = "Gates shut pic.twitter.com/A1 — One (@one) November 5, 2021 The outlet goes on."
    report = parse(text, metadata=ReportMetadata(source="Outlet"))
    assert [(s.source, report.text[s.start : s.end]) for s in report.segments][1] == (
        "Outlet",
        "The outlet goes on.",
    )


def test_post_sharing_a_long_line_with_prose_starts_after_a_sentence_end() -> None:
    prose = "The outlet wrote a long opening paragraph about the day. " * 6
    tweet = "Crowds at the gate now, police pull back."
    text = f"{prose}{tweet} pic.twitter.com/Zz — One (@one) November 5, 2021"
    report = parse(text)
    news, post = report.segments
    assert text[post.start : post.text_end].strip() == tweet
    assert text[news.start : news.end] == prose.strip()


def test_post_in_the_first_paragraph_starts_after_the_dateline() -> None:
    text = "BASRA (Gulf Radio) — Smoke rises pic.twitter.com/Ab — One (@one) November 5, 2021"
    report = parse(text)
    (post,) = report.segments
    assert text[post.start : post.text_end].strip() == "Smoke rises"


@pytest.mark.parametrize(
    "text",
    [
        "Follow the ministry (@iraq_moh) November 5, 2021 for updates.",
        "Crowds - " + "x" * 150 + " (@someone) November 5, 2021",
        "Crowds — (@someone) November 5, 2021",
        "Crowds — Some One (@someone) yesterday afternoon",
    ],
)
def test_handles_that_are_not_post_author_lines(text: str) -> None:
    report = parse(text)
    assert posts(report) == []
    assert len(report.segments) == 1


def test_prose_only_report_is_one_segment_and_blank_stretches_are_none() -> None:
    text = f"date 2021-11-05 {PROSE}\n\n\n{PROSE}\n\n"
    report = parse(text, metadata=ReportMetadata(source="S"))
    (segment,) = report.segments
    assert text[segment.start : segment.end] == f"{PROSE}\n\n\n{PROSE}"
    assert (segment.source, segment.source_type, segment.date) == ("S", "news", NOV5)


def test_post_only_report_has_no_prose_segment() -> None:
    (segment,) = parse(POST).segments
    assert segment.is_post


@given(
    st.lists(
        st.sampled_from(
            [PROSE, POST, ARABIC_POST, "\n", "\n\n", " ", "BAGHDAD (X) — ", "date 2021-11-05 "]
        ),
        min_size=1,
        max_size=8,
    )
)
def test_segments_always_cover_the_body_in_order(parts: list[str]) -> None:
    text = "".join(parts)
    if not text.replace("date 2021-11-05", "", 1).strip():
        with pytest.raises(ReportError):
            parse(text)
        return
    report = parse(text)
    covered = "".join(text[s.start : s.end] for s in report.segments)
    prose_start = report.dateline.end if report.dateline else report.body_start
    assert "".join(covered.split()) == "".join(text[prose_start:].split())


@pytest.mark.parametrize(
    ("unit", "count", "suffix"),
    [
        ("(@a) November 5, 2021 ", 5_000, ""),
        ("— ", 50_000, "(@a) Nov 5, 2021"),
        ("A ", 50_000, "(B) —"),
        ("pic.twitter.com/a ", 10_000, "— N (@a) Nov 5, 2021"),
        ("key: value\n", 10_000, ""),
        ("x - y (@a) Nov 5, 2021\n", 5_000, ""),
    ],
)
def test_adversarial_reports_are_read_in_linear_time(unit: str, count: int, suffix: str) -> None:
    assert_linear(lambda text: parse_report(text, path="a.txt"), unit, count, suffix=suffix)


# --------------------------------------------------------------------------- read_report


def test_read_report_keeps_the_path_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(b"date 2021-11-05 Road closed.\r\n")
    monkeypatch.chdir(tmp_path)
    report = read_report(Path("in") / "a.txt", metadata=ReportMetadata(source="S"))
    assert report.path == str(Path("in") / "a.txt")
    assert report.text == "date 2021-11-05 Road closed.\n"
    assert (report.source, report.date) == ("S", NOV5)


def test_read_report_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(ReportError, match="No such file") as caught:
        read_report(missing)
    assert caught.value.path == str(missing)


def test_read_report_on_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="is a folder"):
        read_report(tmp_path)


# --------------------------------------------------------------------------- manifest


def write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def test_manifest_entries_resolve_against_its_folder(tmp_path: Path) -> None:
    write(tmp_path / "reports" / "a.txt", "Road closed.")
    write(tmp_path / "reports" / "b.txt", "Road open.")
    manifest = read_manifest(
        write(
            tmp_path / "m.csv",
            "\ufeffPath,Source,url,date,title\n"
            'reports/a.txt,Daily Example,https://e.org/a,2021-11-05,"Clashes, a summary"\n'
            "\n"
            "reports/b.txt,,,,\n",
        )
    )
    assert manifest.problems == ()
    a = (tmp_path / "reports" / "a.txt").resolve()
    assert manifest.entries[a] == ReportMetadata(
        source="Daily Example", url="https://e.org/a", date=NOV5, title="Clashes, a summary"
    )
    assert manifest.lookup(tmp_path / "reports" / ".." / "reports" / "b.txt") == ReportMetadata()
    assert manifest.lookup(tmp_path / "other.txt") is None


def test_manifest_path_column_alone_is_enough(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Road closed.")
    manifest = read_manifest(write(tmp_path / "m.csv", "path\na.txt\n"))
    assert list(manifest.entries.values()) == [ReportMetadata()]


def test_manifest_without_path_column(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no 'path' column") as caught:
        read_manifest(write(tmp_path / "m.csv", "file,source\na.txt,S\n"))
    assert caught.value.line == 1


def test_manifest_bad_date_names_the_line(tmp_path: Path) -> None:
    content = "path,date\na.txt,2021-11-05\nb.txt,05/11/2021\n"
    with pytest.raises(ManifestError, match="YYYY-MM-DD") as caught:
        read_manifest(write(tmp_path / "m.csv", content))
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{tmp_path / 'm.csv'}:3: ")


def test_manifest_impossible_date(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="2021-02-30"):
        read_manifest(write(tmp_path / "m.csv", "path,date\na.txt,2021-02-30\n"))


def test_manifest_duplicate_rows_name_both_lines(tmp_path: Path) -> None:
    content = "path,source\na.txt,One\nsub/../a.txt,Two\n"
    with pytest.raises(ManifestError, match="lines 2 and 3") as caught:
        read_manifest(write(tmp_path / "m.csv", content))
    assert caught.value.line == 3


def test_manifest_missing_files_are_problems_not_errors(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Road closed.")
    manifest = read_manifest(write(tmp_path / "m.csv", "path,source\na.txt,One\ngone.txt,Two\n"))
    assert len(manifest.entries) == 2
    (problem,) = manifest.problems
    assert problem.line == 3
    assert "gone.txt" in problem.message


def test_manifest_line_numbers_count_quoted_newlines(tmp_path: Path) -> None:
    content = 'path,title\na.txt,"two\nlines"\nb.txt,x,extra\n'
    with pytest.raises(ManifestError, match="3 cells") as caught:
        read_manifest(write(tmp_path / "m.csv", content))
    assert caught.value.line == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "manifest is empty"), ("path,source\n,S\n", "no path")],
)
def test_manifest_empty_file_or_path(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        read_manifest(write(tmp_path / "m.csv", content))


def test_manifest_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="cannot read the manifest"):
        read_manifest(tmp_path / "missing.csv")


# --------------------------------------------------------------------------- input files


def test_iter_report_files_walks_folders_in_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a.TXT", "c.text", "notes.md", ".hidden.txt", "sub/z.txt", ".git/x.txt"]:
        write(tmp_path / "in" / name, "text")
    loose = write(tmp_path / "loose.dat", "text")
    items = list(iter_report_files([tmp_path / "in", loose, tmp_path / "in" / "b.txt"]))
    folder = tmp_path / "in"
    assert items == [
        (str(folder / "a.TXT"), None),
        (str(folder / "b.txt"), None),
        (str(folder / "c.text"), None),
        (str(folder / "sub" / "z.txt"), None),
        (str(loose), None),
    ]


def test_iter_report_files_keeps_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "in" / "a.txt", "text")
    monkeypatch.chdir(tmp_path)
    assert list(iter_report_files(["in"])) == [(str(Path("in") / "a.txt"), None)]


def test_iter_report_files_errors_are_items(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    items = list(iter_report_files([tmp_path / "missing", tmp_path / "empty"]))
    assert [path for path, _ in items] == [str(tmp_path / "missing"), str(tmp_path / "empty")]
    assert all(isinstance(error, ReportError) for _, error in items)
    assert "no such file" in str(items[0][1])
    assert "no report files" in str(items[1][1])


def test_iter_report_files_survives_symlink_loops(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", "text")
    (tmp_path / "in" / "loop").symlink_to(tmp_path / "in", target_is_directory=True)
    items = list(iter_report_files([tmp_path / "in"]))
    assert items == [(str(tmp_path / "in" / "a.txt"), None)]


# --------------------------------------------------------------------------- real seeds


def test_real_seed_reports_with_their_manifest(seeds_dir: Path, seeds_manifest: Path) -> None:
    manifest = read_manifest(seeds_manifest)
    assert manifest.problems == ()
    expected = {
        "000": ("The Washington Post", NOV5, None, 0),
        "001": ("RT", NOV6, None, 5),
        "002": ("Kurdistan 24", NOV5, ("ERBIL", "Kurdistan 24"), 1),
    }
    files = sorted(seeds_dir.glob("*.txt"))
    assert [path.name[:3] for path in files] == sorted(expected)
    for path in files:
        source, date, dateline, post_count = expected[path.name[:3]]
        report = read_report(path, metadata=manifest.lookup(path))
        check_spans(report)
        assert (report.source, report.source_origin) == (source, "manifest")
        assert (report.date, report.date_origin) == (date, "manifest")
        found = (report.dateline.city, report.dateline.outlet) if report.dateline else None
        assert found == dateline
        report_posts = posts(report)
        assert len(report_posts) == post_count
        for post in report_posts:
            assert post.handle is not None
            assert post.source == post.handle
            assert post.date == NOV5
            assert post.via == source
            assert post.post_url is not None
            assert post.post_url.startswith("https://pic.twitter.com/")
            assert report.text[post.text_end : post.end].startswith("pic.twitter.com/")
        assert report.notes == ()


def test_real_seed_reports_without_a_manifest(seeds_dir: Path) -> None:
    by_number = {path.name[:3]: read_report(path) for path in sorted(seeds_dir.glob("*.txt"))}
    assert by_number["000"].source_origin == "filename"
    assert by_number["000"].date is None
    assert (by_number["001"].date, by_number["001"].date_origin) == (NOV6, "inline")
    assert (by_number["002"].source, by_number["002"].source_origin) == ("Kurdistan 24", "dateline")
    assert (by_number["002"].date, by_number["002"].date_origin) == (NOV5, "inline")


def test_a_dated_dateline_dates_a_report_that_has_no_other_date():
    report = parse_report("BAGHDAD, Nov 7, 2023 (Reuters) - A bomb went off.", path="x.txt")
    assert (report.date, report.date_origin) == (dt.date(2023, 11, 7), "dateline")
    assert report.dateline is not None
    assert report.dateline.outlet == "Reuters"


def test_a_dateline_day_before_publication_dates_the_prose():
    text = "date: 2023-11-08\n\nBAGHDAD, Nov 7 (Reuters) - A bomb went off on Tuesday."
    report = parse_report(text, path="x.txt")
    assert (report.date, report.date_origin) == (dt.date(2023, 11, 7), "dateline")
    text = "date: 2003-08-08\n\nAMMAN/BAGHDAD, 8 August 2003 — A car bomb blew up yesterday."
    report = parse_report(text, path="x.txt")
    assert report.dateline is not None
    assert report.dateline.city == "AMMAN/BAGHDAD"
    assert report.date == dt.date(2003, 8, 8)


@pytest.mark.parametrize(
    ("opening", "city", "outlet", "date"),
    [
        ("Baghdad, March 3, 2024 (Wire) - ", "Baghdad", "Wire", dt.date(2024, 3, 3)),
        ("Prague, 19 January 2004 (RFE/RL) -- ", "Prague", "RFE/RL", dt.date(2004, 1, 19)),
        ("New Delhi, Feb 8, 2024 — ", "New Delhi", None, dt.date(2024, 2, 8)),
        ("Baghdad (Reuters) - ", "Baghdad", "Reuters", None),
        ("بغداد - 3 آذار/مارس 2024: ", "بغداد", None, dt.date(2024, 3, 3)),
        ("بغداد 7 تشرين الثاني (نوفمبر) 2023 (أ ف ب) - ", "بغداد", "أ ف ب", dt.date(2023, 11, 7)),
        ("بغداد (رويترز) - ", "بغداد", "رويترز", None),
        ("البصرة، ٥ مايو ٢٠٢٤ – ", "البصرة", None, dt.date(2024, 5, 5)),
    ],
)
def test_datelines_in_lower_case_and_in_arabic(opening, city, outlet, date) -> None:
    """A city not in capitals, or in Arabic, makes a dateline with a date or an outlet."""
    text = opening + "Police closed the road."
    report = parse(text)
    assert report.dateline is not None
    assert text[report.dateline.start : report.dateline.end] == opening.rstrip()
    assert (report.dateline.city, report.dateline.outlet) == (city, outlet)
    assert report.dateline.date == date
    assert segment_texts(report) == ["Police closed the road."]
    if date is not None:
        assert (report.date, report.date_origin) == (date, "dateline")
        assert (
            report.notes[-1]
            == f"dated {date.isoformat()} by its dateline: no date in the manifest or header"
        )


@pytest.mark.parametrize(
    "above",
    [
        "Drone strike kills militia commander in eastern Baghdad\n\n",
        "Drone strike kills militia commander\nBy Jane Roe and Ali Example\n\n",
        "UPDATE 2-Drone strike kills militia commander\nJanuary 4, 2024\n",
        "ضربة بطائرة مسيرة تقتل قياديا في بغداد\n\n",
    ],
)
def test_a_dateline_after_a_headline_and_byline(above) -> None:
    """Pasted copy keeps the headline above the dateline: the dateline is read all the same,
    the headline is the title, and no segment covers the lines above the dateline."""
    opening = "BAGHDAD, Jan 4, 2024 (Wire) - "
    report = parse(above + opening + "A drone struck a compound on Thursday.")
    assert report.dateline is not None
    assert (report.dateline.city, report.dateline.outlet) == ("BAGHDAD", "Wire")
    assert (report.date, report.source) == (dt.date(2024, 1, 4), "Wire")
    assert report.title == above.split("\n")[0]
    assert segment_texts(report) == ["A drone struck a compound on Thursday."]


@pytest.mark.parametrize(
    "text",
    [
        "Clashes broke out at the gate.\nBAGHDAD, Jan 4, 2024 (Wire) - A drone struck.",
        "Headline\nByline\nDate\nAnother line\nBAGHDAD, Jan 4, 2024 (Wire) - A drone struck.",
        "Police said: \nBAGHDAD (Wire) - A drone struck.",
        "Section\nThursday, February 8, 2024 - a drone struck a car.",
        "عربي ودولي\nالخميس - 08 فبراير 2024 - الساعة 01:06 ص\nضربت طائرة مسيرة سيارة.",
        ("A headline far longer than any headline is written " * 5) + "\nBAGHDAD (Wire) - Text.",
    ],
)
def test_no_dateline_after_a_sentence_or_past_the_opening_lines(text) -> None:
    report = parse(text)
    assert report.dateline is None
    assert report.title is None


def test_a_header_title_wins_over_the_headline() -> None:
    text = "title: Strike in Baghdad\n\nDrone strike kills commander\nBAGHDAD (Wire) - A drone hit."
    assert parse(text).title == "Strike in Baghdad"


@pytest.mark.parametrize(
    "text",
    [
        "Baghdad - the capital woke to sirens.",
        "Baghdad (city of peace) – a mixed-case opening is prose.",
        "بغداد - قال مسؤول إن الطريق أغلق.",
        "انفجرت سيارة مفخخة - وقتل ثلاثة.",
        "Police, on Monday - closed the road.",
    ],
)
def test_lower_case_and_arabic_openings_without_date_or_outlet_are_prose(text) -> None:
    assert parse(text).dateline is None


def test_the_manifest_date_wins_over_a_dated_dateline() -> None:
    text = "Baghdad, March 3, 2024 (Wire) - A bomb went off."
    report = parse(text, metadata=ReportMetadata(date=dt.date(2024, 3, 10)))
    assert (report.date, report.date_origin) == (dt.date(2024, 3, 10), "manifest")
    assert "differs from the manifest date" in report.notes[-1]
    dated = parse("date: 2024-03-04\n\nبغداد - 3 آذار/مارس: انفجرت عبوة ناسفة.")
    assert (dated.date, dated.date_origin) == (dt.date(2024, 3, 3), "dateline")


@pytest.mark.parametrize(
    ("text", "month_day"),
    [
        ("BAGHDAD, Nov 7 (Reuters) - A bomb went off.", "November 7"),
        ("بغداد - 3 آذار/مارس: انفجرت عبوة ناسفة.", "March 3"),
    ],
)
def test_a_dateline_without_a_year_and_no_other_date_says_so(text, month_day) -> None:
    report = parse(text)
    assert (report.date, report.date_origin) == (None, "none")
    assert report.notes[-1].startswith(f"the dateline gives {month_day} but no year")
    assert report.notes[-1].endswith("unless the text gives a date with its year")


THREAD = """source: Example Wire
date: 2024-01-06

Baghdad Watcher @BaghdadWatch
Three rockets landed near the embassy, sirens sounding.
9:41 PM · Jan 5, 2024
A second explosion heard near the airport road.
9:52 PM · Jan 5, 2024 · 12K Views

Ali reposted
Baghdad Now @BaghdadNow_iq · Jan 5
Security forces closed the bridge.
10:05 PM · Jan 5, 2024

Police said later that no one was hurt.
"""


def test_a_pasted_thread_keeps_the_handle_as_source_and_each_post_its_time():
    report = parse_report(THREAD, path="thread.txt")
    told = [
        (
            s.source,
            s.via,
            s.time.strftime("%H:%M") if s.time else None,
            THREAD[s.start : s.text_end],
        )
        for s in report.segments
        if THREAD[s.start : s.text_end].strip()
    ]
    assert told == [
        (
            "@BaghdadWatch",
            "Example Wire",
            "21:41",
            "Three rockets landed near the embassy, sirens sounding.\n",
        ),
        (
            "@BaghdadWatch",
            "Example Wire",
            "21:52",
            "A second explosion heard near the airport road.\n",
        ),
        ("@BaghdadNow_iq", "Ali", "22:05", "Security forces closed the bridge.\n"),
        ("Example Wire", None, None, "Police said later that no one was hurt."),
    ]


def test_a_quote_line_opening_a_paragraph_opens_the_quoted_post():
    text = (
        "source: Example Wire\ndate: 2024-03-09\n\nWitnesses posted on X.\n\nQuote\n"
        "News Desk @NewsDesk\nPolice say two people were wounded.\n11:30 PM · Mar 8, 2024\n"
    )
    report = parse_report(text, path="thread.txt")
    post = [s for s in report.segments if text[s.start : s.text_end].strip()][-1]
    assert text[post.start : post.text_end] == "Police say two people were wounded.\n"
    assert (post.source, post.via, post.time.strftime("%H:%M")) == (
        "@NewsDesk",
        "Example Wire",
        "23:30",
    )


def test_thread_posts_date_their_incidents_by_the_post_time(geoparser):
    from incidents.pipeline import analyse_report

    result = analyse_report(parse_report(THREAD, path="thread.txt"), geoparser)
    rockets = next(i for i in result.incidents if i.event_type == "rocket_attack")
    assert (rockets.source, rockets.time_precision) == ("@BaghdadWatch", "hour")
    assert rockets.time_start == "2024-01-05T21:11:00+03:00"
    assert "@" not in rockets.evidence
