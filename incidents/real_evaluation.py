"""Measure the reading of real published reports against their gold annotations.

The real set (``evaluation/real``, format in its ``README.md``) differs from the
written set in three ways that the scores follow:

- every Baghdad location carries the coordinates of the place (from the
  gazetteer, the research files or a public page), so a place the gazetteer
  lacks still counts: it is placed right when the tool puts it within 1 km;
- incidents are typed by ACLED's event and sub-event types, carry a status
  (happened, reported, announced, threatened, denied) and may be optional
  (background recalled in passing: neither a miss nor a false alarm);
- casualty claims are listed on their own, so a figure counts as found when
  some incident of the report states it, whatever incident type carries it.

Scores (:attr:`RealEvaluation.scores`):

- ``gazetteer_place_recall``: gold locations whose entry is in the gazetteer,
  resolved to that entry or within its uncertainty ("at the right spot");
  ``gazetteer_place_precision`` over the predicted locations that overlap
  them or overlap no gold mention at all;
- ``other_place_recall`` / ``other_place_precision``: the same for Baghdad
  places the gazetteer lacks, right when within 1 km;
- ``named_places_within_1km``: every named Baghdad location (city- and
  country-level mentions aside) placed within 1 km of its gold coordinates;
- ``wrong_mapping_share``: mapped mentions that are wrong (further from gold
  than their own uncertainty and 1 km, a trap or outside place mapped, or a
  location the gold does not know), over all mapped mentions;
- ``traps_mapped``: datelines, organisations, authors, attributes and places
  outside Baghdad given a Baghdad coordinate;
- ``incident_recall`` / ``incident_precision`` (and per ACLED event type):
  a gold incident is found when a predicted incident drawn as happened has
  the same ACLED event type and its sentence holds the gold evidence;
- ``sub_event_accuracy``, ``date_accuracy``, ``source_accuracy`` over the
  found incidents; ``casualty_figure_recall`` over the stated figures;
  ``not_happened_drawn_as_happened``: announced, threatened or denied
  incidents that the tool drew as having happened.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import Point

from gazetteer.geoparse import Geoparser, PlaceMention
from gazetteer.model import Gazetteer
from geo.crs import distance_m
from geo.errors import IncidentMapperError
from incidents.evaluation import Counts, base_id, missed_targets, overlap, span_of
from incidents.model import Incident
from incidents.pipeline import analyse_report
from incidents.reports import read_report

#: The targets CI holds the real set to (issue "Measure on real reports").
REAL_TARGETS: dict[str, float] = {
    "gazetteer_place_recall": 0.95,
    "named_places_within_1km": 0.85,
    "wrong_mapping_share": 0.02,
    "traps_mapped": 0,
    "incident_recall": 0.90,
    "incident_precision": 0.85,
    "date_accuracy": 0.95,
    "casualty_figure_recall": 0.90,
    "not_happened_drawn_as_happened": 0,
}
#: Scores where lower is better: a target is an upper bound.
UPPER_BOUNDS = frozenset({"wrong_mapping_share", "traps_mapped", "not_happened_drawn_as_happened"})
TRAP_ROLES = frozenset({"organisation", "dateline", "author", "attribute", "outside"})
DRAWN_STATUSES = frozenset({"happened", "reported"})
WITHIN_M = 1000.0
#: Gold precisions too coarse for a distance check: "Baghdad", "Iraq".
COARSE_PRECISIONS = frozenset({"city", "country"})


@dataclass
class RealEvaluation:
    """Scores over a real-report set, with every miss named by report and span."""

    reports: int = 0
    gazetteer_places: Counts = field(default_factory=Counts)
    other_places: Counts = field(default_factory=Counts)
    within_1km: int = 0
    named_places: int = 0
    mapped: int = 0
    wrong_mappings: int = 0
    traps: int = 0
    traps_mapped: int = 0
    incidents: Counts = field(default_factory=Counts)
    by_family: dict[str, Counts] = field(default_factory=dict)
    found: int = 0
    sub_events_right: int = 0
    dated: int = 0
    dates_right: int = 0
    sources_right: int = 0
    figures: int = 0
    figures_found: int = 0
    not_happened_drawn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def targets(self) -> Mapping[str, float]:
        return REAL_TARGETS

    @property
    def scores(self) -> dict[str, float]:
        def share(part: int, whole: int, empty: float = 1.0) -> float:
            return part / whole if whole else empty

        scores: dict[str, float] = {
            "gazetteer_place_precision": self.gazetteer_places.precision,
            "gazetteer_place_recall": self.gazetteer_places.recall,
            "other_place_precision": self.other_places.precision,
            "other_place_recall": self.other_places.recall,
            "named_places_within_1km": share(self.within_1km, self.named_places),
            "wrong_mapping_share": share(self.wrong_mappings, self.mapped, 0.0),
            "traps_mapped": self.traps_mapped,
            "incident_precision": self.incidents.precision,
            "incident_recall": self.incidents.recall,
            "incident_f1": self.incidents.f1,
        }
        for family in sorted(self.by_family):
            if not self.by_family[family].tp + self.by_family[family].fn:
                continue  # no gold incident of this family: a recall of nothing
            key = family.lower().replace("/", "_").replace(" ", "_")
            scores[f"recall[{key}]"] = self.by_family[family].recall
        scores.update(
            {
                "sub_event_accuracy": share(self.sub_events_right, self.found),
                "date_accuracy": share(self.dates_right, self.dated),
                "source_accuracy": share(self.sources_right, self.found),
                "casualty_figure_recall": share(self.figures_found, self.figures),
                "not_happened_drawn_as_happened": self.not_happened_drawn,
            }
        )
        return scores

    def below_targets(self) -> list[str]:
        """The targets this evaluation misses, as readable lines."""
        return missed_targets(self.scores, REAL_TARGETS, upper_bounds=UPPER_BOUNDS)


def load_real_gold(folder: str | Path) -> list[dict[str, Any]]:
    """Every gold file of a real set, sorted by report file name."""
    gold_dir = Path(folder) / "gold"
    entries = []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            msg = f"cannot read this gold file: {exc}"
            raise IncidentMapperError(msg, path=path) from exc
        if not isinstance(entry, dict) or "file" not in entry:
            msg = "a gold file holds one object with at least a 'file' key"
            raise IncidentMapperError(msg, path=path)
        entries.append(entry)
    if not entries:
        msg = "no gold files (gold/*.json) in this evaluation folder"
        raise IncidentMapperError(msg, path=gold_dir)
    return sorted(entries, key=lambda e: e["file"])


def evaluate_real(folder: str | Path, gazetteer: Gazetteer) -> RealEvaluation:
    """Score the real set in ``folder`` (``gold/*.json`` and ``reports/``)."""
    folder = Path(folder)
    geoparser = Geoparser(gazetteer)
    evaluation = RealEvaluation()
    for entry in load_real_gold(folder):
        path = folder / "reports" / entry["file"]
        report = read_report(path)
        result = analyse_report(report, geoparser)
        evaluation.reports += 1
        name = entry["file"]
        score_real_places(
            report.text,
            entry.get("places", []),
            result.mentions,
            gazetteer,
            evaluation,
            report=name,
        )
        score_real_incidents(report.text, entry, result.incidents, evaluation, report=name)
    return evaluation


def _where(report: str, span: tuple[int, int], text: str) -> str:
    return f"{report}:{span[0]}-{span[1]} {text!r}"


def _distance(mention: PlaceMention, lat: float, lon: float, gazetteer: Gazetteer) -> float:
    crs = gazetteer.pack.metric_crs
    return distance_m(Point(mention.lon, mention.lat), Point(lon, lat), crs=crs)


def _gold_point(entry: Mapping[str, Any], gazetteer: Gazetteer) -> tuple[float, float] | None:
    if entry.get("lat") is not None and entry.get("lon") is not None:
        return float(entry["lat"]), float(entry["lon"])
    place = gazetteer.get(entry.get("place_id")) if entry.get("place_id") else None
    return place.lat_lon if place is not None and place.lat_lon else None


def score_real_places(
    text: str,
    gold: Sequence[Mapping[str, Any]],
    predicted: Sequence[PlaceMention],
    gazetteer: Gazetteer,
    evaluation: RealEvaluation,
    *,
    report: str,
) -> None:
    """Add one report's place scores to ``evaluation``."""
    used: set[int] = set()
    spans: list[tuple[tuple[int, int], Mapping[str, Any]]] = []
    for entry in gold:
        span = span_of(text, entry["text"], int(entry.get("occurrence", 1)), report=report)
        spans.append((span, entry))
        overlapping = [
            (overlap(span, (m.start, m.end)), i)
            for i, m in enumerate(predicted)
            if i not in used and overlap(span, (m.start, m.end)) > 0
        ]
        index = max(overlapping)[1] if overlapping else None
        mention = predicted[index] if index is not None else None
        if index is not None:
            used.add(index)
        mapped = mention is not None and mention.is_location
        evaluation.mapped += mapped
        role = entry.get("role", "location")
        if role in TRAP_ROLES:
            evaluation.traps += 1
            if mapped:
                evaluation.traps_mapped += 1
                evaluation.wrong_mappings += 1
                evaluation.misses.append(
                    f"{_where(report, span, entry['text'])}: a {role}, mapped to {mention.place_id}"
                )
            continue
        if role != "location":
            continue
        _score_location(entry, span, mention, gazetteer, evaluation, report=report)
    for i, mention in enumerate(predicted):
        if i not in used and mention.is_location:
            _score_extra_location(mention, spans, gazetteer, evaluation, report=report)


def _score_extra_location(
    mention: PlaceMention,
    spans: Sequence[tuple[tuple[int, int], Mapping[str, Any]]],
    gazetteer: Gazetteer,
    evaluation: RealEvaluation,
    *,
    report: str,
) -> None:
    """A second mapped mention inside a gold span, or one where the gold has none.

    Inside a trap it is a trap mapped; inside a location it is a fragment of
    that mention, wrong only when it lands far from the gold place; anywhere
    else it maps a word the gold does not take for a place.
    """
    where = _where(report, (mention.start, mention.end), mention.text)
    covering = next(
        (entry for span, entry in spans if overlap(span, (mention.start, mention.end)) > 0), None
    )
    evaluation.mapped += 1
    if covering is not None and covering.get("role", "location") == "location":
        point = _gold_point(covering, gazetteer)
        if point is None or _distance(mention, *point, gazetteer) <= WITHIN_M:
            return
        evaluation.wrong_mappings += 1
        evaluation.misses.append(
            f"{where}: part of {covering['text']!r}, mapped "
            f"{_distance(mention, *point, gazetteer):.0f} m from it"
        )
        return
    evaluation.wrong_mappings += 1
    if covering is not None:
        evaluation.traps_mapped += 1
        evaluation.misses.append(
            f"{where}: inside the {covering.get('role')} {covering['text']!r}, mapped to "
            f"{mention.place_id}"
        )
        return
    evaluation.gazetteer_places.fp += 1
    evaluation.misses.append(
        f"{where}: mapped to {mention.place_id}, but the gold marks no place there"
    )


def _score_location(
    entry: Mapping[str, Any],
    span: tuple[int, int],
    mention: PlaceMention | None,
    gazetteer: Gazetteer,
    evaluation: RealEvaluation,
    *,
    report: str,
) -> None:
    gold_id = entry.get("place_id")
    point = _gold_point(entry, gazetteer)
    in_gazetteer = bool(gold_id) and gazetteer.get(gold_id) is not None
    counts = evaluation.gazetteer_places if in_gazetteer else evaluation.other_places
    mapped = mention is not None and mention.is_location
    where = _where(report, span, entry["text"])
    distance = _distance(mention, *point, gazetteer) if mapped and point is not None else None
    if point is not None and entry.get("precision") not in COARSE_PRECISIONS:
        evaluation.named_places += 1
        evaluation.within_1km += distance is not None and distance <= WITHIN_M
    if point is None and not in_gazetteer:
        return  # nothing places it: neither right nor wrong
    if in_gazetteer:
        place = gazetteer.get(gold_id)
        tolerance = max(place.uncertainty_m or 0.0, 100.0)
        right = mapped and (
            base_id(mention.anchor_id or mention.place_id) == gold_id
            or (distance is not None and distance <= tolerance)
        )
    else:
        right = distance is not None and distance <= WITHIN_M
    if right:
        counts.tp += 1
        return
    counts.fn += 1
    if not mapped:
        found = "not found" if mention is None else f"found as {mention.role}, not mapped"
        evaluation.misses.append(
            f"{where}: {found} (gold {gold_id or 'a place the gazetteer lacks'})"
        )
        return
    counts.fp += 1
    shown = f"{distance:.0f} m away" if distance is not None else "unknown distance"
    tolerance_m = max(mention.uncertainty_m or 0.0, WITHIN_M)
    if distance is not None and distance > tolerance_m:
        evaluation.wrong_mappings += 1
    evaluation.misses.append(
        f"{where}: mapped to {mention.place_id} ({shown}; gold {gold_id or 'not in gazetteer'})"
    )


def _family(incident: Incident) -> str | None:
    return incident.acled_event_type


def _status(incident: Incident) -> str:
    return getattr(incident, "status", None) or "happened"


def _figures_match(claim: Mapping[str, Any], incident: Incident) -> bool:
    killed, injured = claim.get("killed"), claim.get("injured")
    if killed is not None and incident.killed != killed:
        return False
    return injured is None or incident.injured == injured


def score_real_incidents(
    text: str,
    entry: Mapping[str, Any],
    predicted: Sequence[Incident],
    evaluation: RealEvaluation,
    *,
    report: str,
) -> None:
    """Add one report's incident, date, source and casualty scores to ``evaluation``."""
    # Incidents with no ACLED type (a bare casualty claim) are scored as claims only.
    drawn = [
        i
        for i, incident in enumerate(predicted)
        if _status(incident) in DRAWN_STATUSES and _family(incident) is not None
    ]
    unused = set(drawn)
    expected_source = entry.get("source")
    for gold in entry.get("incidents", []):
        evidence = gold.get("evidence") or ""
        family = gold["event_type"]
        match = _first(
            i
            for i in sorted(unused)
            if _family(predicted[i]) == family and evidence and evidence in predicted[i].evidence
        )
        status = gold.get("status", "happened")
        where = f"{report}:{_evidence_span(text, evidence)} {evidence!r}"
        if status not in DRAWN_STATUSES:
            if match is not None:
                unused.discard(match)
                evaluation.not_happened_drawn += 1
                evaluation.misses.append(f"{where}: {status} in the gold, drawn as happened")
            continue
        if match is None:
            if gold.get("optional"):
                continue
            evaluation.incidents.fn += 1
            evaluation.by_family.setdefault(family, Counts()).fn += 1
            kinds = sorted(
                {str(_family(predicted[i])) for i in drawn if evidence in predicted[i].evidence}
            )
            seen = f" (its sentence gave {', '.join(kinds)})" if kinds else ""
            evaluation.misses.append(f"{where}: missed {gold.get('sub_event_type')}{seen}")
            continue
        unused.discard(match)
        incident = predicted[match]
        if gold.get("optional"):
            continue
        evaluation.incidents.tp += 1
        evaluation.by_family.setdefault(family, Counts()).tp += 1
        evaluation.found += 1
        if incident.sub_event_type == gold.get("sub_event_type"):
            evaluation.sub_events_right += 1
        else:
            evaluation.misses.append(
                f"{where}: sub-event {incident.sub_event_type} (gold {gold.get('sub_event_type')})"
            )
        if gold.get("date") is not None:
            evaluation.dated += 1
            if incident.date == gold["date"]:
                evaluation.dates_right += 1
            else:
                evaluation.misses.append(f"{where}: day {incident.date} (gold {gold['date']})")
        if expected_source is None or incident.source == (gold.get("source") or expected_source):
            evaluation.sources_right += 1
        else:
            evaluation.misses.append(f"{where}: source {incident.source} (gold {expected_source})")
    for i in sorted(unused):
        incident = predicted[i]
        evaluation.incidents.fp += 1
        evaluation.by_family.setdefault(str(incident.acled_event_type), Counts()).fp += 1
        span = f"{incident.evidence_start}-{incident.evidence_end}"
        evaluation.misses.append(
            f"{report}:{span} {incident.evidence[:70]!r}: extra {incident.event_type}"
        )
    _score_claims(text, entry.get("claims", []), predicted, evaluation, report=report)


def _score_claims(
    text: str,
    claims: Iterable[Mapping[str, Any]],
    predicted: Sequence[Incident],
    evaluation: RealEvaluation,
    *,
    report: str,
) -> None:
    for claim in claims:
        if claim.get("killed") is None and claim.get("injured") is None:
            continue
        evaluation.figures += 1
        evidence = claim.get("evidence") or ""
        if any(evidence in i.evidence and _figures_match(claim, i) for i in predicted):
            evaluation.figures_found += 1
            continue
        stated = Counter(
            f"{i.killed}/{i.injured}"
            for i in predicted
            if evidence in i.evidence and (i.killed is not None or i.injured is not None)
        )
        got = f" (found {', '.join(sorted(stated))})" if stated else ""
        evaluation.misses.append(
            f"{report}:{_evidence_span(text, evidence)} {evidence!r}: figures "
            f"{claim.get('killed')}/{claim.get('injured')} not found{got}"
        )


def _evidence_span(text: str, evidence: str) -> str:
    start = text.find(evidence) if evidence else -1
    return f"{start}-{start + len(evidence)}" if start >= 0 else "?"


def _first(items: Iterable[int]) -> int | None:
    return next(iter(items), None)
