"""The real-set scorer on a small set written here, so each rule is seen to count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.errors import IncidentMapperError
from incident_map.cli import cli
from incidents.evaluation import Evaluation, evaluate_folder
from incidents.real_evaluation import REAL_TARGETS, RealEvaluation, evaluate_real

REPORT = """source: Test Wire
url: https://example.org/blast
date: 2009-05-06
title: Blast at a market
note: written for this test

BAGHDAD, May 6 (Test Wire) - A car bomb exploded on Wednesday at Tahrir Square, killing 11 \
people, police said. Protesters plan to march to the Jumhuriya Bridge next Friday.
"""


def _write_set(folder: Path, gold: dict) -> Path:
    (folder / "reports").mkdir(parents=True)
    (folder / "gold").mkdir()
    (folder / "reports" / "r900_test.txt").write_text(REPORT, encoding="utf-8")
    (folder / "gold" / "r900_test.json").write_text(json.dumps(gold), encoding="utf-8")
    return folder


def _gold(**changes) -> dict:
    gold = {
        "file": "r900_test.txt",
        "source": "Test Wire",
        "date": "2009-05-06",
        "places": [
            {"text": "BAGHDAD", "occurrence": 1, "role": "dateline", "place_id": None},
            {
                "text": "Tahrir Square",
                "occurrence": 1,
                "role": "location",
                "place_id": "tahrir_square",
                "precision": "exact",
                "lat": None,
                "lon": None,
            },
            {
                "text": "Jumhuriya Bridge",
                "occurrence": 1,
                "role": "location",
                "place_id": "bridge_jumhuriya",
                "precision": "exact",
            },
        ],
        "incidents": [
            {
                "event_type": "Explosions/Remote violence",
                "sub_event_type": "Remote explosive/landmine/IED",
                "status": "happened",
                "date": "2009-05-06",
                "evidence": "A car bomb exploded",
            },
            {
                "event_type": "Protests",
                "sub_event_type": "Peaceful protest",
                "status": "announced",
                "date": None,
                "evidence": "plan to march",
            },
        ],
        "claims": [
            {"killed": 11, "injured": None, "claimed_by": "police", "evidence": "killing 11"}
        ],
    }
    gold.update(changes)
    return gold


def test_a_real_set_is_scored_by_the_real_scorer(tmp_path, gazetteer):
    folder = _write_set(tmp_path / "real", _gold())
    result = evaluate_folder(folder, gazetteer)
    assert isinstance(result, RealEvaluation)
    assert result.reports == 1
    scores = result.scores
    assert set(REAL_TARGETS) <= set(scores)
    assert scores["gazetteer_place_recall"] == 1.0
    assert scores["traps_mapped"] == 0
    assert result.traps == 1
    assert result.figures == 1


def test_the_written_set_keeps_its_own_scorer(gazetteer):
    written = Path(__file__).resolve().parents[1] / "evaluation"
    assert isinstance(evaluate_folder(written, gazetteer), Evaluation)


def test_a_trap_mapped_counts_as_a_wrong_mapping(tmp_path, gazetteer):
    gold = _gold()
    gold["places"][1]["role"] = "organisation"  # pretend Tahrir Square were an outlet
    result = evaluate_real(_write_set(tmp_path / "real", gold), gazetteer)
    assert result.traps_mapped == 1
    assert result.scores["wrong_mapping_share"] > 0
    assert any("a organisation, mapped to tahrir_square" in m for m in result.misses)


def test_a_place_placed_far_from_gold_is_wrong_and_named_with_its_span(tmp_path, gazetteer):
    gold = _gold()
    # A place the gazetteer lacks, put 5 km from the square: the tool's answer is wrong.
    gold["places"][1].update(place_id=None, lat=33.30, lon=44.40)
    result = evaluate_real(_write_set(tmp_path / "real", gold), gazetteer)
    assert result.scores["other_place_recall"] == 0.0
    assert result.scores["named_places_within_1km"] < 1.0
    start = REPORT.index("Tahrir Square")
    assert any(m.startswith(f"r900_test.txt:{start}-{start + 13}") for m in result.misses)


def test_an_incident_of_another_family_is_a_miss_and_an_extra(tmp_path, gazetteer):
    gold = _gold()
    gold["incidents"][0]["event_type"] = "Battles"
    result = evaluate_real(_write_set(tmp_path / "real", gold), gazetteer)
    assert result.incidents.fn >= 1
    assert "recall[battles]" in result.scores
    assert result.scores["recall[battles]"] == 0.0


def test_optional_incidents_are_neither_missed_nor_extra(tmp_path, gazetteer):
    gold = _gold()
    gold["incidents"][0].update(event_type="Battles", optional=True)
    result = evaluate_real(_write_set(tmp_path / "real", gold), gazetteer)
    assert all("missed Remote explosive" not in m for m in result.misses)


def test_below_targets_names_upper_and_lower_bounds():
    poor = RealEvaluation(traps_mapped=1, named_places=10, within_1km=1)
    failed = poor.below_targets()
    assert any(line.startswith("traps_mapped") for line in failed)
    assert any(line.startswith("named_places_within_1km") for line in failed)


def test_a_broken_gold_file_is_named(tmp_path, gazetteer):
    folder = _write_set(tmp_path / "real", _gold())
    (folder / "gold" / "r901_bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IncidentMapperError) as caught:
        evaluate_real(folder, gazetteer)
    assert caught.value.path is not None
    assert str(caught.value.path).endswith("r901_bad.json")


def test_the_cli_prints_every_real_figure_with_its_target(tmp_path):
    folder = _write_set(tmp_path / "real", _gold())
    run = CliRunner().invoke(cli, ["evaluate", str(folder), "--misses"])
    assert "reports: 1" in run.output
    for name, target in REAL_TARGETS.items():
        assert any(
            line.startswith(name) and f"(target {target})" in line
            for line in run.output.splitlines()
        ), name


def test_a_second_mapping_inside_a_trap_counts_as_a_trap_mapped(gazetteer):
    from gazetteer.geoparse import PlaceMention
    from incidents.real_evaluation import score_real_places

    text = "Gunmen struck the northern city of Mosul."
    trap = {"text": "the northern city of Mosul", "occurrence": 1, "role": "outside"}
    start = text.index("city")
    inner = PlaceMention(
        "city", start, start + 4, "location", place_id="baghdad_city", lat=33.33, lon=44.38
    )
    outer = PlaceMention("Mosul", text.index("Mosul"), text.index("Mosul") + 5, "outside")
    result = RealEvaluation()
    score_real_places(text, [trap], [outer, inner], gazetteer, result, report="r.txt")
    assert result.traps_mapped == 1
    assert result.wrong_mappings == 1


def test_a_fragment_of_a_location_near_its_place_is_not_wrong(gazetteer):
    from gazetteer.geoparse import PlaceMention
    from incidents.real_evaluation import score_real_places

    text = "A bomb hit Baghdad's Karrada district."
    gold = {
        "text": "Baghdad's Karrada district",
        "occurrence": 1,
        "role": "location",
        "place_id": "karrada",
        "precision": "district",
    }
    karrada = gazetteer.get("karrada")
    lat, lon = karrada.lat_lon
    at = text.index("Karrada")
    whole = PlaceMention("Karrada district", at, at + 16, "location", "karrada", lat=lat, lon=lon)
    near = PlaceMention("Karrada", at, at + 7, "location", "karrada", lat=lat, lon=lon)
    result = RealEvaluation()
    score_real_places(text, [gold], [whole, near], gazetteer, result, report="r.txt")
    assert result.wrong_mappings == 0
    assert result.gazetteer_places.tp == 1
