"""Bytes of a report file to text: encodings, and saved web pages to their visible text.

Decoding
    UTF-8 with or without a BOM, and UTF-16 (or UTF-32) with a BOM or, for
    UTF-16, without one (told by its NUL bytes); ``\\r\\n`` and ``\\r`` line
    ends become ``\\n``. Files that are not text are refused, saying what they
    look like, and invalid UTF-8 saying where.

HTML pages
    A file that opens with ``<`` and has ``<!DOCTYPE html>``, ``<html>``,
    ``<head>`` or ``<body>`` near its top is read as a saved web page: its
    visible text is kept (scripts, styles, templates, SVG and comments are
    dropped, block elements become paragraphs) and its title, site name,
    canonical address and publication date, when its ``<title>``, ``<meta>`` and
    ``<link>`` tags give them, become a header block that
    :func:`incidents.reports.parse_report` reads like any other.
"""

from __future__ import annotations

import html
import re

from geo.errors import ReportError
from incidents.report_files import ISO_DATE

#: Leading bytes of file formats that are not text reports, and what to call them.
_MAGIC_NUMBERS = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (a .docx or .odt document is one)"),
    (b"PK\x05\x06", "a ZIP archive (a .docx or .odt document is one)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word or Excel document"),
    (b"{\\rtf", "an RTF document"),
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
#: How many leading bytes to sample when telling UTF-16 without a BOM by its NUL bytes.
_UTF16_SAMPLE = 4096
#: Share of NUL bytes that must fall on one side of each byte pair for UTF-16.
_UTF16_NUL_SIDE_SHARE = 0.95
#: Share of characters that must carry a NUL: spaces alone give Arabic text about 15 %.
_UTF16_MIN_NUL_SHARE = 0.08
# --------------------------------------------------------------------------- decoding


def decode_report(data: bytes, *, path: str) -> str:
    """Decode a report file's bytes into text with ``\\n`` line ends.

    Accepts UTF-8 with or without a BOM, and UTF-16 (or UTF-32) with a BOM or,
    for UTF-16, without one (told by its NUL bytes). Refuses files that are not
    text, saying what they look like, and invalid UTF-8, saying where.

    Raises
    ------
    ReportError
        The file is binary, undecodable, empty or whitespace only.
    """
    for magic, kind in _MAGIC_NUMBERS:
        if data.startswith(magic):
            msg = f"looks like {kind}, not a text report; save it as plain text (UTF-8) first"
            raise ReportError(msg, path=path)
    text = _decode_bytes(data, path=path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    if not text.strip():
        msg = "report is empty" if not text else "report is empty (it holds only white space)"
        raise ReportError(msg, path=path)
    return text


def _decode_bytes(data: bytes, *, path: str) -> str:
    """Pick the encoding (BOM, UTF-16 NUL pattern, else UTF-8) and decode."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data[len(bom) :], encoding, path=path)
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            msg = "looks like a binary file (it holds NUL bytes), not a text report"
            raise ReportError(msg, path=path)
        return _decode_strict(data, encoding, path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = _line_of_byte(data, error.start)
        msg = (
            f"not valid UTF-8: byte 0x{data[error.start]:02X} at line {line}, byte offset "
            f"{error.start}; the file may be in another encoding (such as Windows-1256 or "
            "Latin-1): re-save it as UTF-8 and try again"
        )
        raise ReportError(msg, path=path, line=line) from None


def _decode_strict(data: bytes, encoding: str, *, path: str) -> str:
    """Decode ``data`` as ``encoding`` or explain why it cannot be."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        msg = (
            f"not valid {encoding.upper()} (byte offset {error.start}: {error.reason}); "
            "re-save it as UTF-8 and try again"
        )
        raise ReportError(msg, path=path) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when NUL bytes sit on one side of the byte pairs.

    Text in UTF-16 has a NUL in every ASCII character (spaces, digits, Latin
    letters), always on the same side of its byte pair; binary files and text
    with a stray NUL do not.
    """
    if len(data) % 2:
        return None
    sample = data[:_UTF16_SAMPLE]
    pairs = len(sample) // 2
    for encoding, side in (("utf-16-le", 1), ("utf-16-be", 0)):
        nuls_here = sample[side::2].count(0)
        nuls_there = sample[1 - side :: 2].count(0)
        if nuls_here >= _UTF16_MIN_NUL_SHARE * pairs and nuls_here >= _UTF16_NUL_SIDE_SHARE * (
            nuls_here + nuls_there
        ):
            return encoding
    return None


def _line_of_byte(data: bytes, offset: int) -> int:
    """The 1-based line the byte at ``offset`` is on, counting ``\\r\\n``, ``\\n``, ``\\r``."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


