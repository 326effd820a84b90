"""Gazetteer packs: any city, not only Baghdad (issue #15).

A small Beirut pack (``tests/data/packs/beirut``: every coordinate an estimate,
its source stated) and two reports written for these tests run through the
installed ``incident-map`` command as a user would run it: the winter "9 pm"
lands at UTC+02:00 and the summer one at UTC+03:00, the actors are Lebanon's,
"across Lebanon" is not "outside the home country", "south of Martyrs' Square"
is drawn in UTM 36N, and the map opens on Beirut.
"""

from __future__ import annotations

import csv
import io
import json
import math
import pickle
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from console import run_command
from shapely.geometry import Point

from gazetteer.check import check_pack
from gazetteer.model import load_gazetteer
from gazetteer.pack import bundled_pack, load_pack
from geo.crs import to_metric
from geo.errors import GazetteerError
from geo.relative import derive_area
from maps.timeline import window_minutes, zone_offsets

REPO = Path(__file__).resolve().parents[1]
BEIRUT = REPO / "tests" / "data" / "packs" / "beirut"
BEIRUT_REPORTS = REPO / "tests" / "data" / "packs" / "beirut_reports"
#: Text that must not appear in a Beirut build's outputs.
IRAQI = ("Iraq", "IRQ", "Baghdad", "بغداد")


