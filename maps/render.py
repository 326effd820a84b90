"""Render the incident table as one self-contained, offline Leaflet page.

What the page draws, bottom to top:

1. **Context**, always shown and not in the layer control: rivers, zones, bridges
   and district outlines from the gazetteer, with a few labels, so the map reads
   on a plain background with no tiles (tiles never load offline).
2. **Places** (an overlay): the places the reports mention and the derived areas
   ("south of the Green Zone"), with an uncertainty circle around point places.
3. **Incidents** and **events**: one Leaflet layer of our own on one canvas
   (``maps/static/im_layer.js``), fed with columns, not features
   (:mod:`maps.columns`): a dot per incident coloured by type when zoomed in, a
   hex-bin density zoomed out, a ring per event. Incidents whose status is not
   ``happened`` are a separate overlay, off until switched on.

Around it, the page script (``maps/static/im_ui.js``) builds the side panel
(time slider with a histogram, filters, search, sources grouped with counts, a
key), a table of the shown incidents with GeoJSON/CSV export, the URL-hash
state and the page API ``window.incidentMap`` (documented in the README).

Python hands the page **data, never code**: the JavaScript and CSS are files in
``maps/static/`` read with importlib.resources; the data goes in as JSON and
base64 in inert ``<script type="...">`` elements. Report text is untrusted: the
page inserts it with ``textContent`` only; the few HTML strings made here
(place popups, context labels) are escaped with :func:`maps.assets.html_text`,
and nothing reaches folium's Jinja templates.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, ClassVar

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.utilities import JsCode
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from gazetteer.model import Gazetteer, load_gazetteer
from gazetteer.pack import Pack
from geo.crs import to_metric, to_wgs84
from geo.errors import OutputError
from incidents.model import INCIDENT_COLUMNS
from maps.assets import (
    data_tag,
    html_text,
    js_json,
    js_literal,
    json_tag,
    leaflet_css,
    leaflet_js,
    script_tag,
    style_tag,
)
from maps.columns import FLAG_UNMAPPED, PageColumns, event_columns, incident_columns
from maps.timeline import calendar_span, day_span, replay_span_minutes, zone_offsets

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
#: Event-table columns the events layer cannot do without (the others are optional).
EVENT_REQUIRED_COLUMNS = ("event_id", "incident_ids")
_COORD_DECIMALS = 7

_STYLE_FROM_PROPERTIES_JS = JsCode("IncidentMapFolium.style")
_PLACE_BIND_JS = JsCode("IncidentMapFolium.bindPlace")
_CONTEXT_LABEL_JS = JsCode("IncidentMapFolium.contextLabel")


# --------------------------------------------------------------------------- data


@cache
def load_styles() -> dict[str, Any]:
    """The drawing rules from ``maps/data/styles.json`` (colours, sizes, spread)."""
    text = resources.files("maps").joinpath("data", "styles.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def static_text(name: str) -> str:
    """A file of ``maps/static/`` (the page's JavaScript and CSS)."""
    return resources.files("maps").joinpath("static", name).read_text(encoding="utf-8")


def event_style(event_type: str) -> tuple[str, str]:
    """The legend label and colour of an event type (unknown types get a grey)."""
    styles = load_styles()
    entry = styles["event_types"].get(event_type)
    if entry is None:
        return event_type.replace("_", " "), styles["unknown_event_type"]["colour"]
    return entry["label"], entry["colour"]


def _present(value: Any) -> Any:
    """``value`` with pandas/numpy missing markers turned into ``None`` and numpy scalars
    into Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _text(value: Any) -> str | None:
    """A non-empty string, or ``None``."""
    value = _present(value)
    if value is None:
        return None
    value = str(value)
    return value if value.strip() else None


def styles_for_pack(styles: dict[str, Any], pack: Pack) -> dict[str, Any]:
    """``styles.json`` with what comes from the pack: where the map opens (``home``)
    and the time zone the time control reads and writes times in."""
    out = dict(styles)
    out["home"] = dict(pack.map_home)
    out["time"] = {**styles["time"], "timezone": pack.timezone, "zone_label": pack.name}
    return out


def _to_wgs84_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    crs = getattr(frame, "crs", None)
    if crs is not None and crs.to_epsg() != 4326:
        return frame.to_crs(4326)
    return frame


def _point_position(geometry: Any) -> tuple[float, float] | None:
    """(lat, lon) of a point geometry, or ``None`` when missing, empty or not finite."""
    if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
        return None
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    lat, lon = float(point.y), float(point.x)
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, _COORD_DECIMALS), round(lon, _COORD_DECIMALS)


def check_incident_table(incidents: pd.DataFrame) -> None:
    """Refuse an incident table that lacks the columns the map needs.

    Raises
    ------
    OutputError
        Naming the missing columns.
    """
    missing = [name for name in INCIDENT_COLUMNS if name not in incidents.columns]
    if missing:
        msg = f"the incident table lacks the columns {', '.join(missing)}; cannot draw the map"
        raise OutputError(msg)


def check_event_table(events: pd.DataFrame) -> None:
    """Refuse an event table without :data:`EVENT_REQUIRED_COLUMNS`."""
    missing = [name for name in EVENT_REQUIRED_COLUMNS if name not in events.columns]
    if missing:
        msg = f"the event table lacks the columns {', '.join(missing)}; cannot draw the events"
        raise OutputError(msg)


def _fmt_metres(value: float | None) -> str | None:
    if value is None:
        return None
    if value >= 1000:
        return f"±{value / 1000:.1f} km"
    return f"±{round(value)} m"


def _row(label: str, value_html: str | None) -> str:
    if not value_html:
        return ""
    return f"<tr><th>{html_text(label)}</th><td>{value_html}</td></tr>"


def _joined(parts: Iterable[str | None], sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)


def _bdi(value: Any) -> str:
    """Escaped text isolated for direction, so Arabic names do not reorder the line."""
    return f"<bdi>{html_text(value)}</bdi>"


def _escaped(place: Mapping[str, Any], key: str) -> str | None:
    """The escaped text of ``place[key]``, or ``None`` when missing."""
    value = _text(place.get(key))
    return html_text(value) if value is not None else None


def place_popup_html(place: Mapping[str, Any]) -> str:
    """The popup of one gazetteer place or derived area, every value escaped."""
    name = _text(place.get("name")) or _text(place.get("place_id")) or "place"
    name_ar = _text(place.get("name_ar"))
    heading = f"<h3>{_bdi(name)}"
    if name_ar:
        heading += f' <bdi dir="rtl">{html_text(name_ar)}</bdi>'
    heading += "</h3>"
    uncertainty = _present(place.get("uncertainty_m"))
    derived_note = (
        "derived area (from the wording, not a gazetteer entry)"
        if _present(place.get("derived"))
        else None
    )
    metres = html_text(_fmt_metres(float(uncertainty))) if uncertainty is not None else None
    position = _point_position(place.get("geometry"))
    if position is not None and place.get("geometry").geom_type != "Point":
        position = None
    mentions = _present(place.get("mention_count"))
    table = "".join(
        [
            _row("Kind", _joined([_escaped(place, "kind"), derived_note])),
            _row("Precision", _joined([_escaped(place, "precision"), metres])),
            _row(
                "Coordinates",
                _joined(
                    [
                        _escaped(place, "coordinate_basis"),
                        f"{position[0]:.5f}, {position[1]:.5f}" if position else None,
                    ]
                ),
            ),
            _row("Mentions", html_text(mentions) if mentions is not None else None),
            _row("About", _bdi(place["description"]) if _text(place.get("description")) else None),
            _row("Source", _bdi(place["source"]) if _text(place.get("source")) else None),
        ]
    )
    return (
        f'<div class="im-popup">{heading}<table>{table}</table>'
        f'<div class="im-muted">{_escaped(place, "place_id") or ""}</div></div>'
    )


# ------------------------------------------------------------ GeoJSON helpers


def _round_coords(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, _COORD_DECIMALS)
    if isinstance(value, list | tuple):
        return [_round_coords(v) for v in value]
    return value


def _geometry_json(geometry: BaseGeometry) -> dict[str, Any]:
    geo = mapping(geometry)
    if "coordinates" in geo:
        return {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"])}
    return {
        "type": geo["type"],
        "geometries": [_geometry_json(part) for part in geometry.geoms],  # type: ignore[attr-defined]
    }


def _feature(geometry: BaseGeometry, properties: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": _geometry_json(geometry), "properties": dict(properties)}


def _geometry_class(geometry: BaseGeometry) -> str:
    kind = geometry.geom_type.removeprefix("Multi")
    return {"Polygon": "area", "LineString": "line", "LinearRing": "line", "Point": "point"}.get(
        kind, "other"
    )


def _uncertainty_circle(point: BaseGeometry, radius_m: float, crs: str) -> BaseGeometry:
    """A circle of ``radius_m`` metres drawn in the pack's metric CRS ``crs``."""
    return to_wgs84(to_metric(point, crs=crs).buffer(radius_m, quad_segs=16), crs=crs)


# ------------------------------------------------------------ page elements


class _Raw(Element):
    """Fixed text put into the page as is: never parsed as a Jinja template."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Raw"
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _HeaderAssets(MacroElement):
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
            figure.header.add_child(_Raw(text), name=name)


class _Script(MacroElement):
    """JavaScript written at render time (when element names are final), placed in
    the page's script after its parent's, and never parsed as a template."""

    def __init__(self, build: Callable[[], str]):
        super().__init__()
        self._name = "Script"
        self._build = build

    def render(self, **kwargs: Any) -> None:
        self.get_root().script.add_child(_Raw(self._build()), name=self.get_name())


class _StillFitBounds(folium.map.FitBounds):
    """``map.fitBounds`` without the zoom animation: the map opens on its view at once.

    folium's ``fit_bounds`` animates from the map's starting zoom to the fitted one
    (Leaflet animates a ``setView`` on a loaded map), which hides the incident canvas
    for a quarter of a second after the first draw and draws it a second time."""

    def __init__(self, bounds: list[list[float]], **kwargs: Any):
        super().__init__(bounds, **kwargs)
        self.options["animate"] = False


class _OfflineMap(folium.Map):
    """A folium map that links no CDN: Leaflet is inlined by :class:`_HeaderAssets`;
    jQuery, Bootstrap, Font Awesome and awesome-markers are not needed."""

    default_js: ClassVar[list[tuple[str, str]]] = []
    default_css: ClassVar[list[tuple[str, str]]] = []


def _geojson_layer(
    features: list[dict[str, Any]],
    *,
    name: str | None,
    on_each_feature: JsCode,
    marker: folium.CircleMarker | None = None,
    point_to_layer: JsCode | None = None,
    control: bool = True,
    interactive: bool = True,
) -> folium.GeoJson:
    """A ``folium.GeoJson`` layer whose features are added by a raw script.

    folium renders an element's script through Jinja twice (a macro's output
    becomes a new template), so report text inside the layer's own data would be
    read as template syntax (``{{ 7*7 }}`` evaluated, ``{% raw %}`` breaking the
    render). The layer is therefore created empty and filled by
    ``layer.addData(JSON.parse("..."))`` from a :class:`_Script`, which is never
    parsed. Styles come from each feature's ``style`` property; ``point_to_layer``
    (instead of ``marker``) makes the layer of each point.
    """
    options: dict[str, Any] = {"style": _STYLE_FROM_PROPERTIES_JS}
    if not interactive:
        options["interactive"] = False
    if point_to_layer is not None:
        options["pointToLayer"] = point_to_layer
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": []},
        name=name,
        control=control,
        marker=marker,
        on_each_feature=on_each_feature,
        **options,
    )
    if features:
        collection = {"type": "FeatureCollection", "features": features}
        payload = js_json(collection)
        layer.add_child(_Script(lambda: f"{layer.get_name()}.addData({payload});"))
    return layer


# ------------------------------------------------------------ context and places


def _label_point(place: Any) -> list[float]:
    """[lat, lon] to put a place's label at: its curated ``label_point`` when it has
    one, else the middle of a line, or the centroid of an area (a point inside it when
    the centroid falls outside)."""
    geometry = place.geometry
    if place.label_point is not None:
        lon, lat = place.label_point
        return [round(float(lat), _COORD_DECIMALS), round(float(lon), _COORD_DECIMALS)]
    if geometry.geom_type in ("LineString", "MultiLineString", "LinearRing"):
        point = geometry.interpolate(0.5, normalized=True)
    else:
        point = geometry.centroid
        if not geometry.contains(point):
            point = geometry.representative_point()
    return [round(point.y, _COORD_DECIMALS), round(point.x, _COORD_DECIMALS)]


def _context_features(gazetteer: Gazetteer) -> list[dict[str, Any]]:
    kinds = load_styles()["context"]["kinds"]
    drawn = []
    for place in gazetteer.values():
        rule = kinds.get(place.kind)
        if rule is None or place.geometry is None or place.geometry.is_empty:
            continue
        style = rule.get(_geometry_class(place.geometry))
        if style is None:
            continue
        drawn.append((rule["order"], place.id, place, rule, style))
    drawn.sort(key=lambda item: (item[0], item[1]))
    return [
        _feature(
            place.geometry,
            {
                "place_id": place.id,
                "style": style,
                "label": html_text(place.name) if rule.get("label") else None,
                "label_at": _label_point(place) if rule.get("label") else None,
            },
        )
        for _, _, place, rule, style in drawn
    ]


def _context_layer(gazetteer: Gazetteer) -> folium.GeoJson:
    """Rivers, zones, bridges and districts from the gazetteer: always drawn, never clickable."""
    return _geojson_layer(
        _context_features(gazetteer),
        name="Context",
        control=False,
        interactive=False,
        on_each_feature=_CONTEXT_LABEL_JS,
    )


def _places_features(
    places: gpd.GeoDataFrame, crs: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(place features, uncertainty-circle features): areas first, then lines, then points."""
    rules = load_styles()["places"]
    if places is None or places.empty or "geometry" not in places.columns:
        return [], []
    places = _to_wgs84_frame(places)
    rank = {"area": 0, "line": 1, "point": 2}
    drawn, circles = [], []
    for row in places.to_dict("records"):
        geometry = row.get("geometry")
        if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
            continue
        shape = _geometry_class(geometry)
        if shape not in rank:
            continue
        derived = bool(_present(row.get("derived")))
        style = rules["derived" if derived else "polygon"] if shape == "area" else rules[shape]
        place_id = _text(row.get("place_id")) or ""
        name = _text(row.get("name")) or place_id
        properties = {
            "place_id": place_id,
            "style": style,
            "popup": place_popup_html(row),
            "tooltip": _bdi(name),
        }
        drawn.append((rank[shape], place_id, _feature(geometry, properties)))
        uncertainty = _present(row.get("uncertainty_m"))
        if (
            shape == "point"
            and uncertainty is not None
            and rules["min_uncertainty_circle_m"]
            <= float(uncertainty)
            <= rules["max_uncertainty_circle_m"]
        ):
            circle = _uncertainty_circle(geometry, float(uncertainty), crs)
            circles.append(
                (place_id, _feature(circle, {"place_id": place_id, "style": rules["uncertainty"]}))
            )
    drawn.sort(key=lambda item: (item[0], item[1]))
    circles.sort(key=lambda item: item[0])
    return [f for _, _, f in drawn], [f for _, f in circles]


