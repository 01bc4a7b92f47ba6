"""The offline basemap: Natural Earth's country outlines, clipped and simplified, and the
online tile choices (an option, never the default: the dashboard works offline)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import folium
import shapely
from shapely.geometry import mapping

from dashboard.map._folium import GeoJson, bounds_of
from etl.schema import CORE_COUNTRIES

BASEMAPS: dict[str, str] = {
    "none": "Country outlines only (offline)",
    "osm": "OpenStreetMap tiles (online)",
    "light": "Light grey tiles, Esri (online)",
}
#: tile basemaps that need no API key, as xyzservices names them
TILES = {"osm": "OpenStreetMap.Mapnik", "light": "Esri.WorldGrayCanvas"}

#: the part of the world the offline basemap keeps: Europe to the Pacific, the Arctic to India
BASEMAP_BBOX = (-12.0, 0.0, 150.0, 72.0)
BASEMAP_TOLERANCE = 0.08
BASEMAP_GRID = 0.01
#: the fill of the states the atlas is about, and of the others (the trade choropleth's
#: palest class must stand apart from both)
CORE_FILL = "#f3efe4"
OTHER_FILL = "#f7f6f2"
SEA = "#c9dde8"


def prepare_basemap(
    countries: Iterable[tuple[str, str, Any]],
    *,
    bbox: tuple[float, float, float, float] = BASEMAP_BBOX,
    tolerance: float = BASEMAP_TOLERANCE,
) -> Any:
    """Country outlines for the offline basemap: clipped to ``bbox``, simplified, on a grid.

    ``countries`` yields ``(iso3, name, polygon)``; the result is a GeoDataFrame with
    ``iso3`` and ``name``. The 3.8 MB Natural Earth file becomes about 150 KB of GeoJSON.
    """
    import geopandas as gpd

    rows = []
    clip = shapely.box(*bbox)
    for iso3, name, geom in countries:
        if geom is None or not geom.intersects(clip):
            continue
        g = shapely.clip_by_rect(geom, *bbox)
        g = shapely.set_precision(
            shapely.simplify(g, tolerance, preserve_topology=True), BASEMAP_GRID
        )
        if g.is_empty:
            continue
        rows.append({"iso3": iso3, "name": name, "geometry": g})
    return gpd.GeoDataFrame(
        rows, columns=["iso3", "name", "geometry"], geometry="geometry", crs="EPSG:4326"
    )


_CACHE: dict[tuple[int, bool], tuple[Any, list[dict[str, Any]], bytes]] = {}


def add_basemap(
    m: folium.Map, basemap: Any, *, tinted: bool, data_url: Callable[[bytes], str] | None = None
) -> None:
    """The outlines under everything; not interactive (clicks reach the features).

    The GeoJSON is made once per basemap and kept (walking every coordinate in Python took
    most of a rerun); the cache holds the frame itself, so its id cannot be reused."""
    key = (id(basemap), tinted)
    hit = _CACHE.get(key)
    if hit is None or hit[0] is not basemap:
        if len(_CACHE) >= 4:
            _CACHE.clear()
        features = _features(basemap, tinted=tinted)
        body = json.dumps(
            {"type": "FeatureCollection", "features": features}, separators=(",", ":")
        ).encode()
        hit = _CACHE[key] = (basemap, features, body)
    features = hit[1]
    GeoJson(
        {"type": "FeatureCollection", "features": features},
        bounds=bounds_of(basemap.geometry),
        url=data_url(hit[2]) if data_url else None,
        name="Country boundaries (Natural Earth)",
        interactive=False,
        smooth_factor=1.0,
    ).add_to(m)


def _features(basemap: Any, *, tinted: bool) -> list[dict[str, Any]]:
    core = set(CORE_COUNTRIES)
    features = []
    for iso3, geom in zip(basemap["iso3"], basemap.geometry, strict=True):
        is_core = iso3 in core
        style = {
            "color": "#6b6b6b" if is_core else "#a3a3a3",
            "weight": 1.2 if is_core else 0.6,
            "fillColor": CORE_FILL if is_core else OTHER_FILL,
            "fillOpacity": 0.12 if tinted else 1.0,
        }
        features.append(
            {"type": "Feature", "geometry": mapping(geom), "properties": {"style": style}}
        )
    return features


def add_tiles(m: folium.Map, choice: str) -> None:
    """Online tiles, when the user chose them."""
    if choice not in TILES:
        return
    import xyzservices.providers as xyz

    folium.TileLayer(xyz.query_name(TILES[choice]), control=False).add_to(m)
