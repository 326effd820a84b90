"""Render the incident table as one self-contained, offline, layered Leaflet page.

What the page draws, bottom to top:

1. **Context**, always shown and not in the layer control: rivers, zones, bridges
   and district outlines from the gazetteer, with a few labels, so the map reads
   on a plain background with no tiles (tiles never load offline).
2. **Places** (one overlay): the places the reports mention and the derived areas
   ("south of the Green Zone"), with an uncertainty circle around point places.
3. **One overlay per source**, grouped under *News outlets* and *Social media*:
   one ``folium.GeoJson`` of canvas circle markers each, coloured by event type
   (colours and labels in ``maps/data/styles.json``).
4. **Events** (one overlay, its own group), when an event table is given: a ring
   per event (:func:`incidents.events.group_events`) over its incidents, sized by
   its independent sources, dashed red when its casualty claims contradict. Only
   the ring is clickable, so the incidents inside it stay clickable; its popup is
   the event's *sources panel*: every member's source, type, time and quoted
   sentence, and every casualty claim side by side. Each incident's popup names
   its event and opens that panel.

A **time control** (:mod:`maps.timeline`) replays incidents and events over
local time by filtering markers inside their layers, so it works together with
the layer control.

Incidents at the same position are **fanned out** on screen on a small
sunflower spiral (the k-th by incident id is drawn ``step_px * sqrt(k)`` pixels
from the true point, recomputed at every zoom) rather than clustered: every
incident stays visible and clickable at any zoom without expanding a cluster,
the layout is deterministic, and no plugin is needed. The GeoJSON keeps the
true position, and so do the popups. (A fan in metres would overlap at the
zoom the map opens on, and a cluster hides what it holds.)

Report text is untrusted. Popups, tooltips and layer names are built here with
:func:`maps.assets.html_text` on every value, and all data reaches the page
through :func:`maps.assets.js_literal`, never through a Jinja template.

Extending the map: :func:`build_map` returns a
:class:`MapDocument`; add a layer to ``doc.map``, register it with
:meth:`MapDocument.add_overlay`, add legend HTML to ``doc.panel_sections`` and
call :func:`finish_map`, which adds the legend, the layer control (last) and
renders the page deterministically.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, ClassVar

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.utilities import JsCode
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

from gazetteer.model import Gazetteer, load_gazetteer
from geo.crs import to_metric, to_wgs84
from geo.errors import OutputError
from incidents.model import INCIDENT_COLUMNS
from maps.assets import (
    html_text,
    js_json,
    js_literal,
    leaflet_css,
    leaflet_js,
    safe_href,
    script_tag,
    style_tag,
)
from maps.timeline import (
    CLOCK_PRECISIONS,
    TIME_CONTROL_CSS,
    TIME_CONTROL_JS,
    ReplaySpan,
    Window,
    replay_span,
    time_config,
    time_window,
)

#: Layer-control groups, in the order they are listed, with their headings.
GROUP_TITLES = {
    "places": "Gazetteer",
    "news": "News outlets",
    "social": "Social media",
    "events": "Events",
}
#: Event-table columns the events layer cannot do without (the others are optional).
EVENT_REQUIRED_COLUMNS = ("event_id", "incident_ids")
_COORD_DECIMALS = 7
_EVIDENCE_PREVIEW_CHARS = 160
_SOURCE_TYPE_TEXT = {
    "news": "news outlet",
    "social": "social-media post",
}

_STYLE_FROM_PROPERTIES_JS = JsCode("function (feature) { return feature.properties.style; }")
_INCIDENT_BIND_JS = JsCode(
    "function (feature, layer) {"
    " var p = feature.properties;"
    " layer.bindPopup(p.popup,"
    " {maxWidth: 380, minWidth: 240, maxHeight: 440, autoPanPadding: [24, 24]});"
    " layer.bindTooltip(p.tooltip, {direction: 'top', offset: [0, -8]});"
    " }"
)
#: Popup options of an event, also used when its popup is opened from an incident's.
_EVENT_POPUP_OPTIONS = "{maxWidth: 460, minWidth: 300, maxHeight: 440, autoPanPadding: [24, 24]}"
_EVENT_BIND_JS = JsCode(
    "function (feature, layer) {"
    " var p = feature.properties;"
    f" layer.bindPopup(p.popup, {_EVENT_POPUP_OPTIONS});"
    " layer.bindTooltip(p.tooltip, {direction: 'top', sticky: true});"
    " }"
)
_EVENT_POINT_JS = JsCode(
    "function (feature, latlng) { return new L.IncidentMapRing(latlng, feature.properties.style); }"
)
_PLACE_BIND_JS = JsCode(
    "function (feature, layer) {"
    " var p = feature.properties;"
    " if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 340}); }"
    " if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true}); }"
    " }"
)
_CONTEXT_LABEL_JS = JsCode(
    "function (feature, layer) {"
    " var p = feature.properties;"
    " if (p.label) {"
    " layer.bindTooltip(p.label,"
    " {permanent: true, direction: 'center', className: 'im-label', interactive: false});"
    " }"
    " }"
)

# Leaflet's layer control rebuilds its list on every change; after each rebuild,
# put a heading above the first overlay of each group (read from the name's
# data attributes, which this module writes).
_GROUP_HEADINGS_JS = """
(function () {
  var rebuild = L.Control.Layers.prototype._update;
  L.Control.Layers.include({
    _update: function () {
      rebuild.call(this);
      var list = this._overlaysList;
      if (!list) { return this; }
      var seen = Object.create(null);
      var names = list.querySelectorAll('[data-im-group]');
      for (var i = 0; i < names.length; i++) {
        var group = names[i].getAttribute('data-im-group');
        var label = names[i].closest('label');
        if (seen[group] || !label) { continue; }
        seen[group] = true;
        var heading = document.createElement('div');
        heading.className = 'im-layer-group';
        heading.textContent = names[i].getAttribute('data-im-title');
        list.insertBefore(heading, label);
      }
      return this;
    }
  });
})();

// An event's ring, drawn over the incidents. Only the ring itself takes clicks,
// and not where an incident marker lies under it (the map's imIncidentAt says),
// so every incident stays clickable; the canvas gives a click to the topmost hit.
L.IncidentMapRing = L.CircleMarker.extend({
  _containsPoint: function (p) {
    var distance = p.distanceTo(this._point);
    if (Math.abs(distance - this._radius) > this._clickTolerance() + 3) { return false; }
    var incidentAt = this._map && this._map.imIncidentAt;
    return !(incidentAt && incidentAt(p));
  }
});
"""

_PAGE_CSS = """
html, body { background: %(background)s; }
.leaflet-container { background: %(background)s;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic",
  sans-serif; }
