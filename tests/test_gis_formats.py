"""Every GIS output of a real build, opened the way GIS users open it.

Each file is converted by the system's ``ogr2ogr`` (CI installs Debian's gdal-bin:
GDAL 3.6 on Debian stable) to Shapefile, FlatGeobuf, GeoPackage and CSV, and read
back: same rows, same field types where the format has them, same values (within
what the format can hold: a Shapefile cuts text at 254 bytes and keeps only the date
of a date-time). The GeoPackage must validate with GDAL's own validator, and a build
with nothing in it keeps every layer's geometry type.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from maps.build import build
from maps.export import geopackage_layers, write_flatgeobuf, write_geopackage

pytestmark = pytest.mark.gdal

REPO = Path(__file__).resolve().parents[1]
VALIDATORS = (
    Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"),
    Path("/usr/share/doc/python3-gdal/examples/validate_gpkg.py"),
)
TARGETS = {"ESRI Shapefile": "shp", "FlatGeobuf": "fgb", "GPKG": "gpkg", "CSV": "csv"}
#: (file, layer, id field) of every GIS output of a build.
SOURCES = [
    ("incidents.geojson", None, "incident_id"),
    ("events.geojson", None, "event_id"),
    ("places.geojson", None, "place_id"),
    ("incidents.fgb", None, "incident_id"),
    ("events.fgb", None, "event_id"),
    ("incidents.gpkg", "incidents", "incident_id"),
    ("incidents.gpkg", "events", "event_id"),
    ("incidents.gpkg", "places_point", "place_id"),
    ("incidents.gpkg", "places_line", "place_id"),
    ("incidents.gpkg", "places_polygon", "place_id"),
]
#: A Shapefile holds one geometry type: places.geojson (all kinds of place, as a web
#: map wants them) goes to Shapefile one type at a time, as the README shows.
SHAPEFILE_PARTS = {"places.geojson": ("POINT", "LINESTRING", "POLYGON")}
#: What a field type becomes in a Shapefile's DBF (GDAL 3.6): dates only, and
#: booleans as 0/1 integers.
SHAPEFILE_TYPES = {"datetime64[ms]": "datetime64[D]", "bool": "int32"}


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: install gdal-bin (scripts/test.sh does so in CI)"
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "out"
    build([REPO / "examples" / "reports"], out)
    return out


def ogr2ogr(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([_tool("ogr2ogr"), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"ogr2ogr {' '.join(args)} failed:\n{done.stderr}"
    assert "ERROR" not in done.stderr, f"ogr2ogr {' '.join(args)}:\n{done.stderr}"
    return done


def convert(source: Path, layer: str | None, driver: str, target: Path) -> list[Path]:
    """The files ``ogr2ogr`` makes of one layer (several for a mixed Shapefile)."""
    options = {
        "CSV": ["-lco", "GEOMETRY=AS_WKT"],
        "ESRI Shapefile": ["-lco", "ENCODING=UTF-8"],
    }.get(driver, [])
    parts = SHAPEFILE_PARTS.get(source.name) if driver == "ESRI Shapefile" else None
    if not parts:
        ogr2ogr("-f", driver, *options, str(target), str(source), *([layer] if layer else []))
        return [target]
    made = []
    for part in parts:
        path = target.with_name(f"{target.stem}_{part.lower()}{target.suffix}")
        where = f"OGR_GEOMETRY='{part}'"
        ogr2ogr("-f", driver, "-lco", "ENCODING=UTF-8", str(path), str(source), "-where", where)
        made.append(path)
    return made


def read(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(path, layer=layer)


def _date_of(value: object) -> str | None:
    """The calendar day a value names in its own offset (what a Shapefile Date keeps)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    match = re.match(r"(\d{4})[-/](\d\d)[-/](\d\d)", str(value))
    return "-".join(match.groups()) if match else str(value)


