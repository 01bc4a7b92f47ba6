"""The dashboard's second source: an atlas published to PostgreSQL/PostGIS by ``atlas publish``.

With ``ATLAS_DATABASE_URL`` set, ``dashboard.data`` reads the build from the database
instead of the build folder (``ATLAS_DATABASE_SCHEMA`` names the schema, default
``atlas``); the pages and filters are the same. A read-only role is enough (see the README).

Reading is consistent: every read is one REPEATABLE READ, READ ONLY transaction that first
reads ``_atlas_meta``, whose shared lock the publisher's swap waits for, so a reader sees
the old atlas or the new one, never a mix (``etl.publish.postgis`` explains the swap).

Filters run in SQL (``query_features``): the same ``etl.export.Filters`` as the files, with
a bounding-box condition on the GiST-indexed geometry for the map's view, so that an atlas
of a million features is filtered by the database, not in Python.

The DSN's password never leaves this module: sources are named by ``describe`` and every
error message is scrubbed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from etl.export import UNKNOWN_STATUS, Filters
from etl.io import geometry_dict
from etl.publish import columns as C
from etl.publish.dsn import DATABASE_URL_ENV, describe, scrub
from etl.publish.postgis import (
    DEFAULT_SCHEMA,
    FACTS_TABLE,
    GEOMETRY_COLUMN,
    META_TABLE,
    SRID,
    UNRESOLVED_TABLE,
    check_schema_name,
    connect,
)
from etl.schema import FACT_COLUMNS, LAYERS, P_ID, UNRESOLVED_COLUMNS

SCHEMA_ENV = "ATLAS_DATABASE_SCHEMA"
#: how the dashboard names a database source (a ``Build.path``): no secret in it
PREFIX = "postgresql:"

#: (west, south, east, north) in degrees
BBox = tuple[float, float, float, float]


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be read; the message names it without its password."""


def database_url() -> str | None:
    return os.environ.get(DATABASE_URL_ENV) or None


def schema_name() -> str:
    return os.environ.get(SCHEMA_ENV) or DEFAULT_SCHEMA


def source() -> str | None:
    """The database the dashboard reads, as shown to users (``postgresql:user@host/db#schema``)."""
    dsn = database_url()
    return f"{PREFIX}{describe(dsn)}#{schema_name()}" if dsn else None


def is_source(path: str) -> bool:
    return path.startswith(PREFIX)


@contextmanager
def snapshot(dsn: str | None = None, schema: str | None = None) -> Iterator[tuple[Any, dict]]:
    """A consistent read of the published atlas: ``(connection, meta)`` in one transaction.

    ``meta`` is the ``_atlas_meta`` row (digest, counts, manifest). Reading it first takes
    the shared lock that the publisher's swap waits for.
    """
    import psycopg

    dsn = dsn or database_url()
    schema = schema or schema_name()
    if not dsn:
        msg = f"{DATABASE_URL_ENV} is not set"
        raise DatabaseUnavailableError(msg)
    check_schema_name(schema)
    try:
        with connect(dsn) as conn:
            conn.autocommit = False
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.transaction():
                row = conn.execute(
                    f'SELECT digest, counts, manifest FROM "{schema}"."{META_TABLE}"'
                ).fetchone()
                if row is None:
                    msg = f"nothing is published in schema {schema}"
                    raise DatabaseUnavailableError(msg)
                yield conn, {"digest": row[0], "counts": row[1], "manifest": row[2]}
    except psycopg.errors.UndefinedTable:
        msg = f"there is no atlas in schema {schema} of {describe(dsn)} (run `atlas publish` first)"
        raise DatabaseUnavailableError(msg) from None
    except psycopg.Error as exc:
        text = " ".join(str(exc).split())
        msg = scrub(f"cannot read the atlas from {describe(dsn)}: {text}", dsn)
        raise DatabaseUnavailableError(msg) from None


def digest(dsn: str | None = None, schema: str | None = None) -> str:
    """The hash of the published build: the dashboard's cache key (one small query)."""
    with snapshot(dsn, schema) as (_, meta):
        return meta["digest"]


# --- features ------------------------------------------------------------------------------------

_PROPS = ", ".join(f'"{p}"' for p, _ in C.COLUMNS)


def _select(schema: str, layer: str) -> str:
    return f'SELECT {_PROPS}, ST_AsBinary("{GEOMETRY_COLUMN}") FROM "{schema}"."{layer}"'


def _feature(row: Sequence[Any]) -> dict[str, Any]:
    """A table row as the GeoJSON feature the build wrote."""
    from shapely import from_wkb

    props = {}
    for (name, kind), value in zip(C.COLUMNS, row, strict=False):
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif kind == C.JSON and isinstance(value, str):
            value = json.loads(value)
        props[name] = value
    geom = geometry_dict(from_wkb(bytes(row[len(C.COLUMNS)])))
    return {"type": "Feature", "id": props[P_ID], "geometry": geom, "properties": props}


