"""The build's GeoPackage: version 1.3 (Debian 12's GDAL opens it without a warning), a QGIS
``layer_styles`` table with one default style per layer that draws each feature as the
dashboard does, and the same bytes for the same data."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pyogrio
import pytest

from dashboard.styles import INFERRED_DASH, PLANNED_DASH, colour, line_style, point_style
from etl.io import write_geopackage
from etl.schema import LAYERS, LINE_LAYERS


def _gpkg(seed_build) -> Path:
    return seed_build[0] / "atlas.gpkg"


def test_geopackage_is_version_1_3(seed_build):
    with sqlite3.connect(_gpkg(seed_build)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 10300


def test_ogrinfo_opens_it_without_a_warning_and_lists_the_styles(seed_build):
    if shutil.which("ogrinfo") is None:
        pytest.skip("GDAL's ogrinfo is not installed (tools/test.sh installs it)")
    r = subprocess.run(
        ["ogrinfo", "-ro", "-so", str(_gpkg(seed_build))],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = r.stdout + r.stderr
    assert "Warning" not in out and "partially supported" not in out, out
    assert "layer_styles (None)" in out
    rows = subprocess.run(
        ["ogrinfo", "-ro", "-q", str(_gpkg(seed_build)), "-sql",
         "SELECT f_table_name, useAsDefault FROM layer_styles"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    for layer in LAYERS:
        assert f"f_table_name (String) = {layer}\n" in rows
    assert rows.count("useAsDefault (Integer(Boolean)) = 1") == len(LAYERS)


def _styles(path: Path) -> dict[str, dict]:
    frame = pyogrio.read_dataframe(path, layer="layer_styles")
    assert len(frame) == len(set(frame["f_table_name"]))  # one row per layer
    return {r["f_table_name"]: r for r in frame.to_dict("records")}


def test_one_default_style_per_layer_on_its_geometry_column(seed_build):
    styles = _styles(_gpkg(seed_build))
    assert set(styles) == set(LAYERS)
    with sqlite3.connect(_gpkg(seed_build)) as conn:
        geom = dict(conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
    for layer, row in styles.items():
        assert row["useAsDefault"]
        assert row["f_geometry_column"] == geom[layer]
        ET.fromstring(row["styleQML"].split("\n", 1)[1])  # well-formed after the DOCTYPE


def _rules(qml: str) -> list[tuple[str, dict[str, str]]]:
    """(filter, symbol properties) for each rule of a QML rule-based renderer."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    symbols = {
        s.get("name"): {o.get("name"): o.get("value") for o in s.iter("Option") if o.get("name")}
        for s in root.iter("symbol")
    }
    return [(r.get("filter"), symbols[r.get("symbol")]) for r in root.iter("rule")]


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4))


def test_each_feature_gets_exactly_one_rule_drawn_as_the_dashboard_draws_it(seed_build):
    """The rules' filters are evaluated by SQLite on the GeoPackage's own rows."""
    path = _gpkg(seed_build)
    styles = _styles(path)
    checked = 0
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        for layer in LAYERS:
            rules = _rules(styles[layer]["styleQML"])
            rows = {r["id"]: dict(r) for r in conn.execute(f'SELECT * FROM "{layer}"')}
            matched: dict[str, list[dict[str, str]]] = {fid: [] for fid in rows}
            for expression, symbol in rules:
                for (fid,) in conn.execute(f'SELECT id FROM "{layer}" WHERE {expression}'):
                    matched[fid].append(symbol)
            for fid, symbols in matched.items():
                assert len(symbols) == 1, (layer, fid, len(symbols))
                props, sym = rows[fid], symbols[0]
                if layer in LINE_LAYERS:
                    want = line_style(props)
                    assert sym["line_color"].startswith(_rgb(want["color"]) + ",")
                    dash = want.get("dashArray")
                    assert sym["use_custom_dash"] == ("1" if dash else "0")
                    if dash:
                        assert sym["customdash"] == dash.replace(" ", ";")
                else:
                    want = point_style(props, layer)
                    assert sym["outline_color"].startswith(_rgb(want["color"]) + ",")
                    assert float(sym["size"]) == 2 * want["radius"]
                checked += 1
    assert checked > 40


def test_planned_is_dashed_inferred_dotted_and_colours_follow_the_type():
    """Hand-checked values: gas pipelines are #e6550d = 230,85,13 in dashboard/styles.py."""
    import tempfile

    def line(status, precision):
        return {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[70.0, 40.0], [75.0, 42.0]]},
            "properties": {
                "id": f"pipelines/{status}-{precision}",
                "type": "gas_pipeline",
                "status": status,
                "precision": precision,
            },
        }

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.gpkg"
        feats = [line("operating", "waypoints"), line("proposed", "waypoints"),
                 line("operating", "inferred")]  # fmt: skip
        write_geopackage(path, {"pipelines": feats})
        rules = _rules(_styles(path)["pipelines"]["styleQML"])
        with sqlite3.connect(path) as conn:
            look = {}
            for expression, sym in rules:
                for (fid,) in conn.execute(f"SELECT id FROM pipelines WHERE {expression}"):
                    look[fid] = sym
    assert colour("gas_pipeline") == "#e6550d"
    solid = look["pipelines/operating-waypoints"]
    assert solid["line_color"] == "230,85,13,255" and solid["use_custom_dash"] == "0"
    dashed = look["pipelines/proposed-waypoints"]
    assert dashed["line_style"] == "dash" and dashed["customdash"] == "8;6" == PLANNED_DASH.replace(
        " ", ";"
    )
    dotted = look["pipelines/operating-inferred"]
    assert dotted["line_style"] == "dot" and dotted["customdash"] == "2;6" == INFERRED_DASH.replace(
        " ", ";"
    )


def test_the_same_layers_give_the_same_bytes(seed_build, tmp_path):
    from etl.io import read_features

    layers = {layer: read_features(seed_build[0] / f"{layer}.geojson") for layer in LAYERS}
    write_geopackage(tmp_path / "a.gpkg", layers)
    write_geopackage(tmp_path / "b.gpkg", layers)
    assert (tmp_path / "a.gpkg").read_bytes() == (tmp_path / "b.gpkg").read_bytes()


def test_a_one_layer_export_has_no_styles_table(tmp_path):
    """``geopandas.read_file`` of an ``atlas export`` file must not need a layer name."""
    from etl.export import render

    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [71.4, 51.1]},
        "properties": {"id": "places/x", "type": "city"},
    }
    path = tmp_path / "one.gpkg"
    path.write_bytes(render("places", [feature], "gpkg"))
    assert [name for name, _ in pyogrio.list_layers(path)] == ["places"]
