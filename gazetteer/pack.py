"""Gazetteer packs: one city's places with the facts that go with them.

A pack is a folder holding ``pack.json`` and the city's gazetteer
(``places.geojson``, or the files ``pack.json`` lists under ``places``)::

    {"name": "Beirut", "timezone": "Asia/Beirut", "country": "LB",
     "home_city": "beirut_city", "languages": ["en", "ar"]}

``name``, ``timezone`` (IANA), ``country`` (ISO 3166-1 alpha-2), ``home_city``
(a place id in the pack) and ``languages`` (ISO 639-1) are required, so packs
travel between users. Derived when absent:

``area``          [min_lon, min_lat, max_lon, max_lat] where the places may lie: the home
                  city's outline with a margin (:func:`derived_area`)
``metric_crs``    the projected CRS for metres: :func:`geo.crs.metric_crs_for` of the area
``map_home``      where the map opens with nothing mapped: ``{"place_ids", "centre", "zoom"}``
``country_name``  the English short name of ``country`` (pycountry), used in actor labels
                  ("Security forces (Lebanon)")

Optional vocabulary overlays under ``vocabulary`` extend the bundled word lists,
or replace them when named in ``vocabulary.replace``: ``actors`` (label -> phrases;
``{country}`` in a label is the pack's ``country_name``), ``organisations`` and
``outlets`` (names that are never locations), ``demonyms`` (key -> adjectives of
allegiance) and ``home_demonyms`` ("Lebanese" in "the Lebanese capital").

The bundled pack is ``gazetteer/data/pack.json`` (Baghdad), read with
importlib.resources. A :class:`Pack` is plain frozen data: it pickles to worker
processes and dask workers with the gazetteer it belongs to.
"""

from __future__ import annotations

import json
import math
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from gazetteer.model import Place, parse_gazetteer, read_gazetteer_file
from geo.crs import metric_crs_for
from geo.errors import GazetteerError

#: The file that makes a folder a pack.
PACK_FILE = "pack.json"
#: The gazetteer file of a pack that lists no ``places``.
PLACES_FILE = "places.geojson"
#: Keys every pack.json must give.
REQUIRED_KEYS = ("name", "timezone", "country", "home_city", "languages")
#: Vocabulary overlays a pack may give.
OVERLAYS = ("actors", "organisations", "outlets", "demonyms", "home_demonyms")
#: Margin added around the home city's outline for a derived area, as a share of its
#: size (at least MIN_MARGIN_DEG): places just outside the city limits still belong.
AREA_MARGIN = 0.25
MIN_MARGIN_DEG = 0.05
#: Zoom the map opens at on a derived home.
DEFAULT_ZOOM = 12


@dataclass(frozen=True)
class Pack:
    """The facts of one pack; places are read separately (:func:`pack_places`)."""

    name: str
    timezone: str
    """IANA zone name, e.g. ``Asia/Beirut``: local times, days and the map's offsets."""
    country: str
    """ISO 3166-1 alpha-2 code of the country the city lies in."""
    country_name: str
    home_city: str
    """Id of the city's own entry in the places."""
    languages: tuple[str, ...]
    area: tuple[float, float, float, float]
    """(min_lon, min_lat, max_lon, max_lat), WGS84."""
    metric_crs: str
    """The CRS metric work runs in (distances, buffers, "south of")."""
    map_home: Mapping[str, Any]
    vocabulary: Mapping[str, Any] = field(default_factory=dict)
    """The overlays as written, plus ``replace`` (the overlays that replace)."""
    acled: Mapping[str, Any] = field(default_factory=dict)
    """ACLED's ``region`` and ``admin1`` for acled.csv (``admin1`` defaults to the name)."""
    places_files: tuple[str, ...] = (PLACES_FILE,)
    folder: str | None = None
    """The pack's folder on disk; None for the bundled pack."""
    origin: str = "<bundled pack.json>"
    """What messages name: the pack.json path."""

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The pack's time zone."""
        return zoneinfo.ZoneInfo(self.timezone)

    def overlay(self, key: str) -> tuple[Any, bool]:
        """One vocabulary overlay and whether it replaces the bundled list (else extends)."""
        value = self.vocabulary.get(key)
        return value, key in tuple(self.vocabulary.get("replace") or ())

    def actor_label(self, label: str) -> str:
        """An actor label with ``{country}`` filled in ("Security forces (Lebanon)")."""
        return label.replace("{country}", self.country_name)

    @property
    def fingerprint(self) -> str:
        """Everything about the pack that changes an analysis, as one string."""
        return json.dumps(
            [
                self.name,
                self.timezone,
                self.country,
                self.country_name,
                self.home_city,
                list(self.languages),
                list(self.area),
                self.metric_crs,
                self.vocabulary,
            ],
            ensure_ascii=False,
            sort_keys=True,
            default=list,
        )


