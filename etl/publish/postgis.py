"""``atlas publish``: the build into PostgreSQL/PostGIS, atomically and idempotently.

Why psycopg 3 with COPY (and not geopandas ``to_postgis``): the contract's types need
control that ``to_postgis`` does not give (``text[]`` for ``countries``, ``jsonb`` for
``sources``, ``date``s, primary keys, a GiST index per layer), the swap needs two
transactions and a lock that we manage ourselves, and COPY streams the rows without a
second copy of the build in pandas. It also spares the SQLAlchemy and GeoAlchemy2
dependencies. Geometries travel as EWKB (exact doubles, SRID 4326).

How a publish goes:

1. Read the build (every layer of ``etl.schema.LAYERS``, ``facts.csv``, ``unresolved.csv``,
   ``manifest.json``) and hash it. If the live schema holds a build with the same hash,
   stop: publishing the same build twice changes nothing.
2. Transaction 1: create a fresh schema ``<schema>__staging_<random>``, its tables, COPY the
   rows, add keys and indexes, commit. A publish killed here leaves no trace (the
   transaction dies with the connection).
3. Transaction 2 (the swap): lock the live ``_atlas_meta`` table exclusively, rename the live
   schema away, rename the staging schema to the live name, drop the old one, commit.
   Readers that follow ``dashboard.db``'s protocol (lock ``_atlas_meta`` shared first, then
   read in one REPEATABLE READ transaction) see the old atlas or the new one, never a mix.
   A publish killed between the two transactions leaves a staging schema, which the next
   publish drops. An advisory lock keeps two publishers of one schema apart.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl import __version__
from etl._errors import AtlasError, UsageError
from etl.io import read_features
from etl.publish import columns as C
from etl.publish.dsn import InvalidDSNError, describe, parse, scrub
from etl.schema import (
    FACT_COLUMNS,
    FACTS_CSV,
    LAYERS,
    LINE_LAYERS,
    MANIFEST,
    P_ID,
    UNRESOLVED_COLUMNS,
    UNRESOLVED_CSV,
)

DEFAULT_SCHEMA = "atlas"
META_TABLE = "_atlas_meta"
FACTS_TABLE = "facts"
UNRESOLVED_TABLE = "unresolved"
GEOMETRY_COLUMN = "geom"
SRID = 4326
#: bump when the tables' layout changes, so that the same build is published again
LAYOUT_VERSION = "1"
CONNECT_TIMEOUT_S = 10
#: how long the swap waits for readers of the old atlas before giving up (the old one stays)
SWAP_LOCK_TIMEOUT = "60s"

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")
_SQL_TYPES = {
    C.TEXT: "text",
    C.FLOAT: "double precision",
    C.INT: "integer",
    C.DATE: "date",
    C.TEXT_LIST: "text[]",
    C.JSON: "jsonb",
}
#: facts.csv and unresolved.csv: typed columns (the rest is text)
_TABLE_KINDS = {
    "year": C.INT,
    "value": C.FLOAT,
    "start": C.INT,
    "end": C.INT,
}


class PublishError(AtlasError, RuntimeError):
    """The build could not be published; the atlas in the database is unchanged."""


@dataclass(frozen=True)
class PublishResult:
    where: str  # the DSN described without secrets
    schema: str
    counts: dict[str, int]
    facts: int
    unresolved: int
    digest: str
    changed: bool
    seconds: float

    def summary(self) -> str:
        layers = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        if not self.changed:
            return (
                f"unchanged: {self.where} schema {self.schema} already holds this build "
                f"({self.digest[:12]})"
            )
        return (
            f"published to {self.where} schema {self.schema}: {layers}; {self.facts} facts; "
            f"{self.unresolved} unresolved; {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class BuildData:
    """What a publish writes: the build's layers, tables and manifest, and their hash."""

    layers: dict[str, list[dict[str, Any]]]
    facts: list[dict[str, str]]
    unresolved: list[dict[str, str]]
    manifest: dict[str, Any]
    digest: str


def read_build(build: Path) -> BuildData:
    """The build folder's contract files; a missing or broken one is one clear error."""
    if not (build / MANIFEST).exists():
        msg = f"no build at {build} (run `atlas build` first)"
        raise UsageError(msg)
    h = hashlib.sha256(f"atlas-postgis-layout-{LAYOUT_VERSION}\n".encode())
    layers = {}
    name = MANIFEST
    try:
        raw = (build / MANIFEST).read_bytes()
        h.update(raw)
        manifest = json.loads(raw)
        for layer in LAYERS:
            name = f"{layer}.geojson"
            h.update((build / name).read_bytes())
            layers[layer] = read_features(build / name)
        tables = []
        for name in (FACTS_CSV, UNRESOLVED_CSV):
            raw = (build / name).read_bytes()
            h.update(raw)
            tables.append(list(csv.DictReader(io.StringIO(raw.decode("utf-8")))))
    except (OSError, ValueError, UnicodeError) as exc:
        msg = f"the build in {build} is incomplete or broken ({name}: {exc}); run `atlas build`"
        raise PublishError(msg) from exc
    return BuildData(layers, tables[0], tables[1], manifest, h.hexdigest())


