"""Tests for maps.export: GeoJSON, GeoPackage and CSV exports and all-or-nothing writing."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import sqlite3
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LinearRing, LineString, Point, Polygon

from geo.errors import OutputError
from incidents.model import INCIDENT_COLUMNS
from maps import files as output_files
from maps.export import (
    DEFAULT_GPKG_TIMESTAMP,
    INCIDENT_CSV_COLUMNS,
    acled_csv,
    atomic_write_bytes,
    atomic_write_text,
    geodataframe_to_geojson,
    incidents_csv,
    incidents_geojson,
    neutralise_formula,
    places_geojson,
    write_geopackage,
    write_outputs,
)

HOSTILE_EVIDENCE = (
    "<script>alert(1)</script> crowds threw stones, \"quoted\" & 'single' &amp; {{ 7*7 }} {% raw %}"
)
HOSTILE_PLACE = "<img src=x onerror=alert(1)> المنطقة الخضراء"
ARABIC = "المنطقة الخضراء"


# ----------------------------------------------------------------------------- helpers


def incident_record(**overrides: object) -> dict[str, object]:
    """One incident row with every documented column; ``overrides`` replace fields."""
    record: dict[str, object] = {
        "incident_id": "inc-0001",
        "event_type": "clash",
        "sub_event_type": "Violent demonstration",
        "acled_event_type": "Riots",
        "actors": ["Protesters (Iraq)", "Police Forces of Iraq", "Kataib Hezbollah"],
        "date": "2021-11-05",
        "time_start": "2021-11-05T14:00:00+03:00",
        "time_end": "2021-11-05T16:00:00+03:00",
        "time_precision": "hour",
        "place_id": "green_zone_gate",
        "place_name": "Green Zone gate",
        "geo_precision": "exact",
        "uncertainty_m": 150.0,
        "resolved_by": "alias",
        "place_basis": "sentence",
        "source": "Example Wire",
        "source_type": "news",
        "via": None,
        "report": "reports/example.txt",
        "url": "https://example.org/story",
        "evidence": "Supporters of the alliance fought police at a gate of the zone.",
        "evidence_start": 10,
        "evidence_end": 73,
        "killed": 3,
        "injured": None,
        "casualty_text": "three people had been killed",
        "claimed_by": "Kataib Hezbollah",
        "claim_status": "claimed",
        "lat": 33.30757712345678,
        "lon": 44.39025912345678,
    }
    record.update(overrides)
    return record


def make_incidents(records: list[dict[str, object]]) -> gpd.GeoDataFrame:
    """A frame as the pipeline hands it over: documented columns, then geometry."""
    frame = pd.DataFrame.from_records(records, columns=list(INCIDENT_COLUMNS))
    for column in ("evidence_start", "evidence_end", "killed", "injured"):
        frame[column] = frame[column].astype("Int64")
    geometry = [
        None if pd.isna(lat) else Point(lon, lat)
        for lat, lon in zip(frame["lat"].tolist(), frame["lon"].tolist(), strict=True)
    ]
    for column in ("lat", "lon"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def sample_incidents() -> gpd.GeoDataFrame:
    """Three incidents given out of id order: mapped, unmapped, and one full of hostile text."""
    return make_incidents(
        [
            incident_record(
                incident_id="inc-0003",
                event_type="stone_throwing",
                acled_event_type=None,
                sub_event_type=None,
                actors=["@crowd_account", "-minus", "+plus", ARABIC],
                time_start="2021-11-05T17:30:00+03:00",
                time_end=None,
                time_precision="part_of_day",
                place_name=HOSTILE_PLACE,
                geo_precision="relative",
                source='=HYPERLINK("http://x")',
                source_type="social",
                via="Example Wire",
                url="javascript:alert(1)",
                evidence=HOSTILE_EVIDENCE,
                killed=None,
                injured=125,
                casualty_text="at least 125 people were hurt",
                claimed_by="Health Ministry",
                claim_status="official",
                lat=33.2950001,
                lon=44.3950001,
            ),
            incident_record(),
            incident_record(
                incident_id="inc-0002",
                event_type="tear_gas",
                actors=[],
                time_start=None,
                time_end=None,
                time_precision="day",
                place_id=None,
                place_name=None,
                geo_precision=None,
                uncertainty_m=None,
                resolved_by=None,
                place_basis=None,
                killed=None,
                casualty_text=None,
                claimed_by=None,
                claim_status=None,
                lat=None,
                lon=None,
            ),
        ]
    )


def sample_places() -> gpd.GeoDataFrame:
    """A zone given clockwise with an anticlockwise hole, a bridge, a gate, a derived area."""
    zone = Polygon(
        [(44.38, 33.29), (44.38, 33.32), (44.41, 33.32), (44.41, 33.29)],
        holes=[[(44.39, 33.30), (44.40, 33.30), (44.40, 33.31), (44.39, 33.31)]],
    )
    south = Polygon([(44.38, 33.27), (44.38, 33.29), (44.41, 33.29), (44.41, 33.27)])
    rows = [
        ("green_zone", "Green Zone", ARABIC, "zone", "zone", zone, False),
        ("rel:south:green_zone", "south of the Green Zone", None, "zone", "relative", south, True),
        (
            "jumhuriya_bridge",
            "Jumhuriya Bridge",
            None,
            "bridge",
            "estimated",
            LineString([(44.405, 33.318), (44.414, 33.322)]),
            False,
        ),
        ("gate", "A gate", None, "gate", "estimated", Point(44.39, 33.305), False),
    ]
    return gpd.GeoDataFrame(
        {
            "place_id": [row[0] for row in rows],
            "name": [row[1] for row in rows],
            "name_ar": [row[2] for row in rows],
            "kind": [row[3] for row in rows],
            "precision": [row[4] for row in rows],
            "uncertainty_m": [300.0, 800.0, 100.0, 50.0],
            "coordinate_basis": ["estimate", "derived", "published", "estimate"],
            "source": ["research notes", "derived", "research notes", "research notes"],
            "mention_count": [4, 1, 2, 1],
            "derived": [row[6] for row in rows],
            "description": [None, "<b>bold</b> south side", None, None],
        },
        geometry=[row[5] for row in rows],
        crs="EPSG:4326",
    )


def features_by_id(text: str) -> dict[object, dict]:
    return {feature["id"]: feature for feature in json.loads(text)["features"]}


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def directory_listing(folder: Path) -> set[str]:
    return {entry.name for entry in folder.iterdir()}


def gpkg_last_changes(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT last_change FROM gpkg_contents").fetchall()
    return {row[0] for row in rows}


# ------------------------------------------------------------------------ GeoJSON, raw


def test_incidents_geojson_is_a_feature_collection_without_crs():
    document = json.loads(incidents_geojson(sample_incidents()))
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    assert all("crs" not in feature for feature in document["features"])
    assert [feature["type"] for feature in document["features"]] == ["Feature"] * 3


def test_features_are_sorted_by_id_and_carry_it():
    document = json.loads(incidents_geojson(sample_incidents()))
    ids = [feature["id"] for feature in document["features"]]
    assert ids == ["inc-0001", "inc-0002", "inc-0003"]
    assert [f["properties"]["incident_id"] for f in document["features"]] == ids


def test_properties_are_every_column_in_column_order():
    for feature in json.loads(incidents_geojson(sample_incidents()))["features"]:
        expected = ["actors_json" if c == "actors" else c for c in INCIDENT_COLUMNS]
        assert list(feature["properties"]) == expected
        assert list(feature) == ["type", "id", "geometry", "properties"]


def test_property_values_keep_their_types():
    features = features_by_id(incidents_geojson(sample_incidents()))
    mapped = features["inc-0001"]["properties"]
    assert mapped["killed"] == 3
    assert type(mapped["killed"]) is int
    assert type(mapped["evidence_start"]) is int
    assert mapped["injured"] is None
    assert mapped["via"] is None
    assert json.loads(mapped["actors_json"]) == [
        "Protesters (Iraq)", "Police Forces of Iraq", "Kataib Hezbollah",
    ]  # fmt: skip
    assert mapped["time_start"] == "2021-11-05T14:00:00+03:00"
    assert mapped["uncertainty_m"] == 150.0
    assert features["inc-0002"]["properties"]["actors_json"] == "[]"


def test_unmapped_incident_has_null_geometry_and_null_coordinates():
    unmapped = features_by_id(incidents_geojson(sample_incidents()))["inc-0002"]
    assert unmapped["geometry"] is None
    assert unmapped["properties"]["lat"] is None
    assert unmapped["properties"]["lon"] is None


def test_coordinates_have_at_most_seven_decimals():
    text = incidents_geojson(sample_incidents())
    mapped = features_by_id(text)["inc-0001"]
    assert mapped["geometry"] == {"type": "Point", "coordinates": [44.3902591, 33.3075771]}
    assert mapped["properties"]["lat"] == 33.3075771
    numbers = re.findall(r'"(?:coordinates|lat|lon)":\[?([-0-9.,e]+)', text)
    assert numbers
    for group in numbers:
        for number in group.split(","):
            assert "e" not in number
            assert len(number.partition(".")[2]) <= 7, number


def test_hostile_strings_survive_verbatim_and_arabic_is_not_escaped():
    text = incidents_geojson(sample_incidents())
    hostile = features_by_id(text)["inc-0003"]["properties"]
    assert hostile["evidence"] == HOSTILE_EVIDENCE
    assert hostile["place_name"] == HOSTILE_PLACE
    assert hostile["url"] == "javascript:alert(1)"
    assert hostile["source"] == '=HYPERLINK("http://x")'
    assert ARABIC in text
    assert "\\u06" not in text


def test_geojson_is_identical_for_the_same_table_in_any_row_order():
    incidents = sample_incidents()
    first = incidents_geojson(incidents)
    assert incidents_geojson(incidents) == first
    assert incidents_geojson(incidents.iloc[::-1]) == first
    assert first.endswith("]}\n")


def test_counts_stay_integers_when_they_arrive_as_floats():
    incidents = sample_incidents()
    incidents["killed"] = incidents["killed"].astype("float64")
    features = features_by_id(incidents_geojson(incidents))
    assert type(features["inc-0001"]["properties"]["killed"]) is int
    assert features["inc-0002"]["properties"]["killed"] is None


def test_fractional_count_is_refused():
    incidents = sample_incidents()
    incidents["killed"] = [2.5, None, None]
    with pytest.raises(OutputError, match="killed"):
        incidents_geojson(incidents)


def test_time_without_offset_is_refused_with_the_incident_named():
    incidents = make_incidents([incident_record(time_start="2021-11-05T14:00:00")])
    with pytest.raises(OutputError, match=r"inc-0001.*time_start.*offset"):
        incidents_geojson(incidents)


def test_unreadable_time_is_refused():
    incidents = make_incidents([incident_record(time_end="late afternoon")])
    with pytest.raises(OutputError, match="late afternoon"):
        incidents_geojson(incidents)


def test_short_iso_time_is_written_in_full():
    incidents = make_incidents([incident_record(time_start="2021-11-05T14:00+03:00")])
    feature = features_by_id(incidents_geojson(incidents))["inc-0001"]
    assert feature["properties"]["time_start"] == "2021-11-05T14:00:00+03:00"


def test_duplicate_ids_are_refused():
    incidents = make_incidents([incident_record(), incident_record()])
    with pytest.raises(OutputError, match="inc-0001"):
        incidents_geojson(incidents)


def test_empty_table_gives_an_empty_collection():
    empty = sample_incidents().iloc[0:0]
    assert json.loads(incidents_geojson(empty)) == {"type": "FeatureCollection", "features": []}


def test_generic_writer_converts_datetimes_and_numpy_values():
    frame = gpd.GeoDataFrame(
        {
            "key": [7, 2],
            "when": pd.to_datetime(["2021-11-05T11:00:00Z", None], utc=True),
            "flag": [True, False],
            "share": [0.5, float("nan")],
        },
        geometry=[Point(44.4, 33.3), None],
        crs="EPSG:4326",
    )
    document = json.loads(geodataframe_to_geojson(frame, id_column="key"))
    assert [feature["id"] for feature in document["features"]] == [2, 7]
    second = document["features"][1]["properties"]
    assert second == {"key": 7, "when": "2021-11-05T11:00:00+00:00", "flag": True, "share": 0.5}
    assert document["features"][0]["properties"]["share"] is None


def test_projected_frame_is_written_in_lon_lat():
    metric = sample_incidents().to_crs(32638)
    feature = features_by_id(incidents_geojson(metric))["inc-0001"]
    lon, lat = feature["geometry"]["coordinates"]
    assert lon == pytest.approx(44.3902591, abs=1e-6)
    assert lat == pytest.approx(33.3075771, abs=1e-6)


def test_polygon_exteriors_are_counter_clockwise_and_holes_clockwise():
    places = sample_places()
    assert not places.geometry.iloc[0].exterior.is_ccw  # the input really is clockwise
    zone = features_by_id(places_geojson(places))["green_zone"]["geometry"]
    assert zone["type"] == "Polygon"
    exterior, hole = zone["coordinates"]
    assert LinearRing(exterior).is_ccw
    assert not LinearRing(hole).is_ccw


def test_places_keep_booleans_integers_and_geometry_kinds():
    features = features_by_id(places_geojson(sample_places()))
    derived = features["rel:south:green_zone"]["properties"]
    assert derived["derived"] is True
    assert features["green_zone"]["properties"]["derived"] is False
    assert type(features["green_zone"]["properties"]["mention_count"]) is int
    assert features["green_zone"]["properties"]["name_ar"] == ARABIC
    assert features["jumhuriya_bridge"]["geometry"]["type"] == "LineString"
    assert features["gate"]["geometry"]["type"] == "Point"
    assert list(features) == sorted(features)


# ----------------------------------------------------------------- GeoJSON through GDAL


@pytest.mark.gdal
def test_gdal_reads_incident_geojson_with_its_types(tmp_path):
    path = tmp_path / "incidents.geojson"
    path.write_text(incidents_geojson(sample_incidents()), encoding="utf-8")
    info = pyogrio.read_info(path)
    assert info["geometry_type"] == "Point"
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == 3
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["time_start"].startswith("datetime64")
    assert types["killed"] in {"int32", "int64"}
    assert types["evidence_start"] in {"int32", "int64"}
    assert types["actors_json"] == "object"  # JSON text: every driver keeps it
    assert types["uncertainty_m"] == "float64"


@pytest.mark.gdal
def test_gdal_reads_incident_values_and_null_geometry(tmp_path):
    path = tmp_path / "incidents.geojson"
    path.write_text(incidents_geojson(sample_incidents()), encoding="utf-8")
    frame = pyogrio.read_dataframe(path).set_index("incident_id")
    assert frame.crs.to_epsg() == 4326
    assert frame.loc["inc-0002", "geometry"] is None
    assert frame.loc["inc-0001", "geometry"].equals(Point(44.3902591, 33.3075771))
    assert frame.loc["inc-0001", "time_start"] == pd.Timestamp("2021-11-05T11:00:00Z")
    assert frame.loc["inc-0003", "evidence"] == HOSTILE_EVIDENCE
    assert frame.loc["inc-0003", "place_name"] == HOSTILE_PLACE


@pytest.mark.gdal
def test_gdal_reads_places_geojson(tmp_path):
    path = tmp_path / "places.geojson"
    path.write_text(places_geojson(sample_places()), encoding="utf-8")
    info = pyogrio.read_info(path)
    assert info["features"] == 4
    assert info["crs"] == "EPSG:4326"
    frame = pyogrio.read_dataframe(path).set_index("place_id")
    assert frame.loc["green_zone", "geometry"].geom_type == "Polygon"
    assert frame.loc["green_zone", "geometry"].equals(sample_places().geometry.iloc[0])
    assert bool(frame.loc["rel:south:green_zone", "derived"]) is True


# ------------------------------------------------------------------------ GeoPackage


def write_sample_geopackage(path: Path) -> Path:
    write_geopackage({"incidents": sample_incidents(), "places": sample_places()}, path)
    return path


@pytest.mark.gdal
def test_geopackage_has_both_layers_in_wgs84(tmp_path):
    path = write_sample_geopackage(tmp_path / "incidents.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert layers == {
        "incidents": "Point",
        "places_point": "Point",
        "places_line": "MultiLineString",
        "places_polygon": "MultiPolygon",
    }
    assert pyogrio.read_info(path, layer="incidents")["features"] == 3
    assert pyogrio.read_info(path, layer="places_polygon")["features"] == 2
    assert pyogrio.read_info(path, layer="places_line")["features"] == 1
    assert pyogrio.read_info(path, layer="places_point")["crs"] == "EPSG:4326"


@pytest.mark.gdal
def test_geopackage_times_are_utc_datetimes_beside_local_text(tmp_path):
    path = write_sample_geopackage(tmp_path / "incidents.gpkg")
    info = pyogrio.read_info(path, layer="incidents")
    ogr_types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert ogr_types["utc_start"] == "OFTDateTime"
    assert ogr_types["utc_end"] == "OFTDateTime"
    assert ogr_types["time_start"] == "OFTString"
    assert ogr_types["killed"] in {"OFTInteger", "OFTInteger64"}
    frame = pyogrio.read_dataframe(path, layer="incidents").set_index("incident_id")
    assert frame.loc["inc-0001", "utc_start"] == pd.Timestamp("2021-11-05T11:00:00Z")
    assert frame.loc["inc-0001", "time_start"] == "2021-11-05T14:00:00+03:00"
    assert pd.isna(frame.loc["inc-0002", "utc_start"])
    assert frame.loc["inc-0002", "geometry"] is None


@pytest.mark.gdal
def test_geopackage_stores_lists_as_json_text(tmp_path):
    path = write_sample_geopackage(tmp_path / "incidents.gpkg")
    frame = pyogrio.read_dataframe(path, layer="incidents").set_index("incident_id")
    assert "actors" not in frame.columns
    assert json.loads(frame.loc["inc-0003", "actors_json"]) == [
        "@crowd_account",
        "-minus",
        "+plus",
        ARABIC,
    ]
    assert json.loads(frame.loc["inc-0002", "actors_json"]) == []
    assert frame.loc["inc-0003", "evidence"] == HOSTILE_EVIDENCE


@pytest.mark.gdal
def test_geopackage_bytes_are_identical_across_writes(tmp_path):
    first = write_sample_geopackage(tmp_path / "a.gpkg")
    second = write_sample_geopackage(tmp_path / "b.gpkg")
    assert first.read_bytes() == second.read_bytes()
    assert gpkg_last_changes(first) == {DEFAULT_GPKG_TIMESTAMP}
    assert directory_listing(tmp_path) == {"a.gpkg", "b.gpkg"}


@pytest.mark.gdal
def test_geopackage_honours_source_date_epoch_and_restores_gdal_config(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1636070400")
    path = write_sample_geopackage(tmp_path / "incidents.gpkg")
    assert gpkg_last_changes(path) == {"2021-11-05T00:00:00.000Z"}
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None


def test_geopackage_rejects_a_malformed_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(OutputError, match="SOURCE_DATE_EPOCH"):
        write_sample_geopackage(tmp_path / "incidents.gpkg")
    assert directory_listing(tmp_path) == set()


def test_geopackage_in_a_missing_folder_names_the_path(tmp_path):
    target = tmp_path / "missing" / "incidents.gpkg"
    with pytest.raises(OutputError) as caught:
        write_sample_geopackage(target)
    assert caught.value.path == str(target)


@pytest.mark.gdal
def test_geopackage_failure_leaves_no_temporary_file(tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output_files, "fsync_file", disk_full)  # the staged-file writer
    with pytest.raises(OutputError, match="no space") as caught:
        write_sample_geopackage(tmp_path / "incidents.gpkg")
    assert caught.value.path == str(tmp_path / "incidents.gpkg")
    assert directory_listing(tmp_path) == set()


# --------------------------------------------------------------------------------- CSV


def test_incidents_csv_has_our_columns_and_unix_line_ends():
    text = incidents_csv(sample_incidents())
    assert text.splitlines()[0] == ",".join(INCIDENT_CSV_COLUMNS)
    assert "\r\n" not in text
    assert text.endswith("\n")
    assert [row["incident_id"] for row in csv_rows(text)] == ["inc-0001", "inc-0002", "inc-0003"]


def test_incidents_csv_uses_no_acled_name_with_another_meaning():
    ours_not_acled = {"event_type", "time_precision", "geo_precision", "notes", "fatalities"}
    assert not ours_not_acled & set(INCIDENT_CSV_COLUMNS)
    assert acled_csv(sample_incidents()) == incidents_csv(sample_incidents())  # the old name


def test_incidents_csv_row_keeps_every_field():
    row = csv_rows(incidents_csv(sample_incidents()))[0]
    assert row["incident_type"] == "clash"
    assert row["acled_event_type"] == "Riots"
    assert row["time_granularity"] == "hour"
    assert row["place_precision"] == "exact"
    assert json.loads(row["actors_json"]) == [
        "Protesters (Iraq)", "Police Forces of Iraq", "Kataib Hezbollah",
    ]  # fmt: skip
    assert row["time_start"] == "2021-11-05T14:00:00+03:00"
    assert row["lat"] == "33.3075771"
    assert row["killed"] == "3"
    assert row["injured"] == ""
    assert row["evidence"] == "Supporters of the alliance fought police at a gate of the zone."
    assert row["status"] == row["weapon"] == ""  # columns of newer extractors, absent here


def test_incidents_csv_neutralises_only_real_formulas():
    row = csv_rows(incidents_csv(sample_incidents()))[2]
    assert row["source"] == '\'=HYPERLINK("http://x")'
    assert row["evidence"].startswith("<script>alert(1)</script>")
    assert row["place_name"] == HOSTILE_PLACE
    handle = incident_record(source="@crowd_account", source_type="social")
    assert csv_rows(incidents_csv(make_incidents([handle])))[0]["source"] == "@crowd_account"


def test_incidents_csv_collapses_line_breaks_and_round_trips_quotes():
    record = incident_record(evidence='Police said "stay back"\r\nand then\n\nfired.')
    text = incidents_csv(make_incidents([record]))
    assert text.count("\n") == 2
    assert csv_rows(text)[0]["evidence"] == 'Police said "stay back" and then fired.'


def test_incidents_csv_is_identical_in_any_row_order():
    incidents = sample_incidents()
    assert incidents_csv(incidents) == incidents_csv(incidents.iloc[::-1])


def test_incidents_csv_needs_the_documented_columns():
    with pytest.raises(OutputError, match="source"):
        incidents_csv(sample_incidents().drop(columns=["source"]))


@pytest.mark.parametrize(
    "text",
    [
        "=SUM(A1)", "=1+1", "+HYPERLINK(\"x\")", "-2+3+cmd|' /C calc'!A0", "- protesters",
        "-minus", "@SUM(1+1)", "@A1", "@cmd|'/c calc'!A0", "\tx", "\rx",
    ],
)  # fmt: skip
def test_neutralise_formula_prefixes_what_a_spreadsheet_evaluates(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["", "Riots", "1-2", "a=b", " =x", ARABIC, "@handle", "@Iraqi_News said", "-5", "+3", "-1.5"],
)
def test_neutralise_formula_leaves_handles_numbers_and_prose(text):
    assert neutralise_formula(text) == text


# ----------------------------------------------------------------------- atomic writes


def test_atomic_write_text_replaces_the_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")
    atomic_write_text(target, f"new {ARABIC}\n")
    assert target.read_bytes() == f"new {ARABIC}\n".encode()
    assert directory_listing(tmp_path) == {"map.html"}


def test_atomic_write_bytes_keeps_the_old_file_when_the_rename_fails(tmp_path, monkeypatch):
    target = tmp_path / "incidents.csv"
    target.write_bytes(b"old")

    def refuse(source, destination):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="permission denied") as caught:
        atomic_write_bytes(target, b"new")
    assert caught.value.path == str(target)
    assert target.read_bytes() == b"old"
    assert directory_listing(tmp_path) == {"incidents.csv"}


def test_atomic_write_reports_a_full_disk(tmp_path, monkeypatch):
    def disk_full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="no space left"):
        atomic_write_text(tmp_path / "map.html", "x")
    assert directory_listing(tmp_path) == set()


def test_atomic_write_into_a_missing_folder_names_the_file(tmp_path):
    target = tmp_path / "missing" / "map.html"
    with pytest.raises(OutputError) as caught:
        atomic_write_text(target, "x")
    assert caught.value.path == str(target)


# ------------------------------------------------------------------------ write_outputs


def test_write_outputs_writes_every_kind_of_content(tmp_path):
    out_dir = tmp_path / "build" / "out"
    incidents, places = sample_incidents(), sample_places()
    written = write_outputs(
        out_dir,
        {
            "map.html": "<html>map</html>\n",
            "incidents.geojson": incidents_geojson(incidents),
            "places.geojson": places_geojson(places).encode(),
            "incidents.gpkg": lambda path: write_geopackage(
                {"incidents": incidents, "places": places}, path
            ),
            "incidents.csv": acled_csv(incidents),
        },
    )
    names = ["map.html", "incidents.geojson", "places.geojson", "incidents.gpkg", "incidents.csv"]
    assert written == [out_dir / name for name in names]
    assert directory_listing(out_dir) == set(names)
    assert (out_dir / "map.html").read_text(encoding="utf-8") == "<html>map</html>\n"
    assert (out_dir / "incidents.csv").read_text(encoding="utf-8") == acled_csv(incidents)
    assert (out_dir / "incidents.gpkg").read_bytes()[:16] == b"SQLite format 3\x00"


def test_all_outputs_are_identical_across_two_builds(tmp_path):
    def build(out_dir: Path) -> dict[str, bytes]:
        incidents, places = sample_incidents(), sample_places()
        write_outputs(
            out_dir,
            {
                "incidents.geojson": incidents_geojson(incidents),
                "places.geojson": places_geojson(places),
                "incidents.gpkg": lambda path: write_geopackage(
                    {"incidents": incidents, "places": places}, path
                ),
                "incidents.csv": acled_csv(incidents),
            },
        )
        return {path.name: path.read_bytes() for path in out_dir.iterdir()}

    assert build(tmp_path / "one") == build(tmp_path / "two")


def test_failed_rebuild_leaves_previous_outputs_untouched(tmp_path):
    (tmp_path / "map.html").write_text("previous map", encoding="utf-8")
    (tmp_path / "incidents.csv").write_text("previous csv", encoding="utf-8")

    def disk_full(path: Path) -> None:
        path.write_bytes(b"half a geopackage")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="no space left") as caught:
        write_outputs(
            tmp_path,
            {"map.html": "new map", "incidents.csv": "new csv", "incidents.gpkg": disk_full},
        )
    assert caught.value.path == str(tmp_path / "incidents.gpkg")
    assert (tmp_path / "map.html").read_text(encoding="utf-8") == "previous map"
    assert (tmp_path / "incidents.csv").read_text(encoding="utf-8") == "previous csv"
    assert directory_listing(tmp_path) == {"map.html", "incidents.csv"}


def test_failed_move_puts_back_the_files_already_moved(tmp_path, monkeypatch):
    (tmp_path / "map.html").write_text("previous map", encoding="utf-8")
    real_replace = os.replace

    def refuse_the_csv(source, destination):
        if Path(destination) == tmp_path / "incidents.csv":
            raise PermissionError(errno.EACCES, "Permission denied")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", refuse_the_csv)
    with pytest.raises(OutputError, match="permission denied") as caught:
        write_outputs(tmp_path, {"map.html": "new map", "incidents.csv": "new csv"})
    assert caught.value.path == str(tmp_path / "incidents.csv")
    assert (tmp_path / "map.html").read_text(encoding="utf-8") == "previous map"
    assert directory_listing(tmp_path) == {"map.html"}


def test_out_dir_that_is_a_file_is_refused(tmp_path):
    not_a_folder = tmp_path / "out"
    not_a_folder.write_text("I am a file", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder") as caught:
        write_outputs(not_a_folder, {"map.html": "x"})
    assert caught.value.path == str(not_a_folder)
    assert not_a_folder.read_text(encoding="utf-8") == "I am a file"


def test_out_dir_below_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        write_outputs(tmp_path / "file" / "out", {"map.html": "x"})


def test_unwritable_out_dir_is_refused(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(OutputError, match="permission denied") as caught:
        write_outputs(tmp_path, {"map.html": "x"})
    assert caught.value.path == str(tmp_path)
    assert directory_listing(tmp_path) == set()


def test_out_dir_without_write_permission_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match="not writable"):
        write_outputs(tmp_path, {"map.html": "x"})


def test_folder_in_the_way_of_an_output_is_refused_before_writing(tmp_path):
    (tmp_path / "incidents.csv").mkdir()
    with pytest.raises(OutputError, match="folder") as caught:
        write_outputs(tmp_path, {"map.html": "x", "incidents.csv": "y"})
    assert caught.value.path == str(tmp_path / "incidents.csv")
    assert directory_listing(tmp_path) == {"incidents.csv"}


def test_writer_that_produces_nothing_is_an_error(tmp_path):
    with pytest.raises(OutputError, match="did not produce"):
        write_outputs(tmp_path, {"incidents.gpkg": lambda path: None})
    assert directory_listing(tmp_path) == set()


def test_unexpected_writer_bug_still_cleans_up(tmp_path):
    def broken(path: Path) -> None:
        path.write_text("partial", encoding="utf-8")
        raise KeyError("bug")

    with pytest.raises(KeyError):
        write_outputs(tmp_path, {"map.html": "x", "incidents.gpkg": broken})
    assert directory_listing(tmp_path) == set()


@pytest.mark.parametrize("name", ["", "..", "sub/map.html", ".incident-map-staging-x"])
def test_output_names_must_be_plain_file_names(tmp_path, name):
    with pytest.raises(ValueError, match="plain file names"):
        write_outputs(tmp_path, {name: "x"})


@pytest.mark.gdal
def test_geopackage_accepts_empty_tables(tmp_path):
    path = tmp_path / "incidents.gpkg"
    write_geopackage({"incidents": sample_incidents().iloc[0:0], "places": sample_places()}, path)
    info = pyogrio.read_info(path, layer="incidents")
    assert info["features"] == 0
    assert {"time_start", "utc_start", "actors_json"} <= set(info["fields"])
    assert info["geometry_type"] == "Point"


def test_table_without_geometry_is_refused():
    plain = pd.DataFrame({"incident_id": ["inc-0001"]})
    with pytest.raises(OutputError, match="geometry"):
        geodataframe_to_geojson(gpd.GeoDataFrame(plain), id_column="incident_id")


def test_geopackage_layer_names_must_differ_ignoring_case(tmp_path):
    places = sample_places()
    with pytest.raises(OutputError, match="ignore case"):
        write_geopackage({"places": places, "Places": places}, tmp_path / "x.gpkg")
