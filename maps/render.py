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
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
from branca.element import Element, Figure

from gazetteer.model import Gazetteer, load_gazetteer
from gazetteer.pack import Pack
from geo.errors import OutputError
from incidents.model import INCIDENT_COLUMNS
from maps.assets import (
    data_tag,
    js_literal,
    json_tag,
    load_styles,
)
from maps.columns import (
    FLAG_UNMAPPED,
    PageColumns,
    event_columns,
    incident_columns,
    type_style,
)
from maps.page_elements import HeaderAssets, OfflineMap, RawText, RenderedScript, StillFitBounds
from maps.place_layers import context_layer, places_layer, to_wgs84_frame
from maps.timeline import calendar_span, day_span, replay_span_minutes, zone_offsets

#: Event-table columns the events layer cannot do without (the others are optional).
EVENT_REQUIRED_COLUMNS = ("event_id", "incident_ids")


# --------------------------------------------------------------------------- data


def event_style(event_type: str) -> tuple[str, str]:
    """The legend label and colour of an event type (unknown types get a grey)."""
    return type_style(event_type, load_styles())


def styles_for_pack(styles: dict[str, Any], pack: Pack) -> dict[str, Any]:
    """``styles.json`` with what comes from the pack: where the map opens (``home``)
    and the time zone the time control reads and writes times in."""
    out = dict(styles)
    out["home"] = dict(pack.map_home)
    out["time"] = {**styles["time"], "timezone": pack.timezone, "zone_label": pack.name}
    return out


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


# ------------------------------------------------------------ page elements


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
        geometries = to_wgs84_frame(places).geometry.dropna()
        west, south, east, north = (float(v) for v in geometries.total_bounds)
        if all(math.isfinite(v) for v in (west, south, east, north)):
            return [[south, west], [north, east]]
    return None


def map_styles(gazetteer: Gazetteer) -> dict[str, Any]:
    """``styles.json`` with the pack's home and time zone (:func:`styles_for_pack`)."""
    return styles_for_pack(load_styles(), gazetteer.pack)


@dataclass
class PageIncidents:
    """The incidents as the page holds them (:func:`maps.columns.incident_columns`),
    with each one's ``event_id`` in page order: what the map needs of the incident
    table, which can be let go once this is made (see :func:`assemble_map`)."""

    columns: PageColumns
    event_ids: np.ndarray


def page_incidents(incidents: pd.DataFrame, styles: dict[str, Any]) -> PageIncidents:
    """The page's incident columns of ``incidents`` (checked first)."""
    check_incident_table(incidents)
    columns = incident_columns(incidents, styles=styles)
    order = columns.order
    event_ids = (
        incidents["event_id"].to_numpy(dtype=object)[order]
        if "event_id" in incidents.columns
        else np.full(len(order), None, dtype=object)
    )
    return PageIncidents(columns, event_ids)


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
    styles = map_styles(gazetteer)
    return assemble_map(
        page_incidents(incidents, styles),
        places,
        events=events,
        gazetteer=gazetteer,
        styles=styles,
        title=title,
    )


def assemble_map(
    incidents: PageIncidents,
    places: gpd.GeoDataFrame,
    *,
    events: gpd.GeoDataFrame | None,
    gazetteer: Gazetteer,
    styles: dict[str, Any],
    title: str,
) -> MapDocument:
    """:func:`build_map` of incidents already made page columns (:func:`page_incidents`),
    so that a caller holding a million incidents can let their table go before the
    events are read. ``styles``: :func:`map_styles` of ``gazetteer``."""
    if events is not None:
        check_event_table(events)
    home = styles["home"]
    fmap = OfflineMap(
        location=home["centre"],
        zoom_start=home["zoom"],
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
    )
    fmap.options["max_zoom"] = 19
    fmap.options["min_zoom"] = 3
    HeaderAssets(title).add_to(fmap)

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

    page_incidents = incidents.columns
    ids_sorted = page_incidents.row_ids
    if ids_sorted is None:  # pragma: no cover - incident_columns always sets them
        ids_sorted = pa.array([], type=pa.string())
    page_events, event_of = event_columns(events, ids_sorted, incidents.event_ids, styles=styles)
    page_incidents.arrays["event"] = event_of
    page_incidents.row_ids = None  # looked up: not needed any more

    doc = MapDocument(map=fmap, title=title, incidents=page_incidents, events=page_events)
    doc.base_layers = {plain.layer_name: plain, osm.layer_name: osm}
    doc.context_layer = context_layer(gazetteer)
    doc.context_layer.add_to(fmap)
    doc.places_layer = places_layer(places, gazetteer.pack.metric_crs)
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
    return "\n".join(_text_parts(incidents, events))


def _text_parts(incidents: PageColumns, events: PageColumns) -> Iterator[str]:
    """The elements of :func:`_text_elements`, one at a time."""
    k_event = 0
    n_inc, n_evt = len(incidents.chunks), len(events.chunks)
    for k, chunk in enumerate(incidents.chunks):
        yield data_tag(f"im-inc-c{k}", chunk)
        if k < len(incidents.search_chunks):
            yield data_tag(f"im-inc-s{k}", incidents.search_chunks[k])
        while k_event < n_evt and k_event * n_inc <= k * n_evt:
            yield data_tag(f"im-evt-c{k_event}", events.chunks[k_event])
            k_event += 1
    for j in range(k_event, n_evt):
        yield data_tag(f"im-evt-c{j}", events.chunks[j])
    yield data_tag("im-inc-ids", incidents.ids)
    yield data_tag("im-evt-ids", events.ids)


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
    return "".join(map_pieces(doc))


def map_pieces(doc: MapDocument) -> Iterator[str]:
    """The page of :func:`finish_map` in pieces, in order (folium's page, then each
    element of the text), so a large page is written out without being one string."""
    fit = load_styles()["fit"]
    if doc.fit_bounds is not None:
        padding = (fit["padding_px"], fit["padding_px"])
        fitting = StillFitBounds(doc.fit_bounds, padding=padding, max_zoom=fit["max_zoom"])
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
    figure.html.add_child(RawText(columns), name="im_data")
    RenderedScript(lambda: _install_js(doc)).add_to(doc.map)
    _assign_element_ids(figure)
    page = figure.render()
    # The text (popups, search, ids) comes after the start-up script: see _text_elements.
    head, end, tail = page.rpartition("</html>")
    if not end:  # pragma: no cover - folium's page always ends with </html>
        msg = "the rendered map page has no </html>; cannot add its text"
        raise OutputError(msg)
    del page
    yield head
    for index, part in enumerate(_text_parts(doc.incidents, doc.events)):
        yield ("\n" if index else "") + part
    yield f"\n{end}{tail}"


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
