"""Filtering a layer and rendering it as GeoJSON, GeoPackage, CSV or GeoParquet bytes.

The dashboard's downloads and ``atlas export`` both call ``filter_features`` and
``render``, so the same filters give the same bytes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.io import feature_collection_bytes, features_csv_bytes, write_geopackage
from etl.schema import (
    P_ALIASES,
    P_CAPACITY,
    P_CAPACITY_UNIT,
    P_COUNTRIES,
    P_FIRST_SEEN,
    P_NAME,
    P_PRECISION,
    P_SOURCES,
    P_STATUS,
    P_TYPE,
)

FORMATS = ("geojson", "gpkg", "csv", "parquet")
UNKNOWN_STATUS = "unknown"


@dataclass(frozen=True)
class Filters:
    """What a user asked to see. Empty tuples and None mean "no restriction"."""

    types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    docs: tuple[str, ...] = ()
    min_capacity: float | None = None
    #: with ``min_capacity``: compare only features measured in this unit
    capacity_unit: str | None = None
    text: str | None = None
    inferred: bool = True


def filter_features(features: list[dict[str, Any]], filters: Filters) -> list[dict[str, Any]]:
    return [f for f in features if _keep(f["properties"], filters)]


def _keep(p: dict[str, Any], f: Filters) -> bool:
    if f.types and p.get(P_TYPE) not in f.types:
        return False
    if f.countries and not set(p.get(P_COUNTRIES) or ()) & set(f.countries):
        return False
    if f.statuses and (p.get(P_STATUS) or UNKNOWN_STATUS) not in f.statuses:
        return False
    if not f.inferred and p.get(P_PRECISION) == "inferred":
        return False
    if f.date_from or f.date_to:
        seen = p.get(P_FIRST_SEEN)
        if seen is None:
            return False
        if f.date_from and seen < f.date_from:
            return False
        if f.date_to and seen > f.date_to:
            return False
    sources = p.get(P_SOURCES) or []
    if f.docs and not {s["doc"] for s in sources} & set(f.docs):
        return False
    if f.capacity_unit and p.get(P_CAPACITY_UNIT) != f.capacity_unit:
        return False
    if f.min_capacity is not None and (p.get(P_CAPACITY) is None or p[P_CAPACITY] < f.min_capacity):
        return False
    if f.text:
        needle = f.text.lower()
        hay = " ".join(
            [str(p.get(P_NAME) or ""), *(p.get(P_ALIASES) or ()), *(s["quote"] for s in sources)]
        ).lower()
        if needle not in hay:
            return False
    return True


def render(layer: str, features: list[dict[str, Any]], fmt: str) -> bytes:
    """The filtered layer in a file format, as bytes."""
    if fmt == "geojson":
        return feature_collection_bytes(features)
    if fmt == "csv":
        return features_csv_bytes(features)
    if fmt == "parquet":
        from etl.publish.parquet import parquet_bytes

        return parquet_bytes(features)
    if fmt == "gpkg":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{layer}.gpkg"
            write_geopackage(path, {layer: features}, styles=False)
            return path.read_bytes()
    msg = f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})"
    raise ValueError(msg)


def render_geopackage(layers: dict[str, list[dict[str, Any]]]) -> bytes:
    """Several filtered layers in one GeoPackage (one table per layer), as bytes.

    ``render(layer, features, "gpkg")`` for a single layer writes the same table; this
    file also holds QGIS's ``layer_styles`` (the dashboard's look for each layer).
    """
    if not layers:
        msg = "no layers to write"
        raise ValueError(msg)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "atlas.gpkg"
        write_geopackage(path, layers)
        return path.read_bytes()