def _places_layer(places: gpd.GeoDataFrame, crs: str) -> folium.FeatureGroup:
    """The "Places" overlay: mentioned places, derived areas and uncertainty circles."""
    features, circles = _places_features(places, crs)
    group = folium.FeatureGroup(name="Places", control=False)
    _geojson_layer(
        circles, name=None, control=False, interactive=False, on_each_feature=_PLACE_BIND_JS
    ).add_to(group)
    point_style = load_styles()["places"]["point"]
    _geojson_layer(
        features,
        name=None,
        control=False,
        marker=folium.CircleMarker(radius=point_style["radius"]),
        on_each_feature=_PLACE_BIND_JS,
    ).add_to(group)
    return group


# --------------------------------------------------------------- the document


@dataclass
class MapDocument:
    """A map being built: the folium map, the page data and what additions hook into.

    Add folium layers to ``map`` before :func:`finish_map`; ``config`` is the
    page configuration (JSON) handed to ``IncidentMap.install``.
    """

    map: folium.Map
    title: str
    incidents: PageColumns
    events: PageColumns
    config: dict[str, Any] = field(default_factory=dict)
    context_layer: folium.GeoJson | None = None
    places_layer: folium.FeatureGroup | None = None
    base_layers: dict[str, folium.map.Layer] = field(default_factory=dict)
    fit_bounds: list[list[float]] | None = None


