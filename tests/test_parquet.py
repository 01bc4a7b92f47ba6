"""GeoParquet: ``<layer>.parquet`` beside each GeoJSON of a build, and ``atlas export --format
parquet``; geopandas reads every file back with EPSG:4326 and the features of the GeoJSON."""

from __future__ import annotations

import json

import geopandas as gpd
import pyarrow.parquet as pq
import pytest
from shapely.geometry import shape

from etl.cli import main as atlas
from etl.export import Filters, filter_features
from etl.schema import LAYERS, P_ID


def _check(path, features):
    """The file holds exactly ``features``: ids, geometry, lists, JSON and dates, EPSG:4326."""
    gdf = gpd.read_parquet(path)
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert list(gdf[P_ID]) == [f["properties"][P_ID] for f in features]
    for (_, row), f in zip(gdf.iterrows(), features, strict=True):
        p = f["properties"]
        assert row.geometry.equals_exact(shape(f["geometry"]), 0)
        assert list(row["countries"]) == p["countries"]
        assert list(row["aliases"]) == p["aliases"]
        assert json.loads(row["sources"]) == p["sources"]
        # ISO text of the precision the source gives ("2024-09" stays a month)
        assert row["first_seen"] == p["first_seen"]
        assert row["mentions"] == p["mentions"]
    meta = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert meta["version"].startswith("1.")
    assert meta["columns"]["geometry"]["encoding"] == "WKB"


def test_the_build_writes_geoparquet_beside_every_geojson(seed_build):
    out, layers = seed_build
    for layer in LAYERS:
        _check(out / f"{layer}.parquet", layers[layer])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parquet"]["files"] == [f"{layer}.parquet" for layer in LAYERS]
    assert manifest["parquet"]["crs"] == "EPSG:4326"


def test_every_layer_has_one_schema_so_they_read_as_one_table(seed_build):
    out, _ = seed_build
    schemas = [pq.read_schema(out / f"{layer}.parquet") for layer in LAYERS]
    assert all(s.equals(schemas[0], check_metadata=False) for s in schemas)
    assert str(schemas[0].field("countries").type) == "list<element: string>"


@pytest.mark.parametrize("args", [["--format", "parquet"], []])
def test_atlas_export_parquet(seed_build, tmp_path, capsys, args):
    out, layers = seed_build
    dest = tmp_path / "kaz.parquet"
    rc = atlas(
        ["export", "--layer", "pipelines", "--country", "KAZ", "--build", str(out),
         "--out", str(dest), *args]
    )  # fmt: skip
    assert rc == 0
    assert "(parquet)" in capsys.readouterr().out
    expected = filter_features(layers["pipelines"], Filters(countries=("KAZ",)))
    assert expected
    _check(dest, expected)


def test_an_empty_export_is_a_valid_file(seed_build, tmp_path):
    out, _ = seed_build
    dest = tmp_path / "none.parquet"
    assert atlas(["export", "--layer", "roads", "--type", "tunnel", "--text", "no such thing",
                  "--build", str(out), "--out", str(dest)]) == 0  # fmt: skip
    gdf = gpd.read_parquet(dest)
    assert len(gdf) == 0 and gdf.crs.to_epsg() == 4326


def test_the_readme_duckdb_query(seed_build):
    """The README's DuckDB command, on the build's files (no DuckDB extension needed)."""
    duckdb = pytest.importorskip("duckdb")
    out, layers = seed_build
    rows = duckdb.sql(
        "SELECT id, name, capacity, capacity_unit "
        f"FROM read_parquet('{out}/pipelines.parquet') "
        "WHERE list_contains(countries, 'KAZ') ORDER BY id"
    ).fetchall()
    expected = sorted(
        f["properties"][P_ID] for f in layers["pipelines"] if "KAZ" in f["properties"]["countries"]
    )
    assert [r[0] for r in rows] == expected
    counts = dict(
        duckdb.sql(
            f"SELECT layer, count(*) FROM read_parquet('{out}/*.parquet') GROUP BY layer"
        ).fetchall()
    )
    assert counts == {k: len(v) for k, v in layers.items() if v}