.im-panel { background: rgba(255, 255, 255, 0.95); padding: 8px 10px; border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, 0.35); max-width: 270px; max-height: 55vh; overflow-y: auto; }
.im-panel h2 { display: inline; font-size: 14px; margin: 0; }
.im-legend > summary { cursor: pointer; margin-bottom: 4px; }
.im-panel ul { list-style: none; margin: 4px 0; padding: 0; }
.im-panel ol { margin: 4px 0; padding-left: 18px; font-size: 11px; }
.im-panel li { margin: 1px 0; }
.im-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%%;
  margin-right: 6px; vertical-align: -1px; box-shadow: 0 0 0 1px rgba(0, 0, 0, 0.35); }
.im-count { color: #666; font-size: 11px; margin-left: 3px; }
.im-note { color: #555; font-size: 11px; margin-top: 6px; }
.im-unmapped { margin-top: 6px; }
.im-unmapped summary { cursor: pointer; font-weight: 600; }
.leaflet-control-layers-expanded { max-width: 280px; }
.leaflet-control-layers label { overflow-wrap: anywhere; }
.im-layer-group { font-weight: 700; margin: 6px 0 2px; color: #444; font-size: 10px;
  text-transform: uppercase; letter-spacing: 0.05em; }
.leaflet-tooltip.im-label { background: transparent; border: 0; box-shadow: none; padding: 0;
  color: #5b574c; font-size: 11px; font-style: italic; font-weight: 600;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
.leaflet-tooltip.im-label::before { display: none; }
.im-popup h3 { font-size: 14px; margin: 0 0 4px; padding-left: 6px; border-left: 6px solid #999; }
.im-popup table { border-collapse: collapse; font-size: 12px; }
.im-popup th { text-align: left; vertical-align: top; padding: 1px 8px 1px 0; color: #555;
  font-weight: 600; white-space: nowrap; }
.im-popup td { vertical-align: top; padding: 1px 0; overflow-wrap: anywhere; }
.im-popup blockquote { margin: 6px 0; padding: 4px 8px; border-left: 3px solid #bbb;
  background: #f6f6f4; unicode-bidi: plaintext; }
.im-popup .im-muted { color: #777; font-size: 11px; }
.im-popup h4 { font-size: 12px; margin: 8px 0 3px; text-transform: uppercase; color: #444;
  letter-spacing: 0.04em; }
.im-popup .im-contradict { color: #b00000; font-weight: 700; margin: 3px 0; }
.im-popup table.im-claims { width: 100%%; margin-top: 2px; }
.im-popup table.im-claims th, .im-popup table.im-claims td { padding: 2px 6px 2px 0;
  border-bottom: 1px solid #e4e2da; }
.im-popup table.im-claims td.im-num { text-align: right; font-variant-numeric: tabular-nums; }
.im-popup table.im-claims tr.im-wording td { color: #555; font-size: 11px; border-bottom: 1px
  solid #cfcdc4; }
.im-popup ol.im-accounts { margin: 2px 0; padding-left: 18px; }
.im-popup ol.im-accounts > li { margin: 4px 0 8px; }
.im-popup ul.im-sentences { list-style: none; margin: 2px 0; padding: 0; }
.im-popup ul.im-sentences blockquote { margin: 2px 0 4px; }
.im-popup button.im-event-link { font: inherit; font-size: 11px; padding: 0 6px; margin-left: 4px;
  cursor: pointer; border: 1px solid #999; border-radius: 3px; background: #fff; }
.im-ring { display: inline-block; width: 12px; height: 12px; border-radius: 50%%;
  box-sizing: border-box; margin-right: 6px; vertical-align: -2px; }
.im-events-legend { margin-top: 6px; }
.im-legend-panel { max-width: 330px; }
.im-panel ul.im-types { columns: 2; column-gap: 12px; font-size: 12px; }
.im-panel ul.im-types li { break-inside: avoid; }
.im-popup table.im-claims td:nth-child(4) { white-space: nowrap; }
.im-events-legend b { font-size: 13px; }
"""


# --------------------------------------------------------------------------- data


@cache
def load_styles() -> dict[str, Any]:
    """The drawing rules from ``maps/data/styles.json`` (colours, sizes, spread)."""
    text = resources.files("maps").joinpath("data", "styles.json").read_text(encoding="utf-8")
    return json.loads(text)


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


def incident_records(incidents: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The incident table as plain dicts (missing values ``None``) with a ``position``
    key: (lat, lon) of the geometry, or ``None`` for incidents that cannot be mapped.

    An ``event_id`` column, when the table has one, is kept too."""
    missing = [name for name in INCIDENT_COLUMNS if name not in incidents.columns]
    if missing:
        msg = f"the incident table lacks the columns {', '.join(missing)}; cannot draw the map"
        raise OutputError(msg)
    incidents = _to_wgs84_frame(incidents)
    geometries = (
        list(incidents.geometry) if "geometry" in incidents.columns else [None] * len(incidents)
    )
    columns = list(INCIDENT_COLUMNS)
    if "event_id" in incidents.columns:
        columns.append("event_id")
    rows = incidents[columns].to_dict("records")
    records = []
    for row, geometry in zip(rows, geometries, strict=True):
        record = {name: _present(value) for name, value in row.items()}
        actors = record.get("actors")
        actors = [actors] if isinstance(actors, str) else (actors or [])
        record["actors"] = [str(a) for a in actors if _text(a)]
        record["position"] = _point_position(geometry)
        records.append(record)
    return records


# ------------------------------------------------------------------ spreading


def fan_ranks(
    positions: Sequence[tuple[float, float] | None],
    keys: Sequence[str],
) -> list[tuple[int, int] | None]:
    """Rank markers that share a position, so the page can fan them out.

    Points with the same (lat, lon) form a group, ordered by ``keys`` (then by
    input order) so the layout does not depend on row order. The page draws the
    k-th of a group ``step_px * sqrt(k)`` screen pixels from the true point at
    an angle of k golden angles (a sunflower spiral): rank 0 stays on the point,
    and any two markers keep at least ``step_px`` apart at every zoom.

    Parameters
    ----------
    positions
        (lat, lon) per marker; ``None`` for unmapped ones.
    keys
        A stable sort key per marker (the incident id).

    Returns
    -------
    list
        (rank, group size) per marker, ``None`` where the position is ``None``.
    """
    groups: dict[tuple[float, float], list[int]] = {}
    for index, position in enumerate(positions):
        if position is not None:
            groups.setdefault(position, []).append(index)
    ranks: list[tuple[int, int] | None] = [None] * len(positions)
    for members in groups.values():
        members.sort(key=lambda i: (keys[i], i))
        for rank, index in enumerate(members):
            ranks[index] = (rank, len(members))
    return ranks


# ------------------------------------------------------------- popup HTML


def _fmt_metres(value: float | None) -> str | None:
    if value is None:
        return None
    if value >= 1000:
        return f"±{value / 1000:.1f} km"
    return f"±{round(value)} m"


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _utc_offset(moment: dt.datetime) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f" (UTC{sign}{hours:02d}:{minutes:02d})"


def format_when(
    date: str | None, time_start: str | None, time_end: str | None, precision: str | None
) -> str:
    """Local time of an incident for people: ``2021-11-05 16:00–18:00 (UTC+03:00)``.

    Clock times are shown only when the precision is an hour or a part of the day;
    the string is plain text (escape it before putting it in HTML).
    """
    start, end = _parse_time(time_start), _parse_time(time_end)
    if start is not None and precision in ("hour", "part_of_day"):
        text = start.strftime("%Y-%m-%d %H:%M")
        if end is not None and end != start:
            same_day = end.date() == start.date()
            text += "–" + end.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")
        return text + _utc_offset(start)
    if precision == "month":
        if date:
            return date[:7]
        return start.strftime("%Y-%m") if start is not None else "date unknown"
    if date:
        return date
    if start is not None:
        return start.strftime("%Y-%m-%d")
    return "date unknown"


def _row(label: str, value_html: str | None) -> str:
    if not value_html:
        return ""
    return f"<tr><th>{html_text(label)}</th><td>{value_html}</td></tr>"


def _joined(parts: Iterable[str | None], sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)


def _bdi(value: Any) -> str:
    """Escaped text isolated for direction, so Arabic names do not reorder the line."""
    return f"<bdi>{html_text(value)}</bdi>"


def _link_or_text(url: str | None, text: str) -> str:
    """An escaped link when ``url`` is http(s); otherwise escaped text, url shown apart."""
    href = safe_href(url)
    if href is not None:
        return (
            f'<a href="{html_text(href)}" target="_blank" rel="noopener noreferrer">'
            f"{html_text(text)}</a>"
        )
    if url:
        return f'{html_text(text)} <span class="im-muted">(not a web link: {_bdi(url)})</span>'
    return html_text(text)


def _report_name(report: str | None) -> str:
    if not report:
        return "report"
    return report.replace("\\", "/").rsplit("/", 1)[-1] or report


def incident_popup_html(
    record: Mapping[str, Any],
    *,
    sharing: int = 1,
    event: Mapping[str, Any] | None = None,
) -> str:
    """The popup of one incident: everything an analyst needs to check it.

    Every value from the report is escaped; the report URL becomes a link only
    when it is an absolute http(s) address.

    Parameters
    ----------
    record
        One incident (keys of :data:`incidents.model.INCIDENT_COLUMNS`, plus
        ``position``, its true (lat, lon)).
    sharing
        How many incidents share this exact position (their markers are fanned out).
    event
        The event the incident belongs to (a record of :func:`event_records`): its
        summary is shown, with a button opening the event's popup when it is drawn.
        Without it, the record's ``event_id`` (if any) is shown.
    """
    event_type = _text(record.get("event_type")) or "unknown"
    label, colour = event_style(event_type)
    acled = _joined(
        [_text(record.get("sub_event_type")), _text(record.get("acled_event_type"))], " / "
    )
    heading = (
        f'<h3 style="border-left-color: {html_text(colour)}">{html_text(label)}'
        + (f' <span class="im-muted">(ACLED: {html_text(acled)})</span>' if acled else "")
        + "</h3>"
    )
    precision = _text(record.get("time_precision")) or "unknown"
    when = (
        html_text(
            format_when(
                _text(record.get("date")),
                _text(record.get("time_start")),
                _text(record.get("time_end")),
                precision,
            )
        )
        + f' <span class="im-muted">(precision: {html_text(precision.replace("_", " "))})</span>'
    )

    place_name = _text(record.get("place_name"))
    place_id = _text(record.get("place_id"))
    uncertainty = _present(record.get("uncertainty_m"))
    place_bits = [
        _bdi(place_name) if place_name else "place unknown",
        f'<span class="im-muted">{html_text(place_id)}</span>' if place_id else None,
    ]
    how_bits = [
        f"precision: {html_text(record['geo_precision'])}"
        if _text(record.get("geo_precision"))
        else None,
        html_text(_fmt_metres(float(uncertainty))) if uncertainty is not None else None,
        f"resolved by: {html_text(record['resolved_by'])}"
        if _text(record.get("resolved_by"))
        else None,
        f"from the {html_text(record['place_basis']).replace('_', ' ')}"
        if _text(record.get("place_basis"))
        else None,
    ]
    position = record.get("position")
    where_bits = []
    if position is not None:
        where_bits.append(f"{position[0]:.5f}, {position[1]:.5f}")
        if sharing > 1:
            where_bits.append(
                f"true position, shared by {sharing} incidents: "
                "their markers are fanned out around it"
            )
    where = (
        _joined(place_bits, " ")
        + (f"<br>{_joined(how_bits)}" if any(how_bits) else "")
        + (
            f'<br><span class="im-muted">{html_text(_joined(where_bits))}</span>'
            if where_bits
            else ""
        )
    )

    source = _text(record.get("source")) or "unknown source"
    source_type = _text(record.get("source_type"))
    source_kind = _SOURCE_TYPE_TEXT.get(source_type, source_type) if source_type else None
    via = _text(record.get("via"))
    source_html = _joined(
        [
            f"<b>{_bdi(source)}</b>",
            f"via {_bdi(via)}" if via else None,
            f'<span class="im-muted">{html_text(source_kind)}</span>' if source_kind else None,
        ],
        " ",
    )
    actors = record.get("actors") or []
    actors_html = ", ".join(_bdi(a) for a in actors) or None

    killed, injured = _present(record.get("killed")), _present(record.get("injured"))
    figures = _joined(
        [
            f"killed: {html_text(killed)}" if killed is not None else None,
            f"injured: {html_text(injured)}" if injured is not None else None,
        ]
    )
    claim_bits = [
        figures or None,
        f"“{_bdi(record['casualty_text'])}”" if _text(record.get("casualty_text")) else None,
        f"claimed by {_bdi(record['claimed_by'])}" if _text(record.get("claimed_by")) else None,
        f"status: <b>{html_text(record['claim_status'])}</b>"
        if _text(record.get("claim_status"))
        else None,
    ]
    casualties = _joined(claim_bits) or None

    report = _text(record.get("report"))
    report_html = _link_or_text(_text(record.get("url")), _report_name(report))

    evidence = _text(record.get("evidence"))
    evidence_html = (
        f'<blockquote dir="auto" style="border-left-color: {html_text(colour)}">'
        f"{html_text(evidence)}</blockquote>"
        if evidence
        else ""
    )
    table = "".join(
        [
            _row("When", when),
            _row("Where", where),
            _row("Source", source_html),
            _row("Actors", actors_html),
            _row("Casualties", casualties),
            _row("Report", report_html),
            _row("Event", _event_reference_html(record, event)),
        ]
    )
    incident_id = _text(record.get("incident_id")) or ""
    return (
        f'<div class="im-popup">{heading}<table>{table}</table>{evidence_html}'
        f'<div class="im-muted">{html_text(incident_id)}</div></div>'
    )


def _event_reference_html(record: Mapping[str, Any], event: Mapping[str, Any] | None) -> str | None:
    """The "Event" line of an incident's popup: which event it is part of."""
    if event is None:
        event_id = _text(record.get("event_id"))
        return f'<span class="im-muted">{html_text(event_id)}</span>' if event_id else None
    summary = _text(event.get("summary")) or _text(event.get("event_id")) or "event"
    n_incidents = len(event.get("incident_ids") or [])
    button = ""
    if event.get("position") is not None:
        accounts = "every account" if n_incidents != 1 else "its account"
        button = (
            f' <button type="button" class="im-event-link" '
            f'data-im-event="{html_text(event.get("event_id") or "")}">'
            f"{html_text(accounts)} ({n_incidents})</button>"
        )
    return f"{_bdi(summary)}{button}"


def _incident_tooltip(record: Mapping[str, Any]) -> str:
    label, _ = event_style(_text(record.get("event_type")) or "unknown")
    return f"{html_text(label)} · {_bdi(_text(record.get('source')) or 'unknown source')}"


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


def _uncertainty_circle(point: BaseGeometry, radius_m: float) -> BaseGeometry:
    return to_wgs84(to_metric(point).buffer(radius_m, quad_segs=16))


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
            "im_css": style_tag(_PAGE_CSS % {"background": background}),
            "im_js": script_tag(_GROUP_HEADINGS_JS),
            "im_time_css": style_tag(TIME_CONTROL_CSS),
            "im_time_js": script_tag(TIME_CONTROL_JS),
        }
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


# --------------------------------------------------------------- the document


@dataclass
class Overlay:
    """One entry of the layer control."""

    name_html: str
    group: str
    layer: folium.map.Layer
    source: str | None = None
    marker_count: int = 0


@dataclass
class MapDocument:
    """A map being built: the folium map and what later additions hook into."""

    map: folium.Map
    title: str
    overlays: list[Overlay] = field(default_factory=list)
    context_layer: folium.GeoJson | None = None
    places_layer: folium.FeatureGroup | None = None
    fit_points: list[tuple[float, float]] = field(default_factory=list)
    home_bounds: list[list[float]] | None = None
    panel_sections: list[str] = field(default_factory=list)
    events_overlay: Overlay | None = None
    time_span: ReplaySpan | None = None
    """What the time control replays; ``None``: no incident has a time (no control)."""

    def add_overlay(self, overlay: Overlay) -> None:
        """Put a layer on the map and list it in the layer control under its group."""
        overlay.layer.add_to(self.map)
        self.overlays.append(overlay)


def _overlay_name(text: str, group: str, count: int | None = None) -> str:
    counter = f' <span class="im-count">{count}</span>' if count is not None else ""
    return (
        f'<span class="im-layer" data-im-group="{html_text(group)}" '
        f'data-im-title="{html_text(GROUP_TITLES.get(group, group))}">{html_text(text)}</span>'
        + counter
    )


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


def _places_features(places: gpd.GeoDataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
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
            circle = _uncertainty_circle(geometry, float(uncertainty))
            circles.append(
                (place_id, _feature(circle, {"place_id": place_id, "style": rules["uncertainty"]}))
            )
    drawn.sort(key=lambda item: (item[0], item[1]))
    circles.sort(key=lambda item: item[0])
    return [f for _, _, f in drawn], [f for _, f in circles]


def _places_layer(places: gpd.GeoDataFrame, *, name_html: str) -> folium.FeatureGroup:
    """The "Places" overlay: mentioned places, derived areas and uncertainty circles."""
    features, circles = _places_features(places)
    group = folium.FeatureGroup(name=name_html)
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


def _incident_style(event_type: str, geo_precision: str | None) -> dict[str, Any]:
    styles = load_styles()
    _, colour = event_style(event_type)
    style = dict(styles["incident_marker"], fillColor=colour)
    if geo_precision in styles["vague_place"]["geo_precisions"]:
        style.update(styles["vague_place"]["style"])
    return style


def _source_groups(records: list[dict[str, Any]]) -> list[tuple[str, str, list[int]]]:
    """(source, group, record indexes) per source: news outlets, then social accounts,
    each alphabetical (case-insensitive)."""
    members: dict[str, list[int]] = {}
    kinds: dict[str, Counter[str]] = {}
    for index, record in enumerate(records):
        source = _text(record.get("source")) or "unknown source"
        members.setdefault(source, []).append(index)
        kinds.setdefault(source, Counter())[_text(record.get("source_type")) or "news"] += 1
    groups = []
    for source, indexes in members.items():
        group = "social" if kinds[source]["social"] > kinds[source]["news"] else "news"
        groups.append((source, group, indexes))
    order = {"news": 0, "social": 1}
    groups.sort(key=lambda item: (order[item[1]], item[0].casefold(), item[0]))
    return groups


def _record_window(record: Mapping[str, Any]) -> Window | None:
    """When an incident or event is shown by the time control (see :mod:`maps.timeline`)."""
    rules = load_styles()["time"]
    return time_window(
        _text(record.get("date")),
        _text(record.get("time_start")),
        _text(record.get("time_end")),
        _text(record.get("time_precision")),
        utc_offset_minutes=int(rules["utc_offset_minutes"]),
        open_window_minutes=int(rules["open_window_minutes"]),
    )


def _source_layers(
    records: list[dict[str, Any]],
    events_by_incident: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[list[Overlay], list[tuple[float, float]]]:
    """One overlay per source with its incidents' markers; also the drawn positions.

    Each marker carries its time window (``t0``/``t1``) for the time control and,
    with ``events_by_incident``, its event's id and summary in the popup."""
    events_by_incident = events_by_incident or {}
    ranks = fan_ranks(
        [r["position"] for r in records], [_text(r.get("incident_id")) or "" for r in records]
    )
    marker = load_styles()["incident_marker"]
    overlays = []
    for source, group, indexes in _source_groups(records):
        features = []
        for index in indexes:
            record, fan = records[index], ranks[index]
            if fan is None:
                continue
            event_type = _text(record.get("event_type")) or "unknown"
            incident_id = _text(record.get("incident_id"))
            event = events_by_incident.get(incident_id or "")
            window = _record_window(record)
            properties = {
                "incident_id": incident_id,
                "event_id": event["event_id"] if event else _text(record.get("event_id")),
                "event_type": event_type,
                "source": source,
                "source_type": group,
                "date": _text(record.get("date")),
                "time_start": _text(record.get("time_start")),
                "time_end": _text(record.get("time_end")),
                "time_precision": _text(record.get("time_precision")),
                "place_id": _text(record.get("place_id")),
                "lat": record["position"][0],
                "lon": record["position"][1],
                "style": _incident_style(event_type, _text(record.get("geo_precision"))),
                "fan": fan[0],
                "t0": window[0] if window else None,
                "t1": window[1] if window else None,
                "popup": incident_popup_html(record, sharing=fan[1], event=event),
                "tooltip": _incident_tooltip(record),
            }
            lat, lon = record["position"]
            features.append(_feature(Point(lon, lat), properties))
        layer = _geojson_layer(
            features,
            name=_overlay_name(source, group, len(features)),
            marker=folium.CircleMarker(radius=marker["radius"]),
            on_each_feature=_INCIDENT_BIND_JS,
        )
        overlays.append(
            Overlay(
                name_html=layer.layer_name,
                group=group,
                layer=layer,
                source=source,
                marker_count=len(features),
            )
        )
    mapped = [r["position"] for r in records if r["position"] is not None]
    return overlays, mapped


# ------------------------------------------------------------------ events


def _as_list(value: Any) -> list[Any]:
    """A list-valued cell as a list (a JSON string, as read back from a file, is parsed)."""
    value = _present(value)
    if value is None:
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return parsed if isinstance(parsed, list) else [parsed]
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


def _event_position(geometry: Any, lat: Any, lon: Any) -> tuple[float, float] | None:
    """Where to draw an event: its point geometry, else its lat/lon columns."""
    position = _point_position(geometry)
    if position is None and _present(lat) is not None and _present(lon) is not None:
        try:
            position = _point_position(Point(float(lon), float(lat)))
        except (TypeError, ValueError):
            return None
    return position


def event_records(events: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The event table (:func:`incidents.events.group_events`) as plain dicts.

    Missing values become ``None``; ``incident_ids``, ``sources`` and
    ``event_types`` are lists of strings, ``claims`` a list of dicts,
    ``contradicted`` a bool, and ``position`` the (lat, lon) to draw the event at,
    or ``None`` when it has no place. Only :data:`EVENT_REQUIRED_COLUMNS` are
    required.

    Raises
    ------
    OutputError
        When a required column is missing.
    """
    missing = [name for name in EVENT_REQUIRED_COLUMNS if name not in events.columns]
    if missing:
        msg = f"the event table lacks the columns {', '.join(missing)}; cannot draw the events"
        raise OutputError(msg)
    if isinstance(events, gpd.GeoDataFrame) and "geometry" in events.columns:
        events = _to_wgs84_frame(events)
        geometries = list(events.geometry)
    else:
        geometries = [None] * len(events)
    columns = [c for c in events.columns if c != "geometry"]
    records = []
    for row, geometry in zip(events[columns].to_dict("records"), geometries, strict=True):
        record = {name: _present(value) for name, value in row.items()}
        for name in ("incident_ids", "sources", "event_types"):
            record[name] = [str(v) for v in _as_list(row.get(name)) if _text(v)]
        record["claims"] = [dict(c) for c in _as_list(row.get("claims")) if isinstance(c, Mapping)]
        record["contradicted"] = bool(record.get("contradicted"))
        record["event_id"] = _text(record.get("event_id")) or ""
        record["position"] = _event_position(geometry, row.get("lat"), row.get("lon"))
        records.append(record)
    return records


def _count(value: Any) -> int | None:
    value = _present(value)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _event_marker_style(n_independent: int | None, contradicted: bool) -> dict[str, Any]:
    """Ring style of an event: bigger with more independent sources, dashed red when
    its casualty claims contradict."""
    rules = load_styles()["event_marker"]
    style = dict(rules["contradicted_style" if contradicted else "style"])
    extra = max(0, (n_independent or 1) - 1)
    style["radius"] = min(
        rules["max_radius_px"], rules["radius_px"] + rules["per_source_px"] * extra
    )
    return style


def _figure_html(value: Any) -> str:
    number = _count(value)
    return html_text(number) if number is not None else "–"


def _claims_html(event: Mapping[str, Any]) -> str:
    """Every casualty claim of an event side by side, with claimant and status."""
    claims = event.get("claims") or []
    if not claims:
        return ""
    rows = []
    for claim in claims:
        source = _text(claim.get("source")) or "unknown source"
        claimant = _text(claim.get("claimed_by"))
        claimant_html = (
            _bdi(claimant)
            if claimant
            else f'{_bdi(source)} <span class="im-muted">(own figure)</span>'
        )
        status = _text(claim.get("claim_status"))
        rows.append(
            f"<tr><td>{claimant_html}</td>"
            f'<td class="im-num">{_figure_html(claim.get("killed"))}</td>'
            f'<td class="im-num">{_figure_html(claim.get("injured"))}</td>'
            f"<td>{html_text(status) if status else '–'}</td>"
            f"<td>{_bdi(source)}</td></tr>"
        )
        wording = _text(claim.get("casualty_text"))
        if wording:
            rows.append(f'<tr class="im-wording"><td colspan="5">“{_bdi(wording)}”</td></tr>')
    contradiction = (
        '<div class="im-contradict">⚠ These casualty claims contradict each other '
        "(shown side by side, never averaged).</div>"
        if event.get("contradicted")
        else ""
    )
    return (
        f"<h4>Casualty claims ({len(claims)})</h4>{contradiction}"
        '<table class="im-claims"><tr><th>Claimant</th><th>Killed</th><th>Injured</th>'
        f"<th>Status</th><th>Reported by</th></tr>{''.join(rows)}</table>"
    )


def _sentence_html(member: Mapping[str, Any], event_place: str | None) -> str:
    """One member incident inside an event's popup: type, time, place (when it is not
    the event's), report and quoted sentence. Kept lean: every event repeats its
    members' sentences."""
    event_type = _text(member.get("event_type")) or "unknown"
    label, colour = event_style(event_type)
    when = format_when(
        _text(member.get("date")),
        _text(member.get("time_start")),
        _text(member.get("time_end")),
        _text(member.get("time_precision")),
    )
    place = _text(member.get("place_name"))
    report_html = _link_or_text(_text(member.get("url")), _report_name(_text(member.get("report"))))
    line = _joined(
        [
            f'<span class="im-swatch" style="background: {html_text(colour)}"></span>'
            f"<b>{html_text(label)}</b>",
            html_text(when),
            _bdi(place) if place and place != event_place else None,
            f'<span class="im-muted">{report_html}</span>',
        ]
    )
    evidence = _text(member.get("evidence"))
    quote = f'<blockquote dir="auto">{html_text(evidence)}</blockquote>' if evidence else ""
    return f"<li>{line}{quote}</li>"


def _accounts_html(event: Mapping[str, Any], members: Sequence[Mapping[str, Any]]) -> str:
    """Each source's account of an event: its sentences, grouped by source."""
    by_source: dict[str, list[Mapping[str, Any]]] = {}
    for source in event.get("sources") or []:
        by_source.setdefault(source, [])
    for member in members:
        by_source.setdefault(_text(member.get("source")) or "unknown source", []).append(member)
    place = _text(event.get("place_name"))
    items = []
    for source, sentences in by_source.items():
        if not sentences:
            continue
        vias = list(dict.fromkeys(v for m in sentences if (v := _text(m.get("via")))))
        kinds = {_text(m.get("source_type")) for m in sentences} - {None}
        kind = _SOURCE_TYPE_TEXT.get(kinds.pop()) if len(kinds) == 1 else None
        count = f"{len(sentences)} sentence{'s' if len(sentences) != 1 else ''}"
        heading = _joined(
            [
                f"<b>{_bdi(source)}</b>",
                ("via " + ", ".join(_bdi(v) for v in vias)) if vias else None,
                f'<span class="im-muted">{html_text(_joined([kind, count]))}</span>',
            ],
            " ",
        )
        sentences_html = "".join(_sentence_html(m, place) for m in sentences)
        items.append(f'<li>{heading}<ul class="im-sentences">{sentences_html}</ul></li>')
    missing = len(event.get("incident_ids") or []) - len(members)
    note = (
        f'<div class="im-muted">{missing} member incident(s) not in the incident table</div>'
        if missing > 0
        else ""
    )
    return (
        f"<h4>Accounts ({len(members)} from {len(items)} source{'s' if len(items) != 1 else ''})"
        f'</h4><ol class="im-accounts">{"".join(items)}</ol>{note}'
    )


def event_popup_html(event: Mapping[str, Any], members: Sequence[Mapping[str, Any]]) -> str:
    """The popup of one event: the sources panel an analyst checks it with.

    Parameters
    ----------
    event
        One record of :func:`event_records`.
    members
        The records (:func:`incident_records`) of its incidents, in the event's order.

    Returns
    -------
    str
        HTML with every value escaped: the event's time and place, its sources
        (independent ones counted), every casualty claim side by side with its
        claimant and status (and a warning when they contradict), and each
        source's account: every member's type, local time, report and quoted
        sentence.
    """
    types = event.get("event_types") or list(
        dict.fromkeys(_text(m.get("event_type")) or "unknown" for m in members)
    )
    labels = [event_style(t)[0] for t in types]
    colour = _event_marker_style(1, bool(event.get("contradicted")))["color"]
    heading = (
        f'<h3 style="border-left-color: {html_text(colour)}">Event: '
        f"{html_text(', '.join(labels) or 'unknown')}</h3>"
    )
    precision = _text(event.get("time_precision")) or "unknown"
    when = html_text(
        format_when(
            _text(event.get("date")),
            _text(event.get("time_start")),
            _text(event.get("time_end")),
            precision,
        )
    ) + (f' <span class="im-muted">(precision: {html_text(precision.replace("_", " "))})</span>')
    place_name, place_id = _text(event.get("place_name")), _text(event.get("place_id"))
    uncertainty = _present(event.get("uncertainty_m"))
    position = event.get("position")
    where = _joined(
        [
            _joined(
                [
                    _bdi(place_name) if place_name else "place unknown",
                    f'<span class="im-muted">{html_text(place_id)}</span>' if place_id else None,
                ],
                " ",
            ),
            f"precision: {html_text(event['geo_precision'])}"
            if _text(event.get("geo_precision"))
            else None,
            html_text(_fmt_metres(float(uncertainty))) if uncertainty is not None else None,
            f'<span class="im-muted">{position[0]:.5f}, {position[1]:.5f}</span>'
            if position is not None
            else None,
        ]
    )
    sources = event.get("sources") or []
    n_sources = _count(event.get("n_sources"))
    n_sources = n_sources if n_sources is not None else len(sources)
    n_independent = _count(event.get("n_independent_sources"))
    counted = f"{n_sources} source{'s' if n_sources != 1 else ''}"
    if n_independent is not None:
        counted += f" ({n_independent} independent)"
    sources_html = html_text(counted) + (
        ": " + ", ".join(_bdi(s) for s in sources) if sources else ""
    )
    table = "".join([_row("When", when), _row("Where", where), _row("Sources", sources_html)])
    return (
        f'<div class="im-popup im-event">{heading}<table>{table}</table>'
        f"{_claims_html(event)}{_accounts_html(event, members)}"
        f'<div class="im-muted">{html_text(event.get("event_id") or "")}</div></div>'
    )


def _event_tooltip(event: Mapping[str, Any]) -> str:
    summary = _text(event.get("summary")) or _text(event.get("event_id")) or "event"
    return f"{_bdi(summary)}<br>click the ring for every source's account"


def _events_overlay(events: list[dict[str, Any]], records: list[dict[str, Any]]) -> Overlay:
    """The "Events" overlay: one ring per event with a place, over its incidents."""
    by_id = {r["incident_id"]: r for r in records if _text(r.get("incident_id"))}
    mapped = [e for e in events if e["position"] is not None]
    ranks = fan_ranks([e["position"] for e in mapped], [e["event_id"] for e in mapped])
    features = []
    for event, fan in zip(mapped, ranks, strict=True):
        if fan is None:  # pragma: no cover - every mapped event has a rank
            continue
        members = [by_id[i] for i in event["incident_ids"] if i in by_id]
        window = _record_window(event)
        lat, lon = event["position"]
        properties = {
            "event_id": event["event_id"],
            "incident_ids": event["incident_ids"],
            "n_independent_sources": _count(event.get("n_independent_sources")),
            "contradicted": event["contradicted"],
            "lat": lat,
            "lon": lon,
            "fan": fan[0],
            "t0": window[0] if window else None,
            "t1": window[1] if window else None,
            "style": _event_marker_style(
                _count(event.get("n_independent_sources")), event["contradicted"]
            ),
            "popup": event_popup_html(event, members),
            "tooltip": _event_tooltip(event),
        }
        features.append(_feature(Point(lon, lat), properties))
    layer = _geojson_layer(
        features,
        name=_overlay_name("Events", "events", len(features)),
        point_to_layer=_EVENT_POINT_JS,
        on_each_feature=_EVENT_BIND_JS,
    )
    return Overlay(
        name_html=layer.layer_name, group="events", layer=layer, marker_count=len(features)
    )


def _events_legend_html(events: list[dict[str, Any]], drawn: int) -> str:
    """The legend's events section: what a ring and a dashed red ring mean."""
    rules = load_styles()["event_marker"]
    plain, contradicted = rules["style"], rules["contradicted_style"]
    unmapped = len(events) - drawn
    n_contradicted = sum(1 for e in events if e["contradicted"] and e["position"] is not None)
    return (
        f'<div class="im-events-legend"><b>Events</b>'
        f'<span class="im-count">{len(events)}</span>'
        f"<ul><li>"
        f'<span class="im-ring" style="border: 2px solid {html_text(plain["color"])}"></span>'
        f"an event (the reports of one thing); the more independent sources, the bigger"
        f"</li><li>"
        f'<span class="im-ring" style="border: 2px dashed {html_text(contradicted["color"])}">'
        f"</span>casualty claims contradict"
        f'<span class="im-count">{n_contradicted}</span></li></ul>'
        f'<div class="im-note">Click a ring for every source\'s account of the event.</div>'
        f'<div class="im-unmapped">events not mapped: {unmapped}</div></div>'
    )


def _home_bounds(gazetteer: Gazetteer, places: gpd.GeoDataFrame | None) -> list[list[float]] | None:
    """Bounds to open on when no incident is mapped: the Green Zone if known."""
    home = load_styles()["home"]
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


def _legend_html(records: list[dict[str, Any]], title: str) -> str:
    """The legend panel: event-type colours with counts, and the unmapped incidents."""
    mapped = [r for r in records if r["position"] is not None]
    unmapped = [r for r in records if r["position"] is None]
    counts = Counter(_text(r.get("event_type")) or "unknown" for r in mapped)
    known = list(load_styles()["event_types"])
    ordered = [t for t in known if t in counts] + sorted(t for t in counts if t not in known)
    items = []
    for event_type in ordered:
        label, colour = event_style(event_type)
        items.append(
            f'<li><span class="im-swatch" style="background: {html_text(colour)}"></span>'
            f'{html_text(label)}<span class="im-count">{counts[event_type]}</span></li>'
        )
    unmapped_items = []
    for record in unmapped:
        label, _ = event_style(_text(record.get("event_type")) or "unknown")
        evidence = _text(record.get("evidence")) or ""
        if len(evidence) > _EVIDENCE_PREVIEW_CHARS:
            evidence = evidence[: _EVIDENCE_PREVIEW_CHARS - 1] + "…"
        source = _text(record.get("source")) or "unknown source"
        report = _report_name(_text(record.get("report")))
        unmapped_items.append(
            f"<li><b>{html_text(label)}</b> · {_bdi(source)}"
            f' <span class="im-muted">({html_text(report)})</span>'
            f"<br>“{_bdi(evidence)}”</li>"
        )
    unmapped_html = (
        f'<details class="im-unmapped"><summary>not mapped: {len(unmapped)}</summary>'
        f"<ol>{''.join(unmapped_items)}</ol></details>"
        if unmapped
        else '<div class="im-unmapped">not mapped: 0</div>'
    )
    return (
        f'<details class="im-legend" open><summary><h2>{html_text(title)}</h2></summary>'
        f"<div>{len(mapped)} incident{'s' if len(mapped) != 1 else ''} mapped</div>"
        f'<ul class="im-types">{"".join(items)}</ul>'
        f'<div class="im-note">Pale, dashed markers: the place is known only as a zone, '
        f"district or area. Incidents at the same place are fanned out around it; "
        f"popups give the true position.</div></details>"
        f"{unmapped_html}"
    )


def build_map(
    incidents: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    events: gpd.GeoDataFrame | None = None,
    gazetteer: Gazetteer | None = None,
    title: str = "incident-mapper",
) -> MapDocument:
    """Build the layered map without rendering it (see :func:`render_map`).

    Returns a :class:`MapDocument` to which further layers can be added before
    :func:`finish_map`.
    """
    if gazetteer is None:
        gazetteer = load_gazetteer()
    home = load_styles()["home"]
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
    doc = MapDocument(map=fmap, title=title)

    plain = folium.FeatureGroup(name="Plain background (offline)", overlay=False)
    plain.add_to(fmap)
    folium.TileLayer(
        tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attr="&copy; OpenStreetMap contributors",
        name="OpenStreetMap (needs internet)",
        overlay=False,
        show=False,
        max_zoom=19,
    ).add_to(fmap)

    doc.context_layer = _context_layer(gazetteer)
    doc.context_layer.add_to(fmap)

    places_name = _overlay_name("Places", "places")
    doc.places_layer = _places_layer(places, name_html=places_name)
    doc.add_overlay(Overlay(name_html=places_name, group="places", layer=doc.places_layer))

    records = incident_records(incidents)
    event_list = event_records(events) if events is not None else []
    events_by_incident = {i: e for e in event_list for i in e["incident_ids"]}
    overlays, drawn = _source_layers(records, events_by_incident)
    for overlay in overlays:
        doc.add_overlay(overlay)
    doc.fit_points = drawn
    doc.home_bounds = _home_bounds(gazetteer, places)
    doc.panel_sections.append(_legend_html(records, title))
    if event_list:
        doc.events_overlay = _events_overlay(event_list, records)
        doc.add_overlay(doc.events_overlay)
        doc.panel_sections.append(_events_legend_html(event_list, doc.events_overlay.marker_count))
    time_rules = load_styles()["time"]
    doc.time_span = replay_span(
        (
            (_record_window(r), _text(r.get("time_precision")) in CLOCK_PRECISIONS)
            for r in records
            if r["position"] is not None
        ),
        step_minutes=int(time_rules["step_minutes"]),
        max_steps=int(time_rules["max_steps"]),
    )
    return doc


def _hook_js(doc: MapDocument, control: folium.LayerControl) -> str:
    """Legend control, marker fans, the time control, event links from incident popups,
    incidents kept above places and events above incidents, and ``window.__incidentMap``
    for tests and later additions."""
    sources = ",".join(
        f"{{source:{js_literal(o.source)},group:{js_literal(o.group)},"
        f"count:{o.marker_count},layer:{o.layer.get_name()}}}"
        for o in doc.overlays
        if o.source is not None
    )
    events = (
        f"{{count:{doc.events_overlay.marker_count},layer:{doc.events_overlay.layer.get_name()}}}"
        if doc.events_overlay is not None
        else "null"
    )
    places = doc.places_layer.get_name() if doc.places_layer is not None else "null"
    context = doc.context_layer.get_name() if doc.context_layer is not None else "null"
    panel = js_literal("".join(doc.panel_sections))
    styles = load_styles()
    step_px = js_literal(float(styles["spread"]["step_px"]))
    event_step_px = js_literal(float(styles["event_marker"]["step_px"]))
    time = js_literal(time_config(doc.time_span, styles["time"]))
    return f"""
(function () {{
  var map = {doc.map.get_name()};
  var sources = [{sources}];
  var events = {events};
  // Every marker each layer was filled with: the time control takes markers out of
  // their layer and puts them back, so the layer alone no longer lists them all.
  function collect(entry) {{
    entry.markers = [];
    entry.layer.eachLayer(function (marker) {{ entry.markers.push(marker); }});
  }}
  sources.forEach(collect);
  if (events) {{ collect(events); }}
  // Does a drawn incident marker lie at this layer point? (Rings yield to incidents.)
  map.imIncidentAt = function (point) {{
    return sources.some(function (s) {{
      return map.hasLayer(s.layer) && s.layer.getLayers().some(function (m) {{
        return m._containsPoint(point);
      }});
    }});
  }};
  function keepOnTop() {{
    sources.forEach(function (s) {{ if (map.hasLayer(s.layer)) {{ s.layer.bringToFront(); }} }});
    if (events && map.hasLayer(events.layer)) {{ events.layer.bringToFront(); }}
  }}
  map.on('overlayadd', keepOnTop);
  var golden = Math.PI * (3 - Math.sqrt(5));
  function fan(markers, step, zoom) {{
    markers.forEach(function (marker) {{
      var p = marker.feature.properties, home = L.latLng(p.lat, p.lon);
      if (!p.fan) {{ marker.setLatLng(home); return; }}
      var r = step * Math.sqrt(p.fan), a = p.fan * golden;
      var shifted = map.project(home, zoom).add(L.point(r * Math.sin(a), -r * Math.cos(a)));
      marker.setLatLng(map.unproject(shifted, zoom));
    }});
  }}
  function fanOut() {{
    var zoom = map.getZoom();
    sources.forEach(function (s) {{ fan(s.markers, {step_px}, zoom); }});
    if (events) {{ fan(events.markers, {event_step_px}, zoom); }}
  }}
  map.on('zoomend', fanOut);
  fanOut();
  var legend = L.control({{position: 'bottomleft'}});
  legend.onAdd = function () {{
    var div = L.DomUtil.create('div', 'im-panel im-legend-panel');
    div.innerHTML = {panel};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  }};
  legend.addTo(map);
  var groups = sources.map(function (s) {{
    return {{layer: s.layer, markers: s.markers, kind: 'incidents'}};
  }});
  if (events) {{ groups.push({{layer: events.layer, markers: events.markers, kind: 'events'}}); }}
  var time = IncidentMapTime.install(map, groups, {time}, keepOnTop);
  // An incident's popup names its event; its button opens the event's popup,
  // on the ring when it is drawn, else at the ring's place.
  function openEvent(eventId) {{
    if (!events) {{ return; }}
    var ring = null;
    events.markers.forEach(function (m) {{
      if (m.feature.properties.event_id === eventId) {{ ring = m; }}
    }});
    if (!ring) {{ return; }}
    if (map.hasLayer(ring)) {{ ring.openPopup(); return; }}
    L.popup({_EVENT_POPUP_OPTIONS}).setLatLng(ring.getLatLng())
      .setContent(ring.feature.properties.popup).openOn(map);
  }}
  map.on('popupopen', function (e) {{
    var root = e.popup.getElement();
    if (!root) {{ return; }}
    var links = root.querySelectorAll('[data-im-event]');
    for (var i = 0; i < links.length; i++) {{
      L.DomEvent.on(links[i], 'click', function (ev) {{
        L.DomEvent.stop(ev);
        openEvent(this.getAttribute('data-im-event'));
      }}, links[i]);
    }}
  }});
  function drawn(layer) {{ return map.hasLayer(layer) ? layer.getLayers().length : 0; }}
  function visibleCounts() {{
    var counts = {{sources: {{}}, events: events ? drawn(events.layer) : 0}};
    sources.forEach(function (s) {{ counts.sources[s.source] = drawn(s.layer); }});
    return counts;
  }}
  window.__incidentMap = {{
    map: map, sources: sources, events: events, places: {places}, context: {context},
    layerControl: {control.get_name()}, time: time, setTime: time.setTime,
    getTime: time.getTime, visibleCounts: visibleCounts, openEvent: openEvent, ready: true
  }};
}})();
"""


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
    """Frame the view, add the layer control (last) and the legend, and render the page.

    Opens on the drawn incidents, or on the Green Zone when none is mapped.
    """
    fit = load_styles()["fit"]
    padding = (fit["padding_px"], fit["padding_px"])
    if doc.fit_points:
        lats = [p[0] for p in doc.fit_points]
        lons = [p[1] for p in doc.fit_points]
        bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
        doc.map.fit_bounds(bounds, padding=padding, max_zoom=fit["max_zoom"])
    elif doc.home_bounds is not None:
        doc.map.fit_bounds(doc.home_bounds, padding=padding, max_zoom=fit["max_zoom"])
    control = folium.LayerControl(collapsed=False, position="topright")
    control.add_to(doc.map)
    _Script(lambda: _hook_js(doc, control)).add_to(doc.map)
    figure = doc.map.get_root()
    if not isinstance(figure, Figure):  # pragma: no cover - folium always makes one
        msg = "the map is not attached to a page; cannot render it"
        raise OutputError(msg)
    _assign_element_ids(figure)
    return figure.render()


def render_map(
    incidents: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    events: gpd.GeoDataFrame | None = None,
    gazetteer: Gazetteer | None = None,
    title: str = "incident-mapper",
) -> str:
    """The whole map.html document: offline, layered, deterministic, with a time control.

    Parameters
    ----------
    incidents
        The incident table (columns of :data:`incidents.model.INCIDENT_COLUMNS`
        plus ``geometry``, EPSG:4326). Rows without geometry are counted as
        "not mapped" in the legend and listed there, not drawn.
    places
        The places the reports mention and the derived areas (the "Places" overlay).
    events
        The event table (:func:`incidents.events.group_events`): drawn as the
        "Events" overlay, and named in each member incident's popup. No overlay
        when ``None`` or empty.
    gazetteer
        Where the base context (river, Green Zone, bridges, districts) comes from;
        the bundled Baghdad gazetteer when ``None``.
    title
        The page title, also the legend heading.

    Returns
    -------
    str
        The HTML document; the same input always gives the same string.
    """
    return finish_map(build_map(incidents, places, events=events, gazetteer=gazetteer, title=title))