def _page_styles(styles: dict[str, Any]) -> dict[str, Any]:
    """What the page script needs of ``styles.json``."""
    marker, vague = styles["incident_marker"], styles["vague_place"]["style"]
    events = styles["event_marker"]
    contradicted = dict(events["contradicted_style"])
    contradicted["dash"] = [float(v) for v in str(contradicted.pop("dashArray", "7 5")).split()]
    return {
        "marker": {
            "radius": marker["radius"],
            "colour": marker["color"],
            "weight": marker["weight"],
            "fill_opacity": marker["fillOpacity"],
            "vague_fill_opacity": vague["fillOpacity"],
            "vague_colour": vague["color"],
        },
        "spread": styles["spread"],
        "density": styles["density"],
        "events": {
            "step_px": events["step_px"],
            "style": events["style"],
            "contradicted_style": contradicted,
        },
    }


def _time_config(meta: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    """The slider's modes: by clock time (steps of minutes), by day, and for a long
    collection by calendar month and year; it opens on the finest mode that needs no
    more than ``max_steps`` positions (clock time when the data spans a few days).
    Also the pack's zone: its offset at the start and its changes over the data's span."""
    timezone = str(rules["timezone"])
    span = meta["allRange"]
    zone = zone_offsets(timezone, *span) if span else zone_offsets(timezone, 0, 0)
    offset = int(zone["initial"])  # type: ignore[call-overload]
    max_steps = int(rules["max_steps"])
    clock_range = meta["clockRange"] or meta["allRange"]
    clock = (
        replay_span_minutes(
            *clock_range, step_minutes=int(rules["step_minutes"]), max_steps=max_steps
        )
        if clock_range
        else None
    )
    all_range = meta["allRange"]
    days = day_span(*all_range, timezone=timezone) if all_range else None
    if days is not None and days["steps"] < 2:
        days = None
    months = years = None
    if days is not None and days["steps"] > int(rules.get("month_mode_after_days", 62)):
        months = calendar_span(*all_range, unit="month", timezone=timezone)
        if months["steps"] > int(rules.get("year_mode_after_months", 24)):
            years = calendar_span(*all_range, unit="year", timezone=timezone)
    many_days = days is not None and days["steps"] > int(rules.get("day_mode_after_days", 3))
    if clock is not None and not many_days:
        default = "clock"
    else:
        fitting = [
            name
            for name, span in (("day", days), ("month", months), ("year", years))
            if span is not None and span["steps"] <= max_steps
        ]
        default = fitting[0] if fitting else "year" if years else "month" if months else "day"
        if days is None and months is None:
            default = "clock"
    return {
        "offsetMinutes": offset,
        "zone": zone,
        "zoneLabel": str(rules["zone_label"]),
        "playIntervalMs": int(rules["play_interval_ms"]),
        "clock": clock,
        "days": days,
        "months": months,
        "years": years,
        "defaultMode": default,
    }


def _home_bounds(
    gazetteer: Gazetteer, places: gpd.GeoDataFrame | None, home: dict[str, Any]
) -> list[list[float]] | None:
    """Bounds to open on when no incident is mapped: the pack's home place if known
    (the Green Zone for Baghdad)."""
    candidates = [gazetteer[i] for i in home["place_ids"] if i in gazetteer]
    candidates += [p for p in gazetteer.values() if p.kind == "zone"]
    for place in candidates:
        if place.geometry is not None and not place.geometry.is_empty:
            west, south, east, north = place.geometry.bounds
            return [[south, west], [north, east]]
    if places is not None and not places.empty and "geometry" in places.columns:
        geometries = _to_wgs84_frame(places).geometry.dropna()
        west, south, east, north = (float(v) for v in geometries.total_bounds)
        if all(math.isfinite(v) for v in (west, south, east, north)):
            return [[south, west], [north, east]]
    return None


def build_map(
    incidents: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    events: gpd.GeoDataFrame | None = None,
    gazetteer: Gazetteer | None = None,
    title: str = "incident-mapper",
) -> MapDocument:
    """Build the map without rendering it (see :func:`render_map`).

    Returns a :class:`MapDocument`; further folium layers can be added to its
    ``map`` before :func:`finish_map`.
    """
    check_incident_table(incidents)
    if events is not None:
        check_event_table(events)
    if gazetteer is None:
        gazetteer = load_gazetteer()
    styles = styles_for_pack(load_styles(), gazetteer.pack)
    home = styles["home"]
    fmap = _OfflineMap(
        location=home["centre"],
        zoom_start=home["zoom"],
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
    )
    fmap.options["max_zoom"] = 19
    fmap.options["min_zoom"] = 3
    _HeaderAssets(title).add_to(fmap)

    plain = folium.FeatureGroup(name="Plain background (offline)", overlay=False, control=False)
    plain.add_to(fmap)
    osm = folium.TileLayer(
        tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attr="&copy; OpenStreetMap contributors",
        name="OpenStreetMap (needs internet)",
        overlay=False,
        control=False,
        show=False,
        max_zoom=19,
    )
    osm.add_to(fmap)

    page_incidents = incident_columns(incidents, styles=styles)
    order = page_incidents.order
    ids_sorted = incidents["incident_id"].astype("string").fillna("").to_numpy(dtype=object)[order]
    event_ids = (
        incidents["event_id"].to_numpy(dtype=object)[order]
        if "event_id" in incidents.columns
        else np.full(len(order), None, dtype=object)
    )
    page_events, event_of = event_columns(events, ids_sorted.astype(str), event_ids, styles=styles)
    page_incidents.arrays["event"] = event_of

    doc = MapDocument(map=fmap, title=title, incidents=page_incidents, events=page_events)
    doc.base_layers = {plain.layer_name: plain, osm.layer_name: osm}
    doc.context_layer = _context_layer(gazetteer)
    doc.context_layer.add_to(fmap)
    doc.places_layer = _places_layer(places, gazetteer.pack.metric_crs)
    doc.places_layer.add_to(fmap)

    mapped = (page_incidents.arrays["flags"] & FLAG_UNMAPPED) == 0
    doc.fit_bounds = page_incidents.meta.pop("bounds") or _home_bounds(
        gazetteer, places, styles["home"]
    )
    events_mapped = (
        int(((page_events.arrays["flags"] & FLAG_UNMAPPED) == 0).sum()) if page_events.arrays else 0
    )
    doc.config = {
        "title": title,
        "styles": _page_styles(styles),
        "incidents": page_incidents.meta,
        "incidentArrays": page_incidents.array_meta(),
        "events": page_events.meta,
        "eventArrays": page_events.array_meta(),
        "time": _time_config(page_incidents.meta, styles["time"]),
        "unmapped": int((~mapped).sum()),
        "eventsMapped": events_mapped,
    }
    return doc


def _column_elements(prefix: str, table: PageColumns) -> str:
    """The inert element holding one table's columns (base64 of its typed arrays)."""
    return data_tag(f"im-{prefix}-arrays", table.packed())


def _text_elements(incidents: PageColumns, events: PageColumns) -> str:
    """The inert elements holding the tables' text: one per compressed chunk (an incident
    chunk's searched text just after it), then the ids.

    They follow the start-up script, so the map is drawn while the browser is still
    reading them, and a popup waits only for its own chunks. Both tables are in time
    order, so the event chunks are interleaved with the incident chunks in proportion:
    an incident's event text comes about when its own does.
    """
    parts, k_event = [], 0
    n_inc, n_evt = len(incidents.chunks), len(events.chunks)
    for k, chunk in enumerate(incidents.chunks):
        parts.append(data_tag(f"im-inc-c{k}", chunk))
        if k < len(incidents.search_chunks):
            parts.append(data_tag(f"im-inc-s{k}", incidents.search_chunks[k]))
        while k_event < n_evt and k_event * n_inc <= k * n_evt:
            parts.append(data_tag(f"im-evt-c{k_event}", events.chunks[k_event]))
            k_event += 1
    parts.extend(data_tag(f"im-evt-c{j}", events.chunks[j]) for j in range(k_event, n_evt))
    parts.append(data_tag("im-inc-ids", incidents.ids))
    parts.append(data_tag("im-evt-ids", events.ids))
    return "\n".join(parts)


def _install_js(doc: MapDocument) -> str:
    """The one call that starts the page: names of folium's layers, and the data's place."""
    tiles = ",".join(
        f"{js_literal(name)}:{layer.get_name()}" for name, layer in doc.base_layers.items()
    )
    places = doc.places_layer.get_name() if doc.places_layer is not None else "null"
    return (
        f"IncidentMap.install({{map: {doc.map.get_name()}, places: {places}, tiles: {{{tiles}}},"
        " config: JSON.parse(document.getElementById('im-config').textContent)});"
    )


def _assign_element_ids(root: Element) -> None:
    """Replace folium's random element ids with a counter, so the page is deterministic."""
    counter = itertools.count()

    def visit(element: Element) -> None:
        element._id = f"{next(counter):04d}"
        for child in element._children.values():
            visit(child)
        marker = getattr(element, "marker", None)
        if isinstance(marker, Element):
            visit(marker)

    visit(root)


def finish_map(doc: MapDocument) -> str:
    """Frame the view, put the data and the start-up call in, and render the page."""
    fit = load_styles()["fit"]
    if doc.fit_bounds is not None:
        padding = (fit["padding_px"], fit["padding_px"])
        fitting = _StillFitBounds(doc.fit_bounds, padding=padding, max_zoom=fit["max_zoom"])
        fitting.add_to(doc.map)
        # First of the map's scripts: the view is set before any layer is drawn in it.
        doc.map._children.move_to_end(fitting.get_name(), last=False)
    figure = doc.map.get_root()
    if not isinstance(figure, Figure):  # pragma: no cover - folium always makes one
        msg = "the map is not attached to a page; cannot render it"
        raise OutputError(msg)
    columns = "\n".join(
        [
            json_tag("im-config", doc.config),
            _column_elements("inc", doc.incidents),
            _column_elements("evt", doc.events),
        ]
    )
    figure.html.add_child(_Raw(columns), name="im_data")
    _Script(lambda: _install_js(doc)).add_to(doc.map)
    _assign_element_ids(figure)
    page = figure.render()
    # The text (popups, search, ids) comes after the start-up script: see _text_elements.
    text = _text_elements(doc.incidents, doc.events)
    head, end, tail = page.rpartition("</html>")
    if not end:  # pragma: no cover - folium's page always ends with </html>
        msg = "the rendered map page has no </html>; cannot add its text"
        raise OutputError(msg)
    return f"{head}{text}\n{end}{tail}"


def render_map(
    incidents: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    events: gpd.GeoDataFrame | None = None,
    gazetteer: Gazetteer | None = None,
    title: str = "incident-mapper",
) -> str:
    """The whole map.html document: offline, deterministic, one canvas layer of incidents.

    Parameters
    ----------
    incidents
        The incident table (columns of :data:`incidents.model.INCIDENT_COLUMNS`
        plus ``geometry``, EPSG:4326; ``event_id``, ``status``, ``title``,
        ``weapon``, ``target`` used when present). Rows without geometry are
        counted as "not mapped" and listed in the key, not drawn.
    places
        The places the reports mention and the derived areas (the "Places" overlay).
    events
        The event table (:func:`incidents.events.group_events`): a ring per
        event, and each member incident's popup names it. ``None``: no events.
    gazetteer
        Where the base context (river, Green Zone, bridges, districts) comes from;
        the bundled Baghdad gazetteer when ``None``.
    title
        The page title, also the panel heading.

    Returns
    -------
    str
        The HTML document; the same input always gives the same string.
    """
    return finish_map(build_map(incidents, places, events=events, gazetteer=gazetteer, title=title))
