"""Facilities named only by their own name and a noun ("the X HPP-2", "the X mine").

The atlas has no coordinates for them (no registry row, no place of that name), so nothing
is drawn, but each mention must reach ``unresolved.csv`` with kind ``facility`` and a
reason instead of vanishing. The article is fiction written for the test; its facility
names are invented on purpose so that no gazetteer or registry knows them.
"""

from __future__ import annotations

import csv
import shutil

import pytest

from etl.build import build

from .conftest import DATA

ARTICLES = DATA / "articles_facilities"
NAMED = ["Boroldoy HPP-3", "Ulanbek reservoir", "Chonkashka gold mine", "Tuyuktash deposit"]


@pytest.fixture(scope="module")
def unresolved(tmp_path_factory, knowledge):
    corpus = tmp_path_factory.mktemp("facilities-corpus")
    for path in ARTICLES.glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    out = tmp_path_factory.mktemp("facilities") / "build"
    build(corpus, out, knowledge=knowledge)
    with (out / "unresolved.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", NAMED)
def test_a_facility_named_only_by_its_name_is_reported(unresolved, name):
    rows = [r for r in unresolved if r["kind"] == "facility" and name in r["mention"]]
    assert rows, f"{name!r} not in unresolved.csv"
    assert rows[0]["reason"].startswith("unknown name")


def test_a_plain_noun_is_not_a_named_facility(unresolved):
    """ "the new plant", "a Chinese contractor": no name, nothing to report."""
    mentions = [r["mention"] for r in unresolved if r["kind"] == "facility"]
    assert not any(m.startswith(("The new", "A Chinese", "Chinese")) for m in mentions), mentions