def publish(
    dsn: str, build: Path, *, schema: str = DEFAULT_SCHEMA, pause: Any = None
) -> PublishResult:
    """Publish the build at ``build`` into ``schema``; see the module's docstring.

    ``pause`` (tests only) is called between the two transactions.
    """
    t0 = time.perf_counter()
    check_schema_name(schema)
    try:
        parse(dsn)
    except InvalidDSNError as exc:
        raise UsageError(str(exc)) from None
    data = read_build(build)
    where = describe(dsn)
    counts = {layer: len(fs) for layer, fs in data.layers.items()}
    try:
        with connect(dsn) as conn:
            _require_postgis(conn, where)
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"atlas-publish:{schema}",))
            live = live_digest(conn, schema)
            if live == data.digest:
                return PublishResult(
                    where, schema, counts, len(data.facts), len(data.unresolved), data.digest,
                    False, time.perf_counter() - t0,
                )  # fmt: skip
            _drop_leftovers(conn, schema)
            staging = f"{schema}__staging_{secrets.token_hex(4)}"
            with conn.transaction():
                _load(conn, staging, data)
            if pause is not None:
                pause()
            with conn.transaction():
                _swap(conn, staging, schema)
    except PublishError:
        raise
    except Exception as exc:
        raise _database_error(exc, dsn, where) from None
    return PublishResult(
        where, schema, counts, len(data.facts), len(data.unresolved), data.digest,
        True, time.perf_counter() - t0,
    )  # fmt: skip


def check_schema_name(schema: str) -> None:
    if not _SCHEMA_NAME.fullmatch(schema):
        msg = (
            f"--schema {schema!r} is not a plain lower-case name "
            "(letters, digits and _, at most 40)"
        )
        raise UsageError(msg)


def connect(dsn: str, **kwargs: Any) -> Any:
    """A psycopg connection (autocommit: transactions are explicit)."""
    import psycopg

    params = parse(dsn)
    params.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
    params.setdefault("application_name", "atlas")
    return psycopg.connect(**params, autocommit=True, **kwargs)


def live_digest(conn: Any, schema: str) -> str | None:
    """The hash of the build the live schema holds, or None when there is none."""
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f'"{schema}"."{META_TABLE}"',)
    ).fetchone()
    if not row or not row[0]:
        return None
    got = conn.execute(f'SELECT digest FROM "{schema}"."{META_TABLE}"').fetchone()
    return got[0] if got else None


def _require_postgis(conn: Any, where: str) -> None:
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'").fetchone()
    if row is None:
        msg = (
            f"PostGIS is not installed in {where}: a superuser must run "
            "`CREATE EXTENSION postgis;` in that database first"
        )
        raise PublishError(msg)


def _drop_leftovers(conn: Any, schema: str) -> None:
    """Staging and old schemas that a killed publish left (we hold the publish lock)."""
    rows = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname ~ %s",
        (f"^{re.escape(schema)}__(staging|old)_[0-9a-f]{{8}}$",),
    ).fetchall()
    for (name,) in rows:
        conn.execute(f'DROP SCHEMA "{name}" CASCADE')


# --- loading -------------------------------------------------------------------------------------


def _load(conn: Any, staging: str, data: BuildData) -> None:
    conn.execute(f'CREATE SCHEMA "{staging}"')
    for layer, features in data.layers.items():
        _load_layer(conn, staging, layer, features)
    _load_table(conn, staging, FACTS_TABLE, FACT_COLUMNS, data.facts)
    _load_table(conn, staging, UNRESOLVED_TABLE, UNRESOLVED_COLUMNS, data.unresolved)
    conn.execute(
        f'CREATE TABLE "{staging}"."{META_TABLE}" (digest text PRIMARY KEY, '
        "tool_version text NOT NULL, published_at timestamptz NOT NULL DEFAULT now(), "
        "counts jsonb NOT NULL, manifest jsonb NOT NULL)"
    )
    from psycopg.types.json import Jsonb

    conn.execute(
        f'INSERT INTO "{staging}"."{META_TABLE}" (digest, tool_version, counts, manifest) '
        "VALUES (%s, %s, %s, %s)",
        (
            data.digest,
            __version__,
            Jsonb({k: len(v) for k, v in data.layers.items()}),
            Jsonb(data.manifest),
        ),
    )
    conn.execute(f'ANALYZE "{staging}"."{META_TABLE}"')


def geometry_type(layer: str, features: Sequence[dict[str, Any]]) -> str:
    """The column's geometry type: the one type the layer has, else the generic one."""
    kinds = {(f.get("geometry") or {}).get("type") for f in features} - {None}
    if len(kinds) == 1:
        return kinds.pop()
    if not kinds:
        return "LineString" if layer in LINE_LAYERS else "Point"
    return "Geometry"


