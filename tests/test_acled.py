"""acled.csv: the events in ACLED's own format, loaded as an ACLED user loads it."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from incidents.events import group_events
from incidents.model import Incident
from incidents.pipeline import incidents_frame
from maps.acled_csv import IncidentLookup, acled_rows
from maps.build import build
from maps.export import ACLED_COLUMNS, ACLED_DTYPES, acled_events_csv

REPO = Path(__file__).resolve().parents[1]
DAY = "2021-11-05"
GATE = ("gz_gate_ministry_of_planning", "Green Zone gate by the Ministry of Planning")


def load_acled(text: str) -> pd.DataFrame:
    """What an ACLED user writes: the codebook's types, dates parsed, nothing guessed."""
    return pd.read_csv(
        io.StringIO(text), dtype=ACLED_DTYPES, parse_dates=["event_date"], keep_default_na=True
    )


def incident(incident_id: str, **fields: object) -> Incident:
    record: dict[str, object] = {
        "incident_id": incident_id,
        "event_type": "clash",
        "sub_event_type": None,
        "acled_event_type": None,
        "actors": ("Protesters (militia supporters)", "Security forces (Iraq)"),
        "date": DAY,
        "time_start": f"{DAY}T17:00:00+03:00",
        "time_end": f"{DAY}T18:00:00+03:00",
        "time_precision": "hour",
        "place_id": GATE[0],
        "place_name": GATE[1],
        "geo_precision": "estimated",
        "uncertainty_m": 100.0,
        "resolved_by": "name",
        "place_basis": "sentence",
        "source": "Example Wire",
        "source_type": "news",
        "via": None,
        "report": f"{incident_id}.txt",
        "url": None,
        "evidence": "Crowds clashed with security forces at the gate.",
        "evidence_start": 0,
        "evidence_end": 10,
        "killed": None,
        "injured": None,
        "casualty_text": None,
        "claimed_by": None,
        "claim_status": None,
        "lat": 33.3234,
        "lon": 44.4031,
    }
    record.update(fields)
    return Incident(**record)  # type: ignore[arg-type]


def acled_of(*incidents: Incident) -> pd.DataFrame:
    frame = incidents_frame(incidents)
    return load_acled(acled_events_csv(frame, group_events(frame)))


def test_the_header_is_acleds_own_column_set_in_its_order() -> None:
    text = acled_events_csv(incidents_frame([incident("a")]))
    assert text.splitlines()[0].split(",") == list(ACLED_COLUMNS)
    assert list(ACLED_COLUMNS)[:4] == ["event_id_cnty", "event_date", "year", "time_precision"]
    assert list(ACLED_COLUMNS)[-3:] == ["fatalities", "tags", "timestamp"]
    assert len(ACLED_COLUMNS) == 31


def test_one_row_per_event_with_acled_codes() -> None:
    table = acled_of(
        incident("a"),
        incident("b", source="@gate_watch", source_type="social", event_type="stone_throwing"),
        incident("c", source="Example Radio", event_type="tear_gas"),
    )
    assert len(table) == 1
    row = table.iloc[0]
    assert row["event_date"] == pd.Timestamp(DAY)
    assert row["year"] == 2021
    assert row["time_precision"] == 1
    assert row["event_type"] == "Riots"
    assert row["sub_event_type"] == "Violent demonstration"
    assert row["disorder_type"] == "Demonstrations"
    assert (row["actor1"], row["inter1"]) == ("Rioters (Iraq)", 5)
    assert row["assoc_actor_1"] == "Protesters (militia supporters)"
    assert (row["actor2"], row["inter2"]) == ("Security forces (Iraq)", 1)
    assert row["interaction"] == 15
    assert (row["iso"], row["country"], row["admin1"]) == (368, "Iraq", "Baghdad")
    assert row["location"] == f"Baghdad - {GATE[1]}"
    assert row["geo_precision"] == 1
    assert row["latitude"] == pytest.approx(33.3234)
    assert row["source"] == "Example Wire; @gate_watch; Example Radio"
    assert row["event_id_cnty"].startswith("IRQ")
    assert row["fatalities"] == 0
    assert "[incident-mapper evt-" in row["notes"]


