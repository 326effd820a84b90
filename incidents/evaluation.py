"""Measure geoparsing and incident extraction against hand-annotated gold data.

The gold file (``evaluation/gold.json``, format in ``evaluation/README.md``)
names, per report, the place mentions an analyst would mark and the incidents
they would accept. Scores:

- **places**: precision, recall and F1 of resolved locations (a predicted
  location is right when its span overlaps the gold mention and it resolves to
  the gold entry; a relative location counts by its anchor); the median and
  90th-percentile distance in metres between predicted points and the gold
  entries' points; and how many non-locations (organisations, datelines, author
  lines, attributes) were mapped as locations, which must be none;
- **incidents**: precision, recall and F1 of (type, place) per report; over
  incidents matched by type and evidence, the share with the right day and the
  right source, and the exact-match rate of casualty claims.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shapely.geometry import Point

from gazetteer.geoparse import Geoparser, PlaceMention
from gazetteer.model import Gazetteer
from geo.crs import distance_m
from geo.errors import IncidentMapperError
from incidents.model import Incident
from incidents.pipeline import analyse_report
from incidents.reports import read_report

if TYPE_CHECKING:
    from incidents.real_evaluation import RealEvaluation

#: The targets CI holds the bundled evaluation set to.
TARGETS = {
    "place_f1": 0.95,
    "non_locations_mapped": 0,
    "incident_f1": 0.85,
    "date_accuracy": 0.95,
    "source_accuracy": 0.95,
}
NON_LOCATION_ROLES = frozenset({"organisation", "dateline", "author", "attribute"})


@dataclass
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """Scores over a whole evaluation set, with the cases that went wrong."""

    reports: int = 0
    places: Counts = field(default_factory=Counts)
    errors_m: list[float] = field(default_factory=list)
    non_locations_mapped: int = 0
    roles_right: int = 0
    roles_total: int = 0
    incidents: Counts = field(default_factory=Counts)
    attributed: int = 0
    dates_right: int = 0
    sources_right: int = 0
    claims: int = 0
    claims_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def scores(self) -> dict[str, float]:
        errors = sorted(self.errors_m)
        return {
            "place_precision": self.places.precision,
            "place_recall": self.places.recall,
            "place_f1": self.places.f1,
            "median_error_m": statistics.median(errors) if errors else 0.0,
            "p90_error_m": errors[int(0.9 * (len(errors) - 1))] if errors else 0.0,
            "non_locations_mapped": self.non_locations_mapped,
            "role_accuracy": self.roles_right / self.roles_total if self.roles_total else 1.0,
            "incident_precision": self.incidents.precision,
            "incident_recall": self.incidents.recall,
            "incident_f1": self.incidents.f1,
            "date_accuracy": self.dates_right / self.attributed if self.attributed else 1.0,
            "source_accuracy": self.sources_right / self.attributed if self.attributed else 1.0,
            "casualty_exact_match": self.claims_right / self.claims if self.claims else 1.0,
        }

    @property
    def targets(self) -> dict[str, float]:
        return TARGETS

    def below_targets(self) -> list[str]:
        """The targets this evaluation misses, as readable lines."""
        return missed_targets(self.scores, TARGETS, upper_bounds={"non_locations_mapped"})


def missed_targets(
    scores: Mapping[str, float],
    targets: Mapping[str, float],
    *,
    upper_bounds: Collection[str] = (),
) -> list[str]:
    """The targets ``scores`` miss, one readable line each.

    A target is a lower bound, except for the names in ``upper_bounds`` (counts
    of things that must not happen, shares of wrong answers).
    """
    failed = []
    for name, target in targets.items():
        value = scores[name]
        worse = value > target if name in upper_bounds else value < target
        if worse:
            failed.append(f"{name} = {value:.3f} (target {target})")
    return failed


def span_of(text: str, needle: str, occurrence: int, *, report: str) -> tuple[int, int]:
    position = -1
    for _ in range(max(1, occurrence)):
        position = text.find(needle, position + 1)
        if position < 0:
            msg = f"gold text {needle!r} (occurrence {occurrence}) is not in the report"
            raise IncidentMapperError(msg, path=report)
    return position, position + len(needle)


def base_id(place_id: str | None) -> str | None:
    if place_id and place_id.startswith("rel:"):
        return place_id.split(":", 2)[2]
    return place_id


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_places(
    text: str,
    gold: Sequence[dict[str, Any]],
    predicted: Sequence[PlaceMention],
    gazetteer: Gazetteer,
    evaluation: Evaluation,
    *,
    report: str,
) -> None:
    """Add one report's place scores to ``evaluation``."""
    used: set[int] = set()
    for entry in gold:
        span = span_of(text, entry["text"], int(entry.get("occurrence", 1)), report=report)
        candidates = [
            (i, overlap(span, (m.start, m.end)))
            for i, m in enumerate(predicted)
            if i not in used and overlap(span, (m.start, m.end)) > 0
        ]
        match = max(candidates, key=lambda c: c[1])[0] if candidates else None
        mention = predicted[match] if match is not None else None
        if match is not None:
            used.add(match)
        role = entry.get("role", "location")
        evaluation.roles_total += 1
        predicted_role = mention.role if mention else None
        if predicted_role == role or (mention is None and role in NON_LOCATION_ROLES):
            evaluation.roles_right += 1
        if role in NON_LOCATION_ROLES or role == "outside":
            if mention is not None and mention.is_location:
                evaluation.non_locations_mapped += role in NON_LOCATION_ROLES
                evaluation.places.fp += 1
                evaluation.misses.append(
                    f"{report}: {entry['text']!r} is {role}, mapped as location"
                )
            continue
        gold_id = entry.get("place_id")
        if gold_id is None:
            continue
        predicted_id = base_id(mention.anchor_id or mention.place_id) if mention else None
        if mention is not None and mention.is_location and predicted_id == gold_id:
            evaluation.places.tp += 1
        else:
            evaluation.places.fn += 1
            if mention is not None and mention.is_location:
                evaluation.places.fp += 1
            evaluation.misses.append(
                f"{report}: {entry['text']!r} -> {predicted_id} (gold {gold_id})"
            )
        gold_place = gazetteer.get(gold_id)
        if mention is not None and mention.is_location and gold_place and gold_place.lat_lon:
            lat, lon = gold_place.lat_lon
            evaluation.errors_m.append(
                distance_m(
                    Point(mention.lon, mention.lat), Point(lon, lat), crs=gazetteer.pack.metric_crs
                )
            )
    for i, mention in enumerate(predicted):
        if i not in used and mention.is_location:
            evaluation.places.fp += 1
            evaluation.misses.append(
                f"{report}: extra location {mention.text!r} -> {mention.place_id}"
            )