def _fail(message: str, origin: str) -> GazetteerError:
    return GazetteerError(message, path=origin)


def _country_name(code: str, origin: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        msg = f"'country' {code!r} is not an ISO 3166-1 alpha-2 code (e.g. 'LB' for Lebanon)"
        raise _fail(msg, origin)
    return str(getattr(country, "common_name", None) or country.name)


def _check_language(code: object, origin: str) -> str:
    import pycountry

    if not isinstance(code, str) or pycountry.languages.get(alpha_2=code) is None:
        msg = f"'languages' entry {code!r} is not an ISO 639-1 code (e.g. 'en', 'ar')"
        raise _fail(msg, origin)
    return code


def _check_zone(name: object, origin: str) -> str:
    if not isinstance(name, str) or not name:
        msg = "'timezone' must be an IANA zone name such as 'Asia/Beirut'"
        raise _fail(msg, origin)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        msg = f"'timezone' {name!r} is not an IANA time zone (e.g. 'Asia/Beirut', 'Europe/Kyiv')"
        raise _fail(msg, origin) from exc
    return name


def _check_area(value: object, origin: str) -> tuple[float, float, float, float]:
    if not (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and all(math.isfinite(v) for v in value)
    ):
        msg = "'area' must be [min_lon, min_lat, max_lon, max_lat]"
        raise _fail(msg, origin)
    west, south, east, north = (float(v) for v in value)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        msg = (
            f"'area' {value} is not a lon/lat box: want [min_lon, min_lat, max_lon, max_lat] "
            "with min < max, longitudes within ±180 and latitudes within ±90"
        )
        raise _fail(msg, origin)
    return (west, south, east, north)


def derived_area(home: Place) -> tuple[float, float, float, float]:
    """The home city's bounds with a margin: where a pack's places may lie by default."""
    if home.geometry is None or home.geometry.is_empty:
        msg = f"home city '{home.id}' has no geometry, so the pack needs an explicit 'area'"
        raise GazetteerError(msg, path=home.origin or None)
    west, south, east, north = home.geometry.bounds
    margin_x = max(MIN_MARGIN_DEG, (east - west) * AREA_MARGIN)
    margin_y = max(MIN_MARGIN_DEG, (north - south) * AREA_MARGIN)
    return (
        round(max(-180.0, west - margin_x), 6),
        round(max(-90.0, south - margin_y), 6),
        round(min(180.0, east + margin_x), 6),
        round(min(90.0, north + margin_y), 6),
    )


def _map_home(value: object, home: Place, origin: str) -> dict[str, Any]:
    if value is None:
        lat_lon = home.lat_lon
        assert lat_lon is not None  # derived_area refused a home without geometry
        return {"place_ids": [home.id], "centre": list(lat_lon), "zoom": DEFAULT_ZOOM}
    if not isinstance(value, Mapping):
        msg = "'map_home' must be an object with 'centre' [lat, lon] and 'zoom'"
        raise _fail(msg, origin)
    centre = value.get("centre")
    zoom = value.get("zoom", DEFAULT_ZOOM)
    ids = value.get("place_ids", [home.id])
    if not (
        isinstance(centre, list)
        and len(centre) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in centre)
    ):
        msg = "'map_home.centre' must be [lat, lon]"
        raise _fail(msg, origin)
    if not isinstance(zoom, int) or isinstance(zoom, bool) or not 1 <= zoom <= 19:
        msg = "'map_home.zoom' must be a whole number from 1 to 19"
        raise _fail(msg, origin)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        msg = "'map_home.place_ids' must be a list of place ids"
        raise _fail(msg, origin)
    return {"place_ids": list(ids), "centre": [float(centre[0]), float(centre[1])], "zoom": zoom}


