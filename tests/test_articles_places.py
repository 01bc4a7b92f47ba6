"""Reading places in our own articles (tests/data/articles_places): qualifiers, the regional
supplement and its spellings, people and organisations named after towns, hard-wrapped wire
copy. Expectations were written from the texts, GeoNames and the supplement's sources, not
from the build (see the README there)."""

from __future__ import annotations

import csv
import shutil
import textwrap

import pytest
import yaml

from etl.build import build

from .conftest import DATA, _layers, km

ARTICLES = DATA / "articles_places"
EXPECTED = yaml.safe_load((ARTICLES / "expected.yaml").read_text(encoding="utf-8"))


def _build(tmp_path, knowledge, names):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in names:
        shutil.copy(ARTICLES / name, corpus / name)
    out = tmp_path / "build"
    build(corpus, out, knowledge=knowledge)
    with (out / "unresolved.csv").open(encoding="utf-8") as f:
        unresolved = list(csv.DictReader(f))
    return _layers(out), unresolved


@pytest.fixture(scope="module")
def built(tmp_path_factory, knowledge):
    names = [c["file"] for c in EXPECTED]
    return _build(tmp_path_factory.mktemp("articles-places"), knowledge, names)


def _points(layers, doc):
    return [f for f in layers["places"] if any(s["doc"] == doc for s in f["properties"]["sources"])]


def _facility_ids(layers, doc):
    """Ids of the facilities drawn with a source in ``doc``."""
    return {
        f["properties"]["id"]
        for f in layers["facilities"]
        if any(s["doc"] == doc for s in f["properties"]["sources"])
    }


def _near(feature, lat, lon):
    x, y = feature["geometry"]["coordinates"]
    return km((y, x), (lat, lon))


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_places_drawn_with_their_kind(built, case):
    layers, _ = built
    points = _points(layers, case["file"])
    for want in case["places"]:
        near = [f for f in points if _near(f, want["lat"], want["lon"]) < 2]
        assert near, f"{want['name']} not drawn from {case['file']}"
        assert any(f["properties"]["type"] == want["type"] for f in near), (
            f"{want['name']} drawn as {[f['properties']['type'] for f in near]}"
        )
        if want.get("only"):  # nothing else drawn there ("the X district": not the town too)
            assert all(f["properties"]["type"] == want["type"] for f in near), (
                f"{want['name']} drawn as {[f['properties']['type'] for f in near]}"
            )


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_no_wrong_places(built, case):
    layers, _ = built
    points = _points(layers, case["file"])
    for trap in case["not_near"]:
        wrong = [f["properties"]["name"] for f in points if _near(f, trap["lat"], trap["lon"]) < 5]
        assert not wrong, f"{trap['name']}: drawn as {wrong}"


@pytest.mark.parametrize(
    "case", [c for c in EXPECTED if c.get("lines_not_near")], ids=lambda c: c["file"]
)
def test_no_line_through_wrong_places(built, case):
    """A route named after a homonym ("the Bukhara-Ural pipeline") is not drawn to it."""
    layers, _ = built
    for layer, features in layers.items():
        if layer == "places":
            continue
        for f in features:
            if not any(s["doc"] == case["file"] for s in f["properties"]["sources"]):
                continue
            geometry = f["geometry"]
            lines = (
                geometry["coordinates"]
                if geometry["type"] == "MultiLineString"
                else [geometry["coordinates"]]
                if geometry["type"] == "LineString"
                else []
            )
            for trap in case["lines_not_near"]:
                assert not any(
                    km((y, x), (trap["lat"], trap["lon"])) < 5 for line in lines for x, y in line
                ), f"{f['properties']['id']} runs through {trap['name']}"


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_unresolved_with_reason(built, case):
    _, unresolved = built
    rows = [r for r in unresolved if r["doc"] == case["file"]]
    for want in case["unresolved"]:
        got = [r["reason"] for r in rows if r["mention"] == want["mention"]]
        assert want["reason"] in got, f"{want['mention']}: reasons {got}"


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: c["file"])
def test_words_are_not_reported_as_places(built, case):
    """English words and acronyms named only by places far away ("Khorgos Gateway", "the
    GAC") are words: unresolved.csv lists places nobody could place, not every word."""
    _, unresolved = built
    rows = [r["mention"] for r in unresolved if r["doc"] == case["file"]]
    for word in case.get("not_unresolved") or []:
        assert word not in rows, f"{word} reported as an unresolved place"


