"""Scoring event grouping against hand-grouped gold events (``evaluation/gold_events.json``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from gazetteer.geoparse import Geoparser
from gazetteer.model import Gazetteer, Place
from geo.errors import IncidentMapperError
from geo.relative import radius_m
from incidents.event_items import day_bounds
from incidents.event_rules import EventRules
from incidents.events import group_events, incident_event_ids
from incidents.model import Incident
from incidents.pipeline import analyse_report, incidents_frame
from incidents.reports import read_report

#: The targets CI holds the bundled evaluation set's events to.
EVENT_TARGETS = {"precision": 0.9, "recall": 0.9, "inflation": 1.1}
GOLD_EVENTS_FILE = "gold_events.json"


@dataclass
class EventScores:
    """Pairwise scores of a grouping against the gold events, with what went wrong.

    Over the gold incidents the pipeline found (matched by file, type and
    evidence), a pair of incidents is *predicted together* when they share a
    predicted event and *truly together* when they share a gold event.
    ``precision`` is the share of predicted-together pairs that are truly together,
    ``recall`` the share of truly-together pairs predicted together, and
    ``inflation`` the number of predicted events holding matched incidents over
    the number of gold events holding them (1.0 is ideal; above it, events are split).
    """

    gold_incidents: int = 0
    matched: int = 0
    predicted_incidents: int = 0
    predicted_events: int = 0
    gold_events: int = 0
    pairs_together: int = 0
    pairs_predicted: int = 0
    pairs_gold: int = 0
    unmatched: list[str] = field(default_factory=list)
    splits: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.pairs_together / self.pairs_predicted if self.pairs_predicted else 1.0

    @property
    def recall(self) -> float:
        return self.pairs_together / self.pairs_gold if self.pairs_gold else 1.0

    @property
    def inflation(self) -> float:
        return self.predicted_events / self.gold_events if self.gold_events else 1.0

    def below_targets(self) -> list[str]:
        """The targets these scores miss, as readable lines."""
        failed = []
        if self.precision < EVENT_TARGETS["precision"]:
            failed.append(f"precision = {self.precision:.3f} (target {EVENT_TARGETS['precision']})")
        if self.recall < EVENT_TARGETS["recall"]:
            failed.append(f"recall = {self.recall:.3f} (target {EVENT_TARGETS['recall']})")
        if self.inflation > EVENT_TARGETS["inflation"]:
            failed.append(f"inflation = {self.inflation:.3f} (target {EVENT_TARGETS['inflation']})")
        return failed

    def __str__(self) -> str:
        lines = [
            f"events: precision {self.precision:.3f}, recall {self.recall:.3f}, "
            f"inflation {self.inflation:.3f} "
            f"({self.predicted_events} predicted vs {self.gold_events} gold events)",
            f"  incidents matched: {self.matched} of {self.gold_incidents} gold "
            f"({self.predicted_incidents} predicted)",
            f"  pairs: {self.pairs_together} right, {self.pairs_predicted} predicted, "
            f"{self.pairs_gold} gold",
        ]
        for title, entries in (("split", self.splits), ("merged", self.merges)):
            lines.extend(f"  {title}: {entry}" for entry in entries)
        failed = self.below_targets()
        lines.append("  targets: " + ("met" if not failed else "MISSED: " + "; ".join(failed)))
        return "\n".join(lines)


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        msg = f"cannot read the {what}: {exc}"
        raise IncidentMapperError(msg, path=path) from exc


GoldKey = tuple[str, str, str]
"""(file, event_type, evidence) of a gold incident."""


def read_gold_events(folder: str | Path, gold: Mapping[str, Any]) -> dict[GoldKey, str]:
    """The gold event name of every gold incident, checked against ``gold.json``.

    Every gold incident must be in exactly one gold event.
    """
    path = Path(folder) / GOLD_EVENTS_FILE
    data = _read_json(path, "gold events")
    known = {
        (report["file"], incident["event_type"], incident.get("evidence") or "")
        for report in gold["reports"]
        for incident in report.get("incidents", [])
    }
    owner: dict[GoldKey, str] = {}
    names: set[str] = set()
    for index, event in enumerate(data.get("events", []) if isinstance(data, Mapping) else []):
        name = event.get("event") if isinstance(event, Mapping) else None
        if not isinstance(name, str) or not name or name in names:
            msg = f"event #{index + 1} needs a unique 'event' name, got {name!r}"
            raise IncidentMapperError(msg, path=path)
        names.add(name)
        for member in event.get("members", []):
            key = (member.get("file"), member.get("event_type"), member.get("evidence"))
            if key not in known:
                msg = f"event {name!r}: member {key} is not an incident of gold.json"
                raise IncidentMapperError(msg, path=path)
            if key in owner:
                msg = f"incident {key} is in two events: {owner[key]!r} and {name!r}"
                raise IncidentMapperError(msg, path=path)
            owner[key] = name
    left_out = sorted(known - set(owner))
    if left_out:
        msg = f"{len(left_out)} gold incident(s) are in no event, e.g. {left_out[0]}"
        raise IncidentMapperError(msg, path=path)
    return owner


def _place_extent(place: Place, gazetteer: Gazetteer) -> tuple[str, float, float, float] | None:
    """(id, lat, lon, uncertainty) of a gazetteer entry; an entry without coordinates
    of its own is placed at its nearest located container, as the geoparser does."""
    for place_id in (place.id, *gazetteer.ancestors(place.id)):
        entry = gazetteer.get(place_id)
        if entry is None or entry.lat_lon is None or entry.geometry is None:
            continue
        lat, lon = entry.lat_lon
        extent = radius_m(entry.geometry, crs=gazetteer.pack.metric_crs, around=Point(lon, lat))
        return entry.id, lat, lon, max(place.uncertainty_m, entry.uncertainty_m, extent)
    return None


def gold_incidents_frame(folder: str | Path, gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    """The gold incidents of ``gold.json`` as an incident table.

    Grouping these instead of the pipeline's incidents measures the grouping rules
    alone, as if extraction were perfect. Gold incidents carry a day but no time,
    and their places are gazetteer entries (a relative place counts by its anchor).
    """
    folder = Path(folder)
    gold = _read_json(folder / "gold.json", "gold annotations")
    incidents = []
    for report in gold["reports"]:
        for index, entry in enumerate(report.get("incidents", [])):
            place = gazetteer.get(entry.get("place_id") or "")
            extent = _place_extent(place, gazetteer) if place is not None else None
            day = entry.get("date")
            start = end = None
            if day:
                bounds = day_bounds(dt.date.fromisoformat(day), timezone=gazetteer.pack.timezone)
                start, end = (b.isoformat() for b in bounds)
            source = entry.get("source") or f"unattributed ({report['file']})"
            incidents.append(
                Incident(
                    incident_id=f"gold-{report['file']}-{index:03d}",
                    event_type=entry["event_type"],
                    sub_event_type=None,
                    acled_event_type=None,
                    actors=(),
                    date=day,
                    time_start=start,
                    time_end=end,
                    time_precision="day" if day else "unknown",
                    place_id=place.id if extent else None,
                    place_name=place.name if extent and place else None,
                    geo_precision=entry.get("precision") if extent else None,
                    uncertainty_m=extent[3] if extent else None,
                    resolved_by=None,
                    place_basis="sentence" if extent else None,
                    source=source,
                    source_type="social" if source.startswith("@") else "news",
                    via=None,
                    report=report["file"],
                    url=None,
                    evidence=entry.get("evidence") or "",
                    evidence_start=index,
                    evidence_end=index,
                    killed=entry.get("killed"),
                    injured=entry.get("injured"),
                    casualty_text=entry.get("evidence"),
                    claimed_by=entry.get("claimed_by"),
                    claim_status=entry.get("claim_status"),
                    lat=extent[1] if extent else None,
                    lon=extent[2] if extent else None,
                )
            )
    return incidents_frame(incidents)


def _pipeline_frame(folder: Path, gold: Mapping[str, Any], gazetteer: Gazetteer) -> pd.DataFrame:
    geoparser = Geoparser(gazetteer)
    found = []
    for entry in gold["reports"]:
        report = read_report(folder / "reports" / entry["file"])
        found.extend(analyse_report(report, geoparser).incidents)
    return incidents_frame(found)


def evaluate_events(
    folder: str | Path,
    gazetteer: Gazetteer,
    *,
    rules: EventRules | None = None,
    use_gold_incidents: bool = False,
) -> EventScores:
    """Score event grouping on the evaluation set in ``folder``.

    Runs the pipeline on ``reports/`` (or, with ``use_gold_incidents``, takes the
    incidents of ``gold.json`` as they are), groups the incidents, matches them
    to gold incidents by file, event type and evidence (the gold evidence is a
    substring of the predicted incident's sentence) and compares the grouping
    with ``gold_events.json``.
    """
    folder = Path(folder)
    gold = _read_json(folder / "gold.json", "gold annotations")
    gold_event = read_gold_events(folder, gold)
    if use_gold_incidents:
        frame = gold_incidents_frame(folder, gazetteer)
    else:
        frame = _pipeline_frame(folder, gold, gazetteer)
    events = group_events(frame, gazetteer=gazetteer, rules=rules)
    event_of = incident_event_ids(frame, events)
    scores = EventScores(predicted_incidents=len(frame), gold_incidents=len(gold_event))
    by_file: dict[str, list[tuple[str, str, str]]] = {}
    for incident_id, report, event_type, evidence in zip(
        frame["incident_id"], frame["report"], frame["event_type"], frame["evidence"], strict=True
    ):
        name = str(report).replace("\\", "/").rsplit("/", 1)[-1]
        by_file.setdefault(name, []).append((str(incident_id), str(event_type), str(evidence)))
    matched: list[tuple[GoldKey, str]] = []  # (gold key, predicted event id)
    for report in gold["reports"]:
        pool = list(by_file.get(report["file"], []))
        for entry in report.get("incidents", []):
            key = (report["file"], entry["event_type"], entry.get("evidence") or "")
            pair = next((p for p in pool if p[1] == key[1] and key[2] and key[2] in p[2]), None)
            if pair is None:
                scores.unmatched.append(f"{key[0]}: {key[1]} {key[2]!r}")
                continue
            pool.remove(pair)
            matched.append((key, str(event_of[pair[0]])))
    scores.matched = len(matched)
    scores.predicted_events = len({event for _, event in matched})
    scores.gold_events = len({gold_event[key] for key, _ in matched})
    for i, (key_a, event_a) in enumerate(matched):
        for key_b, event_b in matched[i + 1 :]:
            together = event_a == event_b
            truly = gold_event[key_a] == gold_event[key_b]
            scores.pairs_predicted += together
            scores.pairs_gold += truly
            scores.pairs_together += together and truly
    _explain(matched, gold_event, scores)
    return scores


def _short(key: GoldKey) -> str:
    return f"{key[0][:3]} {key[1]} {key[2][:40]!r}"


def _explain(
    matched: Sequence[tuple[GoldKey, str]], gold_event: Mapping[GoldKey, str], scores: EventScores
) -> None:
    by_gold: dict[str, dict[str, list[GoldKey]]] = {}
    by_predicted: dict[str, dict[str, list[GoldKey]]] = {}
    for key, event in matched:
        by_gold.setdefault(gold_event[key], {}).setdefault(event, []).append(key)
        by_predicted.setdefault(event, {}).setdefault(gold_event[key], []).append(key)
    for name, parts in by_gold.items():
        if len(parts) > 1:
            largest = max(parts.values(), key=len)
            strays = [k for part in parts.values() if part is not largest for k in part]
            scores.splits.append(
                f"{name!r} in {len(parts)} events; apart from the main one: "
                + "; ".join(_short(k) for k in strays)
            )
    for event, parts in by_predicted.items():
        if len(parts) > 1:
            scores.merges.append(
                f"{event} mixes "
                + " + ".join(f"{name!r} ({len(keys)})" for name, keys in parts.items())
            )
