"""The bundled Baghdad gazetteer: coverage, sourced coordinates, geography and format."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from shapely.geometry import Point

from gazetteer.check import GATE_MAX_DISTANCE_M, check_places
from gazetteer.model import BUNDLED_GAZETTEER, Place, bundled_places
from gazetteer.pack import bundled_pack
from geo import crs as _crs

#: The bundled pack's metric CRS (UTM 38N): these tests measure Baghdad.
_METRIC = bundled_pack().metric_crs


def _distance_m(a, b) -> float:
    return _crs.distance_m(a, b, crs=_METRIC)


def _to_metric(geometry):
    return _crs.to_metric(geometry, crs=_METRIC)


#: Warnings the bundled file is allowed to give, as (entry id, message start).
#: Estimated bridge points of the research list that our schematic Tigris line does not
#: reach or that sit off it (see the entries' notes); the checker warns, it does not fail.
ALLOWED_WARNINGS: set[tuple[str | None, str]] = {
    ("bridge_aimma", "bridge point lies beyond the ends of the river line"),
    ("bridge_muthanna", "bridge point lies beyond the ends of the river line"),
    ("bridge_dora", "bridge point lies"),
    ("bridge_diyala", "bridge point lies"),
}

REQUIRED_IDS = {
    "baghdad_city": "city",
    "green_zone": "zone",
    "gz_gate_ministry_of_planning": "gate",
    "gz_gate_suspension_bridge": "gate",
    "gz_gate_mod_east": "gate",
    "gz_gate_assassins": "gate",
    "gz_gate_qadisiya_expressway": "gate",
    "gz_gate_alawi": "gate",
    "gz_gate_kindi": "gate",
    "gz_gate_zawraa_harithiya": "gate",
    "gz_gate_al_quds": "gate",
    "gz_gate_republican_palace": "gate",
    "ministry_of_planning": "building",
    "ministry_of_defense_hq": "building",
    "bridge_jumhuriya": "bridge",
    "bridge_14_july": "bridge",
    "bridge_sinak": "bridge",
    "bridge_ahrar": "bridge",
    "bridge_jadriya": "bridge",
    "bridge_shuhada": "bridge",
    "bridge_sarafiya": "bridge",
    "bridge_double_decker": "bridge",
    "tahrir_square": "square",
    "republican_palace": "compound",
    "us_embassy": "compound",
    "council_of_representatives": "building",
    "al_rasheed_hotel": "building",
    "zawraa_park": "park",
    "unknown_soldier_monument": "monument",
    "victory_arch": "monument",
    "palestine_hotel": "building",
    "baghdad_hotel": "building",
    "karkh": "district",
    "rusafa": "district",
    "karrada": "district",
    "karradat_maryam": "neighbourhood",
    "tigris": "river",
}
NOT_LOCATED = {
    "gz_gate_zawraa_harithiya",
    "gz_gate_al_quds",
    "gz_gate_republican_palace",
    "bridge_double_decker",
}
INSIDE_GREEN_ZONE = [
    "unknown_soldier_monument",
    "al_rasheed_hotel",
    "us_embassy",
    "republican_palace",
    "council_of_representatives",
    "ministry_of_planning",
    "victory_arch",
]
OUTSIDE_GREEN_ZONE = ["tahrir_square", "zawraa_park", "palestine_hotel", "baghdad_hotel"]
#: Bridges north to south, as the published bridge lists order them.
BRIDGES_NORTH_TO_SOUTH = [
    "bridge_sarafiya",
    "bridge_shuhada",
    "bridge_ahrar",
    "bridge_sinak",
    "bridge_jumhuriya",
    "bridge_14_july",
    "bridge_jadriya",
]


@pytest.fixture(scope="module")
def places() -> list[Place]:
    return bundled_places()


@pytest.fixture(scope="module")
def raw_text() -> str:
    resource = resources.files("gazetteer").joinpath("data", BUNDLED_GAZETTEER)
    return resource.read_text(encoding="utf-8")


def names_of(place: Place) -> set[str]:
    return {" ".join(n.split()).casefold() for n in place.all_names}


def test_bundled_file_passes_the_check(places):
    problems = check_places(places)
    assert [str(p) for p in problems if p.severity == "error"] == []
    warnings = {(p.place_id, p.message) for p in problems if p.severity == "warning"}
    unexpected = {
        w
        for w in warnings
        if not any(w[0] == i and w[1].startswith(m) for i, m in ALLOWED_WARNINGS)
    }
    assert unexpected == set()


def test_loader_indexes_every_entry_once(places, gazetteer):
    assert len(gazetteer) == len(places)
    assert gazetteer.children("green_zone")


@pytest.mark.parametrize(("place_id", "kind"), sorted(REQUIRED_IDS.items()))
def test_required_entry_exists_with_its_kind(gazetteer, place_id, kind):
    assert gazetteer[place_id].kind == kind


def test_not_located_entries_have_no_geometry(places):
    unlocated = {p.id for p in places if p.coordinate_basis == "not_located"}
    assert unlocated == NOT_LOCATED
    assert all(p.geometry is None for p in places if p.id in NOT_LOCATED)


@pytest.mark.parametrize(
    ("place_id", "lat", "lon", "tolerance_m"),
    [
        ("al_rasheed_hotel", 33.31611, 44.38917, 50),
        ("tahrir_square", 33.3293, 44.4101, 50),
        ("unknown_soldier_monument", 33.3085, 44.3890, 50),
        ("us_embassy", 33.299, 44.396, 50),
        ("republican_palace", 33.30417, 44.40861, 50),
        ("gz_gate_assassins", 33.3202, 44.4007, 50),
        ("palestine_hotel", 33.3152, 44.4183, 50),
        ("baghdad_hotel", 33.3186, 44.4149, 50),
        ("council_of_representatives", 33.3138, 44.3908, 150),
        ("zawraa_park", 33.3146, 44.3777, 150),
        ("victory_arch", 33.3108, 44.3875, 150),
        ("ministry_of_planning", 33.3225, 44.4020, 300),
        ("gz_gate_ministry_of_planning", 33.3234, 44.4031, 300),
        ("gz_gate_suspension_bridge", 33.2971, 44.4000, 250),
        # Bridge lines must pass by their published or derived midpoints.
        ("bridge_jumhuriya", 33.324762, 44.404512, 50),
        ("bridge_14_july", 33.295556, 44.4000, 50),
        ("bridge_sarafiya", 33.35361, 44.37278, 50),
        ("bridge_sinak", 33.3284, 44.4003, 50),
        ("bridge_jadriya", 33.2847, 44.3750, 50),
        ("bridge_shuhada", 33.3381, 44.3875, 50),
    ],
)
def test_research_coordinates_are_honoured(gazetteer, place_id, lat, lon, tolerance_m):
    assert _distance_m(gazetteer[place_id].geometry, Point(lon, lat)) <= tolerance_m


@pytest.mark.parametrize("place_id", INSIDE_GREEN_ZONE)
def test_green_zone_contains(gazetteer, place_id):
    assert gazetteer["green_zone"].geometry.contains(gazetteer[place_id].geometry)


@pytest.mark.parametrize("place_id", OUTSIDE_GREEN_ZONE)
def test_green_zone_does_not_contain(gazetteer, place_id):
    assert not gazetteer["green_zone"].geometry.intersects(gazetteer[place_id].geometry)


def test_green_zone_is_a_plausible_size_and_on_the_west_bank(gazetteer):
    zone = gazetteer["green_zone"].geometry
    assert 5e6 < _to_metric(zone).area < 12e6
    assert not zone.intersects(gazetteer["tigris"].geometry)
    assert gazetteer["karkh"].geometry.contains(zone)


def test_every_gate_belongs_to_the_green_zone_and_sits_on_its_edge(places, gazetteer):
    edge = gazetteer["green_zone"].geometry.boundary
    gates = [p for p in places if p.kind == "gate"]
    assert len(gates) >= 10
    for gate in gates:
        assert gate.part_of == "green_zone", gate.id
        if gate.geometry is not None:
            assert _distance_m(gate.geometry, edge) <= GATE_MAX_DISTANCE_M, gate.id


@pytest.mark.parametrize(
    ("place_id", "neighbours"),
    [
        ("gz_gate_ministry_of_planning", {"ministry_of_planning", "bridge_jumhuriya"}),
        ("gz_gate_suspension_bridge", {"bridge_14_july"}),
        ("gz_gate_mod_east", {"ministry_of_defense_hq"}),
        ("bridge_jumhuriya", {"tahrir_square"}),
    ],
)
def test_adjacency(gazetteer, place_id, neighbours):
    assert neighbours <= set(gazetteer.neighbours(place_id))


def test_inside_landmarks_are_part_of_the_green_zone(gazetteer):
    for place_id in [*INSIDE_GREEN_ZONE, "ministry_of_defense_hq"]:
        assert gazetteer[place_id].part_of == "green_zone", place_id
    for place_id in ["green_zone", "karkh", "rusafa", "karrada"]:
        assert gazetteer[place_id].part_of == "baghdad_city", place_id


def test_tigris_runs_north_to_south(gazetteer):
    coords = list(gazetteer["tigris"].geometry.coords)
    assert coords[0][1] > coords[-1][1]
    assert _to_metric(gazetteer["tigris"].geometry).length > 8000


def test_bridges_cross_the_tigris_in_their_published_order(gazetteer):
    river = gazetteer["tigris"].geometry
    crossings = [gazetteer[b].geometry.intersection(river) for b in BRIDGES_NORTH_TO_SOUTH]
    assert all(c.geom_type == "Point" for c in crossings)
    latitudes = [c.y for c in crossings]
    assert latitudes == sorted(latitudes, reverse=True)


def test_banks_karrada_east_karradat_maryam_west(gazetteer):
    karrada = gazetteer["karrada"].geometry
    maryam = gazetteer["karradat_maryam"].geometry
    zone = gazetteer["green_zone"].geometry
    assert karrada.contains(Point(44.433, 33.300))  # Wikipedia's Karrada point
    assert not karrada.intersects(zone)
    assert gazetteer["karkh"].geometry.contains(maryam)
    assert maryam.intersection(zone).area / maryam.area > 0.9
    assert maryam.contains(gazetteer["republican_palace"].geometry)
    assert gazetteer["rusafa"].geometry.contains(gazetteer["tahrir_square"].geometry)


def test_districts_do_not_overlap(gazetteer):
    ids = ["karkh", "rusafa", "karrada"]
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            overlap = gazetteer[first].geometry.intersection(gazetteer[second].geometry)
            assert _to_metric(overlap).area < 1.0, (first, second)


def test_estimates_are_said_so_and_have_room(places):
    for place in places:
        if place.coordinate_basis == "estimate":
            assert "estimate" in place.notes.casefold(), place.id
        if place.kind == "gate" and place.coordinate_basis == "estimate":
            assert place.uncertainty_m >= 250, place.id
        if place.kind in {"district", "neighbourhood", "city", "zone"}:
            if place.origin.endswith(f"{BUNDLED_GAZETTEER}>"):
                # the curated outlines are ours; imported ones come from Who's On First
                assert place.coordinate_basis == "estimate", place.id
            assert place.uncertainty_m >= 400, place.id
        assert place.uncertainty_m >= 50, place.id


def test_every_entry_is_sourced_with_a_reference(places):
    for place in places:
        assert place.source, place.id
        # an imported ESTIMATE names the anchors and descriptions it was placed from
        references = (
            *("http", "Wikipedia", "wikipedia", "whosonfirst-data", "baghdad_landmarks"),
            "ESTIMATE:",
        )
        assert any(r in place.source for r in references), place.id


@pytest.mark.parametrize(
    ("place_id", "alias"),
    [
        ("green_zone", "International Zone"),
        ("green_zone", "IZ"),
        ("green_zone", "المنطقة الدولية"),
        ("green_zone", "المنطقة الخضراء"),
        ("bridge_jumhuriya", "Jumhuriyah Bridge"),
        ("bridge_jumhuriya", "جسر الجمهورية"),
        ("bridge_14_july", "Suspension Bridge"),
        ("bridge_14_july", "الجسر المعلق"),
        ("bridge_14_july", "جسر 14 تموز"),
        ("tahrir_square", "Liberation Square"),
        ("karradat_maryam", "كرادة مريم"),
        ("karradat_maryam", "Karradat Mariam"),
        ("karrada", "الكرادة"),
        ("gz_gate_ministry_of_planning", "بوابة المنطقة الخضراء من جهة وزارة التخطيط"),
        ("gz_gate_suspension_bridge", "بوابة الجسر المعلق"),
        ("ministry_of_planning", "Ministry of Planning"),
        ("ministry_of_planning", "وزارة التخطيط"),
        ("ministry_of_defense_hq", "Ministry of Defense"),
        ("council_of_representatives", "Baghdad Convention Center"),
    ],
)
def test_names_include(gazetteer, place_id, alias):
    assert alias.casefold() in names_of(gazetteer[place_id])


def test_no_name_is_shared_between_entries(places):
    seen: dict[str, str] = {}
    for place in places:
        for name in names_of(place):
            assert seen.setdefault(name, place.id) == place.id, (name, seen[name], place.id)


@pytest.mark.parametrize(
    "name",
    [
        # Ambiguous: either the Ahrar or the Jumhuriya bridge.
        "Liberation Bridge",
        "جسر التحرير",
        # Ordinary words.
        "Bridge",
        "Gate",
        "Zone",
        "the Zone",
        "Palace",
        "الخضراء",
        "الجسر",
        # Organisations, which act in reports without being places. (A ministry's or
        # the parliament's name is kept on its building: reports use it as a place,
        # and the geoparser makes it an organisation when it speaks.)
        "Iraqi Parliament",
        "Al-Zawraa",
        # Labels no source supports.
        "Gate 12",
        "Checkpoint 1",
        "Kindi gate",
    ],
)
def test_name_is_not_an_alias_of_any_entry(places, name):
    assert all(name.casefold() not in names_of(p) for p in places)


def test_kindi_and_karrada_traps_are_documented(gazetteer):
    assert "karradat maryam" in gazetteer["karrada"].notes.casefold()
    assert "karrada" in gazetteer["karradat_maryam"].notes.casefold()
    for place_id in ["bridge_jumhuriya", "bridge_ahrar"]:
        assert "Liberation Bridge" in gazetteer[place_id].notes


def test_file_is_pretty_printed_utf8(raw_text):
    assert raw_text.startswith('{\n  "type": "FeatureCollection",')
    assert "\\u" not in raw_text
    assert "المنطقة الخضراء" in raw_text
    assert raw_text.endswith("}\n")


def test_feature_ids_match_properties(raw_text):
    for feature in json.loads(raw_text)["features"]:
        assert feature["id"] == feature["properties"]["id"]


def _coordinates(value):
    if isinstance(value, list) and value and isinstance(value[0], str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _coordinates(item)


def test_coordinates_are_lon_lat_with_at_most_seven_decimals(raw_text):
    data = json.loads(raw_text, parse_float=str)
    for feature in data["features"]:
        if feature["geometry"] is None:
            continue
        for lon, lat in _coordinates(feature["geometry"]["coordinates"]):
            assert len(lon.partition(".")[2]) <= 7, (feature["id"], lon)
            assert len(lat.partition(".")[2]) <= 7, (feature["id"], lat)
            assert 44.0 < float(lon) < 44.8, feature["id"]
            assert 33.0 < float(lat) < 33.6, feature["id"]


def test_polygons_are_counter_clockwise(places):
    for place in places:
        if place.geometry is not None and place.geometry.geom_type == "Polygon":
            assert place.geometry.exterior.is_ccw, place.id


# ------------------------------------------------------------- the whole city (issue 10)


def test_the_research_list_is_imported_whole(gazetteer):
    # 232 research entries: 219 new ids, 12 extending curated ids, the Tigris merged into 'tigris'
    city = [p for p in gazetteer.values() if p.origin.endswith("baghdad_places.geojson>")]
    assert len(city) == 219
    assert len(gazetteer) == 38 + 219  # the curated 37 and the Swedish embassy
    for place_id, kind in [
        ("sadr_city", "neighbourhood"),
        ("shorja_market", "market"),
        ("medical_city", "hospital"),
        ("baghdad_international_airport", "airport"),
        ("haifa_street", "street"),
        ("ministry_of_foreign_affairs", "ministry"),
        ("german_embassy", "embassy"),
        ("army_canal", "canal"),
        ("taji", "town"),
        ("kadhimiya_shrine", "shrine"),
    ]:
        assert gazetteer[place_id].kind == kind, place_id


def test_imported_entries_keep_their_provenance(gazetteer):
    sadr = gazetteer["sadr_city"]
    assert sadr.confidence in ("high", "medium", "low")
    assert sadr.source
    assert sadr.uncertainty_m >= 400
    assert sadr.geometry.geom_type in ("Polygon", "MultiPolygon", "Point")
    estimates = [p for p in gazetteer.values() if p.confidence == "low"]
    assert estimates
    assert all(p.coordinate_basis == "estimate" for p in estimates)


def test_historic_names_are_kept_apart(gazetteer):
    assert "Saddam City" in gazetteer["sadr_city"].historic_names
    assert "Saddam City" not in gazetteer["sadr_city"].aliases
    jumhuriya = gazetteer["bridge_jumhuriya"]
    assert "Queen Alia Bridge" in jumhuriya.historic_names
    assert "Queen Alia Bridge" not in jumhuriya.aliases
    assert "Jumhouriya Bridge" in jumhuriya.aliases  # a research spelling merged in


def test_ordinary_and_short_words_are_not_aliases(gazetteer):
    names = {n.casefold() for p in gazetteer.values() for n in p.all_names}
    for word in ("nile", "jihad", "sadr", "amin", "the river"):
        assert word not in names, word
    assert "dora" in names  # the neighbourhood's own name stays
    assert "left out" in gazetteer["sadr_city"].notes


def test_curated_coordinates_stay_when_research_extends_an_entry(gazetteer):
    assert gazetteer["bridge_jumhuriya"].geometry.geom_type == "LineString"
    assert gazetteer["karrada"].origin.endswith(f"{BUNDLED_GAZETTEER}>")


def test_the_city_is_drawn_at_its_sourced_city_point(gazetteer):
    # the source gives 33°20′N 44°23′E; the rough outline's inner point lies 5 km south
    city = gazetteer["baghdad_city"]
    assert city.lat_lon == pytest.approx((33.3333, 44.3833), abs=1e-4)
    assert "33°20′N 44°23′E" in city.source


@pytest.mark.parametrize(
    ("place_id", "lat", "lon"),
    [
        ("karkh", 33.3167, 44.4),  # 33°19′N 44°24′E
        ("rusafa", 33.331604, 44.415236),
        ("karrada", 33.300, 44.433),
        ("green_zone", 33.307577, 44.390259),
        ("bridge_jumhuriya", 33.324762, 44.404512),
        ("bridge_sarafiya", 33.35361, 44.37278),
    ],
)
def test_an_outline_or_line_is_drawn_at_the_point_its_source_gives(gazetteer, place_id, lat, lon):
    # our own outlines and lines are sketches; the published point is where a mention goes
    assert gazetteer[place_id].lat_lon == pytest.approx((lat, lon), abs=1e-4)
