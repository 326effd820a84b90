"""The accuracy targets on the bundled evaluation set: CI fails below them."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents.evaluation import TARGETS, Counts, evaluate

EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"


@pytest.fixture(scope="module")
def evaluation(gazetteer):
    return evaluate(EVALUATION, gazetteer)


def test_the_set_is_big_enough(evaluation):
    assert evaluation.reports >= 20
    assert evaluation.roles_total >= 150
    assert evaluation.incidents.tp + evaluation.incidents.fn >= 100


def test_place_resolution_meets_its_target(evaluation):
    assert evaluation.scores["place_f1"] >= TARGETS["place_f1"], evaluation.misses


def test_no_non_location_is_mapped(evaluation):
    assert evaluation.non_locations_mapped == 0, evaluation.misses


def test_incident_extraction_meets_its_target(evaluation):
    assert evaluation.scores["incident_f1"] >= TARGETS["incident_f1"], evaluation.misses


def test_date_and_source_attribution_meet_their_targets(evaluation):
    assert evaluation.scores["date_accuracy"] >= TARGETS["date_accuracy"], evaluation.misses
    assert evaluation.scores["source_accuracy"] >= TARGETS["source_accuracy"], evaluation.misses


def test_place_errors_stay_within_the_gazetteer_uncertainty(evaluation):
    assert evaluation.scores["p90_error_m"] < 500


def test_below_targets_names_each_missed_target():
    from incidents.evaluation import Evaluation

    poor = Evaluation(places=Counts(tp=1, fp=1, fn=1), non_locations_mapped=2)
    failed = poor.below_targets()
    assert any(line.startswith("place_f1") for line in failed)
    assert any(line.startswith("non_locations_mapped") for line in failed)


def test_counts_compute_precision_recall_f1():
    counts = Counts(tp=8, fp=2, fn=0)
    assert (counts.precision, counts.recall) == (0.8, 1.0)
    assert counts.f1 == pytest.approx(2 * 0.8 / 1.8)
