"""One test per rule of gazetteer.check, each on a small gazetteer broken on purpose."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from shapely.geometry import LineString, Point, Polygon, box, mapping

from gazetteer.check import (
    GEOMETRY_TYPES_BY_KIND,
    Problem,
    check_gazetteer_file,
    check_places,
    main,
)
from gazetteer.model import KINDS, Place

ORIGIN = "test.geojson"

# A made-up zone of about 0.9 x 1.1 km, a gate on its north edge, a north-south
# river east of it and a bridge across that river.
ZONE = box(44.39, 33.30, 44.40, 33.31)
GATE = Point(44.395, 33.31)
RIVER = LineString([(44.41, 33.32), (44.41, 33.29)])
BRIDGE = LineString([(44.405, 33.30), (44.415, 33.30)])


def place(place_id: str, kind: str, geometry, **fields) -> Place:
    """A valid, sourced place; override any field with keywords."""
    values = {
        "source": "made up for a test",
        "coordinate_basis": "estimate",
        "uncertainty_m": 100.0,
        "origin": ORIGIN,
    }
    values.update(fields)
    name = place_id.replace("_", " ").title()
    return Place(id=place_id, name=name, kind=kind, geometry=geometry, **values)


def base() -> list[Place]:
    return [
        place("zone", "zone", ZONE),
        place("zone_gate", "gate", GATE, part_of="zone"),
        place("river", "river", RIVER),
        place("bridge", "bridge", BRIDGE, adjacent_to=("zone_gate",)),
        place("hall", "building", Point(44.395, 33.305), part_of="zone"),
    ]


def replace(places: list[Place], place_id: str, **changes) -> list[Place]:
    return [dataclasses.replace(p, **changes) if p.id == place_id else p for p in places]


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def only_problem(problems: list[Problem], severity: str = "error") -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].severity == severity
    return problems[0]


def test_the_base_gazetteer_is_clean():
    assert check_places(base()) == []


def test_every_kind_has_a_geometry_rule():
    assert set(GEOMETRY_TYPES_BY_KIND) == KINDS


def test_problem_str_names_origin_entry_and_message():
    problem = Problem("zone_gate", "error", "gate is far away", "my.geojson")
    assert str(problem) == "my.geojson: entry 'zone_gate': gate is far away"
    assert str(Problem(None, "error", "not JSON", "my.geojson:3")) == "my.geojson:3: not JSON"


def test_duplicate_id_is_an_error():
    places = [*base(), place("hall", "building", Point(44.396, 33.306), part_of="zone")]
    problem = only_problem(check_places(places))
    assert problem.place_id == "hall"
    assert "duplicate id" in problem.message
    assert "#4 and #5" in problem.message


def test_missing_source_is_an_error():
    problem = only_problem(check_places(replace(base(), "hall", source="  ")))
    assert problem.place_id == "hall"
    assert "has no 'source'" in problem.message


def test_self_intersecting_polygon_is_an_error():
    bowtie = Polygon([(44.39, 33.30), (44.40, 33.31), (44.40, 33.30), (44.39, 33.31)])
    problems = check_places(replace(base(), "zone", geometry=bowtie))
    problem = only_problem(errors(problems))
    assert problem.place_id == "zone"
    assert "invalid Polygon geometry" in problem.message
    assert "Self-intersection" in problem.message
    assert "must not cross itself" in problem.message


def test_swapped_lat_lon_is_reported_as_such():
    problem = only_problem(check_places(replace(base(), "hall", geometry=Point(33.305, 44.395))))
    assert problem.place_id == "hall"
    assert "looks like lat/lon are swapped" in problem.message
    assert "[44.39500, 33.30500]" in problem.message


def test_a_point_far_from_baghdad_is_outside_the_area():
    problems = check_places(replace(base(), "hall", geometry=Point(2.35, 48.85)))
    problem = next(p for p in problems if "outside the expected area" in p.message)
    assert problem.place_id == "hall"
    assert "lon 43.8 to 45, lat 32.8 to 33.8" in problem.message
    assert not any("swapped" in p.message for p in problems)


def test_the_area_can_be_chosen():
    problems = check_places(base(), area=box(44.0, 33.0, 44.4, 33.6))
    ids = {p.place_id for p in problems if "outside the expected area" in p.message}
    assert ids == {"river", "bridge"}


def test_gate_far_from_its_zone_is_an_error():
    problem = only_problem(
        check_places(replace(base(), "zone_gate", geometry=Point(44.395, 33.33)))
    )
    assert problem.place_id == "zone_gate"
    assert "m from the edge of its zone 'zone'" in problem.message
    assert "at most 500 m" in problem.message


def test_gate_just_inside_or_outside_its_zone_is_fine():
    inside = replace(base(), "zone_gate", geometry=Point(44.395, 33.308))
    outside = replace(base(), "zone_gate", geometry=Point(44.395, 33.313))
    assert check_places(inside) == []
    assert check_places(outside) == []


def test_gate_without_a_zone_is_a_warning():
    problem = only_problem(check_places(replace(base(), "zone_gate", part_of=None)), "warning")
    assert problem.place_id == "zone_gate"
    assert "should be part_of the zone" in problem.message


def test_bridge_not_crossing_the_river_is_an_error():
    dry = LineString([(44.42, 33.30), (44.43, 33.30)])
    problem = only_problem(check_places(replace(base(), "bridge", geometry=dry)))
    assert problem.place_id == "bridge"
    assert "does not cross the river ('river'; nearest" in problem.message


def test_bridges_without_any_river_is_a_warning():
    places = [p for p in base() if p.id != "river"]
    problem = only_problem(check_places(places), "warning")
    assert problem.place_id is None
    assert "no entry of kind 'river'" in problem.message


def test_unknown_part_of_is_an_error():
    problem = only_problem(check_places(replace(base(), "hall", part_of="nowhere")))
    assert problem.place_id == "hall"
    assert "part_of 'nowhere' is not the id of any entry" in problem.message


def test_unknown_adjacent_to_is_an_error():
    problem = only_problem(check_places(replace(base(), "bridge", adjacent_to=("ghost",))))
    assert problem.place_id == "bridge"
    assert "adjacent_to 'ghost' is not the id of any entry" in problem.message


def test_adjacent_to_itself_is_a_warning():
    problems = check_places(replace(base(), "bridge", adjacent_to=("bridge",)))
    assert "adjacent_to names the entry itself" in only_problem(problems, "warning").message


def test_part_of_cycle_is_named():
    places = replace(base(), "zone", part_of="hall")
    problem = only_problem(errors(check_places(places)))
    assert problem.place_id == "zone"
    assert problem.message.startswith("part_of cycle: zone -> hall -> zone")


def test_part_of_itself_is_a_cycle():
    problem = only_problem(check_places(replace(base(), "hall", part_of="hall")))
    assert "part_of cycle: hall -> hall" in problem.message


def test_a_cycle_is_reported_once():
    places = [
        *base(),
        place("a", "district", ZONE, part_of="b"),
        place("b", "district", ZONE, part_of="c"),
        place("c", "district", ZONE, part_of="a"),
        place("d", "building", Point(44.395, 33.305), part_of="a"),
    ]
    cycles = [p for p in check_places(places) if "cycle" in p.message]
    assert [p.message.split(";")[0] for p in cycles] == ["part_of cycle: a -> b -> c -> a"]


@pytest.mark.parametrize(
    ("place_id", "geometry", "expected"),
    [
        (
            "zone",
            Point(44.395, 33.305),
            "a zone needs a MultiPolygon or Polygon geometry, got Point",
        ),
        ("zone_gate", box(44.394, 33.309, 44.396, 33.311), "a gate needs a Point geometry"),
        ("bridge", box(44.41, 33.30, 44.42, 33.31), "a bridge needs a LineString"),
        ("river", box(44.405, 33.29, 44.415, 33.32), "a river needs a LineString"),
        ("hall", LineString([(44.39, 33.30), (44.40, 33.31)]), "a building needs a"),
    ],
)
def test_wrong_geometry_type_is_an_error(place_id, geometry, expected):
    problems = errors(check_places(replace(base(), place_id, geometry=geometry)))
    problem = next(p for p in problems if p.place_id == place_id and "needs a" in p.message)
    assert expected in problem.message


def test_district_as_a_point_is_a_warning():
    places = [*base(), place("quarter", "district", Point(44.395, 33.305))]
    problem = only_problem(check_places(places), "warning")
    assert problem.place_id == "quarter"
    assert "a district given as a Point" in problem.message


def test_clockwise_polygon_is_a_warning():
    clockwise = Polygon(list(ZONE.exterior.coords)[::-1])
    assert not clockwise.exterior.is_ccw
    problem = only_problem(check_places(replace(base(), "zone", geometry=clockwise)), "warning")
    assert "runs clockwise" in problem.message


def test_not_located_with_geometry_is_a_warning():
    problems = check_places(replace(base(), "hall", coordinate_basis="not_located"))
    assert "use 'estimate'" in only_problem(problems, "warning").message


def test_missing_geometry_needs_not_located():
    problem = only_problem(check_places(replace(base(), "hall", geometry=None)))
    assert "has no geometry" in problem.message
    assert (
        check_places(replace(base(), "hall", geometry=None, coordinate_basis="not_located")) == []
    )


def test_empty_geometry_is_an_error():
    problem = only_problem(check_places(replace(base(), "hall", geometry=Point())))
    assert "geometry is empty" in problem.message


def test_place_far_outside_its_parent_is_an_error():
    far = Point(44.395, 33.33)  # about 2.2 km north of the zone
    problem = only_problem(check_places(replace(base(), "hall", geometry=far)))
    assert problem.place_id == "hall"
    assert "m outside 'zone', the place it is part_of" in problem.message


def test_place_outside_its_parent_within_its_uncertainty_is_fine():
    near = Point(44.395, 33.311)  # about 110 m north of the zone edge
    assert errors(check_places(replace(base(), "hall", geometry=near, uncertainty_m=50))) != []
    assert check_places(replace(base(), "hall", geometry=near, uncertainty_m=150)) == []


def test_area_reaching_outside_its_parent_is_measured_at_its_far_edge():
    wide = box(44.391, 33.301, 44.399, 33.318)  # reaches about 890 m north of the zone
    places = [*base(), place("quarter", "district", wide, part_of="zone", uncertainty_m=800)]
    problem = only_problem(check_places(places))
    assert "lies 8" in problem.message
    assert check_places(replace(places, "quarter", uncertainty_m=1000)) == []


def test_shared_alias_is_a_warning_naming_both_entries():
    places = replace(base(), "hall", aliases=("  green   ZONE ",))
    places = replace(places, "zone", aliases=("Green Zone",))
    problem = only_problem(check_places(places), "warning")
    assert problem.place_id == "hall"
    assert "'Green Zone' is shared by entries 'zone' and 'hall'" in problem.message


def test_shared_arabic_alias_is_a_warning():
    places = replace(base(), "hall", aliases_ar=("كرادة مريم",))
    places = replace(places, "zone", name_ar="كرادة مريم")
    problem = only_problem(check_places(places), "warning")
    assert "'zone' and 'hall'" in problem.message


def test_repeated_alias_within_one_entry_is_not_shared():
    places = replace(base(), "hall", aliases=("Hall", "HALL"))
    assert check_places(places) == []


def write_gazetteer(path: Path, places: list[Place]) -> Path:
    features = [
        {
            "type": "Feature",
            "id": p.id,
            "properties": {
                "id": p.id,
                "name": p.name,
                "kind": p.kind,
                "part_of": p.part_of,
                "adjacent_to": list(p.adjacent_to),
                "coordinate_basis": p.coordinate_basis,
                "uncertainty_m": p.uncertainty_m,
                "source": p.source,
            },
            "geometry": mapping(p.geometry) if p.geometry is not None else None,
        }
        for p in places
    ]
    data = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_check_file_reports_problems_with_the_file_as_origin(tmp_path):
    path = write_gazetteer(tmp_path / "g.geojson", [*base(), *base()[:1]])
    problem = only_problem(check_gazetteer_file(path))
    assert str(problem).startswith(f"{path}: entry 'zone': duplicate id")


def test_check_file_turns_a_read_error_into_one_problem(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [,]}', encoding="utf-8")
    problem = only_problem(check_gazetteer_file(path))
    assert problem.place_id is None
    assert problem.origin == f"{path}:2"
    assert "not valid JSON" in problem.message


def test_check_file_reports_a_missing_file(tmp_path):
    problem = only_problem(check_gazetteer_file(tmp_path / "absent.geojson"))
    assert "not found" in str(problem)


def test_check_file_with_bundled_resolves_bundled_ids(tmp_path):
    gate = place("my_gate", "gate", Point(44.3935, 33.3192), part_of="green_zone")
    path = write_gazetteer(tmp_path / "mine.geojson", [gate])
    alone = check_gazetteer_file(path)
    assert any("part_of 'green_zone' is not the id" in p.message for p in alone)
    assert check_gazetteer_file(path, with_bundled=True) == []


def test_main_exit_status_and_output(tmp_path, capsys):
    good = write_gazetteer(tmp_path / "good.geojson", base())
    bad = write_gazetteer(tmp_path / "bad.geojson", replace(base(), "hall", source=""))
    assert main([str(good)]) == 0
    assert capsys.readouterr().out == ""
    assert main([str(good), str(bad)]) == 1
    assert f"error: {bad}: entry 'hall': has no 'source'" in capsys.readouterr().out


def test_a_street_need_not_cross_the_river_but_a_bridge_point_must_reach_it():
    river = Place(
        id="river", name="River", kind="river", source="s", coordinate_basis="estimate",
        uncertainty_m=100, geometry=LineString([(44.40, 33.40), (44.40, 33.20)]),
    )  # fmt: skip
    street = Place(
        id="street", name="Long Street", kind="street", source="s", coordinate_basis="published",
        uncertainty_m=500, geometry=LineString([(44.30, 33.30), (44.35, 33.31)]),
    )  # fmt: skip
    far = Place(
        id="far_bridge", name="Far Bridge", kind="bridge", source="s",
        coordinate_basis="published", uncertainty_m=200, geometry=Point(44.30, 33.30),
    )  # fmt: skip
    near = Place(
        id="near_bridge", name="Near Bridge", kind="bridge", source="s",
        coordinate_basis="published", uncertainty_m=200, geometry=Point(44.4015, 33.30),
    )  # fmt: skip
    problems = check_places([river, street, far, near])
    assert {p.place_id for p in problems if p.severity == "error"} == {"far_bridge"}
    assert "bridge point lies" in next(p.message for p in problems if p.place_id == "far_bridge")


def test_an_area_given_as_a_point_needs_a_radius():
    small = Place(
        id="quarter", name="Quarter", kind="neighbourhood", source="s",
        coordinate_basis="published",
        uncertainty_m=100, geometry=Point(44.40, 33.30),
    )  # fmt: skip
    wide = dataclasses.replace(small, id="wide", name="Wide", uncertainty_m=800)
    warned = {p.place_id for p in check_places([small, wide]) if p.severity == "warning"}
    assert warned == {"quarter"}


@pytest.mark.parametrize("kind", ["street", "market", "hospital", "airport", "embassy", "town"])
def test_new_kinds_are_known(kind):
    assert kind in KINDS
