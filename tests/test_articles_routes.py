"""Routes in the words real reporters use (tests/data/articles_routes, issue 8 item 4).

Each article names a route one way; the build must draw it through its places with the
right layer and type (a section along its registry project, linked by ``section_of``), or
report it in ``unresolved.csv`` with the reason. Expectations were written from the texts
and GeoNames, not from the build (see the folder's README).
"""

from __future__ import annotations

import csv
import shutil

import pytest
import shapely
import yaml
from shapely.geometry import shape

from etl.build import build

from .conftest import DATA, _layers, km

ARTICLES = DATA / "articles_routes"
EXPECTED = yaml.safe_load((ARTICLES / "expected.yaml").read_text(encoding="utf-8"))
LINE_LAYERS = ("pipelines", "railways", "roads", "power_lines", "corridors")


@pytest.fixture(scope="module")
def built(tmp_path_factory, knowledge):
    corpus = tmp_path_factory.mktemp("routes-corpus")
    for path in ARTICLES.glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    out = tmp_path_factory.mktemp("routes") / "build"
    build(corpus, out, knowledge=knowledge)
    with (out / "unresolved.csv").open(encoding="utf-8") as f:
        unresolved = list(csv.DictReader(f))
    return _layers(out), unresolved


def _distance_to_line(geom, lat, lon):
    dense = shapely.segmentize(geom, 0.05)
    return min(km((y, x), (lat, lon)) for x, y in shapely.get_coordinates(dense))


def _position(geom, lat, lon):
    return geom.project(shapely.Point(lon, lat))


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_routes_are_drawn_with_their_layer_and_type(built, case):
    layers, _ = built
    doc = case["file"]
    for want in case["routes"]:
        found = [
            f
            for f in layers[want["layer"]]
            if any(
                s["doc"] == doc and want["quote_contains"] in s["quote"]
                for s in f["properties"]["sources"]
            )
            and f["properties"].get("section_of") == want.get("section_of")
        ]
        assert found, f"no {want['layer']} feature for {want['quote_contains']!r}"
        ok = []
        for f in found:
            geom = shape(f["geometry"])
            near = all(_distance_to_line(geom, p["lat"], p["lon"]) < 25 for p in want["places"])
            pos = [_position(geom, p["lat"], p["lon"]) for p in want["places"]]
            ordered = pos == sorted(pos) or pos == sorted(pos, reverse=True)
            ok.append((near and ordered, f))
        hits = [f for good, f in ok if good]
        assert hits, f"not drawn through {[p['name'] for p in want['places']]} in order"
        p = hits[0]["properties"]
        assert p["type"] == want["type"]
        if want.get("section_of"):
            assert p["precision"] == "waypoints"
            assert p["section_of"] == want["section_of"]
        else:
            assert p["precision"] == "inferred"


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_partnerships_join_the_two_places_named(built, case):
    """ "sister-city ties between <A> oblast and <B> province": a line between the two
    provinces (each end within its ``tolerance_km``), of the expected type."""
    layers, _ = built
    found = [
        f
        for f in layers["partnerships"]
        if any(s["doc"] == case["file"] for s in f["properties"]["sources"])
    ]
    for want in case.get("partnerships") or []:
        a, b = want["places"]

        def near(p, end):
            return km(end, (p["lat"], p["lon"])) < p["tolerance_km"]

        hits = [
            f
            for f in found
            if (ends := [(y, x) for x, y in f["geometry"]["coordinates"]])
            and any(near(a, x) and near(b, y) for x, y in (ends, ends[::-1]))
        ]
        assert hits, f"no partnership {a['name']} - {b['name']}"
        assert hits[0]["properties"]["type"] == want["type"]


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_no_line_of_the_document_runs_through_places_it_must_not(built, case):
    """ "not_on_route": places no line of this document may pass (an inland start of a
    ship's voyage is not a port)."""
    layers, _ = built
    for p in case.get("not_on_route") or []:
        for layer in LINE_LAYERS:
            for f in layers[layer]:
                if any(s["doc"] == case["file"] for s in f["properties"]["sources"]):
                    geom = shape(f["geometry"])
                    assert _distance_to_line(geom, p["lat"], p["lon"]) > 25, (
                        f"{f['properties']['name']} runs through {p['name']}"
                    )


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_registry_names_in_new_spellings_are_the_registry_feature(built, case):
    layers, _ = built
    features = {f["properties"]["id"]: f for fs in layers.values() for f in fs}
    for want in case.get("registry") or []:
        f = features.get(want["id"])
        assert f is not None, f"{want['id']} not built"
        quotes = [s["quote"] for s in f["properties"]["sources"] if s["doc"] == case["file"]]
        assert any(want["quote_contains"] in q for q in quotes), quotes
    inferred = [
        f for fs in layers.values() for f in fs if f["properties"]["precision"] == "inferred"
    ]
    for want in case.get("registry") or []:
        for f in inferred:
            quotes = [s["quote"] for s in f["properties"]["sources"] if s["doc"] == case["file"]]
            assert not any(want["quote_contains"] in q for q in quotes), f["properties"]["id"]


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_routes_not_drawn_are_reported_with_their_reason(built, case):
    layers, unresolved = built
    doc = case["file"]
    rows = [r for r in unresolved if r["doc"] == doc and r["kind"] == "route"]
    for want in case.get("unresolved") or []:
        hits = [r for r in rows if want["mention_contains"] in r["mention"]]
        assert hits, f"{want['mention_contains']!r} not in unresolved.csv"
        assert any(r["reason"].split(":")[0] == want["reason"] for r in hits), [
            r["reason"] for r in hits
        ]
        for layer in LINE_LAYERS:
            for f in layers[layer]:
                quotes = [s["quote"] for s in f["properties"]["sources"] if s["doc"] == doc]
                if f["properties"]["precision"] == "inferred":
                    assert not any(want["mention_contains"] in q for q in quotes)


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_dashed_names_are_not_reported_as_routes(built, case):
    """ "the South-North Highway" is a name, not a chain of places: unresolved.csv lists
    routes that could not be placed, not every dashed name."""
    _, unresolved = built
    rows = [r["mention"] for r in unresolved if r["doc"] == case["file"] and r["kind"] == "route"]
    for name in case.get("not_unresolved") or []:
        assert not any(name in row for row in rows), f"{name} reported as a route"