def _same(source: object, target: object, *, driver: str, field: str) -> bool:
    """Whether ``target`` is ``source`` as ``driver`` can hold it."""
    if pd.isna(source) if not isinstance(source, (list, tuple)) else False:
        return target is None or (not isinstance(target, str) and pd.isna(target)) or target == ""
    if isinstance(source, pd.Timestamp):
        if driver == "ESRI Shapefile":  # a Date: the day in the time's own offset
            return _date_of(target) == _date_of(source)
        if driver == "CSV":
            text = str(target).replace("/", "-")
            return pd.Timestamp(text) == source
        return pd.Timestamp(target) == source
    if isinstance(source, bool) or type(source).__name__ == "bool_":
        return str(target).lower() in {str(bool(source)).lower(), str(int(bool(source)))}
    if isinstance(source, (int, float)) or type(source).__module__ == "numpy":
        if isinstance(target, str):
            target = float(target) if target else math.nan
        return math.isclose(float(source), float(target), rel_tol=1e-9, abs_tol=1e-6)
    if driver == "ESRI Shapefile":  # text is cut at 254 bytes
        cut = str(source).encode("utf-8")[:254].decode("utf-8", errors="ignore")
        return str(target) in {str(source), cut} or str(source).startswith(str(target))
    return str(target) == str(source)


# GDAL 3.6 writes a GeoJSON time's +03:00 offset into a GeoPackage DateTime, where the
# standard wants UTC; newer GDAL (pyogrio's, reading it back) warns and parses it right.
@pytest.mark.filterwarnings("ignore:Non-conformant content for record:RuntimeWarning")
@pytest.mark.parametrize("driver", list(TARGETS))
@pytest.mark.parametrize(("name", "layer", "id_field"), SOURCES)
def test_every_output_converts_with_the_system_ogr2ogr(
    built: Path, tmp_path: Path, name: str, layer: str | None, id_field: str, driver: str
) -> None:
    source_path = built / name
    source = read(source_path, layer)
    assert len(source) > 0, f"{name} {layer or ''} is empty: the example build should fill it"
    target_base = tmp_path / f"{Path(name).stem}_{layer or 'all'}.{TARGETS[driver]}"
    targets = convert(source_path, layer, driver, target_base)
    target = pd.concat([read(path) for path in targets], ignore_index=True)
    assert len(target) == len(source)
    source_fields = [c for c in source.columns if c != "geometry"]
    target_fields = [c for c in target.columns if c not in {"geometry", "WKT"}]
    if driver == "ESRI Shapefile":  # same order, names cut to 10 characters
        assert len(target_fields) == len(source_fields)
        names = dict(zip(source_fields, target_fields, strict=True))
    else:
        assert target_fields == source_fields
        names = {field: field for field in source_fields}
    if driver in {"FlatGeobuf", "GPKG"}:
        source_types = pyogrio.read_info(source_path, layer=layer)
        target_types = pyogrio.read_info(targets[0])
        expected = dict(zip(source_types["fields"], source_types["dtypes"], strict=True))
        if driver == "FlatGeobuf":  # FlatGeobuf has no Date type: a day becomes its midnight
            expected = {
                k: "datetime64[ms]" if v == "datetime64[D]" else v for k, v in expected.items()
            }
        assert dict(zip(target_types["fields"], target_types["dtypes"], strict=True)) == expected
        assert target_types["geometry_type"] == source_types["geometry_type"]
    if driver == "ESRI Shapefile":  # the types a DBF has: a date-time keeps its date
        source_info = pyogrio.read_info(source_path, layer=layer)
        target_info = pyogrio.read_info(targets[0])
        expected = {
            names[field]: SHAPEFILE_TYPES.get(dtype, dtype)
            for field, dtype in zip(source_info["fields"], source_info["dtypes"], strict=True)
        }
        assert dict(zip(target_info["fields"], target_info["dtypes"], strict=True)) == expected
    by_id = target.set_index(names[id_field], drop=False)
    for _, row in source.iterrows():
        other = by_id.loc[row[id_field]]
        for field in source_fields:
            assert _same(row[field], other[names[field]], driver=driver, field=field), (
                f"{name} {layer or ''} -> {driver}: {field} of {row[id_field]}: "
                f"{row[field]!r} became {other[names[field]]!r}"
            )
        if driver != "CSV" and row.geometry is not None:
            assert other.geometry.equals_exact(row.geometry, 1e-7) or other.geometry.equals(
                row.geometry
            )


