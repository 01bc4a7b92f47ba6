"""Small geometry helpers: distances between places, geodesic lengths."""

from __future__ import annotations

import math

import numpy as np
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


def km_to_many(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances in km from one point to many (degrees in, km out)."""
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2, lon2 = np.radians(lats), np.radians(lons)
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