def test_a_section_follows_its_project_not_a_straight_line(built, knowledge):
    """The section's line is a part of the project's own geometry (its bends kept)."""
    layers, _ = built
    (sec,) = [
        f
        for f in layers["railways"]
        if f["properties"].get("section_of") and "Balkhash" in f["properties"]["name"]
    ]
    project = knowledge.registry.entries[sec["properties"]["section_of"]].geometry
    for x, y in shapely.get_coordinates(shape(sec["geometry"])):
        assert project.distance(shapely.Point(x, y)) < 1e-6
    assert sec["properties"]["countries"] == ["KAZ"]
    # it bends where its project bends: through Sayak, south of the straight line
    sayak = (47.0, 77.267)  # registry waypoint Sayak, KZ (GeoNames 1519463, Sayaq)
    assert min(km(sayak, (y, x)) for x, y in shapely.get_coordinates(shape(sec["geometry"]))) < 5


def test_an_inferred_route_claims_only_the_countries_of_its_places(knowledge, tmp_path):
    """A straight Taraz-Almaty line clips Kyrgyzstan; the route names two Kazakh towns."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Title: T\nDate: 2025-03-01\n\nPlanners want a new railway from Taraz to Almaty.\n",
        encoding="utf-8",
    )
    build(corpus, tmp_path / "out", knowledge=knowledge)
    layers = _layers(tmp_path / "out")
    (route,) = [f for f in layers["railways"] if f["properties"]["precision"] == "inferred"]
    line = shape(route["geometry"])
    assert route["properties"]["countries"] == ["KAZ"]
    # the straight line itself does cross Kyrgyzstan: countries from geometry would say so
    from .test_registry_geometry import COUNTRIES

    assert line.intersects(COUNTRIES["KGZ"])