@pytest.mark.parametrize(
    "case", [c for c in EXPECTED if c.get("facilities")], ids=lambda c: c["file"]
)
def test_registry_facilities_drawn(built, case):
    """ "the Kenkiyak and Zhanazhol fields": each listed name is looked up as "X field"."""
    layers, _ = built
    drawn = _facility_ids(layers, case["file"])
    for want in case["facilities"]:
        assert want in drawn, f"{want} not drawn from {case['file']}: {sorted(drawn)}"


@pytest.mark.parametrize(
    "case", [c for c in EXPECTED if c.get("facilities_not")], ids=lambda c: c["file"]
)
def test_registry_facilities_not_drawn(built, case):
    """A firm that runs several plants names none of them: "the Chzhungtsai Mohir Cement
    company" opening its Tajik plant does not draw the firm's Uzbek plant."""
    layers, _ = built
    drawn = _facility_ids(layers, case["file"])
    for unwanted in case["facilities_not"]:
        assert unwanted not in drawn, f"{unwanted} drawn from {case['file']}"


def test_person_filter_alone_catches_the_minister_traps(tmp_path, knowledge, monkeypatch):
    """With the person filter switched off the ministers' surnames become towns: the trap
    tests the person filter, not some other rule."""
    from etl.places import people

    monkeypatch.setattr(people, "person_spans", lambda text, cues: [])
    monkeypatch.setattr(people, "role_after_spans", lambda text, cues: [])
    layers, _ = _build(tmp_path, knowledge, ["04_people_and_firms.txt"])
    points = _points(layers, "04_people_and_firms.txt")
    assert any(_near(f, 43.18032, 51.68116) < 5 for f in points)  # Kuryk
    assert any(_near(f, 43.34116, 52.86192) < 5 for f in points)  # Zhanaozen


def test_hard_wrapped_copy_reads_as_unwrapped(tmp_path, knowledge):
    """The same article, hard-wrapped at 64 columns and unwrapped, gives the same features,
    the same quotes and the same offsets."""
    raw = (ARTICLES / "06_wire_copy.txt").read_text(encoding="utf-8")
    head, body = raw.split("\n\n", 1)
    flat = head + "\n\n" + " ".join(body.split()) + "\n"
    wrapped = head + "\n\n" + textwrap.fill(" ".join(body.split()), width=64) + "\n"
    results = []
    for name, text in (("flat", flat), ("wrapped", wrapped)):
        corpus = tmp_path / name / "corpus"
        corpus.mkdir(parents=True)
        (corpus / "06_wire_copy.txt").write_text(text, encoding="utf-8")
        build(corpus, tmp_path / name / "build", knowledge=knowledge)
        layers = _layers(tmp_path / name / "build")
        results.append(
            {
                layer: sorted(
                    (f["properties"]["id"], s["quote"], s["start"], s["end"])
                    for f in feats
                    for s in f["properties"]["sources"]
                )
                for layer, feats in layers.items()
            }
        )
    assert results[0] == results[1]
    assert any(results[0].values())


def test_a_crossing_the_registry_lists_is_one_point_not_two(built):
    """ "the Torugart Pass", "the customs post at Irkeshtam" (held-out set 76): the registry's
    crossing and the supplement's pass or post on the same spot are one place on the map,
    drawn once (the registry's, with its sources), not two dots one on the other."""
    layers, _ = built
    points = _points(layers, "12_passes_ports_fields.txt")
    for lat, lon in ((40.5925, 75.42722), (39.678056, 73.898611)):  # Torugart, Irkeshtam
        here = [f["properties"]["id"] for f in points if _near(f, lat, lon) < 5]
        assert len(here) == 1, here
