"""Project dossiers and the power_lines layer (issue 8 items 4 and 6, issue 11 item 4).

A registry entry states who owns, operates, pays for and builds a project, when it started
and ended, with a source per field; the build emits them under fixed property names, and
the power_lines layer goes through every output (GeoJSON, GeoPackage, export). A company
named after a town, when it is a registry contractor or owner, is the company, not the town.
Expected values were read in the sources the registry names (AidData project 39619,
AsiaNews 2015), not taken from the build.
"""

from __future__ import annotations

import json

import pyogrio
import pytest

from etl._errors import RegistryError
from etl.build import build
from etl.cli import main
from etl.io import read_features
from etl.places.gazetteer import Gazetteer
from etl.registry import load
from etl.schema import Place

DATKA = "power_lines/datka-kemin-transmission-line"
ARTICLE = """Title: Power line test
Date: 2025-05-02

Engineers inspected the Datka-Kemin transmission line after the spring floods.
Huaxin Cement began building a plant in Yovon district, while Tebian Electric Apparatus
crews repaired towers near Kemin.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory, knowledge):
    corpus = tmp_path_factory.mktemp("dossier-corpus")
    (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path_factory.mktemp("dossier") / "build"
    build(corpus, out, knowledge=knowledge)
    return out


def _by_id(out, layer):
    return {f["properties"]["id"]: f for f in read_features(out / f"{layer}.geojson")}


def test_dossier_fields_are_feature_properties_with_their_sources(built):
    p = _by_id(built, "power_lines")[DATKA]["properties"]
    assert p["layer"] == "power_lines" and p["type"] == "transmission_line"
    assert p["owner"] == "National Electric Grid of Kyrgyzstan"
    assert p["financiers"] == ["Export-Import Bank of China"]
    assert p["contractors"] == ["TBEA (Tebian Electric Apparatus)"]
    assert (p["start_year"], p["completion_year"]) == (
        2012,
        2015,
    )  # AidData: 2012-08-20, 2015-08-28
    assert p["status"] == "operating" and p["status_date"] == "2015-08-28"
    assert p["operator"] is None  # not stated by any source: left out, not guessed
    sources = p["dossier_sources"]
    assert set(sources) >= {"owner", "financiers", "contractors", "start_year", "completion_year"}
    assert all(u.startswith("http") for urls in sources.values() for u in urls)
    assert "https://china.aiddata.org/projects/39619" in sources["financiers"]
    assert p["countries"] == ["KGZ"]


def test_power_lines_go_through_geopackage_and_export(built, tmp_path):
    gpkg = pyogrio.read_dataframe(built / "atlas.gpkg", layer="power_lines")
    row = gpkg[gpkg["id"] == DATKA].iloc[0]
    assert json.loads(row["contractors"]) == ["TBEA (Tebian Electric Apparatus)"]
    assert json.loads(row["dossier_sources"])["owner"]
    assert row.geometry.geom_type == "LineString"
    for fmt in ("geojson", "gpkg", "csv"):
        target = tmp_path / f"p.{fmt}"
        argv = ["export", "--layer", "power_lines", "--country", "KGZ", "--format", fmt]
        assert main([*argv, "--out", str(target), "--build", str(built)]) == 0
        if fmt == "geojson":
            (f,) = read_features(target)
            assert f["properties"]["id"] == DATKA
            assert f["properties"]["start_year"] == 2012
        else:
            assert len(pyogrio.read_dataframe(target)) == 1


def test_a_contractor_named_after_a_town_is_not_that_town(built):
    """'Huaxin Cement' and 'Tebian Electric Apparatus' are registry contractors."""
    names = set()
    for f in read_features(built / "places.geojson"):
        names.add(f["properties"]["name"])
        names.update(f["properties"]["aliases"])
    assert not {"Huaxin", "Tebian"} & names
    assert "Kemin" in names  # the town named on its own is still a place


GAZ = Gazetteer.from_places(
    [
        Place("gn:1", "Kashgar", 39.47, 75.99, "city", "CHN", 500_000),
        Place("gn:2", "Andijon", 40.78, 72.34, "city", "UZB", 700_000),
    ],
    {"gn:2": ["Andijan"]},
)
GOOD = """
- id: railways/test-line
  name: Test line
  type: railway
  countries: [CHN, KGZ, UZB]
  owner: Test Railways
  start_year: 2020
  completion_year: 2024
  dossier_sources:
    owner: ["https://example.org/owner"]
    start_year: ["https://example.org/years"]
    completion_year: ["https://example.org/years"]
  waypoints: [Kashgar, Andijan]
  sources: [{title: T, publisher: P, url: "https://example.org/t"}]
"""


def test_a_good_dossier_loads(tmp_path):
    (tmp_path / "railways.yaml").write_text(GOOD, encoding="utf-8")
    entry = load(tmp_path, GAZ).entries["railways/test-line"]
    assert entry.dossier == {"owner": "Test Railways", "start_year": 2020, "completion_year": 2024}
    assert entry.countries == ("CHN", "KGZ", "UZB")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('    owner: ["https://example.org/owner"]\n', ""), "'owner' needs its source"),
        (("start_year: 2020", "start_year: twenty"), "start_year must be a year"),
        (("completion_year: 2024", "completion_year: 2019"), "before start_year"),
        (("owner: Test Railways", "owner: Test Railways\n  cost_usd: 5"), None),
        (('    owner: ["https://example.org/owner"]', '    owner: ["not a url"]'), "list of URLs"),
        (("  dossier_sources:", "  dossier_sources:\n    capacity: [https://x.org]"), "capacity"),
        (("countries: [CHN, KGZ, UZB]", "countries: [China]"), "ISO3"),
    ],
    ids=["no-source", "bad-year", "end-before-start", "ok-extra", "not-url", "unstated", "iso3"],
)
def test_a_bad_dossier_stops_the_load_with_the_reason(tmp_path, change, problem):
    (tmp_path / "railways.yaml").write_text(GOOD.replace(*change), encoding="utf-8")
    if problem is None:
        load(tmp_path, GAZ)
        return
    with pytest.raises(RegistryError, match="test-line") as err:
        load(tmp_path, GAZ)
    assert problem in str(err.value)


def test_a_town_in_brackets_after_a_company_stays_a_town(tmp_path):
    """'HQC (Shanghai)' protects 'HQC (Shanghai)' and 'HQC', never 'Shanghai' on its own;
    'TBEA (Tebian Electric Apparatus)' protects both names of the company."""
    text = GOOD.replace("owner: Test Railways", "owner: HQC (Shanghai)").replace(
        "  start_year: 2020",
        "  contractors: [TBEA (Tebian Electric Apparatus)]\n  start_year: 2020",
    )
    text = text.replace(
        '    start_year: ["https://example.org/years"]',
        '    start_year: ["https://example.org/years"]\n    contractors: ["https://example.org/c"]',
    )
    (tmp_path / "railways.yaml").write_text(text, encoding="utf-8")
    reg = load(tmp_path, GAZ)
    names = set(reg.entries["railways/test-line"].organisations())
    assert {"HQC (Shanghai)", "HQC", "TBEA", "Tebian Electric Apparatus"} <= names
    assert "Shanghai" not in names
    assert reg.organisation_spans("Trains left Shanghai for HQC (Shanghai) depots.") == [(25, 39)]
