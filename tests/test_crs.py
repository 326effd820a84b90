"""geo.crs: one transformer per CRS pair and thread, the same figures as shapely's path."""

from __future__ import annotations

import random
import threading

import shapely
from shapely.geometry import LineString, Point

from geo import crs


def test_points_project_exactly_as_shapely_transform_would() -> None:
    forward = crs.transformer(crs.WGS84_EPSG, crs.METRIC_EPSG)
    back = crs.transformer(crs.METRIC_EPSG, crs.WGS84_EPSG)
    rng = random.Random(7)
    for _ in range(500):
        point = Point(44.2 + rng.random() * 0.4, 33.1 + rng.random() * 0.4)
        metric = crs.to_metric(point)
        expected = shapely.transform(point, forward.transform, interleaved=False)
        assert (metric.x, metric.y) == (expected.x, expected.y)
        again = crs.to_wgs84(metric)
        expected = shapely.transform(metric, back.transform, interleaved=False)
        assert (again.x, again.y) == (expected.x, expected.y)


def test_other_geometries_and_empty_points_still_project() -> None:
    line = LineString([(44.38, 33.31), (44.39, 33.30)])
    assert 1400 < crs.to_metric(line).length < 1500
    assert crs.to_metric(Point()).is_empty


def test_a_transformer_is_built_once_per_thread() -> None:
    first = crs.transformer(crs.WGS84_EPSG, crs.METRIC_EPSG)
    assert crs.transformer(crs.WGS84_EPSG, crs.METRIC_EPSG) is first
    other: list[object] = []
    thread = threading.Thread(
        target=lambda: other.append(crs.transformer(crs.WGS84_EPSG, crs.METRIC_EPSG))
    )
    thread.start()
    thread.join()
    assert other[0] is not first
