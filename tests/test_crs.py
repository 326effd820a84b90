"""geo.crs: one transformer per CRS pair and thread, the same figures as shapely's path."""

from __future__ import annotations

import random
import threading

import shapely
from shapely.geometry import LineString, Point

from geo import crs

#: UTM zone 38N, the CRS metric_crs_for chooses for Baghdad.
BAGHDAD_UTM = "EPSG:32638"


def test_points_project_exactly_as_shapely_transform_would() -> None:
    forward = crs.transformer(crs.WGS84_EPSG, BAGHDAD_UTM)
    back = crs.transformer(BAGHDAD_UTM, crs.WGS84_EPSG)
    rng = random.Random(7)
    for _ in range(500):
        point = Point(44.2 + rng.random() * 0.4, 33.1 + rng.random() * 0.4)
        metric = crs.to_metric(point, crs=BAGHDAD_UTM)
        expected = shapely.transform(point, forward.transform, interleaved=False)
        assert (metric.x, metric.y) == (expected.x, expected.y)
        again = crs.to_wgs84(metric, crs=BAGHDAD_UTM)
        expected = shapely.transform(metric, back.transform, interleaved=False)
        assert (again.x, again.y) == (expected.x, expected.y)


def test_other_geometries_and_empty_points_still_project() -> None:
    line = LineString([(44.38, 33.31), (44.39, 33.30)])
    assert 1400 < crs.to_metric(line, crs=BAGHDAD_UTM).length < 1500
    assert crs.to_metric(Point(), crs=BAGHDAD_UTM).is_empty


def test_a_transformer_is_built_once_per_thread() -> None:
    first = crs.transformer(crs.WGS84_EPSG, BAGHDAD_UTM)
    assert crs.transformer(crs.WGS84_EPSG, BAGHDAD_UTM) is first
    other: list[object] = []
    thread = threading.Thread(
        target=lambda: other.append(crs.transformer(crs.WGS84_EPSG, BAGHDAD_UTM))
    )
    thread.start()
    thread.join()
    assert other[0] is not first


def test_the_metric_crs_is_the_utm_zone_of_the_area_centre() -> None:
    assert crs.metric_crs_for((43.8, 32.8, 45.0, 33.8)) == "EPSG:32638"  # Baghdad
    assert crs.metric_crs_for((35.45, 33.84, 35.56, 33.92)) == "EPSG:32636"  # Beirut
    assert crs.metric_crs_for((43.0, 36.2, 43.3, 36.5)) == "EPSG:32638"  # Mosul
    assert crs.metric_crs_for((-58.6, -34.75, -58.3, -34.5)) == "EPSG:32721"  # Buenos Aires
    assert crs.metric_crs_for((-0.2, 51.4, 0.1, 51.6)) == "EPSG:32630"  # London: centre 0.05 W


def test_an_area_utm_does_not_serve_gets_an_equidistant_projection_centred_on_it() -> None:
    polar = crs.metric_crs_for((15.0, 80.0, 16.5, 82.0))  # north of Svalbard, beyond 80 N
    wide = crs.metric_crs_for((30.0, 30.0, 40.0, 34.0))  # wider than a UTM zone
    assert polar.startswith("+proj=aeqd")
    assert "+lat_0=81.0" in polar
    assert "+lon_0=15.75" in polar
    assert wide.startswith("+proj=aeqd")
    assert "+lon_0=35.0" in wide
    # metres either way: 0.01 degree of latitude is about 1.1 km at the centre
    a, b = Point(15.75, 81.0), Point(15.75, 81.01)
    assert 1100 < crs.distance_m(a, b, crs=polar) < 1125
