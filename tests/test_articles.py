"""Articles we wrote ourselves (tests/data/articles): expected places, projects and traps.

Expected coordinates in expected.yaml were taken from GeoNames records chosen by hand
(see the README there), not from the build.
"""

from __future__ import annotations

import json

import pytest
import yaml

from etl.text import normalise

from .conftest import ARTICLES, km

EXPECTED = yaml.safe_load((ARTICLES / "expected.yaml").read_text(encoding="utf-8"))
TOLERANCE_KM = 25.0


def _from_doc(layers, doc):
    """(feature, [its quotes from this document]) for every feature this document gave."""
    out = []
    for fs in layers.values():
        for f in fs:
            quotes = [s["quote"] for s in f["properties"]["sources"] if s["doc"] == doc]
            if quotes:
                out.append((f, quotes))
    return out


def _ids(case):
    return case["file"]


@pytest.mark.parametrize("case", EXPECTED, ids=_ids)
def test_metadata_is_read(articles_build, case):
    out, _ = articles_build
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    doc = next(d for d in manifest["documents"] if d["path"] == case["file"])
    assert doc["date"] == str(case["date"])
    assert normalise(doc["title"]) == normalise(case["title"])


@pytest.mark.parametrize("case", EXPECTED, ids=_ids)
def test_expected_places_at_their_real_coordinates(articles_build, case):
    _, layers = articles_build
    points = [
        (f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
        for f, _ in _from_doc(layers, case["file"])
        if f["properties"]["layer"] == "places"
    ]
    for place in case.get("places") or []:
        want = (place["lat"], place["lon"])
        assert any(km(p, want) < TOLERANCE_KM for p in points), f"{place['name']} not found"


@pytest.mark.parametrize("case", EXPECTED, ids=_ids)
def test_expected_countries_and_projects(articles_build, case):
    _, layers = articles_build
    found = _from_doc(layers, case["file"])
    ids = {f["properties"]["id"] for f, _ in found}
    countries = {
        f["properties"]["countries"][0]
        for f, _ in found
        if f["properties"]["type"] == "country" and f["properties"]["countries"]
    }
    for iso in case.get("countries") or []:
        assert iso in countries
    for fid in case.get("features") or []:
        assert fid in ids


@pytest.mark.parametrize("case", EXPECTED, ids=_ids)
def test_traps_do_not_become_places(articles_build, case):
    _, layers = articles_build
    found = [
        (f, q) for f, q in _from_doc(layers, case["file"]) if f["properties"]["layer"] == "places"
    ]
    names = set()
    for f, _ in found:
        names.add(f["properties"]["name"])
        names.update(f["properties"]["aliases"])
    for trap in case.get("not_places") or []:
        assert trap not in names, f"{trap!r} became a place"
    for wrong in case.get("not_near") or []:
        for f, _ in found:
            lon, lat = f["geometry"]["coordinates"]
            assert km((lat, lon), (wrong["lat"], wrong["lon"])) > TOLERANCE_KM, (
                f"{f['properties']['name']} placed at the wrong {wrong['name']}"
            )
