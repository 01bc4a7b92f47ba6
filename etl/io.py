"""Writing (and reading back) the build's files: RFC 7946 GeoJSON, GeoPackage, CSV, manifest.

GeoJSON is written by hand from plain dicts so that the bytes are deterministic (features
sorted by id, properties in schema order, coordinates rounded to 6 decimals); the
GeoPackage and the filtered exports go through pyogrio.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from shapely.geometry import mapping, shape

from etl.schema import (
    COORD_DECIMALS,
    LINE_LAYERS,
    LIST_PROPERTIES,
    PROPERTIES,
)

#: a fixed timestamp for GeoPackage metadata, so exports of the same data are identical
GPKG_TIMESTAMP = "2000-01-01T00:00:00Z"
#: GeoPackage 1.3: GDAL >= 3.8 writes 1.4 by default, which Debian 12's GDAL 3.6 (and QGIS
#: built on it) opens with a "may only be partially supported" warning; 1.3 has all we use
GPKG_VERSION = "1.3"


def round_coords(value: Any) -> Any:
    if isinstance(value, float):
        r = round(value, COORD_DECIMALS)
        return 0.0 if r == 0 else r
    if isinstance(value, list | tuple):
        return [round_coords(v) for v in value]
    return value


def geometry_dict(geom: Any) -> dict[str, Any]:
    g = mapping(geom)
    return {"type": g["type"], "coordinates": round_coords(g["coordinates"])}


def feature_collection_bytes(features: Sequence[dict[str, Any]]) -> bytes:
    """A FeatureCollection, one feature per line, UTF-8, no ``crs`` member (RFC 7946)."""
    if not features:
        return b'{"type":"FeatureCollection","features":[]}\n'
    body = ",\n".join(
        json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features
    )
    return ('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n").encode("utf-8")


def read_features(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        data = json.load(f)
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        msg = f"{path.name} is not a GeoJSON FeatureCollection"
        raise ValueError(msg)
    return data["features"]


def csv_bytes(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row.get(k)) for k in columns})
    return buf.getvalue().encode("utf-8")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def features_csv_bytes(features: Sequence[dict[str, Any]]) -> bytes:
    """Features as CSV: the properties, lists as JSON text, and the geometry as WKT."""
    from shapely import to_wkt

    columns = [*PROPERTIES, "wkt"]
    rows = []
    for f in features:
        row = dict(f["properties"])
        row["wkt"] = to_wkt(shape(f["geometry"]), rounding_precision=COORD_DECIMALS, trim=True)
        rows.append(row)
    return csv_bytes(columns, rows)


def write_geopackage(
    path: Path, layers: dict[str, Sequence[dict[str, Any]]], *, styles: bool = True
) -> None:
    """Every layer in one GeoPackage 1.3; list-valued properties as JSON text.

    With ``styles``, a ``layer_styles`` table (QGIS's convention) gives each layer the
    dashboard's look. A one-layer export goes without, so that the file has one table and
    ``geopandas.read_file`` reads it without being told the layer.
    """
    for layer, features in layers.items():
        write_geopackage_rows(path, layer, [geopackage_row(f) for f in features])
    if styles and layers:
        write_layer_styles(path, list(layers))


def geopackage_row(
    feature: dict[str, Any], encoded: dict[str, str] | None = None
) -> tuple[dict[str, Any], Any]:
    """A feature as a GeoPackage row: its properties (lists as JSON text) and its geometry.

    ``encoded`` gives properties already as that JSON text (``json.dumps(v,
    ensure_ascii=False)``): a feature's sources are streamed into it by the build rather
    than held as a list of dicts.
    """
    encoded = encoded or {}
    props = {
        k: (
            encoded[k]
            if k in encoded
            else json.dumps(v, ensure_ascii=False)
            if k in LIST_PROPERTIES and v is not None
            else v
        )
        for k, v in feature["properties"].items()
    }
    return props, shape(feature["geometry"])


def write_geopackage_rows(
    path: Path, layer: str, rows: Sequence[tuple[dict[str, Any], Any]]
) -> None:
    """Rows (``geopackage_row``) into ``layer`` of the GeoPackage at ``path``, appended."""
    os.environ.setdefault("OGR_CURRENT_DATE", GPKG_TIMESTAMP)
    import geopandas as gpd
    import pyogrio

    from etl.publish.qgis import GEOMETRY_COLUMN

    gdf = gpd.GeoDataFrame(
        [props for props, _ in rows],
        columns=list(PROPERTIES),
        geometry=[geom for _, geom in rows],
        crs="EPSG:4326",
    )
    append = path.exists()
    pyogrio.write_dataframe(
        gdf,
        path,
        layer=layer,
        driver="GPKG",
        geometry_type="LineString" if layer in LINE_LAYERS else "Point",
        append=append,
        dataset_options=None if append else {"VERSION": GPKG_VERSION},
        layer_options={"GEOMETRY_NAME": GEOMETRY_COLUMN},
    )


#: bytes handed to SQLite at a time when a large cell is filled (``fill_geopackage_text``)
_FILL_BLOCK = 1 << 20
#: the geometry functions GDAL's spatial-index triggers name: a plain SQLite connection
#: must know them to update a row at all (``AFTER UPDATE ON`` the table, for a changed fid)
_GPKG_TRIGGER_FUNCTIONS = ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")


def _not_for_this_update(name: str, _geometry: Any) -> Any:
    """Stands in for a geometry function in GDAL's triggers, which the fill never runs.

    They run only when a row's geometry or fid changes; the fill changes one text cell.
    Should one run, the spatial index would be at stake: stop rather than guess.
    """
    msg = f"{name} called while filling a text cell"
    raise RuntimeError(msg)


def fill_geopackage_text(
    path: Path, layer: str, column: str, key: tuple[str, str], size: int, pieces: Iterable[bytes]
) -> None:
    """Put a large text into one cell of a GeoPackage row, streamed, never held whole.

    GDAL holds a cell several times while it writes it (pandas' string, its UTF-8 copy,
    the OGR field, SQLite's record: a 40 MB cell cost 369 MB), and China's sources are
    200 MB of JSON at 100,000 articles. So the build writes such a row with an empty
    cell through GDAL, then fills it here: SQLite makes a text of ``size`` bytes (an
    ordinary TEXT value, as GDAL writes one), and ``pieces``, the cell's UTF-8 text in
    order, are written into it through SQLite's incremental I/O. The row is the one whose
    ``key`` column (name, value) holds the value; the pieces must make ``size`` bytes.
    """
    import sqlite3
    from contextlib import closing

    key_column, value = key
    with closing(sqlite3.connect(path)) as db:
        for name in _GPKG_TRIGGER_FUNCTIONS:
            db.create_function(name, 1, partial(_not_for_this_update, name), deterministic=True)
        (rowid,) = db.execute(
            f'SELECT rowid FROM "{layer}" WHERE "{key_column}" = ?', (value,)
        ).fetchone()
        db.execute(
            f'UPDATE "{layer}" SET "{column}" = CAST(zeroblob(?) AS TEXT) WHERE rowid = ?',
            (size, rowid),
        )
        written = 0
        with db.blobopen(layer, column, rowid) as blob:
            block = bytearray()
            for piece in pieces:
                block += piece
                if len(block) >= _FILL_BLOCK:
                    blob.write(block)
                    written += len(block)
                    block.clear()
            blob.write(block)
            written += len(block)
        if written != size:
            msg = f"{layer}: {written} bytes for a cell of {size}"
            raise ValueError(msg)
        db.commit()


def write_layer_styles(path: Path, layers: list[str]) -> None:
    """QGIS's ``layer_styles`` table: one default style per layer (an attributes table)."""
    import pandas as pd
    import pyogrio

    from etl.publish.qgis import TABLE, style_rows

    frame = pd.DataFrame(style_rows(layers))
    frame["update_time"] = pd.Timestamp(GPKG_TIMESTAMP).tz_localize(None)
    pyogrio.write_dataframe(
        frame, path, layer=TABLE, driver="GPKG", append=True, layer_options={"FID": "id"}
    )


def write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)