def run(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it, with a fixed build clock."""
    return run_command(*args, cwd=cwd, timeout=300, env={"SOURCE_DATE_EPOCH": "946684800"})


@pytest.fixture(scope="module")
def beirut_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("beirut") / "out"
    result = run("build", BEIRUT_REPORTS, "--pack", BEIRUT, "--out", out, "-q", cwd=REPO)
    assert result.returncode == 0, result.stderr
    return out


def incident_rows(out: Path) -> list[dict[str, str]]:
    with (out / "incidents.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------------ the pack itself


def test_the_bundled_pack_is_baghdad_with_its_facts_as_data() -> None:
    pack = bundled_pack()
    assert (pack.name, pack.timezone, pack.country, pack.country_name) == (
        "Baghdad",
        "Asia/Baghdad",
        "IQ",
        "Iraq",
    )
    assert pack.metric_crs == "EPSG:32638"  # chosen from the area, not written down
    assert pack.home_city == "baghdad_city"
    assert pack.area == (43.8, 32.8, 45.0, 33.8)
    assert load_gazetteer().pack == pack


def test_a_pack_with_only_the_five_keys_derives_area_crs_and_map_home() -> None:
    pack, places = load_pack(BEIRUT)
    assert (pack.timezone, pack.country, pack.country_name) == ("Asia/Beirut", "LB", "Lebanon")
    assert pack.metric_crs == "EPSG:32636"  # UTM 36N, the zone of Beirut
    west, south, east, north = pack.area
    home = next(p for p in places if p.id == "beirut_city")
    assert (west, south) < home.geometry.bounds[:2]
    assert (east, north) > home.geometry.bounds[2:]
    assert pack.map_home["place_ids"] == ["beirut_city"]
    assert pack.map_home["centre"] == list(home.lat_lon)
    assert all(p.coordinate_basis == "estimate" and p.source for p in places)


def test_the_pack_travels_with_the_gazetteer_to_worker_processes() -> None:
    gazetteer = load_gazetteer(pack=BEIRUT)
    again = pickle.loads(pickle.dumps(gazetteer))
    assert again.pack == gazetteer.pack
    assert again.pack.fingerprint == gazetteer.pack.fingerprint
    assert set(again) == set(gazetteer)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"timezone": "Asia/Nowhere"}, "'timezone' 'Asia/Nowhere' is not an IANA time zone"),
        ({"country": "XX"}, "'country' 'XX' is not an ISO 3166-1 alpha-2 code"),
        ({"home_city": "beirut"}, "'home_city' 'beirut' is not the id of an entry"),
        ({"languages": ["english"]}, "'languages' entry 'english' is not an ISO 639-1 code"),
        (
            {"area": [35.6, 33.8, 35.4, 33.9]},
            "'area' [35.6, 33.8, 35.4, 33.9] is not a lon/lat box",
        ),
        ({"metric_crs": "EPSG:4326"}, "'metric_crs' 'EPSG:4326' is not a projected CRS"),
    ],
)
def test_a_wrong_key_is_named_with_the_pack_file(
    tmp_path: Path, change: dict[str, object], words: str
) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(BEIRUT, folder)
    raw = json.loads((folder / "pack.json").read_text(encoding="utf-8"))
    (folder / "pack.json").write_text(json.dumps({**raw, **change}), encoding="utf-8")
    with pytest.raises(GazetteerError) as caught:
        load_pack(folder)
    assert words in str(caught.value)
    assert str(folder / "pack.json") in str(caught.value)


def test_a_missing_key_lists_what_a_pack_needs(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(BEIRUT, folder)
    raw = json.loads((folder / "pack.json").read_text(encoding="utf-8"))
    del raw["timezone"], raw["languages"]
    (folder / "pack.json").write_text(json.dumps(raw), encoding="utf-8")
    pack, problems = check_pack(folder)
    assert pack is None
    assert len(problems) == 1
    assert "pack.json lacks 'timezone', 'languages'" in str(problems[0])


def test_places_outside_the_packs_own_area_are_errors(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(BEIRUT, folder)
    data = json.loads((folder / "places.geojson").read_text(encoding="utf-8"))
    hamra = next(f for f in data["features"] if f["id"] == "hamra")
    hamra["geometry"]["coordinates"] = [33.8960, 35.4820]  # lat/lon swapped
    (folder / "places.geojson").write_text(json.dumps(data), encoding="utf-8")
    _, problems = check_pack(folder)
    assert [(p.place_id, p.severity) for p in problems] == [("hamra", "error")]
    assert "lat/lon are swapped" in problems[0].message


# ------------------------------------------------------------------ geometry and time


def bearing_deg(anchor: Point, point: Point, crs: str) -> float:
    """Bearing from ``anchor`` to ``point`` measured in ``crs``, clockwise from grid north."""
    a, b = to_metric(anchor, crs=crs), to_metric(point, crs=crs)
    return math.degrees(math.atan2(b.x - a.x, b.y - a.y)) % 360


def test_south_of_a_beirut_square_is_due_south_in_the_packs_projection() -> None:
    pack, places = load_pack(BEIRUT)
    square = next(p for p in places if p.id == "martyrs_square").geometry
    local = derive_area(square, "south", crs=pack.metric_crs).geometry.centroid
    baghdad = derive_area(square, "south", crs=bundled_pack().metric_crs).geometry.centroid
    # measured in a true-north frame centred on the square (an equidistant projection)
    true_north = f"+proj=aeqd +lat_0={square.y} +lon_0={square.x} +datum=WGS84 +units=m"
    assert abs(bearing_deg(square, local, true_north) - 180) < 2.0
    # UTM 38N's grid north is 5 degrees off true north in Beirut: the old fixed CRS
    assert abs(bearing_deg(square, baghdad, true_north) - 180) > 4.0


def test_the_zones_offset_changes_are_found_to_the_minute() -> None:
    # 2025: Beirut moves to UTC+3 at 00:00 on 30 March (22:00 UTC on the 29th) and back
    # at 00:00 on 26 October (21:00 UTC on the 25th).
    start = 55 * 365 * 1440  # 2024-12-19, in minutes since the epoch
    rules = zone_offsets("Asia/Beirut", start, start + 365 * 1440)
    assert rules["initial"] == 120
    spring = (20176 * 1440) + 22 * 60  # 2025-03-29T22:00Z
    autumn = (20386 * 1440) + 21 * 60  # 2025-10-25T21:00Z
    assert rules["changes"] == [[spring, 180], [autumn, 120]]
    assert zone_offsets("Asia/Baghdad", start, start + 365 * 1440)["changes"] == []


def test_naive_times_and_days_take_the_offset_of_their_own_moment() -> None:
    import pandas as pd

    t0, t1 = window_minutes(
        pd.Series(["2025-01-11", "2025-07-12", "2025-01-11"]),
        pd.Series(["2025-01-11T21:00:00", "2025-07-12T21:00:00", None]),
        pd.Series([None, None, None]),
        pd.Series(["hour", "hour", "day"]),
        timezone="Asia/Beirut",
        open_window_minutes=60,
    )
    assert t0[0] % 1440 == 19 * 60  # 21:00 at UTC+2
    assert t0[1] % 1440 == 18 * 60  # 21:00 at UTC+3
    assert t0[2] % 1440 == 22 * 60  # the local day starts at 22:00 UTC the day before
    assert t1[2] - t0[2] == 1440


# ------------------------------------------------------------------ the CLI, for real


def test_pack_check_validates_a_pack_and_says_what_it_derived() -> None:
    result = run("pack", "check", BEIRUT, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "pack Beirut: Asia/Beirut, LB (Lebanon), home city beirut_city" in result.stdout
    assert "metric CRS EPSG:32636" in result.stdout
    assert f"{BEIRUT}: 0 errors, 0 warnings" in result.stderr


def test_pack_check_exits_1_naming_the_broken_file(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(BEIRUT, folder)
    (folder / "pack.json").write_text('{"name": "Beirut",\n "timezone": }', encoding="utf-8")
    result = run("pack", "check", folder, cwd=tmp_path)
    assert result.returncode == 1
    assert f"error: {folder / 'pack.json'}:2: not valid JSON" in result.stdout
    missing = run("pack", "check", tmp_path / "nowhere", cwd=tmp_path)
    assert missing.returncode == 1
    assert "is not a folder" in missing.stdout


def test_a_winter_9pm_lands_at_beiruts_own_offset(beirut_build: Path) -> None:
    rows = incident_rows(beirut_build)
    winter = [r["time_start"] for r in rows if r["report"].endswith("winter.txt")]
    summer = [r["time_start"] for r in rows if r["report"].endswith("summer.txt")]
    assert "2025-01-11T21:00:00+02:00" in winter
    assert "2025-07-12T21:00:00+03:00" in summer
    assert all(t.endswith("+02:00") for t in winter if t)
    assert all(t.endswith("+03:00") for t in summer if t)
    events = json.loads((beirut_build / "events.geojson").read_text(encoding="utf-8"))
    starts = {f["properties"]["time_start"] for f in events["features"]}
    assert {t[:7] + t[-6:] for t in starts} == {"2025-01+02:00", "2025-07+03:00"}


def test_no_iraqi_label_appears_in_a_beirut_build(beirut_build: Path) -> None:
    rows = incident_rows(beirut_build)
    actors = {a for r in rows for a in json.loads(r["actors_json"])}
    assert "Security forces (Lebanon)" in actors
    for name in ("incidents.csv", "incidents.geojson", "events.geojson", "acled.csv"):
        text = (beirut_build / name).read_text(encoding="utf-8")
        assert not [word for word in IRAQI if word in text], name
    acled = list(csv.DictReader(io.StringIO((beirut_build / "acled.csv").read_text("utf-8"))))
    assert {(r["country"], r["iso"], r["admin1"]) for r in acled} == {("Lebanon", "422", "Beirut")}
    assert all(r["event_id_cnty"].startswith("LBN") for r in acled)


def test_protests_across_the_packs_own_country_are_not_outside_it() -> None:
    result = run("geocode", BEIRUT_REPORTS / "winter.txt", "--pack", BEIRUT, "--json", cwd=REPO)
    assert result.returncode == 0, result.stderr
    mentions = json.loads(result.stdout)
    lebanon = next(m for m in mentions if m["text"] == "Lebanon")
    assert lebanon["role"] == "location"
    capital = next(m for m in mentions if m["text"] == "the Lebanese capital")
    assert capital["place_id"] == "beirut_city"
    south = next(m for m in mentions if m["text"] == "south of Martyrs' Square")
    assert south["place_id"] == "rel:south:martyrs_square"
    # the same sentence read with the bundled pack: Lebanon is another country there
    baghdad = run("geocode", BEIRUT_REPORTS / "winter.txt", "--json", cwd=REPO)
    roles = {m["text"]: m["role"] for m in json.loads(baghdad.stdout)}
    assert roles["Lebanon"] == "outside"


def test_the_map_opens_on_the_packs_city_with_its_zone(beirut_build: Path) -> None:
    page = (beirut_build / "map.html").read_text(encoding="utf-8")
    assert "33.3076" not in page  # Baghdad's map home
    assert '"zoneLabel":"Beirut"' in page.replace(" ", "")
    found = re.search(r'"zone":\s*(\{[^}]*\})', page)
    assert found is not None
    zone = json.loads(found.group(1))
    assert zone["name"] == "Asia/Beirut"
    assert zone["initial"] == 120
    assert [offset for _, offset in zone["changes"]] == [180]


def test_a_beirut_map_with_nothing_mapped_opens_on_beirut(tmp_path: Path) -> None:
    report = tmp_path / "quiet.txt"
    report.write_text("date: 2025-01-11\n\nNothing of note was reported today.\n", "utf-8")
    out = tmp_path / "out"
    result = run("build", report, "--pack", BEIRUT, "--out", out, "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (out / "map.html").read_text(encoding="utf-8")
    _, places = load_pack(BEIRUT)
    west, south, east, north = next(p for p in places if p.id == "beirut_city").geometry.bounds
    assert f"[[{south}, {west}], [{north}, {east}]]" in page  # fitBounds of the home city
    assert "33.3076" not in page


def test_a_gazetteer_file_outside_the_packs_area_is_refused_naming_it(tmp_path: Path) -> None:
    places = BEIRUT / "places.geojson"
    for command in (("extract", BEIRUT_REPORTS), ("gazetteer", "list")):
        result = run(*command, "--gazetteer", places, cwd=tmp_path)
        assert result.returncode == 1
        assert f"Error: {places}: every entry lies outside the area of the pack 'Baghdad'" in (
            result.stderr
        )
        assert "--pack DIR" in result.stderr
    # inside the pack's area, the same file adds its places
    result = run("gazetteer", "show", "hamra", "--pack", BEIRUT, "--gazetteer", places, cwd=REPO)
    assert result.returncode == 0, result.stderr


def test_a_cached_beirut_analysis_is_not_reused_for_baghdad(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run("build", BEIRUT_REPORTS / "winter.txt", "--pack", BEIRUT, "--out", out, "-q",
                cwd=REPO)  # fmt: skip
    assert first.returncode == 0, first.stderr
    again = run("build", BEIRUT_REPORTS / "winter.txt", "--out", out, "-q", cwd=REPO)
    assert again.returncode == 0, again.stderr
    times = {r["time_start"] for r in incident_rows(out) if r["time_start"]}
    assert times
    assert all(t.endswith("+03:00") for t in times)  # Baghdad's January offset


def test_two_worker_processes_analyse_with_the_pack_they_were_given(
    tmp_path: Path, beirut_build: Path
) -> None:
    out = tmp_path / "out"
    result = run("build", BEIRUT_REPORTS, "--pack", BEIRUT, "--out", out, "-q", "--jobs", "2",
                 "--no-cache", cwd=REPO)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("incidents.csv", "events.geojson", "acled.csv"):
        assert (out / name).read_bytes() == (beirut_build / name).read_bytes(), name


def test_the_readmes_another_city_section_shows_real_output(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Another city", 1)[1].split("\n## ", 1)[0]
    shutil.copytree(BEIRUT, tmp_path / "beirut")
    shutil.copytree(BEIRUT_REPORTS, tmp_path / "reports")
    for command in (
        ("pack", "check", "beirut"),
        ("build", "reports", "--pack", "beirut", "--out", "beirut_map"),
        ("build", "reports", "--gazetteer", "beirut/places.geojson", "--out", "baghdad_map"),
    ):
        result = run(*command, cwd=tmp_path)
        shown = f"$ incident-map {' '.join(command)}\n"
        assert shown in section, command
        printed = (result.stdout + result.stderr).strip()
        assert section.split(shown, 1)[1].startswith(printed.split("\n", 1)[0]), command
        for line in printed.splitlines():
            assert line in section, line


def pack_with_vocabulary(tmp_path: Path, vocabulary: dict[str, object]) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(BEIRUT, folder)
    raw = json.loads((folder / "pack.json").read_text(encoding="utf-8"))
    raw["vocabulary"] = {**raw["vocabulary"], **vocabulary}
    (folder / "pack.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return folder


def test_vocabulary_overlays_extend_or_replace_the_bundled_lists(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(
        "date: 2025-01-11\n\nThe Internal Security Forces police clashed with protesters in Hamra "
        "on Saturday, Gemmayzeh Live reported.\n",
        encoding="utf-8",
    )
    plain = run("geocode", report, "--pack", BEIRUT, "--json", cwd=tmp_path)
    assert {m["text"]: m["role"] for m in json.loads(plain.stdout)}["Gemmayzeh"] == "location"
    extended = pack_with_vocabulary(
        tmp_path,
        {
            "outlets": ["Gemmayzeh Live"],
            "actors": {"Internal Security Forces": ["internal security forces"]},
        },
    )
    roles = {
        m["text"]: m["role"]
        for m in json.loads(
            run("geocode", report, "--pack", extended, "--json", cwd=tmp_path).stdout
        )
    }
    assert roles["Gemmayzeh Live"] == "organisation"
    incidents = json.loads(
        run("extract", report, "--pack", extended, "--json", cwd=tmp_path).stdout
    )
    assert "Internal Security Forces" in incidents[0]["actors"]
    assert "Protesters" in incidents[0]["actors"]  # extended: the bundled actors are still there
    shutil.rmtree(extended)
    replaced = pack_with_vocabulary(
        tmp_path, {"actors": {"Police ({country})": ["police"]}, "replace": ["actors"]}
    )
    incidents = json.loads(
        run("extract", report, "--pack", replaced, "--json", cwd=tmp_path).stdout
    )
    assert incidents[0]["actors"] == ["Police (Lebanon)"]


def test_the_gis_files_carry_each_times_own_offset_and_its_utc_twin(beirut_build: Path) -> None:
    import geopandas as gpd

    table = gpd.read_file(beirut_build / "incidents.gpkg", layer="incidents")
    winter = table[table["time_start"] == "2025-01-11T21:00:00+02:00"]
    summer = table[table["time_start"] == "2025-07-12T21:00:00+03:00"]
    assert len(winter) == 1
    assert len(summer) == 2  # the clash and the deployment
    assert winter["utc_start"].iloc[0].strftime("%Y-%m-%dT%H:%M") == "2025-01-11T19:00"
    assert summer["utc_start"].iloc[0].strftime("%Y-%m-%dT%H:%M") == "2025-07-12T18:00"