def _vocabulary(value: object, origin: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        msg = "'vocabulary' must be an object of overlays"
        raise _fail(msg, origin)
    unknown = sorted(set(value) - {*OVERLAYS, "replace"} - {k for k in value if k.startswith("_")})
    if unknown:
        msg = f"'vocabulary' has unknown overlays {unknown}; known: {', '.join(OVERLAYS)}"
        raise _fail(msg, origin)
    out: dict[str, Any] = {}
    for key in ("organisations", "outlets", "home_demonyms"):
        if key in value:
            words = value[key]
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                msg = f"'vocabulary.{key}' must be a list of strings"
                raise _fail(msg, origin)
            out[key] = tuple(words)
    for key in ("actors", "demonyms"):
        if key in value:
            entries = value[key]
            if not isinstance(entries, Mapping) or not all(
                isinstance(v, list) and all(isinstance(w, str) for w in v) for v in entries.values()
            ):
                msg = f"'vocabulary.{key}' must map each name to a list of phrases"
                raise _fail(msg, origin)
            out[key] = tuple((k, tuple(v)) for k, v in entries.items())
    replace = value.get("replace", [])
    if not isinstance(replace, list) or not set(replace) <= set(OVERLAYS):
        msg = f"'vocabulary.replace' must list overlays among {', '.join(OVERLAYS)}"
        raise _fail(msg, origin)
    if replace:
        out["replace"] = tuple(replace)
    return out


def _acled(value: object, origin: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        k.startswith("_") or (k in ("region", "admin1") and isinstance(v, str))
        for k, v in value.items()
    ):
        msg = "'acled' may give 'region' and 'admin1' (strings) for acled.csv"
        raise _fail(msg, origin)
    return {k: v for k, v in value.items() if not k.startswith("_")}


def pack_from_json(
    raw: object, *, places: Sequence[Place], origin: str, folder: str | None = None
) -> Pack:
    """Build a :class:`Pack` from a parsed pack.json and the places it goes with.

    Raises
    ------
    GazetteerError
        A key is missing or wrong; the message names the key and pack.json.
    """
    if not isinstance(raw, Mapping):
        msg = "pack.json must hold one JSON object"
        raise _fail(msg, origin)
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        msg = (
            f"pack.json lacks {', '.join(repr(k) for k in missing)}; a pack needs at least "
            '{"name": ..., "timezone": "Asia/Beirut", "country": "LB", '
            '"home_city": "<place id>", "languages": ["en", "ar"]}'
        )
        raise _fail(msg, origin)
    name = raw["name"]
    if not isinstance(name, str) or not name.strip():
        msg = "'name' must be a non-empty string"
        raise _fail(msg, origin)
    timezone = _check_zone(raw["timezone"], origin)
    code = raw["country"]
    if not isinstance(code, str):
        msg = "'country' must be an ISO 3166-1 alpha-2 code such as 'LB'"
        raise _fail(msg, origin)
    code = code.upper()
    country_name = raw.get("country_name") or _country_name(code, origin)
    languages = raw["languages"]
    if not isinstance(languages, list) or not languages:
        msg = "'languages' must be a non-empty list such as ['en', 'ar']"
        raise _fail(msg, origin)
    langs = tuple(_check_language(c, origin) for c in languages)
    home_id = raw["home_city"]
    by_id = {p.id: p for p in places}
    if not isinstance(home_id, str) or home_id not in by_id:
        msg = f"'home_city' {home_id!r} is not the id of an entry in the pack's places"
        raise _fail(msg, origin)
    home = by_id[home_id]
    area = _check_area(raw["area"], origin) if "area" in raw else derived_area(home)
    crs = raw.get("metric_crs") or metric_crs_for(area)
    if not isinstance(crs, str):
        msg = "'metric_crs' must be a CRS string such as 'EPSG:32636'"
        raise _fail(msg, origin)
    try:
        from pyproj import CRS

        if not CRS.from_user_input(crs).is_projected:
            msg = f"'metric_crs' {crs!r} is not a projected CRS in metres"
            raise _fail(msg, origin)
    except GazetteerError:
        raise
    except Exception as exc:
        msg = f"'metric_crs' {crs!r} is not a CRS pyproj knows ({exc})"
        raise _fail(msg, origin) from exc
    files = raw.get("places", [PLACES_FILE])
    return Pack(
        name=name.strip(),
        timezone=timezone,
        country=code,
        country_name=str(country_name),
        home_city=home_id,
        languages=langs,
        area=area,
        metric_crs=crs,
        map_home=_map_home(raw.get("map_home"), home, origin),
        vocabulary=_vocabulary(raw.get("vocabulary"), origin),
        acled=_acled(raw.get("acled"), origin),
        places_files=tuple(files),
        folder=folder,
        origin=origin,
    )


def _read_json(text: str, origin: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise GazetteerError(msg, path=origin, line=exc.lineno) from exc


def _places_files(raw: object, origin: str) -> list[str]:
    files = raw.get("places", [PLACES_FILE]) if isinstance(raw, Mapping) else [PLACES_FILE]
    if (
        not isinstance(files, list)
        or not files
        or not all(isinstance(f, str) and f and "/" not in f and "\\" not in f for f in files)
    ):
        msg = "'places' must list the pack's gazetteer file names (files in the pack's folder)"
        raise _fail(msg, origin)
    return files


def read_pack(folder: str | Path) -> tuple[Pack, list[Place]]:
    """Read a pack folder: its pack.json and its places, in file order.

    Raises
    ------
    GazetteerError
        The folder, pack.json or a places file is missing or broken; the message
        names the file.
    """
    folder = Path(folder)
    manifest = folder / PACK_FILE
    if not folder.is_dir():
        msg = "a pack is a folder holding pack.json and places.geojson; this is not a folder"
        raise GazetteerError(msg, path=folder)
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        msg = "pack.json not found; a pack folder holds pack.json and places.geojson"
        raise GazetteerError(msg, path=manifest) from exc
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"pack.json cannot be read ({exc})"
        raise GazetteerError(msg, path=manifest) from exc
    raw = _read_json(text, str(manifest))
    places: list[Place] = []
    for name in _places_files(raw, str(manifest)):
        places.extend(read_gazetteer_file(folder / name))
    return pack_from_json(raw, places=places, origin=str(manifest), folder=str(folder)), places


@cache
def _bundled() -> tuple[Pack, tuple[Place, ...]]:
    data = resources.files("gazetteer").joinpath("data")
    origin = f"<bundled {PACK_FILE}>"
    raw = _read_json(data.joinpath(PACK_FILE).read_text(encoding="utf-8"), origin)
    places: list[Place] = []
    for name in _places_files(raw, origin):
        text = data.joinpath(name).read_text(encoding="utf-8")
        places.extend(parse_gazetteer(text, origin=f"<bundled {name}>"))
    return pack_from_json(raw, places=places, origin=origin), tuple(places)


def bundled_pack() -> Pack:
    """The pack shipped with the package (Baghdad)."""
    return _bundled()[0]


def bundled_pack_places() -> list[Place]:
    """The bundled pack's places, in file order (a fresh list)."""
    return list(_bundled()[1])


def load_pack(folder: str | Path | None = None) -> tuple[Pack, list[Place]]:
    """A pack and its places: the folder's, or the bundled one's when ``folder`` is None."""
    if folder is None:
        return bundled_pack(), bundled_pack_places()
    return read_pack(folder)
