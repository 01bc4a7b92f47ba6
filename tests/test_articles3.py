"""The third set of our own articles (tests/data/articles3): routes no registry covers,
figures in many phrasings and currencies, relative years, events, partnerships, traps.
Expectations were written from the texts and GeoNames, not from the build (see the README)."""

from __future__ import annotations

import csv
import shutil

import pytest
import shapely
import yaml
from shapely.geometry import shape

from etl import settings
from etl.build import build

from .conftest import DATA, _layers, km

ARTICLES3 = DATA / "articles3"
EXPECTED = yaml.safe_load((ARTICLES3 / "expected.yaml").read_text(encoding="utf-8"))
LINE_LAYERS = ("pipelines", "railways", "roads", "corridors")


@pytest.fixture(scope="module")
def built(tmp_path_factory, knowledge):
    corpus = tmp_path_factory.mktemp("articles3-corpus")
    for path in ARTICLES3.iterdir():
        if path.suffix in {".txt", ".html"}:
            shutil.copy(path, corpus / path.name)
    out = tmp_path_factory.mktemp("articles3") / "build"
    build(corpus, out, knowledge=knowledge)
    with (out / "facts.csv").open(encoding="utf-8") as f:
        facts = list(csv.DictReader(f))
    with (out / "unresolved.csv").open(encoding="utf-8") as f:
        unresolved = list(csv.DictReader(f))
    return _layers(out), facts, unresolved


def _doc_features(layers, layer, doc):
    return [f for f in layers[layer] if any(s["doc"] == doc for s in f["properties"]["sources"])]


def _on_line(geom, lat, lon):
    dense = shapely.segmentize(geom, 0.05)
    return min(km((y, x), (lat, lon)) for x, y in shapely.get_coordinates(dense))


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_routes_from_sentences(built, case):
    layers, _, unresolved = built
    doc = case["file"]
    for route in case.get("routes") or []:
        candidates = [
            f
            for f in _doc_features(layers, route["layer"], doc)
            if any(
                route["quote_contains"] in s["quote"]
                for s in f["properties"]["sources"]
                if s["doc"] == doc
            )
        ]
        assert candidates, f"no {route['layer']} route for {route['quote_contains']!r}"
        ok = []
        for f in candidates:
            geom = shape(f["geometry"])
            ok.append(
                all(
                    _on_line(geom, p["lat"], p["lon"])
                    < p.get("tolerance_km", route.get("tolerance_km", 25))
                    for p in route["places"]
                )
            )
        assert any(ok), (
            f"route through {[p['name'] for p in route['places']]} not drawn through them"
        )
        drawn = [f for f, good in zip(candidates, ok, strict=True) if good]
        assert any(f["properties"]["type"] == route["type"] for f in drawn), (
            f"{route['quote_contains']!r}: type {[f['properties']['type'] for f in drawn]}"
            f" is not {route['type']}"
        )
    for item in case.get("no_routes") or []:
        words, reason = (
            (item["mention"], item["reason"]) if isinstance(item, dict) else (item, None)
        )
        for layer in LINE_LAYERS:
            for f in _doc_features(layers, layer, doc):
                if f["properties"]["precision"] != "inferred":
                    continue
                quotes = [s["quote"] for s in f["properties"]["sources"] if s["doc"] == doc]
                assert not any(words in q for q in quotes), (
                    f"{words} became {f['properties']['id']}"
                )
        rows = [r for r in unresolved if words in r["mention"] and r["doc"] == doc]
        assert rows, f"{words} not reported"
        if reason is not None:
            reasons = [r["reason"].split(":")[0] for r in rows]
            assert reason in reasons, f"{words} refused as {reasons}, not {reason}"


def _matches(row, want):
    if want.get("metric") and row["metric"] != want["metric"]:
        return False
    if want.get("subject") and row["subject"] != want["subject"]:
        return False
    if want.get("year") and row["year"] != str(want["year"]):
        return False
    unit = want["unit"]
    if row["unit"] not in {unit, f"{unit}/y"}:
        return False
    if want["original"] not in row["original"]:
        return False
    if want.get("value") is not None:
        return row["value"] != "" and float(row["value"]) == pytest.approx(
            float(want["value"]), rel=0.01
        )
    return True


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_figures_subjects_and_years(built, case):
    _, facts, _ = built
    rows = [r for r in facts if r["doc"] == case["file"]]
    for want in case.get("facts") or []:
        assert any(_matches(r, want) for r in rows), f"missing {want}"
    for words in case.get("unattributed") or []:
        for r in rows:
            if words in r["original"]:
                assert r["metric"] != "trade_volume"
                assert not (len(r["subject"]) == 3 or r["subject"] == "CHN-CENTRAL_ASIA"), r


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_conflicts(built, case):
    _, facts, _ = built
    rows = [r for r in facts if r["doc"] == case["file"]]
    flagged = case.get("conflicts") or []
    for c in flagged:
        hit = [
            r
            for r in rows
            if (r["metric"], r["subject"], r["year"]) == (c["metric"], c["subject"], str(c["year"]))
        ]
        assert hit and all(r["conflict"] for r in hit), c
    if not flagged:
        for want in case.get("facts") or []:
            for r in rows:
                if _matches(r, want):
                    assert not r["conflict"], r


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_events(built, case):
    layers, _, _ = built
    found = _doc_features(layers, "events", case["file"])
    for want in case.get("events") or []:
        place = want["place"]
        hits = [
            f
            for f in found
            if km(
                (f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0]),
                (place["lat"], place["lon"]),
            )
            < 25
            and (
                not want.get("name_contains")
                or want["name_contains"].lower() in f["properties"]["name"].lower()
            )
        ]
        assert hits, f"no event at {place['name']}"
        if want.get("type"):
            hits = [f for f in hits if f["properties"]["type"] == want["type"]]
            assert hits, f"event at {place['name']} is not a {want['type']}"
        p = hits[0]["properties"]
        if want.get("start_date"):
            assert p["start_date"] == str(want["start_date"])
        if want.get("end_date"):
            assert p["end_date"] == str(want["end_date"])


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_partnerships(built, case):
    layers, _, _ = built
    found = _doc_features(layers, "partnerships", case["file"])
    for want in case.get("partnerships") or []:
        tol = want.get("tolerance_km", 25)
        a, b = want["places"]
        ok = False
        for f in found:
            ends = [(y, x) for x, y in f["geometry"]["coordinates"]]
            near = lambda p, e, tol=tol: km(e, (p["lat"], p["lon"])) < p.get("tolerance_km", tol)  # noqa: E731
            if (near(a, ends[0]) and near(b, ends[1])) or (near(a, ends[1]) and near(b, ends[0])):
                ok = ok or not want.get("type") or f["properties"]["type"] == want["type"]
        assert ok, f"no partnership {a['name']} - {b['name']}"


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_traps(built, case):
    layers, _, _ = built
    places = _doc_features(layers, "places", case["file"])
    names = {f["properties"]["name"] for f in places} | {
        a for f in places for a in f["properties"]["aliases"]
    }
    for trap in case.get("not_places") or []:
        assert trap not in names
    for wrong in case.get("not_near") or []:
        for f in places:
            lon, lat = f["geometry"]["coordinates"]
            assert km((lat, lon), (wrong["lat"], wrong["lon"])) > 25, f["properties"]["name"]


def test_settings_untouched():
    assert settings.DEFAULT_CORPUS.name == "corpus"
