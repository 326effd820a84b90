"""The map's place layers: the gazetteer's context and the places the reports name.

Both are ordinary folium GeoJSON layers, small at any size of batch (a few hundred
features): the context layer draws the pack's districts, zones and landmarks with
their labels, the places layer each place a report named, with its uncertainty
circle and a popup of how it was resolved. The incidents themselves are not
features: :mod:`maps.render` writes them as columns the page's own script draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from folium.utilities import JsCode
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from gazetteer.model import Gazetteer
from geo.crs import to_metric, to_wgs84
from maps.assets import (
    html_text,
    js_json,
    load_styles,
)
from maps.page_elements import RenderedScript

#: Decimals of the coordinates written (7: about a centimetre).
_COORD_DECIMALS = 7

_STYLE_FROM_PROPERTIES_JS = JsCode("IncidentMapFolium.style")
_PLACE_BIND_JS = JsCode("IncidentMapFolium.bindPlace")
_CONTEXT_LABEL_JS = JsCode("IncidentMapFolium.contextLabel")


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


def to_wgs84_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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
    ``layer.addData(JSON.parse("..."))`` from a :class:`RenderedScript`, which is never
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
        layer.add_child(RenderedScript(lambda: f"{layer.get_name()}.addData({payload});"))
    return layer


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


def context_layer(gazetteer: Gazetteer) -> folium.GeoJson:
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
    places = to_wgs84_frame(places)
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


def places_layer(places: gpd.GeoDataFrame, crs: str) -> folium.FeatureGroup:
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
