"""The build directory as outside tools read it: RFC 7946 GeoJSON, GDAL, determinism, atomicity."""

from __future__ import annotations

import json
import shutil
import subprocess

import pyogrio
import pytest

from etl import settings
from etl.build import build
from etl.cli import main
from etl.schema import BUILD_FILES, LAYERS, PROPERTIES


def test_every_contract_file_exists(seed_build):
    out, _ = seed_build
    for name in BUILD_FILES:
        assert (out / name).is_file(), name


def _walk_positions(coords):
    if coords and isinstance(coords[0], int | float):
        yield coords
    else:
        for c in coords:
            yield from _walk_positions(c)


@pytest.mark.parametrize("layer", LAYERS)
def test_geojson_follows_rfc7946(seed_build, layer):
    out, _ = seed_build
    data = json.loads((out / f"{layer}.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    ids = [f["properties"]["id"] for f in data["features"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for feat in data["features"]:
        assert tuple(feat["properties"]) == PROPERTIES
        for lon, lat in _walk_positions(feat["geometry"]["coordinates"]):
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            for v in (lon, lat):
                assert len(repr(v).split(".")[-1]) <= 6
        for src in feat["properties"]["sources"]:
            assert src["end"] > src["start"]


@pytest.mark.parametrize("layer", LAYERS)
def test_gdal_reads_every_layer_with_the_same_features(seed_build, layer):
    out, layers = seed_build
    gdf = pyogrio.read_dataframe(out / f"{layer}.geojson")
    assert len(gdf) == len(layers[layer])
    gpkg = pyogrio.read_dataframe(out / "atlas.gpkg", layer=layer)
    assert sorted(gpkg["id"]) == sorted(f["properties"]["id"] for f in layers[layer])


def test_ogrinfo_lists_every_layer_with_its_count(seed_build):
    if shutil.which("ogrinfo") is None:
        pytest.skip("GDAL's ogrinfo is not installed (tools/test.sh installs it)")
    out, layers = seed_build
    listing = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(out / "atlas.gpkg")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for layer in LAYERS:
        assert f"Layer name: {layer}" in listing
    for layer, fs in layers.items():
        block = listing.split(f"Layer name: {layer}\n", 1)[1]
        assert f"Feature Count: {len(fs)}" in block.split("Layer name:", 1)[0]


def test_quotes_slice_the_cleaned_text(seed_build, knowledge):
    from etl.build import read_corpus

    _, layers = seed_build
    docs = {d.path: d for d in read_corpus(settings.DEFAULT_CORPUS)[0]}
    for fs in layers.values():
        for feat in fs:
            for s in feat["properties"]["sources"]:
                assert docs[s["doc"]].text[s["start"] : s["end"]] == s["quote"]


def test_same_corpus_gives_byte_identical_layers(seed_build, knowledge, tmp_path):
    out, _ = seed_build
    again = tmp_path / "again"
    build(settings.DEFAULT_CORPUS, again, knowledge=knowledge)
    for name in BUILD_FILES:
        if name.endswith((".geojson", ".csv")) or name == "manifest.json":
            assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_failed_build_leaves_the_previous_one(knowledge, tmp_path, monkeypatch):
    out = tmp_path / "build"
    build(settings.DEFAULT_CORPUS, out, knowledge=knowledge)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("etl.build.write_geopackage_rows", boom)
    with pytest.raises(OSError):
        build(settings.DEFAULT_CORPUS, out, knowledge=knowledge)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_export_filters_by_country_and_status(seed_build, tmp_path, capsys):
    out, layers = seed_build
    target = tmp_path / "kaz.geojson"
    code = main(
        [
            "export",
            "--layer",
            "pipelines",
            "--country",
            "KAZ",
            "--status",
            "operating",
            "--out",
            str(target),
            "--build",
            str(out),
        ]
    )
    assert code == 0
    got = json.loads(target.read_text(encoding="utf-8"))["features"]
    expected = [
        f
        for f in layers["pipelines"]
        if "KAZ" in f["properties"]["countries"] and f["properties"]["status"] == "operating"
    ]
    assert got == expected and got


def test_export_gpkg_and_csv_open(seed_build, tmp_path):
    out, layers = seed_build
    for fmt in ("gpkg", "csv"):
        target = tmp_path / f"x.{fmt}"
        assert (
            main(
                [
                    "export",
                    "--layer",
                    "places",
                    "--format",
                    fmt,
                    "--out",
                    str(target),
                    "--build",
                    str(out),
                ]
            )
            == 0
        )
        assert len(pyogrio.read_dataframe(target)) == len(layers["places"])


def test_unusable_arguments_exit_2_with_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["export", "--layer", "nope", "--out", str(tmp_path / "x")])
    assert info.value.code == 2
    assert main(["build", "--corpus", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("atlas: error:")


@pytest.fixture(scope="module")
def road_build(tmp_path_factory, knowledge):
    """One article of ours whose road is drawn from the places its sentence names (inferred),
    so that the --no-inferred check does not hang on the seed corpus keeping its one inferred
    line (a 3,001 km corridor, close to routes.yaml's max_bare_km)."""
    corpus = tmp_path_factory.mktemp("road-corpus")
    (corpus / "road.txt").write_text(
        "Title: Road news\nDate: 2024-05-02\n\n"
        "Crews finished the Osh-Batken road in May, the ministry said.\n",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("road") / "build"
    build(corpus, out, knowledge=knowledge)
    return out, {
        layer: json.loads((out / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]
        for layer in ("pipelines", "corridors", "railways", "roads", "places")
    }


@pytest.mark.parametrize(
    ("flags", "filters"),
    [
        (
            ["--min-capacity", "20", "--unit", "bcm/y"],
            {"min_capacity": 20.0, "capacity_unit": "bcm/y"},
        ),
        (["--text", "Line B"], {"text": "Line B"}),
        (
            ["--from", "2025-01-01", "--to", "2025-12-31"],
            {"date_from": "2025-01-01", "date_to": "2025-12-31"},
        ),
        (["--doc", "001_c17b71c19de43e54.txt"], {"docs": ("001_c17b71c19de43e54.txt",)}),
        (["--no-inferred"], {"inferred": False}),
    ],
    ids=["capacity", "text", "dates", "doc", "no-inferred"],
)
def test_every_export_flag_is_the_dashboards_filter(
    seed_build, road_build, tmp_path, flags, filters
):
    from etl.export import Filters, filter_features

    bites = False
    for n, (out, layers) in enumerate((seed_build, road_build)):
        for layer in ("pipelines", "corridors", "railways", "roads"):
            target = tmp_path / f"{n}-{layer}.geojson"
            args = ["export", "--layer", layer, *flags, "--out", str(target), "--build", str(out)]
            assert main(args) == 0
            got = json.loads(target.read_text(encoding="utf-8"))["features"]
            assert got == filter_features(layers[layer], Filters(**filters))
        bites = bites or any(
            filter_features(layers[layer], Filters(**filters)) != layers[layer]
            for layer in ("pipelines", "corridors", "railways", "roads", "places")
        )
    # and the filter does something on these corpora: not every layer passes unchanged
    assert bites


@pytest.mark.parametrize("content", ["[1, 2, 3]", '{"type": "FeatureCollection"', "not json"])
def test_export_of_a_broken_layer_file_says_which_file_and_how_to_rebuild(
    seed_build, tmp_path, capsys, content
):
    out, _ = seed_build
    broken = tmp_path / "build"
    shutil.copytree(out, broken)
    (broken / "roads.geojson").write_text(content, encoding="utf-8")
    code = main(
        ["export", "--layer", "roads", "--out", str(tmp_path / "x.geojson"), "--build", str(broken)]
    )
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "roads.geojson" in err[0] and "atlas build" in err[0]