def test_a_shapefile_keeps_the_local_day_of_a_time_never_the_utc_one(
    built: Path, tmp_path: Path
) -> None:
    """A Shapefile has no date-time type. From the GeoJSON ``time_start`` becomes the
    local day; from the GeoPackage it stays the local ISO text, and only the field
    named ``utc_start`` holds the UTC date."""
    geojson = read(built / "incidents.geojson").set_index("incident_id")
    from_geojson = read(
        convert(built / "incidents.geojson", None, "ESRI Shapefile", tmp_path / "a.shp")[0]
    )
    from_gpkg = read(
        convert(built / "incidents.gpkg", "incidents", "ESRI Shapefile", tmp_path / "b.shp")[0]
    )
    table = pd.read_csv(built / "incidents.csv", usecols=["incident_id", "time_start"])
    local = {i: t for i, t in table.itertuples(index=False) if isinstance(t, str)}
    assert local, "the example build should have timed incidents"
    for _, row in from_geojson.iterrows():
        if row["incident_i"] in local:
            assert _date_of(row["time_start"]) == local[row["incident_i"]][:10]
    for _, row in from_gpkg.iterrows():
        if row["incident_i"] in local:
            assert row["time_start"] == local[row["incident_i"]]
    assert "utc_start" in from_gpkg.columns
    assert len(geojson) == len(from_gpkg)


def _validator() -> Path | None:
    return next((path for path in VALIDATORS if path.is_file()), None)


def test_the_geopackage_validates_and_opens_cleanly_with_the_system_gdal(built: Path) -> None:
    ogrinfo = subprocess.run(
        [_tool("ogrinfo"), "-al", "-so", str(built / "incidents.gpkg")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ogrinfo.returncode == 0, ogrinfo.stderr
    assert "Warning" not in ogrinfo.stderr, ogrinfo.stderr
    assert "ERROR" not in ogrinfo.stderr, ogrinfo.stderr
    validator = _validator()
    if validator is None:
        pytest.skip("GDAL's validate_gpkg.py is not installed (python3-gdal); ogrinfo passed")
    python = shutil.which("python3", path="/usr/bin") or "python3"
    done = subprocess.run(
        [python, str(validator), str(built / "incidents.gpkg")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "", done.stdout


def test_an_empty_build_keeps_every_layers_geometry_type(tmp_path: Path, built: Path) -> None:
    incidents = read(built / "incidents.gpkg", "incidents").iloc[0:0]
    places = gpd.GeoDataFrame({"place_id": []}, geometry=[], crs=4326)
    path = tmp_path / "empty.gpkg"
    write_geopackage({"incidents": incidents, "events": incidents, "places": places}, path)
    assert dict(pyogrio.list_layers(path)) == {
        "incidents": "Point",
        "events": "Point",
        "places_point": "Point",
        "places_line": "MultiLineString",
        "places_polygon": "MultiPolygon",
    }
    write_flatgeobuf(incidents, tmp_path / "empty.fgb")
    assert pyogrio.read_info(tmp_path / "empty.fgb")["geometry_type"] == "Point"
    assert set(geopackage_layers({"places": places})) == {
        "places_point", "places_line", "places_polygon",
    }  # fmt: skip


def test_the_geoparquet_loads_with_its_types(built: Path) -> None:
    frame = gpd.read_parquet(built / "incidents.parquet")
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == len(read(built / "incidents.geojson"))
    assert isinstance(frame["actors"].dropna().iloc[0].tolist(), list)
    assert str(frame["utc_start"].dtype).startswith("datetime64")
    assert str(frame["utc_start"].dt.tz) == "UTC"
    timed = frame.dropna(subset=["time_start"]).iloc[0]
    local = dt.datetime.fromisoformat(timed["time_start"])
    assert pd.Timestamp(local) == timed["utc_start"]
    assert str(frame["killed"].dtype) == "Int64"


def test_an_unplaced_incident_is_kept_in_the_flatgeobuf(tmp_path: Path, built: Path) -> None:
    incidents = read(built / "incidents.gpkg", "incidents").iloc[0:3].copy()
    incidents.loc[incidents.index[1], "geometry"] = None
    path = tmp_path / "unplaced.fgb"
    write_flatgeobuf(incidents, path)
    back = read(path)
    assert len(back) == 3
    assert back.geometry.isna().sum() == 1
    assert pyogrio.read_info(path)["geometry_type"] == "Point"