def _claim_matches(gold: dict[str, Any], incident: Incident) -> bool:
    if gold.get("killed") != incident.killed or gold.get("injured") != incident.injured:
        return False
    if gold.get("claim_status") != incident.claim_status:
        return False
    gold_by = (gold.get("claimed_by") or "").casefold()
    got_by = (incident.claimed_by or "").casefold()
    return (not gold_by and not got_by) or bool(
        gold_by and got_by and (gold_by in got_by or got_by in gold_by)
    )


def score_incidents(
    gold: Sequence[dict[str, Any]],
    predicted: Sequence[Incident],
    evaluation: Evaluation,
    *,
    report: str,
    fallback_source: str | None = None,
) -> None:
    """Add one report's incident scores to ``evaluation``.

    A gold source of null means the report names none: the right answer is then
    the readable fallback name (``fallback_source``), never an invented outlet.
    """
    unused = list(range(len(predicted)))
    for entry in gold:
        match = next(
            (
                i for i in unused
                if predicted[i].event_type == entry["event_type"]
                and base_id(predicted[i].place_id) == entry.get("place_id")
            ),
            None,
        )  # fmt: skip
        if match is None:
            evaluation.incidents.fn += 1
            evaluation.misses.append(
                f"{report}: missed {entry['event_type']} at {entry.get('place_id')} "
                f"({entry.get('evidence', '')!r})"
            )
        else:
            evaluation.incidents.tp += 1
            unused.remove(match)
    evaluation.incidents.fp += len(unused)
    for i in unused:
        evaluation.misses.append(
            f"{report}: extra {predicted[i].event_type} at {predicted[i].place_id} "
            f"({predicted[i].evidence[:60]!r})"
        )
    # Attribution: pair gold and predicted by type and evidence, whatever the place.
    pool = list(predicted)
    for entry in gold:
        evidence = entry.get("evidence") or ""
        pair = next(
            (
                p
                for p in pool
                if p.event_type == entry["event_type"] and evidence and evidence in p.evidence
            ),
            None,
        )
        if pair is None:
            continue
        pool.remove(pair)
        evaluation.attributed += 1
        if pair.date == entry.get("date"):
            evaluation.dates_right += 1
        else:
            evaluation.misses.append(
                f"{report}: date {pair.date} (gold {entry.get('date')}) for {evidence!r}"
            )
        expected_source = entry.get("source") or fallback_source
        if pair.source == expected_source:
            evaluation.sources_right += 1
        else:
            evaluation.misses.append(f"{report}: source {pair.source} (gold {entry.get('source')})")
        if entry["event_type"] == "casualties":
            evaluation.claims += 1
            if _claim_matches(entry, pair):
                evaluation.claims_right += 1
            else:
                evaluation.misses.append(
                    f"{report}: claim {pair.killed}/{pair.injured} by {pair.claimed_by} "
                    f"({pair.claim_status}) vs gold {entry.get('killed')}/{entry.get('injured')} "
                    f"by {entry.get('claimed_by')} ({entry.get('claim_status')})"
                )


def evaluate(folder: str | Path, gazetteer: Gazetteer) -> Evaluation:
    """Score the evaluation set in ``folder`` (``gold.json`` and ``reports/``).

    A folder with a ``gold/`` directory of one file per report is a real-report
    set: use :func:`evaluate_folder`, which picks the right scorer.
    """
    folder = Path(folder)
    gold_path = folder / "gold.json"
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        msg = f"cannot read the gold annotations: {exc}"
        raise IncidentMapperError(msg, path=gold_path) from exc
    geoparser = Geoparser(gazetteer)
    evaluation = Evaluation()
    for entry in gold["reports"]:
        path = folder / "reports" / entry["file"]
        report = read_report(path)
        result = analyse_report(report, geoparser)
        evaluation.reports += 1
        score_places(
            report.text,
            entry.get("places", []),
            result.mentions,
            gazetteer,
            evaluation,
            report=entry["file"],
        )
        fallback = report.source if report.source_origin == "filename" else None
        score_incidents(
            entry.get("incidents", []),
            result.incidents,
            evaluation,
            report=entry["file"],
            fallback_source=fallback,
        )
    return evaluation


def evaluate_folder(folder: str | Path, gazetteer: Gazetteer) -> Evaluation | RealEvaluation:
    """Score an annotated folder in the format it is written in.

    ``gold.json`` is the written set's format (:func:`evaluate`); a ``gold/``
    folder of one file per report is the real set's (:func:`evaluate_real`).
    """
    from incidents.real_evaluation import evaluate_real

    folder = Path(folder)
    if (folder / "gold").is_dir() and not (folder / "gold.json").is_file():
        return evaluate_real(folder, gazetteer)
    return evaluate(folder, gazetteer)
