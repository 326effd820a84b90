"""Tests for incidents.events: grouping incidents into events, one rule at a time."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon

from gazetteer.model import Gazetteer, Place, load_gazetteer
from geo.errors import IncidentMapperError
from incidents.event_claims import claimant_key
from incidents.event_evaluation import evaluate_events, read_gold_events
from incidents.events import (
    EVENT_COLUMNS,
    EventRules,
    event_id_for,
    group_events,
    incident_event_ids,
    load_event_rules,
)
from incidents.model import Incident
from incidents.pipeline import incidents_frame

REPO = Path(__file__).resolve().parents[1]
DAY = "2021-11-05"
NEXT_DAY = "2021-11-06"

HOSTILE_EVIDENCE = (
    "<script>alert(1)</script> stones flew, \"quoted\" & 'single' &amp; {{ 7*7 }} {% raw %} "
    "اشتباكات قرب البوابة"
)
HOSTILE_PLACE = "<img src=x onerror=alert(1)> بوابة الشمال"
HOSTILE_OUTLET = "Daily <img src=x onerror=alert(1)> {{ 7*7 }}"
HOSTILE_URL = "javascript:alert(1)"


# ----------------------------------------------------------------------------- helpers


def _place(place_id: str, kind: str, geometry, uncertainty: float, **extra) -> Place:
    return Place(
        id=place_id,
        name=extra.pop("name", place_id.replace("_", " ").title()),
        kind=kind,
        geometry=geometry,
        source="test fixture",
        coordinate_basis=extra.pop("basis", "estimate"),
        uncertainty_m=uncertainty,
        **extra,
    )


@pytest.fixture(scope="module")
def small_gazetteer() -> Gazetteer:
    """A made-up city: a walled zone with a north and a south gate, a bridge from the
    north gate to a square across the river, and a square far to the north-west."""
    city = Polygon([(44.33, 33.25), (44.46, 33.25), (44.46, 33.36), (44.33, 33.36)])
    zone = Polygon([(44.38, 33.295), (44.41, 33.295), (44.41, 33.325), (44.38, 33.325)])
    return Gazetteer(
        [
            _place("city_x", "city", city, 5000.0),
            _place("zone_a", "zone", zone, 400.0, part_of="city_x"),
            _place(
                "gate_n", "gate", Point(44.403, 33.323), 300.0,
                part_of="zone_a", adjacent_to=("bridge_x",), name=HOSTILE_PLACE,
            ),
            _place("gate_s", "gate", Point(44.400, 33.297), 250.0, part_of="zone_a"),
            _place("gate_w", "gate", Point(44.3815, 33.310), 300.0, part_of="zone_a"),
            _place(
                "bridge_x", "bridge", LineString([(44.404, 33.3245), (44.409, 33.329)]), 200.0,
                part_of="city_x", adjacent_to=("square_e",),
            ),
            _place("square_e", "square", Point(44.4101, 33.3293), 200.0, part_of="city_x"),
            _place("far_square", "square", Point(44.37, 33.35), 200.0, part_of="city_x"),
            _place(
                "hidden_gate", "gate", None, 2000.0, part_of="zone_a", basis="not_located"
            ),
        ]
    )  # fmt: skip


#: Uncertainty the pipeline gives each place (a zone's is the radius covering it).
UNCERTAINTY = {"zone_a": 2000.0, "city_x": 7000.0, "bridge_x": 400.0}
PRECISION = {"zone": "zone", "city": "city", "gate": "estimated", "bridge": "estimated"}


def incident(gazetteer: Gazetteer, incident_id: str, **fields: object) -> Incident:
    """One incident with every column; ``fields`` override the defaults.

    ``place`` names a gazetteer entry (or None); ``day`` sets the date and a day-long
    window unless ``start``/``end`` (local times "HH:MM") are given.
    """
    place_id = fields.pop("place", "gate_n")
    day = fields.pop("day", DAY)
    start = fields.pop("start", None)
    end = fields.pop("end", None)
    lat = lon = uncertainty = None
    name = precision = None
    entry = gazetteer.get(str(place_id).split(":")[-1]) if place_id is not None else None
    if entry is not None:
        located = entry if entry.lat_lon is not None else gazetteer[entry.part_of]
        lat, lon = located.lat_lon
        uncertainty = UNCERTAINTY.get(located.id, entry.uncertainty_m)
        name = entry.name
        precision = PRECISION.get(entry.kind, "exact")
    elif place_id is not None:  # a spot outside the gazetteer: lat, lon and uncertainty given
        name, precision = str(place_id), "exact"
    if day is not None and start is not None:
        time_start, time_end = f"{day}T{start}:00+03:00", f"{day}T{end}:00+03:00"
        time_precision = fields.pop("precision", "hour")
    elif day is not None:
        following = dt.date.fromisoformat(str(day)) + dt.timedelta(days=1)
        time_start, time_end = f"{day}T00:00:00+03:00", f"{following}T00:00:00+03:00"
        time_precision = "day"
    else:
        time_start = time_end = None
        time_precision = "unknown"
    record: dict[str, object] = {
        "incident_id": incident_id,
        "event_type": "clash",
        "sub_event_type": None,
        "acled_event_type": None,
        "actors": (),
        "date": day,
        "time_start": time_start,
        "time_end": time_end,
        "time_precision": time_precision,
        "place_id": place_id,
        "place_name": name,
        "geo_precision": precision,
        "uncertainty_m": uncertainty,
        "resolved_by": "name" if place_id else None,
        "place_basis": "sentence" if place_id else None,
        "source": "Tigris Daily",
        "source_type": "news",
        "via": None,
        "report": "r1.txt",
        "url": HOSTILE_URL,
        "evidence": HOSTILE_EVIDENCE,
        "evidence_start": 0,
        "evidence_end": 10,
        "killed": None,
        "injured": None,
        "casualty_text": None,
        "claimed_by": None,
        "claim_status": None,
        "lat": lat,
        "lon": lon,
    }
    record.update(fields)
    return Incident(**record)  # type: ignore[arg-type]


def frame_of(*incidents: Incident) -> gpd.GeoDataFrame:
    return incidents_frame(incidents)


def events_of(gazetteer: Gazetteer, *incidents: Incident) -> gpd.GeoDataFrame:
    return group_events(frame_of(*incidents), gazetteer=gazetteer)


def together(events: gpd.GeoDataFrame) -> list[set[str]]:
    """The events as sets of incident ids."""
    return [set(ids) for ids in events["incident_ids"]]


def same_event(events: gpd.GeoDataFrame, *incident_ids: str) -> bool:
    return any(set(incident_ids) <= group for group in together(events))


# ----------------------------------------------------------------------------- rules file


def test_bundled_rules_load_with_documented_values() -> None:
    rules = load_event_rules()
    assert isinstance(rules, EventRules)
    assert rules.threshold_m == 500
    assert rules.time_slack == dt.timedelta(hours=2)
    assert rules.group_of("casualties") == "confrontation"
    assert rules.group_of("tear_gas") == "confrontation"
    assert rules.group_of("sit_in") == "protest"
    assert rules.group_of("investigation") != rules.group_of("call_to_escalate")
    assert rules.threshold_for("investigation") > rules.threshold_for("confrontation")
    assert "report_focus" in rules.context_place_bases


def test_a_broken_rules_file_is_reported_with_its_path(tmp_path: Path) -> None:
    broken = tmp_path / "rules.json"
    broken.write_text('{"threshold_m": {"default": -5}}', encoding="utf-8")
    with pytest.raises(IncidentMapperError, match=r"threshold_m\.default") as caught:
        load_event_rules(broken)
    assert caught.value.path == str(broken)
    not_json = tmp_path / "bad.json"
    not_json.write_text("{oops", encoding="utf-8")
    with pytest.raises(IncidentMapperError, match="not valid JSON"):
        load_event_rules(not_json)
    with pytest.raises(IncidentMapperError, match="not found"):
        load_event_rules(tmp_path / "missing.json")


def test_a_user_rules_file_changes_the_grouping(tmp_path: Path, small_gazetteer) -> None:
    bundled = json.loads(
        (REPO / "incidents" / "data" / "event_rules.json").read_text(encoding="utf-8")
    )
    bundled["threshold_m"]["default"] = 10000
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(bundled), encoding="utf-8")
    first = incident(small_gazetteer, "i1", place="gate_n")
    second = incident(small_gazetteer, "i2", place="far_square", report="r2.txt")
    assert len(events_of(small_gazetteer, first, second)) == 2
    wide = group_events(
        frame_of(first, second), gazetteer=small_gazetteer, rules=load_event_rules(path)
    )
    assert len(wide) == 1


# ----------------------------------------------------------------------------- type rule


def test_the_same_clash_reported_by_two_outlets_is_one_event(small_gazetteer) -> None:
    events = events_of(
        small_gazetteer,
        incident(small_gazetteer, "a1", source="Tigris Daily"),
        incident(small_gazetteer, "b1", source="Furat Post", report="r2.txt"),
    )
    assert len(events) == 1
    row = events.iloc[0]
    assert row["family"] == "confrontation"
    assert row["event_types"] == ["clash"]
    assert row["n_sources"] == 2
    assert row["n_independent_sources"] == 2
    assert row["sources"] == ["Tigris Daily", "Furat Post"]
    assert row["incident_ids"] == ["a1", "b1"]
    assert row["event_id"] == event_id_for(["b1", "a1"])


def test_casualties_join_the_confrontation_and_protests_do_not(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "clash"),
        incident(g, "tear", event_type="tear_gas", report="r2.txt"),
        incident(g, "dead", event_type="casualties", killed=2, report="r3.txt"),
        incident(g, "march", event_type="protest", report="r4.txt"),
    )
    assert same_event(events, "clash", "tear", "dead")
    assert not same_event(events, "clash", "march")
    families = dict(zip(events["event_types"].map(tuple), events["family"], strict=True))
    assert families[("protest",)] == "protest"


def test_responses_form_events_of_their_own(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "clash"),
        incident(g, "inquiry", event_type="investigation", report="r2.txt"),
        incident(g, "call", event_type="call_to_escalate", report="r3.txt"),
        incident(g, "inquiry2", event_type="investigation", place="far_square", report="r4.txt"),
    )
    assert len(events) == 3
    assert same_event(events, "inquiry", "inquiry2")  # statements group city-wide
    assert not same_event(events, "inquiry", "call")
    assert set(events["family"]) == {"confrontation", "response"}


# ----------------------------------------------------------------------------- place rule


def test_far_apart_places_are_two_events(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g, incident(g, "north", place="gate_n"), incident(g, "far", place="far_square")
    )
    assert len(events) == 2


def test_places_related_in_the_gazetteer_are_compatible(small_gazetteer) -> None:
    g = small_gazetteer
    # The bridge is adjacent to the gate; the square at its far end shares the bridge.
    events = events_of(
        g,
        incident(g, "gate", place="gate_n"),
        incident(g, "bridge", place="bridge_x", report="r2.txt"),
        incident(g, "square", place="square_e", report="r3.txt"),
        incident(g, "near", place="rel:near:gate_n", report="r4.txt"),
    )
    assert len(events) == 1


def test_a_chain_of_places_cannot_merge_into_one_blob(small_gazetteer) -> None:
    g = small_gazetteer
    # Four points 400 m apart along a line: each is compatible with the next only.
    base_lat, step = 33.33, 400 / 111_000
    chain = [
        incident(
            g, f"c{i}", place=f"spot_{i}", lat=base_lat + i * step, lon=44.37,
            uncertainty_m=50.0, report=f"r{i}.txt",
        )
        for i in range(4)
    ]  # fmt: skip
    events = events_of(g, *chain)
    assert len(events) >= 2
    assert not same_event(events, "c0", "c2")
    assert not same_event(events, "c0", "c3")


def test_two_gates_and_a_zone_wide_report_stay_three_events(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "north", place="gate_n"),
        incident(g, "south", place="gate_s", report="r2.txt"),
        incident(g, "zone", place="zone_a", report="r3.txt"),
        incident(g, "zone2", place="rel:outside:zone_a", report="r4.txt"),
        incident(g, "city", place="city_x", report="r5.txt"),
    )
    assert not same_event(events, "north", "south")
    assert not same_event(events, "zone", "north")
    assert not same_event(events, "zone", "south")
    assert same_event(events, "zone", "zone2", "city")  # the umbrella takes wider reports
    representative = events[events["incident_ids"].map(lambda ids: "zone" in ids)].iloc[0]
    assert representative["place_id"] == "zone_a"


def test_a_zone_wide_report_joins_the_only_event_of_its_day(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(g, incident(g, "north", place="gate_n"), incident(g, "zone", place="zone_a"))
    assert len(events) == 1
    row = events.iloc[0]
    # One report names the gate, one the zone: only the zone is what both support.
    assert row["place_id"] == "zone_a"
    assert row["place_support"] == 2
    assert row["geo_precision"] == "zone"
    assert row["spread_m"] > 0  # the gate's distance from the zone's point


def test_a_place_known_only_from_the_report_focus_is_widened(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "north", place="gate_n"),
        incident(g, "south", place="gate_s", report="r2.txt"),
        incident(g, "zone", place="zone_a", report="r3.txt"),
        incident(
            g, "toll", event_type="casualties", injured=125, place="gate_n",
            place_basis="report_focus", report="r4.txt",
        ),
    )  # fmt: skip
    assert same_event(events, "toll", "zone")
    assert not same_event(events, "toll", "north")


def test_an_unlocated_gate_counts_as_its_zone(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "north", place="gate_n"),
        incident(g, "south", place="gate_s", report="r2.txt"),
        incident(g, "zone", place="zone_a", report="r3.txt"),
        incident(g, "hidden", place="hidden_gate", report="r4.txt"),
    )
    assert same_event(events, "hidden", "zone")


# ----------------------------------------------------------------------------- time rule


def test_different_days_are_two_events(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(g, incident(g, "fri", day=DAY), incident(g, "sat", day=NEXT_DAY))
    assert len(events) == 2
    assert sorted(events["date"]) == [DAY, NEXT_DAY]


def test_times_far_apart_on_one_day_are_two_events(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "morning", start="09:00", end="10:00"),
        incident(g, "night", start="21:00", end="22:00", report="r2.txt"),
        incident(g, "late_morning", start="11:30", end="12:00", report="r3.txt"),
    )
    assert len(events) == 2
    assert same_event(events, "morning", "late_morning")  # within the two-hour slack
    first = events.iloc[0]
    assert first["time_start"] == f"{DAY}T09:00:00+03:00"
    assert first["time_end"] == f"{DAY}T12:00:00+03:00"
    assert first["time_precision"] == "hour"


def test_an_unknown_time_is_compatible_with_any_time_that_day(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "evening", start="18:00", end="22:00", precision="part_of_day"),
        incident(g, "someday", report="r2.txt"),
    )
    assert len(events) == 1
    assert events.iloc[0]["time_start"] == f"{DAY}T18:00:00+03:00"
    assert events.iloc[0]["time_precision"] == "part_of_day"


def test_a_night_may_run_past_midnight_but_days_do_not_touch(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "late", start="23:00", end="23:59"),
        incident(g, "after", day=NEXT_DAY, start="00:30", end="01:00", report="r2.txt"),
        incident(g, "sat", day=NEXT_DAY, report="r3.txt"),
    )
    assert same_event(events, "late", "after")
    assert not same_event(events, "late", "sat")


def test_undated_incidents_join_a_dated_event_only_when_one_day_fits(small_gazetteer) -> None:
    g = small_gazetteer
    one_day = events_of(g, incident(g, "fri"), incident(g, "undated", day=None, report="r2.txt"))
    assert len(one_day) == 1
    assert one_day.iloc[0]["date"] == DAY
    two_days = events_of(
        g,
        incident(g, "fri"),
        incident(g, "sat", day=NEXT_DAY, report="r2.txt"),
        incident(g, "undated", day=None, report="r3.txt"),
        incident(g, "undated2", day=None, report="r4.txt"),
    )
    assert len(two_days) == 3
    assert same_event(two_days, "undated", "undated2")
    undated = two_days[two_days["date"].isna()].iloc[0]
    assert undated["time_start"] is None
    assert undated["time_precision"] == "unknown"


def test_undated_reports_of_different_places_are_not_joined(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "north_undated", day=None, place="gate_n"),
        incident(g, "south_undated", day=None, place="gate_s", report="r2.txt"),
        incident(g, "west_dated", place="gate_w", report="r3.txt"),
    )
    assert len(events) == 3  # compatible places are not enough without a date
    assert (events["n_independent_sources"] <= 1).all()


def test_undated_incidents_join_only_with_the_same_place_and_type(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "fri", place="gate_n"),
        incident(g, "same", day=None, place="gate_n", report="r2.txt"),
        incident(g, "other_type", day=None, place="gate_n", event_type="tear_gas", report="r3.txt"),
        incident(g, "zone_undated", day=None, place="zone_a", report="r4.txt"),
    )
    assert same_event(events, "fri", "same")
    assert not same_event(events, "fri", "other_type")
    assert not same_event(events, "fri", "zone_undated")
    joined = events[events["incident_ids"].map(lambda ids: "same" in ids)].iloc[0]
    assert any("undated: same place and type" in reason for reason in joined["reasons"])


def test_unattributed_reports_are_never_independent_corroboration(small_gazetteer) -> None:
    g = small_gazetteer
    unknown = [
        incident(g, f"u{i}", source=f"unattributed (line{i}.txt)", report=f"line{i}.txt")
        for i in range(50)
    ]
    alone = events_of(g, *unknown)
    assert len(alone) == 1
    row = alone.iloc[0]
    assert row["n_sources"] == 50
    assert row["n_unknown_sources"] == 50
    assert row["n_independent_sources"] == 0
    with_outlet = events_of(g, *unknown, incident(g, "named", source="Furat Post"))
    assert with_outlet.iloc[0]["n_independent_sources"] == 1


def test_a_source_origin_column_marks_unknown_sources(small_gazetteer) -> None:
    g = small_gazetteer
    frame = frame_of(
        incident(g, "a", source="file-a"), incident(g, "b", source="file-b", report="r2.txt")
    )
    frame["source_origin"] = ["filename", "header"]
    row = group_events(frame, gazetteer=g).iloc[0]
    assert (row["n_independent_sources"], row["n_unknown_sources"]) == (1, 1)


def test_every_event_says_why_its_members_were_joined(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "a", start="17:00", end="18:00"),
        incident(g, "b", start="17:30", end="18:30", report="r2.txt"),
        incident(g, "c", place="zone_a", report="r3.txt"),
        incident(g, "alone", place="far_square", report="r4.txt"),
    )
    joined = events[events["incident_ids"].map(lambda ids: "a" in ids)].iloc[0]
    reasons = " | ".join(joined["reasons"])
    assert "first report (the anchor) (1)" in reasons
    assert "same place as the anchor (1)" in reasons
    assert "place contains or lies within the anchor's (1)" in reasons
    assert "time window overlaps" in reasons
    alone = events[events["incident_ids"].map(lambda ids: ids == ["alone"])].iloc[0]
    assert alone["reasons"] == ["first report (the anchor) (1)"]


def test_the_event_place_is_what_most_members_support(small_gazetteer) -> None:
    g = small_gazetteer
    mostly_zone = events_of(
        g,
        incident(g, "gate", place="gate_n", start="17:00", end="18:00"),
        *(incident(g, f"z{i}", place="zone_a", report=f"z{i}.txt") for i in range(5)),
    )
    assert len(mostly_zone) == 1
    row = mostly_zone.iloc[0]
    assert row["place_id"] == "zone_a"  # not the one post's gate
    assert row["place_support"] == 6
    assert row["spread_m"] > 1000  # the gate lies well away from the zone's point
    mostly_gate = events_of(
        g,
        *(incident(g, f"g{i}", place="gate_n", report=f"g{i}.txt") for i in range(3)),
        incident(g, "zone", place="zone_a", report="zone.txt"),
    )
    row = mostly_gate.iloc[0]
    assert row["place_id"] == "gate_n"  # three of four stand at the gate
    assert row["place_support"] == 3
    assert row["uncertainty_m"] == 300.0


def test_day_precision_events_carry_their_window(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "fri", place="gate_n"),
        incident(g, "sat", place="far_square", day=NEXT_DAY, report="r2.txt"),
    )
    by_day = {row["date"]: row for _, row in events.iterrows()}
    assert by_day[DAY]["time_precision"] == "day"
    assert by_day[DAY]["time_start"] == f"{DAY}T00:00:00+03:00"
    assert by_day[DAY]["time_end"] == f"{NEXT_DAY}T00:00:00+03:00"
    assert by_day[NEXT_DAY]["time_start"] == f"{NEXT_DAY}T00:00:00+03:00"


def test_indexed_grouping_matches_a_scan_of_every_event(small_gazetteer, monkeypatch) -> None:
    """The index only skips events that cannot match: with it switched off (every
    event of the group scanned), the grouping is the same."""
    import incidents.grouping as grouping

    rng = random.Random(3)
    places = ["gate_n", "gate_s", "gate_w", "zone_a", "bridge_x", "square_e", "far_square"]
    incidents = []
    for i in range(300):
        hour = rng.randrange(24)
        day = rng.choice([DAY, NEXT_DAY, "2021-11-07", None])
        timed = day is not None and rng.random() < 0.6
        incidents.append(
            incident(
                g := small_gazetteer,
                f"i{i:03d}",
                place=rng.choice([*places, None]),
                day=day,
                start=f"{hour:02d}:00" if timed else None,
                end=f"{hour:02d}:59" if timed else None,
                event_type=rng.choice(["clash", "tear_gas", "protest", "casualties"]),
                source=rng.choice(["A", "B", "@c", "unattributed (x.txt)"]),
                report=f"r{i // 3}.txt",
                evidence_start=i % 3,
            )
        )
    monkeypatch.setattr(grouping, "SMALL_BUCKET", 0)  # grid cells, wide list, related ids
    indexed = together(events_of(g, *incidents))
    monkeypatch.setattr(grouping, "SMALL_BUCKET", 10**9)  # every day scanned whole
    monkeypatch.setattr(grouping.Clusterer, "_reaches", lambda *a, **k: True)
    scanned = together(events_of(g, *incidents))
    assert sorted(map(sorted, indexed)) == sorted(map(sorted, scanned))


# ----------------------------------------------------------------------------- no place


def test_incidents_without_a_place_form_their_own_events(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "placed"),
        incident(g, "nowhere", place=None, report="r2.txt"),
        incident(
            g, "basra", place=None, place_basis="outside", start="10:00", end="11:00",
            report="r3.txt",
        ),
    )  # fmt: skip
    assert len(events) == 3
    unmapped = events[events["place_id"].isna()]
    assert len(unmapped) == 2
    assert unmapped.geometry.isna().all()
    assert unmapped["lat"].isna().all()


def test_a_close_time_links_an_unplaced_incident_to_the_one_placed_event(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "placed", start="17:30", end="18:00"),
        incident(g, "timed", place=None, start="17:40", end="18:40", report="r2.txt"),
        incident(g, "same_sentence", place=None, event_type="arson", report="r3.txt"),
        incident(g, "same_sentence2", place=None, event_type="barricade", report="r3.txt"),
        incident(
            g, "elsewhere", place=None, place_basis="outside", start="17:40", end="18:00",
            report="r4.txt",
        ),
    )  # fmt: skip
    assert same_event(events, "placed", "timed")
    assert same_event(events, "same_sentence", "same_sentence2")
    assert not same_event(events, "placed", "elsewhere")


def test_unplaced_incidents_naming_one_outside_place_are_one_event(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "basra", place=None, place_name="Basra", place_basis="outside"),
        incident(g, "basra_undated", place=None, place_name="BASRA", place_basis="outside",
                 day=None, report="r2.txt"),
        incident(g, "najaf", place=None, place_name="Najaf", place_basis="outside",
                 report="r3.txt"),
        incident(g, "basra_later", place=None, place_name="Basra", place_basis="outside",
                 day=NEXT_DAY, report="r4.txt"),
    )  # fmt: skip
    assert same_event(events, "basra", "basra_undated")
    assert len(events) == 3


# ----------------------------------------------------------------------------- sources


def test_a_post_embedded_by_the_outlet_is_not_independent_of_it(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "prose", source=HOSTILE_OUTLET),
        incident(
            g, "post", source="@gate_watch", source_type="social", via=HOSTILE_OUTLET,
            evidence_start=50,
        ),
        incident(g, "other", source="Furat Post", report="r2.txt"),
    )  # fmt: skip
    row = events.iloc[0]
    assert row["n_sources"] == 3
    assert row["n_independent_sources"] == 2
    assert HOSTILE_OUTLET in row["sources"]  # kept verbatim; escaping is the map's job


def test_a_post_whose_outlet_is_not_in_the_event_counts_on_its_own(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "post", source="@gate_watch", source_type="social", via="Tigris Daily"),
        incident(g, "other", source="Furat Post", report="r2.txt"),
    )
    assert events.iloc[0]["n_independent_sources"] == 2


def test_one_account_embedded_by_two_outlets_ties_them(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        incident(g, "a", source="Outlet A", report="a.txt"),
        incident(g, "a_post", source="@eye", source_type="social", via="Outlet A", report="a.txt",
                 evidence_start=5),
        incident(g, "b", source="Outlet B", report="b.txt"),
        incident(g, "b_post", source="@eye", source_type="social", via="Outlet B", report="b.txt",
                 evidence_start=5),
    )  # fmt: skip
    assert events.iloc[0]["n_sources"] == 3
    assert events.iloc[0]["n_independent_sources"] == 1


# ----------------------------------------------------------------------------- claims


def claim(g: Gazetteer, incident_id: str, **fields: object) -> Incident:
    fields.setdefault("report", f"{incident_id}.txt")
    return incident(g, incident_id, event_type="casualties", **fields)


def test_claims_are_kept_side_by_side_and_disagreement_is_flagged(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        claim(g, "hm", injured=125, claimed_by="Health Ministry", claim_status="official",
              casualty_text="125 people were hurt"),
        claim(g, "media", injured=100, claimed_by="Faction TV", claim_status="claimed",
              casualty_text="100 people were wounded", source="Furat Post"),
    )  # fmt: skip
    row = events.iloc[0]
    assert row["contradicted"]
    assert [(c["injured"], c["claimed_by"]) for c in row["claims"]] == [
        (125, "Health Ministry"),
        (100, "Faction TV"),
    ]
    assert set(row["claims"][0]) >= {
        "killed", "injured", "claimed_by", "claim_status", "source", "casualty_text",
    }  # fmt: skip
    assert "disagree" in row["summary"]


def test_one_claimant_quoted_by_two_outlets_is_one_claimant(small_gazetteer) -> None:
    g = small_gazetteer
    rules = load_event_rules().claims
    assert claimant_key("Iraq's Health Ministry", "X", rules) == "health ministry"
    assert claimant_key("وزارة الصحة", "Y", rules) == "health ministry"
    assert claimant_key("Interior Ministry spokesman", "X", rules) == "interior ministry"
    assert claimant_key(None, "Furat Post", rules) != claimant_key(None, "Tigris Daily", rules)
    events = events_of(
        g,
        claim(g, "one", killed=2, claimed_by="Iraq's Health Ministry", claim_status="official"),
        claim(g, "two", killed=3, claimed_by="وزارة الصحة", claim_status="official",
              source="Furat Post"),
    )  # fmt: skip
    assert not events.iloc[0]["contradicted"]  # a revised figure, not two claimants


def test_a_denial_against_a_claim_of_deaths_is_a_contradiction(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        claim(g, "dead", killed=1, claimed_by="The organisers", claim_status="claimed",
              casualty_text="one protester was killed"),
        claim(g, "denial", killed=0, claimed_by="Health Ministry", claim_status="denied",
              casualty_text="no protester had died", source="Furat Post"),
    )  # fmt: skip
    assert events.iloc[0]["contradicted"]
    unspecific = events_of(
        g,
        claim(g, "hurt", injured=2, claimed_by="Drivers", claim_status="claimed"),
        claim(g, "denied", claimed_by="Interior Ministry", claim_status="denied",
              source="Furat Post"),
    )  # fmt: skip
    assert unspecific.iloc[0]["contradicted"]


def test_sub_group_figures_and_minimums_do_not_contradict(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        claim(g, "all", injured=125, claimed_by="Health Ministry", claim_status="official",
              casualty_text="125 people had been injured"),
        claim(g, "police", injured=40, claimed_by="Interior Ministry", claim_status="official",
              casualty_text="almost 40 of its officers had been hurt", source="B"),
        claim(g, "kh", killed=2, claimed_by="Faction One", claim_status="claimed",
              casualty_text="two of its supporters had been killed", source="C"),
        claim(g, "aah", killed=3, claimed_by="Faction Two", claim_status="claimed",
              casualty_text="three of its members had been killed", source="D"),
        claim(g, "floor", injured=100, claimed_by="Medics", claim_status="claimed",
              casualty_text="more than a hundred people were hurt", source="E"),
        claim(g, "vague", injured=12, claimed_by="Organisers", claim_status="claimed",
              casualty_text="dozens injured", source="F"),
        claim(g, "arabic", injured=40, claimed_by="مصدر في وزارة الداخلية",
              claim_status="official", casualty_text="أكثر من 40 منتسباً أصيبوا", source="G"),
    )  # fmt: skip
    assert len(events) == 1
    assert not events.iloc[0]["contradicted"]
    assert len(events.iloc[0]["claims"]) == 7


def test_a_sub_group_larger_than_the_total_contradicts(small_gazetteer) -> None:
    g = small_gazetteer
    events = events_of(
        g,
        claim(g, "all", injured=20, claimed_by="Health Ministry", claim_status="official",
              casualty_text="20 people had been injured"),
        claim(g, "police", injured=40, claimed_by="Interior Ministry", claim_status="official",
              casualty_text="40 policemen were hurt", source="B"),
    )  # fmt: skip
    assert events.iloc[0]["contradicted"]


# ----------------------------------------------------------------------------- the whole table


def mixed_incidents(g: Gazetteer) -> list[Incident]:
    """Sixty incidents of every kind, places, days and times, for the table-wide tests."""
    rng = random.Random(20211105)
    places = ["gate_n", "gate_s", "gate_w", "bridge_x", "square_e", "far_square", "zone_a",
              "city_x", "hidden_gate", "rel:near:gate_s", None]  # fmt: skip
    types = ["clash", "tear_gas", "casualties", "protest", "sit_in", "deployment",
             "investigation", "call_to_escalate"]  # fmt: skip
    days = [DAY, DAY, DAY, NEXT_DAY, None]
    made = []
    for i in range(60):
        day = rng.choice(days)
        hour = rng.choice([None, 9, 14, 18, 22])
        timing = {}
        if day is not None and hour is not None:
            timing = {"start": f"{hour:02d}:00", "end": f"{hour + 1:02d}:00"}
        made.append(
            incident(
                g, f"inc-{i:03d}", event_type=rng.choice(types), place=rng.choice(places),
                day=day, report=f"r{i % 7}.txt", evidence_start=i * 10,
                source=rng.choice(["Tigris Daily", "Furat Post", "@eye"]),
                place_basis=rng.choice(["sentence", "paragraph", "report_focus"]), **timing,
            )
        )  # fmt: skip
    return made


def test_no_incident_is_lost_or_counted_twice(small_gazetteer) -> None:
    incidents = frame_of(*mixed_incidents(small_gazetteer))
    events = group_events(incidents, gazetteer=small_gazetteer)
    members = [i for ids in events["incident_ids"] for i in ids]
    assert sorted(members) == sorted(incidents["incident_id"])
    assert events["n_incidents"].sum() == len(incidents)
    mapping = incident_event_ids(incidents, events)
    assert list(mapping.index) == list(incidents["incident_id"])
    assert set(mapping) == set(events["event_id"])


def test_the_same_input_gives_the_same_ids_and_order_whatever_the_row_order(
    small_gazetteer,
) -> None:
    incidents = frame_of(*mixed_incidents(small_gazetteer))
    first = group_events(incidents, gazetteer=small_gazetteer)
    again = group_events(incidents, gazetteer=small_gazetteer)
    shuffled = incidents.sample(frac=1.0, random_state=7).reset_index(drop=True)
    reordered = group_events(shuffled, gazetteer=small_gazetteer)
    for other in (again, reordered):
        assert list(other["event_id"]) == list(first["event_id"])
        assert list(other["incident_ids"]) == list(first["incident_ids"])
        assert list(other["summary"]) == list(first["summary"])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 7), st.integers(0, 4)), max_size=25))
def test_any_table_is_partitioned(small_gazetteer, picks) -> None:
    pool = mixed_incidents(small_gazetteer)
    chosen = {pool[(a * 8 + b * 5 + c) % len(pool)].incident_id: None for a, b, c in picks}
    subset = [i for i in pool if i.incident_id in chosen]
    events = group_events(frame_of(*subset), gazetteer=small_gazetteer)
    members = [i for ids in events["incident_ids"] for i in ids]
    assert sorted(members) == sorted(chosen)


def test_the_event_table_is_ready_for_geojson(small_gazetteer) -> None:
    from maps.export import geodataframe_to_geojson

    events = group_events(frame_of(*mixed_incidents(small_gazetteer)), gazetteer=small_gazetteer)
    assert list(events.columns) == [*EVENT_COLUMNS, "geometry"]
    assert events.crs is not None
    assert events.crs.to_epsg() == 4326
    for row in events.to_dict("records"):
        assert isinstance(row["event_types"], list)
        assert isinstance(row["sources"], list)
        assert isinstance(row["incident_ids"], list)
        assert isinstance(row["claims"], list)
        for column in ("place_id", "place_name", "date", "time_start", "time_end"):
            assert row[column] is None or isinstance(row[column], str)
        if row["place_id"] is None:
            assert row["geometry"] is None
        else:
            assert row["geometry"].geom_type == "Point"
            assert row["geometry"].x == pytest.approx(row["lon"])
    document = json.loads(geodataframe_to_geojson(events, id_column="event_id"))
    assert len(document["features"]) == len(events)


def test_an_empty_table_gives_an_empty_event_table(small_gazetteer) -> None:
    events = group_events(frame_of(), gazetteer=small_gazetteer)
    assert events.empty
    assert list(events.columns) == [*EVENT_COLUMNS, "geometry"]
    assert events.crs.to_epsg() == 4326


def test_a_table_without_the_contract_columns_is_refused(small_gazetteer) -> None:
    with pytest.raises(IncidentMapperError, match="lacks the column"):
        group_events(pd.DataFrame({"incident_id": ["x"]}), gazetteer=small_gazetteer)
    g = small_gazetteer
    twice = frame_of(incident(g, "same"), incident(g, "same", report="r2.txt"))
    with pytest.raises(IncidentMapperError, match="unique"):
        group_events(twice, gazetteer=g)


def test_incident_event_ids_refuses_events_of_other_incidents(small_gazetteer) -> None:
    g = small_gazetteer
    incidents = frame_of(incident(g, "a"), incident(g, "b", place="far_square"))
    events = group_events(incidents, gazetteer=g)
    with pytest.raises(IncidentMapperError, match="in no event"):
        incident_event_ids(incidents, events.iloc[:1])


# ----------------------------------------------------------------------------- evaluation


def _tiny_evaluation_set(folder: Path, groups: list[list[int]]) -> None:
    incidents = [
        {"event_type": "clash", "place_id": "bridge_jumhuriya", "date": DAY, "evidence": "one"},
        {"event_type": "tear_gas", "place_id": "bridge_jumhuriya", "date": DAY, "evidence": "two"},
        {"event_type": "clash", "place_id": "bridge_sarafiya", "date": DAY, "evidence": "three"},
    ]
    files = ["a.txt", "b.txt", "c.txt"]
    gold = {
        "reports": [
            {"file": f, "source": f"Outlet {f}", "date": DAY, "incidents": [inc]}
            for f, inc in zip(files, incidents, strict=True)
        ]
    }
    (folder / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    events = [
        {
            "event": f"event {n}",
            "members": [
                {"file": files[i], "event_type": incidents[i]["event_type"],
                 "evidence": incidents[i]["evidence"]}
                for i in group
            ],
        }
        for n, group in enumerate(groups)
    ]  # fmt: skip
    (folder / "gold_events.json").write_text(json.dumps({"events": events}), encoding="utf-8")


def test_the_scorer_counts_pairs_and_inflation(tmp_path: Path, gazetteer) -> None:
    _tiny_evaluation_set(tmp_path, [[0, 1], [2]])
    right = evaluate_events(tmp_path, gazetteer, use_gold_incidents=True)
    assert (right.precision, right.recall, right.inflation) == (1.0, 1.0, 1.0)
    assert right.matched == 3
    assert not right.below_targets()
    assert "precision 1.000" in str(right)
    _tiny_evaluation_set(tmp_path, [[0, 1, 2]])
    lumped = evaluate_events(tmp_path, gazetteer, use_gold_incidents=True)
    assert lumped.recall == pytest.approx(1 / 3)
    assert lumped.inflation == 2.0
    assert lumped.below_targets()
    assert "split" in str(lumped)


def test_gold_events_must_cover_every_gold_incident_once(tmp_path: Path) -> None:
    _tiny_evaluation_set(tmp_path, [[0, 1]])
    gold = json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))
    with pytest.raises(IncidentMapperError, match="in no event"):
        read_gold_events(tmp_path, gold)
    _tiny_evaluation_set(tmp_path, [[0, 1], [1, 2]])
    with pytest.raises(IncidentMapperError, match="two events"):
        read_gold_events(tmp_path, gold)


def test_the_bundled_gold_events_are_complete() -> None:
    folder = REPO / "evaluation"
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    owner = read_gold_events(folder, gold)
    total = sum(len(r.get("incidents", [])) for r in gold["reports"])
    assert len(owner) == total


def test_event_grouping_meets_its_targets_on_the_evaluation_set() -> None:
    scores = evaluate_events(REPO / "evaluation", load_gazetteer())
    assert not scores.below_targets(), str(scores)
