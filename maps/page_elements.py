"""The folium and branca elements the page is built of, beyond folium's own.

Each writes what it is given as it is, never as template source: :class:`RawText`
for text already escaped, :class:`HeaderAssets` for the page's inlined Leaflet,
scripts and styles, :class:`RenderedScript` for JavaScript made once element names
are final, and the map itself (:class:`OfflineMap`, with no tile layer or remote
asset, opening on its bounds without an animation, :class:`StillFitBounds`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import folium
from branca.element import Element, MacroElement

from maps.assets import (
    html_text,
    leaflet_css,
    leaflet_js,
    load_styles,
    script_tag,
    static_text,
    style_tag,
)

#: The page's scripts and styles, in ``maps/static/``, in load order.
STATIC_SCRIPTS = (
    "im_folium.js",
    "im_core.js",
    "im_popups.js",
    "im_layer.js",
    "im_sources.js",
    "im_table.js",
    "im_ui.js",
)
STATIC_STYLES = ("im.css",)


class RawText(Element):
    """Fixed text put into the page as is: never parsed as a Jinja template."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Raw"
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class HeaderAssets(MacroElement):
    """Inline Leaflet, the page styles and the page title into ``<head>``."""

    def __init__(self, title: str):
        super().__init__()
        self._name = "HeaderAssets"
        self.title = title

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        background = load_styles()["page"]["background"]
        parts = {
            "im_title": f"<title>{html_text(self.title)}</title>",
            "im_favicon": '<link rel="icon" href="data:,">',
            "leaflet_css": style_tag(leaflet_css()),
            "leaflet_js": script_tag(leaflet_js()),
            "im_background": style_tag(f":root {{ --im-background: {background}; }}"),
        }
        parts.update({name: style_tag(static_text(name)) for name in STATIC_STYLES})
        parts.update({name: script_tag(static_text(name)) for name in STATIC_SCRIPTS})
        for name, text in parts.items():
            figure.header.add_child(RawText(text), name=name)


class RenderedScript(MacroElement):
    """JavaScript written at render time (when element names are final), placed in
    the page's script after its parent's, and never parsed as a template."""

    def __init__(self, build: Callable[[], str]):
        super().__init__()
        self._name = "Script"
        self._build = build

    def render(self, **kwargs: Any) -> None:
        self.get_root().script.add_child(RawText(self._build()), name=self.get_name())


class StillFitBounds(folium.map.FitBounds):
    """``map.fitBounds`` without the zoom animation: the map opens on its view at once.

    folium's ``fit_bounds`` animates from the map's starting zoom to the fitted one
    (Leaflet animates a ``setView`` on a loaded map), which hides the incident canvas
    for a quarter of a second after the first draw and draws it a second time."""

    def __init__(self, bounds: list[list[float]], **kwargs: Any):
        super().__init__(bounds, **kwargs)
        self.options["animate"] = False


class OfflineMap(folium.Map):
    """A folium map that links no CDN: Leaflet is inlined by :class:`HeaderAssets`;
    jQuery, Bootstrap, Font Awesome and awesome-markers are not needed."""

    default_js: ClassVar[list[tuple[str, str]]] = []
    default_css: ClassVar[list[tuple[str, str]]] = []
