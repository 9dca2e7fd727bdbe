"""Great-circle distance between two WGS84 points, and the summary statistics used with it.

Why haversine on a sphere rather than an ellipsoidal geodesic (``pyproj.Geod``):
the points are trust *headquarters* postcodes, which are routinely a kilometre
or more from the hospitals the pairing is about, while the spherical model is
within about 0.5 % of the WGS84 geodesic at England's latitudes (the tests
check this against ``pyproj.Geod``). The extra precision would be spurious,
and a dependency-free function of four numbers is easy to read and to test.
The mean Earth radius is the IUGG value, so results are reproducible anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "quantile", "tukey_fences"]

#: IUGG mean Earth radius R1, in kilometres.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between (lat1, lon1) and (lat2, lon2), in decimal degrees.

    Raises ValueError for a latitude outside [-90, 90] or a longitude outside
    [-180, 180], so swapped arguments (lon for lat) fail loudly instead of
    giving a plausible-looking wrong distance.
    """
    for lat in (lat1, lat2):
        if not -90.0 <= lat <= 90.0:
            raise ValueError(f"latitude {lat} out of range [-90, 90]")
    for lon in (lon1, lon2):
        if not -180.0 <= lon <= 180.0:
            raise ValueError(f"longitude {lon} out of range [-180, 180]")
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile by linear interpolation between order statistics.

    This is the default of numpy and R (type 7), so a reader can reproduce the
    quartiles in a spreadsheet or notebook and get the same numbers.
    """
    if not values:
        raise ValueError("quantile of no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} out of range [0, 1]")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def tukey_fences(values: Sequence[float], k: float = 1.5) -> tuple[float, float]:
    """Tukey's outlier fences ``(Q1 - k*IQR, Q3 + k*IQR)``.

    A fixed, well-known rule rather than a threshold chosen after looking at
    the data, so "outlier" means the same thing whatever the pairings are.
    """
    q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
    spread = q3 - q1
    return q1 - k * spread, q3 + k * spread
