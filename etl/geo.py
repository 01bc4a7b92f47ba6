"""Small geometry helpers: distances between places, geodesic lengths."""

from __future__ import annotations

import math

from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from etl.schema import Place

_GEOD = Geod(ellps="WGS84")
_EARTH_KM = 6371.0


def km(a: Place, b: Place) -> float:
    """Great-circle distance in km between two places (haversine: plenty for ranking)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def length_km(geom: BaseGeometry) -> float:
    """Geodesic length on the WGS 84 ellipsoid, in km."""
    return _GEOD.geometry_length(geom) / 1000.0