def read_layer(conn: Any, schema: str, layer: str) -> list[dict[str, Any]]:
    """Every feature of a layer, sorted by id like the GeoJSON."""
    rows = conn.execute(_select(schema, layer) + f' ORDER BY "{P_ID}"').fetchall()
    return [_feature(r) for r in rows]


def filter_sql(filters: Filters, bbox: BBox | None = None) -> tuple[str, list[Any]]:
    """``etl.export.Filters`` as a SQL condition and its parameters (the same rules)."""
    where: list[str] = []
    params: list[Any] = []
    if filters.types:
        where.append('"type" = ANY(%s)')
        params.append(list(filters.types))
    if filters.countries:
        where.append('"countries" && %s::text[]')
        params.append(list(filters.countries))
    if filters.statuses:
        where.append('coalesce("status", %s) = ANY(%s)')
        params += [UNKNOWN_STATUS, list(filters.statuses)]
    if not filters.inferred:
        where.append("\"precision\" IS DISTINCT FROM 'inferred'")
    # dates compare as text, as in etl.export (a partial "2019" bound included)
    if filters.date_from:
        where.append('"first_seen" COLLATE "C" >= %s')
        params.append(filters.date_from)
    if filters.date_to:
        where.append('"first_seen" COLLATE "C" <= %s')
        params.append(filters.date_to)
    if filters.docs:
        where.append(
            "EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(\"sources\", '[]')) s "
            "WHERE s->>'doc' = ANY(%s))"
        )
        params.append(list(filters.docs))
    if filters.capacity_unit:
        where.append('"capacity_unit" = %s')
        params.append(filters.capacity_unit)
    if filters.min_capacity is not None:
        where.append('"capacity" >= %s')
        params.append(filters.min_capacity)
    if filters.text:
        where.append(
            "strpos(lower(concat_ws(' ', coalesce(\"name\", ''), "
            "nullif(array_to_string(\"aliases\", ' '), ''), "
            "(SELECT string_agg(s->>'quote', ' ') "
            "FROM jsonb_array_elements(coalesce(\"sources\", '[]')) s))), lower(%s)) > 0"
        )
        params.append(filters.text)
    if bbox is not None:
        where.append(f'"{GEOMETRY_COLUMN}" && ST_MakeEnvelope(%s, %s, %s, %s, {SRID})')
        params += [float(v) for v in bbox]
    return (" AND ".join(where) or "TRUE"), params


def query_features(
    conn: Any, schema: str, layer: str, filters: Filters, bbox: BBox | None = None
) -> list[dict[str, Any]]:
    """The layer's features that pass ``filters`` (and lie in ``bbox``), filtered by SQL."""
    if layer not in LAYERS:
        msg = f"unknown layer {layer!r}"
        raise ValueError(msg)
    condition, params = filter_sql(filters, bbox)
    sql = _select(schema, layer) + f' WHERE {condition} ORDER BY "{P_ID}"'
    return [_feature(r) for r in conn.execute(sql, params).fetchall()]


def filtered(
    layers: Sequence[str],
    filters: Filters,
    bbox: BBox | None = None,
    *,
    dsn: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """``query_features`` for each layer, in one snapshot (what a page calls on each rerun)."""
    schema = schema_name()
    with snapshot(dsn, schema) as (conn, _):
        return {layer: query_features(conn, schema, layer, filters, bbox) for layer in layers}


# --- tables and the whole build ----------------------------------------------------------------


def read_table(conn: Any, schema: str, table: str, columns: Sequence[str]) -> pd.DataFrame:
    """A CSV table of the build, exactly as ``dashboard.data.read_table`` reads the file."""
    import csv
    import io

    key = f"{table.rstrip('s')}_id"
    names = ", ".join(f'"{c}"' for c in columns)
    rows = conn.execute(f'SELECT {names} FROM "{schema}"."{table}" ORDER BY "{key}"').fetchall()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_text(v) or "" for v in r] for r in rows)
    buf.seek(0)
    return pd.read_csv(buf, dtype=str, keep_default_na=False, na_values=[""])


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_everything(dsn: str | None = None, schema: str | None = None) -> dict[str, Any]:
    """Manifest, every layer, facts and unresolved mentions, in one consistent snapshot."""
    schema = schema or schema_name()
    with snapshot(dsn, schema) as (conn, meta):
        return {
            "digest": meta["digest"],
            "manifest": meta["manifest"],
            "features": {layer: read_layer(conn, schema, layer) for layer in LAYERS},
            "facts": read_table(conn, schema, FACTS_TABLE, FACT_COLUMNS),
            "unresolved": read_table(conn, schema, UNRESOLVED_TABLE, UNRESOLVED_COLUMNS),
        }
