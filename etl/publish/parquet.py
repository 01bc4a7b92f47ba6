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
from array import array
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
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


#: a row group closes at this many features, or source sentences, so that memory stays
#: bounded on a large layer (a layer within both is one row group, as ``parquet_bytes``)
ROW_GROUP_FEATURES = 20_000
ROW_GROUP_SOURCES = 50_000


def _geometry_table(geometries: Iterable[dict[str, Any] | None]) -> Any:
    """The geometry column and its GeoParquet metadata (bbox, types, CRS), from geopandas."""
    import geopandas as gpd
    import pyarrow.parquet as pq
    from shapely.geometry import shape

    geoms = [shape(g) if g else None for g in geometries]
    buf = io.BytesIO()
    gpd.GeoDataFrame(geometry=gpd.GeoSeries(geoms, crs="EPSG:4326")).to_parquet(
        buf, index=False, schema_version=SCHEMA_VERSION
    )
    return pq.read_table(io.BytesIO(buf.getvalue()))


def _schema(geo: Any) -> Any:
    import pyarrow as pa

    fields = [pa.field(name, _arrow_type(kind)) for name, kind in COLUMNS]
    fields.append(geo.schema.field("geometry"))
    return pa.schema(fields, metadata={b"geo": geo.schema.metadata[b"geo"]})


def _table(features: Sequence[dict[str, Any]], geometry: Any, schema: Any) -> Any:
    columns = [
        [_value(kind, f["properties"].get(name)) for f in features] for name, kind in COLUMNS
    ]
    return _columns_table(columns, geometry, schema)


def _columns_table(columns: Sequence[list[Any]], geometry: Any, schema: Any) -> Any:
    """The table of the property columns' values (``_value``) and the geometry column."""
    import pyarrow as pa

    arrays = [_array(values, field.type) for values, field in zip(columns, schema, strict=False)]
    arrays.append(geometry)
    return pa.Table.from_arrays(arrays, schema=schema)


def _array(values: list[Any], arrow_type: Any) -> Any:
    """An Arrow array of ``values``; one cell of UTF-8 text is wrapped, not copied.

    A feature with a million source sentences has a sources cell of hundreds of MB
    (``ParquetLayer`` writes it in a row group of its own): ``pa.array`` would copy it.
    """
    import pyarrow as pa

    if (
        len(values) == 1
        and isinstance(values[0], bytes | bytearray)
        and arrow_type == pa.string()
        and len(values[0]) < 2**31
    ):
        data = pa.py_buffer(values[0])
        offsets = pa.py_buffer(array("i", [0, len(values[0])]).tobytes())
        return pa.Array.from_buffers(pa.string(), 1, [None, offsets, data])
    return pa.array(values, type=arrow_type)


def _columns_with_dictionary(schema: Any) -> list[str]:
    """The Parquet columns written with a dictionary and statistics: all but the JSON text.

    A JSON cell is one feature's (its sources, references, figures), never repeated, and
    no reader filters on its minimum or maximum: a dictionary and statistics only cost
    memory, about five times the cell in pyarrow's writer (a 40 MB cell: 342 MB against
    96 MB without them), and space. Everything else keeps both (its leaf paths, as
    Parquet names them: ``countries.list.element``); the JSON columns are plain values.
    """
    json_columns = {name for name, kind in COLUMNS if kind == JSON}
    return [path for path in _leaf_paths(schema) if path.split(".")[0] not in json_columns]


def _leaf_paths(schema: Any) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_batches([], schema=schema), buf)
    parquet_schema = pq.ParquetFile(io.BytesIO(buf.getvalue())).schema
    return [parquet_schema.column(i).path for i in range(len(parquet_schema))]


def _writer_options(schema: Any) -> dict[str, Any]:
    """The options of every GeoParquet write: zstd, no dictionary or statistics on JSON.

    Data pages of format 2.0 (read by pyarrow, DuckDB and GDAL alike): a version 1 page
    is copied whole once more before it is compressed, a version 2 page only once
    compressed. For a 40 MB cell, pyarrow's writer peaks 54 MB above the text instead
    of 96 MB.
    """
    encoded = _columns_with_dictionary(schema)
    return {
        "compression": "zstd",
        "use_dictionary": encoded,
        "write_statistics": encoded,
        "data_page_version": "2.0",
    }


def parquet_bytes(features: Sequence[dict[str, Any]]) -> bytes:
    """A GeoParquet file of ``features`` (EPSG:4326), as bytes; the same input, the same bytes.

    geopandas ``to_parquet`` writes the geometry column and the GeoParquet metadata (bbox,
    geometry types, the CRS as PROJJSON); the property columns are built as Arrow arrays of
    the fixed types beside it (pandas would infer ``null`` for a column of Nones and
    ``list<null>`` for empty lists, and cost more than the file itself).
    """
    import pyarrow.parquet as pq

    geo = _geometry_table([f.get("geometry") for f in features])
    schema = _schema(geo)
    out = io.BytesIO()
    table = _table(features, geo.column("geometry"), schema)
    pq.write_table(table, out, **_writer_options(schema))
    return out.getvalue()


class ParquetLayer:
    """One layer's GeoParquet file, written a row group at a time as features arrive.

    The geometry column and its metadata come first, from every geometry of the layer
    (small beside the sources; an iterator of them is read one at a time); the properties
    follow in row groups of at most ``ROW_GROUP_FEATURES`` features or
    ``ROW_GROUP_SOURCES`` source sentences, so a layer of millions of sources is never
    held whole. A row group waiting to be written is held as its column values (lists of
    objects already JSON text), not as feature dicts. A layer within one row group gives
    the bytes of ``parquet_bytes``; a larger one the same rows in several row groups.
    """

    def __init__(self, path: Path, geometries: Iterable[dict[str, Any] | None]) -> None:
        self.path = path
        geo = _geometry_table(geometries)
        self._schema = _schema(geo)
        self._geo = geo.column("geometry")
        self._writer: Any = None
        self._columns: list[list[Any]] = [[] for _ in COLUMNS]
        self._rows = 0
        self._held = 0
        self._offset = 0

    def add(
        self,
        feature: dict[str, Any],
        sources: int,
        encoded: Mapping[str, bytes | bytearray] | None = None,
    ) -> None:
        """The next feature of the layer (in file order) and its number of source sentences.

        ``encoded`` gives JSON columns' values already as their UTF-8 text (what ``_value``
        would make): a feature's sources, streamed into it rather than held as dicts.
        """
        props = feature["properties"]
        encoded = encoded or {}
        if sources >= ROW_GROUP_SOURCES and self._rows:
            self._flush()  # the large cell alone in its row group (``_array``)
        for values, (name, kind) in zip(self._columns, COLUMNS, strict=True):
            values.append(encoded[name] if name in encoded else _value(kind, props.get(name)))
        self._rows += 1
        self._held += sources
        if self._rows >= ROW_GROUP_FEATURES or self._held >= ROW_GROUP_SOURCES:
            self._flush()

    def _flush(self) -> None:
        import pyarrow.parquet as pq

        n = self._rows
        table = _columns_table(self._columns, self._geo.slice(self._offset, n), self._schema)
        if self._writer is None:
            self._writer = pq.ParquetWriter(
                self.path, self._schema, **_writer_options(self._schema)
            )
        self._writer.write_table(table)
        self._offset += n
        self._columns = [[] for _ in COLUMNS]
        self._rows, self._held = 0, 0

    def close(self) -> None:
        if self._rows or self._writer is None:  # an empty layer: a file with no rows
            self._flush()
        self._writer.close()


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
