"""Inline assets and safe embedding of values into the map's HTML document.

map.html must open from disk with no network, so Leaflet's JavaScript and CSS
are copied into the page from the ``xstatic-leaflet`` package, with the images
its CSS refers to turned into ``data:`` URIs.

Report text is hostile by assumption. Two helpers put it into the page:
:func:`html_text` for HTML (popups, legend, layer names) and :func:`js_literal`
for JavaScript values. Both also hide ``{`` and ``}``, because folium renders
its JavaScript through Jinja twice (a macro's output becomes a new template),
so a report saying ``{{ 7*7 }}`` or ``{% raw %}`` would otherwise be evaluated
or break the render.
"""

from __future__ import annotations

import base64
import html
import json
import math
import numbers
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from xstatic.pkg import leaflet as xstatic_leaflet

from geo.errors import OutputError

#: Inside JSON strings: characters that could end a <script>, open an HTML
#: comment or entity, or start a Jinja tag, written as \\u escapes instead
#: (still valid JSON and JavaScript). U+2028/2029 end lines in old JS engines.
#: (Chained str.replace: several times faster than str.translate on long text.)
_JS_STRING_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("'", "\\u0027"),
    ("{", "\\u007b"),
    ("}", "\\u007d"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
_WEB_SCHEMES = frozenset({"http", "https"})

#: Leaflet's attribution prefix links to its website; the offline copy keeps the
#: name but not the link, so the page holds no http(s) href at all.
_LEAFLET_LINKED_PREFIX = (
    '<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">'
)
_LEAFLET_PLAIN_PREFIX = '<a title="Leaflet, a JavaScript library for interactive maps">'
_SOURCE_MAP_LINE = re.compile(r"^//# sourceMappingURL=\S*[ \t]*$", re.MULTILINE)
_CSS_IMAGE_URL = re.compile(r"url\((['\"]?)images/([A-Za-z0-9_.-]{1,64}\.png)\1\)")
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_END = re.compile(r"</(style)", re.IGNORECASE)


def html_text(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute, braces included.

    Parameters
    ----------
    value
        Anything; it is shown with ``str``.

    Returns
    -------
    str
        Text in which ``<``, ``>``, ``&``, both quotes, ``{`` and ``}`` are
        character references, so it can neither open a tag nor a Jinja block.
    """
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def js_literal(value: object) -> str:
    """Write a JSON-like value as a JavaScript literal that is safe inside ``<script>``.

    The result is valid JSON (``json.loads`` gives the value back) whose strings
    carry no ``<``, ``>``, ``&``, ``'``, ``{`` or ``}`` characters, so report
    text can neither close the script element nor be read as a Jinja tag.

    Parameters
    ----------
    value
        ``None``, bool, number, str, or lists/tuples/mappings of those.
        Non-finite numbers become ``null``.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return json.dumps(number) if math.isfinite(number) else "null"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        for char, escape in _JS_STRING_ESCAPES:
            text = text.replace(char, escape)
        return text
    if isinstance(value, Mapping):
        items = (f"{js_literal(str(key))}:{js_literal(item)}" for key, item in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(js_literal(item) for item in value) + "]"
    msg = f"cannot write a {type(value).__name__} into the map page"
    raise TypeError(msg)


def js_json(value: object) -> str:
    """Write a large JSON value as ``JSON.parse("...")``: one escaped string literal.

    Same safety as :func:`js_literal` (the whole JSON text is one string, so its
    braces and markup characters are all ``\\u`` escapes) but encoded by the C
    JSON encoder in one pass: ten times faster on thousands of features.

    Raises
    ------
    ValueError
        If ``value`` holds a non-finite number.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return f"JSON.parse({js_literal(text)})"


def safe_href(url: object) -> str | None:
    """Return ``url`` if it is an absolute http(s) web address, else ``None``.

    Report URLs are untrusted: ``javascript:``, ``data:`` and relative links must
    never become clickable. The caller still escapes the result with
    :func:`html_text`.
    """
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.netloc:
        return None
    return candidate


def script_tag(code: str) -> str:
    """Wrap JavaScript in a ``<script>`` element it cannot close early."""
    return "<script>\n" + _SCRIPT_END.sub(r"<\\/\1", code) + "\n</script>"


def style_tag(css: str) -> str:
    """Wrap CSS in a ``<style>`` element it cannot close early."""
    return "<style>\n" + _STYLE_END.sub(r"<\\/\1", css) + "\n</style>"


def _leaflet_dir() -> Path:
    return Path(xstatic_leaflet.BASE_DIR)


def _read_asset(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        msg = f"Leaflet file missing or unreadable ({exc.strerror}); reinstall xstatic-leaflet"
        raise OutputError(msg, path=path) from exc


@cache
def leaflet_js() -> str:
    """Leaflet's minified JavaScript, ready to inline (no source-map or web link)."""
    code = _read_asset(_leaflet_dir() / "leaflet.js").decode("utf-8")
    code = _SOURCE_MAP_LINE.sub("", code)
    return code.replace(_LEAFLET_LINKED_PREFIX, _LEAFLET_PLAIN_PREFIX)


@cache
def leaflet_css() -> str:
    """Leaflet's CSS with its images (layer and marker icons) inlined as data URIs."""
    folder = _leaflet_dir()
    css = _read_asset(folder / "leaflet.css").decode("utf-8")

    def inline_image(match: re.Match[str]) -> str:
        data = _read_asset(folder / "images" / match.group(2))
        return f'url("data:image/png;base64,{base64.b64encode(data).decode("ascii")}")'

    return _CSS_IMAGE_URL.sub(inline_image, css)


_DATA_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_BASE64_TEXT = re.compile(r"^[A-Za-z0-9+/=\n]*$")


def json_tag(element_id: str, value: object) -> str:
    """A value as JSON in an inert ``<script type="application/json">`` element.

    The page reads it with ``JSON.parse(element.textContent)``. Markup characters
    in strings (``<``, ``>``, ``&``) and the JavaScript line separators are ``\\u``
    escapes, so report text can neither close the element nor open a comment.
    """
    if not _DATA_ID.match(element_id):
        msg = f"not an element id: {element_id!r}"
        raise ValueError(msg)
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for char, escape in _JS_STRING_ESCAPES:
        if char not in "{}'":  # JSON's own braces stay; nothing here is a template
            text = text.replace(char, escape)
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def data_tag(element_id: str, base64_text: str) -> str:
    """Base64 text (lines of it) in an inert ``<script type="text/plain">`` element."""
    if not _DATA_ID.match(element_id):
        msg = f"not an element id: {element_id!r}"
        raise ValueError(msg)
    if not _BASE64_TEXT.match(base64_text):
        msg = f"{element_id}: only base64 text goes into a data element"
        raise ValueError(msg)
    return f'<script type="text/plain" id="{element_id}">{base64_text}</script>'


@cache
def load_styles() -> dict[str, Any]:
    """The drawing rules from ``maps/data/styles.json`` (colours, sizes, spread)."""
    text = resources.files("maps").joinpath("data", "styles.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def static_text(name: str) -> str:
    """A file of ``maps/static/`` (the page's JavaScript and CSS)."""
    return resources.files("maps").joinpath("static", name).read_text(encoding="utf-8")
