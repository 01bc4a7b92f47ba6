"""Figures from our own articles (tests/data/articles_figures): comparisons, lists by
country, kinds and scopes, currencies at the figure's year, distances that are no lengths,
decimal commas, and figures on sections and lines. Expectations were worked out from the
texts and geodata/exchange_rates.csv by hand (see expected.yaml), not from the build."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
import yaml

from etl.build import build

from .conftest import DATA, _layers

FOLDER = DATA / "articles_figures"
EXPECTED = yaml.safe_load((FOLDER / "expected.yaml").read_text(encoding="utf-8"))
ARTICLES = EXPECTED["articles"]


@pytest.fixture(scope="module")
def built(tmp_path_factory, knowledge):
    corpus = tmp_path_factory.mktemp("figures-corpus")
    for path in FOLDER.glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    out = tmp_path_factory.mktemp("figures") / "build"
    build(corpus, out, knowledge=knowledge)
    with (out / "facts.csv").open(encoding="utf-8") as f:
        facts = list(csv.DictReader(f))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return facts, _layers(out), manifest


def _rows(facts, case):
    return [r for r in facts if r["doc"] == case["file"]]


def _same(row, want) -> bool:
    if (row["metric"], row["unit"]) != (want["metric"], want["unit"]):
        return False
    if row["subject"] != (want["subject"] or ""):
        return False
    if row["year"] != ("" if want["year"] is None else str(want["year"])):
        return False
    if want["original"] not in row["original"]:
        return False
    return row["value"] != "" and float(row["value"]) == pytest.approx(want["value"], rel=1e-4)


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c["file"])
def test_each_figure_has_its_kind_subject_year_and_value(built, case):
    facts, _, _ = built
    rows = _rows(facts, case)
    for want in case.get("facts") or []:
        assert any(_same(r, want) for r in rows), (
            f"missing {want}; rows with these words: "
            f"{[r for r in rows if want['original'] in r['original']]}"
        )


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c["file"])
def test_row_counts_per_metric(built, case):
    facts, _, _ = built
    rows = _rows(facts, case)
    for metric, n in (case.get("counts") or {}).items():
        got = [r["original"] for r in rows if r["metric"] == metric]
        assert len(got) == n, f"{metric}: {got}"


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c["file"])
def test_words_that_are_no_figures_give_no_row(built, case):
    facts, _, _ = built
    for words in case.get("absent") or []:
        hits = [r for r in _rows(facts, case) if words in r["original"]]
        assert not hits, hits


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c["file"])
def test_conflicts_only_between_documents(built, case):
    facts, _, _ = built
    rows = _rows(facts, case)

    def keyed(k):
        got = [
            r
            for r in rows
            if (r["metric"], r["subject"], r["year"]) == (k["metric"], k["subject"], str(k["year"]))
        ]
        assert got, k
        return got

    for k in case.get("conflicts") or []:
        assert all(r["conflict"] for r in keyed(k)), k
    for k in case.get("no_conflicts") or []:
        assert not any(r["conflict"] for r in keyed(k)), keyed(k)


@pytest.mark.parametrize("case", ARTICLES, ids=lambda c: c["file"])
def test_figures_on_sections_and_lines(built, case):
    _, layers, _ = built
    features = {f["properties"]["id"]: f["properties"] for fs in layers.values() for f in fs}
    for want in case.get("feature_figures") or []:
        entries = [
            g
            for g in features[want["feature"]]["figures"]
            if g["doc"] == case["file"]
            and g["metric"] == want["metric"]
            and g["value"] == want["value"]
            and want["for"] in g["for"]
        ]
        assert entries, (
            f"no {want['metric']} {want['value']} for {want['for']} on {want['feature']}"
        )
        (g,) = entries
        assert g["agrees"] is want["agrees"], g
        if want["note"] is None:
            assert not g.get("note"), g
        else:
            assert want["note"] in g.get("note", ""), g
    for want in case.get("unchanged_properties") or []:
        props = features[want["feature"]]
        for key, value in want.items():
            if key != "feature":
                assert props[key] == value, (key, props[key])


def test_unclassified_figures_are_counted_in_the_manifest(built):
    _, _, manifest = built
    for key, value in EXPECTED["manifest"].items():
        assert manifest[key] == value, key
