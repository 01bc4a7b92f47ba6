"""``atlas publish`` against a real PostgreSQL 15 + PostGIS started by the tests (tests/_postgis.py).

A round trip (what the database holds is the build: counts, ids, geometry, properties,
facts, types, keys and indexes), a republish, publishes killed midway, readers during the
swap, bad connection strings (never showing the password), and the dashboard reading the
atlas with the read-only role, its filters run as SQL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from shapely.geometry import box, shape

from dashboard import db
from etl import settings
from etl.export import Filters, filter_features
from etl.publish.postgis import PublishError, publish
from etl.schema import FACTS_CSV, LAYERS, P_ID
from tests import _postgis
from tests._postgis import ADMIN, ADMIN_PW, READER, READER_PW

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pg():
    try:
        server = _postgis.start_server()
    except LookupError as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


def _psql(server, sql, params=(), user=ADMIN, password=ADMIN_PW):
    import psycopg

    with psycopg.connect(server.dsn(user, password), autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def _layers(build: Path) -> dict[str, list[dict]]:
    out = {}
    for layer in LAYERS:
        with (build / f"{layer}.geojson").open(encoding="utf-8") as f:
            out[layer] = json.load(f)["features"]
    return out


@pytest.fixture(scope="module")
def builds(seed_build, tmp_path_factory):
    """The seed build, and another one: the same with the last feature of each layer dropped."""
    old, _ = seed_build
    new = tmp_path_factory.mktemp("other") / "build"
    shutil.copytree(old, new)
    for layer in LAYERS:
        path = new / f"{layer}.geojson"
        fc = json.loads(path.read_text(encoding="utf-8"))
        fc["features"] = fc["features"][:-1]
        path.write_text(json.dumps(fc), encoding="utf-8")
    return old, new


def _schemas(server) -> set[str]:
    rows = _psql(server, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'atlas%%'")
    return {r[0] for r in rows}


# --- round trip ----------------------------------------------------------------------------------


def test_round_trip_equals_the_build(pg, builds):
    build, _ = builds
    result = publish(pg.dsn(), build, schema="atlas_rt")
    assert result.changed
    expected = _layers(build)
    got = db.read_everything(pg.dsn(READER, READER_PW), "atlas_rt")
    for layer in LAYERS:
        # the same features, geometry and every property, in the same order as the GeoJSON
        assert got["features"][layer] == expected[layer], layer
        count = _psql(pg, f"SELECT count(*) FROM atlas_rt.{layer}")[0][0]
        assert count == len(expected[layer])
    # SQL sees the types a GIS user expects: arrays, JSON, EPSG:4326 geometry
    kaz = sum("KAZ" in f["properties"]["countries"] for f in expected["places"])
    assert (
        kaz
        and _psql(pg, "SELECT count(*) FROM atlas_rt.places WHERE 'KAZ' = ANY(countries)")[0][0]
        == kaz
    )
    docs = _psql(
        pg, "SELECT count(*) FROM atlas_rt.pipelines, jsonb_array_elements(sources) s "
        "WHERE s->>'doc' IS NOT NULL"
    )[0][0]  # fmt: skip
    assert docs == sum(len(f["properties"]["sources"]) for f in expected["pipelines"])
    a = expected["pipelines"][0]
    wkt = _psql(pg, "SELECT ST_AsText(geom), ST_SRID(geom) FROM atlas_rt.pipelines WHERE id = %s",
                (a["properties"][P_ID],))[0]  # fmt: skip
    assert wkt[1] == 4326
    from shapely import wkt as shapely_wkt

    assert shapely_wkt.loads(wkt[0]).equals_exact(shape(a["geometry"]), 1e-9)
    # facts.csv row for row
    file_facts = (build / FACTS_CSV).read_text(encoding="utf-8").splitlines()
    assert len(got["facts"]) == len(file_facts) - 1
    first = file_facts[1].split(",")
    assert list(got["facts"].iloc[0][["metric", "subject", "year"]]) == first[:3]
    assert float(got["facts"].iloc[0]["value"]) == float(first[3])


def test_types_keys_and_gist_indexes(pg, builds):
    build, _ = builds
    publish(pg.dsn(), build, schema="atlas_rt")
    cols = dict(
        ((t, c), u)
        for t, c, u in _psql(
            pg,
            "SELECT table_name, column_name, udt_name FROM information_schema.columns "
            "WHERE table_schema = 'atlas_rt'",
        )
    )
    for layer in LAYERS:
        assert cols[(layer, "countries")] == "_text"
        assert cols[(layer, "sources")] == "jsonb"
        assert cols[(layer, "first_seen")] == "text"  # ISO, of the precision the source gives
        assert cols[(layer, "mentions")] == "int4"
    srids = dict(
        _psql(pg, "SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema='atlas_rt'")
    )
    assert srids == dict.fromkeys(LAYERS, 4326)
    gist = {
        r[0]
        for r in _psql(
            pg,
            "SELECT tablename FROM pg_indexes WHERE schemaname = 'atlas_rt' "
            "AND indexdef LIKE '%%USING gist (geom)%%'",
        )
    }
    assert gist == set(LAYERS)
    keys = dict(
        _psql(
            pg,
            "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name) "
            "WHERE tc.table_schema = 'atlas_rt' AND tc.constraint_type = 'PRIMARY KEY'",
        )
    )
    assert all(keys[layer] == "id" for layer in LAYERS)
    assert keys["facts"] == "fact_id" and keys["unresolved"] == "unresolved_id"


def test_ogrinfo_lists_the_published_tables(pg, builds):
    if shutil.which("ogrinfo") is None:
        pytest.skip("GDAL's ogrinfo is not installed (tools/test.sh installs it)")
    build, _ = builds
    publish(pg.dsn(), build, schema="atlas")
    conn = f"PG:host=127.0.0.1 port={pg.port} dbname=atlas user={READER} password={READER_PW}"
    out = subprocess.run(
        ["ogrinfo", "-ro", "-so", conn], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    for layer in LAYERS:
        assert f"atlas.{layer} (" in out


# --- republish -----------------------------------------------------------------------------------


def test_republishing_the_same_build_changes_nothing(pg, builds):
    build, other = builds
    publish(pg.dsn(), build, schema="atlas_rp")
    before = _psql(pg, "SELECT digest, published_at, 'atlas_rp.places'::regclass::oid FROM "
                   "atlas_rp._atlas_meta")  # fmt: skip
    again = publish(pg.dsn(), build, schema="atlas_rp")
    assert not again.changed and "unchanged" in again.summary()
    after = _psql(pg, "SELECT digest, published_at, 'atlas_rp.places'::regclass::oid FROM "
                  "atlas_rp._atlas_meta")  # fmt: skip
    assert after == before
    # another build replaces it, and no staging or old schema is left behind
    changed = publish(pg.dsn(), other, schema="atlas_rp")
    assert changed.changed
    n = _psql(pg, "SELECT count(*) FROM atlas_rp.places")[0][0]
    assert n == len(_layers(other)["places"]) == len(_layers(build)["places"]) - 1
    assert {s for s in _schemas(pg) if s.startswith("atlas_rp")} == {"atlas_rp"}


# --- killed publishes ----------------------------------------------------------------------------

_KILLABLE = """
import sys, time
from pathlib import Path
import etl.publish.postgis as p
build, schema, stage = sys.argv[1:4]
def stall(*args, **kwargs):
    print("midway", flush=True)
    time.sleep(120)