def _load_layer(conn: Any, staging: str, layer: str, features: list[dict[str, Any]]) -> None:
    import shapely
    from psycopg.types.json import Jsonb
    from shapely.geometry import shape

    table = f'"{staging}"."{layer}"'
    cols = ", ".join(f'"{p}" {_SQL_TYPES[k]}' for p, k in C.COLUMNS)
    gtype = geometry_type(layer, features)
    conn.execute(
        f'CREATE TABLE {table} ({cols}, "{GEOMETRY_COLUMN}" geometry({gtype}, {SRID}) NOT NULL)'
    )
    names = ", ".join(f'"{p}"' for p, _ in C.COLUMNS)
    geoms = shapely.set_srid([shape(f["geometry"]) for f in features], SRID)
    ewkb = shapely.to_wkb(geoms, hex=True, include_srid=True)  # EWKB: exact doubles and SRID
    with conn.cursor().copy(f'COPY {table} ({names}, "{GEOMETRY_COLUMN}") FROM STDIN') as copy:
        for f, geom in zip(features, ewkb, strict=True):
            props = f["properties"]
            row = [_cell(k, props.get(p), Jsonb) for p, k in C.COLUMNS]
            row.append(geom)
            copy.write_row(row)
    conn.execute(f'ALTER TABLE {table} ADD PRIMARY KEY ("{P_ID}")')
    conn.execute(f'CREATE INDEX ON {table} USING gist ("{GEOMETRY_COLUMN}")')
    conn.execute(f'CREATE INDEX ON {table} USING gin ("countries")')
    conn.execute(f'CREATE INDEX ON {table} ("type")')
    conn.execute(f"ANALYZE {table}")


def _cell(kind: str, value: Any, jsonb: Any) -> Any:
    if value is None:
        return None
    if kind == C.JSON:
        return jsonb(value)
    if kind == C.DATE:
        return dt.date.fromisoformat(value)
    return value


def _load_table(
    conn: Any, staging: str, name: str, columns: Sequence[str], rows: list[dict[str, str]]
) -> None:
    """A CSV table of the build, with a row number as its key (the file's order)."""
    table = f'"{staging}"."{name}"'
    key = f"{name.rstrip('s')}_id"
    cols = ", ".join(f'"{c}" {_SQL_TYPES[_TABLE_KINDS.get(c, C.TEXT)]}' for c in columns)
    conn.execute(f'CREATE TABLE {table} ("{key}" integer PRIMARY KEY, {cols})')
    names = ", ".join(f'"{c}"' for c in columns)
    with conn.cursor().copy(f'COPY {table} ("{key}", {names}) FROM STDIN') as copy:
        for i, row in enumerate(rows, 1):
            copy.write_row([i, *(_csv_cell(c, row.get(c)) for c in columns)])
    conn.execute(f"ANALYZE {table}")


def _csv_cell(column: str, value: str | None) -> Any:
    if value is None or value == "":
        return None
    kind = _TABLE_KINDS.get(column, C.TEXT)
    if kind == C.INT:
        return int(value)
    if kind == C.FLOAT:
        return float(value)
    return value


# --- the swap ------------------------------------------------------------------------------------


def _swap(conn: Any, staging: str, schema: str) -> None:
    """Staging becomes ``schema`` in this (the caller's) transaction; the old one is dropped."""
    conn.execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
    exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
    if exists:
        if conn.execute("SELECT to_regclass(%s)", (f'"{schema}"."{META_TABLE}"',)).fetchone()[0]:
            # readers hold this (shared) while they read; we wait for them
            conn.execute(f'LOCK TABLE "{schema}"."{META_TABLE}" IN ACCESS EXCLUSIVE MODE')
        elif _has_foreign_tables(conn, schema):
            msg = (
                f"schema {schema} exists and does not hold an atlas; choose another --schema "
                "or drop it"
            )
            raise PublishError(msg)
        old = f"{schema}__old_{secrets.token_hex(4)}"
        conn.execute(f'ALTER SCHEMA "{schema}" RENAME TO "{old}"')
        conn.execute(f'ALTER SCHEMA "{staging}" RENAME TO "{schema}"')
        conn.execute(f'DROP SCHEMA "{old}" CASCADE')
    else:
        conn.execute(f'ALTER SCHEMA "{staging}" RENAME TO "{schema}"')


def _has_foreign_tables(conn: Any, schema: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s",
        (schema,),
    ).fetchone()
    return bool(row and row[0])


# --- errors --------------------------------------------------------------------------------------


def _database_error(exc: BaseException, dsn: str, where: str) -> PublishError:
    """One line that says what went wrong, with no secret in it."""
    import psycopg

    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, psycopg.OperationalError) and not isinstance(
        exc, psycopg.errors.LockNotAvailable
    ):
        msg = f"cannot reach the database {where}: {text}"
    elif isinstance(exc, psycopg.errors.LockNotAvailable):
        msg = (
            f"readers held the atlas in {where} for {SWAP_LOCK_TIMEOUT}; "
            "the atlas there is unchanged, try again"
        )
    elif isinstance(exc, psycopg.errors.InsufficientPrivilege):
        msg = f"not allowed in {where}: {text} (publish with a role that may create schemas)"
    else:
        msg = f"publishing to {where} failed, the atlas there is unchanged: {text}"
    return PublishError(scrub(msg, dsn))
