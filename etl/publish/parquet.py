"""GeoParquet: a layer as a typed, columnar file for geopandas, dask-geopandas and DuckDB.

Written with geopandas ``to_parquet`` (GeoParquet 1.x metadata, WKB geometry, the CRS as
PROJJSON: EPSG:4326). Every column gets its Arrow type from ``etl.publish.columns`` rather
than from the values, so that every file of every build has the same schema (an empty
layer or a layer whose ``endpoints`` are all empty too) and ``dask_geopandas`` or DuckDB can
read many of them as one table. Lists of text stay lists; lists of objects (``sources``,
``references``, ``figures``) are JSON text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from etl.publish.columns import COLUMNS, DATE, FLOAT, INT, JSON, TEXT_LIST

#: the file name of a layer's GeoParquet in the build directory
SUFFIX = ".parquet"
#: GeoParquet metadata version geopandas is asked to write
SCHEMA_VERSION = "1.0.0"


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    return {
        FLOAT: pa.float64(),
        INT: pa.int64(),
        DATE: pa.date32(),
        TEXT_LIST: pa.list_(pa.string()),
    }.get(kind, pa.string())


def _value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == JSON:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if kind == DATE:
        return dt.date.fromisoformat(value)
    if kind == FLOAT:
        return float(value)
    return value


def parquet_bytes(features: Sequence[dict[str, Any]]) -> bytes:
    """A GeoParquet file of ``features`` (EPSG:4326), as bytes; the same input, the same bytes.

    geopandas ``to_parquet`` writes the geometry column and the GeoParquet metadata (bbox,
    geometry types, the CRS as PROJJSON); the property columns are built as Arrow arrays of
    the fixed types beside it (pandas would infer ``null`` for a column of Nones and
    ``list<null>`` for empty lists, and cost more than the file itself).
    """
    import geopandas as gpd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from shapely.geometry import shape

    geoms = [shape(f["geometry"]) if f.get("geometry") else None for f in features]
    buf = io.BytesIO()
    gpd.GeoDataFrame(geometry=gpd.GeoSeries(geoms, crs="EPSG:4326")).to_parquet(
        buf, index=False, schema_version=SCHEMA_VERSION
    )
    geo = pq.read_table(io.BytesIO(buf.getvalue()))
    fields = [pa.field(name, _arrow_type(kind)) for name, kind in COLUMNS]
    arrays = [
        pa.array([_value(kind, f["properties"].get(name)) for f in features], type=field.type)
        for (name, kind), field in zip(COLUMNS, fields, strict=True)
    ]
    fields.append(geo.schema.field("geometry"))
    arrays.append(geo.column("geometry"))
    schema = pa.schema(fields, metadata={b"geo": geo.schema.metadata[b"geo"]})
    out = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), out, compression="zstd")
    return out.getvalue()


def file_name(layer: str) -> str:
    return f"{layer}{SUFFIX}"


def parquet_files(layers: Mapping[str, Sequence[dict[str, Any]]]) -> dict[str, bytes]:
    """``<layer>.parquet`` for every layer of a build (empty layers too, like the GeoJSON)."""
    return {file_name(layer): parquet_bytes(fs) for layer, fs in layers.items()}


def manifest_entry(layers: Mapping[str, Sequence[dict[str, Any]]]) -> dict[str, Any]:
    """What the manifest says about the GeoParquet files: their names, version and CRS."""
    return {
        "files": [file_name(layer) for layer in layers],
        "geoparquet_version": SCHEMA_VERSION,
        "crs": "EPSG:4326",
    }