if stage == "load":  # inside the loading transaction, the layers already copied
    copy_table = p._load_table
    def slow(*args, **kwargs):
        copy_table(*args, **kwargs)
        stall()
    p._load_table = slow
    p.publish(__import__("os").environ["ATLAS_DATABASE_URL"], Path(build), schema=schema)
else:  # loaded and committed, before the swap
    p.publish(__import__("os").environ["ATLAS_DATABASE_URL"], Path(build), schema=schema,
              pause=stall)
"""


@pytest.mark.parametrize("stage", ["load", "swap"])
def test_a_publish_killed_midway_leaves_the_old_atlas(pg, builds, stage):
    build, other = builds
    schema = f"atlas_kill_{stage}"
    publish(pg.dsn(), build, schema=schema)
    old = db.read_everything(pg.dsn(), schema)
    env = dict(os.environ, ATLAS_DATABASE_URL=pg.dsn())
    with subprocess.Popen(
        [sys.executable, "-c", _KILLABLE, str(other), schema, stage],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=settings.ROOT,
    ) as proc:
        try:
            assert proc.stdout.readline().strip() == "midway"
        finally:
            proc.kill()  # SIGKILL: no cleanup runs
            proc.wait(30)
    now = db.read_everything(pg.dsn(), schema)
    assert now["digest"] == old["digest"]
    assert now["features"] == old["features"] == _layers(build)
    # the next publish goes through and cleans what the killed one left
    assert publish(pg.dsn(), other, schema=schema).changed
    assert db.read_everything(pg.dsn(), schema)["features"] == _layers(other)
    assert {s for s in _schemas(pg) if s.startswith(schema)} == {schema}


# --- readers during the swap ---------------------------------------------------------------------


def _waiting_locks(server) -> int:
    return _psql(server, "SELECT count(*) FROM pg_locks WHERE NOT granted")[0][0]


def test_a_reader_during_the_swap_sees_one_atlas_never_a_mix(pg, builds):
    build, other = builds
    schema = "atlas_swap"
    publish(pg.dsn(), build, schema=schema)
    reader = pg.dsn(READER, READER_PW)
    results, late = [], []
    with db.snapshot(reader, schema) as (conn, _):
        seen = {"places": db.read_layer(conn, schema, "places")}
        publisher = threading.Thread(
            target=lambda: results.append(publish(pg.dsn(), other, schema=schema))
        )
        publisher.start()
        deadline = time.monotonic() + 30
        while _waiting_locks(pg) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_locks(pg) >= 1  # the swap waits for this reader
        # a reader arriving now waits for the swap and then reads the new atlas
        newcomer = threading.Thread(target=lambda: late.append(db.read_everything(reader, schema)))
        newcomer.start()
        time.sleep(0.3)
        for layer in LAYERS[1:]:
            seen[layer] = db.read_layer(conn, schema, layer)
        assert publisher.is_alive()
    publisher.join(60)
    newcomer.join(60)
    assert results and results[0].changed
    assert seen == _layers(build)  # the whole old atlas
    assert late and late[0]["features"] == _layers(other)  # the whole new one
    assert db.read_everything(reader, schema)["features"] == _layers(other)


# --- bad connection strings; the password never shows ----------------------------------------------

SECRET = "Hunter2-Very-Secret"


def _atlas(*args, env_dsn=None):
    env = dict(os.environ)
    env.pop("ATLAS_DATABASE_URL", None)
    if env_dsn:
        env["ATLAS_DATABASE_URL"] = env_dsn
    return subprocess.run(
        [sys.executable, "-m", "etl", "publish", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.ROOT,
        timeout=120,
    )


def _one_line_without_secret(r) -> str:
    out = r.stdout + r.stderr
    assert SECRET not in out
    assert "Hunter2" not in out
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("atlas: error: "), r.stderr
    return lines[0]


def test_a_wrong_password_is_one_line_without_the_password(pg, builds):
    build, _ = builds
    dsn = f"postgresql://atlas_publisher:{SECRET}@127.0.0.1:{pg.port}/atlas"
    for r in (_atlas(dsn, "--build", str(build)), _atlas("--build", str(build), env_dsn=dsn)):
        assert r.returncode == 1
        line = _one_line_without_secret(r)
        assert "password authentication failed" in line
    kv = f"host=127.0.0.1 port={pg.port} dbname=atlas user=atlas_publisher password={SECRET}"
    r = _atlas(kv, "--build", str(build))
    assert r.returncode == 1
    _one_line_without_secret(r)


def test_an_unreachable_host_is_one_line_without_the_password(builds):
    build, _ = builds
    port = _postgis.free_port()  # nothing listens there
    dsn = f"postgresql://someone:{SECRET}@127.0.0.1:{port}/atlas"
    for r in (_atlas(dsn, "--build", str(build)), _atlas("--build", str(build), env_dsn=dsn)):
        assert r.returncode == 1
        line = _one_line_without_secret(r)
        assert "cannot reach the database someone@127.0.0.1" in line
    # a malformed DSN, or one given twice: usage errors that do not repeat it either
    r = _atlas(f"postgresql://someone:{SECRET}@127.0.0.1:notaport/atlas", "--build", str(build))
    assert r.returncode == 1
    assert "notaport" in _one_line_without_secret(r)
    r = _atlas(f"host=127.0.0.1 password={SECRET} dbname", "--build", str(build))
    assert r.returncode == 2
    assert "not valid" in _one_line_without_secret(r)
    r = _atlas("x", f"postgresql://someone:{SECRET}@h/db")
    assert r.returncode == 2
    _one_line_without_secret(r)


def test_a_database_without_postgis_is_one_clear_line(pg, builds):
    build, _ = builds
    r = _atlas(pg.dsn(db="plain"), "--build", str(build))
    assert r.returncode == 1
    line = _one_line_without_secret(r)
    assert "PostGIS is not installed" in line and "CREATE EXTENSION postgis" in line
    assert _postgis.PUBLISHER_PW not in r.stderr


def test_the_password_is_in_no_log_no_error_and_no_stored_manifest(pg, builds, caplog):
    import logging

    build, _ = builds
    caplog.set_level(logging.DEBUG)
    wrong = f"postgresql://atlas_publisher:{SECRET}@127.0.0.1:{pg.port}/atlas"
    with pytest.raises(PublishError) as err:
        publish(wrong, build, schema="atlas_pw")
    assert SECRET not in str(err.value)
    assert SECRET not in caplog.text
    publish(pg.dsn(), build, schema="atlas_pw")
    stored = _psql(pg, "SELECT row_to_json(m)::text FROM atlas_pw._atlas_meta m")[0][0]
    assert _postgis.PUBLISHER_PW not in stored
    assert _postgis.PUBLISHER_PW not in caplog.text
    assert _postgis.PUBLISHER_PW not in (build / "manifest.json").read_text(encoding="utf-8")


# --- the dashboard on the read-only role ---------------------------------------------------------


def test_the_read_only_role_reads_and_cannot_write(pg, builds):
    import psycopg

    build, _ = builds
    publish(pg.dsn(), build, schema="atlas")
    assert _psql(pg, "SELECT count(*) FROM atlas.places", user=READER, password=READER_PW)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _psql(pg, "DELETE FROM atlas.places", user=READER, password=READER_PW)
    with pytest.raises(PublishError, match="not allowed"):
        publish(pg.dsn(READER, READER_PW), build, schema="atlas_by_reader")


FILTERS = [
    Filters(),
    Filters(types=("gas_pipeline",)),
    Filters(countries=("KGZ",), statuses=("operating",)),
    Filters(statuses=("unknown",)),
    Filters(inferred=False),
    Filters(date_from="2023-01-01"),
    Filters(date_to="2023"),
    Filters(min_capacity=10, capacity_unit="bcm/y"),
    Filters(text="line b"),
    Filters(docs=("000_6c1a51b67e26087a.txt",)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_sql_filters_select_what_the_file_filters_select(pg, builds, filters):
    build, _ = builds
    publish(pg.dsn(), build, schema="atlas")
    layers = _layers(build)
    schema = "atlas"
    with db.snapshot(pg.dsn(READER, READER_PW), schema) as (conn, _):
        for layer in LAYERS:
            got = db.query_features(conn, schema, layer, filters)
            assert got == filter_features(layers[layer], filters), (layer, filters)


def test_the_bounding_box_query_returns_the_features_in_view(pg, builds):
    build, _ = builds
    publish(pg.dsn(), build, schema="atlas")
    view = (66.0, 38.0, 80.0, 46.0)  # Tashkent to Almaty and Bishkek, in lon/lat
    with db.snapshot(pg.dsn(READER, READER_PW), "atlas") as (conn, _):
        for layer, features in _layers(build).items():
            got = {f["id"] for f in db.query_features(conn, "atlas", layer, Filters(), view)}
            expected = {
                f["id"]
                for f in features
                if box(*shape(f["geometry"]).bounds).intersects(box(*view))
            }
            assert got == expected, layer
    # what a page calls: its own snapshot; some places in view, none outside
    inside = db.filtered(["places"], Filters(), view, dsn=pg.dsn(READER, READER_PW))["places"]
    assert inside and len(inside) < len(_layers(build)["places"])


def test_the_dashboard_runs_on_the_read_only_role(pg, builds, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard import data, state

    build, _ = builds
    publish(pg.dsn(), build, schema="atlas")
    monkeypatch.setenv("ATLAS_DATABASE_URL", pg.dsn(READER, READER_PW))
    monkeypatch.setenv(data.BUILD_ENV, str(build.parent / "no-build-here"))
    layers = _layers(build)

    def page():
        from dashboard.views.map import map_page

        map_page()

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception, at.exception
    ids = set(at.dataframe[0].value[P_ID])
    assert ids == {f["id"] for fs in layers.values() for f in fs}
    at.sidebar.multiselect(key=state.W_TYPES).set_value(["gas_pipeline"]).run()
    gas = {f["id"] for f in filter_features(layers["pipelines"], Filters(types=("gas_pipeline",)))}
    assert gas and set(at.dataframe[0].value[P_ID]) == gas
    assert READER_PW not in str(at)
    for page in (_figures_page, _build_page):
        at = AppTest.from_function(page, default_timeout=60).run()
        assert not at.exception, at.exception
        assert not at.error


def _figures_page():
    from dashboard.views.figures import figures_page

    figures_page()


def _build_page():
    from dashboard.views.build import build_page

    build_page()