def test_fatalities_are_the_most_conservative_credible_figure() -> None:
    table = acled_of(
        incident("a"),
        incident(
            "b", event_type="casualties", killed=6, casualty_text="six people were killed",
            claimed_by="Kataib Hezbollah", claim_status="claimed", source="Example Daily",
        ),
        incident(
            "c", event_type="casualties", killed=0, claimed_by="Health Ministry",
            claim_status="denied", source="Example Radio",
        ),
    )  # fmt: skip
    row = table.iloc[0]
    assert row["fatalities"] == 0  # summing it never gives the 6 nobody confirmed
    assert "6 killed according to Kataib Hezbollah (in Example Daily)" in row["notes"]
    assert "Health Ministry (in Example Radio): none" in row["notes"]
    assert table["fatalities"].sum() == 0


def test_a_claimant_s_highest_figure_and_the_lowest_across_claimants() -> None:
    table = acled_of(
        incident("clash"),
        incident("a", event_type="casualties", killed=2, claimed_by="Health Ministry",
                 claim_status="official"),
        incident("b", event_type="casualties", killed=3, claimed_by="Health Ministry",
                 claim_status="official", source="Example Radio"),
        incident("c", event_type="casualties", killed=5, claimed_by="Kataib Hezbollah",
                 claim_status="claimed", source="Example Daily"),
        incident("d", event_type="casualties", killed=9, claimed_by="@rumours",
                 claim_status="unconfirmed", source="@rumours", source_type="social"),
    )  # fmt: skip
    row = table.iloc[0]
    assert row["fatalities"] == 3  # the ministry's update (3), below the faction's 5
    assert "9 killed according to @rumours, unconfirmed" in row["notes"]


def test_excessive_force_puts_the_force_first_and_targets_civilians() -> None:
    row = acled_of(incident("a", event_type="live_fire"), incident("b")).iloc[0]
    assert row["sub_event_type"] == "Excessive force against protesters"
    assert row["disorder_type"] == "Political violence; Demonstrations"
    assert (row["actor1"], row["inter1"], row["inter2"]) == ("Security forces (Iraq)", 1, 6)
    assert row["interaction"] == 16
    assert row["civilian_targeting"] == "Civilian targeting"


def test_a_lone_protest_is_sole_protester_action() -> None:
    row = acled_of(incident("a", event_type="protest", actors=())).iloc[0]
    assert (row["event_type"], row["sub_event_type"]) == ("Protests", "Peaceful protest")
    assert (row["actor1"], row["inter1"]) == ("Protesters (Iraq)", 6)
    assert pd.isna(row["actor2"])
    assert row["interaction"] == 60


def test_the_table_s_own_acled_types_win_and_status_filters_rows() -> None:
    own = acled_of(
        incident("a", acled_event_type="Protests", sub_event_type="Protest with intervention")
    )
    assert own.iloc[0]["sub_event_type"] == "Protest with intervention"
    frame = incidents_frame([incident("t", event_type="call_to_escalate"), incident("u")])
    frame["status"] = ["threatened", "threatened"]
    assert len(load_acled(acled_events_csv(frame, group_events(frame)))) == 0


def test_events_acled_does_not_code_are_left_out() -> None:
    table = acled_of(
        incident("undated", date=None, time_start=None, time_end=None, time_precision="unknown"),
        incident("nowhere", place_id=None, place_name=None, lat=None, lon=None, report="x.txt"),
        incident("call", event_type="call_to_escalate", report="y.txt"),
    )
    assert len(table) == 0


def test_precision_codes_follow_the_codebook() -> None:
    near = acled_of(incident("a", geo_precision="relative", place_id="rel:near:x")).iloc[0]
    assert near["geo_precision"] == 2
    month = acled_of(incident("b", time_precision="month", time_start=None, time_end=None))
    assert month.iloc[0]["time_precision"] == 3