# --------------------------------------------------------------------------- HTML pages

#: Looked for near the top of a text that opens with ``<`` to tell a web page.
_HTML_SIGNATURE = re.compile(r"<(?:!doctype[ \t\r\n]+html|html|head|body)[\s>/]", re.IGNORECASE)
_HTML_SNIFF_CHARS = 4096
_HTML_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]{0,40})")
_HTML_TAG_STOP = re.compile(r"[>\"']")
_HTML_ATTRIBUTE = re.compile(
    r"""([^\s"'>/=]+)(?:[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)
#: HTML white space (not the no-break space, which is text) folds to one space...
_HTML_SPACES = re.compile(r"[ \t\n\r\f]+")
_HTML_SPACE_RUNS = re.compile(r"  +")
#: ...except around the line breaks that block elements and ``<br>`` make.
_HTML_LINE_EDGES = re.compile(r" ?\n ?")
_HTML_BLANK_LINES = re.compile(r"\n{3,}")
#: Elements whose content is raw text up to their end tag, never shown as page text
#: (the title is read separately).
_HTML_RAW_TEXT = frozenset(
    {"script", "style", "title", "textarea", "noscript", "iframe", "noembed", "noframes", "xmp"}
)
_HTML_RAW_TEXT_END = {
    name: re.compile(rf"</{name}(?=[\s/>]|$)", re.IGNORECASE) for name in _HTML_RAW_TEXT
}
#: Elements whose content is markup but not readable text.
_HTML_HIDDEN = frozenset({"template", "svg", "math"})
#: Elements that start and end a paragraph of their own.
_HTML_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "nav", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul",
    }
)  # fmt: skip
#: ``<meta>`` names and properties that give a header field, best first.
_HTML_META_FIELDS = (
    ("og:site_name", "source"),
    ("application-name", "source"),
    ("og:title", "title"),
    ("twitter:title", "title"),
    ("og:url", "url"),
    ("article:published_time", "date"),
    ("datepublished", "date"),
    ("pubdate", "date"),
    ("publish-date", "date"),
    ("date", "date"),
    ("dc.date", "date"),
    ("dc.date.issued", "date"),
)
_HTML_META_KEYS = dict(_HTML_META_FIELDS)
#: Longest header value taken from a page; longer ones are cut.
_HTML_FIELD_MAX_CHARS = 300


def looks_like_html(text: str) -> bool:
    """True when a decoded report is a saved web page rather than plain text.

    It must open with ``<`` (after white space) and show ``<!DOCTYPE html>``,
    ``<html>``, ``<head>`` or ``<body>`` near the top: a plain report that merely
    quotes markup is left as it is.
    """
    head = text[:_HTML_SNIFF_CHARS].lstrip()
    return head.startswith("<") and _HTML_SIGNATURE.search(head) is not None


def html_report_text(page: str, *, path: str) -> str:
    """The visible text of an HTML page, under a header block of what its tags say.

    One pass over the page with ``str.find`` and regular expressions that cannot
    backtrack, so a malformed or hostile page takes time in proportion to its
    length (the standard library's ``html.parser`` does not, on Python 3.11).

    Raises
    ------
    ReportError
        The page has no visible text.
    """
    reader = _PageReader(page)
    reader.read()
    text = _HTML_SPACE_RUNS.sub(" ", "".join(reader.chunks))
    text = _HTML_BLANK_LINES.sub("\n\n", _HTML_LINE_EDGES.sub("\n", text)).strip()
    if not text:
        msg = "the HTML page has no visible text; save the article's text as a .txt file"
        raise ReportError(msg, path=path)
    fields = reader.fields()
    header = [
        f"{name}: {fields[name]}" for name in ("source", "url", "date", "title") if name in fields
    ]
    return "\n".join([*header, "", text]) if header else text


class _PageReader:
    """The state of one pass over an HTML page: text so far, what its tags said."""

    def __init__(self, page: str):
        self.page = page
        self.chunks: list[str] = []
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.title: str | None = None
        self.hidden_depth = dict.fromkeys(_HTML_HIDDEN, 0)

    @property
    def hidden(self) -> bool:
        return any(self.hidden_depth.values())

    def fields(self) -> dict[str, str]:
        """Header fields: the first ``<meta>`` of the best kind, else canonical link, title."""
        found: dict[str, str] = {}
        for key, name in _HTML_META_FIELDS:
            if key in self.meta:
                found.setdefault(name, self.meta[key])
        if self.canonical:
            found["url"] = self.canonical
        if self.title:
            found.setdefault("title", self.title)
        return found

    def read(self) -> None:
        page, position = self.page, 0
        while position < len(page):
            opening = page.find("<", position)
            if opening < 0:
                opening = len(page)
            if not self.hidden and opening > position:
                self.chunks.append(_HTML_SPACES.sub(" ", html.unescape(page[position:opening])))
            position = self._markup(opening) if opening < len(page) else opening

    def _markup(self, opening: int) -> int:
        """Read the markup at ``page[opening]`` (a ``<``) and return where text resumes."""
        page, size = self.page, len(self.page)
        if page.startswith("<!--", opening):
            end = page.find("-->", opening + 4)
            return size if end < 0 else end + 3
        if page.startswith(("<!", "<?"), opening):
            end = page.find(">", opening)
            return size if end < 0 else end + 1
        tag = _HTML_TAG_NAME.match(page, opening)
        if tag is None:  # a "<" that opens no tag is text ("5 < 7")
            if not self.hidden:
                self.chunks.append("<")
            return opening + 1
        name = tag[1].lower()
        end = _html_tag_end(page, tag.end())
        if page.startswith("</", opening):
            if self.hidden_depth.get(name):
                self.hidden_depth[name] -= 1
            elif name in _HTML_BLOCKS and not self.hidden:
                self.chunks.append("\n\n")
            return end
        if name in _HTML_RAW_TEXT:
            closing = _HTML_RAW_TEXT_END[name].search(page, end)
            if name == "title" and self.title is None and not self.hidden:
                self.title = _field_value(page[end : closing.start() if closing else size])
            return size if closing is None else _html_tag_end(page, closing.end())
        if name in ("meta", "link"):
            self._head_tag(name, page[tag.end() : end])
        elif name in _HTML_HIDDEN:
            if page[end - 2 : end] != "/>":
                self.hidden_depth[name] += 1
        elif self.hidden:
            pass
        elif name == "br":
            self.chunks.append("\n")
        elif name in _HTML_BLOCKS:
            self.chunks.append("\n\n")
        return end

    def _head_tag(self, name: str, attributes_text: str) -> None:
        """Note what a ``<meta>`` or ``<link rel=canonical>`` tag says about the page."""
        attributes: dict[str, str] = {}
        for attribute in _HTML_ATTRIBUTE.finditer(attributes_text):
            value = next((v for v in attribute.groups()[1:] if v is not None), "")
            attributes.setdefault(attribute[1].lower(), value)
        if name == "link":
            if "canonical" in attributes.get("rel", "").lower().split() and self.canonical is None:
                self.canonical = _field_value(attributes.get("href", "")) or None
            return
        key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
        field_name = _HTML_META_KEYS.get((key or "").lower())
        content = _field_value(attributes.get("content", ""))
        if field_name is None or not content or key.lower() in self.meta:
            return
        if field_name == "date":
            iso = ISO_DATE.match(content)
            if iso is None:
                return
            content = iso.group()
        self.meta[key.lower()] = content


def _field_value(raw: str) -> str:
    """An attribute or title as a header value: references decoded, one line, bounded."""
    return " ".join(html.unescape(raw).split())[:_HTML_FIELD_MAX_CHARS]


def _html_tag_end(page: str, position: int) -> int:
    """Just past the ``>`` that ends a tag, skipping quoted attribute values."""
    while True:
        stop = _HTML_TAG_STOP.search(page, position)
        if stop is None:
            return len(page)
        if stop.group() == ">":
            return stop.end()
        close = page.find(stop.group(), stop.end())
        if close < 0:
            return len(page)
        position = close + 1
