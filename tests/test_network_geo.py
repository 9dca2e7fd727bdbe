"""Great-circle distance and the summary statistics of gdegraph.model.geo."""

from __future__ import annotations

import math
import statistics

import pytest

from gdegraph.model.geo import EARTH_RADIUS_KM, haversine_km, quantile, tukey_fences


def test_one_degree_along_the_equator() -> None:
    assert haversine_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360)


def test_pole_to_pole_is_half_a_great_circle() -> None:
    assert haversine_km(90, 0, -90, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_symmetric_and_zero_for_the_same_point() -> None:
    a, b = (53.409506, -2.964809), (54.702398, -1.227837)
    assert haversine_km(*a, *b) == pytest.approx(haversine_km(*b, *a))
    assert haversine_km(*a, *a) == 0.0


@pytest.mark.parametrize("a, b", [
    ((53.409506, -2.964809), (54.702398, -1.227837)),  # Royal Liverpool - North Tees
    ((51.011574, -3.121693), (53.820601, -3.015868)),  # Taunton - Blackpool
    ((51.553224, -0.165324), (51.613094, -0.07375)),  # Royal Free - North Middlesex
])
def test_within_half_a_percent_of_the_wgs84_geodesic(a: tuple[float, float], b: tuple[float, float]) -> None:
    import pyproj

    _, _, metres = pyproj.Geod(ellps="WGS84").inv(a[1], a[0], b[1], b[0])
    assert haversine_km(*a, *b) == pytest.approx(metres / 1000, rel=0.005)


@pytest.mark.parametrize("args", [(91, 0, 0, 0), (0, 0, -90.5, 0), (0, 181, 0, 0), (0, 0, 0, -200)])
def test_out_of_range_coordinates_fail(args: tuple[float, float, float, float]) -> None:
    with pytest.raises(ValueError):
        haversine_km(*args)


def test_quantiles_match_the_inclusive_method() -> None:
    values = [7.1, 1.3, 312.4, 29.3, 26.0, 8.0, 101.2, 44.8]
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    assert quantile(values, 0.25) == pytest.approx(q1)
    assert quantile(values, 0.5) == pytest.approx(median) == pytest.approx(statistics.median(values))
    assert quantile(values, 0.75) == pytest.approx(q3)
    assert quantile([5.0], 0.3) == 5.0


def test_quantile_rejects_nothing_and_bad_q() -> None:
    with pytest.raises(ValueError):
        quantile([], 0.5)
    with pytest.raises(ValueError):
        quantile([1.0], 1.5)


def test_tukey_fences() -> None:
    low, high = tukey_fences([1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert (low, high) == pytest.approx((3 - 1.5 * 4, 7 + 1.5 * 4))