def test_a_handle_stays_readable_and_a_formula_is_defused() -> None:
    table = acled_of(
        incident("a", source="@gate_watch", source_type="social"),
        incident("b", source='=HYPERLINK("http://x")', report="b.txt"),
    )
    assert table.iloc[0]["source"] == '@gate_watch; =HYPERLINK("http://x")'
    alone = acled_of(incident("b", source='=HYPERLINK("http://x")')).iloc[0]
    assert alone["source"] == '\'=HYPERLINK("http://x")'
    social = acled_of(incident("c", source="@gate_watch", source_type="social")).iloc[0]
    assert (social["source"], social["source_scale"]) == ("@gate_watch", "New media")


def test_the_example_build_writes_an_acled_file_that_loads_typed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([REPO / "examples" / "reports"], out)
    text = (out / "acled.csv").read_text(encoding="utf-8")
    table = load_acled(text)
    assert len(table) > 0
    assert table["event_id_cnty"].is_unique
    assert table["event_date"].dtype.kind == "M"
    assert set(table["time_precision"]) <= {1, 2, 3}
    assert set(table["geo_precision"]) <= {1, 2, 3}
    assert set(table["inter1"].dropna()) <= set(range(1, 9))
    assert table["fatalities"].ge(0).all()
    assert set(table["disorder_type"]) <= {
        "Political violence", "Demonstrations", "Political violence; Demonstrations",
        "Strategic developments",
    }  # fmt: skip
    assert table["iso"].eq(368).all()


def test_other_kinds_of_violence_are_rows_of_their_own_and_deaths_count_once() -> None:
    table = acled_of(
        incident("riot"),
        incident("tear", event_type="tear_gas"),
        incident("fight", acled_event_type="Battles", sub_event_type="Armed clash",
                 event_type="armed_clash"),
        incident("toll", event_type="casualties", killed=2, claimed_by="Health Ministry",
                 claim_status="official"),
    )  # fmt: skip
    assert sorted(table["event_type"]) == ["Battles", "Riots"]  # one demonstration, one battle
    assert table["event_id_cnty"].is_unique
    assert table["fatalities"].sum() == 2
    battle = table[table["event_type"] == "Battles"].iloc[0]
    assert battle["fatalities"] == 2  # the most severe row carries the claims
    riot = table[table["event_type"] == "Riots"].iloc[0]
    assert riot["fatalities"] == 0
    assert "most severe row" in riot["notes"]


def test_members_alike_are_taken_once_and_give_the_rows_of_every_member() -> None:
    """An event's members alike in the columns a row reads are taken once
    (:meth:`IncidentLookup.distinct_members`): the rows are those made of every member."""
    crowd = ("Protesters (militia supporters)", "Security forces (Iraq)")
    incidents = [
        incident("a1"),
        incident("a2", source="Other Wire", actors=crowd[::-1]),
        incident("a3"),
        incident("a4", source_type="social", source="@someone"),
        incident("a5", event_type="tear_gas", actors=("Riot police",)),
        incident("a6", status="denied"),
        incident("a7", source="Other Wire", actors=crowd[::-1]),
        incident("a8", killed=3, claimed_by="Health Ministry", claim_status="official"),
        incident("a9", acled_event_type="Battles", sub_event_type="Armed clash"),
    ]
    frame = incidents_frame(incidents)
    events = group_events(frame)
    lookup = IncidentLookup(frame)
    every_member = {incident_id: lookup[incident_id] for incident_id in lookup}
    assert acled_rows(events, lookup) == acled_rows(events, every_member)
    table = pa.Table.from_pandas(pd.DataFrame(frame.drop(columns="geometry")))
    by_table = IncidentLookup.from_table(table, events["incident_ids"])
    assert len(by_table.distinct_members(["a1", "a3", "a1", "zz"])) == 1
    assert len(by_table.distinct_members(["a1", "a2", "a7", "a4"])) == 3
    assert acled_rows(events, by_table) == acled_rows(events, every_member)
